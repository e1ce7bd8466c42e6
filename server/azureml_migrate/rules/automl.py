"""AutoML (AML900-AML919): `AutoMLConfig` -> `automl.<task>(...)` plus `set_limits` / `set_training`.

One v1 constructor becomes one factory call and up to three setter calls: the
parameters are sorted into the factory (data, target, metric), the limits (time, trials,
concurrency) and the training settings (algorithms, ensembles) by the tables below,
which are checked against the real `AutoMLConfig` and `azure.ai.ml.automl` signatures.
"""

from __future__ import annotations

import ast
import json

from ..fixes.lazy import cst

from ..astutil import call_arg, literal
from ..fixes.calls import arg_map, assignment_line, keyword_arg, rebuild_call
from ..analysis.model import Finding
from .base import LEARN, MANUAL, SAFE, UNSAFE, BindingSpec, Check, Rule, remove_statement
from .jobs import compute_keyword, compute_mode

URL = LEARN + "migrate-to-v2-execution-automl"
AUTOML = "azureml.train.automl.AutoMLConfig"
AUTOML_RUN = "azureml.train.automl.run.AutoMLRun"

# The real positional order of AutoMLConfig.__init__ (checked by tests/test_catalog.py).
PARAMS = (
    "task", "path", "iterations", "primary_metric", "positive_label", "compute_target", "spark_context", "X", "y",
    "sample_weight", "X_valid", "y_valid", "sample_weight_valid", "cv_splits_indices", "validation_size",
    "n_cross_validations", "y_min", "y_max", "num_classes", "featurization", "max_cores_per_iteration",
    "max_concurrent_iterations", "iteration_timeout_minutes", "mem_in_mb", "enforce_time_on_windows",
    "experiment_timeout_hours", "experiment_exit_score", "enable_early_stopping", "blocked_models",
    "blacklist_models", "exclude_nan_labels", "verbosity", "enable_tf", "model_explainability", "allowed_models",
    "whitelist_models", "enable_onnx_compatible_models", "enable_voting_ensemble", "enable_stack_ensemble",
    "debug_log", "training_data", "validation_data", "test_data", "test_size", "label_column_name",
    "weight_column_name", "cv_split_column_names", "enable_local_managed", "enable_dnn", "forecasting_parameters",
)
TASKS = ("classification", "regression", "forecasting")

# v1 parameter -> keyword of the v2 factory (`automl.classification(...)`).
FACTORY = {
    "primary_metric": "primary_metric",
    "positive_label": "positive_label",
    "label_column_name": "target_column_name",
    "weight_column_name": "weight_column_name",
    "n_cross_validations": "n_cross_validations",
    "cv_split_column_names": "cv_split_column_names",
    "validation_size": "validation_data_size",
    "test_size": "test_data_size",
    "model_explainability": "enable_model_explainability",
}
DATA = ("training_data", "validation_data", "test_data")
# v1 parameter -> keyword of `job.set_limits(...)` (hours become minutes).
LIMITS = {
    "experiment_timeout_hours": "timeout_minutes",
    "iteration_timeout_minutes": "trial_timeout_minutes",
    "iterations": "max_trials",
    "max_concurrent_iterations": "max_concurrent_trials",
    "max_cores_per_iteration": "max_cores_per_trial",
    "experiment_exit_score": "exit_score",
    "enable_early_stopping": "enable_early_termination",
}
# v1 parameter -> keyword of `job.set_training(...)`.
TRAINING = {
    "blocked_models": "blocked_training_algorithms",
    "blacklist_models": "blocked_training_algorithms",
    "allowed_models": "allowed_training_algorithms",
    "whitelist_models": "allowed_training_algorithms",
    "enable_onnx_compatible_models": "enable_onnx_compatible_models",
    "enable_voting_ensemble": "enable_vote_ensemble",
    "enable_stack_ensemble": "enable_stack_ensemble",
    "enable_dnn": "enable_dnn_training",
}
# v1 defaults that v2 leaves to the service: written out so the job keeps v1's behaviour.
V1_DEFAULTS = {
    "max_cores_per_iteration": ("1", LIMITS),
    "max_concurrent_iterations": ("1", LIMITS),
    "enable_early_stopping": ("True", LIMITS),
    "model_explainability": ("True", FACTORY),
    "enable_voting_ensemble": ("True", TRAINING),
}
# Local-run and logging parameters with no effect on a remote job.
DROPPED = ("debug_log", "verbosity", "enforce_time_on_windows")
# No v2 equivalent: v2 AutoML jobs take MLTable inputs only.
UNSUPPORTED = ("path", "spark_context", "X", "y", "sample_weight", "X_valid", "y_valid", "sample_weight_valid",
               "cv_splits_indices", "y_min", "y_max", "num_classes", "mem_in_mb", "exclude_nan_labels", "enable_tf",
               "enable_local_managed")


def _dataset_path(site, expr: ast.expr) -> tuple[str | None, str]:
    """`azureml:<name>:<version>` for a registered dataset got by name in this file; (None, why) otherwise."""
    from .data import DatasetGetByName

    b = site.binding(expr)
    creator = b.creator if b is not None else site.inline(expr)
    if creator is None or not isinstance(creator.rule, DatasetGetByName):
        return None, "only a dataset got with `Dataset.get_by_name(ws, name=...)` in this file is converted"
    call = creator.node
    name_expr = call_arg(call, 1, "name")
    ok, name = literal(name_expr)
    if not ok or not isinstance(name, str):
        return None, "the dataset name must be a literal"
    version_expr = call_arg(call, 2, "version")
    ok, version = literal(version_expr) if version_expr is not None else (True, "latest")
    if not ok or isinstance(version, bool) or not (isinstance(version, int) or str(version).isdigit()
                                                   or version == "latest"):
        return None, "the dataset version must be a number or 'latest'"
    return (f"azureml:{name}@latest" if version == "latest" else f"azureml:{name}:{version}"), ""


# -- `AutoMLConfig(..., **automl_settings)` ------------------------------------------------
# Microsoft's samples keep most settings in a dict literal unpacked into the call. When the
# dict is plainly this call's own (assigned once just before it, read by nothing else), its
# entries are this call's keywords, and the fix moves them into the call (and removes the dict).

_RUNS_CODE = (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)
# Values that read nothing an intervening statement could change in place.
_PLAIN = (ast.Constant, ast.Name, ast.List, ast.Tuple, ast.Set, ast.Dict, ast.UnaryOp, ast.Load, ast.USub, ast.UAdd)
_DYNAMIC = ("locals", "globals", "vars", "eval", "exec")


def _names_bound(node: ast.AST) -> list[str]:
    """The names a node binds or declares (targets, definitions, imports, handlers, patterns)."""
    if isinstance(node, ast.Name):
        return [node.id] if not isinstance(node.ctx, ast.Load) else []
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return list(node.names)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.alias):
        return [node.asname or node.name.split(".")[0]]
    if isinstance(node, ast.arg):
        return [node.arg]
    if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
        return [node.name] if node.name else []
    if isinstance(node, ast.MatchMapping):
        return [node.rest] if node.rest else []
    return []


class _Settings:
    """The dict literal unpacked into the call: its statement, entries and source."""

    def __init__(self, name: str, stmt: ast.stmt, entries: dict[str, ast.expr], between: list[ast.stmt]) -> None:
        self.name = name
        self.stmt = stmt
        self.entries = entries
        self.between = between  # the statements between the dict and the call


def _settings_dict(site) -> _Settings | str:
    """The settings dict unpacked with `**` into this call, or why it cannot be merged."""
    call = site.node
    doubles = [k for k in call.keywords if k.arg is None]
    if any(isinstance(a, ast.Starred) for a in call.args) or not doubles:
        return "arguments passed with `*` cannot be mapped"
    if len(doubles) > 1:
        return "only one `**` dict is merged into the call"
    unpacked = doubles[0].value
    if not isinstance(unpacked, ast.Name):
        return "`**` must unpack a variable holding a `{...}` literal assigned just before the call"
    name = unpacked.id
    scope = site.analyzer.scope
    if scope.kind not in ("module", "function") or name in scope.globals:
        return f"`{name}` is not a variable of the function or module that makes the call"
    block, index = site.analyzer.block_of.get(id(site.stmt), (None, -1))
    assign = None
    for stmt in reversed(block[:index] if block is not None else ()):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and stmt.targets[0].id == name:
            assign, target = stmt, stmt.targets[0]
            break
        if isinstance(stmt, ast.AnnAssign) and stmt.value is not None and isinstance(stmt.target, ast.Name) \
                and stmt.target.id == name:
            assign, target = stmt, stmt.target
            break
    if assign is None:
        return f"`{name}` is not assigned earlier in the same block as the call"
    # Read by nothing else: the whole scope (nested functions included) names it only here.
    # (At module level that is the whole file: a tracked read, see Analyzer.tree.)
    where = site.analyzer.tree if scope.kind == "module" else scope.node
    allowed = {id(target), id(unpacked)}
    for node in ast.walk(where):
        if id(node) in allowed:
            continue
        if isinstance(node, ast.Name) and node.id in _DYNAMIC and isinstance(node.ctx, ast.Load):
            return (f"`{node.id}()` on line {node.lineno} may read `{name}`; "
                    "only a dict read by this call alone is merged")
        if (isinstance(node, ast.Name) and node.id == name) or name in _names_bound(node):
            line = getattr(node, "lineno", None) or getattr(site.stmt, "lineno", 0)
            return f"`{name}` is also used on line {line}; only a dict read by this call alone is merged"
    value = assign.value
    if isinstance(value, ast.Call):
        what = "`dict(...)`" if isinstance(value.func, ast.Name) and value.func.id == "dict" else "a call"
        return f"`{name}` is built by {what}; only a `{{...}}` literal with string keys is merged"
    if not isinstance(value, ast.Dict):
        return f"`{name}` is not a `{{...}}` literal with string keys"
    if id(assign) in site.analyzer.shared_line_stmts:
        return f"`{name} = {{...}}` shares its line with another statement"
    entries: dict[str, ast.expr] = {}
    for key, item in zip(value.keys, value.values):
        if key is None:
            return f"`{name}` unpacks another dict with `**`"
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return f"`{name}` has a key that is not a literal string"
        if key.value in entries:
            return f"`{name}` sets {key.value!r} twice"
        entries[key.value] = item
    return _Settings(name, assign, entries, block[block.index(assign) + 1:index])


def _settings_problem(site, settings: _Settings) -> str | None:
    """Why the entries cannot be written as keywords of the call, or None."""
    name = settings.name
    positional = PARAMS[:len(site.node.args)]
    for key, value in settings.entries.items():
        if key not in PARAMS:
            return f"`{key}` in `{name}` is not an `AutoMLConfig` parameter (v1 passed it on through `**kwargs`)"
        if key in positional or key in site.keywords():
            return f"`{key}` is given both in `{name}` and as an argument (a TypeError in v1)"
        if any(isinstance(n, _RUNS_CODE) for n in ast.walk(value)):
            return f"the value of `{key}` in `{name}` runs code (a call); it would run later, in the call"
        for n in ast.walk(value):
            if not isinstance(n, ast.Name):
                continue
            entry = site.analyzer.peek(n.id)
            qualified = getattr(entry, "qualified", None)
            if qualified:
                return f"the value of `{key}` in `{name}` uses SDK v1 (`{qualified}`)"
            if site.binding(n) is not None and not (n is value and (key in DATA or key == "compute_target")):
                return f"the value of `{key}` in `{name}` uses the v1 object `{n.id}`"
        if key in DROPPED or not settings.between:
            continue
        # The value is now evaluated at the call, not at the dict: nothing in between may change it.
        if not all(isinstance(n, _PLAIN) for n in ast.walk(value)):
            return (f"the value of `{key}` in `{name}` is read from an object that may change before the "
                    "`AutoMLConfig` call; move the dict next to the call")
        used = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
        for stmt in settings.between:
            for n in ast.walk(stmt):
                changed = used.intersection(_names_bound(n))
                if changed:
                    return f"`{changed.pop()}` changes between `{name}` and the `AutoMLConfig` call"
    return None


def _settings_source(site, stmt: ast.stmt) -> str:
    """The dict's statement as full lines (the first padded to its column), for the fix to parse."""
    return ast.get_source_segment(site.analyzer.source, stmt, padded=True) or ""


def _merged_call(call, settings_src: str):
    """`call` with `**settings` replaced by the dict's entries as keywords, one argument a line.

    A comment at the end of an argument's or an entry's line stays with it. Comment lines
    inside the dict are not carried over: they sit after the entry before them, so they
    would land above whatever argument follows once entries move to the setters.
    """
    indented = settings_src[:1] in (" ", "\t")
    module = cst.parse_module(("if True:\n" + settings_src if indented else settings_src) + "\n")
    stmt = module.body[0].body.body[0] if indented else module.body[0]
    literal_dict = stmt.body[0].value

    def line_break(comma, last_line: str, own_lines: bool):
        """A comma ending its line (keeping the comment after it, and the comment lines below it)."""
        ws = comma.whitespace_after if isinstance(comma, cst.Comma) else None
        first, empty = cst.TrailingWhitespace(), []
        if isinstance(ws, cst.ParenthesizedWhitespace):
            first, empty = ws.first_line, list(ws.empty_lines) if own_lines else []
        return cst.Comma(whitespace_after=cst.ParenthesizedWhitespace(
            first_line=first, empty_lines=empty, indent=True, last_line=cst.SimpleWhitespace(last_line)))

    args = [(a, a.comma, True) for a in call.args if a.star != "**"]
    equal = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
    for element in literal_dict.elements:
        arg = cst.Arg(keyword=cst.Name(element.key.evaluated_value), equal=equal, value=element.value)
        args.append((arg, element.comma, False))
    rebuilt = [a.with_changes(comma=line_break(comma, "    " if i < len(args) - 1 else "", own_lines))
               for i, (a, comma, own_lines) in enumerate(args)]
    opening = call.whitespace_before_args
    if not isinstance(opening, cst.ParenthesizedWhitespace):
        opening = cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(), empty_lines=[], indent=True,
                                              last_line=cst.SimpleWhitespace("    "))
    else:
        opening = opening.with_changes(indent=True, last_line=cst.SimpleWhitespace("    "))
    return call.with_changes(whitespace_before_args=opening, args=rebuilt)


class AutoMLConfigRule(Rule):
    """An AutoML run configuration.

    ## Why
    SDK v2 creates AutoML jobs with a factory per task (`azure.ai.ml.automl.classification`,
    `regression`, `forecasting`) and configures them with `set_limits`, `set_training`
    and `set_featurization`; the job is submitted like any other.

    ## Migration
    `task` picks the factory. Factory keywords: `label_column_name` ->
    `target_column_name`, `validation_size` -> `validation_data_size`, `test_size` ->
    `test_data_size`, `model_explainability` -> `enable_model_explainability`,
    `compute_target` -> `compute` (a name); `primary_metric`, `positive_label`,
    `weight_column_name`, `n_cross_validations` and `cv_split_column_names` keep their names.
    Data must be MLTable inputs: a registered dataset becomes
    `Input(type="mltable", path="azureml:<name>:<version>")` (v1 tabular datasets can be used
    as MLTable assets).
    `set_limits`: `experiment_timeout_hours` -> `timeout_minutes` (x60),
    `iteration_timeout_minutes` -> `trial_timeout_minutes`, `iterations` -> `max_trials`,
    `max_concurrent_iterations` -> `max_concurrent_trials`, `max_cores_per_iteration` ->
    `max_cores_per_trial`, `experiment_exit_score` -> `exit_score`,
    `enable_early_stopping` -> `enable_early_termination`.
    `set_training`: `blocked_models` -> `blocked_training_algorithms`, `allowed_models` ->
    `allowed_training_algorithms`, `enable_voting_ensemble` -> `enable_vote_ensemble`,
    `enable_dnn` -> `enable_dnn_training`; `enable_onnx_compatible_models` and
    `enable_stack_ensemble` keep their names. `featurization="auto"`/`"off"` ->
    `set_featurization(mode=...)`.
    v1 sent its own defaults (one core and one concurrent trial, early stopping,
    explanations and voting ensembles on); v2 leaves them to the service, so the fix
    writes them out. `debug_log`, `verbosity` and `enforce_time_on_windows` only affected
    local logging and are dropped. `X`/`y` arrays, `spark_context`, `path` and the other
    local-run parameters have no v2 equivalent.
    Settings passed as `**automl_settings` are mapped like keywords when the dict is a
    `{...}` literal with string keys, assigned in the same block before the call and read
    by nothing else: its entries become the call's keywords and the dict's assignment is
    removed by the same fix (a fix on either statement migrates both; the dict's line
    shows an AML900 finding too). Entry values are copied as written; comment lines inside
    the dict, and comments on entries that move to `set_limits`/`set_training` or are
    dropped, are not carried over.

    ## Fix safety
    Safe for a literal task, compute name or compute object, and data from
    `Dataset.get_by_name(ws, name=..., version=<number>)`. Unsafe for implicit or
    explicit `'latest'` data (v2's `@latest` label is the newest version, v1's the
    highest number) or a compute in a variable that may not hold a name. Manual for
    `FeaturizationConfig` and `ForecastingParameters` objects, other tasks, other data and
    local-run parameters. For `**settings`, manual (with the reason) when the dict is built
    by a call or `dict(...)`, is used anywhere else (another config, `settings[...] = ...`,
    `.update`), is assigned elsewhere, repeats a keyword of the call, has a key that is not
    an `AutoMLConfig` parameter, or has a value that calls code, uses SDK v1 (other than a
    dataset or compute variable as the whole value) or could change between the dict and
    the call; and for `*args` or several `**` dicts.
    """

    code = "AML900"
    name = "automl-config"
    symbols = (AUTOML,)
    message = "`AutoMLConfig` is SDK v1; create the job with `automl.<task>(...)` and `set_limits(...)`"
    v2 = 'automl.classification(training_data=Input(type="mltable", path=...), target_column_name=..., primary_metric=..., compute=...)'
    url = URL
    safety = SAFE
    statement_fix = True
    creates = BindingSpec(AUTOML)
    params = PARAMS
    before = """\
from azureml.core import Dataset, Workspace
from azureml.train.automl import AutoMLConfig

ws = Workspace.from_config()
train = Dataset.get_by_name(ws, name="bank-marketing", version=1)
automl_config = AutoMLConfig(
    task="classification",
    primary_metric="AUC_weighted",
    training_data=train,
    label_column_name="y",
    compute_target="cpu-cluster",
    experiment_timeout_hours=0.5,
    iterations=20,
    n_cross_validations=5,
    blocked_models=["XGBoostClassifier"],
)
"""
    after = """\
from azure.ai.ml import Input, MLClient, automl
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
train = ml_client.data.get(name="bank-marketing", version="1")
automl_config = automl.classification(
    primary_metric="AUC_weighted",
    training_data=Input(type="mltable", path="azureml:bank-marketing:1"),
    target_column_name="y",
    compute="cpu-cluster",
    n_cross_validations=5,
    enable_model_explainability=True,
)
automl_config.set_limits(
    timeout_minutes=30,
    max_trials=20,
    max_concurrent_trials=1,
    max_cores_per_trial=1,
    enable_early_termination=True,
)
automl_config.set_training(
    blocked_training_algorithms=["XGBoostClassifier"],
    enable_vote_ensemble=True,
)
"""

    def check(self, site):
        settings = None
        if site.has_star_args():
            settings = _settings_dict(site)
            if isinstance(settings, str):
                return Check(MANUAL, settings)
        if site.assigned_name() is None or not site.alone_on_line():
            return Check(MANUAL, "only `name = AutoMLConfig(...)` on its own line is rewritten (it becomes several statements)")
        given = {p: site.arg(i, p) for i, p in enumerate(PARAMS) if site.arg(i, p) is not None}
        if settings is not None:
            problem = _settings_problem(site, settings)
            if problem:
                return Check(MANUAL, problem)
            given.update(settings.entries)
        notes: list[str] = []
        manual = [p for p in given if p in UNSUPPORTED]
        if manual:
            return Check(MANUAL, f"{', '.join(f'`{p}`' for p in manual)}: no v2 equivalent (v2 AutoML takes MLTable inputs)")
        if "forecasting_parameters" in given:
            return Check(MANUAL, "`forecasting_parameters` -> `job.set_forecast_settings(...)` (`freq` -> `frequency`, "
                                 "`target_aggregation_function` -> `target_aggregate_function`) by hand")
        ok, task = literal(given.get("task"))
        if not ok or task not in TASKS:
            return Check(MANUAL, "only a literal task 'classification', 'regression' or 'forecasting' is rewritten; "
                                 "image and NLP tasks have their own factories (`automl.image_classification`, ...)")
        if "positive_label" in given and task != "classification":
            return Check(MANUAL, "`positive_label` is for classification only")
        if "label_column_name" not in given or "training_data" not in given:
            return Check(MANUAL, "v2 requires `training_data` and a target column (`label_column_name`)")
        for a, b in (("blocked_models", "blacklist_models"), ("allowed_models", "whitelist_models")):
            if a in given and b in given:
                return Check(MANUAL, f"both `{a}` and `{b}` are given")
        safety = SAFE
        facts: dict = {"task": task, "data": {}, "minutes": None}
        for p in DATA:
            if p in given:
                path, why = _dataset_path(site, given[p])
                if path is None:
                    return Check(MANUAL, f"`{p}` must become `Input(type=\"mltable\", path=...)`: {why}")
                if path.endswith("@latest"):
                    safety = UNSAFE
                    notes.append(f"`{p}`: v2's `@latest` label is the newest version, v1's latest the highest number")
                site.consume(given[p])
                facts["data"][p] = path
        featurization = given.get("featurization")
        if featurization is not None:
            ok, value = literal(featurization)
            if not ok or value not in ("auto", "off"):
                return Check(MANUAL, "a `FeaturizationConfig` -> `set_featurization(blocked_transformers=..., "
                                     "column_name_and_types=..., transformer_params=...)` by hand")
            facts["featurization"] = value
        hours = given.get("experiment_timeout_hours")
        if hours is not None:
            ok, value = literal(hours)
            if not ok or isinstance(value, bool) or not isinstance(value, (int, float)) or value * 60 != int(value * 60):
                return Check(MANUAL, "`experiment_timeout_hours` -> `set_limits(timeout_minutes=<hours x 60>)`, a whole number")
            facts["minutes"] = int(value * 60)
        compute = given.get("compute_target")
        facts["compute"] = compute_mode(site, compute) if compute is not None else "none"
        if facts["compute"] == "pass":
            safety = UNSAFE
            notes.append("`compute` must be a compute name in v2; check the variable holds one")
        dropped = [p for p in given if p in DROPPED]
        if dropped:
            notes.append(f"{', '.join(f'`{p}`' for p in dropped)} only affected local logging and are dropped")
        if settings is not None:
            facts["settings"] = _settings_source(site, settings.stmt)
            facts["settings_finding"] = self._settings_finding(site, settings)
        return Check(safety, "; ".join(notes), facts=facts)

    def _settings_finding(self, site, settings: _Settings) -> Finding:
        """The dict's own finding: its statement goes away with this fix (they are one group:
        this finding requires it, and `plan` makes it require this one)."""
        stmt = settings.stmt
        finding = Finding(
            rule=self, symbol=AUTOML, span=site.analyzer.span(stmt), node=stmt, stmt=stmt, safety=SAFE,
            message=f"`{settings.name}` holds the settings of `{site.assigned_name()} = AutoMLConfig(...)`; "
                    "they move into the v2 job with it",
            facts={"settings_of": site.stmt.lineno},
        )
        site.analyzer.seg.findings.append(finding)
        site.require_finding(finding)
        return finding

    def plan(self, finding, users, analysis) -> None:
        """The settings dict's finding requires the call's (a fix on either migrates both)."""
        companion = finding.facts.get("settings_finding")
        if companion is not None:
            companion.requires_findings[:] = [finding]

    def fix(self, node, ctx):
        facts = ctx.finding.facts
        if facts.get("settings_of") is not None:
            return remove_statement(ctx)  # the settings dict, merged into the call
        call = node.value
        if facts.get("settings"):
            call = _merged_call(call, facts["settings"])
        given = arg_map(call, PARAMS)
        target = node.targets[0].target if isinstance(node, cst.Assign) else node.target
        mod = cst.Module(body=[])

        def data(name):
            def build(arg):
                input_cls = ctx.need("azure.ai.ml", "Input")
                value = cst.parse_expression(f'{input_cls}(type="mltable", path={json.dumps(facts["data"][name])})')
                return keyword_arg(name, value, arg)
            return build

        def compute(arg):
            return compute_keyword(arg, facts["compute"])

        mapping: dict = {p: None for p in PARAMS}
        mapping.update(FACTORY)
        mapping.update({p: data(p) for p in DATA})
        mapping["compute_target"] = compute
        append = [keyword_arg(FACTORY[p], cst.parse_expression(v)) for p, (v, table) in V1_DEFAULTS.items()
                  if table is FACTORY and p not in given]
        automl = ctx.need("azure.ai.ml", "automl")
        factory = rebuild_call(call, cst.parse_expression(f"{automl}.{facts['task']}"), PARAMS, mapping, append=append)

        def setter(method: str, table: dict, extra: list[str]) -> cst.BaseStatement | None:
            kwargs = list(extra)
            for p, v2 in table.items():
                if p in given:
                    value = mod.code_for_node(given[p].value)
                    if p == "experiment_timeout_hours":
                        value = str(facts["minutes"])
                    kwargs.append(f"{v2}={value}")
                elif p in V1_DEFAULTS and V1_DEFAULTS[p][1] is table:
                    kwargs.append(f"{v2}={V1_DEFAULTS[p][0]}")
            if not kwargs:
                return None
            head = f"{mod.code_for_node(target)}.{method}("
            indent = " " * ctx.finding.stmt.col_offset
            if len(indent) + len(head) + sum(len(k) + 2 for k in kwargs) > 100:
                # One keyword per line; libcst adds the block's indentation to each line.
                return cst.parse_statement(head + "\n" + "".join(f"    {k},\n" for k in kwargs) + ")\n")
            return cst.parse_statement(f"{head}{', '.join(kwargs)})\n")

        statements = [assignment_line(node, factory)]
        for method, table in (("set_limits", LIMITS), ("set_training", TRAINING)):
            stmt = setter(method, table, [])
            if stmt is not None:
                statements.append(stmt)
        if "featurization" in facts:
            statements.append(cst.parse_statement(
                f'{mod.code_for_node(target)}.set_featurization(mode="{facts["featurization"]}")\n'))
        return cst.FlattenSentinel(statements)


class AutoMLRunOutput(Rule):
    """The best model of an AutoML run (`get_output`, `get_best_child`, `register_model`).

    ## Migration
    No direct v2 API: the best trial is an MLflow child run of the job. Find it with
    `mlflow.search_runs(experiment_names=[...], filter_string=f"tags.mlflow.parentRunId = '{job.name}'",
    order_by=["metrics.<primary metric> DESC"], max_results=1)`, download its model with
    `mlflow.artifacts.download_artifacts(run_id=..., artifact_path="outputs/mlflow-model")`,
    and register it with `ml_client.models.create_or_update(Model(path=f"azureml://jobs/{best_run_id}/outputs/artifacts/outputs/mlflow-model", type=AssetTypes.MLFLOW_MODEL, name=...))`.

    ## Fix safety
    No automatic fix.
    """

    code = "AML901"
    name = "automl-run-output"
    symbols = (f"{AUTOML_RUN}.get_output", f"{AUTOML_RUN}.get_best_child", f"{AUTOML_RUN}.register_model")
    message = "`{symbol}()` is SDK v1; find the best trial among the job's MLflow child runs"
    v2 = "mlflow.search_runs(filter_string=f\"tags.mlflow.parentRunId = '{job.name}'\", order_by=[...], max_results=1)"
    url = URL
    safety = MANUAL


class AutoMLImageConfigRule(Rule):
    """An AutoML computer-vision configuration.

    ## Migration
    `automl.image_classification(...)`, `image_classification_multilabel`,
    `image_object_detection` or `image_instance_segmentation` by task, with
    `set_limits(...)`, `set_sweep(...)` and `extend_search_space(...)` for the
    hyperparameter space (MLTable inputs with image URLs).

    ## Fix safety
    No automatic fix.
    """

    code = "AML902"
    name = "automl-image-config"
    symbols = ("azureml.train.automl.AutoMLImageConfig",)
    message = "`AutoMLImageConfig` is SDK v1; use `automl.image_classification(...)` (or the task's factory)"
    v2 = "automl.image_classification(training_data=..., target_column_name=..., ...)"
    url = URL
    safety = MANUAL


class FeaturizationConfigRule(Rule):
    """Custom featurization for AutoML.

    ## Migration
    `job.set_featurization(mode="custom", blocked_transformers=...,
    column_name_and_types=<column_purposes>, transformer_params=<ColumnTransformer lists>,
    dataset_language=...)`. `drop_columns` and `prediction_transform_type` have no v2
    equivalent (drop columns from the MLTable instead).

    ## Fix safety
    No automatic fix.
    """

    code = "AML903"
    name = "featurization-config"
    symbols = ("azureml.automl.core.featurization.FeaturizationConfig",)
    message = "`FeaturizationConfig` is SDK v1; call `job.set_featurization(mode=\"custom\", ...)` on the v2 AutoML job"
    v2 = 'job.set_featurization(mode="custom", blocked_transformers=[...], column_name_and_types={...})'
    url = URL
    safety = MANUAL


class ForecastingParametersRule(Rule):
    """Forecasting settings for AutoML.

    ## Migration
    `job.set_forecast_settings(...)` on the `automl.forecasting(...)` job; renames:
    `freq` -> `frequency`, `target_aggregation_function` -> `target_aggregate_function`,
    `short_series_handling_configuration` -> `short_series_handling_config`,
    `holiday_country` -> `country_or_region_for_holidays`; the others keep their names;
    `group_column_names`, `short_series_handling` and `validate_parameters` have no v2
    equivalent.

    ## Fix safety
    No automatic fix.
    """

    code = "AML904"
    name = "forecasting-parameters"
    symbols = ("azureml.automl.core.forecasting_parameters.ForecastingParameters",)
    message = "`ForecastingParameters` is SDK v1; call `job.set_forecast_settings(...)` on the v2 forecasting job"
    v2 = "job.set_forecast_settings(time_column_name=..., forecast_horizon=..., frequency=...)"
    url = URL
    safety = MANUAL


class AutoMLStepRule(Rule):
    """An AutoML step in a v1 pipeline.

    ## Migration
    Call the v2 AutoML factory (`automl.classification(...)`, AML900) inside the
    `@pipeline` function: the job becomes a node, its outputs (`best_model`) feed the
    next node.

    ## Fix safety
    No automatic fix: pipelines are migrated by hand.
    """

    code = "AML905"
    name = "automl-step"
    symbols = ("azureml.pipeline.steps.AutoMLStep",)
    message = "`AutoMLStep` is SDK v1; call the `automl.<task>(...)` factory as a node inside a `@pipeline` function"
    v2 = "automl_node = automl.classification(...)  # inside @pipeline"
    url = URL
    safety = MANUAL


RULES = [AutoMLConfigRule, AutoMLRunOutput, AutoMLImageConfigRule, FeaturizationConfigRule, ForecastingParametersRule,
         AutoMLStepRule]

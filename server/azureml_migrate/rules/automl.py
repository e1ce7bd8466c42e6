"""AutoML (AML900-AML919): `AutoMLConfig` -> `automl.<task>(...)` plus `set_limits` / `set_training`.

One v1 constructor becomes one factory call and up to four setter calls: the
parameters are sorted into the factory (data, target, metric), the limits (time, trials,
concurrency) and the training settings (algorithms, ensembles) by the tables below,
which are checked against the real `AutoMLConfig` and `azure.ai.ml.automl` signatures.
A forecasting job's `ForecastingParameters` (or time-series keywords) become its
`set_forecast_settings(...)` call (tables checked against the real `ForecastingParameters`
and `ForecastingJob.set_forecast_settings`).
"""

from __future__ import annotations

import ast
import json

from ..fixes.lazy import cst

from ..astutil import call_arg, literal, names_bound, walk
from ..fixes.calls import arg_map, assignment_line, keyword_arg, rebuild_call
from ..analysis.model import Binding, Finding
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
    for node, bound in site.analyzer.naming_nodes(where):
        if id(node) in allowed:
            continue
        if type(node) is ast.Name and node.id in _DYNAMIC and isinstance(node.ctx, ast.Load):
            return (f"`{node.id}()` on line {node.lineno} may read `{name}`; "
                    "only a dict read by this call alone is merged")
        if (type(node) is ast.Name and node.id == name) or name in bound:
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
        if key not in PARAMS and key not in TS_KEYWORDS:
            return _not_a_parameter(key, f"`{name}`")
        if key in positional or key in site.keywords():
            return f"`{key}` is given both in `{name}` and as an argument (a TypeError in v1)"
        if any(isinstance(n, _RUNS_CODE) for n in walk(value)):
            return f"the value of `{key}` in `{name}` runs code (a call); it would run later, in the call"
        for n in walk(value):
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
        if not all(isinstance(n, _PLAIN) for n in walk(value)):
            return (f"the value of `{key}` in `{name}` is read from an object that may change before the "
                    "`AutoMLConfig` call; move the dict next to the call")
        used = {n.id for n in walk(value) if isinstance(n, ast.Name)}
        for stmt in settings.between:
            for n in walk(stmt):
                changed = used.intersection(names_bound(n))
                if changed:
                    return f"`{changed.pop()}` changes between `{name}` and the `AutoMLConfig` call"
    return None


def _not_a_parameter(key: str, where: str) -> str:
    if key in _TS_RENAMED:
        return f"`{key}` in {where} is v1's old name of `{_TS_RENAMED[key]}`: rename it first"
    return f"`{key}` in {where} is not an `AutoMLConfig` parameter (v1 passed it on through `**kwargs`)"


def _settings_source(site, stmt: ast.stmt) -> str:
    """The dict's statement as full lines (the first padded to its column), for the fix to parse."""
    return site.analyzer.lines.segment(stmt, padded=True) or ""


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


# -- forecasting ---------------------------------------------------------------------------
FORECASTING_PARAMETERS = "azureml.automl.core.forecasting_parameters.ForecastingParameters"
# The real positional order of ForecastingParameters.__init__ (checked by tests/test_catalog.py).
FP_PARAMS = (
    "time_column_name", "forecast_horizon", "time_series_id_column_names", "group_column_names", "target_lags",
    "feature_lags", "target_rolling_window_size", "holiday_country", "seasonality", "country_or_region_for_holidays",
    "use_stl", "short_series_handling", "short_series_handling_configuration", "freq", "target_aggregation_function",
    "cv_step_size", "features_unknown_at_forecast_time", "validate_parameters",
)
# v1 ForecastingParameters parameter -> keyword of `job.set_forecast_settings(...)`.
FORECAST = {
    "time_column_name": "time_column_name",
    "forecast_horizon": "forecast_horizon",
    "time_series_id_column_names": "time_series_id_column_names",
    "target_lags": "target_lags",
    "feature_lags": "feature_lags",
    "target_rolling_window_size": "target_rolling_window_size",
    "holiday_country": "country_or_region_for_holidays",
    "seasonality": "seasonality",
    "country_or_region_for_holidays": "country_or_region_for_holidays",
    "use_stl": "use_stl",
    "short_series_handling_configuration": "short_series_handling_config",
    "freq": "frequency",
    "target_aggregation_function": "target_aggregate_function",
    "cv_step_size": "cv_step_size",
    "features_unknown_at_forecast_time": "features_unknown_at_forecast_time",
}
# v1 defaults that v2 leaves to the service (its `None`s are ignored): written out.
FORECAST_DEFAULTS = {"forecast_horizon": "1", "seasonality": '"auto"', "short_series_handling_configuration": '"auto"'}
# Parameters where v1 gave None a meaning.
NONE_MEANS = {"seasonality": "non-seasonal (1)", "short_series_handling_configuration": "leave short series as they are"}
FORECAST_UNSUPPORTED = {
    "group_column_names": "`group_column_names` has no v2 equivalent",
    "short_series_handling": "`short_series_handling` other than True switched short-series handling off; "
                             "v2 ignores `short_series_handling_config=None`: set it by hand",
}
# Time-series settings v1 also took as `AutoMLConfig` keywords (through `**kwargs`, when no
# `forecasting_parameters` is given): the ForecastingParameters names it read from them.
# (`target_aggregation_function` is not one of them: v1 ignored it there.)
TS_KEYWORDS = tuple(p for p in FP_PARAMS if p not in ("target_aggregation_function", "validate_parameters"))
_TS_RENAMED = {"max_horizon": "forecast_horizon", "grain_column_names": "time_series_id_column_names",
               "country_or_region": "country_or_region_for_holidays", "country": "country_or_region_for_holidays"}


def _forecast_settings(site, pairs: list[tuple[str, ast.expr]]) -> tuple[list[tuple[str, str]], list[str]] | str:
    """The `set_forecast_settings` keywords (v2 name, value source) for v1's forecasting
    parameters and the reasons the fix is unsafe; or why they cannot be converted."""
    names = [p for p, _ in pairs]
    if "time_column_name" not in names:
        return "v1 requires `time_column_name`"
    if "holiday_country" in names and "country_or_region_for_holidays" in names:
        return "both `holiday_country` and `country_or_region_for_holidays` are given (v1 used the second)"
    out: list[tuple[str, str]] = []
    unsafe: list[str] = []
    for p, expr in pairs:
        ok, value = literal(expr)
        if p in FORECAST_UNSUPPORTED:
            if p == "short_series_handling" and ok and value is True:
                continue  # v1's default
            return FORECAST_UNSUPPORTED[p]
        if p == "validate_parameters":
            continue  # v1 validated the parameters again at submission whatever it said
        if p in NONE_MEANS:
            # v1 gave None a meaning; v2's `set_forecast_settings` ignores None (the service default).
            if ok and value is None:
                return f"v1's `{p}=None` meant {NONE_MEANS[p]}, which v2 ignores: set it by hand"
            if not ok:
                unsafe.append(f"`{p}`: v1's None meant {NONE_MEANS[p]}, v2 ignores None; "
                              f"check `{site.source(expr)}` never holds None")
        if p == "forecast_horizon" and ok and not (value == "auto" or (
                isinstance(value, int) and not isinstance(value, bool) and value >= 1)):
            return "`forecast_horizon` must be a whole number of periods or 'auto'"
        if p == "cv_step_size":
            if ok and (value is None or value == "auto"):
                continue  # v2 has no 'auto': left unset, AutoML picks the step as v1's 'auto' did
            if not ok:
                unsafe.append(f"`cv_step_size`: v2 takes a number only; drop it if `{site.source(expr)}` holds 'auto'")
            elif isinstance(value, bool) or not isinstance(value, int):
                return "`cv_step_size` must be a whole number or 'auto'"
        out.append((FORECAST[p], _value_source(site, expr)))
    for p, default in FORECAST_DEFAULTS.items():
        if p not in names:
            out.append((FORECAST[p], default))
    return out, unsafe


def _value_source(site, expr: ast.expr) -> str:
    """A value's source for a keyword of its own line in the setter call: lines after the
    first keep their indentation relative to each other (the setter's block adds its own)."""
    lines = site.source(expr).replace("\r\n", "\n").split("\n")
    strings = any(isinstance(n, (ast.Constant, ast.JoinedStr)) and n.lineno != n.end_lineno for n in walk(expr))
    if len(lines) == 1 or strings:  # a line break inside a string is part of its value
        return "\n".join(lines)
    rest = [line for line in lines[1:] if line.strip()]
    cut = min(len(line) - len(line.lstrip()) for line in rest)
    return "\n".join([lines[0], *("    " + line[cut:] if line.strip() else "" for line in lines[1:])])


def _moved_values_problem(site, exprs: list[ast.expr], between: list[ast.stmt]) -> str | None:
    """Why values cannot be evaluated just after the `AutoMLConfig` statement instead of
    where v1 evaluated them (`between`: the statements in between, the call's excluded)."""
    target = site.assigned_name()
    for expr in exprs:
        text = site.source(expr)
        if any(isinstance(n, _RUNS_CODE) for n in walk(expr)):
            return f"`{text}` runs code (a call); it would run after the job is created"
        used = {n.id for n in walk(expr) if isinstance(n, ast.Name)}
        for name in sorted(used):
            entry = site.analyzer.peek(name)
            if getattr(entry, "qualified", None) or isinstance(entry, Binding):
                return f"`{text}` uses SDK v1 (`{name}`)"
        if target in used:
            return f"`{text}` reads `{target}`, which the job replaces"
        if between and not all(isinstance(n, _PLAIN) for n in walk(expr)):
            return (f"`{text}` is read from an object that may change before the `AutoMLConfig` call; "
                    "move the `ForecastingParameters` next to it")
        for stmt in between:
            for n in walk(stmt):
                changed = used.intersection(names_bound(n))
                if changed:
                    return f"`{changed.pop()}` changes between the `ForecastingParameters` and the `AutoMLConfig` call"
    return None


def _fp_pairs(call: ast.Call) -> list[tuple[str, ast.expr]] | str:
    """A `ForecastingParameters(...)` call's arguments by v1 parameter, or why they cannot be mapped."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return "arguments passed with * or ** cannot be mapped"
    if len(call.args) > len(FP_PARAMS):
        return "too many positional arguments"
    unknown = [k.arg for k in call.keywords if k.arg not in FP_PARAMS]
    if unknown:
        return f"`{unknown[0]}` is not a public `ForecastingParameters` parameter"
    pairs = [*zip(FP_PARAMS, call.args), *((k.arg, k.value) for k in call.keywords)]  # in the order written
    if len({p for p, _ in pairs}) < len(pairs):
        return "a parameter is given twice (a TypeError in v1)"
    return pairs


def _forecasting(site, given: dict[str, ast.expr], direct: dict[str, ast.expr]) -> dict | str:
    """Where a forecasting job's settings come from, checked: `forecasting_parameters`
    (a variable made just before, or written inline) or time-series keywords."""
    expr = given.get("forecasting_parameters")
    if expr is None and not direct:
        return "v1 requires `forecasting_parameters=ForecastingParameters(time_column_name=..., ...)`"
    if expr is None:
        settings = _forecast_settings(site, list(direct.items()))
        if isinstance(settings, str):
            return f"time-series keywords: {settings}"
        problem = _moved_values_problem(site, list(direct.values()), [])
        return problem or {"forecast": settings[0], "unsafe": settings[1]}
    if direct:
        return (f"v1 ignored {', '.join(f'`{k}`' for k in direct)} because `forecasting_parameters` is given; "
                "remove them")
    inline = site.inline(expr)
    b = site.binding(expr)
    fp = inline if inline is not None else (b.creator if b is not None else None)
    if fp is None or not isinstance(fp.rule, ForecastingParametersRule):
        return ("`forecasting_parameters` must be a `ForecastingParameters(...)` made in this file; its settings go to "
                "`job.set_forecast_settings(...)` (`freq` -> `frequency`, `target_aggregation_function` -> "
                "`target_aggregate_function`, `short_series_handling_configuration` -> `short_series_handling_config`)")
    where = "" if inline is not None else f" (line {fp.stmt.lineno})"
    pairs = _fp_pairs(fp.node)
    settings = pairs if isinstance(pairs, str) else _forecast_settings(site, pairs)
    if isinstance(settings, str):
        return f"`ForecastingParameters`{where}: {settings}"
    between: list[ast.stmt] = []
    if inline is None:
        # The statement goes and its values are read after the `AutoMLConfig` call instead.
        blocks = site.analyzer.block_of
        block, index = blocks.get(id(fp.stmt), (None, -1))
        here, at = blocks.get(id(site.stmt), (None, -1))
        if block is None or block is not here or index >= at:
            return f"`{b.name}` must be made earlier in the same block as the `AutoMLConfig` call"
        if not (isinstance(fp.stmt, (ast.Assign, ast.AnnAssign)) and fp.stmt.value is fp.node) \
                or id(fp.stmt) in site.analyzer.shared_line_stmts:
            return f"only `{b.name} = ForecastingParameters(...)` on its own line is moved into the job"
        between = block[index + 1:at]
    problem = _moved_values_problem(site, [e for _, e in pairs], between)
    if problem:
        return f"`ForecastingParameters`{where}: {problem}"
    return {"forecast": settings[0], "unsafe": settings[1], "forecasting_parameters": fp, "inline": inline is not None}


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
    Forecasting (`task="forecasting"`) -> `automl.forecasting(...)` plus
    `job.set_forecast_settings(...)` (see AML904 for the renames), written just after the
    factory call. The settings come from `forecasting_parameters=ForecastingParameters(...)`
    (inline, or a variable made just before, whose statement the same fix removes) or from
    the time-series keywords v1 also took on `AutoMLConfig` (`time_column_name`,
    `forecast_horizon`, `freq`, ...; directly or in the settings dict). Without
    validation data or `n_cross_validations`, v1 cross-validated forecasts with
    `n_cross_validations="auto"`: the fix writes it out.
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
    `FeaturizationConfig` objects, other tasks, other data, local-run parameters and
    keywords v1 passed on through `**kwargs` (they would reach the v2 job unknown).
    Forecasting: see AML904 for when the `ForecastingParameters` move (the same conditions
    apply to time-series keywords, read after the job is created); manual when both
    `forecasting_parameters` and time-series keywords are given (v1 ignored the keywords),
    without `time_column_name`, for v1's old keyword names (`max_horizon`,
    `grain_column_names`, ...) and for forecasting settings on another task (v1 ignored
    them). For `**settings`, manual (with the reason) when the dict is built
    by a call or `dict(...)`, is used anywhere else (another config, `settings[...] = ...`,
    `.update`), is assigned elsewhere, repeats a keyword of the call, has a key that is
    neither an `AutoMLConfig` parameter nor a time-series keyword, or has a value that
    calls code, uses SDK v1 (other than a dataset or compute variable as the whole value)
    or could change between the dict and the call; and for `*args` or several `**` dicts.
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
        fp_expr = site.arg(PARAMS.index("forecasting_parameters"), "forecasting_parameters")
        fp_binding = site.binding(fp_expr)
        if fp_binding is not None and fp_binding.kind == FORECASTING_PARAMETERS:
            # Read here only (its settings move into this job, or both stay v1): not an escape.
            site.consume(fp_expr)
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
        unknown = [k for k in site.keywords() if k not in PARAMS and k not in TS_KEYWORDS]
        if unknown:
            return Check(MANUAL, _not_a_parameter(unknown[0], "the call"))
        manual = [p for p in given if p in UNSUPPORTED]
        if manual:
            return Check(MANUAL, f"{', '.join(f'`{p}`' for p in manual)}: no v2 equivalent (v2 AutoML takes MLTable inputs)")
        # Time-series keywords (v1 read them when no `forecasting_parameters` was given).
        direct = {k.arg: k.value for k in site.node.keywords if k.arg in TS_KEYWORDS}
        direct.update((p, given.pop(p)) for p in [p for p in given if p in TS_KEYWORDS])  # from the dict
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
        forecast: dict = {}
        if task == "forecasting":
            found = _forecasting(site, given, direct)
            if isinstance(found, str):
                return Check(MANUAL, found)
            forecast = found
        elif "forecasting_parameters" in given or direct:
            return Check(MANUAL, "`forecasting_parameters` and time-series settings are for task 'forecasting' "
                                 "(v1 ignored them)")
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
        if forecast:
            facts["forecast"] = forecast["forecast"]
            # v1 cross-validated forecasts by default ("auto" folds) when given no validation data.
            facts["cv_auto"] = "validation_data" not in given and "n_cross_validations" not in given
            if forecast["unsafe"]:
                safety = UNSAFE
                notes.extend(forecast["unsafe"])
            fp = forecast.get("forecasting_parameters")
            if fp is not None:
                facts["forecasting_parameters"] = fp
                if forecast["inline"]:
                    site.absorb(fp)
                else:
                    site.require(fp_binding)
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
            facts={"settings_of": site.stmt},
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

        mapping: dict = {p: None for p in (*PARAMS, *TS_KEYWORDS)}
        mapping.update(FACTORY)
        mapping.update({p: data(p) for p in DATA})
        mapping["compute_target"] = compute
        append = [keyword_arg("n_cross_validations", cst.parse_expression('"auto"'))] if facts.get("cv_auto") else []
        append += [keyword_arg(FACTORY[p], cst.parse_expression(v)) for p, (v, table) in V1_DEFAULTS.items()
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
            if len(indent) + len(head) + sum(len(k) + 2 for k in kwargs) > 100 or any("\n" in k for k in kwargs):
                # One keyword per line; libcst adds the block's indentation to each line.
                return cst.parse_statement(head + "\n" + "".join(f"    {k},\n" for k in kwargs) + ")\n")
            return cst.parse_statement(f"{head}{', '.join(kwargs)})\n")

        statements = [assignment_line(node, factory)]
        if facts.get("forecast"):
            statements.append(setter("set_forecast_settings", {}, [f"{k}={v}" for k, v in facts["forecast"]]))
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

    ## Why
    In SDK v2 the forecasting settings belong to the `automl.forecasting(...)` job and are
    set with `job.set_forecast_settings(...)`; `ForecastingParameters` is SDK v1.

    ## Migration
    `job.set_forecast_settings(...)` on the `automl.forecasting(...)` job (AML900); renames:
    `freq` -> `frequency`, `target_aggregation_function` -> `target_aggregate_function`,
    `short_series_handling_configuration` -> `short_series_handling_config`,
    `holiday_country` -> `country_or_region_for_holidays`; the others keep their names.
    v1's defaults `forecast_horizon=1`, `seasonality="auto"` and
    `short_series_handling_configuration="auto"` are written out (v2 leaves them to the
    service); `cv_step_size="auto"` is dropped (v2 takes a number only; unset, AutoML picks
    the step as v1's `"auto"` did). `validate_parameters` is dropped (v1 validated again at
    submission). `group_column_names` and `short_series_handling=False` have no v2
    equivalent.

    ## Fix safety
    Only with the `AutoMLConfig(task="forecasting", forecasting_parameters=...)` that uses
    it (AML900): the statement goes and its settings move into the job's
    `set_forecast_settings(...)` call, read just after the job is created. That needs
    `name = ForecastingParameters(...)` on its own line, earlier in the same block as the
    configuration and used by it alone, with values that call nothing, use no v1 object and
    do not change in between (only names and literals when statements come in between).
    `seasonality` or `short_series_handling_configuration` held in a variable make the fix
    unsafe (v1 gave None a meaning, v2 ignores None), as does a `cv_step_size` variable
    (v2 has no `"auto"`); a literal None there stays manual.
    """

    code = "AML904"
    name = "forecasting-parameters"
    symbols = (FORECASTING_PARAMETERS,)
    message = "`ForecastingParameters` is SDK v1; call `job.set_forecast_settings(...)` on the v2 forecasting job"
    v2 = "job.set_forecast_settings(time_column_name=..., forecast_horizon=..., frequency=...)"
    url = URL
    safety = MANUAL  # made safe by its own plan when the AutoMLConfig that uses it migrates
    statement_fix = True
    creates = BindingSpec(FORECASTING_PARAMETERS, mode="delete")
    params = FP_PARAMS
    before = """\
from azureml.automl.core.forecasting_parameters import ForecastingParameters
from azureml.core import Dataset, Workspace
from azureml.train.automl import AutoMLConfig

ws = Workspace.from_config()
train = Dataset.get_by_name(ws, name="energy-demand", version=2)
forecasting_parameters = ForecastingParameters(
    time_column_name="timeStamp",
    forecast_horizon=48,
    freq="H",
    cv_step_size="auto",
)
automl_config = AutoMLConfig(
    task="forecasting",
    primary_metric="normalized_root_mean_squared_error",
    training_data=train,
    label_column_name="demand",
    compute_target="cpu-cluster",
    experiment_timeout_hours=0.3,
    forecasting_parameters=forecasting_parameters,
)
"""
    after = """\
from azure.ai.ml import Input, MLClient, automl
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
train = ml_client.data.get(name="energy-demand", version="2")
automl_config = automl.forecasting(
    primary_metric="normalized_root_mean_squared_error",
    training_data=Input(type="mltable", path="azureml:energy-demand:2"),
    target_column_name="demand",
    compute="cpu-cluster",
    n_cross_validations="auto",
    enable_model_explainability=True,
)
automl_config.set_forecast_settings(
    time_column_name="timeStamp",
    forecast_horizon=48,
    frequency="H",
    seasonality="auto",
    short_series_handling_config="auto",
)
automl_config.set_limits(
    timeout_minutes=18,
    max_concurrent_trials=1,
    max_cores_per_trial=1,
    enable_early_termination=True,
)
automl_config.set_training(enable_vote_ensemble=True)
"""

    def check(self, site):
        facts = {"sole": site.sole()}
        pairs = _fp_pairs(site.node)
        settings = pairs if isinstance(pairs, str) else _forecast_settings(site, pairs)
        if isinstance(settings, str):
            facts["problem"] = settings
            return Check(MANUAL, settings, facts=facts)
        return Check(MANUAL, facts=facts)

    def plan(self, finding, users, analysis) -> None:
        """Safe when the one AutoMLConfig that uses it migrates (its settings move there)."""
        if finding.facts.get("problem") is not None:
            return
        configs = [u for u in users if isinstance(u.rule, AutoMLConfigRule)]
        if len(users) == 1 and configs and configs[0].facts.get("forecasting_parameters") is finding \
                and configs[0].safety is not None:
            finding.safety = SAFE  # removed: its settings move into `job.set_forecast_settings(...)`
            return
        name = finding.creates.name
        if len(users) == 1 and configs:
            note = (f"its settings move into the job of the `AutoMLConfig` on line {configs[0].span.line}, "
                    "which needs a manual migration")
        elif users:
            lines = ", ".join(str(line) for line in sorted({u.span.line for u in users}))
            note = (f"`{name}` is used on lines {lines}; it moves into a job only when one `AutoMLConfig` "
                    "alone uses it")
        else:
            note = "pass it as `forecasting_parameters=` to an `AutoMLConfig(task=\"forecasting\", ...)` in this file"
        finding.message += f" ({note})"

    def fix(self, node, ctx):
        return remove_statement(ctx)


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

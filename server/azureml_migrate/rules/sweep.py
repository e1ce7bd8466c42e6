"""HyperDrive -> sweep jobs (AML800-AML829).

v1 describes a hyperparameter search as a `HyperDriveConfig` wrapped around a
`ScriptRunConfig`, a sampling object holding the search space, an early-termination
policy and a metric goal, then submits it with `experiment.submit(hd_config)`:

    ps = RandomParameterSampling({"--lr": uniform(0.01, 0.1), "--batch-size": choice(16, 32)})
    hd = HyperDriveConfig(run_config=src, hyperparameter_sampling=ps, policy=BanditPolicy(2, 0.1),
                          primary_metric_name="acc", primary_metric_goal=PrimaryMetricGoal.MAXIMIZE,
                          max_total_runs=20, max_duration_minutes=60)
    run = experiment.submit(hd)

v2 builds a `command(...)` whose `inputs` hold the search space (and whose command line
passes them to the script), then turns it into a sweep job:

    job = command(..., command="python train.py --lr ${{inputs.lr}} --batch-size ${{inputs.batch_size}}",
                  inputs={"lr": Uniform(min_value=0.01, max_value=0.1), "batch_size": Choice(values=[16, 32])})
    sweep_job = job.sweep(primary_metric="acc", goal="maximize", sampling_algorithm="random",
                          max_total_trials=20, timeout=3600,
                          early_termination_policy=BanditPolicy(evaluation_interval=2, slack_factor=0.1))
    returned = ml_client.jobs.create_or_update(sweep_job, experiment_name=...)

The whole-file migration rewrites that shape as one group (AML800): the
`ScriptRunConfig` becomes `command(...)` with the search space as `inputs` and a
`--key ${{inputs.<name>}}` flag per hyperparameter on its command line, the sampling
statement goes, the `HyperDriveConfig` becomes `<command>.sweep(...)` with v1's
defaults written out, and `experiment.submit(hd)` becomes
`ml_client.jobs.create_or_update(hd, experiment_name=...)`.  The supported shape is
narrow (see HyperDriveConfigRule); anything else is migrated by hand with guidance.

The expressions (distributions, policies, goals) are also rewritten on their own, but
only where the v2 object cannot reach SDK v1: a v1 sampling or HyperDriveConfig that
stays v1 would receive a v2 object.  So an expression inside an argument of a v1 call
gets no fix of its own (the group above rewrites it when the configuration migrates),
and one assigned to a variable is fixed only when no use of the variable stays v1 (the
engine's escape check).
"""

from __future__ import annotations

import ast
import re
import shlex

from ..fixes.lazy import cst

from ..analysis import v1_names
from ..analysis.model import Binding
from ..astutil import attribute_chain, call_arg, literal, walk
from ..fixes.calls import arg_map, keyword_arg, rebuild_call
from .base import LEARN, MANUAL, SAFE, UNSAFE, BindingSpec, Check, Rule, remove_statement
from .jobs import SRC, ExperimentSubmit

URL = LEARN + "migrate-to-v2-execution-hyperdrive"
HD = "azureml.train.hyperdrive"
SWEEP = "azure.ai.ml.sweep"
HD_RUN = f"{HD}.HyperDriveRun"
HD_CONFIG = f"{HD}.HyperDriveConfig"  # kind of a variable holding a HyperDriveConfig (or its alias)
SAMPLING = f"{HD}.HyperParameterSampling"
ALGORITHMS = {f"{HD}.RandomParameterSampling": "random", f"{HD}.GridParameterSampling": "grid",
              f"{HD}.BayesianParameterSampling": "bayesian"}
# v1's default and ceiling for max_duration_minutes (azureml.train.hyperdrive.runconfig.MAX_DURATION_MINUTES).
MAX_DURATION_MINUTES = 10080
# A search-space key migrated automatically: `--name`, `name` a valid input name once `-` become `_`.
FLAG_KEY = re.compile(r"--([A-Za-z_][A-Za-z0-9_-]*)")
EXPRESSION = f"{HD}.parameter_expression"  # kind of a variable holding a v1 distribution
POLICY = f"{HD}.policy"  # kind of a variable holding a v1 policy

HD_CONFIG_PARAMS = (
    "hyperparameter_sampling", "primary_metric_name", "primary_metric_goal", "max_total_runs",
    "max_concurrent_runs", "max_duration_minutes", "policy", "estimator", "run_config", "resume_from",
    "resume_child_runs", "pipeline", "debug_flag", "custom_run_id",
)


# -- where an expression sits ---------------------------------------------------------------


def _ancestors(stmt: ast.AST, node: ast.AST) -> list[ast.AST]:
    """The nodes from `stmt` down to `node`'s parent (outermost first); [] if not found."""
    stack: list[tuple[ast.AST, list[ast.AST]]] = [(stmt, [])]
    while stack:
        current, path = stack.pop()
        for child in ast.iter_child_nodes(current):
            if child is node:
                return [*path, current]
            stack.append((child, [*path, current]))
    return []


def _callee(site, func: ast.expr) -> str | None:
    """The dotted name a call's function refers to (import or tracked variable), if known."""
    chain = attribute_chain(func)
    if chain is None:
        return None
    root, attrs = chain
    entry = site.analyzer.peek(root.id)
    if entry is not None and not isinstance(entry, Binding) and isinstance(getattr(entry, "qualified", None), str):
        # an import (analysis.visitor.ImportRef; not imported here: the visitor imports the rules)
        return ".".join([v1_names.canonical(entry.qualified), *attrs])
    if isinstance(entry, Binding):
        return ".".join([entry.kind, *attrs])
    if entry is None:
        v2 = _v2_name(site, root.id)
        if v2 is not None:
            return ".".join([v2, *attrs])
    return None


def _v2_name(site, name: str, depth: int = 0) -> str | None:
    """What `name` holds if it is bound once in the module, by a v2 import or `name = <v2 call>(...)`.

    The visitor tracks only `azureml` imports, so v2 names are found here: an import from
    `azure.ai.ml` (`command`), or a variable assigned the result of calling one (`job`),
    which is reported as `<callee>()`.
    """
    stores: list[ast.AST] = []
    for node in walk(site.analyzer.tree):
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            stores.append(node)
        elif isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) == name:
            stores.append(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return None
        elif isinstance(node, ast.arg) and node.arg == name:
            return None
    if len(stores) != 1:
        return None
    (store,) = stores
    if isinstance(store, ast.alias):
        for stmt in site.analyzer.import_stmts:
            if isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and store in stmt.names:
                module = stmt.module or ""
                return f"{module}.{store.name}" if module.startswith("azure.ai.ml") else None
        return None
    if depth > 0:
        return None
    for node in walk(site.analyzer.tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and node.targets[0] is store:
            if isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name):
                callee = _v2_name(site, node.value.func.id, depth + 1)
                return f"{callee}()" if callee is not None else None
    return None


class Placement:
    """Where a v1 expression is used, as far as a fix of that expression is concerned."""

    def __init__(self, site) -> None:
        node = site.node
        chain = _ancestors(site.stmt, node)
        self.assigned = site.assigned_name() is not None
        self.keyword: str | None = None  # `f(kw=<node>)`: the keyword
        self.v1_call: str | None = None  # the outermost v1 call the node is an argument of
        self.call: str | None = None  # innermost call the node is an argument of ("?" if unknown)
        self.call_is_v2 = False
        child: ast.AST = node
        for parent in reversed(chain):
            if isinstance(parent, ast.keyword) and child is parent.value and self.call is None and self.keyword is None:
                self.keyword = parent.arg
            if isinstance(parent, ast.Call) and child is not parent.func:
                name = _callee(site, parent.func)
                if self.call is None:
                    self.call = name or "?"
                    self.call_is_v2 = bool(name) and name.startswith("azure.ai.ml")
                if name is not None and v1_names.is_v1(name):
                    self.v1_call = name
            child = parent

    def verdict(self, what: str) -> tuple[str | None, str]:
        """(safety, note) for replacing the v1 object by its v2 form where it stands."""
        if self.v1_call is not None:
            short = self.v1_call.rsplit(".", 1)[-1]
            return MANUAL, (f"it is passed to `{short}(...)`, which stays SDK v1 and would receive the v2 "
                            f"{what}; migrate the HyperDrive configuration to `command(...).sweep(...)` with it")
        if self.assigned:
            return SAFE, ""
        if self.call is None:
            return MANUAL, (f"the {what} is kept in a container or expression that may reach an SDK v1 "
                            "sampling or HyperDriveConfig; rewrite it where the sweep is built")
        if self.call_is_v2:
            return SAFE, ""
        return UNSAFE, f"check that the called function expects the v2 {what}"


# -- the configuration and the search space -----------------------------------------------


# HyperDriveConfig parameters with no automatic migration, and what to do instead.
HD_BY_HAND = {
    "estimator": "`estimator=` must first become a ScriptRunConfig (then `command()`)",
    "pipeline": "a `pipeline=` sweep becomes a sweep node inside a v2 `@pipeline` (see AML819)",
    "resume_from": "`resume_from` (warm start from earlier runs) has no v2 equivalent",
    "resume_child_runs": "`resume_child_runs` has no v2 equivalent",
    "debug_flag": "`debug_flag` has no v2 equivalent",
    "custom_run_id": "`custom_run_id` becomes the sweep job's `name=` (not automated)",
}

SWEEP_BEFORE = """\
from azureml.core import Environment, Experiment, ScriptRunConfig, Workspace
from azureml.train.hyperdrive import (
    BanditPolicy, HyperDriveConfig, PrimaryMetricGoal, RandomParameterSampling, choice, uniform,
)

ws = Workspace.from_config()
env = Environment.get(ws, "AzureML-sklearn-1.0-ubuntu20.04-py38-cpu", version="1")
src = ScriptRunConfig(
    source_directory="./src",
    script="train.py",
    arguments=["--data", "x"],
    compute_target="cpu-cluster",
    environment=env,
)
ps = RandomParameterSampling({"--batch-size": choice(25, 50), "--lr": uniform(0.01, 0.1)})
hd = HyperDriveConfig(
    run_config=src,
    hyperparameter_sampling=ps,
    policy=BanditPolicy(2, 0.1),
    primary_metric_name="Accuracy",
    primary_metric_goal=PrimaryMetricGoal.MAXIMIZE,
    max_total_runs=20,
    max_duration_minutes=60,
)
run = Experiment(ws, "exp").submit(hd)
"""


def _literal_options(dist) -> tuple[bool, list]:
    """(True, values) when every argument of a distribution call is a literal (or the
    `range(<literals>)` of `choice(range(...))`)."""
    call = dist.node
    if dist.facts.get("shape") == "range":  # checked by ChoiceRule: the builtin range, alone
        return all(literal(x)[0] for x in call.args[0].args), []
    values = []
    for a in [*call.args, *(k.value for k in call.keywords)]:
        ok, value = literal(a)
        if not ok:
            return False, []
        values.append(value)
    return True, values


def _shell_unsafe(values: list) -> str | None:
    """A string option the shell would split or expand once it is substituted into the command."""
    for v in values:
        if isinstance(v, (list, tuple)):
            found = _shell_unsafe(list(v))
            if found is not None:
                return found
        elif isinstance(v, str) and shlex.quote(v) != v:
            return v
    return None


def _search_space(site) -> tuple[list | None, str]:
    """([(key, input name, distribution finding)], "") for a parameter space the sweep
    migration can move into `command(inputs=...)`, else (None, why not)."""
    if site.has_star_args():
        return None, "arguments passed with * or ** cannot be mapped"
    if site.arg(1, "properties") is not None:
        return None, "`properties` -> `RandomSamplingAlgorithm(seed=..., rule=...)` by hand"
    space = site.arg(0, "parameter_space")
    if not isinstance(space, ast.Dict) or not space.keys or any(k is None for k in space.keys):
        return None, "only a literal dict parameter space is moved into the command's inputs"
    entries, names = [], {}
    for key, value in zip(space.keys, space.values):
        ok, text = literal(key)
        if not ok or not isinstance(text, str):
            return None, "the parameter names must be literal strings"
        m = FLAG_KEY.fullmatch(text)
        if m is None:
            bare = text.lstrip("-")
            # v1's `--<key>` convention for such keys is inferred from samples, never observed on a run.
            return None, (f"`{text}` is not a `--name` key: how v1 handed it to the script is not verified "
                          f"(Microsoft's samples read it as `--{bare}`); add an input and the flag the script "
                          "parses to the command by hand")
        name = m.group(1).replace("-", "_")
        if name in names:
            return None, f"`{names[name]}` and `{text}` would both become the input `{name}`"
        names[name] = text
        dist = site.inline(value)
        if dist is None or not isinstance(dist.rule, _Distribution) or not dist.facts.get("convertible"):
            return None, f"the value of `{text}` must be a distribution call (`choice(...)`, `uniform(...)`, ...)"
        ok, options = _literal_options(dist)
        if not ok:
            return None, (f"the arguments of `{text}`'s distribution must be literals: it moves into "
                          "`command(inputs=...)`, built earlier")
        unsafe = _shell_unsafe(options)
        if unsafe is not None:
            return None, (f"the option {unsafe!r} of `{text}` would be split or expanded by the shell once "
                          "substituted into the command line")
        entries.append((text, name, dist))
    return entries, ""


class HyperDriveConfigRule(Rule):
    """A HyperDrive run configuration: search space, metric, limits, policy around a script run.

    ## Why
    SDK v1 HyperDrive is replaced by sweep jobs: a `command()` job with distributions in
    its `inputs`, turned into a sweep with `.sweep(...)`.

    ## Migration
    1. The `ScriptRunConfig` (`run_config=`) becomes `job = command(...)` (AML203).
       An `estimator=` must first become a `command()` as well.
    2. For each key of the sampling's parameter space (`"--batch-size"`), an input named
       after it without the dashes, `-` becoming `_` (`batch_size`), holds the v2
       distribution in `inputs={...}` (`choice(...)` -> `Choice(values=[...])`,
       `uniform(a, b)` -> `Uniform(min_value=a, max_value=b)`, ...), and the key with the
       input (`--batch-size ${{inputs.batch_size}}`) is appended to the `command` string:
       v1 passed each sampled value after its key, v2 passes nothing by itself. For a key
       without `--` (`"lr"`), Microsoft's samples suggest v1 passed `--lr <value>`; that is
       not verified, so check what the script parses.
    3. `sweep_job = job.sweep(primary_metric=<primary_metric_name>, goal="maximize" |
       "minimize", sampling_algorithm="random" | "grid" | "bayesian",
       max_total_trials=<max_total_runs>, max_concurrent_trials=<max_concurrent_runs>,
       timeout=<max_duration_minutes * 60>, early_termination_policy=<v2 policy>)`.
       `timeout` is in seconds. v1's defaults differ from v2's and are written out: the
       duration defaulted to (and was capped at) 10080 minutes, `timeout=604800`, and
       `max_concurrent_runs` to `max_total_runs`.
    4. Submit with `ml_client.jobs.create_or_update(sweep_job, experiment_name=...)`.
    `resume_from`, `resume_child_runs`, `pipeline` and `debug_flag` have no v2
    equivalent; `custom_run_id` becomes the job's `name=`. `HyperDriveRunConfig` is the
    deprecated alias of `HyperDriveConfig`.

    ## Fix safety
    Unsafe, and only as one group with the script run, the sampling and the submission:
    the hyperparameters now reach the script through the flags appended to its command
    line. Offered for `hd = HyperDriveConfig(...)` submitted once with
    `experiment.submit(hd)`, whose `run_config` is a `ScriptRunConfig(script=...)`
    variable used by nothing else, whose sampling (a variable used by nothing else, or
    inline) has a literal dict of `--name` keys and distributions with literal
    arguments, whose goal is `PrimaryMetricGoal.MAXIMIZE`/`MINIMIZE` and whose policy is
    made in the file. Keys without `--` (how v1 passed them is not verified), flags the
    script's arguments already pass, `estimator=`, `pipeline=`, warm starts, and a
    `max_run_duration_seconds` on the script run are migrated by hand.
    """

    code = "AML800"
    name = "hyperdrive-config"
    symbols = (f"{HD}.HyperDriveConfig", f"{HD}.HyperDriveRunConfig")
    message = ("`{symbol}` is SDK v1; build a sweep job with `command(..., inputs={<search space>})"
               ".sweep(primary_metric=..., goal=..., sampling_algorithm=...)`")
    v2 = 'command(..., inputs={...}).sweep(primary_metric=..., goal="maximize", sampling_algorithm="random", max_total_trials=..., timeout=...)'
    url = URL
    safety = UNSAFE
    creates = BindingSpec(HD_CONFIG)
    params = HD_CONFIG_PARAMS
    before = SWEEP_BEFORE
    after = """\
from azure.ai.ml import MLClient, command
from azure.ai.ml.sweep import BanditPolicy, Choice, Uniform
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
env = ml_client.environments.get("AzureML-sklearn-1.0-ubuntu20.04-py38-cpu", version="1")
src = command(
    code="./src",
    command="python train.py --data x --batch-size ${{inputs.batch_size}} --lr ${{inputs.lr}}",
    compute="cpu-cluster",
    environment=env,
    inputs={"batch_size": Choice(values=[25, 50]), "lr": Uniform(min_value=0.01, max_value=0.1)},
)
hd = src.sweep(
    sampling_algorithm="random",
    early_termination_policy=BanditPolicy(evaluation_interval=2, slack_factor=0.1),
    primary_metric="Accuracy",
    goal="maximize",
    max_total_trials=20,
    timeout=3600,
    max_concurrent_trials=20,
)
run = ml_client.jobs.create_or_update(hd, experiment_name="exp")
"""

    def check(self, site):
        guidance = self._guidance(site)
        facts: dict = {}
        problem = self._shape(site, facts)
        if problem:
            return Check(MANUAL, "; ".join([problem, *guidance]))
        # The group this fix rewrites: the script run and the sampling (their references
        # here are rewritten), the distributions, goal and policy written inside them.
        src_expr, sampling_expr = site.arg(8, "run_config"), site.arg(0, "hyperparameter_sampling")
        site.require(site.consume(src_expr))
        sampling = facts["sampling"]
        if sampling.creates is not None:
            site.require(site.consume(sampling_expr))
        else:
            site.absorb(sampling)
        for _, _, dist in sampling.facts["space"]:
            site.absorb(dist)
        site.absorb(site.inline(site.arg(2, "primary_metric_goal")))
        policy = site.arg(6, "policy")
        if facts["policy"] == "variable":
            site.require(site.consume(policy))
        elif facts["policy"] in ("convert", "drop-inline"):
            site.absorb(site.inline(policy))
        flags = " ".join(f"{key} ${{{{inputs.{name}}}}}" for key, name, _ in sampling.facts["space"])
        why = (f"the hyperparameters reach the script only through the flags added to its command line "
               f"(`{flags}`), as v1 passed them: check that the script parses them")
        notes = [why, *guidance]
        facts["guidance"] = guidance  # for the message if planning finds the group cannot migrate
        return Check(UNSAFE, "; ".join(notes), facts=facts)

    @staticmethod
    def _guidance(site) -> list[str]:
        """What becomes what, for the message (manual or not)."""
        notes = []
        renames = (("primary_metric_name", 1, "primary_metric"), ("max_total_runs", 3, "max_total_trials"),
                   ("max_concurrent_runs", 4, "max_concurrent_trials"), ("policy", 6, "early_termination_policy"))
        for v1, i, v2 in renames:
            if site.arg(i, v1) is not None:
                notes.append(f"`{v1}` -> `{v2}`")
        if site.arg(4, "max_concurrent_runs") is None:
            notes.append("v1 ran up to `max_total_runs` trials at once by default -> `max_concurrent_trials=<max_total_runs>`")
        minutes = site.arg(5, "max_duration_minutes")
        ok, value = literal(minutes)
        if minutes is None:
            notes.append(f"v1's default duration of {MAX_DURATION_MINUTES} minutes -> `timeout={MAX_DURATION_MINUTES * 60}`")
        elif ok and isinstance(value, (int, float)) and not isinstance(value, bool):
            if value > MAX_DURATION_MINUTES:
                notes.append(f"v1 capped `max_duration_minutes` at {MAX_DURATION_MINUTES} -> "
                             f"`timeout={MAX_DURATION_MINUTES * 60}` (seconds)")
            else:
                notes.append(f"`max_duration_minutes={value}` -> `timeout={value * 60}` (seconds)")
        else:
            notes.append("`max_duration_minutes` -> `timeout` in seconds (x60)")
        return notes

    @staticmethod
    def _shape(site, facts: dict) -> str | None:
        """Why this configuration is outside the migrated shape (None if inside); fills `facts`."""
        if site.has_star_args():
            return "arguments passed with * or ** cannot be mapped"
        if site.assigned_name() is None:
            return "only `name = HyperDriveConfig(...)` is migrated automatically"
        for p, why in HD_BY_HAND.items():
            expr = site.arg(HD_CONFIG_PARAMS.index(p), p)
            if expr is not None and literal(expr) != (True, None):
                return why
        src_b = site.binding(site.arg(8, "run_config"))
        src = src_b.creator if src_b is not None and src_b.kind == SRC else None
        if src is None:
            return "`run_config` must be a ScriptRunConfig variable made in this file"
        if src.safety is None or "parts" not in src.facts:
            return f"the ScriptRunConfig (line {src.span.line}) must be migrated by hand first"
        if call_arg(src.node, 10, "command") is not None:
            return "only a ScriptRunConfig with `script=` is migrated (v1 added the hyperparameters to its arguments)"
        if call_arg(src.node, 9, "max_run_duration_seconds") is not None:
            return "`max_run_duration_seconds` limited each v1 trial: pass it as `sweep(..., trial_timeout=...)` by hand"
        sampling_expr = site.arg(0, "hyperparameter_sampling")
        sampling_b = site.binding(sampling_expr)
        sampling = sampling_b.creator if sampling_b is not None else site.inline(sampling_expr)
        if sampling is None or not isinstance(sampling.rule, ParameterSampling):
            return "`hyperparameter_sampling` must be a Random/Grid/BayesianParameterSampling made in this file"
        if "space" not in sampling.facts:
            return f"search space (line {sampling.span.line}): {sampling.facts.get('space_problem', 'not supported')}"
        if sampling_b is not None:
            # The sampling statement goes and its distributions are rewritten here: it must
            # be used by this configuration only, in the same block (walked together).
            if len(sampling_b.references) != 1:
                return f"the sampling `{sampling_b.name}` is used elsewhere too"
            blocks = site.analyzer.block_of
            if blocks.get(id(sampling.stmt), (None,))[0] is not blocks.get(id(site.stmt), (None,))[0]:
                return f"the sampling `{sampling_b.name}` must be made in the same block"
        problem = _duplicate_flags(src.facts["parts"], sampling.facts["space"])
        if problem:
            return problem
        if site.arg(1, "primary_metric_name") is None or site.arg(3, "max_total_runs") is None:
            return "v1 requires `primary_metric_name` and `max_total_runs`"
        goal = site.inline(site.arg(2, "primary_metric_goal"))
        if goal is None or not isinstance(goal.rule, PrimaryMetricGoalRule):
            return "`primary_metric_goal` must be `PrimaryMetricGoal.MAXIMIZE` or `.MINIMIZE`, written in the call"
        problem = HyperDriveConfigRule._limits(site, facts)
        if problem:
            return problem
        problem = HyperDriveConfigRule._policy(site, facts)
        if problem:
            return problem
        facts.update(run_config=src, sampling=sampling, goal=goal.symbol.rsplit(".", 1)[-1].lower(),
                     algorithm=sampling.facts["algorithm"])
        return None

    @staticmethod
    def _limits(site, facts: dict) -> str | None:
        total, concurrent = site.arg(3, "max_total_runs"), site.arg(4, "max_concurrent_runs")
        ok, value = literal(concurrent)
        if concurrent is None or (ok and not value):
            # v1: `max_concurrent_runs or max_total_runs`; v2 leaves it to the service.
            ok_total, _ = literal(total)
            if not (ok_total or isinstance(total, ast.Name)):
                return "`max_concurrent_runs` defaulted to `max_total_runs`: write it out by hand"
            facts["concurrency"] = site.source(total)
        minutes = site.arg(5, "max_duration_minutes")
        ok, value = literal(minutes) if minutes is not None else (True, MAX_DURATION_MINUTES)
        if not ok or isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            return "`max_duration_minutes` -> `timeout=<minutes x 60>` (a literal number is converted)"
        seconds = min(value, MAX_DURATION_MINUTES) * 60  # v1 overrode longer durations with its ceiling
        if seconds != int(seconds):
            return "`max_duration_minutes` x 60 must be a whole number of seconds"
        facts["timeout"] = int(seconds)
        return None

    @staticmethod
    def _policy(site, facts: dict) -> str | None:
        expr = site.arg(6, "policy")
        if expr is None or literal(expr) == (True, None):
            facts["policy"] = "none"  # v1: NoTerminationPolicy; v2: no early termination
            return None
        inner = site.inline(expr)
        b = site.binding(expr)
        if inner is not None and isinstance(inner.rule, _Policy) and inner.facts.get("convertible"):
            facts["policy"], facts["policy_finding"] = "convert", inner
        elif inner is not None and isinstance(inner.rule, NoTerminationPolicyRule) and not (
                inner.node.args or inner.node.keywords):
            facts["policy"] = "drop-inline"
        elif b is not None and b.kind == POLICY and b.creator is not None:
            facts["policy"] = "variable"
        else:
            return "`policy` must be a BanditPolicy, MedianStoppingPolicy or TruncationSelectionPolicy made in this file"
        return None

    def plan(self, finding, users, analysis) -> None:
        """After analysis: check what only the whole group shows, then hand the search
        space to the ScriptRunConfig's fix and let the sampling statement go."""
        if finding.safety is None:
            return
        problem = self._group_problem(finding, users)
        if problem:
            finding.safety = None
            notes = "; ".join([problem, *finding.facts["guidance"]])
            finding.message = f"{self.message.replace('{symbol}', finding.symbol)} ({notes})"
            return
        src, sampling = finding.facts["run_config"], finding.facts["sampling"]
        space = sampling.facts["space"]
        if sampling.absorbed_by is None:
            sampling.safety = SAFE  # removed: its search space moves into the command
        # New lists: `facts` is restored from a shallow copy when planning runs again.
        src.facts["parts"] = [*src.facts["parts"], *[("text", f" {key} ${{{{inputs.{name}}}}}") for key, name, _ in space]]
        src.facts["sweep_inputs"] = [(name, dist) for _, name, dist in space]

    @staticmethod
    def _group_problem(finding, users) -> str | None:
        submits = [u for u in users if isinstance(u.rule, ExperimentSubmit)]
        if len(submits) != 1:
            return "only a configuration submitted once with `experiment.submit(...)` is migrated"
        src = finding.facts["run_config"]
        # The command job becomes the sweep's trial: later changes to it would not reach
        # the trials, and no other job may receive the search space as inputs.
        allowed = {id(call_arg(finding.node, 8, "run_config"))}
        for _, write in src.facts.get("fold", ()):
            allowed |= {id(n) for n in walk(write.stmt)}
        binding = src.creates
        for ref in binding.references:
            if id(ref) not in allowed:
                return (f"`{binding.name}` is also used on line {ref.lineno}; it becomes the sweep's trial command, "
                        "with the search space as inputs")
        return None

    def fix(self, node, ctx):
        facts = ctx.finding.facts
        given = arg_map(node, HD_CONFIG_PARAMS)
        src = given["run_config"].value
        func = cst.Attribute(value=src, attr=cst.Name("sweep"))

        def text(value: str):
            return cst.SimpleString(f'"{value}"')

        def policy(arg):
            if facts["policy"] == "convert":
                return keyword_arg("early_termination_policy", _converted(facts["policy_finding"], arg.value, ctx), arg)
            if facts["policy"] == "variable":
                return keyword_arg("early_termination_policy", arg.value, arg)
            return None  # no early termination: v2's default

        append = []
        concurrency = facts.get("concurrency")

        def concurrent(arg):
            return keyword_arg("max_concurrent_trials", cst.parse_expression(concurrency) if concurrency else arg.value, arg)

        mapping = {p: None for p in HD_CONFIG_PARAMS}
        mapping.update({
            "hyperparameter_sampling": lambda a: keyword_arg("sampling_algorithm", text(facts["algorithm"]), a),
            "primary_metric_name": "primary_metric",
            "primary_metric_goal": lambda a: keyword_arg("goal", text(facts["goal"]), a),
            "max_total_runs": "max_total_trials",
            "max_concurrent_runs": concurrent,
            "max_duration_minutes": lambda a: keyword_arg("timeout", cst.Integer(str(facts["timeout"])), a),
            "policy": policy,
        })
        if "max_duration_minutes" not in given:
            append.append(keyword_arg("timeout", cst.Integer(str(facts["timeout"]))))
        if "max_concurrent_runs" not in given:
            append.append(keyword_arg("max_concurrent_trials", cst.parse_expression(concurrency)))
        return rebuild_call(node, func, HD_CONFIG_PARAMS, mapping, append=append)


def _duplicate_flags(parts: list[tuple[str, str]], space: list) -> str | None:
    """A flag both the script's arguments and the search space pass (v1 passed both; unclear which won)."""
    keys = {key.lstrip("-") for key, _, _ in space}
    try:
        tokens = shlex.split("".join(text if kind == "text" else " _ " for kind, text in parts))
    except ValueError:
        return "the script's arguments cannot be read"
    for token in tokens:
        if token.startswith("-") and token.split("=", 1)[0].lstrip("-") in keys:
            return (f"the script's arguments already pass `{token}`, which the search space sets too "
                    "(v1 passed both); remove one by hand")
    return None


def _converted(finding, node, ctx):
    """`node` (the libcst form of an expression `finding` matched) rewritten by its rule."""
    outer, ctx.finding = ctx.finding, finding
    try:
        return finding.rule.fix(node, ctx)
    finally:
        ctx.finding = outer


def search_space_inputs(entries: list, ctx) -> cst.Dict:
    """`{"<input>": <v2 distribution>, ...}` for `command(inputs=...)`: each v1 distribution
    (checked to have literal arguments) is parsed from its source and rewritten by its rule."""
    elements = []
    for name, dist in entries:
        source = ctx.lines.segment(dist.node)
        elements.append(cst.DictElement(key=cst.SimpleString(f'"{name}"'),
                                        value=_converted(dist, cst.parse_expression(source), ctx)))
    return cst.Dict(elements=elements)


class ParameterSampling(Rule):
    """The search space and how it is sampled.

    ## Why
    v2 has no sampling object: the search space is the inputs of the sweep's trial
    command, and the sampling method is a keyword of `sweep(...)`.

    ## Migration
    The parameter space becomes the `inputs` of the `command()` job (one input per key,
    named `key.lstrip("-").replace("-", "_")`, valued with the v2 distribution, and the
    key followed by `${{inputs.<name>}}` in the command string); the sampling class
    becomes `sampling_algorithm="random"`, `"grid"` or `"bayesian"` in `job.sweep(...)`
    (`RandomSamplingAlgorithm(seed=..., rule=...)` for `properties`).

    ## Fix safety
    Only with the HyperDriveConfig that uses it (AML800): the statement goes and its
    search space moves into the command job. That needs a literal dict whose keys are
    `--name` flags and whose values are distributions with literal arguments.
    """

    code = "AML801"
    name = "parameter-sampling"
    symbols = tuple(ALGORITHMS)
    message = ("`{symbol}` is SDK v1; put the search space in the `command()` job's `inputs` and pass "
               '`sampling_algorithm="random"/"grid"/"bayesian"` to `job.sweep(...)`')
    v2 = 'job.sweep(..., sampling_algorithm="random")  # search space in command(inputs={...})'
    url = URL
    safety = MANUAL  # made safe by AML800's plan when the sweep group migrates
    statement_fix = True
    creates = BindingSpec(SAMPLING, mode="delete")
    params = ("parameter_space", "properties")

    def check(self, site):
        algorithm = ALGORITHMS.get(site.symbol, "random")
        facts = {"creates_kind": site.symbol, "algorithm": algorithm, "sole": site.sole()}
        note = f'`sampling_algorithm="{algorithm}"`'
        space, problem = _search_space(site)
        if space is None:
            facts["space_problem"] = problem
            note += f"; {problem}"
        else:
            facts["space"] = space
        return Check(MANUAL, note, facts=facts)

    def fix(self, node, ctx):
        return remove_statement(ctx)


# -- distributions ------------------------------------------------------------------------------


class _Distribution(Rule):
    """A v1 parameter expression -> the azure.ai.ml.sweep class with keyword arguments."""

    target = ""
    params: tuple[str, ...] = ()
    safety = SAFE
    url = URL
    creates = BindingSpec(EXPRESSION)

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        if set(site.keywords()) - set(self.params) or len(site.node.args) > len(self.params):
            return Check(MANUAL, "unexpected arguments")
        missing = [p for i, p in enumerate(self.params) if site.arg(i, p) is None]
        if missing:
            return Check(MANUAL, f"v1 requires `{missing[0]}`")
        safety, note = Placement(site).verdict("distribution")
        # "convertible": the arguments map, so a sweep migration (AML800) may rewrite it.
        return Check(safety, note, facts={"convertible": True})

    def fix(self, node, ctx):
        func = cst.Name(ctx.need(SWEEP, self.target))
        return rebuild_call(node, func, self.params, {p: p for p in self.params})


def _distribution(code: str, fn: str, target: str, params: tuple[str, ...], meaning: str) -> type:
    args = ", ".join(params)
    kwargs = ", ".join(f"{p}={p}" for p in params)
    example_args = {"randint": "10", "uniform": "0.01, 0.1", "quniform": "1, 10, 1", "loguniform": "-6, -1",
                    "qloguniform": "0, 5, 1", "normal": "0, 1", "qnormal": "10, 2, 1", "lognormal": "0, 1",
                    "qlognormal": "0, 1, 1"}[fn]
    values = [v.strip() for v in example_args.split(",")]
    example_kwargs = ", ".join(f"{p}={v}" for p, v in zip(params, values))
    doc = f"""The v1 `{fn}({args})` parameter expression: {meaning}.

    ## Migration
    `azure.ai.ml.sweep.{target}({kwargs})`: the same parameters, written as keywords.
    The value goes into the `command()` job's `inputs` (see AML800).

    ## Fix safety
    Safe where the v2 object cannot reach SDK v1: assigned to a variable that no v1 call
    uses, or passed to a v2 call such as `command(inputs={{...}})`. Inside the arguments
    of a v1 sampling or HyperDriveConfig that stays v1 there is no fix (migrate the
    configuration first); passed to another function the fix is unsafe.
    """
    return type(target + "Rule", (_Distribution,), {
        "__doc__": doc,
        "__module__": __name__,
        "code": code,
        "name": f"hyperdrive-{fn}",
        "symbols": (f"{HD}.{fn}",),
        "message": f"`{fn}()` is SDK v1; use `azure.ai.ml.sweep.{target}({', '.join(p + '=...' for p in params)})`",
        "v2": f"azure.ai.ml.sweep.{target}({kwargs})",
        "target": target,
        "params": params,
        "before": f"from azureml.train.hyperdrive import {fn}\n\nparam = {fn}({example_args})\n",
        "after": f"from azure.ai.ml.sweep import {target}\n\nparam = {target}({example_kwargs})\n",
    })


class ChoiceRule(_Distribution):
    """The v1 `choice(*options)` parameter expression: one of the listed values.

    ## Migration
    `azure.ai.ml.sweep.Choice(values=[...])`: `choice(25, 50, 100)` ->
    `Choice(values=[25, 50, 100])`; `choice([1, 2])` -> `Choice(values=[1, 2])`;
    `choice(range(a, b))` -> `Choice(values=list(range(a, b)))`. All serialize to the same
    `['choice', [[...]]]` search space.

    ## Fix safety
    Safe for literal option lists, a list display or a `range(...)` call, where the v2
    object cannot reach SDK v1 (see AML804). A single variable may hold one value or a
    list of them: no fix.
    """

    code = "AML802"
    name = "hyperdrive-choice"
    symbols = (f"{HD}.choice",)
    message = "`choice()` is SDK v1; use `azure.ai.ml.sweep.Choice(values=[...])`"
    v2 = "azure.ai.ml.sweep.Choice(values=[...])"
    target = "Choice"
    before = """\
from azureml.train.hyperdrive import choice

batch_size = choice(16, 32, 64)
epochs = choice(range(1, 4))
"""
    after = """\
from azure.ai.ml.sweep import Choice

batch_size = Choice(values=[16, 32, 64])
epochs = Choice(values=list(range(1, 4)))
"""

    def check(self, site):
        if site.has_star_args() or site.keywords():
            return Check(MANUAL, "arguments passed with * or ** or by keyword cannot be mapped")
        args = site.node.args
        if not args:
            return Check(MANUAL, "v1 requires at least one option")
        shape = "options"
        if len(args) == 1:
            one = args[0]
            if isinstance(one, ast.List):
                shape = "list"
            elif _is_range(site, one):
                shape = "range"
            elif not (isinstance(one, ast.Constant) and not isinstance(one.value, (bytes, type(Ellipsis)))):
                return Check(MANUAL, "a single option that is not a literal: v1 expanded a list or range, "
                                     "kept anything else as one value")
        safety, note = Placement(site).verdict("distribution")
        return Check(safety, note, facts={"shape": shape, "convertible": True})

    def fix(self, node, ctx):
        func = cst.Name(ctx.need(SWEEP, "Choice"))
        shape = ctx.finding.facts["shape"]
        args = list(node.args)
        if shape == "list":
            value = args[0].value
        elif shape == "range":
            value = cst.Call(func=cst.Name("list"), args=[cst.Arg(value=args[0].value)])
        else:
            last = len(args) - 1
            value = cst.List(elements=[
                cst.Element(value=a.value, comma=a.comma if i < last else cst.MaybeSentinel.DEFAULT)
                for i, a in enumerate(args)
            ])
        return node.with_changes(func=func, args=[keyword_arg("values", value)])


def _is_range(site, expr: ast.expr) -> bool:
    """`range(...)` with the builtin `range` (not rebound anywhere in the module)."""
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "range"):
        return False
    if expr.keywords or not 1 <= len(expr.args) <= 3:
        return False
    for node in walk(site.analyzer.tree):
        if isinstance(node, ast.Name) and node.id == "range" and not isinstance(node.ctx, ast.Load):
            return False
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == "range":
            return False
        if isinstance(node, ast.alias) and (node.asname or node.name) == "range":
            return False
        if isinstance(node, ast.arg) and node.arg == "range":
            return False
    return True


RandintRule = _distribution("AML803", "randint", "Randint", ("upper",), "an integer in [0, upper)")
UniformRule = _distribution("AML804", "uniform", "Uniform", ("min_value", "max_value"),
                            "a value uniformly distributed between min_value and max_value")
QUniformRule = _distribution("AML805", "quniform", "QUniform", ("min_value", "max_value", "q"),
                             "round(uniform(min_value, max_value) / q) * q")
LogUniformRule = _distribution("AML806", "loguniform", "LogUniform", ("min_value", "max_value"),
                               "exp(uniform(min_value, max_value)); the bounds are logarithms in both SDKs")
QLogUniformRule = _distribution("AML807", "qloguniform", "QLogUniform", ("min_value", "max_value", "q"),
                                "round(exp(uniform(min_value, max_value)) / q) * q")
NormalRule = _distribution("AML808", "normal", "Normal", ("mu", "sigma"),
                           "a normally distributed value with mean mu and standard deviation sigma")
QNormalRule = _distribution("AML809", "qnormal", "QNormal", ("mu", "sigma", "q"), "round(normal(mu, sigma) / q) * q")
LogNormalRule = _distribution("AML810", "lognormal", "LogNormal", ("mu", "sigma"), "exp(normal(mu, sigma))")
QLogNormalRule = _distribution("AML811", "qlognormal", "QLogNormal", ("mu", "sigma", "q"),
                               "round(exp(normal(mu, sigma)) / q) * q")


# -- early termination ----------------------------------------------------------------------


class _Policy(Rule):
    """A v1 early-termination policy -> the keyword-only azure.ai.ml.sweep class."""

    target = ""
    params: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    safety = SAFE
    url = URL
    creates = BindingSpec(POLICY)

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        if set(site.keywords()) - set(self.params) or len(site.node.args) > len(self.params):
            return Check(MANUAL, "unexpected arguments")
        for i, p in enumerate(self.params):
            if p in self.required and site.arg(i, p) is None:
                return Check(MANUAL, f"v1 requires `{p}`")
        problem = self.problem(site)
        if problem:
            return Check(MANUAL, problem)
        safety, note = Placement(site).verdict("policy")
        return Check(safety, note, facts={"convertible": True})

    def problem(self, site) -> str | None:
        return None

    def fix(self, node, ctx):
        func = cst.Name(ctx.need(SWEEP, self.target))
        names = [p for p in self.params if p in _bound(node, self.params)]
        append = [] if "evaluation_interval" in names else [keyword_arg("evaluation_interval", cst.Integer("1"))]
        return rebuild_call(node, func, self.params, {p: p for p in self.params}, append=append)


def _bound(node, params) -> set[str]:
    return set(arg_map(node, params))


class BanditPolicyRule(_Policy):
    """Bandit early termination: stop runs whose metric falls outside a slack of the best.

    ## Migration
    `azure.ai.ml.sweep.BanditPolicy(evaluation_interval=..., slack_factor=... |
    slack_amount=..., delay_evaluation=...)`, passed as `early_termination_policy=` to
    `job.sweep(...)`. v2's constructor is keyword-only, so v1's positional order
    (`evaluation_interval, slack_factor, slack_amount, delay_evaluation`) becomes keywords,
    and v2's default `evaluation_interval` is 0 where v1's was 1, so the fix always writes
    it.

    ## Fix safety
    Safe where the v2 object cannot reach SDK v1 (see AML804).
    """

    code = "AML812"
    name = "hyperdrive-bandit-policy"
    symbols = (f"{HD}.BanditPolicy",)
    message = "`BanditPolicy` is SDK v1; use `azure.ai.ml.sweep.BanditPolicy(evaluation_interval=..., slack_factor=...)`"
    v2 = "azure.ai.ml.sweep.BanditPolicy(evaluation_interval=1, slack_factor=0.1, delay_evaluation=0)"
    target = "BanditPolicy"
    params = ("evaluation_interval", "slack_factor", "slack_amount", "delay_evaluation")
    before = """\
from azureml.train.hyperdrive import BanditPolicy

policy = BanditPolicy(2, 0.1)
lenient = BanditPolicy(slack_amount=0.2, delay_evaluation=5)
"""
    after = """\
from azure.ai.ml.sweep import BanditPolicy

policy = BanditPolicy(evaluation_interval=2, slack_factor=0.1)
lenient = BanditPolicy(slack_amount=0.2, delay_evaluation=5, evaluation_interval=1)
"""

    def problem(self, site):
        given = [p for i, p in ((1, "slack_factor"), (2, "slack_amount")) if site.arg(i, p) is not None]
        if len(given) != 1:
            return "v1 requires exactly one of `slack_factor` and `slack_amount`"
        return None


class MedianStoppingPolicyRule(_Policy):
    """Median stopping: stop runs whose best metric is worse than the median of running averages.

    ## Migration
    `azure.ai.ml.sweep.MedianStoppingPolicy(evaluation_interval=..., delay_evaluation=...)`
    (keyword-only; v1's positional order is `evaluation_interval, delay_evaluation`).
    The defaults agree (1 and 0); the fix writes `evaluation_interval` anyway.

    ## Fix safety
    Safe where the v2 object cannot reach SDK v1 (see AML804).
    """

    code = "AML813"
    name = "hyperdrive-median-stopping-policy"
    symbols = (f"{HD}.MedianStoppingPolicy",)
    message = "`MedianStoppingPolicy` is SDK v1; use `azure.ai.ml.sweep.MedianStoppingPolicy(evaluation_interval=..., delay_evaluation=...)`"
    v2 = "azure.ai.ml.sweep.MedianStoppingPolicy(evaluation_interval=1, delay_evaluation=5)"
    target = "MedianStoppingPolicy"
    params = ("evaluation_interval", "delay_evaluation")
    before = """\
from azureml.train.hyperdrive import MedianStoppingPolicy

policy = MedianStoppingPolicy(delay_evaluation=5)
"""
    after = """\
from azure.ai.ml.sweep import MedianStoppingPolicy

policy = MedianStoppingPolicy(delay_evaluation=5, evaluation_interval=1)
"""


class TruncationSelectionPolicyRule(_Policy):
    """Truncation selection: cancel a percentage of the worst runs at each evaluation.

    ## Migration
    `azure.ai.ml.sweep.TruncationSelectionPolicy(truncation_percentage=...,
    evaluation_interval=..., delay_evaluation=...)` (keyword-only; v1's positional order
    is `truncation_percentage, evaluation_interval, delay_evaluation`). v2's default
    `evaluation_interval` is 0 where v1's was 1, so the fix always writes it.

    ## Fix safety
    Safe where the v2 object cannot reach SDK v1 (see AML804).
    """

    code = "AML814"
    name = "hyperdrive-truncation-selection-policy"
    symbols = (f"{HD}.TruncationSelectionPolicy",)
    message = ("`TruncationSelectionPolicy` is SDK v1; use "
               "`azure.ai.ml.sweep.TruncationSelectionPolicy(truncation_percentage=..., evaluation_interval=...)`")
    v2 = "azure.ai.ml.sweep.TruncationSelectionPolicy(truncation_percentage=20, evaluation_interval=1)"
    target = "TruncationSelectionPolicy"
    params = ("truncation_percentage", "evaluation_interval", "delay_evaluation")
    required = ("truncation_percentage",)
    before = """\
from azureml.train.hyperdrive import TruncationSelectionPolicy

policy = TruncationSelectionPolicy(20, delay_evaluation=5)
"""
    after = """\
from azure.ai.ml.sweep import TruncationSelectionPolicy

policy = TruncationSelectionPolicy(truncation_percentage=20, delay_evaluation=5, evaluation_interval=1)
"""


class NoTerminationPolicyRule(Rule):
    """No early termination.

    ## Migration
    Leave `early_termination_policy` out of `job.sweep(...)` (or pass `None`).

    ## Fix safety
    Safe when passed directly as `policy=` or `early_termination_policy=`: `None` means
    no early termination there, in v1's HyperDriveConfig as in v2's sweep. Anywhere else
    no fix (the variable or container may be used in other ways).
    """

    code = "AML815"
    name = "hyperdrive-no-termination-policy"
    symbols = (f"{HD}.NoTerminationPolicy",)
    message = "`NoTerminationPolicy()` is SDK v1; leave `early_termination_policy` out of `job.sweep(...)`"
    v2 = "early_termination_policy=None"
    url = URL
    safety = SAFE
    before = """\
from azureml.train.hyperdrive import HyperDriveConfig, NoTerminationPolicy

hd = HyperDriveConfig(run_config=src, hyperparameter_sampling=sampling, primary_metric_name="acc",
                      primary_metric_goal=goal, max_total_runs=4, policy=NoTerminationPolicy())
"""
    after = """\
from azureml.train.hyperdrive import HyperDriveConfig

hd = HyperDriveConfig(run_config=src, hyperparameter_sampling=sampling, primary_metric_name="acc",
                      primary_metric_goal=goal, max_total_runs=4, policy=None)
"""

    def check(self, site):
        if site.node.args or site.node.keywords:
            return Check(MANUAL, "v1 takes no arguments")
        if Placement(site).keyword in ("policy", "early_termination_policy"):
            return Check(SAFE)
        return Check(MANUAL, "pass `early_termination_policy=None` (or nothing) to `job.sweep(...)` instead")

    def fix(self, node, ctx):
        return cst.Name("None")


class PrimaryMetricGoalRule(Rule):
    """The direction of the primary metric.

    ## Migration
    `goal="maximize"` / `goal="minimize"` in `job.sweep(...)` (v2 lower-cases the goal).

    ## Fix safety
    Safe only as the value of a `goal=` keyword of a call that is not SDK v1 (a v2
    `sweep(...)`); elsewhere the enum may be compared or passed to v1's
    `HyperDriveConfig(primary_metric_goal=...)`, which needs the enum: no fix.
    """

    code = "AML816"
    name = "primary-metric-goal"
    on = "attribute"
    symbols = (f"{HD}.PrimaryMetricGoal.MAXIMIZE", f"{HD}.PrimaryMetricGoal.MINIMIZE")
    message = '`{symbol}` is SDK v1; pass `goal="maximize"` or `goal="minimize"` to `job.sweep(...)`'
    v2 = 'goal="maximize"'
    url = URL
    safety = SAFE
    before = """\
from azure.ai.ml import command
from azureml.train.hyperdrive import PrimaryMetricGoal

job = command(command="python train.py", environment="env@latest", compute="cpu-cluster")
sweep_job = job.sweep(primary_metric="acc", goal=PrimaryMetricGoal.MAXIMIZE, sampling_algorithm="random")
"""
    after = """\
from azure.ai.ml import command

job = command(command="python train.py", environment="env@latest", compute="cpu-cluster")
sweep_job = job.sweep(primary_metric="acc", goal="maximize", sampling_algorithm="random")
"""

    def check(self, site):
        where = Placement(site)
        if where.v1_call is None and where.call is not None and where.keyword == "goal":
            return Check(SAFE, facts={"goal": site.symbol.rsplit(".", 1)[-1].lower()})
        return Check(MANUAL, 'write `goal="maximize"`/`"minimize"` in the v2 `job.sweep(...)`')

    def fix(self, node, ctx):
        return cst.SimpleString(f'"{ctx.finding.facts["goal"]}"')


# -- results -------------------------------------------------------------------------------


class BestRun(Rule):
    """The best child run of a HyperDrive run.

    ## Migration
    There is no v2 call returning the best trial as a run. Read the trials with MLflow
    (`mlflow.search_runs(filter_string=f"tags.mlflow.parentRunId = '{sweep_job.name}'",
    order_by=["metrics.<primary metric> DESC"])`, first row), or download the best
    trial's outputs with `ml_client.jobs.download(returned_sweep_job.name,
    output_name=...)`.

    ## Fix safety
    No automatic fix.
    """

    code = "AML817"
    name = "hyperdrive-best-run"
    symbols = (f"{HD_RUN}.get_best_run_by_primary_metric",)
    message = ("`{symbol}()` is SDK v1; query the sweep's trials with `mlflow.search_runs(...)` "
               "or download the best trial's outputs with `ml_client.jobs.download(...)`")
    v2 = "mlflow.search_runs(filter_string=f\"tags.mlflow.parentRunId = '{name}'\", order_by=[...])"
    url = URL
    safety = MANUAL


class ChildRunsByMetric(Rule):
    """The child runs or metrics of a HyperDrive run.

    ## Migration
    `mlflow.search_runs(filter_string=f"tags.mlflow.parentRunId = '{sweep_job.name}'",
    order_by=["metrics.<primary metric> DESC"])` returns the trials and their metrics as
    a DataFrame (the filter syntax on Azure ML is not verified).

    ## Fix safety
    No automatic fix.
    """

    code = "AML818"
    name = "hyperdrive-child-runs"
    symbols = (f"{HD_RUN}.get_children_sorted_by_primary_metric", f"{HD_RUN}.get_metrics")
    message = "`{symbol}()` is SDK v1; list the sweep's trials with `mlflow.search_runs(filter_string=...)`"
    v2 = "mlflow.search_runs(filter_string=f\"tags.mlflow.parentRunId = '{name}'\", order_by=[...])"
    url = URL
    safety = MANUAL


class HyperDriveStepRule(Rule):
    """A HyperDrive step in a v1 pipeline.

    ## Migration
    In a v2 pipeline (`@pipeline` function), call the command component with the search
    space as inputs and turn the node into a sweep node: `node = train(lr=Uniform(...))`,
    then `sweep_node = node.sweep(primary_metric=..., goal=..., sampling_algorithm=...)`
    and `sweep_node.set_limits(max_total_trials=..., timeout=...)`. Load the component
    with `load_component(source=...)` (Microsoft's sample passes `path=`, which fails).

    ## Fix safety
    No automatic fix: pipelines are migrated by hand.
    """

    code = "AML819"
    name = "hyperdrive-step"
    symbols = ("azureml.pipeline.steps.HyperDriveStep",)
    message = "`HyperDriveStep` is SDK v1; use a sweep node (`component(...).sweep(...)`) in a v2 `@pipeline`"
    v2 = "train_component(lr=Uniform(...)).sweep(primary_metric=..., goal=..., sampling_algorithm=...)"
    url = URL
    safety = MANUAL


RULES = [
    HyperDriveConfigRule, ParameterSampling, ChoiceRule, RandintRule, UniformRule, QUniformRule, LogUniformRule,
    QLogUniformRule, NormalRule, QNormalRule, LogNormalRule, QLogNormalRule, BanditPolicyRule,
    MedianStoppingPolicyRule, TruncationSelectionPolicyRule, NoTerminationPolicyRule, PrimaryMetricGoalRule,
    BestRun, ChildRunsByMetric, HyperDriveStepRule,
]

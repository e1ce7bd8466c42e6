"""Experiments, script runs and the run control plane (AML2xx): `command()` jobs.

The submission script is one data flow: the workspace feeds `Experiment`, the
`ScriptRunConfig` feeds `submit`, the submitted run feeds `get_portal_url`.  Each rule
declares which of those bindings its v2 form needs, so a fix pulls in the whole group.
"""

from __future__ import annotations

import ast
import functools
import shlex

from ..fixes.lazy import cst

from ..analysis.model import Finding
from ..astutil import DEFINITIONS, call_arg, literal, walk
from ..fixes.calls import arg_map, assignment_line, keyword_arg, rebuild_call
from ..fixes.errors import FixError
from .base import DOCS, MANUAL, SAFE, UNSAFE, BindingSpec, Check, Rule, remove_statement
from .data import (ABSTRACT_DATASET, CONSUMPTION, FILE_DATASET, OUTPUT_CONFIG, TABULAR_DATASET, DatasetConsumption,
                   OutputFileDatasetConfigRule, input_call, io_name, output_call)

EXPERIMENT = "azureml.core.Experiment"
SRC = "azureml.core.ScriptRunConfig"
RUN = "azureml.core.Run"
COMPUTE_KINDS = {"azureml.core.ComputeTarget", "azureml.core.compute.AmlCompute", "azureml.core.compute.ComputeInstance"}

EXPERIMENT_PARAMS = ("workspace", "name")
SRC_PARAMS = (
    "source_directory", "script", "arguments", "run_config", "_telemetry_values", "compute_target",
    "environment", "distributed_job_config", "resume_from", "max_run_duration_seconds", "command",
    "docker_runtime_config",
)

ARTICLE_V1 = """\
from azureml.core import Workspace, Experiment, Environment, ScriptRunConfig

ws = Workspace.from_config()
experiment = Experiment(workspace=ws, name="day1-experiment-train")
config = ScriptRunConfig(source_directory="./src", script="train.py", compute_target="cpu-cluster")
env = Environment.from_conda_specification(name="pytorch-env", file_path="pytorch-env.yml")
config.run_config.environment = env
run = experiment.submit(config)
print(run.get_portal_url())
"""

ARTICLE_V2 = """\
from azure.ai.ml import MLClient, command
from azure.ai.ml.entities import Environment
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
experiment_name = "day1-experiment-train"
env = Environment(name="pytorch-env", conda_file="pytorch-env.yml", image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1")
config = command(code="./src", command="python train.py", compute="cpu-cluster", environment=env)
run = ml_client.jobs.create_or_update(config, experiment_name=experiment_name)
print(run.studio_url)
"""


def compute_mode(site, expr) -> str:
    """How a v1 `compute_target` becomes v2's `compute=` (a name): "literal" (a name),
    "name-attr" (a compute object made in this file: its `.name`), or "pass" (unknown)."""
    ok, value = literal(expr)
    if ok and isinstance(value, str):
        return "literal"
    b = site.binding(expr)
    if b is not None and b.kind in COMPUTE_KINDS:
        site.consume(expr)
        return "name-attr"
    return "pass"


def compute_keyword(arg, mode: str):
    """The `compute=` argument for a v1 `compute_target` argument (see compute_mode)."""
    value = arg.value
    if mode == "name-attr":
        value = cst.Attribute(value=value, attr=cst.Name("name"))
    return keyword_arg("compute", value, arg)


def workspace_of(finding) -> object | None:
    return finding.facts.get("workspace") if finding is not None else None


def submitted_run(site, check_kind: bool = True):
    """The job a control-plane call is on; declares the dependency. Returns (ok, workspace)."""
    recv = site.receiver
    if recv is None:
        return False, None
    if recv.binding is not None:
        creator = recv.binding.creator
        site.require(recv.binding)
        return creator is not None, workspace_of(creator)
    if recv.finding is not None:
        site.require_finding(recv.finding)
        return True, workspace_of(recv.finding)
    return False, None


class ExperimentConstructor(Rule):
    """An experiment groups runs.

    ## Migration
    v2 has no experiment object: the name is passed as `experiment_name=` when the job is
    created. `experiment = Experiment(ws, "name")` becomes `experiment_name = "name"`, and
    `experiment.submit(job)` uses it.

    ## Fix safety
    Safe when every use of the variable is migrated with it (`submit`, `.name`).
    """

    code = "AML201"
    name = "experiment"
    symbols = (EXPERIMENT,)
    message = "`Experiment` is SDK v1; v2 jobs take `experiment_name=` instead"
    v2 = 'experiment_name = "..." and ml_client.jobs.create_or_update(job, experiment_name=experiment_name)'
    url = DOCS["command"]
    safety = SAFE
    creates = BindingSpec(EXPERIMENT, mode="rename")
    before = ARTICLE_V1
    after = ARTICLE_V2

    def check(self, site):
        ws_expr = site.arg(0, "workspace")
        name_expr = site.arg(1, "name")
        if name_expr is None or site.has_star_args():
            return Check(MANUAL, "the experiment name is not given as an argument")
        ws = site.consume(ws_expr)
        facts = {"workspace": ws, "needs_assignment": True}
        return Check(self.safety, facts=facts)

    def fix(self, node, ctx):
        return arg_map(node, EXPERIMENT_PARAMS)["name"].value


class ExperimentName(Rule):
    """The experiment's name.

    ## Migration
    `experiment.name` becomes the `experiment_name` variable.

    ## Fix safety
    Safe.
    """

    code = "AML202"
    name = "experiment-name"
    on = "attribute"
    symbols = (f"{EXPERIMENT}.name",)
    message = "`Experiment.name` is SDK v1; the v2 code keeps the name in a variable"
    v2 = "experiment_name"
    url = DOCS["command"]
    safety = SAFE

    def check(self, site):
        b = site.tracked_receiver()
        if b is None:
            return Check(MANUAL, "cannot tell which experiment this is")
        return Check(self.safety, facts={"experiment": b})

    def fix(self, node, ctx):
        return cst.Name(ctx.name_of(ctx.finding.facts["experiment"]))


def _fold_problem(finding, writes, analysis) -> str | None:
    """Why the writes cannot be folded into the construction, or None."""
    block, index = analysis.block_of.get(id(finding.stmt), (None, -1))
    if block is None or not isinstance(finding.stmt, ast.Assign):
        return "the ScriptRunConfig is not a plain assignment"
    positions = []
    for w in writes:
        wb, wi = analysis.block_of.get(id(w.stmt), (None, -1))
        if wb is not block or wi <= index:
            return "the setting is not written after the ScriptRunConfig in the same block"
        if not isinstance(w.stmt.value, (ast.Name, ast.Constant, ast.Attribute, ast.Dict)) or w.stmt.value is None:
            return "the value is not a plain name or literal"
        positions.append(wi)
    last = max(positions)
    needed = {n.id for n in walk(finding.stmt.value) if isinstance(n, ast.Name)}
    needed.update(finding.facts.get("moved_names", ()))  # read from the `arguments` list it merged
    written = {id(w.stmt) for w in writes}
    binding = finding.creates
    for stmt in block[index + 1:last + 1]:
        if id(stmt) in written:
            continue
        for node in walk(stmt):
            if isinstance(node, ast.Name):
                if binding is not None and node.id == binding.name:
                    return f"`{binding.name}` is used before the last setting"
                if isinstance(node.ctx, ast.Store) and node.id in needed:
                    return f"`{node.id}` changes before the last setting"
    return None


def _quote(text: str, quote: str) -> str:
    if quote == '"' and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return repr(text)


_VARIABLE_NOTE = ("variables in `arguments` are written as `shlex.quote(str(x))`: v1 also turned data objects among "
                  "them (datasets, pipeline parameters) into paths; check they hold plain values")
_DOLLAR_NOTE = ("a `$` in a literal argument is quoted, so the shell does not expand it; unquote it if the script "
                "expects the variable's value")


def _short(site, expr) -> str:
    text = " ".join(site.source(expr).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _plain_value(site, expr) -> bool:
    """A variable (or attribute of one) that holds no v1 object, with a source an f-string can hold."""
    root = expr
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name) or not isinstance(expr, (ast.Name, ast.Attribute)):
        return False
    text = site.source(expr)
    return (site.binding(root) is None and site.inline(expr) is None and not _imported_v1_name(site, root)
            and not any(c in text for c in "'\"\\{}\n"))


def _mentions(site, node: ast.AST, name: str) -> bool:
    return name in site.analyzer.names_in(node)


def _assigned_list(site, use: ast.Name) -> tuple[ast.Assign, list[ast.stmt]] | str:
    """`use` (`arguments=args`) names a `[...]` literal assigned earlier in the same block and
    read by nothing else: (its assignment, the statements between), or why not.

    The list's items are then read at the call instead (a later reassignment of the name
    ends its life: Microsoft's samples reuse `args` for a second run)."""
    from .automl import _DYNAMIC

    name, analyzer = use.id, site.analyzer
    scope = analyzer.scope
    if scope.kind not in ("module", "function") or name in scope.globals:
        return f"`{name}` is not a variable of the function or module that makes the call"
    if site.assigned_name() is None:
        return f"assign the ScriptRunConfig to a variable (the `{name}` list moves into its command)"
    block, index = analyzer.block_of.get(id(site.stmt), (None, -1))
    if block is None:
        return f"`{name}` is not assigned in the same block as the call"
    start = None
    for i in range(index - 1, -1, -1):
        stmt = block[i]
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and stmt.targets[0].id == name:
            start = i
            break
        if _mentions(site, stmt, name):
            return f"`{name}` is used on line {stmt.lineno}, between its assignment and the call"
    if start is None:
        return f"`{name}` is not assigned a list earlier in the same block"
    assign = block[start]
    if not isinstance(assign.value, (ast.List, ast.Tuple)) or _mentions(site, assign.value, name):
        return f"`{name}` is not assigned a `[...]` list literal"
    if id(assign) in analyzer.shared_line_stmts:
        return f"`{name} = [...]` shares its line with another statement"
    if any(isinstance(n, ast.Name) and n.id == name and n is not use for n in walk(site.stmt)):
        return f"the call uses `{name}` twice"
    end = len(block)
    for k in range(index + 1, len(block)):
        stmt = block[k]
        if isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) and t.id == name for t in stmt.targets) \
                and not _mentions(site, stmt.value, name):
            end = k
            break
        if _mentions(site, stmt, name):
            return f"`{name}` is also used on line {stmt.lineno}"
    # Anywhere else in the scope, only before the list (in a straight-line body) or once reassigned.
    where = analyzer.tree if scope.kind == "module" else scope.node
    allowed = [assign, site.stmt, *block[end:]]
    if block is getattr(where, "body", None):
        allowed += block[:start]
    seen = {id(n) for stmt in allowed if _mentions(site, stmt, name) for n in walk(stmt)}
    for node, bound in analyzer.naming_nodes(where):
        if type(node) is ast.Name and node.id in _DYNAMIC:
            return f"`{node.id}()` on line {node.lineno} may read `{name}`"
        if node is not where and isinstance(node, DEFINITIONS) and _mentions(site, node, name):
            return f"the definition on line {node.lineno} may read `{name}` when it runs"
        if id(node) not in seen and ((type(node) is ast.Name and node.id == name) or name in bound):
            return f"`{name}` is also used on line {getattr(node, 'lineno', site.stmt.lineno)}"
    return assign, block[start + 1:index]


def _findings_of(site, stmt: ast.stmt):
    """The inline findings of an earlier statement of the call's block, by node."""
    analyzer = site.analyzer
    if id(stmt) in analyzer.unit_ids():
        return site.inline  # the same walk segment
    for unit in analyzer.units:  # another top-level statement (block_of marked the call's unit for a re-walk)
        if unit.stmt is stmt:
            found = {id(f.node): f for f in unit.seg0.findings}
            return lambda expr: found.get(id(expr))
    return lambda expr: None


def _key_hint(flag) -> str | None:
    """`--data-folder` -> `data_folder`: the key of the input that follows a flag."""
    if not isinstance(flag, str) or not flag.startswith("-"):
        return None
    key = flag.lstrip("-").replace("-", "_")
    return key if io_name(key) else None


class _CommandLine:
    """A ScriptRunConfig's `script`, `arguments` and `command` as one v2 command line, with
    the data inputs and outputs it names (see ScriptRunConfigRule)."""

    def __init__(self) -> None:
        # ("text", shell text), ("expr", Python source interpolated as it is), ("quoted", Python
        # source interpolated shell-quoted), ("slot", index into `slots`: a data input/output).
        self.parts: list[tuple[str, str]] = []
        self.notes: list[str] = []
        self.slots: list[tuple[str, str | None, str | None, dict]] = []  # (inputs|outputs, name, key hint, entry)
        self.inputs: list[tuple[str, dict]] = []
        self.outputs: list[tuple[str, dict]] = []
        self.absorb: list[Finding] = []  # inline consumptions and outputs this fix rewrites
        self.reads: list = []  # consumption and output variables it names
        self.datasets: list = []  # datasets consumed inline
        self.listed: tuple[str, ast.Assign] | None = None  # `arguments=args`: the name and its list
        self.moved: set[str] = set()  # names the list reads, now read at the call

    @classmethod
    def of(cls, site) -> _CommandLine | str:
        line = cls()
        return line._read(site) or line

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def _read(self, site) -> str | None:
        command, script, arguments = site.arg(10, "command"), site.arg(1, "script"), site.arg(2, "arguments")
        if command is not None:
            if script is not None or arguments is not None:
                return "v1 rejects `command` together with `script` or `arguments`"
            ok, value = literal(command)
            if ok and isinstance(value, str):
                self.parts.append(("text", value))
                return None
            if isinstance(command, (ast.List, ast.Tuple)):
                # v1 joined the items with spaces, unquoted, and ran the line through a shell.
                return self._items(site, command.elts, site.inline, raw=True)
            return "`command` must be a literal string or list"
        if script is None:
            return "no `script` or `command` is given"
        ok, value = literal(script)
        if ok and isinstance(value, str):
            self.parts.append(("text", "python " + shlex.quote(value)))
        elif _plain_value(site, script):
            self.parts += [("text", "python "), ("quoted", site.source(script))]
        else:
            return "`script` must be a literal string or a variable"
        if arguments is None:
            return None
        ok, value = literal(arguments)
        if ok and isinstance(value, str):
            self.parts.append(("text", " " + value))
            return None
        if isinstance(arguments, (ast.List, ast.Tuple)):
            return self._items(site, arguments.elts, site.inline)
        if _plain_variable(site, arguments):
            found = _assigned_list(site, arguments)
            if isinstance(found, str):
                return found
            assign, between = found
            self.listed = (arguments.id, assign)
            return self._items(site, assign.value.elts, _findings_of(site, assign), between=between)
        return "`arguments` must be a list, or a variable assigned a list just before"

    def _items(self, site, items, finding_of, raw: bool = False, between=()) -> str | None:
        flag = None  # the literal before an item: it names a data input (`--data-folder` -> data_folder)
        for i, item in enumerate(items):
            problem = self._item(site, item, finding_of, "" if raw and i == 0 else " ", raw, flag, between)
            if problem:
                return problem
            ok, value = literal(item)
            flag = value if ok else None
        return self._resolve()

    def _item(self, site, item, finding_of, sep: str, raw: bool, flag, between) -> str | None:
        if isinstance(item, ast.Starred):
            return "`*` in the arguments cannot be mapped"
        ok, value = literal(item)
        if ok and not isinstance(value, (list, tuple, dict, set, bytes)):
            if raw and not isinstance(value, str):
                return f"v1 joined the `command` items as strings: `{_short(site, item)}` is not one"
            text = str(value) if raw else shlex.quote(str(value))
            if "${{" in text:
                return f"`{_short(site, item)}` holds `${{{{`, which v2 reads as an expression"
            if not raw and "$" in str(value):
                self.note(_DOLLAR_NOTE)
            self.parts.append(("text", sep + text))
            return None
        if between:
            changed = changed_between(item, between)
            if changed:
                return f"`{changed}` changes between `{self.listed[0]}` and the call"
            self.moved.update(n.id for n in walk(item) if isinstance(n, ast.Name))
        found = finding_of(item)
        b = site.binding(item)
        data = found if found is not None else (b.creator if b is not None and b.kind in (CONSUMPTION, OUTPUT_CONFIG)
                                                else None)
        if data is not None and isinstance(data.rule, (DatasetConsumption, OutputFileDatasetConfigRule)):
            which = "input" if isinstance(data.rule, DatasetConsumption) else "output"
            spec = data.facts.get(which)
            if spec is None:
                where = f"`{b.name}` (line {data.span.line})" if b is not None else f"`{_short(site, item)}`"
                return f"{where}: {data.facts.get(which + '_problem') or 'migrated by hand'}"
            if b is not None:  # a variable: the consumption/output becomes the v2 object in place
                site.consume(item)
                site.require(b)
                self.reads.append(b)
                entry, hint = {"binding": b}, b.name
            else:
                self.absorb.append(found)
                for note in spec["notes"]:
                    self.note(note)
                entry, hint = {"spec": spec}, (spec["dataset"].name if which == "input" else None)
            if which == "input":
                self.datasets.append(spec["dataset"])
                site.require(spec["dataset"])
            elif spec["store"] is not None:
                site.require(spec["store"])
            self.slots.append((which + "s", spec["name"], _key_hint(flag) or hint, entry))
            self.parts += [("text", sep), ("slot", str(len(self.slots) - 1))]
            return None
        if b is not None:
            if b.kind in (FILE_DATASET, TABULAR_DATASET, ABSTRACT_DATASET):
                return (f"v1 rejects a dataset passed as it is (`{b.name}`): consume it with "
                        f"`{b.name}.as_named_input(\"name\").as_mount()` or `.as_download()`")
            return f"`{b.name}` (a v1 `{b.kind.rsplit('.', 1)[-1]}`) in the arguments is migrated by hand"
        if found is not None:
            return f"`{found.symbol}` in the arguments is migrated by hand"
        if _plain_value(site, item):
            if between and isinstance(item, ast.Attribute):
                return f"`{_short(site, item)}` may change before the call: move `{self.listed[0]}` next to it"
            self.parts += [("text", sep), ("expr" if raw else "quoted", site.source(item))]
            self.note(_VARIABLE_NOTE)
            return None
        return (f"`{_short(site, item)}`: only literals, variables, and datasets and outputs made in this file "
                "are migrated")

    def _resolve(self) -> str | None:
        """Give every data input and output its key (the v1 name, else one derived from the
        flag before it or its variable) and write the `${{inputs.<key>}}` references."""
        taken: set[str] = set()
        for _, name, _, _ in self.slots:
            if name is not None:
                if name in taken:
                    return f"two inputs or outputs are named {name!r}"
                taken.add(name)
        keys = []
        for which, name, hint, _ in self.slots:
            key = name
            if key is None:
                base = hint if hint and io_name(hint) else ("data" if which == "inputs" else "output")
                key, n = base, 2
                while key in taken:
                    key, n = f"{base}_{n}", n + 1
                taken.add(key)
            keys.append(key)
        for (which, _, _, entry), key in zip(self.slots, keys):
            (self.inputs if which == "inputs" else self.outputs).append((key, entry))
        self.parts = [("text", "${{" + f"{self.slots[int(t)][0]}.{keys[int(t)]}" + "}}") if kind == "slot"
                      else (kind, t) for kind, t in self.parts]
        return None

    def declare(self, site, rule, facts: dict) -> None:
        """Record what the fix writes, and take over the inline data it rewrites (the list
        of `arguments=args` goes with the fix: its own finding, see `_list_finding`)."""
        facts.update(inputs=self.inputs, outputs=self.outputs, reads=self.reads, datasets=self.datasets)
        if self.listed is None:
            for f in self.absorb:
                site.absorb(f)
            return
        facts["arguments_finding"] = self._list_finding(site, rule)
        facts["moved_names"] = sorted(self.moved)

    def _list_finding(self, site, rule) -> Finding:
        name, stmt = self.listed
        finding = Finding(
            rule=rule, symbol=SRC, span=site.analyzer.span(stmt), node=stmt, stmt=stmt, safety=SAFE,
            message=f"`{name}` holds the arguments of `{site.assigned_name()} = ScriptRunConfig(...)`; they move into "
                    "its v2 command",
            facts={"arguments_of": name, "statement_fix": True, "sole": False, "datasets": self.datasets},
        )
        for f in self.absorb:
            f.absorbed_by = finding
            finding.consumes |= f.consumes
        site.analyzer.seg.findings.append(finding)
        site.require_finding(finding)
        return finding

    @staticmethod
    def entries(items, build, ctx) -> list:
        """`"key": <v2 object>` dict elements for the inputs or outputs recorded in facts."""
        out = []
        for key, entry in items:
            b = entry.get("binding")
            value = cst.Name(ctx.name_of(b)) if b is not None else build(entry["spec"], ctx)
            out.append(cst.DictElement(key=cst.SimpleString(f'"{key}"'), value=value))
        return out


class ScriptRunConfigRule(Rule):
    """A script run configuration: what to run, where, in which environment.

    ## Migration
    `azure.ai.ml.command(...)` (all keyword-only): `source_directory` -> `code`;
    `script` and `arguments` -> one `command` string that names the interpreter
    (`"python train.py --lr 0.01"`; Microsoft's sample writes `command="train.py"`, which
    runs the file as a shell command); `compute_target` -> `compute` (a name: a compute
    object becomes its `.name`); `environment` stays; `max_run_duration_seconds` ->
    `timeout`; `distributed_job_config` (an MPI, PyTorch or TensorFlow configuration
    made in the same file) -> `distribution=` plus `instance_count=` (the node count),
    fixed together with the configuration (AML940-AML942). `run_config`, `resume_from`
    and `docker_runtime_config` are migrated by hand for now.

    v1 passed each item of `arguments` to the script as one command-line argument; v2's
    command line goes through a shell. So literals are shell-quoted, and a variable is
    written as `{shlex.quote(str(x))}` in an f-string (evaluated when the job is built, as
    v1 read it then). Data become job inputs and outputs: `ds.as_named_input("n").as_mount()`
    / `.as_download()` / `ds.as_mount()` (AML528) -> `${{inputs.n}}` and
    `inputs={"n": Input(...)}`; an `OutputFileDatasetConfig` (AML530) -> `${{outputs.n}}`
    and `outputs={"n": Output(...)}`. `arguments=args` with `args = [...]` assigned just
    before in the same block, and read by nothing else, is merged the same way and its
    assignment goes (the list's line shows an AML203 finding too). A `command` list is
    joined with spaces as v1 did (no quoting).

    ## Fix safety
    Safe for literal scripts and arguments and data whose path reaches the script
    unchanged (see AML528, AML530). Unsafe: variables in `arguments` (v1 also turned data
    objects among them into paths; the fix assumes plain values), a `$` in a literal
    argument (quoted: the shell does not expand it), and a missing environment (the fix
    names v1's default image).
    """

    code = "AML203"
    name = "script-run-config"
    symbols = (SRC,)
    message = "`ScriptRunConfig` is SDK v1; build the job with `azure.ai.ml.command(...)`"
    v2 = 'azure.ai.ml.command(code=..., command="python train.py ...", compute=..., environment=...)'
    url = DOCS["command"]
    safety = SAFE
    creates = BindingSpec(SRC)
    before = ARTICLE_V1
    after = ARTICLE_V2

    manual_params = {
        "run_config": "`run_config` (a RunConfiguration) must be folded into `command(...)` by hand",
        "resume_from": "`resume_from` has no v2 equivalent; pass the checkpoint as an input",
        "docker_runtime_config": "`docker_runtime_config` becomes `shm_size=`/`docker_args=` (not automated yet)",
    }

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        for i, p in enumerate(SRC_PARAMS):
            if p in self.manual_params and site.arg(i, p) is not None:
                return Check(MANUAL, self.manual_params[p])
        safety = self.safety
        line = _CommandLine.of(site)
        if isinstance(line, str):
            return Check(MANUAL, f"the command line cannot be built: {line}")
        notes = list(line.notes)
        if notes:
            safety = UNSAFE
        parts = line.parts
        compute = site.arg(5, "compute_target")
        mode = compute_mode(site, compute) if compute is not None else "none"
        if mode == "pass":
            safety = UNSAFE
            notes.append("`compute` must be a compute name in v2; check the variable holds one")
        env = site.arg(6, "environment")
        if env is not None:
            b = site.consume(env)
            site.require(b)
            site.require_finding(site.inline(env))
            ok, value = literal(env)
            if b is None and site.inline(env) is None and not (ok and isinstance(value, str)):
                safety = UNSAFE
                notes.append("`environment` must be a v2 Environment or an 'name@label' string")
        facts = {"parts": parts, "compute_mode": mode, "has_env": env is not None}
        # distributed_job_config -> distribution= + instance_count= (DT5; see rules/distributed.py).
        problem = self._distribution(site, facts)
        if problem:
            return Check(MANUAL, problem)
        config = facts.get("distribution")
        if config is not None and config.safety == UNSAFE:
            safety = UNSAFE
            notes.append(config.message[len(config.rule.message):].strip().removeprefix("(").removesuffix(")"))
        line.declare(site, self, facts)
        return Check(safety, "; ".join(notes), facts=facts)

    @staticmethod
    def _distribution(site, facts) -> str | None:
        """Declare the distributed configuration this fix converts; why it cannot, or None.

        The configuration's creator becomes the v2 distribution in place and requires this
        use (it is a user of its binding), this fix requires the binding: one group.  An
        inline configuration is absorbed and rewritten by this fix.  Its node count (a
        literal, checked by the configuration rule) becomes `instance_count=`.
        """
        kinds, configuration_rule = _distributed_rules()
        expr = site.arg(7, "distributed_job_config")
        if expr is None:
            return None
        ok, value = literal(expr)
        if ok and value is None:
            facts["distribution_none"] = True  # v1 ignored a None configuration: drop it
            return None
        b = site.binding(expr)
        inline = site.inline(expr)
        if b is not None and b.kind in kinds and b.creator is not None:
            config = b.creator
        elif inline is not None and isinstance(inline.rule, configuration_rule):
            config = inline
        else:
            return ("`distributed_job_config` becomes `distribution=` and `instance_count=`: only an "
                    "MpiConfiguration, PyTorchConfiguration or TensorflowConfiguration made in this file is migrated")
        if config.safety is None:
            reason = config.message[len(config.rule.message):].strip().removeprefix("(").removesuffix(")")
            return f"`distributed_job_config` (line {config.span.line}) is migrated by hand: {reason}"
        if config is inline:
            site.absorb(inline)
        else:
            site.consume(expr)
            site.require(b)
        facts["distribution"] = config
        return None

    def plan(self, finding, users, analysis) -> None:
        """After analysis: fold `config.run_config.X = v` writes into `command(...)`.

        v2 validates a command job's environment at construction: setting
        `job.environment` afterwards is rejected on submission. So the construction
        moves down to the last such write, where every value it needs is defined.
        The finding of an `arguments` list assigned before (see `_CommandLine`) is fixed
        with this one, whichever is picked.
        """
        companion = finding.facts.get("arguments_finding")
        if companion is not None:
            companion.requires_findings[:] = [finding]
        writes = [u for u in users if isinstance(u.rule, RunConfigAttribute)
                  and u.symbol.rsplit(".", 1)[1] in RunConfigAttribute.folded and u.safety is not None]
        if writes:
            reason = _fold_problem(finding, writes, analysis)
            if reason is None:
                writes.sort(key=lambda w: w.span.line)
                finding.facts["fold"] = [
                    (RunConfigAttribute.folded[w.symbol.rsplit(".", 1)[1]], w) for w in writes
                ]
                finding.facts["moved_to"] = writes[-1]
                for w in writes:
                    w.facts["fold_into"] = finding
                writes[-1].facts["carry"] = finding
            else:
                for w in writes:
                    w.safety = None
                    w.message += f" (pass it to command(...) by hand: {reason})"
        if finding.facts.get("has_env") or finding.safety is None:
            return
        if any(kw == "environment" for kw, _ in finding.facts.get("fold", [])):
            return
        finding.safety = UNSAFE
        finding.facts["default_env"] = True
        finding.message += " (no environment given: v1 used its default image, which the fix names explicitly)"

    def fix(self, node, ctx):
        if ctx.finding.facts.get("arguments_of") is not None:
            return remove_statement(ctx)  # the `arguments` list, merged into the command
        if not ctx.copying and ctx.finding.facts.get("moved_to") is not None:
            return cst.RemovalSentinel.REMOVE  # rebuilt at the last folded write (see plan)
        quote = '"'
        script = arg_map(node, SRC_PARAMS).get("script")
        if script is not None and isinstance(script.value, cst.SimpleString):
            quote = script.value.quote if script.value.quote in ('"', "'") else '"'
        parts = ctx.finding.facts["parts"]
        if any(kind == "quoted" for kind, _ in parts):
            shlex_module = ctx.need("shlex")
            parts = [("expr", f"{shlex_module}.quote(str({text}))") if kind == "quoted" else (kind, text)
                     for kind, text in parts]
        command_expr = self._command_expr(parts, quote)
        mode = ctx.finding.facts["compute_mode"]

        def compute(arg: cst.Arg) -> cst.Arg:
            return compute_keyword(arg, mode)

        def command(arg: cst.Arg) -> cst.Arg:
            return keyword_arg("command", command_expr, arg)

        mapping = {
            "source_directory": "code",
            "script": command,
            "arguments": None,
            "command": command,
            "_telemetry_values": None,
            "compute_target": compute,
            "environment": "environment",
            "max_run_duration_seconds": "timeout",
        }
        append = [keyword_arg(kw, cst.parse_expression(write.facts["value"])) for kw, write in
                  ctx.finding.facts.get("fold", [])]
        # distributed_job_config -> distribution=<v2 object> and instance_count=<node count>.
        dist = ctx.finding.facts.get("distribution")
        if ctx.finding.facts.get("distribution_none"):
            mapping["distributed_job_config"] = None
        elif dist is not None:
            def distribution(arg: cst.Arg) -> cst.Arg:
                value = arg.value
                if dist.absorbed_by is not None:  # inline: this fix rewrites it
                    value = dist.rule.v2_call(value, ctx, dist.facts)
                return keyword_arg("distribution", value, arg)

            mapping["distributed_job_config"] = distribution
            append.insert(0, keyword_arg("instance_count", cst.Integer(str(dist.facts["instance_count"]))))
        if ctx.finding.facts.get("default_env"):
            env_cls = ctx.need("azure.ai.ml.entities", "Environment")
            append.append(keyword_arg("environment", cst.parse_expression(f"{env_cls}(image={ctx.default_image().value})")))
        inputs = _CommandLine.entries(ctx.finding.facts.get("inputs", ()), input_call, ctx)
        sweep_inputs = ctx.finding.facts.get("sweep_inputs")
        if sweep_inputs:
            # The trial command of a HyperDrive sweep (AML800): the search space becomes its inputs.
            from .sweep import search_space_inputs

            space = search_space_inputs(sweep_inputs, ctx).elements
            taken = {key for key, _ in ctx.finding.facts.get("inputs", ())}
            clash = [name for name, _ in sweep_inputs if name in taken]
            if clash:
                raise FixError(f"the search space and a data input are both named `{clash[0]}`: rename one by hand")
            inputs = [*inputs, *space]
        if inputs:
            append.append(keyword_arg("inputs", cst.Dict(elements=inputs)))
        outputs = _CommandLine.entries(ctx.finding.facts.get("outputs", ()), output_call, ctx)
        if outputs:
            append.append(keyword_arg("outputs", cst.Dict(elements=outputs)))
        func = cst.Name(ctx.need("azure.ai.ml", "command"))
        return rebuild_call(node, func, SRC_PARAMS, mapping, append=append)

    @staticmethod
    def _command_expr(parts: list[tuple[str, str]], quote: str) -> cst.BaseExpression:
        if all(kind == "text" for kind, _ in parts):
            return cst.parse_expression(_quote("".join(text for _, text in parts), quote))
        body = "".join(
            text.replace("{", "{{").replace("}", "}}") if kind == "text" else "{" + text + "}" for kind, text in parts
        )
        literal_body = _quote(body, quote)
        return cst.parse_expression("f" + literal_body)


class RunConfigAttribute(Rule):
    """Settings written on a script run's `run_config` after it was created.

    ## Migration
    `environment`, `target` and `environment_variables` become arguments of
    `command(...)`: v2 checks the environment when the job is built, and a job whose
    `environment` is assigned afterwards is rejected on submission. The fix therefore
    builds the command job where the last of these settings was written. `.node_count`
    -> `job.set_resources(instance_count=...)`; `.max_run_duration_seconds` ->
    `job.set_limits(timeout=...)`.

    ## Fix safety
    Safe, together with the `ScriptRunConfig` it changes, when nothing uses the
    configuration between its construction and the setting.
    """

    code = "AML204"
    name = "run-config-attribute"
    on = "assign"
    statement_fix = True
    # Passed to command(...) (the construction moves here); v2 rejects them set later.
    folded = {"environment": "environment", "target": "compute", "environment_variables": "environment_variables"}
    # Set on the job object after construction.
    targets = {
        "environment": None,
        "target": None,
        "environment_variables": None,
        "node_count": ("call", "set_resources(instance_count={})"),
        "max_run_duration_seconds": ("call", "set_limits(timeout={})"),
    }
    symbols = tuple(f"{SRC}.run_config.{a}" for a in targets)
    message = "`{symbol}` is SDK v1; set it on the v2 command job"
    v2 = "command(..., environment=env, compute=...) / job.set_resources(instance_count=...)"
    url = DOCS["command"]
    safety = SAFE
    before = ARTICLE_V1
    after = ARTICLE_V2

    def check(self, site):
        stmt = site.stmt
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
            return Check(MANUAL, "only a plain assignment can be rewritten")
        b = site.tracked_receiver()
        if b is None:
            return Check(MANUAL, "cannot tell which ScriptRunConfig this is")
        value = site.consume(stmt.value)
        site.require(value)
        site.require_finding(site.inline(stmt.value))
        facts = {"value": site.source(stmt.value), "sole": site.sole()}
        return Check(self.safety, facts=facts)

    def fix(self, node, ctx):
        from ..fixes.rewrite import moved_statement

        if ctx.finding.facts.get("carry") is not None:
            return moved_statement(ctx.finding.facts["carry"], ctx)
        if ctx.finding.facts.get("fold_into") is not None:
            return remove_statement(ctx)
        attr = ctx.finding.symbol.rsplit(".", 1)[1]
        _, target = self.targets[attr]
        config = node.targets[0].target.value.value  # config.run_config.X -> config
        call = cst.parse_expression("_." + target.format("_value"))
        call = call.with_changes(func=call.func.with_changes(value=config))
        call = call.with_changes(args=[call.args[0].with_changes(value=node.value)])
        return cst.Expr(value=call)


@functools.cache
def _run_kind_of_submitted() -> dict[str, str]:
    """Kind of configuration `Experiment.submit` accepts besides a ScriptRunConfig -> the
    kind of run it returns. (Looked up once: those rule modules import this one.)"""
    from .automl import AUTOML, AUTOML_RUN
    from .pipelines import PIPELINE, PIPELINE_RUN
    from .sweep import HD_CONFIG, HD_RUN

    return {PIPELINE: PIPELINE_RUN, AUTOML: AUTOML_RUN, HD_CONFIG: HD_RUN}


@functools.cache
def _distributed_rules() -> tuple[tuple[str, ...], type]:
    """The distributed configuration kinds and their rules' base class (imported once:
    that module imports this one)."""
    from .distributed import KINDS, _DistributedConfiguration

    return KINDS, _DistributedConfiguration


class ExperimentSubmit(Rule):
    """Submit a run.

    ## Migration
    `ml_client.jobs.create_or_update(job, experiment_name=...)` submits the command job and
    returns a `Job` (not a Run); `tags=` is passed on.

    ## Fix safety
    Safe when the submitted configuration is a `ScriptRunConfig`, `AutoMLConfig`,
    `Pipeline` or `HyperDriveConfig` variable migrated in the same fix (a HyperDrive
    group is unsafe, see AML800). `show_output=True` made v1 wait and print the run's
    progress: the fix follows the submission with `ml_client.jobs.stream(run.name)`.
    """

    code = "AML205"
    name = "experiment-submit"
    symbols = (f"{EXPERIMENT}.submit",)
    message = "`Experiment.submit()` is SDK v1; submit with `ml_client.jobs.create_or_update(job, experiment_name=...)`"
    v2 = "ml_client.jobs.create_or_update(job, experiment_name=...)"
    url = DOCS["command"]
    safety = SAFE
    creates = BindingSpec(RUN, origin="submitted")
    before = ARTICLE_V1
    after = ARTICLE_V2

    def check(self, site):
        if site.has_star_args() or set(site.keywords()) - {"config", "tags", "show_output"}:
            return Check(MANUAL, "only `config`, `tags` and `show_output` can be mapped")
        config = site.arg(0, "config")
        b = site.binding(config)
        inline = site.inline(config)
        kind = b.kind if b is not None else (inline.symbol if inline is not None else None)
        facts: dict = {}
        # What v1 returns depends on what is submitted: later calls on the run match its rules.
        submitted = _run_kind_of_submitted().get(kind or "")
        if submitted is not None:
            facts["creates_kind"] = submitted
        recv = site.receiver
        if recv is not None and recv.binding is not None and recv.binding.creator is not None:
            site.require(recv.binding)
            facts["experiment"] = recv.binding
            facts["workspace"] = workspace_of(recv.binding.creator)
        elif recv is not None and recv.finding is not None and isinstance(recv.finding.rule, ExperimentConstructor):
            site.absorb(recv.finding)
            facts["workspace"] = workspace_of(recv.finding)
        else:
            return Check(MANUAL, "cannot tell which experiment this is", facts=facts)
        if b is not None and (b.kind == SRC or b.kind in _run_kind_of_submitted()):
            site.consume(config)
            site.require(b)
        elif inline is not None and isinstance(inline.rule, ScriptRunConfigRule):
            site.require_finding(inline)
        else:
            return Check(MANUAL, "only ScriptRunConfig, AutoMLConfig, Pipeline and HyperDriveConfig variables are "
                                 "migrated automatically", facts=facts)
        show = site.arg(None, "show_output")
        if show is not None:
            from .automl import AUTOML

            ok, value = literal(show)
            if b is None or b.kind != AUTOML or not ok or not isinstance(value, bool):
                return Check(MANUAL, "`show_output` must be a literal True or False on an AutoML submission", facts=facts)
            if value:
                # v1 blocked and printed progress until the run ended: v2 streams the job.
                if not site.is_statement() and site.assigned_name() is None or not site.alone_on_line():
                    return Check(MANUAL, "`show_output=True` waits for the run: use the call as a statement of its own",
                                 facts=facts)
                facts["stream"] = site.assigned_name() or True
                facts["statement_fix"] = True
        if facts["workspace"] is None:
            return Check(MANUAL, "cannot tell which workspace the experiment belongs to", facts=facts)
        site.require(facts["workspace"])
        return Check(self.safety, facts=facts)

    def fix(self, node, ctx):
        stream = ctx.finding.facts.get("stream")
        if stream:
            call = node.value  # a statement fix: `run = experiment.submit(...)` or a bare call
            submit = self._submit(call, ctx)
            client = ctx.client()
            if isinstance(node, (cst.Assign, cst.AnnAssign)):
                return cst.FlattenSentinel([
                    assignment_line(node, submit),
                    cst.parse_statement(f"{client}.jobs.stream({stream}.name)\n"),
                ])
            code = cst.Module(body=[]).code_for_node(submit)
            return cst.parse_statement(f"{client}.jobs.stream({code}.name)\n")
        return self._submit(node, ctx)

    def _submit(self, node, ctx):
        params = ("config", "tags")
        experiment = ctx.finding.facts.get("experiment")
        if experiment is not None:
            name_value: cst.BaseExpression = cst.Name(ctx.name_of(experiment))
        else:
            inline = node.func.value
            name_value = arg_map(inline, EXPERIMENT_PARAMS)["name"].value
        func = cst.parse_expression(f"{ctx.client()}.jobs.create_or_update")
        return rebuild_call(
            node,
            func,
            params,
            {"config": lambda a: a.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT), "tags": "tags",
             "show_output": None},
            append=[keyword_arg("experiment_name", name_value)],
        )


class GetPortalUrl(Rule):
    """The studio link of a submitted run.

    ## Migration
    `returned_job.studio_url` (a property).

    ## Fix safety
    Safe, with the submission it depends on.
    """

    code = "AML206"
    name = "run-get-portal-url"
    symbols = (f"{RUN}.get_portal_url",)
    origin = "submitted"
    message = "`Run.get_portal_url()` is SDK v1; use the job's `studio_url`"
    v2 = "returned_job.studio_url"
    url = DOCS["command"]
    safety = SAFE
    before = ARTICLE_V1
    after = ARTICLE_V2

    def check(self, site):
        ok, ws = submitted_run(site)
        return Check(self.safety if ok else MANUAL, facts={"workspace": ws})

    def fix(self, node, ctx):
        return cst.Attribute(value=node.func.value, attr=cst.Name("studio_url"))


WIDGET = "azureml.widgets.RunDetails"


class RunDetailsWidget(Rule):
    """The notebook widget that follows a run (`RunDetails(run)`).

    ## Migration
    There is no v2 widget. `RunDetails(run).show()` becomes `print(run.studio_url)`: the
    studio page shows the job's progress, metrics and logs. To follow the logs in the
    notebook instead, call `ml_client.jobs.stream(run.name)` (it blocks until the job ends).

    ## Fix safety
    `RunDetails(run).show()` on a run submitted in this file: unsafe, because a link
    replaces the live widget. A widget kept in a variable is migrated by hand.
    """

    code = "AML211"
    name = "run-details-widget"
    symbols = (WIDGET,)
    message = "`RunDetails` (azureml-widgets) has no SDK v2 equivalent; print the job's `studio_url` or stream its logs"
    v2 = "print(returned_job.studio_url)  # or ml_client.jobs.stream(returned_job.name)"
    url = DOCS["command"]
    safety = MANUAL


class RunDetailsShow(Rule):
    """Show the notebook widget of a run (`RunDetails(run).show()`).

    ## Migration
    `print(run.studio_url)`, or `ml_client.jobs.stream(run.name)` to wait and print logs.

    ## Fix safety
    Unsafe: a studio link replaces the live widget. Only `RunDetails(run).show()` on a
    run submitted in this file is rewritten.
    """

    code = "AML212"
    name = "run-details-show"
    symbols = (f"{WIDGET}.show",)
    message = "`RunDetails(run).show()` has no SDK v2 equivalent; print the job's `studio_url`"
    v2 = "print(returned_job.studio_url)"
    url = DOCS["command"]
    safety = UNSAFE
    before = """\
from azureml.core import Experiment, ScriptRunConfig, Workspace
from azureml.widgets import RunDetails

ws = Workspace.from_config()
src = ScriptRunConfig(source_directory="src", script="train.py", compute_target="cpu-cluster", environment="my-env@latest")
run = Experiment(ws, "exp").submit(src)
RunDetails(run).show()
"""
    after = """\
from azure.ai.ml import MLClient, command
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
src = command(code="src", command="python train.py", compute="cpu-cluster", environment="my-env@latest")
run = ml_client.jobs.create_or_update(src, experiment_name="exp")
print(run.studio_url)
"""

    def check(self, site):
        recv = site.receiver
        widget = recv.finding if recv is not None and recv.binding is None else None
        if widget is None or not isinstance(widget.rule, RunDetailsWidget) or site.node.args or site.node.keywords:
            return Check(MANUAL, "only `RunDetails(run).show()` is rewritten")
        call = widget.node
        run = call_arg(call, 0, "run_instance") if len(call.args) + len(call.keywords) == 1 else None
        b = site.binding(run)
        if b is None or b.origin != "submitted" or b.creator is None:
            return Check(MANUAL, "the run must be submitted in this file")
        site.absorb(widget)
        site.consume(run)
        site.require(b)
        return Check(self.safety, "a studio link replaces the live widget", facts={"run": b})

    def fix(self, node, ctx):
        run = ctx.name_of(ctx.finding.facts["run"])
        return cst.parse_expression(f"print({run}.studio_url)")


class RunLookup(Rule):
    """Find existing runs (`Run(experiment, run_id)`, `experiment.get_runs()`, `run.parent`, ...).

    ## Migration
    A v1 run id is the v2 job name: `Run(experiment, run_id)` / `Run.get(ws, run_id)` ->
    `ml_client.jobs.get(run_id)`; `experiment.get_runs()` ->
    `ml_client.jobs.list()` filtered by `job.experiment_name` (or
    `mlflow.search_runs(experiment_names=[...])`); `run.get_children()` ->
    `ml_client.jobs.list(parent_job_name=run.name)`; `run.parent` -> the parent job's
    name is in `mlflow.get_run(run_id).data.tags["mlflow.parentRunId"]`;
    `Experiment.list(ws)` / `ws.experiments` -> `mlflow.search_experiments()`.

    ## Fix safety
    No automatic fix: the v2 objects are jobs, not runs, and have other members.
    """

    code = "AML213"
    name = "run-lookup"
    symbols = (RUN, f"{RUN}.get", f"{RUN}.get_children", f"{EXPERIMENT}.get_runs", f"{EXPERIMENT}.list")
    message = "`{symbol}` is SDK v1; look jobs up with `ml_client.jobs.get(name)` / `ml_client.jobs.list(...)`"
    v2 = "ml_client.jobs.get(run_id) / ml_client.jobs.list(parent_job_name=...)"
    url = DOCS["command"]
    safety = MANUAL


class RunLookupAttribute(RunLookup):
    """Related runs and experiments read as attributes (`run.parent`, `ws.experiments`).

    ## Migration
    `run.parent` -> the parent job's name is the tag
    `mlflow.get_run(run_id).data.tags["mlflow.parentRunId"]`; `ws.experiments` ->
    `mlflow.search_experiments()`.

    ## Fix safety
    No automatic fix.
    """

    code = "AML216"
    name = "run-lookup-attribute"
    on = "attribute"
    symbols = (f"{RUN}.parent", "azureml.core.Workspace.experiments")
    message = "`{symbol}` is SDK v1; find related jobs with MLflow (`mlflow.get_run`, `mlflow.search_experiments`)"
    v2 = 'mlflow.get_run(run_id).data.tags["mlflow.parentRunId"] / mlflow.search_experiments()'


class RunFiles(Rule):
    """Download or list a run's files (`download_file`, `download_files`, `get_file_names`).

    ## Migration
    `ml_client.jobs.download(name=run.name, download_path=..., all=True)` downloads the
    job's outputs and logs (`output_name=` for one named output); for single artifacts use
    `mlflow.artifacts.download_artifacts(run_id=run.name, artifact_path=...)` and list them
    with `mlflow.artifacts.list_artifacts(run_id=run.name)`.

    ## Fix safety
    No automatic fix: v1 paths are relative to the run's file store, v2's to its artifacts.
    """

    code = "AML214"
    name = "run-files"
    symbols = (f"{RUN}.download_file", f"{RUN}.download_files", f"{RUN}.get_file_names")
    message = "`{symbol}()` is SDK v1; download with `ml_client.jobs.download(...)` or `mlflow.artifacts.download_artifacts(...)`"
    v2 = "ml_client.jobs.download(name=run.name, download_path=..., all=True)"
    url = DOCS["command"]
    safety = MANUAL


class StartLogging(Rule):
    """Log interactively from a notebook (`experiment.start_logging()`).

    ## Migration
    `mlflow.set_tracking_uri(ml_client.workspaces.get(ml_client.workspace_name).mlflow_tracking_uri)`,
    `mlflow.set_experiment(<experiment name>)`, then `with mlflow.start_run() as run:` and
    `mlflow.log_metric(...)` inside (AML702-AML714 rewrite the logging calls).

    ## Fix safety
    No automatic fix.
    """

    code = "AML215"
    name = "experiment-start-logging"
    symbols = (f"{EXPERIMENT}.start_logging",)
    message = "`Experiment.start_logging()` is SDK v1; use `mlflow.set_experiment(...)` and `mlflow.start_run()`"
    v2 = "mlflow.set_experiment(name); with mlflow.start_run(): ..."
    url = DOCS["mlflow"]
    safety = MANUAL


class WaitForCompletion(Rule):
    """Block until a submitted run finishes.

    ## Migration
    `ml_client.jobs.stream(returned_job.name)` streams the logs and returns when the job
    reaches a terminal state; it raises when the job fails, like v1's `raise_on_error=True`.

    ## Fix safety
    Safe with `show_output=True`. Without it the fix is unsafe: `stream` always prints the
    logs. `raise_on_error=False` is migrated by hand (poll `ml_client.jobs.get(name).status`).
    """

    code = "AML207"
    name = "run-wait-for-completion"
    symbols = (f"{RUN}.wait_for_completion",)
    origin = "submitted"
    message = "`Run.wait_for_completion()` is SDK v1; use `ml_client.jobs.stream(job.name)`"
    v2 = "ml_client.jobs.stream(returned_job.name)"
    url = DOCS["command"]
    safety = SAFE
    before = """\
from azureml.core import Workspace, Experiment, ScriptRunConfig

ws = Workspace.from_config()
src = ScriptRunConfig(source_directory=".", script="train.py", compute_target="cpu", environment="AzureML-sklearn-1.0@latest")
run = Experiment(ws, "exp").submit(src)
run.wait_for_completion(show_output=True)
"""
    after = """\
from azure.ai.ml import MLClient, command
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
src = command(code=".", command="python train.py", compute="cpu", environment="AzureML-sklearn-1.0@latest")
run = ml_client.jobs.create_or_update(src, experiment_name="exp")
ml_client.jobs.stream(run.name)
"""

    def check(self, site):
        ok, ws = submitted_run(site)
        if not ok or ws is None:
            return Check(MANUAL, "cannot tell which job or workspace this is")
        site.require(ws)
        ok_raise, raise_on_error = literal(site.arg(2, "raise_on_error"))
        if site.arg(2, "raise_on_error") is not None and not (ok_raise and raise_on_error):
            return Check(MANUAL, "`raise_on_error=False` has no `stream` equivalent")
        ok_show, show = literal(site.arg(0, "show_output"))
        if ok_show and show is True:
            return Check(SAFE, facts={"workspace": ws})
        return Check(UNSAFE, "`stream` prints the logs, which v1 did only with show_output=True", facts={"workspace": ws})

    def fix(self, node, ctx):
        run = node.func.value
        call = cst.parse_expression(f"{ctx.client()}.jobs.stream(_.name)")
        name = cst.Attribute(value=run, attr=cst.Name("name"))
        return call.with_changes(args=[cst.Arg(value=name)])


class RunId(Rule):
    """The id of a submitted run.

    ## Migration
    `returned_job.name` is the job's id in v2.

    ## Fix safety
    Safe.
    """

    code = "AML208"
    name = "run-id"
    on = "attribute"
    symbols = (f"{RUN}.id",)
    origin = "submitted"
    message = "`Run.id` is SDK v1; a v2 job's id is its `name`"
    v2 = "returned_job.name"
    url = DOCS["command"]
    safety = SAFE

    def check(self, site):
        ok, ws = submitted_run(site)
        return Check(self.safety if ok else MANUAL, facts={"workspace": ws})

    def fix(self, node, ctx):
        return node.with_changes(attr=cst.Name("name"))


class GetStatus(Rule):
    """The status of a submitted run.

    ## Migration
    `ml_client.jobs.get(returned_job.name).status` fetches the current status.

    ## Fix safety
    Safe.
    """

    code = "AML209"
    name = "run-get-status"
    symbols = (f"{RUN}.get_status",)
    origin = "submitted"
    message = "`Run.get_status()` is SDK v1; use `ml_client.jobs.get(job.name).status`"
    v2 = "ml_client.jobs.get(returned_job.name).status"
    url = DOCS["command"]
    safety = SAFE

    def check(self, site):
        ok, ws = submitted_run(site)
        if not ok or ws is None:
            return Check(MANUAL, "cannot tell which job or workspace this is")
        site.require(ws)
        return Check(self.safety, facts={"workspace": ws})

    def fix(self, node, ctx):
        run = node.func.value
        expr = cst.parse_expression(f"{ctx.client()}.jobs.get(_.name).status")
        get = expr.value
        get = get.with_changes(args=[cst.Arg(value=cst.Attribute(value=run, attr=cst.Name("name")))])
        return expr.with_changes(value=get)


class GetMetrics(Rule):
    """Metrics of a finished run, read from the submitting script.

    ## Migration
    Point MLflow at the workspace (`mlflow.set_tracking_uri(ml_client.workspaces.get(
    ml_client.workspace_name).mlflow_tracking_uri)`, needs `azureml-mlflow`), then read
    `mlflow.get_run(returned_job.name).data.metrics`. v1 returned every logged value as a
    list; MLflow's `data.metrics` holds the last value (use
    `MlflowClient().get_metric_history(run_id, key)` for all of them).

    ## Fix safety
    No automatic fix: the result's shape changes.
    """

    code = "AML210"
    name = "run-get-metrics"
    symbols = (f"{RUN}.get_metrics",)
    origin = "submitted"
    message = "`Run.get_metrics()` is SDK v1; read metrics with MLflow (`mlflow.get_run(job.name).data.metrics`)"
    v2 = "mlflow.get_run(returned_job.name).data.metrics"
    url = DOCS["mlflow"]
    safety = MANUAL


RUN_CONFIGURATION = "azureml.core.RunConfiguration"
RC_PARAMS = ("script", "arguments", "framework", "communicator", "conda_dependencies", "_history_enabled", "_path",
             "_name", "command")
_ENVIRONMENT = "azureml.core.Environment"
_CONDA = "azureml.core.conda_dependencies.CondaDependencies"
# Settings that become `command(...)` keywords as they are (the rest build the environment).
_RC_KEYWORDS = (("node_count", "instance_count"), ("environment_variables", "environment_variables"))

RC_BEFORE = """\
from azureml.core import Environment, Experiment, Workspace
from azureml.core.runconfig import RunConfiguration
from azureml.pipeline.core import Pipeline
from azureml.pipeline.steps import PythonScriptStep

ws = Workspace.from_config()
env = Environment.from_conda_specification(name="train-env", file_path="env.yml")
run_config = RunConfiguration()
run_config.environment = env
train = PythonScriptStep(script_name="train.py", source_directory="src", compute_target="cpu-cluster",
                         runconfig=run_config)
pipeline = Pipeline(workspace=ws, steps=[train])
run = Experiment(ws, "train").submit(pipeline)
"""
RC_AFTER = """\
from azure.ai.ml import MLClient, command, dsl
from azure.ai.ml.entities import Environment
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
env = Environment(name="train-env", conda_file="env.yml", image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1")
train = command(command="python train.py", code="src", compute="cpu-cluster",
                environment=env)

@dsl.pipeline()
def pipeline_func():
    train_node = train()

pipeline = pipeline_func()
run = ml_client.jobs.create_or_update(pipeline, experiment_name="train")
"""


def _value_problem(site, expr, kind: str, setting: str) -> str | None:
    """Declare a v1 Environment / CondaDependencies value the fix carries into `command(...)`;
    why it cannot, or None. The value is read again where the step is: a variable, or a
    `CondaDependencies.create(...)` call (its fix makes it a plain dict)."""
    from .environments import CondaDependenciesCreate

    b = site.binding(expr)
    if b is not None and b.kind == kind and b.creator is not None:
        site.consume(expr)
        site.require(b)
        return None
    inline = site.inline(expr)
    if kind == _CONDA and inline is not None and isinstance(inline.rule, CondaDependenciesCreate):
        site.require_finding(inline)
        return None
    what = "an Environment variable" if kind == _ENVIRONMENT else "a CondaDependencies made in this file"
    return f"`{setting}` must be {what}"


def _imported_v1_name(site, expr) -> str:
    """What a name imported from SDK v1 refers to (`azureml.core.runconfig.DEFAULT_CPU_IMAGE`), or ""."""
    return str(getattr(site.analyzer.lookup(expr.id), "qualified", "")) if isinstance(expr, ast.Name) else ""


def _plain_variable(site, expr) -> bool:
    """A name that holds neither a v1 object nor a v1 import (its import goes with the fix)."""
    return isinstance(expr, ast.Name) and site.binding(expr) is None and not _imported_v1_name(site, expr)


class RunConfigurationRule(Rule):
    """A reusable run configuration object.

    ## Why
    v2 has no RunConfiguration: what it configured is given to `command(...)` itself.

    ## Migration
    Its settings become arguments of `command(...)`: `target` -> `compute`, `environment`
    -> `environment`, `environment.python.conda_dependencies` /
    `environment.docker.base_image` -> `environment=Environment(conda_file=..., image=...)`,
    `node_count` -> `instance_count`, `environment_variables` -> `environment_variables`,
    `max_run_duration_seconds` -> `timeout`, `docker.shm_size` -> `shm_size`,
    `mpi`/`pytorch`/`tensorflow` -> `distribution`.

    ## Fix safety
    The whole-file migration folds `rc = RunConfiguration()` (or
    `RunConfiguration(conda_dependencies=...)`) into the `command(...)` of the pipeline steps
    that take it as `runconfig=` (AML831), when it is configured only by settings AML221
    rewrites, written before those steps in the same block; its statements go. The fix's
    safety is the steps': unsafe when v1 ran them in an environment the fix can only
    approximate (v1's default environment, or a base image without conda dependencies).
    Any other use or setting keeps it manual, and the message names what blocks it.
    """

    code = "AML220"
    name = "run-configuration"
    symbols = (RUN_CONFIGURATION,)
    message = "`RunConfiguration` is SDK v1; pass its settings to `azure.ai.ml.command(...)`"
    v2 = "azure.ai.ml.command(compute=..., environment=..., instance_count=..., ...)"
    url = DOCS["command"]
    safety = SAFE
    statement_fix = True
    creates = BindingSpec(RUN_CONFIGURATION, mode="delete")
    params = RC_PARAMS
    before = RC_BEFORE
    after = RC_AFTER

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        other = [p for i, p in enumerate(RC_PARAMS) if p != "conda_dependencies" and site.arg(i, p) is not None]
        if other:
            return Check(MANUAL, f"{', '.join(f'`{p}`' for p in other)}: migrated by hand (`script`/`arguments`/"
                                 "`command` -> `command=`, `framework`/`communicator` -> `distribution=`)")
        if site.assigned_name() is None or not site.alone_on_line():
            return Check(MANUAL, "only `name = RunConfiguration(...)` on its own line is folded into a step")
        facts = {"sole": site.sole()}
        conda = site.arg(4, "conda_dependencies")
        if conda is not None:
            problem = _value_problem(site, conda, _CONDA, "conda_dependencies")
            if problem:
                return Check(MANUAL, problem)
            facts["conda"] = True
        return Check(self.safety, facts=facts)

    def plan(self, finding, users, analysis) -> None:
        """After analysis: fold the settings into the steps that take the configuration.

        A step records the binding as its `runconfig` fact (AML831); the settings (AML221)
        are written between the construction and the first such step. Each step's
        `command(...)` gets them as arguments, read where the step is, so nothing they name
        may change in between; the configuration's statements are removed.
        """
        if finding.safety is None:
            return
        takers = [u for u in users if u.facts.get("runconfig") is finding.creates and u.safety is not None]
        settings = [u for u in users if isinstance(u.rule, RunConfigurationSetting)]
        problem = _settings_problem(finding, users, takers, settings, analysis)
        spec = None
        if problem is None:
            spec, problem = _run_configuration_spec(finding, settings, takers)
        if problem is not None:
            finding.safety = None
            finding.message += f" ({problem})"
            for u in takers:
                u.safety = None
                u.message += f" (its `runconfig` is migrated by hand: {problem})"
            return
        for w in settings:
            w.facts["fold_into"] = finding
        if spec["environment"] is not None and spec["environment"][0] == "parts":
            spec["environment"][3].facts["builds_environment"] = spec
        for u in takers:
            u.facts["run_configuration"] = spec
            if u.facts.get("compute") is None:
                u.facts["compute_from"] = spec["target"]
            if spec["unsafe"]:
                u.safety = UNSAFE
                u.message += f" ({spec['unsafe']})"

    def fix(self, node, ctx):
        if ctx.copying:
            return node  # read for its `conda_dependencies` (_environment_statement)
        if ctx.finding.facts.get("builds_environment"):
            return _environment_statement(node, ctx)
        return remove_statement(ctx)


def _settings_problem(finding, users, takers, settings, analysis) -> str | None:
    """Why the configuration cannot be folded into `takers`, or None."""
    prefix = RUN_CONFIGURATION + "."
    for u in users:
        if u in takers or (u in settings and u.safety is not None):
            continue
        what = u.symbol.removeprefix(prefix)
        if u in settings:
            return f"`{what}` on line {u.span.line}: {u.facts.get('why', 'migrated by hand')}"
        if u.receiver is finding.creates:
            return f"`{what}` on line {u.span.line} has no automatic migration"
        return f"it is used on line {u.span.line} by `{u.symbol}`, which is migrated by hand"
    if not takers:
        return "no pipeline step takes it: pass its settings to `command(...)` by hand"
    block, index = analysis.block_of.get(id(finding.stmt), (None, -1))
    if block is None:
        return "the RunConfiguration is not a plain assignment"
    at = []
    for t in takers:
        tb, ti = analysis.block_of.get(id(t.stmt), (None, -1))
        if tb is not block:
            return f"the step on line {t.span.line} is not in the RunConfiguration's block"
        at.append(ti)
    first, last = min(at), max(at)
    written = {id(w.stmt) for w in settings}
    for w in [finding, *settings]:
        wb, wi = analysis.block_of.get(id(w.stmt), (None, -1))
        if w is not finding and (wb is not block or not index < wi < first):
            return f"`{w.facts['setting']}` (line {w.span.line}) is not set between the RunConfiguration and its step"
        # v1 read the values when the pipeline was built; the fix reads them at the step.
        changed = changed_between(w.stmt.value if w is not finding else finding.node, block[wi + 1:last], written)
        if changed:
            return f"`{changed}` changes between line {w.span.line} and the step that reads it"
    return None


def changed_between(value: ast.AST, stmts: list[ast.stmt], skip: set[int] = frozenset()) -> str | None:
    """A name `value` reads that one of `stmts` (except those in `skip`) assigns, or None:
    a value read later than v1 read it must mean the same thing there."""
    needed = {n.id for n in walk(value) if isinstance(n, ast.Name)}
    for stmt in stmts:
        if id(stmt) in skip:
            continue
        for node in walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in needed:
                return node.id
    return None


def _run_configuration_spec(finding, settings, takers):
    """(what the steps' `command(...)` gets, None) or (None, why not)."""
    by_name: dict = {}
    for w in settings:
        setting = w.facts["setting"]
        if setting in by_name:
            return None, f"`{setting}` is set twice (lines {by_name[setting].span.line} and {w.span.line})"
        by_name[setting] = w
    conda = by_name.get("environment.python.conda_dependencies")
    if finding.facts.get("conda"):
        if conda is not None:
            return None, "`conda_dependencies` is set twice"
        conda = finding
    env = by_name.get("environment")
    image = by_name.get("environment.docker.base_image")
    managed = by_name.get("environment.python.user_managed_dependencies")
    user_managed = managed is not None and managed.facts["user_managed"]
    spec: dict = {"fold": [(kw, by_name[s]) for s, kw in _RC_KEYWORDS if s in by_name],
                  "target": by_name.get("target"), "unsafe": None}
    if env is not None:
        if conda is not None or image is not None or managed is not None:
            return None, ("`environment` and `environment.*` settings are both written: v1 applied them in order; "
                          "build the v2 Environment by hand")
        spec["environment"] = ("environment", env)
    elif user_managed and conda is not None:
        return None, "`user_managed_dependencies = True` made v1 ignore `conda_dependencies`"
    elif conda is not None or image is not None or user_managed:
        # Built once, in a variable, where the last of its parts is written (the steps come later).
        parts = [x for x in (image, conda, managed if user_managed else None) if x is not None]
        builder = max(parts, key=lambda x: (x.span.line, x.span.col))
        spec["environment"] = ("parts", image, conda, builder)
        if conda is None and not user_managed:
            spec["unsafe"] = ("no conda dependencies: v1 built python and azureml-defaults on the image, "
                              "v2 runs the image as it is")
    else:
        spec["environment"] = None
        spec["unsafe"] = "the RunConfiguration sets no environment: the fix names v1's default image"
    if spec["target"] is None and any(t.facts.get("compute") is None for t in takers):
        return None, "v2 nodes need `compute=`: give the step a `compute_target` (or set `target`)"
    return spec, None


def _copied_value(f, ctx) -> cst.BaseExpression:
    """The value `f`'s statement assigns, as the fixes of that statement rewrite it (a
    `CondaDependencies.create(...)` becomes its dict); for the construction, its
    `conda_dependencies` argument."""
    from ..fixes.rewrite import moved_statement

    value = moved_statement(f, ctx).value
    if isinstance(f.rule, RunConfigurationRule):
        value = arg_map(value, RC_PARAMS)["conda_dependencies"].value
    return value


def run_configuration_arguments(ctx, facts) -> list[cst.Arg]:
    """The `command(...)` arguments of a RunConfiguration folded into its user (see
    RunConfigurationRule.plan): compute, the plain keywords, and the environment."""
    spec = facts["run_configuration"]
    out = []
    target = facts.get("compute_from")
    if target is not None:
        out.append(compute_keyword(cst.Arg(value=_copied_value(target, ctx)), target.facts["compute_mode"]))
    out += [keyword_arg(kw, _copied_value(w, ctx)) for kw, w in spec["fold"]]
    env = spec["environment"]
    if env is None:  # v1's default environment
        cls = ctx.need("azure.ai.ml.entities", "Environment")
        value = cst.parse_expression(f"{cls}(image={ctx.default_image().value})")
    elif env[0] == "environment":
        value = _copied_value(env[1], ctx)
    else:
        value = cst.Name(env[3].facts["environment_name"])  # set by _environment_statement, which runs first
    out.append(keyword_arg("environment", value))
    return out


def _environment_statement(node, ctx):
    """`<config>_environment = Environment(conda_file=..., image=...)`: the environment a
    RunConfiguration built from its parts, in place of the last statement writing one."""
    finding = ctx.finding
    _, image, conda, _ = finding.facts["builds_environment"]["environment"]

    def value(f):
        if f is not finding:
            return _copied_value(f, ctx)
        if isinstance(f.rule, RunConfigurationRule):
            return arg_map(node.value, RC_PARAMS)["conda_dependencies"].value
        return node.value

    code = cst.Module(body=[]).code_for_node
    parts = [] if conda is None else [f"conda_file={code(value(conda))}"]
    default = image is None or image.facts.get("default_image")
    parts.append(f"image={code(ctx.default_image() if default else value(image))}")
    rc = finding.creates if isinstance(finding.rule, RunConfigurationRule) else finding.receiver
    name = finding.facts["environment_name"] = ctx.fresh(f"{rc.name}_environment")
    cls = ctx.need("azure.ai.ml.entities", "Environment")
    return cst.Assign(targets=[cst.AssignTarget(target=cst.Name(name))],
                      value=cst.parse_expression(f"{cls}({', '.join(parts)})"))


class RunConfigurationSetting(Rule):
    """A setting written on a `RunConfiguration` (`rc.environment = env`, `rc.target = ...`).

    ## Why
    v2 has no RunConfiguration object to configure: each setting is an argument of the
    `command(...)` that used the configuration.

    ## Migration
    `environment` -> `environment=`; `environment.python.conda_dependencies` and
    `environment.docker.base_image` -> `environment=Environment(conda_file=..., image=...)`
    (v1's default image when no base image is set); `target` -> `compute=` (v1 used it
    only for a step without `compute_target`); `node_count` -> `instance_count=`;
    `environment_variables` -> `environment_variables=`. `environment.docker.enabled = True`,
    `environment.python.user_managed_dependencies` and `docker =
    DockerConfiguration(use_docker=True)` go away: v2 always runs in a container, and builds
    a conda environment exactly when it is given a conda file. Other docker settings become
    `shm_size=` / `docker_args=`.

    ## Fix safety
    Removed by the whole-file migration when its RunConfiguration is folded into a
    pipeline step (AML220): a plain assignment of a literal or a variable (an Environment or
    CondaDependencies made in this file for the environment; `CondaDependencies.create(...)`
    may be written in place). Other values and settings are migrated by hand.
    """

    code = "AML221"
    name = "run-configuration-setting"
    on = "assign"
    statement_fix = True
    # `rc.environment.python.X` / `rc.environment.docker.X` reach the section classes
    # through analysis.v1_names.BASES.
    symbols = (
        *(f"{RUN_CONFIGURATION}.{a}" for a in ("environment", "target", "node_count", "environment_variables",
                                                "docker")),
        "azureml.core.environment.PythonSection.conda_dependencies",
        "azureml.core.environment.PythonSection.user_managed_dependencies",
        "azureml.core.environment.DockerSection.base_image",
        "azureml.core.environment.DockerSection.enabled",
    )
    message = "`{symbol}` is SDK v1; pass the setting to the `command(...)` that uses the configuration"
    v2 = "command(..., environment=env, compute=..., instance_count=...)"
    url = DOCS["command"]
    safety = SAFE
    before = RC_BEFORE
    after = RC_AFTER

    def check(self, site):
        stmt = site.stmt
        prefix = RUN_CONFIGURATION + "."
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
            return Check(MANUAL, "only a plain assignment can be rewritten")
        if not site.symbol.startswith(prefix) or site.tracked_receiver(RunConfigurationRule) is None:
            return Check(MANUAL, "cannot tell which RunConfiguration this is")
        setting = site.symbol[len(prefix):]
        facts = {"setting": setting, "sole": site.sole()}
        problem = self._value(site, setting, stmt.value, facts)
        if problem:
            facts["why"] = problem
            return Check(MANUAL, problem, facts=facts)
        return Check(self.safety, facts=facts)

    @staticmethod
    def _value(site, setting: str, value, facts) -> str | None:
        ok, constant = literal(value)
        if setting == "environment":
            return _value_problem(site, value, _ENVIRONMENT, setting)
        if setting == "environment.python.conda_dependencies":
            return _value_problem(site, value, _CONDA, "conda_dependencies")
        if setting == "environment.docker.base_image":
            if _imported_v1_name(site, value).endswith(".DEFAULT_CPU_IMAGE"):
                facts["default_image"] = True  # v1's default image, which the fix names
            elif not (ok and isinstance(constant, str)) and not _plain_variable(site, value):
                return "`base_image` must be a string, a variable or `DEFAULT_CPU_IMAGE`"
            return None
        if setting == "environment.docker.enabled":
            return None if ok and constant is True else "v2 always runs in a container"
        if setting == "environment.python.user_managed_dependencies":
            facts["user_managed"] = constant
            return None if ok and isinstance(constant, bool) else "`user_managed_dependencies` must be True or False"
        if setting == "docker":
            inline = site.inline(value)
            call_ok = (isinstance(value, ast.Call) and not value.args and len(value.keywords) == 1
                       and value.keywords[0].arg == "use_docker" and literal(value.keywords[0].value) == (True, True))
            if inline is None or inline.symbol != "azureml.core.runconfig.DockerConfiguration" or not call_ok:
                return ("a DockerConfiguration becomes `shm_size=` / `docker_args=` of `command(...)`; only "
                        "`DockerConfiguration(use_docker=True)` is dropped automatically")
            site.absorb(inline)
            return None
        if setting == "target":
            facts["compute_mode"] = compute_mode(site, value)
            return "`target` must be a compute name or a compute object" if facts["compute_mode"] == "pass" else None
        if setting == "node_count":
            good = ok and type(constant) is int and constant >= 1
            return None if good else "`node_count` must be a literal number"
        if setting == "environment_variables":
            good = (ok and isinstance(constant, dict)) or _plain_variable(site, value)
            return None if good else "`environment_variables` must be a dict or a variable"
        return "migrated by hand"

    def fix(self, node, ctx):
        if ctx.copying:
            return node  # read for its value (run_configuration_arguments, _environment_statement)
        if ctx.finding.facts.get("builds_environment"):
            return _environment_statement(node, ctx)
        return remove_statement(ctx)


RULES = [
    ExperimentConstructor, ExperimentName, ScriptRunConfigRule, RunConfigAttribute, ExperimentSubmit,
    GetPortalUrl, WaitForCompletion, RunId, GetStatus, GetMetrics, RunConfigurationRule, RunConfigurationSetting,
    RunDetailsWidget, RunDetailsShow, RunLookup, RunLookupAttribute, RunFiles, StartLogging,
]

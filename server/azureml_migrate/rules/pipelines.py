"""Pipelines (AML830-AML849): `Pipeline` + steps -> a `@pipeline` function of command nodes.

A v1 pipeline is a graph built from objects (`PythonScriptStep`, `PipelineData`,
`Pipeline(ws, steps=[...])`); a v2 pipeline is a Python function decorated with
`azure.ai.ml.dsl.pipeline` whose body calls one component per step and wires outputs to
inputs.  The whole-file migration rewrites the common shape (script steps joined by
`PipelineData`): each step becomes a `command(...)` builder, the `PipelineData` becomes
the producer's output and the consumer's input, and `Pipeline(...)` becomes the function
plus a call to it.  Everything else is explained argument by argument and left to the user.
"""

from __future__ import annotations

import ast
import json
import keyword
import re
import shlex

from ..fixes.lazy import cst

from ..astutil import literal, walk
from ..fixes.calls import assignment_line, keyword_arg, rebuild_call
from .base import LEARN, MANUAL, SAFE, UNSAFE, BindingSpec, Check, Rule, remove_statement
from .jobs import (RUN_CONFIGURATION, RunConfigurationRule, ScriptRunConfigRule, changed_between, compute_keyword,
                   compute_mode, run_configuration_arguments)
from .parallel import PARALLEL_STEP, ParallelRunStepRule

URL = LEARN + "migrate-to-v2-execution-pipeline"
ENDPOINTS_URL = LEARN + "migrate-to-v2-deploy-pipelines"
PC = "azureml.pipeline.core"
PS = "azureml.pipeline.steps"
PIPELINE = f"{PC}.Pipeline"
PIPELINE_DATA = f"{PC}.PipelineData"
PIPELINE_PARAMETER = f"{PC}.PipelineParameter"
PIPELINE_RUN = f"{PC}.PipelineRun"
STEP_RUN = f"{PC}.StepRun"
SCRIPT_STEP = f"{PS}.PythonScriptStep"

PIPELINE_PARAMS = ("workspace", "steps", "description", "default_datastore", "default_source_directory",
                   "resolve_closure")
SCRIPT_STEP_PARAMS = ("script_name", "name", "arguments", "compute_target", "runconfig",
                      "runconfig_pipeline_params", "inputs", "outputs", "params", "source_directory",
                      "allow_reuse", "version", "hash_paths")
COMMAND_STEP_PARAMS = ("command", "name", "compute_target", "runconfig", "runconfig_pipeline_params", "inputs",
                       "outputs", "params", "source_directory", "allow_reuse", "version")
PIPELINE_DATA_PARAMS = ("name", "datastore", "output_name", "output_mode", "output_path_on_compute",
                        "output_overwrite", "data_type", "is_directory", "pipeline_output_name", "training_output")
SUBMIT_PARAMS = ("experiment_name", "pipeline_parameters", "continue_on_step_failure", "regenerate_outputs",
                 "parent_run_id", "credential_passthrough")
# Every step class except the ones with a rule of their own (script/command steps here,
# HyperDriveStep in sweep.py, ParallelRunStep in parallel.py, AutoMLStep in automl.py).
OTHER_STEPS = {
    "MpiStep": "a `command(...)` node with `distribution=MpiDistribution(process_count_per_instance="
               "<process_count_per_node>)` and `instance_count=<node_count>`",
    "EstimatorStep": "a `command(...)` node built from the estimator's script, arguments, compute and environment",
    "RScriptStep": "a `command(command=\"Rscript <script_name> ...\", ...)` node; CRAN/GitHub packages go into "
                   "the node's Environment",
    "SynapseSparkStep": "an `azure.ai.ml.spark(...)` node",
    "ModuleStep": "a command component loaded with `load_component(source=...)` and called as a node",
    "AdlaStep": "nothing in v2 (Data Lake Analytics is not supported); run the U-SQL elsewhere",
    "AzureBatchStep": "nothing in v2; run the batch work from a `command(...)` node",
    "DataTransferStep": "a data-transfer component (`azure.ai.ml.data_transfer.copy_data(...)`) or a `command` node",
    "DatabricksStep": "nothing in v2; call Databricks from a `command(...)` node or orchestrate from Databricks",
    "KustoStep": "nothing in v2; query Kusto from a `command(...)` node",
}


def node_name(text: str) -> str | None:
    """A v1 step name as a v2 node name (`^[a-z_][a-z0-9_]*$`), or None if nothing is left."""
    name = re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")
    if not name:
        return None
    if name[0].isdigit() or keyword.iskeyword(name):
        name = "_" + name
    return name


# v2 input and output names (azure-ai-ml's IOConstants.VALID_KEY_PATTERN without the dots).
IO_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _pipeline_data_of(site, expr: ast.expr | None):
    """The PipelineData binding `expr` names, if its creation is migrated by AML833."""
    b = site.binding(expr)
    if b is None or b.kind != PIPELINE_DATA or b.creator is None or not isinstance(b.creator.rule, PipelineDataRule):
        return None
    return b


_DATASETS = ("azureml.core.Dataset", "azureml.data.FileDataset", "azureml.data.TabularDataset",
             "azureml.data.abstract_dataset.AbstractDataset",  # what Dataset.get_by_name returns
             "azureml.data.dataset_consumption_config.DatasetConsumptionConfig")
_STORAGE = ("azureml.data.data_reference.DataReference", "azureml.data.datapath.DataPath",
            "azureml.data.azure_storage_datastore.AzureBlobDatastore.path")


def _quoted(site, expr: ast.expr) -> str:
    """`expr` in backquotes for a message, shortened when long."""
    text = " ".join(site.source(expr).split())
    return f"`{text}`" if len(text) <= 40 else f"`{text[:37]}...`"


def _data_hint(site, expr: ast.expr, otherwise: str | None) -> str | None:
    """What a step's data argument that is not a PipelineData of this file becomes in v2;
    `otherwise` when it is not recognisably data (with the expression named in front)."""
    # The outermost part of `ds.as_named_input("x").as_mount()` that analysis knows.
    node = expr
    while True:
        b, inline = site.binding(node), site.inline(node)
        symbol = b.kind if b is not None else inline.symbol if inline is not None else ""
        if symbol:
            break
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            node = node.func.value
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            break
    shown = _quoted(site, expr)
    if node is not expr and symbol == PIPELINE_DATA:
        symbol += ".<method>"  # read through a method: a consumption form
    if node is expr and b is not None and b.kind == PIPELINE_DATA:
        if b.creator is not None and b.creator.safety is None:
            return f"{shown}: the PipelineData on line {b.creator.span.line} is migrated by hand"
        return f"{shown}: only PipelineData made in this file is rewritten"
    if symbol.startswith(PIPELINE_DATA + "."):
        return (f"{shown}: pass `producer.outputs.<name>` to an `Input(type=\"uri_folder\", mode=...)` of the node "
                "by hand (AML834)")
    if symbol.startswith(_DATASETS):
        return (f"{shown} is a dataset: make it an `Input(type=\"uri_folder\", path=...)` (`\"mltable\"` for a "
                "tabular dataset) parameter of the pipeline function, passed to the node and read as "
                "`${{inputs.<name>}}` in the command, by hand (AML528)")
    if symbol.startswith("azureml.data.OutputFileDatasetConfig"):
        return (f"{shown} is an OutputFileDatasetConfig: make it an `Output(type=\"uri_folder\")` of the producing "
                "node and pass `producer.outputs.<name>` on, by hand (AML530)")
    if symbol.startswith(_STORAGE):
        return (f"{shown} is a datastore path: make it an `Input(type=\"uri_folder\", "
                "path=\"azureml://datastores/<name>/paths/<path>\")` parameter of the pipeline function, by hand")
    return f"{shown}: {otherwise}" if otherwise else None


class PipelineRule(Rule):
    """A v1 pipeline: a workspace and a list of steps.

    ## Why
    SDK v2 defines a pipeline as a Python function decorated with
    `azure.ai.ml.dsl.pipeline`; calling the function returns a `PipelineJob`, which is
    submitted like any other job.

    ## Migration
    1. Turn each step into a component: a `command(...)` (AML831) with `inputs={...}` and
       `outputs={...}` and `${{inputs.x}}` / `${{outputs.y}}` in its command string.
    2. Write `@dsl.pipeline(description=...)` above a function whose body calls the
       components in data order, passing `producer.outputs.y` to the consumer's input.
    3. `pipeline_job = my_pipeline()`, then
       `ml_client.jobs.create_or_update(pipeline_job, experiment_name=...)`.
    `workspace` is dropped (the client decides); `description` stays; `default_datastore`
    becomes the decorator's `default_datastore=`; `default_source_directory` becomes each
    node's `code`. Node names must match `^[a-z_][a-z0-9_]*$`: the v1 step name is turned
    into one (`"Prep data"` -> `prep_data`).

    ## Fix safety
    The whole-file migration rewrites `pipeline = Pipeline(ws, steps=[a, b])` when every
    step is a `PythonScriptStep` rewritten by AML831 or a `ParallelRunStep` rewritten by
    AML851, and every `PipelineData` it reads is written by a listed step: the steps become
    `command(...)` / `parallel_run_function(...)` builders and the pipeline a
    `@dsl.pipeline` function calling them in data order. `steps` may also be a variable
    assigned a `[...]` list earlier in the same block, which nothing else reads before it
    is assigned again (the list stays, holding the builders). The `PipelineParameter`s the
    steps read (AML835) become the function's parameters, with their v1 names and
    defaults, passed to the nodes that read them. Its safety is the steps' and parameters'
    (unsafe when a step relied on v1's default environment, see AML831). Other shapes are
    migrated by hand.
    """

    code = "AML830"
    name = "pipeline"
    symbols = (PIPELINE,)
    message = ("`Pipeline` is SDK v1; define a function decorated with `@azure.ai.ml.dsl.pipeline` that calls one "
               "component per step")
    v2 = "@pipeline(default_compute=...) def my_pipeline(...): ...; pipeline_job = my_pipeline(...)"
    url = URL
    safety = SAFE
    statement_fix = True
    creates = BindingSpec(PIPELINE)
    params = PIPELINE_PARAMS
    before = """\
from azureml.core import Experiment, Workspace
from azureml.pipeline.core import Pipeline, PipelineData
from azureml.pipeline.steps import PythonScriptStep

ws = Workspace.from_config()
prepped = PipelineData("prepped", datastore=ws.get_default_datastore())
prep = PythonScriptStep(name="prep", script_name="prep.py", arguments=["--out", prepped], outputs=[prepped],
                        compute_target="cpu-cluster", source_directory="src")
train = PythonScriptStep(name="train", script_name="train.py", arguments=["--data", prepped], inputs=[prepped],
                         compute_target="cpu-cluster", source_directory="src")
pipeline = Pipeline(workspace=ws, steps=[prep, train])
run = Experiment(ws, "pipelines").submit(pipeline)
"""
    after = """\
from azure.ai.ml import Input, MLClient, Output, command, dsl
from azure.ai.ml.entities import Environment
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
prep = command(command="python prep.py --out ${{outputs.prepped}}", outputs={"prepped": Output(type="uri_folder")},
               compute="cpu-cluster", code="src", environment=Environment(image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1"))
train = command(command="python train.py --data ${{inputs.prepped}}", inputs={"prepped": Input(type="uri_folder")},
                compute="cpu-cluster", code="src", environment=Environment(image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1"))

@dsl.pipeline()
def pipeline_func():
    prep_node = prep()
    train_node = train(prepped=prep_node.outputs.prepped)

pipeline = pipeline_func()
run = ml_client.jobs.create_or_update(pipeline, experiment_name="pipelines")
"""

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        steps, problem = self._steps_list(site, site.arg(1, "steps"))
        notes = [f"{len(steps.elts)} step(s) become node calls in the function body"] if steps is not None else []
        by_hand = [note for name, note in (
            ("default_datastore", "`default_datastore` -> `@pipeline(default_datastore=...)`"),
            ("default_source_directory", "`default_source_directory` -> each node's `code=`"),
            ("resolve_closure", "`resolve_closure`: v2 runs exactly the nodes the function calls"),
        ) if site.arg(self.params.index(name), name) is not None]
        if by_hand:
            return Check(MANUAL, "; ".join(notes + by_hand))
        if site.assigned_name() is None or not site.alone_on_line():
            return Check(MANUAL, "; ".join(notes + ["only `name = Pipeline(...)` on its own line is rewritten"]))
        if problem is None:
            problem, facts = self._graph(site, steps)
        if problem:
            return Check(MANUAL, "; ".join(notes + [problem]))
        description = site.arg(2, "description")
        ok, value = literal(description)
        if description is not None and not (ok and isinstance(value, str)):
            return Check(MANUAL, "; ".join(notes + ["`description` must be a literal"]))
        facts["description"] = value if description is not None else None
        site.consume(site.arg(0, "workspace"))  # v2 pipelines do not name a workspace
        unsafe = [str(step.span.line) for step, *_ in facts["nodes"] if step.safety == UNSAFE]
        unsafe += [str(p.creator.span.line) for p in facts.pop("parameters") if p.creator.safety == UNSAFE]
        note = f"unsafe like the line(s) {', '.join(unsafe)}" if unsafe else ""
        return Check(UNSAFE if unsafe else SAFE, note, facts=facts)

    @staticmethod
    def _steps_list(site, steps):
        """The `[...]` literal of the steps, given in the call or in a variable assigned it
        earlier in the same block and read by nothing else; or (None, why not)."""
        if isinstance(steps, (ast.List, ast.Tuple)):
            return (steps, None) if steps.elts else (None, "`steps` is empty")
        shape = "`steps` must be a list of step variables"
        if not isinstance(steps, ast.Name) or site.binding(steps) is not None:
            return None, shape
        name = steps.id
        scope = site.analyzer.scope
        if scope.kind not in ("module", "function") or name in scope.globals:
            return None, f"{shape}, or a variable of the same function or module assigned one"
        block, index = site.analyzer.block_of.get(id(site.stmt), (None, -1))
        at = next((i for i in range(index - 1, -1, -1) if _assigns(block[i], name)), None) if block else None
        if at is None:
            return None, f"{shape}, or a variable assigned `[...]` earlier in the same block"
        if not isinstance(block[at].value, (ast.List, ast.Tuple)) or not block[at].value.elts:
            return None, (f"`{name}` on line {block[at].lineno} is not a `[...]` list of step variables: v2 calls "
                          "each node in the pipeline function, so the steps must be known")
        assign = block[at]
        # Read by nothing else: the fix turns the steps into builders the list would then hold.
        line = _other_reader(site, scope, block, at, index, steps)
        if line is not None:
            return None, f"`{name}` is also used on line {line}; only a list read by this call alone is followed"
        changed = changed_between(assign.value, block[at + 1:index])
        if changed:
            return None, f"`{changed}` changes between the list on line {assign.lineno} and the pipeline"
        return assign.value, None

    @staticmethod
    def _graph(site, steps):
        """Nodes in data order: (step finding, node name, {input key: producer node}); or why not."""
        found = []
        for element in steps.elts:
            b = site.binding(element)
            if b is None or b.kind not in (SCRIPT_STEP, PARALLEL_STEP) or b.creator is None \
                    or not isinstance(b.creator.rule, (ScriptStep, ParallelRunStepRule)):
                text = _quoted(site, element)
                kind = b.kind.rsplit(".", 1)[1] if b is not None else None
                what = f"{text} is a{'n' if kind and kind[0] in 'AEIOU' else ''} `{kind}`" if kind \
                    else f"{text} is not a step variable made in this file"
                return f"{what}: only PythonScriptStep and ParallelRunStep variables made in this file are rewritten", {}
            if b.creator.safety is None:
                return f"the step on line {b.creator.span.line} is migrated by hand", {}
            found.append((element, b))
        producers = {}
        for _, b in found:
            for key, data in b.creator.facts["outputs"]:
                producers[id(data)] = b
        for _, b in found:
            for key, data in b.creator.facts["inputs"]:
                if id(data) not in producers:
                    return (f"`{data.name}` is read by a step but written by none of the listed steps "
                            "(list every step: v2 has no implicit closure)"), {}
        # Kahn's algorithm, keeping the user's order among ready steps.
        order, done = [], set()
        while len(order) < len(found):
            ready = [b for _, b in found if id(b) not in done and all(
                id(producers[id(data)]) in done or producers[id(data)] is b for _, data in b.creator.facts["inputs"])]
            if not ready:
                return "the steps' data dependencies form a cycle", {}
            order.append(ready[0])
            done.add(id(ready[0]))
        # The PipelineParameters the steps read become the function's parameters, by v1 name.
        parameters: dict[str, object] = {}
        for b in order:
            for key, param in b.creator.facts.get("params", ()):
                other = next((p for k, p in parameters.items() if k.lower() == key.lower()), None)
                if other is not None and other is not param:
                    first, second = sorted((other.creator.span.line, param.creator.span.line))
                    return f"the PipelineParameters on lines {first} and {second} have the same name", {}
                parameters[key] = param
        step_vars = {b.name for b in order}
        shadowed = sorted(step_vars & set(parameters))
        if shadowed:
            return (f"the pipeline parameter `{shadowed[0]}` would hide the step variable of the same name in the "
                    "pipeline function; rename the variable"), {}
        names: dict[int, str] = {}
        for b in order:
            name = b.creator.facts.get("node") or node_name(b.name) or "step"
            while name in step_vars or name in names.values() or name in parameters:
                name += "_node"
            names[id(b)] = name
        nodes = []
        for b in order:
            wiring = [(key, names[id(producers[id(data)])], key) for key, data in b.creator.facts["inputs"]]
            keys = [key for key, _ in b.creator.facts.get("params", ())]
            nodes.append((b.creator, names[id(b)], b, wiring, keys))
        for element, b in found:
            site.consume(element)
            site.require(b)
        params = [(key, _python_literal(p.creator.facts["default"])) for key, p in parameters.items()]
        return None, {"nodes": nodes, "params": params, "parameters": list(parameters.values())}

    def fix(self, node, ctx):
        facts = ctx.finding.facts
        target = node.targets[0].target.value if isinstance(node, cst.Assign) else node.target.value
        func = ctx.fresh(f"{target}_func" if not target.endswith("_func") else f"{target}_definition")
        dsl = ctx.need("azure.ai.ml", "dsl")
        args = "" if facts["description"] is None else f"description={_string(facts['description'])}"
        body = []
        for _, name, step, wiring, keys in facts["nodes"]:
            inputs = [f"{key}={producer}.outputs.{out}" for key, producer, out in wiring]
            inputs += [f"{key}={key}" for key in keys]  # the function's parameter of that name
            body.append(f"    {name} = {ctx.name_of(step)}({', '.join(inputs)})\n")
        signature = ", ".join(f"{key}={default}" for key, default in facts["params"])
        code = f"@{dsl}.pipeline({args})\ndef {func}({signature}):\n" + "".join(body)
        # A blank line around the definition, as around any function (PEP 8 asks two at top level).
        definition = cst.parse_statement(code).with_changes(leading_lines=[cst.EmptyLine()])
        call = assignment_line(node, cst.parse_expression(f"{func}()"), leading_lines=[cst.EmptyLine()])
        return cst.FlattenSentinel([definition, call])


def _assigns(stmt: ast.stmt, name: str) -> bool:
    """`stmt` is `name = ...` (one plain target)."""
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
        and stmt.targets[0].id == name


def _other_reader(site, scope, block: list[ast.stmt], at: int, index: int, use: ast.Name) -> int | None:
    """The line of a use of the value `block[at]` assigns to `use.id`, other than `use` in
    `block[index]`; None when there is none.

    In the function's or module's own body, later statements see the value until the
    next plain reassignment (notebooks reuse `steps = [...]` for every pipeline); code that
    runs later (functions, lambdas, class bodies defined earlier) may see it at any time.
    In a nested block, which a loop may run again, any other use of the name counts.
    (At module level that reads the whole file: a tracked read, see Analyzer.tree.)"""
    name, analyzer = use.id, site.analyzer
    where = analyzer.tree if scope.kind == "module" else scope.node
    if block is not getattr(where, "body", None):
        for node, _ in analyzer.naming_nodes(where):
            if node is not use and node is not block[at].targets[0] and _names(node, name):
                return getattr(node, "lineno", block[index].lineno)
        return None
    kill = next((k for k in range(index + 1, len(block))
                 if _assigns(block[k], name) and name not in analyzer.names_in(block[k].value)), len(block))
    for i, stmt in enumerate(block[:kill]):
        if i == at or name not in analyzer.names_in(stmt):
            continue
        for node in walk(stmt):
            if i < at and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                found = next((n for n in walk(node) if n is not node and _names(n, name)), None)
            elif i > at and node is not use and _names(node, name):
                found = node
            else:
                continue
            if found is not None:
                return getattr(found, "lineno", stmt.lineno)
    return None


def _names(node: ast.AST, name: str) -> bool:
    """`node` reads, binds or declares `name`."""
    if isinstance(node, ast.Name):
        return node.id == name
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name == name
    if isinstance(node, ast.arg):
        return node.arg == name
    if isinstance(node, ast.alias):
        return (node.asname or node.name.split(".")[0]) == name
    if isinstance(node, ast.ExceptHandler):
        return node.name == name
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return name in node.names
    return False


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


class _Step(Rule):
    params: tuple[str, ...] = ()

    def check(self, site):
        notes = []
        renames = {
            "name": "`name` -> the node's variable name (letters, digits and `_` only)",
            "arguments": "`arguments` -> the command string, with `${{inputs.<x>}}` / `${{outputs.<y>}}` for data",
            "compute_target": "`compute_target` -> `compute=` (a name)",
            "runconfig": "`runconfig` -> `environment=` (and `instance_count=`) of the command",
            "inputs": "`inputs` (list) -> `inputs={name: Input(...)}`",
            "outputs": "`outputs` (list) -> `outputs={name: Output(type=\"uri_folder\")}`",
            "params": "`params` -> `environment_variables={\"AML_PARAMETER_<k>\": v}` (v1 set those variables)",
            "source_directory": "`source_directory` -> `code=`",
            "runconfig_pipeline_params": "`runconfig_pipeline_params` has no v2 equivalent",
            "version": "`version` has no v2 equivalent",
            "hash_paths": "`hash_paths` is gone (v2 hashes the whole `code` folder)",
        }
        for i, p in enumerate(self.params):
            if p in renames and site.arg(i, p) is not None:
                notes.append(renames[p])
        reuse = site.arg(self.params.index("allow_reuse"), "allow_reuse")
        if reuse is not None:
            ok, value = literal(reuse)
            notes.append("`allow_reuse=False` -> `is_deterministic=False`" if ok and value is False
                         else "`allow_reuse` -> `is_deterministic`")
        return Check(MANUAL, "; ".join(notes))


class ScriptStep(_Step):
    """A step that runs a Python script (`PythonScriptStep`).

    ## Migration
    A `command(...)` component called inside the `@pipeline` function:
    `script_name` + `arguments` -> `command="python <script_name> ..."` (data arguments
    become `${{inputs.<name>}}` / `${{outputs.<name>}}`); `source_directory` -> `code`;
    `compute_target` -> `compute`; `runconfig` -> its settings as arguments (AML220:
    `environment=`, `instance_count=`, ...);
    the `inputs`/`outputs` lists -> `inputs={...}` / `outputs={...}` dicts;
    `allow_reuse` -> `is_deterministic`; `params` -> environment variables
    `AML_PARAMETER_<name>` (v1 exposed them so), so the script runs unchanged; `name` ->
    the node's name in the pipeline function.

    ## Fix safety
    Rewritten with its pipeline (AML830) when it has a literal script, a compute (its own,
    or its RunConfiguration's `target`), only literal arguments, `PipelineData` and
    `PipelineParameter`s made in this file (a parameter becomes an input of the node,
    `${{inputs.<name>}}` in the command, with the v1 default as its value), and either
    no `runconfig` or a RunConfiguration made in this file that the whole-file migration
    folds into the command (AML220, AML221). Unsafe without an
    environment: v1 ran the step in its default environment, and the fix names v1's default
    image (without the `azureml-defaults` packages v1 added). `params`, `hash_paths` and the
    other parameters are migrated by hand.
    """

    code = "AML831"
    name = "python-script-step"
    symbols = (SCRIPT_STEP,)
    message = "`PythonScriptStep` is SDK v1; make the step a `command(...)` component called in a `@pipeline` function"
    v2 = 'command(code=..., command="python script.py --x ${{inputs.x}}", inputs={...}, outputs={...}, environment=..., compute=...)'
    url = URL
    safety = UNSAFE
    creates = BindingSpec(SCRIPT_STEP)
    params = SCRIPT_STEP_PARAMS
    before = PipelineRule.before
    after = PipelineRule.after
    rewritable = ("script_name", "name", "arguments", "compute_target", "runconfig", "inputs", "outputs",
                  "source_directory", "allow_reuse")

    def check(self, site):
        guidance = super().check(site)
        if site.has_star_args():
            return guidance

        def manual(why: str) -> Check:
            return Check(MANUAL, "; ".join(x for x in (guidance.note, why) if x))

        given = {p: site.arg(i, p) for i, p in enumerate(self.params) if site.arg(i, p) is not None}
        other = [p for p in given if p not in self.rewritable]
        if other:
            return manual(f"{', '.join(f'`{p}`' for p in other)}: migrated by hand")
        if site.assigned_name() is None:
            return manual("only `step = PythonScriptStep(...)` is rewritten")
        ok, script = literal(given.get("script_name"))
        if not ok or not isinstance(script, str):
            return manual("`script_name` must be a literal")
        declared: dict[int, tuple[str, str]] = {}
        data: dict[str, list] = {"inputs": [], "outputs": []}
        for which in ("inputs", "outputs"):
            expr = given.get(which)
            if expr is None:
                continue
            if not isinstance(expr, (ast.List, ast.Tuple)):
                return manual(f"`{which}` must be a list")
            for element in expr.elts:
                b = _pipeline_data_of(site, element)
                if b is None or b.creator.safety is None:
                    return manual(_data_hint(site, element, (
                        f"only PipelineData made in this file are rewritten as {which} (a dataset or datastore path "
                        "becomes an `Input(...)` parameter of the pipeline function, another step's output "
                        "`producer.outputs.<name>`; wire it by hand)")))
                key = b.creator.facts["key"]
                if id(b) in declared or key.lower() in {k.lower() for _, k in declared.values()}:
                    return manual(f"`{b.name}` is declared twice")
                declared[id(b)] = (which, key)
                data[which].append((key, b))
                site.consume(element)
                site.require(b)
        parts = [("text", "python " + shlex.quote(script))]
        parameters: dict[int, tuple[str, object]] = {}  # PipelineParameters read: id -> (input key, binding)
        arguments = given.get("arguments")
        if arguments is not None:
            if not isinstance(arguments, (ast.List, ast.Tuple)):
                return manual("`arguments` must be a list")
            for element in arguments.elts:
                b = site.binding(element)
                if b is not None and b.kind == PIPELINE_PARAMETER:
                    # A node input bound to the pipeline function's parameter of the same name.
                    if b.creator is None or not isinstance(b.creator.rule, PipelineParameterRule):
                        return manual(f"`{b.name}` must be a PipelineParameter made in this file")
                    if b.creator.safety is None:
                        return manual(f"the PipelineParameter on line {b.creator.span.line} is migrated by hand")
                    key = b.creator.facts["key"]
                    if id(b) not in parameters:
                        taken = {k.lower() for _, k in declared.values()} | {k.lower() for k, _ in parameters.values()}
                        if key.lower() in taken:
                            return manual(f"the input name `{key}` of `{b.name}` is taken by another input or output "
                                          "of the step")
                        parameters[id(b)] = (key, b)
                    parts.append(("text", " ${{inputs." + key + "}}"))
                    site.consume(element)
                    site.require(b)
                    continue
                if b is not None and b.kind == PIPELINE_DATA:
                    if id(b) not in declared:
                        return manual(f"`{b.name}` is in `arguments` but not in `inputs` or `outputs`")
                    which, key = declared[id(b)]
                    parts.append(("text", " ${{%s.%s}}" % (which, key)))
                    site.consume(element)
                    continue
                ok, value = literal(element)
                if ok and not isinstance(value, (list, dict, tuple, set)):
                    parts.append(("text", " " + shlex.quote(str(value))))
                elif isinstance(element, (ast.Name, ast.Attribute)) and b is None and "{" not in site.source(element):
                    parts += [("text", " "), ("expr", site.source(element))]
                else:
                    return manual(_data_hint(site, element, "only literal arguments, variables, PipelineData and "
                                                            "PipelineParameters are rewritten"))
        runconfig = None
        if "runconfig" in given:
            # Its settings become arguments of the command (RunConfigurationRule.plan).
            runconfig = site.binding(given["runconfig"])
            if runconfig is None or runconfig.kind != RUN_CONFIGURATION or runconfig.creator is None \
                    or not isinstance(runconfig.creator.rule, RunConfigurationRule):
                return manual("`runconfig` must be a RunConfiguration variable made in this file")
            if runconfig.creator.safety is None:
                return manual(f"the RunConfiguration on line {runconfig.creator.span.line} is migrated by hand")
            site.consume(given["runconfig"])
            site.require(runconfig)
        compute = given.get("compute_target")
        mode = None  # v1 then used the RunConfiguration's `target` (planning checks there is one)
        if compute is not None:
            mode = compute_mode(site, compute)
            if mode == "pass":
                return manual("`compute_target` must be a compute name or a compute object made in this file")
        elif runconfig is None:
            return manual("v2 nodes need `compute=`: give the step a `compute_target`")
        reuse = given.get("allow_reuse")
        ok, value = literal(reuse)
        if reuse is not None and not (ok and isinstance(value, bool)):
            return manual("`allow_reuse` must be a literal True or False")
        facts: dict = {"parts": parts, "inputs": data["inputs"], "outputs": data["outputs"], "compute": mode,
                       "runconfig": runconfig, "params": list(parameters.values()), "inputs_given": "inputs" in given}
        name = given.get("name")
        if name is not None:
            ok, value = literal(name)
            if not ok or not isinstance(value, str) or node_name(value) is None:
                return manual("`name` must be a literal")
            facts["node"] = node_name(value)
            if facts["node"] != value:
                facts["display_name"] = value
        notes = []
        if runconfig is None:
            notes.append("no `runconfig`: v1 ran the step in its default environment; the fix names v1's default image")
        if any(kind == "expr" for kind, _ in parts):
            notes.append("variables in `arguments` are interpolated without shell quoting")
        return Check(UNSAFE if notes else SAFE, "; ".join(notes), facts=facts)

    def fix(self, node, ctx):
        facts = ctx.finding.facts
        command_expr = ScriptRunConfigRule._command_expr(facts["parts"], '"')

        def items(which: str, cls: str) -> list[str]:
            out = [f'"{key}": {ctx.need("azure.ai.ml", cls)}(type="uri_folder")' for key, _ in facts[which]]
            if which == "inputs":
                # The parameter's default, so the builder also runs outside the pipeline (the
                # pipeline function binds the input to its own parameter).
                out += [f'"{key}": {_python_literal(b.creator.facts["default"])}' for key, b in facts.get("params", ())]
            return out

        def data(which: str, cls: str):
            def build(arg):
                return keyword_arg(which, cst.parse_expression("{" + ", ".join(items(which, cls)) + "}"), arg)
            return build

        def compute(arg):
            return compute_keyword(arg, facts["compute"])

        def display_name(arg):
            return keyword_arg("display_name", arg.value, arg) if "display_name" in facts else None

        mapping = {
            "script_name": lambda a: keyword_arg("command", command_expr, a),
            "name": display_name,
            "arguments": None,
            "compute_target": compute,
            "inputs": data("inputs", "Input"),
            "outputs": data("outputs", "Output"),
            "source_directory": "code",
            "allow_reuse": "is_deterministic",
        }
        append = []
        if facts.get("params") and not facts["inputs_given"]:  # no v1 `inputs` list to turn into the dict
            append.append(keyword_arg("inputs", cst.parse_expression("{" + ", ".join(items("inputs", "Input")) + "}")))
        if facts["runconfig"] is not None:
            mapping["runconfig"] = None
            append += run_configuration_arguments(ctx, facts)
        else:
            env_cls = ctx.need("azure.ai.ml.entities", "Environment")
            append.append(
                keyword_arg("environment", cst.parse_expression(f"{env_cls}(image={ctx.default_image().value})")))
        return rebuild_call(node, cst.Name(ctx.need("azure.ai.ml", "command")), SCRIPT_STEP_PARAMS, mapping,
                            append=append)


class CommandStepRule(_Step):
    """A step that runs a command line (`CommandStep`).

    ## Migration
    A `command(command=..., ...)` component called inside the `@pipeline` function; the
    other parameters map as for `PythonScriptStep` (AML831).

    ## Fix safety
    No automatic fix: pipelines are migrated as a whole, by hand.
    """

    code = "AML832"
    name = "command-step"
    symbols = (f"{PS}.CommandStep",)
    message = "`CommandStep` is SDK v1; make the step a `command(...)` component called in a `@pipeline` function"
    v2 = "command(command=..., code=..., inputs={...}, outputs={...}, environment=..., compute=...)"
    url = URL
    safety = MANUAL
    params = COMMAND_STEP_PARAMS


class PipelineDataRule(Rule):
    """Intermediate data passed from one step to the next.

    ## Migration
    An output of the producing node, `outputs={"<name>": Output(type="uri_folder")}`
    with `${{outputs.<name>}}` in its command; consumers take `producer.outputs.<name>`
    as an input. `output_mode="mount"` -> `mode="rw_mount"`, `"upload"` -> `mode="upload"`;
    a `datastore` other than the default -> `path="azureml://datastores/<ds>/paths/..."`;
    `pipeline_output_name` -> a key of the dict the pipeline function returns.

    ## Fix safety
    Removed by the whole-file migration when its steps and pipeline are rewritten
    (AML830, AML831): its name becomes the output and input keys. Only a literal name and
    the default datastore (v2 writes outputs there) are handled; other parameters are
    migrated by hand.
    """

    code = "AML833"
    name = "pipeline-data"
    symbols = (PIPELINE_DATA,)
    message = ("`PipelineData` is SDK v1; declare an `Output(type=\"uri_folder\")` on the producing node and pass "
               "`producer.outputs.<name>` to the consumer")
    v2 = 'outputs={"name": Output(type="uri_folder")}  # consumer: producer.outputs.name'
    url = URL
    safety = SAFE
    statement_fix = True
    creates = BindingSpec(PIPELINE_DATA, mode="delete")
    params = PIPELINE_DATA_PARAMS
    before = PipelineRule.before
    after = PipelineRule.after

    def check(self, site):
        from .data import DatastoreGetDefault

        notes = []
        mode = site.arg(3, "output_mode")
        ok, value = literal(mode)
        if ok and value in ("mount", "upload"):
            notes.append(f"`output_mode=\"{value}\"` -> `mode=\"{'rw_mount' if value == 'mount' else 'upload'}\"`")
        datastore = site.arg(1, "datastore")
        default_store = None
        if datastore is not None:
            b = site.binding(datastore)
            creator = b.creator if b is not None else site.inline(datastore)
            if creator is not None and isinstance(creator.rule, DatastoreGetDefault):
                default_store = creator
            else:
                notes.append("`datastore` -> `path=\"azureml://datastores/<name>/paths/...\"` unless it is the default")
        if site.arg(8, "pipeline_output_name") is not None:
            notes.append("`pipeline_output_name` -> a key of the dict the pipeline function returns")
        if site.arg(9, "training_output") is not None:
            notes.append("`training_output` -> an output of the sweep node")
        others = [p for i, p in enumerate(self.params) if p not in ("name", "datastore", "output_mode")
                  and site.arg(i, p) is not None]
        ok, key = literal(site.arg(0, "name"))
        if (others or (datastore is not None and default_store is None) or (mode is not None and value != "mount")
                or site.has_star_args() or not ok or not isinstance(key, str)
                or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key)
                or site.assigned_name() is None or not site.alone_on_line()):
            return Check(MANUAL, "; ".join(notes))
        if default_store is not None:
            if default_store is site.inline(datastore):
                site.absorb(default_store)
            else:
                site.consume(datastore)
        return Check(self.safety, facts={"key": key, "sole": site.sole()})

    def fix(self, node, ctx):
        return remove_statement(ctx)


class PipelineDataConsumption(Rule):
    """How a step reads `PipelineData` / `OutputFileDatasetConfig` (`as_input`, `as_mount`, ...).

    ## Migration
    Pass `producer.outputs.<name>` to the consumer node's input; the mode goes on the
    consumer's `Input(..., mode=...)`: `as_mount()` -> `"ro_mount"`, `as_download()` ->
    `"download"`. `as_dataset()` is not needed.

    ## Fix safety
    No automatic fix.
    """

    code = "AML834"
    name = "pipeline-data-consumption"
    symbols = tuple(f"{PIPELINE_DATA}.{m}" for m in ("as_input", "as_mount", "as_download", "as_dataset"))
    message = "`{symbol}()` is SDK v1; pass `producer.outputs.<name>` to the consuming node's input"
    v2 = "consumer(data=producer.outputs.name)"
    url = URL
    safety = MANUAL


class PipelineParameterRule(Rule):
    """A value the pipeline is called with (`PipelineParameter(name, default_value)`).

    ## Migration
    A parameter of the `@pipeline` function with the same name and default
    (`def my_pipeline(learning_rate=0.01)`), passed to each node that uses it as an input
    (`train(learning_rate=learning_rate)`, with `${{inputs.learning_rate}}` in the node's
    command); callers set it by calling the function (`my_pipeline(learning_rate=0.1)`);
    published pipelines take it as a batch endpoint input. A `DataPath` or dataset default
    becomes an `Input(...)` parameter of the function.

    ## Fix safety
    Removed by the whole-file migration when it is assigned to a variable that only the
    `arguments` of `PythonScriptStep`s rewritten with their pipeline read (AML830, AML831),
    its `name` is a literal valid as a v2 input name and its default a literal string or
    number. v1 passed `str(value)` as one argument; v2 writes the input into the command
    line: unsafe for a string that needs shell quoting, and for a float or bool (v2 sends
    a typed `number`/`boolean` that the service renders). Other defaults and other uses
    are migrated by hand.
    """

    code = "AML835"
    name = "pipeline-parameter"
    symbols = (PIPELINE_PARAMETER,)
    message = "`PipelineParameter` is SDK v1; make it a parameter of the `@pipeline` function"
    v2 = "def my_pipeline(name=default_value): ..."
    url = URL
    safety = SAFE
    statement_fix = True
    creates = BindingSpec(PIPELINE_PARAMETER, mode="delete")
    params = ("name", "default_value")
    before = """\
from azureml.core import Experiment, Workspace
from azureml.pipeline.core import Pipeline, PipelineParameter
from azureml.pipeline.steps import PythonScriptStep

ws = Workspace.from_config()
epochs = PipelineParameter(name="epochs", default_value=10)
train = PythonScriptStep(name="train", script_name="train.py", arguments=["--epochs", epochs],
                         compute_target="cpu-cluster", source_directory="src")
pipeline = Pipeline(workspace=ws, steps=[train])
run = Experiment(ws, "training").submit(pipeline)
"""
    after = """\
from azure.ai.ml import MLClient, command, dsl
from azure.ai.ml.entities import Environment
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
train = command(command="python train.py --epochs ${{inputs.epochs}}", compute="cpu-cluster", code="src", inputs={"epochs": 10}, environment=Environment(image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1"))

@dsl.pipeline()
def pipeline_func(epochs=10):
    train_node = train(epochs=epochs)

pipeline = pipeline_func()
run = ml_client.jobs.create_or_update(pipeline, experiment_name="training")
"""

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        ok, key = literal(site.arg(0, "name"))
        if not ok or not isinstance(key, str):
            return Check(MANUAL, "`name` must be a literal")
        if not IO_NAME.fullmatch(key) or keyword.iskeyword(key):
            return Check(MANUAL, f"`{key}` is not a valid v2 input name (letters, digits and `_`); rename it in "
                                 "the function and in the callers' `pipeline_parameters`")
        default = site.arg(1, "default_value")
        ok, value = literal(default)
        if not ok or not isinstance(value, (str, int, float)):
            data = ("a `DataPath` or dataset default becomes an `Input(type=\"uri_folder\", path=...)` parameter of "
                    "the function, by hand")
            if ok or default is None:
                return Check(MANUAL, f"only a string or number default is rewritten; {data}")
            return Check(MANUAL, f"the default {_quoted(site, default)} is not a literal: give the function's "
                                 f"parameter its value by hand ({data})")
        if site.assigned_name() is None or not site.alone_on_line():
            return Check(MANUAL, "only `name = PipelineParameter(...)` on its own line is rewritten")
        facts = {"key": key, "default": value, "sole": site.sole()}
        if isinstance(value, str) and shlex.quote(value) != value:
            placeholder = "${{inputs." + key + "}}"
            return Check(UNSAFE, f"its default {_string(value)} needs shell quoting: v1 passed it as one argument, "
                                 f"v2 writes `{placeholder}` into the command line as it is", facts=facts)
        if isinstance(value, (bool, float)):
            kind = "boolean" if isinstance(value, bool) else "number"
            return Check(UNSAFE, f"v1 passed `str({value!r})` to the script; v2 passes a typed `{kind}` input that "
                                 "the service writes into the command: check the script reads it the same", facts=facts)
        return Check(SAFE, facts=facts)

    def fix(self, node, ctx):
        return remove_statement(ctx)  # the value lives on as the pipeline function's parameter


def _python_literal(value) -> str:
    return _string(value) if isinstance(value, str) else repr(value)


class StepOrder(Rule):
    """Order steps without data between them (`StepSequence`, `step.run_after(other)`).

    ## Migration
    SDK v2 has no control-only dependency: nodes run in data order. Give the earlier node
    an output and the later node an input bound to it (a small marker folder is enough).

    ## Fix safety
    No automatic fix: there is no v2 API to map to.
    """

    code = "AML836"
    name = "step-order"
    symbols = (f"{PC}.StepSequence",
               *(f"{PS}.{cls}.run_after" for cls in ("PythonScriptStep", "CommandStep", "ParallelRunStep",
                                                      "HyperDriveStep", "AutoMLStep", *OTHER_STEPS)),
               f"{PC}.PipelineStep.run_after")
    message = ("`{symbol}` orders steps without data and has no SDK v2 equivalent; connect the nodes with an "
               "output -> input edge")
    v2 = "later_node(marker=earlier_node.outputs.marker)"
    url = URL
    safety = MANUAL


class PipelineSubmit(Rule):
    """Submit a pipeline (`pipeline.submit(experiment_name)`, `pipeline.validate()`).

    ## Migration
    `pipeline_job = my_pipeline(...)` then
    `ml_client.jobs.create_or_update(pipeline_job, experiment_name=...)`.
    `pipeline_parameters={...}` become the arguments of the pipeline function call;
    `regenerate_outputs=True` -> `pipeline_job.settings.force_rerun = True`;
    `continue_on_step_failure` -> `pipeline_job.settings.continue_on_step_failure`.
    `validate()` has no v2 equivalent: the service validates on submission.

    ## Fix safety
    No automatic fix.
    """

    code = "AML837"
    name = "pipeline-submit"
    symbols = (f"{PIPELINE}.submit", f"{PIPELINE}.validate")
    message = "`{symbol}` is SDK v1; submit the pipeline job with `ml_client.jobs.create_or_update(pipeline_job, experiment_name=...)`"
    v2 = "ml_client.jobs.create_or_update(my_pipeline(...), experiment_name=...)"
    url = URL
    safety = MANUAL

    def check(self, site):
        if site.symbol.endswith(".validate"):
            return Check(MANUAL, "v2 validates on submission")
        notes = []
        for name, note in (("pipeline_parameters", "`pipeline_parameters` -> arguments of the pipeline function"),
                           ("regenerate_outputs", "`regenerate_outputs` -> `pipeline_job.settings.force_rerun`"),
                           ("continue_on_step_failure",
                            "`continue_on_step_failure` -> `pipeline_job.settings.continue_on_step_failure`"),
                           ("credential_passthrough", "`credential_passthrough` -> the job's `identity=`")):
            if site.arg(SUBMIT_PARAMS.index(name), name) is not None:
                notes.append(note)
        return Check(MANUAL, "; ".join(notes))


class PipelinePublish(Rule):
    """Publish a pipeline as a REST endpoint.

    ## Migration
    A published pipeline is a pipeline component deployed to a batch endpoint:
    `component = my_pipeline().component`; `ml_client.components.create_or_update(component)`;
    `ml_client.batch_endpoints.begin_create_or_update(BatchEndpoint(name=..., description=...)).result()`;
    `ml_client.batch_deployments.begin_create_or_update(PipelineComponentBatchDeployment(name=...,
    endpoint_name=..., component=component)).result()`.

    ## Fix safety
    No automatic fix.
    """

    code = "AML838"
    name = "pipeline-publish"
    symbols = (f"{PIPELINE}.publish", f"{PC}.PipelineEndpoint.publish", f"{PIPELINE_RUN}.publish_pipeline",
               f"{PC}.PipelineEndpoint.add_default", f"{PC}.PipelineEndpoint.set_default")
    message = ("`{symbol}` is SDK v1; deploy the pipeline component to a batch endpoint "
               "(`PipelineComponentBatchDeployment`)")
    v2 = "ml_client.batch_deployments.begin_create_or_update(PipelineComponentBatchDeployment(name=..., endpoint_name=..., component=...))"
    url = ENDPOINTS_URL
    safety = MANUAL


class PipelineEndpointLookup(Rule):
    """Find published pipelines and pipeline endpoints.

    ## Migration
    `PipelineEndpoint.get(ws, name=n)` -> `ml_client.batch_endpoints.get(n)`;
    `PipelineEndpoint.list(ws)` / `PublishedPipeline.get_all(ws)` ->
    `ml_client.batch_endpoints.list()` and `ml_client.batch_deployments.list(endpoint_name=...)`;
    `PublishedPipeline.get(ws, id)` -> the deployment of the endpoint it was added to;
    `disable()` -> `ml_client.batch_endpoints.begin_delete(name)` or remove the deployment.

    ## Fix safety
    No automatic fix: published pipelines live on as batch endpoint deployments only
    after they are re-published (AML838).
    """

    code = "AML839"
    name = "pipeline-endpoint-lookup"
    symbols = (f"{PC}.PipelineEndpoint.get", f"{PC}.PipelineEndpoint.list", f"{PC}.PublishedPipeline.get",
               f"{PC}.PublishedPipeline.get_all", f"{PC}.PublishedPipeline.disable")
    message = "`{symbol}` is SDK v1; pipeline endpoints are batch endpoints in v2 (`ml_client.batch_endpoints`)"
    v2 = "ml_client.batch_endpoints.get(name) / ml_client.batch_endpoints.list()"
    url = ENDPOINTS_URL
    safety = MANUAL


class PipelineEndpointSubmit(Rule):
    """Run a published pipeline or pipeline endpoint.

    ## Migration
    `ml_client.batch_endpoints.invoke(endpoint_name=..., deployment_name=None, inputs={...})`:
    `pipeline_parameters` -> `inputs={name: Input(...)}`; `pipeline_version` ->
    `deployment_name`.

    ## Fix safety
    No automatic fix.
    """

    code = "AML840"
    name = "pipeline-endpoint-submit"
    symbols = (f"{PC}.PipelineEndpoint.submit", f"{PC}.PublishedPipeline.submit")
    message = "`{symbol}` is SDK v1; invoke the batch endpoint with `ml_client.batch_endpoints.invoke(endpoint_name=..., inputs=...)`"
    v2 = "ml_client.batch_endpoints.invoke(endpoint_name=..., inputs={...})"
    url = ENDPOINTS_URL
    safety = MANUAL


class ScheduleRule(Rule):
    """Schedule a published pipeline.

    ## Migration
    `ml_client.schedules.begin_create_or_update(JobSchedule(name=...,
    trigger=RecurrenceTrigger(frequency="day", interval=1), create_job=pipeline_job))`:
    `frequency` is lower-case in v2 (`"minute"`, `"hour"`, `"day"`, `"week"`, `"month"`);
    `hours`/`minutes`/`week_days` -> `schedule=RecurrencePattern(hours=..., minutes=...)`;
    `start_time` and `time_zone` keep their names; `pipeline_id` -> the pipeline job itself.
    Schedules that poll a datastore for changes have no v2 equivalent.
    `Schedule.get/list/disable/update` -> `ml_client.schedules.get/list/begin_disable/begin_create_or_update`.

    ## Fix safety
    No automatic fix.
    """

    code = "AML841"
    name = "pipeline-schedule"
    symbols = (f"{PC}.Schedule.create", f"{PC}.ScheduleRecurrence", f"{PC}.Schedule.get", f"{PC}.Schedule.list",
               f"{PC}.Schedule.disable", f"{PC}.Schedule.update")
    message = "`{symbol}` is SDK v1; schedule the pipeline job with `JobSchedule` + `RecurrenceTrigger`"
    v2 = 'ml_client.schedules.begin_create_or_update(JobSchedule(name=..., trigger=RecurrenceTrigger(frequency="day", interval=1), create_job=pipeline_job))'
    url = ENDPOINTS_URL
    safety = MANUAL


class StepRuns(Rule):
    """Inspect the steps of a submitted pipeline.

    ## Migration
    `pipeline_run.find_step_run(name)` / `get_steps()` ->
    `ml_client.jobs.list(parent_job_name=pipeline_job.name)` (filter by `display_name`);
    `step_run.get_output_data(name)` -> `ml_client.jobs.download(child.name,
    output_name=name, download_path=...)`.

    ## Fix safety
    No automatic fix.
    """

    code = "AML842"
    name = "pipeline-step-runs"
    symbols = (f"{PIPELINE_RUN}.find_step_run", f"{PIPELINE_RUN}.get_steps", f"{PIPELINE_RUN}.get_pipeline_output",
               f"{STEP_RUN}.get_output_data", f"{STEP_RUN}.get_output")
    message = "`{symbol}` is SDK v1; list the child jobs with `ml_client.jobs.list(parent_job_name=...)`"
    v2 = "ml_client.jobs.list(parent_job_name=pipeline_job.name)"
    url = URL
    safety = MANUAL


class OtherStep(Rule):
    """A pipeline step type other than script, command, HyperDrive, AutoML and parallel steps.

    ## Migration
    `MpiStep` -> a `command(...)` node with `distribution=MpiDistribution(...)` and
    `instance_count=`; `EstimatorStep` -> a `command(...)` node; `RScriptStep` -> a
    `command(command="Rscript ...")` node; `SynapseSparkStep` -> `spark(...)`;
    `ModuleStep` -> a component from `load_component(source=...)`; `DataTransferStep`
    -> a data-transfer component; `AdlaStep`, `AzureBatchStep`, `DatabricksStep` and
    `KustoStep` have no v2 step: call those services from a `command` node.

    ## Fix safety
    No automatic fix.
    """

    code = "AML843"
    name = "other-pipeline-step"
    symbols = tuple(f"{PS}.{cls}" for cls in OTHER_STEPS)
    message = "`{symbol}` is SDK v1"
    v2 = "a node in a @pipeline function (see the table)"
    url = URL
    safety = MANUAL

    def check(self, site):
        return Check(MANUAL, "in v2 it becomes " + OTHER_STEPS[site.symbol.rsplit(".", 1)[1]])


class TrainingOutputRule(Rule):
    """Which output of a HyperDrive or AutoML step to pass on (`TrainingOutput`).

    ## Migration
    Use the sweep or AutoML node's outputs directly (`sweep_node.outputs.<name>`, the best
    trial's model output); there is no separate object.

    ## Fix safety
    No automatic fix.
    """

    code = "AML844"
    name = "training-output"
    symbols = (f"{PC}.TrainingOutput",)
    message = "`TrainingOutput` is SDK v1; pass the sweep or AutoML node's `outputs.<name>` on"
    v2 = "sweep_node.outputs.model_output"
    url = URL
    safety = MANUAL


RULES = [
    PipelineRule, ScriptStep, CommandStepRule, PipelineDataRule, PipelineDataConsumption, PipelineParameterRule,
    StepOrder, PipelineSubmit, PipelinePublish, PipelineEndpointLookup, PipelineEndpointSubmit, ScheduleRule,
    StepRuns, OtherStep, TrainingOutputRule,
]

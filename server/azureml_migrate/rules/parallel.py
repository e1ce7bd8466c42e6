"""Parallel run (AML850-AML859): `ParallelRunConfig` + `ParallelRunStep` -> `parallel_run_function`.

The two v1 objects merge into one v2 call (`azure.ai.ml.parallel.parallel_run_function`)
whose `task=RunFunction(...)` carries the script side.  Several v1 parameters move into
`RunFunction`, two into `RetrySettings`; the notes list where each argument of
this call goes.  Inside a pipeline the whole-file migration rewrites (AML830) the common
shape: the configuration's statement goes and the step becomes the
`parallel_run_function(...)` builder, called as a node of the `@dsl.pipeline` function.
"""

from __future__ import annotations

import ast
import json
import shlex

from ..fixes.lazy import cst

from ..astutil import literal
from .base import LEARN, MANUAL, SAFE, UNSAFE, BindingSpec, Check, Rule, remove_statement
from .jobs import changed_between, compute_mode

URL = LEARN + "migrate-to-v2-execution-parallel-run-step"
PS = "azureml.pipeline.steps"
CONFIG = f"{PS}.ParallelRunConfig"
PARALLEL_STEP = f"{PS}.ParallelRunStep"

CONFIG_PARAMS = (
    "environment", "entry_script", "error_threshold", "output_action", "compute_target", "node_count",
    "process_count_per_node", "mini_batch_size", "source_directory", "description", "logging_level",
    "run_invocation_timeout", "run_max_try", "append_row_file_name", "allowed_failed_count",
    "allowed_failed_percent", "partition_keys", "environment_variables",
)
STEP_PARAMS = ("name", "parallel_run_config", "inputs", "output", "side_inputs", "arguments", "allow_reuse")

# v1 parameter -> where it goes in v2 (mapping rows PR2-PR18).
CONFIG_TARGETS = {
    "environment": "`task=RunFunction(environment=...)`",
    "entry_script": "`task=RunFunction(entry_script=...)` (the init()/run() contract is unchanged)",
    "source_directory": "`task=RunFunction(code=...)`",
    "error_threshold": "`error_threshold=`",
    "compute_target": "`compute=` (a name)",
    "node_count": "`instance_count=`",
    "process_count_per_node": "`max_concurrency_per_instance=`",
    "mini_batch_size": "`mini_batch_size=` as a string (`\"10\"`, `\"100 kb\"`)",
    "description": "`description=`",
    "logging_level": "`logging_level=`",
    "run_invocation_timeout": "`retry_settings=RetrySettings(timeout=...)`",
    "run_max_try": "`retry_settings=RetrySettings(max_retries=...)`",
    "append_row_file_name": "no v2 parameter (the output file of `append_row_to` is fixed)",
    "allowed_failed_count": "`mini_batch_error_threshold=`",
    "allowed_failed_percent": "`task=RunFunction(program_arguments=\"--allowed_failed_percent <n>\")`",
    "partition_keys": "`partition_keys=`",
    "environment_variables": "`environment_variables=`",
}
# Literal parameters the rewrite carries over: v1 name -> (accepted types, v2 keyword).
CONFIG_LITERALS = {
    "entry_script": (str, "entry_script"),
    "source_directory": (str, "code"),
    "error_threshold": (int, "error_threshold"),
    "node_count": (int, "instance_count"),
    "process_count_per_node": (int, "max_concurrency_per_instance"),
    "mini_batch_size": ((int, str), "mini_batch_size"),
    "description": (str, "description"),
    "logging_level": (str, "logging_level"),
    "run_invocation_timeout": (int, "timeout"),
    "run_max_try": (int, "max_retries"),
    "allowed_failed_count": (int, "mini_batch_error_threshold"),
    "allowed_failed_percent": ((int, float), "program_arguments"),
    "environment_variables": (dict, "environment_variables"),
}
PARALLEL_BEFORE = """\
from azureml.core import Environment, Experiment, Workspace
from azureml.pipeline.core import Pipeline, PipelineData
from azureml.pipeline.steps import ParallelRunConfig, ParallelRunStep, PythonScriptStep

ws = Workspace.from_config()
env = Environment.from_conda_specification(name="batch-env", file_path="batch-env.yml")
files = PipelineData("files", datastore=ws.get_default_datastore())
scores = PipelineData("scores", datastore=ws.get_default_datastore())
fetch = PythonScriptStep(name="fetch", script_name="fetch.py", arguments=["--out", files], outputs=[files],
                         compute_target="cpu-cluster", source_directory="src")
config = ParallelRunConfig(source_directory="src", entry_script="score.py", mini_batch_size=10, error_threshold=5,
                           output_action="append_row", environment=env, compute_target="cpu-cluster", node_count=2,
                           process_count_per_node=4)
score = ParallelRunStep(name="batch-score", parallel_run_config=config, inputs=[files.as_dataset()], output=scores)
pipeline = Pipeline(workspace=ws, steps=[fetch, score])
run = Experiment(ws, "batch-scoring").submit(pipeline)
"""
PARALLEL_AFTER = """\
from azure.ai.ml import Input, MLClient, Output, command, dsl
from azure.ai.ml.entities import Environment, RetrySettings
from azure.ai.ml.parallel import RunFunction, parallel_run_function
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
env = Environment(name="batch-env", conda_file="batch-env.yml", image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1")
fetch = command(command="python fetch.py --out ${{outputs.files}}", outputs={"files": Output(type="uri_folder")},
                compute="cpu-cluster", code="src", environment=Environment(image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1"))
score = parallel_run_function(
    display_name="batch-score",
    inputs={"files": Input(type="uri_folder")},
    outputs={"scores": Output(type="uri_folder")},
    input_data="${{inputs.files}}",
    task=RunFunction(code="src", entry_script="score.py", environment=env, append_row_to="${{outputs.scores}}"),
    mini_batch_size="10",
    error_threshold=5,
    instance_count=2,
    max_concurrency_per_instance=4,
    compute="cpu-cluster",
    retry_settings=RetrySettings(timeout=60, max_retries=3),
)

@dsl.pipeline()
def pipeline_func():
    fetch_node = fetch()
    batch_score = score(files=fetch_node.outputs.files)

pipeline = pipeline_func()
run = ml_client.jobs.create_or_update(pipeline, experiment_name="batch-scoring")
"""

# v1's defaults that v2 does not share: written out (`retry_settings` has no v2 default to rely on).
RETRY_DEFAULTS = {"run_invocation_timeout": 60, "run_max_try": 3}


class ParallelRunConfigRule(Rule):
    """The configuration of a parallel (batch) step.

    ## Why
    `ParallelRunConfig` and `ParallelRunStep` together become one v2 parallel node,
    created with `azure.ai.ml.parallel.parallel_run_function(...)` and called inside a
    `@pipeline` function.

    ## Migration
    `environment`, `entry_script` and `source_directory` go into
    `task=RunFunction(environment=..., entry_script=..., code=...)`;
    `output_action="append_row"` becomes `RunFunction(append_row_to="${{outputs.<out>}}")`
    (on the `RunFunction`: `parallel_run_function(append_row_to=...)` is accepted and
    silently dropped; Microsoft's table says otherwise), `"summary_only"` is the default;
    `compute_target` -> `compute`; `node_count` -> `instance_count`;
    `process_count_per_node` -> `max_concurrency_per_instance`; `mini_batch_size` is a
    string in v2; `run_invocation_timeout` and `run_max_try` ->
    `retry_settings=RetrySettings(timeout=..., max_retries=...)` (`azure.ai.ml.entities`;
    Microsoft's table and the function's type hint say `BatchRetrySettings`, which
    azure-ai-ml 1.35 rejects when it builds the parallel component);
    `allowed_failed_count` -> `mini_batch_error_threshold`; `allowed_failed_percent` ->
    a program argument; `error_threshold`, `logging_level`, `partition_keys`,
    `environment_variables` and `description` keep their names. v1's defaults
    (`run_invocation_timeout=60`, `run_max_try=3`) are worth writing explicitly.

    ## Fix safety
    Rewritten with its step (AML851) and pipeline (AML830) when it is assigned to a
    variable that exactly one `ParallelRunStep` uses, and its arguments are literals, an
    Environment variable and a compute made in this file: the statement goes and its
    arguments move into the step's `parallel_run_function(...)`, with v1's retry defaults
    written out. Unsafe without `process_count_per_node`: v1 then started one process per
    core of the node, v2 starts one per instance (`max_concurrency_per_instance=1`).
    `append_row_file_name` and `partition_keys` are migrated by hand.
    """

    code = "AML850"
    name = "parallel-run-config"
    symbols = (CONFIG,)
    message = ("`ParallelRunConfig` is SDK v1; build a parallel node with `parallel_run_function(task=RunFunction(...), "
               "...)`")
    v2 = 'parallel_run_function(task=RunFunction(code=..., entry_script=..., environment=...), instance_count=..., mini_batch_size="10", ...)'
    url = URL
    safety = UNSAFE
    statement_fix = True
    creates = BindingSpec(CONFIG, mode="delete")
    params = CONFIG_PARAMS
    before = PARALLEL_BEFORE
    after = PARALLEL_AFTER

    def check(self, site):
        notes = self._guidance(site)

        def manual(why: str) -> Check:
            return Check(MANUAL, "; ".join([*notes, why]))

        if site.has_star_args():
            return manual("arguments passed with * or ** cannot be mapped")
        if site.assigned_name() is None or not site.alone_on_line():
            return manual("only `name = ParallelRunConfig(...)` on its own line is rewritten")
        given = {p: site.arg(i, p) for i, p in enumerate(CONFIG_PARAMS) if site.arg(i, p) is not None}
        by_hand = [p for p in ("append_row_file_name", "partition_keys") if p in given]
        if by_hand:
            return manual(f"{', '.join(f'`{p}`' for p in by_hand)}: migrated by hand")
        for p in ("environment", "entry_script", "error_threshold", "output_action", "compute_target", "node_count",
                  "source_directory"):
            if p not in given:
                return manual(f"`{p}` must be given" + (" (v2 needs `code`)" if p == "source_directory" else ""))
        values: dict = {}
        for p, (kinds, _) in CONFIG_LITERALS.items():
            if p not in given:
                continue
            ok, value = literal(given[p])
            if not ok or not isinstance(value, kinds) or isinstance(value, bool):
                return manual(f"`{p}` must be a literal")
            values[p] = value
        ok, action = literal(given["output_action"])
        if not ok or not isinstance(action, str) or action.lower() not in ("append_row", "summary_only"):
            return manual('`output_action` must be "append_row" or "summary_only"')
        env = site.binding(given["environment"])
        if env is None or env.kind != "azureml.core.Environment" or env.creator is None:
            return manual("`environment` must be an Environment variable made in this file")
        compute = compute_mode(site, given["compute_target"])
        if compute == "pass":
            return manual("`compute_target` must be a compute name or a compute object made in this file")
        site.consume(given["environment"])
        site.require(env)
        facts = {"values": values, "append_row": action.lower() == "append_row", "environment": env,
                 "compute": (site.source(given["compute_target"]), compute), "sole": site.sole()}
        if "process_count_per_node" not in values:
            return Check(UNSAFE, "no `process_count_per_node`: v1 ran one process per core of each node, v2 runs "
                                 "`max_concurrency_per_instance=1` (set it to the node's core count)", facts=facts)
        return Check(SAFE, facts=facts)

    @staticmethod
    def _guidance(site) -> list[str]:
        notes = []
        for i, p in enumerate(CONFIG_PARAMS):
            if site.arg(i, p) is None:
                continue
            if p == "output_action":
                ok, value = literal(site.arg(i, p))
                if ok and value == "append_row":
                    notes.append('`output_action="append_row"` -> `RunFunction(append_row_to="${{outputs.<name>}}")`')
                elif ok and value == "summary_only":
                    notes.append('`output_action="summary_only"` -> omit (the default)')
                else:
                    notes.append("`output_action` -> `RunFunction(append_row_to=...)` for \"append_row\"")
            elif p in CONFIG_TARGETS:
                notes.append(f"`{p}` -> {CONFIG_TARGETS[p]}")
        for p, default in RETRY_DEFAULTS.items():
            target = CONFIG_LITERALS[p][1]
            if site.arg(CONFIG_PARAMS.index(p), p) is None:
                notes.append(f"v1's default `{p}={default}` -> `RetrySettings({target}={default})`")
        return notes

    def plan(self, finding, users, analysis) -> None:
        """After analysis: the one step that takes the configuration rewrites it (its
        values are read there, so nothing they name may change in between)."""
        if finding.safety is None:
            return
        takers = [u for u in users if u.facts.get("parallel_run_config") is finding.creates and u.safety is not None]
        problem = None
        if len(takers) != 1 or len(users) != 1:
            problem = "it must be used by exactly one ParallelRunStep that is migrated with it"
        else:
            block, index = analysis.block_of.get(id(finding.stmt), (None, -1))
            step_block, step_index = analysis.block_of.get(id(takers[0].stmt), (None, -1))
            if block is None or step_block is not block or step_index < index:
                problem = "the ParallelRunStep must follow it in the same block"
            else:
                changed = changed_between(finding.node, block[index + 1:step_index])
                if changed:
                    problem = f"`{changed}` changes between line {finding.span.line} and the step"
        if problem:
            finding.safety = None
            finding.message += f" ({problem})"
            for u in takers:
                u.safety = None
                u.message += f" (its ParallelRunConfig is migrated by hand: {problem})"

    def fix(self, node, ctx):
        return remove_statement(ctx)  # its arguments are in the step's parallel_run_function(...)


class ParallelRunStepRule(Rule):
    """The pipeline step that runs a `ParallelRunConfig`.

    ## Why
    v2 has no step objects: a parallel node is built by `parallel_run_function(...)` and
    called inside the `@pipeline` function.

    ## Migration
    Merged with its configuration into the `parallel_run_function(...)` call:
    `name` -> the node's name in the pipeline function (letters, digits and `_`; the v1
    name becomes `display_name=`); `inputs` (a list of dataset inputs) -> `inputs={"<name>": Input(...)}`
    plus `input_data="${{inputs.<name>}}"` for the one that is split into mini-batches;
    `side_inputs` -> more entries in `inputs`; `output` -> `outputs={"<name>": Output(...)}`;
    `arguments` -> `task=RunFunction(program_arguments="...")`; `allow_reuse` ->
    `is_deterministic`.

    ## Fix safety
    Rewritten with its configuration (AML850) and pipeline (AML830) when its name is a
    literal, its one input is `<PipelineData>.as_dataset()` written by another step of the
    pipeline (a file input: `Input(type="uri_folder")`, split into mini-batches of files
    as in v1), its `output` is a PipelineData made in this file (required with
    `output_action="append_row"`; with `"summary_only"` the entry script's output folder
    is wired by hand), and its arguments are literals. The node's name is the v1 name made
    a valid node name, the v1 name its `display_name`. Dataset inputs, `side_inputs` and
    several inputs are migrated by hand.
    """

    code = "AML851"
    name = "parallel-run-step"
    symbols = (PARALLEL_STEP,)
    message = "`ParallelRunStep` is SDK v1; call the `parallel_run_function(...)` node inside a `@pipeline` function"
    v2 = 'parallel_node = batch_scoring(data=...)  # parallel_run_function(..., input_data="${{inputs.data}}")'
    url = URL
    safety = SAFE
    creates = BindingSpec(PARALLEL_STEP)
    params = STEP_PARAMS
    before = PARALLEL_BEFORE
    after = PARALLEL_AFTER

    def check(self, site):
        from .pipelines import PIPELINE_DATA, _pipeline_data_of, node_name

        targets = {
            "inputs": '`inputs` -> `inputs={...}` and `input_data="${{inputs.<name>}}"`',
            "side_inputs": "`side_inputs` -> more entries in `inputs`",
            "output": "`output` -> `outputs={...}`",
            "arguments": "`arguments` -> `task=RunFunction(program_arguments=...)`",
            "allow_reuse": "`allow_reuse` -> `is_deterministic`",
        }
        given = {p: site.arg(i, p) for i, p in enumerate(STEP_PARAMS) if site.arg(i, p) is not None}
        notes = [targets[p] for p in STEP_PARAMS if p in targets and p in given]

        def manual(why: str) -> Check:
            return Check(MANUAL, "; ".join([*notes, why]))

        if site.has_star_args():
            return manual("arguments passed with * or ** cannot be mapped")
        if site.assigned_name() is None:
            return manual("only `step = ParallelRunStep(...)` is rewritten")
        if "side_inputs" in given:
            return manual("`side_inputs` are migrated by hand")
        config = site.binding(given.get("parallel_run_config"))
        if config is None or config.kind != CONFIG or config.creator is None \
                or not isinstance(config.creator.rule, ParallelRunConfigRule):
            return manual("`parallel_run_config` must be a ParallelRunConfig variable made in this file")
        if config.creator.safety is None:
            return manual(f"the ParallelRunConfig on line {config.creator.span.line} is migrated by hand")
        ok, name = literal(given.get("name"))
        if not ok or not isinstance(name, str) or node_name(name) is None:
            return manual("`name` must be a literal")
        # One input, `<PipelineData>.as_dataset()`: a file dataset, mounted in v1.
        inputs = given.get("inputs")
        element = inputs.elts[0] if isinstance(inputs, (ast.List, ast.Tuple)) and len(inputs.elts) == 1 else None
        as_dataset = site.inline(element)
        data_in = None
        if as_dataset is not None and as_dataset.symbol == f"{PIPELINE_DATA}.as_dataset" and not element.args \
                and not element.keywords:
            data_in = _pipeline_data_of(site, element.func.value)
        if data_in is None or data_in.creator.safety is None:
            return manual("only one input, `<PipelineData>.as_dataset()` with the PipelineData made in this file, "
                          "is rewritten (datasets become pipeline inputs by hand)")
        append_row = config.creator.facts["append_row"]
        data_out = None
        if "output" in given:
            data_out = _pipeline_data_of(site, given["output"])
            if data_out is None or data_out.creator.safety is None:
                return manual("`output` must be a PipelineData made in this file")
            if not append_row:
                return manual('with `output_action="summary_only"` pass `--output ${{outputs.<name>}}` in '
                              "`program_arguments` and read it in the entry script, by hand")
            if data_out is data_in:
                return manual("the input and the output are the same PipelineData")
        elif append_row:
            return manual('`output_action="append_row"` needs an `output`')
        arguments = []
        if "arguments" in given:
            ok, value = literal(given["arguments"])
            if not ok or not isinstance(value, (list, tuple)) or any(
                    isinstance(x, (list, tuple, dict, set)) for x in value):
                return manual("`arguments` must be a list of literals")
            arguments = [str(x) for x in value]
        reuse = given.get("allow_reuse")
        ok, value = literal(reuse)
        if reuse is not None and not (ok and isinstance(value, bool)):
            return manual("`allow_reuse` must be a literal True or False")
        site.absorb(as_dataset)  # `.as_dataset()` is gone: the input is declared on the node
        site.require(data_in)
        site.consume(given["parallel_run_config"])
        site.require(config)
        facts = {"parallel_run_config": config, "node": node_name(name), "arguments": arguments,
                 "inputs": [(data_in.creator.facts["key"], data_in)], "outputs": [], "is_deterministic": value}
        if node_name(name) != name:
            facts["display_name"] = name
        if data_out is not None:
            site.consume(given["output"])
            site.require(data_out)
            facts["outputs"] = [(data_out.creator.facts["key"], data_out)]
        return Check(SAFE, facts=facts)

    def fix(self, node, ctx):
        facts = ctx.finding.facts
        config = facts["parallel_run_config"].creator.facts
        values = config["values"]
        source, compute_kind = config["compute"]
        text = json.dumps
        (in_key, _), = facts["inputs"]
        kwargs = []
        if "display_name" in facts:
            kwargs.append(("display_name", text(facts["display_name"])))
        if "description" in values:
            kwargs.append(("description", text(values["description"])))
        kwargs.append(("inputs", f'{{{text(in_key)}: {ctx.need("azure.ai.ml", "Input")}(type="uri_folder")}}'))
        if facts["outputs"]:
            (out_key, _), = facts["outputs"]
            kwargs.append(("outputs", f'{{{text(out_key)}: {ctx.need("azure.ai.ml", "Output")}(type="uri_folder")}}'))
        kwargs.append(("input_data", text(f"${{{{inputs.{in_key}}}}}")))
        # The script side: RunFunction (append_row_to belongs here, not on parallel_run_function).
        task = [("code", text(values["source_directory"])), ("entry_script", text(values["entry_script"])),
                ("environment", ctx.name_of(config["environment"]))]
        program = list(facts["arguments"])
        if "allowed_failed_percent" in values:
            program += ["--allowed_failed_percent", str(values["allowed_failed_percent"])]
        if program:
            task.append(("program_arguments", text(" ".join(shlex.quote(x) for x in program))))
        if facts["outputs"]:
            task.append(("append_row_to", text(f"${{{{outputs.{out_key}}}}}")))
        run_function = ctx.need("azure.ai.ml.parallel", "RunFunction")
        kwargs.append(("task", f"{run_function}({', '.join(f'{k}={v}' for k, v in task)})"))
        if "mini_batch_size" in values:
            kwargs.append(("mini_batch_size", text(str(values["mini_batch_size"]))))
        for p in ("error_threshold", "allowed_failed_count", "logging_level", "environment_variables",
                  "node_count", "process_count_per_node"):
            if p in values:
                kwargs.append((CONFIG_LITERALS[p][1], repr(values[p]) if p != "logging_level" else text(values[p])))
        kwargs.append(("compute", f"{source}.name" if compute_kind == "name-attr" else source))
        retry = ", ".join(f"{CONFIG_LITERALS[p][1]}={values.get(p, default)}" for p, default in RETRY_DEFAULTS.items())
        kwargs.append(("retry_settings", f"{ctx.need('azure.ai.ml.entities', 'RetrySettings')}({retry})"))
        if facts["is_deterministic"] is not None:
            kwargs.append(("is_deterministic", repr(facts["is_deterministic"])))
        func = ctx.need("azure.ai.ml.parallel", "parallel_run_function")
        return cst.parse_expression(f"{func}(\n" + "".join(f"    {k}={v},\n" for k, v in kwargs) + ")")


class ParallelRunConfigYaml(Rule):
    """Load or save a `ParallelRunConfig` as YAML.

    ## Migration
    v1 YAML is not a v2 format. Write the parallel component as v2 YAML
    (`type: parallel`) and load it with `azure.ai.ml.load_component(source=...)`; for batch
    scoring, consider a managed batch endpoint.

    ## Fix safety
    No automatic fix.
    """

    code = "AML852"
    name = "parallel-run-config-yaml"
    symbols = (f"{CONFIG}.load_yaml", f"{CONFIG}.save_to_yaml")
    message = "`{symbol}` is SDK v1; write the parallel component as v2 YAML and load it with `load_component(source=...)`"
    v2 = 'load_component(source="parallel.yml")'
    url = URL
    safety = MANUAL


RULES = [ParallelRunConfigRule, ParallelRunStepRule, ParallelRunConfigYaml]

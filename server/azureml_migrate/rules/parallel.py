"""Parallel run (AML850-AML859): `ParallelRunConfig` + `ParallelRunStep` -> `parallel_run_function`.

The two v1 objects merge into one v2 call (`azure.ai.ml.parallel.parallel_run_function`)
whose `task=RunFunction(...)` carries the script side.  Several v1 parameters move into
`RunFunction`, one into `BatchRetrySettings`; the notes list where each argument of
this call goes.
"""

from __future__ import annotations

from ..astutil import literal
from .base import LEARN, MANUAL, BindingSpec, Check, Rule

URL = LEARN + "migrate-to-v2-execution-parallel-run-step"
PS = "azureml.pipeline.steps"
CONFIG = f"{PS}.ParallelRunConfig"

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
    "run_invocation_timeout": "`retry_settings=BatchRetrySettings(timeout=...)`",
    "run_max_try": "`retry_settings=BatchRetrySettings(max_retries=...)`",
    "append_row_file_name": "no v2 parameter (the output file of `append_row_to` is fixed)",
    "allowed_failed_count": "`mini_batch_error_threshold=`",
    "allowed_failed_percent": "`task=RunFunction(program_arguments=\"--allowed_failed_percent <n>\")`",
    "partition_keys": "`partition_keys=`",
    "environment_variables": "`environment_variables=`",
}


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
    `retry_settings=BatchRetrySettings(timeout=..., max_retries=...)`;
    `allowed_failed_count` -> `mini_batch_error_threshold`; `allowed_failed_percent` ->
    a program argument; `error_threshold`, `logging_level`, `partition_keys`,
    `environment_variables` and `description` keep their names. v1's defaults
    (`run_invocation_timeout=60`, `run_max_try=3`) are worth writing explicitly.

    ## Fix safety
    No automatic fix: two v1 objects merge into one call inside a pipeline function.
    """

    code = "AML850"
    name = "parallel-run-config"
    symbols = (CONFIG,)
    message = ("`ParallelRunConfig` is SDK v1; build a parallel node with `parallel_run_function(task=RunFunction(...), "
               "...)`")
    v2 = 'parallel_run_function(task=RunFunction(code=..., entry_script=..., environment=...), instance_count=..., mini_batch_size="10", ...)'
    url = URL
    safety = MANUAL
    creates = BindingSpec(CONFIG)
    params = CONFIG_PARAMS

    def check(self, site):
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
        for p, default, target in (("run_invocation_timeout", 60, "timeout"), ("run_max_try", 3, "max_retries")):
            if site.arg(CONFIG_PARAMS.index(p), p) is None:
                notes.append(f"v1's default `{p}={default}` -> `BatchRetrySettings({target}={default})`")
        return Check(MANUAL, "; ".join(notes))


class ParallelRunStepRule(Rule):
    """The pipeline step that runs a `ParallelRunConfig`.

    ## Migration
    Merged with its configuration into the `parallel_run_function(...)` call:
    `name` -> `name=`; `inputs` (a list of dataset inputs) -> `inputs={"<name>": Input(...)}`
    plus `input_data="${{inputs.<name>}}"` for the one that is split into mini-batches;
    `side_inputs` -> more entries in `inputs`; `output` -> `outputs={"<name>": Output(...)}`;
    `arguments` -> `task=RunFunction(program_arguments="...")`; `allow_reuse` ->
    `is_deterministic`.

    ## Fix safety
    No automatic fix.
    """

    code = "AML851"
    name = "parallel-run-step"
    symbols = (f"{PS}.ParallelRunStep",)
    message = "`ParallelRunStep` is SDK v1; call the `parallel_run_function(...)` node inside a `@pipeline` function"
    v2 = 'parallel_node = batch_scoring(data=...)  # parallel_run_function(..., input_data="${{inputs.data}}")'
    url = URL
    safety = MANUAL
    params = STEP_PARAMS

    def check(self, site):
        targets = {
            "inputs": '`inputs` -> `inputs={...}` and `input_data="${{inputs.<name>}}"`',
            "side_inputs": "`side_inputs` -> more entries in `inputs`",
            "output": "`output` -> `outputs={...}`",
            "arguments": "`arguments` -> `task=RunFunction(program_arguments=...)`",
            "allow_reuse": "`allow_reuse` -> `is_deterministic`",
        }
        notes = [t for i, (p, t) in enumerate((p, targets.get(p)) for p in STEP_PARAMS)
                 if t is not None and site.arg(i, p) is not None]
        return Check(MANUAL, "; ".join(notes))


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

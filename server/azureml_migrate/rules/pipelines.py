"""Pipelines (AML830-AML849): `Pipeline` + steps -> a `@pipeline` function of command nodes.

A v1 pipeline is a graph built from objects (`PythonScriptStep`, `PipelineData`,
`Pipeline(ws, steps=[...])`); a v2 pipeline is a Python function decorated with
`azure.ai.ml.dsl.pipeline` whose body calls one component per step and wires outputs to
inputs.  That is a change of program structure, so these rules explain the rewrite
parameter by parameter and leave it to the user; the notes name what each argument of
this particular call becomes.
"""

from __future__ import annotations

from ..astutil import literal
from .base import LEARN, MANUAL, BindingSpec, Check, Rule

URL = LEARN + "migrate-to-v2-execution-pipeline"
ENDPOINTS_URL = LEARN + "migrate-to-v2-deploy-pipelines"
PC = "azureml.pipeline.core"
PS = "azureml.pipeline.steps"
PIPELINE = f"{PC}.Pipeline"
PIPELINE_DATA = f"{PC}.PipelineData"
PIPELINE_RUN = f"{PC}.PipelineRun"
STEP_RUN = f"{PC}.StepRun"

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


def _given(site, params: tuple[str, ...], *names: str) -> list[str]:
    return [n for n in names if site.arg(params.index(n), n) is not None]


class PipelineRule(Rule):
    """A v1 pipeline: a workspace and a list of steps.

    ## Why
    SDK v2 defines a pipeline as a Python function decorated with
    `azure.ai.ml.dsl.pipeline`; calling the function returns a `PipelineJob`, which is
    submitted like any other job.

    ## Migration
    1. Turn each step into a component: a `command(...)` (AML831) with `inputs={...}` and
       `outputs={...}` and `${{inputs.x}}` / `${{outputs.y}}` in its command string.
    2. Write `@pipeline(default_compute=..., description=...)` above a function whose body
       calls the components in data order, passing `producer.outputs.y` to the consumer's
       input, and returns a dict of the outputs the pipeline exposes.
    3. `pipeline_job = my_pipeline(<pipeline inputs>)`, then
       `ml_client.jobs.create_or_update(pipeline_job, experiment_name=...)`.
    `workspace` is dropped (the client decides); `description` stays; `default_datastore`
    becomes the decorator's `default_datastore=`; `default_source_directory` becomes each
    node's `code`. Node names must match `^[a-z_][a-z0-9_]*$`.

    ## Fix safety
    No automatic fix: the objects become a function definition.
    """

    code = "AML830"
    name = "pipeline"
    symbols = (PIPELINE,)
    message = ("`Pipeline` is SDK v1; define a function decorated with `@azure.ai.ml.dsl.pipeline` that calls one "
               "component per step")
    v2 = "@pipeline(default_compute=...) def my_pipeline(...): ...; pipeline_job = my_pipeline(...)"
    url = URL
    safety = MANUAL
    creates = BindingSpec(PIPELINE)
    params = PIPELINE_PARAMS

    def check(self, site):
        notes = []
        steps = site.arg(1, "steps")
        if steps is not None and hasattr(steps, "elts"):
            notes.append(f"{len(steps.elts)} step(s) become node calls in the function body")
        for name, note in (("default_datastore", "`default_datastore` -> `@pipeline(default_datastore=...)`"),
                           ("default_source_directory", "`default_source_directory` -> each node's `code=`"),
                           ("description", "`description` -> `@pipeline(description=...)`")):
            if site.arg(self.params.index(name), name) is not None:
                notes.append(note)
        return Check(MANUAL, "; ".join(notes))


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
    `compute_target` -> `compute`; `runconfig` -> `environment=` (its environment);
    the `inputs`/`outputs` lists -> `inputs={...}` / `outputs={...}` dicts;
    `allow_reuse=False` -> `is_deterministic=False`; `params` -> environment variables
    `AML_PARAMETER_<name>` (v1 exposed them so), so the script runs unchanged.

    ## Fix safety
    No automatic fix: pipelines are migrated as a whole, by hand.
    """

    code = "AML831"
    name = "python-script-step"
    symbols = (f"{PS}.PythonScriptStep",)
    message = "`PythonScriptStep` is SDK v1; make the step a `command(...)` component called in a `@pipeline` function"
    v2 = 'command(code=..., command="python script.py --x ${{inputs.x}}", inputs={...}, outputs={...}, environment=..., compute=...)'
    url = URL
    safety = MANUAL
    params = SCRIPT_STEP_PARAMS


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
    No automatic fix.
    """

    code = "AML833"
    name = "pipeline-data"
    symbols = (PIPELINE_DATA,)
    message = ("`PipelineData` is SDK v1; declare an `Output(type=\"uri_folder\")` on the producing node and pass "
               "`producer.outputs.<name>` to the consumer")
    v2 = 'outputs={"name": Output(type="uri_folder")}  # consumer: producer.outputs.name'
    url = URL
    safety = MANUAL
    creates = BindingSpec(PIPELINE_DATA)
    params = PIPELINE_DATA_PARAMS

    def check(self, site):
        notes = []
        mode = site.arg(3, "output_mode")
        ok, value = literal(mode)
        if ok and value in ("mount", "upload"):
            notes.append(f"`output_mode=\"{value}\"` -> `mode=\"{'rw_mount' if value == 'mount' else 'upload'}\"`")
        if site.arg(1, "datastore") is not None:
            notes.append("`datastore` -> `path=\"azureml://datastores/<name>/paths/...\"` unless it is the default")
        if site.arg(8, "pipeline_output_name") is not None:
            notes.append("`pipeline_output_name` -> a key of the dict the pipeline function returns")
        if site.arg(9, "training_output") is not None:
            notes.append("`training_output` -> an output of the sweep node")
        return Check(MANUAL, "; ".join(notes))


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
    A parameter of the `@pipeline` function with the same default
    (`def my_pipeline(learning_rate=0.01)`), passed to the nodes as an input; callers set
    it by calling the function (`my_pipeline(learning_rate=0.1)`); published pipelines
    take it as a batch endpoint input.

    ## Fix safety
    No automatic fix.
    """

    code = "AML835"
    name = "pipeline-parameter"
    symbols = (f"{PC}.PipelineParameter",)
    message = "`PipelineParameter` is SDK v1; make it a parameter of the `@pipeline` function"
    v2 = "def my_pipeline(name=default_value): ..."
    url = URL
    safety = MANUAL
    params = ("name", "default_value")


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
    symbols = (f"{PIPELINE_RUN}.find_step_run", f"{PIPELINE_RUN}.get_steps", f"{STEP_RUN}.get_output_data",
               f"{STEP_RUN}.get_output")
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

"""What SDK v1 exports, and under which public name a symbol is reported.

Users reach the same class through several spellings (`azureml.core.Workspace`,
`azureml.core.workspace.Workspace`, a star import).  Findings always name the public
spelling users import, so every spelling is canonicalised here.  The tables are data;
`tests/test_v1_names.py` checks each entry against a snapshot of the real azureml-core.
"""

from __future__ import annotations

# Top-level `azureml` packages that are SDK v1.  Everything else under `azureml`
# (`azureml.automl` runtime, `azureml.rag`, `azureml.featurestore`, `azureml.metrics`,
# `azureml.mlflow`, `azureml.fsspec`, ...) is not a migration target and is left alone.
V1_PACKAGES = frozenset(
    {
        "azureml.core",
        "azureml.data",
        "azureml.pipeline",
        "azureml.train",
        "azureml.exceptions",
        "azureml.widgets",
        "azureml.contrib",
        "azureml.tensorboard",
    }
)
# SDK v1 client modules inside `azureml.automl` (the rest of which is the AutoML runtime).
V1_MODULES = ("azureml.automl.core.forecasting_parameters",)

# Public spelling of each class, keyed by every module path it can be imported from.
# The value is what a finding's `symbol` starts with.
_CLASS_HOMES: dict[str, tuple[str, ...]] = {
    "azureml.core.Workspace": ("azureml.core.workspace",),
    "azureml.core.Experiment": ("azureml.core.experiment",),
    "azureml.core.Run": ("azureml.core.run",),
    "azureml.core.ScriptRun": ("azureml.core.script_run",),
    "azureml.core.ScriptRunConfig": ("azureml.core.script_run_config",),
    "azureml.core.RunConfiguration": ("azureml.core.runconfig",),
    "azureml.core.Environment": ("azureml.core.environment", "azureml.core.runconfig"),
    "azureml.core.Datastore": ("azureml.core.datastore",),
    "azureml.core.Dataset": ("azureml.core.dataset",),
    "azureml.core.Model": ("azureml.core.model",),
    "azureml.core.ComputeTarget": ("azureml.core.compute", "azureml.core.compute.compute"),
    "azureml.core.Webservice": ("azureml.core.webservice", "azureml.core.webservice.webservice"),
    "azureml.core.Keyvault": ("azureml.core.keyvault",),
    "azureml.core.conda_dependencies.CondaDependencies": (
        "azureml.core",
        "azureml.core.runconfig",
        "azureml.core.environment",
    ),
    "azureml.core.runconfig.DockerConfiguration": (),
    "azureml.core.runconfig.MpiConfiguration": (),
    "azureml.core.runconfig.PyTorchConfiguration": (),
    "azureml.core.runconfig.TensorflowConfiguration": (),
    "azureml.core.authentication.InteractiveLoginAuthentication": (),
    "azureml.core.authentication.ServicePrincipalAuthentication": (),
    "azureml.core.authentication.MsiAuthentication": (),
    "azureml.core.authentication.AzureCliAuthentication": (),
    "azureml.core.authentication.TokenAuthentication": (),
    "azureml.core.compute.AmlCompute": ("azureml.core.compute.amlcompute",),
    "azureml.core.compute.ComputeInstance": ("azureml.core.compute.computeinstance",),
    "azureml.core.model.InferenceConfig": (),
    "azureml.core.webservice.AciWebservice": ("azureml.core.webservice.aci",),
    "azureml.core.webservice.AksWebservice": ("azureml.core.webservice.aks",),
    "azureml.core.webservice.LocalWebservice": ("azureml.core.webservice.local",),
    "azureml.exceptions.ComputeTargetException": ("azureml.core.compute_target",),
    "azureml.widgets.RunDetails": (),
    "azureml.data.FileDataset": ("azureml.data.file_dataset",),
    "azureml.data.TabularDataset": ("azureml.data.tabular_dataset",),
    "azureml.data.OutputFileDatasetConfig": ("azureml.data.output_dataset_config",),
    "azureml.data.datapath.DataPath": (),
    "azureml.data.dataset_consumption_config.DatasetConsumptionConfig": (),
    "azureml.train.hyperdrive.HyperDriveConfig": ("azureml.train.hyperdrive.runconfig",),
    "azureml.train.hyperdrive.HyperDriveRunConfig": ("azureml.train.hyperdrive.runconfig",),
    "azureml.train.hyperdrive.PrimaryMetricGoal": ("azureml.train.hyperdrive.runconfig",),
    "azureml.train.hyperdrive.HyperDriveRun": ("azureml.train.hyperdrive.run",),
    "azureml.train.hyperdrive.RandomParameterSampling": ("azureml.train.hyperdrive.sampling",),
    "azureml.train.hyperdrive.GridParameterSampling": ("azureml.train.hyperdrive.sampling",),
    "azureml.train.hyperdrive.BayesianParameterSampling": ("azureml.train.hyperdrive.sampling",),
    "azureml.train.hyperdrive.BanditPolicy": ("azureml.train.hyperdrive.policy",),
    "azureml.train.hyperdrive.MedianStoppingPolicy": ("azureml.train.hyperdrive.policy",),
    "azureml.train.hyperdrive.TruncationSelectionPolicy": ("azureml.train.hyperdrive.policy",),
    "azureml.train.hyperdrive.NoTerminationPolicy": ("azureml.train.hyperdrive.policy",),
    "azureml.train.hyperdrive.choice": ("azureml.train.hyperdrive.parameter_expressions",),
    "azureml.train.hyperdrive.randint": ("azureml.train.hyperdrive.parameter_expressions",),
    "azureml.train.hyperdrive.uniform": ("azureml.train.hyperdrive.parameter_expressions",),
    "azureml.train.hyperdrive.quniform": ("azureml.train.hyperdrive.parameter_expressions",),
    "azureml.train.hyperdrive.loguniform": ("azureml.train.hyperdrive.parameter_expressions",),
    "azureml.train.hyperdrive.qloguniform": ("azureml.train.hyperdrive.parameter_expressions",),
    "azureml.train.hyperdrive.normal": ("azureml.train.hyperdrive.parameter_expressions",),
    "azureml.train.hyperdrive.qnormal": ("azureml.train.hyperdrive.parameter_expressions",),
    "azureml.train.hyperdrive.lognormal": ("azureml.train.hyperdrive.parameter_expressions",),
    "azureml.train.hyperdrive.qlognormal": ("azureml.train.hyperdrive.parameter_expressions",),
    "azureml.pipeline.core.Pipeline": ("azureml.pipeline.core.pipeline",),
    "azureml.pipeline.core.PipelineData": ("azureml.pipeline.core.builder",),
    "azureml.pipeline.core.PipelineParameter": ("azureml.pipeline.core.graph",),
    "azureml.pipeline.core.StepSequence": ("azureml.pipeline.core.builder",),
    "azureml.pipeline.core.PipelineStep": ("azureml.pipeline.core.builder",),
    "azureml.pipeline.core.PipelineEndpoint": ("azureml.pipeline.core.pipeline_endpoint",),
    "azureml.pipeline.core.PublishedPipeline": ("azureml.pipeline.core.graph",),
    "azureml.pipeline.core.Schedule": ("azureml.pipeline.core.schedule",),
    "azureml.pipeline.core.ScheduleRecurrence": ("azureml.pipeline.core.schedule",),
    "azureml.pipeline.core.PipelineRun": ("azureml.pipeline.core.run",),
    "azureml.pipeline.core.StepRun": ("azureml.pipeline.core.run",),
    "azureml.pipeline.core.TrainingOutput": ("azureml.pipeline.core.graph",),
    "azureml.pipeline.steps.PythonScriptStep": ("azureml.pipeline.steps.python_script_step",),
    "azureml.pipeline.steps.CommandStep": ("azureml.pipeline.steps.command_step",),
    "azureml.pipeline.steps.ParallelRunConfig": ("azureml.pipeline.steps.parallel_run_config",),
    "azureml.pipeline.steps.ParallelRunStep": ("azureml.pipeline.steps.parallel_run_step",),
    "azureml.pipeline.steps.AutoMLStep": ("azureml.pipeline.steps.automl_step",),
    "azureml.pipeline.steps.HyperDriveStep": ("azureml.pipeline.steps.hyper_drive_step",),
    "azureml.pipeline.steps.MpiStep": ("azureml.pipeline.steps.mpi_step",),
    "azureml.pipeline.steps.EstimatorStep": ("azureml.pipeline.steps.estimator_step",),
    "azureml.pipeline.steps.RScriptStep": ("azureml.pipeline.steps.r_script_step",),
    "azureml.pipeline.steps.SynapseSparkStep": ("azureml.pipeline.steps.synapse_spark_step",),
    "azureml.pipeline.steps.AdlaStep": ("azureml.pipeline.steps.adla_step",),
    "azureml.pipeline.steps.AzureBatchStep": ("azureml.pipeline.steps.azurebatch_step",),
    "azureml.pipeline.steps.DataTransferStep": ("azureml.pipeline.steps.data_transfer_step",),
    "azureml.pipeline.steps.DatabricksStep": ("azureml.pipeline.steps.databricks_step",),
    "azureml.pipeline.steps.KustoStep": ("azureml.pipeline.steps.kusto_step",),
    "azureml.pipeline.steps.ModuleStep": ("azureml.pipeline.steps.module_step",),
    "azureml.train.automl.AutoMLConfig": ("azureml.train.automl.automlconfig",),
    "azureml.train.automl.AutoMLImageConfig": ("azureml.train.automl.automlimageconfig",),
    "azureml.train.automl.run.AutoMLRun": (),
}

# Subclasses whose inherited members are matched by the base class's rules
# (`pipeline_run.wait_for_completion()` is `Run.wait_for_completion`).
BASES: dict[str, str] = {
    "azureml.pipeline.core.PipelineRun": "azureml.core.Run",
    "azureml.pipeline.core.StepRun": "azureml.core.Run",
    "azureml.train.automl.run.AutoMLRun": "azureml.core.Run",
    "azureml.train.hyperdrive.HyperDriveRun": "azureml.core.Run",
    # A RunConfiguration's environment sections are the Environment's (rules/jobs.py AML221).
    "azureml.core.RunConfiguration.environment.python": "azureml.core.environment.PythonSection",
    "azureml.core.RunConfiguration.environment.docker": "azureml.core.environment.DockerSection",
}

# `azureml.core.VERSION` and friends: module attributes rather than classes.
_MODULE_ATTRIBUTES = {"azureml.core.VERSION", "azureml.core.__version__"}

# Names a star import from a v1 module binds.  Only modules people star-import appear.
STAR_EXPORTS: dict[str, tuple[str, ...]] = {
    "azureml.core": (
        "Workspace", "Experiment", "RunConfiguration", "Environment", "ScriptRun", "Run",
        "get_run", "Datastore", "ScriptRunConfig", "ComputeTarget", "ContainerRegistry",
        "Model", "Image", "Webservice", "Dataset", "Keyvault", "PrivateEndPoint",
        "PrivateEndPointConfig", "LinkedService", "SynapseWorkspaceLinkedServiceConfiguration",
        "prepare_compute_target", "is_compute_target_prepared", "attach_legacy_compute_target",
        "remove_legacy_compute_target", "VERSION",
    ),
    "azureml.core.runconfig": (
        "RunConfiguration", "MpiConfiguration", "PyTorchConfiguration", "TensorflowConfiguration",
        "DockerConfiguration", "CondaDependencies", "Environment",
    ),
    "azureml.core.conda_dependencies": ("CondaDependencies",),
    "azureml.core.authentication": (
        "InteractiveLoginAuthentication", "ServicePrincipalAuthentication", "MsiAuthentication",
        "AzureCliAuthentication", "TokenAuthentication",
    ),
    "azureml.core.compute": ("ComputeTarget", "AmlCompute", "ComputeInstance"),
    "azureml.core.webservice": ("Webservice", "AciWebservice", "AksWebservice", "LocalWebservice"),
}


def _build_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for public, homes in _CLASS_HOMES.items():
        short = public.rsplit(".", 1)[1]
        for home in homes:
            aliases[f"{home}.{short}"] = public
    return aliases


# "azureml.core.workspace.Workspace" -> "azureml.core.Workspace"
CLASS_ALIASES: dict[str, str] = _build_aliases()
PUBLIC_CLASSES = frozenset(_CLASS_HOMES)


def is_v1(qualified: str) -> bool:
    """True for names in SDK v1 packages (and private `azureml._*` modules)."""
    if not qualified.startswith("azureml."):
        return False
    parts = qualified.split(".")
    if parts[1].startswith("_"):
        return True
    if ".".join(parts[:2]) in V1_PACKAGES:
        return True
    return parts[1] == "automl" and any(qualified == m or qualified.startswith(m + ".") for m in V1_MODULES)


def canonical(qualified: str) -> str:
    """Public spelling of a dotted v1 name, e.g. `azureml.core.run.Run.log` -> `azureml.core.Run.log`."""
    parts = qualified.split(".")
    # Longest prefix that is a known alias wins: modules nest (`azureml.core.compute.compute`).
    for cut in range(len(parts), 2, -1):
        prefix = ".".join(parts[:cut])
        public = CLASS_ALIASES.get(prefix)
        if public is not None:
            return ".".join([public, *parts[cut:]])
    return qualified


def is_class(symbol: str) -> bool:
    return symbol in PUBLIC_CLASSES


def is_module_attribute(symbol: str) -> bool:
    return symbol in _MODULE_ATTRIBUTES

"""Generate ``tests/signatures/v1_snapshot.json`` from the real Azure ML SDK v1 packages.

Run it with the interpreter of a venv that has the v1 packages installed (they
conflict with azure-ai-ml, so they live in a venv of their own)::

    python3 -m venv /work/venv-v1
    /work/venv-v1/bin/pip install -U pip
    /work/venv-v1/bin/pip install azureml-core==1.61.0.post4 azureml-pipeline-core \
        azureml-pipeline-steps azureml-train-core azureml-train-automl-client azureml-widgets "ipython<9"
    /work/venv-v1/bin/python tests/signatures/generate_v1_snapshot.py

The output is deterministic (sorted keys, no timestamps, no local paths) so that
it can be committed and diffed.  The test-suite reads only the JSON, never the
v1 packages.  Everything the azureml packages print or warn while being imported
goes to stderr or is discarded; stdout gets a one-line summary.

Snapshot layout:

``symbols``
    public spelling -> {"canonical", "kind", "params"}.  For a class the params
    are those of ``__init__`` (without ``self``).  ``kind`` is one of class,
    function, method, staticmethod, classmethod, property, attribute.
    ``params`` is null for properties and attributes.  Each param is
    {"name", "kind" (inspect.Parameter kind name), "default" (repr or null)}.
``missing``
    public spellings that were asked for but do not resolve.
``modules``
    module -> {exported name -> canonical "<defining module>.<qualname>"}: the
    module's ``__all__`` when it has one, else its public classes and functions
    defined in azureml.* plus its UPPER_CASE str/number constants (the defining
    module of a constant is found by following ``from ... import`` in source).
``missing_modules``
    modules that could not be imported.
``class_members``
    class public spelling -> {public member name -> kind}: every public member
    (methods, properties, class attributes, instance attributes assigned in an
    ``__init__`` of the class or a base), so rules can be checked against names
    that are not in ``symbols``.
``facts``
    constants and observed behaviour (default images, CondaDependencies output).
``packages``
    versions of the distributions the snapshot was generated from.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import io
import json
import os
import re
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

OUT = Path(__file__).resolve().with_name("v1_snapshot.json")

# --------------------------------------------------------------------------------------
# What to snapshot.  Keys are the spellings users write; members are looked up on the
# class the key resolves to (inherited members included).
# --------------------------------------------------------------------------------------

CLASS_MEMBERS: Dict[str, List[str]] = {
    # workspace and authentication
    "azureml.core.Workspace": [
        "from_config", "get", "create", "list", "delete", "get_details", "write_config",
        "add_private_endpoint", "get_default_keyvault", "get_default_datastore",
        "set_default_datastore", "get_mlflow_tracking_uri", "name", "subscription_id",
        "resource_group", "location", "compute_targets", "datastores", "datasets",
        "environments", "models", "webservices", "experiments", "images", "service_context",
    ],
    "azureml.core.Keyvault": ["set_secret", "get_secret", "set_secrets", "get_secrets", "list_secrets"],
    "azureml.core.authentication.InteractiveLoginAuthentication": [],
    "azureml.core.authentication.ServicePrincipalAuthentication": [],
    "azureml.core.authentication.MsiAuthentication": [],
    "azureml.core.authentication.AzureCliAuthentication": [],
    "azureml.core.authentication.TokenAuthentication": [],
    # experiments, runs, submission
    "azureml.core.ScriptRunConfig": [],
    "azureml.core.Experiment": [
        "submit", "get_runs", "start_logging", "list", "archive", "name", "workspace", "id",
    ],
    "azureml.core.Run": [
        "get_context", "get", "list", "get_portal_url", "wait_for_completion", "id", "name",
        "display_name", "get_status", "status", "cancel", "get_details", "get_children",
        "get_metrics", "download_file", "download_files", "get_file_names", "register_model",
        "submit_child", "child_run", "start", "log", "log_list", "log_row", "log_table",
        "log_image", "log_confusion_matrix", "log_accuracy_table", "log_residuals",
        "log_predictions", "upload_file", "upload_files", "upload_folder", "input_datasets",
        "output_datasets", "tag", "set_tags", "get_tags", "add_properties", "get_properties",
        "properties", "tags", "complete", "fail", "experiment", "parent", "get_secret",
        "get_secrets", "flush", "get_environment", "get_submitted_run",
    ],
    "azureml.core.ScriptRun": [],
    # what Run.get_context() returns inside a submitted job (input_datasets lives only here)
    "azureml.core.run._SubmittedRun": ["input_datasets", "output_datasets", "complete", "fail", "cancel"],
    "azureml.core.run._OfflineRun": ["log", "complete"],
    "azureml.core.experiment.ViewType": [],
    "azureml.core.run.InputDatasets": [],
    "azureml.core.run.OutputDatasets": [],
    # environments and run configuration
    "azureml.core.Environment": [
        "from_conda_specification", "from_pip_requirements", "from_docker_image",
        "from_dockerfile", "from_docker_build_context", "from_existing_conda_environment",
        "get", "list", "label", "register", "clone", "build", "build_local",
        "save_to_directory", "load_from_directory", "add_private_pip_wheel",
        "get_image_details", "docker", "python", "environment_variables", "name", "version",
        "spark", "r", "inferencing_stack_version",
    ],
    "azureml.core.environment.DockerSection": [
        "base_image", "base_dockerfile", "base_image_registry", "enabled", "shm_size",
        "arguments", "build_context",
    ],
    "azureml.core.environment.PythonSection": [
        "user_managed_dependencies", "conda_dependencies", "interpreter_path",
        "conda_dependencies_file",
    ],
    "azureml.core.environment.DockerBuildContext": ["from_local_directory"],
    "azureml.core.conda_dependencies.CondaDependencies": [
        "create", "add_pip_package", "add_conda_package", "add_channel", "set_python_version",
        "get_python_version", "remove_pip_package", "remove_conda_package", "set_pip_option",
        "set_pip_index_url", "serialize_to_string", "save", "save_to_file", "pip_packages",
        "conda_packages", "conda_channels", "merge_requirements", "sdk_origin_url",
    ],
    "azureml.core.runconfig.RunConfiguration": [
        "load", "save", "delete", "target", "environment", "node_count", "docker",
        "environment_variables", "max_run_duration_seconds", "mpi", "pytorch", "tensorflow",
        "priority", "data", "output_data", "amlcompute", "credential_passthrough", "services",
        "script", "arguments", "command", "framework", "communicator", "history", "spark",
        "hdi", "instance_type", "datacaches", "kubernetescompute", "paralleltask",
        "data_references", "source_directory_data_store", "auto_prepare_environment",
    ],
    "azureml.core.runconfig.DockerConfiguration": [],
    "azureml.core.runconfig.MpiConfiguration": [],
    "azureml.core.runconfig.PyTorchConfiguration": [],
    "azureml.core.runconfig.TensorflowConfiguration": [],
    "azureml.core.runconfig.DataReferenceConfiguration": [],
    "azureml.core.runconfig.HistoryConfiguration": [],
    "azureml.core.runconfig.SparkConfiguration": [],
    "azureml.core.runconfig.AmlComputeConfiguration": [],
    # compute
    "azureml.core.ComputeTarget": [
        "create", "attach", "list", "delete", "detach", "wait_for_completion", "get_status",
        "name", "type", "provisioning_state",
    ],
    "azureml.core.compute.AmlCompute": [
        "provisioning_configuration", "create", "wait_for_completion", "update", "list_nodes",
        "get_status", "delete", "detach", "supported_vmsizes", "get_active_runs",
    ],
    "azureml.core.compute.ComputeInstance": [
        "provisioning_configuration", "create", "start", "stop", "restart", "delete",
        "wait_for_completion", "get_status", "supported_vmsizes",
    ],
    "azureml.core.compute.AksCompute": ["provisioning_configuration", "attach_configuration"],
    "azureml.core.compute.KubernetesCompute": ["attach_configuration"],
    "azureml.core.compute.amlcompute.AmlComputeProvisioningConfiguration": [],
    "azureml.core.compute.computeinstance.ComputeInstanceProvisioningConfiguration": [],
    "azureml.core.compute_target.LocalTarget": [],
    "azureml.core.compute_target.AbstractComputeTarget": [],
    "azureml.exceptions.ComputeTargetException": [],
    "azureml.exceptions.WebserviceException": [],
    "azureml.exceptions.UserErrorException": [],
    "azureml.exceptions.ModelNotFoundException": [],
    "azureml.exceptions.ExperimentExecutionException": [],
    # datastores and data
    "azureml.core.Datastore": [
        "register_azure_blob_container", "register_azure_file_share",
        "register_azure_data_lake_gen2", "register_azure_data_lake",
        "register_azure_sql_database", "register_azure_postgre_sql", "register_azure_my_sql",
        "register_dbfs", "register_hdfs", "get", "get_default", "set_as_default", "unregister",
    ],
    "azureml.data.azure_storage_datastore.AzureBlobDatastore": [
        "upload", "upload_files", "download", "as_mount", "as_download", "path", "name",
        "datastore_type", "container_name", "account_name",
    ],
    "azureml.data.azure_storage_datastore.AzureFileDatastore": [
        "upload", "upload_files", "download", "as_mount", "as_download", "path",
    ],
    "azureml.data.azure_data_lake_datastore.AzureDataLakeDatastore": [],
    "azureml.data.azure_data_lake_datastore.AzureDataLakeGen2Datastore": [],
    "azureml.data.datapath.DataPath": ["as_mount", "as_download", "create_data_reference"],
    "azureml.core.Dataset": ["get_by_name", "get_by_id", "get_all", "File", "Tabular"],
    "azureml.core.Dataset.File": ["from_files", "upload_directory"],
    "azureml.core.Dataset.Tabular": [
        "from_delimited_files", "from_parquet_files", "from_json_lines_files", "from_sql_query",
        "register_pandas_dataframe", "register_spark_dataframe", "register_dask_dataframe",
    ],
    "azureml.data.dataset_factory.FileDatasetFactory": ["from_files", "upload_directory"],
    "azureml.data.dataset_factory.TabularDatasetFactory": [
        "from_delimited_files", "from_parquet_files", "from_json_lines_files", "from_sql_query",
        "register_pandas_dataframe",
    ],
    "azureml.data.FileDataset": [
        "as_mount", "as_download", "as_hdfs", "as_named_input", "download", "mount", "to_path",
        "register", "name", "version", "id",
    ],
    "azureml.data.TabularDataset": [
        "to_pandas_dataframe", "random_split", "as_named_input", "register", "name", "version",
        "id", "take", "skip", "drop_columns", "keep_columns",
    ],
    "azureml.data.abstract_dataset.AbstractDataset": [
        "as_named_input", "register", "get_by_name", "get_by_id", "get_all",
    ],
    "azureml.data.DataType": [],
    "azureml.data.dataset_consumption_config.DatasetConsumptionConfig": [
        "as_mount", "as_download", "as_hdfs",
    ],
    "azureml.data.OutputFileDatasetConfig": [
        "as_mount", "as_upload", "as_input", "register_on_complete", "read_delimited_files",
        "read_parquet_files",
    ],
    "azureml.data.output_dataset_config.OutputDatasetConfig": [],
    "azureml.data.output_dataset_config.OutputTabularDatasetConfig": [],
    "azureml.data.HDFSOutputDatasetConfig": [],
    # models and deployment
    "azureml.core.Model": [
        "register", "deploy", "list", "download", "delete", "get_model_path", "package",
        "profile", "serialize", "update", "add_tags", "name", "version", "id",
    ],
    "azureml.core.model.InferenceConfig": [],
    "azureml.core.model.ModelPackage": [],
    "azureml.core.Webservice": [
        "deploy", "deploy_from_model", "deploy_from_image", "list", "run", "delete",
        "get_keys", "get_logs", "wait_for_deployment", "scoring_uri", "swagger_uri", "update",
        "state", "name",
    ],
    "azureml.core.webservice.AciWebservice": [
        "deploy_configuration", "run", "update", "delete", "get_keys", "get_logs",
        "wait_for_deployment", "scoring_uri",
    ],
    "azureml.core.webservice.AksWebservice": [
        "deploy_configuration", "run", "update", "delete", "get_keys", "get_logs",
        "wait_for_deployment", "scoring_uri", "get_token",
    ],
    "azureml.core.webservice.AksEndpoint": [],
    "azureml.core.webservice.LocalWebservice": [
        "deploy_configuration", "run", "update", "delete", "get_logs", "wait_for_deployment",
        "scoring_uri",
    ],
    "azureml.core.webservice.aci.ContainerResourceRequirements": [],
    "azureml.core.webservice.aci.AciServiceDeploymentConfiguration": [],
    "azureml.core.webservice.aks.AksServiceDeploymentConfiguration": [],
    "azureml.core.webservice.local.LocalWebserviceDeploymentConfiguration": [],
    # other azureml.core names (section 1)
    "azureml.core.ContainerRegistry": [],
    "azureml.core.Image": [],
    "azureml.core.PrivateEndPoint": [],
    "azureml.core.PrivateEndPointConfig": [],
    "azureml.core.LinkedService": [],
    "azureml.core.SynapseWorkspaceLinkedServiceConfiguration": [],
    # hyperdrive
    "azureml.train.hyperdrive.HyperDriveConfig": [],
    "azureml.train.hyperdrive.HyperDriveRunConfig": [],
    "azureml.train.hyperdrive.RandomParameterSampling": [],
    "azureml.train.hyperdrive.GridParameterSampling": [],
    "azureml.train.hyperdrive.BayesianParameterSampling": [],
    "azureml.train.hyperdrive.BanditPolicy": [],
    "azureml.train.hyperdrive.MedianStoppingPolicy": [],
    "azureml.train.hyperdrive.TruncationSelectionPolicy": [],
    "azureml.train.hyperdrive.NoTerminationPolicy": [],
    "azureml.train.hyperdrive.PrimaryMetricGoal": ["MAXIMIZE", "MINIMIZE"],
    "azureml.train.hyperdrive.HyperDriveRun": [
        "get_best_run_by_primary_metric", "get_children_sorted_by_primary_metric",
        "get_metrics", "get_portal_url", "wait_for_completion", "cancel",
    ],
    # estimators (deprecated)
    "azureml.train.estimator.Estimator": [],
    "azureml.train.dnn.PyTorch": [],
    "azureml.train.dnn.TensorFlow": [],
    "azureml.train.dnn.Chainer": [],
    "azureml.train.dnn.Mpi": [],
    "azureml.train.dnn.Gloo": [],
    "azureml.train.dnn.Nccl": [],
    "azureml.train.dnn.ParameterServer": [],
    "azureml.train.sklearn.SKLearn": [],
    # pipelines
    "azureml.pipeline.core.Pipeline": ["submit", "publish", "validate", "load_yaml"],
    "azureml.pipeline.core.PipelineData": ["as_dataset", "as_download", "as_mount", "as_input"],
    "azureml.pipeline.core.PipelineParameter": [],
    "azureml.pipeline.core.PipelineDataset": [],
    "azureml.pipeline.core.StepSequence": [],
    "azureml.pipeline.core.PipelineStep": ["run_after"],
    "azureml.pipeline.core.PublishedPipeline": ["get_all", "get", "submit", "disable"],
    "azureml.pipeline.core.PipelineEndpoint": [
        "get", "list", "publish", "submit", "add_default", "set_default",
    ],
    "azureml.pipeline.core.PipelineRun": [
        "wait_for_completion", "find_step_run", "get_steps", "get_portal_url", "publish_pipeline",
    ],
    "azureml.pipeline.core.StepRun": ["get_output_data", "get_output", "wait_for_completion"],
    "azureml.pipeline.core.Schedule": ["create", "get", "list", "disable", "update"],
    "azureml.pipeline.core.ScheduleRecurrence": [],
    "azureml.pipeline.core.TimeZone": [],
    "azureml.pipeline.core.TrainingOutput": [],
    "azureml.pipeline.core.PortDataReference": [],
    "azureml.pipeline.core.OutputPortBinding": [],
    "azureml.pipeline.core.InputPortBinding": [],
    "azureml.pipeline.core.Module": [],
    "azureml.pipeline.core.ModuleVersion": [],
    "azureml.pipeline.core.PipelineDraft": [],
    "azureml.pipeline.steps.PythonScriptStep": [],
    "azureml.pipeline.steps.CommandStep": [],
    "azureml.pipeline.steps.ParallelRunStep": [],
    "azureml.pipeline.steps.ParallelRunConfig": ["load_yaml", "save_to_yaml"],
    "azureml.pipeline.steps.HyperDriveStep": [],
    "azureml.pipeline.steps.AutoMLStep": [],
    "azureml.pipeline.steps.EstimatorStep": [],
    "azureml.pipeline.steps.MpiStep": [],
    "azureml.pipeline.steps.RScriptStep": [],
    "azureml.pipeline.steps.ModuleStep": [],
    "azureml.pipeline.steps.DataTransferStep": [],
    "azureml.pipeline.steps.DatabricksStep": [],
    "azureml.pipeline.steps.AdlaStep": [],
    "azureml.pipeline.steps.AzureBatchStep": [],
    "azureml.pipeline.steps.KustoStep": [],
    "azureml.pipeline.steps.SynapseSparkStep": [],
    # automl
    "azureml.train.automl.AutoMLConfig": [],
    "azureml.train.automl.AutoMLImageConfig": [],
    "azureml.train.automl.run.AutoMLRun": [
        "get_output", "get_best_child", "register_model", "get_portal_url",
        "wait_for_completion",
    ],
    "azureml.automl.core.forecasting_parameters.ForecastingParameters": [],
    "azureml.automl.core.featurization.FeaturizationConfig": [],
    # widgets (separate package, usually not installed)
    "azureml.widgets.RunDetails": ["show"],
    "azureml.data.data_reference.DataReference": ["as_mount", "as_download", "path"],
}

FUNCTIONS: List[str] = [
    "azureml.core.get_run",
    "azureml.core.prepare_compute_target",
    "azureml.core.is_compute_target_prepared",
    "azureml.core.attach_legacy_compute_target",
    "azureml.core.remove_legacy_compute_target",
    "azureml.train.hyperdrive.choice",
    "azureml.train.hyperdrive.randint",
    "azureml.train.hyperdrive.uniform",
    "azureml.train.hyperdrive.quniform",
    "azureml.train.hyperdrive.loguniform",
    "azureml.train.hyperdrive.qloguniform",
    "azureml.train.hyperdrive.normal",
    "azureml.train.hyperdrive.qnormal",
    "azureml.train.hyperdrive.lognormal",
    "azureml.train.hyperdrive.qlognormal",
    "azureml.train.automl.get_sdk_dependencies",
]

MODULES: List[str] = [
    "azureml.core",
    "azureml.core.workspace",
    "azureml.core.experiment",
    "azureml.core.run",
    "azureml.core.script_run",
    "azureml.core.script_run_config",
    "azureml.core.runconfig",
    "azureml.core.environment",
    "azureml.core.conda_dependencies",
    "azureml.core.compute",
    "azureml.core.compute.amlcompute",
    "azureml.core.compute.computeinstance",
    "azureml.core.compute.aks",
    "azureml.core.compute.kubernetescompute",
    "azureml.core.compute_target",
    "azureml.core.authentication",
    "azureml.core.model",
    "azureml.core.image",
    "azureml.core.keyvault",
    "azureml.core.webservice",
    "azureml.core.webservice.aci",
    "azureml.core.webservice.aks",
    "azureml.core.webservice.local",
    "azureml.core.dataset",
    "azureml.core.datastore",
    "azureml.exceptions",
    "azureml.data",
    "azureml.data.dataset_factory",
    "azureml.data.output_dataset_config",
    "azureml.data.dataset_consumption_config",
    "azureml.data.datapath",
    "azureml.data.azure_storage_datastore",
    "azureml.data.azure_data_lake_datastore",
    "azureml.data.file_dataset",
    "azureml.data.tabular_dataset",
    "azureml.data.abstract_dataset",
    "azureml.train.hyperdrive",
    "azureml.train.hyperdrive.runconfig",
    "azureml.train.hyperdrive.sampling",
    "azureml.train.hyperdrive.policy",
    "azureml.train.hyperdrive.parameter_expressions",
    "azureml.train.hyperdrive.run",
    "azureml.train.estimator",
    "azureml.train.sklearn",
    "azureml.train.dnn",
    "azureml.train.automl",
    "azureml.train.automl.run",
    "azureml.train.automl.automlconfig",
    "azureml.automl.core.forecasting_parameters",
    "azureml.automl.core.featurization",
    "azureml.pipeline.core",
    "azureml.pipeline.core.graph",
    "azureml.pipeline.core.builder",
    "azureml.pipeline.core.pipeline",
    "azureml.pipeline.core.schedule",
    "azureml.pipeline.core.pipeline_endpoint",
    "azureml.pipeline.core.run",
    "azureml.pipeline.steps",
    "azureml.widgets",
]

CONDA_CREATE_CASES: Dict[str, Dict[str, Any]] = {
    "pip_conda_py310": dict(pip_packages=["scikit-learn"], conda_packages=["numpy"], python_version="3.10"),
    "pip_conda_py310_unpinned": dict(
        pip_packages=["scikit-learn"], conda_packages=["numpy"], python_version="3.10", pin_sdk_version=False
    ),
    "conda_only": dict(conda_packages=["numpy"]),
    "no_arguments": dict(),
    "azureml_pip_packages_pinned": dict(pip_packages=["azureml-defaults", "azureml-core", "mlflow"]),
}

# --------------------------------------------------------------------------------------
# Introspection helpers
# --------------------------------------------------------------------------------------

_ADDR = re.compile(r" at 0x[0-9a-fA-F]+")


def _clean_repr(value: Any) -> str:
    text = repr(value)
    text = _ADDR.sub("", text)
    # never leak a local path (site-packages, home, cwd) into the snapshot
    for prefix in sorted({sys.prefix, sys.base_prefix, os.getcwd(), str(Path.home())}, key=len, reverse=True):
        if prefix and prefix != "/":
            text = text.replace(prefix, "<prefix>")
    return text


def _params(func: Any, drop_first: bool) -> Optional[List[Dict[str, Any]]]:
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return None
    params = list(sig.parameters.values())
    if drop_first and params and params[0].kind in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    ):
        params = params[1:]
    return [
        {
            "name": p.name,
            "kind": p.kind.name,
            "default": None if p.default is inspect.Parameter.empty else _clean_repr(p.default),
        }
        for p in params
    ]


def _qual(obj: Any) -> str:
    obj = inspect.unwrap(obj) if callable(obj) else obj
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', getattr(obj, '__name__', '?'))}"


def _class_params(cls: type) -> Optional[List[Dict[str, Any]]]:
    init = cls.__dict__.get("__init__")
    if init is None:
        for base in cls.__mro__[1:]:
            if "__init__" in base.__dict__:
                init = base.__dict__["__init__"]
                break
    if init is None or init is object.__init__:
        return []
    return _params(init, drop_first=True)


def _init_assigned_attributes(cls: type) -> Dict[str, type]:
    """Names assigned as ``self.<name> = ...`` in any method of cls or a base -> defining class.

    v1 classes often set their public state in ``__init__`` or in helpers such as
    ``_initialize``, so every plain function in the class bodies is scanned.
    """
    found: Dict[str, type] = {}
    for klass in reversed(cls.__mro__):
        if klass is object:
            continue
        for member in list(klass.__dict__.values()):
            if isinstance(member, (staticmethod, classmethod)):
                continue
            func = inspect.unwrap(member) if callable(member) else None
            if not inspect.isfunction(func):
                continue
            try:
                source = textwrap.dedent(inspect.getsource(func))
                tree = ast.parse(source)
            except (OSError, TypeError, SyntaxError, IndentationError):
                continue
            for node in ast.walk(tree):
                targets: List[ast.expr] = []
                if isinstance(node, ast.Assign):
                    targets = list(node.targets)
                elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                    targets = [node.target]
                for target in targets:
                    for sub in ast.walk(target):
                        if (
                            isinstance(sub, ast.Attribute)
                            and isinstance(sub.value, ast.Name)
                            and sub.value.id == "self"
                            and sub.attr not in found
                        ):
                            found[sub.attr] = klass
    return found


def _owner(cls: type, name: str) -> type:
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return klass
    return cls


def _original_descriptor(raw: Any) -> Any:
    """For a plain function copied into a class body from another class
    (``get_by_name = _Dataset.get_by_name``), the staticmethod/classmethod it was
    defined as in its own class; otherwise ``raw``.
    """
    func = inspect.unwrap(raw) if callable(raw) else raw
    if not inspect.isfunction(func) or "." not in func.__qualname__ or "<locals>" in func.__qualname__:
        return raw
    owner_path, _, attr = func.__qualname__.rpartition(".")
    owner: Any = sys.modules.get(func.__module__)
    for part in owner_path.split("."):
        owner = getattr(owner, part, None)
    if not inspect.isclass(owner):
        return raw
    try:
        original = inspect.getattr_static(owner, attr)
    except AttributeError:
        return raw
    return original if isinstance(original, (staticmethod, classmethod)) else raw


def _describe_member(cls: type, name: str) -> Optional[Dict[str, Any]]:
    try:
        raw = _original_descriptor(inspect.getattr_static(cls, name))
    except AttributeError:
        attrs = _init_assigned_attributes(cls)
        if name in attrs:
            owner = attrs[name]
            return {"canonical": f"{owner.__module__}.{owner.__qualname__}.{name}", "kind": "attribute", "params": None}
        return None
    owner = _owner(cls, name)
    if isinstance(raw, staticmethod):
        return {"canonical": _qual(raw.__func__), "kind": "staticmethod", "params": _params(raw.__func__, False)}
    if isinstance(raw, classmethod):
        return {"canonical": _qual(raw.__func__), "kind": "classmethod", "params": _params(raw.__func__, True)}
    if isinstance(raw, property):
        target = raw.fget if raw.fget is not None else raw
        canonical = _qual(target) if raw.fget is not None else f"{owner.__module__}.{owner.__qualname__}.{name}"
        return {"canonical": canonical, "kind": "property", "params": None}
    if inspect.isclass(raw):
        return {"canonical": _qual(raw), "kind": "class", "params": _class_params(raw)}
    if inspect.isfunction(raw) or (inspect.ismethoddescriptor(raw) and callable(raw)):
        return {"canonical": _qual(raw), "kind": "method", "params": _params(raw, True)}
    return {"canonical": f"{owner.__module__}.{owner.__qualname__}.{name}", "kind": "attribute", "params": None}


def _import_prefix(dotted: str) -> Tuple[Any, List[str]]:
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        name = ".".join(parts[:i])
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        return module, parts[i:]
    raise ImportError(dotted)


def describe(dotted: str) -> Optional[Dict[str, Any]]:
    """Resolve a public spelling and describe it, or None if it does not exist."""
    try:
        obj, rest = _import_prefix(dotted)
    except Exception:  # noqa: BLE001 - a v1 import may fail in any way
        return None
    if not rest:
        return None  # a bare module is not a symbol
    for i, part in enumerate(rest):
        last = i == len(rest) - 1
        if inspect.isclass(obj) and last:
            return _describe_member(obj, part)
        try:
            nxt = getattr(obj, part)
        except Exception:  # noqa: BLE001
            return None
        if last:
            if inspect.isclass(nxt):
                return {"canonical": _qual(nxt), "kind": "class", "params": _class_params(nxt)}
            if inspect.isfunction(inspect.unwrap(nxt)) or inspect.isbuiltin(nxt):
                return {"canonical": _qual(nxt), "kind": "function", "params": _params(nxt, False)}
            if inspect.ismodule(nxt):
                return None
            return {"canonical": f"{obj.__name__}.{part}", "kind": "attribute", "params": None}
        obj = nxt
    return None


def _all_public_members(cls: type) -> Dict[str, str]:
    names = set()
    for klass in cls.__mro__:
        if klass is object:
            continue
        names.update(n for n in klass.__dict__ if not n.startswith("_"))
    names.update(n for n in _init_assigned_attributes(cls) if not n.startswith("_"))
    out = {}
    for name in sorted(names):
        desc = _describe_member(cls, name)
        if desc is not None:
            out[name] = desc["kind"]
    return out


def _resolve_module_constant(module_name: str, name: str, depth: int = 0) -> str:
    """Follow ``from X import name`` chains in source to find where a constant is defined."""
    if depth > 8:
        return f"{module_name}.{name}"
    try:
        module = importlib.import_module(module_name)
        tree = ast.parse(inspect.getsource(module))
    except Exception:  # noqa: BLE001
        return f"{module_name}.{name}"
    package = module_name if hasattr(module, "__path__") else module_name.rpartition(".")[0]
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                value = node.value
                if isinstance(value, ast.Name) and value.id != name:
                    # ``MPI_CPU_IMAGE = DEFAULT_CPU_IMAGE``: an alias of another name
                    return _resolve_module_constant(module_name, value.id, depth + 1)
                if not (isinstance(value, ast.Name) and value.id == name):
                    return f"{module_name}.{name}"
                # ``X = X`` re-binds an imported name: follow the import below
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    if node.level:
                        base = package.split(".")
                        base = base[: len(base) - (node.level - 1)]
                        source = ".".join(base + ([node.module] if node.module else []))
                    else:
                        source = node.module or ""
                    return _resolve_module_constant(source, alias.name, depth + 1)
    return f"{module_name}.{name}"


def module_exports(module_name: str) -> Optional[Dict[str, str]]:
    try:
        module = importlib.import_module(module_name)
    except Exception:  # noqa: BLE001
        return None
    explicit = getattr(module, "__all__", None)
    out: Dict[str, str] = {}
    if explicit is not None:
        names = sorted(set(explicit))
    else:
        names = sorted(n for n in vars(module) if not n.startswith("_"))
    for name in names:
        try:
            value = getattr(module, name)
        except AttributeError:
            out[name] = f"{module_name}.{name} (declared in __all__, missing)"
            continue
        if inspect.ismodule(value):
            if explicit is not None:
                out[name] = value.__name__
            continue
        is_code = inspect.isclass(value) or (callable(value) and inspect.isfunction(inspect.unwrap(value)))
        if is_code:
            defining = getattr(inspect.unwrap(value), "__module__", "") or ""
            if explicit is None and not defining.startswith("azureml"):
                continue
            out[name] = _qual(value)
        elif explicit is not None:
            out[name] = _resolve_module_constant(module_name, name)
        elif name.isupper() and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            # UPPER_CASE str/number constants defined in azureml.*
            # (e.g. ``from azureml.core.runconfig import DEFAULT_CPU_IMAGE``)
            canonical = _resolve_module_constant(module_name, name)
            if canonical.startswith("azureml."):
                out[name] = canonical
    return out


def _plain(value: Any) -> Any:
    """ruamel CommentedMap/CommentedSeq -> plain dict/list."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def facts() -> Dict[str, Any]:
    import azureml.core
    import azureml.core.conda_dependencies as cdm
    import azureml.core.environment as envm
    from azureml.core import Environment
    from azureml.core.conda_dependencies import CondaDependencies

    out: Dict[str, Any] = {
        "azureml.core.VERSION": azureml.core.VERSION,
        "azureml.core.environment.DEFAULT_CPU_IMAGE": envm.DEFAULT_CPU_IMAGE,
        "azureml.core.environment.DEFAULT_GPU_IMAGE": envm.DEFAULT_GPU_IMAGE,
        "azureml.core.conda_dependencies.PYTHON_DEFAULT_VERSION": cdm.PYTHON_DEFAULT_VERSION,
        "azureml.core.conda_dependencies.DEFAULT_SDK_ORIGIN": cdm.DEFAULT_SDK_ORIGIN,
        "azureml.core.conda_dependencies.CondaDependencies.sdk_origin_url()": CondaDependencies.sdk_origin_url(),
        "azureml.core.conda_dependencies.CondaDependencies._sdk_scope()": CondaDependencies._sdk_scope(),
    }
    create = {}
    for case, kwargs in CONDA_CREATE_CASES.items():
        cd = CondaDependencies.create(**kwargs)
        create[case] = {
            "kwargs": kwargs,
            "yaml": cd.serialize_to_string(),
            "dict": _plain(cd._conda_dependencies),
            "pip_packages": list(cd.pip_packages),
            "conda_packages": list(cd.conda_packages),
            "conda_channels": list(cd.conda_channels),
            "python_version": cd.get_python_version(),
        }
    out["CondaDependencies.create"] = create
    base = CondaDependencies()
    out["CondaDependencies()"] = {
        "yaml": base.serialize_to_string(),
        "dict": _plain(base._conda_dependencies),
        "python_version": base.get_python_version(),
    }
    env = Environment("snapshot-env")
    out["Environment(name)"] = {
        "docker.base_image": env.docker.base_image,
        "docker.base_dockerfile": env.docker.base_dockerfile,
        "python.user_managed_dependencies": env.python.user_managed_dependencies,
        "python.conda_dependencies.python_version": env.python.conda_dependencies.get_python_version(),
        "python.conda_dependencies.dict": _plain(env.python.conda_dependencies._conda_dependencies),
        "environment_variables": _plain(env.environment_variables),
    }
    from azureml.core import ScriptRunConfig
    from azureml.core.runconfig import RunConfiguration, PyTorchConfiguration

    src = ScriptRunConfig(source_directory=".", script="train.py")
    out["ScriptRunConfig(source_directory, script)"] = {
        "run_config.target": src.run_config.target,
        "run_config.node_count": src.run_config.node_count,
        "run_config.max_run_duration_seconds": src.run_config.max_run_duration_seconds,
        "run_config.environment.name": src.run_config.environment.name,
    }
    rc = RunConfiguration()
    out["RunConfiguration()"] = {
        "target": rc.target,
        "node_count": rc.node_count,
        "environment.docker.base_image": rc.environment.docker.base_image,
    }
    pt = PyTorchConfiguration(node_count=2)
    out["PyTorchConfiguration(node_count=2)"] = {
        "process_count": pt.process_count,
        "node_count": pt.node_count,
        "communication_backend": pt.communication_backend,
    }
    return out


def _versions() -> Dict[str, str]:
    from importlib import metadata

    out = {}
    for dist in [
        "azureml-core", "azureml-pipeline-core", "azureml-pipeline-steps", "azureml-train-core",
        "azureml-train-automl-client", "azureml-automl-core", "azureml-dataset-runtime",
        "azureml-dataprep", "azureml-widgets",
    ]:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    out["python"] = "{}.{}".format(*sys.version_info[:2])
    return out


def build() -> Dict[str, Any]:
    symbols: Dict[str, Any] = {}
    missing: List[str] = []
    class_members: Dict[str, Any] = {}

    wanted: List[str] = []
    for cls_key, members in CLASS_MEMBERS.items():
        wanted.append(cls_key)
        wanted.extend(f"{cls_key}.{m}" for m in members)
    wanted.extend(FUNCTIONS)

    for key in wanted:
        desc = describe(key)
        if desc is None:
            missing.append(key)
        else:
            symbols[key] = desc

    for cls_key in CLASS_MEMBERS:
        if symbols.get(cls_key, {}).get("kind") != "class":
            continue
        obj, rest = _import_prefix(cls_key)
        for part in rest:
            obj = getattr(obj, part)
        class_members[cls_key] = _all_public_members(obj)

    modules: Dict[str, Any] = {}
    missing_modules: List[str] = []
    for name in MODULES:
        exports = module_exports(name)
        if exports is None:
            missing_modules.append(name)
        else:
            modules[name] = exports

    return {
        "generator": "tests/signatures/generate_v1_snapshot.py",
        "packages": _versions(),
        "symbols": symbols,
        "missing": sorted(set(missing)),
        "modules": modules,
        "missing_modules": sorted(missing_modules),
        "class_members": class_members,
        "facts": facts(),
    }


def main() -> int:
    os.environ.setdefault("AZUREML_LOG_DEPRECATION", "false")
    real_stdout = sys.stdout
    sink = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # The azureml packages print notices on import; keep stdout for the summary.
        with contextlib.redirect_stdout(sink):
            snapshot = build()
    text = json.dumps(snapshot, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    for prefix in {sys.prefix, sys.base_prefix, os.getcwd(), str(Path.home())}:
        if prefix and prefix != "/" and prefix in text:
            print(f"warning: local path {prefix!r} leaked into the snapshot", file=sys.stderr)
    OUT.write_text(text, encoding="utf-8")
    print(
        f"wrote {OUT.name}: {len(snapshot['symbols'])} symbols, {len(snapshot['missing'])} missing, "
        f"{len(snapshot['modules'])} modules, {len(snapshot['missing_modules'])} missing modules",
        file=real_stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

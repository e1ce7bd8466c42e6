"""Models, deployment and endpoints (AML6xx): `ml_client.models` and online endpoints.

Model registration maps one call to one call:

    model = Model.register(ws, "outputs/model.pkl", "sklearn-model", tags={...})
    model = ml_client.models.create_or_update(
        Model(path="outputs/model.pkl", name="sklearn-model", tags={...}, type=AssetTypes.CUSTOM_MODEL))

Deployment does not: an ACI/AKS web service becomes a managed online endpoint plus a
deployment, with a different compute model (SKUs instead of CPU/memory), a different
model folder layout in the scoring container (the scoring script, a file this tool does
not see, usually has to change) and a new scoring URI and keys.  The deployment calls
are therefore diagnostics with step-by-step guidance; operations on an existing service
(`Webservice(ws, name)`) are fixed where v2 has the same meaning.
"""

from __future__ import annotations

import ast
import json
import re

from ..fixes.lazy import cst

from ..astutil import literal, walk
from ..fixes.calls import arg_map, keyword_arg, rebuild_call
from .base import LEARN, MANUAL, SAFE, UNSAFE, BindingSpec, Check, Rule, remove_statement

URL_MODEL = LEARN + "migrate-to-v2-assets-model"
URL_DEPLOY = LEARN + "migrate-to-v2-deploy-endpoints"
URL_MOE = LEARN + "migrate-to-v2-managed-online-endpoints"

MODEL = "azureml.core.Model"
RUN = "azureml.core.Run"
INFERENCE = "azureml.core.model.InferenceConfig"
WEBSERVICE = "azureml.core.Webservice"
ACI = "azureml.core.webservice.AciWebservice"
ACI_CONFIG = "azureml.core.webservice.aci.AciServiceDeploymentConfiguration"
AKS = "azureml.core.webservice.AksWebservice"
LOCAL = "azureml.core.webservice.LocalWebservice"
SERVICE_KINDS = (WEBSERVICE, ACI, AKS, LOCAL)
ENTITIES = "azure.ai.ml.entities"

REGISTER_PARAMS = (
    "workspace", "model_path", "model_name", "tags", "properties", "description", "datasets", "model_framework",
    "model_framework_version", "child_paths", "sample_input_dataset", "sample_output_dataset",
    "resource_configuration",
)
MODEL_PARAMS = ("workspace", "name", "id", "tags", "properties", "version", "run_id", "model_framework", "expand")
LIST_PARAMS = (
    "workspace", "name", "tags", "properties", "run_id", "latest", "dataset_id", "expand", "page_count",
    "model_framework",
)
SERVICE_PARAMS = ("workspace", "name")
ACI_PARAMS = (
    "cpu_cores", "memory_gb", "tags", "properties", "description", "location", "auth_enabled", "ssl_enabled",
    "enable_app_insights", "ssl_cert_pem_file", "ssl_key_pem_file", "ssl_cname", "dns_name_label", "primary_key",
    "secondary_key", "collect_model_data", "cmk_vault_base_url", "cmk_key_name", "cmk_key_version", "vnet_name",
    "subnet_name",
)
INFERENCE_PARAMS = (
    "entry_script", "runtime", "conda_file", "extra_docker_file_steps", "source_directory", "enable_gpu",
    "description", "base_image", "base_image_registry", "cuda_version", "environment",
)
DEPLOY_PARAMS = (
    "workspace", "name", "models", "inference_config", "deployment_config", "deployment_target", "overwrite",
    "show_output",
)

# ACI CPU cores / memory (GB) -> managed online SKU; intervals are (lower, upper]
# (mapping.md §7.1, from Microsoft's managed online endpoint migration article).
SKU_TABLE = (
    ((0, 1), (0, 1.2), "Standard_DS1_v2"),
    ((1, 2), (1.2, 1.7), "Standard_F2s_v2"),
    ((1, 2), (1.7, 4.7), "Standard_DS2_v2"),
    ((1, 2), (4.7, 13.7), "Standard_E2s_v3"),
    ((2, 4), (0, 5.7), "Standard_F4s_v2"),
    ((2, 4), (5.7, 11.7), "Standard_DS3_v2"),
    ((2, 4), (11.7, 16), "Standard_E4s_v3"),
)
ACI_DEFAULT_CPU = 0.1  # azureml-core: AciWebservice.deploy_configuration documents 0.1 cores ...
ACI_DEFAULT_MEMORY = 0.5  # ... and 0.5 GB when not given


def aci_sku(cpu: float, memory: float) -> str | None:
    """The managed online SKU Microsoft maps an ACI container of this size to (None: no row)."""
    for (c_lo, c_hi), (m_lo, m_hi), sku in SKU_TABLE:
        if c_lo < cpu <= c_hi and m_lo < memory <= m_hi:
            return sku
    return None


def _model_workspace(site):
    """(model binding, its workspace binding) for a use of a model variable."""
    b = site.receiver_binding()
    if b is None or b.creator is None or not isinstance(b.creator.rule, (ModelRegister, ModelGet)):
        return None, None
    return b, b.creator.facts.get("workspace")


def _service_workspace(site):
    """(service binding, its workspace binding) for a use of a web service variable."""
    b = site.receiver_binding()
    if b is None or b.creator is None or not isinstance(b.creator.rule, (WebserviceGet, ModelDeploy)):
        return None, None
    return b, b.creator.facts.get("workspace")


def _consume_names(site, expr: ast.expr | None) -> None:
    """Declare every v1 variable inside `expr` as used by this (manual) call."""
    if expr is None:
        return
    for n in walk(expr):
        if isinstance(n, ast.Name):
            site.consume(n)


def _name_version(receiver: cst.BaseExpression) -> list:
    return [
        keyword_arg("name", cst.Attribute(value=receiver, attr=cst.Name("name"))),
        keyword_arg("version", cst.Attribute(value=receiver, attr=cst.Name("version"))),
    ]


def _commas(args: list) -> list:
    sep = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [a.with_changes(comma=sep) for a in args[:-1]] + args[-1:]


# -- models -----------------------------------------------------------------------------


class ModelRegister(Rule):
    """Register a model from local files.

    ## Migration
    `ml_client.models.create_or_update(Model(path=..., name=..., type=AssetTypes.CUSTOM_MODEL))`
    with `Model` from `azure.ai.ml.entities`. v1's positional order is
    `(workspace, model_path, model_name)`: `model_path` -> `path`, `model_name` -> `name`;
    `tags`, `properties` and `description` keep their names. `type` is
    `AssetTypes.CUSTOM_MODEL` (use `AssetTypes.MLFLOW_MODEL` for an MLflow model folder,
    which enables no-code deployment). v2 returns the registered `Model` entity, whose
    `version` is a string.

    ## Fix safety
    Safe with `tags`, `properties` and `description`. `datasets`, `model_framework`,
    `model_framework_version`, `sample_input_dataset`, `sample_output_dataset` and
    `resource_configuration` are metadata v2 has no field for: the fix drops them and is
    unsafe (keep them as tags by hand if they matter). `child_paths` changes which files
    are uploaded: migrate by hand (register a folder holding only those files).
    """

    code = "AML601"
    name = "model-register"
    symbols = (f"{MODEL}.register",)
    message = "`Model.register()` is SDK v1; register with `ml_client.models.create_or_update(Model(path=..., name=..., type=AssetTypes.CUSTOM_MODEL))`"
    v2 = "ml_client.models.create_or_update(azure.ai.ml.entities.Model(path=..., name=..., type=AssetTypes.CUSTOM_MODEL))"
    url = URL_MODEL
    safety = SAFE
    creates = BindingSpec(MODEL)
    params = REGISTER_PARAMS
    dropped = ("datasets", "model_framework", "model_framework_version", "sample_input_dataset",
               "sample_output_dataset", "resource_configuration")
    before = """\
from azureml.core import Workspace, Model

ws = Workspace.from_config()
model = Model.register(ws, "outputs/model.pkl", "sklearn-model", tags={"area": "diabetes"}, description="Ridge regression")
print(model.name)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.ai.ml.constants import AssetTypes
from azure.ai.ml.entities import Model
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
model = ml_client.models.create_or_update(Model(path="outputs/model.pkl", name="sklearn-model", tags={"area": "diabetes"}, description="Ridge regression", type=AssetTypes.CUSTOM_MODEL))
print(model.name)
"""

    def check(self, site):
        if site.has_star_args() or len(site.node.args) > len(self.params):
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        ws = site.consume(site.arg(0, "workspace"))
        if ws is None:
            return Check(MANUAL, "cannot tell which workspace this is")
        if site.arg(1, "model_path") is None or site.arg(2, "model_name") is None:
            return Check(MANUAL, "the model path or name is missing")
        if site.arg(9, "child_paths") is not None:
            return Check(MANUAL, "`child_paths` selects files to upload; register a folder holding only those files")
        site.require(ws)
        dropped = [p for i, p in enumerate(self.params) if p in self.dropped and site.arg(i, p) is not None]
        if dropped:
            names = ", ".join(f"`{p}`" for p in dropped)
            return Check(UNSAFE, f"v2 models have no field for {names}; the fix drops it", facts={"workspace": ws})
        return Check(self.safety, facts={"workspace": ws})

    def fix(self, node, ctx):
        cls = ctx.need(ENTITIES, "Model")
        types = ctx.need("azure.ai.ml.constants", "AssetTypes")
        mapping = {"workspace": None, "model_path": "path", "model_name": "name", "tags": "tags",
                   "properties": "properties", "description": "description"}
        mapping.update({p: None for p in self.dropped})
        func = cst.parse_expression(f"{ctx.client()}.models.create_or_update")
        entity = rebuild_call(node, cst.Name(cls), self.params, mapping,
                              append=[keyword_arg("type", cst.parse_expression(f"{types}.CUSTOM_MODEL"))],
                              wrapped_in=f"{ctx.client()}.models.create_or_update(")
        return cst.Call(func=func, args=[cst.Arg(value=entity)])


class ModelGet(Rule):
    """Get a registered model by name (and version).

    ## Migration
    `ml_client.models.get(name, version=...)`. v2 needs a version or a label: v1's
    `version=3` becomes `version="3"` (v2 versions are strings); without a version v1
    returned the latest version, which is `label="latest"` in v2. Filters (`tags`,
    `properties`, `run_id`, `model_framework`) and `id=` are migrated by hand
    (`ml_client.models.list(name)` and filter in Python; an id `"name:version"` is
    `get(name, version=...)`).

    ## Fix safety
    Safe with a version. Unsafe without: `label="latest"` is the most recently created
    version, while v1 took the highest version number.
    """

    code = "AML602"
    name = "model-get"
    symbols = (MODEL,)
    message = "`Model(workspace, name)` is SDK v1; get the model with `ml_client.models.get(name, version=...)`"
    v2 = 'ml_client.models.get(name, version="1") / ml_client.models.get(name, label="latest")'
    url = URL_MODEL
    safety = SAFE
    params = MODEL_PARAMS
    before = """\
from azureml.core import Workspace, Model

ws = Workspace.from_config()
model = Model(ws, "sklearn-model", version=3)
print(model.name)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
model = ml_client.models.get(name="sklearn-model", version="3")
print(model.name)
"""

    def check(self, site):
        if site.has_star_args() or len(site.node.args) > len(self.params):
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        ws = site.consume(site.arg(0, "workspace"))
        if ws is None:
            return Check(MANUAL, "cannot tell which workspace this is")
        if site.arg(1, "name") is None:
            return Check(MANUAL, "only a lookup by name is migrated (an id `name:version` becomes `get(name, version=...)`)")
        for i, p in ((2, "id"), (3, "tags"), (4, "properties"), (6, "run_id"), (7, "model_framework")):
            if site.arg(i, p) is not None:
                return Check(MANUAL, f"`{p}` has no `models.get` equivalent; list with `ml_client.models.list(name)` and filter")
        site.require(ws)
        version = site.arg(5, "version")
        if version is None:
            return Check(UNSAFE, 'v1 took the highest version; `label="latest"` is the most recently created one',
                         facts={"workspace": ws})
        ok, value = literal(version)
        if ok and value is None:
            return Check(MANUAL, "`version=None` must be replaced by a version or `label=\"latest\"`")
        return Check(self.safety, facts={"workspace": ws})

    def fix(self, node, ctx):
        func = cst.parse_expression(f"{ctx.client()}.models.get")

        def version(arg):
            value = arg.value
            if isinstance(value, cst.Integer):
                value = cst.SimpleString(f'"{value.evaluated_value}"')
            elif not isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
                value = cst.Call(func=cst.Name("str"), args=[cst.Arg(value=value)])
            return keyword_arg("version", value, arg)

        args = arg_map(node, self.params)
        append = [] if "version" in args else [keyword_arg("label", cst.SimpleString('"latest"'))]
        return rebuild_call(node, func, self.params, {"workspace": None, "name": "name", "version": version, "expand": None},
                            append=append)


class ModelList(Rule):
    """List registered models.

    ## Migration
    `ml_client.models.list(name=...)` returns an iterator of v2 `Model` entities: with a
    name, every version of that model; without one, one entry per model name (v1 listed
    every version of every model). `latest=True`, `tags`, `properties`, `run_id`,
    `dataset_id` and `model_framework` filters are applied in Python by hand.

    ## Fix safety
    Unsafe: the result is an iterator of v2 entities (versions are strings), not a list of
    v1 `Model` objects.
    """

    code = "AML603"
    name = "model-list"
    symbols = (f"{MODEL}.list",)
    message = "`Model.list()` is SDK v1; use `ml_client.models.list(name=...)`"
    v2 = "ml_client.models.list(name=...)"
    url = URL_MODEL
    safety = UNSAFE
    params = LIST_PARAMS
    before = """\
from azureml.core import Workspace, Model

ws = Workspace.from_config()
for m in Model.list(ws, name="sklearn-model"):
    print(m.name, m.version)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
for m in ml_client.models.list(name="sklearn-model"):
    print(m.name, m.version)
"""

    def check(self, site):
        if site.has_star_args() or len(site.node.args) > len(self.params):
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        ws = site.consume(site.arg(0, "workspace"))
        if ws is None:
            return Check(MANUAL, "cannot tell which workspace this is")
        for i, p in enumerate(self.params):
            if p in ("workspace", "name", "expand", "page_count"):
                continue
            if site.arg(i, p) is not None:
                return Check(MANUAL, f"`{p}` has no `models.list` equivalent; filter the listed models in Python")
        site.require(ws)
        note = "the result is an iterator of v2 models, not a list of v1 objects"
        if site.arg(1, "name") is None:
            note += "; without a name v2 lists one entry per model, not every version"
        return Check(self.safety, note, facts={"workspace": ws})

    def fix(self, node, ctx):
        func = cst.parse_expression(f"{ctx.client()}.models.list")
        return rebuild_call(node, func, self.params,
                            {"workspace": None, "name": "name", "expand": None, "page_count": None})


class _ModelOperation(Rule):
    """A method call on a model variable -> `ml_client.models.<op>(name=..., version=...)`."""

    v1_params: tuple[str, ...] = ()

    def check(self, site):
        if site.has_star_args() or set(site.keywords()) - set(self.v1_params) or len(site.node.args) > len(self.v1_params):
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        b, ws = _model_workspace(site)
        if b is None or ws is None:
            return Check(MANUAL, "cannot tell which model or workspace this is")
        if not site.is_statement():
            return Check(MANUAL, "v2 returns nothing here; use the call as a statement")
        site.require(b)
        site.require(ws)
        return Check(self.safety, self.note, facts={"workspace": ws})

    note = ""


class ModelDownload(_ModelOperation):
    """Download a registered model's files.

    ## Migration
    `ml_client.models.download(name=model.name, version=model.version, download_path=...)`.
    v2 writes the files under `<download_path>/<model name>/` (v1 wrote them straight into
    `target_dir`) and returns nothing (v1 returned the path); it does not check
    `exist_ok`.

    ## Fix safety
    Unsafe, as a statement of its own: the files land one folder deeper.
    """

    code = "AML604"
    name = "model-download"
    symbols = (f"{MODEL}.download",)
    message = "`Model.download()` is SDK v1; use `ml_client.models.download(name, version, download_path=...)`"
    v2 = "ml_client.models.download(name=model.name, version=model.version, download_path=...)"
    url = URL_MODEL
    safety = UNSAFE
    v1_params = ("target_dir", "exist_ok", "exists_ok")
    note = "v2 downloads into `<download_path>/<model name>/`, one folder deeper than v1"
    before = """\
from azureml.core import Workspace, Model

ws = Workspace.from_config()
model = Model(ws, "sklearn-model", version=1)
model.download(target_dir="./model", exist_ok=True)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
model = ml_client.models.get(name="sklearn-model", version="1")
ml_client.models.download(name=model.name, version=model.version, download_path="./model")
"""

    def fix(self, node, ctx):
        receiver = node.func.value
        func = cst.parse_expression(f"{ctx.client()}.models.download")
        args = _name_version(receiver)
        target = arg_map(node, self.v1_params).get("target_dir")
        if target is not None:
            args.append(keyword_arg("download_path", target.value))
        return cst.Call(func=func, args=_commas(args))


class ModelDelete(_ModelOperation):
    """Delete a registered model version.

    ## Migration
    v2 does not delete model versions: `ml_client.models.archive(name=model.name,
    version=model.version)` hides it from lists (`restore` undoes it).

    ## Fix safety
    Unsafe: archiving keeps the model.
    """

    code = "AML605"
    name = "model-delete"
    symbols = (f"{MODEL}.delete",)
    message = "`Model.delete()` is SDK v1; v2 archives with `ml_client.models.archive(name, version)`"
    v2 = "ml_client.models.archive(name=model.name, version=model.version)"
    url = URL_MODEL
    safety = UNSAFE
    note = "v2 archives the model version instead of deleting it"
    before = """\
from azureml.core import Workspace, Model

ws = Workspace.from_config()
model = Model(ws, "sklearn-model", version=1)
model.delete()
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
model = ml_client.models.get(name="sklearn-model", version="1")
ml_client.models.archive(name=model.name, version=model.version)
"""

    def fix(self, node, ctx):
        func = cst.parse_expression(f"{ctx.client()}.models.archive")
        return cst.Call(func=func, args=_commas(_name_version(node.func.value)))


class ModelAttribute(Rule):
    """The name or version of a model.

    ## Migration
    v2 `Model` entities have `name` and `version` too; `version` is a string (`"3"`)
    where v1 had an int. `model.id` (`"name:version"` in v1, an ARM id in v2) is
    migrated by hand: `f"{model.name}:{model.version}"`.

    ## Fix safety
    `name` is safe. `version` is unsafe: arithmetic or comparisons with ints change.
    """

    code = "AML606"
    name = "model-attribute"
    on = "attribute"
    symbols = (f"{MODEL}.name", f"{MODEL}.version", f"{MODEL}.id")
    message = "`{symbol}` is read from an SDK v1 model; v2 `Model` entities have `name` and `version` (a string)"
    v2 = "model.name / model.version"
    url = URL_MODEL
    safety = SAFE
    severity = "information"
    before = ModelRegister.before
    after = ModelRegister.after

    def check(self, site):
        b = site.receiver_binding()
        if b is None or b.creator is None:
            return Check(MANUAL, "cannot tell which model this is")
        attr = site.node.attr
        if attr == "id":
            return Check(MANUAL, 'v1 ids are "name:version"; write f"{model.name}:{model.version}"')
        site.require(b)
        if attr == "version":
            return Check(UNSAFE, "v2 versions are strings")
        return Check(self.safety)

    def fix(self, node, ctx):
        return node


class RunRegisterModel(Rule):
    """Register a model from a run's outputs.

    ## Migration
    From the submitting script: wait for the job, then
    `ml_client.models.create_or_update(Model(path=f"azureml://jobs/{returned_job.name}/outputs/artifacts/paths/<path>",
    name=..., type=AssetTypes.CUSTOM_MODEL))`. `model_path` was relative to the run's
    artifact root (`outputs/model.pkl`); check the artifact path in the job's Outputs +
    logs tab (Microsoft's example drops the `outputs/` prefix). Inside a training script
    (`Run.get_context()`), log the model with MLflow (`mlflow.sklearn.log_model(model,
    "model", registered_model_name=...)`) or register it from the submitting script.

    ## Fix safety
    No automatic fix: the artifact URI of a v1 run path is not known for certain.
    """

    code = "AML607"
    name = "run-register-model"
    symbols = (f"{RUN}.register_model",)
    message = ("`Run.register_model()` is SDK v1; register the job output with `ml_client.models.create_or_update("
               "Model(path=\"azureml://jobs/<job name>/outputs/artifacts/paths/<path>\", name=..., type=AssetTypes.CUSTOM_MODEL))`")
    v2 = 'ml_client.models.create_or_update(Model(path=f"azureml://jobs/{job.name}/outputs/artifacts/paths/...", name=...))'
    url = URL_MODEL
    safety = MANUAL


class GetModelPath(Rule):
    """Find a deployed model's files from the scoring script.

    ## Migration
    In a v2 online deployment the model's files are under the folder in the
    `AZUREML_MODEL_DIR` environment variable: `os.path.join(os.getenv("AZUREML_MODEL_DIR"),
    "<folder or file name as registered>")`. The layout below that folder depends on how
    the model was registered (a folder keeps its name), so check it in the deployment logs.

    ## Fix safety
    No automatic fix: the relative path depends on the registered files.
    """

    code = "AML608"
    name = "model-get-model-path"
    symbols = (f"{MODEL}.get_model_path",)
    message = "`Model.get_model_path()` is SDK v1; read `os.getenv(\"AZUREML_MODEL_DIR\")` and join the registered file or folder name"
    v2 = 'os.path.join(os.getenv("AZUREML_MODEL_DIR"), "<registered file or folder>")'
    url = URL_DEPLOY
    safety = MANUAL


# -- deployment (by hand) ----------------------------------------------------------------


class InferenceConfigRule(Rule):
    """The scoring script and environment of a v1 deployment.

    ## Migration
    `CodeConfiguration(code=source_directory, scoring_script=entry_script)` (from
    `azure.ai.ml.entities`), passed as the deployment's `code_configuration=`; the
    scoring script path is relative to `code`. `environment=` moves to the deployment's
    `environment=` (a v2 `Environment`, which needs an `image`); `conda_file` +
    `base_image` become `Environment(conda_file=..., image=...)`. `runtime`,
    `extra_docker_file_steps`, `enable_gpu`, `cuda_version` and `base_image_registry`
    have no equivalent (build a custom image: `Environment(build=BuildContext(...))`).

    ## Fix safety
    Folded into the deployment by the whole-file migration of `Model.deploy` (AML613,
    unsafe) when it has `entry_script`, optionally `source_directory`, and an
    `environment` variable made in this file; the statement is then removed.
    """

    code = "AML609"
    name = "inference-config"
    symbols = (INFERENCE,)
    message = "`InferenceConfig` is SDK v1; pass `code_configuration=CodeConfiguration(code=..., scoring_script=...)` and `environment=` to the deployment"
    v2 = "azure.ai.ml.entities.CodeConfiguration(code=source_directory, scoring_script=entry_script)"
    url = URL_DEPLOY
    safety = UNSAFE
    statement_fix = True
    creates = BindingSpec(INFERENCE, mode="delete")
    params = INFERENCE_PARAMS

    def check(self, site):
        env = site.arg(10, "environment")
        given = {p for i, p in enumerate(self.params) if site.arg(i, p) is not None}
        eb = site.binding(env)
        why = None
        if site.has_star_args() or given - {"entry_script", "source_directory", "environment", "description"}:
            why = "only `entry_script`, `source_directory` and `environment` are carried into the deployment"
        elif "entry_script" not in given or eb is None or eb.creator is None or eb.kind != "azureml.core.Environment":
            why = "the deployment needs `entry_script` and an `environment=` variable made in this file"
        elif site.assigned_name() is None or not site.alone_on_line():
            why = "only `name = InferenceConfig(...)` on its own line is folded into the deployment"
        if why is not None:
            # The environment must stay v1 until the deployment is migrated by hand.
            _consume_names(site, env)
            return Check(MANUAL, why)
        entry, code = site.arg(0, "entry_script"), site.arg(4, "source_directory")
        ok, entry_text = literal(entry)
        if code is None:
            # v1 uploaded the entry script alone; v2 uploads a folder: the script's own.
            if not ok or not isinstance(entry_text, str):
                _consume_names(site, env)
                return Check(MANUAL, "without `source_directory`, `entry_script` must be a literal path")
            folder, _, script = entry_text.rpartition("/")
            code_src, entry_src = repr(folder or "."), repr(script)
        else:
            code_src, entry_src = site.source(code), site.source(entry)
        site.consume(env)
        site.require(eb)
        return Check(self.safety, "folded into the online deployment (AML613)", facts={
            "code": code_src, "entry": entry_src, "environment": eb,
            "sole": site.sole()})

    def fix(self, node, ctx):
        return remove_statement(ctx)


class AciDeployConfiguration(Rule):
    """The size and settings of an Azure Container Instances web service.

    ## Migration
    ACI is retired; deploy to a managed online endpoint instead. CPU cores and memory
    become a VM SKU, `ManagedOnlineDeployment(instance_type=..., instance_count=1)`, from
    Microsoft's table: (0, 1] cores and (0, 1.2] GB -> `Standard_DS1_v2`; (1, 2] cores
    with (1.2, 1.7] GB -> `Standard_F2s_v2`, (1.7, 4.7] -> `Standard_DS2_v2`, (4.7, 13.7]
    -> `Standard_E2s_v3`; (2, 4] cores with (0, 5.7] GB -> `Standard_F4s_v2`, (5.7, 11.7]
    -> `Standard_DS3_v2`, (11.7, 16] -> `Standard_E4s_v3` (v1's defaults are 0.1 cores and
    0.5 GB). `auth_enabled` -> endpoint `auth_mode="key"` (endpoints without auth are not
    supported); `tags`, `description`, `location` -> `ManagedOnlineEndpoint`;
    `enable_app_insights` -> deployment `app_insights_enabled`. TLS is always on, so the
    `ssl_*` settings and `dns_name_label` go; keys, `collect_model_data`, encryption
    (`cmk_*`) and the virtual network (`vnet_name`, `subnet_name`) are set up anew.

    ## Fix safety
    Folded into the deployment by the whole-file migration of `Model.deploy` (AML613,
    unsafe) when only the size, `auth_enabled`, `tags` and `description` are set; the
    statement is then removed.
    """

    code = "AML610"
    name = "aci-deploy-configuration"
    symbols = (f"{ACI}.deploy_configuration",)
    message = "`AciWebservice.deploy_configuration()` is SDK v1 (ACI); deploy to a managed online endpoint with `instance_type=...`"
    v2 = 'ManagedOnlineDeployment(..., instance_type="Standard_DS1_v2", instance_count=1)'
    url = URL_MOE
    safety = UNSAFE
    statement_fix = True
    creates = BindingSpec(ACI_CONFIG, mode="delete")
    params = ACI_PARAMS

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL)
        cpu_expr, mem_expr = site.arg(0, "cpu_cores"), site.arg(1, "memory_gb")
        ok_c, cpu = literal(cpu_expr) if cpu_expr is not None else (True, ACI_DEFAULT_CPU)
        ok_m, mem = literal(mem_expr) if mem_expr is not None else (True, ACI_DEFAULT_MEMORY)
        cpu = ACI_DEFAULT_CPU if ok_c and cpu is None else cpu
        mem = ACI_DEFAULT_MEMORY if ok_m and mem is None else mem
        if not (ok_c and ok_m and isinstance(cpu, (int, float)) and isinstance(mem, (int, float))):
            return Check(MANUAL, "choose `instance_type` from the CPU/memory table in the rule's documentation")
        sku = aci_sku(cpu, mem)
        if sku is None:
            return Check(MANUAL, f"no SKU in Microsoft's table for cpu_cores={cpu!r}, memory_gb={mem!r}; choose one with at least that size")
        note = f'cpu_cores={cpu!r}, memory_gb={mem!r} map to `instance_type="{sku}"`'
        given = {p for i, p in enumerate(self.params) if site.arg(i, p) is not None}
        if given - {"cpu_cores", "memory_gb", "auth_enabled", "tags", "description"} or site.assigned_name() is None \
                or not site.alone_on_line():
            return Check(MANUAL, note, facts={"sku": sku})
        facts = {"sku": sku, "sole": site.sole()}
        for p in ("tags", "description"):
            if p in given:
                facts[p] = site.source(site.arg(self.params.index(p), p))
        ok, auth = literal(site.arg(6, "auth_enabled"))
        if not (ok and auth is True):
            note += "; v1 served without authentication, v2 endpoints always use keys (`auth_mode=\"key\"`)"
        return Check(self.safety, note + "; folded into the online deployment (AML613)", facts=facts)

    def fix(self, node, ctx):
        return remove_statement(ctx)


class AksDeployConfiguration(Rule):
    """The settings of an AKS web service.

    ## Migration
    To a managed online endpoint (as for ACI, AML610), or to your own cluster with
    `KubernetesOnlineEndpoint(compute=<attached Kubernetes compute>)` +
    `KubernetesOnlineDeployment(...)`: `num_replicas` -> `instance_count`; `autoscale_*`
    -> `scale_settings=TargetUtilizationScaleSettings(min_instances=, max_instances=,
    polling_interval=, target_utilization_percentage=)`; `scoring_timeout_ms` /
    `replica_max_concurrent_requests` / `max_request_wait_time` ->
    `request_settings=OnlineRequestSettings(request_timeout_ms=,
    max_concurrent_requests_per_instance=, max_queue_wait_ms=)`; probe settings ->
    `liveness_probe=ProbeSettings(period=, initial_delay=, timeout=, success_threshold=,
    failure_threshold=)`; `cpu_cores`/`memory_gb`/`gpu_cores` (and `*_limit`) ->
    `resources=ResourceRequirementsSettings(requests=ResourceSettings(cpu="1",
    memory="2Gi"))` on Kubernetes; `auth_enabled` -> `auth_mode="key"`,
    `token_auth_enabled` -> `auth_mode="aml_token"`.

    ## Fix safety
    No automatic fix.
    """

    code = "AML611"
    name = "aks-deploy-configuration"
    symbols = (f"{AKS}.deploy_configuration",)
    message = "`AksWebservice.deploy_configuration()` is SDK v1; deploy to a managed or Kubernetes online endpoint"
    v2 = "ManagedOnlineDeployment(...) / KubernetesOnlineDeployment(...)"
    url = URL_DEPLOY
    safety = MANUAL


class LocalWebserviceRule(Rule):
    """A local Docker web service.

    ## Migration
    Create the same `ManagedOnlineEndpoint` and `ManagedOnlineDeployment` as for Azure and
    pass `local=True`: `ml_client.online_endpoints.begin_create_or_update(endpoint,
    local=True)` and `ml_client.online_deployments.begin_create_or_update(deployment,
    local=True)` (needs Docker); invoke with `ml_client.online_endpoints.invoke(...,
    local=True)`. The port cannot be chosen.

    ## Fix safety
    No automatic fix.
    """

    code = "AML612"
    name = "local-webservice"
    symbols = (f"{LOCAL}.deploy_configuration", LOCAL)
    message = "`{symbol}` is SDK v1; deploy locally with `begin_create_or_update(..., local=True)`"
    v2 = "ml_client.online_deployments.begin_create_or_update(deployment, local=True)"
    url = URL_DEPLOY
    safety = MANUAL


class ModelDeploy(Rule):
    """Deploy models as a web service.

    ## Migration
    Step by step (imports from `azure.ai.ml.entities`):
    1. `endpoint = ManagedOnlineEndpoint(name=<service name>, auth_mode="key", tags=...,
       description=...)` and wait for it:
       `ml_client.online_endpoints.begin_create_or_update(endpoint).result()` (the
       endpoint must exist before the deployment).
    2. `deployment = ManagedOnlineDeployment(name="blue", endpoint_name=<service name>,
       model=<one v2 Model>, code_configuration=CodeConfiguration(code=<source_directory>,
       scoring_script=<entry_script>), environment=<v2 Environment>,
       instance_type=<SKU, see AML610>, instance_count=1)`, then
       `ml_client.online_deployments.begin_create_or_update(deployment).result()`.
    3. Route traffic: `endpoint.traffic = {"blue": 100}` and
       `ml_client.online_endpoints.begin_create_or_update(endpoint).result()`.
    One model per deployment (register a folder for several files). The scoring script
    keeps `init()`/`run()`, but the model files are under `AZUREML_MODEL_DIR` in the v2
    layout (AML608). `overwrite` is implicit (create or update) and `show_output` goes.
    `deployment_target` (an AKS cluster) -> `KubernetesOnlineEndpoint(compute=...)`.

    ## Fix safety
    Unsafe, by the whole-file migration, for `service = Model.deploy(ws, "<name>",
    [model], inference_config, aci_config)` whose model, `InferenceConfig` (AML609) and
    ACI configuration (AML610) are made in this file: the three statements become the
    endpoint, the deployment (`name="blue"`) and the traffic rule above. The deployment
    changes compute (an ACI container becomes a VM SKU), the scoring URI, the keys (v2
    endpoints always authenticate) and the model folder layout the scoring script sees
    (AML608): check the scoring script before running it. Other shapes are migrated by
    hand.
    """

    code = "AML613"
    name = "model-deploy"
    symbols = (f"{MODEL}.deploy",)
    message = ("`Model.deploy()` is SDK v1; create a `ManagedOnlineEndpoint` (`.result()`), then a "
               "`ManagedOnlineDeployment`, then route traffic to it")
    v2 = "ml_client.online_endpoints.begin_create_or_update(endpoint).result(); ml_client.online_deployments.begin_create_or_update(deployment).result()"
    url = URL_DEPLOY
    safety = UNSAFE
    statement_fix = True
    creates = BindingSpec(WEBSERVICE)
    params = DEPLOY_PARAMS
    deployment = "blue"
    before = """\
from azureml.core import Environment, Workspace
from azureml.core.model import InferenceConfig, Model
from azureml.core.webservice import AciWebservice

ws = Workspace.from_config()
model = Model(ws, "sklearn-model", version=1)
env = Environment.from_conda_specification(name="sklearn-env", file_path="environment/conda.yml")

inference_config = InferenceConfig(entry_script="score.py", source_directory="./src", environment=env)
deployment_config = AciWebservice.deploy_configuration(cpu_cores=1, memory_gb=1, auth_enabled=True,
                                                       description="Ridge regression")

service = Model.deploy(ws, "sklearn-service", [model], inference_config, deployment_config, overwrite=True)
service.wait_for_deployment(show_output=True)
print(service.scoring_uri)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.ai.ml.entities import CodeConfiguration, Environment, ManagedOnlineDeployment, ManagedOnlineEndpoint
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
model = ml_client.models.get(name="sklearn-model", version="1")
env = Environment(name="sklearn-env", conda_file="environment/conda.yml", image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1")


service = ManagedOnlineEndpoint(name="sklearn-service", auth_mode="key", description="Ridge regression")
ml_client.online_endpoints.begin_create_or_update(service).result()
ml_client.online_deployments.begin_create_or_update(ManagedOnlineDeployment(
    name="blue",
    endpoint_name=service.name,
    model=model,
    code_configuration=CodeConfiguration(code="./src", scoring_script="score.py"),
    environment=env,
    instance_type="Standard_DS1_v2",
    instance_count=1,
)).result()
service.traffic = {"blue": 100}
service = ml_client.online_endpoints.begin_create_or_update(service).result()
print(service.scoring_uri)
"""

    def check(self, site):
        notes = []
        models = site.arg(2, "models")
        if isinstance(models, (ast.List, ast.Tuple)) and len(models.elts) > 1:
            notes.append("v2 deploys one model per deployment; register the files as one folder model")
        cfg = site.binding(site.arg(4, "deployment_config"))
        if cfg is not None and cfg.creator is not None and cfg.creator.facts.get("sku"):
            notes.append(f'use `instance_type="{cfg.creator.facts["sku"]}"`')
        why = self._unsupported(site, models, cfg)
        if why is not None:
            # Everything it reads stays SDK v1 until the deployment is migrated by hand.
            if not site.has_star_args():
                _consume_names(site, models)
            return Check(MANUAL, "; ".join(notes + ([why] if why else [])))
        ws = site.workspace(0, "workspace")
        model = site.consume(models.elts[0])
        site.require(model)
        inference = site.consume(site.arg(3, "inference_config"))
        site.require(inference)
        site.consume(site.arg(4, "deployment_config"))
        site.require(cfg)
        name_arg = site.arg(1, "name")
        ok, name = literal(name_arg)
        note = ("the scoring script sees the model under AZUREML_MODEL_DIR in the v2 layout (AML608), and the "
                "service moves from ACI to a managed VM SKU")
        if not ok:
            # v1 service names follow the same pattern; v2 wants them unique in the region.
            note += "; the endpoint name must be unique in the Azure region (v1's service name: in the workspace)"
        return Check(self.safety, note, facts={
            "workspace": ws, "endpoint": json.dumps(name) if ok else site.source(name_arg), "model": model,
            "inference": inference.creator, "aci": cfg.creator, "creates_kind": ACI})

    @staticmethod
    def _unsupported(site, models, cfg) -> str | None:
        if site.has_star_args():
            return "arguments passed with * or ** cannot be mapped"
        given = {p for i, p in enumerate(DEPLOY_PARAMS) if site.arg(i, p) is not None}
        if "deployment_target" in given:
            return "`deployment_target` (AKS) -> `KubernetesOnlineEndpoint(compute=...)` by hand"
        for flag in ("overwrite", "show_output"):
            ok, value = literal(site.arg(DEPLOY_PARAMS.index(flag), flag))
            if flag in given and not (ok and isinstance(value, bool)):
                return f"`{flag}` must be a literal"
        if site.assigned_name() is None or not site.alone_on_line():
            return "only `service = Model.deploy(...)` on its own line is rewritten"
        ws = site.binding(site.arg(0, "workspace"))
        if ws is None or ws.creator is None:
            return "cannot tell which workspace this is"
        ok, name = literal(site.arg(1, "name"))
        if ok and not isinstance(name, str):
            return "the service name must be a string: it becomes the endpoint name"
        if ok and not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9-]{2,31}", name):
            return (f"{name!r} is not a valid endpoint name (3-32 letters, digits and '-', starting with a letter; "
                    "unique in the Azure region): choose one")
        if not isinstance(models, (ast.List, ast.Tuple)) or len(models.elts) != 1:
            return "" if isinstance(models, (ast.List, ast.Tuple)) else "`models` must be a list written in the call"
        model = site.binding(models.elts[0])
        if model is None or model.kind != MODEL or model.creator is None:
            return "the model must be a variable holding a `Model` got or registered in this file"
        inference = site.binding(site.arg(3, "inference_config"))
        creator = inference.creator if inference is not None else None
        if creator is None or not isinstance(creator.rule, InferenceConfigRule):
            return "`inference_config` must be an `InferenceConfig(...)` variable made in this file"
        if creator.safety is None:
            return f"the InferenceConfig on line {creator.span.line} is migrated by hand"
        if cfg is None or cfg.creator is None or not isinstance(cfg.creator.rule, AciDeployConfiguration):
            return ("`deployment_config` must be an `AciWebservice.deploy_configuration(...)` variable made in this "
                    "file (without one v1 deployed to ACI with its defaults: write one, or deploy by hand)")
        if cfg.creator.safety is None:
            return f"the deployment configuration on line {cfg.creator.span.line} is migrated by hand"
        return None

    def fix(self, node, ctx):
        facts = ctx.finding.facts
        inference, aci = facts["inference"].facts, facts["aci"].facts
        endpoint_cls = ctx.need(ENTITIES, "ManagedOnlineEndpoint")
        deployment_cls = ctx.need(ENTITIES, "ManagedOnlineDeployment")
        code_cls = ctx.need(ENTITIES, "CodeConfiguration")
        client = ctx.client()
        service = cst.Module(body=[]).code_for_node(node.targets[0].target)
        endpoint_args = [f"name={facts['endpoint']}", 'auth_mode="key"']
        endpoint_args += [f"{p}={aci[p]}" for p in ("description", "tags") if p in aci]
        env = ctx.name_of(inference["environment"])
        code = (
            f"{service} = {endpoint_cls}({', '.join(endpoint_args)})\n"
            f"{client}.online_endpoints.begin_create_or_update({service}).result()\n"
            f"{client}.online_deployments.begin_create_or_update({deployment_cls}(\n"
            f'    name="{self.deployment}",\n'
            f"    endpoint_name={service}.name,\n"
            f"    model={ctx.name_of(facts['model'])},\n"
            f"    code_configuration={code_cls}(code={inference['code']}, scoring_script={inference['entry']}),\n"
            f"    environment={env},\n"
            f'    instance_type="{aci["sku"]}",\n'
            f"    instance_count=1,\n"
            f")).result()\n"
            f'{service}.traffic = {{"{self.deployment}": 100}}\n'
            f"{service} = {client}.online_endpoints.begin_create_or_update({service}).result()\n"
        )
        return cst.FlattenSentinel(list(cst.parse_module(code).body))


# The deployment's parts share its example.
InferenceConfigRule.before = AciDeployConfiguration.before = ModelDeploy.before
InferenceConfigRule.after = AciDeployConfiguration.after = ModelDeploy.after


class ImageDeploy(Rule):
    """Image-based deployment, packaging and profiling.

    ## Migration
    v2 has no image-based web services: deploy the model with a scoring script and an
    environment to an online endpoint (AML613). `Model.package` -> build a custom
    environment (`Environment(build=BuildContext(path=...))`); `Model.profile` has no
    equivalent (load-test the online endpoint instead).

    ## Fix safety
    No automatic fix.
    """

    code = "AML614"
    name = "image-deploy"
    symbols = (f"{WEBSERVICE}.deploy", f"{WEBSERVICE}.deploy_from_model", f"{WEBSERVICE}.deploy_from_image",
               f"{MODEL}.package", f"{MODEL}.profile")
    message = "`{symbol}` is SDK v1 and has no v2 equivalent; redeploy the model to an online endpoint"
    v2 = "ml_client.online_deployments.begin_create_or_update(ManagedOnlineDeployment(...))"
    url = URL_MOE
    safety = MANUAL


# -- existing web services -----------------------------------------------------------------


class WebserviceGet(Rule):
    """Get an existing web service by name.

    ## Migration
    `ml_client.online_endpoints.get(name)` returns the v2 online endpoint of that name
    (its `scoring_uri`, `auth_mode`, `traffic`, ...). This finds the service only after it
    has been redeployed as an online endpoint with the same name (AML613).

    ## Fix safety
    Unsafe: the v1 ACI/AKS service itself is not an online endpoint.
    """

    code = "AML615"
    name = "webservice-get"
    symbols = (WEBSERVICE, ACI, AKS)
    message = "`{symbol}(workspace, name)` is SDK v1; get the online endpoint with `ml_client.online_endpoints.get(name)`"
    v2 = "ml_client.online_endpoints.get(name)"
    url = URL_DEPLOY
    safety = UNSAFE
    params = SERVICE_PARAMS
    before = """\
from azureml.core import Workspace
from azureml.core.webservice import AciWebservice

ws = Workspace.from_config()
service = AciWebservice(ws, "diabetes-service")
print(service.scoring_uri)
service.delete()
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
service = ml_client.online_endpoints.get(name="diabetes-service")
print(service.scoring_uri)
ml_client.online_endpoints.begin_delete(name=service.name).result()
"""

    def check(self, site):
        if site.has_star_args() or len(site.node.args) > 2 or set(site.keywords()) - set(self.params):
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        ws = site.consume(site.arg(0, "workspace"))
        if ws is None:
            return Check(MANUAL, "cannot tell which workspace this is")
        if site.arg(1, "name") is None:
            return Check(MANUAL, "no service name is given")
        site.require(ws)
        return Check(self.safety, "the service must have been redeployed as an online endpoint of the same name",
                     facts={"workspace": ws})

    def fix(self, node, ctx):
        func = cst.parse_expression(f"{ctx.client()}.online_endpoints.get")
        return rebuild_call(node, func, self.params, {"workspace": None, "name": "name"})


class WebserviceWait(Rule):
    """Wait for a web service deployment to finish.

    ## Migration
    v2 waits with `.result()` on the poller of `begin_create_or_update`; an endpoint from
    `ml_client.online_endpoints.get` is already provisioned, so the statement goes.
    Check `endpoint.provisioning_state` if the code relied on v1 raising for a failed
    service.

    ## Fix safety
    Unsafe: v1 raised `WebserviceException` for a failed service.
    """

    code = "AML616"
    name = "webservice-wait-for-deployment"
    symbols = tuple(f"{k}.wait_for_deployment" for k in SERVICE_KINDS)
    message = "`{symbol}()` is SDK v1; v2 waits with `.result()` on the poller `begin_create_or_update` returns"
    v2 = "ml_client.online_endpoints.begin_create_or_update(endpoint).result()"
    url = URL_DEPLOY
    safety = UNSAFE
    statement_fix = True
    before = """\
from azureml.core import Workspace, Webservice

ws = Workspace.from_config()
service = Webservice(ws, "diabetes-service")
service.wait_for_deployment(show_output=True)
print(service.name)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
service = ml_client.online_endpoints.get(name="diabetes-service")
print(service.name)
"""

    def check(self, site):
        if site.has_star_args() or set(site.keywords()) - {"show_output", "timeout_sec"} or len(site.node.args) > 2:
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        if not site.is_statement() or not site.alone_on_line():
            return Check(MANUAL, "only a statement of its own can be removed")
        b, ws = _service_workspace(site)
        if b is None:
            return Check(MANUAL, "wait for the deployment with `.result()` on `ml_client.online_deployments.begin_create_or_update(...)`")
        site.require(b)
        return Check(self.safety, "v1 raised for a failed service; check `provisioning_state` if that matters",
                     facts={"workspace": ws, "sole": site.sole()})

    def fix(self, node, ctx):
        return remove_statement(ctx)


class WebserviceRun(Rule):
    """Score data with a web service.

    ## Migration
    `ml_client.online_endpoints.invoke(endpoint_name=..., request_file="request.json")`
    returns the response text. `invoke` reads the request from a JSON file (azure-ai-ml
    ignores `input_data`), so write the payload first:
    `pathlib.Path("request.json").write_text(input_data)`. Or POST the JSON to
    `endpoint.scoring_uri` with the header `Authorization: Bearer <primary key>`.

    ## Fix safety
    No automatic fix: the payload must become a file.
    """

    code = "AML617"
    name = "webservice-run"
    symbols = tuple(f"{k}.run" for k in SERVICE_KINDS)
    message = "`{symbol}()` is SDK v1; write the payload to a JSON file and call `ml_client.online_endpoints.invoke(endpoint_name=..., request_file=...)`"
    v2 = 'ml_client.online_endpoints.invoke(endpoint_name=service.name, request_file="request.json")'
    url = URL_DEPLOY
    safety = MANUAL


class WebserviceDelete(Rule):
    """Delete a web service.

    ## Migration
    `ml_client.online_endpoints.begin_delete(name=...)` (there is no `delete`), with
    `.result()` to wait as v1 did; deleting the endpoint deletes its deployments.

    ## Fix safety
    Safe as a statement of its own, on a service the fix gets.
    """

    code = "AML618"
    name = "webservice-delete"
    symbols = tuple(f"{k}.delete" for k in SERVICE_KINDS)
    message = "`{symbol}()` is SDK v1; delete with `ml_client.online_endpoints.begin_delete(name=...).result()`"
    v2 = "ml_client.online_endpoints.begin_delete(name=service.name).result()"
    url = URL_DEPLOY
    safety = SAFE
    before = WebserviceGet.before
    after = WebserviceGet.after

    def check(self, site):
        if site.has_star_args() or site.node.args or site.node.keywords:
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        b, ws = _service_workspace(site)
        if b is None or ws is None:
            return Check(MANUAL, "cannot tell which service or workspace this is")
        if not site.is_statement():
            return Check(MANUAL, "v1 returned nothing; use the call as a statement")
        site.require(b)
        site.require(ws)
        return Check(self.safety, facts={"workspace": ws})

    def fix(self, node, ctx):
        func = cst.parse_expression(f"{ctx.client()}.online_endpoints.begin_delete")
        name = cst.Attribute(value=node.func.value, attr=cst.Name("name"))
        call = cst.Call(func=func, args=[keyword_arg("name", name)])
        return cst.Call(func=cst.Attribute(value=call, attr=cst.Name("result")))


class WebserviceAttribute(Rule):
    """The name or scoring URI of a web service.

    ## Migration
    v2 online endpoints have `name` and `scoring_uri` as well; the URI has the form
    `https://<endpoint>.<region>.inference.ml.azure.com/score`.

    ## Fix safety
    Safe: the attribute is read from the v2 endpoint.
    """

    code = "AML619"
    name = "webservice-attribute"
    on = "attribute"
    # Subclass `name` is inherited: the v1 snapshot lists it on Webservice only.
    # `Webservice(ws, name)` returns the subclass of the service's compute type, which
    # sets `scoring_uri`: the base class has it on every object it makes.
    symbols = (f"{WEBSERVICE}.name", f"{WEBSERVICE}.scoring_uri", f"{ACI}.scoring_uri", f"{AKS}.scoring_uri",
               f"{LOCAL}.scoring_uri")
    message = "`{symbol}` is read from an SDK v1 web service; v2 online endpoints have the same attribute"
    v2 = "endpoint.scoring_uri / endpoint.name"
    url = URL_DEPLOY
    safety = SAFE
    severity = "information"
    before = WebserviceGet.before
    after = WebserviceGet.after

    def check(self, site):
        b = site.tracked_receiver(WebserviceGet, ModelDeploy)
        if b is None:
            return Check(MANUAL, "cannot tell which service this is")
        return Check(self.safety)

    def fix(self, node, ctx):
        return node


class WebserviceGetKeys(Rule):
    """The authentication keys of a web service.

    ## Migration
    `ml_client.online_endpoints.get_keys(name)` returns an `EndpointAuthKeys` object
    (`.primary_key`, `.secondary_key`) for key auth, not a tuple.

    ## Fix safety
    Unsafe: the result is an object, not a `(primary, secondary)` tuple; unpacking or
    indexing the result is migrated by hand.
    """

    code = "AML620"
    name = "webservice-get-keys"
    symbols = tuple(f"{k}.get_keys" for k in (WEBSERVICE, ACI, AKS))  # local services have no keys
    message = "`{symbol}()` is SDK v1; use `ml_client.online_endpoints.get_keys(name).primary_key`"
    v2 = "ml_client.online_endpoints.get_keys(service.name)"
    url = URL_DEPLOY
    safety = UNSAFE
    before = """\
from azureml.core import Workspace, Webservice

ws = Workspace.from_config()
service = Webservice(ws, "diabetes-service")
keys = service.get_keys()
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
service = ml_client.online_endpoints.get(name="diabetes-service")
keys = ml_client.online_endpoints.get_keys(service.name)
"""

    def check(self, site):
        if site.has_star_args() or site.node.args or site.node.keywords:
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        b, ws = _service_workspace(site)
        if b is None or ws is None:
            return Check(MANUAL, "cannot tell which service or workspace this is")
        stmt = site.stmt
        if isinstance(stmt, ast.Assign) and any(isinstance(t, (ast.Tuple, ast.List)) for t in stmt.targets):
            return Check(MANUAL, "v2 returns an object: read `.primary_key` and `.secondary_key` instead of unpacking")
        for n in walk(stmt):
            if isinstance(n, ast.Subscript) and n.value is site.node:
                return Check(MANUAL, "v2 returns an object: read `.primary_key` / `.secondary_key` instead of indexing")
        site.require(b)
        site.require(ws)
        return Check(self.safety, "v2 returns an `EndpointAuthKeys` object (`.primary_key`, `.secondary_key`), not a tuple",
                     facts={"workspace": ws})

    def fix(self, node, ctx):
        func = cst.parse_expression(f"{ctx.client()}.online_endpoints.get_keys")
        name = cst.Attribute(value=node.func.value, attr=cst.Name("name"))
        return cst.Call(func=func, args=[cst.Arg(value=name)])


class WebserviceGetLogs(Rule):
    """The container logs of a web service.

    ## Migration
    Logs belong to a deployment in v2: `ml_client.online_deployments.get_logs(
    name=<deployment>, endpoint_name=..., lines=num_lines)`; `init=True` ->
    `container_type="StorageInitializer"`.

    ## Fix safety
    No automatic fix: the deployment name is not in the v1 code.
    """

    code = "AML621"
    name = "webservice-get-logs"
    symbols = tuple(f"{k}.get_logs" for k in SERVICE_KINDS)
    message = "`{symbol}()` is SDK v1; use `ml_client.online_deployments.get_logs(name=<deployment>, endpoint_name=..., lines=...)`"
    v2 = "ml_client.online_deployments.get_logs(name=deployment, endpoint_name=endpoint, lines=5000)"
    url = URL_DEPLOY
    safety = MANUAL


class WebserviceState(Rule):
    """The state of a web service (`service.state`).

    ## Migration
    v2 reports a provisioning state on the endpoint and on each deployment:
    `ml_client.online_endpoints.get(name).provisioning_state` and
    `ml_client.online_deployments.get(deployment, endpoint_name=name).provisioning_state`.
    The values differ: a working v1 service is `"Healthy"`, a v2 endpoint or deployment
    `"Succeeded"` (the others: `Creating`, `Updating`, `Scaling`, `Deleting`, `Failed`,
    `Canceled`), so tests of v1's values are rewritten by hand.

    ## Fix safety
    No automatic fix: the values differ, and which deployment to ask is not in the v1 code.
    """

    code = "AML624"
    name = "webservice-state"
    on = "attribute"
    symbols = tuple(f"{k}.state" for k in SERVICE_KINDS)
    message = ("`{symbol}` is SDK v1; read `provisioning_state` from `ml_client.online_endpoints.get(name)` "
               "or the deployment (a working v1 service is \"Healthy\", a v2 one \"Succeeded\")")
    v2 = "ml_client.online_endpoints.get(name).provisioning_state"
    url = URL_DEPLOY
    safety = MANUAL


class WebserviceList(Rule):
    """List the workspace's web services.

    ## Migration
    `ml_client.online_endpoints.list()` returns an iterator of online endpoints; v1's
    filters (`compute_type`, `model_name`, `tags`, ...) are applied in Python by hand.

    ## Fix safety
    Unsafe: it lists online endpoints, not v1 web services, as an iterator.
    """

    code = "AML622"
    name = "webservice-list"
    symbols = (f"{WEBSERVICE}.list",)  # the subclasses inherit it (not separate v1 symbols)
    message = "`{symbol}()` is SDK v1; use `ml_client.online_endpoints.list()`"
    v2 = "ml_client.online_endpoints.list()"
    url = URL_DEPLOY
    safety = UNSAFE
    before = """\
from azureml.core import Workspace, Webservice

ws = Workspace.from_config()
for service in Webservice.list(ws):
    print(service.name)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
for service in ml_client.online_endpoints.list():
    print(service.name)
"""

    def check(self, site):
        if site.has_star_args() or len(site.node.args) > 1 or set(site.keywords()) - {"workspace"}:
            return Check(MANUAL, "filters have no `online_endpoints.list` equivalent; filter the endpoints in Python")
        ws = site.workspace(0, "workspace")
        if ws is None:
            return Check(MANUAL, "cannot tell which workspace this is")
        return Check(self.safety, "the result is an iterator of online endpoints", facts={"workspace": ws})

    def fix(self, node, ctx):
        return cst.parse_expression(f"{ctx.client()}.online_endpoints.list()")


class WebserviceUpdate(Rule):
    """Change a deployed web service.

    ## Migration
    Change the v2 entity and create or update it again: the deployment
    (`deployment = ml_client.online_deployments.get(name, endpoint_name=...)`, set
    `instance_count`, `environment`, `code_configuration`, `model`, then
    `ml_client.online_deployments.begin_create_or_update(deployment).result()`), or the
    endpoint for `tags`, `description` and `auth_mode`.

    ## Fix safety
    No automatic fix.
    """

    code = "AML623"
    name = "webservice-update"
    symbols = tuple(f"{k}.update" for k in SERVICE_KINDS)
    message = "`{symbol}()` is SDK v1; update the deployment or endpoint entity with `begin_create_or_update`"
    v2 = "ml_client.online_deployments.begin_create_or_update(deployment).result()"
    url = URL_DEPLOY
    safety = MANUAL


RULES = [
    ModelRegister, ModelGet, ModelList, ModelDownload, ModelDelete, ModelAttribute, RunRegisterModel, GetModelPath,
    InferenceConfigRule, AciDeployConfiguration, AksDeployConfiguration, LocalWebserviceRule, ModelDeploy,
    ImageDeploy, WebserviceGet, WebserviceWait, WebserviceRun, WebserviceDelete, WebserviceAttribute,
    WebserviceGetKeys, WebserviceGetLogs, WebserviceList, WebserviceUpdate, WebserviceState,
]

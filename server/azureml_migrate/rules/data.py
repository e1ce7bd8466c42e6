"""Datastores and data (AML5xx): `ml_client.datastores` / `ml_client.data` and v2 entities.

A v1 datastore registration is one static call that takes the workspace, the name, the
storage location and the secret:

    store = Datastore.register_azure_blob_container(ws, "blobstore", "data", "acct", account_key=key)

v2 describes the datastore with an entity whose credentials are an object (Microsoft's
sample passes a dict, which fails when the entity is serialized) and upserts it:

    store = ml_client.datastores.create_or_update(
        AzureBlobDatastore(name="blobstore", container_name="data", account_name="acct",
                           credentials=AccountKeyConfiguration(account_key=key)))

A v1 file dataset is built by a factory and registered in a second statement; v2 has one
`Data` entity that carries the name, created with `ml_client.data.create_or_update` (the
generic `MLClient.create_or_update` does not dispatch `Data`). As with compute
provisioning, the factory statement becomes the entity in place, with the name, the
description and the tags copied from the register call.
"""

from __future__ import annotations

import ast
import re

from ..fixes.lazy import cst

from ..astutil import literal, walk
from ..fixes.calls import arg_map, keyword_arg, rebuild_call
from .base import LEARN, MANUAL, SAFE, UNSAFE, BindingSpec, Check, Rule

URL_DATASTORE = LEARN + "migrate-to-v2-resource-datastore"
URL_DATA = LEARN + "migrate-to-v2-assets-data"

WORKSPACE = "azureml.core.Workspace"
DATASTORE = "azureml.core.Datastore"
DATASET = "azureml.core.Dataset"
# What `Dataset.get_by_name` returns: a FileDataset or a TabularDataset (their common base).
ABSTRACT_DATASET = "azureml.data.abstract_dataset.AbstractDataset"
BLOB = "azureml.data.azure_storage_datastore.AzureBlobDatastore"
FILE_STORE = "azureml.data.azure_storage_datastore.AzureFileDatastore"
GEN2 = "azureml.data.azure_data_lake_datastore.AzureDataLakeGen2Datastore"
GEN1 = "azureml.data.azure_data_lake_datastore.AzureDataLakeDatastore"
FILE_DATASET = "azureml.data.FileDataset"
TABULAR_DATASET = "azureml.data.TabularDataset"
CONSUMPTION = "azureml.data.dataset_consumption_config.DatasetConsumptionConfig"
OUTPUT_CONFIG = "azureml.data.OutputFileDatasetConfig"
DATAPATH = "azureml.data.datapath.DataPath"
ENTITIES = "azure.ai.ml.entities"

# Exception names that also catch what v2 raises (azure.core.exceptions.ResourceNotFoundError
# derives from HttpResponseError, AzureError and Exception); the engine tracks only
# `azureml` imports, so they are recognised by name.
_V2_SAFE_HANDLERS = {"ResourceNotFoundError", "HttpResponseError", "AzureError", "Exception", "BaseException"}

# Storage URIs v2 data assets accept as they are.
_URI_SCHEMES = ("azureml://", "wasbs://", "wasb://", "abfss://", "abfs://", "adl://")
_HTTPS_STORAGE = (".blob.core.windows.net/", ".dfs.core.windows.net/")


def _terminal_names(expr: ast.expr | None) -> set[str]:
    out = set()
    for node in walk(expr) if expr is not None else ():
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.Attribute):
            out.add(node.attr)
    return out


def _exception_problem(site) -> str | None:
    """Why v2's exceptions would escape a `try` around this call that catches v1's."""
    for node in site.analyzer.open_trys:
        if node.handlers and not any(h.type is None or _terminal_names(h.type) & _V2_SAFE_HANDLERS
                                     for h in node.handlers):
            return ("v2 raises `azure.core.exceptions.ResourceNotFoundError` (HttpResponseError for other service "
                    "errors), which this `except` does not catch: change the `except` clause, then fix")
    return None


def _workspace(site, expr) -> object | None:
    ws = site.consume(expr)
    return ws if ws is not None and ws.kind == WORKSPACE else None


def _commas(args: list) -> list:
    sep = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [a.with_changes(comma=sep) for a in args[:-1]] + args[-1:]


def _given(site, position: int, keyword: str) -> bool:
    """The argument is passed with a value other than a literal None/False."""
    expr = site.arg(position, keyword)
    if expr is None:
        return False
    ok, value = literal(expr)
    return not (ok and value in (None, False))


def _movable_problem(site, expr: ast.expr, target_stmt: ast.stmt, what: str) -> str | None:
    """Why `expr` (at this call) cannot be written at the earlier statement `target_stmt`."""
    ok, _ = literal(expr)
    if ok:
        return None
    if any(isinstance(n, (ast.Call, ast.Await, ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Lambda))
           for n in walk(expr)):
        return f"the {what} is computed by a call; assign it to a variable first"
    block_of = site.analyzer.block_of
    block, index = block_of.get(id(target_stmt), (None, -1))
    here, at = block_of.get(id(site.stmt), (None, -1))
    if block is None or block is not here or index >= at:
        return "the dataset is not created earlier in the same block"
    between = block[index:at]
    names = {n.id for n in walk(expr) if isinstance(n, ast.Name)}
    mutable = any(isinstance(n, (ast.Attribute, ast.Subscript)) for n in walk(expr))
    if mutable and len(between) > 1:
        return f"the {what} is read from an object that may change before the register call"
    for stmt in between:
        for n in walk(stmt):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id in names:
                return f"`{n.id}` changes between the dataset and the register call"
    return None


# -- datastores --------------------------------------------------------------------------


class _RegisterDatastore(Rule):
    """Shared shape of the four storage registrations (see the subclasses)."""

    url = URL_DATASTORE
    safety = SAFE
    entity = ""
    params: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    renames: dict[str, str] = {}
    credentials = "key"  # "key": account key or SAS token; "sp": service principal
    default_resource_url = ""
    manual: dict[str, str] = {}
    dropped: tuple[str, ...] = ("overwrite", "skip_validation")

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        ws = _workspace(site, site.arg(0, "workspace"))
        if ws is None:
            return Check(MANUAL, "cannot tell which workspace this is")
        index = {p: i for i, p in enumerate(self.params)}
        for p in self.required:
            if site.arg(index[p], p) is None:
                return Check(MANUAL, f"`{p}` is not given")
        for p, reason in self.manual.items():
            if _given(site, index[p], p):
                return Check(MANUAL, reason)
        if self.credentials == "key":
            given = [p for p in ("sas_token", "account_key") if site.arg(index[p], p) is not None]
            if any(literal(site.arg(index[p], p)) == (True, None) for p in given):
                return Check(MANUAL, "a credential passed as None: pass only the one that is set")
            if len(given) > 1:
                return Check(MANUAL, "both `sas_token` and `account_key` are given: choose the credential "
                                     "(`SasTokenConfiguration` or `AccountKeyConfiguration`) by hand")
        elif any(site.arg(index[p], p) is not None for p in _SP_PARAMS):
            return Check(MANUAL, "a service principal becomes `credentials=ServicePrincipalConfiguration(tenant_id=..., "
                                 "client_id=..., client_secret=..., resource_url=...)`; v1 used resource_url "
                                 f"{self.default_resource_url!r} when none was given, v2 sends none: write it")
        problem = _exception_problem(site)
        if problem:
            return Check(MANUAL, problem)
        site.require(ws)
        ok, overwrite = literal(site.arg(index["overwrite"], "overwrite"))
        if ok and overwrite is True:
            return Check(self.safety, facts={"workspace": ws})
        return Check(UNSAFE, "`create_or_update` replaces an existing datastore of this name; v1 did so only "
                             "with `overwrite=True`", facts={"workspace": ws})

    def fix(self, node, ctx):
        cls = ctx.need(ENTITIES, self.entity)
        mapping: dict = {p: p for p in self.params}
        mapping.update({"workspace": None, "datastore_name": "name", **self.renames})
        for p in self.params:
            if p in self.dropped or p in self.manual:
                mapping[p] = None

        def key_credential(config: str, keyword: str):
            def build(arg):
                conf = ctx.need(ENTITIES, config)
                call = cst.Call(func=cst.Name(conf), args=[keyword_arg(keyword, arg.value)])
                return keyword_arg("credentials", call, arg)
            return build

        if self.credentials == "key":
            mapping["sas_token"] = key_credential("SasTokenConfiguration", "sas_token")
            mapping["account_key"] = key_credential("AccountKeyConfiguration", "account_key")
        entity = rebuild_call(node, cst.Name(cls), self.params, mapping)
        func = cst.parse_expression(f"{ctx.client()}.datastores.create_or_update")
        return cst.Call(func=func, args=[cst.Arg(value=entity)])


_SP_PARAMS = ("tenant_id", "client_id", "client_secret", "resource_url", "authority_url")
_NO_CREATE = "v2 does not create the storage container: create it first (azure-storage-blob / the portal), then fix"
_GRANT = ("`grant_workspace_access` has no v2 parameter: grant the workspace's managed identity a storage role "
          "(Storage Blob Data Reader) by hand")
_STORAGE_SUB = "`subscription_id`/`resource_group` of the storage account have no v2 datastore parameter"


class RegisterBlobContainer(_RegisterDatastore):
    """Register an Azure Blob container as a datastore.

    ## Migration
    `ml_client.datastores.create_or_update(AzureBlobDatastore(name=..., container_name=...,
    account_name=..., credentials=...))`. `datastore_name` -> `name`; `account_key=K` ->
    `credentials=AccountKeyConfiguration(account_key=K)`; `sas_token=T` ->
    `credentials=SasTokenConfiguration(sas_token=T)`; neither -> no credentials
    (identity-based access, as in v1); `protocol` and `endpoint` stay (the defaults,
    `https` and `core.windows.net`, are the same); `overwrite` and `skip_validation` go.
    Microsoft's sample passes `credentials` as a dict, which fails when the entity is
    serialized, and names a `SasTokenCredentials` class that does not exist.
    `create_if_not_exists`, `blob_cache_timeout`, `grant_workspace_access` and the storage
    account's `subscription_id`/`resource_group` have no v2 parameter: migrate by hand.

    ## Fix safety
    Safe with `overwrite=True`. Otherwise unsafe: `create_or_update` replaces an existing
    datastore of the same name, which v1 only did with `overwrite=True`.
    """

    code = "AML501"
    name = "datastore-register-blob"
    symbols = (f"{DATASTORE}.register_azure_blob_container",)
    message = "`Datastore.register_azure_blob_container()` is SDK v1; use `ml_client.datastores.create_or_update(AzureBlobDatastore(...))`"
    v2 = "ml_client.datastores.create_or_update(AzureBlobDatastore(name=..., container_name=..., account_name=..., credentials=AccountKeyConfiguration(account_key=...)))"
    creates = BindingSpec(BLOB)
    entity = "AzureBlobDatastore"
    params = (
        "workspace", "datastore_name", "container_name", "account_name", "sas_token", "account_key", "protocol",
        "endpoint", "overwrite", "create_if_not_exists", "skip_validation", "blob_cache_timeout",
        "grant_workspace_access", "subscription_id", "resource_group",
    )
    required = ("datastore_name", "container_name", "account_name")
    manual = {
        "create_if_not_exists": _NO_CREATE,
        "blob_cache_timeout": "`blob_cache_timeout` has no v2 datastore parameter (set mount cache options on the job input)",
        "grant_workspace_access": _GRANT,
        "subscription_id": _STORAGE_SUB,
        "resource_group": _STORAGE_SUB,
    }
    before = """\
from azureml.core import Workspace, Datastore

ws = Workspace.from_config()
store = Datastore.register_azure_blob_container(ws, "training_blob", "data", "mystorage", account_key=key, overwrite=True)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.ai.ml.entities import AccountKeyConfiguration, AzureBlobDatastore
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
store = ml_client.datastores.create_or_update(AzureBlobDatastore(name="training_blob", container_name="data", account_name="mystorage", credentials=AccountKeyConfiguration(account_key=key)))
"""


class RegisterFileShare(_RegisterDatastore):
    """Register an Azure file share as a datastore.

    ## Migration
    `ml_client.datastores.create_or_update(AzureFileDatastore(name=..., file_share_name=...,
    account_name=..., credentials=...))`, with the same credentials mapping as blob
    containers (AML501): `account_key` -> `AccountKeyConfiguration`, `sas_token` ->
    `SasTokenConfiguration`. `create_if_not_exists` (v2 does not create the share) is
    migrated by hand.

    ## Fix safety
    Safe with `overwrite=True`; otherwise unsafe (`create_or_update` replaces an existing
    datastore of the same name).
    """

    code = "AML502"
    name = "datastore-register-file-share"
    symbols = (f"{DATASTORE}.register_azure_file_share",)
    message = "`Datastore.register_azure_file_share()` is SDK v1; use `ml_client.datastores.create_or_update(AzureFileDatastore(...))`"
    v2 = "ml_client.datastores.create_or_update(AzureFileDatastore(name=..., file_share_name=..., account_name=..., credentials=...))"
    creates = BindingSpec(FILE_STORE)
    entity = "AzureFileDatastore"
    params = (
        "workspace", "datastore_name", "file_share_name", "account_name", "sas_token", "account_key", "protocol",
        "endpoint", "overwrite", "create_if_not_exists", "skip_validation",
    )
    required = ("datastore_name", "file_share_name", "account_name")
    manual = {"create_if_not_exists": "v2 does not create the file share: create it first, then fix"}
    before = """\
from azureml.core import Workspace, Datastore

ws = Workspace.from_config()
share = Datastore.register_azure_file_share(ws, "training_share", "share", "mystorage", sas_token=token)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.ai.ml.entities import AzureFileDatastore, SasTokenConfiguration
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
share = ml_client.datastores.create_or_update(AzureFileDatastore(name="training_share", file_share_name="share", account_name="mystorage", credentials=SasTokenConfiguration(sas_token=token)))
"""


class RegisterDataLakeGen2(_RegisterDatastore):
    """Register an Azure Data Lake Storage Gen2 filesystem as a datastore.

    ## Migration
    `ml_client.datastores.create_or_update(AzureDataLakeGen2Datastore(name=...,
    filesystem=..., account_name=...))`; without a service principal the datastore is
    identity-based in both SDKs. A service principal becomes
    `credentials=ServicePrincipalConfiguration(tenant_id=..., client_id=...,
    client_secret=..., resource_url=...)`: v1 used `https://storage.azure.com/` when
    `resource_url` was not given and v2 sends none, so write v1's value; `authority_url`
    has the same default in both. `grant_workspace_access` and the storage account's
    `subscription_id`/`resource_group` are migrated by hand.

    ## Fix safety
    Safe with `overwrite=True`; otherwise unsafe (`create_or_update` replaces an existing
    datastore of the same name). With a service principal: no automatic fix yet
    (`tenant_id`/`client_id` reach `ServicePrincipalConfiguration` through `**kwargs`,
    which the emitted-API check cannot verify).
    """

    code = "AML503"
    name = "datastore-register-adls-gen2"
    symbols = (f"{DATASTORE}.register_azure_data_lake_gen2",)
    message = "`Datastore.register_azure_data_lake_gen2()` is SDK v1; use `ml_client.datastores.create_or_update(AzureDataLakeGen2Datastore(...))`"
    v2 = "ml_client.datastores.create_or_update(AzureDataLakeGen2Datastore(name=..., filesystem=..., account_name=...))"
    creates = BindingSpec(GEN2)
    entity = "AzureDataLakeGen2Datastore"
    credentials = "sp"
    default_resource_url = "https://storage.azure.com/"
    params = (
        "workspace", "datastore_name", "filesystem", "account_name", "tenant_id", "client_id", "client_secret",
        "resource_url", "authority_url", "protocol", "endpoint", "overwrite", "subscription_id", "resource_group",
        "grant_workspace_access",
    )
    required = ("datastore_name", "filesystem", "account_name")
    manual = {"grant_workspace_access": _GRANT, "subscription_id": _STORAGE_SUB, "resource_group": _STORAGE_SUB}
    dropped = ("overwrite",)
    before = """\
from azureml.core import Workspace, Datastore

ws = Workspace.from_config()
lake = Datastore.register_azure_data_lake_gen2(ws, "lake", "raw", "mylake", overwrite=True)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.ai.ml.entities import AzureDataLakeGen2Datastore
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
lake = ml_client.datastores.create_or_update(AzureDataLakeGen2Datastore(name="lake", filesystem="raw", account_name="mylake"))
"""


class RegisterDataLakeGen1(_RegisterDatastore):
    """Register an Azure Data Lake Storage Gen1 store as a datastore.

    ## Migration
    `ml_client.datastores.create_or_update(AzureDataLakeGen1Datastore(name=...,
    store_name=...))`. A service principal becomes
    `credentials=ServicePrincipalConfiguration(tenant_id=..., client_id=...,
    client_secret=..., resource_url=...)`: v1 used `https://datalake.azure.net/` when
    `resource_url` was not given, so write it. The store's
    `subscription_id`/`resource_group` and `grant_workspace_access` are migrated by hand.

    ## Fix safety
    Safe with `overwrite=True`; otherwise unsafe (`create_or_update` replaces an existing
    datastore of the same name). With a service principal: no automatic fix yet.
    """

    code = "AML504"
    name = "datastore-register-adls-gen1"
    symbols = (f"{DATASTORE}.register_azure_data_lake",)
    message = "`Datastore.register_azure_data_lake()` is SDK v1; use `ml_client.datastores.create_or_update(AzureDataLakeGen1Datastore(...))`"
    v2 = "ml_client.datastores.create_or_update(AzureDataLakeGen1Datastore(name=..., store_name=...))"
    creates = BindingSpec(GEN1)
    entity = "AzureDataLakeGen1Datastore"
    credentials = "sp"
    default_resource_url = "https://datalake.azure.net/"
    params = (
        "workspace", "datastore_name", "store_name", "tenant_id", "client_id", "client_secret", "resource_url",
        "authority_url", "subscription_id", "resource_group", "overwrite", "grant_workspace_access",
    )
    required = ("datastore_name", "store_name")
    manual = {"grant_workspace_access": _GRANT, "subscription_id": _STORAGE_SUB, "resource_group": _STORAGE_SUB}
    dropped = ("overwrite",)
    before = """\
from azureml.core import Workspace, Datastore

ws = Workspace.from_config()
adls = Datastore.register_azure_data_lake(ws, "adls", "mystore", overwrite=True)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.ai.ml.entities import AzureDataLakeGen1Datastore
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
adls = ml_client.datastores.create_or_update(AzureDataLakeGen1Datastore(name="adls", store_name="mystore"))
"""


class RegisterUnsupportedDatastore(Rule):
    """Register a SQL database, PostgreSQL, MySQL, DBFS or HDFS datastore.

    ## Migration
    v2 datastores are storage only (blob, file share, ADLS Gen1/Gen2, OneLake).
    SQL-like sources are read with a data import (`ml_client.data.import_data(DataImport(
    ...))`, experimental) or from the job's code with the database's own client; DBFS and
    HDFS are read from Databricks / Spark jobs.

    ## Fix safety
    No automatic fix: there is no v2 datastore of these kinds.
    """

    code = "AML505"
    name = "datastore-register-unsupported"
    symbols = tuple(f"{DATASTORE}.{m}" for m in (
        "register_azure_sql_database", "register_azure_postgre_sql", "register_azure_my_sql", "register_dbfs",
        "register_hdfs",
    ))
    message = "`{symbol}()` is SDK v1; v2 has no datastore for this source (use a data import or the source's own client)"
    v2 = "ml_client.data.import_data(DataImport(...)) (experimental)"
    url = URL_DATASTORE
    safety = MANUAL


def _datastore_get_check(rule, site, ws_expr, name_expr):
    if site.has_star_args():
        return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
    ws = _workspace(site, ws_expr)
    if ws is None:
        return Check(MANUAL, "cannot tell which workspace this is")
    problem = _exception_problem(site)
    if problem:
        return Check(MANUAL, problem)
    if name_expr is not None and literal(name_expr) == (True, None):
        return Check(MANUAL, "the name is None: use `ml_client.datastores.get_default()`")
    site.require(ws)
    return Check(rule.safety, facts={"workspace": ws, "default": name_expr is None})


class DatastoreGet(Rule):
    """Get a registered datastore by name.

    ## Migration
    `ml_client.datastores.get(name)` returns the v2 entity (`AzureBlobDatastore`, ...).
    Secrets are not included unless `include_secrets=True`. v1 raised
    `HttpOperationError`/`UserErrorException` for an unknown name; v2 raises
    `azure.core.exceptions.ResourceNotFoundError`.

    ## Fix safety
    Safe, together with every use of the variable (uses no rule rewrites hold the fix
    back). Inside a `try` whose `except` would not catch v2's errors the fix is held back.
    """

    code = "AML506"
    name = "datastore-get"
    symbols = (f"{DATASTORE}.get",)
    message = "`Datastore.get()` is SDK v1; use `ml_client.datastores.get(name)`"
    v2 = "ml_client.datastores.get(name)"
    url = URL_DATASTORE
    safety = SAFE
    creates = BindingSpec(DATASTORE)
    params = ("workspace", "datastore_name")
    before = """\
from azureml.core import Workspace, Datastore, Dataset

ws = Workspace.from_config()
store = Datastore.get(ws, "training_blob")
images = Dataset.File.from_files(path=(store, "images/"))
images = images.register(ws, "images", create_new_version=True)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.ai.ml.constants import AssetTypes
from azure.ai.ml.entities import Data
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
store = ml_client.datastores.get(name="training_blob")
images = Data(name="images", path=f"azureml://datastores/{store.name}/paths/images/", type=AssetTypes.URI_FOLDER)
images = ml_client.data.create_or_update(images)
"""

    def check(self, site):
        return _datastore_get_check(self, site, site.arg(0, "workspace"), site.arg(1, "datastore_name"))

    def fix(self, node, ctx):
        func = cst.parse_expression(f"{ctx.client()}.datastores.get")
        return rebuild_call(node, func, self.params, {"workspace": None, "datastore_name": "name"})


class DatastoreConstructor(Rule):
    """`Datastore(ws, name)` gets a registered datastore (the default one without a name).

    ## Migration
    `ml_client.datastores.get(name)`; without a name, `ml_client.datastores.get_default()`.

    ## Fix safety
    Safe, together with every use of the variable.
    """

    code = "AML507"
    name = "datastore-constructor"
    symbols = (DATASTORE,)
    message = "`Datastore(workspace, name)` is SDK v1; use `ml_client.datastores.get(name)`"
    v2 = "ml_client.datastores.get(name) / ml_client.datastores.get_default()"
    url = URL_DATASTORE
    safety = SAFE
    creates = BindingSpec(DATASTORE)
    params = ("workspace", "name")
    before = """\
from azureml.core import Workspace, Datastore

ws = Workspace.from_config()
store = Datastore(ws, "training_blob")
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
store = ml_client.datastores.get(name="training_blob")
"""

    def check(self, site):
        return _datastore_get_check(self, site, site.arg(0, "workspace"), site.arg(1, "name"))

    def fix(self, node, ctx):
        if ctx.finding.facts.get("default"):
            return cst.parse_expression(f"{ctx.client()}.datastores.get_default()")
        func = cst.parse_expression(f"{ctx.client()}.datastores.get")
        return rebuild_call(node, func, self.params, {"workspace": None, "name": "name"})


class DatastoreGetDefault(Rule):
    """Get the workspace's default datastore.

    ## Migration
    `ml_client.datastores.get_default()` (for `Datastore.get_default(ws)` and
    `ws.get_default_datastore()` alike).

    ## Fix safety
    Safe, together with every use of the variable.
    """

    code = "AML508"
    name = "datastore-get-default"
    symbols = (f"{DATASTORE}.get_default", f"{WORKSPACE}.get_default_datastore")
    message = "`{symbol}()` is SDK v1; use `ml_client.datastores.get_default()`"
    v2 = "ml_client.datastores.get_default()"
    url = URL_DATASTORE
    safety = SAFE
    # The workspace default is the blob store `workspaceblobstore` unless changed; only
    # members v2 datastores share are ever fixed on it.
    creates = BindingSpec(BLOB)
    params = ("workspace",)
    before = """\
from azureml.core import Workspace

ws = Workspace.from_config()
store = ws.get_default_datastore()
print(store.name)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
store = ml_client.datastores.get_default()
print(store.name)
"""

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        if site.symbol.endswith("get_default_datastore"):
            ws = site.receiver_binding()
            if ws is None or site.node.args or site.node.keywords:
                return Check(MANUAL, "cannot tell which workspace this is")
        else:
            ws = _workspace(site, site.arg(0, "workspace"))
            if ws is None:
                return Check(MANUAL, "cannot tell which workspace this is")
        site.require(ws)
        return Check(self.safety, facts={"workspace": ws})

    def fix(self, node, ctx):
        return cst.parse_expression(f"{ctx.client()}.datastores.get_default()")


_DATASTORE_RULES: tuple = ()  # filled below: the rules whose variables hold a migrated datastore


class DatastoreName(Rule):
    """The name of a datastore.

    ## Migration
    v2 datastore entities have the same `name` attribute.

    ## Fix safety
    Safe on a datastore the fix gets or registers.
    """

    code = "AML509"
    name = "datastore-name"
    on = "attribute"
    symbols = (f"{BLOB}.name", f"{DATASTORE}.name")
    message = "`{symbol}` is read from an SDK v1 datastore; v2 entities have the same `name`"
    v2 = "datastore.name"
    url = URL_DATASTORE
    safety = SAFE
    severity = "information"
    before = DatastoreGetDefault.before
    after = DatastoreGetDefault.after

    def check(self, site):
        b = site.tracked_receiver(_DATASTORE_RULES)
        if b is None:
            return Check(MANUAL, "cannot tell which datastore this is")
        return Check(self.safety)

    def fix(self, node, ctx):
        return node


class DatastoreUpload(Rule):
    """Upload local files to a datastore.

    ## Migration
    v2 has no datastore upload. To make local files available to jobs, create a data
    asset from the local path: `ml_client.data.create_or_update(Data(name=...,
    path="./local/dir", type=AssetTypes.URI_FOLDER))` uploads them to the workspace's
    default datastore (the destination path is chosen by the service, so `target_path` is
    lost), or pass `Input(path="./local/dir")` to the job. To write to a specific
    container path, use `azure-storage-blob` (`ContainerClient.upload_blob`).

    ## Fix safety
    No automatic fix: the destination cannot be kept.
    """

    code = "AML510"
    name = "datastore-upload"
    symbols = (
        f"{BLOB}.upload", f"{BLOB}.upload_files", f"{FILE_STORE}.upload", f"{FILE_STORE}.upload_files",
        f"{DATASET}.File.upload_directory", "azureml.data.dataset_factory.FileDatasetFactory.upload_directory",
    )
    message = "`{symbol}()` is SDK v1; v2 uploads local files when a data asset or job input points at a local path"
    v2 = 'ml_client.data.create_or_update(Data(name=..., path="./local/dir", type=AssetTypes.URI_FOLDER))'
    url = URL_DATA
    safety = MANUAL


class DatastoreManagement(Rule):
    """List, set as default or unregister datastores.

    ## Migration
    `ws.datastores` (a dict) -> `ml_client.datastores.list()` (an iterator of entities;
    v1's `datastore_type` is v2's `type`); `datastore.unregister()` ->
    `ml_client.datastores.delete(name)`; `ws.set_default_datastore(name)` /
    `datastore.set_as_default()` have no v2 SDK call (set the default in the studio or
    with the REST API).

    ## Fix safety
    No automatic fix.
    """

    code = "AML511"
    name = "datastore-management"
    symbols = (f"{DATASTORE}.set_as_default", f"{DATASTORE}.unregister", f"{WORKSPACE}.set_default_datastore")
    message = "`{symbol}` is SDK v1; use `ml_client.datastores.list()` / `delete(name)` (no set-default call in v2)"
    v2 = "ml_client.datastores.list() / ml_client.datastores.delete(name)"
    url = URL_DATASTORE
    safety = MANUAL


class WorkspaceDatastores(Rule):
    """The workspace's datastores as a dict.

    ## Migration
    `ws.datastores[name]` -> `ml_client.datastores.get(name)`; iterating ->
    `ml_client.datastores.list()`.

    ## Fix safety
    No automatic fix: the dict is used in many shapes.
    """

    code = "AML512"
    name = "workspace-datastores"
    on = "attribute"
    symbols = (f"{WORKSPACE}.datastores", f"{WORKSPACE}.datasets")
    message = "`{symbol}` is SDK v1; use `ml_client.datastores.get(name)` / `ml_client.data.list()`"
    v2 = "ml_client.datastores.list() / ml_client.data.list()"
    url = URL_DATASTORE
    safety = MANUAL


# -- data assets ---------------------------------------------------------------------------


def _path_problem(site, expr) -> tuple[str | None, dict]:
    """How a `from_files` path becomes a v2 URI: ("literal" | "datastore", ...) facts or a problem."""
    if isinstance(expr, (ast.List, ast.Tuple)) and len(expr.elts) == 1 and isinstance(expr, ast.List):
        expr = expr.elts[0]
    elif isinstance(expr, ast.List):
        return "several paths have no single v2 URI: create one `Data` per path, or an MLTable", {}
    ok, value = literal(expr)
    if ok and isinstance(value, str):
        if value.startswith(_URI_SCHEMES) or (value.startswith("https://") and any(h in value for h in _HTTPS_STORAGE)):
            if any(c in value for c in "*?["):
                return "v1 expanded the glob pattern; a v2 `uri_folder`/`uri_file` names one folder or file", {}
            return None, {"path": "literal", "path_src": site.source(expr), "text": value}
        return "only storage URIs (`azureml://`, `wasbs://`, `abfss://`, `https://<account>.blob...`) map as they are", {}
    if isinstance(expr, ast.Tuple) and len(expr.elts) == 2:
        store, rel = expr.elts
        b = site.binding(store)
        if b is None or b.creator is None or not isinstance(b.creator.rule, _DATASTORE_RULES):
            return "the datastore in the `(datastore, path)` pair must be a variable the fix migrates", {}
        ok, text = literal(rel)
        if not ok or not isinstance(text, str):
            return "the path in the `(datastore, path)` pair must be a literal string", {}
        if any(c in text for c in "*?["):
            return "v1 expanded the glob pattern; a v2 `uri_folder`/`uri_file` names one folder or file", {}
        if text.startswith("/") or not text:
            return "write the path relative to the datastore root (no leading `/`) first", {}
        site.consume(store)
        site.require(b)
        return None, {"path": "datastore", "store": b, "text": text}
    return "the path must be a storage URI or a `(datastore, 'relative/path')` pair (a DataPath is migrated by hand)", {}


class FileDatasetFromFiles(Rule):
    """A file dataset: files or folders in storage.

    ## Migration
    A `Data` entity with a URI path: `Data(name=..., path=..., type=AssetTypes.URI_FOLDER)`
    (`URI_FILE` with `is_file=True`), created with `ml_client.data.create_or_update(data)`
    (the register call, AML521). `(datastore, "rel/path")` ->
    `f"azureml://datastores/{datastore.name}/paths/rel/path"`; `azureml://`, `wasbs://`,
    `abfss://` and `https://<account>.blob.core.windows.net/...` URIs stay as they are.
    `validate` goes (v2 checks the path when a job reads it). Several paths, glob
    patterns, `partition_format` and `DataPath` objects are migrated by hand (one `Data`
    per path, or an MLTable). A dataset only passed to runs (AML528), never registered,
    becomes a `Data(path=..., type=...)` without a name, and the job inputs read its path.

    ## Fix safety
    Together with the register call that names the asset (the entity carries the name),
    or with the runs that consume it. Unsafe unless the path ends with `/` or
    `is_file=True` is given: v1 found out itself whether a path was a file or a folder,
    and the fix assumes a folder.
    """

    code = "AML520"
    name = "file-dataset-from-files"
    symbols = (f"{DATASET}.File.from_files", "azureml.data.dataset_factory.FileDatasetFactory.from_files")
    message = "`Dataset.File.from_files()` is SDK v1; describe the data with `azure.ai.ml.entities.Data(path=..., type=AssetTypes.URI_FOLDER)`"
    v2 = "azure.ai.ml.entities.Data(name=..., path=\"azureml://datastores/<name>/paths/<path>\", type=AssetTypes.URI_FOLDER)"
    url = URL_DATA
    safety = SAFE
    creates = BindingSpec(FILE_DATASET)
    params = ("path", "validate", "partition_format", "is_file")
    before = """\
from azureml.core import Workspace, Dataset

ws = Workspace.from_config()
mnist = Dataset.File.from_files(path="https://azureopendatastorage.blob.core.windows.net/mnist/")
mnist = mnist.register(workspace=ws, name="mnist", description="MNIST images", tags={"src": "open"}, create_new_version=True)
print(mnist.name)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.ai.ml.constants import AssetTypes
from azure.ai.ml.entities import Data
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
mnist = Data(name="mnist", path="https://azureopendatastorage.blob.core.windows.net/mnist/", type=AssetTypes.URI_FOLDER, description="MNIST images", tags={"src": "open"})
mnist = ml_client.data.create_or_update(mnist)
print(mnist.name)
"""

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        if _given(site, 2, "partition_format"):
            return Check(MANUAL, "`partition_format` has no `uri_folder` equivalent: use an MLTable "
                                 "(`extract_columns_from_partition_format`)")
        path = site.arg(0, "path")
        if path is None:
            return Check(MANUAL, "no path is given")
        problem, facts = _path_problem(site, path)
        if problem:
            return Check(MANUAL, problem)
        is_file = site.arg(3, "is_file")
        ok, value = literal(is_file)
        if is_file is not None and (not ok or not isinstance(value, bool)):
            return Check(MANUAL, "`is_file` must be a literal True or False")
        facts["file"] = bool(ok and value)
        facts["needs_assignment"] = True
        if not facts["file"] and not facts["text"].endswith("/"):
            facts["unsure_type"] = True
        return Check(self.safety, facts=facts)

    def plan(self, finding, users, analysis) -> None:
        """The entity needs the asset name, which only the register call knows; a dataset
        only passed to runs (AML528) needs none: its `Data` entity just holds the path."""
        if finding.safety is None:
            return
        registers = [u for u in users if isinstance(u.rule, DatasetRegister) and u.facts.get("factory") is finding]
        inputs = [u for u in users if finding.creates in u.facts.get("datasets", ())]
        if len(registers) + len(inputs) == len(users) and len(registers) <= 1 and users and all(
                u.safety is not None for u in registers):
            finding.facts["register"] = registers[0].facts if registers else None
            if finding.facts.get("unsure_type"):
                finding.safety = UNSAFE
                finding.message += (" (v1 detected whether the path is a file or a folder; the fix assumes a folder: "
                                    "use AssetTypes.URI_FILE for a file)")
            return
        finding.safety = None
        finding.message += (" (v2 data assets carry their name: register the dataset in exactly one register call, "
                            "or only pass it to runs)")

    def fix(self, node, ctx):
        facts = ctx.finding.facts
        cls = ctx.need(ENTITIES, "Data")
        types = ctx.need("azure.ai.ml.constants", "AssetTypes")
        reg = facts["register"] or {}  # None: only passed to runs, no asset name
        args = [keyword_arg("name", cst.parse_expression(reg["name_src"]))] if reg else []
        if facts["path"] == "literal":
            path = cst.parse_expression(facts["path_src"])
        else:
            store = ctx.name_of(facts["store"])
            text = facts["text"].replace("{", "{{").replace("}", "}}")
            path = cst.parse_expression("f" + _string(f"azureml://datastores/{{{store}.name}}/paths/{text}"))
        args.append(keyword_arg("path", path))
        args.append(keyword_arg("type", cst.parse_expression(f"{types}.{'URI_FILE' if facts['file'] else 'URI_FOLDER'}")))
        for key in ("description", "tags"):
            if reg.get(f"{key}_src"):
                args.append(keyword_arg(key, cst.parse_expression(reg[f"{key}_src"])))
        return cst.Call(func=cst.Name(cls), args=_commas(args))


def _string(text: str) -> str:
    return f'"{text}"' if '"' not in text and "\\" not in text else repr(text)


class DatasetRegister(Rule):
    """Register a dataset as a named, versioned asset.

    ## Migration
    `ml_client.data.create_or_update(data)`, where `data` is the `Data` entity the dataset
    factory became (AML520), carrying `name`, `description` and `tags` from this call.
    `MLClient.create_or_update(data)` does not accept `Data` (it dispatches jobs, models,
    environments, components and datastores only). Tabular datasets become MLTable assets
    (`type=AssetTypes.MLTABLE`, a folder with an `MLTable` file): migrate by hand.

    ## Fix safety
    Safe with `create_new_version=True`; otherwise unsafe: v2 adds a new version when the
    name exists, where v1 without `create_new_version=True` did not.
    """

    code = "AML521"
    name = "dataset-register"
    symbols = (f"{FILE_DATASET}.register", f"{TABULAR_DATASET}.register")
    message = "`{symbol}()` is SDK v1; create the asset with `ml_client.data.create_or_update(Data(name=..., ...))`"
    v2 = "ml_client.data.create_or_update(Data(name=..., path=..., type=..., description=..., tags=...))"
    url = URL_DATA
    safety = SAFE
    creates = BindingSpec(FILE_DATASET)
    params = ("workspace", "name", "description", "tags", "create_new_version")
    before = FileDatasetFromFiles.before
    after = FileDatasetFromFiles.after

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        b = site.receiver_binding()
        if b is None or b.creator is None or not isinstance(b.creator.rule, FileDatasetFromFiles):
            if site.symbol.startswith(TABULAR_DATASET):
                return Check(MANUAL, "a tabular dataset becomes an MLTable asset (`mltable.from_delimited_files(...)"
                                     ".save(dir)`, then `Data(path=dir, type=AssetTypes.MLTABLE)`)")
            return Check(MANUAL, "register a dataset created by `Dataset.File.from_files` in this file, "
                                 "assigned to a variable")
        if b.creator.safety is None:
            return Check(MANUAL, "the dataset's path needs a manual migration first")
        ws = _workspace(site, site.arg(0, "workspace"))
        if ws is None:
            return Check(MANUAL, "cannot tell which workspace this is")
        name = site.arg(1, "name")
        if name is None:
            return Check(MANUAL, "no name is given")
        facts = {"workspace": ws, "factory": b.creator}
        for i, key in ((1, "name"), (2, "description"), (3, "tags")):
            expr = site.arg(i, key)
            if expr is None or literal(expr) == (True, None):
                continue
            problem = _movable_problem(site, expr, b.creator.stmt, f"asset {key}")
            if problem:
                return Check(MANUAL, problem)
            facts[f"{key}_src"] = site.source(expr)
        site.require(b)
        site.require(ws)
        ok, new_version = literal(site.arg(4, "create_new_version"))
        if ok and new_version is True:
            return Check(self.safety, facts=facts)
        return Check(UNSAFE, "v2 adds a new version when the name exists; v1 did so only with "
                             "`create_new_version=True`", facts=facts)

    def fix(self, node, ctx):
        func = cst.parse_expression(f"{ctx.client()}.data.create_or_update")
        return cst.Call(func=func, args=[cst.Arg(value=node.func.value)])


class DatasetName(Rule):
    """The name of a registered dataset.

    ## Migration
    v2 `Data` entities have the same `name` attribute. (`version` is a string in v2, an
    int in v1.)

    ## Fix safety
    Safe on a dataset the fix registers.
    """

    code = "AML522"
    name = "dataset-name"
    on = "attribute"
    symbols = (f"{FILE_DATASET}.name",)
    message = "`{symbol}` is read from an SDK v1 dataset; v2 `Data` has the same `name`"
    v2 = "data.name"
    url = URL_DATA
    safety = SAFE
    severity = "information"
    before = FileDatasetFromFiles.before
    after = FileDatasetFromFiles.after

    def check(self, site):
        b = site.tracked_receiver(DatasetRegister)
        if b is None:
            return Check(MANUAL, "v1 datasets have a name only once registered")
        return Check(self.safety)

    def fix(self, node, ctx):
        return node


class DatasetGetByName(Rule):
    """Get a registered dataset by name.

    ## Migration
    `ml_client.data.get(name, version=...)`; v2 requires a version or a label:
    `version='latest'` (v1's default) -> `label="latest"`, a version number `n` ->
    `version="n"` (v2 versions are strings). The result is a `Data` entity (a reference to
    the files, not a loaded dataset): to read a tabular asset use
    `mltable.load(f"azureml:{data.name}:{data.version}")` or pass it to a job as
    `Input(path=data.id)`.

    ## Fix safety
    Safe for a literal version number. Unsafe for `'latest'` (v2's `latest` label picks
    the most recently created version, v1 the highest number) and for a version in a
    variable (written as `str(v)`, which breaks if it holds `'latest'`).
    """

    code = "AML523"
    name = "dataset-get-by-name"
    symbols = (f"{DATASET}.get_by_name", "azureml.data.abstract_dataset.AbstractDataset.get_by_name")
    message = "`Dataset.get_by_name()` is SDK v1; use `ml_client.data.get(name, version=...)` (a version or label is required)"
    v2 = 'ml_client.data.get(name, version="1") / ml_client.data.get(name, label="latest")'
    url = URL_DATA
    safety = SAFE
    creates = BindingSpec(ABSTRACT_DATASET)
    params = ("workspace", "name", "version")
    before = """\
from azureml.core import Workspace, Dataset

ws = Workspace.from_config()
iris = Dataset.get_by_name(ws, name="iris", version=2)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
iris = ml_client.data.get(name="iris", version="2")
"""

    def check(self, site):
        if site.has_star_args() or set(site.keywords()) - set(self.params):
            return Check(MANUAL, "only `workspace`, `name` and `version` can be mapped")
        ws = _workspace(site, site.arg(0, "workspace"))
        if ws is None:
            return Check(MANUAL, "cannot tell which workspace this is")
        if site.arg(1, "name") is None:
            return Check(MANUAL, "no name is given")
        version = site.arg(2, "version")
        ok, value = literal(version)
        facts = {"workspace": ws}
        safety, note = self.safety, ""
        if version is None or (ok and value == "latest"):
            facts["version"] = "latest"
            safety, note = UNSAFE, "v2's `latest` label is the most recently created version; v1's was the highest number"
        elif ok and isinstance(value, int) and not isinstance(value, bool) or (ok and isinstance(value, str) and value.isdigit()):
            facts["version"] = str(value)
        elif ok:
            return Check(MANUAL, "the version must be a number or 'latest'")
        else:
            facts["version"] = None
            safety, note = UNSAFE, "the version is written as `str(...)`; pass `label=\"latest\"` instead if it can be 'latest'"
        site.require(ws)
        return Check(safety, note, facts=facts)

    def fix(self, node, ctx):
        version = ctx.finding.facts["version"]
        args = arg_map(node, self.params)

        def build(arg):
            if version is None:
                return keyword_arg("version", cst.parse_expression(f"str({_code(arg.value)})"), arg)
            if version == "latest":
                return keyword_arg("label", cst.SimpleString('"latest"'), arg)
            return keyword_arg("version", cst.SimpleString(f'"{version}"'), arg)

        append = []
        if "version" not in args:
            append.append(keyword_arg("label", cst.SimpleString('"latest"')))
        func = cst.parse_expression(f"{ctx.client()}.data.get")
        return rebuild_call(node, func, self.params, {"workspace": None, "name": "name", "version": build}, append=append)


def _code(node) -> str:
    return cst.Module(body=[]).code_for_node(node)


class DatasetLookup(Rule):
    """Get a dataset by id, or list all datasets.

    ## Migration
    `Dataset.get_all(ws)` (a dict name -> dataset) -> `ml_client.data.list()` (an iterator
    of `Data` entities, one per name; `ml_client.data.list(name=n)` lists the versions).
    `Dataset.get_by_id` has no v2 equivalent (v2 ids are ARM ids: use
    `ml_client.data.get(name, version)`).

    ## Fix safety
    No automatic fix: the result's shape changes.
    """

    code = "AML524"
    name = "dataset-lookup"
    symbols = (f"{DATASET}.get_all", f"{DATASET}.get_by_id")
    message = "`{symbol}()` is SDK v1; use `ml_client.data.list()` / `ml_client.data.get(name, version)`"
    v2 = "ml_client.data.list() / ml_client.data.get(name, version=...)"
    url = URL_DATA
    safety = MANUAL


class TabularDatasetFactory(Rule):
    """A tabular dataset from delimited, Parquet or JSON-lines files.

    ## Migration
    An MLTable: `tbl = mltable.from_delimited_files(paths=[{"file": uri}])` (or
    `{"folder": ...}` / `{"pattern": ...}`), `tbl.save("./data")`, then
    `ml_client.data.create_or_update(Data(name=..., path="./data",
    type=AssetTypes.MLTABLE))`. Parameters: `separator` -> `delimiter`; `header=True` ->
    `header="all_files_same_headers"`; `include_path` -> `include_path_column`;
    `set_column_types` -> `tbl.convert_column_types(...)`; `partition_format` ->
    `tbl.extract_columns_from_partition_format(...)`; Parquet ->
    `mltable.from_parquet_files`, JSON lines -> `mltable.from_json_lines_files`.

    ## Fix safety
    No automatic fix: one expression becomes an MLTable file plus a data asset.
    """

    code = "AML525"
    name = "tabular-dataset-factory"
    symbols = tuple(
        f"{prefix}.{m}"
        for prefix in (f"{DATASET}.Tabular", "azureml.data.dataset_factory.TabularDatasetFactory")
        for m in ("from_delimited_files", "from_parquet_files", "from_json_lines_files")
    )
    message = "`{symbol}()` is SDK v1; build an MLTable (`mltable.from_delimited_files(...)`) and register it as `Data(type=AssetTypes.MLTABLE)`"
    v2 = "mltable.from_delimited_files(paths=[{\"file\": uri}]) + Data(path=dir, type=AssetTypes.MLTABLE)"
    url = URL_DATA
    safety = MANUAL
    creates = BindingSpec(TABULAR_DATASET)


class TabularDatasetSources(Rule):
    """A tabular dataset from a SQL query or a DataFrame.

    ## Migration
    SQL: `ml_client.data.import_data(DataImport(...))` (experimental) or read the
    database in the job. A pandas/Spark/Dask DataFrame: write it to Parquet locally, build
    an MLTable with `mltable.from_parquet_files`, save it and register it as
    `Data(type=AssetTypes.MLTABLE)`.

    ## Fix safety
    No automatic fix.
    """

    code = "AML526"
    name = "tabular-dataset-sources"
    symbols = (
        f"{DATASET}.Tabular.from_sql_query", f"{DATASET}.Tabular.register_pandas_dataframe",
        f"{DATASET}.Tabular.register_spark_dataframe", f"{DATASET}.Tabular.register_dask_dataframe",
        "azureml.data.dataset_factory.TabularDatasetFactory.from_sql_query",
        "azureml.data.dataset_factory.TabularDatasetFactory.register_pandas_dataframe",
    )
    message = "`{symbol}()` is SDK v1; use a data import or write the data to Parquet and register an MLTable"
    v2 = "ml_client.data.import_data(DataImport(...)) / mltable.from_parquet_files(...)"
    url = URL_DATA
    safety = MANUAL


class TabularDatasetUse(Rule):
    """Load or transform a tabular dataset.

    ## Migration
    `mltable.load(uri)` returns an MLTable with the same operations:
    `to_pandas_dataframe()`, `random_split(percent=..., seed=...)`, `take(n)`, `skip(n)`,
    `keep_columns`/`drop_columns`. For a registered asset the URI is
    `azureml:<name>:<version>` (with `ml_client=` for a workspace asset); inside a job read
    the input path from the command line instead.

    ## Fix safety
    No automatic fix: the object that holds the table changes.
    """

    code = "AML527"
    name = "tabular-dataset-use"
    symbols = tuple(f"{TABULAR_DATASET}.{m}" for m in (
        "to_pandas_dataframe", "random_split", "take", "skip", "keep_columns", "drop_columns",
    ))
    message = "`{symbol}()` is SDK v1; load the data with `mltable.load(uri)` and call the MLTable method"
    v2 = "mltable.load(uri).to_pandas_dataframe()"
    url = URL_DATA
    safety = MANUAL


# A v1 input or output name: v1 validated it with this pattern, v2 input/output keys need the same.
_IO_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


def io_name(text: str) -> bool:
    return bool(_IO_NAME.match(text))


def _dataset_source(ds) -> tuple[dict | None, str]:
    """How a job input refers to the dataset `ds` holds, or (None, why not)."""
    creator = ds.creator if ds is not None else None
    if creator is None:
        return None, ("the dataset must be a variable made in this file by `Dataset.get_by_name(...)`, "
                      "`Dataset.File.from_files(...)` or `.register(...)`")
    if isinstance(creator.rule, DatasetGetByName):
        # A v1 dataset looked up by name: v2 sees a registered FileDataset as a `uri_folder` asset.
        return {"source": "asset", "type": "URI_FOLDER", "unsure": True}, ""
    if isinstance(creator.rule, DatasetRegister):
        factory = creator.facts.get("factory")
        single = bool(factory is not None and factory.facts.get("file"))
        return {"source": "asset", "type": "URI_FILE" if single else "URI_FOLDER"}, ""
    if isinstance(creator.rule, FileDatasetFromFiles):
        return {"source": "files", "type": "URI_FILE" if creator.facts.get("file") else "URI_FOLDER"}, ""
    return None, f"the dataset `{ds.name}` (line {creator.span.line}) cannot be referenced by a v2 job input"


def input_call(spec: dict, ctx) -> cst.BaseExpression:
    """`Input(type=..., path=..., mode=...)` for a dataset consumption (see DatasetConsumption)."""
    cls = ctx.need("azure.ai.ml", "Input")
    types = ctx.need("azure.ai.ml.constants", "AssetTypes")
    ds = ctx.name_of(spec["dataset"])
    # A registered asset by name and version (lineage as in v1); an unregistered one by its storage URI.
    path = f'f"azureml:{{{ds}.name}}:{{{ds}.version}}"' if spec["source"] == "asset" else f"{ds}.path"
    return cst.parse_expression(f'{cls}(type={types}.{spec["type"]}, path={path}, mode="{spec["mode"]}")')


def output_call(spec: dict, ctx) -> cst.BaseExpression:
    """`Output(type=..., path=..., mode="rw_mount")` for an OutputFileDatasetConfig."""
    cls = ctx.need("azure.ai.ml", "Output")
    types = ctx.need("azure.ai.ml.constants", "AssetTypes")
    args = [f"type={types}.URI_FOLDER"]
    if spec["store"] is not None:
        text = spec["path"].replace("{", "{{").replace("}", "}}")
        args.append("path=f" + _string(f"azureml://datastores/{{{ctx.name_of(spec['store'])}.name}}/paths/{text}"))
    args.append('mode="rw_mount"')
    return cst.parse_expression(f"{cls}({', '.join(args)})")


def _upgrade_if_only_run_arguments(finding, users, key: str, what: str) -> None:
    """Planning for a consumption or output held in a variable: fixable (in place, as the
    v2 `Input`/`Output`) when every use is a ScriptRunConfig's `arguments` that reads it."""
    spec = finding.facts.get(key)
    if spec is None or finding.creates is None:
        return
    if users and all(finding.creates in u.facts.get("reads", ()) for u in users):
        finding.safety = spec["safety"]
        if spec["notes"]:
            finding.message += f" ({'; '.join(spec['notes'])})"
        return
    finding.message += f" (only {what} passed in a ScriptRunConfig's `arguments` is migrated)"


class DatasetConsumption(Rule):
    """A dataset passed to a run (`as_named_input`, `as_mount`, `as_download`).

    ## Why
    v1 turned a dataset in a run's `arguments` into a path on the compute (mounted or
    downloaded). v2 declares the data as a job input and names it in the command line.

    ## Migration
    A job input: `command(..., inputs={"data": Input(type=AssetTypes.URI_FOLDER,
    path=..., mode="ro_mount")}, command="python train.py --data ${{inputs.data}}")`.
    `as_named_input(n)` -> the key `n` (without it, a key from the flag before it,
    `--data-folder` -> `data_folder`, or from the variable); `.as_mount()` ->
    `mode="ro_mount"`; `.as_download()` -> `mode="download"`. The path: a dataset got by
    name or registered in this file -> `f"azureml:{ds.name}:{ds.version}"` (the asset
    `ml_client.data.get(...)` / `ml_client.data.create_or_update(...)` returned); an
    unregistered `Dataset.File.from_files(...)` -> its `Data` entity's `ds.path`. The
    ScriptRunConfig's fix (AML203) writes the inputs; a consumption kept in a variable
    becomes the `Input(...)` itself. The script still receives the path on its command
    line; `run.input_datasets[n]` has no v2 equivalent (read the path from argv).
    Direct mode (`as_named_input` alone: tabular datasets, read with
    `run.input_datasets`) -> `Input(type=AssetTypes.MLTABLE, path=..., mode="direct")` and
    `mltable.load(path)` in the script, by hand; `as_hdfs()` is for Synapse Spark steps.

    ## Fix safety
    Together with the ScriptRunConfig whose `arguments` pass it (AML203) and the statement
    that makes the dataset. Unsafe when the path handed to the script may change: a
    dataset got by name is used as a `uri_folder` (v1 handed a single-file dataset over as
    the file's own path), a single file downloaded (v1 passed the folder it was downloaded
    to), and `path_on_compute` (dropped: v2 picks the mount point).
    """

    code = "AML528"
    name = "dataset-consumption"
    symbols = (
        f"{FILE_DATASET}.as_named_input", f"{TABULAR_DATASET}.as_named_input", f"{ABSTRACT_DATASET}.as_named_input",
        f"{FILE_DATASET}.as_mount", f"{FILE_DATASET}.as_download", f"{FILE_DATASET}.as_hdfs",
        f"{CONSUMPTION}.as_mount", f"{CONSUMPTION}.as_download", f"{CONSUMPTION}.as_hdfs", CONSUMPTION,
    )
    message = "`{symbol}()` is SDK v1; pass the data as a job input: `inputs={name: Input(type=..., path=..., mode=...)}` and `${{inputs.name}}` in the command"
    v2 = 'command(..., inputs={"data": Input(type=AssetTypes.URI_FOLDER, path=..., mode="ro_mount")})'
    url = URL_DATA
    safety = MANUAL  # fixed with the ScriptRunConfig that consumes it (see plan and AML203)
    creates = BindingSpec(CONSUMPTION)
    before = """\
from azureml.core import Workspace, Experiment, Environment, Dataset, ScriptRunConfig

ws = Workspace.from_config()
mnist = Dataset.get_by_name(ws, name="mnist", version=2)
env = Environment.get(ws, "AzureML-sklearn-1.0")
src = ScriptRunConfig(source_directory="src", script="train.py", compute_target="cpu-cluster", environment=env,
                      arguments=["--data-folder", mnist.as_named_input("mnist").as_mount(), "--epochs", 10])
run = Experiment(ws, "mnist").submit(src)
"""
    after = """\
from azure.ai.ml import Input, MLClient, command
from azure.ai.ml.constants import AssetTypes
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
mnist = ml_client.data.get(name="mnist", version="2")
env = ml_client.environments.get("AzureML-sklearn-1.0", label="latest")
src = command(code="src", command="python train.py --data-folder ${{inputs.mnist}} --epochs 10", compute="cpu-cluster", environment=env,
              inputs={"mnist": Input(type=AssetTypes.URI_FOLDER, path=f"azureml:{mnist.name}:{mnist.version}", mode="ro_mount")})
run = ml_client.jobs.create_or_update(src, experiment_name="mnist")
"""

    def check(self, site):
        facts: dict = {}
        problem = self._input(site, facts)
        if problem:
            facts["input_problem"] = problem
        return Check(MANUAL, problem or "", facts=facts)

    @staticmethod
    def _input(site, facts: dict) -> str | None:
        """Describe the job input (facts["input"]); why there is none, or None."""
        if site.symbol == CONSUMPTION:
            return "build the `Input(...)` from the dataset by hand"
        if site.has_star_args():
            return "arguments passed with * or ** cannot be mapped"
        method = site.symbol.rsplit(".", 1)[1]
        recv = site.receiver
        if method == "as_named_input":
            ok, name = literal(site.arg(0, "name"))
            if not ok or not isinstance(name, str):
                return "the input name must be a literal string"
            if not _IO_NAME.match(name):
                return f"v1 rejects the input name {name!r} (letters, digits and `_`)"
            facts["named"] = (name, recv.binding if recv is not None else None)
            return ("direct mode (no `.as_mount()`/`.as_download()`) handed the script a dataset to read with "
                    "`run.input_datasets`: pass `Input(type=AssetTypes.MLTABLE, path=..., mode=\"direct\")` and "
                    "load the path with `mltable.load(...)` in the script")
        inner = recv.finding if recv is not None and recv.binding is None else None
        if inner is not None and isinstance(inner.rule, DatasetConsumption):
            site.absorb(inner)  # `ds.as_named_input(n).as_mount()` is one input
            if "named" not in inner.facts:
                return inner.facts.get("input_problem")
            name, ds = inner.facts["named"]
        elif recv is not None and recv.binding is not None and recv.binding.kind == FILE_DATASET:
            name, ds = None, recv.binding  # v1 named the input itself
        elif recv is not None and recv.binding is not None:  # `c = ds.as_named_input(n)` ... `c.as_mount()`
            return "write the consumption as one expression: `ds.as_named_input(\"name\").as_mount()`"
        else:
            return _dataset_source(None)[1]
        if method == "as_hdfs":
            return "`as_hdfs()` is for Synapse Spark steps: migrate by hand"
        source, problem = _dataset_source(ds)
        if source is None:
            return problem
        mode = "ro_mount" if method == "as_mount" else "download"
        notes = []
        if source.get("unsure") and mode == "ro_mount":
            notes.append("v1 handed a single-file dataset over as the file's own path; as a `uri_folder` input "
                         "v2 hands over the folder that holds it")
        if source["type"] == "URI_FILE" and mode == "download":
            notes.append("v1 handed over the folder the file was downloaded to; a `uri_file` input hands over the "
                         "file's own path")
        if _given(site, 0, "path_on_compute"):
            notes.append("`path_on_compute` is dropped: v2 picks the mount point (the script still gets the path "
                         "on its command line)")
        facts["input"] = {"name": name, "dataset": ds, "mode": mode, **source, "notes": notes,
                          "safety": UNSAFE if notes else SAFE}
        facts["datasets"] = [ds]
        site.require(ds)
        return None

    def plan(self, finding, users, analysis) -> None:
        _upgrade_if_only_run_arguments(finding, users, "input", "a dataset input")

    def fix(self, node, ctx):
        return input_call(ctx.finding.facts["input"], ctx)


class FileDatasetLocalAccess(Rule):
    """Download or mount a file dataset in the current process.

    ## Migration
    `download` -> `ml_client.data.get(...)` and copy with `azure-storage-blob` / `azcopy`
    (or `azureml-fsspec`); `mount` -> `ml_client.data.mount(path, mount_point=...)`
    (experimental, Linux only); `to_path` -> list the files with `azureml-fsspec`
    (`AzureMachineLearningFileSystem(uri).ls()`).

    ## Fix safety
    No automatic fix.
    """

    code = "AML529"
    name = "file-dataset-local-access"
    symbols = (f"{FILE_DATASET}.download", f"{FILE_DATASET}.mount", f"{FILE_DATASET}.to_path")
    message = "`{symbol}()` is SDK v1; use `ml_client.data.mount(...)` or azureml-fsspec / azure-storage-blob"
    v2 = "ml_client.data.mount(path, mount_point=...) / azureml.fsspec.AzureMachineLearningFileSystem"
    url = URL_DATA
    safety = MANUAL


class DatastorePath(Rule):
    """A path on a datastore as a v1 `DataReference` (`datastore.path("folder")`).

    ## Migration
    A v2 datastore URI: `f"azureml://datastores/{datastore.name}/paths/folder"`, passed as
    `Input(type="uri_folder", path=...)` to a job (`.as_mount()` -> `mode="ro_mount"`,
    `.as_download()` -> `mode="download"`).

    ## Fix safety
    No automatic fix: how the reference is consumed decides the input type and mode.
    """

    code = "AML532"
    name = "datastore-path"
    symbols = (f"{BLOB}.path", "azureml.data.data_reference.DataReference")
    message = "`{symbol}` is SDK v1; use a datastore URI `azureml://datastores/<name>/paths/<path>` in an `Input(...)`"
    v2 = 'Input(type="uri_folder", path=f"azureml://datastores/{datastore.name}/paths/folder")'
    url = URL_DATASTORE
    safety = MANUAL


class OutputConfigMethods(Rule):
    """Configure a job output after creating it (`register_on_complete`, `as_input`, `as_upload`, ...).

    ## Migration
    `register_on_complete(name=...)` -> give the v2 output a name and version:
    `Output(type="uri_folder", name=..., version=...)` registers it when the job ends;
    `as_upload()` / `as_mount()` -> `Output(..., mode="upload" | "rw_mount")`;
    `as_input()` -> pass `producer.outputs.<name>` to the next node.

    ## Fix safety
    No automatic fix.
    """

    code = "AML533"
    name = "output-config-methods"
    symbols = tuple(f"{OUTPUT_CONFIG}.{m}" for m in ("register_on_complete", "as_input", "as_upload", "as_mount",
                                                     "read_delimited_files", "read_parquet_files"))
    message = "`{symbol}()` is SDK v1; set it on the v2 `Output(...)` (name, version, mode) or wire `outputs.<name>`"
    v2 = 'Output(type="uri_folder", name="asset", version="1", mode="upload")'
    url = URL_DATA
    safety = MANUAL


class OutputFileDatasetConfigRule(Rule):
    """Where a run writes its output files.

    ## Why
    v1 mounted (or uploaded) a folder for the run and substituted its path into the run's
    `arguments`. v2 declares the folder as a job output and names it in the command line.

    ## Migration
    A job output: `command(..., outputs={"out": Output(type=AssetTypes.URI_FOLDER,
    path="azureml://datastores/<datastore>/paths/<path>", mode="rw_mount")})` and
    `${{outputs.out}}` in the command. `name` -> the outputs key (without it, a key from
    the flag before it or from the variable); `destination=(datastore, "p")` ->
    `path=f"azureml://datastores/{datastore.name}/paths/p"`; v1's default mode (mount) ->
    `mode="rw_mount"`. The ScriptRunConfig's fix (AML203) writes the outputs; a
    configuration kept in a variable becomes the `Output(...)` itself. By hand:
    `.as_upload()` -> `mode="upload"`, `.register_on_complete(name)` ->
    `Output(..., name=name)`, `.as_input()` -> the step's `outputs.<key>` wired into the
    next step of a pipeline, `{run-id}`/`{output-name}` in the path, `source` and
    `partition_format`.

    ## Fix safety
    Together with the ScriptRunConfig whose `arguments` pass it (AML203). Unsafe without a
    `destination`: v1 wrote to `dataset/<run id>/<output name>` on the default datastore,
    v2 writes to its own default location.
    """

    code = "AML530"
    name = "output-file-dataset-config"
    symbols = (OUTPUT_CONFIG,)
    message = "`OutputFileDatasetConfig` is SDK v1; declare a job output: `outputs={name: Output(type=AssetTypes.URI_FOLDER, path=..., mode=\"rw_mount\")}`"
    v2 = 'command(..., outputs={"out": Output(type=AssetTypes.URI_FOLDER, path="azureml://datastores/<ds>/paths/<p>", mode="rw_mount")})'
    url = URL_DATA
    safety = MANUAL  # fixed with the ScriptRunConfig that writes to it (see plan and AML203)
    creates = BindingSpec(OUTPUT_CONFIG)
    params = ("name", "destination", "source", "partition_format")
    before = """\
from azureml.core import Workspace, Experiment, Environment, ScriptRunConfig
from azureml.data import OutputFileDatasetConfig

ws = Workspace.from_config()
store = ws.get_default_datastore()
model_dir = OutputFileDatasetConfig(name="model_dir", destination=(store, "models/mnist"))
env = Environment.get(ws, "AzureML-sklearn-1.0")
src = ScriptRunConfig(source_directory="src", script="train.py", arguments=["--out", model_dir],
                      compute_target="cpu-cluster", environment=env)
run = Experiment(ws, "mnist").submit(src)
"""
    after = """\
from azure.ai.ml import MLClient, Output, command
from azure.ai.ml.constants import AssetTypes
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
store = ml_client.datastores.get_default()
model_dir = Output(type=AssetTypes.URI_FOLDER, path=f"azureml://datastores/{store.name}/paths/models/mnist", mode="rw_mount")
env = ml_client.environments.get("AzureML-sklearn-1.0", label="latest")
src = command(code="src", command="python train.py --out ${{outputs.model_dir}}", compute="cpu-cluster", environment=env, outputs={"model_dir": model_dir})
run = ml_client.jobs.create_or_update(src, experiment_name="mnist")
"""

    def check(self, site):
        facts: dict = {}
        problem = self._output(site, facts)
        if problem:
            facts["output_problem"] = problem
        return Check(MANUAL, problem or "", facts=facts)

    @staticmethod
    def _output(site, facts: dict) -> str | None:
        """Describe the job output (facts["output"]); why there is none, or None."""
        if site.has_star_args():
            return "arguments passed with * or ** cannot be mapped"
        for i, p in ((2, "source"), (3, "partition_format")):
            if _given(site, i, p):
                return f"`{p}` has no `Output(...)` equivalent: migrate by hand"
        name = None
        if _given(site, 0, "name"):
            ok, name = literal(site.arg(0, "name"))
            if not ok or not isinstance(name, str):
                return "the output name must be a literal string"
            if not _IO_NAME.match(name):
                return f"v1 rejects the output name {name!r} (letters, digits and `_`)"
        spec: dict = {"name": name, "store": None, "path": None, "notes": []}
        dest = site.arg(1, "destination")
        if dest is None or literal(dest) == (True, None):
            spec["notes"].append("no `destination`: v1 wrote to `dataset/<run id>/<output name>` on the default "
                                 "datastore, v2 writes to its own default location")
        else:
            if not isinstance(dest, ast.Tuple) or len(dest.elts) != 2:
                return "`destination` must be a `(datastore, 'path')` pair"
            store, rel = dest.elts
            b = site.binding(store)
            if b is None or b.creator is None or not isinstance(b.creator.rule, _DATASTORE_RULES):
                return "the datastore in `destination` must be a variable the fix migrates"
            ok, text = literal(rel)
            if not ok or not isinstance(text, str):
                return "the path in `destination` must be a literal string"
            if "{" in text or "}" in text:
                return ("v1's `{run-id}`/`{output-name}` placeholders in `destination`: write the path with v2's "
                        "`${{name}}`/`${{output_name}}` by hand")
            site.consume(store)
            site.require(b)
            spec.update(store=b, path=text.lstrip("/"))
        spec["safety"] = UNSAFE if spec["notes"] else SAFE
        facts["output"] = spec
        return None

    def plan(self, finding, users, analysis) -> None:
        _upgrade_if_only_run_arguments(finding, users, "output", "an output")

    def fix(self, node, ctx):
        return output_call(ctx.finding.facts["output"], ctx)


class DataPathRule(Rule):
    """A path on a datastore.

    ## Migration
    A URI string: `DataPath(datastore, "rel/path")` ->
    `f"azureml://datastores/{datastore.name}/paths/rel/path"` (the datastore's name, not
    the object). `DataPath` objects were passed to many v1 APIs (datasets, pipeline
    parameters, data references); each takes the URI in v2 (`Input(path=...)`,
    `Data(path=...)`).

    ## Fix safety
    No automatic fix yet: the object becomes a string, which its uses must accept.
    """

    code = "AML531"
    name = "datapath"
    symbols = (DATAPATH,)
    message = "`DataPath` is SDK v1; use a URI string `azureml://datastores/<datastore>/paths/<path>`"
    v2 = 'f"azureml://datastores/{datastore.name}/paths/rel/path"'
    url = URL_DATA
    safety = MANUAL


_DATASTORE_RULES = (RegisterBlobContainer, RegisterFileShare, RegisterDataLakeGen2, RegisterDataLakeGen1,
                    DatastoreGet, DatastoreConstructor, DatastoreGetDefault)

RULES = [
    RegisterBlobContainer, RegisterFileShare, RegisterDataLakeGen2, RegisterDataLakeGen1, RegisterUnsupportedDatastore,
    DatastoreGet, DatastoreConstructor, DatastoreGetDefault, DatastoreName, DatastoreUpload, DatastoreManagement,
    WorkspaceDatastores, FileDatasetFromFiles, DatasetRegister, DatasetName, DatasetGetByName, DatasetLookup,
    TabularDatasetFactory, TabularDatasetSources, TabularDatasetUse, DatasetConsumption, FileDatasetLocalAccess,
    OutputFileDatasetConfigRule, DataPathRule, DatastorePath, OutputConfigMethods,
]

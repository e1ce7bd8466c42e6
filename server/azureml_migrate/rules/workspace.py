"""Workspace and authentication (AML1xx): `Workspace` becomes an `MLClient`."""

from __future__ import annotations

import ast

from ..fixes.lazy import cst

from ..fixes.calls import arg_map, rebuild_call
from .base import DOCS, MANUAL, SAFE, UNSAFE, BindingSpec, Check, Rule

WORKSPACE = "azureml.core.Workspace"
CLIENT = "ml_client"


def _credential_arg(site, auth_expr) -> None:
    """`auth=` becomes MLClient's credential: the v1 auth object must be migrated too."""
    if auth_expr is None:
        return
    site.require(site.consume(auth_expr))
    site.require_finding(site.inline(auth_expr))


def _credential(call: cst.Call, params: tuple[str, ...], ctx) -> cst.Arg:
    auth = arg_map(call, params).get("auth")
    value = auth.value if auth is not None else ctx.credential()
    return cst.Arg(value=value)


class WorkspaceFromConfig(Rule):
    """Connect to the workspace described by `config.json`.

    ## Migration
    `MLClient.from_config` reads the same `config.json`, but the credential is a required
    first argument: v1 logged in implicitly, v2 takes an `azure.identity` credential
    (`DefaultAzureCredential()` by default; `auth=` becomes that argument). `path` is
    keyword-only in v2 and `_file_name` becomes `file_name`.

    ## Fix safety
    Safe. The variable is renamed to `ml_client`, so every use of it must be migrated in
    the same fix; the quick fix says when it pulls those statements in.
    """

    code = "AML101"
    name = "workspace-from-config"
    symbols = ("azureml.core.Workspace.from_config",)
    message = "`Workspace.from_config()` is SDK v1; connect with `MLClient.from_config(credential)`"
    v2 = "azure.ai.ml.MLClient.from_config(DefaultAzureCredential())"
    url = DOCS["workspace"]
    safety = SAFE
    creates = BindingSpec(WORKSPACE, mode="rename")
    params = ("path", "auth", "_logger", "_file_name")
    before = """\
from azureml.core import Workspace

ws = Workspace.from_config()
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
"""

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        _credential_arg(site, site.arg(1, "auth"))
        return Check(self.safety)

    def fix(self, node, ctx):
        client = ctx.need("azure.ai.ml", "MLClient")
        return rebuild_call(
            node,
            cst.parse_expression(f"{client}.from_config"),
            self.params,
            {"path": "path", "auth": None, "_logger": None, "_file_name": "file_name"},
            prepend=[_credential(node, self.params, ctx)],
        )


class WorkspaceGet(Rule):
    """Get an existing workspace by name.

    ## Migration
    `MLClient(credential, subscription_id=..., resource_group_name=..., workspace_name=...)`.
    v1's first positional parameter is the workspace *name*; `resource_group` is renamed
    `resource_group_name`; `cloud` is passed on; `location` only mattered when v1 created
    the workspace and is dropped.

    ## Fix safety
    Safe, unless `id=` is used (no v2 equivalent: migrate by hand).
    """

    code = "AML102"
    name = "workspace-get"
    symbols = ("azureml.core.Workspace.get",)
    message = "`Workspace.get()` is SDK v1; connect with `MLClient(credential, subscription_id, resource_group_name, workspace_name)`"
    v2 = "azure.ai.ml.MLClient(DefaultAzureCredential(), subscription_id=..., resource_group_name=..., workspace_name=...)"
    url = DOCS["workspace"]
    safety = SAFE
    creates = BindingSpec(WORKSPACE, mode="rename")
    params = ("name", "auth", "subscription_id", "resource_group", "location", "cloud", "id")
    before = """\
from azureml.core import Workspace

ws = Workspace.get(name="my-ws", subscription_id="0000", resource_group="rg")
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient(DefaultAzureCredential(), workspace_name="my-ws", subscription_id="0000", resource_group_name="rg")
"""

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        if site.arg(6, "id") is not None:
            return Check(MANUAL, "`id=` has no v2 equivalent")
        _credential_arg(site, site.arg(1, "auth"))
        return Check(self.safety)

    def fix(self, node, ctx):
        client = ctx.need("azure.ai.ml", "MLClient")
        return rebuild_call(
            node,
            cst.parse_expression(client),
            self.params,
            {
                "name": "workspace_name",
                "auth": None,
                "subscription_id": "subscription_id",
                "resource_group": "resource_group_name",
                "location": None,
                "cloud": "cloud",
            },
            prepend=[_credential(node, self.params, ctx)],
        )


class WorkspaceConstructor(Rule):
    """`Workspace(subscription_id, resource_group, workspace_name)` gets an existing workspace.

    ## Migration
    `MLClient(credential, subscription_id, resource_group_name, workspace_name)`: once the
    credential is inserted first, the positional order lines up. `auth` becomes the
    credential, `_cloud` becomes `cloud`; `sku`, `tags` and `_location` do not apply to an
    existing workspace and are dropped.

    ## Fix safety
    Safe.
    """

    code = "AML103"
    name = "workspace-constructor"
    symbols = (WORKSPACE,)
    message = "`Workspace(...)` is SDK v1; connect with `MLClient(credential, subscription_id, resource_group_name, workspace_name)`"
    v2 = "azure.ai.ml.MLClient(DefaultAzureCredential(), subscription_id, resource_group_name, workspace_name)"
    url = DOCS["workspace"]
    safety = SAFE
    creates = BindingSpec(WORKSPACE, mode="rename")
    params = (
        "subscription_id", "resource_group", "workspace_name", "auth", "_location",
        "_disable_service_check", "_workspace_id", "sku", "tags", "_cloud",
    )
    before = """\
from azureml.core import Workspace

ws = Workspace("0000", "rg", "my-ws")
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient(DefaultAzureCredential(), subscription_id="0000", resource_group_name="rg", workspace_name="my-ws")
"""

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        if site.arg(6, "_workspace_id") is not None:
            return Check(MANUAL, "`_workspace_id` has no v2 equivalent")
        _credential_arg(site, site.arg(3, "auth"))
        return Check(self.safety)

    def fix(self, node, ctx):
        client = ctx.need("azure.ai.ml", "MLClient")
        return rebuild_call(
            node,
            cst.parse_expression(client),
            self.params,
            {
                "subscription_id": "subscription_id",
                "resource_group": "resource_group_name",
                "workspace_name": "workspace_name",
                "auth": None,
                "_location": None,
                "_disable_service_check": None,
                "sku": None,
                "tags": None,
                "_cloud": "cloud",
            },
            prepend=[_credential(node, self.params, ctx)],
        )


class WorkspaceProperties(Rule):
    """Workspace identity properties.

    ## Migration
    `ws.name` -> `ml_client.workspace_name`, `ws.subscription_id` ->
    `ml_client.subscription_id`, `ws.resource_group` -> `ml_client.resource_group_name`.

    ## Fix safety
    Safe; part of migrating the workspace variable.
    """

    code = "AML104"
    name = "workspace-properties"
    on = "attribute"
    symbols = (f"{WORKSPACE}.name", f"{WORKSPACE}.subscription_id", f"{WORKSPACE}.resource_group")
    message = "`{symbol}` is SDK v1; read it from the `MLClient`"
    v2 = "ml_client.workspace_name / ml_client.subscription_id / ml_client.resource_group_name"
    url = DOCS["workspace"]
    safety = SAFE
    renames = {"name": "workspace_name", "subscription_id": "subscription_id", "resource_group": "resource_group_name"}
    before = """\
from azureml.core import Workspace

ws = Workspace.from_config()
print(ws.name, ws.resource_group)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
print(ml_client.workspace_name, ml_client.resource_group_name)
"""

    def check(self, site):
        ws = site.receiver_binding()
        if ws is None:
            return Check(MANUAL, "cannot tell which workspace this is")
        site.require(ws)
        return Check(self.safety, facts={"workspace": ws})

    def fix(self, node, ctx):
        return cst.Attribute(value=cst.Name(ctx.client()), attr=cst.Name(self.renames[node.attr.value]))


class WorkspaceGetDetails(Rule):
    """Workspace details.

    ## Migration
    `ml_client.workspaces.get(ml_client.workspace_name)` returns a `Workspace` entity with
    attributes, where v1 returned a dict.

    ## Fix safety
    Unsafe: code that indexes the dict (`details["location"]`) must switch to attributes.
    """

    code = "AML105"
    name = "workspace-get-details"
    symbols = (f"{WORKSPACE}.get_details",)
    message = "`Workspace.get_details()` is SDK v1; use `ml_client.workspaces.get(...)` (an entity, not a dict)"
    v2 = "ml_client.workspaces.get(ml_client.workspace_name)"
    url = DOCS["workspace"]
    safety = UNSAFE
    before = """\
from azureml.core import Workspace

ws = Workspace.from_config()
details = ws.get_details()
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
details = ml_client.workspaces.get(ml_client.workspace_name)
"""

    def check(self, site):
        ws = site.receiver_binding()
        if ws is None:
            return Check(MANUAL, "cannot tell which workspace this is")
        site.require(ws)
        return Check(self.safety, facts={"workspace": ws})

    def fix(self, node, ctx):
        client = ctx.client()
        return cst.parse_expression(f"{client}.workspaces.get({client}.workspace_name)")


# -- authentication ------------------------------------------------------------------


class _Auth(Rule):
    """Shared shape of the v1 authentication classes -> azure.identity credentials."""

    target: tuple[str, str] = ("", "")
    params: tuple[str, ...] = ()
    mapping: dict = {}
    manual_params: tuple[str, ...] = ("cloud",)
    safety = SAFE
    url = DOCS["upgrade"]

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        for i, p in enumerate(self.params):
            if p in self.manual_params and site.arg(i, p) is not None:
                return Check(MANUAL, f"`{p}` has no direct azure.identity equivalent")
        return Check(self.safety)

    def fix(self, node, ctx):
        cls = ctx.need(*self.target)
        return rebuild_call(node, cst.Name(cls), self.params, self.mapping)


class InteractiveLoginAuth(_Auth):
    """Interactive browser login.

    ## Migration
    `azure.identity.InteractiveBrowserCredential(tenant_id=...)`; `force` is dropped.

    ## Fix safety
    Safe; a `cloud=` argument makes it manual (sovereign clouds need `authority=`).
    """

    code = "AML110"
    name = "interactive-login-authentication"
    symbols = ("azureml.core.authentication.InteractiveLoginAuthentication",)
    message = "`InteractiveLoginAuthentication` is SDK v1; use `azure.identity.InteractiveBrowserCredential`"
    v2 = "azure.identity.InteractiveBrowserCredential(tenant_id=...)"
    creates = BindingSpec("azureml.core.authentication.InteractiveLoginAuthentication")
    target = ("azure.identity", "InteractiveBrowserCredential")
    params = ("force", "tenant_id", "cloud")
    mapping = {"force": None, "tenant_id": "tenant_id"}
    before = """\
from azureml.core.authentication import InteractiveLoginAuthentication

auth = InteractiveLoginAuthentication(tenant_id="my-tenant")
"""
    after = """\
from azure.identity import InteractiveBrowserCredential

auth = InteractiveBrowserCredential(tenant_id="my-tenant")
"""


class ServicePrincipalAuth(_Auth):
    """Service principal with a secret.

    ## Migration
    `azure.identity.ClientSecretCredential(tenant_id, client_id, client_secret)`: the
    positional order is the same; `service_principal_id` -> `client_id`,
    `service_principal_password` -> `client_secret`.

    ## Fix safety
    Safe; a `cloud=` argument makes it manual.
    """

    code = "AML111"
    name = "service-principal-authentication"
    symbols = ("azureml.core.authentication.ServicePrincipalAuthentication",)
    message = "`ServicePrincipalAuthentication` is SDK v1; use `azure.identity.ClientSecretCredential`"
    v2 = "azure.identity.ClientSecretCredential(tenant_id, client_id, client_secret)"
    creates = BindingSpec("azureml.core.authentication.ServicePrincipalAuthentication")
    target = ("azure.identity", "ClientSecretCredential")
    params = ("tenant_id", "service_principal_id", "service_principal_password", "cloud", "_enable_caching")
    mapping = {"service_principal_id": "client_id", "service_principal_password": "client_secret", "_enable_caching": None}
    before = """\
from azureml.core.authentication import ServicePrincipalAuthentication

sp = ServicePrincipalAuthentication(tenant_id="t", service_principal_id="id", service_principal_password=secret)
"""
    after = """\
from azure.identity import ClientSecretCredential

sp = ClientSecretCredential(tenant_id="t", client_id="id", client_secret=secret)
"""


class MsiAuth(_Auth):
    """Managed identity.

    ## Migration
    `azure.identity.ManagedIdentityCredential(identity_config=...)`.

    ## Fix safety
    Safe; a `cloud=` argument makes it manual.
    """

    code = "AML112"
    name = "msi-authentication"
    symbols = ("azureml.core.authentication.MsiAuthentication",)
    message = "`MsiAuthentication` is SDK v1; use `azure.identity.ManagedIdentityCredential`"
    v2 = "azure.identity.ManagedIdentityCredential()"
    creates = BindingSpec("azureml.core.authentication.MsiAuthentication")
    target = ("azure.identity", "ManagedIdentityCredential")
    params = ("cloud",)
    mapping = {}
    before = """\
from azureml.core.authentication import MsiAuthentication

auth = MsiAuthentication()
"""
    after = """\
from azure.identity import ManagedIdentityCredential

auth = ManagedIdentityCredential()
"""


class AzureCliAuth(_Auth):
    """Azure CLI login.

    ## Migration
    `azure.identity.AzureCliCredential()`.

    ## Fix safety
    Safe; a `cloud=` argument makes it manual.
    """

    code = "AML113"
    name = "azure-cli-authentication"
    symbols = ("azureml.core.authentication.AzureCliAuthentication",)
    message = "`AzureCliAuthentication` is SDK v1; use `azure.identity.AzureCliCredential`"
    v2 = "azure.identity.AzureCliCredential()"
    creates = BindingSpec("azureml.core.authentication.AzureCliAuthentication")
    target = ("azure.identity", "AzureCliCredential")
    params = ("cloud",)
    mapping = {}
    before = """\
from azureml.core.authentication import AzureCliAuthentication

auth = AzureCliAuthentication()
"""
    after = """\
from azure.identity import AzureCliCredential

auth = AzureCliCredential()
"""


class TokenAuth(Rule):
    """Authentication from a token callback.

    ## Migration
    Implement `azure.core.credentials.TokenCredential` (a `get_token(*scopes)` method)
    around your callback and pass it to `MLClient`; the callback shapes differ.

    ## Fix safety
    No automatic fix.
    """

    code = "AML114"
    name = "token-authentication"
    symbols = ("azureml.core.authentication.TokenAuthentication",)
    message = "`TokenAuthentication` is SDK v1; wrap the token callback in an `azure.core.credentials.TokenCredential`"
    v2 = "a custom azure.core.credentials.TokenCredential"
    url = DOCS["upgrade"]
    safety = MANUAL


class WorkspaceDetail(Rule):
    """Workspace details read from the service (`ws.location`, `ws.get_mlflow_tracking_uri()`).

    ## Migration
    `ml_client.workspaces.get(ml_client.workspace_name)` returns the v2 `Workspace` entity:
    `ws.location` -> `.location`, `ws.get_mlflow_tracking_uri()` -> `.mlflow_tracking_uri`.

    ## Fix safety
    Safe; part of migrating the workspace variable. Like v1's workspace object, the entity
    is fetched from the service.
    """

    code = "AML106"
    name = "workspace-detail"
    on = "attribute"
    symbols = (f"{WORKSPACE}.location",)
    message = "`{symbol}` is SDK v1; read it from `ml_client.workspaces.get(ml_client.workspace_name)`"
    v2 = "ml_client.workspaces.get(ml_client.workspace_name).location"
    url = DOCS["workspace"]
    safety = SAFE
    member = "location"
    before = """\
from azureml.core import Workspace

ws = Workspace.from_config()
print(ws.location, ws.get_mlflow_tracking_uri())
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
print(ml_client.workspaces.get(ml_client.workspace_name).location, ml_client.workspaces.get(ml_client.workspace_name).mlflow_tracking_uri)
"""

    def check(self, site):
        ws = site.receiver_binding()
        if ws is None or ws.creator is None:
            return Check(MANUAL, "cannot tell which workspace this is")
        if isinstance(site.node, ast.Call) and (site.node.args or site.node.keywords):
            return Check(MANUAL, "no arguments can be mapped")
        site.require(ws)
        return Check(self.safety, facts={"workspace": ws})

    def fix(self, node, ctx):
        client = ctx.client()
        return cst.parse_expression(f"{client}.workspaces.get({client}.workspace_name).{self.member}")


class WorkspaceMlflowUri(WorkspaceDetail):
    """The workspace's MLflow tracking URI (`ws.get_mlflow_tracking_uri()`).

    ## Migration
    `ml_client.workspaces.get(ml_client.workspace_name).mlflow_tracking_uri`; pass it to
    `mlflow.set_tracking_uri(...)` as before.

    ## Fix safety
    Safe; part of migrating the workspace variable.
    """

    code = "AML107"
    name = "workspace-mlflow-tracking-uri"
    on = "call"
    symbols = (f"{WORKSPACE}.get_mlflow_tracking_uri",)
    message = "`Workspace.get_mlflow_tracking_uri()` is SDK v1; read `mlflow_tracking_uri` from the v2 workspace entity"
    v2 = "ml_client.workspaces.get(ml_client.workspace_name).mlflow_tracking_uri"
    member = "mlflow_tracking_uri"


class WorkspaceManagement(Rule):
    """Create, list or describe workspaces (`Workspace.create`, `Workspace.list`, `write_config`, `sku`).

    ## Migration
    `Workspace.create(name, subscription_id=..., resource_group=..., location=...)` ->
    `MLClient(DefaultAzureCredential(), subscription_id, resource_group_name).workspaces.begin_create(
    Workspace(name=..., location=..., display_name=<friendly_name>, ...)).result()`
    (`create_resource_group`, `sku`, `exist_ok` and `show_output` have no equivalent);
    `Workspace.list(subscription_id)` -> `ml_client.workspaces.list()`;
    `ws.write_config(path)` -> write `config.json` with `subscription_id`, `resource_group`
    and `workspace_name` yourself; `ws.sku` has no v2 attribute.

    ## Fix safety
    No automatic fix.
    """

    code = "AML108"
    name = "workspace-management"
    symbols = (f"{WORKSPACE}.create", f"{WORKSPACE}.list", f"{WORKSPACE}.write_config", f"{WORKSPACE}.delete")
    message = "`{symbol}` is SDK v1; manage workspaces with `ml_client.workspaces` (`begin_create`, `list`, `begin_delete`)"
    v2 = "ml_client.workspaces.begin_create(Workspace(name=..., location=...)).result()"
    url = DOCS["workspace"]
    safety = MANUAL


KEYVAULT = "azureml.core.Keyvault"
SECRETS_HOWTO = ("`from azure.keyvault.secrets import SecretClient`; "
                 "`SecretClient(vault_url=\"https://<vault>.vault.azure.net\", credential=DefaultAzureCredential())`")


class DefaultKeyvault(Rule):
    """The workspace's Key Vault (`ws.get_default_keyvault()`).

    ## Migration
    SDK v2 has no secrets API. Use the Key Vault client library (`azure-keyvault-secrets`):
    `SecretClient(vault_url="https://<vault>.vault.azure.net", credential=DefaultAzureCredential())`.
    The vault's resource id is `ml_client.workspaces.get(ml_client.workspace_name).key_vault`;
    its name is the id's last segment.

    ## Fix safety
    No automatic fix: the vault URL is not known from the code.
    """

    code = "AML115"
    name = "workspace-default-keyvault"
    symbols = (f"{WORKSPACE}.get_default_keyvault",)
    message = "`Workspace.get_default_keyvault()` is SDK v1 and v2 has no secrets API; use `azure.keyvault.secrets.SecretClient`"
    v2 = 'SecretClient(vault_url="https://<vault>.vault.azure.net", credential=DefaultAzureCredential())'
    url = DOCS["upgrade"]
    safety = MANUAL
    creates = BindingSpec(KEYVAULT)


class KeyvaultSecrets(Rule):
    """Read or write secrets in the workspace's Key Vault.

    ## Migration
    With `client = SecretClient(vault_url=..., credential=DefaultAzureCredential())`:
    `kv.get_secret(name)` -> `client.get_secret(name).value`; `kv.set_secret(name, value)`
    -> `client.set_secret(name, value)`; `get_secrets(names)` / `set_secrets(dict)` -> one
    call per secret; `list_secrets()` -> `client.list_properties_of_secrets()`.
    Inside a job, grant the job's identity access to the vault.

    ## Fix safety
    No automatic fix: the vault URL is not known from the code.
    """

    code = "AML116"
    name = "keyvault-secrets"
    symbols = tuple(f"{KEYVAULT}.{m}" for m in ("get_secret", "get_secrets", "set_secret", "set_secrets",
                                                "list_secrets", "delete_secret")) + (KEYVAULT,)
    message = "`{symbol}` is SDK v1 and v2 has no secrets API; use the Key Vault client library"
    v2 = "SecretClient(vault_url=..., credential=DefaultAzureCredential()).get_secret(name).value"
    url = DOCS["upgrade"]
    safety = MANUAL

    def check(self, site):
        return Check(MANUAL, SECRETS_HOWTO)


RULES = [
    WorkspaceFromConfig, WorkspaceGet, WorkspaceConstructor, WorkspaceProperties, WorkspaceGetDetails,
    InteractiveLoginAuth, ServicePrincipalAuth, MsiAuth, AzureCliAuth, TokenAuth, DefaultKeyvault, KeyvaultSecrets,
    WorkspaceDetail, WorkspaceMlflowUri, WorkspaceManagement,
]

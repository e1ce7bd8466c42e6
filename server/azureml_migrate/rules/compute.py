"""Compute targets (AML4xx): `ml_client.compute` operations and v2 compute entities.

The v1 shape is two statements, a provisioning configuration and a create call:

    cfg = AmlCompute.provisioning_configuration(vm_size="STANDARD_D2_V2", max_nodes=4)
    cluster = ComputeTarget.create(ws, "cpu-cluster", cfg)
    cluster.wait_for_completion(show_output=True)

v2 has one entity that carries the name as well as the settings, and one operation:

    cfg = AmlCompute(name="cpu-cluster", size="STANDARD_D2_V2", max_instances=4, ...)
    cluster = ml_client.compute.begin_create_or_update(cfg).result()

The configuration statement becomes the entity in place, with the name copied from the
create call (allowed only when the name means the same at both places), so nothing
moves and the variable keeps its name.  The create call waits for the poller's result,
so `cluster` holds the compute entity as before and a later `wait_for_completion` goes.
"""

from __future__ import annotations

import ast

from ..fixes.lazy import cst

from ..astutil import literal, parent_in, walk
from ..fixes.calls import arg_map, keyword_arg, rebuild_call
from .base import LEARN, MANUAL, SAFE, UNSAFE, BindingSpec, Check, Rule, remove_statement

URL = LEARN + "migrate-to-v2-resource-compute"

TARGET = "azureml.core.ComputeTarget"
AML = "azureml.core.compute.AmlCompute"
CI = "azureml.core.compute.ComputeInstance"
AML_CONFIG = "azureml.core.compute.amlcompute.AmlComputeProvisioningConfiguration"
CI_CONFIG = "azureml.core.compute.computeinstance.ComputeInstanceProvisioningConfiguration"
KINDS = (TARGET, AML, CI)
ENTITIES = "azure.ai.ml.entities"

GET_PARAMS = ("workspace", "name")
CREATE_PARAMS = ("workspace", "name", "provisioning_configuration")

# What catches v1's ComputeTargetException (its bases: AzureMLException, Exception), and
# what catches v2's ResourceNotFoundError (HttpResponseError for a failed creation); v2's
# names are found by name, as the engine tracks only `azureml` imports.
CTE = "azureml.exceptions.ComputeTargetException"
_V2_ERRORS = {name: f"azure.core.exceptions.{name}" for name in ("ResourceNotFoundError", "HttpResponseError",
                                                                  "AzureError")}
_BROAD = {"builtins.Exception", "builtins.BaseException"}
_CATCHES_V1 = {CTE, "azureml.exceptions.AzureMLException", "azureml._common.exceptions.AzureMLException", *_BROAD}
# v2's error -> what catches it (ResourceNotFoundError derives from HttpResponseError,
# which derives from AzureError).
_CATCHES_V2 = {
    "ResourceNotFoundError": {*_V2_ERRORS.values(), *_BROAD},
    "HttpResponseError": {_V2_ERRORS["HttpResponseError"], _V2_ERRORS["AzureError"], *_BROAD},
}
# What catches the `KeyError` of v1's `ws.compute_targets[name]` for a missing name.
_CATCHES_KEY_ERROR = {"builtins.KeyError", "builtins.LookupError", *_BROAD}


def _first(clauses, catches: set[str]):
    """(index, handler, symbol) of the first clause that catches, or that cannot be told apart."""
    for i, (handler, symbol) in enumerate(clauses):
        if symbol == "" or symbol in catches:
            return i, handler, symbol
    return len(clauses), None, None


def _exception_handling(site, v2_error: str) -> str | None:
    """The `except` clause that handled v1's error must be the one that handles v2's.

    Returns why not, or None; a clause naming `ComputeTargetException` that handled the
    error is tied to this fix (it becomes `except ResourceNotFoundError:`, AML418), so
    it is only allowed for the lookup (`v2_error` is then ResourceNotFoundError).
    """
    clauses = site.exception_clauses(_V2_ERRORS)
    i1, h1, s1 = _first(clauses, _CATCHES_V1)
    i2, h2, s2 = _first(clauses, _CATCHES_V2[v2_error])
    if "" in (s1, s2):
        return "cannot tell what the `except` clause around it catches"
    if h1 is None:
        return None  # v1's error was not caught here (a clause for v2's was written by hand)
    if s1 == CTE and v2_error == "ResourceNotFoundError":
        if h2 is not None and i2 < i1:
            return (f"v2's `{v2_error}` would reach the `except` clause on line {h2.lineno}, not the one on line "
                    f"{h1.lineno} that handled v1's `ComputeTargetException`: reorder the clauses, then fix")
        site.change_with_handler(h1)
        return None
    if h1 is h2:
        return None  # one clause catches both (`except Exception:`)
    return (f"v2 raises `azure.core.exceptions.{v2_error}`, which the `except {s1.rpartition('.')[2]}` clause "
            f"on line {h1.lineno} does not catch: change the clause, then fix")


def _workspace_of_receiver(site):
    """(receiver binding, its workspace binding) for a method call on a compute variable."""
    b = site.receiver_binding()
    if b is None or b.creator is None:
        return None, None
    ws = b.creator.facts.get("workspace")
    return b, ws


def _quote_like(node: cst.BaseExpression, text: str) -> cst.SimpleString:
    quote = node.quote if isinstance(node, cst.SimpleString) and node.quote in ('"', "'") else '"'
    return cst.SimpleString(f"{quote}{text}{quote}")


_RUNS_CODE = (ast.Call, ast.Await, ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Lambda)


def _runs_code(expr: ast.AST | None) -> bool:
    return expr is not None and any(isinstance(n, _RUNS_CODE) for n in walk(expr))


def _makes_entity(creator) -> bool:
    """The finding that created a compute variable turns it into a v2 compute entity."""
    return isinstance(creator.rule, (ComputeGet, ComputeCreate)) or (
        isinstance(creator.rule, WorkspaceComputeTargets) and creator.facts.get("shape") == "item")


# -- get / create -----------------------------------------------------------------------


class ComputeGet(Rule):
    """Get an existing compute target by name.

    ## Migration
    `ml_client.compute.get(name)` returns the v2 entity (`AmlCompute`, `ComputeInstance`,
    ...). v1 raised `ComputeTargetException` when the name was not found; v2 raises
    `azure.core.exceptions.ResourceNotFoundError`, so an `except ComputeTargetException:`
    around the call must change with it.

    ## Fix safety
    Safe. Inside `try: ... except ComputeTargetException:` the clause changes in the
    same fix (AML418), so "not found" still reaches it. Held back when the first clause
    that catches v1's exception is one v2's error would miss (`except AzureMLException:`)
    or cannot be told apart (`except errors:`).
    """

    code = "AML401"
    name = "compute-get"
    symbols = KINDS
    message = "`{symbol}(workspace, name)` is SDK v1; get the compute with `ml_client.compute.get(name)`"
    v2 = "ml_client.compute.get(name)"
    url = URL
    safety = SAFE
    params = GET_PARAMS
    before = """\
from azureml.core import Workspace
from azureml.core.compute import ComputeTarget

ws = Workspace.from_config()
cluster = ComputeTarget(workspace=ws, name="cpu-cluster")
print(cluster.name)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
cluster = ml_client.compute.get(name="cpu-cluster")
print(cluster.name)
"""

    def check(self, site):
        # First, so that the `except` clause it is tied to says why it is held back too.
        problem = _exception_handling(site, "ResourceNotFoundError")
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        ws = site.consume(site.arg(0, "workspace"))
        if ws is None:
            return Check(MANUAL, "cannot tell which workspace this is")
        if site.arg(1, "name") is None:
            return Check(MANUAL, "no compute name is given")
        if problem:
            return Check(MANUAL, problem)
        site.require(ws)
        return Check(self.safety, facts={"workspace": ws})

    def fix(self, node, ctx):
        func = cst.parse_expression(f"{ctx.client()}.compute.get")
        return rebuild_call(node, func, self.params, {"workspace": None, "name": "name"})


class _ProvisioningConfiguration(Rule):
    """Shared shape of the two provisioning configurations (see the subclasses)."""

    entity: str = ""
    params: tuple[str, ...] = ()
    needs_assignment_note = "assign the provisioning configuration to a variable and pass it to the create call"

    def parameter_problem(self, site) -> tuple[str | None, dict]:
        raise NotImplementedError

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        problem, facts = self.parameter_problem(site)
        if problem:
            return Check(MANUAL, problem)
        facts["needs_assignment"] = True
        return Check(self.safety, facts=facts)

    def plan(self, finding, users, analysis) -> None:
        """The entity needs the compute name, which only the create call knows."""
        if finding.safety is None:
            return
        creates = [u for u in users if isinstance(u.rule, ComputeCreate) and u.facts.get("config") is finding]
        if len(users) == 1 and len(creates) == 1 and creates[0].safety is not None:
            finding.facts["name"] = creates[0].facts["name_src"]
            return
        finding.safety = None
        finding.message += " (v2 entities carry the compute name: use the configuration in exactly one create call)"

    def fix(self, node, ctx):
        return self.entity_call(node, ctx, cst.parse_expression(ctx.finding.facts["name"]))

    def entity_call(self, node, ctx, name: cst.BaseExpression) -> cst.Call:
        raise NotImplementedError


class AmlComputeProvisioning(_ProvisioningConfiguration):
    """The settings of a new compute cluster.

    ## Migration
    `azure.ai.ml.entities.AmlCompute(name=..., ...)` (keyword-only), created with
    `ml_client.compute.begin_create_or_update(compute)`. The name comes from the create
    call. `vm_size` -> `size`; `vm_priority` `"dedicated"`/`"lowpriority"` -> `tier`
    `"dedicated"`/`"low_priority"`; `min_nodes` -> `min_instances`; `max_nodes` ->
    `max_instances`; `idle_seconds_before_scaledown` -> `idle_time_before_scale_down`
    (seconds in both, but v1's default is 1800 and v2's 120: the fix writes 1800 when the
    v1 code relied on the default); `admin_username`/`admin_user_password`/
    `admin_user_ssh_key` -> `ssh_settings=AmlComputeSshSettings(admin_username=...,
    admin_password=..., ssh_key_value=...)`; `remote_login_port_public_access`
    `"Enabled"`/`"Disabled"` -> `ssh_public_access_enabled=True/False`; `tags` and
    `description` stay. By hand: the virtual network (`network_settings=NetworkSettings(
    vnet_name=..., subnet=<subnet ARM id>)`), `identity_type`/`identity_id`
    (`identity=IdentityConfiguration(...)`), `location` and `enable_node_public_ip` (v1
    sent it only with a virtual network).

    The configuration statement becomes the entity in place (rather than being folded
    into the create call), so the code keeps its shape; this is allowed when the
    create call's name means the same at the configuration statement: a literal, or
    names not reassigned in between in the same block.

    ## Fix safety
    Safe, together with the create call. Without `max_nodes` v1 rejected the
    configuration, so there is nothing to migrate (v2 would default to 4 nodes).
    """

    code = "AML402"
    name = "amlcompute-provisioning-configuration"
    symbols = (f"{AML}.provisioning_configuration",)
    message = "`AmlCompute.provisioning_configuration()` is SDK v1; describe the cluster with `azure.ai.ml.entities.AmlCompute(name=..., ...)`"
    v2 = "azure.ai.ml.entities.AmlCompute(name=..., size=..., min_instances=..., max_instances=..., idle_time_before_scale_down=..., tier=...)"
    url = URL
    safety = SAFE
    creates = BindingSpec(AML_CONFIG)
    entity = "AmlCompute"
    params = (
        "vm_size", "vm_priority", "min_nodes", "max_nodes", "idle_seconds_before_scaledown", "admin_username",
        "admin_user_password", "admin_user_ssh_key", "vnet_resourcegroup_name", "vnet_name", "subnet_name", "tags",
        "description", "remote_login_port_public_access", "identity_type", "identity_id", "location",
        "enable_node_public_ip",
    )
    v1_idle_default = 1800  # azureml-core 1.61: provisioning_configuration(idle_seconds_before_scaledown=1800)
    tiers = {"dedicated": "dedicated", "lowpriority": "low_priority"}
    ssh_access = {"Enabled": True, "Disabled": False, "NotSpecified": None}
    manual = {
        "vnet_resourcegroup_name": "the virtual network becomes `network_settings=NetworkSettings(vnet_name=..., subnet=<subnet ARM id>)`",
        "vnet_name": "the virtual network becomes `network_settings=NetworkSettings(vnet_name=..., subnet=<subnet ARM id>)`",
        "subnet_name": "the virtual network becomes `network_settings=NetworkSettings(vnet_name=..., subnet=<subnet ARM id>)`",
        "identity_type": "the identity becomes `identity=IdentityConfiguration(type=..., user_assigned_identities=[...])`",
        "identity_id": "the identity becomes `identity=IdentityConfiguration(type=..., user_assigned_identities=[...])`",
        "location": "`location` has no documented AmlCompute parameter; create the cluster in the workspace region or set it by hand",
        "enable_node_public_ip": "`enable_node_public_ip` only applied with a virtual network in v1; migrate it with the network settings",
    }
    before = """\
from azureml.core import Workspace
from azureml.core.compute import AmlCompute, ComputeTarget

ws = Workspace.from_config()
cfg = AmlCompute.provisioning_configuration(vm_size="STANDARD_D2_V2", vm_priority="lowpriority", max_nodes=4)
cluster = ComputeTarget.create(ws, "cpu-cluster", cfg)
cluster.wait_for_completion(show_output=True)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.ai.ml.entities import AmlCompute
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
cfg = AmlCompute(name="cpu-cluster", size="STANDARD_D2_V2", tier="low_priority", max_instances=4, idle_time_before_scale_down=1800)
cluster = ml_client.compute.begin_create_or_update(cfg).result()
"""

    def parameter_problem(self, site):
        for i, p in enumerate(self.params):
            if p in self.manual and site.arg(i, p) is not None:
                return self.manual[p], {}
        if site.arg(3, "max_nodes") is None:
            return "v1 requires `max_nodes` (this configuration raised ComputeTargetException)", {}
        ok, value = literal(site.arg(3, "max_nodes"))
        if ok and value is None:
            return "v1 requires `max_nodes` (this configuration raised ComputeTargetException)", {}
        priority = site.arg(1, "vm_priority")
        if priority is not None:
            ok, value = literal(priority)
            if not ok or value not in self.tiers:
                return "`vm_priority` must be the literal 'dedicated' or 'lowpriority' to map it to `tier`", {}
        idle = site.arg(4, "idle_seconds_before_scaledown")
        if idle is not None:
            ok, value = literal(idle)
            if ok and not value:
                return "v1 sent no idle time for a zero or None `idle_seconds_before_scaledown`; choose one by hand", {}
        access = site.arg(13, "remote_login_port_public_access")
        if access is not None:
            ok, value = literal(access)
            if not ok or value not in self.ssh_access:
                return "`remote_login_port_public_access` must be a literal 'Enabled', 'Disabled' or 'NotSpecified'", {}
        admin = [site.arg(5, "admin_username"), site.arg(6, "admin_user_password"), site.arg(7, "admin_user_ssh_key")]
        if any(a is not None for a in admin) and admin[0] is None:
            return "v1 rejects admin credentials without `admin_username`", {}
        return None, {}

    def entity_call(self, node, ctx, name):
        cls = ctx.need(ENTITIES, self.entity)
        args = arg_map(node, self.params)

        def tier(arg):
            value = arg.value.evaluated_value if isinstance(arg.value, cst.SimpleString) else None
            return keyword_arg("tier", _quote_like(arg.value, self.tiers[value]), arg)

        def ssh_access(arg):
            value = self.ssh_access[arg.value.evaluated_value]
            return None if value is None else keyword_arg("ssh_public_access_enabled", cst.Name(str(value)), arg)

        def ssh_settings(arg):
            ssh_cls = ctx.need(ENTITIES, "AmlComputeSshSettings")
            inner = [keyword_arg("admin_username", arg.value)]
            for v1, v2 in (("admin_user_password", "admin_password"), ("admin_user_ssh_key", "ssh_key_value")):
                if v1 in args:
                    inner.append(keyword_arg(v2, args[v1].value))
            call = cst.Call(func=cst.Name(ssh_cls), args=_commas(inner))
            return keyword_arg("ssh_settings", call, arg)

        mapping = {
            "vm_size": "size",
            "vm_priority": tier,
            "min_nodes": "min_instances",
            "max_nodes": "max_instances",
            "idle_seconds_before_scaledown": "idle_time_before_scale_down",
            "admin_username": ssh_settings,
            "admin_user_password": None,
            "admin_user_ssh_key": None,
            "tags": "tags",
            "description": "description",
            "remote_login_port_public_access": ssh_access,
        }
        append = []
        if "idle_seconds_before_scaledown" not in args:
            append.append(keyword_arg("idle_time_before_scale_down", cst.Integer(str(self.v1_idle_default))))
        return rebuild_call(node, cst.Name(cls), self.params, mapping,
                            prepend=[keyword_arg("name", name)], append=append)


class ComputeInstanceProvisioning(_ProvisioningConfiguration):
    """The settings of a new compute instance.

    ## Migration
    `azure.ai.ml.entities.ComputeInstance(name=..., ...)`, created with
    `ml_client.compute.begin_create_or_update(ci)`. `vm_size` -> `size`;
    `ssh_public_access` -> `ssh_public_access_enabled` (v1 sent `False` by default, so
    the fix writes it); `admin_user_ssh_public_key` ->
    `ssh_settings=ComputeInstanceSshSettings(ssh_key_value=...)`;
    `assigned_user_object_id` + `assigned_user_tenant_id` ->
    `create_on_behalf_of=AssignedUserConfiguration(user_tenant_id=..., user_object_id=...)`;
    `tags` and `description` stay. The virtual network (`network_settings=
    NetworkSettings(...)`) is migrated by hand.

    ## Fix safety
    Safe, together with the create call.
    """

    code = "AML403"
    name = "computeinstance-provisioning-configuration"
    symbols = (f"{CI}.provisioning_configuration",)
    message = "`ComputeInstance.provisioning_configuration()` is SDK v1; describe the instance with `azure.ai.ml.entities.ComputeInstance(name=..., ...)`"
    v2 = "azure.ai.ml.entities.ComputeInstance(name=..., size=..., ssh_public_access_enabled=...)"
    url = URL
    safety = SAFE
    creates = BindingSpec(CI_CONFIG)
    entity = "ComputeInstance"
    params = (
        "vm_size", "ssh_public_access", "admin_user_ssh_public_key", "vnet_resourcegroup_name", "vnet_name",
        "subnet_name", "tags", "description", "assigned_user_object_id", "assigned_user_tenant_id",
    )
    before = """\
from azureml.core import Workspace
from azureml.core.compute import ComputeInstance

ws = Workspace.from_config()
cfg = ComputeInstance.provisioning_configuration(vm_size="STANDARD_DS3_V2", ssh_public_access=False)
instance = ComputeInstance.create(ws, "my-ci", cfg)
instance.wait_for_completion(show_output=True)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.ai.ml.entities import ComputeInstance
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
cfg = ComputeInstance(name="my-ci", size="STANDARD_DS3_V2", ssh_public_access_enabled=False)
instance = ml_client.compute.begin_create_or_update(cfg).result()
"""

    def parameter_problem(self, site):
        for i, p in ((3, "vnet_resourcegroup_name"), (4, "vnet_name"), (5, "subnet_name")):
            if site.arg(i, p) is not None:
                return "the virtual network becomes `network_settings=NetworkSettings(vnet_name=..., subnet=<subnet ARM id>)`", {}
        if (site.arg(8, "assigned_user_object_id") is None) != (site.arg(9, "assigned_user_tenant_id") is None):
            return "`create_on_behalf_of` needs both the user's object id and tenant id", {}
        ssh = site.arg(1, "ssh_public_access")
        if ssh is not None:
            ok, value = literal(ssh)
            if not ok or not isinstance(value, bool):
                return "`ssh_public_access` must be a literal True or False (v1 ignored other values)", {}
        return None, {}

    def entity_call(self, node, ctx, name):
        cls = ctx.need(ENTITIES, self.entity)
        args = arg_map(node, self.params)

        def ssh_settings(arg):
            ssh_cls = ctx.need(ENTITIES, "ComputeInstanceSshSettings")
            call = cst.Call(func=cst.Name(ssh_cls), args=[keyword_arg("ssh_key_value", arg.value)])
            return keyword_arg("ssh_settings", call, arg)

        def on_behalf(arg):
            user_cls = ctx.need(ENTITIES, "AssignedUserConfiguration")
            inner = [keyword_arg("user_tenant_id", args["assigned_user_tenant_id"].value),
                     keyword_arg("user_object_id", arg.value)]
            return keyword_arg("create_on_behalf_of", cst.Call(func=cst.Name(user_cls), args=_commas(inner)), arg)

        mapping = {
            "vm_size": "size",
            "ssh_public_access": "ssh_public_access_enabled",
            "admin_user_ssh_public_key": ssh_settings,
            "tags": "tags",
            "description": "description",
            "assigned_user_object_id": on_behalf,
            "assigned_user_tenant_id": None,
        }
        append = []
        if "ssh_public_access" not in args:
            append.append(keyword_arg("ssh_public_access_enabled", cst.Name("False")))
        return rebuild_call(node, cst.Name(cls), self.params, mapping,
                            prepend=[keyword_arg("name", name)], append=append)


def _commas(args: list) -> list:
    sep = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [a.with_changes(comma=sep) for a in args[:-1]] + args[-1:]


def _name_problem(site, name_expr: ast.expr, config_stmt: ast.stmt) -> str | None:
    """Why the create call's name cannot be written at the configuration statement."""
    ok, value = literal(name_expr)
    if ok and isinstance(value, str):
        return None
    if any(isinstance(n, (ast.Call, ast.Await, ast.NamedExpr, ast.Yield, ast.YieldFrom)) for n in walk(name_expr)):
        return "the compute name is computed by a call; assign it to a variable first"
    block_of = site.analyzer.block_of
    block, index = block_of.get(id(config_stmt), (None, -1))
    here, at = block_of.get(id(site.stmt), (None, -1))
    if block is None or block is not here or index >= at:
        return "the provisioning configuration is not created earlier in the same block"
    between = block[index:at]  # the configuration statement itself included
    names = {n.id for n in walk(name_expr) if isinstance(n, ast.Name)}
    mutable = any(isinstance(n, (ast.Attribute, ast.Subscript)) for n in walk(name_expr))
    if mutable and len(between) > 1:
        return "the compute name is read from an object that may change before the create call"
    for stmt in between:
        for n in walk(stmt):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id in names:
                return f"`{n.id}` changes between the configuration and the create call"
    return None


class ComputeCreate(Rule):
    """Provision a compute target from a provisioning configuration.

    ## Migration
    `ml_client.compute.begin_create_or_update(compute).result()`: the configuration
    becomes the v2 entity (AML402/AML403), which carries the name. v1's `create`
    returned at once and `wait_for_completion` waited; the fix waits for the poller's
    result, so the variable holds the compute entity (with `.name`) as before, and the
    `wait_for_completion` call goes (AML406).

    ## Fix safety
    Safe, together with its configuration, when the configuration is assigned to a
    variable used only here. The fix waits for provisioning where v1 only started it:
    without a later `wait_for_completion` the fix is unsafe.
    """

    code = "AML404"
    name = "compute-create"
    symbols = (f"{TARGET}.create", f"{AML}.create")
    message = "`{symbol}()` is SDK v1; create the compute with `ml_client.compute.begin_create_or_update(compute)`"
    v2 = "ml_client.compute.begin_create_or_update(compute).result()"
    url = URL
    safety = SAFE
    creates = BindingSpec(TARGET)
    params = CREATE_PARAMS
    configs = {AML_CONFIG: AmlComputeProvisioning, CI_CONFIG: ComputeInstanceProvisioning}
    before = AmlComputeProvisioning.before
    after = AmlComputeProvisioning.after

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        ws = site.consume(site.arg(0, "workspace"))
        if ws is None:
            return Check(MANUAL, "cannot tell which workspace this is")
        name = site.arg(1, "name")
        cfg = site.arg(2, "provisioning_configuration")
        if name is None or cfg is None:
            return Check(MANUAL, "the name or the configuration is missing")
        ok, value = literal(name)
        if ok and value in ("amlcompute", "local", "containerinstance"):
            return Check(MANUAL, f"v1 rejects the reserved name {value!r}")
        problem = _exception_handling(site, "HttpResponseError")
        if problem:
            return Check(MANUAL, problem)
        b = site.binding(cfg)
        if b is None or b.creator is None or b.kind not in self.configs:
            return Check(MANUAL, "assign the provisioning configuration to a variable and pass it here")
        if not self.accepts(b.kind):
            return Check(MANUAL, "this create call does not match the configuration's compute type")
        problem = _name_problem(site, name, b.creator.stmt)
        if problem:
            return Check(MANUAL, problem)
        site.consume(cfg)
        site.require(b)
        site.require(ws)
        facts = {"workspace": ws, "config": b.creator, "name_src": site.source(name)}
        return Check(self.safety, facts=facts)

    def accepts(self, kind: str) -> bool:
        return True  # AmlCompute.create is ComputeTarget.create: the configuration decides

    def plan(self, finding, users, analysis) -> None:
        """Without a later wait, v1 returned while the cluster was still provisioning."""
        if finding.safety is None or any(isinstance(u.rule, ComputeWait) for u in users):
            return
        finding.safety = UNSAFE
        finding.message += " (the fix waits for provisioning to finish, which v1 did not do here)"

    def fix(self, node, ctx):
        func = cst.parse_expression(f"{ctx.client()}.compute.begin_create_or_update")
        cfg = arg_map(node, self.params)["provisioning_configuration"]
        call = cst.Call(func=func, args=[cst.Arg(value=cfg.value)])
        return cst.Call(func=cst.Attribute(value=call, attr=cst.Name("result")))


class ComputeInstanceCreate(ComputeCreate):
    """Provision a compute instance from a provisioning configuration.

    ## Migration
    `ml_client.compute.begin_create_or_update(ci).result()`, as for clusters (AML404).

    ## Fix safety
    Safe, together with its configuration; unsafe without a later `wait_for_completion`
    (the fix waits for provisioning).
    """

    code = "AML405"
    name = "computeinstance-create"
    symbols = (f"{CI}.create",)
    message = "`ComputeInstance.create()` is SDK v1; create the instance with `ml_client.compute.begin_create_or_update(ci)`"
    creates = BindingSpec(CI)
    before = ComputeInstanceProvisioning.before
    after = ComputeInstanceProvisioning.after

    def accepts(self, kind: str) -> bool:
        return kind == CI_CONFIG


class ComputeWait(Rule):
    """Wait for a compute target to finish provisioning.

    ## Why
    v1's `create` returned at once and `wait_for_completion` waited; v2's create call
    returns a poller whose `.result()` waits, so the wait has no call of its own.

    ## Migration
    The fix of the create call (AML404/AML405) already waits with `.result()`, and a
    compute from `ml_client.compute.get` is provisioned, so the statement is removed.
    v1's progress output (`show_output=True`) is not printed.

    A cluster's v1 wait then also polled its nodes until the cluster's minimum node count
    was running (`min_node_count=None`, the default) or `timeout_in_minutes` passed. That
    wait only delayed the script and printed (it never raised, not even on the timeout):
    v2 does not wait for nodes, and jobs queue until nodes are ready. So
    `min_node_count=None` (or 0, which v1 treated alike) and `timeout_in_minutes` go with
    the call.

    ## Fix safety
    Safe on a compute the fix creates or gets. Unsafe with an explicit `min_node_count`:
    the code asked for that many running nodes, which v2's poller does not wait for
    (poll `ml_client.compute.list_nodes(name)` if you need them). By hand:
    `is_delete_operation`, and arguments that run code (the fix would drop it).
    """

    code = "AML406"
    name = "compute-wait-for-completion"
    symbols = tuple(f"{k}.wait_for_completion" for k in KINDS)
    message = "`{symbol}()` is SDK v1; v2 waits with `.result()` on the poller `begin_create_or_update` returns"
    v2 = "ml_client.compute.begin_create_or_update(compute).result()"
    url = URL
    safety = SAFE
    statement_fix = True
    # AmlCompute's order (azureml-core 1.61); the base class and ComputeInstance take only
    # show_output and is_delete_operation.
    wait_params = ("show_output", "min_node_count", "timeout_in_minutes", "is_delete_operation")
    before = """\
from azureml.core import Workspace
from azureml.core.compute import AmlCompute, ComputeTarget

ws = Workspace.from_config()
cfg = AmlCompute.provisioning_configuration(vm_size="STANDARD_D2_V2", max_nodes=4)
cluster = ComputeTarget.create(ws, "cpu-cluster", cfg)
cluster.wait_for_completion(show_output=True, min_node_count=None, timeout_in_minutes=20)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.ai.ml.entities import AmlCompute
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
cfg = AmlCompute(name="cpu-cluster", size="STANDARD_D2_V2", max_instances=4, idle_time_before_scale_down=1800)
cluster = ml_client.compute.begin_create_or_update(cfg).result()
"""

    def check(self, site):
        if site.has_star_args() or set(site.keywords()) - set(self.wait_params) or len(site.node.args) > len(self.wait_params):
            return Check(MANUAL, "arguments passed with * or ** (or unknown ones) cannot be mapped")
        if not site.is_statement() or not site.alone_on_line():
            return Check(MANUAL, "only a statement of its own can be removed")
        b, ws = _workspace_of_receiver(site)
        if b is None or not _makes_entity(b.creator):
            return Check(MANUAL, "cannot tell which compute this is")
        deleting = site.arg(3, "is_delete_operation")
        if deleting is not None and literal(deleting) != (True, False):
            return Check(MANUAL, "`is_delete_operation` waits for a deletion: use "
                                 "`ml_client.compute.begin_delete(name).result()` where the compute is deleted")
        nodes, timeout = site.arg(1, "min_node_count"), site.arg(2, "timeout_in_minutes")
        if (nodes is not None or timeout is not None) and _is_instance(b):
            return Check(MANUAL, "a compute instance's `wait_for_completion` takes only `show_output`")
        if any(_runs_code(site.arg(i, p)) for i, p in enumerate(self.wait_params[:3])):
            return Check(MANUAL, "an argument runs code, which removing the call would skip; "
                                 "assign it to a variable first")
        site.require(b)
        facts = {"workspace": ws, "sole": site.sole()}
        ok, value = literal(nodes)
        if nodes is not None and not (ok and not value):  # v1 used the cluster's own minimum for None or 0
            return Check(UNSAFE, "v1 also waited (up to `timeout_in_minutes`) for `min_node_count` nodes to run; "
                                 "v2's `.result()` waits for provisioning only: poll "
                                 "`ml_client.compute.list_nodes(name)` if the nodes must be up", facts=facts)
        if timeout is not None:
            return Check(SAFE, "`timeout_in_minutes` only bounded v1's wait for nodes, which v2 does not do: "
                               "jobs queue until nodes are ready, and v1 did not raise on the timeout", facts=facts)
        return Check(SAFE, facts=facts)

    def fix(self, node, ctx):
        return remove_statement(ctx)


def _is_instance(b) -> bool:
    """The compute variable holds a compute instance (not a cluster)."""
    if b.kind == CI or isinstance(b.creator.rule, ComputeInstanceCreate):
        return True
    config = b.creator.facts.get("config")
    return config is not None and isinstance(config.rule, ComputeInstanceProvisioning)


# -- operations on an existing compute ----------------------------------------------------


class _ComputeOperation(Rule):
    """A method call on a compute variable -> `ml_client.compute.<op>(compute.name)`."""

    operation = ""
    v1_params: tuple[str, ...] = ()

    def check(self, site):
        if site.has_star_args() or set(site.keywords()) - set(self.v1_params) or len(site.node.args) > len(self.v1_params):
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        b, ws = _workspace_of_receiver(site)
        if b is None or ws is None or not _makes_entity(b.creator):
            return Check(MANUAL, "cannot tell which compute or workspace this is")
        if not site.is_statement():
            return Check(MANUAL, "v2 returns a poller where v1 returned nothing; use the call as a statement")
        wait = site.arg(0, "wait_for_completion") if "wait_for_completion" in self.v1_params else None
        ok, value = literal(wait)
        if wait is not None and not ok:
            return Check(MANUAL, "`wait_for_completion` must be a literal True or False")
        site.require(b)
        site.require(ws)
        return Check(self.safety, facts={"workspace": ws, "wait": bool(ok and value)})

    def fix(self, node, ctx):
        compute = node.func.value
        func = cst.parse_expression(f"{ctx.client()}.compute.{self.operation}")
        call = cst.Call(func=func, args=[cst.Arg(value=cst.Attribute(value=compute, attr=cst.Name("name")))])
        if ctx.finding.facts.get("wait"):
            call = cst.Call(func=cst.Attribute(value=call, attr=cst.Name("result")))
        return call


class ComputeDelete(_ComputeOperation):
    """Delete a compute target.

    ## Migration
    `ml_client.compute.begin_delete(compute.name)`; a compute instance's
    `wait_for_completion=True` becomes `.result()` on the poller, `show_output` is dropped.

    ## Fix safety
    Safe as a statement of its own, on a compute the fix gets or creates.
    """

    code = "AML407"
    name = "compute-delete"
    symbols = (f"{TARGET}.delete", f"{AML}.delete")
    message = "`{symbol}()` is SDK v1; delete with `ml_client.compute.begin_delete(name)`"
    v2 = "ml_client.compute.begin_delete(compute.name)"
    url = URL
    safety = SAFE
    operation = "begin_delete"
    before = """\
from azureml.core import Workspace
from azureml.core.compute import AmlCompute

ws = Workspace.from_config()
cluster = AmlCompute(ws, "cpu-cluster")
cluster.delete()
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
cluster = ml_client.compute.get(name="cpu-cluster")
ml_client.compute.begin_delete(cluster.name)
"""


class ComputeInstanceDelete(_ComputeOperation):
    """Delete a compute instance.

    ## Migration
    `ml_client.compute.begin_delete(ci.name)`, with `.result()` when v1 passed
    `wait_for_completion=True`; `show_output` is dropped.

    ## Fix safety
    Safe as a statement of its own, on a compute the fix gets or creates.
    """

    code = "AML408"
    name = "computeinstance-delete"
    symbols = (f"{CI}.delete",)
    message = "`{symbol}()` is SDK v1; delete with `ml_client.compute.begin_delete(name)`"
    v2 = "ml_client.compute.begin_delete(ci.name).result()"
    url = URL
    safety = SAFE
    operation = "begin_delete"
    v1_params = ("wait_for_completion", "show_output")
    before = """\
from azureml.core import Workspace
from azureml.core.compute import ComputeInstance

ws = Workspace.from_config()
ci = ComputeInstance(ws, "my-ci")
ci.delete(wait_for_completion=True, show_output=True)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
ci = ml_client.compute.get(name="my-ci")
ml_client.compute.begin_delete(ci.name).result()
"""


class _PowerAction(_ComputeOperation):
    v1_params = ("wait_for_completion", "show_output")
    safety = SAFE
    url = URL


class ComputeInstanceStart(_PowerAction):
    """Start a compute instance.

    ## Migration
    `ml_client.compute.begin_start(ci.name)`; `wait_for_completion=True` -> `.result()`.

    ## Fix safety
    Safe as a statement of its own.
    """

    code = "AML409"
    name = "computeinstance-start"
    symbols = (f"{CI}.start",)
    message = "`ComputeInstance.start()` is SDK v1; use `ml_client.compute.begin_start(name)`"
    v2 = "ml_client.compute.begin_start(ci.name)"
    operation = "begin_start"
    before = """\
from azureml.core import Workspace
from azureml.core.compute import ComputeInstance

ws = Workspace.from_config()
ci = ComputeInstance(ws, "my-ci")
ci.start(wait_for_completion=True, show_output=True)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
ci = ml_client.compute.get(name="my-ci")
ml_client.compute.begin_start(ci.name).result()
"""


class ComputeInstanceStop(_PowerAction):
    """Stop a compute instance.

    ## Migration
    `ml_client.compute.begin_stop(ci.name)`; `wait_for_completion=True` -> `.result()`.

    ## Fix safety
    Safe as a statement of its own.
    """

    code = "AML410"
    name = "computeinstance-stop"
    symbols = (f"{CI}.stop",)
    message = "`ComputeInstance.stop()` is SDK v1; use `ml_client.compute.begin_stop(name)`"
    v2 = "ml_client.compute.begin_stop(ci.name)"
    operation = "begin_stop"
    before = """\
from azureml.core import Workspace
from azureml.core.compute import ComputeInstance

ws = Workspace.from_config()
ci = ComputeInstance(ws, "my-ci")
ci.stop()
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
ci = ml_client.compute.get(name="my-ci")
ml_client.compute.begin_stop(ci.name)
"""


class ComputeInstanceRestart(_PowerAction):
    """Restart a compute instance.

    ## Migration
    `ml_client.compute.begin_restart(ci.name)`; `wait_for_completion=True` -> `.result()`.

    ## Fix safety
    Safe as a statement of its own.
    """

    code = "AML411"
    name = "computeinstance-restart"
    symbols = (f"{CI}.restart",)
    message = "`ComputeInstance.restart()` is SDK v1; use `ml_client.compute.begin_restart(name)`"
    v2 = "ml_client.compute.begin_restart(ci.name)"
    operation = "begin_restart"
    before = """\
from azureml.core import Workspace
from azureml.core.compute import ComputeInstance

ws = Workspace.from_config()
ci = ComputeInstance(ws, "my-ci")
ci.restart(wait_for_completion=True)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
ci = ml_client.compute.get(name="my-ci")
ml_client.compute.begin_restart(ci.name).result()
"""


class ComputeList(Rule):
    """List the workspace's compute targets.

    ## Migration
    `ml_client.compute.list()` returns an iterator of v2 entities (`compute_type=` filters
    by type).

    ## Fix safety
    Unsafe: v1 returned a list of v1 objects; the iterator cannot be indexed and the
    entities' attributes differ (`type` is `"amlcompute"`, not `"AmlCompute"`).
    """

    code = "AML412"
    name = "compute-list"
    symbols = (f"{TARGET}.list",)
    message = "`ComputeTarget.list()` is SDK v1; use `ml_client.compute.list()`"
    v2 = "ml_client.compute.list()"
    url = URL
    safety = UNSAFE
    before = """\
from azureml.core import Workspace, ComputeTarget

ws = Workspace.from_config()
for target in ComputeTarget.list(ws):
    print(target.name)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
for target in ml_client.compute.list():
    print(target.name)
"""

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        ws = site.workspace(0, "workspace")
        if ws is None:
            return Check(MANUAL, "cannot tell which workspace this is")
        return Check(self.safety, "the result is an iterator of v2 entities, not a list of v1 objects",
                     facts={"workspace": ws})

    def fix(self, node, ctx):
        return cst.parse_expression(f"{ctx.client()}.compute.list()")


class ComputeName(Rule):
    """The name of a compute target.

    ## Migration
    v2 compute entities have the same `name` attribute.

    ## Fix safety
    Safe: nothing changes but the object it is read from.
    """

    code = "AML413"
    name = "compute-name"
    on = "attribute"
    # Only the base class: the v1 snapshot lists `name` as a ComputeTarget symbol (the
    # subclasses inherit it), so `AmlCompute(ws, n).name` is not matched yet.
    symbols = (f"{TARGET}.name",)
    message = "`{symbol}` is read from an SDK v1 compute object; v2 entities have the same `name`"
    v2 = "compute.name"
    url = URL
    safety = SAFE
    severity = "information"
    before = ComputeGet.before
    after = ComputeGet.after

    def check(self, site):
        b = site.tracked_receiver()
        if b is None:
            return Check(MANUAL, "cannot tell which compute this is")
        return Check(self.safety)

    def fix(self, node, ctx):
        return node


class ComputeProvisioningState(Rule):
    """The provisioning state of a compute target.

    ## Why
    Samples check what they found before using it:
    `if cluster.provisioning_state == "Succeeded":`.

    ## Migration
    v2 compute entities have the same `provisioning_state` attribute, read from the same
    service field (`"Succeeded"`, `"Creating"`, `"Failed"`, ...).

    ## Fix safety
    Safe on a compute the fix gets: nothing changes but the object it is read from (both
    hold the state of when the compute was fetched). Unsafe on a compute the fix creates:
    v2's create call has already waited, so the state is the final one where v1, read
    before `wait_for_completion`, could see `"Creating"`.
    """

    code = "AML420"
    name = "compute-provisioning-state"
    on = "attribute"
    symbols = (f"{TARGET}.provisioning_state",)  # the base class only, as for AML413
    message = "`{symbol}` is read from an SDK v1 compute object; v2 entities have the same `provisioning_state`"
    v2 = "compute.provisioning_state"
    url = URL
    safety = SAFE
    severity = "information"
    before = """\
from azureml.core import Workspace
from azureml.core.compute import ComputeTarget

ws = Workspace.from_config()
cluster = ComputeTarget(workspace=ws, name="cpu-cluster")
if cluster.provisioning_state != "Succeeded":
    raise RuntimeError("cluster is " + cluster.provisioning_state)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
cluster = ml_client.compute.get(name="cpu-cluster")
if cluster.provisioning_state != "Succeeded":
    raise RuntimeError("cluster is " + cluster.provisioning_state)
"""

    def check(self, site):
        b = site.tracked_receiver()
        if b is None or site.receiver.path or not _makes_entity(b.creator):
            return Check(MANUAL, "cannot tell which compute this is")
        if isinstance(b.creator.rule, ComputeCreate):
            return Check(UNSAFE, "v2's create call has already waited, so this is the final state; v1 read the "
                                 "state of the moment (`Creating` before `wait_for_completion`)")
        return Check(SAFE)

    def fix(self, node, ctx):
        return node


class ComputeTypeTest(Rule):
    """`type(compute) is AmlCompute`: a test for the SDK v1 compute class.

    ## Why
    The get-or-create idiom checks what it found:

        cluster = ws.compute_targets[name]
        if cluster and type(cluster) is AmlCompute:
            print("found compute target: " + name)

    Once `cluster` is a v2 entity, the test must name the v2 class (and `AmlCompute` is
    imported from `azure.ai.ml.entities` instead of `azureml.core.compute`).

    ## Migration
    `ml_client.compute.get` (and the create call's `.result()`) return
    `azure.ai.ml.entities.AmlCompute` for a cluster and `ComputeInstance` for an instance,
    as v1 returned its own `AmlCompute`/`ComputeInstance`; other kinds are other classes
    in both. So `type(x) is AmlCompute` keeps its meaning with the v2 class; `is not`,
    `==` and `!=` too. The truth test in `x and type(x) is ...` is unchanged: v1 objects
    and v2 entities are always true.

    ## Fix safety
    Safe on a compute the fix gets or creates. No fix when the variable's origin is
    unknown (it would stay a v1 object).
    """

    code = "AML419"
    name = "compute-type-test"
    on = "type-test"
    symbols = (AML, CI)
    message = "`type(...)` is compared with the SDK v1 class `{symbol}`; test for the v2 entity class"
    v2 = "type(compute) is azure.ai.ml.entities.AmlCompute"
    url = URL
    safety = SAFE
    v2_classes = {AML: "AmlCompute", CI: "ComputeInstance"}
    before = """\
from azureml.core import Workspace
from azureml.core.compute import AmlCompute, ComputeTarget

ws = Workspace.from_config()
cluster = ComputeTarget(workspace=ws, name="cpu-cluster")
if cluster and type(cluster) is AmlCompute:
    print("found compute target")
"""
    after = """\
from azure.ai.ml import MLClient
from azure.ai.ml.entities import AmlCompute
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
cluster = ml_client.compute.get(name="cpu-cluster")
if cluster and type(cluster) is AmlCompute:
    print("found compute target")
"""

    def check(self, site):
        b = site.receiver_binding()
        if b is None or site.receiver.path or b.creator is None or not _makes_entity(b.creator):
            return Check(MANUAL, "cannot tell which compute this is")
        site.require(b)
        site.consume(site.node.left.args[0])
        # `x and type(x) is AmlCompute`: the truth test of the same variable needs no change.
        around = parent_in(site.stmt, site.node)
        if isinstance(around, ast.BoolOp) and isinstance(around.op, ast.And):
            for value in around.values:
                if isinstance(value, ast.Name) and site.binding(value) is b:
                    site.consume(value)
        return Check(self.safety)

    def fix(self, node, ctx):
        cls = ctx.need(ENTITIES, self.v2_classes[ctx.finding.symbol])
        first = node.comparisons[0]
        return node.with_changes(comparisons=[first.with_changes(comparator=cst.Name(cls))])


# -- by hand -------------------------------------------------------------------------------


class ComputeStatus(Rule):
    """The status or nodes of a compute target.

    ## Why
    v1's `AmlCompute.get_status()` returned an `AmlComputeStatus` (node counts, allocation
    state, errors; None while the cluster was being created) and
    `ComputeInstance.get_status()` a `ComputeInstanceStatus`; v2 has no status object.

    ## Migration
    Read the v2 entity from `ml_client.compute.get(name)`: `provisioning_state` (the
    value AKS and the base `ComputeTarget.get_status()` returned), `provisioning_errors`,
    `min_instances`/`max_instances` for a cluster, `state` for an instance. Nodes:
    `ml_client.compute.list_nodes(name)` (an iterator of `AmlComputeNodeInfo` with
    `node_id`, `node_state`, `private_ip_address`, ... where v1's `list_nodes()` returned
    dicts). A `print(cluster.get_status().serialize())` after creating a cluster is
    progress output: remove it or print those attributes instead.

    ## Fix safety
    Unsafe for the progress line `print(cluster.get_status().serialize())` on a compute
    variable this file gets or creates: it prints the compute as v2 describes it
    (`print(ml_client.compute.get(cluster.name))`: provisioning state, size, scale
    settings), not v1's node counts. Otherwise no automatic fix: the result's type and
    content change, and a `ComputeTarget` variable holds a subclass whose `get_status`
    differs. Until it is migrated by hand, the compute code around it is not fixed either.
    """

    code = "AML414"
    name = "compute-status"
    symbols = (*(f"{k}.get_status" for k in KINDS), f"{AML}.list_nodes")
    message = "`{symbol}()` is SDK v1; read the state from `ml_client.compute.get(name)` (or `ml_client.compute.list_nodes(name)`)"
    v2 = "ml_client.compute.get(name).provisioning_state / ml_client.compute.list_nodes(name)"
    url = URL
    safety = MANUAL

    def check(self, site):
        if site.symbol.endswith(".list_nodes"):
            return Check(MANUAL, "`ml_client.compute.list_nodes(name)` yields `AmlComputeNodeInfo` objects "
                                 "(`node_id`, `node_state`, ...), not dicts: migrate the uses by hand")
        parent = parent_in(site.stmt, site.node)
        if isinstance(parent, ast.Attribute) and parent.attr == "serialize" and _is_status_print(site):
            b, ws = _workspace_of_receiver(site)
            if b is not None and ws is not None and _makes_entity(b.creator) and not site.node.args \
                    and not site.node.keywords:
                site.require(b)
                return Check(UNSAFE, "prints the compute as v2 describes it (provisioning state, size, scale "
                                     "settings), not v1's status with node counts",
                             facts={"workspace": ws, "statement_fix": True, "compute": b})
        if isinstance(parent, ast.Attribute) and parent.attr == "serialize":
            return Check(MANUAL, "v2 has no status object: remove the statement, or print attributes of "
                                 "`ml_client.compute.get(name)` (`provisioning_state`, `provisioning_errors`) and "
                                 "`list(ml_client.compute.list_nodes(name))`; the compute code around it is then fixed")
        if isinstance(parent, ast.Compare):
            return Check(MANUAL, "compare `ml_client.compute.get(name).provisioning_state` instead (v1's AmlCompute "
                                 "status object, unlike the base class's string, has no v2 equivalent)")
        return Check(MANUAL)


    def fix(self, node, ctx):
        # Only the `print(x.get_status().serialize())` statement has a fix (see check).
        client, compute = ctx.client(), ctx.name_of(ctx.finding.facts["compute"])
        return node.with_changes(value=cst.parse_expression(f"print({client}.compute.get({compute}.name))"))


def _is_status_print(site) -> bool:
    """The statement is `print(<site>.serialize())` and nothing else."""
    stmt = site.stmt
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return False
    call = stmt.value
    if not (isinstance(call.func, ast.Name) and call.func.id == "print" and len(call.args) == 1
            and not call.keywords and site.analyzer.peek("print") is None and not site.analyzer.is_bound("print")):
        return False
    inner = call.args[0]
    return (isinstance(inner, ast.Call) and not inner.args and not inner.keywords
            and isinstance(inner.func, ast.Attribute) and inner.func.value is site.node)


class ComputeUpdate(Rule):
    """Change a cluster's scale settings.

    ## Migration
    Set the v2 entity's attributes and update it: `cluster.min_instances = ...`,
    `cluster.max_instances = ...`, `cluster.idle_time_before_scale_down = ...` (seconds),
    then `ml_client.compute.begin_update(cluster).result()`.

    ## Fix safety
    No automatic fix yet: one call becomes several statements.
    """

    code = "AML415"
    name = "compute-update"
    symbols = (f"{AML}.update",)
    message = "`AmlCompute.update()` is SDK v1; set the entity's attributes and call `ml_client.compute.begin_update(cluster)`"
    v2 = "cluster.max_instances = n; ml_client.compute.begin_update(cluster).result()"
    url = URL
    safety = MANUAL


class ComputeAttach(Rule):
    """Attach an existing Kubernetes/AKS cluster (or other resource) as a compute target.

    ## Migration
    `ml_client.compute.begin_attach(KubernetesCompute(name=..., resource_id=...,
    namespace=...))` for Kubernetes and AKS (install the Azure ML extension on the cluster
    first); other attachable types have their own v2 entities (`VirtualMachineCompute`,
    `SynapseSparkCompute`). The attach configuration objects differ and are migrated by
    hand.

    ## Fix safety
    No automatic fix.
    """

    code = "AML416"
    name = "compute-attach"
    symbols = (
        f"{TARGET}.attach",
        "azureml.core.compute.AksCompute.attach_configuration",
        "azureml.core.compute.KubernetesCompute.attach_configuration",
    )
    message = "`{symbol}` is SDK v1; attach with `ml_client.compute.begin_attach(KubernetesCompute(...))`"
    v2 = "ml_client.compute.begin_attach(azure.ai.ml.entities.KubernetesCompute(name=..., resource_id=...))"
    url = URL
    safety = MANUAL


class WorkspaceComputeTargets(Rule):
    """The workspace's compute targets as a dict.

    ## Why
    v1's `ws.compute_targets` listed every compute of the workspace into a dict keyed by
    name (`{c.name: c for c in ComputeTarget.list(ws)}`); the usual get-or-create reads
    it twice:

        if name in ws.compute_targets:
            cluster = ws.compute_targets[name]
        else:
            cluster = ComputeTarget.create(ws, name, config)

    ## Migration
    `name in ws.compute_targets` -> `name in {c.name for c in ml_client.compute.list()}`
    (`list()` without `compute_type` lists every compute, as v1 did, except that v1
    skipped compute types it did not know).
    `x = ws.compute_targets[name]` -> `x = ml_client.compute.get(name)`, which returns
    the v2 entity (`AmlCompute` for a cluster, `ComputeInstance` for an instance, where
    v1 returned its own `AmlCompute`/`ComputeInstance`). By hand: the dict itself
    (`cts = ws.compute_targets`, `.items()`, loops): v2 has no dict of computes, and its
    entities differ (`type` is `"amlcompute"`, not `"AmlCompute"`).

    ## Fix safety
    Safe for a membership test. Safe for `x = ws.compute_targets[name]` directly in the
    body of `if name in ws.compute_targets:`, with `name` a literal or a variable not
    reassigned in between (the guard means the compute exists). Elsewhere unsafe: for a
    missing name v1 raised `KeyError`, v2 raises `ResourceNotFoundError`; inside a `try`
    whose clause catches `KeyError` there is no fix (change the clause by hand).
    """

    code = "AML417"
    name = "workspace-compute-targets"
    on = "attribute"
    symbols = ("azureml.core.Workspace.compute_targets",)
    message = "`Workspace.compute_targets` is SDK v1; use `ml_client.compute.get(name)` / `ml_client.compute.list()`"
    v2 = "ml_client.compute.get(name)"
    url = URL
    safety = SAFE
    before = """\
from azureml.core import Workspace
from azureml.core.compute import AmlCompute, ComputeTarget

ws = Workspace.from_config()
if "cpu-cluster" in ws.compute_targets:
    cluster = ws.compute_targets["cpu-cluster"]
else:
    cfg = AmlCompute.provisioning_configuration(vm_size="STANDARD_D2_V2", max_nodes=4)
    cluster = ComputeTarget.create(ws, "cpu-cluster", cfg)
    cluster.wait_for_completion(show_output=True)
print(cluster.name)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.ai.ml.entities import AmlCompute
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
if "cpu-cluster" in {c.name for c in ml_client.compute.list()}:
    cluster = ml_client.compute.get("cpu-cluster")
else:
    cfg = AmlCompute(name="cpu-cluster", size="STANDARD_D2_V2", max_instances=4, idle_time_before_scale_down=1800)
    cluster = ml_client.compute.begin_create_or_update(cfg).result()
print(cluster.name)
"""

    def check(self, site):
        ws = site.receiver_binding()
        if ws is None or site.receiver.path:
            return Check(MANUAL, "cannot tell which workspace this is")
        stmt, parent = site.stmt, parent_in(site.stmt, site.node)
        if isinstance(parent, ast.Compare) and len(parent.ops) == 1 and parent.comparators[0] is site.node \
                and isinstance(parent.ops[0], (ast.In, ast.NotIn)):
            site.require(ws)
            return Check(SAFE, facts={"workspace": ws, "shape": "in", "guards": _guarded_block(stmt, parent)})
        if isinstance(parent, ast.Subscript) and parent.value is site.node and isinstance(parent.ctx, ast.Load):
            return self.item(site, ws, parent)
        if isinstance(stmt, (ast.For, ast.AsyncFor)) and stmt.iter is site.node:
            return Check(MANUAL, "iterate `ml_client.compute.list()` by hand: it yields v2 entities (with `name`; "
                                 "`type` is 'amlcompute', not 'AmlCompute')")
        if parent is stmt and isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            return Check(MANUAL, "v2 has no dict of computes: `{c.name: c for c in ml_client.compute.list()}` builds "
                                 "one of v2 entities (`type` is 'amlcompute', not 'AmlCompute'); migrate its uses by hand")
        return Check(MANUAL)

    def item(self, site, ws, sub: ast.Subscript) -> Check:
        """`x = ws.compute_targets[key]`: the item becomes `ml_client.compute.get(key)`."""
        stmt = site.stmt
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else getattr(
            stmt, "target", None)
        if getattr(stmt, "value", None) is not sub or not isinstance(target, ast.Name):
            return Check(MANUAL, "assign `ws.compute_targets[name]` to a variable of its own: it becomes "
                                 "`ml_client.compute.get(name)`")
        # `x` holds the compute from here on: its uses are tracked (the visitor binds it).
        facts = {"workspace": ws, "shape": "item", "item_kind": TARGET, "statement_fix": True}
        if isinstance(stmt, ast.AnnAssign):
            return Check(MANUAL, "the annotation names the v1 class: remove it, then fix", facts=facts)
        if isinstance(sub.slice, (ast.Slice, ast.Tuple, ast.Starred)):
            return Check(MANUAL, "the key is not one compute name", facts=facts)
        site.require(ws)
        guard = _guard(site, ws, sub.slice)
        if guard is not None:
            site.require_finding(guard)
            return Check(SAFE, facts=facts)
        problem = _missing_item_problem(site)
        if problem:
            return Check(MANUAL, problem, facts=facts)
        return Check(UNSAFE, "v1 raised `KeyError` when no compute has that name, v2 raises "
                             "`azure.core.exceptions.ResourceNotFoundError`", facts=facts)

    def fix(self, node, ctx):
        if ctx.finding.facts["shape"] == "in":
            return cst.parse_expression(f"{{c.name for c in {ctx.client()}.compute.list()}}")
        key = node.value.slice[0].slice.value  # the statement `x = ws.compute_targets[key]`
        get = cst.parse_expression(f"{ctx.client()}.compute.get")
        return node.with_changes(value=cst.Call(func=get, args=[cst.Arg(value=key)]))


def _guarded_block(stmt: ast.stmt, compare: ast.Compare) -> list[ast.stmt] | None:
    """The block of the `if` that runs only when the membership test `compare` holds."""
    if not isinstance(stmt, ast.If):
        return None
    test = stmt.test
    if isinstance(compare.ops[0], ast.In):
        anded = isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) and any(v is compare for v in test.values)
        return stmt.body if test is compare or anded else None
    return stmt.orelse if test is compare and stmt.orelse else None  # `if name not in ...: ... else:`


def _guard(site, ws, key: ast.expr):
    """The membership test of the `if` whose guarded block holds this statement directly,
    on the same workspace and key, with the key unchanged in between; or None."""
    if not (isinstance(key, ast.Name) or isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return None
    block, index = site.analyzer.block_of.get(id(site.stmt), (None, -1))
    if block is None:
        return None
    # The `if` encloses this statement, so its test was walked earlier in this same walk.
    for f in reversed(site.analyzer.seg.findings):
        if isinstance(f.rule, WorkspaceComputeTargets) and f.facts.get("guards") is block:
            break
    else:
        return None
    compare = parent_in(f.stmt, f.node)
    if f.facts.get("workspace") is not ws or ast.dump(compare.left) != ast.dump(key):
        return None
    if isinstance(key, ast.Name):
        for stmt in block[:index]:
            if any(isinstance(n, ast.Name) and n.id == key.id and not isinstance(n.ctx, ast.Load) for n in walk(stmt)):
                return None
    return f


def _missing_item_problem(site) -> str | None:
    """Why v2's `ResourceNotFoundError` would not be handled where v1's `KeyError` was."""
    clauses = site.exception_clauses(_V2_ERRORS)
    _, h1, s1 = _first(clauses, _CATCHES_KEY_ERROR)
    _, h2, s2 = _first(clauses, _CATCHES_V2["ResourceNotFoundError"])
    if "" in (s1, s2):
        return "cannot tell what the `except` clause around it catches"
    if h1 is h2:
        return None  # neither is caught here, or one clause catches both (`except Exception:`)
    if h1 is None:
        return f"the `except` clause on line {h2.lineno} would catch v2's `ResourceNotFoundError`, which v1 never raised"
    return (f"v1 raised `KeyError` for a missing name, which the `except {s1.rpartition('.')[2]}` clause on line "
            f"{h1.lineno} handles; v2 raises `ResourceNotFoundError`: write `x = ml_client.compute.get(name)` with "
            "`except azure.core.exceptions.ResourceNotFoundError:` by hand")


class ComputeTargetExceptionRule(Rule):
    """`except ComputeTargetException:`, the exception v1 raised for compute errors.

    ## Why
    The usual v1 "get or create" pattern catches the lookup's "not found" error:

        try:
            cluster = ComputeTarget(workspace=ws, name="cpu-cluster")
        except ComputeTargetException:
            cluster = ComputeTarget.create(ws, "cpu-cluster", config)

    ## Migration
    v2's `ml_client.compute.get` raises `azure.core.exceptions.ResourceNotFoundError`
    when the compute does not exist (`HttpResponseError`, its base, for other service
    errors), so the clause becomes `except ResourceNotFoundError:` together with the
    lookup in its `try` (AML401): one without the other would let "not found" escape.

    ## Fix safety
    Safe when the `try` body's compute calls are lookups that are migrated with it.
    Unsafe when the body also makes other compute calls (create, wait, delete): v1 caught
    their failures here too, v2 raises `HttpResponseError` for them, which
    `ResourceNotFoundError` does not catch. No fix when nothing in the `try` body is
    migrated with it: change the clause by hand when you migrate that code.
    """

    code = "AML418"
    name = "compute-target-exception"
    on = "except"
    symbols = (CTE,)
    message = "`except ComputeTargetException` is SDK v1; v2 raises `azure.core.exceptions.ResourceNotFoundError`"
    v2 = "except azure.core.exceptions.ResourceNotFoundError:"
    url = URL
    safety = SAFE
    before = """\
from azureml.core import Workspace
from azureml.core.compute import AmlCompute, ComputeTarget
from azureml.core.compute_target import ComputeTargetException

ws = Workspace.from_config()
try:
    cluster = ComputeTarget(workspace=ws, name="cpu-cluster")
except ComputeTargetException:
    config = AmlCompute.provisioning_configuration(vm_size="STANDARD_DS3_V2", max_nodes=4)
    cluster = ComputeTarget.create(ws, "cpu-cluster", config)
    cluster.wait_for_completion(show_output=True)
"""
    after = """\
from azure.ai.ml import MLClient
from azure.ai.ml.entities import AmlCompute
from azure.core.exceptions import ResourceNotFoundError
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
try:
    cluster = ml_client.compute.get(name="cpu-cluster")
except ResourceNotFoundError:
    config = AmlCompute(name="cpu-cluster", size="STANDARD_DS3_V2", max_instances=4, idle_time_before_scale_down=1800)
    cluster = ml_client.compute.begin_create_or_update(config).result()
"""

    def check(self, site):
        linked = site.handler_links()
        if not linked:
            return Check(MANUAL, "nothing in its `try` body is migrated with it: change it to "
                                 "`except ResourceNotFoundError:` when you migrate that code")
        for f in linked:
            site.require_finding(f)
        others = [f for f in site.try_body_findings()
                  if f not in linked and f.rule.__module__ == __name__ and f.rule.on == "call"]
        handler = site.node
        index = None
        if isinstance(handler.type, ast.Tuple):
            index = next(i for i, e in enumerate(handler.type.elts) if site.analyzer.exception_symbol(e) == CTE)
        facts = {"element": index}
        if others:
            return Check(UNSAFE, f"v1 also caught failures of `{others[0].symbol}` (line {others[0].span.line}) here; "
                                 "v2 raises `HttpResponseError` for those, which this clause no longer catches",
                         facts=facts)
        return Check(SAFE, facts=facts)

    def fix(self, node, ctx):
        name = cst.Name(ctx.need("azure.core.exceptions", "ResourceNotFoundError"))
        index = ctx.finding.facts.get("element")
        if index is None:
            return node.with_changes(type=name)
        elements = list(node.type.elements)
        elements[index] = elements[index].with_changes(value=name)
        return node.with_changes(type=node.type.with_changes(elements=elements))


RULES = [
    ComputeGet, AmlComputeProvisioning, ComputeInstanceProvisioning, ComputeCreate, ComputeInstanceCreate,
    ComputeWait, ComputeDelete, ComputeInstanceDelete, ComputeInstanceStart, ComputeInstanceStop,
    ComputeInstanceRestart, ComputeList, ComputeName, ComputeStatus, ComputeUpdate, ComputeAttach,
    WorkspaceComputeTargets, ComputeTargetExceptionRule, ComputeTypeTest, ComputeProvisioningState,
]

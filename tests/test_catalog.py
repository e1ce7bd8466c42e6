"""The catalog against the real packages.

v1: every symbol a rule matches exists in azureml-core (snapshot generated from the real
package: tests/signatures), and every rule's v1 positional order is the real one.
v2: every name, keyword and attribute the fixes emit (in every rule example and fixture
output) exists in the installed azure-ai-ml / azure-identity / mlflow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytest.importorskip("azure.ai.ml")
pytest.importorskip("mlflow")

from azureml_migrate.config import DEFAULT, V1_DEFAULT_CPU_IMAGE  # noqa: E402
from azureml_migrate.engine import analyze, fix_all  # noqa: E402
from azureml_migrate.rules.environments import CondaDependenciesCreate  # noqa: E402
from azureml_migrate.rules import jobs, run_logging  # noqa: E402
from azureml_migrate.rules.registry import ALL  # noqa: E402
from tests.support.signatures import (  # noqa: E402
    v1_class_members,
    v1_exists,
    v1_fact,
    v1_param_names,
    v2_accepts_keyword,
    v2_exists,
)

FIXTURES = Path(__file__).parent / "fixtures"
MATCHING = [r for r in ALL if r.symbols]

# Attributes v1 sets in __init__ (not visible as class members): proven by the constructor
# parameter, or by the owner's own existence for attributes of attributes.
ATTRIBUTE_TYPES = {
    "azureml.core.ScriptRunConfig.run_config": "azureml.core.RunConfiguration",
    "azureml.core.Environment.docker": "azureml.core.environment.DockerSection",
    "azureml.core.Environment.python": "azureml.core.environment.PythonSection",
    "azureml.core.Environment.python.conda_dependencies": "azureml.core.conda_dependencies.CondaDependencies",
    "azureml.core.Run.experiment": "azureml.core.Experiment",
}

# v1 constructors that return a subclass picked at run time (`Webservice(ws, name)` gives the
# class of the service's compute type): a member every one of those subclasses has is a
# member of what the constructor returns, though the base class does not declare it.
RETURNS_SUBCLASS = {
    "azureml.core.Webservice": ("azureml.core.webservice.AciWebservice", "azureml.core.webservice.AksWebservice",
                                "azureml.core.webservice.AksEndpoint", "azureml.core.webservice.LocalWebservice"),
    # `Run.get_context()` inside a submitted job (where the in-script rules apply).
    "azureml.core.Run": ("azureml.core.run._SubmittedRun",),
}


def _member_exists(cls: str, member: str) -> bool:
    if v1_exists(f"{cls}.{member}"):
        return True
    try:
        return member in v1_class_members(cls)
    except KeyError:
        return False


def _is_parameter(callable_: str, name: str) -> bool:
    try:
        return name in v1_param_names(callable_)
    except (KeyError, TypeError):  # not in the snapshot, or an attribute rather than a callable
        return False


def _v1_symbol_exists(symbol: str) -> bool:
    if symbol in ("azureml.core.VERSION", "azureml.core.__version__"):
        return v1_fact("azureml.core.VERSION") is not None
    head, _, last = symbol.rpartition(".")
    if _member_exists(head, last):  # declared, or inherited (`step.run_after`)
        return True
    if head in RETURNS_SUBCLASS:
        return all(_member_exists(sub, last) for sub in RETURNS_SUBCLASS[head])
    if head in ATTRIBUTE_TYPES:
        owner, _, attr = head.rpartition(".")
        owned = _is_parameter(owner, attr) or _v1_symbol_exists(head)
        return owned and _member_exists(ATTRIBUTE_TYPES[head], last)
    return False


@pytest.mark.parametrize("rule", MATCHING, ids=lambda r: r.code)
def test_v1_symbols_exist(rule):
    missing = [s for s in rule.symbols if not _v1_symbol_exists(s)]
    assert missing == []


POSITIONAL = [
    (r, r.symbols[0], r.params) for r in ALL if getattr(r, "params", None) and r.on == "call"
] + [
    (jobs.ScriptRunConfigRule, "azureml.core.ScriptRunConfig", jobs.SRC_PARAMS),
    (jobs.ExperimentConstructor, "azureml.core.Experiment", jobs.EXPERIMENT_PARAMS),
]


@pytest.mark.parametrize("rule,symbol,params", POSITIONAL, ids=lambda x: getattr(x, "code", None) or "")
def test_v1_positional_order(rule, symbol, params):
    real = v1_param_names(symbol)
    assert real[: len(params)] == list(params), f"{symbol}: rule assumes {params}, azureml-core has {real}"


def test_v1_facts_used_by_fixes():
    assert v1_fact("azureml.core.environment.DEFAULT_CPU_IMAGE") == V1_DEFAULT_CPU_IMAGE
    assert v1_fact("azureml.core.conda_dependencies.PYTHON_DEFAULT_VERSION") == CondaDependenciesCreate.default_python


def test_conda_dependencies_dict_matches_what_v1_generated():
    """The fix's dict has v1's channels, python and packages (v1's pip index options point
    at PyPI, pip's default, and are left out)."""
    case = v1_fact("CondaDependencies.create")["azureml_pip_packages_pinned"]
    source = ("from azureml.core.conda_dependencies import CondaDependencies\n"
              f"cd = CondaDependencies.create(pip_packages={case['pip_packages']!r})\n")
    out, _ = fix_all(analyze(source), DEFAULT, True)
    generated = ast.literal_eval(out.split("cd = ", 1)[1])
    v1 = case["dict"]
    assert generated["channels"] == v1["channels"]
    v1_pip = [p for p in v1["dependencies"][1]["pip"] if not p.startswith("--")]
    assert generated["dependencies"] == [v1["dependencies"][0], "pip", {"pip": v1_pip}]
    # run.log's third positional parameter is a description, not MLflow's step.
    assert v1_param_names("azureml.core.Run.log")[:4] == ["name", "value", "description", "step"]
    assert run_logging.Log.params == ("name", "value", "description", "step")


# -- v2 ---------------------------------------------------------------------------------

# What calls return, for following `x = call(...)` to `x.attr` in emitted code.
RETURNS = {
    "azure.ai.ml.MLClient": "azure.ai.ml.MLClient",
    "azure.ai.ml.MLClient.from_config": "azure.ai.ml.MLClient",
    "azure.ai.ml.command": "azure.ai.ml.entities.Command",
    "azure.ai.ml.entities.Environment": "azure.ai.ml.entities.Environment",
    "azure.ai.ml.MLClient.jobs.create_or_update": "azure.ai.ml.entities.Job",
    "azure.ai.ml.MLClient.environments.get": "azure.ai.ml.entities.Environment",
    "azure.ai.ml.MLClient.jobs.get": "azure.ai.ml.entities.Job",
    "azure.ai.ml.MLClient.workspaces.get": "azure.ai.ml.entities.Workspace",
    "mlflow.active_run": "mlflow.entities.Run",
    "azure.ai.ml.entities.AmlCompute": "azure.ai.ml.entities.AmlCompute",
    "azure.ai.ml.entities.ComputeInstance": "azure.ai.ml.entities.ComputeInstance",
    "azure.ai.ml.MLClient.compute.get": "azure.ai.ml.entities.Compute",
    "azure.ai.ml.MLClient.compute.begin_create_or_update": "azure.core.polling.LROPoller",
    "azure.ai.ml.entities.Data": "azure.ai.ml.entities.Data",
    "azure.ai.ml.MLClient.data.create_or_update": "azure.ai.ml.entities.Data",
    "azure.ai.ml.MLClient.data.get": "azure.ai.ml.entities.Data",
    "azure.ai.ml.MLClient.datastores.get": "azure.ai.ml.entities.Datastore",
    "azure.ai.ml.MLClient.datastores.get_default": "azure.ai.ml.entities.Datastore",
    "azure.ai.ml.MLClient.datastores.create_or_update": "azure.ai.ml.entities.Datastore",
    "azure.ai.ml.entities.Model": "azure.ai.ml.entities.Model",
    "azure.ai.ml.MLClient.models.create_or_update": "azure.ai.ml.entities.Model",
    "azure.ai.ml.MLClient.models.get": "azure.ai.ml.entities.Model",
    "azure.ai.ml.MLClient.online_endpoints.get": "azure.ai.ml.entities.OnlineEndpoint",
    "azure.ai.ml.MLClient.online_endpoints.get_keys": "azure.ai.ml.entities.EndpointAuthKeys",
    "azure.ai.ml.MLClient.online_endpoints.begin_delete": "azure.core.polling.LROPoller",
    "azure.ai.ml.automl.classification": "azure.ai.ml.automl.ClassificationJob",
    "azure.ai.ml.automl.regression": "azure.ai.ml.automl.RegressionJob",
    "azure.ai.ml.automl.forecasting": "azure.ai.ml.automl.ForecastingJob",
}


class EmittedApiChecker(ast.NodeVisitor):
    """Resolves names in migrated code and records every v2 reference it makes."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.problems: list[str] = []
        self.checked = 0
        self.instances: set[str] = set()  # names bound to objects (calling one is __call__)

    def resolve(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return self.names.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            target = self.resolve(node.func)
            return RETURNS.get(target) if target else None
        return None

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            if a.asname:
                self.names[a.asname] = a.name
            else:
                self.names[a.name.split(".")[0]] = a.name.split(".")[0]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for a in node.names:
            self.names[a.asname or a.name] = f"{node.module}.{a.name}"

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        typ = self.resolve(node.value) if isinstance(node.value, ast.Call) else None
        for t in node.targets:
            if isinstance(t, ast.Name):
                if typ and (typ.startswith("azure.") or typ.startswith("mlflow")):
                    self.names[t.id] = typ
                    self.instances.add(t.id)
                else:
                    self.names.pop(t.id, None)
            else:
                self.visit(t)

    def _v2(self, dotted: str | None) -> bool:
        return bool(dotted) and dotted.startswith(("azure.ai.ml", "azure.identity", "mlflow"))

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id in self.instances:
            # A component called as a pipeline node: its keywords are the user's input names,
            # checked by the pipeline semantic test (tests/test_pipelines.py).
            self.generic_visit(node)
            return
        target = self.resolve(node.func)
        if self._v2(target):
            self.checked += 1
            if not v2_exists(target):
                self.problems.append(f"{target} does not exist")
            for kw in node.keywords:
                if kw.arg and not v2_accepts_keyword(target, kw.arg):
                    self.problems.append(f"{target} has no keyword {kw.arg!r}")
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        target = self.resolve(node)
        if self._v2(target) and isinstance(node.ctx, (ast.Load, ast.Store)):
            self.checked += 1
            if not v2_exists(target):
                self.problems.append(f"{target} does not exist")
        self.generic_visit(node)


EMITTED = {f"{r.code}-example": r.after for r in ALL if r.after} | {
    p.name: p.read_text() for p in sorted(FIXTURES.glob("*.after.py"))
}


@pytest.mark.parametrize("name", sorted(EMITTED))
def test_emitted_v2_names_and_keywords_exist(name):
    checker = EmittedApiChecker()
    checker.visit(ast.parse(EMITTED[name]))
    assert checker.problems == []


def test_checker_sees_the_important_calls():
    checker = EmittedApiChecker()
    checker.visit(ast.parse(jobs.ARTICLE_V2))
    assert checker.checked >= 6 and checker.problems == []
    bad = EmittedApiChecker()
    bad.visit(ast.parse("from azure.ai.ml import command\ncommand(compute_target='x')\n"))
    assert bad.problems == ["azure.ai.ml.command has no keyword 'compute_target'"]


@pytest.mark.parametrize("made_up", [
    "azureml.core.Run.no_such_member", "azureml.core.Webservice.no_such_member",
    "azureml.core.Environment.python.conda_dependencies.no_such_member", "azureml.core.Run.experiment.no_such_member",
])
def test_symbol_allowances_accept_only_real_members(made_up):
    """The ways a member is proven without being a class member of its own (subclasses a
    constructor returns, attributes of attributes) still reject a name v1 does not have."""
    assert not _v1_symbol_exists(made_up)


@pytest.mark.parametrize("name, keywords", [
    ("azure.ai.ml.identity.AzureMLOnBehalfOfCredential", ()),  # AML717
    ("azure.ai.ml.MLClient", ("subscription_id", "resource_group_name", "workspace_name")),
    ("azure.ai.ml.entities.UserIdentityConfiguration", ()),
    ("azure.ai.ml.command", ("identity", "inputs", "command")),  # AML716, AML717
    ("azure.ai.ml.Input", ("path",)),
    ("azure.ai.ml.entities.Environment", ("image", "conda_file")),  # AML308
    ("azure.ai.ml.entities.ManagedOnlineEndpoint.provisioning_state", ()),  # AML624
    ("azure.ai.ml.entities.ManagedOnlineDeployment.provisioning_state", ()),
])
def test_guidance_of_manual_rules_names_real_v2_apis(name, keywords):
    """What the manual rules tell a person to write exists in azure-ai-ml."""
    assert v2_exists(name)
    assert [k for k in keywords if not v2_accepts_keyword(name, k)] == []

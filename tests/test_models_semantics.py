"""Migrated model code registers and looks up what the v1 code did, checked with real azure-ai-ml.

The v1 script is migrated by the CLI (`fix --unsafe-fixes`) and executed with
tests/support/v2_runtime (real azure-ai-ml entities, network faked).  An ACI deployment
of one model, an InferenceConfig and an ACI configuration becomes a managed online
endpoint and deployment (unsafe); one that scores with `service.run` or edits its conda
dependencies stays SDK v1, and the diagnostics name the managed online SKU.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("azure.ai.ml")

from tests.support.v2_runtime import run_submission_script  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"

V1_REGISTER = """\
from azureml.core import Workspace, Model

ws = Workspace.from_config()
model = Model.register(ws, "outputs/model.pkl", "diabetes-ridge",
                       tags={"area": "diabetes"}, properties={"alpha": "0.03"},
                       description="Ridge regression")
print(model.name)
"""


def cli(args: list[str], project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "azureml_migrate", *args], cwd=project, capture_output=True,
                          text=True, timeout=120, check=False, env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin"})


def migrate(source: str, project: Path, name: str = "register_model.py") -> str:
    project.mkdir(parents=True, exist_ok=True)
    (project / name).write_text(source)
    result = cli(["fix", "--unsafe-fixes", name], project)
    assert result.returncode == 0, result.stdout + result.stderr
    migrated = (project / name).read_text()
    assert not re.search(r"^\s*(from|import) azureml\b", migrated, re.M), "no SDK v1 import is left"
    return migrated


def registered(record):
    (call,) = record.calls_to("models", "create_or_update")
    (entity,) = call.args or tuple(call.kwargs.values())
    return entity


def test_positional_registration_keeps_path_name_type_and_metadata(tmp_path):
    project = tmp_path / "p"
    source = migrate(V1_REGISTER, project)
    record = run_submission_script(source, project)
    from azure.ai.ml.constants import AssetTypes
    from azure.ai.ml.entities import Model

    model = registered(record)
    assert isinstance(model, Model)
    # v1's positional order is (workspace, model_path, model_name): not swapped.
    assert model.name == "diabetes-ridge"
    assert Path(model.path).as_posix().endswith("outputs/model.pkl")
    assert model.type == AssetTypes.CUSTOM_MODEL
    assert model.tags == {"area": "diabetes"}
    assert model.properties == {"alpha": "0.03"}
    assert model.description == "Ridge regression"
    assert record.stdout.strip() == "diabetes-ridge"


def test_fixture_register_get_download_list(tmp_path):
    project = tmp_path / "p"
    project.mkdir()
    shutil.copy(FIXTURES / "models_register.before.py", project / "submit.py")
    source = migrate((project / "submit.py").read_text(), project, "submit.py")
    record = run_submission_script(source, project)
    model = registered(record)
    assert model.name == "local-file-example"
    assert Path(model.path).as_posix().endswith("model/sklearn_regression_model.pkl")
    assert model.tags == {"area": "diabetes", "type": "regression"}
    gets = [c.kwargs for c in record.calls_to("models", "get")]
    assert gets == [{"name": "local-file-example", "version": "1"}, {"name": "local-file-example", "label": "latest"}]
    (download,) = record.calls_to("models", "download")
    assert download.kwargs["name"] == "local-file-example" and download.kwargs["download_path"] == "./downloaded"
    assert [c.kwargs for c in record.calls_to("models", "list")] == [{"name": "local-file-example"}]


def endpoint_calls(fixture: str, tmp_path: Path) -> list:
    """The `ml_client.online_endpoints` calls a fixture makes once migrated and run."""
    project = tmp_path / "p"
    project.mkdir()
    shutil.copy(FIXTURES / fixture, project / "submit.py")
    source = migrate((project / "submit.py").read_text(), project, "submit.py")
    record = run_submission_script(source, project)
    return [(c.method, c.args, c.kwargs) for c in record.calls_to("online_endpoints")]


def test_fixture_existing_endpoint_is_read_and_deleted(tmp_path):
    assert endpoint_calls("models_endpoint.before.py", tmp_path) == [
        ("get", (), {"name": "diabetes-service"}), ("get_keys", ("diabetes-service",), {}),
        ("begin_delete", (), {"name": "diabetes-service"})]


def test_fixture_service_looked_up_through_the_base_class(tmp_path):
    """`Webservice(ws, name)` returns the subclass of the service's compute type, so its
    `scoring_uri` is read from the v2 endpoint like an `AciWebservice`'s."""
    assert endpoint_calls("models_webservice_base.before.py", tmp_path) == [("get", (), {"name": "diabetes-service"})]


def test_service_state_is_left_for_a_person_with_the_v2_values():
    """`service.state` has no fix (v1's "Healthy" is v2's "Succeeded"); the states the rule
    names and the attribute it points to are azure-ai-ml's own."""
    import inspect

    from azure.ai.ml._restclient.arm_ml_service.models import DeploymentProvisioningState, EndpointProvisioningState
    from azure.ai.ml.entities import ManagedOnlineDeployment, ManagedOnlineEndpoint

    from azureml_migrate.rules.models import WebserviceState
    from tests.support.migration import findings

    source = """\
from azureml.core import Workspace, Webservice
from azureml.core.webservice import AksWebservice

ws = Workspace.from_config()
service = Webservice(ws, "diabetes-service")
print(service.state)
if AksWebservice(ws, "aks-service").state != "Healthy":
    print("not ready")
"""
    states = findings(source, "AML624")
    assert [f.symbol for f in states] == ["azureml.core.Webservice.state", "azureml.core.webservice.AksWebservice.state"]
    assert all(f.fix_safety is None and '"Succeeded"' in f.message for f in states)
    v2_states = {s.value for s in EndpointProvisioningState} | {s.value for s in DeploymentProvisioningState}
    named = set(re.findall(r"`(\w+)`", inspect.getdoc(WebserviceState).split("(the others:")[1].split(")")[0]))
    assert named and named | {"Succeeded"} <= v2_states
    assert all(hasattr(cls, "provisioning_state") for cls in (ManagedOnlineEndpoint, ManagedOnlineDeployment))


def test_aci_deployment_is_left_for_a_manual_migration_with_the_sku(tmp_path):
    project = tmp_path / "p"
    project.mkdir()
    shutil.copy(FIXTURES / "models_deploy.before.py", project / "deploy.py")
    before = (project / "deploy.py").read_text()
    result = cli(["check", "deploy.py"], project)
    assert "AML613" in result.stdout and 'instance_type="Standard_DS1_v2"' in result.stdout
    result = cli(["fix", "--unsafe-fixes", "deploy.py"], project)
    assert (project / "deploy.py").read_text() == before


@pytest.mark.parametrize("cpu,memory,sku", [
    (0.5, 1, "Standard_DS1_v2"), (1, 1.2, "Standard_DS1_v2"), (2, 1.5, "Standard_F2s_v2"),
    (2, 4, "Standard_DS2_v2"), (1.5, 8, "Standard_E2s_v3"), (4, 4, "Standard_F4s_v2"),
    (3, 8, "Standard_DS3_v2"), (4, 16, "Standard_E4s_v3"), (1, 2, None), (8, 32, None),
])
def test_aci_sku_table(cpu, memory, sku):
    from azureml_migrate.rules.models import aci_sku

    assert aci_sku(cpu, memory) == sku


def test_aci_deployment_becomes_a_managed_online_deployment(tmp_path):
    """AML613 (unsafe): endpoint, deployment and traffic carry what the v1 code configured."""
    from azure.ai.ml.entities import CodeConfiguration, ManagedOnlineDeployment, ManagedOnlineEndpoint

    project = tmp_path / "p"
    (project / "src").mkdir(parents=True)
    (project / "src" / "score.py").write_text("def init():\n    pass\n\n\ndef run(data):\n    return data\n")
    (project / "environment").mkdir()
    (project / "environment" / "conda.yml").write_text("dependencies:\n  - python=3.10\n")
    shutil.copy(FIXTURES / "models_online_deploy.before.py", project / "deploy.py")
    assert cli(["fix", "deploy.py"], project).returncode == 1  # not without --unsafe-fixes
    assert "Model.deploy" in (project / "deploy.py").read_text()
    source = migrate((project / "deploy.py").read_text(), project, "deploy.py")
    assert source == (FIXTURES / "models_online_deploy.after.py").read_text()
    record = run_submission_script(source, project)

    endpoint_calls = record.calls_to("online_endpoints", "begin_create_or_update")
    (deployment_call,) = record.calls_to("online_deployments", "begin_create_or_update")
    # The endpoint exists before the deployment, and traffic is routed after it.
    order = [(c.group, c.method) for c in record.calls if c.group.startswith("online_")]
    assert order == [("online_endpoints", "begin_create_or_update"), ("online_deployments", "begin_create_or_update"),
                     ("online_endpoints", "begin_create_or_update")]
    (endpoint,) = endpoint_calls[0].args or tuple(endpoint_calls[0].kwargs.values())
    assert isinstance(endpoint, ManagedOnlineEndpoint)
    # v1: Model.deploy(ws, "sklearn-service", ...), auth_enabled=True, tags, description
    assert endpoint.name == "sklearn-service" and endpoint.auth_mode == "key"
    assert endpoint.tags == {"area": "diabetes"} and endpoint.description == "Ridge regression"
    assert endpoint.traffic == {"blue": 100}
    (deployment,) = deployment_call.args or tuple(deployment_call.kwargs.values())
    assert isinstance(deployment, ManagedOnlineDeployment)
    assert deployment.endpoint_name == "sklearn-service"
    # v1: Model(ws, "sklearn-model", version=1)
    assert (deployment.model.name, str(deployment.model.version)) == ("sklearn-model", "1")
    # v1: InferenceConfig(entry_script="score.py", source_directory="./src", environment=env)
    assert isinstance(deployment.code_configuration, CodeConfiguration)
    assert Path(str(deployment.code_configuration.code)).name == "src"
    assert deployment.code_configuration.scoring_script == "score.py"
    assert deployment.environment.name == "sklearn-env"
    assert Path(str(deployment.environment.conda_file)).name == "conda.yml" or deployment.environment.conda_file
    # v1: cpu_cores=2, memory_gb=4 -> Microsoft's table -> Standard_DS2_v2, one instance
    assert (deployment.instance_type, deployment.instance_count) == ("Standard_DS2_v2", 1)
    assert record.stdout.strip()  # the scoring URI is printed from the v2 endpoint


def test_a_service_name_in_a_variable_becomes_the_endpoint_name():
    """Samples build the name at run time (`"aci-" + str(uuid.uuid4())[:4]`): the same
    expression names the endpoint, evaluated once, with a note on region-wide uniqueness."""
    from tests.support.migration import findings, migrate as migrate_text

    source = (FIXTURES / "models_online_deploy.before.py").read_text().replace(
        'service = Model.deploy(ws, "sklearn-service",', 'service_name = "aci-" + suffix\nservice = Model.deploy(ws, service_name,'
    ).replace("ws = Workspace.from_config()", 'suffix = "1a2b"\nws = Workspace.from_config()')
    (deploy,) = findings(source, "AML613")
    assert deploy.fix_safety == "unsafe" and "unique in the Azure region" in deploy.message
    out = migrate_text(source)
    assert 'service = ManagedOnlineEndpoint(name=service_name, auth_mode="key"' in out


@pytest.mark.parametrize("change, why", [
    (('"sklearn-service", [model]', '"sklearn_service", [model]'), "'sklearn_service' is not a valid endpoint name"),
    (("[model]", "model_list"), "`models` must be a list written in the call"),
    (("inference_config, deployment_config", "InferenceConfig(entry_script='s.py'), deployment_config"),
     "`inference_config` must be an `InferenceConfig(...)` variable made in this file"),
    (("inference_config, deployment_config, overwrite", "inference_config, None, overwrite"),
     "`deployment_config` must be an `AciWebservice.deploy_configuration(...)` variable"),
])
def test_deployments_left_manual_say_why(change, why):
    from tests.support.migration import findings

    source = (FIXTURES / "models_online_deploy.before.py").read_text().replace(*change)
    (deploy,) = findings(source, "AML613")
    assert deploy.fix_safety is None and why in deploy.message

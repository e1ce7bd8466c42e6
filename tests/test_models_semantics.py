"""Migrated model code registers and looks up what the v1 code did, checked with real azure-ai-ml.

The v1 script is migrated by the CLI (`fix --unsafe-fixes`) and executed with
tests/support/v2_runtime (real azure-ai-ml entities, network faked).  The ACI deployment
flow has no automatic fix (AML609/AML610/AML613): the test checks that it stays SDK v1
and that the diagnostics name the managed online SKU of mapping.md §7.1.
"""

from __future__ import annotations

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
    assert "azureml" not in migrated
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


def test_fixture_existing_endpoint_is_read_and_deleted(tmp_path):
    project = tmp_path / "p"
    project.mkdir()
    shutil.copy(FIXTURES / "models_endpoint.before.py", project / "submit.py")
    source = migrate((project / "submit.py").read_text(), project, "submit.py")
    record = run_submission_script(source, project)
    ops = [(c.method, c.args, c.kwargs) for c in record.calls_to("online_endpoints")]
    assert ops == [("get", (), {"name": "diabetes-service"}), ("get_keys", ("diabetes-service",), {}),
                   ("begin_delete", (), {"name": "diabetes-service"})]


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

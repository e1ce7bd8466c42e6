"""Migrated datastore and dataset code creates what the v1 code registered, checked with real azure-ai-ml.

The v1 scripts are migrated by the CLI (`fix --unsafe-fixes`) and executed with
tests/support/v2_runtime (real azure-ai-ml entities, network faked): the entity given to
`ml_client.datastores.create_or_update` must hold v1's account, container and kind of
credential, and the one given to `ml_client.data.create_or_update` v1's name, path and type.
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

DATASTORE_V1 = """\
from azureml.core import Workspace, Datastore

ws = Workspace.from_config()
blob_datastore = Datastore.register_azure_blob_container(ws, "training_blob", "data", "mystorage",
                                                         account_key="secret-key", protocol="https")
sas_datastore = Datastore.register_azure_blob_container(workspace=ws, datastore_name="sas_blob",
                                                        container_name="shared", account_name="mystorage",
                                                        sas_token="sv=2024&sig=abc", overwrite=True)
print(blob_datastore.name)
"""

DATASET_V1 = """\
from azureml.core import Workspace, Datastore, Dataset

ws = Workspace.from_config()
datastore = Datastore.get(ws, "workspaceblobstore")
dataset = Dataset.File.from_files(path=(datastore, "animals/"))
dataset = dataset.register(workspace=ws, name="animals", description="images", tags={"kind": "jpg"},
                           create_new_version=True)
print(dataset.name)
"""


def migrate(project: Path, name: str) -> str:
    result = subprocess.run([sys.executable, "-m", "azureml_migrate", "fix", "--unsafe-fixes", name],
                            cwd=project, capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr
    source = (project / name).read_text()
    assert "import azureml" not in source and "from azureml" not in source
    return source


def project_with(tmp_path: Path, source: str) -> Path:
    project = tmp_path / "p"
    project.mkdir()
    (project / "script.py").write_text(source)
    return project


def entities(record, group: str) -> list:
    out = []
    for call in record.calls_to(group, "create_or_update"):
        (entity,) = call.args or tuple(call.kwargs.values())
        out.append(entity)
    return out


def test_blob_datastore_registration_keeps_account_container_and_credential(tmp_path):
    from azure.ai.ml.entities import AccountKeyConfiguration, AzureBlobDatastore, SasTokenConfiguration

    project = project_with(tmp_path, DATASTORE_V1)
    record = run_submission_script(migrate(project, "script.py"), project)
    key_store, sas_store = entities(record, "datastores")
    assert isinstance(key_store, AzureBlobDatastore) and isinstance(sas_store, AzureBlobDatastore)
    assert (key_store.name, key_store.account_name, key_store.container_name) == ("training_blob", "mystorage", "data")
    assert isinstance(key_store.credentials, AccountKeyConfiguration)
    assert key_store.credentials.account_key == "secret-key"
    assert key_store.protocol == "https"
    assert (sas_store.name, sas_store.container_name) == ("sas_blob", "shared")
    assert isinstance(sas_store.credentials, SasTokenConfiguration)
    assert sas_store.credentials.sas_token == "sv=2024&sig=abc"
    # What the service receives (a dict for `credentials`, as in Microsoft's sample, fails here).
    rest = key_store._to_rest_object().properties
    assert rest.credentials.credentials_type == "AccountKey"
    assert record.stdout.strip() == "training_blob"


def test_file_dataset_registration_creates_a_data_asset(tmp_path):
    from azure.ai.ml.entities import Data

    project = project_with(tmp_path, DATASET_V1)
    record = run_submission_script(migrate(project, "script.py"), project)
    (data,) = entities(record, "data")
    assert isinstance(data, Data)
    assert data.name == "animals"
    assert data.path == "azureml://datastores/workspaceblobstore/paths/animals/"
    assert data.type == "uri_folder"
    assert data.description == "images" and data.tags == {"kind": "jpg"}
    assert [c.args or c.kwargs for c in record.calls_to("datastores", "get")] == [{"name": "workspaceblobstore"}]
    assert record.stdout.strip() == "animals"


def test_fixtures_run_on_v2(tmp_path):
    from azure.ai.ml.entities import AzureDataLakeGen2Datastore, AzureFileDatastore

    project = tmp_path / "p"
    project.mkdir()
    for name in ("data_datastores", "data_file_dataset"):
        shutil.copy(FIXTURES / f"{name}.before.py", project / f"{name}.py")
    stores = entities(run_submission_script(migrate(project, "data_datastores.py"), project), "datastores")
    assert [type(s) for s in stores][1:] == [AzureFileDatastore, AzureDataLakeGen2Datastore]
    assert stores[2].credentials is None or type(stores[2].credentials).__name__ == "NoneCredentialConfiguration"
    record = run_submission_script(migrate(project, "data_file_dataset.py"), project)
    animals, titanic = entities(record, "data")
    assert (animals.name, animals.type) == ("animals", "uri_folder")
    assert (titanic.name, titanic.type, titanic.path) == (
        "titanic-csv", "uri_file", "https://dprepdata.blob.core.windows.net/demo/Titanic.csv")
    (get,) = record.calls_to("data", "get")
    assert get.kwargs == {"name": "iris", "version": "1"}

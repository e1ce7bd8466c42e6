"""Migrated compute code creates the compute the v1 code configured, checked with real azure-ai-ml.

The v1 script is migrated by the CLI (`fix --unsafe-fixes`) and executed with
tests/support/v2_runtime (real azure-ai-ml entities, network faked); the entity given to
`ml_client.compute.begin_create_or_update` must carry what v1's provisioning
configuration held, including the values v1 used by default where v2's defaults differ.
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

V1_SCRIPT = """\
from azureml.core import Workspace
from azureml.core.compute import AmlCompute, ComputeTarget

ws = Workspace.from_config()
cfg = AmlCompute.provisioning_configuration("STANDARD_NC6", "lowpriority", 1, 8,
                                            admin_username="azureuser", admin_user_ssh_key="ssh-rsa AAAA")
cluster = ComputeTarget.create(ws, "gpu-cluster", cfg)
cluster.wait_for_completion(show_output=True)
print(cluster.name)
"""


def migrate(source: str, tmp_path: Path) -> str:
    project = tmp_path / "p"
    project.mkdir()
    (project / "create_compute.py").write_text(source)
    result = subprocess.run([sys.executable, "-m", "azureml_migrate", "fix", "--unsafe-fixes", "create_compute.py"],
                            cwd=project, capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr
    migrated = (project / "create_compute.py").read_text()
    assert "azureml" not in migrated
    return migrated


def created(record):
    (call,) = record.calls_to("compute", "begin_create_or_update")
    (entity,) = call.args or tuple(call.kwargs.values())
    return entity


def test_cluster_creation_keeps_every_setting(tmp_path):
    source = migrate(V1_SCRIPT, tmp_path)
    record = run_submission_script(source, tmp_path / "p")
    from azure.ai.ml.entities import AmlCompute

    cluster = created(record)
    assert isinstance(cluster, AmlCompute)
    assert cluster.name == "gpu-cluster"
    assert cluster.size == "STANDARD_NC6"
    assert (cluster.min_instances, cluster.max_instances) == (1, 8)
    assert cluster.idle_time_before_scale_down == 1800  # v1's default, not v2's 120
    assert cluster.tier == "low_priority"
    assert cluster.ssh_settings.admin_username == "azureuser"
    assert cluster.ssh_settings.ssh_key_value == "ssh-rsa AAAA"
    # What the service would receive: v1 sent vmPriority "lowpriority" and a 30 minute idle time.
    rest = cluster._to_rest_object().properties.properties
    assert rest.vm_priority == "LowPriority"
    assert rest.scale_settings.node_idle_time_before_scale_down.total_seconds() == 1800
    assert record.stdout.strip() == "gpu-cluster"


def test_fixture_cluster_and_job(tmp_path):
    project = tmp_path / "p"
    (project / "src").mkdir(parents=True)
    shutil.copy(FIXTURES / "compute_cluster.before.py", project / "submit.py")
    source = migrate_file(project)
    record = run_submission_script(source, project)
    cluster = created(record)
    assert (cluster.name, cluster.size, cluster.tier) == ("cpu-cluster", "STANDARD_DS3_V2", "low_priority")
    assert (cluster.min_instances, cluster.max_instances, cluster.idle_time_before_scale_down) == (0, 4, 600)
    assert cluster.tags == {"team": "ml"} and cluster.description == "CPU training cluster"
    (summary,) = record.job_summaries()
    assert summary["compute"] == "cpu-cluster"


def test_fixture_compute_instance_lifecycle(tmp_path):
    project = tmp_path / "p"
    project.mkdir()
    shutil.copy(FIXTURES / "compute_instance.before.py", project / "submit.py")
    source = migrate_file(project)
    record = run_submission_script(source, project)
    from azure.ai.ml.entities import ComputeInstance

    instance = created(record)
    assert isinstance(instance, ComputeInstance)
    assert instance.name.startswith("basic-ci") and instance.size == "STANDARD_DS3_V2"
    assert instance.ssh_public_access_enabled is False
    assert instance.ssh_settings.ssh_key_value == "ssh-rsa AAAA..."
    ops = [(c.method, c.args) for c in record.calls_to("compute") if c.method != "begin_create_or_update"]
    assert ops == [("get", ()), ("begin_stop", ("notebook-ci",)), ("begin_start", ("notebook-ci",)),
                   ("begin_restart", ("notebook-ci",)), ("begin_delete", ("notebook-ci",))]


def migrate_file(project: Path) -> str:
    result = subprocess.run([sys.executable, "-m", "azureml_migrate", "fix", "--unsafe-fixes", "submit.py"],
                            cwd=project, capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr
    source = (project / "submit.py").read_text()
    assert "azureml" not in source
    return source

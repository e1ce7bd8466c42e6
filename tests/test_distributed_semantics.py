"""Migrated distributed submissions launch what v1 launched, checked with real azure-ai-ml.

The v1 script is migrated by the CLI (`fix --unsafe-fixes`) and executed with
tests/support/v2_runtime (real azure-ai-ml entities, network faked).  v1's
`PyTorchConfiguration(process_count=...)` counts all processes over all nodes; v2's
`process_count_per_instance` counts them per node, and the node count moves from the
configuration to the command's `instance_count`.
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
from azureml.core import Workspace, Experiment, ScriptRunConfig
from azureml.core.runconfig import PyTorchConfiguration

ws = Workspace.from_config()
experiment = Experiment(workspace=ws, name="ddp-train")
distr_config = PyTorchConfiguration(process_count=8, node_count=2)
src = ScriptRunConfig(source_directory="./src", script="train.py", arguments=["--epochs", 10],
                      compute_target="gpu-cluster", environment="AzureML-pytorch-1.10@latest",
                      distributed_job_config=distr_config)
run = experiment.submit(src)
print(run.get_portal_url())
"""


def migrate(project: Path, name: str) -> str:
    result = subprocess.run([sys.executable, "-m", "azureml_migrate", "fix", "--unsafe-fixes", name],
                            cwd=project, capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr
    source = (project / name).read_text()
    assert "from azureml" not in source and "import azureml" not in source
    return source


def test_pytorch_total_processes_become_per_instance(tmp_path):
    project = tmp_path / "p"
    (project / "src").mkdir(parents=True)
    (project / "submit.py").write_text(V1_SCRIPT)
    source = migrate(project, "submit.py")
    record = run_submission_script(source, project)
    (summary,) = record.job_summaries()
    assert summary["distribution"]["type"].lower() == "pytorch"
    assert summary["distribution"]["process_count_per_instance"] == 4  # 8 processes over 2 nodes
    assert summary["instance_count"] == 2
    assert summary["command"] == "python train.py --epochs 10"
    assert summary["compute"] == "gpu-cluster"


def test_fixture_mpi_pytorch_and_tensorflow(tmp_path):
    project = tmp_path / "p"
    (project / "src").mkdir(parents=True)
    (project / "env.yml").write_text("name: pytorch-env\ndependencies:\n  - python=3.10\n")
    shutil.copy(FIXTURES / "distributed_submit.before.py", project / "submit.py")
    source = migrate(project, "submit.py")
    record = run_submission_script(source, project)
    jobs = {s["command"].split()[1]: s for s in record.job_summaries()}
    pytorch, mpi, tf = jobs["train.py"], jobs["horovod_train.py"], jobs["tf_train.py"]
    assert (pytorch["distribution"]["type"].lower(), pytorch["distribution"]["process_count_per_instance"],
            pytorch["instance_count"]) == ("pytorch", 4, 2)
    assert (mpi["distribution"]["type"].lower(), mpi["distribution"]["process_count_per_instance"],
            mpi["instance_count"]) == ("mpi", 4, 2)
    # v1 ran one node per worker and defaulted to one parameter server (v2's default is 0).
    assert tf["distribution"]["type"].lower() == "tensorflow"
    assert (tf["distribution"]["worker_count"], tf["distribution"]["parameter_server_count"]) == (3, 1)
    assert tf["instance_count"] == 3

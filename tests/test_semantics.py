"""Migrated code does what the v1 code did, checked with the real packages.

Submission scripts are migrated by the CLI (`fix --unsafe-fixes`) and executed against
real azure-ai-ml with only the credential and MLClient's network operations faked; the
job they submit must carry what the v1 code configured. Training scripts are migrated
and run with MLflow's file store; the run must hold the keys, values, steps and
artifacts the v1 script logged.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("azure.ai.ml")
pytest.importorskip("mlflow")

from tests.support.v2_runtime import run_submission_script, run_training_script  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "day1-experiment"
FIXTURES = Path(__file__).parent / "fixtures"
V1_DEFAULT_IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "azureml_migrate", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin"})


def migrate_copy(src: Path, tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(src, project)
    result = cli("fix", "--unsafe-fixes", ".", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert cli("check", ".", cwd=project).returncode == 0
    return project


def test_article_submission_builds_the_same_command_job(tmp_path):
    project = migrate_copy(EXAMPLE, tmp_path)
    source = (project / "submit.py").read_text()
    assert "import azureml" not in source and "from azureml" not in source
    record = run_submission_script(source, project)
    (job,) = record.jobs
    summary = record.job_summary(job)
    assert summary["code"] == "./src"
    assert summary["command"] == "python train.py"
    assert summary["compute"] == "cpu-cluster"
    assert summary["experiment_name"] == "day1-experiment-train"
    env = summary["environment"]
    assert env["name"] == "pytorch-env"
    assert env["image"] == V1_DEFAULT_IMAGE
    assert env["conda_file"]["dependencies"][0] == "python=3.10"
    assert {"pip": ["torch==2.3.1", "mlflow", "azureml-mlflow"]} in env["conda_file"]["dependencies"]
    (client,) = record.client_args
    assert client["via"] == "from_config" and client["credential_type"] == "DefaultAzureCredential"
    assert record.stdout.strip().startswith("https://ml.azure.com/runs/")


def test_submission_variants_map_every_parameter(tmp_path):
    project = tmp_path / "p"
    (project / "src").mkdir(parents=True)
    shutil.copy(FIXTURES / "submit_variants.before.py", project / "submit.py")
    assert cli("fix", "--unsafe-fixes", "submit.py", cwd=project).returncode == 0
    # The registered environment is referenced by name and label, as the service would resolve it.
    responses = {("environments", "get"): lambda *args, **kwargs: "AzureML-pytorch@latest"}
    record = run_submission_script((project / "submit.py").read_text(), project, responses=responses)
    (client,) = record.client_args
    assert client["via"] == "MLClient"
    assert (client["subscription_id"], client["resource_group_name"], client["workspace_name"]) == ("sub", "rg", "ws")
    (get_env,) = record.calls_to("environments", "get")
    assert get_env.args == ("AzureML-pytorch",) and get_env.kwargs == {"label": "latest"}
    summary = record.job_summaries()[0]
    # v1 passed each argument as its own argv element; the command string quotes the one with a space.
    assert summary["command"] == "python train.py --epochs 10 --lr 0.01 --name 'my model'"
    assert summary["compute"] == "gpu-cluster"
    assert summary["timeout"] == 3600
    assert summary["experiment_name"] == "exp"
    (submit,) = record.calls_to("jobs", "create_or_update")
    assert submit.kwargs["tags"] == {"team": "ml"}
    assert [c.method for c in record.calls_to("jobs")] == ["create_or_update", "get", "stream"]


def test_training_script_records_the_same_metrics_and_artifacts(tmp_path):
    project = migrate_copy(EXAMPLE, tmp_path)
    source = (project / "src" / "train.py").read_text()
    assert "azureml" not in source and "mlflow" in source
    record = run_training_script(source, project / "src", argv=["--epochs", "3", "--lr", "0.01"])
    (run,) = record.runs
    # v1: run.log appended values in order, with no step (MLflow's default step is 0).
    assert [v for _, v in run.metrics["loss"]] == [0.5, 0.25, 0.125]
    assert {s for s, _ in run.metrics["loss"]} == {0}
    assert run.metrics["accuracy"] == [(0, 0.91)]
    # log_list kept the order as steps 0..n-1.
    assert run.metrics["lr_schedule"] == [(0, 0.01), (1, 0.001)]
    # log_row became one metric per column.
    assert run.metrics["final.epoch"] == [(0, 3.0)] and run.metrics["final.loss"] == [(0, 0.125)]
    assert run.tags == {"framework": "pytorch"}
    assert "outputs/model.txt" in run.artifacts
    assert run.status == "FINISHED"


def test_logging_fixture_records_strings_as_tags(tmp_path):
    work = tmp_path / "w"
    work.mkdir()
    shutil.copy(FIXTURES / "train_logging.before.py", work / "train.py")
    assert cli("fix", "--unsafe-fixes", "train.py", cwd=work).returncode == 0
    record = run_training_script((work / "train.py").read_text(), work, argv=["--epochs", "2"])
    (run,) = record.runs
    assert [v for _, v in run.metrics["loss"]] == [0.5, 0.25]
    assert run.metrics["lr"] == [(0, 0.01), (0, 0.01)]  # the description was dropped, not used as a step
    assert run.metrics["accuracy"] == [(1, 0.93)]
    assert run.metrics["curve"] == [(0, 0.5), (1, 0.75), (2, 0.9)]
    assert run.metrics["scores.f1"] == [(0, 0.8)]
    assert run.tags == {"stage": "dev", "team": "ml", "owner": "me", "framework": "sklearn"}
    assert "outputs/model.txt" in run.artifacts

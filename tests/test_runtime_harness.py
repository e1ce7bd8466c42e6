"""Proof that the test support works against the real packages.

* ``tests/support/v2_runtime.py`` runs v2 code on the real azure-ai-ml with only
  the network faked, and MLflow scripts against a file store;
* ``tests/support/signatures.py`` answers signature questions from the committed
  v1 snapshot and from the installed v2 packages.

Needs azure-ai-ml, azure-identity and mlflow-skinny; never needs the v1 packages.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

# ``python3 -m pytest`` puts the repo root on sys.path; plain ``pytest`` may not.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

pytest.importorskip("azure.ai.ml")
pytest.importorskip("mlflow")

import azure.ai.ml  # noqa: E402  (imported once here: about 5 s)
import azure.identity  # noqa: E402

from tests.support.signatures import (  # noqa: E402
    v1_fact,
    v1_module_exports,
    v1_param_names,
    v1_symbol,
    v2_accepts_keyword,
    v2_exists,
    v2_keyword_verdict,
    v2_param_names,
)
from tests.support.v2_runtime import (  # noqa: E402
    SubmissionScriptError,
    TrainingScriptError,
    run_submission_script,
    run_training_script,
)

REAL_MLCLIENT = azure.ai.ml.MLClient
REAL_DEFAULT_CREDENTIAL = azure.identity.DefaultAzureCredential

IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1"

CONDA_YAML = textwrap.dedent(
    """\
    name: pytorch-env
    channels:
      - conda-forge
    dependencies:
      - python=3.10
      - pip
      - pip:
        - torch
        - mlflow
        - azureml-mlflow
    """
)

# Microsoft's "migrate a script run" v2 sample, corrected: the interpreter is part of
# the command (the article passes command="train.py").
MIGRATED_SCRIPT_RUN = textwrap.dedent(
    f"""\
    from azure.ai.ml import MLClient, command
    from azure.ai.ml.entities import Environment
    from azure.identity import DefaultAzureCredential

    ml_client = MLClient.from_config(DefaultAzureCredential())

    env = Environment(
        name="pytorch-env",
        conda_file="pytorch-env.yml",
        image="{IMAGE}",
    )

    job = command(
        code="./src",
        command="python train.py",
        environment=env,
        compute="cpu-cluster",
    )

    returned_job = ml_client.jobs.create_or_update(job, experiment_name="day1-experiment-train")
    print(returned_job.studio_url)
    """
)


def _project(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text("print('training')\n", encoding="utf-8")
    (tmp_path / "pytorch-env.yml").write_text(CONDA_YAML, encoding="utf-8")
    return tmp_path


# ----------------------------------------------------------------------------------------
# (a) job submission against the real azure-ai-ml
# ----------------------------------------------------------------------------------------


def test_migrated_script_run_sample_builds_the_job(tmp_path):
    record = run_submission_script(MIGRATED_SCRIPT_RUN, _project(tmp_path))

    assert len(record.jobs) == 1
    job = record.jobs[0]
    assert type(job).__module__.startswith("azure.ai.ml.")  # a real entity, not a mock
    summary = record.job_summary(job)
    assert summary["code"] == "./src"
    assert summary["command"] == "python train.py"
    assert summary["compute"] == "cpu-cluster"
    assert summary["experiment_name"] == "day1-experiment-train"
    assert summary["environment"]["name"] == "pytorch-env"
    assert summary["environment"]["image"] == IMAGE
    assert summary["environment"]["conda_file"] == {
        "name": "pytorch-env",
        "channels": ["conda-forge"],
        "dependencies": ["python=3.10", "pip", {"pip": ["torch", "mlflow", "azureml-mlflow"]}],
    }
    assert summary["inputs"] == {} and summary["outputs"] == {}
    assert summary["distribution"] is None and summary["instance_count"] is None

    (client,) = record.client_args
    assert client["via"] == "from_config"
    assert client["credential_type"] == "DefaultAzureCredential"
    assert client["path"] is None
    assert (client["subscription_id"], client["resource_group_name"], client["workspace_name"]) == (
        "00000000-0000-0000-0000-000000000000",
        "fake-rg",
        "fake-ws",
    )
    (submit,) = record.calls_to("jobs", "create_or_update")
    assert submit.kwargs == {"experiment_name": "day1-experiment-train"}
    assert record.stdout.strip() == submit.result.studio_url
    assert record.stdout.startswith("https://ml.azure.com/runs/fake_job_")

    # patches are gone afterwards
    assert azure.ai.ml.MLClient is REAL_MLCLIENT
    assert azure.identity.DefaultAzureCredential is REAL_DEFAULT_CREDENTIAL


def test_full_command_fields_client_dispatch_and_explicit_client(tmp_path):
    source = textwrap.dedent(
        f"""\
        from azure.ai.ml import MLClient, command, Input, Output, PyTorchDistribution
        from azure.ai.ml.entities import Environment
        from azure.identity import ClientSecretCredential

        cred = ClientSecretCredential("tenant", "client-id", "secret")
        ml_client = MLClient(cred, "sub-1", "rg-1", "ws-1")
        env = Environment(name="pytorch-env", conda_file="pytorch-env.yml", image="{IMAGE}")
        job = command(
            code="./src",
            command="python train.py --lr 0.01 --data ${{{{inputs.data}}}} --out ${{{{outputs.model}}}}",
            inputs={{"data": Input(type="uri_folder", path="azureml:mnist:1", mode="ro_mount")}},
            outputs={{"model": Output(type="uri_folder", mode="rw_mount")}},
            environment=env,
            compute="gpu-cluster",
            distribution=PyTorchDistribution(process_count_per_instance=4),
            instance_count=2,
            timeout=3600,
            environment_variables={{"NCCL_DEBUG": "INFO"}},
            experiment_name="exp",
        )
        returned = ml_client.create_or_update(job)
        ml_client.jobs.stream(returned.name)
        """
    )
    record = run_submission_script(source, _project(tmp_path))
    (client,) = record.client_args
    assert client["via"] == "MLClient"
    assert client["credential_type"] == "ClientSecretCredential"
    assert (client["subscription_id"], client["resource_group_name"], client["workspace_name"]) == ("sub-1", "rg-1", "ws-1")
    assert record.credentials == [{"type": "ClientSecretCredential", "args": ("tenant", "client-id", "secret"), "kwargs": {}}]

    assert [(c.group, c.method) for c in record.calls] == [
        ("client", "create_or_update"),
        ("jobs", "create_or_update"),
        ("jobs", "stream"),
    ]
    summary = record.job_summaries()[0]
    assert summary["inputs"] == {"data": {"type": "uri_folder", "path": "azureml:mnist:1", "mode": "ro_mount"}}
    assert summary["outputs"] == {"model": {"type": "uri_folder", "mode": "rw_mount"}}
    assert summary["distribution"] == {"type": "pytorch", "process_count_per_instance": 4}
    assert summary["instance_count"] == 2
    assert summary["timeout"] == 3600
    assert summary["environment_variables"] == {"NCCL_DEBUG": "INFO"}
    assert summary["experiment_name"] == "exp"
    assert record.calls_to("jobs", "stream")[0].args == (record.jobs[0].name,)


def test_sweep_job_summary(tmp_path):
    source = textwrap.dedent(
        """\
        from azure.ai.ml import MLClient, command
        from azure.ai.ml.sweep import BanditPolicy, Choice, LogUniform
        from azure.identity import DefaultAzureCredential

        ml_client = MLClient.from_config(credential=DefaultAzureCredential(), path="conf")
        job = command(
            code="./src",
            command="python train.py --batch-size ${{inputs.batch_size}} --lr ${{inputs.lr}} --epochs ${{inputs.epochs}}",
            inputs={"batch_size": Choice(values=[25, 50]), "lr": LogUniform(min_value=-6, max_value=-1), "epochs": 3},
            compute="cpu-cluster",
            environment="AzureML-sklearn-1.5@latest",
        )
        sweep_job = job.sweep(
            primary_metric="Accuracy", goal="maximize", sampling_algorithm="random",
            max_total_trials=20, max_concurrent_trials=4, timeout=3600,
            early_termination_policy=BanditPolicy(evaluation_interval=2, slack_factor=0.1),
        )
        returned = ml_client.create_or_update(sweep_job, experiment_name="hd")
        """
    )
    project = _project(tmp_path)
    (project / "conf").mkdir()
    (project / "conf" / "config.json").write_text(
        '{"subscription_id": "s", "resource_group": "r", "workspace_name": "w"}', encoding="utf-8"
    )
    record = run_submission_script(source, project, workspace_config=None)
    assert record.client_args[0]["path"] == "conf" and record.client_args[0]["workspace_name"] == "w"
    assert type(record.jobs[0]).__name__ == "Sweep"  # what the script passed
    summary = record.job_summary(record.jobs[0])
    assert summary["type"] == "SweepJob"  # what the real client serializes
    assert summary["command"] == (
        "python train.py --batch-size ${{search_space.batch_size}} --lr ${{search_space.lr}} --epochs ${{inputs.epochs}}"
    )
    assert summary["inputs"] == {"epochs": 3}
    assert summary["experiment_name"] == "hd"
    assert summary["sweep"] == {
        "primary_metric": "Accuracy",
        "goal": "maximize",
        "sampling_algorithm": "random",
        "limits": {"max_total_trials": 20, "max_concurrent_trials": 4, "timeout": 3600, "trial_timeout": None},
        "early_termination": {"type": "bandit", "delay_evaluation": 0, "evaluation_interval": 2, "slack_factor": 0.1},
        "search_space": {
            "batch_size": {"type": "choice", "values": [25, 50]},
            "lr": {"type": "loguniform", "min_value": -6, "max_value": -1},
        },
    }


def test_recorders_enforce_real_operation_signatures(tmp_path):
    project = _project(tmp_path)
    preamble = "from azure.ai.ml import MLClient\nfrom azure.identity import DefaultAzureCredential\n"
    preamble += "ml_client = MLClient.from_config(credential=DefaultAzureCredential())\n"

    # stream(self, name) has no show_output (v1 wait_for_completion had)
    with pytest.raises(SubmissionScriptError) as err:
        run_submission_script(preamble + "ml_client.jobs.stream('x', show_output=True)\n", project)
    assert isinstance(err.value.__cause__, TypeError)

    # there is no online_endpoints.delete, only begin_delete
    with pytest.raises(SubmissionScriptError) as err:
        run_submission_script(preamble + "ml_client.online_endpoints.delete(name='ep')\n", project)
    assert isinstance(err.value.__cause__, AttributeError)

    # MLClient.from_config() without a credential is a TypeError in v2
    with pytest.raises(SubmissionScriptError) as err:
        run_submission_script("from azure.ai.ml import MLClient\nMLClient.from_config()\n", project)
    assert isinstance(err.value.__cause__, TypeError)

    record = run_submission_script(
        preamble
        + "p = ml_client.online_endpoints.begin_delete(name='ep')\n"
        + "p.result()\n"
        + "m = ml_client.models.get('clf', label='latest')\n",
        project,
    )
    assert [(c.group, c.method, c.kwargs) for c in record.calls] == [
        ("online_endpoints", "begin_delete", {"name": "ep"}),
        ("models", "get", {"label": "latest"}),
    ]
    assert record.namespace["m"].name == "clf"
    assert azure.ai.ml.MLClient is REAL_MLCLIENT


def test_job_validation_runs_like_the_real_client(tmp_path):
    # input names with '-' are rejected (component validation), as mapping.md 3.1 says
    source = textwrap.dedent(
        """\
        from azure.ai.ml import MLClient, command
        from azure.identity import DefaultAzureCredential
        ml_client = MLClient.from_config(credential=DefaultAzureCredential())
        job = command(code="./src", command="python train.py --bs ${{inputs.batch-size}}",
                      inputs={"batch-size": 25}, environment="AzureML-sklearn-1.5@latest", compute="cpu")
        ml_client.jobs.create_or_update(job)
        """
    )
    with pytest.raises(SubmissionScriptError, match="not a valid parameter name"):
        run_submission_script(source, _project(tmp_path))
    record = run_submission_script(source, tmp_path, validate=False)
    assert record.job_summaries()[0]["environment"] == {"reference": "AzureML-sklearn-1.5@latest"}

    # v2 needs an image (or build) where v1 silently used its default image
    conda_only = MIGRATED_SCRIPT_RUN.replace(f'    image="{IMAGE}",\n', "")
    assert conda_only != MIGRATED_SCRIPT_RUN
    with pytest.raises(SubmissionScriptError, match="Docker image or Dockerfile is required"):
        run_submission_script(conda_only, tmp_path)

    # get() of a versioned asset needs a version or a label (v1's implicit "latest" is gone)
    with pytest.raises(SubmissionScriptError, match="Must provide either version or label"):
        run_submission_script(
            "from azure.ai.ml import MLClient\nfrom azure.identity import DefaultAzureCredential\n"
            "MLClient.from_config(DefaultAzureCredential()).models.get('clf')\n",
            tmp_path,
        )


# ----------------------------------------------------------------------------------------
# (b) MLflow training script in a subprocess
# ----------------------------------------------------------------------------------------

TRAINING_SCRIPT = textwrap.dedent(
    """\
    import os
    import sys

    import mlflow

    epochs = int(sys.argv[sys.argv.index("--epochs") + 1])
    for epoch in range(epochs):
        mlflow.log_metric("loss", 1.0 / (epoch + 1), step=epoch)
    mlflow.log_metrics({"accuracy": 0.91, "f1": 0.88})
    mlflow.log_param("learning_rate", 0.01)
    mlflow.set_tag("stage", "dev")
    mlflow.set_tags({"team": "vision", "framework": "pytorch"})
    os.makedirs("outputs", exist_ok=True)
    with open("outputs/model.txt", "w") as fh:
        fh.write("weights")
    mlflow.log_artifact("outputs/model.txt", artifact_path="outputs")
    mlflow.log_dict({"classes": ["cat", "dog"]}, "labels.json")
    print("done")
    """
)


def test_training_script_metrics_params_tags_artifacts(tmp_path):
    record = run_training_script(TRAINING_SCRIPT, tmp_path, argv=["--epochs", "3"])
    run = record.run
    assert run.status == "FINISHED"
    assert run.metrics["loss"] == [(0, 1.0), (1, 0.5), (2, 1.0 / 3)]
    assert run.metrics["accuracy"] == [(0, 0.91)]
    assert run.metrics["f1"] == [(0, 0.88)]
    assert run.params == {"learning_rate": "0.01"}
    assert run.tags == {"stage": "dev", "team": "vision", "framework": "pytorch"}
    assert all(not k.startswith("mlflow.") for k in run.tags)
    assert run.artifacts == ["labels.json", "outputs/model.txt"]
    assert run.experiment_name == "Default"
    assert record.stdout.strip() == "done"
    assert record.tracking_uri.startswith("file:") and (tmp_path / "mlruns").is_dir()


def test_training_script_failure_reports_stderr(tmp_path):
    with pytest.raises(TrainingScriptError, match="boom from the script") as err:
        run_training_script("import sys\nsys.stderr.write('boom from the script')\nsys.exit(3)\n", tmp_path)
    assert err.value.returncode == 3


# ----------------------------------------------------------------------------------------
# (c) signatures: v1 snapshot and live v2
# ----------------------------------------------------------------------------------------


def test_v1_snapshot_signatures():
    assert v1_param_names("azureml.core.Workspace.from_config") == ["path", "auth", "_logger", "_file_name"]
    assert v1_symbol("azureml.core.Workspace.from_config")["kind"] == "staticmethod"
    assert v1_param_names("azureml.core.Run.log") == ["name", "value", "description", "step"]
    assert v1_param_names("azureml.core.ScriptRunConfig") == [
        "source_directory", "script", "arguments", "run_config", "_telemetry_values", "compute_target",
        "environment", "distributed_job_config", "resume_from", "max_run_duration_seconds", "command",
        "docker_runtime_config",
    ]
    assert v1_symbol("azureml.core.ScriptRunConfig")["canonical"] == "azureml.core.script_run_config.ScriptRunConfig"
    # other import spellings resolve through the module table
    assert v1_symbol("azureml.core.run.Run.log") == v1_symbol("azureml.core.Run.log")
    assert v1_module_exports("azureml.core")["Workspace"] == "azureml.core.workspace.Workspace"
    assert v1_fact("azureml.core.environment.DEFAULT_CPU_IMAGE") == IMAGE
    with pytest.raises(KeyError, match="missing"):
        v1_symbol("azureml.core.Run.input_datasets")  # only on the submitted-run subclass


def test_v2_signatures_of_installed_packages():
    assert v2_param_names("azure.ai.ml.MLClient.from_config")[0] == "credential"
    assert v2_accepts_keyword("azure.ai.ml.command", "experiment_name") is True
    assert v2_accepts_keyword("azure.ai.ml.command", "compute_target") is False
    assert "swallow" in v2_keyword_verdict("azure.ai.ml.command", "compute_target").reason
    assert v2_keyword_verdict("azure.ai.ml.MLClient.from_config", "cloud").via == "docstring"
    assert v2_param_names("azure.ai.ml.operations.JobOperations.stream") == ["name"]
    assert v2_param_names("azure.ai.ml.MLClient.jobs.create_or_update")[:1] == ["job"]
    assert v2_param_names("azure.identity.ClientSecretCredential") == ["tenant_id", "client_id", "client_secret"]
    assert v2_param_names("mlflow.log_metric")[:3] == ["key", "value", "step"]
    assert "instance_count" in v2_param_names("azure.ai.ml.entities.Command.set_resources")
    assert v2_exists("azure.ai.ml.entities.Job.studio_url")
    assert v2_exists("azure.ai.ml.MLClient.jobs")
    assert v2_exists("azure.ai.ml.entities.Environment.image")  # set in __init__
    assert not v2_exists("azure.ai.ml.operations.OnlineEndpointOperations.delete")
    assert not v2_exists("mlflow.enable_async_logging")

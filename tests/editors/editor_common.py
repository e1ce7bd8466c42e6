"""Shared constants and helpers for the real-editor tests (pytest -m editors).

The editors come from .ci/install-editors.sh (Debian packages plus a cache directory,
AZML_EDITORS_CACHE, default /var/cache/azureml-migrate-editors).  A test whose editor is
missing is skipped with the reason, except when the CI environment variable is set: then
it fails, so that CI cannot pass by skipping.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

EDITORS_DIR = Path(__file__).resolve().parent
REPO = EDITORS_DIR.parent.parent
CACHE = Path(os.environ.get("AZML_EDITORS_CACHE", "/var/cache/azureml-migrate-editors"))

SAMPLE = '''\
from azureml.core import Workspace, Experiment, Environment, ScriptRunConfig

# connect to the workspace
ws = Workspace.from_config()

experiment = Experiment(workspace=ws, name="day1-experiment-train")
config = ScriptRunConfig(source_directory="./src", script="train.py", compute_target="cpu-cluster")
env = Environment.from_conda_specification(name="pytorch-env", file_path="pytorch-env.yml")
config.run_config.environment = env
run = experiment.submit(config)
print(run.get_portal_url())
'''

# What the engine produced for SAMPLE when these tests were written (since 233d405 the
# environment is folded into command(...)).  The tests assert the engine's *current*
# output (`expected_text`, computed by the CLI); this copy only turns a change of the
# engine's output into a warning.
MIGRATED_WHEN_WRITTEN = '''\
from azure.ai.ml import MLClient, command
from azure.ai.ml.entities import Environment
from azure.identity import DefaultAzureCredential

# connect to the workspace
ml_client = MLClient.from_config(DefaultAzureCredential())

experiment_name = "day1-experiment-train"
env = Environment(name="pytorch-env", conda_file="pytorch-env.yml", image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1")
config = command(code="./src", command="python train.py", compute="cpu-cluster", environment=env)
run = ml_client.jobs.create_or_update(config, experiment_name=experiment_name)
print(run.studio_url)
'''

# The AML101 quick fix pulls in every statement that depends on `ws`: "Migrate
# `Workspace.from_config` with 6 connected statement(s) to SDK v2" when this was written.
# The count follows the engine; the format is fixed.
QUICKFIX_RE = re.compile(r"Migrate `Workspace\.from_config` with \d+ connected statement\(s\) to SDK v2")


def quickfix_title(titles) -> str | None:
    """The AML101 quick fix among TITLES (None when absent)."""
    return next((t for t in titles if QUICKFIX_RE.fullmatch(t)), None)
FIX_ALL = "source.fixAll.azureml-migrate"
MIGRATE = "source.migrate.azureml-migrate"


def require(ok: object, reason: str) -> None:
    """Skip (locally) or fail (CI set) when a prerequisite is missing."""
    if ok:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason}. CI is set, so a missing editor is a failure: run .ci/install-editors.sh",
                    pytrace=False)
    pytest.skip(f"{reason} (install with .ci/install-editors.sh)")


def version_line(argv: list[str], env: dict | None = None) -> str:
    """First line of `argv` output, '' when it cannot run (hard 30 s timeout)."""
    try:
        p = subprocess.run(argv, check=False, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL, env=env)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (p.stdout or p.stderr).strip().splitlines()[0] if (p.stdout or p.stderr).strip() else ""


def write_sample(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "pytorch-env.yml").write_text("")
    f = directory / "submit.py"
    f.write_text(SAMPLE)
    return f

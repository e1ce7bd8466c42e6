"""Fixtures for the real-editor tests (pytest -m editors); see editor_common.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest

from editor_common import MIGRATED_WHEN_WRITTEN, SAMPLE, require, write_sample


@pytest.fixture(scope="session")
def azml_exe() -> str:
    exe = shutil.which("azureml-migrate")
    require(exe, "the azureml-migrate executable is not on PATH (pip install -e .)")
    return os.path.abspath(exe)


@pytest.fixture(scope="session")
def server_cmd(azml_exe: str) -> list[str]:
    return [azml_exe, "lsp"]


@pytest.fixture(scope="session")
def expected_text(azml_exe: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The engine's own migration of SAMPLE: `azureml-migrate fix --unsafe-fixes` on a copy.
    Every editor must end with exactly this text."""
    d = tmp_path_factory.mktemp("engine")
    f = write_sample(d)
    p = subprocess.run([azml_exe, "fix", "--unsafe-fixes", str(f)], check=False, capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, f"azureml-migrate fix failed ({p.returncode}):\n{p.stdout}\n{p.stderr}"
    text = f.read_text()
    # guard against a vacuous comparison: the engine must really have migrated the file
    assert text != SAMPLE, "azureml-migrate fix --unsafe-fixes left the sample unchanged"
    assert "MLClient.from_config(DefaultAzureCredential())" in text and "azureml.core" not in text, text
    if text != MIGRATED_WHEN_WRITTEN:
        warnings.warn("the engine's migration of the sample changed since the editor tests were written:\n" + text)
    return text


@pytest.fixture
def sample_factory(tmp_path: Path):
    """sample_factory("name") -> a fresh tmp_path/name/submit.py (+ empty pytorch-env.yml)."""
    return lambda name: write_sample(tmp_path / name)

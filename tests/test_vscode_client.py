"""The VS Code client's own unit tests and type check (Node's test runner), from pytest."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CLIENT = Path(__file__).resolve().parent.parent / "vscode-client"


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        if os.environ.get("CI"):
            pytest.fail("npm is required in CI")
        pytest.skip("npm is not installed")
    return npm


def run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([_npm(), *args], cwd=CLIENT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed():
    lock = CLIENT / "package-lock.json"
    marker = CLIENT / "node_modules" / ".package-lock.json"
    if not marker.exists() or marker.stat().st_mtime < lock.stat().st_mtime:
        result = run("ci", "--no-audit", "--no-fund")
        assert result.returncode == 0, result.stderr[-2000:]


def test_typecheck(installed):
    result = run("run", "typecheck")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_unit_tests(installed):
    result = run("test")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout


def test_every_extension_setting_is_one_the_server_understands():
    """A setting the extension offers but the server ignores would silently do nothing."""
    import json

    from azureml_migrate.config import DEFAULT
    from azureml_migrate.lsp.server import CLIENT_ONLY_SETTINGS, TIME_LIMIT_SETTING

    props = json.loads((CLIENT / "package.json").read_text())["contributes"]["configuration"]["properties"]
    names = {key.split(".")[1] for key in props}
    server_side = names - CLIENT_ONLY_SETTINGS - {TIME_LIMIT_SETTING}
    assert TIME_LIMIT_SETTING in names
    samples = {"select": ["AML1"], "ignore": ["AML104"], "unsafeFixes": True, "defaultImage": "img:1"}
    assert server_side == set(samples)
    settings, problems = DEFAULT.merged(samples)
    assert problems == [] and settings != DEFAULT

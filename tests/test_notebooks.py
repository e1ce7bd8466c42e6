"""Notebooks in the CLI: cells as one module, magics kept, %%writefile scripts on their own,
and everything outside the edited cells kept byte for byte."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from azureml_migrate import notebooks

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "day1-experiment"


def cell(source: str, outputs=None, count=None) -> dict:
    return {"cell_type": "code", "execution_count": count, "metadata": {"tags": ["t"]},
            "outputs": outputs or [], "source": source.splitlines(keepends=True)}


def make_notebook(path: Path) -> str:
    submit = (EXAMPLE / "submit.py").read_text()
    imports, rest = submit.split("\n", 1)
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Day 1 ✨\n", "Train with SDK v1."]},
            cell("%pip install azureml-core\n!nvidia-smi\n" + imports, count=1),
            cell("%%writefile src/train.py\n" + (EXAMPLE / "src" / "train.py").read_text(), count=2),
            cell(rest, outputs=[{"output_type": "stream", "name": "stdout", "text": ["https://ml.azure.com/runs/x\n"]}],
                 count=3),
            cell("%%bash\necho azureml.core is not Python here\n", count=4),
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python", "version": "3.11.7"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    raw = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text(raw, encoding="utf-8")
    return raw


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "azureml_migrate", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin"})


def test_findings_carry_cells_and_cell_relative_positions(tmp_path: Path):
    make_notebook(tmp_path / "day1.ipynb")
    records = json.loads(cli("check", "--format", "json", "day1.ipynb", cwd=tmp_path).stdout)
    by_code = {}
    for r in records:
        by_code.setdefault(r["code"], []).append(r)
    ws = by_code["AML101"][0]
    assert (ws["cell"], ws["line"], ws["column"]) == (4, 3, 6)  # imports from cell 2 resolve in cell 4
    log = by_code["AML702"][0]
    assert log["cell"] == 3  # the %%writefile script, analysed on its own
    assert all(r["cell"] != 5 for r in records)  # %%bash is not Python
    imports = by_code["AML001"]
    assert {r["cell"] for r in imports} == {2, 3} and all(r["line"] == 3 or r["cell"] == 3 for r in imports)


def test_fix_keeps_magics_outputs_metadata_and_layout(tmp_path: Path):
    raw = make_notebook(tmp_path / "day1.ipynb")
    result = cli("fix", "--unsafe-fixes", "day1.ipynb", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    new_raw = (tmp_path / "day1.ipynb").read_text(encoding="utf-8")
    new, old = json.loads(new_raw), json.loads(raw)
    assert new["metadata"] == old["metadata"] and (new["nbformat"], new["nbformat_minor"]) == (4, 5)
    for a, b in zip(old["cells"], new["cells"]):
        assert {k: v for k, v in a.items() if k != "source"} == {k: v for k, v in b.items() if k != "source"}
        assert isinstance(b["source"], list) and all(isinstance(s, str) for s in b["source"])
    sources = ["".join(c["source"]) for c in new["cells"]]
    assert sources[1].startswith("%pip install azureml-core\n!nvidia-smi\n")
    assert "from azure.ai.ml import MLClient, command" in sources[1]
    assert sources[2].startswith("%%writefile src/train.py\n") and "import mlflow" in sources[2]
    assert "ml_client.jobs.create_or_update(config, experiment_name=experiment_name)" in sources[3]
    assert sources[0] == "".join(old["cells"][0]["source"]) and sources[4] == "".join(old["cells"][4]["source"])
    # Byte for byte outside the edited cells: putting the old sources back gives the old file.
    nb = notebooks.load(new_raw)
    assert nb.with_sources({i: "".join(c["source"]) for i, c in enumerate(old["cells"])}) == raw
    assert cli("fix", "--unsafe-fixes", "day1.ipynb", cwd=tmp_path).returncode == 0
    assert (tmp_path / "day1.ipynb").read_text(encoding="utf-8") == new_raw  # idempotent
    nbformat = pytest.importorskip("nbformat")
    nbformat.validate(nbformat.reads(new_raw, as_version=4))  # still a valid nbformat 4 notebook


def test_migrated_notebook_submits_the_same_job(tmp_path: Path):
    pytest.importorskip("azure.ai.ml")
    from tests.support.v2_runtime import run_submission_script

    make_notebook(tmp_path / "day1.ipynb")
    (tmp_path / "pytorch-env.yml").write_text((EXAMPLE / "pytorch-env.yml").read_text())
    (tmp_path / "src").mkdir()
    assert cli("fix", "--unsafe-fixes", "day1.ipynb", cwd=tmp_path).returncode == 0
    nb = json.loads((tmp_path / "day1.ipynb").read_text())
    code = []
    for c in nb["cells"]:
        text = "".join(c["source"])
        if c["cell_type"] != "code" or text.startswith("%%"):
            continue
        code.append("\n".join(line for line in text.splitlines() if not line.startswith(("%", "!"))))
    record = run_submission_script("\n".join(code) + "\n", tmp_path)
    summary = record.job_summaries()[0]
    assert (summary["code"], summary["command"], summary["compute"]) == ("./src", "python train.py", "cpu-cluster")
    assert summary["experiment_name"] == "day1-experiment-train"
    assert summary["environment"]["name"] == "pytorch-env"


def test_broken_notebooks_get_one_line(tmp_path: Path):
    (tmp_path / "bad.ipynb").write_text('{"cells": [')
    (tmp_path / "old.ipynb").write_text(json.dumps({"cells": [], "nbformat": 3}))
    result = cli("check", "bad.ipynb", "old.ipynb", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert any("bad.ipynb: not valid JSON" in ln for ln in lines)
    assert any("old.ipynb: nbformat 3" in ln for ln in lines)
    assert "Traceback" not in result.stderr


def test_cell_with_syntax_error_is_named(tmp_path: Path):
    nb = {"cells": [cell("from azureml.core import Run\nrun = Run.get_context(\n")], "metadata": {}, "nbformat": 4,
          "nbformat_minor": 5}
    (tmp_path / "s.ipynb").write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    result = cli("fix", "s.ipynb", cwd=tmp_path)
    assert "s.ipynb: cell 1 does not parse" in result.stderr


def test_one_broken_cell_does_not_hide_the_others(tmp_path: Path):
    nb = {"cells": [cell("from azureml.core import Run\n"), cell(" x = (\n"), cell("??Run.get_context\n"),
                    cell("run = Run.get_context()\nrun.log('a', 1)\n")],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "b.ipynb").write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    result = cli("check", "--format", "json", "b.ipynb", cwd=tmp_path)
    assert "cell 2 does not parse" in result.stderr
    assert {r["code"] for r in json.loads(result.stdout)} == {"AML001", "AML701", "AML702"}


def test_fix_keeps_each_cells_last_line_break(tmp_path):
    """Cells ending in a line break (LF or CRLF) keep it, migrated or not; a second run
    changes nothing (found on Microsoft's notebooks, which end most cells with one)."""
    import json
    import subprocess
    import sys

    cells = [["from azureml.core import Workspace\n", "\n"], ["ws = Workspace.from_config()\n", "\n"],
             ["x = 1\n"], ["y = 2\r\n", "z = 3\r\n"], ["w = 4"]]
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": c}
                    for c in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(nb, indent=1) + "\n")
    env = {"PYTHONPATH": str(Path(__file__).resolve().parent.parent / "server"), "PATH": "/usr/bin:/bin"}
    run = lambda: subprocess.run([sys.executable, "-m", "azureml_migrate", "fix", "n.ipynb"], cwd=tmp_path,  # noqa: E731
                                 capture_output=True, text=True, env=env, timeout=120)
    assert run().returncode == 0
    after = json.loads(path.read_text())["cells"]
    assert after[1]["source"] == ["ml_client = MLClient.from_config(DefaultAzureCredential())\n", "\n"]
    assert [c["source"] for c in after[2:]] == cells[2:]
    once = path.read_text()
    run()
    assert path.read_text() == once

"""[tool.azureml-migrate] in pyproject.toml, its precedence, and suppression comments."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from azureml_migrate.config import settings_for
from azureml_migrate.engine import analyze

ROOT = Path(__file__).resolve().parent.parent
V1 = "from azureml.core import Run\nrun = Run.get_context()\nrun.log('a', 1)\n"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "azureml_migrate", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin"})


def test_pyproject_settings_and_per_file_ignores(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.azureml-migrate]\nignore = ["AML001"]\ndefault-image = "acr.io/base:2"\n'
        '[tool.azureml-migrate.per-file-ignores]\n"legacy/*.py" = ["AML7"]\n')
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.py").write_text(V1)
    (tmp_path / "new.py").write_text(V1)
    settings, problems = settings_for(str(tmp_path / "legacy" / "old.py"))
    assert problems == [] and settings.default_image == "acr.io/base:2"
    assert analyze(V1, settings).visible == []
    settings, _ = settings_for(str(tmp_path / "new.py"))
    assert [f.code for f in analyze(V1, settings).visible] == ["AML701", "AML702"]
    # Command-line flags win over the file.
    settings, _ = settings_for(str(tmp_path / "new.py"), {"select": ["AML702"]})
    assert [f.code for f in analyze(V1, settings).visible] == ["AML702"]
    result = cli("check", ".", cwd=tmp_path)
    assert "legacy/old.py" not in result.stdout and "new.py:2" in result.stdout


def test_bad_configuration_is_one_message_and_defaults_are_kept(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.azureml-migrate]\nselct = ["AML1"]\nunsafe-fixes = "yes"\n')
    (tmp_path / "a.py").write_text(V1)
    (tmp_path / "b.py").write_text(V1)
    result = cli("check", ".", cwd=tmp_path)
    messages = [ln for ln in result.stderr.splitlines() if "pyproject.toml" in ln]
    assert len(messages) == 2  # one per problem, not one per file
    assert "unknown setting 'selct'" in result.stderr and "unsafe-fixes: expected true or false" in result.stderr
    assert result.returncode == 1 and "AML702" in result.stdout
    (tmp_path / "pyproject.toml").write_text("[tool.azureml-migrate\n")
    result = cli("check", "a.py", cwd=tmp_path)
    assert "cannot read" in result.stderr and "Traceback" not in result.stderr and result.returncode == 1


def test_file_wide_and_unused_ignores():
    src = "# azureml-migrate: ignore-file[AML7]\n" + V1
    assert [f.code for f in analyze(src).visible] == ["AML001"]
    src = V1.replace("run.log('a', 1)", "x = 1  # azureml-migrate: ignore[AML702]")
    unused = [f for f in analyze(src).visible if f.code == "AML005"]
    assert len(unused) == 1 and unused[0].span.line == 3 and "AML702" in unused[0].message

"""Every fix as a before/after pair: exact output, idempotence, and the output parses.

Pairs come from two places: each rule's own `before`/`after` example (the ones its hover
card shows) and the files in tests/fixtures (`X.before.py` -> `X.after.py`, with unsafe
fixes applied).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from azureml_migrate.config import DEFAULT
from azureml_migrate.engine import analyze, fix_all
from azureml_migrate.rules.registry import ALL

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "day1-experiment"
RULE_EXAMPLES = [r for r in ALL if r.before]
# X.before.py -> X.after.py; the bundled example's submission script is a pair too.
FIXTURE_PAIRS = sorted(FIXTURES.glob("*.before.py")) + [EXAMPLE / "submit.py"]


def expected_for(before: Path) -> Path:
    if before.parent == EXAMPLE:
        return FIXTURES / "day1_submit.after.py"
    return before.with_name(before.name.replace(".before.", ".after."))


def migrate(source: str, unsafe: bool = True) -> str:
    out, problems = fix_all(analyze(source), DEFAULT, unsafe)
    assert problems == []
    return out


@pytest.mark.parametrize("rule", RULE_EXAMPLES, ids=lambda r: r.code)
def test_rule_example(rule):
    out = migrate(rule.before)
    assert out == rule.after
    assert migrate(out) == out, "a second pass must change nothing"
    ast.parse(out)


@pytest.mark.parametrize("before", FIXTURE_PAIRS, ids=lambda p: p.name.split(".")[0])
def test_fixture_pair(before: Path):
    after = expected_for(before)
    source = before.read_text()
    out = migrate(source)
    assert out == after.read_text()
    assert migrate(out) == out
    ast.parse(out)


@pytest.mark.parametrize("before", FIXTURE_PAIRS, ids=lambda p: p.name.split(".")[0])
def test_fixture_pair_with_crlf_line_endings(before: Path):
    """A Windows file keeps CRLF everywhere: rewritten, added and removed lines alike."""
    source = before.read_text().replace("\n", "\r\n")
    out = migrate(source)
    assert out == expected_for(before).read_text().replace("\n", "\r\n")
    assert migrate(out) == out


@pytest.mark.parametrize("before", FIXTURE_PAIRS, ids=lambda p: p.name.split(".")[0])
def test_safe_fixes_alone_parse_and_settle(before: Path):
    out = migrate(before.read_text(), unsafe=False)
    ast.parse(out)
    assert migrate(out, unsafe=False) == out
    # No finding that is fixable with safe fixes only is left behind.
    assert [f for f in analyze(out).visible if f.fix_safety == "safe"] == []


def test_every_rule_with_a_fix_has_an_example():
    missing = [
        r.code
        for r in ALL
        if r.safety is not None and not r.before and r.on != "import"
        and r.code not in {"AML202", "AML208", "AML209", "AML705", "AML706", "AML708", "AML710",
                           "AML711", "AML712", "AML713", "AML714"}
    ]
    assert missing == []


SMALL_PAIRS = {
    # run.log: the description (3rd positional) is dropped, never passed as MLflow's step.
    "log-description": (
        'from azureml.core import Run\nrun = Run.get_context()\nrun.log("a", 1, "desc")\n',
        'import mlflow\nmlflow.log_metric("a", 1)\n',
    ),
    "inline-context": (
        'from azureml.core import Run\nRun.get_context().log("a", 2.5)\n',
        'import mlflow\nmlflow.log_metric("a", 2.5)\n',
    ),
    "table-image-props": (
        'from azureml.core import Run\nimport matplotlib.pyplot as plt\nrun = Run.get_context()\n'
        'run.log_table("t", {"x": [1, 2]})\nrun.log_image("roc", plot=plt)\nrun.log_image("img", path="a.png")\n'
        'run.add_properties({"k": "v"})\nrun.upload_folder("model", "./model")\nrun.fail()\nprint(run.id)\n',
        'import mlflow\nimport matplotlib.pyplot as plt\n'
        'mlflow.log_dict({"x": [1, 2]}, "t.json")\nmlflow.log_figure(plt.gcf(), "roc.png")\nmlflow.log_artifact("a.png")\n'
        'mlflow.set_tags({"k": "v"})\nmlflow.log_artifacts("./model", artifact_path="model")\nmlflow.end_run(status="FAILED")\n'
        'print(mlflow.active_run().info.run_id)\n',
    ),
    "sole-statement-becomes-pass": (
        'from azureml.core import Run\nif True:\n    run = Run.get_context()\nrun.log("a", 1)\n',
        'import mlflow\nif True:\n    pass\nmlflow.log_metric("a", 1)\n',
    ),
    "loop-names-do-not-clash": (
        'from azureml.core import Run\nstep = 5\nvalue = 1\nrun = Run.get_context()\nrun.log_list("c", [1, 2])\n',
        'import mlflow\nstep = 5\nvalue = 1\nfor i, v in enumerate([1, 2]):\n    mlflow.log_metric("c", v, step=i)\n',
    ),
    "experiment-name-attribute": (
        'from azureml.core import Workspace, Experiment\nws = Workspace.from_config()\n'
        'exp = Experiment(ws, "e")\nprint(exp.name)\n',
        'from azure.ai.ml import MLClient\nfrom azure.identity import DefaultAzureCredential\n'
        'ml_client = MLClient.from_config(DefaultAzureCredential())\nexperiment_name = "e"\nprint(experiment_name)\n',
    ),
    "env-attribute-writes": (
        'from azureml.core import Environment\nfrom azureml.core.conda_dependencies import CondaDependencies\n'
        'env = Environment(name="e")\nenv.docker.enabled = True\n'
        'env.python.conda_dependencies = CondaDependencies.create(pip_packages=["numpy"])\n'
        'env.python.user_managed_dependencies = False\n',
        'from azure.ai.ml.entities import Environment\n'
        'env = Environment(name="e", image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1")\n'
        'env.conda_file = {"channels": ["anaconda", "conda-forge"], "dependencies": ["python=3.10.18", "pip", {"pip": ["numpy"]}]}\n',
    ),
}


@pytest.mark.parametrize("name", sorted(SMALL_PAIRS))
def test_small_pair(name):
    before, after = SMALL_PAIRS[name]
    out = migrate(before)
    assert out == after
    assert migrate(out) == out


def test_position_fallback_gives_the_same_result(monkeypatch):
    """When pairing libcst nodes with ast nodes by order is in doubt, positions are used."""
    from azureml_migrate.fixes import rewrite

    expected = {p: migrate(p.read_text()) for p in FIXTURE_PAIRS}

    def refuse(self, node):
        raise rewrite._Unpaired

    monkeypatch.setattr(rewrite.OrdinalKeys, "see", refuse)
    for p, out in expected.items():
        assert migrate(p.read_text()) == out


def test_removed_statements_leave_pass_only_where_a_block_would_be_empty():
    """A statement removed from an indented block vanishes; when separate removals empty
    the block, one `pass` keeps it valid."""
    source = """\
from azureml.core import Run, Workspace
from azureml.core.compute import AmlCompute, ComputeTarget

ws = Workspace.from_config()
cfg = AmlCompute.provisioning_configuration(vm_size="STANDARD_D2_V2", max_nodes=4)
ct = ComputeTarget.create(ws, "c", cfg)
if ct:
    run = Run.get_context()
    ct.wait_for_completion(show_output=True)


def report():
    run = Run.get_context()
    print(ct.name)
"""
    out, problems = fix_all(analyze(source), DEFAULT, True)
    assert problems == []
    assert "if ct:\n    pass\nprint" in out.replace("\n\n\ndef", "\nprint\n\n\ndef") or "if ct:\n    pass\n" in out
    assert out.count("pass") == 1
    assert "def report():\n    print(ct.name)\n" in out
    ast.parse(out)

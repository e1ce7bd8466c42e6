"""HyperDrive -> sweep (AML8xx): where expression fixes are allowed, and what the migrated code submits."""

from __future__ import annotations

from pathlib import Path

import pytest

from azureml_migrate.config import DEFAULT
from azureml_migrate.engine import analyze, fix_all

FIXTURES = Path(__file__).parent / "fixtures"


def findings(source: str, code: str):
    return [f for f in analyze(source).visible if f.code == code]


def migrate(source: str, unsafe: bool = True) -> str:
    out, problems = fix_all(analyze(source), DEFAULT, unsafe)
    assert problems == []
    return out


V1_GROUP = """\
from azureml.core import Experiment, ScriptRunConfig, Workspace
from azureml.train.hyperdrive import (
    BanditPolicy, HyperDriveConfig, PrimaryMetricGoal, RandomParameterSampling, choice, uniform,
)

ws = Workspace.from_config()
src = ScriptRunConfig(source_directory="./src", script="train.py", compute_target="cpu-cluster")
ps = RandomParameterSampling({"--batch-size": choice(25, 50), "--lr": uniform(0.01, 0.1)})
hd = HyperDriveConfig(run_config=src, hyperparameter_sampling=ps, policy=BanditPolicy(2, 0.1),
                      primary_metric_name="Accuracy", primary_metric_goal=PrimaryMetricGoal.MAXIMIZE,
                      max_total_runs=20, max_concurrent_runs=4, max_duration_minutes=60)
run = Experiment(ws, "exp").submit(hd)
"""


def test_expressions_inside_v1_calls_get_no_fix():
    """A v2 object handed to a v1 sampling / HyperDriveConfig that stays v1 would break it."""
    for code in ("AML802", "AML804", "AML812", "AML816"):
        (f,) = findings(V1_GROUP, code)
        assert f.fix_safety is None, code
        assert "stays SDK v1" in f.message or "v2 `job.sweep" in f.message
    (f,) = findings(V1_GROUP, "AML802")
    assert "RandomParameterSampling" in f.message
    # Nothing in the group is rewritten: the hyperdrive imports and expressions stay.
    out = migrate(V1_GROUP)
    assert "choice(25, 50)" in out and "uniform(0.01, 0.1)" in out and "BanditPolicy(2, 0.1)" in out
    assert "PrimaryMetricGoal.MAXIMIZE" in out and "azure.ai.ml.sweep" not in out


def test_hyperdrive_config_guidance():
    (f,) = findings(V1_GROUP, "AML800")
    assert f.fix_safety is None
    assert "`max_duration_minutes=60` -> `timeout=3600` (seconds)" in f.message
    assert "`max_total_runs` -> `max_total_trials`" in f.message
    (s,) = findings(V1_GROUP, "AML801")
    assert 'sampling_algorithm="random"' in s.message
    (submit,) = findings(V1_GROUP, "AML205")
    assert submit.fix_safety is None
    default = V1_GROUP.replace(", max_duration_minutes=60", "")
    (f,) = findings(default, "AML800")
    assert "`timeout=604800`" in f.message


def test_variable_used_by_a_v1_call_blocks_the_fix():
    source = """\
from azureml.train.hyperdrive import GridParameterSampling, choice

batch = choice(16, 32)
ps = GridParameterSampling({"batch": batch})
"""
    (f,) = findings(source, "AML802")
    assert f.fix_safety is None and "stays SDK v1" in (f.blocked or "")
    assert migrate(source) == source


def test_container_that_may_reach_v1_gets_no_fix():
    source = """\
from azureml.train.hyperdrive import choice, uniform

space = {"lr": uniform(0.01, 0.1), "batch": choice(16, 32)}
"""
    assert all(f.fix_safety is None for f in findings(source, "AML804") + findings(source, "AML802"))


@pytest.mark.parametrize("call,ok", [
    ("choice(x)", False),
    ("choice([1, 2])", True),
    ("choice(5)", True),
    ("choice()", False),
    ("choice(*xs)", False),
    ("uniform(0.1)", False),
    ("uniform(0.1, 0.2, 0.3)", False),
    ("BanditPolicy(1)", False),
    ("BanditPolicy(1, 0.1, 0.2)", False),
    ("TruncationSelectionPolicy()", False),
    ("NoTerminationPolicy()", False),
])
def test_shapes(call, ok):
    source = ("from azureml.train.hyperdrive import choice, uniform, BanditPolicy, TruncationSelectionPolicy, "
              f"NoTerminationPolicy\nx = [1]\nxs = [1]\nvalue = {call}\n")
    (f,) = [g for g in analyze(source).visible if g.code.startswith("AML8")]
    assert (f.fix_safety is not None) is ok


def test_shadowed_range_is_not_expanded():
    source = "from azureml.train.hyperdrive import choice\nrange = lambda a, b: [a]\nepochs = choice(range(1, 4))\n"
    (f,) = findings(source, "AML802")
    assert f.fix_safety is None


def test_choice_varargs_keep_their_values():
    source = "from azureml.train.hyperdrive import choice\nc = choice(\n    1,\n    2,\n)\n"
    out = migrate(source)
    assert out.startswith("from azure.ai.ml.sweep import Choice\n")
    import ast
    tree = ast.parse(out)
    call = tree.body[-1].value
    assert ast.literal_eval(call.keywords[0].value) == [1, 2]


def test_no_termination_policy_as_policy_keyword():
    source = """\
from azureml.train.hyperdrive import NoTerminationPolicy

p = NoTerminationPolicy()
"""
    (f,) = findings(source, "AML815")
    assert f.fix_safety is None


def test_hyperdrive_run_results_are_reported():
    source = """\
from azureml.train.hyperdrive.run import HyperDriveRun

hd_run = HyperDriveRun(experiment, run_id)
best = hd_run.get_best_run_by_primary_metric()
children = hd_run.get_children_sorted_by_primary_metric(top=3)
"""
    codes = {f.code for f in analyze(source).visible}
    assert {"AML817", "AML818"} <= codes


def test_class_homes_canonicalise():
    source = """\
from azureml.train.hyperdrive.parameter_expressions import choice
from azureml.train.hyperdrive.policy import MedianStoppingPolicy
from azureml.train.hyperdrive.runconfig import HyperDriveConfig

c = choice(1, 2)
p = MedianStoppingPolicy(1, 5)
"""
    codes = {f.code for f in analyze(source).visible}
    assert {"AML802", "AML813"} <= codes
    out = migrate(source)
    assert "p = MedianStoppingPolicy(evaluation_interval=1, delay_evaluation=5)" in out


# -- semantics: the migrated sweep job, with real azure-ai-ml ------------------------------


def test_migrated_sweep_job_is_what_v1_described(tmp_path):
    pytest.importorskip("azure.ai.ml")
    from tests.support.v2_runtime import run_submission_script

    out = migrate((FIXTURES / "sweep_expressions.before.py").read_text())
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text("print('hi')\n")
    record = run_submission_script(out, tmp_path)
    (summary,) = record.job_summaries()
    sweep = summary["sweep"]
    assert sweep["primary_metric"] == "accuracy"
    assert sweep["goal"].lower() == "maximize"
    assert sweep["sampling_algorithm"] == "random"
    assert sweep["limits"]["max_total_trials"] == 20
    assert sweep["limits"]["max_concurrent_trials"] == 4
    assert sweep["limits"]["timeout"] == 3600
    early = sweep["early_termination"]
    # v1 BanditPolicy(2, 0.1, delay_evaluation=5): positional order evaluation_interval, slack_factor.
    assert early["evaluation_interval"] == 2 and early["slack_factor"] == 0.1 and early["delay_evaluation"] == 5
    space = sweep["search_space"]
    assert set(space) == {"lr", "batch_size", "layers", "seed", "dropout", "momentum"}
    from azure.ai.ml.sweep import Choice, LogUniform, Normal, QUniform, Randint

    job = record.jobs[0]
    ss = job.search_space
    assert isinstance(ss["lr"], LogUniform) and (ss["lr"].min_value, ss["lr"].max_value) == (-6, -1)
    assert isinstance(ss["batch_size"], Choice) and ss["batch_size"].values == [16, 32, 64]
    assert isinstance(ss["layers"], Choice) and ss["layers"].values == [1, 2, 3]
    assert isinstance(ss["seed"], Randint) and ss["seed"].upper == 100
    assert isinstance(ss["dropout"], QUniform) and (ss["dropout"].min_value, ss["dropout"].max_value, ss["dropout"].q) == (0, 0.5, 0.1)
    assert isinstance(ss["momentum"], Normal) and (ss["momentum"].mu, ss["momentum"].sigma) == (0.9, 0.01)


def test_v1_default_evaluation_interval_survives(tmp_path):
    """v2's BanditPolicy defaults evaluation_interval to 0; v1's to 1."""
    source = "from azureml.train.hyperdrive import BanditPolicy\np = BanditPolicy(slack_factor=0.2)\n"
    out = migrate(source)
    ns: dict = {}
    exec(compile(out, "x", "exec"), ns)
    assert ns["p"].evaluation_interval == 1 and ns["p"].slack_factor == 0.2

"""HyperDrive -> sweep (AML8xx): the whole-group migration, where expression fixes are allowed,
what stays manual and why, and what the migrated code submits."""

from __future__ import annotations

from pathlib import Path

import pytest

from azureml_migrate.config import DEFAULT
from azureml_migrate.engine import analyze, fix_all, fix_one
from tests.support.migration import findings, migrate

FIXTURES = Path(__file__).parent / "fixtures"


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

V1_GROUP_V2 = """\
from azure.ai.ml import MLClient, command
from azure.ai.ml.entities import Environment
from azure.ai.ml.sweep import BanditPolicy, Choice, Uniform
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
src = command(code="./src", command="python train.py --batch-size ${{inputs.batch_size}} --lr ${{inputs.lr}}", \
compute="cpu-cluster", environment=Environment(image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1"), \
inputs={"batch_size": Choice(values=[25, 50]), "lr": Uniform(min_value=0.01, max_value=0.1)})
hd = src.sweep(sampling_algorithm="random", early_termination_policy=BanditPolicy(evaluation_interval=2, slack_factor=0.1),
               primary_metric="Accuracy", goal="maximize",
               max_total_trials=20, max_concurrent_trials=4, timeout=3600)
run = ml_client.jobs.create_or_update(hd, experiment_name="exp")
"""


def test_the_hyperdrive_group_migrates_as_one_unsafe_fix():
    visible = {f.code: f for f in analyze(V1_GROUP).visible if f.code != "AML001"}
    hd = visible["AML800"]
    assert hd.fix_safety == "unsafe"
    assert "reach the script only through the flags added to its command line" in hd.message
    assert "`--batch-size ${{inputs.batch_size}} --lr ${{inputs.lr}}`" in hd.message
    # One group: the workspace, the script run, the sampling, the configuration and the submission.
    assert set(visible) == {"AML101", "AML203", "AML801", "AML800", "AML205"}
    for f in visible.values():
        assert f.fix_safety == "unsafe" and f.closure == hd.closure, f.code
    # The distributions, the policy and the goal are rewritten by the group, not on their own.
    assert migrate(V1_GROUP) == V1_GROUP_V2
    # Unsafe: nothing of it is applied with safe fixes only.
    assert fix_all(analyze(V1_GROUP), DEFAULT, False)[0] == V1_GROUP


def test_a_quick_fix_on_any_member_applies_the_whole_group():
    analysis = analyze(V1_GROUP)
    for code in ("AML800", "AML801", "AML203", "AML205"):
        (f,) = [g for g in analysis.visible if g.code == code]
        assert fix_one(analysis, f, DEFAULT) == V1_GROUP_V2, code


def test_expressions_inside_v1_calls_get_no_fix():
    """A v2 object handed to a v1 sampling / HyperDriveConfig that stays v1 would break it:
    with `estimator=` the configuration stays v1, so its expressions keep no fix."""
    source = V1_GROUP.replace("run_config=src,", "estimator=src,")
    (hd,) = findings(source, "AML800")
    assert hd.fix_safety is None and "`estimator=` must first become a ScriptRunConfig" in hd.message
    for code in ("AML802", "AML804", "AML812", "AML816"):
        (f,) = findings(source, code)
        assert f.fix_safety is None, code
        assert "stays SDK v1" in f.message or "v2 `job.sweep" in f.message
    (f,) = findings(source, "AML802")
    assert "RandomParameterSampling" in f.message
    out = migrate(source)
    assert "choice(25, 50)" in out and "uniform(0.01, 0.1)" in out and "BanditPolicy(2, 0.1)" in out
    assert "PrimaryMetricGoal.MAXIMIZE" in out and "azure.ai.ml.sweep" not in out


def test_hyperdrive_config_guidance():
    manual = V1_GROUP.replace("run_config=src,", "estimator=src,")
    (f,) = findings(manual, "AML800")
    assert f.fix_safety is None
    assert "`max_duration_minutes=60` -> `timeout=3600` (seconds)" in f.message
    assert "`max_total_runs` -> `max_total_trials`" in f.message
    (s,) = findings(manual, "AML801")
    assert 'sampling_algorithm="random"' in s.message
    (submit,) = findings(manual, "AML205")
    assert submit.fix_safety is None
    default = manual.replace(", max_duration_minutes=60", "").replace(", max_concurrent_runs=4", "")
    (f,) = findings(default, "AML800")
    assert "`timeout=604800`" in f.message and "`max_concurrent_trials=<max_total_runs>`" in f.message


@pytest.mark.parametrize("old,new,timeout,concurrent", [
    # v1's default duration is its ceiling, 10080 minutes; longer ones were cut to it.
    (", max_duration_minutes=60", "", "timeout=604800", "max_concurrent_trials=4"),
    ("max_duration_minutes=60", "max_duration_minutes=20000", "timeout=604800", "max_concurrent_trials=4"),
    ("max_duration_minutes=60", "max_duration_minutes=1.5", "timeout=90", "max_concurrent_trials=4"),
    # v1 ran `max_concurrent_runs or max_total_runs` trials at once.
    (", max_concurrent_runs=4", "", "timeout=3600", "max_concurrent_trials=20"),
    ("max_concurrent_runs=4", "max_concurrent_runs=None", "timeout=3600", "max_concurrent_trials=20"),
    ("max_total_runs=20, max_concurrent_runs=4", "max_total_runs=n", "timeout=3600", "max_concurrent_trials=n"),
])
def test_v1_defaults_are_written_out(old, new, timeout, concurrent):
    out = migrate(V1_GROUP.replace(old, new))
    assert timeout in out and concurrent in out
    if "20000" in new:
        (f,) = findings(V1_GROUP.replace(old, new), "AML800")
        assert "v1 capped `max_duration_minutes` at 10080" in f.message


@pytest.mark.parametrize("old,new,reason", [
    ('"--lr": uniform', '"lr": uniform', "`lr` is not a `--name` key: how v1 handed it to the script is not verified"),
    ('"--lr": uniform', '"-lr": uniform', "`-lr` is not a `--name` key"),
    ('"--lr": uniform', '"--batch_size": uniform', "would both become the input `batch_size`"),
    ("uniform(0.01, 0.1)", "uniform(low, 0.1)", "distribution must be literals"),
    ("choice(25, 50)", 'choice("a b", "c")', "split or expanded by the shell"),
    ("uniform(0.01, 0.1)})", 'uniform(0.01, 0.1)}, properties={"seed": 1})', "`properties`"),
    ('compute_target="cpu-cluster")', 'arguments=["--lr", 0.5], compute_target="cpu-cluster")',
     "already pass `--lr`, which the search space sets too"),
    ('compute_target="cpu-cluster")', 'compute_target="cpu-cluster", max_run_duration_seconds=600)', "trial_timeout"),
    ('script="train.py", ', 'command=["python", "train.py"], ', "only a ScriptRunConfig with `script=`"),
    ("run_config=src,", "estimator=src,", "`estimator=`"),
    ("policy=BanditPolicy(2, 0.1),", "policy=BanditPolicy(2, 0.1), pipeline=pipe,", "`pipeline=`"),
    ("policy=BanditPolicy(2, 0.1),", "policy=BanditPolicy(2, 0.1), resume_from=old,", "warm start"),
    ("policy=BanditPolicy(2, 0.1),", "policy=BanditPolicy(2, 0.1), custom_run_id='r1',", "`name=`"),
    ("policy=BanditPolicy(2, 0.1),", "policy=make_policy(),", "`policy` must be"),
    ("primary_metric_goal=PrimaryMetricGoal.MAXIMIZE", "primary_metric_goal=goal", "`primary_metric_goal` must be"),
    ("max_duration_minutes=60", "max_duration_minutes=minutes", "`max_duration_minutes` -> `timeout"),
    ("hyperparameter_sampling=ps", "hyperparameter_sampling=make_sampling()", "`hyperparameter_sampling` must be"),
    ("run = Experiment", "print(ps)\nrun = Experiment", "`ps` is also used on line 12"),
    ("run = Experiment", "Experiment(ws, 'plain').submit(src)\nrun = Experiment",
     "`src` is also used on line 12; it becomes the sweep's trial command"),
    ("run = Experiment(ws, \"exp\").submit(hd)", "run = Experiment(ws, \"exp\").submit(hd)\nagain = Experiment(ws, \"exp\").submit(hd)",
     "submitted once"),
    ("run = Experiment(ws, \"exp\").submit(hd)", "print(1)", "submitted once"),
    # The HyperDriveRun's v1 results API has no v2 counterpart on the returned job.
    ("submit(hd)", "submit(hd)\nbest = run.get_best_run_by_primary_metric()",
     "needs a manual migration (line 13: `azureml.train.hyperdrive.HyperDriveRun.get_best_run_by_primary_metric`)"),
])
def test_what_stays_manual_says_why(old, new, reason):
    assert old in V1_GROUP
    source = V1_GROUP.replace(old, new)
    (hd,) = findings(source, "AML800")
    assert hd.fix_safety is None
    assert reason in hd.message or reason in (hd.blocked or "")
    out = migrate(source)
    assert "HyperDriveConfig(" in out and "ParameterSampling(" in out and "azure.ai.ml.sweep" not in out


def test_positional_arguments_alias_inline_sampling_and_no_termination():
    source = """\
from azureml.core import Experiment, ScriptRunConfig, Workspace
from azureml.train.hyperdrive.runconfig import HyperDriveRunConfig, PrimaryMetricGoal
from azureml.train.hyperdrive import BayesianParameterSampling, NoTerminationPolicy, choice, quniform

ws = Workspace.from_config()
n = 12
src = ScriptRunConfig("./src", "train.py", compute_target="cpu-cluster", environment="env@latest")
hd = HyperDriveRunConfig(BayesianParameterSampling({"--units": quniform(8, 64, 8), "--act": choice("relu", "tanh")}),
                         "val_loss", PrimaryMetricGoal.MINIMIZE, n, None, 120, NoTerminationPolicy(), run_config=src)
run = Experiment(ws, "bayes").submit(hd, tags={"k": "v"})
"""
    out = migrate(source)
    assert 'inputs={"units": QUniform(min_value=8, max_value=64, q=8), "act": Choice(values=["relu", "tanh"])}' in out
    assert 'command="python train.py --units ${{inputs.units}} --act ${{inputs.act}}"' in out
    assert """hd = src.sweep(sampling_algorithm="bayesian",
               primary_metric="val_loss", goal="minimize", max_total_trials=n, max_concurrent_trials=n, timeout=7200)
""" in out
    assert 'run = ml_client.jobs.create_or_update(hd, tags={"k": "v"}, experiment_name="bayes")' in out
    assert "azureml" not in out


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


def test_migrated_hyperdrive_script_submits_what_v1_configured(tmp_path):
    """The fixture's two v1 HyperDrive runs, migrated and run on the real azure-ai-ml: each
    submitted sweep job holds the command, search space, objective, sampling, limits, early
    termination and compute the v1 configuration described."""
    pytest.importorskip("azure.ai.ml")
    from azure.ai.ml.sweep import Choice, LogUniform, Uniform

    from tests.support.v2_runtime import run_submission_script

    out = migrate((FIXTURES / "sweep_hyperdrive.before.py").read_text())
    assert out == (FIXTURES / "sweep_hyperdrive.after.py").read_text()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text("print('hi')\n")
    record = run_submission_script(out, tmp_path)
    random_job, grid_job = record.job_summaries()

    # Random search: ScriptRunConfig(arguments=[...]) + RandomParameterSampling + BanditPolicy(2, 0.1, delay_evaluation=5).
    assert random_job["type"] == "SweepJob" and random_job["experiment_name"] == "sweep-exp"
    assert random_job["compute"] == "cpu-cluster" and random_job["code"] == "./src"
    assert random_job["environment"]["name"] == "AzureML-sklearn-1.0-ubuntu20.04-py38-cpu"
    assert random_job["environment"]["version"] == "1"
    # v1 passed each sampled value as `<key> <value>` after the script's own arguments.
    assert random_job["command"] == (
        "python train.py --data iris.csv --epochs 10 --batch-size ${{search_space.batch_size}} "
        "--learning-rate ${{search_space.learning_rate}} --momentum ${{search_space.momentum}} "
        "--layers ${{search_space.layers}}")
    sweep = random_job["sweep"]
    assert (sweep["primary_metric"], sweep["goal"], sweep["sampling_algorithm"]) == ("accuracy", "maximize", "random")
    # max_total_runs=20, max_concurrent_runs=4, v1's default duration of 10080 minutes.
    assert sweep["limits"] == {"max_total_trials": 20, "max_concurrent_trials": 4, "timeout": 604800,
                               "trial_timeout": None}
    assert sweep["early_termination"] == {"type": "bandit", "evaluation_interval": 2, "slack_factor": 0.1,
                                          "delay_evaluation": 5}
    space = record.jobs[0].search_space
    assert set(space) == {"batch_size", "learning_rate", "momentum", "layers"}
    assert isinstance(space["batch_size"], Choice) and space["batch_size"].values == [16, 32, 64]
    assert isinstance(space["learning_rate"], LogUniform)
    assert (space["learning_rate"].min_value, space["learning_rate"].max_value) == (-6, -1)
    assert isinstance(space["momentum"], Uniform) and (space["momentum"].min_value, space["momentum"].max_value) == (0.8, 0.99)
    assert isinstance(space["layers"], Choice) and space["layers"].values == [1, 2, 3]  # choice(range(1, 4))

    # Grid search: inline GridParameterSampling, MedianStoppingPolicy(delay_evaluation=3), 30 minutes, tags.
    assert grid_job["compute"] == "gpu-cluster" and grid_job["tags"] == {"search": "grid"}
    assert grid_job["command"] == "python train.py --optimizer ${{search_space.optimizer}}"
    sweep = grid_job["sweep"]
    assert (sweep["primary_metric"], sweep["goal"], sweep["sampling_algorithm"]) == ("loss", "minimize", "grid")
    # v1 ran max_concurrent_runs=None as max_total_runs trials at once.
    assert sweep["limits"] == {"max_total_trials": 2, "max_concurrent_trials": 2, "timeout": 1800, "trial_timeout": None}
    assert sweep["early_termination"] == {"type": "median_stopping", "evaluation_interval": 1, "delay_evaluation": 3}
    assert sweep["search_space"] == {"optimizer": {"type": "choice", "values": ["adam", "sgd"]}}
    # wait_for_completion(show_output=True) -> jobs.stream of the grid job.
    (stream,) = record.calls_to("jobs", "stream")
    grid_name = record.submitted[1].converted.name
    assert grid_name and [*stream.args, *stream.kwargs.values()] == [grid_name]

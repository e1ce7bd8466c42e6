"""Pipelines (AML83x): the two-step rewrite, what stays manual, and what the migrated pipeline runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from azureml_migrate.config import DEFAULT
from azureml_migrate.engine import analyze, fix_all
from tests.support.migration import findings, migrate
from azureml_migrate.rules.pipelines import node_name

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
TWO_STEP = (FIXTURES / "pipeline_two_step.before.py").read_text()


@pytest.mark.parametrize("text,expected", [
    ("Prep data", "prep_data"), ("train", "train"), ("2nd step", "_2nd_step"), ("class", "_class"),
    ("Score-Model (v2)", "score_model_v2"), ("***", None),
])
def test_node_names_follow_the_v2_pattern(text, expected):
    assert node_name(text) == expected


def test_the_group_is_unsafe_because_of_the_default_environment():
    (step, _) = findings(TWO_STEP, "AML831")
    assert step.fix_safety == "unsafe" and "default environment" in step.message
    (pipeline,) = findings(TWO_STEP, "AML830")
    assert pipeline.fix_safety == "unsafe"
    # without --unsafe-fixes nothing in the pipeline group changes
    out = fix_all(analyze(TWO_STEP), DEFAULT, False)[0]
    assert "PythonScriptStep(" in out and "Pipeline(workspace=ws" in out


def test_nodes_are_called_in_data_order_with_v2_names():
    out = migrate(TWO_STEP)
    body = out[out.index("def pipeline_func():"):]
    assert body.index("prep_data = prep_step()") < body.index(
        "train_model = train_step(prepped_data=prep_data.outputs.prepped_data)")
    code = out[out.index("from azure.ai.ml"):]  # the fixture's comments mention v1 names
    assert "PipelineData" not in code and "azureml." not in code


def variant(old: str, new: str) -> str:
    assert old in TWO_STEP
    return TWO_STEP.replace(old, new)


@pytest.mark.parametrize("source,code,reason", [
    (variant("    allow_reuse=False,\n", "    allow_reuse=False,\n    runconfig=None,\n"), "AML831", "`runconfig`"),
    (variant("    outputs=[prepped_data],\n", ""), "AML831", "not in `inputs` or `outputs`"),
    (variant("steps=[train_step, prep_step]", "steps=[train_step]"), "AML830", "written by none of the listed steps"),
    (variant('PipelineData("prepped_data", datastore=datastore)',
             'PipelineData("prepped_data", datastore=other)'), "AML833", "`datastore`"),
    (variant("    compute_target=compute_target,\n    source_directory=\"./src\",\n)",
             "    source_directory=\"./src\",\n)"), "AML831", "v2 nodes need `compute=`"),
    (variant('pipeline = Pipeline(workspace=ws, steps=[train_step, prep_step], description="Prep and train")',
             "pipeline = Pipeline(workspace=ws, steps=[train_step, prep_step], default_source_directory='src')"),
     "AML830", "`default_source_directory`"),
])
def test_what_stays_manual_says_why_and_blocks_the_group(source, code, reason):
    source = source.replace("ws = Workspace.from_config()\n", "ws = Workspace.from_config()\nother = None\n")
    found = findings(source, code)
    assert found and all(f.fix_safety is None for f in found)
    assert any(reason in f.message for f in found), [f.message for f in found]
    out = fix_all(analyze(source), DEFAULT, True)[0]
    assert "@dsl.pipeline" not in out and "Pipeline(workspace=ws" in out


def test_a_pipeline_data_used_elsewhere_keeps_the_group_v1():
    source = TWO_STEP + "print(prepped_data)\n"
    out = fix_all(analyze(source), DEFAULT, True)[0]
    assert "PipelineData(" in out and "@dsl.pipeline" not in out


def test_pipeline_run_members_have_their_own_rules():
    source = TWO_STEP + 'step_run = pipeline_run.find_step_run("Train model")\n'
    (f,) = findings(source, "AML842")
    assert f.symbol == "azureml.pipeline.core.PipelineRun.find_step_run"
    (wait,) = findings(source, "AML207")
    assert wait.symbol == "azureml.pipeline.core.PipelineRun.wait_for_completion"


# -- semantics: the migrated pipeline, with real azure-ai-ml ---------------------------------


def test_migrated_two_step_pipeline_is_what_v1_built(tmp_path):
    pytest.importorskip("azure.ai.ml")
    from azure.ai.ml.entities import PipelineJob

    from tests.support.v2_runtime import run_submission_script

    project = tmp_path / "p"
    (project / "src").mkdir(parents=True)
    for script in ("prep.py", "train.py"):
        (project / "src" / script).write_text("print('step')\n")
    shutil.copy(FIXTURES / "pipeline_two_step.before.py", project / "pipeline.py")
    result = subprocess.run([sys.executable, "-m", "azureml_migrate", "fix", "--unsafe-fixes", "pipeline.py"],
                            cwd=project, capture_output=True, text=True, timeout=120, check=False,
                            env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr
    source = (project / "pipeline.py").read_text()
    assert source == (FIXTURES / "pipeline_two_step.after.py").read_text()

    record = run_submission_script(source, project)  # real validation: code folders, inputs, outputs
    (job,) = record.jobs
    assert isinstance(job, PipelineJob)
    assert job.description == "Prep and train" and job.experiment_name == "two-step-pipeline"
    # v1: two PythonScriptSteps on cpu-cluster from ./src, joined by PipelineData("prepped_data")
    assert set(job.jobs) == {"prep_data", "train_model"}
    prep, train = job.jobs["prep_data"], job.jobs["train_model"]
    assert (prep.display_name, train.display_name) == ("Prep data", "Train model")
    assert prep.command == "python prep.py --raw data/raw.csv --out ${{outputs.prepped_data}}"
    assert train.command == "python train.py --data ${{inputs.prepped_data}} --epochs 10"
    assert prep.compute == train.compute == "cpu-cluster"
    assert Path(str(prep.code)).name == Path(str(train.code)).name == "src"
    assert list(prep.outputs) == ["prepped_data"]
    wired = train.inputs["prepped_data"]._data
    assert wired._owner is prep and wired._port_name == "prepped_data"
    # allow_reuse=False -> is_deterministic=False; v1's default (True) stays the default
    assert prep.component.is_deterministic is False and train.component.is_deterministic is True
    # wait_for_completion() -> stream; the REST payload the service would receive can be built
    assert [c.method for c in record.calls_to("jobs")] == ["create_or_update", "stream"]
    job._to_rest_object()


# -- steps with a RunConfiguration (runconfig=) -------------------------------------------

RC_BASE = """\
from azureml.core import Environment, Workspace
from azureml.core.conda_dependencies import CondaDependencies
from azureml.core.runconfig import DockerConfiguration, RunConfiguration
from azureml.pipeline.core import Pipeline
from azureml.pipeline.steps import PythonScriptStep

ws = Workspace.from_config()
env = Environment.from_conda_specification(name="env", file_path="env.yml")
rc = RunConfiguration()
rc.environment = env
step = PythonScriptStep(script_name="train.py", source_directory="src", compute_target="gpu", runconfig=rc)
pipeline = Pipeline(workspace=ws, steps=[step])
"""


def rc_variant(old: str, new: str) -> str:
    assert old in RC_BASE
    return RC_BASE.replace(old, new)


def test_runconfig_environment_becomes_the_command_environment():
    out = migrate(RC_BASE)
    assert 'step = command(command="python train.py", code="src", compute="gpu", environment=env)' in out
    assert "RunConfiguration" not in out and "rc." not in out and "from azureml" not in out
    (step,) = findings(RC_BASE, "AML831")
    assert step.fix_safety == "safe"  # the environment is the one v1 ran: nothing is approximated


@pytest.mark.parametrize("source,reason", [
    (rc_variant("rc.environment = env\n", "rc.environment = env\nrc.framework = 'python'\n"),
     "`framework` on line 11 has no automatic migration"),
    (rc_variant("rc.environment = env\n", "rc.environment = env\nrc.docker = DockerConfiguration(use_docker=True, "
                                          "shm_size='8g')\n"), "only `DockerConfiguration(use_docker=True)`"),
    (rc_variant("rc.environment = env\n", "rc.environment = env\nrc.environment.docker.base_image = 'img:1'\n"),
     "`environment` and `environment.*` settings are both written"),
    (rc_variant("rc.environment = env\n", "").replace("pipeline = ", "rc.environment = env\npipeline = "),
     "is not set between the RunConfiguration and its step"),
    (rc_variant("rc.environment = env\n", "rc.environment = env\nenv = None\n"),
     "`env` changes between line 10 and the step"),
    (rc_variant(', compute_target="gpu"', ""), "v2 nodes need `compute=`"),
    (rc_variant("rc.environment = env\n", "rc.environment = env\nrc.node_count = nodes\n"),
     "`node_count` must be a literal number"),
    (rc_variant("rc.environment = env\n", "rc.environment.python.user_managed_dependencies = True\n"
                "rc.environment.python.conda_dependencies = CondaDependencies.create(pip_packages=['x'])\n"),
     "made v1 ignore `conda_dependencies`"),
    (rc_variant("RunConfiguration()", "RunConfiguration(script='train.py')"), "`script`: migrated by hand"),
])
def test_runconfig_settings_that_stay_manual_name_what_blocks_the_step(source, reason):
    (step,) = findings(source, "AML831")
    (rc,) = findings(source, "AML220")
    assert step.fix_safety is None and rc.fix_safety is None
    assert reason in rc.message + step.message, (rc.message, step.message)
    out = fix_all(analyze(source), DEFAULT, True)[0]
    assert "PythonScriptStep(" in out and "RunConfiguration(" in out and "@dsl.pipeline" not in out


def test_runconfig_used_by_another_v1_call_holds_the_group_back():
    source = RC_BASE + "from azureml.core import ScriptRunConfig\nsrc = ScriptRunConfig('.', 'a.py', run_config=rc)\n"
    (step,) = findings(source, "AML831")
    assert step.fix_safety is None and "ScriptRunConfig" in step.blocked
    assert "RunConfiguration(" in fix_all(analyze(source), DEFAULT, True)[0]


@pytest.mark.parametrize("settings,expected,unsafe", [
    ("", 'environment=Environment(image="mcr.', "sets no environment"),
    ("rc.environment.docker.base_image = 'img:1'\n", "environment=rc_environment", "no conda dependencies"),
    ("rc.environment.docker.base_image = 'img:1'\nrc.environment.python.user_managed_dependencies = True\n",
     "environment=rc_environment", None),
])
def test_runconfig_environment_parts_and_v1_defaults(settings, expected, unsafe):
    source = rc_variant("rc.environment = env\n", settings)
    (step,) = findings(source, "AML831")
    assert step.fix_safety == ("unsafe" if unsafe else "safe")
    assert unsafe is None or unsafe in step.message
    out = migrate(source)
    assert expected in out
    if "img:1" in settings:  # an image without conda dependencies is used as it is
        assert "rc_environment = Environment(image='img:1')\n" in out


def test_runconfig_target_is_the_compute_only_of_a_step_without_one():
    with_target = rc_variant("rc.environment = env\n", "rc.environment = env\nrc.target = 'cpu'\n")
    out = migrate(with_target)
    assert 'compute="gpu"' in out and "'cpu'" not in out  # v1 used the step's compute_target
    out = migrate(with_target.replace(', compute_target="gpu"', ""))
    assert "compute='cpu'" in out


def test_migrated_runconfig_pipeline_is_what_v1_built(tmp_path):
    pytest.importorskip("azure.ai.ml")
    from tests.support.signatures import v1_fact
    from tests.support.v2_runtime import run_submission_script

    before = (FIXTURES / "pipeline_runconfig.before.py").read_text()
    source = migrate(before)
    assert source == (FIXTURES / "pipeline_runconfig.after.py").read_text()
    project = tmp_path / "p"
    (project / "src").mkdir(parents=True)
    for script in ("fetch.py", "clean.py", "train.py"):
        (project / "src" / script).write_text("print('step')\n")
    (project / "train-env.yml").write_text("name: train\ndependencies:\n  - python=3.10\n  - pip\n")
    (job,) = run_submission_script(source, project).jobs
    fetch, clean, train = (job.jobs[n] for n in ("fetch", "clean", "train"))
    # prep_config: target=cpu_cluster, conda dependencies on DEFAULT_CPU_IMAGE (v1's default image)
    default_image = v1_fact("RunConfiguration()")["environment.docker.base_image"]
    for node in (fetch, clean):
        assert node.compute == "cpu-cluster"
        assert node.environment.image == default_image
        assert node.environment.conda_file == {"channels": ["anaconda", "conda-forge"],
                                               "dependencies": ["python=3.10", "pip", {"pip": ["pandas", "pyarrow"]}]}
    # train_config: the step's compute_target, the Environment, node_count=2, environment_variables
    assert train.compute == "gpu-cluster"
    assert train.environment.name == "train-env" and train.environment.image == default_image
    assert train.resources.instance_count == 2
    assert train.environment_variables == {"OMP_NUM_THREADS": "1"}
    job._to_rest_object()


# -- `steps` in a variable, PipelineParameter -> pipeline function parameters ------------------

PARAMS = (FIXTURES / "pipeline_parameters.before.py").read_text()


def params_variant(old: str, new: str) -> str:
    assert old in PARAMS
    return PARAMS.replace(old, new)


def test_parameters_become_function_parameters_wired_to_the_nodes_that_read_them():
    out = migrate(PARAMS)
    assert 'def pipeline_func(epochs=20, model_name="noaaweatherds"):' in out
    assert "    train = train_step(epochs=epochs, model_name=model_name)\n" in out
    assert "register_step(trained_model=train.outputs.trained_model, model_name=model_name)" in out
    assert "PipelineParameter(" not in out and "from azureml" not in out
    # every finding of the group is safe but the steps' default environment
    assert [f.fix_safety for f in findings(PARAMS, "AML835")] == ["unsafe", "unsafe"]
    assert all(f.safety == "safe" for f in findings(PARAMS, "AML835"))


@pytest.mark.parametrize("default,expected,unsafe", [
    ('"sample_string1"', '"sample_string1"', None),
    ("7", "7", None),
    ('"two words"', '"two words"', "needs shell quoting"),
    ("0.01", "0.01", "typed `number` input"),
    ("True", "True", "typed `boolean` input"),
])
def test_parameter_defaults_and_how_v2_renders_them(default, expected, unsafe):
    source = params_variant('PipelineParameter("epochs", 20)', f'PipelineParameter("epochs", {default})')
    (param, _) = sorted(findings(source, "AML835"), key=lambda f: f.span.line, reverse=True)
    assert param.safety == ("unsafe" if unsafe else "safe")
    assert unsafe is None or unsafe in param.message
    assert f"def pipeline_func(epochs={expected}, " in migrate(source)


@pytest.mark.parametrize("old,new,code,reason", [
    ('PipelineParameter("epochs", 20)', 'PipelineParameter("learning-rate", 20)', "AML835",
     "not a valid v2 input name"),
    ('PipelineParameter("epochs", 20)', "PipelineParameter(\"epochs\", default_epochs)", "AML835",
     "the default `default_epochs` is not a literal"),
    ('PipelineParameter("epochs", 20)', "PipelineParameter(\"epochs\", None)", "AML835",
     "only a string or number default"),
    ('PipelineParameter("epochs", 20)', 'PipelineParameter("model_name", 20)', "AML831",
     "the input name `model_name` of `model_name` is taken"),
    ('PipelineParameter("epochs", 20)', 'PipelineParameter("trained_model", 20)', "AML831",
     "the input name `trained_model` of `epochs` is taken"),
    ('PipelineParameter("epochs", 20)', 'PipelineParameter("train_step", 20)', "AML830",
     "would hide the step variable"),
    ("steps = [train_step, register_step]\n", "steps = [train_step, register_step]\nprint(steps)\n", "AML830",
     "`steps` is also used on line 39"),
    ("steps = [train_step, register_step]\n", "steps = [train_step, register_step]\nsteps.append(None)\n", "AML830",
     "`steps` is also used on line 39"),
    ("# list of steps to run\n", "def show():\n    print(steps)\n", "AML830", "`steps` is also used on line 38"),
    ("steps = [train_step, register_step]\n", "steps = [train_step, register_step]\ntrain_step = None\n", "AML830",
     "`train_step` changes between the list on line 38 and the pipeline"),
    ("steps = [train_step, register_step]\n", "steps = make_steps()\n", "AML830",
     "`steps` on line 38 is not a `[...]` list of step variables"),
    ("steps = [train_step, register_step]\n", "", "AML830", "a variable assigned `[...]` earlier in the same block"),
])
def test_parameters_and_step_lists_that_stay_manual_say_why(old, new, code, reason):
    source = params_variant(old, new)
    found = findings(source, code)
    assert found and all(f.fix_safety is None for f in found)
    assert any(reason in f.message for f in found), [f.message for f in found]
    out = fix_all(analyze(source), DEFAULT, True)[0]
    assert "@dsl.pipeline" not in out and "Pipeline(workspace=ws" in out


def test_two_parameters_of_one_name_in_one_pipeline_stay_manual():
    source = params_variant('"--epochs", epochs, "--model_name", model_name,', '"--epochs", epochs,').replace(
        'PipelineParameter("epochs", 20)', 'PipelineParameter("model_name", 20)')
    (pipeline,) = findings(source, "AML830")
    assert pipeline.fix_safety is None and "the PipelineParameters on lines 15 and 16 have the same name" in \
        pipeline.message


def test_a_parameter_read_elsewhere_keeps_the_group_v1():
    out = fix_all(analyze(PARAMS.replace("# list of steps", "print(epochs)\n# list of steps")), DEFAULT, True)[0]
    assert "PipelineParameter(" in out and "@dsl.pipeline" not in out


def test_a_steps_variable_reused_per_pipeline_is_followed_to_each():
    """Notebooks assign `steps = [...]` again for each pipeline: each call reads its own list."""
    source = PARAMS.replace("pipeline_run.wait_for_completion()\n", (
        "steps = [train_step]\n"
        "retrain = Pipeline(workspace=ws, steps=steps)\n"))
    out = migrate(source)
    assert "def pipeline_func(epochs=20, model_name=\"noaaweatherds\"):" in out
    assert "def retrain_func(epochs=20, model_name=\"noaaweatherds\"):\n    train = train_step(" in out


def test_unsupported_step_data_and_step_kinds_name_what_to_do_instead():
    dataset = PARAMS.replace("model_name = PipelineParameter", (
        "from azureml.core import Dataset\nraw = Dataset.get_by_name(ws, \"raw\")\nmodel_name = PipelineParameter"
    )).replace('"--epochs", epochs,', '"--epochs", epochs, "--raw", raw.as_named_input("raw").as_mount(),')
    (train, _) = findings(dataset, "AML831")
    assert '`raw.as_named_input("raw").as_mount()` is a dataset: make it an `Input(' in train.message
    assert train.fix_safety is None
    other = PARAMS.replace("from azureml.pipeline.steps import PythonScriptStep",
                           "from azureml.pipeline.steps import CommandStep, PythonScriptStep").replace(
        "steps = [train_step, register_step]", "steps = [train_step, register_step, CommandStep(command='ls')]")
    (pipeline,) = findings(other, "AML830")
    assert "`CommandStep(command='ls')` is not a step variable made in this file" in pipeline.message


def test_migrated_parameter_pipeline_is_what_v1_built(tmp_path):
    pytest.importorskip("azure.ai.ml")
    from tests.support.v2_runtime import run_submission_script

    source = migrate(PARAMS)
    assert source == (FIXTURES / "pipeline_parameters.after.py").read_text()
    project = tmp_path / "p"
    (project / "src").mkdir(parents=True)
    for script in ("train.py", "register.py"):
        (project / "src" / script).write_text("print('step')\n")
    record = run_submission_script(source, project)
    (job,) = record.jobs
    assert job.description == "Train and register" and job.experiment_name == "retraining"
    # v1: PipelineParameter("epochs", 20) and ("model_name", "noaaweatherds"), set when the pipeline is submitted
    assert {k: (v.type, v.default) for k, v in job.component.inputs.items()} == {
        "epochs": ("integer", 20), "model_name": ("string", "noaaweatherds")}
    train, register = job.jobs["train"], job.jobs["register_model"]
    assert (train.display_name, register.display_name) == ("Train", "Register model")
    assert train.command == ("python train.py --epochs ${{inputs.epochs}} --model_name ${{inputs.model_name}} "
                             "--output ${{outputs.trained_model}}")
    assert register.command == "python register.py --model_name ${{inputs.model_name}} --model_path " \
                               "${{inputs.trained_model}}"
    # each node reads the pipeline's parameter, not a value of its own
    for node, keys in ((train, ["epochs", "model_name"]), (register, ["model_name"])):
        for key in keys:
            assert str(node.inputs[key]._data) == "${{parent.inputs.%s}}" % key
    wired = register.inputs["trained_model"]._data
    assert wired._owner is train and wired._port_name == "trained_model"
    assert register.component.is_deterministic is False
    # what the service receives: v1 passed str(default) on the command line
    rest = job._to_rest_object().as_dict()["properties"]
    assert {k: v["value"] for k, v in rest["inputs"].items()} == {"epochs": "20", "model_name": "noaaweatherds"}

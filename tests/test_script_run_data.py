"""ScriptRunConfig `arguments` that carry data or variables (AML203 with AML528/AML530).

v1 turned a dataset consumption (`ds.as_named_input("n").as_mount()`) or an
`OutputFileDatasetConfig` in a run's `arguments` into a path on the compute, and passed every
other item as one command-line argument. The migrated job must name the same data as inputs
and outputs (type, path, mode) and give the script the same command line; what cannot be
carried over stays manual with the reason. Semantic tests run the migrated code against the
real azure-ai-ml with the network faked (tests/support/v2_runtime).
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from azureml_migrate.config import DEFAULT
from azureml_migrate.engine import analyze, fix_all

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"

BASE = """\
from azureml.core import Workspace, Experiment, Environment, Datastore, Dataset, ScriptRunConfig
from azureml.data import OutputFileDatasetConfig

ws = Workspace.from_config()
store = Datastore.get(ws, "workspaceblobstore")
env = Environment.get(ws, "AzureML-sklearn-1.0", version="3")
"""
FILES = 'files = Dataset.File.from_files(path=(store, "data/"))\n'
HEAD = BASE + FILES + 'mnist = Dataset.get_by_name(ws, name="mnist", version=1)\n'
SUBMIT = 'run = Experiment(ws, "exp").submit(src)\n'


def job(arguments: str, before: str = "", head: str = HEAD) -> str:
    return (head + before + 'src = ScriptRunConfig(source_directory="src", script="train.py", '
            f'arguments={arguments}, compute_target="cpu-cluster", environment=env)\n' + SUBMIT)


def script_run(source: str):
    (finding,) = [f for f in analyze(source).visible if f.code == "AML203"
                  and "arguments_of" not in f.facts]
    return finding


def migrated(source: str) -> str:
    out, problems = fix_all(analyze(source), DEFAULT, True)
    assert problems == []
    assert fix_all(analyze(out), DEFAULT, True)[0] == out, "a second pass must change nothing"
    return out


# -- what stays manual, and why ------------------------------------------------------------

@pytest.mark.parametrize("arguments,before,after,reason", [
    ('[files.as_named_input("data")]', "", "", "direct mode"),
    ('["--data", files]', "", "", "v1 rejects a dataset passed as it is (`files`)"),
    ('[files.as_named_input("mnist-data").as_mount()]', "", "", "v1 rejects the input name 'mnist-data'"),
    ('[files.as_named_input("d").as_mount(), mnist.as_named_input("d").as_mount()]', "", "",
     "two inputs or outputs are named 'd'"),
    ('["--x", "${{inputs.x}}"]', "", "", "which v2 reads as an expression"),
    ('[OutputFileDatasetConfig(destination=(store, "out/{run-id}"))]', "", "", "placeholders"),
    ('[files.as_named_input("d").as_hdfs()]', "", "", "`as_hdfs()` is for Synapse Spark steps"),
    ("args", 'args = ["--epochs", 2]\nargs.append("--fast")\n', "", "`args` is used on line 10"),
    ("args", 'args = ["--epochs", 2]\n', "print(args)\n", "`args` is also used on line 12"),
    ("args", 'def show():\n    return args\nargs = ["--epochs", 2]\n', "", "the definition on line 9 may read `args`"),
    ("args", 'args = ("--epochs", 2) + extra\n', "", "is not assigned a `[...]` list literal"),
    ("args", 'args = ["--lr", lr]\nlr = 0.2\n', "", "`lr` changes between `args` and the call"),
])
def test_arguments_that_stay_manual_say_why(arguments, before, after, reason):
    finding = script_run(job(arguments, before) + after)
    assert finding.safety is None
    assert reason in finding.message


def test_a_dataset_of_unknown_origin_stays_manual():
    source = HEAD + (
        "def score(ds):\n"
        '    src = ScriptRunConfig(source_directory="src", script="t.py", compute_target="cpu", environment=env,\n'
        '                          arguments=["--data", ds.as_named_input("data").as_mount()])\n'
        "    return src\n")
    finding = script_run(source)
    assert finding.safety is None
    assert "only literals, variables, and datasets and outputs made in this file are migrated" in finding.message


def test_an_output_used_elsewhere_keeps_its_own_finding_manual():
    source = job("[out]", 'out = OutputFileDatasetConfig(name="out")\nuploaded = out.as_upload()\n')
    by_code = {f.code: f for f in analyze(source).visible}
    assert "only an output passed in a ScriptRunConfig's `arguments` is migrated" in by_code["AML530"].message
    assert not by_code["AML203"].fixable


@pytest.mark.parametrize("arguments,note", [
    ('["--data", files.as_named_input("d").as_mount("/tmp/data")]', "`path_on_compute` is dropped"),
    ('["--rank", "$AZ_BATCHAI_TASK_INDEX"]', "a `$` in a literal argument is quoted"),
    ('["--lr", lr]', "variables in `arguments` are written as `shlex.quote(str(x))`"),
    ('["--data", mnist.as_named_input("d").as_mount()]', "v1 handed a single-file dataset over"),
    ('["--out", OutputFileDatasetConfig()]', "no `destination`"),
])
def test_meaning_that_may_change_makes_the_fix_unsafe(arguments, note):
    finding = script_run(job(arguments, "lr = 0.1\n"))
    assert finding.safety == "unsafe"
    assert note in finding.message


def test_single_file_download_is_unsafe():
    source = job('["--csv", single.as_download()]',
                 'single = Dataset.File.from_files(path=(store, "iris.csv"), is_file=True)\n', head=BASE)
    finding = script_run(source)
    assert "a `uri_file` input hands over the file's own path" in finding.message
    assert 'Input(type=AssetTypes.URI_FILE, path=single.path, mode="download")' in migrated(source)


def test_plain_arguments_are_quoted_like_one_argv_entry_each():
    source = job('["--name", name, "--tag", "a b", "--n", 3]', 'name = "my model; rm -rf /"\n', head=BASE)
    out = migrated(source)
    assert "import shlex" in out
    assert 'command=f"python train.py --name {shlex.quote(str(name))} --tag \'a b\' --n 3"' in out
    # What the shell hands the script: each v1 item as one argument, whatever the variable holds.
    name = "my model; rm -rf /"
    line = f"python train.py --name {shlex.quote(str(name))} --tag 'a b' --n 3"
    assert shlex.split(line)[2:] == ["--name", "my model; rm -rf /", "--tag", "a b", "--n", "3"]


def test_a_command_list_is_joined_as_v1_did():
    source = BASE + FILES + (
                     'src = ScriptRunConfig(source_directory="src", compute_target="cpu-cluster", environment=env,\n'
                     '                      command=["Rscript train.R --data", files.as_mount(), "--out outputs"])\n'
                     + SUBMIT)
    out = migrated(source)
    assert 'command="Rscript train.R --data ${{inputs.files}} --out outputs"' in out
    assert 'inputs={"files": Input(type=AssetTypes.URI_FOLDER, path=files.path, mode="ro_mount")}' in out


def test_a_reused_arguments_variable_moves_into_each_command():
    source = (BASE + FILES + 'args = ["--data", files.as_mount(), "--epochs", 2]\n'
              'src = ScriptRunConfig(source_directory="src", script="train.py", arguments=args, '
              'compute_target="cpu-cluster", environment=env)\n' + SUBMIT
              + 'args = ["--data", files.as_download()]\n'
              'src2 = ScriptRunConfig(source_directory="src", script="eval.py", arguments=args, '
              'compute_target="cpu-cluster", environment=env)\n'
              'run2 = Experiment(ws, "exp").submit(src2)\n')
    out = migrated(source)
    assert "args" not in out
    assert 'command="python train.py --data ${{inputs.data}} --epochs 2"' in out
    assert 'command="python eval.py --data ${{inputs.data}}"' in out
    assert 'mode="download"' in out and 'mode="ro_mount"' in out


# -- the migrated jobs, on real azure-ai-ml --------------------------------------------------

def _cli_fix(project: Path, name: str) -> str:
    result = subprocess.run([sys.executable, "-m", "azureml_migrate", "fix", "--unsafe-fixes", name], check=False,
                            cwd=project, capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr
    source = (project / name).read_text()
    assert "azureml" not in source.replace("azureml:", "").replace("azureml://", "")
    return source


def _submitted(tmp_path: Path, v1_source: str):
    pytest.importorskip("azure.ai.ml")
    from tests.support.v2_runtime import run_submission_script

    project = tmp_path / "p"
    (project / "src").mkdir(parents=True)
    (project / "job.py").write_text(v1_source)
    source = _cli_fix(project, "job.py")

    def created(data):  # the service gives a new data asset its version
        data.version = "7"
        return data

    record = run_submission_script(source, project, responses={("data", "create_or_update"): created})
    (summary,) = record.job_summaries()
    return record, summary


def test_named_inputs_registered_and_unregistered_datasets_and_an_output(tmp_path):
    record, summary = _submitted(tmp_path, (FIXTURES / "script_data_inputs.before.py").read_text())
    # v1: `--data-folder <mount of mnist v2> --labels <download of the registered labels> ...`
    assert shlex.split(summary["command"]) == [
        "python", "train.py", "--data-folder", "${{inputs.mnist}}", "--labels", "${{inputs.labels}}",
        "--images", "${{inputs.images}}", "--out", "${{outputs.model_dir}}", "--regularization", "0.5"]
    assert summary["inputs"] == {
        "mnist": {"type": "uri_folder", "path": "azureml:mnist:2", "mode": "ro_mount"},
        "labels": {"type": "uri_folder", "path": "azureml:mnist-labels:7", "mode": "download"},
        "images": {"type": "uri_folder", "path": "https://azureopendatastorage.blob.core.windows.net/mnist/",
                   "mode": "ro_mount"},
    }
    assert summary["outputs"] == {"model_dir": {
        "type": "uri_folder", "path": "azureml://datastores/workspaceblobstore/paths/models/mnist", "mode": "rw_mount"}}
    (get,) = record.calls_to("data", "get")
    assert get.kwargs == {"name": "mnist", "version": "2"}
    (registered,) = [c.args[0] for c in record.calls_to("data", "create_or_update")]
    assert (registered.name, registered.path) == (
        "mnist-labels", "azureml://datastores/workspaceblobstore/paths/mnist/labels/")
    assert summary["experiment_name"] == "mnist-data"


def test_inline_consumptions_a_consumption_variable_and_an_unnamed_output(tmp_path):
    _, summary = _submitted(tmp_path, (FIXTURES / "script_data_inline.before.py").read_text())
    assert summary["command"] == ("python train.py --features ${{inputs.features}} --data-dir ${{inputs.data_dir}} "
                                  "--output-dir ${{outputs.output_dir}} --epochs 20")
    diabetes = "azureml://datastores/workspaceblobstore/paths/diabetes/"
    assert summary["inputs"] == {
        "features": {"type": "uri_folder", "path": diabetes, "mode": "download"},
        "data_dir": {"type": "uri_folder", "path": diabetes, "mode": "ro_mount"},
    }
    # v1 wrote an output without `destination` to its default location; v2 does the same with its own.
    assert summary["outputs"] == {"output_dir": {"type": "uri_folder", "mode": "rw_mount"}}


def test_a_hyperdrive_trial_keeps_its_data_input_next_to_the_search_space(tmp_path):
    source = BASE + """\
from azureml.train.hyperdrive import HyperDriveConfig, RandomParameterSampling, PrimaryMetricGoal, choice

mnist = Dataset.get_by_name(ws, name="mnist", version=2)
args = ["--data-folder", mnist.as_named_input("mnist").as_mount()]
src = ScriptRunConfig(source_directory="src", script="train.py", arguments=args, compute_target="cpu-cluster",
                      environment=env)
sampling = RandomParameterSampling({"--batch-size": choice(25, 50)})
hd = HyperDriveConfig(run_config=src, hyperparameter_sampling=sampling, primary_metric_name="accuracy",
                      primary_metric_goal=PrimaryMetricGoal.MAXIMIZE, max_total_runs=4, max_concurrent_runs=2)
run = Experiment(ws, "sweep").submit(hd)
"""
    _, summary = _submitted(tmp_path, source)
    assert summary["type"] == "SweepJob"
    assert summary["command"] == "python train.py --data-folder ${{inputs.mnist}} --batch-size ${{search_space.batch_size}}"
    assert summary["inputs"] == {"mnist": {"type": "uri_folder", "path": "azureml:mnist:2", "mode": "ro_mount"}}
    assert summary["sweep"]["search_space"] == {"batch_size": {"type": "choice", "values": [25, 50]}}

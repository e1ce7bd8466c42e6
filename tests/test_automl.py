"""AutoML (AML90x): what is rewritten, what is left to the user, and what the migrated job holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from azureml_migrate.config import DEFAULT
from azureml_migrate.engine import analyze, fix_all
from tests.support.migration import findings, migrate
from azureml_migrate.rules import automl

FIXTURES = Path(__file__).parent / "fixtures"


HEADER = """\
from azureml.core import Dataset, Experiment, Workspace
from azureml.train.automl import AutoMLConfig

ws = Workspace.from_config()
train = Dataset.get_by_name(ws, name="bank", version=3)
"""


def config(args: str) -> str:
    return HEADER + f"cfg = AutoMLConfig({args})\n"


def test_tables_name_real_v1_parameters_and_v2_keywords():
    from tests.support.signatures import v1_param_names, v2_accepts_keyword

    v1 = set(v1_param_names(automl.AUTOML))
    sorted_params = set(automl.FACTORY) | set(automl.LIMITS) | set(automl.TRAINING) | set(automl.DATA)
    sorted_params |= set(automl.DROPPED) | set(automl.UNSUPPORTED) | {"task", "compute_target", "featurization",
                                                                      "forecasting_parameters"}
    assert sorted_params == v1, "every AutoMLConfig parameter is placed in exactly one table"
    for task in automl.TASKS:
        for v2 in set(automl.FACTORY.values()) - {"positive_label"}:
            assert v2_accepts_keyword(f"azure.ai.ml.automl.{task}", v2), (task, v2)
    # a keyword the classification factory passes on to the job
    assert v2_accepts_keyword("azure.ai.ml.automl.ClassificationJob", "positive_label")
    job = "azure.ai.ml.automl.ClassificationJob"
    assert all(v2_accepts_keyword(f"{job}.set_limits", kw) for kw in automl.LIMITS.values())
    assert all(v2_accepts_keyword(f"{job}.set_training", kw) for kw in automl.TRAINING.values())


@pytest.mark.parametrize("args,reason", [
    ('task="classification", X=x, y=y, label_column_name="y"', "`X`, `y`: no v2 equivalent"),
    ('task=task, training_data=train, label_column_name="y"', "literal task"),
    ('task="image-classification", training_data=train, label_column_name="y"', "literal task"),
    ('task="classification", training_data=train', "target column"),
    ('task="classification", training_data=train, label_column_name="y", featurization=feat',
     "`FeaturizationConfig`"),
    ('task="forecasting", training_data=train, label_column_name="y", forecasting_parameters=fp',
     "set_forecast_settings"),
    ('task="classification", training_data=train, label_column_name="y", experiment_timeout_hours=0.3333',
     "whole number"),
    ('task="classification", training_data=ds, label_column_name="y"', "Dataset.get_by_name"),
    ('task="regression", training_data=train, label_column_name="y", positive_label=1', "classification only"),
])
def test_what_stays_manual_says_why(args, reason):
    source = config(args).replace("cfg = ", "x = y = feat = fp = task = ds = None\ncfg = ")
    (f,) = findings(source, "AML900")
    assert f.fix_safety is None
    assert reason in f.message


def test_latest_data_is_unsafe_and_uses_the_label():
    source = config('task="classification", training_data=Dataset.get_by_name(ws, "bank"), label_column_name="y"')
    (f,) = findings(source, "AML900")
    assert f.fix_safety == "unsafe" and "@latest" in f.message
    assert migrate(source, unsafe=False) == fix_all(analyze(source), DEFAULT, False)[0]
    assert "AutoMLConfig(" in fix_all(analyze(source), DEFAULT, False)[0]
    assert 'path="azureml:bank@latest"' in migrate(source)


def test_a_config_handed_to_v1_code_is_not_rewritten():
    source = config('task="classification", training_data=train, label_column_name="y"') + (
        "from azureml.pipeline.steps import AutoMLStep\n"
        'step = AutoMLStep(name="automl", automl_config=cfg)\n'
    )
    out = migrate(source)
    assert "AutoMLConfig(" in out and "automl.classification" not in out


def test_submission_with_show_output_streams_the_job():
    source = config('task="classification", training_data=train, label_column_name="y", compute_target="c"') + (
        'run = Experiment(ws, "exp").submit(cfg, show_output=True)\n'
        "Experiment(ws, 'exp').submit(cfg, show_output=True)\n"
    )
    out = migrate(source)
    assert 'run = ml_client.jobs.create_or_update(cfg, experiment_name="exp")\nml_client.jobs.stream(run.name)\n' in out
    assert "ml_client.jobs.stream(ml_client.jobs.create_or_update(cfg, experiment_name='exp').name)" in out


def test_submitted_automl_run_members_match_their_own_rules():
    source = config('task="classification", training_data=train, label_column_name="y"') + (
        'run = Experiment(ws, "exp").submit(cfg)\n'
        "best, model = run.get_output()\n"
        "run.wait_for_completion()\n"
    )
    assert [f.symbol for f in findings(source, "AML901")] == ["azureml.train.automl.run.AutoMLRun.get_output"]
    # an inherited Run member keeps the Run rule
    (wait,) = findings(source, "AML207")
    assert wait.symbol == "azureml.train.automl.run.AutoMLRun.wait_for_completion"


# -- semantics: the migrated job, with real azure-ai-ml -------------------------------------


def test_migrated_automl_job_is_what_v1_configured(tmp_path):
    pytest.importorskip("azure.ai.ml")
    from azure.ai.ml.automl import ClassificationJob

    from tests.support.v2_runtime import run_submission_script

    source = (FIXTURES / "automl_classification.before.py").read_text()
    out = migrate(source)
    assert "azureml." not in out  # only the v2 asset URI mentions azureml
    record = run_submission_script(out, tmp_path)
    (job,) = record.jobs
    assert isinstance(job, ClassificationJob)
    # v1: AutoMLConfig(task="classification", primary_metric="AUC_weighted", label_column_name="y", ...)
    assert job.target_column_name == "y"
    assert str(job.primary_metric).lower().endswith("auc_weighted")
    assert job.compute == "cpu-cluster"
    assert job.experiment_name == "automl-classification"
    assert job.n_cross_validations == 5
    assert job.training_data.type == "mltable" and job.training_data.path == "azureml:bank-marketing:1"
    # experiment_timeout_hours=0.5 -> 30 minutes; iterations, concurrency and early stopping carried over
    limits = job.limits
    assert (limits.timeout_minutes, limits.max_trials, limits.max_concurrent_trials) == (30, 20, 4)
    assert limits.enable_early_termination is True and limits.max_cores_per_trial == 1
    assert [str(getattr(a, "value", a)) for a in job.training.blocked_training_algorithms] == ["XGBoostClassifier"]
    assert job.training.enable_model_explainability is True
    assert job.featurization.mode == "auto"
    # show_output=True waited for the run: the job is streamed before the link is printed
    assert [c.method for c in record.calls_to("jobs")] == ["create_or_update", "stream"]
    assert record.stdout.strip().startswith("https://ml.azure.com/runs/")
    job._to_rest_object()  # the REST payload the service would receive can be built

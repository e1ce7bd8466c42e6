"""AutoML (AML90x): what is rewritten, what is left to the user, and what the migrated job holds."""

from __future__ import annotations

import ast
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
    # forecasting: every ForecastingParameters parameter is placed once, and lands on a real keyword
    fp = set(v1_param_names(automl.FORECASTING_PARAMETERS)) - {"_enable_future_regressors"}
    assert set(automl.FP_PARAMS) == fp
    assert set(automl.FORECAST) | set(automl.FORECAST_UNSUPPORTED) | {"validate_parameters"} == fp
    assert set(automl.FORECAST_DEFAULTS) | set(automl.NONE_MEANS) <= set(automl.FORECAST)
    assert set(automl.TS_KEYWORDS) <= fp and not set(automl.TS_KEYWORDS) & set(automl.PARAMS)
    forecasting = "azure.ai.ml.automl.ForecastingJob"
    assert all(v2_accepts_keyword(f"{forecasting}.set_forecast_settings", kw) for kw in automl.FORECAST.values())
    assert all(v2_accepts_keyword(f"{forecasting}.set_limits", kw) for kw in automl.LIMITS.values())
    assert all(v2_accepts_keyword(f"{forecasting}.set_training", kw) for kw in automl.TRAINING.values())


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
    # keywords v1 passed on through **kwargs would reach the v2 job as unknown keywords
    ('task="regression", training_data=train, label_column_name="y", experiment_timeout_minutes=20',
     "`experiment_timeout_minutes` in the call is not an `AutoMLConfig` parameter"),
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


# -- `AutoMLConfig(..., **automl_settings)` ------------------------------------------------

SETTINGS = HEADER + """\
automl_settings = {
    "experiment_timeout_hours": 0.5,
    "primary_metric": "AUC_weighted",
    "iterations": 10,
}
cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **automl_settings)
"""


def test_settings_dict_is_merged_into_the_call_and_removed():
    out = migrate(SETTINGS)
    assert "automl_settings" not in out and "AutoMLConfig" not in out
    assert 'cfg = automl.classification(\n    training_data=Input(type="mltable", path="azureml:bank:3"),\n' in out
    assert '    primary_metric="AUC_weighted",\n' in out
    assert "cfg.set_limits(\n    timeout_minutes=30,\n    max_trials=10,\n" in out
    # the same code as if the entries had been written as keywords (the layout aside)
    direct = HEADER + ('cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", '
                       'experiment_timeout_hours=0.5, primary_metric="AUC_weighted", iterations=10)\n')
    assert ast.dump(ast.parse(out)) == ast.dump(ast.parse(migrate(direct)))


def test_a_fix_on_either_statement_migrates_both():
    from azureml_migrate.engine import fix_one

    analysis = analyze(SETTINGS)
    dict_finding, call_finding = [f for f in analysis.visible if f.code == "AML900"]
    assert dict_finding.span.line == 6 and call_finding.span.line == 11
    assert dict_finding.fix_safety == call_finding.fix_safety == "safe"
    assert "`automl_settings` holds the settings of `cfg = AutoMLConfig(...)`" in dict_finding.message
    assert dict_finding in call_finding.closure and call_finding in dict_finding.closure
    from_dict, from_call = fix_one(analysis, dict_finding, DEFAULT), fix_one(analysis, call_finding, DEFAULT)
    assert from_dict == from_call and "automl_settings" not in from_dict and "automl.classification(" in from_dict


def test_settings_dict_in_a_function_keeps_entry_comments_and_indentation():
    source = HEADER + '''

def build(compute):
    settings = {  # AutoML
        "iterations": 30,
        "primary_metric": "normalized_root_mean_squared_error",  # the metric
        # "enable_onnx_compatible_models": True,
        "blocked_models": [
            "XGBoostRegressor",  # slow
            "LightGBM",
        ],
        "verbosity": logging.INFO,
    }
    config = AutoMLConfig(
        task="regression",  # the task
        training_data=train,
        label_column_name="y",
        compute_target="cpu-cluster",
        **settings
    )
    return config
'''
    out = migrate("import logging\n" + source)
    assert "settings" not in out.replace("set_", "")
    assert ('    config = automl.regression(\n'
            '        training_data=Input(type="mltable", path="azureml:bank:3"),\n'
            '        target_column_name="y",\n'
            '        compute="cpu-cluster",\n'
            '        primary_metric="normalized_root_mean_squared_error",  # the metric\n'
            '        enable_model_explainability=True,\n'
            '    )\n') in out
    assert ('        blocked_training_algorithms=[\n'
            '            "XGBoostRegressor",  # slow\n') in out


@pytest.mark.parametrize("body,reason", [
    # the dict is not plainly this call's own
    ('s = {"iterations": 3}\n'
     'cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\n'
     'cfg2 = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\n',
     "`s` is also used on line 8"),
    ('s = {"iterations": 3}\ns["iterations"] = 4\n'
     'cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\n',
     "`s` is also used on line 7"),
    ('s = {"iterations": 3}\n'
     'cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\ns.update(a=1)\n',
     "`s` is also used on line 8"),
    ('s = {"iterations": 3}\n'
     'cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\n'
     "def f():\n    return s\n", "`s` is also used on line 9"),
    ('s = dict(iterations=3)\n'
     'cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\n',
     "built by `dict(...)`"),
    ('s = make_settings()\n'
     'cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\n',
     "built by a call"),
    ('s = {"iterations": 3}\nif train:\n'
     '    cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\n',
     "not assigned earlier in the same block"),
    ('s = {**base, "iterations": 3}\n'
     'cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\n',
     "unpacks another dict"),
    ('cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **make())\n',
     "`**` must unpack a variable"),
    ('cfg = AutoMLConfig(*args)\n', "passed with `*`"),
    # entries that are not plain keywords of this call
    ('s = {"label_column_name": "y"}\n'
     'cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\n',
     "`label_column_name` is given both in `s` and as an argument (a TypeError in v1)"),
    ('s = {"enable_code_generation": True}\n'
     'cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\n',
     "`enable_code_generation` in `s` is not an `AutoMLConfig` parameter"),
    ('s = {"max_horizon": 3}\n'
     'cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", **s)\n',
     "`max_horizon` in `s` is v1's old name of `forecast_horizon`"),
    ('s = {"time_column_name": "t"}\n'
     'cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\n',
     "time-series settings are for task 'forecasting' (v1 ignored them)"),
    ('s = {"iterations": int("3")}\n'
     'cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\n',
     "runs code"),
    ('s = {"label_column_name": ws}\ncfg = AutoMLConfig(task="classification", training_data=train, **s)\n',
     "uses the v1 object `ws`"),
    ('n = 3\ns = {"iterations": n}\nn = 4\n'
     'cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\n',
     "`n` changes between `s` and the `AutoMLConfig` call"),
    ('s = {"iterations": conf.n}\nprint(s and 1)\n'
     'cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\n',
     "`s` is also used on line 7"),
    ('s = {"iterations": conf.n}\nconf.n = 4\n'
     'cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\n',
     "may change before the `AutoMLConfig` call"),
    # the merged settings are checked like keywords
    ('s = {"X": x}\ncfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\n',
     "`X`: no v2 equivalent"),
    ('s = {"experiment_timeout_hours": 0.3333}\n'
     'cfg = AutoMLConfig(task="classification", training_data=train, label_column_name="y", **s)\n', "whole number"),
])
def test_settings_dicts_that_stay_manual_say_why(body, reason):
    source = HEADER + body
    found = findings(source, "AML900")
    assert found and all(f.fix_safety is None for f in found)
    assert any(reason in f.message for f in found), [f.message for f in found]
    assert "AutoMLConfig(" in migrate(source)


def test_settings_dict_edits_change_the_finding_incrementally(monkeypatch):
    """Edits of the dict and of its uses elsewhere: the incremental analysis equals a fresh
    one (module level: the check reads the whole file, so any edit walks it again; in a
    function: the dict and the call are one unit, walked again together)."""
    from tests.test_reparse import _fast_path_taken, everything

    module_level = SETTINGS + "\n\ndef report():\n    return 1\n"
    in_function = HEADER + "\n\ndef build():\n" + "".join(
        "    " + line + "\n" for line in SETTINGS[len(HEADER):].splitlines()) + "    return 1\n"
    in_main = HEADER + "if __name__ == '__main__':\n" + "".join(
        "    " + line + "\n" for line in SETTINGS[len(HEADER):].splitlines()) + "\n\ndef report():\n    return 1\n"
    cases = [  # (source, old, new, walked again incrementally?, the reason the call stays manual)
        (module_level, "    return 1", "    return automl_settings", False, "also used on line"),
        (in_main, "    return 1", "    return automl_settings", False, "also used on line"),
        (in_function, '        "iterations": 10,', '        "enable_code_generation": 10,', True,
         "not an `AutoMLConfig` parameter"),
        (in_function, "    return 1", '    automl_settings["iterations"] = 4', True, "also used on line"),
        (in_function, '        "iterations": 10,', '        "iterations": int("10"),', True, "runs code"),
    ]
    walks = _fast_path_taken(monkeypatch)
    for source, old, new, fast, reason in cases:
        assert old in source
        before = analyze(source)
        assert [f.fix_safety for f in before.visible if f.code == "AML900"] == ["safe", "safe"]
        text = source.replace(old, new, 1)
        walks.clear()
        after = analyze(text, previous=before)
        assert (walks == []) == fast, walks
        assert everything(after) == everything(analyze(text))
        (call,) = [f for f in after.visible if f.code == "AML900"]
        assert call.fix_safety is None and reason in call.message
        # and back: the dict is merged again
        again = analyze(source, previous=after)
        assert everything(again) == everything(analyze(source))
        assert [f.fix_safety for f in again.visible if f.code == "AML900"] == ["safe", "safe"]


def test_migrated_settings_dict_job_is_what_the_v1_dict_configured(tmp_path):
    pytest.importorskip("azure.ai.ml")
    from azure.ai.ml.automl import ClassificationJob

    from tests.support.v2_runtime import run_submission_script

    out = migrate((FIXTURES / "automl_settings_dict.before.py").read_text())
    assert "azureml." not in out and "automl_settings" not in out
    record = run_submission_script(out, tmp_path)
    (job,) = record.jobs
    assert isinstance(job, ClassificationJob)
    # v1 call: label_column_name=label ("y"), compute_target=<cpu-cluster>, training_data=<bank-marketing v2>
    assert job.target_column_name == "y"
    assert job.compute == "cpu-cluster"
    assert job.training_data.type == "mltable" and job.training_data.path == "azureml:bank-marketing:2"
    assert job.experiment_name == "automl-settings-dict"
    # v1 dict: primary_metric, n_cross_validations
    assert str(job.primary_metric).lower().endswith("auc_weighted")
    assert job.n_cross_validations == 2
    # experiment_timeout_hours=0.3 -> 18 minutes; iteration_timeout_minutes, concurrency, cores, early stopping
    limits = job.limits
    assert (limits.timeout_minutes, limits.trial_timeout_minutes, limits.max_concurrent_trials) == (18, 5, 4)
    assert limits.max_cores_per_trial == -1 and limits.enable_early_termination is True
    assert limits.max_trials is None  # no `iterations` in v1: the service's default, as in v1
    # blocked_models, enable_stack_ensemble; v1 defaults for explanations and voting ensembles written out
    training = job.training
    assert [str(getattr(a, "value", a)) for a in training.blocked_training_algorithms] == ["KNN", "LinearSVM"]
    assert training.enable_stack_ensemble is False and training.enable_vote_ensemble is True
    assert training.enable_model_explainability is True
    assert job.featurization.mode == "auto"
    assert [c.method for c in record.calls_to("jobs")] == ["create_or_update", "stream"]
    job._to_rest_object()


# -- forecasting: `ForecastingParameters` and time-series keywords -> `set_forecast_settings` --

FORECAST_HEADER = HEADER.replace("from azureml.core import", "from azureml.automl.core.forecasting_parameters "
                                 "import ForecastingParameters\nfrom azureml.core import")
FP = 'fp = ForecastingParameters(time_column_name="t", forecast_horizon=6, freq="W-THU", cv_step_size="auto")\n'


def forecasting(body: str) -> str:
    return FORECAST_HEADER + body


def forecast_call(out: str) -> str:
    start = out.index("cfg.set_forecast_settings(")
    return out[start:out.index(")\n", start) + 2]


EXPECTED_SETTINGS = ('cfg.set_forecast_settings(\n    time_column_name="t",\n    forecast_horizon=6,\n'
                     '    frequency="W-THU",\n    seasonality="auto",\n    short_series_handling_config="auto",\n)\n')


def test_forecasting_parameters_move_into_the_job_and_their_statement_goes():
    from azureml_migrate.engine import fix_one

    source = forecasting(FP + 'cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", '
                              'forecasting_parameters=fp)\n')
    analysis = analyze(source)
    (fp,) = [f for f in analysis.visible if f.code == "AML904"]
    (cfg,) = [f for f in analysis.visible if f.code == "AML900"]
    assert fp.fix_safety == cfg.fix_safety == "safe"
    assert fp in cfg.closure and cfg in fp.closure  # a fix on either migrates both
    assert fix_one(analysis, fp, DEFAULT) == fix_one(analysis, cfg, DEFAULT)
    out = migrate(source)
    assert "ForecastingParameters" not in out and "fp" not in out.replace("n_cross", "")
    # renamed, and v1's defaults written out (cv_step_size="auto" is v2's unset default)
    assert forecast_call(out) == EXPECTED_SETTINGS
    # v1 cross-validated a forecast with "auto" folds when given no validation data
    assert 'cfg = automl.forecasting(training_data=Input(type="mltable", path="azureml:bank:3"), ' \
           'target_column_name="y", n_cross_validations="auto", enable_model_explainability=True)\n' in out
    assert out.index("cfg.set_forecast_settings(") < out.index("cfg.set_limits(")


def test_forecasting_parameters_inline_or_as_keywords_give_the_same_settings():
    inline = forecasting('cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", '
                         'forecasting_parameters=' + FP[len("fp = "):-1] + ')\n')
    keywords = forecasting('cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", '
                           'time_column_name="t", forecast_horizon=6, freq="W-THU", cv_step_size="auto")\n')
    in_dict = forecasting('s = {"time_column_name": "t", "forecast_horizon": 6, "freq": "W-THU", '
                          '"cv_step_size": "auto"}\n'
                          'cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", **s)\n')
    for source in (inline, keywords, in_dict):
        out = migrate(source)
        assert forecast_call(out) == EXPECTED_SETTINGS, out
        assert "time_column_name" not in out[:out.index("cfg.set_forecast_settings")]
        assert [f.fix_safety for f in analyze(source).visible if f.code in ("AML900", "AML904")] in (
            ["safe"], ["safe", "safe"])


def test_forecast_settings_keep_what_v1_meant():
    body = ('fp = ForecastingParameters("t", 12, ["store", "brand"], target_lags="auto", cv_step_size=3,\n'
            '                           holiday_country="US", seasonality=7, short_series_handling_configuration="pad",\n'
            '                           target_aggregation_function="sum", freq="D", short_series_handling=True,\n'
            '                           validate_parameters=False)\n'
            'cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", '
            'validation_data=train, forecasting_parameters=fp)\n')
    out = migrate(forecasting(body))
    assert forecast_call(out) == (
        'cfg.set_forecast_settings(\n    time_column_name="t",\n    forecast_horizon=12,\n'
        '    time_series_id_column_names=["store", "brand"],\n    target_lags="auto",\n    cv_step_size=3,\n'
        '    country_or_region_for_holidays="US",\n    seasonality=7,\n    short_series_handling_config="pad",\n'
        '    target_aggregate_function="sum",\n    frequency="D",\n)\n')
    # validation data given: no cross-validation default
    assert "n_cross_validations" not in out


def test_multiline_forecast_values_are_reindented_in_a_function():
    source = forecasting('''
def build(h):
    fp = ForecastingParameters(time_column_name="t", forecast_horizon=h,
                               time_series_id_column_names=[
                                   "store",  # the grain
                                   "brand",
                               ])
    cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", forecasting_parameters=fp)
    return 1
''')
    out = migrate(source)
    assert ('    cfg.set_forecast_settings(\n        time_column_name="t",\n        forecast_horizon=h,\n'
            '        time_series_id_column_names=[\n            "store",  # the grain\n            "brand",\n'
            '        ],\n') in out


@pytest.mark.parametrize("body,reason", [
    # the ForecastingParameters is not plainly this call's own
    (FP + 'cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", '
          'forecasting_parameters=fp)\nprint(fp.freq)\n', "`fp` is used on lines 8, 9"),
    (FP + 'a = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", forecasting_parameters=fp)\n'
          'b = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", forecasting_parameters=fp)\n',
     "`fp` is used on lines 8, 9"),
    (FP + 'if train:\n    cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", '
          'forecasting_parameters=fp)\n', "`fp` must be made earlier in the same block"),
    ('fp = None\ncfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", '
     'forecasting_parameters=fp)\n', "must be a `ForecastingParameters(...)` made in this file"),
    # values that would change meaning when read after the AutoMLConfig call
    ('h = 3\nfp = ForecastingParameters(time_column_name="t", forecast_horizon=h)\nh = 4\n'
     'cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", forecasting_parameters=fp)\n',
     "`h` changes between the `ForecastingParameters` and the `AutoMLConfig` call"),
    ('fp = ForecastingParameters(time_column_name=conf.t)\nprint(1)\n'
     'cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", forecasting_parameters=fp)\n',
     "read from an object that may change"),
    ('fp = ForecastingParameters(time_column_name=col(), forecast_horizon=3)\n'
     'cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", forecasting_parameters=fp)\n',
     "`col()` runs code"),
    ('fp = ForecastingParameters(time_column_name=cfg)\n'
     'cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", forecasting_parameters=fp)\n',
     "reads `cfg`, which the job replaces"),
    # parameters without a mechanical v2 form
    ('fp = ForecastingParameters(time_column_name="t", group_column_names=["g"])\n'
     'cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", forecasting_parameters=fp)\n',
     "`group_column_names` has no v2 equivalent"),
    ('fp = ForecastingParameters(time_column_name="t", seasonality=None)\n'
     'cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", forecasting_parameters=fp)\n',
     "`seasonality=None` meant non-seasonal (1), which v2 ignores"),
    ('fp = ForecastingParameters(time_column_name="t", short_series_handling=False)\n'
     'cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", forecasting_parameters=fp)\n',
     "switched short-series handling off"),
    ('fp = ForecastingParameters(forecast_horizon=3)\n'
     'cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", forecasting_parameters=fp)\n',
     "v1 requires `time_column_name`"),
    ('fp = ForecastingParameters("t", time_column_name="u")\n'
     'cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", forecasting_parameters=fp)\n',
     "given twice"),
    # where the settings come from
    ('cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y")\n',
     "v1 requires `forecasting_parameters=ForecastingParameters(time_column_name=..., ...)`"),
    ('cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", forecast_horizon=3)\n',
     "time-series keywords: v1 requires `time_column_name`"),
    (FP + 'cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", '
          'forecasting_parameters=fp, time_column_name="u")\n', "v1 ignored `time_column_name`"),
    (FP + 'cfg = AutoMLConfig(task="regression", training_data=train, label_column_name="y", '
          'forecasting_parameters=fp)\n', "are for task 'forecasting' (v1 ignored them)"),
    ('cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", time_column_name="t", '
     'grain_column_names=["g"])\n', "`grain_column_names` in the call is v1's old name"),
])
def test_forecasting_that_stays_manual_says_why(body, reason):
    source = forecasting(body)
    found = findings(source, "AML900")
    assert found and all(f.fix_safety is None for f in findings(source, "AML904") + found)
    assert any(reason in f.message for f in found + findings(source, "AML904")), [f.message for f in found]
    assert "AutoMLConfig(" in migrate(source)


def test_forecasting_parameters_say_why_they_wait():
    alone = findings(forecasting(FP), "AML904")[0]
    assert "pass it as `forecasting_parameters=` to an `AutoMLConfig" in alone.message
    config_manual = forecasting(FP + 'cfg = AutoMLConfig(task="forecasting", training_data=ds, label_column_name="y", '
                                     'forecasting_parameters=fp)\n')
    (fp,) = findings(config_manual, "AML904")
    assert fp.fix_safety is None and "the `AutoMLConfig` on line 8, which needs a manual migration" in fp.message


@pytest.mark.parametrize("value,why", [
    ("seasonality=s", "check `s` never holds None"),
    ("short_series_handling_configuration=s", "check `s` never holds None"),
    ("cv_step_size=s", "drop it if `s` holds 'auto'"),
])
def test_forecast_values_v2_reads_differently_make_the_fix_unsafe(value, why):
    source = forecasting(f's = "auto"\nfp = ForecastingParameters(time_column_name="t", {value})\n'
                         'cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", '
                         'forecasting_parameters=fp)\n')
    (cfg,) = findings(source, "AML900")
    assert cfg.fix_safety == "unsafe" and why in cfg.message
    assert findings(source, "AML904")[0].fix_safety == "unsafe"
    assert "AutoMLConfig(" in migrate(source, unsafe=False)


def test_forecasting_parameters_edits_change_the_findings_incrementally(monkeypatch):
    from tests.test_reparse import _fast_path_taken, everything

    body = FP + 'cfg = AutoMLConfig(task="forecasting", training_data=train, label_column_name="y", ' \
                'forecasting_parameters=fp)\n'
    source = HEADER + "\n\ndef build():\n" + "".join("    " + ln + "\n" for ln in body.splitlines()) + "    return 1\n"
    source = source.replace("from azureml.core import", "from azureml.automl.core.forecasting_parameters import "
                            "ForecastingParameters\nfrom azureml.core import")
    cases = [  # (old, new, the reason the call stays manual)
        ("    return 1", "    return fp", "`fp` is also used on line 12"),
        ('forecast_horizon=6', 'forecast_horizon=int("6")', 'runs code'),
        ('freq="W-THU"', 'group_column_names="g"', "`group_column_names` has no v2 equivalent"),
    ]
    walks = _fast_path_taken(monkeypatch)
    for old, new, reason in cases:
        before = analyze(source)
        assert [f.fix_safety for f in before.visible if f.code in ("AML900", "AML904")] == ["safe", "safe"]
        text = source.replace(old, new, 1)
        walks.clear()
        after = analyze(text, previous=before)
        assert walks == []  # only the function was walked again
        assert everything(after) == everything(analyze(text))
        found = [f for f in after.visible if f.code in ("AML900", "AML904")]
        assert all(f.fix_safety is None for f in found) and any(reason in f.message + str(f.blocked) for f in found)
        again = analyze(source, previous=after)
        assert everything(again) == everything(analyze(source))


def test_migrated_forecasting_job_is_what_v1_configured(tmp_path):
    pytest.importorskip("azure.ai.ml")
    from azure.ai.ml.automl import ForecastingJob

    from tests.support.v2_runtime import run_submission_script

    out = migrate((FIXTURES / "automl_forecasting.before.py").read_text())
    assert "azureml." not in out and "ForecastingParameters(" not in out
    record = run_submission_script(out, tmp_path)
    (job,) = record.jobs
    assert isinstance(job, ForecastingJob)
    # AutoMLConfig: label_column_name, primary_metric, compute, data, n_cross_validations="auto"
    assert job.target_column_name == "Quantity"
    assert str(job.primary_metric).lower().endswith("normalized_mean_absolute_error")
    assert job.compute == "cpu-cluster" and job.experiment_name == "automl-oj-forecast"
    assert job.training_data.type == "mltable" and job.training_data.path == "azureml:dominicks_OJ_train:1"
    assert job.n_cross_validations == "auto"
    # ForecastingParameters, renamed; v1 defaults written out; cv_step_size="auto" left to AutoML
    fs = job.forecasting_settings
    assert (fs.time_column_name, fs.forecast_horizon, fs.time_series_id_column_names) == (
        "WeekStarting", 20, ["Store", "Brand"])
    assert (fs.frequency, fs.target_lags, fs.target_rolling_window_size) == ("W-THU", [1, 2], 4)
    assert (fs.country_or_region_for_holidays, fs.use_stl, fs.target_aggregate_function) == ("US", "season", "sum")
    assert (fs.seasonality, fs.short_series_handling_config, fs.cv_step_size) == ("auto", "auto", None)
    assert fs.feature_lags is None and fs.features_unknown_at_forecast_time is None
    # experiment_timeout_hours=0.25 -> 15 minutes; cores, early stopping; v1's one concurrent trial
    limits = job.limits
    assert (limits.timeout_minutes, limits.max_cores_per_trial, limits.max_concurrent_trials) == (15, -1, 1)
    assert limits.enable_early_termination is True and limits.max_trials is None
    training = job.training
    assert [str(getattr(a, "value", a)) for a in training.blocked_training_algorithms] == [
        "ExtremeRandomTrees", "AutoArima", "Prophet"]
    # v1 defaults: explanations and voting on; stack ensembles off for forecasting (v2 agrees)
    assert training.enable_model_explainability is True and training.enable_vote_ensemble is True
    assert training.enable_stack_ensemble is False
    assert job.featurization.mode == "auto"
    assert [c.method for c in record.calls_to("jobs")] == ["create_or_update"]
    assert record.stdout.strip().startswith("https://ml.azure.com/runs/")
    rest = job._to_rest_object().properties.task_details  # the REST payload the service would receive
    assert rest.forecasting_settings.time_column_name == "WeekStarting"
    assert rest.forecasting_settings.forecast_horizon.value == 20
    assert rest.forecasting_settings.seasonality.mode == "Auto"

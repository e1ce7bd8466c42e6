"""Parallel run (AML85x): ParallelRunConfig + ParallelRunStep -> parallel_run_function inside the
pipeline rewrite, what stays manual, and what the migrated node runs on real azure-ai-ml."""

from __future__ import annotations

from pathlib import Path

import pytest

from azureml_migrate.config import DEFAULT
from azureml_migrate.engine import analyze, fix_all
from azureml_migrate.rules.parallel import PARALLEL_BEFORE
from tests.support.migration import findings, migrate

FIXTURES = Path(__file__).parent / "fixtures"


def variant(old: str, new: str) -> str:
    assert old in PARALLEL_BEFORE
    return PARALLEL_BEFORE.replace(old, new)


def test_config_and_step_become_one_parallel_node():
    out = migrate(PARALLEL_BEFORE)
    assert "ParallelRunConfig" not in out and "as_dataset" not in out and "from azureml" not in out
    assert "    batch_score = score(files=fetch_node.outputs.files)\n" in out
    (config,) = findings(PARALLEL_BEFORE, "AML850")
    assert config.safety == "safe"  # every v1 setting has its v2 place; the group is unsafe only for `fetch`


def test_v1_defaults_that_differ_are_written_or_flagged():
    out = migrate(PARALLEL_BEFORE)
    assert "retry_settings=RetrySettings(timeout=60, max_retries=3)" in out  # run_invocation_timeout, run_max_try
    source = variant(",\n                           process_count_per_node=4)", ")")
    (config,) = findings(source, "AML850")
    assert config.fix_safety == "unsafe" and "one process per core" in config.message
    assert "max_concurrency_per_instance" not in migrate(source)


@pytest.mark.parametrize("old,new,code,reason", [
    ("process_count_per_node=4)", "process_count_per_node=4, append_row_file_name='rows.txt')", "AML850",
     "`append_row_file_name`: migrated by hand"),
    ("process_count_per_node=4)", "process_count_per_node=4, partition_keys=['day'])", "AML850",
     "`partition_keys`: migrated by hand"),
    ("node_count=2", "node_count=nodes", "AML850", "`node_count` must be a literal"),
    ('output_action="append_row"', 'output_action="summary_only"', "AML851", "`--output ${{outputs.<name>}}`"),
    (", output=scores)", ")", "AML851", "needs an `output`"),
    ("inputs=[files.as_dataset()]", "inputs=[files]", "AML851", "only one input, `<PipelineData>.as_dataset()`"),
    ("inputs=[files.as_dataset()]", "inputs=[files.as_dataset()], side_inputs=[files]", "AML851",
     "`side_inputs` are migrated by hand"),
    ("inputs=[files.as_dataset()], output=scores)", "inputs=[files.as_dataset()], output=scores, arguments=[x])",
     "AML851", "`arguments` must be a list of literals"),
    ("pipeline = Pipeline", ("other = ParallelRunStep(name='other', parallel_run_config=config, "
                             "inputs=[files.as_dataset()], output=scores)\npipeline = Pipeline"), "AML850",
     "exactly one ParallelRunStep"),
])
def test_what_stays_manual_says_why_and_keeps_the_pipeline_v1(old, new, code, reason):
    source = variant(old, new)
    found = findings(source, code)
    assert found and all(f.fix_safety is None for f in found)
    assert any(reason in f.message for f in found), [f.message for f in found]
    out = fix_all(analyze(source), DEFAULT, True)[0]
    assert "ParallelRunStep(" in out and "@dsl.pipeline" not in out


def test_batch_retry_settings_is_rejected_by_parallel_run_function():
    """Why the fix writes RetrySettings although Microsoft's table and the type hint name
    BatchRetrySettings: the parallel component refuses the latter."""
    pytest.importorskip("azure.ai.ml")
    from azure.ai.ml.entities import BatchRetrySettings, Environment, RetrySettings
    from azure.ai.ml.exceptions import ValidationException
    from azure.ai.ml.parallel import RunFunction, parallel_run_function

    def build(retry):
        return parallel_run_function(task=RunFunction(code=".", entry_script="score.py",
                                                      environment=Environment(image="img")),
                                     retry_settings=retry)

    assert build(RetrySettings(timeout=60, max_retries=3)).retry_settings.timeout == 60
    with pytest.raises(ValidationException, match="retry_settings"):
        build(BatchRetrySettings(timeout=60, max_retries=3))


def test_migrated_parallel_pipeline_is_what_v1_built(tmp_path):
    pytest.importorskip("azure.ai.ml")
    from azure.ai.ml.entities import Parallel, PipelineJob

    from tests.support.v2_runtime import run_submission_script

    source = migrate((FIXTURES / "parallel_pipeline.before.py").read_text())
    assert source == (FIXTURES / "parallel_pipeline.after.py").read_text()
    project = tmp_path / "p"
    (project / "scripts").mkdir(parents=True)
    for script in ("fetch.py", "report.py", "score.py"):
        (project / "scripts" / script).write_text("def init():\n    pass\n\n\ndef run(mini_batch):\n    return []\n")
    (project / "batch-env.yml").write_text("name: batch\ndependencies:\n  - python=3.10\n")
    record = run_submission_script(source, project)
    (job,) = record.jobs
    assert isinstance(job, PipelineJob) and job.description == "Batch scoring"
    assert list(job.jobs) == ["fetch", "score_images", "report"]
    fetch, score, report = job.jobs.values()
    assert isinstance(score, Parallel)
    # ParallelRunStep(name="score-images", inputs=[images.as_dataset()], output=scores, allow_reuse=False,
    #                 arguments=["--threshold", 0.5])
    assert score.display_name == "score-images" and score.component.is_deterministic is False
    assert score.input_data == "${{inputs.images}}"
    wired = score.inputs["images"]._data
    assert wired._owner is fetch and wired._port_name == "images"
    assert report.inputs["scores"]._data._owner is score
    # ParallelRunConfig(...): every setting where v1 had it
    task = score.task
    assert (task.code, task.entry_script, task.environment.name) == ("scripts", "score.py", "batch-env")
    assert task.append_row_to == "${{outputs.scores}}"  # output_action="append_row"
    assert task.program_arguments == "--threshold 0.5 --allowed_failed_percent 5"
    assert score.compute == "cpu-cluster" and score.resources.instance_count == 2
    assert score.max_concurrency_per_instance == 4 and score.mini_batch_size == 5
    assert score.error_threshold == 10 and score.mini_batch_error_threshold == 3
    assert score.logging_level == "DEBUG" and score.environment_variables == {"MODEL_NAME": "resnet"}
    assert (score.retry_settings.timeout, score.retry_settings.max_retries) == (300, 3)  # run_max_try: v1's 3
    assert score.component.description == "Score the fetched images"
    # the RunConfiguration of the script steps: the same environment as the parallel task
    assert {(e.name, e.image, str(e.conda_file)) for e in (fetch.environment, report.environment, task.environment)} \
        == {("batch-env", task.environment.image, str({"name": "batch", "dependencies": ["python=3.10"]}))}
    assert [c.method for c in record.calls_to("jobs")] == ["create_or_update", "stream"]
    job._to_rest_object()

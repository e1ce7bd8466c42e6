"""`try: ComputeTarget(ws, name) except ComputeTargetException:` -> `except ResourceNotFoundError:`.

The lookup and the clause are one fix (AML401 + AML418): v2's lookup raises
`ResourceNotFoundError`, so migrating either alone would let "not found" escape. These
tests pin which clause handled v1's error, and check that the migrated get-or-create runs
on the real azure-ai-ml down both paths.
"""

from __future__ import annotations

import ast

import pytest

from azureml_migrate.engine import analyze
from tests.support.migration import findings, migrate

HEAD = """\
from azureml.core import Workspace
from azureml.core.compute import AmlCompute, ComputeTarget
from azureml.core.compute_target import ComputeTargetException
from azureml.exceptions import AzureMLException
from azure.core.exceptions import HttpResponseError

ws = Workspace.from_config()
"""

def codes(source: str, *wanted: str):
    """The one finding of each code, from a single analysis (findings compare by identity)."""
    found = analyze(source).visible
    return [next(f for f in found if f.code == code) for code in wanted]


GET_OR_CREATE = HEAD + """\
try:
    cluster = ComputeTarget(workspace=ws, name="cpu-cluster")
    print("found")
except {clause}:
    config = AmlCompute.provisioning_configuration(vm_size="STANDARD_DS3_V2", max_nodes=4)
    cluster = ComputeTarget.create(ws, "cpu-cluster", config)
cluster.wait_for_completion(show_output=True)
"""


def test_lookup_and_clause_are_one_fix():
    source = GET_OR_CREATE.format(clause="ComputeTargetException")
    get, clause = codes(source, "AML401", "AML418")
    assert get.fix_safety == clause.fix_safety == "safe"
    assert clause in get.closure and get in clause.closure
    assert (clause.span.line, clause.span.col) == (11, 7)  # the class name, not the whole clause
    out = migrate(source)
    assert "except ResourceNotFoundError:\n" in out
    assert "from azure.core.exceptions import HttpResponseError, ResourceNotFoundError" in out or (
        "from azure.core.exceptions import ResourceNotFoundError" in out)
    assert "ComputeTargetException" not in out and "azureml.core.compute_target" not in out
    assert migrate(out) == out


def test_tuple_clause_changes_only_the_v1_class():
    source = GET_OR_CREATE.format(clause="(KeyError, ComputeTargetException)")
    out = migrate(source)
    assert "except (KeyError, ResourceNotFoundError):" in out
    ast.parse(out)


def test_dotted_clause():
    source = GET_OR_CREATE.replace("from azureml.core.compute_target import ComputeTargetException\n",
                                   "import azureml.core.compute_target as ct\n").format(
        clause="ct.ComputeTargetException")
    out = migrate(source)
    assert "except ResourceNotFoundError:" in out and "azureml" not in out


def test_clause_without_a_migrated_lookup_gets_guidance():
    source = HEAD + """\
try:
    cluster = ComputeTarget.create(ws, "cpu-cluster", cfg)
except ComputeTargetException as exc:
    print(exc)
"""
    (clause,) = findings(source, "AML418")
    assert clause.fix_safety is None
    assert "nothing in its `try` body is migrated with it" in clause.message
    (create,) = findings(source, "AML404")
    assert create.fix_safety is None


@pytest.mark.parametrize("clause, why", [
    ("AzureMLException", "`except AzureMLException` clause on line 12 does not catch"),
    ("errors", "cannot tell what the `except` clause around it catches"),
])
def test_clauses_v2_errors_would_miss(clause, why):
    source = GET_OR_CREATE.format(clause=clause).replace("ws = W", "errors = (KeyError,)\nws = W")
    (get,) = findings(source, "AML401")
    assert get.fix_safety is None and why in get.message


def test_clause_for_v2_errors_first_would_take_not_found():
    source = GET_OR_CREATE.format(clause="HttpResponseError:\n    raise\nexcept ComputeTargetException")
    (get,) = findings(source, "AML401")
    assert get.fix_safety is None
    assert "would reach the `except` clause on line 11, not the one on line 13" in get.message


@pytest.mark.parametrize("clause", ["Exception", "BaseException"])
def test_broad_clause_catches_both(clause):
    source = GET_OR_CREATE.format(clause=clause)
    (get,) = findings(source, "AML401")
    assert get.fix_safety == "safe" and findings(source, "AML418") == []
    assert f"except {clause}:" in migrate(source)


def test_inner_try_that_does_not_catch_it_is_skipped():
    source = HEAD + """\
try:
    try:
        cluster = ComputeTarget(workspace=ws, name="cpu-cluster")
    except KeyError:
        raise
except ComputeTargetException:
    cluster = None
"""
    get, clause = codes(source, "AML401", "AML418")
    assert clause in get.closure and get.fix_safety == "safe"
    out = migrate(source)
    assert "    except KeyError:" in out and "\nexcept ResourceNotFoundError:" in out


def test_other_compute_calls_in_the_body_make_it_unsafe():
    source = HEAD + """\
try:
    cluster = ComputeTarget(workspace=ws, name="cpu-cluster")
    cluster.delete()
except ComputeTargetException:
    pass
"""
    (clause,) = findings(source, "AML418")
    assert clause.fix_safety == "unsafe"
    assert "v1 also caught failures of" in clause.message and "HttpResponseError" in clause.message


def test_function_defined_in_the_body_is_not_covered():
    """The clause does not catch what a function raises later, when it is called."""
    source = HEAD + """\
try:
    def lookup():
        return ComputeTarget(workspace=ws, name="cpu-cluster")
except ComputeTargetException:
    pass
"""
    get, clause = codes(source, "AML401", "AML418")
    assert get.fix_safety == "safe" and clause not in get.closure
    assert clause.fix_safety is None


def test_lookup_inside_a_handler_is_not_in_the_try():
    source = HEAD + """\
try:
    x = 1
except ComputeTargetException:
    cluster = ComputeTarget(workspace=ws, name="cpu-cluster")
"""
    (get,) = findings(source, "AML401")
    assert get.fix_safety == "safe"
    (clause,) = findings(source, "AML418")
    assert clause.fix_safety is None


def test_hover_on_the_clause():
    from azureml_migrate.lsp.hover import card_at

    source = GET_OR_CREATE.format(clause="ComputeTargetException")
    text, span = card_at(analyze(source), 11, 10)
    assert "AML418" in text and "ResourceNotFoundError" in text
    assert (span.line, span.col, span.end_col) == (11, 7, 29)


# -- semantics: the migrated get-or-create on real azure-ai-ml, both paths ------------------


@pytest.mark.parametrize("exists", [True, False])
def test_get_or_create_runs_on_v2(tmp_path, exists):
    pytest.importorskip("azure.ai.ml")
    from azure.core.exceptions import ResourceNotFoundError

    from tests.support.v2_runtime import run_submission_script

    out = migrate(GET_OR_CREATE.format(clause="ComputeTargetException"))
    responses = {}
    if not exists:
        def missing(*args, **kwargs):
            raise ResourceNotFoundError("Compute 'cpu-cluster' not found")
        responses[("compute", "get")] = missing
    record = run_submission_script(out, tmp_path, responses=responses)
    (get,) = record.calls_to("compute", "get")
    assert (get.args, get.kwargs) == ((), {"name": "cpu-cluster"})
    created = record.calls_to("compute", "begin_create_or_update")
    if exists:
        assert created == [] and record.stdout.strip() == "found"
    else:
        (call,) = created
        (entity,) = call.args
        assert (entity.name, entity.size, entity.max_instances) == ("cpu-cluster", "STANDARD_DS3_V2", 4)
        assert entity.idle_time_before_scale_down == 1800  # v1's default
        assert record.stdout.strip() == ""

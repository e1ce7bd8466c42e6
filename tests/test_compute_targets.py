"""`ws.compute_targets` (AML417), `type(x) is AmlCompute` (AML419), `provisioning_state`
(AML420) and the waits (AML406) of the get-or-create idiom in Microsoft's v1 samples:

    if name in ws.compute_targets:
        cluster = ws.compute_targets[name]
        if cluster and type(cluster) is AmlCompute: ...
    else:
        ...
        cluster.wait_for_completion(show_output=True, min_node_count=None, timeout_in_minutes=20)

The tests pin which shapes are fixed and how safely, and run the migrated idiom on the
real azure-ai-ml down every path (cluster found, missing, name taken by an instance).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from azureml_migrate.engine import analyze
from azureml_migrate.rules.compute import ComputeWait

from tests.support.migration import findings, migrate

FIXTURES = Path(__file__).parent / "fixtures"

HEAD = """\
from azureml.core import Workspace
from azureml.core.compute import AmlCompute, ComputeInstance, ComputeTarget

ws = Workspace.from_config()
name = "cpu-cluster"
"""

CREATE = """\
    cfg = AmlCompute.provisioning_configuration(vm_size="STANDARD_D2_V2", max_nodes=4)
    cluster = ComputeTarget.create(ws, name, cfg)
    cluster.wait_for_completion(show_output=True)
"""


def one(source: str, code: str):
    (found,) = findings(source, code)
    return found


def codes(source: str, *wanted: str):
    """The one finding of each code, from a single analysis (findings compare by identity)."""
    found = analyze(source).visible
    return [next(f for f in found if f.code == code) for code in wanted]


# -- the whole idiom ---------------------------------------------------------------------


def test_sample_idiom_is_one_safe_fix():
    source = (FIXTURES / "compute_targets.before.py").read_text()
    compute = [f for f in analyze(source).visible if f.code.startswith("AML4")]
    assert sorted(f.code for f in compute) == ["AML402", "AML404", "AML406", "AML413", "AML417", "AML417", "AML419"]
    assert {f.fix_safety for f in compute} == {"safe"}
    membership, item = (f for f in compute if f.code == "AML417")
    assert membership in item.closure and item in membership.closure


@pytest.mark.parametrize("service", ["cluster", "missing", "instance"])
def test_sample_idiom_runs_on_v2(tmp_path, service):
    """v1 listed the computes and indexed the dict; v2 lists them and gets the one found.
    Either way the cluster is created only when no compute has the name, and "found"
    prints only for a cluster."""
    pytest.importorskip("azure.ai.ml")
    from azure.ai.ml.entities import AmlCompute, ComputeInstance
    from azure.core.exceptions import ResourceNotFoundError

    from tests.support.v2_runtime import run_submission_script

    existing = {
        "cluster": {"cpu-cluster": AmlCompute(name="cpu-cluster", size="STANDARD_D2_V2")},
        "missing": {"other": AmlCompute(name="other")},
        "instance": {"cpu-cluster": ComputeInstance(name="cpu-cluster", size="STANDARD_DS3_V2")},
    }[service]

    def get(name):
        if name not in existing:
            raise ResourceNotFoundError(f"Compute '{name}' not found")
        return existing[name]

    out = (FIXTURES / "compute_targets.after.py").read_text()
    record = run_submission_script(out, tmp_path, responses={("compute", "get"): get,
                                                             ("compute", "list"): lambda **kw: list(existing.values())})
    calls = [(c.method, c.args) for c in record.calls_to("compute")]
    if service == "missing":
        (create,) = record.calls_to("compute", "begin_create_or_update")
        (entity,) = create.args
        assert isinstance(entity, AmlCompute)
        assert (entity.name, entity.size, entity.max_instances, entity.idle_time_before_scale_down) == (
            "cpu-cluster", "STANDARD_D2_V2", 4, 1800)
        assert calls == [("list", ()), ("begin_create_or_update", (entity,))]
        assert record.stdout.splitlines() == ["creating new compute target...", "using cpu-cluster"]
    else:
        assert calls == [("list", ()), ("get", ("cpu-cluster",))]
        found = ["found compute target: cpu-cluster"] if service == "cluster" else []
        assert record.stdout.splitlines() == [*found, "using cpu-cluster"]


# -- `name in ws.compute_targets` --------------------------------------------------------


@pytest.mark.parametrize("test", ["name in ws.compute_targets", "name not in ws.compute_targets"])
def test_membership_test_lists_every_compute(test):
    source = HEAD + f"found = {test}\n"
    assert one(source, "AML417").fix_safety == "safe"
    op = "not in" if "not" in test else "in"
    assert f"found = name {op} {{c.name for c in ml_client.compute.list()}}\n" in migrate(source)


# -- `x = ws.compute_targets[name]` ------------------------------------------------------


@pytest.mark.parametrize("guard", [
    "if name in ws.compute_targets:\n    cluster = ws.compute_targets[name]\nelse:\n" + CREATE,
    "if name not in ws.compute_targets:\n" + CREATE + "else:\n    cluster = ws.compute_targets[name]\n",
    "if name and name in ws.compute_targets:\n    cluster = ws.compute_targets[name]\nelse:\n" + CREATE,
    'if "cpu-cluster" in ws.compute_targets:\n    print(1)\n    cluster = ws.compute_targets["cpu-cluster"]\nelse:\n'
    + CREATE,
])
def test_guarded_item_is_safe(guard):
    source = HEAD + guard
    item = next(f for f in findings(source, "AML417") if f.facts["shape"] == "item")
    assert item.fix_safety == "safe"
    out = migrate(source)
    assert "cluster = ml_client.compute.get(" in out and "compute_targets" not in out


@pytest.mark.parametrize("body", [
    # another key, a key changed in between, a key with a call, or not directly in the guarded block
    'if name in ws.compute_targets:\n    cluster = ws.compute_targets["gpu"]\n',
    'if name in ws.compute_targets:\n    name = "gpu"\n    cluster = ws.compute_targets[name]\n',
    'if name in ws.compute_targets:\n    for i in range(2):\n        cluster = ws.compute_targets[name]\n',
    "if name in ws.compute_targets or True:\n    cluster = ws.compute_targets[name]\n",
    "if name in ws.compute_targets:\n    pass\nelse:\n    cluster = ws.compute_targets[name]\n",
    "cluster = ws.compute_targets[name]\n",
])
def test_unguarded_item_is_unsafe(body):
    source = HEAD + body
    item = next(f for f in findings(source, "AML417") if f.facts["shape"] == "item")
    assert item.fix_safety == "unsafe"
    assert "v1 raised `KeyError` when no compute has that name" in item.message
    assert "ResourceNotFoundError" in item.message


def test_keyerror_clause_keeps_it_manual():
    source = HEAD + "try:\n    cluster = ws.compute_targets[name]\nexcept KeyError:\n" + CREATE
    item = one(source, "AML417")
    assert item.fix_safety is None
    assert "the `except KeyError` clause on line 8 handles" in item.message
    # what the item holds is tracked: the wait on it is held back with it
    assert one(source, "AML406").fix_safety is None


def test_broad_clause_catches_both_errors():
    source = HEAD + "try:\n    cluster = ws.compute_targets[name]\nexcept Exception:\n    cluster = None\n"
    assert one(source, "AML417").fix_safety == "unsafe"


def test_item_is_tracked_like_a_compute_from_get():
    source = HEAD + "cluster = ws.compute_targets[name]\ncluster.wait_for_completion(show_output=True)\nhelper(cluster)\n"
    item, wait = codes(source, "AML417", "AML406")
    assert wait in item.closure and wait.fix_safety == "unsafe"
    assert "`cluster` is also used on line 8" in item.message


@pytest.mark.parametrize("body, why", [
    ("cts = ws.compute_targets\n", "v2 has no dict of computes"),
    ("for n in ws.compute_targets:\n    print(n)\n", "iterate `ml_client.compute.list()`"),
    ("print(ws.compute_targets[name].type)\n", "assign `ws.compute_targets[name]` to a variable of its own"),
    ("if ws.compute_targets[name]:\n    pass\n", "assign `ws.compute_targets[name]` to a variable of its own"),
    ("cluster: ComputeTarget = ws.compute_targets[name]\n", "the annotation names the v1 class"),
])
def test_dict_shapes_stay_manual_with_guidance(body, why):
    f = one(HEAD + body, "AML417")
    assert f.fix_safety is None and why in f.message


# -- `type(x) is AmlCompute` -------------------------------------------------------------


@pytest.mark.parametrize("test, v2", [
    ("cluster and type(cluster) is AmlCompute", "cluster and type(cluster) is AmlCompute"),
    ("type(cluster) is not ComputeInstance", "type(cluster) is not ComputeInstance"),
    ("type(cluster) == AmlCompute", "type(cluster) == AmlCompute"),
])
def test_type_test_names_the_v2_class(test, v2):
    source = HEAD + f'cluster = ComputeTarget(workspace=ws, name=name)\nif {test}:\n    print("ok")\n'
    # the test (and the truth test of the same variable) is no other use of the v2 entity
    assert [f.fix_safety for f in codes(source, "AML401", "AML419")] == ["safe", "safe"]
    out = migrate(source)
    assert f"if {v2}:\n" in out
    cls = "AmlCompute" if "AmlCompute" in test else "ComputeInstance"
    assert f"from azure.ai.ml.entities import {cls}\n" in out and "azureml" not in out


def test_type_test_on_unknown_compute_is_left_alone():
    source = HEAD + "def check(cluster):\n    return type(cluster) is AmlCompute\n"
    assert findings(source, "AML419") == []
    inline = HEAD + "ok = type(ComputeTarget(ws, name)) is AmlCompute\n"
    assert one(inline, "AML419").fix_safety is None


def test_shadowed_type_is_not_a_type_test():
    source = HEAD + "type = lambda x: x\ncluster = ComputeTarget(workspace=ws, name=name)\nok = type(cluster) is AmlCompute\n"
    assert findings(source, "AML419") == []


# -- provisioning_state --------------------------------------------------------------------


def test_state_check_of_the_found_cluster_is_safe():
    """The multi-agent RL sample checks the state of the cluster it found."""
    source = HEAD + """\
if name in ws.compute_targets:
    cluster = ws.compute_targets[name]
    if cluster and type(cluster) is AmlCompute:
        if cluster.provisioning_state == "Succeeded":
            print("found")
        else:
            raise Exception("state {}".format(cluster.provisioning_state))
else:
""" + CREATE
    states = findings(source, "AML420")
    assert len(states) == 2 and {f.fix_safety for f in states} == {"safe"}
    out = migrate(source)
    assert 'if cluster.provisioning_state == "Succeeded":' in out and "azureml" not in out


def test_state_of_a_created_cluster_is_unsafe():
    source = HEAD + CREATE.replace("    ", "") + "print(cluster.provisioning_state)\n"
    state = one(source, "AML420")
    assert state.fix_safety == "unsafe" and "v2's create call has already waited" in state.message


# -- wait_for_completion ------------------------------------------------------------------


def test_wait_parameters_are_amlcomputes():
    from tests.support.signatures import v1_param_names

    assert v1_param_names("azureml.core.compute.AmlCompute.wait_for_completion") == list(ComputeWait.wait_params)


@pytest.mark.parametrize("args, safety, why", [
    ("show_output=True, min_node_count=None, timeout_in_minutes=20", "safe", "only bounded v1's wait for nodes"),
    ("True, None, 10", "safe", "only bounded v1's wait for nodes"),
    ("show_output=True, min_node_count=0", "safe", ""),
    ("show_output=True, min_node_count=1, timeout_in_minutes=10", "unsafe", "for `min_node_count` nodes to run"),
    ("show_output=True, is_delete_operation=True", None, "`is_delete_operation` waits for a deletion"),
    ("show_output=True, is_delete_operation=False", "safe", ""),
    ("show_output=True, timeout_in_minutes=minutes()", None, "an argument runs code"),
])
def test_wait_arguments(args, safety, why):
    source = HEAD + CREATE.replace("    ", "").replace("show_output=True", args)
    wait = one(source, "AML406")
    assert wait.fix_safety == safety and why in wait.message
    if safety:
        assert "wait_for_completion" not in migrate(source)


def test_instance_wait_takes_only_show_output():
    source = HEAD + """\
cfg = ComputeInstance.provisioning_configuration(vm_size="STANDARD_DS3_V2")
ci = ComputeInstance.create(ws, "my-ci", cfg)
ci.wait_for_completion(show_output=True, timeout_in_minutes=10)
"""
    wait = one(source, "AML406")
    assert wait.fix_safety is None and "takes only `show_output`" in wait.message


# -- get_status ---------------------------------------------------------------------------


@pytest.mark.parametrize("use, why", [
    ("status = cluster.get_status().serialize()", "v2 has no status object: remove the statement"),
    ("print(cluster.get_status().serialize(), flush=True)", "v2 has no status object: remove the statement"),
    ('ok = cluster.get_status() == "Succeeded"', "compare `ml_client.compute.get(name).provisioning_state`"),
    ("nodes = cluster.list_nodes()", "yields `AmlComputeNodeInfo` objects"),
])
def test_status_guidance(use, why):
    source = HEAD + "cluster = AmlCompute(ws, name)\n" + use + "\n"
    status = one(source, "AML414")
    assert status.fix_safety is None and why in status.message
    # it holds back the compute code it depends on, with the reason
    assert "needs a manual migration" in one(source, "AML401").blocked


def test_status_progress_line_prints_the_v2_compute(tmp_path):
    """`print(cluster.get_status().serialize())` after creating a cluster is progress output:
    unsafe, it prints v2's description of the compute (no node counts)."""
    source = HEAD + """\
cfg = AmlCompute.provisioning_configuration(vm_size="STANDARD_D2_V2", max_nodes=4)
cluster = ComputeTarget.create(ws, "cpu-cluster", cfg)
cluster.wait_for_completion(show_output=True)
print(cluster.get_status().serialize())
"""
    status = one(source, "AML414")
    assert status.fix_safety == "unsafe" and "not v1's status with node counts" in status.message
    out = migrate(source)
    assert out.endswith("print(ml_client.compute.get(cluster.name))\n")
    pytest.importorskip("azure.ai.ml")
    from tests.support.v2_runtime import run_submission_script

    record = run_submission_script(out, tmp_path)
    assert [c.method for c in record.calls_to("compute")] == ["begin_create_or_update", "get"]
    assert "cpu-cluster" in record.stdout and "provisioning_state" in record.stdout

"""Distributed training (AML94x): v1 distributed job configurations -> v2 distributions.

v1 describes a distributed run with one object that holds both the launcher settings and
the number of nodes, passed as `ScriptRunConfig(distributed_job_config=...)`:

    dist = PyTorchConfiguration(process_count=8, node_count=2)
    src = ScriptRunConfig(..., distributed_job_config=dist)

v2 splits them: the distribution object holds the per-node launcher settings and the
node count is the command's `instance_count`:

    dist = PyTorchDistribution(process_count_per_instance=4)
    src = command(..., distribution=dist, instance_count=2)

The configuration statement becomes the distribution in place; the node count (a literal,
recorded in the finding's facts) moves to the `command(...)` the ScriptRunConfig rule
builds (see jobs.ScriptRunConfigRule), so the two are always fixed together.  v1 derives
the node count as `ScriptRunConfig` does (azureml-core 1.61, script_run_config.py):
`node_count` for MPI and PyTorch, `worker_count` for TensorFlow.
"""

from __future__ import annotations

from ..fixes.lazy import cst

from ..astutil import literal
from ..fixes.calls import keyword_arg, rebuild_call
from .base import LEARN, MANUAL, SAFE, UNSAFE, BindingSpec, Check, Rule

URL = LEARN + "how-to-train-distributed-gpu"

MPI = "azureml.core.runconfig.MpiConfiguration"
PYTORCH = "azureml.core.runconfig.PyTorchConfiguration"
TENSORFLOW = "azureml.core.runconfig.TensorflowConfiguration"
KINDS = (MPI, PYTORCH, TENSORFLOW)

# v1 ScriptRunConfig sets run_config.node_count from these (azureml-core 1.61).
PYTORCH_BACKENDS = ("nccl", "gloo")

SUBMIT_V1 = """\
from azureml.core import Workspace, Experiment, ScriptRunConfig
from azureml.core.runconfig import {cls}

ws = Workspace.from_config()
dist = {v1}
src = ScriptRunConfig("./src", "train.py", compute_target="gpu-cluster", environment="pytorch-env@latest", distributed_job_config=dist)
run = Experiment(ws, "dist-train").submit(src)
"""

SUBMIT_V2 = """\
from azure.ai.ml import MLClient, {cls}, command
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
dist = {v2}
src = command(code="./src", command="python train.py", compute="gpu-cluster", environment="pytorch-env@latest", distribution=dist, instance_count={n})
run = ml_client.jobs.create_or_update(src, experiment_name="dist-train")
"""


def _count(expr) -> tuple[bool, int | None]:
    """(True, n) for a literal positive int (or an omitted argument: n None); else (False, None)."""
    if expr is None:
        return True, None
    ok, value = literal(expr)
    if ok and isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return True, value
    return False, None


class _DistributedConfiguration(Rule):
    """Shared shape of the three configurations (see the subclasses)."""

    params: tuple[str, ...] = ()
    v2_class: str = ""
    node_param: str = "node_count"  # the v1 argument ScriptRunConfig reads the node count from

    def parameters(self, site) -> tuple[str | None, str, dict]:
        """(manual reason or None, note, facts) from the call's arguments."""
        raise NotImplementedError

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        index = self.params.index(self.node_param)
        ok, nodes = _count(site.arg(index, self.node_param))
        if not ok:
            return Check(MANUAL, f"`{self.node_param}` is not a literal positive int: it becomes "
                                 "`instance_count=` on command(...), which the fix must know; migrate by hand")
        problem, note, facts = self.parameters(site)
        if problem:
            return Check(MANUAL, problem)
        facts["instance_count"] = 1 if nodes is None else nodes
        # Without its ScriptRunConfig the node count would be lost: fix it only with one.
        facts["needs_assignment"] = True
        return Check(UNSAFE if note else self.safety, note, facts=facts)

    def plan(self, finding, users, analysis) -> None:
        """The node count moves to `command(instance_count=...)`: every use must be a
        ScriptRunConfig's `distributed_job_config` that is migrated with it."""
        if finding.safety is None:
            return
        if users and all(u.facts.get("distribution") is finding for u in users):
            return
        finding.safety = None
        finding.message += (" (v2 distributions carry no node count: it is migrated only when the configuration is "
                            "passed to `ScriptRunConfig(distributed_job_config=...)`, whose `command(...)` gets "
                            "`instance_count=`)")

    def fix(self, node, ctx):
        return self.v2_call(node, ctx, ctx.finding.facts)

    def v2_call(self, node, ctx, facts) -> cst.Call:
        """The v2 distribution for the v1 call `node` (also used for an inline argument)."""
        raise NotImplementedError


class MpiConfigurationRule(_DistributedConfiguration):
    """An MPI distributed job configuration.

    ## Migration
    `azure.ai.ml.MpiDistribution(process_count_per_instance=...)` (keyword-only), passed
    as `command(distribution=...)`. `process_count_per_node` -> `process_count_per_instance`
    (written as 1 when v1 used its default); `node_count` -> `instance_count=` on the
    `command(...)` the ScriptRunConfig becomes, not on the distribution.

    ## Fix safety
    Safe, together with the ScriptRunConfig it is passed to, when `node_count` is a
    literal. A configuration used anywhere else is migrated by hand.
    """

    code = "AML940"
    name = "mpi-configuration"
    symbols = (MPI,)
    message = "`MpiConfiguration` is SDK v1; use `azure.ai.ml.MpiDistribution` and `command(instance_count=...)`"
    v2 = "command(..., distribution=MpiDistribution(process_count_per_instance=...), instance_count=node_count)"
    url = URL
    safety = SAFE
    creates = BindingSpec(MPI)
    params = ("process_count_per_node", "node_count")
    v2_class = "MpiDistribution"
    before = SUBMIT_V1.format(cls="MpiConfiguration", v1="MpiConfiguration(process_count_per_node=2, node_count=2)")
    after = SUBMIT_V2.format(cls="MpiDistribution", v2="MpiDistribution(process_count_per_instance=2)", n=2)

    def parameters(self, site):
        return None, "", {}

    def v2_call(self, node, ctx, facts):
        cls = ctx.need("azure.ai.ml", self.v2_class)
        append = []
        if "process_count_per_node" not in _names(node, self.params):
            append.append(keyword_arg("process_count_per_instance", cst.Integer("1")))  # v1 default
        mapping = {"process_count_per_node": "process_count_per_instance", "node_count": None}
        return rebuild_call(node, cst.Name(cls), self.params, mapping, append=append)


class PyTorchConfigurationRule(_DistributedConfiguration):
    """A PyTorch distributed job configuration.

    ## Migration
    `azure.ai.ml.PyTorchDistribution(process_count_per_instance=...)` (keyword-only),
    passed as `command(distribution=...)`. v1's `process_count` is the TOTAL number of
    processes over all nodes (default: one per node); v2 counts processes per node, so
    the fix writes `process_count // node_count`. `node_count` -> `instance_count=` on the
    `command(...)`. `communication_backend` has no v2 field: the training script picks the
    backend in `torch.distributed.init_process_group`.

    ## Fix safety
    Safe, together with the ScriptRunConfig, when `process_count` and `node_count` are
    literals and the processes divide evenly over the nodes (anything else is migrated by
    hand). Unsafe with the Gloo backend or a non-literal backend: check that the script
    initialises the process group with the backend v1 was given.
    """

    code = "AML941"
    name = "pytorch-configuration"
    symbols = (PYTORCH,)
    message = "`PyTorchConfiguration` is SDK v1; use `azure.ai.ml.PyTorchDistribution` and `command(instance_count=...)`"
    v2 = "command(..., distribution=PyTorchDistribution(process_count_per_instance=process_count // node_count), instance_count=node_count)"
    url = URL
    safety = SAFE
    creates = BindingSpec(PYTORCH)
    params = ("communication_backend", "process_count", "node_count")
    v2_class = "PyTorchDistribution"
    before = SUBMIT_V1.format(cls="PyTorchConfiguration", v1="PyTorchConfiguration(process_count=8, node_count=2)")
    after = SUBMIT_V2.format(cls="PyTorchDistribution", v2="PyTorchDistribution(process_count_per_instance=4)", n=2)

    def parameters(self, site):
        note = ""
        backend = site.arg(0, "communication_backend")
        if backend is not None:
            ok, value = literal(backend)
            if ok and isinstance(value, str) and value.lower() not in PYTORCH_BACKENDS:
                return "v1 rejects this `communication_backend` (only 'Nccl' and 'Gloo')", "", {}
            if not (ok and isinstance(value, str) and value.lower() == "nccl"):
                note = ("v2 has no backend setting: make sure the training script calls "
                        "`init_process_group` with the backend v1 was given")
        ok_p, processes = _count(site.arg(1, "process_count"))
        if not ok_p:
            ok_none, value = literal(site.arg(1, "process_count"))
            if not (ok_none and value is None):
                return ("`process_count` is not a literal positive int: v1 counts all processes, v2 counts them per "
                        "node (`process_count_per_instance = process_count // node_count`); migrate by hand"), "", {}
        _, nodes = _count(site.arg(2, "node_count"))
        nodes = nodes or 1
        if processes is None:
            per = 1  # v1 default: process_count = node_count
        elif processes % nodes:
            return (f"v1 starts {processes} processes on {nodes} nodes, which is not the same number on every node; "
                    "v2 needs a per-node count"), "", {}
        else:
            per = processes // nodes
        return None, note, {"per_instance": per}

    def v2_call(self, node, ctx, facts):
        cls = ctx.need("azure.ai.ml", self.v2_class)
        per = cst.Integer(str(facts["per_instance"]))
        append = []
        if "process_count" not in _names(node, self.params):
            append.append(keyword_arg("process_count_per_instance", per))
        mapping = {
            "communication_backend": None,
            "process_count": lambda arg: keyword_arg("process_count_per_instance", per, arg),
            "node_count": None,
        }
        return rebuild_call(node, cst.Name(cls), self.params, mapping, append=append)


class TensorflowConfigurationRule(_DistributedConfiguration):
    """A TensorFlow parameter-server job configuration.

    ## Migration
    `azure.ai.ml.TensorFlowDistribution(worker_count=..., parameter_server_count=...)`
    (keyword-only), passed as `command(distribution=...)`. Both counts are written out:
    v1 defaults `parameter_server_count` to 1, v2 to 0. v1's ScriptRunConfig ran one node
    per worker, so `worker_count` also becomes `instance_count=` on the `command(...)`.

    ## Fix safety
    Safe, together with the ScriptRunConfig, when `worker_count` is a literal.
    """

    code = "AML942"
    name = "tensorflow-configuration"
    symbols = (TENSORFLOW,)
    message = ("`TensorflowConfiguration` is SDK v1; use `azure.ai.ml.TensorFlowDistribution` and "
               "`command(instance_count=...)`")
    v2 = ("command(..., distribution=TensorFlowDistribution(worker_count=..., parameter_server_count=...), "
          "instance_count=worker_count)")
    url = URL
    safety = SAFE
    creates = BindingSpec(TENSORFLOW)
    params = ("worker_count", "parameter_server_count")
    node_param = "worker_count"
    v2_class = "TensorFlowDistribution"
    before = SUBMIT_V1.format(cls="TensorflowConfiguration", v1="TensorflowConfiguration(worker_count=2)")
    after = SUBMIT_V2.format(cls="TensorFlowDistribution",
                             v2="TensorFlowDistribution(worker_count=2, parameter_server_count=1)", n=2)

    def parameters(self, site):
        return None, "", {}

    def v2_call(self, node, ctx, facts):
        cls = ctx.need("azure.ai.ml", self.v2_class)
        present = _names(node, self.params)
        append = []
        if "worker_count" not in present:
            append.append(keyword_arg("worker_count", cst.Integer("1")))  # v1 default
        if "parameter_server_count" not in present:
            append.append(keyword_arg("parameter_server_count", cst.Integer("1")))  # v1 default; v2's is 0
        mapping = {"worker_count": "worker_count", "parameter_server_count": "parameter_server_count"}
        return rebuild_call(node, cst.Name(cls), self.params, mapping, append=append)


def _names(node: cst.Call, params: tuple[str, ...]) -> set[str]:
    from ..fixes.calls import arg_map

    return set(arg_map(node, params))


RULES = [MpiConfigurationRule, PyTorchConfigurationRule, TensorflowConfigurationRule]

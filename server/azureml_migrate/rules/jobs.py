"""Experiments, script runs and the run control plane (AML2xx): `command()` jobs.

The submission script is one data flow: the workspace feeds `Experiment`, the
`ScriptRunConfig` feeds `submit`, the submitted run feeds `get_portal_url`.  Each rule
declares which of those bindings its v2 form needs, so a fix pulls in the whole group.
"""

from __future__ import annotations

import ast
import shlex

from ..fixes.lazy import cst

from ..astutil import call_arg, literal
from ..fixes.calls import arg_map, assignment_line, keyword_arg, rebuild_call
from .base import DOCS, MANUAL, SAFE, UNSAFE, BindingSpec, Check, Rule, remove_statement

EXPERIMENT = "azureml.core.Experiment"
SRC = "azureml.core.ScriptRunConfig"
RUN = "azureml.core.Run"
COMPUTE_KINDS = {"azureml.core.ComputeTarget", "azureml.core.compute.AmlCompute", "azureml.core.compute.ComputeInstance"}

EXPERIMENT_PARAMS = ("workspace", "name")
SRC_PARAMS = (
    "source_directory", "script", "arguments", "run_config", "_telemetry_values", "compute_target",
    "environment", "distributed_job_config", "resume_from", "max_run_duration_seconds", "command",
    "docker_runtime_config",
)

ARTICLE_V1 = """\
from azureml.core import Workspace, Experiment, Environment, ScriptRunConfig

ws = Workspace.from_config()
experiment = Experiment(workspace=ws, name="day1-experiment-train")
config = ScriptRunConfig(source_directory="./src", script="train.py", compute_target="cpu-cluster")
env = Environment.from_conda_specification(name="pytorch-env", file_path="pytorch-env.yml")
config.run_config.environment = env
run = experiment.submit(config)
print(run.get_portal_url())
"""

ARTICLE_V2 = """\
from azure.ai.ml import MLClient, command
from azure.ai.ml.entities import Environment
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
experiment_name = "day1-experiment-train"
env = Environment(name="pytorch-env", conda_file="pytorch-env.yml", image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1")
config = command(code="./src", command="python train.py", compute="cpu-cluster", environment=env)
run = ml_client.jobs.create_or_update(config, experiment_name=experiment_name)
print(run.studio_url)
"""


def compute_mode(site, expr) -> str:
    """How a v1 `compute_target` becomes v2's `compute=` (a name): "literal" (a name),
    "name-attr" (a compute object made in this file: its `.name`), or "pass" (unknown)."""
    ok, value = literal(expr)
    if ok and isinstance(value, str):
        return "literal"
    b = site.binding(expr)
    if b is not None and b.kind in COMPUTE_KINDS:
        site.consume(expr)
        return "name-attr"
    return "pass"


def compute_keyword(arg, mode: str):
    """The `compute=` argument for a v1 `compute_target` argument (see compute_mode)."""
    value = arg.value
    if mode == "name-attr":
        value = cst.Attribute(value=value, attr=cst.Name("name"))
    return keyword_arg("compute", value, arg)


def workspace_of(finding) -> object | None:
    return finding.facts.get("workspace") if finding is not None else None


def submitted_run(site, check_kind: bool = True):
    """The job a control-plane call is on; declares the dependency. Returns (ok, workspace)."""
    recv = site.receiver
    if recv is None:
        return False, None
    if recv.binding is not None:
        creator = recv.binding.creator
        site.require(recv.binding)
        return creator is not None, workspace_of(creator)
    if recv.finding is not None:
        site.require_finding(recv.finding)
        return True, workspace_of(recv.finding)
    return False, None


class ExperimentConstructor(Rule):
    """An experiment groups runs.

    ## Migration
    v2 has no experiment object: the name is passed as `experiment_name=` when the job is
    created. `experiment = Experiment(ws, "name")` becomes `experiment_name = "name"`, and
    `experiment.submit(job)` uses it.

    ## Fix safety
    Safe when every use of the variable is migrated with it (`submit`, `.name`).
    """

    code = "AML201"
    name = "experiment"
    symbols = (EXPERIMENT,)
    message = "`Experiment` is SDK v1; v2 jobs take `experiment_name=` instead"
    v2 = 'experiment_name = "..." and ml_client.jobs.create_or_update(job, experiment_name=experiment_name)'
    url = DOCS["command"]
    safety = SAFE
    creates = BindingSpec(EXPERIMENT, mode="rename")
    before = ARTICLE_V1
    after = ARTICLE_V2

    def check(self, site):
        ws_expr = site.arg(0, "workspace")
        name_expr = site.arg(1, "name")
        if name_expr is None or site.has_star_args():
            return Check(MANUAL, "the experiment name is not given as an argument")
        ws = site.consume(ws_expr)
        facts = {"workspace": ws, "needs_assignment": True}
        return Check(self.safety, facts=facts)

    def fix(self, node, ctx):
        return arg_map(node, EXPERIMENT_PARAMS)["name"].value


class ExperimentName(Rule):
    """The experiment's name.

    ## Migration
    `experiment.name` becomes the `experiment_name` variable.

    ## Fix safety
    Safe.
    """

    code = "AML202"
    name = "experiment-name"
    on = "attribute"
    symbols = (f"{EXPERIMENT}.name",)
    message = "`Experiment.name` is SDK v1; the v2 code keeps the name in a variable"
    v2 = "experiment_name"
    url = DOCS["command"]
    safety = SAFE

    def check(self, site):
        b = site.tracked_receiver()
        if b is None:
            return Check(MANUAL, "cannot tell which experiment this is")
        return Check(self.safety, facts={"experiment": b})

    def fix(self, node, ctx):
        return cst.Name(ctx.name_of(ctx.finding.facts["experiment"]))


def _fold_problem(finding, writes, analysis) -> str | None:
    """Why the writes cannot be folded into the construction, or None."""
    block, index = analysis.block_of.get(id(finding.stmt), (None, -1))
    if block is None or not isinstance(finding.stmt, ast.Assign):
        return "the ScriptRunConfig is not a plain assignment"
    positions = []
    for w in writes:
        wb, wi = analysis.block_of.get(id(w.stmt), (None, -1))
        if wb is not block or wi <= index:
            return "the setting is not written after the ScriptRunConfig in the same block"
        if not isinstance(w.stmt.value, (ast.Name, ast.Constant, ast.Attribute, ast.Dict)) or w.stmt.value is None:
            return "the value is not a plain name or literal"
        positions.append(wi)
    last = max(positions)
    needed = {n.id for n in ast.walk(finding.stmt.value) if isinstance(n, ast.Name)}
    written = {id(w.stmt) for w in writes}
    binding = finding.creates
    for stmt in block[index + 1:last + 1]:
        if id(stmt) in written:
            continue
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name):
                if binding is not None and node.id == binding.name:
                    return f"`{binding.name}` is used before the last setting"
                if isinstance(node.ctx, ast.Store) and node.id in needed:
                    return f"`{node.id}` changes before the last setting"
    return None


def _quote(text: str, quote: str) -> str:
    if quote == '"' and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return repr(text)


class ScriptRunConfigRule(Rule):
    """A script run configuration: what to run, where, in which environment.

    ## Migration
    `azure.ai.ml.command(...)` (all keyword-only): `source_directory` -> `code`;
    `script` and `arguments` -> one `command` string that names the interpreter
    (`"python train.py --lr 0.01"`; Microsoft's sample writes `command="train.py"`, which
    runs the file as a shell command); `compute_target` -> `compute` (a name: a compute
    object becomes its `.name`); `environment` stays; `max_run_duration_seconds` ->
    `timeout`; `distributed_job_config` (an MPI, PyTorch or TensorFlow configuration
    made in the same file) -> `distribution=` plus `instance_count=` (the node count),
    fixed together with the configuration (AML940-AML942). `run_config`, `resume_from`
    and `docker_runtime_config` are migrated by hand for now.

    ## Fix safety
    Safe for literal scripts and arguments. Variables in `arguments` are written into an
    f-string without shell quoting, and a missing environment gets v1's default image:
    both make the fix unsafe.
    """

    code = "AML203"
    name = "script-run-config"
    symbols = (SRC,)
    message = "`ScriptRunConfig` is SDK v1; build the job with `azure.ai.ml.command(...)`"
    v2 = 'azure.ai.ml.command(code=..., command="python train.py ...", compute=..., environment=...)'
    url = DOCS["command"]
    safety = SAFE
    creates = BindingSpec(SRC)
    before = ARTICLE_V1
    after = ARTICLE_V2

    manual_params = {
        "run_config": "`run_config` (a RunConfiguration) must be folded into `command(...)` by hand",
        "resume_from": "`resume_from` has no v2 equivalent; pass the checkpoint as an input",
        "docker_runtime_config": "`docker_runtime_config` becomes `shm_size=`/`docker_args=` (not automated yet)",
    }

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        for i, p in enumerate(SRC_PARAMS):
            if p in self.manual_params and site.arg(i, p) is not None:
                return Check(MANUAL, self.manual_params[p])
        safety = self.safety
        notes = []
        parts = self._command_parts(site)
        if parts is None:
            return Check(MANUAL, "the script or its arguments cannot be turned into a command string")
        if any(kind == "expr" for kind, _ in parts):
            safety = UNSAFE
            notes.append("variables in `arguments` are interpolated without shell quoting")
        compute = site.arg(5, "compute_target")
        mode = compute_mode(site, compute) if compute is not None else "none"
        if mode == "pass":
            safety = UNSAFE
            notes.append("`compute` must be a compute name in v2; check the variable holds one")
        env = site.arg(6, "environment")
        if env is not None:
            b = site.consume(env)
            site.require(b)
            site.require_finding(site.inline(env))
            ok, value = literal(env)
            if b is None and site.inline(env) is None and not (ok and isinstance(value, str)):
                safety = UNSAFE
                notes.append("`environment` must be a v2 Environment or an 'name@label' string")
        facts = {"parts": parts, "compute_mode": mode, "has_env": env is not None}
        # distributed_job_config -> distribution= + instance_count= (DT5; see rules/distributed.py).
        problem = self._distribution(site, facts)
        if problem:
            return Check(MANUAL, problem)
        config = facts.get("distribution")
        if config is not None and config.safety == UNSAFE:
            safety = UNSAFE
            notes.append(config.message[len(config.rule.message):].strip().removeprefix("(").removesuffix(")"))
        return Check(safety, "; ".join(notes), facts=facts)

    @staticmethod
    def _distribution(site, facts) -> str | None:
        """Declare the distributed configuration this fix converts; why it cannot, or None.

        The configuration's creator becomes the v2 distribution in place and requires this
        use (it is a user of its binding), this fix requires the binding: one group.  An
        inline configuration is absorbed and rewritten by this fix.  Its node count (a
        literal, checked by the configuration rule) becomes `instance_count=`.
        """
        from .distributed import KINDS, _DistributedConfiguration

        expr = site.arg(7, "distributed_job_config")
        if expr is None:
            return None
        ok, value = literal(expr)
        if ok and value is None:
            facts["distribution_none"] = True  # v1 ignored a None configuration: drop it
            return None
        b = site.binding(expr)
        inline = site.inline(expr)
        if b is not None and b.kind in KINDS and b.creator is not None:
            config = b.creator
        elif inline is not None and isinstance(inline.rule, _DistributedConfiguration):
            config = inline
        else:
            return ("`distributed_job_config` becomes `distribution=` and `instance_count=`: only an "
                    "MpiConfiguration, PyTorchConfiguration or TensorflowConfiguration made in this file is migrated")
        if config.safety is None:
            reason = config.message[len(config.rule.message):].strip().removeprefix("(").removesuffix(")")
            return f"`distributed_job_config` (line {config.span.line}) is migrated by hand: {reason}"
        if config is inline:
            site.absorb(inline)
        else:
            site.consume(expr)
            site.require(b)
        facts["distribution"] = config
        return None

    def _command_parts(self, site) -> list[tuple[str, str]] | None:
        """The command as literal text pieces and expression sources, or None if unknown."""
        command = site.arg(10, "command")
        script = site.arg(1, "script")
        arguments = site.arg(2, "arguments")
        if command is not None:
            if script is not None or arguments is not None:
                return None
            ok, value = literal(command)
            if ok and isinstance(value, str):
                return [("text", value)]
            if ok and isinstance(value, (list, tuple)):
                return [("text", " ".join(shlex.quote(str(x)) for x in value))]
            return None
        if script is None:
            return None
        parts: list[tuple[str, str]] = [("text", "python ")]
        ok, value = literal(script)
        if ok and isinstance(value, str):
            parts.append(("text", shlex.quote(value)))
        elif isinstance(script, (ast.Name, ast.Attribute)):
            parts.append(("expr", site.source(script)))
        else:
            return None
        if arguments is None:
            return parts
        ok, value = literal(arguments)
        if ok and isinstance(value, str):
            parts.append(("text", " " + value))
            return parts
        if not isinstance(arguments, (ast.List, ast.Tuple)):
            return None
        for element in arguments.elts:
            ok, value = literal(element)
            if ok and not isinstance(value, (list, dict, tuple, set)):
                parts.append(("text", " " + shlex.quote(str(value))))
            elif isinstance(element, (ast.Name, ast.Attribute)) and site.binding(element) is None:
                src = site.source(element)
                if '"' in src or "'" in src or "\\" in src:
                    return None
                parts.append(("text", " "))
                parts.append(("expr", src))
            else:
                return None
        return parts

    def plan(self, finding, users, analysis) -> None:
        """After analysis: fold `config.run_config.X = v` writes into `command(...)`.

        v2 validates a command job's environment at construction: setting
        `job.environment` afterwards is rejected on submission. So the construction
        moves down to the last such write, where every value it needs is defined.
        """
        writes = [u for u in users if isinstance(u.rule, RunConfigAttribute)
                  and u.symbol.rsplit(".", 1)[1] in RunConfigAttribute.folded and u.safety is not None]
        if writes:
            reason = _fold_problem(finding, writes, analysis)
            if reason is None:
                writes.sort(key=lambda w: w.span.line)
                finding.facts["fold"] = [
                    (RunConfigAttribute.folded[w.symbol.rsplit(".", 1)[1]], w) for w in writes
                ]
                finding.facts["moved_to"] = writes[-1]
                for w in writes:
                    w.facts["fold_into"] = finding
                writes[-1].facts["carry"] = finding
            else:
                for w in writes:
                    w.safety = None
                    w.message += f" (pass it to command(...) by hand: {reason})"
        if finding.facts.get("has_env") or finding.safety is None:
            return
        if any(kw == "environment" for kw, _ in finding.facts.get("fold", [])):
            return
        finding.safety = UNSAFE
        finding.facts["default_env"] = True
        finding.message += " (no environment given: v1 used its default image, which the fix names explicitly)"

    def fix(self, node, ctx):
        if not ctx.copying and ctx.finding.facts.get("moved_to") is not None:
            return cst.RemovalSentinel.REMOVE  # rebuilt at the last folded write (see plan)
        quote = '"'
        script = arg_map(node, SRC_PARAMS).get("script")
        if script is not None and isinstance(script.value, cst.SimpleString):
            quote = script.value.quote if script.value.quote in ('"', "'") else '"'
        command_expr = self._command_expr(ctx.finding.facts["parts"], quote)
        mode = ctx.finding.facts["compute_mode"]

        def compute(arg: cst.Arg) -> cst.Arg:
            return compute_keyword(arg, mode)

        def command(arg: cst.Arg) -> cst.Arg:
            return keyword_arg("command", command_expr, arg)

        mapping = {
            "source_directory": "code",
            "script": command,
            "arguments": None,
            "command": command,
            "_telemetry_values": None,
            "compute_target": compute,
            "environment": "environment",
            "max_run_duration_seconds": "timeout",
        }
        append = [keyword_arg(kw, cst.parse_expression(write.facts["value"])) for kw, write in
                  ctx.finding.facts.get("fold", [])]
        # distributed_job_config -> distribution=<v2 object> and instance_count=<node count>.
        dist = ctx.finding.facts.get("distribution")
        if ctx.finding.facts.get("distribution_none"):
            mapping["distributed_job_config"] = None
        elif dist is not None:
            def distribution(arg: cst.Arg) -> cst.Arg:
                value = arg.value
                if dist.absorbed_by is not None:  # inline: this fix rewrites it
                    value = dist.rule.v2_call(value, ctx, dist.facts)
                return keyword_arg("distribution", value, arg)

            mapping["distributed_job_config"] = distribution
            append.insert(0, keyword_arg("instance_count", cst.Integer(str(dist.facts["instance_count"]))))
        if ctx.finding.facts.get("default_env"):
            env_cls = ctx.need("azure.ai.ml.entities", "Environment")
            append.append(keyword_arg("environment", cst.parse_expression(f"{env_cls}(image={ctx.default_image().value})")))
        sweep_inputs = ctx.finding.facts.get("sweep_inputs")
        if sweep_inputs:
            # The trial command of a HyperDrive sweep (AML800): the search space becomes its inputs.
            from .sweep import search_space_inputs

            append.append(keyword_arg("inputs", search_space_inputs(sweep_inputs, ctx)))
        func = cst.Name(ctx.need("azure.ai.ml", "command"))
        return rebuild_call(node, func, SRC_PARAMS, mapping, append=append)

    @staticmethod
    def _command_expr(parts: list[tuple[str, str]], quote: str) -> cst.BaseExpression:
        if all(kind == "text" for kind, _ in parts):
            return cst.parse_expression(_quote("".join(text for _, text in parts), quote))
        body = "".join(
            text.replace("{", "{{").replace("}", "}}") if kind == "text" else "{" + text + "}" for kind, text in parts
        )
        literal_body = _quote(body, quote)
        return cst.parse_expression("f" + literal_body)


class RunConfigAttribute(Rule):
    """Settings written on a script run's `run_config` after it was created.

    ## Migration
    `environment`, `target` and `environment_variables` become arguments of
    `command(...)`: v2 checks the environment when the job is built, and a job whose
    `environment` is assigned afterwards is rejected on submission. The fix therefore
    builds the command job where the last of these settings was written. `.node_count`
    -> `job.set_resources(instance_count=...)`; `.max_run_duration_seconds` ->
    `job.set_limits(timeout=...)`.

    ## Fix safety
    Safe, together with the `ScriptRunConfig` it changes, when nothing uses the
    configuration between its construction and the setting.
    """

    code = "AML204"
    name = "run-config-attribute"
    on = "assign"
    statement_fix = True
    # Passed to command(...) (the construction moves here); v2 rejects them set later.
    folded = {"environment": "environment", "target": "compute", "environment_variables": "environment_variables"}
    # Set on the job object after construction.
    targets = {
        "environment": None,
        "target": None,
        "environment_variables": None,
        "node_count": ("call", "set_resources(instance_count={})"),
        "max_run_duration_seconds": ("call", "set_limits(timeout={})"),
    }
    symbols = tuple(f"{SRC}.run_config.{a}" for a in targets)
    message = "`{symbol}` is SDK v1; set it on the v2 command job"
    v2 = "command(..., environment=env, compute=...) / job.set_resources(instance_count=...)"
    url = DOCS["command"]
    safety = SAFE
    before = ARTICLE_V1
    after = ARTICLE_V2

    def check(self, site):
        stmt = site.stmt
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
            return Check(MANUAL, "only a plain assignment can be rewritten")
        b = site.tracked_receiver()
        if b is None:
            return Check(MANUAL, "cannot tell which ScriptRunConfig this is")
        value = site.consume(stmt.value)
        site.require(value)
        site.require_finding(site.inline(stmt.value))
        facts = {"value": site.source(stmt.value), "sole": site.sole()}
        return Check(self.safety, facts=facts)

    def fix(self, node, ctx):
        from ..fixes.rewrite import moved_statement

        if ctx.finding.facts.get("carry") is not None:
            return moved_statement(ctx.finding.facts["carry"], ctx)
        if ctx.finding.facts.get("fold_into") is not None:
            return remove_statement(ctx)
        attr = ctx.finding.symbol.rsplit(".", 1)[1]
        _, target = self.targets[attr]
        config = node.targets[0].target.value.value  # config.run_config.X -> config
        call = cst.parse_expression("_." + target.format("_value"))
        call = call.with_changes(func=call.func.with_changes(value=config))
        call = call.with_changes(args=[call.args[0].with_changes(value=node.value)])
        return cst.Expr(value=call)


class ExperimentSubmit(Rule):
    """Submit a run.

    ## Migration
    `ml_client.jobs.create_or_update(job, experiment_name=...)` submits the command job and
    returns a `Job` (not a Run); `tags=` is passed on.

    ## Fix safety
    Safe when the submitted configuration is a `ScriptRunConfig`, `AutoMLConfig`,
    `Pipeline` or `HyperDriveConfig` variable migrated in the same fix (a HyperDrive
    group is unsafe, see AML800). `show_output=True` made v1 wait and print the run's
    progress: the fix follows the submission with `ml_client.jobs.stream(run.name)`.
    """

    code = "AML205"
    name = "experiment-submit"
    symbols = (f"{EXPERIMENT}.submit",)
    message = "`Experiment.submit()` is SDK v1; submit with `ml_client.jobs.create_or_update(job, experiment_name=...)`"
    v2 = "ml_client.jobs.create_or_update(job, experiment_name=...)"
    url = DOCS["command"]
    safety = SAFE
    creates = BindingSpec(RUN, origin="submitted")
    before = ARTICLE_V1
    after = ARTICLE_V2

    def check(self, site):
        from .automl import AUTOML, AUTOML_RUN
        from .pipelines import PIPELINE, PIPELINE_RUN
        from .sweep import HD_CONFIG, HD_RUN

        if site.has_star_args() or set(site.keywords()) - {"config", "tags", "show_output"}:
            return Check(MANUAL, "only `config`, `tags` and `show_output` can be mapped")
        config = site.arg(0, "config")
        b = site.binding(config)
        inline = site.inline(config)
        kind = b.kind if b is not None else (inline.symbol if inline is not None else None)
        facts: dict = {}
        # What v1 returns depends on what is submitted: later calls on the run match its rules.
        submitted = {PIPELINE: PIPELINE_RUN, AUTOML: AUTOML_RUN, HD_CONFIG: HD_RUN}.get(kind or "")
        if submitted is not None:
            facts["creates_kind"] = submitted
        recv = site.receiver
        if recv is not None and recv.binding is not None and recv.binding.creator is not None:
            site.require(recv.binding)
            facts["experiment"] = recv.binding
            facts["workspace"] = workspace_of(recv.binding.creator)
        elif recv is not None and recv.finding is not None and isinstance(recv.finding.rule, ExperimentConstructor):
            site.absorb(recv.finding)
            facts["workspace"] = workspace_of(recv.finding)
        else:
            return Check(MANUAL, "cannot tell which experiment this is", facts=facts)
        if b is not None and b.kind in (SRC, AUTOML, PIPELINE, HD_CONFIG):
            site.consume(config)
            site.require(b)
        elif inline is not None and isinstance(inline.rule, ScriptRunConfigRule):
            site.require_finding(inline)
        else:
            return Check(MANUAL, "only ScriptRunConfig, AutoMLConfig, Pipeline and HyperDriveConfig variables are "
                                 "migrated automatically", facts=facts)
        show = site.arg(None, "show_output")
        if show is not None:
            ok, value = literal(show)
            if b is None or b.kind != AUTOML or not ok or not isinstance(value, bool):
                return Check(MANUAL, "`show_output` must be a literal True or False on an AutoML submission", facts=facts)
            if value:
                # v1 blocked and printed progress until the run ended: v2 streams the job.
                if not site.is_statement() and site.assigned_name() is None or not site.alone_on_line():
                    return Check(MANUAL, "`show_output=True` waits for the run: use the call as a statement of its own",
                                 facts=facts)
                facts["stream"] = site.assigned_name() or True
                facts["statement_fix"] = True
        if facts["workspace"] is None:
            return Check(MANUAL, "cannot tell which workspace the experiment belongs to", facts=facts)
        site.require(facts["workspace"])
        return Check(self.safety, facts=facts)

    def fix(self, node, ctx):
        stream = ctx.finding.facts.get("stream")
        if stream:
            call = node.value  # a statement fix: `run = experiment.submit(...)` or a bare call
            submit = self._submit(call, ctx)
            client = ctx.client()
            if isinstance(node, (cst.Assign, cst.AnnAssign)):
                return cst.FlattenSentinel([
                    assignment_line(node, submit),
                    cst.parse_statement(f"{client}.jobs.stream({stream}.name)\n"),
                ])
            code = cst.Module(body=[]).code_for_node(submit)
            return cst.parse_statement(f"{client}.jobs.stream({code}.name)\n")
        return self._submit(node, ctx)

    def _submit(self, node, ctx):
        params = ("config", "tags")
        experiment = ctx.finding.facts.get("experiment")
        if experiment is not None:
            name_value: cst.BaseExpression = cst.Name(ctx.name_of(experiment))
        else:
            inline = node.func.value
            name_value = arg_map(inline, EXPERIMENT_PARAMS)["name"].value
        func = cst.parse_expression(f"{ctx.client()}.jobs.create_or_update")
        return rebuild_call(
            node,
            func,
            params,
            {"config": lambda a: a.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT), "tags": "tags",
             "show_output": None},
            append=[keyword_arg("experiment_name", name_value)],
        )


class GetPortalUrl(Rule):
    """The studio link of a submitted run.

    ## Migration
    `returned_job.studio_url` (a property).

    ## Fix safety
    Safe, with the submission it depends on.
    """

    code = "AML206"
    name = "run-get-portal-url"
    symbols = (f"{RUN}.get_portal_url",)
    origin = "submitted"
    message = "`Run.get_portal_url()` is SDK v1; use the job's `studio_url`"
    v2 = "returned_job.studio_url"
    url = DOCS["command"]
    safety = SAFE
    before = ARTICLE_V1
    after = ARTICLE_V2

    def check(self, site):
        ok, ws = submitted_run(site)
        return Check(self.safety if ok else MANUAL, facts={"workspace": ws})

    def fix(self, node, ctx):
        return cst.Attribute(value=node.func.value, attr=cst.Name("studio_url"))


WIDGET = "azureml.widgets.RunDetails"


class RunDetailsWidget(Rule):
    """The notebook widget that follows a run (`RunDetails(run)`).

    ## Migration
    There is no v2 widget. `RunDetails(run).show()` becomes `print(run.studio_url)`: the
    studio page shows the job's progress, metrics and logs. To follow the logs in the
    notebook instead, call `ml_client.jobs.stream(run.name)` (it blocks until the job ends).

    ## Fix safety
    `RunDetails(run).show()` on a run submitted in this file: unsafe, because a link
    replaces the live widget. A widget kept in a variable is migrated by hand.
    """

    code = "AML211"
    name = "run-details-widget"
    symbols = (WIDGET,)
    message = "`RunDetails` (azureml-widgets) has no SDK v2 equivalent; print the job's `studio_url` or stream its logs"
    v2 = "print(returned_job.studio_url)  # or ml_client.jobs.stream(returned_job.name)"
    url = DOCS["command"]
    safety = MANUAL


class RunDetailsShow(Rule):
    """Show the notebook widget of a run (`RunDetails(run).show()`).

    ## Migration
    `print(run.studio_url)`, or `ml_client.jobs.stream(run.name)` to wait and print logs.

    ## Fix safety
    Unsafe: a studio link replaces the live widget. Only `RunDetails(run).show()` on a
    run submitted in this file is rewritten.
    """

    code = "AML212"
    name = "run-details-show"
    symbols = (f"{WIDGET}.show",)
    message = "`RunDetails(run).show()` has no SDK v2 equivalent; print the job's `studio_url`"
    v2 = "print(returned_job.studio_url)"
    url = DOCS["command"]
    safety = UNSAFE
    before = """\
from azureml.core import Experiment, ScriptRunConfig, Workspace
from azureml.widgets import RunDetails

ws = Workspace.from_config()
src = ScriptRunConfig(source_directory="src", script="train.py", compute_target="cpu-cluster", environment="my-env@latest")
run = Experiment(ws, "exp").submit(src)
RunDetails(run).show()
"""
    after = """\
from azure.ai.ml import MLClient, command
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
src = command(code="src", command="python train.py", compute="cpu-cluster", environment="my-env@latest")
run = ml_client.jobs.create_or_update(src, experiment_name="exp")
print(run.studio_url)
"""

    def check(self, site):
        recv = site.receiver
        widget = recv.finding if recv is not None and recv.binding is None else None
        if widget is None or not isinstance(widget.rule, RunDetailsWidget) or site.node.args or site.node.keywords:
            return Check(MANUAL, "only `RunDetails(run).show()` is rewritten")
        call = widget.node
        run = call_arg(call, 0, "run_instance") if len(call.args) + len(call.keywords) == 1 else None
        b = site.binding(run)
        if b is None or b.origin != "submitted" or b.creator is None:
            return Check(MANUAL, "the run must be submitted in this file")
        site.absorb(widget)
        site.consume(run)
        site.require(b)
        return Check(self.safety, "a studio link replaces the live widget", facts={"run": b})

    def fix(self, node, ctx):
        run = ctx.name_of(ctx.finding.facts["run"])
        return cst.parse_expression(f"print({run}.studio_url)")


class RunLookup(Rule):
    """Find existing runs (`Run(experiment, run_id)`, `experiment.get_runs()`, `run.parent`, ...).

    ## Migration
    A v1 run id is the v2 job name: `Run(experiment, run_id)` / `Run.get(ws, run_id)` ->
    `ml_client.jobs.get(run_id)`; `experiment.get_runs()` ->
    `ml_client.jobs.list()` filtered by `job.experiment_name` (or
    `mlflow.search_runs(experiment_names=[...])`); `run.get_children()` ->
    `ml_client.jobs.list(parent_job_name=run.name)`; `run.parent` -> the parent job's
    name is in `mlflow.get_run(run_id).data.tags["mlflow.parentRunId"]`;
    `Experiment.list(ws)` / `ws.experiments` -> `mlflow.search_experiments()`.

    ## Fix safety
    No automatic fix: the v2 objects are jobs, not runs, and have other members.
    """

    code = "AML213"
    name = "run-lookup"
    symbols = (RUN, f"{RUN}.get", f"{RUN}.get_children", f"{EXPERIMENT}.get_runs", f"{EXPERIMENT}.list")
    message = "`{symbol}` is SDK v1; look jobs up with `ml_client.jobs.get(name)` / `ml_client.jobs.list(...)`"
    v2 = "ml_client.jobs.get(run_id) / ml_client.jobs.list(parent_job_name=...)"
    url = DOCS["command"]
    safety = MANUAL


class RunLookupAttribute(RunLookup):
    """Related runs and experiments read as attributes (`run.parent`, `ws.experiments`).

    ## Migration
    `run.parent` -> the parent job's name is the tag
    `mlflow.get_run(run_id).data.tags["mlflow.parentRunId"]`; `ws.experiments` ->
    `mlflow.search_experiments()`.

    ## Fix safety
    No automatic fix.
    """

    code = "AML216"
    name = "run-lookup-attribute"
    on = "attribute"
    symbols = (f"{RUN}.parent", "azureml.core.Workspace.experiments")
    message = "`{symbol}` is SDK v1; find related jobs with MLflow (`mlflow.get_run`, `mlflow.search_experiments`)"
    v2 = 'mlflow.get_run(run_id).data.tags["mlflow.parentRunId"] / mlflow.search_experiments()'


class RunFiles(Rule):
    """Download or list a run's files (`download_file`, `download_files`, `get_file_names`).

    ## Migration
    `ml_client.jobs.download(name=run.name, download_path=..., all=True)` downloads the
    job's outputs and logs (`output_name=` for one named output); for single artifacts use
    `mlflow.artifacts.download_artifacts(run_id=run.name, artifact_path=...)` and list them
    with `mlflow.artifacts.list_artifacts(run_id=run.name)`.

    ## Fix safety
    No automatic fix: v1 paths are relative to the run's file store, v2's to its artifacts.
    """

    code = "AML214"
    name = "run-files"
    symbols = (f"{RUN}.download_file", f"{RUN}.download_files", f"{RUN}.get_file_names")
    message = "`{symbol}()` is SDK v1; download with `ml_client.jobs.download(...)` or `mlflow.artifacts.download_artifacts(...)`"
    v2 = "ml_client.jobs.download(name=run.name, download_path=..., all=True)"
    url = DOCS["command"]
    safety = MANUAL


class StartLogging(Rule):
    """Log interactively from a notebook (`experiment.start_logging()`).

    ## Migration
    `mlflow.set_tracking_uri(ml_client.workspaces.get(ml_client.workspace_name).mlflow_tracking_uri)`,
    `mlflow.set_experiment(<experiment name>)`, then `with mlflow.start_run() as run:` and
    `mlflow.log_metric(...)` inside (AML702-AML714 rewrite the logging calls).

    ## Fix safety
    No automatic fix.
    """

    code = "AML215"
    name = "experiment-start-logging"
    symbols = (f"{EXPERIMENT}.start_logging",)
    message = "`Experiment.start_logging()` is SDK v1; use `mlflow.set_experiment(...)` and `mlflow.start_run()`"
    v2 = "mlflow.set_experiment(name); with mlflow.start_run(): ..."
    url = DOCS["mlflow"]
    safety = MANUAL


class WaitForCompletion(Rule):
    """Block until a submitted run finishes.

    ## Migration
    `ml_client.jobs.stream(returned_job.name)` streams the logs and returns when the job
    reaches a terminal state; it raises when the job fails, like v1's `raise_on_error=True`.

    ## Fix safety
    Safe with `show_output=True`. Without it the fix is unsafe: `stream` always prints the
    logs. `raise_on_error=False` is migrated by hand (poll `ml_client.jobs.get(name).status`).
    """

    code = "AML207"
    name = "run-wait-for-completion"
    symbols = (f"{RUN}.wait_for_completion",)
    origin = "submitted"
    message = "`Run.wait_for_completion()` is SDK v1; use `ml_client.jobs.stream(job.name)`"
    v2 = "ml_client.jobs.stream(returned_job.name)"
    url = DOCS["command"]
    safety = SAFE
    before = """\
from azureml.core import Workspace, Experiment, ScriptRunConfig

ws = Workspace.from_config()
src = ScriptRunConfig(source_directory=".", script="train.py", compute_target="cpu", environment="AzureML-sklearn-1.0@latest")
run = Experiment(ws, "exp").submit(src)
run.wait_for_completion(show_output=True)
"""
    after = """\
from azure.ai.ml import MLClient, command
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
src = command(code=".", command="python train.py", compute="cpu", environment="AzureML-sklearn-1.0@latest")
run = ml_client.jobs.create_or_update(src, experiment_name="exp")
ml_client.jobs.stream(run.name)
"""

    def check(self, site):
        ok, ws = submitted_run(site)
        if not ok or ws is None:
            return Check(MANUAL, "cannot tell which job or workspace this is")
        site.require(ws)
        ok_raise, raise_on_error = literal(site.arg(2, "raise_on_error"))
        if site.arg(2, "raise_on_error") is not None and not (ok_raise and raise_on_error):
            return Check(MANUAL, "`raise_on_error=False` has no `stream` equivalent")
        ok_show, show = literal(site.arg(0, "show_output"))
        if ok_show and show is True:
            return Check(SAFE, facts={"workspace": ws})
        return Check(UNSAFE, "`stream` prints the logs, which v1 did only with show_output=True", facts={"workspace": ws})

    def fix(self, node, ctx):
        run = node.func.value
        call = cst.parse_expression(f"{ctx.client()}.jobs.stream(_.name)")
        name = cst.Attribute(value=run, attr=cst.Name("name"))
        return call.with_changes(args=[cst.Arg(value=name)])


class RunId(Rule):
    """The id of a submitted run.

    ## Migration
    `returned_job.name` is the job's id in v2.

    ## Fix safety
    Safe.
    """

    code = "AML208"
    name = "run-id"
    on = "attribute"
    symbols = (f"{RUN}.id",)
    origin = "submitted"
    message = "`Run.id` is SDK v1; a v2 job's id is its `name`"
    v2 = "returned_job.name"
    url = DOCS["command"]
    safety = SAFE

    def check(self, site):
        ok, ws = submitted_run(site)
        return Check(self.safety if ok else MANUAL, facts={"workspace": ws})

    def fix(self, node, ctx):
        return node.with_changes(attr=cst.Name("name"))


class GetStatus(Rule):
    """The status of a submitted run.

    ## Migration
    `ml_client.jobs.get(returned_job.name).status` fetches the current status.

    ## Fix safety
    Safe.
    """

    code = "AML209"
    name = "run-get-status"
    symbols = (f"{RUN}.get_status",)
    origin = "submitted"
    message = "`Run.get_status()` is SDK v1; use `ml_client.jobs.get(job.name).status`"
    v2 = "ml_client.jobs.get(returned_job.name).status"
    url = DOCS["command"]
    safety = SAFE

    def check(self, site):
        ok, ws = submitted_run(site)
        if not ok or ws is None:
            return Check(MANUAL, "cannot tell which job or workspace this is")
        site.require(ws)
        return Check(self.safety, facts={"workspace": ws})

    def fix(self, node, ctx):
        run = node.func.value
        expr = cst.parse_expression(f"{ctx.client()}.jobs.get(_.name).status")
        get = expr.value
        get = get.with_changes(args=[cst.Arg(value=cst.Attribute(value=run, attr=cst.Name("name")))])
        return expr.with_changes(value=get)


class GetMetrics(Rule):
    """Metrics of a finished run, read from the submitting script.

    ## Migration
    Point MLflow at the workspace (`mlflow.set_tracking_uri(ml_client.workspaces.get(
    ml_client.workspace_name).mlflow_tracking_uri)`, needs `azureml-mlflow`), then read
    `mlflow.get_run(returned_job.name).data.metrics`. v1 returned every logged value as a
    list; MLflow's `data.metrics` holds the last value (use
    `MlflowClient().get_metric_history(run_id, key)` for all of them).

    ## Fix safety
    No automatic fix: the result's shape changes.
    """

    code = "AML210"
    name = "run-get-metrics"
    symbols = (f"{RUN}.get_metrics",)
    origin = "submitted"
    message = "`Run.get_metrics()` is SDK v1; read metrics with MLflow (`mlflow.get_run(job.name).data.metrics`)"
    v2 = "mlflow.get_run(returned_job.name).data.metrics"
    url = DOCS["mlflow"]
    safety = MANUAL


class RunConfigurationRule(Rule):
    """A reusable run configuration object.

    ## Migration
    v2 has no RunConfiguration: its settings become arguments of `command(...)`:
    `target` -> `compute`, `environment` -> `environment`, `node_count` -> `instance_count`,
    `environment_variables` -> `environment_variables`, `max_run_duration_seconds` -> `timeout`,
    `docker.shm_size` -> `shm_size`, `mpi`/`pytorch`/`tensorflow` -> `distribution`.

    ## Fix safety
    No automatic fix yet: the settings are spread over several statements.
    """

    code = "AML220"
    name = "run-configuration"
    symbols = ("azureml.core.RunConfiguration",)
    message = "`RunConfiguration` is SDK v1; pass its settings to `azure.ai.ml.command(...)`"
    v2 = "azure.ai.ml.command(compute=..., environment=..., instance_count=..., ...)"
    url = DOCS["command"]
    safety = MANUAL
    creates = BindingSpec("azureml.core.RunConfiguration")


RULES = [
    ExperimentConstructor, ExperimentName, ScriptRunConfigRule, RunConfigAttribute, ExperimentSubmit,
    GetPortalUrl, WaitForCompletion, RunId, GetStatus, GetMetrics, RunConfigurationRule, RunDetailsWidget,
    RunDetailsShow, RunLookup, RunLookupAttribute, RunFiles, StartLogging,
]

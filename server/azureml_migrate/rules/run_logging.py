"""Logging inside the training script (AML7xx): `Run.get_context()` -> MLflow.

Inside an Azure ML job MLflow is already configured and a run is active, so the
`run = Run.get_context()` line goes away and each `run.log_*` call becomes an `mlflow`
call.  No tracking URI is set: locally the user's `MLFLOW_TRACKING_URI` applies.
"""

from __future__ import annotations

import ast
import posixpath

from ..fixes.lazy import cst

from ..astutil import is_string_expr, literal
from ..fixes.calls import arg_map, keyword_arg
from .base import DOCS, MANUAL, SAFE, UNSAFE, BindingSpec, Check, Rule, remove_statement

RUN = "azureml.core.Run"

TRAIN_V1 = """\
from azureml.core import Run

run = Run.get_context()
run.log("accuracy", 0.91, "final accuracy")
run.log("loss", 0.2, step=3)
"""
TRAIN_V2 = """\
import mlflow

mlflow.log_metric("accuracy", 0.91)
mlflow.log_metric("loss", 0.2, step=3)
"""


def _positional_free(node: cst.Call) -> list[cst.Arg]:
    return [a for a in node.args if not a.star]


def _context_run(site) -> bool:
    """The receiver is the job's own run (from `Run.get_context()`)."""
    recv = site.receiver
    if recv is None:
        return False
    if recv.finding is not None and recv.binding is None:
        site.absorb(recv.finding)  # `Run.get_context().log(...)`: the inline call goes away
    return True


class _MlflowCall(Rule):
    """Shared shape: `run.<method>(...)` on the context run -> `mlflow.<function>(...)`."""

    origin = "context"
    url = DOCS["mlflow"]
    params: tuple[str, ...] = ()

    def check(self, site):
        if not _context_run(site) or site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        return self.check_args(site)

    def check_args(self, site) -> Check:
        return Check(self.safety)

    def args(self, node: cst.Call) -> dict[str, cst.Arg]:
        return arg_map(node, self.params)


class GetContext(Rule):
    """The job's own run, inside the training script.

    ## Migration
    Delete it: inside an Azure ML job MLflow already has an active run, and interactively
    MLflow starts one on the first logging call. Every `run.log*` call becomes an `mlflow`
    call (see AML702-AML714).

    ## Fix safety
    Safe once every use of the variable is migrated; a use no rule can rewrite
    (`run.input_datasets`, passing `run` to a function) keeps the line.
    """

    code = "AML701"
    name = "run-get-context"
    symbols = (f"{RUN}.get_context",)
    message = "`Run.get_context()` is SDK v1; log with MLflow, which needs no run object inside a job"
    v2 = "(nothing: mlflow.log_metric(...) logs to the job's run)"
    url = DOCS["mlflow"]
    safety = SAFE
    statement_fix = True
    creates = BindingSpec(RUN, mode="delete", origin="context")
    before = TRAIN_V1
    after = TRAIN_V2

    def check(self, site):
        if site.assigned_name() is None or not site.alone_on_line():
            # Inline uses (`Run.get_context().log(...)`) are rewritten by the outer call.
            return Check(MANUAL, "only `run = Run.get_context()` on its own line is removed", facts={"inline": True})
        return Check(self.safety, facts={"sole": site.sole()})

    def fix(self, node, ctx):
        return remove_statement(ctx)


class Log(_MlflowCall):
    """Log a metric value.

    ## Migration
    `mlflow.log_metric(name, value, step=...)`. v1's third positional parameter is
    `description`, MLflow's is `step`: the description is dropped, never passed as a step.

    ## Fix safety
    Safe for numbers. A string value cannot be a metric (MLflow raises): the fix logs it
    with `mlflow.set_tag(name, value)` instead and is unsafe. A value whose type the code
    does not show is assumed numeric, as metric values are.
    """

    code = "AML702"
    name = "run-log"
    symbols = (f"{RUN}.log",)
    message = "`Run.log()` is SDK v1; use `mlflow.log_metric(name, value)`"
    v2 = "mlflow.log_metric(name, value, step=None)"
    safety = SAFE
    params = ("name", "value", "description", "step")
    before = TRAIN_V1
    after = TRAIN_V2

    def check_args(self, site):
        value = site.arg(1, "value")
        if value is None or site.arg(0, "name") is None:
            return Check(MANUAL, "name and value are required")
        if is_string_expr(value) or _assigned_string(site, value):
            return Check(UNSAFE, "a string is not a metric: the fix records it as a tag", facts={"as_tag": True})
        return Check(SAFE)

    def fix(self, node, ctx):
        a = self.args(node)
        if ctx.finding.facts.get("as_tag"):
            return cst.Call(func=ctx.mlflow("set_tag"), args=_two(a["name"], a["value"]))
        args = _two(a["name"], a["value"])
        if "step" in a:
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            args.append(keyword_arg("step", a["step"].value, a["step"]))
        return cst.Call(func=ctx.mlflow("log_metric"), args=args)


def _two(first: cst.Arg, second: cst.Arg) -> list[cst.Arg]:
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [cst.Arg(value=first.value, comma=comma), cst.Arg(value=second.value)]


def _assigned_string(site, expr: ast.expr) -> bool:
    """The value is a variable that this module assigns a string to somewhere."""
    return isinstance(expr, ast.Name) and expr.id in site.analyzer.string_names


class LogList(_MlflowCall):
    """Log a list of values under one name.

    ## Migration
    One `mlflow.log_metric(name, value, step=i)` per element, in a loop: the step keeps
    the order (Microsoft's sample logs every element at step 0).

    ## Fix safety
    Safe; the call must be a statement on its own line.
    """

    code = "AML703"
    name = "run-log-list"
    symbols = (f"{RUN}.log_list",)
    message = "`Run.log_list()` is SDK v1; log each value with `mlflow.log_metric(name, value, step=i)`"
    v2 = "for step, value in enumerate(values): mlflow.log_metric(name, value, step=step)"
    safety = SAFE
    statement_fix = True
    params = ("name", "value", "description")
    before = """\
from azureml.core import Run

run = Run.get_context()
run.log_list("curve", [0.5, 0.7, 0.9])
"""
    after = """\
import mlflow

for step, value in enumerate([0.5, 0.7, 0.9]):
    mlflow.log_metric("curve", value, step=step)
"""

    def check_args(self, site):
        if not site.is_statement() or not site.alone_on_line():
            return Check(MANUAL, "only a `run.log_list(...)` statement on its own line is rewritten")
        if site.arg(0, "name") is None or site.arg(1, "value") is None:
            return Check(MANUAL, "name and value are required")
        return Check(self.safety)

    def fix(self, node, ctx):
        call = node.value
        a = self.args(call)
        step, value = ctx.fresh("step", "i"), ctx.fresh("value", "v")
        mod = cst.Module(body=[])
        code = (
            f"for {step}, {value} in enumerate({mod.code_for_node(a['value'].value)}):\n"
            f"    {ctx.need('mlflow')}.log_metric({mod.code_for_node(a['name'].value)}, {value}, step={step})\n"
        )
        return cst.parse_statement(code)


class LogRow(_MlflowCall):
    """Log one row of a table metric.

    ## Migration
    `mlflow.log_metrics({"<name>.<column>": value, ...})`: one metric per column.

    ## Fix safety
    Safe with explicit keyword columns; `**columns` is migrated by hand.
    """

    code = "AML704"
    name = "run-log-row"
    symbols = (f"{RUN}.log_row",)
    message = "`Run.log_row()` is SDK v1; use `mlflow.log_metrics({...})`"
    v2 = 'mlflow.log_metrics({"name.col": value})'
    safety = SAFE
    params = ("name", "description")
    before = """\
from azureml.core import Run

run = Run.get_context()
run.log_row("scores", epoch=1, f1=0.8)
"""
    after = """\
import mlflow

mlflow.log_metrics({"scores.epoch": 1, "scores.f1": 0.8})
"""

    def check_args(self, site):
        if site.arg(0, "name") is None:
            return Check(MANUAL, "the row name is required")
        return Check(self.safety)

    def fix(self, node, ctx):
        a = self.args(node)
        name = a["name"].value
        mod = cst.Module(body=[])
        literal_name = name.evaluated_value if isinstance(name, cst.SimpleString) else None
        items = []
        for arg in node.args:
            if arg.keyword is None or arg.keyword.value in ("name", "description"):
                continue
            col = arg.keyword.value
            if isinstance(literal_name, str):
                key = repr(f"{literal_name}.{col}").replace("'", '"') if '"' not in literal_name else repr(f"{literal_name}.{col}")
            else:
                key = 'f"{' + mod.code_for_node(name) + '}.' + col + '"'
            items.append(f"{key}: {mod.code_for_node(arg.value)}")
        return cst.parse_expression(f"{ctx.need('mlflow')}.log_metrics({{{', '.join(items)}}})")


class LogTable(_MlflowCall):
    """Log a table (a dict of columns).

    ## Migration
    `mlflow.log_dict(value, "<name>.json")` stores it as a JSON artifact.

    ## Fix safety
    Unsafe: a table metric becomes an artifact (shown under Outputs, not Metrics).
    """

    code = "AML705"
    name = "run-log-table"
    symbols = (f"{RUN}.log_table",)
    message = "`Run.log_table()` is SDK v1; log the table as an artifact with `mlflow.log_dict(value, name + \".json\")`"
    v2 = 'mlflow.log_dict(table, "name.json")'
    safety = UNSAFE
    params = ("name", "value", "description")

    def check_args(self, site):
        if site.arg(0, "name") is None or site.arg(1, "value") is None:
            return Check(MANUAL, "name and value are required")
        return Check(self.safety, "the table becomes a JSON artifact")

    def fix(self, node, ctx):
        a = self.args(node)
        value = cst.Module(body=[]).code_for_node(a["value"].value)
        return cst.parse_expression(f"{ctx.need('mlflow')}.log_dict({value}, {_artifact_name(a['name'].value, '.json')})")


def _artifact_name(name: cst.BaseExpression, suffix: str) -> str:
    mod = cst.Module(body=[])
    if isinstance(name, cst.SimpleString) and isinstance(name.evaluated_value, str):
        return repr(name.evaluated_value + suffix).replace("'", '"') if '"' not in name.evaluated_value else repr(name.evaluated_value + suffix)
    return f'f"{{{mod.code_for_node(name)}}}{suffix}"'


class LogImage(_MlflowCall):
    """Log an image file or a matplotlib figure.

    ## Migration
    A file (`path=`): `mlflow.log_artifact(path)`. A figure (`plot=`):
    `mlflow.log_figure(figure, "<name>.png")`; v1 accepted the `pyplot` module, MLflow
    needs a Figure, so `plt` becomes `plt.gcf()`.

    ## Fix safety
    Unsafe: the image is stored as an artifact, and a file keeps its own name rather than
    the metric name.
    """

    code = "AML706"
    name = "run-log-image"
    symbols = (f"{RUN}.log_image",)
    message = "`Run.log_image()` is SDK v1; use `mlflow.log_artifact(path)` or `mlflow.log_figure(fig, name + \".png\")`"
    v2 = 'mlflow.log_figure(plt.gcf(), "name.png") / mlflow.log_artifact(path)'
    safety = UNSAFE
    params = ("name", "path", "plot", "description")

    def check_args(self, site):
        path, plot = site.arg(1, "path"), site.arg(2, "plot")
        if (path is None) == (plot is None) or site.arg(0, "name") is None:
            return Check(MANUAL, "exactly one of path or plot is required")
        return Check(self.safety, "the image becomes an artifact")

    def fix(self, node, ctx):
        a = self.args(node)
        mod = cst.Module(body=[])
        if "path" in a:
            return cst.parse_expression(f"{ctx.need('mlflow')}.log_artifact({mod.code_for_node(a['path'].value)})")
        plot = a["plot"].value
        figure = mod.code_for_node(plot)
        if isinstance(plot, cst.Name) and plot.value in ("plt", "pyplot"):
            figure += ".gcf()"
        return cst.parse_expression(
            f"{ctx.need('mlflow')}.log_figure({figure}, {_artifact_name(a['name'].value, '.png')})"
        )


class UploadFile(_MlflowCall):
    """Upload a file to the run's outputs.

    ## Migration
    `mlflow.log_artifact(local_path, artifact_path=<folder of name>)`. The argument order
    is reversed (v1: destination name first), and MLflow keeps the local file name.

    ## Fix safety
    Safe when both are literals with the same file name; otherwise unsafe (the stored
    name may change).
    """

    code = "AML707"
    name = "run-upload-file"
    symbols = (f"{RUN}.upload_file",)
    message = "`Run.upload_file()` is SDK v1; use `mlflow.log_artifact(local_path, artifact_path=...)` (arguments reversed)"
    v2 = "mlflow.log_artifact(local_path, artifact_path=folder)"
    safety = SAFE
    params = ("name", "path_or_stream", "datastore_name")
    before = """\
from azureml.core import Run

run = Run.get_context()
run.upload_file("outputs/model.pkl", "model.pkl")
"""
    after = """\
import mlflow

mlflow.log_artifact("model.pkl", artifact_path="outputs")
"""

    def check_args(self, site):
        name, path = site.arg(0, "name"), site.arg(1, "path_or_stream")
        if name is None or path is None:
            return Check(MANUAL, "name and path are required")
        ok_n, n = literal(name)
        ok_p, p = literal(path)
        if ok_n and ok_p and isinstance(n, str) and isinstance(p, str):
            if posixpath.basename(n) == posixpath.basename(p.replace("\\", "/")):
                return Check(SAFE, facts={"folder": posixpath.dirname(n)})
            return Check(UNSAFE, "MLflow stores the file under its local name", facts={"folder": posixpath.dirname(n)})
        folder = posixpath.dirname(n) if ok_n and isinstance(n, str) else None
        return Check(UNSAFE, "MLflow stores the file under its local name", facts={"folder": folder})

    def fix(self, node, ctx):
        a = self.args(node)
        mod = cst.Module(body=[])
        folder = ctx.finding.facts.get("folder")
        extra = f', artifact_path="{folder}"' if folder else ""
        return cst.parse_expression(
            f"{ctx.need('mlflow')}.log_artifact({mod.code_for_node(a['path_or_stream'].value)}{extra})"
        )


class UploadFolder(_MlflowCall):
    """Upload a folder to the run's outputs.

    ## Migration
    `mlflow.log_artifacts(local_dir, artifact_path=name)` (arguments reversed).

    ## Fix safety
    Safe.
    """

    code = "AML708"
    name = "run-upload-folder"
    symbols = (f"{RUN}.upload_folder",)
    message = "`Run.upload_folder()` is SDK v1; use `mlflow.log_artifacts(local_dir, artifact_path=name)`"
    v2 = "mlflow.log_artifacts(local_dir, artifact_path=name)"
    safety = SAFE
    params = ("name", "path", "datastore_name")

    def check_args(self, site):
        if site.arg(0, "name") is None or site.arg(1, "path") is None:
            return Check(MANUAL, "name and path are required")
        return Check(self.safety)

    def fix(self, node, ctx):
        a = self.args(node)
        mod = cst.Module(body=[])
        return cst.parse_expression(
            f"{ctx.need('mlflow')}.log_artifacts({mod.code_for_node(a['path'].value)}, "
            f"artifact_path={mod.code_for_node(a['name'].value)})"
        )


class Tag(_MlflowCall):
    """Set one tag.

    ## Migration
    `mlflow.set_tag(key, value)`; v1's default value `None` becomes `""`.

    ## Fix safety
    Safe.
    """

    code = "AML709"
    name = "run-tag"
    symbols = (f"{RUN}.tag",)
    message = "`Run.tag()` is SDK v1; use `mlflow.set_tag(key, value)`"
    v2 = "mlflow.set_tag(key, value)"
    safety = SAFE
    params = ("key", "value")
    before = """\
from azureml.core import Run

run = Run.get_context()
run.tag("stage", "dev")
run.tag("reviewed")
"""
    after = """\
import mlflow

mlflow.set_tag("stage", "dev")
mlflow.set_tag("reviewed", "")
"""

    def check_args(self, site):
        if site.arg(0, "key") is None:
            return Check(MANUAL, "the key is required")
        return Check(self.safety)

    def fix(self, node, ctx):
        a = self.args(node)
        value = a["value"] if "value" in a else cst.Arg(cst.SimpleString('""'))
        return cst.Call(func=ctx.mlflow("set_tag"), args=_two(a["key"], value))


class SetTags(_MlflowCall):
    """Set several tags.

    ## Migration
    `mlflow.set_tags(tags)`.

    ## Fix safety
    Safe.
    """

    code = "AML710"
    name = "run-set-tags"
    symbols = (f"{RUN}.set_tags",)
    message = "`Run.set_tags()` is SDK v1; use `mlflow.set_tags(tags)`"
    v2 = "mlflow.set_tags(tags)"
    safety = SAFE
    params = ("tags",)

    def check_args(self, site):
        return Check(self.safety if site.arg(0, "tags") is not None else MANUAL)

    def fix(self, node, ctx):
        return cst.Call(func=ctx.mlflow("set_tags"), args=[cst.Arg(self.args(node)["tags"].value)])


class AddProperties(_MlflowCall):
    """Add immutable run properties.

    ## Migration
    MLflow has no properties: `mlflow.set_tags(properties)`.

    ## Fix safety
    Unsafe: tags can be changed later, properties could not.
    """

    code = "AML711"
    name = "run-add-properties"
    symbols = (f"{RUN}.add_properties",)
    message = "`Run.add_properties()` is SDK v1; MLflow has tags only: `mlflow.set_tags(properties)`"
    v2 = "mlflow.set_tags(properties)"
    safety = UNSAFE
    params = ("properties",)

    def check_args(self, site):
        if site.arg(0, "properties") is None:
            return Check(MANUAL)
        return Check(self.safety, "properties become (mutable) tags")

    def fix(self, node, ctx):
        return cst.Call(func=ctx.mlflow("set_tags"), args=[cst.Arg(self.args(node)["properties"].value)])


class Complete(_MlflowCall):
    """Mark the run completed.

    ## Migration
    `mlflow.end_run()`. Inside a job the run ends by itself, so the line can usually go.

    ## Fix safety
    Safe.
    """

    code = "AML712"
    name = "run-complete"
    symbols = (f"{RUN}.complete",)
    message = "`Run.complete()` is SDK v1; use `mlflow.end_run()`"
    v2 = "mlflow.end_run()"
    safety = SAFE

    def fix(self, node, ctx):
        return cst.Call(func=ctx.mlflow("end_run"), args=[])


class Fail(_MlflowCall):
    """Mark the run failed.

    ## Migration
    `mlflow.end_run(status="FAILED")`; error details are not recorded.

    ## Fix safety
    Unsafe when error details are passed (they are dropped).
    """

    code = "AML713"
    name = "run-fail"
    symbols = (f"{RUN}.fail",)
    message = "`Run.fail()` is SDK v1; use `mlflow.end_run(status=\"FAILED\")`"
    v2 = 'mlflow.end_run(status="FAILED")'
    safety = SAFE

    def check_args(self, site):
        if site.node.args or site.keywords():
            return Check(UNSAFE, "error details are dropped")
        return Check(self.safety)

    def fix(self, node, ctx):
        return cst.parse_expression(f'{ctx.need("mlflow")}.end_run(status="FAILED")')


class ContextRunId(Rule):
    """The id of the job's run, inside the training script.

    ## Migration
    `mlflow.active_run().info.run_id`.

    ## Fix safety
    Safe.
    """

    code = "AML714"
    name = "run-context-id"
    on = "attribute"
    origin = "context"
    symbols = (f"{RUN}.id",)
    message = "`Run.id` is SDK v1; use `mlflow.active_run().info.run_id`"
    v2 = "mlflow.active_run().info.run_id"
    url = DOCS["mlflow"]
    safety = SAFE

    def check(self, site):
        _context_run(site)
        return Check(self.safety)

    def fix(self, node, ctx):
        return cst.parse_expression(f"{ctx.need('mlflow')}.active_run().info.run_id")


class RunSecrets(Rule):
    """Read secrets from inside a run (`run.get_secret(name)`, `run.get_secrets(names)`).

    ## Migration
    Read them with the Key Vault client library under the job's identity:
    `SecretClient(vault_url="https://<vault>.vault.azure.net",
    credential=ManagedIdentityCredential()).get_secret(name).value` (grant the compute's
    or job's identity `get` on secrets), or pass non-sensitive values as job inputs.

    ## Fix safety
    No automatic fix: the vault URL and the identity are not known from the code.
    """

    code = "AML715"
    name = "run-get-secret"
    symbols = (f"{RUN}.get_secret", f"{RUN}.get_secrets")
    message = "`{symbol}()` is SDK v1 and v2 has no secrets API; read the secret with `azure.keyvault.secrets.SecretClient`"
    v2 = "SecretClient(vault_url=..., credential=ManagedIdentityCredential()).get_secret(name).value"
    url = DOCS["upgrade"]
    safety = MANUAL


class RunDatasets(Rule):
    """The datasets handed to a run (`run.input_datasets["name"]`, `run.output_datasets`).

    ## Migration
    A v2 job hands every input and output to the script on its command line: the job
    declares `inputs={"data": Input(path=...)}` and `command="python train.py --data
    ${{inputs.data}}"`, and the script reads the path (a mounted or downloaded folder or
    file, or a URI) with `argparse`. There is no dictionary of datasets at run time.

    ## Fix safety
    No automatic fix: the job's command line is written where the job is submitted.
    """

    code = "AML716"
    name = "run-datasets"
    on = "attribute"
    symbols = (f"{RUN}.input_datasets", f"{RUN}.output_datasets")
    message = ("`{symbol}` is SDK v1; a v2 job passes each input and output as a path on the script's command "
               "line (`${{inputs.<name>}}`): read it with `argparse`")
    v2 = 'argparse: command="python train.py --data ${{inputs.data}}"'
    url = DOCS["upgrade"]
    safety = MANUAL


class RunWorkspace(Rule):
    """The workspace of the run, inside the training script (`run.experiment.workspace`).

    ## Migration
    Connect a v2 `MLClient` to the job's workspace from the variables Azure ML sets in
    every job: `MLClient(credential, subscription_id=os.environ["AZUREML_ARM_SUBSCRIPTION"],
    resource_group_name=os.environ["AZUREML_ARM_RESOURCEGROUP"],
    workspace_name=os.environ["AZUREML_ARM_WORKSPACE_NAME"])`. The credential is
    `AzureMLOnBehalfOfCredential()` (from `azure.ai.ml.identity`, for a job submitted with
    `identity=UserIdentityConfiguration()`) or the compute's managed identity. The v1 calls
    made on the workspace then become `ml_client` calls.

    ## Fix safety
    No automatic fix: which identity the job runs as is decided where it is submitted.
    """

    code = "AML717"
    name = "run-workspace"
    on = "attribute"
    symbols = (f"{RUN}.experiment.workspace",)
    message = ("`{symbol}` is SDK v1; inside a v2 job, connect `MLClient(AzureMLOnBehalfOfCredential(), "
               "subscription_id=..., resource_group_name=..., workspace_name=...)` from the AZUREML_ARM_SUBSCRIPTION, "
               "AZUREML_ARM_RESOURCEGROUP and AZUREML_ARM_WORKSPACE_NAME variables")
    v2 = 'MLClient(AzureMLOnBehalfOfCredential(), subscription_id=os.environ["AZUREML_ARM_SUBSCRIPTION"], ...)'
    url = DOCS["upgrade"]
    safety = MANUAL


RULES = [
    GetContext, Log, LogList, LogRow, LogTable, LogImage, UploadFile, UploadFolder, Tag, SetTags,
    AddProperties, Complete, Fail, ContextRunId, RunSecrets, RunDatasets, RunWorkspace,
]

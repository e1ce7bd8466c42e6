"""Environments and conda dependencies (AML3xx): `azure.ai.ml.entities.Environment`.

v2 environments need a Docker image (or build context); v1 silently used its default
CPU image.  Fixes name that image explicitly (setting `default_image`).
"""

from __future__ import annotations

import ast

from ..fixes.lazy import cst

from ..astutil import literal
from ..fixes.calls import keyword_arg, rebuild_call
from .base import DOCS, MANUAL, SAFE, UNSAFE, BindingSpec, Check, Rule, remove_statement

ENV = "azureml.core.Environment"
CONDA = "azureml.core.conda_dependencies.CondaDependencies"
V2_ENV = ("azure.ai.ml.entities", "Environment")


def _image_arg(ctx) -> cst.Arg:
    return keyword_arg("image", ctx.default_image())


class EnvironmentConstructor(Rule):
    """An environment defined by attribute writes after construction.

    ## Migration
    `azure.ai.ml.entities.Environment(name=..., image=...)`. Later writes map to
    attributes: `env.docker.base_image = X` -> `env.image = X`,
    `env.python.conda_dependencies = cd` -> `env.conda_file = cd`.

    ## Fix safety
    Unsafe: a bare v1 environment built a conda environment with python and
    `azureml-defaults` on top of the default image; the v2 environment is the image as is
    unless a conda file is set.
    """

    code = "AML301"
    name = "environment-constructor"
    symbols = (ENV,)
    message = "`Environment(name)` is SDK v1; use `azure.ai.ml.entities.Environment(name=..., image=...)`"
    v2 = "azure.ai.ml.entities.Environment(name=..., image=..., conda_file=...)"
    url = DOCS["environment"]
    safety = UNSAFE
    creates = BindingSpec(ENV)
    before = """\
from azureml.core import Environment

env = Environment("my-env")
env.docker.base_image = "mcr.microsoft.com/azureml/curated/sklearn:1"
"""
    after = """\
from azure.ai.ml.entities import Environment

env = Environment(name="my-env", image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1")
env.image = "mcr.microsoft.com/azureml/curated/sklearn:1"
"""

    def check(self, site):
        if site.has_star_args() or set(site.keywords()) - {"name"}:
            return Check(MANUAL, "only `name` can be mapped")
        return Check(self.safety)

    def fix(self, node, ctx):
        cls = ctx.need(*V2_ENV)
        return rebuild_call(node, cst.Name(cls), ("name",), {"name": "name"}, append=[_image_arg(ctx)])


class FromCondaSpecification(Rule):
    """An environment from a conda YAML file.

    ## Migration
    `Environment(name=..., conda_file=<path>, image=...)`. v2 requires an image; the fix
    uses the image v1 used by default (azureml-core 1.61's `DEFAULT_CPU_IMAGE`).
    Microsoft's sample pins an Ubuntu 18.04 image instead.

    ## Fix safety
    Safe.
    """

    code = "AML302"
    name = "environment-from-conda-specification"
    symbols = (f"{ENV}.from_conda_specification",)
    message = "`Environment.from_conda_specification()` is SDK v1; use `Environment(name=..., conda_file=..., image=...)`"
    v2 = "azure.ai.ml.entities.Environment(name=..., conda_file=..., image=...)"
    url = DOCS["command"]
    safety = SAFE
    creates = BindingSpec(ENV)
    params = ("name", "file_path")
    before = """\
from azureml.core import Environment

env = Environment.from_conda_specification(name="pytorch-env", file_path="pytorch-env.yml")
"""
    after = """\
from azure.ai.ml.entities import Environment

env = Environment(name="pytorch-env", conda_file="pytorch-env.yml", image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1")
"""

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        return Check(self.safety)

    def fix(self, node, ctx):
        cls = ctx.need(*V2_ENV)
        return rebuild_call(
            node, cst.Name(cls), self.params, {"name": "name", "file_path": "conda_file"}, append=[_image_arg(ctx)]
        )


class FromPipRequirements(Rule):
    """An environment from a pip requirements file.

    ## Migration
    v2 environments take a conda file, not a requirements file. Write a conda YAML whose
    `dependencies` list `python`, `pip` and a `pip:` section with the requirements, then
    `Environment(name=..., conda_file="conda.yml", image=...)`; or build from a Docker
    context whose Dockerfile runs `pip install -r requirements.txt`.

    ## Fix safety
    No automatic fix: it needs a new file.
    """

    code = "AML303"
    name = "environment-from-pip-requirements"
    symbols = (f"{ENV}.from_pip_requirements",)
    message = "`Environment.from_pip_requirements()` is SDK v1 and has no v2 equivalent; convert the requirements to a conda file"
    v2 = "azure.ai.ml.entities.Environment(name=..., conda_file='conda.yml', image=...)"
    url = DOCS["environment"]
    safety = MANUAL
    creates = BindingSpec(ENV)


class FromDockerImage(Rule):
    """An environment from a Docker image.

    ## Migration
    `Environment(name=..., image=..., conda_file=...)`. `container_registry` (private
    registry credentials) becomes a workspace connection and `pip_requirements` a conda
    file: both by hand.

    ## Fix safety
    Safe without `container_registry` and `pip_requirements`.
    """

    code = "AML304"
    name = "environment-from-docker-image"
    symbols = (f"{ENV}.from_docker_image",)
    message = "`Environment.from_docker_image()` is SDK v1; use `Environment(name=..., image=...)`"
    v2 = "azure.ai.ml.entities.Environment(name=..., image=...)"
    url = DOCS["environment"]
    safety = SAFE
    creates = BindingSpec(ENV)
    params = ("name", "image", "container_registry", "conda_specification", "pip_requirements")
    before = """\
from azureml.core import Environment

env = Environment.from_docker_image("my-env", "myregistry.azurecr.io/train:1")
"""
    after = """\
from azure.ai.ml.entities import Environment

env = Environment(name="my-env", image="myregistry.azurecr.io/train:1")
"""

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        if site.arg(2, "container_registry") is not None:
            return Check(MANUAL, "`container_registry` credentials become a workspace connection in v2")
        if site.arg(4, "pip_requirements") is not None:
            return Check(MANUAL, "`pip_requirements` must become a conda file in v2")
        return Check(self.safety)

    def fix(self, node, ctx):
        cls = ctx.need(*V2_ENV)
        mapping = {"name": "name", "image": "image", "conda_specification": "conda_file"}
        return rebuild_call(node, cst.Name(cls), self.params, mapping)


class EnvironmentGet(Rule):
    """A registered environment.

    ## Migration
    `ml_client.environments.get(name, version=...)`. v2 requires a version or a label;
    v1 without a version meant the latest, which becomes `label="latest"`.

    ## Fix safety
    Safe with an explicit version. Without one the fix is unsafe: `label="latest"` is
    resolved by the service and may differ from v1's notion of the latest version.
    """

    code = "AML305"
    name = "environment-get"
    symbols = (f"{ENV}.get",)
    message = "`Environment.get()` is SDK v1; use `ml_client.environments.get(name, version=... or label=\"latest\")`"
    v2 = 'ml_client.environments.get(name, label="latest")'
    url = DOCS["environment"]
    safety = SAFE
    creates = BindingSpec(ENV)
    params = ("workspace", "name", "version", "label")
    before = """\
from azureml.core import Workspace, Environment

ws = Workspace.from_config()
env = Environment.get(ws, "AzureML-sklearn-1.0", version="3")
"""
    after = """\
from azure.ai.ml import MLClient
from azure.identity import DefaultAzureCredential

ml_client = MLClient.from_config(DefaultAzureCredential())
env = ml_client.environments.get("AzureML-sklearn-1.0", version="3")
"""

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        ws = site.workspace(0, "workspace")
        if ws is None:
            return Check(MANUAL, "cannot tell which workspace this is")
        facts = {"workspace": ws}
        if site.arg(2, "version") is None and site.arg(3, "label") is None:
            return Check(UNSAFE, 'no version given: the fix asks for label="latest"', facts={**facts, "latest": True})
        return Check(self.safety, facts=facts)

    def fix(self, node, ctx):
        func = cst.parse_expression(f"{ctx.client()}.environments.get")
        append = [keyword_arg("label", cst.SimpleString('"latest"'))] if ctx.finding.facts.get("latest") else []
        return rebuild_call(
            node,
            func,
            self.params,
            {"workspace": None, "name": lambda a: a.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)},
            append=append,
        )


class CondaDependenciesCreate(Rule):
    """Conda dependencies built in code.

    ## Migration
    v2's `Environment(conda_file=...)` accepts a dict with the same content as a conda
    YAML. The fix writes what v1 generated: channels `anaconda` and `conda-forge`,
    `python=<python_version>` (v1's default is 3.10.18), the conda packages, and a `pip:`
    section with the pip packages.

    ## Fix safety
    Unsafe: v1 added `azureml-defaults` when no pip packages were given, and the dict
    has only what the code names. Add `mlflow` and `azureml-mlflow` if the job logs with
    MLflow. (`pin_sdk_version` pins nothing in azureml-core 1.61 and is dropped.)
    """

    code = "AML306"
    name = "conda-dependencies-create"
    symbols = (f"{CONDA}.create",)
    message = "`CondaDependencies.create()` is SDK v1; pass a conda dict or YAML file as `conda_file=`"
    v2 = 'Environment(conda_file={"channels": [...], "dependencies": ["python=3.10", "pip", {"pip": [...]}]}, image=...)'
    url = DOCS["environment"]
    safety = UNSAFE
    creates = BindingSpec(CONDA)
    params = ("pip_indexurl", "pip_packages", "conda_packages", "python_version", "pin_sdk_version")
    default_python = "3.10.18"  # azureml-core 1.61's PYTHON_DEFAULT_VERSION
    before = """\
from azureml.core.conda_dependencies import CondaDependencies

cd = CondaDependencies.create(pip_packages=["scikit-learn"], python_version="3.10")
"""
    after = """\
cd = {"channels": ["anaconda", "conda-forge"], "dependencies": ["python=3.10", "pip", {"pip": ["scikit-learn"]}]}
"""

    def check(self, site):
        if site.has_star_args():
            return Check(MANUAL, "arguments passed with * or ** cannot be mapped")
        if site.arg(0, "pip_indexurl") is not None:
            return Check(MANUAL, "`pip_indexurl` must be written into the pip section by hand")
        for i, p in ((1, "pip_packages"), (2, "conda_packages"), (3, "python_version")):
            expr = site.arg(i, p)
            if expr is not None and site.source(expr) == "":
                return Check(MANUAL, f"`{p}` cannot be read")
        return Check(self.safety)

    def fix(self, node, ctx):
        values = {}
        names = list(self.params)
        positional = [a for a in node.args if a.keyword is None]
        for i, a in enumerate(positional):
            values[names[i]] = a.value
        for a in node.args:
            if a.keyword is not None:
                values[a.keyword.value] = a.value
        module = cst.Module(body=[])
        python = values.get("python_version")
        deps = [f'f"python={{{module.code_for_node(python)}}}"' if python is not None and not isinstance(python, cst.SimpleString)
                else f'"python={python.evaluated_value if python is not None else self.default_python}"']
        conda = values.get("conda_packages")
        if conda is not None:
            deps.append(f"*{module.code_for_node(conda)}")
        pip = values.get("pip_packages")
        if pip is not None:
            deps += ['"pip"', '{"pip": ' + module.code_for_node(pip) + "}"]
        return cst.parse_expression(
            '{"channels": ["anaconda", "conda-forge"], "dependencies": [' + ", ".join(deps) + "]}"
        )


class EnvironmentAttribute(Rule):
    """Settings written on a v1 environment after construction.

    ## Migration
    `env.docker.base_image = X` -> `env.image = X`; `env.python.conda_dependencies = cd`
    -> `env.conda_file = cd` (a dict or a YAML path); `env.docker.enabled = ...` and
    `env.python.user_managed_dependencies = ...` are removed (v2 always runs in Docker, and
    an environment without a conda file uses the image's Python as is).

    ## Fix safety
    Safe, together with the environment it changes.
    """

    code = "AML307"
    name = "environment-attribute"
    on = "assign"
    statement_fix = True
    targets = {
        "docker.base_image": "image",
        "python.conda_dependencies": "conda_file",
        "docker.enabled": None,
        "python.user_managed_dependencies": None,
    }
    symbols = tuple(f"{ENV}.{a}" for a in targets)
    message = "`{symbol}` is SDK v1; set the v2 `Environment` attribute instead"
    v2 = "env.image = ... / env.conda_file = ..."
    url = DOCS["environment"]
    safety = SAFE
    before = EnvironmentConstructor.before
    after = EnvironmentConstructor.after

    def check(self, site):
        stmt = site.stmt
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
            return Check(MANUAL, "only a plain assignment can be rewritten")
        b = site.tracked_receiver()
        if b is None:
            return Check(MANUAL, "cannot tell which environment this is")
        attr = site.symbol[len(ENV) + 1:]
        if self.targets[attr] is None:
            ok, _ = literal(stmt.value)
            if not ok:
                return Check(MANUAL, "the value is not a literal")
            if not site.alone_on_line():
                return Check(MANUAL, "the statement shares its line")
            return Check(self.safety, facts={"remove": True, "sole": site.sole()})
        value = site.consume(stmt.value)
        site.require(value)
        site.require_finding(site.inline(stmt.value))
        return Check(self.safety)

    def fix(self, node, ctx):
        if ctx.finding.facts.get("remove"):
            return remove_statement(ctx)
        attr = ctx.finding.symbol[len(ENV) + 1:]
        target = node.targets[0].target  # env.docker.base_image
        env = target.value.value
        new = cst.Attribute(value=env, attr=cst.Name(self.targets[attr]))
        return node.with_changes(targets=[node.targets[0].with_changes(target=new)])


class CondaDependenciesEdit(Rule):
    """Packages added to or removed from a v1 `CondaDependencies` object
    (`conda.add_pip_package("numpy")`, `env.python.conda_dependencies.add_conda_package(...)`).

    ## Migration
    A v2 `Environment` takes a conda file: write the packages in the YAML passed as
    `Environment(image=..., conda_file="conda.yml")`, conda packages and channels under
    `dependencies:` and `channels:`, pip packages in a `- pip:` list under `dependencies:`.

    ## Fix safety
    No automatic fix: the object is changed step by step, and the file it becomes is
    written by hand.
    """

    code = "AML308"
    name = "conda-dependencies-edit"
    methods = ("add_conda_package", "add_pip_package", "add_channel", "remove_conda_package", "remove_pip_package",
               "remove_channel")
    symbols = (*(f"{CONDA}.{m}" for m in methods), *(f"{ENV}.python.conda_dependencies.{m}" for m in methods))
    message = ("`{symbol}()` is SDK v1; a v2 environment takes a conda file: write the packages in the YAML "
               "passed as `Environment(image=..., conda_file=...)` (`dependencies:`, and `- pip:` for pip packages)")
    v2 = 'Environment(image=..., conda_file="conda.yml")'
    url = DOCS["environment"]
    safety = MANUAL


RULES = [
    EnvironmentConstructor, FromCondaSpecification, FromPipRequirements, FromDockerImage, EnvironmentGet,
    CondaDependenciesCreate, EnvironmentAttribute, CondaDependenciesEdit,
]

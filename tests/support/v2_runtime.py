"""Run migrated v2 code against the real azure-ai-ml / MLflow, with only the network faked.

``run_submission_script(source, workdir)``
    Executes job-submission code in this process with ``cwd=workdir``.  While it
    runs, the credential classes of ``azure.identity`` are replaced by fakes (they
    are subclasses of the real classes, check their arguments against the real
    ``__init__`` signature, and hand out a dummy token), and ``azure.ai.ml.MLClient``
    (also ``azure.ai.ml._ml_client.MLClient``, which the real ``from_config``
    calls) is replaced by a subclass of the real ``MLClient``.  That subclass runs
    the real constructor (telemetry off; it makes no network call) and the real
    ``from_config`` (so ``config.json`` is really searched for and parsed), then
    swaps every operation group (``jobs``, ``environments``, ``compute``, ``data``,
    ``datastores``, ``models``, ``online_endpoints``, ``online_deployments``,
    ``batch_endpoints``, ``batch_deployments``, ``components``, ``schedules``,
    ``workspaces``, ...) for a recorder, both behind the public properties and in
    the client's internal operations table (so ``ml_client.create_or_update(job)``
    reaches the same recorder).

    A recorder only accepts methods the real operations class has, and binds the
    arguments against the real method's signature, so a wrong method name or
    keyword fails as it would against Azure.  The client-side checks the real
    operations make before calling the service are repeated: ``get`` of an
    environment/model/data needs a version or a label; ``jobs.create_or_update``
    runs the job's validation, its component's validation (input names) and the
    validation of an inline ``Environment`` (image or build required), and
    ``environments.create_or_update`` validates the environment; switch the
    validations (not the version/label check) off with ``validate=False``.
    ``jobs.create_or_update`` returns the job with a fake ``name`` (if it had none)
    and a Studio ``services`` entry, so ``returned_job.studio_url`` works.
    ``begin_*`` return a poller whose ``.result()`` is the entity passed in;
    ``get`` returns a plausible entity (or a MagicMock); ``list`` returns ``[]``.
    Override any of this with ``responses={("models", "get"): callable}``.

    The patches are module attributes, so ``from azure.ai.ml import MLClient`` inside
    the executed source picks them up; everything is restored afterwards.

``run_training_script(source, workdir, argv=())``
    Runs a training script in a subprocess (``python3``) with a file MLflow store
    under ``workdir/mlruns`` and reads back every run of every experiment.
"""

from __future__ import annotations

import builtins
import contextlib
import inspect
import io
import itertools
import json
import os
import subprocess
import sys
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple
from unittest import mock

DEFAULT_WORKSPACE_CONFIG = {
    "subscription_id": "00000000-0000-0000-0000-000000000000",
    "resource_group": "fake-rg",
    "workspace_name": "fake-ws",
}

# ----------------------------------------------------------------------------------------
# Records
# ----------------------------------------------------------------------------------------


@dataclass
class Call:
    group: str  # operation group ("jobs", "models", ...) or "client" for MLClient methods
    method: str
    args: Tuple[Any, ...]
    kwargs: Dict[str, Any]
    result: Any = None


@dataclass
class SubmittedJob:
    job: Any  # the real azure-ai-ml entity that was passed to create_or_update
    kwargs: Dict[str, Any]  # keyword arguments of that create_or_update call
    summary: Dict[str, Any]  # job_summary() of ``converted``, taken at submission time
    converted: Any = None  # what the real client would serialize (a Sweep node becomes a SweepJob)


@dataclass
class SubmissionRecord:
    client_args: List[Dict[str, Any]] = field(default_factory=list)
    credentials: List[Dict[str, Any]] = field(default_factory=list)
    calls: List[Call] = field(default_factory=list)
    submitted: List[SubmittedJob] = field(default_factory=list)
    stdout: str = ""
    namespace: Dict[str, Any] = field(default_factory=dict)

    @property
    def jobs(self) -> List[Any]:
        """The job objects given to ``jobs.create_or_update`` (real azure-ai-ml entities), in order."""
        return [s.job for s in self.submitted]

    def calls_to(self, group: str, method: Optional[str] = None) -> List[Call]:
        return [c for c in self.calls if c.group == group and (method is None or c.method == method)]

    def job_summary(self, job: Any) -> Dict[str, Any]:
        """Summary of a job as it was submitted (or, for a job never submitted, as it is now)."""
        for sub in self.submitted:
            if sub.job is job or sub.converted is job:
                return dict(sub.summary)
        return job_summary(job)

    def job_summaries(self) -> List[Dict[str, Any]]:
        return [dict(s.summary) for s in self.submitted]


class SubmissionScriptError(RuntimeError):
    """The executed source raised; ``record`` holds what was recorded up to then."""

    def __init__(self, message: str, record: SubmissionRecord):
        super().__init__(message)
        self.record = record


# ----------------------------------------------------------------------------------------
# Job summaries
# ----------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """azure-ai-ml input/output/distribution objects -> plain dicts and values."""
    from azure.ai.ml.entities._inputs_outputs.base import _InputOutputBase

    data = getattr(value, "_data", value) if type(value).__name__ in ("NodeInput", "NodeOutput") else value
    if isinstance(data, _InputOutputBase):
        try:
            return {k: v for k, v in data._to_dict().items() if v is not None}
        except Exception:  # noqa: BLE001
            return {k: v for k, v in vars(data).items() if not k.startswith("_") and v is not None}
    if isinstance(data, Mapping):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_plain(v) for v in data]
    if data is None or isinstance(data, (str, int, float, bool)):
        return data
    if hasattr(data, "__dict__"):
        return {k: _plain(v) for k, v in vars(data).items() if not k.startswith("_") and v is not None}
    return data


def _environment_summary(env: Any) -> Optional[Dict[str, Any]]:
    if env is None:
        return None
    if isinstance(env, str):
        return {"reference": env}
    build = getattr(env, "build", None)
    conda = getattr(env, "conda_file", None)
    if isinstance(conda, (str, os.PathLike)):
        conda = {"path": str(conda)}
    return {
        "name": getattr(env, "name", None),
        "version": getattr(env, "version", None),
        "image": getattr(env, "image", None),
        "conda_file": _plain(conda) if conda is not None else None,
        "build": None if build is None else {"path": getattr(build, "path", None), "dockerfile_path": getattr(build, "dockerfile_path", None)},
    }


def _resource(resources: Any, name: str) -> Any:
    if resources is None:
        return None
    if isinstance(resources, Mapping):
        return resources.get(name)
    return getattr(resources, name, None)


def job_summary(job: Any, create_kwargs: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """Plain-data view of a v2 job: the fields a v1 ScriptRunConfig/Experiment described.

    Works for ``Command`` nodes (from ``command()``), ``CommandJob``, and sweeps
    (``Sweep`` nodes and ``SweepJob``): their command fields come from the trial,
    and a ``sweep`` section is added.  In a ``SweepJob`` the trial command refers
    to search-space inputs as ``${{search_space.<name>}}``, as it is serialized.
    """
    create_kwargs = dict(create_kwargs or {})
    kind = type(job).__name__
    is_sweep = kind in ("Sweep", "SweepJob")
    src = job.trial if is_sweep else job

    resources = getattr(job, "resources", None) if not is_sweep else None
    resources = resources or getattr(src, "resources", None)
    limits = getattr(job, "limits", None)
    distribution = (getattr(job, "distribution", None) if not is_sweep else None) or getattr(src, "distribution", None)
    inputs = dict(getattr(job, "inputs", None) or {})
    search_space = dict(getattr(job, "search_space", None) or {}) if is_sweep else {}
    summary: Dict[str, Any] = {
        "type": kind,
        "name": getattr(job, "name", None),
        "display_name": getattr(job, "display_name", None),
        "description": getattr(job, "description", None),
        "tags": dict(getattr(job, "tags", None) or {}),
        "code": _plain(getattr(src, "code", None)),
        "command": getattr(src, "command", None),
        "compute": getattr(job, "compute", None) or create_kwargs.get("compute"),
        "environment": _environment_summary(getattr(src, "environment", None)),
        "experiment_name": getattr(job, "experiment_name", None) or create_kwargs.get("experiment_name"),
        "inputs": {k: _plain(v) for k, v in inputs.items() if k not in search_space or kind == "Sweep"},
        "outputs": {k: _plain(v) for k, v in (getattr(job, "outputs", None) or {}).items()},
        "distribution": _plain(distribution),
        "instance_count": _resource(resources, "instance_count"),
        "instance_type": _resource(resources, "instance_type"),
        "shm_size": _resource(resources, "shm_size"),
        "docker_args": _resource(resources, "docker_args"),
        "timeout": getattr(limits, "timeout", None) if limits is not None else None,
        "environment_variables": dict(getattr(src, "environment_variables", None) or {}),
    }
    if is_sweep:
        objective = getattr(job, "objective", None)
        sampling = getattr(job, "sampling_algorithm", None)
        summary["sweep"] = {
            "primary_metric": getattr(objective, "primary_metric", None),
            "goal": getattr(objective, "goal", None),
            "sampling_algorithm": sampling if isinstance(sampling, str) or sampling is None else getattr(sampling, "type", None),
            "limits": None if limits is None else {
                name: getattr(limits, name, None)
                for name in ("max_total_trials", "max_concurrent_trials", "timeout", "trial_timeout")
            },
            "early_termination": _plain(getattr(job, "early_termination", None)),
            "search_space": {k: _plain(v) for k, v in search_space.items()},
        }
    return summary


# ----------------------------------------------------------------------------------------
# Fakes
# ----------------------------------------------------------------------------------------


class FakePoller:
    """Stands in for azure.core.polling.LROPoller."""

    def __init__(self, result: Any = None):
        self._result = result

    def result(self, timeout: Optional[float] = None) -> Any:
        return self._result

    def wait(self, timeout: Optional[float] = None) -> None:
        return None

    def done(self) -> bool:
        return True

    def status(self) -> str:
        return "Succeeded"

    def polling_method(self) -> Any:
        return mock.MagicMock()


def _fake_token():
    from azure.core.credentials import AccessToken

    return AccessToken("fake-token", 4102444800)  # 2100-01-01


def _make_fake_credentials(record: SubmissionRecord) -> Dict[str, type]:
    import azure.identity as identity

    fakes: Dict[str, type] = {}
    for name in identity.__all__:
        real = getattr(identity, name, None)
        if not (inspect.isclass(real) and hasattr(real, "get_token")):
            continue
        real_sig = inspect.signature(real.__init__)

        def __init__(self, *args, __real=real, __sig=real_sig, **kwargs):  # noqa: N807
            bound = __sig.bind(self, *args, **kwargs)  # TypeError like the real class
            arguments = dict(bound.arguments)
            arguments.pop("self", None)
            self._fake_arguments = arguments
            record.credentials.append({"type": __real.__name__, "args": args, "kwargs": dict(kwargs)})

        def get_token(self, *scopes, **kwargs):
            return _fake_token()

        def get_token_info(self, *scopes, options=None):
            from azure.core.credentials import AccessTokenInfo

            return AccessTokenInfo("fake-token", 4102444800)

        namespace = {
            "__init__": __init__,
            "get_token": get_token,
            "get_token_info": get_token_info,
            "close": lambda self: None,
            "__enter__": lambda self: self,
            "__exit__": lambda self, *exc: None,
            "__del__": lambda self: None,
            "__repr__": lambda self, __n=name: f"<fake {__n}>",
            "__module__": real.__module__,
            "_fake_of": real,
        }
        fakes[name] = type(name, (real,), namespace)
    return fakes


def _credential_type(credential: Any) -> Optional[str]:
    if credential is None:
        return None
    real = getattr(type(credential), "_fake_of", None)
    return real.__name__ if real is not None else type(credential).__name__


def _operation_groups() -> Dict[str, type]:
    """MLClient property name -> operations class, from the properties' return annotations."""
    from azure.ai.ml import MLClient

    groups: Dict[str, type] = {}
    for name, member in vars(MLClient).items():
        if name.startswith("_") or not isinstance(member, property) or member.fget is None:
            continue
        try:
            ret = typing.get_type_hints(member.fget).get("return")
        except Exception:  # noqa: BLE001
            continue
        if inspect.isclass(ret) and ret.__name__.endswith("Operations"):
            groups[name] = ret
    return groups


_counter = itertools.count(1)


def _magic(**attrs: Any) -> mock.MagicMock:
    m = mock.MagicMock()
    for key, value in attrs.items():
        setattr(m, key, value)
    return m


def _plausible_get(group: str, client: Any, bound: Dict[str, Any]) -> Any:
    from azure.ai.ml import entities

    name = bound.get("name") or bound.get("endpoint_name") or "fake"
    version = bound.get("version") or "1"
    try:
        if group == "environments":
            return entities.Environment(
                name=name, version=str(version), image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest"
            )
        if group == "models":
            return entities.Model(
                name=name, version=str(version), path=f"azureml://jobs/fake_job/outputs/artifacts/paths/{name}/"
            )
        if group == "data":
            return entities.Data(
                name=name, version=str(version), type="uri_folder",
                path=f"azureml://datastores/workspaceblobstore/paths/{name}/",
            )
        if group == "compute":
            return entities.AmlCompute(name=name, size="STANDARD_DS3_V2")
        if group == "datastores":
            return entities.AzureBlobDatastore(
                name=name if "name" in bound and bound["name"] else "workspaceblobstore",
                account_name="fakestorage", container_name="fakecontainer",
            )
        if group == "online_endpoints":
            return entities.ManagedOnlineEndpoint(name=name)
        if group == "batch_endpoints":
            return entities.BatchEndpoint(name=name)
        if group == "workspaces":
            return entities.Workspace(name=name or client.workspace_name, location="westeurope")
        if group == "jobs":
            return _magic(name=name, status="Completed", studio_url=f"https://ml.azure.com/runs/{name}")
    except Exception:  # noqa: BLE001 - fall back to a mock below
        pass
    return _magic(name=name, version=version)


class OperationsRecorder:
    """Replaces one operation group of MLClient; records calls, returns canned results."""

    def __init__(self, group: str, real_class: type, client: Any, session: "_Session"):
        self._group = group
        self._real_class = real_class
        self._client = client
        self._session = session

    def __repr__(self) -> str:
        return f"<recorded {self._real_class.__name__} ({self._group})>"

    def __getattr__(self, method: str) -> Any:
        if method.startswith("_"):
            raise AttributeError(f"recorded {self._real_class.__name__} has no private attribute {method!r}")
        try:
            raw = inspect.getattr_static(self._real_class, method)
        except AttributeError:
            raise AttributeError(f"'{self._real_class.__name__}' object has no attribute '{method}'") from None
        if isinstance(raw, property):
            return mock.MagicMock(name=f"{self._group}.{method}")
        func = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
        if not callable(func):
            return raw
        sig = inspect.signature(func)
        drop_self = not isinstance(raw, staticmethod)

        def recorded(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = sig.bind(None, *args, **kwargs) if drop_self else sig.bind(*args, **kwargs)
            except TypeError as exc:
                raise TypeError(f"{self._real_class.__name__}.{method}(): {exc}") from None
            arguments = dict(bound.arguments)
            if drop_self:
                arguments.pop(next(iter(sig.parameters)), None)
            call = Call(self._group, method, args, dict(kwargs))
            self._session.record.calls.append(call)
            call.result = self._session.respond(self._group, method, self._client, args, kwargs, arguments)
            return call.result

        recorded.__name__ = method
        recorded.__qualname__ = f"{self._real_class.__name__}.{method}"
        return recorded


class _Session:
    def __init__(
        self,
        record: SubmissionRecord,
        validate: bool,
        responses: Optional[Mapping[Tuple[str, str], Callable[..., Any]]],
    ):
        self.record = record
        self.validate = validate
        self.responses = dict(responses or {})
        self.pending_from_config: Optional[Dict[str, Any]] = None

    # --- client-side checks the real operations make before any network call ---------
    def precheck(self, group: str, method: str, bound: Dict[str, Any]) -> None:
        from azure.ai.ml.exceptions import ValidationException

        if method == "get" and group in ("environments", "models", "data"):
            version, label = bound.get("version"), bound.get("label")
            if version and label:
                raise ValidationException(message="Cannot specify both version and label.",
                                          no_personal_data_message="Cannot specify both version and label.")
            if not version and not label:
                raise ValidationException(message="Must provide either version or label.",
                                          no_personal_data_message="Must provide either version or label.")
        if self.validate and group == "environments" and method == "create_or_update":
            env = bound.get("environment")
            if hasattr(env, "validate"):
                env.validate()  # the real method serializes it, which validates (image or build required)

    # --- canned behaviour ------------------------------------------------------------
    def respond(self, group: str, method: str, client: Any, args, kwargs, bound: Dict[str, Any]) -> Any:
        self.precheck(group, method, bound)
        if (group, method) in self.responses:
            return self.responses[(group, method)](*args, **kwargs)
        if group == "jobs" and method == "create_or_update":
            return self._submit_job(client, bound)
        if method.startswith("begin_"):
            entity = next(iter(bound.values()), None) if bound else None
            if method in ("begin_delete", "begin_cancel", "begin_start", "begin_stop", "begin_restart"):
                entity = None
            return FakePoller(entity)
        if method in ("create_or_update", "create", "update", "archive", "restore"):
            return next(iter(bound.values()), None) if method != "archive" else None
        if method == "get" or method == "get_default":
            return _plausible_get(group, client, bound)
        if method.startswith("list"):
            return []
        if method in ("stream", "download", "delete", "get_logs"):
            return "" if method == "get_logs" else None
        if method == "invoke" and group == "online_endpoints":
            return "{}"
        return _magic(name=f"{group}.{method}()")

    def _submit_job(self, client: Any, bound: Dict[str, Any]) -> Any:
        from azure.ai.ml.entities import Command, Spark
        from azure.ai.ml.entities._builders import BaseNode
        from azure.ai.ml.entities._job.job_service import JobService

        original = job = bound["job"]
        create_kwargs = {k: v for k, v in bound.items() if k != "job"}
        extra = create_kwargs.pop("kwargs", {}) or {}
        create_kwargs.update(extra)
        # what the real JobOperations.create_or_update does before talking to the service
        if isinstance(job, BaseNode) and not isinstance(job, (Command, Spark)):
            job = job._to_job()
        for attr in ("description", "compute", "tags", "experiment_name"):
            if create_kwargs.get(attr) is not None:
                setattr(job, attr, create_kwargs[attr])
        if self.validate and not create_kwargs.get("skip_validation"):
            validator = getattr(job, "_validate", None)
            if validator is not None:
                validator(raise_error=True)
            component = getattr(job, "component", None) if isinstance(job, Command) else None
            if component is not None and hasattr(component, "_validate"):
                # the service rejects what component validation rejects (e.g. input names with '-')
                component._validate(raise_error=True)
            # the real method registers an inline Environment before submitting, and that
            # serialization validates it ("Docker image or Dockerfile is required ...")
            # (only Sweep has a trial; on a Command node any unknown attribute is an _AttrDict)
            trial = job.trial if type(job).__name__ == "Sweep" else None
            for holder in (job, trial):
                env = getattr(holder, "environment", None) if holder is not None else None
                if env is not None and not isinstance(env, str) and hasattr(env, "validate"):
                    env.validate()
        summary = job_summary(job, create_kwargs)
        self.record.submitted.append(SubmittedJob(original, create_kwargs, summary, converted=job))
        if not getattr(job, "name", None):
            job.name = f"fake_job_{next(_counter)}"
        ws = f"/subscriptions/{client.subscription_id}/resourcegroups/{client.resource_group_name}/workspaces/{client.workspace_name}"
        url = f"https://ml.azure.com/runs/{job.name}?wsid={ws}"
        try:
            job.services = {**(getattr(job, "services", None) or {}), "Studio": JobService(endpoint=url)}
        except Exception:  # noqa: BLE001 - some job types have no settable services
            pass
        return job


def _make_fake_ml_client(session: _Session) -> type:
    from azure.ai.ml import MLClient as RealMLClient

    groups = _operation_groups()
    init_sig = inspect.signature(RealMLClient.__init__)

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: N807
        bound = init_sig.bind(self, *args, **kwargs)
        arguments = dict(bound.arguments)
        arguments.pop("self")
        extra = arguments.pop("kwargs", {}) or {}
        entry: Dict[str, Any] = {
            "via": "MLClient",
            "credential_type": _credential_type(arguments.get("credential")),
            "credential": arguments.get("credential"),
            "subscription_id": arguments.get("subscription_id"),
            "resource_group_name": arguments.get("resource_group_name"),
            "workspace_name": arguments.get("workspace_name"),
            "registry_name": arguments.get("registry_name"),
            "kwargs": dict(extra),
        }
        if session.pending_from_config is not None:
            entry.update(session.pending_from_config)
            entry["via"] = "from_config"
            session.pending_from_config = None
        session.record.client_args.append(entry)
        real_kwargs = dict(extra)
        real_kwargs["enable_telemetry"] = False
        RealMLClient.__init__(
            self,
            arguments.get("credential"),
            arguments.get("subscription_id"),
            arguments.get("resource_group_name"),
            arguments.get("workspace_name"),
            arguments.get("registry_name"),
            **real_kwargs,
        )
        recorders: Dict[str, OperationsRecorder] = {}
        real_ops: Dict[int, str] = {}
        for group, ops_class in groups.items():
            try:
                real_ops[id(vars(RealMLClient)[group].fget(self))] = group
            except Exception:  # noqa: BLE001 - some groups need extra configuration
                pass
            recorders[group] = OperationsRecorder(group, ops_class, self, session)
        self._recorders = recorders
        table = self._operation_container.all_operations
        for key, op in list(table.items()):
            if id(op) in real_ops:
                table[key] = recorders[real_ops[id(op)]]

    @classmethod
    def from_config(cls, *args: Any, **kwargs: Any):  # noqa: ANN206
        sig = inspect.signature(RealMLClient.from_config)
        bound = sig.bind(*args, **kwargs)  # TypeError like the real one (credential is required)
        arguments = dict(bound.arguments)
        session.pending_from_config = {
            "from_config": {
                "credential_type": _credential_type(arguments.get("credential")),
                "path": arguments.get("path"),
                "file_name": arguments.get("file_name"),
                "kwargs": dict(arguments.get("kwargs", {}) or {}),
            },
            "path": arguments.get("path"),
            "file_name": arguments.get("file_name"),
        }
        try:
            return RealMLClient.from_config.__func__(cls, *args, **kwargs)
        finally:
            session.pending_from_config = None

    def create_or_update(self, entity: Any, **kwargs: Any) -> Any:
        session.record.calls.append(Call("client", "create_or_update", (entity,), dict(kwargs)))
        return RealMLClient.create_or_update(self, entity, **kwargs)

    def begin_create_or_update(self, entity: Any, **kwargs: Any) -> Any:
        session.record.calls.append(Call("client", "begin_create_or_update", (entity,), dict(kwargs)))
        return RealMLClient.begin_create_or_update(self, entity, **kwargs)

    namespace: Dict[str, Any] = {
        "__init__": __init__,
        "from_config": from_config,
        "create_or_update": create_or_update,
        "begin_create_or_update": begin_create_or_update,
        "__module__": RealMLClient.__module__,
        "_is_fake": True,
    }
    for group in groups:
        namespace[group] = property(lambda self, _g=group: self._recorders[_g])
    return type("MLClient", (RealMLClient,), namespace)


# ----------------------------------------------------------------------------------------
# run_submission_script
# ----------------------------------------------------------------------------------------


def run_submission_script(
    source: str,
    workdir: Path,
    *,
    argv: Sequence[str] = (),
    filename: str = "submit_job.py",
    workspace_config: Optional[Mapping[str, str]] = DEFAULT_WORKSPACE_CONFIG,
    validate: bool = True,
    responses: Optional[Mapping[Tuple[str, str], Callable[..., Any]]] = None,
) -> SubmissionRecord:
    """Execute v2 job-submission ``source`` in-process with cwd=workdir and record what it does.

    ``workspace_config`` is written to ``workdir/config.json`` unless that file exists
    (pass None to write nothing, e.g. to test that a missing config fails).  The
    source is written to ``workdir/filename`` and executed as ``__main__``.  Raises
    ``SubmissionScriptError`` (with ``.record``) if the source raises.
    """
    import azure.ai.ml
    import azure.ai.ml._ml_client as ml_client_module
    import azure.identity

    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    if workspace_config is not None and not (workdir / "config.json").exists():
        (workdir / "config.json").write_text(json.dumps(dict(workspace_config), indent=2), encoding="utf-8")
    script = workdir / filename
    script.write_text(source, encoding="utf-8")

    record = SubmissionRecord()
    session = _Session(record, validate, responses)
    fake_client = _make_fake_ml_client(session)
    fake_credentials = _make_fake_credentials(record)

    stdout = io.StringIO()
    namespace: Dict[str, Any] = {"__name__": "__main__", "__file__": str(script), "__builtins__": builtins}
    old_cwd, old_argv, old_path = os.getcwd(), sys.argv[:], sys.path[:]
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.object(azure.ai.ml, "MLClient", fake_client))
        stack.enter_context(mock.patch.object(ml_client_module, "MLClient", fake_client))
        for name, fake in fake_credentials.items():
            stack.enter_context(mock.patch.object(azure.identity, name, fake))
        try:
            os.chdir(workdir)
            sys.argv = [str(script), *argv]
            sys.path.insert(0, str(workdir))
            code = compile(source, str(script), "exec", dont_inherit=True)
            with contextlib.redirect_stdout(stdout):
                exec(code, namespace)  # noqa: S102 - our own migrated fixture output
        except BaseException as exc:  # noqa: BLE001 - SystemExit from argparse too
            record.stdout = stdout.getvalue()
            record.namespace = namespace
            if isinstance(exc, SystemExit) and not exc.code:
                return record
            raise SubmissionScriptError(f"{filename} raised {type(exc).__name__}: {exc}", record) from exc
        finally:
            os.chdir(old_cwd)
            sys.argv = old_argv
            sys.path[:] = old_path
    record.stdout = stdout.getvalue()
    record.namespace = namespace
    return record


# ----------------------------------------------------------------------------------------
# run_training_script
# ----------------------------------------------------------------------------------------


@dataclass
class RunRecord:
    run_id: str
    run_name: Optional[str]
    experiment_name: str
    status: str
    metrics: Dict[str, List[Tuple[int, float]]]  # key -> [(step, value)] ordered by (timestamp, step)
    params: Dict[str, str]
    tags: Dict[str, str]  # without mlflow.* system tags
    system_tags: Dict[str, str]
    artifacts: List[str]  # files, relative to the run's artifact root, sorted
    parent_run_id: Optional[str]

    def latest_metrics(self) -> Dict[str, float]:
        return {k: v[-1][1] for k, v in self.metrics.items() if v}


@dataclass
class TrackingRecord:
    runs: List[RunRecord]
    experiments: List[str]
    stdout: str
    stderr: str
    tracking_uri: str

    @property
    def run(self) -> RunRecord:
        """The only run (fails if the script made zero or several runs)."""
        if len(self.runs) != 1:
            raise AssertionError(f"expected exactly one MLflow run, found {len(self.runs)}: {[r.run_name for r in self.runs]}")
        return self.runs[0]


class TrainingScriptError(RuntimeError):
    def __init__(self, message: str, returncode: int, stdout: str, stderr: str):
        super().__init__(message)
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def _list_artifacts(client: Any, run_id: str, path: Optional[str] = None) -> List[str]:
    out: List[str] = []
    for info in client.list_artifacts(run_id, path):
        if info.is_dir:
            out.extend(_list_artifacts(client, run_id, info.path))
        else:
            out.append(info.path)
    return out


def read_tracking_store(tracking_uri: str) -> Tuple[List[str], List[RunRecord]]:
    """Every run of every experiment in an MLflow store, oldest first."""
    from mlflow.entities import ViewType
    from mlflow.tracking import MlflowClient

    with mock.patch.dict(os.environ, {"MLFLOW_ALLOW_FILE_STORE": "true"}):
        client = MlflowClient(tracking_uri=tracking_uri)
        experiments = client.search_experiments(view_type=ViewType.ALL)
        names = {e.experiment_id: e.name for e in experiments}
        runs: List[RunRecord] = []
        if experiments:
            found = client.search_runs(
                experiment_ids=list(names), run_view_type=ViewType.ALL, max_results=10000,
                order_by=["attributes.start_time ASC"],
            )
            for run in found:
                run_id = run.info.run_id
                metrics: Dict[str, List[Tuple[int, float]]] = {}
                for key in sorted(run.data.metrics):
                    history = client.get_metric_history(run_id, key)
                    history = sorted(history, key=lambda m: (m.timestamp, m.step))
                    metrics[key] = [(m.step, m.value) for m in history]
                tags = dict(run.data.tags)
                runs.append(
                    RunRecord(
                        run_id=run_id,
                        run_name=run.info.run_name,
                        experiment_name=names.get(run.info.experiment_id, run.info.experiment_id),
                        status=run.info.status,
                        metrics=metrics,
                        params=dict(run.data.params),
                        tags={k: v for k, v in tags.items() if not k.startswith("mlflow.")},
                        system_tags={k: v for k, v in tags.items() if k.startswith("mlflow.")},
                        artifacts=sorted(_list_artifacts(client, run_id)),
                        parent_run_id=tags.get("mlflow.parentRunId"),
                    )
                )
    return sorted(names.values()), runs


def run_training_script(
    source: str,
    workdir: Path,
    argv: Sequence[str] = (),
    *,
    filename: str = "train.py",
    env: Optional[Mapping[str, str]] = None,
    timeout: float = 300,
    python: str = sys.executable,
) -> TrackingRecord:
    """Run an MLflow training script in a subprocess and read back what it logged.

    The child gets ``MLFLOW_TRACKING_URI=file:<workdir>/mlruns`` and
    ``MLFLOW_ALLOW_FILE_STORE=true``; any other ``MLFLOW_*`` variable of this
    process is removed so the run is isolated (``env`` adds or overrides).
    Raises ``TrainingScriptError`` with the script's stderr on a non-zero exit.
    """
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    script = workdir / filename
    script.write_text(source, encoding="utf-8")
    tracking_uri = f"file:{workdir / 'mlruns'}"
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    child_env.update({"MLFLOW_TRACKING_URI": tracking_uri, "MLFLOW_ALLOW_FILE_STORE": "true", "PYTHONUNBUFFERED": "1"})
    child_env.update(env or {})
    proc = subprocess.run(
        [python, str(script), *map(str, argv)],
        cwd=workdir, env=child_env, capture_output=True, text=True, timeout=timeout,
    )
    if proc.returncode != 0:
        raise TrainingScriptError(
            f"{filename} exited with {proc.returncode}; stderr:\n{proc.stderr}", proc.returncode, proc.stdout, proc.stderr
        )
    experiments, runs = read_tracking_store(child_env["MLFLOW_TRACKING_URI"])
    return TrackingRecord(runs=runs, experiments=experiments, stdout=proc.stdout, stderr=proc.stderr, tracking_uri=tracking_uri)

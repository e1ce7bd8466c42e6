"""Signature facts for tests: SDK v1 from a committed snapshot, SDK v2 from the installed packages.

v1 (``azureml.*``) cannot be installed next to azure-ai-ml, so its facts come from
``tests/signatures/v1_snapshot.json``, written by ``generate_v1_snapshot.py`` in a
venv of its own.  v2 facts (azure-ai-ml, azure-identity, mlflow) are read live
from whatever is installed, by importing the named object and inspecting it.

Parameter lists never contain ``self``/``cls``.  ``*_param_names`` return the
named parameters only (no ``*args``/``**kwargs``); the full lists, with kinds and
defaults, are in ``v1_symbol(...)["params"]`` and ``v2_params(...)``.

How a v2 dotted path is resolved (``_resolve``):

* the longest importable prefix is imported as a module, the rest is walked with
  attribute access;
* on a class, the last component is looked up statically through the MRO
  (``inspect.getattr_static``), so staticmethod / classmethod / property /
  method / attribute are told apart;
* a path may go *through* a property or an annotated attribute: the walk continues
  on the property's return annotation or the attribute's annotated type, so
  ``azure.ai.ml.MLClient.jobs.create_or_update`` is ``JobOperations.create_or_update``;
* a name that is not a class attribute still *exists* (``v2_exists``) when it is
  declared in a class annotation (``__annotations__`` of the class or a base) or
  assigned as ``self.<name> = ...`` in the ``__init__`` of the class or a base
  (found by parsing the source).  Such names have no parameters.

``v2_accepts_keyword(dotted, kw)`` is True only if ``kw`` is a named parameter
that can be passed by keyword, or the callable takes ``**kwargs`` *and* its
docstring documents ``kw`` (Sphinx ``:keyword kw:``/``:param kw:`` or a Google
style ``Args:``/``Keyword Args:`` entry; for a class, the class and ``__init__``
docstrings are both read).  ``v2_keyword_verdict`` gives the reason.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import json
import re
import sys
import textwrap
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

SNAPSHOT_PATH = Path(__file__).resolve().parent.parent / "signatures" / "v1_snapshot.json"

_NAMED_KINDS = ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY")

# ----------------------------------------------------------------------------------------
# v1: from the committed snapshot
# ----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def v1_snapshot() -> Dict[str, Any]:
    """The whole v1 snapshot (do not mutate)."""
    with SNAPSHOT_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def _v1_alias_candidates(symbol: str) -> List[str]:
    """Other snapshot keys naming the same thing as ``symbol``.

    ``azureml.core.run.Run.log`` -> ``azureml.core.Run.log`` because module
    ``azureml.core.run`` exports ``Run`` with the same canonical name as the
    snapshot key ``azureml.core.Run``.  Canonical spellings work the same way.
    """
    snap = v1_snapshot()
    symbols, modules = snap["symbols"], snap["modules"]
    parts = symbol.split(".")
    found: List[str] = []
    for i in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:i])
        exports = modules.get(module)
        if not exports or parts[i] not in exports:
            continue
        canonical = exports[parts[i]]
        rest = parts[i + 1 :]
        for key, value in symbols.items():
            if value["canonical"] == canonical and value["kind"] in ("class", "function"):
                candidate = ".".join([key, *rest])
                if candidate in symbols and candidate not in found:
                    found.append(candidate)
        if found:
            break
    if not found:
        exact = [k for k, v in symbols.items() if v["canonical"] == symbol]
        if len(exact) == 1:
            found = exact
    return found


def v1_symbol(symbol: str) -> Dict[str, Any]:
    """Snapshot entry for a v1 public spelling: {"canonical", "kind", "params"}.

    Any import spelling the snapshot's module table knows also works
    (``azureml.core.run.Run.log`` finds ``azureml.core.Run.log``).
    """
    snap = v1_snapshot()
    if symbol in snap["symbols"]:
        return dict(snap["symbols"][symbol])
    candidates = _v1_alias_candidates(symbol)
    if candidates:
        return dict(snap["symbols"][candidates[0]])
    if symbol in snap["missing"]:
        raise KeyError(
            f"v1 symbol {symbol!r} does not exist in the v1 packages the snapshot was made from "
            f"({snap['packages'].get('azureml-core')}): it is in the snapshot's 'missing' list"
        )
    raise KeyError(
        f"v1 symbol {symbol!r} is not in {SNAPSHOT_PATH.name}; add it to CLASS_MEMBERS/FUNCTIONS in "
        f"tests/signatures/generate_v1_snapshot.py and regenerate with the v1 venv"
    )


def v1_params(symbol: str) -> List[Dict[str, Any]]:
    entry = v1_symbol(symbol)
    if entry["params"] is None:
        raise TypeError(f"v1 symbol {symbol!r} is a {entry['kind']}; it has no parameters")
    return [dict(p) for p in entry["params"]]


def v1_param_names(symbol: str) -> List[str]:
    """Named parameters in order (no self/cls, no *args/**kwargs)."""
    return [p["name"] for p in v1_params(symbol) if p["kind"] in _NAMED_KINDS]


def v1_exists(symbol: str) -> bool:
    try:
        v1_symbol(symbol)
    except KeyError:
        return False
    return True


def v1_module_exports(module: str) -> Dict[str, str]:
    """{exported name: canonical "<defining module>.<qualname>"} for a v1 module."""
    snap = v1_snapshot()
    if module in snap["modules"]:
        return dict(snap["modules"][module])
    if module in snap["missing_modules"]:
        raise KeyError(f"v1 module {module!r} could not be imported when the snapshot was made")
    raise KeyError(
        f"v1 module {module!r} is not in {SNAPSHOT_PATH.name}; add it to MODULES in "
        f"tests/signatures/generate_v1_snapshot.py and regenerate"
    )


def v1_class_members(symbol: str) -> Dict[str, str]:
    """{public member name: kind} for a v1 class, inherited and instance attributes included."""
    snap = v1_snapshot()
    key = symbol
    if key not in snap["class_members"]:
        candidates = [c for c in _v1_alias_candidates(symbol) if c in snap["class_members"]]
        if not candidates:
            raise KeyError(f"no member list for v1 class {symbol!r} in {SNAPSHOT_PATH.name}")
        key = candidates[0]
    return dict(snap["class_members"][key])


def v1_fact(name: str) -> Any:
    """A recorded v1 constant or behaviour, e.g. ``v1_fact("azureml.core.environment.DEFAULT_CPU_IMAGE")``."""
    facts = v1_snapshot()["facts"]
    if name not in facts:
        raise KeyError(f"no v1 fact {name!r}; known facts: {sorted(facts)}")
    return facts[name]


# ----------------------------------------------------------------------------------------
# v2: live from the installed packages
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolved:
    """What a dotted path names.  ``obj`` is None for names that exist only on instances."""

    dotted: str
    kind: str  # module | class | function | method | staticmethod | classmethod | property | attribute
    obj: Any
    owner: Optional[type] = None


def _import_longest_prefix(dotted: str):
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        name = ".".join(parts[:i])
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # only "this prefix is not a module" is a reason to try a shorter one
            if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
                continue
            raise
        return module, parts[i:]
    raise LookupError(f"no importable module at the start of {dotted!r}")


def _annotations(cls: type) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        out.update(getattr(klass, "__dict__", {}).get("__annotations__", {}) or {})
    return out


def _evaluate_annotation(annotation: Any, context: Any) -> Optional[type]:
    """A class from an annotation (unwrapping Optional[...]), or None."""
    if isinstance(annotation, str):
        module = importlib.import_module(getattr(context, "__module__", "builtins"))
        try:
            annotation = eval(annotation, vars(module))  # noqa: S307 - annotations of installed code
        except Exception:  # noqa: BLE001
            return None
    if inspect.isclass(annotation):
        return annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if len(args) == 1 and inspect.isclass(args[0]):
        return args[0]
    return None


@functools.lru_cache(maxsize=None)
def _init_assigned(cls: type) -> Dict[str, type]:
    """``self.<name> = ...`` targets in ``__init__`` of cls and its bases -> defining class."""
    found: Dict[str, type] = {}
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        func = inspect.unwrap(init)
        if not inspect.isfunction(func):
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
        except (OSError, TypeError, SyntaxError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                if isinstance(node.value, ast.Name) and node.value.id == "self":
                    found.setdefault(node.attr, klass)
    return found


def _original_descriptor(raw: Any) -> Any:
    """For a plain function copied into a class body from another class
    (``get = _Other.get``), the staticmethod/classmethod it was defined as."""
    func = inspect.unwrap(raw) if callable(raw) else raw
    if not inspect.isfunction(func) or "." not in func.__qualname__ or "<locals>" in func.__qualname__:
        return raw
    owner_path, _, attr = func.__qualname__.rpartition(".")
    owner: Any = sys.modules.get(func.__module__)
    for part in owner_path.split("."):
        owner = getattr(owner, part, None)
    if not inspect.isclass(owner):
        return raw
    try:
        original = inspect.getattr_static(owner, attr)
    except AttributeError:
        return raw
    return original if isinstance(original, (staticmethod, classmethod)) else raw


def _class_member(cls: type, name: str, dotted: str) -> Resolved:
    try:
        raw = _original_descriptor(inspect.getattr_static(cls, name))
    except AttributeError:
        annotations = _annotations(cls)
        if name in annotations:
            return Resolved(dotted, "attribute", None, cls)
        if name in _init_assigned(cls):
            return Resolved(dotted, "attribute", None, cls)
        raise LookupError(f"{dotted!r}: {cls.__module__}.{cls.__qualname__} has no member {name!r}") from None
    if isinstance(raw, staticmethod):
        return Resolved(dotted, "staticmethod", raw.__func__, cls)
    if isinstance(raw, classmethod):
        return Resolved(dotted, "classmethod", raw.__func__, cls)
    if isinstance(raw, property):
        return Resolved(dotted, "property", raw, cls)
    if inspect.isclass(raw):
        return Resolved(dotted, "class", raw, cls)
    if inspect.isfunction(raw) or inspect.ismethoddescriptor(raw):
        return Resolved(dotted, "method", raw, cls)
    return Resolved(dotted, "attribute", raw, cls)


def _type_behind(res: Resolved) -> Optional[type]:
    """The class to continue a walk on, for a property or attribute in the middle of a path."""
    if res.kind == "property" and res.obj is not None and res.obj.fget is not None:
        try:
            hints = typing.get_type_hints(res.obj.fget)
            return _evaluate_annotation(hints.get("return"), res.obj.fget)
        except Exception:  # noqa: BLE001
            return _evaluate_annotation(res.obj.fget.__annotations__.get("return"), res.obj.fget)
    if res.kind == "attribute" and res.owner is not None:
        name = res.dotted.rsplit(".", 1)[-1]
        annotation = _annotations(res.owner).get(name)
        if annotation is not None:
            return _evaluate_annotation(annotation, res.owner)
        if res.obj is not None and inspect.isclass(type(res.obj)):
            return type(res.obj)
    return None


@functools.lru_cache(maxsize=None)
def _resolve(dotted: str) -> Resolved:
    obj, rest = _import_longest_prefix(dotted)
    if not rest:
        return Resolved(dotted, "module", obj)
    current: Any = obj
    walked = obj.__name__
    res: Optional[Resolved] = None
    for part in rest:
        walked = f"{walked}.{part}"
        if inspect.isclass(current):
            res = _class_member(current, part, walked)
        else:
            try:
                value = getattr(current, part)
            except AttributeError:
                raise LookupError(f"{dotted!r}: {walked!r} does not exist") from None
            if inspect.isclass(value):
                res = Resolved(walked, "class", value)
            elif inspect.ismodule(value):
                res = Resolved(walked, "module", value)
            elif callable(value):
                res = Resolved(walked, "function", value)
            else:
                res = Resolved(walked, "attribute", value)
        if res.kind in ("class", "module"):
            current = res.obj
        elif res.kind in ("property", "attribute"):
            current = _type_behind(res)
            if current is None and part != rest[-1]:
                raise LookupError(f"{dotted!r}: cannot see the type behind {walked!r} to go on")
        else:
            current = res.obj
    assert res is not None
    return Resolved(dotted, res.kind, res.obj, res.owner)


def _callable_for(res: Resolved):
    """(function to inspect, whether its first parameter is self/cls)."""
    if res.kind == "class":
        init = res.obj.__init__
        if init is object.__init__:
            return None, True
        return init, True
    if res.kind in ("method", "classmethod"):
        return res.obj, True
    if res.kind in ("staticmethod", "function"):
        return res.obj, False
    raise TypeError(f"{res.dotted!r} is a {res.kind}; it has no parameters")


def v2_signature(dotted: str) -> inspect.Signature:
    """Signature of the named v2 callable (for a class: ``__init__``), without self/cls."""
    res = _resolve(dotted)
    func, drop_first = _callable_for(res)
    if func is None:
        return inspect.Signature([])
    sig = inspect.signature(func)
    params = list(sig.parameters.values())
    if drop_first and params and params[0].kind in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    ):
        params = params[1:]
    return sig.replace(parameters=params)


def v2_params(dotted: str) -> List[Dict[str, Any]]:
    """[{"name", "kind", "default"}] in the v1 snapshot's format (default: repr or None)."""
    return [
        {
            "name": p.name,
            "kind": p.kind.name,
            "default": None if p.default is inspect.Parameter.empty else repr(p.default),
        }
        for p in v2_signature(dotted).parameters.values()
    ]


def v2_param_names(dotted: str) -> List[str]:
    """Named parameters in order (no self/cls, no *args/**kwargs)."""
    return [p["name"] for p in v2_params(dotted) if p["kind"] in _NAMED_KINDS]


def v2_kind(dotted: str) -> str:
    return _resolve(dotted).kind


def v2_exists(dotted: str) -> bool:
    """True if the dotted path names a module, class, function, method, property or attribute.

    Instance attributes count when declared in class annotations or assigned as
    ``self.<name>`` in an ``__init__`` of the class or a base.
    """
    try:
        _resolve(dotted)
    except (LookupError, ImportError):
        return False
    return True


@dataclass(frozen=True)
class KeywordVerdict:
    accepted: bool
    reason: str
    via: Optional[str]  # "parameter" | "docstring" | None

    def __bool__(self) -> bool:
        return self.accepted


_GOOGLE_SECTIONS = re.compile(r"^\s*(Args|Arguments|Keyword Args|Keyword Arguments|Kwargs|Parameters)\s*:\s*$")


def _documented_in(doc: str, kw: str) -> bool:
    if not doc:
        return False
    sphinx = re.compile(r":(?:keyword|kwarg|kwparam|param|paramtype|type)\s+(?:[^:\n]*\s)?" + re.escape(kw) + r"\s*:")
    if sphinx.search(doc):
        return True
    in_section = False
    section_indent = 0
    for line in doc.splitlines():
        if _GOOGLE_SECTIONS.match(line):
            in_section = True
            section_indent = len(line) - len(line.lstrip())
            continue
        if in_section:
            stripped = line.strip()
            indent = len(line) - len(line.lstrip())
            if stripped and indent <= section_indent:
                in_section = False
                continue
            if re.match(re.escape(kw) + r"\s*(\([^)]*\))?\s*:", stripped):
                return True
    return False


def v2_keyword_verdict(dotted: str, kw: str) -> KeywordVerdict:
    """Whether ``kw=...`` is a real keyword of the named v2 callable, and why."""
    res = _resolve(dotted)
    sig = v2_signature(dotted)
    param = sig.parameters.get(kw)
    if param is not None and param.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY):
        return KeywordVerdict(True, f"{kw!r} is a named parameter ({param.kind.name}) of {dotted}", "parameter")
    if param is not None and param.kind is inspect.Parameter.POSITIONAL_ONLY:
        return KeywordVerdict(False, f"{kw!r} is positional-only in {dotted}", None)
    has_var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in sig.parameters.values())
    if not has_var_kw:
        return KeywordVerdict(False, f"{kw!r} is not a parameter of {dotted} and it takes no **kwargs", None)
    docs = []
    func, _ = _callable_for(res)
    if res.kind == "class":
        docs.append(("class docstring", inspect.getdoc(res.obj) or ""))
    if func is not None:
        docs.append(("docstring", func.__doc__ or ""))
    for where, doc in docs:
        if _documented_in(doc, kw):
            return KeywordVerdict(True, f"{kw!r} goes through **kwargs of {dotted} and is documented in its {where}", "docstring")
    forwarded = _forwarded_keyword(res, kw)
    if forwarded:
        return KeywordVerdict(True, f"{kw!r} goes through **kwargs of {dotted} to {forwarded}", "forwarded")
    return KeywordVerdict(
        False,
        f"{kw!r} is not a named parameter of {dotted}; **kwargs would swallow it but no docstring documents it",
        None,
    )


# Factories that build and return a job, passing their **kwargs to its constructor
# (checked by reading the factory's source in `_forwarded_keyword`).
FACTORY_RETURNS = {
    "azure.ai.ml.automl.classification": "azure.ai.ml.automl.ClassificationJob",
    "azure.ai.ml.automl.regression": "azure.ai.ml.automl.RegressionJob",
    "azure.ai.ml.automl.forecasting": "azure.ai.ml.automl.ForecastingJob",
}


def _forwarded_keyword(res, kw: str) -> str | None:
    """Where a keyword swallowed by **kwargs ends up as a named parameter, or None.

    A class: the first `__init__` up the MRO that names `kw`, provided every `__init__`
    before it takes **kwargs and passes them on (`super().__init__(..., **kwargs)`).
    A factory of FACTORY_RETURNS: its source must call the job class with `**kwargs`.
    """
    obj = res.obj
    if inspect.isclass(obj):
        for cls in obj.__mro__:
            init = cls.__dict__.get("__init__")
            if init is None:
                continue
            try:
                params = inspect.signature(init).parameters
                source = inspect.getsource(init)
            except (TypeError, ValueError, OSError):
                return None
            named = params.get(kw)
            if named is not None and named.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                                    inspect.Parameter.KEYWORD_ONLY):
                return f"{cls.__module__}.{cls.__qualname__}.__init__"
            if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()) or "**kwargs" not in \
                    source.split("super().__init__(", 1)[-1] or "super().__init__(" not in source:
                return None
        return None
    for factory, job in FACTORY_RETURNS.items():
        if _resolve(factory).obj is obj:
            short = job.rsplit(".", 1)[1]
            if f"{short}(" in inspect.getsource(obj) and "**kwargs" in inspect.getsource(obj):
                verdict = v2_keyword_verdict(job, kw)
                return f"{job} ({verdict.reason})" if verdict.accepted else None
    return None


def v2_accepts_keyword(dotted: str, kw: str) -> bool:
    """True only if ``kw`` is a named parameter, or a **kwargs keyword the docstring documents.

    Use ``v2_keyword_verdict`` for the reason.
    """
    return v2_keyword_verdict(dotted, kw).accepted

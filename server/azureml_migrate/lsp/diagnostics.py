"""textDocument/diagnostic (pull) and publishDiagnostics (push): findings as LSP diagnostics."""

from __future__ import annotations

import contextlib
import gc

from lsprotocol import types

from ..analysis.model import Finding
from ..engine import not_analysed
from .convert import to_range
from .documents import Snapshot

SOURCE = "azureml-migrate"
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
}


@contextlib.contextmanager
def gc_paused():
    """Building and sending thousands of Diagnostic objects triggers full garbage
    collections of 150-300 ms in a server holding several analyses; these objects make no
    cycles, so the collector waits until they are sent."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def diagnostic(snap: Snapshot, f: Finding, encoding: str) -> types.Diagnostic:
    return make_diagnostic(f, to_range(snap.lines, f.span, encoding))


def make_diagnostic(f: Finding, rng: types.Range) -> types.Diagnostic:
    """A finding as an LSP diagnostic at `rng` (already in the client's units)."""
    message = f.message
    if f.blocked and f.rule.safety is not None:
        message += f". Not fixed automatically: {f.blocked}"
    return types.Diagnostic(
        range=rng,
        severity=_SEVERITY.get(f.rule.severity, types.DiagnosticSeverity.Warning),
        code=f.code,
        code_description=types.CodeDescription(href=f.rule.url),
        source=SOURCE,
        message=message,
        tags=[types.DiagnosticTag.Deprecated],
        data={"symbol": f.symbol, "fix": f.fix_safety},
    )


def diagnostics(snap: Snapshot, encoding: str) -> list[types.Diagnostic]:
    analysis = snap.analysis
    if not_analysed(analysis):
        # One informative diagnostic instead of an analysis (and instead of silence): too
        # large, nested too deeply for Python's parser, or over the time limit. (A syntax
        # error is the other Python tools' to show.)
        hint = ("run `azureml-migrate check` on it instead" if analysis.too_large
                else "the `timeLimit` setting raises the limit" if "time limit" in (analysis.syntax_error or "")
                else "no findings are shown for it")
        return [types.Diagnostic(
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            severity=types.DiagnosticSeverity.Information, source=SOURCE, code="AML000",
            message=f"azureml-migrate: {analysis.syntax_error}; {hint}")]
    with gc_paused():
        return _converted(snap, encoding)


def _converted(snap: Snapshot, encoding: str) -> list[types.Diagnostic]:
    """The findings as diagnostics, reusing those of findings a keystroke did not reach.

    A finding the incremental analysis kept is the same object, on lines that did not
    change; its diagnostic is reused when nothing it is built from changed (the identity
    check keeps a recycled `id()` from matching).
    """
    previous = snap.previously_converted or {}
    cache = snap.converted
    out = []
    for f in snap.analysis.visible:
        key = (f.span, f.message, f.blocked, f.fix_safety, encoding)
        hit = cache.get(id(f)) or previous.get(id(f))
        if hit is not None and hit[0] is f and hit[1] == key:
            diag = hit[2]
        else:
            diag = diagnostic(snap, f, encoding)
        cache[id(f)] = (f, key, diag)
        out.append(diag)
    snap.previously_converted = None  # the previous snapshot's entries are no longer needed
    return out

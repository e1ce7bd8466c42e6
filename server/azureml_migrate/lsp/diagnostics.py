"""textDocument/diagnostic (pull) and publishDiagnostics (push): findings as LSP diagnostics."""

from __future__ import annotations

from lsprotocol import types

from ..analysis.model import Finding
from .convert import to_range
from .documents import Snapshot

SOURCE = "azureml-migrate"
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
}


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
    if snap.analysis.too_large:
        # One informative diagnostic instead of an analysis (and instead of silence).
        return [types.Diagnostic(
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            severity=types.DiagnosticSeverity.Information, source=SOURCE, code="AML000",
            message=f"azureml-migrate: {snap.analysis.syntax_error}; run `azureml-migrate check` on it instead")]
    return [diagnostic(snap, f, encoding) for f in snap.analysis.visible]

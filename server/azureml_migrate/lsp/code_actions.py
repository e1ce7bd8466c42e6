"""textDocument/codeAction and codeAction/resolve.

Per finding: the quick fix (its whole group when statements depend on each other; the
title says so), "Disable ... for this line", and for manual findings a TODO comment.
Per file: `source.fixAll.azureml-migrate` and "Migrate file to Azure ML SDK v2".
Edits are computed lazily on resolve when the client supports it, and always carry the
document version they were computed for.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from lsprotocol import types

from ..analysis.model import Finding
from ..config import Settings
from ..engine import fix_all, fix_one
from ..fixes.errors import FixError
from ..text import line_indent
from .convert import from_position, position, text_edits
from .diagnostics import diagnostic
from .documents import Snapshot

FIX_ALL = "source.fixAll.azureml-migrate"
MIGRATE = "source.migrate.azureml-migrate"
KINDS = ("quickfix", "fixAll", "migrate")  # `data.what` of the actions resolved lazily
logger = logging.getLogger(__name__)
_IGNORE_RE = re.compile(r"#\s*azureml-migrate:\s*ignore\[([A-Za-z0-9_,\s]*)\]")


@dataclass(frozen=True)
class ClientFeatures:
    """What the client can do, resolved once at initialize."""

    encoding: str
    resolve_edit: bool
    document_changes: bool
    pull_diagnostics: bool


def _key(f: Finding) -> list:
    return [f.span.line, f.span.col, f.code]


def find(snap: Snapshot, key: list) -> Finding | None:
    for f in snap.analysis.visible:
        if _key(f) == key:
            return f
    return None


def workspace_edit(snap: Snapshot, new_text: str, client: ClientFeatures) -> types.WorkspaceEdit:
    return _single_edit(snap, text_edits(snap.analysis.source, new_text, client.encoding), client)


def fix_title(f: Finding) -> str:
    unsafe = " (unsafe)" if f.fix_safety == "unsafe" else ""
    others = [g for g in f.closure if g is not f]
    short = f.symbol.split(".", 2)[-1] if f.symbol.startswith("azureml.core.") else f.symbol
    if others:
        lines = sorted({g.span.line for g in f.closure})
        return f"Migrate `{short}` with {len(lines) - 1} connected statement(s) to SDK v2{unsafe}"
    return f"Migrate `{short}` to SDK v2{unsafe}"


def new_text(snap: Snapshot, kind: str, key: list | None, settings: Settings) -> str:
    if kind == "quickfix":
        f = find(snap, key or [])
        if f is None:
            raise FixError("the finding is gone; the document changed")
        return fix_one(snap.analysis, f, settings)
    unsafe = kind == "migrate" or settings.unsafe_fixes
    text, problems = fix_all(snap.analysis, settings, unsafe)
    if text == snap.analysis.source and problems:  # an empty edit would do nothing, silently
        raise FixError("; ".join(problems))
    return text


def actions(
    snap: Snapshot, params: types.CodeActionParams, client: ClientFeatures, settings: Settings
) -> list[types.CodeAction]:
    if snap.carried:
        return []  # the text does not parse: no edits until it does
    only = params.context.only

    def wanted(kind: str) -> bool:
        return not only or any(kind == o or kind.startswith(o + ".") for o in only)

    out: list[types.CodeAction] = []
    start = from_position(snap.lines, params.range.start, client.encoding)
    end = from_position(snap.lines, params.range.end, client.encoding)
    if wanted(types.CodeActionKind.QuickFix):
        for f in snap.analysis.visible:
            if (f.span.end_line, f.span.end_col) < start or (f.span.line, f.span.col) > end:
                continue
            diag = diagnostic(snap, f, client.encoding)
            if f.fixable and f.fix_safety is not None:
                out.append(_lazy(snap, fix_title(f), types.CodeActionKind.QuickFix, "quickfix", _key(f), client,
                                 settings, diagnostics=[diag], preferred=f.fix_safety == "safe"))
            elif f.rule.on != "import":
                out.append(_todo_action(snap, f, diag, client))
            out.append(_ignore_action(snap, f, diag, client))
    has_fixes = any(f.fix_safety for f in snap.analysis.visible)
    if has_fixes and wanted(FIX_ALL):
        title = "Fix all azureml-migrate findings" + (" (including unsafe fixes)" if settings.unsafe_fixes else "")
        out.append(_lazy(snap, title, FIX_ALL, "fixAll", None, client, settings))
    if has_fixes and wanted(MIGRATE):
        out.append(_lazy(snap, "Migrate file to Azure ML SDK v2 (includes unsafe fixes)", MIGRATE, "migrate", None,
                         client, settings))
    return out


def _lazy(snap, title, kind, what, key, client, settings, diagnostics=None, preferred=None):
    data = {"uri": snap.uri, "version": snap.version, "what": what, "key": key}
    action = types.CodeAction(title=title, kind=kind, diagnostics=diagnostics, is_preferred=preferred, data=data)
    if client.resolve_edit:
        return action
    return resolve(snap, action, client, settings)


def resolve(snap: Snapshot, action: types.CodeAction, client: ClientFeatures, settings: Settings) -> types.CodeAction:
    data = action.data or {}
    if data.get("version") is not None and snap.version != data["version"]:
        action.disabled = types.CodeActionDisabled(reason="The document changed; ask for code actions again.")
        return action
    try:
        action.edit = workspace_edit(snap, new_text(snap, data["what"], data.get("key"), settings), client)
    except FixError as exc:
        action.disabled = types.CodeActionDisabled(reason=str(exc))
    except Exception as exc:  # noqa: BLE001 - a bug in one rewrite must not fail the request
        logger.exception("building the edit of %r failed", action.title)
        action.disabled = types.CodeActionDisabled(
            reason=f"azureml-migrate could not build this fix ({type(exc).__name__}: {exc}); please report it")
    return action


def _todo_action(snap: Snapshot, f: Finding, diag: types.Diagnostic, client: ClientFeatures) -> types.CodeAction:
    stmt_line = f.stmt.lineno
    indent = line_indent(snap.lines.line(stmt_line))
    guidance = f.rule.doc_sections().get("migration", "").split("\n\n")[0].replace("\n", " ")
    comment = f"{indent}# TODO(azureml-migrate): {f.code} {guidance or f.message}\n"
    pos = types.Position(line=stmt_line - 1, character=0)
    edit = types.TextEdit(range=types.Range(start=pos, end=pos), new_text=comment)
    return types.CodeAction(
        title=f"Add a TODO comment for the manual migration of `{f.symbol.rsplit('.', 1)[-1]}`",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diag],
        edit=_single_edit(snap, [edit], client),
    )


def _ignore_action(snap: Snapshot, f: Finding, diag: types.Diagnostic, client: ClientFeatures) -> types.CodeAction:
    line = f.span.line
    text = snap.lines.line(line)
    m = _IGNORE_RE.search(text)
    if m:
        codes = [c.strip() for c in m.group(1).split(",") if c.strip()] + [f.code]
        start_col, end_col = m.start(), m.end()
        new = f"# azureml-migrate: ignore[{', '.join(dict.fromkeys(codes))}]"
    else:
        start_col = end_col = len(text)
        new = f"  # azureml-migrate: ignore[{f.code}]"
    rng = types.Range(start=position(snap.lines, line, start_col, client.encoding),
                      end=position(snap.lines, line, end_col, client.encoding))
    return types.CodeAction(
        title=f"Disable {f.code} for this line",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diag],
        edit=_single_edit(snap, [types.TextEdit(range=rng, new_text=new)], client),
    )


def _single_edit(snap: Snapshot, edits: list[types.TextEdit], client: ClientFeatures) -> types.WorkspaceEdit:
    if client.document_changes:
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=snap.uri, version=snap.version),
            edits=edits)])
    return types.WorkspaceEdit(changes={snap.uri: edits})

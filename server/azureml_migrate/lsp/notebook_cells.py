"""Notebooks in the server: analysis over all cells, results mapped to each cell's URI.

The client syncs the notebook (notebookDocument/*); pygls keeps every cell as a text
document. The cells are analysed together (see `notebooks.programs_for`), diagnostics
are pushed per cell URI (never pulled, so clients never see them twice), and edits are
one TextDocumentEdit per changed cell, all in one WorkspaceEdit: per-cell source actions
would be applied in parallel and corrupt the cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from lsprotocol import types

from ..analysis.model import Analysis, Finding, Span
from ..config import Settings
from ..engine import analyze, fix_all, fix_one
from ..notebooks import Program, analyze_cells
from ..text import Lines
from .code_actions import ClientFeatures, fix_title
from .convert import from_position, position, text_edits
from .diagnostics import make_diagnostic

NOTEBOOK_FIX_ALL = "notebook.source.fixAll.azureml-migrate"
NOTEBOOK_MIGRATE = "notebook.source.migrate.azureml-migrate"


@dataclass
class CellView:
    uri: str
    version: int | None
    text: str
    lines: Lines


@dataclass
class NotebookSnapshot:
    uri: str
    version: int | None
    cells: list[CellView | None]  # None for markdown cells
    programs: list[tuple[Program, Analysis]]

    def cell_index(self, cell_uri: str) -> int | None:
        for i, c in enumerate(self.cells):
            if c is not None and c.uri == cell_uri:
                return i
        return None

    def cell_span(self, program: Program, f: Finding) -> tuple[int, Span] | None:
        start = program.locate(f.span.line)
        end = program.locate(f.span.end_line) or start
        if start is None or end is None or end[0] != start[0]:
            return None
        return start[0], Span(start[1], f.span.col, end[1], f.span.end_col)


class NotebookCache:
    def __init__(self) -> None:
        self._cache: dict[str, NotebookSnapshot] = {}

    def get(self, ls, notebook_uri: str, settings: Settings) -> NotebookSnapshot | None:
        nb = ls.workspace.get_notebook_document(notebook_uri=notebook_uri)
        if nb is None:
            return None
        snap = self._cache.get(notebook_uri)
        cells: list[CellView | None] = []
        for cell in nb.cells:
            if cell.kind != types.NotebookCellKind.Code:
                cells.append(None)
                continue
            doc = ls.workspace.get_text_document(cell.document)
            cells.append(CellView(cell.document, doc.version, doc.source, Lines(doc.source)))
        if snap is not None and snap.version == nb.version and [c and c.text for c in snap.cells] == [
            c and c.text for c in cells
        ]:
            return snap
        programs, _ = analyze_cells([c.text if c is not None else None for c in cells],
                                    partial(analyze, time_limit=ls.time_limit), settings)
        snap = NotebookSnapshot(notebook_uri, nb.version, cells, programs)
        self._cache[notebook_uri] = snap
        return snap

    def forget(self, notebook_uri: str) -> None:
        self._cache.pop(notebook_uri, None)

    def clear(self) -> None:
        self._cache.clear()


def _diagnostic(cell: CellView, span: Span, f: Finding, encoding: str) -> types.Diagnostic:
    return make_diagnostic(f, types.Range(start=position(cell.lines, span.line, span.col, encoding),
                                          end=position(cell.lines, span.end_line, span.end_col, encoding)))


def diagnostics_by_cell(snap: NotebookSnapshot, encoding: str) -> dict[str, list[types.Diagnostic]]:
    out: dict[str, list[types.Diagnostic]] = {c.uri: [] for c in snap.cells if c is not None}
    for program, analysis in snap.programs:
        for f in analysis.visible:
            located = snap.cell_span(program, f)
            if located is None:
                continue
            index, span = located
            cell = snap.cells[index]
            if cell is not None:
                out[cell.uri].append(_diagnostic(cell, span, f, encoding))
    return out


def _edit(snap: NotebookSnapshot, program: Program, new_text: str, client: ClientFeatures) -> types.WorkspaceEdit:
    changes = []
    for index, text in program.split(new_text).items():
        cell = snap.cells[index]
        if cell is None or text == cell.text.rstrip("\n") and cell.text.endswith("\n") or text == cell.text:
            continue
        if cell.text.endswith("\n") and not text.endswith("\n"):
            text += "\n"
        edits = text_edits(cell.text, text, client.encoding)
        if edits:
            changes.append(types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=cell.uri, version=cell.version),
                edits=edits))
    if client.document_changes:
        return types.WorkspaceEdit(document_changes=changes)
    return types.WorkspaceEdit(changes={c.text_document.uri: c.edits for c in changes})


def migrate_edit(snap: NotebookSnapshot, settings: Settings, client: ClientFeatures, unsafe: bool):
    """One WorkspaceEdit with every program's fixes, or None when nothing changes."""
    changes: list = []
    plain: dict = {}
    for program, analysis in snap.programs:
        if analysis.syntax_error:
            continue
        new, _ = fix_all(analysis, settings, unsafe)
        if new == program.text:
            continue
        edit = _edit(snap, program, new, client)
        changes += edit.document_changes or []
        plain.update(edit.changes or {})
    if not changes and not plain:
        return None
    return types.WorkspaceEdit(document_changes=changes) if client.document_changes else types.WorkspaceEdit(changes=plain)


def code_actions(snap: NotebookSnapshot, cell_uri: str, params: types.CodeActionParams, client: ClientFeatures,
                 settings: Settings) -> list[types.CodeAction]:
    only = params.context.only

    def wanted(kind: str) -> bool:
        return not only or any(kind == o or kind.startswith(o + ".") for o in only)

    out: list[types.CodeAction] = []
    index = snap.cell_index(cell_uri)
    if index is not None and wanted(types.CodeActionKind.QuickFix):
        cell = snap.cells[index]
        start = from_position(cell.lines, params.range.start, client.encoding)
        end = from_position(cell.lines, params.range.end, client.encoding)
        for program, analysis in snap.programs:
            for f in analysis.visible:
                located = snap.cell_span(program, f)
                if located is None or located[0] != index or not f.fixable:
                    continue
                span = located[1]
                if (span.end_line, span.end_col) < start or (span.line, span.col) > end:
                    continue
                try:
                    edit = _edit(snap, program, fix_one(analysis, f, settings), client)
                except Exception as exc:  # noqa: BLE001 - a fix that cannot be built is not offered
                    out.append(types.CodeAction(title=fix_title(f), kind=types.CodeActionKind.QuickFix,
                                                disabled=types.CodeActionDisabled(reason=str(exc))))
                    continue
                out.append(types.CodeAction(title=fix_title(f), kind=types.CodeActionKind.QuickFix, edit=edit,
                                            diagnostics=[_diagnostic(cell, span, f, client.encoding)],
                                            is_preferred=f.fix_safety == "safe"))
    for kind, title, unsafe in ((NOTEBOOK_FIX_ALL, "Fix all azureml-migrate findings in the notebook",
                                 settings.unsafe_fixes),
                                (NOTEBOOK_MIGRATE, "Migrate notebook to Azure ML SDK v2 (includes unsafe fixes)", True)):
        if only and any(kind == o or kind.startswith(o + ".") for o in only):
            edit = migrate_edit(snap, settings, client, unsafe)
            if edit is not None:
                out.append(types.CodeAction(title=title, kind=kind, edit=edit))
    return out


def hover_program(snap: NotebookSnapshot, cell_uri: str, pos: types.Position, encoding: str):
    """(analysis, virtual line, col, cell) under a cell position, for the hover module."""
    index = snap.cell_index(cell_uri)
    if index is None:
        return None
    cell = snap.cells[index]
    line, col = from_position(cell.lines, pos, encoding)
    for program, analysis in snap.programs:
        for vline, (cidx, cline) in program.line_map.items():
            if cidx == index and cline == line:
                return analysis, vline, col, cell, program
    return None

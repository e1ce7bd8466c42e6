"""Notebooks through the language server: notebookDocument sync, diagnostics pushed per
cell URI, quick fixes and hover inside cells, and a notebook-level fix-all."""

from __future__ import annotations

import asyncio
import sys

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

NB = "file:///work/nb/day1.ipynb"
CELLS = [
    ("%pip install azureml-core\nfrom azureml.core import Workspace, Experiment, ScriptRunConfig\n", types.NotebookCellKind.Code),
    ("# Notes", types.NotebookCellKind.Markup),
    ("ws = Workspace.from_config()\nprint(ws.name)\n", types.NotebookCellKind.Code),
    ("%%writefile src/train.py\nfrom azureml.core import Run\nrun = Run.get_context()\nrun.log('acc', 0.9)\n",
     types.NotebookCellKind.Code),
]


def cell_uri(i: int) -> str:
    return f"vscode-notebook-cell:/work/nb/day1.ipynb#W{i}sZmlsZQ%3D%3D"


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "azureml_migrate", "lsp"]),
    params=["vscode-pull"],
)
async def client(request, lsp_client: LanguageClient):
    caps = client_capabilities("visual-studio-code")
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities()
    caps.notebook_document = types.NotebookDocumentClientCapabilities(
        synchronization=types.NotebookDocumentSyncClientCapabilities())
    await lsp_client.initialize_session(types.InitializeParams(capabilities=caps))
    yield
    await lsp_client.shutdown_session()


async def open_notebook(client: LanguageClient) -> dict[str, list[types.Diagnostic]]:
    client.notebook_document_did_open(types.DidOpenNotebookDocumentParams(
        notebook_document=types.NotebookDocument(
            uri=NB, notebook_type="jupyter-notebook", version=1,
            cells=[types.NotebookCell(kind=kind, document=cell_uri(i)) for i, (_, kind) in enumerate(CELLS)]),
        cell_text_documents=[
            types.TextDocumentItem(uri=cell_uri(i), language_id="python" if kind == types.NotebookCellKind.Code
                                   else "markdown", version=1, text=text)
            for i, (text, kind) in enumerate(CELLS)]))
    code_cells = {cell_uri(i) for i, (_, kind) in enumerate(CELLS) if kind == types.NotebookCellKind.Code}
    for _ in range(200):  # several pushes arrive together: read what the client recorded
        if code_cells <= set(client.diagnostics):
            return {uri: list(client.diagnostics[uri]) for uri in code_cells}
        await asyncio.sleep(0.05)
    raise AssertionError(f"diagnostics pushed for {sorted(client.diagnostics)} only; messages: {client.messages}")


async def test_diagnostics_are_pushed_per_cell_and_not_pulled(client: LanguageClient):
    seen = await open_notebook(client)
    assert [d.code for d in seen[cell_uri(2)]] == ["AML101", "AML104"]
    assert seen[cell_uri(2)][0].range.start == types.Position(line=0, character=5)
    assert {d.code for d in seen[cell_uri(0)]} == {"AML001"}
    assert {d.code for d in seen[cell_uri(3)]} == {"AML001", "AML701", "AML702"}
    pulled = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=cell_uri(2))))
    assert list(pulled.items) == []  # never both


async def test_quick_fix_in_a_cell_edits_the_cells_it_needs(client: LanguageClient):
    await open_notebook(client)
    pos = types.Position(line=0, character=10)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=cell_uri(2)), range=types.Range(start=pos, end=pos),
        context=types.CodeActionContext(diagnostics=[])))
    fix = next(a for a in actions if a.title.startswith("Migrate"))
    touched = {change.text_document.uri for change in fix.edit.document_changes}
    assert touched == {cell_uri(0), cell_uri(2)}  # the import cell and the cell using ws
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=cell_uri(2)), position=pos))
    assert "AML101" in hover.contents.value and hover.range.start.line == 0


async def test_notebook_fix_all_is_one_edit_over_all_cells(client: LanguageClient):
    await open_notebook(client)
    pos = types.Position(line=0, character=0)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=cell_uri(0)), range=types.Range(start=pos, end=pos),
        context=types.CodeActionContext(diagnostics=[], only=["notebook.source.migrate"])))
    (migrate,) = actions
    assert migrate.kind == "notebook.source.migrate.azureml-migrate"
    edits = {change.text_document.uri: change.edits for change in migrate.edit.document_changes}
    assert set(edits) == {cell_uri(0), cell_uri(2), cell_uri(3)}
    cell3 = "".join(e.new_text for e in edits[cell_uri(3)])
    assert "mlflow.log_metric('acc', 0.9)" in cell3
    cell0 = "".join(e.new_text for e in edits[cell_uri(0)])
    assert "%pip" not in cell0 or cell0.startswith("%pip")  # magics are never rewritten


async def test_cells_added_and_removed(client: LanguageClient):
    await open_notebook(client)
    new_cell = "vscode-notebook-cell:/work/nb/day1.ipynb#W9sZmlsZQ%3D%3D"
    client.notebook_document_did_change(types.DidChangeNotebookDocumentParams(
        notebook_document=types.VersionedNotebookDocumentIdentifier(uri=NB, version=2),
        change=types.NotebookDocumentChangeEvent(cells=types.NotebookDocumentCellChanges(
            structure=types.NotebookDocumentCellChangeStructure(
                array=types.NotebookCellArrayChange(start=4, delete_count=0, cells=[
                    types.NotebookCell(kind=types.NotebookCellKind.Code, document=new_cell)]),
                did_open=[types.TextDocumentItem(uri=new_cell, language_id="python", version=1,
                                                 text="exp = Experiment(ws, 'more')\n")])))))
    for _ in range(200):
        if new_cell in client.diagnostics:
            break
        await asyncio.sleep(0.05)
    assert [d.code for d in client.diagnostics[new_cell]] == ["AML201"]  # `ws` and Experiment from other cells
    client.notebook_document_did_change(types.DidChangeNotebookDocumentParams(
        notebook_document=types.VersionedNotebookDocumentIdentifier(uri=NB, version=3),
        change=types.NotebookDocumentChangeEvent(cells=types.NotebookDocumentCellChanges(
            structure=types.NotebookDocumentCellChangeStructure(
                array=types.NotebookCellArrayChange(start=0, delete_count=1),
                did_close=[types.TextDocumentIdentifier(uri=cell_uri(0))])))))
    for _ in range(200):
        await asyncio.sleep(0.05)
        if client.diagnostics.get(new_cell) is not None and [d.code for d in client.diagnostics[new_cell]] != ["AML201"]:
            break
    # Without the import cell, `Experiment` is no longer the v1 class: nothing to report there.
    assert list(client.diagnostics[new_cell]) == []

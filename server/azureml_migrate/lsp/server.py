"""The language server: documents in, positions converted, engine results out.

Client capabilities are resolved once at `initialize` (position encoding, pull
diagnostics, lazy code-action edits, versioned edits).  Diagnostics are pulled by clients
that can and pushed to the others, never both.  Pushes are debounced per document and
dropped when a newer version has arrived.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import threading
from typing import Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import FeatureNotificationError
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..config import DEFAULT, Settings, settings_for
from . import code_actions, diagnostics, hover, notebook_cells, text_sync
from .code_actions import FIX_ALL, MIGRATE, ClientFeatures
from .convert import encoding_name, position
from .notebook_cells import NotebookCache
from .documents import SERVER_TIME_LIMIT, Documents, Snapshot
from .protocol import MigrateProtocol

PUSH_DELAY = 0.05  # seconds: coalesces a burst of keystrokes into one analysis
CLIENT_ONLY_SETTINGS = {"path", "interpreter", "trace"}
TIME_LIMIT_SETTING = "timeLimit"  # seconds per analysis (0: none); a server setting, not a rule setting
logger = logging.getLogger(__name__)
CMD_MIGRATE = "azureml-migrate.migrateFile"
CMD_REPORT = "azureml-migrate.report"


class MigrateServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "azureml-migrate",
            __version__,
            protocol_cls=MigrateProtocol,
            # A cells-only selector breaks lsprotocol 2025 + cattrs 25 clients: name the notebook too.
            notebook_document_sync=types.NotebookDocumentSyncOptions(notebook_selector=[
                types.NotebookDocumentFilterWithNotebook(
                    notebook="*", cells=[types.NotebookCellLanguage(language="python")])
            ]),
        )
        self.documents = Documents()
        self.notebooks = NotebookCache()
        self.settings: Settings = DEFAULT
        self.overrides: dict[str, Any] = {}
        self.time_limit: float | None = SERVER_TIME_LIMIT
        self._told: set[str] = set()
        self._settings_cache: dict[str, Settings] = {}
        self.client = ClientFeatures(encoding="utf-16", resolve_edit=False, document_changes=False,
                                     pull_diagnostics=False)
        self._pending: dict[str, asyncio.Task] = {}

    # -- settings -----------------------------------------------------------------------
    def apply_settings(self, values: Any) -> None:
        if not isinstance(values, dict):
            return
        # Editors send every setting, defaults included: only values the user set override
        # the project's pyproject.toml.
        time_limit, problems = _time_limit(values.get(TIME_LIMIT_SETTING))  # before the filter: 0 is a value
        values = {k: v for k, v in values.items()
                  if k not in CLIENT_ONLY_SETTINGS and k != TIME_LIMIT_SETTING and v not in (None, "", [], {}, False)}
        if time_limit != self.time_limit:
            self.time_limit = self.documents.time_limit = time_limit
            self.documents.clear()
            self.notebooks.clear()
        settings, more = DEFAULT.merged(values)
        problems += more
        if problems:
            self.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Warning,
                message="azureml-migrate settings: " + "; ".join(problems) + " (defaults kept for these)",
            ))
        if settings != self.settings or values != self.overrides:
            self.settings, self.overrides = settings, values
            self._settings_cache.clear()
            self.documents.clear()
            self.notebooks.clear()

    def settings_for(self, uri: str) -> Settings:
        """Editor settings over the document's pyproject.toml (file URIs only), computed once
        per document until the settings change (every request asks for them)."""
        cached = self._settings_cache.get(uri)
        if cached is not None:
            return cached
        path = uri_to_path(uri)
        if path is None:
            return self.settings
        settings, problems = settings_for(path, self.overrides)
        self._settings_cache[uri] = settings
        for problem in problems:
            if problem not in self._told:
                self._told.add(problem)
                self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning,
                                                                 message="azureml-migrate: " + problem))
        return settings

    # -- analysis -----------------------------------------------------------------------
    def notebook_of(self, cell_uri: str) -> str | None:
        nb = self.workspace.get_notebook_document(cell_uri=cell_uri)
        return nb.uri if nb is not None else None

    def publish_notebook(self, notebook_uri: str) -> None:
        snap = self.notebooks.get(self, notebook_uri, self.settings_for(notebook_uri))
        if snap is None:
            return
        with diagnostics.gc_paused():
            for cell_uri, diags in notebook_cells.diagnostics_by_cell(snap, self.client.encoding).items():
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=cell_uri, diagnostics=diags))

    def schedule_notebook_push(self, notebook_uri: str) -> None:
        self._debounce("notebook:" + notebook_uri, lambda: self.publish_notebook(notebook_uri))

    def _debounce(self, key: str, action) -> None:
        """Run `action` after PUSH_DELAY unless another call for `key` comes first."""
        task = self._pending.pop(key, None)
        if task is not None:
            task.cancel()

        async def later() -> None:
            try:
                await asyncio.sleep(PUSH_DELAY)
            except asyncio.CancelledError:
                return
            self._pending.pop(key, None)
            try:
                action()
            except Exception as exc:  # reported like an error in a notification handler, not lost in a task
                logger.exception("publishing diagnostics for %s failed", key)
                self._report_server_error(exc, FeatureNotificationError)

        self._pending[key] = asyncio.ensure_future(later())

    def snapshot(self, uri: str) -> Snapshot | None:
        """The analysis of an open document; None for any other URI.

        pygls' get_text_document() reads a document that is not open from disk: a request
        naming /dev/zero, a FIFO or a missing file must not make the server read it.
        """
        doc = self.workspace.text_documents.get(unquote(uri)) if isinstance(uri, str) else None
        if doc is None:
            return None
        return self.documents.get(uri, doc.version, doc.source, self.settings_for(uri))

    def publish(self, uri: str) -> None:
        snap = self.snapshot(uri)
        if snap is None:
            return
        with diagnostics.gc_paused():  # conversion and serialization
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, version=snap.version, diagnostics=diagnostics.diagnostics(snap, self.client.encoding)))

    def schedule_push(self, uri: str) -> None:
        if not self.client.pull_diagnostics:
            self._debounce(uri, lambda: self.publish(uri))


server = MigrateServer()


@server.feature(types.INITIALIZE)
def initialize(ls: MigrateServer, params: types.InitializeParams) -> None:
    caps = params.capabilities
    td = caps.text_document
    action = td.code_action if td else None
    resolve_props = (action.resolve_support.properties if action and action.resolve_support else []) or []
    ws = caps.workspace
    text_sync.install(ls.workspace)
    ls.client = ClientFeatures(
        encoding=encoding_name(ls.workspace.position_encoding),
        resolve_edit="edit" in resolve_props,
        document_changes=bool(ws and ws.workspace_edit and ws.workspace_edit.document_changes),
        pull_diagnostics=bool(td and td.diagnostic),
    )
    options = params.initialization_options
    if isinstance(options, dict):
        ls.apply_settings(options.get("settings", options))


@server.feature(types.INITIALIZED)
async def initialized(ls: MigrateServer, params: types.InitializedParams) -> None:
    """Ask for the editor's settings when the client answers workspace/configuration."""
    # libcst (0.25 s to import) is only needed for fixes: load it in the background so
    # `initialize` is answered fast and the first quick fix does not pay for it.
    threading.Thread(target=importlib.import_module, args=("azureml_migrate.fixes.rewrite",), daemon=True).start()
    ws = ls.client_capabilities.workspace
    if not (ws and ws.configuration):
        return
    try:
        values = await asyncio.wait_for(ls.workspace_configuration_async(types.ConfigurationParams(
            items=[types.ConfigurationItem(section="azuremlMigrate")])), timeout=5)
    except Exception:  # a client that cannot answer keeps the initializationOptions
        return
    if values and isinstance(values[0], dict):
        ls.apply_settings(values[0])
        if not ls.client.pull_diagnostics:
            for uri in list(ls.workspace.text_documents):
                ls.schedule_push(uri)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(ls: MigrateServer, params: types.DidChangeConfigurationParams) -> None:
    settings = params.settings
    if isinstance(settings, dict):
        ls.apply_settings(settings.get("azuremlMigrate", settings.get("azureml-migrate", {})))
    if ls.client.pull_diagnostics:
        ls.workspace_diagnostic_refresh(None)
    else:
        for uri in list(ls.workspace.text_documents):
            ls.schedule_push(uri)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
def notebook_did_open(ls: MigrateServer, params: types.DidOpenNotebookDocumentParams) -> None:
    ls.publish_notebook(params.notebook_document.uri)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
def notebook_did_change(ls: MigrateServer, params: types.DidChangeNotebookDocumentParams) -> None:
    ls.schedule_notebook_push(params.notebook_document.uri)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
def notebook_did_close(ls: MigrateServer, params: types.DidCloseNotebookDocumentParams) -> None:
    ls.notebooks.forget(params.notebook_document.uri)
    for cell in params.cell_text_documents:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=cell.uri, diagnostics=[]))


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: MigrateServer, params: types.DidOpenTextDocumentParams) -> None:
    if not ls.client.pull_diagnostics:
        ls.publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: MigrateServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule_push(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: MigrateServer, params: types.DidSaveTextDocumentParams) -> None:
    pass


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: MigrateServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    task = ls._pending.pop(uri, None)
    if task is not None:
        task.cancel()
    ls.documents.forget(uri)
    if not ls.client.pull_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(identifier="azureml-migrate", inter_file_dependencies=False, workspace_diagnostics=True),
)
def pull_diagnostics(ls: MigrateServer, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
    if ls.notebook_of(params.text_document.uri) is not None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])  # notebook cells are pushed
    snap = ls.snapshot(params.text_document.uri)
    if snap is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    result_id = f"{snap.version}:{hash(ls.settings_for(snap.uri))}"
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(
        items=diagnostics.diagnostics(snap, ls.client.encoding), result_id=result_id)


@server.feature(types.WORKSPACE_DIAGNOSTIC)
async def workspace_diagnostics(ls: MigrateServer, params: types.WorkspaceDiagnosticParams):
    from .workspace_diagnostics import workspace_report

    return await workspace_report(ls, params)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL, MIGRATE, notebook_cells.NOTEBOOK_FIX_ALL,
                           notebook_cells.NOTEBOOK_MIGRATE],
        resolve_provider=True),
)
def code_action(ls: MigrateServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    notebook = ls.notebook_of(params.text_document.uri)
    if notebook is not None:
        settings = ls.settings_for(notebook)
        nb = ls.notebooks.get(ls, notebook, settings)
        if nb is None:
            return None
        return notebook_cells.code_actions(nb, params.text_document.uri, params, ls.client, settings) or None
    snap = ls.snapshot(params.text_document.uri)
    if snap is None:
        return None
    return code_actions.actions(snap, params, ls.client, ls.settings_for(snap.uri)) or None


@server.feature(types.CODE_ACTION_RESOLVE)
def code_action_resolve(ls: MigrateServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data if isinstance(action.data, dict) else {}
    if data.get("what") not in code_actions.KINDS:
        return action  # not one of ours (or already complete)
    snap = ls.snapshot(data.get("uri", ""))
    if snap is None:
        action.disabled = types.CodeActionDisabled(reason="The document is not open any more.")
        return action
    return code_actions.resolve(snap, action, ls.client, ls.settings_for(snap.uri))


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: MigrateServer, params: types.HoverParams) -> types.Hover | None:
    notebook = ls.notebook_of(params.text_document.uri)
    if notebook is not None:
        return _cell_hover(ls, notebook, params)
    snap = ls.snapshot(params.text_document.uri)
    if snap is None:
        return None
    return hover.hover(snap, params.position, ls.client.encoding)


def _cell_hover(ls: MigrateServer, notebook: str, params: types.HoverParams) -> types.Hover | None:
    nb = ls.notebooks.get(ls, notebook, ls.settings_for(notebook))
    found = nb and notebook_cells.hover_program(nb, params.text_document.uri, params.position, ls.client.encoding)
    if not found:
        return None
    analysis, vline, col, cell, program = found
    card = hover.card_at(analysis, vline, col)
    if card is None:
        return None
    value, span = card
    line = program.locate(span.line)[1]
    end_line = (program.locate(span.end_line) or (0, line))[1]
    rng = types.Range(start=position(cell.lines, line, span.col, ls.client.encoding),
                      end=position(cell.lines, end_line, span.end_col, ls.client.encoding))
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=value), range=rng)


def _time_limit(value: Any) -> tuple[float | None, list[str]]:
    """The `timeLimit` setting: seconds per analysis, 0 for none, unset for the default."""
    if value is None:
        return SERVER_TIME_LIMIT, []
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < float("inf"):
        return (float(value) or None), []
    return SERVER_TIME_LIMIT, [f"{TIME_LIMIT_SETTING}: expected a number of seconds (0 for no limit)"]


def uri_to_path(uri: str) -> str | None:
    from pygls.uris import to_fs_path

    return to_fs_path(uri) if uri.startswith("file:") else None


def _arg(args: Any) -> dict:
    if isinstance(args, list) and args and isinstance(args[0], dict):
        return args[0]
    return {}


@server.command(CMD_MIGRATE)
async def migrate_file(ls: MigrateServer, *args: Any) -> dict:
    arg = _arg(list(args[0]) if len(args) == 1 and isinstance(args[0], list) else list(args))
    uri = arg.get("uri", "")
    if ls.workspace.get_notebook_document(notebook_uri=uri) is not None:
        nb = ls.notebooks.get(ls, uri, ls.settings_for(uri))
        edit = notebook_cells.migrate_edit(nb, ls.settings_for(uri), ls.client, unsafe=True) if nb else None
        if edit is None:
            return {"changed": False}
        result = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(
            edit=edit, label="Migrate notebook to Azure ML SDK v2"))
        return {"changed": bool(result and result.applied)}
    snap = ls.snapshot(uri)
    if snap is None:
        return {"changed": False, "message": "azureml-migrate: that document is not open"}
    if arg.get("version") is not None and arg["version"] != snap.version:
        return {"changed": False, "message": "azureml-migrate: the document changed; run the command again"}
    try:
        text = code_actions.new_text(snap, "migrate", None, ls.settings_for(snap.uri))
    except code_actions.FixError as exc:
        return {"changed": False, "message": f"azureml-migrate: {exc}"}
    if text == snap.analysis.source:
        return {"changed": False}
    edit = code_actions.workspace_edit(snap, text, ls.client)
    result = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(
        edit=edit, label="Migrate file to Azure ML SDK v2"))
    return {"changed": bool(result and result.applied)}


@server.command(CMD_REPORT)
def report(ls: MigrateServer, *args: Any) -> dict:
    arg = _arg(list(args[0]) if len(args) == 1 and isinstance(args[0], list) else list(args))
    snap = ls.snapshot(arg.get("uri", ""))
    if snap is None:
        return {"markdown": "This document is not open in the azureml-migrate server."}
    from ..report import markdown_for

    return {"markdown": markdown_for([(arg.get("uri", ""), snap.analysis)])}


def start() -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("pygls").setLevel(logging.WARNING)
    server.start_io()

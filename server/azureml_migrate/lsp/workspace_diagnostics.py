"""workspace/diagnostic: findings for Python files that are not open in the editor.

Bounded so a large workspace never blocks typing: files are analysed one at a time with
the event loop free in between (other requests are served), at most MAX_FILES files and
MAX_BYTES per file, and a file whose size and modification time did not change since the
client's previous result is answered "unchanged" without reading it. Progress is reported
through the client's work-done token when it gives one.
"""

from __future__ import annotations

import asyncio
import os
import stat
from urllib.parse import unquote

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from ..engine import analyze
from ..sources import SourceError, read, walk
from ..text import Lines
from .diagnostics import diagnostics
from .documents import Snapshot

MAX_FILES = 5000
MAX_BYTES = 2_000_000


def _result_id(path: str, settings_key: int) -> str | None:
    """Identifies this version of a regular file; None for anything else (a FIFO named
    x.py would block the server in open())."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return f"{st.st_mtime_ns}:{st.st_size}:{settings_key}"


async def workspace_report(ls, params: types.WorkspaceDiagnosticParams) -> types.WorkspaceDiagnosticReport:
    folders = [to_fs_path(f.uri) for f in ls.workspace.folders.values()] or (
        [ls.workspace.root_path] if ls.workspace.root_path else [])
    previous = {p.uri: p.value for p in params.previous_result_ids or []}
    files: list[str] = []
    for folder in folders:
        if folder and os.path.isdir(folder):
            try:
                files += [f for f in walk([folder]) if f.endswith(".py")]
            except SourceError:
                continue
    files = files[:MAX_FILES]
    token = params.work_done_token
    if token is not None:
        ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(
            title="azureml-migrate", message=f"checking {len(files)} files", percentage=0, cancellable=False))
    try:
        items = await _reports(ls, files, previous, token)
    except asyncio.CancelledError:  # $/cancelRequest: close the progress the client shows
        if token is not None:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message="cancelled"))
        raise
    if token is not None:
        ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=f"checked {len(files)} files"))
    return types.WorkspaceDiagnosticReport(items=items)


async def _reports(ls, files: list[str], previous: dict[str, str], token) -> list:
    open_docs = set(ls.workspace.text_documents)
    items: list = []
    for n, path in enumerate(files, start=1):
        uri = from_fs_path(path)
        if unquote(uri) in open_docs:  # pygls keys documents by unquoted URI
            continue  # open documents are reported by textDocument/diagnostic
        settings = ls.settings_for(uri)
        result_id = _result_id(path, hash(settings))
        if result_id is not None and previous.get(uri) == result_id:
            items.append(types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, result_id=result_id))
        elif result_id is not None and os.path.getsize(path) <= MAX_BYTES:
            try:
                src = read(path)
            except SourceError:
                continue
            if "azureml" in src.text:
                snap = Snapshot(uri, None, analyze(src.text, settings, time_limit=ls.time_limit), Lines(src.text))
                found = diagnostics(snap, ls.client.encoding)
            else:
                found = []
            items.append(types.WorkspaceFullDocumentDiagnosticReport(uri=uri, items=found, result_id=result_id))
        if token is not None and n % 50 == 0:
            ls.work_done_progress.report(token, types.WorkDoneProgressReport(
                message=f"{n}/{len(files)} files", percentage=int(100 * n / max(len(files), 1))))
        await asyncio.sleep(0)  # let edits and other requests through between files
    return items

"""Bursts, cancellation, stale versions and several workspace folders (issue #6, item 3)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from azureml_migrate.config import settings_for
from azureml_migrate.engine import analyze
from azureml_migrate.lsp.diagnostics import diagnostics
from azureml_migrate.lsp.documents import Snapshot
from azureml_migrate.text import Lines
from test_reliability_harness import SUBMIT, TRAIN, Session, diag_key, lsp_position

BURST = 100  # didChange notifications, all sent within one second
WORKSPACE_FILES = 120  # closed files for workspace/diagnostic, the request that is cancelled
figures: dict[str, float] = {}


def fresh(session: Session, path: Path, text: str) -> list[tuple]:
    analysis = analyze(text, settings_for(str(path))[0])
    return [diag_key(d) for d in diagnostics(Snapshot(path.as_uri(), None, analysis, Lines(text)), session.encoding)]


def typing_burst(session: Session, uri: str, text: str) -> str:
    """BURST keystrokes at the end of the document, each its own didChange; returns the text."""
    line = "run.log('burst', 12)  #🚀\n"  # four whole lines: the last version parses
    assert BURST % len(line) == 0
    started = time.perf_counter()
    for n in range(BURST):
        ch = line[n % len(line)]
        pos = lsp_position(text, len(text), session.encoding)
        session.change(uri, n + 2, [types.TextDocumentContentChangePartial(
            range=types.Range(start=pos, end=pos), text=ch)])
        text += ch
        session.run(asyncio.sleep(0.002))  # the notifications leave one by one
    figures["burst sent in (s)"] = time.perf_counter() - started
    assert figures["burst sent in (s)"] < 1.0
    return text


@pytest.mark.parametrize("profile", ["vscode-push", "vscode-pull"])
def test_a_burst_of_changes_ends_in_diagnostics_for_the_last_version(profile, tmp_path: Path):
    session = Session(profile)
    try:
        path = tmp_path / "burst.py"
        uri = path.as_uri()
        session.open(uri, SUBMIT)
        if not session.pulls:
            session.pushed(uri, version=1)
        text = typing_burst(session, uri, SUBMIT)
        started = time.perf_counter()
        final = [diag_key(d) for d in session.diagnostics(uri, version=BURST + 1)]
        figures[f"{profile}: last diagnostics after the burst (s)"] = time.perf_counter() - started
        assert final == fresh(session, path, text)
        if not session.pulls:
            session.run(asyncio.sleep(0.5))  # nothing older may arrive after the last version
            published = [(p.version, [diag_key(d) for d in p.diagnostics]) for p in session.published if p.uri == uri]
            versions = [v for v, _ in published]
            assert versions == sorted(versions) and versions[-1] == BURST + 1
            assert published[-1][1] == final
            figures["vscode-push: publications for 101 versions"] = len(published)
            assert len(published) < BURST // 2  # debounced: a burst is not analysed keystroke by keystroke
        assert session.alive() and session.errors_logged() == []
    finally:
        session.close()


@pytest.fixture()
def big_workspace(tmp_path: Path) -> Path:
    for n in range(WORKSPACE_FILES):
        (tmp_path / f"job{n:03}.py").write_text(SUBMIT + f"\n# file {n}\n" + TRAIN * 5)
    return tmp_path


def test_cancel_request_is_honoured(big_workspace: Path):
    session = Session("vscode-pull", folders=[big_workspace])
    try:
        # A long request (workspace/diagnostic analyses the files one after the other) ...
        started = time.perf_counter()
        future = session.send(types.WORKSPACE_DIAGNOSTIC, types.WorkspaceDiagnosticParams(
            previous_result_ids=[], work_done_token="wd-cancel"), msg_id="long-1")
        session.run(asyncio.sleep(0.1))  # it has started: files are being analysed
        session.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="long-1"))
        with pytest.raises(JsonRpcException) as cancelled:
            session.run(future, 20)
        figures["workspace/diagnostic answered after cancel (s)"] = time.perf_counter() - started
        assert cancelled.value.code == -32800  # RequestCancelled
        kinds = [getattr(r, "kind", None) for r in session.client.progress_reports.get("wd-cancel", [])]
        assert kinds[0] == "begin" and kinds[-1] == "end"  # the client's progress bar is closed
        # ... while the full run takes much longer and still works afterwards.
        started = time.perf_counter()
        report = session.answer(session.send(types.WORKSPACE_DIAGNOSTIC, types.WorkspaceDiagnosticParams(
            previous_result_ids=[])), 120)
        figures["workspace/diagnostic, all files, not cancelled (s)"] = time.perf_counter() - started
        assert len(report.items) == WORKSPACE_FILES
        assert figures["workspace/diagnostic answered after cancel (s)"] < figures[
            "workspace/diagnostic, all files, not cancelled (s)"]

        # A request the server answers at once (handlers that do not await): a result or -32800.
        uri = (big_workspace / "job000.py").as_uri()
        session.open(uri, (big_workspace / "job000.py").read_text())
        future = session.send(types.TEXT_DOCUMENT_DIAGNOSTIC, types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri)), msg_id="short-1")
        session.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="short-1"))
        try:
            assert session.run(future, 20).items
        except JsonRpcException as exc:
            assert exc.code == -32800
        # Cancelling what is already answered, or was never asked, changes nothing.
        session.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="short-1"))
        session.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=987654))
        assert session.hover(uri, types.Position(line=3, character=10)) is not None
        assert session.alive() and session.errors_logged() == []
    finally:
        session.close()


def test_code_actions_for_a_stale_version_are_refused(tmp_path: Path):
    session = Session("vscode-pull")
    try:
        path = tmp_path / "stale.py"
        uri = path.as_uri()
        applied: list = []

        @session.client.feature(types.WORKSPACE_APPLY_EDIT)
        def on_apply(params: types.ApplyWorkspaceEditParams):
            applied.append(params.edit)
            return types.ApplyWorkspaceEditResult(applied=True)

        session.open(uri, SUBMIT)
        here = types.Position(line=3, character=10)
        actions = session.answer(session.send(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(start=here, end=here),
            context=types.CodeActionContext(diagnostics=[]))))
        lazy = [a for a in actions if a.edit is None]
        assert {a.kind for a in lazy} >= {"quickfix", "source.fixAll.azureml-migrate", "source.migrate.azureml-migrate"}
        session.change(uri, 2, [types.TextDocumentContentChangeWholeDocument(text=SUBMIT + "# edited\n")])
        for action in lazy:  # every lazily built action of version 1 is refused for version 2
            resolved = session.answer(session.send(types.CODE_ACTION_RESOLVE, action))
            assert resolved.edit is None and "changed" in resolved.disabled.reason
        result = session.answer(session.send(types.WORKSPACE_EXECUTE_COMMAND, types.ExecuteCommandParams(
            command="azureml-migrate.migrateFile", arguments=[{"uri": uri, "version": 1}])))
        assert result["changed"] is False and "changed" in result["message"] and applied == []
        # Edits computed now carry the version they are for.
        again = session.answer(session.send(types.CODE_ACTION_RESOLVE, session.answer(session.send(
            types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(start=here, end=here),
                context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]))))[0]))
        assert again.edit.document_changes[0].text_document.version == 2
        # Closed, or not ours: refused or left alone, never an error.
        session.close_document(uri)
        closed = session.answer(session.send(types.CODE_ACTION_RESOLVE, lazy[0]))
        assert closed.edit is None and "not open" in closed.disabled.reason
        foreign = types.CodeAction(title="someone else's", data={"what": "other", "uri": 3})
        assert session.answer(session.send(types.CODE_ACTION_RESOLVE, foreign)).title == "someone else's"
        assert session.alive() and session.errors_logged() == []
    finally:
        session.close()


def test_each_workspace_folder_gets_its_own_settings(tmp_path: Path):
    v1 = "from azureml.core import Run, Workspace\nws = Workspace.from_config()\nrun = Run.get_context()\nrun.log('a', 1)\n"
    a, b, c = tmp_path / "a", tmp_path / "b folder", tmp_path / "c"  # (a space: %20 in its URIs)
    nested = a / "sub"
    for folder, table in ((a, 'ignore = ["AML001"]'), (b, 'select = ["AML7"]'), (nested, 'select = ["AML1"]'),
                          (c, 'ignore = "AML1"')):  # c: a bad value, reported and defaults kept
        folder.mkdir(parents=True)
        (folder / "pyproject.toml").write_text(f"[tool.azureml-migrate]\n{table}\n")
        (folder / "job.py").write_text(v1)
        (folder / "closed.py").write_text(v1)
    session = Session("vscode-pull", folders=[a, b])
    try:
        def codes(folder: Path) -> set:
            uri = (folder / "job.py").as_uri()
            session.open(uri, v1)
            return {d.code for d in session.pull(uri)}

        everything = {"AML001", "AML101", "AML701", "AML702"}
        assert codes(a) == everything - {"AML001"}
        assert codes(b) == {"AML701", "AML702"}
        assert codes(nested) == {"AML101"}  # the nearest pyproject.toml wins
        report = session.answer(session.send(types.WORKSPACE_DIAGNOSTIC, types.WorkspaceDiagnosticParams(
            previous_result_ids=[])))
        closed = {item.uri: {d.code for d in item.items} for item in report.items}
        assert not {(f / "job.py").as_uri() for f in (a, b, nested)} & set(closed)  # open: reported once, pulled
        assert closed[(a / "closed.py").as_uri()] == everything - {"AML001"}
        assert closed[(b / "closed.py").as_uri()] == {"AML701", "AML702"}
        # A folder added later, with a bad value: its files get the defaults and one warning names it.
        session.client.workspace_did_change_workspace_folders(types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(added=[types.WorkspaceFolder(uri=c.as_uri(), name="c")],
                                                    removed=[])))
        assert codes(c) == everything
        warnings = [m.message for m in session.client.messages if str(c / "pyproject.toml") in m.message]
        assert len(warnings) == 1 and "ignore" in warnings[0]
        assert session.alive() and session.errors_logged() == []
    finally:
        session.close()


def teardown_module() -> None:
    print("\n" + __name__, {k: round(v, 3) for k, v in figures.items()})  # with -s: the figures measured

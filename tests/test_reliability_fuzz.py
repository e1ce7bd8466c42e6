"""Random incremental edits through the real language server (issue #6, item 1).

One server process per client profile (VS Code: UTF-16; Neovim: UTF-8; both pull
diagnostics) serves every Hypothesis example; each example opens a fresh document. An
example sends MIN_EDITS..MAX_EDITS incremental edits (1-3 per didChange) to a v1 file:
insertions, deletions and replacements of v1 snippets, pieces of the file itself
(partial lines), unicode with astral characters, CRLF / CR / form feed / U+2028, tabs
and NUL, plus undos; hover, codeAction, codeAction/resolve and textDocument/diagnostic
requests are sent in between without waiting for their answers.

Every answer must be a result (an error reply fails the test) equal to what an in-process
model of the server computes for the text the client has at that moment (the same
`Documents` cache fed the same versions). The final diagnostics must equal a fresh
analysis of the final text whenever it parses; then every edit is undone with more
incremental edits and the diagnostics must equal a fresh analysis of the original file.
The server must stay alive and log no error.
"""

from __future__ import annotations

import copy
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from lsprotocol import types
from pygls.protocol import default_converter

from azureml_migrate.config import settings_for
from azureml_migrate.engine import analyze
from azureml_migrate.lsp import code_actions, hover
from azureml_migrate.lsp.code_actions import ClientFeatures
from azureml_migrate.lsp.diagnostics import diagnostics
from azureml_migrate.lsp.documents import Documents, Snapshot
from azureml_migrate.text import Lines
from test_reliability_harness import SUBMIT, TRAIN, Session, diag_key, lsp_position, lsp_range, snap_offset

MAX_EXAMPLES = 40  # per client profile (two profiles)
MIN_EDITS, MAX_EDITS = 5, 30  # incremental edits per example, before the undos
SOURCES = [SUBMIT, TRAIN, SUBMIT.replace("\n", "\r\n"), "# café 🚀\n" + TRAIN]
V1_SNIPPETS = [
    "ws = Workspace.from_config()\n", "from azureml.core import Run, Workspace, Experiment\n",
    "run = Run.get_context()\n", "run.log('acc', 0.5)\n", "run.log(\"loss\", 1, \"d\")", "Experiment(ws, 'x')",
    "env = Environment.get(ws, 'e')\n", "ScriptRunConfig(", "azureml", ".submit(config)", "ws.name",
    "  # azureml-migrate: ignore[AML101]", "# azureml-migrate: ignore-file[AML7]\n",
    "def f(ws):\n    return ws.get_details()\n", "if True:\n    run.log('a', 1)\n", "\n    ", ")", "(", "\"\"\"",
]
ODD = ["\r\n", "\r", "\n", "\t", "\x0c", "\x0b", "\u2028", "\x85", "\x00", "é", "中", "🚀", "𝔘", "\u0301", "\ufeff", " "]


@pytest.fixture(scope="module", params=["vscode-pull", "neovim"])
def session(request):
    s = Session(request.param)
    yield s
    s.close()


def fragment(data, text: str) -> str:
    kind = data.draw(st.sampled_from(["v1", "piece", "odd", "text"]))
    if kind == "v1":
        return data.draw(st.sampled_from(V1_SNIPPETS))
    if kind == "piece" and text:  # a partial line or a few lines of the document itself
        start = data.draw(st.integers(0, len(text) - 1))
        return text[start:start + data.draw(st.integers(1, 60))]
    if kind == "odd":
        return data.draw(st.lists(st.sampled_from(ODD), min_size=1, max_size=4).map("".join))
    return data.draw(st.text(min_size=1, max_size=5))


def expressible(text: str, start: int, end: int) -> bool:
    return snap_offset(text, start) == start and snap_offset(text, end) == end


def features(session: Session) -> ClientFeatures:
    return ClientFeatures(encoding=session.encoding, resolve_edit=True,
                          document_changes=session.profile != "neovim", pull_diagnostics=True)


def unstructure(obj) -> object:
    return default_converter().unstructure(obj)


def test_random_incremental_edits_end_in_a_fresh_analysis(session: Session, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    enc = session.encoding
    counts = Counter()

    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(SOURCES), st.data())
    def example(source: str, data) -> None:
        counts["examples"] += 1
        path = folder / f"doc{counts['examples']}.py"
        uri = path.as_uri()
        conf = settings_for(str(path))[0]
        model = Documents()
        text, version = source, 1
        history: list[tuple[int, int, str]] = []  # (start, inserted length, removed text), for undo
        pending: list[tuple] = []  # (future, kind, expected)
        session.open(uri, text)

        def request(kind: str) -> None:
            snap = model.get(uri, version, text, conf)
            if kind == "diagnostic":
                fut = session.send(types.TEXT_DOCUMENT_DIAGNOSTIC, types.DocumentDiagnosticParams(
                    text_document=types.TextDocumentIdentifier(uri=uri)))
                pending.append((fut, kind, [diag_key(d) for d in diagnostics(snap, enc)]))
                return
            a = snap_offset(text, data.draw(st.integers(0, len(text))))
            if kind == "hover":
                pos = lsp_position(text, a, enc)
                fut = session.send(types.TEXT_DOCUMENT_HOVER, types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=uri), position=pos))
                found = hover.hover(snap, pos, enc)
                pending.append((fut, kind, found and (found.contents.value, unstructure(found.range))))
                return
            b = snap_offset(text, data.draw(st.integers(a, min(len(text), a + 200))))
            params = types.CodeActionParams(text_document=types.TextDocumentIdentifier(uri=uri),
                                            range=lsp_range(text, a, b, enc),
                                            context=types.CodeActionContext(diagnostics=[]))
            expected = code_actions.actions(snap, params, features(session), conf)
            fut = session.send(types.TEXT_DOCUMENT_CODE_ACTION, params)
            pending.append((fut, kind, [unstructure(x) for x in expected]))
            lazy = [x for x in expected if x.edit is None and x.data]
            if lazy and data.draw(st.integers(0, 9)) == 0:  # resolving builds a fix: now and then
                chosen = data.draw(st.sampled_from(lazy))
                fut = session.send(types.CODE_ACTION_RESOLVE, copy.deepcopy(chosen))
                resolved = code_actions.resolve(snap, copy.deepcopy(chosen), features(session), conf)
                pending.append((fut, "resolve", unstructure(resolved)))

        def check_answers() -> None:
            for fut, kind, expected in pending:
                got = session.answer(fut)
                counts["requests"] += 1
                if kind == "diagnostic":
                    got = [diag_key(d) for d in got.items]
                elif kind == "hover":
                    got = got and (got.contents.value, unstructure(got.range))
                elif kind == "codeAction":
                    got = [unstructure(x) for x in got or []]
                else:
                    got = unstructure(got)
                assert got == expected, kind
            pending.clear()

        def send(changes: list) -> None:
            nonlocal version
            version += 1
            session.change(uri, version, changes)
            counts["notifications"] += 1

        for _ in range(data.draw(st.integers(MIN_EDITS, MAX_EDITS), label="edits")):
            changes = []
            for _ in range(data.draw(st.integers(1, 3))):
                kind = data.draw(st.sampled_from(["insert", "delete", "replace", "undo"]))
                if kind == "undo" and history and expressible(text, history[-1][0], sum(history[-1][:2])):
                    start, length, removed = history.pop()
                    end, new = start + length, removed
                else:
                    start = snap_offset(text, data.draw(st.integers(0, len(text))))
                    end = start if kind == "insert" else snap_offset(
                        text, data.draw(st.integers(start, min(len(text), start + 40))))
                    new = "" if kind == "delete" else fragment(data, text)
                    history.append((start, len(new), text[start:end]))
                changes.append(types.TextDocumentContentChangePartial(range=lsp_range(text, start, end, enc), text=new))
                text = text[:start] + new + text[end:]
                counts["edits"] += 1
            send(changes)
            for kind in data.draw(st.lists(st.sampled_from(["hover", "codeAction", "diagnostic"]), max_size=2)):
                request(kind)
        request("diagnostic")
        check_answers()
        fresh = analyze(text, conf)
        if fresh.syntax_error is None:
            counts["final texts that parse"] += 1
            final = session.pull(uri)
            assert [diag_key(d) for d in final] == [
                diag_key(d) for d in diagnostics(Snapshot(uri, version, fresh, Lines(text)), enc)]

        # Undo everything, edit by edit (a whole-text change where a client could not express one).
        while history:
            start, length, removed = history.pop()
            if not expressible(text, start, start + length):
                history.clear()
                send([types.TextDocumentContentChangeWholeDocument(text=source)])
                text = source
                break
            send([types.TextDocumentContentChangePartial(range=lsp_range(text, start, start + length, enc),
                                                         text=removed)])
            text = text[:start] + removed + text[start + length:]
            counts["undo edits"] += 1
        assert text == source
        original = analyze(source, conf)
        assert [diag_key(d) for d in session.pull(uri)] == [
            diag_key(d) for d in diagnostics(Snapshot(uri, version, original, Lines(source)), enc)]
        counts["requests"] += 1
        session.close_document(uri)

    example()
    assert session.alive(), "the server died"
    assert session.errors_logged() == []
    assert not [m for m in session.client.messages if m.type == types.MessageType.Error]
    assert counts["examples"] >= MAX_EXAMPLES
    assert counts["edits"] >= MAX_EXAMPLES * MIN_EDITS
    assert counts["requests"] >= 2 * MAX_EXAMPLES  # at least the final and the after-undo diagnostics
    print(session.profile, dict(counts))  # with -s: what this run tried

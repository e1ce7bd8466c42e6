"""Bounds: memory with many open documents, the size limit, the time limit (issue #6, item 4)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from lsprotocol import types

from azureml_migrate.config import settings_for
from azureml_migrate.engine import MAX_BYTES, analyze
from azureml_migrate.lsp.diagnostics import diagnostics
from azureml_migrate.lsp.documents import Snapshot
from azureml_migrate.text import Lines
from test_reliability_harness import ROOT, SUBMIT, TRAIN, Session, diag_key

OPEN_DOCUMENTS = 200
RSS_LIMIT_MB = 400
figures: dict[str, float] = {}


def v1_document(n: int) -> str:
    """About 250 lines of typical SDK v1 code (a v1 call every 10 lines), different in each document."""
    helpers = "".join(f"def helper_{n}_{k}(x, y):\n    total = x + y\n    if total > {k}:\n        return total * 2\n"
                      f"    return [v for v in range(total)]\n\n\nrun.log('doc{n}_{k}', {k})\n\n" for k in range(23))
    return TRAIN + SUBMIT + helpers


def fresh(session: Session, path: Path, text: str) -> list[tuple]:
    analysis = analyze(text, settings_for(str(path))[0])
    return [diag_key(d) for d in diagnostics(Snapshot(path.as_uri(), None, analysis, Lines(text)), session.encoding)]


def test_memory_with_200_open_v1_documents(tmp_path: Path):
    session = Session("vscode-pull")
    try:
        figures["RSS idle (MB)"] = session.rss_mb()
        started = time.perf_counter()
        uris = []
        for n in range(OPEN_DOCUMENTS):
            uri = (tmp_path / f"doc{n}.py").as_uri()
            uris.append(uri)
            session.open(uri, v1_document(n))
            assert session.pull(uri)  # analysed: each document has findings
        figures[f"open + analyse {OPEN_DOCUMENTS} documents (s)"] = time.perf_counter() - started
        figures["lines per document"] = v1_document(0).count("\n")
        figures[f"RSS with {OPEN_DOCUMENTS} open documents (MB)"] = rss = session.rss_mb()
        assert rss < RSS_LIMIT_MB
        # The first document's analysis was dropped from the cache long ago: recomputed, the same.
        assert [diag_key(d) for d in session.pull(uris[0])] == fresh(session, tmp_path / "doc0.py", v1_document(0))
        assert session.alive() and session.errors_logged() == []
    finally:
        session.close()


def test_a_file_over_the_size_limit_gets_exactly_one_notice(tmp_path: Path):
    session = Session("vscode-push")  # (tests/test_lsp.py checks the notice with pulled diagnostics too)
    try:
        path = tmp_path / "huge.py"
        uri = path.as_uri()
        small = "from azureml.core import Run\nrun = Run.get_context()\nrun.log('a', 1)\n"
        huge = small + "x = 1\n" * (MAX_BYTES // 6 + 10)
        session.open(uri, huge)
        found = session.diagnostics(uri, version=1)
        assert [(d.code, d.severity, d.range.start.line) for d in found] == [
            ("AML000", types.DiagnosticSeverity.Information, 0)]
        assert "larger than 5 MB" in found[0].message and "azureml-migrate check" in found[0].message
        here = types.Position(line=2, character=2)
        assert session.hover(uri, here) is None
        actions = session.answer(session.send(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(start=here, end=here),
            context=types.CodeActionContext(diagnostics=[]))))
        assert not actions
        # Back under the limit (the tail deleted): analysed again.
        session.change(uri, 2, [types.TextDocumentContentChangePartial(range=types.Range(
            start=types.Position(line=3, character=0), end=types.Position(line=huge.count("\n"), character=0)),
            text="")])
        assert {d.code for d in session.diagnostics(uri, version=2)} == {"AML001", "AML701", "AML702"}
        assert session.alive() and session.errors_logged() == []
    finally:
        session.close()


def test_the_cli_says_a_file_is_over_the_size_limit(tmp_path: Path):
    (tmp_path / "huge.py").write_text("from azureml.core import Run\n" + "x = 1\n" * (MAX_BYTES // 6 + 10))
    result = subprocess.run([sys.executable, "-m", "azureml_migrate", "check", "huge.py"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.stderr.strip().splitlines() == [
        "azureml-migrate: huge.py: file is larger than 5 MB; not analysed; left unchanged"]
    assert result.returncode == 2


def slow_text(lines: int) -> str:
    return SUBMIT + "run.log('a', 1)\nx = 1\n" * (lines // 2)


def test_time_limit_in_the_engine():
    text = slow_text(20_000)
    started = time.perf_counter()
    full = analyze(text, time_limit=None)
    unlimited = time.perf_counter() - started
    assert full.syntax_error is None and len(full.visible) > 10_000
    started = time.perf_counter()
    stopped = analyze(text, time_limit=unlimited / 10)
    limited = time.perf_counter() - started
    figures["analysis of 20,000 lines, no limit (s)"] = unlimited
    figures["same, limit a tenth of that (s)"] = limited
    assert stopped.visible == [] and stopped.syntax_error == f"analysis stopped after {unlimited / 10:g} s (time limit); not analysed"
    assert limited < unlimited * 0.75  # stopped early (the parse before the first check is not interrupted)
    assert analyze(text, time_limit=0).syntax_error.startswith("analysis stopped after 0 s")


def test_time_limit_in_the_server(tmp_path: Path):
    session = Session("vscode-pull", init_options={"settings": {"timeLimit": 0.001}})
    try:
        path = tmp_path / "slow.py"
        uri = path.as_uri()
        text = slow_text(2_000)
        session.open(uri, text)
        found = session.pull(uri)
        assert [(d.code, d.range.start.line) for d in found] == [("AML000", 0)]
        assert "analysis stopped after 0.001 s (time limit)" in found[0].message and "timeLimit" in found[0].message
        # No limit (0): the full analysis, the same as the engine's.
        session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"azuremlMigrate": {"timeLimit": 0}}))
        assert [diag_key(d) for d in session.pull(uri)] == fresh(session, path, text)
        # A bad value is reported once and the default (10 s) is kept.
        session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"azuremlMigrate": {"timeLimit": "soon"}}))
        assert [diag_key(d) for d in session.pull(uri)] == fresh(session, path, text)
        assert any("timeLimit: expected a number of seconds" in m.message for m in session.client.messages)
        assert session.alive() and session.errors_logged() == []
    finally:
        session.close()


def teardown_module() -> None:
    print("\n" + __name__, {k: round(v, 3) for k, v in figures.items()})  # with -s: the figures measured

"""A language server process driven synchronously, for the reliability tests.

`Session` starts `azureml-migrate lsp` through pytest-lsp's client on an event loop of
its own, so a Hypothesis test (which cannot await) can share one server across all its
examples. It keeps what the server wrote on stderr, knows the server's pid (for memory),
and tells whether the process is still alive.

The client's model of a document (`lsp_position`, `lsp_range`) follows the LSP's rules
independently of the server's code: lines end at \\n, \\r\\n or \\r only, characters
are counted in the negotiated encoding. The tests at the bottom check the server's
text synchronisation (lsp/text_sync.py) against this model.
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path
from typing import Any

from hypothesis import given, settings, strategies as st
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import make_test_lsp_client

from azureml_migrate.lsp.text_sync import apply_change

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "day1-experiment"
SUBMIT = (EXAMPLES / "submit.py").read_text()
TRAIN = (EXAMPLES / "src" / "train.py").read_text()
SERVER = [sys.executable, "-m", "azureml_migrate", "lsp"]
_BREAK = re.compile(r"\r\n|\r|\n")


# -- the client's model of positions ----------------------------------------------------

def units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def lsp_position(text: str, offset: int, encoding: str) -> types.Position:
    line, start = 0, 0
    for m in _BREAK.finditer(text, 0, offset):
        if m.end() > offset:  # inside \r\n: not a position a client sends
            raise ValueError("offset inside a line break")
        line, start = line + 1, m.end()
    return types.Position(line=line, character=units(text[start:offset], encoding))


def lsp_range(text: str, start: int, end: int, encoding: str) -> types.Range:
    return types.Range(start=lsp_position(text, start, encoding), end=lsp_position(text, end, encoding))


def snap_offset(text: str, offset: int) -> int:
    """`offset`, moved out of the middle of a \\r\\n pair."""
    if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
        return offset + 1
    return offset


def diag_key(d: types.Diagnostic) -> tuple:
    r = d.range
    return (r.start.line, r.start.character, r.end.line, r.end.character, d.code, d.message, d.severity)


# -- one server process, driven synchronously -------------------------------------------

def capabilities(profile: str) -> types.ClientCapabilities:
    """vscode-push (UTF-16, pushed diagnostics), vscode-pull (UTF-16, pulled), neovim (UTF-8, pulled)."""
    if profile == "neovim":
        return client_capabilities("neovim")
    caps = client_capabilities("visual-studio-code")
    if profile == "vscode-pull":
        caps.text_document.diagnostic = types.DiagnosticClientCapabilities(related_document_support=False)
    return caps


class Session:
    def __init__(self, profile: str = "vscode-pull", *, init_options: Any = None,
                 folders: list[Path] | None = None, cwd: Path | None = None) -> None:
        """`cwd`: the server's working directory (and the workspace root)."""
        self.profile = profile
        self.loop = asyncio.new_event_loop()
        self.stderr: list[str] = []
        self.client: LanguageClient = make_test_lsp_client()
        self.run(self.client.start_io(*SERVER, cwd=str(cwd) if cwd else None))
        self.process = self.client._server  # pytest-lsp keeps the asyncio subprocess here
        forwarder = self.client._stderr_forwarder
        if forwarder is not None:  # keep the server's stderr ourselves instead of forwarding it
            forwarder.cancel()
        self._reader = self.loop.create_task(self._read_stderr())
        self.published: list[types.PublishDiagnosticsParams] = []  # every publication, in order
        features = self.client.protocol.fm.features
        keep = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]  # pytest-lsp's (it keeps the latest)

        def record(params: types.PublishDiagnosticsParams):
            self.published.append(params)
            return keep(params)

        features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
        result = self.run(self.client.initialize_session(types.InitializeParams(
            capabilities=capabilities(profile), initialization_options=init_options,
            workspace_folders=[types.WorkspaceFolder(uri=f.as_uri(), name=f.name) for f in folders or []] or None,
            root_uri=cwd.as_uri() if cwd else None)))
        encoding = result.capabilities.position_encoding or "utf-16"
        self.encoding = str(getattr(encoding, "value", encoding)).lower()
        self.pulls = profile != "vscode-push"
        self.requests = 0  # requests answered

    async def _read_stderr(self) -> None:
        while True:
            line = await self.process.stderr.readline()
            if not line:
                return
            self.stderr.append(line.decode("utf-8", "replace"))

    def run(self, awaitable, timeout: float = 60):
        return self.loop.run_until_complete(asyncio.wait_for(awaitable, timeout))

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.returncode is None

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS")

    def errors_logged(self) -> list[str]:
        return [ln for ln in self.stderr if "Traceback" in ln or "ERROR" in ln]

    # -- notifications
    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)))

    def change(self, uri: str, version: int, changes: list) -> None:
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=changes))

    def close_document(self, uri: str) -> None:
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))

    # -- requests: send now, answer later (an asyncio future)
    def send(self, method: str, params: Any, msg_id: Any = None) -> asyncio.Future:
        """Write the request now (after the notifications sent before it); answer later."""
        future = self.client.protocol.send_request(method, params, msg_id=msg_id)
        return asyncio.wrap_future(future, loop=self.loop)

    def answer(self, future, timeout: float = 60):
        result = self.run(future, timeout)
        self.requests += 1
        return result

    def pull(self, uri: str, timeout: float = 60) -> list[types.Diagnostic]:
        report = self.answer(self.send(types.TEXT_DOCUMENT_DIAGNOSTIC, types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri))), timeout)
        return list(report.items)

    def pushed(self, uri: str, version: int | None = None, timeout: float = 30) -> list[types.Diagnostic]:
        """The next diagnostics published for `uri` (for `version`, when given)."""
        async def wait():
            while True:
                params = await self.client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
                if params.uri == uri and (version is None or params.version == version):
                    return list(params.diagnostics)

        return self.run(wait(), timeout)

    def diagnostics(self, uri: str, version: int | None = None) -> list[types.Diagnostic]:
        return self.pull(uri) if self.pulls else self.pushed(uri, version)

    def hover(self, uri: str, pos: types.Position):
        return self.answer(self.send(types.TEXT_DOCUMENT_HOVER, types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=pos)))

    def close(self) -> None:
        try:
            if self.alive():
                self.run(self.client.shutdown_session(), 30)
            self.run(self.client.stop(), 30)
        finally:
            if self.alive():
                self.process.kill()
            self._reader.cancel()
            self.loop.run_until_complete(asyncio.sleep(0))
            self.loop.close()


# -- the server's text synchronisation against the client's model ------------------------

FRAGMENTS = ["\n", "\r\n", "\r", "\x0c", "\x0b", "\x1c", "\x85", "\u2028", "\u2029", "\t", "x", "é", "🚀", "𝔘", "\ufeff"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join), st.data(),
       st.sampled_from(["utf-8", "utf-16", "utf-32"]))
def test_incremental_change_lands_where_the_client_means(text, data, encoding):
    for _ in range(4):
        start = snap_offset(text, data.draw(st.integers(0, len(text))))
        end = snap_offset(text, data.draw(st.integers(start, len(text))))
        new = data.draw(st.lists(st.sampled_from(FRAGMENTS), max_size=3).map("".join))
        change = types.TextDocumentContentChangePartial(range=lsp_range(text, start, end, encoding), text=new)
        expected = text[:start] + new + text[end:]
        assert apply_change(text, change, encoding) == expected
        text = expected


def test_positions_past_a_line_or_the_document_clamp_to_its_end():
    def change(text, l1, c1, l2, c2, new="X"):
        return apply_change(text, types.TextDocumentContentChangePartial(range=types.Range(
            start=types.Position(line=l1, character=c1), end=types.Position(line=l2, character=c2)), text=new),
            "utf-16")

    assert change("abc\ndef\n", 0, 4, 0, 4) == "abcX\ndef\n"  # pygls 2.1: "abc\nXdef\n"
    assert change("abc", 0, 9, 0, 9) == "abcX"  # pygls 2.1: "abXc"
    assert change("abc\n", 5, 0, 7, 0) == "abc\nX"
    assert change("a🚀b", 0, 2, 0, 2) == "a🚀Xb"  # the middle of a surrogate pair rounds up
    assert change("abc\r\ndef", 0, 3, 1, 0, "") == "abcdef"

"""Raw JSON-RPC over stdio: malformed requests still get an answer."""

from __future__ import annotations

import json
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _frame(obj: dict) -> bytes:
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read(proc: subprocess.Popen, timeout: float) -> dict | None:
    if not select.select([proc.stdout], [], [], timeout)[0]:
        return None
    header = b""
    while not header.endswith(b"\r\n\r\n"):
        header += proc.stdout.read(1)
    length = int(next(h for h in header.split(b"\r\n") if h.lower().startswith(b"content-length")).split(b":")[1])
    return json.loads(proc.stdout.read(length))


def test_request_with_invalid_params_gets_error_reply():
    proc = subprocess.Popen([sys.executable, "-m", "azureml_migrate", "lsp"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env={"PYTHONPATH": str(ROOT / "server"), "PATH": "/usr/bin:/bin"})
    try:
        def send(obj: dict) -> None:
            proc.stdin.write(_frame(obj))
            proc.stdin.flush()

        send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None,
                                                                             "capabilities": {}}})
        assert _read(proc, 20)["id"] == 1
        send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        uri = "file:///tmp/x.py"
        send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1,
            "text": "from azureml.core import Workspace\nws = Workspace.from_config()\n"}}})
        # A diagnostic without its required range and message, as Neovim 0.7 can send.
        send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/codeAction", "params": {
            "textDocument": {"uri": uri}, "range": {"start": {"line": 1, "character": 5},
                                                    "end": {"line": 1, "character": 5}},
            "context": {"diagnostics": [{"code": "AML101"}]}}})
        deadline = time.monotonic() + 10
        reply = None
        while time.monotonic() < deadline and reply is None:
            msg = _read(proc, deadline - time.monotonic())
            if msg is not None and msg.get("id") == 2:
                reply = msg
        assert reply is not None, "no reply to the malformed request"
        assert reply["error"]["code"] == -32602
        # The server still works afterwards.
        send({"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": uri}, "position": {"line": 1, "character": 10}}})
        while True:
            msg = _read(proc, 10)
            assert msg is not None
            if msg.get("id") == 3:
                assert "AML101" in msg["result"]["contents"]["value"]
                break
    finally:
        proc.kill()
        proc.wait()

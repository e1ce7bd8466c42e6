"""pygls' protocol, with one fix: a request whose params do not validate gets an error reply.

pygls 2.1 logs such a request and drops it, so the client waits for an answer that never
comes (Neovim 0.7 sends code-action contexts with partial diagnostics). JSON-RPC requires
a -32602 "Invalid params" response to that id.
"""

from __future__ import annotations

from typing import Any

from lsprotocol.types import ResponseError
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol


class _Answered:
    """Stands in for a request that was already answered with an error: nothing to do."""

    jsonrpc = "2.0"


class MigrateProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]):
        try:
            return super().structure_message(data)
        except (JsonRpcInvalidParams, JsonRpcInternalError) as exc:
            if isinstance(data, dict) and "id" in data and "method" in data:
                code = -32602 if isinstance(exc, JsonRpcInvalidParams) else -32603
                message = f"invalid params for {data['method']}" if code == -32602 else "internal error"
                self._send_response(data["id"], error=ResponseError(code=code, message=message))
                return _Answered()
            raise

    def handle_message(self, message):
        if isinstance(message, _Answered):
            return
        return super().handle_message(message)

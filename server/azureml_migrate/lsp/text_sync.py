"""Incremental text synchronisation by the LSP's rules.

pygls 2.1 applies `didChange` ranges to lines split with `str.splitlines`, which also
breaks at form feed, vertical tab, \\x1c-\\x1e, NEL, U+2028 and U+2029; and it moves a
position past the end of a line to the next line (or before the last character of the
last line). The server's copy of a document then differs from the editor's: a form feed
(a page break, legal in Python source) shifts every later edit.

The LSP says lines end at `\\n`, `\\r\\n` or `\\r` only, and a character past the end of
its line means the end of the line. These documents follow that (as `text.Lines` does);
a line past the end of the document means its end.
"""

from __future__ import annotations

import re
from typing import Sequence

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace

from ..text import Lines, col_from_units
from .convert import encoding_name

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def offset_at(lines: Lines, pos: types.Position, encoding: str) -> int:
    """Offset in `lines.text` of an LSP position (client units), clamped as the LSP says."""
    if pos.line >= len(lines.starts):
        return len(lines.text)
    return lines.starts[pos.line] + col_from_units(lines.line(pos.line + 1), pos.character, encoding)


def apply_change(text: str, change: types.TextDocumentContentChangePartial, encoding: str) -> str:
    lines = Lines(text)
    start, end = sorted((offset_at(lines, change.range.start, encoding), offset_at(lines, change.range.end, encoding)))
    return text[:start] + change.text + text[end:]


class LspTextDocument(TextDocument):
    @property
    def lines(self) -> Sequence[str]:  # used by pygls' position conversions
        return tuple(_LINE.findall(self.source))

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        self._source = apply_change(self.source, change, encoding_name(self.position_codec.encoding))


class LspWorkspace(Workspace):
    def _create_text_document(self, doc_uri: str, source: str | None = None, version: int | None = None,
                              language_id: str | None = None) -> TextDocument:
        return LspTextDocument(doc_uri, source=source, version=version, language_id=language_id,
                               sync_kind=self._sync_kind, position_codec=self.position_codec)


def install(workspace: Workspace) -> None:
    """Make the documents of pygls' workspace (created in `initialize`, before any
    document is opened) follow the LSP's line rules."""
    if type(workspace) is Workspace:
        workspace.__class__ = LspWorkspace

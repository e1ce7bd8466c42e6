"""Line splitting and column conversion shared by analysis, fixes and the server.

Python's tokenizer, libcst and LSP all agree that lines end at `\\n`, `\\r\\n` or `\\r`
(unlike `str.splitlines`, which also splits at form feeds and Unicode separators).
`ast` columns are UTF-8 byte offsets; everything else in this package counts code points.
"""

from __future__ import annotations

import re
from itertools import accumulate
from operator import add

_NEWLINE = re.compile(r"\r\n|\r|\n")


class Lines:
    """The lines of a text, with offsets, for position arithmetic."""

    __slots__ = ("text", "starts", "_lines")

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: list[str] | None = None
        if "\r" not in text:  # the usual case, 3x faster: split and sum lengths in C
            parts = self._lines = text.split("\n")
            self.starts = [0, *map(add, accumulate(map(len, parts[:-1])), range(1, len(parts)))]
            return
        self.starts = [0]
        for m in _NEWLINE.finditer(text):
            self.starts.append(m.end())

    def __len__(self) -> int:
        return len(self.starts)

    def line(self, lineno: int) -> str:
        """Text of 1-based line `lineno`, without its line ending."""
        if self._lines is None:
            self._lines = _NEWLINE.split(self.text)
        if 1 <= lineno <= len(self._lines):
            return self._lines[lineno - 1]
        return ""

    def offset(self, lineno: int, col: int) -> int:
        """Offset in the text of (1-based line, code-point column)."""
        if lineno > len(self.starts):
            return len(self.text)
        return min(self.starts[lineno - 1] + col, len(self.text))

    def position(self, offset: int) -> tuple[int, int]:
        """(1-based line, code-point column) of an offset."""
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self.starts[lo]

    def char_col(self, lineno: int, byte_col: int) -> int:
        """Convert an `ast` UTF-8 byte column to a code-point column."""
        text = self.line(lineno)
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def segment(self, node, padded: bool = False) -> str | None:
        """The text of an `ast` node, as `ast.get_source_segment` gives it (which splits the
        whole text into lines on every call: a fifth of analysing Microsoft's samples)."""
        try:
            line, end_line = node.lineno, node.end_lineno
            col, end_col = node.col_offset, node.end_col_offset
        except AttributeError:
            return None
        if end_line is None or end_col is None:
            return None
        start = self.starts[line - 1] + self.char_col(line, col)
        text = self.text[start:self.starts[end_line - 1] + self.char_col(end_line, end_col)]
        if padded and end_line != line:  # pad the first line to its column, keeping tabs and form feeds
            text = "".join(c if c in "\f\t" else " " for c in self.line(line)[:start - self.starts[line - 1]]) + text
        return text

    def line_end(self, lineno: int) -> int:
        """Offset just past the last character of a line (before its newline)."""
        return self.starts[lineno - 1] + len(self.line(lineno))


def newline_of(text: str) -> str:
    """The line ending the text uses (its first one), for the lines a fix adds."""
    at = text.find("\n")
    return "\r\n" if at > 0 and text[at - 1] == "\r" else "\n"


def units(text: str, encoding: str) -> int:
    """Length of `text` in the code units of an LSP position encoding."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        if text.isascii():
            return len(text)
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def col_from_units(line: str, col_units: int, encoding: str) -> int:
    """Code-point column for a column in client units (clamped to the line)."""
    if encoding == "utf-32" or line.isascii():
        return min(col_units, len(line))
    count = 0
    for i, ch in enumerate(line):
        if count >= col_units:
            return i
        count += units(ch, encoding)
    return len(line)


def line_indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]

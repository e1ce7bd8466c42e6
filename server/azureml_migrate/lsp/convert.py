"""Translation between engine positions (code points) and LSP positions, and text edits."""

from __future__ import annotations

import difflib

from lsprotocol import types

from ..analysis.model import Span
from ..text import Lines, col_from_units, units


def encoding_name(kind: object) -> str:
    value = getattr(kind, "value", kind) or "utf-16"
    return str(value).lower()


def position(lines: Lines, line: int, col: int, encoding: str) -> types.Position:
    """Engine (1-based line, code-point column) -> LSP position in the client's units."""
    text = lines.line(line)
    return types.Position(line=line - 1, character=units(text[:col], encoding))


def to_range(lines: Lines, span: Span, encoding: str) -> types.Range:
    return types.Range(
        start=position(lines, span.line, span.col, encoding),
        end=position(lines, span.end_line, span.end_col, encoding),
    )


def from_position(lines: Lines, pos: types.Position, encoding: str) -> tuple[int, int]:
    """LSP position -> engine (1-based line, code-point column)."""
    line = pos.line + 1
    return line, col_from_units(lines.line(line), pos.character, encoding)


def text_edits(old: str, new: str, encoding: str) -> list[types.TextEdit]:
    """Minimal line-based edits turning `old` into `new`."""
    if old == new:
        return []
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    # Equal head and tail lines need no diffing (SequenceMatcher is slow on long, repetitive files).
    head = 0
    while head < min(len(old_lines), len(new_lines)) and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while (tail < min(len(old_lines), len(new_lines)) - head
           and old_lines[-1 - tail] == new_lines[-1 - tail]):
        tail += 1
    lines = Lines(old)
    edits: list[types.TextEdit] = []
    a = old_lines[head:len(old_lines) - tail]
    b = new_lines[head:len(new_lines) - tail]
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    offsets = [0]
    for ln in old_lines:
        offsets.append(offsets[-1] + len(ln))
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        i1, i2, j1, j2 = i1 + head, i2 + head, j1 + head, j2 + head
        start = lines.position(offsets[i1])
        end = lines.position(offsets[i2])
        edits.append(
            types.TextEdit(
                range=types.Range(
                    start=position(lines, start[0], start[1], encoding),
                    end=position(lines, end[0], end[1], encoding),
                ),
                new_text="".join(new_lines[j1:j2]),
            )
        )
    return edits

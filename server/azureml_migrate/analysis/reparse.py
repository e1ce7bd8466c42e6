"""Parse a new version of a text by re-parsing only the top-level statements an edit touched.

Typing usually changes characters within lines, not the number of lines. Then every
top-level statement outside the edited lines keeps its `ast` node (same lines, same
columns), and only the statements that overlap the edit are parsed again, with their
real line numbers. Anything unusual (the line count changed, the edit is not inside
whole statements, the region does not parse on its own) returns None and the caller
parses the whole text.

The edited lines are found from the common prefix and suffix of the two texts (string
comparisons in C), so the cost does not grow with the number of lines.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left

_NEWLINE = re.compile(r"\r\n|\r|\n")
_CHUNK = 4096


def reparse(old_source: str, old_tree: ast.Module, new_source: str) -> ast.Module | None:
    if old_source == new_source:
        return old_tree
    if not old_tree.body:
        return None
    if "\r" in old_source or "\r" in new_source:
        return _reparse_by_lines(old_source, old_tree, new_source)
    if old_source.count("\n") != new_source.count("\n"):
        return None
    prefix = _common_prefix(old_source, new_source)
    suffix = _common_suffix(old_source, new_source, min(len(old_source), len(new_source)) - prefix)
    # The edited lines: from the line of the first difference to the line of the last one,
    # in either text (both have the same lines before and after the edited middle).
    line_start = new_source.rfind("\n", 0, prefix) + 1
    first = new_source.count("\n", 0, prefix) + 1
    last = first + max(_newlines_to_line_end(new_source, prefix, len(new_source) - suffix),
                       _newlines_to_line_end(old_source, prefix, len(old_source) - suffix))
    edited = _lines(new_source, line_start, last - first + 1)
    return _splice(old_tree, first, last, edited, new_source, line_start, first)


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i:i + _CHUNK] == b[i:i + _CHUNK]:
        i += _CHUNK
    hi = min(i + _CHUNK, n)
    while i < hi and a[i] == b[i]:
        i += 1
    return i


def _common_suffix(a: str, b: str, limit: int) -> int:
    """Length of the common suffix, at most `limit` characters."""
    la, lb = len(a), len(b)
    i = 0
    while i + _CHUNK <= limit and a[la - i - _CHUNK:la - i] == b[lb - i - _CHUNK:lb - i]:
        i += _CHUNK
    while i < limit and a[la - i - 1] == b[lb - i - 1]:
        i += 1
    return i


def _newlines_to_line_end(text: str, start: int, end: int) -> int:
    """Newlines from `start` up to the last character before `end` (the line it is on)."""
    return text.count("\n", start, max(start, end - 1))


def _lines(text: str, offset: int, count: int) -> list[str]:
    """`count` lines of `text` starting at `offset` (the start of a line)."""
    out = []
    for _ in range(count):
        end = text.find("\n", offset)
        if end < 0:
            out.append(text[offset:])
            break
        out.append(text[offset:end])
        offset = end + 1
    return out


def _splice(old_tree: ast.Module, first: int, last: int, edited: list[str], new_source: str,
            known_offset: int, known_line: int) -> ast.Module | None:
    """The new tree: the old statements outside lines first..last, those overlapping them
    parsed again. `edited` holds the new text of those lines; `known_offset` is where line
    `known_line` starts in `new_source`."""
    body = old_tree.body
    lo = bisect_left(body, first, key=_end)
    hi = lo
    while hi < len(body) and _start(body[hi]) <= last:
        hi += 1
    covered: set[int] = set()
    for stmt in body[lo:hi]:
        covered.update(range(_start(stmt), _end(stmt) + 1))
    # Lines outside every statement (blank lines, comments between statements) may not
    # start a new statement: the whole edited range must be covered by the touched ones.
    for n, text in enumerate(edited, start=first):
        if n not in covered and text.strip() and not text.lstrip().startswith("#"):
            return None
    if lo == hi:
        return ast.Module(body=list(body), type_ignores=[])
    start, end = _start(body[lo]), _end(body[hi - 1])
    region = _line_range(new_source, known_offset, known_line, start, end)
    if region[:1] in (" ", "\t"):
        return None  # the region must start at column 0 to be parsed on its own
    snippet = "\n" * (start - 1) + region + "\n"
    try:
        parsed = ast.parse(snippet)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for stmt in parsed.body:
        if _end(stmt) > end:
            return None
    return ast.Module(body=[*body[:lo], *parsed.body, *body[hi:]], type_ignores=[])


def _line_range(text: str, offset: int, line: int, start: int, end: int) -> str:
    """Lines start..end of `text`, given that line `line` starts at `offset`."""
    while line > start:
        offset = text.rfind("\n", 0, offset - 1) + 1
        line -= 1
    while line < start:
        offset = text.find("\n", offset) + 1
        line += 1
    stop = offset
    for _ in range(end - start + 1):
        stop = text.find("\n", stop)
        if stop < 0:
            stop = len(text)
            break
        stop += 1
    region = text[offset:stop]
    return region[:-1] if region.endswith("\n") else region


def _reparse_by_lines(old_source: str, old_tree: ast.Module, new_source: str) -> ast.Module | None:
    """The same for texts with `\\r` line ends: compare line by line."""
    old_lines = _NEWLINE.split(old_source)
    new_lines = _NEWLINE.split(new_source)
    if len(old_lines) != len(new_lines):
        return None
    changed = [i + 1 for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
    if not changed:
        return old_tree
    first, last = changed[0], changed[-1]
    text = "\n".join(new_lines)  # line ends do not change the tree
    return _splice(old_tree, first, last, new_lines[first - 1:last], text, 0, 1)


def _start(stmt: ast.stmt) -> int:
    decorators = getattr(stmt, "decorator_list", None)
    if decorators:
        return min(stmt.lineno, *[d.lineno for d in decorators])
    return stmt.lineno


def _end(stmt: ast.stmt) -> int:
    return stmt.end_lineno or stmt.lineno

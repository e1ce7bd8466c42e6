"""Parse a new version of a text by re-parsing only the top-level statements an edit touched.

Every top-level statement outside the edited lines keeps its `ast` node, and only the
statements that overlap the edit are parsed again, with their real line numbers. When
the edit added or removed lines (Enter), the statements after it are moved: their line
numbers change in place (`tree.moved` says from which statement on, and by how much).
Anything unusual (indented code or a clause that would continue the statement before
the region, a region that does not parse on its own) returns None and the caller parses
the whole text. When the region's syntax error is certainly the whole text's, it is
raised: a whole parse of a failing text costs two parses (see _error_is_the_files).

The edited lines are found from the common prefix and suffix of the two texts (string
comparisons in C), so the cost does not grow with the number of lines.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left
from typing import NamedTuple

_NEWLINE = re.compile(r"\r\n|\r|\n")
_CLAUSE = re.compile(r"(?:else|elif|except|finally)\b")
_CHUNK = 4096


def reparse(old_source: str, old_tree: ast.Module, new_source: str) -> ast.Module | None:
    if old_source == new_source:
        return old_tree
    if not old_tree.body:
        return None
    if "\r" in old_source or "\r" in new_source:
        return _reparse_by_lines(old_source, old_tree, new_source)
    prefix = _common_prefix(old_source, new_source)
    suffix = _common_suffix(old_source, new_source, min(len(old_source), len(new_source)) - prefix)
    # The edited lines: from the line of the first difference to the line of the last one,
    # in each text; the lines after them are the same in both, `delta` lines apart.
    line_start = new_source.rfind("\n", 0, prefix) + 1
    first = new_source.count("\n", 0, prefix) + 1
    if old_source.count("\n") != new_source.count("\n"):
        # Lines added or removed: each text's edited lines end where its middle ends.
        old_middle = old_source.count("\n", prefix, len(old_source) - suffix)
        new_middle = new_source.count("\n", prefix, len(new_source) - suffix)
    else:  # the same lines in both, up to the line either middle ends on
        old_middle = new_middle = max(_newlines_to_line_end(new_source, prefix, len(new_source) - suffix),
                                      _newlines_to_line_end(old_source, prefix, len(old_source) - suffix))
    edited = _lines(new_source, line_start, new_middle + 1)
    return _splice(old_tree, first, first + old_middle, edited, new_source, line_start, first)


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
    """The new tree: the old statements before line `first`, the text from the first
    statement overlapping lines first..last to the last one parsed again, and the old
    statements after, moved by the lines the edit added or removed (`edited` holds the new
    text of the edited lines; `known_offset` is where line `known_line` starts in
    `new_source`).

    Statements after the edit are moved in place, and only once the new tree is certain:
    the old tree is the previous analysis's, which the caller gives up (engine.analyze)."""
    body = old_tree.body
    delta = len(edited) - (last - first + 1)
    lo = bisect_left(body, first, key=_end)
    hi = lo
    while hi < len(body) and _start(body[hi]) <= last:
        hi += 1
    if lo == hi and all(_no_code(text) for text in edited):
        return _shifted(body, [], lo, hi, delta, first, last)  # blank lines or comments between statements
    start = min(first, _start(body[lo])) if lo < hi else first
    end = (max(last, _end(body[hi - 1])) if lo < hi else last) + delta  # in the new text
    region = _line_range(new_source, known_offset, known_line, start, end)
    code = next((text for text in region.split("\n") if not _no_code(text)), "")
    if code[:1] in (" ", "\t") or _CLAUSE.match(code):
        # Indented code or a clause (`else:`) continues the statement before: the region
        # must begin a statement of its own to be parsed on its own.
        return None
    snippet = "\n" * (start - 1) + region + "\n"
    try:
        parsed = ast.parse(snippet)
    except SyntaxError as exc:
        following = _end(body[hi]) + delta if hi < len(body) else None
        if _error_is_the_files(exc, snippet, new_source, known_offset, known_line, end, following):
            raise
        return None
    except (ValueError, RecursionError, MemoryError):
        return None
    for stmt in parsed.body:
        if _end(stmt) > end:
            return None
    return _shifted(body, parsed.body, lo, hi, delta, first, last)


def _no_code(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


class Moved(NamedTuple):
    """What an edit that added or removed lines did to the old tree: its statements from
    `index` on (in the new tree) are the old ones, moved by `delta` lines; the old lines
    first..last were edited."""

    index: int
    delta: int
    first: int
    last: int


def _shifted(body: list[ast.stmt], parsed: list[ast.stmt], lo: int, hi: int, delta: int,
             first: int, last: int) -> ast.Module:
    tree = ast.Module(body=[*body[:lo], *parsed, *body[hi:]], type_ignores=[])
    if delta:
        move_lines(body[hi:], delta)
        tree.moved = Moved(lo + len(parsed), delta, first, last)
    return tree


_FIELDS: dict[type, tuple[tuple[str, ...], bool]] = {}


def move_lines(stmts: list[ast.stmt], delta: int) -> None:
    """Add `delta` to the line numbers of every node in `stmts` (`ast.increment_lineno`,
    twice as fast: a move is done for every line break typed in a long file)."""
    stack: list = list(stmts)
    pop, push, fields_of, node_type = stack.pop, stack.append, _FIELDS.get, ast.AST
    while stack:
        node = pop()
        fields = fields_of(type(node))
        if fields is None:
            fields = _FIELDS[type(node)] = (type(node)._fields, "lineno" in type(node)._attributes)
        if fields[1]:
            node.lineno += delta
            end = node.end_lineno
            if end is not None:
                node.end_lineno = end + delta
        for name in fields[0]:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, node_type):
                        push(item)
            elif isinstance(value, node_type):
                push(value)


def _error_is_the_files(exc: SyntaxError, snippet: str, text: str, offset: int, line: int, end: int,
                        following: int | None) -> bool:
    """Is the syntax error of the re-parsed statements (ending at line `end`) the error a
    parse of the whole text reports?

    Everything before them parses, so the whole text fails at the same place unless the
    failure depends on what follows (the region does not begin with a clause or indented
    code, which would continue the statement before): a triple-quoted string, a line
    continuation or a decorator may run on into the next statement, and an unfinished
    block is reported where the next statement starts. So the region is parsed once more followed by the
    next statement (which ends at line `following`; None: there is none, only blank lines
    and comments follow): when both parses fail the same way, what follows did not matter.
    (An unclosed bracket fails the same way in both: what follows is balanced, and CPython
    reports a bracket still open at the end of the text before any other error.)
    Typing through unfinished code (`run.`) then costs two parses of a few statements,
    not two of the file (CPython parses a failing text twice to word its message)."""
    if following is None:  # what follows is blank lines and comments, to the end
        after = text[_line_offset(text, offset, line, end + 1):]
    else:
        after = _line_range(text, offset, line, end + 1, following)
    try:
        ast.parse(snippet + after + "\n")
    except SyntaxError as again:
        return (again.msg, again.lineno, again.offset, again.end_lineno, again.end_offset) == (
            exc.msg, exc.lineno, exc.offset, exc.end_lineno, exc.end_offset)
    except (ValueError, RecursionError, MemoryError):
        return False
    return False


def _line_offset(text: str, offset: int, line: int, target: int) -> int:
    """Where line `target` starts in `text` (its length past the last line), given that
    line `line` starts at `offset`."""
    while line > target:
        offset = text.rfind("\n", 0, offset - 1) + 1
        line -= 1
    while line < target:
        found = text.find("\n", offset)
        if found < 0:
            return len(text)
        offset = found + 1
        line += 1
    return offset


def _line_range(text: str, offset: int, line: int, start: int, end: int) -> str:
    """Lines start..end of `text`, given that line `line` starts at `offset`."""
    offset = _line_offset(text, offset, line, start)
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

"""Parse a new version of a text by re-parsing only the top-level statements an edit touched.

Typing usually changes characters within lines, not the number of lines. Then every
top-level statement outside the edited lines keeps its `ast` node (same lines, same
columns), and only the statements that overlap the edit are parsed again, with their
real line numbers. Anything unusual (the line count changed, the edit is not inside
whole statements, the region does not parse on its own) returns None and the caller
parses the whole text.
"""

from __future__ import annotations

import ast
import re

_NEWLINE = re.compile(r"\r\n|\r|\n")


def reparse(old_source: str, old_tree: ast.Module, new_source: str) -> ast.Module | None:
    old_lines = _NEWLINE.split(old_source)
    new_lines = _NEWLINE.split(new_source)
    if len(old_lines) != len(new_lines) or not old_tree.body:
        return None
    changed = [i + 1 for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
    if not changed:
        return old_tree
    first, last = changed[0], changed[-1]
    body = old_tree.body
    spans = [(_start(s), s.end_lineno or s.lineno) for s in body]
    touched = [i for i, (a, b) in enumerate(spans) if a <= last and b >= first]
    # Lines outside every statement (blank lines, comments between statements) may not
    # start a new statement: the whole edited range must be covered by the touched ones.
    covered = set()
    for i in touched:
        covered.update(range(spans[i][0], spans[i][1] + 1))
    for n in changed:
        if n not in covered and new_lines[n - 1].strip() and not new_lines[n - 1].lstrip().startswith("#"):
            return None
    if not touched:
        return ast.Module(body=list(body), type_ignores=[])
    lo, hi = touched[0], touched[-1]
    start, end = spans[lo][0], spans[hi][1]
    if any(new_lines[start - 1][:1] in (" ", "\t") for _ in (0,)):
        return None  # the region must start at column 0 to be parsed on its own
    snippet = "\n" * (start - 1) + "\n".join(new_lines[start - 1:end]) + "\n"
    try:
        region = ast.parse(snippet)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for stmt in region.body:
        if (stmt.end_lineno or stmt.lineno) > end:
            return None
    return ast.Module(body=[*body[:lo], *region.body, *body[hi + 1:]], type_ignores=[])


def _start(stmt: ast.stmt) -> int:
    decorators = getattr(stmt, "decorator_list", None) or []
    return min([stmt.lineno, *[d.lineno for d in decorators]])

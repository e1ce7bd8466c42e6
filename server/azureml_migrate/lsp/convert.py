"""Translation between engine positions (code points) and LSP positions, and text edits."""

from __future__ import annotations

import bisect
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
    offsets = [0]
    for ln in old_lines:
        offsets.append(offsets[-1] + len(ln))
    for i1, i2, j1, j2 in _changed_regions(a, b):
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


# difflib compares every pair of equal lines: quadratic on long or repetitive text (the
# whole-file migration of a 10,000-line file spent 80-115 s here). Up to DIFFLIB_PAIRS line
# pairs it is quick and its result is kept. Larger inputs are split at lines that occur
# once on each side (patience diff), and the parts are diffed the same way; a large part
# without such lines gets Myers' O((N+M)D) diff, fast when few lines change, within
# MYERS_BUDGET comparisons, else one edit for that part.
DIFFLIB_PAIRS = 250_000
MYERS_BUDGET = 2_000_000


def _changed_regions(a: list[str], b: list[str]):
    """(i1, i2, j1, j2) for each region where a[i1:i2] becomes b[j1:j2]."""
    i = j = 0
    for bi, bj, size in [*_matching_blocks(a, b), (len(a), len(b), 0)]:
        if i < bi or j < bj:
            yield i, bi, j, bj
        i, j = bi + size, bj + size


def _matching_blocks(a: list[str], b: list[str]) -> list[tuple[int, int, int]]:
    """Increasing (i, j, size) with a[i:i+size] == b[j:j+size]."""
    blocks: list[tuple[int, int, int]] = []
    todo = [(0, len(a), 0, len(b))]
    while todo:
        alo, ahi, blo, bhi = todo.pop()
        head = 0
        while alo + head < ahi and blo + head < bhi and a[alo + head] == b[blo + head]:
            head += 1
        if head:
            blocks.append((alo, blo, head))
            alo, blo = alo + head, blo + head
        tail = 0
        while alo < ahi - tail and blo < bhi - tail and a[ahi - 1 - tail] == b[bhi - 1 - tail]:
            tail += 1
        if tail:
            blocks.append((ahi - tail, bhi - tail, tail))
            ahi, bhi = ahi - tail, bhi - tail
        if alo == ahi or blo == bhi:
            continue
        if (ahi - alo) * (bhi - blo) <= DIFFLIB_PAIRS:
            matcher = difflib.SequenceMatcher(a=a[alo:ahi], b=b[blo:bhi], autojunk=False)
            blocks += [(alo + i, blo + j, n) for i, j, n in matcher.get_matching_blocks() if n]
            continue
        anchors = _unique_anchors(a, alo, ahi, b, blo, bhi)
        if anchors:
            i, j = alo, blo
            for ai, bj in anchors:
                blocks.append((ai, bj, 1))
                todo.append((i, ai, j, bj))
                i, j = ai + 1, bj + 1
            todo.append((i, ahi, j, bhi))
            continue
        found = _myers_blocks(a[alo:ahi], b[blo:bhi], MYERS_BUDGET)
        blocks += [(alo + i, blo + j, n) for i, j, n in found or [] if n]
    return sorted(blocks)


def _unique_anchors(a: list[str], alo: int, ahi: int, b: list[str], blo: int, bhi: int) -> list[tuple[int, int]]:
    """The longest run, in order on both sides, of lines that occur once in a[alo:ahi] and
    once in b[blo:bhi] (patience sorting)."""
    count: dict[str, int] = {}
    for line in a[alo:ahi]:
        count[line] = count.get(line, 0) + 1
    in_b: dict[str, int] = {}
    for j in range(blo, bhi):
        line = b[j]
        if count.get(line) == 1:
            in_b[line] = -1 if line in in_b else j
    pairs = [(i, in_b[a[i]]) for i in range(alo, ahi) if in_b.get(a[i], -1) >= 0]
    tops: list[int] = []  # j of the last pair of the best run of each length
    ends: list[int] = []  # index in `pairs` of that pair
    back: list[int] = []
    for n, (_, j) in enumerate(pairs):
        pos = bisect.bisect_left(tops, j)
        back.append(ends[pos - 1] if pos else -1)
        if pos == len(tops):
            tops.append(j)
            ends.append(n)
        else:
            tops[pos], ends[pos] = j, n
    run: list[tuple[int, int]] = []
    n = ends[-1] if ends else -1
    while n >= 0:
        run.append(pairs[n])
        n = back[n]
    return run[::-1]


def _myers_blocks(a: list, b: list, budget: int) -> list[tuple[int, int, int]] | None:
    """Matching blocks of a shortest edit script (Myers 1986), or None past `budget` steps."""
    n, m = len(a), len(b)
    v = {1: 0}
    trace = []
    work = 0
    for d in range(n + m + 1):
        for k in range(-d, d + 1, 2):
            x = v[k + 1] if k == -d or (k != d and v[k - 1] < v[k + 1]) else v[k - 1] + 1
            y = x - k
            start = x
            while x < n and y < m and a[x] == b[y]:
                x += 1
                y += 1
            work += x - start + 1
            v[k] = x
            if x >= n and y >= m:
                trace.append(dict(v))
                return _backtrack(trace, n, m)
        trace.append(dict(v))
        if work > budget:
            return None
    return None


def _backtrack(trace: list[dict[int, int]], n: int, m: int) -> list[tuple[int, int, int]]:
    blocks: list[tuple[int, int, int]] = [(n, m, 0)]
    x, y = n, m
    for d in range(len(trace) - 1, 0, -1):
        v = trace[d - 1]
        k = x - y
        prev_k = k + 1 if k == -d or (k != d and v[k - 1] < v[k + 1]) else k - 1
        px = v[prev_k]
        py = px - prev_k
        sx, sy = (px, py + 1) if prev_k == k + 1 else (px + 1, py)  # after the one insertion / deletion
        if x > sx:
            blocks.append((sx, sy, x - sx))
        x, y = px, py
    if x > 0:
        blocks.append((0, 0, x))
    blocks.reverse()
    return blocks

"""Incremental parsing gives exactly the tree a full parse gives, or declines."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import given, settings, strategies as st

from azureml_migrate.analysis.reparse import reparse
from azureml_migrate.engine import analyze

SOURCES = [p.read_text() for p in sorted((Path(__file__).parent / "fixtures").glob("*.before.py"))]
SOURCES.append((Path(__file__).resolve().parent.parent / "examples" / "day1-experiment" / "submit.py").read_text())
ALPHABET = "abc()[]{}:=,.'\"#\\ \t@xyz01"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SOURCES), st.data())
def test_reparse_equals_full_parse(source, data):
    tree = ast.parse(source)
    lines = source.split("\n")
    for _ in range(data.draw(st.integers(1, 3))):
        n = data.draw(st.integers(0, len(lines) - 1))
        line = lines[n]
        pos = data.draw(st.integers(0, len(line)))
        if data.draw(st.booleans()) and line:
            cut = data.draw(st.integers(1, min(3, len(line) - min(pos, len(line) - 1))))
            pos = min(pos, len(line) - 1)
            lines[n] = line[:pos] + line[pos + cut:]
        else:
            lines[n] = line[:pos] + data.draw(st.text(ALPHABET, min_size=1, max_size=3)) + line[pos:]
    new = "\n".join(lines)
    got = reparse(source, tree, new)
    try:
        expected = ast.parse(new)
    except (SyntaxError, ValueError):
        assert got is None
        return
    if got is not None:
        assert ast.dump(got, include_attributes=True) == ast.dump(expected, include_attributes=True)


def test_analysis_with_previous_matches_a_fresh_one():
    source = SOURCES[-1]
    old = analyze(source)
    new_source = source.replace("name='day1-experiment-train'", "name='day2-experiment-train'")
    fresh, reused = analyze(new_source), analyze(new_source, previous=old)
    assert [(f.code, f.span, f.message, f.fix_safety) for f in reused.visible] == [
        (f.code, f.span, f.message, f.fix_safety) for f in fresh.visible]

"""The server's document cache under random edit sequences: after any sequence of edits the
findings equal a fresh analysis of the final text (incremental re-parse and the findings
carried over during syntax errors never leak into a text that parses)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings, strategies as st

from azureml_migrate.config import DEFAULT
from azureml_migrate.engine import analyze
from azureml_migrate.lsp.documents import Documents

EXAMPLE = (Path(__file__).resolve().parent.parent / "examples" / "day1-experiment")
SOURCES = [(EXAMPLE / "submit.py").read_text(), (EXAMPLE / "src" / "train.py").read_text()]
ALPHABET = "abc()[]:=,.'\"# \n\tx0"


def key(analysis):
    return [(f.code, f.span, f.message, f.fix_safety) for f in analysis.visible], analysis.syntax_error


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(SOURCES), st.data())
def test_random_edit_sequences_end_in_a_fresh_analysis(source, data):
    docs = Documents()
    text = source
    docs.get("file:///t.py", 1, text, DEFAULT)
    for version in range(2, data.draw(st.integers(2, 8))):
        pos = data.draw(st.integers(0, len(text)))
        if data.draw(st.booleans()) and pos < len(text):
            end = min(len(text), pos + data.draw(st.integers(1, 4)))
            text = text[:pos] + text[end:]
        else:
            text = text[:pos] + data.draw(st.text(ALPHABET, min_size=1, max_size=4)) + text[pos:]
        snap = docs.get("file:///t.py", version, text, DEFAULT)
        fresh = analyze(text)
        if not fresh.syntax_error:
            assert key(snap.analysis) == key(fresh) and not snap.carried
        else:
            # Carried findings only on lines the edits left alone, and no fixes offered.
            assert snap.carried or not snap.analysis.visible

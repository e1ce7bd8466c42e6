"""The server's document cache under random edit sequences: after any sequence of edits the
findings equal a fresh analysis of the final text (incremental re-parse and the findings
carried over during syntax errors never leak into a text that parses), and the LSP
diagnostics reused across keystrokes equal a fresh conversion."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hypothesis import given, settings, strategies as st

from azureml_migrate.config import DEFAULT
from azureml_migrate.engine import analyze
from azureml_migrate.lsp import diagnostics
from azureml_migrate.lsp.documents import Documents

EXAMPLE = (Path(__file__).resolve().parent.parent / "examples" / "day1-experiment")
SOURCES = [(EXAMPLE / "submit.py").read_text(), (EXAMPLE / "src" / "train.py").read_text()]
# Shaped like a library module: edits inside functions take the incremental path.
SOURCES.append('''\
from azureml.core import Workspace, Experiment, Run, ScriptRunConfig
ws = Workspace.from_config()


def submit(name):
    exp = Experiment(workspace=ws, name=name)
    cfg = ScriptRunConfig(source_directory=".", script="train.py", compute_target="cpu")
    run = exp.submit(cfg)
    run.wait_for_completion(show_output=True)
    return run


def train(values):
    run = Run.get_context()
    label = "loss"
    for step, v in enumerate(values):
        run.log(label, v)
    run.tag("done", "yes")


class Job:
    def start(self):
        run = Run.get_context()
        run.log("start", 1)
''')
ALPHABET = "abc()[]:=,.'\"# \n\tx0é😀"


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
        if data.draw(st.booleans()):  # mostly inside a function body, where typing usually happens
            body = [m for m in range(len(text)) if text.startswith("\n    ", m)]
            if body:
                pos = data.draw(st.sampled_from(body)) + data.draw(st.integers(5, 12))
                pos = min(pos, len(text))
        if data.draw(st.booleans()) and pos < len(text):
            end = min(len(text), pos + data.draw(st.integers(1, 4)))
            text = text[:pos] + text[end:]
        else:
            text = text[:pos] + data.draw(st.text(ALPHABET, min_size=1, max_size=4)) + text[pos:]
        snap = docs.get("file:///t.py", version, text, DEFAULT)
        encoding = "utf-16" if version % 2 else "utf-8"
        reused = diagnostics.diagnostics(snap, encoding)  # may reuse the previous version's
        rebuilt = diagnostics.diagnostics(dataclasses.replace(snap, converted={}, previously_converted=None), encoding)
        assert reused == rebuilt
        fresh = analyze(text)
        if not fresh.syntax_error:
            assert key(snap.analysis) == key(fresh) and not snap.carried
        else:
            # Carried findings only on lines the edits left alone, and no fixes offered.
            assert snap.carried or not snap.analysis.visible


def test_findings_stay_while_several_versions_in_a_row_do_not_parse():
    docs = Documents()
    source = SOURCES[0]
    found = docs.get("file:///t.py", 1, source, DEFAULT).analysis.visible
    last_line = max(f.span.line for f in found)
    for version, typed in enumerate(["print(", "print(a", "print(am", "print(aml"], start=2):  # a new last line
        snap = docs.get("file:///t.py", version, source + typed, DEFAULT)
        assert snap.carried and snap.analysis.syntax_error
        assert [f.span for f in snap.analysis.visible] == [f.span for f in found]
    snap = docs.get("file:///t.py", 99, source + "print(aml_url)\n", DEFAULT)
    assert not snap.carried and max(f.span.line for f in snap.analysis.visible) == last_line

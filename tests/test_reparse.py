"""Incremental parsing gives exactly the tree a full parse gives, or declines; incremental
analysis (analysis/incremental.py) gives exactly the analysis a whole-file one gives."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from azureml_migrate.analysis import incremental
from azureml_migrate.analysis.model import Binding, Finding
from azureml_migrate.analysis.reparse import reparse
from azureml_migrate.engine import analyze

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.before.py"))
SOURCES = [p.read_text() for p in FIXTURES]
SOURCES.append((Path(__file__).resolve().parent.parent / "examples" / "day1-experiment" / "submit.py").read_text())
ALPHABET = "abc()[]{}:=,.'\"#\\ \t@xyz01"


def _edit_lines(source: str, data, alphabet: str) -> str:
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
            lines[n] = line[:pos] + data.draw(st.text(alphabet, min_size=1, max_size=3)) + line[pos:]
    return "\n".join(lines)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SOURCES), st.data())
def test_reparse_equals_full_parse(source, data):
    tree = ast.parse(source)
    new = _edit_lines(source, data, ALPHABET + ("\n" if data.draw(st.booleans()) else ""))
    if data.draw(st.integers(0, 4)) == 0:  # the same edit in a text with \r\n line ends
        source, new = source.replace("\n", "\r\n"), new.replace("\n", "\r\n")
    try:
        got = reparse(source, tree, new)
    except SyntaxError as exc:  # only when it is exactly the error a whole parse reports
        with pytest.raises(SyntaxError) as full:
            ast.parse(new)
        assert _where(exc) == _where(full.value)
        return
    try:
        expected = ast.parse(new)
    except (SyntaxError, ValueError):
        assert got is None
        return
    if got is not None:
        assert ast.dump(got, include_attributes=True) == ast.dump(expected, include_attributes=True)


def _where(exc: SyntaxError) -> tuple:
    return type(exc), exc.msg, exc.lineno, exc.offset, exc.end_lineno, exc.end_offset


# Unfinished code whose error does not depend on what follows (raised without a whole
# parse; an unclosed bracket is reported first whatever follows), and code whose error
# may (an unclosed triple-quoted string, a continuation running on): raised only when it
# is the whole parse's error, else declined.
UNFINISHED = [("run.log(x)", "run.", True), ("run.log(x)", "run.log(x) y", True),
              ("run.log(x)", "run.log(", True), ("run.log(x)", 'run.log("""', False),
              ("run.log(x)", "run.log(x) \\", False), ("run.log(x)", "'unclosed", True)]
UNFINISHED_MODULE = "import os\n\n\ndef f(x):\n    run.log(x)\n    return x\n\n# note\n\n{tail}"


@pytest.mark.parametrize("old, new, raised", UNFINISHED)
@pytest.mark.parametrize("tail", ["", "y = 1\n", "y = [1,\n     2]\n", '@dec\ndef g(a,\n      b):\n    """doc"""\n'])
def test_unfinished_code_raises_the_whole_files_error_or_declines(old, new, raised, tail):
    source = UNFINISHED_MODULE.format(tail=tail)
    text = source.replace(old, new)
    with pytest.raises(SyntaxError) as full:
        ast.parse(text)
    try:
        reparse(source, ast.parse(source), text)
    except SyntaxError as exc:
        assert _where(exc) == _where(full.value)
    else:
        assert not raised, "a local error should not need a whole parse"


@pytest.mark.parametrize("source, new", [
    ("if x:\n    a\nb = 1\nc = 2\n", "else:"),
    ("if x:\n    a\nb = 1\nc = 2\n", "else: b"),  # the whole text parses
    ("try:\n    a\nexcept E:\n    pass\nb = 1\nc = 2\n", "finally:"),
    ("try:\n    a\nexcept E:\n    pass\nb = 1\nc = 2\n", "except OSError: pass"),
])
def test_a_clause_typed_after_a_compound_statement_belongs_to_it(source, new):
    text = source.replace("b = 1", new)
    try:
        got = reparse(source, ast.parse(source), text)
    except SyntaxError as exc:
        with pytest.raises(SyntaxError) as full:
            ast.parse(text)
        assert _where(exc) == _where(full.value)
    else:
        assert got is None or ast.dump(got) == ast.dump(ast.parse(text))


def test_a_block_left_empty_is_reported_where_the_whole_parse_reports_it():
    source = "def f():\n    return 1\n\n\nx = 2\n"
    text = source.replace("    return 1", "    if x:   ")
    try:
        reparse(source, ast.parse(source), text)
    except SyntaxError as exc:
        with pytest.raises(SyntaxError) as full:
            ast.parse(text)
        assert _where(exc) == _where(full.value)


def test_analysis_with_previous_matches_a_fresh_one():
    source = SOURCES[-1]
    old = analyze(source)
    new_source = source.replace("name='day1-experiment-train'", "name='day2-experiment-train'")
    fresh, reused = analyze(new_source), analyze(new_source, previous=old)
    assert [(f.code, f.span, f.message, f.fix_safety) for f in reused.visible] == [
        (f.code, f.span, f.message, f.fix_safety) for f in fresh.visible]


# -- incremental analysis ------------------------------------------------------------------
# Sources shaped like real modules: functions, methods and nested functions using SDK v1,
# module-level bindings used from functions, `global`, ignore comments, and the rules whose
# checks look at the whole file (sweep, compute).


def _into_functions(source: str) -> str:
    """The fixture's imports at module level, the rest as a function body and a method."""
    lines = source.split("\n")
    imports = [ln for ln in lines if ln.startswith(("import ", "from "))]
    rest = [ln for ln in lines if not ln.startswith(("import ", "from "))]
    body = textwrap.indent("\n".join(rest).strip("\n") or "pass", "    ")
    return ("\n".join(imports) + "\n\n\ndef main():\n" + body + "\n\n\nclass Job:\n    def run(self):\n"
            + textwrap.indent(body, "    ") + "\n\n\ndef other():\n    return 1\n")


def _half_module(source: str) -> str:
    """The first half at module level (its bindings are seen by the functions), the rest
    in two functions."""
    lines = source.split("\n")
    imports = [ln for ln in lines if ln.startswith(("import ", "from "))]
    rest = [ln for ln in lines if not ln.startswith(("import ", "from "))]
    cut = len(rest) // 2
    while cut < len(rest) and rest[cut][:1] in (" ", "\t", ")", "]", "}"):
        cut += 1
    body = textwrap.indent("\n".join(rest[cut:]).strip("\n") or "pass", "    ")
    return "\n".join(imports + rest[:cut]) + "\n\n\ndef later():\n" + body + "\n\n\ndef again():\n" + body + "\n"


MODULES = ['''\
from azureml.core import Workspace, Experiment, Run, ScriptRunConfig, Environment
ws = Workspace.from_config()
name = "loss"


def submit(i):
    exp = Experiment(workspace=ws, name="exp")
    cfg = ScriptRunConfig(source_directory=".", script="t.py", compute_target="c")
    run = exp.submit(cfg)
    run.wait_for_completion()
    return run


def train(values):
    run = Run.get_context()
    label = "x"
    for v in values:
        run.log(name, v)
        run.log("a", label)

    def inner():
        run.log("b", 1)
        return ws
    return inner


class Trainer:
    def fit(self):
        run = Run.get_context()
        run.log("acc", 0.5)  # azureml-migrate: ignore[AML702]

    def plain(self):
        return 2
''', '''\
from azure.ai.ml import command
from azureml.train.hyperdrive import choice, BanditPolicy


def build():
    job = command(code=".", inputs={"lr": choice([1, 2]), "n": choice(range(1, 4))})
    policy = BanditPolicy(2, 0.1)
    return job.sweep(early_termination_policy=policy)


def other():
    x = 1
    return x


def third():
    y = 2
    return y
''', '''\
from azureml.core import Workspace, Dataset, Datastore
from azureml.core.compute import ComputeTarget, AmlCompute
from azureml.core.compute_target import ComputeTargetException


def make(ws):
    try:
        ct = ComputeTarget(workspace=ws, name="cpu")
    except ComputeTargetException:
        cfg = AmlCompute.provisioning_configuration(vm_size="STANDARD_D2_V2", max_nodes=4)
        ct = ComputeTarget.create(ws, "cpu", cfg)
        ct.wait_for_completion(show_output=True)
    return ct


def data():
    ws = Workspace.from_config()
    store = Datastore.get(ws, "blob")
    ds = Dataset.File.from_files(path=(store, "data/"))
    ds = ds.register(workspace=ws, name="d", description="x")
    return ds


def plain(x):
    return x + 1
''', '''\
from azureml.core import Run


def a():
    metric = 1
    return metric


def b():
    run = Run.get_context()
    run.log("m", metric)
''', '''\
from azureml.core import Run, Workspace
from azureml.core.compute import ComputeTarget
from azureml.core.compute_target import ComputeTargetException
from azureml.train.hyperdrive import choice
ws = Workspace.from_config()
try:
    ct = ComputeTarget(workspace=ws, name="cpu")
except ComputeTargetException:
    ct = None
batch = choice(range(3))  # is `range` the builtin? The check reads the whole tree


def a():
    run = Run.get_context()
    run.log("m", 1)
''', '''\
from azureml.core import Run


def a():
    run = Run.get_context()
    run.log("m", 1)


def b():
    global counter
    counter = 1
''']
SHAPED = [*MODULES, *[_into_functions(s) for s in SOURCES], *[_half_module(s) for s in SOURCES]]

# Whole statements that keep a function body valid, and characters typed into a line.
STATEMENTS = [
    "x = 1", "run.log('m', x)", "run = Run.get_context()", "ws = Workspace.from_config()",
    "exp = Experiment(ws, 'n')", "label = 'str'", "run.log('t', label)", "global ws", "pass",
    "ws.get_details()", "return ws", "print(run)", "ds = Dataset.File.from_files(path='x')",
    "ct = ComputeTarget(workspace=ws, name='c')", "name = 'loss'", "run.log(name, 2)",
    "cfg = ScriptRunConfig(source_directory='.', script='t.py')", "run = exp.submit(cfg)",
    "run.wait_for_completion()", "env = Environment('e')", "x = ws", "del ws", "ws = None",
    "run.log('a', 1)  # azureml-migrate: ignore", "y = 2  # azureml-migrate: ignore-file",
    "range = 5", "command = None", "choice = 3", "job = command(code='.')", "x = range(3)",
]
TYPED = "abc()[]:=,.'\"# x0"


def _norm(value, depth=0):
    """Facts made comparable across two analyses (findings, bindings and nodes by position)."""
    if depth > 4:
        return "..."
    if isinstance(value, Finding):
        return ("finding", value.code, value.span)
    if isinstance(value, Binding):
        return ("binding", value.name, value.kind, value.new_name)
    if isinstance(value, ast.AST):
        return (type(value).__name__, getattr(value, "lineno", None), getattr(value, "col_offset", None))
    if isinstance(value, dict):
        return tuple(sorted((str(k), _norm(v, depth + 1)) for k, v in value.items()))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted((_norm(v, depth + 1) for v in value), key=repr))
    if isinstance(value, (list, tuple)):
        return tuple(_norm(v, depth + 1) for v in value)
    return value


def everything(a):
    """All an analysis exposes, comparable between a fresh and an incremental analysis."""
    if a.tree is None:
        return a.syntax_error, [(f.code, f.span) for f in a.findings]
    stmts = {id(s): (type(s).__name__, s.lineno, s.col_offset) for s in ast.walk(a.tree) if isinstance(s, ast.stmt)}
    return dict(
        findings=[(f.code, f.symbol, f.span, f.message, f.safety, f.fix_safety, f.blocked, f.suppressed,
                   [g.span for g in f.closure], _norm(f.facts), f.absorbed_by is not None,
                   f.receiver.name if f.receiver else None, [b.name for b in f.requires]) for f in a.findings],
        escapes=[(e.binding.name, e.span, e.inside.span if e.inside else None) for e in a.escapes],
        bindings=[(b.name, b.kind, b.mode, b.new_name, [(r.lineno, r.col_offset) for r in b.references])
                  for b in a.bindings],
        names=sorted(a.names_in_use),
        import_refs={k: [(span, stmts.get(sid)) for span, sid in v] for k, v in a.import_refs.items()},
        occurrences=[(o.symbol, o.span) for o in a.occurrences],
        import_stmts=[(s.lineno, s.col_offset) for s in a.import_stmts],
        unused=[(s.line, s.col, s.codes) for s in a.unused_suppressions],
        blocks=sorted((stmts[k], index) for k, (_, index) in a.block_of.items() if k in stmts),
        block_count=len(stmts),
        syntax_error=a.syntax_error,
    )


def _edit(source: str, data) -> str:
    lines = source.split("\n")
    inside = [i for i, ln in enumerate(lines) if ln.startswith("    ") and ln.strip()]
    choice = data.draw(st.integers(0, 9))
    if inside and choice < 4:  # replace a simple statement in a function body
        simple = [i for i in inside if not lines[i].rstrip().endswith((":", ",", "(", "[", "{", "\\"))
                  and (i + 1 >= len(lines) or not lines[i + 1].startswith(lines[i][:len(lines[i]) - len(lines[i].lstrip())] + " "))]
        if simple:
            i = data.draw(st.sampled_from(simple))
            indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
            lines[i] = indent + data.draw(st.sampled_from(STATEMENTS))
            return "\n".join(lines)
    if inside and choice == 8:  # press Enter in a function body, or delete a line there
        i = data.draw(st.sampled_from(inside))
        if data.draw(st.booleans()):
            lines.insert(i + 1, data.draw(st.sampled_from(["", "    ", "    x = 1", "    # note", "        run.log('n', 1)"])))
        else:
            del lines[i]
        return "\n".join(lines)
    if inside and choice < 8:  # type or delete characters in a function body
        i = data.draw(st.sampled_from(inside))
        line = lines[i]
        pos = data.draw(st.integers(4, len(line)))
        if data.draw(st.booleans()) and pos < len(line):
            lines[i] = line[:pos] + line[pos + data.draw(st.integers(1, 3)):]
        else:
            lines[i] = line[:pos] + data.draw(st.text(TYPED, min_size=1, max_size=3)) + line[pos:]
        return "\n".join(lines)
    pos = data.draw(st.integers(0, len(source)))  # anywhere, line breaks included
    return source[:pos] + data.draw(st.text(TYPED + "\n", min_size=1, max_size=3)) + source[pos:]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SHAPED), st.data())
def test_incremental_analysis_equals_a_fresh_one(source, data):
    current = analyze(source)
    text = source
    for _ in range(data.draw(st.integers(1, 5))):
        text = _edit(text, data)
        current = analyze(text, previous=current)
        assert everything(current) == everything(analyze(text))


def _fast_path_taken(monkeypatch) -> list[str]:
    """Records 'whole' for each whole-file walk."""
    walks: list[str] = []
    real = incremental.analyze_tree

    def counting(*args, **kwargs):
        walks.append("whole")
        return real(*args, **kwargs)

    monkeypatch.setattr("azureml_migrate.engine.analyze_tree", counting)
    return walks


# (module, old text, new text, walked again incrementally?)
EDITS = [
    (0, '        run.log("a", label)', '        run.log("a", labels)', True),  # a function body
    (0, '        run.log("b", 1)', '        run.log("b", ws)', True),  # a nested function uses a module binding
    (0, '    cfg = ScriptRunConfig(', '    cfg = ws.x or ScriptRunConfig(', True),  # a linked function changes
    (0, '    run.wait_for_completion()', '    print(ws)', True),  # a new escape of a module binding
    (0, '        run.log("acc", 0.5)  # azureml-migrate: ignore[AML702]', '        run.log("acc", 0.5)', True),
    (0, '    label = "x"', '    label = 1', True),  # strings a later check reads
    (0, '    label = "x"', '    name = 1', True),
    (0, '        return 2', '        global ws', False),  # a function assigns a module name
    (0, '        return 2', '        x = 2  # azureml-migrate: ignore-file', False),  # file-wide comment
    (0, 'def submit(i):', 'def submit(i=ws):', False),  # the module pass over the statement changes
    (0, 'def submit(i):', 'def submits(i):', False),
    (0, 'name = "loss"', 'name = "loss2"', False),  # module-level code
    # Lines added or removed: the statements after move, their findings with them.
    (0, '    exp = Experiment(workspace=ws, name="exp")', '    exp = Experiment(workspace=ws, name="exp")\n', True),
    (0, '    exp = Experiment(workspace=ws, name="exp")', '    exp = Experiment(workspace=ws,\n\n name="exp")', True),
    (0, '        run.log("a", label)\n', '', True),
    (0, 'def submit(i):', '\n\n# a comment\n\ndef submit(i):', True),  # between top-level statements
    (0, 'def submit(i):', 'extra = 1\n\n\ndef submit(i):', False),  # a new module-level statement
    (0, '        return 2', '        y = 3\n\n        return 2', True),
    (2, '    return x + 1', '    return x + 1\n', True),

    (1, '    x = 1', '    command = 1', True),  # a unit whose checks read the whole tree
    (1, '    y = 2', '    range = 2', True),
    (2, '    return x + 1', '    return x + 2', True),
    (2, '    ds = ds.register(workspace=ws, name="d", description="x")',
        '    ds = ds.register(workspace=ws, name="d", description=ds)', True),
    (3, '    metric = 1', '    metric = "one"', False),  # a later function reads the strings
    (3, '    run.log("m", metric)', '    run.log("m", metric, 2)', True),
    (4, '    run.log("m", 1)', '    run.log("m", 2)', False),  # a module-level check read the whole tree
    (5, '    run.log("m", 1)', '    run.log("m", 2)', False),  # another function assigns a module name
]


@pytest.mark.parametrize("module, old, new, fast", EDITS)
def test_targeted_edits(monkeypatch, module, old, new, fast):
    source = MODULES[module]
    assert old in source
    text = source.replace(old, new, 1)
    walks = _fast_path_taken(monkeypatch)
    before = analyze(source)
    walks.clear()
    after = analyze(text, previous=before)
    assert (walks == []) == fast, walks
    assert everything(after) == everything(analyze(text))


def test_typing_through_a_syntax_error_stays_incremental(monkeypatch):
    source = MODULES[0]
    walks = _fast_path_taken(monkeypatch)
    current = analyze(source)
    walks.clear()
    for text in (source.replace('run.log("a", label)', 'run.log("a", label'),  # unfinished
                 source.replace('run.log("a", label)', 'run.log("a", label, 3')):
        current = analyze(text, previous=current)
        assert current.syntax_error and current.incremental is not None
    text = source.replace('run.log("a", label)', 'run.log("a", label, 3)')
    current = analyze(text, previous=current)
    assert walks == []
    assert everything(current) == everything(analyze(text))


def test_a_module_binding_reassigned_to_something_else_is_no_crash():
    source = ("from azureml.core import Workspace\nws = Workspace.from_config()\nws = None\n\n"
              "def f():\n    return ws.get_details()\n")
    assert analyze(source).syntax_error is None


def test_every_text_naming_a_line_is_recognised_when_lines_move():
    """Incremental analysis walks again the findings whose texts name a line, when an
    edit moves lines: each such text the rules and planning write must be recognised
    ("on line {n}", "lines {a} and {b}", "line(s) {listed}", a line number after a
    string split over two lines)."""
    server = Path(incremental.__file__).resolve().parent.parent
    sources = [*sorted((server / "rules").glob("*.py")), server / "analysis" / "plan.py", server / "analysis" / "visitor.py"]
    seen = 0
    for path in sources:
        text = path.read_text()
        for match in re.finditer(r"\bline[^\s{}]* \{", text):  # a word starting "line" before a value
            seen += 1
            assert incremental._NAMED_LINES.search(match.group(0)[:-1] + "12"), (path.name, match.group(0))
        for match in re.finditer(r"\{[^{}]*(?:lineno|\.line)\}", text):  # a line number written out
            before = re.sub(r'"\s*\n\s*f?"', "", text[max(0, match.start() - 80):match.start()])
            before = re.sub(r"\{[^{}]*\}", "12", before)  # values written before it
            seen += 1
            assert incremental._NAMED_LINES.search(before + "12"), (path.name, before[-30:] + match.group(0))
    assert seen > 20


@pytest.mark.parametrize("text, moved, stale", [
    ("`ws` is also used on line 12", "`ws` is also used on line 13", False),
    ("set twice (lines 3 and 12)", "set twice (lines 3 and 13)", False),
    ("unsafe like the line(s) 4, 9", "unsafe like the line(s) 4, 10", False),
    ("between line 12 and the step", "between line 13 and the step", False),
    ("the pipeline 12 and an inline 7", "the pipeline 12 and an inline 7", False),
    ("`x` on line 5", "`x` on line 5", True),  # the edited line itself
    ("see line no. 12", "see line no. 12", True),  # a form the mover does not know
])
def test_line_numbers_in_texts_move_with_the_lines(text, moved, stale):
    """An edit that added a line after line 5 (old lines 5..5 edited, one more line)."""
    mover = incremental._LineMover(incremental.Moved(index=0, delta=1, first=5, last=5))
    assert (mover.text(text), mover.stale) == (moved, stale)

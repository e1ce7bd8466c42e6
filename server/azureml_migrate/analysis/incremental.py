"""Whole-file analysis, and re-analysis after an edit that walks and plans only what the
edit can reach.

A whole-file walk keeps its results per top-level statement (a `Unit`, see visitor.py):
the module's pass over the statement (segment 0) and the bodies of the functions it
defines, depth by depth.  When an edit changes only the bodies of top-level functions or
classes (the usual case while typing), and the module's pass over the new statement is
the same as over the old one (same name, decorators, defaults, class-level code; none of
it touches SDK v1), nothing any other statement sees has changed:

- walk: only the edited units' function bodies are walked again, against the module
  scope the previous walk left (function bodies see module names as the whole module
  left them).  Units whose checks looked beyond their own statement (the whole tree,
  another statement's block) are walked again on every edit.  `global` statements,
  a changed set of names assigned strings (when a check read it), or a changed
  module-level statement fall back to a whole-file walk.
- lines added or removed (Enter): the statements after the edit keep their nodes, moved
  by the parse (analysis/reparse.py); their findings' spans move with them, and so do
  the line numbers their texts name ("also used on line 12"). A text naming an edited
  line sends its unit to be walked again.
- plan: findings depend on each other only through bindings.  The findings of the
  module pass, plus those of every unit whose function bodies use a module-level binding
  ("linked" units), form one region that is planned again every time (from the state the
  walk left, kept in `Finding.walked`); every other unit is a region of its own, planned
  again only when it was walked again.

The result equals a whole-file analysis of the new text (tests/test_reparse.py and
tests/test_documents.py check this on random edits).  The previous analysis is consumed:
its findings and bindings are reused and updated in place, so it must not be used after.
"""

from __future__ import annotations

import ast
import re
from typing import Any, Callable

from ..text import Lines
from .model import Analysis, Binding, Escape, Finding, Span
from .plan import (FILE_WIDE, escapes_of, mark_suppressed, name_bindings, plan, plan_imports, plan_region,
                   suppressions)
from .reparse import Moved
from .visitor import Analyzer, Scope, Segment, Unit, in_walk_order, statement_ids


class LinesRef:
    """The current lines of a document, shared by the occurrences of successive analyses
    (an occurrence computes its span when asked; reused ones must not keep old texts alive)."""

    __slots__ = ("lines",)

    def __init__(self, lines: Lines) -> None:
        self.lines = lines

    def char_col(self, lineno: int, byte_col: int) -> int:
        return self.lines.char_col(lineno, byte_col)


class WalkState:
    """What an incremental re-analysis needs from the previous one."""

    def __init__(self, analyzer: Analyzer, lines_ref: LinesRef) -> None:
        self.source = analyzer.source  # the text and tree the units describe
        self.tree = analyzer._tree
        self.units: list[Unit] = analyzer.units
        self.module_scope: Scope = analyzer.module_scope
        self.block_of = analyzer._block_of
        self.sole_stmts = analyzer.sole_stmts
        self.shared_line_stmts = analyzer.shared_line_stmts
        self.lines_ref = lines_ref
        self.file_wide: Any = None  # the codes of an `ignore-file` comment (see plan.suppressions)
        self.names_in_use: set[str] = set()
        self.name_count: dict[str, int] | None = None  # segments using each name, built when first needed
        self.uses_global = any(s.uses_global for u in self.units for s in u.segments())
        self.module_pass_tainted = any(u.seg0.tainted for u in self.units)
        # Units whose function bodies looked beyond the unit: walked again after every edit.
        self.tainted = {i for i, u in enumerate(self.units) if any(s.tainted for s in u.levels)}


_NO_FILE_WIDE = object()


def _file_wide(ignores: dict) -> Any:
    sup = ignores.get(FILE_WIDE)
    return _NO_FILE_WIDE if sup is None else (None if sup.codes is None else frozenset(sup.codes))


# -- whole file ------------------------------------------------------------------------


def analyze_tree(source: str, tree: ast.Module, lines: Lines, prepare: Callable[[Analyzer], None]) -> Analysis:
    """Walk and plan the whole file (raises RecursionError, or what `prepare` installs)."""
    lines_ref = LinesRef(lines)
    analyzer = Analyzer(source, tree, lines, lines_ref)
    prepare(analyzer)
    analyzer.run()
    state = WalkState(analyzer, lines_ref)
    segments = in_walk_order(state.units)
    state.names_in_use = set().union(*[s.names for s in segments])
    analysis = _assemble(source, tree, state, segments)
    for unit in state.units:
        unit.linked = _linked(unit)
    _remember_walk(_region_findings(state.units))
    mark_unused_imports(analysis)
    ignores = suppressions(source, lines)
    state.file_wide = _file_wide(ignores)
    plan(analysis, lines, state.names_in_use, analyzer.span)
    owner: dict[int, Unit] = {}
    for unit in state.units:
        if not unit.linked:
            for seg in unit.levels:
                for b in seg.bindings:
                    owner[id(b)] = unit
    for e in analysis.escapes:
        unit = owner.get(id(e.binding))
        if unit is not None:
            unit.escapes.append(e)
    analysis.incremental = state
    return analysis


# -- after an edit ---------------------------------------------------------------------


def reanalyze(state: WalkState, source: str, tree: ast.Module, lines: Lines,
              prepare: Callable[[Analyzer], None], moved: Moved | None = None) -> Analysis | None:
    """The analysis of `tree` reusing `state`, or None when the edit needs a whole-file walk.

    `tree` must come from `reparse`: the top-level statements an edit did not touch are
    the previous tree's own nodes (moved by `moved.delta` lines from `moved.index` on,
    when the edit added or removed lines).
    """
    units, body = state.units, tree.body
    if len(body) != len(units) or state.uses_global or state.module_pass_tainted:
        return None
    ignores = suppressions(source, lines)
    if _file_wide(ignores) != state.file_wide:
        return None
    changed = [i for i, stmt in enumerate(body) if stmt is not units[i].stmt]
    for i in changed:
        old, new = units[i].stmt, body[i]
        if not isinstance(new, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return None
        if not units[i].seg0.is_inert() or not same_header(old, new):
            return None
    changed_set = set(changed)
    redo_set = changed_set | state.tainted
    if moved is not None:
        # Lines were added or removed: what the statements after the edit found moves with
        # them (their nodes already have), and the line numbers texts name ("also used on
        # line 12") are moved too. A text naming an edited line is stale: its unit is walked
        # again (in the module's own pass, everything is).
        mover = _LineMover(moved)
        for i, unit in enumerate(units):
            if i in changed_set:
                continue
            if not all([mover.finding(f) for f in unit.seg0.findings]):
                return None
            if not all([mover.finding(f) for seg in unit.levels for f in seg.findings]):
                redo_set.add(i)
        _move(units, moved, redo_set)
    redo = sorted(redo_set)
    # Checks read the findings of the bindings they use (`config.creator.safety`): show them
    # those findings as the walk left them, not as the last planning changed them.
    _restore_walk(_region_findings(units))

    analyzer = Analyzer(source, tree, lines, state.lines_ref)
    analyzer.module_scope = analyzer.scope = state.module_scope
    analyzer._block_of = state.block_of
    analyzer.sole_stmts = state.sole_stmts
    analyzer.shared_line_stmts = state.shared_line_stmts
    prepare(analyzer)
    fresh: dict[int, Unit] = {}
    before = analyzer.before = _Before(units, fresh)
    for i in redo:
        unit = fresh[i] = Unit(body[i])
        if i in changed_set:
            # The module's pass over the new statement: its effects are known to equal the
            # old one's (none but names), so it runs against an empty module scope; its
            # functions are then attached to the real one.
            scratch = Scope(tree, None, "module")
            analyzer.scope = analyzer.module_scope = scratch
            before.at(0, i)
            analyzer.begin(unit, 0, unit.seg0)
            analyzer.visit_stmt(body[i])
            unit.seg0.seal()
            analyzer.scope = analyzer.module_scope = state.module_scope
            if not unit.seg0.is_inert() or unit.seg0.strings != units[i].seg0.strings:
                return None
            unit.seg0.deferred = [(node, _reattach(parent, scratch, state.module_scope))
                                  for node, parent in unit.seg0.deferred or ()]
        else:
            unit.seg0 = units[i].seg0
    before.index = {id(u): i for i, u in fresh.items()}
    analyzer.walk_functions([fresh[i] for i in redo])
    analyzer.before = None
    for i in redo:
        old, new = units[i], fresh[i]
        if any(s.uses_global for s in new.levels):
            return None
        if [s.strings for s in old.levels] != [s.strings for s in new.levels] and any(
                s.reads_strings for j, u in enumerate(units) if j not in fresh for s in u.segments()):
            return None

    # Commit: from here on the previous analysis's objects are updated in place.
    touched: dict[int, Binding] = {}
    for i in redo:
        old, new = units[i], fresh[i]
        for seg in old.levels:
            for b, _ in seg.refs:
                touched[id(b)] = b
        for seg in new.levels:
            for b, _ in seg.refs:
                touched[id(b)] = b
        _forget(state, old, whole=i in changed_set)
        _count_names(state, new, whole=i in changed_set, sign=1)
        new.linked = _linked(new)
        units[i] = new
        if any(s.tainted for s in new.levels):
            state.tainted.add(i)
        else:
            state.tainted.discard(i)
    for index, stmt in enumerate(body):
        state.block_of[id(stmt)] = (body, index)
    if len(body) == 1:
        state.sole_stmts.add(id(body[0]))
    state.lines_ref.lines = lines
    state.source, state.tree = source, tree
    state.module_scope.node = tree  # (the first tree would keep replaced statements alive)
    segments = in_walk_order(units)
    if touched:
        for b in touched.values():
            b.references = []
        for seg in segments:
            for b, node in seg.refs:
                if id(b) in touched:
                    b.references.append(node)

    analysis = _assemble(source, tree, state, segments)
    region = _region_findings(units)
    redone = [f for i in redo if fresh[i].linked for s in fresh[i].levels for f in s.findings]
    _remember_walk(redone)
    _restore_walk(region)
    for b in analysis.bindings:
        b.new_name = None
    mark_unused_imports(analysis)
    mark_suppressed(analysis, analysis.findings, ignores)
    name_bindings(analysis, state.names_in_use)
    region_bindings = [b for s in _region_segments(units) for b in s.bindings]
    region_escapes = escapes_of(region, region_bindings, analyzer.span)
    plan_region(analysis, region, region_bindings, region_escapes)
    for i in redo:
        unit = units[i]
        if not unit.linked:
            found = [f for s in unit.levels for f in s.findings]
            made = [b for s in unit.levels for b in s.bindings]
            unit.escapes = escapes_of(found, made, analyzer.span)
            plan_region(analysis, found, made, unit.escapes)
    plan_imports(analysis)
    by_binding: dict[int, list[Escape]] = {}
    for e in region_escapes:
        by_binding.setdefault(id(e.binding), []).append(e)
    for unit in units:
        for e in unit.escapes:
            by_binding.setdefault(id(e.binding), []).append(e)
    analysis.escapes = [e for b in analysis.bindings for e in by_binding.get(id(b), ())]
    analysis.incremental = state
    return analysis


# How the rules' texts name lines: "on line 12", "lines 3 and 5", "the line(s) 4, 9"
# (tests/test_reparse.py checks every text the rules write against it).
_NAMED_LINES = re.compile(r"\b(line(?:s|\(s\))? )(\d+(?:(?:,? and |, |-)\d+)*)")
_NUMBER = re.compile(r"\d+")
# The word "line" shortly before a number, in any form: one _NAMED_LINES does not know is
# treated as naming an edited line (its unit is walked again) rather than left stale.
_ANY_LINE_NUMBER = re.compile(r"\bline\D{0,6}\d")


class _LineMover:
    """Moves the line numbers the findings' texts name past an edit by its `delta`, and
    notes texts that name an edited line (stale: their unit is walked again)."""

    def __init__(self, moved: Moved) -> None:
        self.moved = moved
        self.stale = False

    def _number(self, m: re.Match) -> str:
        n = int(m.group(0))
        if n > self.moved.last:
            return str(n + self.moved.delta)
        if n >= self.moved.first:
            self.stale = True
        return m.group(0)

    def _lines(self, m: re.Match) -> str:
        return m.group(1) + _NUMBER.sub(self._number, m.group(2))

    def text(self, text: str) -> str:
        if "line" not in text:
            return text
        if len(_ANY_LINE_NUMBER.findall(text)) != len(_NAMED_LINES.findall(text)):
            self.stale = True
            return text
        return _NAMED_LINES.sub(self._lines, text)

    def facts(self, facts: dict) -> None:
        for key, value in facts.items():
            if isinstance(value, str) and "line" in value:
                facts[key] = self.text(value)

    def finding(self, f: Finding) -> bool:
        """Move what `f` keeps; False when a text names an edited line."""
        self.stale = False
        if f.walked is not None:
            safety, message, facts = f.walked
            self.facts(facts)
            f.walked = (safety, self.text(message), facts)
        f.message = self.text(f.message)
        if f.blocked:
            f.blocked = self.text(f.blocked)
        self.facts(f.facts)
        return not self.stale


def _move(units: list[Unit], moved: Moved, redo: set[int]) -> None:
    """Move the spans of what the units from `moved.index` on found by `moved.delta` lines
    (the module pass of each; the function bodies of those not walked again)."""
    delta = moved.delta

    def move(span: Span) -> Span:
        return Span(span.line + delta, span.col, span.end_line + delta, span.end_col)

    for i in range(moved.index, len(units)):
        unit = units[i]
        segments = unit.segments() if i not in redo else [unit.seg0]
        for seg in segments:
            for f in seg.findings:
                f.span = move(f.span)
            if seg.import_refs:
                seg.import_refs = [(name, move(span), stmt_id) for name, span, stmt_id in seg.import_refs]
        if i not in redo:
            for e in unit.escapes:
                e.span = move(e.span)


def same_header(a: Any, b: Any) -> bool:
    """Equal syntax trees apart from positions and the bodies of functions: what the
    module's own pass over a statement sees."""
    if type(a) is not type(b):
        return False
    if isinstance(a, ast.AST):
        skip = "body" if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
        return all(name == skip or same_header(getattr(a, name, None), getattr(b, name, None)) for name in a._fields)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_header(x, y) for x, y in zip(a, b))
    return a == b


class _Before:
    """The strings and imports a check sees when a unit is walked again: those of every
    segment before it in whole-file walk order."""

    def __init__(self, units: list[Unit], fresh: dict[int, Unit]) -> None:
        self.units, self.fresh = units, fresh
        self.index: dict[int, int] = {}
        self.pos = (0, 0)
        self._cache: list[Segment] | None = None

    def at(self, level: int, unit: Unit | int) -> None:
        self.pos = (level, unit if isinstance(unit, int) else self.index[id(unit)])
        self._cache = None

    def _segments(self) -> list[Segment]:
        if self._cache is None:
            level, index = self.pos
            units = [self.fresh.get(i, u) for i, u in enumerate(self.units)]
            out = [u.seg0 for u in (units[:index] if level == 0 else units)]
            for depth in range(1, level + 1):
                for j, u in enumerate(units):
                    if depth == level and j >= index:
                        break
                    if len(u.levels) >= depth:
                        out.append(u.levels[depth - 1])
            self._cache = out
        return self._cache

    def strings(self) -> set[str]:
        return set().union(*[s.strings for s in self._segments()])

    def import_stmts(self) -> list[ast.stmt]:
        return [stmt for s in self._segments() for stmt in s.import_stmts]


def _reattach(scope: Scope, scratch: Scope, module: Scope) -> Scope:
    """`scope` (a function's parent) with its chain ending at `module` instead of `scratch`."""
    if scope is scratch:
        return module
    inner: Scope | None = scope
    while inner is not None and inner.parent is not scratch:
        inner = inner.parent
    if inner is not None:
        inner.parent = module
    return scope


def _forget(state: WalkState, old: Unit, whole: bool) -> None:
    """Drop what a replaced unit left in the shared tables (a unit walked again for the
    same statement has just written the same entries)."""
    if whole:
        for key in statement_ids(old.stmt):
            state.block_of.pop(key, None)
            state.sole_stmts.discard(key)
            state.shared_line_stmts.discard(key)
    _count_names(state, old, whole, sign=-1)


def _count_names(state: WalkState, unit: Unit, whole: bool, sign: int) -> None:
    count = state.name_count
    if count is None:
        count = state.name_count = {}
        for u in state.units:
            for seg in u.segments():
                for name in seg.names:
                    count[name] = count.get(name, 0) + 1
    names = state.names_in_use
    for seg in (unit.segments() if whole else unit.levels):
        for name in seg.names:
            n = count.get(name, 0) + sign
            if n > 0:
                count[name] = n
                if sign > 0:
                    names.add(name)
            else:
                count.pop(name, None)
                names.discard(name)


def _linked(unit: Unit) -> bool:
    """Do the unit's function bodies use a binding of the module pass?"""
    for seg in unit.levels:
        if seg.refs:
            return True
        for f in seg.findings:
            if f.receiver is not None and f.receiver.in_module_pass:
                return True
            if any(b.in_module_pass for b in f.requires):
                return True
    return False


def _region_segments(units: list[Unit]) -> list[Segment]:
    """The segments planned as one region: every module pass and the linked units' functions,
    in walk order."""
    out = [u.seg0 for u in units]
    linked = [u for u in units if u.linked and u.levels]
    level = 0
    while linked:
        out += [u.levels[level] for u in linked]
        level += 1
        linked = [u for u in linked if len(u.levels) > level]
    return out


def _region_findings(units: list[Unit]) -> list[Finding]:
    return [f for s in _region_segments(units) for f in s.findings]


def _remember_walk(findings: list[Finding]) -> None:
    for f in findings:
        f.walked = (f.safety, f.message, dict(f.facts))


def _restore_walk(findings: list[Finding]) -> None:
    for f in findings:
        walked = f.walked
        if walked is None:
            continue
        f.safety, f.message = walked[0], walked[1]
        f.facts.clear()
        f.facts.update(walked[2])
        f.closure = []
        f.blocked = None
        f.suppressed = False


def _assemble(source: str, tree: ast.Module, state: WalkState, segments: list[Segment]) -> Analysis:
    findings: list[Finding] = []
    occurrences: list = []
    bindings: list[Binding] = []
    import_stmts: list[ast.stmt] = []
    import_refs: dict[str, list] = {}
    for seg in segments:
        findings += seg.findings
        if seg.occurrences:
            occurrences += seg.occurrences
        if seg.bindings:
            bindings += seg.bindings
        if seg.import_stmts:
            import_stmts += seg.import_stmts
        for name, span, stmt_id in seg.import_refs:
            refs = import_refs.get(name)
            if refs is None:
                refs = import_refs[name] = []
            refs.append((span, stmt_id))
    analysis = Analysis(source=source, findings=findings, occurrences=occurrences, escapes=[], bindings=bindings,
                        tree=tree)
    analysis.names_in_use = state.names_in_use
    analysis.block_of = state.block_of
    analysis.import_stmts = import_stmts
    analysis.import_refs = import_refs
    return analysis


def mark_unused_imports(analysis: Analysis) -> None:
    refs = analysis.import_refs
    for f in analysis.findings:
        if f.rule.on == "import":
            local = f.facts.get("local")
            f.facts["unused"] = local != "*" and not refs.get(local)

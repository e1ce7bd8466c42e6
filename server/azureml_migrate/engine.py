"""The one engine behind the CLI and the language server: analyse text, compute fixes."""

from __future__ import annotations

import ast
import gc
import sys
import time
import warnings

from .analysis.incremental import analyze_tree, reanalyze
from .analysis.model import Analysis, Finding, Span
from .analysis.reparse import reparse
from .analysis.visitor import Analyzer
from .config import DEFAULT, Settings
from .text import Lines

# Deeply nested expressions make `ast` recurse; give it room, but a file that still
# overflows is reported as unanalysable rather than crashing the caller. Checked on every
# analysis: a library imported later (jedi sets 3000) must not change what is analysable.
RECURSION_LIMIT = 5000


def _recursion_room() -> None:
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)


_recursion_room()

MAX_BYTES = 5_000_000  # larger files get one informative finding instead of analysis
# Seconds one analysis may take (checked between statements; the parse itself and one
# huge statement are not interrupted). `analyze(..., time_limit=None)` sets no limit; the
# language server uses a shorter one (lsp/server.py, setting `timeLimit`).
DEFAULT_TIME_LIMIT = 60.0


def _empty(source: str) -> Analysis:
    return Analysis(source=source, findings=[], occurrences=[], escapes=[], bindings=[], tree=None)


def analyze(source: str, settings: Settings = DEFAULT, previous: Analysis | None = None,
            time_limit: float | None = DEFAULT_TIME_LIMIT) -> Analysis:
    """Findings for one Python text. Never raises on bad input.

    `previous`, the analysis of an earlier version of the same document, lets the parse
    reuse the syntax tree of the top-level statements an edit did not touch, and the walk
    and planning redo only what the edit can reach (analysis/incremental.py). It is
    consumed: its findings are reused and updated in place, so the caller must not use it
    afterwards. (An analysis that stopped at a syntax error passes on what it was given,
    so typing through an unfinished line stays incremental.) After `time_limit` seconds
    the analysis stops with no findings and a message saying so.
    """
    started = time.monotonic()
    _recursion_room()
    if "azureml" not in source:
        return _empty(source)
    if len(source) > MAX_BYTES:
        result = _empty(source)
        result.syntax_error = f"file is larger than {MAX_BYTES // 1_000_000} MB; not analysed"
        result.too_large = True
        return result
    state = None
    if previous is not None:
        state, previous.incremental = previous.incremental, None  # never reused twice
    # Analysis allocates many small objects that all stay alive: collecting garbage
    # meanwhile only costs time (a third of a whole-file analysis of a large file, in a
    # process that holds other analyses). Garbage left by earlier analyses is collected
    # after this one, when the caller next allocates with the collector on.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _analyze(source, settings, previous, state, started, time_limit)
    finally:
        if gc_was_enabled:
            gc.enable()


def _analyze(source: str, settings: Settings, previous: Analysis | None, state, started: float,
             time_limit: float | None) -> Analysis:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for odd escapes is not our business
            tree = None
            if state is not None:
                tree = reparse(state.source, state.tree, source)
            elif previous is not None and previous.tree is not None:
                tree = reparse(previous.source, previous.tree, source)
            if tree is None:
                tree = ast.parse(source)
                state = None
    except SyntaxError as exc:
        result = _empty(source)
        result.syntax_error = f"{exc.msg} (line {exc.lineno})" if exc.lineno else exc.msg
        line = exc.lineno or 1
        result.syntax_error_span = Span(line, max((exc.offset or 1) - 1, 0), line, max((exc.offset or 1), 1))
        result.incremental = state  # untouched: the next version that parses reuses it
        return result
    except (RecursionError, MemoryError) as exc:  # CPython's parser gives up on deep nesting
        result = _empty(source)
        result.syntax_error = f"nested too deeply for Python's parser ({type(exc).__name__}); not analysed"
        return result
    except ValueError as exc:
        result = _empty(source)
        result.syntax_error = f"cannot parse: {exc}"
        return result
    lines = Lines(source)

    def prepare(analyzer: Analyzer) -> None:
        if time_limit is not None:
            _stop_after(analyzer, started + time_limit)

    try:
        # (Read once: the tree becomes the next edit's old tree, which must not carry it.)
        moved = tree.__dict__.pop("moved", None)
        result = reanalyze(state, source, tree, lines, prepare, moved) if state is not None else None
        if result is None:
            result = analyze_tree(source, tree, lines, prepare)
        if time_limit is not None and time.monotonic() > started + time_limit:
            raise _TimeUp
    except RecursionError:
        result = _empty(source)
        result.syntax_error = "expressions nested too deeply to analyse"
        return result
    except _TimeUp:
        result = _empty(source)
        result.syntax_error = f"analysis stopped after {time_limit:g} s (time limit); not analysed"
        return result
    if result.unused_suppressions:
        result.findings += [_unused_ignore(s) for s in result.unused_suppressions]
    if settings.select or settings.ignore:
        result.findings = [f for f in result.findings if settings.enabled(f.code)]
    return result


class _TimeUp(Exception):
    pass


def _stop_after(analyzer: Analyzer, deadline: float) -> None:
    """Make the walk raise _TimeUp at the first statement after `deadline`."""
    visit_stmt = analyzer.visit_stmt

    def checked(stmt: ast.stmt) -> None:
        if time.monotonic() > deadline:
            raise _TimeUp
        visit_stmt(stmt)

    analyzer.visit_stmt = checked  # type: ignore[method-assign]


def not_analysed(analysis: Analysis) -> bool:
    """True when the text was not analysed for a reason other than a syntax error in it
    (too large, nested too deeply for the parser, time limit): a syntax error has a position."""
    return analysis.syntax_error is not None and analysis.syntax_error_span is None


def _unused_ignore(sup) -> Finding:
    from .rules.registry import BY_CODE

    rule = BY_CODE["AML005"]
    node = ast.Pass(lineno=sup.line, col_offset=sup.col, end_lineno=sup.line, end_col_offset=sup.end_col)
    codes = ", ".join(sorted(sup.codes)) if sup.codes else "any code"
    return Finding(rule=rule, symbol="azureml-migrate:ignore", span=Span(sup.line, sup.col, sup.line, sup.end_col),
                   node=node, stmt=node, safety=None, message=f"this ignore comment silences nothing ({codes})")


def fixable(analysis: Analysis, unsafe: bool) -> list[Finding]:
    """Findings a fix-all applies: safe ones, and unsafe ones when allowed."""
    out = []
    for f in analysis.visible:
        safety = f.fix_safety
        if safety == "safe" or (unsafe and safety == "unsafe"):
            out.append(f)
    return out


def fix_all(analysis: Analysis, settings: Settings, unsafe: bool) -> tuple[str, list[str]]:
    """Text with every offered fix applied, and the reasons fixes had to be skipped."""
    from .fixes.rewrite import FixError, apply

    groups: list[list[Finding]] = []
    seen: set[int] = set()
    for f in fixable(analysis, unsafe):
        members = [g for g in (f.closure or [f]) if id(g) not in seen]
        seen.update(id(g) for g in members)
        if members:
            groups.append(members)
    groups += [[f] for f in analysis.visible if f.rule.on == "import" and f.fix_safety and id(f) not in seen]
    if not groups:
        return analysis.source, []
    try:
        return apply(analysis, [g for group in groups for g in group], settings), []
    except FixError:
        pass
    except RecursionError:  # libcst gives up before `ast` does; so would every group
        return analysis.source, [TOO_DEEP_TO_REWRITE]
    # Some group cannot be rewritten: keep the others.
    applied: list[Finding] = []
    problems: list[str] = []
    for group in groups:
        try:
            apply(analysis, applied + group, settings)
            applied += group
        except FixError as exc:
            problems.append(f"line {group[0].span.line}: {exc}")
    if not applied:
        return analysis.source, problems
    return apply(analysis, applied, settings), problems


def fix_one(analysis: Analysis, finding: Finding, settings: Settings) -> str:
    """Text with one finding's fix (and the group it pulls in) applied. Raises FixError."""
    from .fixes.rewrite import FixError, apply

    try:
        return apply(analysis, finding.closure or [finding], settings)
    except RecursionError as exc:
        raise FixError(TOO_DEEP_TO_REWRITE) from exc


# libcst (fixes) recurses deeper than `ast` (analysis): a file can be analysed, not rewritten.
TOO_DEEP_TO_REWRITE = "expressions nested too deeply to rewrite (libcst); no fix applied"

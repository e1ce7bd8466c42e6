"""The one engine behind the CLI and the language server: analyse text, compute fixes."""

from __future__ import annotations

import ast
import gc
import sys
import warnings

from .analysis.model import Analysis, Finding, Span
from .analysis.plan import plan
from .analysis.reparse import reparse
from .analysis.visitor import Analyzer
from .config import DEFAULT, Settings
from .text import Lines

# Deeply nested expressions make `ast` recurse; give it room, but a file that still
# overflows is reported as unanalysable rather than crashing the caller.
if sys.getrecursionlimit() < 5000:
    sys.setrecursionlimit(5000)

MAX_BYTES = 5_000_000  # larger files get one informative finding instead of analysis


def _empty(source: str) -> Analysis:
    return Analysis(source=source, findings=[], occurrences=[], escapes=[], bindings=[], tree=None)


def analyze(source: str, settings: Settings = DEFAULT, previous: Analysis | None = None) -> Analysis:
    """Findings for one Python text. Never raises on bad input.

    `previous`, the analysis of an earlier version of the same document, lets the parse
    reuse the syntax tree of the top-level statements an edit did not touch.
    """
    if "azureml" not in source:
        return _empty(source)
    if len(source) > MAX_BYTES:
        result = _empty(source)
        result.syntax_error = f"file is larger than {MAX_BYTES // 1_000_000} MB; not analysed"
        result.too_large = True
        return result
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for odd escapes is not our business
            tree = None
            if previous is not None and previous.tree is not None:
                tree = reparse(previous.source, previous.tree, source)
            if tree is None:
                tree = ast.parse(source)
    except SyntaxError as exc:
        result = _empty(source)
        result.syntax_error = f"{exc.msg} (line {exc.lineno})"
        line = exc.lineno or 1
        result.syntax_error_span = Span(line, max((exc.offset or 1) - 1, 0), line, max((exc.offset or 1), 1))
        return result
    except (ValueError, RecursionError, MemoryError) as exc:
        result = _empty(source)
        result.syntax_error = f"cannot parse: {type(exc).__name__}"
        return result
    lines = Lines(source)
    analyzer = Analyzer(source, tree, lines)
    # The walk allocates many small objects that all stay alive: collecting garbage during
    # it only costs time (about 10 %).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        analyzer.run()
    except RecursionError:
        result = _empty(source)
        result.syntax_error = "expressions nested too deeply to analyse"
        return result
    finally:
        if gc_was_enabled:
            gc.enable()
    _mark_unused_imports(analyzer)
    result = Analysis(
        source=source,
        findings=analyzer.findings,
        occurrences=analyzer.occurrences,
        escapes=analyzer.escapes(),
        bindings=analyzer.bindings,
        tree=tree,
    )
    result.names_in_use = analyzer.names_in_use
    result.block_of = analyzer.block_of
    result.import_stmts = analyzer.import_stmts
    result.import_refs = {
        name: [(analyzer.span(n), stmt_id) for n, stmt_id in refs] for name, refs in analyzer.import_refs.items()
    }
    plan(result, lines, analyzer.names_in_use)
    result.findings += [_unused_ignore(s) for s in result.unused_suppressions]
    result.findings = [f for f in result.findings if settings.enabled(f.code)]
    return result


def _unused_ignore(sup) -> Finding:
    from .rules.registry import BY_CODE

    rule = BY_CODE["AML005"]
    node = ast.Pass(lineno=sup.line, col_offset=sup.col, end_lineno=sup.line, end_col_offset=sup.end_col)
    codes = ", ".join(sorted(sup.codes)) if sup.codes else "any code"
    return Finding(rule=rule, symbol="azureml-migrate:ignore", span=Span(sup.line, sup.col, sup.line, sup.end_col),
                   node=node, stmt=node, safety=None, message=f"this ignore comment silences nothing ({codes})")


def _mark_unused_imports(analyzer: Analyzer) -> None:
    for f in analyzer.findings:
        if f.rule.on == "import":
            local = f.facts.get("local")
            f.facts["unused"] = local != "*" and not analyzer.import_refs.get(local)


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
    from .fixes.rewrite import apply

    return apply(analysis, finding.closure or [finding], settings)

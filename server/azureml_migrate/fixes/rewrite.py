"""Apply a set of findings' fixes to a text.

Only the statements involved are parsed with libcst (a whole-file libcst parse with
positions costs seconds on large files): each statement's full lines form a "unit",
parsed on its own (wrapped in `if True:` when indented), transformed, printed and put
back.  Import edits run last over the new text (see `imports.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..analysis.model import Analysis, Finding
from ..config import Settings
from ..text import Lines, line_indent
from .context import FixContext
from .imports import ImportClash, fix_imports

_WRAP = "if True:\n"
_NODE_TYPES = {"Call": cst.Call, "Attribute": cst.Attribute}


class FixError(Exception):
    """A fix could not be produced (the reason is shown to the user)."""


@dataclass
class Unit:
    first: int  # 1-based lines, inclusive
    last: int
    findings: list[Finding]


def units_for(findings: Iterable[Finding], lines: Lines) -> list[Unit]:
    spans = []
    for f in findings:
        stmt = f.stmt
        first = min([stmt.lineno, *[d.lineno for d in getattr(stmt, "decorator_list", [])]])
        spans.append((first, stmt.end_lineno or stmt.lineno, f))
    spans.sort(key=lambda s: (s[0], -s[1]))
    units: list[Unit] = []
    for first, last, f in spans:
        if units and first <= units[-1].last:
            units[-1].last = max(units[-1].last, last)
            units[-1].findings.append(f)
        else:
            units.append(Unit(first, last, [f]))
    return units


class _UnitTransformer(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(
        self,
        targets: dict[tuple, Finding],
        statement_targets: dict[tuple, Finding],
        renames: dict[tuple, str],
        ctx: FixContext,
    ):
        super().__init__()
        self.targets = targets
        self.statement_targets = statement_targets
        self.renames = renames
        self.ctx = ctx
        self.done: set[int] = set()

    def _key(self, node: cst.CSTNode) -> tuple:
        r = self.get_metadata(PositionProvider, node)
        return (r.start.line, r.start.column, r.end.line, r.end.column, type(node).__name__)

    def _apply(self, original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode:
        f = self.targets.get(self._key(original))
        if f is None:
            return updated
        self.ctx.finding = f
        self.done.add(id(f))
        return f.rule.fix(updated, self.ctx)

    def leave_Call(self, original, updated):
        return self._apply(original, updated)

    def leave_Attribute(self, original, updated):
        return self._apply(original, updated)

    def leave_Assign(self, original, updated):
        new_name = self.renames.get(self._key(original))
        if new_name is None or len(updated.targets) != 1:
            return updated
        return updated.with_changes(targets=[updated.targets[0].with_changes(target=cst.Name(new_name))])

    def leave_SimpleStatementLine(self, original, updated):
        out: list[cst.BaseSmallStatement] = []
        compound = None
        changed = False
        for orig_small, small in zip(original.body, updated.body):
            f = self.statement_targets.get(self._key(orig_small))
            if f is None:
                out.append(small)
                continue
            changed = True
            self.ctx.finding = f
            self.done.add(id(f))
            result = f.rule.fix(small, self.ctx)
            if result is cst.RemovalSentinel.REMOVE:
                continue
            if isinstance(result, cst.BaseCompoundStatement) or isinstance(result, cst.SimpleStatementLine):
                compound = result
                continue
            out.append(result)
        if not changed:
            return updated
        if compound is not None:
            if out:
                raise FixError("a statement that becomes a block shares its line")
            return compound.with_changes(leading_lines=updated.leading_lines)
        if not out:
            return cst.RemoveFromParent()
        out[-1] = out[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(body=out)


def is_statement_fix(f: Finding, ctx: FixContext) -> bool:
    """Rewrites its whole statement (removes it, or turns it into another statement)."""
    if f.facts.get("moved_to") is not None:
        return not ctx.copying  # the statement moves: removed here, rebuilt where it lands
    return f.rule.statement_fix


def _key_of(f: Finding, offset: int) -> tuple:
    s = f.span
    return (s.line - offset, s.col, s.end_line - offset, s.end_col)


def _key_of_stmt(f: Finding, ctx: FixContext, offset: int) -> tuple:
    s, lines = f.stmt, ctx.lines
    end = s.end_lineno or s.lineno
    return (s.lineno - offset, lines.char_col(s.lineno, s.col_offset), end - offset,
            lines.char_col(end, s.end_col_offset or 0))


def rewrite_unit(text: str, unit: Unit, first_line_text: str, ctx: FixContext) -> str:
    indent = line_indent(first_line_text)
    wrapped = bool(indent)
    code = (_WRAP + text + "\n") if wrapped else text + "\n"
    try:
        module = cst.parse_module(code)
    except cst.ParserSyntaxError as exc:
        raise FixError(f"cannot rewrite lines {unit.first}-{unit.last} on their own: {exc.message}") from exc
    offset = unit.first - 1 - (1 if wrapped else 0)
    targets: dict[tuple, Finding] = {}
    statement_targets: dict[tuple, Finding] = {}
    renames: dict[tuple, str] = {}
    for f in unit.findings:
        stmt_key = (*_key_of_stmt(f, ctx, offset), type(f.stmt).__name__)
        if is_statement_fix(f, ctx):
            statement_targets[stmt_key] = f
        else:
            targets[(*_key_of(f, offset), type(f.node).__name__)] = f
        b = f.creates
        if b is not None and b.new_name and b.new_name != b.name:
            renames[stmt_key] = b.new_name
    transformer = _UnitTransformer(targets, statement_targets, renames, ctx)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    new = wrapper.visit(transformer)
    missing = [f for f in unit.findings if id(f) not in transformer.done]
    if missing:
        raise FixError(f"could not locate `{missing[0].symbol}` on line {missing[0].span.line}")
    out = new.code
    if wrapped:
        out = out[len(_WRAP):]
        if not out.strip():
            return ""
    return out[:-1] if out.endswith("\n") else out


def moved_statement(f: Finding, ctx: FixContext):
    """`f`'s whole statement, rewritten, for the place it moves to.

    Used when a v1 object was configured after construction in a way v2 only accepts at
    construction (`config.run_config.environment = env` must become `command(...,
    environment=env)`): the construction moves down to the last such statement.
    """
    stmt = f.stmt
    findings = [g for g in ctx.applying if g.stmt is stmt]
    unit = Unit(stmt.lineno, stmt.end_lineno or stmt.lineno, findings)
    lines = ctx.lines
    text = lines.text[lines.starts[unit.first - 1]:lines.line_end(unit.last)]
    outer, ctx.copying = ctx.finding, True
    try:
        new = rewrite_unit(text, unit, lines.line(unit.first), ctx)
    finally:
        ctx.copying, ctx.finding = False, outer
    return cst.parse_statement(new.lstrip(" \t") + "\n").body[0]


def apply(analysis: Analysis, findings: list[Finding], settings: Settings) -> str:
    """The text with the fixes of `findings` (closures already included) applied."""
    source = analysis.source
    lines = Lines(source)
    todo = [f for f in findings if f.rule.on != "import"]
    ctx = FixContext(settings=settings, names_in_use=set(analysis.names_in_use), lines=lines, applying=todo)
    pieces: list[tuple[int, int, str]] = []
    for unit in units_for(todo, lines):
        start = lines.starts[unit.first - 1]
        end = lines.line_end(unit.last)
        text = source[start:end]
        new = rewrite_unit(text, unit, lines.line(unit.first), ctx)
        if new == "":
            # Drop the lines and their line break, and one of two blank lines left around them.
            end = lines.starts[unit.last] if unit.last < len(lines.starts) else len(source)
            before_blank = unit.first == 1 or not lines.line(unit.first - 1).strip()
            after = unit.last + 1
            if before_blank and after < len(lines.starts) and not lines.line(after).strip():
                end = lines.starts[after]
        pieces.append((start, end, new))
    out = []
    pos = 0
    for start, end, new in sorted(pieces):
        out.append(source[pos:start])
        out.append(new)
        pos = end
    out.append(source[pos:])
    result = "".join(out)
    try:
        return fix_imports(result, ctx.imports, _unused_after(analysis, todo))
    except ImportClash as exc:
        raise FixError(str(exc)) from exc


def _unused_after(analysis: Analysis, fixed: list[Finding]) -> set[str]:
    """v1 import names whose every use lies inside code these fixes replace."""
    spans = [f.span for f in fixed]
    out = set()
    for name, refs in analysis.import_refs.items():
        if all(any(s.contains(r) for s in spans) for r, _ in refs):
            out.add(name)
    for f in analysis.findings:
        if f.rule.on == "import" and f.facts.get("unused"):
            out.add(f.facts["local"])
    return out

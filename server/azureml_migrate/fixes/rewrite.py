"""Apply a set of findings' fixes to a text.

Only the statements involved are parsed with libcst (a whole-file libcst parse with
positions costs seconds on large files): each statement's full lines form a "unit",
parsed on its own (wrapped in `if True:` when indented), transformed, printed and put
back.  Import edits run last over the new text (see `imports.py`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..analysis.model import Analysis, Finding
from ..astutil import walk
from ..config import Settings
from ..text import Lines, line_indent, newline_of
from .context import FixContext
from .errors import FixError
from .imports import ImportClash, import_edits

_CST_HANDLERS = (cst.ExceptHandler, cst.ExceptStarHandler)
# Expressions a finding can sit on, by their `ast` name; libcst names a comparison differently.
_TARGET_EXPRS = (ast.Call, ast.Attribute, ast.Compare)
_CST_EXPRS = (cst.Call, cst.Attribute, cst.Comparison)
_CST_NAME = {"Compare": "Comparison"}


@dataclass
class Unit:
    first: int  # 1-based lines, inclusive
    last: int
    findings: list[Finding]
    parts: int = 1  # units joined into this one (see _batched)
    _top: list[ast.stmt] | None = field(default=None, repr=False)

    @property
    def top(self) -> list[ast.stmt]:
        """The findings' statements, without those nested in another one (computed once)."""
        if self._top is None:
            self._top = _top_statements(self)
        return self._top


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


def _batched(units: list[Unit], block_of: dict[int, tuple[list[ast.stmt], int]]) -> list[Unit]:
    """Units whose statements follow one another in a block, on consecutive lines, joined
    into one: libcst then parses, visits and prints them at once, which costs a third
    less than one by one (a block of configuration calls is the common case). Units with
    lines between them stay apart: a comment there would belong to the next statement and
    go with it if that statement is removed."""
    out: list[Unit] = []
    previous: tuple[list[ast.stmt], int] | None = None  # the block and index of the last unit's last statement
    for unit in units:
        top = unit.top
        first = block_of.get(id(top[0]))
        if (out and first is not None and previous is not None and first[0] is previous[0]
                and first[1] == previous[1] + 1 and unit.first == out[-1].last + 1):
            out[-1] = Unit(out[-1].first, unit.last, out[-1].findings + unit.findings, out[-1].parts + 1)
        else:
            out.append(unit)
        previous = block_of.get(id(top[-1]))
    return out


_SIMPLE_STMTS = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr, ast.Return, ast.Delete, ast.Pass, ast.Import,
                 ast.ImportFrom, ast.Raise, ast.Assert, ast.Global, ast.Nonlocal, ast.Break, ast.Continue)


class _Unpaired(Exception):
    """Ordinal pairing of libcst and ast nodes failed; use positions instead."""


def _dotted_ast(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted_ast(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _dotted_cst(node) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted_cst(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


class OrdinalKeys:
    """Keys (unit positions) for libcst nodes, found by pairing them in source order with the
    `ast` nodes of the same statements, during the transformer's own visit.

    libcst's PositionProvider costs about half a millisecond per line; pairing by order and
    checking each pair's shape costs almost nothing. Any doubt raises `_Unpaired` and the
    unit is redone with positions.
    """

    def __init__(self, stmts: list[ast.stmt], lines: Lines, offset: int) -> None:
        exprs, smalls, handlers = [], [], []
        for stmt in stmts:
            for n in walk(stmt):
                if isinstance(n, _TARGET_EXPRS):
                    exprs.append(n)
                elif isinstance(n, _SIMPLE_STMTS):
                    smalls.append(n)
                elif isinstance(n, ast.ExceptHandler):
                    handlers.append(n)
        order = lambda n: (n.lineno, n.col_offset, -(n.end_lineno or 0), -(n.end_col_offset or 0))  # noqa: E731
        self.exprs = sorted(exprs, key=order)
        self.smalls = sorted(smalls, key=order)
        self.handlers = sorted(handlers, key=order)
        self.lines, self.offset = lines, offset
        self.keys: dict[int, tuple] = {}
        self._e = self._s = self._h = 0

    def see(self, node) -> None:
        kind = _ROLE.get(type(node))
        if kind is None:
            kind = _ROLE[type(node)] = _role(node)
        if kind == "expr":
            if self._e >= len(self.exprs):
                raise _Unpaired
            a = self.exprs[self._e]
            self._e += 1
            if _CST_NAME.get(type(a).__name__, type(a).__name__) != type(node).__name__:
                raise _Unpaired
            if isinstance(a, ast.Call) and _dotted_ast(a.func) != _dotted_cst(node.func):
                raise _Unpaired
            if isinstance(a, ast.Attribute) and a.attr != node.attr.value:
                raise _Unpaired
        elif kind == "handler":
            if self._h >= len(self.handlers):
                raise _Unpaired
            a = self.handlers[self._h]
            self._h += 1
            self.keys[id(node)] = handler_key(a, self.lines, self.offset)
            return
        elif kind == "small":
            if self._s >= len(self.smalls):
                raise _Unpaired
            a = self.smalls[self._s]
            self._s += 1
            if type(a).__name__ != type(node).__name__:
                raise _Unpaired
        else:
            return
        self.keys[id(node)] = (*_span_key(a, self.lines, self.offset), type(node).__name__)

    def finish(self) -> None:
        if self._e != len(self.exprs) or self._s != len(self.smalls) or self._h != len(self.handlers):
            raise _Unpaired

    def get(self, key: int, default=None):
        return self.keys.get(key, default)


# What a libcst node type pairs with, found once per type (`isinstance` against libcst's
# abstract base classes is slow, and every node of every rewritten statement is seen).
_ROLE: dict[type, str] = {}


def _role(node) -> str:
    if isinstance(node, _CST_EXPRS):
        return "expr"
    if isinstance(node, _CST_HANDLERS):
        return "handler"
    if isinstance(node, cst.BaseSmallStatement):
        return "small"
    return "other"


def _span_key(node: ast.AST, lines: Lines, offset: int) -> tuple:
    end = node.end_lineno or node.lineno
    return (node.lineno - offset, lines.char_col(node.lineno, node.col_offset), end - offset,
            lines.char_col(end, node.end_col_offset or 0))


def handler_key(handler: ast.ExceptHandler, lines: Lines, offset: int) -> tuple:
    """An `except` clause is known by where it starts (libcst and `ast` end it differently)."""
    return (handler.lineno - offset, lines.char_col(handler.lineno, handler.col_offset), "ExceptHandler")


def position_keys(module) -> dict[int, tuple]:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    keys: dict[int, tuple] = {}
    for node, r in wrapper.resolve(PositionProvider).items():
        if isinstance(node, _CST_HANDLERS):
            keys[id(node)] = (r.start.line, r.start.column, "ExceptHandler")
        else:
            keys[id(node)] = (r.start.line, r.start.column, r.end.line, r.end.column, type(node).__name__)
    return keys


class _UnitTransformer(cst.CSTTransformer):
    def __init__(
        self,
        keys: dict[int, tuple],
        targets: dict[tuple, Finding],
        statement_targets: dict[tuple, Finding],
        renames: dict[tuple, str],
        ctx: FixContext,
    ):
        super().__init__()
        self.keys = keys
        self.targets = targets
        self.statement_targets = statement_targets
        self.renames = renames
        self.ctx = ctx
        self.done: set[int] = set()
        self._pairing = isinstance(keys, OrdinalKeys)

    def _key(self, node) -> tuple | None:
        return self.keys.get(id(node))

    # libcst's dispatch looks up `visit_<Node>`, `leave_<Node>` and `visit_<Node>_<field>`
    # methods by formatted name for every node and field; this transformer has only a few
    # `leave_` methods, found once per node type (a tenth of a whole-file migration).
    _leave_by_type: dict[type, str | None] = {}

    def on_visit(self, node) -> bool:
        if self._pairing:
            self.keys.see(node)
        return True

    def on_leave(self, original, updated):
        kind = type(original)
        name = self._leave_by_type.get(kind, "")
        if name == "":
            name = self._leave_by_type[kind] = (f"leave_{kind.__name__}"
                                                if hasattr(type(self), f"leave_{kind.__name__}") else None)
        return updated if name is None else getattr(self, name)(original, updated)

    def on_visit_attribute(self, node, attribute) -> None:
        pass

    def on_leave_attribute(self, original_node, attribute) -> None:
        pass

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

    def leave_Comparison(self, original, updated):
        return self._apply(original, updated)

    def leave_ExceptHandler(self, original, updated):
        return self._apply(original, updated)

    def leave_ExceptStarHandler(self, original, updated):
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
            if isinstance(result, (cst.BaseCompoundStatement, cst.SimpleStatementLine, cst.FlattenSentinel)):
                compound = result  # a block, or several statements (FlattenSentinel)
                continue
            out.append(result)
        if not changed:
            return updated
        if compound is not None:
            if out:
                raise FixError("a statement that becomes a block shares its line")
            if isinstance(compound, cst.FlattenSentinel):
                first, *rest = compound.nodes
                leading = [*updated.leading_lines, *first.leading_lines]  # the fix may ask for a blank line
                return cst.FlattenSentinel([first.with_changes(leading_lines=leading), *rest])
            return compound.with_changes(leading_lines=updated.leading_lines)
        if not out:
            return cst.RemoveFromParent()
        out[-1] = out[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(body=out)


def _top_statements(unit: Unit) -> list[ast.stmt]:
    """The findings' statements, without those nested in another one."""
    out: list[ast.stmt] = []
    for stmt in sorted({id(f.stmt): f.stmt for f in unit.findings}.values(),
                       key=lambda s: (s.lineno, -(s.end_lineno or s.lineno))):
        if out and stmt.lineno >= out[-1].lineno and (stmt.end_lineno or 0) <= (out[-1].end_lineno or 0) \
                and stmt is not out[-1] and _inside(stmt, out[-1]):
            continue
        out.append(stmt)
    return out


def _inside(inner: ast.stmt, outer: ast.stmt) -> bool:
    return any(n is inner for n in walk(outer))


def is_statement_fix(f: Finding, ctx: FixContext) -> bool:
    """Rewrites its whole statement (removes it, or turns it into another statement)."""
    if f.facts.get("moved_to") is not None:
        return not ctx.copying  # the statement moves: removed here, rebuilt where it lands
    return f.rule.statement_fix or bool(f.facts.get("statement_fix"))


def _key_of(f: Finding, offset: int) -> tuple:
    s = f.span
    return (s.line - offset, s.col, s.end_line - offset, s.end_col)


def rewrite_unit(text: str, unit: Unit, first_line_text: str, ctx: FixContext, whole_block: bool = True) -> str:
    """The unit's new text. `whole_block`: its statements are all of their block, so if
    every one goes, a `pass` must stay (libcst prints one for an empty block)."""
    indent = line_indent(first_line_text)
    wrapped = bool(indent)
    nl = ctx.newline  # libcst writes the lines a fix adds with the first line ending it sees
    wrap = f"if True:{nl}"
    code = (wrap + text + nl) if wrapped else text + nl
    try:
        module = cst.parse_module(code)
    except cst.ParserSyntaxError as exc:
        raise FixError(f"cannot rewrite lines {unit.first}-{unit.last} on their own: {exc.message}") from exc
    offset = unit.first - 1 - (1 if wrapped else 0)
    targets: dict[tuple, Finding] = {}
    statement_targets: dict[tuple, Finding] = {}
    renames: dict[tuple, str] = {}
    for f in unit.findings:
        stmt_key = (*_span_key(f.stmt, ctx.lines, offset), type(f.stmt).__name__)
        if is_statement_fix(f, ctx):
            statement_targets[stmt_key] = f
        elif isinstance(f.node, ast.ExceptHandler):
            targets[handler_key(f.node, ctx.lines, offset)] = f
        else:
            name = type(f.node).__name__
            targets[(*_key_of(f, offset), _CST_NAME.get(name, name))] = f
        b = f.creates
        if b is not None and b.new_name and b.new_name != b.name:
            renames[stmt_key] = b.new_name
    try:
        keys = OrdinalKeys(unit.top, ctx.lines, offset)
        transformer = _UnitTransformer(keys, targets, statement_targets, renames, ctx)
        new = module.visit(transformer)
        keys.finish()
    except _Unpaired:
        transformer = _UnitTransformer(position_keys(module), targets, statement_targets, renames, ctx)
        new = module.visit(transformer)
    missing = [f for f in unit.findings if id(f) not in transformer.done]
    if missing:
        raise FixError(f"could not locate `{missing[0].symbol}` on line {missing[0].span.line}")
    out = new.code
    try:
        ast.parse(out)
    except SyntaxError as exc:  # a fixer built invalid code: refuse rather than break the file
        raise FixError(f"the rewrite of line {unit.first} would not parse ({exc.msg})") from exc
    if wrapped:
        block = new.body[0].body if new.body and isinstance(new.body[0], cst.If) else None
        if not whole_block and isinstance(block, cst.IndentedBlock) and not block.body:
            return ""  # every statement went, and others remain in the block
        out = out[len(wrap):]
        if not out.strip():
            return ""
    if out.endswith(nl):
        return out[:-len(nl)]
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
    ctx = FixContext(settings=settings, names_in_use=set(analysis.names_in_use), lines=lines, applying=todo,
                     newline=newline_of(source))
    pieces: list[tuple[int, int, str]] = []
    # Blocks whose statements are removed unit by unit: (block, statements gone, last piece, indent).
    emptied: dict[int, list] = {}
    for unit in _batched(units_for(todo, lines), analysis.block_of):
        start = lines.starts[unit.first - 1]
        end = lines.line_end(unit.last)
        text = source[start:end]
        top = unit.top
        block = analysis.block_of.get(id(top[0]), (None, 0))[0]
        whole = block is None or len(block) == len(top)
        new = rewrite_unit(text, unit, lines.line(unit.first), ctx, whole)
        if new == "":
            # Drop the lines and their line break, and one of two blank lines left around them.
            end = lines.starts[unit.last] if unit.last < len(lines.starts) else len(source)
            # (Units removed one by one never met a blank line on both sides: joined ones neither.)
            before_blank = unit.parts == 1 and (unit.first == 1 or not lines.line(unit.first - 1).strip())
            after = unit.last + 1
            if before_blank and after < len(lines.starts) and not lines.line(after).strip():
                end = lines.starts[after]
            if block is not None and not whole:
                entry = emptied.setdefault(id(block), [block, 0, 0, ""])
                entry[1] += len(top)
                entry[2], entry[3] = len(pieces), line_indent(lines.line(unit.first))
        pieces.append((start, end, new))
    for block, gone, last, indent in emptied.values():
        if gone == len(block) and indent:  # separate removals emptied an indented block
            start, end, _ = pieces[last]
            pieces[last] = (start, end, f"{indent}pass\n")
    try:
        imports = import_edits(source, lines, analysis.tree, analysis.import_stmts, analysis.block_of,
                               ctx.imports, _unused_after(analysis, todo))
    except ImportClash as exc:
        raise FixError(str(exc)) from exc
    edits = sorted(pieces + imports, key=lambda e: (e[0], e[1]))
    out = []
    pos = 0
    for start, end, new in edits:
        if start < pos:
            raise FixError("an import to change lies inside a statement being rewritten")
        out.append(source[pos:start])
        out.append(new)
        pos = end
    out.append(source[pos:])
    result = "".join(out)
    if result[:1] in ("\n", "\r") and source[:1] not in ("\n", "\r"):
        result = result.lstrip("\r\n")  # removed imports at the top leave no blank first line
    return result


def _unused_after(analysis: Analysis, fixed: list[Finding]) -> set[str]:
    """v1 import names whose every use lies inside code these fixes replace."""
    by_stmt: dict[int, list] = {}
    for f in fixed:
        by_stmt.setdefault(id(f.stmt), []).append(f.span)
    out = set()
    for name, refs in analysis.import_refs.items():
        if all(any(s.contains(r) for s in by_stmt.get(stmt_id, ())) for r, stmt_id in refs):
            out.add(name)
    for f in analysis.findings:
        if f.rule.on == "import" and f.facts.get("unused"):
            out.add(f.facts["local"])
    return out

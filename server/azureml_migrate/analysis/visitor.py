"""One pass over the stdlib `ast`: imports, bindings, findings.

The walk follows execution order inside each scope, so `ws = Workspace.from_config()`
makes `ws` a workspace for the statements after it.  Function bodies are walked after the
scope that defines them (they run later) and see that scope's names only where every
assignment agrees, which keeps inference conservative.  Nothing here imports or runs
user code.

The results are kept per top-level statement (a `Unit`) and per walk of it (a `Segment`:
the module's pass over the statement, then its function bodies level by level), so that
after an edit only the statements it touched are walked again (see incremental.py).
"""

from __future__ import annotations

import ast
import functools
from typing import Any, Union

from ..astutil import attribute_chain, call_arg, is_string_expr, naming_walk, walk
from ..rules import registry
from ..rules.base import Check
from ..text import Lines
from . import v1_names
from .model import Binding, Escape, Finding, Occurrence, Span


class ImportRef:
    """What a local name imported from `azureml` refers to, e.g. "azureml.core.Workspace"
    (equal when they name the same thing: branches that import it alike agree)."""

    __slots__ = ("qualified",)

    def __init__(self, qualified: str) -> None:
        self.qualified = qualified

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ImportRef) and other.qualified == self.qualified

    def __hash__(self) -> int:
        return hash(self.qualified)

    def __repr__(self) -> str:
        return f"ImportRef({self.qualified})"


# Sym and Obj are made for most names and attributes the walk reads: plain classes with
# slots cost a quarter of what frozen dataclasses do to create. Never changed once made,
# and never compared (only their fields are).
class Sym:
    """A v1 module, class or function reached by name."""

    __slots__ = ("qualified",)

    def __init__(self, qualified: str) -> None:
        self.qualified = qualified

    def __repr__(self) -> str:
        return f"Sym({self.qualified!r})"


class Obj:
    """A v1 object: held by a binding or produced inline by a call (`Run.get_context()`)."""

    __slots__ = ("kind", "origin", "binding", "finding", "path")

    def __init__(self, kind: str, origin: str | None, binding: Binding | None = None, finding: Finding | None = None,
                 path: tuple[str, ...] = ()) -> None:
        self.kind = kind
        self.origin = origin
        self.binding = binding
        self.finding = finding
        self.path = path

    def __repr__(self) -> str:
        return f"Obj({self.kind!r}, {self.origin!r}, {self.binding!r}, {self.finding!r}, {self.path!r})"

    @property
    def member_symbol(self) -> str:
        return ".".join((self.kind, *self.path))


# The walk asks about the same few dotted names over and over (every use of an imported
# class or of its members); the answers depend on the name alone.
_is_v1 = functools.lru_cache(maxsize=4096)(v1_names.is_v1)
_canonical = functools.lru_cache(maxsize=4096)(v1_names.canonical)

Value = Union[Sym, Obj, None]
Entry = Union[ImportRef, Binding, None]


class Scope:
    def __init__(self, node: ast.AST, parent: Scope | None, kind: str) -> None:
        self.node = node
        self.parent = parent
        self.kind = kind
        self.names: dict[str, Entry] = {}
        self.history: dict[str, list[Entry]] = {}
        self.assigned: list[str] = []  # every assignment's name, in order (see Analyzer.join)
        self.globals: set[str] = set()

    def assign(self, name: str, entry: Entry) -> None:
        self.names[name] = entry
        self.history.setdefault(name, []).append(entry)
        self.assigned.append(name)

    def settled(self, name: str) -> Entry:
        """The value a later-running function sees: defined only if all assignments agree.

        Repeated assignments of the same kind of v1 object (a notebook that runs
        `run = Run.get_context()` twice) count as agreeing: the last one is used.
        """
        entries = self.history.get(name)
        if not entries:
            return None
        if len(entries) == 1:  # the usual case (an entry always equals itself)
            return entries[0]
        first, last = entries[0], entries[-1]
        if all(e == first for e in entries):
            return first
        if isinstance(last, Binding) and all(
                isinstance(e, Binding) and (e.kind, e.origin) == (last.kind, last.origin) for e in entries):
            return last
        return None

    def candidates(self, name: str) -> list[Binding]:
        return [e for e in self.history.get(name, ()) if isinstance(e, Binding)]


_EMPTY_LIST: list[Any] = []  # never appended to: sealed segments are not walked again
_EMPTY_SET: set[str] = set()


class Segment:
    """What one walk over part of a top-level statement produced.

    Segment 0 of a unit is the module's own pass over the statement; segment k >= 1 holds
    the bodies of the functions it defines at nesting depth k (walked after every segment
    of depth k - 1 of every unit: the order of a whole-file walk).
    """

    __slots__ = ("findings", "occurrences", "bindings", "refs", "import_refs", "names", "strings",
                 "import_stmts", "deferred", "tainted", "reads_strings", "uses_global")

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.occurrences: list[Occurrence] = []
        self.bindings: list[Binding] = []
        self.refs: list[tuple[Binding, ast.Name]] = []  # uses of bindings made by the module pass
        self.import_refs: list[tuple[str, Span, int]] = []  # (v1 import name, use, statement id)
        self.names: set[str] = set()  # every name read or bound
        self.strings: set[str] = set()  # names assigned a string here
        self.import_stmts: list[ast.stmt] = []
        self.deferred: list[tuple[ast.AST, Scope]] | None = []  # functions for the next depth
        self.tainted = False  # a check looked beyond this unit (the whole tree, other statements)
        self.reads_strings = False  # a check read the names assigned strings so far
        self.uses_global = False  # a `global` statement: function bodies assign module names

    def seal(self) -> None:
        """Share one empty value for what stayed empty (most segments use few of these)."""
        if not self.findings:
            self.findings = _EMPTY_LIST
        if not self.occurrences:
            self.occurrences = _EMPTY_LIST
        if not self.bindings:
            self.bindings = _EMPTY_LIST
        if not self.refs:
            self.refs = _EMPTY_LIST
        if not self.import_refs:
            self.import_refs = _EMPTY_LIST
        if not self.import_stmts:
            self.import_stmts = _EMPTY_LIST
        if not self.strings:
            self.strings = _EMPTY_SET
        if not self.deferred:
            self.deferred = None

    def is_inert(self) -> bool:
        """Nothing but names, statements and deferred functions: no v1 use at all."""
        return not (self.findings or self.occurrences or self.bindings or self.refs or self.import_refs
                    or self.import_stmts or self.uses_global)


class Unit:
    """One top-level statement and the segments its walk produced."""

    __slots__ = ("stmt", "seg0", "levels", "linked", "escapes")

    def __init__(self, stmt: ast.stmt) -> None:
        self.stmt = stmt
        self.seg0: Segment = Segment()
        self.levels: list[Segment] = []
        # A function body uses a binding of the module pass: planned with the module's findings.
        self.linked = False
        self.escapes: list[Escape] = []  # of the bindings its function bodies create, if not linked

    def segments(self) -> list[Segment]:
        return [self.seg0, *self.levels]



def statement_ids(stmt: ast.stmt) -> set[int]:
    """ids of `stmt` and every statement inside it."""
    return {id(n) for n in walk(stmt) if isinstance(n, ast.stmt)}


def in_walk_order(units: list[Unit]) -> list[Segment]:
    """Every segment in the order a whole-file walk produces them."""
    out = [u.seg0 for u in units]
    level, deeper = 0, [u for u in units if u.levels]
    while deeper:
        out += [u.levels[level] for u in deeper]
        level += 1
        deeper = [u for u in deeper if len(u.levels) > level]
    return out


class _BlockView:
    """`block_of` as rules see it: looking up a statement outside the unit being walked
    (or a top-level one, whose block is the whole module) makes the result depend on
    other units, so the unit is walked again after any edit."""

    __slots__ = ("analyzer",)

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer

    def get(self, key: int, default: Any = None) -> Any:
        a = self.analyzer
        value = a._block_of.get(key)
        if value is None or value[0] is a._tree.body or key not in a.unit_ids():
            a.seg.tainted = True
        return default if value is None else value

    def __getitem__(self, key: int) -> Any:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: int) -> bool:
        return self.get(key) is not None


class Site:
    """What a rule's `check` sees: the matched node, its receiver and helpers."""

    __slots__ = ("analyzer", "node", "stmt", "receiver", "requires", "requires_findings", "consumes", "absorbed",
                 "handler", "symbol")

    def __init__(self, analyzer: Analyzer, node: ast.AST, stmt: ast.stmt, receiver: Obj | None) -> None:
        self.analyzer = analyzer
        self.node = node
        self.stmt = stmt
        self.receiver = receiver
        self.requires: list[Binding] = []
        self.requires_findings: list[Finding] = []
        self.consumes: set[int] = set()
        self.absorbed: list[Finding] = []
        self.handler: ast.ExceptHandler | None = None  # the `except` clause this fix changes with
        self.symbol = ""

    # -- arguments (v1 positional order) --------------------------------------------
    def arg(self, position: int | None, keyword: str) -> ast.expr | None:
        assert isinstance(self.node, ast.Call)
        return call_arg(self.node, position, keyword)

    def has_star_args(self) -> bool:
        call = self.node
        if not isinstance(call, ast.Call):
            return False
        for a in call.args:  # (loops, not any(): most checks ask, and generators cost more)
            if isinstance(a, ast.Starred):
                return True
        for k in call.keywords:
            if k.arg is None:
                return True
        return False

    def keywords(self) -> list[str]:
        call = self.node
        return [k.arg for k in call.keywords if k.arg] if isinstance(call, ast.Call) else []

    # -- facts about expressions ----------------------------------------------------
    def binding(self, expr: ast.expr | None) -> Binding | None:
        if isinstance(expr, ast.Name):
            entry = self.analyzer.lookup(expr.id)
            if isinstance(entry, Binding):
                return entry
        return None

    def inline(self, expr: ast.expr | None) -> Finding | None:
        """The finding of an inline v1 call used as an argument or receiver."""
        return self.analyzer.finding_at.get(id(expr)) if expr is not None else None

    def source(self, expr: ast.AST) -> str:
        return self.analyzer.lines.segment(expr) or ""

    # -- declaring what the fix needs -----------------------------------------------
    def consume(self, expr: ast.expr | None) -> Binding | None:
        """This fix rewrites the reference `expr` itself; returns its binding."""
        b = self.binding(expr)
        if b is not None and expr is not None:
            self.consumes.add(id(expr))
        return b

    def workspace(self, position: int | None = 0, keyword: str = "workspace") -> Binding | None:
        """The workspace binding passed as an argument, or None.

        The fix replaces it with the `MLClient` the workspace becomes, so the reference is
        consumed and the workspace's own migration is required.
        """
        ws = self.consume(self.arg(position, keyword))
        self.require(ws)
        return ws

    def require(self, binding: Binding | None) -> None:
        if binding is not None and binding not in self.requires:
            self.requires.append(binding)

    def require_finding(self, finding: Finding | None) -> None:
        if finding is not None and finding not in self.requires_findings:
            self.requires_findings.append(finding)

    def exception_clauses(self, by_name: dict[str, str] | None = None) -> list[tuple[ast.ExceptHandler, str]]:
        """The `except` clauses around this statement, in the order Python tries them
        (innermost `try` first), one entry per class named: (handler, canonical symbol).

        A bare `except:` names `builtins.BaseException`; a clause that cannot be told apart
        (`except errors:`) names "". Only `azureml` imports are tracked, so `by_name` gives
        the symbol of other imported names by their last part (`ResourceNotFoundError`).
        """
        analyzer = self.analyzer
        out: list[tuple[ast.ExceptHandler, str]] = []
        for stmt in reversed(analyzer.open_trys):
            for handler in stmt.handlers:
                if handler.type is None:
                    out.append((handler, "builtins.BaseException"))
                    continue
                elements = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
                for element in elements:
                    symbol = analyzer.exception_symbol(element)
                    if symbol is None and by_name:
                        last = element.attr if isinstance(element, ast.Attribute) else getattr(element, "id", "")
                        symbol = by_name.get(last)
                    out.append((handler, symbol or ""))
        return out

    def change_with_handler(self, handler: ast.ExceptHandler) -> None:
        """This fix and the fix of `handler`'s v1 exception are one group (either needs the other)."""
        self.handler = handler

    def try_body_findings(self) -> list[Finding]:
        """For a finding on an `except` clause: the findings of its `try` body."""
        return self.analyzer.try_findings.get(id(self.stmt), [])

    def handler_links(self) -> list[Finding]:
        """For a finding on an `except` clause: the body's findings that change with it."""
        return self.analyzer.handler_links.get(id(self.node), [])

    def absorb(self, finding: Finding | None) -> None:
        """An inline v1 call (`Experiment(ws, "x").submit(...)`) this fix rewrites itself."""
        if finding is not None:
            self.absorbed.append(finding)
            self.consumes |= finding.consumes

    # -- statement shape ------------------------------------------------------------
    def assigned_name(self) -> str | None:
        """`x` when the statement is `x = <this node>`."""
        s = self.stmt
        if isinstance(s, ast.Assign) and s.value is self.node and len(s.targets) == 1:
            target = s.targets[0]
            return target.id if isinstance(target, ast.Name) else None
        if isinstance(s, ast.AnnAssign) and s.value is self.node and isinstance(s.target, ast.Name):
            return s.target.id
        return None

    def is_statement(self) -> bool:
        """The node is a whole expression statement (`run.log(...)` on its own)."""
        return isinstance(self.stmt, ast.Expr) and self.stmt.value is self.node

    def sole(self) -> bool:
        """The statement is the only one of its block: removing it must leave `pass`."""
        return id(self.stmt) in self.analyzer.sole_stmts

    def alone_on_line(self) -> bool:
        return id(self.stmt) not in self.analyzer.shared_line_stmts

    def receiver_binding(self) -> Binding | None:
        return self.receiver.binding if self.receiver else None

    def tracked_receiver(self, *creators: type) -> Binding | None:
        """The receiver's binding when this file creates it (by one of `creators`' rules, if
        given), declared as required; None when the object's origin is unknown."""
        b = self.receiver_binding()
        if b is None or b.creator is None or (creators and not isinstance(b.creator.rule, creators)):
            return None
        self.require(b)
        return b


class _Joined:
    """A name's value after branches that disagree (see Analyzer.join)."""

    __slots__ = ("bindings",)

    def __init__(self, bindings: list[Binding]) -> None:
        self.bindings = bindings


_MISSING = object()
_NONE: list[Binding] = []  # never appended to (see lookup)
_TYPE_TESTS = frozenset({ast.Is, ast.IsNot, ast.Eq, ast.NotEq})
_INLINE_SCOPES = frozenset({ast.Lambda, ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp})


class Analyzer:
    _stmt_methods: dict[type, Any] = {}  # statement class -> its stmt_* method (or None), per subclass

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._stmt_methods = {}

    def __init__(self, source: str, tree: ast.Module, lines: Lines, occurrence_lines: Any = None) -> None:
        self.source = source
        self.ascii = source.isascii()
        self._tree = tree
        self.lines = lines
        self.occurrence_lines = occurrence_lines if occurrence_lines is not None else lines
        self.units: list[Unit] = []
        self.unit: Unit | None = None
        self.seg: Segment = Segment()
        self.level = 0
        self.finding_at: dict[int, Finding] = {}  # id(ast node) -> finding, within one segment
        self.scope: Scope = Scope(tree, None, "module")
        self.module_scope = self.scope
        self.stmt: ast.stmt | None = None
        self.ambiguous_refs: list[Binding] = _NONE
        self._strings: set[str] = set()  # names assigned a str so far (not metrics)
        self._import_stmts: list[ast.stmt] = []
        # What a check sees of the strings and imports of the segments before the current
        # one, when only some units are walked again (set by incremental.py).
        self.before: Any = None
        self.shared_line_stmts: set[int] = set()  # statements sharing a line (`a; b`)
        self.sole_stmts: set[int] = set()  # the only statement of their block
        self._block_of: dict[int, tuple[list[ast.stmt], int]] = {}  # statement -> (its block, index)
        self._unit_ids: tuple[Unit | None, set[int]] = (None, set())
        # The `try` statements whose body is being walked (innermost last), and per `try`
        # the findings that asked to change with one of its handlers (see Site.catching_handler).
        self.open_trys: list[ast.Try] = []
        self.handler_links: dict[int, list[Finding]] = {}
        self.try_findings: dict[int, list[Finding]] = {}
        self._names_in: dict[int, frozenset[str]] = {}  # see names_in
        self._naming_nodes: dict[int, list[tuple[ast.AST, list[str]]]] = {}  # see naming_nodes

    # -- what checks may read -------------------------------------------------------
    @property
    def tree(self) -> ast.Module:
        self.seg.tainted = True
        return self._tree

    def names_in(self, node: ast.AST) -> frozenset[str]:
        """Every name read, bound or declared in `node` or under it. Checks that move a value
        ask this of the same statements again and again (is `args` used between here and
        there?), so each node is read once per analysis (the tree does not change meanwhile)."""
        found = self._names_in.get(id(node))
        if found is None:
            names: set[str] = set()
            for n, bound in naming_walk(node):
                if bound:
                    names.update(bound)
                elif type(n) is ast.Name:
                    names.add(n.id)  # type: ignore[attr-defined]
            found = self._names_in[id(node)] = frozenset(names)
        return found

    def naming_nodes(self, where: ast.AST) -> list[tuple[ast.AST, list[str]]]:
        """The nodes under `where` (itself included) that read, bind or declare a name, or
        define a scope, in `ast.walk` order, each with the names it binds or declares
        (a `Name` that is read: none). Once per analysis, like `names_in`: a check asking
        whether anything else in a notebook reads a variable scans the whole module."""
        found = self._naming_nodes.get(id(where))
        if found is None:
            found = self._naming_nodes[id(where)] = naming_walk(where)
        return found

    @property
    def block_of(self) -> _BlockView:
        return _BlockView(self)

    @property
    def import_stmts(self) -> list[ast.stmt]:
        self.seg.tainted = True
        if self.before is not None:
            return [*self.before.import_stmts(), *self.seg.import_stmts]
        return self._import_stmts

    @property
    def string_names(self) -> set[str]:
        self.seg.reads_strings = True
        if self.before is not None:
            return self.before.strings() | self.seg.strings
        return self._strings

    def unit_ids(self) -> set[int]:
        """The statements of the unit being walked."""
        unit = self.unit
        if unit is None:
            return set()
        if self._unit_ids[0] is not unit:
            self._unit_ids = (unit, statement_ids(unit.stmt))
        return self._unit_ids[1]

    # -- driver ---------------------------------------------------------------------
    def run(self) -> None:
        body = self._tree.body
        if len(body) == 1:
            self.sole_stmts.add(id(body[0]))
        previous: ast.stmt | None = None
        for index, stmt in enumerate(body):
            self._block_of[id(stmt)] = (body, index)
            if previous is not None and previous.end_lineno == stmt.lineno:
                self.shared_line_stmts.update((id(previous), id(stmt)))
            unit = Unit(stmt)
            self.begin(unit, 0, unit.seg0)
            self.visit_stmt(stmt)
            unit.seg0.seal()
            self.units.append(unit)
            previous = stmt
        self.walk_functions(self.units)

    def begin(self, unit: Unit | None, level: int, seg: Segment) -> Segment:
        self.unit, self.level, self.seg = unit, level, seg
        self.finding_at = {}
        return seg

    def walk_functions(self, units: list[Unit]) -> None:
        """The function bodies of `units`, depth by depth (the order of a whole-file walk)."""
        level, pending = 1, [u for u in units if u.seg0.deferred]
        while pending:
            deeper = []
            for u in pending:
                last = u.seg0 if level == 1 else u.levels[-1]
                deferred, seg = last.deferred or [], self.begin(u, level, Segment())
                if self.before is not None:
                    self.before.at(level, u)
                for node, parent in deferred:
                    self.visit_function(node, parent)
                if level > 1:
                    last.deferred = None  # the enclosing function scopes are no longer needed
                u.levels.append(seg)
                if seg.deferred:
                    deeper.append(u)
                seg.seal()
            pending, level = deeper, level + 1
        self.unit = None

    # -- positions ------------------------------------------------------------------
    def span(self, node: ast.AST) -> Span:
        line, end_line = node.lineno, node.end_lineno or node.lineno
        if self.ascii:  # byte columns are character columns
            return Span(line, node.col_offset, end_line, node.end_col_offset or 0)
        return Span(
            line,
            self.lines.char_col(line, node.col_offset),
            end_line,
            self.lines.char_col(end_line, node.end_col_offset or 0),
        )

    # -- names ----------------------------------------------------------------------
    def lookup(self, name: str) -> Entry:
        scope: Scope | None = self.scope
        if name in self.scope.globals:
            entry = self.module_scope.names.get(name)
            return None if type(entry) is _Joined else entry
        live = True  # code in the scopes walked so far runs now, not later
        while scope is not None:
            if scope.kind != "class" or scope is self.scope:
                if name in scope.history:
                    if live:
                        entry = scope.names[name]
                        if type(entry) is _Joined:
                            self.ambiguous_refs = [*self.ambiguous_refs, *entry.bindings]
                            return None
                        return entry
                    entry = scope.settled(name)
                    if entry is None:
                        # Unknown which one this later-running code sees: none of them may
                        # be renamed or removed.
                        self.ambiguous_refs = [*self.ambiguous_refs, *scope.candidates(name)]
                    return entry
            if scope.kind == "function":
                live = False
            scope = scope.parent
        return None

    def peek(self, name: str) -> Entry:
        """What `name` refers to here, for a check's own reasoning: unlike `lookup` (a use
        of the name), nothing is recorded."""
        saved = self.ambiguous_refs
        try:
            return self.lookup(name)
        finally:
            self.ambiguous_refs = saved

    def assign_name(self, name: str, entry: Entry) -> None:
        self.seg.names.add(name)
        scope = self.module_scope if name in self.scope.globals else self.scope
        scope.assign(name, entry)

    # -- statements -----------------------------------------------------------------
    def visit_body(self, body: list[ast.stmt]) -> None:
        if len(body) == 1:
            self.sole_stmts.add(id(body[0]))
        previous: ast.stmt | None = None
        for index, stmt in enumerate(body):
            self._block_of[id(stmt)] = (body, index)
            if previous is not None and previous.end_lineno == stmt.lineno:
                self.shared_line_stmts.update((id(previous), id(stmt)))
            self.visit_stmt(stmt)
            previous = stmt

    def visit_stmt(self, stmt: ast.stmt) -> None:
        outer = self.stmt
        self.stmt = stmt
        try:
            kind = type(stmt)
            methods = self._stmt_methods
            method = methods.get(kind, _MISSING)
            if method is _MISSING:
                method = methods[kind] = getattr(type(self), "stmt_" + kind.__name__, None)
            if method is not None:
                method(self, stmt)
            else:
                self.generic_stmt(stmt)
        finally:
            self.stmt = outer

    def generic_stmt(self, stmt: ast.stmt) -> None:
        for name in stmt._fields:
            value = getattr(stmt, name, None)
            if isinstance(value, ast.expr):
                self.visit(value)
            elif isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    self.visit_body(value)
                else:
                    for item in value:
                        if isinstance(item, ast.expr):
                            self.visit(item)
                        elif isinstance(item, ast.withitem):
                            self.visit(item.context_expr)
                            if item.optional_vars is not None:
                                self.bind_target(item.optional_vars, None)
                        elif isinstance(item, ast.match_case):
                            self.visit_body(item.body)

    def stmt_Try(self, stmt: ast.Try) -> None:
        """The body first (knowing which `try` it is in), then each handler's type: a v1
        exception class there is a finding of its own, tied to the body's findings that
        asked for it (`except ComputeTargetException:` changes with `ComputeTarget(ws, name)`)."""
        before = self.branch_start()
        self.open_trys.append(stmt)
        first = len(self.seg.findings)
        try:
            self.visit_body(stmt.body)
        finally:
            self.open_trys.pop()
        self.try_findings[id(stmt)] = self.seg.findings[first:]
        for handler in stmt.handlers:
            if handler.type is not None:
                self.visit(handler.type)
                self.handler_findings(stmt, handler)
            if handler.name:
                self.assign_name(handler.name, None)
            self.visit_body(handler.body)
        self.visit_body(stmt.orelse)
        self.visit_body(stmt.finalbody)
        self.join(before)

    stmt_TryStar = stmt_Try

    def stmt_If(self, stmt: ast.If) -> None:
        before = self.branch_start()
        self.visit(stmt.test)
        self.visit_body(stmt.body)
        self.visit_body(stmt.orelse)
        self.join(before)

    def branch_start(self) -> int:
        """Where the branches start, for `join` (a position in the scope's assignment log)."""
        return len(self.scope.assigned)

    def join(self, before: int) -> None:
        """After branches (`if`/`else`, `try`/`except`): a name whose branches leave values
        that a fix would treat differently, one of them a variable a fix renames or removes
        (`ws` -> `ml_client`), is unknown after the join, and its uses there keep every such
        variable as it is (they are escapes: `try: ws = Workspace.from_config()` / `except:
        ws = Workspace.create(...)` then `ws.compute_targets`)."""
        scope = self.scope
        inside: dict[str, int] = {}  # name -> assignments made in the branches
        for name in scope.assigned[before:]:
            inside[name] = inside.get(name, 0) + 1
        for name, count in inside.items():
            entries = scope.history[name]
            start = len(entries) - count
            values = entries[start - 1:] if start else entries  # (unbound before: a v1 NameError too)
            moved = [e for e in values if isinstance(e, Binding) and e.mode != "preserve"]
            if not moved:
                continue
            first = moved[0]
            if all(isinstance(e, Binding) and (e.kind, e.mode) == (first.kind, first.mode) for e in values):
                continue  # every branch renames it the same way
            scope.names[name] = _Joined(moved)

    def handler_findings(self, stmt: ast.Try, handler: ast.ExceptHandler) -> None:
        assert handler.type is not None
        elements = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for element in elements:
            symbol = self.exception_symbol(element)
            rule = registry.match("except", symbol, None) if symbol else None
            if rule is None:
                continue
            finding = self.add_finding(rule, symbol, handler, stmt, receiver=None, span_node=element)
            for linked in self.handler_links.get(id(handler), ()):
                if finding not in linked.requires_findings:
                    linked.requires_findings.append(finding)

    def exception_symbol(self, expr: ast.expr) -> str | None:
        """What an `except` clause names: the canonical v1 symbol, `builtins.<Name>` for an
        unbound name, or None when unknown. (A lookup only: nothing is recorded.)"""
        chain = attribute_chain(expr)
        if chain is None:
            return None
        root, attrs = chain
        entry = self.peek(root.id)
        if isinstance(entry, ImportRef):
            return _canonical(".".join([entry.qualified, *attrs]))
        if entry is None and not attrs and not self.is_bound(root.id):
            return f"builtins.{root.id}"
        return None

    def is_bound(self, name: str) -> bool:
        scope: Scope | None = self.scope
        while scope is not None:
            if name in scope.history:
                return True
            scope = scope.parent
        return False

    def stmt_For(self, stmt: ast.For) -> None:
        self.visit(stmt.iter)
        self.bind_target(stmt.target, None)
        self.visit_body(stmt.body)
        self.visit_body(stmt.orelse)

    stmt_AsyncFor = stmt_For

    def stmt_Import(self, stmt: ast.Import) -> None:
        self._import_stmts.append(stmt)
        self.seg.import_stmts.append(stmt)
        for alias in stmt.names:
            if alias.asname:
                local, target = alias.asname, alias.name
            else:
                local = target = alias.name.split(".")[0]
            self.assign_name(local, ImportRef(target) if alias.name.startswith("azureml") else None)
            if _is_v1(alias.name):
                self.add_import_finding(alias, alias.name, local)

    def stmt_ImportFrom(self, stmt: ast.ImportFrom) -> None:
        self._import_stmts.append(stmt)
        self.seg.import_stmts.append(stmt)
        module = stmt.module or ""
        tracked = stmt.level == 0 and module.startswith("azureml")
        for alias in stmt.names:
            if alias.name == "*":
                if tracked:
                    for name in v1_names.STAR_EXPORTS.get(module, ()):
                        self.assign_name(name, ImportRef(f"{module}.{name}"))
                    if _is_v1(module):
                        self.add_import_finding(alias, module + ".*", "*")
                continue
            local = alias.asname or alias.name
            if tracked:
                qualified = _canonical(f"{module}.{alias.name}")
                self.assign_name(local, ImportRef(qualified))
                if _is_v1(qualified):
                    self.add_import_finding(alias, qualified, local)
            else:
                self.assign_name(local, None)

    def stmt_FunctionDef(self, stmt: ast.FunctionDef) -> None:
        for d in stmt.decorator_list:
            self.visit(d)
        self.visit_arguments(stmt.args)
        if stmt.returns is not None:
            self.visit(stmt.returns)
        self.assign_name(stmt.name, None)
        self.seg.deferred.append((stmt, self.scope))  # type: ignore[union-attr]

    stmt_AsyncFunctionDef = stmt_FunctionDef

    def visit_arguments(self, args: ast.arguments) -> None:
        for d in (*args.defaults, *[d for d in args.kw_defaults if d is not None]):
            self.visit(d)
        # Annotations are evaluated when the function is defined: a v1 class named there is a
        # use of its import (which must then stay).
        for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if a is not None and a.annotation is not None:
                self.visit(a.annotation)

    def visit_function(self, node: ast.AST, parent: Scope) -> None:
        outer_scope, outer_stmt = self.scope, self.stmt
        self.scope = Scope(node, parent, "function")
        args = node.args  # type: ignore[attr-defined]
        for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if a is not None:
                self.scope.assign(a.arg, None)
        for stmt in node.body:  # type: ignore[attr-defined]
            if isinstance(stmt, ast.Global):
                self.scope.globals.update(stmt.names)
                self.seg.uses_global = True
        self.visit_body(node.body)  # type: ignore[attr-defined]
        self.scope, self.stmt = outer_scope, outer_stmt

    def stmt_ClassDef(self, stmt: ast.ClassDef) -> None:
        for d in (*stmt.decorator_list, *stmt.bases, *[k.value for k in stmt.keywords]):
            self.visit(d)
        outer = self.scope
        self.scope = Scope(stmt, outer, "class")
        self.visit_body(stmt.body)
        self.scope = outer
        self.assign_name(stmt.name, None)

    def stmt_Global(self, stmt: ast.Global) -> None:
        self.scope.globals.update(stmt.names)
        self.seg.uses_global = True

    def stmt_Assign(self, stmt: ast.Assign) -> None:
        first = len(self.seg.findings)
        value = self.visit(stmt.value)
        if is_string_expr(stmt.value):
            named = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
            self._strings.update(named)
            self.seg.strings.update(named)
        created = self.created_binding(stmt.value, value)
        for target in stmt.targets:
            if isinstance(target, ast.Name) and len(stmt.targets) == 1 and created is not None:
                self.bind_new(target.id, created)
            elif isinstance(target, ast.Attribute):
                self.attribute_write(target, stmt, first)
            else:
                self.bind_target(target, None)

    def stmt_AnnAssign(self, stmt: ast.AnnAssign) -> None:
        value = self.visit(stmt.value) if stmt.value is not None else None
        self.visit(stmt.annotation)
        created = self.created_binding(stmt.value, value) if stmt.value is not None else None
        if isinstance(stmt.target, ast.Name):
            if created is not None:
                self.bind_new(stmt.target.id, created)
            else:
                self.assign_name(stmt.target.id, None)
        elif isinstance(stmt.target, ast.Attribute):
            self.attribute_write(stmt.target, stmt)

    def stmt_AugAssign(self, stmt: ast.AugAssign) -> None:
        self.visit(stmt.value)
        if isinstance(stmt.target, ast.Name):
            self.visit(stmt.target)  # it is read too
            self.assign_name(stmt.target.id, None)
        else:
            self.visit(stmt.target)

    def bind_target(self, target: ast.expr, entry: Entry) -> None:
        if isinstance(target, ast.Name):
            self.assign_name(target.id, entry)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self.bind_target(elt, None)
        elif isinstance(target, ast.Starred):
            self.bind_target(target.value, None)
        else:
            self.visit(target)

    def created_binding(self, value_node: ast.expr, value: Value) -> tuple[str, str, str | None, Finding] | None:
        """If the assigned value is a v1 call that creates a tracked object, describe it."""
        finding = self.finding_at.get(id(value_node))
        if finding is None or not isinstance(value, Obj) or value.finding is not finding:
            return None
        spec = finding.rule.creates
        if spec is not None:
            return _created_kind(finding), spec.mode, spec.origin, finding
        return value.kind, "preserve", value.origin, finding

    def bind_new(self, name: str, created: tuple[str, str, str | None, Finding]) -> None:
        kind, mode, origin, finding = created
        scope = self.module_scope if name in self.scope.globals else self.scope
        binding = Binding(name=name, kind=kind, mode=mode, origin=origin, scope=id(scope.node), creator=finding,
                          in_module_pass=self.level == 0)
        finding.creates = binding
        self.seg.bindings.append(binding)
        self.assign_name(name, binding)

    def attribute_write(self, target: ast.Attribute, stmt: ast.stmt, first: int | None = None) -> None:
        base = self.visit(target.value, role="chain")
        if isinstance(base, Obj):
            symbol = f"{base.member_symbol}.{target.attr}"
            rule = registry.match("assign", symbol, base.origin)
            finding = self.add_finding(rule or registry.GENERIC, symbol, stmt, stmt, receiver=base)
        elif isinstance(base, Sym) and _is_v1(base.qualified):
            finding = self.add_finding(registry.GENERIC, f"{base.qualified}.{target.attr}", stmt, stmt, receiver=None)
        else:
            return
        if first is not None:
            self.contain(first, finding)

    def contain(self, first: int, outer: Finding) -> None:
        """The v1 calls made inside `outer`'s arguments (or assigned value), found since
        `first`, become v2 only together with `outer`: handed to a v1 call or attribute that
        stays v1, a v2 object would break it (`env.python.conda_dependencies =
        CondaDependencies.create(...)` while `env` stays v1). Used for attribute writes and
        for v1 calls no rule knows; a rule's own check decides what its arguments may be."""
        findings = self.seg.findings
        for i in range(first, len(findings) - 1):
            inner = findings[i]
            if inner is not outer and outer not in inner.requires_findings:
                inner.requires_findings.append(outer)

    # -- expressions ----------------------------------------------------------------
    def visit(self, node: ast.expr | None, role: str = "load") -> Value:
        if node is None:
            return None
        kind = type(node)
        if kind is ast.Name:
            return self.visit_name(node)  # type: ignore[arg-type]
        if kind is ast.Attribute:
            return self.visit_attribute(node, role)  # type: ignore[arg-type]
        if kind is ast.Call:
            return self.visit_call(node)  # type: ignore[arg-type]
        if kind is ast.Constant:
            return None
        if kind is ast.Subscript:
            return self.visit_subscript(node)  # type: ignore[arg-type]
        if kind is ast.Compare:
            return self.visit_compare(node)  # type: ignore[arg-type]
        if kind in _INLINE_SCOPES:
            self.visit_inline_scope(node)
            return None
        # Any other expression: its sub-expressions (and keyword values), in field order.
        visit = self.visit
        for name in kind._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.expr):
                        visit(item)
                    elif isinstance(item, ast.keyword):
                        visit(item.value)
            elif isinstance(value, ast.expr):
                visit(value)
            elif isinstance(value, ast.keyword):
                visit(value.value)
        return None

    def visit_inline_scope(self, node: ast.expr) -> None:
        outer = self.scope
        self.scope = Scope(node, outer, "inline")
        if isinstance(node, ast.Lambda):
            self.visit_arguments(node.args)
            a = node.args
            for arg in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg):
                if arg is not None:
                    self.scope.assign(arg.arg, None)
            self.visit(node.body)
        else:
            for gen in node.generators:  # type: ignore[attr-defined]
                self.visit(gen.iter)
                self.bind_target(gen.target, None)
                for cond in gen.ifs:
                    self.visit(cond)
            if isinstance(node, ast.DictComp):
                self.visit(node.key)
                self.visit(node.value)
            else:
                self.visit(node.elt)  # type: ignore[attr-defined]
        self.scope = outer

    def visit_name(self, node: ast.Name) -> Value:
        seg = self.seg
        seg.names.add(node.id)
        if not isinstance(node.ctx, ast.Load):
            return None
        self.ambiguous_refs = _NONE
        entry = self.lookup(node.id)
        for candidate in self.ambiguous_refs:
            candidate.references.append(node)  # never consumed: an escape
            if candidate.in_module_pass:
                seg.refs.append((candidate, node))
        if isinstance(entry, ImportRef):
            q = entry.qualified
            seg.import_refs.append((node.id, self.span(node), id(self.stmt)))
            if _is_v1(q):
                seg.occurrences.append(Occurrence(node, q, self.occurrence_lines))
            return Sym(q)
        if isinstance(entry, Binding):
            entry.references.append(node)
            if entry.in_module_pass:
                seg.refs.append((entry, node))
            return Obj(entry.kind, entry.origin, binding=entry)
        return None

    def visit_attribute(self, node: ast.Attribute, role: str) -> Value:
        base = self.visit(node.value, role="chain")
        if isinstance(base, Sym):
            q = _canonical(f"{base.qualified}.{node.attr}")
            if _is_v1(q):
                self.seg.occurrences.append(Occurrence(node, q, self.occurrence_lines))
                if role == "load" and (v1_names.is_module_attribute(q) or registry.match("attribute", q, None)):
                    rule = registry.match("attribute", q, None) or registry.GENERIC
                    self.add_finding(rule, q, node, self.stmt, receiver=None)
            return Sym(q)
        if isinstance(base, Obj):
            value = Obj(base.kind, base.origin, base.binding, base.finding, (*base.path, node.attr))
            symbol = value.member_symbol
            self.seg.occurrences.append(Occurrence(node, symbol, self.occurrence_lines))
            if role == "load":
                rule = registry.match("attribute", symbol, base.origin) or registry.GENERIC
                self.add_finding(rule, symbol, node, self.stmt, receiver=base)
            return value
        return None

    def visit_subscript(self, node: ast.Subscript) -> Value:
        """`ws.compute_targets[name]`: when the finding on the subscripted attribute says what
        one item of it is (`facts["item_kind"]`), the item is a v1 object of that kind created
        by that finding, so `x = ws.compute_targets[name]` binds `x` and its uses are tracked."""
        self.visit(node.value)
        self.visit(node.slice)
        finding = self.finding_at.get(id(node.value))
        kind = finding.facts.get("item_kind") if finding is not None else None
        if kind is None or not isinstance(node.ctx, ast.Load):
            return None
        self.finding_at[id(node)] = finding
        return Obj(kind, None, finding=finding)

    def visit_compare(self, node: ast.Compare) -> Value:
        """`type(x) is C` with `C` a v1 class: a finding on the comparison ("type-test"), so a
        fix that turns `x` into a v2 object can test for the v2 class in the same edit."""
        left, tested = node.left, None
        if (type(left) is ast.Call and isinstance(left.func, ast.Name) and left.func.id == "type"
                and len(left.args) == 1 and not left.keywords and not isinstance(left.args[0], ast.Starred)
                and not self.is_bound("type")):
            self.visit(left.func)
            tested = self.visit(left.args[0])
        else:
            self.visit(left)
        classes = [self.visit(c) for c in node.comparators]
        if (isinstance(tested, Obj) and len(node.ops) == 1 and type(node.ops[0]) in _TYPE_TESTS
                and isinstance(classes[0], Sym)):
            rule = registry.match("type-test", classes[0].qualified, None)
            if rule is not None:
                self.add_finding(rule, classes[0].qualified, node, self.stmt, receiver=tested)
        return None

    def visit_call(self, node: ast.Call) -> Value:
        func = self.visit(node.func, role="func")
        first = len(self.seg.findings)
        for a in node.args:
            self.visit(a.value if isinstance(a, ast.Starred) else a)
        for k in node.keywords:
            self.visit(k.value)
        if isinstance(func, Sym) and _is_v1(func.qualified):
            q = func.qualified
            rule = registry.match("call", q, None)
            finding = self.add_finding(rule or registry.GENERIC, q, node, self.stmt, receiver=None)
            if rule is None:
                self.contain(first, finding)
            if rule is not None and rule.creates is not None:
                return Obj(_created_kind(finding), rule.creates.origin, finding=finding)
            if v1_names.is_class(q):
                return Obj(q, None, finding=finding)
            return None
        if isinstance(func, Obj) and func.path:
            symbol = func.member_symbol
            rule = registry.match("call", symbol, func.origin)
            receiver = Obj(func.kind, func.origin, func.binding, func.finding, func.path[:-1])
            finding = self.add_finding(rule or registry.GENERIC, symbol, node, self.stmt, receiver=receiver)
            if rule is None:
                self.contain(first, finding)
            if rule is not None and rule.creates is not None:
                return Obj(_created_kind(finding), rule.creates.origin, finding=finding)
        return None

    # -- findings -------------------------------------------------------------------
    def add_import_finding(self, alias: ast.alias, qualified: str, local: str) -> None:
        stmt = self.stmt
        assert stmt is not None
        finding = Finding(
            rule=registry.IMPORT,
            symbol=_canonical(qualified),
            span=self.span(alias),
            node=alias,
            stmt=stmt,
            safety=None,
            message="",
            facts={"local": local},
        )
        finding.message = registry.IMPORT.describe(finding)
        self.seg.findings.append(finding)

    def add_finding(self, rule: Any, symbol: str, node: ast.AST, stmt: ast.stmt | None, receiver: Obj | None,
                    span_node: ast.AST | None = None) -> Finding:
        assert stmt is not None
        site = Site(self, node, stmt, receiver)
        site.symbol = symbol
        check: Check = rule.check(site)
        # The finding takes over the site's lists (the site is dropped after the check).
        requires, consumes = site.requires, site.consumes
        if check.requires:
            requires += [b for b in check.requires if b not in requires]
        if check.consumes:
            consumes |= check.consumes
        finding = Finding(
            rule=rule,
            symbol=symbol,
            span=self.span(span_node or node),
            node=node,
            stmt=stmt,
            safety=check.safety,
            message=rule.message.replace("{symbol}", symbol) + (f" ({check.note})" if check.note else ""),
            requires=requires,
            requires_findings=site.requires_findings,
            consumes=consumes,
            facts=check.facts,
            receiver=receiver.binding if receiver is not None else None,
        )
        for inner in site.absorbed:
            inner.absorbed_by = finding
        if site.handler is not None:
            self.handler_links.setdefault(id(site.handler), []).append(finding)
        # A method call on a binding consumes the receiver name it is called on.
        if receiver is not None and receiver.binding is not None and rule is not registry.GENERIC:
            recv = _receiver_name(node)
            if recv is not None:
                finding.consumes.add(id(recv))
        # A member used on an inline v1 object (`Environment.get(...).clone(...)`): the object
        # becomes v2 only together with that use, so a use that stays v1 holds it back.
        if receiver is not None and receiver.binding is None and receiver.finding is not None \
                and finding not in receiver.finding.requires_findings:
            receiver.finding.requires_findings.append(finding)
        self.seg.findings.append(finding)
        self.finding_at[id(node)] = finding
        return finding


def _created_kind(finding: Finding) -> str:
    """The kind of object a call creates; a check may narrow it (a submitted pipeline is a PipelineRun)."""
    return finding.facts.get("creates_kind") or finding.rule.creates.kind


def _receiver_name(node: ast.AST) -> ast.Name | None:
    """The Name at the root of `a.b.c(...)` / `a.b = ...`."""
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        node = node.targets[0] if isinstance(node, ast.Assign) else node.target
    elif isinstance(node, ast.Call):
        node = node.func
    while isinstance(node, ast.Attribute):
        node = node.value
    return node if isinstance(node, ast.Name) else None

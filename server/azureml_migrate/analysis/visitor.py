"""One pass over the stdlib `ast`: imports, bindings, findings.

The walk follows execution order inside each scope, so `ws = Workspace.from_config()`
makes `ws` a workspace for the statements after it.  Function bodies are walked after the
scope that defines them (they run later) and see that scope's names only where every
assignment agrees, which keeps inference conservative.  Nothing here imports or runs
user code.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Union

from ..astutil import is_string_expr
from ..rules import registry
from ..rules.base import Check
from ..text import Lines
from . import v1_names
from .model import Binding, Escape, Finding, Occurrence, Span


@dataclass(frozen=True)
class ImportRef:
    qualified: str  # what the local name refers to, e.g. "azureml.core.Workspace"


@dataclass(frozen=True)
class Sym:
    """A v1 module, class or function reached by name."""

    qualified: str


@dataclass(frozen=True)
class Obj:
    """A v1 object: held by a binding or produced inline by a call (`Run.get_context()`)."""

    kind: str
    origin: str | None
    binding: Binding | None = None
    finding: Finding | None = None
    path: tuple[str, ...] = ()

    @property
    def member_symbol(self) -> str:
        return ".".join((self.kind, *self.path))


Value = Union[Sym, Obj, None]
Entry = Union[ImportRef, Binding, None]


class Scope:
    def __init__(self, node: ast.AST, parent: Scope | None, kind: str) -> None:
        self.node = node
        self.parent = parent
        self.kind = kind
        self.names: dict[str, Entry] = {}
        self.history: dict[str, list[Entry]] = {}
        self.globals: set[str] = set()

    def assign(self, name: str, entry: Entry) -> None:
        self.names[name] = entry
        self.history.setdefault(name, []).append(entry)

    def settled(self, name: str) -> Entry:
        """The value a later-running function sees: defined only if all assignments agree.

        Repeated assignments of the same kind of v1 object (a notebook that runs
        `run = Run.get_context()` twice) count as agreeing: the last one is used.
        """
        entries = self.history.get(name)
        if not entries:
            return None
        first, last = entries[0], entries[-1]
        if all(e == first for e in entries):
            return first
        if all(isinstance(e, Binding) and (e.kind, e.origin) == (last.kind, last.origin) for e in entries):
            return last
        return None

    def candidates(self, name: str) -> list[Binding]:
        return [e for e in self.history.get(name, ()) if isinstance(e, Binding)]


class Site:
    """What a rule's `check` sees: the matched node, its receiver and helpers."""

    def __init__(self, analyzer: Analyzer, node: ast.AST, stmt: ast.stmt, receiver: Obj | None) -> None:
        self.analyzer = analyzer
        self.node = node
        self.stmt = stmt
        self.receiver = receiver
        self.requires: list[Binding] = []
        self.requires_findings: list[Finding] = []
        self.consumes: set[int] = set()
        self.absorbed: list[Finding] = []
        self.symbol = ""

    # -- arguments (v1 positional order) --------------------------------------------
    def arg(self, position: int | None, keyword: str) -> ast.expr | None:
        call = self.node
        assert isinstance(call, ast.Call)
        for kw in call.keywords:
            if kw.arg == keyword:
                return kw.value
        if position is not None and position < len(call.args):
            a = call.args[position]
            if not isinstance(a, ast.Starred):
                return a
        return None

    def has_star_args(self) -> bool:
        call = self.node
        return isinstance(call, ast.Call) and (
            any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords)
        )

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
        return ast.get_source_segment(self.analyzer.source, expr) or ""

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


class Analyzer:
    def __init__(self, source: str, tree: ast.Module, lines: Lines) -> None:
        self.source = source
        self.tree = tree
        self.lines = lines
        self.findings: list[Finding] = []
        self.occurrences: list[Occurrence] = []
        self.bindings: list[Binding] = []
        self.finding_at: dict[int, Finding] = {}  # id(ast node) -> finding
        self.scope: Scope = Scope(tree, None, "module")
        self.module_scope = self.scope
        self.stmt: ast.stmt | None = None
        self._deferred: list[tuple[ast.AST, Scope]] = []
        self.import_refs: dict[str, list[tuple[ast.Name, int]]] = {}  # local name -> (load, stmt id)
        self.names_in_use: set[str] = set()
        self.ambiguous_refs: list[Binding] = []
        self.string_names: set[str] = set()  # names assigned a str somewhere (not metrics)
        self.shared_line_stmts: set[int] = set()  # statements sharing a line (`a; b`)
        self.sole_stmts: set[int] = set()  # the only statement of their block
        self.block_of: dict[int, tuple[list[ast.stmt], int]] = {}  # statement -> (its block, index)
        self.import_stmts: list[ast.stmt] = []

    # -- driver ---------------------------------------------------------------------
    def run(self) -> None:
        self.visit_body(self.tree.body)
        while self._deferred:
            node, parent = self._deferred.pop(0)
            self.visit_function(node, parent)

    def escapes(self) -> list[Escape]:
        consumed: set[int] = set()
        for f in self.findings:
            consumed |= f.consumes
        out = []
        for b in self.bindings:
            for ref in b.references:
                if id(ref) not in consumed:
                    out.append(Escape(b, ref, self.span(ref)))
        return out

    # -- positions ------------------------------------------------------------------
    def span(self, node: ast.AST) -> Span:
        line, end_line = node.lineno, node.end_lineno or node.lineno
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
            return self.module_scope.names.get(name)
        live = True  # code in the scopes walked so far runs now, not later
        while scope is not None:
            if scope.kind != "class" or scope is self.scope:
                if name in scope.history:
                    if live:
                        return scope.names[name]
                    entry = scope.settled(name)
                    if entry is None:
                        # Unknown which one this later-running code sees: none of them may
                        # be renamed or removed.
                        self.ambiguous_refs.extend(scope.candidates(name))
                    return entry
            if scope.kind == "function":
                live = False
            scope = scope.parent
        return None

    def assign_name(self, name: str, entry: Entry) -> None:
        self.names_in_use.add(name)
        scope = self.module_scope if name in self.scope.globals else self.scope
        scope.assign(name, entry)

    # -- statements -----------------------------------------------------------------
    def visit_body(self, body: list[ast.stmt]) -> None:
        if len(body) == 1:
            self.sole_stmts.add(id(body[0]))
        previous: ast.stmt | None = None
        for index, stmt in enumerate(body):
            self.block_of[id(stmt)] = (body, index)
            if previous is not None and previous.end_lineno == stmt.lineno:
                self.shared_line_stmts.update((id(previous), id(stmt)))
            self.visit_stmt(stmt)
            previous = stmt

    def visit_stmt(self, stmt: ast.stmt) -> None:
        outer = self.stmt
        self.stmt = stmt
        try:
            method = getattr(self, "stmt_" + type(stmt).__name__, None)
            if method is not None:
                method(stmt)
            else:
                self.generic_stmt(stmt)
        finally:
            self.stmt = outer

    def generic_stmt(self, stmt: ast.stmt) -> None:
        for name, value in ast.iter_fields(stmt):
            if isinstance(value, ast.expr):
                self.visit(value)
            elif isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    self.visit_body(value)
                else:
                    for item in value:
                        if isinstance(item, ast.expr):
                            self.visit(item)
                        elif isinstance(item, ast.excepthandler):
                            if item.type is not None:
                                self.visit(item.type)
                            if item.name:
                                self.assign_name(item.name, None)
                            self.visit_body(item.body)
                        elif isinstance(item, ast.withitem):
                            self.visit(item.context_expr)
                            if item.optional_vars is not None:
                                self.bind_target(item.optional_vars, None)
                        elif isinstance(item, ast.match_case):
                            self.visit_body(item.body)

    def stmt_For(self, stmt: ast.For) -> None:
        self.visit(stmt.iter)
        self.bind_target(stmt.target, None)
        self.visit_body(stmt.body)
        self.visit_body(stmt.orelse)

    stmt_AsyncFor = stmt_For

    def stmt_Import(self, stmt: ast.Import) -> None:
        self.import_stmts.append(stmt)
        for alias in stmt.names:
            if alias.asname:
                local, target = alias.asname, alias.name
            else:
                local = target = alias.name.split(".")[0]
            self.assign_name(local, ImportRef(target) if alias.name.startswith("azureml") else None)
            if v1_names.is_v1(alias.name):
                self.add_import_finding(alias, alias.name, local)

    def stmt_ImportFrom(self, stmt: ast.ImportFrom) -> None:
        self.import_stmts.append(stmt)
        module = stmt.module or ""
        tracked = stmt.level == 0 and module.startswith("azureml")
        for alias in stmt.names:
            if alias.name == "*":
                if tracked:
                    for name in v1_names.STAR_EXPORTS.get(module, ()):
                        self.assign_name(name, ImportRef(f"{module}.{name}"))
                    if v1_names.is_v1(module):
                        self.add_import_finding(alias, module + ".*", "*")
                continue
            local = alias.asname or alias.name
            if tracked:
                qualified = v1_names.canonical(f"{module}.{alias.name}")
                self.assign_name(local, ImportRef(qualified))
                if v1_names.is_v1(qualified):
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
        self._deferred.append((stmt, self.scope))

    stmt_AsyncFunctionDef = stmt_FunctionDef

    def visit_arguments(self, args: ast.arguments) -> None:
        for d in (*args.defaults, *[d for d in args.kw_defaults if d is not None]):
            self.visit(d)

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

    def stmt_Assign(self, stmt: ast.Assign) -> None:
        value = self.visit(stmt.value)
        if is_string_expr(stmt.value):
            self.string_names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
        created = self.created_binding(stmt.value, value)
        for target in stmt.targets:
            if isinstance(target, ast.Name) and len(stmt.targets) == 1 and created is not None:
                self.bind_new(target.id, created)
            elif isinstance(target, ast.Attribute):
                self.attribute_write(target, stmt)
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
        binding = Binding(name=name, kind=kind, mode=mode, origin=origin, scope=id(scope.node), creator=finding)
        finding.creates = binding
        self.bindings.append(binding)
        self.assign_name(name, binding)

    def attribute_write(self, target: ast.Attribute, stmt: ast.stmt) -> None:
        base = self.visit(target.value, role="chain")
        if isinstance(base, Obj):
            symbol = f"{base.member_symbol}.{target.attr}"
            rule = registry.match("assign", symbol, base.origin)
            self.add_finding(rule or registry.GENERIC, symbol, stmt, stmt, receiver=base)
        elif isinstance(base, Sym) and v1_names.is_v1(base.qualified):
            self.add_finding(registry.GENERIC, f"{base.qualified}.{target.attr}", stmt, stmt, receiver=None)

    # -- expressions ----------------------------------------------------------------
    def visit(self, node: ast.expr | None, role: str = "load") -> Value:
        if node is None:
            return None
        if isinstance(node, ast.Name):
            return self.visit_name(node)
        if isinstance(node, ast.Attribute):
            return self.visit_attribute(node, role)
        if isinstance(node, ast.Call):
            return self.visit_call(node)
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            self.visit_inline_scope(node)
            return None
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.visit(child)
            elif isinstance(child, ast.keyword):
                self.visit(child.value)
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
        self.names_in_use.add(node.id)
        if not isinstance(node.ctx, ast.Load):
            return None
        self.ambiguous_refs = []
        entry = self.lookup(node.id)
        for candidate in self.ambiguous_refs:
            candidate.references.append(node)  # never consumed: an escape
        if isinstance(entry, ImportRef):
            q = entry.qualified
            self.import_refs.setdefault(node.id, []).append((node, id(self.stmt)))
            if v1_names.is_v1(q):
                self.occurrences.append(Occurrence(node, q, self.lines))
            return Sym(q)
        if isinstance(entry, Binding):
            entry.references.append(node)
            return Obj(entry.kind, entry.origin, binding=entry)
        return None

    def visit_attribute(self, node: ast.Attribute, role: str) -> Value:
        base = self.visit(node.value, role="chain")
        if isinstance(base, Sym):
            q = v1_names.canonical(f"{base.qualified}.{node.attr}")
            if v1_names.is_v1(q):
                self.occurrences.append(Occurrence(node, q, self.lines))
                if role == "load" and (v1_names.is_module_attribute(q) or registry.match("attribute", q, None)):
                    rule = registry.match("attribute", q, None) or registry.GENERIC
                    self.add_finding(rule, q, node, self.stmt, receiver=None)
            return Sym(q)
        if isinstance(base, Obj):
            value = Obj(base.kind, base.origin, base.binding, base.finding, (*base.path, node.attr))
            symbol = value.member_symbol
            self.occurrences.append(Occurrence(node, symbol, self.lines))
            if role == "load":
                rule = registry.match("attribute", symbol, base.origin) or registry.GENERIC
                self.add_finding(rule, symbol, node, self.stmt, receiver=base)
            return value
        return None

    def visit_call(self, node: ast.Call) -> Value:
        func = self.visit(node.func, role="func")
        for a in node.args:
            self.visit(a.value if isinstance(a, ast.Starred) else a)
        for k in node.keywords:
            self.visit(k.value)
        if isinstance(func, Sym) and v1_names.is_v1(func.qualified):
            q = func.qualified
            rule = registry.match("call", q, None)
            finding = self.add_finding(rule or registry.GENERIC, q, node, self.stmt, receiver=None)
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
            if rule is not None and rule.creates is not None:
                return Obj(_created_kind(finding), rule.creates.origin, finding=finding)
        return None

    # -- findings -------------------------------------------------------------------
    def add_import_finding(self, alias: ast.alias, qualified: str, local: str) -> None:
        stmt = self.stmt
        assert stmt is not None
        finding = Finding(
            rule=registry.IMPORT,
            symbol=v1_names.canonical(qualified),
            span=self.span(alias),
            node=alias,
            stmt=stmt,
            safety=None,
            message="",
            facts={"local": local},
        )
        finding.message = registry.IMPORT.describe(finding)
        self.findings.append(finding)

    def add_finding(self, rule: Any, symbol: str, node: ast.AST, stmt: ast.stmt | None, receiver: Obj | None) -> Finding:
        assert stmt is not None
        site = Site(self, node, stmt, receiver)
        site.symbol = symbol
        check: Check = rule.check(site)
        finding = Finding(
            rule=rule,
            symbol=symbol,
            span=self.span(node),
            node=node,
            stmt=stmt,
            safety=check.safety,
            message=rule.message.replace("{symbol}", symbol) + (f" ({check.note})" if check.note else ""),
            requires=site.requires + [b for b in check.requires if b not in site.requires],
            requires_findings=site.requires_findings,
            consumes=site.consumes | check.consumes,
            facts=check.facts,
            receiver=receiver.binding if receiver is not None else None,
        )
        for inner in site.absorbed:
            inner.absorbed_by = finding
        # A method call on a binding consumes the receiver name it is called on.
        if receiver is not None and receiver.binding is not None and rule is not registry.GENERIC:
            recv = _receiver_name(node)
            if recv is not None:
                finding.consumes.add(id(recv))
        self.findings.append(finding)
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

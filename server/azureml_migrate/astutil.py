"""Small, side-effect-free helpers over stdlib `ast` nodes."""

from __future__ import annotations

import ast
from typing import Any


_SEQUENCES: dict[type, Any] = {ast.List: list, ast.Tuple: tuple, ast.Set: set}


def literal(expr: ast.expr | None) -> tuple[bool, Any]:
    """(True, value) when `expr` is a literal (constants and containers of them)."""
    if expr is None:
        return False, None
    # The two common cases answered without `ast.literal_eval`, which defines its helper
    # functions on every call and reports a non-literal by raising: checks ask this of
    # most arguments they look at. (literal_eval gives the same answers for both.)
    kind = type(expr)
    if kind is ast.Constant:
        return True, expr.value
    if kind is ast.Name or kind is ast.Attribute:
        return False, None
    make = _SEQUENCES.get(kind)
    if make is not None:  # `["--lr", 0.01]`: one call per item, not literal_eval's closures
        items = []
        for item in expr.elts:  # type: ignore[attr-defined]
            ok, value = literal(item)
            if not ok:
                return False, None
            items.append(value)
        try:
            return True, make(items)
        except TypeError:  # an unhashable item in a set
            return False, None
    try:
        return True, ast.literal_eval(expr)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def walk(node: ast.AST) -> list[ast.AST]:
    """`node` and every node under it, in `ast.walk`'s order (breadth first, fields in
    order), as a list: twice as fast as `ast.walk`'s generators (checks scan whole
    scopes with it, and a notebook is one scope)."""
    nodes = [node]
    AST = ast.AST
    for n in nodes:  # (the list grows while it is read: that is the queue)
        for field in n._fields:
            value = getattr(n, field, None)
            if isinstance(value, AST):
                nodes.append(value)
            elif type(value) is list:
                for item in value:
                    if isinstance(item, AST):
                        nodes.append(item)
    return nodes


# Nodes whose body runs at another time than the statement they are in.
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def names_bound(node: ast.AST) -> list[str]:
    """The names a node binds or declares itself (targets, definitions, imports, handlers, patterns)."""
    kind = type(node)
    if kind is ast.Name:
        return [node.id] if type(node.ctx) is not ast.Load else []  # type: ignore[attr-defined]
    read = _BINDERS.get(kind)  # (one look-up: checks ask this of every node of a scope)
    return read(node) if read is not None else []


_BINDERS: dict[type, Any] = {
    ast.Global: lambda n: list(n.names),
    ast.Nonlocal: lambda n: list(n.names),
    ast.FunctionDef: lambda n: [n.name],
    ast.AsyncFunctionDef: lambda n: [n.name],
    ast.ClassDef: lambda n: [n.name],
    ast.alias: lambda n: [n.asname or n.name.split(".")[0]],
    ast.arg: lambda n: [n.arg],
    ast.ExceptHandler: lambda n: [n.name] if n.name else [],
    ast.MatchAs: lambda n: [n.name] if n.name else [],
    ast.MatchStar: lambda n: [n.name] if n.name else [],
    ast.MatchMapping: lambda n: [n.rest] if n.rest else [],
}


def naming_walk(node: ast.AST) -> list[tuple[ast.AST, list[str]]]:
    """The nodes of `walk(node)` that read, bind or declare a name or define a scope, each
    with the names it binds or declares (a `Name` that is read: none), for the scans of
    whole scopes: `names_bound` inlined, with one look-up per node."""
    Name, Load, binders = ast.Name, ast.Load, _BINDERS
    out: list[tuple[ast.AST, list[str]]] = []
    for n in walk(node):
        kind = type(n)
        if kind is Name:
            out.append((n, [n.id] if type(n.ctx) is not Load else []))  # type: ignore[attr-defined]
            continue
        read = binders.get(kind)
        if read is not None:
            bound = read(n)
            if bound or kind in DEFINITIONS:
                out.append((n, bound))
        elif kind is ast.Lambda:
            out.append((n, []))
    return out


def call_arg(call: ast.Call, position: int | None, keyword: str) -> ast.expr | None:
    """The argument bound to a parameter (by keyword, else by position; not `*args`)."""
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if position is not None and position < len(call.args):
        a = call.args[position]
        if not isinstance(a, ast.Starred):
            return a
    return None


def is_string_expr(expr: ast.expr | None) -> bool:
    """Syntax that certainly produces a str: literals, f-strings, str(), '...'.format()."""
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, str)
    if isinstance(expr, ast.JoinedStr):
        return True
    if isinstance(expr, ast.Call):
        f = expr.func
        if isinstance(f, ast.Name) and f.id in {"str", "repr"}:
            return True
        if isinstance(f, ast.Attribute) and f.attr in {"format", "join", "upper", "lower", "strip"}:
            return isinstance(f.value, (ast.Constant, ast.JoinedStr))
        # numpy's string type (`np.str(x)` in older samples, `np.str_(x)` today)
        if isinstance(f, ast.Attribute) and f.attr in {"str", "str_"} and isinstance(f.value, ast.Name) \
                and f.value.id in {"np", "numpy"}:
            return True
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        return is_string_expr(expr.left)
    return False


def attribute_chain(expr: ast.expr) -> tuple[ast.Name, list[str]] | None:
    """`a.b.c` as its root name and the attributes read from it (`a`, ["b", "c"]); None
    when the root is not a plain name."""
    attrs: list[str] = []
    while isinstance(expr, ast.Attribute):
        attrs.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    attrs.reverse()
    return expr, attrs


def parent_in(stmt: ast.stmt, node: ast.AST) -> ast.AST | None:
    """The node directly around `node` in `stmt`'s own expressions (not its blocks' statements)."""
    todo: list[ast.AST] = [stmt]
    while todo:
        current = todo.pop()
        for child in ast.iter_child_nodes(current):
            if child is node:
                return current
            if not isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
                todo.append(child)
    return None

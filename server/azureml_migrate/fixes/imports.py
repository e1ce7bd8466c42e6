"""The final pass of every fix: add the v2 imports the rewritten code needs, once, and
remove v1 imports nothing uses any more."""

from __future__ import annotations

import ast

import libcst as cst

from ..analysis import v1_names
from ..text import Lines, line_indent


class ImportClash(Exception):
    """A v2 name would shadow a v1 name that is still used."""


def _is_v1_import(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Import):
        return any(v1_names.is_v1(a.name) for a in stmt.names)
    if isinstance(stmt, ast.ImportFrom):
        return stmt.level == 0 and v1_names.is_v1(stmt.module or "")
    return False


def fix_imports(source: str, needed: set[tuple[str, str | None]], remove: set[str]) -> str:
    """`remove`: local names of v1 imports that no code uses once the fix is applied."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:  # a fixer produced bad code: refuse the whole fix
        raise ImportClash(f"the rewritten code does not parse: {exc.msg}") from exc
    lines = Lines(source)
    edits: list[tuple[int, int, str]] = []

    # 1. Remove unused v1 imports (anywhere in the module).
    existing: set[tuple[str, str | None]] = set()
    bound: dict[str, str] = {}  # local name -> what it is bound to by an import
    first_removed: int | None = None
    removed_lines: set[int] = set()
    sole: set[int] = set()
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if isinstance(body, list) and len(body) == 1:
                sole.add(id(body[0]))
    for stmt in ast.walk(tree):
        if not isinstance(stmt, (ast.Import, ast.ImportFrom)):
            continue
        for a in stmt.names:
            if isinstance(stmt, ast.Import):
                local = a.asname or a.name.split(".")[0]
                if a.asname is None:
                    existing.add((a.name, None))
                bound[local] = a.name
            else:
                local = a.asname or a.name
                if a.asname is None and stmt.level == 0:
                    existing.add((stmt.module or "", a.name))
                bound[local] = f"{stmt.module}.{a.name}"
        if not _is_v1_import(stmt):
            continue
        if any(a.name == "*" for a in stmt.names):
            continue  # star imports: left for the user (the import finding says so)
        keep = [a for a in stmt.names if _local(stmt, a) not in remove]
        if len(keep) == len(stmt.names):
            continue
        start = lines.starts[stmt.lineno - 1]
        end_line = stmt.end_lineno or stmt.lineno
        if keep:
            end = lines.line_end(end_line)
            text = source[start:end]
            edits.append((start + len(line_indent(text)), end, _rewrite_import(text.strip(), keep)))
        elif id(stmt) in sole:
            end = lines.line_end(end_line)
            edits.append((start, end, line_indent(lines.line(stmt.lineno)) + "pass"))
        else:
            end = lines.starts[end_line] if end_line < len(lines.starts) else len(source)
            edits.append((start, end, ""))
            if stmt.col_offset == 0:
                removed_lines.add(stmt.lineno)
                if first_removed is None or stmt.lineno < first_removed:
                    first_removed = stmt.lineno

    # 2. Add the v2 imports the fixes asked for.
    missing = sorted({n for n in needed if n not in existing}, key=lambda n: (n[0], n[1] or ""))
    for module, name in missing:
        if name is not None and name in bound and name not in remove and bound[name] != f"{module}.{name}":
            raise ImportClash(f"`{name}` is still used as another name ({bound[name]}); migrate its other uses first")
    if missing:
        block = _import_block(missing)
        if first_removed is not None:
            at = lines.starts[first_removed - 1]
        else:
            at = _insertion_point(tree, lines, source)
            if at == len(source) and source and not source.endswith(("\n", "\r")):
                block = "\n" + block
        edits.append((at, at, block))

    out = []
    pos = 0
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < pos:
            continue
        out.append(source[pos:start])
        out.append(text)
        pos = end
    out.append(source[pos:])
    result = "".join(out)
    if result[:1] in ("\n", "\r") and source[:1] not in ("\n", "\r"):
        result = result.lstrip("\r\n")  # removed imports at the top leave no blank first line
    return result


def _local(stmt: ast.stmt, alias: ast.alias) -> str:
    if alias.asname:
        return alias.asname
    return alias.name if isinstance(stmt, ast.ImportFrom) else alias.name.split(".")[0]


def _rewrite_import(text: str, keep: list[ast.alias]) -> str:
    node = cst.parse_statement(text)
    small = node.body[0]
    names = {a.asname or a.name for a in keep}

    def keep_alias(alias: cst.ImportAlias) -> bool:
        local = alias.asname.name.value if alias.asname else cst.Module(body=[]).code_for_node(alias.name)
        return local in names or (isinstance(small, cst.Import) and local.split(".")[0] in names)

    kept = [a for a in small.names if keep_alias(a)]
    kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    new = small.with_changes(names=kept)
    return cst.Module(body=[]).code_for_node(node.with_changes(body=[new])).rstrip("\n")


def _import_block(missing: list[tuple[str, str | None]]) -> str:
    plain = sorted(m for m, n in missing if n is None)
    grouped: dict[str, list[str]] = {}
    for module, name in missing:
        if name is not None:
            grouped.setdefault(module, []).append(name)
    lines = [f"import {m}" for m in plain]
    lines += [f"from {m} import {', '.join(sorted(set(ns)))}" for m, ns in sorted(grouped.items())]
    return "\n".join(lines) + "\n"


def _insertion_point(tree: ast.Module, lines: Lines, source: str) -> int:
    """After the module docstring, `__future__` imports and the leading import block."""
    line = 0
    for stmt in tree.body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str) and line == 0:
            line = stmt.end_lineno or stmt.lineno
            continue
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            line = stmt.end_lineno or stmt.lineno
            continue
        break
    if line == 0:
        return 0
    return lines.starts[line] if line < len(lines.starts) else len(source)

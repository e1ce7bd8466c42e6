"""The final pass of every fix: add the v2 imports the rewritten code needs, once, and
remove v1 imports nothing uses any more.

It works on the original text and its `ast` (import statements are never inside the
statements a fix rewrites, which `apply` checks), so a fix never re-parses the file.
"""

from __future__ import annotations

import ast

from ..analysis import v1_names
from ..text import Lines, line_indent, newline_of
from .lazy import cst

Edit = tuple[int, int, str]


class ImportClash(Exception):
    """A v2 name would shadow a name that is still used."""


def _is_v1_import(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Import):
        return any(v1_names.is_v1(a.name) for a in stmt.names)
    if isinstance(stmt, ast.ImportFrom):
        return stmt.level == 0 and v1_names.is_v1(stmt.module or "")
    return False


def _local(stmt: ast.stmt, alias: ast.alias) -> str:
    if alias.asname:
        return alias.asname
    return alias.name if isinstance(stmt, ast.ImportFrom) else alias.name.split(".")[0]


def import_edits(
    source: str,
    lines: Lines,
    tree: ast.Module,
    import_stmts: list[ast.stmt],
    block_of: dict[int, tuple[list[ast.stmt], int]],
    needed: set[tuple[str, str | None]],
    remove: set[str],
) -> list[Edit]:
    """Edits (on the original text) that remove the `remove` v1 imports and add `needed`."""
    edits: list[Edit] = []
    existing: set[tuple[str, str | None]] = set()
    bound: dict[str, str] = {}  # local name -> what an import binds it to
    first_removed: int | None = None
    for stmt in import_stmts:
        for a in stmt.names:  # type: ignore[attr-defined]
            if isinstance(stmt, ast.Import):
                if a.asname is None:
                    existing.add((a.name, None))
                bound[_local(stmt, a)] = a.name
            else:
                if a.asname is None and stmt.level == 0:
                    existing.add((stmt.module or "", a.name))
                bound[_local(stmt, a)] = f"{stmt.module}.{a.name}"
        if not _is_v1_import(stmt) or any(a.name == "*" for a in stmt.names):  # type: ignore[attr-defined]
            continue  # star imports are left for the user (their finding says so)
        keep = [a for a in stmt.names if _local(stmt, a) not in remove]  # type: ignore[attr-defined]
        if len(keep) == len(stmt.names):  # type: ignore[attr-defined]
            continue
        start = lines.starts[stmt.lineno - 1]
        end_line = stmt.end_lineno or stmt.lineno
        block, _ = block_of.get(id(stmt), ([], 0))
        if keep:
            end = lines.line_end(end_line)
            text = source[start:end]
            edits.append((start + len(line_indent(text)), end, _rewrite_import(text.strip(), keep)))
        elif len(block) == 1:
            edits.append((start, lines.line_end(end_line), line_indent(lines.line(stmt.lineno)) + "pass"))
        else:
            end = lines.starts[end_line] if end_line < len(lines.starts) else len(source)
            edits.append((start, end, ""))
            if stmt.col_offset == 0 and (first_removed is None or stmt.lineno < first_removed):
                first_removed = stmt.lineno

    missing = sorted({n for n in needed if n not in existing}, key=lambda n: (n[0], n[1] or ""))
    for module, name in missing:
        if name is not None and name in bound and name not in remove and bound[name] != f"{module}.{name}":
            raise ImportClash(f"`{name}` is still used as another name ({bound[name]}); migrate its other uses first")
    if missing:
        newline = newline_of(source)
        block_text = _import_block(missing).replace("\n", newline)
        if first_removed is not None and first_removed <= _first_code_line(tree):
            at = lines.starts[first_removed - 1]  # where the v1 imports were, in the leading imports
        else:  # (a v1 import further down may come after the first use of what is added)
            at = _insertion_point(tree, lines, source)
            if at == len(source) and source and not source.endswith(("\n", "\r")):
                block_text = newline + block_text
        edits.append((at, at, block_text))
    return edits


def _rewrite_import(text: str, keep: list[ast.alias]) -> str:
    node = cst.parse_statement(text)
    small = node.body[0]
    names = {a.asname or a.name for a in keep}

    def keep_alias(alias) -> bool:
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
    out = [f"import {m}" for m in plain]
    out += [f"from {m} import {', '.join(sorted(set(ns)))}" for m, ns in sorted(grouped.items())]
    return "\n".join(out) + "\n"


def _first_code_line(tree: ast.Module) -> int:
    """The first line of the first top-level statement that is not a docstring, an import or `pass`."""
    for index, stmt in enumerate(tree.body):
        docstring = index == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) \
            and isinstance(stmt.value.value, str)
        # (`pass` also stands for a masked notebook magic such as `%pip install ...`.)
        if not docstring and not isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Pass)):
            return stmt.lineno
    return 1 << 30


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

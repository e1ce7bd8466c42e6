"""Jupyter notebooks as Python modules, and back.

The code cells of a notebook run in one namespace, so they are analysed as one module
(imports in one cell resolve three cells later). Each cell is preceded by a marker
comment, so findings map back to (cell, line) and fixed text splits back into cells.
IPython magics and shell escapes are masked with `pass` placeholders that carry their
index and are put back after fixing. `%%writefile x.py` cells are separate programs (the
training script written from the notebook) and are analysed as modules of their own.
Only edited cells change when the notebook is written back; the file keeps its JSON
layout byte for byte (the layout is detected, and a notebook whose layout cannot be
reproduced is not written).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

CELL_MARK = "# azureml-migrate:cell {index}"
_CELL_RE = re.compile(r"^# azureml-migrate:cell (\d+)$")
_MAGIC_RE = re.compile(r"^(\s*)pass  # azureml-migrate:magic (\d+)$")
# Cell magics whose body is Python.
_PYTHON_CELL_MAGICS = {"capture", "time", "timeit", "prun", "debug", "writefile"}


class NotebookError(Exception):
    """The file is not a notebook this tool can read or write back faithfully."""


@dataclass
class Program:
    """Python text built from one or more cells, with the way back to them."""

    text: str
    cells: list[int]  # notebook cell indexes (0-based) in this program, in order
    # virtual line (1-based) -> (cell index, line in cell, 1-based)
    line_map: dict[int, tuple[int, int]] = field(default_factory=dict)
    magics: list[str] = field(default_factory=list)  # original masked lines
    ends_with_newline: set[int] = field(default_factory=set)  # cells whose source ended with "\n"

    def locate(self, line: int) -> tuple[int, int] | None:
        return self.line_map.get(line)

    def nearest_cell(self, line: int) -> int | None:
        """The cell at or before a virtual line (syntax errors can point past a cell's end)."""
        for candidate in range(line, 0, -1):
            if candidate in self.line_map:
                return self.line_map[candidate][0]
        return self.cells[0] if self.cells else None

    def split(self, new_text: str) -> dict[int, str]:
        """New source of each cell of this program, from fixed text."""
        out: dict[int, list[str]] = {}
        before_first: list[str] = []  # imports a fix placed at the very top
        current: int | None = None
        for line in new_text.splitlines(keepends=True):
            m = _CELL_RE.match(line.rstrip("\r\n"))
            if m:
                current = int(m.group(1))
                out[current] = []
                continue
            magic = _MAGIC_RE.match(line.rstrip("\r\n"))
            if magic:
                line = self.magics[int(magic.group(2))] + ("\n" if line.endswith("\n") else "")
            (before_first if current is None else out[current]).append(line)
        if before_first:
            first = out.setdefault(self.cells[0], [])
            # After a cell magic line (%%writefile must stay first), else at the top.
            at = 1 if first and first[0].lstrip().startswith("%%") else 0
            first[at:at] = before_first
        result = {}
        for index, lines in out.items():
            text = "".join(lines)
            text = text[:-1] if text.endswith("\n") else text  # the line break the program added
            # A cell keeps its own last line break ("\r\n" cells included: their "\r" is kept).
            result[index] = text + "\n" if index in self.ends_with_newline else text
        return result


@dataclass
class Notebook:
    raw: str
    data: dict[str, Any]
    layout: dict[str, Any]

    @property
    def cells(self) -> list[dict[str, Any]]:
        return self.data.get("cells", [])

    def source(self, index: int) -> str:
        src = self.cells[index].get("source", "")
        return "".join(src) if isinstance(src, list) else str(src)

    def code_sources(self) -> list[str | None]:
        """Each cell's source, None for cells that are not code (see `analyze_cells`)."""
        return [self.source(i) if c.get("cell_type") == "code" else None for i, c in enumerate(self.cells)]

    def with_sources(self, sources: dict[int, str]) -> str:
        """The notebook text with these cells' sources replaced; everything else as read."""
        for index, text in sources.items():
            cell = self.cells[index]
            lines = text.splitlines(keepends=True)
            cell["source"] = lines if isinstance(cell.get("source"), list) else text
        return dump(self.data, self.layout)


def programs_for(sources: list[str | None]) -> list[Program]:
    """Programs for cells given in order (None for a non-code cell); cell indexes are positions."""
    main = _Builder()
    separate: list[Program] = []
    for index, text in enumerate(sources):
        if text is None:
            continue
        first = text.split("\n", 1)[0].strip()
        if first.startswith("%%"):
            magic = first[2:].split()[0] if len(first) > 2 else ""
            if magic == "writefile":
                target = first.split()[-1] if len(first.split()) > 1 else ""
                if target.endswith(".py"):
                    b = _Builder()
                    b.add(index, text, skip_first=True)
                    separate.append(b.program())
                continue
            if magic not in _PYTHON_CELL_MAGICS:
                continue  # %%bash, %%html, ...: not Python
            main.add(index, text, skip_first=True)
            continue
        main.add(index, text)
    programs = [main.program()] if main.cells else []
    return programs + separate


def analyze_cells(sources: list[str | None], analyze, settings) -> tuple[list[tuple[Program, Any]], dict[int, str]]:
    """Programs and their analyses; a cell that does not parse is left out (cell -> why),
    so one broken cell does not hide the rest of the notebook."""
    skipped: dict[int, str] = {}
    for _ in range(len(sources) + 1):
        results = []
        retry = False
        for program in programs_for([None if i in skipped else s for i, s in enumerate(sources)]):
            analysis = analyze(program.text, settings)
            if analysis.syntax_error:
                cell = program.nearest_cell(analysis.syntax_error_span.line if analysis.syntax_error_span else 0)
                if cell is not None and cell not in skipped:
                    skipped[cell] = analysis.syntax_error.split(" (line")[0]
                    retry = True
                    break
                continue
            results.append((program, analysis))
        if not retry:
            return results, skipped
    return [], skipped


class _Builder:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cells: list[int] = []
        self.line_map: dict[int, tuple[int, int]] = {}
        self.magics: list[str] = []
        self.ends_with_newline: set[int] = set()

    def add(self, index: int, text: str, skip_first: bool = False) -> None:
        self.cells.append(index)
        if text.endswith("\n"):
            self.ends_with_newline.add(index)
        self.lines.append(CELL_MARK.format(index=index))
        cell_lines = text.split("\n")
        if text.endswith("\n"):
            cell_lines = cell_lines[:-1]
        for number, line in enumerate(cell_lines, start=1):
            self.line_map[len(self.lines) + 1] = (index, number)
            self.lines.append(_mask(line, self.magics, force=skip_first and number == 1))

    def program(self) -> Program:
        return Program("\n".join(self.lines) + "\n", self.cells, self.line_map, self.magics, self.ends_with_newline)


def _mask(line: str, magics: list[str], force: bool = False) -> str:
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    is_magic = stripped.startswith(("%", "!", "?")) or (stripped.endswith("?") and not stripped.startswith("#"))
    assigned = re.match(r"^[A-Za-z_][\w.]*\s*=\s*[!%]", stripped)
    if force or is_magic or assigned:
        magics.append(line)
        return f"{indent}pass  # azureml-migrate:magic {len(magics) - 1}"
    return line


# -- reading and writing with the file's own layout -------------------------------------

_LAYOUTS = [
    {"indent": 1, "sort_keys": True, "ensure_ascii": False},
    {"indent": 1, "sort_keys": False, "ensure_ascii": False},
    {"indent": 2, "sort_keys": True, "ensure_ascii": False},
    {"indent": 2, "sort_keys": False, "ensure_ascii": False},
    {"indent": 1, "sort_keys": True, "ensure_ascii": True},
    {"indent": 2, "sort_keys": False, "ensure_ascii": True},
    {"indent": 4, "sort_keys": False, "ensure_ascii": False},
]


def dump(data: dict[str, Any], layout: dict[str, Any]) -> str:
    text = json.dumps(data, indent=layout["indent"], sort_keys=layout["sort_keys"],
                      ensure_ascii=layout["ensure_ascii"])
    return text + layout["trailer"]


def load(raw: str) -> Notebook:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    except RecursionError as exc:
        raise NotebookError("not a Jupyter notebook (JSON nested too deeply)") from exc
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError("not a Jupyter notebook (no cells)")
    nbformat = data.get("nbformat", 4)
    if not isinstance(nbformat, int) or isinstance(nbformat, bool):
        raise NotebookError(f"not a Jupyter notebook (nbformat {nbformat!r})")
    if nbformat < 4:
        raise NotebookError(f"nbformat {data.get('nbformat')} is not supported (convert to nbformat 4)")
    problem = _shape_problem(data)
    if problem:
        raise NotebookError(f"not a valid notebook ({problem})")
    trailer = raw[len(raw.rstrip()):]
    layout = None
    for candidate in _LAYOUTS:
        cand = {**candidate, "trailer": trailer}
        if dump(data, cand) == raw:
            layout = cand
            break
    return Notebook(raw, data, layout or {})


def _shape_problem(data: dict[str, Any]) -> str | None:
    """What makes this JSON something other than a notebook this module can read, if anything."""
    meta = data.get("metadata", {})
    if not isinstance(meta, dict):
        return "metadata is not an object"
    for key in ("kernelspec", "language_info"):
        if not isinstance(meta.get(key) or {}, dict):
            return f"metadata.{key} is not an object"
    for number, cell in enumerate(data["cells"], start=1):
        if not isinstance(cell, dict):
            return f"cell {number} is not an object"
        src = cell.get("source", "")
        if not (isinstance(src, str) or isinstance(src, list) and all(isinstance(s, str) for s in src)):
            return f"cell {number}: source is not text"
    return None


def is_python(nb: Notebook) -> bool:
    meta = nb.data.get("metadata", {})
    lang = (meta.get("kernelspec", {}) or {}).get("language") or (meta.get("language_info", {}) or {}).get("name")
    return lang in (None, "python")

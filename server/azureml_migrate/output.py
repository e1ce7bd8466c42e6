"""CLI output: text, JSON and SARIF 2.1.0, all from the same finding records."""

from __future__ import annotations

from types import SimpleNamespace

from . import __version__
from .analysis.model import Finding, Span
from .rules.registry import BY_CODE

HOMEPAGE = "https://github.com/azureml-migrate/azureml-migrate"


class Record:
    """A finding as reported for one file (for notebooks: in its cell's own lines)."""

    __slots__ = ("path", "finding", "cell", "span")

    def __init__(self, path: str, finding: Finding, cell: int | None = None, span: Span | None = None) -> None:
        self.path = path
        self.finding = finding
        self.cell = cell  # 1-based among all cells, for notebooks
        self.span = span  # cell-relative, for notebooks

    @property
    def where(self) -> Span:
        return self.span or self.finding.span

    def as_json(self) -> dict:
        f = self.finding
        s = self.where
        out = {
            "path": self.path,
            "line": s.line,
            "column": s.col + 1,
            "end_line": s.end_line,
            "end_column": s.end_col + 1,
            "code": f.code,
            "symbol": f.symbol,
            "message": f.message,
            "fix": f.fix_safety,
            "url": f.rule.url,
        }
        if f.blocked:
            out["fix_blocked"] = f.blocked
        if self.cell is not None:
            out["cell"] = self.cell
        return out


class Row(Record):
    """A record rebuilt from its JSON form (what worker processes send back)."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.path = data["path"]
        self.cell = data.get("cell")
        self.span = Span(data["line"], data["column"] - 1, data["end_line"], data["end_column"] - 1)
        self.finding = SimpleNamespace(  # type: ignore[assignment]
            code=data["code"], symbol=data["symbol"], message=data["message"], fix_safety=data["fix"],
            rule=BY_CODE[data["code"]], blocked=data.get("fix_blocked"),
        )

    def as_json(self) -> dict:
        return self.data


def text(records: list[Record]) -> str:
    lines = []
    for r in records:
        f = r.finding
        where = f"{r.path}:cell {r.cell}:" if r.cell is not None else f"{r.path}:"
        mark = {"safe": " [*]", "unsafe": " [unsafe fix]"}.get(f.fix_safety or "", "")
        lines.append(f"{where}{r.where.line}:{r.where.col + 1}: {f.code} {f.message}{mark}")
    return "\n".join(lines)


def summary(records: list[Record]) -> str:
    if not records:
        return "No SDK v1 code found."
    safe = sum(1 for r in records if r.finding.fix_safety == "safe")
    unsafe = sum(1 for r in records if r.finding.fix_safety == "unsafe")
    manual = len(records) - safe - unsafe
    parts = [f"Found {len(records)} SDK v1 finding{'s' if len(records) != 1 else ''}"]
    parts.append(f"{safe} fixable with `azureml-migrate fix`")
    if unsafe:
        parts.append(f"{unsafe} more with `--unsafe-fixes`")
    if manual:
        parts.append(f"{manual} need a manual migration")
    return parts[0] + ": " + ", ".join(parts[1:]) + "."


def as_json(records: list[Record]) -> str:
    import json

    return json.dumps([r.as_json() for r in records], indent=2)


def sarif(records: list[Record]) -> str:
    codes = sorted({r.finding.code for r in records})
    rules = []
    for code in codes:
        rule = BY_CODE[code]
        docs = rule.doc_sections()
        rules.append(
            {
                "id": code,
                "name": rule.name,
                "shortDescription": {"text": docs.get("summary", rule.name)},
                "fullDescription": {"text": docs.get("migration", "")},
                "helpUri": rule.url,
                "properties": {"tags": ["azureml-sdk-v1", "deprecated"]},
            }
        )
    index = {code: i for i, code in enumerate(codes)}
    results = []
    for r in records:
        f = r.finding
        results.append(
            {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": "note" if f.rule.severity == "information" else "warning",
                "message": {"text": f.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": r.path.replace("\\", "/")},
                            "region": {
                                "startLine": r.where.line,
                                "startColumn": r.where.col + 1,
                                "endLine": r.where.end_line,
                                "endColumn": r.where.end_col + 1,
                            },
                        }
                    }
                ],
                "properties": {"symbol": f.symbol, "fix": f.fix_safety, **({"cell": r.cell} if r.cell else {})},
            }
        )
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "azureml-migrate",
                        "version": __version__,
                        "informationUri": HOMEPAGE,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    import json

    return json.dumps(doc, indent=2)

"""A migration report in Markdown: what was found, what a fix would do, what needs a person."""

from __future__ import annotations

from collections import Counter

from .analysis.model import Analysis


def markdown_for(files: list[tuple[str, Analysis]]) -> str:
    lines = ["# Azure ML SDK v1 → v2 migration report", ""]
    total = Counter()
    for path, analysis in files:
        for f in analysis.visible:
            total[f.fix_safety or "manual"] += 1
    n = sum(total.values())
    lines.append(
        f"{n} finding(s): {total['safe']} with a safe fix, {total['unsafe']} with an unsafe fix, "
        f"{total['manual']} to migrate by hand."
    )
    for path, analysis in files:
        lines += ["", f"## {path}", ""]
        if analysis.syntax_error:
            lines.append(f"Not analysed: {analysis.syntax_error}.")
            continue
        if not analysis.visible:
            lines.append("No SDK v1 code.")
            continue
        lines += ["| line | rule | v1 | fix | note |", "|---:|---|---|---|---|"]
        for f in analysis.visible:
            fix = f.fix_safety or "manual"
            note = (f.blocked or "").replace("|", "\\|")
            lines.append(f"| {f.span.line} | [{f.code}]({f.rule.url}) | `{f.symbol}` | {fix} | {note} |")
    return "\n".join(lines) + "\n"

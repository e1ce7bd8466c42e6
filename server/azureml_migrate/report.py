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
    by_rule: dict[str, Counter] = {}
    rules = {}
    for _, analysis in files:
        for f in analysis.visible:
            by_rule.setdefault(f.code, Counter())[f.fix_safety or "manual"] += 1
            rules[f.code] = f.rule
    if by_rule:
        lines += ["", "## By rule", "", "| rule | what | found | safe fix | unsafe fix | by hand |",
                  "|---|---|---:|---:|---:|---:|"]
        for code in sorted(by_rule):
            c, rule = by_rule[code], rules[code]
            lines.append(f"| [{code}]({rule.url}) {rule.name} | `{rule.v2}` | {sum(c.values())} | {c['safe']} | "
                         f"{c['unsafe']} | {c['manual']} |")
        lines += ["", "*Safe* fixes keep the program's meaning (`azureml-migrate fix`); *unsafe* ones change "
                  "behaviour in a way the finding describes (`--unsafe-fixes`); *by hand* findings explain what to "
                  "do in their message and in the linked guide."]
    lines += ["", "## By file"]
    for path, analysis in files:
        lines += ["", f"### {path}", ""]
        if analysis.syntax_error:
            lines.append(f"Not analysed: {analysis.syntax_error}.")
            continue
        if not analysis.visible:
            lines.append("No SDK v1 code.")
            continue
        lines += ["| line | rule | v1 | fix | what to do |", "|---:|---|---|---|---|"]
        for f in analysis.visible:
            fix = f.fix_safety or "by hand"
            note = (f.message + (f". Held back: {f.blocked}" if f.blocked else "")).replace("|", "\\|")
            lines.append(f"| {f.span.line} | [{f.code}]({f.rule.url}) | `{f.symbol}` | {fix} | {note} |")
    return "\n".join(lines) + "\n"

"""Documentation generated from the rule catalog (the README table, `azureml-migrate rules`)."""

from __future__ import annotations

from .rules.registry import ALL

_FIX = {"safe": "safe", "unsafe": "unsafe", None: "manual"}


def rules_table() -> str:
    rows = ["| Code | Name | SDK v1 | SDK v2 | Fix |", "|---|---|---|---|---|"]
    for rule in ALL:
        v1 = ", ".join(f"`{s.replace('azureml.core.', '')}`" for s in rule.symbols) or "imports from v1 packages"
        if rule.code == "AML004":
            v1 = "any other v1 API"
        fix = _FIX[rule.safety] + (" (grouped)" if rule.creates is not None and rule.safety else "")
        rows.append(f"| {rule.code} | {rule.name} | {v1} | `{rule.v2}` | {fix} |")
    return "\n".join(rows)

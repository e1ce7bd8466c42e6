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


# Rule modules in catalog order, with the domain each covers.
DOMAINS = {
    "general": "General (imports, version, any other v1 API)",
    "workspace": "Workspace, authentication, Key Vault",
    "jobs": "Experiments, script runs, run control",
    "environments": "Environments",
    "compute": "Compute",
    "data": "Datastores and data",
    "run_logging": "Logging inside scripts (MLflow)",
    "models": "Models and deployment",
    "sweep": "HyperDrive -> sweep",
    "pipelines": "Pipelines",
    "parallel": "Parallel run",
    "automl": "AutoML",
    "distributed": "Distributed training",
}


def coverage_table() -> str:
    """Per domain: rules, v1 APIs they match, and how many rules fix safely, unsafely or not."""
    rows = ["| Domain | Codes | Rules | v1 APIs matched | Safe fix | Unsafe fix | Manual (guidance + TODO action) |",
            "|---|---|---|---|---|---|---|"]
    totals = [0, 0, 0, 0, 0]
    for module, title in DOMAINS.items():
        rules = [r for r in ALL if type(r).__module__.rsplit(".", 1)[1] == module]
        codes = sorted(r.code for r in rules)
        counts = [len(rules), sum(len(r.symbols) for r in rules),
                  sum(r.safety == "safe" for r in rules), sum(r.safety == "unsafe" for r in rules),
                  sum(r.safety is None for r in rules)]
        totals = [a + b for a, b in zip(totals, counts)]
        span = f"{codes[0]}-{codes[-1]}" if len(codes) > 1 else codes[0]
        rows.append(f"| {title} | {span} | " + " | ".join(map(str, counts)) + " |")
    rows.append("| **All** | | " + " | ".join(f"**{n}**" for n in totals) + " |")
    return "\n".join(rows)

"""The rule catalog: every rule, indexed by what it matches.

Rule codes: AML0xx general, AML1xx workspace and authentication, AML2xx experiments and
jobs, AML3xx environments, AML4xx compute, AML5xx data, AML6xx models and endpoints,
AML7xx in-script logging (MLflow), AML8xx sweep, pipelines and parallel, AML9xx AutoML
and distributed training.  Codes never change meaning once released.
"""

from __future__ import annotations

from . import (
    automl, compute, data, distributed, environments, general, jobs, models, parallel, pipelines, run_logging, sweep,
    workspace,
)
from ..analysis import v1_names
from .base import Rule

_MODULES = (general, workspace, jobs, environments, compute, data, run_logging, models, sweep, pipelines, parallel,
            automl, distributed)

ALL: list[Rule] = [cls() for module in _MODULES for cls in module.RULES]
BY_CODE: dict[str, Rule] = {r.code: r for r in ALL}
assert len(BY_CODE) == len(ALL), "duplicate rule code"

_INDEX: dict[tuple[str, str, str | None], Rule] = {}
for _rule in ALL:
    for _symbol in _rule.symbols:
        key = (_rule.on, _symbol, _rule.origin)
        assert key not in _INDEX, f"two rules match {key}"
        _INDEX[key] = _rule

IMPORT = BY_CODE["AML001"]
GENERIC = BY_CODE["AML004"]


def match(on: str, symbol: str, origin: str | None) -> Rule | None:
    """The rule for `symbol` used as `on`; origin-specific rules win over general ones,
    and a subclass's member falls back to its base class's rule."""
    if origin is not None:
        rule = _INDEX.get((on, symbol, origin))
        if rule is not None:
            return rule
    rule = _INDEX.get((on, symbol, None))
    if rule is None:
        owner, _, member = symbol.rpartition(".")
        base = v1_names.BASES.get(owner)
        if base is not None:
            return match(on, f"{base}.{member}", origin)
    return rule

"""Engine helpers shared by rule tests: findings of one code, and a checked whole-file migration."""

from __future__ import annotations

import ast

from azureml_migrate.config import DEFAULT
from azureml_migrate.engine import analyze, fix_all


def findings(source: str, code: str):
    return [f for f in analyze(source).visible if f.code == code]


def migrate(source: str, unsafe: bool = True) -> str:
    """The migrated text; it must have no fix problems, parse, and settle (a second pass changes nothing)."""
    out, problems = fix_all(analyze(source), DEFAULT, unsafe)
    assert problems == []
    ast.parse(out)
    assert fix_all(analyze(out), DEFAULT, unsafe)[0] == out, "a second pass must change nothing"
    return out

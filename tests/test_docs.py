"""The README's generated sections match the code, and every rule is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from azureml_migrate.docs import DOMAINS, coverage_table, rules_table
from azureml_migrate.rules.registry import ALL

README = Path(__file__).resolve().parent.parent / "README.md"


def section(name: str) -> str:
    m = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", README.read_text(), re.S)
    assert m, f"README lacks the {name} markers"
    return m.group(1).strip()


def test_readme_rules_table_is_generated_from_the_catalog():
    assert section("rules-table") == rules_table(), "regenerate with: azureml-migrate rules"


def test_readme_coverage_table_is_generated_from_the_catalog():
    assert section("coverage") == coverage_table(), "regenerate with: azureml-migrate rules --coverage"
    # every rule module is a row: a new domain cannot be left out of the table
    modules = {type(r).__module__.rsplit(".", 1)[1] for r in ALL}
    assert modules == set(DOMAINS)


@pytest.mark.parametrize("rule", ALL, ids=lambda r: r.code)
def test_rule_documentation(rule):
    docs = rule.doc_sections()
    assert docs["summary"], "a one-line summary"
    assert docs.get("migration"), "a ## Migration section"
    assert docs.get("fix safety"), "a ## Fix safety section"
    assert rule.url.startswith("https://learn.microsoft.com/")
    assert re.fullmatch(r"AML\d{3}", rule.code)
    assert rule.message and rule.v2

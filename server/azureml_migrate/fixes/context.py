"""What a rule's `fix` can ask for while it rewrites one occurrence."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .lazy import cst

from ..analysis.model import Binding, Finding
from ..config import Settings
from ..text import Lines


@dataclass
class FixContext:
    settings: Settings
    names_in_use: set[str]
    lines: Lines
    finding: Finding | None = None
    # (module, name) pairs to import: name None means `import module`.
    imports: set[tuple[str, str | None]] = field(default_factory=set)
    copying: bool = False  # building a moved copy of a statement (see rewrite.moved_statement)
    applying: list[Finding] = field(default_factory=list)  # every finding this fix applies
    newline: str = "\n"  # the document's line ending, for lines a fix adds

    # -- imports ---------------------------------------------------------------------
    def need(self, module: str, name: str | None = None) -> str:
        """Ask for an import; returns the expression to use (`MLClient`, `mlflow`)."""
        self.imports.add((module, name))
        return name if name is not None else module

    def mlflow(self, function: str) -> cst.BaseExpression:
        return cst.parse_expression(f"{self.need('mlflow')}.{function}")

    # -- names chosen by planning ---------------------------------------------------
    def name_of(self, binding: Binding) -> str:
        return binding.new_name or binding.name

    def client(self) -> str:
        """The MLClient variable this occurrence talks to (from the workspace it came from)."""
        ws = self.finding.facts.get("workspace") if self.finding else None
        if isinstance(ws, Binding):
            return self.name_of(ws)
        raise LookupError("no workspace binding recorded for this finding")

    def credential(self) -> cst.BaseExpression:
        module, _, name = self.settings.credential.rpartition(".")
        self.need(module, name)
        return cst.parse_expression(f"{name}()")

    def default_image(self) -> cst.BaseExpression:
        return cst.SimpleString(json.dumps(self.settings.default_image))  # a valid double-quoted literal

    def fresh(self, *candidates: str) -> str:
        """The first candidate name not used anywhere in the module."""
        for name in candidates:
            if name not in self.names_in_use:
                self.names_in_use.add(name)
                return name
        base = candidates[0]
        i = 2
        while f"{base}_{i}" in self.names_in_use:
            i += 1
        self.names_in_use.add(f"{base}_{i}")
        return f"{base}_{i}"

"""Plain data produced by analysis and consumed by fixes, the CLI and the server."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from ..rules.base import Rule


class Span(NamedTuple):
    """A source range: 1-based lines, 0-based columns counted in code points.

    (A named tuple: immutable and ordered by its fields like a frozen dataclass, and a
    third of the cost to make; one is made for every finding and import use.)
    """

    line: int
    col: int
    end_line: int
    end_col: int

    def contains(self, other: Span) -> bool:
        return (self.line, self.col) <= (other.line, other.col) and (other.end_line, other.end_col) <= (
            self.end_line,
            self.end_col,
        )

    def contains_point(self, line: int, col: int) -> bool:
        return (self.line, self.col) <= (line, col) <= (self.end_line, self.end_col)


@dataclass(eq=False)
class Binding:
    """A variable that holds a v1 object (`ws`, `run`, `config`, ...)."""

    name: str
    kind: str  # public v1 class, e.g. "azureml.core.Workspace"
    mode: str  # "preserve" | "rename" | "delete"  (see rules.base.BindingSpec)
    origin: str | None
    scope: int  # id of the scope node
    creator: Finding | None = None
    references: list[ast.Name] = field(default_factory=list)
    new_name: str | None = None  # chosen by planning for "rename" bindings
    # Created while walking the module's own statements (not a function body): visible
    # to every function, so its uses tie the functions' findings together.
    in_module_pass: bool = False

    def __repr__(self) -> str:
        return f"Binding({self.name}: {self.kind})"


@dataclass(eq=False)
class Finding:
    rule: Rule
    symbol: str
    span: Span
    node: ast.AST
    stmt: ast.stmt
    safety: str | None
    message: str
    requires: list[Binding] = field(default_factory=list)
    requires_findings: list[Finding] = field(default_factory=list)  # inline v1 calls it embeds
    consumes: set[int] = field(default_factory=set)
    facts: dict[str, Any] = field(default_factory=dict)
    receiver: Binding | None = None  # the binding a method call / attribute use is on
    creates: Binding | None = None
    absorbed_by: Finding | None = None  # an inner call the outer fix rewrites itself
    suppressed: bool = False
    # Filled by planning:
    closure: list[Finding] = field(default_factory=list)
    blocked: str | None = None  # why no fix is offered although the rule has one
    # (safety, message, facts) as the walk left them, for findings that planning runs on
    # again when an edit elsewhere is analysed incrementally (see analysis/incremental.py).
    walked: tuple[str | None, str, dict[str, Any]] | None = field(default=None, repr=False)

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def fixable(self) -> bool:
        return self.safety is not None and self.blocked is None

    @property
    def fix_safety(self) -> str | None:
        """Safety of the fix actually offered (the worst over the group it pulls in)."""
        if not self.fixable:
            return None
        if any(f.safety == "unsafe" for f in self.closure):
            return "unsafe"
        return "safe"

    def __repr__(self) -> str:
        return f"Finding({self.code} {self.symbol} @{self.span.line}:{self.span.col})"


@dataclass
class Escape:
    """A use of a v1 binding that no rule rewrites (`print(ws)`, `helper(run)`)."""

    binding: Binding
    node: ast.Name
    span: Span
    inside: Finding | None = None  # the v1 call it is passed to, if any (set by planning)


@dataclass
class Occurrence:
    """Any resolved v1 name in the text, for hover (findings or not).

    The span is computed on demand: hovers are rare, names are many.
    """

    node: ast.AST
    symbol: str
    lines: Any

    @property
    def span(self) -> Span:
        n, lines = self.node, self.lines
        end = n.end_lineno or n.lineno
        return Span(n.lineno, lines.char_col(n.lineno, n.col_offset), end, lines.char_col(end, n.end_col_offset or 0))


@dataclass
class Analysis:
    source: str
    findings: list[Finding]
    occurrences: list[Occurrence]
    escapes: list[Escape]
    bindings: list[Binding]
    tree: ast.Module | None
    syntax_error: str | None = None
    syntax_error_span: Span | None = None
    too_large: bool = False  # not analysed because of its size (see engine.MAX_BYTES)
    names_in_use: set[str] = field(default_factory=set)
    block_of: dict[int, tuple[list[ast.stmt], int]] = field(default_factory=dict)
    import_stmts: list[ast.stmt] = field(default_factory=list)  # every import statement, in order
    unused_suppressions: list[Any] = field(default_factory=list)  # ignore comments that silence nothing
    # v1 import name -> its uses: (span, id of the enclosing statement)
    import_refs: dict[str, list[tuple[Span, int]]] = field(default_factory=dict)
    # What re-analysing the next version of the text reuses (analysis/incremental.py).
    incremental: Any = field(default=None, repr=False, compare=False)

    @property
    def visible(self) -> list[Finding]:
        """Findings that are reported (not suppressed, not folded into an outer call)."""
        return [f for f in self.findings if not f.suppressed and f.absorbed_by is None]

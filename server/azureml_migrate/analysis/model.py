"""Plain data produced by analysis and consumed by fixes, the CLI and the server."""

from __future__ import annotations

import ast
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


# Plain classes, not dataclasses: the command line imports this on every run, and making
# a dataclass (plus importing `dataclasses`, which imports `inspect`) cost a fifth of
# `azureml-migrate check` on a 2,000-line file before any analysis.


class Binding:
    """A variable that holds a v1 object (`ws`, `run`, `config`, ...)."""

    __slots__ = ("name", "kind", "mode", "origin", "scope", "creator", "references", "new_name", "in_module_pass")

    def __init__(self, name: str, kind: str, mode: str, origin: str | None, scope: int,
                 creator: Finding | None = None, references: list[ast.Name] | None = None,
                 new_name: str | None = None, in_module_pass: bool = False) -> None:
        self.name = name
        self.kind = kind  # public v1 class, e.g. "azureml.core.Workspace"
        self.mode = mode  # "preserve" | "rename" | "delete"  (see rules.base.BindingSpec)
        self.origin = origin
        self.scope = scope  # id of the scope node
        self.creator = creator
        self.references: list[ast.Name] = [] if references is None else references
        self.new_name = new_name  # chosen by planning for "rename" bindings
        # Created while walking the module's own statements (not a function body): visible
        # to every function, so its uses tie the functions' findings together.
        self.in_module_pass = in_module_pass

    def __repr__(self) -> str:
        return f"Binding({self.name}: {self.kind})"


class Finding:
    __slots__ = ("rule", "symbol", "span", "node", "stmt", "safety", "message", "requires", "requires_findings",
                 "consumes", "facts", "receiver", "creates", "absorbed_by", "suppressed", "closure", "blocked",
                 "walked")

    def __init__(self, rule: Rule, symbol: str, span: Span, node: ast.AST, stmt: ast.stmt, safety: str | None,
                 message: str, requires: list[Binding] | None = None, requires_findings: list[Finding] | None = None,
                 consumes: set[int] | None = None, facts: dict[str, Any] | None = None,
                 receiver: Binding | None = None, creates: Binding | None = None) -> None:
        self.rule = rule
        self.symbol = symbol
        self.span = span
        self.node = node
        self.stmt = stmt
        self.safety = safety
        self.message = message
        self.requires: list[Binding] = [] if requires is None else requires
        self.requires_findings: list[Finding] = [] if requires_findings is None else requires_findings  # inline v1 calls it embeds
        self.consumes: set[int] = set() if consumes is None else consumes
        self.facts: dict[str, Any] = {} if facts is None else facts
        self.receiver = receiver  # the binding a method call / attribute use is on
        self.creates = creates
        self.absorbed_by: Finding | None = None  # an inner call the outer fix rewrites itself
        self.suppressed = False
        # Filled by planning:
        self.closure: list[Finding] = []
        self.blocked: str | None = None  # why no fix is offered although the rule has one
        # (safety, message, facts) as the walk left them, for findings that planning runs on
        # again when an edit elsewhere is analysed incrementally (see analysis/incremental.py).
        self.walked: tuple[str | None, str, dict[str, Any]] | None = None

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


class Escape:
    """A use of a v1 binding that no rule rewrites (`print(ws)`, `helper(run)`)."""

    __slots__ = ("binding", "node", "span", "inside")

    def __init__(self, binding: Binding, node: ast.Name, span: Span, inside: Finding | None = None) -> None:
        self.binding = binding
        self.node = node
        self.span = span
        self.inside = inside  # the v1 call it is passed to, if any (set by planning)

    def __repr__(self) -> str:
        return f"Escape({self.binding.name} @{self.span.line}:{self.span.col})"


class Occurrence:
    """Any resolved v1 name in the text, for hover (findings or not).

    The span is computed on demand: hovers are rare, names are many.
    """

    __slots__ = ("node", "symbol", "lines")

    def __init__(self, node: ast.AST, symbol: str, lines: Any) -> None:
        self.node = node
        self.symbol = symbol
        self.lines = lines

    @property
    def span(self) -> Span:
        n, lines = self.node, self.lines
        end = n.end_lineno or n.lineno
        return Span(n.lineno, lines.char_col(n.lineno, n.col_offset), end, lines.char_col(end, n.end_col_offset or 0))

    def __repr__(self) -> str:
        return f"Occurrence({self.symbol} @{self.node.lineno})"


class Analysis:
    def __init__(self, source: str, findings: list[Finding], occurrences: list[Occurrence], escapes: list[Escape],
                 bindings: list[Binding], tree: ast.Module | None) -> None:
        self.source = source
        self.findings = findings
        self.occurrences = occurrences
        self.escapes = escapes
        self.bindings = bindings
        self.tree = tree
        self.syntax_error: str | None = None
        self.syntax_error_span: Span | None = None
        self.too_large = False  # not analysed because of its size (see engine.MAX_BYTES)
        self.names_in_use: set[str] = set()
        self.block_of: dict[int, tuple[list[ast.stmt], int]] = {}
        self.import_stmts: list[ast.stmt] = []  # every import statement, in order
        self.unused_suppressions: list[Any] = []  # ignore comments that silence nothing
        # v1 import name -> its uses: (span, id of the enclosing statement)
        self.import_refs: dict[str, list[tuple[Span, int]]] = {}
        # What re-analysing the next version of the text reuses (analysis/incremental.py).
        self.incremental: Any = None

    @property
    def visible(self) -> list[Finding]:
        """Findings that are reported (not suppressed, not folded into an outer call)."""
        return [f for f in self.findings if not f.suppressed and f.absorbed_by is None]

    def __repr__(self) -> str:
        return f"Analysis({len(self.findings)} findings{', ' + self.syntax_error if self.syntax_error else ''})"

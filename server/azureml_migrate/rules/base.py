"""The shape every rule has.

A rule is a class whose docstring is its documentation (fixed headings: `## Why`,
`## Migration`, `## Fix safety`), with data attributes for matching and a `before`/`after`
example pair that the hover card shows and the test suite runs through the fixer.

Two hooks, both optional:
- `check(site)` runs during analysis on the stdlib `ast` node and decides, for this one
  occurrence, how safe a fix is, what other bindings it needs converted, and any note;
- `fix(node, ctx)` runs on the libcst node of the same occurrence and returns its v2 form.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, AbstractSet, Any, ClassVar, NamedTuple, Sequence

if TYPE_CHECKING:
    import libcst as cst

    from ..analysis.model import Binding
    from ..analysis.visitor import Site
    from ..fixes.context import FixContext

SAFE = "safe"
UNSAFE = "unsafe"
MANUAL = None  # no automatic fix

LEARN = "https://learn.microsoft.com/azure/machine-learning/"
DOCS = {
    "workspace": LEARN + "migrate-to-v2-resource-workspace",
    "command": LEARN + "migrate-to-v2-command-job",
    "local": LEARN + "migrate-to-v2-local-runs",
    "mlflow": LEARN + "reference-migrate-sdk-v1-mlflow-tracking",
    "log-metrics": LEARN + "how-to-log-view-metrics",
    "upgrade": LEARN + "how-to-migrate-from-v1",
    "environment": LEARN + "how-to-manage-environments-v2",
}


class BindingSpec(NamedTuple):
    """What assigning the result of a matched call to a name creates.

    `mode` says what the fix does to the variable, which decides how other uses are
    affected: "preserve" keeps the name (its type becomes the v2 type), "rename" gives
    it a new name (`ws` -> `ml_client`), "delete" removes it (`run = Run.get_context()`).
    """

    kind: str
    mode: str = "preserve"
    origin: str | None = None


class Check:
    """The analysis-time verdict for one occurrence of a rule.

    (A plain class rather than a dataclass: one is made per finding, and the empty
    `requires` and `consumes` most checks leave are shared, not made each time.)
    """

    __slots__ = ("safety", "note", "requires", "consumes", "facts")

    def __init__(self, safety: str | None, note: str = "", requires: Sequence[Binding] = (),
                 consumes: AbstractSet[int] = frozenset(), facts: dict[str, Any] | None = None) -> None:
        self.safety = safety
        self.note = note
        # Bindings whose creating statements must be migrated in the same fix.
        self.requires = requires
        # ids of `ast.Name` nodes this fix rewrites itself (they are not escapes).
        self.consumes = consumes
        self.facts = {} if facts is None else facts

    def __repr__(self) -> str:
        return f"Check({self.safety!r}, {self.note!r}, {self.requires!r}, {self.consumes!r}, {self.facts!r})"


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    # v1 symbols this rule matches, in their public spelling.
    symbols: ClassVar[tuple[str, ...]] = ()
    # What syntax matches: "call", "attribute" (read), "assign" (attribute write),
    # "import", "name" (module attribute such as azureml.core.VERSION).
    on: ClassVar[str] = "call"
    # Only match receivers whose binding came from this origin ("context", "submitted").
    origin: ClassVar[str | None] = None
    message: ClassVar[str]
    v2: ClassVar[str]  # the v2 spelling, one line, for hover and docs
    url: ClassVar[str]
    severity: ClassVar[str] = "warning"
    safety: ClassVar[str | None] = MANUAL
    creates: ClassVar[BindingSpec | None] = None
    # A rewrite of the whole statement (assignment or expression statement) rather than
    # of the matched expression: used when the statement disappears or grows.
    statement_fix: ClassVar[bool] = False
    before: ClassVar[str] = ""
    after: ClassVar[str] = ""

    def check(self, site: Site) -> Check:
        return Check(safety=self.safety)

    def fix(self, node: cst.CSTNode, ctx: FixContext) -> Any:
        raise NotImplementedError(self.code)

    # -- documentation ---------------------------------------------------------------
    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        import inspect  # (for hover and docs only; the command line does without it)

        text = inspect.getdoc(cls) or ""
        sections: dict[str, str] = {}
        current = "summary"
        buf: list[str] = []
        for line in text.splitlines():
            heading = re.match(r"^##\s+(.*)$", line)
            if heading:
                sections[current] = "\n".join(buf).strip()
                current, buf = heading.group(1).strip().lower(), []
            else:
                buf.append(line)
        sections[current] = "\n".join(buf).strip()
        return sections


def remove_statement(ctx: FixContext) -> Any:
    """The fix of a statement that goes away: removed, or `pass` when it was the only
    statement of its block (the check records `sole=site.sole()` in its facts)."""
    from ..fixes.lazy import cst

    return cst.Pass() if ctx.finding.facts.get("sole") else cst.RemovalSentinel.REMOVE


def snippet_body(code: str) -> str:
    """An example without its import lines, for hover cards."""
    lines = [ln for ln in code.strip("\n").splitlines() if not re.match(r"^(from|import)\s", ln)]
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)

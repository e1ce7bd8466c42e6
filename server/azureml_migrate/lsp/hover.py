"""textDocument/hover: the v1 -> v2 card for any v1 symbol under the cursor."""

from __future__ import annotations

from lsprotocol import types

from ..analysis import v1_names
from ..analysis.model import Span
from ..rules import registry
from ..rules.base import Rule, snippet_body
from .convert import from_position, to_range
from .documents import Snapshot

_SAFETY = {"safe": "safe fix", "unsafe": "unsafe fix (changes behaviour; applied on request)", None: "manual migration"}


def rule_card(rule: Rule, symbol: str) -> str:
    docs = rule.doc_sections()
    parts = [f"**{rule.code}** `{rule.name}` · SDK v1 → v2", f"`{symbol}` → `{rule.v2}`"]
    if docs.get("migration"):
        parts.append(docs["migration"])
    if rule.before and rule.after:
        parts.append("Before:\n```python\n" + snippet_body(rule.before) + "\n```")
        parts.append("After:\n```python\n" + snippet_body(rule.after) + "\n```")
    if docs.get("fix safety"):
        parts.append(f"*Fix safety:* {docs['fix safety']}")
    parts.append(f"[Migration guide]({rule.url})")
    return "\n\n".join(parts)


def _rule_for(symbol: str) -> Rule | None:
    for on in ("call", "attribute", "assign", "except"):
        rule = registry.match(on, symbol, None)
        if rule is not None:
            return rule
    return None


def card_at(analysis, line: int, col: int) -> tuple[str, Span] | None:
    """The hover card and the range it is for, at an engine position."""
    # A finding under the cursor knows its exact rule (origin-specific ones included).
    best = None
    for f in analysis.visible:
        if f.rule.on != "import" and f.span.contains_point(line, col):
            if best is None or best.span.contains(f.span):
                best = f
    if best is not None and best.rule is not registry.GENERIC:
        return rule_card(best.rule, best.symbol), best.span
    occ = None
    for o in analysis.occurrences:
        node = o.node
        if not node.lineno <= line <= (node.end_lineno or node.lineno):
            continue  # cheap line test first: spans are computed only for candidates
        if o.span.contains_point(line, col) and (occ is None or occ.span.contains(o.span)):
            occ = o
    symbol = occ.symbol if occ is not None else (best.symbol if best is not None else None)
    if symbol is None:
        return None
    rule = _rule_for(symbol)
    if rule is not None:
        value = rule_card(rule, symbol)
    else:
        cls = next((c for c in v1_names.PUBLIC_CLASSES if symbol == c or symbol.startswith(c + ".")), None)
        value = (
            f"`{symbol}` is SDK v1 (end of support 2026-06-30).\n\n"
            + (f"Rules cover some of `{cls}`'s uses; see their diagnostics.\n\n" if cls else "")
            + f"[Upgrade to v2]({registry.GENERIC.url})"
        )
    return value, (occ.span if occ is not None else best.span)  # type: ignore[union-attr]


def hover(snap: Snapshot, pos: types.Position, encoding: str) -> types.Hover | None:
    line, col = from_position(snap.lines, pos, encoding)
    found = card_at(snap.analysis, line, col)
    if found is None:
        return None
    value, span = found
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=value),
                       range=to_range(snap.lines, span, encoding))

"""Planning: which findings a fix must migrate together, and which cannot be fixed.

A fix changes what a variable holds (`ws` becomes an `MLClient`), so every use of that
variable must change in the same edit or the file stops running half-way.  Each finding
`requires` the statements that created the bindings its v2 form relies on, and the
statement that creates a binding requires every use of it.  A fix is the closure of one
finding under `requires`; it is offered only if everything in the closure can be fixed.

Findings only depend on each other through bindings, so planning runs per *region*: a
set of findings closed under every link planning follows (`plan_region`).  A whole-file
analysis plans the file as one region; an incremental one re-plans only the regions an
edit can reach (see incremental.py) and keeps the others' results.
"""

from __future__ import annotations

import ast
import re
from operator import attrgetter

from typing import Callable

from ..text import Lines
from .model import Analysis, Binding, Escape, Finding, Span

_IGNORE = re.compile(r"#\s*azureml-migrate:\s*ignore(-file)?(?:\[([A-Za-z0-9_,\s]*)\])?")
FILE_WIDE = 0  # the "line" of `# azureml-migrate: ignore-file[...]` comments
_POSITION = attrgetter("span.line", "span.col")  # sort key: where a finding starts


class Suppression:
    """An ignore comment: where it is, the codes it names (None: every code), and whether
    it silenced something."""

    __slots__ = ("line", "col", "end_col", "codes", "used")

    def __init__(self, line: int, col: int, end_col: int, codes: set[str] | None, used: bool = False) -> None:
        self.line, self.col, self.end_col, self.codes, self.used = line, col, end_col, codes, used

    def __repr__(self) -> str:
        return f"Suppression(line {self.line}: {sorted(self.codes) if self.codes else 'all'})"


def suppressions(source: str, lines: Lines) -> dict[int, Suppression]:
    """Line -> its ignore comment; FILE_WIDE -> the ignore-file comment."""
    out: dict[int, Suppression] = {}
    if "azureml-migrate:" not in source:
        return out
    for m in _IGNORE.finditer(source):
        line, col = lines.position(m.start())
        codes = m.group(2)
        parsed = None if codes is None else {c.strip().upper() for c in codes.split(",") if c.strip()}
        out[FILE_WIDE if m.group(1) else line] = Suppression(line, col, col + len(m.group(0)), parsed)
    return out


def _suppressed(codes: set[str] | None, code: str) -> bool:
    return codes is None or any(code.startswith(c) for c in codes)


def name_bindings(analysis: Analysis, names_in_use: set[str]) -> None:
    """Choose new names for bindings the fixes rename (`ws` -> `ml_client`)."""
    taken = set(names_in_use)
    for b in analysis.bindings:
        if b.mode != "rename":
            continue
        if b.kind == "azureml.core.Workspace":
            wanted = ["ml_client"]
        else:
            wanted = ["experiment_name" if b.name in ("experiment", "exp") else f"{b.name}_name"]
        for name in wanted:
            # A name already given is shared only by the same variable assigned again, or by
            # a variable of another scope: two workspaces alive side by side need two clients.
            if name not in taken or any(o.new_name == name and o.kind == b.kind and (o.name == b.name or o.scope != b.scope)
                                        for o in analysis.bindings):
                b.new_name = name
                taken.add(name)
                break
        else:
            b.new_name = b.name


def plan(analysis: Analysis, lines: Lines, names_in_use: set[str], span: Callable[[ast.AST], Span]) -> None:
    """Plan the whole file as one region (sets `analysis.escapes`)."""
    mark_suppressed(analysis, analysis.findings, suppressions(analysis.source, lines))
    name_bindings(analysis, names_in_use)
    analysis.escapes = escapes_of(analysis.findings, analysis.bindings, span)
    plan_region(analysis, analysis.findings, analysis.bindings, analysis.escapes)
    plan_imports(analysis)


def mark_suppressed(analysis: Analysis, findings: list[Finding], ignores: dict[int, Suppression]) -> None:
    if ignores:
        for f in findings:
            for key in (f.span.line, FILE_WIDE):
                sup = ignores.get(key)
                if sup is not None and _suppressed(sup.codes, f.code):
                    f.suppressed = sup.used = True
    analysis.unused_suppressions = [s for s in ignores.values() if not s.used]


def escapes_of(findings: list[Finding], bindings: list[Binding], span: Callable[[ast.AST], Span]) -> list[Escape]:
    """Uses of `bindings` that none of `findings` rewrites (a use is rewritten, if at all,
    by a finding of the same walk segment, so a region's findings are enough)."""
    consumed: set[int] = set()
    for f in findings:
        if f.consumes:
            consumed |= f.consumes
    out = []
    for b in bindings:
        for ref in b.references:
            if id(ref) not in consumed:
                out.append(Escape(b, ref, span(ref)))
    return out


def plan_region(analysis: Analysis, findings: list[Finding], bindings: list[Binding], region_escapes: list[Escape]) -> None:
    """Groups, hooks and blocking reasons for a region: findings (in walk order) closed
    under receivers, requirements, absorption and binding uses, with their bindings and
    the escapes of those bindings.  (Findings and bindings hash by identity.)"""
    consumer: dict[int, Finding] = {}
    for f in findings:
        for ref in f.consumes:
            consumer[ref] = f

    def outermost(f: Finding) -> Finding:
        while f.absorbed_by is not None:
            f = f.absorbed_by
        return f

    users: dict[Binding, list[Finding]] = {b: [] for b in bindings}
    for f in findings:
        receiver = f.receiver
        if receiver is not None and f is not receiver.creator:
            used = users.get(receiver)
            if used is not None:
                used.append(outermost(f))
    for b in bindings:
        used = users[b]
        for ref in b.references:
            f = consumer.get(id(ref))
            if f is not None and f is not b.creator:
                used.append(outermost(f))
        if len(used) > 1:
            users[b] = list(dict.fromkeys(used))

    for b in bindings:
        hook = getattr(b.creator.rule, "plan", None) if b.creator else None
        if hook is not None:
            hook(b.creator, users[b], analysis)

    escapes: dict[Binding, list[Escape]] = {}
    for e in region_escapes:
        escapes.setdefault(e.binding, []).append(e)
    # An escape inside another v1 call (`ScriptRunConfig(..., environment=env)` that stays v1)
    # would hand that call a v2 object: it blocks the binding's fix whatever its mode.
    covering: dict[int, list[Finding]] = {}
    if region_escapes:
        lines_wanted = {e.span.line for e in region_escapes}
        for f in findings:
            if f.rule.on != "import":
                for line in range(f.span.line, f.span.end_line + 1):
                    if line in lines_wanted:
                        covering.setdefault(line, []).append(f)
    for e in region_escapes:
        e.inside = next((f for f in covering.get(e.span.line, ()) if f.span.contains(e.span)), None)
    for b, found in escapes.items():
        creator = b.creator
        if creator is None or creator.safety is None or b.mode != "preserve":
            continue
        for e in found:
            if e.inside is None:
                creator.safety = "unsafe"
                creator.message += f" (`{b.name}` is also used on line {e.span.line}, which will see the v2 object)"
                break

    requires: dict[int, list[Finding]] = {}  # id(finding) -> what its fix needs too
    for f in findings:
        req: list[Finding] = []
        for b in f.requires:
            if b.creator is not None and b.creator is not f:
                req.append(outermost(b.creator))
        if f.requires_findings:
            req.extend(outermost(x) for x in f.requires_findings if x is not f)
        if f.creates is not None:
            req.extend(u for u in users[f.creates] if u is not f)
        requires[id(f)] = req

    reasons: dict[Finding, str | None] = {g: _why_not(g, escapes) for g in findings}
    starts = [f for f in findings if f.absorbed_by is None and f.rule.on != "import"]
    closures = _closures(starts, requires)
    first_blocker: dict[int, Finding | None] = {}  # per closure (its members share one list)
    for f in starts:
        f.closure = closure = closures[f]
        if f.safety is None:
            continue
        if reasons[f] is not None:
            blocker = f
        else:
            key = id(closure)
            if key in first_blocker:
                blocker = first_blocker[key]
            else:
                blocker = first_blocker[key] = next((g for g in closure if reasons[g]), None)
        if blocker is not None:
            where = "" if blocker is f else f" (line {blocker.span.line}: `{blocker.symbol}`)"
            f.blocked = f"{reasons[blocker]}{where}"


def _closures(starts: list[Finding], requires: dict[int, list[Finding]]) -> dict[Finding, list[Finding]]:
    """Every finding's closure under `requires`, sorted by position.

    Groups are mostly strongly connected (a creator requires its uses, which require the
    creator), so the closure is computed once per strongly connected component (Tarjan,
    iteratively) and shared by its members.
    """
    index: dict[Finding, int] = {}  # finding -> its number in visiting order
    low: list[int] = []  # number -> the lowest number it reaches on the stack
    on_stack: set[Finding] = set()
    stack: list[Finding] = []
    comp_of: dict[Finding, int] = {}
    reach: list[dict[Finding, None]] = []
    no_successors: tuple[Finding, ...] = ()
    successors_of = requires.get
    for root in starts:
        if root in index:
            continue
        index[root] = len(low)
        low.append(len(low))
        stack.append(root)
        on_stack.add(root)
        # (finding, its number, its successors not visited yet)
        work = [(root, index[root], iter(successors_of(id(root), no_successors)))]
        while work:
            v, vi, successors = work[-1]
            for w in successors:
                wi = index.get(w)
                if wi is None:  # descend
                    index[w] = wi = len(low)
                    low.append(wi)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, wi, iter(successors_of(id(w), no_successors))))
                    break
                if wi < low[vi] and w in on_stack:
                    low[vi] = wi
            else:  # every successor done
                work.pop()
                if work:
                    pi = work[-1][1]
                    if low[vi] < low[pi]:
                        low[pi] = low[vi]
                if low[vi] == vi:
                    c = len(reach)
                    members: dict[Finding, None] = {}
                    component: list[Finding] = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp_of[w] = c
                        component.append(w)
                        members[w] = None
                        if w is v:
                            break
                    # Components come out successors first, so their reach is already known.
                    for w in component:
                        for succ in successors_of(id(w), no_successors):
                            sc = comp_of[succ]
                            if sc != c:
                                members.update(reach[sc])
                    reach.append(members)
    ordered: dict[int, list[Finding]] = {}
    out: dict[Finding, list[Finding]] = {}
    for f in starts:
        c = comp_of[f]
        group = ordered.get(c)
        if group is None:
            group = ordered[c] = sorted(reach[c], key=_POSITION)
        out[f] = group
    return out


def plan_imports(analysis: Analysis) -> None:
    """An import goes away with the fixes of the code that uses it (or at once if unused)."""
    imports = [f for f in analysis.findings if f.rule.on == "import"]
    if not imports:
        return
    by_stmt: dict[int, list[Finding]] = {}
    for g in analysis.findings:
        if g.rule.on != "import":
            found = by_stmt.get(id(g.stmt))
            if found is None:
                by_stmt[id(g.stmt)] = [g]
            else:
                found.append(g)
    merged: dict[tuple[int, ...], list[Finding]] = {}  # the same groups, the same closure
    for f in imports:
        if f.facts.get("unused"):
            f.safety, f.closure = "safe", [f]
            continue
        refs = analysis.import_refs.get(f.facts.get("local", ""), [])
        users: list[Finding] = []
        for ref, stmt_id in refs:
            owner = None
            for g in by_stmt.get(stmt_id, ()):
                if g.absorbed_by is None and g.span.contains(ref) and (owner is None or owner.span.contains(g.span)):
                    owner = g
            if owner is None or not owner.fixable:
                users = []
                break
            users.append(owner)
        if not users:
            f.safety = None
            continue
        groups: dict[int, list[Finding]] = {}
        for u in users:
            groups.setdefault(id(u.closure), u.closure)  # users of one group share its list
        key = tuple(groups)
        if key not in merged:
            closure: dict[int, Finding] = {}
            for group in groups.values():
                for g in group:
                    closure[id(g)] = g
            merged[key] = sorted(closure.values(), key=_POSITION)
        f.closure = merged[key]
        f.safety = "unsafe" if any(g.safety == "unsafe" for g in f.closure) else "safe"


def _why_not(g: Finding, escapes: dict[Binding, list[Escape]]) -> str | None:
    """Why `g` cannot be part of a fix (None when it can)."""
    if g.suppressed:
        return "a statement it depends on is suppressed"
    if g.safety is None:
        return "it depends on code that needs a manual migration"
    if g.facts.get("needs_assignment") and g.creates is None and g.absorbed_by is None:
        return "the object is used inline; assign it to a variable first"
    b: Binding | None = g.creates
    if b is not None:
        for e in escapes.get(b, ()):
            if e.inside is not None:
                return f"`{b.name}` is passed to `{e.inside.symbol}` on line {e.span.line}, which stays SDK v1"
            if b.mode != "preserve":
                return f"`{b.name}` is also used on line {e.span.line} in a way no rule rewrites"
    return None

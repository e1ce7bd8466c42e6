"""Planning: which findings a fix must migrate together, and which cannot be fixed.

A fix changes what a variable holds (`ws` becomes an `MLClient`), so every use of that
variable must change in the same edit or the file stops running half-way.  Each finding
`requires` the statements that created the bindings its v2 form relies on, and the
statement that creates a binding requires every use of it.  A fix is the closure of one
finding under `requires`; it is offered only if everything in the closure can be fixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import Lines
from .model import Analysis, Binding, Escape, Finding

_IGNORE = re.compile(r"#\s*azureml-migrate:\s*ignore(-file)?(?:\[([A-Za-z0-9_,\s]*)\])?")
FILE_WIDE = 0  # the "line" of `# azureml-migrate: ignore-file[...]` comments


@dataclass
class Suppression:
    line: int
    col: int
    end_col: int
    codes: set[str] | None  # None: every code
    used: bool = False


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
            if name not in taken or any(o.new_name == name and o.kind == b.kind for o in analysis.bindings):
                b.new_name = name
                taken.add(name)
                break
        else:
            b.new_name = b.name


def plan(analysis: Analysis, lines: Lines, names_in_use: set[str]) -> None:
    ignores = suppressions(analysis.source, lines)
    for f in analysis.findings:
        for key in (f.span.line, FILE_WIDE):
            sup = ignores.get(key)
            if sup is not None and _suppressed(sup.codes, f.code):
                f.suppressed = sup.used = True
    analysis.unused_suppressions = [s for s in ignores.values() if not s.used]
    name_bindings(analysis, names_in_use)

    consumer: dict[int, Finding] = {}
    for f in analysis.findings:
        for ref in f.consumes:
            consumer[ref] = f

    def outermost(f: Finding) -> Finding:
        while f.absorbed_by is not None:
            f = f.absorbed_by
        return f

    users: dict[int, list[Finding]] = {id(b): [] for b in analysis.bindings}
    for f in analysis.findings:
        if f.receiver is not None and id(f.receiver) in users and f is not f.receiver.creator:
            users[id(f.receiver)].append(outermost(f))
    for b in analysis.bindings:
        for ref in b.references:
            f = consumer.get(id(ref))
            if f is not None and f is not b.creator:
                users[id(b)].append(outermost(f))
        users[id(b)] = list({id(u): u for u in users[id(b)]}.values())

    for b in analysis.bindings:
        hook = getattr(b.creator.rule, "plan", None) if b.creator else None
        if hook is not None:
            hook(b.creator, users[id(b)], analysis)

    escapes: dict[int, list[Escape]] = {}
    for e in analysis.escapes:
        escapes.setdefault(id(e.binding), []).append(e)
    # An escape inside another v1 call (`ScriptRunConfig(..., environment=env)` that stays v1)
    # would hand that call a v2 object: it blocks the binding's fix whatever its mode.
    covering: dict[int, list[Finding]] = {}
    if analysis.escapes:
        for f in analysis.findings:
            if f.rule.on != "import":
                for line in range(f.span.line, f.span.end_line + 1):
                    covering.setdefault(line, []).append(f)
    for e in analysis.escapes:
        e.inside = next((f for f in covering.get(e.span.line, ()) if f.span.contains(e.span)), None)
    for b in analysis.bindings:
        creator = b.creator
        if creator is None or creator.safety is None:
            continue
        for e in escapes.get(id(b), []):
            if b.mode == "preserve" and e.inside is None:
                creator.safety = "unsafe"
                creator.message += f" (`{b.name}` is also used on line {e.span.line}, which will see the v2 object)"
                break

    requires: dict[int, list[Finding]] = {}
    for f in analysis.findings:
        req: list[Finding] = []
        for b in f.requires:
            if b.creator is not None and b.creator is not f:
                req.append(outermost(b.creator))
        req.extend(outermost(x) for x in f.requires_findings if x is not f)
        if f.creates is not None:
            req.extend(u for u in users[id(f.creates)] if u is not f)
        requires[id(f)] = req

    reasons: dict[int, str | None] = {id(g): _why_not(g, escapes) for g in analysis.findings}
    starts = [f for f in analysis.findings if f.absorbed_by is None and f.rule.on != "import"]
    closures = _closures(starts, requires)
    for f in starts:
        f.closure = closures[id(f)]
        if f.safety is None:
            continue
        blocker = f if reasons[id(f)] is not None else next((g for g in f.closure if reasons[id(g)]), None)
        if blocker is not None:
            where = "" if blocker is f else f" (line {blocker.span.line}: `{blocker.symbol}`)"
            f.blocked = f"{reasons[id(blocker)]}{where}"

    _plan_imports(analysis)


def _closures(starts: list[Finding], requires: dict[int, list[Finding]]) -> dict[int, list[Finding]]:
    """Every finding's closure under `requires`, sorted by position.

    Groups are mostly strongly connected (a creator requires its uses, which require the
    creator), so the closure is computed once per strongly connected component (Tarjan,
    iteratively) and shared by its members.
    """
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[Finding] = []
    comp_of: dict[int, int] = {}
    reach: list[dict[int, Finding]] = []
    for root in starts:
        if id(root) in index:
            continue
        index[id(root)] = low[id(root)] = len(index)
        stack.append(root)
        on_stack.add(id(root))
        work = [(root, iter(requires.get(id(root), ())))]
        while work:
            v, successors = work[-1]
            descended = False
            for w in successors:
                if id(w) not in index:
                    index[id(w)] = low[id(w)] = len(index)
                    stack.append(w)
                    on_stack.add(id(w))
                    work.append((w, iter(requires.get(id(w), ()))))
                    descended = True
                    break
                if id(w) in on_stack:
                    low[id(v)] = min(low[id(v)], index[id(w)])
            if descended:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[id(parent)] = min(low[id(parent)], low[id(v)])
            if low[id(v)] == index[id(v)]:
                members: dict[int, Finding] = {}
                component: list[Finding] = []
                while True:
                    w = stack.pop()
                    on_stack.discard(id(w))
                    comp_of[id(w)] = len(reach)
                    component.append(w)
                    members[id(w)] = w
                    if w is v:
                        break
                # Components come out successors first, so their reach is already known.
                for w in component:
                    for succ in requires.get(id(w), ()):
                        c = comp_of[id(succ)]
                        if c != len(reach):
                            members.update(reach[c])
                reach.append(members)
    ordered: dict[int, list[Finding]] = {}
    out: dict[int, list[Finding]] = {}
    for f in starts:
        c = comp_of[id(f)]
        if c not in ordered:
            ordered[c] = sorted(reach[c].values(), key=lambda x: (x.span.line, x.span.col))
        out[id(f)] = ordered[c]
    return out


def _plan_imports(analysis: Analysis) -> None:
    """An import goes away with the fixes of the code that uses it (or at once if unused)."""
    by_stmt: dict[int, list[Finding]] = {}
    for g in analysis.findings:
        if g.rule.on != "import":
            by_stmt.setdefault(id(g.stmt), []).append(g)
    for f in analysis.findings:
        if f.rule.on != "import":
            continue
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
        closure: dict[int, Finding] = {}
        for u in users:
            for g in u.closure:
                closure[id(g)] = g
        f.closure = sorted(closure.values(), key=lambda x: (x.span.line, x.span.col))
        f.safety = "unsafe" if any(g.safety == "unsafe" for g in f.closure) else "safe"


def _why_not(g: Finding, escapes: dict[int, list[Escape]]) -> str | None:
    """Why `g` cannot be part of a fix (None when it can)."""
    if g.suppressed:
        return "a statement it depends on is suppressed"
    if g.safety is None:
        return "it depends on code that needs a manual migration"
    if g.facts.get("needs_assignment") and g.creates is None and g.absorbed_by is None:
        return "the object is used inline; assign it to a variable first"
    b: Binding | None = g.creates
    if b is not None:
        for e in escapes.get(id(b), []):
            if e.inside is not None:
                return f"`{b.name}` is passed to `{e.inside.symbol}` on line {e.span.line}, which stays SDK v1"
            if b.mode != "preserve":
                return f"`{b.name}` is also used on line {e.span.line} in a way no rule rewrites"
    return None

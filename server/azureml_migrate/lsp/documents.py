"""Per-document analysis cache: one analysis per (uri, version), never for a stale version."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from ..analysis.model import Analysis
from ..config import Settings
from ..engine import analyze, not_analysed
from ..text import Lines

# Seconds per analysis in the server (setting `timeLimit`): analysis runs on the event
# loop, so a file that takes longer would hold up every request.
SERVER_TIME_LIMIT = 10.0


@dataclass
class Snapshot:
    uri: str
    version: int | None
    analysis: Analysis
    lines: Lines
    # True while the text does not parse and the findings are carried over from the last
    # version that did (only those whose lines did not change): shown, never fixed.
    carried: bool = False
    settings: Settings | None = None
    # Diagnostics built for this snapshot's findings, and the previous snapshot's: findings
    # an edit did not reach are the same objects, so their diagnostics are reused
    # (lsp/diagnostics.py).
    converted: dict = field(default_factory=dict)
    previously_converted: dict | None = None


class Documents:
    """The analyses of the most recently used documents.

    An analysis holds the document's syntax tree; keeping one per open document would
    cost several MB each for large files, so only the last few are kept and the others
    are recomputed when asked for again (analysis is fast, and documents not being edited
    are rarely asked about).
    """

    def __init__(self, keep: int = 8, time_limit: float | None = SERVER_TIME_LIMIT) -> None:
        self._cache: OrderedDict[str, Snapshot] = OrderedDict()
        self._keep = keep
        self.time_limit = time_limit  # seconds per analysis (engine.analyze), None for none

    def get(self, uri: str, version: int | None, source: str, settings: Settings) -> Snapshot:
        snap = self._cache.get(uri)
        if snap is not None and snap.version == version and snap.analysis.source == source:
            self._cache.move_to_end(uri)
            return snap
        # (A carried snapshot's analysis stopped at a syntax error; it passes on the state of
        # the last version that parsed, so the next keystroke is still incremental.)
        reusable = snap is not None and snap.settings == settings
        analysis = analyze(source, settings, previous=snap.analysis if reusable else None, time_limit=self.time_limit)
        lines = Lines(source)
        # (A text that was not analysed at all, e.g. nested too deeply or over the time
        # limit, shows one notice instead: see diagnostics.py.)
        if (analysis.syntax_error and not not_analysed(analysis) and snap is not None
                and (snap.carried or not snap.analysis.syntax_error)):
            # Mid-edit syntax error: keep the squiggles on lines the edit did not touch
            # instead of flashing them all away until the code parses again (from one
            # unparsable version to the next as well: typing `run.log(` is several).
            kept = [f for f in snap.analysis.visible
                    if all(snap.lines.line(n) == lines.line(n) for n in range(f.span.line, f.span.end_line + 1))]
            analysis.findings = kept
            new = Snapshot(uri, version, analysis, lines, carried=True, settings=settings)
        else:
            new = Snapshot(uri, version, analysis, lines, settings=settings)
        if snap is not None:
            new.previously_converted = snap.converted
        snap = new
        self._cache[uri] = snap
        self._cache.move_to_end(uri)
        while len(self._cache) > self._keep:
            self._cache.popitem(last=False)
        return snap

    def forget(self, uri: str) -> None:
        self._cache.pop(uri, None)

    def clear(self) -> None:
        self._cache.clear()

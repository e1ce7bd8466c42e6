"""Per-document analysis cache: one analysis per (uri, version), never for a stale version."""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis.model import Analysis
from ..config import Settings
from ..engine import analyze
from ..text import Lines


@dataclass
class Snapshot:
    uri: str
    version: int | None
    analysis: Analysis
    lines: Lines


class Documents:
    def __init__(self) -> None:
        self._cache: dict[str, Snapshot] = {}

    def get(self, uri: str, version: int | None, source: str, settings: Settings) -> Snapshot:
        snap = self._cache.get(uri)
        if snap is not None and snap.version == version and snap.analysis.source == source:
            return snap
        snap = Snapshot(uri, version, analyze(source, settings), Lines(source))
        self._cache[uri] = snap
        return snap

    def forget(self, uri: str) -> None:
        self._cache.pop(uri, None)

    def clear(self) -> None:
        self._cache.clear()

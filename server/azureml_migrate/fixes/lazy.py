"""`cst`: libcst, imported on first use.

Importing libcst costs about 0.3 s, and only fixes need it; analysis (every keystroke,
`check`) must not pay for it.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class _LazyModule(ModuleType):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self.__name__)
        return getattr(self._module, attr)


cst: Any = _LazyModule("libcst")

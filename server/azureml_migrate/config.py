"""User settings shared by the CLI and the server.

Precedence, highest first: command-line flags or editor settings, then
`[tool.azureml-migrate]` in the nearest `pyproject.toml` above the file, then defaults.
Keys (kebab-case in pyproject, camelCase in editors): `select`, `ignore`,
`per-file-ignores` (glob relative to the pyproject -> codes), `unsafe-fixes`,
`default-image`, `credential`. Configuration is read as data (TOML), never executed.
"""

from __future__ import annotations

import fnmatch
import os
import re
from functools import lru_cache
from typing import Any, NamedTuple

# azureml-core 1.61.0.post4's DEFAULT_CPU_IMAGE: what v1 used when code named no image.
V1_DEFAULT_CPU_IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1"
# Both values are written into migrated code: only these shapes are accepted (a quote in an
# image name would end the string literal and let configuration add code to the user's file).
_IMAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/:@+-]*\Z")  # registry/name:tag@digest
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\Z")  # package.module.Class


class Settings(NamedTuple):
    select: tuple[str, ...] = ()  # rule codes or prefixes; empty = all
    ignore: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    default_image: str = V1_DEFAULT_CPU_IMAGE
    # Dotted path of the azure.identity credential class put in place of v1's implicit login.
    credential: str = "azure.identity.DefaultAzureCredential"
    # (glob, codes) pairs; globs are relative to `root`, the folder of the pyproject.toml.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    root: str = ""

    def for_path(self, path: str) -> Settings:
        """These settings with the per-file ignores that match `path` folded into `ignore`."""
        if not self.per_file_ignores:
            return self
        rel = os.path.relpath(os.path.abspath(path), self.root or os.getcwd()).replace(os.sep, "/")
        extra = [c for glob, codes in self.per_file_ignores
                 if fnmatch.fnmatch(rel, glob) or fnmatch.fnmatch(os.path.basename(rel), glob) for c in codes]
        return self._replace(ignore=self.ignore + tuple(extra)) if extra else self

    def enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(s) for s in self.select):
            return False
        return not any(code.startswith(s) for s in self.ignore)

    def merged(self, values: dict[str, Any]) -> tuple[Settings, list[str]]:
        """These settings updated from a mapping (camelCase or kebab-case keys); returns problems."""
        problems: list[str] = []
        changes: dict[str, Any] = {}
        for key, value in values.items():
            norm = key.replace("-", "_")
            norm = {"unsafeFixes": "unsafe_fixes", "defaultImage": "default_image"}.get(key, norm)
            if norm in ("select", "ignore"):
                if isinstance(value, list) and all(isinstance(v, str) for v in value):
                    changes[norm] = tuple(v.strip().upper() for v in value)
                else:
                    problems.append(f"{key}: expected a list of rule codes")
            elif norm == "unsafe_fixes":
                if isinstance(value, bool):
                    changes[norm] = value
                else:
                    problems.append(f"{key}: expected true or false")
            elif norm == "per_file_ignores":
                if isinstance(value, dict) and all(
                    isinstance(v, list) and all(isinstance(c, str) for c in v) for v in value.values()
                ):
                    changes[norm] = tuple((k, tuple(c.strip().upper() for c in v)) for k, v in value.items())
                else:
                    problems.append(f"{key}: expected a table of glob = [codes]")
            elif norm in ("default_image", "credential"):
                shape, example = ((_IMAGE, "an image such as myacr.azurecr.io/train:3") if norm == "default_image"
                                  else (_DOTTED, "a class such as azure.identity.DefaultAzureCredential"))
                if not isinstance(value, str):
                    problems.append(f"{key}: expected a string")
                elif value.strip() and not shape.match(value.strip()):
                    problems.append(f"{key}: expected {example}")
                elif value.strip():
                    changes[norm] = value.strip()
            else:
                problems.append(f"unknown setting {key!r}")
        return self._replace(**changes), problems


DEFAULT = Settings()


def find_pyproject(path: str) -> str | None:
    """The nearest pyproject.toml at or above `path`'s folder."""
    folder = os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
    return _find_in(folder)


@lru_cache(maxsize=256)
def _find_in(folder: str) -> str | None:
    candidate = os.path.join(folder, "pyproject.toml")
    if os.path.isfile(candidate):
        return candidate
    parent = os.path.dirname(folder)
    return None if parent == folder else _find_in(parent)


@lru_cache(maxsize=64)
def load_pyproject(pyproject: str) -> tuple[Settings, tuple[str, ...]]:
    """Settings from `[tool.azureml-migrate]` (defaults where absent) and the problems found."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        return DEFAULT, (f"{pyproject}: reading pyproject.toml needs Python 3.11 or later; ignored",)
    try:
        with open(pyproject, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return DEFAULT, (f"{pyproject}: cannot read ({exc}); defaults used",)
    table = data.get("tool", {}).get("azureml-migrate", {})
    if not isinstance(table, dict):
        return DEFAULT, (f"{pyproject}: [tool.azureml-migrate] must be a table; defaults used",)
    settings, problems = DEFAULT._replace(root=os.path.dirname(pyproject)).merged(table)
    return settings, tuple(f"{pyproject}: {p}" for p in problems)


def settings_for(path: str, overrides: dict[str, Any] | None = None) -> tuple[Settings, list[str]]:
    """The settings that apply to `path`: its pyproject, then the overrides, then per-file ignores."""
    pyproject = find_pyproject(path)
    base, problems = load_pyproject(pyproject) if pyproject else (DEFAULT, ())
    settings, more = base.merged(overrides or {})
    return settings.for_path(path), [*problems, *more]

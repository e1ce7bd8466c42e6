"""User settings shared by the CLI and the server."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

# azureml-core 1.61.0.post4's DEFAULT_CPU_IMAGE: what v1 used when code named no image.
V1_DEFAULT_CPU_IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1"


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()  # rule codes or prefixes; empty = all
    ignore: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    default_image: str = V1_DEFAULT_CPU_IMAGE
    # Dotted path of the azure.identity credential class put in place of v1's implicit login.
    credential: str = "azure.identity.DefaultAzureCredential"

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
            elif norm in ("default_image", "credential"):
                if isinstance(value, str):
                    if value.strip():
                        changes[norm] = value.strip()
                else:
                    problems.append(f"{key}: expected a string")
            else:
                problems.append(f"unknown setting {key!r}")
        return replace(self, **changes), problems


DEFAULT = Settings()
_ = field  # keep dataclasses.field importable for subclasses

"""The data that ship inside the package: the built-in example economy."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["EXAMPLE", "builtin_path"]

#: Name of the built-in example economy (USSR 1928, heavy industry, fuel and grain).
EXAMPLE = "example"


def builtin_path(name: str = EXAMPLE) -> Path:
    """Folder of a built-in economy, inside the installed package."""
    return Path(str(files("gosplan.scenarios") / "data" / name))

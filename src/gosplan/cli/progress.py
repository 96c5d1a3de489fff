"""A spinner for long work, drawn only on a terminal."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

__all__ = ["with_progress"]

T = TypeVar("T")


def with_progress(label: str, work: Callable[[], T]) -> T:
    """Run ``work`` behind a spinner on a terminal (nothing is drawn when piped)."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        return work()
    with console.status(f"{label}…"):
        return work()

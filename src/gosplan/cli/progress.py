"""Progress on stderr for work that takes more than a few seconds, drawn only on a terminal.

Nothing is drawn when stderr is not a terminal (a pipe, a file, a test's captured output)
or when the command prints ``--json``: the bars never mix into what a program reads. Bars
are transient: they vanish when the work ends, leaving the command's own output.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["calibration_bar", "progress_bar", "with_progress"]

T = TypeVar("T")


def _console(enabled: bool) -> Console | None:
    """The stderr console when bars may be drawn, else ``None``.

    Only when stderr itself is a terminal: rich alone would also draw where ``FORCE_COLOR``
    is set, into a pipe or a test's captured output.
    """
    if not enabled or not _stderr_is_tty():
        return None
    from rich.console import Console

    console = Console(stderr=True)
    return console if console.is_terminal else None


def _stderr_is_tty() -> bool:
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):  # replaced by an object without it, or closed
        return False


def with_progress(label: str, work: Callable[[], T], *, enabled: bool = True) -> T:
    """Run ``work`` behind a spinner with the time elapsed (nothing drawn when piped)."""
    console = _console(enabled)
    if console is None:
        return work()
    from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(), "{task.description}…", TimeElapsedColumn(), console=console,
        transient=True,
    ) as progress:
        progress.add_task(label, total=None)
        return work()


@contextmanager
def progress_bar(label: str, *, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A bar of done out of total: yields ``update(done, total)`` (a no-op when not drawn)."""
    console = _console(enabled)
    if console is None:
        yield lambda done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        f"[bold]{label}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=console, transient=True,
    ) as progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


@contextmanager
def calibration_bar(
    max_evaluations: int, *, enabled: bool = True
) -> Iterator[Callable[[int, float], None]]:
    """Progress of a fit: yields ``update(calls, loss)`` for ``calibrate(progress=...)``.

    The least-squares fit's calls are not known ahead (its Jacobian takes calls of its
    own), so the bar counts them with the loss so far, against ``max_evaluations`` as a
    guide only.
    """
    console = _console(enabled)
    if console is None:
        yield lambda calls, loss: None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(), "[bold]Calibrating", TextColumn("{task.fields[line]}"),
        TimeElapsedColumn(), console=console, transient=True,
    ) as progress:
        task = progress.add_task("Calibrating", total=None, line="")

        def update(calls: int, loss: float) -> None:
            progress.update(
                task, line=f"{calls:,} runs (iterations up to {max_evaluations:,}), loss {loss:.4g}"
            )

        yield update

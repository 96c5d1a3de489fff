"""Writing and printing a balanced plan: the one tail of every command that makes one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from gosplan.analysis.plan import PlanRun

__all__ = ["show_balanced_plan"]


def show_balanced_plan(run: PlanRun, out: Path | None, as_json: bool) -> None:
    """Write ``run`` to ``out`` if given, then print it as JSON or as the plan's tables."""
    from gosplan.analysis.plan import plan_summary
    from gosplan.report.plan import plan_renderable, write_plan

    if out is not None:
        write_plan(run, out)
    if as_json:
        typer.echo(json.dumps(plan_summary(run), allow_nan=False))
        return
    from rich.console import Console

    Console().print(plan_renderable(run))
    if out is not None:
        typer.echo(f"Plan written to {out}")

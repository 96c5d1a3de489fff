"""``gosplan ensemble`` and ``gosplan sensitivity``: parse, call one workflow, format."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gosplan.analysis.limits import (
    MAX_BATCH,
    MAX_RUNS,
    MAX_SAMPLES,
    MAX_SEED,
    MAX_TIMEOUT,
    MAX_WORKERS,
)
from gosplan.cli.progress import progress_bar, with_progress

__all__ = ["ensemble", "sensitivity"]


class Method(StrEnum):
    """Sensitivity method."""

    morris = "morris"
    sobol = "sobol"


_Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler", help="Address of a running Dask scheduler (default: a local cluster)."
    ),
]
_Workers = Annotated[
    int | None,
    typer.Option(
        min=1, max=MAX_WORKERS, help="Worker processes of the local cluster (default: one per CPU)."
    ),
]
_Timeout = Annotated[
    float,
    typer.Option(
        min=0.0, max=MAX_TIMEOUT, help="Seconds to wait for --scheduler before giving up."
    ),
]
_Seed = Annotated[
    int,
    typer.Option(min=0, max=MAX_SEED, help="Seed of the draws (same seed, same result)."),
]


def ensemble(
    scenario: Annotated[str, typer.Argument(help="Scenario name or file.")] = "ussr-1928",
    runs: Annotated[
        int, typer.Option("--runs", "-n", min=1, max=MAX_RUNS, help="Members of the ensemble.")
    ] = 100,
    vary: Annotated[
        str, typer.Option(help="What differs between members: weather, parameters, or both.")
    ] = "weather,parameters",
    seed: _Seed = 0,
    years: Annotated[str | None, typer.Option(help="FIRST:LAST, e.g. 1928:1937.")] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", help="Change a policy or parameter for every member, as for run."),
    ] = None,
    scheduler: _Scheduler = None,
    workers: _Workers = None,
    timeout: _Timeout = 10.0,
    batch: Annotated[int, typer.Option(min=1, max=MAX_BATCH, help="Members per Dask task.")] = 1,
    out: Annotated[Path, typer.Option("--out", "-o", help="Ensemble folder (resumable).")] = Path(
        "gosplan-ensemble"
    ),
) -> None:
    """Run N seeded members of a scenario on Dask; write members, quantile bands and a page.

    A rerun with the same settings into the same folder computes only the missing members.
    """
    from gosplan.analysis.ensemble import run_ensemble
    from gosplan.analysis.run import parse_years
    from gosplan.report.ensemble import ensemble_renderable, write_ensemble_report

    with progress_bar("Members") as update:
        result = run_ensemble(
            scenario, runs, out=out, seed=seed, vary=vary, years=parse_years(years),
            sets=sets or (), scheduler=scheduler, workers=workers, timeout=timeout,
            batch=batch, progress=update,
        )
    page = with_progress("Drawing the page", lambda: write_ensemble_report(result))
    from rich.console import Console

    Console(width=max(Console().width, 110)).print(ensemble_renderable(result))
    typer.echo(f"Ensemble written to {page}")


def sensitivity(
    scenario: Annotated[str, typer.Argument(help="Scenario name or file.")] = "ussr-1928",
    method: Annotated[Method, typer.Option(help="Morris screening or Sobol indices.")] = (
        Method.morris
    ),
    n: Annotated[
        int | None,
        typer.Option(
            "--trajectories", "--samples", min=2, max=MAX_SAMPLES,
            help="Morris trajectories (default 20) or Sobol base samples (default 256).",
        ),
    ] = None,
    seed: _Seed = 0,
    scheduler: _Scheduler = None,
    workers: _Workers = None,
    timeout: _Timeout = 10.0,
    batch: Annotated[int, typer.Option(min=1, max=MAX_BATCH, help="Runs per Dask task.")] = 8,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write.")] = Path(
        "gosplan-sensitivity"
    ),
) -> None:
    """Rank the uncertain parameters by what they do to famine deaths, herds and the plan."""
    from gosplan.analysis.sensitivity import sensitivity as analyse
    from gosplan.report.ensemble import (
        SENSITIVITY_MARKER,
        sensitivity_renderable,
        write_sensitivity,
    )
    from gosplan.scenarios.atomic import check_writable

    check_writable(out, marker=SENSITIVITY_MARKER)

    with progress_bar("Runs") as update:
        result = analyse(
            scenario, method=method.value, n=n, seed=seed, scheduler=scheduler,
            workers=workers, timeout=timeout, batch=batch, progress=update,
        )
    folder = with_progress("Drawing the figures", lambda: write_sensitivity(result, out))
    from rich.console import Console

    Console(width=max(Console().width, 100)).print(sensitivity_renderable(result))
    typer.echo(f"Sensitivity written to {folder / 'sensitivity.csv'}")

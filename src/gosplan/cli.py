"""The ``gosplan`` command line: parse, call one workflow, format. Errors exit 2, one line."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gosplan.errors import GosplanError

__all__ = ["app", "main"]

app = typer.Typer(
    name="gosplan",
    help="Central economic planning, and the Soviet First Five-Year Plan made inspectable.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_state = {"debug": False}


class Solver(StrEnum):
    """Linear solver for the balance."""

    auto = "auto"
    direct = "direct"
    gmres = "gmres"
    neumann = "neumann"


class PlanMethod(StrEnum):
    """Kind of plan."""

    balance = "balance"


class TableFormat(StrEnum):
    """File format of generated tables."""

    auto = "auto"
    csv = "csv"
    parquet = "parquet"


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    _state["debug"] = debug
    if version:
        from gosplan import __version__

        typer.echo(f"gosplan {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


@app.command()
def plan(
    economy: Annotated[
        Path | None,
        typer.Argument(
            help="Economy folder (economy.toml + tables). Default: the built-in example, "
            "the USSR in 1928 with the First Five-Year Plan's targets."
        ),
    ] = None,
    targets: Annotated[
        Path | None,
        typer.Option(
            "--targets",
            "-t",
            help="Final-demand targets: CSV/Parquet product,quantity or TOML "
            "[targets]. Default: targets.csv in the economy folder.",
        ),
    ] = None,
    method: Annotated[PlanMethod, typer.Option(help="Kind of plan.")] = PlanMethod.balance,
    solver: Annotated[Solver, typer.Option(help="Linear solver (auto: by size).")] = Solver.auto,
    tol: Annotated[float, typer.Option(help="Relative residual required.", min=0.0)] = 1e-9,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the plan to a .csv, .parquet or .json file."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Compute the balanced plan (material balances) that meets the targets."""
    from gosplan.analysis.plan import balanced_plan, plan_summary
    from gosplan.report.plan import plan_renderable, write_plan

    run = balanced_plan(economy, targets, method=solver.value, tol=tol)
    run.result.raise_for_status()
    if out is not None:
        write_plan(run, out)
    if as_json:
        typer.echo(json.dumps(plan_summary(run), allow_nan=False))
        return
    from rich.console import Console

    Console().print(plan_renderable(run))
    if out is not None:
        typer.echo(f"Plan written to {out}")


@app.command()
def generate(
    products: Annotated[
        int, typer.Option("--products", "-n", min=2, help="Number of products.")
    ] = 1000,
    inputs: Annotated[
        int, typer.Option("--inputs", "-k", min=1, help="Mean number of inputs per product.")
    ] = 20,
    seed: Annotated[int, typer.Option(min=0, help="Random seed (same seed, same bytes).")] = 0,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write.")] = Path("economy"),
    fmt: Annotated[
        TableFormat,
        typer.Option("--format", help="Table format (auto: Parquet from 100,000 products)."),
    ] = TableFormat.auto,
) -> None:
    """Write a synthetic, productive, realistically sparse economy with feasible targets."""
    from gosplan.analysis.generate import generate_files

    folder = generate_files(products, inputs, seed=seed, out=out, fmt=fmt.value)
    typer.echo(f"Wrote a {products:,}-product economy to {folder}")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return (and exit with) its status."""
    # Standalone mode lets the command-line parser answer usage errors itself (exit 2);
    # our own errors pass through it and are answered here.
    try:
        app(args=argv, prog_name="gosplan", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except GosplanError as exc:
        if _state["debug"]:
            raise
        typer.echo(f"gosplan: error: {exc}", err=True)
        code = 2
    else:
        code = 0
    if argv is None:
        sys.exit(code)
    return code

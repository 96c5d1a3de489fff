"""The ``gosplan`` command line: parse, call one workflow, format. Errors exit 2, one line."""

from __future__ import annotations

import json
import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from gosplan.analysis.limits import (
    MAX_EVALUATIONS,
    MAX_INPUTS,
    MAX_PRODUCTS,
    MAX_SEED,
)
from gosplan.cli.errors import BUG, INPUT, INTERRUPTED, describe, usage_line
from gosplan.cli.progress import with_progress as _with_progress

__all__ = ["app", "main"]

app = typer.Typer(
    name="gosplan",
    help="Central economic planning, and the Soviet First Five-Year Plan made inspectable.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help, as click writes it: rich's help formatter (and markdown-it behind it)
    # would double the time `gosplan --help` takes.
    rich_markup_mode=None,
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
    optimal = "optimal"
    harmony = "harmony"


class LPMethod(StrEnum):
    """HiGHS algorithm for optimal plans."""

    simplex = "simplex"
    ipm = "ipm"
    pdlp = "pdlp"
    closed_form = "closed_form"
    prices = "prices"


class Objective(StrEnum):
    """What a multi-year plan maximises."""

    min = "min"
    final = "final"
    sum_of_fulfilments = "sum-of-fulfilments"


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
    tol: Annotated[
        float, typer.Option(help="Relative residual required.", min=0.0, max=1.0)
    ] = 1e-9,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the plan to a .csv, .parquet or .json file."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    lp_method: Annotated[
        LPMethod, typer.Option(
            "--lp-method",
            help="LP algorithm (optimal plans); prices: price coordination with a certified "
            "gap (one-year optimal plans of activity economies).")
    ] = LPMethod.simplex,
    lp_old: Annotated[
        LPMethod | None, typer.Option("--lp", hidden=True, help="Old name of --lp-method.")
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", help="Show the solver's log on stderr.")
    ] = False,
    time_limit: Annotated[
        float | None,
        typer.Option(min=0.0, help="Seconds the LP solver (and the harmony search) may take."),
    ] = None,
    years: Annotated[
        int | None,
        typer.Option(min=1, max=50, help="Plan T years ahead: capacity grows from investment."),
    ] = None,
    lag: Annotated[int, typer.Option(min=1, max=10, help="Construction lag, years.")] = 1,
    revise: Annotated[bool, typer.Option(help="Replan every year (receding horizon).")] = False,
    objective: Annotated[
        Objective | None,
        typer.Option(
            help="Multi-year plans: the worst year (min, the default), the last year "
            "(final), or the sum of the years' fulfilments (sum-of-fulfilments, the "
            "default with --cockshott)."
        ),
    ] = None,
    first_year: Annotated[
        int | None,
        typer.Option(
            min=-9999,
            max=9999,
            help="Calendar year of the plan's first year. Default: the targets' years, "
            "else economy.toml's year, else 1.",
        ),
    ] = None,
    cockshott: Annotated[
        Path | None,
        typer.Option(
            help="Plan the economy of a folder in Cockshott's format (flows.csv, cap.csv, "
            "dep.csv, labtarg.csv) over its years."
        ),
    ] = None,
    economy_name: Annotated[
        str | None,
        typer.Option("--economy", help="A built-in economy by name, in place of a folder "
                     "(docs/supply-use.md; a wrong name lists them)."),
    ] = None,
) -> None:
    """Compute the balanced plan (material balances), or the optimal plan and why targets fail.

    With --years T: a T-year plan, investment by branch and fulfilment each year.
    """
    _check_out(out, (".csv", ".parquet", ".json"))
    lp = _renamed_flag("--lp", "--lp-method", lp_old, lp_method, LPMethod.simplex)
    if economy_name is not None:
        from gosplan.cli.economy import plan_named

        economy = plan_named(economy_name, economy, targets, method.value, solver.value, tol,
                             lp.value, time_limit, out, as_json, years)
        if economy is None:
            return
    if cockshott is not None or objective is not None or first_year is not None:
        _check_multiyear(economy, targets, years, cockshott, objective, first_year)
    if cockshott is not None or (years is not None and not (
            economy is not None and (economy / "activities.csv").is_file())):
        _no_prices(lp, "a multi-year plan")
        goal = None if objective is None else (
            "sum" if objective is Objective.sum_of_fulfilments else objective.value)
        from gosplan.core.solvers.highs import solver_log

        with solver_log(verbose):
            _multiyear(economy, targets, years, lag, revise, lp.value, time_limit, out,
                       as_json, goal, first_year, cockshott)
        return
    _no_years(economy, targets)
    if economy is not None and (economy / "activities.csv").is_file():
        from gosplan.core.solvers.highs import solver_log

        with solver_log(verbose):
            _activity_plan(economy, targets, method, lp.value, time_limit, out, as_json, years)
        return
    if method is not PlanMethod.balance:
        _no_prices(lp, "a square economy's optimal plan (its closed form is exact)")
        _best_plan(economy, targets, method.value, lp.value, time_limit, out, as_json, verbose)
        return
    from gosplan.analysis.plan import balanced_plan
    from gosplan.cli.show import show_balanced_plan

    run = _with_progress(
        "Solving the balance",
        lambda: balanced_plan(economy, targets, solver=solver.value, tol=tol, verbose=verbose),
        enabled=not as_json and not verbose,
    )
    run.result.raise_for_status()
    show_balanced_plan(run, out, as_json)


def _check_multiyear(
    economy: Path | None,
    targets: Path | None,
    years: int | None,
    cockshott: Path | None,
    objective: Objective | None,
    first_year: int | None,
) -> None:
    """Flags of multi-year plans need one; --cockshott brings its own economy and targets."""
    from gosplan.errors import ParameterError

    if cockshott is not None and (economy is not None or targets is not None):
        raise ParameterError(
            "--cockshott: the folder holds the economy and its targets; give no ECONOMY "
            "or --targets with it"
        )
    if cockshott is None and years is None:
        flag = "--objective" if objective is not None else "--first-year"
        raise ParameterError(f"{flag}: applies to multi-year plans only; add --years T")


def _no_years(economy: Path | None, targets: Path | None) -> None:
    """A one-year plan of targets by year would read their rows as repeats: say why."""
    given = targets or (None if economy is None else economy / "targets.csv")
    if given is None or not given.is_file():
        return
    from gosplan.scenarios.multiyear_files import has_year_column

    if has_year_column(given):
        from gosplan.errors import ParameterError

        raise ParameterError(
            f"{given}: holds targets by year (a year column), for a multi-year plan: "
            "add --years T"
        )


def _multiyear(
    economy: Path | None,
    targets: Path | None,
    years: int | None,
    lag: int,
    revise: bool,
    lp: str,
    time_limit: float | None,
    out: Path | None,
    as_json: bool,
    objective: str | None = None,
    first_year: int | None = None,
    cockshott: Path | None = None,
) -> None:
    from gosplan.analysis.plan import five_year_plan
    from gosplan.core.solvers.highs import solver_log_on
    from gosplan.report.plan import multiyear_renderable, write_multiyear

    run = _with_progress(
        f"Planning {years} years" if years else "Planning the years of the files",
        lambda: five_year_plan(
            economy, targets, years=years, lag=lag, revise=revise, lp_method=lp,
            time_limit=time_limit, objective=objective, first_year=first_year,
            cockshott=cockshott,
        ),
        # A spinner would tangle with the solver's log on the same stream.
        enabled=not as_json and not solver_log_on(),
    )
    if out is not None:
        write_multiyear(run, out)
    if as_json:
        typer.echo(json.dumps(run.plan.to_dict(), allow_nan=False))
        return
    from rich.console import Console

    Console(width=max(Console().width, 100)).print(multiyear_renderable(run))


def _best_plan(
    economy: Path | None,
    targets: Path | None,
    method: str,
    lp: str,
    time_limit: float | None,
    out: Path | None,
    as_json: bool,
    verbose: bool,
) -> None:
    from gosplan.analysis.plan import optimal_or_harmony, optimal_summary
    from gosplan.report.plan import optimal_renderable, write_optimal

    run = _with_progress(
        f"Solving the {method} plan",
        lambda: optimal_or_harmony(economy, targets, method=method, lp_method=lp,
                                   time_limit=time_limit, verbose=verbose),
        enabled=not as_json and not verbose,
    )
    if out is not None:
        write_optimal(run, out)
    if as_json:
        typer.echo(json.dumps(optimal_summary(run), allow_nan=False))
        return
    from rich.console import Console

    Console().print(optimal_renderable(run))


def _activity_plan(
    folder: Path,
    targets: Path | None,
    method: PlanMethod,
    lp: str,
    time_limit: float | None,
    out: Path | None,
    as_json: bool,
    years: int | None,
) -> None:
    """``gosplan plan --method optimal|harmony`` on an activity economy (docs/activities.md)."""
    from gosplan.errors import ParameterError

    if method is PlanMethod.balance or years is not None or out is not None:
        raise ParameterError(
            f"{folder}: an activity economy (activities.csv) has optimal and harmony "
            "one-year plans only: use --method optimal or --method harmony, without "
            "--years and --out"
        )
    if lp == "closed_form" or (method is PlanMethod.harmony and lp in ("pdlp", "prices")):
        raise ParameterError(f"--lp-method: {lp} does not plan activity economies' "
                             f"{method.value} plans; use "
                             + ("simplex or ipm" if method is PlanMethod.harmony
                                else "simplex, ipm, pdlp or prices"))
    from gosplan.scenarios.activity_files import read_activity_economy, read_activity_targets

    economy = read_activity_economy(folder)
    prices_apply(economy, lp, str(folder))
    y = read_activity_targets(targets or folder / "targets.csv", economy)
    if method is PlanMethod.harmony:
        from gosplan.core.activity_harmony import activity_harmony_plan

        result = activity_harmony_plan(economy, y, lp_method=lp,  # type: ignore[arg-type]
                                       time_limit=time_limit)
    else:
        from gosplan.core.activity_plan import activity_plan

        result = activity_plan(economy, y, lp_method=lp,  # type: ignore[arg-type]
                               time_limit=time_limit)
    from gosplan.report.activities import activity_renderable, activity_summary

    if as_json:
        typer.echo(json.dumps(activity_summary(economy, result), allow_nan=False))
        return
    from rich.console import Console

    from gosplan.core.activity_diagnosis import explain_activity_plan

    Console(width=max(Console().width, 100)).print(activity_renderable(economy, result))
    # Whole lines, however wide; one per activity up to the tables' length.
    from gosplan.report.plan import MAX_ROWS

    for line in explain_activity_plan(economy, result, most=MAX_ROWS):
        typer.echo(line)


def prices_apply(economy: Any, lp: str, name: str) -> None:
    """Refuse ``--lp-method prices`` for an activity economy it cannot coordinate."""
    if lp != LPMethod.prices:
        return
    from gosplan.core.activity_prices import coordination_applies
    from gosplan.errors import ParameterError

    why = coordination_applies(economy)
    if why is not None:
        raise ParameterError(f"--lp-method: prices needs one product per activity and no "
                             f"activity capacities; in {name} {why}: use simplex, ipm or pdlp")


def _no_prices(lp: LPMethod | str, what: str) -> None:
    """Refuse ``--lp-method prices`` where price coordination does not apply."""
    if lp == LPMethod.prices:
        from gosplan.errors import ParameterError

        raise ParameterError(f"--lp-method: prices coordinates one-year optimal plans of "
                             f"activity economies; {what} needs simplex, ipm or pdlp")


def _renamed_flag(old: str, new: str, old_value: LPMethod | None, value: LPMethod,
                  default: LPMethod) -> LPMethod:
    """The value of flag ``new``, read from its deprecated name ``old`` (with a warning)."""
    if old_value is None:
        return value
    from gosplan.errors import ParameterError

    if value is not default:
        raise ParameterError(f"{old}: give {new} or its old name {old}, not both")
    typer.echo(f"warning: {old} is deprecated; use {new}", err=True)
    return old_value


def _check_out(
    out: Path | None, suffixes: tuple[str, ...] = (), *, marker: str | None = None
) -> None:
    """Refuse an ``--out`` that cannot be written before any work, not after it."""
    if out is None:
        return
    from gosplan.errors import OutputError
    from gosplan.scenarios.atomic import check_writable

    if suffixes and out.suffix.lower() not in suffixes:
        raise OutputError(
            f"{out}: --out must end in {_either(suffixes)}; got {out.suffix or 'no suffix'!r}"
        )
    check_writable(out, marker=marker)


def _either(words: tuple[str, ...]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return " or ".join(words) if len(words) < 3 else f"{', '.join(words[:-1])} or {words[-1]}"


class QuotaRule(StrEnum):
    """How a product's plan is split among its enterprises."""

    capacity = "capacity"
    least_cost = "least_cost"


@app.command(name="quotas")
def quotas_command(
    economy: Annotated[
        Path | None, typer.Argument(help="Economy folder (default: the built-in example).")
    ] = None,
    enterprises: Annotated[
        Path,
        typer.Option(
            "--enterprises", "-e", help="CSV/Parquet enterprise,product,capacity[,unit_cost]."
        ),
    ] = (Path("enterprises.csv")),
    targets: Annotated[Path | None, typer.Option("--targets", "-t", help="Final demand.")] = None,
    rule: Annotated[QuotaRule, typer.Option(help="Split by capacity or least cost.")] = (
        QuotaRule.capacity
    ),
    years: Annotated[
        int | None, typer.Option(min=1, max=50, help="Quotas of a T-year plan.")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Quotas file (.csv or .parquet).")] = (
        Path("quotas.csv")
    ),
) -> None:
    """Split each product's planned output among its enterprises (totals kept exactly)."""
    _check_out(out, (".csv", ".parquet"))
    from gosplan.analysis.plan import enterprise_quotas
    from gosplan.report.plan import write_quotas

    result, first = enterprise_quotas(economy, enterprises, targets, rule=rule.value, years=years)
    write_quotas(result, out, first)
    over = int(result.over_capacity.sum())
    typer.echo(
        f"Quotas for {result.quota.shape[1]:,} enterprises over {result.quota.shape[0]} "
        f"year(s) written to {out}" + (f"; {over:,} quotas exceed capacity" if over else "")
    )


@app.command()
def generate(
    products: Annotated[
        int,
        typer.Option("--products", "-n", min=2, max=MAX_PRODUCTS, help="Number of products."),
    ] = 1000,
    inputs: Annotated[
        int,
        typer.Option(
            "--inputs", "-k", min=1, max=MAX_INPUTS, help="Mean number of inputs per product."
        ),
    ] = 20,
    seed: Annotated[
        int, typer.Option(min=0, max=MAX_SEED, help="Random seed (same seed, same bytes).")
    ] = 0,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write.")] = Path("economy"),
    fmt: Annotated[
        TableFormat,
        typer.Option("--format", help="Table format (auto: Parquet from 100,000 products)."),
    ] = TableFormat.auto,
    capital: Annotated[
        bool, typer.Option("--capital", help="Also write capital coefficients (for --years).")
    ] = False,
) -> None:
    """Write a synthetic, productive, realistically sparse economy with feasible targets."""
    from gosplan.analysis.generate import generate_files
    from gosplan.cli.progress import progress_bar

    # Columns drawn chunk by chunk, the balance solved, the files written.
    with progress_bar(f"Generating a {products:,}-product economy") as update:
        folder = generate_files(
            products, inputs, seed=seed, out=out, fmt=fmt.value, capital=capital,
            progress=update,
        )
    typer.echo(f"Wrote a {products:,}-product economy to {folder}")


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="Scenario name or file.")] = "ussr-1928",
    years: Annotated[str | None, typer.Option(help="FIRST:LAST, e.g. 1928:1937.")] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set", help="Change a policy or parameter: policy.NAME[.YEAR]=V, param.NAME=V."
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=MAX_SEED,
            help="Draw the weather from this seed (default: the scenario's weather).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Report folder [default: gosplan-report]."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    report: Annotated[
        bool | None,
        typer.Option(
            "--report/--no-report",
            help="Write the report folder (default: yes, except with --json and no --out).",
        ),
    ] = None,
    resolution: Annotated[
        str,
        typer.Option(
            help="Farm steps over regions (aggregate) or individual households (households)."
        ),
    ] = "aggregate",
    scale: Annotated[
        str | None,
        typer.Option(help="With households: simulate every N-th household, 1:N (default 1:1)."),
    ] = None,
) -> None:
    """Simulate a scenario against the record, and write a report folder."""
    from gosplan.analysis.run import parse_scale, parse_years, run_scenario
    from gosplan.report.html import REPORT_FILE, write_report

    # Drawing the report is most of a run's time: --json alone is for a program reading it.
    writes = report if report is not None else (not as_json or out is not None)
    folder = out if out is not None else Path("gosplan-report")
    if writes:
        _check_out(folder, marker=REPORT_FILE)
    from gosplan.report.simulation import run_summary, run_table

    # Bars go to stderr on a terminal only, and never with --json.
    result = _with_progress(
        "Simulating",
        lambda: run_scenario(
            scenario,
            years=parse_years(years),
            sets=sets or (),
            seed=seed,
            resolution=resolution,
            scale=None if scale is None else parse_scale(scale),
        ),
        enabled=not as_json,
    )
    if writes:
        folder = _with_progress(
            "Drawing the report", lambda: write_report(result, folder), enabled=not as_json
        )
    if as_json:
        typer.echo(json.dumps(run_summary(result), allow_nan=False))
        return
    from rich.console import Console

    console = Console()
    Console(width=max(console.width, 100)).print(run_table(result))
    if writes:
        typer.echo(f"Report written to {folder / 'report.html'}")


@app.command()
def compare(
    scenarios: Annotated[list[str], typer.Argument(help="Two or more scenarios.")],
    years: Annotated[
        str | None,
        typer.Option(help="Years: FIRST:LAST, a list, or both, e.g. 1928:1937 or 1928:1930,1935."),
    ] = None,
    sets: Annotated[list[str] | None, typer.Option("--set", help="As for run.")] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o",
            help="Write the tidy table (scenario, series, unit, year, value): .csv, .parquet "
            "or .json.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Scenarios side by side: the same series, the same years."""
    _check_out(out, (".csv", ".parquet", ".json"))
    from gosplan.analysis.compare import compare as compare_runs
    from gosplan.analysis.compare import comparison_table, parse_year_list
    from gosplan.cli.progress import progress_bar
    from gosplan.report.compare import comparison_renderable, write_comparison

    if years is not None:
        parse_year_list(years)  # checked here, to name the flag
    with progress_bar("Scenarios", enabled=not as_json) as update:
        comparison = compare_runs(scenarios, years=years, sets=sets or (), progress=update)
    if out is not None:
        write_comparison(comparison, out)
    if as_json:
        typer.echo(json.dumps(comparison.to_dict(), allow_nan=False))
        return
    from rich.console import Console

    Console(width=max(Console().width, 100)).print(
        comparison_renderable(comparison_table(comparison))
    )
    if out is not None:
        typer.echo(f"Comparison written to {out}")


@app.command()
def calibrate(
    scenario: Annotated[
        str, typer.Argument(help="Scenario whose parameters to fit.")
    ] = "ussr-1928",
    max_evaluations: Annotated[
        int, typer.Option(min=1, max=MAX_EVALUATIONS, help="Least-squares iterations.")
    ] = 30,
    out: Annotated[Path, typer.Option("--out", "-o", help="Parameters file to write.")] = Path(
        "calibrated-parameters.toml"
    ),
) -> None:
    """Fit the calibrated parameters to 1928-1932 (never later) and write the parameters file."""
    _check_out(out)
    from gosplan.analysis.calibrate import calibrate as fit
    from gosplan.analysis.calibrate import write_calibrated
    from gosplan.cli.progress import calibration_bar
    from gosplan.report.calibration import calibration_renderable

    # A bar with the runs made and the loss so far (drawn only on a terminal).
    with calibration_bar(max_evaluations) as tick:
        result = fit(scenario, max_evaluations=max_evaluations, progress=tick)
    path = write_calibrated(scenario, result, out)
    from rich.console import Console

    Console(width=max(Console().width, 100)).print(calibration_renderable(result))
    typer.echo(f"Parameters written to {path}")


@app.command()
def scenarios() -> None:
    """List the built-in scenarios and counterfactuals."""
    from gosplan.scenarios.simfiles import builtin_scenarios, load_scenario

    for name in builtin_scenarios():
        sc = load_scenario(name)
        first, last = sc.spec.years[0], sc.spec.years[-1]
        typer.echo(f"{name:26} {first}-{last}  {sc.title}")


# Commands kept in their own modules of this package, registered here.
from gosplan.cli import exhibit as _exhibit  # noqa: E402

app.command(name="exhibit")(_exhibit.exhibit)
from gosplan.cli import ensemble as _ensemble  # noqa: E402

app.command(name="ensemble")(_ensemble.ensemble)
app.command(name="sensitivity")(_ensemble.sensitivity)
from gosplan.cli import catalogue as _catalogue  # noqa: E402

app.command(name="levers")(_catalogue.levers)
app.command(name="params")(_catalogue.params)
app.command(name="datasets")(_catalogue.datasets)
from gosplan.cli import schema as _schema  # noqa: E402

app.command(name="schema")(_schema.schema)

def main(argv: list[str] | None = None) -> int:
    """Run the command line; return (and exit with) its status.

    The contract (:mod:`gosplan.cli.errors`): one line on stderr for every failure; exit 2 for
    a bad command line or input, 1 for a bug, 130 for Ctrl+C; ``--debug`` adds tracebacks.
    """
    from typer._click.exceptions import ClickException

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args[: args.index("--") if "--" in args else len(args)]
    _state["debug"] = False
    try:
        # Not standalone: the parser's own errors come here to be put on one line.
        rv = app(args=args, prog_name="gosplan", standalone_mode=False)
        code = rv if isinstance(rv, int) else 0
    except ClickException as exc:
        code = INPUT
        typer.echo(usage_line(exc, _command(args)), err=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except (KeyboardInterrupt, typer.Abort):  # Abort: the parser's word for Ctrl+D
        code = INTERRUPTED
    except BrokenPipeError:
        code = BUG  # the reader went away (``| head``): nothing more to say to it
    except Exception as exc:
        line, code = describe(exc)
        if debug or _state["debug"]:
            traceback.print_exc()
        typer.echo(line, err=True)
    if code == INTERRUPTED:
        typer.echo("gosplan: interrupted; every output is written whole or not at all", err=True)
    if argv is None:
        sys.exit(code)
    return code


def _command(args: list[str]) -> str:
    """``gosplan CMD`` for the first command name among ``args`` (for a message)."""
    names = {c.name or c.callback.__name__ for c in app.registered_commands if c.callback}
    for arg in args:
        if arg in names:
            return f"gosplan {arg}"
    return "gosplan"

"""``gosplan plan --economy NAME``: plan a built-in economy (docs/supply-use.md)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

__all__ = ["plan_named"]


def plan_named(
    name: str,
    folder: Path | None,
    targets: Path | None,
    method: str,
    solver: str,
    tol: float,
    lp: str,
    time_limit: float | None,
    out: Path | None,
    as_json: bool,
    years: int | None,
) -> Path | None:
    """Plan the economy ``name``; or return its folder for ``gosplan plan`` to go on with.

    The 1928 economy is an economy folder: every kind of plan applies to it, so its folder
    goes back to the caller. A supply and use table gets a balanced plan of its square
    (industry technology) economy, or with ``--method optimal`` an activity plan over its
    industries and trade; both with the table's own final demand unless ``--targets``.
    """
    from gosplan.errors import ParameterError
    from gosplan.scenarios.economies import ECONOMIES, check_economy_name, economy_folder

    check_economy_name(name, "--economy")
    if folder is not None:
        raise ParameterError(f"--economy: give an economy folder or --economy, not both; got "
                             f"{str(folder)!r} and {name!r}")
    if not ECONOMIES[name].supply_use:
        return economy_folder(name)
    if lp == "prices" and method != "optimal":
        raise ParameterError(f"--lp-method: prices coordinates optimal plans; --economy {name} "
                             f"with --method {method} needs none (leave --lp-method out)")
    if years is not None or method == "harmony":
        raise ParameterError(f"--economy {name}: a supply and use table has balanced and "
                             "optimal one-year plans only: leave out --years and use "
                             "--method balance or optimal")
    if method == "optimal":
        _activity(name, targets, lp, time_limit, out, as_json)
    else:
        _balanced(name, targets, solver, tol, out, as_json)
    return None


def _balanced(name: str, targets: Path | None, solver: str, tol: float, out: Path | None,
              as_json: bool) -> None:
    from gosplan.analysis.plan import PlanRun
    from gosplan.cli.show import show_balanced_plan
    from gosplan.core.balance import balance
    from gosplan.scenarios.economies import builtin_economy, economy_folder
    from gosplan.scenarios.loader import read_targets

    economy, y = builtin_economy(name)
    if targets is not None:
        y = read_targets(targets, economy)
    result = balance(economy, y, solver=solver, tol=tol)  # type: ignore[arg-type]
    result.raise_for_status()
    folder = economy_folder(name)
    # Without --targets the final demand is the table's own, in its folder.
    run = PlanRun(economy, y, result, folder, targets or folder)
    show_balanced_plan(run, out, as_json)


def _activity(name: str, targets: Path | None, lp: str, time_limit: float | None,
              out: Path | None, as_json: bool) -> None:
    from gosplan.cli import prices_apply
    from gosplan.core.activity_diagnosis import explain_activity_plan
    from gosplan.core.activity_plan import activity_plan
    from gosplan.errors import ParameterError
    from gosplan.scenarios.activity_files import read_activity_targets
    from gosplan.scenarios.economies import builtin_activity_economy

    if out is not None:
        raise ParameterError(f"--economy {name}: an activity plan is printed, not written: "
                             "leave out --out (use --json)")
    if lp == "closed_form":
        raise ParameterError("--lp-method: closed_form solves square economies only; an activity "
                             "economy needs simplex, ipm, pdlp or prices")
    economy, y = builtin_activity_economy(name)
    prices_apply(economy, lp, f"--economy {name}")
    goal = y if targets is None else read_activity_targets(targets, economy)
    result = activity_plan(economy, goal, lp_method=lp, time_limit=time_limit)  # type: ignore[arg-type]
    if as_json:
        from gosplan.report.activities import activity_summary

        # Names and units beside the numbers, as for an activity-economy folder.
        typer.echo(json.dumps(activity_summary(economy, result), allow_nan=False))
        return
    for line in explain_activity_plan(economy, result):
        typer.echo(line)

"""The planning workflow: read an economy and targets, balance, judge feasibility."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gosplan.core.balance import Solver, balance
from gosplan.core.economy import Economy
from gosplan.core.result import BalanceResult, renamed_keyword
from gosplan.errors import InputFileError
from gosplan.scenarios.builtin import builtin_path
from gosplan.scenarios.loader import read_economy, read_targets

__all__ = [
    "OptimalRun",
    "PlanRun",
    "balanced_plan",
    "find_targets",
    "optimal_or_harmony",
    "optimal_summary",
    "plan_summary",
]


@dataclass(frozen=True, slots=True, eq=False)
class PlanRun:
    """A balanced plan together with what it was made from."""

    economy: Economy
    targets: NDArray[np.float64]
    result: BalanceResult
    economy_path: Path
    targets_path: Path


def find_targets(economy_path: Path, targets: str | Path | None) -> Path:
    """The targets file: as given, else ``targets.csv`` or ``targets.parquet`` in the folder."""
    if targets is not None:
        return Path(targets)
    folder = economy_path if economy_path.is_dir() else economy_path.parent
    for name in ("targets.csv", "targets.parquet", "targets.toml"):
        if (folder / name).is_file():
            return folder / name
    raise InputFileError(
        f"{folder}: no targets given and no targets.csv in the economy folder (use --targets FILE)"
    )


def balanced_plan(
    economy_path: str | Path | None = None,
    targets_path: str | Path | None = None,
    *,
    solver: Solver = "auto",
    tol: float = 1e-9,
    verbose: bool = False,
    method: Solver | None = None,
) -> PlanRun:
    """Read an economy folder and its targets and compute the balanced plan.

    With no ``economy_path`` the built-in example economy is used (the USSR in 1928, with
    the First Five-Year Plan's targets for 1932/33 as final demand). ``solver``, ``tol``
    and ``verbose`` are :func:`~gosplan.core.balance.balance`'s; ``method`` is the
    deprecated name of ``solver``.
    """
    solver = renamed_keyword("balanced_plan", "method", "solver", method, solver, "auto")
    path = builtin_path() if economy_path is None else Path(economy_path)
    economy = read_economy(path)
    tpath = find_targets(path, targets_path)
    targets = read_targets(tpath, economy)
    result = balance(economy, targets, solver=solver, tol=tol, verbose=verbose)
    return PlanRun(economy, targets, result, path, tpath)


def plan_summary(run: PlanRun) -> dict[str, Any]:
    """The plan as one JSON-ready object (``gosplan plan --json``)."""
    r, e = run.result, run.economy
    ids = e.products.tolist()
    valuations = r.valuations
    return {
        "economy": e.name,
        "products": e.n,
        "status": str(r.status),
        "solver": r.solver,
        "iterations": r.iterations,
        "residual": r.residual,
        "tolerance": r.tolerance,
        "feasible": r.feasible,
        "gross_output": dict(zip(ids, r.gross_output.tolist(), strict=True)),
        "final_demand": dict(zip(ids, r.final_demand.tolist(), strict=True)),
        "valuations": None
        if valuations is None
        else dict(zip(ids, valuations.tolist(), strict=True)),
        "labour_required": r.labour_required,
        "labour_available": r.labour_available if np.isfinite(r.labour_available) else None,
        "labour_shortfall": r.labour_shortfall,
        "labour_unit": e.labour_unit,
        "units": dict(zip(ids, e.units, strict=True)),
        "over_capacity": [
            {
                "product": ids[i],
                "required": float(r.gross_output[i]),
                "capacity": float(r.capacity[i]),
                "excess": float(r.gross_output[i] - r.capacity[i]),
                "unit": e.units[i],
            }
            for i in np.flatnonzero(np.isin(e.products, r.over_capacity)).tolist()
        ],
    }


@dataclass(frozen=True, slots=True, eq=False)
class OptimalRun:
    """An optimal (or harmony) plan, its diagnosis, and what it was made from."""

    economy: Economy
    targets: NDArray[np.float64]
    plan: Any
    """:class:`~gosplan.core.plan_result.OptimalPlan` or
    :class:`~gosplan.core.harmony.HarmonyPlan`."""
    diagnosis: Any
    """:class:`~gosplan.core.diagnose.Diagnosis` of the targets."""
    method: str


def optimal_or_harmony(
    economy_path: str | Path | None = None,
    targets_path: str | Path | None = None,
    *,
    method: str = "optimal",
    lp_method: str = "simplex",
    time_limit: float | None = None,
    verbose: bool = False,
) -> OptimalRun:
    """The best plan the economy can carry: Kantorovich's LP, or Cockshott's harmony method.

    The diagnosis (how far the targets can be met, what binds, how much each limit must
    grow) comes with it either way. ``verbose`` writes the solvers' logs to standard error.
    """
    from gosplan.core.diagnose import diagnose
    from gosplan.core.harmony import harmony_plan
    from gosplan.core.optimal import optimal_plan

    path = builtin_path() if economy_path is None else Path(economy_path)
    economy = read_economy(path)
    targets = read_targets(find_targets(path, targets_path), economy)
    if method == "harmony":
        plan: Any = harmony_plan(economy, targets, time_limit=time_limit, verbose=verbose)
        diagnosis = diagnose(
            economy,
            targets,
            lp_method=lp_method,  # type: ignore[arg-type]
            time_limit=time_limit,
            verbose=verbose,
        )
    else:
        plan = optimal_plan(
            economy,
            targets,
            lp_method=lp_method,  # type: ignore[call-overload]
            time_limit=time_limit,
            verbose=verbose,
        )
        plan.raise_for_status()
        diagnosis = diagnose(economy, targets, plan)
    return OptimalRun(economy, targets, plan, diagnosis, method)


def optimal_summary(run: OptimalRun) -> dict[str, Any]:
    """The optimal or harmony plan as one JSON-ready object."""
    e, p = run.economy, run.plan
    ids = e.products.tolist()

    def by_product(values: Any) -> dict[str, float] | None:
        if values is None:
            return None
        return dict(zip(ids, np.asarray(values, dtype=float).tolist(), strict=True))

    doc: dict[str, Any] = dict(run.diagnosis.to_dict())
    doc.update(
        {
            "economy": e.name,
            "method": run.method,
            "lp_method": getattr(p, "lp_method", None),
            "status": str(p.status),
            "fulfilment": float(p.fulfilment) if p.fulfilment is not None else None,
            "gross_output": by_product(p.gross_output),
            "final_demand": by_product(p.final_demand),
            "valuations": {
                "products": by_product(p.valuations),
                "capacities": by_product(p.capacity_valuations),
                "labour": None if p.labour_valuation is None else float(p.labour_valuation),
            },
            "iterations": int(p.iterations),
            "sentences": run.diagnosis.sentences(),
        }
    )
    if run.method == "harmony":
        doc["optimal_fulfilment"] = run.diagnosis.fulfilment
    return doc


@dataclass(frozen=True, slots=True, eq=False)
class MultiYearRun:
    """A T-year plan and what it was made from."""

    economy: Economy
    targets: NDArray[np.float64]
    plan: Any
    """:class:`~gosplan.core.multiyear.MultiYearPlan`."""
    first_year: int


def five_year_plan(
    economy_path: str | Path | None = None,
    targets_path: str | Path | None = None,
    *,
    years: int | None = 5,
    lag: int = 1,
    revise: bool = False,
    first_year: int | None = None,
    lp_method: str = "simplex",
    time_limit: float | None = None,
    objective: str | None = None,
    cockshott: str | Path | None = None,
) -> MultiYearRun:
    """Plan output and investment over ``years`` years (see docs/multiyear.md).

    From an economy folder: its targets (the same every year, or by year where the
    targets file has a ``year`` column), and beside it ``labour_path.csv``,
    ``capital_stock.csv`` and ``depreciation.csv`` where present
    (:mod:`gosplan.scenarios.multiyear_files`). Or, with ``cockshott``, from the folder of
    Cockshott's four tables (:mod:`gosplan.scenarios.cockshott`), planned as his planner
    plans them. ``years=None`` takes as many years as the targets give. ``objective``:
    ``"min"``, ``"final"`` or ``"sum"`` (default ``"min"``; ``"sum"``, his, with
    ``cockshott``). ``first_year`` numbers the years; default: the targets file's years,
    else the economy's ``year``, else 1.
    """
    from gosplan.core.multiyear import multiyear_plan
    from gosplan.scenarios.multiyear_files import read_multiyear_files

    if cockshott is not None:
        return _cockshott_plan(cockshott, years=years, first_year=first_year,
                               lp_method=lp_method, time_limit=time_limit,
                               objective=objective or "sum", revise=revise, lag=lag)
    path = builtin_path() if economy_path is None else Path(economy_path)
    economy = read_economy(path)
    tpath = find_targets(path, targets_path)
    folder = path if path.is_dir() else path.parent
    files = read_multiyear_files(folder, economy, tpath, years)
    targets = read_targets(tpath, economy) if files.targets is None else files.targets
    plan = multiyear_plan(
        economy,
        targets,
        years=years if files.targets is None else None,
        lag=lag,
        revise=revise,
        objective=objective or "min",  # type: ignore[arg-type]
        lp_method=lp_method,  # type: ignore[arg-type]
        time_limit=time_limit,
        first_year=first_year if first_year is not None else files.first_year,
        labour_path=files.labour_path,
        capital_stock=files.capital_stock,
        capital_depreciation=files.capital_depreciation,
    )
    plan.raise_for_status()
    return MultiYearRun(economy, targets, plan, plan.first_year)


def _cockshott_plan(folder: str | Path, *, years: int | None, first_year: int | None,
                    lp_method: str, time_limit: float | None, objective: str, revise: bool,
                    lag: int) -> MultiYearRun:
    """A plan of an economy in Cockshott's format: his years, labour and capital."""
    from gosplan.core.multiyear import multiyear_plan
    from gosplan.scenarios.cockshott import read_cockshott

    got = read_cockshott(folder)
    T = got.targets.shape[0]
    if years is not None and years != T:
        raise InputFileError(f"{folder}: labtarg.csv holds {T} years; --years asks for {years}")
    plan = multiyear_plan(
        got.economy, got.targets, lag=lag, revise=revise,
        objective=objective,  # type: ignore[arg-type]
        lp_method=lp_method,  # type: ignore[arg-type]
        time_limit=time_limit, first_year=got.first_year if first_year is None else first_year,
        labour_path=got.labour_path, capital_stock=got.capital_stock,
        capital_depreciation=got.capital_depreciation,
    )
    plan.raise_for_status()
    return MultiYearRun(got.economy, got.targets, plan, plan.first_year)


def enterprise_quotas(
    economy_path: str | Path | None,
    enterprises_path: str | Path,
    targets_path: str | Path | None = None,
    *,
    rule: str = "capacity",
    years: int | None = None,
    lag: int = 1,
) -> tuple[Any, int]:
    """Each enterprise's quota: the balanced plan (or a T-year plan) split among enterprises.

    Returns the :class:`~gosplan.core.quotas.Quotas` and the first year's number.
    """
    from gosplan.core.quotas import quotas
    from gosplan.scenarios.loader import read_enterprises

    path = builtin_path() if economy_path is None else Path(economy_path)
    first = 1
    if years is None:
        run = balanced_plan(path, targets_path)
        run.result.raise_for_status()
        economy, output = run.economy, run.result.gross_output
    else:
        multi = five_year_plan(path, targets_path, years=years, lag=lag)
        economy, output = multi.economy, np.asarray(multi.plan.gross_output)
        first = multi.plan.first_year  # calendar years, as the plan numbers them
    enterprises = read_enterprises(enterprises_path, economy)
    return quotas(output, enterprises, rule=rule), first  # type: ignore[arg-type]

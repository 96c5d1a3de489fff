"""The planning workflow: read an economy and targets, balance, judge feasibility."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gosplan.core.balance import Method, balance
from gosplan.core.economy import Economy
from gosplan.core.result import BalanceResult
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
    method: Method = "auto",
    tol: float = 1e-9,
) -> PlanRun:
    """Read an economy folder and its targets and compute the balanced plan.

    With no ``economy_path`` the built-in example economy is used (the USSR in 1928, with
    the First Five-Year Plan's targets for 1932/33 as final demand).
    """
    path = builtin_path() if economy_path is None else Path(economy_path)
    economy = read_economy(path)
    tpath = find_targets(path, targets_path)
    targets = read_targets(tpath, economy)
    result = balance(economy, targets, method=method, tol=tol)
    return PlanRun(economy, targets, result, path, tpath)


def plan_summary(run: PlanRun) -> dict[str, Any]:
    """The plan as one JSON-ready object (``gosplan plan --json``)."""
    r, e = run.result, run.economy
    ids = e.products.tolist()
    labour_values = r.labour_values
    return {
        "economy": e.name,
        "products": e.n,
        "status": str(r.status),
        "method": r.method,
        "iterations": r.iterations,
        "residual": r.residual,
        "tolerance": r.tolerance,
        "feasible": r.feasible,
        "gross_output": dict(zip(ids, r.gross_output.tolist(), strict=True)),
        "final_demand": dict(zip(ids, r.final_demand.tolist(), strict=True)),
        "labour_values": None
        if labour_values is None
        else dict(zip(ids, labour_values.tolist(), strict=True)),
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
            for i in r.over_capacity.tolist()
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
) -> OptimalRun:
    """The best plan the economy can carry: Kantorovich's LP, or Cockshott's harmony method.

    The diagnosis (how far the targets can be met, what binds, how much each limit must
    grow) comes with it either way.
    """
    from gosplan.core.diagnose import diagnose
    from gosplan.core.harmony import harmony_plan
    from gosplan.core.optimal import optimal_plan

    path = builtin_path() if economy_path is None else Path(economy_path)
    economy = read_economy(path)
    targets = read_targets(find_targets(path, targets_path), economy)
    if method == "harmony":
        plan: Any = harmony_plan(economy, targets, time_limit=time_limit)
        diagnosis = diagnose(
            economy,
            targets,
            method=lp_method,  # type: ignore[arg-type]
            time_limit=time_limit,
        )
    else:
        plan = optimal_plan(
            economy,
            targets,
            method=lp_method,  # type: ignore[call-overload]
            time_limit=time_limit,
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
            "status": str(p.status),
            "fulfilment": float(p.fulfilment) if p.fulfilment is not None else None,
            "gross_output": by_product(p.gross_output),
            "final_use": by_product(p.final_use),
            "valuations": {
                "products": by_product(p.product_prices),
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
    years: int = 5,
    lag: int = 1,
    revise: bool = False,
    first_year: int = 1,
    lp_method: str = "simplex",
    time_limit: float | None = None,
) -> MultiYearRun:
    """Plan output and investment over ``years`` years for the same target assortment."""
    from gosplan.core.multiyear import multiyear_plan

    path = builtin_path() if economy_path is None else Path(economy_path)
    economy = read_economy(path)
    targets = read_targets(find_targets(path, targets_path), economy)
    plan = multiyear_plan(
        economy,
        targets,
        years=years,
        lag=lag,
        revise=revise,
        method=lp_method,  # type: ignore[arg-type]
        time_limit=time_limit,
    )
    plan.raise_for_status()
    return MultiYearRun(economy, targets, plan, first_year)


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
    if years is None:
        run = balanced_plan(path, targets_path)
        run.result.raise_for_status()
        economy, output = run.economy, run.result.gross_output
    else:
        multi = five_year_plan(path, targets_path, years=years, lag=lag)
        economy, output = multi.economy, np.asarray(multi.plan.output)
    enterprises = read_enterprises(enterprises_path, economy)
    return quotas(output, enterprises, rule=rule), 1  # type: ignore[arg-type]

"""A balanced plan for people (a terminal table and sentences) and for files."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from gosplan.analysis.plan import PlanRun, plan_summary
from gosplan.errors import OutputError
from gosplan.scenarios.atomic import atomic_file, write_text

__all__ = ["MAX_ROWS", "fmt", "plan_frame", "plan_renderable", "write_plan"]

#: Rows shown in the terminal; the rest go to ``--out``.
MAX_ROWS = 25


def fmt(value: float) -> str:
    """A number as a person reads it: 4 significant digits, thousands separated."""
    if not math.isfinite(value):
        return "unlimited" if value > 0 else str(value)
    if value == 0:
        return "0"
    digits = max(0, 3 - math.floor(math.log10(abs(value))))
    return f"{value:,.{digits}f}"


def plan_frame(run: PlanRun) -> pd.DataFrame:
    """One row per product: demand, output, capacity, its use, labour value."""
    r, e = run.result, run.economy
    with np.errstate(divide="ignore", invalid="ignore"):
        use = np.where(
            np.isfinite(r.capacity) & (r.capacity > 0), r.gross_output / r.capacity, np.nan
        )
    frame = pd.DataFrame(
        {
            "product": e.products,
            "name": list(e.names),
            "unit": list(e.units),
            "final_demand": r.final_demand,
            "gross_output": r.gross_output,
            "capacity": r.capacity,
            "capacity_use": use,
        }
    )
    if r.valuations is not None:
        frame["valuations"] = r.valuations
    return frame


def plan_renderable(run: PlanRun) -> RenderableType:
    """The plan as a rich table followed by the feasibility verdict in words."""
    r, e = run.result, run.economy
    title = (
        f"Balanced plan: {e.name} ({e.n:,} products) — {r.solver} solve, "
        f"{r.iterations} iterations, residual {r.residual:.2g}"
    )
    table = Table(title=title, title_justify="left")
    for col, justify in (
        ("product", "left"),
        ("unit", "left"),
        ("final demand", "right"),
        ("gross output", "right"),
        ("capacity", "right"),
        ("use", "right"),
        ("labour value", "right"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    with np.errstate(divide="ignore", invalid="ignore"):
        use = r.gross_output / r.capacity
    values = r.valuations
    over = set(r.over_capacity.tolist())
    for i in range(min(e.n, MAX_ROWS)):
        share = f"{use[i]:.0%}" if np.isfinite(use[i]) else ""
        style = "bold red" if str(e.products[i]) in over else None
        lv = "" if values is None else fmt(float(values[i]))
        table.add_row(
            e.names[i],
            e.units[i],
            fmt(float(r.final_demand[i])),
            fmt(float(r.gross_output[i])),
            fmt(float(r.capacity[i])),
            share,
            lv,
            style=style,
        )
    parts: list[RenderableType] = [table]
    if e.n > MAX_ROWS:
        parts.append(Text(f"… {e.n - MAX_ROWS:,} more products (write them all with --out)"))
    parts.append(Text("\n".join(verdict(run))))
    return Group(*parts)


def verdict(run: PlanRun) -> list[str]:
    """Sentences on feasibility: which branches exceed capacity, and labour."""
    r, e = run.result, run.economy
    lines = []
    over = np.flatnonzero(np.isin(e.products, r.over_capacity))  # positions, in product order
    if over.size:
        order = over[np.argsort(-(r.gross_output[over] / r.capacity[over]), kind="stable")]
        lines.append(
            f"Not feasible with present capacities: {over.size:,} branch"
            f"{'es' if over.size > 1 else ''} would have to exceed capacity."
        )
        for i in order[:MAX_ROWS].tolist():
            need, cap, unit = r.gross_output[i], r.capacity[i], e.units[i]
            lines.append(
                f"  {e.names[i]}: needs {fmt(need)} {unit} against a capacity of "
                f"{fmt(cap)} {unit} (+{fmt(need - cap)} {unit}, "
                f"{need / cap:.0%} of capacity)"
                if cap > 0
                else f"  {e.names[i]}: needs {fmt(need)} {unit} and has no capacity"
            )
    else:
        lines.append("Every branch is within its capacity.")
    unit = e.labour_unit or "labour units"
    if math.isfinite(r.labour_available):
        state = (
            f"short by {fmt(r.labour_shortfall)}"
            if r.labour_shortfall > 0
            else "within what is available"
        )
        lines.append(
            f"Labour: the plan needs {fmt(r.labour_required)} {unit} of "
            f"{fmt(r.labour_available)} available ({state})."
        )
    else:
        lines.append(f"Labour: the plan needs {fmt(r.labour_required)} {unit}.")
    return lines


def write_plan(run: PlanRun, path: str | Path) -> Path:
    """Write the plan to ``path``: ``.json`` (the summary), ``.csv`` or ``.parquet`` (a table)."""
    return _write(path, lambda: plan_summary(run), lambda: plan_frame(run))


def _write(
    path: str | Path, summary: Callable[[], dict[str, Any]], frame: Callable[[], pd.DataFrame]
) -> Path:
    """Write a summary as ``.json`` or a table as ``.csv``/``.parquet``, atomically."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".json":
        write_text(target, json.dumps(summary(), indent=2, allow_nan=False) + "\n")
        return target
    if suffix not in (".csv", ".parquet"):
        raise OutputError(f"{target}: --out must end in .csv, .parquet or .json; got {suffix!r}")
    table = frame()
    with atomic_file(target) as tmp:
        if suffix == ".csv":
            table.to_csv(tmp, index=False)
        else:
            table.to_parquet(tmp, index=False)
    return target


def optimal_renderable(run: Any) -> RenderableType:
    """An optimal or harmony plan: the diagnosis in words, then the plan by product."""
    e, p = run.economy, run.plan
    title = (
        f"{'Harmony' if run.method == 'harmony' else 'Optimal'} plan: {e.name} "
        f"({e.n:,} products) — fulfilment {p.fulfilment:.1%}, {p.iterations} iterations"
    )
    table = Table(title=title, title_justify="left")
    for col in ("product", "unit", "target", "final demand", "gross output", "capacity",
                "valuation"):
        table.add_column(col, justify="left" if col in ("product", "unit") else "right")
    prices = p.valuations
    for i in range(min(e.n, MAX_ROWS)):
        table.add_row(
            e.names[i],
            e.units[i],
            fmt(float(run.targets[i])),
            fmt(float(p.final_demand[i])),
            fmt(float(p.gross_output[i])),
            fmt(float(e.capacity[i])),
            "" if prices is None else f"{float(prices[i]):.4g}",
        )
    parts: list[RenderableType] = [table]
    if e.n > MAX_ROWS:
        parts.append(Text(f"… {e.n - MAX_ROWS:,} more products (write them all with --out)"))
    if run.method == "harmony":
        parts.append(
            Text(
                f"The LP optimum is {run.diagnosis.fulfilment:.1%}; harmony reaches "
                f"{p.fulfilment:.1%}."
                + ("" if str(p.status) == "converged" else
                   f" Its search stopped before converging ({p.status}, duality gap "
                   f"{p.duality_gap:.3g}): the plan is feasible but may not be the one of "
                   "greatest harmony.")
            )
        )
    parts.append(Text("\n".join(run.diagnosis.sentences())))
    return Group(*parts)


def write_optimal(run: Any, path: str | Path) -> Path:
    """Write an optimal or harmony plan: ``.json`` (the summary), ``.csv`` or ``.parquet``."""
    from gosplan.analysis.plan import optimal_summary

    def frame() -> pd.DataFrame:
        e, p = run.economy, run.plan
        table = pd.DataFrame(
            {
                "product": e.products,
                "name": list(e.names),
                "unit": list(e.units),
                "target": run.targets,
                "final_demand": p.final_demand,
                "gross_output": p.gross_output,
                "capacity": e.capacity,
            }
        )
        if p.valuations is not None:
            table["valuations"] = p.valuations
        return table

    return _write(path, lambda: optimal_summary(run), frame)


def multiyear_renderable(run: Any) -> RenderableType:
    """A T-year plan: fulfilment and investment (or, by good, capacity) by branch, by year."""
    e, p = run.economy, run.plan
    goal = {"min": "worst year", "final": "last year", "sum": "sum of fulfilments",
            "weighted": "weighted years"}.get(p.objective, p.objective)
    table = Table(
        title=f"{p.years}-year plan {p.first_year}–{p.first_year + p.years - 1}: {e.name} — "
        f"construction lag {p.lag} year{'s' if p.lag > 1 else ''}, maximising the {goal}"
        f"{', revised yearly' if p.revised else ''}",
        title_justify="left",
    )
    table.add_column("year")
    table.add_column("fulfilment", justify="right")
    # Capital by good and branch has no single capacity started: show capacity instead.
    by_good = p.investment is None
    values = np.asarray(p.capacity)[: p.years] if by_good else np.asarray(p.investment)
    if by_good:
        shown = [i for i in range(e.n) if np.isfinite(values[:, i]).all()
                 and np.ptp(values[:, i]) > 0][:6]
    else:
        shown = [i for i in range(e.n) if np.any(values[:, i] > 0)][:6]
    for i in shown:
        unit = f" ({e.units[i]})" if e.units[i] else ""
        word = "capacity" if by_good else "new"
        table.add_column(f"{word} {e.names[i]}{'' if by_good else ' capacity'}{unit}",
                         justify="right")
    for t in range(p.years):
        table.add_row(
            str(p.first_year + t),
            f"{float(p.fulfilment[t]):.1%}",
            *(fmt(float(values[t, i])) for i in shown),
        )
    note = ("capacity is what each branch's stocks of capital goods allow."
            if by_good else "new capacity is what the plan starts building.")
    return Group(
        table,
        Text(f"Fulfilment is the share of the target assortment delivered each year; {note}"),
    )


def write_multiyear(run: Any, path: str | Path) -> Path:
    """Write a T-year plan: ``.json`` (the summary), ``.csv`` or ``.parquet`` (tidy rows)."""
    return _write(
        path, run.plan.to_dict, lambda: pd.DataFrame(run.plan.frame_rows(first_year=run.first_year))
    )


def quota_frame(q: Any, first_year: int = 1) -> pd.DataFrame:
    """Tidy quotas: enterprise, product, year, quota, capacity, over_capacity."""
    e = q.enterprises
    years, m = q.quota.shape
    return pd.DataFrame(
        {
            "enterprise": np.tile(e.ids, years),
            "product": np.tile(e.products[e.product], years),
            "year": np.repeat(np.arange(first_year, first_year + years), m),
            "quota": q.quota.reshape(-1),
            "capacity": np.tile(e.capacity, years),
            "over_capacity": q.over_capacity.reshape(-1),
        }
    )


def write_quotas(q: Any, path: str | Path, first_year: int = 1) -> Path:
    """Write quotas as ``.csv`` or ``.parquet`` (atomically)."""
    target = Path(path)
    if target.suffix.lower() not in (".csv", ".parquet"):
        raise OutputError(f"{target}: --out must end in .csv or .parquet; got {target.suffix!r}")
    return _write(target, dict, lambda: quota_frame(q, first_year))

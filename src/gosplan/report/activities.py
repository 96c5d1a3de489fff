"""A plan over activities for people (terminal tables) and for ``--json``: names and units."""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from gosplan.core.activities import ActivityEconomy
from gosplan.core.activity_diagnosis import TOLERANCE, explain_activity_plan
from gosplan.core.activity_result import ActivityPlan
from gosplan.report.plan import MAX_ROWS, fmt

__all__ = ["activity_renderable", "activity_summary", "valuation_unit"]


def valuation_unit(plan: ActivityPlan, unit: str) -> str:
    """What a valuation counts, per unit of what: ``"assortments per tonne"``."""
    worth = {"assortment": "assortments", "weighted": "weighted units",
             "harmony": "harmony"}.get(plan.objective, "objective")
    return f"{worth} per {unit or 'unit'}"


def _roles(plan: ActivityPlan) -> list[str]:
    """``chosen``, ``at capacity`` or ``idle`` for each activity."""
    assert plan.levels is not None
    scale = max(1.0, float(np.max(plan.levels, initial=0.0)))
    capacity = plan.capacity_valuations
    return ["idle" if level <= TOLERANCE * scale else
            "at capacity" if capacity is not None and capacity[j] > 0 else "chosen"
            for j, level in enumerate(plan.levels.tolist())]


def activity_summary(economy: ActivityEconomy, plan: ActivityPlan) -> dict[str, Any]:
    """The plan as plain JSON values (:meth:`ActivityPlan.to_dict`), with names and units.

    Adds ``economy`` (its name), ``units`` and ``names`` of products, activities and
    resources, the labour unit, ``valuation_units`` (what each kind of valuation counts),
    ``techniques`` (chosen, at capacity and idle activities, by id) and ``explanation``
    (the diagnosis in words).
    """
    out = plan.to_dict()
    out["economy"] = economy.name
    out["units"] = {
        "products": dict(zip(economy.products.tolist(), economy.units, strict=True)),
        "activities": dict(zip(economy.activities.tolist(), economy.activity_units,
                               strict=True)),
        "resources": dict(zip(economy.resources.tolist(), economy.resource_units,
                              strict=True)),
        "labour": economy.labour_unit,
    }
    out["names"] = {
        "products": dict(zip(economy.products.tolist(), economy.names, strict=True)),
        "activities": dict(zip(economy.activities.tolist(), economy.activity_names,
                               strict=True)),
    }
    out["valuation_units"] = {
        "products": valuation_unit(plan, "unit of the product"),
        "labour": valuation_unit(plan, economy.labour_unit or "unit of labour"),
        "resources": valuation_unit(plan, "unit of the resource"),
        "capacities": valuation_unit(plan, "unit of level"),
    }
    if plan.levels is not None:
        roles = _roles(plan)
        ids = economy.activities.tolist()
        out["techniques"] = {role: [a for a, r in zip(ids, roles, strict=True) if r == role]
                             for role in ("chosen", "at capacity", "idle")}
    out["explanation"] = list(explain_activity_plan(economy, plan))
    return out


def activity_renderable(economy: ActivityEconomy, plan: ActivityPlan) -> RenderableType:
    """Activities (level, role, cost and revenue at the valuations) and valuations.

    The diagnosis in words (:func:`~gosplan.core.activity_diagnosis.explain_activity_plan`)
    is left to the caller, to print as whole lines however wide.
    """
    if plan.levels is None or plan.valuations is None or plan.reduced_costs is None:
        return Text(f"No plan: {plan.status.value} ({plan.message}).")
    value = (f"fulfilment {plan.fulfilment:.6g}" if plan.objective == "assortment"
             else f"{plan.objective} {plan.objective_value:.6g}")
    gap = "" if plan.gap is None else f", certified gap {plan.gap:.2g}"
    title = (f"{plan.objective.capitalize()} plan over activities: "
             f"{economy.name or 'economy'} ({economy.m:,} activities) — {value}{gap}, "
             f"{plan.lp_method}")
    acts = Table(title=title, title_justify="left")
    for col in ("activity", "name", "unit", "level", "role", "cost", "revenue", "loss/unit"):
        acts.add_column(col, justify="left" if col in ("activity", "name", "unit", "role")
                        else "right")
    roles, costs = _roles(plan), plan.unit_costs
    cost = costs["inputs"] + costs["labour"] + costs["resources"]
    # Chosen activities first, then the idle ones: what the plan does, then what it forgoes.
    order = sorted(range(economy.m), key=lambda j: (roles[j] == "idle", j))
    for j in order[:MAX_ROWS]:
        loss = float(plan.reduced_costs[j])
        # Round-off of cost minus revenue is shown as the zero it is.
        noise = abs(loss) <= 1e-12 * max(1.0, float(cost[j]))
        acts.add_row(str(economy.activities[j]), economy.activity_names[j],
                     economy.activity_units[j], fmt(float(plan.levels[j])), roles[j],
                     f"{float(cost[j]):.4g}", f"{float(costs['revenue'][j]):.4g}",
                     "0" if noise else f"{loss:.4g}")
    parts: list[RenderableType] = [acts]
    if economy.m > MAX_ROWS:
        parts.append(Text(f"… {economy.m - MAX_ROWS:,} more activities (all of them with "
                          "--json)"))
    parts.append(_valuations(economy, plan))
    return Group(*parts)


def _valuations(economy: ActivityEconomy, plan: ActivityPlan) -> Table:
    """One row per valuation: products, labour, each resource, each binding capacity."""
    table = Table(title="Valuations", title_justify="left")
    for col in ("of", "id", "name", "valuation", "counted in"):
        table.add_column(col, justify="right" if col == "valuation" else "left")
    assert plan.valuations is not None
    for i in range(min(economy.n, MAX_ROWS)):
        unit = economy.units[i]
        table.add_row("product", str(economy.products[i]), economy.names[i],
                      f"{float(plan.valuations[i]):.6g}",
                      valuation_unit(plan, unit))
    if np.isfinite(economy.labour_available) and plan.labour_valuation is not None:
        table.add_row("labour", "labour", "", f"{plan.labour_valuation:.6g}",
                      valuation_unit(plan, economy.labour_unit))
    if plan.resource_valuations is not None:
        for k in range(economy.resources.shape[0]):
            table.add_row("resource", str(economy.resources[k]), "",
                          f"{float(plan.resource_valuations[k]):.6g}",
                          valuation_unit(plan, economy.resource_units[k]))
    if plan.capacity_valuations is not None:
        for j in np.flatnonzero(plan.capacity_valuations > 0)[:MAX_ROWS].tolist():
            table.add_row("capacity", str(economy.activities[j]), economy.activity_names[j],
                          f"{float(plan.capacity_valuations[j]):.6g}",
                          valuation_unit(plan, economy.activity_units[j]))
    return table

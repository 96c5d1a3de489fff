"""An optimal activity plan in a planner's words: what binds, what is chosen, what is idle and why.

A limit binds when the plan uses all of it and its valuation is positive: one more unit
would raise the optimum by the valuation. An activity is chosen when its level is
positive; at the valuations it then just breaks even (or earns its capacity's
valuation, at capacity). An idle activity is idle because at the valuations its cost,
inputs ``p · U_j`` plus labour ``v l_j`` plus resources ``u · R_j``, exceeds its revenue
``p · B_j``: the difference, its reduced cost, is what it would lose per unit of level.
"""

from __future__ import annotations

import numpy as np

from gosplan.core.activities import ActivityEconomy
from gosplan.core.activity_result import ActivityPlan
from gosplan.core.arguments import instance, integer
from gosplan.errors import ParameterError

__all__ = ["explain_activity_plan"]

#: Relative tolerance under which a limit counts as used up, and a level or loss as zero.
TOLERANCE = 1e-7


def _unit(word: str) -> str:
    return f" {word}" if word else ""


def explain_activity_plan(economy: ActivityEconomy, plan: ActivityPlan, *,
                          most: int | None = None) -> tuple[str, ...]:
    """Sentences on an optimal plan: the optimum, the limits that bind, chosen and idle activities.

    A plan without valuations (not optimal) gets one sentence saying so. ``most`` caps
    the sentences on activities (``None``: one per activity); a last sentence counts the
    rest.
    """
    instance(economy, ActivityEconomy, "economy", "explain_activity_plan")
    instance(plan, ActivityPlan, "plan", "explain_activity_plan")
    if most is not None:
        most = integer(most, "most", "explain_activity_plan", low=0, high=2**62)
    if plan.activities.tolist() != economy.activities.tolist() or (
            plan.resources.tolist() != economy.resources.tolist()):
        raise ParameterError("explain_activity_plan: plan must be a plan of this economy (its "
                             "activities and resources differ)")
    if (not plan.optimal or plan.levels is None or plan.reduced_costs is None
            or plan.resource_valuations is None or plan.resource_use is None
            or plan.capacity_valuations is None or plan.labour_valuation is None):
        return (f"No optimal plan to explain: the solve ended {plan.status.value} "
                f"({plan.message}).",)
    lines = []
    if plan.objective == "assortment" and plan.fulfilment is not None:
        lines.append(f"The plan delivers {plan.fulfilment:.6g} times the target assortment.")
    elif plan.objective == "harmony":
        lines.append(f"The plan's harmony is {plan.objective_value:.6g}; every target is met "
                     f"at least {plan.fulfilment:.6g} times.")
    else:
        lines.append(f"The plan's weighted final use is {plan.objective_value:.6g}.")
    if plan.gap is not None and plan.dual_bound is not None:
        per = " per targeted product" if plan.objective == "harmony" else ""
        lines.append(f"The valuations prove that no plan does better than {plan.dual_bound:.9g}"
                     f": the plan is within {plan.gap:.2g}{per} of the best.")
    if plan.labour_valuation > 0 and plan.labour_required is not None:
        lines.append(f"Labour binds: all {economy.labour_available:.6g}"
                     f"{_unit(economy.labour_unit)} are used; one more unit is worth "
                     f"{plan.labour_valuation:.6g}.")
    for k, resource in enumerate(economy.resources.tolist()):
        value = float(plan.resource_valuations[k])
        unit = _unit(economy.resource_units[k])
        if value > 0:
            lines.append(f"Resource {resource!r} binds: all {economy.available[k]:.6g}{unit} "
                         f"are used; one more unit is worth {value:.6g}.")
        elif np.isfinite(economy.available[k]):
            lines.append(f"Resource {resource!r} is not scarce: {plan.resource_use[k]:.6g} of "
                         f"{economy.available[k]:.6g}{unit} used; valued at 0.")
    scale = max(1.0, float(np.max(plan.levels, initial=0.0)))
    shown = economy.m if most is None else min(most, economy.m)
    for j, activity in enumerate(economy.activities.tolist()[:shown]):
        level = float(plan.levels[j])
        unit = _unit(economy.activity_units[j])
        if level > TOLERANCE * scale:
            at_capacity = plan.capacity_valuations[j] > 0
            tail = (f", at its capacity (worth {plan.capacity_valuations[j]:.6g} per unit more)"
                    if at_capacity else "")
            lines.append(f"Chosen: {activity!r} at level {level:.6g}{unit}{tail}.")
            continue
        loss = float(plan.reduced_costs[j])
        costs = plan.unit_costs
        if loss > TOLERANCE:
            lines.append(
                f"Idle: {activity!r} would lose {loss:.6g} per unit: at the valuations it "
                f"costs {costs['inputs'][j] + costs['labour'][j] + costs['resources'][j]:.6g} "
                f"(inputs {costs['inputs'][j]:.6g}, labour {costs['labour'][j]:.6g}, "
                f"resources {costs['resources'][j]:.6g}) and earns {costs['revenue'][j]:.6g}."
            )
        else:
            lines.append(f"Idle: {activity!r} breaks even at the valuations but is not "
                         "needed (an alternative optimum could use it).")
    if shown < economy.m:
        lines.append(f"… and {economy.m - shown:,} more activities (all of them with --json).")
    return tuple(lines)

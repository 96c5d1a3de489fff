"""The yearly planning step: quotas from the five-year targets, procurement and exports.

Equations (docs/model.md §1):

* final demand planned for year t, interpolated geometrically between the base year b and
  the plan's target year T:  ``y_t = a_t · y_b ⊙ (y_T / y_b)^((t-b)/(T-b))``, where ``a_t``
  is the plan's ambition lever and ``y_T`` switches to the raised variant when the
  revision lever is on;
* gross-output quotas from the engine's material balance: ``(I - A) Q_t = y_t``;
* procurement quota ``P*_t = π_t · v_t · Q_grain,t``: the plan's share of the harvest *it
  plans* (the 1931 plan asked 26.6 mt of a planned 97.9), times the year's decreed revision
  ``v_t`` (1931: cut to 22.7), split across regions in proportion to their
  sown areas weighted by ``w_r`` (the documented bias against Ukraine); from 1933 the
  compulsory deliveries ``P*_r = q · w_r · S_r`` per hectare sown replace it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

from gosplan.core.balance import balance
from gosplan.sim.agriculture import regional_yield_factors
from gosplan.sim.spec import INDUSTRY, SimSpec
from gosplan.sim.state import State

__all__ = ["AnnualPlan", "make_plan", "planned_final_demand"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class AnnualPlan:
    """What the planner orders for one year."""

    quotas: FloatArray
    """Gross-output quotas for the products of ``INDUSTRY``."""
    horizon_quotas: FloatArray
    """Quotas for the plan's final year: what capacity is being built towards."""
    harvest_plan: float
    """Grain harvest the plan calls for, mt."""
    procurement_quota: FloatArray
    """Grain procurement quota by region, mt, shape (3,)."""
    export_plan: float
    """Grain exports planned, mt."""


def _target_points(spec: SimSpec, year: int) -> list[tuple[int, FloatArray]]:
    raised = spec.policy.at("plan_raised", year) > 0.5
    base = spec.years[0] if spec.base_year is None else spec.base_year
    points = [(base, spec.base_final_demand)]
    for t in sorted(spec.targets):
        y = spec.raised_targets.get(t, spec.targets[t]) if raised else spec.targets[t]
        points.append((t, y))
    return points


def planned_final_demand(spec: SimSpec, year: int) -> tuple[FloatArray, FloatArray]:
    """Final demand planned for ``year`` and for the end of the current plan period."""
    points = _target_points(spec, year)
    ambition = spec.policy.at("plan_ambition", year)
    for (t0, y0), (t1, y1) in pairwise(points):
        if year <= t1 or t1 == points[-1][0]:
            frac = (year - t0) / (t1 - t0)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(y0 > 0, y1 / np.where(y0 > 0, y0, 1.0), 1.0)
            path = np.where(y0 > 0, y0 * ratio**frac, y0 + (y1 - y0) * frac)
            scale = 1.0 + (ambition - 1.0) * min(1.0, max(frac, 0.0))
            return path * scale, y1 * ambition
    raise AssertionError("unreachable: a spec has at least one target")


def make_plan(spec: SimSpec, state: State) -> AnnualPlan:
    """The annual plan for ``state.year``."""
    year, p, pol = state.year, spec.params, spec.policy
    y_t, y_T = planned_final_demand(spec, year)
    e = spec.economy
    q_t = balance(e, y_t, valuations=False).raise_for_status().gross_output
    q_T = balance(e, y_T, valuations=False).raise_for_status().gross_output
    idx = [e.index(pid) for pid in INDUSTRY]
    harvest_plan = float(q_t[e.index("grain")])
    weight = np.array([p["procurement_weight_ukraine"], 1.0, 1.0])
    share = weight * state.sown_area
    if pol.at("deliveries_by_area", year) > 0.5:
        # From 1933 deliveries were fixed per hectare of planned sowing, not per expected
        # crop, with norms set by zone from its normal yield (MODEL-NOTES M21): the Union's
        # mean norm, spread in proportion to each region's yield factor. The 1932 quotas'
        # weight on Ukraine does not carry into the new regime.
        share = regional_yield_factors(p) * state.sown_area
        quota = pol.at("procurement_per_ha", year) * float(state.sown_area.sum())
    else:
        # The plan's share of the harvest it plans, after the year's decreed revisions.
        demanded = pol.at("procurement_share", year) * pol.at("procurement_revision", year)
        quota = demanded * harvest_plan
    return AnnualPlan(
        quotas=q_t[idx],
        horizon_quotas=q_T[idx],
        harvest_plan=harvest_plan,
        procurement_quota=quota * share / share.sum(),
        export_plan=pol.at("grain_export_plan", year),
    )

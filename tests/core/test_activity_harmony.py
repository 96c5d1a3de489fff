"""Harmony over activities: tangent planes against a direct solve and the square planner."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import minimize

from gosplan import Economy
from gosplan.core.activities import ActivityEconomy
from gosplan.core.activity_harmony import activity_harmony_plan
from gosplan.core.activity_plan import activity_plan
from gosplan.core.harmony import harmony_plan
from gosplan.core.harmony_result import harmony
from gosplan.core.plan_result import PlanStatus
from gosplan.errors import ParameterError, TargetsError

from .test_activities_plan import machine_shop
from .test_activity_prices import random_economy


def direct(e: ActivityEconomy, t: np.ndarray, floor: float) -> float:
    """Best harmony by SLSQP over the levels, from the LP's plan (an independent solver)."""
    net, targeted = e.net.toarray(), t > 0
    lowest = floor * activity_plan(e, t).fulfilment
    limits = [(e.labour, e.labour_available)] + [
        (e.resource_use.toarray()[k], a) for k, a in enumerate(e.available)]

    def value(z: np.ndarray) -> float:
        s = (net @ z)[targeted] / t[targeted] - 1.0
        return -float(harmony(s).sum())

    constraints = [{"type": "ineq", "fun": lambda z, r=r, a=a: a - r @ z} for r, a in limits]
    constraints.append({"type": "ineq", "fun": lambda z: net @ z - lowest * t})
    start = activity_plan(e, t).levels * floor
    found = minimize(value, start, method="SLSQP", bounds=[(0, None)] * e.m,
                     constraints=constraints, options={"ftol": 1e-13, "maxiter": 2000})
    return -float(found.fun)


@pytest.mark.parametrize(("seed", "floor"), [(0, 0.995), (1, 0.0), (2, 0.5), (5, 0.995)])
def test_agrees_with_a_direct_solve(seed: int, floor: float) -> None:
    e, t = random_economy(seed, n=5, techniques=2, resources=2)
    plan = activity_harmony_plan(e, t, floor=floor).raise_for_status()
    assert plan.objective == "harmony"
    assert plan.objective_value <= plan.dual_bound + 1e-12  # the LP's round-off
    assert plan.gap <= 1e-7
    best = direct(e, t, floor)
    # Ours is within 1e-7 per product of the bound; SLSQP cannot beat the bound.
    assert best <= plan.dual_bound + 1e-9
    assert plan.objective_value == pytest.approx(best, abs=1e-6)
    assert plan.fulfilment >= floor * activity_plan(e, t).fulfilment * (1 - 1e-9)


def test_square_economy_gives_the_square_planners_harmony() -> None:
    square = Economy(products=["coal", "steel", "bread"],
                     A=[[0.1, 0.5, 0.0], [0.0, 0.1, 0.1], [0.0, 0.0, 0.0]],
                     labour=[0.2, 1.0, 0.5], capacity=[100.0, math.inf, 30.0],
                     labour_available=40.0)
    targets = {"coal": 10.0, "steel": 5.0, "bread": 20.0}
    theirs = harmony_plan(square, targets, tol=1e-9)
    ours = activity_harmony_plan(ActivityEconomy.from_economy(square), targets)
    assert ours.optimal
    assert ours.objective_value == pytest.approx(float(theirs.harmony), abs=1e-6)
    # Harmony is flat at its maximum: the plans agree less closely than their harmony.
    assert ours.final_demand == pytest.approx(theirs.final_demand, rel=1e-3)


def test_machine_shop_harmony_chooses_techniques_and_values_them() -> None:
    e = machine_shop()
    plan = activity_harmony_plan(e, {"set": 60.0, "part1": 20.0}).raise_for_status()
    used = plan.levels > 1e-9
    # Chosen activities break even at the valuations; idle ones would not pay.
    assert plan.reduced_costs[used] == pytest.approx(0.0, abs=1e-9)
    assert (plan.reduced_costs >= -1e-9).all()
    assert (plan.resource_valuations > 0).all()  # every machine is worth harmony
    assert plan.resource_use == pytest.approx(e.available)


def test_infeasible_floor_source_is_a_status() -> None:
    e = machine_shop()
    free = ActivityEconomy(products=e.products, activities=e.activities, make=e.make,
                           use=e.use)
    assert activity_harmony_plan(free, {"set": 1.0}).status is PlanStatus.UNBOUNDED


def test_round_limit_is_a_status_with_the_best_plan() -> None:
    e, t = random_economy(2, n=30)
    plan = activity_harmony_plan(e, t, max_rounds=1)
    assert plan.status is PlanStatus.ERROR
    assert plan.message.startswith("round limit reached: harmony within ")
    assert plan.objective_value <= plan.dual_bound


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"floor": 1.0}, ParameterError, "floor"),
        ({"tol": 0.0}, ParameterError, "tol"),
        ({"max_rounds": 0}, ParameterError, "max_rounds"),
        ({"lp_method": "pdlp"}, ParameterError, "lp_method"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        activity_harmony_plan(machine_shop(), {"set": 1.0}, **kwargs)  # type: ignore[arg-type]


def test_no_target_is_refused() -> None:
    with pytest.raises(TargetsError, match="no positive quantity"):
        activity_harmony_plan(machine_shop(), {"set": 0.0})


def test_time_limit_is_a_status() -> None:
    # A limit of 0 s has passed by the first check (HiGHS's in the assortment LP that
    # sets the floor, or ours after the first round): a status, never an exception.
    e, t = random_economy(2, n=30)
    plan = activity_harmony_plan(e, t, time_limit=0.0)
    assert plan.status is PlanStatus.TIME_LIMIT
    assert plan.objective == "harmony"
    assert plan.iterations <= 1

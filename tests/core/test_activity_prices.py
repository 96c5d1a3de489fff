"""Price coordination: the same optimum as HiGHS's LP, certified by its own valuations."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from gosplan.core.activities import ActivityEconomy
from gosplan.core.activity_plan import activity_plan
from gosplan.core.activity_prices import coordinated_plan
from gosplan.core.plan_errors import SolverError
from gosplan.core.plan_result import PlanStatus
from gosplan.errors import EconomyError, ParameterError, TargetsError

from .test_activities_plan import SETS, machine_shop


def random_economy(seed: int, n: int = 12, techniques: int = 3, resources: int = 3,
                   labour: bool = True) -> tuple[ActivityEconomy, np.ndarray]:
    """Several techniques per product, random inputs, labour and scarce resources."""
    rng = np.random.default_rng(seed)
    m = n * techniques
    makes = np.tile(np.arange(n), techniques)
    b = rng.uniform(0.5, 2.0, m)
    B = sp.csr_array((b, (makes, np.arange(m))), shape=(n, m)).toarray()
    U = rng.random((n, m)) * (rng.random((n, m)) < 0.3)
    U *= rng.uniform(0.1, 0.8, m) * b / np.maximum(U.sum(axis=0), 1e-12)
    R = rng.uniform(0.0, 1.0, (resources, m)) * (rng.random((resources, m)) < 0.6)
    y = rng.uniform(0.0, 2.0, n) * (rng.random(n) < 0.8)
    y[0] = 1.0
    e = ActivityEconomy(
        products=[f"p{i}" for i in range(n)], activities=[f"a{j}" for j in range(m)],
        make=B, use=U, labour=rng.uniform(0.05, 1.0, m),
        labour_available=float(n) if labour else math.inf,
        resources=[f"r{k}" for k in range(resources)], resource_use=R,
        available=rng.uniform(0.2, 1.0, resources) * n / 4,
    )
    return e, y


def check_certificate(e: ActivityEconomy, y: np.ndarray, plan: object) -> None:
    """The plan is feasible and its valuations prove the gap it reports."""
    assert plan.optimal
    net = e.net @ plan.levels
    assert (net >= plan.fulfilment * y - 1e-9 * max(1.0, plan.fulfilment)).all()
    assert plan.labour_required <= e.labour_available * (1 + 1e-12)
    assert (plan.resource_use <= e.available * (1 + 1e-12)).all()
    # Dual feasibility to round-off (the bound subtracts what excess is left) and p · y = 1.
    assert (plan.reduced_costs >= -1e-10 * np.abs(plan.unit_costs["revenue"]).max()).all()
    assert float(plan.valuations @ y) == pytest.approx(1.0, rel=1e-12)
    limits = float(np.nan_to_num(plan.labour_valuation * e.labour_available)) + float(
        plan.resource_valuations[np.isfinite(e.available)]
        @ e.available[np.isfinite(e.available)])
    assert limits == pytest.approx(plan.dual_bound, rel=1e-12)
    assert plan.gap == pytest.approx((plan.dual_bound - plan.fulfilment) / plan.dual_bound)


def test_kantorovich_machine_shop_by_prices() -> None:
    e = machine_shop()
    plan = coordinated_plan(e, {"set": 1.0}).raise_for_status()
    assert plan.lp_method == "price_coordination"
    assert plan.fulfilment == pytest.approx(float(SETS), rel=1e-12)
    assert plan.gap <= 1e-9
    assert plan.valuations == pytest.approx([2 / 3, 1 / 3, 1.0], abs=1e-12)
    assert plan.resource_valuations == pytest.approx([20 / 3, 40 / 3, 80 / 3], rel=1e-12)
    levels = dict(zip(e.activities.tolist(), plan.levels.tolist(), strict=True))
    assert levels["turret:part1"] == pytest.approx(3.0)
    assert levels["automatic:part2"] == pytest.approx(1.0)
    assert levels["turret:part2"] == levels["automatic:part1"] == 0.0
    check_certificate(e, np.array([0.0, 0.0, 1.0]), plan)
    same = activity_plan(e, {"set": 1.0}, lp_method="prices")
    assert same.fulfilment == plan.fulfilment


@pytest.mark.parametrize("seed", range(12))
def test_random_economies_agree_with_highs(seed: int) -> None:
    e, y = random_economy(seed, resources=1 + seed % 3, labour=seed % 4 != 3)
    lp = activity_plan(e, y).raise_for_status()
    plan = coordinated_plan(e, y, gap=1e-10).raise_for_status()
    assert plan.fulfilment == pytest.approx(lp.fulfilment, rel=1e-8)
    assert plan.gap <= 1e-10
    check_certificate(e, y, plan)
    # A unique optimum's valuations are the LP's.
    assert plan.dual_bound == pytest.approx(lp.fulfilment, rel=1e-8)


def test_larger_economy_solved_by_gmres_agrees_with_highs() -> None:
    e, y = random_economy(7, n=400, resources=3)
    lp = activity_plan(e, y).raise_for_status()
    plan = coordinated_plan(e, y).raise_for_status()
    assert plan.fulfilment == pytest.approx(lp.fulfilment, rel=1e-8)
    check_certificate(e, y, plan)


def test_round_limit_keeps_the_best_plan_and_its_gap() -> None:
    e, y = random_economy(3, resources=3)
    plan = coordinated_plan(e, y, max_rounds=1)
    assert plan.status is PlanStatus.ERROR
    assert plan.gap > 1e-9
    assert plan.message.startswith("round limit reached: certified relative gap ")
    assert plan.fulfilment <= plan.dual_bound
    with pytest.raises(SolverError, match="round limit reached"):
        plan.raise_for_status()


def test_no_finite_limit_is_unbounded() -> None:
    e, y = random_economy(1)
    free = ActivityEconomy(products=e.products, activities=e.activities, make=e.make,
                           use=e.use, labour=e.labour)
    assert coordinated_plan(free, y).status is PlanStatus.UNBOUNDED


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda e: coordinated_plan(e, {"set": 1.0}, gap=-1.0), ParameterError, "gap"),
        (lambda e: coordinated_plan(e, {"set": 1.0}, gap=0.9), ParameterError, "gap"),
        (lambda e: coordinated_plan(e, {"set": 1.0}, max_rounds=0), ParameterError,
         "max_rounds"),
        (lambda e: coordinated_plan(e, {"set": 1.0}, max_rounds=10**9), ParameterError,
         "max_rounds"),
        (lambda e: coordinated_plan(e, {"set": 0.0}), TargetsError, "no positive quantity"),
        (lambda e: coordinated_plan(e, {"bolt": 1.0}), TargetsError, "'bolt'"),
        (lambda e: activity_plan(e, None, objective="weighted", weights={"set": 1.0},
                                 lp_method="prices"), ParameterError, "assortments only"),
    ],
)
def test_bad_arguments(call: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call(machine_shop())  # type: ignore[operator]


def test_outside_its_reach_is_refused_in_one_line() -> None:
    e = machine_shop()
    capped = ActivityEconomy(products=e.products, activities=e.activities, make=e.make,
                             use=e.use, resources=e.resources, resource_use=e.resource_use,
                             available=e.available, capacity=[1.0] + [math.inf] * 6)
    with pytest.raises(EconomyError, match=r"^coordinated_plan: an activity has a finite "
                                           r"capacity; price coordination needs"):
        coordinated_plan(capped, {"set": 1.0})
    joint = ActivityEconomy(products=["a", "b"], activities=["both"], make=[[1.0], [1.0]],
                            use=[[0.0], [0.0]], labour=[1.0], labour_available=1.0)
    with pytest.raises(EconomyError, match="joint production"):
        coordinated_plan(joint, {"a": 1.0})


def test_dropping_unused_plans_keeps_the_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    import gosplan.core.activity_prices as prices

    e, y = random_economy(4, n=40, resources=3)
    lp = activity_plan(e, y).raise_for_status()
    monkeypatch.setattr(prices, "_KEEP", 3)  # the master keeps 3 plans, not 64
    plan = coordinated_plan(e, y).raise_for_status()
    assert plan.fulfilment == pytest.approx(lp.fulfilment, rel=1e-8)
    check_certificate(e, y, plan)


def test_time_limit_stops_after_a_round_with_the_best_plan() -> None:
    # A limit of 0 s has passed after any round: no dependence on the machine's speed.
    e, y = random_economy(3, resources=3)
    plan = coordinated_plan(e, y, time_limit=0.0)
    assert plan.status is PlanStatus.TIME_LIMIT
    assert plan.iterations == 1
    assert plan.message.startswith("time limit reached: certified relative gap ")
    assert 0 < plan.fulfilment <= plan.dual_bound

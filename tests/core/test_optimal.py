"""Kantorovich plans: small LPs solved by hand, statuses, errors, valuations."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from gosplan import Economy, balance
from gosplan.core.optimal import optimal_plan
from gosplan.core.plan_errors import (
    InfeasiblePlanError,
    PlanStatusError,
    SolverTimeLimitError,
    UnboundedPlanError,
)
from gosplan.core.plan_result import OptimalPlan, PlanStatus
from gosplan.errors import EconomyError, GosplanError, TargetsError

INF = math.inf


def coal_steel(**kwargs: object) -> Economy:
    """Coal and steel: coal uses 0.1 coal per unit; steel uses 0.5 coal and 0.1 steel."""
    fields: dict[str, object] = {
        "products": ["coal", "steel"],
        "A": [[0.1, 0.5], [0.0, 0.1]],
        "names": ("coal", "steel"),
        "units": ("Mt", "Mt"),
    }
    fields.update(kwargs)
    return Economy(**fields)  # type: ignore[arg-type]


TARGETS = {"coal": 20.0, "steel": 40.0}


@pytest.mark.parametrize("method", ["simplex", "ipm", "pdlp"])
def test_one_capacity_binding_by_hand(method: str) -> None:
    # Coal capacity 40, everything else unlimited; targets y = (20 coal, 40 steel).
    # Full targets need x* = (I - A)^{-1} y: steel 0.9 s = 40 => s* = 400/9;
    # coal 0.9 c - 0.5 s = 20 => c* = (20 + 200/9) / 0.9 = 3800/81 = 46.91 > 40.
    # Every plan for λ y needs x >= λ x*, so λ = 40 / (3800/81) = 81/95 = 0.8526.
    # Duals, from the columns in use (x_coal, x_steel, λ all > 0):
    #   steel:  -0.5 p_c + 0.9 p_s = 0        => p_s = 5/9 p_c
    #   coal:    0.9 p_c           = w_coal   (capacity valuation)
    #   λ:      20 p_c + 40 p_s    = 1        => p_c = 9/380, p_s = 1/76
    #   so w_coal = 0.9 * 9/380 = 81/3800, and λ = w_coal * 40 = 81/95 (strong duality).
    plan = optimal_plan(coal_steel(capacity=[40.0, INF]), TARGETS, method=method)  # type: ignore[arg-type]
    assert plan.status is PlanStatus.OPTIMAL
    rel = 1e-5 if method == "pdlp" else 1e-9
    assert plan.fulfilment == pytest.approx(81 / 95, rel=rel)
    assert plan.objective_value == pytest.approx(81 / 95, rel=rel)
    np.testing.assert_allclose(plan.gross_output, [40.0, 81 / 95 * 400 / 9], rtol=rel)
    np.testing.assert_allclose(plan.final_use, [81 / 95 * 20, 81 / 95 * 40], rtol=rel)
    np.testing.assert_allclose(plan.product_prices, [9 / 380, 1 / 76], rtol=1e-4)
    np.testing.assert_allclose(plan.capacity_valuations, [81 / 3800, 0.0], atol=1e-7)
    assert plan.labour_valuation == 0.0
    assert plan.resource_valuations == {}


def test_only_labour_binding_prices_are_proportional_to_labour_values() -> None:
    # No capacities; labour l = (1, 2), L = 100. Labour for the full targets:
    # l · x* = 3800/81 + 2 * 400/9 = 11000/81, so λ = 100 / (11000/81) = 81/110.
    # Duals: (I - A)ᵀ p = v l for the columns in use, so p = v * labour values
    # (v_coal = 10/9, v_steel = 230/81); p · y = 1 gives v = 81/11000, and λ = v L.
    e = coal_steel(labour=[1.0, 2.0], labour_available=100.0)
    plan = optimal_plan(e, TARGETS).raise_for_status()
    assert plan.fulfilment == pytest.approx(81 / 110, rel=1e-9)
    assert plan.labour_valuation == pytest.approx(81 / 11000, rel=1e-9)
    assert plan.labour_required == pytest.approx(100.0, rel=1e-9)
    values = balance(e, [20.0, 40.0]).labour_values
    assert values is not None
    np.testing.assert_allclose(plan.product_prices, 81 / 11000 * values, rtol=1e-9)
    np.testing.assert_allclose(plan.product_prices, [9 / 1100, 23 / 1100], rtol=1e-9)


def test_miller_blair_textbook_economy(miller_blair: Economy) -> None:
    # Miller & Blair's y = (350, 1700) needs x* = (1000, 2000). Limits: agriculture 900
    # (ratio 0.9), manufacturing 5000 (2.5), labour 0.3*1000 + 0.2*2000 = 700 of 1000
    # (1.43). So λ = 0.9, agriculture capacity binds with valuation 1/1000, and
    # p = w (I - A)^{-T} e_agr = [0.95, 0.25] / 757.5 (row of the Leontief inverse).
    plan = optimal_plan(miller_blair, [350.0, 1700.0]).raise_for_status()
    assert plan.fulfilment == pytest.approx(0.9, rel=1e-12)
    np.testing.assert_allclose(plan.gross_output, [900.0, 1800.0], rtol=1e-12)
    np.testing.assert_allclose(plan.capacity_valuations, [1e-3, 0.0], atol=1e-15)
    np.testing.assert_allclose(plan.product_prices, [0.95 / 757.5, 0.25 / 757.5], rtol=1e-12)
    assert plan.labour_valuation == 0.0
    assert float(plan.product_prices @ plan.targets) == pytest.approx(1.0)


def test_resource_binding_with_its_valuation() -> None:
    # Land: 1 ha per t of steel, 10 ha. Steel for the targets is 400/9 t, so
    # λ = 10 / (400/9) = 0.225 and the valuation of land is λ / 10 = 0.0225 per ha.
    e = coal_steel()
    plan = optimal_plan(
        e, TARGETS, resources={"land": ([0.0, 1.0], 10.0, "ha"), "water": ([1.0, 1.0], INF)}
    )
    plan.raise_for_status()
    assert plan.fulfilment == pytest.approx(0.225, rel=1e-9)
    assert plan.resource_valuations == {"land": pytest.approx(0.0225), "water": 0.0}
    assert plan.resource_use["land"] == pytest.approx(10.0)


def test_weighted_final_use_by_hand() -> None:
    # Only steel is valued (weights 0, 1), coal capacity 40. Coal for steel: 0.5 s <=
    # 0.9 * 40 => s = 72, final steel 0.9 * 72 = 64.8. Duals: the steel price equals its
    # weight, p_s = 1; steel column 0.9 p_s = 0.5 p_c => p_c = 1.8; coal capacity
    # w = 0.9 p_c = 1.62, and 1.62 * 40 = 64.8 (strong duality).
    e = coal_steel(capacity=[40.0, INF])
    plan = optimal_plan(e, None, objective="weighted", weights=[0.0, 1.0]).raise_for_status()
    assert plan.objective_value == pytest.approx(64.8)
    np.testing.assert_allclose(plan.gross_output, [40.0, 72.0])
    np.testing.assert_allclose(plan.final_use, [0.0, 64.8], atol=1e-9)
    np.testing.assert_allclose(plan.product_prices, [1.8, 1.0])
    np.testing.assert_allclose(plan.capacity_valuations, [1.62, 0.0])
    assert plan.fulfilment is None  # no targets, no fulfilment


def test_weighted_with_minimum_fulfilment() -> None:
    # Now 20 Mt of coal must reach final use: 0.9 * 40 - 0.5 s >= 20 => s = 32,
    # final steel 28.8, and the fulfilment of the coal target is exactly 1.
    e = coal_steel(capacity=[40.0, INF])
    plan = optimal_plan(
        e, {"coal": 20.0}, objective="weighted", weights={"steel": 1.0}, min_fulfilment=1.0
    ).raise_for_status()
    assert plan.objective_value == pytest.approx(28.8)
    assert plan.fulfilment == pytest.approx(1.0)
    # Asking for 2 x 20 Mt of coal is beyond the 36 Mt coal can ever deliver.
    infeasible = optimal_plan(
        e, {"coal": 20.0}, objective="weighted", weights=[0, 1], min_fulfilment=2.0
    )
    assert infeasible.status is PlanStatus.INFEASIBLE
    assert infeasible.gross_output is None
    assert infeasible.product_prices is None
    with pytest.raises(InfeasiblePlanError) as raised:
        infeasible.raise_for_status()
    assert isinstance(raised.value, ValueError)
    assert isinstance(raised.value, GosplanError)
    assert raised.value.plan is infeasible
    assert raised.value.status is PlanStatus.INFEASIBLE


def test_nothing_limits_output_is_unbounded_not_a_crash() -> None:
    plan = optimal_plan(coal_steel(), TARGETS)
    assert plan.status is PlanStatus.UNBOUNDED
    assert plan.fulfilment is None
    assert plan.gross_output is None
    with pytest.raises(UnboundedPlanError, match="unbounded"):
        plan.raise_for_status()
    # A capacity on steel alone bounds steel, but coal needs neither capacity nor labour.
    weighted = optimal_plan(
        coal_steel(capacity=[INF, 10.0]), None, objective="weighted", weights=[1.0, 1.0]
    )
    assert weighted.status is PlanStatus.UNBOUNDED


def _random_economy(n: int, seed: int = 0) -> Economy:
    rng = np.random.default_rng(seed)
    A = sp.random_array((n, n), density=min(1.0, 5 / n), rng=rng, format="csc")
    A = A @ sp.diags_array(0.8 / np.maximum(A.sum(axis=0), 1.0))  # column sums <= 0.8
    return Economy(
        products=[f"p{i}" for i in range(n)],
        A=A,
        check=False,  # column sums below 1 prove it productive; skip the eigenvalues
        labour=rng.uniform(0.1, 1, n),
        capacity=rng.uniform(50, 150, n),
        labour_available=25.0 * n,
    )


@pytest.mark.parametrize("method", ["simplex", "ipm"])
def test_time_limit_gives_a_status_and_the_best_plan(method: str) -> None:
    e = _random_economy(300)
    y = np.random.default_rng(1).uniform(1, 10, e.n)
    plan = optimal_plan(e, y, method=method, time_limit=0.0)  # type: ignore[arg-type]
    assert plan.status is PlanStatus.TIME_LIMIT
    assert plan.product_prices is None
    if plan.gross_output is not None:  # the best plan found must respect the limits
        assert (plan.gross_output <= e.capacity + 1e-9).all()
    with pytest.raises(SolverTimeLimitError) as raised:
        plan.raise_for_status()
    assert isinstance(raised.value, TimeoutError)
    assert raised.value.plan is plan
    assert raised.value.status is PlanStatus.TIME_LIMIT


def test_methods_agree_and_solves_are_deterministic() -> None:
    e = _random_economy(60, seed=4)
    y = np.random.default_rng(5).uniform(0, 10, e.n)
    plans = {
        m: optimal_plan(e, y, method=m).raise_for_status()  # type: ignore[arg-type]
        for m in ("simplex", "ipm", "pdlp")
    }
    assert plans["ipm"].fulfilment == pytest.approx(plans["simplex"].fulfilment, rel=1e-8)
    assert plans["pdlp"].fulfilment == pytest.approx(plans["simplex"].fulfilment, rel=1e-4)
    again = optimal_plan(e, y)
    for name in ("gross_output", "product_prices", "capacity_valuations"):
        assert np.array_equal(getattr(again, name), getattr(plans["simplex"], name))


def test_closed_form_fulfilment_on_a_sparse_economy() -> None:
    # With Leontief technology the optimum is λ = min over limits of limit / need(x*).
    e = _random_economy(120, seed=7)
    y = np.random.default_rng(8).uniform(0, 10, e.n)
    x_star = balance(e, y).gross_output
    closed = min(float(np.min(e.capacity / x_star)), e.labour_available / float(e.labour @ x_star))
    assert optimal_plan(e, y).fulfilment == pytest.approx(closed, rel=1e-9)


def test_plan_record_is_read_only_and_reports_its_inputs() -> None:
    plan = optimal_plan(coal_steel(capacity=[40.0, INF]), TARGETS)
    assert isinstance(plan, OptimalPlan)
    assert plan.optimal
    assert plan.objective == "assortment"
    assert plan.method == "simplex"
    assert plan.products.tolist() == ["coal", "steel"]
    np.testing.assert_array_equal(plan.targets, [20.0, 40.0])
    assert plan.gross_output is not None
    with pytest.raises(ValueError, match="read-only"):
        plan.gross_output[0] = 1.0
    assert plan.raise_for_status() is plan


@pytest.mark.parametrize(
    "targets",
    [
        {"iron": 1.0},
        {"coal": -1.0},
        {"coal": float("nan")},
        [1.0, float("nan")],
        [1.0, -2.0],
        [1.0, 2.0, 3.0],
        {"coal": "lots"},
    ],
)
def test_bad_targets_raise_targets_error(targets: object) -> None:
    with pytest.raises(TargetsError):
        optimal_plan(coal_steel(capacity=[40.0, INF]), targets)  # type: ignore[arg-type]


def test_other_bad_input() -> None:
    e = coal_steel(capacity=[40.0, INF])
    with pytest.raises(TargetsError, match="positive"):
        optimal_plan(e, [0.0, 0.0])
    with pytest.raises(TargetsError, match="weights"):
        optimal_plan(e, TARGETS, objective="weighted")
    with pytest.raises(TargetsError, match="weights"):
        optimal_plan(e, TARGETS, objective="weighted", weights=[1.0, -1.0])
    with pytest.raises(TargetsError, match="min_fulfilment"):
        optimal_plan(e, TARGETS, objective="weighted", weights=[1, 1], min_fulfilment=-1)
    with pytest.raises(ValueError, match="objective"):
        optimal_plan(e, TARGETS, objective="profit")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="weighted"):
        optimal_plan(e, TARGETS, weights=[1.0, 1.0])
    with pytest.raises(ValueError, match="method"):
        optimal_plan(e, TARGETS, method="barrier")  # type: ignore[arg-type]
    for bad in (
        {"land": ([1.0], 1.0)},
        {"land": ([1.0, -1.0], 1.0)},
        {"land": ([1.0, 1.0], -1.0)},
        {"land": ([1.0, 1.0],)},
        {"": ([1, 1], 1.0)},
    ):
        with pytest.raises(EconomyError, match="resources"):
            optimal_plan(e, TARGETS, resources=bad)  # type: ignore[arg-type]


def test_every_status_error_is_a_plan_status_error() -> None:
    for cls in (InfeasiblePlanError, UnboundedPlanError, SolverTimeLimitError):
        assert issubclass(cls, PlanStatusError)
        assert issubclass(cls, GosplanError)

"""Kantorovich plans: small LPs solved by hand, statuses, errors, valuations."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
import pytest
import scipy.sparse as sp

from gosplan import Economy, balance
from gosplan.core import closed_form
from gosplan.core import optimal as optimal_module
from gosplan.core.optimal import optimal_plan
from gosplan.core.plan_errors import (
    InfeasiblePlanError,
    PlanStatusError,
    SolverError,
    SolverTimeLimitError,
    UnboundedPlanError,
)
from gosplan.core.plan_result import OptimalPlan, PlanStatus
from gosplan.core.solvers import LPSolution, LPStatus
from gosplan.errors import EconomyError, GosplanError, ParameterError, TargetsError

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


@pytest.mark.parametrize("method", ["simplex", "ipm", "pdlp", "closed_form"])
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
    plan = optimal_plan(coal_steel(capacity=[40.0, INF]), TARGETS, lp_method=method)  # type: ignore[arg-type]
    assert plan.status is PlanStatus.OPTIMAL
    rel = 1e-5 if method == "pdlp" else 1e-9
    assert plan.fulfilment == pytest.approx(81 / 95, rel=rel)
    assert plan.objective_value == pytest.approx(81 / 95, rel=rel)
    np.testing.assert_allclose(plan.gross_output, [40.0, 81 / 95 * 400 / 9], rtol=rel)
    np.testing.assert_allclose(plan.final_demand, [81 / 95 * 20, 81 / 95 * 40], rtol=rel)
    np.testing.assert_allclose(plan.valuations, [9 / 380, 1 / 76], rtol=1e-4)
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
    values = balance(e, [20.0, 40.0]).valuations
    assert values is not None
    np.testing.assert_allclose(plan.valuations, 81 / 11000 * values, rtol=1e-9)
    np.testing.assert_allclose(plan.valuations, [9 / 1100, 23 / 1100], rtol=1e-9)


def test_miller_blair_textbook_economy(miller_blair: Economy) -> None:
    # Miller & Blair's y = (350, 1700) needs x* = (1000, 2000). Limits: agriculture 900
    # (ratio 0.9), manufacturing 5000 (2.5), labour 0.3*1000 + 0.2*2000 = 700 of 1000
    # (1.43). So λ = 0.9, agriculture capacity binds with valuation 1/1000, and
    # p = w (I - A)^{-T} e_agr = [0.95, 0.25] / 757.5 (row of the Leontief inverse).
    plan = optimal_plan(miller_blair, [350.0, 1700.0]).raise_for_status()
    assert plan.fulfilment == pytest.approx(0.9, rel=1e-12)
    np.testing.assert_allclose(plan.gross_output, [900.0, 1800.0], rtol=1e-12)
    np.testing.assert_allclose(plan.capacity_valuations, [1e-3, 0.0], atol=1e-15)
    np.testing.assert_allclose(plan.valuations, [0.95 / 757.5, 0.25 / 757.5], rtol=1e-12)
    assert plan.labour_valuation == 0.0
    assert float(plan.valuations @ plan.targets) == pytest.approx(1.0)


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
    np.testing.assert_allclose(plan.final_demand, [0.0, 64.8], atol=1e-9)
    np.testing.assert_allclose(plan.valuations, [1.8, 1.0])
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
    assert infeasible.valuations is None
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
def test_time_limit_gives_a_status_and_the_best_plan(
    method: str, iteration_limit: Callable[[str, int], None]
) -> None:
    e = _random_economy(300)
    y = np.random.default_rng(1).uniform(1, 10, e.n)
    if method == "simplex":
        # The closed form behind the warm start takes some time, and a limit of zero is
        # spent before the simplex can start: so on any machine.
        plan = optimal_plan(e, y, lp_method="simplex", time_limit=0.0)
        assert plan.message == "time limit reached before the simplex started"
    else:  # cut short by iterations, not by the clock: the same on any machine
        iteration_limit("ipm", 1)
        plan = optimal_plan(e, y, lp_method="ipm")
    assert plan.status is PlanStatus.TIME_LIMIT
    assert plan.valuations is None
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
        m: optimal_plan(e, y, lp_method=m).raise_for_status()  # type: ignore[arg-type]
        for m in ("simplex", "ipm", "pdlp")
    }
    assert plans["ipm"].fulfilment == pytest.approx(plans["simplex"].fulfilment, rel=1e-8)
    assert plans["pdlp"].fulfilment == pytest.approx(plans["simplex"].fulfilment, rel=1e-4)
    again = optimal_plan(e, y)
    for name in ("gross_output", "valuations", "capacity_valuations"):
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
    assert plan.lp_method == "simplex"
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
    with pytest.raises(ParameterError, match="min_fulfilment"):
        optimal_plan(e, TARGETS, objective="weighted", weights=[1, 1], min_fulfilment=-1)
    with pytest.raises(ValueError, match="objective"):
        optimal_plan(e, TARGETS, objective="profit")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="weighted"):
        optimal_plan(e, TARGETS, weights=[1.0, 1.0])
    with pytest.raises(ValueError, match="method"):
        optimal_plan(e, TARGETS, lp_method="barrier")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="time_limit"):
        optimal_plan(e, TARGETS, time_limit=-1.0)
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


# --- the closed form, and the simplex warm-started from it -------------------------------


@pytest.mark.parametrize(
    ("kwargs", "resources", "expected"),
    [
        # Labour alone binds: λ = 81/110 (see the labour test above), v = 81/11000.
        ({"labour": [1.0, 2.0], "labour_available": 100.0}, None, 81 / 110),
        # Land binds: λ = 0.225 (see the resource test above).
        ({}, {"land": ([0.0, 1.0], 10.0, "ha"), "water": ([1.0, 1.0], INF)}, 0.225),
    ],
)
def test_closed_form_matches_the_lp_by_hand(
    kwargs: dict[str, object], resources: object, expected: float
) -> None:
    e = coal_steel(**kwargs)
    ours = optimal_plan(e, TARGETS, resources=resources, lp_method="closed_form")  # type: ignore[arg-type]
    lp = optimal_plan(e, TARGETS, resources=resources, lp_method="ipm")  # type: ignore[arg-type]
    assert ours.status is PlanStatus.OPTIMAL
    assert ours.lp_method == "closed_form"
    assert ours.fulfilment == pytest.approx(expected, rel=1e-12)
    assert ours.objective_value == ours.fulfilment
    for name in ("gross_output", "final_demand", "valuations", "capacity_valuations"):
        np.testing.assert_allclose(
            getattr(ours, name), getattr(lp, name), rtol=1e-9, atol=1e-12, err_msg=name
        )
    assert ours.labour_valuation == pytest.approx(lp.labour_valuation, abs=1e-12)
    assert ours.resource_valuations == pytest.approx(lp.resource_valuations, abs=1e-12)
    assert ours.resource_use == pytest.approx(lp.resource_use)
    assert ours.labour_required == pytest.approx(lp.labour_required)
    assert "closed form" in ours.message


def test_closed_form_equals_highs_duals_on_a_sparse_economy() -> None:
    # Every product is a target, and capacities and labour are drawn independently, so
    # one limit binds alone and the duals are unique: they must agree with HiGHS's
    # interior point + crossover, which knows nothing of the closed form.
    e = _random_economy(150, seed=11)
    y = np.random.default_rng(12).uniform(1, 10, e.n)
    ours = optimal_plan(e, y, lp_method="closed_form").raise_for_status()
    lp = optimal_plan(e, y, lp_method="ipm").raise_for_status()
    assert ours.fulfilment == pytest.approx(lp.fulfilment, rel=1e-10)
    assert np.count_nonzero(ours.capacity_valuations) == 1
    np.testing.assert_allclose(ours.valuations, lp.valuations, rtol=1e-8)
    np.testing.assert_allclose(ours.capacity_valuations, lp.capacity_valuations, atol=1e-12)
    np.testing.assert_allclose(ours.gross_output, lp.gross_output, rtol=1e-8)
    assert float(ours.valuations @ y) == pytest.approx(1.0, rel=1e-12)


def test_unneeded_products_are_valued_at_their_cost() -> None:
    # Only a is wanted, and a uses nothing but a: b and c are never made. With their
    # columns at 0 the LP's prices for them are not unique; the closed form prices each
    # at its cost of production, p_j = Σ_i A_ij p_i: p_b = 0.1 p_b = 0, and c, made of
    # a and b, p_c = 0.2 p_a + 0.3 p_b > 0 (the simplex says 0).
    e = Economy(
        products=["a", "b", "c"],
        A=[[0.1, 0.0, 0.2], [0.0, 0.1, 0.3], [0.0, 0.0, 0.0]],
        capacity=[40.0, INF, 5.0],
        labour=[1.0, 1.0, 1.0],
        labour_available=100.0,
    )
    ours = optimal_plan(e, {"a": 20.0}, lp_method="closed_form").raise_for_status()
    lp = optimal_plan(e, {"a": 20.0}).raise_for_status()
    assert ours.fulfilment == pytest.approx(1.8)
    assert lp.fulfilment == pytest.approx(1.8)
    np.testing.assert_allclose(ours.gross_output, [40.0, 0.0, 0.0])
    p = ours.valuations
    np.testing.assert_allclose(p[:2], lp.valuations[:2], atol=1e-15)
    assert p[2] == pytest.approx(0.2 * p[0] + 0.3 * p[1])
    assert p[2] > 0


def test_closed_form_statuses_and_misuse() -> None:
    unbounded = optimal_plan(coal_steel(), TARGETS, lp_method="closed_form")
    assert unbounded.status is PlanStatus.UNBOUNDED
    assert unbounded.gross_output is None
    with pytest.raises(UnboundedPlanError):
        unbounded.raise_for_status()
    with pytest.raises(ValueError, match="closed_form"):
        optimal_plan(
            coal_steel(capacity=[40.0, INF]),
            None,
            objective="weighted",
            weights=[1.0, 1.0],
            lp_method="closed_form",
        )
    # A limit of zero that the targets need: nothing can be delivered, λ = 0.
    zero = optimal_plan(coal_steel(capacity=[0.0, INF]), TARGETS, lp_method="closed_form")
    assert zero.fulfilment == 0.0
    np.testing.assert_array_equal(zero.gross_output, [0.0, 0.0])
    assert float(zero.valuations @ zero.targets) == pytest.approx(1.0)


def test_a_solve_that_does_not_converge_is_an_error_and_the_simplex_starts_cold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    e = _random_economy(40, seed=2)
    y = np.random.default_rng(3).uniform(1, 10, e.n)
    warm = optimal_plan(e, y).raise_for_status()
    monkeypatch.setattr(closed_form, "ACCEPT", -1.0)  # no residual is good enough
    failed = optimal_plan(e, y, lp_method="closed_form")
    assert failed.status is PlanStatus.ERROR
    assert "residual" in failed.message
    with pytest.raises(SolverError, match="residual"):
        failed.raise_for_status()
    cold = optimal_plan(e, y).raise_for_status()  # no closed form: no warm start
    assert cold.iterations > 0
    assert warm.iterations == 0
    assert cold.fulfilment == pytest.approx(warm.fulfilment, rel=1e-9)


def test_simplex_is_warm_started_from_the_closed_form() -> None:
    # From the closed-form basis the dual simplex has nothing left to do but to confirm.
    e = _random_economy(300, seed=5)
    y = np.random.default_rng(6).uniform(1, 10, e.n)
    warm = optimal_plan(e, y, lp_method="simplex").raise_for_status()
    closed = optimal_plan(e, y, lp_method="closed_form").raise_for_status()
    assert warm.iterations == 0
    assert warm.lp_method == "simplex"
    assert warm.fulfilment == pytest.approx(closed.fulfilment, rel=1e-10)
    np.testing.assert_allclose(warm.valuations, closed.valuations, rtol=1e-8)
    # The weighted objective has no closed form: its simplex starts cold.
    weighted = optimal_plan(e, None, objective="weighted", weights=np.ones(e.n))
    assert weighted.iterations > 0


def test_closed_form_at_scale_is_fast_and_exact() -> None:
    # 20,000 products: seconds for HiGHS's simplex even warm-started, a fraction of a
    # second here. Every capacity ties with labour at the generator's margin, the most
    # degenerate case there is; the plan must still be feasible and its duals valid.
    from gosplan.core.generate import generate_economy

    g = generate_economy(20_000, inputs=8, seed=3)
    e, y = g.economy, g.targets
    plan = optimal_plan(e, y, lp_method="closed_form").raise_for_status()
    x, p = plan.gross_output, plan.valuations
    assert plan.fulfilment == pytest.approx(1.0, abs=2e-6)
    assert (x <= e.capacity).all()
    assert float(e.labour @ x) <= e.labour_available * (1 + 1e-12)
    slack = x - e.A @ x - plan.fulfilment * y
    assert (slack >= -1e-10 * y.max()).all()
    margin = p - e.A.T @ p - plan.labour_valuation * e.labour - plan.capacity_valuations
    assert np.abs(margin).max() <= 1e-10 * p.max()
    assert float(p @ y) == pytest.approx(1.0, rel=1e-10)
    value = plan.capacity_valuations @ e.capacity + plan.labour_valuation * e.labour_available
    assert value == pytest.approx(plan.fulfilment, rel=1e-10)


def test_a_limit_met_only_at_round_off_level_does_not_bind() -> None:
    # Product a is asked for at 1e-320 (below round-off next to b's 10) against a capacity
    # half that. Taken at face value it would bind, with valuation 1 / 1e-320 = inf.
    # The closed form counts such a need as zero; labour binds: λ = 20 / 10 = 2.
    e = Economy(
        products=["a", "b"],
        A=[[0.0, 0.0], [0.0, 0.0]],
        capacity=[0.5e-320, INF],
        labour=[1.0, 1.0],
        labour_available=20.0,
    )
    plan = optimal_plan(e, [1e-320, 10.0], lp_method="closed_form").raise_for_status()
    assert plan.fulfilment == pytest.approx(2.0)
    assert plan.labour_valuation == pytest.approx(0.1)
    assert np.isfinite(plan.valuations).all()
    np.testing.assert_array_equal(plan.capacity_valuations, [0.0, 0.0])
    assert optimal_plan(e, [1e-320, 10.0]).fulfilment == pytest.approx(2.0)


def test_with_a_time_limit_only_small_economies_are_warm_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # HiGHS does not read its clock while factorising the (possibly dense) optimal basis,
    # so under a time limit large economies are solved cold, which it can interrupt.
    e = _random_economy(40, seed=9)
    y = np.random.default_rng(10).uniform(1, 10, e.n)
    assert optimal_plan(e, y, time_limit=60.0).iterations == 0
    monkeypatch.setattr(optimal_module, "WARM_START_LIMIT", 10)
    assert optimal_plan(e, y).iterations == 0  # no limit: always warm
    cold = optimal_plan(e, y, time_limit=60.0).raise_for_status()
    assert cold.iterations > 0


def test_a_warm_start_that_cannot_be_certified_is_solved_again_cold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # HiGHS answers "unknown" (our ERROR) when the factorised warm basis is too inaccurate
    # to certify; optimal_plan then solves from scratch. Simulate that answer.
    real = optimal_module.solve_lp
    calls: list[bool] = []

    def unsure_when_warm(*args: object, **kwargs: object) -> LPSolution:
        solution = real(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(kwargs.get("basis") is not None)
        if kwargs.get("basis") is not None:
            return dataclasses.replace(solution, status=LPStatus.ERROR, iterations=0)
        return solution

    monkeypatch.setattr(optimal_module, "solve_lp", unsure_when_warm)
    e = _random_economy(40, seed=9)
    y = np.random.default_rng(10).uniform(1, 10, e.n)
    plan = optimal_plan(e, y).raise_for_status()
    assert calls == [True, False]
    assert plan.iterations > 0
    closed = optimal_plan(e, y, lp_method="closed_form")
    assert plan.fulfilment == pytest.approx(closed.fulfilment, rel=1e-9)

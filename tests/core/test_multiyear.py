"""Five-year plans: hand-solved cases, Feldman's closed form, statuses, errors, revision."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import scipy.sparse as sp

from gosplan import Economy
from gosplan.core.multiyear import SECONDARY, multiyear_plan
from gosplan.core.plan_errors import InfeasiblePlanError, UnboundedPlanError
from gosplan.core.plan_result import PlanStatus
from gosplan.errors import EconomyError, TargetsError

INF = math.inf


def one_good(**kwargs: object) -> Economy:
    """One good, no intermediate use, capacity 100; a unit of capacity takes 2 of the good."""
    fields: dict[str, object] = {"products": ["g"], "A": [[0.0]], "capacity": [100.0],
                                 "capital": [[2.0]]}
    fields.update(kwargs)
    return Economy(**fields)  # type: ignore[arg-type]


def three_branches(**kwargs: object) -> Economy:
    """Coal, steel, bread: steel and coal build capacity; bread capacity is unlimited."""
    fields: dict[str, object] = {
        "products": ["coal", "steel", "bread"],
        "A": [[0.1, 0.5, 0.05], [0.0, 0.1, 0.02], [0.0, 0.0, 0.0]],
        "labour": [0.5, 0.8, 0.3],
        "capacity": [60.0, 30.0, INF],
        "depreciation": [0.05, 0.1, 0.0],
        "capital": [[0.5, 1.0, 0.0], [1.5, 2.0, 0.0], [0.0, 0.0, 0.0]],
        "labour_available": 120.0,
    }
    fields.update(kwargs)
    return Economy(**fields)  # type: ignore[arg-type]


TARGETS_3 = [[15.0, 9.0, 120.0], [18.0, 12.0, 126.0], [21.0, 15.0, 132.0],
             [24.0, 18.0, 138.0], [27.0, 21.0, 144.0]]


# --- Hand-solved -------------------------------------------------------------------------


def test_one_good_two_years_by_hand() -> None:
    # Targets 90 then 100, lag 1, worst-year objective. With λ in both years and z the
    # capacity started in year 0 (ready in year 1):
    #   year 0:  x0 = 90 λ + 2 z  and  x0 <= 100
    #   year 1:  x1 = 100 λ       and  x1 <= 100 + z
    # Best: x0 = 100, so z = (100 - 90 λ) / 2, and 100 λ = 100 + z = 150 - 45 λ:
    #   λ = 150 / 145 = 30/29,  z = (100 - 2700/29) / 2 = 100/29,  x1 = 3000/29.
    # Year 1 starts nothing (it would complete after the plan and take from λ).
    plan = multiyear_plan(one_good(), [[90.0], [100.0]])
    assert plan.status is PlanStatus.OPTIMAL
    lam = 30 / 29
    np.testing.assert_allclose(plan.fulfilment, [lam, lam], rtol=1e-9)
    np.testing.assert_allclose(plan.gross_output[:, 0], [100.0, 3000 / 29], rtol=1e-9)
    np.testing.assert_allclose(plan.investment[:, 0], [100 / 29, 0.0], atol=1e-9)
    np.testing.assert_allclose(plan.capacity[:, 0], [100.0, 3000 / 29, 3000 / 29], rtol=1e-9)
    np.testing.assert_allclose(plan.final_demand[:, 0], [90 * lam, 100 * lam], rtol=1e-9)
    # The objective: λ, plus the small weight on every year.
    expected = lam + SECONDARY / 2 * 2 * lam
    assert plan.objective_value == pytest.approx(expected, rel=1e-9)
    assert plan.years == 2
    assert plan.lag == 1
    assert not plan.revised


def test_lag_two_spreads_payment_and_delays_capacity_by_hand() -> None:
    # Lag 2: capacity started in year 0 is paid 1 a year in years 0 and 1 (B = 2, over
    # two years) and is in use from year 2. Targets 80, 80, 100; worst-year objective.
    #   year 0:  x0 = 80 λ + z0            (z0 = capacity started, half its cost now)
    #   year 1:  x1 = 80 λ + z0 + z1
    #   year 2:  x2 = 100 λ (+ z1 + z2, but those never complete: zero)
    #   x0, x1 <= 100,  x2 <= 100 + z0.
    # With x0 = x1 = 100 and z1 = 0: z0 = 100 - 80 λ and 100 λ = 200 - 80 λ, λ = 10/9.
    plan = multiyear_plan(one_good(), [[80.0], [80.0], [100.0]], lag=2)
    lam = 10 / 9
    np.testing.assert_allclose(plan.fulfilment, [lam] * 3, rtol=1e-9)
    np.testing.assert_allclose(plan.investment[:, 0], [100 - 80 * lam, 0.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(plan.capacity[:, 0], [100, 100, 200 - 80 * lam, 200 - 80 * lam],
                               rtol=1e-9)


def test_depreciation_erodes_capacity() -> None:
    # No investment worth making (targets fall): capacity just wears away at 10 % a year.
    plan = multiyear_plan(one_good(depreciation=[0.1]), [[50.0], [40.0], [30.0]])
    np.testing.assert_allclose(plan.capacity[:3, 0], [100.0, 90.0, 81.0], rtol=1e-9)


# --- Feldman's two-sector model ------------------------------------------------------------


def feldman(a: float, a_c: float, Kp: float, Kc: float) -> Economy:
    """Producer goods p and consumer goods c; capital (made of p) the only limit.

    Capacities are in output units: capital stock ``K`` makes ``a K`` a year, so a unit of
    capacity of p takes ``1/a`` units of p, one of c takes ``1/a_c`` units of p.
    """
    return Economy(products=["p", "c"], A=sp.csr_array((2, 2)), capacity=[a * Kp, a_c * Kc],
                   capital=[[1 / a, 1 / a_c], [0.0, 0.0]])


@pytest.mark.parametrize("share", [0.1, 0.3, 0.5, 0.8, 1.0])
def test_feldman_closed_form(share: float) -> None:
    # Share λ of producer-goods output reinvested in p, the rest in c; δ = 0, lag 1:
    #   K_p(t+1) = K_p(t) + λ a K_p(t)                      =>  K_p(t) = K_p(0) (1 + λa)^t
    #   K_c(t+1) = K_c(t) + (1 - λ) a K_p(t)                =>
    #   K_c(t)   = K_c(0) + (1 - λ)/λ · K_p(0) ((1 + λa)^t - 1)
    # and consumption C(t) = a_c K_c(t).
    a, a_c, Kp0, Kc0, T = 0.4, 0.25, 10.0, 20.0, 8
    plan = multiyear_plan(feldman(a, a_c, Kp0, Kc0), {"c": 1.0}, years=T, at_capacity=True,
                          investment_shares={"p": share, "c": 1 - share})
    plan.raise_for_status()
    t = np.arange(T + 1)
    Kp = plan.capacity[:, 0] / a
    Kc = plan.capacity[:, 1] / a_c
    np.testing.assert_allclose(Kp, Kp0 * (1 + share * a) ** t, rtol=1e-9)
    np.testing.assert_allclose(Kc, Kc0 + (1 - share) / share * Kp0 * ((1 + share * a) ** t - 1),
                               rtol=1e-9)
    # The growth rate of producer-goods capital is λ·a, every year.
    np.testing.assert_allclose(np.diff(Kp) / Kp[:-1], share * a, rtol=1e-9)
    # Capacity fully used; consumption is all of consumer-goods output.
    np.testing.assert_allclose(plan.gross_output, plan.capacity[:T], rtol=1e-9)
    np.testing.assert_allclose(plan.final_demand[:, 1], a_c * Kc[:T], rtol=1e-9)
    np.testing.assert_allclose(plan.final_demand[:, 0], 0.0, atol=1e-9)


def test_feldman_continuous_growth_rate_is_lambda_a() -> None:
    # Periods of length h: each makes a·h per unit of capital. Over one year (1/h periods)
    # capital grows by (1 + λ a h)^{1/h} -> e^{λa}: the continuous rate tends to λ·a,
    # with error (λa)² h / 2 to first order.
    share, a, h = 0.6, 0.5, 1 / 100
    periods = round(1 / h)
    plan = multiyear_plan(feldman(a * h, a * h, 1.0, 1.0), {"c": 1.0}, years=periods,
                          at_capacity=["p"], investment_shares={"p": share, "c": 1 - share})
    rate = math.log(plan.capacity[-1, 0] / plan.capacity[0, 0])
    assert rate == pytest.approx(periods * math.log1p(share * a * h), rel=1e-9)
    assert abs(rate - share * a) <= (share * a) ** 2 * h


def test_feldman_trade_off_more_investment_in_p_pays_later() -> None:
    # A larger share for producer goods: less consumption early, more later.
    a, T = 0.4, 12
    low, high = (multiyear_plan(feldman(a, a, 1.0, 1.0), {"c": 1.0}, years=T, at_capacity=True,
                                investment_shares={"p": s, "c": 1 - s}) for s in (0.2, 0.5))
    c_low, c_high = low.gross_output[:, 1], high.gross_output[:, 1]
    assert (np.diff(c_low) > 0).all()
    assert (np.diff(c_high) > 0).all()
    assert c_high[1] < c_low[1]
    assert c_high[-1] > c_low[-1]


def test_feldman_without_fixed_shares_the_plan_chooses_the_split() -> None:
    # Maximising the last year's consumption, the plan invests only in p early, then only
    # in c: no year's split is the fixed-share one, and the last year beats every λ.
    a, T = 0.4, 10
    free = multiyear_plan(feldman(a, a, 1.0, 1.0), {"c": 1.0}, years=T, objective="final")
    best_fixed = max(
        multiyear_plan(feldman(a, a, 1.0, 1.0), {"c": 1.0}, years=T, objective="final",
                       investment_shares={"p": s, "c": 1 - s}).fulfilment[-1]
        for s in np.linspace(0.0, 1.0, 11))
    assert free.fulfilment[-1] >= best_fixed - 1e-9


# --- Invariants -----------------------------------------------------------------------------


@pytest.mark.parametrize("lag", [1, 2, 3])
def test_capacity_never_exceeded_and_conservation(lag: int) -> None:
    e = three_branches()
    pipeline = np.zeros((lag - 1, 3))
    if lag > 1:
        pipeline[0, 1] = 2.0  # steel capacity due next year, still being paid for
    plan = multiyear_plan(e, TARGETS_3, lag=lag, pipeline=pipeline)
    plan.raise_for_status()
    T = plan.years
    assert (plan.gross_output <= plan.capacity[:T] * (1 + 1e-9) + 1e-9).all()
    assert (plan.labour_required <= plan.labour_available * (1 + 1e-9)).all()
    # Capacity added each year = capacity whose construction completes that year.
    started = np.vstack([pipeline, plan.investment])  # by start year, from -(L-1)
    delta = np.asarray(e.depreciation)
    for t in range(T):
        added = plan.capacity[t + 1, :2] - (1 - delta[:2]) * plan.capacity[t, :2]
        np.testing.assert_allclose(added, started[t, :2], atol=1e-9)
    # Goods balance: delivered = net output - construction in progress (paid 1/L a year).
    B = e.capital.toarray()
    for t in range(T):
        building = started[t:t + lag].sum(axis=0) / lag
        net = plan.gross_output[t] - e.A @ plan.gross_output[t]
        np.testing.assert_allclose(plan.final_demand[t], net - B @ building, atol=1e-9)
        assert (plan.final_demand[t] >= plan.fulfilment[t] * plan.targets[t] - 1e-9).all()
    # Unlimited bread: no investment, infinite capacity.
    assert (plan.investment[:, 2] == 0).all()
    assert np.isinf(plan.capacity[:, 2]).all()


def test_growing_targets_need_investment_and_get_it() -> None:
    plan = multiyear_plan(three_branches(), TARGETS_3)
    assert plan.investment[:, :2].sum() > 0
    assert plan.capacity[-1, 1] > plan.capacity[0, 1] * 0.9  # steel kept up despite wear
    # Valuations are non-negative, reported for every year and product.
    assert plan.valuations.shape == (5, 3)
    assert (plan.valuations >= 0).all()


def test_capacity_valuation_is_the_gain_per_unit_of_initial_capacity() -> None:
    base = multiyear_plan(three_branches(), TARGETS_3)
    j = int(np.argmax(base.capacity_valuations))
    assert base.capacity_valuations[j] > 0
    cap = np.array([60.0, 30.0, INF])
    cap[j] += 1e-4
    more = multiyear_plan(three_branches(capacity=cap), TARGETS_3)
    slope = (more.objective_value - base.objective_value) / 1e-4
    assert slope == pytest.approx(base.capacity_valuations[j], rel=1e-4)


def test_labour_growth_raises_labour_available() -> None:
    plan = multiyear_plan(three_branches(), TARGETS_3, labour_growth=0.1)
    np.testing.assert_allclose(plan.labour_available, 120.0 * 1.1 ** np.arange(5))
    tighter = multiyear_plan(three_branches(), TARGETS_3)
    assert plan.fulfilment.min() >= tighter.fulfilment.min() - 1e-9


def test_objectives_weighted_and_final() -> None:
    worst = multiyear_plan(three_branches(), TARGETS_3)
    final = multiyear_plan(three_branches(), TARGETS_3, objective="final", min_fulfilment=0.5)
    assert (final.fulfilment >= 0.5 - 1e-9).all()
    assert final.fulfilment[-1] >= worst.fulfilment[-1] - 1e-9
    late = multiyear_plan(three_branches(), TARGETS_3, objective="weighted",
                          weights=[0, 0, 0, 0, 1])
    assert late.fulfilment[-1] == pytest.approx(
        multiyear_plan(three_branches(), TARGETS_3, objective="final").fulfilment[-1],
        rel=1e-7)


# --- Statuses and errors --------------------------------------------------------------------


def test_infeasible_floor_is_a_status() -> None:
    plan = multiyear_plan(one_good(), [[90.0], [100.0]], min_fulfilment=2.0)
    assert plan.status is PlanStatus.INFEASIBLE
    assert plan.gross_output is None
    assert plan.valuations is None
    with pytest.raises(InfeasiblePlanError, match="no plan satisfies"):
        plan.raise_for_status()


def test_unbounded_without_limits_is_a_status() -> None:
    e = Economy(products=["a", "b"], A=[[0.1, 0.2], [0.3, 0.1]], capital=np.eye(2))
    plan = multiyear_plan(e, {"a": 1.0}, years=3)
    assert plan.status is PlanStatus.UNBOUNDED
    with pytest.raises(UnboundedPlanError):
        plan.raise_for_status()


@pytest.mark.parametrize(
    ("targets", "years", "match"),
    [
        ({"tin": 1.0}, 3, "not in the economy"),
        ({"g": -1.0}, 3, ">= 0"),
        ([[1.0], [float("nan")]], None, r"year 2.*finite"),  # calendar years, from 1
        ([[1.0, 2.0]], None, "must have 1 quantities"),
        ([[1.0], [2.0]], 3, "must give 3 years"),
        ([[1.0], [0.0]], None, r"year 2.*ask for some product"),
        ([{"g": 1.0}, {"x": 1.0}], None, "'x' is not in the economy"),
    ],
)
def test_bad_targets_raise_targets_error(targets: object, years: int | None, match: str) -> None:
    with pytest.raises(TargetsError, match=match):
        multiyear_plan(one_good(), targets, years=years)  # type: ignore[arg-type]


def test_constant_targets_need_years() -> None:
    with pytest.raises(ValueError, match="years is needed"):
        multiyear_plan(one_good(), {"g": 1.0})


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"lag": 0}, ValueError, "lag must be"),
        ({"objective": "max"}, ValueError, "objective must be"),
        ({"labour_growth": -1.0}, ValueError, "labour_growth"),
        ({"min_fulfilment": -0.1}, ValueError, "min_fulfilment"),
        ({"objective": "weighted"}, TargetsError, "needs 2 weights"),
        ({"objective": "weighted", "weights": [1.0]}, TargetsError, "2 finite numbers"),
        ({"weights": [1.0, 1.0]}, ValueError, "only to objective='weighted'"),
        ({"lag": 2, "pipeline": [[-1.0]]}, EconomyError, "pipeline"),
        ({"lag": 2, "pipeline": [[1.0], [1.0]]}, EconomyError, "shape"),
        ({"investment_shares": {"g": 1.5}}, TargetsError, r"in \[0, 1\]"),
        ({"investment_shares": {"h": 0.5}}, TargetsError, "not in the economy"),
        ({"years": 0}, ValueError, "years must be"),
        ({"at_capacity": ["h"]}, TargetsError, "'h' is not in the economy"),
        ({"investment_good": "g"}, TargetsError, "only with investment_shares"),
    ],
)
def test_bad_options(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        multiyear_plan(one_good(), [[90.0], [100.0]], **kwargs)  # type: ignore[arg-type]


def test_capital_coefficients_are_needed() -> None:
    e = Economy(products=["g"], A=[[0.0]], capacity=[100.0])
    with pytest.raises(EconomyError, match="has no capital coefficients B"):
        multiyear_plan(e, [[90.0], [100.0]])
    plan = multiyear_plan(e, [[90.0], [100.0]], capital=[[2.0]])
    assert plan.fulfilment[0] == pytest.approx(30 / 29, rel=1e-9)
    with pytest.raises(EconomyError, match="capital"):
        multiyear_plan(e, [[90.0], [100.0]], capital=[[-2.0]])


def test_unlimited_branches_take_no_shares_and_no_full_capacity() -> None:
    with pytest.raises(TargetsError, match="unlimited capacity"):
        multiyear_plan(three_branches(), TARGETS_3, investment_shares={"bread": 0.1},
                       investment_good="steel")
    with pytest.raises(TargetsError, match="unlimited capacity"):
        multiyear_plan(three_branches(), TARGETS_3, at_capacity=["bread"])
    full = multiyear_plan(three_branches(), TARGETS_3, at_capacity=["coal"])
    np.testing.assert_allclose(full.gross_output[:, 0], full.capacity[:5, 0], rtol=1e-9)


def test_shares_need_a_named_good_when_capital_uses_several() -> None:
    with pytest.raises(TargetsError, match="name the good"):
        multiyear_plan(three_branches(), TARGETS_3, investment_shares={"steel": 0.5})
    plan = multiyear_plan(three_branches(), TARGETS_3, investment_shares={"steel": 0.2},
                          investment_good="steel")
    net = plan.gross_output[:, 1] - plan.gross_output @ three_branches().A.toarray()[1]
    np.testing.assert_allclose(plan.investment[:, 1] * 2.0, 0.2 * net, atol=1e-9)


# --- Results -------------------------------------------------------------------------------


def test_to_dict_is_json_and_frame_rows_are_tidy() -> None:
    plan = multiyear_plan(three_branches(), TARGETS_3)
    d = plan.to_dict()
    text = json.dumps(d, allow_nan=False)
    assert json.loads(text)["capacity"][0] == [60.0, 30.0, None]
    assert d["status"] == "optimal"
    assert d["years"] == 5
    assert len(d["gross_output"]) == 5
    rows = plan.frame_rows(first_year=1928)
    assert len(rows) == 15
    assert rows[0]["year"] == 1928
    assert rows[0]["product"] == "coal"
    assert rows[-1]["year"] == 1932
    assert rows[-1]["product"] == "bread"
    assert set(rows[0]) == {"year", "product", "target", "gross_output", "investment", "capacity",
                            "final_demand", "fulfilment", "valuation"}
    assert rows[4]["gross_output"] == plan.gross_output[1, 1]
    failed = multiyear_plan(one_good(), [[90.0], [100.0]], min_fulfilment=2.0)
    json.dumps(failed.to_dict(), allow_nan=False)
    assert failed.frame_rows()[0]["gross_output"] is None


def test_result_arrays_are_read_only() -> None:
    plan = multiyear_plan(one_good(), [[90.0], [100.0]])
    with pytest.raises(ValueError, match="read-only"):
        plan.gross_output[0, 0] = 1.0


@pytest.mark.slow
def test_deterministic() -> None:
    from gosplan.core.generate import generate_economy

    g = generate_economy(150, inputs=5, seed=3)
    B = sp.random_array((150, 150), density=0.03, rng=np.random.default_rng(0)) + sp.eye_array(150)
    targets = np.outer(1.0 + 0.05 * np.arange(4), g.targets)
    a, b = (multiyear_plan(g.economy, targets, capital=B) for _ in range(2))
    assert a.status is PlanStatus.OPTIMAL
    for name in ("gross_output", "investment", "capacity", "fulfilment", "valuations"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


# --- Receding horizon ---------------------------------------------------------------------


def test_revision_without_shock_keeps_the_first_year() -> None:
    single = multiyear_plan(three_branches(), TARGETS_3, lag=2)
    revised = multiyear_plan(three_branches(), TARGETS_3, lag=2, revise=True)
    assert revised.revised
    assert revised.status is PlanStatus.OPTIMAL
    assert len(revised.revisions) == 5
    np.testing.assert_array_equal(revised.revisions[0].gross_output, single.gross_output)
    assert [r.years for r in revised.revisions] == [5, 4, 3, 2, 1]
    np.testing.assert_array_equal(revised.gross_output[0], single.gross_output[0])
    np.testing.assert_array_equal(revised.investment[0], single.investment[0])
    np.testing.assert_allclose(revised.capacity[:2], single.capacity[:2], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(revised.fulfilment[0], single.fulfilment[0], rtol=1e-12)
    # Every year was carried out as replanned, within capacity.
    assert (revised.gross_output <= revised.capacity[:5] * (1 + 1e-9) + 1e-9).all()
    assert (revised.fulfilment >= single.fulfilment.min() - 1e-7).all()


def test_revision_replans_from_what_actually_happened() -> None:
    # A bad year 0: steel output comes out at 30 % of plan. Construction has priority, but
    # there is not enough steel for the projects planned: they are cut in proportion to
    # the scarcest good their capital needs, and the year-1 plan starts from the capacity
    # that actually resulted.
    cut = np.array([1.0, 0.3, 1.0])

    def shock(t: int, planned: np.ndarray) -> np.ndarray:
        return planned * cut if t == 0 else planned

    e = three_branches()
    single = multiyear_plan(e, TARGETS_3)
    revised = multiyear_plan(e, TARGETS_3, revise=True, shock=shock)
    revised.raise_for_status()
    x = single.gross_output[0] * cut
    np.testing.assert_allclose(revised.gross_output[0], x)
    B, net = e.capital.toarray(), x - e.A @ x
    need = B @ single.investment[0]
    ratio = np.where(need > 0, np.clip(net / np.where(need > 0, need, 1), 0, 1), 1)
    theta = np.array([min(ratio[B[:, j] > 0], default=1.0) for j in range(3)])
    assert theta.min() < 1  # the shock does bite
    np.testing.assert_allclose(revised.investment[0], single.investment[0] * theta)
    np.testing.assert_allclose(revised.final_demand[0],
                               np.maximum(net - B @ revised.investment[0], 0.0), atol=1e-12)
    delta = np.asarray(e.depreciation)[:2]
    np.testing.assert_allclose(revised.capacity[1, :2],
                               (1 - delta) * np.array([60.0, 30.0]) + revised.investment[0, :2])
    np.testing.assert_allclose(revised.revisions[1].capacity[0], revised.capacity[1])
    assert revised.fulfilment[0] < single.fulfilment[0]


def test_revision_reports_a_failed_year() -> None:
    # The plan keeps λ >= 1.03 (its optimum is 30/29). Year 0 delivers only 5 % of its
    # output, too little for the capacity it was to start: year 1 cannot reach the floor.
    def ruin(t: int, planned: np.ndarray) -> np.ndarray:
        return planned * 0.05

    plan = multiyear_plan(one_good(), [[90.0], [100.0]], revise=True, shock=ruin,
                          min_fulfilment=1.03, first_year=1928)
    assert plan.status is PlanStatus.INFEASIBLE
    assert "revision in year 1929" in plan.message
    assert plan.investment[0, 0] == pytest.approx(5.0 / 2.0)  # all 5 units went to building
    assert plan.fulfilment[0] == 0.0
    assert np.isnan(plan.gross_output[1]).all()
    assert plan.capacity[1, 0] == pytest.approx(102.5)
    assert [r.status for r in plan.revisions] == [PlanStatus.OPTIMAL, PlanStatus.INFEASIBLE]
    json.dumps(plan.to_dict(), allow_nan=False)
    with pytest.raises(InfeasiblePlanError, match="revision in year 1"):
        plan.raise_for_status()


def test_bad_shock_output_raises() -> None:
    with pytest.raises(ValueError, match="shock"):
        multiyear_plan(one_good(), [[90.0], [100.0]], revise=True,
                       shock=lambda t, x: -x)

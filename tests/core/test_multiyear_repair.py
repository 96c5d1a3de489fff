"""Repairing a solver's last point into a feasible multi-year plan, and bounding the optimum.

Properties checked against the exact LP: every investment path repairs into a plan that
satisfies every row of the LP, and no better than the optimum; every set of prices gives
a bound no lower than the optimum; the optimal prices give the optimum itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import gosplan.core.multiyear_lp as internals
from gosplan.core.generate import generate_economy
from gosplan.core.multiyear import multiyear_plan
from gosplan.core.multiyear_repair import Repair
from gosplan.core.plan_errors import SolverTimeLimitError
from gosplan.core.plan_result import PlanStatus
from gosplan.core.solvers import LPStatus, solve_lp

H = 4


@dataclass(frozen=True)
class Case:
    repair: Repair
    model: tuple[np.ndarray, sp.csr_array, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    best: float  # the optimal worst-year fulfilment
    prices: np.ndarray  # optimal duals of the capacity rows, (H, m)
    labour_prices: np.ndarray  # and of the labour rows, (H,)


@cache
def case(lag: int) -> Case:
    g = generate_economy(60, 4, seed=11, capital=True)
    e = g.economy
    y = g.targets[None, :] * 1.08 ** np.arange(H)[:, None]
    problem = internals.Problem.of(e, lag, None, None, False)
    m = problem.F.shape[0]
    # Labour shrinks a little, so that it binds in some years.
    labour = e.labour_available * 0.97 ** np.arange(H)
    K0 = np.asarray(e.capacity)[problem.F]
    q = 0.002 * np.tile(K0, (lag - 1, 1))
    S, spent = internals._schedule(H, lag), internals.committed(q, H)
    idle = problem._capacity(K0, np.zeros((H, m)), q)[:H]
    model = problem._model(y, labour, idle, S, spent, "min", np.zeros(H), 0.0)
    sol = solve_lp(*model, maximize=True)
    assert sol.status is LPStatus.OPTIMAL
    assert sol.x is not None
    assert sol.row_duals is not None
    n, ol = e.n, H * (e.n + m)
    return Case(problem._repair(y, labour, K0, q, idle, S, spent, 0.0), model,
                float(sol.x[-1]), sol.row_duals[H * n:ol].reshape(H, m),
                sol.row_duals[ol:ol + H])


def violation(c: Case, x: np.ndarray, z: np.ndarray, lam: np.ndarray) -> float:
    """Largest violation of any row or column bound of the LP, relative to the row's size."""
    v = np.concatenate([x.ravel(), z.ravel(), lam, [lam.min()]])
    _, M, lo, hi, clo, chi = c.model
    act = M @ v
    scale = 1.0 + abs(M) @ abs(v)
    rows = np.maximum(lo - act, act - hi) / scale
    cols = np.maximum(clo - v, v - chi)
    return float(max(rows.max(), cols.max()))


@pytest.mark.parametrize("lag", [1, 2])
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31), size=st.sampled_from([0.0, 0.01, 0.1, 1.0, 10.0]))
def test_any_investment_repairs_into_a_feasible_plan_no_better_than_the_optimum(
    lag: int, seed: int, size: float
) -> None:
    c = case(lag)
    rng = np.random.default_rng(seed)
    K0 = c.repair.K0
    z = size * rng.exponential(size=c.repair.idle.shape) * K0[None, :] * 0.05
    got = c.repair.plan(z)
    assert got is not None  # no investment at all fits, so some scaling of z does
    x, used, lam = got
    assert violation(c, x, used, lam) < 1e-9
    assert lam.min() <= c.best + 1e-9
    assert (used <= np.where(c.repair.free, z, 0.0) + 1e-15).all()  # scaled down, never up


@pytest.mark.parametrize("lag", [1, 2])
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31), labour=st.booleans(), late=st.booleans())
def test_any_prices_bound_the_optimum(lag: int, seed: int, labour: bool, late: bool) -> None:
    c = case(lag)
    rng = np.random.default_rng(seed)
    prices = rng.exponential(size=c.prices.shape) * (rng.random(c.prices.shape) < 0.3)
    if late:  # prices only in the last year: investment pays, and only its limit bounds it
        prices[:-1] = 0.0
    bound = c.repair.bound(prices, rng.exponential(size=H) * labour)
    assert bound is None or bound >= c.best - 1e-9


@pytest.mark.parametrize("lag", [1, 2])
def test_the_optimal_prices_give_the_optimum(lag: int) -> None:
    c = case(lag)
    bound = c.repair.bound(c.prices, c.labour_prices)
    assert bound is not None
    # The LP's objective also weighs the other years a little (SECONDARY), so its prices
    # bound the worst year to within that weight.
    assert c.best - 1e-9 <= bound <= c.best * (1 + 2 * internals.SECONDARY)


@pytest.mark.parametrize("lag", [1, 2])
def test_the_optimal_investment_repairs_into_the_optimum(lag: int) -> None:
    c = case(lag)
    sol = solve_lp(*c.model, maximize=True)
    assert sol.x is not None
    n, m = c.repair.y.shape[1], c.repair.idle.shape[1]
    got = c.repair.plan(sol.x[H * n:H * (n + m)].reshape(H, m))
    assert got is not None
    assert got[2].min() == pytest.approx(c.best, rel=1e-9)


def test_prices_of_zero_bound_nothing() -> None:
    c = case(1)
    assert c.repair.bound(np.zeros_like(c.prices), np.zeros(H)) is None


@pytest.mark.slow
def test_pdlp_stopped_early_still_gives_a_feasible_plan_and_a_bound(
    iteration_limit: Callable[[str, int], None],
) -> None:
    g = generate_economy(150, 20, seed=2, capital=True)
    y = g.targets[None, :] * 1.05 ** np.arange(5)[:, None]
    best = multiyear_plan(g.economy, y).raise_for_status()
    assert best.fulfilment is not None
    for limit in (0, 50):  # iterations, not seconds: the same stop on any machine
        iteration_limit("pdlp", limit)
        plan = multiyear_plan(g.economy, y, lp_method="pdlp")
        assert plan.status is PlanStatus.TIME_LIMIT
        assert plan.gross_output is not None
        assert plan.capacity is not None
        assert plan.fulfilment is not None
        assert plan.final_demand is not None
        assert plan.valuations is None  # not an optimum: no valuations to report
        # Feasible: capacity respected, deliveries meet each year's fulfilment.
        assert (plan.gross_output <= plan.capacity[:5] * (1 + 1e-9)).all()
        assert (plan.final_demand >= plan.fulfilment[:, None] * y * (1 - 1e-9) - 1e-12).all()
        assert plan.fulfilment.min() <= best.fulfilment.min() + 1e-9
        if plan.fulfilment_bound is not None:
            assert plan.fulfilment_bound >= best.fulfilment.min() - 1e-9
        assert "made feasible: worst-year fulfilment" in plan.message
        with pytest.raises(SolverTimeLimitError, match="best plan found: worst-year"):
            plan.raise_for_status()
        assert plan.to_dict()["fulfilment_bound"] == plan.fulfilment_bound


@pytest.mark.slow
@pytest.mark.parametrize("equalities", ["", "at_capacity", "shares"])
def test_only_plans_without_equalities_on_investment_are_repaired(
    equalities: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bool] = []

    def spy(*args: object, **kw: object) -> object:
        asked.append(bool(kw.get("keep_iterate")))
        return solve_lp(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(internals, "solve_lp", spy)
    g = generate_economy(40, 3, seed=2, capital=True)
    e, y = g.economy, g.targets[None, :] * 1.05 ** np.arange(3)[:, None]
    kwargs: dict[str, object] = {}
    if equalities == "at_capacity":
        kwargs["at_capacity"] = True
    if equalities == "shares":  # branch 0 gets half of the first good its capital takes
        good = e.products[sp.csc_array(e.capital)[:, [0]].indices[0]]
        kwargs.update(investment_shares={e.products[0]: 0.5}, investment_good=good)
    multiyear_plan(e, y, lp_method="pdlp", **kwargs)  # type: ignore[arg-type]
    multiyear_plan(e, y, lp_method="simplex", **kwargs)  # type: ignore[arg-type]
    assert asked == [not equalities, False]


def test_a_simplex_stopped_without_a_plan_points_to_pdlp(
    iteration_limit: Callable[[str, int], None],
) -> None:
    g = generate_economy(2500, 3, seed=2, capital=True)  # over WARM_START_LIMIT: cold
    y = g.targets[None, :] * 1.05 ** np.arange(3)[:, None]
    # Stopped by iterations, so on any machine; the generous time limit only makes the
    # start cold, as any time limit does above WARM_START_LIMIT products.
    iteration_limit("simplex", 0)
    plan = multiyear_plan(g.economy, y, time_limit=3600.0)
    assert plan.status is PlanStatus.TIME_LIMIT
    assert plan.gross_output is None
    with pytest.raises(SolverTimeLimitError, match="method pdlp would return a feasible plan"):
        plan.raise_for_status()


@pytest.mark.slow
def test_a_receding_horizon_carries_out_the_plans_cut_short(
    iteration_limit: Callable[[str, int], None],
) -> None:
    g = generate_economy(150, 20, seed=2, capital=True)
    y = g.targets[None, :] * 1.05 ** np.arange(4)[:, None]
    iteration_limit("pdlp", 1)  # every plan cut short, at the same point on any machine
    plan = multiyear_plan(g.economy, y, lp_method="pdlp", revise=True)
    assert plan.status is PlanStatus.TIME_LIMIT
    assert plan.fulfilment is not None
    assert np.isfinite(plan.fulfilment).all()  # every year was carried out
    assert len(plan.revisions) == 4
    assert plan.message.startswith("revision in year 1: ")  # the first plan (calendar year 1)
    assert plan.valuations is None
    assert plan.fulfilment_bound is None

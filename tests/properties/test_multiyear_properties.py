"""Properties of every T-year plan, on small random economies with capital and lags.

Capacity is never exceeded, labour never overdrawn, capacity grows exactly by the
projects that complete (after depreciation), every good's balance holds with the
construction paid in equal instalments, each year's fulfilment is what is delivered,
and a revision without surprises keeps the first year's decisions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gosplan import Economy
from gosplan.core.multiyear import multiyear_plan
from gosplan.core.plan_result import PlanStatus

TOL = 1e-7
PROPERTY = settings(max_examples=20, deadline=None, derandomize=True, database=None)


@dataclass
class Case:
    economy: Economy
    targets: np.ndarray
    lag: int
    pipeline: np.ndarray


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A productive economy, every branch of finite capacity, with capital and targets."""
    n = draw(st.integers(1, 4))
    T = draw(st.integers(1, 4))
    lag = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    A = rng.random((n, n)) * (rng.random((n, n)) < 0.6)
    A *= rng.uniform(0.1, 0.7) / max(A.sum(axis=0).max(), 1e-12)  # column sums < 0.7
    B = rng.random((n, n)) * (rng.random((n, n)) < 0.6) + np.diag(rng.uniform(0.5, 3.0, n))
    labour = rng.uniform(0.1, 1.0, n)
    capacity = rng.uniform(5.0, 50.0, n)
    economy = Economy(
        products=[f"p{i}" for i in range(n)], A=A, labour=labour, capacity=capacity,
        depreciation=rng.uniform(0.0, 0.2, n), capital=B,
        labour_available=float(labour @ capacity) * rng.uniform(0.3, 1.5),
    )
    targets = rng.uniform(0.0, 10.0, (T, n)) * (rng.random((T, n)) < 0.8)
    targets[:, 0] += 1.0  # every year asks for something
    pipeline = rng.uniform(0.0, 2.0, (lag - 1, n))
    return Case(economy, targets, lag, pipeline)


@PROPERTY
@given(cases(), st.sampled_from(["min", "final"]))
def test_plan_is_feasible_and_conserves_capacity(case: Case, objective: str) -> None:
    e, y, L = case.economy, case.targets, case.lag
    plan = multiyear_plan(e, y, lag=L, pipeline=case.pipeline, objective=objective)  # type: ignore[arg-type]
    assert plan.status is PlanStatus.OPTIMAL
    T = plan.years
    x, z, K = plan.gross_output, plan.investment, plan.capacity
    assert (x >= 0).all()
    assert (z >= 0).all()
    assert (x <= K[:T] * (1 + TOL) + TOL).all()
    assert (plan.labour_required <= plan.labour_available * (1 + TOL) + TOL).all()
    # Starts by start year, from -(L-1): the pipeline first.
    started = np.vstack([case.pipeline, z])
    delta = np.asarray(e.depreciation)
    A, B = e.A.toarray(), e.capital.toarray()
    for t in range(T):
        np.testing.assert_allclose(K[t + 1], (1 - delta) * K[t] + started[t], atol=1e-6)
        building = started[t:t + L].sum(axis=0) / L
        np.testing.assert_allclose(plan.final_demand[t], x[t] - A @ x[t] - B @ building,
                                   atol=1e-6)
        assert (plan.final_demand[t] >= plan.fulfilment[t] * y[t] - 1e-6).all()
        positive = y[t] > 0
        assert plan.fulfilment[t] == np.min(plan.final_demand[t][positive] / y[t][positive]) or (
            plan.fulfilment[t] == 0.0)
    assert (plan.valuations >= 0).all()
    assert (plan.capacity_valuations >= 0).all()


@pytest.mark.slow
@PROPERTY
@given(cases())
def test_revision_without_shock_keeps_the_first_year(case: Case) -> None:
    kwargs = {"lag": case.lag, "pipeline": case.pipeline}
    single = multiyear_plan(case.economy, case.targets, **kwargs)  # type: ignore[arg-type]
    revised = multiyear_plan(case.economy, case.targets, revise=True, **kwargs)  # type: ignore[arg-type]
    assert revised.status is PlanStatus.OPTIMAL
    np.testing.assert_array_equal(revised.gross_output[0], single.gross_output[0])
    np.testing.assert_array_equal(revised.investment[0], single.investment[0])
    np.testing.assert_allclose(revised.capacity[:2], single.capacity[:2], rtol=1e-12, atol=1e-12)
    T = revised.years
    assert (revised.gross_output <= revised.capacity[:T] * (1 + TOL) + TOL).all()


@PROPERTY
@given(cases(), st.sampled_from(["min", "sum", "final"]), st.integers(0, 2**32 - 1))
def test_stocks_by_good_are_feasible_and_accumulate(case: Case, objective: str,
                                                    seed: int) -> None:
    # Capital by good and branch with random stocks and depreciation by good and branch:
    # no stock is overdrawn (B[i, j] x_j <= K_ij), each stock grows by what was invested
    # in it L years before, after its own depreciation, every balance pays the goods
    # invested, labour is never overdrawn, and capacity is the scarcest stock's.
    e, y, L = case.economy, case.targets, case.lag
    rng = np.random.default_rng(seed)
    B = np.asarray(e.capital.toarray())
    stock = B * rng.uniform(0.0, 60.0, B.shape)
    delta = rng.uniform(0.0, 0.3, B.shape)
    floor = 0.05 if objective == "final" else 0.0
    plan = multiyear_plan(e, y, lag=L, objective=objective,  # type: ignore[arg-type]
                          capital_stock=stock, capital_depreciation=delta,
                          min_fulfilment=floor)
    if plan.status is PlanStatus.INFEASIBLE:
        return
    assert plan.status is PlanStatus.OPTIMAL
    T = y.shape[0]
    goods = np.array([e.index(g) for g in plan.capital_goods])
    owner = np.array([e.index(b) for b in plan.capital_branches])
    b = B[goods, owner]
    K, w, x = plan.capital_stock, plan.capital_investment, plan.gross_output
    np.testing.assert_allclose(K[0], stock[goods, owner])
    assert (b * x[:, owner] <= K[:T] * (1 + TOL) + TOL).all()
    for t in range(T):
        arriving = w[t + 1 - L] if t + 1 - L >= 0 else 0.0
        np.testing.assert_allclose(K[t + 1], (1 - delta[goods, owner]) * K[t] + arriving,
                                   rtol=1e-9, atol=1e-9)
        paid = np.zeros(e.n)
        for s in range(max(0, t - L + 1), t + 1):
            np.add.at(paid, goods, w[s] / L)
        net = x[t] - e.A @ x[t] - paid
        assert (net >= plan.fulfilment[t] * y[t] - 1e-6).all()
    assert (plan.labour_required <= plan.labour_available * (1 + TOL) + TOL).all()
    capacity = np.full((T + 1, e.n), np.inf)
    np.minimum.at(capacity.T, owner, (K / b).T)
    np.testing.assert_allclose(plan.capacity, capacity)

"""Properties of every optimal activity plan, on small random activity economies.

Feasibility, dual feasibility, complementary slackness and strong duality checked from
the plan's own numbers, and the optimum against scipy's ``linprog`` on the same LP written
out densely by hand (an independent assembly of the model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from gosplan.core.activities import ActivityEconomy
from gosplan.core.activity_plan import activity_plan
from gosplan.core.activity_result import ActivityPlan

TOL = 1e-7
PROPERTY = settings(max_examples=40, deadline=None, derandomize=True, database=None)


@dataclass
class Case:
    economy: ActivityEconomy
    targets: np.ndarray


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """Joint production, choice of technique, resources; labour > 0 and finite: bounded."""
    n = draw(st.integers(1, 5))
    m = draw(st.integers(1, 8))
    k = draw(st.integers(0, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    make = rng.uniform(0.2, 2.0, (n, m)) * (rng.random((n, m)) < 0.5)
    make[rng.integers(0, n, m), np.arange(m)] = rng.uniform(0.5, 2.0, m)  # each makes something
    use = rng.uniform(0.0, 0.6, (n, m)) * (rng.random((n, m)) < 0.4)
    R = rng.uniform(0.0, 1.0, (k, m)) * (rng.random((k, m)) < 0.6)
    available = np.where(rng.random(k) < 0.8, rng.uniform(1.0, 50.0, k), np.inf)
    capacity = np.where(rng.random(m) < 0.3, rng.uniform(0.5, 20.0, m), np.inf)
    y = rng.uniform(0.0, 3.0, n) * (rng.random(n) < 0.7)
    if not y.any():
        y[0] = 1.0
    e = ActivityEconomy(
        products=[f"p{i}" for i in range(n)], activities=[f"a{j}" for j in range(m)],
        make=make, use=use, labour=rng.uniform(0.05, 1.0, m),
        resources=[f"r{i}" for i in range(k)], resource_use=R, available=available,
        capacity=capacity, labour_available=float(rng.uniform(5.0, 100.0)),
    )
    return Case(e, y)


def limits_value(e: ActivityEconomy, plan: ActivityPlan) -> float:
    """``v L + u · a + w · capacity`` over the finite limits: the dual objective."""
    assert plan.resource_valuations is not None
    assert plan.capacity_valuations is not None
    assert plan.labour_valuation is not None
    finite_a = np.isfinite(e.available)
    finite_c = np.isfinite(e.capacity)
    return float(plan.labour_valuation * e.labour_available
                 + plan.resource_valuations[finite_a] @ e.available[finite_a]
                 + plan.capacity_valuations[finite_c] @ e.capacity[finite_c])


def check_kkt(e: ActivityEconomy, plan: ActivityPlan, delivered: np.ndarray) -> None:
    """Primal and dual feasibility and complementary slackness, to a tolerance."""
    z, p = plan.levels, plan.valuations
    u, w, rc = plan.resource_valuations, plan.capacity_valuations, plan.reduced_costs
    assert z is not None
    assert p is not None
    assert u is not None
    assert w is not None
    assert rc is not None
    assert plan.final_demand is not None
    assert plan.resource_use is not None
    scale = 1.0 + float(np.abs(z).max(initial=0.0))
    # primal: net output covers what is delivered; limits hold
    assert (plan.final_demand >= delivered - TOL * scale).all()
    assert (z >= 0).all()
    assert (z <= e.capacity + TOL * scale).all()
    assert e.labour @ z <= e.labour_available * (1 + TOL)
    assert (plan.resource_use <= e.available * (1 + TOL) + TOL).all()
    # dual: valuations >= 0; no activity earns more than its capacity's valuation
    assert (p >= 0).all()
    assert (u >= 0).all()
    assert (w >= 0).all()
    vscale = 1.0 + float(max(p.max(initial=0.0), u.max(initial=0.0), w.max(initial=0.0)))
    assert (rc + w >= -TOL * vscale).all()
    # complementary slackness
    used = z > TOL * scale
    assert np.abs((rc + w)[used]).max(initial=0.0) <= 1e-6 * vscale
    assert (np.abs(plan.final_demand - delivered)[p > TOL * vscale] <= 1e-6 * scale).all()
    assert (np.abs(plan.resource_use - e.available)[u > TOL * vscale] <= 1e-6 * scale).all()
    assert (np.abs(z - e.capacity)[w > TOL * vscale] <= 1e-6 * scale).all()
    if plan.labour_valuation is not None and plan.labour_valuation > TOL * vscale:
        assert abs(e.labour @ z - e.labour_available) <= 1e-6 * e.labour_available


def dense_lp(e: ActivityEconomy, y: np.ndarray) -> float:
    """The assortment LP written out by hand, solved by scipy: max λ over (z, λ)."""
    n, m = e.n, e.m
    net = e.make.toarray() - e.use.toarray()
    rows = [np.hstack([-net, y.reshape(-1, 1)])]
    rhs = [np.zeros(n)]
    rows.append(np.append(e.labour, 0.0).reshape(1, -1))
    rhs.append(np.array([e.labour_available]))
    finite = np.isfinite(e.available)
    if finite.any():
        R = e.resource_use.toarray()[finite]
        rows.append(np.hstack([R, np.zeros((R.shape[0], 1))]))
        rhs.append(e.available[finite])
    bounds = [(0.0, None if np.isinf(c) else float(c)) for c in e.capacity] + [(0.0, None)]
    cost = np.zeros(m + 1)
    cost[m] = -1.0
    res = linprog(cost, A_ub=np.vstack(rows), b_ub=np.concatenate(rhs), bounds=bounds)
    assert res.status == 0
    return float(-res.fun)


@PROPERTY
@given(cases())
def test_assortment_plan_is_optimal_with_valuations_that_prove_it(case: Case) -> None:
    e, y = case.economy, case.targets
    plan = activity_plan(e, y).raise_for_status()
    assert plan.fulfilment is not None
    assert plan.valuations is not None
    check_kkt(e, plan, plan.fulfilment * y)
    # strong duality: the optimum is the value of all the limits
    assert abs(plan.fulfilment - limits_value(e, plan)) <= 1e-6 * (1 + plan.fulfilment)
    if plan.fulfilment > TOL:
        assert abs(float(plan.valuations @ y) - 1.0) <= 1e-6  # assortment worth one
    assert abs(plan.fulfilment - dense_lp(e, y)) <= 1e-6 * (1 + plan.fulfilment)


@PROPERTY
@given(cases(), st.integers(0, 2**32 - 1))
def test_weighted_plan_is_optimal_with_valuations_that_prove_it(case: Case, seed: int) -> None:
    e = case.economy
    c = np.random.default_rng(seed).uniform(0.0, 2.0, e.n)
    plan = activity_plan(e, None, objective="weighted", weights=c).raise_for_status()
    assert plan.objective_value is not None
    assert plan.final_demand is not None
    assert plan.valuations is not None
    final = np.where(c > 0, np.maximum(plan.final_demand, 0.0), 0.0)
    assert abs(plan.objective_value - float(c @ final)) <= 1e-6 * (1 + plan.objective_value)
    assert (plan.valuations >= c - 1e-7).all()  # final use worth at least its weight
    assert abs(plan.objective_value - limits_value(e, plan)) <= 1e-6 * (
        1 + plan.objective_value)

"""Properties of every optimal plan, on small random productive economies.

Feasibility, dual feasibility, complementary slackness and strong duality (the KKT
conditions) checked from the plan's own numbers; agreement with scipy's ``linprog``; and
the closed form ``λ = min(limit / need at x*)`` of the assortment problem, whose
valuations must equal HiGHS's where the duals are unique, and satisfy the KKT conditions
where ties make them not unique.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from gosplan import Economy, balance
from gosplan.core.optimal import Method, optimal_plan
from gosplan.core.plan_result import OptimalPlan, PlanStatus

INF = np.inf
TOL = 1e-7
PROPERTY = settings(max_examples=40, deadline=None, derandomize=True, database=None)


@dataclass
class Case:
    economy: Economy
    targets: np.ndarray
    resources: dict[str, tuple[np.ndarray, float]]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A productive economy with at least one finite limit on every product it can make."""
    n = draw(st.integers(1, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    A = rng.random((n, n)) * (rng.random((n, n)) < draw(st.floats(0.2, 1.0)))
    colsum = A.sum(axis=0)
    A *= np.where(colsum > 0, draw(st.floats(0.0, 0.9)) / np.where(colsum > 0, colsum, 1), 0)
    capacity = np.where(rng.random(n) < 0.6, rng.uniform(1.0, 100.0, n), INF)
    labour = rng.uniform(0.05, 1.0, n)  # all positive with finite labour: always bounded
    e = Economy(
        products=[f"p{i}" for i in range(n)],
        A=A,
        labour=labour,
        capacity=capacity,
        labour_available=float(rng.uniform(1.0, 100.0)),
    )
    y = rng.uniform(0.0, 10.0, n) * (rng.random(n) < 0.8)
    if not y.any():
        y[int(rng.integers(n))] = 1.0
    resources = {}
    if draw(st.booleans()):
        resources["land"] = (
            rng.uniform(0.0, 1.0, n) * (rng.random(n) < 0.7),
            float(rng.uniform(1.0, 50.0)),
        )
    return Case(e, y, resources)


@pytest.mark.parametrize("method", ["simplex", "closed_form"])
@PROPERTY
@given(case=cases())
def test_kkt_conditions_hold(case: Case, method: Method) -> None:
    plan = optimal_plan(case.economy, case.targets, resources=case.resources, lp_method=method)
    assert plan.status is PlanStatus.OPTIMAL
    assert_kkt(case, plan)


def assert_kkt(case: Case, plan: OptimalPlan) -> None:
    """Feasibility, dual feasibility, complementary slackness and strong duality."""
    e, y = case.economy, case.targets
    x, lam = plan.gross_output, plan.fulfilment
    p, w, v = plan.valuations, plan.capacity_valuations, plan.labour_valuation
    u = plan.resource_valuations
    assert x is not None
    assert lam is not None
    assert p is not None
    assert w is not None
    assert v is not None
    assert u is not None
    IA = np.eye(e.n) - e.A.toarray()
    scale = max(1.0, float(np.abs(x).max()), float(y.max()))

    # Primal feasibility.
    slack = IA @ x - lam * y
    assert (slack >= -TOL * scale).all()
    assert (x >= 0).all()
    assert (x <= e.capacity + TOL * scale).all()
    assert e.labour @ x <= e.labour_available + TOL * scale
    for name, (r, available) in case.resources.items():
        assert r @ x <= available + TOL * scale, name

    # Dual feasibility: valuations >= 0; no branch earns more than its inputs cost.
    assert (p >= 0).all()
    assert (w >= 0).all()
    assert v >= 0
    assert all(z >= 0 for z in u.values())
    resource_cost = sum((u[name] * r for name, (r, _) in case.resources.items()), np.zeros(e.n))
    margin = IA.T @ p - v * e.labour - resource_cost - w  # <= 0, and = 0 where x > 0
    assert (margin <= TOL).all()
    assert 1.0 - p @ y <= TOL  # the λ column: the assortment is worth at least one

    # Complementary slackness.
    assert np.abs(p * slack).max() <= TOL * scale
    finite = np.isfinite(e.capacity)
    assert np.abs(w[finite] * (e.capacity[finite] - x[finite])).max(initial=0.0) <= TOL * scale
    assert abs(v * (e.labour_available - e.labour @ x)) <= TOL * scale
    for name, (r, available) in case.resources.items():
        assert abs(u[name] * (available - r @ x)) <= TOL * scale
    assert np.abs(margin * x).max() <= TOL * scale
    if lam > TOL:
        assert abs(p @ y - 1.0) <= TOL

    # Strong duality: λ is the valuation of all the limits.
    value = (
        w[finite] @ e.capacity[finite]
        + v * e.labour_available
        + sum(u[name] * available for name, (_, available) in case.resources.items())
    )
    assert abs(value - lam) <= TOL * max(1.0, lam)


def _scipy_problem(case: Case, weights: np.ndarray | None):
    """The same LP, written for ``scipy.optimize.linprog`` (which minimises)."""
    e, y, n = case.economy, case.targets, case.economy.n
    IA = np.eye(n) - e.A.toarray()
    limits = [e.labour] + [r for r, _ in case.resources.values()]
    amounts = [e.labour_available] + [a for _, a in case.resources.values()]
    if weights is None:  # variables (x, λ)
        c = np.r_[np.zeros(n), -1.0]
        A_ub = np.vstack([np.c_[-IA, y], np.c_[np.array(limits), np.zeros(len(limits))]])
        bounds = [(0, cap if np.isfinite(cap) else None) for cap in e.capacity] + [(0, None)]
    else:  # variables (x, f)
        c = np.r_[np.zeros(n), -weights]
        A_ub = np.vstack(
            [np.c_[-IA, np.eye(n)], np.c_[np.array(limits), np.zeros((len(limits), n))]]
        )
        bounds = [(0, cap if np.isfinite(cap) else None) for cap in e.capacity] + [(0, None)] * n
    b_ub = np.r_[np.zeros(n), amounts]
    return linprog(c, A_ub=sp.csr_array(A_ub), b_ub=b_ub, bounds=bounds, method="highs")


@pytest.mark.slow
@PROPERTY
@given(cases())
def test_agrees_with_scipy_linprog(case: Case) -> None:
    ours = optimal_plan(case.economy, case.targets, resources=case.resources)
    theirs = _scipy_problem(case, None)
    assert theirs.status == 0
    assert ours.fulfilment is not None
    assert abs(ours.fulfilment - (-theirs.fun)) <= 1e-7 * max(1.0, -theirs.fun)

    weights = np.random.default_rng(case.economy.n).uniform(0.0, 2.0, case.economy.n)
    ours = optimal_plan(
        case.economy, None, objective="weighted", weights=weights, resources=case.resources
    )
    theirs = _scipy_problem(case, weights)
    assert theirs.status == 0
    assert ours.objective_value is not None
    assert abs(ours.objective_value - (-theirs.fun)) <= 1e-7 * max(1.0, -theirs.fun)


@PROPERTY
@given(cases())
def test_fulfilment_is_the_smallest_ratio_of_limit_to_need(case: Case) -> None:
    # Every plan for λ y produces at least λ x* (the Leontief inverse is >= 0), and λ x*
    # itself is such a plan, so λ = min over limits of limit / need at x*.
    e, y = case.economy, case.targets
    x_star = balance(e, y, valuations=False).gross_output
    limit = np.r_[e.capacity, e.labour_available, [a for _, a in case.resources.values()]]
    need = np.r_[x_star, e.labour @ x_star, [r @ x_star for r, _ in case.resources.values()]]
    used = np.isfinite(limit) & (need > 0)
    plan = optimal_plan(e, y, resources=case.resources)
    assert plan.fulfilment is not None
    expected = float(np.min(limit[used] / need[used]))
    assert abs(plan.fulfilment - expected) <= 1e-7 * max(1.0, expected)


@PROPERTY
@given(cases(), st.floats(0.1, 10.0))
def test_scaling_targets_scales_fulfilment_inversely(case: Case, factor: float) -> None:
    e, y = case.economy, case.targets
    base = optimal_plan(e, y, resources=case.resources).fulfilment
    scaled = optimal_plan(e, factor * y, resources=case.resources).fulfilment
    assert base is not None
    assert scaled is not None
    assert abs(scaled * factor - base) <= 1e-7 * max(1.0, base)


def _unique_duals(case: Case) -> bool:
    """Whether the assortment LP's duals are unique: one limit binds, by a clear margin,
    and the targets need every product (every column is then basic, so the reduced
    costs pin the prices down)."""
    e, y = case.economy, case.targets
    x_star = balance(e, y, valuations=False).gross_output
    limit = np.r_[e.capacity, e.labour_available, [a for _, a in case.resources.values()]]
    need = np.r_[x_star, e.labour @ x_star, [r @ x_star for r, _ in case.resources.values()]]
    used = np.isfinite(limit) & (need > 0)
    ratios = np.sort(limit[used] / need[used])
    clear = ratios.size == 1 or ratios[1] > ratios[0] * (1 + 1e-6)
    return bool((x_star > 1e-9 * x_star.max()).all() and clear and ratios[0] > 0)


@PROPERTY
@given(cases())
def test_closed_form_valuations_are_highs_duals(case: Case) -> None:
    e, y = case.economy, case.targets
    ours = optimal_plan(e, y, resources=case.resources, lp_method="closed_form")
    # Interior point then crossover: a vertex reached without the closed form's help.
    theirs = optimal_plan(e, y, resources=case.resources, lp_method="ipm")
    assert ours.fulfilment is not None
    assert theirs.fulfilment is not None
    assert abs(ours.fulfilment - theirs.fulfilment) <= 1e-8 * max(1.0, theirs.fulfilment)
    if not _unique_duals(case):
        return  # then only the KKT conditions can be asked of both (tests above and below)
    for name in ("valuations", "capacity_valuations"):
        np.testing.assert_allclose(
            getattr(ours, name), getattr(theirs, name), rtol=1e-7, atol=1e-10, err_msg=name
        )
    assert ours.labour_valuation == pytest.approx(theirs.labour_valuation, rel=1e-7, abs=1e-12)
    assert ours.resource_valuations is not None
    assert theirs.resource_valuations is not None
    for name, value in ours.resource_valuations.items():
        assert value == pytest.approx(theirs.resource_valuations[name], rel=1e-7, abs=1e-12)


@st.composite
def tied_cases(draw: st.DrawFn) -> Case:
    """Degenerate cases: several limits sized so that they bind at the same fulfilment."""
    case = draw(cases())
    e, y = case.economy, case.targets
    x_star = balance(e, y, valuations=False).gross_output
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    level = float(rng.uniform(0.2, 2.0))
    capacity = np.where(rng.random(e.n) < 0.6, level * x_star, e.capacity)
    capacity[int(rng.integers(e.n))] = level * x_star.max()  # at least one ties...
    labour_available = level * float(e.labour @ x_star)  # ...with labour
    tied = Economy(
        products=e.products,
        A=e.A,
        labour=e.labour,
        capacity=np.where(x_star > 0, capacity, e.capacity),
        labour_available=labour_available if labour_available > 0 else 1.0,
    )
    resources = {
        name: (r, level * float(r @ x_star) if r @ x_star > 0 else amount)
        for name, (r, amount) in case.resources.items()
    }
    return Case(tied, y, resources)


@pytest.mark.parametrize("method", ["simplex", "ipm", "closed_form"])
@PROPERTY
@given(case=tied_cases())
def test_ties_give_valuations_that_satisfy_kkt(case: Case, method: Method) -> None:
    # With ties the valuations are not unique (any split between the tied limits is
    # optimal): each method may pick another, and each must still satisfy the KKT
    # conditions, with the same fulfilment.
    plan = optimal_plan(case.economy, case.targets, resources=case.resources, lp_method=method)
    assert plan.status is PlanStatus.OPTIMAL
    assert_kkt(case, plan)
    reference = optimal_plan(
        case.economy, case.targets, resources=case.resources, lp_method="closed_form"
    )
    assert plan.fulfilment == pytest.approx(reference.fulfilment, rel=1e-8)

"""Cockshott's harmony planner: the harmony function, λ*, and plans checked against truth."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from gosplan import ConvergenceError, Economy, EconomyError, TargetsError
from gosplan.core.harmony import (
    HarmonyStatus,
    harmony,
    harmony_plan,
    harmony_slope,
    max_fulfilment,
)
from gosplan.core.optimal import optimal_plan
from gosplan.core.solvers import solve_lp


def random_economy(n: int, seed: int, *, share: float = 0.7, inputs: int = 4) -> tuple[
        Economy, np.ndarray]:
    """A sparse productive economy whose capacities and labour bind at different levels."""
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, n, size=n * inputs)
    cols = np.repeat(np.arange(n), inputs)
    A = sp.csr_array((rng.random(n * inputs), (rows, cols)), shape=(n, n))
    A.sum_duplicates()
    colsum = np.bincount(A.indices, weights=A.data, minlength=n)
    A = sp.csr_array(A @ sp.diags_array(rng.uniform(0.3, 0.8, n) / colsum))
    labour = rng.uniform(0.1, 1.0, n)
    y = rng.uniform(0.5, 2.0, n) * 10 ** rng.uniform(-1, 1, n) * (rng.random(n) < share)
    y[0] = max(y[0], 1.0)
    x1 = np.linalg.solve(np.eye(n) - A.toarray(), y) if n <= 400 else None
    if x1 is None:
        from gosplan import balance

        x1 = balance(Economy(products=[f"p{i}" for i in range(n)], A=A, check=False),
                     y, valuations=False).gross_output
    e = Economy(products=[f"p{i}" for i in range(n)], A=A, labour=labour,
                capacity=x1 * rng.uniform(0.7, 3.0, n), labour_available=float(0.8 * labour @ x1))
    return e, y


def assert_feasible(e: Economy, x: np.ndarray, floor_use: np.ndarray) -> None:
    scale = float(np.max(x))
    assert (x >= 0).all()
    assert (x <= e.capacity * (1 + 1e-9) + 1e-12 * scale).all()
    assert e.labour @ x <= e.labour_available * (1 + 1e-9)
    f = x - e.A @ x
    assert (f >= floor_use - 1e-9 * scale).all()


def tangent_lp_optimum(e: Economy, t: np.ndarray, floor: float) -> float:
    """The harmony optimum by an independent route: H replaced by 300 tangent planes, an LP."""
    n = e.n
    T = np.flatnonzero(t > 0)
    grid = np.r_[np.linspace(-1, 0, 151), np.expm1(np.linspace(0, np.log(40), 150))[1:]]
    IA = sp.csr_array(sp.eye_array(n) - e.A)
    rows_T = sp.csr_array(sp.diags_array(1 / t[T]) @ IA[T])
    cuts = sp.vstack([sp.hstack([-float(harmony_slope(g)) * rows_T, sp.eye_array(T.size)])
                      for g in grid], format="csr")
    M = sp.vstack([sp.hstack([IA, sp.csr_array((n, T.size))]), cuts,
                   sp.hstack([sp.csr_array(e.labour.reshape(1, -1)),
                              sp.csr_array((1, T.size))])], format="csr")
    lam = max_fulfilment(e, t)
    solution = solve_lp(
        np.r_[np.zeros(n), np.ones(T.size)], M,
        row_lower=np.r_[floor * lam * t, np.full(grid.size * T.size, -np.inf), -np.inf],
        row_upper=np.r_[np.full(n, np.inf),
                        np.repeat(harmony(grid) - harmony_slope(grid) * (grid + 1), T.size),
                        e.labour_available],
        col_lower=np.r_[np.zeros(n), np.full(T.size, -np.inf)],
        col_upper=np.r_[e.capacity, np.full(T.size, np.inf)], maximize=True)
    assert solution.x is not None
    x = solution.x[:n]
    f = x - e.A @ x
    return float(np.sum(harmony(f[T] / t[T] - 1)))


# --- the harmony function -------------------------------------------------------------------


def test_harmony_is_log_above_target_and_quadratic_below() -> None:
    s = np.array([-1.0, -0.5, 0.0, 0.5, 3.0])
    np.testing.assert_allclose(harmony(s), [-1.5, -0.625, 0.0, np.log(1.5), np.log(4.0)])
    np.testing.assert_allclose(harmony_slope(s), [2.0, 1.5, 1.0, 1 / 1.5, 0.25])


def test_harmony_is_smooth_and_concave_across_the_target() -> None:
    h = 1e-7
    assert harmony(h) - harmony(-h) == pytest.approx(2 * h, rel=1e-6)  # slope 1 both sides
    s = np.linspace(-2, 5, 701)
    slope = harmony_slope(s)
    assert (np.diff(slope) < 0).all()  # strictly decreasing slope: strictly concave
    np.testing.assert_allclose(np.gradient(harmony(s), s)[1:-1], slope[1:-1], atol=1e-3)


# --- λ*: the LP optimum in closed form --------------------------------------------------------


def test_max_fulfilment_by_hand() -> None:
    e = Economy(products=["grain"], A=[[0.2]], capacity=[100.0])
    assert max_fulfilment(e, {"grain": 100.0}) == pytest.approx(0.8)
    unlimited = Economy(products=["grain"], A=[[0.2]])
    assert max_fulfilment(unlimited, [1.0]) == np.inf


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_max_fulfilment_equals_the_lp_optimum(seed: int) -> None:
    e, y = random_economy(40, seed)
    lp = optimal_plan(e, y).raise_for_status()
    assert lp.fulfilment is not None
    assert max_fulfilment(e, y) == pytest.approx(lp.fulfilment, rel=1e-9)


# --- plans against known optima --------------------------------------------------------------


def labour_only(labour: list[float], available: float) -> Economy:
    return Economy(products=["bread", "cloth"], A=np.zeros((2, 2)), labour=labour,
                   labour_available=available)


def test_spare_labour_goes_where_it_adds_most_harmony() -> None:
    # max ln(f1/2) + ln(f2/2) with f1 + 2 f2 = 10 (both above target): half the labour each.
    plan = harmony_plan(labour_only([1.0, 2.0], 10.0), [2.0, 2.0], floor=0.0).raise_for_status()
    np.testing.assert_allclose(plan.final_demand, [5.0, 2.5], rtol=1e-4)
    assert plan.labour_valuation == pytest.approx(0.2, rel=1e-3)  # dH/df1 = 1/f1 = μ l1


def test_unconstrained_harmony_trades_the_scarce_target_away() -> None:
    # Targets 4 and 4, labour 1 and 2 per unit, 10 available: λ* = 10/12. Harmony alone
    # puts product 1 above target (s1 = a - 1, 2a² + 3a = 8) and product 2 far below.
    plan = harmony_plan(labour_only([1.0, 2.0], 10.0), [4.0, 4.0], floor=0.0,
                        tol=1e-10).raise_for_status()
    a = (-3 + np.sqrt(73)) / 4
    np.testing.assert_allclose(plan.final_demand, [4 * a, 4 * (2 - 2 / a)], rtol=1e-4)
    assert plan.max_fulfilment == pytest.approx(10 / 12)
    assert plan.fulfilment == pytest.approx(2 - 2 / a, rel=1e-4)  # 0.557: far below λ*


def test_the_floor_holds_every_target_near_the_lp_optimum() -> None:
    plan = harmony_plan(labour_only([1.0, 2.0], 10.0), [4.0, 4.0]).raise_for_status()
    f2 = 4 * 0.995 * 10 / 12
    np.testing.assert_allclose(plan.final_demand, [10 - 2 * f2, f2], rtol=1e-5)
    assert plan.fulfilment == pytest.approx(0.995 * plan.max_fulfilment, rel=1e-6)


@pytest.mark.parametrize(("seed", "floor"), [(0, 0.995), (2, 0.0), (3, 0.9)])
def test_plan_reaches_the_harmony_optimum_of_an_independent_lp(seed: int, floor: float) -> None:
    e, y = random_economy(12, seed)
    plan = harmony_plan(e, y, floor=floor).raise_for_status()
    reference = tangent_lp_optimum(e, y, floor)
    # The tangent planes over-estimate H by at most ~6e-5 per product between grid points.
    assert plan.harmony >= reference - 1e-4 * (y > 0).sum()
    assert plan.harmony <= reference + plan.duality_gap + 1e-4 * (y > 0).sum()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_plan_is_feasible_and_within_one_percent_of_the_lp_fulfilment(seed: int) -> None:
    e, y = random_economy(50, seed)
    plan = harmony_plan(e, y).raise_for_status()
    lp = optimal_plan(e, y).raise_for_status()
    assert lp.fulfilment is not None
    assert plan.fulfilment >= 0.99 * lp.fulfilment
    assert plan.fulfilment <= lp.fulfilment * (1 + 1e-9)
    assert_feasible(e, plan.gross_output, 0.995 * plan.max_fulfilment * y)
    assert plan.duality_gap <= 1e-5 * (y > 0).sum()
    assert plan.harmony >= plan.harmony_history[0]
    assert (np.diff(plan.harmony_history) >= 0).all()  # the best plan only improves
    assert plan.history.shape == (plan.iterations + 1,)


def test_large_economies_use_iterative_solves_and_stay_feasible() -> None:
    e, y = random_economy(700, 5)
    plan = harmony_plan(e, y, iterations=15)
    assert plan.status in (HarmonyStatus.CONVERGED, HarmonyStatus.ITERATION_LIMIT)
    assert_feasible(e, plan.gross_output, 0.995 * plan.max_fulfilment * y * (1 - 1e-9))
    assert plan.fulfilment >= 0.995 * plan.max_fulfilment * (1 - 1e-9)
    assert plan.harmony > plan.harmony_history[0]


# --- valuations, warm starts, limits ----------------------------------------------------------


def test_valuations_price_products_at_their_full_cost() -> None:
    e, y = random_economy(30, 4)
    plan = harmony_plan(e, y).raise_for_status()
    p, w = plan.valuations, plan.capacity_valuations
    # (I - A)ᵀ p = w + μ l: every branch just covers its rents and wages.
    np.testing.assert_allclose(p - e.A.T @ p, w + plan.labour_valuation * e.labour,
                               atol=1e-9 * max(float(p.max()), 1.0))
    assert (w >= 0).all()
    assert plan.labour_valuation >= 0
    idle = plan.gross_output < 0.999 * e.capacity
    assert np.all(w[idle] <= 1e-6 * max(float(w.max()), 1e-300))


def test_warm_start_from_a_previous_plan_needs_fewer_iterations() -> None:
    e, y = random_economy(60, 6)
    cold = harmony_plan(e, y).raise_for_status()
    assert harmony_plan(e, y, start=cold).iterations == 0  # its prices are already optimal
    warm = harmony_plan(e, y * 1.001, start=cold).raise_for_status()
    again = harmony_plan(e, y * 1.001).raise_for_status()
    assert warm.iterations < again.iterations
    assert warm.harmony == pytest.approx(again.harmony, abs=2e-5 * (y > 0).sum())


def test_stopping_early_still_gives_a_feasible_plan() -> None:
    e, y = random_economy(40, 7)
    plan = harmony_plan(e, y, iterations=0)
    assert plan.status is HarmonyStatus.ITERATION_LIMIT
    assert plan.iterations == 0
    assert_feasible(e, plan.gross_output, 0.995 * plan.max_fulfilment * y * (1 - 1e-9))
    with pytest.raises(ConvergenceError, match="iteration limit"):
        plan.raise_for_status()
    # A deadline of zero has passed by the first check, after the first evaluation, on
    # any machine; and that evaluation alone does not converge (see iterations=0 above).
    timed = harmony_plan(e, y, time_limit=0.0)
    assert timed.status is HarmonyStatus.TIME_LIMIT


def test_same_inputs_give_the_same_bits() -> None:
    e, y = random_economy(80, 8)
    a, b = harmony_plan(e, y), harmony_plan(e, y)
    assert a.gross_output.tobytes() == b.gross_output.tobytes()
    assert a.capacity_valuations.tobytes() == b.capacity_valuations.tobytes()


@pytest.mark.slow
def test_same_bits_whatever_the_thread_count(monkeypatch: pytest.MonkeyPatch) -> None:
    # The iterative solves split their passes and sums over threads (forced here on a
    # small economy); no dot product may depend on how many there are.
    import gosplan.core.balance as internals

    monkeypatch.setattr(internals, "_PARALLEL_NNZ", 1)
    monkeypatch.setattr(internals, "_CHUNK", 100)
    e, y = random_economy(700, 5)
    answers = []
    for threads in (1, 2, 3):
        monkeypatch.setattr(internals, "_threads", lambda threads=threads: threads)
        plan = harmony_plan(e, y, iterations=10)
        answers.append((plan.gross_output.tobytes(), plan.capacity_valuations.tobytes(),
                        plan.iterations, plan.passes))
    assert all(a == answers[0] for a in answers)


def test_the_deadline_is_checked_between_line_search_trials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A clock that runs out at the fifth evaluation of the dual, the first trial of a line
    # search that backtracks twice (on this economy): on large economies an
    # evaluation costs seconds, so the search must not finish a line search past it.
    import gosplan.core.harmony_search as search

    evaluations = 0
    evaluate = search.PriceSearch.evaluate

    def counted(self: search.PriceSearch, z: np.ndarray) -> tuple[float, np.ndarray]:
        nonlocal evaluations
        evaluations += 1
        return evaluate(self, z)

    monkeypatch.setattr(search.PriceSearch, "evaluate", counted)
    monkeypatch.setattr(search, "_past", lambda deadline: deadline is not None
                        and evaluations >= 5)
    e, y = random_economy(700, 5)
    plan = harmony_plan(e, y, time_limit=3600.0)
    assert plan.status is HarmonyStatus.TIME_LIMIT
    assert evaluations == 5  # the fourth line search would have gone on to a seventh
    assert_feasible(e, plan.gross_output, 0.995 * plan.max_fulfilment * y * (1 - 1e-9))


def test_products_no_target_needs_stay_idle_and_unmakeable_ones_get_nothing() -> None:
    # c needs d, whose capacity is 0; e is used by nobody and targeted by nobody.
    A = np.zeros((5, 5))
    A[1, 0] = 0.3  # a uses b
    A[3, 2] = 0.5  # c uses d
    e = Economy(products=["a", "b", "c", "d", "e"], A=A, labour=[1, 1, 1, 1, 1],
                capacity=[10, 10, 10, 0, 10], labour_available=100.0)
    plan = harmony_plan(e, {"a": 5.0, "c": 2.0}).raise_for_status()
    assert plan.max_fulfilment == 0.0
    assert plan.fulfilment == 0.0
    assert plan.gross_output[[2, 3, 4]].tolist() == [0.0, 0.0, 0.0]
    assert plan.gross_output[0] == pytest.approx(10.0)  # a still gets all its capacity


def test_read_only_results() -> None:
    plan = harmony_plan(labour_only([1.0, 1.0], 10.0), [4.0, 4.0])
    with pytest.raises(ValueError, match="read-only"):
        plan.gross_output[0] = 1.0


# --- errors ---------------------------------------------------------------------------------


def test_errors_are_one_line_and_name_the_problem() -> None:
    e = Economy(products=["grain", "gold"], A=np.zeros((2, 2)), capacity=[5.0, np.inf])
    with pytest.raises(EconomyError, match="product 'gold' is limited by no capacity"):
        harmony_plan(e, {"gold": 1.0})
    with pytest.raises(TargetsError, match="needs some target"):
        harmony_plan(e, [0.0, 0.0])
    with pytest.raises(TargetsError, match="'silver' is not in the economy"):
        harmony_plan(e, {"silver": 1.0})
    with pytest.raises(ValueError, match=r"floor must be a finite number in \[0, 1\)"):
        harmony_plan(e, {"grain": 1.0}, floor=1.0)
    with pytest.raises(ValueError, match=r"iterations must be an integer in \[0, 1000000\]"):
        harmony_plan(e, {"grain": 1.0}, iterations=-1)
    with pytest.raises(ValueError, match="tol must be"):
        harmony_plan(e, {"grain": 1.0}, tol=0.0)

"""The HiGHS adapter: hand-solved LPs, sign conventions, statuses, silence, determinism."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Callable

import numpy as np
import pytest
import scipy.sparse as sp

from gosplan.core.solvers import LPSolution, LPStatus, solve_lp
from gosplan.core.solvers import highs as adapter
from gosplan.core.solvers.highs import BasisStatus, LPBasis

INF = np.inf
METHODS = ["simplex", "ipm", "pdlp"]


def _max_example(method: str = "simplex") -> LPSolution:
    # maximise x0 + x1  s.t.  x0 + 2 x1 <= 6,  0 <= x0 <= 4,  x1 >= 0.
    # By hand: x0 = 4 at its bound, then x1 = (6 - 4) / 2 = 1; objective 5.
    # Row dual: one more unit of the 6 buys half a unit of x1: +0.5.
    # Reduced costs c - Mᵀ y: x0: 1 - 0.5 = 0.5 (its bound 4 binds), x1: 1 - 2 * 0.5 = 0.
    return solve_lp(
        [1, 1],
        sp.csr_array([[1.0, 2.0]]),
        [-INF],
        [6],
        [0, 0],
        [4, INF],
        maximize=True,
        method=method,
    )  # type: ignore[arg-type]


@pytest.mark.parametrize("method", METHODS)
def test_hand_solved_maximisation_and_its_duals(method: str) -> None:
    s = _max_example(method)
    assert s.status is LPStatus.OPTIMAL
    assert s.method == method
    tol = 1e-6 if method == "pdlp" else 1e-9
    np.testing.assert_allclose(s.x, [4.0, 1.0], atol=tol)
    np.testing.assert_allclose(s.row_activity, [6.0], atol=tol)
    np.testing.assert_allclose(s.row_duals, [0.5], atol=tol)
    np.testing.assert_allclose(s.col_duals, [0.5, 0.0], atol=tol)
    assert s.objective == pytest.approx(5.0, abs=tol)
    assert s.iterations >= 0
    assert s.solve_time >= 0


def test_minimisation_sign_convention() -> None:
    # minimise x0 + 2 x1  s.t.  x0 + x1 >= 3,  0 <= x0 <= 2,  x1 >= 0.
    # By hand: use the cheap x0 up to its bound 2, then x1 = 1; cost 4.
    # Row dual = d cost / d (lower bound 3) = 2 (the extra unit comes from x1).
    # Reduced costs c - Mᵀ y = (1 - 2, 2 - 2) = (-1, 0): raising x0's bound saves 1.
    s = solve_lp([1, 2], [[1, 1]], [3], [INF], [0, 0], [2, INF])
    assert s.status is LPStatus.OPTIMAL
    np.testing.assert_allclose(s.x, [2.0, 1.0])
    np.testing.assert_allclose(s.row_duals, [2.0])
    np.testing.assert_allclose(s.col_duals, [-1.0, 0.0])
    assert s.objective == pytest.approx(4.0)


def test_reduced_costs_are_c_minus_mt_duals() -> None:
    rng = np.random.default_rng(3)
    M = sp.random_array((6, 9), density=0.5, rng=rng, format="csc")
    c = rng.random(9)
    s = solve_lp(c, M, np.full(6, -INF), np.ones(6), np.zeros(9), np.full(9, 2.0), maximize=True)
    assert s.status is LPStatus.OPTIMAL
    assert s.row_duals is not None
    assert s.col_duals is not None
    np.testing.assert_allclose(s.col_duals, c - M.T @ s.row_duals, atol=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_infeasible_and_unbounded_are_statuses(method: str) -> None:
    infeasible = solve_lp([1, 1], [[1, 1]], [7], [6], [0, 0], [INF, INF], method=method)  # type: ignore[arg-type]
    assert infeasible.status is LPStatus.INFEASIBLE
    assert infeasible.x is None
    assert infeasible.row_duals is None
    assert infeasible.objective is None
    unbounded = solve_lp(
        [1, 1], [[1, -2]], [-INF], [6], [0, 0], [INF, INF], maximize=True, method=method
    )  # type: ignore[arg-type]
    assert unbounded.status is LPStatus.UNBOUNDED
    assert unbounded.x is None


def test_undecided_unbounded_or_infeasible_is_settled(monkeypatch: pytest.MonkeyPatch) -> None:
    # HiGHS's presolve may stop at "unbounded or infeasible"; the adapter then asks whether
    # any feasible point exists. Force the undecided answer to exercise that path.
    real_run = adapter._run
    calls: list[int] = []

    def undecided_once(*args, **kwargs):  # type: ignore[no-untyped-def]
        solution, _ = real_run(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            return dataclasses.replace(solution, status=LPStatus.ERROR), True
        return solution, False

    monkeypatch.setattr(adapter, "_run", undecided_once)
    s = solve_lp([1, 1], [[1, -2]], [-INF], [6], [0, 0], [INF, INF], maximize=True)
    assert s.status is LPStatus.UNBOUNDED
    assert "feasibility check" in s.message
    calls.clear()
    s = solve_lp([1, 1], [[1, 1]], [7], [6], [0, 0], [INF, INF], maximize=True)
    assert s.status is LPStatus.INFEASIBLE


def _moderate_lp(n: int = 300) -> tuple[np.ndarray, sp.csc_array, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    A = sp.random_array((n, n), density=5 / n, rng=rng, format="csr") * 0.15
    y = rng.uniform(1, 10, n)
    M = sp.hstack([sp.eye_array(n) - A, sp.csr_array(-y.reshape(-1, 1))], format="csc")
    c = np.zeros(n + 1)
    c[n] = 1.0
    return c, M, np.r_[rng.uniform(50, 150, n), INF], y


@pytest.mark.parametrize("method", ["simplex", "ipm"])
def test_an_iteration_limit_is_a_time_limit_status(
    method: str, iteration_limit: Callable[[str, int], None]
) -> None:
    # Stopped after one iteration: the same point on any machine, however loaded.
    iteration_limit(method, 1)
    c, M, upper, _ = _moderate_lp()
    n = M.shape[0]
    s = solve_lp(c, M, np.zeros(n), np.full(n, INF), np.zeros(n + 1), upper,
                 maximize=True, method=method)  # type: ignore[arg-type]
    assert s.status is LPStatus.TIME_LIMIT
    assert s.iterations <= 2  # crossover may add its own
    assert s.row_duals is None
    if s.x is not None:  # the best point found must be feasible
        assert (s.x >= -1e-9).all()
        assert (s.x <= upper + 1e-9).all()
        assert (M @ s.x >= -1e-7).all()


@pytest.mark.parametrize("method", ["simplex", "ipm"])
def test_a_zero_time_limit_gives_a_status_whatever_the_machine(method: str) -> None:
    # Where HiGHS first reads its clock depends on the machine: it may stop at once or
    # (a fast machine, a small model) finish first. Either way the answer must be honest.
    c, M, upper, _ = _moderate_lp()
    n = M.shape[0]
    s = solve_lp(c, M, np.zeros(n), np.full(n, INF), np.zeros(n + 1), upper,
                 maximize=True, method=method, time_limit=0.0)  # type: ignore[arg-type]
    assert s.status in (LPStatus.TIME_LIMIT, LPStatus.OPTIMAL)
    assert (s.row_duals is not None) == (s.status is LPStatus.OPTIMAL)
    if s.status is LPStatus.OPTIMAL:
        assert s.x is not None
    if s.x is not None:  # the best point found must be feasible
        assert (s.x >= -1e-9).all()
        assert (s.x <= upper + 1e-9).all()
        assert (M @ s.x >= -1e-7).all()


@pytest.mark.parametrize("keep", [False, True])
def test_the_point_a_limit_stopped_at_is_kept_on_request(
    keep: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Cut short after ten iterations (not by the clock: the same point on any machine).
    c, M, upper, _ = _moderate_lp(2000)
    n = M.shape[0]
    with monkeypatch.context() as limited:
        limited.setitem(adapter._SOLVER_OPTIONS, "pdlp",
                        {**adapter._SOLVER_OPTIONS["pdlp"], "pdlp_iteration_limit": 10})
        s = solve_lp(c, M, np.zeros(n), np.full(n, INF), np.zeros(n + 1), upper,
                     maximize=True, method="pdlp", keep_iterate=keep)
    assert s.status is LPStatus.TIME_LIMIT
    if not keep:
        assert s.iterate is None
        assert s.iterate_row_duals is None
        return
    assert s.iterate is not None
    assert s.iterate.shape == (n + 1,)
    assert s.iterate_row_duals is not None
    assert s.iterate_row_duals.shape == (n,)
    # A solve that runs to the end keeps nothing: its answer is x.
    c, M, upper, _ = _moderate_lp()
    n = M.shape[0]
    done = solve_lp(c, M, np.zeros(n), np.full(n, INF), np.zeros(n + 1), upper,
                    maximize=True, method="pdlp", keep_iterate=True)
    assert done.status is LPStatus.OPTIMAL
    assert done.iterate is None


def test_same_input_same_answer() -> None:
    c, M, upper, _ = _moderate_lp(120)
    n = M.shape[0]
    args = (c, M, np.zeros(n), np.full(n, INF), np.zeros(n + 1), upper)
    first, second = solve_lp(*args, maximize=True), solve_lp(*args, maximize=True)
    assert first.status is LPStatus.OPTIMAL
    for name in ("x", "row_duals", "col_duals"):
        assert np.array_equal(getattr(first, name), getattr(second, name))
    assert first.iterations == second.iterations


def test_no_solver_types_leave_the_adapter() -> None:
    s = _max_example()
    for f in dataclasses.fields(s):
        value = getattr(s, f.name)
        assert not type(value).__module__.startswith("highspy"), f.name
    assert isinstance(s.status, LPStatus)


@pytest.mark.slow
def test_highs_prints_nothing() -> None:
    # HiGHS prints a banner once per process on its first instance, so look from a fresh one.
    code = (
        "from gosplan.core.solvers import solve_lp\n"
        "s = solve_lp([1.0], [[1.0]], [0.0], [1.0], [0.0], [2.0], maximize=True)\n"
        "assert s.status.value == 'optimal'\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert done.stdout == ""
    assert done.stderr == ""


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"c": [1, 1, 1]}, "columns"),
        ({"row_lower": [0, 0]}, "row_lower"),
        ({"col_upper": [np.nan, 1]}, "NaN"),
        ({"method": "barrier"}, "method"),
        ({"time_limit": -1.0}, "time_limit"),
    ],
)
def test_bad_input_raises_value_error(kwargs: dict[str, object], match: str) -> None:
    args: dict[str, object] = {
        "c": [1, 1],
        "M": [[1, 2]],
        "row_lower": [-INF],
        "row_upper": [6],
        "col_lower": [0, 0],
        "col_upper": [4, INF],
    }
    options = {k: kwargs.pop(k) for k in ("method", "time_limit") if k in kwargs}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        solve_lp(**args, **options)  # type: ignore[arg-type]


def test_large_sparse_model_goes_in_one_piece() -> None:
    # 20,000 columns, fed as compressed arrays: building the model must stay cheap.
    n = 20_000
    rng = np.random.default_rng(1)
    M = sp.diags_array([np.ones(n), -rng.uniform(0, 0.5, n - 1)], offsets=[0, 1], format="csc")
    s = solve_lp(np.ones(n), M, np.ones(n), np.full(n, INF), np.zeros(n), np.full(n, INF))
    assert s.status is LPStatus.OPTIMAL
    assert s.x is not None
    np.testing.assert_allclose(M @ s.x, np.ones(n), atol=1e-9)


# --- warm starts -------------------------------------------------------------------------


def _moderate_args() -> tuple[object, ...]:
    c, M, upper, _ = _moderate_lp(200)
    n = M.shape[0]
    return c, M, np.zeros(n), np.full(n, INF), np.zeros(n + 1), upper


def test_restart_from_the_optimal_basis_takes_no_iteration() -> None:
    args = _moderate_args()
    cold = solve_lp(*args, maximize=True, return_basis=True)  # type: ignore[arg-type]
    assert cold.status is LPStatus.OPTIMAL
    assert cold.iterations > 0
    basis = cold.basis
    assert basis is not None
    m, n = args[1].shape  # type: ignore[attr-defined]
    assert basis.col_status.shape == (n,)
    assert basis.row_status.shape == (m,)
    assert basis.basic == m
    assert not basis.col_status.flags.writeable
    warm = solve_lp(*args, maximize=True, basis=basis)  # type: ignore[arg-type]
    assert warm.status is LPStatus.OPTIMAL
    assert warm.iterations == 0
    assert warm.basis is None  # not asked for
    for name in ("x", "row_duals", "col_duals"):
        np.testing.assert_allclose(getattr(warm, name), getattr(cold, name), atol=1e-12)


def test_hand_built_basis_of_the_maximisation() -> None:
    # The optimum of _max_example: x0 at its upper bound 4, x1 basic, the row at its
    # upper bound 6. Starting there, the solver only confirms it.
    basis = LPBasis(
        col_status=np.array([BasisStatus.UPPER, BasisStatus.BASIC]),
        row_status=np.array([BasisStatus.UPPER]),
    )
    s = solve_lp([1, 1], [[1, 2]], [-INF], [6], [0, 0], [4, INF], maximize=True, basis=basis)
    assert s.status is LPStatus.OPTIMAL
    assert s.iterations == 0
    np.testing.assert_allclose(s.x, [4.0, 1.0])
    np.testing.assert_allclose(s.row_duals, [0.5])
    # A poor start (the slack basis: nothing produced) still ends at the optimum.
    slack = LPBasis(col_status=np.array([0, 0]), row_status=np.array([BasisStatus.BASIC]))
    s = solve_lp([1, 1], [[1, 2]], [-INF], [6], [0, 0], [4, INF], maximize=True, basis=slack)
    assert s.status is LPStatus.OPTIMAL
    np.testing.assert_allclose(s.x, [4.0, 1.0])


def test_singular_basis_is_repaired() -> None:
    # Two basic columns that are parallel (x0 and x2 both [1, 1]): HiGHS swaps in a slack.
    M = [[1.0, 1.0, 1.0], [1.0, 2.0, 1.0]]
    basis = LPBasis(col_status=np.array([1, 0, 1]), row_status=np.array([0, 0]))
    s = solve_lp(
        [1, 1, 1], M, [-INF, -INF], [4, 6], [0, 0, 0], [INF, INF, INF], maximize=True, basis=basis
    )
    assert s.status is LPStatus.OPTIMAL
    assert s.objective == pytest.approx(4.0)


def test_no_basis_without_simplex_or_crossover() -> None:
    s = solve_lp(
        [1, 1],
        [[1, 2]],
        [-INF],
        [6],
        [0, 0],
        [4, INF],
        maximize=True,
        method="pdlp",
        return_basis=True,
    )
    assert s.status is LPStatus.OPTIMAL
    assert s.basis is None
    s = solve_lp(
        [1, 1],
        [[1, 2]],
        [-INF],
        [6],
        [0, 0],
        [4, INF],
        maximize=True,
        method="ipm",
        return_basis=True,
    )
    assert s.basis is not None  # crossover ends at a vertex, with its basis
    assert s.basis.basic == 1


@pytest.mark.parametrize(
    ("cols", "rows", "options", "match"),
    [
        ([1, 1, 1], [0], {}, "2 columns"),
        ([1, 0], [0, 0], {}, "1 rows"),
        ([1, 1], [0], {}, "1 basic"),
        ([1, 0], [0], {"method": "ipm"}, "simplex"),
    ],
)
def test_bad_basis_raises_value_error(
    cols: list[int], rows: list[int], options: dict[str, object], match: str
) -> None:
    basis = LPBasis(col_status=np.array(cols), row_status=np.array(rows))
    with pytest.raises(ValueError, match=match):
        solve_lp([1, 1], [[1, 2]], [-INF], [6], [0, 0], [4, INF], basis=basis, **options)  # type: ignore[arg-type]


def test_basis_codes_are_checked() -> None:
    with pytest.raises(ValueError, match="BasisStatus"):
        LPBasis(col_status=np.array([0, 4]), row_status=np.array([1]))


_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
_COEXIST = """
import sys, highspy
def theirs(threads):
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    if threads is not None:
        h.setOptionValue("threads", threads)
    x, y = h.addVariable(0, 4), h.addVariable(0, 10)
    h.addConstr(x + 2 * y <= 6)
    h.maximize(x + y)  # by hand: x = 4, y = 1, objective 5
    ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return ok and abs(h.getObjectiveValue() - 5.0) < 1e-9
import gosplan
e = gosplan.Economy(products=["g"], A=[[0.2]], capacity=[100.0])
growing = gosplan.Economy(products=["g"], A=[[0.0]], capacity=[100.0], capital=[[2.0]])
def ours():  # the examples of the docstrings of optimal_plan and multiyear_plan
    plan = gosplan.optimal_plan(e, {"g": 100.0})
    multi = gosplan.multiyear_plan(growing, [[90.0], [100.0]])
    return (str(plan.status) == "optimal" and abs(plan.fulfilment - 0.8) < 1e-9
            and str(multi.status) == "optimal"
            and abs(multi.fulfilment[0] - 30 / 29) < 1e-6)
if sys.argv[1] == "ours-first":
    print(ours(), theirs(None), ours(), theirs(None), ours())
else:
    first = None if sys.argv[1] == "default" else int(sys.argv[1])
    print(theirs(first), ours(), theirs(None), ours(), theirs(first))
"""


@pytest.mark.slow
@pytest.mark.parametrize("threads", ["default", "1", "3", "ours-first"])
def test_gosplan_and_other_highs_solves_coexist_in_one_process(threads: str) -> None:
    # HiGHS keeps one thread scheduler per process, made by the first solve, and refuses
    # a solve that asks for another thread count. Another program's solve before and
    # after ours (with HiGHS's default thread count, or one it set itself) must all
    # succeed, with the right answers. In a fresh process: the scheduler outlives a test.
    out = subprocess.run([sys.executable, "-c", _COEXIST, threads], capture_output=True,
                         text=True, check=True, env=_ENV)
    assert out.stdout.split()[-5:] == ["True"] * 5

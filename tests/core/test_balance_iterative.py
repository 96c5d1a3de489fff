from __future__ import annotations

import numpy as np
import pytest

from gosplan import Economy, Status, balance
from gosplan.core import balance as internals
from gosplan.core.balance import DIRECT_LIMIT, relative_residual
from gosplan.core.generate import GeneratedEconomy, generate_economy


@pytest.fixture(scope="module")
def small() -> GeneratedEconomy:
    return generate_economy(600, inputs=12, seed=11)


@pytest.fixture(scope="module")
def medium() -> GeneratedEconomy:
    return generate_economy(4000, inputs=20, seed=5)


@pytest.fixture
def split_small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make small problems take the threaded, chunked paths meant for large ones."""
    monkeypatch.setattr(internals, "_PARALLEL_NNZ", 1)
    monkeypatch.setattr(internals, "_CHUNK", 1000)


@pytest.mark.parametrize("method", ["gmres", "neumann"])
def test_iterative_agrees_with_sparse_lu(small: GeneratedEconomy, method: str) -> None:
    e, y = small.economy, small.targets
    exact = balance(e, y, solver="direct")
    r = balance(e, y, solver=method)  # type: ignore[arg-type]
    assert r.status is Status.SOLVED
    assert r.solver == method
    assert r.residual <= 1e-9
    np.testing.assert_allclose(r.gross_output, exact.gross_output, rtol=1e-8)
    np.testing.assert_allclose(r.valuations, exact.valuations, rtol=1e-8)  # type: ignore[arg-type]


def test_reported_residual_is_that_of_the_answer(medium: GeneratedEconomy) -> None:
    e, y = medium.economy, medium.targets
    r = balance(e, y)
    assert r.solver == "gmres"
    assert r.residual == pytest.approx(relative_residual(e.A, r.gross_output, y), rel=1e-6)
    v = r.valuations
    assert v is not None
    assert relative_residual(e.A.T, v, e.labour) <= 1e-9


@pytest.mark.parametrize("restart", [1, 2, 3])
def test_short_restarts_still_converge(
    medium: GeneratedEconomy, monkeypatch: pytest.MonkeyPatch, restart: int
) -> None:
    monkeypatch.setattr(internals, "_RESTART", restart)
    r = balance(medium.economy, medium.targets)
    assert r.status is Status.SOLVED
    assert r.residual <= 1e-9
    assert relative_residual(medium.economy.A, r.gross_output, medium.targets) <= 1e-9


def test_same_bits_whatever_the_thread_count(
    medium: GeneratedEconomy, monkeypatch: pytest.MonkeyPatch, split_small: None
) -> None:
    answers = []
    for threads in (1, 2, 3, 1):
        monkeypatch.setattr(internals, "_threads", lambda threads=threads: threads)
        r = balance(medium.economy, medium.targets)
        assert r.valuations is not None
        answers.append((r.gross_output.tobytes(), r.valuations.tobytes(), r.iterations,
                        r.labour_required))
    assert all(a == answers[0] for a in answers)


def test_threaded_paths_give_the_right_answer(
    medium: GeneratedEconomy, monkeypatch: pytest.MonkeyPatch, split_small: None
) -> None:
    monkeypatch.setattr(internals, "_threads", lambda: 3)
    r = balance(medium.economy, medium.targets)
    assert r.status is Status.SOLVED
    assert relative_residual(medium.economy.A, r.gross_output, medium.targets) <= 1e-9


def test_operators_and_blocks(medium: GeneratedEconomy, split_small: None) -> None:
    A = medium.economy.A
    x = np.random.default_rng(0).random(A.shape[0])
    blocks = internals._row_blocks(A, 3)
    assert blocks[0][0] == 0
    assert blocks[-1][1] == A.shape[0]
    for r0, r1, rows, cols in blocks:
        for view in (rows, cols):
            assert np.shares_memory(view.data, A.data)  # views, not copies
            assert np.shares_memory(view.indices, A.indices)
        np.testing.assert_array_equal(rows @ x, (A @ x)[r0:r1])
        np.testing.assert_allclose(cols @ x[r0:r1], A[r0:r1].T @ x[r0:r1], rtol=1e-14)
    with internals.BalanceSolver(A, "gmres", 1e-9, 10) as solver:
        np.testing.assert_allclose(solver.operator()(x), x - A @ x, rtol=1e-14)
        np.testing.assert_allclose(solver.operator(transpose=True)(x), x - A.T @ x, rtol=1e-12)


def test_vector_reductions(split_small: None) -> None:
    rng = np.random.default_rng(1)
    W, w = rng.random((4, 5500)), rng.random(5500)
    vec = internals._Vectors(5500, None)
    np.testing.assert_allclose(vec.dots(W, w), W @ w, rtol=1e-13)
    assert vec.norm(w) == pytest.approx(np.linalg.norm(w), rel=1e-14)
    out = np.ones(5500)
    vec.combine(W, np.arange(4.0), out, add=True)
    np.testing.assert_allclose(out, 1 + W.T @ np.arange(4.0), rtol=1e-13)


@pytest.mark.parametrize("maxiter", [1, 2, 3, 5, 8, 13])
def test_gmres_respects_maxiter(small: GeneratedEconomy, maxiter: int) -> None:
    r = balance(small.economy, small.targets, solver="gmres", maxiter=maxiter,
                valuations=False)
    assert r.iterations <= maxiter
    assert r.status is Status.NOT_CONVERGED
    assert r.residual == pytest.approx(
        relative_residual(small.economy.A, r.gross_output, small.targets), rel=1e-6)


def test_warm_start_from_the_answer_costs_one_pass(small: GeneratedEconomy) -> None:
    e, y = small.economy, small.targets
    exact = balance(e, y, solver="direct", valuations=False)
    r = balance(e, y, solver="gmres", x0=exact.gross_output, valuations=False)
    assert r.status is Status.SOLVED
    assert r.iterations == 1


def test_no_labour_gives_zero_values() -> None:
    e = Economy(products=["a", "b"], A=[[0.1, 0.2], [0.3, 0.1]])
    r = balance(e, [1.0, 1.0], solver="gmres")
    assert r.valuations is not None
    assert not r.valuations.any()
    assert r.status is Status.SOLVED


@pytest.mark.slow
def test_auto_factorises_small_and_iterates_large() -> None:
    assert balance(generate_economy(DIRECT_LIMIT, 5).economy, np.ones(DIRECT_LIMIT)).solver \
        == "direct"
    n = DIRECT_LIMIT + 1
    assert balance(generate_economy(n, 5).economy, np.ones(n)).solver == "gmres"


def test_gross_output_helper_matches_balance(medium: GeneratedEconomy) -> None:
    x, method, _, residual = internals._gross_output(medium.economy.A, medium.targets)
    r = balance(medium.economy, medium.targets)
    assert method == r.solver
    assert x.tobytes() == r.gross_output.tobytes()
    assert residual == r.residual


def test_bad_solver(small: GeneratedEconomy) -> None:
    with pytest.raises(ValueError, match="solver must be one of auto, direct, gmres, neumann"):
        balance(small.economy, small.targets, solver="cg")  # type: ignore[arg-type]

"""Properties every balanced plan must have, on random productive economies."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gosplan import Economy, balance


@st.composite
def economies(draw: st.DrawFn) -> tuple[Economy, np.ndarray]:
    n = draw(st.integers(1, 12))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    A = rng.random((n, n)) * (rng.random((n, n)) < draw(st.floats(0.1, 1.0)))
    colsum = A.sum(axis=0)
    target = draw(st.floats(0.0, 0.95))
    A = A * np.where(colsum > 0, target / np.where(colsum > 0, colsum, 1), 0)
    y = rng.random(n) * draw(st.floats(0.0, 1e6)) * (rng.random(n) < 0.8)
    e = Economy(products=[f"p{i}" for i in range(n)], A=A, labour=rng.random(n))
    return e, y


@settings(max_examples=60, deadline=None)
@given(economies(), st.sampled_from(["direct", "gmres", "neumann"]))
def test_balance_solves_and_x_ge_y_ge_0(case: tuple[Economy, np.ndarray], method: str) -> None:
    e, y = case
    r = balance(e, y, solver=method)  # type: ignore[arg-type]
    r.raise_for_status()
    resid = r.gross_output - e.A @ r.gross_output - y
    assert np.linalg.norm(resid) <= 1e-9 * max(np.linalg.norm(y), 1.0)
    slack = 1e-8 * max(float(np.abs(y).max(initial=0.0)), 1.0)
    assert (r.gross_output >= y - slack).all()
    assert (y >= 0).all()


@settings(max_examples=40, deadline=None)
@given(economies(), st.integers(0, 2**32 - 1))
def test_permuting_products_permutes_results(case: tuple[Economy, np.ndarray], seed: int) -> None:
    e, y = case
    p = np.random.default_rng(seed).permutation(e.n)
    A = e.A.toarray()
    permuted = Economy(products=e.products[p], A=A[np.ix_(p, p)], labour=e.labour[p])
    r, rp = balance(e, y), balance(permuted, y[p])
    np.testing.assert_allclose(
        rp.gross_output, r.gross_output[p], rtol=1e-9, atol=1e-9 * max(float(y.max(initial=0)), 1.0)
    )
    np.testing.assert_allclose(rp.valuations, r.valuations[p], rtol=1e-9, atol=1e-12)

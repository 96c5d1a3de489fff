from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from gosplan.core.productive import DENSE_LIMIT, check_productive


def _random(n: int, radius: float, seed: int) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    M = sp.random_array((n, n), density=5 / n, rng=rng, format="csr")
    M = M + sp.eye_array(n, k=1, format="csr")  # a cycle through every product
    M = M + sp.eye_array(n, k=-(n - 1), format="csr")
    true = float(np.max(np.abs(np.linalg.eigvals(M.toarray()))))
    return sp.csr_array(M * (radius / true))


def test_dense_path_is_exact() -> None:
    check = check_productive(sp.csr_array([[0.15, 0.25], [0.20, 0.05]]))
    assert check.method == "dense eigenvalues"
    eig = np.linalg.eigvals(np.array([[0.15, 0.25], [0.20, 0.05]]))
    assert check.radius == pytest.approx(max(abs(eig)), rel=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("radius", [0.5, 0.97, 1.03, 1.5])
def test_power_iteration_decides_and_bounds_hold(radius: float) -> None:
    A = _random(DENSE_LIMIT + 200, radius, seed=3)
    check = check_productive(A)
    assert check.method in ("power iteration", "sum bounds")
    assert check.productive == (radius < 1)
    assert check.lower <= radius * (1 + 1e-9)
    assert check.upper >= radius * (1 - 1e-9)


def test_column_sum_bound_is_cheap() -> None:
    n = DENSE_LIMIT + 10
    A = sp.csr_array(sp.random_array((n, n), density=0.01, rng=np.random.default_rng(1)))
    A = sp.csr_array(A * (0.5 / A.sum(axis=0).max()))
    check = check_productive(A)
    assert check.productive
    assert check.method == "sum bounds"
    assert check.iterations == 0

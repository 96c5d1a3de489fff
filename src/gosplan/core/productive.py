"""Is the economy productive at all? The Perron root of the technology matrix.

An economy with technology matrix ``A >= 0`` can deliver every non-negative final demand
``y`` from a non-negative gross output ``x = (I - A)^{-1} y`` if and only if the spectral
radius ``ρ(A) < 1`` (the Hawkins–Simon condition). For a non-negative matrix and any
positive vector ``x`` the Collatz–Wielandt bounds hold::

    min_i (A x)_i / x_i  <=  ρ(A)  <=  max_i (A x)_i / x_i

With ``x = 1`` they are the smallest and largest row sums, and the same holds for column
sums (apply them to ``Aᵀ``), so a proof of productivity usually costs one pass over the
non-zeros. Only when those cheap bounds straddle 1 do we run power iteration on ``I + A``
(same Perron vector, no periodicity), tightening both bounds each step until they decide.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

__all__ = ["ProductivityCheck", "check_productive", "column_sums", "row_sums"]

#: Up to this many products the eigenvalues are computed densely and exactly.
DENSE_LIMIT = 400


@dataclass(frozen=True, slots=True)
class ProductivityCheck:
    """What the productivity check found."""

    productive: bool
    """Whether ``ρ(A) < 1``."""
    radius: float
    """Best estimate of the spectral radius ``ρ(A)``."""
    lower: float
    """Proven lower bound on ``ρ(A)``."""
    upper: float
    """Proven upper bound on ``ρ(A)``."""
    method: str
    """``"dense eigenvalues"``, ``"sum bounds"`` or ``"power iteration"``."""
    iterations: int
    """Matrix–vector products used (0 for the cheap paths)."""


def column_sums(A: sp.csr_array) -> NDArray[np.float64]:
    """Return ``1ᵀ A``: the total input per unit of each output, shape ``(n,)``."""
    n = A.shape[1]
    return np.bincount(A.indices, weights=A.data, minlength=n).astype(np.float64, copy=False)


def row_sums(A: sp.csr_array) -> NDArray[np.float64]:
    """Return ``A 1``: how much of each product one unit of every output uses, shape ``(n,)``."""
    return np.asarray(A @ np.ones(A.shape[1]), dtype=np.float64)


def check_productive(
    A: sp.csr_array, *, rtol: float = 1e-9, maxiter: int = 2000
) -> ProductivityCheck:
    """Decide whether ``ρ(A) < 1`` and estimate ``ρ(A)``.

    Parameters
    ----------
    A : sparse matrix of shape (n, n)
        Non-negative technology matrix in CSR form.
    rtol
        Power iteration stops when the bounds agree to this relative width.
    maxiter
        Most matrix–vector products power iteration may use.

    Returns
    -------
    ProductivityCheck

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> check_productive(sp.csr_array([[0.15, 0.25], [0.20, 0.05]])).productive
    True
    """
    n = A.shape[0]
    if n == 0 or A.nnz == 0:
        return ProductivityCheck(True, 0.0, 0.0, 0.0, "sum bounds", 0)
    if n <= DENSE_LIMIT:
        radius = float(np.max(np.abs(np.linalg.eigvals(A.toarray()))))
        return ProductivityCheck(radius < 1.0, radius, radius, radius, "dense eigenvalues", 0)
    cols, rows = column_sums(A), row_sums(A)
    upper = float(min(cols.max(), rows.max()))
    lower = float(max(cols.min(), rows.min()))
    if upper < 1.0 or lower >= 1.0:
        return ProductivityCheck(
            upper < 1.0, upper if upper < 1.0 else lower, lower, upper, "sum bounds", 0
        )
    return _power_iteration(A, lower, upper, rtol, maxiter)


def _power_iteration(
    A: sp.csr_array, lower: float, upper: float, rtol: float, maxiter: int
) -> ProductivityCheck:
    x = np.ones(A.shape[0])
    estimate = upper
    for k in range(1, maxiter + 1):
        z = A @ x
        ratios = z / x
        upper = min(upper, float(ratios.max()))
        lower = max(lower, float(ratios.min()))
        estimate = float(np.linalg.norm(z) / np.linalg.norm(x))
        if upper < 1.0 or lower >= 1.0 or upper - lower <= rtol * upper:
            radius = 0.5 * (lower + upper) if upper - lower <= rtol * upper else estimate
            return ProductivityCheck(
                upper < 1.0 or (lower < 1.0 and radius < 1.0),
                radius,
                lower,
                upper,
                "power iteration",
                k,
            )
        x = z + x
        x /= x.max()
    # Reducible matrices can keep the bounds apart for ever; the norm ratio still converges.
    return ProductivityCheck(estimate < 1.0, estimate, lower, upper, "power iteration", maxiter)

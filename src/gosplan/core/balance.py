"""Material balances: the gross output that meets final demand, and labour values.

The balance identity of every branch ``i`` (Leontief; Miller & Blair, eq. 2.3)::

    x_i = sum_j A[i, j] x_j + y_i      =>      (I - A) x = y

is solved for ``x`` without ever forming ``(I - A)^{-1}`` (dense, it would need 8 n² bytes:
80 GB at 10^5 products). Small economies use a sparse LU factorisation, which also gives
the transposed solve for labour values ``v (I - A) = l`` for free. Large ones use a Krylov
method (restarted GMRES) or the Neumann series ``x <- y + A x``, warm-started from a
previous plan when one is given. Whatever the method, the residual
``‖(I - A) x - y‖₂ / ‖y‖₂`` is recomputed from the answer and reported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import ArrayLike, NDArray

from gosplan.core.economy import Economy
from gosplan.core.result import BalanceResult, Status
from gosplan.errors import TargetsError

__all__ = ["DIRECT_LIMIT", "Method", "balance", "demand_vector"]

FloatArray = NDArray[np.float64]
Method = Literal["auto", "direct", "gmres", "neumann"]
MatVec = Callable[[FloatArray], FloatArray]

#: Up to this many products ``method="auto"`` factorises; above it, it iterates.
DIRECT_LIMIT = 20_000


def demand_vector(
    economy: Economy, final_demand: ArrayLike | Mapping[str, float], *, what: str = "targets"
) -> FloatArray:
    """Final demand as a vector in the economy's product order.

    Parameters
    ----------
    economy
        The economy the demand is for.
    final_demand
        Either an array of shape ``(n,)`` or a mapping ``{product id: quantity}``;
        products a mapping leaves out get zero.
    what
        How to name the demand in error messages.

    Raises
    ------
    TargetsError
        Unknown product ids, wrong length, negative or non-finite quantities.
    """
    n = economy.n
    if isinstance(final_demand, Mapping):
        y = np.zeros(n)
        for product, quantity in final_demand.items():
            if not economy.has(product):
                raise TargetsError(f"{what}: product {product!r} is not in the economy")
            y[economy.index(product)] = _quantity(quantity, product, what)
        return y
    try:
        y = np.array(final_demand, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise TargetsError(f"{what}: quantities must be numbers; got {final_demand!r}") from None
    if y.shape != (n,):
        raise TargetsError(f"{what}: must have {n} quantities (one per product); got {y.size}")
    bad = ~(np.isfinite(y) & (y >= 0))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise TargetsError(
            f"{what}: quantity of {economy.products[k]!r} must be a finite number >= 0; "
            f"got {y[k]!r}"
        )
    return y


def _quantity(value: object, product: str, what: str) -> float:
    try:
        q = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TargetsError(f"{what}: quantity of {product!r} must be a number; got {value!r}")
    if not (np.isfinite(q) and q >= 0):
        raise TargetsError(f"{what}: quantity of {product!r} must be a finite number >= 0; "
                           f"got {q!r}")
    return q


def balance(
    economy: Economy,
    final_demand: ArrayLike | Mapping[str, float],
    *,
    method: Method = "auto",
    tol: float = 1e-9,
    maxiter: int = 1000,
    x0: ArrayLike | None = None,
    labour_values: bool = True,
) -> BalanceResult:
    """Balanced plan: the gross output ``x`` with ``(I - A) x = y``.

    Parameters
    ----------
    economy
        A productive economy with ``n`` products.
    final_demand : array of shape (n,) or mapping of product id to quantity
        Final demand ``y >= 0`` (consumption, investment, exports: whatever leaves the
        inter-industry system).
    method
        ``"direct"`` (sparse LU), ``"gmres"``, ``"neumann"``, or ``"auto"``: direct up to
        :data:`DIRECT_LIMIT` products, GMRES above.
    tol
        Relative residual required, ``‖(I - A) x - y‖₂ / ‖y‖₂ <= tol``.
    maxiter
        Most matrix passes an iterative method may make (per solve).
    x0 : array of shape (n,), optional
        Warm start for the iterative methods (for example last year's plan).
    labour_values
        Also solve ``v (I - A) = l`` for the labour embodied in each product.

    Returns
    -------
    BalanceResult
        With ``status`` ``SOLVED`` or ``NOT_CONVERGED``; call ``raise_for_status()`` to
        turn the latter into an exception.

    Examples
    --------
    Miller & Blair's two-sector example:

    >>> e = Economy(products=["a", "m"], A=[[0.15, 0.25], [0.20, 0.05]])
    >>> balance(e, [350.0, 1700.0]).gross_output.round(6).tolist()
    [1000.0, 2000.0]
    """
    y = demand_vector(economy, final_demand)
    start = None if x0 is None else demand_vector(economy, x0, what="x0")
    if method == "auto":
        method = "direct" if economy.n <= DIRECT_LIMIT else "gmres"
    A = economy.A
    if method == "direct":
        x, v, iterations = _direct(A, y, economy.labour if labour_values else None)
    elif method in ("gmres", "neumann"):
        solve = _gmres if method == "gmres" else _neumann
        x, iterations = solve(_leontief(A), y, start, tol, maxiter)
        v = None
        if labour_values:
            v, more = solve(_leontief(A.T), economy.labour, None, tol, maxiter)
            iterations += more
    else:
        raise ValueError(f"balance: method must be auto, direct, gmres or neumann; got {method!r}")
    residual = relative_residual(A, x, y)
    solved = residual <= tol
    if v is not None:
        solved = solved and relative_residual(A.T, v, economy.labour) <= tol
    return BalanceResult(
        status=Status.SOLVED if solved else Status.NOT_CONVERGED,
        method=method,
        products=economy.products,
        final_demand=y,
        gross_output=x,
        residual=residual,
        tolerance=tol,
        iterations=iterations,
        labour_values=v,
        labour_required=float(economy.labour @ x),
        labour_available=economy.labour_available,
        capacity=economy.capacity,
    )


def relative_residual(A: sp.sparray, x: FloatArray, y: FloatArray) -> float:
    """Return ``‖(I - A) x - y‖₂ / ‖y‖₂`` (the absolute norm when ``y = 0``)."""
    r = x - A @ x - y
    scale = float(np.linalg.norm(y))
    return float(np.linalg.norm(r)) / (scale if scale > 0 else 1.0)


def _leontief(A: sp.sparray) -> MatVec:
    def matvec(x: FloatArray) -> FloatArray:
        return np.asarray(x - A @ x)

    return matvec


def _direct(
    A: sp.csr_array, y: FloatArray, labour: FloatArray | None
) -> tuple[FloatArray, FloatArray | None, int]:
    n = A.shape[0]
    lu = spla.splu(sp.csc_array(sp.eye_array(n, format="csc") - A))
    x = np.asarray(lu.solve(y))
    v = None if labour is None else np.asarray(lu.solve(labour, trans="T"))
    return x, v, 0


def _neumann(
    M: MatVec, y: FloatArray, x0: FloatArray | None, tol: float, maxiter: int
) -> tuple[FloatArray, int]:
    """Iterate ``x <- x + (y - (I - A) x) = y + A x``; the residual comes for free."""
    x = y.copy() if x0 is None else x0.copy()
    scale = float(np.linalg.norm(y)) or 1.0
    for k in range(1, maxiter + 1):
        r = y - M(x)
        if float(np.linalg.norm(r)) <= tol * scale:
            return x, k
        x += r
    return x, maxiter


def _gmres(
    M: MatVec, y: FloatArray, x0: FloatArray | None, tol: float, maxiter: int
) -> tuple[FloatArray, int]:
    n = y.shape[0]
    if not y.any():
        return np.zeros(n), 0
    calls = [0]

    def counted(x: FloatArray) -> FloatArray:
        calls[0] += 1
        return M(x)

    op = spla.LinearOperator((n, n), matvec=counted, dtype=np.float64)
    # The Krylov residual drifts from the true one; aim a little below tol and check after.
    x, _info = spla.gmres(op, y, x0=y if x0 is None else x0, rtol=tol * 0.5, atol=0.0,
                          restart=min(30, n), maxiter=max(1, maxiter // 30))
    return np.asarray(x, dtype=np.float64), calls[0]

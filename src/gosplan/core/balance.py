"""Material balances: the gross output that meets final demand, and labour values.

The balance identity of every branch ``i`` (Leontief; Miller & Blair, eq. 2.3)::

    x_i = sum_j A[i, j] x_j + y_i      =>      (I - A) x = y

is solved for ``x`` without ever forming ``(I - A)^{-1}`` (dense, it would need 8 n² bytes:
80 GB at 10^5 products). Small economies (up to :data:`DIRECT_LIMIT` products) use a
sparse LU factorisation, which also gives the transposed solve for labour values
``v (I - A) = l`` (the plan's ``valuations``). Larger ones use restarted GMRES, or the
Neumann series ``x <- y + A x`` on request, warm-started from a previous plan when one is
given; the matrix passes run on all cores (scipy's sparse kernels release the GIL) over
row blocks that are views of the economy's own arrays, so the solve needs about a dozen
vectors of memory beyond the matrix. Whatever the solver, the residual
``‖(I - A) x - y‖₂ / ‖y‖₂`` reported is that of the answer returned.

Results are deterministic: the same inputs give the same bits whatever the number of
threads (for the same library versions and processor), see the notes above the solvers.
Timings and their baselines: ``docs/performance.md`` (``benchmarks/balance.py``).
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import ArrayLike, NDArray

from gosplan.core.arguments import (
    aligned,
    choice,
    economy_of,
    flag,
    integer,
    is_labelled,
    number,
    shown,
)
from gosplan.core.economy import Economy
from gosplan.core.result import BalanceResult, Status, renamed_keyword
from gosplan.errors import ParameterTypeError, TargetsError

__all__ = [
    "DIRECT_LIMIT",
    "MAX_PASSES",
    "BalanceSolver",
    "Method",
    "Solver",
    "balance",
    "demand_vector",
]

FloatArray = NDArray[np.float64]
Solver = Literal["auto", "direct", "gmres", "neumann"]
Method = Solver  # the old name of Solver, kept for one release

#: Up to this many products ``solver="auto"`` factorises; above it, it iterates. Measured
#: on generated economies (x and labour values): at 200 products LU and GMRES both take
#: about 4 ms; LU fill-in then grows fast (12x the non-zeros at 300 products, 37x at
#: 1000), so at 300 LU takes 9 ms against 5 ms and at 1000 products 104 ms against 4 ms.
DIRECT_LIMIT = 200
#: Most matrix passes ``maxiter`` may allow a solve (a bound on the work asked for).
MAX_PASSES = 1_000_000
_TOL, _MAXITER = 1e-9, 1000  # balance's defaults, shared with _gross_output


def demand_vector(
    economy: Economy, final_demand: ArrayLike | Mapping[str, float], *, what: str = "targets"
) -> FloatArray:
    """Final demand as a vector in the economy's product order.

    Parameters
    ----------
    economy
        The economy the demand is for.
    final_demand
        A mapping ``{product id: quantity}``, a pandas Series indexed by product id (both
        read by label; products left out get zero), or an array of shape ``(n,)`` in the
        economy's product order. A Series is never read by position: its labels must be
        product ids (a default ``RangeIndex`` is refused).
    what
        How to name the demand in error messages.

    Raises
    ------
    TargetsError
        Unknown product ids or labels that are no product id, wrong length, negative,
        non-finite or non-numeric quantities.
    ParameterTypeError
        Something that is no mapping, Series or array (``None``, a string, one number).
    """
    n = economy.n
    if isinstance(final_demand, Mapping):
        y = np.zeros(n)
        for product, quantity in final_demand.items():
            if not isinstance(product, str):
                raise TargetsError(f"{what}: key {shown(product)} is not a product id "
                                   "(keys must be product ids, not positions)")
            if not economy.has(product):
                raise TargetsError(f"{what}: product {product!r} is not in the economy")
            y[economy.index(product)] = _quantity(quantity, product, what)
        return y
    if is_labelled(final_demand):
        y = aligned(economy.products, final_demand, what, TargetsError)
    else:
        if final_demand is None or isinstance(final_demand, str | bytes) or np.ndim(
                final_demand) == 0:
            raise ParameterTypeError(
                f"{what}: must be a mapping of product id to quantity, a Series indexed by "
                f"product id, or {n} numbers in product order; got "
                f"{type(final_demand).__name__} {shown(final_demand)}")
        try:
            y = np.array(final_demand, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError, OverflowError):
            raise TargetsError(
                f"{what}: quantities must be numbers; got {shown(final_demand)}") from None
    if y.shape != (n,):
        raise TargetsError(f"{what}: must have {n} quantities (one per product); got {y.size}")
    bad = ~(np.isfinite(y) & (y >= 0))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise TargetsError(
            f"{what}: quantity of {str(economy.products[k])!r} must be a finite number >= 0; "
            f"got {float(y[k])!r}"
        )
    return y


def _quantity(value: object, product: str, what: str) -> float:
    if isinstance(value, str | bytes | bool | np.bool_):
        raise TargetsError(f"{what}: quantity of {product!r} must be a number; "
                           f"got {type(value).__name__} {shown(value)}")
    try:
        q = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise TargetsError(
            f"{what}: quantity of {product!r} must be a finite number >= 0; got {shown(value)}"
        ) from None
    if not (np.isfinite(q) and q >= 0):
        raise TargetsError(f"{what}: quantity of {product!r} must be a finite number >= 0; "
                           f"got {q!r}")
    return q


def balance(
    economy: Economy,
    final_demand: ArrayLike | Mapping[str, float],
    *,
    solver: Solver = "auto",
    tol: float = _TOL,
    maxiter: int = _MAXITER,
    x0: ArrayLike | None = None,
    valuations: bool = True,
    verbose: bool = False,
    method: Solver | None = None,
    labour_values: bool | None = None,
) -> BalanceResult:
    """Balanced plan: the gross output ``x`` with ``(I - A) x = y``.

    Parameters
    ----------
    economy
        A productive economy with ``n`` products.
    final_demand : mapping or Series of product id to quantity, or array of shape (n,)
        Final demand ``y >= 0`` (consumption, investment, exports: whatever leaves the
        inter-industry system). A mapping or a pandas Series is read by product id (a
        Series must be indexed by product id); an array in the economy's product order.
    solver
        ``"direct"`` (sparse LU), ``"gmres"``, ``"neumann"``, or ``"auto"``: direct up to
        :data:`DIRECT_LIMIT` products, GMRES above.
    tol
        Relative residual required, ``‖(I - A) x - y‖₂ / ‖y‖₂ <= tol``, in ``(0, 1)``.
    maxiter
        Most matrix passes an iterative method may make (per solve), in
        ``[1, MAX_PASSES]``.
    x0 : array of shape (n,), optional
        Warm start for the iterative solvers (for example last year's plan).
    valuations
        Also solve ``v (I - A) = l`` for the labour embodied in each product (its
        valuation, in labour per unit).
    verbose
        Write the solver's log (each solve's residual; the iterative solvers' progress)
        to standard error.
    method, labour_values
        Deprecated names of ``solver`` and ``valuations``.

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
    economy_of(economy, "balance")
    solver = renamed_keyword("balance", "method", "solver", method, solver, "auto")
    choice(solver, "solver", "balance", ("auto", "direct", "gmres", "neumann"))
    tol = number(tol, "tol", "balance", low=0.0, high=1.0, low_open=True, high_open=True)
    maxiter = integer(maxiter, "maxiter", "balance", low=1, high=MAX_PASSES)
    valuations = renamed_keyword("balance", "labour_values", "valuations", labour_values,
                                 valuations, True)
    valuations = flag(valuations, "valuations", "balance")
    verbose = flag(verbose, "verbose", "balance")
    y = demand_vector(economy, final_demand, what="final_demand")
    start = None if x0 is None else demand_vector(economy, x0, what="x0")
    with BalanceSolver(economy.A, solver, tol, maxiter, verbose=verbose) as solve:
        x, iterations, residual = solve.solve(y, start)
        solved = residual <= tol
        v = None
        if valuations:
            v, more, v_residual = solve.solve(economy.labour, None, transpose=True)
            iterations += more
            solved = solved and v_residual <= tol
    return BalanceResult(
        status=Status.SOLVED if solved else Status.NOT_CONVERGED,
        solver=solve.method,
        products=economy.products,
        final_demand=y,
        gross_output=x,
        residual=residual,
        tolerance=tol,
        iterations=iterations,
        valuations=v,
        labour_required=_dot(economy.labour, x),
        labour_available=economy.labour_available,
        capacity=economy.capacity,
        units=economy.units,
        labour_unit=economy.labour_unit,
    )


def relative_residual(A: sp.sparray, x: FloatArray, y: FloatArray) -> float:
    """Return ``‖(I - A) x - y‖₂ / ‖y‖₂`` (the absolute norm when ``y = 0``)."""
    r = x - A @ x - y
    scale = float(np.linalg.norm(y))
    return float(np.linalg.norm(r)) / (scale if scale > 0 else 1.0)


def _gross_output(
    A: sp.csr_array, y: FloatArray, *, method: Method = "auto", tol: float = _TOL,
    maxiter: int = _MAXITER, x0: FloatArray | None = None,
) -> tuple[FloatArray, str, int, float]:
    """Solve ``(I - A) x = y`` exactly as :func:`balance` does: ``(x, method, passes, residual)``.

    For callers that hold a matrix but no :class:`Economy` yet (the generator); with the
    same arguments the answer is bit for bit the one ``balance`` gives.
    """
    with BalanceSolver(A, method, tol, maxiter) as solver:
        x, passes, residual = solver.solve(y, x0)
    return x, solver.method, passes, residual


# --- Solvers ---------------------------------------------------------------------------------
#
# Every result must be the same to the bit whatever the number of cores or threads.
# Hence: sparse products are split only where the split cannot change the arithmetic (whole
# rows of a CSR product) or into a fixed number of parts; reductions run over fixed chunks
# with numpy's own loops (einsum), never BLAS, whose dot products and matrix–vector
# products add in an order that depends on its thread count.

#: Vector chunk of the reductions (elements); fixed, because it decides the rounding.
_CHUNK = 1 << 18
#: Products with fewer non-zeros than this run on one thread (threads would cost more).
_PARALLEL_NNZ = 1 << 20
#: Most threads a solve uses.
_MAX_THREADS = 8
#: Krylov vectors kept before GMRES restarts (memory: this many n-vectors at most).
_RESTART = 6
#: Orthogonalise again when projection removed more than this share of a vector's norm.
_REORTH = 0.5


def _threads() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(_MAX_THREADS, cores))


class BalanceSolver:
    """One balance: picks the method, owns the thread pool and the LU factors."""

    def __init__(self, A: sp.csr_array, method: str, tol: float, maxiter: int, *,
                 verbose: bool = False) -> None:
        n = A.shape[0]
        if method == "auto":
            method = "direct" if n <= DIRECT_LIMIT else "gmres"
        choice(method, "solver", "balance", ("auto", "direct", "gmres", "neumann"))
        self.method, self.A, self.tol, self.maxiter = method, A, tol, maxiter
        self.log = log_line if verbose else None
        self._lu: spla.SuperLU | None = None
        big = A.nnz >= _PARALLEL_NNZ or n > _CHUNK
        self.threads = _threads() if method != "direct" and big else 1
        self._pool = ThreadPoolExecutor(self.threads) if self.threads > 1 else None

    def __enter__(self) -> BalanceSolver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the solve's threads."""
        if self._pool is not None:
            self._pool.shutdown()

    def operator(self, transpose: bool = False) -> _Operator:
        """``x ↦ x - A x`` (or ``x - Aᵀ x``) on this solve's threads."""
        return _Operator(self.A, transpose, self._pool, self.threads)

    def solve(
        self, b: FloatArray, x0: FloatArray | None, *, transpose: bool = False
    ) -> tuple[FloatArray, int, float]:
        """Solve ``(I - A) x = b`` (or ``(I - A)ᵀ x = b``): ``(x, passes, relative residual)``."""
        op = self.operator(transpose)
        vec = _Vectors(b.shape[0], self._pool)
        if self.method == "direct":
            if self._lu is None:
                n = self.A.shape[0]
                self._lu = spla.splu(sp.csc_array(sp.eye_array(n, format="csc") - self.A))
            x = np.asarray(self._lu.solve(b, trans="T" if transpose else "N"), dtype=np.float64)
            r = op(x)
            np.subtract(b, r, out=r)
            residual = vec.norm(r) / (vec.norm(b) or 1.0)
            if self.log is not None:
                self.log(f"direct (sparse LU{', transposed' if transpose else ''}): "
                         f"relative residual {residual:.3g}")
            return x, 0, residual
        solve = _gmres if self.method == "gmres" else _neumann
        if self.log is not None:
            self.log(f"{self.method}{' (transposed)' if transpose else ''}: {b.shape[0]} "
                     f"unknowns, tolerance {self.tol:.3g}, at most {self.maxiter} passes")
        return solve(op, vec, b, x0, self.tol, self.maxiter, self.log)


class _Operator:
    """``x ↦ x - A x`` (or ``x - Aᵀ x``) for a CSR matrix, over row blocks in threads.

    The blocks are CSR views of consecutive rows (no copy of data or indices); scipy's
    kernels release the GIL, so the blocks run in parallel. ``A x`` computes each output
    from one whole row, so any split gives the same bits and the split follows the thread
    count. ``Aᵀ x`` adds the blocks' contributions, so its split depends on the matrix
    alone: two blocks for large matrices, one for small ones.
    """

    def __init__(
        self, A: sp.csr_array, transpose: bool, pool: ThreadPoolExecutor | None, threads: int
    ) -> None:
        self.transpose, self.pool = transpose, pool
        big = A.nnz >= _PARALLEL_NNZ
        parts = (2 if big else 1) if transpose else (threads if big else 1)
        self.blocks = _row_blocks(A, parts)

    def _map(self, task: Callable[[_Block], Any]) -> list[Any]:
        if self.pool is None or len(self.blocks) == 1:
            return [task(block) for block in self.blocks]
        return list(self.pool.map(task, self.blocks))

    def __call__(self, x: FloatArray, out: FloatArray | None = None) -> FloatArray:
        y = np.empty_like(x) if out is None else out
        if self.transpose:
            parts = self._map(lambda blk: blk[3] @ x[blk[0]:blk[1]])
            total = parts[0]
            for part in parts[1:]:  # in a fixed order
                total += part
            np.subtract(x, total, out=y)
        else:
            def rows(blk: _Block) -> None:
                np.subtract(x[blk[0]:blk[1]], blk[2] @ x, out=y[blk[0]:blk[1]])

            self._map(rows)
        return y


_Block = tuple[int, int, sp.csr_array, sp.csc_array]


def _row_blocks(A: sp.csr_array, parts: int) -> list[_Block]:
    """Split ``A`` into ``parts`` row ranges of about equal non-zeros, as views.

    Each block comes as CSR (for ``A x``) and as the CSC of its transpose (for ``Aᵀ x``),
    sharing ``A``'s arrays. The arrays are set on empty matrices rather than passed to the
    constructors, which copy slices of much larger arrays (to free the rest).
    """
    n = A.shape[0]
    if parts == 1:  # the whole matrix: its transpose is a CSC view, nothing to build
        return [(0, n, A, A.T)]
    cuts = np.searchsorted(A.indptr, np.linspace(0, A.nnz, parts + 1)[1:-1])
    bounds = [0, *sorted({int(c) for c in cuts} - {0, n}), n]
    blocks = []
    for r0, r1 in itertools.pairwise(bounds):
        a, b = int(A.indptr[r0]), int(A.indptr[r1])
        ptr = (A.indptr[r0:r1 + 1] - a).astype(A.indices.dtype)
        rows, cols = sp.csr_array((r1 - r0, A.shape[1])), sp.csc_array((A.shape[1], r1 - r0))
        for view in (rows, cols):
            view.data, view.indices, view.indptr = A.data[a:b], A.indices[a:b], ptr
        blocks.append((r0, r1, rows, cols))
    return blocks


class _Vectors:
    """Deterministic reductions over fixed chunks of length-n vectors, chunks in threads."""

    def __init__(self, n: int, pool: ThreadPoolExecutor | None) -> None:
        self.bounds = [(a, min(n, a + _CHUNK)) for a in range(0, max(n, 1), _CHUNK)]
        self.pool = pool if len(self.bounds) > 1 else None

    def _map(self, task: Callable[[tuple[int, int]], Any]) -> list[Any]:
        if self.pool is None:
            return [task(ab) for ab in self.bounds]
        return list(self.pool.map(task, self.bounds))

    def _sum(self, parts: list[Any]) -> FloatArray:
        """Add per-chunk partial results, always in chunk order."""
        if len(parts) == 1:
            return np.asarray(parts[0], dtype=np.float64)
        return np.asarray(np.sum(np.asarray(parts), axis=0), dtype=np.float64)

    def dots(self, W: FloatArray, w: FloatArray) -> FloatArray:
        """``W @ w`` for ``W`` of shape (k, n)."""
        return self._sum(self._map(
            lambda ab: np.einsum("ij,j->i", W[:, ab[0]:ab[1]], w[ab[0]:ab[1]])))

    def norm(self, w: FloatArray) -> float:
        """``‖w‖₂``."""
        return float(np.sqrt(self.dots(w[None, :], w)[0]))

    def combine(self, W: FloatArray, z: FloatArray, out: FloatArray, *, add: bool) -> None:
        """``out (+)= Wᵀ z`` for ``W`` of shape (k, n)."""
        def task(ab: tuple[int, int]) -> None:
            a, b = ab
            if add:
                out[a:b] += np.einsum("ij,i->j", W[:, a:b], z)
            else:
                np.einsum("ij,i->j", W[:, a:b], z, out=out[a:b])

        self._map(task)

    def project(self, W: FloatArray, w: FloatArray) -> tuple[FloatArray, float]:
        """Remove from ``w`` its components along the rows of ``W``: ``(W w, ‖w‖ after)``."""
        h = self.dots(W, w)
        nh = -h

        def task(ab: tuple[int, int]) -> float:
            a, b = ab
            part = w[a:b]
            part += np.einsum("ij,i->j", W[:, a:b], nh)
            return float(np.einsum("i,i->", part, part))  # while the chunk is in cache

        return h, float(np.sqrt(self._sum(self._map(task))))


def _dot(a: FloatArray, b: FloatArray) -> float:
    """``a · b`` in an order that does not depend on any thread count."""
    return float(np.einsum("i,i->", a, b))


def log_line(line: str) -> None:
    """One line of a solver's log, on standard error (``verbose=True``)."""
    print(line, file=sys.stderr, flush=True)


#: With a log, the Neumann series reports every this many iterations (and its last).
_LOG_EVERY = 10


def _neumann(
    op: _Operator, vec: _Vectors, y: FloatArray, x0: FloatArray | None, tol: float, maxiter: int,
    log: Callable[[str], None] | None = None,
) -> tuple[FloatArray, int, float]:
    """Iterate ``x <- x + (y - (I - A) x) = y + A x``; the residual comes for free.

    Converges like ``ρ(A)^k``; returns the last iterate whose residual was measured.
    """
    x = y.copy() if x0 is None else x0.copy()
    scale = vec.norm(y) or 1.0
    r = np.empty_like(y)
    residual = np.inf
    for k in range(1, maxiter + 1):
        op(x, r)
        np.subtract(y, r, out=r)
        residual = vec.norm(r) / scale
        if log is not None and (k % _LOG_EVERY == 0 or residual <= tol or k == maxiter):
            log(f"neumann: iteration {k}, relative residual {residual:.3g}")
        if residual <= tol:
            return x, k, residual
        if k < maxiter:
            x += r
    return x, maxiter, residual


def _gmres(
    op: _Operator, vec: _Vectors, b: FloatArray, x0: FloatArray | None, tol: float, maxiter: int,
    log: Callable[[str], None] | None = None,
) -> tuple[FloatArray, int, float]:
    """Restarted GMRES (Saad & Schultz 1986) with classical Gram–Schmidt, twice if needed.

    Each Arnoldi step costs one matrix pass and two sweeps over the basis; the basis is
    re-orthogonalised only when the projection cancels most of the new vector (Daniel,
    Gragg, Kaufman & Stewart 1976). A short restart suffices: the spectrum of ``A`` is
    the Perron root plus a disc around 0, on which ``(1 - z)^m`` is near optimal at every
    degree, so restarting costs few extra passes and saves basis sweeps and memory.
    Restarts take the residual from the Arnoldi relation (no pass); convergence is
    confirmed on the true residual ``b - (I - A) x``, which is what is returned.
    ``maxiter`` bounds the matrix passes, that last check included.
    """
    n = b.shape[0]
    bnorm = vec.norm(b)
    if bnorm == 0.0:
        return np.zeros(n), 0, 0.0
    m = min(_RESTART, n)
    V = np.empty((m + 1, n))
    r = np.empty(n)
    x = np.zeros(n) if x0 is None else x0.copy()
    passes = 0
    if x0 is None:
        r[:] = b
    else:
        op(x, r)
        np.subtract(b, r, out=r)
        passes += 1
    beta, exact = vec.norm(r), True
    # The Arnoldi estimate of the residual drifts a little from the true one: aim below.
    target = 0.5 * tol * bnorm
    while passes < maxiter:
        if beta <= tol * bnorm:
            if exact:
                break
            op(x, r)
            np.subtract(b, r, out=r)
            passes += 1
            beta, exact = vec.norm(r), True
            continue
        if passes + 2 > maxiter:  # no room for a step and the check after it
            break
        np.divide(r, beta, out=V[0])
        H = np.zeros((m + 1, m))  # rotated into R as the cycle goes
        Hbar = np.zeros((m + 1, m))  # as built, for the residual at a restart
        cs, sn = np.zeros(m), np.zeros(m)
        g = np.zeros(m + 1)
        g[0] = beta
        k = 0
        while k < m and passes + 2 <= maxiter:
            w = V[k + 1]
            op(V[k], w)
            passes += 1
            h, hn = vec.project(V[: k + 1], w)
            if hn < _REORTH * np.sqrt(hn * hn + _dot(h, h)):
                h2, hn = vec.project(V[: k + 1], w)
                h += h2
            H[: k + 1, k] = Hbar[: k + 1, k] = h
            H[k + 1, k] = Hbar[k + 1, k] = hn
            for i in range(k):  # earlier Givens rotations
                H[i, k], H[i + 1, k] = (cs[i] * H[i, k] + sn[i] * H[i + 1, k],
                                        -sn[i] * H[i, k] + cs[i] * H[i + 1, k])
            rho = float(np.hypot(H[k, k], hn))
            cs[k], sn[k] = (H[k, k] / rho, hn / rho) if rho > 0 else (1.0, 0.0)
            H[k, k], H[k + 1, k] = rho, 0.0
            g[k + 1], g[k] = -sn[k] * g[k], cs[k] * g[k]
            k += 1
            # hn == 0: the Krylov space is invariant and holds the exact answer.
            if abs(g[k]) <= target or hn <= 1e-300:
                break
            w /= hn
        z = _back_substitute(H[:k, :k], g[:k])
        vec.combine(V[:k], z, x, add=True)
        if k == m and abs(g[k]) > target:
            # Restart: r = b - (I - A) x = V_{k+1} (beta e_1 - Hbar z), by Arnoldi.
            c = -np.einsum("ij,j->i", Hbar[: k + 1, :k], z)
            c[0] += beta
            vec.combine(V[: k + 1], c, r, add=False)
            beta, exact = vec.norm(r), False
        else:  # converged by the estimate, out of passes, or the space was invariant
            op(x, r)
            np.subtract(b, r, out=r)
            passes += 1
            beta, exact = vec.norm(r), True
        if log is not None:
            log(f"gmres: {passes} passes, relative residual {beta / bnorm:.3g}"
                f"{'' if exact else ' (estimate, at restart)'}")
    if not exact:
        op(x, r)
        np.subtract(b, r, out=r)
        passes += 1
        beta = vec.norm(r)
    if log is not None:
        log(f"gmres: done after {passes} passes, relative residual {beta / bnorm:.3g}")
    return x, passes, beta / bnorm


def _back_substitute(R: FloatArray, g: FloatArray) -> FloatArray:
    """Solve the upper-triangular ``R z = g`` (at most ``_RESTART`` unknowns)."""
    z = np.zeros_like(g)
    for i in range(g.shape[0] - 1, -1, -1):
        z[i] = (g[i] - _dot(R[i, i + 1:], z[i + 1:])) / R[i, i]
    return z

"""Where the simplex starts on a multi-year plan: every output basic, the bottleneck binding.

From the slack basis the dual simplex must first bring each year's output of every product
into the basis, about one iteration each: ``5 n`` of the ``5.4 n`` iterations a five-year
plan of a generated economy took. Every optimal plan of a productive economy makes every
product, with its balance holding exactly, so this basis starts there: all outputs and
fulfilments basic, every balance binding, no investment yet, and fulfilment held by the
tightest capacity (the year's, or the horizon's for the worst-year objective) at the
balanced plan of the targets. What is left is the investment, which the simplex prices
in: about 1,000 iterations instead of 55,000 at 10^4 products (see docs/multiyear.md).

The price is one factorisation of a basis holding ``T`` copies of ``I - A``, cheap for
small or sparse technologies and, for ``I - A`` that fills in badly, longer than any time
limit, during which HiGHS does not read its clock: the planner uses this basis under a
time limit only up to :data:`~gosplan.core.optimal.WARM_START_LIMIT` products.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from gosplan.core.balance import balance
from gosplan.core.economy import Economy
from gosplan.core.solvers.highs import BasisStatus, LPBasis
from gosplan.errors import GosplanError

__all__ = ["crash_basis"]

FloatArray = NDArray[np.float64]


def crash_basis(
    economy: Economy,
    C: sp.csr_array,
    y: FloatArray,
    idle: FloatArray,
    *,
    worst_year: bool,
    labour_rows: bool,
    shared: NDArray[np.intp],
    shape: tuple[int, int],
) -> LPBasis | None:
    """The starting basis of the LP that :mod:`gosplan.core.multiyear` builds.

    Parameters
    ----------
    economy, C
        The economy, and the LP's capacity rows ``C x_t <= K_t`` (``m`` of them): one per
        branch of finite capacity, or one per capital good of a branch.
    y, idle
        Targets ``(T, n)``, and the capacity each year would have if nothing were built,
        ``(T, m)``.
    worst_year
        The objective is the worst year's fulfilment (one more column, ``T`` more rows).
    labour_rows, shared
        Whether the LP has labour rows; positions in ``F`` of branches with fixed shares.
    shape
        Rows and columns of the LP, to check the layout against.

    Returns
    -------
    LPBasis or None
        ``None`` where no such basis exists (a year no capacity limits) or a balance
        fails: then the simplex starts cold.
    """
    T, n = y.shape
    m, k = C.shape[0], shared.shape[0]
    try:
        need = np.vstack([C @ balance(economy, y[t], valuations=False).gross_output
                          for t in range(T)])
    except GosplanError:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        room = np.where(need > 0, idle / need, np.inf)
    if not np.isfinite(room).any(axis=1).all():
        return None
    if worst_year:
        t = int(np.argmin(room.min(axis=1)))
        tight = np.array([t * m + int(np.argmin(room[t]))])
    else:
        tight = np.arange(T) * m + np.argmin(room, axis=1)

    cols = np.full(shape[1], BasisStatus.LOWER, dtype=np.int8)
    cols[:T * n] = BasisStatus.BASIC  # outputs
    for t in range(T):
        cols[T * n + t * m + shared] = BasisStatus.BASIC  # investment the shares fix
    cols[T * (n + m):] = BasisStatus.BASIC  # fulfilments
    rows = np.full(shape[0], BasisStatus.LOWER, dtype=np.int8)  # balances, λ_t >= λ, shares
    rows[T * n:T * (n + m)] = BasisStatus.BASIC  # capacity in use, slack ...
    rows[T * n + tight] = BasisStatus.UPPER  # ... but at the bottleneck
    if labour_rows:
        rows[T * (n + m):T * (n + m + 1)] = BasisStatus.BASIC
    basis = LPBasis(col_status=cols, row_status=rows)
    expected = T * (n + m) + (T if labour_rows else 0) + (T if worst_year else 0) + T * k
    if shape[0] != expected or basis.basic != shape[0]:
        return None
    return basis

"""Adapter to the HiGHS linear-programming solver: the only module that imports ``highspy``.

It solves a linear program stated in gosplan's own terms::

    optimise    c · x                      (minimise or maximise)
    subject to  row_lower <= M x <= row_upper
                col_lower <=   x <= col_upper

with ``M`` a sparse ``(m, n)`` matrix, and returns an :class:`LPSolution` whose status is
an :class:`LPStatus`; HiGHS's own enums and objects never leave this module.

The matrix goes to HiGHS in one piece, as compressed-column arrays (``start``, ``index``,
``value``), never row by row, so building the model costs one pass over the non-zeros
even at 10^6 columns.

Dual sign convention (HiGHS's, kept as it is): whatever the sense,

* ``row_duals[i]`` is the rate of change of the optimal objective per unit increase of
  whichever bound of row ``i`` is active (zero when neither is);
* ``col_duals = c - Mᵀ row_duals`` are the reduced costs, the rate of change of the
  optimal objective per unit increase of whichever bound of each column is active.

So when maximising, a binding upper bound has a dual ``>= 0`` and a binding lower bound a
dual ``<= 0``; when minimising, the other way round.

Every solve is deterministic: serial algorithms (dual simplex, IPX interior point with
crossover, or PDLP) and a fixed random seed, so the same input gives the same answer bit
for bit. The ``threads`` option is left alone: HiGHS keeps one thread scheduler per
process and refuses a solve that asks for a thread count other than the one it was made
with, so leaving it at its default lets gosplan's solves and any other ``highspy`` use in
the same process follow one another in any order (the serial algorithms do not use the
scheduler's threads, whatever their number).

Warm starts. The dual simplex can start from a basis (:class:`LPBasis`): which columns
and rows are basic, and at which bound each non-basic one sits. From an optimal basis it
needs one factorisation and no iteration, whatever the size of the model; from a nearly
optimal one (last year's plan, the same model with other targets), a few iterations.
Ask for the basis a solve ended with by ``return_basis=True``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any, Literal

import highspy
import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "BasisStatus",
    "LPBasis",
    "LPMethod",
    "LPSolution",
    "LPStatus",
    "solve_lp",
    "solver_log",
    "solver_log_on",
]

FloatArray = NDArray[np.float64]
LPMethod = Literal["simplex", "ipm", "pdlp"]
"""``"simplex"``: dual simplex; ``"ipm"``: interior point with crossover; ``"pdlp"``:
primal–dual hybrid gradient (first order: fast on huge sparse models, less accurate)."""

_SOLVER_OPTIONS: dict[str, dict[str, Any]] = {
    "simplex": {"solver": "simplex", "simplex_strategy": 1},  # 1 = serial dual simplex
    # IPX, HiGHS's serial interior point ("ipm" may mean the threaded HiPO in some builds);
    # crossover: a vertex, exact duals.
    "ipm": {"solver": "ipx", "run_crossover": "on"},
    "pdlp": {"solver": "pdlp"},
}

# HiGHS's primal_solution_status when the point it holds satisfies every constraint.
_FEASIBLE = 2

#: Set by :func:`solver_log`: every solve in its block writes HiGHS's log to stderr, so a
#: caller can show the log of plans whose solves lie deep in other modules.
_LOG_ALL: ContextVar[bool] = ContextVar("gosplan_solver_log", default=False)


def solver_log_on() -> bool:
    """Whether the solves of the current context write HiGHS's log (:func:`solver_log`)."""
    return _LOG_ALL.get()


@contextmanager
def solver_log(on: bool = True) -> Iterator[None]:
    """Within the block, every LP solve writes HiGHS's log to stderr (when ``on``)."""
    token = _LOG_ALL.set(bool(on) or _LOG_ALL.get())
    try:
        yield
    finally:
        _LOG_ALL.reset(token)


class LPStatus(StrEnum):
    """Outcome of a linear-programming solve."""

    OPTIMAL = "optimal"
    """An optimal solution was found; primal and dual values are set."""
    INFEASIBLE = "infeasible"
    """No point satisfies the constraints."""
    UNBOUNDED = "unbounded"
    """Feasible, but the objective improves without limit."""
    TIME_LIMIT = "time_limit"
    """Stopped at the time (or iteration) limit; ``x`` is the best feasible point, if any."""
    ERROR = "error"
    """The solver failed (numerical trouble, bad model); see the message."""


class BasisStatus(IntEnum):
    """Where a column, or a row's activity, sits in a simplex basis."""

    LOWER = 0
    """Non-basic, at its lower bound."""
    BASIC = 1
    """Basic: its value follows from the non-basic ones."""
    UPPER = 2
    """Non-basic, at its upper bound."""
    ZERO = 3
    """Non-basic and free (no finite bound), held at zero."""


# Ours -> HiGHS's, by value; both enums give the same meaning to 0..3.
_HIGHS_BASIS_STATUS = (
    highspy.HighsBasisStatus.kLower,
    highspy.HighsBasisStatus.kBasic,
    highspy.HighsBasisStatus.kUpper,
    highspy.HighsBasisStatus.kZero,
)


@dataclass(frozen=True, slots=True, eq=False)
class LPBasis:
    """A simplex basis: the status of every column and of every row's activity.

    A basis of a model with ``m`` rows has exactly ``m`` basic entries, columns and rows
    together. Values are :class:`BasisStatus` codes; the arrays are read-only.
    """

    col_status: NDArray[np.int8]
    """Status of each column (variable), shape ``(n,)``."""
    row_status: NDArray[np.int8]
    """Status of each row's activity ``M[i] · x`` (its slack), shape ``(m,)``."""

    def __post_init__(self) -> None:
        for name in ("col_status", "row_status"):
            a = np.array(getattr(self, name), dtype=np.int8).reshape(-1)
            if ((a < BasisStatus.LOWER) | (a > BasisStatus.ZERO)).any():
                raise ValueError(f"LPBasis: {name} must hold BasisStatus codes 0..3")
            a.flags.writeable = False
            object.__setattr__(self, name, a)

    @property
    def basic(self) -> int:
        """Number of basic entries, columns and rows together."""
        return int(np.count_nonzero(self.col_status == BasisStatus.BASIC)) + int(
            np.count_nonzero(self.row_status == BasisStatus.BASIC)
        )


@dataclass(frozen=True, slots=True, eq=False)
class LPSolution:
    """What a linear-programming solve found.

    Arrays are ``None`` where the solver has no valid values for them (for example the
    duals of an infeasible problem, or every value of a time-limited solve that found
    no feasible point).
    """

    status: LPStatus
    """How the solve ended."""
    x: FloatArray | None
    """Primal values, shape ``(n,)``: the optimum, or the best feasible point at a limit."""
    row_activity: FloatArray | None
    """Row activities ``M x``, shape ``(m,)``, when ``x`` is set."""
    row_duals: FloatArray | None
    """Row duals, shape ``(m,)``: change in the optimum per unit of the active row bound."""
    col_duals: FloatArray | None
    """Reduced costs ``c - Mᵀ row_duals``, shape ``(n,)``."""
    objective: float | None
    """Objective value ``c · x`` at ``x`` (``None`` when ``x`` is)."""
    iterations: int
    """Simplex, interior-point, crossover and PDLP iterations, together."""
    solve_time: float
    """Seconds spent in the solver."""
    method: LPMethod
    """Algorithm used."""
    message: str
    """The solver's words for how it ended (for error messages)."""
    basis: LPBasis | None = field(default=None)
    """The basis the solve ended with, when asked for (``return_basis=True``) and the
    algorithm has one (simplex, or interior point after crossover)."""
    iterate: FloatArray | None = field(default=None)
    """With ``keep_iterate``, when the solve stopped at a limit: the point it had
    reached, shape ``(n,)``, feasible or not (PDLP calls a point feasible to a relative
    tolerance, so even ``x`` may violate constraints a little). A caller that knows the
    model's structure may repair it."""
    iterate_row_duals: FloatArray | None = field(default=None)
    """The row duals that went with ``iterate``, shape ``(m,)``."""


class _QuietHighs(highspy.Highs):
    """A HiGHS instance that is silent from birth.

    ``highspy.Highs()`` installs its Python callback at once, and that logs a banner
    before any option can be set. We need no callbacks (``run`` is called directly), so
    this one skips them and turns ``output_flag`` off first.
    """

    def __init__(self) -> None:
        super(highspy.Highs, self).__init__()  # the bare solver, without the callback
        self.setOptionValue("output_flag", False)
        self.callbacks = []

    def log_to_stderr(self) -> None:
        """Send HiGHS's log to Python's ``sys.stderr``, line by line.

        Not to the C console: a test or a caller that redirects ``sys.stderr`` sees it.
        """
        self.setOptionValue("log_to_console", False)
        self.setOptionValue("output_flag", True)
        self.setCallback(_write_log, None)
        self.startCallback(highspy.cb.HighsCallbackType.kCallbackLogging)


def _write_log(kind: Any, message: str, *_: Any) -> None:
    sys.stderr.write(message)
    sys.stderr.flush()


def solve_lp(
    c: ArrayLike,
    M: Any,
    row_lower: ArrayLike,
    row_upper: ArrayLike,
    col_lower: ArrayLike,
    col_upper: ArrayLike,
    *,
    maximize: bool = False,
    method: LPMethod = "simplex",
    time_limit: float | None = None,
    basis: LPBasis | None = None,
    return_basis: bool = False,
    keep_iterate: bool = False,
    verbose: bool = False,
) -> LPSolution:
    """Solve ``opt c · x`` s.t. ``row_lower <= M x <= row_upper``, ``col_lower <= x <= col_upper``.

    Parameters
    ----------
    c : array of shape (n,)
        Objective coefficients.
    M : sparse matrix (or array) of shape (m, n)
        Constraint matrix; converted once to compressed columns.
    row_lower, row_upper : arrays of shape (m,)
        Row bounds; ``-inf`` / ``inf`` where a side is free.
    col_lower, col_upper : arrays of shape (n,)
        Column bounds; ``-inf`` / ``inf`` where a side is free.
    maximize
        Maximise instead of minimise.
    method
        ``"simplex"`` (dual simplex), ``"ipm"`` (interior point, then crossover to a
        vertex) or ``"pdlp"`` (first-order; approximate duals).
    time_limit
        Seconds the solver may run (``None``: no limit).
    basis
        Starting basis for the dual simplex (``method="simplex"`` only): ``n`` column
        and ``m`` row statuses, exactly ``m`` of them basic. HiGHS repairs a singular one
        (swapping in slacks) rather than failing.
    return_basis
        Also return the final basis (costs a pass over HiGHS's per-entry status objects:
        about a second per 10^6 columns).
    keep_iterate
        Return the point a solve stopped at a limit with, feasible or not
        (``LPSolution.iterate``). Turns presolve off, because HiGHS maps a point of the
        presolved model back to the model's own variables only when it finishes.
    verbose
        Write HiGHS's log to standard error.

    Returns
    -------
    LPSolution
        Never raises on an infeasible, unbounded or time-limited problem: the status says.

    Raises
    ------
    ValueError
        Inconsistent shapes, an unknown method, a negative time limit, or a basis of the
        wrong shape, with the wrong number of basic entries, or given to another method.

    Examples
    --------
    Maximise ``x0 + x1`` with ``x0 + 2 x1 <= 6`` and ``x0 <= 4``:

    >>> s = solve_lp([1, 1], [[1, 2]], [-np.inf], [6], [0, 0], [4, np.inf], maximize=True)
    >>> s.status.value, s.x.tolist(), s.row_duals.tolist(), s.col_duals.tolist()
    ('optimal', [4.0, 1.0], [0.5], [0.5, 0.0])
    """
    if method not in _SOLVER_OPTIONS:
        raise ValueError(f"solve_lp: method must be simplex, ipm or pdlp; got {method!r}")
    if time_limit is not None and not time_limit >= 0:
        raise ValueError(f"solve_lp: time_limit must be >= 0 seconds; got {time_limit!r}")
    if basis is not None and method != "simplex":
        raise ValueError(f"solve_lp: a starting basis needs method='simplex'; got {method!r}")
    cost = _vector(c, "c")
    n = cost.shape[0]
    A = sp.csc_array(M, dtype=np.float64)
    m = A.shape[0]
    if A.shape[1] != n:
        raise ValueError(f"solve_lp: M must have {n} columns (one per cost); got {A.shape[1]}")
    bounds = [
        _vector(b, what, size)
        for b, what, size in (
            (row_lower, "row_lower", m),
            (row_upper, "row_upper", m),
            (col_lower, "col_lower", n),
            (col_upper, "col_upper", n),
        )
    ]

    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = m
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    lp.col_cost_ = cost
    lp.row_lower_, lp.row_upper_, lp.col_lower_, lp.col_upper_ = bounds
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = m
    A.sum_duplicates()
    lp.a_matrix_.start_ = A.indptr.astype(np.int32, copy=False)
    lp.a_matrix_.index_ = A.indices.astype(np.int32, copy=False)
    lp.a_matrix_.value_ = A.data

    start = None if basis is None else _highs_basis(basis, n, m)
    solution, undecided = _run(lp, cost, method, time_limit, start, return_basis,
                               keep_iterate, verbose)
    if not undecided:
        return solution
    # Presolve proved only that no optimum exists. Settle which by asking for any feasible
    # point: the same constraints with a zero objective.
    lp.col_cost_ = np.zeros(n)
    left = None if time_limit is None else max(0.0, time_limit - solution.solve_time)
    feasibility, _ = _run(lp, lp.col_cost_, method, left, verbose=verbose)
    status = {LPStatus.OPTIMAL: LPStatus.UNBOUNDED, LPStatus.INFEASIBLE: LPStatus.INFEASIBLE}.get(
        feasibility.status, feasibility.status
    )
    return LPSolution(
        status=status,
        x=None,
        row_activity=None,
        row_duals=None,
        col_duals=None,
        objective=None,
        iterations=solution.iterations + feasibility.iterations,
        solve_time=solution.solve_time + feasibility.solve_time,
        method=method,
        message=f"unbounded or infeasible; the feasibility check found: {feasibility.message}",
    )


def _highs_basis(basis: LPBasis, n: int, m: int) -> highspy.HighsBasis:
    """Check a basis against the model's shape and turn it into HiGHS's type."""
    for status, size, what in ((basis.col_status, n, "columns"), (basis.row_status, m, "rows")):
        if status.shape[0] != size:
            raise ValueError(
                f"solve_lp: basis must give a status for each of the {size} {what}; "
                f"got {status.shape[0]}"
            )
    if basis.basic != m:
        raise ValueError(
            f"solve_lp: basis must have {m} basic entries (one per row); got {basis.basic}"
        )
    start = highspy.HighsBasis()
    start.col_status = [_HIGHS_BASIS_STATUS[k] for k in basis.col_status.tolist()]
    start.row_status = [_HIGHS_BASIS_STATUS[k] for k in basis.row_status.tolist()]
    start.valid = True
    start.alien = False  # right count; a singular one is still repaired by the factoriser
    return start


def _vector(values: ArrayLike, what: str, size: int | None = None) -> FloatArray:
    v = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
    if size is not None and v.shape[0] != size:
        raise ValueError(f"solve_lp: {what} must have {size} entries; got {v.shape[0]}")
    if np.isnan(v).any():
        raise ValueError(f"solve_lp: {what} must not contain NaN")
    return v


_STATUS = {
    highspy.HighsModelStatus.kOptimal: LPStatus.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: LPStatus.INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: LPStatus.UNBOUNDED,
    highspy.HighsModelStatus.kTimeLimit: LPStatus.TIME_LIMIT,
    highspy.HighsModelStatus.kIterationLimit: LPStatus.TIME_LIMIT,
    highspy.HighsModelStatus.kModelEmpty: LPStatus.OPTIMAL,
}


def _run(
    lp: highspy.HighsLp,
    cost: FloatArray,
    method: LPMethod,
    time_limit: float | None,
    start: highspy.HighsBasis | None = None,
    return_basis: bool = False,
    keep_iterate: bool = False,
    verbose: bool = False,
) -> tuple[LPSolution, bool]:
    """Solve once; also say whether HiGHS left infeasible-or-unbounded undecided."""
    h = _QuietHighs()
    if verbose or _LOG_ALL.get():
        h.log_to_stderr()
    # No "threads": HiGHS keeps one thread scheduler per process, made by the first solve,
    # and refuses (status "not set") any later solve that asks for another thread count.
    # Leaving the option at its default (0) takes whatever scheduler the process has, so
    # gosplan's solves coexist with any other HiGHS use, before or after. The algorithms
    # chosen are serial ("parallel" off), so the scheduler's size cannot change a bit.
    options: dict[str, Any] = {
        "parallel": "off",
        "random_seed": 0,
        "time_limit": math.inf if time_limit is None else float(time_limit),
        **_SOLVER_OPTIONS[method],
    }
    if keep_iterate:
        options["presolve"] = "off"
    for name, value in options.items():
        _check(h.setOptionValue(name, value), f"setting option {name}")
    _check(h.passModel(lp), "passing the model")
    if start is not None:
        _check(h.setBasis(start), "setting the starting basis")
    run_status = h.run()
    model_status = h.getModelStatus()
    message = h.modelStatusToString(model_status).lower()
    status = _STATUS.get(model_status, LPStatus.ERROR)
    if run_status == highspy.HighsStatus.kError:
        status = LPStatus.ERROR
    info = h.getInfo()
    counts = (
        info.simplex_iteration_count,
        info.ipm_iteration_count,
        info.crossover_iteration_count,
        info.pdlp_iteration_count,
    )
    iterations = sum(max(0, int(k)) for k in counts)  # -1 marks an algorithm that never ran
    sol = h.getSolution()
    has_x = sol.value_valid and (
        status is LPStatus.OPTIMAL
        or (status is LPStatus.TIME_LIMIT and info.primal_solution_status == _FEASIBLE)
    )
    has_duals = sol.dual_valid and status is LPStatus.OPTIMAL
    x = _array(sol.col_value) if has_x else None
    undecided = model_status == highspy.HighsModelStatus.kUnboundedOrInfeasible
    final = h.getBasis() if return_basis else None
    stopped = keep_iterate and status is LPStatus.TIME_LIMIT and sol.value_valid
    return LPSolution(
        status=status,
        x=x,
        row_activity=_array(sol.row_value) if has_x else None,
        row_duals=_array(sol.row_dual) if has_duals else None,
        col_duals=_array(sol.col_dual) if has_duals else None,
        objective=float(cost @ x) if x is not None else None,
        iterations=iterations,
        solve_time=float(h.getRunTime()),
        method=method,
        message=message,
        basis=_our_basis(final) if final is not None and final.valid else None,
        iterate=_array(sol.col_value) if stopped else None,
        iterate_row_duals=_array(sol.row_dual) if stopped and sol.dual_valid else None,
    ), undecided


def _our_basis(basis: highspy.HighsBasis) -> LPBasis | None:
    cols = np.array([s.value for s in basis.col_status], dtype=np.int8)
    rows = np.array([s.value for s in basis.row_status], dtype=np.int8)
    if max(cols.max(initial=0), rows.max(initial=0)) > BasisStatus.ZERO:
        return None  # HiGHS's "non-basic, bound unsaid": not a basis one can restart from
    return LPBasis(col_status=cols, row_status=rows)


def _array(values: list[float]) -> FloatArray:
    return np.asarray(values, dtype=np.float64) + 0.0  # + 0.0 turns HiGHS's -0.0 into 0.0


def _check(status: highspy.HighsStatus, doing: str) -> None:
    if status == highspy.HighsStatus.kError:
        raise ValueError(f"solve_lp: HiGHS refused the model while {doing}")

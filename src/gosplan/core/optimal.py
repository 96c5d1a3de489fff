"""Optimal plans in Kantorovich's sense, and the valuations that support them.

Assortment plan (``objective="assortment"``; Kantorovich 1939, 1959). With gross output
``x`` (shape ``(n,)``) and the fulfilment fraction ``λ`` of the target assortment ``y``::

    maximise    λ
    subject to  (I - A) x - λ y >= 0                 product balances       (duals p)
                l · x           <= L                 labour, if L finite    (dual  v)
                r_k · x         <= R_k               other resources        (duals u_k)
                0 <= x <= capacity,  λ >= 0          capacities as bounds   (duals w)

Weighted plan (``objective="weighted"``): with final use ``f`` (shape ``(n,)``) as
variables of their own, weights ``c >= 0`` and a minimum fulfilment ``μ >= 0``::

    maximise    c · f
    subject to  (I - A) x - f >= 0                   product balances       (duals p)
                l · x <= L,   r_k · x <= R_k,   0 <= x <= capacity
                f >= μ y                             (f >= 0 when μ = 0 or no targets)

The balances are inequalities: what is produced beyond final use may be left unused.

Valuations (Kantorovich's objectively determined valuations) are the duals, all ``>= 0``,
each the gain in the optimal objective per unit increase of its constraint's right-hand
side: ``p_i`` per unit of product ``i`` supplied from outside the plan, ``w_j`` per unit
of capacity of ``j``, ``v`` per unit of labour, ``u_k`` per unit of resource ``k``.
Duality gives them their economic reading (for the assortment plan): every branch in
use just breaks even, ``((I - A)ᵀ p)_j = v l_j + Σ_k u_k r_kj + w_j`` when ``x_j > 0``
(and ``<=`` when ``x_j = 0``), the target assortment is worth one, ``p · y = 1``, and the
optimum equals the valuation of all the limits, ``λ = w · capacity + v L + Σ_k u_k R_k``.

The model goes to the solver as one sparse matrix, ``[[I - A, -y], [l, 0], [r_k, 0]]``,
built without loops, so economies of 10^5–10^6 products are fed in one pass.

LP methods (``lp_method``). ``"closed_form"`` (assortment only) needs no LP: the optimum
is the balanced plan for the full targets scaled down to the first limit it meets, and the
valuations come from one transposed solve (:mod:`gosplan.core.closed_form` derives both).
Two linear solves: seconds at 10^6 products. ``"simplex"``, ``"ipm"`` and ``"pdlp"`` hand
the LP to HiGHS. For the assortment objective the dual simplex starts from the basis of
the closed-form optimum (a warm start: it only has to confirm it, usually in 0
iterations); what remains is one factorisation of the basis, ``I - A`` bordered by ``y``
and the binding limit, whose fill makes the simplex impractical beyond a few thousand
products on economies with realistic, unbanded structure (see ``docs/performance.md``).
Should that factorisation be too inaccurate for HiGHS to certify the optimum, it solves
again, cold.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Literal, overload

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from gosplan.core.activities import ActivityEconomy
from gosplan.core.activity_plan import activity_plan
from gosplan.core.activity_result import ActivityPlan
from gosplan.core.arguments import (
    aligned,
    choice,
    economy_of,
    flag,
    is_labelled,
    number,
    seconds,
    shown,
)
from gosplan.core.balance import demand_vector
from gosplan.core.closed_form import LeontiefBound, closed_form_plan, leontief_bound
from gosplan.core.economy import Economy
from gosplan.core.plan_result import OptimalPlan, PlanStatus
from gosplan.core.result import renamed_keyword
from gosplan.core.solvers import LPSolution, LPStatus, solve_lp
from gosplan.core.solvers.highs import BasisStatus, LPBasis
from gosplan.errors import EconomyError, ParameterError, ParameterTypeError, TargetsError

__all__ = [
    "WARM_START_LIMIT",
    "Method",
    "Objective",
    "Resources",
    "optimal_plan",
    "resource_limits",
]

FloatArray = NDArray[np.float64]
Objective = Literal["assortment", "weighted"]
Method = Literal["simplex", "ipm", "pdlp", "closed_form"]
"""``"simplex"``, ``"ipm"``, ``"pdlp"``: HiGHS's algorithms on the LP; ``"closed_form"``:
no LP (assortment objective only)."""

#: With a time limit, the simplex is warm-started only up to this many products. Beyond,
#: factorising the optimal basis of an economy with unbanded structure can take longer
#: than any limit (3 s at 10^3 products, a minute at 3,000, over four at 10^4), and HiGHS
#: does not read its clock while it factorises. Without a limit it always is.
WARM_START_LIMIT = 2_000
Resources = Mapping[str, tuple[ArrayLike, float] | tuple[ArrayLike, float, str]]
"""Other primary resources: ``{name: (coefficients of shape (n,), amount available)}``,
optionally with a unit as a third element (used only in words, by the diagnosis)."""


@overload
def optimal_plan(
    economy: ActivityEconomy,
    targets: ArrayLike | Mapping[str, float] | None,
    *,
    objective: Objective = "assortment",
    weights: ArrayLike | Mapping[str, float] | None = None,
    min_fulfilment: float = 0.0,
    resources: None = None,
    lp_method: Method = "simplex",
    time_limit: float | None = None,
    verbose: bool = False,
    method: Method | None = None,
) -> ActivityPlan: ...


@overload
def optimal_plan(
    economy: Economy,
    targets: ArrayLike | Mapping[str, float] | None,
    *,
    objective: Objective = "assortment",
    weights: ArrayLike | Mapping[str, float] | None = None,
    min_fulfilment: float = 0.0,
    resources: Resources | None = None,
    lp_method: Method = "simplex",
    time_limit: float | None = None,
    verbose: bool = False,
    method: Method | None = None,
) -> OptimalPlan: ...


def optimal_plan(
    economy: Economy | ActivityEconomy,
    targets: ArrayLike | Mapping[str, float] | None,
    *,
    objective: Objective = "assortment",
    weights: ArrayLike | Mapping[str, float] | None = None,
    min_fulfilment: float = 0.0,
    resources: Resources | None = None,
    lp_method: Method = "simplex",
    time_limit: float | None = None,
    verbose: bool = False,
    method: Method | None = None,
) -> OptimalPlan | ActivityPlan:
    """Best plan the economy's limits allow (see the module docstring for the LP).

    An :class:`~gosplan.core.activities.ActivityEconomy` is planned over its activities
    by :func:`~gosplan.core.activity_plan.activity_plan` (its resources are part of it),
    and the result is an :class:`~gosplan.core.activity_result.ActivityPlan`.

    Parameters
    ----------
    economy
        A productive economy with ``n`` products; its capacities and ``labour_available``
        are the limits (``inf`` = no limit).
    targets : array of shape (n,) or mapping of product id to quantity
        Target assortment ``y >= 0``. Required, and not all zero, for ``"assortment"``;
        optional for ``"weighted"``.
    objective
        ``"assortment"``: maximise the fraction λ of ``y`` delivered in full proportion.
        ``"weighted"``: maximise ``weights · final use``.
    weights : array of shape (n,) or mapping of product id to weight, optional
        Value of a unit of final use of each product (``>= 0``); required for ``"weighted"``.
    min_fulfilment
        For ``"weighted"``: final use must be at least ``min_fulfilment * y``.
    resources
        Other primary resources (land, foreign exchange ...): ``{name: (coefficients,
        available)}``, coefficients of shape ``(n,)`` per unit of gross output.
    lp_method
        ``"simplex"`` (dual simplex, exact vertex; for the assortment warm-started from
        the closed-form optimum), ``"ipm"`` (interior point with crossover), ``"pdlp"``
        (first order; approximate) or ``"closed_form"`` (assortment only: two linear
        solves, no LP; the fastest by far at any size).
    time_limit
        Seconds the solver may run (``None``: no limit). ``"closed_form"`` has no limit
        to honour: its two solves always finish, at a known cost. With a limit, the
        simplex is warm-started only up to :data:`WARM_START_LIMIT` products.
    verbose
        Write the solver's log (HiGHS's, or the iterative solves' of the closed form) to
        standard error.
    method
        Deprecated name of ``lp_method``.

    Returns
    -------
    OptimalPlan
        With a status; an unbounded, infeasible or time-limited problem is a status,
        never an exception. Call ``.raise_for_status()`` to require an optimum.

    Raises
    ------
    TargetsError
        Bad targets or weights (unknown products, negative, NaN), or an assortment of zeros.
    EconomyError
        Malformed resources.

    Examples
    --------
    One product, 0.2 of it used per unit, capacity 100: at most ``0.8 * 100 = 80`` units
    of final use, so 80 % of a target of 100.

    >>> e = Economy(products=["grain"], A=[[0.2]], capacity=[100.0])
    >>> plan = optimal_plan(e, {"grain": 100.0})
    >>> round(plan.fulfilment, 9), plan.capacity_valuations.round(9).tolist()
    (0.8, [0.008])
    """
    where = "optimal_plan"
    lp_method = renamed_keyword(where, "method", "lp_method", method, lp_method, "simplex")
    if isinstance(economy, ActivityEconomy):
        return _over_activities(economy, targets, objective, weights, min_fulfilment,
                                resources, lp_method, time_limit)
    economy_of(economy, where)
    choice(objective, "objective", where, ("assortment", "weighted"))
    choice(lp_method, "lp_method", where, ("simplex", "ipm", "pdlp", "closed_form"))
    verbose = flag(verbose, "verbose", where)
    if lp_method == "closed_form" and objective != "assortment":
        raise ParameterError("optimal_plan: lp_method='closed_form' solves "
                             f"objective='assortment' only; got objective={objective!r}")
    time_limit = seconds(time_limit, where)
    min_fulfilment = number(min_fulfilment, "min_fulfilment", where, low=0.0)
    n = economy.n
    y = np.zeros(n) if targets is None else demand_vector(economy, targets)
    limits = resource_limits(economy, resources)
    if objective == "assortment":
        if not y.any():
            raise TargetsError(
                "targets: the assortment must ask for some product; got no positive quantity"
            )
        if weights is not None or min_fulfilment != 0.0:
            raise ParameterError(
                "optimal_plan: weights and min_fulfilment apply only to objective='weighted'"
            )
    elif weights is None:
        raise TargetsError("weights: objective='weighted' needs weights (one per product)")
    c_weights = None if weights is None else demand_vector(economy, weights, what="weights")
    if lp_method == "closed_form":
        return closed_form_plan(economy, y, limits, verbose=verbose)

    basis, spent = None, 0.0
    # HiGHS reads its clock between iterations, not while it factorises: with a time limit,
    # warm-start only where the one factorisation of the optimal basis is known to be short.
    warm = time_limit is None or n <= WARM_START_LIMIT
    if objective == "assortment" and lp_method == "simplex" and warm:
        bound = leontief_bound(economy, y, limits, verbose=verbose)
        spent = bound.seconds
        if bound.converged and bound.kind is not None:
            basis = _optimal_basis(economy, limits, bound)
        if time_limit is not None:
            if spent >= time_limit:
                return _stopped(economy, y, limits, bound)
            time_limit -= spent
    cost, M, row_lower, row_upper, col_lower, col_upper = _model(
        economy, y, limits, c_weights, min_fulfilment
    )
    model = (cost, M, row_lower, row_upper, col_lower, col_upper)
    solution = solve_lp(*model, maximize=True, method=lp_method, time_limit=time_limit,
                        basis=basis, verbose=verbose)
    if basis is not None and solution.status is LPStatus.ERROR:
        # The one factorisation of the warm start can be too inaccurate for HiGHS to
        # certify the optimum (it then says "unknown"); a cold solve takes longer but
        # refactorises as it goes.
        spent += solution.solve_time
        left = None if time_limit is None else max(0.0, time_limit - solution.solve_time)
        warm_iterations = solution.iterations
        solution = solve_lp(*model, maximize=True, method=lp_method, time_limit=left,
                            verbose=verbose)
        solution = dataclasses.replace(solution, iterations=solution.iterations + warm_iterations)
    return _plan(economy, objective, y, limits, solution, spent)


def _over_activities(
    economy: ActivityEconomy,
    targets: ArrayLike | Mapping[str, float] | None,
    objective: Objective,
    weights: ArrayLike | Mapping[str, float] | None,
    min_fulfilment: float,
    resources: Resources | None,
    method: Method,
    time_limit: float | None,
) -> ActivityPlan:
    """:func:`optimal_plan` of an activity economy: :func:`activity_plan`'s."""
    if resources is not None:
        raise ParameterError("optimal_plan: resources= applies to square economies; an "
                             "activity economy carries its own (resource_use, available)")
    if method == "closed_form":
        raise ParameterError("optimal_plan: lp_method='closed_form' solves square economies "
                             "only; an activity economy needs simplex, ipm or pdlp")
    return activity_plan(economy, targets, objective=objective, weights=weights,
                         min_fulfilment=min_fulfilment, lp_method=method,
                         time_limit=time_limit)


def _model(
    economy: Economy,
    y: FloatArray,
    limits: Mapping[str, tuple[FloatArray, float, str]],
    weights: FloatArray | None,
    min_fulfilment: float,
) -> tuple[FloatArray, sp.csr_array, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Assemble the LP of the module docstring: cost, matrix, row and column bounds.

    Columns are ``(x, λ)`` for the assortment (``weights is None``), ``(x, f)`` for
    weighted final use; rows are the ``n`` balances, then labour and the resources that
    have finite limits. Built from sparse blocks, without a loop over products.
    """
    n = economy.n
    rows = [economy.labour] if np.isfinite(economy.labour_available) else []
    upper = [economy.labour_available] if rows else []
    for coefficients, available, _unit in limits.values():
        if np.isfinite(available):
            rows.append(coefficients)
            upper.append(available)
    k = len(rows)
    if weights is None:
        extra = sp.csr_array(-y.reshape(-1, 1))
        cost = np.zeros(n + 1)
        cost[n] = 1.0
        extra_lower, extra_upper = np.zeros(1), np.full(1, np.inf)
    else:
        extra = -sp.eye_array(n, format="csr")
        cost = np.concatenate([np.zeros(n), weights])
        extra_lower, extra_upper = min_fulfilment * y, np.full(n, np.inf)
    blocks = [sp.hstack([sp.eye_array(n, format="csr") - economy.A, extra], format="csr")]
    if k:
        limit_rows = sp.csr_array(np.vstack(rows))
        blocks.append(sp.hstack([limit_rows, sp.csr_array((k, extra.shape[1]))], format="csr"))
    return (
        cost,
        sp.vstack(blocks, format="csr"),
        np.concatenate([np.zeros(n), np.full(k, -np.inf)]),
        np.concatenate([np.full(n, np.inf), np.asarray(upper, dtype=np.float64)]),
        np.concatenate([np.zeros(n), extra_lower]),
        np.concatenate([economy.capacity, extra_upper]),
    )


def _optimal_basis(
    economy: Economy,
    limits: Mapping[str, tuple[FloatArray, float, str]],
    bound: LeontiefBound,
) -> LPBasis:
    """The simplex basis of the closed-form optimum ``x = λ* x*`` of the assortment LP.

    Columns ``(x, λ)``, rows as :func:`_model` lays them out. Basic: λ, every product the
    targets need (``x*_j > 0``), the slacks of the balances of the products they do not
    need (those rows read ``0 >= 0``) and of the limits that do not bind. Non-basic: the
    binding limit, at its upper bound (a capacity as a column bound, labour or a
    resource as a row), the balances of needed products, tight at 0, and unneeded
    products, at 0. That is one basic entry per row, and the basis matrix is regular:
    on the needed products it is ``I - A`` with the binding limit's column or row
    swapped for the targets, whose determinant is ``g · x* > 0`` times that of
    ``I - A``. Its solution is ``λ* x*`` with the closed-form duals.
    """
    n = economy.n
    needed = bound.x_star > 0
    cols = np.where(needed, BasisStatus.BASIC, BasisStatus.LOWER).astype(np.int8)
    cols = np.append(cols, np.int8(BasisStatus.BASIC))  # λ
    limit_rows: list[str | None] = [None] if np.isfinite(economy.labour_available) else []
    limit_rows += [name for name, (_, available, _) in limits.items() if np.isfinite(available)]
    rows = np.concatenate(
        [
            np.where(needed, BasisStatus.LOWER, BasisStatus.BASIC).astype(np.int8),
            np.full(len(limit_rows), BasisStatus.BASIC, dtype=np.int8),
        ]
    )
    if bound.kind == "capacity":
        cols[bound.index] = BasisStatus.UPPER
    else:
        key = None if bound.kind == "labour" else bound.resource
        rows[n + limit_rows.index(key)] = BasisStatus.UPPER
    return LPBasis(col_status=cols, row_status=rows)


def _stopped(
    economy: Economy,
    y: FloatArray,
    limits: Mapping[str, tuple[FloatArray, float, str]],
    bound: LeontiefBound,
) -> OptimalPlan:
    """The time limit ran out before the simplex could start: a time-limit status.

    The plan fields hold the best plan known, the closed-form one if it was found: the
    solver has not confirmed it, so it carries no valuations.
    """
    found = bound.converged and bound.kind is not None
    gross = np.minimum(bound.fulfilment * bound.x_star, economy.capacity) if found else None
    use = {} if gross is None else {k: float(r @ gross) for k, (r, _, _) in limits.items()}
    return OptimalPlan(
        status=PlanStatus.TIME_LIMIT,
        objective="assortment",
        lp_method="simplex",
        products=economy.products,
        targets=y,
        fulfilment=bound.fulfilment if found else None,
        objective_value=bound.fulfilment if found else None,
        gross_output=gross,
        final_demand=None if gross is None else gross - economy.A @ gross,
        labour_required=None if gross is None else float(economy.labour @ gross),
        valuations=None,
        capacity_valuations=None,
        labour_valuation=None,
        resource_valuations=None,
        iterations=0,
        solve_time=bound.seconds,
        message="time limit reached before the simplex started",
        resource_use=use,
        units=economy.units,
    )


def resource_limits(
    economy: Economy, resources: Resources | None
) -> dict[str, tuple[FloatArray, float, str]]:
    """Validate the other primary resources: ``{name: (coefficients, available, unit)}``."""
    out: dict[str, tuple[FloatArray, float, str]] = {}
    n = economy.n
    if resources is not None and not isinstance(resources, Mapping):
        raise ParameterTypeError(f"resources: must be a mapping {{name: (coefficients, "
                                 f"available[, unit])}}; got {type(resources).__name__} "
                                 f"{shown(resources)}")
    for name, spec in (resources or {}).items():
        where = f"resources[{shown(name)}]"
        if not isinstance(name, str) or not name:
            raise EconomyError(f"resources: names must be non-empty strings; got {shown(name)}")
        if not isinstance(spec, tuple | list) or len(spec) not in (2, 3):
            raise EconomyError(f"{where}: must be (coefficients, available[, unit]); "
                               f"got {shown(spec)}")
        try:
            if is_labelled(spec[0]):  # by product id: products left out use none
                r = aligned(economy.products, spec[0], f"{where} coefficients", EconomyError)
            else:
                r = np.array(spec[0], dtype=np.float64).reshape(-1)
            if isinstance(spec[1], str | bytes | bool):
                raise TypeError
            available = float(spec[1])
        except (TypeError, ValueError, OverflowError):
            raise EconomyError(
                f"{where}: coefficients and amount must be numbers; got {shown(spec)}"
            ) from None
        if r.shape != (n,):
            raise EconomyError(f"{where}: coefficients must have {n} entries; got {r.size}")
        bad = ~(np.isfinite(r) & (r >= 0))
        if bad.any():
            j = int(np.flatnonzero(bad)[0])
            raise EconomyError(
                f"{where}: coefficient of {str(economy.products[j])!r} must be a "
                f"finite number >= 0; got {r[j]!r}"
            )
        if not available >= 0:
            raise EconomyError(f"{where}: amount available must be >= 0; got {available!r}")
        unit = str(spec[2]) if len(spec) == 3 else ""
        r.flags.writeable = False
        out[name] = (r, available, unit)
    return out


def _plan(
    economy: Economy,
    objective: Objective,
    y: FloatArray,
    limits: Mapping[str, tuple[FloatArray, float, str]],
    solution: LPSolution,
    spent: float = 0.0,
) -> OptimalPlan:
    """Read the plan and its valuations out of the LP's solution.

    ``spent`` is the seconds spent preparing the solve (the closed form behind a warm
    start), added to the solver's time.
    """
    n = economy.n
    status = PlanStatus(solution.status.value)
    x = gross = final = None
    fulfilment = labour_required = None
    use: dict[str, float] = {}
    if solution.x is not None:
        x = solution.x
        # The solver honours bounds only to its tolerance; round-off below 0 is noise.
        gross = np.maximum(x[:n], 0.0)
        final = gross - economy.A @ gross
        labour_required = float(economy.labour @ gross)
        use = {name: float(r @ gross) for name, (r, _, _) in limits.items()}
        if objective == "assortment":
            fulfilment = max(float(x[n]), 0.0)
        elif y.any():
            fulfilment = max(float(np.min(final[y > 0] / y[y > 0])), 0.0)
    prices = capacity_values = None
    labour_value = None
    resource_values: dict[str, float] | None = None
    if solution.row_duals is not None and solution.col_duals is not None:
        rd, cd = solution.row_duals, solution.col_duals
        # Duals of ">=" rows are <= 0 when maximising (raising the requirement costs);
        # flip them so each price is the gain per unit supplied. Clip round-off noise.
        prices = np.maximum(-rd[:n], 0.0)
        # A positive reduced cost belongs to the capacity (upper) bound, a negative one to
        # x >= 0, which is not a capacity.
        capacity_values = np.where(np.isfinite(economy.capacity), np.maximum(cd[:n], 0.0), 0.0)
        extra = iter(np.maximum(rd[n:], 0.0).tolist())
        labour_value = next(extra) if np.isfinite(economy.labour_available) else 0.0
        resource_values = {
            name: next(extra) if np.isfinite(available) else 0.0
            for name, (_, available, _) in limits.items()
        }
    return OptimalPlan(
        status=status,
        objective=objective,
        lp_method=solution.method,
        products=economy.products,
        targets=y,
        fulfilment=fulfilment,
        objective_value=solution.objective,
        gross_output=gross,
        final_demand=final,
        labour_required=labour_required,
        valuations=prices,
        capacity_valuations=capacity_values,
        labour_valuation=labour_value,
        resource_valuations=resource_values,
        iterations=solution.iterations,
        solve_time=solution.solve_time + spent,
        message=solution.message,
        resource_use=use,
        units=economy.units,
    )

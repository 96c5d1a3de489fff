"""Optimal plans over activities (Kantorovich 1939; Koopmans 1951), with their valuations.

Assortment plan (``objective="assortment"``). With activity levels ``z`` (shape ``(m,)``),
make matrix ``B``, use matrix ``U``, labour ``l``, resource matrix ``R`` and the target
assortment ``y``::

    maximise    λ
    subject to  (B - U) z - λ y >= 0        product balances        (valuations p)
                l · z           <= L        labour, if L finite     (valuation  v)
                R z             <= a        resources, where finite (valuations u)
                0 <= z <= capacity,  λ >= 0 activity capacities     (valuations w)

Weighted plan (``objective="weighted"``): final use ``f`` (shape ``(n,)``) as variables,
weights ``c >= 0`` and a minimum fulfilment ``μ``::

    maximise    c · f
    subject to  (B - U) z - f >= 0,  l · z <= L,  R z <= a,  0 <= z <= capacity,  f >= μ y

Duality gives the valuations their reading. For every activity, revenue at the valuations
is at most its cost, ``p · B_j <= p · U_j + v l_j + u · R_j + w_j``, with equality for every
activity in use (``z_j > 0``): an activity that would lose money at the valuations is not
chosen, and its loss per unit (its reduced cost) says by how much it falls short. For the
assortment, ``p · y = 1`` (the assortment is worth one) and the optimum equals the value
of all the limits, ``λ = v L + u · a + w · capacity``.

The LP goes to HiGHS (:mod:`gosplan.core.solvers.highs`) as one sparse matrix,
``[[B - U, -y], [l, 0], [R, 0]]``, assembled without loops over activities.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from gosplan.core.activities import ActivityEconomy
from gosplan.core.activity_result import ActivityPlan
from gosplan.core.arguments import (
    aligned,
    choice,
    instance,
    is_labelled,
    nonnegative,
    number,
    seconds,
    shown,
)
from gosplan.core.plan_result import PlanStatus
from gosplan.core.solvers import LPSolution, solve_lp
from gosplan.core.solvers.highs import solver_log
from gosplan.errors import ParameterError, ParameterTypeError, TargetsError

__all__ = ["activity_plan", "product_vector"]

FloatArray = NDArray[np.float64]
Objective = Literal["assortment", "weighted"]
LPChoice = Literal["simplex", "ipm", "pdlp", "prices"]


def product_vector(economy: ActivityEconomy, values: Any, what: str = "targets") -> FloatArray:
    """Targets or weights as a vector in product order: a mapping, a Series or ``n`` numbers.

    Products left out of a mapping or Series get 0.

    Raises
    ------
    TargetsError
        Unknown products, a wrong length, or a value that is not a finite number ``>= 0``.
    """
    n = economy.n
    if isinstance(values, Mapping):
        index = {p: i for i, p in enumerate(economy.products.tolist())}
        v = np.zeros(n)
        for product, quantity in values.items():
            if product not in index:
                raise TargetsError(f"{what}: {shown(product)} is not a product of the economy")
            if isinstance(quantity, bool) or not isinstance(quantity, int | float | np.number):
                raise TargetsError(f"{what}[{product!r}]: must be a number; "
                                   f"got {type(quantity).__name__} {shown(quantity)}")
            try:
                v[index[product]] = float(quantity)
            except OverflowError:
                raise TargetsError(f"{what}[{product!r}]: must be a finite number >= 0; "
                                   f"got {shown(quantity)}") from None
    elif is_labelled(values):
        v = aligned(economy.products, values, what, TargetsError)
    elif values is None or isinstance(values, str | bytes):
        raise ParameterTypeError(f"{what}: must be a mapping of product id to quantity or "
                                 f"{n} numbers; got {type(values).__name__} {shown(values)}")
    else:
        v = values
    return nonnegative(v, n, f"{what}:", lambda k: f"{what}[{str(economy.products[k])!r}]:",
                       TargetsError, per=" (one per product)")


def activity_plan(
    economy: ActivityEconomy,
    targets: ArrayLike | Mapping[str, float] | None,
    *,
    objective: Objective = "assortment",
    weights: ArrayLike | Mapping[str, float] | None = None,
    min_fulfilment: float = 0.0,
    lp_method: LPChoice = "simplex",
    time_limit: float | None = None,
    verbose: bool = False,
    method: LPChoice | None = None,
) -> ActivityPlan:
    """Best plan over the economy's activities (see the module docstring for the LP).

    Parameters
    ----------
    economy
        The activities, their labour and resources, and the limits (``inf`` = none).
    targets : mapping of product id to quantity, Series, or array of shape (n,)
        Target assortment ``y >= 0``; required, and not all zero, for ``"assortment"``.
    objective
        ``"assortment"``: maximise the fraction λ of ``y`` delivered in full proportion.
        ``"weighted"``: maximise ``weights · final use``.
    weights
        Value of a unit of final use of each product; required for ``"weighted"``.
    min_fulfilment
        For ``"weighted"``: final use must be at least ``min_fulfilment * y``.
    lp_method
        HiGHS's dual simplex (exact vertex), interior point with crossover, or PDLP; or
        ``"prices"``: price coordination (:func:`gosplan.core.activity_prices.
        coordinated_plan`, assortment plans of economies without joint production or
        capacities), whose plan carries a certified gap of at most ``1e-9``.
    time_limit
        Seconds the solver may run (``None``: no limit).
    verbose
        Write HiGHS's log of every solve to stderr.
    method
        Deprecated name of ``lp_method``.

    Returns
    -------
    ActivityPlan
        With a status: an infeasible, unbounded or time-limited problem is a status, not
        an exception; ``.raise_for_status()`` requires an optimum.

    Examples
    --------
    >>> e = ActivityEconomy(products=["grain"], activities=["hand", "tractor"],
    ...                     make=[[1.0, 1.0]], use=[[0.0, 0.0]], labour=[2.0, 0.5],
    ...                     resources=["tractors"], resource_use=[[0.0, 1.0]],
    ...                     available=[10.0], labour_available=100.0)
    >>> plan = activity_plan(e, {"grain": 1.0})
    >>> round(plan.fulfilment, 9), plan.levels.round(9).tolist()
    (57.5, [47.5, 10.0])
    """
    where = "activity_plan"
    if method is not None:
        warnings.warn("activity_plan: method is deprecated; use lp_method", DeprecationWarning,
                      stacklevel=2)
        lp_method = method
    instance(economy, ActivityEconomy, "economy", where)
    choice(objective, "objective", where, ("assortment", "weighted"))
    choice(lp_method, "lp_method", where, ("simplex", "ipm", "pdlp", "prices"))
    time_limit = seconds(time_limit, where)
    min_fulfilment = number(min_fulfilment, "min_fulfilment", where, low=0.0)
    y = np.zeros(economy.n) if targets is None else product_vector(economy, targets)
    if objective == "assortment":
        if not y.any():
            raise TargetsError("targets: the assortment must ask for some product; "
                               "got no positive quantity")
        if weights is not None or min_fulfilment != 0.0:
            raise ParameterError("activity_plan: weights and min_fulfilment apply only to "
                                 "objective='weighted'")
        c = None
    elif weights is None:
        raise TargetsError("weights: objective='weighted' needs weights (one per product)")
    else:
        c = product_vector(economy, weights, "weights")
    if lp_method == "prices":
        if c is not None:
            raise ParameterError("activity_plan: lp_method='prices' plans assortments only; "
                                 "use simplex, ipm or pdlp for objective='weighted'")
        from gosplan.core.activity_prices import coordinated_plan  # it imports this module

        with solver_log(verbose):
            return coordinated_plan(economy, y, time_limit=time_limit)
    model = _model(economy, y, c, min_fulfilment)
    solution = solve_lp(*model, maximize=True, method=lp_method, time_limit=time_limit,
                        verbose=bool(verbose))
    return _plan(economy, objective, y, solution)


def _limit_rows(economy: ActivityEconomy) -> tuple[sp.csr_array, FloatArray]:
    """Labour (if finite) and the resources with finite amounts, as rows ``<= upper``."""
    finite = np.isfinite(economy.available)
    blocks = [sp.csr_array(economy.resource_use[finite])]
    upper = [economy.available[finite]]
    if np.isfinite(economy.labour_available):
        blocks.insert(0, sp.csr_array(economy.labour.reshape(1, -1)))
        upper.insert(0, np.array([economy.labour_available]))
    rows: sp.csr_array = sp.csr_array(sp.vstack(blocks, format="csr"))
    return rows, np.concatenate(upper)


def _model(
    economy: ActivityEconomy, y: FloatArray, weights: FloatArray | None, min_fulfilment: float
) -> tuple[FloatArray, sp.csr_array, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Cost, matrix, row and column bounds of the LP; columns ``(z, λ)`` or ``(z, f)``."""
    n, m = economy.n, economy.m
    if weights is None:
        extra = sp.csr_array(-y.reshape(-1, 1))
        cost = np.zeros(m + 1)
        cost[m] = 1.0
        extra_lower, extra_upper = np.zeros(1), np.full(1, np.inf)
    else:
        extra = -sp.eye_array(n, format="csr")
        cost = np.concatenate([np.zeros(m), weights])
        extra_lower, extra_upper = min_fulfilment * y, np.full(n, np.inf)
    limits, upper = _limit_rows(economy)
    k = limits.shape[0]
    M = sp.vstack(
        [
            sp.hstack([economy.net, extra], format="csr"),
            sp.hstack([limits, sp.csr_array((k, extra.shape[1]))], format="csr"),
        ],
        format="csr",
    )
    return (
        cost,
        sp.csr_array(M),
        np.concatenate([np.zeros(n), np.full(k, -np.inf)]),
        np.concatenate([np.full(n, np.inf), upper]),
        np.concatenate([np.zeros(m), extra_lower]),
        np.concatenate([economy.capacity, extra_upper]),
    )


def _plan(
    economy: ActivityEconomy, objective: str, y: FloatArray, solution: LPSolution
) -> ActivityPlan:
    """Read levels and valuations out of the LP's solution."""
    n, m = economy.n, economy.m
    levels = net = resource_use = None
    fulfilment = labour = None
    if solution.x is not None:
        # The solver honours bounds only to its tolerance; round-off below 0 is noise.
        levels = np.maximum(solution.x[:m], 0.0)
        net = economy.net @ levels
        labour = float(economy.labour @ levels)
        resource_use = economy.resource_use @ levels
        if objective == "assortment":
            fulfilment = max(float(solution.x[m]), 0.0)
        elif y.any():
            fulfilment = max(float(np.min(net[y > 0] / y[y > 0])), 0.0)
    prices = labour_value = resource_values = capacity_values = reduced = None
    costs: dict[str, FloatArray] = {}
    if solution.row_duals is not None and solution.col_duals is not None:
        rd = solution.row_duals
        # Duals of ">=" rows are <= 0 when maximising; flip them so that each valuation
        # is the gain per unit supplied. Clip round-off noise.
        prices = np.maximum(-rd[:n], 0.0)
        limit_duals = iter(np.maximum(rd[n:], 0.0).tolist())
        labour_value = next(limit_duals) if np.isfinite(economy.labour_available) else 0.0
        resource_values = np.array([next(limit_duals) if np.isfinite(a) else 0.0
                                    for a in economy.available.tolist()])
        # A positive reduced cost of a column belongs to its upper bound: the capacity.
        capacity_values = np.where(np.isfinite(economy.capacity),
                                   np.maximum(solution.col_duals[:m], 0.0), 0.0)
        costs = {
            "inputs": economy.use.T @ prices,
            "labour": labour_value * economy.labour,
            "resources": economy.resource_use.T @ resource_values,
            "revenue": economy.make.T @ prices,
        }
        reduced = costs["inputs"] + costs["labour"] + costs["resources"] - costs["revenue"]
    return ActivityPlan(
        status=PlanStatus(solution.status.value),
        objective=objective,
        lp_method=solution.method,
        products=economy.products,
        activities=economy.activities,
        resources=economy.resources,
        targets=y,
        fulfilment=fulfilment,
        objective_value=solution.objective,
        levels=levels,
        final_demand=net,
        labour_required=labour,
        resource_use=resource_use,
        valuations=prices,
        labour_valuation=labour_value,
        resource_valuations=resource_values,
        capacity_valuations=capacity_values,
        reduced_costs=reduced,
        iterations=solution.iterations,
        solve_time=solution.solve_time,
        message=solution.message,
        unit_costs=costs,
    )

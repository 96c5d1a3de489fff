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
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from gosplan.core.balance import demand_vector
from gosplan.core.economy import Economy
from gosplan.core.plan_result import OptimalPlan, PlanStatus
from gosplan.core.solvers import LPMethod, LPSolution, solve_lp
from gosplan.errors import EconomyError, TargetsError

__all__ = ["Objective", "Resources", "optimal_plan", "resource_limits"]

FloatArray = NDArray[np.float64]
Objective = Literal["assortment", "weighted"]
Resources = Mapping[str, tuple[ArrayLike, float] | tuple[ArrayLike, float, str]]
"""Other primary resources: ``{name: (coefficients of shape (n,), amount available)}``,
optionally with a unit as a third element (used only in words, by the diagnosis)."""


def optimal_plan(
    economy: Economy,
    targets: ArrayLike | Mapping[str, float] | None,
    *,
    objective: Objective = "assortment",
    weights: ArrayLike | Mapping[str, float] | None = None,
    min_fulfilment: float = 0.0,
    resources: Resources | None = None,
    method: LPMethod = "simplex",
    time_limit: float | None = None,
) -> OptimalPlan:
    """Best plan the economy's limits allow (see the module docstring for the LP).

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
    method
        ``"simplex"`` (dual simplex, exact vertex), ``"ipm"`` (interior point with
        crossover) or ``"pdlp"`` (first order, for very large models; approximate).
    time_limit
        Seconds the solver may run (``None``: no limit).

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
    if objective not in ("assortment", "weighted"):
        raise ValueError(
            f"optimal_plan: objective must be assortment or weighted; got {objective!r}"
        )
    n = economy.n
    y = np.zeros(n) if targets is None else demand_vector(economy, targets)
    limits = resource_limits(economy, resources)
    if objective == "assortment":
        if not y.any():
            raise TargetsError(
                "targets: the assortment must ask for some product; got no positive quantity"
            )
        if weights is not None or min_fulfilment != 0.0:
            raise ValueError(
                "optimal_plan: weights and min_fulfilment apply only to objective='weighted'"
            )
    else:
        if weights is None:
            raise TargetsError("weights: objective='weighted' needs weights (one per product)")
        if not (np.isfinite(min_fulfilment) and min_fulfilment >= 0):
            raise TargetsError(
                f"min_fulfilment: must be a finite number >= 0; got {min_fulfilment!r}"
            )
    c_weights = None if weights is None else demand_vector(economy, weights, what="weights")

    cost, M, row_lower, row_upper, col_lower, col_upper = _model(
        economy, y, limits, c_weights, min_fulfilment
    )
    solution = solve_lp(
        cost,
        M,
        row_lower,
        row_upper,
        col_lower,
        col_upper,
        maximize=True,
        method=method,
        time_limit=time_limit,
    )
    return _plan(economy, objective, y, limits, solution)


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


def resource_limits(
    economy: Economy, resources: Resources | None
) -> dict[str, tuple[FloatArray, float, str]]:
    """Validate the other primary resources: ``{name: (coefficients, available, unit)}``."""
    out: dict[str, tuple[FloatArray, float, str]] = {}
    n = economy.n
    for name, spec in (resources or {}).items():
        where = f"resources[{name!r}]"
        if not isinstance(name, str) or not name:
            raise EconomyError(f"resources: names must be non-empty strings; got {name!r}")
        if len(spec) not in (2, 3):
            raise EconomyError(f"{where}: must be (coefficients, available[, unit]); got {spec!r}")
        try:
            r = np.array(spec[0], dtype=np.float64).reshape(-1)
            available = float(spec[1])
        except (TypeError, ValueError):
            raise EconomyError(
                f"{where}: coefficients and amount must be numbers; got {spec!r}"
            ) from None
        if r.shape != (n,):
            raise EconomyError(f"{where}: coefficients must have {n} entries; got {r.size}")
        bad = ~(np.isfinite(r) & (r >= 0))
        if bad.any():
            j = int(np.flatnonzero(bad)[0])
            raise EconomyError(
                f"{where}: coefficient of {economy.products[j]!r} must be a "
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
) -> OptimalPlan:
    """Read the plan and its valuations out of the LP's solution."""
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
        method=solution.method,
        products=economy.products,
        targets=y,
        fulfilment=fulfilment,
        objective_value=solution.objective,
        gross_output=gross,
        final_use=final,
        labour_required=labour_required,
        product_prices=prices,
        capacity_valuations=capacity_values,
        labour_valuation=labour_value,
        resource_valuations=resource_values,
        iterations=solution.iterations,
        solve_time=solution.solve_time,
        message=solution.message,
        resource_use=use,
    )

"""The optimal assortment plan without a linear program: one balance, one transposed solve.

The assortment LP of :mod:`gosplan.core.optimal` (maximise λ subject to
``(I - A) x >= λ y``, ``0 <= x <= capacity``, ``l · x <= L``, ``r_k · x <= R_k``) has a
closed-form solution, because the Leontief inverse of a productive economy is
non-negative, ``(I - A)^{-1} = Σ_k A^k >= 0``.

**Primal.** Let ``x* = (I - A)^{-1} y``, the balanced plan for the full targets. Any plan
with ``(I - A) x >= λ y`` has ``x = (I - A)^{-1} ((I - A) x) >= λ x*``, so it needs at
least ``λ`` times what ``x*`` needs of every limit; and ``λ x*`` itself delivers exactly
``λ y``. Writing each limit as a row ``g`` with an amount ``G`` (``g = e_j`` and
``G = capacity_j`` for a capacity, ``g = l`` and ``G = L`` for labour, ``g = r_k`` and
``G = R_k`` for a resource)::

    λ* = min over limits with g · x* > 0 of  G / (g · x*),        x = λ* x*.

No limit with ``g · x* > 0``: nothing caps the assortment and the LP is unbounded.

**Dual.** Take the limit ``(g, G)`` that attains the minimum and give it the valuation
``θ = 1 / (g · x*)``; every other limit gets zero; the product prices solve one
transposed system::

    (I - A)ᵀ p = θ g.

This is optimal for the dual LP (``minimise Σ valuation × amount`` over ``p, w, v, u >= 0``
with ``(I - A)ᵀ p <= w + v l + Σ_k u_k r_k`` and ``p · y >= 1``):

* ``p = θ (I - A)^{-T} g >= 0``, since ``(I - A)^{-T} >= 0``, ``g >= 0``, ``θ > 0``;
* every branch breaks even, ``(I - A)ᵀ p = θ g``, with equality in every column, so the
  reduced cost of every ``x_j`` is zero and complementary slackness holds whatever
  ``x_j`` is, including the branches no target needs (``x*_j = 0``): each is valued at
  its cost of production, ``p_j = Σ_i A_ij p_i + θ g_j``;
* ``p · y = θ gᵀ (I - A)^{-1} y = θ (g · x*) = 1``: the assortment is worth one;
* the binding limit is used in full, ``g · λ* x* = G``, and the others carry no
  valuation, so complementary slackness holds for every row;
* strong duality: ``θ G = G / (g · x*) = λ*``.

For a binding capacity of ``j`` the prices are ``θ`` times row ``j`` of the Leontief
inverse; for binding labour they are ``θ`` times the labour values.

**Ties.** When several limits attain the minimum (an economy whose capacities were sized
to the targets, say) the valuations are not unique: any split ``θ_1 g_1 + θ_2 g_2`` with
``θ_1 g_1 · x* + θ_2 g_2 · x* = 1`` is equally optimal. The closed form gives all of it to
the first such limit in the order capacities (by product), labour, resources (as given);
a simplex solver may pick another vertex of the same optimal face.

**Accuracy.** The two solves are made as :func:`~gosplan.core.balance.balance` makes
them (sparse LU when small, GMRES when large) to a relative residual of ``1e-13``; the
plan is then exact to about that, and the LP's own solvers are no more exact (their
feasibility tolerance is ``1e-7``). Components of ``x*`` below ``1e-14`` of its largest
are taken for what they are, round-off of a zero: no limit binds on them. The cost is
that of two balances: seconds at 10^6 products, where none of HiGHS's methods finished
10^5 within two minutes (``docs/performance.md``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from gosplan.core.balance import BalanceSolver
from gosplan.core.economy import Economy
from gosplan.core.plan_result import OptimalPlan, PlanStatus

__all__ = ["LeontiefBound", "closed_form_plan", "leontief_bound"]

FloatArray = NDArray[np.float64]
LimitKind = Literal["capacity", "labour", "resource"]
Limits = Mapping[str, tuple[FloatArray, float, str]]

#: Relative residual asked of both solves.
TOL = 1e-13
#: A solve that stops above this residual (GMRES stagnating) is a failure, not a plan.
ACCEPT = 1e-9
#: Components of ``x*`` at most this fraction of its largest are round-off: zero.
NEGLIGIBLE = 1e-14
_MAXITER = 1000
_TINY = float(np.finfo(np.float64).tiny)  # below it, 1 / need overflows


@dataclass(frozen=True, slots=True, eq=False)
class LeontiefBound:
    """The closed-form optimum λ* and the limit that attains it."""

    x_star: FloatArray
    """Balanced plan for the full targets, ``x* = (I - A)^{-1} y >= 0``, shape ``(n,)``."""
    fulfilment: float
    """λ* (``inf`` when no limit caps the assortment)."""
    kind: LimitKind | None
    """Kind of the binding limit (``None`` when unbounded)."""
    index: int
    """The binding capacity's product, or the binding resource's position (else -1)."""
    resource: str | None
    """Name of the binding resource, if a resource binds."""
    need: float
    """What ``x*`` needs of the binding limit, ``g · x*`` (``nan`` when unbounded)."""
    passes: int
    """Matrix passes of the balance solve (0 for a factorisation)."""
    residual: float
    """Relative residual ``‖(I - A) x* - y‖ / ‖y‖`` of the balance solve."""
    seconds: float
    """Time the solve and the search took."""

    @property
    def converged(self) -> bool:
        """Whether the balance solve reached :data:`ACCEPT`."""
        return self.residual <= ACCEPT

    def describe(self, products: NDArray[np.str_]) -> str:
        """Words for the binding limit: ``"capacity of 'steel'"``, ``"labour"``, ..."""
        if self.kind == "capacity":
            return f"capacity of {str(products[self.index])!r}"
        if self.kind == "resource":
            return f"resource {self.resource!r}"
        return self.kind or "nothing"


def leontief_bound(
    economy: Economy, y: FloatArray, limits: Limits, *, solver: str = "auto",
    verbose: bool = False,
) -> LeontiefBound:
    """λ* = min over limits of ``limit / need at x*``, and which limit attains it.

    Parameters
    ----------
    economy
        A productive economy with ``n`` products.
    y : array of shape (n,)
        Target assortment, ``>= 0``.
    limits
        Other primary resources, validated: ``{name: (coefficients, available, unit)}``.
    solver
        Linear solver (``"auto"``: as :func:`~gosplan.core.balance.balance` picks).
    verbose
        Write the solver's log to standard error.

    Returns
    -------
    LeontiefBound

    Examples
    --------
    >>> e = Economy(products=["grain"], A=[[0.2]], capacity=[100.0])
    >>> b = leontief_bound(e, np.array([100.0]), {})
    >>> round(b.fulfilment, 12), b.kind, b.index
    (0.8, 'capacity', 0)
    """
    with BalanceSolver(economy.A, solver, TOL, _MAXITER, verbose=verbose) as solve:
        return _bound(solve, economy, y, limits)


def closed_form_plan(economy: Economy, y: FloatArray, limits: Limits, *,
                     verbose: bool = False) -> OptimalPlan:
    """The optimal assortment plan and its valuations, from the closed form above.

    Parameters
    ----------
    economy
        A productive economy with ``n`` products.
    y : array of shape (n,)
        Target assortment, ``>= 0``, not all zero.
    limits
        Other primary resources, validated: ``{name: (coefficients, available, unit)}``.
    verbose
        Write the two solves' log to standard error.

    Returns
    -------
    OptimalPlan
        ``lp_method="closed_form"``; status ``OPTIMAL``, ``UNBOUNDED`` (no limit caps the
        assortment) or ``ERROR`` (a solve stopped above :data:`ACCEPT`). ``iterations``
        counts matrix passes of the two solves (0 when factorised).

    Examples
    --------
    >>> e = Economy(products=["grain"], A=[[0.2]], capacity=[100.0])
    >>> plan = closed_form_plan(e, np.array([100.0]), {})
    >>> round(plan.fulfilment, 12), plan.capacity_valuations.round(12).tolist()
    (0.8, [0.008])
    """
    start = time.perf_counter()
    n = economy.n
    y = np.array(y, dtype=np.float64)  # the plan keeps (and freezes) its own copy
    with BalanceSolver(economy.A, "auto", TOL, _MAXITER, verbose=verbose) as solver:
        bound = _bound(solver, economy, y, limits)
        if not bound.converged or bound.kind is None:
            return _no_plan(economy, y, bound, time.perf_counter() - start)
        g = _row(economy, limits, bound)
        q, more, q_residual = solver.solve(g, None, transpose=True)
    seconds = time.perf_counter() - start
    passes = bound.passes + more
    if not q_residual <= ACCEPT:
        return _failed(
            economy,
            y,
            passes,
            seconds,
            f"the transposed solve stopped at relative residual {q_residual:.3g}",
        )
    lam, theta = bound.fulfilment, 1.0 / bound.need
    # x* and q are >= 0 in exact arithmetic; what lies below is round-off.
    gross = lam * bound.x_star
    if bound.kind == "capacity":
        gross[bound.index] = min(gross[bound.index], economy.capacity[bound.index])
    prices = theta * np.maximum(q, 0.0)
    capacity_values = np.zeros(n)
    resource_values = dict.fromkeys(limits, 0.0)
    labour_value = 0.0
    if bound.kind == "capacity":
        capacity_values[bound.index] = theta
    elif bound.kind == "labour":
        labour_value = theta
    elif bound.resource is not None:
        resource_values[bound.resource] = theta
    return OptimalPlan(
        status=PlanStatus.OPTIMAL,
        objective="assortment",
        lp_method="closed_form",
        products=economy.products,
        targets=y,
        fulfilment=lam,
        objective_value=lam,
        gross_output=gross,
        final_demand=gross - economy.A @ gross,
        labour_required=_dot(economy.labour, gross),
        valuations=prices,
        capacity_valuations=capacity_values,
        labour_valuation=labour_value,
        resource_valuations=resource_values,
        iterations=passes,
        solve_time=seconds,
        message=(
            f"optimal (closed form): binding: {bound.describe(economy.products)}; "
            f"residuals {bound.residual:.2g} (balance), {q_residual:.2g} (prices)"
        ),
        resource_use={name: _dot(r, gross) for name, (r, _, _) in limits.items()},
        units=economy.units,
    )


def _bound(solver: BalanceSolver, economy: Economy, y: FloatArray, limits: Limits) -> LeontiefBound:
    start = time.perf_counter()
    x, passes, residual = solver.solve(y, None)
    x_star = np.maximum(x, 0.0)  # >= 0 in exact arithmetic; below is round-off
    # So is a component within NEGLIGIBLE of the largest: a zero the factorisation smeared
    # (a product no target needs). Left in, a limit it meets, a zero capacity say, would
    # seem to bind, with a valuation of 1 / round-off.
    x_star[x_star <= NEGLIGIBLE * x_star.max(initial=0.0)] = 0.0
    cap = economy.capacity
    # Ratios limit / need in one vector, in the tie-breaking order: capacities, labour,
    # resources. A limit nothing needs (need 0) never binds, whatever its amount, and one
    # whose ratio overflows (a tiny need) binds no sooner than at infinity.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        cap_ratio = np.where(np.isfinite(cap) & (x_star > 0), cap / x_star, np.inf)
    others: list[tuple[LimitKind, str | None, float, float]] = [
        ("labour", None, economy.labour_available, _dot(economy.labour, x_star))
    ]
    others += [
        ("resource", name, available, _dot(r, x_star)) for name, (r, available, _) in limits.items()
    ]
    other_ratio = [
        amount / need if math.isfinite(amount) and need >= _TINY else math.inf
        for _, _, amount, need in others
    ]
    j = int(np.argmin(cap_ratio)) if cap_ratio.size else -1
    best = float(cap_ratio[j]) if j >= 0 else math.inf
    kind: LimitKind | None = "capacity" if math.isfinite(best) else None
    index, resource, need = j, None, float(x_star[j]) if kind else math.nan
    for k, ((what, name, _, needed), ratio) in enumerate(zip(others, other_ratio, strict=True)):
        if ratio < best:  # strict: on a tie the earlier limit keeps the valuation
            best, kind, resource, need = ratio, what, name, needed
            index = k - 1 if what == "resource" else -1
    if kind is None:
        index = -1
    return LeontiefBound(
        x_star=x_star,
        fulfilment=best,
        kind=kind,
        index=index,
        resource=resource,
        need=need,
        passes=passes,
        residual=residual,
        seconds=time.perf_counter() - start,
    )


def _row(economy: Economy, limits: Limits, bound: LeontiefBound) -> FloatArray:
    """The binding limit's row ``g`` (per unit of gross output), shape ``(n,)``."""
    if bound.kind == "capacity":
        g = np.zeros(economy.n)
        g[bound.index] = 1.0
        return g
    if bound.kind == "labour":
        return np.asarray(economy.labour, dtype=np.float64)
    assert bound.resource is not None
    return limits[bound.resource][0]


def _dot(a: FloatArray, b: FloatArray) -> float:
    # numpy's own loop, not BLAS: the sum's order, hence its bits, must not depend on
    # the thread count of the machine.
    return float(np.einsum("i,i->", a, b))


def _no_plan(economy: Economy, y: FloatArray, bound: LeontiefBound, seconds: float) -> OptimalPlan:
    if not bound.converged:
        return _failed(
            economy,
            y,
            bound.passes,
            seconds,
            f"the balance solve stopped at relative residual {bound.residual:.3g}",
        )
    return _empty(
        economy,
        y,
        PlanStatus.UNBOUNDED,
        bound.passes,
        seconds,
        "unbounded (closed form): no capacity, labour or resource limits what the targets need",
    )


def _failed(economy: Economy, y: FloatArray, passes: int, seconds: float, why: str) -> OptimalPlan:
    return _empty(economy, y, PlanStatus.ERROR, passes, seconds, f"closed form: {why}")


def _empty(
    economy: Economy, y: FloatArray, status: PlanStatus, passes: int, seconds: float, message: str
) -> OptimalPlan:
    return OptimalPlan(
        status=status,
        objective="assortment",
        lp_method="closed_form",
        products=economy.products,
        targets=y,
        fulfilment=None,
        objective_value=None,
        gross_output=None,
        final_demand=None,
        labour_required=None,
        valuations=None,
        capacity_valuations=None,
        labour_valuation=None,
        resource_valuations=None,
        iterations=passes,
        solve_time=seconds,
        message=message,
        units=economy.units,
    )

"""The non-substitution theorem's fast path: cheapest techniques, then a balanced plan.

Samuelson's non-substitution theorem: in an economy with one primary factor (labour), no
joint production (each activity makes one product) and constant returns, one technique
per product is the cheapest in labour whatever the final demand, and an optimal plan
uses only those. Finding them needs no LP: policy iteration over the balance's solves.

Per unit of product ``i`` made by activity ``j`` (which makes ``b_j`` of it per unit of
level), the technique costs ``c_j(v) = (l_j + v · U_j) / b_j`` in labour, where ``v`` are
the labour values of the products. A choice ``S`` of one activity per product gives the
square economy ``A_S`` (columns ``U_j / b_j``) and labour ``l_S`` (``l_j / b_j``), whose
values solve ``(I - A_S)ᵀ v = l_S``. Policy iteration:

1. Start from the technique of least direct labour per unit (or, if that choice is not
   productive, of least input per unit).
2. Solve for ``v``; for each product switch to the technique of least ``c_j(v)`` if it is
   cheaper than the current one by more than a relative ``1e-12``.
3. Stop when no product switches: then ``c_j(v) >= v_i`` for every technique, which is
   dual feasibility of the LP, and ``v`` are the least labour values.

Each switch lowers ``v`` (it never rises), so no choice is visited twice and the loop ends.
The plan is then the balanced plan ``(I - A_S) x = y`` scaled to the labour available:
``λ = L / (v · y)``; valuations ``p = v / (v · y)`` per unit of product and
``1 / (v · y)`` per unit of labour, as the LP's duals are.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from gosplan.core.activities import ActivityEconomy
from gosplan.core.activity_plan import product_vector
from gosplan.core.activity_result import ActivityPlan
from gosplan.core.arguments import instance, integer
from gosplan.core.balance import BalanceSolver
from gosplan.core.plan_result import PlanStatus
from gosplan.core.productive import check_productive
from gosplan.errors import ConvergenceError, EconomyError, TargetsError

__all__ = ["Segments", "Techniques", "cheapest_techniques", "chosen_transposed", "improve",
           "nonsubstitution_plan", "productive_start", "single_products", "solve_balance"]

FloatArray = NDArray[np.float64]
_RELATIVE = 1e-12  # a switch must save more than this share of the current cost
#: Relative residual each balance solve must reach, and the most matrix passes it may make.
TOLERANCE, PASSES = 1e-12, 10_000


@dataclass(frozen=True, slots=True, eq=False)
class Techniques:
    """The cheapest technique of each product and the labour values they give."""

    chosen: NDArray[np.intp]
    """Position of the chosen activity of each product, shape ``(n,)``."""
    labour_values: FloatArray
    """Labour needed, directly and indirectly, per unit of each product, shape ``(n,)``."""
    unit_costs: FloatArray
    """Labour cost ``c_j(v)`` per unit of its product of every activity, shape ``(m,)``."""
    iterations: int
    """Policy-iteration rounds (each one sparse solve)."""


def single_products(economy: ActivityEconomy, where: str) -> tuple[NDArray[np.intp], FloatArray]:
    """Product made by each activity and how much per unit; refuse joint production.

    Raises
    ------
    EconomyError
        An activity that makes more (or less) than one product, or a product no activity
        makes.
    """
    make = sp.csc_array(economy.make)
    made = np.diff(make.indptr)
    if (made != 1).any():
        j = int(np.flatnonzero(made != 1)[0])
        raise EconomyError(
            f"{where}: activity {str(economy.activities[j])!r} makes {int(made[j])} products; "
            "the non-substitution theorem needs exactly one per activity (no joint "
            "production): use activity_plan"
        )
    product = make.indices.astype(np.intp)
    has = np.zeros(economy.n, dtype=bool)
    has[product] = True
    if not has.all():
        i = int(np.flatnonzero(~has)[0])
        raise EconomyError(f"{where}: no activity makes product {str(economy.products[i])!r}")
    return product, make.data.copy()


def _structure(economy: ActivityEconomy, where: str) -> tuple[NDArray[np.intp], FloatArray]:
    """:func:`single_products`, and refuse limited resources and capacities."""
    product, b = single_products(economy, where)
    limited = np.isfinite(economy.available)
    if (economy.resource_use[limited].nnz if limited.any() else 0) or np.isfinite(
            economy.capacity).any():
        raise EconomyError(f"{where}: the economy has limited resources or capacities; the "
                           "non-substitution theorem needs labour as the only primary "
                           "factor: use activity_plan")
    return product, b


def solve_balance(A_S: sp.csr_array, b: FloatArray, x0: FloatArray | None, *, transpose: bool,
                  where: str, tol: float = TOLERANCE) -> FloatArray:
    """``(I - A_S) x = b`` (or its transpose), solved as the balance solves it.

    Sparse LU when small, GMRES warm-started from ``x0`` when large.

    Raises
    ------
    ConvergenceError
        The solve did not reach a relative residual of ``tol``.
    """
    with BalanceSolver(A_S, "auto", tol, PASSES) as solver:
        x, passes, residual = solver.solve(b, x0, transpose=transpose)
    if not residual <= tol:
        raise ConvergenceError(passes, residual, f"{where}: a balance solve reached a relative "
                               f"residual of {residual:.3g} only (needs {tol:g})")
    return x


def chosen_transposed(per_unit: sp.csc_array, chosen: NDArray[np.intp]) -> sp.csr_array:
    """``A_Sᵀ`` as CSR: the chosen columns of ``per_unit``, gathered without a conversion.

    The CSC arrays of ``A_S`` are the CSR arrays of its transpose; solving with ``A_Sᵀ``
    (``transpose`` flipped) spares a CSC-to-CSR pass per solve.
    """
    starts = per_unit.indptr[chosen]
    lengths = per_unit.indptr[chosen + 1] - starts
    indptr = np.zeros(chosen.shape[0] + 1, dtype=per_unit.indptr.dtype)
    np.cumsum(lengths, out=indptr[1:])
    take = np.repeat(starts - indptr[:-1], lengths) + np.arange(int(indptr[-1]))
    n = per_unit.shape[0]
    return sp.csr_array((per_unit.data[take], per_unit.indices[take], indptr), shape=(n, n))


class Segments:
    """Activities grouped by the product they make: the cheapest of each group in O(m).

    Sorted once by product (ties by position); each query is two ``reduceat`` passes.
    """

    def __init__(self, product: NDArray[np.intp]) -> None:
        self.order = np.argsort(product, kind="stable")
        sorted_product = product[self.order]
        self.starts = np.flatnonzero(np.r_[True, np.diff(sorted_product) != 0])
        self.m = product.shape[0]
        self._positions = np.arange(self.m)

    def cheapest(self, key: FloatArray) -> NDArray[np.intp]:
        """Position of the activity of least ``key`` for each product (first of ties)."""
        in_order = key[self.order]
        least = np.minimum.reduceat(in_order, self.starts)
        sizes = np.diff(np.r_[self.starts, self.m])
        at_least = in_order <= np.repeat(least, sizes)
        first = np.minimum.reduceat(np.where(at_least, self._positions, self.m), self.starts)
        return np.asarray(self.order[first], dtype=np.intp)


def improve(per_unit: sp.csc_array, cost: FloatArray, segments: Segments,
            chosen: NDArray[np.intp], v: FloatArray | None, *, max_iterations: int,
            where: str, tol: float = TOLERANCE,
            ) -> tuple[NDArray[np.intp], FloatArray, FloatArray, int]:
    """Policy iteration from a productive choice: ``(chosen, values, unit costs, rounds)``.

    ``cost`` is the primary cost of each activity per unit of its product (labour, or
    any non-negative price of the primary factors). Each round is one transposed balance
    solve, warm-started from ``v``; a product switches only to a technique cheaper by
    more than a relative ``1e-12``, so the choice stays productive (Howard's argument:
    a strict improvement cannot close a cycle that is not productive) and the loop ends.

    Raises
    ------
    ConvergenceError
        More than ``max_iterations`` rounds (only with round-off cycling), or a solve
        that does not converge.
    """
    for iteration in range(1, max_iterations + 1):
        # Warm-started from the last values: a switch changes few columns of A_S.
        v = solve_balance(chosen_transposed(per_unit, chosen), cost[chosen], v,
                          transpose=False, tol=tol, where=where)
        costs = cost + per_unit.T @ v
        best = segments.cheapest(costs)
        switch = costs[best] < costs[chosen] - _RELATIVE * np.abs(costs[chosen])
        if not switch.any():
            return chosen, v, costs, iteration
        chosen = np.where(switch, best, chosen)
    raise ConvergenceError(max_iterations, float("nan"),
                           f"{where}: no fixed point after {max_iterations} rounds")


def productive_start(per_unit: sp.csc_array, cost: FloatArray, segments: Segments,
                     where: str) -> NDArray[np.intp]:
    """The techniques of least primary cost per unit, or else of least input per unit.

    Raises
    ------
    EconomyError
        Neither choice is productive.
    """
    inputs = np.asarray(per_unit.sum(axis=0)).reshape(-1)
    for start in (segments.cheapest(cost), segments.cheapest(inputs)):
        if check_productive(sp.csr_array(per_unit[:, start])).productive:
            return start
    raise EconomyError(f"{where}: neither the techniques of least direct cost nor those "
                       "of least input per unit form a productive economy: use "
                       "activity_plan")


def cheapest_techniques(economy: ActivityEconomy, *, max_iterations: int = 1000) -> Techniques:
    """The cheapest technique of each product in labour, by policy iteration (module docstring).

    Raises
    ------
    EconomyError
        Joint production, a limited resource or capacity, a product no activity makes,
        or no productive choice to start from.
    ConvergenceError
        More than ``max_iterations`` rounds (only with round-off cycling).
    """
    where = "cheapest_techniques"
    instance(economy, ActivityEconomy, "economy", where)
    max_iterations = integer(max_iterations, "max_iterations", where, low=1, high=10**6)
    product, b = _structure(economy, where)
    per_unit = sp.csc_array(economy.use @ sp.diags_array(1.0 / b))
    labour = economy.labour / b
    segments = Segments(product)
    start = productive_start(per_unit, labour, segments, where)
    chosen, v, costs, rounds = improve(per_unit, labour, segments, start, None,
                                       max_iterations=max_iterations, where=where)
    return Techniques(chosen=chosen, labour_values=v, unit_costs=costs, iterations=rounds)


def nonsubstitution_plan(
    economy: ActivityEconomy, targets: ArrayLike | Mapping[str, float]
) -> ActivityPlan:
    """The optimal assortment plan of a labour-only economy without joint production.

    Equal to :func:`~gosplan.core.activity_plan.activity_plan`'s optimum on such economies,
    without an LP: :func:`cheapest_techniques`, then one balance solve. Unlimited labour
    gives status ``UNBOUNDED``, as the LP would.

    Raises
    ------
    EconomyError
        The economy is outside the theorem (see :func:`cheapest_techniques`).
    TargetsError
        Bad targets, or none positive.
    """
    instance(economy, ActivityEconomy, "economy", "nonsubstitution_plan")
    y = product_vector(economy, targets)
    if not y.any():
        raise TargetsError("targets: the assortment must ask for some product; "
                           "got no positive quantity")
    started = time.perf_counter()
    found = cheapest_techniques(economy)
    _, b = _structure(economy, "nonsubstitution_plan")
    per_unit = sp.csc_array(economy.use @ sp.diags_array(1.0 / b))
    x = solve_balance(chosen_transposed(per_unit, found.chosen), y, None, transpose=True,
                      where="nonsubstitution_plan")
    need = float(found.labour_values @ y)  # labour per unit of the assortment
    bounded = np.isfinite(economy.labour_available) and need > 0
    status = PlanStatus.OPTIMAL if bounded else PlanStatus.UNBOUNDED
    levels = net = prices = reduced = None
    fulfilment = labour_value = None
    costs: dict[str, FloatArray] = {}
    k = economy.resources.shape[0]
    if bounded:
        fulfilment = economy.labour_available / need
        levels = np.zeros(economy.m)
        levels[found.chosen] = np.maximum(fulfilment * x, 0.0) / b[found.chosen]
        net = economy.net @ levels
        labour_value = 1.0 / need
        prices = found.labour_values / need
        costs = {"inputs": economy.use.T @ prices, "labour": labour_value * economy.labour,
                 "resources": np.zeros(economy.m), "revenue": economy.make.T @ prices}
        reduced = costs["inputs"] + costs["labour"] - costs["revenue"]
    return ActivityPlan(
        status=status, objective="assortment", lp_method="policy_iteration",
        products=economy.products, activities=economy.activities, resources=economy.resources,
        targets=y, fulfilment=fulfilment, objective_value=fulfilment, levels=levels,
        final_demand=net, labour_required=None if levels is None else float(
            economy.labour @ levels),
        resource_use=None if levels is None else np.zeros(k),
        valuations=prices, labour_valuation=labour_value,
        resource_valuations=None if levels is None else np.zeros(k),
        capacity_valuations=None if levels is None else np.zeros(economy.m),
        reduced_costs=reduced, iterations=found.iterations,
        solve_time=time.perf_counter() - started,
        message="optimal" if bounded else "labour is unlimited: nothing caps the plan",
        unit_costs=costs,
    )

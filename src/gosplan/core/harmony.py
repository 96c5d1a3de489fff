"""Cockshott's harmony planner: weigh targets against each other, with valuations.

Cockshott and Cottrell (*Towards a New Socialism*, 1993, and Cockshott's later planning
programs) score a plan product by product. For a target ``t_i > 0`` and final use (net
output) ``f_i`` the fractional deviation is ``s_i = (f_i - t_i) / t_i`` and the product's
harmony is::

    H(s) = ln(1 + s)        s >= 0   (surplus: welcome, with diminishing returns)
    H(s) = s - s² / 2       s <  0   (shortfall: penalised, more steeply the deeper it is)

Both pieces are 0 with slope 1 at ``s = 0``: ``H`` is concave, with ``H'(s) = 1 / (1 + s)``
above target and ``1 - s`` below. The plan of greatest total harmony moves resources from
products in surplus (low marginal harmony) to products short of target (high).

**Problem.** Over the feasible plans of :func:`gosplan.core.optimal.optimal_plan`
(gross output ``x``, final use ``f = (I - A) x``)::

    maximise    Σ_{i: t_i > 0} H(f_i / t_i - 1)
    subject to  (I - A) x >= φ t,    x <= capacity,    l · x <= L

with a fulfilment floor ``φ = floor · λ*``, where λ* is the largest fulfilment of any
feasible plan (the LP's optimum). λ* needs no LP: a plan with ``(I - A) x >= λ t`` has
``x >= λ x₁``, ``x₁ = (I - A)^{-1} t``, because ``(I - A)^{-1} = Σ_k A^k >= 0``, and
``λ x₁`` is such a plan, so ``λ* = min(min_j capacity_j / x₁_j, L / (l · x₁))``: the
balanced plan scaled to fit. Harmony cannot raise the fulfilment ``min_i f_i / t_i`` past
it; what it does is use the capacity and labour that the bottleneck leaves idle.
Unconstrained (``floor=0``), Cockshott's ``H`` gives up much of the scarcest products for
more of the plentiful ones, and the fulfilment falls far below λ*: on random economies
often to zero, because dropping a costly product altogether costs only ``H(-1) = -1.5``.
The default floor, 0.995, keeps every target within 0.5 % of λ*.

**Method: valuations.** With a rent ``w_j >= 0`` per unit of capacity and a wage
``μ >= 0`` per unit of labour, the full cost of each product solves
``(I - A)ᵀ p = w + μ l`` (Kantorovich's valuations; with ``w = 0`` they are labour
values). Each product is then planned where its marginal harmony equals its cost,
``H'(s_i) / t_i = p_i``, in closed form::

    s_i = 1 / (p_i t_i) - 1    if p_i t_i <= 1,    s_i = 1 - p_i t_i    otherwise,

clipped to ``[φ - 1, S_MAX]``, ``f_i = t_i (1 + s_i)``, and ``x = (I - A)^{-1} f``. The
rents and wage minimise the dual function (convex, once differentiable)::

    D(w, μ) = Σ_i [H(s_i) - p_i (f_i - φ t_i)] + w · (capacity - x_low) + μ (L - l · x_low),
    ∂D/∂w_j = capacity_j - x_j,     ∂D/∂μ = L - l · x

where ``x_low = φ x₁`` is the floor plan (over-used capacity raises its rent, idle
capacity lowers it to zero). The search is a projected L-BFGS on ``w, μ >= 0`` with a
backtracking line search, in the variables ``w_j (capacity_j - x_low_j)`` and
``μ (L - l · x_low)``: each rent measured against the room its limit has above the floor
plan, which keeps near-bottlenecks (little room, high rent per unit) as easy to price as
the rest. Every evaluation also yields feasible plans, on segments that start at
feasible plans (the floor plan; the best plan so far) and head for ``x``, cut at the
first limit (the latter at the point of greatest harmony before it). By weak duality
the best plan's harmony is within ``D - harmony`` of the optimum; the search stops when
that gap is below ``tol`` per targeted product. An evaluation costs two linear solves
with ``I - A`` (one transposed): a sparse LU factorised once for small economies,
warm-started beyond with the balance's own GMRES (threaded passes, sums in a fixed
order, so the plan is the same to the bit on any number of cores), O(nnz) per matrix
pass; the search's own dot products avoid BLAS for the same reason. With a time limit
the search stops at the first evaluation past it. Products no target needs are left
at zero; products that need a zero-capacity input cannot be made at all.

**How good, how fast** (random sparse economies; see the tests for the oracles):
the harmony agrees with an independent tangent-plane LP to its approximation error;
with few binding limits the gap closes to 10^-5 per product in 30-100 iterations; when
every capacity is tight (``generate_economy``'s capacities of ``x (1 + 10^-6)``) the
dual converges more slowly and the best plan lags it: 581 iterations at 10^3
products and 1,444 at 10^4 (20 s; see docs/performance.md), hence the default limit of
5,000. The fulfilment is ``>= floor · λ*`` from the first iterate on.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gosplan.core.arguments import economy_of, flag, instance, integer, number, seconds
from gosplan.core.balance import demand_vector, log_line
from gosplan.core.economy import Economy
from gosplan.core.harmony_result import S_MAX, HarmonyPlan, HarmonyStatus, harmony, harmony_slope
from gosplan.core.harmony_search import PriceSearch, Problem
from gosplan.errors import ParameterError, TargetsError

__all__ = [
    "MAX_ITERATIONS",
    "S_MAX",
    "HarmonyPlan",
    "HarmonyStatus",
    "harmony",
    "harmony_plan",
    "harmony_slope",
    "max_fulfilment",
]

FloatArray = NDArray[np.float64]

#: Most price-search iterations ``iterations`` may allow (a bound on the work asked for).
MAX_ITERATIONS = 1_000_000



def max_fulfilment(economy: Economy, targets: ArrayLike | Mapping[str, float]) -> float:
    """λ*: the largest fraction of the targets any feasible plan delivers in full proportion.

    ``min(min_j capacity_j / x₁_j, L / (l · x₁))`` with ``x₁ = (I - A)^{-1} t``: the LP
    of :func:`~gosplan.core.optimal.optimal_plan` solved in closed form (see the module
    docstring). ``inf`` when nothing limits the targets.

    Raises
    ------
    TargetsError
        Bad targets, or none positive.

    Examples
    --------
    >>> e = Economy(products=["grain"], A=[[0.2]], capacity=[100.0])
    >>> round(max_fulfilment(e, {"grain": 100.0}), 12)
    0.8
    """
    economy_of(economy, "max_fulfilment")
    problem = Problem.build(economy, _targets(economy, targets), 0.0, bounded=False)
    problem.solver.close()
    return problem.lam


def harmony_plan(
    economy: Economy,
    targets: ArrayLike | Mapping[str, float],
    *,
    floor: float = 0.995,
    iterations: int = 5000,
    tol: float = 1e-5,
    start: HarmonyPlan | None = None,
    time_limit: float | None = None,
    verbose: bool = False,
) -> HarmonyPlan:
    """Plan of greatest total harmony within capacity and labour (see the module docstring).

    Parameters
    ----------
    economy
        A productive economy with ``n`` products; its capacities and ``labour_available``
        are the limits.
    targets : mapping or Series of product id to quantity, or array of shape (n,)
        Target final demand ``t >= 0``; products with ``t_i = 0`` count as intermediate. A
        mapping or a Series is read by product id.
    floor
        Every targeted product keeps at least ``floor · λ*`` of its target, λ* being the
        largest feasible fulfilment. In ``[0, 1)``; 0 gives Cockshott's unconstrained
        harmony maximum.
    iterations
        Most price-search iterations (each about two linear solves), in
        ``[0, MAX_ITERATIONS]``.
    tol
        Stop when the duality gap is at most ``tol`` per targeted product.
    start
        A previous plan of the same economy (last year's, or one with other targets):
        its rents and wage start the price search.
    time_limit
        Seconds the whole call may take (``None``: no limit). The starting plan and the
        evaluation of the dual under way are always finished, and one last solve polishes
        the plan, so a call can overrun by about three solves. The plan is
        feasible whenever the search stops, but with a limit it depends on the machine.
    verbose
        Write the price search's log (fulfilment, harmony and duality gap after each
        iteration) to standard error.

    Returns
    -------
    HarmonyPlan
        Always a feasible plan; ``status`` says whether it converged.

    Raises
    ------
    TargetsError
        Bad targets (see :func:`~gosplan.core.balance.demand_vector`) or none positive.
    EconomyError
        A targeted product that no capacity or labour limits: its harmony is unbounded.
    ConvergenceError
        A linear solve with ``I - A`` failed to converge.

    Examples
    --------
    Two products made from labour alone, 10 units of labour, targets of 4 each: 8 units
    of labour meet both, and the 2 left over go where they add most harmony.

    >>> e = Economy(products=["bread", "cloth"], A=[[0.0, 0.0], [0.0, 0.0]],
    ...             labour=[1.0, 1.0], labour_available=10.0)
    >>> plan = harmony_plan(e, {"bread": 4.0, "cloth": 4.0})
    >>> plan.final_demand.round(4).tolist(), round(plan.fulfilment, 4)
    ([5.0, 5.0], 1.25)
    """
    began = time.perf_counter()
    where = "harmony_plan"
    economy_of(economy, where)
    floor = number(floor, "floor", where, low=0.0, high=1.0, high_open=True)
    iterations = integer(iterations, "iterations", where, low=0, high=MAX_ITERATIONS)
    tol = number(tol, "tol", where, low=0.0, low_open=True)
    time_limit = seconds(time_limit, where)
    verbose = flag(verbose, "verbose", where)
    instance(start, HarmonyPlan, "start", where, optional=True)
    t = _targets(economy, targets)
    if start is not None and start.products.shape != economy.products.shape:
        raise ParameterError(f"harmony_plan: start must be a plan of this economy "
                             f"({economy.n} products); got one of {start.products.shape[0]}")
    problem = Problem.build(economy, t, floor, bounded=True)
    with problem.solver:
        search = PriceSearch(problem, tol, log_line if verbose else None)
        deadline = None if time_limit is None else began + float(time_limit)
        status = search.run(search.initial(start), int(iterations), deadline)
        return search.plan(economy, status)


def _targets(economy: Economy, targets: ArrayLike | Mapping[str, float]) -> FloatArray:
    t = demand_vector(economy, targets)
    if not (t > 0).any():
        raise TargetsError("targets: the harmony planner needs some target; "
                           "got no positive quantity")
    return t

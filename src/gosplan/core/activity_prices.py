"""Optimal assortment plans coordinated by prices: Dantzig–Wolfe over technique choices.

For economies without joint production or activity capacities, but with several scarce
primary factors (labour and resources), the assortment LP of
:mod:`gosplan.core.activity_plan` is solved without ever handing the whole LP to a
solver. Write the limits (labour, if finite, and each resource with a finite amount) as
the rows of ``G`` (``K × m``) with amounts ``g``. Maximising the fulfilment λ is the same
as minimising ``t = 1 / λ``, the share of the limits one assortment ``y`` needs::

    minimise t  subject to  (B - U) z >= y,   G z <= t g,   z >= 0.

**Prices.** Give the limits prices ``w >= 0`` with ``w · g = 1``. At those prices each
activity costs ``w · G_j`` and the cheapest way to deliver ``y`` is a non-substitution
problem: one primary factor (the priced bundle), no joint production. Policy iteration
over the balance's solves (:func:`gosplan.core.nonsubstitution.improve`) finds its
cheapest techniques ``S`` and their values ``v`` (``(I - A_S)ᵀ v = c_S``), and
``v · y`` is a lower bound on ``t``: for any plan, ``w · G z >= v · (B - U) z >= v · y``
(Kantorovich's valuations: at the prices no activity earns more than it costs).

**Coordination.** Each choice ``S`` found gives a plan ``z_S`` (``x_S = (I - A_S)^{-1} y``
on its techniques) and the limits it uses, ``q_S = G z_S``. A small master LP mixes the
plans found so far, ``min t`` s.t. ``Σ θ_S q_S <= t g``, ``Σ θ_S = 1``, ``θ >= 0``
(``K + 1`` rows: HiGHS's dual simplex, microseconds); its duals are the next prices.
The mix is a feasible plan, so ``t_master`` is an upper bound. Every round thus brackets
the optimum between a plan and a price system, and stops when the relative gap
``(λ_dual - λ_plan) / λ_dual`` is at most ``gap``. There are finitely many choices, so
the loop ends; with few limits it takes tens of rounds, each one or two sparse solves
(warm-started), and never factorises more than one choice's ``I - A_S`` at a time.

**The certificate.** Both bounds are computed from the returned numbers, not trusted
from the iteration: ``λ_plan`` is the least ratio of delivered to asked over the
targeted products, of the limits' amounts to their use; ``λ_dual`` comes from values
scaled down until every activity's revenue is at most its cost at the prices
(``v · (B - U)_j <= w · G_j``, checked for all ``m``), so round-off cannot overstate it.
The valuations returned are those prices and values, normalised as the LP's duals are
(``p · y = 1``): ``p = v / (v · y)``, ``u = w / (v · y)``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from gosplan.core.activities import ActivityEconomy
from gosplan.core.activity_plan import product_vector
from gosplan.core.activity_result import ActivityPlan
from gosplan.core.arguments import instance, integer, number, seconds
from gosplan.core.nonsubstitution import (
    Segments,
    chosen_transposed,
    improve,
    productive_start,
    single_products,
    solve_balance,
)
from gosplan.core.plan_result import PlanStatus
from gosplan.core.solvers import solve_lp
from gosplan.errors import EconomyError, TargetsError

__all__ = ["MAX_ROUNDS", "coordinated_plan", "coordination_applies"]

FloatArray = NDArray[np.float64]
_WHERE = "coordinated_plan"
#: Most coordination rounds ``max_rounds`` may allow (a bound on the work asked for).
MAX_ROUNDS = 10_000
#: Policy-iteration rounds allowed per price system (only round-off cycling needs more).
_POLICY_ROUNDS = 1_000
#: Weight of the best prices so far in the next prices (Wentges's smoothing).
_SMOOTHING = 0.5
#: Most plans the master keeps (each three vectors of ``n``); unused ones go first.
_KEEP = 64
#: Relative round-off allowed in an activity's revenue less its inputs at the valuations.
_ROUND_OFF = 1e-12


def coordination_applies(economy: ActivityEconomy) -> str | None:
    """Why :func:`coordinated_plan` cannot plan this economy, or ``None`` if it can."""
    made = np.diff(sp.csc_array(economy.make).indptr)
    if (made != 1).any():
        return "an activity makes more than one product (joint production)"
    if np.isfinite(economy.capacity).any():
        return "an activity has a finite capacity"
    return None


@dataclass(slots=True)
class _Column:
    """A choice of techniques and its plan for one assortment: one column of the master."""

    chosen: NDArray[np.intp]
    x: FloatArray
    """Units of each product made per assortment, ``(I - A_S)^{-1} y`` (the next warm start)."""
    gross: FloatArray
    """Level of each chosen activity per assortment, ``x_S / b_S``."""
    uses: FloatArray
    """Limits used per assortment, ``q_S = G z_S``, shape ``(K,)``."""
    tol: float
    """Relative residual the plan's solve reached."""


class _Problem:
    """The economy's pieces that every round reuses: limits, per-unit inputs, segments."""

    def __init__(self, economy: ActivityEconomy, y: FloatArray) -> None:
        product, b = single_products(economy, _WHERE)
        self.economy, self.y, self.b = economy, y, b
        finite = np.isfinite(economy.available)
        rows = [sp.csr_array(economy.resource_use[finite])]
        amounts = [economy.available[finite]]
        self.labour_row = bool(np.isfinite(economy.labour_available))
        if self.labour_row:
            rows.insert(0, sp.csr_array(economy.labour.reshape(1, -1)))
            amounts.insert(0, np.array([economy.labour_available]))
        self.limits = sp.csr_array(sp.vstack(rows, format="csr"))
        self.amounts = np.concatenate(amounts)
        self.finite = finite
        # Primary cost and inputs per unit of the product made, as the theorem's solves want.
        self.per_unit_limits_t = sp.csr_array((self.limits @ sp.diags_array(1.0 / b)).T)
        self.per_unit = sp.csc_array(economy.use @ sp.diags_array(1.0 / b))
        self.segments = Segments(product)
        self.net_t = sp.csr_array(economy.net.T)  # revenue per activity at values: one pass
        self.limits_t = sp.csr_array(self.limits.T)
        # v · B_j + v · U_j: the scale of the round-off in v · (B - U)_j.
        self.scale_t = sp.csr_array((economy.make + economy.use).T)
        # Highest level of each activity in a plan with t = 1: min_r g_r / G_rj (inf: none).
        coo = sp.coo_array(self.limits)
        self.most = np.full(economy.m, np.inf)
        np.minimum.at(self.most, coo.col, self.amounts[coo.row] / coo.data)
        self.free = ~np.isfinite(self.most)

    @property
    def k(self) -> int:
        return int(self.amounts.shape[0])

    def cost(self, w: FloatArray) -> FloatArray:
        """Cost of each activity per unit of its product at limit prices ``w``."""
        return np.asarray(self.per_unit_limits_t @ w, dtype=np.float64)

    def column(self, chosen: NDArray[np.intp], x0: FloatArray | None, tol: float) -> _Column:
        """The plan of a choice for one assortment: one balance solve."""
        x = solve_balance(chosen_transposed(self.per_unit, chosen), self.y, x0, transpose=True,
                          tol=tol, where=_WHERE)
        x = np.maximum(x, 0.0)  # exact solution is >= 0 (productive choice); clip round-off
        gross = x / self.b[chosen]
        uses = np.asarray(self.limits[:, chosen] @ gross, dtype=np.float64)
        return _Column(chosen=chosen, x=x, gross=gross, uses=uses, tol=tol)

    def bound(self, w: FloatArray, v: FloatArray, upper: float) -> tuple[float, FloatArray]:
        """Certified lower bound on ``t`` from prices ``w`` and values ``v``, and the values used.

        For any plan, ``w · G z = Σ c_j z_j >= Σ (v · (B - U)_j - e_j) z_j >= v · y - Σ e_j
        z_j``, where ``e_j`` is by how much activity ``j`` earns more than it costs at the
        prices (round-off of the solves, or not yet converged). Two ways to bound the last
        sum, the better one taken: scale ``v`` down until every ``e_j`` is 0; or, for a plan
        with ``t <= upper`` (the optimum's, if ``upper`` is a plan's), ``z_j <= upper ·
        min_r g_r / G_rj``. So round-off cannot overstate the bound. An activity that uses
        no limited factor has no such bound on its level; there, an excess below a relative
        ``1e-12`` of its revenue is round-off of ``v · (B - U)_j`` and is taken as 0.
        """
        v = np.maximum(v, 0.0)
        revenue = self.net_t @ v
        cost = self.limits_t @ w
        over = np.flatnonzero(revenue > cost)
        if over.size and self.free.any():
            free = over[self.free[over]]
            small = revenue[free] - cost[free] <= _ROUND_OFF * (self.scale_t[free] @ v)
            over = np.setdiff1d(over, free[small], assume_unique=True)
        if not over.size:
            return float(v @ self.y), v
        excess = revenue[over] - cost[over]
        candidates = [(0.0, np.zeros_like(v))]
        if (cost[over] > 0).all():
            positive = cost > 0
            ratio = float(np.max(revenue[positive] / cost[positive]))
            scaled = v / ratio
            candidates.append((float(scaled @ self.y), scaled))
        if math.isfinite(upper) and not self.free[over].any():
            loss = upper * float(excess @ self.most[over])
            worth = float(v @ self.y)
            if worth > loss:  # values scaled to the bound, so that they price y at it
                candidates.append((worth - loss, v * ((worth - loss) / worth)))
        return max(candidates, key=lambda c: c[0])


def _master(columns: list[_Column], amounts: FloatArray) -> tuple[float, FloatArray, FloatArray]:
    """``min t`` over mixes of the columns: ``(t, weights θ, limit prices w with w · g = 1)``."""
    k, s = amounts.shape[0], len(columns)
    Q = np.column_stack([c.uses for c in columns])
    M = np.zeros((k + 1, s + 1))
    M[:k, :s] = Q
    M[:k, s] = -amounts
    M[k, :s] = 1.0
    cost = np.zeros(s + 1)
    cost[s] = 1.0
    solution = solve_lp(cost, sp.csr_array(M), np.r_[np.full(k, -np.inf), 1.0],
                        np.r_[np.zeros(k), 1.0], np.zeros(s + 1), np.full(s + 1, np.inf))
    if solution.x is None or solution.row_duals is None or solution.objective is None:
        raise EconomyError(f"{_WHERE}: the master LP over {s} plans ended "
                           f"{solution.status.value} ({solution.message})")
    theta = np.maximum(solution.x[:s], 0.0)
    # Duals of "<=" rows of a minimisation are <= 0; their negatives are the prices.
    w = np.maximum(-solution.row_duals[:k], 0.0)
    total = float(w @ amounts)
    w = w / total if total > 0 else 1.0 / (k * amounts)
    return float(solution.objective), theta, w


def coordinated_plan(
    economy: ActivityEconomy,
    targets: ArrayLike | Mapping[str, float],
    *,
    gap: float = 1e-9,
    max_rounds: int = 500,
    time_limit: float | None = None,
) -> ActivityPlan:
    """The optimal assortment plan by price coordination, with a certified gap (module docstring).

    Parameters
    ----------
    economy
        No joint production and no finite activity capacities; labour and any number of
        resources may be limited.
    targets : mapping of product id to quantity, Series, or array of shape (n,)
        Target assortment ``y >= 0``, not all zero.
    gap
        Stop when ``(λ_dual - λ_plan) / λ_dual <= gap`` (in ``[0, 0.5]``).
    max_rounds
        Most coordination rounds (each one price system and one master LP).
    time_limit
        Seconds the rounds may take (checked after each round; ``None``: no limit).

    Returns
    -------
    ActivityPlan
        ``lp_method="price_coordination"``; ``gap`` and ``dual_bound`` say how close the
        plan is proven to be. Status ``OPTIMAL`` when the gap is reached,
        ``TIME_LIMIT``, or ``ERROR`` at the round limit (each with the best plan and
        valuations so far and their gap) otherwise, ``UNBOUNDED`` when no limit is finite.

    Raises
    ------
    EconomyError
        Joint production, a finite capacity, a product no activity makes, or no
        productive choice of techniques to start from.
    TargetsError
        Bad targets, or none positive.
    ConvergenceError
        A balance solve that does not converge.
    """
    instance(economy, ActivityEconomy, "economy", _WHERE)
    gap = number(gap, "gap", _WHERE, low=0.0, high=0.5)
    max_rounds = integer(max_rounds, "max_rounds", _WHERE, low=1, high=MAX_ROUNDS)
    time_limit = seconds(time_limit, _WHERE)
    y = product_vector(economy, targets)
    if not y.any():
        raise TargetsError("targets: the assortment must ask for some product; "
                           "got no positive quantity")
    why = coordination_applies(economy)
    if why is not None:
        raise EconomyError(f"{_WHERE}: {why}; price coordination needs one product per "
                           "activity and no capacities: use activity_plan")
    started = time.perf_counter()
    problem = _Problem(economy, y)
    if problem.k == 0:
        return _unbounded(economy, y, started)
    w = 1.0 / (problem.k * problem.amounts)
    chosen = productive_start(problem.per_unit, problem.cost(w), problem.segments, _WHERE)
    tolerance = min(1e-8, 1e-3 * gap) if gap > 0 else 1e-12
    columns: list[_Column] = []
    v: FloatArray | None = None
    best_lower, best_w, best_v = 0.0, w, np.zeros(economy.n)
    upper, theta, master_w = math.inf, np.zeros(0), w
    smoothing = _SMOOTHING
    rounds, status = 0, PlanStatus.ERROR
    for rounds in range(1, max_rounds + 1):  # noqa: B007 (rounds is reported)
        # Solves need only be as exact as the gap still open: the bound is certified
        # whatever the values' residual, and the plans in the final mix are solved again.
        open_gap = (upper - best_lower) / upper if math.isfinite(upper) else 1.0
        loose = min(max(1e-3 * open_gap, tolerance), 1e-6)
        chosen, v, _, _ = improve(problem.per_unit, problem.cost(w), problem.segments, chosen,
                                  v, max_iterations=_POLICY_ROUNDS, tol=loose, where=_WHERE)
        lower, scaled = problem.bound(w, v, upper)
        if lower > best_lower:
            best_lower, best_w, best_v = lower, w, scaled
        new = not any(np.array_equal(chosen, c.chosen) for c in columns)
        if new:
            columns.append(problem.column(chosen, columns[-1].x if columns else None,
                                          loose))
        # No column, or one that would not lower the master at its own prices: the
        # smoothed prices strayed too far from them (a mis-price); next, price at the
        # master's own, where either a column improves or the bounds meet.
        mispriced = not new or float(master_w @ columns[-1].uses) >= upper
        upper, theta, master_w = _master(columns, problem.amounts)
        if len(columns) > _KEEP:  # memory stays O(_KEEP n): drop the oldest unused plans
            unused = [j for j, weight in enumerate(theta.tolist()) if weight == 0]
            drop = set(unused[:len(columns) - _KEEP])
            columns = [c for j, c in enumerate(columns) if j not in drop]
            theta = np.delete(theta, sorted(drop))
        if upper - best_lower <= gap * upper:
            # Plans were solved only as exactly as the gap then open needed: solve again
            # those in the mix, exactly, and stop if the bounds still meet.
            rough = [c for c, weight in zip(columns, theta.tolist(), strict=True)
                     if weight > 0 and c.tol > tolerance]
            for c in rough:
                polished = problem.column(c.chosen, c.x, tolerance)
                c.x, c.gross, c.uses, c.tol = (polished.x, polished.gross, polished.uses,
                                               polished.tol)
            if rough:
                upper, theta, master_w = _master(columns, problem.amounts)
        if upper - best_lower <= gap * upper:
            status = PlanStatus.OPTIMAL
            break
        if time_limit is not None and time.perf_counter() - started > time_limit:
            status = PlanStatus.TIME_LIMIT
            break
        # Wentges's smoothing: price between the best prices so far and the master's,
        # which damps the master's swings from one corner of the price simplex to another.
        smoothing = 0.0 if mispriced else _SMOOTHING
        w = smoothing * best_w + (1.0 - smoothing) * master_w
    return _plan(problem, columns, theta, best_lower, best_w, best_v, status, rounds, started)


def _unbounded(economy: ActivityEconomy, y: FloatArray, started: float) -> ActivityPlan:
    return ActivityPlan(
        status=PlanStatus.UNBOUNDED, objective="assortment", lp_method="price_coordination",
        products=economy.products, activities=economy.activities, resources=economy.resources,
        targets=y, fulfilment=None, objective_value=None, levels=None, final_demand=None,
        labour_required=None, resource_use=None, valuations=None,
        labour_valuation=None, resource_valuations=None, capacity_valuations=None,
        reduced_costs=None, iterations=0, solve_time=time.perf_counter() - started,
        message="no limit is finite: nothing caps the plan",
    )


def _plan(problem: _Problem, columns: list[_Column], theta: FloatArray, lower: float,
          w: FloatArray, v: FloatArray, status: PlanStatus, rounds: int,
          started: float) -> ActivityPlan:
    """The mixed plan scaled to the limits, the valuations of the best bound, the gap."""
    economy, y = problem.economy, problem.y
    z = np.zeros(economy.m)
    for weight, column in zip(theta.tolist(), columns, strict=True):
        if weight > 0:
            np.add.at(z, column.chosen, weight * column.gross)
    used = problem.limits @ z
    scale = float(np.max(used / problem.amounts))
    levels = z / scale
    net = economy.net @ levels
    targeted = y > 0
    fulfilment = max(float(np.min(net[targeted] / y[targeted])), 0.0)
    dual = 1.0 / lower if lower > 0 else math.inf
    gap = (dual - fulfilment) / dual if math.isfinite(dual) else math.inf
    u = w / lower if lower > 0 else np.zeros_like(w)
    prices = v / lower if lower > 0 else np.zeros_like(v)
    labour_value = float(u[0]) if problem.labour_row else 0.0
    resource_values = np.zeros(economy.resources.shape[0])
    resource_values[problem.finite] = u[int(problem.labour_row):]
    costs = {"inputs": economy.use.T @ prices, "labour": labour_value * economy.labour,
             "resources": economy.resource_use.T @ resource_values,
             "revenue": economy.make.T @ prices}
    reduced = costs["inputs"] + costs["labour"] + costs["resources"] - costs["revenue"]
    words = {PlanStatus.OPTIMAL: "optimal", PlanStatus.TIME_LIMIT: "time limit reached",
             PlanStatus.ERROR: "round limit reached"}[status]
    return ActivityPlan(
        status=status, objective="assortment", lp_method="price_coordination",
        products=economy.products, activities=economy.activities, resources=economy.resources,
        targets=y, fulfilment=fulfilment, objective_value=fulfilment, levels=levels,
        final_demand=net, labour_required=float(economy.labour @ levels),
        resource_use=economy.resource_use @ levels, valuations=prices,
        labour_valuation=labour_value, resource_valuations=resource_values,
        capacity_valuations=np.zeros(economy.m), reduced_costs=reduced, iterations=rounds,
        solve_time=time.perf_counter() - started,
        message=f"{words}: certified relative gap {gap:.3g} after {rounds} rounds",
        unit_costs=costs, gap=gap, dual_bound=dual,
    )

"""Harmony plans over activities: Cockshott's harmony with a choice of techniques.

The harmony of :mod:`gosplan.core.harmony` scores a plan product by product: with
target ``t_i > 0`` and net output ``f_i``, ``s_i = f_i / t_i - 1`` and ``H(s) = ln(1 + s)``
above target, ``s - s² / 2`` below. Over activities the plan chooses levels ``z``
(hence techniques) as well::

    maximise    Σ_{i: t_i > 0} H(f_i / t_i - 1)
    subject to  (B - U) z - f >= 0              product balances    (valuations p)
                l · z <= L,  R z <= a            labour, resources   (valuations v, u)
                0 <= z <= capacity                                   (valuations w)
                φ t <= f <= (1 + S_MAX) t  (targeted),  f >= 0 (others)

with the same fulfilment floor as the square planner: ``φ = floor · λ*``, λ* the
assortment optimum (:func:`~gosplan.core.activity_plan.activity_plan`).

**Method: tangent planes, certified.** ``H`` is concave, so it lies below each of its
tangents. Replace each product's harmony by a variable ``h_i`` under a few tangents
(at ``s`` = -0.5, 0, 0.5, 1, 3 to start) and the problem is an LP whose optimum ``U`` is
an upper bound on the best harmony. The LP's plan is feasible, so its true harmony
``L`` is a lower bound. Add a tangent at each product's ``s_i`` where the LP
overstates the harmony, solve again, and stop when ``U - L <= tol`` per targeted
product (Kelley's cutting planes; each round is one HiGHS solve). The returned plan is
the last LP's; its valuations are the last LP's duals, each in harmony per unit: the
tangents' slopes are the marginal harmony ``H'(s_i) / t_i``, and at the valuations every
chosen activity breaks even, as in the assortment plan.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from gosplan.core.activities import ActivityEconomy
from gosplan.core.activity_plan import _limit_rows, activity_plan, product_vector
from gosplan.core.activity_result import ActivityPlan
from gosplan.core.arguments import choice, instance, integer, number, seconds
from gosplan.core.harmony_result import S_MAX, harmony, harmony_slope
from gosplan.core.plan_result import PlanStatus
from gosplan.core.solvers import solve_lp
from gosplan.errors import TargetsError

__all__ = ["MAX_ROUNDS", "activity_harmony_plan"]

FloatArray = NDArray[np.float64]
_WHERE = "activity_harmony_plan"
#: Most tangent-plane rounds ``max_rounds`` may allow (a bound on the work asked for).
MAX_ROUNDS = 10_000
#: Where every targeted product's first tangents touch ``H``.
_FIRST = (-0.5, 0.0, 0.5, 1.0, 3.0)


def activity_harmony_plan(
    economy: ActivityEconomy,
    targets: ArrayLike | Mapping[str, float],
    *,
    floor: float = 0.995,
    tol: float = 1e-7,
    max_rounds: int = 200,
    lp_method: Literal["simplex", "ipm"] = "simplex",
    time_limit: float | None = None,
) -> ActivityPlan:
    """The plan of greatest harmony over the economy's activities (see the module docstring).

    Parameters
    ----------
    economy
        Activities, limits and capacities as for :func:`~gosplan.core.activity_plan.
        activity_plan`.
    targets : mapping of product id to quantity, Series, or array of shape (n,)
        Targets ``t >= 0``, not all zero; products without a target count as intermediate.
    floor
        Every targeted product keeps at least ``floor · λ*`` of its target; in ``[0, 1)``.
    tol
        Stop when the certified gap is at most ``tol`` per targeted product.
    max_rounds
        Most tangent-plane rounds (each one LP solve).
    lp_method
        HiGHS's algorithm for each round's LP.
    time_limit
        Seconds the rounds may take (checked after each; ``None``: no limit).

    Returns
    -------
    ActivityPlan
        ``objective="harmony"``; ``objective_value`` is the plan's harmony, ``dual_bound``
        the proven upper bound on any plan's, ``gap`` their difference per targeted
        product. Status ``OPTIMAL`` when ``gap <= tol``; ``TIME_LIMIT`` or ``ERROR`` (round
        limit) with the best plan so far otherwise; ``INFEASIBLE`` or ``UNBOUNDED`` as the
        assortment plan that sets the floor ends.

    Raises
    ------
    TargetsError
        Bad targets, or none positive.
    """
    instance(economy, ActivityEconomy, "economy", _WHERE)
    floor = number(floor, "floor", _WHERE, low=0.0, high=1.0, high_open=True)
    tol = number(tol, "tol", _WHERE, low=0.0, low_open=True)
    max_rounds = integer(max_rounds, "max_rounds", _WHERE, low=1, high=MAX_ROUNDS)
    choice(lp_method, "lp_method", _WHERE, ("simplex", "ipm"))
    time_limit = seconds(time_limit, _WHERE)
    t = product_vector(economy, targets)
    if not t.any():
        raise TargetsError("targets: the harmony plan needs some target; "
                           "got no positive quantity")
    started = time.perf_counter()
    best = activity_plan(economy, t, lp_method=lp_method, time_limit=time_limit)
    if not best.optimal or best.fulfilment is None:
        return _without_plan(economy, t, best, started)
    lowest = floor * best.fulfilment
    model = _Model(economy, t, lowest)
    s = np.repeat(np.array(_FIRST)[:, None], model.T, axis=1)
    for point in s:
        model.add(point)
    status, rounds, plan = PlanStatus.ERROR, 0, None
    for rounds in range(1, max_rounds + 1):  # noqa: B007 (rounds is reported)
        solution = solve_lp(*model.lp(), maximize=True, method=lp_method)
        if solution.x is None or solution.objective is None:
            return _without_plan(economy, t, best, started, solution.message)
        plan = solution
        z = np.maximum(solution.x[:economy.m], 0.0)
        f = economy.net @ z
        s_now = np.minimum(f[model.targeted] / t[model.targeted] - 1.0, S_MAX)
        lower = float(harmony(s_now).sum())
        if float(solution.objective) - lower <= tol * model.T:
            status = PlanStatus.OPTIMAL
            break
        if time_limit is not None and time.perf_counter() - started > time_limit:
            status = PlanStatus.TIME_LIMIT
            break
        over = solution.x[model.h_start:] - harmony(s_now) > 0.1 * tol
        model.add(s_now, np.flatnonzero(over))
    assert plan is not None  # at least one round ran
    return model.plan(plan, status, rounds, started)


class _Model:
    """The tangent-plane LP, grown a row per tangent; columns ``(z, f, h)``."""

    def __init__(self, economy: ActivityEconomy, t: FloatArray, lowest: float) -> None:
        self.economy, self.t = economy, t
        self.targeted = np.flatnonzero(t > 0)
        self.T = int(self.targeted.shape[0])
        n, m = economy.n, economy.m
        self.f_start, self.h_start = m, m + n
        self.rows: list[sp.csr_array] = []
        self.upper: list[FloatArray] = []
        self.lowest = lowest

    def add(self, s: FloatArray, which: NDArray[np.intp] | None = None) -> None:
        """Tangents at ``s`` (one per targeted product) for the targeted products ``which``."""
        k = np.arange(self.T) if which is None else which
        if k.size == 0:
            return
        s_k = s[k]
        slope = harmony_slope(s_k)
        i = self.targeted[k]
        cols = self.h_start + self.T
        r = np.arange(k.size)
        M = sp.csr_array(
            (np.r_[np.ones(k.size), -slope / self.t[i]],
             (np.r_[r, r], np.r_[self.h_start + k, self.f_start + i])),
            shape=(k.size, cols),
        )
        self.rows.append(M)
        self.upper.append(harmony(s_k) - slope * (1.0 + s_k))

    def lp(self) -> tuple[FloatArray, sp.csr_array, FloatArray, FloatArray, FloatArray,
                          FloatArray]:
        """Cost, matrix, row and column bounds of this round's LP."""
        e, n, m, T = self.economy, self.economy.n, self.economy.m, self.T
        limits, upper = _limit_rows(e)
        k = limits.shape[0]
        balance = sp.hstack([e.net, -sp.eye_array(n), sp.csr_array((n, T))], format="csr")
        bounded = sp.hstack([limits, sp.csr_array((k, n + T))], format="csr")
        cuts = sp.vstack(self.rows, format="csr")
        M = sp.csr_array(sp.vstack([balance, bounded, cuts], format="csr"))
        cut_upper = np.concatenate(self.upper)
        f_low = np.zeros(n)
        f_low[self.targeted] = self.lowest * self.t[self.targeted]
        f_high = np.full(n, np.inf)
        f_high[self.targeted] = (1.0 + S_MAX) * self.t[self.targeted]
        return (
            np.r_[np.zeros(m + n), np.ones(T)],
            M,
            np.r_[np.zeros(n), np.full(k + cut_upper.shape[0], -np.inf)],
            np.r_[np.full(n, np.inf), upper, cut_upper],
            np.r_[np.zeros(m), f_low, np.full(T, -np.inf)],
            np.r_[e.capacity, f_high, np.full(T, np.inf)],
        )

    def plan(self, solution: Any, status: PlanStatus, rounds: int,
             started: float) -> ActivityPlan:
        """The last LP's plan and valuations; harmony, bound and gap per targeted product."""
        e, t, n, m = self.economy, self.t, self.economy.n, self.economy.m
        z = np.maximum(solution.x[:m], 0.0)
        net = e.net @ z
        s = np.minimum(net[self.targeted] / t[self.targeted] - 1.0, S_MAX)
        value = float(harmony(s).sum())
        bound = float(solution.objective)
        rd = solution.row_duals
        prices = np.maximum(-rd[:n], 0.0)
        limit_duals = iter(np.maximum(rd[n:], 0.0).tolist())
        labour_value = next(limit_duals) if np.isfinite(e.labour_available) else 0.0
        resource_values = np.array([next(limit_duals) if np.isfinite(a) else 0.0
                                    for a in e.available.tolist()])
        capacity_values = np.where(np.isfinite(e.capacity),
                                   np.maximum(solution.col_duals[:m], 0.0), 0.0)
        costs = {"inputs": e.use.T @ prices, "labour": labour_value * e.labour,
                 "resources": e.resource_use.T @ resource_values,
                 "revenue": e.make.T @ prices}
        reduced = costs["inputs"] + costs["labour"] + costs["resources"] - costs["revenue"]
        gap = (bound - value) / self.T
        words = {PlanStatus.OPTIMAL: "optimal", PlanStatus.TIME_LIMIT: "time limit reached",
                 PlanStatus.ERROR: "round limit reached"}[status]
        return ActivityPlan(
            status=status, objective="harmony", lp_method=solution.method,
            products=e.products, activities=e.activities, resources=e.resources, targets=t,
            fulfilment=max(float(np.min(net[self.targeted] / t[self.targeted])), 0.0),
            objective_value=value, levels=z, final_demand=net,
            labour_required=float(e.labour @ z), resource_use=e.resource_use @ z,
            valuations=prices, labour_valuation=labour_value,
            resource_valuations=resource_values, capacity_valuations=capacity_values,
            reduced_costs=reduced, iterations=rounds, solve_time=time.perf_counter() - started,
            message=f"{words}: harmony within {gap:.3g} per targeted product of the best "
                    f"after {rounds} rounds",
            unit_costs=costs, gap=gap, dual_bound=bound,
        )


def _without_plan(economy: ActivityEconomy, t: FloatArray, best: ActivityPlan, started: float,
                  message: str | None = None) -> ActivityPlan:
    """No harmony plan: the status of the assortment plan (or of a round's LP) that failed."""
    return ActivityPlan(
        status=best.status if message is None else PlanStatus.ERROR, objective="harmony",
        lp_method=best.lp_method, products=economy.products, activities=economy.activities,
        resources=economy.resources, targets=t, fulfilment=None, objective_value=None,
        levels=None, final_demand=None, labour_required=None, resource_use=None,
        valuations=None, labour_valuation=None, resource_valuations=None,
        capacity_valuations=None, reduced_costs=None, iterations=0,
        solve_time=time.perf_counter() - started, message=message or best.message,
    )

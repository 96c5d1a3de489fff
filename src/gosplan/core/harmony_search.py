"""The harmony planner's price search: rents and a wage that minimise the dual function.

The method is set out in :mod:`gosplan.core.harmony`; this module holds its machinery: the
Leontief solves, the problem restricted to the products the targets need, and a projected
L-BFGS over the valuations that keeps the best feasible plan it meets.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.csgraph as csgraph
import scipy.sparse.linalg as spla
from numpy.typing import NDArray

from gosplan.core.balance import BalanceSolver, _dot
from gosplan.core.economy import Economy
from gosplan.core.harmony_result import S_MAX, HarmonyPlan, HarmonyStatus, harmony, harmony_slope
from gosplan.errors import ConvergenceError, EconomyError

__all__ = ["PriceSearch", "Problem"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


_SOLVE_RTOL = 1e-11  # the floor plan and the final plan
# The price search only steers: its solves start rougher (warm-started from the last)
# and are sharpened to _SOLVE_RTOL once their noise stalls the line search.
_SEARCH_RTOL = 1e-8
_MEMORY = 20  # curvature pairs the price search keeps
_ARMIJO = 1e-4
_BACKTRACKS = 30
# Up to this many live products the planner factorises I - A once; beyond, it iterates
# (warm-started GMRES), because LU fill on sparse input-output matrices grows fast and the
# price search needs hundreds of solves.
_LU_LIMIT = 500
# Matrix passes one solve may take (warm starts need far fewer).
_MAXITER = 2000



class _Leontief:
    """Solves with ``I - A`` and its transpose: one LU when small, warm GMRES when large.

    The GMRES is the balance's own (:mod:`gosplan.core.balance`): threaded matrix passes
    whose results do not depend on the thread count. Close it (or use it as a context
    manager) to stop its threads.
    """

    def __init__(self, A: sp.csr_array) -> None:
        k = A.shape[0]
        self.solves = 0
        self.passes = 0  # mat-vecs with A or Aᵀ
        self.lu = (spla.splu(sp.csc_array(sp.eye_array(k, format="csc") - A))
                   if k <= _LU_LIMIT else None)
        self.gmres = None if self.lu is not None else BalanceSolver(A, "gmres", _SOLVE_RTOL,
                                                               _MAXITER)

    def __enter__(self) -> _Leontief:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.gmres is not None:
            self.gmres.close()

    def solve(self, b: FloatArray, guess: FloatArray | None = None, transpose: bool = False,
              rtol: float = _SOLVE_RTOL) -> FloatArray:
        """``(I - A)^{-1} b`` (or ``(I - A)^{-T} b``) to relative residual ``rtol``."""
        self.solves += 1
        if self.lu is not None:
            return np.asarray(self.lu.solve(b, trans="T" if transpose else "N"))
        assert self.gmres is not None
        self.gmres.tol = rtol
        x, passes, residual = self.gmres.solve(b, guess, transpose=transpose)
        self.passes += passes
        if not residual <= 1e3 * rtol:
            raise ConvergenceError(passes, residual, f"harmony plan: a solve with I - A "
                                   f"stopped at relative residual {residual:.3g}")
        return x


def _reach(adjacency: sp.csr_array, sources: BoolArray) -> BoolArray:
    """Nodes reachable from ``sources`` along ``adjacency`` (row -> column), sources included."""
    n = adjacency.shape[0]
    if not sources.any():
        return np.zeros(n, dtype=bool)
    # Node 0 is a super-source linked to every source, product i is node i + 1: one
    # breadth-first pass, O(nnz).
    heads = np.flatnonzero(sources) + 1
    link = sp.csr_array((np.ones(heads.size), (np.zeros(heads.size, dtype=np.int64), heads)),
                        shape=(1, n + 1))
    graph = sp.vstack([link, sp.hstack([sp.csr_array((n, 1)), adjacency])], format="csr")
    order = csgraph.breadth_first_order(graph, 0, directed=True, return_predecessors=False)
    out = np.zeros(n + 1, dtype=bool)
    out[order] = True
    return out[1:]


@dataclass(frozen=True, slots=True, eq=False)
class Problem:
    """The harmony problem on the live products: needed by a target and possible to make."""

    alive: BoolArray  # (n,)
    solver: _Leontief  # I - A among the live products
    t: FloatArray  # (k,) targets
    targeted: BoolArray  # (k,)
    low: FloatArray  # (k,) floor on final use, φ t
    cap: FloatArray  # (c,) the finite capacities
    capped: NDArray[np.intp]  # (c,) their positions among the live products
    labour: FloatArray  # (k,)
    labour_available: float
    lam: float  # λ*
    floor: float
    x_low: FloatArray  # (k,) the floor plan φ x₁, feasible
    t_all: FloatArray  # (n,) every target, live or not

    @staticmethod
    def build(economy: Economy, t: FloatArray, floor: float, *, bounded: bool) -> Problem:
        """The problem for targets ``t`` with fulfilment floor ``floor · λ*``."""
        A = economy.A
        targeted = t > 0
        # Column j of A lists j's inputs, so Aᵀ's rows lead from a product to its inputs.
        needed = _reach(sp.csr_array(A.T), targeted)
        cap = economy.capacity
        zero = needed & (cap == 0)
        dead = _reach(A, zero) if zero.any() else np.zeros_like(needed)
        labour_limited = np.isfinite(economy.labour_available)
        if bounded:
            limits = np.isfinite(cap) | ((economy.labour > 0) & labour_limited)
            # Usually every target is limited itself; only otherwise trace its inputs.
            free = targeted & ~dead & ~limits
            if free.any():
                free &= ~_reach(A, needed & limits)
            if free.any():
                product = str(economy.products[int(np.flatnonzero(free)[0])])
                raise EconomyError(
                    f"harmony plan: product {product!r} is limited by no capacity and no "
                    "labour, so its harmony grows without bound; give it or one of its "
                    "inputs a finite capacity or a labour coefficient")
        alive = needed & ~dead
        sub = sp.csr_array(A if alive.all() else A[alive][:, alive])
        solver = _Leontief(sub)
        ta = t[alive]
        labour = economy.labour[alive]
        capa = cap[alive]
        capped = np.flatnonzero(np.isfinite(capa))
        if dead[targeted].any():
            lam, x1 = 0.0, np.zeros(ta.shape[0])  # a target needs a product nobody can make
        else:
            x1 = np.maximum(solver.solve(ta), 0.0)
            lam = np.inf
            with np.errstate(divide="ignore", invalid="ignore"):
                ratios = capa[capped] / x1[capped]
            ratios = ratios[np.isfinite(ratios)]  # 0/0 or c/0: that limit is not touched
            if ratios.size:
                lam = float(np.min(ratios))
            use = _dot(labour, x1)
            if labour_limited and use > 0:
                lam = min(lam, economy.labour_available / use)
        phi = floor * lam if np.isfinite(lam) else 0.0
        return Problem(
            alive=alive, solver=solver, t=ta, targeted=ta > 0, low=phi * ta,
            cap=capa[capped], capped=capped, labour=labour,
            labour_available=economy.labour_available, lam=lam, floor=floor,
            x_low=phi * x1, t_all=t,
        )


# --- the price search ----------------------------------------------------------------------


class PriceSearch:
    """Minimise the dual D over scaled rents and wage, keeping the best feasible plan."""

    def __init__(self, p: Problem, tol: float, log: Callable[[str], None] | None = None) -> None:
        self.p = p
        self.log = log
        self.T = p.targeted
        self.tT = p.t[p.targeted]
        self.s_low = (p.low[p.targeted] / self.tT) - 1.0
        self.has_labour = bool(np.isfinite(p.labour_available))
        self.goal = tol * int(self.T.sum())
        self.price_guess: FloatArray | None = None
        self.x_guess: FloatArray | None = None
        self.best_h = -np.inf
        self.best_x = p.x_low
        self.best_f = p.low.copy()
        self.dual = np.inf
        self.z = np.zeros(p.cap.shape[0] + int(self.has_labour))
        self.prices = np.zeros(p.t.shape[0])
        self.history: list[tuple[float, float]] = []
        self.rtol = _SEARCH_RTOL
        # Rents are scaled by the room each limit has above the floor plan, where the
        # search happens: the bottleneck has little room and a high rent per unit.
        self.room = p.cap - p.x_low[p.capped]
        self.labour_room = (p.labour_available - _dot(p.labour, p.x_low)
                            if self.has_labour else 1.0)

    def initial(self, start: HarmonyPlan | None) -> FloatArray:
        """Scaled rents and wage to start from: the previous plan's, or one each."""
        p = self.p
        z = np.zeros_like(self.z)
        if start is not None and start.capacity_valuations.shape[0] == p.alive.shape[0]:
            w = start.capacity_valuations[p.alive]
            z[: p.cap.shape[0]] = w[p.capped] * self.room
            if self.has_labour:
                z[-1] = start.labour_valuation * self.labour_room
            if z.any():
                return z
        # Each limit's room above the floor plan starts worth one unit of harmony: every
        # product then costs something, and the search scales each rent from there.
        return z + 1.0

    def evaluate(self, z: FloatArray) -> tuple[float, FloatArray]:
        """D and its gradient at scaled rents and wage ``z``; also try the plan they give."""
        p = self.p
        nc = p.cap.shape[0]
        q = np.zeros(p.t.shape[0])
        q[p.capped] = z[:nc] / self.room
        if self.has_labour:
            q += (z[-1] / self.labour_room) * p.labour
        price = np.maximum(p.solver.solve(q, self.price_guess, transpose=True,
                                          rtol=self.rtol), 0.0)
        self.price_guess = price
        r = price[self.T] * self.tT
        # Below target H'(s) = 1 - s, above 1 / (1 + s); r <= 1 / (1 + S_MAX) means s >= S_MAX.
        s = np.where(r > 1.0, 1.0 - r, 1.0 / np.maximum(r, 1.0 / (1.0 + S_MAX)) - 1.0)
        s = np.clip(s, self.s_low, S_MAX)
        # D = Σ [H(s) - p (f - low)] + w · (cap - x_low) + μ (L - l · x_low): the same
        # function, since p · low = (w + μ l) · x_low, written in the scaled variables.
        value = float(np.sum(harmony(s)) - _dot(r, s - self.s_low) + np.sum(z))
        if value < self.dual:
            self.dual, self.z, self.prices = value, z.copy(), price
        f = np.zeros(p.t.shape[0])
        f[self.T] = self.tT * (1.0 + s)
        x = p.solver.solve(f, self.x_guess, rtol=self.rtol)
        self.x_guess = x
        grad = np.empty_like(z)
        grad[:nc] = (p.cap - x[p.capped]) / self.room
        if self.has_labour:
            grad[-1] = (p.labour_available - _dot(p.labour, x)) / self.labour_room
        self._recover(x, f)
        return value, grad

    def converged(self) -> bool:
        """Whether the best plan is within the goal of the dual bound."""
        return self.dual - self.best_h <= self.goal

    def _recover(self, x: FloatArray, f: FloatArray) -> None:
        """Turn the prices' plan into a feasible one, and keep the best plan found.

        Two candidates, both on segments between feasible plans and ``x`` (so feasible up
        to the first limit they meet): from the floor plan, cut at that limit; and from
        the best plan so far, at the point of greatest harmony before that limit.
        """
        p = self.p
        for base_x, base_f, search in ((p.x_low, p.low, False), (self.best_x, self.best_f, True)):
            theta = self._reach(base_x, x)
            if search:
                theta = self._best_step(base_f, f, theta)
            f_new = base_f + theta * (f - base_f)
            h = float(np.sum(harmony(f_new[self.T] / self.tT - 1.0)))
            if h > self.best_h:
                self.best_h = h
                self.best_x = base_x + theta * (x - base_x)
                self.best_f = f_new

    def _reach(self, base: FloatArray, x: FloatArray) -> float:
        """Largest θ in [0, 1] with ``base + θ (x - base)`` within capacity and labour."""
        p = self.p
        theta = 1.0
        xc, bc = x[p.capped], base[p.capped]
        over = xc > p.cap
        if over.any():
            room = (p.cap[over] - bc[over]) / (xc[over] - bc[over])
            theta = min(theta, float(np.min(room)))
        if self.has_labour:
            use, base_use = _dot(p.labour, x), _dot(p.labour, base)
            if use > p.labour_available:
                theta = min(theta, (p.labour_available - base_use) / (use - base_use))
        return max(theta, 0.0)

    def _best_step(self, base: FloatArray, f: FloatArray, most: float) -> float:
        """θ in [0, most] of greatest harmony on ``base + θ (f - base)`` (concave in θ)."""
        s0 = base[self.T] / self.tT - 1.0
        ds = (f[self.T] - base[self.T]) / self.tT

        def slope(theta: float) -> float:
            return _dot(harmony_slope(s0 + theta * ds), ds)

        if most <= 0.0 or slope(0.0) <= 0.0:
            return 0.0
        if slope(most) >= 0.0:
            return most
        lo, hi = 0.0, most
        for _ in range(50):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if slope(mid) > 0.0 else (lo, mid)
        return lo

    def _note(self) -> None:
        f = self.best_f[self.T] / self.tT
        self.history.append((float(np.min(f)), self.best_h))
        if self.log is not None:
            self.log(f"harmony: iteration {len(self.history) - 1}, fulfilment "
                     f"{self.history[-1][0]:.6g}, harmony {self.best_h:.6g}, duality gap "
                     f"{self.dual - self.best_h:.3g} (goal {self.goal:.3g})")

    def run(self, z0: FloatArray, iterations: int, deadline: float | None) -> HarmonyStatus:
        """Projected L-BFGS on ``z >= 0``; stops at the gap goal, a limit, or a stall."""
        z = np.maximum(z0, 0.0)
        value, grad = self.evaluate(z)
        self._note()
        steps: list[FloatArray] = []
        changes: list[FloatArray] = []
        for _ in range(iterations):
            if self.converged():
                return HarmonyStatus.CONVERGED
            if _past(deadline):
                return HarmonyStatus.TIME_LIMIT
            # Rents at zero that the gradient would push negative stay put this step.
            free = (z > 0) | (grad < 0)
            g = np.where(free, grad, 0.0)
            d = -_two_loop(g, steps, changes)
            d[~free] = 0.0
            if not _dot(g, d) < 0:  # the curvature pairs mislead: fall back to steepest
                d = -g * (1.0 / max(float(np.max(np.abs(g))), 1e-300))
            moved = self._line_search(z, value, grad, d, deadline)
            self._note()
            if moved is None:
                if self.converged():
                    return HarmonyStatus.CONVERGED
                if _past(deadline):
                    return HarmonyStatus.TIME_LIMIT
                if self.rtol <= _SOLVE_RTOL:
                    return HarmonyStatus.STALLED
                # The rough solves' noise now hides real progress: sharpen them, go on.
                self.rtol = _SOLVE_RTOL
                value, grad = self.evaluate(z)
                steps.clear()
                changes.clear()
                continue
            z_new, value, grad_new = moved
            s, y = z_new - z, grad_new - grad
            if _dot(s, y) > 1e-12 * _dot(y, y):
                steps.append(s)
                changes.append(y)
                if len(steps) > _MEMORY:
                    del steps[0], changes[0]
            z, grad = z_new, grad_new
        return HarmonyStatus.CONVERGED if self.converged() else HarmonyStatus.ITERATION_LIMIT

    def _line_search(
        self, z: FloatArray, value: float, grad: FloatArray, d: FloatArray,
        deadline: float | None,
    ) -> tuple[FloatArray, float, FloatArray] | None:
        """Backtrack along the projected path ``max(z + α d, 0)`` until D falls enough.

        Gives up (``None``) at the deadline: on large economies a backtrack costs seconds.
        """
        alpha = 1.0
        for k in range(_BACKTRACKS):
            if k > 0 and _past(deadline):
                return None
            trial = np.maximum(z + alpha * d, 0.0)
            step = trial - z
            if not step.any():
                return None
            new_value, new_grad = self.evaluate(trial)
            if new_value <= value + _ARMIJO * _dot(grad, step):
                return trial, new_value, new_grad
            if self.converged():  # a trial point's plan was good enough
                return None
            alpha *= 0.5
        return None

    def polish(self) -> None:
        """Re-solve the best plan to full accuracy (the search's solves were rougher)."""
        p = self.p
        if p.solver.lu is not None or self.best_x is p.x_low:
            return
        x = p.solver.solve(self.best_f, self.best_x)
        theta = self._reach(p.x_low, x)
        self.best_x = p.x_low + theta * (x - p.x_low)
        self.best_f = p.low + theta * (self.best_f - p.low)

    def plan(self, economy: Economy, status: HarmonyStatus) -> HarmonyPlan:
        """The best plan found, polished, as the planner's result."""
        p = self.p
        self.polish()
        n = economy.n
        gross = np.zeros(n)
        gross[p.alive] = np.maximum(self.best_x, 0.0)
        final = gross - economy.A @ gross
        full_t = p.t_all
        T = full_t > 0
        prices = np.zeros(n)
        prices[p.alive] = self.prices
        rents = np.zeros(n)
        live_rents = np.zeros(p.t.shape[0])
        live_rents[p.capped] = self.z[: p.cap.shape[0]] / self.room
        rents[p.alive] = live_rents
        h = float(np.sum(harmony(final[T] / full_t[T] - 1.0)))
        history = np.array(self.history) if self.history else np.zeros((1, 2))
        return HarmonyPlan(
            status=status,
            products=economy.products,
            targets=full_t,
            gross_output=gross,
            final_demand=final,
            fulfilment=max(float(np.min(final[T] / full_t[T])), 0.0),
            max_fulfilment=p.lam,
            floor=p.floor,
            harmony=h,
            # Targets that need an unmakeable product sit at s = -1 whatever the prices.
            duality_gap=max(self.dual + float(harmony(-1.0)) * int((T & ~p.alive).sum()) - h,
                            0.0),
            labour_required=_dot(economy.labour, gross),
            valuations=prices,
            capacity_valuations=rents,
            labour_valuation=float(self.z[-1] / self.labour_room) if self.has_labour else 0.0,
            iterations=history.shape[0] - 1,
            solves=p.solver.solves,
            passes=p.solver.passes,
            history=history[:, 0].copy(),
            harmony_history=history[:, 1].copy(),
            units=economy.units,
        )



def _past(deadline: float | None) -> bool:
    return deadline is not None and time.perf_counter() >= deadline


def _two_loop(g: FloatArray, steps: list[FloatArray], changes: list[FloatArray]) -> FloatArray:
    """L-BFGS estimate of the inverse Hessian applied to ``g`` (Nocedal & Wright, alg. 7.4)."""
    q = g.copy()
    alphas = []
    for s, y in zip(reversed(steps), reversed(changes), strict=True):
        a = _dot(s, q) / _dot(y, s)
        alphas.append(a)
        q -= a * y
    if steps:
        q *= _dot(steps[-1], changes[-1]) / _dot(changes[-1], changes[-1])
    else:
        # No curvature known yet: move no rent by more than one unit on the first step.
        q *= 1.0 / max(float(np.max(np.abs(q))), 1e-300)
    for (s, y), a in zip(zip(steps, changes, strict=True), reversed(alphas), strict=True):
        q += (a - _dot(y, q) / _dot(y, s)) * s
    return q

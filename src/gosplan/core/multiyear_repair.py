"""A feasible multi-year plan from any investment path, and a bound on the optimum from any prices.

When the LP solver stops at its time limit without a feasible point (PDLP, the first-order
method, is the only one of HiGHS's methods that scales to large economies with dense
technology, and it converges slowly there), its last point still says where to invest.
Given the investment ``z`` alone the rest of the plan follows in closed form, year by year,
as a single-year optimal plan does (:mod:`gosplan.core.closed_form`). With ``R = (I - A)^-1``
and ``u_t = (S z)_t / L + spent_t / L`` the construction paid for in year ``t``::

    r_t = R y_t            what a unit of fulfilment takes, directly and indirectly
    c_t = R B_F u_t        what construction takes
    K_t(z)                 capacity, from the accumulation of :mod:`gosplan.core.multiyear_lp`
    λ_t(z) = min( min_{j in F} (K_tj - c_tj) / r_tj,  (L_t - l·c_t) / (l·r_t) )
    x_t = λ_t r_t + c_t    every balance with equality, every capacity and labour respected

Every ``z >= 0`` with ``λ_t(z) >= λ_min`` in every year gives a feasible plan, and its
fulfilment is the most that ``z`` allows. (Where ``z`` asks too much, it is scaled down
until it fits.) The repair does not apply to branches held at capacity or to fixed
investment shares, whose equalities ``z`` alone cannot satisfy.

The bound. Every feasible plan satisfies ``x_t >= R(λ_t y_t + B_F u_t)`` (``R >= 0`` in a
productive economy), hence ``λ_t r_t,F + c_t,F <= K_t(z)`` and ``λ_t l·r_t + l·c_t <= L_t``.
Add these up with any prices ``π_t >= 0`` on capacity and ``ω_t >= 0`` on labour::

    Σ_t a_t λ_t <= Σ_t [π_t·(K_t(0) - c_t(0)) + ω_t (L_t - l·c_t(0))] + Σ_s g_s·z_s
    a_t = π_t·r_t,F + ω_t l·r_t

where ``g_s`` is what investment started in year ``s`` is worth at those prices: the
capacity it adds in the years it is in use, less the goods it takes in the years it is
paid for, ``B_Fᵀ Rᵀ (π_t + ω_t l) / L``. Investment is bounded, ``z_sj <= U_sj``: its goods
``B_ij z_sj / L`` come out of the output of ``i``, which capacity and labour cap. So the
worst year's fulfilment ``λ <= λ_t`` of any feasible plan is at most
``(Σ_t [...] + Σ_s max(g_s, 0)·U_s) / Σ_t a_t``: a certificate. With the optimal duals as
prices ``g <= 0`` and the bound is the optimum; the solver's last prices give a bound as
close as they are to those.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from gosplan.core.balance import BalanceSolver

__all__ = ["Repair"]

FloatArray = NDArray[np.float64]

_RTOL = 1e-12  # relative residual of every solve with I - A
_MAXITER = 5000
_HALVINGS = 40  # scalings of an investment path that asks too much


@dataclass(frozen=True, slots=True, eq=False)
class Repair:
    """One horizon's data, as :meth:`gosplan.core.multiyear_lp.Problem.solve` builds them.

    ``idle`` is capacity if nothing new is built, ``(H, m)``; ``built`` maps investment
    ``(H m,)`` to the capacity it adds in each year ``(H m,)``; ``S`` and ``spent`` are the
    payment schedule and the instalments of projects under way, as in the LP.
    """

    A: sp.csr_array
    BF: sp.csc_array
    F: NDArray[np.intp]
    labour_per_unit: FloatArray  # l, (n,)
    labour: FloatArray  # L_t, (H,)
    y: FloatArray  # (H, n)
    idle: FloatArray  # (H, m)
    built: sp.csr_array  # (H m, H m)
    S: sp.csr_array  # (H, H)
    spent: FloatArray  # (H, m)
    lag: int
    floor: float
    free: NDArray[np.bool_]  # (H, m): investment the LP may choose (not fixed at 0)
    K0: FloatArray  # (m,)
    keep: FloatArray  # 1 - δ_F, (m,)
    pipeline: FloatArray  # (L - 1, m)

    def plan(self, z: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray] | None:
        """``(x, z, λ_t)`` of the best plan investing ``θ z`` for the largest ``θ <= 1`` that fits.

        ``None`` when even no new investment fits (projects under way or the floor ask too
        much).
        """
        with self._solver() as solver:
            return self._plan(solver, self._solve(solver, self.y), z)

    def bound(self, prices: FloatArray, labour_prices: FloatArray) -> float | None:
        """Upper bound on the worst year's fulfilment from prices ``(H, m)`` and ``(H,)``.

        ``None`` where no bound follows (prices all zero, or investment that pays at these
        prices and has no upper limit).
        """
        with self._solver() as solver:
            return self._bound(solver, self._solve(solver, self.y), prices, labour_prices)

    def plan_and_bound(self, z: FloatArray, prices: FloatArray | None,
                       labour_prices: FloatArray | None
                       ) -> tuple[tuple[FloatArray, FloatArray, FloatArray] | None, float | None]:
        """:meth:`plan` and (where prices are given) :meth:`bound`, sharing their solves."""
        with self._solver() as solver:
            r = self._solve(solver, self.y)
            bound = (None if prices is None or labour_prices is None
                     else self._bound(solver, r, prices, labour_prices))
            return self._plan(solver, r, z), bound

    def _plan(self, solver: BalanceSolver, r: FloatArray, z: FloatArray
              ) -> tuple[FloatArray, FloatArray, FloatArray] | None:
        z = np.where(self.free, np.maximum(z, 0.0), 0.0)
        theta, best = 1.0, self._fit(solver, r, z)
        if best is None:
            zero = self._fit(solver, r, np.zeros_like(z))
            if zero is None:
                return None
            lo, hi, best = 0.0, 1.0, zero
            for _ in range(_HALVINGS):  # the years' fulfilment is concave in θ
                mid = 0.5 * (lo + hi)
                got = self._fit(solver, r, mid * z)
                lo, hi, best = (mid, hi, got) if got is not None else (lo, mid, best)
            theta = lo
        x, lam = best
        return x, theta * z, lam

    def _bound(self, solver: BalanceSolver, r: FloatArray, prices: FloatArray,
               labour_prices: FloatArray) -> float | None:
        pi = np.maximum(prices, 0.0)
        om = np.where(np.isfinite(self.labour), np.maximum(labour_prices, 0.0), 0.0)
        H, n = self.y.shape
        wide = np.zeros((H, n))
        wide[:, self.F] = pi
        wide += om[:, None] * self.labour_per_unit[None, :]
        c0 = self._solve(solver, (self.BF @ self.spent.T).T / self.lag)
        v = self._solve(solver, wide, transpose=True)
        a = (pi * r[:, self.F]).sum(axis=1)
        rhs = (pi * (self.idle - c0[:, self.F])).sum(axis=1)
        finite = np.isfinite(self.labour)
        a[finite] += om[finite] * (r[finite] @ self.labour_per_unit)
        rhs[finite] += om[finite] * (self.labour[finite] - c0[finite] @ self.labour_per_unit)
        # Worth of a unit of investment: capacity in the years it is in use, less goods
        # in the years it is paid for.
        gain = (self.built.T @ pi.ravel()).reshape(H, -1)
        cost = self.S.T @ (self.BF.T @ v.T).T / self.lag
        g = np.where(self.free, gain - cost, 0.0)
        pays = g > 0
        U = self._investment_limit()
        if a.sum() <= 0 or not np.isfinite(U[pays]).all():
            return None
        return float((rhs.sum() + (g[pays] * U[pays]).sum()) / a.sum())

    def _fit(self, solver: BalanceSolver, r: FloatArray, z: FloatArray
             ) -> tuple[FloatArray, FloatArray] | None:
        """``(x, λ_t)`` for investment ``z``, or ``None`` if some year falls below the floor."""
        H, m = self.idle.shape
        K = self.idle + (self.built @ z.ravel()).reshape(H, m)
        u = (self.S @ z + self.spent) / self.lag
        c = self._solve(solver, (self.BF @ u.T).T)
        per_row = _per_unit(K - c[:, self.F], r[:, self.F])
        lam = per_row.min(axis=1) if m else np.full(H, np.inf)
        per_worker = self.labour_per_unit
        by_labour = _per_unit(self.labour - c @ per_worker, r @ per_worker)
        lam = np.where(np.isfinite(self.labour), np.minimum(lam, by_labour), lam)
        if not (lam >= self.floor).all() or not np.isfinite(lam).all():
            return None
        return lam[:, None] * r + c, lam

    def _investment_limit(self) -> FloatArray:
        """``U``: no feasible plan starts more than this, ``(H, m)`` (``inf``: no limit found).

        The goods of investment started in year ``s`` come out of that year's output:
        ``B_ij z_sj / L <= x_si``, and ``x_si`` is at most its capacity (``i`` in ``F``) and
        at most ``L_s / l_i``. Capacity is at most what the limits of earlier years allow.
        """
        H, m = self.idle.shape
        n = self.y.shape[1]
        BF = sp.csc_array(self.BF)
        U = np.full((H, m), np.inf)
        K = self.K0.copy()
        for s in range(H):
            cap = np.full(n, np.inf)
            cap[self.F] = K
            if np.isfinite(self.labour[s]):
                cap = np.minimum(cap, _per_unit(np.full(n, self.labour[s]),
                                                self.labour_per_unit))
            ratio = _per_unit(cap[BF.indices], BF.data)
            per_col = np.full(m, np.inf)
            nonempty = np.diff(BF.indptr) > 0
            per_col[nonempty] = np.minimum.reduceat(ratio, BF.indptr[:-1][nonempty])
            U[s] = self.lag * per_col
            arriving = s + 1 - self.lag
            inflow = (U[arriving] if arriving >= 0 else
                      self.pipeline[s] if s < self.pipeline.shape[0] else np.zeros(m))
            K = self.keep * K + np.where(np.isfinite(inflow), inflow, np.inf)
        return np.where(self.free, U, 0.0)

    def _solver(self) -> BalanceSolver:
        return BalanceSolver(self.A, "auto", _RTOL, _MAXITER)

    @staticmethod
    def _solve(solver: BalanceSolver, rhs: FloatArray, transpose: bool = False) -> FloatArray:
        """Rows of ``R rhs`` (or ``Rᵀ``), one solve per year."""
        return np.vstack([solver.solve(np.ascontiguousarray(b, dtype=np.float64), None,
                                       transpose=transpose)[0] for b in rhs])


def _per_unit(room: FloatArray, need: FloatArray) -> FloatArray:
    """``room / need`` where something is needed; else ``inf`` (or ``-inf`` if room < 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(need > 0, room / np.where(need > 0, need, 1.0),
                        np.where(room >= 0, np.inf, -np.inf))

"""The multi-year plan's LP: its matrix, the solve, and the plan read back from it.

The LP and its choices are set out in :mod:`gosplan.core.multiyear`, which validates the
inputs and runs the receding horizon; this module holds what every horizon solved shares.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from gosplan.core.activities import ActivityEconomy
from gosplan.core.economy import Economy
from gosplan.core.multiyear_basis import crash_basis
from gosplan.core.multiyear_repair import Repair
from gosplan.core.multiyear_result import PLAN_ARRAYS, MultiYearPlan
from gosplan.core.optimal import WARM_START_LIMIT
from gosplan.core.plan_result import PlanStatus
from gosplan.core.solvers import LPMethod, LPSolution, LPStatus, solve_lp
from gosplan.errors import TargetsError

__all__ = ["SECONDARY", "Problem", "committed", "fulfilment_of"]

FloatArray = NDArray[np.float64]

#: Weight of the other years' fulfilment beside the objective's own (see
#: :mod:`gosplan.core.multiyear`).
SECONDARY = 1e-3


@dataclass(frozen=True, slots=True, eq=False)
class Problem:
    """What every horizon solved shares: technology, capital, lag, fixed shares."""

    economy: Economy | ActivityEconomy
    lag: int
    # One capacity row per capital stock, m of them: by branch (F: the branches of finite
    # capacity), or by good and branch (F: the branch, goods: the good of each stock).
    F: NDArray[np.intp]
    IA: sp.csr_array  # I - A
    BF: sp.csc_array  # (n, m) goods a unit of investment in each stock takes
    shares: FloatArray  # (k,) fixed shares of the investment good
    shared: NDArray[np.intp]  # (k,) positions in F of the branches with fixed shares
    good: int  # the investment good
    full: NDArray[np.bool_]  # (m,) branches held at capacity
    C: sp.csr_array  # (m, n) capacity rows: C x_t <= K_t
    keep: FloatArray  # (m,) share of each stock left after a year, 1 - δ
    goods: NDArray[np.intp] | None = None  # by good and branch: the good of each stock

    @property
    def activities(self) -> bool:
        """Whether the columns of output are activities (an :class:`ActivityEconomy`)."""
        return isinstance(self.economy, ActivityEconomy)

    @property
    def columns(self) -> int:
        """Columns of output a year: products, or activities."""
        return int(self.IA.shape[1])

    @property
    def column_ids(self) -> NDArray[np.str_]:
        """Ids of the output columns: the products, or the activities."""
        e = self.economy
        return e.activities if isinstance(e, ActivityEconomy) else e.products

    @property
    def labour(self) -> FloatArray:
        """Labour per unit of each output column."""
        return np.asarray(self.economy.labour, dtype=np.float64)

    @staticmethod
    def of(economy: Economy, lag: int, shares: Mapping[str, float] | None,
           good: str | None, at_capacity: bool | Sequence[str]) -> Problem:
        """The problem of an economy; shares and branches at capacity validated."""
        F = np.flatnonzero(np.isfinite(economy.capacity))
        IA = sp.csr_array(sp.eye_array(economy.n, format="csr") - economy.A)
        BF = sp.csc_array(sp.csc_array(economy.capital)[:, F])
        BF.eliminate_zeros()  # an explicit zero must not count as a good the capital needs
        s, J, g = _shares(economy, F, BF, shares or {}, good)
        C = sp.csr_array((np.ones(F.shape[0]), (np.arange(F.shape[0]), F)),
                         shape=(F.shape[0], economy.n))
        keep = 1.0 - np.asarray(economy.depreciation, dtype=np.float64)[F]
        return Problem(economy, int(lag), F, IA, BF, s, J, g, _full(economy, F, at_capacity),
                       C, keep)

    @staticmethod
    def by_good(economy: Economy | ActivityEconomy, lag: int, goods: NDArray[np.intp],
                branches: NDArray[np.intp], coefficients: FloatArray,
                depreciation: FloatArray) -> Problem:
        """A stock of each capital good in each branch (see :mod:`gosplan.core.multiyear`).

        Stock ``p`` is good ``goods[p]`` held by branch ``branches[p]`` (an activity, for
        an :class:`ActivityEconomy`), which needs ``coefficients[p] > 0`` of it per unit of
        output (of level) and loses ``depreciation[p]`` of it a year. A unit of investment
        in stock ``p`` is a unit of its good.
        """
        m, n = goods.shape[0], economy.n
        if isinstance(economy, ActivityEconomy):
            IA = sp.csr_array(economy.net)
        else:
            IA = sp.csr_array(sp.eye_array(n, format="csr") - economy.A)
        C = sp.csr_array((coefficients, (np.arange(m), branches)), shape=(m, IA.shape[1]))
        G = sp.csc_array((np.ones(m), (goods, np.arange(m))), shape=(n, m))
        none = np.zeros(0, dtype=np.intp)
        return Problem(economy, int(lag), branches, IA, G, np.zeros(0), none, -1,
                       np.zeros(m, dtype=bool), C, 1.0 - depreciation, goods)

    @property
    def depreciation(self) -> FloatArray:
        """Depreciation of each stock, ``(m,)``."""
        return 1.0 - self.keep

    def solve(self, y: FloatArray, labour: FloatArray, K0: FloatArray, q: FloatArray,
              objective: str, w: FloatArray, floor: float, method: LPMethod,
              time_limit: float | None, first_year: int = 1) -> MultiYearPlan:
        """Plan the ``H = len(y)`` years ahead from capacity ``K0`` and pipeline ``q``.

        ``first_year`` is the calendar year of ``y[0]``.
        """
        H, n, m, L = y.shape[0], self.columns, self.F.shape[0], self.lag
        n_p = y.shape[1]
        S, spent = _schedule(H, L), committed(q, H)
        idle = self._capacity(K0, np.zeros((H, m)), q)[:H]  # capacity if nothing is built
        model = self._model(y, labour, idle, S, spent, objective, w, floor)
        basis = None
        # HiGHS reads its clock between iterations, not while it factorises (see
        # gosplan.core.multiyear_basis): with a limit, warm-start only small economies.
        if method == "simplex" and (time_limit is None or n <= WARM_START_LIMIT) and (
                isinstance(self.economy, Economy)):
            basis = crash_basis(self.economy, self.C, y, idle,
                                worst_year=objective == "min",
                                labour_rows=bool(np.isfinite(labour).all()),
                                shared=self.shared, shape=model[1].shape)
        # PDLP's last point, where it stops short, can be made a feasible plan (see
        # gosplan.core.multiyear_repair) unless equalities bind the investment.
        repairable = (method == "pdlp" and not self.full.any() and not len(self.shares)
                      and self.goods is None)
        sol = solve_lp(*model, maximize=True, method=method, time_limit=time_limit,
                       basis=basis, keep_iterate=repairable)
        if basis is not None and sol.status is LPStatus.ERROR:
            # HiGHS could not certify the optimum from the one factorisation of the warm
            # start ("unknown"); a cold solve refactorises as it goes.
            left = None if time_limit is None else max(0.0, time_limit - sol.solve_time)
            cold = solve_lp(*model, maximize=True, method=method, time_limit=left)
            sol = dataclasses.replace(cold, iterations=cold.iterations + sol.iterations,
                                      solve_time=cold.solve_time + sol.solve_time)
        oz, ol = H * n, H * (n + m)
        parts: dict[str, FloatArray] = {}
        # The solver honours bounds only to its tolerance.
        v = None if sol.x is None else np.maximum(sol.x, 0.0)
        objective_value, bound, message = sol.objective, None, sol.message
        if sol.iterate is not None:
            repair = self._repair(y, labour, K0, q, idle, S, spent, floor)
            fixed, bound = self._repaired(repair, sol, objective)
            if fixed is not None:
                v = fixed
                objective_value = float(model[0] @ v)
                message += (f"; the solver's last point, made feasible: worst-year fulfilment "
                            f"{v[ol:ol + H].min():.6g}" + (
                                "" if bound is None else f", the optimum at most {bound:.6g}"))
        if v is not None:
            x, z = v[:oz].reshape(H, n), v[oz:ol].reshape(H, m)
            K = self._capacity(K0, z, q)
            delivered = (self.IA @ x.T - self.BF @ (S @ z + spent).T / L).T
            parts = {"gross_output": x, "final_demand": delivered,
                     "fulfilment": fulfilment_of(delivered, y),
                     "labour_required": x @ self.labour}
            if isinstance(self.economy, ActivityEconomy):  # the products made, and levels
                parts |= {"gross_output": (sp.csr_array(self.economy.make) @ x.T).T,
                          "activity_levels": x}
            if self.goods is None:
                parts |= {"investment": self._widen(z, 0.0), "capacity": self._widen(K, np.inf)}
            else:
                parts |= {"capital_investment": z, "capital_stock": K,
                          "capacity": self._stock_capacity(K)}
        if sol.row_duals is not None and sol.col_duals is not None:
            # Duals of ">=" rows are <= 0 when maximising: flip them into gains per unit.
            rows_b = H * n_p  # the balances come first, one per product and year
            parts["valuations"] = np.maximum(-sol.row_duals[:rows_b], 0.0).reshape(H, n_p)
            # Capacity at the start is worth what it adds to every year's capacity row:
            # (1 - δ)^t of it is left in year t.
            held = np.maximum(sol.row_duals[rows_b:rows_b + H * m], 0.0).reshape(H, m)
            kept = self.keep[None, :] ** np.arange(H)[:, None]
            worth = (held * kept).sum(axis=0)
            if self.goods is None:
                parts["capacity_valuations"] = self._widen(worth[None, :], 0.0)[0]
            else:
                parts["capital_valuations"] = worth
            row = H * (n_p + m)  # the labour rows follow the balances and capacity rows
            parts["labour_valuations"] = (np.maximum(sol.row_duals[row:row + H], 0.0)
                                          if np.isfinite(labour).all() else np.zeros(H))
        fields: dict[str, Any] = dict.fromkeys(PLAN_ARRAYS[2:])
        fields.update(parts)
        if self.goods is not None:
            fields["capital_goods"] = self.economy.products[self.goods]
            fields["capital_branches"] = self.column_ids[self.F]
        if self.activities:
            fields["activities"] = self.column_ids
        return MultiYearPlan(
            status=PlanStatus(sol.status.value), objective=objective, lp_method=sol.method,
            revised=False, years=H, lag=L, products=self.economy.products, targets=y,
            labour_available=labour, objective_value=objective_value, iterations=sol.iterations,
            solve_time=sol.solve_time, message=message, fulfilment_bound=bound,
            first_year=first_year, units=np.array(self.economy.units, dtype=np.str_),
            labour_unit=self.economy.labour_unit, **fields)

    def _repair(self, y: FloatArray, labour: FloatArray, K0: FloatArray, q: FloatArray,
                idle: FloatArray, S: sp.csr_array, spent: FloatArray, floor: float) -> Repair:
        H, m = y.shape[0], self.F.shape[0]
        assert isinstance(self.economy, Economy)  # repaired only with capacity by branch
        free = np.zeros((H, m), dtype=bool)
        free[:max(H - self.lag, 0)] = True  # the rest would be in use after the horizon
        return Repair(A=self.economy.A, BF=self.BF, F=self.F,
                      labour_per_unit=np.asarray(self.economy.labour, dtype=np.float64),
                      labour=labour, y=y, idle=idle, built=self._built(H), S=S, spent=spent,
                      lag=self.lag, floor=floor, free=free, K0=K0,
                      keep=self.keep, pipeline=q)

    @staticmethod
    def _repaired(repair: Repair, sol: LPSolution, objective: str
                  ) -> tuple[FloatArray | None, float | None]:
        """The LP's columns of the plan made from the solver's last investment, and a bound."""
        H, m = repair.idle.shape
        n = repair.y.shape[1]
        assert sol.iterate is not None
        oz, ol = H * n, H * (n + m)
        prices = labour_prices = None
        if sol.iterate_row_duals is not None:
            duals = sol.iterate_row_duals
            # Duals of binding "<=" rows are >= 0 when maximising (see the adapter).
            prices = duals[oz:oz + H * m].reshape(H, m)
            labour_prices = (duals[ol:ol + H] if np.isfinite(repair.labour).all()
                             else np.zeros(H))
        got, bound = repair.plan_and_bound(sol.iterate[oz:ol].reshape(H, m), prices,
                                           labour_prices)
        if got is None:
            return None, bound
        x, z, lam = got
        tail = [lam.min()] if objective == "min" else []
        return np.concatenate([x.ravel(), z.ravel(), lam, tail]), bound

    def _capacity(self, K0: FloatArray, z: FloatArray, q: FloatArray) -> FloatArray:
        """Capacity at the start of each year and at the end, ``(H + 1, m)``."""
        H = z.shape[0]
        K = np.empty((H + 1, K0.shape[0]))
        K[0] = K0
        for t in range(H):
            K[t + 1] = self.keep * K[t] + self._arrivals(z, q, t)
        return K

    def _arrivals(self, z: FloatArray, q: FloatArray, t: int) -> FloatArray:
        """Capacity coming into use at the start of year ``t + 1``."""
        s = t + 1 - self.lag
        arriving: FloatArray = z[s] if s >= 0 else q[t] if t < q.shape[0] else np.zeros(
            z.shape[1])
        return arriving

    def _built(self, H: int) -> sp.csr_array:
        """Capacity added in each year by investment, ``(H m, H m)``.

        ``z_s`` is in use in year ``t >= s + L``, ``(1 - δ)^{t - L - s}`` of it.
        """
        m, keep = self.F.shape[0], self.keep
        built = sp.csr_array((H * m, H * m))
        for age in range(max(H - self.lag, 0)):
            built = built + sp.kron(sp.eye_array(H, H, k=-(self.lag + age)),
                                    sp.diags_array(keep ** age))
        return sp.csr_array(built)

    def _stock_capacity(self, K: FloatArray) -> FloatArray:
        """Capacity of each branch from its stocks, ``min_p K_p / b_p``; ``inf`` without any."""
        C = sp.coo_array(self.C)
        out = np.full((self.columns, K.shape[0]), np.inf)
        np.minimum.at(out, C.col, (K[:, C.row] / C.data).T)
        return np.ascontiguousarray(out.T)

    def _widen(self, a: FloatArray, fill: float) -> FloatArray:
        """Columns of the ``F`` branches to all ``n`` products, ``fill`` elsewhere."""
        out = np.full((a.shape[0], self.columns), fill)
        out[:, self.F] = a
        return out

    def _model(self, y: FloatArray, labour: FloatArray, idle: FloatArray,
               S: sp.csr_array, spent: FloatArray, objective: str, w: FloatArray,
               floor: float) -> tuple[FloatArray, sp.csr_array, FloatArray, FloatArray,
                                      FloatArray, FloatArray]:
        """The LP of the module docstring: costs, matrix, row bounds, column bounds.

        Columns: ``x`` (H n), ``z`` (H m), ``λ_t`` (H), and ``λ`` for ``"min"``. Rows:
        balances (H n), capacity in use (H m), labour (H, when finite), ``λ_t >= λ``
        (H, ``"min"``), fixed shares (H k). Capacity is no variable: the accumulation
        is substituted into the capacity rows, ``K_t = (1 - δ)^t K_0 + Σ_{s <= t - L}
        (1 - δ)^{t - L - s} z_s`` (plus the projects under way), which leaves the solver
        a third fewer rows and columns and the same optimum. Investment that would come
        into use after the last year is fixed at 0 (nothing values it) unless fixed
        shares set it. Each block is the
        Kronecker product of a small pattern over years and a matrix over products, so
        nothing loops over products.
        """
        H, n, m, L, k = y.shape[0], self.columns, self.F.shape[0], self.lag, len(self.shares)
        n_p = y.shape[1]
        IH, nfl = sp.eye_array(H), int(objective == "min")
        widths = [H * n, H * m, H, nfl]
        built = self._built(H)
        Y = sp.csr_array((y.ravel(), (np.arange(H * n_p), np.repeat(np.arange(H), n_p))),
                         shape=(H * n_p, H))
        rows: list[tuple[list[Any], FloatArray, FloatArray]] = [
            ([sp.kron(IH, self.IA), -sp.kron(S, self.BF) / L, -Y, None],
             np.ravel(self.BF @ spent.T / L, order="F"), np.full(H * n_p, np.inf)),
            ([sp.kron(IH, self.C), -built, None, None],
             np.where(np.tile(self.full, H), idle.ravel(), -np.inf), idle.ravel()),
        ]
        if np.isfinite(labour).all():
            rows.append(([sp.kron(IH, sp.csr_array(self.labour[None, :])), None,
                          None, None], np.full(H, -np.inf), labour))
        if isinstance(self.economy, ActivityEconomy) and self.economy.resources.shape[0]:
            # Other primary resources (land, machines outside the plan's capital): the
            # same amounts every year.
            R, avail = sp.csr_array(self.economy.resource_use), self.economy.available
            rows.append(([sp.kron(IH, R), None, None, None],
                         np.full(H * R.shape[0], -np.inf), np.tile(avail, H)))
        if nfl:
            rows.append(([None, None, IH, sp.csr_array(-np.ones((H, 1)))],
                         np.zeros(H), np.full(H, np.inf)))
        if k:
            b = np.asarray(self.BF[[self.good], :].toarray()).ravel()[self.shared]
            net = sp.csr_array(self.shares[:, None]) @ self.IA[[self.good], :]
            Q = sp.csr_array((b, (np.arange(k), self.shared)), shape=(k, m))
            rhs = (spent[:, self.shared] * b / L).ravel()
            rows.append(([sp.kron(IH, net), -sp.kron(S, Q) / L, None, None], rhs, rhs))
        grid = [[blk if blk is not None else sp.csr_array((len(lo), wd))
                 for blk, wd in zip(row, widths, strict=True) if wd]
                for row, lo, _ in rows]
        ol = H * (n + m)  # first λ column
        c = np.zeros(ol + H + nfl)
        c[ol:ol + H] = w if objective in ("weighted", "sum") else SECONDARY / H
        if objective not in ("weighted", "sum"):
            c[ol + H if nfl else ol + H - 1] = 1.0
        clo, chi = np.zeros(c.shape[0]), np.full(c.shape[0], np.inf)
        if not k:  # fixed shares set every year's investment, useful or not
            chi[H * n + max(H - L, 0) * m:ol] = 0.0  # in use only after the horizon
        clo[ol:ol + H] = floor
        if isinstance(self.economy, ActivityEconomy):  # each activity's highest level
            chi[:H * n] = np.tile(self.economy.capacity, H)
        return (c, sp.csr_array(sp.block_array(grid, format="csr")),
                np.concatenate([r[1] for r in rows]), np.concatenate([r[2] for r in rows]),
                clo, chi)


def _branches(economy: Economy, F: NDArray[np.intp], names: Iterable[str],
              what: str) -> NDArray[np.intp]:
    """Positions in ``F`` of the named branches (each must exist and have finite capacity)."""
    pos = np.full(economy.n, -1)
    pos[F] = np.arange(F.shape[0])
    out = []
    for name in names:
        if not economy.has(name):
            raise TargetsError(f"{what}: product {name!r} is not in the economy")
        if pos[economy.index(name)] < 0:
            raise TargetsError(f"{what}[{name!r}]: the branch has unlimited capacity, so it "
                               "needs no investment")
        out.append(pos[economy.index(name)])
    return np.asarray(out, dtype=np.intp)


def _shares(economy: Economy, F: NDArray[np.intp], BF: sp.csc_array,
            shares: Mapping[str, float], good: str | None
            ) -> tuple[FloatArray, NDArray[np.intp], int]:
    """Validate fixed investment shares: ``(shares, positions in F, investment good)``."""
    if not shares:
        if good is not None:
            raise TargetsError("investment_good: applies only with investment_shares")
        return np.zeros(0), np.zeros(0, dtype=np.intp), -1
    J = _branches(economy, F, shares, "investment_shares")
    try:
        s = np.array([float(v) for v in shares.values()])
    except (TypeError, ValueError):
        raise TargetsError(f"investment_shares: must be numbers; got {shares!r}") from None
    if not ((s >= 0) & (s <= 1)).all() or s.sum() > 1 + 1e-12:
        raise TargetsError(f"investment_shares: each must be in [0, 1] and all add up to at "
                           f"most 1; got {dict(shares)!r}")
    used = np.flatnonzero(np.asarray(abs(BF[:, J]).sum(axis=1)).ravel())
    if good is None and used.shape[0] != 1:
        raise TargetsError("investment_good: name the good the shares divide (the listed "
                           f"branches' capital uses {used.shape[0]} goods)")
    if good is not None and not economy.has(good):
        raise TargetsError(f"investment_good: product {good!r} is not in the economy")
    g = int(used[0]) if good is None else economy.index(good)
    b = np.asarray(BF[[g], :].toarray()).ravel()[J]
    if (b <= 0).any():
        branch = list(shares)[int(np.flatnonzero(b <= 0)[0])]
        raise TargetsError(f"investment_shares[{branch!r}]: its capital needs none of the "
                           f"investment good {str(economy.products[g])!r}")
    return s, J, g


def _full(economy: Economy, F: NDArray[np.intp],
          at_capacity: bool | Sequence[str]) -> NDArray[np.bool_]:
    """Which of the ``F`` branches must produce at capacity."""
    if isinstance(at_capacity, bool | np.bool_):
        return np.full(F.shape[0], bool(at_capacity))
    full = np.zeros(F.shape[0], dtype=bool)
    full[_branches(economy, F, at_capacity, "at_capacity")] = True
    return full


def _schedule(H: int, L: int) -> sp.csr_array:
    """``S[t, s] = 1`` when a project started in year ``s`` is paid for in year ``t``."""
    d = np.arange(min(L, H))
    return sp.csr_array(sp.diags_array([np.ones(H - k) for k in d], offsets=-d, shape=(H, H)))


def committed(q: FloatArray, H: int) -> FloatArray:
    """Capacity of the projects under way still being paid for in each year, ``(H, m)``.

    A project due in year ``r`` pays instalments in years ``0 … r - 1``.
    """
    rem = np.cumsum(q[::-1], axis=0)[::-1]  # rem[t] = Σ_{r > t} q_r (row r-1 = due in r)
    out = np.zeros((H, q.shape[1]))
    out[:min(H, rem.shape[0])] = rem[:H]
    return out


def fulfilment_of(delivered: FloatArray, y: FloatArray) -> FloatArray:
    """Each year's fulfilment: the least ratio of delivered to target, ``(T,)``."""
    ratio = np.where(y > 0, delivered / np.where(y > 0, y, 1.0), np.inf)
    return np.asarray(np.maximum(ratio.min(axis=1), 0.0), dtype=np.float64)

"""Five-year (T-year) plans: output, investment by branch and capacity, year by year.

Years are indexed ``t = 0 … T-1`` here; results, tables and messages number them as
calendar years, ``first_year + t``. ``F`` holds the ``m`` branches of finite capacity (a branch
of unlimited capacity needs no investment and gets none). One LP covers the horizon;
its variables are gross output ``x_t`` (n), capacity started ``z_t`` (m, in units of
capacity), capacity ``K_t`` (m, ``t = 0 … T``) and fulfilment ``λ_t``::

    maximise    φ(λ)
    subject to, for t = 0 … T-1:
      (I - A) x_t - λ_t y_t - B_F u_t        >= b_t       product balances   (duals p_t)
      x_t,F - K_t                            <= 0         capacity in use
      K_t+1 - (1 - δ_F) ∘ K_t - z_t+1-L       = q_t+1     accumulation
      l · x_t                                <= L_0 (1 + g)^t                (duals v_t)
    K_0 = capacity_F,   x, z, K >= 0,   λ_t >= λ_min

Construction takes ``L`` years (``lag``): capacity started in year ``s`` is paid for in
equal parts in years ``s … s+L-1`` and is in use from year ``s + L``, so
``u_t = (1/L) Σ_{s=t-L+1}^{t} z_s`` is the construction in progress in year ``t``;
``B_F = B[:, F]`` (a unit of capacity of ``j`` takes the goods ``B[:, j]``). Projects
under way at the start (``pipeline``, ``q_r`` due in year ``r = 1 … L-1``) still need
their instalments ``b_t = (1/L) B_F Σ_{r > t} q_r``. New capacity is not depreciated in
the year it arrives; branches named in ``at_capacity`` have ``x_t,F = K_t``.

The objective ``φ``: ``"min"`` (default), the worst year, ``λ + (ε/T) Σ_t λ_t`` with
``λ_t >= λ``; ``"weighted"``, ``Σ_t w_t λ_t``; ``"sum"``, ``Σ_t λ_t`` (Cockshott's sum of
fulfilments); ``"final"``, ``λ_T-1 + (ε/T) Σ_{t<T-1} λ_t``.
The small term (``ε = 10^-3``) spends what the objective leaves over on the other years
instead of leaving it idle. It is a weight, not a lexicographic order: the plan would
give up a little of the worst year for ``T/ε`` times as much elsewhere (one solve, where
the exact order would take two). Nothing values capacity that comes into use after the
last year, so none is started (the end-of-horizon effect; plan beyond the years that
matter). A small value on terminal capacity would soften this, but weights that small
sit at the solver's tolerances and multiplied its iterations in our trials.

Feldman's two-sector model is the case ``A = 0``, no labour limit, producer goods at
capacity and the investment split fixed (``investment_shares``): the share ``σ_j`` of
the net output of the investment good ``g`` builds capacity of ``j``::

    σ_j ((I - A) x_t)_g = B_gj u_t,j      for every listed j

The LP itself is built and solved in :mod:`gosplan.core.multiyear_lp` (capacity
substituted into the capacity rows, so ``K`` is no variable there), and the simplex starts
from :mod:`gosplan.core.multiyear_basis`: every output basic, the bottleneck binding.
Where PDLP stops short, :mod:`gosplan.core.multiyear_repair` makes its last point a
feasible plan and bounds the optimum from its prices.

Capital by good and branch (``capital_stock``, Cockshott's model): one capacity row per
stock instead of per branch, ``B_ij x_t,j <= K_t,ij`` for every good ``i`` branch ``j``
needs, each stock accumulating its own investment ``w_t,ij`` (units of good ``i``) after
its own depreciation ``δ_ij``; the balances pay ``Σ_j u_t,ij`` of each good ``i``. Today's
model is its case of one capital good per branch (see :func:`stock_problem` and
``docs/multiyear.md``). An :class:`~gosplan.core.activities.ActivityEconomy` may be the
technology: its activities are then the branches, ``(make - use) z_t`` the net output.

Receding horizon (``revise=True``): plan the horizon, carry out its first year, plan the
years left from what resulted, and so on (see :func:`multiyear_plan`). The equations,
choices and limits are set out at length in ``docs/multiyear.md``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from gosplan.core.activities import ActivityEconomy
from gosplan.core.arguments import (
    choice,
    economy_of,
    flag,
    integer,
    is_frame,
    is_labelled,
    label_problem,
    labels_of,
    number,
    positions,
    seconds,
    shown,
    values_of,
)
from gosplan.core.balance import demand_vector
from gosplan.core.economy import Economy
from gosplan.core.multiyear_lp import SECONDARY, Problem, committed, fulfilment_of
from gosplan.core.multiyear_result import MultiYearPlan
from gosplan.core.plan_result import PlanStatus
from gosplan.core.result import renamed_keyword
from gosplan.core.solvers import LPMethod
from gosplan.core.solvers.highs import solver_log
from gosplan.errors import EconomyError, ParameterError, ParameterTypeError, TargetsError

__all__ = [
    "MAX_YEARS",
    "SECONDARY",
    "YEAR_RANGE",
    "MultiYearObjective",
    "MultiYearPlan",
    "Shock",
    "multiyear_plan",
]

FloatArray = NDArray[np.float64]
MultiYearObjective = Literal["min", "weighted", "final", "sum"]
Shock = Callable[[int, FloatArray], ArrayLike]
"""``shock(t, planned_output) -> actual_output``: year index ``t`` (0-based), arrays ``(n,)``."""
Targets = ArrayLike | Mapping[str, float] | Sequence[Mapping[str, float]]

#: Most years a plan may cover (``years``, rows of targets) and longest construction lag:
#: a bound on the size of the LP asked for, checked before any work.
MAX_YEARS = 200
#: Calendar years a plan may start in (``first_year``).
YEAR_RANGE = (-9999, 9999)




def multiyear_plan(
    economy: Economy | ActivityEconomy,
    targets_by_year: Targets,
    *,
    years: int | None = None,
    lag: int = 1,
    capital: Any = None,
    objective: MultiYearObjective = "min",
    weights: ArrayLike | None = None,
    min_fulfilment: float = 0.0,
    labour_growth: float = 0.0,
    pipeline: ArrayLike | None = None,
    investment_shares: Mapping[str, float] | None = None,
    investment_good: str | None = None,
    at_capacity: bool | Sequence[str] = False,
    revise: bool = False,
    shock: Shock | None = None,
    lp_method: LPMethod = "simplex",
    time_limit: float | None = None,
    first_year: int | None = None,
    labour_path: ArrayLike | None = None,
    capital_stock: Any = None,
    capital_depreciation: ArrayLike | None = None,
    verbose: bool = False,
    method: LPMethod | None = None,
) -> MultiYearPlan:
    """Plan output and investment over ``T`` years (see the module docstring for the LP).

    Parameters
    ----------
    economy
        A productive economy with ``n`` products: capacities of year 0, depreciation
        (share of capacity lost a year), labour available in year 0, and the capital
        coefficients ``B`` of new capacity (``capital=`` overrides them). Or an
        :class:`~gosplan.core.activities.ActivityEconomy` as each year's technology: its
        activities are the branches, and it needs ``capital`` and ``capital_stock`` by
        good and activity (``(n, m)``); its activities' capacities, resources and labour
        limit every year as they stand, and its stocks depreciate only by
        ``capital_depreciation``.
    targets_by_year
        The assortment of each year: an array ``(T, n)``, a list of ``T`` mappings
        ``{product id: quantity}`` or pandas Series indexed by product id, or a DataFrame
        with **one row per year and one column per product id** (rows in year order;
        columns matched by product id, never by position); or one array ``(n,)``,
        mapping or Series for every year (then give ``years``). Every year must target
        something.
    years
        Number of years ``T`` (inferred from per-year targets), at most :data:`MAX_YEARS`.
    lag
        Construction lag ``1 <= L <=`` :data:`MAX_YEARS`: capacity started in year ``t``
        is paid for in equal parts over years ``t … t+L-1`` and is in use from year ``t + L``.
    capital : sparse matrix or array of shape (n, n), optional
        Capital coefficients ``B`` (``B[i, j]``: units of ``i`` per unit capacity of ``j``);
        for an activity economy ``(n, m)``, per unit of each activity's level.
    objective
        ``"min"`` (the worst year), ``"weighted"`` (``Σ_t weights_t λ_t``), ``"sum"``
        (``Σ_t λ_t``, the sum of fulfilments, Cockshott's objective) or ``"final"`` (the
        last year; give ``min_fulfilment`` or earlier years may be starved for it).
    weights : array of shape (T,), optional
        Weights of the years' fulfilment, for ``"weighted"``, in year order; a Series is
        matched by label to the rows of targets given as a DataFrame.
    min_fulfilment
        Floor on every year's fulfilment ``λ_t``.
    labour_growth
        Labour available grows by this rate a year: ``L_t = L_0 (1 + g)^t``.
    pipeline : array of shape (L - 1, n), optional
        Capacity already under construction (a DataFrame's columns are matched by
        product id; products left out have nothing under way): row ``r - 1`` comes into
        use at the start of year ``r`` and still needs its instalments
        ``B pipeline[r - 1] / L`` in each year ``0 … r - 1``. Default: nothing under way.
    investment_shares
        Fix the split of investment (Feldman): ``{branch: σ_j}``, the share of the net
        output of ``investment_good`` that builds capacity of ``j`` each year
        (``σ_j >= 0``, ``Σ σ_j <= 1``). Branches left out invest as the plan chooses.
    investment_good
        The good the shares divide; default: the only good the listed branches' capital
        is made of.
    at_capacity
        Branches that produce at full capacity every year (Feldman's assumption), as
        product ids, or ``True`` for every branch of finite capacity. What no one uses is
        left over (the balances are inequalities).
    revise
        Receding horizon: plan all ``T`` years, carry out year 0, replan years ``1 … T-1``
        from the capacity and projects that resulted, and so on. With no ``shock`` what
        happens is what was planned, so year 0 is the single plan's year 0 exactly; later
        years may differ, because a worst-year objective is not time-consistent (the
        first plan's worst year is gone when the second is made).
    shock
        Only with ``revise``: ``shock(t, planned_output) -> actual_output``, arrays ``(n,)``.
        From the actual output, construction already under way is paid first; new
        projects of each branch are cut in proportion to the scarcest good its capital
        needs; the rest is delivered (a good short even for the projects under way is
        delivered as 0, the shortfall assumed met from stocks).
    first_year
        The calendar year of the first row of targets (``1928``): years are numbered
        ``first_year … first_year + T - 1`` in the result, its tables and messages.
        Default: the targets' row labels where they are consecutive whole numbers (a
        DataFrame indexed by year), else the economy's ``year`` (``economy.toml``), else 1.
    labour_path : array of shape (T,), optional
        Labour available in each year, in year order (instead of ``labour_available``
        growing at ``labour_growth``); a Series is matched by calendar year.
    capital_stock : array, sparse matrix or DataFrame of shape (n, n), optional
        Capital held by good and branch (Cockshott's model): ``K[i, j]``, the stock of
        good ``i`` held by branch ``j`` at the start (a DataFrame: goods as rows, branches
        as columns, by product id). Branch ``j`` then makes at most ``K[i, j] / B[i, j]``
        for every good ``i`` it needs (``B[i, j] > 0``), investment is chosen good by good,
        and ``economy.capacity`` is not used: a branch that needs no capital is unlimited.
        Not with ``revise``, ``pipeline``, ``at_capacity`` or ``investment_shares``.
    capital_depreciation : array of shape (n,) or (n, n), optional
        With ``capital_stock``: the share of each stock lost a year, by good ``δ[i]`` or by
        good and branch ``δ[i, j]``, in ``[0, 1]``. Default ``economy.depreciation[j]`` for
        every good of branch ``j``.
    lp_method, time_limit
        The LP algorithm and its time limit (per solve). The simplex starts from the
        crash basis of :mod:`gosplan.core.multiyear_basis`, under a time limit only up to
        :data:`~gosplan.core.optimal.WARM_START_LIMIT` products (HiGHS does not read its
        clock while it factorises that basis). Where ``"pdlp"`` stops at the time limit,
        its last point is made a feasible plan (status ``TIME_LIMIT``, no valuations)
        and ``fulfilment_bound`` bounds the optimum (:mod:`gosplan.core.multiyear_repair`;
        not with ``at_capacity`` or ``investment_shares``).
    verbose
        Write HiGHS's log of every solve to stderr.

    method
        Deprecated name of ``lp_method`` (warns; to be removed).

    Returns
    -------
    MultiYearPlan
        With a status: infeasible, unbounded or time-limited plans are statuses, never
        exceptions. Call ``.raise_for_status()`` to require an optimum.

    Raises
    ------
    TargetsError
        Bad targets, weights or shares (unknown products, negative, wrong shape).
    EconomyError
        No capital coefficients, or a bad pipeline.
    ValueError
        Bad years, lag, objective, growth, or a shock that returns bad output.

    Examples
    --------
    One good, capacity 100; a unit of new capacity takes 2 of it, ready next year. For
    targets 90 then 100 the worst-year plan builds 100/29 in year 0, and both years get
    30/29 of their targets:

    >>> e = Economy(products=["g"], A=[[0.0]], capacity=[100.0], capital=[[2.0]])
    >>> plan = multiyear_plan(e, [[90.0], [100.0]])
    >>> plan.fulfilment.round(6).tolist(), plan.investment[:, 0].round(6).tolist()
    ([1.034483, 1.034483], [3.448276, 0.0])
    """
    where = "multiyear_plan"
    if not isinstance(economy, ActivityEconomy):
        economy_of(economy, where)
    choice(objective, "objective", where, ("min", "weighted", "final", "sum"))
    lag = integer(lag, "lag", where, low=1, high=MAX_YEARS)
    labour_growth = number(labour_growth, "labour_growth", where, low=-1.0, low_open=True)
    min_fulfilment = number(min_fulfilment, "min_fulfilment", where, low=0.0)
    lp: LPMethod = renamed_keyword(where, "method", "lp_method", method, lp_method, "simplex")
    choice(lp, "lp_method", where, ("simplex", "ipm", "pdlp"))
    time_limit = seconds(time_limit, where)
    revise = flag(revise, "revise", where)
    verbose = flag(verbose, "verbose", where)
    if shock is not None and not callable(shock):
        raise ParameterTypeError(f"{where}: shock must be a function (year, planned output) "
                                 f"-> actual output, or None; got {type(shock).__name__}")
    if shock is not None and not revise:
        raise ParameterError(f"{where}: shock applies only with revise=True")
    if investment_good is not None and not isinstance(investment_good, str):
        raise ParameterTypeError(f"{where}: investment_good must be a product id or None; "
                                 f"got {type(investment_good).__name__} {shown(investment_good)}")
    at_capacity = _branch_list(at_capacity)
    investment_shares = _share_map(investment_shares)
    if isinstance(economy, ActivityEconomy):
        if capital is None or capital_stock is None:
            raise EconomyError(f"{'capital' if capital is None else 'capital_stock'}: a "
                               "multi-year plan of an activity economy needs capital (goods "
                               "per unit of each activity's level) and capital_stock (goods "
                               "held by each activity), both of shape (products, activities)")
    elif capital is not None:
        economy = dataclasses.replace(economy, capital=capital, check=False)
    if isinstance(economy, Economy) and economy.capital is None:
        raise EconomyError("capital: the economy has no capital coefficients B, which a "
                           "multi-year plan needs to plan investment (a capital table in "
                           "economy.toml, or capital= in Python)")
    y, year_labels, first_year = _targets(_Catalogue.of(economy), targets_by_year, years,
                                          first_year)
    T = y.shape[0]
    empty = ~(y > 0).any(axis=1)
    if empty.any():
        raise TargetsError(f"targets (year {first_year + int(np.flatnonzero(empty)[0])}): the "
                           "assortment must ask for some product; got no positive quantity")
    w = _weights(objective, weights, T, year_labels)
    if capital_stock is None:
        if capital_depreciation is not None:
            raise ParameterError(f"{where}: capital_depreciation applies only with "
                                 "capital_stock (capital held by good and branch)")
        assert isinstance(economy, Economy)  # an activity economy has a capital stock
        problem = Problem.of(economy, lag, investment_shares, investment_good, at_capacity)
        q = _pipeline(problem, pipeline)
        K0 = np.asarray(economy.capacity)[problem.F]
    else:
        used = [name for name, v in (("revise", revise), ("pipeline", pipeline is not None),
                                     ("at_capacity", at_capacity is not False),
                                     ("investment_shares", bool(investment_shares)))
                if v]
        if used:
            raise ParameterError(f"{where}: {used[0]} applies only to capital held by branch "
                                 "(capacity), not with capital_stock")
        problem, K0 = stock_problem(economy, lag, capital_stock, capital_depreciation,
                                    capital)
        q = np.zeros((lag - 1, K0.shape[0]))
    labour = _labour(economy, labour_path, labour_growth, T, first_year)
    with solver_log(verbose):
        plan = problem.solve(y, labour, K0, q, objective, w, min_fulfilment, lp, time_limit,
                             first_year)
        if not revise:
            return plan
        return _revise(problem, plan, y, labour, K0, q, objective, w, min_fulfilment, shock,
                       lp, time_limit)


def _first_year(economy: Economy | ActivityEconomy | _Catalogue, first_year: object,
                labels: list[Any] | None) -> int:
    """The calendar year of the first row: given, from the targets' labels, or the economy's."""
    if first_year is not None:
        return integer(first_year, "first_year", "multiyear_plan", low=YEAR_RANGE[0],
                       high=YEAR_RANGE[1])
    if labels and all(isinstance(v, int | np.integer) and not isinstance(v, bool)
                      for v in labels):
        years = [int(v) for v in labels]
        if years == list(range(years[0], years[0] + len(years))) and (
                YEAR_RANGE[0] <= years[0] <= YEAR_RANGE[1]):
            return years[0]
    year = str(economy.metadata.get("year", "")).strip()
    if year.lstrip("-").isdigit() and YEAR_RANGE[0] <= int(year) <= YEAR_RANGE[1]:
        return int(year)
    return 1


def _labour(economy: Economy | ActivityEconomy, path: ArrayLike | None, growth: float, T: int,
            first_year: int) -> FloatArray:
    """Labour available each year: the path given, or ``L_0 (1 + g)^t``."""
    if path is None:
        return economy.labour_available * (1.0 + growth) ** np.arange(T, dtype=np.float64)
    if growth != 0.0:
        raise ParameterError("multiyear_plan: give labour_path or labour_growth, not both")
    years = list(range(first_year, first_year + T))
    data: Any = path
    if is_labelled(data):  # a Series by calendar year
        labels = labels_of(data.index)
        if sorted(labels, key=str) != sorted(years, key=str) or len(set(labels)) != T:
            raise TargetsError(f"labour_path: labels must be the plan's years {years[0]}..."
                               f"{years[-1]}; got {shown(labels)}")
        data = np.array([data[y] for y in years], dtype=object)
    if isinstance(data, str | bytes):
        raise ParameterTypeError(f"labour_path: must be {T} numbers; got str {shown(data)}")
    try:
        v = np.asarray(data, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError, OverflowError):
        raise TargetsError(f"labour_path: must be numbers; got {shown(path)}") from None
    if v.shape != (T,):
        raise TargetsError(f"labour_path: must give {T} years (one number a year); "
                           f"got {v.shape[0]}")
    bad = ~(np.isfinite(v) & (v >= 0))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise TargetsError(f"labour_path[{years[k]}]: must be a finite number >= 0; "
                           f"got {float(v[k])!r}")
    return v


def stock_problem(economy: Economy | ActivityEconomy, lag: int, stock: Any, depreciation: Any,
                  capital: Any = None) -> tuple[Problem, FloatArray]:
    """The LP of capital held by good and branch, and the stocks at the start.

    One stock for each good ``i`` and branch ``j`` with ``B[i, j] > 0``, in the order of
    ``B``'s non-zeros by branch, then good. The branches are an activity economy's
    activities, whose ``capital`` is given here (an economy's is ``economy.capital``).
    """
    if isinstance(economy, ActivityEconomy):
        B = _square(economy, capital, "capital", EconomyError)
        if not (np.isfinite(B.data) & (B.data >= 0)).all():
            i, j, v = _first(B, ~(np.isfinite(B.data) & (B.data >= 0)))
            raise EconomyError(f"capital[{_id(economy, i)}, {_col(economy, j)}]: must be a "
                               f"finite number >= 0; got {v!r}")
    else:
        # A copy: the economy's own arrays stay as they are.
        B = sp.csc_array(economy.capital, copy=True)
    B.eliminate_zeros()
    B.sort_indices()
    branches = np.repeat(np.arange(B.shape[1]), np.diff(B.indptr)).astype(np.intp)
    goods = B.indices.astype(np.intp)
    K = _square(economy, stock, "capital_stock", EconomyError)
    if not (np.isfinite(K.data) & (K.data >= 0)).all():
        i, j, v = _first(K, ~(np.isfinite(K.data) & (K.data >= 0)))
        raise EconomyError(f"capital_stock[{_id(economy, i)}, {_col(economy, j)}]: must be a "
                           f"finite number >= 0; got {v!r}")
    held = sp.csc_array((np.ones(goods.shape[0]), (goods, branches)), shape=K.shape)
    stray = sp.csc_array(K - K.multiply(held))
    stray.eliminate_zeros()
    if stray.nnz:
        i, j, v = _first(stray, np.ones(stray.nnz, dtype=bool))
        raise EconomyError(f"capital_stock[{_id(economy, i)}, {_col(economy, j)}]: branch "
                           f"{_col(economy, j)} needs none of good {_id(economy, i)} (its "
                           f"capital coefficient B is 0); got {v!r}")
    K0 = _at(K, goods, branches)
    if depreciation is None:  # the branch's rate; activities have none of their own
        delta = (np.zeros(branches.shape[0]) if isinstance(economy, ActivityEconomy) else
                 np.asarray(economy.depreciation, dtype=np.float64)[branches])
    else:
        delta = _depreciation(economy, depreciation, goods, branches)
    problem = Problem.by_good(economy, lag, goods, branches, B.data.astype(np.float64), delta)
    return problem, K0


def _at(M: Any, rows: NDArray[np.intp], cols: NDArray[np.intp]) -> FloatArray:
    """Entries ``M[rows[p], cols[p]]`` as a dense vector (empty for no entries)."""
    if rows.shape[0] == 0:
        return np.zeros(0)
    return np.asarray(sp.csr_array(M)[rows, cols], dtype=np.float64).ravel()


def _first(M: sp.csc_array, bad: NDArray[np.bool_]) -> tuple[int, int, float]:
    """Row, column and value of the first flagged entry of a CSC matrix's data."""
    k = int(np.flatnonzero(bad)[0])
    j = int(np.searchsorted(M.indptr, k, side="right") - 1)
    return int(M.indices[k]), j, float(M.data[k])


def _square(economy: Economy | ActivityEconomy, value: Any, what: str,
            error: type[EconomyError]) -> sp.csc_array:
    """A matrix by good (rows) and branch or activity (columns); a DataFrame by id."""
    n, c = economy.n, _branch_ids(economy).shape[0]
    if is_frame(value):
        rows = positions(economy.products, labels_of(value.index), what, error, axis="row")
        cols = positions(_branch_ids(economy), labels_of(value.columns), what, error,
                         axis="column")
        data = values_of(value, labels_of(value.columns), what, error)
        full = np.zeros((n, c))
        full[np.ix_(rows, cols)] = data
        value = full
    if sp.issparse(value):
        M = sp.csc_array(value, dtype=np.float64)
    else:
        if isinstance(value, str | bytes):
            raise ParameterTypeError(f"{what}: must be numbers of shape ({n}, {c}); got str "
                                     f"{shown(value)}")
        try:
            M = sp.csc_array(np.asarray(value, dtype=np.float64))
        except (TypeError, ValueError, OverflowError):
            raise error(f"{what}: must be numbers of shape ({n}, {c}) (goods by branches); "
                        f"got {shown(value)}") from None
    if M.shape != (n, c):
        raise error(f"{what}: must have shape ({n}, {c}) (goods by branches); got {M.shape}")
    return M


def _branch_ids(economy: Economy | ActivityEconomy) -> NDArray[np.str_]:
    """What holds capital: the products (branches), or an activity economy's activities."""
    ids: NDArray[np.str_] = (economy.activities if isinstance(economy, ActivityEconomy)
                             else economy.products)
    return ids


def _depreciation(economy: Economy | ActivityEconomy, value: Any, goods: NDArray[np.intp],
                  branches: NDArray[np.intp]) -> FloatArray:
    """Depreciation of each stock from ``δ[i]`` (by good) or ``δ[i, j]``."""
    n = economy.n
    if not is_frame(value) and not sp.issparse(value) and not isinstance(value, str | bytes):
        try:
            by_good = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            by_good = None
        if by_good is not None and by_good.shape == (n,):
            bad = ~((by_good >= 0) & (by_good <= 1))
            if bad.any():
                k = int(np.flatnonzero(bad)[0])
                raise EconomyError(f"capital_depreciation[{_id(economy, k)}]: must be "
                                   f"a number in [0, 1]; got {float(by_good[k])!r}")
            return np.asarray(by_good[goods], dtype=np.float64)
    M = sp.csr_array(_square(economy, value, "capital_depreciation", EconomyError))
    delta = _at(M, goods, branches)
    bad = ~((delta >= 0) & (delta <= 1))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise EconomyError(f"capital_depreciation[{_id(economy, goods[k])}, "
                           f"{_col(economy, branches[k])}]: must be a number in [0, 1]; "
                           f"got {float(delta[k])!r}")
    return delta


def _id(economy: Economy | ActivityEconomy, k: Any) -> str:
    """A product id, quoted, for messages."""
    return repr(str(economy.products[int(k)]))


def _col(economy: Economy | ActivityEconomy, k: Any) -> str:
    """A branch's (or activity's) id, quoted, for messages."""
    return repr(str(_branch_ids(economy)[int(k)]))


@dataclasses.dataclass(frozen=True, slots=True)
class _Catalogue:
    """The products of an economy or activity economy, as the targets' validation reads them."""

    products: NDArray[np.str_]
    metadata: Mapping[str, str]

    @staticmethod
    def of(economy: Economy | ActivityEconomy) -> Any:
        """The economy itself, or a catalogue of an activity economy's products."""
        if isinstance(economy, Economy):
            return economy
        return _Catalogue(economy.products, economy.metadata)

    @property
    def n(self) -> int:
        """Number of products."""
        return int(self.products.shape[0])

    def has(self, product: str) -> bool:
        """Whether ``product`` is a product id."""
        return bool((self.products == product).any())

    def index(self, product: str) -> int:
        """Position of ``product``."""
        return int(np.flatnonzero(self.products == product)[0])


def _branch_list(at_capacity: object) -> bool | Sequence[str]:
    if isinstance(at_capacity, bool | np.bool_):
        return bool(at_capacity)
    if isinstance(at_capacity, str) or (not isinstance(at_capacity, Sequence | np.ndarray) and (
            not is_labelled(at_capacity))):
        raise ParameterTypeError(f"multiyear_plan: at_capacity must be True, False or a list "
                                 f"of product ids; got {type(at_capacity).__name__} "
                                 f"{shown(at_capacity)}")
    given: Any = at_capacity
    names = list(given.tolist() if hasattr(given, "tolist") else given)
    bad = next((b for b in names if not isinstance(b, str)), None)
    if bad is not None:
        raise TargetsError(f"at_capacity: {shown(bad)} is not a product id")
    return names


def _share_map(shares: object) -> Mapping[str, float] | None:
    if shares is None or isinstance(shares, Mapping):
        return shares
    if is_labelled(shares):  # a Series indexed by branch: by label, like a mapping
        labels = labels_of(shares.index)  # type: ignore[attr-defined]
        values = values_of(shares, labels, "investment_shares", TargetsError).reshape(-1)
        bad = label_problem(labels, "investment_shares", "")
        if bad is not None:
            raise TargetsError(bad)
        if len(set(labels)) != len(labels):
            raise TargetsError("investment_shares: a branch appears more than once")
        return dict(zip(labels, values.tolist(), strict=True))
    raise ParameterTypeError(f"multiyear_plan: investment_shares must be a mapping "
                             f"{{branch: share}} or None; got {type(shares).__name__} "
                             f"{shown(shares)}")


def _targets(economy: Any, targets: Targets, years: int | None, first_year: object
             ) -> tuple[FloatArray, list[Any] | None, int]:
    """Targets as an array ``(T, n)``, validated as :func:`demand_vector` does.

    Also the DataFrame's row labels (its years), when the targets came as one, and the
    calendar year of the first row (see :func:`_first_year`).
    """
    if years is not None:
        years = integer(years, "years", "multiyear_plan", low=1, high=MAX_YEARS)
    data: Any = targets  # a mapping, a Series or frame, mappings by year, or numbers
    if data is None or isinstance(data, str | bytes):
        raise ParameterTypeError(
            "targets: must be a mapping or Series of product id to quantity, one per year "
            "(a list, or a DataFrame with a row per year and a column per product id), or "
            f"an array (years, {economy.n}); got {type(data).__name__} {shown(data)}")
    labels: list[Any] | None = None
    if is_frame(data):
        rows, labels = _frame_rows(economy, data), labels_of(data.index)
    elif isinstance(data, Mapping) or is_labelled(data):
        rows = None
    elif isinstance(data, Sequence) and data and all(
            isinstance(t, Mapping) or is_labelled(t) for t in data):
        rows = list(data)
    else:
        try:
            data = np.asarray(data, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            raise TargetsError(f"targets: quantities must be numbers; got {shown(data)}"
                               ) from None
        rows = list(data) if data.ndim == 2 else None
    first = _first_year(economy, first_year, labels)
    if rows is None:
        row = demand_vector(economy, data)
        if years is None:
            raise ParameterError("multiyear_plan: years is needed when the targets are the "
                                 "same every year")
        y = np.tile(row, (years, 1))
    else:
        if len(rows) > MAX_YEARS:
            raise TargetsError(f"targets: at most {MAX_YEARS} years; got {len(rows)}")
        if years is not None and len(rows) != years:
            raise TargetsError(f"targets: must give {years} years (one row per year); "
                               f"got {len(rows)}")
        if not rows:
            raise TargetsError("targets: must give at least one year; got none")
        y = np.vstack([demand_vector(economy, r, what=f"targets (year {first + k})")
                       for k, r in enumerate(rows)])
    return y, labels, first


def _frame_rows(economy: Any, frame: Any) -> list[Any]:
    """A DataFrame's rows, one a year: its columns must be product ids, its rows years."""
    columns = labels_of(frame.columns)
    index = labels_of(frame.index)
    columns_ok = all(isinstance(c, str) and economy.has(c) for c in columns)
    if not columns_ok and index and all(isinstance(i, str) and economy.has(i) for i in index):
        raise TargetsError("targets: a DataFrame must have one row per year and one column "
                               "per product id; its rows are product ids: transpose it (.T)")
    positions(economy.products, columns, "targets", TargetsError, axis="column")
    values = values_of(frame, [], "targets", TargetsError)
    return [dict(zip(columns, row, strict=True)) for row in values.tolist()]


def _weights(objective: str, weights: ArrayLike | None, T: int, years: list[Any] | None
             ) -> FloatArray:
    if objective != "weighted":
        if weights is not None:
            raise ParameterError("multiyear_plan: weights apply only to objective='weighted'")
        return np.ones(T) if objective == "sum" else np.zeros(T)
    if weights is None:
        raise TargetsError(f"weights: objective='weighted' needs {T} weights (one per year)")
    if is_labelled(weights):
        # Years are matched by label to the targets' rows, never taken by position.
        labels = labels_of(weights.index)  # type: ignore[union-attr]
        if years is None:
            raise TargetsError("weights: a Series of weights is matched to the years of "
                               "targets given as a DataFrame; with other targets give a list")
        if set(labels) != set(years) or len(set(labels)) != len(labels):
            raise TargetsError(f"weights: labels must be the targets' years {shown(years)}; "
                               f"got {shown(labels)}")
        series: Any = weights
        weights = np.array([series[label] for label in years], dtype=object)
    if isinstance(weights, str | bytes):
        raise ParameterTypeError(f"weights: must be {T} numbers; got str {shown(weights)}")
    try:
        w = np.asarray(weights, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError, OverflowError):
        raise TargetsError(f"weights: must be numbers; got {shown(weights)}") from None
    if w.shape != (T,) or not (np.isfinite(w) & (w >= 0)).all() or not w.any():
        raise TargetsError(f"weights: must be {T} finite numbers >= 0, not all 0; "
                           f"got {shown(w.tolist())}")
    return w


def _pipeline(problem: Problem, pipeline: ArrayLike | None) -> FloatArray:
    """Projects under way as ``(L - 1, m)``, validated; only finite-capacity branches."""
    L, n = problem.lag, problem.economy.n
    if pipeline is None:
        return np.zeros((L - 1, problem.F.shape[0]))
    if is_frame(pipeline):  # columns matched to product ids; rows are years, in order
        frame: Any = pipeline
        at = positions(problem.economy.products, labels_of(frame.columns), "pipeline",
                       EconomyError, axis="column")
        rows = values_of(frame, [], "pipeline", EconomyError)
        pipeline = np.zeros((rows.shape[0], n))
        pipeline[:, at] = rows
    try:
        p = np.asarray(pipeline, dtype=np.float64).reshape(L - 1, n)
    except (TypeError, ValueError, OverflowError):
        raise EconomyError(f"pipeline: must be numbers of shape ({L - 1}, {n}) (one row per "
                           f"year of the lag after the first); got {shown(pipeline)}") from None
    finite = np.zeros(n, dtype=bool)
    finite[problem.F] = True
    bad = ~(np.isfinite(p) & (p >= 0)) | ((p != 0) & ~finite)
    if bad.any():
        r, j = (int(k[0]) for k in np.nonzero(bad))
        product = str(problem.economy.products[j])
        raise EconomyError(f"pipeline[{r}, {product!r}]: must be a finite number >= 0, and 0 "
                           f"for branches of unlimited capacity; got {p[r, j]!r}")
    return p[:, problem.F]


def _revise(problem: Problem, first: MultiYearPlan, y: FloatArray, labour: FloatArray,
            K0: FloatArray, q: FloatArray, objective: str, w: FloatArray, floor: float,
            shock: Shock | None, method: LPMethod, time_limit: float | None) -> MultiYearPlan:
    """Receding horizon: carry out each year's plan, then plan the years left again."""
    if first.gross_output is None:
        return dataclasses.replace(first, revised=True, revisions=(first,))
    T, n, L, F = y.shape[0], problem.economy.n, problem.lag, problem.F
    IA, BF = problem.IA, problem.BF
    got: dict[str, Any] = {k: np.full((T, n), np.nan) for k in ("gross_output", "investment",
                                                                "final_demand", "valuations")}
    got |= {k: np.full(T, np.nan) for k in ("fulfilment", "labour_required",
                                             "labour_valuations")}
    got["capacity"] = np.full((T + 1, n), np.inf)
    got["capacity"][:, F] = np.nan
    got["capacity"][0, F] = K0
    K, pipe, plans = K0.copy(), q.copy(), [first]
    for t in range(T):
        plan = plans[-1] if t == 0 else problem.solve(
            y[t:], labour[t:], K, pipe, objective, w[t:], floor, method, time_limit,
            first.first_year + t)
        plans += [plan] if t else []
        if plan.gross_output is None or plan.investment is None:
            break
        x, starts, under_way = plan.gross_output[0], plan.investment[0, F], committed(pipe, 1)[0]
        if shock is not None:
            x = _actual(shock, t, x, n)
            # Projects under way are paid first; new ones are cut to the scarcest good.
            avail, need = IA @ x - BF @ under_way / L, BF @ starts / L
            ratio = np.where(need > 0, np.clip(avail / np.where(need > 0, need, 1), 0, 1), 1)
            starts = starts * _column_min(BF, ratio)
        delivered = IA @ x - BF @ (under_way + starts) / L
        got["gross_output"][t], got["investment"][t], got["final_demand"][t] = x, 0.0, (
            delivered if shock is None else np.maximum(delivered, 0.0))
        got["investment"][t, F] = starts
        got["fulfilment"][t] = fulfilment_of(got["final_demand"][t][None, :], y[t][None, :])[0]
        got["labour_required"][t] = float(x @ problem.economy.labour)
        if plan.valuations is not None and plan.labour_valuations is not None:
            got["valuations"][t] = plan.valuations[0]
            got["labour_valuations"][t] = plan.labour_valuations[0]
        # Next year's capacity; the projects started now join those under way.
        K = problem.keep * K + (pipe[0] if L > 1 else starts)
        got["capacity"][t + 1, F] = K
        pipe = np.vstack([pipe[1:], starts[None, :]]) if L > 1 else pipe
    # A plan cut short may still be carried out (PDLP's, repaired), so the first one
    # that failed need not be the last one made.
    year, failed = next(((k, p) for k, p in enumerate(plans) if not p.optimal), (0, None))
    if failed is not None:
        got["valuations"] = got["labour_valuations"] = None
    return dataclasses.replace(
        first, status=PlanStatus.OPTIMAL if failed is None else failed.status, revised=True,
        fulfilment_bound=None,
        iterations=sum(p.iterations for p in plans), revisions=tuple(plans),
        solve_time=sum(p.solve_time for p in plans), **got,
        message=first.message if failed is None else
        f"revision in year {first.first_year + year}: {failed.message}")


def _actual(shock: Shock, t: int, planned: FloatArray, n: int) -> FloatArray:
    try:
        x = np.asarray(shock(t, planned.copy()), dtype=np.float64).reshape(-1)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError(f"shock: must return {n} numbers for year {t}") from None
    if x.shape != (n,) or not (np.isfinite(x) & (x >= 0)).all():
        raise ParameterError(f"shock: must return {n} finite numbers >= 0 for year {t}; "
                             f"got shape {x.shape}")
    return x


def _column_min(B: sp.csc_array, r: FloatArray) -> FloatArray:
    """``min_{i : B_ij > 0} r_i`` for each column ``j`` (1 for a column without entries)."""
    out = np.ones(B.shape[1])
    data = r[B.indices]
    nonempty = np.diff(B.indptr) > 0
    out[nonempty] = np.minimum.reduceat(data, B.indptr[:-1][nonempty])
    return out

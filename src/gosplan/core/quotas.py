"""Enterprise quotas: split each product's planned output among the enterprises that make it.

Two rules, applied product by product and year by year:

* ``"capacity"``: in proportion to capacity, ``q_e = X_p c_e / Σ_{e' ∈ p} c_{e'}`` (every
  enterprise of a product works at the same share of its capacity);
* ``"least_cost"``: cheapest first, each enterprise filled up to its capacity before the
  next dearer one gets anything (ties: enterprise order),
  ``q_e = min(c_e, max(0, X_p - Σ_{e' cheaper than e} c_{e'}))``.

A plan may be taut: where a product's planned output ``X_p`` exceeds the total capacity of
its enterprises, both rules share it in proportion to capacity (every enterprise stretched
by the same factor; equally when all capacities are zero), and ``over_capacity`` marks
the enterprises asked for more than they can make, or ``excess="raise"`` refuses.

**Exact conservation.** Quotas are whole multiples of the quantum ``Q_p = ulp(X_p)`` (the
spacing of floating-point numbers at the plan), and their counts ``k_e`` are whole numbers
with ``Σ_e k_e = X_p / Q_p`` exactly: the ideal shares are rounded down and the units left
over go to the largest remainders (Hamilton's method). Every partial sum of a product's
quotas is then a multiple of ``Q_p`` no larger than ``X_p < 2^53 Q_p``, hence exactly
representable: the quotas add up to the plan *bit for bit in any order* (``numpy.sum``,
``math.fsum``, ``numpy.bincount``, a running total). The price is a rounding of each quota
by at most ``Q_p``, about ``10^-16`` of the plan.

Everything is vectorised: one sort by product (and cost), segment sums and running
totals, ``O(m log m)`` per year, with no loop over products or enterprises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gosplan.core import frames
from gosplan.core.arguments import (
    aligned,
    choice,
    instance,
    integer,
    is_frame,
    is_labelled,
    labels_of,
    nonnegative,
    positions,
    shown,
    values_of,
)
from gosplan.core.plan_result import freeze_fields
from gosplan.errors import EconomyError, ParameterTypeError, TargetsError

if TYPE_CHECKING:
    from gosplan.core.frames import DataFrame, Dataset

__all__ = ["Enterprises", "Quotas", "Rule", "quotas"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Rule = Literal["capacity", "least_cost"]


def _frozen(a: NDArray[Any]) -> NDArray[Any]:
    a.flags.writeable = False
    return a


@dataclass(frozen=True, slots=True, eq=False)
class Enterprises:
    """The enterprises (factories, mines, farms) that make the economy's products.

    Validated on construction; arrays are read-only afterwards.

    Examples
    --------
    >>> e = Enterprises(ids=["Magnitka", "Kuznetsk", "Donbass"],
    ...                 product=["steel", "steel", "coal"], capacity=[6.0, 4.0, 80.0],
    ...                 products=["coal", "steel"])
    >>> e.m, e.product.tolist()
    (3, [1, 1, 0])
    """

    ids: NDArray[np.str_] | Any
    """Enterprise ids, shape ``(m,)``; unique, non-empty."""
    product: IntArray | Any
    """What each enterprise makes, shape ``(m,)``: a position in ``products`` (or its id)."""
    capacity: FloatArray | Any
    """Most each enterprise can make in a year, shape ``(m,)``; finite, ``>= 0``."""
    products: NDArray[np.str_] | Any
    """Product ids in the plan's order, shape ``(n,)`` (the economy's ``products``)."""
    unit_cost: FloatArray | Any | None = None
    """Cost per unit of output, shape ``(m,)``, finite, ``>= 0``; needed by ``"least_cost"``."""

    def __post_init__(self) -> None:
        for what in ("ids", "products"):
            value = getattr(self, what)
            if value is None or isinstance(value, str | bytes | Mapping):
                raise ParameterTypeError(f"enterprises: {what} must be a sequence of ids; got "
                                         f"{type(value).__name__} {shown(value)}")
        ids = np.asarray(self.ids, dtype=np.str_).reshape(-1)
        products = np.asarray(self.products, dtype=np.str_).reshape(-1)
        m = ids.shape[0]
        if m and (np.char.str_len(ids) == 0).any():
            k = int(np.flatnonzero(np.char.str_len(ids) == 0)[0])
            raise EconomyError(f"enterprises: ids must be non-empty; enterprise #{k} has none")
        uniq, counts = np.unique(ids, return_counts=True)
        if uniq.shape[0] != m:
            raise EconomyError(f"enterprises: ids must be unique; got "
                               f"{str(uniq[counts > 1][0])!r} more than once")
        product = _positions(self.product, products, ids)
        capacity = _amounts(self.capacity, ids, "capacity")
        cost = None if self.unit_cost is None else _amounts(self.unit_cost, ids, "unit_cost")
        put = object.__setattr__
        put(self, "ids", _frozen(ids))
        put(self, "products", _frozen(products))
        put(self, "product", _frozen(product))
        put(self, "capacity", _frozen(capacity))
        put(self, "unit_cost", None if cost is None else _frozen(cost))

    @property
    def m(self) -> int:
        """Number of enterprises."""
        return int(self.ids.shape[0])

    @property
    def n(self) -> int:
        """Number of products."""
        return int(self.products.shape[0])

    def capacity_by_product(self) -> FloatArray:
        """Total enterprise capacity of each product, shape ``(n,)``."""
        return np.asarray(np.bincount(self.product, weights=self.capacity, minlength=self.n),
                          dtype=np.float64)


@dataclass(frozen=True, slots=True, eq=False)
class Quotas:
    """Each enterprise's quota, year by year, and where the plan asks beyond capacity."""

    quota: FloatArray
    """Quota of each enterprise, shape ``(years, m)``, in the enterprises' order."""
    over_capacity: NDArray[np.bool_]
    """Quota above capacity (by more than the rounding quantum), shape ``(years, m)``."""
    enterprises: Enterprises
    """The enterprises the quotas are for."""
    plan: FloatArray
    """Planned output split, shape ``(years, n)``."""
    rule: str
    """``"capacity"`` or ``"least_cost"``."""
    first_year: int | None = None
    """Calendar year of the first row (``None``: not given; frames then number years from 0)."""

    def __post_init__(self) -> None:
        freeze_fields(self, ("quota", "over_capacity", "plan"))

    @property
    def years(self) -> int:
        """Number of years planned."""
        return int(self.quota.shape[0])

    @property
    def ids(self) -> NDArray[np.str_]:
        """Enterprise ids, shape ``(m,)``."""
        return np.asarray(self.enterprises.ids)

    @property
    def over_capacity_ids(self) -> NDArray[np.str_]:
        """Ids of the enterprises asked for more than their capacity in some year."""
        return self.ids[self.over_capacity.any(axis=0)] if self.years else self.ids[:0]

    def totals_by_product(self) -> FloatArray:
        """Sum of the quotas of each product, shape ``(years, n)``: equal to ``plan`` exactly."""
        e = self.enterprises
        return np.stack([np.bincount(e.product, weights=q, minlength=e.n) for q in self.quota])

    def _years(self) -> NDArray[np.int64]:
        return np.arange(self.years, dtype=np.int64) + (self.first_year or 0)

    def _quantities(self) -> list[frames.Quantity]:
        capacity = np.broadcast_to(np.asarray(self.enterprises.capacity), self.quota.shape)
        return [("quota", self.quota, ""), ("capacity", capacity, "")]

    def to_frame(self) -> DataFrame:
        """Tidy table: one row per year, enterprise and quantity (``quota``, ``capacity``).

        Columns ``year, enterprise, product, quantity, value, unit`` (see
        :mod:`gosplan.core.frames`); ``year`` is the calendar year where ``first_year`` was
        given, else the year's offset from the first; ``product`` is the id of what the
        enterprise makes. Enterprises carry no units, so ``unit`` is empty.
        """
        e = self.enterprises
        return frames.tidy(np.asarray(e.products)[e.product], self._quantities(),
                           years=self._years(), enterprises=e.ids)

    def to_xarray(self) -> Dataset:
        """Quotas, capacities and ``over_capacity`` over ``(year, enterprise)``.

        The product each enterprise makes is the ``product`` coordinate.
        """
        e = self.enterprises
        data = frames.dataset(e.ids, self._quantities(), dim="enterprise",
                              years=self._years(),
                              coords={"product": np.asarray(e.products)[e.product]},
                              attrs=self._facts())
        data["over_capacity"] = (("year", "enterprise"), np.array(self.over_capacity))
        return data

    def _facts(self) -> dict[str, object]:
        return {"rule": self.rule, "years": self.years, "enterprises": self.enterprises.m,
                "products": self.enterprises.n,
                "over_capacity": int(np.count_nonzero(self.over_capacity))}

    def __repr__(self) -> str:
        return frames.short_repr("Quotas", self._facts())

    def _repr_html_(self) -> str:
        return frames.html_table("Enterprise quotas", self._facts().items())


def quotas(
    plan_output: ArrayLike | Mapping[str, float],
    enterprises: Enterprises,
    *,
    rule: Rule = "capacity",
    excess: Literal["flag", "raise"] = "flag",
    first_year: int | None = None,
) -> Quotas:
    """Split planned gross output among enterprises (see the module docstring).

    Parameters
    ----------
    plan_output : array of shape (n,) or (years, n), mapping or Series, or DataFrame
        Planned gross output of each product: an array in ``enterprises.products`` order;
        a mapping or a Series indexed by product id (one year; products it leaves out get
        zero); or a DataFrame with one row per year and one column per product id
        (matched by id). Finite, ``>= 0``.
    enterprises
        Who makes what, with capacities (and unit costs for ``"least_cost"``).
    rule
        ``"capacity"`` (proportional to capacity) or ``"least_cost"`` (cheapest first).
    excess
        Where a product's plan exceeds its enterprises' total capacity: ``"flag"`` shares it
        in proportion to capacity and marks ``over_capacity``; ``"raise"`` refuses.
    first_year
        Calendar year of the plan's first row (for the result's frames), or ``None``.

    Returns
    -------
    Quotas
        Quotas of shape ``(years, m)`` summing, per product and year, exactly to the plan.

    Raises
    ------
    EconomyError
        A product with planned output but no enterprise; with ``excess="raise"``, a plan
        above capacity; ``"least_cost"`` without unit costs.
    TargetsError
        A malformed plan (shape, negative or non-finite quantities, unknown products).

    Examples
    --------
    >>> e = Enterprises(ids=["A", "B", "C"], product=[0, 0, 0], capacity=[6.0, 3.0, 1.0],
    ...                 unit_cost=[2.0, 1.0, 3.0], products=["steel"])
    >>> quotas([5.0], e).quota.tolist()
    [[3.0, 1.5, 0.5]]
    >>> quotas([5.0], e, rule="least_cost").quota.tolist()
    [[2.0, 3.0, 0.0]]
    """
    instance(enterprises, Enterprises, "enterprises", "quotas")
    choice(rule, "rule", "quotas", ("capacity", "least_cost"))
    choice(excess, "excess", "quotas", ("flag", "raise"))
    if first_year is not None:
        first_year = integer(first_year, "first_year", "quotas", low=-9999, high=9999)
    if rule == "least_cost" and enterprises.unit_cost is None:
        raise EconomyError("enterprises: rule 'least_cost' needs unit_cost for every enterprise")
    plan = _plan(plan_output, enterprises)
    e = enterprises
    counts = np.bincount(e.product, minlength=e.n)
    total_capacity = e.capacity_by_product()
    rows, flags = [], []
    for year, x in enumerate(plan):
        where = f" in year {year}" if plan.shape[0] > 1 else ""
        orphan = (x > 0) & (counts == 0)
        if orphan.any():
            p = int(np.flatnonzero(orphan)[0])
            raise EconomyError(f"enterprises: product {str(e.products[p])!r} has planned output "
                               f"{x[p]:.6g}{where} but no enterprise")
        over = x > total_capacity
        if excess == "raise" and over.any():
            p = int(np.flatnonzero(over)[0])
            raise EconomyError(f"enterprises: product {str(e.products[p])!r} has planned output "
                               f"{x[p]:.6g}{where}, above its enterprises' capacity "
                               f"{total_capacity[p]:.6g}")
        q = _split(x, e, rule, total_capacity)
        rows.append(q)
        quantum = np.spacing(x)[e.product]
        flags.append(q > e.capacity + quantum)
    return Quotas(quota=np.stack(rows) if rows else np.zeros((0, e.m)),
                  over_capacity=np.stack(flags) if flags else np.zeros((0, e.m), dtype=bool),
                  enterprises=e, plan=plan, rule=rule, first_year=first_year)


# --- the split ----------------------------------------------------------------------------


def _split(x: FloatArray, e: Enterprises, rule: Rule, total: FloatArray) -> FloatArray:
    """One year's quotas: whole multiples of ulp(plan) summing exactly to the plan."""
    m = e.m
    if m == 0:
        return np.zeros(0)
    g = e.product
    planned = x[g] > 0
    quantum = np.where(planned, np.spacing(x[g]), 1.0)
    # X_p / Q_p is a whole number below 2^53: the plan counted in quanta.
    units = np.where(x > 0, x / np.where(x > 0, np.spacing(x), 1.0), 0.0).astype(np.int64)
    if rule == "least_cost":
        assert e.unit_cost is not None
        order = np.lexsort((np.arange(m), e.unit_cost, g))
        k = _fill(order, g, e.capacity, quantum, units)
        # Taut products (and round-off within a few quanta of capacity) fall back to
        # shares in proportion to capacity.
        short = np.bincount(g, weights=k.astype(np.float64), minlength=e.n) < units
        proportional = short[g]
        rank = np.empty(m, dtype=np.int64)
        rank[order] = np.arange(m)
    else:
        proportional = np.ones(m, dtype=bool)
        k = np.zeros(m, dtype=np.int64)
        rank = np.arange(m, dtype=np.int64)
    if proportional.any():
        members = np.flatnonzero(proportional & planned)
        share = _shares(e, total, members)
        ideal = share * units[g[members]].astype(np.float64)
        floor = np.floor(ideal).astype(np.int64)
        k[members] = _apportion(g[members], floor, ideal - floor, rank[members], units)
    return np.where(planned, k.astype(np.float64) * quantum, 0.0)


def _shares(e: Enterprises, total: FloatArray, members: IntArray) -> FloatArray:
    """Capacity share of each member within its product (equal shares if capacities are 0)."""
    g = e.product[members]
    tot = total[g]
    size = np.bincount(g, minlength=e.n)[g].astype(np.float64)
    return np.where(tot > 0, e.capacity[members] / np.where(tot > 0, tot, 1.0), 1.0 / size)


def _fill(order: IntArray, g: IntArray, capacity: FloatArray, quantum: FloatArray,
          units: IntArray) -> IntArray:
    """Least-cost counts: each enterprise, cheapest first, filled to capacity (in quanta)."""
    m = order.shape[0]
    gs = g[order]
    cap_units = np.minimum(np.floor(capacity[order] / quantum[order]),
                           units[gs].astype(np.float64)).astype(np.int64)
    start = np.r_[0, np.flatnonzero(gs[1:] != gs[:-1]) + 1]
    size = np.diff(np.r_[start, m])
    first = np.repeat(start, size)
    # Whatever comes after a product's cheaper capacity already covers twice its plan gets
    # nothing; zeroing it first keeps the exact integer running totals below 2^55.
    approx = np.cumsum(cap_units.astype(np.float64))
    before_approx = approx - cap_units - np.repeat(np.r_[0.0, approx][start], size)
    cap_units[before_approx > 2.0 * units[gs]] = 0
    # Exact running totals within each product: unsigned (wrap-around) differences of a
    # global running sum are exact as long as the true value stays below 2^64.
    total = np.cumsum(cap_units.astype(np.uint64))
    before = (total - cap_units.astype(np.uint64)
              - np.r_[np.uint64(0), total][first]).astype(np.int64)
    k_sorted = np.clip(units[gs] - before, 0, cap_units)
    k = np.empty(m, dtype=np.int64)
    k[order] = k_sorted
    return k


def _apportion(g: IntArray, floor: IntArray, remainder: FloatArray, rank: IntArray,
               units: IntArray) -> IntArray:
    """Whole counts summing to ``units`` per product, from rounded-down ideal shares.

    Units still lacking go one each to the largest remainders (ties: lower rank); the
    rare surplus that float round-off in the shares can cause is taken back from the
    smallest remainders (ties: higher rank).
    """
    n = units.shape[0]
    m = g.shape[0]
    k = floor.copy()
    if m == 0:
        return k
    size = np.bincount(g, minlength=n)
    orders: dict[int, IntArray] = {}
    for _ in range(8):
        have = np.zeros(n, dtype=np.int64)
        np.add.at(have, g, k)
        lack = np.where(size > 0, units - have, 0)
        if not lack.any():
            return k
        for sign in (1, -1):
            need = np.maximum(sign * lack, 0)
            if not need.any():
                continue
            if sign > 0:
                if sign not in orders:  # sorting is the expensive part: sort once
                    orders[sign] = np.lexsort((rank, -remainder, g))
                order = orders[sign]
            else:  # rare: take back from those that have something, smallest remainder first
                order = np.lexsort((-rank, remainder, k == 0, g))
            base = need // np.maximum(size, 1)
            extra = need - base * size
            gs = g[order]
            start = np.r_[0, np.flatnonzero(gs[1:] != gs[:-1]) + 1]
            within = np.arange(m) - np.repeat(start, np.diff(np.r_[start, m]))
            step = np.empty(m, dtype=np.int64)
            step[order] = base[gs] + (within < extra[gs])
            k = np.maximum(k + sign * step, 0)
    raise AssertionError("quotas: apportionment did not settle")  # pragma: no cover


# --- validation ---------------------------------------------------------------------------


def _by_enterprise(values: Any, ids: NDArray[np.str_], what: str) -> Any:
    """A Series indexed by enterprise id, in the enterprises' order (else as given)."""
    if not is_labelled(values):
        return values
    at = positions(ids, labels_of(values.index), f"enterprises: {what}", EconomyError,
                   complete=True, noun="enterprise", among="an enterprise id")
    raw = np.asarray(values.to_numpy())
    out = np.empty(ids.shape[0], dtype=raw.dtype)
    out[at] = raw.reshape(-1)
    return out


def _positions(product: Any, products: NDArray[np.str_], ids: NDArray[np.str_]) -> IntArray:
    product = _by_enterprise(product, ids, "product")
    raw = np.asarray(product).reshape(-1)
    if raw.dtype == object and all(isinstance(p, str) for p in raw.tolist()):
        raw = raw.astype(np.str_)  # product ids from a pandas Series (object dtype)
    n, m = products.shape[0], ids.shape[0]
    if raw.shape[0] != m:
        raise EconomyError(f"enterprises: product must have {m} entries (one per enterprise); "
                           f"got {raw.shape[0]}")
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    if raw.dtype.kind in "US":
        order = np.argsort(products)
        sorted_products = products[order]
        at = np.clip(np.searchsorted(sorted_products, raw.astype(np.str_)), 0, max(n - 1, 0))
        known = (n > 0) & (sorted_products[at] == raw) if n else np.zeros(m, dtype=bool)
        if not np.all(known):
            k = int(np.flatnonzero(~known)[0])
            raise EconomyError(f"enterprises: enterprise {str(ids[k])!r} makes "
                               f"{str(raw[k])!r}, which is not a product")
        return order[at].astype(np.int64)
    if raw.dtype.kind not in "iu":
        raise EconomyError(f"enterprises: product must be product ids or integer positions; "
                           f"got {raw.dtype}")
    pos = raw.astype(np.int64)
    bad = (pos < 0) | (pos >= n)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise EconomyError(f"enterprises: product of enterprise {str(ids[k])!r} must be a "
                           f"position in [0, {n}); got {int(pos[k])}")
    return pos


def _amounts(values: Any, ids: NDArray[np.str_], what: str) -> FloatArray:
    m = ids.shape[0]
    if values is None or isinstance(values, str | bytes):
        raise ParameterTypeError(f"enterprises: {what} must be {m} numbers; got "
                                 f"{type(values).__name__} {shown(values)}")
    values = _by_enterprise(values, ids, what)
    return nonnegative(values, m, f"enterprises: {what}",
                       lambda k: f"enterprises: {what} of enterprise {str(ids[k])!r}",
                       EconomyError, per=" (one per enterprise)")


def _plan(plan_output: ArrayLike | Mapping[str, float], e: Enterprises) -> FloatArray:
    n = e.n
    if plan_output is None or isinstance(plan_output, str | bytes):
        raise ParameterTypeError(f"plan output: must be a mapping or Series of product id to "
                                 f"quantity, a DataFrame (a row per year, a column per product "
                                 f"id) or an array (years, {n}); got "
                                 f"{type(plan_output).__name__} {shown(plan_output)}")
    if is_frame(plan_output):  # a row per year, columns matched by product id
        frame: Any = plan_output
        at = positions(e.products, labels_of(frame.columns), "plan output", TargetsError,
                       axis="column", among="among the enterprises' products")
        rows = values_of(frame, [], "plan output", TargetsError)
        plan = np.zeros((rows.shape[0], n))
        plan[:, at] = rows
    elif is_labelled(plan_output):
        plan = aligned(e.products, plan_output, "plan output", TargetsError).reshape(1, n)
    elif isinstance(plan_output, Mapping):
        index = {p: i for i, p in enumerate(e.products.tolist())}
        x = np.zeros(n)
        for product, quantity in plan_output.items():
            if product not in index:
                raise TargetsError(f"plan output: product {shown(product)} is not among the "
                                   "enterprises' products")
            if isinstance(quantity, str | bytes | bool):
                raise TargetsError(f"plan output: quantity of {product!r} must be a number; "
                                   f"got {shown(quantity)}")
            try:
                x[index[product]] = float(quantity)
            except (TypeError, ValueError, OverflowError):
                raise TargetsError(f"plan output: quantity of {product!r} must be a finite "
                                   f"number >= 0; got {shown(quantity)}") from None
        plan = x.reshape(1, n)
    else:
        try:
            plan = np.array(plan_output, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            raise TargetsError(f"plan output: quantities must be numbers; "
                               f"got {shown(plan_output)}") from None
        shape = plan.shape
        if plan.ndim == 1:
            plan = plan.reshape(1, -1)
        if plan.ndim != 2 or plan.shape[1] != n:
            raise TargetsError(f"plan output: must have shape ({n},) or (years, {n}); "
                               f"got {shape}")
    bad = ~(np.isfinite(plan) & (plan >= 0))
    if bad.any():
        year, p = (int(i) for i in np.argwhere(bad)[0])
        where = f" in year {year}" if plan.shape[0] > 1 else ""
        raise TargetsError(f"plan output: quantity of {str(e.products[p])!r}{where} must be a "
                           f"finite number >= 0; got {float(plan[year, p])!r}")
    return plan

"""Supply and use tables, as national accounts publish them, made into economies.

Notation of Miller & Blair (2009), *Input-Output Analysis*, ch. 5. With ``n``
commodities and ``m`` industries:

- ``V`` make, ``(m, n)``: ``V[j, i]`` = industry ``j``'s output of commodity ``i``;
- ``U`` use, ``(n, m)``: ``U[i, j]`` = commodity ``i`` used up by industry ``j``;
- ``g = V 1`` industry output, ``q = Vᵀ 1`` commodity output;
- ``B = U ĝ⁻¹`` inputs per unit of industry output, ``D = V q̂⁻¹`` market shares
  (industry ``j``'s share of commodity ``i``), ``C = Vᵀ ĝ⁻¹`` product mix of each industry.

A table is an activity economy as it stands (:func:`activity_economy`): each industry
is an activity that makes its make-table row and uses its use-table column, per unit of
industry output. A square economy needs an assumption about secondary products
(:func:`convert`):

- industry technology: an industry makes all its products with one recipe;
  commodity × commodity ``A = B D``, industry × industry ``A = D B``. Never negative.
- product technology: a product is made with one recipe, whichever industry makes it;
  needs ``n == m``; commodity × commodity ``A = B C⁻¹``, industry × industry ``A = C⁻¹ B``.
  Often gives negative coefficients, which are reported and refused as an economy.

Values are money (the published tables: millions of dollars), so a unit of a product is
a dollar's worth and valuations are dollars per dollar.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from gosplan.core.activities import ActivityEconomy
from gosplan.core.arguments import choice, instance, shown
from gosplan.core.economy import Economy
from gosplan.errors import EconomyError, ParameterTypeError

__all__ = [
    "FOREIGN_EXCHANGE",
    "Conversion",
    "SupplyUse",
    "activity_economy",
    "convert",
    "transfer_negatives",
]

FloatArray = NDArray[np.float64]
_WHERE = "supply-use table"
#: The product that exports earn and imports spend, in the activity economy.
FOREIGN_EXCHANGE = "foreign-exchange"
_CREDIT = "foreign-credit"
_SHOWN_CELLS = 20  # negative cells a conversion lists, largest first
_MAX_CONDITION = 1e12  # a product mix worse conditioned than this counts as singular


def _ids(values: Any, what: str) -> NDArray[np.str_]:
    if values is None or isinstance(values, str | bytes | Mapping):
        raise ParameterTypeError(f"{_WHERE}: {what} must be a sequence of ids; "
                                 f"got {type(values).__name__} {shown(values)}")
    ids = np.asarray(list(values), dtype=np.str_).reshape(-1)
    if ids.shape[0] == 0:
        raise EconomyError(f"{_WHERE}: {what} must list at least one id; got none")
    uniq, counts = np.unique(ids, return_counts=True)
    if uniq.shape[0] != ids.shape[0]:
        raise EconomyError(f"{_WHERE}: {what} ids must be unique; "
                           f"got {str(uniq[counts > 1][0])!r} more than once")
    if (np.char.str_len(ids) == 0).any():
        raise EconomyError(f"{_WHERE}: {what} ids must be non-empty")
    ids.flags.writeable = False
    return ids


def _array(values: Any, shape: tuple[int, ...], what: str, label: Any) -> FloatArray:
    """A read-only float array of ``shape``, finite and ``>= 0``; ``label(k)`` names cell k."""
    if values is None or isinstance(values, str | bytes | Mapping):
        raise ParameterTypeError(f"{_WHERE}: {what} must be numbers of shape {shape}; "
                                 f"got {type(values).__name__} {shown(values)}")
    try:
        a = (values.toarray() if sp.issparse(values)
             else np.array(values, dtype=np.float64, copy=True))
        a = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise EconomyError(f"{_WHERE}: {what} must be numbers of shape {shape}; "
                           f"got {shown(values)}") from None
    if a.shape != shape:
        raise EconomyError(f"{_WHERE}: {what} must have shape {shape}; got {a.shape}")
    bad = ~np.isfinite(a) | (a < 0)
    if bad.any():
        k = np.unravel_index(int(np.flatnonzero(bad)[0]), shape)
        raise EconomyError(f"{_WHERE}: {what}[{label(k)}] must be a finite number >= 0; "
                           f"got {float(a[k])!r}")
    a.flags.writeable = False
    return a


def transfer_negatives(make: Any, use: Any) -> tuple[FloatArray, FloatArray, int]:
    """Book negative outputs as inputs and negative inputs as outputs.

    National accounts record some flows with a minus sign: the BEA books an industry's
    sales of scrap as a negative use of scrap, and a few adjustments as negative outputs.
    A negative ``use[i, j]`` is industry ``j`` making commodity ``i``, so it moves to
    ``make[j, i]`` with the sign turned; a negative ``make[j, i]`` moves to ``use[i, j]``
    likewise. Industry output and inputs both grow by the amount moved, so each
    industry's accounts stay balanced.

    Returns
    -------
    make, use, moved
        New arrays (make ``(m, n)``, use ``(n, m)``) and the number of cells moved.
    """
    try:
        V = np.array(make, dtype=np.float64)
        U = np.array(use, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise EconomyError(f"transfer_negatives: make and use must be numeric matrices; got "
                           f"{shown(make)} and {shown(use)}") from None
    if V.ndim != 2 or U.shape != V.T.shape:
        raise EconomyError(f"{_WHERE}: use must have the transposed shape of make {V.shape}; "
                           f"got {U.shape}")
    neg_v, neg_u = np.minimum(V, 0.0), np.minimum(U, 0.0)
    moved = int(np.count_nonzero(neg_v) + np.count_nonzero(neg_u))
    return V - neg_v - neg_u.T, U - neg_u - neg_v.T, moved


@dataclass(frozen=True, slots=True, eq=False)
class SupplyUse:
    """A supply (make) and use table: commodities, industries, value added, final demand.

    Validated on construction; arrays are read-only afterwards. Read one from files with
    :func:`gosplan.scenarios.supply_use.read_supply_use`.

    Examples
    --------
    Two industries; the second also makes some of the first commodity.

    >>> t = SupplyUse(commodities=["food", "cloth"], industries=["farms", "mills"],
    ...               make=[[90.0, 0.0], [10.0, 100.0]], use=[[20.0, 10.0], [5.0, 30.0]],
    ...               final_demand=[75.0, 65.0])
    >>> t.industry_output.tolist(), t.commodity_output.tolist(), t.labour.tolist()
    ([90.0, 110.0], [100.0, 100.0], [65.0, 70.0])
    """

    commodities: NDArray[np.str_] | Any
    """Commodity ids, shape ``(n,)``."""
    industries: NDArray[np.str_] | Any
    """Industry ids, shape ``(m,)``."""
    make: FloatArray | Any
    """Make table ``V``, ``(m, n)``, finite and ``>= 0`` (see :func:`transfer_negatives`)."""
    use: FloatArray | Any
    """Use table ``U``, ``(n, m)``: intermediate use only, finite and ``>= 0``."""
    value_added: FloatArray | Any = None
    """Value added by industry, ``(m,)``; ``None``: output less intermediate use, which
    must then be ``>= 0``."""
    compensation: FloatArray | Any = None
    """Compensation of employees by industry, ``(m,)``; when given it is the labour."""
    final_demand: FloatArray | Any = None
    """Domestic final demand by commodity (consumption, investment, government), ``(n,)``;
    exports apart. ``None``: zeros."""
    exports: FloatArray | Any = None
    """Exports by commodity, ``(n,)``; ``None``: the table has none."""
    imports: FloatArray | Any = None
    """Imports by commodity, ``(n,)``; ``None``: the table has none."""
    commodity_names: Sequence[str] = ()
    """Commodity names (empty: the ids)."""
    industry_names: Sequence[str] = ()
    """Industry names (empty: the ids)."""
    unit: str = "millions of dollars"
    """The unit of every value in the table."""
    name: str = ""
    """A title."""
    metadata: Mapping[str, str] = field(default_factory=dict)
    """Free-form facts (source, year, what was suppressed)."""

    def __post_init__(self) -> None:
        c = _ids(self.commodities, "commodities")
        ind = _ids(self.industries, "industries")
        n, m = c.shape[0], ind.shape[0]

        def cell(rows: NDArray[np.str_], cols: NDArray[np.str_]) -> Any:
            return lambda k: f"{str(rows[k[0]])!r}, {str(cols[k[1]])!r}"

        def by(ids: NDArray[np.str_]) -> Any:
            return lambda k: repr(str(ids[k[0]]))

        make = _array(self.make, (m, n), "make", cell(ind, c))
        use = _array(self.use, (n, m), "use", cell(c, ind))
        g = make.sum(axis=1)
        q = make.sum(axis=0)
        if (q <= 0).any():
            i = int(np.flatnonzero(q <= 0)[0])
            raise EconomyError(f"{_WHERE}: commodity {str(c[i])!r} is made by no industry "
                               f"(its make column sums to {float(q[i])!r}); a table needs "
                               "every commodity made at home")
        if (g <= 0).any():
            j = int(np.flatnonzero(g <= 0)[0])
            raise EconomyError(f"{_WHERE}: industry {str(ind[j])!r} makes nothing (its make "
                               f"row sums to {float(g[j])!r})")
        if self.value_added is None:
            residual = g - use.sum(axis=0)
            if (residual < 0).any():
                j = int(np.argmin(residual))
                raise EconomyError(
                    f"{_WHERE}: industry {str(ind[j])!r} uses more than it makes "
                    f"(output {float(g[j])!r}, intermediate use "
                    f"{float(use[:, j].sum())!r}); give its value_added")
            value_added = _array(residual, (m,), "value_added", by(ind))
        else:
            value_added = _array(self.value_added, (m,), "value_added", by(ind))
        put = object.__setattr__
        for what, default, ids in (("compensation", None, ind), ("final_demand", 0.0, c),
                                   ("exports", None, c), ("imports", None, c)):
            value = getattr(self, what)
            if value is None:
                put(self, what, None if default is None else _array(np.zeros(n), (n,), what,
                                                                     by(ids)))
            else:
                put(self, what, _array(value, (ids.shape[0],), what, by(ids)))
        for what in ("unit", "name"):
            instance(getattr(self, what), str, what, _WHERE)
        instance(self.metadata, Mapping, "metadata", _WHERE)
        put(self, "commodities", c)
        put(self, "industries", ind)
        put(self, "make", make)
        put(self, "use", use)
        put(self, "value_added", value_added)
        put(self, "commodity_names", _names(self.commodity_names, c, "commodity_names"))
        put(self, "industry_names", _names(self.industry_names, ind, "industry_names"))
        put(self, "metadata", dict(self.metadata))

    @property
    def n(self) -> int:
        """Number of commodities."""
        return int(self.commodities.shape[0])

    @property
    def m(self) -> int:
        """Number of industries."""
        return int(self.industries.shape[0])

    @property
    def industry_output(self) -> FloatArray:
        """``g = V 1``, shape ``(m,)``."""
        out: FloatArray = self.make.sum(axis=1)
        return out

    @property
    def commodity_output(self) -> FloatArray:
        """``q = Vᵀ 1`` (made at home), shape ``(n,)``."""
        out: FloatArray = self.make.sum(axis=0)
        return out

    @property
    def labour(self) -> FloatArray:
        """The primary input by industry: compensation of employees if given, else value added."""
        out: FloatArray = self.value_added if self.compensation is None else self.compensation
        return out

    @property
    def labour_unit(self) -> str:
        """What :attr:`labour` counts."""
        what = "value added" if self.compensation is None else "compensation of employees"
        return f"{self.unit} of {what}"

    @property
    def trade(self) -> bool:
        """Whether the table gives both imports and exports (trade becomes activities)."""
        return self.imports is not None and self.exports is not None

    @property
    def total_final_demand(self) -> FloatArray:
        """Domestic final demand plus exports, shape ``(n,)``.

        What leaves the table's inter-industry part: the default final demand of the
        square economy.
        """
        out: FloatArray = self.final_demand + (0.0 if self.exports is None else self.exports)
        return out

    @property
    def activity_targets(self) -> dict[str, float]:
        """Default targets of an activity plan, by commodity id.

        Domestic final demand when trade is made of activities (exports earn the
        imports), else :attr:`total_final_demand`.
        """
        y = self.final_demand if self.trade else self.total_final_demand
        return dict(zip(self.commodities.tolist(), y.tolist(), strict=True))


def _names(values: Any, ids: NDArray[np.str_], what: str) -> tuple[str, ...]:
    if values is None or isinstance(values, str | bytes | Mapping):
        raise ParameterTypeError(f"{_WHERE}: {what} must be a sequence of strings; "
                                 f"got {type(values).__name__} {shown(values)}")
    out = tuple(values)
    if not out:
        return tuple(ids.tolist())
    if len(out) != ids.shape[0] or not all(isinstance(w, str) for w in out):
        raise EconomyError(f"{_WHERE}: {what} must be {ids.shape[0]} strings; "
                           f"got {shown(out)}")
    return out


def activity_economy(table: SupplyUse, *, labour_available: float | None = None
                     ) -> ActivityEconomy:
    """The table as activities: one per industry, and trade where the table has it.

    Industry ``j`` at level 1 makes ``V[j, :] / g_j``, uses ``U[:, j] / g_j`` and
    ``labour_j / g_j`` of labour: its level is its output in the table's unit. Where the
    table gives imports and exports, ``import:<commodity>`` makes a unit of the commodity
    for a unit of :data:`FOREIGN_EXCHANGE`, ``export:<commodity>`` turns a unit of the
    commodity into one (up to the table's exports: what the rest of the world bought), and
    if imports exceed exports, ``borrow`` makes foreign exchange out of the resource
    ``foreign-credit``, of which there is the table's trade deficit: the trade balance.

    Parameters
    ----------
    table
        The supply and use table.
    labour_available
        Labour the plan may use, in :attr:`SupplyUse.labour_unit`; ``None``: the table's
        total (its base year).
    """
    instance(table, SupplyUse, "table", "activity_economy")
    g = table.industry_output
    make = table.make.T / g
    use = table.use / g
    labour = table.labour / g
    products = list(table.commodities.tolist())
    activities = list(table.industries.tolist())
    names = list(table.commodity_names)
    capacity = [np.inf] * table.m
    resources: list[str] = []
    available: list[float] = []
    if table.trade:
        if FOREIGN_EXCHANGE in products:
            raise EconomyError(f"{_WHERE}: commodity id {FOREIGN_EXCHANGE!r} is reserved for "
                               "the trade balance; rename the commodity")
        make, use, labour, capacity, resources, available, activities = _with_trade(
            table, make, use, labour, capacity, activities)
        products.append(FOREIGN_EXCHANGE)
        names.append("Foreign exchange (dollars earned by exports)")
    total = float(table.labour.sum())
    return ActivityEconomy(
        products=products,
        activities=activities,
        make=sp.csr_array(make),
        use=sp.csr_array(use),
        labour=labour,
        resources=resources,
        resource_use=sp.csr_array(_credit_row(len(resources), len(activities))),
        available=available,
        capacity=capacity,
        labour_available=total if labour_available is None else labour_available,
        names=names,
        units=[table.unit] * len(products),
        activity_names=list(table.industry_names) + activities[table.m:],
        labour_unit=table.labour_unit,
        name=table.name,
        metadata=table.metadata,
    )


def _credit_row(k: int, width: int) -> FloatArray:
    """The resource matrix: one row, foreign credit, used by the last activity (borrow)."""
    R = np.zeros((k, width))
    if k:
        R[0, -1] = 1.0
    return R


def _with_trade(table: SupplyUse, make: FloatArray, use: FloatArray, labour: FloatArray,
                capacity: list[float], activities: list[str]) -> tuple[Any, ...]:
    """Append the foreign-exchange row, the import and export activities, and credit."""
    assert table.imports is not None
    assert table.exports is not None
    n = table.n
    imp = np.flatnonzero(table.imports > 0)
    exp = np.flatnonzero(table.exports > 0)
    deficit = float(table.imports.sum() - table.exports.sum())
    k = imp.shape[0] + exp.shape[0] + (1 if deficit > 0 else 0)
    fx = n  # the new product row
    new_make = np.zeros((n + 1, k))
    new_use = np.zeros((n + 1, k))
    new_make[imp, np.arange(imp.shape[0])] = 1.0
    new_use[fx, : imp.shape[0]] = 1.0
    cols = imp.shape[0] + np.arange(exp.shape[0])
    new_use[exp, cols] = 1.0
    new_make[fx, cols] = 1.0
    if deficit > 0:
        new_make[fx, -1] = 1.0
    ids = table.commodities
    added = ([f"import:{c}" for c in ids[imp].tolist()]
             + [f"export:{c}" for c in ids[exp].tolist()] + (["borrow"] if deficit > 0 else []))
    clash = set(added) & set(activities)
    if clash:
        raise EconomyError(f"{_WHERE}: industry id {sorted(clash)[0]!r} is reserved for trade; "
                           "rename the industry")
    pad = np.zeros((1, make.shape[1]))
    return (
        np.hstack([np.vstack([make, pad]), new_make]),
        np.hstack([np.vstack([use, pad]), new_use]),
        np.concatenate([labour, np.zeros(k)]),
        capacity + [np.inf] * imp.shape[0] + table.exports[exp].tolist()
        + ([np.inf] if deficit > 0 else []),
        [_CREDIT] if deficit > 0 else [],
        [deficit] if deficit > 0 else [],
        activities + added,
    )


@dataclass(frozen=True, slots=True, eq=False)
class Conversion:
    """A square table made from a supply and use table, and its negative coefficients.

    ``A`` and ``labour`` are as computed, negatives included; :meth:`economy` refuses to
    build an :class:`~gosplan.core.economy.Economy` while any is left.
    """

    technology: str
    """``"industry"`` or ``"product"``."""
    by: str
    """``"commodity"`` (commodity × commodity) or ``"industry"`` (industry × industry)."""
    products: NDArray[np.str_]
    """Ids of the square table's products (commodities or industries)."""
    names: tuple[str, ...]
    """Their names."""
    A: FloatArray
    """Coefficients, ``(k, k)``; may hold negatives under product technology."""
    labour: FloatArray
    """Labour per unit of each product, ``(k,)``; may hold negatives."""
    market_shares: FloatArray
    """``D = V q̂⁻¹``, ``(m, n)``: industry ``j``'s share of commodity ``i``'s output."""
    product_mix: FloatArray
    """``C = Vᵀ ĝ⁻¹``, ``(n, m)``: commodity ``i``'s share of industry ``j``'s output."""
    table: SupplyUse
    """What it was made from."""
    negatives: tuple[tuple[str, str, float], ...]
    """Negative coefficients ``(input, output, value)``, most negative first, at most 20;
    labour's as ``("labour", output, value)``."""
    negative_count: int
    """How many coefficients (of ``A`` and labour) are negative."""

    @property
    def largest_negative(self) -> tuple[str, str, float] | None:
        """The most negative coefficient, ``None`` when there is none."""
        return self.negatives[0] if self.negatives else None

    def final_demand(self, commodity_final_demand: Any = None) -> FloatArray:
        """Final demand for the square products; default: the table's total final demand.

        Commodity × commodity: as given. Industry × industry: ``D y`` under industry
        technology, the ``e`` with ``C e = y`` under product technology.
        """
        y = (self.table.total_final_demand if commodity_final_demand is None
             else _array(commodity_final_demand, (self.table.n,), "final demand",
                         lambda k: repr(str(self.table.commodities[k[0]]))))
        if self.by == "commodity":
            return y.copy()
        if self.technology == "industry":
            out: FloatArray = self.market_shares @ y
            return out
        solved: FloatArray = np.linalg.solve(self.product_mix, y).astype(np.float64)
        return solved

    def economy(self, *, labour_available: float = float("inf")) -> Economy:
        """The square :class:`~gosplan.core.economy.Economy`, units the table's.

        Raises
        ------
        EconomyError
            If any coefficient is negative: the message gives the count and the largest.
        """
        if self.negative_count:
            i, j, v = self.negatives[0]
            where = f"labour[{j!r}]" if i == "labour" else f"A[input {i!r}, output {j!r}]"
            raise EconomyError(
                f"{_WHERE}: {self.technology} technology gives {self.negative_count} negative "
                f"coefficient{'s' if self.negative_count > 1 else ''} (largest {where} = "
                f"{v:.6g}); an economy needs them >= 0: use technology='industry'"
            )
        t = self.table
        kind = "commodity" if self.by == "commodity" else "industry"
        return Economy(
            products=self.products,
            A=sp.csr_array(np.where(np.abs(self.A) > 0, self.A, 0.0)),
            labour=self.labour,
            names=self.names,
            units=(t.unit,) * self.products.shape[0],
            labour_available=labour_available,
            labour_unit=t.labour_unit,
            name=t.name,
            metadata={**t.metadata, "square": f"{kind} by {kind}, {self.technology} technology"},
        )


def convert(table: SupplyUse, *, technology: str = "industry", by: str = "commodity"
            ) -> Conversion:
    """The square table under an assumption about secondary products (module docstring).

    Parameters
    ----------
    table
        The supply and use table.
    technology
        ``"industry"`` (never negative) or ``"product"`` (needs as many commodities as
        industries; may give negative coefficients, which the result reports).
    by
        ``"commodity"`` for commodity × commodity, ``"industry"`` for industry × industry.

    Raises
    ------
    EconomyError
        Product technology on a table that is not square, or whose product mix ``C``
        is singular.
    """
    where = "convert"
    instance(table, SupplyUse, "table", where)
    choice(technology, "technology", where, ("industry", "product"))
    choice(by, "by", where, ("commodity", "industry"))
    g, q = table.industry_output, table.commodity_output
    B = table.use / g
    w = table.labour / g
    D = table.make / q
    C = table.make.T / g
    if technology == "industry":
        A, labour = (B @ D, w @ D) if by == "commodity" else (D @ B, w)
    else:
        if table.n != table.m:
            raise EconomyError(
                f"{_WHERE}: product technology needs as many commodities as industries; got "
                f"{table.n} commodities and {table.m} industries: use technology='industry'")
        # Solve with C rather than invert it: B C⁻¹ = (C⁻ᵀ Bᵀ)ᵀ, w C⁻¹ = (C⁻ᵀ wᵀ)ᵀ.
        if np.linalg.cond(C) > _MAX_CONDITION:
            raise EconomyError(f"{_WHERE}: product technology needs an invertible product "
                               "mix C = V' g^-1; this one is singular: use "
                               "technology='industry'")
        A, labour = ((np.linalg.solve(C.T, B.T).T, np.linalg.solve(C.T, w)) if by == "commodity"
                     else (np.linalg.solve(C, B), w))
    ids = table.commodities if by == "commodity" else table.industries
    names = table.commodity_names if by == "commodity" else table.industry_names
    # Round-off of exact zeros is no negative coefficient.
    scale = max(float(np.abs(A).max(initial=0.0)), 1.0)
    A = np.where(np.abs(A) < 1e-12 * scale, 0.0, A)
    labour = np.where(np.abs(labour) < 1e-12 * max(float(np.abs(labour).max()), 1.0), 0.0,
                      labour)
    cells = [(str(ids[i]), str(ids[j]), float(A[i, j])) for i, j in zip(*np.nonzero(A < 0),
                                                                         strict=True)]
    cells += [("labour", str(ids[j]), float(labour[j])) for j in np.flatnonzero(labour < 0)]
    cells.sort(key=lambda c: c[2])
    for arr in (A, labour, D, C):
        arr.flags.writeable = False
    return Conversion(technology=technology, by=by, products=ids, names=tuple(names), A=A,
                      labour=labour, market_shares=D, product_mix=C, table=table,
                      negatives=tuple(cells[:_SHOWN_CELLS]), negative_count=len(cells))

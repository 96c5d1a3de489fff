"""The economy a plan is made for: products, technology, labour, capital, capacities.

Conventions (Leontief, as in Miller & Blair): ``A[i, j]`` is the quantity of product ``i``
used up to make one unit of product ``j``; ``labour[j]`` is the labour needed per unit of
``j``; ``capital[i, j]`` the stock of ``i`` tied up per unit of capacity of ``j``. Gross
output ``x`` meets final demand ``y`` when ``x = A x + y``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from gosplan.core.arguments import (
    aligned,
    flag,
    instance,
    is_frame,
    is_labelled,
    labels_of,
    number,
    positions,
    shown,
    values_of,
)
from gosplan.core.productive import ProductivityCheck, check_productive
from gosplan.errors import EconomyError, NotProductiveError, ParameterTypeError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["Economy"]

FloatArray = NDArray[np.float64]


class IdNames(Sequence[str]):
    """The product ids read as names: a read-only view on the id array."""

    __slots__ = ("_ids",)

    def __init__(self, ids: NDArray[np.str_]) -> None:
        self._ids = ids

    def __len__(self) -> int:
        return int(self._ids.shape[0])

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[str, ...]: ...
    def __getitem__(self, i: int | slice) -> str | tuple[str, ...]:
        if isinstance(i, slice):
            return tuple(self._ids[i].tolist())
        return str(self._ids[i])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"IdNames({len(self)} ids)"


def _frozen(a: NDArray[Any]) -> NDArray[Any]:
    a.flags.writeable = False
    return a


def _labelled_matrix(M: Any, products: NDArray[np.str_], what: str, *, complete: bool
                     ) -> FloatArray:
    """A DataFrame (index: inputs, columns: outputs, both product ids) in product order.

    Labels are matched to product ids, never read by position; with ``complete`` both
    axes must list every product, else products left out have zero coefficients.
    """
    where = f"economy: {what}"
    rows = positions(products, labels_of(M.index), where, EconomyError, axis="row",
                     complete=complete)
    cols = positions(products, labels_of(M.columns), where, EconomyError, axis="column",
                     complete=complete)
    values = values_of(M, [], where, EconomyError)
    n = products.shape[0]
    out = np.zeros((n, n))
    out[np.ix_(rows, cols)] = values
    return out


def _as_csr(M: Any, n: int, what: str) -> sp.csr_array:
    if M is None or isinstance(M, str | bytes):
        raise ParameterTypeError(f"economy: {what} must be a numeric ({n}, {n}) matrix; got "
                                 f"{type(M).__name__} {shown(M)}")
    try:
        csr = sp.csr_array(M, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise EconomyError(f"economy: {what} must be a numeric ({n}, {n}) matrix; "
                           f"got {shown(M)}") from None
    if csr.shape != (n, n):
        raise EconomyError(f"economy: {what} must have shape ({n}, {n}); got {csr.shape}")
    if not csr.has_canonical_format:
        csr.sum_duplicates()
    csr.indices = csr.indices.astype(np.int32, copy=False) if n < 2**31 else csr.indices
    return csr


def _check_entries(csr: sp.csr_array, products: NDArray[np.str_], what: str) -> None:
    bad = ~np.isfinite(csr.data) | (csr.data < 0)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        row = int(np.searchsorted(csr.indptr, k, side="right") - 1)
        col = int(csr.indices[k])
        raise EconomyError(
            f"economy: {what}[input {str(products[row])!r}, output {str(products[col])!r}] "
            f"must be a finite number >= 0; got {float(csr.data[k])!r}"
        )


def _vector(
    values: ArrayLike | None,
    n: int,
    what: str,
    products: NDArray[np.str_],
    *,
    default: float,
    allow_inf: bool = False,
    upper: float = np.inf,
) -> FloatArray:
    if values is None:
        return np.full(n, default)
    if is_labelled(values):
        v = aligned(products, values, f"economy: {what}", EconomyError, complete=True)
    elif isinstance(values, str | bytes):
        raise ParameterTypeError(f"economy: {what} must be {n} numbers; got str {shown(values)}")
    else:
        try:
            v = np.asarray(values, dtype=np.float64).reshape(-1).copy()
        except (TypeError, ValueError, OverflowError):
            raise EconomyError(f"economy: {what} must be numbers; got {shown(values)}") from None
    if v.shape != (n,):
        raise EconomyError(f"economy: {what} must have {n} entries; got {v.shape[0]}")
    ok = (v >= 0) & (v <= upper) & (np.isfinite(v) | (allow_inf & (v == np.inf)))
    if not ok.all():
        k = int(np.flatnonzero(~ok)[0])
        bound = f"in [0, {upper:g}]" if np.isfinite(upper) else ">= 0"
        kind = "a number" if allow_inf else "a finite number"
        raise EconomyError(
            f"economy: {what}[{str(products[k])!r}] must be {kind} {bound}; got {float(v[k])!r}"
        )
    return v


@dataclass(frozen=True, slots=True, eq=False)
class Economy:
    """An economy: n products, their technology, labour, capital and capacities.

    Construct it directly from arrays, or read it with :meth:`read`,
    :meth:`from_dataframes` or :meth:`from_pymrio`. It is validated on construction
    (shapes, signs, finiteness, unique product ids) and checked for productivity; all
    arrays are read-only afterwards.

    Examples
    --------
    >>> e = Economy(products=["agriculture", "manufacturing"],
    ...             A=[[0.15, 0.25], [0.20, 0.05]], labour=[0.3, 0.2])
    >>> e.n, e.productivity.productive
    (2, True)
    """

    products: NDArray[np.str_] | Any
    """Product ids, shape ``(n,)``; unique, non-empty strings."""
    A: sp.csr_array | Any
    """Technology matrix, sparse ``(n, n)``: ``A[i, j]`` = units of ``i`` per unit of ``j``."""
    labour: FloatArray | Any = None
    """Labour per unit of output, shape ``(n,)`` (zeros when not given)."""
    names: Sequence[str] = ()
    """Human-readable names, in product order (the ids when not given)."""
    units: tuple[str, ...] = ()
    """Unit of each product, in product order (empty when not given)."""
    capacity: FloatArray | Any = None
    """Most each product can be produced in a year, shape ``(n,)``; ``inf`` = unlimited."""
    depreciation: FloatArray | Any = None
    """Share of each branch's capacity lost per year, in ``[0, 1]``, shape ``(n,)``."""
    capital: sp.csr_array | Any | None = None
    """Capital coefficients ``B``, sparse ``(n, n)``: stock of ``i`` per unit capacity of ``j``."""
    labour_available: float = float("inf")
    """Labour the economy can supply in a year, in the labour coefficients' unit."""
    labour_unit: str = ""
    """Unit of labour (for example ``"million person-years"``)."""
    name: str = ""
    """A title for the economy."""
    metadata: Mapping[str, str] = field(default_factory=dict)
    """Free-form facts about the economy (year, source, description)."""
    check: bool = field(default=True, repr=False)
    """Run the productivity check on construction (turn off only for known-good data)."""
    productivity: ProductivityCheck = field(init=False, repr=False)
    """What the productivity check found."""
    _index: dict[str, int] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        if self.products is None or isinstance(self.products, str | bytes | Mapping):
            raise ParameterTypeError(f"economy: products must be a sequence of product ids; "
                                     f"got {type(self.products).__name__} {shown(self.products)}")
        products = np.asarray(self.products, dtype=np.str_).reshape(-1)
        n = products.shape[0]
        if n == 0:
            raise EconomyError("economy: products must list at least one product; got none")
        _check_ids(products)
        given_A = _labelled_matrix(self.A, products, "A", complete=True) if is_frame(
            self.A) else self.A
        A = _as_csr(given_A, n, "A")
        _check_entries(A, products, "A")
        given_B = _labelled_matrix(self.capital, products, "capital", complete=False) if (
            is_frame(self.capital)) else self.capital
        capital = None if given_B is None else _as_csr(given_B, n, "capital")
        if capital is not None:
            _check_entries(capital, products, "capital")
        labour = _vector(self.labour, n, "labour", products, default=0.0)
        capacity = _vector(self.capacity, n, "capacity", products, default=np.inf, allow_inf=True)
        depreciation = _vector(
            self.depreciation, n, "depreciation", products, default=0.0, upper=1.0
        )
        labour_available = number(self.labour_available, "labour_available", "economy",
                                  finite=False, expected="a number > 0")
        if not labour_available > 0:
            raise EconomyError(f"economy: labour_available must be > 0; got {labour_available!r}")
        for what in ("name", "labour_unit"):
            instance(getattr(self, what), str, what, "economy")
        instance(self.metadata, Mapping, "metadata", "economy")
        check = flag(self.check, "check", "economy")
        # Without names the ids serve; a view on the id array, not ten million new strings.
        # An IdNames only ever stands for "no names given", so it follows the ids it is given.
        given = () if isinstance(self.names, IdNames) else _words(self.names, products, "names")
        names: Sequence[str] = given or IdNames(products)
        units = _words(self.units, products, "units") or ("",) * n
        for what, seq in (("names", names), ("units", units)):
            if len(seq) != n:
                raise EconomyError(f"economy: {what} must have {n} entries; got {len(seq)}")
        for arr in (A.data, A.indices, A.indptr):
            _frozen(arr)
        if capital is not None:
            for arr in (capital.data, capital.indices, capital.indptr):
                _frozen(arr)
        put = object.__setattr__
        put(self, "products", _frozen(products))
        put(self, "A", A)
        put(self, "capital", capital)
        put(self, "labour", _frozen(labour))
        put(self, "capacity", _frozen(capacity))
        put(self, "depreciation", _frozen(depreciation))
        put(self, "labour_available", labour_available)
        put(self, "names", names)
        put(self, "units", units)
        put(self, "metadata", dict(self.metadata))
        check_result = (
            check_productive(A)
            if check
            else ProductivityCheck(True, float("nan"), 0.0, float("inf"), "not checked", 0)
        )
        put(self, "productivity", check_result)
        if not check_result.productive:
            raise NotProductiveError(
                check_result.radius,
                f"economy: not productive: the spectral radius of A is "
                f"{check_result.radius:.6g} (must be < 1; {check_result.method}); no "
                "non-negative plan can meet final demand",
            )

    @property
    def n(self) -> int:
        """Number of products."""
        return int(self.products.shape[0])

    def index(self, product: str) -> int:
        """Position of ``product`` in the economy's product order.

        Raises
        ------
        KeyError
            If the economy has no such product.
        """
        if not self._index:
            self._index.update((p, i) for i, p in enumerate(self.products.tolist()))
        return self._index[product]

    def has(self, product: str) -> bool:
        """Whether ``product`` is one of the economy's product ids."""
        try:
            self.index(product)
        except KeyError:
            return False
        return True

    # Conveniences that hand the work to the boundary layer, where all reading lives.
    @classmethod
    def read(cls, path: str | Path) -> Economy:
        """Read an economy folder (``economy.toml`` and its tables); see docs/file-format.md."""
        from gosplan.scenarios.loader import read_economy

        return read_economy(path)

    @classmethod
    def from_dataframes(cls, A: Any, **kwargs: Any) -> Economy:
        """Build an economy from a square pandas DataFrame ``A`` (index = columns = products).

        Keyword arguments: ``labour``, ``capacity``, ``depreciation`` (Series indexed by
        product), ``capital`` (DataFrame), and the plain fields (``units``, ``name`` ...).
        """
        from gosplan.scenarios.io_tables import economy_from_dataframes

        return economy_from_dataframes(A, **kwargs)

    @classmethod
    def from_pymrio(cls, io: Any, **kwargs: Any) -> Economy:
        """Build an economy from a pymrio ``IOSystem`` (``calc_all`` is run if ``A`` is missing).

        Labour coefficients are taken from the factor-input stressor named by ``labour=``
        (default: none); products are ``region/sector``.
        """
        from gosplan.scenarios.io_tables import economy_from_pymrio

        return economy_from_pymrio(io, **kwargs)


def _words(values: Any, products: NDArray[np.str_], what: str) -> tuple[str, ...]:
    """Names or units: strings in product order (a Series is matched by product id)."""
    if values is None or isinstance(values, str | bytes | Mapping):
        raise ParameterTypeError(f"economy: {what} must be a sequence of strings, one per "
                                 f"product; got {type(values).__name__} {shown(values)}")
    if is_labelled(values):
        labels = labels_of(values.index)
        at = positions(products, labels, f"economy: {what}", EconomyError, complete=True)
        words = list(values.to_numpy().tolist())
        ordered: list[Any] = [""] * products.shape[0]
        for k, word in zip(at.tolist(), words, strict=True):
            ordered[k] = word
        values = ordered
    out = tuple(values)
    bad = next((w for w in out if not isinstance(w, str)), None)
    if bad is not None:
        raise EconomyError(f"economy: {what} must be strings; got {type(bad).__name__} "
                           f"{shown(bad)}")
    return out


def _check_ids(products: NDArray[np.str_]) -> None:
    empty = np.char.str_len(products) == 0
    if empty.any():
        raise EconomyError(
            f"economy: product ids must be non-empty; product #{int(np.flatnonzero(empty)[0])} "
            "has an empty id"
        )
    uniq, counts = np.unique(products, return_counts=True)
    if uniq.shape[0] != products.shape[0]:
        raise EconomyError(
            f"economy: product ids must be unique; got {str(uniq[counts > 1][0])!r} more than once"
        )

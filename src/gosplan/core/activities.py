"""An economy given as activities (Kantorovich's and Koopmans' form).

Each activity ``j`` run at level ``z_j >= 0`` makes ``B[i, j] z_j`` of each product ``i``
(one or several: joint production), uses up ``U[i, j] z_j`` of each product, ``labour[j]
z_j`` of labour and ``R[k, j] z_j`` of each other primary resource ``k`` (machines, land),
of which ``available[k]`` exist. Several activities may make the same product (choice of
technique). Net output is ``(B - U) z``.

The square economy of :class:`~gosplan.core.economy.Economy` is the special case of one
activity per product: ``B = I``, ``U = A``, levels = gross outputs, each product's
capacity the capacity of its activity (:meth:`ActivityEconomy.from_economy`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from gosplan.core.arguments import instance, nonnegative, number, shown
from gosplan.core.economy import Economy
from gosplan.errors import EconomyError, ParameterTypeError

__all__ = ["ActivityEconomy"]

FloatArray = NDArray[np.float64]
_WHERE = "activity economy"


def _ids(values: Any, what: str, *, empty_ok: bool = False) -> NDArray[np.str_]:
    if values is None or isinstance(values, str | bytes | Mapping):
        raise ParameterTypeError(f"{_WHERE}: {what} must be a sequence of ids; "
                                 f"got {type(values).__name__} {shown(values)}")
    ids = np.asarray(list(values), dtype=np.str_).reshape(-1)
    if ids.shape[0] == 0 and not empty_ok:
        raise EconomyError(f"{_WHERE}: {what} must list at least one id; got none")
    blank = np.char.str_len(ids) == 0 if ids.size else np.zeros(0, dtype=bool)
    if blank.any():
        raise EconomyError(f"{_WHERE}: {what} ids must be non-empty; "
                           f"#{int(np.flatnonzero(blank)[0])} is empty")
    uniq, counts = np.unique(ids, return_counts=True)
    if uniq.shape[0] != ids.shape[0]:
        raise EconomyError(f"{_WHERE}: {what} ids must be unique; "
                           f"got {str(uniq[counts > 1][0])!r} more than once")
    ids.flags.writeable = False
    return ids


def _matrix(M: Any, shape: tuple[int, int], what: str, rows: NDArray[np.str_],
            cols: NDArray[np.str_], row_noun: str) -> sp.csr_array:
    """A read-only CSR array of ``shape`` with finite entries ``>= 0``."""
    if M is None or isinstance(M, str | bytes):
        raise ParameterTypeError(f"{_WHERE}: {what} must be a numeric {shape} matrix; "
                                 f"got {type(M).__name__} {shown(M)}")
    try:
        if sp.issparse(M):
            given = M.shape
            csr = sp.csr_array(M, dtype=np.float64, copy=True)
        else:
            dense = np.asarray(M, dtype=np.float64)
            given = dense.shape
            csr = sp.csr_array(dense) if dense.ndim == 2 else None
    except (TypeError, ValueError, OverflowError):
        raise EconomyError(f"{_WHERE}: {what} must be a numeric {shape} matrix; "
                           f"got {shown(M)}") from None
    if csr is None or given != shape:
        raise EconomyError(f"{_WHERE}: {what} must have shape {shape}; got {given}")
    csr.sum_duplicates()
    bad = ~np.isfinite(csr.data) | (csr.data < 0)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        row = int(np.searchsorted(csr.indptr, k, side="right") - 1)
        raise EconomyError(
            f"{_WHERE}: {what}[{row_noun} {str(rows[row])!r}, activity "
            f"{str(cols[int(csr.indices[k])])!r}] must be a finite number >= 0; "
            f"got {float(csr.data[k])!r}"
        )
    csr.eliminate_zeros()
    for arr in (csr.data, csr.indices, csr.indptr):
        arr.flags.writeable = False
    return csr


def _vector(values: Any, size: int, what: str, ids: NDArray[np.str_], *, default: float,
            allow_inf: bool = False) -> FloatArray:
    if values is None:
        v = np.full(size, default)
    elif isinstance(values, str | bytes | Mapping):
        raise ParameterTypeError(f"{_WHERE}: {what} must be {size} numbers; "
                                 f"got {type(values).__name__} {shown(values)}")
    else:
        v = nonnegative(values, size, f"{_WHERE}: {what}",
                        lambda k: f"{_WHERE}: {what}[{str(ids[k])!r}]", EconomyError,
                        allow_inf=allow_inf)
    v.flags.writeable = False
    return v


def _words(values: Any, size: int, what: str, default: Sequence[str] = ()) -> tuple[str, ...]:
    """One string per entry; an empty sequence gives ``default`` (or empty strings)."""
    if values is None or isinstance(values, str | bytes | Mapping) or not isinstance(
            values, Iterable):
        raise ParameterTypeError(f"{_WHERE}: {what} must be a sequence of strings; "
                                 f"got {type(values).__name__} {shown(values)}")
    out = tuple(values)
    if not out:
        return tuple(default) or ("",) * size
    bad = next((w for w in out if not isinstance(w, str)), None)
    if bad is not None:
        raise EconomyError(f"{_WHERE}: {what} must be strings; got {type(bad).__name__} "
                           f"{shown(bad)}")
    if len(out) != size:
        raise EconomyError(f"{_WHERE}: {what} must have {size} entries; got {len(out)}")
    return tuple(str(w) for w in out)  # numpy's strings as plain ones


@dataclass(frozen=True, slots=True, eq=False)
class ActivityEconomy:
    """Products, the activities that make and use them, labour and other primary resources.

    Validated on construction (shapes, signs, finiteness, unique ids); arrays are
    read-only afterwards. Read a folder with
    :func:`gosplan.scenarios.activity_files.read_activity_economy`, build one from
    DataFrames with :func:`~gosplan.scenarios.activity_files.activity_economy_from_dataframes`.

    Examples
    --------
    Grain made two ways: by hand (labour 2) or with a tractor (labour 0.5, 1 tractor-hour).

    >>> e = ActivityEconomy(products=["grain"], activities=["hand", "tractor"],
    ...                     make=[[1.0, 1.0]], use=[[0.1, 0.1]], labour=[2.0, 0.5],
    ...                     resources=["tractor-hours"], resource_use=[[0.0, 1.0]],
    ...                     available=[10.0], labour_available=100.0)
    >>> e.n, e.m, e.net.toarray().tolist()
    (1, 2, [[0.9, 0.9]])
    """

    products: NDArray[np.str_] | Any
    """Product ids, shape ``(n,)``; unique, non-empty."""
    activities: NDArray[np.str_] | Any
    """Activity ids, shape ``(m,)``; unique, non-empty."""
    make: sp.csr_array | Any
    """Make matrix ``B``, sparse ``(n, m)``: units of product ``i`` made per unit of level ``j``."""
    use: sp.csr_array | Any
    """Use matrix ``U``, sparse ``(n, m)``: units of product ``i`` used per unit of level ``j``."""
    labour: FloatArray | Any = None
    """Labour per unit of level, shape ``(m,)`` (zeros when not given)."""
    resources: NDArray[np.str_] | Any = ()
    """Other primary resources (machines, land), shape ``(k,)``; may be empty."""
    resource_use: sp.csr_array | Any = None
    """Resource matrix ``R``, sparse ``(k, m)``: units of resource ``k`` per unit of level ``j``."""
    available: FloatArray | Any = None
    """Amount of each resource available, shape ``(k,)``; ``inf`` = unlimited."""
    capacity: FloatArray | Any = None
    """Highest level of each activity, shape ``(m,)``; ``inf`` = unlimited (the default)."""
    labour_available: float = float("inf")
    """Labour the economy can supply, in the labour coefficients' unit."""
    names: Sequence[str] = ()
    """Product names, in product order (empty: the ids serve)."""
    units: Sequence[str] = ()
    """Product units, in product order."""
    activity_names: Sequence[str] = ()
    """Activity names, in activity order."""
    activity_units: Sequence[str] = ()
    """Unit of each activity's level (machine-days, hectares sown ...)."""
    resource_units: Sequence[str] = ()
    """Unit of each resource."""
    labour_unit: str = ""
    """Unit of labour."""
    name: str = ""
    """A title for the economy."""
    metadata: Mapping[str, str] = field(default_factory=dict)
    """Free-form facts (year, source, description)."""

    def __post_init__(self) -> None:
        products = _ids(self.products, "products")
        activities = _ids(self.activities, "activities")
        resources = _ids(self.resources, "resources", empty_ok=True)
        n, m, k = products.shape[0], activities.shape[0], resources.shape[0]
        make = _matrix(self.make, (n, m), "make", products, activities, "product")
        use = _matrix(self.use, (n, m), "use", products, activities, "product")
        given_r = sp.csr_array((k, m)) if self.resource_use is None else self.resource_use
        resource_use = _matrix(given_r, (k, m), "resource_use", resources, activities,
                               "resource")
        labour = _vector(self.labour, m, "labour", activities, default=0.0)
        available = _vector(self.available, k, "available", resources, default=np.inf,
                            allow_inf=True)
        capacity = _vector(self.capacity, m, "capacity", activities, default=np.inf,
                           allow_inf=True)
        labour_available = number(self.labour_available, "labour_available", _WHERE,
                                  finite=False, expected="a number > 0")
        if not labour_available > 0:
            raise EconomyError(f"{_WHERE}: labour_available must be > 0; "
                               f"got {labour_available!r}")
        for what in ("name", "labour_unit"):
            instance(getattr(self, what), str, what, _WHERE)
        instance(self.metadata, Mapping, "metadata", _WHERE)
        put = object.__setattr__
        put(self, "products", products)
        put(self, "activities", activities)
        put(self, "resources", resources)
        put(self, "make", make)
        put(self, "use", use)
        put(self, "resource_use", resource_use)
        put(self, "labour", labour)
        put(self, "available", available)
        put(self, "capacity", capacity)
        put(self, "labour_available", labour_available)
        put(self, "names", _words(self.names, n, "names", products.tolist()))
        put(self, "units", _words(self.units, n, "units"))
        put(self, "activity_names",
            _words(self.activity_names, m, "activity_names", activities.tolist()))
        put(self, "activity_units", _words(self.activity_units, m, "activity_units"))
        put(self, "resource_units", _words(self.resource_units, k, "resource_units"))
        put(self, "metadata", dict(self.metadata))

    @property
    def n(self) -> int:
        """Number of products."""
        return int(self.products.shape[0])

    @property
    def m(self) -> int:
        """Number of activities."""
        return int(self.activities.shape[0])

    @property
    def net(self) -> sp.csr_array:
        """Net output per unit of level, ``B - U``, sparse ``(n, m)``."""
        net: sp.csr_array = sp.csr_array(self.make - self.use)
        return net

    @property
    def joint(self) -> bool:
        """Whether some activity makes more than one product (joint production)."""
        made = np.diff(sp.csc_array(self.make).indptr)
        return bool((made > 1).any())

    @classmethod
    def from_economy(cls, economy: Economy) -> ActivityEconomy:
        """The square economy as activities: one per product, ``B = I``, ``U = A``.

        Each activity bears its product's id; its capacity is the product's capacity.
        Capital and depreciation (multi-year matters) are not carried over.
        """
        instance(economy, Economy, "economy", "ActivityEconomy.from_economy")
        n = economy.n
        return cls(
            products=economy.products,
            activities=economy.products,
            make=sp.eye_array(n, format="csr"),
            use=economy.A,
            labour=economy.labour,
            capacity=economy.capacity,
            labour_available=economy.labour_available,
            names=tuple(economy.names),
            units=economy.units,
            activity_units=economy.units,
            labour_unit=economy.labour_unit,
            name=economy.name,
            metadata=economy.metadata,
        )

"""Economies from pandas DataFrames and from pymrio ``IOSystem`` objects.

pymrio (an optional extra) keeps multi-regional input–output systems as DataFrames indexed
by ``(region, sector)``; its coefficient matrix ``A`` has the same meaning as ours. Product
ids become ``"region/sector"`` for multi-level labels.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gosplan.core.economy import Economy
from gosplan.errors import EconomyError

__all__ = ["economy_from_dataframes", "economy_from_pymrio", "pymrio_final_demand"]


def _ids(index: pd.Index) -> list[str]:
    if isinstance(index, pd.MultiIndex):
        return ["/".join(str(part) for part in label) for label in index]
    return [str(label) for label in index]


def _aligned(values: Any, index: pd.Index, what: str) -> NDArray[np.float64] | None:
    if values is None:
        return None
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise EconomyError(f"{what}: must be one column; got {values.shape[1]}")
        values = values.iloc[:, 0]
    if isinstance(values, pd.Series):
        missing = index.difference(values.index)
        if len(missing):
            raise EconomyError(f"{what}: no value for product {missing[0]!r}")
        return values.reindex(index).to_numpy(dtype=np.float64)
    return np.asarray(values, dtype=np.float64)


def economy_from_dataframes(
    A: pd.DataFrame,
    *,
    labour: Any = None,
    capacity: Any = None,
    depreciation: Any = None,
    capital: pd.DataFrame | None = None,
    units: Any = None,
    **fields: Any,
) -> Economy:
    """Build an :class:`Economy` from a square DataFrame of technical coefficients.

    Parameters
    ----------
    A : DataFrame of shape (n, n)
        Technical coefficients; index (inputs) and columns (outputs) list the same products.
    labour, capacity, depreciation : Series indexed by product, or array of shape (n,)
        Per-product data, aligned on ``A.index``.
    capital : DataFrame of shape (n, n), optional
        Capital coefficients, aligned on ``A.index`` both ways.
    units : Series indexed by product, or sequence of str, optional
        Unit of each product.
    **fields
        Passed to :class:`Economy` (``name``, ``labour_available``, ``labour_unit`` ...).
    """
    if not A.index.equals(A.columns):
        raise EconomyError(
            "A: index (inputs) and columns (outputs) must list the same products in the same order"
        )
    index = A.index
    B = None
    if capital is not None:
        B = capital.reindex(index=index, columns=index, fill_value=0.0).to_numpy(np.float64)
    if isinstance(units, pd.Series):
        units = tuple(str(u) for u in units.reindex(index).fillna(""))
    return Economy(
        products=_ids(index),
        A=A.to_numpy(dtype=np.float64),
        labour=_aligned(labour, index, "labour"),
        capacity=_aligned(capacity, index, "capacity"),
        depreciation=_aligned(depreciation, index, "depreciation"),
        capital=B,
        units=tuple(units) if units is not None else (),
        **fields,
    )


def _stressor(io: Any, labour: str | tuple[str, str]) -> pd.Series:
    """Find the coefficient row ``S`` of a stressor such as ``"Value Added"``."""
    wanted_ext, wanted = (None, labour) if isinstance(labour, str) else labour
    for ext in io.get_extensions(data=True):
        if wanted_ext not in (None, ext.name):
            continue
        S = ext.S if getattr(ext, "S", None) is not None else ext.F.div(io.x.iloc[:, 0], axis=1)
        if wanted in S.index:
            row = S.loc[wanted]
            return row.iloc[0] if isinstance(row, pd.DataFrame) else row
    raise EconomyError(f"pymrio: no stressor {labour!r} in the system's extensions")


def economy_from_pymrio(
    io: Any, *, labour: str | tuple[str, str] | None = None, **fields: Any
) -> Economy:
    """Build an :class:`Economy` from a pymrio ``IOSystem``.

    Parameters
    ----------
    io : pymrio.IOSystem
        The system; if its coefficients ``A`` are not computed yet, a copy computes them.
    labour : str or (extension, stressor), optional
        The stressor whose coefficients serve as labour (for example ``"Value Added"``:
        then labour values are pymrio's value-added multipliers ``M``).
    **fields
        Passed to :class:`Economy` (``name``, ``labour_unit`` ...).

    Examples
    --------
    >>> import pymrio  # doctest: +SKIP
    >>> Economy.from_pymrio(pymrio.load_test(), labour="Value Added").n  # doctest: +SKIP
    48
    """
    if getattr(io, "A", None) is None:
        io = io.copy()
        io.calc_system()
    units = None
    unit = getattr(io, "unit", None)
    if isinstance(unit, pd.DataFrame) and "unit" in unit.columns:
        units = unit["unit"].reindex(io.A.index).fillna("").astype(str)
    coefficients = None if labour is None else _stressor(io, labour)
    fields.setdefault("name", str(getattr(io, "name", "") or "pymrio system"))
    return economy_from_dataframes(io.A, labour=coefficients, units=units, **fields)


def pymrio_final_demand(io: Any) -> NDArray[np.float64]:
    """Total final demand of a pymrio system, ``Y`` summed over its categories, shape (n,)."""
    return np.asarray(io.Y.sum(axis=1).to_numpy(dtype=np.float64))

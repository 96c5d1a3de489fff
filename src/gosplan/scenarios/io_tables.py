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

from gosplan.core.arguments import shown
from gosplan.core.economy import Economy
from gosplan.errors import EconomyError, ParameterTypeError

__all__ = ["economy_from_dataframes", "economy_from_pymrio", "pymrio_final_demand"]


def _ids(index: pd.Index) -> list[str]:
    if isinstance(index, pd.MultiIndex):
        return ["/".join(str(part) for part in label) for label in index]
    return [str(label) for label in index]


def _unknown(labels: pd.Index, index: pd.Index, what: str) -> None:
    extra = labels.difference(index)
    if len(extra):
        raise EconomyError(f"{what}: label {extra[0]!r} is not a product (a row of A)")
    if labels.has_duplicates:
        raise EconomyError(f"{what}: label {labels[labels.duplicated()][0]!r} appears more "
                           "than once")


def _numbers(frame: pd.DataFrame | pd.Series, what: str) -> NDArray[np.float64]:
    """The values as floats, naming the first column (or label) that holds no numbers."""
    try:
        return frame.to_numpy(dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        pass
    if isinstance(frame, pd.DataFrame):
        for column in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[column]):
                raise EconomyError(f"{what}: column {column!r} must hold numbers; got dtype "
                                   f"{frame[column].dtype}") from None
    else:
        for label, value in frame.items():
            try:
                float(value)
            except (TypeError, ValueError, OverflowError):
                raise EconomyError(f"{what}[{label!r}]: must be a number; got "
                                   f"{shown(value)}") from None
    raise EconomyError(f"{what}: must hold numbers")


def _aligned(values: Any, index: pd.Index, what: str) -> NDArray[np.float64] | None:
    if values is None:
        return None
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise EconomyError(f"{what}: must be one column; got {values.shape[1]}")
        values = values.iloc[:, 0]
    if isinstance(values, pd.Series):
        _unknown(values.index, index, what)
        missing = index.difference(values.index)
        if len(missing):
            raise EconomyError(f"{what}: no value for product {missing[0]!r}")
        return _numbers(values.reindex(index), what)
    if isinstance(values, str | bytes):
        raise ParameterTypeError(f"{what}: must be a Series indexed by product, or "
                                 f"{len(index)} numbers in the order of A; got str "
                                 f"{shown(values)}")
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise EconomyError(f"{what}: must be numbers; got {shown(values)}") from None


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
        Per-product data. A Series is matched to ``A.index`` by label (every product
        needs a value; a label that is no product is an error); an array is in the
        order of ``A``.
    capital : DataFrame, optional
        Capital coefficients, matched to ``A.index`` by label both ways; products it
        leaves out need no capital, labels that are no product are an error.
    units : Series indexed by product, or sequence of str, optional
        Unit of each product (a Series matched by label).
    **fields
        Passed to :class:`Economy` (``name``, ``labour_available``, ``labour_unit`` ...).
    """
    if not isinstance(A, pd.DataFrame):
        raise ParameterTypeError(f"from_dataframes: A must be a square DataFrame (index = "
                                 f"columns = products); got {type(A).__name__} {shown(A)}")
    if not A.index.equals(A.columns):
        raise EconomyError(
            "A: index (inputs) and columns (outputs) must list the same products in the same order"
        )
    index = A.index
    B = None
    if capital is not None:
        if not isinstance(capital, pd.DataFrame):
            raise ParameterTypeError(f"from_dataframes: capital must be a DataFrame (index "
                                     f"and columns: products) or None; got "
                                     f"{type(capital).__name__} {shown(capital)}")
        # By label both ways; products it leaves out need no capital.
        _unknown(capital.index, index, "capital (rows)")
        _unknown(capital.columns, index, "capital (columns)")
        _numbers(capital, "capital")
        B = capital.reindex(index=index, columns=index, fill_value=0.0).to_numpy(np.float64)
    if isinstance(units, pd.Series):
        _unknown(units.index, index, "units")
        units = tuple(str(u) for u in units.reindex(index).fillna(""))
    return Economy(
        products=_ids(index),
        A=_numbers(A, "A"),
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
    if not all(hasattr(io, name) for name in ("A", "Z", "x", "get_extensions")):
        raise ParameterTypeError(f"from_pymrio: io must be a pymrio IOSystem; got "
                                 f"{type(io).__name__} {shown(io)}")
    if labour is not None and not (isinstance(labour, str) or (
            isinstance(labour, tuple) and len(labour) == 2
            and all(isinstance(part, str) for part in labour))):
        raise ParameterTypeError(f"from_pymrio: labour must be a stressor name or "
                                 f"(extension, stressor), or None; got {type(labour).__name__} "
                                 f"{shown(labour)}")
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

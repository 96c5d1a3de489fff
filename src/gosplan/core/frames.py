"""Results as tables: the tidy frame, the xarray Dataset and the short summaries they show.

Every result's ``to_frame()`` is *tidy*: one row per product and quantity, with the columns

``[year,] [enterprise,] product, quantity, value, unit``

(``year``, a calendar year, only for results over years; ``enterprise`` only for results
by enterprise). ``quantity`` is the result's own field name (``"gross_output"``,
``"final_demand"``, ``"valuations"`` ...), ``unit`` the product's unit from the economy, or
the unit of the quantity itself (``"hours"``, ``"hours per unit"``). Rows are ids, never
positions. ``to_xarray()`` holds the same quantities as data variables over a ``product``
(or ``enterprise``) dimension, each with its unit in ``attrs["units"]``.

This is the core's one boundary to pandas and xarray: they are imported inside the
functions, only when a conversion is asked for, so ``import gosplan`` stays light and no
computation depends on them.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from gosplan.errors import MissingDependencyError

if TYPE_CHECKING:
    # The result modules name these types through this module: the core imports pandas and
    # xarray here only.
    from pandas import DataFrame as DataFrame
    from xarray import Dataset as Dataset

__all__ = [
    "COLUMNS",
    "PRODUCT_UNITS",
    "Quantity",
    "dataset",
    "html_table",
    "records",
    "short_repr",
    "tidy",
    "unit_of",
]

#: The columns of every tidy frame, after ``year`` and ``enterprise`` where they apply.
COLUMNS = ("product", "quantity", "value", "unit")

#: Unit of a quantity measured in each product's own unit (tonnes of steel, ...): what
#: ``dataset`` writes in ``attrs["units"]``; the units themselves are its ``unit`` coordinate.
PRODUCT_UNITS = "unit of each product"

#: One quantity of a result: its name, its values (shape ``(n,)``, or ``(years, n)`` for a
#: result over years; ``None`` when the result has none, and then it is left out) and its
#: unit (one string for all products, or one per product).
Quantity = tuple[str, ArrayLike | None, str | Sequence[str]]


def unit_of(unit: str, fallback: str) -> str:
    """``unit`` where it is given, else ``fallback`` (an economy without a labour unit ...)."""
    return unit if unit else fallback


def tidy(
    products: ArrayLike,
    quantities: Iterable[Quantity],
    *,
    years: ArrayLike | None = None,
    enterprises: ArrayLike | None = None,
) -> DataFrame:
    """A tidy frame: one row per (year, enterprise, product, quantity), in that nesting.

    Parameters
    ----------
    products
        Product id of each column of the values, shape ``(n,)`` (with ``enterprises``: the
        product each enterprise makes, shape ``(m,)``).
    quantities
        ``(name, values, unit)`` for each quantity, in the order the rows should take;
        those with values ``None`` are skipped.
    years
        Calendar years, shape ``(T,)``, for values of shape ``(T, n)``; adds a ``year`` column.
    enterprises
        Enterprise ids, parallel to ``products``; adds an ``enterprise`` column.

    Returns
    -------
    pandas.DataFrame
        Columns ``[year,] [enterprise,] product, quantity, value, unit``; ``value`` is float.
    """
    import pandas as pd

    ids = np.asarray(products, dtype=np.str_).reshape(-1).astype(object)
    n = ids.shape[0]
    who = None if enterprises is None else np.asarray(enterprises, dtype=np.str_).astype(object)
    when = None if years is None else np.asarray(years, dtype=np.int64).reshape(-1)
    parts: list[dict[str, Any]] = []
    for name, values, unit in quantities:
        if values is None:
            continue
        v = np.asarray(values, dtype=np.float64)
        rows = 1 if when is None else when.shape[0]
        v = v.reshape(rows, n)
        units = np.broadcast_to(np.asarray(unit, dtype=object), (n,))
        part: dict[str, Any] = {}
        if when is not None:
            part["year"] = np.repeat(when, n)
        if who is not None:
            part["enterprise"] = np.tile(who, rows)
        part |= {"product": np.tile(ids, rows), "quantity": np.full(rows * n, name, dtype=object),
                 "value": v.reshape(-1), "unit": np.tile(units, rows)}
        parts.append(part)
    keys = ([] if when is None else ["year"]) + ([] if who is None else ["enterprise"])
    columns = [*keys, *COLUMNS]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=float if c == "value" else object)
                             for c in columns})
    data = {c: np.concatenate([p[c] for p in parts]) for c in columns}
    frame = pd.DataFrame(data, columns=columns)
    frame["value"] = frame["value"].astype(np.float64)
    return frame


def records(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> DataFrame:
    """A frame of plain records (one row per bottleneck ...), with these columns in order."""
    import pandas as pd

    return pd.DataFrame(list(rows), columns=list(columns))


def dataset(
    labels: ArrayLike,
    quantities: Iterable[Quantity],
    *,
    dim: str = "product",
    years: ArrayLike | None = None,
    coords: Mapping[str, ArrayLike] | None = None,
    attrs: Mapping[str, Any] | None = None,
) -> Dataset:
    """An xarray Dataset: one data variable per quantity over ``dim`` (and ``year``).

    Parameters
    ----------
    labels
        Ids along ``dim``, shape ``(n,)``: products, or enterprises with ``dim="enterprise"``.
    quantities
        ``(name, values, unit)`` as for :func:`tidy`. A quantity in each product's own unit
        (a sequence of units) gets ``attrs["units"] = PRODUCT_UNITS`` and the units become
        the ``unit`` coordinate along ``dim``.
    dim
        Name of the dimension of ``labels``.
    years
        Calendar years for values of shape ``(T, n)``; adds a ``year`` dimension first.
    coords
        Further coordinates along ``dim`` (the product each enterprise makes ...).
    attrs
        Attributes of the Dataset (status, totals): numbers and strings (flags become 0
        or 1, as netCDF keeps no booleans).

    Raises
    ------
    MissingDependencyError
        If xarray is not installed (``pip install gosplan[xarray]``).
    """
    _need_xarray()
    import xarray as xr

    ids = np.asarray(labels, dtype=np.str_).reshape(-1)
    n = ids.shape[0]
    dims: tuple[str, ...] = (dim,) if years is None else ("year", dim)
    all_coords: dict[str, Any] = {dim: ids}
    if years is not None:
        all_coords["year"] = np.asarray(years, dtype=np.int64).reshape(-1)
    for name, along in (coords or {}).items():
        all_coords[name] = (dim, np.asarray(along))
    variables: dict[str, Any] = {}
    for name, values, unit in quantities:
        if values is None:
            continue
        v = np.asarray(values, dtype=np.float64)
        v = v.reshape(n) if years is None else v.reshape(-1, n)
        if isinstance(unit, str):
            units = unit
        else:
            all_coords["unit"] = (dim, np.asarray(unit, dtype=np.str_).reshape(n))
            units = PRODUCT_UNITS
        variables[name] = (dims, v, {"units": units})
    # netCDF keeps numbers and strings only: a flag is stored as 0 or 1.
    kept = {k: int(v) if isinstance(v, bool | np.bool_) else v for k, v in (attrs or {}).items()}
    return xr.Dataset(variables, coords=all_coords, attrs=kept)


def short_repr(kind: str, facts: Mapping[str, object]) -> str:
    """One line: ``Kind(status=solved, products=3, labour_required=412.5)``.

    Numbers are shown to six significant digits; ``None`` facts are left out.
    """
    shown = ", ".join(f"{k}={_show(v)}" for k, v in facts.items() if v is not None)
    return f"{kind}({shown})"


def html_table(title: str, rows: Iterable[tuple[str, object]]) -> str:
    """A small two-column HTML table (a notebook's summary), every text escaped.

    Parameters
    ----------
    title
        The caption.
    rows
        ``(label, value)`` pairs; numbers are shown to six significant digits.
    """
    body = "".join(
        f"<tr><th style=\"text-align:left\">{html.escape(str(label))}</th>"
        f"<td style=\"text-align:right\">{html.escape(_show(value))}</td></tr>"
        for label, value in rows
    )
    return f"<table><caption>{html.escape(title)}</caption><tbody>{body}</tbody></table>"


def _show(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        x = float(value)
        return f"{x:.6g}" if math.isfinite(x) else str(x)
    if value is None:
        return "—"
    return str(value)


def _need_xarray() -> None:
    try:
        import xarray  # noqa: F401
    except ImportError:
        raise MissingDependencyError(
            "to_xarray needs xarray, which is not installed; install it with "
            "pip install gosplan[xarray]"
        ) from None

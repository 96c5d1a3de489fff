"""Shared plumbing of the simulator's results: tidy files, xarray views, short summaries.

Runs, comparisons and ensembles each have a tidy ``to_frame()`` (one row per value, with
its unit) and a ``to_xarray()`` (the same values on labelled dimensions). The helpers here
keep the three alike: one table writer that picks the format by the file's suffix, one
conversion to xarray (imported only when asked for: it is an optional dependency), and one
small HTML table for notebooks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gosplan.core.frames import html_table
from gosplan.errors import MissingDependencyError, OutputError
from gosplan.scenarios.atomic import atomic_file

__all__ = [
    "TABLE_SUFFIXES",
    "check_table_path",
    "html_summary",
    "records",
    "to_data_array",
    "write_table",
    "xarray",
]

#: The file formats of a tidy table, by suffix.
TABLE_SUFFIXES = (".csv", ".parquet", ".json")


def check_table_path(path: str | Path, name: str = "--out") -> Path:
    """``path`` if its suffix names a table format (``.csv``, ``.parquet``, ``.json``).

    Raises
    ------
    OutputError
        Another suffix: one line naming the path, ``name`` (the flag or parameter) and the
        suffix found.
    """
    target = Path(path)
    if target.suffix.lower() not in TABLE_SUFFIXES:
        raise OutputError(
            f"{target}: {name} must end in .csv, .parquet or .json; "
            f"got {target.suffix or 'no suffix'!r}"
        )
    return target


def write_table(frame: pd.DataFrame, path: str | Path, name: str = "--out") -> Path:
    """Write a tidy ``frame`` to ``path`` as CSV, Parquet or JSON, by its suffix (atomically).

    JSON is a list of row objects (``orient="records"``), missing values as ``null``; all
    three read back with pandas to the same table (``pd.read_json(path, orient="records")``).
    """
    target = check_table_path(path, name)
    suffix = target.suffix.lower()
    with atomic_file(target) as tmp:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False)
        elif suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            tmp.write_text(json.dumps(records(frame), allow_nan=False) + "\n", encoding="utf-8")
    return target


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as plain JSON-ready dictionaries (NaN and inf as ``None``)."""
    out: list[dict[str, Any]] = []
    columns = [str(c) for c in frame.columns]
    for row in frame.itertuples(index=False, name=None):
        out.append({c: _plain(v) for c, v in zip(columns, row, strict=True)})
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if value is None or value is pd.NA:
        return None
    return str(value)


def xarray() -> Any:
    """The xarray module, imported on first use: an optional dependency.

    Raises
    ------
    MissingDependencyError
        xarray is not installed (an ``ImportError``; the message says how to add it).
    """
    try:
        import xarray as xr
    except ImportError:  # pragma: no cover - depends on the installation
        raise MissingDependencyError(
            "to_xarray needs xarray, which is not installed; install it with "
            "pip install gosplan[xarray]"
        ) from None
    return xr


def to_data_array(
    frame: pd.DataFrame,
    dims: Sequence[str],
    *,
    name: str = "value",
    attrs: dict[str, Any] | None = None,
    labels: Mapping[str, Sequence[Any]] | None = None,
) -> Any:
    """The ``value`` column of a tidy ``frame`` as an ``xarray.DataArray`` on ``dims``.

    Every combination of the dimensions' labels gets a cell (NaN where the frame has no
    row). The ``unit`` of each series becomes a coordinate along ``series``, so that a
    selection keeps its unit. ``frame`` must hold at most one row per combination.
    ``labels`` gives a dimension's labels (default: those found in ``frame``, sorted).
    """
    xr = xarray()
    indexed = frame.set_index(list(dims))["value"]
    if not indexed.index.is_unique:
        raise ValueError(f"to_xarray: more than one value for some {', '.join(dims)}")
    given = labels or {}
    axes = [list(given[d]) if d in given else sorted(frame[d].unique().tolist()) for d in dims]
    full = indexed.reindex(pd.MultiIndex.from_product(axes, names=list(dims)))
    values = full.to_numpy(dtype=np.float64).reshape([len(x) for x in axes])
    coords: dict[str, Any] = dict(zip(dims, axes, strict=True))
    if "series" in dims and "unit" in frame.columns:
        units = frame.drop_duplicates("series").set_index("series")["unit"].to_dict()
        coords["unit"] = ("series", [str(units.get(s, "")) for s in coords["series"]])
    return xr.DataArray(values, dims=list(dims), coords=coords, name=name, attrs=attrs or {})


def html_summary(title: str, rows: Sequence[tuple[str, str]]) -> str:
    """A small two-column HTML table (for ``_repr_html_``), every text escaped.

    The core's results' table (:func:`gosplan.core.frames.html_table`), so that all
    results look alike in a notebook.
    """
    return html_table(title, rows)

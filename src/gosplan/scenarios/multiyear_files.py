"""Files of a multi-year plan beside an economy folder: targets by year, labour, capital stocks.

Each is a long table (CSV or Parquet), optional, read only with ``--years``:

``targets.csv`` with a ``year`` column
    ``year,product,quantity``: each year's targets, calendar years one after another
    (1928 … 1932); a product a year leaves out gets 0. The first year numbers the plan.
``labour_path.csv``
    ``year,hours`` (or ``year,labour``): labour available in each year of the plan, in the
    economy's labour unit; every year of the plan once.
``capital_stock.csv``
    ``good,branch,stock``: the stock of ``good`` held by ``branch`` at the start (capital
    by good and branch; with it ``capacity.csv`` is not used). Every pair must have a
    capital coefficient in ``capital.csv`` (``input,output``); pairs left out hold none.
``depreciation.csv``
    ``good,branch,rate`` or ``good,rate``: the share of a stock lost a year; stocks left
    out lose their branch's rate from ``capacity.csv``. Only with ``capital_stock.csv``.

See docs/multiyear.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import NDArray

from gosplan.core.economy import Economy
from gosplan.errors import InputFileError
from gosplan.scenarios.tables import check_values, ids_to_positions, read_table

__all__ = [
    "DEPRECIATION_FILE",
    "LABOUR_FILE",
    "STOCK_FILE",
    "MultiYearFiles",
    "has_year_column",
    "read_multiyear_files",
]

FloatArray = NDArray[np.float64]
LABOUR_FILE = "labour_path.csv"
STOCK_FILE = "capital_stock.csv"
DEPRECIATION_FILE = "depreciation.csv"
#: Most years a targets file may hold (as many as a plan may cover).
MAX_FILE_YEARS = 200


@dataclass(frozen=True, slots=True, eq=False)
class MultiYearFiles:
    """What the files beside an economy add to a multi-year plan (``None``: no file)."""

    targets: FloatArray | None
    """Targets by year ``(T, n)``, where the targets file has a ``year`` column."""
    first_year: int | None
    """The first year of those targets."""
    labour_path: FloatArray | None
    """Labour available each year ``(T,)``."""
    capital_stock: sp.csc_array | None
    capital_depreciation: sp.csc_array | None


def has_year_column(path: Path) -> bool:
    """Whether a CSV or Parquet table has a ``year`` column (``False`` if unreadable)."""
    try:
        if path.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            return "year" in pq.read_schema(path).names
        if path.suffix.lower() == ".csv":
            return "year" in [c.strip() for c in pd.read_csv(path, nrows=0).columns]
    except (OSError, ValueError, pd.errors.ParserError, UnicodeDecodeError):
        return False
    return False


def read_multiyear_files(folder: Path, economy: Economy, targets: Path | None,
                         years: int | None) -> MultiYearFiles:
    """Read the multi-year files of ``folder`` (see the module docstring).

    ``targets`` is the targets file the plan uses; ``years`` the number of years asked
    for (``None``: as many as the targets file holds).
    """
    y = first = None
    if targets is not None and has_year_column(targets):
        y, first = _targets(targets, economy)
        if years is not None and years != y.shape[0]:
            raise InputFileError(f"{targets}: holds {y.shape[0]} years ({first}…"
                                 f"{first + y.shape[0] - 1}); --years asks for {years}")
    labour = None
    if (folder / LABOUR_FILE).is_file():
        T = y.shape[0] if y is not None else years
        if T is None:
            raise InputFileError(f"{folder / LABOUR_FILE}: give --years or targets by year")
        start = first if first is not None else _economy_year(economy)
        labour = _labour(folder / LABOUR_FILE, start, T)
    stock = depreciation = None
    if (folder / STOCK_FILE).is_file():
        stock = _stock(folder / STOCK_FILE, economy)
        depreciation = _depreciation(folder / DEPRECIATION_FILE, economy)
    elif (folder / DEPRECIATION_FILE).is_file():
        raise InputFileError(f"{folder / DEPRECIATION_FILE}: depreciation by good applies to "
                             f"capital stocks by good and branch: add {STOCK_FILE}")
    return MultiYearFiles(y, first, labour, stock, depreciation)


def _economy_year(economy: Economy) -> int:
    year = str(economy.metadata.get("year", "")).strip()
    return int(year) if year.lstrip("-").isdigit() else 1


def _positions(cols: dict[str, NDArray[Any]], name: str, economy: Economy,
               label: str) -> NDArray[np.int64]:
    return ids_to_positions(cols[name], pd.Index(economy.products), label=label, column=name,
                            what="the economy")


def _targets(path: Path, economy: Economy) -> tuple[FloatArray, int]:
    label = str(path)
    cols = read_table(path, [("year", "index"), ("product", "id"), ("quantity", "number")])
    check_values(cols["quantity"], label=label, column="quantity")
    years = cols["year"]
    if years.size == 0:
        raise InputFileError(f"{label}: no rows; expected year,product,quantity")
    first, last = int(years.min()), int(years.max())
    if last - first + 1 > MAX_FILE_YEARS:
        raise InputFileError(f"{label}: years {first}…{last} are more than "
                             f"{MAX_FILE_YEARS}, the most a plan may cover")
    missing = sorted(set(range(first, last + 1)) - set(years.tolist()))
    if missing:
        raise InputFileError(f"{label}: years must follow one another from {first} to "
                             f"{last}; no row has year {missing[0]}")
    pos = _positions(cols, "product", economy, label)
    key = (years - first) * economy.n + pos
    _repeats(key, label, "year and product")
    y = np.zeros((last - first + 1, economy.n))
    y[years - first, pos] = cols["quantity"]
    return y, first


def _labour(path: Path, first: int, T: int) -> FloatArray:
    label = str(path)
    cols = read_table(path, [("year", "index"),
                             [[("hours", "number")], [("labour", "number")]]])
    column = "hours" if "hours" in cols else "labour"
    check_values(cols[column], label=label, column=column)
    years = cols["year"]
    _repeats(years, label, "year")
    wanted = set(range(first, first + T))
    missing = sorted(wanted - set(years.tolist()))
    if missing:
        raise InputFileError(f"{label}: no row for year {missing[0]} (the plan covers "
                             f"{first}…{first + T - 1})")
    out = np.zeros(T)
    keep = (years >= first) & (years < first + T)
    out[years[keep] - first] = cols[column][keep]
    return out


def _pairs(path: Path, economy: Economy, column: str
           ) -> tuple[NDArray[np.int64], NDArray[np.int64], FloatArray]:
    label = str(path)
    cols = read_table(path, [("good", "id"), ("branch", "id"), (column, "number")])
    check_values(cols[column], label=label, column=column,
                 upper=1.0 if column == "rate" else np.inf)
    i = _positions(cols, "good", economy, label)
    j = _positions(cols, "branch", economy, label)
    _repeats(i * economy.n + j, label, "good and branch")
    B = sp.csc_array(economy.capital)
    needed = np.asarray(B[i, j]).ravel() > 0 if i.size else np.zeros(0, dtype=bool)
    if not needed.all():
        row = int(np.flatnonzero(~needed)[0])
        raise InputFileError(f"{label}: row {row + 1}, branch {str(cols['branch'][row])!r} "
                             f"needs none of good {str(cols['good'][row])!r} (no capital "
                             "coefficient for the pair in capital.csv)")
    return i, j, cols[column]


def _stock(path: Path, economy: Economy) -> sp.csc_array:
    if economy.capital is None:
        raise InputFileError(f"{path}: the economy has no capital.csv (input,output,"
                             "coefficient), which stocks by good and branch need")
    i, j, v = _pairs(path, economy, "stock")
    return sp.csc_array((v, (i, j)), shape=(economy.n, economy.n))


def _depreciation(path: Path, economy: Economy) -> sp.csc_array:
    """δ[i, j] on the capital pattern: the branch's rate unless the file says otherwise."""
    # A copy: the economy's arrays are read-only, which scipy's conversion refuses.
    B = sp.csr_array(economy.capital, copy=True).tocoo()
    branch_rate = np.asarray(economy.depreciation, dtype=np.float64)
    rate = {(int(a), int(b)): float(branch_rate[b]) for a, b in zip(B.row, B.col, strict=True)}
    if path.is_file():
        if "branch" in _columns(path):
            i, j, v = _pairs(path, economy, "rate")
            rate.update({(int(a), int(b)): float(r) for a, b, r in zip(i, j, v, strict=True)})
        else:
            label = str(path)
            cols = read_table(path, [("good", "id"), ("rate", "number")])
            check_values(cols["rate"], label=label, column="rate", upper=1.0)
            g = _positions(cols, "good", economy, label)
            _repeats(g, label, "good")
            by_good = dict(zip(g.tolist(), cols["rate"].tolist(), strict=True))
            rate = {k: by_good.get(k[0], r) for k, r in rate.items()}
    keys = list(rate)
    rows = np.array([k[0] for k in keys], dtype=np.int64)
    cols_ = np.array([k[1] for k in keys], dtype=np.int64)
    # Explicit zeros are kept: a stock that does not wear out is still a stock.
    return sp.csc_array((np.array(list(rate.values())), (rows, cols_)),
                        shape=(economy.n, economy.n))


def _columns(path: Path) -> list[str]:
    try:
        if path.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            return list(pq.read_schema(path).names)
        return [c.strip() for c in pd.read_csv(path, nrows=0).columns]
    except (OSError, ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot be read as a table ({exc})") from None


def _repeats(keys: NDArray[np.int64], label: str, field: str) -> None:
    order = np.argsort(keys, kind="stable")
    dup = np.flatnonzero(np.diff(keys[order]) == 0)
    if dup.size:
        row = int(order[dup[0] + 1]) + 1
        raise InputFileError(f"{label}: row {row}, {field} repeat an earlier row")

"""Reading long-form tables (CSV or Parquet) into validated numpy columns.

Every problem becomes one :class:`~gosplan.errors.InputFileError` naming the file, the
column and row, and the value found. Rows are counted from 1, not counting the header.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gosplan.errors import InputFileError
from gosplan.scenarios.memo import Memo, stamp

__all__ = ["Column", "Table", "ids_to_positions", "read_column", "read_table"]

#: A column spec: (name, kind) with kind "id" (text), "text" (text, may be empty),
#: "index" (integer >= 0) or "number".
Column = tuple[str, str]
Table = dict[str, NDArray[Any]]


def read_table(
    path: Path,
    columns: Sequence[Column | list[list[Column]]],
    *,
    optional: Sequence[Column] = (),
    where: str | None = None,
) -> Table:
    """Read ``path`` (``.csv`` or ``.parquet``) and return the named columns as arrays.

    Parameters
    ----------
    path
        The table's file.
    columns
        Each entry is a column spec ``(name, kind)``, or a sequence of alternative groups of
        specs where the first group whose columns are all present is used (for example
        ``input,output`` ids or ``input_index,output_index`` positions).
    where
        How to name the file in messages (defaults to ``path``).
    optional
        Column specs read only when the table has them.
    """
    label = where or str(path)
    files = stamp([path])
    key = None if files is None else (files, repr(columns), tuple(optional), label)
    table = _TABLES.get(key, lambda: _read(path, columns, optional, label))
    # The caller owns the arrays it gets.
    return {name: column.copy() for name, column in table.items()}


_TABLES: Memo[Hashable, Table] = Memo(64)


def _read(
    path: Path, columns: Sequence[Column | list[list[Column]]], optional: Sequence[Column],
    label: str,
) -> Table:
    frame = _load(path, label)
    out: Table = {}
    for spec in columns:
        alternatives = [[spec]] if isinstance(spec, tuple) else spec
        chosen = next((g for g in alternatives if all(c in frame.columns for c, _ in g)), None)
        if chosen is None:
            wanted = " or ".join(",".join(c for c, _ in g) for g in alternatives)
            raise InputFileError(
                f"{label}: missing column {wanted}; got columns {','.join(map(str, frame.columns))}"
            )
        for name, kind in chosen:
            out[name] = read_column(frame[name], name, kind, label)
    for name, kind in optional:
        if name in frame.columns:
            out[name] = read_column(frame[name], name, kind, label)
    return out


def _load(path: Path, label: str) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputFileError(f"{label}: table must be a .csv or .parquet file; got {path.name!r}")
    if not path.is_file():
        raise InputFileError(f"{label}: file not found")
    try:
        if suffix == ".csv":
            return pd.read_csv(
                path,
                skipinitialspace=True,
                comment=None,
                dtype=object,
                keep_default_na=False,
                na_values=[""],
            )
        return pd.read_parquet(path)
    except (ValueError, OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputFileError(f"{label}: cannot be read as a {suffix[1:]} table ({first})") from None


#: Python types pandas infers for object columns that must not pass as numbers or ids.
_NOT_DATA = frozenset(
    ["boolean", "datetime", "datetime64", "date", "time", "timedelta", "timedelta64",
     "period", "interval", "bytes"]
)


def _check_dtype(series: pd.Series, name: str, kind: str, label: str) -> None:
    """Refuse a column whose type is not text or numbers (Parquet can hold any type).

    pandas would turn timestamps, durations and booleans into numbers without a word.
    """
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        ok = kind in ("id", "text") and dtype.categories.dtype.kind in "OUSiu"
    elif dtype.kind == "O" or dtype.kind in "US":
        ok = pd.api.types.infer_dtype(series, skipna=True) not in _NOT_DATA
    else:
        ok = dtype.kind in ("iu" if kind in ("id", "text") else "iuf")
    if not ok:
        wanted = "text (ids)" if kind in ("id", "text") else "numbers"
        raise InputFileError(f"{label}: column {name} must hold {wanted}; got dtype {dtype}")


def read_column(series: pd.Series, name: str, kind: str, label: str) -> NDArray[Any]:
    """One column of a table as an array of its ``kind``, its type checked first."""
    _check_dtype(series, name, kind, label)
    if kind in ("id", "text"):
        values = series.to_numpy()
        missing = pd.isna(values)
        if kind == "text" and missing.any():  # free text may be left empty
            values = np.where(missing, "", values)
        elif missing.any():
            row = int(np.flatnonzero(missing)[0]) + 1
            raise InputFileError(f"{label}: row {row}, {name} is empty")
        text = values.astype(str)
        return np.char.strip(text) if text.dtype.kind == "U" and text.size < 1_000_000 else text
    numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    bad = np.isnan(numbers)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputFileError(
            f"{label}: row {row + 1}, {name} must be a number; got {series.iloc[row]!r}"
        )
    if kind == "index":
        wrong = (numbers < 0) | (numbers != np.floor(numbers))
        if wrong.any():
            row = int(np.flatnonzero(wrong)[0])
            raise InputFileError(
                f"{label}: row {row + 1}, {name} must be a whole number >= 0; "
                f"got {series.iloc[row]!r}"
            )
        return numbers.astype(np.int64)
    return numbers


def ids_to_positions(
    ids: NDArray[Any], index: pd.Index, *, label: str, column: str, what: str
) -> NDArray[np.int64]:
    """Map product ids to positions in the product order, or say which one is unknown."""
    pos = index.get_indexer(pd.Index(ids))
    unknown = pos < 0
    if unknown.any():
        row = int(np.flatnonzero(unknown)[0])
        raise InputFileError(
            f"{label}: row {row + 1}, {column} {str(ids[row])!r} is not a product of {what}"
        )
    return np.asarray(pos, dtype=np.int64)


def check_positions(
    pos: NDArray[np.int64], n: int, *, label: str, column: str
) -> NDArray[np.int64]:
    """Check integer product positions are within ``[0, n)``."""
    wrong = pos >= n
    if wrong.any():
        row = int(np.flatnonzero(wrong)[0])
        raise InputFileError(
            f"{label}: row {row + 1}, {column} must be < {n} (the number of products); "
            f"got {int(pos[row])}"
        )
    return pos


def check_values(
    values: NDArray[np.float64],
    *,
    label: str,
    column: str,
    upper: float = np.inf,
    allow_inf: bool = False,
) -> NDArray[np.float64]:
    """Check numbers are finite (or ``+inf`` where allowed) and within ``[0, upper]``."""
    ok = (
        (values >= 0) & (values <= upper) & (np.isfinite(values) | (allow_inf & (values == np.inf)))
    )
    if not ok.all():
        row = int(np.flatnonzero(~ok)[0])
        bound = f"in [0, {upper:g}]" if np.isfinite(upper) else ">= 0"
        kind = "a number" if allow_inf else "a finite number"
        raise InputFileError(
            f"{label}: row {row + 1}, {column} must be {kind} {bound}; got {float(values[row])!r}"
        )
    return values

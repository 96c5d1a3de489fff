"""Read supply (make) and use tables from CSV files, as gosplan writes them or as published.

A folder holds ``make.csv`` and ``use.csv``, and optionally ``supply_use.toml`` that says
how published tables are laid out (docs/supply-use.md). Without the TOML file the layout
is gosplan's own:

- ``make.csv``: one row per industry (first column its id), one column per commodity;
- ``use.csv``: one row per commodity (first column its id), one column per industry;
  optional columns ``final_demand``, ``exports`` and ``imports`` and optional rows
  ``value_added`` and ``compensation``.

With the TOML file, the tables may be the other way round (a supply table, commodities in
rows, as the BEA and the SNA publish it), carry total rows and columns to ignore, mark
suppressed cells (the BEA's ``---``, the ABS's ``n.p.``, read as 0 and counted), name
final demand columns by their published names or codes, and rename codes to names.
Every cell must be a number; a bad one is refused with the file, row, column and value.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gosplan.core.supply_use import SupplyUse, transfer_negatives
from gosplan.errors import EconomyError, InputFileError, ParameterTypeError
from gosplan.scenarios.keys import check_keys, did_you_mean
from gosplan.scenarios.loader import read_toml

__all__ = ["MAX_TABLE_BYTES", "MAX_TABLE_CELLS", "read_supply_use"]

FloatArray = NDArray[np.float64]
#: Largest make or use file read, checked before reading.
MAX_TABLE_BYTES = 32 * 2**20
#: Most cells (rows × columns) of one table.
MAX_TABLE_CELLS = 4_000_000
_TOP = ("name", "unit", "negatives", "suppressed", "metadata", "make", "use")
_MAKE = ("file", "rows", "row_labels", "ignore_rows", "ignore_columns", "imports",
         "total_supply", "adjustments", "rename_columns")
_USE = ("file", "row_labels", "ignore_rows", "ignore_columns", "final_demand", "exports",
        "imports", "value_added", "compensation", "rename_columns")


@dataclass(frozen=True, slots=True)
class _Grid:
    """A CSV table: row labels, column labels and the cells as text."""

    path: Path
    rows: list[str]
    columns: list[str]
    cells: list[list[str]]

    def where(self, r: int, c: int) -> str:
        return f"{self.path}: row {self.rows[r]!r}, column {self.columns[c]!r}"


def read_supply_use(folder: str | Path) -> SupplyUse:
    """Read ``make.csv``, ``use.csv`` and the optional ``supply_use.toml`` of ``folder``.

    Raises
    ------
    InputFileError
        A missing or oversized file, a ragged row, a cell that is not a number, a
        negative make or use entry (unless ``negatives = "transfer"``), a commodity or
        industry one table has and the other lacks: one line naming file, row, column
        and value.
    """
    if not isinstance(folder, str | Path):
        raise ParameterTypeError(f"read_supply_use: folder must be a path; got "
                                 f"{type(folder).__name__} {folder!r}"[:200])
    folder = Path(folder)
    if not folder.is_dir():
        raise InputFileError(f"{folder}: not a folder with make.csv and use.csv")
    spec_path = folder / "supply_use.toml"
    spec: dict[str, Any] = read_toml(spec_path) if spec_path.is_file() else {}
    label = str(spec_path)
    check_keys(spec, _TOP, label)
    make_spec = _table(spec, "make", _MAKE, label)
    use_spec = _table(spec, "use", _USE, label)
    suppressed = tuple(_strings(spec.get("suppressed", []), "suppressed", label))
    negatives = spec.get("negatives", "refuse")
    if negatives not in ("refuse", "transfer"):
        raise InputFileError(f"{label}: negatives must be 'refuse' or 'transfer'; "
                             f"got {negatives!r}")
    for key in ("name", "unit"):
        if not isinstance(spec.get(key, ""), str):
            raise InputFileError(f"{label}: {key} must be a string; got {spec[key]!r}")
    counts: dict[str, int] = {}
    make = _grid(_file(folder, make_spec, "make", label), make_spec, None, label)
    by_rows = make_spec.get("rows", "industries")
    if by_rows not in ("industries", "commodities"):
        raise InputFileError(f"{label}: [make] rows must be 'industries' or 'commodities'; "
                             f"got {by_rows!r}")
    make_values = _numbers(make, suppressed, counts)
    trade_cols = _trade_columns(make_spec, by_rows, label)
    make_values, split = _split(make, make_values, trade_cols)
    make_imports = _make_imports(make_values, split, make_spec)
    if by_rows == "industries":
        industries, commodities, V = make.rows, make.columns, make_values
    else:
        industries, commodities, V = make.columns, make.rows, make_values.T
    use = _grid(_file(folder, use_spec, "use", label), use_spec, commodities, label)
    roles = _use_roles(use, use_spec, label)
    U_all = _numbers(use, suppressed, counts)
    table = _assemble(use, U_all, roles, industries, commodities, V)
    V, U = table["make"], table["use"]
    if negatives == "transfer":
        V, U, moved = transfer_negatives(V, U)
        if moved:
            counts["negative entries transferred"] = moved
    else:
        _refuse_negatives(make, make_values, use, U, table, by_rows)
    # The make table's commodities are the table's, in its order.
    imports = make_imports if make_imports is not None else table["imports"]
    metadata = {str(k): str(v) for k, v in _metadata(spec, label).items()}
    value_added = table["value_added"]
    if use_spec.get("value_added") == "residual":
        residual = V.sum(axis=1) - U.sum(axis=0)
        below = int(np.count_nonzero(residual < 0))
        if below:
            counts["industries using more than they make (value added set to 0)"] = below
        value_added = np.maximum(residual, 0.0)
    final_demand = table["final_demand"]
    if use_spec.get("final_demand") == "residual":
        final_demand = V.sum(axis=0) - U.sum(axis=1)
    final_demand = _clipped(final_demand, "final demand", counts)
    exports = _clipped(table["exports"], "exports", counts)
    imports = _clipped(imports, "imports", counts)
    metadata.update({k: str(v) for k, v in counts.items()})
    try:
        return SupplyUse(
            commodities=table["commodities"], industries=table["industries"], make=V, use=U,
            value_added=value_added, compensation=table["compensation"],
            final_demand=final_demand, exports=exports, imports=imports,
            unit=str(spec.get("unit", "millions of dollars")), name=str(spec.get("name", "")),
            metadata=metadata)
    except EconomyError as exc:
        raise InputFileError(f"{folder}: {exc}") from None


def _table(spec: Mapping[str, Any], key: str, allowed: Sequence[str], label: str
           ) -> dict[str, Any]:
    part = spec.get(key, {})
    if not isinstance(part, Mapping):
        raise InputFileError(f"{label}: [{key}] must be a table; got {part!r}")
    check_keys(part, allowed, f"{label}: [{key}]")
    return dict(part)


def _file(folder: Path, spec: Mapping[str, Any], key: str, label: str) -> Path:
    """The table's file: a plain name inside the folder (never a path out of it)."""
    name = spec.get("file", f"{key}.csv")
    if not isinstance(name, str) or not name or Path(name).name != name or name in (".", ".."):
        raise InputFileError(f"{label}: [{key}] file must be a file name in the folder; "
                             f"got {name!r}")
    return folder / name


def _strings(value: Any, what: str, label: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputFileError(f"{label}: {what} must be a string or a list of strings; "
                             f"got {value!r}")
    return list(value)


def _metadata(spec: Mapping[str, Any], label: str) -> Mapping[str, Any]:
    meta = spec.get("metadata", {})
    if not isinstance(meta, Mapping):
        raise InputFileError(f"{label}: [metadata] must be a table; got {meta!r}")
    return meta


def _grid(path: Path, spec: Mapping[str, Any], commodities: list[str] | None,
          label: str) -> _Grid:
    """Read a CSV file into labelled text cells; blank lines and ignored rows/columns go."""
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        raise InputFileError(f"{path}: {size:,} bytes is more than a supply or use table may "
                             f"hold ({MAX_TABLE_BYTES:,})")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            lines = [row for row in csv.reader(fh) if any(cell.strip() for cell in row)]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputFileError(f"{path}: not a readable CSV file ({exc})") from None
    if len(lines) < 2:
        raise InputFileError(f"{path}: needs a header and at least one row; got "
                             f"{len(lines)} line{'s' if len(lines) != 1 else ''}")
    header = [cell.strip() for cell in lines[0]]
    if len(lines) * len(header) > MAX_TABLE_CELLS:
        raise InputFileError(f"{path}: {len(lines):,} rows × {len(header):,} columns is more "
                             f"than a table may hold ({MAX_TABLE_CELLS:,} cells)")
    positional = spec.get("row_labels") == "commodities"
    if spec.get("row_labels") not in (None, "first column", "commodities"):
        raise InputFileError(f"{label}: row_labels must be 'first column' or 'commodities'; "
                             f"got {spec.get('row_labels')!r}")
    width = len(header)
    for k, row in enumerate(lines[1:], start=2):
        if len(row) != width:
            raise InputFileError(f"{path}: line {k} has {len(row)} cells; the header has "
                                 f"{width} (a ragged table)")
    body = lines[1:]
    if positional:
        if commodities is None:
            raise InputFileError(f"{label}: row_labels = 'commodities' applies to [use] only")
        if len(body) != len(commodities):
            raise InputFileError(f"{path}: row_labels = 'commodities' needs one row per "
                                 f"commodity of the make table ({len(commodities)}); got "
                                 f"{len(body)}")
        rows, columns, cells = list(commodities), header, [[c.strip() for c in r] for r in body]
    else:
        rows = [r[0].strip() for r in body]
        columns = header[1:]
        cells = [[c.strip() for c in r[1:]] for r in body]
    rename = spec.get("rename_columns", {})
    if not isinstance(rename, Mapping):
        raise InputFileError(f"{label}: rename_columns must be a table; got {rename!r}")
    if not all(isinstance(v, str) for v in rename.values()):
        raise InputFileError(f"{label}: rename_columns must map codes to names (strings)")
    columns = [str(rename.get(c, c)) for c in columns]
    ignore_rows = set(_strings(spec.get("ignore_rows", []), "ignore_rows", label))
    ignore_cols = set(_strings(spec.get("ignore_columns", []), "ignore_columns", label))
    keep_c = [k for k, c in enumerate(columns) if c not in ignore_cols]
    keep_r = [k for k, r in enumerate(rows) if r not in ignore_rows]
    grid = _Grid(path, [rows[k] for k in keep_r], [columns[k] for k in keep_c],
                 [[cells[r][c] for c in keep_c] for r in keep_r])
    for what, labels in (("row", grid.rows), ("column", grid.columns)):
        seen: set[str] = set()
        for name in labels:
            if name == "":
                raise InputFileError(f"{path}: a {what} has no label (list \"\" in "
                                     f"ignore_{what}s of {label} to skip it)")
            if name in seen:
                raise InputFileError(f"{path}: {what} {name!r} appears more than once")
            seen.add(name)
    return grid


def _numbers(grid: _Grid, suppressed: tuple[str, ...], counts: dict[str, int]
             ) -> FloatArray:
    """The cells as numbers, suppressed ones as 0 (and counted)."""
    out = np.zeros((len(grid.rows), len(grid.columns)))
    hidden = 0
    for r, row in enumerate(grid.cells):
        for c, cell in enumerate(row):
            if cell in suppressed:
                hidden += 1
                continue
            try:
                out[r, c] = float(cell.replace(" ", ""))
            except ValueError:
                raise InputFileError(f"{grid.where(r, c)}: must be a number; got "
                                     f"{cell!r}") from None
            if not np.isfinite(out[r, c]):
                raise InputFileError(f"{grid.where(r, c)}: must be a finite number; got "
                                     f"{cell!r}")
    if hidden:
        counts[f"suppressed cells in {grid.path.name} (read as 0)"] = hidden
    return out


def _trade_columns(spec: Mapping[str, Any], by_rows: str, label: str) -> list[str]:
    """The make table's columns that are not industries: imports and total supply."""
    names = [spec[k] for k in ("imports", "total_supply") if k in spec]
    names += _strings(spec.get("adjustments", []), "adjustments", label)
    if names and by_rows != "commodities":
        raise InputFileError(f"{label}: [make] imports, total_supply and adjustments need "
                             "rows = 'commodities' (columns by commodity)")
    if "imports" in spec and "total_supply" in spec:
        raise InputFileError(f"{label}: [make] give imports or total_supply, not both")
    if "adjustments" in spec and "total_supply" not in spec:
        raise InputFileError(f"{label}: [make] adjustments need total_supply")
    return [str(n) for n in names]


def _split(grid: _Grid, values: FloatArray, names: list[str]
           ) -> tuple[FloatArray, dict[str, FloatArray]]:
    """Take the named columns out of ``grid`` and ``values``."""
    taken: dict[str, FloatArray] = {}
    for name in names:
        if name not in grid.columns:
            raise InputFileError(f"{grid.path}: no column {name!r}"
                                 f"{did_you_mean(name, grid.columns)}")
        k = grid.columns.index(name)
        taken[name] = values[:, k].copy()
        values = np.delete(values, k, axis=1)
        grid.columns.pop(k)
        for row in grid.cells:
            row.pop(k)
    return values, taken


def _make_imports(values: FloatArray, split: dict[str, FloatArray], spec: Mapping[str, Any]
                  ) -> FloatArray | None:
    """Imports by commodity: a column, or total supply less home output and adjustments."""
    if "imports" in spec:
        return split[str(spec["imports"])]
    if "total_supply" not in spec:
        return None
    out: FloatArray = split[str(spec["total_supply"])] - values.sum(axis=1)
    for name in _strings(spec.get("adjustments", []), "adjustments", ""):
        out = out - split[name]
    return out


def _use_roles(use: _Grid, spec: Mapping[str, Any], label: str) -> dict[str, list[str]]:
    """Which columns and rows of the use table are final demand, trade, value added."""
    defaults = {"final_demand": ["final_demand"], "exports": ["exports"],
                "imports": ["imports"], "value_added": ["value_added"],
                "compensation": ["compensation"]}
    roles: dict[str, list[str]] = {}
    for key, default in defaults.items():
        if key in spec:
            if key in ("value_added", "final_demand") and spec[key] == "residual":
                roles[key] = []
                continue
            names = _strings(spec[key], key, label)
            labels = use.rows if key in ("value_added", "compensation") else use.columns
            for name in names:
                if name not in labels:
                    axis = "row" if key in ("value_added", "compensation") else "column"
                    raise InputFileError(f"{use.path}: no {axis} {name!r} ({key} in {label})"
                                         f"{did_you_mean(name, labels)}")
            roles[key] = names
        else:
            labels = use.rows if key in ("value_added", "compensation") else use.columns
            roles[key] = [d for d in default if d in labels]
    return roles


def _assemble(use: _Grid, values: FloatArray, roles: dict[str, list[str]],
              industries: list[str], commodities: list[str], V: FloatArray
              ) -> dict[str, Any]:
    """Match the use table to the make table by label; split off its roles."""
    role_cols = {c for k in ("final_demand", "exports", "imports") for c in roles[k]}
    role_rows = {r for k in ("value_added", "compensation") for r in roles[k]}
    col_at = {c: k for k, c in enumerate(use.columns)}
    row_at = {r: k for k, r in enumerate(use.rows)}
    for c in use.columns:
        if c not in role_cols and c not in industries:
            raise InputFileError(f"{use.path}: column {c!r} is not an industry of the make "
                                 f"table{did_you_mean(c, industries)}")
    for r in use.rows:
        if r not in role_rows and r not in commodities:
            raise InputFileError(f"{use.path}: row {r!r} is not a commodity of the make "
                                 f"table{did_you_mean(r, commodities)}")
    for j in industries:
        if j not in col_at:
            raise InputFileError(f"{use.path}: industry {j!r} of the make table has no column")
    for i in commodities:
        if i not in row_at:
            raise InputFileError(f"{use.path}: commodity {i!r} of the make table has no row")
    ri = [row_at[i] for i in commodities]
    ci = [col_at[j] for j in industries]

    def columns(names: list[str]) -> FloatArray | None:
        if not names:
            return None
        out: FloatArray = values[np.ix_(ri, [col_at[c] for c in names])].sum(axis=1)
        return out

    def rows(names: list[str]) -> FloatArray | None:
        if not names:
            return None
        out: FloatArray = values[np.ix_([row_at[r] for r in names], ci)].sum(axis=0)
        return out

    return {
        "commodities": commodities, "industries": industries, "make": V,
        "use": values[np.ix_(ri, ci)], "final_demand": columns(roles["final_demand"]),
        "exports": columns(roles["exports"]), "imports": columns(roles["imports"]),
        "value_added": rows(roles["value_added"]), "compensation": rows(roles["compensation"]),
    }


def _refuse_negatives(make: _Grid, make_values: FloatArray, use: _Grid, U: FloatArray,
                      table: Mapping[str, Any], by_rows: str) -> None:
    hint = " (negatives = \"transfer\" in supply_use.toml books them on the other table)"
    if (make_values < 0).any():
        r, c = (int(k[0]) for k in np.nonzero(make_values < 0))
        raise InputFileError(f"{make.where(r, c)}: make entries must be >= 0; got "
                             f"{float(make_values[r, c])!r}{hint}")
    if (U < 0).any():
        i, j = (int(k[0]) for k in np.nonzero(U < 0))
        r = use.rows.index(table["commodities"][i])
        c = use.columns.index(table["industries"][j])
        raise InputFileError(f"{use.where(r, c)}: use entries must be >= 0; got "
                             f"{float(U[i, j])!r}{hint}")


def _clipped(values: FloatArray | None, what: str, counts: dict[str, int]
             ) -> FloatArray | None:
    """Totals below zero (stocks drawn down) count as zero; how many is recorded."""
    if values is None:
        return None
    below = int(np.count_nonzero(values < 0))
    if below:
        counts[f"commodities with {what} below 0 (set to 0)"] = below
    return np.maximum(values, 0.0)

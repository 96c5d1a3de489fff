"""Economies in Cockshott's CSV format (his ``nyearplan`` five-year planner), read as they are.

Cockshott's planner (``java planning.nyearplan flows.csv cap.csv dep.csv labtarg.csv``)
takes four tables, each with a header row whose first cell is a label (``headings``) and
whose other cells name the products, in one order shared by all four:

``flows.csv``
    One row per product (the products again, in the header's order): ``flows[i][j]``, the
    quantity of ``i`` used to make the base year's output of ``j``; then a row
    ``labour`` (labour used by each branch) and a row ``output`` (its gross output).
``cap.csv``
    One row per product: ``cap[i][j]``, the stock of good ``i`` held by branch ``j``.
``dep.csv``
    One row per product: ``dep[i][j]``, the share of that stock lost a year.
``labtarg.csv``
    The products' columns and then ``labour``; one row per year, named ``year1``,
    ``year2`` …: that year's final-demand targets and the labour available.

His LP, year by year: output ``x_j <= (output_j / flows[i][j]) · flow_ij`` (input in
fixed proportion), ``x_j <= (output_j / cap[i][j]) · K_ij`` (capital in fixed
proportion), ``x_j <= (output_j / labour_j) · labour_j,t`` with the labour of all
branches within the year's supply, ``K_ij,t+1 <= K_ij,t + accumulation_ij,t - dep[i][j]
K_ij,t``, ``K_ij,1 <= cap[i][j]``, final consumption ``<= x - accumulation - productive
consumption`` and ``λ_t targ_t,i <= final consumption_i``; he maximises ``Σ_t λ_t``.

That is :func:`gosplan.core.multiyear.multiyear_plan` with ``A = flows / output``,
``labour = labour / output``, capital coefficients ``B = cap / output``,
``capital_stock = cap``, ``capital_depreciation = dep``, ``labour_path`` the labour
column, a construction lag of one year and ``objective="sum"``. The numbering of the
years follows the row names (``year1`` is year 1, ``year1928`` year 1928).

Where his reader is lenient this one says what is wrong: a cell that is not a number is
an error here (his reads it as 0; an empty cell is 0 in both), and so is a negative
number, a product missing from a table, or a zero output (its coefficients would be
divisions by zero).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from gosplan.core.economy import Economy
from gosplan.errors import EconomyError, InputFileError, NotProductiveError

__all__ = ["COCKSHOTT_FILES", "MAX_COCKSHOTT_BYTES", "CockshottPlan", "read_cockshott"]

FloatArray = NDArray[np.float64]

#: The four files of a folder in Cockshott's format, as his demonstration names them.
COCKSHOTT_FILES = ("flows.csv", "cap.csv", "dep.csv", "labtarg.csv")
#: Largest file read (his reader's buffer is 30 MiB; ours allows more, but not without end).
MAX_COCKSHOTT_BYTES = 512 << 20

_YEAR = re.compile(r"year(-?\d+)$")


@dataclass(frozen=True, slots=True, eq=False)
class CockshottPlan:
    """What a multi-year plan needs, read from Cockshott's four tables."""

    economy: Economy
    targets: FloatArray
    """Final-demand targets by year, ``(T, n)``."""
    labour_path: FloatArray
    """Labour available each year, ``(T,)``."""
    capital_stock: sp.csc_array
    """``K[i, j]``: stock of good ``i`` held by branch ``j`` at the start, ``(n, n)``."""
    capital_depreciation: sp.csc_array
    """``δ[i, j]``: share of that stock lost a year, ``(n, n)``."""
    first_year: int
    """The number of the first year (``year1`` → 1)."""


def read_cockshott(
    flows: str | Path,
    capital: str | Path | None = None,
    depreciation: str | Path | None = None,
    targets: str | Path | None = None,
) -> CockshottPlan:
    """Read Cockshott's four tables (see the module docstring).

    ``flows`` may be the folder holding :data:`COCKSHOTT_FILES`; otherwise give all four
    files, in the order of his command line.

    Raises
    ------
    InputFileError
        A file is missing, too large, or not in his format; the message names the file,
        the row and column, and the value.
    EconomyError
        The tables are well-formed but describe no productive economy.
    """
    paths = _paths(flows, capital, depreciation, targets)
    flow_rows, products = _table(paths[0])
    n = len(products)
    if n == 0:
        raise InputFileError(f"{paths[0]}: the header names no products; got only "
                             "its first cell")
    F = _square(paths[0], flow_rows, products, extra=("labour", "output"))
    labour = _row(paths[0], flow_rows, "labour", n)
    output = _row(paths[0], flow_rows, "output", n)
    if (output <= 0).any():
        j = int(np.flatnonzero(output <= 0)[0])
        raise InputFileError(f"{paths[0]}: row output, column {products[j]!r} must be > 0 "
                             f"(coefficients are flows divided by it); got {float(output[j])!r}")
    cap_rows, cap_cols = _table(paths[1])
    _same_products(paths[1], products, cap_cols[:n])
    K = _square(paths[1], cap_rows, products)
    dep_rows, dep_cols = _table(paths[2])
    _same_products(paths[2], products, dep_cols[:n])
    D = _square(paths[2], dep_rows, products)
    if (D > 1).any():
        i, j = (int(k[0]) for k in np.nonzero(D > 1))
        raise InputFileError(f"{paths[2]}: row {products[i]!r}, column {products[j]!r} must "
                             f"be a share in [0, 1]; got {float(D[i, j])!r}")
    y, hours, first = _targets(paths[3], products)
    try:
        economy = Economy(products=products, A=F / output[None, :], labour=labour / output,
                          capacity=np.full(n, np.inf), capital=K / output[None, :],
                          labour_available=float(hours[0]) if hours[0] > 0 else 1.0,
                          name=paths[0].parent.name or "Cockshott economy",
                          metadata={"year": str(first), "format": "cockshott"})
    except NotProductiveError as exc:
        raise NotProductiveError(exc.radius, f"{paths[0]}: {exc}") from None
    except EconomyError as exc:
        raise EconomyError(f"{paths[0]}: {exc}") from None
    return CockshottPlan(economy, y, hours, sp.csc_array(K), sp.csc_array(D), first)


def _paths(flows: str | Path, capital: str | Path | None, depreciation: str | Path | None,
           targets: str | Path | None) -> list[Path]:
    given = [capital, depreciation, targets]
    if not Path(flows).exists() and all(p is None for p in given):
        raise InputFileError(f"{flows}: folder not found (Cockshott's format: a folder "
                             f"holding {', '.join(COCKSHOTT_FILES)})")
    if Path(flows).is_dir():
        if any(p is not None for p in given):
            raise InputFileError(f"{flows}: give a folder holding {', '.join(COCKSHOTT_FILES)}"
                                 " or the four files, not both")
        return [Path(flows) / name for name in COCKSHOTT_FILES]
    if any(p is None for p in given):
        raise InputFileError(f"{flows}: Cockshott's format needs four files (flows, capital, "
                             "depreciation, labour and targets) or a folder holding "
                             f"{', '.join(COCKSHOTT_FILES)}")
    return [Path(flows)] + [Path(p) for p in given if p is not None]


def _table(path: Path) -> tuple[list[list[str]], list[str]]:
    """Data rows (first cell the row's name) and the header's product names."""
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    size = path.stat().st_size
    if size > MAX_COCKSHOTT_BYTES:
        raise InputFileError(f"{path}: {size:,} bytes is more than a table may hold "
                             f"({MAX_COCKSHOTT_BYTES:,})")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot be read ({exc})") from None
    try:
        rows = [[cell.strip() for cell in row]
                for row in csv.reader(io.StringIO(text.replace("\r", "")), strict=True)]
    except csv.Error as exc:
        raise InputFileError(f"{path}: not a CSV file ({exc})") from None
    # Blank lines (his files end with one, sometimes holding a space) are no rows.
    rows = [row for row in rows if any(row)]
    if not rows:
        raise InputFileError(f"{path}: empty; expected a header row of product names")
    header = rows[0][1:]
    while header and not header[-1]:
        header.pop()
    return rows[1:], header


def _same_products(path: Path, products: list[str], got: list[str]) -> None:
    for k, (want, have) in enumerate(zip(products, got + [""] * len(products), strict=False)):
        if want != have:
            raise InputFileError(f"{path}: header column {k + 2} must be {want!r} (the "
                                 f"products of the flows table, in its order); got {have!r}")


def _numbers(path: Path, row: list[str], n: int) -> FloatArray:
    cells = row[1:n + 1] + [""] * max(0, n + 1 - len(row))
    return np.array([_number(path, row[0], k + 2, cell) for k, cell in enumerate(cells)])


def _number(path: Path, name: str, column: int, cell: str) -> float:
    """One cell: empty is 0 (as in his reader); otherwise a finite number >= 0."""
    if not cell:
        return 0.0
    try:
        v = float(cell)
    except ValueError:
        raise InputFileError(f"{path}: row {name!r}, column {column} must be a number; "
                             f"got {cell!r}") from None
    if not (np.isfinite(v) and v >= 0):
        raise InputFileError(f"{path}: row {name!r}, column {column} must be a finite "
                             f"number >= 0; got {cell!r}")
    return v


def _square(path: Path, rows: list[list[str]], products: list[str],
            extra: tuple[str, ...] = ()) -> FloatArray:
    """The ``n`` product rows, which must come first and in the header's order."""
    n = len(products)
    names = [row[0] for row in rows]
    for k, want in enumerate(products):
        have = names[k] if k < len(names) else None
        if have != want:
            got = "the end of the file" if have is None else repr(have)
            raise InputFileError(f"{path}: row {k + 2} must be product {want!r} (rows list "
                                 f"the products in the header's order); got {got}")
    for name in names[n:]:
        if name not in extra:
            allowed = f"only {', '.join(extra)}" if extra else "nothing"
            raise InputFileError(f"{path}: row {name!r}: after the products the table holds "
                                 f"{allowed}")
    return np.vstack([_numbers(path, row, n) for row in rows[:n]])


def _row(path: Path, rows: list[list[str]], name: str, n: int) -> FloatArray:
    found = [row for row in rows if row[0] == name]
    if len(found) != 1:
        raise InputFileError(f"{path}: must have one row {name!r}; got {len(found)}")
    return _numbers(path, found[0], n)


def _targets(path: Path, products: list[str]) -> tuple[FloatArray, FloatArray, int]:
    rows, header = _table(path)
    n = len(products)
    _same_products(path, products, header[:n])
    if "labour" not in header:
        raise InputFileError(f"{path}: no column 'labour' (the labour available each year)")
    at = header.index("labour")
    if not rows:
        raise InputFileError(f"{path}: no rows year1, year2 …; got none")
    numbers = []
    for k, row in enumerate(rows):
        match = _YEAR.match(row[0])
        if match is None:
            raise InputFileError(f"{path}: row {k + 2} must be named year1, year2 … (or "
                                 f"year1928 …); got {row[0]!r}")
        numbers.append(int(match.group(1)))
    expected = list(range(numbers[0], numbers[0] + len(numbers)))
    if numbers != expected or abs(numbers[0]) > 9999:
        bad = next((k for k, (a, b) in enumerate(zip(numbers, expected, strict=True))
                    if a != b), 0)
        raise InputFileError(f"{path}: years must follow one another from "
                             f"year{numbers[0]}; row {bad + 2} is {rows[bad][0]!r}")
    y = np.vstack([_numbers(path, row, n) for row in rows])
    hours = np.array([_number(path, row[0], at + 2, row[at + 1] if at + 1 < len(row) else "")
                      for row in rows])
    return y, hours, numbers[0]

"""Scenarios side by side, for the terminal and for files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from rich.table import Table

from gosplan.errors import OutputError
from gosplan.report.plan import fmt
from gosplan.scenarios.atomic import atomic_file

__all__ = ["comparison_renderable", "write_comparison"]


def comparison_renderable(table: pd.DataFrame) -> Table:
    """The comparison as a rich table: series down, scenarios across."""
    out = Table(title="Scenarios compared", title_justify="left")
    out.add_column("series")
    for name in table.columns:
        out.add_column(str(name), justify="right")
    values = table.to_numpy(dtype=float)
    for label, row in zip(table.index, values, strict=True):
        out.add_row(str(label), *("—" if np.isnan(v) else fmt(float(v)) for v in row))
    return out


def write_comparison(table: pd.DataFrame, path: str | Path) -> Path:
    """Write the comparison as CSV (atomically)."""
    target = Path(path)
    if target.suffix.lower() != ".csv":
        raise OutputError(f"{target}: --out must end in .csv; got {target.suffix!r}")
    with atomic_file(target) as tmp:
        table.to_csv(tmp)
    return target

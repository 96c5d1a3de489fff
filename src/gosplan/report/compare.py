"""Scenarios side by side, for the terminal and for files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from rich.table import Table

from gosplan.analysis.compare import Comparison
from gosplan.report.plan import fmt

__all__ = ["comparison_renderable", "write_comparison"]


def comparison_renderable(table: pd.DataFrame) -> Table:
    """The comparison as a rich table: series down (with units), scenarios across."""
    out = Table(title="Scenarios compared", title_justify="left")
    out.add_column("series")
    out.add_column("unit")
    scenarios = [c for c in table.columns if c != "unit"]
    for name in scenarios:
        out.add_column(str(name), justify="right")
    values = table[scenarios].to_numpy(dtype=float)
    units = table["unit"] if "unit" in table.columns else pd.Series("", index=table.index)
    for label, unit, row in zip(table.index, units, values, strict=True):
        out.add_row(
            str(label), str(unit), *("—" if np.isnan(v) else fmt(float(v)) for v in row)
        )
    return out


def write_comparison(comparison: Comparison, path: str | Path) -> Path:
    """Write the tidy comparison (scenario, series, unit, year, value) by the suffix.

    ``.csv``, ``.parquet`` or ``.json`` (a list of row objects), atomically.
    """
    from gosplan.analysis.outputs import write_table

    return write_table(comparison.to_frame(), path, "--out")

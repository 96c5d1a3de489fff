"""What calibration did, in a table a historian can check."""

from __future__ import annotations

import numpy as np
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from gosplan.analysis.calibrate import Calibration
from gosplan.report.simulation import famine_range_text

__all__ = ["calibration_renderable"]


def calibration_renderable(result: Calibration) -> RenderableType:
    """Fitted parameters, the fit per series before and after, and the famine tolls."""
    params = Table(title="Calibrated parameters (fitted to 1928-1932 only)", title_justify="left")
    for col in ("parameter", "before", "after"):
        params.add_column(col, justify="left" if col == "parameter" else "right")
    for name in result.names:
        params.add_row(name, f"{result.initial[name]:.4g}", f"{result.fitted[name]:.4g}")
    fit = Table(title="Fit per series: mean absolute log error, 1928-1932", title_justify="left")
    for col in ("series", "observations", "before", "after"):
        fit.add_column(col, justify="left" if col == "series" else "right")
    before = result.before.rows.groupby("series")["log_error"]
    after = result.after.rows.groupby("series")["log_error"]
    for series, errors in after:
        fit.add_row(
            str(series),
            str(len(errors)),
            f"{np.abs(before.get_group(series).to_numpy()).mean():.1%}",
            f"{np.abs(errors.to_numpy()).mean():.1%}",
        )
    famine = Table(
        title="Famine 1932-33: simulated against the published range (mn deaths)",
        title_justify="left",
    )
    for col in ("toll", "simulated", "published range"):
        famine.add_column(col, justify="left" if col == "toll" else "right")
    frame = result.after.famine
    for name, value in zip(frame["series"], frame["simulated"], strict=True):
        famine.add_row(str(name), f"{value:.2f}", Text(famine_range_text(str(name))))
    summary = Text(
        f"Loss {result.before.loss:.3f} -> {result.after.loss:.3f} in {result.evaluations} runs; "
        f"median absolute log error {result.after.median_abs_log_error:.1%}. Outcomes from "
        "1933 on are withheld and were not used."
    )
    return Group(params, fit, famine, summary)

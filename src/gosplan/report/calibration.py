"""What calibration did, in a table a historian can check."""

from __future__ import annotations

import numpy as np
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from gosplan.analysis.calibrate import Calibration
from gosplan.analysis.fit import FitReport
from gosplan.report.simulation import famine_range_text
from gosplan.sim.catalogue import FIT_YEARS

__all__ = ["calibration_renderable", "honest_fit_text"]

_SPAN = f"{FIT_YEARS.start}-{FIT_YEARS.stop - 1}"


def honest_fit_text(report: FitReport) -> str:
    """``median |log error| 7.8% over 50 observations of 16 simulated series, coverage 61%``."""
    scored = report.scored
    return (
        f"median |log error| {report.median_abs_log_error:.1%} over {len(scored)} "
        f"observations of {scored['series'].nunique()} simulated series, "
        f"coverage {report.coverage:.0%} of the record's {report.points} points"
    )


def calibration_renderable(result: Calibration) -> RenderableType:
    """Fitted parameters (those at a bound marked), the fit per series, and the famine tolls."""
    bounds = result.bounds
    params = Table(title=f"Calibrated parameters (fitted to {_SPAN} only)", title_justify="left")
    for col in ("parameter", "before", "after", "at a bound"):
        params.add_column(col, justify="left" if col in ("parameter", "at a bound") else "right")
    for name in result.names:
        params.add_row(
            name, f"{result.initial[name]:.4g}", f"{result.fitted[name]:.4g}", bounds.get(name, "")
        )
    fit = Table(title=f"Fit per series: mean absolute log error, {_SPAN}", title_justify="left")
    for col in ("series", "kind", "observations", "before", "after"):
        fit.add_column(col, justify="left" if col in ("series", "kind") else "right")
    before = result.before.rows.groupby("series")["log_error"]
    after = result.after.rows.groupby("series")
    for series, rows in after:
        errors = rows["log_error"].to_numpy()
        kind = "calibration target" if (rows["kind"] == "target").any() else "simulated"
        fit.add_row(
            str(series),
            kind,
            str(len(errors)),
            f"{np.abs(before.get_group(series).to_numpy()).mean():.1%}",
            f"{np.abs(errors).mean():.1%}",
        )
    famine = Table(
        title="Famine 1932-33: calibrated to the published range (mn deaths)",
        title_justify="left",
    )
    for col in ("toll", "simulated", "published range"):
        famine.add_column(col, justify="left" if col == "toll" else "right")
    frame = result.after.famine
    for name, value in zip(frame["series"], frame["simulated"], strict=True):
        famine.add_row(str(name), f"{value:.2f}", Text(famine_range_text(str(name))))
    lines = [
        f"Loss {result.before.loss:.3f} -> {result.after.loss:.3f} in {result.evaluations} runs.",
        f"In sample, {_SPAN}, simulated series only (inputs, calibration targets and the "
        f"starting year {FIT_YEARS.start - 1} left out): before {honest_fit_text(result.before)}; "
        f"after {honest_fit_text(result.after)}.",
        "The famine tolls are calibration targets: inside their ranges by construction.",
        "Outcomes from 1933 on are withheld and were not used.",
    ]
    if bounds:
        lines.append(
            "At a bound of its range (a sign that a mechanism is wrong or missing): "
            + ", ".join(f"{n} ({side})" for n, side in bounds.items())
            + "."
        )
    return Group(params, fit, famine, Text("\n".join(lines)))

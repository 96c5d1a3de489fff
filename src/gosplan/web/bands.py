"""The exhibit's default uncertainty bands: a small ensemble computed ahead and shipped.

``write_default_bands()`` runs a seeded ensemble of the built-in scenario over the
exhibit's years, one member after another in this process (no cluster: it takes seconds),
and writes each series' 5-95 % range by year as CSV under a few ``#`` lines that say how
it was made. ``scripts/regenerate-bands.py`` calls it; the same settings give the same
bytes. ``read_default_bands()`` reads the shipped file once, when the exhibit starts.
Only series whose members disagree somewhere are kept: a band is drawn where the model
is uncertain, not as a line over a certain one.
"""

from __future__ import annotations

import csv
import io
from importlib.resources import files
from pathlib import Path

from gosplan.errors import InputFileError
from gosplan.web.state import SCENARIO, YEARS

__all__ = ["DEFAULT_BANDS", "DEFAULT_LABEL", "RUNS", "SEED", "VARY", "Bands", "read_default_bands",
           "write_default_bands"]

#: An ensemble's 5-95 % range of each series by year: ``{series: [(year, q05, q95)]}``.
Bands = dict[str, list[tuple[float, float, float]]]

#: The packaged file the exhibit reads by default.
DEFAULT_BANDS = Path(str(files("gosplan.web"))) / "data" / "bands.csv"
#: Members of the shipped ensemble: enough for steady 5 and 95 % quantiles, seconds to run.
RUNS = 100
SEED = 0
VARY = ("weather", "parameters")
#: Their legend: not an ensemble the visitor ran, but the one shipped with the exhibit.
DEFAULT_LABEL = f"model uncertainty ({RUNS} runs), 5–95 %"
_COLUMNS = ("series", "year", "q05", "q95")


def bands_csv(runs: int = RUNS, seed: int = SEED) -> str:
    """The bands file's text: provenance lines, then ``series,year,q05,q95`` rows."""
    import numpy as np
    import pandas as pd

    import gosplan
    from gosplan.analysis.ensemble import member_frame, member_jobs, quantile_bands, run_members
    from gosplan.scenarios.simfiles import load_scenario
    from gosplan.scenarios.uncertainty import load_uncertainty

    uncertainty = load_uncertainty(load_scenario(SCENARIO))
    jobs = member_jobs(SCENARIO, range(runs), seed=seed, vary=VARY, years=YEARS,
                       uncertainty=uncertainty)
    members = pd.concat([member_frame(r) for r in run_members(jobs)], ignore_index=True)
    bands = quantile_bands(members)
    width = (bands["q95"] - bands["q05"]).abs()
    uncertain = width.groupby(bands["series"]).transform("max") > 1e-9 * (
        bands[["q05", "q95"]].abs().max(axis=1).groupby(bands["series"]).transform("max")
    )
    kept = bands.loc[uncertain & np.isfinite(bands["q05"]) & np.isfinite(bands["q95"]),
                     list(_COLUMNS)]
    head = (
        f"# gosplan exhibit bands: the 5-95 % range of an ensemble (regenerate with "
        f"scripts/regenerate-bands.py)\n"
        f"# scenario: {SCENARIO}\n# years: {YEARS[0]}:{YEARS[1]}\n# runs: {runs}\n"
        f"# seed: {seed}\n# vary: {','.join(VARY)}\n# gosplan: {gosplan.__version__}\n"
    )
    out = io.StringIO()
    kept.to_csv(out, index=False, float_format="%.6g", lineterminator="\n")
    return head + out.getvalue()


def write_default_bands(path: Path = DEFAULT_BANDS, runs: int = RUNS, seed: int = SEED) -> Path:
    """Compute the bands and write them to ``path`` (whole, or not at all)."""
    from gosplan.scenarios.atomic import write_text

    write_text(path, bands_csv(runs, seed))
    return path


def read_default_bands(path: Path = DEFAULT_BANDS) -> Bands:
    """The bands of a file written by :func:`write_default_bands`.

    Raises
    ------
    InputFileError
        The file is missing, unreadable, or a row is not ``series,year,q05,q95`` numbers.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot be read ({exc})") from None
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    rows = csv.reader(lines)
    header = next(rows, None)
    if header is None or tuple(header) != _COLUMNS:
        raise InputFileError(f"{path}: header must be {','.join(_COLUMNS)}; got {header}")
    out: Bands = {}
    for number, row in enumerate(rows, start=2):
        try:
            series, year, low, high = row[0], float(row[1]), float(row[2]), float(row[3])
        except (IndexError, ValueError):
            raise InputFileError(
                f"{path}: data row {number}: expected series,year,q05,q95; got {row}"
            ) from None
        out.setdefault(series, []).append((year, low, high))
    return out

"""How well a simulation fits the record: per-series errors and the calibration loss.

The loss is the sum of squared log errors on the physical series, each observation weighted
by its row's weight in the record and each series scaled to count once, plus squared log
distances of the famine tolls to their published ranges (zero inside the range), with a weak
pull towards each range's middle.

A row's weight follows :mod:`gosplan.scenarios.record`: verified (read, consistent with a
read source, previously verified, derived) 1, unverified or candidate 0.1, times 1 for an
official or scholarly source and 0.5 for a secondary one; ``UNSOURCED`` rows are not in the
record's rows at all, so they never enter the fit. The famine ranges are the record's
preferred (``primary``) ``estimate_low`` and ``estimate_high`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from gosplan.scenarios.record import Record, load_record
from gosplan.sim.engine import SimResult
from gosplan.sim.series import COMPARATOR

__all__ = [
    "FAMINE_BANDS",
    "FAMINE_SOURCES",
    "FAMINE_TOLLS",
    "FIT_COLUMNS",
    "FIT_SERIES",
    "FitReport",
    "fit_report",
    "observations",
    "residuals",
]

#: Physical series the model is fitted and judged on (simulated names).
FIT_SERIES = (
    "pig_iron_output",
    "steel_output",
    "coal_output",
    "oil_output",
    "electricity_output",
    "machinery_output_1926_27_prices",
    "cotton_fabric_output",
    "grain_harvest",
    "grain_procurement",
    "cattle_summer",
    "horses_summer",
    "pigs_summer",
    "sheep_and_goats_summer",
    "tractors_in_agriculture",
    "employed_national_economy",
    "population_total",
    "real_wage_index_1928_100",
)
#: The famine tolls the fit judges, by the record's name.
FAMINE_TOLLS = (
    "famine_excess_deaths_ussr",
    "famine_excess_deaths_ukraine",
    "famine_excess_deaths_kazakhstan",
)


def _famine_ranges() -> dict[str, tuple[tuple[float, float], tuple[str, str]]]:
    """Each toll's preferred published range (mn) and the sources of its two ends."""
    record = load_record()
    out = {}
    for name in FAMINE_TOLLS:
        low, high = (record.best(name, kind) for kind in ("estimate_low", "estimate_high"))
        year = max(low.index)
        out[name] = (
            (float(low.loc[year, "value"]), float(high.loc[year, "value"])),
            (str(low.loc[year, "source"]), str(high.loc[year, "source"])),
        )
    return out


_RANGES = _famine_ranges()
#: Published ranges of the famine's excess deaths, mn: the record's primary low and high rows
#: (USSR 5.5-8.7, Ukraine 2.6-3.9, Kazakhstan 1.5-1.75 in the bundled record).
FAMINE_BANDS = {name: band for name, (band, _) in _RANGES.items()}
#: The record's sources of each range's low and high end (ids of ``sources.csv``).
FAMINE_SOURCES = {name: sources for name, (_, sources) in _RANGES.items()}
#: Columns of a fit report's rows, in order.
FIT_COLUMNS = (
    "series",
    "record_series",
    "year",
    "simulated",
    "record",
    "source",
    "weight",
    "count",
    "log_error",
)


@dataclass(frozen=True, slots=True, eq=False)
class FitReport:
    """Per-observation errors and the summary a historian reads first."""

    rows: pd.DataFrame
    """series, record_series, year, simulated, record, source, weight, log_error."""
    famine: pd.DataFrame
    """series, simulated, low, high, inside."""
    loss: float

    @property
    def median_abs_log_error(self) -> float:
        """Median absolute log error over every observation with data."""
        return float(self.rows["log_error"].abs().median()) if len(self.rows) else float("nan")


def _observations(record: Record, series: str, years: range) -> pd.DataFrame:
    name = COMPARATOR.get(series, series)
    try:
        best = record.best(name, "actual")
    except KeyError:
        return pd.DataFrame()
    best = best[best.index.isin(years)]
    if series == "real_wage_index_1928_100":
        lo, hi = (record.best(name, k) for k in ("estimate_low", "estimate_high"))
        mid = (lo["value"] + hi["value"]) / 2
        # A range is fitted at its middle, weighing as its weaker end.
        extra = lo.assign(value=mid, weight=np.minimum(lo["weight"], hi["weight"]))
        extra = extra[extra.index.isin(years)]
        best = pd.concat([best, extra.loc[extra.index.difference(best.index)]])
    return best.assign(record_series=name)


@cache
def observations(
    series: tuple[str, ...] = FIT_SERIES, first: int = 1928, last: int = 1932
) -> pd.DataFrame:
    """The record's observations the fit uses: one preferred value per series and year."""
    record = load_record()
    years = range(first, last + 1)
    frames = []
    for name in series:
        obs = _observations(record, name, years)
        if len(obs):
            frames.append(
                obs.reset_index()[["year", "value", "source", "weight", "record_series"]].assign(
                    series=name
                )
            )
    frame = pd.concat(frames, ignore_index=True)
    frame = frame[frame["weight"] > 0]
    frame["count"] = frame.groupby("series")["year"].transform("count")
    return frame.rename(columns={"value": "record"})


def fit_report(
    result: SimResult, years: range = range(1928, 1933), series: tuple[str, ...] = FIT_SERIES
) -> FitReport:
    """Compare ``result`` with the record over ``years`` (1928-1932 by default)."""
    obs = observations(series, years.start, years.stop - 1)
    obs = obs[obs["year"].isin(result.years)]
    position = {y: k for k, y in enumerate(result.years)}
    simulated = np.array(
        [
            result.series[s][position[int(y)]]
            for s, y in zip(obs["series"], obs["year"], strict=True)
        ]
    )
    frame = obs.assign(
        simulated=simulated,
        log_error=np.log(np.maximum(simulated, 1e-9) / obs["record"].to_numpy()),
    )
    frame = frame[list(FIT_COLUMNS)].reset_index(drop=True)
    famine = []
    for name, (lo, hi) in FAMINE_BANDS.items():
        if name in result.totals:
            value = result.totals[name][1]
            famine.append(
                {
                    "series": name,
                    "simulated": value,
                    "low": lo,
                    "high": hi,
                    "inside": lo <= value <= hi,
                }
            )
    famine_frame = pd.DataFrame(famine, columns=["series", "simulated", "low", "high", "inside"])
    return FitReport(frame, famine_frame, float(np.sum(residuals(frame, famine_frame) ** 2)))


def residuals(rows: pd.DataFrame, famine: pd.DataFrame) -> np.ndarray:
    """The weighted residuals whose squares make the loss."""
    out = []
    if len(rows):
        count = rows["count"].to_numpy()
        out.append(rows["log_error"].to_numpy() * np.sqrt(rows["weight"].to_numpy() / count))
    values = famine["simulated"].to_numpy(dtype=float)
    lows, highs = famine["low"].to_numpy(dtype=float), famine["high"].to_numpy(dtype=float)
    for value, low, high in zip(np.maximum(values, 1e-6), lows, highs, strict=True):
        gap = (
            np.log(low / value) if value < low else (np.log(value / high) if value > high else 0.0)
        )
        # A weak pull to the middle of the band keeps the toll off its edges.
        middle = np.log(value / np.sqrt(low * high))
        out.append(np.array([2.0 * gap, 0.3 * middle]))
    return np.concatenate(out) if out else np.zeros(0)

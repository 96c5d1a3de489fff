"""How well a simulation fits the record: per-series errors, the honest score, the loss.

What counts is declared in :mod:`gosplan.sim.catalogue`: only series of kind ``simulated``
and ``target`` enter the fit, only in :data:`~gosplan.sim.catalogue.FIT_YEARS` (1929-1932:
never the first year, whose values are starting values, nor anything from 1933 on). Inputs
(exports, the share collectivized, deportations, tractors, the sown area, the official
harvest) are set from the record and never scored.

* The **score** (:attr:`FitReport.median_abs_log_error`) is the median absolute log error
  over the ``simulated`` series alone: targets are fitted, so their errors are not evidence.
* The **coverage** (:attr:`FitReport.coverage`) is the share of the record's *physical*
  points 1929-1932 (every series in a physical unit, :data:`PHYSICAL_UNITS`: tons, heads,
  persons, hectares, kWh ..., whether or not the model knows it) that a simulated series
  is judged against: what is left to judge the model by once inputs, targets, starting
  values and everything the model does not simulate are set aside.
* The **loss** the calibration minimizes is the sum of squared log errors of ``simulated``
  and ``target`` series, each observation weighted by its row's weight in the record and
  each series scaled to count once, plus squared log distances of the famine tolls to their
  published ranges (zero inside the range), with a weak pull towards each range's middle.
  A toll inside its range is *calibrated to* it, not a result.

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
from gosplan.sim.catalogue import CATALOGUE, FIT_YEARS, comparator, kind_in, names
from gosplan.sim.engine import SimResult

__all__ = [
    "FAMINE_BANDS",
    "FAMINE_SOURCES",
    "FAMINE_TOLLS",
    "FIT_COLUMNS",
    "FIT_SERIES",
    "JUDGED_SERIES",
    "PHYSICAL_UNITS",
    "SCORED_SERIES",
    "FitReport",
    "coverage",
    "fit_report",
    "median_abs_log_error",
    "observations",
    "physical_points",
    "residuals",
]

#: Units of the record's physical series (not money, shares, indices, growth rates or flags).
PHYSICAL_UNITS = frozenset(
    {
        "TWh", "bn kWh", "bn m", "mn m", "mn pairs", "centners per ha", "families", "persons",
        "thousand persons", "mn persons", "mn deaths", "mn", "mn ha", "mn head", "mt", "kt",
        "t", "mt coal-equivalent", "number", "thousand", "thousand physical units",
        "thousand units",
    }
)  # fmt: skip

#: The famine tolls, calibration targets judged against their published ranges.
FAMINE_TOLLS = tuple(n for n in names("target") if n.startswith("famine_"))
#: Every series the record can judge (a comparator in the catalogue), tolls aside.
JUDGED_SERIES = tuple(
    n for n, e in CATALOGUE.items() if e.comparator is not None and n not in FAMINE_TOLLS
)
#: The series the score counts: simulated by the model's own mechanisms.
SCORED_SERIES = tuple(n for n in JUDGED_SERIES if CATALOGUE[n].kind == "simulated")
#: The series of the calibration loss: the scored ones and the calibration targets.
FIT_SERIES = tuple(n for n in JUDGED_SERIES if CATALOGUE[n].kind in ("simulated", "target"))


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
    "kind",
    "simulated",
    "record",
    "source",
    "weight",
    "count",
    "log_error",
)


def median_abs_log_error(log_errors: pd.Series | np.ndarray) -> float:
    """Median of ``|log error|`` (NaN when there is none)."""
    values = np.abs(np.asarray(log_errors, dtype=np.float64))
    return float(np.median(values)) if values.size else float("nan")


def coverage(kinds: pd.Series | np.ndarray) -> float:
    """Share of record points (by the kind of the series judging each) that are simulated."""
    values = np.asarray(kinds, dtype=object)
    return float(np.mean(values == "simulated")) if values.size else float("nan")


def physical_points(years: range | list[int], simulated: set[str] | frozenset[str]) -> pd.DataFrame:
    """The record's physical points in ``years``, each with the kind of the series judging it.

    One row per record series and year (``UNSOURCED`` rows are not in the record); ``kind``
    is the catalogue's kind of the series compared with it where one of ``simulated`` (the
    run's series) is, else ``"not simulated"``. Read-only: the frame is shared between calls
    (every evaluation of a calibration asks for the same one).
    """
    return _physical_points(tuple(years), frozenset(simulated))


@cache
def _physical_points(years: tuple[int, ...], simulated: frozenset[str]) -> pd.DataFrame:
    rows = load_record().rows
    rows = rows[
        (rows["kind"] == "actual")
        & rows["year"].isin(list(years))
        & (rows["weight"] > 0)
        & rows["unit"].isin(PHYSICAL_UNITS)
    ].drop_duplicates(["series", "year"])
    judge = {comparator(n): n for n in CATALOGUE if n in simulated and comparator(n)}
    kinds = [
        kind_in(judge[s], int(y)) if s in judge else "not simulated"
        for s, y in zip(rows["series"], rows["year"], strict=True)
    ]
    return pd.DataFrame(
        {"series": rows["series"].to_numpy(), "year": rows["year"].to_numpy(), "kind": kinds}
    )


@dataclass(frozen=True, slots=True, eq=False)
class FitReport:
    """Per-observation errors and the summary a historian reads first."""

    rows: pd.DataFrame
    """:data:`FIT_COLUMNS`: the loss's observations, ``kind`` from the catalogue."""
    famine: pd.DataFrame
    """series, simulated, low, high, inside: the tolls against the ranges they are fitted to."""
    loss: float
    coverage: float
    """Share of the record's points in the years scored that the score counts."""
    points: int
    """The record's points in the years scored, over every series it can judge."""

    @property
    def scored(self) -> pd.DataFrame:
        """The rows the score counts: simulated series, years after the first."""
        return self.rows[self.rows["kind"] == "simulated"]

    @property
    def median_abs_log_error(self) -> float:
        """Median absolute log error over the simulated series (never inputs or targets)."""
        return median_abs_log_error(self.scored["log_error"])

    @property
    def years(self) -> tuple[int, ...]:
        """The years scored, in order."""
        return tuple(sorted({int(y) for y in self.rows["year"]}))


def _observations(record: Record, series: str, years: range) -> pd.DataFrame:
    name = comparator(series)
    if name is None:
        return pd.DataFrame()
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
    series: tuple[str, ...] = FIT_SERIES,
    first: int = FIT_YEARS.start,
    last: int = FIT_YEARS.stop - 1,
) -> pd.DataFrame:
    """The record's observations of ``series``: one preferred value per series and year.

    Columns ``year, record, source, weight, record_series, series, kind, count``: ``kind``
    is the catalogue's for that year (``initial`` where the value is a starting value),
    ``count`` the series' observations.
    """
    record = load_record()
    years = range(first, last + 1)
    frames = []
    for name in series:
        obs = _observations(record, name, years)
        if len(obs):
            frames.append(
                obs.reset_index()[["year", "value", "source", "weight", "record_series"]].assign(
                    series=name, kind=[kind_in(name, int(y)) for y in obs.index]
                )
            )
    columns = ["year", "record", "source", "weight", "record_series", "series", "kind", "count"]
    if not frames:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(frames, ignore_index=True)
    frame = frame[frame["weight"] > 0]
    frame["count"] = frame.groupby("series")["year"].transform("count")
    return frame.rename(columns={"value": "record"})[columns]


def fit_report(
    result: SimResult, years: range = FIT_YEARS, series: tuple[str, ...] = FIT_SERIES
) -> FitReport:
    """Compare ``result`` with the record over ``years``, never its first year.

    Only years inside :data:`~gosplan.sim.catalogue.FIT_YEARS` count (1929-1932), and never
    the run's own first year: its values are where the run started, not what it simulated.
    """
    start = result.years[0] if result.years else None
    kept = [y for y in years if y in FIT_YEARS and y in result.years and y != start]
    first, last = (kept[0], kept[-1]) if kept else (FIT_YEARS.start, FIT_YEARS.start - 1)
    obs = observations(series, first, last)
    # Starting values echoed (kind ``initial``) are no evidence: never fitted, never scored.
    obs = obs[
        obs["year"].isin(kept) & obs["series"].isin(result.series) & (obs["kind"] != "initial")
    ]
    obs = obs.assign(count=obs.groupby("series")["year"].transform("count"))
    position = {y: k for k, y in enumerate(result.years)}
    simulated = np.array(
        [
            result.series[s][position[int(y)]]
            for s, y in zip(obs["series"], obs["year"], strict=True)
        ],
        dtype=np.float64,
    )
    frame = obs.assign(
        simulated=simulated,
        log_error=np.log(np.maximum(simulated, 1e-9) / obs["record"].to_numpy(dtype=np.float64)),
    )
    frame = frame[list(FIT_COLUMNS)].reset_index(drop=True)
    judged = physical_points(kept, frozenset(result.series))
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
    return FitReport(
        frame,
        famine_frame,
        float(np.sum(residuals(frame, famine_frame) ** 2)),
        coverage(judged["kind"]),
        len(judged),
    )


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

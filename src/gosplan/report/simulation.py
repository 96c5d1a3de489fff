"""A simulation run for people: plan against outcome against the record, in a compact table.

``run_rows`` is the table as plain data (also what ``--json`` prints); ``run_table`` renders
it, with the famine toll against the scholarly bands and the fit, in under 100 columns.

Whatever shows the record to a person follows the rules of the record's README: a source is
named by its citation (full in the lists of sources, its short form beside a value), never
by a bare id; a value whose row is not verified says so; a published range is shown as a
range with its authors; ``UNSOURCED`` rows are never shown (the record does not serve them).
:func:`record_value` and :func:`citations` are the two places these rules are applied.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from gosplan.analysis.fit import FAMINE_BANDS, FAMINE_SOURCES
from gosplan.analysis.run import KEY_SERIES, Run
from gosplan.scenarios.record import load_record
from gosplan.sim import catalogue
from gosplan.sim.catalogue import FIRST_YEAR, FIT_YEARS

__all__ = [
    "GOAL_MEDIAN_ERROR",
    "OWN_SOURCES",
    "PANELS",
    "RecordValue",
    "citations",
    "error_text",
    "famine_range_text",
    "famine_rows",
    "fit_summary",
    "goal_checks",
    "goal_verdict",
    "label_of",
    "num",
    "num_range",
    "pct",
    "record_value",
    "run_rows",
    "run_summary",
    "run_table",
    "unit_of",
]

#: The fit the model aims at: median absolute log error over the simulated series, 1929-32.
GOAL_MEDIAN_ERROR = 0.10

#: The series each panel of the report draws (simulated names), for its plots and citations.
PANELS: dict[str, tuple[str, ...]] = {
    "industry": (
        "pig_iron_output",
        "steel_output",
        "coal_output",
        "electricity_output",
        "oil_output",
        "machinery_output_1926_27_prices",
    ),
    "agriculture": (
        "grain_harvest",
        "grain_harvest_official_1930s",
        "grain_procurement",
        "grain_exports",
        "grain_share_of_export_earnings",
    ),
    "livestock": (
        "horses_summer",
        "cattle_summer",
        "pigs_summer",
        "sheep_and_goats_summer",
        "kazakhstan_cattle",
        "kazakhstan_sheep",
    ),
    "collectivization": (
        "collectivization_pct",
        "households_in_kolkhozes",
        "kulak_families_deported_special_settlement",
        "special_settlers_count",
    ),
    "famine": (
        "excess_deaths_ussr",
        "excess_deaths_ukraine",
        "excess_deaths_kazakhstan",
        "famine_excess_deaths_ussr",
        "famine_excess_deaths_ukraine",
        "famine_excess_deaths_kazakhstan",
        "food_per_rural_head",
        "grain_retained_per_rural_head",
        "grain_retained_per_rural_head_ukraine",
        "grain_retained_per_rural_head_kazakhstan",
    ),
    "population": (
        "population_total",
        "population_urban",
        "population_rural",
        "employed_national_economy",
        "real_wage_index_1928_100",
        "tractors_in_agriculture",
    ),
}

#: Heavy industry: up from 1928, but short of the plan by 1932.
_HEAVY = ("pig_iron_output", "steel_output", "coal_output", "electricity_output", "oil_output")
_HERDS = ("horses_summer", "cattle_summer", "pigs_summer", "sheep_and_goats_summer")


def label_of(series: str) -> str:
    """Human name of a series, from :mod:`gosplan.sim.catalogue`."""
    return catalogue.label(series)


def unit_of(series: str) -> str:
    """Short unit of a simulated series, for tables and axis titles (the catalogue's)."""
    return catalogue.short_unit(series)


def num(value: float | None) -> str:
    """A number as a table shows it: about three significant digits, or a dash."""
    if value is None or not math.isfinite(value):
        return "—"
    size = abs(value)
    if size >= 100 or value == 0:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _lookup(frame: pd.DataFrame, series: str, kind: str, year: int) -> dict[str, float]:
    """Values by estimate (``point``, ``low``, ``high``; ``quota`` for the planner's)."""
    mask = (
        (frame["series"] == series).to_numpy()
        & (frame["kind"] == kind).to_numpy()
        & (frame["year"] == year).to_numpy()
    )
    estimates = frame["estimate"].to_numpy()[mask]
    sources = frame["source"].to_numpy()[mask]
    values = frame["value"].to_numpy(dtype=np.float64)[mask]
    out: dict[str, float] = {}
    for estimate, source, value in zip(estimates, sources, values, strict=True):
        key = "quota" if source == "gosplan planner" else str(estimate)
        out.setdefault(key, float(value))
    return out


def _source(frame: pd.DataFrame, series: str, year: int) -> str | None:
    mask = (
        (frame["series"] == series).to_numpy()
        & (frame["kind"] == "record").to_numpy()
        & (frame["year"] == year).to_numpy()
    )
    sources = frame["source"].to_numpy()[mask]
    return str(sources[0]) if sources.size else None


def _log_error(
    run: Run, series: str, year: int, simulated: float, record: float | None
) -> float | None:
    """The fit's log error where the fit has the observation, else ln(simulated / record)."""
    rows = run.fit.rows
    mask = (rows["series"] == series).to_numpy() & (rows["year"] == year).to_numpy()
    if mask.any():
        return _finite(float(rows["log_error"].to_numpy(dtype=np.float64)[mask][0]))
    if record is None or not record > 0 or not simulated > 0:
        return None
    return math.log(simulated / record)


def _kind_in(series: str, year: int, start: int) -> str:
    """The catalogue's kind of ``series`` in ``year`` of a run starting in ``start``."""
    if series not in catalogue.CATALOGUE:
        return "simulated"
    return catalogue.kind_in(series, year, start)


def run_rows(run: Run, series: Sequence[str] = KEY_SERIES) -> list[dict[str, Any]]:
    """One row per key series: plan, quota, simulated (first and last year), record, error.

    Returns
    -------
    list of dict
        JSON-ready (``None`` where there is no value): ``series, label, unit, first_year,
        year, plan`` (the plan's target in the record), ``quota`` (the model planner's),
        ``simulated_first, simulated, record, record_low, record_high, record_source``
        (the id of its source), ``record_authors`` (the short form of its citation),
        ``record_unverified`` (the row was not read in the cited work), ``plan_unverified``
        (the same for the plan's target), ``kind`` (the catalogue's kind of the series in
        the last year: ``input``, ``target``, ``simulated``, or ``initial`` for a starting
        value), ``first_kind`` (the same for the first year shown), ``log_error`` (natural
        log of simulated over record; ``None`` for an input or a starting value, whose
        distance from the record says nothing about the model).
    """
    frame = run.frame
    first, last = run.years[0], run.years[-1]
    rows = []
    start = run.result.years[0]
    for name in series:
        kind = _kind_in(name, last, start)
        sim_first = _lookup(frame, name, "simulated", first).get("point", math.nan)
        sim = _lookup(frame, name, "simulated", last).get("point", math.nan)
        plans = _lookup(frame, name, "plan_target", last)
        record = _lookup(frame, name, "record", last)
        point = record.get("point")
        low, high = record.get("low"), record.get("high")
        shown = record_value(name, last)
        target = record_value(name, last, plan=True) if plans.get("point") is not None else None
        compare = (
            point
            if point is not None
            else ((low + high) / 2 if low is not None and high is not None else None)
        )
        rows.append(
            {
                "series": name,
                "label": label_of(name),
                "unit": unit_of(name),
                "first_year": first,
                "year": last,
                "plan": plans.get("point"),
                "quota": plans.get("quota"),
                "simulated_first": _finite(sim_first),
                "simulated": _finite(sim),
                "record": point,
                "record_low": low,
                "record_high": high,
                "record_source": _source(frame, name, last),
                "record_authors": None if shown is None else shown.authors,
                "record_unverified": None if shown is None else shown.unverified,
                "plan_unverified": target is not None and target.unverified,
                "kind": kind,
                "first_kind": _kind_in(name, first, start),
                "log_error": (
                    None
                    if kind in ("input", "initial")
                    else _log_error(run, name, last, sim, compare)
                ),
            }
        )
    return rows


def famine_rows(run: Run) -> list[dict[str, Any]]:
    """The famine tolls against the scholarly bands.

    Returns
    -------
    list of dict
        ``series, label, simulated, low, high, inside`` (mn deaths), ``authors``, the
        short forms of the citations of the range's two ends, and ``calibrated``: whether
        the toll is a calibration target (fitted into its range, so no result).
    """
    record = load_record()
    famine = run.fit.famine
    names = famine["series"].tolist()
    values = famine["simulated"].to_numpy(dtype=np.float64)
    return [
        {
            "series": name,
            "label": label_of(name),
            "simulated": float(value),
            "low": FAMINE_BANDS[name][0],
            "high": FAMINE_BANDS[name][1],
            "inside": bool(FAMINE_BANDS[name][0] <= value <= FAMINE_BANDS[name][1]),
            "authors": "; ".join(record.short(s) for s in dict.fromkeys(FAMINE_SOURCES[name])),
            "calibrated": catalogue.kind(name) == "target",
        }
        for name, value in zip(names, values.tolist(), strict=True)
    ]


def fit_summary(run: Run) -> dict[str, Any]:
    """The honest in-sample fit: simulated series only, years after the first.

    Returns
    -------
    dict
        ``first_year, last_year`` (of the years scored), ``median_abs_log_error`` (over
        the simulated series), ``goal``, ``observations`` and ``series`` (scored),
        ``coverage`` (share of the record's physical points in those years that are scored),
        ``points`` (those points), ``loss`` (the calibration loss, with the targets).
    """
    scored = run.fit.scored
    years = scored["year"].to_numpy(dtype=np.int64)
    return {
        "first_year": int(years.min()) if years.size else FIT_YEARS.start,
        "last_year": int(years.max()) if years.size else FIT_YEARS.stop - 1,
        "median_abs_log_error": _finite(run.fit.median_abs_log_error),
        "goal": GOAL_MEDIAN_ERROR,
        "observations": len(scored),
        "series": int(scored["series"].nunique()),
        "coverage": _finite(run.fit.coverage),
        "points": run.fit.points,
        "loss": _finite(run.fit.loss),
    }


def _at(run: Run, series: str, year: int) -> float | None:
    values = run.result.series.get(series)
    if values is None or year not in run.result.years:
        return None
    return _finite(float(values[run.result.years.index(year)]))


def _plan_at(run: Run, series: str, year: int) -> float | None:
    """The plan's target in the record for ``year``, else the model planner's quota."""
    plans = _lookup(run.frame, series, "plan_target", year)
    target = plans.get("point", plans.get("quota"))
    if target is None and series in run.result.plan and year in run.result.years:
        target = float(run.result.plan[series][run.result.years.index(year)])
    return target


def goal_checks(run: Run) -> list[dict[str, Any]]:
    """The direction of every key series over 1928-1932 and the fit, each met or not.

    Heavy industry up but short of plan; harvest and herds down; the median absolute log
    error within :data:`GOAL_MEDIAN_ERROR`. Only simulated series count: a calibration
    target (procurement, the famine tolls) is listed with ``calibrated`` true, as what the
    model was fitted to, and is never a goal met; inputs are not listed. Each check:
    ``series, goal, met, detail, calibrated``. Empty where the run does not cover 1928-1932.
    """
    first, last = FIRST_YEAR, FIT_YEARS.stop - 1
    if first not in run.result.years or last not in run.result.years:
        return []
    checks: list[dict[str, Any]] = []

    def add(name: str, goal: str, met: bool, detail: str) -> None:
        calibrated = name in catalogue.CATALOGUE and catalogue.kind(name) == "target"
        if name in catalogue.CATALOGUE and catalogue.kind(name) == "input":
            return
        checks.append(
            {
                "series": name,
                "goal": goal,
                "met": bool(met),
                "detail": detail,
                "calibrated": calibrated,
            }
        )

    for name in _HEAVY:
        a, b, plan = _at(run, name, first), _at(run, name, last), _plan_at(run, name, last)
        if a is None or b is None or plan is None:
            continue
        add(
            name,
            "up, but short of plan",
            a < b < plan,
            f"{num(a)} → {num(b)} {unit_of(name)}, plan {num(plan)}",
        )
    for name, goal in (
        ("grain_harvest", "down"),
        *((h, "down") for h in _HERDS),
        ("grain_procurement", "up"),
    ):
        a, b = _at(run, name, first), _at(run, name, last)
        if a is None or b is None:
            continue
        add(name, goal, b < a if goal == "down" else b > a, f"{num(a)} → {num(b)} {unit_of(name)}")
    for row in famine_rows(run):
        add(
            row["series"],
            "inside the scholarly band",
            row["inside"],
            f"{num(row['simulated'])} mn, band {row['low']:g}–{row['high']:g}",
        )
    summary = fit_summary(run)
    median = summary["median_abs_log_error"]
    add(
        "fit",
        f"median |log error| ≤ {GOAL_MEDIAN_ERROR:.0%}",
        median is not None and median <= GOAL_MEDIAN_ERROR,
        f"{pct(median)} over {summary['observations']} observations",
    )
    return checks


def goal_verdict(checks: Sequence[dict[str, Any]]) -> str:
    """``Goals: 7 of 9 met; missed: ...``, counting only checks that are not calibrated."""
    counted = [c for c in checks if not c["calibrated"]]
    missed = [c for c in counted if not c["met"]]
    verdict = f"Goals: {len(counted) - len(missed)} of {len(counted)} met"
    if missed:
        verdict += "; missed: " + "; ".join(
            f"{label_of(c['series'])} {c['goal']} ({c['detail']})" for c in missed
        )
    fitted = [c for c in checks if c["calibrated"]]
    if fitted:
        verdict += ". Calibrated to, so not counted: " + ", ".join(
            label_of(c["series"]) for c in fitted
        )
    return verdict + "."


def run_summary(run: Run) -> dict[str, Any]:
    """Everything the terminal shows, as JSON-ready data."""
    return {
        "scenario": run.scenario.spec.name,
        "title": run.scenario.title,
        "years": [run.years[0], run.years[-1]],
        "sets": list(run.scenario.overrides),
        "seed": run.seed,
        "rows": run_rows(run),
        "famine": famine_rows(run),
        "fit": fit_summary(run),
        "goals": goal_checks(run),
    }


def pct(log_error: float | None, signed: bool = False) -> str:
    """A log error as a percentage: ``+12%`` (signed, whole) or ``4.6%``; a dash if none."""
    if log_error is None or not math.isfinite(log_error):
        return "—"
    if signed:
        rounded = round(100 * log_error)
        return f"{rounded:+d}%" if rounded else "0%"
    return f"{100 * log_error:.1f}%"


def num_range(low: float | None, high: float | None) -> str:
    """A published range, ``43–50`` (one number where both ends agree)."""
    if low is None or high is None:
        return "—"

    def short(value: float) -> str:
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"

    return short(low) if low == high else f"{short(low)}–{short(high)}"


def _record_text(row: dict[str, Any]) -> str:
    text = num(row["record"]) if row["record"] is not None else num_range(
        row["record_low"], row["record_high"]
    )
    return f"{text}†" if row["record_unverified"] else text


def error_text(row: dict[str, Any]) -> str:
    """The error cell of a run row: ``input``, ``start``, ``+5% cal.`` (a target) or ``+5%``."""
    if row["kind"] == "input":
        return "input"
    if row["kind"] == "initial":
        return "start"
    text = pct(row["log_error"], signed=True)
    return f"{text} cal." if row["kind"] == "target" and row["log_error"] is not None else text


def run_table(run: Run) -> RenderableType:
    """The run as a compact rich table, with the famine and the fit beneath it."""
    rows = run_rows(run)
    first, last = run.years[0], run.years[-1]
    starts = first == run.result.years[0]
    table = Table(
        title=f"{run.scenario.title}: plan, simulation and record",
        title_justify="left",
        caption=(
            "plan: the plan's target in the record; quota: the model planner's; "
            "†: unverified (not read in the cited work); error: 100·ln(simulated/record); "
            "input: set by the scenario's policies from the record or decisions, not "
            "simulated; start: a starting value; cal.: a calibration target (fitted, no "
            "evidence)."
        ),
        caption_justify="left",
    )
    table.add_column("series", no_wrap=True)
    headers = ("plan", "quota", f"{'start' if starts else 'sim'} {first}", f"sim {last}")
    for header in (*headers, f"record {last}", "error"):
        table.add_column(header, justify="right", no_wrap=True)
    for row in rows:
        unit = f" [dim]({row['unit']})[/dim]" if row["unit"] else ""
        error = row["log_error"]
        style = (
            "bold"
            if row["kind"] == "simulated" and error is not None and abs(error) > GOAL_MEDIAN_ERROR
            else ""
        )
        table.add_row(
            f"{row['label']}{unit}",
            num(row["plan"]) + ("†" if row["plan_unverified"] else ""),
            num(row["quota"]),
            num(row["simulated_first"]),
            num(row["simulated"]),
            _record_text(row),
            Text(error_text(row), style=style),
        )
    lines = [Text.from_markup(_famine_line(run)), Text.from_markup(_fit_line(run))]
    checks = goal_checks(run)
    if checks:
        lines.append(Text(goal_verdict(checks)))
    return Group(table, *lines)


def _famine_line(run: Run) -> str:
    parts = []
    for row in famine_rows(run):
        region = row["label"].split(", ", 1)[-1]
        mark = "inside" if row["inside"] else "[bold]outside[/bold]"
        band = f"{num_range(row['low'], row['high'])} mn: {escape(row['authors'])}"
        parts.append(f"{region} {num(row['simulated'])} mn ({mark} {band})")
    if not parts:
        return "Famine: the run does not reach 1933; no toll to compare."
    text = "Famine deaths 1932–33 (Kazakhstan 1930–33), simulated: " + "; ".join(parts) + "."
    if all(row["calibrated"] for row in famine_rows(run)):
        text += " The tolls are calibrated to these ranges: a target of the fit, not a result."
    return text


def _fit_line(run: Run) -> str:
    s = fit_summary(run)
    coverage = "—" if s["coverage"] is None else f"{s['coverage']:.0%}"
    return (
        f"Fit {s['first_year']}–{s['last_year']}, simulated series only: median |log error| "
        f"{pct(s['median_abs_log_error'])} over {s['observations']} observations of "
        f"{s['series']} series, covering {coverage} of the record's {s['points']} physical "
        "points in those years (the rest are inputs, starting values or series the model does "
        "not simulate); "
        f"calibration loss {num(s['loss'])}. The first year is the start, not fitted; "
        "outcomes from 1933 on are withheld and not fitted."
    )


#: Source labels of the model's own numbers (not the record's).
OWN_SOURCES = frozenset({"gosplan", "gosplan planner"})


def citations(sources: Iterable[str]) -> list[dict[str, str]]:
    """Full citations of the record sources named in ``sources``, in order of first use.

    Each entry of ``sources`` is a source field (``"A; B"`` names two); the model's own
    labels, and anything that is not a source of the record, are skipped. Each citation:
    ``id``, ``short`` (the short form shown beside values), ``citation`` (full) and ``url``
    (empty if none).
    """
    seen: dict[str, None] = {}
    for field in sources:
        for part in (p.strip() for p in field.split(";")):
            if part and part not in OWN_SOURCES:
                seen.setdefault(part, None)
    record = load_record()
    out = []
    for source in seen:
        try:
            text = record.citation(source)
            short = record.short(source)
        except KeyError:
            # Not a record source (a scenario's own label): named as it is, never as a citation.
            continue
        url = ""
        raw = record.sources.loc[source, "url"]
        if isinstance(raw, str) and raw.startswith(("http://", "https://")):
            url = raw
        out.append({"id": source, "short": short, "citation": text, "url": url})
    return out


_KIND_OF = {"point": "actual", "low": "estimate_low", "high": "estimate_high"}


@dataclass(frozen=True, slots=True)
class RecordValue:
    """The record's value of a series in one year, as a person is shown it."""

    point: float | None
    """The value (``None`` where the record gives only a range or a bound)."""
    low: float | None
    high: float | None
    sources: tuple[str, ...]
    """Source ids behind the value (point first, then low and high), without repeats."""
    authors: str
    """Short forms of the sources' citations, ``"; "``-joined."""
    unverified: bool
    """Whether any row shown was not verified (read) in the cited work."""

    def text(self, scale: float = 1.0) -> str:
        """The value, or the range ``low–high`` (a lone bound as ``≥ low`` or ``≤ high``)."""
        if self.point is not None:
            return num(self.point * scale)
        low = None if self.low is None else self.low * scale
        high = None if self.high is None else self.high * scale
        if low is not None and high is not None:
            return num_range(low, high)
        return f"≥ {num(low)}" if low is not None else f"≤ {num(high)}"

    def is_range(self) -> bool:
        """Whether the value is a published range (or a lone bound), not a point."""
        return self.point is None


@cache
def record_value(series: str, year: int, plan: bool = False) -> RecordValue | None:
    """The record's preferred value of ``series`` (simulated name) in ``year``, or ``None``.

    A point where the record has one; else the published range (its preferred low and high
    rows), with the authors of both ends. With ``plan``, the plan's target instead.
    """
    record = load_record()
    name = catalogue.comparator(series)
    if name is None or name not in set(record.names()):
        return None
    rows: dict[str, dict[str, Any]] = {}
    kinds = {"point": "plan_target"} if plan else _KIND_OF
    for estimate, kind in kinds.items():
        best = record.best(name, kind)
        if year in best.index:
            rows[estimate] = {str(k): v for k, v in best.loc[year].items()}
    if "point" in rows:
        rows = {"point": rows["point"]}
    if not rows:
        return None
    sources = tuple(dict.fromkeys(str(r["source"]) for r in rows.values()))
    return RecordValue(
        point=float(rows["point"]["value"]) if "point" in rows else None,
        low=float(rows["low"]["value"]) if "low" in rows else None,
        high=float(rows["high"]["value"]) if "high" in rows else None,
        sources=sources,
        authors="; ".join(record.short(s) for s in sources),
        unverified=any(str(r["status"]) != "verified" for r in rows.values()),
    )


def famine_range_text(series: str) -> str:
    """A famine toll's published range with its authors, e.g. ``5.5–8.7 mn (A; B)``."""
    low, high = FAMINE_BANDS[series]
    record = load_record()
    authors = "; ".join(record.short(s) for s in dict.fromkeys(FAMINE_SOURCES[series]))
    return f"{num_range(low, high)} mn ({authors})"

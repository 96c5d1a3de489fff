"""The showcases of the exhibit: their sliders, charts and monitors, and the runs behind them.

A view is computed from a validated :class:`~gosplan.web.state.State`: the simulation is
:func:`gosplan.analysis.run.run_scenario` with the state's ``--set`` strings (exactly what
the page's command runs), kept in a bounded LRU cache keyed by those strings.
"""

from __future__ import annotations

import csv
import html
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from gosplan.analysis.fit import FAMINE_BANDS
from gosplan.analysis.run import Run, run_scenario
from gosplan.report.simulation import (
    citations,
    famine_range_text,
    label_of,
    num,
    record_value,
    unit_of,
)
from gosplan.scenarios.memo import Memo
from gosplan.sim import catalogue
from gosplan.web import svg
from gosplan.web.state import SCENARIO, YEARS, State

__all__ = [
    "CHARTS",
    "ENSEMBLE_LABEL",
    "INPUTS",
    "SHOWCASES",
    "TOUR",
    "Chart",
    "Monitor",
    "Showcase",
    "Simulated",
    "Try",
    "chart_csv",
    "chart_meta",
    "chart_parts",
    "chart_svg",
    "get_run",
    "monitors",
    "page_chart",
    "sources",
    "styles_key",
    "totals_rows",
]

#: The legend of an ensemble's band given with ``gosplan exhibit --ensemble``.
ENSEMBLE_LABEL = "model ensemble, 5–95 %"

Row = tuple[int, float, str, str]
"""``(year, value, estimate, source)`` of one row of a run's tidy table."""


@dataclass(frozen=True, slots=True, eq=False)
class Simulated:
    """A run and its tidy table indexed by (series, kind) for fast drawing."""

    run: Run
    rows: dict[tuple[str, str], list[Row]]
    """``kind`` is ``simulated``, ``quota`` (the model planner's), ``target`` (the plan's,
    from the record) or ``record``; rows sorted by year."""

    @classmethod
    def of(cls, run: Run) -> Simulated:
        """Index a run's table once (a few milliseconds) so that views need no pandas."""
        f = run.frame
        rows: dict[tuple[str, str], list[Row]] = {}
        for series, year, value, kind, estimate, source in zip(
            f["series"].tolist(), f["year"].tolist(), f["value"].tolist(), f["kind"].tolist(),
            f["estimate"].tolist(), f["source"].astype(str).tolist(), strict=True,
        ):
            if kind == "plan_target":
                kind = "quota" if source == "gosplan planner" else "target"
            rows.setdefault((series, kind), []).append(
                (int(year), float(value), str(estimate), source)
            )
        for values in rows.values():
            values.sort(key=lambda r: r[0])
        return cls(run, rows)

    def get(self, series: str, kind: str, estimate: str = "point") -> list[tuple[int, float]]:
        """Years and values of one series, kind and estimate."""
        return [(y, v) for y, v, e, _ in self.rows.get((series, kind), ()) if e == estimate]


#: Simulations by their ``--set`` strings; 64 runs of about a megabyte each at most.
RUNS: Memo[tuple[str, ...], Simulated] = Memo(64)


def get_run(state: State) -> Simulated:
    """The simulation of a state (cached): ``gosplan run`` with the state's sets."""
    sets = state.sets()
    return RUNS.get(
        sets, lambda: Simulated.of(run_scenario(SCENARIO, years=YEARS, sets=sets))
    )


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart of one or more series: plan, simulation (and the default run) and record."""

    key: str
    title: str
    series: tuple[str, ...]
    desc: str
    band: tuple[float, float, str] | None = None
    kind: str = "years"
    """``years``: a line chart over the years; ``totals``: totals against the record's
    published ranges (a famine's toll), which a chart of years would misdraw."""


@dataclass(frozen=True, slots=True)
class Monitor:
    """A key number: a series in one year (or a famine toll), with the record beside it."""

    key: str
    label: str
    series: str
    year: int | None = None
    """``None`` for a famine toll (its year is the toll's)."""


@dataclass(frozen=True, slots=True)
class Try:
    """A thing to try: settings of the levers, and what to look for."""

    label: str
    query: str
    look_for: str


@dataclass(frozen=True, slots=True)
class Showcase:
    """One room of the exhibit; its first chart leads (large), the others follow small."""

    key: str
    title: str
    tagline: str
    sliders: tuple[str, ...]
    charts: tuple[Chart, ...]
    monitors: tuple[Monitor, ...]
    tries: tuple[Try, ...] = ()


#: Series drawn in other units than the record's, for legibility: (factor, unit).
_DISPLAY = {
    "special_settlers_count": (1e-6, "mn persons"),
    "kulak_families_deported_special_settlement": (1e-3, "thousand families"),
}

_TOLLS = ("famine_excess_deaths_ussr", "famine_excess_deaths_ukraine",
          "famine_excess_deaths_kazakhstan")
_DEATHS = ("excess_deaths_ussr", "excess_deaths_ukraine", "excess_deaths_kazakhstan")
SHOWCASES: dict[str, Showcase] = {
    s.key: s
    for s in (
        Showcase(
            "industrialization",
            "Industrialization",
            "Steel, coal and machines: what the plan asked, what the factories gave.",
            ("ambition", "heavy_share", "raised", "exports"),
            (
                Chart("steel", "Steel", ("steel_output",), "Crude steel output, mt."),
                Chart("pig_iron", "Pig iron", ("pig_iron_output",), "Pig iron output, mt."),
                Chart("coal", "Coal", ("coal_output",), "Coal output, mt."),
                Chart("electricity", "Electricity", ("electricity_output",), "bn kWh."),
                Chart("real_wage", "Real wage", ("real_wage_index_1928_100",), "1928 = 100."),
            ),
            (
                Monitor("steel", "Steel, 1932", "steel_output", 1932),
                Monitor("pig_iron", "Pig iron, 1932", "pig_iron_output", 1932),
                Monitor("coal", "Coal, 1932", "coal_output", 1932),
                Monitor("real_wage", "Real wage, 1932", "real_wage_index_1928_100", 1932),
            ),
            (
                Try("Raise the plan's ambition by half", "ambition=1.5",
                    "Does steel follow the higher quotas, or does unfinished construction "
                    "pile up? Compare the vermillion line with the blue one after 1930."),
                Try("Keep the plan of 1929: no raised targets", "raised=0",
                    "Without the 'four years' campaign, is steel in 1932 lower or higher?"),
                Try("Sell no grain abroad", "exports=0",
                    "Fewer imported machines: watch steel and coal after 1931."),
            ),
        ),
        Showcase(
            "collectivization",
            "Collectivization",
            "About fifteen million peasant households in kolkhozes by mid-1932, most of them "
            "by force.",
            ("collectivization", "dekulakization", "procurement", "tractors"),
            (
                Chart("harvest", "Grain harvest", ("grain_harvest",),
                      "The physical grain harvest, mt (Wheatcroft and Davies's estimates)."),
                Chart("collectivized", "Households in kolkhozes", ("collectivization_pct",),
                      "Share of peasant households in collective farms, mid-year: an input "
                      "of the model, set by the pace of collectivization."),
                Chart("deported", "Kulak families deported",
                      ("kulak_families_deported_special_settlement",),
                      "Families deported to special settlements."),
                Chart("procurement", "Grain procurement", ("grain_procurement",),
                      "Grain taken by the state, mt."),
            ),
            (
                Monitor("collectivized", "Collectivized, 1932", "collectivization_pct", 1932),
                Monitor("harvest", "Grain harvest, 1932", "grain_harvest", 1932),
                Monitor("procurement", "Procurement, 1932", "grain_procurement", 1932),
                Monitor("settlers", "Special settlers, 1932", "special_settlers_count", 1932),
            ),
            (
                Try("Collectivize at the plan's own pace", "collectivization=0.35",
                    "About a fifth of households by 1933, as the plan foresaw: watch the "
                    "harvest of 1931-33 against history."),
                Try("No dekulakization", "dekulakization=0",
                    "The deportations stop: the harvest keeps the deported households' skills."),
                Try("Procurement at the level of 1929", "procurement=0.2",
                    "The state takes less: does the harvest recover in the model?"),
            ),
        ),
        Showcase(
            "livestock",
            "Livestock",
            "Half the herds lost: slaughtered before the kolkhoz, starved inside it.",
            ("collectivization", "meat_kazakhstan", "private_plots", "tractors"),
            (
                Chart("cattle", "Cattle", ("cattle_summer",), "Cattle, mn head, summer."),
                Chart("horses", "Horses", ("horses_summer",), "Horses, mn head, summer."),
                Chart("sheep", "Sheep and goats", ("sheep_and_goats_summer",), "mn head."),
                Chart("kazakh_sheep", "Sheep in Kazakhstan", ("kazakhstan_sheep",), "mn head."),
            ),
            (
                Monitor("cattle", "Cattle, 1933", "cattle_summer", 1933),
                Monitor("horses", "Horses, 1933", "horses_summer", 1933),
                Monitor("sheep", "Sheep and goats, 1933", "sheep_and_goats_summer", 1933),
                Monitor("kazakh_sheep", "Sheep, Kazakhstan, 1933", "kazakhstan_sheep", 1933),
            ),
            (
                Try("A cow and a plot from the start", "private_plots=1",
                    "Peasants keep animals of their own: watch the cattle of 1930-34."),
                Try("Halve meat procurement in Kazakhstan", "meat_kazakhstan=0.5",
                    "Compare the nomads' sheep in 1933 with history."),
                Try("Slow collectivization", "collectivization=0.5",
                    "Less slaughter in the winter of 1929-30: watch horses and cattle."),
            ),
        ),
        Showcase(
            "famine",
            "Famine",
            "1932–33: millions dead in the villages that fed the plan.",
            ("procurement", "exports", "collectivization", "seed_first", "relief", "flight_ban"),
            (
                Chart("tolls", "Famine deaths, in all: model and record",
                      _TOLLS, "Excess deaths of the famine as a whole, mn: USSR and Ukraine "
                      "1932–33, Kazakhstan 1930–33.", kind="totals"),
                Chart("deaths", "Excess deaths by year", _DEATHS,
                      "Excess deaths a year, mn: USSR, Ukraine, Kazakhstan."),
                Chart("retained", "Grain retained per rural head",
                      ("grain_retained_per_rural_head", "grain_retained_per_rural_head_ukraine",
                       "grain_retained_per_rural_head_kazakhstan"),
                      "Grain left in the villages after procurement, kg a head a year."),
                Chart("procurement", "Grain procurement", ("grain_procurement",),
                      "Grain taken by the state, mt."),
                Chart("exports", "Grain exports", ("grain_exports",), "Grain exported, mt."),
            ),
            (
                Monitor("toll", "Famine deaths, USSR, 1932–33", "famine_excess_deaths_ussr"),
                Monitor("toll_ukraine", "Holodomor, Ukraine, 1932–33",
                        "famine_excess_deaths_ukraine"),
                Monitor("toll_kazakhstan", "Asharshylyk, Kazakhstan, 1930–33",
                        "famine_excess_deaths_kazakhstan"),
                Monitor("procurement", "Procurement, 1932", "grain_procurement", 1932),
            ),
            (
                Try("Lower the procurement quota to 0.2", "procurement=0.2",
                    "Watch deaths in 1932-33 and the grain left per rural head."),
                Try("Seed first, and no exports", "seed_first=1&exports=0",
                    "Two smaller changes together: how much do they weigh against the quota?"),
                Try("No ban on flight, and more relief", "flight_ban=0&relief=0.5",
                    "Deaths in 1933, when the ban kept the starving in their villages."),
            ),
        ),
    )
}
#: The guided tour, in order (the Planning Room comes last).
TOUR = (*SHOWCASES, "planning")
CHARTS = {(s.key, c.key): c for s in SHOWCASES.values() for c in s.charts}


def _scaled(points: list[tuple[int, float]], scale: float) -> list[tuple[float, float]]:
    return [(float(x), v * scale) for x, v in points]


def _authors(series: str, year: int) -> str:
    """The short citation of the record's value of ``series`` in ``year`` ("" if none).

    Without initials (``Wheatcroft and Davies (1994)``): written beside a bar, it must fit
    a phone's chart.
    """
    shown = record_value(series, year)
    return "" if shown is None else _INITIALS.sub("", shown.authors)


_INITIALS = re.compile(r"\b(?:[A-Z][a-z]?\.[ -]?)+(?=[A-Z])")


def _unverified(series: str, year: int, plan: bool = False) -> bool:
    shown = record_value(series, year, plan)
    return shown is not None and shown.unverified


#: Series that are the model's inputs (the simulator's catalogue: set by the scenario's
#: policies, not produced by its mechanisms): drawn as steps labelled as inputs, never as a fit.
INPUTS = frozenset(catalogue.names("input"))


@dataclass(frozen=True, slots=True)
class Parts:
    """What a chart draws, before it is laid out as a page's chart or a file."""

    ident: str
    title: str
    desc: str
    lines: list[svg.Line]
    marks: list[svg.Marks]
    areas: list[svg.Area]
    legend: tuple[list[svg.Line], list[svg.Marks], list[svg.Area]]
    """What the legend shows: with several series, their colours once, and the styles."""


def chart_parts(
    showcase: str, chart: Chart, sim: Simulated, base: Simulated | None,
    bands: Mapping[str, Sequence[tuple[float, float, float]]] | None = None,
    *, band_label: str = ENSEMBLE_LABEL,
) -> Parts:
    """The lines, marks and areas of a chart, each in the style of what it is.

    The record (black marks, bars for published ranges), the plan's targets (open orange
    diamonds), the model planner's quotas (purple dashes), the model's run of history
    (blue), the visitor's run (vermillion, thicker) and the model's inputs (green steps).
    With several series, each has its colour and the model's run of history is the faint
    dashed line of the same colour.
    """
    lines: list[svg.Line] = []
    marks: list[svg.Marks] = []
    areas: list[svg.Area] = []
    many = len(chart.series) > 1
    scale, unit = _DISPLAY.get(chart.series[0], (1.0, unit_of(chart.series[0])))
    for k, series in enumerate(chart.series):
        name = f"{label_of(series)}: " if many else ""
        is_input = series in INPUTS
        if bands and bands.get(series):
            areas.append(svg.Area(f"{name}{band_label}",
                                  [(x, lo * scale, hi * scale) for x, lo, hi in bands[series]]))
        own = svg.COLOURS[k % len(svg.COLOURS)] if many else svg.BLUE
        model = svg.GREEN if is_input else own
        kind = "input: decided policy" if is_input else "model"
        run = _scaled(sim.get(series, "simulated"), scale)
        if base is None:
            lines.append(svg.Line(f"{name}{kind}, history as it was", run, model, 2.5,
                                  step=is_input))
        else:
            old = _scaled(base.get(series, "simulated"), scale)
            if many or is_input:
                lines.append(svg.Line(f"{name}{kind}, history as it was", old, model, 2,
                                      "6 4", step=is_input, opacity=0.6))
                lines.append(svg.Line(f"{name}{kind}, your settings", run, model, 3.5,
                                      step=is_input))
            else:
                lines.append(svg.Line(f"{kind}, history as it was", old, svg.BLUE, 2.5))
                lines.append(svg.Line(f"{kind}, your settings", run, svg.VERMILLION, 3.5))
        quota = _scaled(sim.get(series, "quota"), scale)
        if quota and not many:
            lines.append(svg.Line("model planner's yearly quota", quota, svg.PURPLE, 2, "7 4"))
        targets = _scaled(sim.get(series, "target"), scale)
        for suffix, keep in (("", False), (", unverified", True)):
            shown = [p for p in targets if _unverified(series, int(p[0]), plan=True) == keep]
            if shown:
                marks.append(svg.Marks(f"{name}plan target, as adopted{suffix}", shown,
                                       shape="diamond", colour=svg.ORANGE, hollow=keep))
        lows = dict(_scaled(sim.get(series, "record", "low"), scale))
        highs = dict(_scaled(sim.get(series, "record", "high"), scale))
        ranges = [(x, lows[x], highs[x]) for x in sorted(set(lows) & set(highs))]
        points = _scaled(sim.get(series, "record"), scale)
        # The record's rule: a value not read in its source is labelled unverified (and
        # drawn hollow).
        doubt = {x for x, *_ in (*points, *ranges) if _unverified(series, int(x))}
        for suffix, keep in (("", False), (", unverified", True)):
            shown = [p for p in points if (p[0] in doubt) == keep]
            spans = [r for r in ranges if (r[0] in doubt) == keep]
            if shown or spans:
                label = f"{name}record" + (" (bar: published range)" if spans else "")
                marks.append(svg.Marks(label + suffix, shown, spans,
                                       colour=own if many else svg.BLACK, hollow=keep,
                                       authors=[_authors(series, int(x)) for x, *_ in spans]))
    legend = (lines, marks, areas)
    if many:
        legend = _styles_legend(chart, lines, marks, areas)
    title = f"{chart.title} ({unit})" if unit else chart.title
    desc = (f"{chart.desc} The model {YEARS[0]}–{YEARS[1]} against the plan and the record"
            + (", with the run of your settings." if base is not None else "."))
    return Parts(f"chart-{showcase}-{chart.key}", title, desc, lines, marks, areas, legend)


def _styles_legend(
    chart: Chart, lines: list[svg.Line], marks: list[svg.Marks], areas: list[svg.Area]
) -> tuple[list[svg.Line], list[svg.Marks], list[svg.Area]]:
    """A short legend of a chart of several series: each colour once, then each style."""
    dot = [(0.0, 0.0)]
    drawn = {ln.label for ln in lines}
    out = [svg.Line(label_of(s), dot, svg.COLOURS[k % len(svg.COLOURS)], 5)
           for k, s in enumerate(chart.series)]
    for style, dash, width, opacity in (("history as it was", "6 4", 2.0, 0.6),
                                        ("your settings", "", 3.5, 1.0)):
        if any(label.endswith(style) for label in drawn):
            dashed = dash if any("your settings" in label for label in drawn) else ""
            out.append(svg.Line(f"model, {style}", dot, svg.INK, width, dashed,
                                opacity=opacity))
    kinds = {m.label.split(": ")[-1]: m for m in marks}
    legend_marks = [svg.Marks(label, dot, m.ranges[:1], m.shape, svg.INK, m.hollow)
                    for label, m in kinds.items()]
    shaded = [svg.Area(a.label.split(": ")[-1], a.points, a.colour) for a in areas[:1]]
    return out, legend_marks, shaded


def chart_svg(
    showcase: str, chart: Chart, sim: Simulated, base: Simulated | None,
    bands: Mapping[str, Sequence[tuple[float, float, float]]] | None = None,
    *, band_label: str = ENSEMBLE_LABEL,
) -> str:
    """The chart of a run as a file of its own: 720 pixels wide, with its legend.

    ``base``: the default run, drawn behind the visitor's when they differ; ``bands``: an
    ensemble's 5-95 % range of each series by year, drawn behind the run.
    """
    if chart.kind == "totals":
        return _totals(showcase, chart, sim, base, 720)[0]
    p = chart_parts(showcase, chart, sim, base, bands, band_label=band_label)
    return svg.line_chart(ident=p.ident, title=p.title, desc=p.desc, x_range=YEARS,
                          lines=p.lines, marks=p.marks, areas=p.areas, height=360, width=720,
                          legend_parts=p.legend)


def page_chart(
    showcase: str, chart: Chart, sim: Simulated, base: Simulated | None,
    bands: Mapping[str, Sequence[tuple[float, float, float]]] | None = None,
    *, lead: bool = False, band_label: str = ENSEMBLE_LABEL,
) -> tuple[str, str]:
    """A page's chart, as wide as its box, and its legend as HTML (which wraps, unclipped).

    ``lead``: the large chart that leads a showcase; the others are small multiples.
    """
    if chart.kind == "totals":
        drawing, legend = _totals(showcase, chart, sim, base, None)
        return _heading(f"{chart.title} (mn deaths)") + drawing, legend
    p = chart_parts(showcase, chart, sim, base, bands, band_label=band_label)
    drawing = svg.line_chart(ident=p.ident, title=p.title, desc=p.desc, x_range=YEARS,
                             lines=p.lines, marks=p.marks, areas=p.areas,
                             height=340 if lead else 230, legend=False)
    return _heading(p.title) + drawing, svg.legend_html(*p.legend)


def _heading(title: str) -> str:
    # Not a heading element: the page's outline is its sections, not each chart.
    return f'<p class="chart-h" aria-hidden="true">{html.escape(title)}</p>'



#: What each row of a chart's CSV is, by the run's kind.
_ROW_KINDS = (("record", "record"), ("target", "plan target"),
              ("quota", "model planner's quota"))


def _totals(
    showcase: str, chart: Chart, sim: Simulated, base: Simulated | None, width: int | None
) -> tuple[str, str]:
    """A chart of totals: the record's range of each (with its authors), the model's total."""
    from gosplan.report.simulation import famine_range_text

    dots = [("model, history as it was", svg.BLUE)]
    if base is not None:
        dots.append(("model, your settings", svg.VERMILLION))
    rows, authors = [], []
    for series, row in zip(chart.series, totals_rows(chart, sim, base), strict=True):
        region = row.label.split(", ")[-1]
        rows.append(replace(row, label=f"{region}: record {row.low:g}–{row.high:g}"))
        authors.append(f"{region}: {famine_range_text(series)}")
    ident = f"chart-{showcase}-{chart.key}"
    drawing = svg.range_chart(ident=ident, title=chart.title, desc=chart.desc, rows=rows,
                              unit="mn deaths", width=width)
    legend = svg.range_legend(dots, "record: published range (bar), its ends marked")
    cited = "".join(f"<li>{html.escape(a)}</li>" for a in authors)
    return drawing, f'{legend}<ul class="legend ranges">{cited}</ul>'


def totals_rows(chart: Chart, sim: Simulated, base: Simulated | None) -> list[svg.RangeRow]:
    """The rows of a chart of totals (for a picture of it)."""
    rows = []
    for series in chart.series:
        low, high = FAMINE_BANDS[series]
        history, _ = _value((base or sim).run, series, None)
        nan = float("nan")
        points = [("model, history as it was", nan if history is None else history, svg.BLUE)]
        if base is not None:
            mine, _ = _value(sim.run, series, None)
            points.append(("model, your settings", nan if mine is None else mine,
                           svg.VERMILLION))
        rows.append(svg.RangeRow(label_of(series), low, high, "record: published range",
                                 points))
    return rows


def chart_csv(chart: Chart, sim: Simulated, base: Simulated | None) -> str:
    """The numbers behind a chart as a plain CSV: no comment line, values to 4 digits.

    One row per series, year and kind: the record, the plan's targets, the model planner's
    quotas, the model's run of history and (when the visitor changed something) the
    visitor's run beside it. How it was made is in the chart's JSON sidecar.
    """
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(("series", "year", "kind", "estimate", "value", "unit", "source"))
    history = base or sim
    for series in chart.series:
        unit = unit_of(series)
        model = "input: decided policy" if series in INPUTS else "model"
        groups = [(label, sim.rows.get((series, key), ())) for key, label in _ROW_KINDS]
        groups.append((f"{model}, history as it was", history.rows.get((series, "simulated"), ())))
        if base is not None:
            groups.append((f"{model}, your settings", sim.rows.get((series, "simulated"), ())))
        for label, rows in groups:
            for year, value, estimate, source in rows:
                if math.isfinite(value):
                    out.writerow((series, year, label, estimate, f"{value:.4g}", unit,
                                  "" if source in ("nan", "None") else source))
    return buffer.getvalue()


def chart_meta(showcase: str, chart: Chart, sim: Simulated, state: State) -> dict[str, Any]:
    """The sidecar of a chart's CSV: what it shows, how to make it again, its sources."""
    from gosplan.web.state import cli_command

    query = state.query()
    return {
        "showcase": showcase,
        "chart": chart.key,
        "title": chart.title,
        "description": chart.desc,
        "view": f"/showcase/{showcase}" + (f"?{query}" if query else ""),
        "command": cli_command(state),
        "scenario": SCENARIO,
        "years": list(YEARS),
        "inputs": sorted(s for s in chart.series if s in INPUTS),
        "columns": {
            "series": "the series' name in the record and the model",
            "year": "calendar year",
            "kind": "record, plan target, model planner's quota, the model's run of history, "
                    "or the model's run with the visitor's settings ('input' where the series "
                    "is a policy decided, not simulated)",
            "estimate": "point, or the low and high ends of a published range",
            "value": "rounded to 4 significant digits",
            "unit": "unit of the value",
            "source": "source id of a record value or target (see sources)",
        },
        "sources": sources(SHOWCASES[showcase], sim),
    }


def _value(run: Run, series: str, year: int | None) -> tuple[float | None, int | None]:
    result = run.result
    if year is None:
        total = result.totals.get(series)
        return (None, None) if total is None else (float(total[1]), int(total[0]))
    values = result.series.get(series)
    if values is None or year not in result.years:
        return None, year
    value = float(values[result.years.index(year)])
    return (value if math.isfinite(value) else None), year


def trust(series: str, year: int | None) -> str:
    """A plain word on how far to trust the model's number beside the record.

    From the simulator's catalogue: an input is given, a target is calibrated to the
    record, and a simulated series is fitted to 1929-32 and tested after.
    """
    kind = catalogue.kind(series)
    if kind == "input":
        return "an input: given to the model, not a result of it"
    if kind == "target":
        return "calibrated to the record: agreement by construction, not a test"
    if year is not None and year in catalogue.FIT_YEARS:
        return "fitted to the record of 1929–32: agreement is expected, not a test"
    if year is not None and year > max(catalogue.FIT_YEARS):
        return "not fitted after 1932: a test of the model"
    return "compare it with the record"


def monitors(showcase: Showcase, sim: Simulated, base: Simulated) -> list[dict[str, Any]]:
    """Each monitor's number, the default run's, and the record's (with its source)."""
    out = []
    for m in showcase.monitors:
        value, year = _value(sim.run, m.series, m.year)
        before, _ = _value(base.run, m.series, m.year)
        scale, unit = _DISPLAY.get(m.series, (1.0, unit_of(m.series) or "mn"))
        shown = None if year is None else record_value(m.series, year)
        # The record's rules: a range with its authors, a source by its citation, and
        # "unverified" beside a value not read in its source.
        rec = None if shown is None else shown.text(scale)
        band = FAMINE_BANDS.get(m.series)
        out.append(
            {
                "key": m.key,
                "label": m.label,
                "trust": trust(m.series, m.year),
                "series": m.series,
                "year": year,
                "value": value,
                "text": num(None if value is None else value * scale),
                "unit": unit,
                "change": None
                if value is None or before is None or sim is base
                else num((value - before) * scale),
                "before": None if before is None else num(before * scale),
                "record": rec,
                "band": None if band is None or shown is not None else famine_range_text(m.series),
                "source": None if shown is None else shown.authors,
                "unverified": shown is not None and shown.unverified,
            }
        )
    return out


def sources(showcase: Showcase, sim: Simulated) -> list[dict[str, str]]:
    """Citations of the record behind the showcase's charts and monitors, by source id."""
    names = {s for c in showcase.charts for s in c.series} | {m.series for m in showcase.monitors}
    fields = (raw for (series, _kind), rows in sorted(sim.rows.items()) if series in names
              for *_, raw in rows)
    return sorted(citations(fields), key=lambda c: (c["short"], c["id"]))


def styles_key() -> str:
    """The key to every chart's styles, as an HTML legend (the teachers' page)."""
    dot = [(0.0, 0.0)]
    lines = [svg.Line("model, history as it was", dot, svg.BLUE, 2.5),
             svg.Line("model, your settings", dot, svg.VERMILLION, 3.5),
             svg.Line("model planner's yearly quota", dot, svg.PURPLE, 2, "7 4"),
             svg.Line("input: decided policy", dot, svg.GREEN, 2.5)]
    marks = [svg.Marks("record", dot),
             svg.Marks("record, published range", dot, [(0.0, 0.0, 1.0)]),
             svg.Marks("record, unverified", dot, hollow=True),
             svg.Marks("plan target, as adopted", dot, shape="diamond", colour=svg.ORANGE)]
    return svg.legend_html(lines, marks)

"""Ensembles and sensitivity analyses for people: band plots, bar charts, tables, a page.

``write_ensemble_report(ensemble)`` adds to an ensemble folder::

    bands.svg       quantile bands of the key series, with the record overlaid
    ensemble.html   the settings, the bands at a glance, the uncertain parameters and why

``write_sensitivity(result, out)`` writes a folder (whole, or not at all)::

    sensitivity.csv   the indices, one row per output and parameter, with the rank
    runs.parquet      every run's parameter values and outputs
    sensitivity.svg   mu* and sigma (Morris) or S1 and ST with confidence bars (Sobol)
    manifest.json     scenario, method, n, seed and the spans

Figures follow the report's conventions (:mod:`gosplan.report.plots`): Agg canvas, no
pyplot, deterministic SVG, the simulation in dark red and the record as dots with bars.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from gosplan.analysis.ensemble import EnsembleResult
from gosplan.analysis.fit import FAMINE_BANDS
from gosplan.analysis.sensitivity import OUTPUTS, Sensitivity
from gosplan.report.plots import (
    INK,
    PLAN_COLOUR,
    SIM_COLOUR,
    draw_record,
    figure_svg,
    new_figure,
    panel_axes,
    panel_title,
    years_axis,
)
from gosplan.report.simulation import label_of, num, unit_of
from gosplan.scenarios.atomic import atomic_file, atomic_folder, write_text
from gosplan.scenarios.record import load_record
from gosplan.sim.catalogue import comparator

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "BAND_SERIES",
    "SENSITIVITY_MARKER",
    "bands_svg",
    "ensemble_renderable",
    "render_ensemble",
    "sensitivity_renderable",
    "sensitivity_svg",
    "write_ensemble_report",
    "write_sensitivity",
]

#: The series the band plot draws, in order.
#: The file that marks a folder as a sensitivity folder (one ``--out`` may overwrite).
SENSITIVITY_MARKER = "sensitivity.csv"
BAND_SERIES = (
    "excess_deaths_ussr",
    "grain_harvest",
    "grain_procurement",
    "cattle_summer",
    "steel_output",
)
_TOLL = "famine_excess_deaths_ussr"
_OUTER = "#e8c9c4"  # 5-95%
_INNER = "#cf8f88"  # 25-75%
_SIGMA = "#b9b9b9"
_RECORD_KINDS = (("actual", "point"), ("estimate_low", "low"), ("estimate_high", "high"))


# --- The record --------------------------------------------------------------------------------


def record_frame(series: Sequence[str], years: Sequence[int]) -> pd.DataFrame:
    """The record's preferred rows of ``series`` in ``years`` (kind ``record``), tidy."""
    record = load_record()
    known = set(record.names())
    rows: list[dict[str, Any]] = []
    for name in series:
        rec = comparator(name)
        if rec is None or rec not in known:
            continue
        for kind, estimate in _RECORD_KINDS:
            try:
                best = record.best(rec, kind)
            except KeyError:
                continue
            for year, value in zip(best.index, best["value"], strict=True):
                if int(str(year)) in years:
                    rows.append(
                        {
                            "series": name,
                            "year": int(str(year)),
                            "value": float(value),
                            "kind": "record",
                            "estimate": estimate,
                            "source": "record",
                        }
                    )
    return pd.DataFrame(rows, columns=["series", "year", "value", "kind", "estimate", "source"])


# --- Figures -----------------------------------------------------------------------------------


def _band(ax: Axes, bands: pd.DataFrame, series: str) -> list[int]:
    rows = bands[bands["series"] == series].sort_values("year")
    years = rows["year"].to_numpy(dtype=np.int64)
    if not len(rows):
        return []
    ax.fill_between(years, rows["q05"], rows["q95"], color=_OUTER, lw=0, zorder=1)
    ax.fill_between(years, rows["q25"], rows["q75"], color=_INNER, lw=0, zorder=2)
    ax.plot(years, rows["q50"], color=SIM_COLOUR, lw=1.7, zorder=3, solid_capstyle="round")
    return [int(y) for y in years]


def _toll(ax: Axes, members: pd.DataFrame) -> None:
    values = members.loc[members["series"] == _TOLL, "value"].to_numpy(dtype=np.float64)
    ax.set_title(f"{label_of(_TOLL)} (mn), members")
    if not values.size:
        ax.set_visible(False)
        return
    low, high = FAMINE_BANDS[_TOLL]
    ax.axvspan(low, high, color="#e6e6e6", lw=0, zorder=0)
    bins = np.linspace(float(values.min()), float(values.max()) + 1e-9, 21).tolist()
    ax.hist(values, bins=bins, color=_INNER, edgecolor="white", lw=0.4, zorder=2)
    ax.axvline(float(np.median(values)), color=SIM_COLOUR, lw=1.5, zorder=3)
    ax.annotate(
        f"scholarly band {low:g}-{high:g}",
        (high, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3, -9),
        textcoords="offset points",
        fontsize=7,
        color=INK,
    )
    ax.grid(axis="x", visible=False)


def bands_svg(bands: pd.DataFrame, members: pd.DataFrame | None = None) -> str:
    """Quantile bands (5-95%, 25-75%, median) of the key series, with the record overlaid.

    A sixth panel shows the members' famine tolls of 1932-33 against the scholarly band,
    when ``members`` holds them.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    years = sorted(set(bands["year"].astype(int).tolist()))
    record = record_frame(BAND_SERIES, years)
    n = len(BAND_SERIES) + (1 if members is not None else 0)
    with new_figure("ensemble", n) as fig:
        axes = panel_axes(fig, n)
        for ax, name in zip(axes, BAND_SERIES, strict=False):
            panel_title(ax, name)
            drawn = _band(ax, bands, name)
            draw_record(ax, record, name, 1.0)
            years_axis(ax, drawn or years)
        if members is not None:
            _toll(axes[-1], members)
        handles = [
            Line2D([], [], color=SIM_COLOUR, lw=1.7),
            Patch(color=_INNER, lw=0),
            Patch(color=_OUTER, lw=0),
            Line2D([], [], ls="none", marker="o", ms=3.8, color=INK),
        ]
        fig.legend(
            handles,
            ["median of members", "25-75%", "5-95%", "record (bars: published range)"],
            loc="upper left",
            bbox_to_anchor=(0.0, 1.0),
            borderaxespad=0.3,
            ncols=4,
            handlelength=2.2,
            columnspacing=1.4,
        )
        return figure_svg(
            fig, "ensemble", "Ensemble: quantile bands of the key series and the record"
        )


def sensitivity_svg(result: Sensitivity, top: int = 10) -> str:
    """Bars per output: mu* beside sigma (Morris), or S1 and ST with 95% bars (Sobol)."""
    from matplotlib.patches import Patch

    morris = result.method == "morris"
    first, second = ("mu_star", "sigma") if morris else ("S1", "ST")
    n = len(OUTPUTS)
    with new_figure(f"sensitivity-{result.method}", n, ncols=n, row=3.6) as fig:
        for ax, (output, (label, unit)) in zip(panel_axes(fig, n, ncols=n), OUTPUTS.items(),
                                               strict=True):
            rows = result.table[result.table["output"] == output].sort_values("rank").head(top)
            pos = np.arange(len(rows))[::-1].astype(np.float64)
            a = rows[first].to_numpy(dtype=np.float64)
            b = rows[second].to_numpy(dtype=np.float64)
            a_err = None if morris else rows["S1_conf"].to_numpy(dtype=np.float64)
            b_err = None if morris else rows["ST_conf"].to_numpy(dtype=np.float64)
            ax.barh(pos + 0.2, a, height=0.38, color=SIM_COLOUR, xerr=a_err, ecolor=INK,
                    error_kw={"lw": 0.7, "capsize": 1.5})
            ax.barh(pos - 0.2, b, height=0.38, color=_SIGMA if morris else PLAN_COLOUR, xerr=b_err,
                    ecolor=INK, error_kw={"lw": 0.7, "capsize": 1.5})
            ax.set_yticks(pos, [str(p) for p in rows["parameter"]], fontsize=6.5)
            ax.grid(axis="y", visible=False)
            ax.grid(axis="x", visible=True)
            ax.set_title(f"{label} ({unit})" if morris else label)
            ax.tick_params(axis="y", length=0)
        names = ["mu* (per full span)", "sigma"] if morris else ["S1 (95% bar)", "ST (95% bar)"]
        fig.legend(
            [Patch(color=SIM_COLOUR), Patch(color=_SIGMA if morris else PLAN_COLOUR)],
            names,
            loc="upper left",
            bbox_to_anchor=(0.0, 1.0),
            borderaxespad=0.3,
            ncols=2,
        )
        fig.subplots_adjust(left=0.16, wspace=0.75)
        title = "Morris screening" if morris else "Sobol indices"
        return figure_svg(fig, f"sensitivity-{result.method}", f"{title}: what drives each outcome")


# --- Tables ------------------------------------------------------------------------------------


def _key_years(years: Sequence[int]) -> list[int]:
    wanted = [y for y in (1928, 1930, 1932, 1933, 1935, 1937) if y in years]
    return wanted or list(years)[:: max(1, len(years) // 5)]


def ensemble_renderable(ensemble: EnsembleResult) -> RenderableType:
    """The key series' median and 5-95% band by year, and the famine toll."""
    bands = ensemble.bands
    years = _key_years(sorted(set(bands["year"].astype(int).tolist())))
    s = ensemble.settings
    vary = ", ".join(s["vary"]) or "nothing (every member is the same run)"
    table = Table(
        title=f"{s['scenario']}: {s['runs']} members, seed {s['seed']}, varying {vary}",
        title_justify="left",
        header_style="bold",
    )
    table.add_column("series")
    for y in years:
        table.add_column(str(y), justify="right")
    for name in (*BAND_SERIES, _TOLL):
        rows = bands[bands["series"] == name].set_index("year")
        if rows.empty:
            continue
        cells = []
        for y in years:
            if y in rows.index:
                q05, q50, q95 = (
                    float(rows[c].to_numpy(dtype=np.float64)[rows.index.get_loc(y)])
                    for c in ("q05", "q50", "q95")
                )
                cells.append(f"{num(q50)} [{num(q05)}-{num(q95)}]")
            else:
                cells.append("")
        table.add_row(f"{label_of(name)} ({unit_of(name)})", *cells)
    note = Text(
        f"median [5-95%] over members; {ensemble.computed} computed, "
        f"{ensemble.skipped} already finished",
        style="dim",
    )
    return Group(table, note)


def sensitivity_renderable(result: Sensitivity, top: int = 8) -> RenderableType:
    """The most influential parameters of each output."""
    morris = result.method == "morris"
    cols = ("mu_star", "mu_star_conf", "sigma") if morris else ("S1", "S1_conf", "ST", "ST_conf")
    parts: list[RenderableType] = []
    for output, (label, unit) in OUTPUTS.items():
        table = Table(title=f"{label} ({unit})", title_justify="left", header_style="bold")
        table.add_column("rank", justify="right")
        table.add_column("parameter")
        for c in cols:
            table.add_column(c, justify="right")
        rows = result.table[result.table["output"] == output].sort_values("rank").head(top)
        for _, row in rows.iterrows():
            table.add_row(
                str(row["rank"]), str(row["parameter"]), *(f"{float(row[c]):.3g}" for c in cols)
            )
        parts.append(table)
    runs = len(result.outputs)
    what = "trajectories" if morris else "base samples"
    parts.append(
        Text(f"{result.method}: {result.n} {what}, {runs} runs, seed {result.seed}", style="dim")
    )
    return Group(*parts)


# --- Files -------------------------------------------------------------------------------------

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Ensemble: {{ s.scenario }}</title>
<style>
body { font: 15px/1.45 "Helvetica Neue", Helvetica, Arial, sans-serif; color: #1a1a1a;
  max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-weight: 600; font-size: 1.5rem; } h2 { font-weight: 600; font-size: 1.15rem; }
svg.figure { width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 0.85rem; }
td, th { padding: 0.2rem 0.6rem; border-bottom: 1px solid #e6e6e6; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.dim { color: #6b6b6b; }
</style></head><body>
<h1>Ensemble of {{ s.runs }} runs: {{ s.scenario }}</h1>
<p>Years {{ s.years[0] }}-{{ s.years[1] }}; base seed {{ s.seed }}; varying
{{ vary }}{% if s.sets %}; with {{ s.sets | join(", ") }}{% endif %}.
Each member's seed comes from the base seed and its number only; a member can be rerun
alone with <code>gosplan run --seed SEED</code> and its drawn parameters as
<code>--set param.NAME=VALUE</code> (see <code>draws.csv</code> and
<code>parameters.csv</code>).</p>
<h2>Bands</h2>
{{ svg | safe }}
<table><tr><th>series</th><th>year</th><th>5%</th><th>25%</th><th>median</th><th>75%</th>
<th>95%</th><th>mean</th></tr>
{% for r in rows %}<tr><td>{{ r.label }}</td><td>{{ r.year }}</td>{% for v in r.cells %}
<td class="n">{{ v }}</td>{% endfor %}</tr>
{% endfor %}</table>
{% if params %}
<h2>Uncertain parameters</h2>
<p class="dim">Drawn for each member from its seed, over these spans.</p>
<table><tr><th>parameter</th><th>span</th><th>distribution</th><th>why</th></tr>
{% for p in params %}<tr><td>{{ p.name }}</td><td>{{ p.low }}-{{ p.high }}</td>
<td>{{ p.distribution }}</td><td>{{ p.why }}</td></tr>
{% endfor %}</table>
{% endif %}
<p class="dim">Files: members.parquet (member, seed, series, unit, year, value),
bands.parquet and bands.csv (series, unit, year, q05, q25, q50, q75, q95, mean),
parameters.parquet and parameters.csv (member, parameter, value, unit: what each member
drew), draws.csv (member, seed, weather_seed), manifest.json, bands.svg.</p>
</body></html>
"""


def render_ensemble(ensemble: EnsembleResult, svg: str) -> str:
    """The ensemble's page (self-contained HTML)."""
    from jinja2 import Environment, StrictUndefined

    from gosplan.scenarios.uncertainty import load_uncertainty

    s = ensemble.settings
    bands = ensemble.bands
    rows = []
    for name in (*BAND_SERIES, _TOLL):
        for _, r in bands[bands["series"] == name].sort_values("year").iterrows():
            rows.append(
                {
                    "label": f"{label_of(name)} ({unit_of(name)})",
                    "year": int(r["year"]),
                    "cells": [num(float(r[c])) for c in ("q05", "q25", "q50", "q75", "q95",
                                                            "mean")],
                }
            )
    params = load_uncertainty(str(s["scenario"])).describe() if s["uncertainty"] else []
    env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    return env.from_string(_PAGE).render(
        s=s,
        vary=", ".join(s["vary"]) or "nothing",
        svg=svg,
        rows=rows,
        params=[{k: (f"{v:g}" if isinstance(v, float) else v) for k, v in p.items()}
                for p in params],
    )


def write_ensemble_report(ensemble: EnsembleResult) -> Path:
    """Write ``bands.svg`` and ``ensemble.html`` into the ensemble's folder (atomically)."""
    svg = bands_svg(ensemble.bands, ensemble.members)
    write_text(ensemble.folder / "bands.svg", _standalone(svg))
    page = ensemble.folder / "ensemble.html"
    write_text(page, render_ensemble(ensemble, svg))
    return page


def _standalone(svg: str) -> str:
    """An inline SVG element as a file of its own."""
    head = svg[: svg.index(">")]
    if "xmlns=" not in head:
        svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
    return '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' + svg


def write_sensitivity(result: Sensitivity, out: str | Path) -> Path:
    """Write the analysis to the folder ``out`` (replaced whole, or not at all)."""
    manifest = {
        "scenario": result.scenario,
        "method": result.method,
        "n": result.n,
        "seed": result.seed,
        "runs": len(result.outputs),
        "outputs": {k: {"label": v[0], "unit": v[1]} for k, v in OUTPUTS.items()},
        "steel_target_1932_mt": result.steel_target,
        "inputs": [
            {"name": n, "low": lo, "high": hi} for n, (lo, hi) in
            zip(result.names, result.spans, strict=True)
        ],
    }
    with atomic_folder(out, marker=SENSITIVITY_MARKER) as tmp:
        with atomic_file(tmp / SENSITIVITY_MARKER) as f:
            result.table.to_csv(f, index=False, float_format="%.6g")
        with atomic_file(tmp / "runs.parquet") as f:
            result.runs_frame().to_parquet(f, index=False)
        write_text(tmp / "sensitivity.svg", _standalone(sensitivity_svg(result)))
        write_text(tmp / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    return Path(out)

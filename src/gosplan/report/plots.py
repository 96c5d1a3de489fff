"""Figures of a simulation run: one function per report panel, each returning an SVG string.

Every figure draws the same three things in the same way: the plan (dashed: the model
planner's annual quota; an open diamond: the plan's target as the record gives it), the
simulation (solid) and the record (dots, with bars for published low-high ranges).

matplotlib is imported inside the functions, and only its object-oriented API is used (a
``Figure`` on an Agg canvas, never pyplot), so no global figure state or backend switch
leaks into the caller. The SVG is deterministic: a fixed hash salt, text kept as text,
no date in the metadata; every element id is prefixed with the panel's name so that
several figures can share one HTML page.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gosplan.report.simulation import PANELS, label_of
from gosplan.sim.catalogue import display

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "INK",
    "PANELS",
    "PLAN_COLOUR",
    "SIM_COLOUR",
    "agriculture_svg",
    "collectivization_svg",
    "draw_record",
    "famine_svg",
    "figure_svg",
    "fit_svg",
    "industry_svg",
    "livestock_svg",
    "new_figure",
    "panel_axes",
    "panel_title",
    "population_svg",
    "years_axis",
]

#: Source of the planner's quotas in a run's tidy frame (``gosplan.analysis.run.tidy``).
PLANNER = "gosplan planner"

INK = "#1a1a1a"
SIM_COLOUR = "#9b2226"  # the simulation: a dark red, the one strong colour on the page
_SIM2 = "#b07d2b"  # a second simulated line (official harvest; Kazakhstan)
_SIM3 = "#3d5a80"  # a third (Ukraine)
PLAN_COLOUR = "#6b6b6b"
_BAND = "#e9e4da"
_GRID = "#e6e6e6"
_SALT = "gosplan-report"
_WIDTH = 9.6  # inches: three small multiples a row at the report's column width
_ROW = 2.35
_LEGEND = 0.42  # inches above the plots for the figure legend

# Marker styles shared by the charts and their legends.
_TARGET: dict[str, Any] = {"marker": "D", "ms": 5, "mfc": "white", "mec": PLAN_COLOUR, "mew": 1.1}
_POINT: dict[str, Any] = {"marker": "o", "ms": 3.8, "color": INK, "mew": 0.9}
_OPEN: dict[str, Any] = {"ms": 4.5, "mfc": "white", "mec": INK, "mew": 0.9}
_NOTE: dict[str, Any] = {"textcoords": "offset points", "fontsize": 7}

_FONTS = ["Helvetica Neue", "Helvetica", "Arial", "DejaVu Sans"]
_RC: dict[Any, Any] = {
    "svg.hashsalt": _SALT,
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": _FONTS,
    "font.size": 8.5,
    "axes.titlesize": 9.0,
    "axes.titleweight": "normal",
    "axes.titlelocation": "left",
    "axes.labelsize": 8.0,
    "axes.edgecolor": "#9a9a9a",
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": _GRID,
    "grid.linewidth": 0.6,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "xtick.color": "#555555",
    "ytick.color": "#555555",
    "xtick.major.size": 2.5,
    "ytick.major.size": 0.0,
    "legend.fontsize": 8.0,
    "legend.frameon": False,
    "path.simplify": False,
}

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


# --- Drawing -----------------------------------------------------------------------------


@contextmanager
def new_figure(
    panel: str, n: int, ncols: int = 3, row: float = _ROW, legend_rows: int = 1
) -> Iterator[Figure]:
    """A blank figure of ``n`` small multiples under the report's style."""
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = math.ceil(n / ncols)
    legend = _LEGEND + 0.17 * (legend_rows - 1) if legend_rows else 0.0
    height = row * rows + legend
    with mpl.rc_context(_RC):
        fig = Figure(figsize=(_WIDTH if ncols > 1 else _WIDTH * 0.75, height))
        FigureCanvasAgg(fig)
        # A fixed layout (not constrained): as legible, half the drawing time, and the
        # same geometry whatever the data.
        fig.subplots_adjust(
            left=0.055 if ncols > 1 else 0.26,
            right=0.985,
            bottom=0.42 / height,
            top=1 - (legend + 0.28) / height,
            wspace=0.22,
            hspace=0.62 * 2.35 / row,
        )
        fig.set_label(panel)
        yield fig


def figure_svg(fig: Figure, panel: str, label: str) -> str:
    """The figure as an SVG element to inline in HTML: no prolog, ids unique to the panel."""
    import matplotlib as mpl

    buffer = io.StringIO()
    with mpl.rc_context(_RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.DOTALL)
    # Ids must be unique in an HTML page that inlines several figures.
    text = re.sub(r'\bid="([^"]+)"', rf'id="{panel}-\1"', text)
    text = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{panel}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{panel}-\1)", text)
    # Width and height go to the page's CSS, which scales the figure to the column.
    head_end = text.index(">")
    head = re.sub(r'\s(width|height)="[^"]*"', "", text[:head_end])
    safe = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    head += f' class="figure" role="img" aria-label="{safe}"'
    return head + text[head_end:]


def panel_axes(fig: Figure, n: int, ncols: int = 3) -> list[Axes]:
    """A grid of ``n`` panels, ``ncols`` wide; the cells left over are hidden."""
    rows = math.ceil(n / ncols)
    grid = fig.subplots(rows, ncols, squeeze=False)
    axes = [ax for line in grid for ax in line]
    for ax in axes[n:]:
        ax.set_visible(False)
    return axes[:n]


def years_axis(ax: Axes, years: Sequence[int]) -> None:
    """Whole years on the horizontal axis, spanning ``years``."""
    from matplotlib.ticker import MaxNLocator

    if years:
        ax.set_xlim(min(years) - 0.4, max(years) + 0.4)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    ax.set_ylim(bottom=0)


def _select(
    frame: pd.DataFrame, series: str, kind: str, estimate: str = "point", planner: bool = False
) -> tuple[IntArray, FloatArray]:
    """Years and values of one series and kind, sorted by year."""
    mask = (
        (frame["series"] == series).to_numpy()
        & (frame["kind"] == kind).to_numpy()
        & (frame["estimate"] == estimate).to_numpy()
    )
    if kind == "plan_target":
        is_planner = (frame["source"] == PLANNER).to_numpy()
        mask &= is_planner if planner else ~is_planner
    years = frame["year"].to_numpy(dtype=np.int64)[mask]
    values = frame["value"].to_numpy(dtype=np.float64)[mask]
    order = np.argsort(years, kind="stable")
    return years[order], values[order]


def draw_record(
    ax: Axes, frame: pd.DataFrame, series: str, scale: float, marker: str = "o"
) -> None:
    """Record points, with bars for low-high ranges; a lone bound is an open marker."""
    py, pv = _select(frame, series, "record")
    ly, lv = _select(frame, series, "record", "low")
    hy, hv = _select(frame, series, "record", "high")
    low: dict[int, float] = dict(zip(ly.tolist(), lv.tolist(), strict=True))
    high: dict[int, float] = dict(zip(hy.tolist(), hv.tolist(), strict=True))
    for year in sorted(set(low) | set(high)):
        if year in low and year in high:
            ax.vlines(year, low[year] * scale, high[year] * scale, color=INK, lw=0.9, zorder=4)
            for end in (low[year], high[year]):
                ax.hlines(end * scale, year - 0.09, year + 0.09, color=INK, lw=0.9, zorder=4)
        else:
            value = low[year] if year in low else high[year]
            bound = "^" if year in high else "v"
            ax.plot([year], [value * scale], ls="none", zorder=5, **{**_OPEN, "marker": bound})
    if py.size:
        face = INK if marker == "o" else "white"
        ax.plot(py, pv * scale, ls="none", zorder=5, **{**_POINT, "marker": marker, "mfc": face})


def _trace(
    ax: Axes,
    frame: pd.DataFrame,
    series: str,
    *,
    scale: float = 1.0,
    color: str = SIM_COLOUR,
    plan: bool = True,
    record: bool = True,
    marker: str = "o",
) -> None:
    """Plan, simulation and record of one series on one axes."""
    if plan:
        qy, qv = _select(frame, series, "plan_target", planner=True)
        if qy.size:
            ax.plot(qy, qv * scale, color=PLAN_COLOUR, lw=1.0, ls=(0, (4, 2.5)), zorder=2)
        ty, tv = _select(frame, series, "plan_target")
        if ty.size:
            ax.plot(ty, tv * scale, ls="none", zorder=3, **_TARGET)
    sy, sv = _select(frame, series, "simulated")
    if sy.size:
        ax.plot(sy, sv * scale, color=color, lw=1.7, zorder=3, solid_capstyle="round")
    if record:
        draw_record(ax, frame, series, scale, marker)


def _legend(
    fig: Figure,
    frame: pd.DataFrame,
    series: Sequence[str],
    extra: Sequence[tuple[str, dict[str, Any]]] = (),
) -> None:
    """One legend for the whole figure: what solid, dashed, diamonds and dots mean."""
    from matplotlib.lines import Line2D

    plans = frame.loc[
        frame["series"].isin(list(series)).to_numpy() & (frame["kind"] == "plan_target").to_numpy(),
        "source",
    ].to_numpy()
    entries: list[tuple[str, dict[str, Any]]] = [("simulated", {"color": SIM_COLOUR, "lw": 1.7})]
    if (plans == PLANNER).any():
        entries.append(
            ("model planner's quota", {"color": PLAN_COLOUR, "lw": 1.0, "ls": (0, (4, 2.5))})
        )
    if (plans != PLANNER).any():
        entries.append(("plan target (record)", {**_TARGET, "ls": "none"}))
    entries.append(("record (bars: published range)", {**_POINT, "ls": "none"}))
    entries += extra
    handles = [Line2D([], [], **style) for _, style in entries]
    fig.legend(
        handles,
        [name for name, _ in entries],
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        borderaxespad=0.3,
        ncols=len(entries) if len(entries) <= 4 else math.ceil(len(entries) / 2),
        handlelength=2.2,
        columnspacing=1.4,
    )


def panel_title(ax: Axes, series: str, text: str | None = None) -> str:
    """Title a panel with the series' label and display unit; return the title."""
    unit = display(series)[1]
    ax.set_title(f"{text or label_of(series)} ({unit})" if unit else text or label_of(series))
    return unit


def _grid_panel(frame: pd.DataFrame, panel: str, label: str) -> str:
    series, years = PANELS[panel], _run_years(frame)
    with new_figure(panel, len(series)) as fig:
        for ax, name in zip(panel_axes(fig, len(series)), series, strict=True):
            panel_title(ax, name)
            _trace(ax, frame, name, scale=display(name)[0])
            years_axis(ax, years)
        _legend(fig, frame, series)
        return figure_svg(fig, panel, label)


def _run_years(frame: pd.DataFrame) -> list[int]:
    simulated = frame["kind"].to_numpy() == "simulated"
    plain = ~frame["series"].str.startswith("famine_").to_numpy()
    return sorted(set(frame["year"].to_numpy(dtype=np.int64)[simulated & plain].tolist()))


# --- Panels ------------------------------------------------------------------------------


def industry_svg(frame: pd.DataFrame) -> str:
    """Heavy industry: pig iron, steel, coal, electricity, oil, machinery.

    Parameters
    ----------
    frame : DataFrame
        A run's tidy frame (``Run.frame``).
    """
    return _grid_panel(frame, "industry", "Industry: plan, simulation and record")


def livestock_svg(frame: pd.DataFrame) -> str:
    """Herds of the USSR (summer counts) and of Kazakhstan."""
    return _grid_panel(frame, "livestock", "Livestock: simulated herds against the record")


def collectivization_svg(frame: pd.DataFrame) -> str:
    """Collectivization and dekulakization: kolkhoz share and households, deportations."""
    return _grid_panel(frame, "collectivization", "Collectivization and dekulakization")


def population_svg(frame: pd.DataFrame) -> str:
    """Population, towns and villages, employment, real wages, tractors."""
    return _grid_panel(frame, "population", "Population and labour")


def agriculture_svg(frame: pd.DataFrame) -> str:
    """Grain: harvest (physical and official), procurement, exports, export earnings.

    The physical harvest is judged against Wheatcroft and Davies's estimates; the official
    series of the 1930s against itself.
    """
    years = _run_years(frame)
    with new_figure("agriculture", 4, ncols=2, row=2.55, legend_rows=2) as fig:
        harvest, procurement, exports, share = panel_axes(fig, 4, ncols=2)
        harvest.set_title("Grain harvest (mt): physical and as officially reported")
        _trace(harvest, frame, "grain_harvest")
        _trace(harvest, frame, "grain_harvest_official_1930s", color=_SIM2, plan=False, marker="s")
        for ax, name in (
            (procurement, "grain_procurement"),
            (exports, "grain_exports"),
            (share, "grain_share_of_export_earnings"),
        ):
            panel_title(ax, name)
            _trace(ax, frame, name)
        for ax in (harvest, procurement, exports, share):
            years_axis(ax, years)
        _legend(
            fig,
            frame,
            PANELS["agriculture"],
            [
                ("official harvest, simulated", {"color": _SIM2, "lw": 1.7}),
                (
                    "official harvest, record",
                    {**_POINT, "marker": "s", "mfc": "white", "ls": "none"},
                ),
            ],
        )
        return figure_svg(fig, "agriculture", "Agriculture: grain harvest, procurement and exports")


def famine_svg(
    frame: pd.DataFrame,
    *,
    bands: Mapping[str, tuple[float, float]],
    threshold_kg: float | None = None,
    committed: Mapping[str, float] | None = None,
) -> str:
    """The famine: deaths by year and region, the toll against the bands, food per head.

    Three charts: excess deaths by year and region (stacked); the 1932-33 toll (1930-33
    for Kazakhstan) against the scholarly bands; food per rural head against the famine
    threshold.

    Parameters
    ----------
    frame : DataFrame
        A run's tidy frame.
    bands : mapping
        ``famine_excess_deaths_<region>`` -> (low, high) scholarly band, mn deaths.
    threshold_kg : float, optional
        Food per rural head a year below which the model's excess deaths begin, kg.
    committed : mapping, optional
        Region (``ussr``, ``ukraine``, ``kazakhstan``) -> excess deaths in the year after
        the run, committed by its last harvest, mn; drawn hatched.
    """
    years = _run_years(frame)
    with new_figure("famine", 3, row=3.1, legend_rows=0) as fig:
        by_year, tolls, food = panel_axes(fig, 3)
        _famine_by_year(by_year, frame, years, committed or {})
        _famine_tolls(tolls, frame, bands)
        _famine_food(food, frame, years, threshold_kg)
        return figure_svg(
            fig,
            "famine",
            "Famine: excess deaths by year and region, the toll against the "
            "scholarly bands, and the food left in the villages",
        )


def _small_legend(
    ax: Axes, handles: Sequence[Any], loc: Literal["upper left", "upper right", "lower right"]
) -> None:
    ax.legend(
        handles=list(handles),
        loc=loc,
        fontsize=7,
        handlelength=1.6,
        borderaxespad=0.2,
        labelspacing=0.3,
    )


def _famine_by_year(
    ax: Axes, frame: pd.DataFrame, years: Sequence[int], committed: Mapping[str, float]
) -> None:
    from matplotlib.patches import Patch

    ax.set_title("Excess deaths by year (mn people)")
    regions = ("ukraine", "kazakhstan", "ussr")
    deaths = {}
    for region in regions:
        ry, rv = _select(frame, f"excess_deaths_{region}", "simulated")
        deaths[region] = dict(zip(ry.tolist(), rv.tolist(), strict=True))
    shown = list(years)
    if committed and years:
        shown.append(max(years) + 1)
    top = 0.0
    for year in shown:
        is_committed = year not in deaths["ussr"]
        value = {
            r: committed.get(r, 0.0) if is_committed else deaths[r].get(year, 0.0) for r in regions
        }
        parts = (
            (value["ukraine"], _SIM3),
            (value["kazakhstan"], _SIM2),
            (max(value["ussr"] - value["ukraine"] - value["kazakhstan"], 0.0), SIM_COLOUR),
        )
        bottom = 0.0
        for height, color in parts:
            ax.bar(
                year,
                height,
                bottom=bottom,
                width=0.62,
                color="white" if is_committed else color,
                edgecolor=color,
                hatch="////" if is_committed else None,
                lw=0.8,
            )
            bottom += height
        top = max(top, bottom)
        if value["ussr"] >= 0.05:
            ax.annotate(f"{value['ussr']:.1f}", (year, bottom), xytext=(0, 2), ha="center", **_NOTE)
    years_axis(ax, shown)
    ax.set_ylim(0, max(top, 0.1) * 1.6)
    _small_legend(
        ax,
        [
            Patch(facecolor=_SIM3, label="Ukraine"),
            Patch(facecolor=_SIM2, label="Kazakhstan"),
            Patch(facecolor=SIM_COLOUR, label="rest of the USSR"),
            Patch(
                facecolor="white",
                edgecolor=INK,
                hatch="////",
                lw=0.6,
                label="committed by the last harvest",
            ),
        ],
        "upper left",
    )


def _famine_tolls(ax: Axes, frame: pd.DataFrame, bands: Mapping[str, tuple[float, float]]) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ax.set_title("The toll against the scholarly bands (mn)")
    names = [n for n in bands if _select(frame, n, "simulated")[0].size] or list(bands)
    positions = np.arange(len(names))[::-1].astype(float)
    for y, name in zip(positions.tolist(), names, strict=True):
        low, high = bands[name]
        ax.barh(y, high - low, left=low, height=0.36, color=_BAND, lw=0)
        ax.annotate(_REGION.get(name, name), (0, y + 0.2), xytext=(2, 1), va="bottom", **_NOTE)
        lv = _select(frame, name, "record", "low")[1]
        hv = _select(frame, name, "record", "high")[1]
        if lv.size and hv.size:
            ax.hlines(y - 0.28, lv[0], hv[0], color=INK, lw=0.9)
            for end in (lv[0], hv[0]):
                ax.vlines(end, y - 0.33, y - 0.23, color=INK, lw=0.9)
        sv = _select(frame, name, "simulated")[1]
        if sv.size:
            ax.plot([sv[0]], [y], marker="o", ms=5.5, color=SIM_COLOUR, zorder=4)
            ax.annotate(
                f"{sv[0]:.1f}", (sv[0], y), xytext=(6, -1), va="center", color=SIM_COLOUR, **_NOTE
            )
    ax.set_yticks([])
    ax.set_xlim(left=0)
    ax.grid(axis="x", color=_GRID, lw=0.6)
    ax.grid(axis="y", visible=False)
    ax.set_ylim(-0.6, len(names) - 0.2)
    _small_legend(
        ax,
        [
            Patch(facecolor=_BAND, label="scholarly band"),
            Line2D([], [], marker="o", ls="none", color=SIM_COLOUR, ms=5, label="simulated"),
            Line2D([], [], color=INK, lw=0.9, label="record's preferred range"),
        ],
        "lower right",
    )


def _famine_food(
    ax: Axes, frame: pd.DataFrame, years: Sequence[int], threshold_kg: float | None
) -> None:
    from matplotlib.lines import Line2D

    ax.set_title("Food per rural head (kg a year)")
    lines = (
        ("food_per_rural_head", SIM_COLOUR, "food, from last year's harvest"),
        ("grain_retained_per_rural_head", PLAN_COLOUR, "grain retained: USSR"),
        ("grain_retained_per_rural_head_ukraine", _SIM3, "grain retained: Ukraine"),
        ("grain_retained_per_rural_head_kazakhstan", _SIM2, "grain retained: Kazakhstan"),
    )
    top = 0.0
    for name, color, _ in lines:
        _trace(ax, frame, name, color=color, plan=False)
        top = max(top, float(np.max(_select(frame, name, "simulated")[1], initial=0.0)))
    if threshold_kg is not None:
        ax.axhline(threshold_kg, color=INK, lw=0.8, ls=(0, (1, 1.5)))
        at = ("axes fraction", "data")
        ax.annotate("famine threshold", (0.0, threshold_kg), xycoords=at, xytext=(3, 2), **_NOTE)
    years_axis(ax, years)
    ax.set_ylim(0, max(top, threshold_kg or 0.0, 1.0) * 1.55)
    _small_legend(
        ax, [Line2D([], [], color=c, lw=1.7, label=t) for _, c, t in lines], "upper right"
    )


_REGION = {
    "famine_excess_deaths_ussr": "USSR, 1932–33",
    "famine_excess_deaths_ukraine": "Ukraine, 1932–33",
    "famine_excess_deaths_kazakhstan": "Kazakhstan, 1930–33",
}


def fit_svg(rows: pd.DataFrame, *, goal: float = 0.10) -> str:
    """Per-observation log errors against the record, one line per series (a dot plot).

    Parameters
    ----------
    rows : DataFrame
        ``FitReport.rows``: series, year, log_error (others ignored).
    goal : float
        Absolute log error shaded as the goal (0.10: 10%).
    """
    series = list(dict.fromkeys(rows["series"].tolist()))
    years = sorted(set(rows["year"].to_numpy(dtype=np.int64).tolist()))
    height = 0.24 * max(len(series), 1) + 0.9
    with new_figure("fit", 1, ncols=1, row=height) as fig:
        (ax,) = panel_axes(fig, 1, ncols=1)
        ax.axvspan(-100 * goal, 100 * goal, color=_BAND, lw=0)
        ax.axvline(0, color=INK, lw=0.7)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", color=_GRID, lw=0.6)
        position = {name: len(series) - 1 - k for k, name in enumerate(series)}
        shades = _shades(len(years))
        names = rows["series"].to_numpy()
        errors = 100 * rows["log_error"].to_numpy(dtype=np.float64)
        row_years = rows["year"].to_numpy(dtype=np.int64)
        for year, shade in zip(years, shades, strict=True):
            pick = row_years == year
            ys = np.array([position[n] for n in names[pick]], dtype=float)
            ax.plot(errors[pick], ys, "o", ms=4.2, color=shade, label=str(year), zorder=3)
        ax.set_yticks([position[n] for n in series], [label_of(n) for n in series])
        ax.set_ylim(-0.7, len(series) - 0.3)
        reach = max(float(np.nanmax(np.abs(errors))) if errors.size else 0.0, 100 * goal)
        ax.set_xlim(-reach * 1.08, reach * 1.08)
        ax.set_xlabel("log error, simulated against record (%): 100·ln(simulated / record)")
        fig.legend(loc="upper left", bbox_to_anchor=(0.0, 1.0), borderaxespad=0.3, ncols=len(years))
        return figure_svg(fig, "fit", "Fit: log errors of every observation, by series and year")


def _shades(n: int) -> list[str]:
    """``n`` shades from light to dark red: later years darker."""
    light, dark = np.array([0xE0, 0xA4, 0x9E]), np.array([0x5C, 0x0E, 0x12])
    steps = np.linspace(0.0, 1.0, n) if n > 1 else np.ones(1)
    return [
        "#" + "".join(f"{round(c):02x}" for c in light + (dark - light) * t) for t in steps.tolist()
    ]

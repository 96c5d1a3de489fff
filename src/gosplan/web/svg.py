"""Small hand-written SVG charts for the exhibit: fast, deterministic, accessible, legible.

A chart is drawn in a few hundred microseconds (matplotlib takes a hundred milliseconds or
more per figure), so a slider can redraw it on every change. Every chart has a ``<title>``
and a ``<desc>`` for screen readers, text kept as text, system fonts only, and numbers
written with a fixed precision so that the same data always gives the same bytes.

Charts have no ``viewBox``: their height is fixed in pixels and horizontal positions are
percentages of their width, so that text is drawn at its own size (13 px) whatever the
width of the screen; a chart scaled down to a phone would shrink its text below legibility.
Lines are drawn in a nested, stretched box whose strokes do not scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

__all__ = [
    "Area",
    "Bar",
    "Line",
    "Marks",
    "RangeRow",
    "bar_chart",
    "legend_html",
    "line_chart",
    "nice_ticks",
    "range_chart",
    "range_notes",
]

# The Okabe-Ito palette: told apart by readers with every common colour-vision deficiency.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
INK = "#1a1a1a"
MUTED = "#595959"
GRID = "#e3ddd2"
PAPER = "#fffdf8"
#: Colours of several series in one chart (the record's marks take the series' colour).
COLOURS = (BLUE, VERMILLION, GREEN, PURPLE)
#: Text sizes in CSS pixels: never below 12 px, at any width.
TEXT = 13
TITLE = 15
_FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\""
#: Width of the box the lines are drawn in (stretched to the chart's width).
_SPAN = 1000.0


@dataclass(frozen=True, slots=True)
class Line:
    """A line through points ``(x, y)``; ``step`` draws a decided input as steps."""

    label: str
    points: Sequence[tuple[float, float]]
    colour: str = BLUE
    width: float = 2.5
    dash: str = ""
    step: bool = False
    opacity: float = 1.0


@dataclass(frozen=True, slots=True)
class Marks:
    """Points (the record, or the plan's targets), with optional low-high bars."""

    label: str
    points: Sequence[tuple[float, float]]
    ranges: Sequence[tuple[float, float, float]] = field(default_factory=tuple)
    """``(x, low, high)`` published ranges, drawn as bars with caps."""
    shape: str = "dot"
    """``dot`` (filled circle) or ``diamond`` (open)."""
    colour: str = BLACK
    hollow: bool = False
    """Drawn hollow and dashed: a value not read in its source (unverified)."""
    authors: Sequence[str] = field(default_factory=tuple)
    """The short citation of each range (in the order of ``ranges``), written beside it."""


@dataclass(frozen=True, slots=True)
class Area:
    """A band between two lines over the years: ``(x, low, high)``, e.g. an ensemble's."""

    label: str
    points: Sequence[tuple[float, float, float]]
    colour: str = "#cfe3f1"


@dataclass(frozen=True, slots=True)
class RangeRow:
    """One row of a range chart: a published range, and values drawn against it."""

    label: str
    low: float
    high: float
    range_label: str
    points: Sequence[tuple[str, float, str]]
    """``(label, value, colour)`` of each value drawn as a dot on the row."""


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of a horizontal bar chart: a value against a reference (e.g. capacity)."""

    label: str
    value: float
    reference: float | None = None


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]``: steps of 1, 2 or 5 times a power of ten."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        high = low + 1.0
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def tick_label(value: float) -> str:
    """A tick as a reader wants it: thousands separated, no needless decimals."""
    if value == 0:
        return "0"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.0f}"
    if size >= 1:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.2g}"


def _head(ident: str, title: str, desc: str, width: int | None, height: int) -> list[str]:
    """The chart's opening.

    A page's chart (no width) leaves its visible title to the page, where it wraps on a
    narrow screen instead of being cut.
    """
    size = f'width="{width}"' if width else 'width="100%"'
    shown = [
        f'<text x="6" y="19" font-size="{TITLE}" font-weight="600" fill="{INK}" '
        f'class="chart-title">{escape(title)}</text>',
    ] if width else []
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" {size} height="{height}" '
        f'class="chart" role="img" aria-labelledby="{ident}-t {ident}-d" id="{ident}" {_FONT}>',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(desc)}</desc>',
        f'<rect width="100%" height="100%" fill="{PAPER}"/>',
        *shown,
    ]


def range_notes(marks: Marks) -> list[tuple[float, float, str]]:
    """``(x, high, authors)``: where to write each range's authors, once per authors.

    Bars of consecutive years by the same authors share one label, above the tallest.
    """
    best: dict[str, tuple[float, float]] = {}
    for (x, _, hi), who in zip(marks.ranges, marks.authors, strict=False):
        if who and (who not in best or hi > best[who][1]):
            best[who] = (x, hi)
    return [(x, hi, who) for who, (x, hi) in best.items()]


def _at(x_pct: float, y: float, inner: str) -> str:
    """Content drawn around a point given as a percentage across and pixels down."""
    return f'<svg x="{x_pct:.2f}%" y="{_f(y)}" overflow="visible">{inner}</svg>'


def _glyph_line(ln: Line) -> str:
    dash = f' stroke-dasharray="{ln.dash}"' if ln.dash else ""
    return (f'<line x1="1" x2="25" y1="7" y2="7" stroke="{ln.colour}" stroke-width="{ln.width}"'
            f'{dash} stroke-opacity="{ln.opacity:g}"/>')


def _glyph_mark(m: Marks) -> str:
    bar = (f'<line x1="13" x2="13" y1="0" y2="14" stroke="{m.colour}" stroke-width="3"/>'
           if m.ranges else "")
    return bar + _mark(m.shape, 13, 7, m.colour, hollow=m.hollow)


def _glyph_area(a: Area) -> str:
    return f'<rect x="1" y="2" width="24" height="10" fill="{a.colour}"/>'


def legend_entries(
    lines: Sequence[Line], marks: Sequence[Marks], areas: Sequence[Area] = ()
) -> list[tuple[str, str]]:
    """``(label, glyph)`` of each thing drawn, in the order drawn: areas, lines, marks."""
    return ([(a.label, _glyph_area(a)) for a in areas]
            + [(ln.label, _glyph_line(ln)) for ln in lines if ln.points]
            + [(m.label, _glyph_mark(m)) for m in marks if m.points or m.ranges])


def legend_html(
    lines: Sequence[Line], marks: Sequence[Marks], areas: Sequence[Area] = ()
) -> str:
    """The legend as an HTML list that wraps with the page (never clipped)."""
    items = "".join(
        f'<li><svg width="26" height="14" aria-hidden="true" focusable="false">{glyph}</svg>'
        f"{escape(label)}</li>"
        for label, glyph in legend_entries(lines, marks, areas)
    )
    return f'<ul class="legend">{items}</ul>'


def line_chart(
    *,
    ident: str,
    title: str,
    desc: str,
    x_range: tuple[int, int],
    lines: Sequence[Line] = (),
    marks: Sequence[Marks] = (),
    bands: Sequence[tuple[float, float, str]] = (),
    areas: Sequence[Area] = (),
    height: int = 300,
    width: int | None = None,
    legend: bool = True,
    legend_parts: tuple[Sequence[Line], Sequence[Marks], Sequence[Area]] | None = None,
) -> str:
    """A line chart of years: the record, the plan, the model's runs and its inputs.

    Parameters
    ----------
    ident : str
        Element id (unique in the page); titles and descriptions are labelled from it.
    title, desc : str
        Visible title, and the description read by screen readers.
    x_range : (int, int)
        First and last year on the axis.
    lines, marks : sequences
        What to draw; the legend lists them in this order.
    bands : sequence of (low, high, label)
        Horizontal shaded bands (e.g. a scholarly range), drawn under everything.
    areas : sequence of Area
        Bands that follow the years (e.g. an ensemble's 5-95 % range), under the lines.
    height : int
        Height of the plot and its axis in pixels (the legend's rows come below).
    width : int or None
        ``None``: as wide as its box (a page); pixels for a file of its own.
    legend : bool
        Draw the legend in the SVG (a file); a page shows :func:`legend_html` instead.
    legend_parts : (lines, marks, areas), optional
        What the legend lists, when not what is drawn (e.g. each colour once).
    """
    top, bottom = (40 if width else 22), 24
    plot_h = height - top - bottom
    values = [y for ln in lines for _, y in ln.points if math.isfinite(y)]
    values += [y for m in marks for _, y in m.points if math.isfinite(y)]
    values += [v for m in marks for _, lo, hi in m.ranges for v in (lo, hi)]
    values += [v for lo, hi, _ in bands for v in (lo, hi)]
    values += [v for a in areas for _, lo, hi in a.points for v in (lo, hi) if math.isfinite(v)]
    top_value = max([*values, 0.0]) or 1.0
    ticks = nice_ticks(0.0, top_value * 1.05)
    y_max = ticks[-1]
    # Room at the left for the tick labels, which stand above their grid lines.
    x0, x1 = x_range[0] - 0.8, x_range[1] + 0.5

    def pct(x: float) -> float:
        return (x - x0) / (x1 - x0) * 100

    def sx(x: float) -> float:
        return (x - x0) / (x1 - x0) * _SPAN

    def py(y: float) -> float:
        return top + plot_h - y / y_max * plot_h

    shown = legend_parts or (lines, marks, areas)
    entries = legend_entries(*shown) if legend else []
    rows = _legend_rows(entries, width or 640)
    out = _head(ident, title, desc, width, height + 20 * len(rows))
    for lo, hi, label in bands:
        out.append(f'<rect x="0" y="{_f(py(hi))}" width="100%" height="{_f(py(lo) - py(hi))}" '
                   f'fill="#efe7d6"><title>{escape(label)}</title></rect>')
    for t in ticks:
        out.append(
            f'<line x1="0" x2="100%" y1="{_f(py(t))}" y2="{_f(py(t))}" stroke="{GRID}" '
            f'stroke-width="1"/><text x="4" y="{_f(py(t) - 4)}" font-size="{TEXT}" '
            f'fill="{MUTED}" class="tick">{tick_label(t)}</text>'
        )
    step = 1 if x_range[1] - x_range[0] <= 6 else 2
    for year in range(x_range[0], x_range[1] + 1, step):
        out.append(f'<text x="{pct(year):.2f}%" y="{top + plot_h + 18}" font-size="{TEXT}" '
                   f'fill="{MUTED}" text-anchor="middle">{year}</text>')
    out.append(f'<line x1="0" x2="100%" y1="{top + plot_h}" y2="{top + plot_h}" '
               f'stroke="#8a8a8a" stroke-width="1"/>')
    # The stretched box: x from 0 to _SPAN across the whole width, y in pixels.
    out.append(f'<svg x="0" y="0" width="100%" height="{height}" viewBox="0 0 {_SPAN:g} '
               f'{height}" preserveAspectRatio="none" overflow="visible">')
    for area in areas:
        span = [(x, lo, hi) for x, lo, hi in area.points if math.isfinite(lo) and math.isfinite(hi)]
        if span:
            outline = [(x, hi) for x, _, hi in span] + [(x, lo) for x, lo, _ in reversed(span)]
            path = " ".join(f"{_f(sx(x))},{_f(py(y))}" for x, y in outline)
            out.append(f'<polygon points="{path}" fill="{area.colour}" stroke="none">'
                       f"<title>{escape(area.label)}</title></polygon>")
    for ln in lines:
        pts = [(x, y) for x, y in ln.points if math.isfinite(y)]
        if not pts:
            continue
        if ln.step:
            # A decided value holds for its whole year: a step from year to year.
            pts = [p for k, (x, y) in enumerate(pts)
                   for p in ([(x - 0.5, y)] if k == 0 else [(x - 0.5, pts[k - 1][1]),
                                                            (x - 0.5, y)])] + [
                (pts[-1][0] + 0.5, pts[-1][1])]
        path = " ".join(f"{_f(sx(x))},{_f(py(y))}" for x, y in pts)
        dash = f' stroke-dasharray="{ln.dash}"' if ln.dash else ""
        opacity = f' stroke-opacity="{ln.opacity:g}"' if ln.opacity < 1 else ""
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{ln.colour}" '
            f'stroke-width="{ln.width}" stroke-linejoin="round" stroke-linecap="round" '
            f'vector-effect="non-scaling-stroke"{dash}{opacity}>'
            f"<title>{escape(ln.label)}</title></polyline>"
        )
    out.append("</svg>")
    for m in marks:
        for k, (x, lo, hi) in enumerate(m.ranges):
            bar = (f'<line x1="0" x2="0" y1="{_f(py(lo))}" y2="{_f(py(hi))}" stroke="{m.colour}" '
                   f'stroke-width="3"/>')
            caps = "".join(f'<line x1="-6" x2="6" y1="{_f(py(v))}" y2="{_f(py(v))}" '
                           f'stroke="{m.colour}" stroke-width="2"/>' for v in (lo, hi))
            who = f" ({m.authors[k]})" if k < len(m.authors) and m.authors[k] else ""
            tip = f"<title>{escape(m.label)}, {x:g}: {lo:.4g}–{hi:.4g}{escape(who)}</title>"
            out.append(_at(pct(x), 0, f"<g>{tip}{bar}{caps}</g>"))
        for x, hi, who in range_notes(m):
            # Above the bar, kept inside the plot by its anchor (a phone is 360 px wide).
            at = pct(x)
            anchor, dx = ("start", -6) if at < 30 else ("end", 6) if at > 70 else ("middle", 0)
            out.append(_at(at, py(hi) - 8, f'<text x="{dx}" y="0" font-size="{TEXT}" '
                           f'fill="{m.colour}" text-anchor="{anchor}" class="range-authors">'
                           f"{escape(who)}</text>"))
        for x, y in m.points:
            out.append(_at(pct(x), py(y), _mark(m.shape, 0, 0, m.colour,
                                               f"{m.label}, {x:g}: {y:.4g}", m.hollow)))
    y = height + 6
    for k, row in enumerate(rows):
        x = 6.0
        for label, glyph, w in row:
            out.append(f'<g transform="translate({_f(x)},{_f(y + 20 * k)})">{glyph}'
                       f'<text x="30" y="12" font-size="{TEXT}" fill="{INK}">{escape(label)}'
                       "</text></g>")
            x += w
    out.append("</svg>")
    return "\n".join(out)


def _legend_rows(entries: list[tuple[str, str]], width: int) -> list[list[tuple[str, str, float]]]:
    """Legend entries wrapped in rows that fit ``width`` (7.2 px a character at 13 px)."""
    rows: list[list[tuple[str, str, float]]] = []
    x = float(width)
    for label, glyph in entries:
        w = 42 + 7.2 * len(label)
        if x + w > width - 6 or not rows:
            rows.append([])
            x = 6.0
        rows[-1].append((label, glyph, w))
        x += w
    return rows


def _mark(
    shape: str, x: float, y: float, colour: str = BLACK, label: str = "", hollow: bool = False
) -> str:
    tip = f"<title>{escape(label)}</title>" if label else ""
    dash = ' stroke-dasharray="3 2"' if hollow else ""
    if shape == "diamond":
        d = 6.5
        return (f'<path d="M{_f(x)} {_f(y - d)} L{_f(x + d)} {_f(y)} L{_f(x)} {_f(y + d)} '
                f'L{_f(x - d)} {_f(y)} Z" fill="{PAPER}" stroke="{colour}" stroke-width="2.5"'
                f"{dash}>{tip}</path>")
    if hollow:
        return (f'<circle cx="{_f(x)}" cy="{_f(y)}" r="4.5" fill="{PAPER}" stroke="{colour}" '
                f'stroke-width="2"{dash}>{tip}</circle>')
    return (f'<circle cx="{_f(x)}" cy="{_f(y)}" r="4.5" fill="{colour}" stroke="{PAPER}" '
            f'stroke-width="1.5">{tip}</circle>')


def bar_chart(
    *,
    ident: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    value_label: str,
    reference_label: str,
    width: int | None = None,
) -> str:
    """Horizontal bars (e.g. output each target needs), each with its reference marked.

    Each bar's label stands above it, so that the chart fits any width.
    """
    top, row = 34, 38
    height = top + row * len(bars) + 70
    values = [b.value for b in bars] + [b.reference for b in bars if b.reference is not None]
    top_value = max([v for v in values if math.isfinite(v)] + [0.0]) or 1.0

    def pct(v: float) -> float:
        return 1 + v / top_value * 96

    out = _head(ident, title, desc, width, height)
    for k, b in enumerate(bars):
        y = top + k * row
        w = 0.0 if not math.isfinite(b.value) else pct(b.value) - 1
        over = b.reference is not None and b.value > b.reference * (1 + 1e-9)
        colour = VERMILLION if over else SKY
        out.append(
            f'<text x="1%" y="{y + 13}" font-size="{TEXT}" fill="{INK}">{escape(b.label)}</text>'
            f'<rect x="1%" y="{y + 18}" width="{w:.2f}%" height="14" fill="{colour}">'
            f"<title>{escape(b.label)}: {b.value:.4g}</title></rect>"
        )
        if b.reference is not None and math.isfinite(b.reference):
            out.append(_at(pct(b.reference), y + 15, (
                f'<line x1="0" x2="0" y1="0" y2="20" stroke="{INK}" stroke-width="2.5">'
                f"<title>{escape(reference_label)}: {b.reference:.4g}</title></line>")))
    y = top + row * len(bars) + 18
    # The legend on its own rows, so that it fits a phone.
    out.append(
        f'<rect x="6" y="{y - 10}" width="14" height="12" fill="{SKY}"/>'
        f'<text x="25" y="{y}" font-size="{TEXT}" fill="{INK}">{escape(value_label)}</text>'
        f'<rect x="6" y="{y + 10}" width="14" height="12" fill="{VERMILLION}"/>'
        f'<text x="25" y="{y + 20}" font-size="{TEXT}" fill="{INK}">beyond the '
        f"{escape(reference_label)}</text>"
        f'<line x1="13" x2="13" y1="{y + 28}" y2="{y + 43}" stroke="{INK}" stroke-width="2.5"/>'
        f'<text x="25" y="{y + 40}" font-size="{TEXT}" fill="{INK}">'
        f"{escape(reference_label)}</text>"
    )
    out.append("</svg>")
    return "\n".join(out)


def range_chart(
    *, ident: str, title: str, desc: str, rows: Sequence[RangeRow], unit: str,
    width: int | None = None,
) -> str:
    """Rows of a published range (a grey band with caps) and values as dots against it.

    For totals that the record gives as ranges (e.g. a famine's toll), which a chart of
    years would misdraw as yearly values. Each row's label stands above it.
    """
    top, row_h, axis = (36 if width else 8), 58, 30
    height = top + row_h * len(rows) + axis
    values = [v for r in rows for v in (r.low, r.high, *(p[1] for p in r.points))
              if math.isfinite(v)]
    ticks = nice_ticks(0.0, max([*values, 0.0]) * 1.05 or 1.0)
    x_max = ticks[-1]

    def pct(v: float) -> float:
        return 2 + v / x_max * 94

    out = _head(ident, title, desc, width, height)
    base = top + row_h * len(rows)
    for t in ticks:
        out.append(f'<line x1="{pct(t):.2f}%" x2="{pct(t):.2f}%" y1="{top}" y2="{base}" '
                   f'stroke="{GRID}" stroke-width="1"/><text x="{pct(t):.2f}%" y="{base + 18}" '
                   f'font-size="{TEXT}" fill="{MUTED}" text-anchor="middle" class="tick">'
                   f"{tick_label(t)}</text>")
    out.append(f'<text x="98%" y="{base + 18}" font-size="{TEXT}" fill="{MUTED}" '
               f'text-anchor="end" class="unit" dy="-20">{escape(unit)}</text>')
    for k, r in enumerate(rows):
        y = top + k * row_h
        out.append(f'<text x="2%" y="{y + 16}" font-size="{TEXT}" fill="{INK}" '
                   f'font-weight="600">{escape(r.label)}</text>')
        mid = y + 36
        span = f"{r.range_label}: {r.low:.3g}–{r.high:.3g}"
        out.append(f'<rect x="{pct(r.low):.2f}%" y="{mid - 7}" '
                   f'width="{pct(r.high) - pct(r.low):.2f}%" height="14" fill="#c9c9c9">'
                   f"<title>{escape(span)}</title></rect>")
        for v in (r.low, r.high):
            out.append(_at(pct(v), mid, f'<line x1="0" x2="0" y1="-10" y2="10" '
                                        f'stroke="{BLACK}" stroke-width="2.5"/>'))
        for label, value, colour in r.points:
            if math.isfinite(value):
                out.append(_at(pct(value), mid, _mark("dot", 0, 0, colour,
                                                      f"{label}: {value:.3g}")))
    out.append("</svg>")
    return "\n".join(out)


def range_legend(points: Sequence[tuple[str, str]], range_label: str) -> str:
    """The legend of a range chart as HTML: the record's band, then each kind of dot."""
    band = ('<rect x="1" y="2" width="24" height="10" fill="#c9c9c9"/>'
            f'<line x1="1" x2="1" y1="0" y2="14" stroke="{BLACK}" stroke-width="2"/>'
            f'<line x1="25" x2="25" y1="0" y2="14" stroke="{BLACK}" stroke-width="2"/>')
    entries = [(range_label, band)] + [(label, _mark("dot", 13, 7, colour))
                                       for label, colour in points]
    items = "".join(
        f'<li><svg width="26" height="14" aria-hidden="true" focusable="false">{glyph}</svg>'
        f"{escape(label)}</li>" for label, glyph in entries)
    return f'<ul class="legend">{items}</ul>'

"""Small hand-written SVG charts for the exhibit: fast, deterministic, accessible.

A chart is drawn in a few hundred microseconds (matplotlib takes a hundred milliseconds or
more per figure), so a slider can redraw it on every change. Every chart has a ``<title>``
and a ``<desc>`` for screen readers, text kept as text, system fonts only, and numbers
written with a fixed precision so that the same data always gives the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

__all__ = ["Bar", "Line", "Marks", "bar_chart", "line_chart", "nice_ticks"]

INK = "#1a1a1a"
MUTED = "#6b6b6b"
GRID = "#e6e1d8"
SIM = "#9b2226"
BASE = "#c9b8a6"
COLOURS = ("#9b2226", "#3d5a80", "#b07d2b", "#4f6d4a")
_FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\""


@dataclass(frozen=True, slots=True)
class Line:
    """A line through points ``(x, y)``."""

    label: str
    points: Sequence[tuple[float, float]]
    colour: str = SIM
    width: float = 2.0
    dash: str = ""


@dataclass(frozen=True, slots=True)
class Marks:
    """Points (the record, or the plan's targets), with optional low-high bars."""

    label: str
    points: Sequence[tuple[float, float]]
    ranges: Sequence[tuple[float, float, float]] = field(default_factory=tuple)
    """``(x, low, high)`` published ranges, drawn as bars."""
    shape: str = "dot"
    """``dot`` (filled circle) or ``diamond`` (open)."""


@dataclass(frozen=True, slots=True)
class Area:
    """A band between two lines over the years: ``(x, low, high)``, e.g. an ensemble's."""

    label: str
    points: Sequence[tuple[float, float, float]]
    colour: str = "#e8c9c4"


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


def _head(ident: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart" role="img" aria-labelledby="{ident}-t {ident}-d" id="{ident}" {_FONT}>',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(desc)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#fffdf8"/>',
        f'<text x="8" y="16" font-size="12.5" font-weight="600" fill="{INK}">'
        f"{escape(title)}</text>",
    ]


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
    width: int = 420,
    height: int = 250,
) -> str:
    """A line chart of years: simulated and plan lines, record and target marks.

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
    """
    left, right, top, bottom = 46, 10, 28, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [y for ln in lines for _, y in ln.points if math.isfinite(y)]
    values += [y for m in marks for _, y in m.points if math.isfinite(y)]
    values += [v for m in marks for _, lo, hi in m.ranges for v in (lo, hi)]
    values += [v for lo, hi, _ in bands for v in (lo, hi)]
    values += [v for a in areas for _, lo, hi in a.points for v in (lo, hi) if math.isfinite(v)]
    top_value = max([*values, 0.0]) or 1.0
    ticks = nice_ticks(0.0, top_value * 1.05)
    y_max = ticks[-1]
    x0, x1 = x_range[0] - 0.4, x_range[1] + 0.4

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * plot_w

    def py(y: float) -> float:
        return top + plot_h - y / y_max * plot_h

    out = _head(ident, title, desc, width, height)
    for lo, hi, label in bands:
        out.append(
            f'<rect x="{_f(left)}" y="{_f(py(hi))}" width="{_f(plot_w)}" '
            f'height="{_f(py(lo) - py(hi))}" fill="#efe7d6"><title>{escape(label)}</title></rect>'
        )
    for area in areas:
        span = [(x, lo, hi) for x, lo, hi in area.points if math.isfinite(lo) and math.isfinite(hi)]
        if span:
            outline = [(x, hi) for x, _, hi in span] + [(x, lo) for x, lo, _ in reversed(span)]
            path = " ".join(f"{_f(px(x))},{_f(py(y))}" for x, y in outline)
            out.append(
                f'<polygon points="{path}" fill="{area.colour}" stroke="none">'
                f"<title>{escape(area.label)}</title></polygon>"
            )
    for t in ticks:
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{_f(py(t))}" y2="{_f(py(t))}" '
            f'stroke="{GRID}" stroke-width="0.8"/>'
            f'<text x="{left - 5}" y="{_f(py(t) + 3.5)}" font-size="10" fill="{MUTED}" '
            f'text-anchor="end">{tick_label(t)}</text>'
        )
    step = 1 if x_range[1] - x_range[0] <= 6 else 2
    for year in range(x_range[0], x_range[1] + 1, step):
        out.append(
            f'<text x="{_f(px(year))}" y="{top + plot_h + 14}" font-size="10" fill="{MUTED}" '
            f'text-anchor="middle">{year}</text>'
        )
    out.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="#9a9a9a" stroke-width="0.8"/>'
    )
    for ln in lines:
        pts = [(x, y) for x, y in ln.points if math.isfinite(y)]
        if not pts:
            continue
        path = " ".join(f"{_f(px(x))},{_f(py(y))}" for x, y in pts)
        dash = f' stroke-dasharray="{ln.dash}"' if ln.dash else ""
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{ln.colour}" '
            f'stroke-width="{ln.width}" stroke-linejoin="round" stroke-linecap="round"{dash}>'
            f"<title>{escape(ln.label)}</title></polyline>"
        )
    for m in marks:
        for x, lo, hi in m.ranges:
            out.append(
                f'<line x1="{_f(px(x))}" x2="{_f(px(x))}" y1="{_f(py(lo))}" y2="{_f(py(hi))}" '
                f'stroke="{INK}" stroke-width="1.2"/>'
            )
        for x, y in m.points:
            out.append(_mark(m.shape, px(x), py(y), f"{m.label}, {x:g}: {y:.4g}"))
    out.extend(_legend(lines, marks, top + plot_h + 28, width, areas))
    out.append("</svg>")
    return "\n".join(out)


def _mark(shape: str, x: float, y: float, label: str) -> str:
    tip = f"<title>{escape(label)}</title>"
    if shape == "diamond":
        d = 4.5
        return (
            f'<path d="M{_f(x)} {_f(y - d)} L{_f(x + d)} {_f(y)} L{_f(x)} {_f(y + d)} '
            f'L{_f(x - d)} {_f(y)} Z" fill="#fffdf8" stroke="{MUTED}" stroke-width="1.3">'
            f"{tip}</path>"
        )
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3.2" fill="{INK}">{tip}</circle>'


def _legend(
    lines: Sequence[Line], marks: Sequence[Marks], y: float, width: int,
    areas: Sequence[Area] = (),
) -> list[str]:
    out: list[str] = []
    x = 8.0
    row = 0
    entries: list[tuple[str, str]] = [
        (a.label, f'<rect x="0" y="-8" width="18" height="9" fill="{a.colour}"/>') for a in areas
    ]
    for ln in lines:
        dash = f' stroke-dasharray="{ln.dash}"' if ln.dash else ""
        entries.append(
            (
                ln.label,
                f'<line x1="0" x2="18" y1="-3.5" y2="-3.5" stroke="{ln.colour}" '
                f'stroke-width="{ln.width}"{dash}/>',
            )
        )
    for m in marks:
        entries.append((m.label, _mark(m.shape, 9, -3.5, m.label)))
    for label, glyph in entries:
        w = 26 + 5.6 * len(label)
        if x + w > width - 4 and x > 8:
            row += 1
            x = 8.0
        out.append(
            f'<g transform="translate({_f(x)},{_f(y + row * 14)})">{glyph}'
            f'<text x="23" y="0" font-size="10" fill="{INK}">{escape(label)}</text></g>'
        )
        x += w
    return out


def bar_chart(
    *,
    ident: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    value_label: str,
    reference_label: str,
    width: int = 420,
) -> str:
    """Horizontal bars (e.g. output each target needs), each with its reference marked."""
    left, right, top, row = 150, 16, 30, 20
    height = top + row * len(bars) + 34
    plot_w = width - left - right
    values = [b.value for b in bars] + [b.reference for b in bars if b.reference is not None]
    top_value = max([v for v in values if math.isfinite(v)] + [0.0]) or 1.0
    out = _head(ident, title, desc, width, height)
    for k, b in enumerate(bars):
        y = top + k * row
        w = 0.0 if not math.isfinite(b.value) else b.value / top_value * plot_w
        over = b.reference is not None and b.value > b.reference * (1 + 1e-9)
        colour = SIM if over else "#8a9a8a"
        out.append(
            f'<text x="{left - 6}" y="{y + 13}" font-size="10.5" fill="{INK}" '
            f'text-anchor="end">{escape(b.label)}</text>'
            f'<rect x="{left}" y="{y + 4}" width="{_f(w)}" height="12" fill="{colour}">'
            f"<title>{escape(b.label)}: {b.value:.4g}</title></rect>"
        )
        if b.reference is not None and math.isfinite(b.reference):
            rx = left + b.reference / top_value * plot_w
            out.append(
                f'<line x1="{_f(rx)}" x2="{_f(rx)}" y1="{y + 1}" y2="{y + 19}" stroke="{INK}" '
                f'stroke-width="2"><title>{escape(reference_label)}: {b.reference:.4g}'
                "</title></line>"
            )
    y = top + row * len(bars) + 18
    out.append(
        f'<rect x="8" y="{y - 9}" width="14" height="10" fill="#8a9a8a"/>'
        f'<text x="27" y="{y}" font-size="10" fill="{INK}">{escape(value_label)}</text>'
        f'<rect x="160" y="{y - 9}" width="14" height="10" fill="{SIM}"/>'
        f'<text x="179" y="{y}" font-size="10" fill="{INK}">beyond it</text>'
        f'<line x1="250" x2="250" y1="{y - 10}" y2="{y + 2}" stroke="{INK}" stroke-width="2"/>'
        f'<text x="256" y="{y}" font-size="10" fill="{INK}">{escape(reference_label)}</text>'
    )
    out.append("</svg>")
    return "\n".join(out)

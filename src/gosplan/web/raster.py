"""A chart as a PNG picture, drawn with matplotlib from the same parts as its SVG.

Slower than the SVG (a tenth of a second), so only for downloads: a picture to put in a
slide or a worksheet. The same parts give the same picture (fixed size, no timestamps).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from gosplan.web import svg

__all__ = ["png_chart", "png_ranges"]

_MARKERS = {"dot": "o", "diamond": "D"}


def _dash(pattern: str) -> tuple[float, tuple[float, ...]] | str:
    return (0.0, tuple(float(v) / 2 for v in pattern.split())) if pattern else "solid"


def _steps(points: Sequence[tuple[float, float]]) -> tuple[list[float], list[float]]:
    xs = [x - 0.5 for x, _ in points] + [points[-1][0] + 0.5]
    ys = [y for _, y in points] + [points[-1][1]]
    return xs, ys


def png_chart(
    title: str, x_range: tuple[int, int], lines: Sequence[svg.Line],
    marks: Sequence[svg.Marks], areas: Sequence[svg.Area],
) -> bytes:
    """A 1200 x 700 pixel PNG of a chart, with its title and legend."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.7), dpi=150)
    ax = fig.add_subplot()
    for area in areas:
        xs = [x for x, _, _ in area.points]
        ax.fill_between(xs, [lo for _, lo, _ in area.points], [hi for _, _, hi in area.points],
                        color=area.colour, label=area.label, linewidth=0)
    for ln in lines:
        if not ln.points:
            continue
        xs, ys = (_steps(ln.points) if ln.step
                  else ([x for x, _ in ln.points], [y for _, y in ln.points]))
        ax.plot(xs, ys, color=ln.colour, linewidth=ln.width * 0.75, linestyle=_dash(ln.dash),
                alpha=ln.opacity, label=ln.label, drawstyle="steps-post" if ln.step else "default")
    for m in marks:
        for x, lo, hi in m.ranges:
            ax.plot([x, x], [lo, hi], color=m.colour, linewidth=2.2, solid_capstyle="butt")
            ax.plot([x - 0.12, x + 0.12], [lo, lo], color=m.colour, linewidth=1.5)
            ax.plot([x - 0.12, x + 0.12], [hi, hi], color=m.colour, linewidth=1.5)
        for x, hi, who in svg.range_notes(m):
            ax.annotate(who, (x, hi), xytext=(0, 6), textcoords="offset points",
                        ha="center", fontsize=8, color=m.colour)
        if m.points:
            face = "white" if m.hollow or m.shape == "diamond" else m.colour
            ax.plot([x for x, _ in m.points], [y for _, y in m.points], linestyle="none",
                    marker=_MARKERS.get(m.shape, "o"), markersize=7, markerfacecolor=face,
                    markeredgecolor=m.colour, markeredgewidth=1.8, label=m.label)
        elif m.ranges:
            ax.plot([], [], color=m.colour, linewidth=2.2, label=m.label)
    ax.set_xlim(x_range[0] - 0.6, x_range[1] + 0.6)
    ax.set_ylim(bottom=0)
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.grid(axis="y", color=svg.GRID)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(0, -0.08), ncol=2)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def png_ranges(title: str, rows: Sequence[svg.RangeRow], unit: str) -> bytes:
    """A PNG of totals against published ranges (the record's band, the model's dots)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 1.2 + 0.9 * len(rows)), dpi=150)
    ax = fig.add_subplot()
    for k, r in enumerate(reversed(rows)):
        ax.barh(k, r.high - r.low, left=r.low, height=0.4, color="#c9c9c9",
                edgecolor="black", label=r.range_label if k == 0 else None)
        for j, (label, value, colour) in enumerate(r.points):
            ax.plot([value], [k], "o", color=colour, markersize=8,
                    label=label if k == 0 else None, zorder=3 + j)
    ax.set_yticks(range(len(rows)), [r.label for r in reversed(rows)])
    ax.set_xlim(left=0)
    ax.set_xlabel(unit)
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(0, -0.25), ncol=3)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()

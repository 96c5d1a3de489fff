from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from gosplan.web.svg import (
    ORANGE,
    SKY,
    VERMILLION,
    Bar,
    Line,
    Marks,
    bar_chart,
    legend_html,
    line_chart,
    nice_ticks,
)

NS = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [(0, 1, [0, 0.25, 0.5, 0.75, 1.0]), (0, 7.3, [0, 2, 4, 6, 8]), (0, 140, [0, 50, 100, 150])],
)
def test_nice_ticks_cover_the_range_in_round_steps(
    low: float, high: float, ticks: list[float]
) -> None:
    assert nice_ticks(low, high) == pytest.approx(ticks)


def _chart(title: str = "Steel (mt)") -> str:
    return line_chart(
        ident="c1",
        title=title,
        desc="A test & a check",
        x_range=(1928, 1937),
        lines=[Line("simulated", [(1928, 4.0), (1932, 6.0)]), Line("quota", [(1930, 8.0)])],
        marks=[Marks("record", [(1928, 4.25)], [(1932, 5.5, 6.2)]), Marks("target", [(1932, 10.4)],
               shape="diamond")],
    )


def test_line_chart_is_valid_accessible_svg() -> None:
    root = ET.fromstring(_chart())
    assert root.tag == f"{NS}svg"
    assert root.attrib["role"] == "img"
    assert root.find(f"{NS}title").text == "Steel (mt)"  # type: ignore[union-attr]
    assert root.find(f"{NS}desc").text == "A test & a check"  # type: ignore[union-attr]
    assert len(root.findall(f".//{NS}polyline")) == 2
    assert len(root.findall(f".//{NS}circle")) >= 1
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "1928" in texts
    assert "1936" in texts
    assert {"simulated", "quota", "record", "target"} <= set(texts)


def test_line_chart_escapes_text_and_is_deterministic() -> None:
    a = _chart("<script>alert(1)</script>")
    assert "<script>" not in a
    assert _chart() == _chart()


def test_the_y_axis_reaches_the_highest_value() -> None:
    root = ET.fromstring(_chart())
    ticks = [float(t.text.replace(",", "")) for t in root.iter(f"{NS}text")  # type: ignore[union-attr]
             if t.attrib.get("class") == "tick"]
    assert max(ticks) >= 10.4


def test_bar_chart_marks_bars_beyond_their_reference() -> None:
    svg = bar_chart(ident="b", title="t", desc="d", bars=[Bar("coal", 212.0, 100.0),
                                                           Bar("oil", 50.0, 100.0)],
                    value_label="needed", reference_label="capacity")
    root = ET.fromstring(svg)
    rects = [r for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    assert [r.attrib["fill"] for r in rects] == [VERMILLION, SKY]


def test_text_keeps_its_size_at_any_width() -> None:
    # No viewBox on the chart itself: a page's chart is as wide as its box while its text
    # stays at its own size (at least 12 px), on a phone as on a wall screen.
    page = ET.fromstring(line_chart(ident="c", title="t", desc="d", x_range=(1928, 1937),
                                    lines=[Line("model", [(1928, 1.0)])], legend=False))
    assert "viewBox" not in page.attrib
    assert page.attrib["width"] == "100%"
    sizes = [float(t.attrib["font-size"]) for t in page.iter(f"{NS}text")]
    assert sizes
    assert min(sizes) >= 12
    # The lines' stretched box keeps their strokes as wide as asked.
    assert all(p.attrib["vector-effect"] == "non-scaling-stroke"
               for p in page.iter(f"{NS}polyline"))
    assert "model" not in [t.text for t in page.iter(f"{NS}text")]


def test_an_input_is_drawn_as_steps() -> None:
    root = ET.fromstring(_chart_with(Line("input: decided policy", [(1929, 1.0), (1930, 2.0)],
                                          step=True)))
    (line,) = root.iter(f"{NS}polyline")
    # Two years drawn as a step: 4 points (start, up, across, end), not 2.
    assert len(line.attrib["points"].split()) == 4


def _chart_with(line: Line) -> str:
    return line_chart(ident="c", title="t", desc="d", x_range=(1928, 1937), lines=[line])


def test_the_html_legend_names_everything_drawn_in_its_style() -> None:
    html = legend_html([Line("model", [(1928, 1.0)]), Line("nothing", [])],
                       [Marks("plan target", [(1932, 2.0)], shape="diamond", colour=ORANGE)])
    assert "model" in html
    assert "nothing" not in html
    assert "plan target" in html
    assert ORANGE in html

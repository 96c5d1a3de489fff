"""The exhibit at a desktop's and two phones' sizes: fit, legibility, levers and charts in one
view, accessibility (axe-core's rules), nothing fetched from elsewhere, and a screenshot of
every page in test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import pytest

from gosplan.web.documents import documents
from gosplan.web.showcases import SHOWCASES

from .conftest import SCREENSHOTS, open_page

pytestmark = pytest.mark.browser

PAGES = {
    "entrance": "/",
    **{key: f"/showcase/{key}" for key in SHOWCASES},
    "planning": "/planning",
    "planning-generated": "/planning?economy=generated",
    "teachers": "/teachers",
    "documents": "/documents",
    **{f"document-{d.id}": f"/document/{d.id}" for d in documents()},
}
#: Pages without charts.
TEXT_PAGES = {"entrance", "teachers", "documents", *(f"document-{d.id}" for d in documents())}

#: The smallest size of any chart text or legend, in CSS pixels on the screen.
SMALLEST_TEXT = 12.0

_CHART_TEXT_SIZES = """() => {
  const sizes = [];
  for (const t of document.querySelectorAll('svg.chart text')) {
    const m = t.getScreenCTM();
    const scale = Math.hypot(m.a, m.b);
    sizes.push(parseFloat(getComputedStyle(t).fontSize) * scale);
  }
  for (const li of document.querySelectorAll('.legend li, figcaption, .m-label, .m-record')) {
    sizes.push(parseFloat(getComputedStyle(li).fontSize));
  }
  return sizes;
}"""


@cache
def _axe_source() -> str:
    # axe-core as shipped inside the axe-playwright-python package (the test extra).
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def _horizontal_overflow(page: Any) -> int:
    return int(page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    ))


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_fits_reads_and_passes_axe(
    sized: Any, server: str, browser: Any, name: str
) -> None:
    sized.goto(server + PAGES[name])
    sized.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sized.screenshot(path=str(SCREENSHOTS / f"{name}-{sized.size}.png"), full_page=True)
    assert _horizontal_overflow(sized) <= 0, f"{name} scrolls sideways at {sized.size}"
    sizes = sized.evaluate(_CHART_TEXT_SIZES)
    if name not in TEXT_PAGES:
        assert sizes, f"{name} has no chart text"
    small = [s for s in sizes if s < SMALLEST_TEXT - 0.05]
    assert small == [], f"{name} at {sized.size}: text of {min(small or [0]):.1f} px"

    # axe-core is injected as a script of the test's own: a context that lets the test,
    # and only it, past the page's Content-Security-Policy.
    width, height = sized.viewport_size["width"], sized.viewport_size["height"]
    checked = open_page(browser, width, height, bypass_csp=True)
    try:
        checked.goto(server + PAGES[name])
        checked.wait_for_load_state("networkidle")
        checked.add_script_tag(content=_axe_source())
        result = checked.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        bad = [f"{v['id']} ({v['impact']}): {v['help']} — "
               f"{[n['target'] for n in v['nodes']][:3]}"
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert bad == [], f"{name} at {sized.size}: " + "; ".join(bad)
        checked.guard.check()
    finally:
        checked.context.close()


#: The first lever of each showcase and a key that moves it.
LEVERS = {key: sc.sliders[0] for key, sc in SHOWCASES.items()}


@pytest.mark.parametrize("key", list(SHOWCASES))
def test_a_moved_lever_and_the_chart_it_changes_share_the_screen(
    sized: Any, server: str, key: str
) -> None:
    sized.goto(server + f"/showcase/{key}")
    lead = sized.locator(".chart-box.lead svg.chart")
    before = lead.inner_html()
    lever = sized.locator(f"#in-{LEVERS[key]}")
    lever.focus()
    lives = []
    sized.on("request", lambda r: lives.append(r.url) if "/live" in r.url else None)
    lever.press("Home")
    sized.wait_for_function(
        "b => document.querySelector('.chart-box.lead svg.chart').innerHTML !== b", arg=before
    )
    assert len(lives) == 1, f"one change made {len(lives)} requests"
    height = sized.viewport_size["height"]
    box = lead.bounding_box()
    lever_box = lever.bounding_box()
    assert box is not None
    assert lever_box is not None
    assert lever_box["y"] >= 0
    assert lever_box["y"] + lever_box["height"] <= height
    shown = min(box["y"] + box["height"], height) - max(box["y"], 0)
    assert shown >= 0.75 * box["height"], (
        f"{key} at {sized.size}: only {shown:.0f} of the chart's {box['height']:.0f} px "
        f"are on screen (chart at {box['y']:.0f})"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sized.screenshot(path=str(SCREENSHOTS / f"{key}-moved-{sized.size}.png"))

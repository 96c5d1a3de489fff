from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlparse

from gosplan.web.showcases import TOUR

from .conftest import SCREENSHOTS


def _monitor(page: Any, key: str) -> str:
    return str(page.get_attribute(f"#mon-{key}", "data-value"))


def test_walk_the_whole_guided_tour(page: Any, server: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(server + "/")
    page.screenshot(path=str(SCREENSHOTS / "entrance.png"), full_page=True)
    page.get_by_role("link", name="Start the guided tour").click()
    seen = []
    for k, key in enumerate(TOUR):
        page.wait_for_load_state()
        assert page.locator(".tour .step").first.inner_text() == f"Stop {k + 1} of {len(TOUR)}"
        seen.append(page.locator("h1").inner_text())
        page.screenshot(path=str(SCREENSHOTS / f"{key}.png"), full_page=True)
        if k + 1 < len(TOUR):
            page.locator("a[rel=next]").first.click()
    assert page.locator(".tour .end").first.is_visible()
    assert seen == ["Industrialization", "Collectivization", "Livestock", "Famine",
                    "The Planning Room"]
    page.locator("a[rel=prev]").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Famine"
    page.get_by_role("link", name="Back to the entrance hall").first.click()
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/"
    assert page.locator("h1").inner_text() == "The First Five-Year Plan, live"


def test_keyboard_moves_a_slider_and_the_plot_and_monitor_follow(page: Any, server: str) -> None:
    page.goto(server + "/showcase/famine")
    before_toll = _monitor(page, "toll")
    before_plot = page.locator("#fig-procurement svg.chart").inner_html()
    slider = page.locator("#in-procurement")
    slider.focus()
    # The lowest quota: above the state's reach of the crop a higher one takes no more.
    slider.press("Home")
    page.wait_for_function(
        "v => document.querySelector('#mon-toll').dataset.value !== v", arg=before_toll
    )
    assert page.locator("#fig-procurement svg.chart").inner_html() != before_plot
    assert float(_monitor(page, "toll")) < float(before_toll)
    assert page.locator("#out-procurement").inner_text() == "0.05"
    page.wait_for_url(re.compile(r"procurement=0\.05"))
    before = page.locator("#fig-exports svg.chart").inner_html()
    exports = page.locator("#in-exports")
    exports.focus()
    exports.press("ArrowRight")
    page.wait_for_function(
        "v => document.querySelector('#fig-exports svg.chart').innerHTML !== v", arg=before
    )
    page.wait_for_url(re.compile(r"exports=1\.05"))
    command = page.locator("#command").inner_text()
    assert "policy.procurement_share.1932=0.05" in command
    assert "policy.grain_export_plan.1932=" in command


def test_a_shared_url_shows_the_same_state(page: Any, server: str, browser: Any) -> None:
    page.goto(server + "/showcase/collectivization")
    slider = page.locator("#in-collectivization")
    slider.focus()
    before = _monitor(page, "harvest")
    for _ in range(4):
        slider.press("ArrowLeft")
    page.wait_for_url(re.compile(r"collectivization=0\.8"))
    page.wait_for_function(
        "v => document.querySelector('#mon-harvest').dataset.value !== v", arg=before
    )
    shared = page.url
    numbers = {k: _monitor(page, k) for k in ("collectivized", "harvest", "procurement")}
    text = page.locator("#mon-harvest .num").inner_text()
    assert dict(parse_qsl(urlparse(shared).query)) == {"collectivization": "0.8"}

    other = page.context.new_page()
    other.route("**/*", page.guard.route)
    other.on("request", lambda request: page.guard.requests.append(request.url))
    other.goto(shared)
    assert other.locator("#in-collectivization").input_value() == "0.8"
    assert other.locator("#out-collectivization").inner_text() == "0.8"
    assert {k: _monitor(other, k) for k in numbers} == numbers
    assert other.locator("#mon-harvest .num").inner_text() == text
    other.close()


def test_the_planning_room_runs_the_engine(page: Any, server: str) -> None:
    page.goto(server + "/planning")
    before = _monitor(page, "fulfilment")
    slider = page.locator("#in-t\\.steel")
    slider.focus()
    slider.press("End")
    page.wait_for_function(
        "v => document.querySelector('#mon-fulfilment').dataset.value !== v", arg=before
    )
    assert float(_monitor(page, "fulfilment")) < float(before)
    page.wait_for_url(re.compile(r"t\.steel=3"))
    assert "Targets cannot be met" in page.locator(".diagnosis").inner_text()


def test_reset_and_navigation_work_without_javascript(browser: Any, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(server + "/showcase/famine?procurement=0.4")
    assert pg.locator("#in-procurement").input_value() == "0.4"
    pg.get_by_role("button", name="Apply").click()
    pg.wait_for_load_state()
    assert "procurement=0.4" in pg.url
    pg.get_by_role("link", name="Reset to history").click()
    pg.wait_for_load_state()
    assert urlparse(pg.url).query == ""
    assert pg.locator("#in-procurement").input_value() == "0.27"
    context.close()


def test_settings_travel_with_the_tour_and_slider_ticks_leave_the_back_button_alone(
    page: Any, server: str
) -> None:
    page.goto(server + "/")
    page.goto(server + "/showcase/collectivization")
    entries = page.evaluate("history.length")
    slider = page.locator("#in-collectivization")
    slider.focus()
    slider.press("ArrowLeft")
    page.wait_for_url(re.compile(r"collectivization=0\.95"))
    slider.press("ArrowLeft")
    page.wait_for_url(re.compile(r"collectivization=0\.9$"))
    assert page.evaluate("history.length") == entries
    page.wait_for_function(
        "() => document.querySelector('a[rel=next]').href.endsWith('collectivization=0.9')"
    )
    masthead = page.locator(".masthead a", has_text="Famine").get_attribute("href")
    assert masthead == "/showcase/famine?collectivization=0.9"
    page.locator("a[rel=next]").first.click()
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/showcase/livestock"
    assert page.locator("#in-collectivization").input_value() == "0.9"
    page.go_back()
    page.wait_for_load_state()
    assert page.url.endswith("/showcase/collectivization?collectivization=0.9")
    page.go_back()
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/"

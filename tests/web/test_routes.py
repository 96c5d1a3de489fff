from __future__ import annotations

import csv
import json
import re
import shlex
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gosplan.cli import main
from gosplan.web.showcases import RUNS, SHOWCASES, TOUR

SHOWCASE_KEYS = sorted(SHOWCASES)


class _Monitors(HTMLParser):
    """data-series, data-year and data-value of every monitor, and the command."""

    def __init__(self) -> None:
        super().__init__()
        self.monitors: list[dict[str, str]] = []
        self.command = ""
        self._in_command = False
        self.ranges: list[dict[str, str]] = []
        self.labels: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "monitor" in a.get("class", "").split():
            self.monitors.append(a)
        if tag == "code" and a.get("id") == "command":
            self._in_command = True
        if tag == "input" and a.get("type") == "range":
            self.ranges.append(a)
        if tag == "label":
            self.labels.add(a.get("for", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self._in_command = False

    def handle_data(self, data: str) -> None:
        if self._in_command:
            self.command += data


def parse(html: str) -> _Monitors:
    p = _Monitors()
    p.feed(html)
    return p


def test_entrance_hall_maps_every_showcase_and_starts_the_tour(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert f'href="/showcase/{TOUR[0]}"' in r.text
    assert "Start the guided tour" in r.text
    for key in SHOWCASE_KEYS:
        assert f'href="/showcase/{key}"' in r.text
    assert 'href="/planning"' in r.text


@pytest.mark.parametrize("key", SHOWCASE_KEYS)
def test_each_showcase_has_labelled_sliders_monitors_charts_and_downloads(
    client: TestClient, key: str
) -> None:
    r = client.get(f"/showcase/{key}")
    assert r.status_code == 200
    page = parse(r.text)
    assert len(page.ranges) >= len(SHOWCASES[key].sliders)
    assert all(f"in-{s['name']}" in page.labels for s in page.ranges)
    assert len(page.monitors) == len(SHOWCASES[key].monitors)
    assert all(m["data-value"] for m in page.monitors)
    assert r.text.count('class="chart" role="img"') == len(SHOWCASES[key].charts)
    assert r.text.count(".svg") >= len(SHOWCASES[key].charts)
    assert "Back to the entrance hall" in r.text
    assert page.command.startswith("gosplan run ussr-1928 --years 1928:1937")


def test_pages_fetch_nothing_from_elsewhere(client: TestClient) -> None:
    for url in ["/", *(f"/showcase/{k}" for k in SHOWCASE_KEYS), "/planning"]:
        r = client.get(url)
        # The extension ends the address: a citation's link such as links.jstor.org is no script.
        assert not re.search(
            r"""(src|href)=["'](https?:)?//[^"']*\.(js|css|woff2?|ttf)(?=["'?#])""", r.text
        )
        assert not re.search(r"""src=["'](https?:)?//""", r.text)
        assert "default-src 'self'" in r.headers["content-security-policy"]


def test_live_fragment_replaces_the_address_with_the_canonical_url(client: TestClient) -> None:
    # Replaced, not pushed: a slider's ticks must not fill the Back button's history.
    r = client.get(
        "/showcase/famine/live?exports=0.0&procurement=0.20", headers={"HX-Request": "true"}
    )
    assert r.status_code == 200
    assert r.headers["HX-Replace-Url"] == "/showcase/famine?procurement=0.2&exports=0"
    assert "HX-Push-Url" not in r.headers
    assert r.text.lstrip().startswith('<div id="live"')


def test_a_lever_moves_the_numbers(client: TestClient) -> None:
    def toll(query: str) -> float:
        page = parse(client.get(f"/showcase/famine?{query}").text)
        return float(next(m for m in page.monitors if m["id"] == "mon-toll")["data-value"])

    # Above the state's reach of the crop a higher quota takes no more (sim/grain.py).
    assert toll("procurement=0.1") < toll("") <= toll("procurement=0.5")


def test_same_url_same_page(client: TestClient) -> None:
    url = "/showcase/livestock?collectivization=0.4&p.slaughter_scale=1.2"
    first = client.get(url).text
    RUNS.clear()
    assert client.get(url).text == first


@pytest.mark.slow
@pytest.mark.parametrize("key", SHOWCASE_KEYS)
def test_the_page_command_reproduces_the_page_numbers(
    client: TestClient, key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = {
        "industrialization": "ambition=1.4&heavy_share=0.6&raised=0",
        "collectivization": "collectivization=0.35&dekulakization=0&p.kolkhoz_output_loss=0.1",
        "livestock": "meat_kazakhstan=0.5&private_plots=1",
        "famine": "procurement=0.2&exports=0&seed_first=1&flight_ban=0",
    }[key]
    page = parse(client.get(f"/showcase/{key}?{query}").text)
    words = shlex.split(page.command)
    assert words[:2] == ["gosplan", "run"]
    assert main([*words[1:], "--out", str(tmp_path / "report")]) == 0
    capsys.readouterr()
    with (tmp_path / "report" / "results.csv").open() as handle:
        rows = [r for r in csv.DictReader(handle) if r["kind"] == "simulated"]
    values = {(r["series"], r["year"]): float(r["value"]) for r in rows}
    for m in page.monitors:
        if m["data-year"] == "None":  # a famine toll: its own year
            got = [v for (s, _), v in values.items() if s == m["data-series"]]
            assert got == [float(m["data-value"])]
        else:
            assert values[(m["data-series"], m["data-year"])] == float(m["data-value"])


def test_invalid_values_are_422_with_the_field_and_range(client: TestClient) -> None:
    r = client.get("/showcase/famine?collectivization=1.7", headers={"accept": "application/json"})
    assert r.status_code == 422
    assert r.json() == {"detail": "collectivization: 1.7 is outside 0–1.6",
                        "field": "collectivization"}
    page = client.get("/showcase/famine?collectivization=1.7", headers={"accept": "text/html"})
    assert page.status_code == 422
    assert "collectivization: 1.7 is outside 0–1.6" in page.text
    fragment = client.get("/showcase/famine/live?exports=9", headers={"HX-Request": "true"})
    assert fragment.status_code == 422
    assert fragment.text.lstrip().startswith('<div id="live" class="live error"')


def test_unknown_rooms_and_charts_are_404(client: TestClient) -> None:
    assert client.get("/showcase/nowhere").status_code == 404
    assert client.get("/showcase/famine/chart/nothing.svg").status_code == 404
    assert client.get("/showcase/famine/chart/deaths.gif").status_code == 404
    assert client.get("/static/../app.py").status_code == 404


def test_chart_downloads(client: TestClient) -> None:
    svg = client.get("/showcase/famine/chart/deaths.svg?procurement=0.2")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "attachment" in svg.headers["content-disposition"]
    root = ET.fromstring(svg.text)
    assert root.tag.endswith("svg")
    table = client.get("/showcase/famine/chart/deaths.csv?procurement=0.2")
    assert table.headers["content-type"].startswith("text/csv")
    lines = table.text.splitlines()
    # A plain table that any spreadsheet opens: the header first, no comment line.
    assert lines[0] == "series,year,kind,estimate,value,unit,source"
    rows = list(csv.DictReader(lines))
    assert {r["series"] for r in rows} == {
        "excess_deaths_ussr", "excess_deaths_ukraine", "excess_deaths_kazakhstan"
    }
    # The visitor's run beside the model's run of history, values to 4 digits.
    assert {r["kind"] for r in rows} >= {"model, history as it was", "model, your settings"}
    assert all(len(r["value"].replace(".", "").replace("-", "").lstrip("0")) <= 4
               or "e" in r["value"] for r in rows)
    meta = client.get("/showcase/famine/chart/deaths.json?procurement=0.2").json()
    assert meta["command"].startswith("gosplan run ussr-1928 --years 1928:1937 --set")
    assert meta["view"] == "/showcase/famine?procurement=0.2"
    png = client.get("/showcase/famine/chart/deaths.png?procurement=0.2")
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")


def test_an_input_is_drawn_as_an_input_never_as_a_fit(client: TestClient) -> None:
    svg = client.get("/showcase/famine/chart/exports.svg").text
    assert "input: decided policy" in svg
    table = client.get("/showcase/famine/chart/exports.csv?exports=0.5").text
    assert "input: decided policy, your settings" in table
    assert "model, history" not in table


def test_planning_room_builtin_matches_the_cli(
    client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    r = client.get("/planning?t.steel=1.5&t.grain=0.8")
    assert r.status_code == 200
    page = parse(r.text)
    fulfilment = float(next(m for m in page.monitors if m["id"] == "mon-fulfilment")["data-value"])
    body = re.search(r"printf '(.*?)' > targets.toml", page.command, re.S)
    assert body is not None
    (tmp_path / "targets.toml").write_text(body.group(1).replace("\\n", "\n"))
    capsys.readouterr()
    code = main(["plan", "--targets", str(tmp_path / "targets.toml"), "--method", "optimal",
                 "--lp-method", "closed_form",
                 "--json"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["fulfilment"] == pytest.approx(fulfilment, rel=1e-9)
    for sentence in doc["sentences"]:
        assert sentence.replace("'", "&#39;") in r.text or sentence in r.text


@pytest.mark.slow
def test_planning_room_generated_is_bounded(client: TestClient) -> None:
    ok = client.get("/planning?economy=generated&n=400&scale=1.3")
    assert ok.status_code == 200
    assert "Targets cannot be met" in ok.text
    json_only = {"accept": "application/json"}
    too_big = client.get("/planning?economy=generated&n=2001", headers=json_only)
    assert too_big.status_code == 422
    assert too_big.json()["detail"] == "n: 2001 is outside 2–2000"
    mixed = client.get("/planning?economy=generated&t.coal=2", headers=json_only)
    assert mixed.status_code == 422


def test_the_famine_leads_with_the_record_beside_the_model(client: TestClient) -> None:
    # Totals against the record's range of each region, never drawn as yearly values.
    from gosplan.analysis.fit import FAMINE_BANDS

    page = client.get("/showcase/famine").text
    lead = page[page.index('class="chart-box lead"'):page.index('class="monitors"')]
    assert 'id="chart-famine-tolls"' in lead
    for low, high in FAMINE_BANDS.values():
        assert f"record {low:g}–{high:g}" in lead
    assert "model, history as it was" in lead
    assert "R.W. Davies and S.G. Wheatcroft" in lead
    changed = client.get("/showcase/famine?procurement=0.2").text
    assert "model, your settings" in changed[:changed.index('class="monitors"')]
    png = client.get("/showcase/famine/chart/tolls.png?procurement=0.2")
    assert png.content.startswith(b"\x89PNG")

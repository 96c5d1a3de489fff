"""What the exhibit teaches: things to try, trust words, and texts that keep history and model
apart (dates, names, the debate, one famine range per region)."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from fastapi.testclient import TestClient

from gosplan.report.simulation import famine_range_text
from gosplan.web.showcases import SHOWCASES
from gosplan.web.state import State


@pytest.mark.parametrize("key", list(SHOWCASES))
def test_each_thing_to_try_sets_valid_levers(client: TestClient, key: str) -> None:
    showcase = SHOWCASES[key]
    assert len(showcase.tries) >= 2
    page = client.get(f"/showcase/{key}").text
    assert "How to use this showcase" in page
    for t in showcase.tries:
        state = State.from_query(parse_qsl(t.query))
        assert not state.is_default
        assert f'href="/showcase/{key}?{t.query.replace("&", "&amp;")}"' in page
        assert client.get(f"/showcase/{key}?{t.query}").status_code == 200


def test_monitors_say_how_far_to_trust_them(client: TestClient) -> None:
    page = client.get("/showcase/industrialization").text
    assert "How far to trust it: fitted to the record of 1929–32" in page
    famine = client.get("/showcase/famine").text
    assert "calibrated to the record: agreement by construction" in famine


def test_the_first_plan_is_dated_and_described_as_it_was(client: TestClient) -> None:
    entrance = client.get("/").text
    assert "1928/29–1932/33" in entrance
    assert "1928–1937</span>" not in entrance
    assert "four years and three months" in entrance
    assert "twenty-five million peasant farms" not in entrance
    collectivization = client.get("/showcase/collectivization").text
    assert "Twenty-five million peasant farms driven into kolkhozes in three years" not in (
        collectivization)
    assert "fifteen million" in collectivization
    livestock = client.get("/showcase/livestock").text
    assert "only from 1935" not in livestock
    assert "1930 Model Statute" in livestock


def test_the_famines_are_named_the_debate_stated_and_one_range_shown(client: TestClient) -> None:
    famine = client.get("/showcase/famine").text
    for name in ("Holodomor", "Asharshylyk", "genocide", "Conquest", "Applebaum", "Graziosi",
                 "Davies", "Wheatcroft"):
        assert name in famine, name
    ussr = famine_range_text("famine_excess_deaths_ussr")
    # One range per region, the record's, wherever a toll is given.
    for page in (famine, client.get("/").text):
        assert ussr.split(" (")[0] in page
    assert "six to seven million" not in client.get("/").text
    assert "5.5 to 7.5 million" not in famine


def test_a_visitors_text_is_escaped_in_every_page(client: TestClient) -> None:
    r = client.get("/showcase/famine?%3Cb%3Ex=1", headers={"accept": "text/html"})
    assert r.status_code == 422
    assert "<b>x" not in r.text
    assert "&lt;b&gt;x" in r.text

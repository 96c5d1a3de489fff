"""The archive documents as exhibits, and the teachers' page."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from gosplan.scenarios.record import load_documents
from gosplan.web.documents import SHOWN_WITH, documents
from gosplan.web.showcases import SHOWCASES

FRONT_PAGES = ("https://www.loc.gov/exhibits/archives/", "https://www.loc.gov/exhibits/archives/index.html")


def test_every_document_of_the_record_has_a_page_with_its_facts(client: TestClient) -> None:
    ids = load_documents()["id"].tolist()
    assert ids
    assert sorted(d.id for d in documents()) == sorted(ids)
    for doc in documents():
        r = client.get(f"/document/{doc.id}")
        assert r.status_code == 200
        for fact in (doc.when, "Archive reference", "What it says, in our words"):
            assert fact in r.text
        links = re.findall(r'href="(https?://[^"]+)"', r.text)
        # Its own page or none: never the exhibit's front page, which shows no document.
        assert not set(links) & set(FRONT_PAGES)
        if doc.link:
            assert doc.link in links
        # We hold no quotation of any document: none is shown.
        assert "<blockquote" not in r.text


def test_the_document_list_links_every_page(client: TestClient) -> None:
    r = client.get("/documents")
    assert r.status_code == 200
    for doc in documents():
        assert f'href="/document/{doc.id}"' in r.text


def test_each_showcase_links_the_documents_that_bear_on_it(client: TestClient) -> None:
    for ident, (showcases, _context) in SHOWN_WITH.items():
        for key in showcases:
            assert key in SHOWCASES
            assert f'href="/document/{ident}"' in client.get(f"/showcase/{key}").text


def test_lenins_1918_order_is_shown_for_what_it_is(client: TestClient) -> None:
    r = client.get("/document/LOC-COLL-03")
    assert "11 August 1918" in r.text
    assert "A document of 1918, of the Civil War, not of the First Plan" in r.text


def test_an_unknown_document_is_404(client: TestClient) -> None:
    assert client.get("/document/LOC-COLL-99").status_code == 404
    assert client.get("/document/..%2Fapp.py").status_code == 404


def test_the_teachers_page_explains_and_reproduces(client: TestClient) -> None:
    r = client.get("/teachers")
    assert r.status_code == 200
    for term in ("Kolkhoz", "Kulak", "Procurement", "MTS", "Trudoden", "Plan variants",
                 "Questions for discussion", "gosplan run ussr-1928 --years 1928:1937",
                 "gosplan plan --targets targets.toml", "input: decided policy"):
        assert term in r.text, term

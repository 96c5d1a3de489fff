"""The archive documents as exhibits: one page each, linked from the showcases they bear on.

The documents are those of the bundled record (``documents.csv`` of the built-in USSR
data, read by :func:`gosplan.scenarios.record.load_documents`): date, author, recipient,
archive reference, the Library of Congress exhibit's page of the document and our own
summary. We hold no quotation of any document, so none is shown. A link goes only to the
document's own page: never to the exhibit's front page, which shows no document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from gosplan.scenarios.record import load_documents

__all__ = ["SHOWN_WITH", "Document", "documents", "for_showcase"]

#: The exhibit's front page: it shows no document, so it is never a document's link.
_FRONT_PAGES = frozenset({"https://www.loc.gov/exhibits/archives/",
                          "https://www.loc.gov/exhibits/archives/index.html"})

#: The showcases each document bears on, and what a visitor should know about it first.
SHOWN_WITH: dict[str, tuple[tuple[str, ...], str]] = {
    "LOC-COLL-01": (("livestock", "collectivization"),
                    "A report from inside the system, two years into collectivization: the "
                    "herds the Livestock showcase follows, seen on the farms."),
    "LOC-COLL-02": (("famine", "collectivization"),
                    "Hunger in a Siberian kolkhoz village a year before the famine's peak."),
    "LOC-COLL-03": (("collectivization",),
                    "A document of 1918, of the Civil War, not of the First Plan: the Library "
                    "of Congress exhibit set it beside collectivization. It shows the violence "
                    "against 'kulaks' a decade before dekulakization, not the policy of "
                    "1929-33."),
}


@dataclass(frozen=True, slots=True)
class Document:
    """One archive document as the exhibit shows it."""

    id: str
    title: str
    date: str
    when: str
    """The date as a reader writes it (``9 April 1932``)."""
    author: str
    recipient: str
    reference: str
    link: str | None
    """The document's own page in the Library of Congress exhibit, where we know it."""
    link_note: str
    translation: str | None
    summary: str
    section: str
    showcases: tuple[str, ...]
    context: str


def _when(date: str) -> str:
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        return date
    return f"{day.day} {day:%B} {day.year}"


def _link(raw: str) -> tuple[str | None, str]:
    """The document's own page, and what the record says about it (e.g. to be confirmed)."""
    url, _, note = raw.strip().partition(" ")
    if not url.startswith("https://www.loc.gov/") or url in _FRONT_PAGES:
        return None, "The exhibit's page of this document is not yet identified"
    return url, note.strip().strip("()")


@cache
def documents() -> tuple[Document, ...]:
    """Every archive document of the record, in date order."""
    out = []
    for row in load_documents().to_dict("records"):
        ident = str(row["id"])
        link, note = _link(str(row.get("exhibit_url", "")))
        showcases, context = SHOWN_WITH.get(ident, ((), ""))
        translation = str(row.get("translation_url", "")).strip() or None
        out.append(Document(
            id=ident, title=str(row["title"]), date=str(row["date"]),
            when=_when(str(row["date"])), author=str(row.get("author", "")),
            recipient=str(row.get("recipient", "")),
            reference=str(row.get("archive_reference", "")), link=link, link_note=note,
            translation=translation if translation and translation.startswith("http") else None,
            summary=str(row["summary"]), section=str(row.get("section", "")),
            showcases=showcases, context=context,
        ))
    return tuple(sorted(out, key=lambda d: (d.date, d.id)))


def for_showcase(key: str) -> list[Document]:
    """The documents that bear on a showcase."""
    return [d for d in documents() if key in d.showcases]

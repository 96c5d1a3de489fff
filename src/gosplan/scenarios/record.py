"""The historical record: every series of the USSR data, with its unit, kind, source and status.

The record (bundled from the project's sourced data folder, see ``data/ussr/README.md``) holds
plan targets, outcomes for 1913 and 1928–1932, and published ranges of famine deaths for
1932–33 (stored under 1933). Outcomes from 1933 on are withheld on purpose: the simulator is
judged on them out of sample.

Several rows may give the same series, year and kind from different sources; the row whose
note says ``primary`` is preferred, ``cross-check`` rows come last, and otherwise the first
row in the file wins. (The weight is not used to choose: a verified row may record a
different quantity, such as the run-up to a peak rather than the peak itself.)

Status and weight of a row
--------------------------
Each row's ``verification`` says whether its value was read in the cited work, and each
source has a ``quality`` (``official``, ``scholarly`` or ``secondary``). From them:

* ``status``: ``verified`` where the verification begins with ``verified``, ``consistent``,
  ``previously verified``, ``derived`` or ``definition`` (a base year's 100); ``unsourced``
  where the source is ``UNSOURCED``; ``unverified`` otherwise (``unverified``, ``CANDIDATE``,
  or any wording the README does not list, such as "as recorded ... (not re-read)").
* ``weight`` (of the row in a calibration loss) = status weight x quality weight, with status
  weights verified 1, unverified 0.1, unsourced 0, and quality weights official 1,
  scholarly 1, secondary 0.5. So a verified official figure weighs 1, an unverified
  secondary one 0.05.

``UNSOURCED`` rows are kept apart in :attr:`Record.unsourced`, so that the gap stays visible
to whoever maintains the record; they are not in :attr:`Record.rows`, so no fit, table or
chart built on the record can use or show them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from gosplan.errors import InputFileError
from gosplan.scenarios.builtin import builtin_path

__all__ = [
    "KINDS",
    "QUALITY_WEIGHT",
    "STATUS_WEIGHT",
    "UNSOURCED",
    "Record",
    "load_documents",
    "load_record",
    "read_record",
    "status_of",
]

KINDS = ("actual", "plan_target", "estimate_low", "estimate_high")
#: The source of a row for which no acceptable source was found.
UNSOURCED = "UNSOURCED"
#: Weight of a row by its status.
STATUS_WEIGHT = {"verified": 1.0, "unverified": 0.1, "unsourced": 0.0}
#: Weight of a row by the quality of its source.
QUALITY_WEIGHT = {"official": 1.0, "scholarly": 1.0, "secondary": 0.5}
#: How a ``verification`` may begin for the row to count as verified (README, "Sources").
_VERIFIED = ("verified", "consistent", "previously verified", "derived", "definition")
_SERIES_COLUMNS = ("series", "unit", "year", "value", "kind", "source", "note", "verification")
_SOURCE_COLUMNS = ("source", "citation", "url", "quality")
#: Authors at the head of a citation: initials and surname, joined by commas, "and" or "&".
_NAME = r"(?:[A-Z][a-z]?\.\s?(?:-?[A-Z][a-z]?\.\s?)*)+[A-Z][\w'’-]+"
#: Longest short form before it is cut (a title standing for its authors).
_SHORT_MAX = 48
_AUTHORS = re.compile(rf"^{_NAME}(?:(?:,\s*|\s+and\s+|\s*&\s*){_NAME})*")


def status_of(verification: str, source: str) -> str:
    """A row's status: ``verified``, ``unverified`` or ``unsourced`` (module notes)."""
    if source == UNSOURCED:
        return "unsourced"
    text = verification.strip()
    return "verified" if text.startswith(_VERIFIED) else "unverified"


@dataclass(frozen=True, slots=True, eq=False)
class Record:
    """The sourced historical record (series, units, kinds, sources, status and weight)."""

    rows: pd.DataFrame
    """Every sourced row: ``series, unit, year, value, kind, source, note, verification,
    quality, status, weight`` (``UNSOURCED`` rows are not here)."""
    sources: pd.DataFrame
    """Citations indexed by source id: ``citation, url, quality``."""
    unsourced: pd.DataFrame
    """The ``UNSOURCED`` rows, same columns: gaps to fill, never to fit or show."""

    def names(self) -> list[str]:
        """Every series name, sorted."""
        return sorted(self.rows["series"].unique())

    def unit(self, series: str) -> str:
        """Unit of ``series``."""
        return str(self._rows(series)["unit"].iloc[0])

    def _rows(self, series: str) -> pd.DataFrame:
        rows = self.rows[self.rows["series"] == series]
        if rows.empty:
            raise KeyError(f"record: no series {series!r}")
        return rows

    def best(self, series: str, kind: str = "actual") -> pd.DataFrame:
        """One preferred row per year for ``series`` and ``kind`` (see the module notes)."""
        rows = self._rows(series)
        rows = rows[rows["kind"] == kind]
        rank = rows["note"].str.contains("primary", case=False, na=False).map({True: 0, False: 1})
        rank = rank.where(~rows["note"].str.contains("cross-check", case=False, na=False), 2)
        ordered = rows.assign(_rank=rank, _pos=range(len(rows)))
        ordered = ordered.sort_values(["year", "_rank", "_pos"])
        return ordered.drop_duplicates("year").drop(columns=["_rank", "_pos"]).set_index("year")

    def series(self, series: str, kind: str = "actual") -> pd.Series:
        """Values of ``series`` by year (one preferred value per year)."""
        return self.best(series, kind)["value"].rename(series)

    def value(self, series: str, year: int, kind: str = "actual") -> float:
        """The preferred value of ``series`` in ``year``."""
        values = self.series(series, kind)
        if year not in values.index:
            raise KeyError(f"record: no {kind} value of {series!r} in {year}")
        return float(values.loc[year])

    def citation(self, source: str) -> str:
        """Full citation of a source id."""
        if source in self.sources.index:
            return str(self.sources.loc[source, "citation"])
        raise KeyError(f"record: no source {source!r}")

    def short(self, source: str) -> str:
        """Short form of a source's citation: its authors (or its first words) and year.

        For example ``S. Kotkin (2017)`` for ``KOTKIN2017``; ``Wikipedia`` for ``WIKI_COLL``.
        """
        citation = self.citation(source)
        match = _AUTHORS.match(citation)
        head = match.group(0) if match else re.split(r",|:|\s\(", citation, maxsplit=1)[0]
        names = re.split(r",\s*|\s+and\s+|\s*&\s*", head) if match else [head]
        if len(names) > 2:
            head = f"{names[0]} et al."
        head = re.sub(r"['’]s$", "", head.strip().strip("'\""))
        if len(head) > _SHORT_MAX:
            head = head[:_SHORT_MAX].rsplit(" ", 1)[0] + "…"
        # The year: in the id (KOTKIN2017), else closing a parenthesis of the citation.
        year = re.search(r"(1[89]\d\d|20\d\d)", source) or re.search(
            r"\([^()]*?(1[89]\d\d|20\d\d)\)", citation
        )
        return f"{head} ({year.group(1)})" if year else head

    def quality(self, source: str) -> str:
        """Quality of a source: ``official``, ``scholarly`` or ``secondary``."""
        if source in self.sources.index:
            return str(self.sources.loc[source, "quality"])
        raise KeyError(f"record: no source {source!r}")

    def status(self, series: str, year: int, kind: str = "actual") -> str:
        """Status of the preferred row of ``series`` in ``year``: verified or unverified."""
        best = self.best(series, kind)
        if year not in best.index:
            raise KeyError(f"record: no {kind} value of {series!r} in {year}")
        return str(best.loc[year, "status"])

    def weight(self, row: pd.Series | dict[str, object]) -> float:
        """Calibration weight of one row (a mapping with ``source`` and ``verification``)."""
        source = str(row["source"])
        status = status_of(str(row.get("verification", "")), source)
        if status == "unsourced":
            return 0.0
        return STATUS_WEIGHT[status] * QUALITY_WEIGHT[self.quality(source)]


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as exc:
        raise InputFileError(f"{path}: cannot read the record: {exc}") from exc
    if tuple(frame.columns) != columns:
        raise InputFileError(
            f"{path}: columns: expected {','.join(columns)}, got {','.join(frame.columns)}"
        )
    return frame


def read_record(folder: str | Path) -> Record:
    """Read a record folder (``series.csv`` and ``sources.csv``), checking what it refers to.

    Raises
    ------
    InputFileError
        A file that cannot be read, or has other columns; a kind, a quality or a source id
        that is not known; a year or a value that is not a number. The message names the
        file, the line and the field.
    """
    folder = Path(folder)
    sources = _read(folder / "sources.csv", _SOURCE_COLUMNS).set_index("source")
    for line, (source, quality) in enumerate(sources["quality"].items(), start=2):
        if quality not in QUALITY_WEIGHT:
            raise InputFileError(
                f"{folder / 'sources.csv'}: line {line} ({source}): quality: expected one of "
                f"{', '.join(QUALITY_WEIGHT)}, got {quality!r}"
            )
    raw = _read(folder / "series.csv", _SERIES_COLUMNS)
    for line, row in enumerate(raw.itertuples(index=False), start=2):
        where = f"{folder / 'series.csv'}: line {line} ({row.series})"
        if row.kind not in KINDS:
            raise InputFileError(f"{where}: kind: expected one of {', '.join(KINDS)}, "
                                 f"got {row.kind!r}")
        if row.source != UNSOURCED and row.source not in sources.index:
            raise InputFileError(f"{where}: source: expected an id of sources.csv or "
                                 f"{UNSOURCED}, got {row.source!r}")
        for field in ("year", "value"):
            try:
                ok = math.isfinite(float(getattr(row, field)))
            except ValueError:
                ok = False
            if not ok:
                raise InputFileError(
                    f"{where}: {field}: expected a number, got {getattr(row, field)!r}"
                )
    rows = raw.assign(year=raw["year"].astype(float).astype(int),
                      value=raw["value"].astype(float))
    quality = rows["source"].map(sources["quality"]).fillna("")
    status = [status_of(v, s) for v, s in zip(rows["verification"], rows["source"], strict=True)]
    weight = [
        STATUS_WEIGHT[s] * QUALITY_WEIGHT.get(q, 0.0) for s, q in zip(status, quality, strict=True)
    ]
    rows = rows.assign(quality=quality, status=status, weight=weight)
    gap = rows["source"] == UNSOURCED
    return Record(
        rows=rows[~gap].reset_index(drop=True),
        sources=sources,
        unsourced=rows[gap].reset_index(drop=True),
    )


@cache
def load_record() -> Record:
    """The bundled record (read once per process)."""
    return read_record(builtin_path("ussr"))


@cache
def load_documents() -> pd.DataFrame:
    """The archive documents the exhibit shows (``documents.csv`` of the bundled record)."""
    path = builtin_path("ussr") / "documents.csv"
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as exc:
        raise InputFileError(f"{path}: cannot read the documents: {exc}") from exc

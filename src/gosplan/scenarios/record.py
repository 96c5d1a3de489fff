"""The historical record: every series of the USSR data, with its unit, kind and source.

The record (bundled from the project's sourced data folder) holds plan targets, outcomes for
1913 and 1928–1932, and published ranges of famine deaths for 1932–33 (stored under 1933).
Outcomes from 1933 on are withheld on purpose: the simulator is judged on them out of sample.

Several rows may give the same series, year and kind from different sources; the row whose
note says ``primary`` is preferred, ``cross-check`` rows are used only when nothing else is
there, and otherwise the first row in the file wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from gosplan.scenarios.builtin import builtin_path

__all__ = ["KINDS", "Record", "load_record"]

KINDS = ("actual", "plan_target", "estimate_low", "estimate_high")


@dataclass(frozen=True, slots=True, eq=False)
class Record:
    """The sourced historical record (series, units, kinds, sources)."""

    rows: pd.DataFrame
    """All rows: ``series, unit, year, value, kind, source, note``."""
    sources: pd.DataFrame
    """Citations indexed by source id: ``citation, url``."""

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
        ordered = rows.assign(_rank=rank, _pos=range(len(rows))).sort_values(["year", "_rank",
                                                                              "_pos"])
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
        """Full citation of a source id (``GENERAL`` says it is unverified)."""
        if source in self.sources.index:
            return str(self.sources.loc[source, "citation"])
        if source == "GENERAL":
            return "general knowledge, unverified (recalled from standard references)"
        raise KeyError(f"record: no source {source!r}")


@cache
def load_record() -> Record:
    """The bundled record (read once per process)."""
    folder = builtin_path("ussr")
    rows = pd.read_csv(folder / "series.csv", dtype={"series": str, "unit": str, "kind": str,
                                                     "source": str, "note": str})
    rows["note"] = rows["note"].fillna("")
    sources = pd.read_csv(folder / "sources.csv", dtype=str).set_index("source")
    return Record(rows=rows, sources=sources)

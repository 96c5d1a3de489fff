"""``gosplan compare``: scenarios side by side, the same series in the same years.

:func:`compare` runs each scenario over the same years with the same ``--set`` changes and
returns a :class:`Comparison`. Its ``to_frame()`` is tidy (scenario, series, unit, year,
value): every simulated series in every year asked for, and the famine tolls under the
year the record files them under. ``write(path)`` saves that table as CSV, Parquet or JSON
by the suffix. The terminal shows a wide table (:func:`comparison_table`) of the key series.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import numpy as np
import pandas as pd

from gosplan.analysis.outputs import html_summary, records, to_data_array, write_table
from gosplan.analysis.run import KEY_SERIES, Run, check_years, run_scenario
from gosplan.errors import InputFileError, ParameterTypeError
from gosplan.sim import catalogue
from gosplan.sim.spec import YEARS

__all__ = [
    "COMPARE_COLUMNS",
    "COMPARE_SERIES",
    "Comparison",
    "compare",
    "comparison_table",
    "parse_year_list",
]

COMPARE_SERIES = (
    *KEY_SERIES,
    "pigs_summer",
    "sheep_and_goats_summer",
    "population_total",
    "food_per_rural_head",
)
#: The columns of :meth:`Comparison.to_frame`.
COMPARE_COLUMNS = ("scenario", "series", "unit", "year", "value")
#: More comma-separated items than there are years could only repeat some.
_MAX_ITEMS = YEARS[1] - YEARS[0] + 1


def parse_year_list(text: str, where: str = "--years") -> tuple[int, ...]:
    """Years from ``"1928:1937"``, ``"1930"``, ``"1928,1930,1932"`` or ``"1928:1930,1935"``.

    Each item is a year or a FIRST:LAST range within ``YEARS``; the result is sorted and
    without repeats.

    Raises
    ------
    InputFileError
        An item that is not a year or a range, a year outside ``YEARS``, a range whose last
        year comes first, or more items than there are years.
    """
    items = text.split(",")
    if len(items) > _MAX_ITEMS:
        raise InputFileError(
            f"{where} {text[:40]!r}...: at most {_MAX_ITEMS} comma-separated items; "
            f"got {len(items):,}"
        )
    years: set[int] = set()
    for item in items:
        first, sep, last = item.strip().partition(":")
        try:
            pair = (int(first), int(last) if sep else int(first))
        except ValueError:
            raise InputFileError(
                f"{where} {text!r}: {item.strip()!r} is not a year or FIRST:LAST; "
                "e.g. 1928:1937 or 1928,1930,1932"
            ) from None
        a, b = check_years(pair, f"{where} {text}")
        years.update(range(a, b + 1))
    return tuple(sorted(years))


def _asked_years(years: object) -> tuple[int, ...] | None:
    """``compare``'s ``years``: None, a (first, last) pair or the command line's text."""
    if years is None:
        return None
    if isinstance(years, str):
        return parse_year_list(years, "compare: years")
    if isinstance(years, tuple | list) and len(years) == 2:
        first, last = check_years(tuple(years), "compare: years")
        return tuple(range(first, last + 1))
    raise ParameterTypeError(
        "compare: years must be None, a pair (first, last) or a text like "
        f"'1928:1932,1935'; got {type(years).__name__} {str(years)[:60]}"
    )


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Comparison(Sequence[Run]):
    """Scenarios run over the same years; a sequence of their runs, in the order named."""

    runs: tuple[Run, ...]
    years: tuple[int, ...]
    """The years compared (the runs span the first to the last of them)."""

    @property
    def scenarios(self) -> tuple[str, ...]:
        """The scenarios' names, in the order named."""
        return tuple(r.result.name for r in self.runs)

    @overload
    def __getitem__(self, index: int) -> Run: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Run]: ...
    def __getitem__(self, index: int | slice) -> Run | Sequence[Run]:
        """The run of the ``index``-th scenario named."""
        return self.runs[index]

    def __len__(self) -> int:
        """The number of scenarios."""
        return len(self.runs)

    def __iter__(self) -> Iterator[Run]:
        """The runs, in the order named."""
        return iter(self.runs)

    def to_frame(self) -> pd.DataFrame:
        """Tidy: ``scenario``, ``series``, ``unit``, ``year``, ``value``, one row per value.

        Every simulated series in each of :attr:`years`, and the famine tolls (series
        ``famine_*``, filed under one year, 1933, whatever the years asked for), by scenario
        in the order named, then series, then year.
        """
        parts = []
        wanted = set(self.years)
        for k, run in enumerate(self.runs):
            f = run.frame
            keep = (f["kind"] == "simulated") & (
                f["year"].isin(wanted) | f["series"].str.startswith("famine_")
            )
            part = f.loc[keep, ["series", "unit", "year", "value"]].copy()
            part.insert(0, "scenario", run.result.name)
            part["_order"] = k
            parts.append(part)
        frame = pd.concat(parts, ignore_index=True)
        frame = frame.sort_values(["_order", "series", "year"], kind="stable", ignore_index=True)
        frame = frame.drop(columns="_order")
        frame["value"] = frame["value"].replace([np.inf, -np.inf], np.nan)
        return frame.astype({"year": "int64", "value": "float64"})

    def to_xarray(self) -> Any:
        """An ``xarray.DataArray`` on (scenario, series, year), each series' unit a coordinate.

        Needs the optional package xarray.
        """
        frame = self.to_frame()
        return to_data_array(
            frame,
            ("scenario", "series", "year"),
            name="value",
            labels={"scenario": self.scenarios},
            attrs={"years": ",".join(map(str, self.years))},
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: the scenarios, the years and the tidy rows."""
        return {
            "scenarios": list(self.scenarios),
            "years": list(self.years),
            "columns": list(COMPARE_COLUMNS),
            "rows": records(self.to_frame()),
        }

    def write(self, path: str | Path) -> Path:
        """Write :meth:`to_frame` to ``path``: ``.csv``, ``.parquet`` or ``.json`` (atomically).

        Raises
        ------
        OutputError
            ``path`` has another suffix, or cannot be written.
        """
        return write_table(self.to_frame(), path, "path")

    def __repr__(self) -> str:
        """One line: the scenarios and the years."""
        return f"Comparison({', '.join(self.scenarios)}; years {_span(self.years)})"

    def _repr_html_(self) -> str:
        """A small summary table for notebooks: the famine toll of each scenario."""
        rows = [("years", _span(self.years))]
        for run in self.runs:
            toll = run.result.totals.get("famine_excess_deaths_ussr")
            rows.append((run.result.name, "" if toll is None else f"famine {toll[1]:.2f} mn"))
        return html_summary("Scenarios compared", rows)


def _span(years: Sequence[int]) -> str:
    """``1928-1932`` for consecutive years, else the years listed."""
    if list(years) == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}"
    return ", ".join(map(str, years))


def compare(
    scenarios: Sequence[str],
    *,
    years: tuple[int, int] | str | None = None,
    sets: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Run each scenario over the same years with the same ``--set`` changes.

    ``years``: None (each scenario's own years, compared where they agree), a pair
    ``(first, last)``, or the command line's text (``"1928:1937"``, ``"1928,1930,1932"``,
    ``"1928:1930,1935"``); the runs go from the first year asked to the last, and the
    comparison keeps the years asked. ``progress(done, total)`` is called as runs finish.

    Raises
    ------
    InputFileError
        Fewer than two scenarios, or one named twice: there would be nothing to compare;
        or, by default years, scenarios whose years do not meet (``ussr-1928`` and
        ``ussr-1933``).
    """
    if isinstance(scenarios, str) or not all(isinstance(s, str) for s in scenarios):
        raise ParameterTypeError(
            f"compare: scenarios must be a list of scenario names; got {str(scenarios)[:60]!r}"
        )
    if len(scenarios) < 2:
        raise InputFileError(
            f"compare: needs at least two scenarios; got {len(scenarios)}"
            + (f" ({', '.join(map(str, scenarios))})" if scenarios else "")
        )
    twice = sorted({s for s in scenarios if list(scenarios).count(s) > 1})
    if twice:
        raise InputFileError(f"compare: scenario {twice[0]!r} is named twice")
    asked = _asked_years(years)
    span = None if asked is None else (asked[0], asked[-1])
    runs = []
    for name in scenarios:
        runs.append(run_scenario(name, years=span, sets=sets))
        if progress is not None:
            progress(len(runs), len(scenarios))
    names = [r.result.name for r in runs]
    if len(set(names)) < len(names):
        raise InputFileError(
            f"compare: two of the scenarios are both called {sorted(names)[0]!r} inside; "
            "rename one (its [scenario] name) to tell them apart"
        )
    shared = sorted(set.intersection(*(set(r.years) for r in runs)))
    if not shared:
        spans = ", ".join(f"{r.result.name} {r.years[0]}-{r.years[-1]}" for r in runs)
        raise InputFileError(
            f"compare: the scenarios share no year ({spans}); give years they all reach"
        )
    if asked is None:
        asked = tuple(shared)
    return Comparison(tuple(runs), tuple(y for y in asked if y in shared))


def comparison_table(runs: Sequence[Run], year: int | None = None) -> pd.DataFrame:
    """The terminal's wide view: one row per key series and famine toll, one column per scenario.

    Series are taken in ``year`` (default: the last year compared, or that all runs
    share); the first column is each series' unit.
    """
    if isinstance(runs, Comparison):
        years = list(runs.years)
    else:
        years = sorted(set.intersection(*(set(r.years) for r in runs)))
    year = years[-1] if year is None else year
    rows: dict[str, dict[str, object]] = {}
    for r in runs:
        k = r.result.years.index(year)
        for name in COMPARE_SERIES:
            if name in r.result.series:
                row = rows.setdefault(f"{name} ({year})", {"unit": r.result.units.get(name, "")})
                row[r.result.name] = float(r.result.series[name][k])
        for name, (when, value) in r.result.totals.items():
            row = rows.setdefault(f"{name} ({when})", {"unit": catalogue.unit(name)})
            row[r.result.name] = value
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "series"
    values = frame.drop(columns="unit").astype(np.float64).replace([np.inf, -np.inf], np.nan)
    return pd.concat([frame[["unit"]], values], axis=1)

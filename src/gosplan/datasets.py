"""The data that ship with gosplan, as tables, and what a run accepts.

Each function returns a pandas ``DataFrame`` whose columns its docstring lists (the example
economy is an :class:`~gosplan.Economy`)::

    import gosplan
    gosplan.datasets.list()                 # what is here: name, description, rows, provenance
    economy = gosplan.datasets.example_economy()
    targets = gosplan.datasets.example_targets()
    plan = gosplan.balance(economy, targets["final_demand"])
    gosplan.datasets.record()               # the historical record, one row per observation
    gosplan.datasets.levers("ussr-1928")    # what ``--set policy.NAME=V`` accepts
    gosplan.datasets.params("ussr-1928")    # what ``--set param.NAME=V`` accepts

The record follows the display rules of its README: an ``UNSOURCED`` row is never returned,
every row carries its source's full citation, a row whose value was not read in its source
says ``unverified``, and a published range is a range (low, high and its authors), not a point.

The levers and parameters are listed from the very definitions that check ``--set`` (the
simulator's lever table and the scenario's parameters file), so the listing cannot drift
from what a run accepts. Everything is imported on first use: ``import gosplan`` stays light.
"""

from __future__ import annotations

import builtins
import os
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from gosplan.core.economy import Economy
    from gosplan.scenarios.simfiles import Scenario

__all__ = [
    "counterfactuals",
    "documents",
    "economy",
    "example_economy",
    "example_targets",
    "levers",
    "list",
    "params",
    "record",
    "scenarios",
]

#: The scenario levers and params describe when none is named.
DEFAULT_SCENARIO = "ussr-1928"
_LICENCE = "MIT (gosplan)"
#: What the words a ``source`` field may hold instead of a source id mean.
_WORDS = {
    "assumed": "assumed: a judgement, its reasoning in the note (or why)",
    "derived": "derived: computed from other figures, as the note (or why) shows",
    "calibrated": "calibrated: fitted to the record of 1928-1932 by gosplan calibrate",
    "--set": "--set: changed on the command line",
}
#: The Library of Congress exhibit's front pages: they show no document (never a link).
_FRONT_PAGES = frozenset({"https://www.loc.gov/exhibits/archives/",
                          "https://www.loc.gov/exhibits/archives/index.html"})


# --- Economies -----------------------------------------------------------------------------


def example_economy() -> Economy:
    """The built-in example economy: the USSR in 1927/28, eight products in physical units.

    Coal, oil, electricity, pig iron, steel, machinery (in 1926/27 rubles), grain and cotton
    cloth; capacities are the 1928 outputs. Every coefficient's source and reasoning is in
    the ``source`` and ``note`` columns of its folder's tables and in its ``SOURCES.md``.
    """
    from gosplan.scenarios.builtin import builtin_path
    from gosplan.scenarios.loader import read_economy

    return read_economy(builtin_path())


def example_targets() -> pd.DataFrame:
    """The example economy's targets: the final demand of the First Five-Year Plan.

    The final demand implied by the optimal variant's gross-output targets for 1932/33,
    ``y = (I - A) x``, which far exceed 1928 capacity.

    Returns
    -------
    DataFrame indexed by ``product`` (so ``targets["final_demand"]`` is a Series a plan
    reads by label), with columns ``name``, ``final_demand``, ``unit``, ``source`` (ids and
    words as the file gives them), ``citation`` (each id's full citation) and ``note`` (how
    the number was reached).
    """
    import pandas as pd

    from gosplan.scenarios.builtin import builtin_path
    from gosplan.scenarios.loader import read_targets

    economy = example_economy()
    path = builtin_path() / "targets.csv"
    quantity = read_targets(path, economy)  # the checked numbers, as a plan reads them
    notes = _read_csv(path).set_index("product")
    frame = pd.DataFrame(
        {
            "name": _as_list(economy.names),
            "final_demand": quantity,
            "unit": _as_list(economy.units),
            "source": [str(notes["source"].get(p, "")) for p in economy.products],
            "note": [str(notes["note"].get(p, "")) for p in economy.products],
        },
        index=pd.Index(economy.products.tolist(), name="product"),
    )
    frame.insert(4, "citation", frame["source"].map(_citation))
    return frame


def economy(name: str) -> Economy:
    """A built-in economy by name (:func:`list` names them: see the ``economy`` row).

    Raises
    ------
    ParameterTypeError
        ``name`` is not a string.
    ParameterError
        No built-in economy has that name; the message lists them.
    """
    from gosplan.core.arguments import shown
    from gosplan.errors import ParameterError, ParameterTypeError

    if not isinstance(name, str):
        raise ParameterTypeError(
            f"economy: name must be a string; got {type(name).__name__} {shown(name)}"
        )
    from gosplan.scenarios.economies import ECONOMIES, builtin_economy

    if name not in ECONOMIES:
        raise ParameterError(
            f"economy: name must be one of {', '.join(sorted(ECONOMIES))}; got {shown(name)}"
        )
    return builtin_economy(name)[0]


#: Names served from :mod:`gosplan.scenarios.economies` (docs/supply-use.md), loaded on use.
_FROM_ECONOMIES = (
    "ECONOMIES",
    "BuiltinEconomy",
    "builtin_activity_economy",
    "builtin_economy",
    "builtin_supply_use",
)


def __getattr__(name: str) -> object:
    # The real economies and their supply-use tables, imported only when asked for.
    if name in _FROM_ECONOMIES:
        from gosplan.scenarios import economies

        return getattr(economies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _economy_count() -> int:
    from gosplan.scenarios.economies import ECONOMIES

    return len(ECONOMIES)


# --- The historical record -----------------------------------------------------------------


def record() -> pd.DataFrame:
    """The historical record of the USSR, one row per observation.

    Plan targets (to the Second Five-Year Plan's 1937), outcomes for 1913 and 1928-1932, and
    published ranges (famine deaths of 1932-33 are stored under 1933); outcomes from 1933 on
    are withheld, so the simulator is judged on them out of sample. ``UNSOURCED`` rows
    (gaps no acceptable source fills) are never returned.

    Returns
    -------
    DataFrame with columns

    ``series``, ``unit``, ``year``
        What was observed, in what, when (1928 is often the economic year 1927/28: the
        note says so).
    ``record_kind``
        ``actual``, ``plan_target``, or ``range`` (a published range).
    ``value``
        The figure (NaN for a range).
    ``low``, ``high``
        The ends of a range (NaN for a point; one of them NaN where a work gives one end
        only, "at most 175 thousand").
    ``authors``
        Short form of the citation: "S. Kotkin (2017)".
    ``kind``
        What the simulator makes of the series in that year (:mod:`gosplan.sim.catalogue`):
        ``initial``, ``input``, ``target``, ``simulated``, or ``not simulated``.
    ``source``, ``citation``, ``url``, ``quality``
        The source's id, full citation, where it was read and its quality (``official``,
        ``scholarly`` or ``secondary``).
    ``verification``
        ``verified`` (read in the cited work, consistent with another read source, or
        derived) or ``unverified`` (recalled or reported, not read: show it as such).
    ``verification_note``, ``note``
        The record's own words on how the value was checked, and what it is.
    ``preferred``
        Whether this is the row to use for its series, year and record kind: the note's
        ``primary`` row, else the first, ``cross-check`` rows last.

    A range is the two ends one work gives. Where the record's primary low end and primary
    high end come from different works, the range they span (the one to display) is a row
    of its own citing both, marked preferred.
    """
    import pandas as pd

    from gosplan.scenarios.record import UNSOURCED, load_record

    rec = load_record()
    rows = rec.rows[rec.rows["source"] != UNSOURCED].reset_index(drop=True)
    used = rows["source"].unique()  # each source's forms once, not once per row
    rows = rows.assign(
        authors=rows["source"].map({s: rec.short(s) for s in used}),
        citation=rows["source"].map(rec.sources["citation"]),
        url=rows["source"].map(rec.sources["url"]),
        verification_note=rows["verification"],
        verification=rows["status"],
        _rank=_rank(rows["note"]),
        _pos=range(len(rows)),
    )
    estimate = rows["kind"].isin(("estimate_low", "estimate_high"))
    points = rows[~estimate].assign(record_kind=rows["kind"], low=float("nan"),
                                    high=float("nan"))
    ranges = pd.DataFrame(_ranges(rows[estimate]), columns=[*rows.columns, "record_kind",
                                                             "low", "high"])
    table = pd.concat([points, ranges.astype({"year": int, "_rank": int, "_pos": int})])
    table = table.sort_values(["series", "year", "record_kind", "_rank", "_pos"])
    first = ~table.duplicated(["series", "year", "record_kind"])
    table = table.assign(preferred=first, kind=_sim_kinds(table["series"], table["year"]))
    columns = ["series", "unit", "year", "record_kind", "value", "low", "high", "authors",
               "kind", "source", "citation", "url", "quality", "verification",
               "verification_note", "preferred", "note"]
    return table[columns].reset_index(drop=True)


def _rank(notes: pd.Series) -> pd.Series:
    """0 for a ``primary`` row, 2 for a ``cross-check``, 1 otherwise (as the record prefers)."""
    primary = notes.str.contains("primary", case=False, na=False)
    check = notes.str.contains("cross-check", case=False, na=False)
    return (1 - primary.astype(int)).where(~check, 2)


def _ranges(estimates: pd.DataFrame) -> Iterable[dict[str, Any]]:
    """The published ranges among the record's estimate rows (see :func:`record`)."""
    groups: dict[tuple[str, int], builtins.list[dict[str, Any]]] = {}
    for record in estimates.to_dict("records"):
        row = {str(k): v for k, v in record.items()}
        groups.setdefault((row["series"], row["year"]), []).append(row)
    for rows in groups.values():
        lows = [r for r in rows if r["kind"] == "estimate_low"]
        highs = [r for r in rows if r["kind"] == "estimate_high"]
        used: set[int] = set()
        for source in dict.fromkeys(r["source"] for r in rows):
            low = [r for r in lows if r["source"] == source]
            high = [r for r in highs if r["source"] == source]
            if len(low) == 1 and len(high) == 1:
                used |= {low[0]["_pos"], high[0]["_pos"]}
                yield _range(low[0], high[0])
        main_low = [r for r in lows if r["_rank"] == 0]
        main_high = [r for r in highs if r["_rank"] == 0]
        if (len(main_low) == 1 and len(main_high) == 1
                and main_low[0]["source"] != main_high[0]["source"]):
            used |= {main_low[0]["_pos"], main_high[0]["_pos"]}
            yield {**_range(main_low[0], main_high[0]), "_rank": -1}
        for row in rows:  # one end only: "at most", "at least"
            if row["_pos"] not in used:
                end = "low" if row["kind"] == "estimate_low" else "high"
                other = "high" if end == "low" else "low"
                yield {**row, "record_kind": "range", "value": float("nan"),
                       end: row["value"], other: float("nan")}


def _range(low: Mapping[str, Any], high: Mapping[str, Any]) -> dict[str, Any]:
    """One range from its low-end and high-end rows (of one work, or of two)."""
    row = {**low, "record_kind": "range", "value": float("nan"), "low": low["value"],
           "high": high["value"], "_rank": min(low["_rank"], high["_rank"])}
    if low["source"] == high["source"]:
        both = {"verification_note", "note"}
        return {**row, **{k: _joined(low[k], high[k]) for k in both},
                "verification": _worse(low["verification"], high["verification"])}
    keys = ("source", "authors", "citation", "url", "quality", "verification_note", "note")
    return {**row, **{k: _ends(low[k], high[k]) for k in keys},
            "source": f"{low['source']}; {high['source']}",
            "authors": f"{low['authors']}; {high['authors']}",
            "verification": _worse(low["verification"], high["verification"])}


def _joined(a: str, b: str) -> str:
    return a if a == b or not b else (b if not a else f"low end: {a}; high end: {b}")


def _ends(a: str, b: str) -> str:
    return f"low end: {a}; high end: {b}" if a != b else a


def _worse(a: str, b: str) -> str:
    return "verified" if a == b == "verified" else "unverified"


def _sim_kinds(series: pd.Series, years: pd.Series) -> builtins.list[str]:
    """Each row's kind in the simulator, or ``not simulated`` (see :func:`record`)."""
    from gosplan.sim.catalogue import CATALOGUE, kind_in

    judged = {e.comparator: e.name for e in CATALOGUE.values() if e.comparator}
    first, last = _simulated_years()
    out = []
    for name, year in zip(series, years, strict=True):
        simulated = judged.get(str(name))
        inside = first <= int(year) <= last
        out.append(str(kind_in(simulated, int(year))) if simulated and inside
                   else "not simulated")
    return out


@cache
def _simulated_years() -> tuple[int, int]:
    """First and last year of the historical run: the first scenario and its continuations."""
    from gosplan.scenarios.simfiles import load_scenario

    sc = load_scenario(DEFAULT_SCENARIO)
    first, last = sc.spec.years[0], sc.spec.years[-1]
    seen = {sc.spec.name}
    while sc.continues_with and sc.continues_with not in seen:  # a chain is checked to end
        sc = load_scenario(sc.continues_with)
        seen.add(sc.spec.name)
        last = sc.spec.years[-1]
    return first, last


def documents() -> pd.DataFrame:
    """The archive documents of the record (the Library of Congress exhibit's).

    We hold no quotation of any document, only our own summary of it.

    Returns
    -------
    DataFrame with columns ``id``, ``title``, ``date`` (ISO), ``author``, ``recipient``,
    ``reference`` (the archive's), ``exhibit_url`` (the document's own page in the exhibit,
    empty where it is not yet identified), ``exhibit_note`` (what is known of that page),
    ``translation_url``, ``summary`` and ``section`` (of the exhibit), in date order.
    """
    import pandas as pd

    from gosplan.scenarios.record import load_documents

    raw = load_documents()
    link = [_link(str(u)) for u in raw["exhibit_url"]]
    frame = pd.DataFrame(
        {
            "id": raw["id"],
            "title": raw["title"],
            "date": raw["date"],
            "author": raw["author"],
            "recipient": raw["recipient"],
            "reference": raw["archive_reference"],
            "exhibit_url": [u for u, _ in link],
            "exhibit_note": [n for _, n in link],
            "translation_url": [u if u.startswith("http") else ""
                                for u in raw["translation_url"].str.strip()],
            "summary": raw["summary"],
            "section": raw["section"],
        }
    )
    return frame.sort_values(["date", "id"]).reset_index(drop=True)


def _link(raw: str) -> tuple[str, str]:
    """A document's own exhibit page (never the front page), and what the record says of it."""
    url, _, note = raw.strip().partition(" ")
    if not url.startswith("https://www.loc.gov/") or url in _FRONT_PAGES:
        return "", "the exhibit's page of this document is not yet identified"
    return url, note.strip().strip("()")


# --- Scenarios and what a run accepts ------------------------------------------------------


def scenarios() -> pd.DataFrame:
    """What each built-in scenario sets (counterfactuals: :func:`counterfactuals`).

    Returns
    -------
    DataFrame, one row per setting, with columns ``scenario``, ``base`` (the scenario a
    counterfactual changes; empty for a scenario), ``section`` (``scenario``, ``plan``,
    ``initial`` or ``policy``), ``key`` (the lever, the initial value, the plan's key),
    ``region`` (of a regional initial value, else empty), ``year`` (from which a policy
    value holds; missing elsewhere), ``value`` (a number; NaN for a setting in words),
    ``text`` (a setting in words: the plan's variant, the title ...), ``unit``, ``source``,
    ``citation`` (each source id's full citation) and ``why``.
    """
    return _settings(counterfactual=False)


def counterfactuals() -> pd.DataFrame:
    """What each built-in counterfactual changes in its base scenario.

    Columns as :func:`scenarios`.
    """
    return _settings(counterfactual=True)


def _settings(*, counterfactual: bool) -> pd.DataFrame:
    import pandas as pd

    from gosplan.scenarios.loader import read_toml
    from gosplan.scenarios.simfiles import builtin_scenarios

    rows: builtins.list[dict[str, Any]] = []
    for name, path in builtin_scenarios().items():
        doc = read_toml(path)
        if ("base" in doc) is counterfactual:
            rows.extend({"scenario": name, "base": str(doc.get("base", "")), **row}
                        for row in _file_settings(doc))
    columns = ["scenario", "base", "section", "key", "region", "year", "value", "text",
               "unit", "source", "citation", "why"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["year"] = frame["year"].astype("Int64")
    frame["value"] = frame["value"].astype(float)
    frame["citation"] = frame["source"].map(_citation)
    return frame


def _file_settings(doc: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """Every setting one scenario file makes, in file order (rows of :func:`scenarios`)."""
    for key, value in (doc.get("scenario") or {}).items():
        yield _setting("scenario", key, value)
    plan = doc.get("plan") or {}
    for key, value in plan.items():
        if key not in ("source", "why"):
            yield _setting("plan", key, value, source=plan.get("source", ""),
                           why=plan.get("why", ""))
    for key, table in (doc.get("initial") or {}).items():
        about: dict[str, Any] = {k: str(table.get(k, "")) for k in ("unit", "source", "why")}
        if "value" in table:
            yield _setting("initial", key, table["value"], **about)
        for field, values in table.items():
            if isinstance(values, dict):  # values by region; herds by species and region
                label = key if field == "values" else f"{key}.{field}"
                for region, value in values.items():
                    yield _setting("initial", label, value, region=region, **about)
    for key, table in (doc.get("policy") or {}).items():
        about = {k: str(table.get(k, "")) for k in ("unit", "source", "why")}
        for year, value in table.get("values", {}).items():
            yield _setting("policy", key, value, year=int(year), **about)


def _setting(section: str, key: str, value: Any, *, region: str = "", year: int | None = None,
             unit: str = "", source: str = "", why: str = "") -> dict[str, Any]:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return {"section": section, "key": key, "region": region, "year": year,
            "value": float(value) if number else float("nan"),
            "text": "" if number else str(value), "unit": unit, "source": str(source),
            "why": str(why)}


def levers(scenario: str | os.PathLike[str] = DEFAULT_SCENARIO) -> pd.DataFrame:
    """The policy levers a run of ``scenario`` accepts (``--set policy.NAME[.YEAR]=V``).

    Listed from the simulator's lever table, the one ``--set`` and the scenario files are
    checked against, with the scenario's value of each lever in each year it simulates.

    Returns
    -------
    DataFrame, one row per lever, with columns ``name``, ``key`` (what ``--set`` takes),
    ``unit``, one column per simulated year (``"1928"``, ...: the scenario's value, the
    default of a run), ``low`` and ``high`` (the allowed range, inclusive), ``source`` and
    ``why`` (the scenario's, or ``default`` for a lever it leaves off) and ``description``.

    Raises
    ------
    ParameterTypeError
        ``scenario`` is neither a name nor a path.
    InputFileError
        No such scenario, or its files are bad (the message names file and key).
    """
    import pandas as pd

    from gosplan.sim.levers import DEFAULTS, LEVERS

    sc = _scenario(scenario, "levers")
    policy = sc.spec.policy
    years = sc.spec.years
    rows = []
    for name, (low, high, what) in LEVERS.items():
        table = sc.policies.get(name) or {}
        series = policy.levers[name]
        by_year = {str(y): float(series[policy.years.index(y)]) for y in years}
        unset = name in DEFAULTS and not table
        rows.append({
            "name": name, "key": f"policy.{name}", "unit": str(table.get("unit") or what),
            **by_year, "low": float(low), "high": float(high),
            "source": "default" if unset else str(table.get("source", "")),
            "why": (f"not set by the scenario: {DEFAULTS[name]:g} (the lever's default)"
                    if unset else str(table.get("why", ""))),
            "description": what,
        })
    return pd.DataFrame(rows)


def params(scenario: str | os.PathLike[str] = DEFAULT_SCENARIO) -> pd.DataFrame:
    """The model parameters a run of ``scenario`` accepts (``--set param.NAME=V``).

    Listed from the scenario's parameters file, the one ``--set`` is checked against.

    Returns
    -------
    DataFrame, one row per parameter in file order, with columns ``name``, ``key`` (what
    ``--set`` takes), ``unit``, ``value`` (the scenario's, the default of a run), ``low``
    and ``high`` (the allowed range, inclusive; for a calibrated parameter the search box
    of the fit), ``kind`` (``sourced``, ``derived``, ``assumed`` or ``calibrated``),
    ``source``, ``citation``, ``why``, and ``varied_low``, ``varied_high``,
    ``distribution`` (the span ensembles and sensitivity analysis draw from; NaN and empty
    for a parameter they keep fixed).

    Raises
    ------
    ParameterTypeError
        ``scenario`` is neither a name nor a path.
    InputFileError
        No such scenario, or its files are bad (the message names file and key).
    """
    import pandas as pd

    from gosplan.scenarios.uncertainty import UNCERTAINTY_FILE, load_uncertainty

    sc = _scenario(scenario, "params")
    varied = {}
    if sc.parameters_path is not None and (sc.parameters_path.parent / UNCERTAINTY_FILE).is_file():
        varied = {u.name: u for u in load_uncertainty(sc).parameters}
    rows = []
    for name, table in sc.parameters.items():
        low, high = (float(x) for x in table["range"])
        span = varied.get(name)
        rows.append({
            "name": name, "key": f"param.{name}", "unit": str(table.get("unit", "")),
            "value": float(table["value"]), "low": low, "high": high,
            "kind": str(table["kind"]), "source": str(table.get("source", "")),
            "citation": _citation(str(table.get("source", ""))),
            "why": str(table.get("why", "")),
            "varied_low": span.low if span else float("nan"),
            "varied_high": span.high if span else float("nan"),
            "distribution": span.distribution if span else "",
        })
    return pd.DataFrame(rows)


def _scenario(scenario: object, caller: str) -> Scenario:
    from gosplan.core.arguments import shown
    from gosplan.errors import ParameterTypeError
    from gosplan.scenarios.simfiles import load_scenario

    if not isinstance(scenario, str | os.PathLike):
        raise ParameterTypeError(
            f"{caller}: scenario must be a scenario name or a path; got "
            f"{type(scenario).__name__} {shown(scenario)}"
        )
    return load_scenario(os.fspath(scenario))


# --- Citations -----------------------------------------------------------------------------


def _citation(source: str) -> str:
    """Full citations of a ``source`` field's ids (``;``-separated), words explained."""
    known = _citations()
    parts = [p.strip() for p in str(source).split(";") if p.strip()]
    return "; ".join(known.get(p, _WORDS.get(p, p)) for p in parts)


@cache
def _citations() -> dict[str, str]:
    """Every source id the bundled data cite: the record's, then the example economy's."""
    from gosplan.scenarios.builtin import builtin_path
    from gosplan.scenarios.record import load_record

    out = _markdown_sources(builtin_path() / "SOURCES.md")
    out.update({str(k): str(v) for k, v in load_record().sources["citation"].items()})
    return out


def _markdown_sources(path: os.PathLike[str]) -> dict[str, str]:
    """``id -> citation`` from the tables of a ``SOURCES.md`` (``| id | grade | citation |``)."""
    out = {}
    with open(path, encoding="utf-8") as file:
        for line in file:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) >= 3 and re.fullmatch(r"[A-Z][A-Z0-9_]+", cells[0]):
                out[cells[0]] = cells[2].replace("*", "")
    return out


def _read_csv(path: os.PathLike[str]) -> pd.DataFrame:
    import pandas as pd

    from gosplan.errors import InputFileError

    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as exc:
        raise InputFileError(f"{path}: cannot read: {exc}") from exc


def _as_list(values: Iterable[Any]) -> Any:
    """The builtin ``list`` of ``values`` (this module's :func:`list` lists the datasets)."""
    return [*values]


# --- The catalogue of datasets -------------------------------------------------------------

#: name -> (description, provenance, how to count its rows).
_DATASETS: dict[str, tuple[str, str, Callable[[], int]]] = {
    "example_economy": (
        "The USSR in 1927/28: eight products in physical units, 1928 capacities",
        "Coefficients from Soviet plan documents, statistics and stated judgements; each "
        "row's source and reasoning in the example economy's tables and SOURCES.md",
        lambda: example_economy().n,
    ),
    "example_targets": (
        "Final demand of the First Five-Year Plan's optimal variant for 1932/33",
        "Derived from the plan's gross-output targets (ISE3, FYP_EL, FYP1929 ...) as y = (I - A) x",
        lambda: len(example_targets()),
    ),
    "economy": (
        "Built-in economies by name: ussr-1928, us-2021-15, us-2021-71, au-114",
        "The example economy's sources; the US (BEA) and Australian (ABS) supply-use tables "
        "as quantecon-book-networks 1.6 ships them (MIT); see docs/supply-use.md",
        lambda: _economy_count(),
    ),
    "record": (
        "The historical record: plan targets, outcomes 1913 and 1928-1932, published ranges",
        "Compiled row by row from the works cited in each row (official, scholarly or "
        "secondary); unsourced rows withheld, unverified rows marked",
        lambda: len(record()),
    ),
    "documents": (
        "Archive documents of collectivization and famine, with our summaries",
        "Library of Congress exhibit 'Revelations from the Russian Archives'; summaries are "
        "gosplan's own, no text of a document is held",
        lambda: len(documents()),
    ),
    "scenarios": (
        "What each built-in scenario sets: initial state, plan, policies by year",
        "The scenario files; each setting's source and reasoning",
        lambda: len(scenarios()),
    ),
    "counterfactuals": (
        "What each built-in counterfactual changes in its base scenario",
        "The counterfactual files; each change's reasoning",
        lambda: len(counterfactuals()),
    ),
    "levers": (
        f"Policy levers a run accepts (--set policy.NAME=V), {DEFAULT_SCENARIO}'s values",
        "The simulator's lever table (what --set is checked against) and the scenario",
        lambda: len(levers()),
    ),
    "params": (
        f"Model parameters a run accepts (--set param.NAME=V), {DEFAULT_SCENARIO}'s values",
        "The scenario's parameters file: each value sourced, derived, assumed or calibrated",
        lambda: len(params()),
    ),
}


def list() -> pd.DataFrame:
    """What this module serves.

    Returns
    -------
    DataFrame with columns ``name`` (the function), ``description``, ``rows`` (of its table
    with default arguments; products for the example economy, names for ``economy``),
    ``licence`` and ``provenance``.
    """
    import pandas as pd

    return pd.DataFrame(
        [
            {"name": name, "description": description, "rows": count(),
             "licence": _LICENCE, "provenance": provenance}
            for name, (description, provenance, count) in _DATASETS.items()
        ]
    )

"""A simulation run as a report folder: a self-contained HTML page, tidy CSVs, the scenario.

``write_report(run, out)`` writes::

    out/report.html           the report: inline SVG figures and CSS, no script, no requests
    out/results.csv           the run's tidy table (simulated, plan_target and record rows)
    out/fit.csv               every observation of the fit, 1928-1932, with its log error
    out/famine.csv            the famine tolls against the scholarly bands
    out/scenario-as-run.toml  name, years, --set items, seed, version, and the parameters
                              and policies in force (after the --set items)
    out/scenario.toml         the scenario file as it was read
    out/parameters.toml       its parameters file as it was read

The folder is assembled under a temporary name and swapped in whole: it appears complete or
not at all. Same run, same bytes.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import tomli_w

from gosplan.analysis.fit import FAMINE_BANDS, FIT_COLUMNS
from gosplan.analysis.run import Run
from gosplan.errors import InputFileError
from gosplan.report import plots
from gosplan.report.simulation import (
    GOAL_MEDIAN_ERROR,
    citations,
    error_text,
    famine_rows,
    fit_summary,
    goal_checks,
    label_of,
    num,
    num_range,
    pct,
    record_value,
    run_rows,
    unit_of,
)
from gosplan.scenarios.atomic import atomic_folder
from gosplan.scenarios.loader import read_toml
from gosplan.scenarios.record import load_record
from gosplan.scenarios.simfiles import Scenario, builtin_scenarios, load_scenario
from gosplan.sim.catalogue import FIT_YEARS

if TYPE_CHECKING:
    from jinja2 import Template

__all__ = ["REPORT_FILE", "RESULT_COLUMNS", "render_report", "results_frame", "write_report"]

#: The file that marks a folder as a gosplan report (so that it may be replaced).
REPORT_FILE = "report.html"
#: Columns of ``results.csv``, in order.
RESULT_COLUMNS = ("scenario", "series", "unit", "year", "value", "kind", "estimate", "source")
_FIT_COLUMNS = FIT_COLUMNS
_FAMINE_COLUMNS = ("series", "simulated", "low", "high", "inside")
_KIND_ORDER = {"plan_target": 0, "simulated": 1, "record": 2}
_ESTIMATE_ORDER = {"point": 0, "low": 1, "high": 2}


# --- Tables ------------------------------------------------------------------------------


def results_frame(run: Run) -> pd.DataFrame:
    """The run's tidy table in a fixed order: series, kind, estimate, source, year."""
    frame = run.frame
    keys = list(
        zip(
            frame["series"].astype(str).tolist(),
            [_KIND_ORDER.get(k, 9) for k in frame["kind"].tolist()],
            [_ESTIMATE_ORDER.get(e, 9) for e in frame["estimate"].tolist()],
            frame["source"].astype(str).tolist(),
            frame["year"].astype(int).tolist(),
            strict=True,
        )
    )
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return frame.iloc[order][list(RESULT_COLUMNS)].reset_index(drop=True)


def _cell(value: Any) -> str:
    """A CSV cell: floats exactly as Python writes them back (repr), nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return repr(float(value)) if math.isfinite(value) else ""
    if isinstance(value, int | np.integer):
        return str(int(value))
    return str(value)


def _csv(frame: pd.DataFrame, columns: Sequence[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    arrays = [frame[c].to_numpy(dtype=object) for c in columns]
    for k in range(len(frame)):
        writer.writerow([_cell(a[k]) for a in arrays])
    return buffer.getvalue().encode("utf-8")


# --- The scenario as run -----------------------------------------------------------------


def scenario_as_run(run: Run) -> str:
    """A TOML record of what was run: enough to run it again and to know what it was."""
    from gosplan import __version__

    sc = run.scenario
    record: dict[str, Any] = {
        "scenario": sc.spec.name,
        "title": sc.title,
        "file": sc.path.name,
        "first_year": run.years[0],
        "last_year": run.years[-1],
        "sets": list(sc.overrides),
    }
    if sc.base:
        record["base"] = sc.base
    if run.seed is not None:
        record["seed"] = run.seed
    record["gosplan"] = __version__
    record["segment"] = [
        {"scenario": seg.spec.name, "first_year": result.years[0], "last_year": result.years[-1]}
        for seg, result in run.segments
    ]
    doc = {"run": record, "parameters": sc.parameters, "policy": sc.policies}
    header = [
        "# The scenario as run by gosplan: what was asked for, and the parameters and",
        "# policies in force after the --set items. scenario.toml and parameters.toml",
        "# beside this file are the files as they were read.",
    ]
    if run.seed is None:
        header.append("# seed: none (deterministic)")
    # A library writes the TOML, so any title or name reads back as it was.
    return "\n".join(header) + "\n\n" + tomli_w.dumps(doc)


def _scenario_files(scenario: Scenario) -> dict[str, bytes]:
    """The scenario file and its parameters file, as read (best effort for the latter)."""
    files = {"scenario.toml": scenario.path.read_bytes()}
    root = scenario.path
    if scenario.base:
        root = builtin_scenarios().get(scenario.base, Path(scenario.base))
    try:
        meta = {**read_toml(root).get("scenario", {})}
        if root != scenario.path:
            meta.update(read_toml(scenario.path).get("scenario", {}) or {})
        parameters = (root.parent / str(meta.get("parameters", "parameters.toml"))).resolve()
        files["parameters.toml"] = parameters.read_bytes()
    except (OSError, ValueError):
        # The parameters in force are in scenario-as-run.toml whatever happens here.
        pass
    return files


# --- The page ----------------------------------------------------------------------------


@cache
def _template() -> Template:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template("report.html.j2")


def _citations(frame: pd.DataFrame, series: Sequence[str]) -> list[dict[str, str]]:
    """Full citations of the record sources behind ``series``, in order of first use."""
    names = frame["series"].to_numpy()
    sources = frame["source"].astype(str).to_numpy()
    return citations(src for name in series for src in sources[names == name].tolist())


def _unverified(frame: pd.DataFrame, series: Sequence[str]) -> list[str]:
    """The record's values in a chart that were not read in their source, by series.

    Each entry: ``Cattle 1928–1932 (A. Nove (1992))``; years need not be consecutive.
    """
    names = frame["series"].to_numpy()
    record = (frame["kind"] == "record").to_numpy()
    years = frame["year"].to_numpy(dtype=np.int64)
    out = []
    target = (frame["kind"] == "plan_target").to_numpy() & (
        frame["source"].astype(str) != "gosplan planner"
    ).to_numpy()
    for name in series:
        doubt: dict[tuple[str, str], list[int]] = {}
        for what, mask, plan in (("", record, False), (" plan", target, True)):
            for year in sorted(set(years[(names == name) & mask].tolist())):
                shown = record_value(name, int(year), plan)
                if shown is not None and shown.unverified:
                    doubt.setdefault((what, shown.authors), []).append(int(year))
        for (what, authors), listed in doubt.items():
            span = (
                f"{listed[0]}–{listed[-1]}"
                if len(listed) > 1 and listed == list(range(listed[0], listed[-1] + 1))
                else ", ".join(map(str, listed))
            )
            out.append(f"{label_of(name)}{what} {span} ({authors})")
    return out


def _summary_rows(run: Run) -> list[dict[str, Any]]:
    out = []
    for row in run_rows(run):
        low, high = row["record_low"], row["record_high"]
        record = num(row["record"]) if row["record"] is not None else num_range(low, high)
        error = row["log_error"]
        # A range is shown with its authors; a point's source is in the next column.
        out.append(
            {
                "label": row["label"],
                "unit": row["unit"],
                "plan": num(row["plan"]),
                "plan_unverified": bool(row["plan_unverified"]),
                "quota": num(row["quota"]),
                "first": num(row["simulated_first"]),
                "last": num(row["simulated"]),
                "record": record,
                "unverified": bool(row["record_unverified"]),
                "source": row["record_authors"] or "",
                "error": error_text(row),
                "off": row["kind"] == "simulated"
                and error is not None
                and abs(error) > GOAL_MEDIAN_ERROR,
            }
        )
    return out


def _fit_table(run: Run) -> tuple[list[int], list[dict[str, Any]]]:
    rows = run.fit.rows
    years = [y for y in FIT_YEARS if y in run.result.years]
    names = rows["series"].to_numpy()
    row_years = rows["year"].to_numpy(dtype=np.int64)
    errors = rows["log_error"].to_numpy(dtype=np.float64)
    kinds = rows["kind"].astype(str).to_numpy()
    sources = rows["source"].astype(str).to_numpy()
    record = load_record()
    table = []
    for name in dict.fromkeys(names.tolist()):
        pick = names == name
        by_year = dict(zip(row_years[pick].tolist(), errors[pick].tolist(), strict=True))
        cells = [
            {
                "text": pct(by_year.get(y)),
                "off": y in by_year and abs(by_year[y]) > GOAL_MEDIAN_ERROR,
            }
            for y in years
        ]
        median = float(np.median(np.abs(errors[pick])))
        table.append(
            {
                "label": label_of(str(name)),
                "calibrated": bool((kinds[pick] == "target").any()),
                "unit": unit_of(str(name)),
                "cells": cells,
                "median": pct(median, signed=False),
                "sources": "; ".join(map(record.short, dict.fromkeys(sources[pick].tolist()))),
            }
        )
    return years, table


def _famine_table(run: Run) -> list[dict[str, Any]]:
    out = []
    for row in famine_rows(run):
        shown = record_value(row["series"], 1933)
        out.append(
            {
                "label": row["label"],
                "simulated": f"{row['simulated']:.2f}",
                "band": f"{row['low']:g}–{row['high']:g}",
                "inside": row["inside"],
                "record": "—" if shown is None else shown.text(),
                "unverified": shown is not None and shown.unverified,
                "source": row["authors"] if shown is None else shown.authors,
            }
        )
    return out


def _values_by_year(values: Any) -> str:
    if not isinstance(values, Mapping):
        return _plain(values)
    return "; ".join(f"{k}: {_plain(v)}" for k, v in values.items())


def _plain(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return "–".join(_plain(v) for v in value)
    return str(value)


def _from_base(scenario: Scenario) -> tuple[str, list[str]]:
    """A counterfactual's own description and the policies it changes from its base.

    The description is empty where a counterfactual only inherits its base's, which would
    describe the history it departs from.
    """
    if not scenario.base:
        return scenario.description, []
    try:
        base = load_scenario(scenario.base)
    except InputFileError:
        return scenario.description, []
    own = "" if scenario.description == base.description else scenario.description
    changed = [
        name
        for name, table in scenario.policies.items()
        if base.policies.get(name) != table and name not in _set_names(scenario)
    ]
    return own, changed


def _set_names(scenario: Scenario) -> set[str]:
    return {
        item.partition("=")[0].strip().split(".")[1]
        for item in scenario.overrides
        if item.count(".") >= 1
    }


def _source_names(field: str) -> str:
    """A scenario's source field with each record source id as its citation's short form.

    Other words (the scenario's own labels) are kept as written.
    """
    record = load_record()
    parts = [p.strip() for p in field.split(";") if p.strip()]
    return "; ".join(record.short(p) if p in record.sources.index else p for p in parts)


def _parameters(scenario: Scenario) -> list[dict[str, Any]]:
    changed = _set_names(scenario)
    return [
        {
            "name": name,
            "value": _plain(table.get("value")),
            "unit": str(table.get("unit", "")),
            "kind": str(table.get("kind", "")),
            "range": _plain(table.get("range", "")),
            "source": _source_names(str(table.get("source", ""))),
            "why": str(table.get("why", "")),
            "set": name in changed,
        }
        for name, table in scenario.parameters.items()
    ]


def _policies(scenario: Scenario) -> list[dict[str, Any]]:
    changed = _set_names(scenario) | set(_from_base(scenario)[1])
    return [
        {
            "name": name,
            "by_year": _values_by_year(table.get("values")),
            "unit": str(table.get("unit", "")),
            "source": _source_names(str(table.get("source", ""))),
            "why": str(table.get("why", "")),
            "set": name in changed,
        }
        for name, table in scenario.policies.items()
        if isinstance(table, Mapping)
    ]


def _panels(run: Run) -> list[dict[str, Any]]:
    from markupsafe import Markup

    frame = run.frame
    committed = run.result.committed
    regions = (
        {}
        if committed is None
        else {
            "ussr": float(np.sum(committed)),
            "ukraine": float(committed[0]),
            "kazakhstan": float(committed[1]),
        }
    )
    threshold = run.scenario.parameters.get("famine_threshold", {}).get("value")
    threshold_kg = None if threshold is None else 1000 * float(threshold)
    figures = {
        "industry": plots.industry_svg(frame),
        "agriculture": plots.agriculture_svg(frame),
        "livestock": plots.livestock_svg(frame),
        "collectivization": plots.collectivization_svg(frame),
        "famine": plots.famine_svg(
            frame, bands=FAMINE_BANDS, threshold_kg=threshold_kg, committed=regions
        ),
        "population": plots.population_svg(frame),
    }
    return [
        {
            "id": key,
            "svg": Markup(svg),  # matplotlib's own SVG, built above
            "sources": _citations(frame, plots.PANELS[key]),
            "unverified": _unverified(frame, plots.PANELS[key]),
        }
        for key, svg in figures.items()
    ]


def _context(run: Run) -> dict[str, Any]:
    from markupsafe import Markup

    from gosplan import __version__

    sc = run.scenario
    description, changed = _from_base(sc)
    famine = famine_rows(run)
    ussr = next((r for r in famine if r["series"] == "famine_excess_deaths_ussr"), None)
    years, fit_rows = _fit_table(run)
    summary = fit_summary(run)
    return {
        "scenario": {
            "name": sc.spec.name,
            "title": sc.title,
            "description": description,
            "changed": changed,
            "file": sc.path.name,
            "base": sc.base,
            "sets": list(sc.overrides),
        },
        "segments": [
            {"name": seg.spec.name, "first": res.years[0], "last": res.years[-1]}
            for seg, res in run.segments
        ],
        "first_year": run.years[0],
        "starts": run.years[0] == run.result.years[0],
        "last_year": run.years[-1],
        "seed": run.seed,
        "version": __version__,
        "rows": _summary_rows(run),
        "famine": _famine_table(run),
        "ussr_toll": None if ussr is None else f"{ussr['simulated']:.1f}",
        "ussr_toll_value": None if ussr is None else ussr["simulated"],
        "ussr_band": None if ussr is None else f"{ussr['low']:g}–{ussr['high']:g}",
        "fit": {
            "years": years,
            "rows": fit_rows,
            "median": pct(summary["median_abs_log_error"], signed=False),
            "goal": f"{GOAL_MEDIAN_ERROR:.0%}",
            "met": summary["median_abs_log_error"] is not None
            and summary["median_abs_log_error"] <= GOAL_MEDIAN_ERROR,
            "observations": summary["observations"],
            "series": summary["series"],
            "coverage": "—" if summary["coverage"] is None else f"{summary['coverage']:.0%}",
            "points": summary["points"],
            "loss": num(summary["loss"]),
            "svg": Markup(plots.fit_svg(run.fit.scored, goal=GOAL_MEDIAN_ERROR)),
        },
        "goals": [
            {**g, "label": label_of(g["series"]) if g["series"] != "fit" else "Fit"}
            for g in goal_checks(run)
        ],
        "panels": _panels(run),
        "parameters": _parameters(sc),
        "policies": _policies(sc),
        "threshold": sc.parameters.get("famine_threshold", {}).get("value"),
    }


def render_report(run: Run) -> str:
    """The report page for ``run`` (self-contained HTML: inline SVG and CSS, no script)."""
    return _template().render(**_context(run))


def write_report(run: Run, out_dir: str | Path) -> Path:
    """Write the report folder for ``run`` to ``out_dir`` and return the folder.

    The folder is assembled under a temporary name and swapped in whole; an existing
    folder is replaced only if it is empty or holds a ``report.html``.

    Raises
    ------
    OutputError
        ``out_dir`` cannot be written (its parent is missing or read-only, or it is a
        file, or a folder of something else).
    """
    target = Path(out_dir)
    # The folder's checks come first, so that a bad --out fails before any drawing; a
    # failure while rendering removes the half-filled temporary folder.
    with atomic_folder(target, marker=REPORT_FILE) as tmp:
        files: dict[str, bytes] = {
            REPORT_FILE: render_report(run).encode("utf-8"),
            "results.csv": _csv(results_frame(run), RESULT_COLUMNS),
            "fit.csv": _csv(run.fit.rows, _FIT_COLUMNS),
            "famine.csv": _csv(
                pd.DataFrame(famine_rows(run), columns=list(_FAMINE_COLUMNS)), _FAMINE_COLUMNS
            ),
            "scenario-as-run.toml": scenario_as_run(run).encode("utf-8"),
            **_scenario_files(run.scenario),
        }
        for name, data in files.items():
            (tmp / name).write_bytes(data)
    return target

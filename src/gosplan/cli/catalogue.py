"""``gosplan levers``, ``params`` and ``datasets``: what a run accepts, and the built-in data.

Each prints a table (``--json``: one JSON object) and may write it (``--out`` FILE.csv,
.parquet or .json), from the tables of :mod:`gosplan.datasets`.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["datasets", "levers", "params"]

#: The files ``--out`` writes, by suffix.
OUT_SUFFIXES = (".csv", ".parquet", ".json")

_Scenario = Annotated[str, typer.Argument(help="Scenario name or file.")]
_Json = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
_Out = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write the table to a .csv, .parquet or .json file."),
]


class Table(StrEnum):
    """The datasets that are tables."""

    example_targets = "example_targets"
    record = "record"
    documents = "documents"
    scenarios = "scenarios"
    counterfactuals = "counterfactuals"
    levers = "levers"
    params = "params"


def levers(scenario: _Scenario = "ussr-1928", as_json: _Json = False, out: _Out = None) -> None:
    """List the policy levers a run accepts (--set policy.NAME[.YEAR]=V): unit, values, range."""
    from gosplan.datasets import levers as listing

    _check_out(out)
    frame = listing(scenario)
    years = [c for c in frame.columns if c.isdigit()]
    _show(frame, f"levers of {scenario}", out, as_json, {"scenario": scenario}, lambda: [
        ("Lever", frame["name"]),
        ("Unit", frame["unit"]),
        ("Value by year", [_by_year(row, years) for _, row in frame.iterrows()]),
        ("Range", _ranges(frame)),
        ("Source", frame["source"]),
        # The description where the scenario's unit does not already say it.
        ("Description", [d if d != u else "" for d, u in
                         zip(frame["description"], frame["unit"], strict=True)]),
    ])


def params(scenario: _Scenario = "ussr-1928", as_json: _Json = False, out: _Out = None) -> None:
    """List the model parameters a run accepts (--set param.NAME=V): unit, value, range, source."""
    from gosplan.datasets import params as listing

    _check_out(out)
    frame = listing(scenario)
    _show(frame, f"parameters of {scenario}", out, as_json, {"scenario": scenario}, lambda: [
        ("Parameter", frame["name"]),
        ("Unit", frame["unit"]),
        ("Value", [f"{v:g}" for v in frame["value"]]),
        ("Range", _ranges(frame)),
        ("Kind", frame["kind"]),
        ("Source", frame["source"]),
    ])


def datasets(
    name: Annotated[
        Table | None,
        typer.Argument(help="A table to print as CSV or write with --out (default: list them)."),
    ] = None,
    as_json: _Json = False,
    out: _Out = None,
) -> None:
    """List the data that ship with gosplan (gosplan.datasets), or print or write one table."""
    import gosplan.datasets as data

    _check_out(out)
    if name is None:
        frame = data.list()
        _show(frame, "datasets", out, as_json, {}, lambda: [
            ("Name", frame["name"]),
            ("Description", frame["description"]),
            ("Rows", [f"{n:,}" for n in frame["rows"]]),
            ("Provenance", frame["provenance"]),
            ("Licence", frame["licence"]),
        ], caption="gosplan datasets NAME prints one as CSV (--out FILE writes it)")
        return
    frame = getattr(data, name.value)()
    if name is Table.example_targets:
        frame = frame.reset_index()
    if out is not None:
        _write(frame, out, {"name": name.value})
    if as_json:
        typer.echo(json.dumps({"name": name.value, "rows": _records(frame)}, allow_nan=False))
    elif out is None:
        typer.echo(frame.to_csv(index=False), nl=False)
    else:
        typer.echo(f"{len(frame):,} rows written to {out}")


def _ranges(frame: pd.DataFrame) -> list[str]:
    return [f"{lo:g} to {hi:g}" for lo, hi in zip(frame["low"], frame["high"], strict=True)]


def _by_year(row: Any, years: list[str]) -> str:
    """A lever's values as they change: ``1928: 0, 1930: 1`` (each holds until the next)."""
    shown, last = [], None
    for year in years:
        if row[year] != last:
            shown.append(f"{year}: {row[year]:g}")
            last = row[year]
    return ", ".join(shown)


def _show(
    frame: pd.DataFrame,
    title: str,
    out: Path | None,
    as_json: bool,
    head: dict[str, str],
    columns: Any,
    caption: str = "Each one's reasoning (why) and full citation: --json or --out FILE",
) -> None:
    """Write ``frame`` to ``out`` (if given), then print it as JSON or as a table."""
    if out is not None:
        _write(frame, out, head)
    if as_json:
        typer.echo(json.dumps({**head, "rows": _records(frame)}, allow_nan=False))
        return
    from rich.console import Console
    from rich.table import Table as Grid

    grid = Grid(title=f"{len(frame):,} {title}", caption=caption or None)
    cols = columns()
    for header, _ in cols:
        grid.add_column(header, overflow="fold")
    for cells in zip(*(values for _, values in cols), strict=True):
        grid.add_row(*(str(c) for c in cells))
    console = Console()
    Console(width=max(console.width, 120)).print(grid)
    if out is not None:
        typer.echo(f"Written to {out}")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready mappings: numbers exact, NaN and missing values as null.

    (pandas' own JSON rounds to ten decimals: a calibrated 3.3e-11 would read 0.)
    """
    import pandas as pd

    plain = frame.astype(object)
    plain = plain.where(pd.notna(plain), None)
    return [{str(k): _plain(v) for k, v in row.items()} for row in plain.to_dict("records")]


def _plain(value: Any) -> Any:
    """A cell as a JSON value (numpy scalars as Python numbers)."""
    return value.item() if hasattr(value, "item") else value


def _check_out(out: Path | None) -> None:
    """Refuse an ``--out`` that cannot be written before any work, not after it."""
    if out is None:
        return
    from gosplan.errors import OutputError
    from gosplan.scenarios.atomic import check_writable

    if out.suffix.lower() not in OUT_SUFFIXES:
        raise OutputError(
            f"{out}: --out must end in .csv, .parquet or .json; got {out.suffix or 'no suffix'!r}"
        )
    check_writable(out)


def _write(frame: pd.DataFrame, out: Path, head: dict[str, str]) -> None:
    """``frame`` to ``out`` by its suffix, whole or not at all."""
    from gosplan.scenarios.atomic import atomic_file, write_text

    suffix = out.suffix.lower()
    if suffix == ".json":
        write_text(out, json.dumps({**head, "rows": _records(frame)}, indent=2,
                                   allow_nan=False, ensure_ascii=False) + "\n")
        return
    with atomic_file(out) as tmp:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False)
        else:
            frame.to_parquet(tmp, index=False)

"""How scenario files refer to each other, checked before anything is simulated.

A counterfactual names its ``base``; a scenario names the one that ``continues_with`` it past
its last year and the one it ``start_from``. Each name is a built-in scenario or a file
path, read relative to the file that gives it. A chain of names must end: a cycle
(``a -> b -> a``) is an error naming the chain, no chain is longer than :data:`MAX_CHAIN`,
and a scenario that continues another starts the year after the other ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from gosplan.errors import InputFileError
from gosplan.scenarios.builtin import builtin_path
from gosplan.scenarios.loader import read_checked, read_toml
from gosplan.scenarios.schema import CounterfactualFile, ScenarioFile, ScenarioTable
from gosplan.scenarios.validation import RefusalError, check_year

__all__ = [
    "MAX_CHAIN",
    "SCENARIO_KEYS",
    "Layer",
    "builtin_scenarios",
    "check_sequence",
    "display",
    "layers",
    "merged",
    "read_scenario_file",
    "resolve",
    "resolve_ref",
    "scenario_years",
    "whole_year",
]

#: Longest chain of scenarios a name may lead through (bases, continuations, starts).
MAX_CHAIN = 16
_BUILTIN = {"ussr-1928": "ussr_1928/scenario.toml", "ussr-1933": "ussr_1933/scenario.toml"}

#: The keys of the [scenario] table.
SCENARIO_KEYS = tuple(ScenarioTable.model_fields)


@dataclass(frozen=True, slots=True)
class Layer:
    """One file of a scenario: the root scenario, or a counterfactual on top of it."""

    path: Path
    doc: dict[str, Any]


def builtin_scenarios() -> dict[str, Path]:
    """Built-in scenario names and their files (scenarios and counterfactuals)."""
    return dict(_builtins())


@cache
def _builtins() -> dict[str, Path]:
    # Package data: the same files for the life of the process.
    out = {name: builtin_path().parent / rel for name, rel in _BUILTIN.items()}
    for path in sorted((builtin_path().parent / "counterfactuals").glob("*.toml")):
        out[path.stem] = path
    return {k: v for k, v in out.items() if v.is_file()}


@cache
def _builtin_names() -> dict[Path, str]:
    return {path.resolve(): name for name, path in _builtins().items()}


def resolve(name: str | Path) -> Path:
    """The file of a scenario named on the command line (built-in name, file or folder)."""
    known = _builtins()
    if isinstance(name, str) and name in known:
        return known[name]
    path = Path(name)
    if path.is_dir():
        path = path / "scenario.toml"
    if not path.is_file():
        raise InputFileError(f"{name}: no such scenario (built-in: {', '.join(sorted(known))})")
    return path


def resolve_ref(value: Any, origin: Path, field: str) -> Path:
    """The file a scenario file's ``field`` names: a built-in, or a path beside ``origin``."""
    known = _builtins()
    if not isinstance(value, str) or not value.strip():
        raise InputFileError(f"{origin}: {field} must name a scenario; got {value!r}")
    if value in known:
        return known[value]
    path = Path(value)
    if not path.is_absolute():
        path = origin.parent / path
    if path.is_dir():
        path = path / "scenario.toml"
    if not path.is_file():
        raise InputFileError(
            f"{origin}: {field} {value!r} is neither a built-in scenario "
            f"({', '.join(sorted(known))}) nor a file ({path} not found)"
        )
    return path.resolve()


def display(path: Path) -> str:
    """A scenario's name for messages and for :class:`Scenario` fields: built-in or path."""
    return _builtin_names().get(path.resolve(), str(path))


def read_scenario_file(path: Path) -> dict[str, Any]:
    """A scenario or counterfactual file (one with ``base``), checked against its schema."""
    doc = read_toml(path)
    own = doc.get("scenario")
    if isinstance(own, dict) and "base" in own:
        # TOML puts every key after a [table] header into that table.
        raise InputFileError(
            f"{path}: [scenario] holds 'base'; write base = ... at the top of "
            "the file, before the first [table]"
        )
    return read_checked(path, CounterfactualFile if "base" in doc else ScenarioFile)


def layers(path: Path) -> list[Layer]:
    """The files of a scenario, root first, following ``base`` (refusing cycles).

    Every file is checked against its schema as it is read.
    """
    seen = [path.resolve()]
    out = [Layer(path, read_scenario_file(path))]
    while "base" in out[-1].doc:
        origin = out[-1].path
        nxt = resolve_ref(out[-1].doc["base"], origin, "base")
        if nxt in seen:
            names = " -> ".join(display(p) for p in [*seen, nxt])
            raise InputFileError(f"{origin}: base makes a cycle: {names}")
        if len(seen) >= MAX_CHAIN:
            raise InputFileError(f"{path}: base leads through more than {MAX_CHAIN} files")
        seen.append(nxt)
        out.append(Layer(nxt, read_scenario_file(nxt)))
    return out[::-1]


def merged(parts: list[Layer], table: str) -> tuple[dict[str, Any], dict[str, Path]]:
    """A table merged over the layers (later files win), and the file each key came from."""
    values: dict[str, Any] = {}
    origin: dict[str, Path] = {}
    for layer in parts:
        own = layer.doc.get(table)  # a table, if given: the schema checked it
        if own is None:
            continue
        values.update(own)
        origin.update(dict.fromkeys(own, layer.path))
    return values, origin


def whole_year(value: Any, where: str) -> int:
    """A year: a whole number within :data:`~gosplan.sim.spec.YEARS` (the schema's rule)."""
    try:
        return check_year(value)
    except RefusalError as exc:
        raise InputFileError(f"{where} {exc}") from None


def scenario_years(meta: Mapping[str, Any], origin: Mapping[str, Path], path: Path) -> range:
    """The years of a scenario's merged [scenario] table, checked."""

    def year(key: str) -> int:
        return whole_year(meta.get(key), f"{origin.get(key, path)}: [scenario] {key}")

    first, last = year("first_year"), year("last_year")
    if last < first:
        raise InputFileError(
            f"{origin.get('last_year', path)}: [scenario] last_year {last} is before "
            f"first_year {first}"
        )
    return range(first, last + 1)


def check_sequence(path: Path, meta: Mapping[str, Any], origin: Mapping[str, Path]) -> None:
    """Check the scenarios ``continues_with`` and ``start_from`` lead to, without running.

    Each chain must end, without a cycle, within :data:`MAX_CHAIN` files; a continuation
    must start the year after the scenario before it ends, and a scenario must start the
    year after the one it starts from.
    """
    years = scenario_years(meta, origin, path)
    for key, step in (("continues_with", 1), ("start_from", -1)):
        seen = [path.resolve()]
        cur_meta, cur_origin, cur_years = meta, origin, years
        while cur_meta.get(key):
            where = cur_origin[key]
            nxt = resolve_ref(cur_meta[key], where, f"[scenario] {key}")
            if nxt in seen:
                names = " -> ".join(display(p) for p in [*seen, nxt])
                raise InputFileError(f"{where}: [scenario] {key} makes a cycle: {names}")
            if len(seen) >= MAX_CHAIN:
                raise InputFileError(
                    f"{path}: [scenario] {key} leads through more than {MAX_CHAIN} scenarios"
                )
            seen.append(nxt)
            nxt_meta, nxt_origin = merged(layers(nxt), "scenario")
            nxt_years = scenario_years(nxt_meta, nxt_origin, nxt)
            if step > 0 and nxt_years[0] != cur_years[-1] + 1:
                raise InputFileError(
                    f"{where}: [scenario] continues_with {cur_meta[key]!r} starts in "
                    f"{nxt_years[0]}; it must start in {cur_years[-1] + 1}, the year after "
                    f"last_year {cur_years[-1]}"
                )
            if step < 0 and nxt_years[-1] != cur_years[0] - 1:
                raise InputFileError(
                    f"{where}: [scenario] start_from {cur_meta[key]!r} ends in "
                    f"{nxt_years[-1]}; it must end in {cur_years[0] - 1}, the year before "
                    f"first_year {cur_years[0]}"
                )
            cur_meta, cur_origin, cur_years = nxt_meta, nxt_origin, nxt_years

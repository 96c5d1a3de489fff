"""The Python workflows' defaults are the commands' defaults, read from both sides."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer

import gosplan
from gosplan.analysis.ensemble import parse_vary
from gosplan.cli import app

# (command, Python function, options only the command has, parameters only Python has).
PAIRS: list[tuple[str, Callable[..., Any], set[str], set[str]]] = [
    ("run", gosplan.simulate, {"out", "as_json", "report"}, set()),
    ("compare", gosplan.compare, {"out", "as_json"}, {"progress"}),
    ("ensemble", gosplan.run_ensemble, set(), {"client", "progress"}),
    ("sensitivity", gosplan.sensitivity, {"out"}, {"client", "progress"}),
]


def normal(name: str, value: Any) -> Any:
    """A default as the workflow sees it: the command's text parsed as the command does."""
    if value is inspect.Parameter.empty:
        return "required"
    if name == "sets":
        return tuple(value or ())
    if name == "vary":
        return parse_vary(value)
    if name == "out" and value is not None:
        return Path(value)
    if isinstance(value, str):
        return str(value)  # an option's enum member, as its value
    return value


def command_defaults(command: str) -> dict[str, Any]:
    group = typer.main.get_command(app)
    params = group.commands[command].params  # type: ignore[attr-defined]
    return {
        str(p.name): normal(str(p.name), "required" if p.required else p.default)
        for p in params
    }


def python_defaults(function: Callable[..., Any]) -> dict[str, Any]:
    return {
        name: normal(name, p.default)
        for name, p in inspect.signature(function).parameters.items()
    }


@pytest.mark.parametrize(("command", "function", "cli_only", "python_only"), PAIRS,
                         ids=[p[0] for p in PAIRS])
def test_python_defaults_are_the_commands(
    command: str, function: Callable[..., Any], cli_only: set[str], python_only: set[str]
) -> None:
    cli = command_defaults(command)
    python = python_defaults(function)
    # Every option has its parameter (and the other way round), but those listed.
    assert set(cli) - set(python) == cli_only
    assert set(python) - set(cli) == python_only
    shared = sorted(set(cli) & set(python))
    assert {k: python[k] for k in shared} == {k: cli[k] for k in shared}


def test_the_ensemble_varies_weather_and_parameters_by_default() -> None:
    assert python_defaults(gosplan.run_ensemble)["vary"] == ("weather", "parameters")
    assert python_defaults(gosplan.simulate)["resolution"] == "aggregate"

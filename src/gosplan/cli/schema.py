"""``gosplan schema``: print the JSON Schema of a kind of gosplan file, for editors."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

__all__ = ["schema"]


class Kind(StrEnum):
    """The kinds of file a schema describes."""

    scenario = "scenario"
    counterfactual = "counterfactual"
    parameters = "parameters"
    uncertainty = "uncertainty"
    economy = "economy"


def schema(
    kind: Annotated[
        Kind,
        typer.Argument(
            help="Which file: scenario, counterfactual, parameters, "
            "uncertainty or economy (economy.toml)."
        ),
    ] = Kind.scenario,
) -> None:
    """Print the JSON Schema of a kind of file (docs/scenario-format.md: editor set-up)."""
    from gosplan.scenarios.schema import json_schema_text

    typer.echo(json_schema_text(kind.value), nl=False)

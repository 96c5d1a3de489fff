"""The schema of gosplan's TOML files: pydantic models and their JSON Schema.

One model per kind of file (:data:`FILES`): a scenario, a counterfactual, a parameters file,
an uncertainty file and an economy's ``economy.toml``. The readers check each parsed file
with :func:`~gosplan.scenarios.validation.validate`, which refuses it in one line naming
file, field path and value
(``scenario.toml: [policy.heavy_share] values.1928 must be a finite number; got 'lots'``).
:func:`json_schema` gives the same models as JSON Schema, for editors
(docs/scenario-format.md).

What the models check is what one file says on its own: keys, types, bounds, years. What
needs another file (a policy's first year against the scenario's first year, an uncertain
span against its parameter's range) stays with the readers.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    create_model,
    model_validator,
)

from gosplan.scenarios.validation import (
    Range,
    RefusalError,
    Table,
    Text,
    Year,
    YearKey,
    said,
    show,
)
from gosplan.sim.levers import LEVERS, PARAMETERS
from gosplan.sim.spec import REGIONS, SPECIES

__all__ = [
    "DISTRIBUTIONS",
    "FILES",
    "KINDS",
    "CounterfactualFile",
    "EconomyFile",
    "ParametersFile",
    "ScenarioFile",
    "UncertaintyFile",
    "json_schema",
    "json_schema_text",
]

#: What kind of number a parameter is (parameters.toml's ``kind``).
KINDS = ("sourced", "derived", "assumed", "calibrated")
#: The distributions an uncertain parameter may be drawn from.
DISTRIBUTIONS = ("uniform", "triangular")


UNIT = "the unit of the table's numbers"
SOURCE = (
    "where the numbers come from: keys of the record's sources (SOURCES.md) separated by "
    "'; ', or assumed, derived or calibrated"
)
WHY = "the reasoning: how the numbers were read, derived or judged"


# --- Scenario and counterfactual files -------------------------------------------------------


class ScenarioTable(Table):
    """``[scenario]``: names and years. Not numbers of the model: no unit, source or why."""

    name: str | None = Field(None, description="short name, used in file names and reports")
    title: str | None = Field(None, description="one-line title for reports")
    description: str | None = Field(None, description="what the scenario is, in a paragraph")
    first_year: Year | None = Field(None, description="first simulated year")
    last_year: Year | None = Field(None, description="last simulated year")
    economy: Text | None = Field(
        None, description="economy folder beside this file, or a built-in economy (example)"
    )
    parameters: Text | None = Field(
        None, description="parameters file, relative to this file (default parameters.toml)"
    )
    continues_with: str | None = Field(
        None, description="scenario (built-in name or file) that carries this one on"
    )
    start_from: str | None = Field(
        None, description="scenario whose simulated end this one starts from"
    )


class PlanTable(Table):
    """``[plan]``: which rows of the economy's plan_targets.csv are the plan's targets.

    No unit: the targets are gross outputs in each product's own unit (economy.toml).
    """

    variant: str | None = Field(None, description="the plan's variant (plan_targets.csv)")
    raised_variant: str | None = Field(
        None, description="the raised targets, in force while policy plan_raised is 1"
    )
    base_variant: str | None = Field(None, description="the economy of the first year")
    fallback_variant: str | None = Field(
        None, description="targets for the products the variant leaves out"
    )
    target_year: Year | None = Field(None, description="the year the targets are for")
    source: Text = Field(description=SOURCE)
    why: Text = Field(description=WHY)


class _Inline(Table):
    what: ClassVar[str] = "region"
    inline: ClassVar[bool] = True


Regions: type[Table] = create_model(  # type: ignore[call-overload]
    "Regions",
    __base__=_Inline,
    __doc__="One number per region.",
    **dict.fromkeys(REGIONS, (float, ...)),
)


class RegionalTable(Table):
    """``[initial.NAME]`` with ``values = { region = number }``."""

    unit: Text = Field(description=UNIT)
    values: Regions = Field(description="one number per region")  # type: ignore[valid-type]
    source: Text = Field(description=SOURCE)
    why: Text = Field(description=WHY)


class ScalarTable(Table):
    """``[initial.NAME]`` with one ``value``."""

    unit: Text = Field(description=UNIT)
    value: float
    source: Text = Field(description=SOURCE)
    why: Text = Field(description=WHY)


_HERDS = create_model(  # type: ignore[call-overload]
    "HerdsTable",
    __base__=Table,
    __doc__="``[initial.herds]``: one regional table per species.",
    unit=(Text, Field(description=UNIT)),
    source=(Text, Field(description=SOURCE)),
    why=(Text, Field(description=WHY)),
    **{s: (Regions, Field(description=f"{s} by region")) for s in SPECIES},
)


class InitialTables(Table):
    """``[initial.*]``: the economy at the start of the first year."""

    what: ClassVar[str] = "table"

    rural: RegionalTable = Field(description="rural population by region")
    urban: RegionalTable = Field(description="urban population by region")
    households: RegionalTable = Field(description="peasant households by region")
    sown_area: RegionalTable = Field(description="grain sown area by region")
    herds: _HERDS = Field(description="herds by species and region")  # type: ignore[valid-type]
    tractors: ScalarTable
    unfinished: ScalarTable = Field(description="capital under construction, share of capacity")
    grain_reserve: ScalarTable
    special_settlers: ScalarTable
    employment: ScalarTable


def _lever_value(name: str) -> Any:
    lo, hi, what = LEVERS[name]

    def check(value: float) -> float:
        if not lo <= value <= hi:
            raise RefusalError(f"must be in [{lo:g}, {hi:g}] ({what}); got {value:g}")
        return value

    return Annotated[
        float,
        AfterValidator(check),
        Field(json_schema_extra={"minimum": lo, "maximum": hi}, description=what),
    ]


def _policy_table(name: str) -> type[Table]:
    by_year: Any = dict[YearKey, _lever_value(name)]  # type: ignore[misc]
    model: type[Table] = create_model(
        f"Policy_{name}",
        __base__=Table,
        __doc__=f"``[policy.{name}]``: {LEVERS[name][2]}, by year.",
        unit=(Text, Field(description=UNIT)),
        values=(
            by_year,
            Field(
                min_length=1,
                description="{ year = value }: a value holds from its year until the next "
                "year given, never before",
                json_schema_extra={"propertyNames": {"pattern": "^[0-9]{4}$"}},
            ),
        ),
        source=(Text, Field(description=SOURCE)),
        why=(Text, Field(description=WHY)),
    )
    return model


class _Levers(Table):
    unknown: ClassVar[str] = "[policy.{key}] is not a policy lever"


class _Parameters(Table):
    unknown: ClassVar[str] = "[{key}] is not a parameter of the model"


_Policies = create_model(  # type: ignore[call-overload]
    "PolicyTables",
    __base__=_Levers,
    __doc__="``[policy.*]``: the policy levers, each a table of values by year.",
    **{name: (_policy_table(name) | None, None) for name in sorted(LEVERS)},
)


class ScenarioFile(Table):
    """A scenario: its years, economy, plan, starting state and policies."""

    what: ClassVar[str] = "table"

    scenario: ScenarioTable
    plan: PlanTable | None = None
    initial: InitialTables | None = Field(
        None, description="the starting state (a scenario with start_from takes it from there)"
    )
    policy: _Policies | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _starts_somewhere(self) -> ScenarioFile:
        if self.initial is None and not self.scenario.start_from:
            raise RefusalError("[initial] is missing (a scenario without start_from needs it)")
        return self


class CounterfactualFile(Table):
    """A counterfactual: a ``base`` scenario and the tables that change it."""

    what: ClassVar[str] = "table"

    base: Text = Field(description="the scenario changed: a built-in name or a file")
    scenario: ScenarioTable | None = None
    plan: PlanTable | None = None
    policy: _Policies | None = None  # type: ignore[valid-type]


# --- Parameters and uncertainty --------------------------------------------------------------


class ParameterTable(Table):
    """One parameter of the model.

    ``source`` is needed for a sourced number; for the other kinds the kind says where the
    number comes from (the arithmetic or judgement is in ``why``), so it may be left out.
    """

    value: float
    kind: Literal["sourced", "derived", "assumed", "calibrated"]
    range: Range = Field(
        description="[low, high]: the bounds of calibration, --set and sensitivity analysis"
    )
    unit: Text = Field(description="the unit of the value")
    source: Text | None = Field(None, description=SOURCE + " (needed when kind = sourced)")
    why: Text = Field(description=WHY)

    missing: ClassVar[dict[str, str]] = {"why": "why must give the reasoning for the number"}

    @model_validator(mode="after")
    def _consistent(self) -> ParameterTable:
        lo, hi = self.range
        if not lo <= self.value <= hi:
            raise RefusalError(f"value {self.value!r} is outside its range [{lo}, {hi}]")
        if self.kind == "sourced" and not self.source:
            raise RefusalError("source must name where a sourced number comes from")
        return self


ParametersFile: type[Table] = create_model(  # type: ignore[call-overload]
    "ParametersFile",
    __base__=_Parameters,
    __doc__="parameters.toml: every parameter of the model, each a table.",
    **dict.fromkeys(sorted(PARAMETERS), (ParameterTable, ...)),
)


class UncertainTable(Table):
    """One uncertain parameter: the span it is drawn from and why.

    No unit and no source: the span is in the parameter's own unit, and it is a judgement
    about the number whose source is in parameters.toml (the reasoning is ``why``).
    """

    range: Range = Field(description="[low, high] inside the parameter's range, around its value")
    distribution: Literal["uniform", "triangular"] = Field(
        "uniform", description="triangular peaks at the parameter's value"
    )
    why: Text = Field(description="the reasoning for the span")

    missing: ClassVar[dict[str, str]] = {"why": "why must give the reasoning for the span"}

    @model_validator(mode="after")
    def _ordered(self) -> UncertainTable:
        low, high = self.range
        if not low < high:
            raise RefusalError(f"range must have low < high; got [{low:g}, {high:g}]")
        return self


UncertaintyFile: type[Table] = create_model(  # type: ignore[call-overload]
    "UncertaintyFile",
    __base__=_Parameters,
    __doc__="uncertainty.toml: the parameters ensembles and sensitivity analysis vary.",
    **dict.fromkeys(sorted(PARAMETERS), (UncertainTable | None, None)),
)


# --- Economy files ---------------------------------------------------------------------------

FileName = Annotated[str, AfterValidator(said), Field(description="a file in the folder")]


def _year_or_text(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise RefusalError(f"must be a whole number or text; got {show(value)}")
    return value


# A year or a text such as "1927/28" (economies written from metadata give text).
YearText = Annotated[
    Any,
    BeforeValidator(_year_or_text),
    Field(json_schema_extra={"type": ["integer", "string"]}),
]


class EconomyTable(Table):
    """``[economy]``: names, the tables to read, and where the numbers come from."""

    otherwise: ClassVar[str] = "; other facts go in [economy.metadata]"

    name: str | None = None
    description: str | None = None
    year: YearText | None = Field(None, description="the year the numbers describe")
    technology: FileName | None = Field(None, description="default technology.csv")
    labour: FileName | None = None
    capacity: FileName | None = None
    capital: FileName | None = None
    products_table: FileName | None = Field(
        None, description="id,name,unit table in place of [[products]]"
    )
    sources: str | None = Field(None, description="a file that explains the sources")
    source: str | None = Field(None, description=SOURCE)
    note: str | None = None
    why: str | None = Field(None, description=WHY)
    metadata: dict[str, Any] | None = Field(None, description="free-form facts")


def _positive(value: float) -> float:
    if not value > 0:
        raise RefusalError(f"must be a number > 0; got {value!r}")
    return value


class LabourTable(Table):
    """``[labour]``: the unit of labour and how much is available."""

    model_config = ConfigDict(allow_inf_nan=True)

    unit: str | None = Field(None, description="the unit of labour (person-years, hours)")
    available: Annotated[float, AfterValidator(_positive)] | None = Field(
        None, description="labour available, > 0 (default: unlimited)"
    )
    source: str | None = Field(None, description=SOURCE)
    note: str | None = None
    why: str | None = Field(None, description=WHY)


class ProductEntry(Table):
    """``[[products]]``: one product."""

    id: Text = Field(description="the product's id, used in every table")
    name: str | None = None
    unit: str | None = Field(None, description="the unit of the product's quantities")
    source: str | None = Field(None, description=SOURCE)
    note: str | None = None
    why: str | None = Field(None, description=WHY)


class EconomyFile(Table):
    """economy.toml: products, units and the tables that hold the economy's numbers.

    unit, source and why are optional here: economies are also written by programs
    (``gosplan generate``, imports), and the provenance of each coefficient belongs in the
    tables' own ``source`` column.
    """

    what: ClassVar[str] = "table"

    economy: EconomyTable
    labour: LabourTable | None = None
    products: list[ProductEntry] | None = None


#: The kinds of file, by the name ``gosplan schema`` takes.
FILES: dict[str, type[Table]] = {
    "scenario": ScenarioFile,
    "counterfactual": CounterfactualFile,
    "parameters": ParametersFile,
    "uncertainty": UncertaintyFile,
    "economy": EconomyFile,
}


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of a kind of file (a key of :data:`FILES`), for editors."""
    model = FILES[kind]
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **model.model_json_schema(),
    }
    schema["title"] = f"gosplan {kind} file"
    return schema


def json_schema_text(kind: str) -> str:
    """:func:`json_schema` as the text docs/KIND.schema.json holds (stable, one per line)."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"

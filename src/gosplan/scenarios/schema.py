"""The schema of gosplan's TOML files: pydantic models, one-line errors and JSON Schema.

One model per kind of file (:data:`FILES`): a scenario, a counterfactual, a parameters file,
an uncertainty file and an economy's ``economy.toml``. The readers validate each parsed file
with :func:`validate`, which turns pydantic's report into the one-line
:class:`~gosplan.errors.InputFileError` of every other reader (file, field path, value:
``scenario.toml: [policy.heavy_share] values.1928 must be a finite number; got 'lots'``). A
misspelt key is refused with the nearest known one, never ignored. :func:`json_schema`
gives the same models as JSON Schema, for editors (docs/scenario-format.md).

What the models check is what one file says on its own: keys, types, bounds, years. What
needs another file (a policy's first year against the scenario's first year, an uncertain
span against its parameter's range) stays with the readers.
"""

from __future__ import annotations

import json
import math
import types
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    model_validator,
)

from gosplan.errors import InputFileError
from gosplan.scenarios.keys import did_you_mean
from gosplan.sim.levers import LEVERS, PARAMETERS
from gosplan.sim.spec import REGIONS, SPECIES, YEARS

__all__ = [
    "DISTRIBUTIONS",
    "FILES",
    "KINDS",
    "CounterfactualFile",
    "EconomyFile",
    "ParametersFile",
    "RefusalError",
    "ScenarioFile",
    "UncertaintyFile",
    "check_year",
    "json_schema",
    "json_schema_text",
    "validate",
]

#: What kind of number a parameter is (parameters.toml's ``kind``).
KINDS = ("sourced", "derived", "assumed", "calibrated")
#: The distributions an uncertain parameter may be drawn from.
DISTRIBUTIONS = ("uniform", "triangular")
_SHOWN = 80  # longest value quoted in a message


class RefusalError(ValueError):
    """A validator's reason, already a phrase of the one-line message (no prefix added)."""


# --- Value types ----------------------------------------------------------------------------


def check_year(value: Any) -> int:
    """A year: a whole number within :data:`~gosplan.sim.spec.YEARS` (else RefusalError)."""
    lo, hi = YEARS
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or value != value  # NaN
        or not lo <= value <= hi
        or value != int(value)
    ):
        raise RefusalError(f"must be a year from {lo} to {hi}; got {value!r}")
    return int(value)


def _year_key(key: Any) -> str:
    text = str(key).strip()
    if not text.isdigit():
        raise RefusalError(f"{key!r} is not a year")
    lo, hi = YEARS
    if len(text) > 4 or not lo <= int(text) <= hi:
        raise RefusalError(f"year {text} must be from {lo} to {hi}")
    return text


def _pair(value: Any) -> Any:
    if not (isinstance(value, list) and len(value) == 2):
        raise RefusalError(f"must be [low, high]; got {_show(value)}")
    return value


def _said(value: str) -> str:
    if not value.strip():
        raise RefusalError("must not be empty")
    return value


_LO, _HI = YEARS
Year = Annotated[
    int,
    BeforeValidator(check_year),
    Field(ge=_LO, le=_HI, description=f"a calendar year, {_LO} to {_HI}"),
]
YearKey = Annotated[str, BeforeValidator(_year_key), Field(pattern=r"^[0-9]{4}$")]
Text = Annotated[str, AfterValidator(_said), Field(min_length=1)]
Range = Annotated[
    list[float],
    BeforeValidator(_pair),
    Field(min_length=2, max_length=2, description="[low, high]"),
]

UNIT = "the unit of the table's numbers"
SOURCE = (
    "where the numbers come from: keys of the record's sources (SOURCES.md) separated by "
    "'; ', or assumed, derived or calibrated"
)
WHY = "the reasoning: how the numbers were read, derived or judged"


class Table(BaseModel):
    """A TOML table: strict types, finite numbers, and no key the reader does not know."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)

    #: What an unknown key of this table is called in a message ("key", "table", "region").
    what: ClassVar[str] = "key"
    #: A message for an unknown key in place of the usual one ({key} is the key).
    unknown: ClassVar[str] = ""
    #: Advice for an unknown key that is close to no known one.
    otherwise: ClassVar[str] = ""
    #: Messages for missing keys, in place of "... is missing".
    missing: ClassVar[dict[str, str]] = {}
    #: Written inline (``values = { ... }``): named as a key of its table, not as a table.
    inline: ClassVar[bool] = False


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

FileName = Annotated[str, AfterValidator(_said), Field(description="a file in the folder")]


def _year_or_text(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise RefusalError(f"must be a whole number or text; got {_show(value)}")
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


# --- Validation and its one-line messages ----------------------------------------------------


def validate(doc: Mapping[str, Any], model: type[Table], path: Path | str) -> None:
    """Check a parsed TOML ``doc`` against ``model``; refuse it in one line naming ``path``.

    Raises
    ------
    InputFileError
        The first problem (an unknown key before any other, since a misspelt key also
        leaves a key missing): file, field path, what was expected and what was found.
    """
    try:
        model.model_validate(doc)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        extra = [e for e in errors if e["type"] == "extra_forbidden"]
        raise InputFileError(f"{path}: {_message((extra or errors)[0], model)}") from None


def _show(value: Any) -> str:
    text = repr(value)
    if isinstance(value, float) and math.isnan(value):
        text = "nan"
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _unwrap(annotation: Any) -> Any:
    """The type inside ``X | None`` and ``Annotated[X, ...]``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _node(annotation: Any) -> tuple[str, Any]:
    """How a field's value is addressed: a table, tables by name, an array of tables, a key."""
    inner = _unwrap(annotation)
    origin = get_origin(inner)
    if isinstance(inner, type) and issubclass(inner, Table):
        return ("model", inner)
    args = [_unwrap(a) for a in get_args(inner)]
    if origin is dict and isinstance(args[-1], type) and issubclass(args[-1], Table):
        return ("dict", args[-1])
    if origin is list and args and isinstance(args[0], type) and issubclass(args[0], Table):
        return ("list", args[0])
    return ("leaf", None)


def _walk(model: type[Table], loc: Sequence[int | str]) -> tuple[str, type[Table] | None]:
    """The TOML name of ``loc`` (``[policy.x] values.1928``) and the model it ends in."""
    head: list[str] = []
    keys: list[str] = []
    entry = 0
    node: tuple[str, Any] = ("model", model)
    for part in loc:
        kind, cls = node
        if kind == "model":
            field = cls.model_fields.get(str(part))
            node = _node(field.annotation) if field is not None else ("leaf", None)
        elif kind == "dict":
            node = ("model", cls)
        elif kind == "list":
            entry = int(part) + 1
            node = ("model", cls)
            continue
        table = node[0] in ("dict", "list") or (node[0] == "model" and not node[1].inline)
        if table and not keys and not entry:
            head.append(str(part))
        else:
            keys.append(str(part))
    name = ".".join(head)
    header = f"[[{name}]] #{entry}" if entry else (f"[{name}]" if head else "")
    owner = node[1] if node[0] == "model" else None
    return " ".join(x for x in (header, ".".join(keys)) if x), owner


_PHRASES = {
    "float_type": "must be a finite number",
    "finite_number": "must be a finite number",
    "int_type": "must be a whole number",
    "string_type": "must be text (a quoted string)",
    "bool_type": "must be true or false",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "list_type": "must be an array",
    "too_short": "must not be empty",
    "string_too_short": "must not be empty",
}


def _message(error: Mapping[str, Any], model: type[Table]) -> str:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        where, owner = _walk(model, loc[:-1])
        key = str(loc[-1])
        owner = owner or Table
        allowed = list(owner.model_fields)
        hint = did_you_mean(key, allowed) or (
            f" (known: {', '.join(sorted(allowed))}{owner.otherwise})"
        )
        if owner.unknown:
            return owner.unknown.format(key=key) + hint
        text = f"{key!r} is not a known {owner.what}{hint}"
        return f"{where}: {text}" if where else text
    if kind == "missing":
        where, owner = _walk(model, loc[:-1])
        key = str(loc[-1])
        if owner is not None and key in owner.missing:
            return f"{where} {owner.missing[key]}".strip()
        full, _ = _walk(model, loc)
        return f"{full} is missing"
    reason = (error.get("ctx") or {}).get("error")
    if isinstance(reason, RefusalError):
        if loc and loc[-1] == "[key]":  # a key of an inline table, such as a year
            where, _ = _walk(model, loc[:-2])
            return f"{where}: {reason}"
        where, _ = _walk(model, loc)
        return f"{where} {reason}".strip()
    where, _ = _walk(model, loc)
    if kind == "literal_error":
        phrase = f"must be one of {error['ctx']['expected']}"
    else:
        phrase = _PHRASES.get(kind, str(error["msg"]).replace("\n", " "))
    return f"{where} {phrase}; got {_show(error['input'])}".strip()

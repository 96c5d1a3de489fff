"""TOML tables checked by pydantic, refused in one line.

:class:`Table` is the base of the file models of :mod:`gosplan.scenarios.schema`: strict
types, finite numbers, no unknown key. :func:`validate` turns pydantic's report into the
one-line :class:`~gosplan.errors.InputFileError` of every other reader: the file, the field
path as TOML writes it (``[policy.heavy_share] values.1928``, ``[[products]] #2 id``), what
was expected and the value found. An unknown key is reported before anything else (a
misspelt key also leaves a key missing), with the nearest known one.
"""

from __future__ import annotations

import math
import types
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from gosplan.errors import InputFileError
from gosplan.scenarios.keys import did_you_mean
from gosplan.sim.spec import YEARS

__all__ = [
    "Range",
    "RefusalError",
    "Table",
    "Text",
    "Year",
    "YearKey",
    "check_year",
    "said",
    "show",
    "validate",
]

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
        raise RefusalError(f"must be [low, high]; got {show(value)}")
    return value


def said(value: str) -> str:
    """Text that says something (not empty, not only spaces)."""
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
Text = Annotated[str, AfterValidator(said), Field(min_length=1)]
Range = Annotated[
    list[float],
    BeforeValidator(_pair),
    Field(min_length=2, max_length=2, description="[low, high]"),
]


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


def show(value: Any) -> str:
    """``repr(value)`` for a message: ``nan`` plainly, long values cut short."""
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
    return f"{where} {phrase}; got {show(error['input'])}".strip()

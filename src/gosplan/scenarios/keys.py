"""Checks every TOML file gosplan reads shares: known keys, bounded nesting and integers.

A misspelt key must not be ignored (a misspelt table would otherwise give the baseline
without a word), so each reader declares the keys it knows and :func:`check_keys` refuses
the others, suggesting the nearest known one.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from gosplan.errors import InputFileError

__all__ = [
    "MAX_DEPTH",
    "MAX_TOML_BYTES",
    "check_doc",
    "check_keys",
    "did_you_mean",
    "finite_number",
]

#: Largest TOML file read, in bytes: TOML is for people (large data go in tables).
MAX_TOML_BYTES = 16 << 20
#: Deepest nesting of tables and arrays a TOML file may have (gosplan's files need 3).
MAX_DEPTH = 16
#: Integers in TOML must fit a signed 64-bit integer (TOML's own limit; Python has none).
_INT_LIMIT = 2**63
_MAX_CHOICES = 10_000


def finite_number(value: Any, where: str) -> float:
    """A TOML value that must be a finite number (an int too large for a float is not)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputFileError(f"{where} must be a finite number; got {value!r}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        shown = value if isinstance(value, float) else f"an integer of {len(str(value))} digits"
        raise InputFileError(f"{where} must be a finite number; got {shown!r}")
    return number


def did_you_mean(name: str, choices: Collection[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string.

    Long lists (a large economy's products) get no suggestion: the search would cost more
    than the error is worth.
    """
    if len(choices) > _MAX_CHOICES:
        return ""
    close = difflib.get_close_matches(name, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_keys(
    table: Mapping[str, Any],
    allowed: Collection[str],
    where: str,
    *,
    what: str = "key",
    otherwise: str = "",
) -> None:
    """Refuse a key of ``table`` that is not in ``allowed``, naming it and the closest one.

    ``where`` names file and table (``"scenario.toml: [plan]"``); ``otherwise`` is advice
    for a key that is close to none (where such keys belong, say).
    """
    for key in table:
        if key not in allowed:
            hint = did_you_mean(key, allowed) or (
                f" (known: {', '.join(sorted(allowed))}{otherwise})"
            )
            raise InputFileError(f"{where}: {key!r} is not a known {what}{hint}")


def _short(value: int) -> str:
    text = str(value)
    return text if len(text) <= 24 else f"{text[:12]}...({len(text)} digits)"


def check_doc(doc: Mapping[str, Any], path: Path) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` and integers beyond 64 bits.

    Walks without recursion, so that a hostile file cannot exhaust the stack here either.
    """
    stack: list[tuple[str, Any, int]] = [("", doc, 0)]
    while stack:
        where, value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise InputFileError(
                    f"{path}: {where or 'the document'} is nested more than {MAX_DEPTH} deep"
                )
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                name = f"{where}.{key}" if isinstance(key, str) and where else str(key)
                if isinstance(key, int):
                    name = f"{where}[{key}]"
                stack.append((name, item, depth + 1))
        elif isinstance(value, int) and not -_INT_LIMIT <= value < _INT_LIMIT:
            raise InputFileError(
                f"{path}: {where} must be an integer within 64 bits (|n| < 2^63); "
                f"got {_short(value)}"
            )

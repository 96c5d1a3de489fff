"""The state of a view: URL query <-> validated levers <-> ``gosplan run --set`` strings.

Every slider of the exhibit is one entry of :data:`SLIDERS` (a policy lever of the
simulator, acting on the First Five-Year Plan's years) or a parameter of the model in the
"assumptions" drawer (``p.NAME`` in the URL, ``param.NAME`` on the command line). A state
holds only the values that differ from the default, so the default view is the scenario as
it happened and its command has no ``--set`` at all. The same query string always gives the
same sets, in the same order, and so the same numbers.
"""

from __future__ import annotations

import math
import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode

from gosplan.errors import GosplanError
from gosplan.scenarios.simfiles import load_scenario
from gosplan.sim.levers import LEVERS

__all__ = [
    "ASSUMPTIONS",
    "SCENARIO",
    "SLIDERS",
    "YEARS",
    "Slider",
    "State",
    "StateError",
    "cli_command",
    "number",
    "parameter_info",
    "parse_count",
    "parse_number",
    "query_items",
]

#: The scenario every simulated showcase runs, and its years (the First Plan and the Second).
SCENARIO = "ussr-1928"
YEARS = (1928, 1937)
#: At most this many characters of query string are read (bounded work per request).
MAX_QUERY = 4000
#: At most this many characters in one value: any slider's value fits in far fewer.
MAX_VALUE = 32
#: A value as a form writes it: ASCII digits, an optional point, sign and exponent. Python's
#: ``float`` and ``int`` would also take other scripts' digits, underscores, spaces and
#: ``inf``; the URL is the view's identity, so one number has one spelling family only.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_COUNT = re.compile(r"[0-9]{1,9}")
#: Field names and values quoted in a message are cut to this many characters.
_SHOWN = 40

Kind = Literal["value", "scale", "switch"]


class StateError(GosplanError, ValueError):
    """A query parameter that is unknown or out of range; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        field = _clip(field)
        super().__init__(f"{field}: {message}")
        self.field = field


def _clip(text: str) -> str:
    """A visitor's text, cut short for a one-line message."""
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


@dataclass(frozen=True, slots=True)
class Slider:
    """One slider of the exhibit, mapped onto the simulator's policy levers."""

    key: str
    """Name in the URL query."""
    label: str
    """What the visitor reads next to it."""
    kind: Kind
    """``value``: the lever takes the slider's value in ``years``; ``scale``: the
    historical values of ``years`` are multiplied by it; ``switch``: 1 on, 0 off."""
    policies: tuple[str, ...]
    """Policy levers it sets (names of :data:`gosplan.sim.levers.LEVERS`)."""
    years: tuple[int, ...]
    """Years it sets, each with its own ``--set policy.NAME.YEAR=V``."""
    low: float
    high: float
    step: float
    default: float
    """At the default the lever keeps its historical values (no ``--set``)."""
    unit: str
    help: str


def _slider(
    key: str,
    label: str,
    kind: Kind,
    policies: tuple[str, ...],
    years: tuple[int, ...],
    bounds: tuple[float, float, float, float],
    unit: str,
    help_text: str,
) -> Slider:
    low, high, step, default = bounds
    return Slider(key, label, kind, policies, years, low, high, step, default, unit, help_text)


_PLAN = (1928, 1929, 1930, 1931, 1932)
#: Every slider of the exhibit, by URL key.
SLIDERS: dict[str, Slider] = {
    s.key: s
    for s in (
        _slider(
            "ambition", "Plan ambition", "value", ("plan_ambition",), (1928,),
            (0.5, 2.0, 0.05, 1.0), "× the plan's targets",
            "Multiplies every output target of the plan (1 = the plan as adopted).",
        ),
        _slider(
            "heavy_share", "Heavy industry's share of investment", "value", ("heavy_share",),
            (1928,), (0.3, 1.0, 0.05, 0.8), "share",
            "Share of industrial investment that goes to producer goods (group A).",
        ),
        _slider(
            "raised", "Raised targets of 1930 in force", "switch", ("plan_raised",),
            (1930, 1931, 1932), (0.0, 1.0, 1.0, 1.0), "on/off",
            "'The Five-Year Plan in four years': the XVI Congress raised the targets.",
        ),
        _slider(
            "collectivization", "Pace of collectivization", "scale",
            ("collectivization", "collectivization_peak"), _PLAN[1:],
            (0.0, 1.6, 0.05, 1.0), "× the historical pace",
            "Scales the share of households in kolkhozes (and the winter peak) 1929-32.",
        ),
        _slider(
            "dekulakization", "Dekulakization", "switch", ("dekulakization",), (1930, 1931),
            (0.0, 1.0, 1.0, 1.0), "on/off",
            "Deportation of 'kulak' families in 1930-31 (their households, animals, skills).",
        ),
        _slider(
            "tractors", "Tractor programme", "scale", ("tractor_programme",), _PLAN,
            (0.0, 3.0, 0.1, 1.0), "× the historical programme",
            "Tractors built or bought a year, replacing the horses that were lost.",
        ),
        _slider(
            "procurement", "Grain procurement quota, 1930-32", "value", ("procurement_share",),
            (1930, 1931, 1932), (0.05, 0.6, 0.01, 0.27), "share of the expected harvest",
            "What the state demanded of the harvest it expected (history: 0.27).",
        ),
        _slider(
            "exports", "Grain exports", "scale", ("grain_export_plan",), _PLAN,
            (0.0, 2.0, 0.05, 1.0), "× the Politburo's plan",
            "Grain sold abroad to pay for machines (4.8 mt in 1930, 5.1 in 1931, 1.7 in 1932).",
        ),
        _slider(
            "meat_kazakhstan", "Meat procurement in Kazakhstan", "scale",
            ("livestock_procurement_kazakhstan",), _PLAN[1:], (0.0, 2.0, 0.05, 1.0),
            "× the historical share", "Share of the nomads' herds the state took each year.",
        ),
        _slider(
            "private_plots", "A cow and a plot for kolkhoz families from the start", "switch",
            ("private_plots",), (1928, 1933, 1934), (0.0, 1.0, 1.0, 0.0), "on/off",
            "Allowed by the 1930 Model Statute but often not respected until the 1935 "
            "Statute; on, kolkhoz families keep animals of their own from the start.",
        ),
        _slider(
            "seed_first", "Seed set aside before deliveries, 1930-32", "switch",
            ("seed_before_deliveries",), (1930,), (0.0, 1.0, 1.0, 0.0), "on/off",
            "Historically seed was formed after the state's deliveries until 1933.",
        ),
        _slider(
            "relief", "Famine relief from 1932", "value", ("famine_relief",), (1932, 1933),
            (0.0, 1.0, 0.05, 0.1), "share of the state's grain stock",
            "Grain returned to hungry villages (history: small and late, about a tenth).",
        ),
        _slider(
            "flight_ban", "Ban on peasant flight from January 1933", "switch", ("flight_ban",),
            (1933,), (0.0, 1.0, 1.0, 1.0), "on/off",
            "Passports and the directive of 22 January 1933 kept the starving in their villages.",
        ),
    )
}

#: Parameters in each showcase's "assumptions" drawer (``p.NAME`` in the URL).
ASSUMPTIONS: dict[str, tuple[str, ...]] = {
    "industrialization": (
        "capital_output_ratio", "spread_penalty", "completion_rate", "utilisation_max",
    ),
    "collectivization": (
        "kolkhoz_output_loss", "procurement_disincentive",
        "kulak_skill_loss",
    ),
    "livestock": ("slaughter_scale", "fodder_loss_scale", "kolkhoz_neglect", "draught_elasticity"),
    "famine": ("famine_threshold", "famine_max_rate", "flight_ban_mortality", "rural_food_floor"),
}
_PARAMS = frozenset(p for names in ASSUMPTIONS.values() for p in names)


@cache
def _scenario_tables() -> tuple[dict[str, dict[str, float]], dict[str, dict[int, float]]]:
    """Parameters (value, low, high) and historical lever values by year, read once."""
    scenario = load_scenario(SCENARIO)
    params = {
        name: {
            "value": float(table["value"]),
            "low": float(table["range"][0]),
            "high": float(table["range"][1]),
        }
        for name, table in scenario.parameters.items()
    }
    policy = scenario.spec.policy
    levers = {
        name: {y: float(v) for y, v in zip(policy.years, values.tolist(), strict=True)}
        for name, values in policy.levers.items()
    }
    return params, levers


def parameter_info(name: str) -> dict[str, Any]:
    """A parameter's table from the scenario's parameters file (value, kind, range, why)."""
    table = dict(load_scenario(SCENARIO).parameters[name])
    return {k: table.get(k) for k in ("value", "kind", "range", "unit", "why", "source")}


def number(text: str) -> str:
    """A value as the URL and the command line write it: at most six significant digits."""
    value = float(text)
    return "0" if value == 0 else f"{value:.6g}"


def parse_number(field: str, raw: str, low: float, high: float) -> float:
    """A query value as a finite number in ``[low, high]``, rounded as :func:`number` does.

    Raises
    ------
    StateError
        Not a decimal number in ASCII digits of at most :data:`MAX_VALUE` characters, or
        outside the range.
    """
    if len(raw) > MAX_VALUE:
        raise StateError(field, f"a number of at most {MAX_VALUE} characters is expected; "
                                f"got {len(raw)} characters")
    if not _DECIMAL.fullmatch(raw):
        raise StateError(field, f"{_clip(raw)!r} is not a number written with the digits 0-9")
    value = float(raw)
    if not math.isfinite(value):
        raise StateError(field, f"{raw!r} is not a finite number")
    value = float(number(raw))
    if not low <= value <= high:
        raise StateError(field, f"{value:g} is outside {low:g}–{high:g}")
    return value


def parse_count(field: str, raw: str, low: int, high: int) -> int:
    """A query value as a whole number in ``[low, high]`` (ASCII digits only).

    Raises
    ------
    StateError
        Not a whole number in ASCII digits (at most nine), or outside the range.
    """
    if len(raw) > 9 and raw.isascii() and raw.isdigit():
        raise StateError(field, f"a whole number of at most 9 digits is expected; "
                                f"got {len(raw)} digits")
    if not _COUNT.fullmatch(raw):
        raise StateError(field, f"{_clip(raw)!r} is not a whole number written with the "
                                "digits 0-9")
    count = int(raw)
    if not low <= count <= high:
        raise StateError(field, f"{count} is outside {low}–{high}")
    return count


def query_items(query: str) -> list[tuple[str, str]]:
    """A raw query string's items, refused before it is parsed when it is too long.

    Raises
    ------
    StateError
        The query string is longer than :data:`MAX_QUERY` characters.
    """
    if len(query) > MAX_QUERY:
        raise StateError("query", f"longer than {MAX_QUERY} characters")
    return parse_qsl(query, keep_blank_values=True)


@dataclass(frozen=True, slots=True)
class State:
    """Validated slider values that differ from their defaults, in a canonical order."""

    levers: tuple[tuple[str, float], ...] = ()
    params: tuple[tuple[str, float], ...] = ()

    @classmethod
    def parse(cls, items: Iterable[tuple[str, str]]) -> State:
        """Validate query items; unknown keys, repeats and out-of-range values are errors."""
        params_table, _ = _scenario_tables()
        levers: dict[str, float] = {}
        params: dict[str, float] = {}
        seen: set[str] = set()
        for key, raw in items:
            if key in seen:
                raise StateError(key, "given more than once")
            seen.add(key)
            if key in SLIDERS:
                s = SLIDERS[key]
                value = parse_number(key, raw, s.low, s.high)
                if s.kind == "switch" and value not in (0.0, 1.0):
                    raise StateError(key, f"{value:g} is neither 0 (off) nor 1 (on)")
                if value != s.default:
                    levers[key] = value
            elif key.startswith("p.") and key[2:] in _PARAMS:
                t = params_table[key[2:]]
                value = parse_number(key, raw, t["low"], t["high"])
                if value != float(number(str(t["value"]))):
                    params[key[2:]] = value
            else:
                raise StateError(key, "is not a lever of the exhibit")
        return cls(
            levers=tuple((k, levers[k]) for k in SLIDERS if k in levers),
            params=tuple((k, params[k]) for k in sorted(params)),
        )

    @classmethod
    def from_query(cls, query: Mapping[str, str] | Iterable[tuple[str, str]]) -> State:
        """From a request's query items (a mapping or a list of pairs)."""
        items = list(query.items()) if isinstance(query, Mapping) else list(query)
        if sum(len(k) + len(v) + 2 for k, v in items) > MAX_QUERY:
            raise StateError("query", f"longer than {MAX_QUERY} characters")
        return cls.parse(items)

    def value(self, key: str) -> float:
        """The slider's value (its default when the state does not change it)."""
        if key in SLIDERS:
            return dict(self.levers).get(key, SLIDERS[key].default)
        params_table, _ = _scenario_tables()
        return dict(self.params).get(key, float(number(str(params_table[key]["value"]))))

    @property
    def is_default(self) -> bool:
        """Whether this is the scenario as it happened."""
        return not self.levers and not self.params

    def query(self) -> str:
        """The canonical query string (empty for the default state)."""
        pairs = [(k, number(str(v))) for k, v in self.levers]
        pairs += [(f"p.{k}", number(str(v))) for k, v in self.params]
        return urlencode(pairs)

    def sets(self) -> tuple[str, ...]:
        """The ``--set`` strings that give the simulator this state."""
        _, history = _scenario_tables()
        out: list[str] = []
        for key, value in self.levers:
            s = SLIDERS[key]
            for policy in s.policies:
                lo, hi, _ = LEVERS[policy]
                for year in s.years:
                    v = value
                    if s.kind == "scale":
                        v = min(max(history[policy][year] * value, lo), hi)
                    out.append(f"policy.{policy}.{year}={number(repr(v))}")
        out += [f"param.{k}={number(repr(v))}" for k, v in self.params]
        return tuple(out)


def cli_command(state: State) -> str:
    """The ``gosplan run`` command that reproduces the state's numbers."""
    parts = ["gosplan", "run", SCENARIO, "--years", f"{YEARS[0]}:{YEARS[1]}"]
    for item in state.sets():
        parts += ["--set", item]
    return " ".join(shlex.quote(p) for p in parts)

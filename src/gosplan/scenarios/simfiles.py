"""Scenario files -> the simulator's :class:`~gosplan.sim.spec.SimSpec`.

A scenario is a TOML file (``scenario.toml``) naming its economy, its parameters file and
its policies; a counterfactual is a TOML file with ``base = "<scenario>"`` that changes
policies only. ``--set`` overrides are applied last and checked like the files.

A policy's values hold from the year given until the next year given, never before: a
counterfactual's table replaces its base's from the counterfactual's first year on, and a
``--set`` for one year changes that year (and the years after it that the file gives no
value for). Every key of every file must be known; every year must lie in
:data:`~gosplan.sim.spec.YEARS`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gosplan.core.economy import Economy
from gosplan.errors import InputFileError
from gosplan.scenarios.builtin import builtin_path
from gosplan.scenarios.keys import did_you_mean
from gosplan.scenarios.loader import read_checked, read_economy
from gosplan.scenarios.memo import Memo, stamp
from gosplan.scenarios.references import (
    builtin_scenarios,
    check_sequence,
    display,
    layers,
    merged,
    resolve,
    resolve_ref,
    scenario_years,
    whole_year,
)
from gosplan.scenarios.schema import KINDS, ParametersFile
from gosplan.scenarios.tables import read_table
from gosplan.sim.levers import DEFAULTS, LEVERS
from gosplan.sim.spec import INDUSTRY, REGIONS, SPECIES, YEARS, Initial, Params, Policy, SimSpec

__all__ = [
    "KINDS",
    "Scenario",
    "builtin_scenarios",
    "check_set_years",
    "load_scenario",
    "parse_set",
]



@dataclass(frozen=True, slots=True, eq=False)
class Scenario:
    """A loaded scenario: the simulator's spec plus everything needed to explain it."""

    spec: SimSpec
    title: str
    description: str
    path: Path
    parameters: dict[str, dict[str, Any]]
    """Each parameter's table from parameters.toml (value, kind, source, why, range)."""
    policies: dict[str, dict[str, Any]]
    """Each policy's table (values by year, unit, source, why), after overrides."""
    overrides: tuple[str, ...] = ()
    base: str | None = None
    """The scenario a counterfactual changes (a built-in name or a file's path)."""
    start_from: str | None = None
    """The scenario whose simulated end this one starts from."""
    continues_with: str | None = None
    """The scenario that carries this one on past its last year."""
    own_policies: dict[str, Any] = field(default_factory=dict)
    """The policy tables a counterfactual changes (carried into its continuation)."""
    extra: dict[str, Any] = field(default_factory=dict)
    parameters_path: Path | None = None
    """The parameters file read (a counterfactual reads its base's unless it names one)."""


def _params(path: Path) -> dict[str, dict[str, Any]]:
    return read_checked(path, ParametersFile)


def _year_values(table: Mapping[str, Any]) -> dict[int, float]:
    """A policy's ``values`` by year, sorted (the years and values were checked on reading)."""
    return dict(sorted((int(str(k)), float(v)) for k, v in table["values"].items()))


def _check_lever(name: str, value: float, where: str) -> None:
    lo, hi, what = LEVERS[name]
    if not lo <= value <= hi:
        raise InputFileError(f"{where} must be in [{lo:g}, {hi:g}] ({what}); got {value:g}")


def _overlay(under: Mapping[str, Any] | None, over: Mapping[str, Any]) -> dict[str, Any]:
    """``over``'s policy table on top of ``under``'s: ``over`` rules from its first year on.

    The years before keep ``under``'s values, so a value is never carried backwards.
    """
    values = over.get("values")
    if under is None or not isinstance(values, dict) or not values:
        return dict(over)
    # Both tables' years were checked when their files were read.
    start = min(int(str(y)) for y in values)
    kept = {y: v for y, v in (under.get("values") or {}).items() if int(str(y)) < start}
    return {**over, "values": {**kept, **values}}


def _policy(
    policies: Mapping[str, Any], origin: Mapping[str, str], years: range, where: str
) -> Policy:
    levers = {}
    for name in LEVERS:
        table = policies.get(name)
        if table is None:
            if name not in DEFAULTS:
                raise InputFileError(f"{where}: [policy.{name}] is missing")
            levers[name] = np.full(len(years), DEFAULTS[name])
            continue
        at = f"{origin.get(name, where)}: [policy.{name}]"
        by_year = _year_values(table)
        start = min(by_year)
        if start > years[0]:
            if name not in DEFAULTS:
                raise InputFileError(
                    f"{at} values start in {start}, after first_year {years[0]}: a value "
                    f"holds from its year on, never before; give one for {years[0]}"
                )
            by_year = {years[0]: DEFAULTS[name], **by_year}
        # The value in force in the first year is the last one given on or before it (a
        # table carried into a continuation may start years earlier).
        series, current = [], by_year[max(y for y in by_year if y <= years[0])]
        for year in years:
            current = by_year.get(year, current)
            series.append(current)
        levers[name] = np.asarray(series)
    return Policy(years=tuple(years), levers=levers)


def _regional(table: Mapping[str, Any]) -> np.ndarray:
    return np.array([float(table[r]) for r in REGIONS])


def _initial(doc: Mapping[str, Any], economy: Economy) -> Initial:
    """The starting state of a scenario file's [initial] tables (checked on reading)."""
    ini = doc["initial"]

    def scalar(key: str) -> float:
        return float(ini[key]["value"])

    capacity = np.array([economy.capacity[economy.index(pid)] for pid in INDUSTRY])
    return Initial(
        rural=_regional(ini["rural"]["values"]),
        urban=_regional(ini["urban"]["values"]),
        households=_regional(ini["households"]["values"]),
        sown_area=_regional(ini["sown_area"]["values"]),
        herds=np.array([_regional(ini["herds"][s]) for s in SPECIES]),
        tractors=scalar("tractors"),
        capacity=capacity,
        unfinished=scalar("unfinished") * capacity,
        grain_reserve=scalar("grain_reserve"),
        special_settlers=scalar("special_settlers"),
        employment=scalar("employment"),
    )


#: Built-in economies a scenario may name instead of a folder.
def _builtin_economies() -> list[str]:
    root = builtin_path().parent
    return sorted(p.parent.name for p in root.glob("*/economy.toml"))


def _economy(value: Any, origin: Path) -> tuple[Economy, Path]:
    """The economy a scenario names: a folder beside its file, or a built-in economy.

    The simulator needs the industrial products and grain, with finite capacities.
    """
    where = f"{origin}: [scenario] economy"
    if not isinstance(value, str) or not value.strip():
        raise InputFileError(f"{where} must name an economy folder; got {value!r}")
    beside = origin.parent / value
    builtins = _builtin_economies()
    if beside.is_dir():
        folder = beside
    elif value in builtins:
        folder = builtin_path(value)
    else:
        raise InputFileError(
            f"{where} {value!r} is neither a folder ({beside} not found) nor a built-in "
            f"economy ({', '.join(builtins)})"
        )
    economy = read_economy(folder)
    for pid in (*INDUSTRY, "grain"):
        if not economy.has(pid):
            raise InputFileError(
                f"{where} {value!r} lacks product {pid!r}; the simulator needs "
                f"{', '.join((*INDUSTRY, 'grain'))}"
            )
    for pid in INDUSTRY:
        cap = float(economy.capacity[economy.index(pid)])
        if not (math.isfinite(cap) and cap > 0):
            raise InputFileError(
                f"{where} {value!r}: the capacity of {pid!r} must be a finite number > 0 "
                f"(the simulator starts from it); got {cap!r}"
            )
    return economy, folder


# Read only, never changed: shared as they are.
_PLAN_TABLES: Memo[Hashable, dict[str, tuple[tuple[str, float], ...]]] = Memo(8)


def _plan_variants(path: Path) -> dict[str, tuple[tuple[str, float], ...]]:
    """The plan's target table: each variant's (product, gross output) rows, in file order.

    A product given twice in one variant is an error (the result would depend on the order
    of the rows).
    """
    cols = read_table(path, [("variant", "id"), ("product", "id"), ("gross_output", "number")])
    out: dict[str, dict[str, float]] = {}
    for row, (variant, product, value) in enumerate(
        zip(cols["variant"], cols["product"], cols["gross_output"], strict=True), start=1
    ):
        rows = out.setdefault(str(variant), {})
        if str(product) in rows:
            raise InputFileError(
                f"{path}: row {row}, product {str(product)!r} repeats an earlier row of "
                f"variant {str(variant)!r}"
            )
        rows[str(product)] = float(value)
    return {k: tuple(v.items()) for k, v in out.items()}


def _targets(
    economy: Economy, folder: Path, plan: Mapping[str, Any], origin: Mapping[str, Path]
) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray], np.ndarray]:
    path = folder / "plan_targets.csv"
    variants = _PLAN_TABLES.get(stamp([path]), lambda: _plan_variants(path))
    A = economy.A.toarray()

    def where(key: str) -> str:
        return f"{origin.get(key, '<scenario>')}: [plan] {key}"

    def gross(key: str, fallback: np.ndarray | None) -> np.ndarray:
        variant = plan.get(key)
        if not isinstance(variant, str) or not variant:
            raise InputFileError(f"{where(key)} must name a variant of {path}; got {variant!r}")
        rows = variants.get(variant)
        if not rows:
            hint = did_you_mean(variant, variants)
            raise InputFileError(f"{where(key)} {variant!r} is not in {path}{hint}")
        x = np.full(economy.n, np.nan) if fallback is None else fallback.copy()
        for product, value in rows:
            if not economy.has(product):
                raise InputFileError(
                    f"{path}: product {product!r} of variant {variant!r} is not a product "
                    f"of the economy{did_you_mean(product, economy.products.tolist())}"
                )
            x[economy.index(product)] = value
        if np.isnan(x).any():  # a product the variant (and its fallback) gives no target
            raise InputFileError(
                f"{where(key)} {variant!r} lacks a target for "
                f"{economy.products[int(np.flatnonzero(np.isnan(x))[0])]!r} in {path}"
            )
        return x

    year = whole_year(plan.get("target_year"), where("target_year"))
    fallback = gross("fallback_variant", None) if plan.get("fallback_variant") else None
    x_T = gross("variant", fallback)
    base = gross("base_variant", None)
    targets = {year: x_T - A @ x_T}
    raised = {}
    if plan.get("raised_variant"):
        x_R = np.maximum(gross("raised_variant", x_T), x_T)
        raised[year] = x_R - A @ x_R
    return targets, raised, base - A @ base


def parse_set(item: str) -> tuple[list[str], float]:
    """Split ``--set`` ``key=value`` into the key's parts and the number."""
    key, sep, raw = item.partition("=")
    if not sep or not key.strip():
        raise InputFileError(f"--set {item!r}: must be key=value, e.g. policy.heavy_share=0.6")
    try:
        value = float(raw)
    except ValueError:
        lowered = raw.strip().lower()
        if lowered not in ("true", "false", "on", "off"):
            raise InputFileError(f"--set {key}: value must be a number; got {raw!r}") from None
        value = 1.0 if lowered in ("true", "on") else 0.0
    if not math.isfinite(value):
        raise InputFileError(f"--set {key}: value must be a finite number; got {raw!r}")
    return key.strip().split("."), value


def _set_year(item: str, parts: Sequence[str]) -> int | None:
    """The year of a ``policy.NAME.YEAR`` item (None for one without a year), bounded."""
    if not (parts[0] == "policy" and len(parts) == 3):
        return None
    text = parts[2].strip()
    if not text.isdigit():
        raise InputFileError(f"--set {'.'.join(parts)}: {parts[2]!r} is not a year")
    lo, hi = YEARS
    year = int(text) if len(text) < 8 else hi + 1
    if not lo <= year <= hi:
        raise InputFileError(
            f"--set {item}: year must be from {lo} to {hi}; got {text}"
        )
    return year


def check_set_years(sets: Sequence[str], first: int, last: int) -> None:
    """Refuse a ``--set policy.NAME.YEAR`` for a year the run does not simulate.

    Such an item would change nothing and say nothing.
    """
    for item in sets:
        parts, _ = parse_set(item)
        year = _set_year(item, parts)
        if year is not None and not first <= year <= last:
            raise InputFileError(
                f"--set {item}: {year} is outside the years this run simulates "
                f"({first}:{last})"
            )


def _apply_sets(
    params: dict[str, dict[str, Any]],
    policies: dict[str, Any],
    sets: Sequence[str],
    first: int,
) -> None:
    for item in sets:
        parts, value = parse_set(item)
        head = parts[0]
        if head in ("param", "parameter", "parameters") and len(parts) == 2:
            name = parts[1]
            if name not in params:
                raise InputFileError(
                    f"--set {'.'.join(parts)}: unknown parameter {name!r}"
                    f"{did_you_mean(name, params)}"
                )
            lo, hi = params[name]["range"]
            if not lo <= value <= hi:
                raise InputFileError(
                    f"--set {'.'.join(parts)}: must be in [{lo:g}, {hi:g}] "
                    f"({params[name].get('unit', '')}); got {value:g}"
                )
            params[name] = {**params[name], "value": value}
        elif head == "policy" and len(parts) in (2, 3):
            name = parts[1]
            if name not in LEVERS:
                hint = did_you_mean(name, LEVERS) or f" (policies: {', '.join(sorted(LEVERS))})"
                raise InputFileError(f"--set {'.'.join(parts)}: unknown policy {name!r}{hint}")
            _check_lever(name, value, f"--set {'.'.join(parts)}")
            year = _set_year(item, parts)
            table = dict(policies.get(name) or {"values": {}})
            values = dict(table.get("values") or {})
            if year is not None:
                # One year changes; the years after it that the file gives keep theirs.
                values = {k: v for k, v in values.items() if str(k).strip() != str(year)}
                values[str(year)] = value
            else:
                keys = [int(str(k)) for k in values if str(k).strip().isdigit()]
                values = {str(min([first, *keys])): value}
            policies[name] = {**table, "values": values, "source": "--set"}
        else:
            raise InputFileError(
                f"--set {'.'.join(parts)}: unknown key (use policy.NAME, "
                "policy.NAME.YEAR or param.NAME)"
            )


def load_scenario(
    name: str | Path,
    sets: Sequence[str] = (),
    *,
    carried: Mapping[str, Any] | None = None,
) -> Scenario:
    """Load a built-in scenario by name, or a scenario file, with ``--set`` overrides.

    ``carried`` are policy tables a counterfactual carries on into the scenario that
    continues it (each rules from its first year on, holding its last value into the later
    years).
    """
    path = resolve(name)
    parts = layers(path)
    root = parts[0]
    meta, meta_origin = merged(parts, "scenario")
    plan, plan_origin = merged(parts, "plan")
    years = scenario_years(meta, meta_origin, path)
    check_sequence(path, meta, meta_origin)
    first, last = years[0], years[-1]

    policies: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for layer in parts:
        for key, table in (layer.doc.get("policy") or {}).items():
            policies[key] = _overlay(policies.get(key), table)
            origin[key] = str(layer.path)
    own = {key: policies[key] for key in origin if origin[key] != str(root.path)}
    for key, table in (carried or {}).items():
        policies[key] = _overlay(policies.get(key), table)
        origin[key] = f"{path} (carried from a counterfactual)"

    economy, folder = _economy(meta.get("economy", "example"), meta_origin.get("economy", path))
    parameters_path = (
        meta_origin.get("parameters", root.path).parent
        / str(meta.get("parameters", "parameters.toml"))
    ).resolve()
    params = _params(parameters_path)
    _apply_sets(params, policies, sets, first)
    for item in sets:
        parts_, _ = parse_set(item)
        if parts_[0] == "policy":
            origin[parts_[1]] = "--set"
    listed = [
        int(str(y))
        for t in policies.values()
        if isinstance(t, dict) and isinstance(t.get("values"), dict)
        for y in t["values"]
        if str(y).strip().isdigit()
    ]
    # One year past the last: the simulator looks a year ahead (the next sowing, say).
    policy_years = range(first, max([last + 1, *listed]) + 1)
    policy = _policy(policies, origin, policy_years, str(root.path))
    targets, raised, base_final = _targets(economy, folder, plan, plan_origin)
    # A scenario that starts from another's simulated end takes its state from that run;
    # the predecessor's initial values stand in until then.
    start_from = meta.get("start_from") or None
    initial_layer = root
    if start_from:
        start_path = resolve_ref(start_from, meta_origin["start_from"], "[scenario] start_from")
        initial_layer = layers(start_path)[0]
    spec = SimSpec(
        name=str(meta.get("name", path.stem)),
        economy=economy,
        years=tuple(years),
        initial=_initial(initial_layer.doc, economy),
        params=Params({k: float(v["value"]) for k, v in params.items()}),
        policy=policy,
        targets=targets,
        raised_targets=raised,
        base_final_demand=base_final,
    )

    def ref(key: str) -> str | None:
        value = meta.get(key)
        if not value:
            return None
        return display(resolve_ref(value, meta_origin[key], f"[scenario] {key}"))

    return Scenario(
        spec=spec,
        title=str(meta.get("title", spec.name)),
        description=str(meta.get("description", "")),
        path=path,
        parameters=params,
        policies=policies,
        overrides=tuple(sets),
        own_policies=own,
        base=display(parts[-2].path) if len(parts) > 1 else None,
        start_from=ref("start_from"),
        continues_with=ref("continues_with"),
        parameters_path=parameters_path,
    )

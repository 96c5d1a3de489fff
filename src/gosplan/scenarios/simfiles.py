"""Scenario files -> the simulator's :class:`~gosplan.sim.spec.SimSpec`.

A scenario is a TOML file (``scenario.toml``) naming its economy, its parameters file and
its policies; a counterfactual is a TOML file with ``base = "<scenario>"`` that changes
policies only. ``--set`` overrides are applied last and checked like the files.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gosplan.core.economy import Economy
from gosplan.errors import InputFileError
from gosplan.scenarios.builtin import builtin_path
from gosplan.scenarios.loader import read_economy, read_toml
from gosplan.scenarios.memo import Memo, stamp
from gosplan.sim.levers import DEFAULTS, LEVERS, PARAMETERS
from gosplan.sim.spec import INDUSTRY, REGIONS, SPECIES, Initial, Params, Policy, SimSpec

__all__ = ["KINDS", "Scenario", "builtin_scenarios", "load_scenario", "parse_set"]

KINDS = ("sourced", "derived", "assumed", "calibrated")
_BUILTIN = {"ussr-1928": "ussr_1928/scenario.toml", "ussr-1933": "ussr_1933/scenario.toml"}


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
    """The scenario a counterfactual changes."""
    start_from: str | None = None
    """The scenario whose simulated end this one starts from."""
    continues_with: str | None = None
    """The scenario that carries this one on past its last year."""
    own_policies: dict[str, Any] = field(default_factory=dict)
    """The policy tables a counterfactual changes (carried into its continuation)."""
    extra: dict[str, Any] = field(default_factory=dict)


def builtin_scenarios() -> dict[str, Path]:
    """Built-in scenario names and their files (scenarios and counterfactuals)."""
    out = {name: builtin_path().parent / rel for name, rel in _BUILTIN.items()}
    for path in sorted((builtin_path().parent / "counterfactuals").glob("*.toml")):
        out[path.stem] = path
    return {k: v for k, v in out.items() if v.is_file()}


def _resolve(name: str | Path) -> Path:
    known = builtin_scenarios()
    if isinstance(name, str) and name in known:
        return known[name]
    path = Path(name)
    if path.is_dir():
        path = path / "scenario.toml"
    if not path.is_file():
        raise InputFileError(f"{name}: no such scenario (built-in: {', '.join(sorted(known))})")
    return path


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        raise InputFileError(f"{where} must be a finite number; got {value!r}")
    return float(value)


def _params(path: Path) -> dict[str, dict[str, Any]]:
    doc = read_toml(path)
    unknown = sorted(set(doc) - PARAMETERS)
    if unknown:
        raise InputFileError(f"{path}: [{unknown[0]}] is not a parameter of the model")
    missing = sorted(PARAMETERS - set(doc))
    if missing:
        raise InputFileError(f"{path}: [{missing[0]}] is missing (the model needs it)")
    for name, table in doc.items():
        where = f"{path}: [{name}]"
        if not isinstance(table, dict):
            raise InputFileError(f"{where} must be a table; got {table!r}")
        value = _number(table.get("value"), f"{where} value")
        if table.get("kind") not in KINDS:
            raise InputFileError(
                f"{where} kind must be one of {', '.join(KINDS)}; got {table.get('kind')!r}"
            )
        if not str(table.get("why", "")).strip() and table["kind"] != "sourced":
            raise InputFileError(
                f"{where} why must give the reasoning for a {table['kind']} number"
            )
        if table["kind"] == "sourced" and not table.get("source"):
            raise InputFileError(f"{where} source must name where a sourced number comes from")
        lo_hi = table.get("range")
        if not (isinstance(lo_hi, list) and len(lo_hi) == 2):
            raise InputFileError(f"{where} range must be [low, high]; got {lo_hi!r}")
        lo, hi = (_number(x, f"{where} range") for x in lo_hi)
        if not lo <= value <= hi:
            raise InputFileError(f"{where} value {value!r} is outside its range [{lo}, {hi}]")
    return doc


def _year_values(table: Mapping[str, Any], where: str) -> dict[int, float]:
    values = table.get("values")
    if not isinstance(values, dict) or not values:
        raise InputFileError(f"{where} values must be a table {{year = value}}; got {values!r}")
    out = {}
    for key, value in values.items():
        try:
            year = int(key)
        except ValueError:
            raise InputFileError(f"{where} values: {key!r} is not a year") from None
        out[year] = _number(value, f"{where} values.{key}")
    return out


def _check_lever(name: str, value: float, where: str) -> None:
    lo, hi, what = LEVERS[name]
    if not lo <= value <= hi:
        raise InputFileError(f"{where} must be in [{lo:g}, {hi:g}] ({what}); got {value:g}")


def _policy(policies: Mapping[str, Any], years: range, where: str) -> Policy:
    levers = {}
    for name in LEVERS:
        table = policies.get(name)
        if table is None:
            if name not in DEFAULTS:
                raise InputFileError(f"{where}: [policy.{name}] is missing")
            levers[name] = np.full(len(years), DEFAULTS[name])
            continue
        by_year = _year_values(table, f"{where}: [policy.{name}]")
        series, current = [], by_year[min(by_year)]
        for year in years:
            current = by_year.get(year, current)
            _check_lever(name, current, f"{where}: [policy.{name}] {year}")
            series.append(current)
        levers[name] = np.asarray(series)
    return Policy(years=tuple(years), levers=levers)


def _regional(table: Any, where: str) -> np.ndarray:
    if not isinstance(table, dict):
        raise InputFileError(f"{where} must be a table of regions; got {table!r}")
    try:
        return np.array([_number(table[r], f"{where}.{r}") for r in REGIONS])
    except KeyError as exc:
        raise InputFileError(f"{where}: region {exc.args[0]!r} is missing") from None


def _initial(doc: Mapping[str, Any], economy: Economy, where: str) -> Initial:
    ini = doc.get("initial")
    if not isinstance(ini, dict):
        raise InputFileError(f"{where}: [initial] must be a table")

    def table(key: str) -> dict[str, Any]:
        value = ini.get(key)
        if not isinstance(value, dict):
            raise InputFileError(f"{where}: [initial.{key}] is missing")
        return value

    def scalar(key: str) -> float:
        return _number(table(key).get("value"), f"{where}: [initial.{key}] value")

    capacity = np.array([economy.capacity[economy.index(pid)] for pid in INDUSTRY])
    herds = np.array(
        [_regional(table("herds").get(s), f"{where}: [initial.herds] {s}") for s in SPECIES]
    )
    return Initial(
        rural=_regional(table("rural").get("values"), f"{where}: [initial.rural] values"),
        urban=_regional(table("urban").get("values"), f"{where}: [initial.urban] values"),
        households=_regional(
            table("households").get("values"), f"{where}: [initial.households] values"
        ),
        sown_area=_regional(
            table("sown_area").get("values"), f"{where}: [initial.sown_area] values"
        ),
        herds=herds,
        tractors=scalar("tractors"),
        capacity=capacity,
        unfinished=scalar("unfinished") * capacity,
        grain_reserve=scalar("grain_reserve"),
        special_settlers=scalar("special_settlers"),
        employment=scalar("employment"),
    )


# Read only, never changed: shared as they are.
_PLAN_TABLES: Memo[Hashable, dict[str, tuple[tuple[str, float], ...]]] = Memo(8)


def _plan_variants(path: Path) -> dict[str, tuple[tuple[str, float], ...]]:
    """The plan's target table: each variant's (product, gross output) rows, in file order."""
    table = pd.read_csv(path)
    out: dict[str, list[tuple[str, float]]] = {}
    for variant, product, value in zip(
        table["variant"], table["product"], table["gross_output"], strict=True
    ):
        out.setdefault(str(variant), []).append((str(product), float(value)))
    return {k: tuple(v) for k, v in out.items()}


def _targets(
    economy: Economy, folder: Path, plan: Mapping[str, Any], where: str
) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray], np.ndarray]:
    path = folder / "plan_targets.csv"
    variants = _PLAN_TABLES.get(stamp([path]), lambda: _plan_variants(path))
    A = economy.A.toarray()

    def gross(variant: str, fallback: np.ndarray | None) -> np.ndarray:
        rows = variants.get(variant)
        if not rows:
            raise InputFileError(f"{where}: [plan] variant {variant!r} is not in plan_targets.csv")
        x = np.full(economy.n, np.nan) if fallback is None else fallback.copy()
        for product, value in rows:
            x[economy.index(product)] = value
        if np.isnan(x).any():  # a product the variant (and its fallback) gives no target
            raise InputFileError(
                f"{where}: [plan] variant {variant!r} lacks a target for "
                f"{economy.products[int(np.flatnonzero(np.isnan(x))[0])]!r}"
            )
        return x

    year = int(_number(plan.get("target_year"), f"{where}: [plan] target_year"))
    fallback = gross(str(plan["fallback_variant"]), None) if plan.get("fallback_variant") else None
    x_T = gross(str(plan.get("variant")), fallback)
    base = gross(str(plan.get("base_variant")), None)
    targets = {year: x_T - A @ x_T}
    raised = {}
    if plan.get("raised_variant"):
        x_R = np.maximum(gross(str(plan["raised_variant"]), x_T), x_T)
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
    return key.strip().split("."), value


def _apply_sets(
    params: dict[str, dict[str, Any]], policies: dict[str, Any], sets: Sequence[str]
) -> None:
    for item in sets:
        parts, value = parse_set(item)
        head = parts[0]
        if head in ("param", "parameter", "parameters") and len(parts) == 2:
            name = parts[1]
            if name not in params:
                raise InputFileError(f"--set {'.'.join(parts)}: unknown parameter {name!r}")
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
                raise InputFileError(
                    f"--set {'.'.join(parts)}: unknown policy {name!r} "
                    f"(policies: {', '.join(sorted(LEVERS))})"
                )
            _check_lever(name, value, f"--set {'.'.join(parts)}")
            table = dict(policies.get(name) or {"values": {}})
            values = dict(table.get("values", {}))
            if len(parts) == 3:
                if not parts[2].isdigit():
                    raise InputFileError(f"--set {'.'.join(parts)}: {parts[2]!r} is not a year")
                values[parts[2]] = value
            else:
                values = {str(min(int(k) for k in values) if values else 1900): value}
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
    continues it (each holds its last value into the later years).
    """
    path = _resolve(name)
    doc = read_toml(path)
    base_name = doc.get("base")
    policies: dict[str, Any] = {}
    start_from = (
        doc.get("scenario", {}).get("start_from") if isinstance(doc.get("scenario"), dict) else None
    )
    if base_name is not None:
        base = load_scenario(str(base_name))
        root_doc, root_path = read_toml(base.path), base.path
        policies.update(base.policies)
        for key, table in (doc.get("policy") or {}).items():
            if key not in LEVERS:
                raise InputFileError(f"{path}: [policy.{key}] is not a policy lever")
            policies[key] = table
        meta: Any = {**root_doc["scenario"], **(doc.get("scenario") or {})}
        if isinstance(doc.get("plan"), dict):
            root_doc = {**root_doc, "plan": {**root_doc.get("plan", {}), **doc["plan"]}}
    else:
        root_doc, root_path = doc, path
        policies.update(doc.get("policy") or {})
        meta = doc.get("scenario")
        for key in policies:
            if key not in LEVERS:
                raise InputFileError(f"{path}: [policy.{key}] is not a policy lever")
    if not isinstance(meta, dict):
        raise InputFileError(f"{path}: [scenario] must be a table")
    own = dict(doc.get("policy") or {}) if base_name is not None else {}
    for key, table in (carried or {}).items():
        policies[key] = {
            **table,
            "values": {
                str(max(int(y) for y in table["values"])): (
                    table["values"][max(table["values"], key=int)]
                )
            },
        }
    where = str(path)
    first = int(_number(meta.get("first_year"), f"{where}: [scenario] first_year"))
    last = int(_number(meta.get("last_year"), f"{where}: [scenario] last_year"))
    if last < first:
        raise InputFileError(f"{where}: [scenario] last_year {last} is before first_year {first}")
    economy_folder = builtin_path(str(meta.get("economy", "example")))
    economy = read_economy(economy_folder)
    params = _params((root_path.parent / str(meta.get("parameters", "parameters.toml"))).resolve())
    _apply_sets(params, policies, sets)
    listed = [
        int(y)
        for t in policies.values()
        if isinstance(t, dict)
        for y in (t.get("values") or {})
        if str(y).isdigit()
    ]
    policy_years = range(first, max([last + 1, *listed]) + 1)
    policy = _policy(policies, policy_years, where)
    targets, raised, base_final = _targets(
        economy, economy_folder, root_doc.get("plan") or {}, str(root_path)
    )
    # A scenario that starts from another's simulated end takes its state from that run;
    # the predecessor's initial values stand in until then.
    initial_doc = read_toml(_resolve(str(start_from))) if start_from else root_doc
    spec = SimSpec(
        name=str(meta.get("name", path.stem)),
        economy=economy,
        years=tuple(range(first, last + 1)),
        initial=_initial(initial_doc, economy, str(root_path)),
        params=Params({k: float(v["value"]) for k, v in params.items()}),
        policy=policy,
        targets=targets,
        raised_targets=raised,
        base_final_demand=base_final,
    )
    return Scenario(
        spec=spec,
        title=str(meta.get("title", spec.name)),
        description=str(meta.get("description", "")),
        path=path,
        parameters=params,
        policies=policies,
        overrides=tuple(sets),
        own_policies=own,
        base=None if base_name is None else str(base_name),
        start_from=None if start_from is None else str(start_from),
        continues_with=(str(meta["continues_with"]) if meta.get("continues_with") else None),
    )

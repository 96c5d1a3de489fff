"""``gosplan run``: simulate a scenario, chained across plans when the years ask for it.

The simulation, the planner's quotas and the record go side by side into one tidy table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from gosplan.analysis.fit import FitReport, fit_report
from gosplan.analysis.outputs import html_summary, to_data_array, xarray
from gosplan.errors import InputFileError, ResolutionError
from gosplan.scenarios.record import load_record
from gosplan.scenarios.references import MAX_CHAIN
from gosplan.scenarios.simfiles import Scenario, check_set_years, load_scenario
from gosplan.sim import catalogue
from gosplan.sim.catalogue import FIT_YEARS, INDUSTRY_SERIES
from gosplan.sim.engine import FarmLayer, SimResult, famine_totals, simulate
from gosplan.sim.households import MAX_SCALE, HouseholdLayer
from gosplan.sim.spec import INDUSTRY, YEARS, SimSpec

__all__ = [
    "FIT_YEARS",
    "KEY_SERIES",
    "RESOLUTIONS",
    "Run",
    "check_years",
    "final_demand_of",
    "merge_results",
    "parse_scale",
    "parse_years",
    "reach_of",
    "run_scenario",
    "scenario_chain",
    "simulate_chain",
    "tidy",
]

#: Resolutions of the farm steps: the aggregate model, or individual households.
RESOLUTIONS = ("aggregate", "households")
#: The series a historian looks at first (the compact table of ``gosplan run``).
KEY_SERIES = (
    "pig_iron_output",
    "steel_output",
    "coal_output",
    "electricity_output",
    "grain_harvest",
    "grain_procurement",
    "grain_exports",
    "cattle_summer",
    "horses_summer",
    "collectivization_pct",
    "employed_national_economy",
    "real_wage_index_1928_100",
    "excess_deaths_ussr",
)


#: The variables of :meth:`Run.to_xarray`: name -> (kind, estimate, source test).
_XARRAY_VARIABLES: dict[str, tuple[str, str, bool | None]] = {
    "simulated": ("simulated", "point", None),
    "plan_target": ("plan_target", "point", True),
    "record": ("record", "point", None),
    "record_low": ("record", "low", None),
    "record_high": ("record", "high", None),
    "record_plan_target": ("plan_target", "point", False),
}
_PLANNER = "gosplan planner"


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Run:
    """One simulation run, possibly across several chained scenarios.

    ``to_frame()`` is the run as one tidy table; ``to_xarray()`` the same values on
    (series, year).
    """

    scenario: Scenario
    """The scenario asked for."""
    segments: tuple[tuple[Scenario, SimResult], ...]
    result: SimResult
    """The whole run as one result."""
    years: tuple[int, ...]
    """The years asked for (the run may have started earlier to reach them)."""
    frame: pd.DataFrame
    """Tidy: scenario, series, unit, year, value, kind, estimate, source (the model's rows,
    inputs too, of kind ``simulated``); :meth:`to_frame` is the documented form."""
    fit: FitReport
    """Errors against the record, 1929-1932 (the first year is the start)."""
    seed: int | None = None
    resolution: str = "aggregate"
    """``aggregate`` or ``households``."""
    scale: int = 1
    """With households: each simulated household stands for ``scale`` households."""
    farms: HouseholdLayer | None = None
    """The household layer of a household-resolution run (its arrays, ledgers, digest)."""

    def to_frame(self) -> pd.DataFrame:
        """The run as one tidy table (a new one): one row per value.

        Columns: ``scenario``, ``series``, ``unit``, ``year`` (calendar years), ``value``,
        ``kind``, ``estimate`` (``point``, or the record's ``low`` and ``high`` estimates)
        and ``source``. ``kind`` says what a row is:

        - ``simulated``: produced by the model's mechanisms (the famine tolls under the
          year the record files them under, 1933);
        - ``input``: a series the scenario's policies set rather than the model produces
          (grain exports, the share collectivized ...: ``gosplan.sim.catalogue``);
        - ``plan_target``: the simulated planner's targets (source ``gosplan planner``) and
          the historical plan's (with their source);
        - ``record``: the historical record.

        :attr:`frame` is the same table with ``input`` rows still called ``simulated``.
        """
        frame = self.frame.copy()
        inputs = set(catalogue.names("input"))
        frame.loc[(frame["kind"] == "simulated") & frame["series"].isin(inputs), "kind"] = "input"
        return frame

    def to_xarray(self) -> Any:
        """The run as an ``xarray.Dataset`` on (series, year), each series' unit a coordinate.

        Variables: ``simulated``, ``plan_target`` (the simulated planner's targets),
        ``record``, ``record_low``, ``record_high`` (the record's estimates) and
        ``record_plan_target`` (the historical plan); NaN where there is no value. Needs the
        optional package xarray.
        """
        xr = xarray()
        frame = self.frame
        planner = frame["source"] == _PLANNER
        # One unit per series: the simulator's, else the record's.
        simulated = frame[frame["kind"] == "simulated"]
        units = pd.concat([simulated, frame]).drop_duplicates("series")
        labels = {
            "series": sorted(frame["series"].unique().tolist()),
            "year": sorted(frame["year"].unique().tolist()),
        }
        arrays = {}
        for name, (kind, estimate, by_planner) in _XARRAY_VARIABLES.items():
            keep = (frame["kind"] == kind) & (frame["estimate"] == estimate)
            if by_planner is not None:
                keep &= planner if by_planner else ~planner
            part = frame.loc[keep, ["series", "year", "value"]]
            arrays[name] = to_data_array(part, ("series", "year"), name=name, labels=labels)
        dataset = xr.Dataset(arrays).assign_coords(
            unit=("series", units.set_index("series").loc[labels["series"], "unit"].tolist())
        )
        dataset.attrs.update(self._attrs())
        return dataset

    def _attrs(self) -> dict[str, Any]:
        return {
            "scenario": self.result.name,
            "years": f"{self.years[0]}-{self.years[-1]}" if self.years else "",
            "seed": "none" if self.seed is None else str(self.seed),
            "resolution": self.resolution
            + (f" 1:{self.scale}" if self.resolution == "households" else ""),
        }

    def _headline(self) -> list[tuple[str, str]]:
        toll = self.result.totals.get("famine_excess_deaths_ussr")
        median = self.fit.median_abs_log_error
        rows = list(self._attrs().items())
        rows.append(("series", f"{self.frame['series'].nunique():,}"))
        if toll is not None:
            rows.append((f"famine deaths {toll[0] - 1}-{str(toll[0])[2:]}", f"{toll[1]:.2f} mn"))
        if isinstance(median, float) and np.isfinite(median):
            rows.append(("fit, median error", f"{median:.0%}"))
        return rows

    def __repr__(self) -> str:
        """One line: the scenario, years, seed, resolution and the famine toll."""
        parts = ", ".join(f"{k}={v}" for k, v in self._headline() if k != "scenario")
        return f"Run({self.result.name!r}, {parts})"

    def _repr_html_(self) -> str:
        """A small summary table for notebooks."""
        return html_summary(f"Run of {self.result.name}", self._headline()[1:])


def parse_scale(text: str | None) -> int:
    """``"1:N"`` to N, a positive integer up to ``MAX_SCALE`` (default 1)."""
    if text is None:
        return 1
    one, sep, rest = text.strip().partition(":")
    try:
        n = int(rest) if sep and one.strip() == "1" else 0
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_SCALE:
        raise ResolutionError(
            f"--scale {text!r}: must be 1:N with N a whole number from 1 to {MAX_SCALE:,}"
        )
    return n


def parse_years(text: str | None) -> tuple[int, int] | None:
    """``"1928:1937"`` (or ``"1930"``) to a pair of years, each within ``YEARS``."""
    if text is None:
        return None
    first, sep, last = text.partition(":")
    try:
        a, b = int(first), int(last) if sep else int(first)
    except ValueError:
        raise InputFileError(f"--years {text!r}: must be FIRST:LAST, e.g. 1928:1937") from None
    return check_years((a, b), f"--years {text}")


def check_years(years: tuple[int, int], where: str = "years") -> tuple[int, int]:
    """A (first, last) pair of whole years within ``YEARS``, the first not after the last."""
    lo, hi = YEARS
    if len(years) != 2 or any(
        isinstance(y, bool) or not isinstance(y, int | np.integer) for y in years
    ):
        raise InputFileError(f"{where}: must be two whole years (first, last); got {years!r}")
    first, last = int(years[0]), int(years[1])
    for year in (first, last):
        if not lo <= year <= hi:
            raise InputFileError(f"{where}: years must be from {lo} to {hi}; got {year}")
    if last < first:
        raise InputFileError(f"{where}: the last year {last} comes before the first {first}")
    return first, last


def merge_results(name: str, parts: Sequence[SimResult]) -> SimResult:
    """Consecutive runs as one: series joined, famine totals over the whole span."""
    if len(parts) == 1:
        return parts[0]
    years = tuple(y for p in parts for y in p.years)
    keys = set.intersection(*(set(p.series) for p in parts))
    series = {
        k: np.concatenate([p.series[k] for p in parts]) for k in keys if not k.startswith("famine_")
    }
    plan = {
        k: np.concatenate([p.plan[k] for p in parts])
        for k in set.intersection(*(set(p.plan) for p in parts))
    }
    last = parts[-1]
    committed = last.committed if last.committed is not None else np.zeros(3)
    return SimResult(
        name=name,
        years=years,
        series=series,
        plan=plan,
        units=last.units,
        totals=famine_totals(series, years, committed),
        ledgers={k: np.concatenate([p.ledgers[k] for p in parts]) for k in last.ledgers},
        states=tuple(s for p in parts for s in p.states),
        committed=committed,
    )


def reach_of(scenario: Scenario) -> int:
    """The last year a run of ``scenario`` can reach through the scenarios continuing it.

    Loading a scenario checked that its continuations end (no cycle, years increasing).
    """
    reach, follower = scenario.spec.years[-1], scenario.continues_with
    for _ in range(MAX_CHAIN):
        if not follower:
            break
        nxt = load_scenario(follower)
        reach, follower = nxt.spec.years[-1], nxt.continues_with
    return reach


def scenario_chain(scenario: Scenario, sets: Sequence[str], last_year: int) -> list[Scenario]:
    """The scenarios a run of ``scenario`` to ``last_year`` passes through, in order.

    The scenario it starts from (if any, whole), itself, and the scenarios that continue
    it while years up to ``last_year`` remain; counterfactual policies carry into those.
    """
    chain = [load_scenario(scenario.start_from, sets)] if scenario.start_from else []
    current: Scenario | None = scenario
    # Loading checked that continuations end; the bound makes it plain here too.
    while current is not None and current.spec.years[0] <= last_year and len(chain) <= MAX_CHAIN:
        chain.append(current)
        if current.spec.years[-1] < last_year and current.continues_with:
            current = load_scenario(current.continues_with, sets, carried=scenario.own_policies)
        else:
            current = None
    return chain


def simulate_chain(
    chain: Sequence[Scenario],
    last_year: int,
    rng: np.random.Generator | None,
    farms: FarmLayer | None = None,
    adjust: Callable[[SimSpec], SimSpec] | None = None,
) -> list[tuple[Scenario, SimResult]]:
    """Simulate each scenario of ``chain`` from where the one before it ended.

    Each continuation starts from its predecessor's last state, its plan based on the
    final demand of the predecessor's last year. ``adjust`` changes every spec before it
    runs (an ensemble member's parameters, say).
    """
    segments: list[tuple[Scenario, SimResult]] = []
    for current in chain:
        spec = current.spec if adjust is None else adjust(current.spec)
        state = None
        if segments:
            prev = segments[-1][1]
            state = prev.states[-1]
            spec = replace(
                spec, base_final_demand=final_demand_of(spec, prev), base_year=prev.years[-1]
            )
        years = tuple(y for y in spec.years if y <= last_year)
        segments.append((current, simulate(replace(spec, years=years), rng, state, farms)))
    return segments


def final_demand_of(spec: SimSpec, prev: SimResult) -> np.ndarray:
    """Final demand of ``prev``'s last simulated year: the next plan's base."""
    economy = spec.economy
    x = np.zeros(economy.n)
    for pid in INDUSTRY:
        x[economy.index(pid)] = prev.series[INDUSTRY_SERIES[pid]][-1]
    x[economy.index("grain")] = prev.series["grain_harvest_official_1930s"][-1]
    return np.asarray(x - economy.A @ x)


def run_scenario(
    name: str = "ussr-1928",
    *,
    years: tuple[int, int] | None = None,
    sets: Sequence[str] = (),
    seed: int | None = None,
    resolution: str = "aggregate",
    scale: int | None = None,
) -> Run:
    """Simulate ``name`` over ``years`` (default: the scenario's own), with ``--set`` changes.

    ``resolution="households"`` runs the farm steps over individual households
    (``gosplan.sim.households``), every ``scale``-th one (default 1: all of them), with
    their own generator drawn from ``seed`` (0 when no seed is given).
    """
    if resolution not in RESOLUTIONS:
        raise ResolutionError(
            f"--resolution {resolution!r}: must be one of {', '.join(RESOLUTIONS)}"
        )
    if scale is not None and resolution != "households":
        raise ResolutionError("--scale applies only to --resolution households")
    n = 1 if scale is None else scale
    if not 1 <= n <= MAX_SCALE:
        raise ResolutionError(f"--scale 1:{n}: N must be from 1 to {MAX_SCALE:,}")
    scenario = load_scenario(name, sets)
    first, last = check_years(years or (scenario.spec.years[0], scenario.spec.years[-1]), "--years")
    reach = reach_of(scenario)
    if first < scenario.spec.years[0] or last > reach:
        raise InputFileError(
            f"--years {first}:{last}: outside scenario {scenario.spec.name} "
            f"({scenario.spec.years[0]}:{reach})"
        )
    chain = scenario_chain(scenario, sets, last)
    check_set_years(sets, chain[0].spec.years[0], last)
    rng = None if seed is None else np.random.default_rng(seed)
    farms = None
    if resolution == "households":
        # The layer's own stream, independent of the weather's.
        stream = np.random.SeedSequence(0 if seed is None else seed).spawn(1)[0]
        farms = HouseholdLayer(n, np.random.Generator(np.random.PCG64(stream)))
    segments = simulate_chain(chain, last, rng, farms)
    result = merge_results(scenario.spec.name, [r for _, r in segments])
    asked = tuple(y for y in result.years if first <= y <= last)
    return Run(
        scenario=scenario,
        segments=tuple(segments),
        result=result,
        years=asked,
        frame=tidy(scenario.spec.name, result, asked),
        fit=fit_report(result, FIT_YEARS),
        seed=seed,
        resolution=resolution,
        scale=n,
        farms=farms,
    )


def tidy(scenario: str, result: SimResult, years: Sequence[int]) -> pd.DataFrame:
    """The run as one long table: simulated, plan_target and record rows."""
    keep = [result.years.index(y) for y in years]
    rows: list[dict[str, object]] = []
    for name, values in sorted(result.series.items()):
        unit = result.units.get(name, "")
        for k in keep:
            if np.isfinite(values[k]):
                rows.append(
                    {
                        "series": name,
                        "unit": unit,
                        "year": result.years[k],
                        "value": float(values[k]),
                        "kind": "simulated",
                        "estimate": "point",
                        "source": "gosplan",
                    }
                )
    for name, values in sorted(result.plan.items()):
        for k in keep:
            rows.append(
                {
                    "series": name,
                    "unit": result.units.get(name, ""),
                    "year": result.years[k],
                    "value": float(values[k]),
                    "kind": "plan_target",
                    "estimate": "point",
                    "source": "gosplan planner",
                }
            )
    for name, (year, value) in sorted(result.totals.items()):
        rows.append(
            {
                "series": name,
                "unit": catalogue.unit(name),
                "year": year,
                "value": value,
                "kind": "simulated",
                "estimate": "point",
                "source": "gosplan",
            }
        )
    rows.extend(_record_rows(result, years))
    frame = pd.DataFrame(
        rows, columns=["series", "unit", "year", "value", "kind", "estimate", "source"]
    )
    frame.insert(0, "scenario", scenario)
    return frame


_KINDS = (
    ("actual", "point"),
    ("estimate_low", "low"),
    ("estimate_high", "high"),
    ("plan_target", "point"),
)


@cache
def _record_entries(rec_name: str) -> tuple[tuple[int, float, str, str, str, str], ...]:
    """The record's preferred rows of one series: (year, value, unit, kind, estimate, source)."""
    record = load_record()
    if rec_name not in set(record.names()):
        return ()
    out = []
    for kind, estimate in _KINDS:
        best = record.best(rec_name, kind)
        for year, value, unit, source in zip(
            best.index, best["value"], best["unit"], best["source"], strict=True
        ):
            out.append(
                (
                    int(str(year)),
                    float(value),
                    str(unit),
                    "plan_target" if kind == "plan_target" else "record",
                    estimate,
                    str(source),
                )
            )
    return tuple(out)


def _record_rows(result: SimResult, years: Sequence[int]) -> list[dict[str, object]]:
    wanted = set(result.series) | set(result.totals)
    rows: list[dict[str, object]] = []
    for name in sorted(wanted):
        for year, value, unit, kind, estimate, source in _record_entries(
            catalogue.comparator(name) or ""
        ):
            if year in years or (name in result.totals and year == result.totals[name][0]):
                rows.append(
                    {
                        "series": name,
                        "unit": unit,
                        "year": year,
                        "value": value,
                        "kind": kind,
                        "estimate": estimate,
                        "source": source,
                    }
                )
    return rows

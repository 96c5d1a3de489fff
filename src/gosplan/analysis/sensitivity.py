"""``gosplan sensitivity``: which uncertain parameters drive famine deaths, herds and the plan.

Two methods of SALib over the spans of ``uncertainty.toml``:

- **Morris** (elementary effects) to screen: ``n`` trajectories of ``d + 1`` runs each. For
  each parameter, ``mu_star`` is the mean absolute change of the output when the parameter
  moves across its span (in units of the unit cube: one full span = 1), ``sigma`` the spread
  of those changes (non-linearity and interactions).
- **Sobol** (Saltelli's sampling, first and total order): ``n (d + 2)`` runs; ``S1`` is the
  share of the output's variance a parameter explains alone, ``ST`` with its interactions.

The samples are drawn in the unit cube and mapped onto each parameter's span by its
distribution (:meth:`~gosplan.scenarios.uncertainty.Uncertainty.from_unit`). A ``dummy``
input that the model never reads goes along as the method's noise floor. Runs keep the
scenario's own weather (no draws), so every output is a function of the parameters only and
the result is the same for the same seed; ``weather_sd`` acts only on drawn weather and is
left out. The runs go through the same Dask machinery as ensembles.

Outputs, 1928-1933:

- ``famine_deaths``: excess deaths in the USSR summed over 1928-1933 (mn);
- ``cattle_change``: cattle, summer 1933 against summer 1928 (%);
- ``steel_fulfilment``: steel output in 1932 over the plan's 1932 target in the record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gosplan.analysis.ensemble import (
    MemberJob,
    MemberResult,
    check_common,
    check_counts,
    map_completed,
    run_members,
    scenario_years,
    use_client,
)
from gosplan.analysis.limits import MAX_BATCH, MAX_SAMPLES, MAX_WORKERS
from gosplan.core.arguments import choice, instance, integer
from gosplan.errors import InputFileError, ParameterError
from gosplan.scenarios.record import load_record
from gosplan.scenarios.simfiles import load_scenario
from gosplan.scenarios.uncertainty import load_uncertainty

__all__ = [
    "DUMMY",
    "METHODS",
    "OUTPUTS",
    "YEARS",
    "Sensitivity",
    "evaluate_outputs",
    "outputs_of",
    "sensitivity",
]

METHODS = ("morris", "sobol")
#: The outputs analysed: name -> (label, unit).
OUTPUTS: dict[str, tuple[str, str]] = {
    "famine_deaths": ("Excess deaths 1928-1933", "mn"),
    "cattle_change": ("Cattle 1928 to 1933", "%"),
    "steel_fulfilment": ("Steel 1932 over the plan's target", "ratio"),
}
YEARS = (1928, 1933)
#: The input no run reads: its index is the method's noise floor.
DUMMY = "dummy"
#: Parameters left out: they act only on drawn weather, and sensitivity runs draw none.
_LEFT_OUT = frozenset({"weather_sd"})
_LEVELS = 4

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class Sensitivity:
    """A finished sensitivity analysis."""

    scenario: str
    method: str
    n: int
    """Morris trajectories, or Sobol base samples."""
    seed: int
    names: tuple[str, ...]
    """The inputs (parameters, then the dummy)."""
    spans: tuple[tuple[float, float], ...]
    """Each parameter's span (the dummy's is [0, 1])."""
    samples: FloatArray
    """Parameter values of each run, shape (runs, len(names))."""
    outputs: FloatArray
    """Outputs of each run, shape (runs, len(OUTPUTS))."""
    table: pd.DataFrame
    """One row per output and input: the indices, and ``rank`` (1 = drives it most)."""
    steel_target: float
    """The plan's 1932 steel target (mt) that fulfilment is measured against."""

    def ranking(self, output: str) -> list[str]:
        """Inputs from the most to the least influential on ``output``."""
        rows = self.table[self.table["output"] == output].sort_values("rank", kind="stable")
        return [str(x) for x in rows["parameter"]]

    def runs_frame(self) -> pd.DataFrame:
        """Each run's inputs and outputs, one row per run."""
        frame = pd.DataFrame(self.samples, columns=list(self.names))
        for k, name in enumerate(OUTPUTS):
            frame[name] = self.outputs[:, k]
        frame.insert(0, "run", np.arange(len(frame), dtype=np.int64))
        return frame


def outputs_of(result: MemberResult, steel_target: float) -> FloatArray:
    """The three outputs of one run (see the module notes)."""
    first, last = YEARS
    deaths = sum(result.at("excess_deaths_ussr", y) for y in range(first, last + 1))
    cattle = 100.0 * (result.at("cattle_summer", last) / result.at("cattle_summer", first) - 1.0)
    steel = result.at("steel_output", 1932) / steel_target
    return np.array([deaths, cattle, steel], dtype=np.float64)


def evaluate_outputs(
    jobs: list[MemberJob],
    steel_target: float,
    *,
    client: Any = None,
    batch: int = 8,
    progress: Callable[[int, int], None] | None = None,
) -> FloatArray:
    """Run ``jobs`` (on ``client``, or here without one) and return their outputs in order."""
    done = [0]

    def tick(_: MemberResult) -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], len(jobs))

    results = map_completed(client, run_members, jobs, batch=batch, on_result=tick)
    return np.array([outputs_of(r, steel_target) for r in results], dtype=np.float64)


def _problem(names: tuple[str, ...]) -> dict[str, Any]:
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def _sample(method: str, problem: dict[str, Any], n: int, seed: int) -> FloatArray:
    if method == "morris":
        from SALib.sample import morris  # type: ignore[import-untyped]

        return np.asarray(morris.sample(problem, n, num_levels=_LEVELS, seed=seed), np.float64)
    from SALib.sample import sobol

    points = sobol.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    return np.asarray(points, dtype=np.float64)


def _analyse(
    method: str, problem: dict[str, Any], unit: FloatArray, outputs: FloatArray, seed: int
) -> pd.DataFrame:
    frames = []
    for k, output in enumerate(OUTPUTS):
        y = outputs[:, k]
        if method == "morris":
            from SALib.analyze import morris  # type: ignore[import-untyped]

            res = morris.analyze(
                problem, unit, y, num_levels=_LEVELS, num_resamples=1000, seed=seed
            )
            columns, key = ("mu_star", "mu_star_conf", "sigma", "mu"), "mu_star"
        else:
            from SALib.analyze import sobol

            res = sobol.analyze(
                problem, y, calc_second_order=False, num_resamples=200, seed=seed
            )
            columns, key = ("S1", "S1_conf", "ST", "ST_conf"), "ST"
        frame = pd.DataFrame({c: np.asarray(res[c], dtype=np.float64) for c in columns})
        frame.insert(0, "parameter", problem["names"])
        frame.insert(0, "output", output)
        order = np.lexsort((np.arange(len(frame)), -frame[key].to_numpy()))
        rank = np.empty(len(frame), dtype=np.int64)
        rank[order] = np.arange(1, len(frame) + 1)
        frame.insert(2, "rank", rank)
        frames.append(frame.sort_values("rank", kind="stable"))
    return pd.concat(frames, ignore_index=True)


def sensitivity(
    scenario: str = "ussr-1928",
    *,
    method: str = "morris",
    n: int | None = None,
    seed: int = 0,
    scheduler: str | None = None,
    workers: int | None = None,
    timeout: float = 10.0,
    batch: int = 8,
    client: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> Sensitivity:
    """Rank the uncertain parameters of ``scenario`` by their effect on the three outputs.

    ``n``: Morris trajectories (default 20) or Sobol base samples (default 256, a power of 2).
    """
    where = "sensitivity"
    instance(scenario, str, "scenario", where)
    choice(method, "method", where, METHODS)
    n = n if n is not None else (20 if method == "morris" else 256)
    integer(n, "n", where, low=2, high=MAX_SAMPLES)
    if method == "sobol" and n & (n - 1):
        raise ParameterError(f"{where}: n (Sobol base samples, --samples) must be a power of "
                             f"2 in 2..{MAX_SAMPLES:,}; got {n}")
    check_counts(where, workers=(workers, MAX_WORKERS), batch=(batch, MAX_BATCH))
    check_common(where, seed=seed, timeout=timeout, sets=(), scheduler=scheduler,
                 client=client, progress=progress)
    sc = load_scenario(scenario)
    years = scenario_years(sc, YEARS)
    uncertainty = load_uncertainty(sc)
    kept = [p for p in uncertainty.parameters if p.name not in _LEFT_OUT]
    names = (*(p.name for p in kept), DUMMY)
    problem = _problem(names)
    unit = _sample(method, problem, n, seed)
    columns = [uncertainty.names.index(p.name) for p in kept]
    full = np.full((len(unit), len(uncertainty.parameters)), 0.5)
    full[:, columns] = unit[:, : len(kept)]
    values = uncertainty.from_unit(full)[:, columns]
    samples = np.column_stack([values, unit[:, len(kept)]])
    jobs = [
        MemberJob(
            scenario, (), years, k, seed, False, tuple(p.name for p in kept),
            tuple(float(v) for v in row),
        )
        for k, row in enumerate(values)
    ]
    target = load_record().value("steel_output", 1932, "plan_target")
    with use_client(client, scheduler, workers, timeout) as active:
        outputs = evaluate_outputs(jobs, target, client=active, batch=batch, progress=progress)
    if not np.isfinite(outputs).all():
        raise InputFileError(f"sensitivity: {scenario} gave a non-finite output for some runs")
    table = _analyse(method, problem, unit, outputs, seed)
    spans = (*((p.low, p.high) for p in kept), (0.0, 1.0))
    return Sensitivity(
        scenario=scenario,
        method=method,
        n=n,
        seed=seed,
        names=names,
        spans=spans,
        samples=samples,
        outputs=outputs,
        table=table,
        steel_target=target,
    )

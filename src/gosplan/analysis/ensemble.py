"""``gosplan ensemble``: many seeded runs of a scenario on Dask, with quantile bands.

Member ``i`` of an ensemble with base seed ``b`` has the seed ``member_seed(b, i)``, drawn
from ``numpy.random.SeedSequence(b).spawn(...)[i]`` (the same as
``SeedSequence(b, spawn_key=(i,))``): it depends on ``(b, i)`` only, never on the number of
workers or the order in which tasks finish. From that seed:

- ``--vary weather`` draws the weather as ``gosplan run --seed SEED`` does
  (``numpy.random.default_rng(SEED)``);
- ``--vary parameters`` draws the uncertain parameters (``uncertainty.toml``) from a second
  stream, ``numpy.random.default_rng([SEED, 1])``.

A member is exactly ``run_scenario(scenario, years=..., seed=SEED if weather else None,
sets=[..., "param.NAME=VALUE", ...])``; the tests hold the two to the same bits. To spare
each task the reading of the scenario files (most of a run's time), a worker process reads
the scenario chain once and then only swaps the drawn parameter values in.

One Dask task is one member (or a chunk of members, ``batch``), and returns a small
array of aggregate series. The client writes each finished member at once to
``OUT/members/member-NNNNNN.parquet`` (atomically), so an interrupted ensemble keeps what
it finished and a rerun with the same settings (``OUT/manifest.json``) computes only what is
missing. At the end ``members.parquet`` (tidy: member, seed, series, unit, year, value),
``bands.parquet``/``bands.csv`` (series, unit, year, q05, q25, q50, q75, q95, mean),
``parameters.parquet``/``parameters.csv`` (member, parameter, value, unit: what each member
drew) and ``draws.csv`` (member, seed, weather_seed: the seed its weather was drawn from)
are written.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from gosplan.analysis.limits import MAX_BATCH, MAX_RUNS, MAX_SEED, MAX_TIMEOUT, MAX_WORKERS
from gosplan.analysis.outputs import html_summary, to_data_array
from gosplan.analysis.run import merge_results, scenario_chain, simulate_chain
from gosplan.core.arguments import instance, integer, number, shown
from gosplan.errors import (
    GosplanError,
    InputFileError,
    OutputError,
    ParameterTypeError,
    SchedulerError,
)
from gosplan.scenarios.atomic import atomic_file, write_text
from gosplan.scenarios.simfiles import Scenario, check_set_years, load_scenario, parse_set
from gosplan.scenarios.uncertainty import Uncertainty, load_uncertainty
from gosplan.sim import catalogue
from gosplan.sim.spec import SimSpec

__all__ = [
    "BAND_COLUMNS",
    "DRAW_COLUMNS",
    "MANIFEST",
    "MEMBER_COLUMNS",
    "PARAMETER_COLUMNS",
    "VARY",
    "EnsembleResult",
    "MemberJob",
    "MemberResult",
    "check_common",
    "check_counts",
    "connect",
    "encoded_members",
    "member_frame",
    "member_jobs",
    "member_seed",
    "quantile_bands",
    "read_bands",
    "read_draws",
    "read_members",
    "read_parameters",
    "run_ensemble",
    "run_member",
    "run_members",
    "scenario_years",
    "use_client",
]

VARY = ("weather", "parameters")
MANIFEST = "manifest.json"
MEMBERS = "members"
MEMBER_COLUMNS = ("member", "seed", "series", "unit", "year", "value")
BAND_COLUMNS = ("series", "unit", "year", "q05", "q25", "q50", "q75", "q95", "mean")
#: What each member drew: one row per member and uncertain parameter.
PARAMETER_COLUMNS = ("member", "parameter", "value", "unit")
#: Each member's seeds: ``weather_seed`` is the seed its weather was drawn from (none: the
#: scenario's own weather).
DRAW_COLUMNS = ("member", "seed", "weather_seed")
_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: 2: members and bands carry units; the folder records each member's draws.
_FORMAT = 2

FloatArray = NDArray[np.float64]
T = TypeVar("T")
R = TypeVar("R")


# --- Members ---------------------------------------------------------------------------------


def member_seed(base: int, index: int) -> int:
    """The seed of member ``index``: from ``SeedSequence(base).spawn(...)[index]``, 63 bits.

    >>> member_seed(0, 3) == member_seed(0, 3) != member_seed(0, 4)
    True
    """
    child = np.random.SeedSequence(base, spawn_key=(index,))
    return int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))


@dataclass(frozen=True, slots=True)
class MemberJob:
    """Everything one member needs; small, so that it crosses the wire cheaply."""

    scenario: str
    sets: tuple[str, ...]
    years: tuple[int, int]
    index: int
    seed: int
    weather: bool
    """Draw the weather from ``seed``."""
    names: tuple[str, ...] = ()
    """Parameters set to ``values`` (drawn, or a sensitivity sample)."""
    values: tuple[float, ...] = ()

    @property
    def weather_seed(self) -> int | None:
        """The seed the member's weather is drawn from (``None``: the scenario's weather)."""
        return self.seed if self.weather else None


@dataclass(frozen=True, slots=True, eq=False)
class MemberResult:
    """What a member sends back: its aggregate series by year, and the famine tolls."""

    index: int
    seed: int
    series: tuple[str, ...]
    years: tuple[int, ...]
    values: FloatArray
    """Shape (len(series), len(years)); NaN where the model records no value."""
    totals: tuple[tuple[str, int, float], ...] = ()
    """Famine tolls: (name, year stored under, mn deaths)."""
    parquet: bytes = b""
    """The member's tidy frame as Parquet, encoded by the worker (spares the client)."""
    units: tuple[str, ...] = ()
    """The unit of each of ``series`` (empty: unknown)."""
    weather_seed: int | None = None
    """The seed its weather was drawn from (``None``: the scenario's own weather)."""
    drawn: tuple[tuple[str, float], ...] = ()
    """The parameter values it ran with that its job set: (name, value)."""

    def at(self, series: str, year: int) -> float:
        """The value of ``series`` in ``year``."""
        return float(self.values[self.series.index(series), self.years.index(year)])


@lru_cache(maxsize=8)
def _chain(scenario: str, sets: tuple[str, ...], last: int) -> tuple[Scenario, ...]:
    """The scenarios a run to ``last`` goes through, read once per worker process."""
    return tuple(scenario_chain(load_scenario(scenario, sets), sets, last))


def run_member(job: MemberJob) -> MemberResult:
    """Simulate one member: its parameters and weather from its job, nothing else."""
    first, last = job.years
    rng = np.random.default_rng(job.seed) if job.weather else None
    changes = dict(zip(job.names, job.values, strict=True))

    def adjust(spec: SimSpec) -> SimSpec:
        return replace(spec, params=spec.params.replace(**changes)) if changes else spec

    segments = simulate_chain(_chain(job.scenario, job.sets, last), last, rng, adjust=adjust)
    whole = merge_results(job.scenario, [result for _, result in segments])
    years_all = whole.years
    names = sorted(k for k in whole.series if not k.startswith("famine_"))
    series = whole.series
    totals = whole.totals
    keep = [k for k, y in enumerate(years_all) if first <= y <= last]
    values = np.array([series[k][keep] for k in names], dtype=np.float64)
    return MemberResult(
        index=job.index,
        seed=job.seed,
        series=tuple(names),
        years=tuple(years_all[k] for k in keep),
        values=values,
        totals=tuple((k, y, float(v)) for k, (y, v) in sorted(totals.items())),
        units=tuple(whole.units.get(k, "") or catalogue.unit(k) for k in names),
        weather_seed=job.weather_seed,
        drawn=tuple(zip(job.names, job.values, strict=True)),
    )


def run_members(jobs: Sequence[MemberJob]) -> list[MemberResult]:
    """Several members in one task (each still depends on its own job only)."""
    return [run_member(job) for job in jobs]


def encoded_members(jobs: Sequence[MemberJob]) -> list[MemberResult]:
    """As :func:`run_members`, each with its tidy frame encoded as Parquet (a few kB)."""
    return [replace(r, parquet=_parquet_bytes(member_frame(r))) for r in run_members(jobs)]


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def member_frame(result: MemberResult) -> pd.DataFrame:
    """One member as tidy rows (member, seed, series, unit, year, value), by series, year."""
    n_years = len(result.years)
    values = result.values.reshape(-1)
    finite = np.flatnonzero(np.isfinite(values))
    rows: list[tuple[str, int, int]] = [
        (result.series[k // n_years], result.years[k % n_years], int(k)) for k in finite
    ]
    rows += [(name, year, -1 - j) for j, (name, year, _) in enumerate(result.totals)]
    rows.sort()
    picked = [values[k] if k >= 0 else result.totals[-1 - k][2] for _, _, k in rows]
    units = dict(zip(result.series, result.units, strict=False))
    n = len(rows)
    return pd.DataFrame(
        {
            "member": np.full(n, result.index, dtype=np.int64),
            "seed": np.full(n, result.seed, dtype=np.int64),
            "series": pd.array([r[0] for r in rows], dtype="str"),
            "unit": pd.array(
                [units.get(r[0]) or catalogue.unit(r[0]) for r in rows], dtype="str"
            ),
            "year": np.array([r[1] for r in rows], dtype=np.int64),
            "value": np.array(picked, dtype=np.float64),
        }
    )


# --- Settings --------------------------------------------------------------------------------


def parse_vary(vary: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"weather,parameters"`` (or a list) to the sorted tuple of what varies."""
    items = vary.split(",") if isinstance(vary, str) else list(vary or ())
    out = set()
    for item in items:
        name = item.strip()
        if not name:
            continue
        if name not in VARY:
            raise InputFileError(
                f"--vary {name!r}: must be {' or '.join(VARY)} (comma-separated)"
            )
        out.add(name)
    return tuple(v for v in VARY if v in out)


def scenario_years(scenario: Scenario, years: tuple[int, int] | None) -> tuple[int, int]:
    """The years a run covers (default: the scenario's own), checked as ``run`` checks them."""
    first, last = years or (scenario.spec.years[0], scenario.spec.years[-1])
    reach, follower = scenario.spec.years[-1], scenario.continues_with
    while follower:
        nxt = load_scenario(follower)
        reach, follower = nxt.spec.years[-1], nxt.continues_with
    if first < scenario.spec.years[0] or last > reach or last < first:
        raise InputFileError(
            f"--years {first}:{last}: outside scenario {scenario.spec.name} "
            f"({scenario.spec.years[0]}:{reach})"
        )
    return first, last


def _check_sets(sets: Sequence[str], drawn: Sequence[str]) -> None:
    for item in sets:
        parts, _ = parse_set(item)
        if len(parts) == 2 and parts[0].startswith("param") and parts[1] in drawn:
            raise InputFileError(
                f"--set {item}: parameter {parts[1]!r} is drawn by --vary parameters"
            )


def member_jobs(
    scenario: str,
    indices: Sequence[int],
    *,
    seed: int,
    vary: Sequence[str],
    years: tuple[int, int],
    sets: Sequence[str] = (),
    uncertainty: Uncertainty | None = None,
) -> list[MemberJob]:
    """The jobs of members ``indices``: each from the base seed and its index only."""
    draw = "parameters" in vary
    if draw and uncertainty is None:
        raise ValueError("member_jobs: --vary parameters needs the uncertain parameters")
    jobs = []
    for i in indices:
        s = member_seed(seed, i)
        names: tuple[str, ...] = ()
        values: tuple[float, ...] = ()
        if draw and uncertainty is not None:
            u = np.random.default_rng([s, 1]).random(len(uncertainty.parameters))
            names = uncertainty.names
            values = tuple(float(v) for v in uncertainty.from_unit(u))
        jobs.append(
            MemberJob(scenario, tuple(sets), years, i, s, "weather" in vary, names, values)
        )
    return jobs


# --- Dask ------------------------------------------------------------------------------------


def default_workers() -> int:
    """Worker processes for a local cluster: the CPUs this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


@contextmanager
def connect(
    scheduler: str | None = None, *, workers: int | None = None, timeout: float = 10.0
) -> Iterator[Any]:
    """A Dask client: on a new local cluster (processes, one thread each), or a scheduler's.

    The client (and a local cluster) are closed on leaving. An unreachable scheduler is a
    one-line :class:`~gosplan.errors.SchedulerError` after ``timeout`` seconds.
    """
    import distributed

    # distributed's constructors and as_completed carry no annotations: typed handles.
    Client = cast("Callable[..., Any]", distributed.Client)
    LocalCluster = cast("Callable[..., Any]", distributed.LocalCluster)
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise SchedulerError(
                f"--scheduler {scheduler}: cannot reach it within {timeout:g} s ({reason})"
            ) from None
        with client:
            yield client
        return
    n = workers or default_workers()
    with (
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: never clash with 8787
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def map_completed(
    client: Any,
    fn: Callable[[Sequence[T]], list[R]],
    items: Sequence[T],
    *,
    batch: int = 1,
    on_result: Callable[[R], None] | None = None,
) -> list[R]:
    """Run ``fn`` over chunks of ``items`` on ``client``; hand each result on as it lands.

    Results come back in the order of ``items`` whatever the order of completion. Without a
    client, the chunks run here, one after another (the serial baseline).
    """
    chunks = [list(items[k : k + batch]) for k in range(0, len(items), batch)]
    results: dict[int, list[R]] = {}
    if client is None:
        for k, chunk in enumerate(chunks):
            results[k] = fn(chunk)
            for r in results[k]:
                if on_result is not None:
                    on_result(r)
    else:
        import distributed

        as_completed = cast("Callable[[list[Any]], Iterator[Any]]", distributed.as_completed)
        futures = {
            client.submit(fn, chunk, pure=False, retries=2): k for k, chunk in enumerate(chunks)
        }
        for future in as_completed(list(futures)):
            k = futures[future]
            results[k] = future.result()
            future.release()
            for r in results[k]:
                if on_result is not None:
                    on_result(r)
    return [r for k in range(len(chunks)) for r in results[k]]


# --- The ensemble ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class EnsembleResult:
    """A finished ensemble and where it lies.

    ``to_frame()`` is every member's series, tidy; ``to_xarray()`` the same on (member,
    series, year); ``parameters_frame()`` what each member drew and ``draws_frame()`` the
    seed of its weather. Together they make any member reproducible alone.
    """

    folder: Path
    settings: dict[str, Any]
    """What the manifest records: scenario, runs, seed, vary, years, sets, uncertainty."""
    members: pd.DataFrame
    """Tidy: member, seed, series, unit, year, value (as ``members.parquet``)."""
    bands: pd.DataFrame
    """series, unit, year, q05, q25, q50, q75, q95, mean."""
    computed: int
    """Members computed by this call."""
    skipped: int
    """Members found finished on disk and not computed again."""
    parameters: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(PARAMETER_COLUMNS))
    )
    """What each member drew: member, parameter, value, unit (empty: none drawn)."""
    draws: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(DRAW_COLUMNS)))
    """Each member's seeds: member, seed, weather_seed (``<NA>``: the scenario's weather)."""

    def to_frame(self) -> pd.DataFrame:
        """Tidy: ``member``, ``series``, ``unit``, ``year``, ``value``, one row per value.

        The famine tolls (``famine_*``) are filed under the year of the record, 1933.
        """
        return self.members.loc[:, ["member", "series", "unit", "year", "value"]].copy()

    def parameters_frame(self) -> pd.DataFrame:
        """What each member drew: ``member``, ``parameter``, ``value``, ``unit``.

        Empty when the parameters are not varied. ``gosplan run --seed WEATHER_SEED --set
        param.NAME=VALUE ...`` with a member's draws repeats it (see :meth:`draws_frame`).
        """
        return self.parameters.copy()

    def draws_frame(self) -> pd.DataFrame:
        """Each member's seeds: ``member``, ``seed``, ``weather_seed`` (``<NA>``: not drawn)."""
        return self.draws.copy()

    def to_xarray(self) -> Any:
        """An ``xarray.DataArray`` on (member, series, year).

        Coordinates: each series' ``unit``; each member's ``seed``, and each drawn
        parameter's value by member (named as the parameter, its unit in the array's
        ``attrs["parameter_units"]``). Needs the optional package xarray.
        """
        frame = self.to_frame()
        array = to_data_array(
            frame,
            ("member", "series", "year"),
            name="value",
            attrs={
                "scenario": str(self.settings["scenario"]),
                "seed": int(self.settings["seed"]),
                "vary": ",".join(self.settings["vary"]),
            },
        )
        members = array["member"].to_numpy()
        seeds = self.draws.set_index("member")["seed"]
        coords: dict[str, Any] = {"seed": ("member", seeds.reindex(members).to_numpy())}
        drawn = self.parameters.pivot(index="member", columns="parameter", values="value")
        for name in drawn.columns:
            coords[str(name)] = ("member", drawn[name].reindex(members).to_numpy(np.float64))
        units = self.parameters.drop_duplicates("parameter").set_index("parameter")["unit"]
        array.attrs["parameter_units"] = "; ".join(f"{k}: {v}" for k, v in units.items())
        return array.assign_coords(coords)

    def _headline(self) -> list[tuple[str, str]]:
        s = self.settings
        return [
            ("members", f"{s['runs']:,}"),
            ("seed", str(s["seed"])),
            ("vary", ", ".join(s["vary"]) or "nothing"),
            ("years", f"{s['years'][0]}-{s['years'][1]}"),
            ("folder", str(self.folder)),
        ]

    def __repr__(self) -> str:
        """One line: the scenario, members, seed, what varies and the folder."""
        parts = ", ".join(f"{k}={v}" for k, v in self._headline())
        return f"EnsembleResult({self.settings['scenario']!r}, {parts})"

    def _repr_html_(self) -> str:
        """A small summary for notebooks: the settings and the famine toll's band."""
        rows = self._headline()
        toll = self.bands[self.bands["series"] == "famine_excess_deaths_ussr"]
        if not toll.empty:
            q = toll.iloc[0]
            rows.append(
                ("famine deaths 1932-33",
                 f"{q['q50']:.2f} mn (5-95%: {q['q05']:.2f}-{q['q95']:.2f})")
            )
        return html_summary(f"Ensemble of {self.settings['scenario']}", rows)


def __getattr__(name: str) -> Any:
    if name == "Ensemble":
        import warnings

        warnings.warn(
            "gosplan.analysis.ensemble.Ensemble is now EnsembleResult; the old name goes in "
            "the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return EnsembleResult
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def parameters_of(
    jobs: Sequence[MemberJob], units: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the members of ``jobs`` draw (member, parameter, value, unit) and their seeds."""
    rows = [
        (job.index, name, value, units.get(name, ""))
        for job in jobs
        for name, value in zip(job.names, job.values, strict=True)
    ]
    parameters = pd.DataFrame(
        {
            "member": np.array([r[0] for r in rows], dtype=np.int64),
            "parameter": pd.array([r[1] for r in rows], dtype="str"),
            "value": np.array([r[2] for r in rows], dtype=np.float64),
            "unit": pd.array([r[3] for r in rows], dtype="str"),
        }
    )
    draws = pd.DataFrame(
        {
            "member": np.array([j.index for j in jobs], dtype=np.int64),
            "seed": np.array([j.seed for j in jobs], dtype=np.int64),
            "weather_seed": pd.array([j.weather_seed for j in jobs], dtype="Int64"),
        }
    )
    return parameters, draws


def _member_path(folder: Path, index: int) -> Path:
    return folder / MEMBERS / f"member-{index:06d}.parquet"


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    _write_bytes(_parquet_bytes(frame), path)


def _write_bytes(data: bytes, path: Path) -> None:
    with atomic_file(path) as tmp:
        tmp.write_bytes(data)


def _check_folder(folder: Path, settings: dict[str, Any]) -> None:
    """Refuse an out folder that is not ours, or an ensemble with other settings."""
    if not folder.exists():
        if not folder.parent.is_dir():
            raise OutputError(f"--out {folder}: folder {str(folder.parent)!r} does not exist")
        if not os.access(folder.parent, os.W_OK | os.X_OK):
            raise OutputError(f"--out {folder}: folder {str(folder.parent)!r} is not writable")
        return
    if not folder.is_dir():
        raise OutputError(f"--out {folder}: exists and is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"--out {folder}: folder is not writable")
    manifest = folder / MANIFEST
    if not manifest.is_file():
        if any(folder.iterdir()):
            raise OutputError(f"--out {folder}: folder is not empty and holds no {MANIFEST}")
        return
    found = _load_manifest(manifest)
    for key in ("format", "scenario", "runs", "seed", "vary", "years", "sets", "uncertainty"):
        if found.get(key) != settings[key]:
            raise InputFileError(
                f"{manifest}: {key} is {json.dumps(found.get(key))} for the members already "
                f"written; got {json.dumps(settings[key])} (use the same settings to resume, "
                "or another --out)"
            )


def check_counts(where: str, **counts: tuple[object, int]) -> None:
    """Refuse a count that is not an integer in ``1..bound`` (``name=(value, bound)``).

    ``None`` means not given. Messages name the Python parameter (the command line checks
    its options, with their own names, before it calls the workflow).
    """
    for name, (value, bound) in counts.items():
        if value is not None:
            integer(value, name, where, low=1, high=bound)


def check_common(
    where: str,
    *,
    seed: object,
    timeout: object,
    sets: object,
    scheduler: object,
    client: object,
    progress: object,
) -> None:
    """The arguments ``run_ensemble`` and ``sensitivity`` share, checked before any work."""
    integer(seed, "seed", where, low=0, high=MAX_SEED)
    number(timeout, "timeout", where, low=0.0, high=MAX_TIMEOUT)
    if isinstance(sets, str) or not isinstance(sets, Sequence) or not all(
        isinstance(item, str) for item in sets
    ):
        raise ParameterTypeError(f"{where}: sets must be a list of 'policy.NAME.YEAR=VALUE' "
                                 f"strings; got {shown(sets)}")
    instance(scheduler, str, "scheduler", where, optional=True)
    if client is not None and not hasattr(client, "submit"):
        raise ParameterTypeError(f"{where}: client must be a distributed.Client or None; "
                                 f"got {type(client).__name__} {shown(client)}")
    if progress is not None and not callable(progress):
        raise ParameterTypeError(f"{where}: progress must be a function (done, total) or "
                                 f"None; got {shown(progress)}")


def _settings(
    scenario: str,
    runs: int,
    seed: int,
    vary: tuple[str, ...],
    years: tuple[int, int],
    sets: Sequence[str],
    uncertainty: Uncertainty | None,
) -> dict[str, Any]:
    return {
        "format": _FORMAT,
        "scenario": scenario,
        "runs": runs,
        "seed": seed,
        "vary": list(vary),
        "years": list(years),
        "sets": list(sets),
        "uncertainty": (
            None
            if uncertainty is None
            else [[p.name, p.low, p.high, p.distribution] for p in uncertainty.parameters]
        ),
    }


def run_ensemble(
    scenario: str = "ussr-1928",
    runs: int = 100,
    *,
    out: str | Path = "gosplan-ensemble",
    seed: int = 0,
    vary: str | Sequence[str] = ("weather", "parameters"),
    years: tuple[int, int] | None = None,
    sets: Sequence[str] = (),
    scheduler: str | None = None,
    workers: int | None = None,
    timeout: float = 10.0,
    batch: int = 1,
    client: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> EnsembleResult:
    """Run (or resume) an ensemble of ``runs`` seeded members of ``scenario`` into ``out``.

    The defaults are ``gosplan ensemble``'s: 100 members drawing both the weather and the
    uncertain parameters, into ``gosplan-ensemble``.
    Everything is checked before anything is written: a bad input leaves no folder behind.
    ``client`` (a ``distributed.Client``) overrides ``scheduler``/``workers``;
    ``progress(done, total)`` is called as members finish (finished ones count as done).
    """
    where = "run_ensemble"
    instance(scenario, str, "scenario", where)
    integer(runs, "runs", where, low=1, high=MAX_RUNS)
    check_counts(where, batch=(batch, MAX_BATCH), workers=(workers, MAX_WORKERS))
    check_common(where, seed=seed, timeout=timeout, sets=sets, scheduler=scheduler,
                 client=client, progress=progress)
    if not isinstance(out, str | PathLike):
        raise ParameterTypeError(f"{where}: out must be a folder path (str or Path); "
                                 f"got {type(out).__name__} {shown(out)}")
    if not isinstance(vary, str | Sequence) or not all(isinstance(v, str) for v in vary):
        raise ParameterTypeError(f"{where}: vary must be 'weather', 'parameters' or both "
                                 f"(a string or a list); got {shown(vary)}")
    if years is not None and not (
        isinstance(years, tuple | list) and len(years) == 2
        and all(isinstance(y, int) and not isinstance(y, bool) for y in years)
    ):
        raise ParameterTypeError(f"{where}: years must be None or (first, last) as two "
                                 f"integers; got {shown(years)}")
    what = parse_vary(vary)
    sc = load_scenario(scenario, sets)
    span = scenario_years(sc, years)
    check_set_years(sets, span[0], span[1])
    uncertainty = load_uncertainty(sc) if "parameters" in what else None
    if uncertainty is not None:
        _check_sets(sets, uncertainty.names)
    folder = Path(out)
    settings = _settings(scenario, runs, seed, what, span, sets, uncertainty)
    _check_folder(folder, settings)
    missing = [i for i in range(runs) if not _member_path(folder, i).is_file()]
    # Every member's draws (cheap: a few numbers each), those found finished included.
    every = member_jobs(
        scenario, range(runs), seed=seed, vary=what, years=span, sets=sets,
        uncertainty=uncertainty,
    )
    jobs = [every[i] for i in missing]
    units = {n: str(sc.parameters.get(n, {}).get("unit", "")) for n in every[0].names}
    parameters, draws = parameters_of(every, units)
    # Nothing left to compute needs no cluster (a scheduler address is still checked).
    idle = not jobs and client is None and scheduler is None
    with _serial() if idle else use_client(client, scheduler, workers, timeout) as active:
        folder.mkdir(exist_ok=True)
        (folder / MEMBERS).mkdir(exist_ok=True)
        if not (folder / MANIFEST).is_file():
            write_text(folder / MANIFEST, json.dumps(settings, indent=2) + "\n")
        done = [runs - len(missing)]
        if progress is not None:
            progress(done[0], runs)
        blobs: dict[int, bytes] = {}

        def keep(result: MemberResult) -> None:
            _write_bytes(result.parquet, _member_path(folder, result.index))
            blobs[result.index] = result.parquet
            done[0] += 1
            if progress is not None:
                progress(done[0], runs)

        try:
            map_completed(active, encoded_members, jobs, batch=batch, on_result=keep)
        except GosplanError:
            raise
        except Exception as exc:
            raise GosplanError(
                f"ensemble: a member failed ({type(exc).__name__}: {str(exc)[:200]}); "
                f"{done[0]} of {runs} members are kept in {folder / MEMBERS}: rerun to resume"
            ) from exc
    members = _assemble(folder, runs, blobs)
    bands = quantile_bands(members)
    _write_parquet(members, folder / "members.parquet")
    _write_parquet(bands, folder / "bands.parquet")
    with atomic_file(folder / "bands.csv") as tmp:
        bands.to_csv(tmp, index=False, float_format="%.6g")
    _write_parquet(parameters, folder / "parameters.parquet")
    # Every digit (pandas writes the shortest text that reads back exactly): a member reruns
    # from the file bit for bit.
    with atomic_file(folder / "parameters.csv") as tmp:
        parameters.to_csv(tmp, index=False)
    with atomic_file(folder / "draws.csv") as tmp:
        draws.to_csv(tmp, index=False)
    return EnsembleResult(
        folder=folder,
        settings=settings,
        members=members,
        bands=bands,
        computed=len(missing),
        skipped=runs - len(missing),
        parameters=parameters,
        draws=draws,
    )


@contextmanager
def use_client(
    client: Any, scheduler: str | None, workers: int | None, timeout: float
) -> Iterator[Any]:
    """The client given, or one from :func:`connect` (closed on leaving)."""
    if client is not None:
        yield client
        return
    with connect(scheduler, workers=workers, timeout=timeout) as made:
        yield made


def _assemble(folder: Path, runs: int, blobs: dict[int, bytes]) -> pd.DataFrame:
    """All members, in order: those of this call from memory, the others from their files."""
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = []
    for i in range(runs):
        if i in blobs:
            tables.append(pq.read_table(io.BytesIO(blobs[i])))
            continue
        path = _member_path(folder, i)
        try:
            table = pq.read_table(path)
            if tuple(table.column_names) != MEMBER_COLUMNS:
                raise ValueError(f"columns {table.column_names}, expected {list(MEMBER_COLUMNS)}")
        except (OSError, ValueError, pa.ArrowException) as exc:
            raise InputFileError(
                f"{path}: not a readable member file ({_first_line(exc)}); delete it and rerun "
                "to compute it again"
            ) from None
        tables.append(table)
    frame: pd.DataFrame = pa.concat_tables(tables).to_pandas()
    return frame


def _first_line(exc: BaseException) -> str:
    """The first line of an exception's message, at most 200 characters."""
    lines = str(exc).splitlines()
    return (lines[0] if lines else type(exc).__name__)[:200]


@contextmanager
def _serial() -> Iterator[Any]:
    yield None


def quantile_bands(members: pd.DataFrame) -> pd.DataFrame:
    """Quantiles (5, 25, 50, 75, 95%) and mean over members, by series and year."""
    ordered = members.sort_values(["series", "year", "member"], kind="stable")
    units = (
        ordered.drop_duplicates("series").set_index("series")["unit"].to_dict()
        if "unit" in ordered.columns
        else {}
    )
    rows = []
    for key, group in ordered.groupby(["series", "year"], sort=True):
        name, year = cast("tuple[str, int]", key)
        values = group["value"].to_numpy(dtype=np.float64)
        qs = np.quantile(values, _QUANTILES)
        rows.append(
            (str(name), str(units.get(name, "")), int(year), *(float(q) for q in qs),
             float(values.mean()))
        )
    frame = pd.DataFrame(rows, columns=list(BAND_COLUMNS))
    return frame.astype({"series": str, "unit": str, "year": "int64"})


def _finished(folder: str | Path, name: str) -> Path:
    """The file ``name`` of a finished ensemble folder, or a one-line error naming it."""
    path = Path(folder) / name
    if not path.is_file():
        raise InputFileError(f"{path}: file not found (not a finished ensemble folder)")
    return path


def read_bands(folder: str | Path) -> pd.DataFrame:
    """The quantile bands of a finished ensemble folder (series, unit, year, q05 ... mean)."""
    return pd.read_parquet(_finished(folder, "bands.parquet"))


def read_members(folder: str | Path) -> pd.DataFrame:
    """The members of a finished ensemble folder (member, seed, series, unit, year, value)."""
    return pd.read_parquet(_finished(folder, "members.parquet"))


def read_parameters(folder: str | Path) -> pd.DataFrame:
    """What each member of a finished ensemble folder drew (member, parameter, value, unit)."""
    return pd.read_parquet(_finished(folder, "parameters.parquet"))


def read_draws(folder: str | Path) -> pd.DataFrame:
    """Each member's seeds in a finished ensemble folder (member, seed, weather_seed)."""
    path = _finished(folder, "draws.csv")
    return pd.read_csv(path, dtype={"member": "int64", "seed": "int64", "weather_seed": "Int64"})


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The settings an ensemble folder was made with."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise InputFileError(f"{path}: file not found (not an ensemble folder)")
    return _load_manifest(path)


def _load_manifest(path: Path) -> dict[str, Any]:
    """The manifest's settings; a damaged one is a one-line error naming it and the fault."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"{path}: not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno}); "
            "delete the folder or use another --out"
        ) from None
    except (RecursionError, ValueError) as exc:
        raise InputFileError(f"{path}: not valid JSON ({type(exc).__name__})") from None
    if not isinstance(doc, dict):
        raise InputFileError(
            f"{path}: must hold a JSON object of settings; got a {type(doc).__name__} "
            "(delete the folder or use another --out)"
        )
    if doc.get("format") != _FORMAT:
        raise InputFileError(
            f"{path}: format must be {_FORMAT}; got {json.dumps(doc.get('format'))[:80]} "
            "(not an ensemble manifest of this version; delete the folder or use another --out)"
        )
    return doc

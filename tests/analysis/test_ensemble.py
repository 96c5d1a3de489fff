"""Ensembles on a real local Dask cluster: seeding, workers, a killed worker, resume."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from gosplan.analysis.ensemble import (
    MANIFEST,
    EnsembleResult,
    member_frame,
    member_jobs,
    member_seed,
    read_bands,
    read_draws,
    read_members,
    read_parameters,
    run_ensemble,
    run_member,
)
from gosplan.analysis.run import run_scenario
from gosplan.errors import GosplanError, InputFileError
from gosplan.scenarios.uncertainty import load_uncertainty

YEARS = (1928, 1933)
RUNS = 10
BOTH = ("weather", "parameters")


def member_files(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.name: (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted((folder / "members").glob("member-*.parquet"))
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, cluster2: Any) -> Path:
    """An ensemble of RUNS members on two workers."""
    folder = tmp_path_factory.mktemp("ens") / "two"
    run_ensemble("ussr-1928", RUNS, out=folder, seed=3, vary=BOTH, years=YEARS, client=cluster2)
    return folder


def test_member_seed_depends_on_base_and_index_only() -> None:
    seeds = [member_seed(5, i) for i in range(50)]
    assert len(set(seeds)) == 50
    assert seeds == [member_seed(5, i) for i in range(50)]
    assert seeds[:10] != [member_seed(6, i) for i in range(10)]
    spawned = np.random.SeedSequence(5).spawn(3)[2].generate_state(1, np.uint64)[0]
    assert seeds[2] == int(spawned >> np.uint64(1))
    assert all(0 <= s < 2**63 for s in seeds)


@pytest.mark.slow
def test_a_member_is_the_run_with_its_seed_and_drawn_parameters() -> None:
    """The cached fast path gives the same bits as ``run_scenario`` with --set and --seed."""
    unc = load_uncertainty("ussr-1928")
    for job in member_jobs("ussr-1928", [0, 7], seed=11, vary=BOTH, years=(1928, 1935),
                           uncertainty=unc):
        assert job.names == unc.names
        mine = member_frame(run_member(job))
        sets = [f"param.{n}={v!r}" for n, v in zip(job.names, job.values, strict=True)]
        run = run_scenario("ussr-1928", years=(1928, 1935), seed=job.seed, sets=sets)
        ref = run.frame[run.frame["kind"] == "simulated"]
        ref = ref.sort_values(["series", "year"], kind="stable", ignore_index=True)
        assert mine["series"].tolist() == ref["series"].tolist()
        assert mine["year"].tolist() == ref["year"].tolist()
        assert np.array_equal(mine["value"].to_numpy(), ref["value"].to_numpy())


def test_draws_differ_by_member_and_stay_in_their_spans() -> None:
    unc = load_uncertainty("ussr-1928")
    jobs = member_jobs("ussr-1928", range(40), seed=0, vary=BOTH, years=YEARS, uncertainty=unc)
    values = np.array([j.values for j in jobs])
    low = np.array([p.low for p in unc.parameters])
    high = np.array([p.high for p in unc.parameters])
    assert (values >= low).all()
    assert (values <= high).all()
    assert len({j.values for j in jobs}) == 40
    # Only the weather: every member keeps the parameters of the file.
    weather = member_jobs("ussr-1928", range(3), seed=0, vary=("weather",), years=YEARS)
    assert all(j.names == () and j.weather for j in weather)


def test_same_members_on_one_and_two_workers(
    reference: Path, cluster1: Any, tmp_path: Path
) -> None:
    one = tmp_path / "one"
    result = run_ensemble(
        "ussr-1928", RUNS, out=one, seed=3, vary=BOTH, years=YEARS, client=cluster1
    )
    assert result.computed == RUNS
    two = read_members(reference)
    pd.testing.assert_frame_equal(result.members, two, check_exact=True)
    assert {k: v[1] for k, v in member_files(one).items()} == {
        k: v[1] for k, v in member_files(reference).items()
    }
    pd.testing.assert_frame_equal(read_bands(one), read_bands(reference), check_exact=True)
    # The draws too: the same seed, the same parameters, bit for bit.
    pd.testing.assert_frame_equal(result.parameters_frame(), read_parameters(reference),
                                  check_exact=True)
    assert (one / "parameters.csv").read_bytes() == (reference / "parameters.csv").read_bytes()
    assert (one / "draws.csv").read_bytes() == (reference / "draws.csv").read_bytes()
    # ... and the same as the members run here, one after another, without Dask.
    unc = load_uncertainty("ussr-1928")
    jobs = member_jobs("ussr-1928", range(RUNS), seed=3, vary=BOTH, years=YEARS,
                       uncertainty=unc)
    serial = pd.concat([member_frame(run_member(j)) for j in jobs], ignore_index=True)
    pd.testing.assert_frame_equal(serial, two, check_exact=True)


def test_members_differ_and_bands_are_ordered(reference: Path) -> None:
    members = read_members(reference)
    assert list(members.columns) == ["member", "seed", "series", "unit", "year", "value"]
    assert sorted(members["member"].unique().tolist()) == list(range(RUNS))
    toll = members[members["series"] == "famine_excess_deaths_ussr"]["value"]
    assert toll.nunique() == RUNS
    bands = read_bands(reference)
    q = bands[["q05", "q25", "q50", "q75", "q95"]].to_numpy()
    assert (np.diff(q, axis=1) >= 0).all()
    harvest = bands[(bands["series"] == "grain_harvest") & (bands["year"] == 1932)]
    assert float(harvest["q95"].iloc[0]) > float(harvest["q05"].iloc[0])
    manifest = json.loads((reference / MANIFEST).read_text())
    assert manifest["runs"] == RUNS
    assert manifest["vary"] == list(BOTH)


@pytest.fixture(scope="module")
def finished(reference: Path) -> EnsembleResult:
    """The reference ensemble as Python sees it (all members on disk: no cluster starts)."""
    result = run_ensemble("ussr-1928", RUNS, out=reference, seed=3, vary=BOTH, years=YEARS)
    assert (result.computed, result.skipped) == (0, RUNS)
    return result


def test_each_member_records_what_it_drew_with_units(finished: EnsembleResult) -> None:
    drawn = finished.parameters_frame()
    unc = load_uncertainty("ussr-1928")
    assert list(drawn.columns) == ["member", "parameter", "value", "unit"]
    assert len(drawn) == RUNS * len(unc.names)
    threshold = drawn[drawn["parameter"] == "famine_threshold"]
    assert set(threshold["unit"]) == {
        "t grain-equivalent per rural head per year below which excess deaths begin"
    }
    jobs = member_jobs("ussr-1928", range(RUNS), seed=3, vary=BOTH, years=YEARS,
                       uncertainty=unc)
    for job in jobs:
        mine = drawn[drawn["member"] == job.index]
        assert tuple(mine["parameter"]) == job.names
        assert tuple(mine["value"]) == job.values
    draws = finished.draws_frame()
    assert draws["member"].tolist() == list(range(RUNS))
    assert draws["weather_seed"].tolist() == [j.seed for j in jobs]
    pd.testing.assert_frame_equal(read_draws(finished.folder), draws)
    # The CSV keeps every digit: a member reruns from the file alone.
    csv = pd.read_csv(finished.folder / "parameters.csv")
    assert np.array_equal(csv["value"].to_numpy(), drawn["value"].to_numpy())


@pytest.mark.slow
def test_a_member_reruns_bit_for_bit_from_its_recorded_draws(finished: EnsembleResult) -> None:
    member = 4
    drawn = finished.parameters_frame()
    mine = drawn[drawn["member"] == member]
    seed = finished.draws_frame().set_index("member").loc[member, "weather_seed"]
    sets = [f"param.{n}={v!r}" for n, v in zip(mine["parameter"], mine["value"], strict=True)]
    run = run_scenario("ussr-1928", years=YEARS, seed=int(seed), sets=sets)
    ref = run.frame[run.frame["kind"] == "simulated"]
    ref = ref.sort_values(["series", "year"], kind="stable", ignore_index=True)
    ours = finished.to_frame()
    ours = ours[ours["member"] == member].reset_index(drop=True)
    assert ours["series"].tolist() == ref["series"].tolist()
    assert ours["unit"].tolist() == ref["unit"].tolist()
    assert np.array_equal(ours["value"].to_numpy(), ref["value"].to_numpy())


def test_ensemble_frames_and_xarray_agree(finished: EnsembleResult) -> None:
    pytest.importorskip("xarray")
    frame = finished.to_frame()
    assert list(frame.columns) == ["member", "series", "unit", "year", "value"]
    data = finished.to_xarray()
    assert data.dims == ("member", "series", "year")
    assert data["member"].values.tolist() == list(range(RUNS))
    assert data["unit"].sel(series="grain_harvest").item() == "mt"
    row = frame[(frame["member"] == 2) & (frame["series"] == "grain_harvest")
                & (frame["year"] == 1932)]
    assert data.sel(member=2, series="grain_harvest", year=1932).item() == row["value"].item()
    drawn = finished.parameters_frame()
    value = drawn[(drawn["member"] == 2) & (drawn["parameter"] == "yield_base")]["value"].item()
    assert data["yield_base"].sel(member=2).item() == value
    assert data["seed"].sel(member=2).item() == member_seed(3, 2)
    bands = finished.bands
    assert bands.columns.tolist()[:3] == ["series", "unit", "year"]
    assert set(bands.loc[bands["series"] == "grain_harvest", "unit"]) == {"mt"}
    assert repr(finished).startswith("EnsembleResult('ussr-1928', members=10, seed=3")
    assert "famine deaths 1932-33" in finished._repr_html_()


def test_the_old_name_still_works_with_a_warning() -> None:
    import gosplan.analysis.ensemble as module

    with pytest.warns(DeprecationWarning, match="now EnsembleResult"):
        assert module.Ensemble is EnsembleResult


# A SIGKILLed worker makes the nanny and the scheduler log and, at times, a worker's
# shutdown leaves a socket to the garbage collector: both are the scenario under test.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_killed_worker_loses_no_finished_member(
    reference: Path, cluster2: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "killed"
    pids: dict[str, int] = cluster2.run(os.getpid)
    victim = sorted(pids.values())[0]
    seen: dict[str, tuple[int, bytes]] = {}
    killed = []

    def progress(done: int, total: int) -> None:
        if done == 3 and not killed:
            seen.update(member_files(folder))
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    result = run_ensemble(
        "ussr-1928", RUNS, out=folder, seed=3, vary=BOTH, years=YEARS, client=cluster2,
        progress=progress,
    )
    assert killed
    assert len(seen) == 3
    after = member_files(folder)
    assert len(after) == RUNS
    for name, stamp in seen.items():
        assert after[name] == stamp
    pd.testing.assert_frame_equal(result.members, read_members(reference), check_exact=True)
    cluster2.wait_for_workers(2, timeout=60)


def test_resume_computes_only_the_missing_members(
    reference: Path, cluster2: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "resume"
    run_ensemble("ussr-1928", RUNS, out=folder, seed=3, vary=BOTH, years=YEARS, client=cluster2)
    for name in ("member-000002.parquet", "member-000005.parquet"):
        (folder / "members" / name).unlink()
    (folder / "members.parquet").unlink()
    before = member_files(folder)
    calls: list[int] = []
    again = run_ensemble(
        "ussr-1928", RUNS, out=folder, seed=3, vary=BOTH, years=YEARS, client=cluster2,
        progress=lambda done, total: calls.append(done),
    )
    assert (again.computed, again.skipped) == (2, RUNS - 2)
    assert calls == [RUNS - 2, RUNS - 1, RUNS]
    after = member_files(folder)
    for name, stamp in before.items():
        assert after[name] == stamp
    assert len(after) == RUNS
    pd.testing.assert_frame_equal(again.members, read_members(reference), check_exact=True)
    # All finished: nothing to compute, no cluster needed.
    third = run_ensemble("ussr-1928", RUNS, out=folder, seed=3, vary=BOTH, years=YEARS)
    assert (third.computed, third.skipped) == (0, RUNS)


@pytest.mark.parametrize(
    ("change", "field"),
    [({"runs": RUNS + 1}, "runs"), ({"seed": 4}, "seed"), ({"vary": ("weather",)}, "vary")],
)
def test_resume_with_other_settings_is_refused(
    reference: Path, change: dict[str, Any], field: str
) -> None:
    before = member_files(reference)
    settings: dict[str, Any] = {"runs": RUNS, "seed": 3, "vary": BOTH, **change}
    runs = settings.pop("runs")
    with pytest.raises(InputFileError, match=rf"manifest.json: {field} is .*; got"):
        run_ensemble("ussr-1928", runs, out=reference, years=YEARS, **settings)
    assert member_files(reference) == before


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"runs": 0}, "run_ensemble: runs must be an integer in [1, 100000]; got 0"),
        ({"runs": 100_001}, "run_ensemble: runs must be an integer in [1, 100000]; got 100001"),
        ({"workers": 0}, "run_ensemble: workers must be an integer in [1, 256]; got 0"),
        ({"workers": 257}, "run_ensemble: workers must be an integer in [1, 256]; got 257"),
        ({"batch": 10_001}, "run_ensemble: batch must be an integer in [1, 10000]; got 10001"),
        ({"seed": -1}, "run_ensemble: seed must be an integer in [0, 9223372036854775807]; got -1"),
        ({"seed": 2**63}, "seed must be an integer in [0, 9223372036854775807]; got an integer"),
        ({"vary": "rain"}, "--vary 'rain'"),
        ({"scenario": "nowhere"}, "nowhere: no such scenario"),
        ({"years": (1920, 1930)}, "--years 1920:1930: outside scenario"),
        ({"sets": ("param.famine_threshold=0.25",)}, "is drawn by --vary parameters"),
    ],
)
def test_bad_input_writes_nothing(tmp_path: Path, kwargs: dict[str, Any], fragment: str) -> None:
    args: dict[str, Any] = {"scenario": "ussr-1928", "runs": 4, "vary": BOTH, **kwargs}
    with pytest.raises(GosplanError) as info:
        run_ensemble(args.pop("scenario"), args.pop("runs"), out=tmp_path / "e", **args)
    assert isinstance(info.value, ValueError)
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)
    assert not (tmp_path / "e").exists()


def test_unrelated_folder_is_not_written(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OSError, match=r"holds no manifest\.json"):
        run_ensemble("ussr-1928", 2, out=tmp_path, years=YEARS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.slow
def test_an_unreachable_scheduler_is_a_scheduler_error() -> None:
    from gosplan.analysis.ensemble import connect
    from gosplan.errors import SchedulerError

    with pytest.raises(SchedulerError, match="cannot reach it within 1 s"), connect(
        "tcp://127.0.0.1:9", timeout=1
    ):
        pass


@pytest.mark.slow
def test_a_weather_only_ensemble_draws_no_parameters(tmp_path: Path) -> None:
    """Without --vary parameters: no parameter rows, and the weather's seed per member."""
    from gosplan.analysis.ensemble import parameters_of, quantile_bands

    jobs = member_jobs("ussr-1928", range(2), seed=1, vary=("weather",), years=YEARS)
    parameters, draws = parameters_of(jobs, {})
    assert list(parameters.columns) == ["member", "parameter", "value", "unit"]
    assert parameters.empty
    assert draws["weather_seed"].tolist() == [member_seed(1, 0), member_seed(1, 1)]
    members = pd.concat([member_frame(run_member(j)) for j in jobs], ignore_index=True)
    result = EnsembleResult(
        folder=tmp_path, settings={"scenario": "ussr-1928", "runs": 2, "seed": 1,
                                   "vary": ["weather"], "years": list(YEARS)},
        members=members, bands=quantile_bands(members), computed=2, skipped=0,
        parameters=parameters, draws=draws,
    )
    pytest.importorskip("xarray")
    data = result.to_xarray()
    assert data.dims == ("member", "series", "year")
    assert set(data.coords) == {"member", "series", "year", "unit", "seed"}
    # Parameters only: the scenario's weather, no weather seed.
    only = member_jobs("ussr-1928", range(2), seed=1, vary=("parameters",), years=YEARS,
                       uncertainty=load_uncertainty("ussr-1928"))
    assert parameters_of(only, {})[1]["weather_seed"].isna().all()

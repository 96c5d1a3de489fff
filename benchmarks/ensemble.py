"""Ensembles on Dask: N members of 1928-1937 (weather and parameters drawn), 1 and W workers.

Run on demand: ``python benchmarks/ensemble.py [--runs 1000] [--workers 2] [--batch 25]``.
Measures, in the same run and on the same members:

- the serial baseline: the members one after another in this process, no Dask;
- ``run_ensemble`` on a local cluster of 1 worker and of W workers (processes, one thread
  each), one member per task: the wall time from submitting to the last member's file and
  the bands written (the cluster's start-up is shown apart);
- the same on W workers with ``--batch`` members per task.

Prints a table (mode, workers, members, wall s, members/s, speed-up over 1 worker) and
checks that every way gives the same members, bit for bit.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import pandas as pd
from distributed import Client, LocalCluster

from gosplan.analysis.ensemble import member_frame, member_jobs, run_ensemble, run_member
from gosplan.scenarios.uncertainty import load_uncertainty

YEARS = (1928, 1937)
VARY = ("weather", "parameters")


def serial(runs: int, seed: int) -> tuple[float, pd.DataFrame]:
    unc = load_uncertainty("ussr-1928")
    jobs = member_jobs("ussr-1928", range(runs), seed=seed, vary=VARY, years=YEARS,
                       uncertainty=unc)
    run_member(jobs[0])  # read the scenario files once, as a worker does
    start = time.perf_counter()
    frames = [member_frame(run_member(j)) for j in jobs]
    wall = time.perf_counter() - start
    return wall, pd.concat(frames, ignore_index=True)


def on_cluster(
    runs: int, seed: int, workers: int, batch: int, folder: Path
) -> tuple[float, float, pd.DataFrame]:
    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(workers)
        startup = time.perf_counter() - start
        start = time.perf_counter()
        result = run_ensemble(
            "ussr-1928", runs, out=folder, seed=seed, vary=VARY, years=YEARS, batch=batch,
            client=client,
        )
        wall = time.perf_counter() - start
    return startup, wall, result.members


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=25, help="members per task (0: skip)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rows = []
    base, reference = serial(args.runs, args.seed)
    rows.append(("serial loop, no Dask", 1, args.runs, base, 0.0))
    with tempfile.TemporaryDirectory() as tmp:
        walls = {}
        plans = [("one member per task", 1, 1), ("one member per task", args.workers, 1)]
        if args.batch > 1:
            plans.append((f"{args.batch} members per task", args.workers, args.batch))
        for k, (mode, workers, batch) in enumerate(plans):
            startup, wall, members = on_cluster(
                args.runs, args.seed, workers, batch, Path(tmp) / f"e{k}"
            )
            pd.testing.assert_frame_equal(members, reference, check_exact=True)
            walls[(workers, batch)] = wall
            rows.append((mode, workers, args.runs, wall, startup))

    one = walls[(1, 1)]
    print(f"{args.runs} members of ussr-1928, {YEARS[0]}-{YEARS[1]}, varying weather and "
          "parameters; every way gave the same members, bit for bit")
    print(f"{'mode':24} {'workers':>7} {'members':>8} {'wall s':>8} {'members/s':>10} "
          f"{'speed-up':>9} {'start s':>8}")
    for mode, workers, runs, wall, startup in rows:
        speed = f"{one / wall:.2f}x" if mode != "serial loop, no Dask" else "baseline"
        print(f"{mode:24} {workers:>7} {runs:>8} {wall:>8.1f} {runs / wall:>10.1f} "
              f"{speed:>9} {startup:>8.1f}")
    print(f"speed-up 1 -> {args.workers} workers (one member per task): "
          f"{one / walls[(args.workers, 1)]:.2f}x")


if __name__ == "__main__":
    main()

"""The aggregate simulator's speed: one run of 1928-1937, against the engine's own solves.

Run on demand: ``python benchmarks/simulate.py [--repeat 20]``. Prints the best-of-N time
of: loading the scenarios; simulating 1928-1932 and 1928-1937 (chained into the Second
Plan); and, as the baseline measured in the same run, one balanced-plan solve of the
8-product economy the planner calls twice a year. Reports ratios.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from gosplan import balance
from gosplan.analysis.run import run_scenario
from gosplan.scenarios.simfiles import load_scenario
from gosplan.sim.engine import simulate


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    sc = load_scenario("ussr-1928")
    spec = sc.spec
    y = spec.base_final_demand
    rows = [
        ("one balance solve (baseline)", best(lambda: balance(spec.economy, y), args.repeat)),
        ("load scenario ussr-1928", best(lambda: load_scenario("ussr-1928"), args.repeat)),
        ("simulate 1928-1932", best(lambda: simulate(spec), args.repeat)),
        ("simulate 1928-1932, weather drawn",
         best(lambda: simulate(replace(spec), np.random.default_rng(1)), args.repeat)),
        ("run 1928-1937 (load, chain, tidy, fit)",
         best(lambda: run_scenario("ussr-1928", years=(1928, 1937)), max(3, args.repeat // 5))),
    ]
    base = rows[0][1]
    print(f"{'what':42} {'seconds':>10} {'x baseline':>11}")
    for name, seconds in rows:
        print(f"{name:42} {seconds:10.4f} {seconds / base:11.1f}")


if __name__ == "__main__":
    main()

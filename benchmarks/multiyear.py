"""Five-year plans on generated economies with capital: HiGHS's methods side by side.

Run on demand (not part of the test suite), from the repository root with gosplan
installed (``pip install -e .``)::

    python benchmarks/multiyear.py                               # 200 .. 10^4 products
    python benchmarks/multiyear.py --sizes 200,1000 --inputs 2,20 --cap 120

Every (size, inputs, method) runs in a fresh subprocess on the same economy,
``generate_economy(n, inputs, seed=0, capital=True)``, planned over five years with targets
growing 5 % a year and a construction lag of one year (``multiyear_plan(..., years=5)``,
objective: the worst year's fulfilment). Methods: ``simplex``, HiGHS's dual simplex from
the crash basis of :mod:`gosplan.core.multiyear_basis` (no time limit: the subprocess's
wall clock is its cap); ``simplex_cold``, the same from the slack basis, as gosplan solved
it before; ``ipm``; and ``pdlp``, which, where it stops at the cap, returns its last point
made a feasible plan, with a bound on the optimum from its prices
(:mod:`gosplan.core.multiyear_repair`). The baseline, measured in the same run on the same
economy, is the single-year optimal plan of the first year's targets by its closed form
(two linear solves): the least work any plan of that economy takes. Printed per run: wall
time of the plan (generation not included), its ratio to the baseline, status, the worst
year's fulfilment and its gap to the best exact method's at that size, the bound on the
optimum where the plan is not proven optimal (and the gap it certifies), iterations, and
the worker's peak resident memory. A method that hit the cap is skipped at larger sizes.
The goal of the planners' engine is a five-year plan of 10^4 products in at most 60 s.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from typing import Any

from _proc import peak_bytes

SEED = 0
YEARS = 5
GROWTH = 0.05
METHODS = ("simplex", "simplex_cold", "ipm", "pdlp")


def worker(method: str, n: int, inputs: int, cap: float) -> dict[str, Any]:
    import numpy as np

    from gosplan import multiyear_plan, optimal_plan
    from gosplan.core.generate import generate_economy

    g = generate_economy(n, inputs, seed=SEED, capital=True)
    targets = g.targets[None, :] * (1 + GROWTH) ** np.arange(YEARS)[:, None]
    t0 = time.perf_counter()
    if method == "closed_form":
        plan = optimal_plan(g.economy, g.targets, lp_method="closed_form")
        seconds = time.perf_counter() - t0
        return {"status": plan.status.value, "seconds": seconds,
                "fulfilment": plan.fulfilment, "iterations": plan.iterations,
                "peak": peak_bytes()}
    if method == "simplex_cold":
        # How gosplan solved it before the crash basis: the dual simplex from the slack basis.
        import gosplan.core.multiyear_lp as internals

        internals.crash_basis = lambda *args, **kwargs: None  # type: ignore[assignment]
    # The warm-started simplex runs without a limit (the planner would not warm-start a
    # large economy under one: HiGHS does not read its clock while it factorises); the
    # subprocess's wall clock is its cap.
    limit = None if method == "simplex" else cap
    result = multiyear_plan(g.economy, targets, lag=1, time_limit=limit,
                            lp_method="simplex" if method == "simplex_cold" else method)
    seconds = time.perf_counter() - t0
    worst = None if result.fulfilment is None else float(np.min(result.fulfilment))
    return {"status": result.status.value, "seconds": seconds, "fulfilment": worst,
            "bound": result.fulfilment_bound, "iterations": result.iterations,
            "peak": peak_bytes()}


def _run(method: str, n: int, inputs: int, cap: float) -> dict[str, Any]:
    row: dict[str, Any] = {"n": n, "inputs": inputs, "method": method}
    cmd = [sys.executable, __file__, "--worker", method, str(n), str(inputs), str(cap)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=1.5 * cap + 60,
                              check=False)
    except subprocess.TimeoutExpired:
        row.update(status=f"> cap: killed after {1.5 * cap + 60:.0f} s")
        return row
    if done.returncode != 0:
        row.update(status=f"failed: {done.stderr.strip().splitlines()[-1:]}")
        return row
    row.update(json.loads(done.stdout.strip().splitlines()[-1]))
    return row


def _fmt(row: dict[str, Any], base: dict[str, Any] | None, best: float | None) -> str:
    s = row.get("seconds")
    f = row.get("fulfilment")
    ratio = (f"{s / base['seconds']:.0f}" if s is not None and base and base.get("seconds")
             else "")
    gap = f"{(best - f) / best:.1e}" if f is not None and best else ""
    b = row.get("bound")
    certified = f"{b:.6f} ({(b - f) / b:.1e})" if b is not None and f is not None else ""
    peak = f"{row['peak'] / 2**30:.2f} GiB" if row.get("peak") else ""
    return (f"| {row['n']:,} | {row['inputs']} | {row['method']} | {row['status']} | "
            f"{'' if s is None else f'{s:.3g}'} | {ratio} | "
            f"{'' if f is None else f'{f:.6f}'} | {gap} | {certified} | "
            f"{row.get('iterations', '')} | {peak} |")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="200,1000,10000")
    ap.add_argument("--inputs", default="2,20", help="comma-separated mean inputs per product")
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--cap", type=float, default=120.0, help="seconds per solve")
    ap.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        method, n, inputs, cap = args.worker
        print(json.dumps(worker(method, int(n), int(inputs), float(cap))))
        return
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    inputs_list = [int(k) for k in args.inputs.split(",")]
    methods = args.methods.split(",")
    print(f"# five-year plans, {time.strftime('%Y-%m-%d')}: {platform.machine()}, "
          f"Python {platform.python_version()}; generated economies with capital, seed {SEED}; "
          f"targets +{GROWTH:.0%} a year, lag 1; cap {args.cap:.0f} s per solve\n")
    print("| products | inputs | method | status | time (s) | × baseline | worst-year "
          "fulfilment | gap | bound (gap) | iterations | peak memory |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for k in inputs_list:
        stopped: set[str] = set()
        for n in sizes:
            base = _run("closed_form", n, k, args.cap)
            rows = []
            for m in methods:
                if m in stopped:
                    rows.append({"n": n, "inputs": k, "method": m,
                                 "status": "skipped: over the cap at a smaller size"})
                    continue
                row = _run(m, n, k, args.cap)
                if row["status"] != "optimal":
                    stopped.add(m)
                rows.append(row)
            exact = [r["fulfilment"] for r in rows
                     if r["method"] in ("simplex", "simplex_cold", "ipm")
                     and r["status"] == "optimal"]
            best = max(exact) if exact else None
            print(_fmt({**base, "method": "single year, closed form (baseline)"}, base, None))
            for r in rows:
                print(_fmt(r, base, best), flush=True)


if __name__ == "__main__":
    main()

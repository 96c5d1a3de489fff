"""Optimal plans on generated economies: the closed form, HiGHS and harmony, in one run.

Run on demand (not part of the test suite), from the repository root with gosplan
installed (``pip install -e .``)::

    python benchmarks/optimal.py                          # 10^3 .. 10^6
    python benchmarks/optimal.py --sizes 1e3,1e4 --cap 60 --methods closed_form,ipm

Every (size, method) runs in a fresh subprocess on the same generated economy
(``generate_economy(n, inputs=20, seed=0)``: capacities and labour sized to the targets,
so every limit binds at once, the most degenerate case there is). The methods:

* ``closed_form``: ``optimal_plan(lp_method="closed_form")``, two linear solves, no LP;
* ``simplex_warm``: ``optimal_plan(lp_method="simplex")``, HiGHS's dual simplex started from
  the closed-form basis;
* ``simplex_cold``: HiGHS's dual simplex from scratch on the same LP (how gosplan solved
  it before the closed form);
* ``ipm``, ``pdlp``: ``optimal_plan(lp_method=...)``, HiGHS's interior point (with
  crossover) and first-order PDLP;
* ``harmony``: ``gosplan.core.harmony.harmony_plan`` with its defaults and ``--cap`` as
  its time limit (it keeps every target within 0.5 % of λ* and spends the rest on
  harmony, so its fulfilment is below λ* by design). Stopped by the limit it still
  returns a feasible plan, so it is not skipped at larger sizes; its own duality gap per
  target says how far its harmony is from the best.

Each HiGHS solve gets ``--cap`` seconds as its time limit, and each subprocess a wall
clock limit above that (HiGHS does not look at the clock while it factorises); a method
that reached the cap at one size is skipped at larger ones, as is one whose time at the
previous size, scaled linearly with n (no method here does better), already exceeds the
cap. Printed per run: wall time of the call (the economy's generation not included),
the ratio to the baseline (the fastest exact method at that size: closed form, simplex
or interior point, status optimal and within 1e-6 of λ*), the fulfilment reached, its
relative gap to λ* (from the closed form, solved to a residual of 1e-13), iterations
(simplex, interior point and PDLP iterations; matrix passes for the closed form; price
search iterations for harmony), and the worker's peak resident memory during the solve
(the economy itself included: about 0.25 GiB per 10^6 products and 20 inputs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from typing import Any

from _proc import peak_bytes, reset_peak

INPUTS = 20
SEED = 0
METHODS = ("closed_form", "simplex_warm", "simplex_cold", "ipm", "pdlp", "harmony")
EXACT = ("closed_form", "simplex_warm", "simplex_cold", "ipm")
GOAL_GAP = 1e-6


# --- inside a worker ---------------------------------------------------------------------


def worker(method: str, n: int, cap: float) -> dict[str, Any]:
    """Generate the economy, time one method on it, and measure its gap to λ*."""
    from gosplan.core.closed_form import leontief_bound
    from gosplan.core.generate import generate_economy
    from gosplan.core.optimal import _model, optimal_plan
    from gosplan.core.solvers import solve_lp

    t = time.perf_counter()
    g = generate_economy(n, INPUTS, seed=SEED)
    generate_s = time.perf_counter() - t
    e, y = g.economy, g.targets
    row: dict[str, Any] = {"method": method, "n": n, "generate_s": generate_s}
    reset_peak()  # the peak below is the solve's (with the economy resident)
    t = time.perf_counter()
    if method == "harmony":
        from gosplan.core.harmony import harmony_plan

        h = harmony_plan(e, y, time_limit=cap)
        seconds = time.perf_counter() - t
        row |= {"status": str(h.status), "fulfilment": h.fulfilment, "iterations": h.iterations,
                "note": f"harmony's duality gap {h.duality_gap / max(int((y > 0).sum()), 1):.1e}"
                        " per target"}
    elif method == "simplex_cold":
        model = _model(e, y, {}, None, 0.0)
        s = solve_lp(*model, maximize=True, method="simplex", time_limit=cap)
        seconds = time.perf_counter() - t
        lam = None if s.x is None else float(s.x[n])
        row |= {"status": str(s.status), "fulfilment": lam, "iterations": s.iterations}
    else:
        lp_method = "simplex" if method == "simplex_warm" else method
        # With a time limit optimal_plan warm-starts only small economies (HiGHS cannot be
        # stopped while it factorises): here the subprocess's wall clock is the cap.
        limit = None if method == "simplex_warm" else cap
        plan = optimal_plan(e, y, lp_method=lp_method, time_limit=limit)  # type: ignore[arg-type]
        seconds = time.perf_counter() - t
        row |= {
            "status": str(plan.status),
            "fulfilment": plan.fulfilment,
            "iterations": plan.iterations,
        }
    row["seconds"] = seconds
    row["peak_bytes"] = peak_bytes()
    row["optimum"] = leontief_bound(e, y, {}).fulfilment  # after the timing: not counted
    return row


# --- the driver ----------------------------------------------------------------------------


def _run(method: str, n: int, cap: float) -> dict[str, Any]:
    # Generating 10^6 products takes ~25 s on 2 cores; allow for it, the model building,
    # and HiGHS overshooting its limit while it factorises.
    wall = 1.5 * cap + 60.0 + 1e-4 * n
    cmd = [sys.executable, __file__, "--worker", method, "--n", str(n), "--cap", str(cap)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=wall, check=False)
    except subprocess.TimeoutExpired:
        return {
            "method": method,
            "n": n,
            "status": "killed",
            "note": f"killed after {wall:.0f} s of wall clock",
        }
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"method": method, "n": n, "status": "failed", "note": tail[:80]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _fmt_n(n: int) -> str:
    k = len(str(n)) - 1
    return f"10^{k}" if n == 10**k else f"{n:,}"


def _available(method: str) -> bool:
    if method != "harmony":
        return True
    try:
        from gosplan.core.harmony import harmony_plan  # noqa: F401
    except ImportError:
        return False
    return True


def _over(row: dict[str, Any]) -> bool:
    # Harmony's time limit ends its search with a feasible plan: a result, not a failure.
    if row.get("method") == "harmony" and row.get("status") == "time_limit":
        return False
    return row.get("status") in ("time_limit", "killed")


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments; run a worker, or the whole benchmark."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1e3,1e4,1e5,1e6")
    ap.add_argument("--cap", type=float, default=120.0, help="seconds per method and size")
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.n, args.cap)))
        return

    sizes = sorted(int(float(s)) for s in args.sizes.split(","))
    methods = [m for m in args.methods.split(",") if m]
    unknown = set(methods) - set(METHODS)
    if unknown:
        ap.error(f"unknown methods {sorted(unknown)}; choose from {', '.join(METHODS)}")
    if "harmony" in methods and not _available("harmony"):
        print("harmony: not available")
        methods.remove("harmony")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"# optimal plans: {platform.machine()}, {cores} cores, Python "
        f"{platform.python_version()}; cap {args.cap:g} s; inputs {INPUTS}, seed {SEED}"
    )
    last: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for n in sizes:
        rows = []
        for method in methods:
            before = last.get(method)
            if before is not None and _over(before):
                row = {
                    "method": method,
                    "n": n,
                    "status": "skipped",
                    "note": f"over the cap at {_fmt_n(before['n'])}",
                }
            elif (before is not None and method != "harmony"
                  and before["seconds"] * n / before["n"] > args.cap):
                guess = before["seconds"] * n / before["n"]
                row = {
                    "method": method,
                    "n": n,
                    "status": "skipped",
                    "note": f"{before['seconds']:.3g} s at {_fmt_n(before['n'])}: "
                    f"> {guess:.0f} s even if linear",
                }
            else:
                row = _run(method, n, args.cap)
                last[method] = row
            rows.append(row)
            print(
                f"  {_fmt_n(n)} {method}: {row.get('status')} "
                f"{row.get('seconds', float('nan')):.3g} s {row.get('note', '')}",
                file=sys.stderr,
                flush=True,
            )
        results += _with_baseline(rows)
    print(_table(results))


def _with_baseline(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mark each size's baseline (fastest exact method at the optimum) and the ratios."""
    optimum = next((r["optimum"] for r in rows if "optimum" in r), None)
    for r in rows:
        lam = r.get("fulfilment")
        if optimum is not None and lam is not None:
            r["gap"] = (optimum - lam) / optimum
    exact = [
        r
        for r in rows
        if r["method"] in EXACT
        and r.get("status") == "optimal"
        and abs(r.get("gap", 1.0)) <= GOAL_GAP
    ]
    if exact:
        base = min(exact, key=lambda r: r["seconds"])
        for r in rows:
            if "seconds" in r:
                r["ratio"] = r["seconds"] / base["seconds"]
        base["baseline"] = True
    return rows


def _table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| products | method | status | time (s) | × baseline | fulfilment | gap to λ* "
        "| iterations | peak memory |"
    )
    lines = [head, "|---|---|---|--:|--:|--:|--:|--:|--:|"]
    for r in rows:
        status = r.get("status", "")
        if status == "killed" or (status == "time_limit" and r["method"] != "harmony"):
            status = "> cap"
        time_s = f"{r['seconds']:.3g}" if "seconds" in r and status != "> cap" else ""
        if status == "> cap":
            time_s = f"> {r.get('seconds', 0):.0f}" if "seconds" in r else "> cap"
        ratio = f"{r['ratio']:.3g}" if "ratio" in r and status != "> cap" else ""
        if r.get("baseline"):
            ratio = "1 (baseline)"
        lam = f"{r['fulfilment']:.10f}" if r.get("fulfilment") is not None else ""
        gap = f"{r['gap']:.1e}" if "gap" in r else ""
        iters = str(r["iterations"]) if "iterations" in r else ""
        peak = f"{r['peak_bytes'] / 2**30:.2f} GiB" if r.get("peak_bytes") else ""
        if r.get("note"):
            status = f"{status}: {r['note']}"
        lines.append(
            f"| {_fmt_n(r['n'])} | {r['method']} | {status} | {time_s} | {ratio} "
            f"| {lam} | {gap} | {iters} | {peak} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()

"""Balanced plans on generated economies: gosplan against the baselines, in one run.

Run on demand (not part of the test suite), from the repository root with gosplan
installed (``pip install -e .``)::

    python benchmarks/balance.py                        # 10^4 .. 10^6
    python benchmarks/balance.py --sizes 1e4,1e5,1e6,1e7

For each size a generated economy (``gosplan.core.generate``, ~20 inputs per product) is
built and solved in a fresh subprocess, so that its peak resident memory is its own. Printed
per size: generation time; ``balance`` time without and with labour values (best of
``--repeat``); matrix passes; residual; the time of one matrix pass (the solver's ``x - A x``
and ``x - Aᵀ x``, and scipy's ``A @ x`` on one thread), the ratio of the solve to
``passes × pass``; peak memory during the solve as a multiple of the matrix's own bytes
(``data + indices + indptr``).

Baselines, each in its own subprocess under a time cap:

* the dense Leontief inverse as pymrio computes it (``pymrio.calc_L``:
  ``np.linalg.inv(I - A)``, then ``L y`` and ``l L``), up to ``--dense-max`` products
  (8 n² bytes per dense matrix: 0.8 GB at 10^4, 80 GB at 10^5);
* scipy's sparse direct solver (``splu`` of ``I - A``, both solves from one factorisation);
* scipy's ``gmres`` (restart 30, one thread), as gosplan 0.1 used it, and the Neumann series.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from _proc import reset_peak, status_bytes

INPUTS = 20
SEED = 0


# --- measuring, inside a worker ------------------------------------------------------------


def _best(f: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def _economy(n: int, cache: str) -> tuple[Any, float, float]:
    """Generate the economy of size ``n``, and leave its arrays in ``cache`` for baselines."""
    from gosplan.core.generate import generate_economy

    t = time.perf_counter()
    g = generate_economy(n, INPUTS, seed=SEED)
    seconds = time.perf_counter() - t
    A = g.economy.A
    if cache:
        for name, a in (("data", A.data), ("indices", A.indices), ("indptr", A.indptr),
                        ("targets", g.targets), ("labour", g.economy.labour)):
            np.save(os.path.join(cache, f"{n}-{name}.npy"), a)
    return g, seconds, float(A.data.nbytes + A.indices.nbytes + A.indptr.nbytes)


def _cached(n: int, cache: str) -> tuple[Any, Any, Any, float]:
    """``(A, y, l, matrix bytes)`` as the gosplan worker left them."""
    import scipy.sparse as sp

    def load(name: str) -> Any:
        return np.load(os.path.join(cache, f"{n}-{name}.npy"))

    A = sp.csr_array((load("data"), load("indices"), load("indptr")), shape=(n, n))
    matrix = float(A.data.nbytes + A.indices.nbytes + A.indptr.nbytes)
    return A, load("targets"), load("labour"), matrix


def _capped(solve: Callable[[], dict[str, Any]], cap: float) -> dict[str, Any] | str:
    """Run ``solve`` in a forked child for at most ``cap`` seconds (the data are shared)."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=lambda: send.send(solve()))
    child.start()
    if receive.poll(cap):
        answer: dict[str, Any] = receive.recv()
        child.join()
        return answer
    child.kill()
    child.join()
    return f"> {cap:.0f} s (stopped)"


def worker_gosplan(n: int, repeat: int, cache: str, cap: float) -> dict[str, Any]:
    from gosplan import balance

    g, gen_s, matrix = _economy(n, cache)
    gen_peak = status_bytes("VmHWM")
    e, y, A = g.economy, g.targets, g.economy.A
    x = np.ones(n)
    out = np.empty(n)
    from gosplan.core import balance as internals

    with internals.BalanceSolver(A, "gmres", 1e-9, 1000) as solver:
        op, opT, threads = solver.operator(), solver.operator(transpose=True), solver.threads
        pass_s, _ = _best(lambda: op(x, out), 5)
        passT_s, _ = _best(lambda: opT(x, out), 5)
    scipy_s, _ = _best(lambda: A @ x, 5)
    rows: dict[str, Any] = {"n": n, "nnz": int(A.nnz), "matrix_bytes": matrix,
                            "generate_s": gen_s, "generate_peak": gen_peak, "threads": threads,
                            "pass_s": pass_s, "passT_s": passT_s, "scipy_matvec_s": scipy_s,
                            "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0}
    for key, labour in (("x", False), ("xv", True)):
        rss = status_bytes("VmRSS")
        ok = reset_peak()
        cpu = time.process_time()
        secs, r = _best(lambda labour=labour: balance(e, y, valuations=labour), repeat)
        cpu = (time.process_time() - cpu) / repeat  # all threads, mean over the repeats
        peak = status_bytes("VmHWM") if ok else 0
        rows |= {f"{key}_s": secs, f"{key}_cpu": cpu, f"{key}_passes": r.iterations,
                 f"{key}_residual": r.residual, f"{key}_status": str(r.status),
                 f"{key}_peak": peak, f"{key}_rss_before": rss}
        floor = r.iterations * pass_s if not labour else (
            rows["x_passes"] * pass_s + (r.iterations - rows["x_passes"]) * passT_s)
        rows[f"{key}_ratio"] = secs / floor if floor else float("nan")
    return rows


def worker_dense(n: int, repeat: int, cache: str, cap: float) -> dict[str, Any]:
    import pymrio

    A, y, labour, matrix = _cached(n, cache)
    D = A.toarray()
    del A

    def solve() -> dict[str, Any]:
        reset_peak()
        secs, (x, _v) = _best(lambda: (lambda L: (L @ y, labour @ L))(pymrio.calc_L(D)), repeat)
        residual = float(np.linalg.norm(x - D @ x - y) / np.linalg.norm(y))
        return {"s": secs, "peak": status_bytes("VmHWM"), "matrix_bytes": matrix,
                "residual": residual}

    return {"n": n} | _as_dict(_capped(solve, cap))


def worker_splu(n: int, repeat: int, cache: str, cap: float) -> dict[str, Any]:
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    A, y, labour, matrix = _cached(n, cache)

    def solve() -> dict[str, Any]:
        reset_peak()

        def once() -> tuple[Any, int]:
            lu = spla.splu(sp.csc_array(sp.eye_array(n, format="csc") - A))
            return lu.solve(y), lu.solve(labour, trans="T"), lu.L.nnz + lu.U.nnz

        secs, (x, _v, fill) = _best(once, repeat)
        residual = float(np.linalg.norm(x - A @ x - y) / np.linalg.norm(y))
        return {"s": secs, "peak": status_bytes("VmHWM"), "matrix_bytes": matrix,
                "residual": residual, "fill": fill / A.nnz}

    return {"n": n} | _as_dict(_capped(solve, cap))


def worker_iterative(n: int, repeat: int, cache: str, cap: float) -> dict[str, Any]:
    import scipy.sparse.linalg as spla

    from gosplan import Economy, balance

    A, y, labour, matrix = _cached(n, cache)
    AT = A.T
    out: dict[str, Any] = {"n": n, "matrix_bytes": matrix}

    def scipy_gmres() -> tuple[Any, int]:
        count = [0]

        def op(M: Any) -> Any:
            def mv(v: Any) -> Any:
                count[0] += 1
                return v - M @ v
            return spla.LinearOperator((n, n), matvec=mv, dtype=np.float64)

        x, _ = spla.gmres(op(A), y, x0=y, rtol=0.5e-9, atol=0.0, restart=30, maxiter=40)
        spla.gmres(op(AT), labour, x0=labour, rtol=0.5e-9, atol=0.0, restart=30, maxiter=40)
        return x, count[0]

    secs, (x, passes) = _best(scipy_gmres, repeat)
    residual = float(np.linalg.norm(x - A @ x - y) / np.linalg.norm(y))
    out |= {"gmres_s": secs, "gmres_passes": passes, "gmres_residual": residual}
    e = Economy(products=np.arange(n).astype(str), A=A, labour=labour, check=False)
    secs, r = _best(lambda: balance(e, y, solver="neumann"), repeat)
    out |= {"neumann_s": secs, "neumann_passes": r.iterations, "neumann_residual": r.residual}
    return out


def _as_dict(answer: dict[str, Any] | str) -> dict[str, Any]:
    return answer if isinstance(answer, dict) else {"skipped": answer}


WORKERS = {"gosplan": worker_gosplan, "dense": worker_dense, "splu": worker_splu,
           "iterative": worker_iterative}


# --- driving, in the parent ----------------------------------------------------------------


def _run(kind: str, n: int, repeat: int, cache: str, cap: float) -> dict[str, Any] | str:
    """Run one worker in a fresh interpreter; its JSON answer, or why there is none."""
    cmd = [sys.executable, __file__, "--worker", kind, "--n", str(n), "--repeat", str(repeat),
           "--cache", cache, "--cap", str(cap)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return f"failed: {tail}"
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer.get("skipped", answer)


def _gb(b: float) -> str:
    return f"{b / 1e9:.2f} GB" if b >= 1e8 else f"{b / 1e6:.0f} MB"


def _s(t: float) -> str:
    return f"{t:.3g} s" if t >= 1 else f"{t * 1e3:.3g} ms"


def _machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f", {int(f.readline().split()[1]) / 2**20:.0f} GiB RAM"
    except OSError:
        pass
    import scipy

    return (f"{platform.processor() or platform.machine()}, {cores} cores{mem}; Python "
            f"{platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="1e4,1e5,1e6", help="comma-separated product counts")
    p.add_argument("--repeat", type=int, default=3, help="solves per measurement (best kept)")
    p.add_argument("--dense-max", type=float, default=1e4, help="largest n for the dense inverse")
    p.add_argument("--direct-cap", type=float, default=120.0,
                   help="seconds allowed for each sparse LU solve")
    p.add_argument("--baseline-max", type=float, default=1e6,
                   help="largest n for scipy gmres and Neumann baselines")
    p.add_argument("--json", default="", help="also write the raw measurements to this file")
    p.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    p.add_argument("--n", type=int, help=argparse.SUPPRESS)
    p.add_argument("--cache", default="", help=argparse.SUPPRESS)
    p.add_argument("--cap", type=float, default=0.0, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.n, args.repeat, args.cache, args.cap)))
        return
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    print(f"# balance benchmark, {time.strftime('%Y-%m-%d')}: {_machine()}")
    print(f"# generated economies, {INPUTS} inputs per product on average, seed {SEED}; "
          f"best of {args.repeat}\n")
    ours, base = [], []
    with tempfile.TemporaryDirectory() as cache:
        for n in sizes:
            r = _run("gosplan", n, args.repeat if n < 10**7 else min(args.repeat, 2), cache, 0)
            ours.append((n, r))
            if isinstance(r, str):
                base.append((n, r, r, r))
                continue
            dense = (_run("dense", n, 1, cache, 3600) if n <= args.dense_max
                     else "skipped: the dense matrix would not fit")
            splu = _run("splu", n, 1, cache, args.direct_cap)
            it = (_run("iterative", n, args.repeat if n < 10**7 else 1, cache, 0)
                  if n <= args.baseline_max else "skipped")
            base.append((n, dense, splu, it))
            for f in os.listdir(cache):
                os.remove(os.path.join(cache, f))
            print(f"... {n} done", file=sys.stderr, flush=True)
    _print_ours(ours)
    _print_baselines(ours, base)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"ours": ours, "baselines": base}, f, indent=1)


def _print_ours(ours: list[tuple[int, dict[str, Any] | str]]) -> None:
    print("## gosplan.balance: time\n")
    print("| products | non-zeros | generate | balance x (passes) | balance x + labour values "
          "(passes) | residual | one pass x − Ax (x − Aᵀx) | time / (passes × pass) "
          "| scipy A@x, 1 thread | CPU used / wall | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for n, r in ours:
        if isinstance(r, str):
            print(f"| {n:,} | {r} |" + " |" * 9)
            continue
        print(f"| {n:,} | {r['nnz']:,} | {_s(r['generate_s'])} "
              f"| {_s(r['x_s'])} ({r['x_passes']}) | {_s(r['xv_s'])} ({r['xv_passes']}) "
              f"| {r['xv_residual']:.1e} | {_s(r['pass_s'])} ({_s(r['passT_s'])}) "
              f"| {r['x_ratio']:.2f}, {r['xv_ratio']:.2f} | {_s(r['scipy_matvec_s'])} "
              f"| {r['xv_cpu'] / r['xv_s']:.2f} of {r['threads']} | {r['load']:.1f} |")
    print("\n## gosplan.balance: memory (multiples of the matrix's bytes)\n")
    print("| products | matrix (data + indices + indptr) | resident before the solve "
          "| peak during the solve | solver's own (peak − before) | peak while generating |")
    print("|---|---|---|---|---|---|")
    for n, r in ours:
        if isinstance(r, str):
            continue
        m = r["matrix_bytes"]
        peak = max(r["x_peak"], r["xv_peak"])
        before = r["xv_rss_before"]
        print(f"| {n:,} | {_gb(m)} | {before / m:.2f} | {peak / m:.2f} ({_gb(peak)}) "
              f"| {(peak - before) / m:.2f} | {r['generate_peak'] / m:.2f} |")
    print()


def _print_baselines(ours: list[tuple[int, Any]], base: list[tuple[int, Any, Any, Any]]) -> None:
    print("## Baselines (same economies, x and labour values; speed-up = their time / gosplan's)\n")
    print("| products | gosplan | dense inverse (pymrio.calc_L) | sparse LU (scipy splu) "
          "| scipy gmres, restart 30 | Neumann series |")
    print("|---|---|---|---|---|---|")
    for (n, r), (_, dense, splu, it) in zip(ours, base, strict=True):
        t = r["xv_s"] if isinstance(r, dict) else float("nan")

        def cell(b: Any, key: str = "s", extra: str = "", t: float = t) -> str:
            if isinstance(b, str):
                return b
            peak = f", peak {b['peak'] / b['matrix_bytes']:.0f}× matrix" if "peak" in b else ""
            return f"{_s(b[key])} ({b[key] / t:.1f}×{peak}{extra})"

        fill = f", fill-in {splu['fill']:.0f}×" if isinstance(splu, dict) else ""
        gm = it if isinstance(it, str) else cell(it, "gmres_s",
                                                 f", {it['gmres_passes']} passes")
        ne = it if isinstance(it, str) else cell(it, "neumann_s",
                                                 f", {it['neumann_passes']} passes")
        print(f"| {n:,} | {_s(t)} | {cell(dense)} | {cell(splu, extra=fill)} | {gm} | {ne} |")
    print()


if __name__ == "__main__":
    main()

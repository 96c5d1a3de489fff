"""Benchmark of the household resolution: full scale, and the object-per-household baseline.

Each measurement runs in a fresh subprocess (its peak RSS from ``resource.getrusage``):

* the vectorised layer at ``--scale`` (default 1:1, about 24.5 million households) for
  ``--years`` (default 1928:1937), through ``run_scenario`` (the whole run: the aggregate
  model, the household layer, the tidy table);
* the vectorised layer at 1:1000, and the same model written with one Python object per
  household (``_oop_households.py``) at 1:1000 on the same households: the baseline.

Household-steps: every simulated household counts ``SUBSTEPS = 6`` sub-steps a year (the
campaign, the harvest, the levy and residual, the herd's year, the people's year, the food
of the coming year), so household-steps = households x years x 6.

    python benchmarks/households.py [--scale 1:N] [--years 1928:1937] [--skip-full]
        [--threads K]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

SUBSTEPS = 6
HERE = Path(__file__).resolve().parent


def _vectorised(scale: int, first: int, last: int, threads: int) -> dict[str, float]:
    from gosplan.analysis.run import run_scenario
    from gosplan.sim.households import HouseholdLayer, engine

    if threads > 0:
        # The layer's default thread count, as ``--threads`` asks (0: the machine's).
        engine.default_threads = lambda: threads  # type: ignore[attr-defined]

    # The households' own time: every hook of the layer, timed where it is called.
    own = [0.0]
    for name in ("begin", "campaign", "harvest", "distribute", "herd_step", "live", "committed"):
        method = getattr(HouseholdLayer, name)

        def timed(*args: object, __m: object = method, **kwargs: object) -> object:
            t = time.perf_counter()
            try:
                return __m(*args, **kwargs)  # type: ignore[operator]
            finally:
                own[0] += time.perf_counter() - t

        setattr(HouseholdLayer, name, timed)
    start = time.perf_counter()
    run = run_scenario(years=(first, last), seed=0, resolution="households", scale=scale)
    wall = time.perf_counter() - start
    assert run.farms is not None
    return {"rows": run.farms.households.n, "years": len(run.years), "wall": wall, "own": own[0]}


def _baseline(scale: int, first: int, last: int, threads: int) -> dict[str, float]:
    del threads
    import numpy as np

    sys.path.insert(0, str(HERE))
    from _oop_households import run_baseline  # type: ignore[import-not-found]
    from gosplan.analysis.run import run_scenario
    from gosplan.scenarios.simfiles import load_scenario
    from gosplan.sim.engine import initial_state
    from gosplan.sim.households import HouseholdLayer

    spec = load_scenario("ussr-1928").spec
    agg = run_scenario(years=(first, last), seed=0).result
    plan = {}
    for k, year in enumerate(agg.years):
        st = agg.states[k]
        nxt = agg.states[k + 1]
        area = st.sown_area / st.sown_area.sum()
        plan[year] = {
            "share": nxt.kolkhoz_share,
            "quota": agg.series["grain_procurement"][k] * area,
            "sown": st.sown_area,
            "deport": st.households - nxt.households,
        }
    layer = HouseholdLayer(scale, np.random.Generator(np.random.PCG64(0)))
    layer.begin(spec, initial_state(spec))
    start = time.perf_counter()
    rows, years = run_baseline(spec, layer, plan, seed=0)
    wall = time.perf_counter() - start
    return {"rows": rows, "years": years, "wall": wall, "own": wall}


def _child(kind: str, scale: int, first: int, last: int, threads: int) -> None:
    result = (_vectorised if kind == "vectorised" else _baseline)(scale, first, last, threads)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({**result, "rss_gb": peak_kb / 1024**2}))


def _measure(kind: str, scale: int, first: int, last: int, threads: int) -> dict[str, float]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            kind,
            "--scale",
            f"1:{scale}",
            "--years",
            f"{first}:{last}",
            "--threads",
            str(threads),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    """Run the measurements and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1:1", help="Full-run scale 1:N (default 1:1).")
    parser.add_argument("--years", default="1928:1937", help="FIRST:LAST (default 1928:1937).")
    parser.add_argument("--skip-full", action="store_true", help="Only the 1:1000 rows.")
    parser.add_argument(
        "--threads", type=int, default=0, help="Threads of the layer (default: the machine's)."
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    scale = int(args.scale.partition(":")[2] or args.scale)
    first, _, last = args.years.partition(":")
    a, b = int(first), int(last or first)
    if args.child:
        _child(args.child, scale, a, b, args.threads)
        return
    rows = []
    if not args.skip_full:
        rows.append(("vectorised", scale, _measure("vectorised", scale, a, b, args.threads)))
    small = _measure("vectorised", 1000, a, b, args.threads)
    rows.append(("vectorised", 1000, small))
    base = _measure("objects", 1000, a, b, args.threads)
    rows.append(("objects", 1000, base))
    baseline = base["own"] / (base["rows"] * base["years"])
    print(
        f"household-steps = households x years x {SUBSTEPS} sub-steps "
        "(campaign, harvest, levy, herd, people, food)"
    )
    print("wall s: the whole run; own s: the households' part (the layer's hooks, timed);")
    print("hh-steps/s and speed-up (per household-step, against objects) use own s.")
    print(
        f"{'model':<11}{'scale':>8}{'households':>12}{'years':>6}{'wall s':>9}{'own s':>8}"
        f"{'hh-steps/s':>14}{'peak RSS GB':>13}{'speed-up':>10}"
    )
    for kind, n, r in rows:
        steps = r["rows"] * r["years"] * SUBSTEPS
        speed = baseline / (r["own"] / (r["rows"] * r["years"]))
        print(
            f"{kind:<11}{'1:' + str(n):>8}{int(r['rows']):>12,}{int(r['years']):>6}"
            f"{r['wall']:>9.2f}{r['own']:>8.2f}{steps / r['own']:>14,.0f}"
            f"{r['rss_gb']:>13.2f}{speed:>9.1f}x"
        )


if __name__ == "__main__":
    main()

"""Activity economies at scale: price coordination against HiGHS, in one run.

Run on demand (not part of the test suite), from the repository root::

    python benchmarks/activities_scale.py                      # 10^4 and 10^6 activities
    python benchmarks/activities_scale.py --sizes 1e4,1e5 --cap 120

Each size generates one economy (seeded): ``m`` activities, ``--techniques`` per product
(each makes one product: no joint production), ``--inputs`` inputs per activity with
total input per unit of output below 0.9, labour per unit in [0.05, 1], and
``--resources`` scarce resources (each activity uses each with probability 1/2). The
amounts of labour and resources are set so that all of them bind or nearly bind: the
labour-only optimum would use 1.3 to 2 times each resource's amount. Methods, each timed
on the same economy in this process:

* ``simplex`` and ``ipm``: ``activity_plan(lp_method=...)``, HiGHS's dual simplex and
  interior point (with crossover): the baseline is the faster of the two, measured here
  (skipped above ``--highs-max`` activities, where they exceed any sensible cap);
* ``prices``: ``coordinated_plan``, price coordination over policy iteration, no LP
  beyond a master of ``K + 1`` rows, stopped at the certified gap ``--gap``.

Printed per method: seconds (wall time of the call), the ratio of the baseline's time
to this one (how many times faster), the fulfilment λ, the certified relative gap (for
price coordination; for HiGHS, its λ's relative difference from the price plan's dual
bound), rounds or iterations, status. The goals (issue 15, point 6): 10^6 activities to
a gap of 10^-6 in at most 60 s; 10^4 activities at least 10 times faster than HiGHS.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from activities import labour_only
from gosplan.core.activities import ActivityEconomy
from gosplan.core.activity_plan import activity_plan
from gosplan.core.activity_prices import coordinated_plan
from gosplan.core.activity_result import ActivityPlan
from gosplan.core.nonsubstitution import cheapest_techniques, solve_balance

SEED = 0


def generate(m: int, techniques: int = 3, inputs: int = 5, resources: int = 3,
             seed: int = SEED) -> ActivityEconomy:
    """Labour and ``resources`` scarce factors, no joint production; no loops over products."""
    rng = np.random.default_rng(seed)
    base = labour_only(rng, m // techniques, techniques, inputs)
    n, m = base.n, base.m
    make, use, labour = sp.csc_array(base.make), sp.csr_array(base.use), base.labour
    b = np.asarray(make.sum(axis=0)).ravel()  # each activity makes its one product
    R = rng.uniform(0.0, 1.0, (resources, m)) * (rng.random((resources, m)) < 0.5)
    # The labour-only optimum's use of each resource, scaled to the labour: then make
    # each resource scarcer than that, so that prices must trade them off against labour.
    found = cheapest_techniques(base)
    per_unit = sp.csc_array(use @ sp.diags_array(1.0 / b))
    x = solve_balance(sp.csr_array(per_unit[:, found.chosen]), np.ones(n), None,
                      transpose=False, where="generate")
    z = np.zeros(m)
    z[found.chosen] = x / b[found.chosen]
    z *= n / float(labour @ z)
    available = (R @ z) / rng.uniform(1.3, 2.0, resources)
    return ActivityEconomy(
        products=base.products, activities=base.activities, make=make, use=use,
        labour=labour, labour_available=float(n), resources=[f"r{r}" for r in range(resources)],
        resource_use=R, available=available,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e4,1e6", help="numbers of activities")
    parser.add_argument("--techniques", type=int, default=3)
    parser.add_argument("--inputs", type=int, default=5)
    parser.add_argument("--resources", type=int, default=3)
    parser.add_argument("--gap", type=float, default=1e-6)
    parser.add_argument("--cap", type=float, default=120.0, help="HiGHS time limit, s")
    parser.add_argument("--highs-max", type=float, default=1e5,
                        help="largest number of activities given to HiGHS")
    args = parser.parse_args()
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    methods: dict[str, Callable[[ActivityEconomy, np.ndarray], ActivityPlan]] = {
        "simplex": lambda e, y: activity_plan(e, y, lp_method="simplex", time_limit=args.cap),
        "ipm": lambda e, y: activity_plan(e, y, lp_method="ipm", time_limit=args.cap),
        "prices": lambda e, y: coordinated_plan(e, y, gap=args.gap),
    }
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, python "
          f"{platform.python_version()}; {args.techniques} techniques per product, "
          f"{args.inputs} inputs per activity, labour and {args.resources} resources; "
          f"gap {args.gap:g}")
    print(f"{'activities':>10} {'products':>9} {'method':>8} {'seconds':>9} {'faster':>7} "
          f"{'lambda':>14} {'gap':>9} {'iters':>6}  status")
    for m in sizes:
        e = generate(m, args.techniques, args.inputs, args.resources)
        y = np.ones(e.n)
        timings: dict[str, float] = {}
        plans: dict[str, ActivityPlan] = {}
        for name, solve in methods.items():
            if name != "prices" and e.m > args.highs_max:
                print(f"{e.m:>10} {e.n:>9} {name:>8} {'skipped':>9}")
                continue
            started = time.perf_counter()
            plans[name] = solve(e, y)
            timings[name] = time.perf_counter() - started
        highs = [t for name, t in timings.items() if name != "prices"
                 and plans[name].optimal]
        base = min(highs) if highs else None
        bound = plans["prices"].dual_bound
        for name, plan in plans.items():
            seconds = timings[name]
            faster = f"{base / seconds:7.1f}" if base else f"{'-':>7}"
            lam = plan.fulfilment
            gap = plan.gap if plan.gap is not None else (
                (bound - lam) / bound if lam is not None and bound else None)
            print(f"{e.m:>10} {e.n:>9} {name:>8} {seconds:9.3f} {faster} "
                  f"{lam if lam is not None else float('nan'):14.9g} "
                  f"{gap if gap is not None else float('nan'):9.1e} {plan.iterations:>6}  "
                  f"{plan.status.value}")


if __name__ == "__main__":
    main()

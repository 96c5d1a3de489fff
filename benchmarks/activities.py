"""Optimal plans over activities: HiGHS and the non-substitution fast path, in one run.

Run on demand (not part of the test suite), from the repository root::

    python benchmarks/activities.py                       # 10^2 .. 10^4 products
    python benchmarks/activities.py --sizes 1e3,1e5 --techniques 3 --inputs 5

Each size generates one economy (seeded): ``n`` products, ``--techniques`` activities
per product (each makes one product: no joint production), ``--inputs`` inputs per
activity drawn at random with total input per unit of output below 0.9 (so every choice
of techniques is productive), labour per unit in [0.05, 1] and labour the only limit:
the economy the non-substitution theorem covers. Methods, each timed on the same
economy in this process:

* ``simplex`` (the baseline): ``activity_plan(method="simplex")``, HiGHS's dual simplex;
* ``ipm``: ``activity_plan(method="ipm")``, HiGHS's interior point with crossover;
* ``policy``: ``nonsubstitution_plan``, policy iteration over sparse solves, no LP.

Printed per run: seconds (wall time of the call), the ratio to the baseline measured in
the same run, the fulfilment λ and its relative gap to the baseline's, and iterations
(simplex / interior point iterations; policy-iteration rounds). A method that took more
than ``--cap`` seconds at one size is skipped at larger ones. The issue's goal of 10^6
activities is not reached here yet: this is the skeleton its benchmark grows from.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from gosplan.core.activities import ActivityEconomy
from gosplan.core.activity_plan import activity_plan
from gosplan.core.activity_result import ActivityPlan
from gosplan.core.nonsubstitution import nonsubstitution_plan

SEED = 0


def generate(n: int, techniques: int, inputs: int, seed: int = SEED) -> ActivityEconomy:
    """A labour-only economy without joint production, built without loops over products."""
    return labour_only(np.random.default_rng(seed), n, techniques, inputs)


def labour_only(rng: np.random.Generator, n: int, techniques: int,
                inputs: int) -> ActivityEconomy:
    """:func:`generate`'s economy from ``rng`` (which the caller may go on drawing from)."""
    m = n * techniques
    makes = np.tile(np.arange(n), techniques)
    b = rng.uniform(0.5, 2.0, m)
    make = sp.csr_array((b, (makes, np.arange(m))), shape=(n, m))
    k = min(inputs, n)
    rows = rng.integers(0, n, (m, k)).reshape(-1)
    cols = np.repeat(np.arange(m), k)
    values = rng.random(m * k)
    use = sp.csc_array((values, (rows, cols)), shape=(n, m))
    use.sum_duplicates()
    scale = rng.uniform(0.1, 0.9, m) * b / np.maximum(np.asarray(use.sum(axis=0)), 1e-12)
    use = sp.csr_array(use @ sp.diags_array(scale))
    return ActivityEconomy(
        products=[f"p{i}" for i in range(n)], activities=[f"a{j}" for j in range(m)],
        make=make, use=use, labour=rng.uniform(0.05, 1.0, m), labour_available=float(n),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e2,1e3,1e4")
    parser.add_argument("--techniques", type=int, default=3)
    parser.add_argument("--inputs", type=int, default=5)
    parser.add_argument("--cap", type=float, default=60.0)
    args = parser.parse_args()
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    methods: dict[str, Callable[[ActivityEconomy, np.ndarray], ActivityPlan]] = {
        "simplex": lambda e, y: activity_plan(e, y, lp_method="simplex", time_limit=args.cap),
        "ipm": lambda e, y: activity_plan(e, y, lp_method="ipm", time_limit=args.cap),
        "policy": nonsubstitution_plan,
    }
    print(f"# {platform.processor() or platform.machine()}, python {platform.python_version()}"
          f"; {args.techniques} techniques per product, {args.inputs} inputs per activity")
    print(f"{'products':>9} {'activities':>10} {'method':>8} {'seconds':>9} {'ratio':>7} "
          f"{'lambda':>12} {'gap':>9} {'iters':>6}  status")
    slow: set[str] = set()
    for n in sizes:
        e = generate(n, args.techniques, args.inputs)
        y = np.ones(n)
        base_time = base_lambda = None
        for name, solve in methods.items():
            if name in slow:
                print(f"{n:>9} {e.m:>10} {name:>8} {'skipped':>9}")
                continue
            started = time.perf_counter()
            plan = solve(e, y)
            seconds = time.perf_counter() - started
            lam = plan.fulfilment
            if name == "simplex":
                base_time, base_lambda = seconds, lam
            ratio = f"{seconds / base_time:7.2f}" if base_time else f"{'-':>7}"
            gap = (f"{abs(lam - base_lambda) / base_lambda:9.1e}"
                   if lam is not None and base_lambda else f"{'-':>9}")
            shown = f"{lam:12.6g}" if lam is not None else f"{'-':>12}"
            print(f"{n:>9} {e.m:>10} {name:>8} {seconds:9.3f} {ratio} {shown} {gap} "
                  f"{plan.iterations:>6}  {plan.status.value}")
            if seconds > args.cap:
                slow.add(name)


if __name__ == "__main__":
    main()

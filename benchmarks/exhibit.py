"""Server time of a slider change in the exhibit, per showcase: cold, cached, and a baseline.

Each request is the htmx fragment a slider change asks for (``/showcase/<key>/live?...``),
timed in process through the ASGI app (no network): the server's own time.

* cold: a state never seen before (the simulation runs, then the charts are drawn);
* cached: the same states again (the LRU cache of runs answers);
* baseline, measured in the same run: the same simulation and the same showcase drawn by
  ``gosplan.report.plots`` (matplotlib SVG), the report's figures, instead of ``web/svg.py``.

Usage: python benchmarks/exhibit.py [--states 12] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from gosplan.analysis.fit import FAMINE_BANDS
from gosplan.analysis.run import run_scenario
from gosplan.report import plots
from gosplan.web.app import create_app
from gosplan.web.showcases import RUNS, SHOWCASES
from gosplan.web.state import SCENARIO, SLIDERS, YEARS, State

PANELS = {
    "industrialization": lambda f: plots.industry_svg(f),
    "collectivization": lambda f: plots.collectivization_svg(f),
    "livestock": lambda f: plots.livestock_svg(f),
    "famine": lambda f: plots.famine_svg(f, bands=FAMINE_BANDS),
}


def states(key: str, count: int) -> list[str]:
    """``count`` distinct queries moving the showcase's first slider along its range."""
    s = SLIDERS[SHOWCASES[key].sliders[0]]
    values = np.linspace(s.low, s.high, count + 1)
    out = []
    for v in values:
        q = State.parse([(s.key, f"{v:.4f}")]).query()
        if q and q not in out:
            out.append(q)
    return out[:count]


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.array(xs) * 1000, q))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--states", type=int, default=12, help="distinct slider positions")
    ap.add_argument("--repeat", type=int, default=3, help="cached repeats of each")
    args = ap.parse_args()
    client = TestClient(create_app(), base_url="http://127.0.0.1:8000")  # a served host name
    client.get("/showcase/famine")  # warm imports and the default run
    print(f"{'showcase':18} {'cold p50':>9} {'cold p95':>9} {'cached p50':>11} "
          f"{'cached p95':>11} {'baseline p50':>13} {'baseline p95':>13}   (ms)")
    for key in SHOWCASES:
        queries = states(key, args.states)
        RUNS.clear()
        client.get(f"/showcase/{key}/live")  # the default run, always cached in use
        cold, cached, base = [], [], []
        for q in queries:
            t = time.perf_counter()
            r = client.get(f"/showcase/{key}/live?{q}", headers={"HX-Request": "true"})
            cold.append(time.perf_counter() - t)
            assert r.status_code == 200, r.text
        for _ in range(args.repeat):
            for q in queries:
                t = time.perf_counter()
                client.get(f"/showcase/{key}/live?{q}", headers={"HX-Request": "true"})
                cached.append(time.perf_counter() - t)
        for q in queries:
            sets = State.parse([tuple(q.split("=", 1))]).sets()  # type: ignore[list-item]
            t = time.perf_counter()
            run = run_scenario(SCENARIO, years=YEARS, sets=sets)
            PANELS[key](run.frame)
            base.append(time.perf_counter() - t)
        print(f"{key:18} {pct(cold, 50):9.1f} {pct(cold, 95):9.1f} {pct(cached, 50):11.1f} "
              f"{pct(cached, 95):11.1f} {pct(base, 50):13.1f} {pct(base, 95):13.1f}")
    print(f"\n{args.states} slider positions per showcase; cached: {args.repeat} repeats each. "
          f"median of all cold requests: "
          f"{statistics.median(cold) * 1000:.0f} ms (last showcase)")


if __name__ == "__main__":
    main()

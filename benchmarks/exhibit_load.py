"""Load test of the exhibit on loopback: N visitors moving sliders against a real server.

Starts ``uvicorn`` (one process, the exhibit's app) on 127.0.0.1 on a free port, then runs
N concurrent visitors (asyncio + httpx) for a while. Each visitor picks a showcase and moves
one of its sliders to a random notch, as the page does (the htmx fragment request), then
pauses briefly. Prints requests, errors, latency percentiles and the server's resident
memory at the start, middle and end (it should stay flat: the caches are bounded).

Usage: python benchmarks/exhibit_load.py [--visitors 50] [--seconds 30] [--think 0.2]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np

from gosplan.web.showcases import SHOWCASES
from gosplan.web.state import SLIDERS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def notches(key: str, count: int = 6) -> list[str]:
    """``count`` positions of a slider on its own grid (a switch has two)."""
    s = SLIDERS[key]
    if s.kind == "switch":
        return ["0", "1"]
    steps = np.round(np.linspace(0, (s.high - s.low) / s.step, count))
    return [f"{s.low + k * s.step:.4g}" for k in steps]


async def visitor(client: httpx.AsyncClient, rng: random.Random, stop: float,
                  latencies: list[float], errors: list[str], think: float) -> None:
    while time.monotonic() < stop:
        key = rng.choice(sorted(SHOWCASES))
        slider = rng.choice(SHOWCASES[key].sliders)
        value = rng.choice(notches(slider))
        t = time.perf_counter()
        try:
            r = await client.get(f"/showcase/{key}/live", params={slider: value},
                                 headers={"HX-Request": "true"})
            if r.status_code != 200:
                errors.append(f"{r.status_code} {r.url}")
        except httpx.HTTPError as exc:
            errors.append(repr(exc))
        latencies.append(time.perf_counter() - t)
        await asyncio.sleep(think * rng.random())


async def run(base: str, pid: int, visitors: int, seconds: float, think: float) -> None:
    latencies: list[float] = []
    errors: list[str] = []
    rss = {"start": rss_mb(pid)}
    limits = httpx.Limits(max_connections=visitors)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        stop = time.monotonic() + seconds
        tasks = [asyncio.create_task(visitor(client, random.Random(k), stop, latencies, errors,
                                             think)) for k in range(visitors)]
        await asyncio.sleep(seconds / 2)
        rss["middle"] = rss_mb(pid)
        await asyncio.gather(*tasks)
    rss["end"] = rss_mb(pid)
    ms = np.array(latencies) * 1000
    print(f"visitors {visitors}, {seconds:g} s, think time up to {think:g} s")
    print(f"requests {len(latencies)}  errors {len(errors)}  "
          f"throughput {len(latencies) / seconds:.1f}/s")
    if len(ms):
        print("latency ms: " + "  ".join(
            f"p{q} {np.percentile(ms, q):.0f}" for q in (50, 90, 95, 99)) + f"  max {ms.max():.0f}")
    print("server RSS MB: " + "  ".join(f"{k} {v:.0f}" for k, v in rss.items()))
    for e in errors[:5]:
        print("error:", e)
    if errors:
        raise SystemExit(1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--visitors", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--think", type=float, default=0.2, help="max pause between moves, s")
    args = ap.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c",
         "import uvicorn; from gosplan.web.app import create_app; "
         f"uvicorn.run(create_app(), host='127.0.0.1', port={port}, log_level='warning')"],
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/showcase/famine", timeout=60).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)
        asyncio.run(run(base, server.pid, args.visitors, args.seconds, args.think))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()

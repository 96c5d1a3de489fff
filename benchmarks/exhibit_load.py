"""Load test of the exhibit on loopback: N visitors against a real server, the heaviest mixed in.

Starts ``uvicorn`` (one process, the exhibit's app, as ``gosplan exhibit`` serves it) on
127.0.0.1 on a free port. First the baseline, in the same run: one visitor alone moving a
slider it has moved before (a cached view), so the ratio below compares like with like on
this machine at this moment. Then N concurrent visitors (asyncio streams) for a while, each
request drawn from:

- ``slider``: a slider of a showcase moved to a random notch (the htmx fragment);
- ``page``: a whole showcase page with several sliders moved (a shared link);
- ``chart``: a chart's SVG or CSV download at a random state;
- ``planning``: the heaviest Planning Room request allowed (2000 products, 20 inputs each,
  a random seed and scale: never cached).

Prints a table per kind and overall: requests, p50/p95/max latency, 503s ("busy": the
server's refusal, with ``Retry-After``), errors (anything else that is not a 200), the
ratio of p50 and max to the baseline, and the server's resident memory. The goal: every
answer, refused or not, within 5 s. Exits 1 when an error occurred or the goal is missed.

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
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

import httpx
import numpy as np

from gosplan.web.planning_room import MAX_PRODUCTS
from gosplan.web.showcases import CHARTS, SHOWCASES
from gosplan.web.state import SLIDERS

GOAL_S = 5.0
KINDS = {"slider": 0.55, "page": 0.15, "chart": 0.1, "planning": 0.2}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def notch(key: str, rng: random.Random) -> str:
    """A random position of a slider on its own grid (a switch has two)."""
    s = SLIDERS[key]
    steps = round((s.high - s.low) / s.step)
    return f"{s.low + rng.randint(0, steps) * s.step:.6g}"


def request(kind: str, rng: random.Random) -> tuple[str, dict[str, str]]:
    """A path with its query, and the headers a browser would send, for one kind."""
    key = rng.choice(sorted(SHOWCASES))
    sliders = SHOWCASES[key].sliders
    if kind == "slider":
        slider = rng.choice(sliders)
        query = urlencode({slider: notch(slider, rng)})
        return f"/showcase/{key}/live?{query}", {"HX-Request": "true"}
    if kind == "page":
        moved = rng.sample(sliders, k=min(3, len(sliders)))
        return f"/showcase/{key}?{urlencode({s: notch(s, rng) for s in moved})}", {}
    if kind == "chart":
        key, name = rng.choice(sorted(CHARTS))
        slider = rng.choice(SHOWCASES[key].sliders)
        fmt = rng.choice(("svg", "csv"))
        return f"/showcase/{key}/chart/{name}.{fmt}?{urlencode({slider: notch(slider, rng)})}", {}
    query = urlencode({"economy": "generated", "n": MAX_PRODUCTS, "inputs": 20,
                       "seed": rng.randint(0, 9999), "scale": rng.choice(("0.5", "1.2", "3"))})
    return f"/planning/live?{query}", {"HX-Request": "true"}


Record = tuple[str, float, int]  # kind, seconds, status (0: no answer)


class Connection:
    """One visitor's keep-alive HTTP/1.1 connection, read and written by hand.

    A general client (httpx) spent about as much processor time per request as the
    server did; on a machine of two cores the load generator then slowed the server it
    was measuring. This reads only what the exhibit sends: a status line, headers and a
    body of ``Content-Length`` bytes.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
        """Status and headers of ``GET path`` (the body is read and dropped)."""
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 *(f"{k}: {v}" for k, v in headers.items()), "", ""]
        try:
            writer.write("\r\n".join(lines).encode("latin-1"))
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            status = int(head[0].split()[1])
            fields = {k.strip().lower(): v.strip()
                      for k, _, v in (h.partition(":") for h in head[1:] if h)}
            await reader.readexactly(int(fields.get("content-length", "0")))
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            await self.close()
            raise
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return status, fields

    async def close(self) -> None:
        """Close the connection (the next request opens another)."""
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def visitor(host: str, port: int, rng: random.Random, stop: float,
                  records: list[Record], failures: list[str], think: float) -> None:
    kinds, weights = list(KINDS), list(KINDS.values())
    conn = Connection(host, port)
    while time.monotonic() < stop:
        kind = rng.choices(kinds, weights)[0]
        path, headers = request(kind, rng)
        t = time.perf_counter()
        try:
            status, fields = await asyncio.wait_for(conn.get(path, headers), 60)
            if status == 503 and "retry-after" not in fields:
                failures.append(f"503 without Retry-After: {path}")
            elif status not in (200, 503):
                failures.append(f"{status} {path[:120]}")
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError,
                TimeoutError) as exc:
            status = 0
            failures.append(f"{exc!r} {path[:120]}")
        records.append((kind, time.perf_counter() - t, status))
        await asyncio.sleep(think * rng.random())
    await conn.close()


async def baseline(host: str, port: int, count: int = 30) -> float:
    """Median seconds of a cached slider move, one visitor alone."""
    path, headers = "/showcase/famine/live?exports=0.5", {"HX-Request": "true"}
    conn = Connection(host, port)
    await conn.get(path, headers)
    times = []
    for _ in range(count):
        t = time.perf_counter()
        status, _ = await conn.get(path, headers)
        if status != 200:
            raise SystemExit(f"the baseline request answered {status}")
        times.append(time.perf_counter() - t)
    await conn.close()
    return float(np.median(times))


def row(name: str, recs: list[Record], base: float) -> str:
    ms = np.array([s for _, s, _ in recs]) * 1000
    busy = sum(1 for *_, st in recs if st == 503)
    errors = sum(1 for *_, st in recs if st not in (200, 503))
    p50, p95, top = (np.percentile(ms, 50), np.percentile(ms, 95), ms.max())
    return (f"{name:9} {len(recs):8d} {p50:8.0f} {p95:8.0f} {top:8.0f} {busy:6d} {errors:6d} "
            f"{p50 / base / 1000:8.1f} {top / base / 1000:8.1f}")


async def run(host: str, port: int, pid: int, visitors: int, seconds: float, think: float,
              gate: dict[str, float]) -> bool:
    records: list[Record] = []
    failures: list[str] = []
    base = await baseline(host, port)
    rss = {"start": rss_mb(pid)}
    stop = time.monotonic() + seconds
    tasks = [asyncio.create_task(visitor(host, port, random.Random(k), stop, records,
                                         failures, think)) for k in range(visitors)]
    await asyncio.sleep(seconds / 2)
    rss["middle"] = rss_mb(pid)
    await asyncio.gather(*tasks)
    rss["end"] = rss_mb(pid)
    by_kind: dict[str, list[Record]] = defaultdict(list)
    for rec in records:
        by_kind[rec[0]].append(rec)
    shown = ", ".join(f"{k} {v:g}" for k, v in gate.items()) or "the app's default"
    print(f"visitors {visitors}, {seconds:g} s, think time up to {think:g} s, gate: {shown}; "
          f"baseline (one visitor, cached slider move) p50 {base * 1000:.1f} ms")
    print(f"{'kind':9} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'503s':>6} "
          f"{'errors':>6} {'p50/base':>8} {'max/base':>8}")
    for kind in KINDS:
        if by_kind[kind]:
            print(row(kind, by_kind[kind], base))
    print(row("all", records, base))
    served = sum(1 for *_, st in records if st == 200)
    print(f"answered 200: {served} ({served / seconds:.1f}/s)  server RSS MB: "
          + "  ".join(f"{k} {v:.0f}" for k, v in rss.items()))
    for failure in failures[:5]:
        print("error:", failure)
    worst = max((s for _, s, _ in records), default=0.0)
    met = worst < GOAL_S and not failures
    print(f"goal (every answer below {GOAL_S:g} s, no errors): {'met' if met else 'MISSED'}")
    return met


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--visitors", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--think", type=float, default=0.2, help="max pause between requests, s")
    ap.add_argument("--slots", type=int, help="views computed at once (default: the app's)")
    ap.add_argument("--wait", type=float, help="seconds a request waits for a slot")
    args = ap.parse_args()
    port = free_port()
    gate = {k: v for k, v in (("slots", args.slots), ("wait", args.wait)) if v is not None}
    code = (
        "import uvicorn; from gosplan.web.app import create_app; "
        "from gosplan.web.guard import Gate, host_names; "
        f"app = create_app(hosts=host_names('127.0.0.1'), port={port}, gate=Gate(**{gate!r})); "
        f"uvicorn.run(app, host='127.0.0.1', port={port}, log_level='warning')"
    )
    server = subprocess.Popen([sys.executable, "-c", code])
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
        met = asyncio.run(run("127.0.0.1", port, server.pid, args.visitors, args.seconds,
                                  args.think, gate))
    finally:
        server.terminate()
        server.wait(timeout=10)
    if not met:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

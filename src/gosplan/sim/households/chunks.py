"""Cache-sized chunks of households, the threads that run them, and their random streams.

Every sub-step of the household layer runs chunk by chunk: a chunk is a run of about
``CHUNK`` consecutive households that never straddles a region and always begins and ends
at a village boundary, so that a village's sums are contiguous ``numpy.add.reduceat``
inside one chunk and its temporaries stay in cache. Chunks run on a thread pool (NumPy
releases the GIL in its loops); each returns its partial sums, which are reduced in chunk
order, and each draws from its own generator, derived from the layer's entropy and
(year, sub-step, chunk) through ``numpy.random.SeedSequence``. The chunks are a function
of the households alone and the streams of their keys alone, so the result is the same
bytes whatever the number of threads.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "CHUNK",
    "Chunk",
    "Runner",
    "Workspace",
    "default_threads",
    "int_sum",
    "int_sums",
    "make_chunks",
    "village_rows",
    "village_sums",
    "whole_sum",
    "whole_sums",
    "workspace",
]

#: Households per chunk (about; chunks end at village boundaries). A constant, never the
#: machine's: the chunks and their random streams must not depend on where the run is.
CHUNK = 1 << 16

T = TypeVar("T")

_POOLS: dict[int, ThreadPoolExecutor] = {}

D = TypeVar("D", bound=np.generic)


class Workspace:
    """Scratch arrays of one thread, reused by every chunk it runs and every year.

    The kernels write their intermediate results into these (``out=``) instead of
    allocating a fresh array per NumPy call: a chunk's temporaries are 64-512 KB, above
    the C allocator's threshold for fresh pages, so allocating them costs page faults and
    serialises the threads. ``get(name, n, dtype)`` is a view of the first ``n`` elements
    of the buffer ``name`` (grown when a longer chunk comes, zeros when new; otherwise what
    the thread's last user of the name left there); a kernel must not use one name twice
    for different values that are alive together.
    """

    __slots__ = ("_buffers",)

    def __init__(self) -> None:
        self._buffers: dict[tuple[str, type], NDArray[np.generic]] = {}

    def get(self, name: str, n: int, dtype: type[D]) -> NDArray[D]:
        """A scratch array of ``n`` elements of ``dtype`` (contents undefined)."""
        key = (name, dtype)  # the scalar type itself: cheaper to hash than a dtype's name
        buf = self._buffers.get(key)
        if buf is None or buf.shape[0] < n:
            buf = self._buffers[key] = np.zeros(max(n, CHUNK + CHUNK // 4), dtype=dtype)
        return buf[:n]  # type: ignore[return-value]


_LOCAL = threading.local()


def workspace() -> Workspace:
    """The calling thread's ``Workspace`` (made on first use)."""
    ws: Workspace | None = getattr(_LOCAL, "ws", None)
    if ws is None:
        ws = _LOCAL.ws = Workspace()
    return ws


def default_threads() -> int:
    """Threads used when none are asked for: the machine's cores, at most 8."""
    return max(1, min(8, os.cpu_count() or 1))


@dataclass(frozen=True, slots=True)
class Chunk:
    """Households ``[lo, hi)`` of one region, villages ``[v0, v1)``."""

    index: int
    region: int
    lo: int
    hi: int
    v0: int
    v1: int


def make_chunks(
    region_start: NDArray[np.int64],
    rows: int,
    village_start: NDArray[np.int64],
    village_region_start: NDArray[np.int64],
) -> tuple[Chunk, ...]:
    """Chunks of about ``CHUNK`` households, cut at village starts, region by region."""
    out: list[Chunk] = []
    regions = len(region_start)
    villages = int(village_start.shape[0])
    for r in range(regions):
        a = int(region_start[r])
        b = rows if r + 1 == regions else int(region_start[r + 1])
        va = int(village_region_start[r])
        vb = villages if r + 1 == regions else int(village_region_start[r + 1])
        if b <= a:
            continue
        cuts = [va]
        for target in range(a + CHUNK, b, CHUNK):
            j = va + int(np.searchsorted(village_start[va:vb], target))
            if cuts[-1] < j < vb:
                cuts.append(j)
        cuts.append(vb)
        for v0, v1 in itertools.pairwise(cuts):
            lo = int(village_start[v0])
            hi = b if v1 == vb else int(village_start[v1])
            out.append(Chunk(len(out), r, lo, hi, v0, v1))
    return tuple(out)


class Runner:
    """Runs a kernel over chunks on ``threads`` threads; hands out per-chunk generators."""

    def __init__(self, threads: int, entropy: int) -> None:
        if threads < 1:
            raise ValueError(f"threads must be at least 1; got {threads}")
        self.threads = threads
        self.entropy = entropy

    def map(self, kernel: Callable[[Chunk], T], chunks: Sequence[Chunk]) -> list[T]:
        """``[kernel(c) for c in chunks]``, in chunk order, on the thread pool."""
        if self.threads == 1 or len(chunks) < 2:
            return [kernel(c) for c in chunks]
        pool = _POOLS.get(self.threads)
        if pool is None:
            pool = _POOLS[self.threads] = ThreadPoolExecutor(self.threads)
        return list(pool.map(kernel, chunks))

    def rng(self, year: int, step: int, chunk: int) -> np.random.Generator:
        """The generator of one chunk in one sub-step of one year."""
        seq = np.random.SeedSequence(self.entropy, spawn_key=(year, step, chunk))
        return np.random.Generator(np.random.PCG64(seq))


def whole_sum(values: NDArray[np.float32]) -> float:
    """The exact sum of non-negative whole numbers held as float32.

    Summed in float32 first (cheaper than casting to float64): a float32 sum of
    non-negative whole numbers is exact while it stays below 2^24 and, rounding being
    monotone, comes out at 2^24 or more once the exact sum reaches it; only then is it
    summed again in float64 (exact to 2^53).
    """
    total = float(values.sum())
    if total < 2.0**24:
        return total
    return float(values.sum(dtype=np.float64))


def whole_sums(values: NDArray[np.float32]) -> NDArray[np.float64]:
    """``whole_sum`` over the last axis of an array of non-negative whole numbers."""
    total = np.asarray(values.sum(axis=-1), dtype=np.float64)
    if total.max(initial=0.0) < 2.0**24:
        return total
    return np.asarray(values.sum(axis=-1, dtype=np.float64), dtype=np.float64)


#: Rows whose int16 values add up within int32 whatever they are (65,535 × 32,767 < 2^31).
_INT32_ROWS = 65_535


def int_sum(values: NDArray[np.int16] | NDArray[np.bool_]) -> int:
    """The exact sum of an int16 (or bool) array.

    Summed as int32 in blocks that cannot overflow: cheaper than casting every element to
    int64.
    """
    n = values.shape[0]
    return sum(
        int(np.add.reduce(values[i : i + _INT32_ROWS], dtype=np.int32))
        for i in range(0, n, _INT32_ROWS)
    )


def village_rows(ws: Workspace, k: int, size: int) -> NDArray[np.float64]:
    """A (k, size) float64 scratch array for ``k`` per-row values to sum by village.

    Fill its rows (``out=`` or ``np.copyto``: bool, int16 and float32 values are exact in
    float64), then ``village_sums``: one ``reduceat`` for the k sums, and over float64
    without a cast (``reduceat``'s casting path, a ``dtype=`` wider than the input, ran
    slower with two threads than with one in a micro-benchmark; float64 did not).
    """
    buf = ws.get("village_rows", k * size, np.float64)
    return buf.reshape(k, size)


def village_sums(rows: NDArray[np.float64], offs: NDArray[np.int64]) -> NDArray[np.float64]:
    """Per-village sums of each row of ``rows`` (villages starting at ``offs``): (k, V)."""
    return np.asarray(np.add.reduceat(rows, offs, axis=1), dtype=np.float64)


def int_sums(values: NDArray[np.int16]) -> NDArray[np.int64]:
    """The exact sums of each row of a (k, n) int16 array, (k,) int64.

    ``int_sum`` of every row in one call per block of rows.
    """
    n = values.shape[1]
    out = np.zeros(values.shape[0], dtype=np.int64)
    for i in range(0, n, _INT32_ROWS):
        out += np.add.reduce(values[:, i : i + _INT32_ROWS], axis=1, dtype=np.int32)
    return out

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
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

__all__ = ["CHUNK", "Chunk", "Runner", "default_threads", "make_chunks"]

#: Households per chunk (about; chunks end at village boundaries). A constant, never the
#: machine's: the chunks and their random streams must not depend on where the run is.
CHUNK = 1 << 16

T = TypeVar("T")

_POOLS: dict[int, ThreadPoolExecutor] = {}


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

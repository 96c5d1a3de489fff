"""The chunks' helpers: scratch arrays and exact sums."""

from __future__ import annotations

import threading

import numpy as np

from gosplan.sim.households.chunks import CHUNK, int_sum, whole_sum, workspace


def test_workspace_reuses_buffers_per_thread_and_grows() -> None:
    ws = workspace()
    a = ws.get("t_a", 10, np.float32)
    assert a.shape == (10,)
    assert a.dtype == np.float32
    a[:] = 7
    b = ws.get("t_a", 20, np.float32)
    assert np.shares_memory(a, b)
    assert (b[:10] == 7).all()
    assert not np.shares_memory(a, ws.get("t_a", 10, np.int16))
    big = ws.get("t_a", 2 * CHUNK, np.float32)
    assert big.shape == (2 * CHUNK,)
    assert not big.any()
    other: list[object] = []
    t = threading.Thread(target=lambda: other.append(workspace()))
    t.start()
    t.join()
    assert other[0] is not ws
    assert workspace() is ws


def test_whole_sum_is_exact_past_float32_integers() -> None:
    rng = np.random.default_rng(0)
    small = rng.integers(0, 50, 70_000).astype(np.float32)
    assert whole_sum(small) == int(small.astype(np.int64).sum())
    large = np.full(70_000, 30_001.0, dtype=np.float32)  # sum 2.1e9: past 2^24
    assert whole_sum(large) == 70_000 * 30_001


def test_int_sum_does_not_overflow() -> None:
    top = np.full(200_000, np.iinfo(np.int16).max, dtype=np.int16)
    assert int_sum(top) == 200_000 * 32_767
    low = np.full(131_071, np.iinfo(np.int16).min, dtype=np.int16)
    assert int_sum(low) == -131_071 * 32_768
    mask = np.arange(100_001) % 3 == 0
    assert int_sum(mask) == int(np.count_nonzero(mask))

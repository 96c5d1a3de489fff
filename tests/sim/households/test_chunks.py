"""The chunks' helpers: scratch arrays and exact sums."""

from __future__ import annotations

import threading

import numpy as np

from gosplan.sim.households.chunks import (
    CHUNK,
    int_sum,
    int_sums,
    village_rows,
    village_sums,
    whole_sum,
    workspace,
)


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


def test_int_sums_match_int_sum_row_by_row() -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(-32_768, 32_768, size=(4, 200_001)).astype(np.int16)
    values[1] = np.iinfo(np.int16).max
    got = int_sums(values[:, 7:])  # a strided view, as the chunks' herds are
    assert got.tolist() == [int_sum(row) for row in values[:, 7:]]


def test_village_sums_equal_reduceat_of_each_row() -> None:
    rng = np.random.default_rng(4)
    size = 5_000
    offs = np.concatenate([[0], np.sort(rng.choice(np.arange(1, size), 60, replace=False))])
    land = rng.random(size).astype(np.float32)
    head = rng.integers(0, 30, size).astype(np.int16)
    mask = rng.random(size) < 0.4
    rows = village_rows(workspace(), 3, size)
    np.multiply(land, mask, out=rows[0])
    np.multiply(head, mask, out=rows[1])
    np.copyto(rows[2], mask)
    got = village_sums(rows, offs)
    assert got.shape == (3, offs.shape[0])
    assert np.array_equal(got[0], np.add.reduceat(land * mask, offs, dtype=np.float64))
    assert np.array_equal(got[1], np.add.reduceat(head * mask, offs, dtype=np.int64))
    assert np.array_equal(got[2], np.add.reduceat(mask, offs, dtype=np.int64))

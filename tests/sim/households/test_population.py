"""Synthesis of the 1928 households and the whole-number flows."""

from __future__ import annotations

import numpy as np

from gosplan.scenarios.simfiles import load_scenario
from gosplan.sim.households.kolkhozes import village_counts
from gosplan.sim.households.population import KULAK_SHARE, synthesize
from gosplan.sim.households.steps import split_counts


def test_synthesis_matches_the_1928_aggregates_exactly() -> None:
    spec = load_scenario("ussr-1928").spec
    ini, weight = spec.initial, 200
    counts = np.array([round(h * 1e6 / weight) for h in ini.households], dtype=np.int64)
    hh = synthesize(
        ini,
        spec.params,
        weight,
        village_counts(counts, weight),
        0.3,
        0.171,
        np.random.Generator(np.random.PCG64(3)),
    )
    assert hh.by_region(np.ones(hh.n, dtype=np.int64)).tolist() == counts.tolist()
    persons = hh.by_region(hh.members.astype(np.int64))
    assert persons.tolist() == [round(x * 1e6 / weight) for x in ini.rural]
    herds = hh.by_region(hh.animals.astype(np.int64))
    assert herds.tolist() == np.round(ini.herds * 1e6 / weight).astype(np.int64).tolist()
    assert hh.members.min() >= 1
    assert abs(hh.kulak.mean() - KULAK_SHARE) < 1e-3
    # Kulak households hold about kulak_herd_multiple times the average herd.
    ratio = hh.animals[1, hh.kulak].mean() / hh.animals[1].mean()
    assert abs(ratio - spec.params["kulak_herd_multiple"]) < 0.15
    # Kulak families have the sourced mean size.
    assert abs(hh.members[hh.kulak].mean() - spec.params["persons_per_kulak_family"]) < 0.05
    # About a third of households have no horse (assumed shape).
    assert 0.25 < np.mean(hh.animals[0] == 0) < 0.45


def test_split_counts_whole_unbiased_and_capped() -> None:
    rng = np.random.Generator(np.random.PCG64(5))
    cap = rng.integers(0, 30, 200_000).astype(np.int16)
    n = cap.astype(np.float32)
    parts = [n * np.float32(0.1), None, n * np.float32(0.25), n * np.float32(0.9)]
    out = split_counts(parts, cap, rng.random(cap.shape, dtype=np.float32))
    assert out[1] is None
    flows = [x for x in out if x is not None]
    assert all(np.all(x >= 0) for x in flows)
    assert np.all(sum(flows) <= cap)
    # Rates adding up to 1.25 are cut in proportion, so the stock empties exactly.
    assert np.array_equal(sum(flows), cap.astype(np.int32))
    total = float(cap.sum())
    for x, rate in zip(flows, (0.1, 0.25, 0.9), strict=True):
        assert abs(x.sum() / total - rate / 1.25) < 0.005

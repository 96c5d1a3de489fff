"""Synthesis of the 1928 households and the whole-number flows."""

from __future__ import annotations

from math import lgamma

import numpy as np
import pytest

from gosplan.scenarios.simfiles import load_scenario
from gosplan.sim.households.kolkhozes import village_counts
from gosplan.sim.households.population import (
    KULAK_SHARE,
    POISSON_INVERSION_MAX,
    poisson,
    synthesize,
)
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


@pytest.mark.parametrize("mean", [0.0, 0.3, 1.35, 5.9, 19.5])
def test_poisson_by_inversion_has_the_poisson_distribution(mean: float) -> None:
    rng = np.random.Generator(np.random.PCG64(3))
    n = 1_000_000
    x = poisson(rng, np.full(n, mean))
    assert x.dtype == np.int64
    assert np.all(x >= 0)
    if mean == 0:
        assert not x.any()
        return
    # Pearson's chi-square over the cells expected to hold at least 20 draws, the rest
    # pooled: far below its 0.1 % critical value (dof + 4.5 sqrt(2 dof), about).
    counts = np.bincount(x, minlength=200)[:200].astype(np.float64)
    k = np.arange(200)
    pmf = np.exp(k * np.log(mean) - mean - np.array([lgamma(j + 1) for j in k]))
    expected = n * pmf
    ok = expected >= 20
    stat = float(np.sum((counts[ok] - expected[ok]) ** 2 / expected[ok]))
    rest = n - counts[ok].sum(), n - expected[ok].sum()
    stat += (rest[0] - rest[1]) ** 2 / max(rest[1], 1.0)
    dof = int(ok.sum())
    assert stat < dof + 4.5 * np.sqrt(2 * dof), (mean, stat, dof)


def test_poisson_mixed_means_same_bytes_and_large_means() -> None:
    lam = np.random.Generator(np.random.PCG64(4)).gamma(0.5, 12.0, 200_000)
    assert lam.max() > POISSON_INVERSION_MAX  # some go to NumPy's sampler
    a = poisson(np.random.Generator(np.random.PCG64(9)), lam)
    b = poisson(np.random.Generator(np.random.PCG64(9)), lam)
    assert np.array_equal(a, b)
    assert abs(a.mean() / lam.mean() - 1) < 0.01
    big = lam > POISSON_INVERSION_MAX
    assert abs(a[big].mean() / lam[big].mean() - 1) < 0.01

"""The herd block: whole head, conserved, capped, with and without a campaign."""

from __future__ import annotations

import numpy as np
import pytest

from gosplan.sim.households.chunks import Workspace
from gosplan.sim.households.herds import Census, _herd_block, _Rates, _spill


def _rates(common: float, spill: float = 0.0) -> _Rates:
    f = np.float32
    base = np.cumsum(np.full((3, 4), common / 3, dtype=f), axis=0, dtype=f)
    return _Rates(
        base,
        np.full(4, 0.3, dtype=f),
        np.full(4, 0.2, dtype=f),
        np.full(4, 0.5, dtype=f),
        np.full(4, spill, dtype=f),
        np.array([0.2, 0.3, 1.2, 0.4], dtype=f),
        np.array([1.0, 0.5, 0.2, 0.1], dtype=f),
        np.array([0.0, 0.2, 0.1, 0.02], dtype=f),
    )


@pytest.mark.parametrize("common", [0.3, 1.6])
@pytest.mark.parametrize("campaign", [False, True])
def test_herd_block_conserves_whole_head(common: float, campaign: bool) -> None:
    rng = np.random.Generator(np.random.PCG64(2))
    m = 20_000
    herds = rng.poisson(3.0, (4, m)).astype(np.int16)
    pending = (rng.integers(0, 3, m) if campaign else np.zeros(m)).astype(np.int8)
    start = herds.astype(np.int64).sum(axis=1)
    sums = np.zeros((7, 4))
    food = np.empty(m, dtype=np.float32)
    _herd_block(herds, pending, _rates(common), rng, sums, Workspace(), food)
    assert np.all(herds >= 0)
    births, cum = sums[0], sums[1:]
    # Cumulative outflows never fall, and start + births - outflows = end, exactly.
    assert np.all(np.diff(cum, axis=0) >= 0)
    assert np.array_equal(start + births - cum[-1], herds.astype(np.int64).sum(axis=1))
    if campaign:
        assert np.all(cum[5] > cum[2])  # slaughter, neglect and confiscation drawn
    else:
        assert np.array_equal(cum[5], cum[2])  # no campaign flows
        # The outflows are the rates on the herd, cut in proportion where they add up to
        # more than the herd and its births: what is left is their difference or nothing.
        birth = _rates(common).birth
        assert np.all(np.abs(births / start - birth) < 0.03)
        left = np.maximum(0.0, 1 + birth - common)
        end = herds.astype(np.int64).sum(axis=1)
        assert np.all(np.abs(end / start - left) < 0.03)
    assert np.all(food >= 0)


def test_spilled_slaughter_is_drawn_from_the_herds_no_campaign_concerns() -> None:
    rng = np.random.Generator(np.random.PCG64(3))
    m = 20_000
    herds = rng.poisson(3.0, (4, m)).astype(np.int16)
    pending = np.zeros(m, dtype=np.int8)
    pending[: m // 2] = 1  # half join: the spill falls on the other half only
    stay_start = herds[:, m // 2 :].astype(np.int64).sum(axis=1)
    sums = np.zeros((7, 4))
    food = np.empty(m, dtype=np.float32)
    _herd_block(herds, pending, _rates(0.3, spill=0.2), rng, sums, Workspace(), food)
    birth = _rates(0.3).birth
    stay_end = herds[:, m // 2 :].astype(np.int64).sum(axis=1)
    assert np.all(np.abs(stay_end / stay_start - (1 + birth - 0.3 - 0.2)) < 0.03)
    # Without a campaign in the block, the spill is the fourth cumulative flow.
    herds = rng.poisson(3.0, (4, m)).astype(np.int16)
    start = herds.astype(np.int64).sum(axis=1)
    sums = np.zeros((7, 4))
    _herd_block(herds, np.zeros(m, dtype=np.int8), _rates(0.3, 0.2), rng, sums, Workspace(), food)
    assert np.all(np.abs((sums[4] - sums[3]) / start - 0.2) < 0.01)
    assert np.array_equal(sums[6], sums[4])


def test_spill_keeps_the_regions_campaign_flows() -> None:
    # Region 0: the joining households own far fewer head than the mean, so their own
    # herds cannot give the aggregate's flows; region 1: they can, and nothing spills.
    z = np.zeros((4, 2), dtype=np.int64)
    census = Census(
        present=np.array([100, 100]),
        herds=np.full((4, 2), 1000),
        joining=np.array([50, 50]),
        joining_herds=np.array([[50, 500]] * 4),
        deported=np.zeros(2, dtype=np.int64),
        deported_herds=z,
        members=np.zeros(2, dtype=np.int64),
        recent=np.zeros(2, dtype=np.int64),
    )
    s_rate = np.array([[4.0, 0.4]] * 4)
    n_rate = np.array([[1.0, 0.1]] * 4)
    birth, common = np.full(4, 1.0), np.full((4, 2), 0.5)
    s, n, spill = _spill(s_rate, n_rate, birth, common, census, z)
    want = (s_rate + n_rate) * census.joining_herds
    got = (s + n) * census.joining_herds + spill * (census.herds - census.joining_herds)
    assert np.allclose(got, want)
    assert np.allclose((s + n)[:, 0], 1.5)  # all the room their births leave
    assert np.all(spill[:, 1] == 0)
    assert np.allclose(s[:, 1], 0.4)

"""The herd block: whole head, conserved, capped, with and without a campaign."""

from __future__ import annotations

import numpy as np
import pytest

from gosplan.sim.households.chunks import Workspace
from gosplan.sim.households.herds import _herd_block, _Rates


def _rates(common: float) -> _Rates:
    f = np.float32
    base = np.cumsum(np.full((3, 4), common / 3, dtype=f), axis=0, dtype=f)
    return _Rates(
        base,
        np.full(4, 0.3, dtype=f),
        np.full(4, 0.2, dtype=f),
        np.full(4, 0.5, dtype=f),
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

"""Rules that carry the model past 1932, against hand-computed values: later collectivization
waves slaughter less (M11), and per-hectare delivery norms by zone (M21)."""

from __future__ import annotations

import numpy as np
import pytest

from gosplan.sim.agriculture import herd_step, regional_yield_factors, wave_slaughter
from gosplan.sim.engine import SimResult
from gosplan.sim.planner import make_plan
from gosplan.sim.spec import SimSpec
from tests.sim.specs import with_levers


def test_only_the_storm_slaughters_in_full(spec: SimSpec) -> None:
    w = spec.params["later_wave_slaughter"]
    assert 0.0 < w < 1.0
    assert wave_slaughter(spec, 1929) == 1.0  # the winter of 1929-30
    assert wave_slaughter(spec, 1930) == pytest.approx(w)
    assert wave_slaughter(spec, 1931) == pytest.approx(w)


def test_slaughter_scales_with_the_wave(spec: SimSpec, run: SimResult) -> None:
    state, nxt_year = run.states[2], 1930
    from gosplan.sim.agriculture import campaign

    nxt = campaign(spec, state, nxt_year + 1)
    storm = herd_step(with_levers(spec, storm_campaign=1.0), state, nxt, nxt_year)
    later = herd_step(with_levers(spec, storm_campaign=0.0), state, nxt, nxt_year)
    assert storm.slaughter.sum() > 0
    np.testing.assert_allclose(
        later.slaughter, spec.params["later_wave_slaughter"] * storm.slaughter, rtol=1e-12
    )
    # Nothing else in the herd year depends on the wave.
    np.testing.assert_allclose(later.births, storm.births, rtol=1e-12)
    np.testing.assert_allclose(later.neglect, storm.neglect, rtol=1e-12)


def test_per_hectare_norms_follow_each_zones_yield(spec: SimSpec, run: SimResult) -> None:
    by_area = with_levers(spec, deliveries_by_area=1.0, procurement_per_ha=0.2)
    state = run.states[4]
    plan = make_plan(by_area, state)
    S = state.sown_area
    f = regional_yield_factors(spec.params)
    # The Union's mean norm over the whole area, spread by normal yield.
    assert plan.procurement_quota.sum() == pytest.approx(0.2 * S.sum())
    expected = 0.2 * S.sum() * f * S / (f @ S)
    np.testing.assert_allclose(plan.procurement_quota, expected, rtol=1e-12)
    # Kazakhstan's norm per hectare is its yield factor times Ukraine's over Ukraine's.
    per_ha = plan.procurement_quota / S
    assert per_ha[1] / per_ha[0] == pytest.approx(f[1] / f[0])

"""The policies that carry the farms past 1932, against hand-computed values: the
resolution of 26 March 1932 (cows and small stock kept on joining) and the food loans of
February-July 1933."""

from __future__ import annotations

import numpy as np
import pytest

from gosplan.scenarios.simfiles import load_scenario
from gosplan.sim.agriculture import (
    KEPT_ON_ENTRY,
    Campaign,
    entry_slaughter_factor,
    herd_step,
    wave_slaughter,
)
from gosplan.sim.engine import initial_state
from gosplan.sim.grain import distribute, relief_total
from gosplan.sim.spec import SPECIES, SimSpec
from tests.sim.specs import with_levers


def test_entry_slaughter_falls_for_kept_species_only(spec: SimSpec) -> None:
    k = spec.params["entry_slaughter_kept"]
    on = with_levers(spec, stock_kept_on_entry=1.0)
    off = with_levers(spec, stock_kept_on_entry=0.0)
    # 1 - k·K_s: horses (K = 0) untouched, cattle, pigs and sheep (K = 1) cut by k.
    assert list(KEPT_ON_ENTRY) == [0.0, 1.0, 1.0, 1.0]
    assert SPECIES[0] == "horses"
    np.testing.assert_allclose(entry_slaughter_factor(on, 1933), [1.0, 1 - k, 1 - k, 1 - k])
    np.testing.assert_allclose(entry_slaughter_factor(off, 1933), np.ones(4))


def test_the_resolution_is_in_force_from_the_campaign_of_1932(spec: SimSpec) -> None:
    assert spec.policy.at("stock_kept_on_entry", 1931) == 0
    assert spec.policy.at("stock_kept_on_entry", 1932) == 1
    assert load_scenario("ussr-1933").spec.policy.at("stock_kept_on_entry", 1935) == 1


def test_herd_step_slaughter_is_the_factor_times_the_old_rule(spec: SimSpec) -> None:
    state = initial_state(spec)
    entries = np.array([0.2, 0.3, 0.1])
    nxt = Campaign(
        share=state.kolkhoz_share,
        entries=entries,
        deported_households=np.zeros(3),
        deported_persons=np.zeros(3),
    )
    on = herd_step(with_levers(spec, stock_kept_on_entry=1.0), state, nxt, 1932)
    off = herd_step(with_levers(spec, stock_kept_on_entry=0.0), state, nxt, 1932)
    k = spec.params["entry_slaughter_kept"]
    # Hand-computed: s_scale · s_s · e · (1 - c) · N, then times (1 - k K_s).
    p = spec.params
    rate = np.array([p[f"slaughter_{s}"] for s in SPECIES])[:, None]
    # The later waves' factor (1932's campaign is not the storm) multiplies both.
    wave = wave_slaughter(spec, 1932)
    expected_off = (
        p["slaughter_scale"] * wave * rate * entries * (1 - state.kolkhoz_share) * state.herds
    )
    np.testing.assert_allclose(off.slaughter, expected_off)
    np.testing.assert_allclose(on.slaughter[0], off.slaughter[0])
    np.testing.assert_allclose(on.slaughter[1:], (1 - k) * off.slaughter[1:])
    # What is not slaughtered stays in the herd.
    np.testing.assert_allclose(on.herds - off.herds, off.slaughter - on.slaughter)


def test_relief_total_is_share_plus_loans_bounded_by_stock_and_need(spec: SimSpec) -> None:
    s = with_levers(spec, famine_relief=0.1, relief_loans=0.32)
    # min(0.1 · 5 + 0.32, 5, 3) = 0.82
    assert relief_total(s, 1932, remaining=5.0, shortfall=3.0) == pytest.approx(0.82)
    # The villages' shortfall bounds it: min(0.82, 5, 0.5) = 0.5
    assert relief_total(s, 1932, remaining=5.0, shortfall=0.5) == pytest.approx(0.5)
    # So does what the state holds: min(0.1 · 0.2 + 0.32, 0.2, 3) = 0.2
    assert relief_total(s, 1932, remaining=0.2, shortfall=3.0) == pytest.approx(0.2)
    # Nothing held, nothing given.
    assert relief_total(s, 1932, remaining=0.0, shortfall=3.0) == 0.0


def test_the_1933_food_loans_are_drawn_from_the_1932_harvest(spec: SimSpec) -> None:
    pol = spec.policy
    assert pol.at("relief_loans", 1931) == 0.0
    assert pol.at("relief_loans", 1932) == pytest.approx(0.32)
    assert pol.at("relief_loans", 1933) == 0.0


def test_relief_loans_reach_the_hungry_villages_and_grain_is_conserved(spec: SimSpec) -> None:
    state = initial_state(spec)
    # A poor harvest so every region falls short of the famine threshold.
    harvest = np.array([5.0, 0.5, 20.0])
    args = (
        harvest,
        np.array([1.0, 0.1, 4.0]),
        np.array([0.5, 0.5, 0.5]),
        state.sown_area,
        state.rural,
        float(state.urban.sum()),
        state.herds,
        2.0,
        0.0,
    )
    base = distribute(with_levers(spec, famine_relief=0.0, relief_loans=0.0), 1932, *args)
    lent = distribute(with_levers(spec, famine_relief=0.0, relief_loans=0.32), 1932, *args)
    assert base.relief.sum() == 0.0
    assert lent.relief.sum() == pytest.approx(0.32)
    np.testing.assert_allclose(lent.food - base.food, lent.relief)
    # The state's side: the loans come out of what it would otherwise keep or send on.
    before = base.reserve + base.state_other
    after = lent.reserve + lent.state_other
    assert before - after == pytest.approx(0.32)

"""The simulator: conservation of grain, people and animals; determinism; direction of change."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gosplan.analysis.run import run_scenario
from gosplan.scenarios.simfiles import load_scenario
from gosplan.sim.engine import simulate


@pytest.fixture(scope="module")
def history():  # type: ignore[no-untyped-def]
    return run_scenario("ussr-1928", years=(1928, 1937))


@pytest.mark.parametrize("ledger", ["grain", "people", "animals"])
def test_conserved_every_year(history, ledger: str) -> None:  # type: ignore[no-untyped-def]
    # Stocks change only by the recorded flows, to rounding (values are of order 1e2).
    residuals = history.result.ledgers[ledger]
    assert len(residuals) == 10
    assert np.max(residuals) < 1e-10


def test_same_seed_same_bits_other_seed_differs() -> None:
    spec = load_scenario("ussr-1928").spec
    a = simulate(spec, np.random.default_rng(7))
    b = simulate(spec, np.random.default_rng(7))
    c = simulate(spec, np.random.default_rng(8))
    for name in a.series:
        assert np.array_equal(a.series[name], b.series[name], equal_nan=True), name
    assert not np.array_equal(a.series["grain_harvest"], c.series["grain_harvest"])


def test_without_a_generator_the_run_is_deterministic() -> None:
    spec = load_scenario("ussr-1928").spec
    a, b = simulate(spec), simulate(spec)
    assert all(np.array_equal(a.series[k], b.series[k], equal_nan=True) for k in a.series)


def test_key_series_move_the_right_way(history) -> None:  # type: ignore[no-untyped-def]
    s = {
        k: dict(zip(history.result.years, v, strict=True)) for k, v in history.result.series.items()
    }
    plan = {
        k: dict(zip(history.result.years, v, strict=True)) for k, v in history.result.plan.items()
    }
    for name in ("pig_iron_output", "steel_output", "coal_output", "electricity_output"):
        assert s[name][1932] > 1.3 * s[name][1928], name
        assert s[name][1932] < plan[name][1932], name  # up, but short of the plan
    assert s["grain_harvest"][1932] < s["grain_harvest"][1928]
    for name in ("cattle_summer", "horses_summer", "pigs_summer", "sheep_and_goats_summer"):
        assert s[name][1932] < 0.8 * s[name][1928], name
    assert s["grain_procurement"][1932] > 1.4 * s["grain_procurement"][1928]
    toll = history.result.totals["famine_excess_deaths_ussr"]
    assert toll[0] == 1933
    assert 5.5 <= toll[1] <= 7.5


def test_chained_run_starts_second_plan_from_simulated_1932(history) -> None:  # type: ignore[no-untyped-def]
    first, second = history.segments
    assert first[0].spec.name == "ussr-1928"
    assert second[0].spec.name == "ussr-1933"
    end_1932 = first[1].states[-1]
    start_1933 = second[1].states[0]
    assert start_1933 is end_1932


def test_counterfactual_changes_policy_only() -> None:
    base = load_scenario("ussr-1928")
    gentle = load_scenario("ussr-1928", ["policy.dekulakization=0"])
    assert dict(base.spec.params) == dict(gentle.spec.params)
    a, b = simulate(base.spec), simulate(gentle.spec)
    assert b.series["kulak_families_deported_special_settlement"][-1] == 0
    assert a.series["kulak_families_deported_special_settlement"][-1] > 3e5


def test_aggregate_model_is_fast() -> None:
    # Not a timing test: a guard that a run stays a few dozen solves, not thousands.
    spec = load_scenario("ussr-1928").spec
    result = simulate(replace(spec))
    assert len(result.years) == 5


def test_counterfactual_carries_its_policies_past_1932() -> None:
    run = run_scenario("gradual-collectivization", years=(1928, 1937))
    shares = dict(zip(run.result.years, run.result.series["collectivization_pct"], strict=True))
    assert shares[1933] == pytest.approx(20.0)
    assert shares[1937] == pytest.approx(20.0)
    base = run_scenario("ussr-1928", years=(1928, 1937))
    assert base.result.series["collectivization_pct"][-1] > 90


def test_fixed_deliveries_per_hectare_take_nothing_at_the_margin() -> None:
    """Under deliveries fixed by area the past take no longer weighs on the harvest (M8)."""
    from gosplan.sim.agriculture import campaign, harvest
    from gosplan.sim.engine import initial_state

    spec = load_scenario("ussr-1928").spec
    state = initial_state(spec).evolve(procured_share=np.full(3, 0.45))
    camp = campaign(spec, state, 1928)
    weather = np.ones(3)

    def crop(by_area: float) -> float:
        levers = {**spec.policy.levers, "deliveries_by_area": np.full(len(spec.years), by_area)}
        other = replace(spec, policy=replace(spec.policy, levers=levers))
        return float(harvest(other, state, camp, weather).sum())

    at_margin, by_harvest = crop(1.0), crop(0.0)
    assert at_margin > by_harvest
    quiet = initial_state(spec).evolve(procured_share=np.full(3, 0.0))
    assert at_margin == pytest.approx(float(harvest(spec, quiet, camp, weather).sum()))


def test_village_stocks_conserve_grain_and_soften_only_a_first_bad_year() -> None:
    """Stocks are eaten in the first bad year and are gone in the second (1932 vs 1933)."""
    from gosplan.sim.population import use_stocks

    spec = load_scenario("ussr-1928").spec
    full = np.full(3, spec.params["village_stock_max"])
    short = np.full(3, 0.6 * spec.params["famine_threshold"])
    first, left = use_stocks(spec, short, full)
    second, gone = use_stocks(spec, short, left)
    assert np.allclose(first + left, short + full)
    assert np.all(first > second)
    assert np.allclose(second, short)
    assert np.all(gone == 0)
    plenty = np.full(3, 2 * spec.params["famine_threshold"])
    eaten, kept = use_stocks(spec, plenty, gone)
    assert np.allclose(eaten + kept, plenty)
    assert np.all(kept > 0)


def test_famine_deaths_fall_in_the_hungry_spring_after_the_1932_harvest(history) -> None:  # type: ignore[no-untyped-def]
    """Convex mortality and stocks date the famine: 1933 far above 1932, little from 1934."""
    for region in ("ussr", "ukraine"):
        series = history.result.series[f"excess_deaths_{region}"]
        s = dict(zip(history.result.years, series, strict=True))
        assert s[1933] > 1.5 * s[1932], region
        assert s[1934] < 0.2 * s[1933], region


def test_abortion_ban_raises_births_from_mid_1936() -> None:
    """The decree of June 1936 is a policy input: births rise with it, not before."""
    from gosplan.sim.population import birth_boost

    spec = load_scenario("ussr-1933").spec
    assert birth_boost(spec, 1935) == 1.0
    assert 1.0 < birth_boost(spec, 1936) < birth_boost(spec, 1937)


def test_flight_ban_applies_where_the_directive_did() -> None:
    """Ukraine wholly, Kazakhstan not at all, the rest of the Union in part (Jan 1933)."""
    from gosplan.sim.population import flight_ban

    spec = load_scenario("ussr-1933").spec
    ban = flight_ban(spec, 1933)
    assert ban[0] == 1.0
    assert ban[1] == 0.0
    assert 0.0 < ban[2] < 0.5
    assert np.all(flight_ban(load_scenario("ussr-1928").spec, 1932) == 0.0)

"""The record's other tallies of simulated quantities, against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from gosplan.scenarios.simfiles import load_scenario
from gosplan.sim.engine import SimResult
from gosplan.sim.tallies import big_cities, cows_january, primary_energy, town_flows

PARAMS = load_scenario("ussr-1928").spec.params


def test_town_flows_add_departures_to_the_net_gain() -> None:
    arrivals, departures = town_flows({"urban_departure_rate": 0.2}, 30.0, 2.5)
    assert departures == pytest.approx(6.0)  # 0.2 x 30
    assert arrivals == pytest.approx(8.5)  # 2.5 + 6
    assert arrivals - departures == pytest.approx(2.5)


def test_primary_energy_weighs_oil_by_its_calorific_value() -> None:
    p = {"coal_equivalent_coal": 0.8, "coal_equivalent_oil": 10 / 7}
    assert primary_energy(p, 50.0, 14.0) == pytest.approx(0.8 * 50 + 20.0)


def test_cows_are_a_share_of_the_january_cattle() -> None:
    assert cows_january({"cow_share_of_cattle": 0.5}, 58.0) == pytest.approx(29.0)


def test_coefficients_reproduce_the_starting_year() -> None:
    # Each coefficient is derived from 1928 (or the pre-war herd), never from 1929-1932.
    assert PARAMS["urban_departure_rate"] * 26.9 == pytest.approx(5.414, abs=1e-4)
    assert PARAMS["coal_equivalent_oil"] == pytest.approx(10 / 7, abs=1e-6)
    assert primary_energy(PARAMS, 35.4, 11.6) == pytest.approx(47.018, abs=1e-3)
    assert PARAMS["cow_share_of_cattle"] == pytest.approx(28.8 / 58.4, abs=1e-6)


def test_the_run_records_the_tallies_from_its_own_series(run: SimResult) -> None:
    s = run.series
    net = s["urban_net_in_migration"]
    np.testing.assert_allclose(s["urban_arrivals"] - s["urban_departures"], net, rtol=1e-12)
    np.testing.assert_allclose(
        s["urban_departures"], PARAMS["urban_departure_rate"] * s["population_urban"], rtol=1e-12
    )
    np.testing.assert_allclose(
        s["primary_energy_consumption"],
        primary_energy(PARAMS, s["coal_output"], s["oil_output"]),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        s["cows_jan"], PARAMS["cow_share_of_cattle"] * s["cattle_jan"], rtol=1e-12
    )


def test_big_cities_take_a_share_of_the_towns_growth() -> None:
    p = {"urban_population_1928": 26.9, "big_city_share_1928": 0.4, "big_city_growth_share": 0.7}
    assert big_cities(p, 26.9) == pytest.approx(0.4 * 26.9)
    assert big_cities(p, 36.9) == pytest.approx(0.4 * 26.9 + 7.0)
    # The starting year's share reproduces the record's 1928 count.
    assert PARAMS["big_city_share_1928"] * PARAMS["urban_population_1928"] == pytest.approx(
        10.737, abs=1e-4
    )

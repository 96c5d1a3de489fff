"""The fit follows the record's marks: weights by status and quality, no UNSOURCED row."""

from __future__ import annotations

import pytest

from gosplan.analysis.fit import FAMINE_BANDS, FAMINE_SOURCES, observations
from gosplan.scenarios.record import load_record
from gosplan.sim.series import COMPARATOR


def test_observations_weigh_as_the_record_says() -> None:
    obs = observations()
    assert "UNSOURCED" not in set(obs["source"])
    assert (obs["weight"] > 0).all()
    weight = obs.set_index(["series", "year"])["weight"]
    assert weight[("pig_iron_output", 1930)] == 1.0  # Mitchell, read
    assert weight[("population_total", 1930)] == pytest.approx(0.1)  # COW, not re-read
    assert weight[("pigs_summer", 1931)] == pytest.approx(0.1)  # Nove, recalled
    # The 1932 real wage is the middle of Filtzer's 43-50 (unverified, scholarly).
    real = obs[(obs["series"] == "real_wage_index_1928_100") & (obs["year"] == 1932)]
    assert real["record"].iloc[0] == pytest.approx(46.5)
    assert real["weight"].iloc[0] == pytest.approx(0.1)


def test_each_observation_is_the_record_preferred_row() -> None:
    record = load_record()
    obs = observations()
    for series, year, value, source in zip(
        obs["series"], obs["year"], obs["record"], obs["source"], strict=True
    ):
        name = COMPARATOR.get(series, series)
        if series == "real_wage_index_1928_100" and year == 1932:
            continue
        best = record.best(name, "actual").loc[year]
        assert (best["value"], best["source"]) == (value, source)


def test_famine_bands_are_the_record_primary_ranges() -> None:
    assert FAMINE_BANDS == {
        "famine_excess_deaths_ussr": (5.5, 8.7),
        "famine_excess_deaths_ukraine": (2.6, 3.9),
        "famine_excess_deaths_kazakhstan": (1.5, 1.75),
    }
    assert FAMINE_SOURCES["famine_excess_deaths_ussr"] == ("DW2004", "KYIVPOST_LEVCHUK")
    assert FAMINE_SOURCES["famine_excess_deaths_ukraine"] == ("VALLIN2002", "RUDNYTSKYI2015")


def test_collectivization_is_compared_with_the_mid_year_series() -> None:
    # The simulated share is the mid-year one: 1931 is 52.7%, not 1 January's 25.9%.
    name = COMPARATOR["collectivization_pct"]
    assert load_record().value(name, 1931) == 52.7

"""The fit follows the record's marks and the catalogue's kinds: inputs and 1928 never count."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from gosplan.analysis.calibrate import at_bounds
from gosplan.analysis.fit import (
    FAMINE_BANDS,
    FAMINE_SOURCES,
    FIT_COLUMNS,
    FitReport,
    coverage,
    fit_report,
    median_abs_log_error,
    observations,
    physical_points,
)
from gosplan.scenarios.record import load_record
from gosplan.scenarios.simfiles import load_scenario
from gosplan.sim import catalogue
from gosplan.sim.engine import SimResult, simulate

COMPARATOR = {n: e.comparator for n, e in catalogue.CATALOGUE.items() if e.comparator}


@pytest.fixture(scope="module")
def result() -> SimResult:
    return simulate(load_scenario("ussr-1928").spec)


def test_observations_weigh_as_the_record_says() -> None:
    obs = observations()
    assert "UNSOURCED" not in set(obs["source"])
    assert (obs["weight"] > 0).all()
    weight = obs.set_index(["series", "year"])["weight"]
    assert weight[("pig_iron_output", 1930)] == 1.0  # Mitchell, read
    assert obs["year"].min() == 1929
    assert weight[("population_total", 1930)] == pytest.approx(0.1)  # COW, not re-read
    assert weight[("pigs_summer", 1931)] == pytest.approx(0.1)  # Nove, recalled
    # The 1932 real wage is the middle of Filtzer's 43-50 (unverified, scholarly).
    real = obs[(obs["series"] == "real_wage_index_1928_100") & (obs["year"] == 1932)]
    assert real["record"].iloc[0] == pytest.approx(46.5)
    assert real["weight"].iloc[0] == pytest.approx(0.1)


@pytest.mark.slow
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


def _scaled(result: SimResult, names: tuple[str, ...], factor: float, years: slice) -> SimResult:
    series = dict(result.series)
    for name in names:
        values = series[name].copy()
        values[years] *= factor
        series[name] = values
    return replace(result, series=series)


def test_the_fit_never_counts_an_input(result: SimResult) -> None:
    base = fit_report(result)
    inputs = tuple(n for n in catalogue.names("input") if n in result.series)
    assert "grain_exports" in inputs
    assert "collectivization_pct" in inputs
    assert not set(base.rows["series"]) & set(inputs)
    moved = fit_report(_scaled(result, inputs, 3.0, slice(None)))
    assert moved.loss == base.loss
    assert moved.median_abs_log_error == base.median_abs_log_error
    assert moved.coverage == base.coverage


def test_the_fit_never_counts_the_first_year(result: SimResult) -> None:
    base = fit_report(result, range(1928, 1933))
    assert 1928 not in set(base.rows["year"])
    moved = fit_report(_scaled(result, tuple(result.series), 3.0, slice(0, 1)), range(1928, 1933))
    assert (moved.loss, moved.median_abs_log_error) == (base.loss, base.median_abs_log_error)


def test_the_score_counts_simulated_series_and_not_targets(result: SimResult) -> None:
    base = fit_report(result)
    assert set(base.rows["kind"]) <= {"simulated", "target"}
    assert set(base.scored["kind"]) == {"simulated"}
    # Procurement is made by a documented rule now, so it is scored and moves the score.
    moved = fit_report(_scaled(result, ("grain_procurement",), 2.0, slice(None)))
    assert moved.loss > base.loss
    assert (moved.scored["series"] == "grain_procurement").any()
    # A simulated series moves the score.
    steel = fit_report(_scaled(result, ("steel_output", "coal_output"), 2.0, slice(None)))
    assert steel.median_abs_log_error > base.median_abs_log_error


def test_starting_values_echoed_in_the_record_are_not_scored(result: SimResult) -> None:
    rows = fit_report(result).rows
    assert not ((rows["series"] == "population_urban") & (rows["year"] == 1929)).any()


def test_median_abs_log_error_by_hand() -> None:
    assert median_abs_log_error(np.array([0.1, -0.3, 0.2])) == pytest.approx(0.2)
    assert median_abs_log_error(np.array([-0.4, 0.1])) == pytest.approx(0.25)
    assert np.isnan(median_abs_log_error(np.array([])))
    rows = pd.DataFrame(
        {
            "series": ["steel_output", "steel_output", "coal_output", "grain_procurement"],
            "record_series": ["steel_output", "steel_output", "coal_output", "grain_procurement"],
            "year": [1929, 1930, 1929, 1929],
            "kind": ["simulated", "simulated", "simulated", "target"],
            "simulated": [np.e, 1.0, 1.0, np.e**3],
            "record": [1.0, np.e, np.exp(0.5), 1.0],
            "source": ["A"] * 4,
            "weight": [1.0] * 4,
            "count": [2, 2, 1, 1],
            "log_error": [1.0, -1.0, -0.5, 3.0],
        }
    )[list(FIT_COLUMNS)]
    empty = pd.DataFrame(columns=["series", "simulated", "low", "high", "inside"])
    report = FitReport(rows, empty, 0.0, coverage(["simulated"] * 3 + ["input"]), 4)
    # |1|, |-1|, |-0.5|: the target's 3 is left out.
    assert report.median_abs_log_error == pytest.approx(1.0)
    assert report.coverage == pytest.approx(0.75)
    assert coverage(np.array(["input", "target", "simulated", "initial"])) == pytest.approx(0.25)


def test_coverage_of_the_historical_run(result: SimResult) -> None:
    report = fit_report(result)
    assert 0 < report.coverage < 1
    assert report.points > len(report.scored)
    points = physical_points(range(1929, 1933), frozenset(result.series))
    assert report.points == len(points)
    assert report.coverage == pytest.approx(float(np.mean(points["kind"] == "simulated")))


def test_parameters_at_a_bound() -> None:
    tables = {
        "a": {"kind": "calibrated", "range": [0.0, 1.0], "value": 3e-11},
        "b": {"kind": "calibrated", "range": [0.2, 0.9], "value": 0.9},
        "c": {"kind": "calibrated", "range": [0.0, 1.0], "value": 0.5},
        "d": {"kind": "assumed", "range": [0.0, 1.0], "value": 0.0},
    }
    assert at_bounds(tables) == {"a": "low", "b": "high"}
    assert at_bounds(tables, {"a": 0.5}) == {"b": "high"}
    assert at_bounds(tables, {"c": 0.995}) == {"a": "low", "b": "high", "c": "high"}

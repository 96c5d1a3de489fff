"""The catalogue of series: complete, its units the engine's and the record's, its kinds true."""

from __future__ import annotations

import numpy as np
import pytest

from gosplan.errors import GosplanError
from gosplan.scenarios.record import load_record
from gosplan.scenarios.simfiles import load_scenario
from gosplan.sim import catalogue
from gosplan.sim.catalogue import CATALOGUE, FIRST_YEAR, FIT_YEARS, KINDS
from gosplan.sim.engine import SimResult, simulate


@pytest.fixture(scope="module")
def result() -> SimResult:
    return simulate(load_scenario("ussr-1928").spec)


def test_every_series_the_engine_records_has_an_entry_and_no_entry_is_stale(
    result: SimResult,
) -> None:
    emitted = set(result.series) | set(result.totals)
    assert emitted == set(CATALOGUE)
    assert set(result.plan) <= set(CATALOGUE)


def test_units_are_the_engines_and_the_records(result: SimResult) -> None:
    record = load_record()
    for name, entry in CATALOGUE.items():
        assert result.units[name] == entry.unit, name
        if entry.comparator is not None:
            assert record.unit(entry.comparator) == entry.unit, name


def test_every_comparator_is_in_the_record() -> None:
    known = set(load_record().names())
    missing = {n: e.comparator for n, e in CATALOGUE.items() if e.comparator not in (None, *known)}
    assert missing == {}


def test_every_entry_is_declared_in_full() -> None:
    for name, entry in CATALOGUE.items():
        assert entry.name == name
        assert entry.kind in KINDS, name
        assert entry.kind != "initial", name
        assert entry.label[:1].isupper(), name
        assert entry.unit, name
        assert entry.why, name
        assert all(y in FIT_YEARS for y in entry.initial_years), name


def test_the_fit_window_starts_after_the_first_year() -> None:
    assert (FIRST_YEAR, FIT_YEARS.start, FIT_YEARS.stop - 1) == (1928, 1929, 1932)


def test_inputs_follow_their_policies(result: SimResult) -> None:
    # What the catalogue calls an input is set by a policy in the engine, not simulated.
    policy = load_scenario("ussr-1928").spec.policy
    years = result.years
    collectivized = [100 * policy.at("collectivization", y) for y in years]
    np.testing.assert_allclose(result.series["collectivization_pct"], collectivized, rtol=1e-9)
    exports = [policy.at("grain_export_plan", y) for y in years]
    np.testing.assert_allclose(result.series["grain_exports"], exports, rtol=1e-9)
    families = np.cumsum(
        [policy.at("dekulakization", y) * policy.at("kulak_families", y) * 1e6 for y in years]
    )
    np.testing.assert_allclose(
        result.series["kulak_families_deported_special_settlement"], families, rtol=1e-9
    )
    for name in (
        "collectivization_pct",
        "grain_exports",
        "kulak_families_deported_special_settlement",
        "grain_sown_area",
    ):
        assert catalogue.kind(name) == "input", name
    # Made by rules, not set from the record: the official harvest (reports), tractors
    # (the works' design capacities), procurement (the plan's documented share).
    for name in ("grain_harvest_official_1930s", "tractors_in_agriculture", "grain_procurement"):
        assert catalogue.kind(name) == "simulated", name


def test_targets_are_the_famine_tolls_and_the_settler_flows() -> None:
    # The settlers' death and escape rates are taken from the record's one year of each.
    assert set(catalogue.names("target")) == {
        "excess_deaths_ussr",
        "excess_deaths_kazakhstan",
        "famine_excess_deaths_ussr",
        "famine_excess_deaths_ukraine",
        "famine_excess_deaths_kazakhstan",
        "special_settler_deaths",
        "special_settler_escapes",
    }


def test_kind_in_a_year() -> None:
    assert catalogue.kind_in("steel_output", 1928) == "initial"
    assert catalogue.kind_in("steel_output", 1930) == "simulated"
    assert catalogue.kind_in("grain_exports", 1930) == "input"
    # The starting urban population is the record's 1 January 1929 taken back a year.
    assert catalogue.kind_in("population_urban", 1929) == "initial"
    assert catalogue.kind_in("population_urban", 1930) == "simulated"
    # A run that starts later starts from its own first year.
    assert catalogue.kind_in("steel_output", 1933, first_year=1933) == "initial"
    assert catalogue.kind_in("population_urban", 1929, first_year=1925) == "simulated"


def test_readers_for_the_exhibit() -> None:
    assert catalogue.label("grain_harvest") == "Grain harvest"
    assert catalogue.label("no_such_series") == "No such series"
    assert catalogue.unit("tractors_in_agriculture") == "thousand physical units"
    assert catalogue.short_unit("tractors_in_agriculture") == "thousand"
    assert catalogue.display("special_settlers_count") == (1e-6, "mn persons")
    assert catalogue.display("steel_output") == (1.0, "mt")
    assert catalogue.comparator("grain_harvest") == "grain_harvest_wheatcroft_davies"
    assert catalogue.comparator("investment") is None


def test_an_unknown_series_is_a_clear_key_error() -> None:
    with pytest.raises(KeyError) as info:
        catalogue.entry("steel")
    assert isinstance(info.value, GosplanError)
    assert "series 'steel': not in the simulator's catalogue" in str(info.value)


def test_the_catalogue_cannot_be_changed() -> None:
    with pytest.raises(TypeError):
        CATALOGUE["steel_output"] = CATALOGUE["coal_output"]  # type: ignore[index]

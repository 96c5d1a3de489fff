"""The household resolution against the aggregate model: aggregates, ledgers, determinism.

Tolerances (docs/households.md §4), measured at full scale (seed 11, 1928-1937) and at
1:1000 (seeds 11-13), and why they are not tighter:

* collectivization share: 2.5 percentage points. A 1:1000 sample has about 24,500
  households (binomial sd of a share near one half: sqrt(0.25 / 24,500) = 0.3 pp); kulaks
  are never admitted, so late targets near the 97 % cap fall short by up to 1.9 pp.
* harvest: 5 % a year (measured within 2 %).
* procurement: 6 % a year (measured within 5 % in 1931): each producer's extraction
  ceiling is its own (kolkhozes on their own crop), and the kolkhozes' share of the crop
  is below their share of households, on which the aggregate's rate is defined.
* horses, cattle, sheep and goats: 6 % (measured within 5 %); pigs 10 % (measured within
  8 %). The campaign's flows are the aggregate's per region in expectation (the joining
  herds' shortfall spills onto the other private herds); what is left is the extra
  fodder of the 1931 procurement difference, which the pigs' high fodder-loss rate shows
  most.
* population: 2 % (measured within 1 %); rural 3 %.

At 1:1000 the spread between seeds is larger than between seed 11's layer and its
aggregate: seeds 12 and 13 give pigs up to 14 %, procurement 7 %, horses 6 % (the
weather and the sample move the 1931-32 fodder); the tolerances are seed 11's, this run.
* famine tolls 1932-33, Ukraine, Kazakhstan and the USSR: 15 % each (measured: Ukraine
  within 2 %, Kazakhstan 9 % and the USSR 12-13 % below, at 1:1000 and full scale; 1 % of
  food near the threshold is about half a million deaths).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gosplan.analysis.run import Run, run_scenario
from gosplan.errors import ResolutionError
from gosplan.scenarios.simfiles import load_scenario
from gosplan.sim.engine import simulate
from gosplan.sim.households import HouseholdLayer
from gosplan.sim.households.chunks import CHUNK
from gosplan.sim.households.population import STATUS_DEPORTED, STATUS_MEMBER

SEED = 11
YEARS = (1928, 1937)


@pytest.fixture(scope="module")
def aggregate() -> Run:
    return run_scenario(years=YEARS, seed=SEED)


@pytest.fixture(scope="module")
def sample() -> Run:
    return run_scenario(years=YEARS, seed=SEED, resolution="households", scale=1000)


def _close(a: np.ndarray, b: np.ndarray, rel: float) -> float:
    """Largest relative difference where the aggregate is not tiny."""
    big = np.abs(a) > 0.5
    return float(np.max(np.abs(b[big] / a[big] - 1))) if big.any() else 0.0


@pytest.mark.parametrize(
    ("name", "rel"),
    [
        ("grain_harvest", 0.05),
        ("grain_procurement", 0.06),
        ("horses_summer", 0.06),
        ("cattle_summer", 0.06),
        ("pigs_summer", 0.10),
        ("sheep_and_goats_summer", 0.06),
        ("population_total", 0.02),
        ("population_rural", 0.03),
    ],
)
def test_aggregates_agree_at_1_1000(aggregate: Run, sample: Run, name: str, rel: float) -> None:
    a, b = aggregate.result.series[name], sample.result.series[name]
    assert _close(a, b, rel) <= rel, (name, a.round(2), b.round(2))


def test_collectivization_follows_the_plan(aggregate: Run, sample: Run) -> None:
    a = aggregate.result.series["collectivization_pct"]
    b = sample.result.series["collectivization_pct"]
    assert np.max(np.abs(a - b)) <= 2.5, (a.round(1), b.round(1))


def test_famine_tolls_agree(aggregate: Run, sample: Run) -> None:
    for region in ("ukraine", "kazakhstan", "ussr"):
        key = f"famine_excess_deaths_{region}"
        a, b = aggregate.result.totals[key][1], sample.result.totals[key][1]
        assert abs(b / a - 1) <= 0.15, (region, a, b)
    # No famine in the NEP years, as in the record.
    assert np.all(sample.result.series["excess_deaths_ussr"][:2] < 0.05)


def test_people_and_animals_conserved_exactly(sample: Run) -> None:
    ledgers = sample.result.ledgers
    for name in ("households_people", "households_animals"):
        assert len(ledgers[name]) == 10
        assert np.all(ledgers[name] == 0), name
    for name in ("grain", "people", "animals"):
        assert np.max(ledgers[name]) < 1e-9, name


def test_household_states(sample: Run) -> None:
    farms = sample.farms
    assert farms is not None
    hh = farms.households
    assert hh.weight == 1000
    assert 24_000 <= hh.n <= 25_000
    # Kulaks are never members; the deported have no one and nothing left.
    assert not np.any(hh.kulak & (hh.status == STATUS_MEMBER))
    gone = hh.status == STATUS_DEPORTED
    assert gone.any()
    assert np.all(hh.kulak[gone])
    assert np.all(hh.members[gone] == 0)
    assert np.all(hh.animals[:, gone] == 0)
    # Kolkhozes: about 250 at this scale by 1937 (250,000 in the USSR), fewer in 1928.
    assert farms.kolkhozes[0] < 0.2 * farms.kolkhozes[-1]
    assert 200 <= farms.kolkhozes[-1] <= 250


@pytest.mark.slow
def test_same_seed_same_bytes_other_seed_differs(sample: Run) -> None:
    again = run_scenario(years=(1928, 1937), seed=SEED, resolution="households", scale=1000)
    other = run_scenario(years=(1928, 1937), seed=SEED + 1, resolution="households", scale=1000)
    assert sample.farms is not None
    assert again.farms is not None
    assert other.farms is not None
    assert again.farms.digest() == sample.farms.digest()
    for name, values in sample.result.series.items():
        assert np.array_equal(values, again.result.series[name], equal_nan=True), name
    assert other.farms.digest() != sample.farms.digest()
    assert not np.array_equal(
        other.result.series["excess_deaths_ussr"], sample.result.series["excess_deaths_ussr"]
    )


def test_independent_of_global_random_state() -> None:
    np.random.seed(1)  # noqa: NPY002 - the legacy global state must not matter
    a = run_scenario(years=(1928, 1929), resolution="households", scale=5000)
    np.random.seed(2)  # noqa: NPY002
    b = run_scenario(years=(1928, 1929), resolution="households", scale=5000)
    assert a.farms is not None
    assert b.farms is not None
    assert a.farms.digest() == b.farms.digest()


def test_aggregate_default_unchanged() -> None:
    a = run_scenario(years=(1928, 1932))
    assert a.resolution == "aggregate"
    assert a.farms is None
    assert "households_people" not in a.result.ledgers


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"resolution": "villages"}, "must be one of"),
        ({"scale": 10}, "only to --resolution households"),
        ({"resolution": "households", "scale": 0}, "N must be from 1"),
        ({"resolution": "households", "scale": 2_000_000}, "N must be from 1"),
    ],
)
def test_bad_resolution_or_scale(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(ResolutionError, match=fragment):
        run_scenario(years=(1928, 1929), **kwargs)  # type: ignore[arg-type]


@pytest.mark.slow
def test_full_scale_agrees_1928_1937() -> None:
    # Every household of 1928 (24.5 million), 1928-1937: about a minute and 2 GB.
    a = run_scenario(years=YEARS, seed=SEED)
    b = run_scenario(years=YEARS, seed=SEED, resolution="households", scale=1)
    assert b.farms is not None
    assert b.farms.households.village.size >= 24_000_000
    for name, rel in (
        ("grain_harvest", 0.05),
        ("grain_procurement", 0.05),
        ("cattle_summer", 0.05),
        ("horses_summer", 0.05),
        ("sheep_and_goats_summer", 0.05),
        ("pigs_summer", 0.10),
        ("population_total", 0.05),
        ("population_rural", 0.05),
    ):
        assert _close(a.result.series[name], b.result.series[name], rel) <= rel, name
    # The 1932 harvest's famine (1932 deaths and those it commits 1933 to).
    for region in ("ukraine", "kazakhstan", "ussr"):
        key = f"famine_excess_deaths_{region}"
        x, y = a.result.totals[key][1], b.result.totals[key][1]
        assert abs(y / x - 1) <= 0.15, (region, x, y)
    share = a.result.series["collectivization_pct"] - b.result.series["collectivization_pct"]
    assert np.max(np.abs(share)) <= 2.5
    assert np.all(b.result.ledgers["households_people"] == 0)
    assert np.all(b.result.ledgers["households_animals"] == 0)


@pytest.mark.slow
def test_same_bytes_for_any_number_of_threads() -> None:
    # 1:100 has about 245,000 households: several chunks per region, so the threads share
    # out real work; the per-chunk streams make the bytes independent of their number.
    spec = replace(load_scenario("ussr-1928").spec, years=(1928, 1929, 1930))
    digests, series = [], []
    for threads in (1, 2, 3):
        layer = HouseholdLayer(100, np.random.Generator(np.random.PCG64(7)), threads=threads)
        result = simulate(spec, farms=layer)
        assert layer.households.n > 3 * CHUNK
        digests.append(layer.digest())
        series.append(result.series["excess_deaths_ussr"].tobytes())
    assert digests[0] == digests[1] == digests[2]
    assert series[0] == series[1] == series[2]

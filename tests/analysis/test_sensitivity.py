"""Sensitivity analysis on a real local cluster: stable given the seed, and it finds what the
model's equations say matters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from gosplan.analysis.sensitivity import DUMMY, OUTPUTS, sensitivity
from gosplan.errors import GosplanError
from gosplan.report.ensemble import write_sensitivity


@pytest.fixture(scope="module")
def morris(cluster2: Any) -> Any:
    return sensitivity("ussr-1928", method="morris", n=4, seed=5, client=cluster2)


def test_morris_is_the_same_for_the_same_seed(morris: Any, cluster2: Any) -> None:
    again = sensitivity("ussr-1928", method="morris", n=4, seed=5, client=cluster2)
    pd.testing.assert_frame_equal(morris.table, again.table, check_exact=True)
    assert np.array_equal(morris.outputs, again.outputs)
    for output in OUTPUTS:
        assert morris.ranking(output) == again.ranking(output)


def test_morris_finds_the_famine_threshold_and_ignores_the_dummy(morris: Any) -> None:
    # Excess deaths grow with the gap 1 - food / famine_threshold (sim/population.py): the
    # threshold moves the whole famine, far more than any other uncertain parameter.
    assert morris.ranking("famine_deaths")[0] == "famine_threshold"
    # Herd losses: the kolkhoz neglect and slaughter parameters, not the famine's.
    assert set(morris.ranking("cattle_change")[:3]) <= {
        "kolkhoz_neglect", "slaughter_scale", "fodder_loss_scale", "extraction_base",
        # What the state takes from the kolkhozes is grain their fodder fund does not get.
        "extraction_kolkhoz",
        "yield_base",  # the harvest feeds the kolkhoz's fodder fund, and so the herds
        # The order of claims: individual peasants feed their families before their animals,
        # so the food floor decides how much grain fodder is left to them.
        "rural_food_floor",
    }
    # Steel: an industrial parameter, never the agricultural ones.
    assert morris.ranking("steel_fulfilment")[0] in {
        "utilisation_max", "capital_output_ratio", "completion_rate", "spread_penalty"
    }
    table = morris.table
    for output in OUTPUTS:
        rows = table[table["output"] == output]
        dummy = rows[rows["parameter"] == DUMMY]
        assert float(dummy["mu_star"].iloc[0]) == 0.0
        assert int(dummy["rank"].iloc[0]) == len(rows)
        assert float(rows["mu_star"].max()) > 0.0


def test_another_seed_agrees_on_the_leader(cluster2: Any) -> None:
    other = sensitivity("ussr-1928", method="morris", n=4, seed=6, client=cluster2)
    assert other.ranking("famine_deaths")[0] == "famine_threshold"


def test_sobol_indices_and_the_written_folder(cluster2: Any, tmp_path: Path) -> None:
    result = sensitivity("ussr-1928", method="sobol", n=8, seed=1, client=cluster2)
    assert len(result.outputs) == 8 * (len(result.names) + 2)
    rows = result.table[result.table["output"] == "famine_deaths"]
    assert rows["parameter"].iloc[0] == "famine_threshold"
    dummy = rows[rows["parameter"] == DUMMY]
    assert float(dummy["ST"].iloc[0]) == 0.0
    folder = write_sensitivity(result, tmp_path / "s")
    assert sorted(p.name for p in folder.iterdir()) == [
        "manifest.json", "runs.parquet", "sensitivity.csv", "sensitivity.svg"
    ]
    table = pd.read_csv(folder / "sensitivity.csv")
    assert {"S1", "S1_conf", "ST", "ST_conf", "rank"} <= set(table.columns)
    assert (folder / "sensitivity.svg").read_text().count("<svg") == 1


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"method": "fast"}, "sensitivity: method must be one of morris, sobol; got 'fast'"),
        ({"method": "sobol", "n": 12}, "must be a power of 2 in 2..100,000; got 12"),
        ({"method": "sobol", "n": 2**17},
         "sensitivity: n must be an integer in [2, 100000]; got 131072"),
        ({"method": "morris", "n": 1}, "sensitivity: n must be an integer in [2, 100000]; got 1"),
        ({"n": 100_001}, "sensitivity: n must be an integer in [2, 100000]; got 100001"),
        ({"workers": 0}, "sensitivity: workers must be an integer in [1, 256]; got 0"),
        ({"seed": -5}, "sensitivity: seed must be an integer in [0, 9223372036854775807]; got -5"),
        ({"scenario": "nowhere"}, "nowhere: no such scenario"),
    ],
)
def test_bad_input(kwargs: dict[str, Any], fragment: str) -> None:
    args = {"scenario": "ussr-1928", **kwargs}
    with pytest.raises(GosplanError) as info:
        sensitivity(args.pop("scenario"), **args)
    assert fragment in str(info.value)

"""The built-in example economy: it loads, every number carries a source, and it balances."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from gosplan import balance
from gosplan.cli import main
from gosplan.scenarios.builtin import builtin_path
from gosplan.scenarios.loader import read_economy, read_targets

FOLDER = builtin_path()
TABLES = [
    "technology.csv",
    "labour.csv",
    "capacity.csv",
    "targets.csv",
    "targets_1928.csv",
    "plan_targets.csv",
]
NOT_CITATIONS = {"assumed", "derived", "calibrated"}


def defined_sources() -> set[str]:
    text = (FOLDER / "SOURCES.md").read_text()
    return set(re.findall(r"^\| ([A-Z][A-Z0-9_]+) \|", text, flags=re.MULTILINE))


@pytest.mark.parametrize("table", TABLES)
def test_every_number_has_a_source_or_a_reason(table: str) -> None:
    frame = pd.read_csv(FOLDER / table, dtype=str, keep_default_na=False)
    known = defined_sources() | NOT_CITATIONS
    for row in frame.itertuples(index=False):
        ids = [s.strip() for s in row.source.split(";")]
        assert all(ids), f"{table}: empty source in {row}"
        unknown = [s for s in ids if s not in known]
        assert not unknown, f"{table}: source {unknown} is not in SOURCES.md"
        if NOT_CITATIONS & set(ids):
            assert len(row.note) > 20, f"{table}: an assumed or derived number needs its reasoning"


def test_targets_are_the_plans_gross_outputs() -> None:
    economy = read_economy(FOLDER)
    plan = pd.read_csv(FOLDER / "plan_targets.csv")
    optimal = plan[plan.variant == "fyp1_optimal"].set_index("product").gross_output
    actual = plan[plan.variant == "actual_1928"].set_index("product").gross_output
    for targets, expected in (("targets.csv", optimal), ("targets_1928.csv", actual)):
        x = balance(economy, read_targets(FOLDER / targets, economy)).gross_output
        np.testing.assert_allclose(x, expected.reindex(economy.products).to_numpy(), rtol=1e-4)


def test_capacity_is_1928_output() -> None:
    economy = read_economy(FOLDER)
    x1928 = balance(economy, read_targets(FOLDER / "targets_1928.csv", economy)).gross_output
    np.testing.assert_allclose(x1928, economy.capacity, rtol=1e-4)


def test_default_job(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan"]) == 0
    out = capsys.readouterr().out
    assert "USSR 1928" in out
    assert "Not feasible with present capacities" in out
    assert main(["plan", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["gross_output"]["pig_iron"] == pytest.approx(10.0, rel=1e-6)
    over = {row["product"] for row in doc["over_capacity"]}
    assert {"pig_iron", "steel", "coal", "electricity"} <= over

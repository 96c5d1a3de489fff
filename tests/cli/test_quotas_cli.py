"""``gosplan quotas``: enterprise quotas from the plan, totals kept exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from gosplan.cli import main

ENTERPRISES = """enterprise,product,capacity,unit_cost
Donbass,coal,20,1.0
Kuzbass,coal,15.4,1.2
Baku,oil,9,1
Grozny,oil,2.7,1.1
Shterovka,electricity,5.05,1
Magnitka,pig_iron,1.5,1
Yuzhny,pig_iron,1.782,1
Stal,steel,4.251,1
Mash,machinery,1822,1
Kolkhozy,grain,73.3,1
Ivanovo,cotton_fabric,2.74,1
"""


@pytest.fixture
def enterprises(tmp_path: Path) -> Path:
    path = tmp_path / "enterprises.csv"
    path.write_text(ENTERPRISES)
    return path


@pytest.mark.parametrize("rule", ["capacity", "least_cost"])
def test_quotas_sum_to_the_plan(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, enterprises: Path, rule: str
) -> None:
    out = tmp_path / "q.csv"
    assert (
        main(["quotas", "--enterprises", str(enterprises), "--rule", rule, "--out", str(out)]) == 0
    )
    assert main(["plan", "--json"]) == 0
    capsys.readouterr()
    quotas = pd.read_csv(out)
    plan_doc = main(["plan", "--json"])
    assert plan_doc == 0
    plan = json.loads(capsys.readouterr().out)["gross_output"]
    totals = quotas.groupby("product")["quota"].sum()
    for product, total in totals.items():
        assert total == pytest.approx(plan[product], rel=1e-12)
    coal = quotas[quotas["product"] == "coal"].set_index("enterprise")["quota"]
    if rule == "capacity":
        assert coal["Donbass"] / coal["Kuzbass"] == pytest.approx(20 / 15.4)


def test_five_year_quotas(tmp_path: Path, enterprises: Path) -> None:
    out = tmp_path / "q.parquet"
    assert (
        main(["quotas", "--enterprises", str(enterprises), "--years", "3", "--out", str(out)]) == 0
    )
    # Calendar years: the built-in economy's plans start in its year, 1928.
    assert sorted(pd.read_parquet(out)["year"].unique().tolist()) == [1928, 1929, 1930]


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (lambda t: t.replace("Ivanovo,cotton_fabric,2.74,1\n", ""), "'cotton_fabric'"),
        (lambda t: t.replace("Baku,oil", "Baku,oill"), "product 'oill' is not a product"),
        (lambda t: t.replace("Baku,oil,9,", "Baku,oil,-9,"), "capacity must be a finite number"),
        (lambda t: t.replace("Grozny,", "Baku,"), "enterprise 'Baku' appears twice"),
    ],
)
def test_bad_enterprises(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, enterprises: Path, edit, fragment: str
) -> None:  # type: ignore[no-untyped-def]
    enterprises.write_text(edit(ENTERPRISES))
    out = tmp_path / "q.csv"
    code = main(["quotas", "--enterprises", str(enterprises), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert fragment in err
    assert not out.exists()

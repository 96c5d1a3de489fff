"""``gosplan plan --economy NAME``: the built-in real economies from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gosplan.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_balanced_plan_of_us_2021_15(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", "--economy", "us-2021-15", "--json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["economy"] == "United States 2021, 15 industries (BEA supply and use tables)"
    assert doc["products"] == 17
    assert doc["status"] == "solved"
    assert sum(doc["gross_output"].values()) == pytest.approx(50862522, abs=1)
    assert doc["units"]["Mining"] == "millions of dollars"


def test_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", "--economy", "us-2021-15")
    assert (code, err) == (0, "")
    assert "Balanced plan: United States 2021" in out


def test_activity_plan_of_au_114(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", "--economy", "au-114", "--method", "optimal")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "The plan delivers 0.94231 times the target assortment."


def test_own_targets(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    targets = tmp_path / "targets.csv"
    targets.write_text("product,quantity\nMining,1000\n")
    code, out, _ = run(capsys, "plan", "--economy", "us-2021-15", "--targets", str(targets),
                       "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["final_demand"]["Mining"] == 1000.0
    assert doc["final_demand"]["Utilities"] == 0.0


def test_ussr_1928_is_the_example_folder(capsys: pytest.CaptureFixture[str]) -> None:
    _, named, _ = run(capsys, "plan", "--economy", "ussr-1928", "--json")
    _, default, _ = run(capsys, "plan", "--json")
    assert json.loads(named) == json.loads(default)


def test_unknown_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", "--economy", "nonsense")
    assert (code, out) == (2, "")
    assert err == ("gosplan: error: --economy: 'nonsense' is not a built-in economy; choose "
                   "one of ussr-1928, us-2021-15, us-2021-71, au-114\n")


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (("--years", "3"), "a supply and use table has balanced and optimal one-year plans"),
        (("--method", "harmony"), "a supply and use table has balanced and optimal"),
        (("--method", "optimal", "--lp-method", "closed_form"),
         "--lp-method: closed_form solves square"),
        (("--method", "optimal", "--out", "plan.json"), "leave out --out"),
        (("economy-folder",), "give an economy folder or --economy, not both"),
    ],
)
def test_refusals(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                  extra: tuple[str, ...], expected: str) -> None:
    args = [str(tmp_path / a) if a in ("plan.json", "economy-folder") else a for a in extra]
    code, out, err = run(capsys, "plan", "--economy", "us-2021-71", *args)
    assert code == 2
    assert out == ""
    assert expected in err
    assert err.count("\n") == 1
    assert not (tmp_path / "plan.json").exists()


def test_balanced_plan_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    code, printed, err = run(capsys, "plan", "--economy", "us-2021-15", "--out", str(out))
    assert (code, err) == (0, "")
    assert f"Plan written to {out}" in printed
    text = out.read_text()
    assert "Manufacturing" in text


def test_activity_plan_json_names_its_units(capsys: pytest.CaptureFixture[str]) -> None:
    # An optimal plan over a supply and use table's industries carries names and units, as
    # an activity-economy folder's does.
    code, out, _ = run(capsys, "plan", "--economy", "us-2021-15", "--method", "optimal",
                       "--json")
    assert code == 0
    doc = json.loads(out)
    assert {"units", "names", "techniques", "valuation_units"} <= set(doc)
    assert set(doc["units"]["activities"]) == set(doc["levels"])

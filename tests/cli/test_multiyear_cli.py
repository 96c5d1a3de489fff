"""``gosplan plan --years``: targets by year, labour path, stocks by good, Cockshott's files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gosplan.cli import main
from gosplan.core.multiyear import multiyear_plan
from gosplan.scenarios.loader import read_economy
from tests.scenarios.test_cockshott import FILES as COCKSHOTT_FILES
from tests.scenarios.test_cockshott import his_lp
from tests.scenarios.test_cockshott import write as write_cockshott

ECONOMY = """\
[economy]
name = "Cloth"
year = 1928
technology = "technology.csv"
labour = "labour.csv"
capacity = "capacity.csv"
capital = "capital.csv"

[labour]
available = 100.0

[[products]]
id = "cloth"

[[products]]
id = "machine"

[[products]]
id = "building"
"""
TABLES = {
    "technology.csv": "input,output,coefficient\nmachine,cloth,0.05\n",
    "labour.csv": "product,coefficient\ncloth,0.5\nmachine,1.0\nbuilding,1.0\n",
    "capacity.csv": "product,capacity,depreciation\ncloth,20,0.1\n",
    "capital.csv": "input,output,coefficient\nmachine,cloth,1.0\nbuilding,cloth,2.0\n",
    "targets.csv": "year,product,quantity\n1929,cloth,10\n1930,cloth,11\n1931,cloth,12\n",
    "labour_path.csv": "year,hours\n1929,20\n1930,22\n1931,24\n",
    "capital_stock.csv": "good,branch,stock\nmachine,cloth,10\nbuilding,cloth,40\n",
    "depreciation.csv": "good,branch,rate\nmachine,cloth,0.5\n",
}


def folder(tmp_path: Path, **changes: str | None) -> Path:
    f = tmp_path / "cloth"
    f.mkdir(exist_ok=True)
    (f / "economy.toml").write_text(ECONOMY)
    for name, text in (TABLES | changes).items():
        if text is not None:
            (f / name).write_text(text)
        elif (f / name).exists():
            (f / name).unlink()
    return f


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_files_by_year_give_the_python_plan(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    f = folder(tmp_path)
    code, out, _ = run(capsys, "plan", str(f), "--years", "3", "--objective",
                       "sum-of-fulfilments", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["calendar_years"] == [1929, 1930, 1931]  # from the targets' years
    assert doc["objective"] == "sum"
    assert doc["capital_goods"] == ["machine", "building"]
    assert doc["labour_available"] == [20.0, 22.0, 24.0]
    stock = np.zeros((3, 3))
    stock[1, 0], stock[2, 0] = 10.0, 40.0
    delta = np.zeros((3, 3))
    delta[1, 0], delta[2, 0] = 0.5, 0.1  # the building keeps the branch's rate
    py = multiyear_plan(read_economy(f), [[10, 0, 0], [11, 0, 0], [12, 0, 0]],
                        objective="sum", labour_path=[20, 22, 24], capital_stock=stock,
                        capital_depreciation=delta, first_year=1929).raise_for_status()
    assert doc["objective_value"] == pytest.approx(py.objective_value, rel=1e-9)
    np.testing.assert_allclose(doc["capital_stock"], py.capital_stock, atol=1e-9)


def test_csv_output_is_by_calendar_year(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    code, text, _ = run(capsys, "plan", str(folder(tmp_path)), "--years", "3", "--out",
                        str(out))
    assert code == 0
    words = " ".join(text.split())  # the table's title wraps with the terminal's width
    assert "3-year plan 1929–1931" in words
    assert "maximising the worst year" in words
    assert sorted(set(pd.read_csv(out)["year"])) == [1929, 1930, 1931]


def test_same_targets_every_year_number_from_the_economy(capsys: pytest.CaptureFixture[str],
                                                         tmp_path: Path) -> None:
    f = folder(tmp_path, **{"targets.csv": "product,quantity\ncloth,10\n",
                            "labour_path.csv": "year,labour\n1928,20\n1929,21\n"})
    code, out, _ = run(capsys, "plan", str(f), "--years", "2", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["calendar_years"] == [1928, 1929]
    assert doc["labour_available"] == [20.0, 21.0]
    code, out, _ = run(capsys, "plan", str(f), "--years", "2", "--first-year", "1", "--json")
    assert json.loads(out)["calendar_years"] == [1, 2]


def test_cockshott_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = write_cockshott(tmp_path / "his")
    code, out, _ = run(capsys, "plan", "--cockshott", str(f), "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["objective"] == "sum"
    assert doc["calendar_years"] == [1, 2, 3]
    assert doc["objective_value"] == pytest.approx(his_lp(f), rel=1e-8)
    code, out, _ = run(capsys, "plan", "--cockshott", str(f), "--objective", "min", "--json")
    assert code == 0
    assert json.loads(out)["objective"] == "min"


@pytest.mark.parametrize(
    ("changes", "args", "message"),
    [
        ({"targets.csv": "year,product,quantity\n1929,cloth,10\n1931,cloth,12\n"}, (),
         "targets.csv: years must follow one another from 1929 to 1931; no row has year 1930"),
        ({"targets.csv": "year,product,quantity\n1929,cloth,10\n1929,cloth,12\n"}, (),
         "targets.csv: row 2, year and product repeat an earlier row"),
        ({"targets.csv": "year,product,quantity\n1929,silk,10\n"}, (),
         "targets.csv: row 1, product 'silk' is not a product of the economy"),
        ({"labour_path.csv": "year,hours\n1929,20\n1931,24\n"}, (),
         "labour_path.csv: no row for year 1930 (the plan covers 1929…1931)"),
        ({"labour_path.csv": "year,hours\n1929,20\n1930,-1\n1931,24\n"}, (),
         "labour_path.csv: row 2, hours must be a finite number >= 0; got -1.0"),
        ({"capital_stock.csv": "good,branch,stock\ncloth,machine,3\n"}, (),
         "capital_stock.csv: row 1, branch 'machine' needs none of good 'cloth' (no capital "
         "coefficient for the pair in capital.csv)"),
        ({"depreciation.csv": "good,branch,rate\nmachine,cloth,1.5\n"}, (),
         "depreciation.csv: row 1, rate must be a finite number in [0, 1]; got 1.5"),
        ({"capital_stock.csv": None}, (),
         "depreciation.csv: depreciation by good applies to capital stocks by good and "
         "branch: add capital_stock.csv"),
        ({}, ("--years", "4"), "targets.csv: holds 3 years (1929…1931); --years asks for 4"),
        ({}, ("--first-year", "1928.5"), "--first-year"),
    ],
)
def test_bad_files_are_one_line_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                       changes: dict[str, str | None], args: tuple[str, ...],
                                       message: str) -> None:
    f = folder(tmp_path, **changes)
    argv = ["plan", str(f), *(args if "--years" in args else ("--years", "3", *args))]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--objective", "final"), "--objective: applies to multi-year plans only; add --years T"),
        (("--first-year", "1928"), "--first-year: applies to multi-year plans only"),
        (("{economy}", "--cockshott", "{his}"), "--cockshott: the folder holds the economy"),
        (("--cockshott", "{nowhere}"), "nowhere: folder not found (Cockshott's format: a folder "
         "holding flows.csv, cap.csv, dep.csv, labtarg.csv)"),
        (("--cockshott", "{his}", "--years", "5"), "labtarg.csv holds 3 years; --years asks for 5"),
        (("--years", "2", "--objective", "most"), "--objective"),
    ],
)
def test_bad_flags_are_one_line_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                       args: tuple[str, ...], message: str) -> None:
    names = {"economy": str(folder(tmp_path)), "his": str(write_cockshott(tmp_path / "his")),
             "nowhere": str(tmp_path / "nowhere")}
    code, out, err = run(capsys, "plan", *(a.format(**names) for a in args))
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_a_bad_cockshott_file_names_it(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    f = write_cockshott(tmp_path / "his", **{
        "cap.csv": COCKSHOTT_FILES["cap.csv"].replace("grain,0,0,3", "grain,0,0,three")})
    code, _, err = run(capsys, "plan", "--cockshott", str(f))
    assert code == 2
    assert f"{f / 'cap.csv'}: row 'grain', column 4 must be a number; got 'three'" in err


def test_depreciation_by_good_alone(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    by_good = folder(tmp_path, **{"depreciation.csv": "good,rate\nmachine,0.5\n"})
    code, out, _ = run(capsys, "plan", str(by_good), "--years", "3", "--json")
    assert code == 0
    (tmp_path / "b").mkdir()
    same = folder(tmp_path / "b")  # good,branch,rate with the same rates
    code, out2, _ = run(capsys, "plan", str(same), "--years", "3", "--json")
    np.testing.assert_allclose(json.loads(out)["capital_stock"],
                               json.loads(out2)["capital_stock"], rtol=1e-9)


def test_targets_by_year_need_years(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = folder(tmp_path)
    code, out, err = run(capsys, "plan", str(f))
    assert code == 2
    assert out == ""
    assert (f"{f / 'targets.csv'}: holds targets by year (a year column), for a multi-year "
            "plan: add --years T") in err

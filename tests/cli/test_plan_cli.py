"""``gosplan plan`` as a user runs it: output, JSON, files, and one-line errors with exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gosplan.cli import main
from tests.scenarios.test_loader import BAD as BAD_FILES
from tests.scenarios.test_loader import make


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *fragments: str) -> None:
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for fragment in fragments:
        assert fragment in lines[0]


def test_plan_prints_table_and_verdict(capsys: pytest.CaptureFixture[str], mb_folder: Path) -> None:
    code, out, _ = run(capsys, "plan", str(mb_folder))
    assert code == 0
    assert "Balanced plan" in out
    assert "agriculture: needs 1,000 $ against a capacity of 900.0 $" in out
    assert "Labour: the plan needs 700.0 person-years of 1,000 available" in out


def test_plan_json(capsys: pytest.CaptureFixture[str], mb_folder: Path) -> None:
    code, out, _ = run(capsys, "plan", str(mb_folder), "--json")
    assert code == 0
    doc = json.loads(out)
    for key in (
        "status",
        "solver",
        "iterations",
        "residual",
        "gross_output",
        "valuations",
        "labour_required",
        "over_capacity",
    ):
        assert key in doc
    assert doc["status"] == "solved"
    assert doc["gross_output"]["agriculture"] == pytest.approx(1000.0, rel=1e-12)
    assert doc["valuations"]["manufacturing"] == pytest.approx(0.32343234, rel=1e-6)
    assert doc["over_capacity"] == [
        {
            "product": "agriculture",
            "required": pytest.approx(1000.0),
            "capacity": 900.0,
            "excess": pytest.approx(100.0),
            "unit": "$",
        }
    ]


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".json"])
def test_plan_out_file(
    capsys: pytest.CaptureFixture[str], mb_folder: Path, tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / f"plan{suffix}"
    code, _, _ = run(capsys, "plan", str(mb_folder), "--out", str(target))
    assert code == 0
    assert target.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["mb", target.name])


def test_targets_option_with_toml(
    capsys: pytest.CaptureFixture[str], mb_folder: Path, tmp_path: Path
) -> None:
    t = tmp_path / "t.toml"
    t.write_text("[targets]\nagriculture = 35\nmanufacturing = 170\n")
    code, out, _ = run(capsys, "plan", str(mb_folder), "--targets", str(t), "--json")
    assert code == 0
    assert json.loads(out)["feasible"] is True


def test_unwritable_out_leaves_nothing(
    capsys: pytest.CaptureFixture[str], mb_folder: Path, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "plan", str(mb_folder), "--out", str(tmp_path / "no" / "p.csv"))
    assert_one_line_error(code, err, "p.csv: cannot write", "does not exist")
    code, _, err = run(capsys, "plan", str(mb_folder), "--out", str(tmp_path / "p.xlsx"))
    assert_one_line_error(code, err, "p.xlsx: --out must end in .csv, .parquet or .json")
    assert not (tmp_path / "p.xlsx").exists()


def test_non_convergence_reports_iterations_and_residual(
    capsys: pytest.CaptureFixture[str], mb_folder: Path, tmp_path: Path
) -> None:
    target = tmp_path / "p.csv"
    code, _, err = run(
        capsys,
        "plan",
        str(mb_folder),
        "--solver",
        "neumann",
        "--tol",
        "1e-30",
        "--out",
        str(target),
    )
    assert_one_line_error(code, err, "did not converge", "after", "iterations", "residual")
    assert not target.exists()


def test_bad_targets_file(
    capsys: pytest.CaptureFixture[str], mb_folder: Path, tmp_path: Path
) -> None:
    t = tmp_path / "t.csv"
    t.write_text("product,quantity\nsteel,5\n")
    code, _, err = run(capsys, "plan", str(mb_folder), "--targets", str(t))
    assert_one_line_error(code, err, "t.csv: row 1, product 'steel' is not a product")
    code, _, err = run(capsys, "plan", str(mb_folder), "--targets", str(tmp_path / "none.csv"))
    assert_one_line_error(code, err, "none.csv: file not found")


def test_missing_economy(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "plan", str(tmp_path / "nowhere"))
    assert_one_line_error(code, err, "nowhere: economy folder not found")


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "plan", "--solver", "magic")
    assert code == 2
    assert "Traceback" not in err


@pytest.mark.slow
def test_real_process_exit_code(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gosplan", "plan", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert (
        proc.stderr.strip() == f"gosplan: error: {tmp_path / 'nowhere'}: economy folder not found"
    )
    assert proc.stdout == ""


@pytest.mark.parametrize(("overrides", "message"), BAD_FILES, ids=range(len(BAD_FILES)))
def test_every_bad_economy_file_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, overrides: dict[str, str], message: str
) -> None:
    folder = make(tmp_path / "e", **overrides)
    code, out, err = run(capsys, "plan", str(folder), "--out", str(tmp_path / "plan.csv"))
    assert_one_line_error(code, err, message)
    assert out == ""
    assert not (tmp_path / "plan.csv").exists()


def test_non_productive_economy_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    tech = (
        "input,output,coefficient\nagriculture,agriculture,0.9\nagriculture,manufacturing,0.5\n"
        "manufacturing,agriculture,0.5\nmanufacturing,manufacturing,0.9\n"
    )
    code, _, err = run(capsys, "plan", str(make(tmp_path / "e", technology__csv=tech)))
    assert_one_line_error(code, err, "technology.csv", "spectral radius of A is 1.4")

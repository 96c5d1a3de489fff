"""``gosplan run`` and ``gosplan compare`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from gosplan.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("args", "writes"),
    [(["--json"], False), (["--no-report"], False), (["--json", "--report"], True)],
)
def test_report_only_when_asked(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    writes: bool,
) -> None:
    # --json alone is for a program reading the numbers: drawing the report is most of a run.
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "run", "--years", "1928:1929", *args)
    assert code == 0
    assert (tmp_path / "gosplan-report" / "report.html").is_file() is writes
    assert ("Report written" in out) is (writes and "--json" not in args)


@pytest.mark.slow
def test_default_run_writes_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_dir = tmp_path / "report"
    code, out, _ = run(capsys, "run", "--out", str(out_dir))
    assert code == 0
    assert "Pig iron" in out
    assert "Famine deaths 1932" in out
    for name in ("report.html", "results.csv", "scenario-as-run.toml"):
        assert (out_dir / name).is_file()
    frame = pd.read_csv(out_dir / "results.csv")
    assert set(frame["kind"]) == {"simulated", "plan_target", "record"}
    assert sorted(frame["year"].unique().tolist())[:5] == [1928, 1929, 1930, 1931, 1932]


@pytest.mark.slow
def test_run_json_and_set(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(
        capsys, "run", "--set", "policy.dekulakization=off", "--json", "--out", str(tmp_path / "r")
    )
    assert code == 0
    doc = json.loads(out)
    assert doc


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--set", "policy.pace=0.2"], "unknown policy 'pace'"),
        (["--set", "policy.collectivization=-1"], "must be in [0, 1]"),
        (["--years", "1920:1930"], "outside scenario"),
        (["nowhere-scenario"], "no such scenario"),
    ],
)
def test_run_bad_input_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], fragment: str
) -> None:
    out_dir = tmp_path / "r"
    code, _, err = run(capsys, "run", *args, "--out", str(out_dir))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert fragment in err
    assert not out_dir.exists()


def test_compare(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(
        capsys, "compare", "ussr-1928", "gradual-collectivization", "--out", str(tmp_path / "c.csv")
    )
    assert code == 0
    assert "gradual-collectivization" in out
    assert "mn deaths" in out  # the wide view shows units
    table = pd.read_csv(tmp_path / "c.csv")
    assert table.columns.tolist() == ["scenario", "series", "unit", "year", "value"]
    toll = table[table["series"] == "famine_excess_deaths_ussr"].set_index("scenario")
    assert toll.loc["gradual-collectivization", "value"] < toll.loc["ussr-1928", "value"]
    assert set(toll["year"]) == {1933}


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".parquet", ".json"])
def test_compare_writes_any_years_in_the_format_of_the_suffix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / f"c{suffix}"
    code, _, err = run(capsys, "compare", "ussr-1928", "nep-continued",
                       "--years", "1928,1930:1931", "--out", str(target))
    assert (code, err) == (0, "")
    table = pd.read_parquet(target) if suffix == ".parquet" else pd.read_json(target)
    assert table.columns.tolist() == ["scenario", "series", "unit", "year", "value"]
    assert set(table["year"]) == {1928, 1930, 1931}
    assert table["scenario"].unique().tolist() == ["ussr-1928", "nep-continued"]


@pytest.mark.slow
def test_compare_json_is_the_tidy_rows(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "compare", "ussr-1928", "nep-continued", "--years", "1929",
                         "--json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["scenarios"] == ["ussr-1928", "nep-continued"]
    assert doc["years"] == [1929]
    assert doc["columns"] == ["scenario", "series", "unit", "year", "value"]
    steel = [r for r in doc["rows"] if r["series"] == "steel_output"]
    assert [(r["scenario"], r["unit"], r["year"]) for r in steel] == [
        ("ussr-1928", "mt", 1929), ("nep-continued", "mt", 1929)
    ]


@pytest.mark.slow
def test_compare_of_scenarios_without_a_shared_year_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "c.csv"
    code, _, err = run(capsys, "compare", "ussr-1928", "ussr-1933", "--out", str(target))
    assert code == 2
    assert err.strip() == (
        "gosplan: error: compare: the scenarios share no year (ussr-1928 1928-1932, "
        "ussr-1933 1933-1937); give years they all reach"
    )
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "{tmp}/c.txt"], "c.txt: --out must end in .csv, .parquet or .json; got '.txt'"),
        (["--out", "{tmp}/c"], "--out must end in .csv, .parquet or .json; got 'no suffix'"),
        (["--years", "1928,19x"], "--years '1928,19x': '19x' is not a year or FIRST:LAST"),
        (["--years", "1931:1929"], "the last year 1929 comes before the first 1931"),
    ],
)
def test_compare_bad_out_or_years_is_one_line_before_any_run(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    import gosplan.analysis.run

    def never(*_: object, **__: object) -> None:
        raise AssertionError("a scenario was run")

    monkeypatch.setattr(gosplan.analysis.run, "run_scenario", never)
    monkeypatch.setattr("gosplan.analysis.compare.run_scenario", never)
    filled = [a.format(tmp=tmp_path) for a in args]
    code, out, err = run(capsys, "compare", "ussr-1928", "nep-continued", *filled)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert message in err
    assert list(tmp_path.iterdir()) == []


def test_scenarios_lists_builtins(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scenarios")
    assert code == 0
    for name in ("ussr-1928", "ussr-1933", "nep-continued", "no-dekulakization"):
        assert name in out


@pytest.mark.slow
def test_calibrate_writes_parameters(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "fitted.toml"
    code, out, _ = run(capsys, "calibrate", "--max-evaluations", "1", "--out", str(target))
    assert code == 0
    assert "withheld" in out
    assert "famine_excess_deaths_ussr" in out
    text = target.read_text()
    assert "[famine_threshold]" in text
    assert 'kind = "calibrated"' in text

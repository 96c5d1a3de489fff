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
    table = pd.read_csv(tmp_path / "c.csv", index_col=0)
    toll = table.loc["famine_excess_deaths_ussr (1933)"]
    assert toll["gradual-collectivization"] < toll["ussr-1928"]


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

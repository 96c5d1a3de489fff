"""``gosplan ensemble`` and ``gosplan sensitivity`` as a user runs them."""

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


@pytest.mark.cluster
@pytest.mark.slow
def test_ensemble_writes_members_bands_and_page(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "e"
    args = ("ensemble", "--runs", "4", "--workers", "1", "--years", "1928:1933",
            "--seed", "2", "--out", str(folder))
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert "4 computed, 0 already finished" in out
    for name in ("manifest.json", "members.parquet", "bands.parquet", "bands.csv",
                 "bands.svg", "ensemble.html", "parameters.parquet", "parameters.csv",
                 "draws.csv"):
        assert (folder / name).is_file()
    assert len(list((folder / "members").glob("member-*.parquet"))) == 4
    bands = pd.read_csv(folder / "bands.csv")
    assert list(bands.columns) == [
        "series", "unit", "year", "q05", "q25", "q50", "q75", "q95", "mean"
    ]
    assert set(bands.loc[bands["series"] == "steel_output", "unit"]) == {"mt"}
    # Both are drawn by default, as from Python.
    drawn = pd.read_csv(folder / "parameters.csv")
    assert list(drawn.columns) == ["member", "parameter", "value", "unit"]
    assert sorted(set(drawn["member"])) == [0, 1, 2, 3]
    draws = pd.read_csv(folder / "draws.csv")
    assert (draws["weather_seed"] == draws["seed"]).all()
    assert "famine_excess_deaths_ussr" in set(bands["series"])
    assert "famine_threshold" in (folder / "ensemble.html").read_text()
    # The same command again resumes: nothing to compute.
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert "0 computed, 4 already finished" in out


def make_manifest(folder: Path) -> None:
    folder.mkdir()
    (folder / "members").mkdir()
    settings = {
        "format": 2, "scenario": "ussr-1928", "runs": 8, "seed": 0,
        "vary": ["weather", "parameters"], "years": [1928, 1933], "sets": [],
        "uncertainty": None,
    }
    (folder / "manifest.json").write_text(json.dumps(settings))


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--runs", "0"], "--runs must be an integer in 1..100,000; got 0"),
        (["--runs", "100001"], "--runs must be an integer in 1..100,000; got 100001"),
        (["--workers", "0"], "--workers must be an integer in 1..256; got 0"),
        (["--workers", "257"], "--workers must be an integer in 1..256; got 257"),
        (["--batch", "0"], "--batch must be an integer in 1..10,000; got 0"),
        (["--seed", "-1"], "--seed must be an integer in 0..9223372036854775807; got -1"),
        (["--vary", "weather,rain"], "--vary 'rain': must be weather or parameters"),
        (["nowhere-scenario"], "nowhere-scenario: no such scenario"),
        (["--scheduler", "tcp://127.0.0.1:9", "--timeout", "1"],
         "--scheduler tcp://127.0.0.1:9: cannot reach it within 1 s"),
        (["--years", "1920:1930"], "--years 1920:1930: outside scenario"),
    ],
)
def test_ensemble_bad_input_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], fragment: str
) -> None:
    out_dir = tmp_path / "e"
    code, _, err = run(capsys, "ensemble", "--runs", "2", "--years", "1928:1933", *args,
                       "--out", str(out_dir))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert fragment in err
    assert not out_dir.exists()


def test_ensemble_refuses_a_mismatching_manifest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "e"
    make_manifest(folder)
    before = sorted(p.name for p in folder.rglob("*"))
    code, _, err = run(capsys, "ensemble", "--runs", "9", "--years", "1928:1933",
                       "--out", str(folder))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "manifest.json: runs is 8 for the members already written; got 9" in err
    assert sorted(p.name for p in folder.rglob("*")) == before


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--method", "sobol", "--samples", "10"],
         "must be a power of 2 in 2..100,000; got 10"),
        (["--trajectories", "100001"],
         "--trajectories must be an integer in 2..100,000; got 100001"),
        (["--trajectories", "1"], "--trajectories must be an integer in 2..100,000; got 1"),
        (["--workers", "1000"], "--workers must be an integer in 1..256; got 1000"),
        (["nowhere-scenario"], "nowhere-scenario: no such scenario"),
    ],
)
def test_sensitivity_bad_input_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], fragment: str
) -> None:
    out_dir = tmp_path / "s"
    code, _, err = run(capsys, "sensitivity", *args, "--out", str(out_dir))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert fragment in err
    assert not out_dir.exists()


DAMAGED_MANIFESTS = [
    ("{", "manifest.json: not valid JSON (Expecting property name enclosed in double quotes, "
          "line 1 column 2)"),
    ("", "manifest.json: not valid JSON (Expecting value, line 1 column 1)"),
    ("[1, 2]", "manifest.json: must hold a JSON object of settings; got a list"),
    ("null", "manifest.json: must hold a JSON object of settings; got a NoneType"),
    ('{"runs": 2}', "manifest.json: format must be 2; got null"),
    ('{"format": "2"}', 'manifest.json: format must be 2; got "2"'),
    # A folder of the version before units and draws: refused, never mixed.
    ('{"format": 1, "runs": 2}', "manifest.json: format must be 2; got 1 (not an ensemble "
                                 "manifest of this version"),
    ("[" * 100_000, "manifest.json: not valid JSON (RecursionError)"),
]


@pytest.mark.parametrize(("text", "fragment"), DAMAGED_MANIFESTS)
def test_a_damaged_manifest_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, fragment: str
) -> None:
    folder = tmp_path / "e"
    (folder / "members").mkdir(parents=True)
    (folder / "manifest.json").write_text(text)
    code, _, err = run(capsys, "ensemble", "--runs", "2", "--years", "1928:1933",
                       "--out", str(folder))
    assert code == 2
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert fragment in err


def test_a_manifest_that_is_not_utf8_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "e"
    folder.mkdir()
    (folder / "manifest.json").write_bytes(b'{"format": \xff}')
    code, _, err = run(capsys, "ensemble", "--runs", "2", "--out", str(folder))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "manifest.json: not UTF-8 text (byte 11)" in err


def test_a_damaged_member_file_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Every member is on disk, so no cluster starts: the members are only read back.
    folder = tmp_path / "e"
    (folder / "members").mkdir(parents=True)
    settings = {
        "format": 2, "scenario": "ussr-1928", "runs": 2, "seed": 0, "vary": ["weather"],
        "years": [1928, 1933], "sets": [], "uncertainty": None,
    }
    (folder / "manifest.json").write_text(json.dumps(settings))
    for i in range(2):
        (folder / "members" / f"member-{i:06d}.parquet").write_bytes(b"PAR1 not parquet")
    code, _, err = run(capsys, "ensemble", "--runs", "2", "--vary", "weather",
                       "--years", "1928:1933", "--out", str(folder))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "member-000000.parquet: not a readable member file (" in err
    assert "delete it and rerun to compute it again" in err

"""``gosplan levers``, ``gosplan params`` and ``gosplan datasets`` as a user runs them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from gosplan import datasets
from gosplan.cli import main
from gosplan.cli.catalogue import Table


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_levers_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "levers")
    assert (code, err) == (0, "")
    assert "42 levers of ussr-1928" in out
    assert "plan_raised" in out
    assert "1928: 0, 1930: 1" in out
    assert "0.3 to 3" in out  # plan_ambition's range


def test_levers_json_is_the_python_listing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "levers", "nep-continued", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["scenario"] == "nep-continued"
    expected = datasets.levers("nep-continued")
    assert [r["name"] for r in doc["rows"]] == expected["name"].tolist()
    kolkhoz = next(r for r in doc["rows"] if r["name"] == "kolkhoz_market")
    assert (kolkhoz["1930"], kolkhoz["low"], kolkhoz["high"]) == (1.0, 0.0, 1.0)
    assert kolkhoz["key"] == "policy.kolkhoz_market"
    assert kolkhoz["why"]


def test_json_numbers_are_exact(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "params", "--json")
    assert code == 0
    rows = {r["name"]: r for r in json.loads(out)["rows"]}
    expected = datasets.params().set_index("name")
    # A calibrated value keeps every digit, and an empty span (not varied) is null.
    for name in ("kolkhoz_output_loss", "kazakh_herd_seizure"):
        assert rows[name]["value"] == expected.loc[name, "value"] > 0
    assert rows["kazakh_herd_seizure"]["varied_low"] is None


def test_params_prints_and_writes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "params", "--out", str(tmp_path / "params.parquet"))
    assert code == 0
    assert "capital_output_ratio" in out
    assert "1.5 to 4" in out
    written = pd.read_parquet(tmp_path / "params.parquet")
    pd.testing.assert_frame_equal(written, datasets.params())


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".json"])
def test_out_writes_each_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / f"levers{suffix}"
    code, _, _ = run(capsys, "levers", "--out", str(target))
    assert code == 0
    if suffix == ".csv":
        names = pd.read_csv(target)["name"].tolist()
    elif suffix == ".parquet":
        names = pd.read_parquet(target)["name"].tolist()
    else:
        doc = json.loads(target.read_text(encoding="utf-8"))
        assert doc["scenario"] == "ussr-1928"
        names = [r["name"] for r in doc["rows"]]
    assert names == datasets.levers()["name"].tolist()


def test_datasets_lists_them(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "datasets", "--json")
    assert code == 0
    rows = json.loads(out)["rows"]
    assert [r["name"] for r in rows] == datasets.list()["name"].tolist()
    code, out, _ = run(capsys, "datasets")
    assert code == 0
    assert "record" in out
    assert "Library of Congress" in out


def test_datasets_prints_one_table_as_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "datasets", "record")
    assert code == 0
    table = pd.read_csv(io.StringIO(out))
    assert len(table) == len(datasets.record())
    assert not table["source"].str.contains("UNSOURCED").any()


def test_datasets_writes_one_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "targets.json"
    code, out, _ = run(capsys, "datasets", "example_targets", "--out", str(target))
    assert code == 0
    assert out.strip() == f"8 rows written to {target}"
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["name"] == "example_targets"
    assert doc["rows"][0]["product"] == "coal"  # the index is a column in a file


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["levers", "atlantis"], "gosplan: error: atlantis: no such scenario (built-in: "),
        (["params", "--out", "p.txt"],
         "gosplan: error: p.txt: --out must end in .csv, .parquet or .json; got '.txt'"),
        (["datasets", "atlantis"],
         "gosplan datasets: NAME must be one of example_targets, record, documents, scenarios, "
         "counterfactuals, levers, params; got atlantis. Try 'gosplan datasets --help'."),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _out, err = run(capsys, *args)
    assert code == 2
    assert one_line(err).startswith(message)
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_out_into_a_missing_folder_is_refused_before_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "levers.csv"
    code, out, err = run(capsys, "levers", "--out", str(target))
    assert code == 2
    assert out == ""
    assert one_line(err).startswith(f"gosplan: error: {target}")
    assert not target.parent.exists()


@pytest.mark.slow
@pytest.mark.parametrize("table", [t.value for t in Table])
def test_every_table_round_trips_through_parquet(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, table: str
) -> None:
    target = tmp_path / f"{table}.parquet"
    code, _, _ = run(capsys, "datasets", table, "--out", str(target))
    assert code == 0
    expected = getattr(datasets, table)()
    if table == "example_targets":
        expected = expected.reset_index()
    pd.testing.assert_frame_equal(pd.read_parquet(target), expected)

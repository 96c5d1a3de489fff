"""``gosplan generate``: files in the documented format, the same bytes for the same seed."""

from __future__ import annotations

import filecmp
from pathlib import Path

import numpy as np
import pytest

from gosplan import balance
from gosplan.cli import main
from gosplan.scenarios.loader import read_economy, read_targets


def _generate(tmp_path: Path, name: str, *extra: str) -> Path:
    out = tmp_path / name
    assert main(["generate", "--products", "600", "--inputs", "8", "--out", str(out), *extra]) == 0
    return out


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = _generate(tmp_path, "a", "--seed", "5")
    b = _generate(tmp_path, "b", "--seed", "5")
    c = _generate(tmp_path, "c", "--seed", "6")
    names = sorted(p.name for p in a.iterdir())
    assert names == ["capacity.csv", "economy.toml", "labour.csv", "targets.csv", "technology.csv"]
    _, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    assert mismatch == [] and errors == []  # noqa: PT018
    assert not filecmp.cmp(a / "technology.csv", c / "technology.csv", shallow=False)


def test_generated_economy_can_just_meet_its_targets(tmp_path: Path) -> None:
    folder = _generate(tmp_path, "e", "--seed", "1")
    economy = read_economy(folder)
    plan = balance(economy, read_targets(folder / "targets.csv", economy)).raise_for_status()
    assert plan.feasible
    assert np.max(plan.gross_output / economy.capacity) > 0.99


def test_parquet_round_trip(tmp_path: Path) -> None:
    folder = _generate(tmp_path, "p", "--seed", "2", "--format", "parquet")
    assert (folder / "technology.parquet").is_file()
    economy = read_economy(folder)
    assert economy.n == 600


def test_out_into_unrelated_folder_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "thesis").mkdir()
    (tmp_path / "thesis" / "chapter1.tex").write_text("keep me")
    code = main(["generate", "--products", "50", "--out", str(tmp_path / "thesis")])
    err = capsys.readouterr().err
    assert code == 2
    assert "not empty" in err
    assert [p.name for p in (tmp_path / "thesis").iterdir()] == ["chapter1.tex"]


@pytest.mark.slow
def test_capital_makes_a_five_year_plan_possible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    plain = _generate(tmp_path, "plain", "--seed", "2")
    assert main(["plan", str(plain), "--years", "3"]) == 2
    assert "has no capital coefficients" in capsys.readouterr().err
    out = _generate(tmp_path, "capital", "--seed", "2", "--capital")
    assert (out / "capital.csv").exists()
    capsys.readouterr()
    assert main(["plan", str(out), "--years", "3", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "optimal"
    assert len(doc["fulfilment"]) == 3
    assert min(doc["fulfilment"]) > 0

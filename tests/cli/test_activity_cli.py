"""``gosplan plan --method optimal`` on an activity-economy folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gosplan.cli import main
from tests.scenarios.test_activity_files import write


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return write(tmp_path / "shop", **{"targets.csv": "product,quantity\nset,1\n"})


def test_words(capsys: pytest.CaptureFixture[str], shop: Path) -> None:
    code, out, err = run(capsys, "plan", str(shop), "--method", "optimal")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "The plan delivers 86.6667 times the target assortment."
    assert "Chosen: 'turret:part1' at level 3 machine-days." in lines


def test_json(capsys: pytest.CaptureFixture[str], shop: Path) -> None:
    code, out, _ = run(capsys, "plan", str(shop), "--method", "optimal", "--json",
                       "--lp-method", "ipm")
    assert code == 0
    doc = json.loads(out)
    assert doc["status"] == "optimal"
    assert doc["fulfilment"] == pytest.approx(260 / 3)
    assert doc["resource_valuations"] == pytest.approx(
        {"milling": 20 / 3, "turret": 40 / 3, "automatic": 80 / 3})
    assert doc["levels"]["assemble"] == pytest.approx(260 / 3)


def test_toml_targets(capsys: pytest.CaptureFixture[str], shop: Path, tmp_path: Path) -> None:
    targets = tmp_path / "t.toml"
    targets.write_text("[targets]\nset = 2\n")
    code, out, _ = run(capsys, "plan", str(shop), "--method", "optimal", "-t", str(targets))
    assert code == 0
    assert out.splitlines()[0] == "The plan delivers 43.3333 times the target assortment."


@pytest.mark.parametrize(
    ("args", "targets", "message"),
    [
        ((), "product,quantity\nset,1\n",
         r"shop: an activity economy \(activities.csv\) has optimal one-year plans only: use "
         r"--method optimal, without --years and --out$"),
        (("--method", "optimal", "--lp-method", "closed_form"), "product,quantity\nset,1\n",
         r"--lp-method: closed_form solves square economies only"),
        (("--method", "optimal"), "product,quantity\nsets,1\n",
         r"targets.csv: row 1, product 'sets' is not a product of the economy \(did you mean "
         r"'set'\?\)$"),
        (("--method", "optimal"), "product,quantity\nset,-1\n",
         r"targets.csv: row 1, quantity must be a finite number >= 0; got -1.0$"),
        (("--method", "optimal"), "product,quantity\nset,0\n",
         r"targets: the assortment must ask for some product"),
    ],
)
def test_bad_input_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                      args: tuple[str, ...], targets: str, message: str) -> None:
    folder = write(tmp_path / "shop", **{"targets.csv": targets})
    code, out, err = run(capsys, "plan", str(folder), *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert re.search(message, err.strip()), err


def test_bad_toml_targets(capsys: pytest.CaptureFixture[str], shop: Path, tmp_path: Path) -> None:
    targets = tmp_path / "t.toml"
    targets.write_text("[targets]\nsett = 2\n")
    code, _, err = run(capsys, "plan", str(shop), "--method", "optimal", "-t", str(targets))
    assert code == 2
    assert err.strip().endswith("t.toml: [targets] 'sett' is not a product of the economy "
                                "(did you mean 'set'?)")

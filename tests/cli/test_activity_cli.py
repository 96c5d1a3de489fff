"""``gosplan plan --method optimal|harmony`` on an activity-economy folder."""

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
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines[0].startswith("Assortment plan over activities: Machine shop (7 activities) "
                               "— fulfilment 86.6667, simplex")
    assert "The plan delivers 86.6667 times the target assortment." in lines
    assert "Chosen: 'turret:part1' at level 3 machine-days." in lines
    assert ("Idle: 'automatic:part1' would lose 6.66667 per unit: at the valuations it costs "
            "26.6667 (inputs 0, labour 0, resources 26.6667) and earns 20.") in lines
    # The activity table: level, role, cost and revenue at the valuations, loss per unit.
    row = next(line for line in lines if "automatic:part1" in line and "idle" in line)
    assert re.search(r"idle\s+.*26\.67\s+.*20\s+.*6\.667", row), row
    # The valuations with what they count: assortments per machine-day.
    row = next(line for line in lines if "resource" in line and "automatic" in line)
    assert re.search(r"26\.6667\s+.*assortments per machine-days", row), row


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
    assert doc["units"]["resources"]["automatic"] == "machine-days"
    assert doc["units"]["activities"]["assemble"] == "sets"
    assert doc["valuation_units"]["labour"] == "assortments per worker-days"
    assert doc["techniques"]["idle"] == ["turret:part2", "automatic:part1"]
    assert "assemble" in doc["techniques"]["chosen"]
    assert doc["explanation"][0] == "The plan delivers 86.6667 times the target assortment."
    assert doc["gap"] is None


def test_harmony(capsys: pytest.CaptureFixture[str], shop: Path) -> None:
    code, out, err = run(capsys, "plan", str(shop), "--method", "harmony", "--json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["objective"] == "harmony"
    assert doc["status"] == "optimal"
    assert doc["gap"] <= 1e-7
    assert doc["objective_value"] <= doc["dual_bound"] + 1e-12
    assert doc["valuation_units"]["resources"] == "harmony per unit of the resource"
    code, out, _ = run(capsys, "plan", str(shop), "--method", "harmony")
    assert code == 0
    assert any(line.startswith("The plan's harmony is ") for line in out.splitlines())


def test_toml_targets(capsys: pytest.CaptureFixture[str], shop: Path, tmp_path: Path) -> None:
    targets = tmp_path / "t.toml"
    targets.write_text("[targets]\nset = 2\n")
    code, out, _ = run(capsys, "plan", str(shop), "--method", "optimal", "-t", str(targets))
    assert code == 0
    assert "The plan delivers 43.3333 times the target assortment." in out.splitlines()


@pytest.mark.parametrize(
    ("args", "targets", "message"),
    [
        ((), "product,quantity\nset,1\n",
         r"shop: an activity economy \(activities.csv\) has optimal and harmony one-year "
         r"plans only: use --method optimal or --method harmony, without --years and --out$"),
        (("--method", "optimal", "--lp-method", "closed_form"), "product,quantity\nset,1\n",
         r": --lp-method: closed_form does not plan activity economies' optimal plans; use "
         r"simplex, ipm, pdlp or prices$"),
        (("--method", "harmony", "--lp-method", "pdlp"), "product,quantity\nset,1\n",
         r": --lp-method: pdlp does not plan activity economies' harmony plans; use simplex "
         r"or ipm$"),
        (("--method", "harmony"), "product,quantity\nset,0\n",
         r"targets: the harmony plan needs some target; got no positive quantity$"),
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


def test_price_coordination(capsys: pytest.CaptureFixture[str], shop: Path) -> None:
    # Kantorovich's method: the same optimum as the simplex, with its certified gap.
    code, out, err = run(capsys, "plan", str(shop), "--method", "optimal", "--json",
                         "--lp-method", "prices")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["fulfilment"] == pytest.approx(260 / 3, rel=1e-9)
    assert doc["resource_valuations"] == pytest.approx(
        {"milling": 20 / 3, "turret": 40 / 3, "automatic": 80 / 3}, rel=1e-6)
    assert doc["gap"] is not None
    assert 0.0 <= doc["gap"] <= 1e-9
    assert doc["dual_bound"] >= doc["fulfilment"]
    code, out, _ = run(capsys, "plan", str(shop), "--method", "optimal", "--lp-method", "prices")
    assert code == 0
    assert "certified gap" in out.splitlines()[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--method", "harmony", "--lp-method", "prices"),
         "--lp-method: prices does not plan activity economies' harmony plans; use simplex or "
         "ipm"),
        (("--method", "optimal", "--lp-method", "closed_form"),
         "--lp-method: closed_form does not plan activity economies' optimal plans; use "
         "simplex, ipm, pdlp or prices"),
    ],
)
def test_price_coordination_refused(capsys: pytest.CaptureFixture[str], shop: Path,
                                    args: tuple[str, ...], message: str) -> None:
    code, out, err = run(capsys, "plan", str(shop), *args)
    assert (code, out) == (2, "")
    assert err.strip() == f"gosplan: error: {message}"


def test_price_coordination_needs_single_products(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", "--economy", "us-2021-15", "--method", "optimal",
                         "--lp-method", "prices")
    assert (code, out) == (2, "")
    assert err.strip() == (
        "gosplan: error: --lp-method: prices needs one product per activity and no activity "
        "capacities; in --economy us-2021-15 an activity makes more than one product (joint "
        "production): use simplex, ipm or pdlp")


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (("--economy", "ussr-1928", "--method", "optimal"),
         "a square economy's optimal plan (its closed form is exact)"),
        (("--economy", "ussr-1928", "--years", "3"), "a multi-year plan"),
    ],
)
def test_price_coordination_square_refused(capsys: pytest.CaptureFixture[str],
                                           args: tuple[str, ...], what: str) -> None:
    code, out, err = run(capsys, "plan", *args, "--lp-method", "prices")
    assert (code, out) == (2, "")
    assert err.strip() == (
        "gosplan: error: --lp-method: prices coordinates one-year optimal plans of activity "
        f"economies; {what} needs simplex, ipm or pdlp")

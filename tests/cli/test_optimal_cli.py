"""``gosplan plan --method optimal|harmony`` on the built-in 1928 economy and the plan's targets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gosplan.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_fyp_targets_against_1928_capacity_are_infeasible(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "plan", "--method", "optimal", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["status"] == "optimal"
    assert 0 < doc["fulfilment"] < 1
    binding = [b for b in doc["bottlenecks"] if b["valuation"] > 0]
    assert [b["constraint"] for b in binding] == ["capacity:electricity"]
    # Electricity must grow from 5.05 to the 22 bn kWh the plan needs.
    assert binding[0]["shortfall"] == pytest.approx(22.0 - 5.05, rel=1e-6)
    short = {b["constraint"] for b in doc["bottlenecks"] if b["shortfall"] > 0}
    assert {"capacity:steel", "capacity:pig_iron", "capacity:coal", "labour"} <= short
    assert set(doc["achievable"]) == set(doc["gross_output"])


def test_words_name_the_bottleneck(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "--method", "optimal")
    assert code == 0
    assert "Targets cannot be met: at most 23% of the assortment." in out
    assert "Binding: Electricity capacity (needs +16.9 bn kWh)" in out


@pytest.mark.parametrize("lp", ["simplex", "ipm"])
def test_lp_methods_agree(capsys: pytest.CaptureFixture[str], lp: str) -> None:
    code, out, _ = run(capsys, "plan", "--method", "optimal", "--lp-method", lp, "--json")
    assert code == 0
    assert json.loads(out)["fulfilment"] == pytest.approx(0.2295454, rel=1e-5)


def test_harmony_close_to_the_optimum(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "--method", "harmony", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["method"] == "harmony"
    assert doc["fulfilment"] == pytest.approx(doc["optimal_fulfilment"], rel=0.01)


def test_harmony_under_a_time_limit_still_gives_a_feasible_plan(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "plan", "--method", "harmony", "--time-limit", "0", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["status"] == "time_limit"
    assert doc["fulfilment"] == pytest.approx(doc["optimal_fulfilment"], rel=0.01)
    code, out, _ = run(capsys, "plan", "--method", "harmony", "--time-limit", "0")
    assert code == 0
    assert "stopped before converging (time_limit" in " ".join(out.split())


def test_optimal_out_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, _ = run(capsys, "plan", "--method", "optimal", "--out", str(tmp_path / "p.json"))
    assert code == 0
    assert json.loads((tmp_path / "p.json").read_text())["fulfilment"] < 1


def test_unbounded_objective_is_one_line(
    capsys: pytest.CaptureFixture[str], mb_folder: Path, tmp_path: Path
) -> None:
    # No capacities and no labour limit: the assortment can grow without bound.
    toml = mb_folder / "economy.toml"
    toml.write_text(toml.read_text().replace("available = 1000.0\n", ""))
    (mb_folder / "capacity.csv").write_text("product,capacity\n")
    code, _, err = run(capsys, "plan", str(mb_folder), "--method", "optimal")
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "unbounded" in err.lower()


def test_closed_form_matches_simplex(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "--method", "optimal", "--lp-method", "closed_form",
                       "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["fulfilment"] == pytest.approx(0.2295454, rel=1e-6)
    assert doc["valuations"]["capacities"]["electricity"] > 0


def test_five_year_plan(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "plan", "--years", "5", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["status"] == "optimal"
    assert len(doc["fulfilment"]) == 5
    # Investment lets later years do better than 1928's capacity allows.
    assert doc["fulfilment"][-1] > doc["fulfilment"][0] > 0.22
    code, _, _ = run(
        capsys, "plan", "--years", "3", "--lag", "2", "--revise", "--out", str(tmp_path / "fyp.csv")
    )
    assert code == 0
    assert (tmp_path / "fyp.csv").read_text().startswith("year,product")


@pytest.mark.parametrize("years", [False, True])
def test_time_limit_is_one_line_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, years: bool
) -> None:
    # A generated economy has no capital coefficients, so the five-year case uses the example.
    args = ["--years", "5"]
    if not years:
        economy = tmp_path / "economy"
        assert main(["generate", "--products", "2000", "--seed", "3", "--out", str(economy)]) == 0
        capsys.readouterr()
        args = [str(economy), "--method", "optimal"]
    out = tmp_path / "plan.csv"
    code, _, err = run(capsys, "plan", *args, "--time-limit", "1e-6", "--out", str(out))
    assert code == 2
    assert err.count("\n") == 1
    assert "stopped at the time limit after" in err
    assert not out.exists()


@pytest.mark.slow
def test_five_year_plan_cut_short_reports_the_best_plan_found(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    economy = tmp_path / "economy"
    args = ["generate", "--products", "3000", "--seed", "3", "--capital", "--out", str(economy)]
    assert main(args) == 0
    capsys.readouterr()
    out = tmp_path / "plan.csv"
    code, _, err = run(capsys, "plan", str(economy), "--years", "5", "--lp-method", "pdlp",
                       "--time-limit", "0.5", "--out", str(out))
    assert code == 2
    assert err.count("\n") == 1
    assert "stopped at the time limit after" in err
    # The bound needs prices; how far PDLP got in 0.5 s depends on the machine.
    assert "best plan found: worst-year fulfilment" in err
    assert not out.exists()

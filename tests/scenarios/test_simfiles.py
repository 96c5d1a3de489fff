"""Scenario files and --set: one clear error for each kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from gosplan.analysis.run import parse_years, run_scenario
from gosplan.errors import InputFileError
from gosplan.scenarios.simfiles import builtin_scenarios, load_scenario


def test_builtins_load() -> None:
    names = builtin_scenarios()
    assert {"ussr-1928", "ussr-1933"} <= set(names)
    for name in names:
        load_scenario(name)


def _copy(tmp_path: Path, edit: str | None = None, old: str = "", new: str = "") -> Path:
    src = builtin_scenarios()["ussr-1928"]
    folder = tmp_path / "sc"
    folder.mkdir()
    text = src.read_text()
    if edit == "scenario":
        text = text.replace(old, new)
    (folder / "scenario.toml").write_text(text)
    params = (src.parent / "parameters.toml").read_text()
    if edit == "parameters":
        params = params.replace(old, new)
    (folder / "parameters.toml").write_text(params)
    return folder / "scenario.toml"


@pytest.mark.parametrize(
    ("edit", "old", "new", "message"),
    [
        ("scenario", "[scenario]", "[scenario", "not valid TOML"),
        (
            "scenario",
            "values = { 1928 = 0.017, 1929 = 0.039",
            "values = { 1928 = -0.2, 1929 = 0.039",
            "[policy.collectivization] values.1928 must be in [0, 1]",
        ),
        (
            "scenario",
            "[policy.heavy_share]",
            "[policy.heavy_sharez]",
            "[policy.heavy_sharez] is not a policy lever",
        ),
        (
            "scenario",
            "values = { 1928 = 0.8 }",
            "values = { 1928 = 'lots' }",
            "[policy.heavy_share] values.1928 must be a finite number; got 'lots'",
        ),
        ("scenario", "last_year = 1932", "last_year = 1920", "last_year 1920 is before first_year"),
        (
            "parameters",
            "[seed_rate]\nvalue = 0.133",
            "[seed_rate]\nvalue = 0.5",
            "[seed_rate] value 0.5 is outside its range",
        ),
        (
            "parameters",
            'kind = "derived"\nsource = "FFYP_GRAIN"',
            'kind = "guessed"\nsource = "FFYP_GRAIN"',
            "kind must be one of",
        ),
        ("parameters", "[horse_hp]", "[horse_power]", "[horse_power] is not a parameter"),
    ],
)
def test_bad_scenario_files(tmp_path: Path, edit: str, old: str, new: str, message: str) -> None:
    path = _copy(tmp_path, edit, old, new)
    with pytest.raises(InputFileError) as info:
        load_scenario(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        (["policy.pace=0.2"], "unknown policy 'pace'"),
        (["policy.collectivization=-0.1"], "must be in [0, 1]"),
        (["policy.collectivization=1.5"], "must be in [0, 1]"),
        (["policy.procurement_share.19x=0.2"], "'19x' is not a year"),
        (["param.famine_threshold=9"], "must be in [0.15, 0.35]"),
        (["param.nonsense=1"], "unknown parameter 'nonsense'"),
        (["weather=1"], "unknown key"),
        (["policy.heavy_share"], "must be key=value"),
        (["policy.heavy_share=much"], "value must be a number"),
    ],
)
def test_bad_sets(sets: list[str], message: str) -> None:
    with pytest.raises(InputFileError) as info:
        load_scenario("ussr-1928", sets)
    assert message in str(info.value)


def test_set_one_year_and_all_years() -> None:
    sc = load_scenario(
        "ussr-1928",
        ["policy.collectivization.1932=0.2", "policy.heavy_share=0.5", "policy.dekulakization=off"],
    )
    assert sc.spec.policy.at("collectivization", 1932) == 0.2
    assert sc.spec.policy.at("collectivization", 1931) == 0.527
    assert sc.spec.policy.at("heavy_share", 1930) == 0.5
    assert sc.spec.policy.at("dekulakization", 1930) == 0.0


@pytest.mark.parametrize(
    ("text", "message"), [("1920:1930", "outside scenario"), ("1928:1950", "outside scenario")]
)
def test_years_outside_scenario(text: str, message: str) -> None:
    with pytest.raises(InputFileError, match=message):
        run_scenario("ussr-1928", years=parse_years(text))


@pytest.mark.parametrize("text", ["1930:1928", "abc", "1928-1932"])
def test_bad_years_text(text: str) -> None:
    with pytest.raises(InputFileError, match="--years"):
        parse_years(text)


def test_unknown_scenario() -> None:
    with pytest.raises(InputFileError, match="no such scenario"):
        load_scenario("ussr-2025")


@pytest.mark.parametrize("name", sorted(builtin_scenarios()))
def test_every_policy_names_its_source_and_reason(name: str) -> None:
    from gosplan.scenarios.record import load_record

    record = load_record()
    sc = load_scenario(name)
    for lever, table in sc.policies.items():
        sources = [s.strip() for s in str(table.get("source", "")).split(";") if s.strip()]
        assert sources, f"{name}: [policy.{lever}] has no source"
        for source in sources:
            if source in ("assumed", "derived", "calibrated", "GENERAL"):
                assert len(str(table.get("why", ""))) > 5, f"{name}: [policy.{lever}] why"
            else:
                assert record.citation(source), f"{name}: [policy.{lever}] {source}"
        assert table.get("unit"), f"{name}: [policy.{lever}] has no unit"


def test_every_parameter_has_a_kind_and_reason() -> None:
    sc = load_scenario("ussr-1928")
    for name, table in sc.parameters.items():
        assert table["kind"] in ("sourced", "derived", "assumed", "calibrated"), name
        assert table.get("unit"), name
        assert len(str(table.get("why", ""))) > 5, name

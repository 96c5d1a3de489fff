"""Bad scenario, parameter, uncertainty, economy and target files: one line each, no traceback.

Every case asserts the error's class, that it is one line, and that it names the file and
the field (and, for a misspelling, the nearest known name).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gosplan import Economy
from gosplan.analysis.compare import compare
from gosplan.analysis.run import check_years, parse_years, run_scenario
from gosplan.cli import main
from gosplan.errors import GosplanError, InputFileError
from gosplan.scenarios.builtin import builtin_path
from gosplan.scenarios.loader import read_economy, read_targets
from gosplan.scenarios.simfiles import builtin_scenarios, load_scenario
from gosplan.scenarios.tables import read_table
from gosplan.scenarios.uncertainty import load_uncertainty
from gosplan.scenarios.writer import write_economy

HUGE = "1" + "0" * 400
DEEP = "[" * 5000 + "]" * 5000


def _one_line(exc: BaseException, *fragments: str) -> None:
    text = str(exc)
    assert isinstance(exc, GosplanError)
    assert "\n" not in text
    for fragment in fragments:
        assert fragment in text, (fragment, text)


def _folder(tmp_path: Path) -> Path:
    """A copy of the built-in 1928 scenario with its parameters and uncertainty files."""
    src = builtin_scenarios()["ussr-1928"].parent
    folder = tmp_path / "sc"
    folder.mkdir()
    for name in ("scenario.toml", "parameters.toml", "uncertainty.toml"):
        (folder / name).write_text((src / name).read_text())
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


# (old text, new text, fragments the one-line message must hold)
SCENARIO_EDITS = [
    ("first_year = 1928", f"first_year = {HUGE}", ["scenario.first_year", "64 bits"]),
    ("values = { 1928 = 0.8 }", f"values = {{ 1928 = {HUGE} }}", ["heavy_share.values.1928"]),
    ("first_year = 1928", f"first_year = 1928\nx = {DEEP}", ["nested more than 16 deep"]),
    ("first_year = 1928", "first_year = nan", ["[scenario] first_year", "got nan"]),
    ("values = { 1928 = 0.8 }", "values = { 1928 = inf }", ["[policy.heavy_share] values.1928"]),
    ("values = { 1928 = 0.8 }", "values = { 1928 = nan }", ["must be a finite number; got nan"]),
    ("[policy.heavy_share]", "[polcy.heavy_share]", ["'polcy'", "did you mean 'policy'?"]),
    ("[policy.heavy_share]", "[policy.heavy_shares]", ["did you mean 'heavy_share'?"]),
    ("first_year = 1928", "firts_year = 1928", ["[scenario]", "did you mean 'first_year'?"]),
    ('variant = "fyp1_optimal"', 'varient = "fyp1_optimal"', ["[plan]", "'variant'"]),
    ("[initial.rural]", "[initial.rurall]", ["[initial]", "did you mean 'rural'?"]),
    ("{ ukraine = 24.1,", "{ ukriane = 24.1,", ["[initial.rural] values", "'ukraine'"]),
    (
        'values = { 1928 = 0.8 }\nsource = "assumed"',
        'valeus = { 1928 = 0.8 }\nsource = "assumed"',
        ["[policy.heavy_share]", "did you mean 'values'?"],
    ),
    (
        "values = { 1928 = 0.8 }",
        "values = { 1928 = 0.8, 100000000 = 0.5 }",
        ["[policy.heavy_share] values: year 100000000 must be from 1900 to 2000"],
    ),
    ("last_year = 1932", "last_year = 100000000", ["[scenario] last_year", "1900 to 2000"]),
    ("first_year = 1928", "first_year = 1800", ["[scenario] first_year", "got 1800"]),
    ("target_year = 1932", "target_year = 3000", ["[plan] target_year", "got 3000"]),
    ("target_year = 1932", "target_year = 1932.5", ["[plan] target_year", "got 1932.5"]),
    (
        'continues_with = "ussr-1933"',
        'continues_with = "scenario.toml"',
        ["continues_with makes a cycle", "scenario.toml -> ", "scenario.toml"],
    ),
    (
        'continues_with = "ussr-1933"',
        'start_from = "scenario.toml"',
        ["start_from makes a cycle"],
    ),
    (
        'continues_with = "ussr-1933"',
        'continues_with = "ussr-1928"',
        ["continues_with 'ussr-1928' starts in 1928; it must start in 1933"],
    ),
    ("last_year = 1932", "last_year = 1930", ["continues_with 'ussr-1933' starts in 1933"]),
    ('continues_with = "ussr-1933"', 'continues_with = "nowhere"', ["continues_with 'nowhere'"]),
    ('economy = "example"', 'economy = "mine"', ["[scenario] economy 'mine' is neither"]),
    ("values = { 1928 = 0.8 }", "values = { 1930 = 0.8 }", ["values start in 1930"]),
    ('variant = "fyp1_optimal"', 'variant = "fyp1_optimale"', ["did you mean 'fyp1_optimal'?"]),
]


@pytest.mark.parametrize(("old", "new", "fragments"), SCENARIO_EDITS)
def test_bad_scenario_file(tmp_path: Path, old: str, new: str, fragments: list[str]) -> None:
    path = _folder(tmp_path) / "scenario.toml"
    _edit(path, old, new)
    with pytest.raises(InputFileError) as info:
        load_scenario(path)
    _one_line(info.value, *fragments)
    assert str(path) in str(info.value) or "plan_targets" in str(info.value)


def _counterfactual(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("files", "fragments"),
    [
        ({"a.toml": 'base = "a.toml"\n'}, ["base makes a cycle", "a.toml -> ", "a.toml"]),
        (
            {"a.toml": 'base = "b.toml"\n', "b.toml": 'base = "a.toml"\n'},
            ["base makes a cycle", "a.toml -> ", "b.toml -> "],
        ),
        (
            {"a.toml": '[scenario]\nname = "a"\nbase = "ussr-1928"\n'},
            ["[scenario] holds 'base'", "before the first [table]"],
        ),
        (
            {"a.toml": 'base = "ussr-1928"\n[initial.tractors]\nvalue = 1\n'},
            ["'initial' is not a known table"],
        ),
        (
            {"a.toml": 'base = "ussr-1928"\n[sceanrio]\nname = "a"\n'},
            ["did you mean 'scenario'?"],
        ),
        ({"a.toml": 'base = "ussr-1982"\n'}, ["base 'ussr-1982' is neither a built-in"]),
    ],
)
def test_bad_counterfactual(tmp_path: Path, files: dict[str, str], fragments: list[str]) -> None:
    for name, text in files.items():
        _counterfactual(tmp_path, name, text)
    with pytest.raises(InputFileError) as info:
        load_scenario(tmp_path / "a.toml")
    _one_line(info.value, *fragments)
    assert str(tmp_path) in str(info.value)


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        ("[horse_hp]\nvalue", "[horse_hp]\nvaule", ["[horse_hp]", "did you mean 'value'?"]),
        ("[horse_hp]", "[horse_hpp]", ["[horse_hpp] is not a parameter", "'horse_hp'"]),
        ("[horse_hp]\nvalue = 0.75", f"[horse_hp]\nvalue = {HUGE}", ["horse_hp.value"]),
        ("[horse_hp]\nvalue = 0.75", "[horse_hp]\nvalue = nan", ["[horse_hp] value", "nan"]),
    ],
)
def test_bad_parameters_file(tmp_path: Path, old: str, new: str, fragments: list[str]) -> None:
    folder = _folder(tmp_path)
    _edit(folder / "parameters.toml", old, new)
    with pytest.raises(InputFileError) as info:
        load_scenario(folder / "scenario.toml")
    _one_line(info.value, str(folder / "parameters.toml"), *fragments)


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        ("[utilisation_max]\nrange", "[utilisation_max]\nrnage", ["did you mean 'range'?"]),
        ("[utilisation_max]", "[utilisation_maxx]", ["did you mean 'utilisation_max'?"]),
        ("range = [2.0, 3.0]", f"range = [2.0, {HUGE}]", ["capital_output_ratio.range[1]"]),
    ],
)
def test_bad_uncertainty_file(tmp_path: Path, old: str, new: str, fragments: list[str]) -> None:
    folder = _folder(tmp_path)
    _edit(folder / "uncertainty.toml", old, new)
    with pytest.raises(InputFileError) as info:
        load_uncertainty(load_scenario(folder / "scenario.toml"))
    _one_line(info.value, str(folder / "uncertainty.toml"), *fragments)


def _economy(tmp_path: Path) -> Path:
    folder = tmp_path / "econ"
    folder.mkdir()
    for path in builtin_path().iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        ('technology = "', 'technolgy = "', ["[economy]", "did you mean 'technology'?"]),
        ("[labour]", "[labor]", ["'labor' is not a known table", "did you mean 'labour'?"]),
        ("available = 10.2", "availble = 10.2", ["[labour]", "did you mean 'available'?"]),
        ('id = "coal"\nname', 'id = "coal"\nnmae', ["[[products]] #1", "did you mean 'name'?"]),
        ("year = 1928", f"year = {HUGE}", ["economy.year", "64 bits"]),
        ("year = 1928", f"year = {DEEP}", ["nested more than 16 deep"]),
        ("available = 10.2", "available = nan", ["[labour] available", "got nan"]),
    ],
)
def test_bad_economy_toml(tmp_path: Path, old: str, new: str, fragments: list[str]) -> None:
    folder = _economy(tmp_path)
    _edit(folder / "economy.toml", old, new)
    with pytest.raises(InputFileError) as info:
        read_economy(folder)
    _one_line(info.value, str(folder / "economy.toml"), *fragments)


def test_economy_metadata_round_trip(tmp_path: Path) -> None:
    """Free-form metadata is written to, and read from, [economy.metadata]."""
    economy = Economy(
        products=["a", "b"],
        A=np.array([[0.1, 0.2], [0.3, 0.1]]),
        labour=np.array([1.0, 1.0]),
        metadata={"generator": "test", "seed": "3"},
    )
    folder = write_economy(economy, tmp_path / "e")
    assert "[economy.metadata]" in (folder / "economy.toml").read_text()
    again = read_economy(folder)
    assert again.metadata["generator"] == "test"
    assert again.metadata["seed"] == "3"


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("[target]\ncoal = 1\n", ["'target' is not a known table", "did you mean 'targets'?"]),
        ("[targets]\ncaol = 1\n", ["[targets] 'caol'", "did you mean 'coal'?"]),
        (f"[targets]\ncoal = {HUGE}\n", ["targets.coal", "64 bits"]),
        ("[targets]\ncoal = inf\n", ["[targets] coal must be a finite number"]),
    ],
)
def test_bad_targets_toml(tmp_path: Path, text: str, fragments: list[str]) -> None:
    path = tmp_path / "targets.toml"
    path.write_text(text)
    with pytest.raises(InputFileError) as info:
        read_targets(path, read_economy(builtin_path()))
    _one_line(info.value, str(path), *fragments)


@pytest.mark.parametrize(
    ("column", "values", "fragments"),
    [
        ("coefficient", pd.to_datetime(["2020-01-01", "2020-01-02"]), ["datetime64"]),
        ("coefficient", pd.to_timedelta([1, 2], unit="s"), ["timedelta64"]),
        ("coefficient", [True, False], ["dtype bool"]),
        ("coefficient", pd.Categorical(["0.1", "0.2"]), ["dtype category"]),
        ("input", [1.5, 2.5], ["column input must hold text (ids)", "float64"]),
        ("input", pd.to_datetime(["2020-01-01", "2020-01-02"]), ["input", "datetime64"]),
    ],
)
def test_parquet_columns_of_the_wrong_type(
    tmp_path: Path, column: str, values: object, fragments: list[str]
) -> None:
    frame = pd.DataFrame({"input": ["a", "b"], "output": ["b", "a"], "coefficient": [0.1, 0.2]})
    frame[column] = values
    path = tmp_path / "technology.parquet"
    frame.to_parquet(path)
    with pytest.raises(InputFileError) as info:
        read_table(path, [("input", "id"), ("output", "id"), ("coefficient", "number")])
    _one_line(info.value, str(path), f"column {column} must hold", *fragments)


def test_parquet_numbers_and_text_still_read(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "input": pd.Categorical(["a", "b"]),
            "output": ["b", "a"],
            "coefficient": pd.array([1, 2], dtype="Int64"),
        }
    )
    path = tmp_path / "technology.parquet"
    frame.to_parquet(path)
    cols = read_table(path, [("input", "id"), ("output", "id"), ("coefficient", "number")])
    assert cols["input"].tolist() == ["a", "b"]
    assert cols["coefficient"].tolist() == [1.0, 2.0]


def test_plan_targets_with_a_product_twice(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    economy = _economy(folder)
    _edit(folder / "scenario.toml", 'economy = "example"', 'economy = "econ"')
    plan = economy / "plan_targets.csv"
    lines = plan.read_text().splitlines()
    plan.write_text("\n".join([*lines, lines[1]]) + "\n")
    with pytest.raises(InputFileError) as info:
        load_scenario(folder / "scenario.toml")
    _one_line(info.value, str(plan), "repeats an earlier row of variant")


def test_a_users_economy_folder_is_read(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    economy = _economy(folder)
    _edit(folder / "scenario.toml", 'economy = "example"', 'economy = "econ"')
    plain = load_scenario("ussr-1928")
    mine = load_scenario(folder / "scenario.toml")
    assert np.array_equal(mine.spec.base_final_demand, plain.spec.base_final_demand)
    # Its own tables are what is read: a change in them shows.
    capacity = economy / "capacity.csv"
    capacity.write_text(capacity.read_text().replace("\ncoal,", "\ncoal_x,", 1))
    with pytest.raises(InputFileError) as info:
        load_scenario(folder / "scenario.toml")
    _one_line(info.value, str(capacity), "'coal_x' is not a product")


def test_a_users_economy_must_have_the_simulated_products(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    economy = _economy(folder)
    toml = economy / "economy.toml"
    _edit(toml, 'id = "cotton_fabric"', 'id = "cloth"')
    for name in ("technology.csv", "labour.csv", "capacity.csv", "capital.csv", "targets.csv"):
        path = economy / name
        path.write_text(path.read_text().replace("cotton_fabric", "cloth"))
    _edit(folder / "scenario.toml", 'economy = "example"', 'economy = "econ"')
    with pytest.raises(InputFileError) as info:
        load_scenario(folder / "scenario.toml")
    _one_line(info.value, str(folder / "scenario.toml"), "lacks product 'cotton_fabric'")


# --- Runs: years and --set ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("years", "fragments"),
    [
        ((1932, 1928), ["the last year 1928 comes before the first 1932"]),
        ((1928, 100_000_000), ["from 1900 to 2000", "100000000"]),
        ((1928.0, 1930), ["two whole years"]),
    ],
)
def test_bad_years_from_python(years: tuple[int, int], fragments: list[str]) -> None:
    with pytest.raises(InputFileError) as info:
        run_scenario("ussr-1928", years=years)
    _one_line(info.value, *fragments)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("1932:1928", "comes before"), ("1928:100000000", "from 1900 to 2000"), ("0:1", "1900")],
)
def test_bad_years_text(text: str, fragment: str) -> None:
    with pytest.raises(InputFileError) as info:
        parse_years(text)
    _one_line(info.value, f"--years {text}", fragment)


@pytest.mark.parametrize(
    ("sets", "fragments"),
    [
        (["policy.heavy_share.1935=0.5"], ["policy.heavy_share.1935=0.5", "1928:1930"]),
        (["policy.heavy_share.1927=0.5"], ["1927 is outside the years this run simulates"]),
        (["policy.heavy_share.100000000000=0.5"], ["year must be from 1900 to 2000"]),
        (["policy.heavy_share=nan"], ["must be a finite number"]),
        (["policy.heavy_shar=0.5"], ["did you mean 'heavy_share'?"]),
        (["param.horse_hpp=0.5"], ["did you mean 'horse_hp'?"]),
    ],
)
def test_bad_sets_for_a_run(sets: list[str], fragments: list[str]) -> None:
    with pytest.raises(InputFileError) as info:
        run_scenario("ussr-1928", years=(1928, 1930), sets=sets)
    _one_line(info.value, "--set", *fragments)


def test_compare_needs_two_scenarios() -> None:
    with pytest.raises(InputFileError) as info:
        compare(["ussr-1928"])
    _one_line(info.value, "at least two scenarios; got 1 (ussr-1928)")


def test_check_years_passes_good_years() -> None:
    assert check_years((1928, 1937)) == (1928, 1937)


# --- A value holds from its year on, never before -------------------------------------------


def test_counterfactual_value_is_not_carried_back(tmp_path: Path) -> None:
    path = tmp_path / "late.toml"
    path.write_text(
        'base = "ussr-1928"\n[scenario]\nname = "late"\n[policy.collectivization]\n'
        'unit = "share"\nvalues = { 1930 = 0.1 }\nsource = "assumed"\nwhy = "a test"\n'
    )
    sc = load_scenario(path)
    base = load_scenario("ussr-1928")
    levers = sc.spec.policy
    assert [levers.at("collectivization", y) for y in (1928, 1929)] == [
        base.spec.policy.at("collectivization", y) for y in (1928, 1929)
    ]
    assert [levers.at("collectivization", y) for y in (1930, 1931, 1932)] == [0.1] * 3


def test_set_for_a_year_of_a_lever_left_out_is_not_carried_back() -> None:
    sc = load_scenario("ussr-1928", ["policy.deliveries_by_area.1930=1"])
    assert [sc.spec.policy.at("deliveries_by_area", y) for y in range(1928, 1933)] == [
        0.0,
        0.0,
        1.0,
        1.0,
        1.0,
    ]


def test_counterfactual_of_a_counterfactual(tmp_path: Path) -> None:
    """A base may itself be a counterfactual: its changes and the file's own both hold."""
    path = tmp_path / "twice.toml"
    path.write_text(
        'base = "no-dekulakization"\n[scenario]\nname = "twice"\n[policy.heavy_share]\n'
        'unit = "share"\nvalues = { 1930 = 0.5 }\nsource = "assumed"\nwhy = "a test"\n'
    )
    sc = load_scenario(path)
    assert sc.base == "no-dekulakization"
    assert sc.spec.policy.at("dekulakization", 1930) == 0.0
    assert sc.spec.policy.at("heavy_share", 1929) == 0.8
    assert sc.spec.policy.at("heavy_share", 1930) == 0.5


# --- The command line: exit 2, one line -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["compare", "ussr-1928"], "at least two scenarios"),
        (["run", "ussr-1928", "--years", "1932:1928"], "comes before"),
        (["run", "ussr-1928", "--years", "1928:1930", "--set", "policy.flight_ban.1935=0"],
         "outside the years this run simulates"),
    ],
)
def test_cli_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], fragment: str
) -> None:
    code = main([*args, *(["--out", str(tmp_path / "out")] if args[0] == "run" else [])])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert fragment in err
    assert not (tmp_path / "out").exists()


def test_cli_bad_scenario_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = _folder(tmp_path) / "scenario.toml"
    _edit(path, "[policy.heavy_share]", "[polcy.heavy_share]")
    code = main(["run", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines() == [
        f"gosplan: error: {path}: 'polcy' is not a known table (did you mean 'policy'?)"
    ]


def test_a_toml_file_too_large_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gosplan.scenarios.loader as loader

    folder = _economy(tmp_path)
    monkeypatch.setattr(loader, "MAX_TOML_BYTES", 1000)
    with pytest.raises(InputFileError) as info:
        read_economy(folder)
    _one_line(info.value, str(folder / "economy.toml"), "more than a TOML file may hold (1,000")


def test_many_products_are_written_to_a_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long [[products]] list would outgrow the TOML limit: a products table holds them."""
    import gosplan.scenarios.writer as writer

    monkeypatch.setattr(writer, "PARQUET_FROM", 2)
    economy = Economy(
        products=["a", "b"], A=np.array([[0.1, 0.2], [0.3, 0.1]]), labour=np.array([1.0, 1.0])
    )
    folder = write_economy(economy, tmp_path / "e", fmt="csv")
    assert 'products_table = "products.csv"' in (folder / "economy.toml").read_text()
    assert "[[products]]" not in (folder / "economy.toml").read_text()
    assert read_economy(folder).products.tolist() == ["a", "b"]


def test_plan_targets_with_an_unknown_product(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    economy = _economy(folder)
    _edit(folder / "scenario.toml", 'economy = "example"', 'economy = "econ"')
    plan = economy / "plan_targets.csv"
    plan.write_text(plan.read_text().replace("\nsteel,", "\nsteal,", 1))
    with pytest.raises(InputFileError) as info:
        load_scenario(folder / "scenario.toml")
    _one_line(info.value, str(plan), "'steal'", "did you mean 'steel'?")


def test_an_unknown_economy_key_points_to_the_metadata_table(tmp_path: Path) -> None:
    folder = _economy(tmp_path)
    _edit(folder / "economy.toml", "year = 1928", 'author = "me"')
    with pytest.raises(InputFileError) as info:
        read_economy(folder)
    _one_line(info.value, "[economy]: 'author' is not a known key", "go in [economy.metadata]")
    _edit(folder / "economy.toml", 'author = "me"', "year = 1928")
    toml = folder / "economy.toml"
    toml.write_text(toml.read_text() + '\n[economy.metadata]\nauthor = "me"\n')
    assert read_economy(folder).metadata["author"] == "me"

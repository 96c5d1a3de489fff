"""The schema of the TOML files: its JSON Schema, its one-line messages, the built-in files."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from gosplan.cli import main
from gosplan.errors import GosplanError, InputFileError
from gosplan.scenarios.builtin import builtin_path
from gosplan.scenarios.schema import (
    FILES,
    CounterfactualFile,
    EconomyFile,
    ParametersFile,
    ScenarioFile,
    json_schema,
    json_schema_text,
)
from gosplan.scenarios.simfiles import builtin_scenarios, load_scenario
from gosplan.scenarios.validation import validate

ROOT = Path(__file__).parents[2]
DATA = ROOT / "src" / "gosplan" / "scenarios" / "data"
DOCS = ROOT / "docs"


def _builtin_files() -> list[tuple[str, Path]]:
    files = [
        ("scenario", DATA / "ussr_1928" / "scenario.toml"),
        ("scenario", DATA / "ussr_1933" / "scenario.toml"),
        ("parameters", DATA / "ussr_1928" / "parameters.toml"),
        ("uncertainty", DATA / "ussr_1928" / "uncertainty.toml"),
        ("economy", DATA / "example" / "economy.toml"),
    ]
    files += [("counterfactual", p) for p in sorted((DATA / "counterfactuals").glob("*.toml"))]
    return files


# --- The JSON Schema -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(FILES))
def test_committed_schema_is_up_to_date(kind: str) -> None:
    """docs/KIND.schema.json is what the models give (scripts/regenerate-schema.py)."""
    path = DOCS / f"{kind}.schema.json"
    assert path.read_text(encoding="utf-8") == json_schema_text(kind), (
        f"{path.name} is out of date: run python scripts/regenerate-schema.py"
    )


@pytest.mark.parametrize("kind", sorted(FILES))
def test_cli_prints_the_schema(capsys: pytest.CaptureFixture[str], kind: str) -> None:
    assert main(["schema", kind]) == 0
    out = capsys.readouterr().out
    assert out == json_schema_text(kind)
    assert json.loads(out)["title"] == f"gosplan {kind} file"


def test_cli_schema_default_and_bad_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == json_schema_text("scenario")
    assert main(["schema", "scenarios"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "scenarios" in err[0]


def test_schema_lists_every_lever_and_parameter() -> None:
    from gosplan.sim.levers import LEVERS, PARAMETERS

    scenario = json_schema("scenario")
    policies = scenario["$defs"]["PolicyTables"]["properties"]
    assert set(policies) == set(LEVERS)
    lo, hi, _ = LEVERS["collectivization"]
    lever = scenario["$defs"]["Policy_collectivization"]["properties"]["values"]
    assert lever["additionalProperties"]["minimum"] == lo
    assert lever["additionalProperties"]["maximum"] == hi
    assert set(json_schema("parameters")["properties"]) == set(PARAMETERS)
    assert set(json_schema("parameters")["required"]) == set(PARAMETERS)


@pytest.mark.parametrize(("kind", "path"), _builtin_files(), ids=lambda x: getattr(x, "name", x))
def test_builtin_files_pass_the_json_schema(kind: str, path: Path) -> None:
    """What an editor checks agrees with what gosplan checks, on every built-in file."""
    jsonschema = pytest.importorskip("jsonschema")
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(doc, json_schema(kind))
    validate(doc, FILES[kind], path)


def test_json_schema_refuses_what_gosplan_refuses() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    doc = tomllib.loads((DATA / "counterfactuals" / "no-dekulakization.toml").read_text())
    for bad in (
        {**doc, "polcy": {}},
        {**doc, "policy": {"dekulakization": {**doc["policy"]["dekulakization"], "unit": ""}}},
        {**doc, "policy": {"collectivization": {"unit": "x", "values": {"1928": 2.0},
                                                "source": "assumed", "why": "x"}}},
        {**doc, "policy": {"dekulakization": {"unit": "x", "values": {"19x": 0.0},
                                              "source": "assumed", "why": "x"}}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, json_schema("counterfactual"))
        with pytest.raises(InputFileError):
            validate(bad, CounterfactualFile, "cf.toml")


# --- Every table says its unit, source and why ----------------------------------------------


@pytest.mark.parametrize("name", sorted(builtin_scenarios()))
def test_builtin_tables_have_unit_source_and_why(name: str) -> None:
    path = builtin_scenarios()[name]
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    for key, table in (doc.get("policy") or {}).items():
        assert all(table.get(k) for k in ("unit", "source", "why")), key
    for key, table in (doc.get("initial") or {}).items():
        assert all(table.get(k) for k in ("unit", "source", "why")), key
    if "plan" in doc:
        assert all(doc["plan"].get(k) for k in ("source", "why"))


def test_builtin_economy_names_unit_and_source() -> None:
    doc = tomllib.loads((builtin_path() / "economy.toml").read_text(encoding="utf-8"))
    assert all(doc["labour"].get(k) for k in ("unit", "source"))
    for product in doc["products"]:
        assert all(product.get(k) for k in ("unit", "source")), product["id"]


# --- One-line messages -----------------------------------------------------------------------

POLICY = 'unit = "share"\nvalues = { 1930 = 0.5 }\nsource = "assumed"\nwhy = "a test"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            POLICY.replace('unit = "share"\n', ""),
            "[policy.heavy_share] unit is missing",
        ),
        (
            POLICY.replace('why = "a test"', 'why = "  "'),
            "[policy.heavy_share] why must not be empty",
        ),
        (
            POLICY.replace('source = "assumed"', "source = 3"),
            "[policy.heavy_share] source must be text (a quoted string); got 3",
        ),
        (
            POLICY.replace("values = { 1930 = 0.5 }", "values = {}"),
            "[policy.heavy_share] values must not be empty; got {}",
        ),
        (
            POLICY.replace("values = { 1930 = 0.5 }", "values = { 1930 = true }"),
            "[policy.heavy_share] values.1930 must be a finite number; got True",
        ),
        (
            POLICY.replace("values = { 1930 = 0.5 }", "values = { 1930 = 1.5 }"),
            "[policy.heavy_share] values.1930 must be in [0, 1]",
        ),
        (
            POLICY.replace("values = { 1930 = 0.5 }", "values = { 1930 = 0.5, x1931 = 0.4 }"),
            "[policy.heavy_share] values: 'x1931' is not a year",
        ),
        (
            POLICY.replace("values = { 1930 = 0.5 }", 'values = "' + "long " * 40 + '"'),
            "[policy.heavy_share] values must be a table; got 'long long",
        ),
    ],
)
def test_policy_table_messages(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "cf.toml"
    path.write_text(f'base = "ussr-1928"\n[policy.heavy_share]\n{text}')
    with pytest.raises(InputFileError) as info:
        load_scenario(path)
    got = str(info.value)
    assert got.startswith(f"{path}: "), got
    assert message in got
    assert "\n" not in got
    assert len(got) < len(str(path)) + 200  # a long value is cut short


def test_counterfactual_plan_needs_source_and_why(tmp_path: Path) -> None:
    path = tmp_path / "cf.toml"
    path.write_text('base = "ussr-1928"\n[plan]\nvariant = "fyp1_starting"\n')
    with pytest.raises(InputFileError) as info:
        load_scenario(path)
    assert str(info.value) == f"{path}: [plan] source is missing"


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"scenario": {"name": "x"}}, "x.toml: [initial] is missing (a scenario without"),
        ({"scenario": 3}, "x.toml: [scenario] must be a table; got 3"),
        ({}, "x.toml: [scenario] is missing"),
        (
            {"scenario": {"first_year": 1928.5}},
            "x.toml: [scenario] first_year must be a year from 1900 to 2000; got 1928.5",
        ),
    ],
)
def test_scenario_file_messages(doc: dict[str, object], message: str) -> None:
    with pytest.raises(InputFileError) as info:
        validate(doc, ScenarioFile, "x.toml")
    assert str(info.value).startswith(message)


def test_parameter_messages() -> None:
    doc = tomllib.loads((DATA / "ussr_1928" / "parameters.toml").read_text(encoding="utf-8"))
    sourced = next(k for k, t in doc.items() if t["kind"] == "sourced")
    cases = [
        ({sourced: {k: v for k, v in doc[sourced].items() if k != "source"}},
         f"[{sourced}] source must name where a sourced number comes from"),
        ({"horse_hp": {**doc["horse_hp"], "range": [0.6]}},
         "[horse_hp] range must be [low, high]; got [0.6]"),
        ({"horse_hp": {k: v for k, v in doc["horse_hp"].items() if k != "why"}},
         "[horse_hp] why must give the reasoning for the number"),
        ({"horse_hp": {**doc["horse_hp"], "kind": "guess"}},
         "[horse_hp] kind must be one of 'sourced', 'derived', 'assumed' or 'calibrated'; "
         "got 'guess'"),
    ]
    for change, message in cases:
        with pytest.raises(InputFileError) as info:
            validate({**doc, **change}, ParametersFile, "p.toml")
        assert str(info.value) == f"p.toml: {message}"
    short = {k: v for k, v in doc.items() if k != "horse_hp"}
    with pytest.raises(InputFileError, match=r"^p\.toml: \[horse_hp\] is missing$"):
        validate(short, ParametersFile, "p.toml")


def test_economy_messages() -> None:
    good = {"economy": {"name": "e"}, "products": [{"id": "a"}]}
    validate(good, EconomyFile, "e.toml")
    for doc, message in [
        ({**good, "products": [{"id": "a"}, {"id": "b", "nmae": "B"}]},
         "e.toml: [[products]] #2: 'nmae' is not a known key (did you mean 'name'?)"),
        ({**good, "economy": {"technology": ""}},
         "e.toml: [economy] technology must not be empty"),
        ({**good, "labour": {"available": 0}}, "e.toml: [labour] available must be a number > 0"),
        ({**good, "products": {"id": "a"}}, "e.toml: [products] must be an array"),
        ({**good, "economy": {"year": 1928.5}},
         "e.toml: [economy] year must be a whole number or text; got 1928.5"),
        ({**good, "policy": {"x": 1}}, "e.toml: 'policy' is not a known table"),
    ]:
        with pytest.raises(InputFileError) as info:
            validate(doc, EconomyFile, "e.toml")
        assert str(info.value).startswith(message), str(info.value)
        assert isinstance(info.value, GosplanError)
        assert isinstance(info.value, ValueError)


def test_a_file_changed_after_a_good_read_is_checked_again(tmp_path: Path) -> None:
    """Checks are remembered per file version: an edit that breaks the file is refused."""
    path = tmp_path / "cf.toml"
    good = 'base = "ussr-1928"\n[scenario]\nname = "cf"\n'
    path.write_text(good)
    assert load_scenario(path).spec.name == "cf"
    path.write_text(good.replace("name", "nmae") + "# longer, so the file's size changes\n")
    with pytest.raises(InputFileError, match="did you mean 'name'"):
        load_scenario(path)

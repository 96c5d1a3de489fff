"""TOML that gosplan writes reads back as it was: names with any characters, comments kept."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import numpy as np
import pytest

from gosplan import Economy
from gosplan.analysis.calibrate import write_parameters
from gosplan.errors import InputFileError
from gosplan.scenarios.loader import read_economy
from gosplan.scenarios.simfiles import builtin_scenarios
from gosplan.scenarios.writer import write_economy

SRC = Path(__file__).parents[2] / "src" / "gosplan"

NASTY = [
    "tab\there, bell\x07, escape\x1b and delete\x7f",
    'quotes " and \'single\' and """triple"""',
    "back\\slash \\n not a newline, and C:\\path\\",
    "line one\nline two\r\nline three",
    "unicode: Госплан, 五年计划, emoji 🚜, combining é",
    "\x00 a NUL at the start",
    "[economy]\nname = 'injected'",
]


def _economy(name: str, unit: str = "t", product_name: str = "A") -> Economy:
    return Economy(
        products=["a", "b"],
        A=np.array([[0.1, 0.2], [0.3, 0.1]]),
        labour=np.array([1.0, 1.0]),
        name=name,
        names=(product_name, "B"),
        units=(unit, unit),
        labour_unit=name,
        metadata={"author": name, name[:20] or "k": "v"},
    )


@pytest.mark.parametrize("text", NASTY)
def test_economy_with_any_name_reads_back(tmp_path: Path, text: str) -> None:
    folder = write_economy(_economy(text, unit=text, product_name=text), tmp_path / "e")
    # Valid TOML whatever the name holds, and the same strings come back.
    tomllib.loads((folder / "economy.toml").read_text(encoding="utf-8"))
    again = read_economy(folder)
    assert again.name == text
    assert again.names[0] == text
    assert again.units == (text, text)
    assert again.labour_unit == text
    assert again.metadata["author"] == text


def test_economy_without_limits_round_trips(tmp_path: Path) -> None:
    economy = Economy(
        products=["a", "b"],
        A=np.array([[0.1, 0.2], [0.3, 0.1]]),
        labour=np.array([1.0, 1.0]),
        labour_available=12.5,
    )
    again = read_economy(write_economy(economy, tmp_path / "e"))
    assert again.labour_available == 12.5
    unlimited = read_economy(write_economy(_economy("x"), tmp_path / "f"))
    assert unlimited.labour_available == float("inf")


def _parameters(tmp_path: Path) -> Path:
    src = builtin_scenarios()["ussr-1928"].parent / "parameters.toml"
    path = tmp_path / "parameters.toml"
    path.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_write_parameters_changes_only_the_values(tmp_path: Path) -> None:
    path = _parameters(tmp_path)
    before = path.read_text(encoding="utf-8").splitlines()
    doc = tomllib.loads("\n".join(before))
    write_parameters(path, {"yield_base": 0.7123456789, "famine_exponent": 2.5})
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        (f"value = {doc['yield_base']['value']}", "value = 0.712346"),
        (f"value = {doc['famine_exponent']['value']}", "value = 2.5"),
    ]
    # The comments that explain the kinds of number are kept.
    assert "#   calibrated fitted to the record" in "\n".join(after)
    again = tomllib.loads("\n".join(after))
    assert again["yield_base"]["value"] == 0.712346
    assert again["yield_base"]["why"] == doc["yield_base"]["why"]


def test_write_parameters_refuses_an_unknown_parameter(tmp_path: Path) -> None:
    path = _parameters(tmp_path)
    before = path.read_bytes()
    with pytest.raises(InputFileError, match=r"\[no_such\] value is missing"):
        write_parameters(path, {"yield_base": 0.7, "no_such": 1.0})
    assert path.read_bytes() == before


def _hand_written_toml(path: Path) -> list[str]:
    """f-strings in ``path`` that look like TOML assignments (``key = value``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if " = " in text:
                found.append(f"{path.name}:{node.lineno}")
    return found


@pytest.mark.parametrize(
    "module",
    ["scenarios/writer.py", "analysis/generate.py", "analysis/calibrate.py", "report/html.py"],
)
def test_no_toml_written_by_hand(module: str) -> None:
    """The modules that write TOML do it through tomli-w or tomlkit, never by string."""
    path = SRC / module
    text = path.read_text(encoding="utf-8")
    assert "import re\n" not in text
    assert _hand_written_toml(path) == []


@pytest.mark.parametrize("scenario", ["ussr-1928", "no-dekulakization", "ussr-1933"])
def test_write_calibrated_starts_from_the_scenarios_parameters(
    tmp_path: Path, scenario: str
) -> None:
    """A counterfactual, or a scenario naming ../ussr_1928/parameters.toml, writes that file."""
    from types import SimpleNamespace

    from gosplan.analysis.calibrate import write_calibrated

    src = builtin_scenarios()["ussr-1928"].parent / "parameters.toml"
    out = tmp_path / "fitted.toml"
    write_calibrated(scenario, SimpleNamespace(fitted={"yield_base": 0.71}), out)
    doc, original = tomllib.loads(out.read_text()), tomllib.loads(src.read_text())
    assert doc["yield_base"]["value"] == 0.71
    assert {k: v for k, v in doc.items() if k != "yield_base"} == {
        k: v for k, v in original.items() if k != "yield_base"
    }
    assert out.read_text().startswith("# Parameters of the simulator")

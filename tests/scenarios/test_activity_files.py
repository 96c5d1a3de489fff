"""Activity-economy folders and DataFrames: what is read, and one-line errors for bad files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gosplan.core.activities import ActivityEconomy
from gosplan.core.activity_plan import activity_plan
from gosplan.core.economy import Economy
from gosplan.errors import EconomyError, InputFileError
from gosplan.scenarios.activity_files import (
    activity_economy_from_dataframes,
    is_activity_folder,
    read_activity_economy,
    read_any_economy,
)
from gosplan.scenarios.loader import read_economy

TOML = """\
[economy]
name = "Machine shop"
year = 1939

[labour]
unit = "worker-days"
available = 1000

[resources]
milling = { available = 3, unit = "machine-days" }
turret = 3
automatic = { available = 1, unit = "machine-days" }

[[products]]
id = "part1"
[[products]]
id = "part2"
[[products]]
id = "set"
unit = "sets"
"""

FILES = {
    "activities.csv": "activity,name,unit\n"
    "milling:part1,Milling part 1,machine-days\nmilling:part2,,machine-days\n"
    "turret:part1,,machine-days\nturret:part2,,machine-days\n"
    "automatic:part1,,machine-days\nautomatic:part2,,machine-days\nassemble,Assembly,sets\n",
    "outputs.csv": "activity,product,quantity\n"
    "milling:part1,part1,10\nmilling:part2,part2,20\nturret:part1,part1,20\n"
    "turret:part2,part2,30\nautomatic:part1,part1,30\nautomatic:part2,part2,80\n"
    "assemble,set,1\n",
    "inputs.csv": "activity,product,quantity\nassemble,part1,1\nassemble,part2,1\n",
    "resources.csv": "activity,resource,quantity\n"
    "milling:part1,milling,1\nmilling:part2,milling,1\nturret:part1,turret,1\n"
    "turret:part2,turret,1\nautomatic:part1,automatic,1\nautomatic:part2,automatic,1\n",
    "labour.csv": "activity,coefficient\nassemble,0.5\n",
}


def write(folder: Path, **changes: str | None) -> Path:
    folder.mkdir(exist_ok=True)
    files = {"economy.toml": TOML, **FILES, **changes}
    for name, text in files.items():
        if text is not None:
            (folder / name).write_text(text)
    return folder


def test_folder_is_read_and_planned(tmp_path: Path) -> None:
    folder = write(tmp_path / "shop")
    e = read_activity_economy(folder)
    assert e.name == "Machine shop"
    assert e.metadata["year"] == "1939"
    assert e.products.tolist() == ["part1", "part2", "set"]
    assert e.units == ("", "", "sets")
    assert e.resources.tolist() == ["milling", "turret", "automatic"]
    assert e.available.tolist() == [3.0, 3.0, 1.0]
    assert e.resource_units == ("machine-days", "", "machine-days")
    assert e.activity_names[:2] == ("Milling part 1", "milling:part2")
    assert e.labour.tolist() == [0, 0, 0, 0, 0, 0, 0.5]
    assert (e.labour_available, e.labour_unit) == (1000.0, "worker-days")
    assert e.capacity.tolist() == [math.inf] * 7
    plan = activity_plan(e, {"set": 1.0}).raise_for_status()
    assert plan.fulfilment == pytest.approx(260 / 3)
    assert is_activity_folder(folder)
    assert is_activity_folder(folder / "economy.toml")
    assert isinstance(read_any_economy(folder), ActivityEconomy)


def test_optional_tables_may_be_left_out(tmp_path: Path) -> None:
    folder = write(tmp_path / "bare", **{"inputs.csv": None, "resources.csv": None,
                                         "labour.csv": None,
                                         "activities.csv": "activity,capacity\n"
                                         "milling:part1,5\nmilling:part2,inf\n"
                                         "turret:part1,1\nturret:part2,1\n"
                                         "automatic:part1,1\nautomatic:part2,1\nassemble,2\n"})
    e = read_activity_economy(folder / "economy.toml")
    assert e.use.nnz == 0
    assert e.resource_use.nnz == 0
    assert not e.labour.any()
    assert e.capacity.tolist() == [5.0, math.inf, 1.0, 1.0, 1.0, 1.0, 2.0]


def test_square_folder_is_still_read_by_read_any_economy() -> None:
    folder = Path(__file__).parents[2] / "src/gosplan/scenarios/data/example"
    if not (folder / "economy.toml").is_file():
        pytest.skip("no square example folder")
    assert isinstance(read_any_economy(folder), Economy)


def test_read_economy_points_an_activity_folder_to_its_reader(tmp_path: Path) -> None:
    folder = write(tmp_path / "shop")
    with pytest.raises(InputFileError, match=r"holds activities.csv, an activity economy: "
                                             r"read it with .*read_activity_economy$"):
        read_economy(folder)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"outputs.csv": "activity,product,quantity\nmilling:part1,part3,10\n"},
         r"outputs.csv: row 1, product 'part3' is not a product of the economy "
         r"\(did you mean 'part2'\?\)$"),
        ({"outputs.csv": "activity,product,quantity\nmiling:part1,part1,10\n"},
         r"outputs.csv: row 1, activity 'miling:part1' is not an activity of .*activities.csv "
         r"\(did you mean 'milling:part1'\?\)$"),
        ({"outputs.csv": "activity,product,quantity\nmilling:part1,part1,-10\n"},
         r"outputs.csv: row 1, quantity must be a finite number >= 0; got -10.0$"),
        ({"inputs.csv": "activity,product,quantity\nassemble,part1,one\n"},
         r"inputs.csv: row 1, quantity must be a number; got 'one'$"),
        ({"inputs.csv": "activity,product,quantity\nassemble,part1,1\nassemble,part1,2\n"},
         r"inputs.csv: row 2, activity,product pair repeats an earlier row$"),
        ({"outputs.csv": "activity,item,quantity\nassemble,set,1\n"},
         r"outputs.csv: missing column product; got columns activity,item,quantity$"),
        ({"resources.csv": "activity,resource,quantity\nassemble,land,1\n"},
         r"resources.csv: row 1, resource 'land' is not a resource of \[resources\] in "
         r"economy.toml$"),
        ({"labour.csv": "activity,coefficient\nassemble,0.5\nassemble,1\n"},
         r"labour.csv: row 2, activity repeats an earlier row$"),
        ({"activities.csv": "activity\nassemble\nassemble\n"},
         r"activities.csv: activity 'assemble' appears twice$"),
        ({"activities.csv": "activity,capacity\nassemble,-1\n"},
         r"activities.csv: row 1, capacity must be a number >= 0; got -1.0$"),
        ({"outputs.csv": None}, r"outputs.csv: file not found$"),
        ({"economy.toml": TOML.replace("[labour]", "[labor]")},
         r"economy.toml: 'labor' is not a known table \(did you mean 'labour'\?\)$"),
        ({"economy.toml": TOML.replace("turret = 3", "turret = -3")},
         r"economy.toml: \[resources\] turret must be a number >= 0; got -3$"),
        ({"economy.toml": TOML.replace("turret = 3", "turret = \"3\"")},
         r"economy.toml: \[resources\] turret must be a number >= 0; got '3'$"),
        ({"economy.toml": TOML.replace("turret = 3", "turret = { availble = 3 }")},
         r"economy.toml: \[resources\] turret: 'availble' is not a known key \(did you mean "
         r"'available'\?\)$"),
        ({"economy.toml": TOML.replace("turret = 3", "turret = { unit = 'days' }")},
         r"economy.toml: \[resources\] turret: missing key 'available'"),
        ({"economy.toml": TOML.replace("available = 1000", "available = 0")},
         r"economy.toml: \[labour\] available must be a number > 0; got 0$"),
        ({"economy.toml": TOML.replace("year = 1939", "yeer = 1939")},
         r"economy.toml: \[economy\]: 'yeer' is not a known key \(did you mean 'year'\?\)$"),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path: Path, changes: dict[str, str | None],
                                       message: str) -> None:
    folder = write(tmp_path / "bad", **changes)
    with pytest.raises(InputFileError, match=message) as info:
        read_activity_economy(folder)
    assert "\n" not in str(info.value)


def test_inconsistent_data_name_the_folder(tmp_path: Path) -> None:
    toml = TOML.replace('id = "set"', 'id = "part1"')
    folder = write(tmp_path / "dup", **{"economy.toml": toml})
    with pytest.raises(InputFileError, match=r"economy.toml: \[\[products\]\] id 'part1' "
                                             r"appears twice$"):
        read_activity_economy(folder)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"nowhere: economy folder not found$"):
        read_activity_economy(tmp_path / "nowhere")


def frames() -> dict[str, pd.DataFrame]:
    return {
        "activities": pd.DataFrame({"activity": ["hand", "tractor"],
                                    "unit": ["ha", "ha"]}),
        "outputs": pd.DataFrame({"activity": ["hand", "tractor"], "product": ["grain"] * 2,
                                 "quantity": [1.0, 1.0]}),
    }


def test_from_dataframes() -> None:
    e = activity_economy_from_dataframes(
        **frames(),
        labour=pd.DataFrame({"activity": ["hand", "tractor"], "coefficient": [2.0, 0.5]}),
        resource_use=pd.DataFrame({"activity": ["tractor"], "resource": ["tractors"],
                                   "quantity": [1.0]}),
        available={"tractors": 10.0}, labour_available=100.0, name="farm",
    )
    assert (e.products.tolist(), e.activity_units, e.name) == (["grain"], ("ha", "ha"), "farm")
    plan = activity_plan(e, {"grain": 1.0}).raise_for_status()
    assert plan.levels.tolist() == pytest.approx([47.5, 10.0])
    assert plan.resource_valuations.tolist() == pytest.approx([0.75])


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"outputs": pd.DataFrame({"activity": ["hand"], "quantity": [1.0]})}, InputFileError,
         r"^outputs DataFrame: missing column product; got columns activity,quantity$"),
        ({"outputs": pd.DataFrame({"activity": ["plough"], "product": ["grain"],
                                   "quantity": [1.0]})}, InputFileError,
         r"^outputs DataFrame: row 1, activity 'plough' is not an activity of activities "
         r"DataFrame$"),
        ({"outputs": pd.DataFrame({"activity": ["hand"], "product": ["grain"],
                                   "quantity": [np.nan]})}, InputFileError,
         r"^outputs DataFrame: row 1, quantity must be a number; got .*nan\)?$"),
        ({"activities": {"activity": ["hand"]}}, InputFileError,
         r"^activities: must be a pandas DataFrame; got dict$"),
        ({"labour_available": -1.0}, EconomyError, r"labour_available must be > 0; got -1.0"),
    ],
)
def test_bad_frames(changes: dict[str, object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        activity_economy_from_dataframes(**{**frames(), **changes})  # type: ignore[arg-type]

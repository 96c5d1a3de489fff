"""Reading economy folders: round trips, and one clear error for each kind of bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gosplan import Economy, EconomyError, InputFileError, NotProductiveError, balance
from gosplan.scenarios.loader import read_economy, read_targets
from gosplan.scenarios.writer import write_economy

TOML = """\
[economy]
name = "Two branches"
technology = "technology.csv"
labour = "labour.csv"
capacity = "capacity.csv"

[labour]
unit = "person-years"
available = 1000.0

[[products]]
id = "agriculture"
unit = "$"

[[products]]
id = "manufacturing"
name = "Manufacturing"
unit = "$"
"""
TECH = (
    "input,output,coefficient,source\nagriculture,agriculture,0.15,MB\n"
    "agriculture,manufacturing,0.25,MB\nmanufacturing,agriculture,0.2,MB\n"
    "manufacturing,manufacturing,0.05,MB\n"
)
LABOUR = "product,coefficient\nagriculture,0.3\nmanufacturing,0.2\n"
CAPACITY = "product,capacity,depreciation\nagriculture,900,0.05\nmanufacturing,inf,0.04\n"
TARGETS = "product,quantity\nagriculture,350\nmanufacturing,1700\n"


def make(folder: Path, **overrides: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "economy.toml": TOML,
        "technology.csv": TECH,
        "labour.csv": LABOUR,
        "capacity.csv": CAPACITY,
        "targets.csv": TARGETS,
    }
    files.update({k.replace("__", "."): v for k, v in overrides.items()})
    for name, text in files.items():
        if text is not None:
            (folder / name).write_text(text)
    return folder


def test_reads_hand_written_folder(tmp_path: Path) -> None:
    e = read_economy(make(tmp_path / "e"))
    assert e.products.tolist() == ["agriculture", "manufacturing"]
    assert e.names == ("agriculture", "Manufacturing")
    assert e.A.toarray().tolist() == [[0.15, 0.25], [0.2, 0.05]]
    assert e.labour.tolist() == [0.3, 0.2]
    assert e.capacity[0] == 900
    assert np.isinf(e.capacity[1])
    assert e.depreciation.tolist() == [0.05, 0.04]
    assert e.labour_available == 1000.0
    y = read_targets(tmp_path / "e" / "targets.csv", e)
    np.testing.assert_allclose(balance(e, y).gross_output, [1000, 2000])


def test_toml_targets(tmp_path: Path) -> None:
    e = read_economy(make(tmp_path / "e"))
    t = tmp_path / "t.toml"
    t.write_text("[targets]\nagriculture = 350\nmanufacturing = 1700.0\n")
    assert read_targets(t, e).tolist() == [350.0, 1700.0]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_write_read_round_trip(tmp_path: Path, miller_blair: Economy, fmt: str) -> None:
    folder = write_economy(miller_blair, tmp_path / "rt", targets=[350.0, 1700.0], fmt=fmt)  # type: ignore[arg-type]
    back = read_economy(folder)
    assert back.products.tolist() == miller_blair.products.tolist()
    assert (back.A != miller_blair.A).nnz == 0
    assert back.labour.tolist() == miller_blair.labour.tolist()
    assert back.capacity.tolist() == miller_blair.capacity.tolist()
    assert back.units == miller_blair.units
    assert back.labour_available == miller_blair.labour_available
    suffix = ".parquet" if fmt == "parquet" else ".csv"
    assert read_targets(folder / f"targets{suffix}", back).tolist() == [350.0, 1700.0]


def test_writer_refuses_unrelated_folder(tmp_path: Path, miller_blair: Economy) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.txt").write_text("precious")
    with pytest.raises(OSError, match=r"not empty and holds no economy\.toml"):
        write_economy(miller_blair, tmp_path / "docs")
    assert [p.name for p in (tmp_path / "docs").iterdir()] == ["thesis.txt"]


def test_writer_replaces_its_own_folder(tmp_path: Path, miller_blair: Economy) -> None:
    write_economy(miller_blair, tmp_path / "e", fmt="parquet")
    write_economy(miller_blair, tmp_path / "e", fmt="csv")
    assert sorted(p.name for p in (tmp_path / "e").iterdir()) == [
        "capacity.csv",
        "economy.toml",
        "labour.csv",
        "technology.csv",
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["e"]  # no temporary left behind


BAD = [
    # (overrides, expected message fragment)
    ({"economy__toml": "[economy\nname = 1"}, "economy.toml: not valid TOML"),
    ({"economy__toml": "name = 'x'\n"}, "economy.toml: 'name' is not a known table (known: "),
    ({"economy__toml": "[labour]\nunit = 'x'\n"}, "economy.toml: [economy] is missing"),
    ({"economy__toml": "economy = 3\n"}, "economy.toml: [economy] must be a table; got 3"),
    ({"economy__toml": "[economy]\n"}, "[[products]] must list at least one product"),
    (
        {"economy__toml": TOML + '\n[[products]]\nid = "agriculture"\n'},
        "[[products]] id 'agriculture' appears twice",
    ),
    ({"economy__toml": TOML + "\n[[products]]\nname = 'x'\n"}, "[[products]] #3 id is missing"),
    (
        {"economy__toml": TOML + "\n[[products]]\nid = ' '\n"},
        "[[products]] #3 id must not be empty",
    ),
    ({"economy__toml": TOML + "\n[[products]]\nid = 3\n"}, "[[products]] #3 id must be text"),
    (
        {
            "economy__toml": TOML.replace(
                'technology = "technology.csv"', 'technology = "tech.xlsx"'
            )
        },
        "tech.xlsx: table must be a .csv or .parquet file",
    ),
    (
        {"economy__toml": TOML.replace('labour = "labour.csv"', 'labour = "nope.csv"')},
        "nope.csv: file not found",
    ),
    (
        {"economy__toml": TOML.replace("available = 1000.0", "available = -5")},
        "[labour] available must be a number > 0; got -5",
    ),
    (
        {"technology__csv": "from,to,coefficient\na,b,1\n"},
        "technology.csv: missing column input,output or input_index,output_index",
    ),
    (
        {"technology__csv": TECH + "cole,agriculture,0.1,MB\n"},
        "technology.csv: row 5, input 'cole' is not a product of",
    ),
    (
        {"technology__csv": TECH + "agriculture,steel,0.1,MB\n"},
        "technology.csv: row 5, output 'steel' is not a product of",
    ),
    (
        {"technology__csv": TECH.replace("0.25", "-0.25")},
        "technology.csv: row 2, coefficient must be a finite number >= 0; got -0.25",
    ),
    (
        {"technology__csv": TECH.replace("0.25", "a quarter")},
        "technology.csv: row 2, coefficient must be a number; got 'a quarter'",
    ),
    (
        {"technology__csv": TECH.replace("0.25", "nan")},
        "technology.csv: row 2, coefficient must be a number; got 'nan'",
    ),
    (
        {"technology__csv": TECH.replace("0.25", "inf")},
        "technology.csv: row 2, coefficient must be a finite number >= 0; got inf",
    ),
    (
        {"technology__csv": TECH.replace("0.25", "")},
        "technology.csv: row 2, coefficient must be a number; got nan",
    ),
    (
        {"technology__csv": TECH + "agriculture,manufacturing,0.1,MB\n"},
        "technology.csv: row 5, input,output pair repeats an earlier row",
    ),
    (
        {"technology__csv": 'input,output,coefficient\n"agriculture,x\n'},
        "technology.csv: cannot be read as a csv table",
    ),
    (
        {"labour__csv": "product,coefficient\nagriculture,-0.3\n"},
        "labour.csv: row 1, coefficient must be a finite number >= 0; got -0.3",
    ),
    (
        {"labour__csv": "product,coefficient\nagriculture,0.3\nagriculture,0.3\n"},
        "labour.csv: row 2, product repeats an earlier row",
    ),
    (
        {"capacity__csv": "product,capacity\nagriculture,-1\n"},
        "capacity.csv: row 1, capacity must be a number >= 0; got -1.0",
    ),
    (
        {"capacity__csv": "product,capacity,depreciation\nagriculture,5,1.5\n"},
        "capacity.csv: row 1, depreciation must be a finite number in [0, 1]; got 1.5",
    ),
    ({"capacity__csv": "product,capacity\n,5\n"}, "capacity.csv: row 1, product is empty"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD)
def test_bad_economy_files(tmp_path: Path, overrides: dict[str, str], message: str) -> None:
    folder = make(tmp_path / "e", **overrides)
    with pytest.raises(InputFileError) as info:
        read_economy(folder)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_folder_and_toml(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="economy folder not found"):
        read_economy(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputFileError, match=r"economy\.toml: file not found"):
        read_economy(tmp_path / "empty")


def test_non_productive_economy_names_file_and_radius(tmp_path: Path) -> None:
    tech = (
        "input,output,coefficient\nagriculture,agriculture,0.9\nmanufacturing,agriculture,0.5\n"
        "agriculture,manufacturing,0.5\nmanufacturing,manufacturing,0.9\n"
    )
    with pytest.raises(NotProductiveError, match=r"technology.csv: .*spectral radius of A is 1.4"):
        read_economy(make(tmp_path / "e", technology__csv=tech))


def test_broken_parquet(tmp_path: Path) -> None:
    folder = make(
        tmp_path / "e",
        economy__toml=TOML.replace("technology.csv", "technology.parquet"),
        technology__parquet="this is not parquet",
    )
    with pytest.raises(InputFileError, match=r"technology\.parquet: cannot be read as a parquet"):
        read_economy(folder)


def test_parquet_positions_out_of_range(tmp_path: Path) -> None:
    folder = make(
        tmp_path / "e", economy__toml=TOML.replace("technology.csv", "technology.parquet")
    )
    pd.DataFrame(
        {"input_index": [0, 7], "output_index": [1, 1], "coefficient": [0.1, 0.1]}
    ).to_parquet(folder / "technology.parquet")
    with pytest.raises(InputFileError, match="row 2, input_index must be < 2"):
        read_economy(folder)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("product,quantity\nsteel,5\n", "row 1, product 'steel' is not a product of the economy"),
        ("product,quantity\nagriculture,-5\n", "row 1, quantity must be a finite number >= 0"),
        ("product,quantity\nagriculture,inf\n", "row 1, quantity must be a finite number >= 0"),
        ("product,quantity\nagriculture,lots\n", "row 1, quantity must be a number; got 'lots'"),
        ("product,amount\nagriculture,5\n", "missing column quantity"),
        ("product,quantity\nagriculture,5\nagriculture,6\n", "row 2, product repeats"),
    ],
)
def test_bad_targets_csv(tmp_path: Path, text: str, message: str) -> None:
    e = read_economy(make(tmp_path / "e"))
    (tmp_path / "t.csv").write_text(text)
    with pytest.raises(InputFileError, match=message):
        read_targets(tmp_path / "t.csv", e)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[targets]\nsteel = 5\n", r"\[targets\] 'steel' is not a product"),
        ("[targets]\nagriculture = -5\n", r"\[targets\] agriculture must be a finite number >= 0"),
        ("[targets]\nagriculture = 'five'\n", r"\[targets\] agriculture must be a number"),
        ("targets = 5\n", r"\[targets\] must be a table; got 5"),
        ("[targets\n", "not valid TOML"),
    ],
)
def test_bad_targets_toml(tmp_path: Path, text: str, message: str) -> None:
    e = read_economy(make(tmp_path / "e"))
    (tmp_path / "t.toml").write_text(text)
    with pytest.raises(InputFileError, match=message):
        read_targets(tmp_path / "t.toml", e)


def test_economy_error_is_a_value_error() -> None:
    assert issubclass(InputFileError, ValueError)
    assert issubclass(EconomyError, ValueError)

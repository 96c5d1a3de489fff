"""Reading supply and use tables from files, and the built-in real economies."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import numpy as np
import pytest

from gosplan.errors import InputFileError, ParameterError
from gosplan.scenarios import supply_use as reader
from gosplan.scenarios.economies import (
    ECONOMIES,
    builtin_economy,
    builtin_supply_use,
    check_economy_name,
    economy_folder,
)
from gosplan.scenarios.supply_use import read_supply_use

DOCS = Path(__file__).resolve().parents[2] / "docs" / "supply-use.md"

MAKE = "industry,coal,steel\nmines,100,0\nmills,5,50\n"
USE = ("commodity,mines,mills,final_demand,exports\n"
       "coal,10,40,40,15\nsteel,5,5,30,10\ncompensation,50,5,0,0\n")


def _folder(tmp_path: Path, make: str = MAKE, use: str = USE, toml: str | None = None
            ) -> Path:
    (tmp_path / "make.csv").write_text(make)
    (tmp_path / "use.csv").write_text(use)
    if toml is not None:
        (tmp_path / "supply_use.toml").write_text(toml)
    return tmp_path


def test_gosplan_layout(tmp_path: Path) -> None:
    t = read_supply_use(_folder(tmp_path))
    assert t.commodities.tolist() == ["coal", "steel"]
    assert t.industries.tolist() == ["mines", "mills"]
    assert t.make.tolist() == [[100.0, 0.0], [5.0, 50.0]]
    assert t.use.tolist() == [[10.0, 40.0], [5.0, 5.0]]
    assert t.final_demand.tolist() == [40.0, 30.0]
    assert t.exports is not None
    assert t.exports.tolist() == [15.0, 10.0]
    assert t.imports is None
    assert not t.trade
    assert t.compensation is not None
    assert t.compensation.tolist() == [50.0, 5.0]
    assert t.value_added.tolist() == [85.0, 10.0]  # output less intermediate use


BEA_MAKE = """Name,Mines,Mills,Total Commodity Output,Imports,Total
Coal,100,---,100,20,120
Steel,5,50,55,---,55
Total industry supply,105,50,155,20,175
"""
BEA_USE = """Name,MN,ML,Total Intermediate,Consumption,Exports,Total use
Coal,10,40,50,45,15,110
Steel,---,5,5,30,10,45
Total Intermediate,10,45,55,75,25,155
Compensation,60,3,63,---,---,---
Value Added,95,5,100,---,---,---
Total output,105,50,155,---,---,---
"""
BEA_TOML = """name = "A published table"
suppressed = ["---"]
[metadata]
year = "2021"
[make]
rows = "commodities"
imports = "Imports"
ignore_rows = ["Total industry supply"]
ignore_columns = ["Total Commodity Output", "Total"]
[use]
final_demand = ["Consumption"]
exports = "Exports"
value_added = "Value Added"
compensation = "Compensation"
ignore_rows = ["Total Intermediate", "Total output"]
ignore_columns = ["Total Intermediate", "Total use"]
[use.rename_columns]
MN = "Mines"
ML = "Mills"
"""


def test_published_layout(tmp_path: Path) -> None:
    t = read_supply_use(_folder(tmp_path, BEA_MAKE, BEA_USE, BEA_TOML))
    assert t.name == "A published table"
    assert t.industries.tolist() == ["Mines", "Mills"]
    assert t.make.tolist() == [[100.0, 5.0], [0.0, 50.0]]  # supply table turned round
    assert t.use.tolist() == [[10.0, 40.0], [0.0, 5.0]]
    assert t.imports is not None
    assert t.imports.tolist() == [20.0, 0.0]
    assert t.trade
    assert t.final_demand.tolist() == [45.0, 30.0]
    assert t.value_added.tolist() == [95.0, 5.0]
    assert t.metadata["year"] == "2021"
    assert t.metadata["suppressed cells in make.csv (read as 0)"] == "2"


def _error(tmp_path: Path, make: str = MAKE, use: str = USE, toml: str | None = None) -> str:
    with pytest.raises(InputFileError) as info:
        read_supply_use(_folder(tmp_path, make, use, toml))
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_ragged_table(tmp_path: Path) -> None:
    message = _error(tmp_path, make="industry,coal,steel\nmines,100\nmills,5,50\n")
    assert message == f"{tmp_path / 'make.csv'}: line 2 has 2 cells; the header has 3 (a " \
        "ragged table)"


def test_negative_make_entry(tmp_path: Path) -> None:
    message = _error(tmp_path, make="industry,coal,steel\nmines,100,-5\nmills,5,50\n")
    assert message == (f"{tmp_path / 'make.csv'}: row 'mines', column 'steel': make entries "
                       "must be >= 0; got -5.0 (negatives = \"transfer\" in supply_use.toml "
                       "books them on the other table)")


def test_negative_use_entry_refused_or_transferred(tmp_path: Path) -> None:
    use = USE.replace("steel,5,5", "steel,-2,5")
    assert _error(tmp_path, use=use).startswith(
        f"{tmp_path / 'use.csv'}: row 'steel', column 'mines': use entries must be >= 0; "
        "got -2.0")
    t = read_supply_use(_folder(tmp_path, use=use, toml='negatives = "transfer"\n'))
    assert t.make[0].tolist() == [100.0, 2.0]  # the mines sell 2 of steel (scrap, say)
    assert t.metadata["negative entries transferred"] == "1"


def test_unknown_commodity(tmp_path: Path) -> None:
    message = _error(tmp_path, use=USE.replace("steel,5,5", "stele,5,5"))
    assert message == (f"{tmp_path / 'use.csv'}: row 'stele' is not a commodity of the make "
                       "table (did you mean 'steel'?)")


def test_unknown_industry(tmp_path: Path) -> None:
    message = _error(tmp_path, use=USE.replace("mills,final", "mils,final"))
    assert message.startswith(f"{tmp_path / 'use.csv'}: column 'mils' is not an industry of "
                              "the make table")


def test_commodity_made_by_no_industry(tmp_path: Path) -> None:
    message = _error(tmp_path, make="industry,coal,steel\nmines,100,0\nmills,5,0\n")
    assert message.endswith("commodity 'steel' is made by no industry (its make column sums "
                            "to 0.0); a table needs every commodity made at home")


def test_not_a_number(tmp_path: Path) -> None:
    message = _error(tmp_path, use=USE.replace("coal,10,40", "coal,n/a,40"))
    assert message == (f"{tmp_path / 'use.csv'}: row 'coal', column 'mines': must be a number; "
                       "got 'n/a'")


def test_missing_files_and_keys(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="not a folder"):
        read_supply_use(tmp_path / "nowhere")
    (tmp_path / "use.csv").write_text(USE)
    with pytest.raises(InputFileError, match=r"make.csv: file not found"):
        read_supply_use(tmp_path)
    message = _error(tmp_path, toml="[make]\nrow = 'industries'\n")
    assert "'row' is not a known key (did you mean 'rows'?)" in message
    assert "rows must be 'industries' or 'commodities'; got 'products'" in _error(
        tmp_path, toml="[make]\nrows = 'products'\n")
    assert "no column 'Exports'" in _error(tmp_path, toml="[use]\nexports = 'Exports'\n")


def test_size_is_bounded_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                        ) -> None:
    monkeypatch.setattr(reader, "MAX_TABLE_BYTES", 10)
    message = _error(tmp_path)
    assert message.endswith(" bytes is more than a supply or use table may hold (10)")


@pytest.mark.parametrize("name", ["us-2021-15", "us-2021-71", "au-114"])
def test_builtin_tables_read(name: str) -> None:
    t = builtin_supply_use(name)
    assert t.unit == "millions of dollars"
    assert (t.make >= 0).all()
    assert (t.use >= 0).all()
    assert t.total_final_demand.sum() > 0
    folder = economy_folder(name)
    assert (folder / "PROVENANCE.md").is_file()
    assert (folder.parent / "LICENSE-quantecon-book-networks").is_file()
    assert "quantecon-book-networks" in ECONOMIES[name].provenance


def test_builtin_sizes() -> None:
    assert (builtin_supply_use("us-2021-15").n, builtin_supply_use("us-2021-15").m) == (17, 15)
    assert builtin_supply_use("us-2021-71").m == 71
    assert builtin_supply_use("au-114").m == 114
    assert builtin_supply_use("us-2021-15").trade


def test_unknown_name_lists_the_names() -> None:
    with pytest.raises(ParameterError) as info:
        builtin_economy("nonsense")
    assert str(info.value) == ("name: 'nonsense' is not a built-in economy; choose one of "
                               "ussr-1928, us-2021-15, us-2021-71, au-114")
    with pytest.raises(ParameterError, match="square economy"):
        builtin_supply_use("ussr-1928")
    assert check_economy_name("au-114") == "au-114"


def _doc_example(name: str) -> str:
    """The ``pycon`` block under the heading ``### name`` of docs/supply-use.md."""
    text = DOCS.read_text()
    section = text.split(f"### {name}\n", 1)[1].split("\n#", 1)[0]
    found = re.search(r"```pycon\n(.*?)```", section, re.S)
    assert found, f"no example for {name}"
    return found.group(1)


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.slow) if n == "au-114" else n for n in ECONOMIES])
def test_documented_example_runs(name: str) -> None:
    """The example of each economy in docs/supply-use.md gives what the docs show."""
    parser = doctest.DocTestParser()
    test = parser.get_doctest(_doc_example(name), {}, name, str(DOCS), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    out: list[str] = []
    result = runner.run(test, out=out.append)
    assert result.failed == 0, "".join(out)
    assert result.attempted >= 5


def test_square_economies_plan_with_own_final_demand() -> None:
    from gosplan.core.balance import balance

    economy, y = builtin_economy("us-2021-15")
    plan = balance(economy, y)
    assert plan.gross_output == pytest.approx(np.linalg.solve(
        np.eye(economy.n) - economy.A.toarray(), y))
    assert economy.metadata["square"] == "commodity by commodity, industry technology"


@pytest.mark.parametrize("name", ["../make.csv", "/etc/passwd", "", 3])
def test_table_file_stays_in_the_folder(tmp_path: Path, name: object) -> None:
    toml = f"[make]\nfile = {name!r}\n".replace("'", '"') if isinstance(name, str) else \
        f"[make]\nfile = {name}\n"
    message = _error(tmp_path, toml=toml)
    assert "[make] file must be a file name in the folder; got" in message


def test_title_must_be_text(tmp_path: Path) -> None:
    assert "name must be a string; got 5" in _error(tmp_path, toml="name = 5\n")


def test_make_commodity_or_industry_missing_from_use(tmp_path: Path) -> None:
    make = "industry,coal,steel,iron\nmines,100,0,1\nmills,5,50,0\n"
    assert _error(tmp_path, make=make).endswith(
        "use.csv: commodity 'iron' of the make table has no row")
    make = "industry,coal,steel\nmines,100,0\nmills,5,50\nforges,0,1\n"
    assert _error(tmp_path, make=make).endswith(
        "use.csv: industry 'forges' of the make table has no column")


def test_positional_rows_must_match_the_commodities(tmp_path: Path) -> None:
    use = "mines,mills\n10,40\n"
    message = _error(tmp_path, use=use, toml="[use]\nrow_labels = 'commodities'\n")
    assert message.endswith("use.csv: row_labels = 'commodities' needs one row per commodity "
                            "of the make table (2); got 1")
    t = read_supply_use(_folder(tmp_path, use="mines,mills\n10,40\n5,5\n",
                                toml="[use]\nrow_labels = 'commodities'\n"))
    assert t.use.tolist() == [[10.0, 40.0], [5.0, 5.0]]


def test_unlabelled_row(tmp_path: Path) -> None:
    make = MAKE + ",105,50\n"
    assert "a row has no label (list \"\" in ignore_rows" in _error(tmp_path, make=make)
    t = read_supply_use(_folder(tmp_path, make=make, toml='[make]\nignore_rows = [""]\n'))
    assert t.industries.tolist() == ["mines", "mills"]


def test_folder_must_be_a_path() -> None:
    from gosplan.errors import ParameterTypeError

    with pytest.raises(ParameterTypeError, match="read_supply_use: folder must be a path; "
                       "got int 5"):
        read_supply_use(5)  # type: ignore[arg-type]


def test_cells_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_TABLE_CELLS", 5)
    assert _error(tmp_path).endswith("make.csv: 3 rows × 3 columns is more than a table may "
                                     "hold (5 cells)")

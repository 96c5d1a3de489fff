"""Runs and comparisons as tidy tables, xarray views and files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gosplan.analysis.compare import (
    COMPARE_COLUMNS,
    Comparison,
    compare,
    comparison_table,
    parse_year_list,
)
from gosplan.analysis.outputs import check_table_path, write_table
from gosplan.analysis.run import Run, run_scenario
from gosplan.errors import GosplanError, InputFileError, OutputError, ParameterTypeError


@pytest.fixture(scope="module")
def run() -> Run:
    return run_scenario("ussr-1928", years=(1928, 1933))


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    return compare(["ussr-1928", "gradual-collectivization"], years="1928:1929,1932:1933")


# --- A run -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_run_to_frame_is_tidy_with_units_and_calendar_years(run: Run) -> None:
    frame = run.to_frame()
    assert list(frame.columns) == [
        "scenario", "series", "unit", "year", "value", "kind", "estimate", "source",
    ]
    assert set(frame["kind"]) == {"simulated", "input", "plan_target", "record"}
    assert set(frame["year"]) == {1928, 1929, 1930, 1931, 1932, 1933}
    steel = frame[(frame["series"] == "steel_output") & (frame["kind"] == "simulated")]
    assert set(steel["unit"]) == {"mt"}
    # What the scenario sets is an input, not a result of the model.
    exports = frame[(frame["series"] == "grain_exports") & (frame["source"] == "gosplan")]
    assert set(exports["kind"]) == {"input"}
    # .frame stays as it was (the model's rows all "simulated"); the values are the same.
    assert set(run.frame["kind"]) == {"simulated", "plan_target", "record"}
    pd.testing.assert_frame_equal(frame.drop(columns="kind"), run.frame.drop(columns="kind"))
    # A new table: changing it leaves the run alone.
    frame.loc[:, "value"] = 0.0
    assert (run.frame["value"] != 0).any()


@pytest.mark.slow
def test_run_to_xarray_holds_the_frame_values(run: Run) -> None:
    pytest.importorskip("xarray")
    data = run.to_xarray()
    assert data["simulated"].dims == ("series", "year")
    assert data["year"].values.tolist() == [1928, 1929, 1930, 1931, 1932, 1933]
    frame = run.frame
    sim = frame[(frame["kind"] == "simulated") & (frame["series"] == "grain_harvest")]
    for year, value in zip(sim["year"], sim["value"], strict=True):
        assert data["simulated"].sel(series="grain_harvest", year=year).item() == value
    assert data["unit"].sel(series="grain_harvest").item() == "mt"
    assert data["record_plan_target"].sel(series="steel_output", year=1932).item() == 10.4
    planned = frame[(frame["kind"] == "plan_target") & (frame["source"] == "gosplan planner")
                    & (frame["series"] == "steel_output") & (frame["year"] == 1932)]
    assert data["plan_target"].sel(series="steel_output", year=1932).item() == float(
        planned["value"].iloc[0]
    )
    assert data.attrs["scenario"] == "ussr-1928"


@pytest.mark.slow
def test_run_repr_is_one_short_line_and_html_is_escaped(run: Run) -> None:
    text = repr(run)
    assert text.startswith("Run('ussr-1928', years=1928-1933, seed=none")
    assert "\n" not in text
    assert len(text) < 200
    assert "famine deaths 1932-33" in text
    page = run._repr_html_()
    assert page.startswith("<table>")
    assert "ussr-1928" in page


# --- A comparison ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("1928:1931", (1928, 1929, 1930, 1931)),
        ("1930", (1930,)),
        ("1932,1928,1930", (1928, 1930, 1932)),
        ("1928:1929, 1935, 1929", (1928, 1929, 1935)),
    ],
)
def test_years_may_be_any_subset(text: str, years: tuple[int, ...]) -> None:
    assert parse_year_list(text) == years


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1928,19x", "--years '1928,19x': '19x' is not a year or FIRST:LAST"),
        ("1932:1928", "the last year 1928 comes before the first 1932"),
        ("1928,1850", "years must be from 1900 to 2000; got 1850"),
        (",".join(["1930"] * 102), "at most 101 comma-separated items; got 102"),
    ],
)
def test_bad_years_are_one_line(text: str, message: str) -> None:
    with pytest.raises(InputFileError) as info:
        parse_year_list(text)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"scenarios": ["ussr-1928"]}, InputFileError, "needs at least two scenarios; got 1"),
        ({"scenarios": ["ussr-1928", "ussr-1928"]}, InputFileError,
         "scenario 'ussr-1928' is named twice"),
        ({"scenarios": "ussr-1928"}, ParameterTypeError, "scenarios must be a list"),
        ({"years": 1930}, ParameterTypeError, "compare: years must be None, a pair"),
        ({"years": (1932, 1928)}, InputFileError, "compare: years: the last year 1928"),
        ({"years": "1928:x"}, InputFileError, "compare: years '1928:x'"),
    ],
)
def test_bad_compare_calls_are_one_line_before_any_run(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    args: dict[str, object] = {"scenarios": ["ussr-1928", "nep-continued"], **kwargs}
    with pytest.raises(error) as info:
        compare(**args)  # type: ignore[arg-type]
    assert isinstance(info.value, GosplanError)
    assert message in str(info.value)


@pytest.mark.slow
def test_comparison_is_tidy_in_the_years_asked(comparison: Comparison) -> None:
    frame = comparison.to_frame()
    assert tuple(frame.columns) == COMPARE_COLUMNS
    assert comparison.years == (1928, 1929, 1932, 1933)
    assert frame["scenario"].unique().tolist() == ["ussr-1928", "gradual-collectivization"]
    assert set(frame["year"]) == {1928, 1929, 1932, 1933}
    assert not frame.duplicated(["scenario", "series", "year"]).any()
    toll = frame[frame["series"] == "famine_excess_deaths_ussr"].set_index("scenario")
    assert toll["unit"].tolist() == ["mn deaths", "mn deaths"]
    assert toll.loc["gradual-collectivization", "value"] < toll.loc["ussr-1928", "value"]
    # The same values as each run's own table.
    for run in comparison:
        f = run.frame
        own = f[(f["kind"] == "simulated") & (f["series"] == "steel_output")]
        mine = frame[(frame["scenario"] == run.result.name) & (frame["series"] == "steel_output")]
        assert mine["value"].tolist() == own[own["year"].isin(comparison.years)]["value"].tolist()


@pytest.mark.slow
def test_comparison_xarray_and_wide_view_agree(comparison: Comparison) -> None:
    pytest.importorskip("xarray")
    data = comparison.to_xarray()
    assert data.dims == ("scenario", "series", "year")
    assert data["scenario"].values.tolist() == ["ussr-1928", "gradual-collectivization"]
    assert data["unit"].sel(series="cattle_summer").item() == "mn head"
    wide = comparison_table(comparison)
    assert wide.columns.tolist() == ["unit", "ussr-1928", "gradual-collectivization"]
    cattle = data.sel(series="cattle_summer", year=1933).values.tolist()
    assert wide.loc["cattle_summer (1933)", ["ussr-1928", "gradual-collectivization"]].tolist() == (
        cattle
    )
    assert repr(comparison) == (
        "Comparison(ussr-1928, gradual-collectivization; years 1928, 1929, 1932, 1933)"
    )
    assert len(comparison) == 2
    assert comparison[0].result.name == "ussr-1928"


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".json"])
def test_comparison_files_read_back_the_same(
    comparison: Comparison, tmp_path: Path, suffix: str
) -> None:
    path = comparison.write(tmp_path / f"c{suffix}")
    back = read_back(path)
    pd.testing.assert_frame_equal(back, comparison.to_frame(), check_dtype=False)


# --- Files of any tidy table ------------------------------------------------------------------


def read_back(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.DataFrame(json.loads(path.read_text()))


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".json", ".JSON"])
def test_tables_round_trip_in_every_format(tmp_path: Path, suffix: str) -> None:
    frame = pd.DataFrame(
        {
            "scenario": ["a", "a", "b"],
            "series": ["steel_output", "famine_excess_deaths_ussr", "steel_output"],
            "unit": ["mt", "mn deaths", "mt"],
            "year": np.array([1932, 1933, 1932], dtype=np.int64),
            "value": [7.529959271234, np.nan, 1e-300],
        }
    )
    path = write_table(frame, tmp_path / f"t{suffix}")
    back = read_back(path)
    assert back.columns.tolist() == frame.columns.tolist()
    assert back["value"].iloc[0] == frame["value"].iloc[0]  # all 17 digits kept
    assert np.isnan(back["value"].iloc[1])
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    if suffix.lower() == ".json":
        assert json.loads(path.read_text())[1]["value"] is None


@pytest.mark.parametrize("name", ["c.txt", "c", "c.csv.gz", "c.xlsx"])
def test_other_suffixes_are_refused_in_one_line(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError) as info:
        check_table_path(tmp_path / name)
    message = str(info.value)
    assert f"{name}: --out must end in .csv, .parquet or .json; got" in message
    assert isinstance(info.value, OSError)
    assert not (tmp_path / name).exists()

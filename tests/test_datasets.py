"""``gosplan.datasets``: the built-in data as tables, and what a run accepts."""

from __future__ import annotations

import csv
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import gosplan
from gosplan import datasets
from gosplan.errors import InputFileError, ParameterError, ParameterTypeError
from gosplan.scenarios.builtin import builtin_path
from gosplan.scenarios.loader import read_toml
from gosplan.scenarios.simfiles import builtin_scenarios, load_scenario
from gosplan.sim.spec import REGIONS, SPECIES


def raw_series() -> list[dict[str, str]]:
    """The record's file as it is, read without gosplan."""
    with open(builtin_path("ussr") / "series.csv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def record() -> pd.DataFrame:
    return datasets.record()


# --- The record: the README's display rules --------------------------------------------------


def test_record_never_holds_an_unsourced_row(record: pd.DataFrame) -> None:
    raw = raw_series()
    unsourced = [r for r in raw if r["source"] == "UNSOURCED"]
    assert unsourced, "the bundled record has gaps; the test must see one withheld"
    assert not record["source"].str.contains("UNSOURCED").any()
    assert not record["citation"].str.contains("UNSOURCED").any()
    # Every point of the file that has a source is here, and none that has not.
    sourced_points = [r for r in raw if r["source"] != "UNSOURCED"
                      and r["kind"] in ("actual", "plan_target")]
    assert (record["record_kind"] != "range").sum() == len(sourced_points)
    # A series known only from unsourced rows is not in the record at all.
    assert "grain_share_of_export_earnings" not in set(record["series"])


def test_every_row_cites_its_source_in_full(record: pd.DataFrame) -> None:
    assert (record["citation"].str.strip() != "").all()
    assert (record["authors"].str.strip() != "").all()
    # Never a bare id where the citation should be.
    assert not (record["citation"] == record["source"]).any()


def test_unverified_rows_are_flagged(record: pd.DataFrame) -> None:
    assert set(record["verification"]) == {"verified", "unverified"}
    points = record[record["record_kind"] != "range"]
    notes = points["verification_note"].str.strip()
    unread = notes.str.startswith(("unverified", "CANDIDATE"))
    assert unread.any()
    assert (points.loc[unread, "verification"] == "unverified").all()
    read = notes.str.startswith(("verified", "consistent", "previously verified", "derived"))
    assert (points.loc[read, "verification"] == "verified").all()


def test_ranges_are_ranges_with_their_authors(record: pd.DataFrame) -> None:
    ranges = record[record["record_kind"] == "range"]
    assert len(ranges) > 0
    assert ranges["value"].isna().all()  # a range is never shown as a point
    assert (ranges["low"].notna() | ranges["high"].notna()).all()
    both = ranges.dropna(subset=["low", "high"])
    assert (both["low"] <= both["high"]).all()
    points = record[record["record_kind"] != "range"]
    assert points["low"].isna().all()
    assert points["high"].isna().all()
    assert points["value"].notna().all()


def test_the_famine_range_to_display_spans_the_primary_works(record: pd.DataFrame) -> None:
    ussr = record[(record["series"] == "famine_excess_deaths_ussr")
                  & (record["record_kind"] == "range")]
    shown = ussr[ussr["preferred"]]
    assert len(shown) == 1
    row = shown.iloc[0]
    assert (row["low"], row["high"]) == (5.5, 8.7)  # the README's band, two works
    assert row["source"] == "DW2004; KYIVPOST_LEVCHUK"
    assert "Davies" in row["authors"]
    assert row["citation"].startswith("low end: ")
    # Each work's own range is there too: Davies and Wheatcroft's 5.5-6.5.
    dw = ussr[ussr["source"] == "DW2004"].iloc[0]
    assert (dw["low"], dw["high"]) == (5.5, 6.5)


def test_one_ended_estimates_keep_their_one_end(record: pd.DataFrame) -> None:
    volga = record[record["series"] == "famine_excess_deaths_lower_volga"].iloc[0]
    assert math.isnan(volga["low"])
    assert volga["high"] == 0.175


def test_one_preferred_row_per_series_year_and_kind(record: pd.DataFrame) -> None:
    counts = record.groupby(["series", "year", "record_kind"])["preferred"].sum()
    assert (counts == 1).all()
    pig = record[(record["series"] == "pig_iron_output") & (record["year"] == 1928)
                 & (record["record_kind"] == "actual") & record["preferred"]]
    assert "primary" in pig.iloc[0]["note"]


@pytest.mark.parametrize(
    ("series", "year", "kind"),
    [
        ("pig_iron_output", 1928, "initial"),  # the first year: a starting value
        ("pig_iron_output", 1930, "simulated"),
        ("pig_iron_output", 1913, "not simulated"),  # before the run
        ("grain_exports", 1930, "input"),
        ("famine_excess_deaths_ussr", 1933, "target"),
        ("grain_harvest_wheatcroft_davies", 1931, "simulated"),  # the harvest's comparator
        ("kazakhstan_cattle", 1929, "initial"),  # its starting herd is the 1929 count
        ("brick_output", 1932, "not simulated"),
    ],
)
def test_kind_says_what_the_simulator_makes_of_a_row(
    record: pd.DataFrame, series: str, year: int, kind: str
) -> None:
    rows = record[(record["series"] == series) & (record["year"] == year)]
    assert len(rows) > 0
    assert set(rows["kind"]) == {kind}


def test_documents_hold_summaries_and_links_to_their_own_pages() -> None:
    docs = datasets.documents()
    assert {"id", "title", "date", "reference", "summary", "exhibit_url"} <= set(docs.columns)
    assert list(docs["date"]) == sorted(docs["date"])
    assert (docs["summary"].str.len() > 0).all()
    for url in docs["exhibit_url"]:
        assert url == "" or (url.startswith("https://www.loc.gov/") and " " not in url)
        assert url.rstrip("/") != "https://www.loc.gov/exhibits/archives"


# --- The example economy and its targets -----------------------------------------------------


def test_example_targets_plan_by_label() -> None:
    economy = datasets.example_economy()
    targets = datasets.example_targets()
    assert list(targets.index) == economy.products.tolist()
    assert targets.loc["steel", "unit"] == "mt"
    assert targets.loc["steel", "final_demand"] == pytest.approx(7.4787)
    assert (targets["citation"].str.len() > 0).all()
    assert "Istoriya sotsialisticheskoi ekonomiki" in targets.loc["coal", "citation"]
    plan = gosplan.balance(economy, targets["final_demand"])
    x = np.asarray(plan.gross_output)
    assert np.allclose(x - economy.A @ x, targets["final_demand"].to_numpy())


def test_economy_by_name() -> None:
    assert datasets.economy("ussr-1928").products.tolist() == (
        datasets.example_economy().products.tolist()
    )
    assert datasets.economy("us-2021-15").n == 17
    assert sorted(datasets.ECONOMIES) == ["au-114", "us-2021-15", "us-2021-71", "ussr-1928"]
    with pytest.raises(ParameterError, match=r"^economy: name must be one of au-114, "
                       r"us-2021-15, us-2021-71, ussr-1928; got 'atlantis'$") as info:
        datasets.economy("atlantis")
    assert isinstance(info.value, ValueError)
    with pytest.raises(ParameterTypeError, match="name must be a string; got int 3") as bad:
        datasets.economy(3)  # type: ignore[arg-type]
    assert isinstance(bad.value, TypeError)


# --- Scenarios and counterfactuals: what the loader reads -------------------------------------


def test_scenarios_round_trip_the_policies_the_loader_reads() -> None:
    table = datasets.scenarios()
    roots = set(table["scenario"])
    assert roots == {"ussr-1928", "ussr-1933"}
    for name in roots:
        loaded = load_scenario(name).policies
        rows = table[(table["scenario"] == name) & (table["section"] == "policy")]
        listed = {(k, int(y)): v for k, y, v in zip(rows["key"], rows["year"], rows["value"],
                                                     strict=True)}
        read = {(k, int(y)): float(v) for k, t in loaded.items() for y, v in t["values"].items()}
        assert listed == read
        for key in set(rows["key"]):
            assert rows[rows["key"] == key]["why"].iloc[0] == loaded[key].get("why", "")


def test_scenarios_round_trip_the_initial_state() -> None:
    table = datasets.scenarios()
    rows = table[(table["scenario"] == "ussr-1928") & (table["section"] == "initial")]
    initial = load_scenario("ussr-1928").spec.initial

    def value(key: str, region: str = "") -> float:
        found = rows[(rows["key"] == key) & (rows["region"] == region)]["value"]
        assert len(found) == 1, (key, region)
        return float(found.iloc[0])

    for field in ("rural", "urban", "households", "sown_area"):
        assert [value(field, r) for r in REGIONS] == list(getattr(initial, field))
    for s, species in enumerate(SPECIES):
        assert [value(f"herds.{species}", r) for r in REGIONS] == list(initial.herds[s])
    for field in ("tractors", "grain_reserve", "special_settlers", "employment"):
        assert value(field) == getattr(initial, field)


def test_scenario_settings_in_words_and_numbers() -> None:
    table = datasets.scenarios()
    one = table[table["scenario"] == "ussr-1928"]
    variant = one[(one["section"] == "plan") & (one["key"] == "variant")].iloc[0]
    assert variant["text"] == "fyp1_optimal"
    assert math.isnan(variant["value"])
    assert "ISE3" in variant["source"]
    assert "Istoriya" in variant["citation"]
    first = one[(one["section"] == "scenario") & (one["key"] == "first_year")].iloc[0]
    assert first["value"] == 1928
    assert first["text"] == ""
    assert str(table["year"].dtype) == "Int64"


def test_counterfactuals_round_trip_their_changes() -> None:
    table = datasets.counterfactuals()
    names = {n for n, p in builtin_scenarios().items() if "base" in read_toml(p)}
    assert set(table["scenario"]) == names
    assert set(table["base"]) == {"ussr-1928"}
    for name in names:
        loaded = load_scenario(name)
        rows = table[(table["scenario"] == name) & (table["section"] == "policy")]
        assert set(rows["key"]) == set(loaded.own_policies)
        for key, year, value in zip(rows["key"], rows["year"], rows["value"], strict=True):
            assert float(loaded.policies[key]["values"][str(year)]) == value
    starting = table[(table["scenario"] == "starting-variant") & (table["key"] == "variant")]
    assert starting["text"].tolist() == ["fyp1_starting"]


# --- Levers and parameters: the listing is what --set accepts ---------------------------------


def all_policies_accepted_by_set() -> set[str]:
    """The lever names, as the --set check itself gives them (not from the listing)."""
    with pytest.raises(InputFileError) as info:
        load_scenario("ussr-1928", sets=["policy.qqqqqqqq=1"])
    found = re.search(r"\(policies: ([^)]*)\)", str(info.value))
    assert found is not None, str(info.value)
    return set(found.group(1).split(", "))


def test_every_listed_lever_is_accepted_by_set_and_vice_versa() -> None:
    table = datasets.levers()
    assert set(table["name"]) == all_policies_accepted_by_set()
    assert (table["key"] == "policy." + table["name"]).all()
    for end in ("low", "high"):  # both ends of every range are accepted, in one run's sets
        load_scenario("ussr-1928", sets=[f"{k}={v!r}" for k, v in zip(table["key"], table[end],
                                                                     strict=True)])


@pytest.mark.parametrize("end", ["low", "high"])
def test_every_lever_refuses_values_past_its_listed_range(end: str) -> None:
    table = datasets.levers()
    step = -1.0 if end == "low" else 1.0
    for key, low, high in zip(table["key"], table["low"], table["high"], strict=True):
        value = low if end == "low" else high
        # The message gives the very range the listing gives.
        with pytest.raises(InputFileError, match=re.escape(f"--set {key} must be in "
                                                           f"[{low:g}, {high:g}]")):
            load_scenario("ussr-1928", sets=[f"{key}={value + step * max(1.0, abs(value))!r}"])


def test_lever_values_by_year_are_the_scenarios() -> None:
    table = datasets.levers("ussr-1928").set_index("name")
    spec = load_scenario("ussr-1928").spec
    years = [str(y) for y in spec.years]
    assert [c for c in table.columns if c.isdigit()] == years
    for name, values in spec.policy.levers.items():
        assert table.loc[name, years].tolist() == list(values[: len(years)])
    assert table.loc["plan_raised", "1928"] == 0
    assert table.loc["plan_raised", "1930"] == 1
    assert table.loc["kolkhoz_market", "source"] == "default"  # left off: the default
    nep = datasets.levers("nep-continued").set_index("name")
    assert nep.loc["kolkhoz_market", "1930"] == 1
    assert nep.loc["kolkhoz_market", "source"] == "assumed"


def test_levers_of_a_scenario_file(tmp_path: Path) -> None:
    path = tmp_path / "slow-plan.toml"
    path.write_text('base = "ussr-1928"\n\n[scenario]\nname = "slow-plan"\n\n'
                    '[policy.plan_ambition]\nunit = "multiplier"\nvalues = { 1930 = 0.5 }\n'
                    'source = "assumed"\nwhy = "A slower plan from 1930."\n', encoding="utf-8")
    row = datasets.levers(path).set_index("name").loc["plan_ambition"]
    assert (row["1929"], row["1930"], row["1932"]) == (1.0, 0.5, 0.5)
    assert (row["source"], row["why"]) == ("assumed", "A slower plan from 1930.")
    assert len(datasets.params(str(path))) == len(datasets.params())  # its base's parameters


def test_every_listed_parameter_is_accepted_by_set_and_vice_versa() -> None:
    table = datasets.params()
    file = read_toml(builtin_path("ussr_1928") / "parameters.toml")
    assert table["name"].tolist() == list(file)  # every one the file declares, in its order
    assert (table["key"] == "param." + table["name"]).all()
    for end in ("low", "high"):
        load_scenario("ussr-1928", sets=[f"{k}={v!r}" for k, v in zip(table["key"], table[end],
                                                                     strict=True)])
    with pytest.raises(InputFileError, match=re.escape("--set param.capital_output_ratio: must "
                                                       "be in [1.5, 4]")):
        load_scenario("ussr-1928", sets=["param.capital_output_ratio=4.5"])
    with pytest.raises(InputFileError, match="unknown parameter 'qqqqqqqq'"):
        load_scenario("ussr-1928", sets=["param.qqqqqqqq=1"])
    row = table.set_index("name").loc["capital_output_ratio"]
    assert (row["value"], row["low"], row["high"], row["kind"]) == (2.5, 1.5, 4.0, "assumed")
    assert (row["varied_low"], row["varied_high"], row["distribution"]) == (2.0, 3.0, "uniform")


@pytest.mark.slow
def test_every_parameter_refuses_values_past_its_listed_range() -> None:
    table = datasets.params()
    for key, low, high in zip(table["key"], table["low"], table["high"], strict=True):
        for value in (low - max(1.0, abs(low)), high + max(1.0, abs(high))):
            with pytest.raises(InputFileError, match=re.escape(f"--set {key}: must be in "
                                                               f"[{low:g}, {high:g}]")):
                load_scenario("ussr-1928", sets=[f"{key}={value!r}"])


def test_a_bad_scenario_argument_is_one_clear_error() -> None:
    with pytest.raises(ParameterTypeError, match=r"^levers: scenario must be a scenario name "
                       r"or a path; got int 3$"):
        datasets.levers(3)  # type: ignore[arg-type]
    with pytest.raises(InputFileError, match="atlantis: no such scenario"):
        datasets.params("atlantis")


# --- The catalogue ---------------------------------------------------------------------------


def test_list_names_every_dataset_and_counts_its_rows() -> None:
    listing = datasets.list()
    assert list(listing.columns) == ["name", "description", "rows", "licence", "provenance"]
    counts = dict(zip(listing["name"], listing["rows"], strict=True))
    assert counts["record"] == len(datasets.record())
    assert counts["levers"] == len(datasets.levers())
    assert counts["example_economy"] == datasets.example_economy().n
    for name in listing["name"]:
        assert callable(getattr(datasets, name))
    assert (listing["provenance"].str.len() > 0).all()


def test_datasets_is_reached_from_gosplan() -> None:
    assert gosplan.datasets is datasets


@pytest.mark.slow
def test_importing_datasets_stays_light() -> None:
    code = ("import sys, gosplan, gosplan.datasets; gosplan.datasets.list; "
            "print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["False"]

"""The bundled record: the revised USSR data, its sources, statuses and calibration weights."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gosplan.errors import GosplanError, InputFileError
from gosplan.scenarios.builtin import builtin_path
from gosplan.scenarios.record import (
    KINDS,
    UNSOURCED,
    load_documents,
    load_record,
    read_record,
    status_of,
)

BUNDLED = ("series.csv", "sources.csv", "documents.csv", "README.md")


def _shared_record() -> Path | None:
    """The record's source folder, ``shared/data/ussr`` beside the repository, if there."""
    root = Path(__file__).resolve().parents[2]
    for folder in root.parents:
        candidate = folder / "shared" / "data" / "ussr"
        if (candidate / "series.csv").is_file():
            return candidate
    return None


def test_bundle_equals_the_shared_record() -> None:
    shared = _shared_record()
    if shared is None:
        pytest.skip("no shared/data/ussr beside the repository to compare with")
    bundle = builtin_path("ussr")
    for name in BUNDLED:
        assert (bundle / name).read_bytes() == (shared / name).read_bytes(), (
            f"{name} differs from {shared / name}: run scripts/bundle-record.sh"
        )
    assert sorted(p.name for p in bundle.iterdir() if not p.name.startswith(".")) == sorted(
        BUNDLED
    )


def test_every_series_has_unit_kind_and_a_known_source() -> None:
    record = load_record()
    rows = record.rows
    assert set(rows["kind"]) <= set(KINDS)
    assert rows["unit"].notna().all()
    for source in sorted(set(rows["source"])):
        assert record.citation(source)
    assert set(record.sources["quality"]) == {"official", "scholarly", "secondary"}


def test_general_no_longer_exists() -> None:
    with pytest.raises(KeyError, match="no source 'GENERAL'"):
        load_record().citation("GENERAL")


def test_unsourced_rows_are_kept_apart_and_never_served() -> None:
    record = load_record()
    assert UNSOURCED not in set(record.rows["source"])
    assert len(record.unsourced) == 18
    assert set(record.unsourced["source"]) == {UNSOURCED}
    assert (record.unsourced["weight"] == 0).all()
    # The grain share of export earnings has no acceptable source: the series is not served.
    with pytest.raises(KeyError, match="grain_share_of_export_earnings"):
        record.series("grain_share_of_export_earnings")
    # The undated 57.1% for 1931 is gone; 1931 collectivization is two dated figures.
    assert 1931 not in record.series("collectivization_pct").index
    assert record.value("collectivization_pct_jan", 1931) == 25.9
    assert record.value("collectivization_pct_official_midyear", 1931) == 52.7


@pytest.mark.parametrize(
    ("series", "year", "source", "status", "weight"),
    [
        # Read in Mitchell (scholarly): 1 x 1.
        ("pig_iron_output", 1928, "MITCHELL_CEDS", "verified", 1.0),
        # Consistent with Wikipedia, a secondary source: 1 x 0.5.
        ("collectivization_pct", 1929, "WIKI_COLL", "verified", 0.5),
        # Recalled from Nove's table (scholarly), not read: 0.1 x 1.
        ("pigs_summer", 1930, "NOVE1992", "unverified", 0.1),
        # A candidate value from an official handbook, not read: 0.1 x 1.
        ("tractors_in_agriculture", 1930, "SKH1960", "unverified", 0.1),
        # Not read in Boffa (secondary): 0.1 x 0.5.
        ("employed_national_economy", 1932, "BOFFA", "unverified", 0.05),
        # "as recorded from the COW file (not re-read)" is not a verified wording.
        ("population_total", 1930, "COW_NMC", "unverified", 0.1),
        # A base year's 100 is exact by definition.
        ("real_wage_index_1928_100", 1928, "FILTZER1986", "verified", 1.0),
    ],
)
def test_weights_follow_the_rule(
    series: str, year: int, source: str, status: str, weight: float
) -> None:
    record = load_record()
    rows = record.rows
    row = rows[(rows["series"] == series) & (rows["year"] == year) & (rows["source"] == source)]
    assert len(row) == 1
    assert row["status"].iloc[0] == status
    assert row["weight"].iloc[0] == pytest.approx(weight)
    assert record.weight(row.iloc[0]) == pytest.approx(weight)


def test_unsourced_row_weighs_nothing() -> None:
    record = load_record()
    row = record.unsourced.iloc[0]
    assert record.weight(row) == 0.0
    assert status_of(str(row["verification"]), UNSOURCED) == "unsourced"


@pytest.mark.parametrize(
    ("verification", "status"),
    [
        ("verified: read", "verified"),
        ("verified (secondary): read in Wikipedia", "verified"),
        ("consistent with reproductions", "verified"),
        ("previously verified: read by the earlier review", "verified"),
        ("derived from the verified abstract", "verified"),
        ("definition (base year)", "verified"),
        ("unverified: candidate value, source not read", "unverified"),
        ("CANDIDATE: reported, not read", "unverified"),
        ("as recorded from the COW file (not re-read)", "unverified"),
        ("", "unverified"),
    ],
)
def test_status_of_a_verification(verification: str, status: str) -> None:
    assert status_of(verification, "ISE3") == status


def test_citations_are_full_and_short_forms_name_authors() -> None:
    record = load_record()
    assert record.citation("KOTKIN2017").startswith("S. Kotkin, Stalin, vol. II")
    assert record.short("KOTKIN2017") == "S. Kotkin (2017)"
    assert record.short("DW2004") == "R.W. Davies and S.G. Wheatcroft (2004)"
    assert record.short("RUDNYTSKYI2015") == "O. Rudnytskyi et al. (2015)"
    assert record.short("MITCHELL_CEDS") == "B.R. Mitchell (1998)"
    assert record.short("WIKI_COLL") == "Wikipedia"


def test_primary_rows_are_preferred() -> None:
    record = load_record()
    assert record.value("pig_iron_output", 1928) == 3.282
    assert record.value("steel_output", 1932, kind="plan_target") == 10.4
    # Famine ranges: the rows whose notes say primary, not the cross-checks.
    assert record.value("famine_excess_deaths_ussr", 1933, "estimate_low") == 5.5
    assert record.value("famine_excess_deaths_ussr", 1933, "estimate_high") == 8.7
    assert record.value("famine_excess_deaths_ukraine", 1933, "estimate_low") == 2.6
    assert record.value("famine_excess_deaths_ukraine", 1933, "estimate_high") == 3.9


def test_status_of_the_preferred_row() -> None:
    record = load_record()
    assert record.value("electricity_output", 1928) == 5.05
    assert record.status("electricity_output", 1928) == "verified"
    assert record.status("electricity_output", 1932) == "unverified"
    # The 1 March 1930 peak, not the 20 February figure that a verified secondary row gives.
    assert record.value("collectivization_pct_peak_1930", 1930) == 57.2


def test_deportations_are_one_cumulative_total() -> None:
    record = load_record()
    families = record.series("kulak_families_deported_special_settlement")
    assert families.to_dict() == {1931: 381026.0}
    note = record.best("kulak_families_deported_special_settlement").loc[1931, "note"]
    assert "cumulative 1930-31" in note


def test_outcomes_after_1932_are_withheld() -> None:
    rows = load_record().rows
    late = rows[(rows["year"] > 1932) & (rows["kind"] == "actual")]
    # Only famine tolls (stored under 1933 by convention).
    assert set(late["series"]) <= {"famine_excess_deaths_ukraine_by_year"}


def test_unknown_series() -> None:
    with pytest.raises(KeyError, match="no series 'tea_output'"):
        load_record().series("tea_output")


def test_documents_are_bundled() -> None:
    documents = load_documents()
    assert "LOC-COLL-01" in set(documents["id"])
    assert documents.loc[documents["id"] == "LOC-COLL-01", "date"].iloc[0] == "1932-04-09"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "ussr"
    shutil.copytree(builtin_path("ussr"), folder)
    return folder


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_copy_reads_as_the_bundle(copy: Path) -> None:
    assert len(read_record(copy).rows) == len(load_record().rows)


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "sources.csv",
            "scholarly\n",
            "peer-reviewed\n",
            r"sources\.csv: line \d+ \(\w+\): quality: expected one of official, scholarly, "
            r"secondary, got 'peer-reviewed'",
        ),
        (
            "series.csv",
            ",plan_target,ISE3,",
            ",plan_target,ISE4,",
            r"series\.csv: line 2 \(brick_output\): source: expected an id of sources\.csv "
            r"or UNSOURCED, got 'ISE4'",
        ),
        (
            "series.csv",
            ",plan_target,ISE3,",
            ",target,ISE3,",
            r"series\.csv: line 2 \(brick_output\): kind: expected one of actual, plan_target, "
            r"estimate_low, estimate_high, got 'target'",
        ),
        (
            "series.csv",
            "brick_output,bn units,1932,9.3,",
            "brick_output,bn units,1932,nine,",
            r"series\.csv: line 2 \(brick_output\): value: expected a number, got 'nine'",
        ),
        (
            "series.csv",
            "note,verification",
            "note,checked",
            r"series\.csv: columns: expected series,unit,year,value,kind,source,note,"
            r"verification, got .*checked",
        ),
    ],
)
def test_a_bad_record_is_refused_in_one_line(
    copy: Path, file: str, old: str, new: str, message: str
) -> None:
    _replace(copy / file, old, new)
    with pytest.raises(InputFileError, match=message) as caught:
        read_record(copy)
    assert isinstance(caught.value, GosplanError)
    assert isinstance(caught.value, ValueError)
    assert "\n" not in str(caught.value)


def test_a_missing_record_file_is_refused(copy: Path) -> None:
    (copy / "sources.csv").unlink()
    with pytest.raises(InputFileError, match=r"sources\.csv: cannot read the record"):
        read_record(copy)

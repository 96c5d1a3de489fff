from __future__ import annotations

import pytest

from gosplan.scenarios.record import KINDS, load_record


def test_every_series_has_unit_kind_and_a_known_source() -> None:
    record = load_record()
    rows = record.rows
    assert set(rows["kind"]) <= set(KINDS)
    assert rows["unit"].notna().all()
    for source in sorted(set(rows["source"])):
        assert record.citation(source)


def test_primary_rows_are_preferred() -> None:
    record = load_record()
    # 1928 pig iron: Mitchell (primary) 3.282 over the rounded cross-checks of 3.3.
    assert record.value("pig_iron_output", 1928) == 3.282
    assert record.value("steel_output", 1932, kind="plan_target") == 10.4


def test_outcomes_after_1932_are_withheld() -> None:
    rows = load_record().rows
    late = rows[(rows["year"] > 1932) & (rows["kind"] == "actual")]
    # Only famine tolls (stored under 1933 by convention) and the 1938 January herd count.
    assert set(late["series"]) <= {"famine_excess_deaths_ukraine_by_year"}


def test_unknown_series() -> None:
    with pytest.raises(KeyError, match="no series 'tea_output'"):
        load_record().series("tea_output")

"""What the report and the exhibit show of the record follows the record's README rules.

Full citations (never a bare id); "unverified" beside a value not read in its source; a
published range as a range with its authors; never an UNSOURCED row.
"""

from __future__ import annotations

import re
import warnings

import pytest
from markupsafe import escape
from rich.console import Console

from gosplan.analysis.run import Run, run_scenario
from gosplan.report.html import render_report
from gosplan.report.simulation import citations, record_value, run_table
from gosplan.scenarios.record import load_record
from gosplan.sim.catalogue import comparator

# Each test here runs the simulator (module fixtures): the whole module is slow.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run() -> Run:
    return run_scenario("ussr-1928", years=(1928, 1932))


@pytest.fixture(scope="module")
def page(run: Run) -> str:
    return render_report(run)


def test_no_unsourced_row_reaches_the_run(run: Run) -> None:
    record = load_record()
    gaps = {
        (str(s), int(y), float(v))
        for s, y, v in zip(
            record.unsourced["series"], record.unsourced["year"], record.unsourced["value"],
            strict=True,
        )
    }
    frame = run.frame
    shown = frame[frame["kind"].isin(["record", "plan_target"])]
    assert "UNSOURCED" not in set(shown["source"])
    for series, year, value in zip(shown["series"], shown["year"], shown["value"], strict=True):
        assert (comparator(series), int(year), float(value)) not in gaps


def test_no_unsourced_row_in_the_report(page: str) -> None:
    assert "UNSOURCED" not in page
    assert "no citable source found" not in page
    # The grain share of export earnings has no source: the record shows none of it.
    assert record_value("grain_share_of_export_earnings", 1930) is None


def test_report_cites_in_full_never_by_id(page: str) -> None:
    record = load_record()
    for source in ("WD1994", "MITCHELL_CEDS", "DW2004"):
        assert str(escape(record.citation(source))) in page, source
        assert f'<span class="id">{source}</span>' not in page
        assert f"<td>{source}</td>" not in page
    assert "<td>B.R. Mitchell (1998)</td>" in page


def test_report_marks_unverified_values_and_shows_ranges_with_authors(page: str) -> None:
    # The 1932 real wage: Filtzer's 43-50, a range, not read in the book.
    row = re.search(r"<tr><td>Real wage</td>.*?</tr>", page, flags=re.DOTALL)
    assert row is not None
    assert "43–50" in row.group(0)
    assert "unverified" in row.group(0)
    assert "D. Filtzer (1986)" in row.group(0)
    # Pig iron 1932 was read in Mitchell: no mark.
    pig = re.search(r"<tr><td>Pig iron</td>.*?</tr>", page, flags=re.DOTALL)
    assert pig is not None
    assert "unverified" not in pig.group(0)
    # The famine: the record's ranges with the authors of both ends.
    famine = page[page.index("The famine against the scholarly bands") :]
    assert "5.5–8.7" in famine
    assert "R.W. Davies and S.G. Wheatcroft (2004); Kyiv Post" in famine
    assert "2.6–3.9" in famine


def test_terminal_table_marks_unverified_and_ranges(run: Run) -> None:
    console = Console(record=True, width=100, color_system=None)
    console.print(run_table(run))
    text = console.export_text()
    assert "43–50†" in text
    assert "†: unverified" in text
    assert "5.5–8.7 mn: R.W. Davies and S.G. Wheatcroft (2004); Kyiv Post" in " ".join(
        text.split()
    )


def test_record_value_of_a_range_and_a_point() -> None:
    wage = record_value("real_wage_index_1928_100", 1932)
    assert wage is not None
    assert wage.is_range()
    assert (wage.low, wage.high, wage.text(), wage.unverified) == (43.0, 50.0, "43–50", True)
    toll = record_value("famine_excess_deaths_ussr", 1933)
    assert toll is not None
    assert toll.text() == "5.5–8.7"
    assert toll.sources == ("DW2004", "KYIVPOST_LEVCHUK")
    iron = record_value("pig_iron_output", 1932)
    assert iron is not None
    assert not iron.is_range()
    assert not iron.unverified
    assert iron.authors == "B.R. Mitchell (1998)"


def test_citations_skip_what_is_not_a_record_source() -> None:
    out = citations(["gosplan", "MITCHELL_CEDS; UNSOURCED", "GENERAL"])
    assert [c["id"] for c in out] == ["MITCHELL_CEDS"]
    assert out[0]["short"] == "B.R. Mitchell (1998)"
    assert out[0]["citation"].startswith("B.R. Mitchell, International Historical Statistics")


def test_exhibit_page_follows_the_rules() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from gosplan.web.app import create_app

    record = load_record()
    with TestClient(create_app(), base_url="http://127.0.0.1:8000") as client:
        famine = client.get("/showcase/famine").text
        industry = client.get("/showcase/industrialization").text
    for text in (famine, industry):
        assert "UNSOURCED" not in text
        assert "no citable source found" not in text
    # Ranges with their authors, full citations in the list of sources.
    assert "5.5–8.7" in famine
    assert "Kyiv Post" in famine
    assert str(escape(record.citation("DW2004"))) in famine
    assert "<strong>DW2004</strong>" not in famine
    # The real wage's range is unverified and says so.
    wage = re.search(r'id="mon-real_wage".*?</div>', industry, flags=re.DOTALL)
    assert wage is not None
    assert "43–50" in wage.group(0)
    assert "unverified" in wage.group(0)
    assert "D. Filtzer (1986)" in wage.group(0)


def test_report_charts_list_their_unverified_values(page: str) -> None:
    lead = r"Unverified in the record \(not read in the cited work\): "
    notes = re.findall(lead + r"(.*?)\.</p>", page)
    joined = " ".join(notes)
    assert "Cattle 1928–1932 (A. Nove (1992))" in joined
    # The steel target of the adopted plan (10.4 mt) was not read in the plan itself.
    assert "Steel plan 1932 (Gosplan SSSR (1929))" in joined
    # Mitchell's pig iron was read: never listed.
    assert "Pig iron 19" not in joined


def test_report_marks_an_unverified_plan_target(page: str) -> None:
    steel = re.search(r"<tr><td>Steel</td>.*?</tr>", page, flags=re.DOTALL)
    assert steel is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", steel.group(0), flags=re.DOTALL)
    assert cells[2].startswith("10.4")
    assert "unverified" in cells[2]
    assert "unverified" not in cells[6]  # the record of 1932 (COW) was read


def test_exhibit_chart_labels_unverified_record_points() -> None:
    from gosplan.web.showcases import SHOWCASES, chart_svg, get_run
    from gosplan.web.state import State

    showcase = SHOWCASES["industrialization"]
    wage = next(c for c in showcase.charts if "real_wage_index_1928_100" in c.series)
    sim = get_run(State())
    svg = chart_svg(showcase.key, wage, sim, None)
    assert "record (bar: published range), unverified" in svg


def test_calibration_table_shows_the_ranges_with_their_authors(run: Run) -> None:
    from gosplan.analysis.calibrate import Calibration
    from gosplan.report.calibration import calibration_renderable

    fit = run.fit
    result = Calibration((), {}, {}, fit, fit, 0)
    console = Console(record=True, width=200, color_system=None)
    console.print(calibration_renderable(result))
    text = console.export_text()
    assert "2.6–3.9 mn (J. Vallin et al. (2002); O. Rudnytskyi et al. (2015))" in text


def test_calibration_says_the_honest_fit_and_the_bounds(run: Run) -> None:
    from gosplan.analysis.calibrate import Calibration
    from gosplan.report.calibration import calibration_renderable

    fit = run.fit
    result = Calibration(
        ("completion_rate", "yield_base"),
        {"completion_rate": 0.5, "yield_base": 0.7},
        {"completion_rate": 0.9, "yield_base": 0.7},
        fit,
        fit,
        1,
        {"completion_rate": (0.2, 0.9), "yield_base": (0.6, 0.8)},
    )
    console = Console(record=True, width=200, color_system=None)
    console.print(calibration_renderable(result))
    text = " ".join(console.export_text().split())
    assert f"median |log error| {fit.median_abs_log_error:.1%} over {len(fit.scored)}" in text
    assert f"coverage {fit.coverage:.0%} of the record's {fit.points} points" in text
    assert "At a bound of its range (a sign that a mechanism is wrong or missing): " in text
    assert "completion_rate (high)." in text
    # Procurement is made by a documented rule and scored like any simulated series.
    assert re.search(r"grain_procurement +│ simulated", text)
    assert "The famine tolls are calibration targets" in text

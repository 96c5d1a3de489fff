"""The exhibit shows the bands shipped with it by default; the script rewrites them exactly.

And a published range drawn as a bar carries its authors beside it, not only in a tooltip.
"""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

import gosplan
from gosplan.errors import InputFileError
from gosplan.web import svg
from gosplan.web.app import create_app
from gosplan.web.bands import DEFAULT_BANDS, DEFAULT_LABEL, RUNS, SEED, read_default_bands
from gosplan.web.showcases import CHARTS, ENSEMBLE_LABEL, chart_svg, get_run
from gosplan.web.state import State
from tests.web.conftest import BASE

ROOT = Path(__file__).resolve().parents[2]


def test_packaged_bands_load_with_their_provenance() -> None:
    bands = read_default_bands()
    harvest = bands["grain_harvest"]
    assert [year for year, _, _ in harvest] == [float(y) for y in range(1928, 1938)]
    assert all(low <= high for _, low, high in harvest)
    assert any(low < high for _, low, high in harvest)  # the weather and parameters differ
    head = [line for line in DEFAULT_BANDS.read_text().splitlines() if line.startswith("#")]
    for expected in ("# scenario: ussr-1928", f"# runs: {RUNS}", f"# seed: {SEED}",
                     "# vary: weather,parameters", f"# gosplan: {gosplan.__version__}"):
        assert expected in head


def test_only_uncertain_series_are_shipped() -> None:
    for series, rows in read_default_bands().items():
        assert any(low < high for _, low, high in rows), series


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ("series,year,low,high\n", "header must be series,year,q05,q95"),
        ("# a\nseries,year,q05,q95\ngrain_harvest,1928,x,2\n", "data row 2"),
        ("series,year,q05,q95\ngrain_harvest,1928\n", "data row 2"),
        ("", "header must be"),
    ],
)
def test_a_damaged_bands_file_is_one_line(tmp_path: Path, text: str, fault: str) -> None:
    path = tmp_path / "bands.csv"
    path.write_text(text)
    with pytest.raises(InputFileError) as caught:
        read_default_bands(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert fault in message
    assert "\n" not in message
    with pytest.raises(InputFileError, match="cannot be read"):
        read_default_bands(tmp_path / "missing.csv")


# Renders showcase pages, which runs the simulator.
@pytest.mark.slow
def test_showcase_pages_show_the_band_by_default() -> None:
    with TestClient(create_app(), base_url=BASE) as client:
        page = client.get("/showcase/famine").text
        assert DEFAULT_LABEL in page
        assert ENSEMBLE_LABEL not in page  # not mistaken for an ensemble the visitor ran
        assert page.count("<polygon") >= 2
        svg = client.get("/showcase/famine/chart/procurement.svg").text
        assert "<polygon" in svg
        assert DEFAULT_LABEL in svg
        changed = client.get("/showcase/famine", params={"exports": "0"}).text
        assert DEFAULT_LABEL not in changed  # a band belongs to the historical run only
    with TestClient(create_app(bands=False), base_url=BASE) as client:
        page = client.get("/showcase/famine").text
        assert DEFAULT_LABEL not in page
        assert "<polygon" not in page


# Runs the 100-member ensemble (seconds, serially: no cluster).
@pytest.mark.slow
def test_the_script_rewrites_the_packaged_file_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "bands.csv"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "regenerate-bands.py"), str(out)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == DEFAULT_BANDS.read_bytes()


def test_a_published_range_is_written_with_its_authors_once() -> None:
    marks = svg.Marks("record (bar: published range)", [], [(1930.0, 60.0, 67.0),
                      (1931.0, 51.0, 61.0), (1935.0, 40.0, 45.0)],
                      authors=["Wheatcroft and Davies (1994)"] * 2 + ["Filtzer (1986)"])
    assert svg.range_notes(marks) == [(1930.0, 67.0, "Wheatcroft and Davies (1994)"),
                                      (1935.0, 45.0, "Filtzer (1986)")]
    drawing = svg.line_chart(ident="c", title="t", desc="d", x_range=(1928, 1937),
                             marks=[marks])
    labels = re.findall(r'class="range-authors">([^<]*)</text>', drawing)
    assert labels == ["Wheatcroft and Davies (1994)", "Filtzer (1986)"]
    assert "1931: 51–61 (Wheatcroft and Davies (1994))</title>" in drawing  # and its tooltip


# Draws a chart of the default run, which runs the simulator.
@pytest.mark.slow
def test_the_harvest_chart_names_the_authors_of_its_ranges() -> None:
    run = get_run(State())
    drawing = chart_svg("collectivization", CHARTS[("collectivization", "harvest")], run, None)
    assert re.findall(r'class="range-authors">([^<]*)</text>', drawing) == [
        "Wheatcroft and Davies (1994)"]

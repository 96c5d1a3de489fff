"""The report of a simulation run: the terminal table, the report folder, its bytes."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from xml.etree import ElementTree

import pytest
from rich.console import Console

from gosplan.analysis.run import KEY_SERIES, Run, run_scenario
from gosplan.errors import OutputError
from gosplan.report.html import RESULT_COLUMNS, render_report, results_frame, write_report
from gosplan.report.plots import PANELS
from gosplan.report.simulation import (
    goal_checks,
    goal_verdict,
    label_of,
    run_rows,
    run_summary,
    run_table,
)

# Each test here runs the simulator (module fixtures): the whole module is slow.
pytestmark = pytest.mark.slow


FILES = {
    "report.html",
    "results.csv",
    "fit.csv",
    "famine.csv",
    "scenario-as-run.toml",
    "scenario.toml",
    "parameters.toml",
}


@pytest.fixture(scope="module")
def run() -> Run:
    return run_scenario("ussr-1928")


@pytest.fixture(scope="module")
def report(run: Run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(run, tmp_path_factory.mktemp("out") / "report")


def read_all(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_report_folder_holds_the_files(report: Path) -> None:
    assert {p.name for p in report.iterdir()} == FILES
    assert not [p for p in report.parent.iterdir() if p.name.startswith(".")]


def test_html_has_every_panel_and_the_fit(report: Path) -> None:
    html = (report / "report.html").read_text(encoding="utf-8")
    for panel in [*PANELS, "fit"]:
        assert f'<svg id="{panel}-' not in html  # ids are on elements inside, prefixed
        assert f'id="{panel}-figure_1"' in html, panel
    assert html.count("<svg") == len(PANELS) + 1
    for heading in ("Industry", "Agriculture", "Livestock", "Famine", "Parameters", "Policies"):
        assert f">{heading}</h2>" in html
    assert "withheld" in html
    assert "million people" in html


def test_html_is_self_contained(report: Path) -> None:
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert "<link" not in html
    assert "<img" not in html
    assert "@import" not in html
    assert "url(http" not in html
    # The only outside addresses are citation links a reader may follow.
    for match in re.finditer(r'<(\w+)\b[^>]*?\s(?:src|href)="(https?:[^"]*)"', html):
        assert match.group(1) == "a", match.group(0)[:120]
    assert re.search(r'<a href="https://', html), "citations should link their sources"
    # Each figure is well-formed SVG, and ids stay unique when several share the page.
    for svg in re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL):
        ElementTree.fromstring(svg)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_results_csv_is_the_tidy_frame(run: Run, report: Path) -> None:
    with (report / "results.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == RESULT_COLUMNS
    body = rows[1:]
    assert {r[5] for r in body} == {"simulated", "plan_target", "record"}
    assert {r[6] for r in body} <= {"point", "low", "high"}
    assert {r[0] for r in body} == {"ussr-1928"}
    assert len(body) == len(run.frame)
    # Floats are written so that they read back exactly.
    written = {(r[1], int(r[3]), r[5], r[6], r[7], float(r[4])) for r in body}
    frame = results_frame(run)
    expected = set(
        zip(
            frame["series"],
            frame["year"].astype(int),
            frame["kind"],
            frame["estimate"],
            frame["source"],
            frame["value"].astype(float),
            strict=True,
        )
    )
    assert written == expected


def test_fit_and_scenario_files(run: Run, report: Path) -> None:
    with (report / "fit.csv").open(encoding="utf-8", newline="") as fh:
        header, *fit_rows = list(csv.reader(fh))
    assert header[:3] == ["series", "record_series", "year"]
    assert header[-1] == "log_error"
    assert len(fit_rows) == len(run.fit.rows)
    as_run = tomllib.loads((report / "scenario-as-run.toml").read_text(encoding="utf-8"))
    assert as_run["run"]["scenario"] == "ussr-1928"
    assert (as_run["run"]["first_year"], as_run["run"]["last_year"]) == (1928, 1932)
    assert as_run["run"]["sets"] == []
    assert set(as_run["parameters"]) == set(run.scenario.parameters)
    assert (report / "scenario.toml").read_bytes() == run.scenario.path.read_bytes()
    tomllib.loads((report / "parameters.toml").read_text(encoding="utf-8"))


def test_same_run_same_bytes(run: Run, report: Path) -> None:
    before = read_all(report)
    # Written again (drawn again) over the same folder: the same bytes, nothing left over.
    assert write_report(run, report) == report
    assert read_all(report) == before
    assert not [p for p in report.parent.iterdir() if p.name.startswith(".")]


def test_unwritable_out_dir_raises_and_leaves_nothing(run: Run, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="cannot write"):
        write_report(run, blocker / "report")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match=r"holds no report\.html"):
        write_report(run, foreign)
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "foreign"]


def test_read_only_parent_raises_and_leaves_nothing(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a read-only parent does to the temporary folder (a chmod would not stop root).
    def refuse(*args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("gosplan.scenarios.atomic.tempfile.mkdtemp", refuse)
    with pytest.raises(OutputError, match="Permission denied"):
        write_report(run, tmp_path / "report")
    assert list(tmp_path.iterdir()) == []


def test_failure_while_writing_leaves_nothing(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gosplan.report.html.render_report", lambda run: "<html></html>")
    written: list[str] = []
    real = Path.write_bytes

    def fill_disk(self: Path, data: bytes) -> int:
        if written:
            raise OSError(28, "No space left on device")
        written.append(self.name)
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", fill_disk)
    with pytest.raises(OutputError, match="No space left"):
        write_report(run, tmp_path / "report")
    assert written == ["report.html"]
    assert list(tmp_path.iterdir()) == []


def test_run_table_renders_compactly(run: Run) -> None:
    console = Console(record=True, width=100, color_system=None)
    console.print(run_table(run))
    text = console.export_text()
    for name in KEY_SERIES:
        assert label_of(name) in text
    assert "Famine deaths 1932–33" in text
    assert "median |log error|" in text
    assert max(len(line) for line in text.splitlines()) <= 100


def test_run_rows_and_summary_are_json(run: Run) -> None:
    rows = run_rows(run)
    assert [r["series"] for r in rows] == list(KEY_SERIES)
    steel = next(r for r in rows if r["series"] == "steel_output")
    assert steel["year"] == 1932
    assert steel["plan"] == pytest.approx(10.4)  # the optimal variant, in the record
    assert steel["record"] is not None
    assert steel["log_error"] is not None
    summary = json.loads(json.dumps(run_summary(run), allow_nan=False))
    assert {f["series"] for f in summary["famine"]} == {
        "famine_excess_deaths_ussr",
        "famine_excess_deaths_ukraine",
        "famine_excess_deaths_kazakhstan",
    }
    assert summary["fit"]["observations"] == len(run.fit.scored)


def test_overrides_and_seed_are_reported() -> None:
    run = run_scenario("ussr-1928", sets=["policy.heavy_share=0.7"], seed=3)
    html = render_report(run)
    assert "<code>policy.heavy_share=0.7</code>" in html
    assert "seed 3" in html
    assert '<tr class="set"><td><code>heavy_share</code>' in html


def test_report_layer_imports_no_cli_and_plots_lazily() -> None:
    code = (
        "import sys, gosplan.report.html, gosplan.report.simulation, gosplan.report.plots; "
        "print('gosplan.cli' in sys.modules, 'matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]


def test_run_table_says_input_and_start(run: Run) -> None:
    console = Console(record=True, width=120, color_system=None)
    console.print(run_table(run))
    text = console.export_text()
    lines = {line.split("│")[1].strip(): line for line in text.splitlines() if "│" in line}
    for label in ("Grain exports (mt)", "Collectivized (% households)"):
        assert lines[label].rstrip(" │").endswith("input"), lines[label]
    assert "start 1928" in text
    # Procurement is a documented rule's result now, not a calibration target.
    assert "cal." not in lines["Grain procurement (mt)"]
    flat = " ".join(text.split())
    assert "simulated series only: median |log error|" in flat
    assert "The tolls are calibrated to these ranges: a target of the fit, not a result." in flat


def test_inputs_have_no_error_and_targets_are_no_goal(run: Run) -> None:
    rows = {r["series"]: r for r in run_rows(run)}
    assert (rows["grain_exports"]["kind"], rows["grain_exports"]["log_error"]) == ("input", None)
    assert rows["steel_output"]["first_kind"] == "initial"
    assert rows["steel_output"]["log_error"] is not None
    checks = goal_checks(run)
    calibrated = {c["series"] for c in checks if c["calibrated"]}
    assert "famine_excess_deaths_ussr" in calibrated
    assert "grain_procurement" not in calibrated
    counted = [c for c in checks if not c["calibrated"]]
    assert goal_verdict(checks).startswith(
        f"Goals: {sum(c['met'] for c in counted)} of {len(counted)} met"
    )
    summary = run_summary(run)["fit"]
    assert summary["first_year"] == 1929
    assert 0 < summary["coverage"] < 1


def test_report_page_marks_inputs_and_targets(run: Run) -> None:
    page = render_report(run)
    assert ">input</td>" in page
    assert "calibrated to</td>" in page
    assert "(calibration target)" not in page.split("Famine")[0]

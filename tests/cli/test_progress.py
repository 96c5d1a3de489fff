"""Progress bars: on a terminal's stderr only, never with --json, never in captured output."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from gosplan.cli import main
from gosplan.cli.progress import calibration_bar, progress_bar, with_progress


class Terminal(io.StringIO):
    """A stderr that says it is a terminal, and keeps what is drawn on it."""

    def isatty(self) -> bool:
        return True


def on_terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    """Make stderr a terminal. Inside the test itself: pytest's capture puts its own stderr
    back between a fixture's setup and the test."""
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.setenv("TERM", "xterm")  # not "dumb", where rich draws no live display
    return screen


def test_bars_are_drawn_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = on_terminal(monkeypatch)
    assert with_progress("Generating", lambda: 7) == 7
    with progress_bar("Members") as update:
        update(1, 4)
        update(4, 4)
    with calibration_bar(30) as tick:
        tick(3, 0.25)
    drawn = terminal.getvalue()
    assert "Generating" in drawn
    assert "Members" in drawn
    assert "Calibrating" in drawn


def test_nothing_is_drawn_when_disabled_or_piped(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = on_terminal(monkeypatch)
    assert with_progress("Generating", lambda: 7, enabled=False) == 7
    with progress_bar("Members", enabled=False) as update:
        update(1, 4)
    assert terminal.getvalue() == ""
    # FORCE_COLOR makes rich call a pipe a terminal: the bars still look at the stream.
    piped = io.StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    monkeypatch.setenv("FORCE_COLOR", "1")
    with progress_bar("Members") as update:
        update(1, 4)
    assert with_progress("Generating", lambda: 7) == 7
    assert piped.getvalue() == ""


def test_generate_draws_nothing_into_captured_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    code = main(["generate", "-n", "5", "-k", "2", "--out", str(tmp_path / "e")])
    out, err = capsys.readouterr()
    assert code == 0
    assert err == ""
    assert out.strip() == f"Wrote a 5-product economy to {tmp_path / 'e'}"


@pytest.mark.slow
def test_json_output_has_no_bar_even_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    terminal = on_terminal(monkeypatch)

    code = main(["run", "--years", "1928:1929", "--json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)
    assert terminal.getvalue() == ""

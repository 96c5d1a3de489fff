"""``gosplan run --resolution households --scale 1:N`` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gosplan.cli import main


@pytest.mark.slow
def test_households_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "r"
    code = main(
        [
            "run",
            "--resolution",
            "households",
            "--scale",
            "1:5000",
            "--years",
            "1928:1929",
            "--json",
            "--out",
            str(out),
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert json.loads(captured.out)
    assert (out / "results.csv").is_file()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--resolution", "households", "--scale", "1:0"], "must be 1:N"),
        (["--resolution", "households", "--scale", "1:1000001"], "must be 1:N"),
        (["--resolution", "households", "--scale", "5"], "must be 1:N"),
        (["--resolution", "households", "--scale", "1:ten"], "must be 1:N"),
        (["--resolution", "cells"], "must be one of aggregate, households"),
        (["--scale", "1:10"], "applies only to --resolution households"),
    ],
)
def test_bad_scale_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], fragment: str
) -> None:
    out = tmp_path / "r"
    code = main(["run", *args, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert fragment in err
    assert not out.exists()

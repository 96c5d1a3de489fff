"""Golden files: the default runs reproduce their committed numbers to the byte.

When the model is changed on purpose, rewrite them with ``python scripts/regenerate-golden.py``
and read the diff of ``tests/golden/`` before committing it.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from gosplan.analysis.golden import (
    GOLDEN_RUNS,
    REGENERATE,
    GoldenRun,
    canonical_text,
    first_difference,
    number,
    write_golden,
)
from gosplan.errors import InputFileError

FOLDER = Path(__file__).resolve().parent.parent / "golden"


def mismatch_message(golden: GoldenRun, expected: str | None, actual: str) -> str:
    """What a failing golden test says: which file, which command, where it first differs."""
    path = f"tests/golden/{golden.file}"
    if expected is None:
        return f"{path} is missing; write it with: {REGENERATE}"
    return (
        f"{path}: the run no longer reproduces its golden file. If the change is meant, "
        f"run `{REGENERATE}` and review the diff. First differences:\n"
        + first_difference(expected, actual)
    )


@pytest.mark.parametrize("golden", GOLDEN_RUNS, ids=lambda g: g.file)
def test_default_run_matches_golden_file(golden: GoldenRun) -> None:
    path = FOLDER / golden.file
    expected = path.read_bytes().decode("utf-8") if path.exists() else None
    actual = canonical_text(golden.run())
    assert actual == expected, mismatch_message(golden, expected, actual)


def test_same_inputs_same_bytes() -> None:
    golden = GOLDEN_RUNS[0]
    assert canonical_text(golden.run()) == canonical_text(golden.run())


def test_golden_files_are_canonical() -> None:
    # No stray file, no carriage return, a header then a sorted table.
    assert sorted(p.name for p in FOLDER.iterdir()) == sorted(g.file for g in GOLDEN_RUNS)
    for golden in GOLDEN_RUNS:
        raw = (FOLDER / golden.file).read_bytes()
        assert b"\r" not in raw
        assert raw.endswith(b"\n")
        lines = raw.decode("utf-8").splitlines()
        header = lines.index("series,unit,year,kind,estimate,source,value")
        assert all(line.startswith("# ") for line in lines[:header])
        rows = lines[header + 1 :]
        assert len(rows) > 400


def test_number_has_twelve_digits_and_no_signed_zero() -> None:
    assert number(1 / 3) == "0.333333333333"
    # Noise in the last bits of a double does not reach the text.
    assert number(0.1 + 0.2) == number(0.3)
    assert number(-0.0) == "0"
    assert number(math.nan) == "nan"
    assert (number(math.inf), number(-math.inf)) == ("inf", "-inf")
    assert number(123456789.5) == "123456789.5"
    assert number(1e-20) == "1e-20"


def test_failure_message_names_the_command_and_the_first_difference() -> None:
    golden = GOLDEN_RUNS[0]
    expected = "# a\nx,1\ny,2\nz,3\n"
    message = mismatch_message(golden, expected, expected.replace("y,2", "y,2.5"))
    assert REGENERATE in message
    assert "-y,2" in message
    assert "+y,2.5" in message
    assert REGENERATE in mismatch_message(golden, None, expected)


def test_first_difference_is_cut_short() -> None:
    a = "".join(f"{k}\n" for k in range(200))
    b = "".join(f"{k + 1}\n" for k in range(200))
    text = first_difference(a, b, limit=10)
    assert len(text.splitlines()) == 11
    assert text.endswith("more diff lines")
    assert first_difference(a, a) == ""


def test_write_golden_writes_every_run_or_nothing(tmp_path: Path) -> None:
    bad = GoldenRun("bad.csv", "no-such-scenario", None)
    with pytest.raises(InputFileError, match="no-such-scenario: no such scenario"):
        write_golden(tmp_path / "out", (GOLDEN_RUNS[0], bad))
    # The good run was simulated but nothing was written: the folder is not even made.
    assert not (tmp_path / "out").exists()
    written = write_golden(tmp_path / "out", GOLDEN_RUNS[:1])
    assert written[0].read_bytes() == (FOLDER / GOLDEN_RUNS[0].file).read_bytes()

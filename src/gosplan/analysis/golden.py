"""Golden files of the default runs: the tidy table and the fit, as canonical text.

A golden file pins every number the default ``gosplan run`` (``ussr-1928``, 1928-1932) and
the out-of-sample run (``--years 1928:1937``) produce, so that a change to the model that
moves any of them shows up in review as a diff of the golden file rather than slipping by.
When the change is meant, the golden files are rewritten with one command::

    python scripts/regenerate-golden.py

The text is canonical: rows sorted, floats written with :data:`DIGITS` significant digits,
Unix line ends, no timestamps, no paths. Same inputs, same bytes.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gosplan.analysis.run import Run, run_scenario
from gosplan.scenarios.atomic import atomic_file

__all__ = [
    "DIGITS",
    "GOLDEN_RUNS",
    "REGENERATE",
    "GoldenRun",
    "canonical_text",
    "first_difference",
    "number",
    "write_golden",
]

#: Significant digits of every float. Twelve, not seventeen: the runs go through LAPACK,
#: HiGHS and numpy reductions whose last bits may differ between BLAS builds and CPUs
#: (differences near 1e-15 relative); twelve digits are far above that noise and far below
#: any change of the model worth noticing.
DIGITS = 12
#: The command that rewrites the golden files (run from the repository's root).
REGENERATE = "python scripts/regenerate-golden.py"
#: Columns of the table, in order.
_COLUMNS = ("series", "unit", "year", "kind", "estimate", "source", "value")


@dataclass(frozen=True, slots=True)
class GoldenRun:
    """One pinned run: the golden file's name, the scenario and the years."""

    file: str
    scenario: str
    years: tuple[int, int] | None
    """``None``: the scenario's own years."""

    def run(self) -> Run:
        """Simulate it (deterministic: no seed, aggregate resolution)."""
        return run_scenario(self.scenario, years=self.years)


#: The default run and the out-of-sample run to 1937.
GOLDEN_RUNS = (
    GoldenRun("ussr-1928.csv", "ussr-1928", None),
    GoldenRun("ussr-1928-1937.csv", "ussr-1928", (1928, 1937)),
)


def number(value: float) -> str:
    """``value`` with :data:`DIGITS` significant digits; ``nan``, ``inf``, ``-inf`` spelled out.

    Negative zero is written ``0`` so that the sign of a zero (which depends on the order
    of operations) never shows.
    """
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value + 0.0:.{DIGITS}g}"


def _field(text: object) -> str:
    value = str(text)
    if any(c in value for c in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def canonical_text(run: Run) -> str:
    """The run as canonical text: a header of fit lines, then the tidy table as CSV.

    The header lines start with ``#``: the years, the honest score (median absolute log
    error over the simulated series), the calibration loss, the coverage and the famine
    tolls against their published ranges. The table holds every row of :attr:`Run.frame`
    (simulated, plan_target and record rows), sorted by every column but the value and
    then the value.
    """
    fit = run.fit
    lines = [
        f"# scenario {run.scenario.spec.name}, years {run.years[0]}:{run.years[-1]}",
        f"# fit years {','.join(str(y) for y in fit.years)}",
        f"# median_abs_log_error {number(fit.median_abs_log_error)}",
        f"# loss {number(fit.loss)}",
        f"# coverage {number(fit.coverage)} of {fit.points} points",
        f"# scored {len(fit.scored)} observations of {fit.scored['series'].nunique()} series",
    ]
    famine = fit.famine.sort_values("series")
    for name, value, low, high, inside in zip(
        famine["series"].astype(str).tolist(),
        *(famine[c].astype(float).tolist() for c in ("simulated", "low", "high")),
        famine["inside"].astype(bool).tolist(),
        strict=True,
    ):
        lines.append(
            f"# {name} {number(value)} range {number(low)}:{number(high)} "
            f"{'inside' if inside else 'outside'}"
        )
    frame = run.frame
    records = sorted(
        zip(
            *(frame[c].astype(str).tolist() for c in ("series", "unit")),
            frame["year"].astype(int).tolist(),
            *(frame[c].astype(str).tolist() for c in ("kind", "estimate", "source")),
            frame["value"].astype(float).tolist(),
            strict=True,
        )
    )
    lines.append(",".join(_COLUMNS))
    for rec in records:
        lines.append(",".join([*(_field(v) for v in rec[:-1]), number(rec[-1])]))
    return "\n".join(lines) + "\n"


def first_difference(expected: str, actual: str, context: int = 3, limit: int = 40) -> str:
    """A unified diff of two texts cut to ``limit`` lines, empty when they are equal."""
    if expected == actual:
        return ""
    diff = list(
        difflib.unified_diff(
            expected.splitlines(),
            actual.splitlines(),
            "golden",
            "this run",
            n=context,
            lineterm="",
        )
    )
    more = len(diff) - limit
    return "\n".join(diff[:limit] + ([f"... {more} more diff lines"] if more > 0 else []))


def write_golden(folder: Path, runs: Sequence[GoldenRun] = GOLDEN_RUNS) -> list[Path]:
    """Write each run's canonical text into ``folder``; returns the paths written.

    Every run is simulated before anything is written, and each file is replaced whole
    (as bytes, so no platform changes the line ends): a failed run leaves the old files.
    """
    texts = {folder / golden.file: canonical_text(golden.run()) for golden in runs}
    folder.mkdir(parents=True, exist_ok=True)
    for path, text in texts.items():
        with atomic_file(path) as tmp:
            tmp.write_bytes(text.encode("utf-8"))
    return list(texts)

"""``gosplan compare``: scenarios side by side, the same series in the same years."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from gosplan.analysis.run import KEY_SERIES, Run, run_scenario
from gosplan.errors import InputFileError

__all__ = ["COMPARE_SERIES", "compare", "comparison_table"]

COMPARE_SERIES = (
    *KEY_SERIES,
    "pigs_summer",
    "sheep_and_goats_summer",
    "population_total",
    "food_per_rural_head",
)


def compare(
    names: Sequence[str], *, years: tuple[int, int] | None = None, sets: Sequence[str] = ()
) -> list[Run]:
    """Run each scenario over the same years with the same ``--set`` changes.

    Raises
    ------
    InputFileError
        Fewer than two scenarios are named: there would be nothing to compare.
    """
    if len(names) < 2:
        raise InputFileError(
            f"compare: needs at least two scenarios; got {len(names)}"
            + (f" ({', '.join(map(str, names))})" if names else "")
        )
    return [run_scenario(name, years=years, sets=sets) for name in names]


def comparison_table(runs: Sequence[Run], year: int | None = None) -> pd.DataFrame:
    """One row per series and famine toll, one column per scenario.

    Series are taken in ``year`` (default: the last year all runs share).
    """
    common = sorted(set.intersection(*(set(r.years) for r in runs)))
    year = common[-1] if year is None else year
    rows: dict[str, dict[str, float]] = {}
    for r in runs:
        k = r.result.years.index(year)
        for name in COMPARE_SERIES:
            if name in r.result.series:
                rows.setdefault(f"{name} ({year})", {})[r.result.name] = float(
                    r.result.series[name][k]
                )
        for name, (when, value) in r.result.totals.items():
            rows.setdefault(f"{name} ({when})", {})[r.result.name] = value
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "series"
    return frame.replace([np.inf, -np.inf], np.nan)

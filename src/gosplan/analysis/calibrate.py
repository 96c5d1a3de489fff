"""``gosplan calibrate``: fit the calibrated parameters to 1929-1932, and nothing later.

The parameters marked ``calibrated`` in the scenario's parameters file are fitted within
their ranges by bounded least squares on the residuals of :mod:`gosplan.analysis.fit`: the
simulated series and the calibration targets of :mod:`gosplan.sim.catalogue` in the years
after the first (1928 is where the run starts). Outcomes from 1933 on are withheld on
purpose: the simulation window ends with 1932 and the only later numbers used are the
published ranges of the famine toll of 1932-33.

A parameter the fit pushes to a bound of its range (:func:`at_bounds`) is a sign that a
mechanism is wrong or missing: the data ask for more than the mechanism can give.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import tomlkit
from scipy.optimize import least_squares

from gosplan.analysis.fit import FitReport, fit_report, residuals
from gosplan.errors import InputFileError
from gosplan.scenarios.atomic import write_text
from gosplan.scenarios.simfiles import Scenario, load_scenario
from gosplan.sim.catalogue import FIT_YEARS
from gosplan.sim.engine import simulate
from gosplan.sim.spec import SimSpec

__all__ = [
    "BOUND_TOLERANCE",
    "Calibration",
    "at_bounds",
    "calibrate",
    "write_calibrated",
    "write_parameters",
]

#: A value within this share of its range from an end is at that bound.
BOUND_TOLERANCE = 0.01


@dataclass(frozen=True, slots=True, eq=False)
class Calibration:
    """The fitted values, and the fit before and after."""

    names: tuple[str, ...]
    initial: dict[str, float]
    fitted: dict[str, float]
    before: FitReport
    after: FitReport
    evaluations: int
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Each parameter's search range."""

    @property
    def bounds(self) -> dict[str, str]:
        """The fitted parameters at a bound of their range (:func:`at_bounds`)."""
        tables = {n: {"kind": "calibrated", "range": r} for n, r in self.ranges.items()}
        return at_bounds(tables, self.fitted)


def _spec_with(spec: SimSpec, values: dict[str, float]) -> SimSpec:
    from dataclasses import replace

    return replace(
        spec,
        params=spec.params.replace(**values),
        # From the first year (the start) through the last year fitted.
        years=tuple(y for y in spec.years if y < FIT_YEARS.stop),
    )


def calibrate(
    scenario: str | Scenario = "ussr-1928",
    *,
    max_evaluations: int = 600,
    progress: Callable[[int, float], None] | None = None,
) -> Calibration:
    """Fit the scenario's calibrated parameters to the record of 1929-1932."""
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    names = tuple(sorted(n for n, t in sc.parameters.items() if t["kind"] == "calibrated"))
    lo = np.array([sc.parameters[n]["range"][0] for n in names], dtype=float)
    hi = np.array([sc.parameters[n]["range"][1] for n in names], dtype=float)
    x0 = np.array([sc.parameters[n]["value"] for n in names], dtype=float)
    calls = [0]

    def run(x: np.ndarray) -> FitReport:
        return fit_report(
            simulate(_spec_with(sc.spec, dict(zip(names, x.tolist(), strict=True)))), FIT_YEARS
        )

    def fun(x: np.ndarray) -> np.ndarray:
        calls[0] += 1
        report = run(x)
        r = residuals(report.rows, report.famine)
        if progress is not None:
            progress(calls[0], float(r @ r))
        return r

    before = run(x0)
    solution = least_squares(
        fun,
        np.clip(x0, lo, hi),
        bounds=(lo, hi),
        x_scale=hi - lo,
        diff_step=1e-3,
        max_nfev=max_evaluations,
        method="trf",
    )
    fitted = dict(zip(names, solution.x.tolist(), strict=True))
    return Calibration(
        names,
        dict(zip(names, x0.tolist(), strict=True)),
        fitted,
        before,
        run(solution.x),
        calls[0],
        {n: (float(a), float(b)) for n, a, b in zip(names, lo, hi, strict=True)},
    )


def at_bounds(
    parameters: Mapping[str, Mapping[str, Any]],
    values: Mapping[str, float] | None = None,
    tolerance: float = BOUND_TOLERANCE,
) -> dict[str, str]:
    """The calibrated parameters at a bound of their range: name -> ``"low"`` or ``"high"``.

    ``parameters`` is a scenario's parameter table (``value``, ``kind``, ``range``);
    ``values`` overrides the values (a calibration's fitted ones, say). A value within
    ``tolerance`` of the range's width from an end is at that end.
    """
    out = {}
    for name, table in sorted(parameters.items()):
        bounds = table.get("range")
        if table.get("kind") != "calibrated" or not isinstance(bounds, list | tuple):
            continue
        low, high = float(bounds[0]), float(bounds[1])
        raw = values[name] if values is not None and name in values else table.get("value")
        if raw is None:
            continue
        value, margin = float(raw), tolerance * (high - low)
        if value <= low + margin:
            out[name] = "low"
        elif value >= high - margin:
            out[name] = "high"
    return out


def write_parameters(path: str | Path, fitted: dict[str, float]) -> Path:
    """Set ``value`` of each fitted parameter in a parameters file, keeping the rest.

    tomlkit edits the parsed document, so the file's comments (what each kind of number
    means, the sections) and layout stay as they were; only the values change.

    Raises
    ------
    InputFileError
        The file has no table for a fitted parameter (nothing is written).
    """
    target = Path(path)
    doc = tomlkit.parse(target.read_text(encoding="utf-8"))
    for name, value in fitted.items():
        table = doc.get(name)
        if not isinstance(table, MutableMapping) or "value" not in table:
            raise InputFileError(f"{target}: [{name}] value is missing (cannot write the fit)")
        # Six significant digits, as the fit is read: more would be noise.
        table["value"] = float(f"{value:.6g}")
    write_text(target, tomlkit.dumps(doc))
    return target


def write_calibrated(scenario: str | Scenario, calibration: Calibration, out: str | Path) -> Path:
    """Write the scenario's parameters file, with the fitted values, to ``out``."""
    from gosplan.scenarios.atomic import atomic_file

    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    # The file the scenario read (a counterfactual reads its base's).
    params_path = sc.parameters_path or (sc.path.parent / "parameters.toml").resolve()
    target = Path(out)
    with atomic_file(target) as tmp:
        tmp.write_text(params_path.read_text(encoding="utf-8"), encoding="utf-8")
        write_parameters(tmp, calibration.fitted)
    return target

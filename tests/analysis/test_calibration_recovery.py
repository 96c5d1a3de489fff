"""Calibration recovers known parameters from a record the model itself made.

Simulate ``ussr-1928`` with known values of a few well-identified calibrated parameters,
put the simulated values in place of the record (the same series, years and weights the
fit uses), start the fit elsewhere in the ranges and refit with :func:`calibrate`: the
known values must come back. A fit that cannot recover parameters from its own model's
output cannot be trusted to find them in the real record.

:func:`calibrate` reads the record through ``fit_report``; the synthetic record is put in
there, in the calibrate module only, so the solver, bounds, scaling and residuals under
test are the real ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from gosplan.analysis import calibrate as calibrate_module
from gosplan.analysis.calibrate import calibrate
from gosplan.analysis.fit import FIT_SERIES, FitReport, fit_report, residuals
from gosplan.scenarios.simfiles import Scenario, load_scenario
from gosplan.sim.catalogue import FIT_YEARS
from gosplan.sim.engine import SimResult, simulate

#: Known values (inside each range, away from the bundled fitted values) and where the
#: fit starts. Each moves record series that the others leave alone: industrial output
#: (completion_rate), the harvest's level (yield_base), the herds of 1930 (slaughter_scale).
TRUTH = {"completion_rate": 0.45, "yield_base": 0.66, "slaughter_scale": 1.0}
#: From a start far off (yield_base 0.65 with slaughter_scale 0.6) the fit stops in another
#: minimum, slaughter_scale at its low bound and yield_base low: a smaller harvest and less
#: slaughter leave similar herds. The start is a moderate distance from the truth.
START = {"completion_rate": 0.55, "yield_base": 0.68, "slaughter_scale": 1.15}
#: Relative error allowed on each recovered value (the solver stops on its own default
#: tolerances, a few 1e-4 from the truth).
TOLERANCE = {"completion_rate": 1e-3, "yield_base": 1e-3,
             # The herd counts it moves are unverified rows of the record (weight 0.1), so
             # the loss is flat along it: the solver stops within a percent.
             "slaughter_scale": 1e-2}


def only_calibrating(sc: Scenario, start: dict[str, float]) -> Scenario:
    """``sc`` with only the parameters of ``start`` calibrated, starting from those values."""
    table = {
        name: (
            {**entry, "value": start[name]}
            if name in start
            else {**entry, "kind": "fixed" if entry["kind"] == "calibrated" else entry["kind"]}
        )
        for name, entry in sc.parameters.items()
    }
    return replace(sc, parameters=table)


def synthetic_record(truth: SimResult) -> Callable[..., FitReport]:
    """A ``fit_report`` that judges a run against ``truth`` in place of the record.

    The observations (series, years, weights, counts) are the real fit's; only the values
    they are compared with change. The famine tolls' ranges shrink to the true tolls.
    """
    position = {y: k for k, y in enumerate(truth.years)}

    def report(
        result: SimResult, years: range = FIT_YEARS, series: tuple[str, ...] = FIT_SERIES
    ) -> FitReport:
        real = fit_report(result, years, series)
        target = np.array(
            [
                truth.series[s][position[int(y)]]
                for s, y in zip(real.rows["series"], real.rows["year"], strict=True)
            ],
            dtype=np.float64,
        )
        simulated = real.rows["simulated"].to_numpy(dtype=np.float64)
        rows = real.rows.assign(
            record=target,
            source="synthetic",
            # A true value of zero (no famine deaths in 1932 under other parameters) is
            # floored as the simulated values are.
            log_error=np.log(np.maximum(simulated, 1e-9) / np.maximum(target, 1e-9)),
        )
        tolls = np.array([truth.totals[s][1] for s in real.famine["series"]], dtype=np.float64)
        famine = real.famine.assign(
            low=tolls, high=tolls, inside=real.famine["simulated"].to_numpy() == tolls
        )
        loss = float(np.sum(residuals(rows, famine) ** 2))
        return FitReport(rows, famine, loss, real.coverage, real.points)

    return report


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    sc = load_scenario("ussr-1928")
    assert sc.spec.years[-1] < FIT_YEARS.stop, "the fit's own window, 1928-1932"
    return sc


@pytest.fixture(scope="module")
def truth(scenario: Scenario) -> SimResult:
    return simulate(replace(scenario.spec, params=scenario.spec.params.replace(**TRUTH)))


def test_truth_and_start_lie_inside_the_ranges_and_apart(scenario: Scenario) -> None:
    for name, value in TRUTH.items():
        entry = scenario.parameters[name]
        low, high = entry["range"]
        assert entry["kind"] == "calibrated"
        assert low < value < high
        assert low <= START[name] <= high
        # Neither the bundled fitted value nor the start: the fit has to move.
        assert abs(value - entry["value"]) > 0.05 * (high - low)
        assert abs(value - START[name]) > 0.05 * (high - low)


@pytest.mark.slow
def test_synthetic_record_scores_the_truth_zero(truth: SimResult) -> None:
    report = synthetic_record(truth)(truth)
    assert len(report.rows) > 20
    assert set(report.rows["series"]) >= {"grain_harvest", "pig_iron_output", "cattle_summer"}
    assert report.loss == 0.0
    # The real fit's observations and weights, in the real fit's years only.
    real = fit_report(truth)
    pd.testing.assert_frame_equal(
        report.rows[["series", "year", "weight", "count"]],
        real.rows[["series", "year", "weight", "count"]],
    )


@pytest.mark.slow
def test_calibration_recovers_known_parameters(
    scenario: Scenario, truth: SimResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(calibrate_module, "fit_report", synthetic_record(truth))
    # The parameters not calibrated here keep the values the truth was simulated with.
    result = calibrate(only_calibrating(scenario, START), max_evaluations=200)
    assert result.names == tuple(sorted(TRUTH))
    assert result.initial == START
    assert result.before.loss > 1e-2
    assert result.after.loss < 1e-4
    for name, value in TRUTH.items():
        assert result.fitted[name] == pytest.approx(value, rel=TOLERANCE[name]), name
    assert result.bounds == {}

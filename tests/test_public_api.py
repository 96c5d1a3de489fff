from __future__ import annotations

import pytest

import gosplan


def test_public_names_are_exactly_these() -> None:
    expected = [
        "ActivityEconomy",
        "ActivityPlan",
        "BalanceResult",
        "ConvergenceError",
        "Diagnosis",
        "Economy",
        "EconomyError",
        "Enterprises",
        "GosplanError",
        "InputFileError",
        "MultiYearPlan",
        "NotProductiveError",
        "OptimalPlan",
        "OutputError",
        "ParameterError",
        "ParameterTypeError",
        "PlanStatus",
        "Quotas",
        "Status",
        "TargetsError",
        "__version__",
        "activity_plan",
        "balance",
        "compare",
        "diagnose",
        "generate_economy",
        "harmony_plan",
        "multiyear_plan",
        "optimal_plan",
        "quotas",
        "run_ensemble",
        "sensitivity",
        "simulate",
    ]
    assert sorted(gosplan.__all__) == sorted(expected)
    for name in gosplan.__all__:
        assert hasattr(gosplan, name)


def test_errors_subclass_builtins() -> None:
    assert issubclass(gosplan.EconomyError, ValueError)
    assert issubclass(gosplan.TargetsError, ValueError)
    assert issubclass(gosplan.ConvergenceError, ArithmeticError)
    assert issubclass(gosplan.OutputError, OSError)
    assert issubclass(gosplan.ParameterError, ValueError)
    assert issubclass(gosplan.ParameterTypeError, TypeError)
    for name in (
        "EconomyError",
        "TargetsError",
        "ConvergenceError",
        "InputFileError",
        "OutputError",
        "NotProductiveError",
        "ParameterError",
        "ParameterTypeError",
    ):
        assert issubclass(getattr(gosplan, name), gosplan.GosplanError)


def test_simulate_is_the_run_workflow() -> None:
    run = gosplan.simulate("ussr-1928")
    assert run.years == (1928, 1929, 1930, 1931, 1932)
    assert set(run.frame["kind"]) == {"simulated", "plan_target", "record"}


@pytest.mark.slow
def test_import_stays_light() -> None:
    import subprocess
    import sys

    code = "import sys, gosplan; print('pandas' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "False"]

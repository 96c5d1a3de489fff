from __future__ import annotations

import gosplan


def test_public_names_are_exactly_these() -> None:
    assert sorted(gosplan.__all__) == sorted(
        [
            "BalanceResult",
            "ConvergenceError",
            "Economy",
            "EconomyError",
            "GosplanError",
            "InputFileError",
            "NotProductiveError",
            "OutputError",
            "Status",
            "TargetsError",
            "__version__",
            "balance",
        ]
    )
    for name in gosplan.__all__:
        assert hasattr(gosplan, name)


def test_errors_subclass_builtins() -> None:
    assert issubclass(gosplan.EconomyError, ValueError)
    assert issubclass(gosplan.TargetsError, ValueError)
    assert issubclass(gosplan.ConvergenceError, ArithmeticError)
    assert issubclass(gosplan.OutputError, OSError)
    for name in (
        "EconomyError",
        "TargetsError",
        "ConvergenceError",
        "InputFileError",
        "OutputError",
        "NotProductiveError",
    ):
        assert issubclass(getattr(gosplan, name), gosplan.GosplanError)

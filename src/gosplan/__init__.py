"""gosplan: central economic planning, and the simulation of a planned economy.

The planning engine's public surface::

    import gosplan
    economy = gosplan.Economy.read("my-economy/")
    plan = gosplan.balance(economy, {"steel": 10.4, "coal": 75.0})
"""

from gosplan.core.balance import balance
from gosplan.core.economy import Economy
from gosplan.core.result import BalanceResult, Status
from gosplan.errors import (
    ConvergenceError,
    EconomyError,
    GosplanError,
    InputFileError,
    NotProductiveError,
    OutputError,
    TargetsError,
)

__version__ = "0.1.0"

__all__ = [
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

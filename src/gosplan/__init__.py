"""gosplan: central economic planning, and the simulation of a planned economy.

The planners' engine::

    import gosplan
    economy = gosplan.Economy.read("my-economy/")
    plan = gosplan.balance(economy, {"steel": 10.4, "coal": 75.0})
    best = gosplan.optimal_plan(economy, {"steel": 10.4, "coal": 75.0})
    why = gosplan.diagnose(economy, {"steel": 10.4, "coal": 75.0})

The simulator of the First Five-Year Plan::

    run = gosplan.simulate("ussr-1928", years=(1928, 1937))
    run.frame  # tidy: simulated, plan_target and record rows
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gosplan.core.balance import balance
from gosplan.core.diagnose import Diagnosis, diagnose
from gosplan.core.economy import Economy
from gosplan.core.generate import generate_economy
from gosplan.core.harmony import harmony_plan
from gosplan.core.multiyear import MultiYearPlan, multiyear_plan
from gosplan.core.optimal import optimal_plan
from gosplan.core.plan_result import OptimalPlan, PlanStatus
from gosplan.core.quotas import Enterprises, Quotas, quotas
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

if TYPE_CHECKING:
    from gosplan.analysis.run import Run

__version__ = "0.1.0"

__all__ = [
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
    "PlanStatus",
    "Quotas",
    "Status",
    "TargetsError",
    "__version__",
    "balance",
    "diagnose",
    "generate_economy",
    "harmony_plan",
    "multiyear_plan",
    "optimal_plan",
    "quotas",
    "simulate",
]


def simulate(
    scenario: str = "ussr-1928",
    *,
    years: tuple[int, int] | None = None,
    sets: Sequence[str] = (),
    seed: int | None = None,
) -> Run:
    """Simulate a built-in scenario (or a scenario file) against the historical record.

    ``sets`` are ``--set`` changes (``"policy.dekulakization=0"``); ``seed`` draws the
    weather. Returns a run whose ``frame`` is the tidy table of simulated, planned and
    recorded series.
    """
    from gosplan.analysis.run import run_scenario

    return run_scenario(scenario, years=years, sets=sets, seed=seed)

"""gosplan: central economic planning, and the simulation of a planned economy.

The planners' engine::

    import gosplan
    economy = gosplan.Economy.read("my-economy/")
    plan = gosplan.balance(economy, {"steel": 10.4, "coal": 75.0})
    best = gosplan.optimal_plan(economy, {"steel": 10.4, "coal": 75.0})
    shop = gosplan.activity_plan(activity_economy, {"set": 1.0})  # Kantorovich's activities
    why = gosplan.diagnose(economy, {"steel": 10.4, "coal": 75.0})

The simulator of the First Five-Year Plan::

    run = gosplan.simulate("ussr-1928", years=(1928, 1937))
    run.frame  # tidy: simulated, plan_target and record rows
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gosplan.errors import (
    ConvergenceError,
    EconomyError,
    GosplanError,
    InputFileError,
    NotProductiveError,
    OutputError,
    ParameterError,
    ParameterTypeError,
    TargetsError,
)

if TYPE_CHECKING:
    from gosplan.analysis.run import Run
    from gosplan.core.activities import ActivityEconomy
    from gosplan.core.activity_plan import activity_plan
    from gosplan.core.activity_result import ActivityPlan
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

__version__ = "0.1.0"

__all__ = [
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
    "diagnose",
    "generate_economy",
    "harmony_plan",
    "multiyear_plan",
    "optimal_plan",
    "quotas",
    "simulate",
]


#: Public names that import SciPy, HiGHS or pandas, loaded on first use (PEP 562), so
#: ``import gosplan`` and ``gosplan --help`` stay light.
_LAZY = {
    "ActivityEconomy": "gosplan.core.activities",
    "ActivityPlan": "gosplan.core.activity_result",
    "BalanceResult": "gosplan.core.result",
    "Diagnosis": "gosplan.core.diagnose",
    "Economy": "gosplan.core.economy",
    "Enterprises": "gosplan.core.quotas",
    "MultiYearPlan": "gosplan.core.multiyear",
    "OptimalPlan": "gosplan.core.plan_result",
    "PlanStatus": "gosplan.core.plan_result",
    "Quotas": "gosplan.core.quotas",
    "Status": "gosplan.core.result",
    "activity_plan": "gosplan.core.activity_plan",
    "balance": "gosplan.core.balance",
    "diagnose": "gosplan.core.diagnose",
    "generate_economy": "gosplan.core.generate",
    "harmony_plan": "gosplan.core.harmony",
    "multiyear_plan": "gosplan.core.multiyear",
    "optimal_plan": "gosplan.core.optimal",
    "quotas": "gosplan.core.quotas",
}


def __getattr__(name: str) -> Any:
    if name == "datasets":  # the built-in data as tables: a module, loaded on first use
        import importlib

        return importlib.import_module("gosplan.datasets")
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # once loaded, an ordinary attribute
        return value
    raise AttributeError(f"module 'gosplan' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


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

    _check_simulate(scenario, years, sets, seed)
    return run_scenario(scenario, years=years, sets=sets, seed=seed)


def _check_simulate(scenario: object, years: object, sets: object, seed: object) -> None:
    """The types of :func:`simulate`'s arguments; what they mean the run itself checks."""
    import os

    from gosplan.core.arguments import integer, shown

    def refuse(name: str, expected: str, value: object) -> ParameterTypeError:
        return ParameterTypeError(f"simulate: {name} must be {expected}; got "
                                  f"{type(value).__name__} {shown(value)}")

    if not isinstance(scenario, str | os.PathLike):
        raise refuse("scenario", "a scenario name or a path", scenario)
    if years is not None:
        if not isinstance(years, tuple | list) or len(years) != 2:
            raise refuse("years", "None or a pair of years (first, last)", years)
        first, last = (integer(y, "years", "simulate", low=1, high=9999) for y in years)
        if first > last:
            raise ParameterError(f"simulate: years must be (first, last) with first <= last; "
                                 f"got {shown(tuple(years))}")
    if isinstance(sets, str | bytes) or not isinstance(sets, Sequence) or not all(
            isinstance(change, str) for change in sets):
        raise refuse("sets", "a list of strings like 'policy.dekulakization=0'", sets)
    if seed is not None:
        integer(seed, "seed", "simulate", low=0, high=2**64 - 1)

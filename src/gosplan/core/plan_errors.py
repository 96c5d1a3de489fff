"""Errors raised by :meth:`OptimalPlan.raise_for_status`, one per way an optimal plan can fail.

Each carries the plan it was raised for (so the best plan found before a time limit is
not lost) and its status, and subclasses :class:`~gosplan.errors.GosplanError` and the
builtin it most resembles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gosplan.errors import GosplanError

if TYPE_CHECKING:
    from gosplan.core.plan_result import OptimalPlan, PlanStatus

__all__ = [
    "InfeasiblePlanError",
    "PlanStatusError",
    "SolverError",
    "SolverTimeLimitError",
    "UnboundedPlanError",
]


class PlanStatusError(GosplanError):
    """An optimal plan was asked for and the solve did not deliver one.

    Parameters
    ----------
    plan
        The plan record (with whatever the solver found).
    message
        The one-line explanation.
    """

    def __init__(self, plan: OptimalPlan, message: str) -> None:
        super().__init__(message)
        self.plan = plan

    @property
    def status(self) -> PlanStatus:
        """The plan's status."""
        return self.plan.status


class InfeasiblePlanError(PlanStatusError, ValueError):
    """No plan satisfies the constraints (for example a minimum fulfilment set too high)."""


class UnboundedPlanError(PlanStatusError, ValueError):
    """The objective has no limit: nothing caps output (no finite capacity, labour or resource)."""


class SolverTimeLimitError(PlanStatusError, TimeoutError):
    """The solver stopped at its time limit; ``plan`` holds the best feasible plan, if any."""


class SolverError(PlanStatusError, RuntimeError):
    """The solver failed (numerical trouble); the message gives the solver's words."""

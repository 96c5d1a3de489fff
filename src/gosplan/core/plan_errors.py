"""Errors raised by :meth:`OptimalPlan.raise_for_status`, one per way an optimal plan can fail.

Each carries the plan it was raised for (so the best plan found before a time limit is
not lost) and its status, and subclasses :class:`~gosplan.errors.GosplanError` and the
builtin it most resembles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gosplan.errors import GosplanError

if TYPE_CHECKING:
    from gosplan.core.plan_result import PlanStatus

__all__ = [
    "InfeasiblePlanError",
    "PlanStatusError",
    "SolverError",
    "SolverTimeLimitError",
    "UnboundedPlanError",
    "raise_plan_status",
]


class PlanStatusError(GosplanError):
    """An optimal plan was asked for and the solve did not deliver one.

    Parameters
    ----------
    plan
        The plan record (with whatever the solver found): an ``OptimalPlan`` or a
        ``MultiYearPlan``, anything with a ``status``.
    message
        The one-line explanation.
    """

    def __init__(self, plan: Any, message: str) -> None:
        super().__init__(message)
        self.plan = plan

    @property
    def status(self) -> PlanStatus:
        """The plan's status."""
        status: PlanStatus = self.plan.status
        return status


class InfeasiblePlanError(PlanStatusError, ValueError):
    """No plan satisfies the constraints (for example a minimum fulfilment set too high)."""


class UnboundedPlanError(PlanStatusError, ValueError):
    """The objective has no limit: nothing caps output (no finite capacity, labour or resource)."""


class SolverTimeLimitError(PlanStatusError, TimeoutError):
    """The solver stopped at its time limit; ``plan`` holds the best feasible plan, if any."""


class SolverError(PlanStatusError, RuntimeError):
    """The solver failed (numerical trouble); the message gives the solver's words."""


def raise_plan_status(
    plan: Any,
    what: str,
    *,
    infeasible: str,
    unbounded: str,
    found: str = "",
) -> None:
    """Raise the error that matches ``plan.status`` (an optimal status raises nothing).

    ``what`` names the plan ("optimal plan (assortment, simplex)"); ``infeasible`` and
    ``unbounded`` say what to change; ``found`` describes the best plan before a time limit.
    The plan must have ``status``, ``iterations``, ``solve_time`` and ``message``.
    """
    from gosplan.core.plan_result import PlanStatus

    status = plan.status
    if status is PlanStatus.OPTIMAL:
        return
    if status is PlanStatus.INFEASIBLE:
        raise InfeasiblePlanError(plan, f"{what}: no plan satisfies the constraints{infeasible}")
    if status is PlanStatus.UNBOUNDED:
        raise UnboundedPlanError(plan, f"{what}: {unbounded}")
    if status is PlanStatus.TIME_LIMIT:
        raise SolverTimeLimitError(
            plan,
            f"{what}: stopped at the time limit after {plan.iterations} iterations "
            f"({plan.solve_time:.3g} s){found}",
        )
    raise SolverError(plan, f"{what}: the solver failed: {plan.message}")

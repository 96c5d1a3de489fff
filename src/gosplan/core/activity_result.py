"""The record of an optimal plan over activities: levels, what they deliver, valuations.

Valuations are the LP's duals, each the gain in the optimum per unit increase of its
constraint's right-hand side, hence ``>= 0``. For the assortment objective the products'
valuations are normalised so that the target assortment is worth one (``p · y = 1``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gosplan.core.plan_errors import raise_plan_status
from gosplan.core.plan_result import PlanStatus, freeze_fields
from gosplan.core.result import deprecated_alias

__all__ = ["ActivityPlan"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class ActivityPlan:
    """An optimal plan over activities and the valuations that support it.

    Plan fields are ``None`` where the solve found no plan; valuations are ``None`` unless
    the status is ``OPTIMAL``. Arrays are read-only, products in product order, activities
    in activity order, resources in resource order.
    """

    status: PlanStatus
    """How the solve ended."""
    objective: str
    """``"assortment"`` (maximise λ), ``"weighted"`` (maximise weighted final use) or
    ``"harmony"`` (:func:`gosplan.core.activity_harmony.activity_harmony_plan`)."""
    lp_method: str
    """Solver algorithm: ``"simplex"``, ``"ipm"`` or ``"pdlp"`` (HiGHS), or
    ``"policy_iteration"`` (:func:`gosplan.core.nonsubstitution.nonsubstitution_plan`), or
    ``"price_coordination"`` (:func:`gosplan.core.activity_prices.coordinated_plan`)."""
    products: NDArray[np.str_]
    """Product ids, shape ``(n,)``."""
    activities: NDArray[np.str_]
    """Activity ids, shape ``(m,)``."""
    resources: NDArray[np.str_]
    """Resource ids, shape ``(k,)``."""
    targets: FloatArray
    """Target assortment ``y``, shape ``(n,)`` (zeros when a weighted plan has none)."""
    fulfilment: float | None
    """Fraction λ of the targets delivered (``min_i final_demand_i / y_i`` over targeted
    products for a weighted plan); ``None`` without plan or targets."""
    objective_value: float | None
    """The optimum: λ, or ``weights · final_use``."""
    levels: FloatArray | None
    """Level ``z_j`` of each activity, shape ``(m,)``."""
    final_demand: FloatArray | None
    """Final demand delivered: the net output ``(B - U) z``, shape ``(n,)``."""
    labour_required: float | None
    """Labour the plan uses, ``l · z``."""
    resource_use: FloatArray | None
    """Amount of each resource the plan uses, ``R z``, shape ``(k,)``."""
    valuations: FloatArray | None
    """Valuation ``p_i`` of each product, shape ``(n,)``: gain per unit supplied from outside."""
    labour_valuation: float | None
    """Gain per extra unit of labour available (0 when labour is unlimited or slack)."""
    resource_valuations: FloatArray | None
    """Gain per extra unit of each resource, shape ``(k,)`` (0 where slack)."""
    capacity_valuations: FloatArray | None
    """Gain per extra unit of each activity's capacity, shape ``(m,)`` (0 where slack)."""
    reduced_costs: FloatArray | None
    """Cost minus revenue per unit of level at the valuations, shape ``(m,)``:
    ``p · U_j + v l_j + u · R_j - p · B_j``. Zero for an activity in use below its
    capacity, ``-capacity_valuation`` at capacity, ``>= 0`` for an idle one (a positive
    value is why it is idle: it would lose that much per unit)."""
    iterations: int
    """Solver iterations."""
    solve_time: float
    """Seconds spent in the solver."""
    message: str = ""
    """The solver's words for how it ended."""
    unit_costs: Mapping[str, FloatArray] = field(default_factory=dict)
    """Per unit of level at the valuations, shape ``(m,)`` each: ``"inputs"`` (``p · U_j``),
    ``"labour"``, ``"resources"`` and ``"revenue"`` (``p · B_j``); empty without valuations."""
    gap: float | None = None
    """Certified gap: relative, ``(dual_bound - fulfilment) / dual_bound``, for a plan
    found by price coordination (:mod:`gosplan.core.activity_prices`); in harmony per
    targeted product, ``(dual_bound - objective_value) / T``, for a harmony plan;
    ``None`` for an LP solver's plan (exact to the solver's tolerances)."""
    dual_bound: float | None = None
    """Upper bound on the optimum proven by the valuations (price coordination) or by the
    tangent planes (harmony); ``None`` otherwise."""

    def __post_init__(self) -> None:
        freeze_fields(self, ("targets", "levels", "final_demand", "resource_use",
                             "valuations", "resource_valuations",
                             "capacity_valuations", "reduced_costs"))
        for value in self.unit_costs.values():
            value.flags.writeable = False

    method = deprecated_alias("method", "lp_method")
    net_output = deprecated_alias("net_output", "final_demand")
    product_valuations = deprecated_alias("product_valuations", "valuations")

    @property
    def optimal(self) -> bool:
        """Whether the status is ``OPTIMAL``."""
        return self.status is PlanStatus.OPTIMAL

    def raise_for_status(self) -> ActivityPlan:
        """Return ``self`` if optimal, else raise the matching error.

        Raises
        ------
        InfeasiblePlanError, UnboundedPlanError, SolverTimeLimitError, SolverError
            Each carries this plan as ``.plan``.
        """
        found = ("; no feasible plan found" if self.objective_value is None
                 else f"; best plan found has objective {self.objective_value:.6g}")
        raise_plan_status(
            self,
            f"activity plan ({self.objective}, {self.lp_method})",
            infeasible="; lower the minimum fulfilment or raise labour, resources or capacities",
            unbounded="the objective is unbounded: no labour, resource or capacity limit caps "
            "the activities that make what it values; give the economy finite limits",
            found=found,
        )
        return self

    def to_dict(self) -> dict[str, Any]:
        """The plan as plain JSON values: numbers by product, activity and resource id.

        Absent values (no plan, no valuations) are ``None``; so is any that is not finite.
        """

        def num(value: float | None) -> float | None:
            return None if value is None or not math.isfinite(value) else float(value)

        def by(ids: NDArray[np.str_], values: FloatArray | None) -> dict[str, Any] | None:
            if values is None:
                return None
            return {k: num(v) for k, v in zip(ids.tolist(), values.tolist(), strict=True)}

        return {
            "status": self.status.value,
            "objective": self.objective,
            "lp_method": self.lp_method,
            "fulfilment": num(self.fulfilment),
            "objective_value": num(self.objective_value),
            "labour_required": num(self.labour_required),
            "labour_valuation": num(self.labour_valuation),
            "levels": by(self.activities, self.levels),
            "final_demand": by(self.products, self.final_demand),
            "resource_use": by(self.resources, self.resource_use),
            "valuations": by(self.products, self.valuations),
            "resource_valuations": by(self.resources, self.resource_valuations),
            "capacity_valuations": by(self.activities, self.capacity_valuations),
            "reduced_costs": by(self.activities, self.reduced_costs),
            "gap": num(self.gap),
            "dual_bound": num(self.dual_bound),
            "iterations": self.iterations,
            "message": self.message,
        }

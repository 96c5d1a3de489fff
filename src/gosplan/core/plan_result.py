"""The record of an optimal (Kantorovich) plan: the plan, its valuations and its status.

Valuations are shadow prices: each is the increase of the optimal objective per unit
increase of the right-hand side of its constraint, hence ``>= 0`` (a constraint that does
not bind has valuation 0). With ``objective="assortment"`` the objective is the
fulfilment fraction λ, so valuations are "fractions of the target assortment per unit"
and the product valuations are normalised so that the whole assortment is worth one:
``valuations · targets = 1`` whenever ``λ > 0``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from gosplan.core import frames
from gosplan.core.plan_errors import raise_plan_status
from gosplan.core.result import deprecated_alias

if TYPE_CHECKING:
    from gosplan.core.frames import DataFrame, Dataset

__all__ = ["OptimalPlan", "PlanStatus", "freeze_fields"]

FloatArray = NDArray[np.float64]


def freeze_fields(record: object, names: tuple[str, ...]) -> None:
    """Make the named array fields of a frozen record read-only (``None`` fields skipped)."""
    for name in names:
        value = getattr(record, name)
        if value is not None:
            value.flags.writeable = False


class PlanStatus(StrEnum):
    """How an optimal-plan solve ended, in gosplan's words."""

    OPTIMAL = "optimal"
    """An optimal plan was found, with its valuations."""
    INFEASIBLE = "infeasible"
    """No plan satisfies the constraints."""
    UNBOUNDED = "unbounded"
    """The objective can grow without limit: nothing caps output."""
    TIME_LIMIT = "time_limit"
    """The solver stopped at its limit; the plan fields hold the best feasible plan, if any."""
    ERROR = "error"
    """The solver failed; see ``message``."""


@dataclass(frozen=True, slots=True, eq=False)
class OptimalPlan:
    """An optimal plan: gross outputs, what they deliver, and the valuations that support them.

    Plan fields are ``None`` where the solve found no plan (infeasible, unbounded, error,
    or a time limit reached before any feasible plan); valuations are ``None`` unless the
    status is ``OPTIMAL``. Arrays are read-only and in the economy's product order.
    """

    status: PlanStatus
    """How the solve ended."""
    objective: str
    """``"assortment"`` (maximise λ) or ``"weighted"`` (maximise weighted final use)."""
    lp_method: str
    """LP algorithm: ``"simplex"``, ``"ipm"`` or ``"pdlp"`` (or ``"closed_form"``: no LP)."""
    products: NDArray[np.str_]
    """Product ids, shape ``(n,)``."""
    targets: FloatArray
    """Target assortment ``y``, shape ``(n,)`` (zeros when a weighted plan has none)."""
    fulfilment: float | None
    """Fraction λ of the target assortment delivered: ``min_i final_demand_i / y_i`` over
    the targeted products (the LP's λ for an assortment plan); ``None`` without plan or
    targets."""
    objective_value: float | None
    """The optimum: λ, or ``weights · final_demand``."""
    gross_output: FloatArray | None
    """Gross output ``x``, shape ``(n,)``."""
    final_demand: FloatArray | None
    """Final demand met, ``(I - A) x``, shape ``(n,)``: what is left for consumption,
    investment, export."""
    labour_required: float | None
    """Labour the plan uses, ``l · x``."""
    valuations: FloatArray | None
    """Objectively determined valuation of each product, shape ``(n,)``: the gain in the
    objective per extra unit of the product supplied from outside the plan."""
    capacity_valuations: FloatArray | None
    """Gain per extra unit of each branch's capacity, shape ``(n,)`` (0 where not binding)."""
    labour_valuation: float | None
    """Gain per extra unit of labour available."""
    resource_valuations: Mapping[str, float] | None
    """Gain per extra unit of each other primary resource, by name."""
    iterations: int
    """Solver iterations."""
    solve_time: float
    """Seconds spent in the solver."""
    message: str = ""
    """The solver's words for how it ended."""
    resource_use: Mapping[str, float] = field(default_factory=dict)
    """Amount of each other primary resource the plan uses, by name (empty without a plan)."""
    units: tuple[str, ...] = ()
    """Unit of each product, in product order (empty when unknown)."""

    method = deprecated_alias("method", "lp_method")
    final_use = deprecated_alias("final_use", "final_demand")
    product_prices = deprecated_alias("product_prices", "valuations")

    def __post_init__(self) -> None:
        freeze_fields(
            self, ("targets", "gross_output", "final_demand", "valuations", "capacity_valuations")
        )

    @property
    def optimal(self) -> bool:
        """Whether the status is ``OPTIMAL``."""
        return self.status is PlanStatus.OPTIMAL

    def raise_for_status(self) -> OptimalPlan:
        """Return ``self`` if optimal, else raise the matching error.

        Raises
        ------
        InfeasiblePlanError, UnboundedPlanError, SolverTimeLimitError, SolverError
            Each carries this plan as ``.plan`` (a time-limited one holds the best plan
            found, if any).
        """
        found = (
            "; no feasible plan found"
            if self.fulfilment is None and self.objective_value is None
            else f"; best plan found has objective {self.objective_value:.6g}"
        )
        raise_plan_status(
            self,
            f"optimal plan ({self.objective}, {self.lp_method})",
            infeasible="; lower the minimum fulfilment or raise capacities, labour or resources",
            unbounded="the objective is unbounded: no capacity, labour or resource limit caps "
            "the products it values; give the economy finite limits",
            found=found,
        )
        return self

    def _quantities(self) -> list[frames.Quantity]:
        units = self.units or ("",) * self.products.shape[0]
        per = ("fulfilment per unit" if self.objective == "assortment"
               else "objective per unit")
        return [("targets", self.targets, units),
                ("gross_output", self.gross_output, units),
                ("final_demand", self.final_demand, units),
                ("valuations", self.valuations, per),
                ("capacity_valuations", self.capacity_valuations, per)]

    def _facts(self) -> dict[str, object]:
        return {"status": self.status.value, "objective": self.objective,
                "lp_method": self.lp_method, "products": int(self.products.shape[0]),
                "fulfilment": self.fulfilment, "objective_value": self.objective_value,
                "labour_required": self.labour_required,
                "labour_valuation": self.labour_valuation}

    def to_frame(self) -> DataFrame:
        """Tidy table: one row per product and quantity (see :mod:`gosplan.core.frames`).

        Quantities: ``targets``, ``gross_output``, ``final_demand`` (each product's unit),
        ``valuations`` and ``capacity_valuations`` (objective per unit); those the solve
        did not produce are left out.
        """
        return frames.tidy(self.products, self._quantities())

    def to_xarray(self) -> Dataset:
        """The same quantities as an xarray Dataset over ``product``; totals in ``attrs``."""
        attrs = {k: v for k, v in self._facts().items() if v is not None}
        return frames.dataset(self.products, self._quantities(), attrs=attrs)

    def __repr__(self) -> str:
        facts = self._facts()
        del facts["objective_value"], facts["labour_valuation"]
        return frames.short_repr("OptimalPlan", facts)

    def _repr_html_(self) -> str:
        return frames.html_table("Optimal plan", self._facts().items())

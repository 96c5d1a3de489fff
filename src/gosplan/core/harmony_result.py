"""The harmony planner's result, and Cockshott's harmony function it scores plans by.

See :mod:`gosplan.core.harmony` for the planner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gosplan.core import frames
from gosplan.core.plan_result import freeze_fields
from gosplan.core.result import deprecated_alias
from gosplan.errors import ConvergenceError

if TYPE_CHECKING:
    from gosplan.core.frames import DataFrame, Dataset

__all__ = ["S_MAX", "HarmonyPlan", "HarmonyStatus", "harmony", "harmony_slope"]

FloatArray = NDArray[np.float64]


#: Most surplus the planner gives a product, as a fractional deviation: at most
#: ``(1 + S_MAX)`` times its target. Binds only where nothing else limits a product.
S_MAX = 1e4


class HarmonyStatus(StrEnum):
    """How a harmony-planner run ended."""

    CONVERGED = "converged"
    """The harmony is within ``tol`` per targeted product of the maximum (duality gap)."""
    ITERATION_LIMIT = "iteration_limit"
    """Stopped at the iteration limit; the plan is feasible but may not be the best."""
    TIME_LIMIT = "time_limit"
    """Stopped at the time limit; the plan is feasible but may not be the best."""
    STALLED = "stalled"
    """The price search could make no further progress (round-off) before reaching
    ``tol``; the plan is feasible and ``duality_gap`` bounds how much harmony it lacks."""


@dataclass(frozen=True, slots=True, eq=False)
class HarmonyPlan:
    """A plan of greatest harmony, the valuations behind it, and how well targets are met.

    Arrays are read-only and in the economy's product order.
    """

    status: HarmonyStatus
    """How the run ended."""
    products: NDArray[np.str_]
    """Product ids, shape ``(n,)``."""
    targets: FloatArray
    """Targets ``t`` (final demand asked for), shape ``(n,)``."""
    gross_output: FloatArray
    """Gross output ``x``, shape ``(n,)``; within capacity and labour."""
    final_demand: FloatArray
    """Final demand met, ``(I - A) x``, shape ``(n,)``."""
    fulfilment: float
    """``min_i final_demand_i / t_i`` over targeted products: the LP's λ measure."""
    max_fulfilment: float
    """λ*, the largest fulfilment of any feasible plan (the LP optimum, in closed form)."""
    floor: float
    """Share of λ* every targeted product was held to."""
    harmony: float
    """Total harmony ``Σ_i H(s_i)`` of the plan."""
    duality_gap: float
    """Upper bound on the harmony the plan lacks: ``D(w, μ) - harmony``, ``>= 0``."""
    labour_required: float
    """Labour the plan uses, ``l · x``."""
    valuations: FloatArray
    """Cost of each product at the rents and wage, ``p``, shape ``(n,)``: harmony per unit."""
    capacity_valuations: FloatArray
    """Rent ``w`` per unit of each branch's capacity, shape ``(n,)`` (0 where idle)."""
    labour_valuation: float
    """Wage ``μ``: harmony per unit of labour."""
    iterations: int
    """Price-search iterations performed."""
    solves: int
    """Linear solves with ``I - A`` performed (each a factor application or a GMRES run)."""
    passes: int
    """Sparse mat-vecs with ``A`` or ``Aᵀ`` the GMRES runs made (0 where ``I - A`` was
    factorised): the measure of work that grows with the economy."""
    history: FloatArray = field(repr=False)
    """Fulfilment of the best plan after each iteration, shape ``(iterations + 1,)``."""
    harmony_history: FloatArray = field(repr=False)
    """Harmony of the best plan after each iteration, shape ``(iterations + 1,)``."""
    units: tuple[str, ...] = ()
    """Unit of each product, in product order (empty when unknown)."""

    final_use = deprecated_alias("final_use", "final_demand")
    product_prices = deprecated_alias("product_prices", "valuations")

    def __post_init__(self) -> None:
        freeze_fields(self, ("targets", "gross_output", "final_demand", "valuations",
                             "capacity_valuations", "history", "harmony_history"))

    @property
    def converged(self) -> bool:
        """Whether the status is ``CONVERGED``."""
        return self.status is HarmonyStatus.CONVERGED

    def raise_for_status(self) -> HarmonyPlan:
        """Return ``self`` if converged, else raise :class:`~gosplan.errors.ConvergenceError`."""
        if self.status is not HarmonyStatus.CONVERGED:
            why = {HarmonyStatus.ITERATION_LIMIT: "stopped at the iteration limit",
                   HarmonyStatus.TIME_LIMIT: "stopped at the time limit"}.get(
                       self.status, "stalled")
            raise ConvergenceError(
                self.iterations,
                self.duality_gap,
                f"harmony plan: {why} after {self.iterations} iterations with a duality gap "
                f"of {self.duality_gap:.3g}; raise iterations or tol",
            )
        return self

    def _quantities(self) -> list[frames.Quantity]:
        units = self.units or ("",) * self.products.shape[0]
        return [("targets", self.targets, units),
                ("gross_output", self.gross_output, units),
                ("final_demand", self.final_demand, units),
                ("valuations", self.valuations, "harmony per unit"),
                ("capacity_valuations", self.capacity_valuations, "harmony per unit")]

    def _facts(self) -> dict[str, object]:
        return {"status": self.status.value, "products": int(self.products.shape[0]),
                "fulfilment": self.fulfilment, "max_fulfilment": self.max_fulfilment,
                "harmony": self.harmony, "duality_gap": self.duality_gap,
                "labour_required": self.labour_required,
                "labour_valuation": self.labour_valuation, "iterations": self.iterations}

    def to_frame(self) -> DataFrame:
        """Tidy table: one row per product and quantity (see :mod:`gosplan.core.frames`).

        Quantities: ``targets``, ``gross_output``, ``final_demand`` (each product's unit),
        ``valuations`` and ``capacity_valuations`` (harmony per unit).
        """
        return frames.tidy(self.products, self._quantities())

    def to_xarray(self) -> Dataset:
        """The same quantities as an xarray Dataset over ``product``; totals in ``attrs``."""
        return frames.dataset(self.products, self._quantities(), attrs=self._facts())

    def __repr__(self) -> str:
        facts = self._facts()
        for k in ("max_fulfilment", "labour_valuation", "iterations", "duality_gap"):
            del facts[k]
        return frames.short_repr("HarmonyPlan", facts)

    def _repr_html_(self) -> str:
        return frames.html_table("Harmony plan", self._facts().items())


def harmony(s: ArrayLike) -> FloatArray:
    """Cockshott's harmony of fractional deviations ``s = (f - t) / t``, elementwise.

    ``ln(1 + s)`` for ``s >= 0``, ``s - s²/2`` below target.

    Examples
    --------
    >>> harmony([-0.5, 0.0, 1.0]).round(4).tolist()
    [-0.625, 0.0, 0.6931]
    """
    s = np.asarray(s, dtype=np.float64)
    above = s >= 0
    return np.where(above, np.log1p(np.where(above, s, 0.0)), s - 0.5 * s * s)


def harmony_slope(s: ArrayLike) -> FloatArray:
    """Derivative ``H'(s)``: ``1 / (1 + s)`` above target, ``1 - s`` below.

    Examples
    --------
    >>> harmony_slope([-0.5, 0.0, 1.0]).tolist()
    [1.5, 1.0, 0.5]
    """
    s = np.asarray(s, dtype=np.float64)
    return np.where(s >= 0, 1.0 / (1.0 + np.maximum(s, 0.0)), 1.0 - s)

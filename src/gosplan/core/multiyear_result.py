"""A T-year plan as the planner returns it: output, investment, capacity and fulfilment.

See :mod:`gosplan.core.multiyear` for the planner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gosplan.core.plan_errors import raise_plan_status
from gosplan.core.plan_result import PlanStatus, freeze_fields

__all__ = ["PLAN_ARRAYS", "MultiYearPlan"]

FloatArray = NDArray[np.float64]
PLAN_ARRAYS = ("targets", "labour_available", "output", "investment", "capacity", "delivered",
           "fulfilment", "labour_required", "valuations", "capacity_valuations",
           "labour_valuations")


@dataclass(frozen=True, slots=True, eq=False)
class MultiYearPlan:
    """A T-year plan: output, investment and capacity by year and branch, and fulfilment.

    Plan fields are ``None`` where no plan was found; valuations are ``None`` unless the
    status is ``OPTIMAL``. Arrays are read-only, rows are years, columns the economy's
    products. With ``revised`` the plan fields are what actually happened, year by year,
    and rows of years a failed revision never reached are NaN.
    """

    status: PlanStatus
    """How the solve (or the first failing revision) ended."""
    objective: str
    """``"min"``, ``"weighted"`` or ``"final"``."""
    method: str
    """Solver algorithm."""
    revised: bool
    """Whether the plan was revised every year (receding horizon)."""
    years: int
    """Number of years ``T``."""
    lag: int
    """Construction lag ``L`` in years."""
    products: NDArray[np.str_]
    """Product ids, shape ``(n,)``."""
    targets: FloatArray
    """Target assortment of each year, shape ``(T, n)``."""
    labour_available: FloatArray
    """Labour available each year, shape ``(T,)`` (``inf`` = unlimited)."""
    output: FloatArray | None
    """Gross output ``x_t``, shape ``(T, n)``."""
    investment: FloatArray | None
    """Capacity started in each branch in year ``t``, shape ``(T, n)`` (units of capacity)."""
    capacity: FloatArray | None
    """Capacity at the start of each year, and at the end: shape ``(T + 1, n)``; ``inf``
    for branches of unlimited capacity."""
    delivered: FloatArray | None
    """Final use after construction (projects under way included), shape ``(T, n)``."""
    fulfilment: FloatArray | None
    """Fulfilment of each year, ``min_i delivered_t,i / y_t,i`` over targeted ``i``; ``(T,)``."""
    labour_required: FloatArray | None
    """Labour used each year, ``l · x_t``, shape ``(T,)``."""
    valuations: FloatArray | None
    """Valuation of each product in each year (dual of its balance), shape ``(T, n)``: the
    gain in the objective per unit supplied from outside the plan in that year."""
    capacity_valuations: FloatArray | None
    """Gain in the objective per extra unit of each branch's initial capacity, ``(n,)``."""
    labour_valuations: FloatArray | None
    """Gain in the objective per extra unit of labour in each year, ``(T,)``."""
    objective_value: float | None
    """The optimum of the (first) LP."""
    iterations: int
    """Solver iterations, all revisions together."""
    solve_time: float
    """Seconds in the solver, all revisions together."""
    message: str = ""
    """The solver's words for how it ended (and, revised, which year failed)."""
    fulfilment_bound: float | None = None
    """Where the solver stopped short and its last point was made a feasible plan: an
    upper bound on the worst year's fulfilment of any plan, from the solver's last prices
    (see :mod:`gosplan.core.multiyear_repair`); ``None`` otherwise."""
    revisions: tuple[MultiYearPlan, ...] = field(default=(), repr=False)
    """With ``revised``: the plan made at the start of each year for the years left."""

    def __post_init__(self) -> None:
        freeze_fields(self, PLAN_ARRAYS)

    @property
    def optimal(self) -> bool:
        """Whether the status is ``OPTIMAL``."""
        return self.status is PlanStatus.OPTIMAL

    def raise_for_status(self) -> MultiYearPlan:
        """Return ``self`` if optimal, else raise the matching error (carrying this plan).

        Raises
        ------
        InfeasiblePlanError, UnboundedPlanError, SolverTimeLimitError, SolverError
        """
        raise_plan_status(
            self,
            f"{self.years}-year plan ({self.objective}, {self.method})",
            infeasible=f" ({self.message}); lower the minimum fulfilment or raise capacities "
            "or labour",
            unbounded="fulfilment is unbounded: no capacity or labour limit caps the targeted "
            "products",
            found=self._found(),
        )
        return self

    def _found(self) -> str:
        """The best plan found before a time limit, in words (empty if none)."""
        if self.fulfilment is None or not np.isfinite(self.fulfilment).all():
            # The simplex and interior point keep no plan when stopped; PDLP's last point
            # can be repaired into one (gosplan.core.multiyear_repair).
            return ("" if self.method == "pdlp" or self.revised else
                    "; method pdlp would return a feasible plan and a bound on the optimum")
        bound = ("" if self.fulfilment_bound is None
                 else f", the optimum at most {self.fulfilment_bound:.4g}")
        return f"; best plan found: worst-year fulfilment {self.fulfilment.min():.4g}{bound}"

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready built-ins; non-finite numbers (``inf``, NaN) become ``None``."""
        out: dict[str, Any] = {
            "status": self.status.value, "message": self.message, "objective": self.objective,
            "method": self.method, "revised": self.revised, "years": self.years,
            "lag": self.lag, "products": self.products.tolist(),
        }
        for name in PLAN_ARRAYS:
            out[name] = _json(getattr(self, name))
        out["objective_value"] = _json(self.objective_value)
        out["fulfilment_bound"] = _json(self.fulfilment_bound)
        out["iterations"], out["solve_time"] = self.iterations, self.solve_time
        out["revisions"] = [{"from_year": k, "status": r.status.value,
                             "fulfilment": _json(r.fulfilment)}
                            for k, r in enumerate(self.revisions)]
        return out

    def frame_rows(self, first_year: int = 1) -> list[dict[str, Any]]:
        """Tidy rows, one per year and product (for ``pandas.DataFrame(rows)``).

        Keys: ``year`` (``first_year + t``), ``product``, ``target``, ``output``,
        ``investment``, ``capacity`` (at the start of the year), ``delivered``,
        ``fulfilment`` (the year's), ``valuation``. Values are ``None`` where the plan
        has none (NaN in years a failed revision never reached); capacity is ``inf`` for
        unlimited branches.
        """
        T, n = self.targets.shape
        per_product = {"output": self.output, "investment": self.investment,
                       "capacity": None if self.capacity is None else self.capacity[:T],
                       "delivered": self.delivered, "valuation": self.valuations,
                       "fulfilment": None if self.fulfilment is None
                       else np.repeat(self.fulfilment[:, None], n, axis=1)}
        cols = {"year": np.repeat(np.arange(first_year, first_year + T), n).tolist(),
                "product": np.tile(self.products, T).tolist(),
                "target": self.targets.ravel().tolist()}
        cols.update({key: [None] * (T * n) if a is None else a.ravel().tolist()
                     for key, a in per_product.items()})
        return [dict(zip(cols, row, strict=True)) for row in zip(*cols.values(), strict=True)]


def _json(a: FloatArray | float | None) -> Any:
    if a is None:
        return None
    arr = np.asarray(a, dtype=np.float64)
    obj = arr.astype(object)
    obj[~np.isfinite(arr)] = None
    return obj.tolist()

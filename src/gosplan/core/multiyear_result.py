"""A T-year plan as the planner returns it: output, investment, capacity and fulfilment.

See :mod:`gosplan.core.multiyear` for the planner.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gosplan.core.plan_errors import raise_plan_status
from gosplan.core.plan_result import PlanStatus, freeze_fields
from gosplan.core.result import deprecated_alias

__all__ = ["PLAN_ARRAYS", "MultiYearPlan"]

FloatArray = NDArray[np.float64]
PLAN_ARRAYS = ("targets", "labour_available", "gross_output", "investment", "capacity",
               "final_demand",
               "fulfilment", "labour_required", "valuations", "capacity_valuations",
               "labour_valuations", "capital_stock", "capital_investment",
               "capital_valuations", "activity_levels")
#: Label arrays, frozen like the plan arrays.
_LABELS = ("units", "capital_goods", "capital_branches")


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
    lp_method: str
    """The LP algorithm that solved it (``simplex``, ``ipm``, ``pdlp``)."""
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
    gross_output: FloatArray | None
    """Gross output ``x_t``, shape ``(T, n)``."""
    investment: FloatArray | None
    """Capacity started in each branch in year ``t``, shape ``(T, n)`` (units of capacity);
    ``None`` where capital is held by good and branch (see ``capital_investment``)."""
    capacity: FloatArray | None
    """Capacity at the start of each year, and at the end: shape ``(T + 1, n)``; ``inf``
    for branches of unlimited capacity."""
    final_demand: FloatArray | None
    """Final demand delivered after construction (projects under way included), shape
    ``(T, n)``."""
    fulfilment: FloatArray | None
    """Fulfilment of each year, ``min_i final_demand_t,i / y_t,i`` over targeted ``i``; ``(T,)``."""
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
    first_year: int = 1
    """The calendar year of the first row (``1928`` for a plan of 1928 … 1932)."""
    units: NDArray[np.str_] | None = None
    """Unit of each product, shape ``(n,)`` (empty strings where the economy has none)."""
    labour_unit: str = ""
    """Unit of labour."""
    capital_goods: NDArray[np.str_] | None = None
    """Where capital is held by good and branch: the good of each stock, shape ``(P,)``."""
    capital_branches: NDArray[np.str_] | None = None
    """Where capital is held by good and branch: the branch holding each stock, ``(P,)``."""
    capital_stock: FloatArray | None = None
    """Each stock at the start of each year and at the end, ``(T + 1, P)``, in units of its
    good; ``None`` unless capital is held by good and branch."""
    capital_investment: FloatArray | None = None
    """Units of each stock's good invested in it in year ``t`` (in use from year ``t + L``),
    ``(T, P)``."""
    capital_valuations: FloatArray | None = None
    """Gain in the objective per extra unit of each stock at the start, ``(P,)``."""
    activities: NDArray[np.str_] | None = None
    """Where the technology is an activity economy: its activity ids, ``(m,)``; capacity
    (and the stocks' branches) are then by activity, and ``gross_output`` is the products made,
    ``make @ activity_levels``."""
    activity_levels: FloatArray | None = None
    """Where the technology is an activity economy: each activity's level, ``(T, m)``."""

    method = deprecated_alias("method", "lp_method")
    output = deprecated_alias("output", "gross_output")
    delivered = deprecated_alias("delivered", "final_demand")

    def __post_init__(self) -> None:
        freeze_fields(self, PLAN_ARRAYS + _LABELS)

    @property
    def calendar_years(self) -> list[int]:
        """The plan's years: ``first_year … first_year + T - 1``."""
        return list(range(self.first_year, self.first_year + self.years))

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
            f"{self.years}-year plan ({self.objective}, {self.lp_method})",
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
            return ("" if self.lp_method == "pdlp" or self.revised else
                    "; method pdlp would return a feasible plan and a bound on the optimum")
        bound = ("" if self.fulfilment_bound is None
                 else f", the optimum at most {self.fulfilment_bound:.4g}")
        return f"; best plan found: worst-year fulfilment {self.fulfilment.min():.4g}{bound}"

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready built-ins; non-finite numbers (``inf``, NaN) become ``None``."""
        out: dict[str, Any] = {
            "status": self.status.value, "message": self.message, "objective": self.objective,
            "lp_method": self.lp_method, "revised": self.revised, "years": self.years,
            "first_year": self.first_year, "calendar_years": self.calendar_years,
            "lag": self.lag, "products": self.products.tolist(),
        }
        if self.capital_goods is not None and self.capital_branches is not None:
            out["capital_goods"] = self.capital_goods.tolist()
            out["capital_branches"] = self.capital_branches.tolist()
        if self.activities is not None:
            out["activities"] = self.activities.tolist()
        for name in PLAN_ARRAYS:
            out[name] = _json(getattr(self, name))
        out["objective_value"] = _json(self.objective_value)
        out["fulfilment_bound"] = _json(self.fulfilment_bound)
        out["iterations"], out["solve_time"] = self.iterations, self.solve_time
        out["revisions"] = [{"from_year": self.first_year + k, "status": r.status.value,
                             "fulfilment": _json(r.fulfilment)}
                            for k, r in enumerate(self.revisions)]
        return out

    def frame_rows(self, first_year: int | None = None) -> list[dict[str, Any]]:
        """Wide rows, one per year and product (for ``pandas.DataFrame(rows)``).

        Keys: ``year`` (the calendar year: ``first_year + t``, by default the plan's own
        :attr:`first_year`), ``product``, ``target``, ``output``,
        ``investment``, ``capacity`` (at the start of the year), ``final_demand``,
        ``fulfilment`` (the year's), ``valuation``. Values are ``None`` where the plan
        has none (NaN in years a failed revision never reached); capacity is ``inf`` for
        unlimited branches.
        """
        T, n = self.targets.shape
        first_year = self.first_year if first_year is None else first_year
        per_product = {"gross_output": self.gross_output, "investment": self.investment,
                       "capacity": None if self.capacity is None or self.activities is not None
                       else self.capacity[:T],
                       "final_demand": self.final_demand, "valuation": self.valuations,
                       "fulfilment": None if self.fulfilment is None
                       else np.repeat(self.fulfilment[:, None], n, axis=1)}
        cols = {"year": np.repeat(np.arange(first_year, first_year + T), n).tolist(),
                "product": np.tile(self.products, T).tolist(),
                "target": self.targets.ravel().tolist()}
        cols.update({key: [None] * (T * n) if a is None else a.ravel().tolist()
                     for key, a in per_product.items()})
        return [dict(zip(cols, row, strict=True)) for row in zip(*cols.values(), strict=True)]

    def to_frame(self) -> Any:
        """The plan as a tidy ``pandas.DataFrame``: one row per year, product and quantity.

        Columns ``year`` (calendar), ``product`` (``None`` for quantities of the whole
        year: fulfilment and labour), ``quantity`` (the plan's field: ``targets``,
        ``output``, ``delivered``, ``investment``, ``capacity``, ``valuations``,
        ``fulfilment``, ``labour_available``, ``labour_required``, ``labour_valuations``;
        by good and branch also ``capital_stock`` and ``capital_investment``, with the good
        in a column ``good``; for an activity economy ``activity_levels`` and
        ``capacity`` by activity, in a column ``activity``), ``value`` and ``unit``.
        Quantities the plan does not have are left out.
        """
        from gosplan.scenarios.multiyear_frames import tidy_frame

        return tidy_frame(self)

    def to_xarray(self) -> Any:
        """The plan as an ``xarray.Dataset`` over ``year × product`` (needs xarray).

        Variables by year and product: ``targets``, ``output``, ``delivered``,
        ``investment``, ``capacity`` (at the start of the year), ``valuations``; by year:
        ``fulfilment``, ``labour_available``, ``labour_required``, ``labour_valuations``;
        for an activity economy ``activity_levels`` and ``activity_capacity`` by year and
        activity. Each variable's ``attrs["units"]`` holds its unit (a list by product
        where the products' units differ).

        Raises
        ------
        MissingDependencyError
            If xarray is not installed.
        """
        from gosplan.scenarios.multiyear_frames import dataset

        return dataset(self)

    def __repr__(self) -> str:
        worst = ("" if self.fulfilment is None or not np.isfinite(self.fulfilment).any()
                 else f", worst-year fulfilment {np.nanmin(self.fulfilment):.4g}")
        last = self.first_year + self.years - 1
        return (f"MultiYearPlan({self.status.value}, {self.first_year}–{last}, "
                f"{self.products.shape[0]} products, objective {self.objective!r}, "
                f"lag {self.lag}{worst})")

    def _repr_html_(self) -> str:
        head = html.escape(repr(self))
        if self.fulfilment is None:
            return f"<p>{head}</p>"
        cells = "".join(f"<tr><td>{y}</td><td>{_pct(f)}</td></tr>"
                        for y, f in zip(self.calendar_years, self.fulfilment.tolist(),
                                        strict=True))
        return (f"<p>{head}</p><table><thead><tr><th>year</th><th>fulfilment</th></tr>"
                f"</thead><tbody>{cells}</tbody></table>")


def _pct(value: float) -> str:
    return "–" if not np.isfinite(value) else f"{value:.1%}"


def _json(a: FloatArray | float | None) -> Any:
    if a is None:
        return None
    arr = np.asarray(a, dtype=np.float64)
    obj = arr.astype(object)
    obj[~np.isfinite(arr)] = None
    return obj.tolist()

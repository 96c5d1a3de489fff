"""Multi-year plans as tables: tidy ``pandas`` rows with units, and ``xarray`` datasets.

The core holds no pandas (pyproject's contracts); the plan's ``to_frame`` and ``to_xarray``
import this module when a table is asked for, and only then pandas or xarray.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from gosplan.errors import MissingDependencyError

if TYPE_CHECKING:
    from gosplan.core.multiyear_result import MultiYearPlan

__all__ = ["dataset", "tidy_frame"]

FloatArray = NDArray[np.float64]


def _units(plan: MultiYearPlan) -> NDArray[np.str_]:
    n = plan.products.shape[0]
    return np.full(n, "", dtype=object) if plan.units is None else np.asarray(plan.units, object)


def _per(unit: str) -> str:
    return f"fulfilment per {unit}" if unit else "fulfilment per unit"


def _by_product(plan: MultiYearPlan) -> dict[str, FloatArray | None]:
    """The ``(T, n)`` arrays of the plan, by the name of their quantity."""
    T = plan.years
    # Quantities are named by the plan's own fields, as every result's tidy frame is.
    return {"targets": plan.targets, "gross_output": plan.gross_output,
            "final_demand": plan.final_demand,
            "investment": plan.investment,
            # An activity economy's capacity is by activity (see _by_activity).
            "capacity": None if plan.capacity is None or plan.activities is not None
            else plan.capacity[:T],
            "valuations": plan.valuations}


def _by_activity(plan: MultiYearPlan) -> dict[str, FloatArray | None]:
    """The ``(T, m)`` arrays of an activity economy's plan (none for other plans)."""
    if plan.activities is None:
        return {}
    T = plan.years
    return {"activity_levels": plan.activity_levels,
            "capacity": None if plan.capacity is None else plan.capacity[:T]}


def _by_year(plan: MultiYearPlan) -> dict[str, FloatArray | None]:
    return {"fulfilment": plan.fulfilment, "labour_available": plan.labour_available,
            "labour_required": plan.labour_required, "labour_valuations": plan.labour_valuations}


def _year_unit(plan: MultiYearPlan, name: str) -> str:
    if name == "fulfilment":
        return "share of the targets"
    return _per(plan.labour_unit) if name == "labour_valuations" else plan.labour_unit


def tidy_frame(plan: MultiYearPlan) -> Any:
    """See :meth:`gosplan.core.multiyear_result.MultiYearPlan.to_frame`."""
    import pandas as pd

    T, n = plan.targets.shape
    years = np.asarray(plan.calendar_years)
    units = _units(plan)
    parts = []
    for name, a in _by_product(plan).items():
        if a is None:
            continue
        unit = np.array([_per(u) for u in units], dtype=object) if name == "valuations" else units
        parts.append(pd.DataFrame({"year": np.repeat(years, n),
                                   "product": np.tile(plan.products.astype(object), T),
                                   "quantity": name, "value": np.asarray(a).ravel(),
                                   "unit": np.tile(unit, T)}))
    for name, v in _by_year(plan).items():
        if v is not None:
            parts.append(pd.DataFrame({"year": years, "product": None, "quantity": name,
                                       "value": np.asarray(v, dtype=np.float64),
                                       "unit": _year_unit(plan, name)}))
    for name, a in _by_activity(plan).items():
        if a is not None and plan.activities is not None:
            m = plan.activities.shape[0]
            parts.append(pd.DataFrame({"year": np.repeat(years, m), "product": None,
                                       "activity": np.tile(plan.activities.astype(object), T),
                                       "quantity": name, "value": np.asarray(a).ravel(),
                                       "unit": "level"}))
    goods, branches = plan.capital_goods, plan.capital_branches
    owner = "product" if plan.activities is None else "activity"
    if goods is not None and branches is not None:
        index = {p: k for k, p in enumerate(plan.products.tolist())}
        good_units = units[[index[g] for g in goods.tolist()]]
        P = goods.shape[0]
        for name, a in (("capital_stock", plan.capital_stock),
                        ("capital_investment", plan.capital_investment)):
            if a is not None:
                parts.append(pd.DataFrame({
                    "year": np.repeat(years, P), owner: np.tile(branches.astype(object), T),
                    "good": np.tile(goods.astype(object), T), "quantity": name,
                    "value": np.asarray(a)[:T].ravel(), "unit": np.tile(good_units, T)}))
    frame = pd.concat(parts, ignore_index=True)
    extra = [c for c in ("activity", "good") if c in frame]
    columns = ["year", "product", *extra, "quantity", "value", "unit"]
    return frame[columns]


def dataset(plan: MultiYearPlan) -> Any:
    """See :meth:`gosplan.core.multiyear_result.MultiYearPlan.to_xarray`."""
    try:
        import xarray as xr
    except ImportError:
        raise MissingDependencyError("to_xarray needs xarray, which is not installed; install "
                                     "it with pip install gosplan[xarray] (to_frame() needs "
                                     "only pandas)") from None
    units = _units(plan)
    single = units[0] if units.size and (units == units[0]).all() else None
    data: dict[str, Any] = {}
    for name, a in _by_product(plan).items():
        if a is not None:
            unit = units.tolist() if single is None else single
            if name == "valuations":
                unit = [_per(u) for u in units] if single is None else _per(str(single))
            data[name] = (("year", "product"), np.asarray(a), {"units": unit})
    for name, v in _by_year(plan).items():
        if v is not None:
            data[name] = (("year",), np.asarray(v), {"units": _year_unit(plan, name)})
    coords: dict[str, Any] = {"year": plan.calendar_years, "product": plan.products.tolist()}
    for name, a in _by_activity(plan).items():
        if a is not None and plan.activities is not None:
            # An activity economy's capacity is by activity, beside the products' variables.
            key = "activity_capacity" if name == "capacity" else name
            data[key] = (("year", "activity"), np.asarray(a), {"units": "level"})
            coords["activity"] = plan.activities.tolist()
    return xr.Dataset(
        data, coords=coords,
        attrs={"status": plan.status.value, "objective": plan.objective, "lag": plan.lag,
               "first_year": plan.first_year})

"""Procurement and distribution: the grain balance, and the trade it pays for.

Equations (docs/model.md §4). The village is paid on the residual principle: the state
takes its deliveries first, then seed is set aside; individual peasants then keep a minimum
of food before their animals are fed, while a kolkhoz sets its fodder fund aside before its
members are paid (the 1930 Model Statute's order); the rest is eaten.

* deliveries ``P_r = min(P*_r, τ_r H_r)`` with the state's reach ``τ = τ₀ + τ₁ c``
  (kolkhozes made the crop visible); with the seed rule on, ``P_r <= H_r - seed``;
* seed ``σ S'``, food floor ``r_min · (1 - c) · rural`` (individual peasants feed their families
  before their animals; a kolkhoz sets its fodder fund aside before members are paid, as the
  1930 Model Statute and 1935 Charter order the claims), fodder ``min(F_need, rest)``, food =
  the rest: ``H = P + Seed + Fodder + Food`` exactly;
* the state's grain: ``P + reserve = exports + urban supply + relief + other + reserve'``;
  exports are planned, but never cut into the towns' minimum ration; the state keeps a
  reserve up to its target and the rest goes to the army, industry and deficit regions;
* the towns get their norm, raised by ``u_x`` when bread is sold freely instead of rationed;
* relief: a share ``ρ`` (a policy) of the state's stock, plus the food and seed loans ``L``
  decreed by name (a policy, mt), goes back to villages whose grain falls short of the famine
  threshold: ``min(ρ S + L, S, shortfall)``;
* trade: export revenue at the world price of the year buys next year's machinery imports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.spec import REGIONS, SPECIES, SimSpec

__all__ = [
    "GrainYear",
    "distribute",
    "fodder_sufficiency",
    "grain_fodder_share",
    "relief_total",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class GrainYear:
    """The grain balance of one harvest, mt (regional arrays shape (3,))."""

    harvest: FloatArray
    procurement: FloatArray
    seed: FloatArray
    fodder: FloatArray
    fodder_need: FloatArray
    food: FloatArray
    """Grain left to the village to eat, relief included."""
    relief: FloatArray
    """Grain the state returned to hungry villages."""
    exports: float
    urban_supply: float
    state_other: float
    reserve: float
    """State reserve after the year."""
    export_revenue: float
    """Export earnings, mn gold rubles."""
    machinery_imports: float
    """Machinery the revenue buys for next year, in the machinery unit."""


def grain_fodder_share(spec: SimSpec, year: int, kolkhoz_share: FloatArray) -> FloatArray:
    """Share of the grain-fodder norm a region's herds need from grain, by region.

    The sedentary regions' norms (``fodder_*``) are already net of hay and pasture. Kazakh
    nomads' herds lived on steppe pasture the year round: a share ``π`` of the norm. Herds
    socialized by force were driven to collection points without pasture or hay, so until
    the decree of 17 September 1932 let families keep their animals again (lever
    ``kazakh_decree``) pasture feeds only the share ``π (1 - c_K)`` still in private hands.
    """
    k = REGIONS.index("kazakhstan")
    forced = 1.0 - spec.policy.at("kazakh_decree", year)
    pasture = spec.params["pasture_kazakhstan"] * (1.0 - kolkhoz_share[k] * forced)
    share = np.ones(len(REGIONS))
    share[k] = 1.0 - pasture
    return share


def fodder_sufficiency(
    grain_share: FloatArray, fodder: FloatArray, grain_need: FloatArray
) -> FloatArray:
    """How well each region's herds are fed, by region.

    Pasture and hay feed the share of the norm that grain need not; grain fodder over its
    need feeds the rest (fully where none is needed).
    """
    fed = np.where(grain_need > 0, fodder / np.where(grain_need > 0, grain_need, 1.0), 1.0)
    return (1.0 - grain_share) + grain_share * fed


def relief_total(spec: SimSpec, year: int, remaining: float, shortfall: float) -> float:
    """Grain the state returns to hungry villages in the year, mt.

    ``min(ρ · S + L, S, G)``: the share ``ρ`` (``famine_relief``) of the stock ``S`` still
    held after exports and the towns, plus the food and seed loans ``L`` decreed by name
    (``relief_loans``: the Politburo's decisions of February-July 1933, M14), bounded by
    the stock and by the villages' shortfall ``G`` below the famine threshold.
    """
    pol = spec.policy
    wanted = pol.at("famine_relief", year) * remaining + pol.at("relief_loans", year)
    return max(0.0, min(wanted, remaining, shortfall))


def distribute(
    spec: SimSpec,
    year: int,
    harvest: FloatArray,
    quota: FloatArray,
    kolkhoz_share: FloatArray,
    next_area: FloatArray,
    rural: FloatArray,
    urban: float,
    herds: FloatArray,
    reserve: float,
    export_plan: float,
) -> GrainYear:
    """Divide ``harvest`` between the state, seed, food and fodder; then the state's grain."""
    p, pol = spec.params, spec.policy
    reach = np.minimum(0.95, p["extraction_base"] + p["extraction_kolkhoz"] * kolkhoz_share)
    seed_need = p["seed_rate"] * next_area
    ceiling = reach * harvest
    if pol.at("seed_before_deliveries", year) > 0.5:
        ceiling = np.minimum(ceiling, np.maximum(0.0, harvest - seed_need))
    procurement = np.minimum(quota, ceiling)
    left = harvest - procurement
    seed = np.minimum(seed_need, left)
    left = left - seed
    # The individual peasant feeds his family before his animals; the kolkhoz sets its fodder
    # fund aside before members are paid (Model Statute of 1930, Charter of 1935: M5).
    food_floor = p["rural_food_floor"] * rural * (1 - kolkhoz_share)
    fodder_norm = np.array([p[f"fodder_{s}"] for s in SPECIES]) @ herds
    fodder_need = fodder_norm * grain_fodder_share(spec, year, kolkhoz_share)
    fodder = np.minimum(fodder_need, np.maximum(0.0, left - food_floor))
    food = left - fodder

    stock = float(procurement.sum()) + reserve
    urban_min = p["urban_ration_min"] * urban
    exports = min(export_plan, max(0.0, stock - urban_min))
    norm = p["urban_ration_norm"] * (1 + p["unrationed_extra"] * (1 - pol.at("rationing", year)))
    urban_supply = min(norm * urban, stock - exports)
    remaining = stock - exports - urban_supply
    # Relief: a share of what the state still holds, plus the loans decreed by name, goes
    # back to hungry villages in proportion to how far their grain falls short of the famine
    # threshold; never more than the state holds or the villages lack.
    shortfall = np.maximum(0.0, p["famine_threshold"] * rural - food)
    relief = np.zeros_like(food)
    if shortfall.sum() > 0:
        total = relief_total(spec, year, remaining, float(shortfall.sum()))
        relief = total * shortfall / shortfall.sum()
        remaining -= float(relief.sum())
    # The state keeps a reserve; the rest feeds the army, industry and the grain-deficit
    # regions, which the model does not follow further.
    new_reserve = min(remaining, p["state_reserve_target"])
    other = remaining - new_reserve

    revenue = (
        exports * pol.at("world_grain_price", year) + pol.at("other_exports", year)
    ) + pol.at("foreign_credit", year)
    imports = p["machinery_import_share"] * revenue / pol.at("import_price_index", year)
    return GrainYear(
        harvest=harvest,
        procurement=procurement,
        seed=seed,
        fodder=fodder,
        fodder_need=fodder_need,
        food=food + relief,
        relief=relief,
        exports=exports,
        urban_supply=urban_supply,
        state_other=other,
        reserve=new_reserve,
        export_revenue=revenue - pol.at("foreign_credit", year),
        machinery_imports=imports,
    )

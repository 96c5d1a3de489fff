"""Towns and villages: births, deaths, famine, flight, migration and deportation.

Equations (docs/model.md §5). Famine mortality follows what the literature found to matter:
grain *retained* per rural head after procurement, not grain produced (Markevich, Naumenko
& Qian 2024). With ``x = (1 - r / r*)⁺`` the food gap of region r:

* excess deaths ``D = d_max · x^θ · (1 + b · ban_r) · rural`` (the ban on peasant flight of
  January 1933 traps the hungry where there is no food). The directive of 22 January 1933
  named Ukraine and the North Caucasus (the Lower Volga followed): ``ban_r`` is the lever in
  Ukraine, nil in Kazakhstan, and the lever times the share ``a_b`` of the rest's villagers
  under it;
* flight to the towns ``F = μ · x · (1 - ban) · rural``;
* births ``B = (1 + k_a a) · b_r · (1 - β x) · rural`` and ``(1 + k_a a) · b_u · urban``: they
  fall with hunger and recover with food; ``a`` is the ban on abortion (decree of 27 June
  1936, in force for half of 1936); ordinary deaths ``m_r``, ``m_u``;
* migration to jobs ``M = h · ΔN⁺ + m₀ · rural`` (soft budgets hired without limit; the
  push of the campaign adds ``p · e · rural``), spread over regions by rural population;
* deportation moves persons from the village to the special settlements, where a share
  ``m_s`` die each year and a share ``e_s`` of the settlers and the newly deported escape
  (:func:`escape`: to the towns and the building sites, where the fugitives hid).

Villagers carry grain stocks ``Z`` (t a head) from good years to bad: when the food a
harvest leaves ``f`` falls short of ``r*`` they eat from them, ``f + min(Z, (r* - f)⁺)``, and
they put by a share ``s`` of any surplus above ``r*``, up to ``Z_max``. A first bad harvest
is thus softened and a second one is not: the hungry spring of 1932 against that of 1933.

People are conserved: ``P' = P + B - D_ordinary - D_excess`` summed over towns, villages and
settlements.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.spec import SimSpec
from gosplan.sim.state import State

__all__ = [
    "PopulationYear",
    "birth_boost",
    "escape",
    "flight_ban",
    "flight_rates",
    "live",
    "use_stocks",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class PopulationYear:
    """Population flows of one year, mn persons (regional arrays shape (3,))."""

    rural: FloatArray
    """Rural population at the end of the year."""
    urban: FloatArray
    """Urban population at the end of the year."""
    special_settlers: float
    births: FloatArray
    deaths: FloatArray
    """Ordinary deaths, towns and villages together."""
    excess_deaths: FloatArray
    """Famine deaths, towns and villages together."""
    settler_deaths: float
    migration: FloatArray
    flight: FloatArray
    deported: FloatArray
    settler_escapes: float = 0.0
    """Settlers who fled the special settlements in the year (:func:`escape`)."""


def live(
    spec: SimSpec,
    state: State,
    deported: FloatArray,
    entries: FloatArray,
    new_jobs: float,
    urban_food: float,
) -> PopulationYear:
    """Population of ``state.year``: who is born, dies, flees, moves or is deported."""
    p, year = spec.params, state.year
    ban = flight_ban(spec, year)
    R, U = state.rural, state.urban
    gap = np.maximum(0.0, 1.0 - state.food_per_head / p["famine_threshold"])
    excess_rural = (
        p["famine_max_rate"]
        * gap ** p["famine_exponent"]
        * (1 + p["flight_ban_mortality"] * ban)
        * R
    )
    urban_gap = max(0.0, 1.0 - urban_food / p["urban_famine_threshold"])
    excess_urban = p["famine_max_rate"] * urban_gap ** p["famine_exponent"] * U
    flight = flight_rates(p, ban) * gap * R
    pull = p["migration_per_job"] * max(0.0, new_jobs) + p["migration_base"] * R.sum()
    pull += p["migration_campaign_push"] * float(entries @ R)
    migration = np.minimum(pull * R / R.sum(), p["migration_cap"] * R)
    # Deaths and departures are shares of the year's starting population; the village
    # cannot lose more people than it has, so outflows are cut in proportion if needed.
    out = excess_rural + p["death_rate_rural"] * R + flight + migration + deported
    scale = np.where(out > R, R / np.where(out > 0, out, 1.0), 1.0)
    excess_rural, flight, migration, deported = (
        a * scale for a in (excess_rural, flight, migration, deported)
    )
    rural_deaths = p["death_rate_rural"] * R * scale
    deaths = rural_deaths + p["death_rate_urban"] * U
    boost = birth_boost(spec, year)
    rural_births = boost * p["birth_rate_rural"] * (1 - p["famine_birth_drop"] * gap) * R
    urban_births = boost * p["birth_rate_urban"] * U
    births = rural_births + urban_births
    rural = R + rural_births - rural_deaths - excess_rural - flight - migration - deported
    urban = U + urban_births - p["death_rate_urban"] * U - excess_urban
    urban = urban + flight + migration
    settler_deaths = p["settler_mortality"] * state.special_settlers
    return PopulationYear(
        rural=rural,
        urban=urban,
        special_settlers=state.special_settlers + float(deported.sum()) - settler_deaths,
        births=births,
        deaths=deaths,
        excess_deaths=excess_rural + excess_urban,
        settler_deaths=settler_deaths,
        migration=migration,
        flight=flight,
        deported=deported,
    )


def escape(spec: SimSpec, state: State, pop: PopulationYear) -> PopulationYear:
    """``pop`` once a share of the settlers and of the year's deported have fled to the towns.

    Whichever farm layer made ``pop``, the fugitives leave the settlements and join the
    towns (spread as the townspeople are), so people stay conserved.
    """
    rate = spec.params["settler_escape_rate"]
    fled = rate * (state.special_settlers + float(pop.deported.sum()))
    return replace(
        pop,
        urban=pop.urban + fled * state.urban / state.urban.sum(),
        special_settlers=pop.special_settlers - fled,
        settler_escapes=fled,
    )


def use_stocks(
    spec: SimSpec, food: FloatArray, stocks: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Food per head for the coming year once stocks are drawn or refilled, and the stocks left.

    ``food`` is what the harvest leaves a head (t); ``stocks`` the villagers' grain carried
    over, t a head. Grain is conserved: ``eaten + stocks' = food + stocks``.
    """
    p = spec.params
    norm = p["famine_threshold"]
    draw = np.minimum(stocks, np.maximum(0.0, norm - food))
    room = np.maximum(0.0, p["village_stock_max"] - stocks)
    put_by = np.minimum(room, p["village_stock_saving"] * np.maximum(0.0, food - norm))
    return food + draw - put_by, stocks - draw + put_by


def flight_rates(p: Mapping[str, float], ban: FloatArray) -> FloatArray:
    """Share of each region's villagers fleeing per unit of food gap, where they may.

    The settled peasants' rate everywhere but in Kazakhstan, whose herders, with their
    animals gone, left in far greater numbers, abroad and to the neighbouring republics
    (MODEL-NOTES M12: migration, not death).
    """
    rate = np.array([p["famine_flight"], p["famine_flight_kazakhstan"], p["famine_flight"]])
    return np.asarray(rate * (1 - ban), dtype=np.float64)


def flight_ban(spec: SimSpec, year: int) -> FloatArray:
    """Where the ban on peasant flight applies in ``year``, by region (0 to 1)."""
    reach = np.array([1.0, 0.0, spec.params["flight_ban_reach_rest"]])
    return np.asarray(spec.policy.at("flight_ban", year) * reach, dtype=np.float64)


def birth_boost(spec: SimSpec, year: int) -> float:
    """Births over their usual rate from the ban on abortion (1 where there is none)."""
    return 1.0 + spec.params["abortion_ban_births"] * spec.policy.at("abortion_ban", year)

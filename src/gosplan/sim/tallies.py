"""The record's other tallies of what the model simulates (docs/model.md §2 and §6).

Statisticians counted some simulated quantities in another way than the model keeps them:
the towns' gross registered arrivals and departures rather than their net gain, energy in
coal equivalent rather than tons of coal and oil, cows rather than all cattle. Each tally
here turns simulated quantities into the record's own count with one coefficient taken from
the starting year (1928) or from a definition, never fitted to 1929-1932, so the record of
those years judges it:

* departures from towns ``D = d · U`` (``U`` the urban population at the start of the year,
  ``d`` 1928's departures over 1928's towns) and arrivals ``A = M + D`` (``M`` the simulated
  net migration to towns, flight included);
* primary energy ``E = k_c · coal + k_o · oil`` in mt of coal equivalent: ``k_o = 10/7`` by
  the definition of a ton of coal equivalent (7,000 kcal/kg) and crude oil's 10,000 kcal/kg,
  ``k_c`` what makes 1928's total (coal, peat, wood and hydro power together) from 1928's
  coal and oil;
* cows on 1 January ``C = w · N_cattle`` with the cows' share ``w`` of the pre-war herd;
* the population of cities over 100,000 ``B = s₀ U₀ + m (U - U₀)``: their share ``s₀`` of
  the towns of 1928 (``U₀``), plus a share ``m`` of the towns' growth since (calibrated:
  the migrants went above all to the big industrial cities and the new works, and towns
  crossing the 100,000 line add theirs).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["big_cities", "cows_january", "primary_energy", "town_flows"]


def town_flows(params: Mapping[str, float], urban: float, net: float) -> tuple[float, float]:
    """Gross arrivals in and departures from the towns in a year, mn: ``(A, D)``.

    ``urban`` is the town population at the start of the year and ``net`` the year's net
    migration to towns (jobs, the campaign's push and flight), both mn.
    """
    departures = params["urban_departure_rate"] * urban
    return net + departures, departures


def primary_energy(params: Mapping[str, float], coal: float, oil: float) -> float:
    """Primary energy in mt of coal equivalent from coal and crude oil output (mt)."""
    return params["coal_equivalent_coal"] * coal + params["coal_equivalent_oil"] * oil


def cows_january(params: Mapping[str, float], cattle_january: float) -> float:
    """Cows on 1 January, mn head, from all cattle counted that day."""
    return params["cow_share_of_cattle"] * cattle_january


def big_cities(params: Mapping[str, float], urban: float) -> float:
    """Population of cities over 100,000, mn, from the towns' population ``urban`` (mn)."""
    base = params["urban_population_1928"]
    return params["big_city_share_1928"] * base + params["big_city_growth_share"] * (
        urban - base
    )

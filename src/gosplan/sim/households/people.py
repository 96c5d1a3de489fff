"""The people's year in each household: births, deaths, famine, flight and migration.

The aggregate model's population equations (``population.py``, docs/model.md §6) with the
*household's* food retained per member in place of the region's: with
``x_i = (1 - r_i / r*)⁺`` the household's food gap,

* famine deaths at the rate ``d_max x_i^θ (1 + b · ban)``, flight ``μ x_i (1 - ban)``;
* ordinary deaths ``m_r`` and migration to jobs at the region's rate (the pull of hiring is
  an aggregate quantity: it comes from industry);
* births ``b_r (1 - β x_i)``.

Outflows share one uniform per household (``steps.split_counts``) and never exceed its
members; births join the household. Counts are whole persons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.households.farming import chunks
from gosplan.sim.households.population import Households
from gosplan.sim.households.steps import split_counts
from gosplan.sim.spec import Params

__all__ = ["PeopleFlows", "expected_famine_deaths", "people_year"]

F32 = NDArray[np.float32]
F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


@dataclass(slots=True, eq=False)
class PeopleFlows:
    """Persons by region in one year (sample units), each shape (3,)."""

    births: I64
    deaths: I64
    excess: I64
    flight: I64
    migration: I64


def _rates(food: F32, p: Params, ban: float) -> tuple[F32, F32, F32]:
    gap = np.maximum(np.float32(0.0), 1 - food / np.float32(p["famine_threshold"]))
    famine = np.float32(
        p["famine_max_rate"] * (1 + p["flight_ban_mortality"] * ban)
    ) * gap ** np.float32(p["famine_exponent"])
    flight = np.float32(p["famine_flight"] * (1 - ban)) * gap
    return gap, famine, flight


def people_year(
    hh: Households, p: Params, ban: float, migration: F64, rng: np.random.Generator
) -> PeopleFlows:
    """Draw the year's births, deaths, flight and migration; update members in place.

    ``migration[r]`` is the share of region r's villagers who leave for jobs.
    """
    totals = np.zeros((5, len(hh.region_start)), dtype=np.int64)
    birth_rate = np.float32(p["birth_rate_rural"])
    drop = np.float32(p["famine_birth_drop"])
    death_rate = np.float32(p["death_rate_rural"])
    for r, lo, hi in chunks(hh):
        gap, famine, flight = _rates(hh.food[lo:hi], p, ban)
        members = hh.members[lo:hi]
        n = members.astype(np.float32)
        u = rng.random(hi - lo, dtype=np.float32)
        births = np.floor(n * (birth_rate * (1 - drop * gap)) + u).astype(np.int32)
        u = rng.random(hi - lo, dtype=np.float32)
        parts: list[F32 | None] = [
            n * famine if famine.any() else None,
            n * death_rate,
            n * flight if flight.any() else None,
            n * np.float32(migration[r]) if migration[r] > 0 else None,
        ]
        flows = split_counts(parts, members, u)
        out = sum(x for x in flows if x is not None)
        after = members.astype(np.int32) + births - out
        if after.max(initial=0) > np.iinfo(np.int16).max:
            raise OverflowError("household members overflow int16")
        members[...] = after
        totals[0, r] += int(births.sum(dtype=np.int64))
        for k, x in zip((2, 1, 3, 4), flows, strict=True):
            if x is not None:
                totals[k, r] += int(x.sum(dtype=np.int64))
    return PeopleFlows(*totals)


def expected_famine_deaths(hh: Households, p: Params, ban: float, migration: F64) -> F64:
    """Famine deaths by region the households' food commits them to (expected, sample units)."""
    counts = np.diff(np.append(hh.region_start, hh.n))
    _, famine, flight = _rates(hh.food, p, ban)
    total = famine + flight + np.float32(p["death_rate_rural"])
    total += np.repeat(migration.astype(np.float32), counts)
    scale = np.where(total > 1, 1 / np.maximum(total, np.float32(1.0)), 1.0)
    expected = hh.members.astype(np.float64) * famine * scale
    return np.asarray(hh.by_region(expected), dtype=np.float64)

"""The people's year in each household: births, deaths, famine, flight and migration.

The aggregate model's population equations (``population.py``, docs/model.md §6) with the
household's food retained per member in place of the region's. The aggregate famine
function maps the *average* food retained per rural head of a region to mortality: it
was calibrated on regional averages, so the spread of food between the region's households
is already inside it. Applied unchanged to each household's own food it would count that
spread twice (the hungry die, the fed do not compensate, at the kink of the function). The
household's food enters the function shrunk towards its region's mean,
``r̃_i = r̄ + λ (r_i - r̄)`` with ``λ = FAMINE_SPREAD`` (calibrated on 1928-1932 to 0, see
``docs/households.md`` §3): the expected deaths of a region are then exactly the aggregate
function of its households' mean food; the households' own food decides that mean.
With ``x_i = (1 - r̃_i / r*)⁺``:

* famine deaths at the rate ``d_max x_i^θ (1 + b · ban)``, flight ``μ x_i (1 - ban)``;
* ordinary deaths ``m_r`` and migration to jobs at the region's rate (the pull of hiring is
  an aggregate quantity: it comes from industry);
* births ``b_r (1 - β x_i)``.

Outflows share one uniform per household (whole-number flows as in ``steps.py``) and never
exceed its members; births join the household. Counts are whole persons.

The same pass sets the food per member for the coming year: grain food (own, the
village's share, or the kolkhoz's share, plus relief) and animal food, of which a share
``VILLAGE_SHARING`` is pooled and shared per person within the village.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.households.chunks import Chunk, Runner
from gosplan.sim.households.kolkhozes import Villages
from gosplan.sim.households.population import Households
from gosplan.sim.spec import Params

__all__ = [
    "FAMINE_SPREAD",
    "STEP_PEOPLE",
    "VILLAGE_SHARING",
    "PeopleFlows",
    "expected_famine_deaths",
    "people_year",
]

#: Share of each household's food pooled and shared out per person within its village
#: (calibrated, see docs/households.md §3: the village's market, kin and hire spread
#: food between households; 0.8 keeps the NEP years without famine).
VILLAGE_SHARING = 0.8

#: ``λ``: share of a household's food deviation from its region's mean that reaches the
#: famine function (calibrated on 1928-1932, docs/households.md §3: least squares of the
#: households' expected famine deaths against the aggregate function at the layer's own
#: regional means, 1928-1932; the optimum is the bound 0, where they agree exactly).
FAMINE_SPREAD = 0.0

#: Sub-step key of the people's random streams.
STEP_PEOPLE = 40

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
    food: F64
    """Food per member for the coming year, person-weighted mean by region."""


def _gap(food: F32, mean: float, p: Params) -> F32:
    lam = np.float32(FAMINE_SPREAD)
    shrunk = np.float32(mean) + lam * (food - np.float32(mean))
    gap = np.maximum(np.float32(0.0), 1 - shrunk / np.float32(p["famine_threshold"]))
    return np.asarray(gap, dtype=np.float32)


def _famine(gap: F32, p: Params, ban: float) -> F32:
    rate = np.float32(p["famine_max_rate"] * (1 + p["flight_ban_mortality"] * ban))
    return rate * gap ** np.float32(p["famine_exponent"])


def people_year(
    hh: Households,
    villages: Villages,
    chunks: tuple[Chunk, ...],
    runner: Runner,
    year: int,
    p: Params,
    ban: float,
    migration: F64,
    food_mean: F64,
    grain_food: F32,
    animal_food: F32,
    plot: float,
) -> PeopleFlows:
    """Draw the year's births, deaths, flight and migration; update members in place.

    ``migration[r]`` is the share of region r's villagers who leave for jobs;
    ``food_mean[r]`` the person-weighted mean of the households' food per member. Then
    sets each household's food per member for the coming year from ``grain_food`` and
    ``animal_food`` (t per household, sample) and the plot's food per person ``plot``.
    """
    birth_rate = np.float32(p["birth_rate_rural"])
    drop = np.float32(p["famine_birth_drop"])
    death_rate = np.float32(p["death_rate_rural"])
    flight_rate = np.float32(p["famine_flight"] * (1 - ban))
    sharing = np.float32(VILLAGE_SHARING)
    threshold = np.float32(p["famine_threshold"])

    def kernel(c: Chunk) -> F64:
        s = slice(c.lo, c.hi)
        r = c.region
        g = runner.rng(year, STEP_PEOPLE, c.index)
        members = hh.members[s]
        gap = _gap(hh.food[s], float(food_mean[r]), p)
        n = members.astype(np.float32)
        u = g.random(c.hi - c.lo, dtype=np.float32)
        births = n * (birth_rate * (1 - drop * gap))
        births += u
        np.floor(births, out=births)
        g.random(dtype=np.float32, out=u)
        cap = n
        famine = _famine(gap, p, ban) if gap.any() else None
        rates: list[F32 | np.float32 | None] = [
            famine,
            death_rate,
            flight_rate * gap if famine is not None and flight_rate > 0 else None,
            np.float32(migration[r]) if migration[r] > 0 else None,
        ]
        total = sum((x for x in rates if x is not None), np.float32(0))
        x = n
        if np.any(total > 1):
            x = n * np.minimum(np.float32(1), 1 / np.maximum(total, np.float32(1e-30)))
        out = np.zeros(6)
        out[0] = births.sum(dtype=np.float64)
        cum = np.zeros_like(n)
        prev_sum = 0.0
        last = np.zeros_like(n)
        for k, rate in enumerate(rates):
            if rate is not None:
                cum += x * rate
                last = np.minimum(np.floor(cum + u), cap)
            now = float(last.sum(dtype=np.float64))
            out[k + 1] = now - prev_sum
            prev_sum = now
        after = n + births - last
        if after.max(initial=0) > np.iinfo(np.int16).max:
            raise OverflowError("household members overflow int16")
        members[...] = after
        # Food per member for the coming year, with the village's share.
        offs = np.asarray(villages.start[c.v0 : c.v1] - c.lo, dtype=np.int64)
        own = grain_food[s] + animal_food[s]
        own_v = np.add.reduceat(own, offs, dtype=np.float64)
        persons_v = np.add.reduceat(members, offs, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean_v = np.where(persons_v > 0, own_v / persons_v, 0.0).astype(np.float32)
            per_head = (1 - sharing) * own / after
        per_head += sharing * np.repeat(mean_v, villages.size[c.v0 : c.v1])
        per_head += np.float32(plot)
        food = np.where(members > 0, per_head, threshold)
        hh.food[s] = food
        out[5] = float(np.multiply(food, after).sum(dtype=np.float64))
        return out

    sums = np.zeros((6, len(hh.region_start)))
    for c, x in zip(chunks, runner.map(kernel, chunks), strict=True):
        sums[:, c.region] += x
    flows = np.rint(sums[:5]).astype(np.int64)
    persons = hh.by_region(hh.members.astype(np.int64))
    mean = sums[5] / np.maximum(persons, 1)
    return PeopleFlows(flows[0], flows[2], flows[1], flows[3], flows[4], mean)


def expected_famine_deaths(
    hh: Households, p: Params, ban: float, migration: F64, food_mean: F64
) -> F64:
    """Famine deaths by region the households' food commits them to (expected, sample units)."""
    out = np.zeros(len(hh.region_start))
    for r in range(len(out)):
        rows = hh.region_slice(r)
        gap = _gap(hh.food[rows], float(food_mean[r]), p)
        famine = _famine(gap, p, ban)
        total = famine + np.float32(p["famine_flight"] * (1 - ban)) * gap
        total += np.float32(p["death_rate_rural"] + migration[r])
        scale = np.where(total > 1, 1 / np.maximum(total, np.float32(1.0)), 1.0)
        out[r] = float(np.sum(hh.members[rows].astype(np.float64) * famine * scale))
    return out

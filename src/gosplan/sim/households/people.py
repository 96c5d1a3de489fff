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

* famine deaths at the rate ``d_max x_i^θ (1 + b · ban_r)``, flight ``μ x_i (1 - ban_r)``
  (``ban_r``: where the ban on flight applies, ``population.flight_ban``);
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

from gosplan.sim.households.chunks import (
    Chunk,
    Runner,
    int_sum,
    village_rows,
    village_sums,
    whole_sum,
    workspace,
)
from gosplan.sim.households.kolkhozes import Villages
from gosplan.sim.households.population import Households
from gosplan.sim.population import flight_rates
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


def _famine(gap: F32, p: Params, ban: float | np.float64) -> F32:
    rate = np.float32(p["famine_max_rate"] * (1 + p["flight_ban_mortality"] * ban))
    return rate * gap ** np.float32(p["famine_exponent"])


def people_year(
    hh: Households,
    villages: Villages,
    chunks: tuple[Chunk, ...],
    runner: Runner,
    year: int,
    p: Params,
    ban: F64,
    migration: F64,
    food_mean: F64,
    grain_food: F32,
    animal_food: F32,
    plot: float,
    birth_boost: float = 1.0,
) -> PeopleFlows:
    """Draw the year's births, deaths, flight and migration; update members in place.

    ``migration[r]`` is the share of region r's villagers who leave for jobs;
    ``food_mean[r]`` the person-weighted mean of the households' food per member. Then
    sets each household's food per member for the coming year from ``grain_food`` and
    ``animal_food`` (t per household, sample) and the plot's food per person ``plot``.
    ``birth_boost`` multiplies the birth rate (the ban on abortion, ``population.birth_boost``).
    """
    birth_rate = np.float32(p["birth_rate_rural"] * birth_boost)
    drop = np.float32(p["famine_birth_drop"])
    death_rate = np.float32(p["death_rate_rural"])
    flight_of = flight_rates(p, ban).astype(np.float32)
    sharing = np.float32(VILLAGE_SHARING)
    threshold = np.float32(p["famine_threshold"])

    lam = np.float32(FAMINE_SPREAD)
    one = np.float32(1)

    Rates = tuple[F32 | np.float32, list[F32 | np.float32 | None]]

    def rates_of(r: int, gap: F32 | np.float32) -> Rates:
        """Birth factor and outflow rates (famine, death, flight, migration; None: nil)."""
        bfac = birth_rate * (one - drop * gap)
        famine: F32 | np.float32 | None = None
        flight: F32 | np.float32 | None = None
        if bool(np.any(gap > 0)):
            if isinstance(gap, np.ndarray):
                famine = _famine(gap, p, ban[r])
            else:
                # Through the array path of ``power`` (the scalar one may round apart).
                famine = _famine(np.full(1, gap, dtype=np.float32), p, ban[r])[0]
            if flight_of[r] > 0:
                flight = flight_of[r] * gap
        rates: list[F32 | np.float32 | None] = [
            famine,
            death_rate,
            flight,
            np.float32(migration[r]) if migration[r] > 0 else None,
        ]
        return bfac, rates

    # The famine gap is a scalar when households' food is shrunk all the way to the
    # region's mean (``FAMINE_SPREAD = 0``): the region's rates, once.
    scalar: list[Rates] = []
    if lam == 0:
        for r in range(len(hh.region_start)):
            mean = np.float32(food_mean[r])
            scalar.append(rates_of(r, np.maximum(np.float32(0.0), one - mean / threshold)))

    def kernel(c: Chunk) -> F64:
        s = slice(c.lo, c.hi)
        size = c.hi - c.lo
        r = c.region
        g = runner.rng(year, STEP_PEOPLE, c.index)
        ws = workspace()
        members = hh.members[s]
        if lam == 0:
            bfac, rates = scalar[r]
        else:
            mean = np.float32(food_mean[r])
            gap = ws.get("p_gap", size, np.float32)
            np.subtract(hh.food[s], mean, out=gap)
            gap *= lam
            gap += mean
            gap /= threshold
            np.subtract(one, gap, out=gap)
            np.maximum(gap, np.float32(0.0), out=gap)
            bfac, rates = rates_of(r, gap)
        n = ws.get("p_n", size, np.float32)
        np.copyto(n, members)
        u = ws.get("p_u", size, np.float32)
        g.random(dtype=np.float32, out=u)
        births = ws.get("p_births", size, np.float32)
        np.multiply(n, bfac, out=births)
        births += u
        np.floor(births, out=births)
        g.random(dtype=np.float32, out=u)
        total = sum((x for x in rates if x is not None), np.float32(0))
        x = n
        if np.any(total > 1):
            x = ws.get("p_x", size, np.float32)
            np.multiply(n, np.minimum(one, 1 / np.maximum(total, np.float32(1e-30))), out=x)
        out = np.zeros(7)
        out[0] = whole_sum(births)
        last = ws.get("p_last", size, np.float32)
        tmp = ws.get("p_tmp", size, np.float32)
        prev_sum = 0.0
        now = 0.0
        started = False
        # The cumulative rate (a scalar but for a household famine gap): x · (r_0 + ... +
        # r_k) + u in one product instead of summing the flows' products.
        cum: F32 | np.float32 = np.float32(0)
        for k, rate in enumerate(rates):
            if rate is not None:
                cum = cum + rate
                started = True
                np.multiply(x, cum, out=last)
                last += u
                np.floor(last, out=last)
                np.minimum(last, n, out=last)
                now = whole_sum(last)
            out[k + 1] = now - prev_sum
            prev_sum = now
        after = births
        after += n  # n + births
        if started:
            after -= last
        if after.max(initial=0) > np.iinfo(np.int16).max:
            raise OverflowError("household members overflow int16")
        np.copyto(members, after, casting="unsafe")
        out[6] = whole_sum(after)
        # Food per member for the coming year, with the village's share.
        offs = np.asarray(villages.start[c.v0 : c.v1] - c.lo, dtype=np.int64)
        own = ws.get("p_own", size, np.float32)
        np.add(grain_food[s], animal_food[s], out=own)
        rows = village_rows(ws, 2, size)
        np.copyto(rows[0], own)
        np.copyto(rows[1], after)
        own_v, persons_v = village_sums(rows, offs)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean_v = np.where(persons_v > 0, own_v / persons_v, 0.0).astype(np.float32)
        # Whole members: min(n, 1) is 1 where anyone lives, max(n, 1) the members or 1 in
        # an empty household (float32 throughout, no mixed-type masks).
        some = tmp
        np.minimum(after, one, out=some)
        per_head = own
        per_head *= one - sharing
        np.maximum(after, one, out=last)
        per_head /= last
        mean_v *= sharing
        per_head += np.repeat(mean_v, villages.size[c.v0 : c.v1])
        per_head += np.float32(plot)
        # An empty household's food is the threshold: an exact blend of finite values.
        food = hh.food[s]
        np.multiply(per_head, some, out=food)
        np.subtract(one, some, out=some)
        some *= threshold
        food += some
        np.multiply(food, after, out=tmp)
        out[5] = float(tmp.sum(dtype=np.float64))
        return out

    sums = np.zeros((7, len(hh.region_start)))
    for c, x in zip(chunks, runner.map(kernel, chunks), strict=True):
        sums[:, c.region] += x
    flows = np.rint(sums[:5]).astype(np.int64)
    mean = sums[5] / np.maximum(sums[6], 1)
    return PeopleFlows(flows[0], flows[2], flows[1], flows[3], flows[4], mean)


def expected_famine_deaths(
    hh: Households, p: Params, ban: F64, migration: F64, food_mean: F64
) -> F64:
    """Famine deaths by region the households' food commits them to (expected, sample units)."""
    flight_of = flight_rates(p, ban).astype(np.float32)
    out = np.zeros(len(hh.region_start))
    for r in range(len(out)):
        rows = hh.region_slice(r)
        if FAMINE_SPREAD == 0:
            # Every household's rate is its region's: the region's persons times it.
            gap = _gap(np.zeros(1, dtype=np.float32), float(food_mean[r]), p)
            persons = float(int_sum(hh.members[rows]))
        else:
            gap = _gap(hh.food[rows], float(food_mean[r]), p)
        famine = _famine(gap, p, ban[r])
        total = famine + flight_of[r] * gap
        total += np.float32(p["death_rate_rural"] + migration[r])
        scale = np.where(total > 1, 1 / np.maximum(total, np.float32(1.0)), 1.0)
        if FAMINE_SPREAD == 0:
            out[r] = persons * float(famine[0] * scale[0])
        else:
            out[r] = float(np.sum(hh.members[rows].astype(np.float64) * famine * scale))
    return out

"""The farm year over households and kolkhozes: harvest, levy, herds, and the people's year.

The equations are the aggregate model's (``docs/model.md`` §3-§6, ``agriculture.py``,
``grain.py``, ``population.py``) with the household, the kolkhoz or the village in place
of the region:

* draught sufficiency is the *village's* (horses were hired and lent within the village;
  tractors are spread over sown area as in the aggregate model); horses' fitness follows
  the village's fodder sufficiency;
* the harvest's procurement disincentive is the *producer's* own last procured share, and
  collective farms' lower output applies to kolkhoz land only;
* the state's reach is ``τ₀`` of an individual household's crop and ``τ₀ + τ₁`` of a
  kolkhoz's (so the aggregate's ``τ₀ + τ₁ c`` is its household-weighted mean); the region's
  quota is levied on every producer in proportion to what the state can reach;
* seed, the food floor, fodder and food follow the residual principle per producer; a
  kolkhoz pays its grain and its herd's food out to members per person (labour-days);
* the herd's flows and the household's births, deaths, flight and migration are the
  aggregate rates on the household's own head count and members, drawn as whole numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.households.kolkhozes import Villages, members_by_village
from gosplan.sim.households.population import STATUS_INDIVIDUAL, STATUS_MEMBER, Households
from gosplan.sim.households.steps import split_counts
from gosplan.sim.spec import SPECIES, Params

__all__ = [
    "CHUNK",
    "Fields",
    "GrainShares",
    "HerdFlows",
    "chunks",
    "fields",
    "harvest",
    "herd_year",
    "levy",
]

F32 = NDArray[np.float32]
F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


def _per_species(p: Params, name: str) -> F32:
    return np.array([p[f"{name}_{s}"] for s in SPECIES], dtype=np.float32)


@dataclass(slots=True, eq=False)
class Fields:
    """Who farms which land this year (sample units)."""

    member: NDArray[np.bool_]
    """Kolkhoz member households, shape (H,)."""
    individual: NDArray[np.bool_]
    """Individual households with people to farm, shape (H,)."""
    land: F64
    """Land weight farmed by each household (members' for their kolkhoz), shape (H,)."""
    extra: F64
    """Land weight of deported kulaks farmed by each working kolkhoz, shape (V,)."""
    kolkhoz_land: F64
    """Land weight of each kolkhoz (members' and deported kulaks'), shape (V,)."""
    persons: I64
    """Member persons of each kolkhoz, shape (V,)."""
    total: F64
    """Land weight farmed in each region, shape (3,)."""


def fields(hh: Households, villages: Villages) -> Fields:
    """The land each producer farms this year."""
    member = hh.status == STATUS_MEMBER
    individual = (hh.status == STATUS_INDIVIDUAL) & (hh.members > 0)
    land = np.where(member | individual, hh.land, np.float32(0.0)).astype(np.float64)
    _, persons = members_by_village(hh, villages)
    extra = np.where(persons > 0, villages.extra_land, 0.0)
    kolkhoz_land = villages.total(np.where(member, land, 0.0)).astype(np.float64) + extra
    total = hh.by_region(land).astype(np.float64) + villages.by_region(extra).astype(np.float64)
    return Fields(member, individual, land, extra, kolkhoz_land, persons, total)


def harvest(
    hh: Households,
    villages: Villages,
    f: Fields,
    p: Params,
    sown_area: F64,
    regional_factor: F64,
    tractors: float,
    market: float,
) -> tuple[F64, F64]:
    """Harvest of each household's land and of each kolkhoz's extra land, t (sample).

    ``regional_factor[r] = ȳ_r W_r (1 - κ e_r)(1 - σ d_r)``: yield, weather, the campaign's
    disruption and the skills deported, as in the aggregate model.
    """
    w = hh.weight
    ha = sown_area * 1e6 / w / f.total  # ha per unit of land weight, by region
    counts = np.diff(np.append(hh.region_start, hh.n))
    vcounts = np.diff(np.append(villages.region_start, villages.n))
    area = f.land * np.repeat(ha, counts)
    extra_area = f.extra * np.repeat(ha, vcounts)
    area_v = villages.total(area).astype(np.float64) + extra_area
    horses = villages.total(hh.animals[0].astype(np.int64)).astype(np.float64)
    horses += villages.animals[0]
    fit = 1.0 - p["horse_unfit_from_hunger"] * np.maximum(0.0, 1.0 - villages.village_fodder)
    tractor_hp = p["tractor_hp"] * tractors * 1e3 / (float(sown_area.sum()) * 1e6) * area_v
    power = p["horse_hp"] * fit * horses + tractor_hp
    need = p["draught_need_hp_per_ha"] * area_v
    draught = np.minimum(1.0, power / np.where(need > 0, need, 1.0)) ** p["draught_elasticity"]
    relief = 1 - p["market_incentive"] * market
    factor_v = draught * np.repeat(regional_factor, vcounts)
    incentive = np.maximum(
        0.0,
        1
        - p["procurement_disincentive"]
        * np.maximum(0.0, hh.procured - p["procurement_share_nep"])
        * relief,
    )
    kolkhoz = np.where(f.member, 1 - p["kolkhoz_output_loss"], 1.0)
    crop = area * np.repeat(factor_v, villages.size) * kolkhoz * incentive
    k_incentive = np.maximum(
        0.0,
        1
        - p["procurement_disincentive"]
        * np.maximum(0.0, villages.procured - p["procurement_share_nep"])
        * relief,
    )
    extra_crop = extra_area * factor_v * (1 - p["kolkhoz_output_loss"]) * k_incentive
    return crop, extra_crop


@dataclass(slots=True, eq=False)
class GrainShares:
    """The division of each producer's harvest (t, sample units)."""

    harvest: F64
    procurement: F64
    seed: F64
    fodder: F64
    fodder_need: F64
    food: F64
    """Food of each *household*: its own, or its share of its kolkhoz's, shape (H,)."""


def levy(
    hh: Households,
    villages: Villages,
    f: Fields,
    p: Params,
    crop: F64,
    extra_crop: F64,
    quota: F64,
    next_area: F64,
    seed_rule: bool,
) -> tuple[GrainShares, GrainShares]:
    """Deliveries, seed, fodder and food of individual households and kolkhozes.

    Returns (households, kolkhozes); in the households' record the kolkhoz members' rows
    are zero except ``food``, their share of their kolkhoz's food.
    """
    w = hh.weight
    counts = np.diff(np.append(hh.region_start, hh.n))
    vcounts = np.diff(np.append(villages.region_start, villages.n))
    own = np.where(f.individual, crop, 0.0)
    k_crop = villages.total(np.where(f.member, crop, 0.0)).astype(np.float64) + extra_crop
    seed_per_land = p["seed_rate"] * next_area * 1e6 / w / f.total
    seed_need = np.where(f.individual, f.land, 0.0) * np.repeat(seed_per_land, counts)
    k_seed_need = f.kolkhoz_land * np.repeat(seed_per_land, vcounts)
    ceiling = min(0.95, p["extraction_base"]) * own
    k_ceiling = min(0.95, p["extraction_base"] + p["extraction_kolkhoz"]) * k_crop
    if seed_rule:
        ceiling = np.minimum(ceiling, np.maximum(0.0, own - seed_need))
        k_ceiling = np.minimum(k_ceiling, np.maximum(0.0, k_crop - k_seed_need))
    reach = hh.by_region(ceiling).astype(np.float64) + villages.by_region(k_ceiling)
    quota_t = quota * 1e6 / w
    ratio = np.where(reach > quota_t, quota_t / np.where(reach > 0, reach, 1.0), 1.0)
    taken = ceiling * np.repeat(ratio, counts)
    k_taken = k_ceiling * np.repeat(ratio, vcounts)
    fodder_rate = _per_species(p, "fodder").astype(np.float64)
    floor = p["rural_food_floor"]

    def residual(harvest: F64, taken: F64, seed_need: F64, persons: F64, need: F64) -> GrainShares:
        left = harvest - taken
        seed = np.minimum(seed_need, left)
        left = left - seed
        fodder = np.minimum(need, np.maximum(0.0, left - floor * persons))
        return GrainShares(harvest, taken, seed, fodder, need, left - fodder)

    need = fodder_rate @ hh.animals
    # Individual households' residual is shared out within the village (the commune's
    # obligations, the village grain market, hired labour and loans): fodder and food are
    # set by the residual principle for the village's individual sector as a whole, then
    # food goes per person and fodder per unit of need.
    persons = np.where(f.individual, hh.members, 0).astype(np.float64)
    seed = np.minimum(seed_need, own - taken)
    left_v = villages.total(own - taken - seed).astype(np.float64)
    need_v = villages.total(need).astype(np.float64)
    persons_v = villages.total(persons).astype(np.float64)
    fodder_v = np.minimum(need_v, np.maximum(0.0, left_v - floor * persons_v))
    with np.errstate(divide="ignore", invalid="ignore"):
        fed = np.repeat(np.where(need_v > 0, fodder_v / need_v, 0.0), villages.size)
        eats = np.repeat(
            np.where(persons_v > 0, (left_v - fodder_v) / persons_v, 0.0), villages.size
        )
    ind = GrainShares(own, taken, seed, need * fed, need, persons * eats)
    kol = residual(
        k_crop,
        k_taken,
        k_seed_need,
        f.persons.astype(np.float64),
        fodder_rate @ villages.animals,
    )
    # The producer's procured share (the disincentive of the next harvest) and fodder.
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(own > 0, taken / own, hh.procured).astype(np.float32)
        k_share = np.where(k_crop > 0, k_taken / k_crop, villages.procured).astype(np.float32)
        villages.fodder_sufficiency = np.where(
            kol.fodder_need > 0, kol.fodder / kol.fodder_need, 1.0
        ).astype(np.float32)
        hh.fodder_sufficiency = np.where(need > 0, ind.fodder / need, 1.0).astype(np.float32)
        fed = villages.total(ind.fodder).astype(np.float64) + kol.fodder
        needed = villages.total(need).astype(np.float64) + kol.fodder_need
        villages.village_fodder = np.where(needed > 0, fed / needed, 1.0).astype(np.float32)
        per_person = np.where(f.persons > 0, kol.food / f.persons, 0.0)
    villages.procured = k_share
    hh.procured = np.where(f.member, np.repeat(k_share, villages.size), share)
    member_food = np.repeat(per_person, villages.size) * hh.members
    ind.food = np.where(f.member, member_food, np.where(f.individual, ind.food, 0.0))
    return ind, kol


@dataclass(slots=True, eq=False)
class HerdFlows:
    """Animal flows of one year by species and region, whole head (sample units)."""

    births: I64
    deaths: I64
    slaughter: I64
    fodder_losses: I64
    neglect: I64
    confiscated: I64
    procured: I64
    """Each shape (4, 3)."""
    animal_food: F64
    """Food from animals each household eats (milk, meat), t, shape (H,)."""


#: Rows processed at a time by the elementwise kernels (temporaries stay in cache). A
#: constant, so that the order of draws, and hence the result, never depends on the machine.
CHUNK = 1 << 16


def chunks(hh: Households) -> Iterator[tuple[int, int, int]]:
    """(region, first row, end row) of consecutive chunks that never straddle a region."""
    for r in range(len(hh.region_start)):
        rows = hh.region_slice(r)
        for lo in range(rows.start, rows.stop, CHUNK):
            yield r, lo, min(lo + CHUNK, rows.stop)


def _flows(
    herd: NDArray[np.integer],
    rates: list[F32 | None],
    birth: F32,
    rng: np.random.Generator,
) -> tuple[NDArray[np.int32], list[NDArray[np.int32] | None]]:
    """Births and the outflows of a herd array (4, n) for the given expected rates."""
    n = herd.astype(np.float32)
    u = rng.random(herd.shape, dtype=np.float32)
    births = np.floor(n * birth[:, None] + u).astype(np.int32)
    u = rng.random(herd.shape, dtype=np.float32)
    parts = [None if r is None else n * r for r in rates]
    return births, split_counts(parts, herd + births, u)


def herd_year(
    hh: Households,
    villages: Villages,
    p: Params,
    plots: float,
    procurement: F64,
    rng: np.random.Generator,
) -> HerdFlows:
    """One year of every herd, households' (with their pending campaign) and kolkhozes'.

    ``procurement[r]`` is the region's livestock procurement rate.
    """
    vcounts = np.diff(np.append(villages.region_start, villages.n))
    birth = _per_species(p, "birth_rate") * np.float32(1 + p["plot_birth_boost"] * plots)
    death = _per_species(p, "death_rate")[:, None]
    neglect = np.float32(p["kolkhoz_neglect"] * (1 - p["plot_care"] * plots))
    slaughter = (np.float32(p["slaughter_scale"]) * _per_species(p, "slaughter"))[:, None]
    fodder_loss = (np.float32(p["fodder_loss_scale"]) * _per_species(p, "fodder_loss"))[:, None]
    taken = _per_species(p, "procured")[:, None]
    food_rate = _per_species(p, "animal_food").astype(np.float64)
    meat = _per_species(p, "meat").astype(np.float64)
    regions = len(hh.region_start)
    totals = np.zeros((7, len(SPECIES), regions), dtype=np.int64)
    animal_food = np.zeros(hh.n)
    for r, lo, hi in chunks(hh):
        herd = hh.animals[:, lo:hi]
        joining = hh.pending[lo:hi] == 1
        deported = hh.pending[lo:hi] == 2
        hunger = np.maximum(np.float32(0.0), 1 - hh.fodder_sufficiency[lo:hi])
        any_join = bool(joining.any())
        rates: list[F32 | None] = [
            np.broadcast_to(death, herd.shape),
            slaughter * joining if any_join else None,
            fodder_loss * hunger if hunger.any() else None,
            neglect * joining.astype(np.float32) if any_join else None,
            np.float32(p["confiscation_loss"]) * deported.astype(np.float32)[None, :]
            if deported.any()
            else None,
            taken * np.float32(procurement[r]) if procurement[r] > 0 else None,
        ]
        births, flows = _flows(herd, rates, birth, rng)
        end = herd + births - sum(x for x in flows if x is not None)
        food = food_rate @ end
        if flows[1] is not None:
            food += meat @ flows[1]
        animal_food[lo:hi] = food
        for k, x in enumerate([births, *flows]):
            if x is not None:
                totals[k, :, r] += x.sum(axis=1, dtype=np.int64)
        herd[...] = end

    # Kolkhoz herds: neglect in the first winters of the members who joined this year.
    _, persons = members_by_village(hh, villages)
    members_v = villages.total((hh.status == STATUS_MEMBER).astype(np.int64)).astype(np.float64)
    fresh = np.where(members_v > 0, villages.recent / np.maximum(members_v, 1.0), 0.0)
    k_hunger = np.maximum(np.float32(0.0), 1 - villages.fodder_sufficiency)
    k_rates: list[F32 | None] = [
        np.broadcast_to(death, villages.animals.shape),
        None,
        fodder_loss * k_hunger,
        neglect * fresh.astype(np.float32),
        None,
        taken * np.repeat(procurement.astype(np.float32), vcounts),
    ]
    k_births, k_flows = _flows(villages.animals, k_rates, birth, rng)
    k_end = villages.animals + k_births - sum(x for x in k_flows if x is not None)

    k_food = food_rate @ k_end
    with np.errstate(divide="ignore", invalid="ignore"):
        k_per_person = np.where(persons > 0, k_food / persons, 0.0)
    member = hh.status == STATUS_MEMBER
    animal_food = np.where(member, np.repeat(k_per_person, villages.size) * hh.members, animal_food)
    for k, x in enumerate([k_births, *k_flows]):
        if x is not None:
            totals[k] += villages.by_region(x.astype(np.int64))
    result = HerdFlows(
        totals[0], totals[1], totals[2], totals[3], totals[4], totals[5], totals[6], animal_food
    )
    villages.animals[...] = k_end
    return result

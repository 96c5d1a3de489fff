"""The farm year over households and kolkhozes: harvest, levy and residual.

The equations are the aggregate model's (``docs/model.md`` §3-§5, ``agriculture.py``,
``grain.py``) with the household, the kolkhoz or the village in place of the region:

* draught sufficiency is the *village's* (horses were hired and lent within the village;
  tractors are spread over sown area as in the aggregate model); horses' fitness follows
  the village's fodder sufficiency;
* the harvest's procurement disincentive is the *producer's* own last procured share, and
  collective farms' lower output applies to kolkhoz land only;
* the state's reach is ``τ₀`` of an individual household's crop and ``τ₀ + τ₁`` of a
  kolkhoz's (so the aggregate's ``τ₀ + τ₁ c`` is its household-weighted mean); the region's
  quota is levied on every producer in proportion to what the state can reach;
* seed, the food floor, fodder and food follow the aggregate's residual principle on the
  region's totals (``residual``); the region's seed and fodder are laid on the producers by
  sown area and animals, and its food is shared over the producers by their non-negative
  residuals (``levy``); the individual households' share is shared within the village; a
  kolkhoz pays its grain and its herd's food out to members per person (labour-days).

The herds' year is in ``herds.py``.

Every pass runs chunk by chunk (``chunks.py``); grain is float64 inside a chunk (the grain
ledger closes to rounding), the crop is kept as float32 between the harvest and the levy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.grain import fodder_sufficiency
from gosplan.sim.households.chunks import (
    Chunk,
    Runner,
    Workspace,
    village_rows,
    village_sums,
    workspace,
)
from gosplan.sim.households.kolkhozes import Villages
from gosplan.sim.households.population import STATUS_INDIVIDUAL, STATUS_MEMBER, Households
from gosplan.sim.spec import SPECIES, Params

__all__ = [
    "Fields",
    "GrainTotals",
    "harvest",
    "levy",
    "offsets",
    "per_species",
    "residual",
]

F32 = NDArray[np.float32]
F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


def per_species(p: Params, name: str) -> F64:
    """A parameter's value for each species, ``SPECIES`` order."""
    return np.array([p[f"{name}_{s}"] for s in SPECIES], dtype=np.float64)


def offsets(villages: Villages, c: Chunk) -> I64:
    """First row of each of the chunk's villages, relative to the chunk."""
    return np.asarray(villages.start[c.v0 : c.v1] - c.lo, dtype=np.int64)


def _individual(ws: Workspace, hh: Households, s: slice, size: int) -> NDArray[np.bool_]:
    """Individual households with anyone in them (a scratch mask)."""
    individual = ws.get("individual", size, np.bool_)
    np.equal(hh.status[s], STATUS_INDIVIDUAL, out=individual)
    alive = ws.get("alive", size, np.bool_)
    np.greater(hh.members[s], 0, out=alive)
    individual &= alive
    return individual


def _farmers(
    ws: Workspace, hh: Households, s: slice, size: int
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Kolkhoz members, and households that farm (members and peopled individuals)."""
    farms = _individual(ws, hh, s, size)
    member = ws.get("member", size, np.bool_)
    np.equal(hh.status[s], STATUS_MEMBER, out=member)
    farms |= member
    return member, farms


@dataclass(slots=True, eq=False)
class Fields:
    """Who farms which land this year (sample units), per village and region."""

    land_v: F64
    """Land weight farmed by households of each village (members' and individuals'), (V,)."""
    member_land_v: F64
    """Land weight of each kolkhoz's members, (V,)."""
    extra: F64
    """Land weight of deported kulaks farmed by each working kolkhoz, (V,)."""
    persons: I64
    """Member persons of each kolkhoz, (V,)."""
    member_households: I64
    """Member households of each kolkhoz, (V,)."""
    horses_v: F64
    """Horses of each village, households' and kolkhoz's, (V,)."""
    total: F64
    """Land weight farmed in each region, (3,)."""
    ha: F64
    """Hectares per unit of land weight, by region, (3,)."""
    member_crop_v: F64
    """Crop of each kolkhoz's members' land (set by ``harvest``), (V,)."""
    extra_crop: F64
    """Crop of each kolkhoz's deported kulaks' land (set by ``harvest``), (V,)."""

    @property
    def kolkhoz_land(self) -> F64:
        """Land weight of each kolkhoz (members' and deported kulaks')."""
        return np.asarray(self.member_land_v + self.extra, dtype=np.float64)


def harvest(
    hh: Households,
    villages: Villages,
    chunks: tuple[Chunk, ...],
    runner: Runner,
    p: Params,
    sown_area: F64,
    regional_factor: F64,
    tractors: float,
    market: float,
    crop: F32,
    fixed_deliveries: float = 0.0,
) -> tuple[Fields, F64]:
    """Each producer's harvest, into ``crop`` (households, t, sample); regional totals.

    ``regional_factor[r] = ȳ_r W_r (1 - κ e_r)(1 - σ d_r)``: yield, weather, the campaign's
    disruption and the skills deported, as in the aggregate model. ``fixed_deliveries`` is
    the ``deliveries_by_area`` lever: with deliveries fixed per hectare the take at the margin
    is nil, and so is the disincentive (as ``agriculture.harvest``).
    """
    V = villages.n
    land_v = np.zeros(V)
    member_land_v = np.zeros(V)
    persons = np.zeros(V, dtype=np.int64)
    member_households = np.zeros(V, dtype=np.int64)
    horses_v = np.zeros(V)

    def census(c: Chunk) -> None:
        s = slice(c.lo, c.hi)
        size = c.hi - c.lo
        ws = workspace()
        offs = offsets(villages, c)
        member, farms = _farmers(ws, hh, s, size)
        land = hh.land[s]
        vs = slice(c.v0, c.v1)
        rows = village_rows(ws, 5, size)
        np.multiply(land, farms, out=rows[0])
        np.multiply(land, member, out=rows[1])
        np.multiply(hh.members[s], member, out=rows[2])
        np.copyto(rows[3], member)
        np.copyto(rows[4], hh.animals[0, s])
        v = village_sums(rows, offs)
        land_v[vs] = v[0]
        member_land_v[vs] = v[1]
        persons[vs] = v[2]
        member_households[vs] = v[3]
        horses_v[vs] = v[4]

    runner.map(census, chunks)
    w = hh.weight
    extra = np.where(persons > 0, villages.extra_land, 0.0)
    total = np.asarray(villages.by_region(land_v + extra), dtype=np.float64)
    ha = sown_area * 1e6 / w / np.where(total > 0, total, 1.0)
    region = villages.region
    area_v = (land_v + extra) * ha[region]
    horses_v += villages.animals[0]
    fit = 1.0 - p["horse_unfit_from_hunger"] * np.maximum(
        0.0, 1.0 - villages.village_fodder.astype(np.float64)
    )
    tractor_hp = p["tractor_hp"] * tractors * 1e3 / (float(sown_area.sum()) * 1e6) * area_v
    power = p["horse_hp"] * fit * horses_v + tractor_hp
    need = p["draught_need_hp_per_ha"] * area_v
    draught = np.minimum(1.0, power / np.where(need > 0, need, 1.0)) ** p["draught_elasticity"]
    relief = (1 - p["market_incentive"] * market) * (1 - fixed_deliveries)
    factor_v = draught * regional_factor[region]
    k_incentive = np.maximum(
        0.0,
        1
        - p["procurement_disincentive"]
        * np.maximum(0.0, villages.procured.astype(np.float64) - p["procurement_share_nep"])
        * relief,
    )
    loss = 1 - p["kolkhoz_output_loss"]
    extra_crop = extra * ha[region] * factor_v * loss * k_incentive
    # Per household: land x ha_r x the village's factor x the kolkhoz's loss x incentive.
    hf = (factor_v * ha[region]).astype(np.float32)
    dis = np.float32(p["procurement_disincentive"] * relief)
    nep = np.float32(p["procurement_share_nep"])
    loss32 = np.float32(loss)
    member_crop_v = np.zeros(V)

    def grow(c: Chunk) -> float:
        s = slice(c.lo, c.hi)
        size = c.hi - c.lo
        ws = workspace()
        member, farms = _farmers(ws, hh, s, size)
        incentive = ws.get("g_incentive", size, np.float32)
        np.subtract(hh.procured[s], nep, out=incentive)
        np.maximum(incentive, np.float32(0), out=incentive)
        incentive *= -dis
        incentive += np.float32(1)
        np.maximum(incentive, np.float32(0), out=incentive)
        out = crop[s]
        np.multiply(hh.land[s], np.repeat(hf[c.v0 : c.v1], villages.size[c.v0 : c.v1]), out=out)
        out *= incentive
        # × the kolkhoz's loss on members' crops: member · loss + (not member) · 1, exact.
        np.multiply(member, loss32, out=incentive)
        incentive += ~member
        out *= incentive
        out *= farms
        rows = village_rows(ws, 1, size)
        np.multiply(out, member, out=rows[0])
        member_crop_v[c.v0 : c.v1] = village_sums(rows, offsets(villages, c))[0]
        return float(out.sum(dtype=np.float64))

    sums = runner.map(grow, chunks)
    totals = np.zeros(len(hh.region_start))
    for c, x in zip(chunks, sums, strict=True):
        totals[c.region] += x
    totals += villages.by_region(extra_crop)
    f = Fields(
        land_v,
        member_land_v,
        extra,
        persons,
        member_households,
        horses_v,
        total,
        ha,
        member_crop_v,
        extra_crop,
    )
    return f, totals


@dataclass(slots=True, eq=False)
class GrainTotals:
    """The division of the harvest by region (t, sample units), each shape (3,)."""

    harvest: F64
    procurement: F64
    seed: F64
    fodder: F64
    fodder_need: F64
    food: F64
    """Food of the villages before relief."""
    persons: F64
    """Persons of the producers (individual households and kolkhoz members)."""
    shortfall: F64
    """Food short of the famine threshold, summed over households (to share out relief)."""


def residual(
    left: F64, seed_need: F64, fodder_need: F64, persons: F64, floor: float
) -> tuple[F64, F64, F64]:
    """The aggregate model's residual principle on a region's totals (``grain.distribute``).

    ``left`` is the grain left after deliveries; returns seed, fodder and food:
    seed ``min(need, left)``, fodder ``min(need, (left - seed - floor · persons)⁺)``, food
    the rest, so ``left = seed + fodder + food`` exactly. ``persons`` are those the food
    floor protects: individual peasants' (kolkhozes feed the fodder fund first).
    """
    seed = np.minimum(seed_need, left)
    rest = left - seed
    fodder = np.minimum(fodder_need, np.maximum(0.0, rest - floor * persons))
    return seed, fodder, rest - fodder


def levy(
    hh: Households,
    villages: Villages,
    chunks: tuple[Chunk, ...],
    runner: Runner,
    f: Fields,
    p: Params,
    crop: F32,
    quota: F64,
    next_area: F64,
    seed_rule: bool,
    food: F32,
    grain_share: F64,
) -> GrainTotals:
    """Deliveries, seed, fodder and food of individual households and kolkhozes.

    Deliveries are each producer's: the region's quota is levied in proportion to what
    the state can reach of each crop. What the producers keep is divided as the aggregate
    model divides it, *on the region's totals* (``residual``): the region's seed and
    fodder are those of ``grain.distribute`` for the region's grain left, seed need,
    fodder need (its herds) and persons. They are then laid on the producers in
    proportion to their sown area (seed) and their animals (fodder), so every herd of a
    region is fed to the same sufficiency and the region's food is the aggregate rule's
    for the same totals. Each producer's residual after its seed and fodder (the
    village's individual households together, or the kolkhoz) may be negative where its
    animals eat more than it kept; the region's food is shared out over the producers in
    proportion to their residuals floored at zero (grain moves between villages: sales,
    loans, hire), so no one's food is negative and the region's total is exact.

    Writes each household's grain food (its village's share or its share of its
    kolkhoz's) into ``food`` (t, sample), each producer's procured share and the region's fodder
    sufficiency into the state. Returns the regional totals.
    """
    w = hh.weight
    regions = len(hh.region_start)
    region = villages.region
    V = villages.n
    seed_per_land = p["seed_rate"] * next_area * 1e6 / w / np.where(f.total > 0, f.total, 1.0)
    tau = min(0.95, p["extraction_base"])
    k_tau = min(0.95, p["extraction_base"] + p["extraction_kolkhoz"])
    floor = p["rural_food_floor"]
    fodder_rate = per_species(p, "fodder")
    fr32 = fodder_rate.astype(np.float32)
    k_crop = f.member_crop_v + f.extra_crop
    k_seed_need = f.kolkhoz_land * seed_per_land[region]
    k_ceiling = k_tau * k_crop
    if seed_rule:
        k_ceiling = np.minimum(k_ceiling, np.maximum(0.0, k_crop - k_seed_need))
    k_need = fodder_rate @ villages.animals.astype(np.float64)

    # One pass: each village's individual crop, the state's reach of it, seed need, fodder
    # need and persons. Deliveries are linear in the region's ratio, so the village's
    # grain left follows from these sums without another pass.
    own_v = np.zeros(V)
    ceil_v = np.zeros(V)
    land_v = np.zeros(V)
    need_v = np.zeros(V)
    persons_v = np.zeros(V)

    def sums(c: Chunk) -> None:
        s = slice(c.lo, c.hi)
        vs = slice(c.v0, c.v1)
        size = c.hi - c.lo
        ws = workspace()
        offs = offsets(villages, c)
        members = hh.members[s]
        individual = _individual(ws, hh, s, size)
        own = ws.get("l_own", size, np.float32)
        np.multiply(crop[s], individual, out=own)
        land = ws.get("l_land", size, np.float32)
        np.multiply(hh.land[s], individual, out=land)
        rows = village_rows(ws, 5, size)
        np.copyto(rows[0], own)
        np.copyto(rows[1], land)
        if seed_rule:
            # The state's reach of each crop, less its seed (the seed rule, per producer).
            land *= np.float32(seed_per_land[c.region])
            np.subtract(own, land, out=land)
            np.maximum(land, np.float32(0), out=land)
            own *= np.float32(tau)
            np.minimum(land, own, out=land)
            np.copyto(rows[2], land)
        else:
            rows[2].fill(0)
        animals = hh.animals[:, s]
        np.multiply(animals[0], fr32[0], out=own)
        for k in range(1, animals.shape[0]):
            np.multiply(animals[k], fr32[k], out=land)
            own += land
        np.copyto(rows[3], own)
        np.multiply(members, individual, out=rows[4])
        v = village_sums(rows, offs)
        own_v[vs] = v[0]
        land_v[vs] = v[1]
        ceil_v[vs] = v[2]
        need_v[vs] = v[3]
        persons_v[vs] = v[4]

    runner.map(sums, chunks)
    if not seed_rule:
        ceil_v = tau * own_v
    by = villages.by_region
    quota_t = quota * 1e6 / w
    total_reach = by(ceil_v) + by(k_ceiling)
    ratio = np.where(
        total_reach > quota_t, quota_t / np.where(total_reach > 0, total_reach, 1.0), 1.0
    )
    taken_v = ceil_v * ratio[region]
    k_taken = k_ceiling * ratio[region]
    left_v = own_v - taken_v
    k_left = k_crop - k_taken
    seed_need_v = land_v * seed_per_land[region]
    # The aggregate rule on the region's totals.
    harvest_r = by(own_v) + by(k_crop)
    procured_r = by(taken_v) + by(k_taken)
    seed_need_r = by(seed_need_v) + by(k_seed_need)
    fodder_need_r = (by(need_v) + by(k_need)) * grain_share
    persons_r = by(persons_v) + by(f.persons.astype(np.float64))
    # The food floor protects individual peasants only: a kolkhoz sets its fodder fund aside
    # before its members are paid (the 1930 Model Statute's order; grain.distribute).
    seed_r, fodder_r, food_r = residual(
        harvest_r - procured_r, seed_need_r, fodder_need_r, by(persons_v), floor
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        seed_share = np.where(seed_need_r > 0, seed_r / seed_need_r, 0.0)
        fed = np.where(fodder_need_r > 0, fodder_r / fodder_need_r, 1.0)
    # Each producer's residual after its seed and fodder; the region's food shared out in
    # proportion to the non-negative residuals of producers with someone to eat them.
    given = fed * grain_share  # grain fodder per unit of the norm
    raw_v = left_v - seed_share[region] * seed_need_v - given[region] * need_v
    raw_k = k_left - seed_share[region] * k_seed_need - given[region] * k_need
    eat_v = np.where(persons_v > 0, np.maximum(raw_v, 0.0), 0.0)
    eat_k = np.where(f.persons > 0, np.maximum(raw_k, 0.0), 0.0)
    claims = by(eat_v) + by(eat_k)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(claims > 0, food_r / claims, 0.0)
        eats_v = np.where(persons_v > 0, eat_v * q[region] / persons_v, 0.0).astype(np.float32)
        k_per_person = np.where(f.persons > 0, eat_k * q[region] / f.persons, 0.0).astype(
            np.float32
        )
        k_share = np.where(k_crop > 0, k_taken / k_crop, villages.procured).astype(np.float32)
    villages.procured = k_share
    fed32 = fodder_sufficiency(grain_share, fodder_r, fodder_need_r).astype(np.float32)
    villages.fodder_sufficiency = fed32[region]
    villages.village_fodder[...] = fed32[region]
    threshold = np.float32(p["famine_threshold"])

    def share(c: Chunk) -> float:
        s = slice(c.lo, c.hi)
        size = c.hi - c.lo
        ws = workspace()
        members = hh.members[s]
        member = ws.get("l_member", size, np.bool_)
        np.equal(hh.status[s], STATUS_MEMBER, out=member)
        individual = _individual(ws, hh, s, size)
        own = crop[s]
        r32 = np.float32(ratio[c.region])
        # Individual producers with a crop get their own share; members their kolkhoz's;
        # the others keep theirs.
        sel = ws.get("l_sel", size, np.bool_)
        other = ws.get("l_other", size, np.bool_)
        per_person = ws.get("l_per_person", size, np.float32)
        np.greater(own, np.float32(0), out=sel)
        reach = ws.get("l_reach", size, np.float32)
        if seed_rule:
            np.multiply(hh.land[s], np.float32(seed_per_land[c.region]), out=reach)
            np.logical_not(sel, out=other)
            np.add(own, other, out=per_person)  # the crop, or 1 where there is none
            reach /= per_person
            np.subtract(np.float32(1), reach, out=reach)
            np.clip(reach, np.float32(0), np.float32(tau), out=reach)
            reach *= r32
        else:
            reach.fill(np.float32(tau) * r32)
        sel &= individual
        # Selections as exact blends of finite non-negative values (a·1 + b·0 = a), not
        # masked copies (slow on scattered masks).
        procured = hh.procured[s]
        np.logical_not(sel, out=other)
        procured *= other
        reach *= sel
        procured += reach
        np.logical_not(member, out=other)
        procured *= other
        np.multiply(np.repeat(k_share[c.v0 : c.v1], villages.size[c.v0 : c.v1]), member, out=reach)
        procured += reach
        np.multiply(
            np.repeat(eats_v[c.v0 : c.v1], villages.size[c.v0 : c.v1]), individual, out=per_person
        )
        np.multiply(
            np.repeat(k_per_person[c.v0 : c.v1], villages.size[c.v0 : c.v1]), member, out=reach
        )
        per_person += reach  # members are not individuals: 0 + theirs
        mine_food = food[s]
        np.multiply(per_person, members, out=mine_food)
        short = reach
        np.multiply(members, threshold, out=short)
        short -= mine_food
        np.maximum(short, np.float32(0), out=short)
        return float(short.sum(dtype=np.float64))

    shortfall = np.zeros(regions)
    for c, x in zip(chunks, runner.map(share, chunks), strict=True):
        shortfall[c.region] += x
    return GrainTotals(
        harvest=harvest_r,
        procurement=procured_r,
        seed=seed_r,
        fodder=fodder_r,
        fodder_need=fodder_need_r,
        food=food_r,
        persons=persons_r,
        shortfall=shortfall,
    )

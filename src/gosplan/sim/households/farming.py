"""The farm year over households and kolkhozes: harvest, levy and residual, herds.

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
* seed, the food floor, fodder and food follow the residual principle per producer; the
  individual households' residual is shared within the village; a kolkhoz pays its grain
  and its herd's food out to members per person (labour-days);
* the herds' flows are the aggregate rates on each household's and kolkhoz's own head,
  drawn as whole numbers; the campaign's flows (slaughter before joining, neglect,
  confiscation) are the aggregate's per household of the region, drawn from the herds of
  the households (and kolkhozes) they concern (see ``herd_year``).

Every pass runs chunk by chunk (``chunks.py``); grain is float64 inside a chunk (the grain
ledger closes to rounding), the crop is kept as float32 between the harvest and the levy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.households.chunks import Chunk, Runner
from gosplan.sim.households.kolkhozes import Villages
from gosplan.sim.households.population import STATUS_INDIVIDUAL, STATUS_MEMBER, Households
from gosplan.sim.spec import SPECIES, Params

__all__ = [
    "STEP_HERD",
    "STEP_KOLKHOZ_HERD",
    "Census",
    "Fields",
    "GrainTotals",
    "HerdFlows",
    "harvest",
    "herd_year",
    "levy",
]

T = TypeVar("T", bound=np.generic)
F32 = NDArray[np.float32]
F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

#: Sub-step keys of the random streams drawn here (see ``chunks.Runner.rng``).
STEP_HERD = 20
STEP_KOLKHOZ_HERD = 21


def _per_species(p: Params, name: str) -> F64:
    return np.array([p[f"{name}_{s}"] for s in SPECIES], dtype=np.float64)


def _dot4(weights: F32, rows: NDArray[np.generic]) -> F32:
    """``weights @ rows`` for (4, n) rows, in float32 without BLAS (no threads of its own)."""
    out = weights[0] * rows[0].astype(np.float32)
    for k in range(1, rows.shape[0]):
        out += weights[k] * rows[k].astype(np.float32)
    return np.asarray(out, dtype=np.float32)


def _repeat(values: NDArray[T], villages: Villages, c: Chunk) -> NDArray[T]:
    """A per-village array over the chunk's households."""
    return np.repeat(values[c.v0 : c.v1], villages.size[c.v0 : c.v1])


def _offsets(villages: Villages, c: Chunk) -> I64:
    return np.asarray(villages.start[c.v0 : c.v1] - c.lo, dtype=np.int64)


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
) -> tuple[Fields, F64]:
    """Each producer's harvest, into ``crop`` (households, t, sample); regional totals.

    ``regional_factor[r] = ȳ_r W_r (1 - κ e_r)(1 - σ d_r)``: yield, weather, the campaign's
    disruption and the skills deported, as in the aggregate model.
    """
    V = villages.n
    land_v = np.zeros(V)
    member_land_v = np.zeros(V)
    persons = np.zeros(V, dtype=np.int64)
    member_households = np.zeros(V, dtype=np.int64)
    horses_v = np.zeros(V)

    def census(c: Chunk) -> None:
        s = slice(c.lo, c.hi)
        offs = _offsets(villages, c)
        status = hh.status[s]
        member = status == STATUS_MEMBER
        farms = member | ((status == STATUS_INDIVIDUAL) & (hh.members[s] > 0))
        land = hh.land[s]
        vs = slice(c.v0, c.v1)
        land_v[vs] = np.add.reduceat(np.where(farms, land, np.float32(0)), offs, dtype=np.float64)
        member_land_v[vs] = np.add.reduceat(
            np.where(member, land, np.float32(0)), offs, dtype=np.float64
        )
        persons[vs] = np.add.reduceat(np.where(member, hh.members[s], 0), offs, dtype=np.int64)
        member_households[vs] = np.add.reduceat(member, offs, dtype=np.int64)
        horses_v[vs] = np.add.reduceat(hh.animals[0, s], offs, dtype=np.float64)

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
    relief = 1 - p["market_incentive"] * market
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
        status = hh.status[s]
        member = status == STATUS_MEMBER
        farms = member | ((status == STATUS_INDIVIDUAL) & (hh.members[s] > 0))
        incentive = np.maximum(hh.procured[s] - nep, np.float32(0))
        incentive *= -dis
        incentive += np.float32(1)
        np.maximum(incentive, np.float32(0), out=incentive)
        out = crop[s]
        np.multiply(hh.land[s], _repeat(hf, villages, c), out=out)
        out *= incentive
        out *= np.where(member, loss32, np.float32(1))
        out *= farms
        member_crop_v[c.v0 : c.v1] = np.add.reduceat(
            np.where(member, out, np.float32(0)), _offsets(villages, c), dtype=np.float64
        )
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
    shortfall: F64
    """Food short of the famine threshold, summed over households (for relief)."""


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
) -> GrainTotals:
    """Deliveries, seed, fodder and food of individual households and kolkhozes.

    Writes each household's grain food (its own, its village's share, or its share of its
    kolkhoz's) into ``food`` (t, sample), and each producer's procured share and fodder
    sufficiency into the state. Returns the regional totals.
    """
    w = hh.weight
    regions = len(hh.region_start)
    region = villages.region
    seed_per_land = p["seed_rate"] * next_area * 1e6 / w / np.where(f.total > 0, f.total, 1.0)
    tau = min(0.95, p["extraction_base"])
    k_tau = min(0.95, p["extraction_base"] + p["extraction_kolkhoz"])
    floor = p["rural_food_floor"]
    fodder_rate = _per_species(p, "fodder")
    k_crop = f.member_crop_v + f.extra_crop
    k_seed_need = f.kolkhoz_land * seed_per_land[region]
    k_ceiling = k_tau * k_crop
    if seed_rule:
        k_ceiling = np.minimum(k_ceiling, np.maximum(0.0, k_crop - k_seed_need))

    def own_ceiling(c: Chunk) -> tuple[F64, F64, F64, NDArray[np.bool_]]:
        s = slice(c.lo, c.hi)
        individual = (hh.status[s] == STATUS_INDIVIDUAL) & (hh.members[s] > 0)
        own = np.where(individual, crop[s], np.float32(0)).astype(np.float64)
        need = np.where(individual, hh.land[s], np.float32(0)) * seed_per_land[c.region]
        ceiling = tau * own
        if seed_rule:
            ceiling = np.minimum(ceiling, np.maximum(0.0, own - need))
        return own, need, ceiling, individual

    def reach(c: Chunk) -> float:
        return float(own_ceiling(c)[2].sum())

    own_reach = np.zeros(regions)
    for c, x in zip(chunks, runner.map(reach, chunks), strict=True):
        own_reach[c.region] += x
    total_reach = own_reach + villages.by_region(k_ceiling)
    quota_t = quota * 1e6 / w
    ratio = np.where(
        total_reach > quota_t, quota_t / np.where(total_reach > 0, total_reach, 1.0), 1.0
    )
    # Kolkhozes: residual principle per kolkhoz, food paid out per member person.
    k_taken = k_ceiling * ratio[region]
    k_left = k_crop - k_taken
    k_seed = np.minimum(k_seed_need, k_left)
    k_left = k_left - k_seed
    k_need = fodder_rate @ villages.animals.astype(np.float64)
    k_fodder = np.minimum(k_need, np.maximum(0.0, k_left - floor * f.persons))
    k_food = k_left - k_fodder
    with np.errstate(divide="ignore", invalid="ignore"):
        k_share = np.where(k_crop > 0, k_taken / k_crop, villages.procured).astype(np.float32)
        villages.fodder_sufficiency = np.where(k_need > 0, k_fodder / k_need, 1.0).astype(
            np.float32
        )
        k_per_person = np.where(f.persons > 0, k_food / f.persons, 0.0).astype(np.float32)
    villages.procured = k_share
    village_fodder = villages.village_fodder
    threshold = np.float32(p["famine_threshold"])
    fr32 = fodder_rate.astype(np.float32)

    def share(c: Chunk) -> F64:
        s = slice(c.lo, c.hi)
        vs = slice(c.v0, c.v1)
        offs = _offsets(villages, c)
        own, need_seed, ceiling, individual = own_ceiling(c)
        taken = ceiling * ratio[c.region]
        left = own - taken
        seed = np.minimum(need_seed, left)
        left -= seed
        members = hh.members[s]
        animals = hh.animals[:, s]
        need = _dot4(fr32, animals).astype(np.float64)
        left_v = np.add.reduceat(left, offs)
        need_v = np.add.reduceat(need, offs)
        persons_v = np.add.reduceat(np.where(individual, members, 0), offs, dtype=np.float64)
        fodder_v = np.minimum(need_v, np.maximum(0.0, left_v - floor * persons_v))
        with np.errstate(divide="ignore", invalid="ignore"):
            fed_v = np.where(need_v > 0, fodder_v / need_v, 1.0)
            eats_v = np.where(persons_v > 0, (left_v - fodder_v) / persons_v, 0.0)
            fed_all = fodder_v + k_fodder[vs]
            needed = need_v + k_need[vs]
            village_fodder[vs] = np.where(needed > 0, fed_all / needed, 1.0)
            mine = np.where(own > 0, taken / own, hh.procured[s]).astype(np.float32)
        member = hh.status[s] == STATUS_MEMBER
        size = villages.size[vs]
        hh.procured[s] = np.where(member, np.repeat(k_share[vs], size), mine)
        hh.fodder_sufficiency[s] = np.where(need > 0, np.repeat(fed_v, size), 1.0)
        per_person = np.where(
            member,
            np.repeat(k_per_person[vs], size),
            np.where(individual, np.repeat(eats_v.astype(np.float32), size), np.float32(0)),
        )
        mine_food = food[s]
        np.multiply(per_person, members, out=mine_food)
        short = np.maximum(np.float32(0), threshold * members - mine_food)
        return np.array(
            [
                own.sum(),
                taken.sum(),
                seed.sum(),
                fodder_v.sum(),
                need_v.sum(),
                (left_v - fodder_v).sum(),
                short.sum(dtype=np.float64),
            ]
        )

    sums = np.zeros((7, regions))
    for c, part in zip(chunks, runner.map(share, chunks), strict=True):
        sums[:, c.region] += part
    by = villages.by_region
    return GrainTotals(
        harvest=sums[0] + by(k_crop),
        procurement=sums[1] + by(k_taken),
        seed=sums[2] + by(k_seed),
        fodder=sums[3] + by(k_fodder),
        fodder_need=sums[4] + by(k_need),
        food=sums[5] + by(k_food),
        shortfall=sums[6],
    )


@dataclass(slots=True, eq=False)
class Census:
    """Households and head of the campaign's households by region (sample units)."""

    present: I64
    """Households not deported, (3,)."""
    herds: I64
    """Head by species, households' and kolkhozes', (4, 3)."""
    joining: I64
    """Households decided to join, (3,)."""
    joining_herds: I64
    """Their head by species, (4, 3)."""
    deported: I64
    """Households decided to be deported, (3,)."""
    deported_herds: I64
    """Their head by species, (4, 3)."""
    members: I64
    """Member households, (3,)."""
    recent: I64
    """Households that joined in this year's campaign, (3,)."""


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


def _per_head(flow_per_household: F64, herd: I64, households: I64) -> F64:
    """Rate per head of a flow of ``flow_per_household`` head per household concerned."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = herd / np.maximum(households, 1)
        return np.where(mean > 0, flow_per_household / np.where(mean > 0, mean, 1.0), 0.0)


def herd_year(
    hh: Households,
    villages: Villages,
    chunks: tuple[Chunk, ...],
    runner: Runner,
    year: int,
    p: Params,
    plots: float,
    procurement: F64,
    census: Census,
    animal_food: F32,
) -> HerdFlows:
    """One year of every herd, households' (with their pending campaign) and kolkhozes'.

    ``procurement[r]`` is the region's livestock procurement rate. Births, deaths, fodder
    losses and procurement are the aggregate rates on each herd. The campaign's flows are
    the aggregate's per household of the region: a joining household slaughters
    ``slaughter_s × N_r / H_r`` head (the parameters are defined on the share of households
    entering times the whole herd, ``docs/model.md``), and loses ``neglect × N_r / H_r`` to
    the first winter's neglect, a deported one ``confiscation × kulak multiple × N_r / H_r``,
    each drawn from the household's own head (its rate per head is that flow over the mean
    herd of the households concerned); a kolkhoz's herd loses ``neglect × N_r / H_r`` per
    household that joined it this year, at the rate per head of its region's kolkhoz herd
    per member. Writes each household's animal food (t, sample) into ``animal_food``.
    """
    birth = _per_species(p, "birth_rate") * (1 + p["plot_birth_boost"] * plots)
    death = _per_species(p, "death_rate")
    neglect = p["kolkhoz_neglect"] * (1 - p["plot_care"] * plots)
    slaughter = p["slaughter_scale"] * _per_species(p, "slaughter")
    fodder_loss = p["fodder_loss_scale"] * _per_species(p, "fodder_loss")
    taken = _per_species(p, "procured")
    food_rate = _per_species(p, "animal_food")
    meat = _per_species(p, "meat")
    regions = len(hh.region_start)
    per_household = census.herds / np.maximum(census.present, 1)  # (4, 3)
    s_rate = _per_head(slaughter[:, None] * per_household, census.joining_herds, census.joining)
    n_rate = _per_head(neglect * per_household, census.joining_herds, census.joining)
    c_rate = _per_head(
        p["confiscation_loss"] * p["kulak_herd_multiple"] * per_household,
        census.deported_herds,
        census.deported,
    )
    k_herds = villages.by_region(villages.animals)  # (4, 3)
    k_n_rate = _per_head(neglect * per_household, k_herds, census.members)

    # Kolkhoz herds first (their food goes to the members' households below).
    rng = runner.rng(year, STEP_KOLKHOZ_HERD, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        members_v = np.add.reduceat(hh.status == STATUS_MEMBER, villages.start, dtype=np.int64)
        fresh = np.where(members_v > 0, villages.recent / np.maximum(members_v, 1), 0.0)
    region = villages.region
    k_hunger = np.maximum(0.0, 1 - villages.fodder_sufficiency.astype(np.float64))
    k_cum = [
        np.broadcast_to(death[:, None], villages.animals.shape),
        fodder_loss[:, None] * k_hunger,
        (taken[:, None] * procurement[None, :])[:, region],
        None,
        k_n_rate[:, region] * fresh,
        None,
    ]
    k_births, k_f = _flows64(villages.animals, k_cum, birth, rng)
    k_end = villages.animals + k_births - k_f[-1]
    k_totals = [k_births, *(k_f[k] - (k_f[k - 1] if k else 0) for k in range(len(k_f)))]
    persons_v = np.add.reduceat(
        np.where(hh.status == STATUS_MEMBER, hh.members, 0), villages.start, dtype=np.int64
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        k_food = food_rate @ k_end.astype(np.float64)
        k_per_person = np.where(persons_v > 0, k_food / persons_v, 0.0)
    k_pp = k_per_person.astype(np.float32)
    villages.animals[...] = k_end

    birth32 = birth.astype(np.float32)[:, None]
    death32 = death.astype(np.float32)[:, None]
    fl32 = fodder_loss.astype(np.float32)[:, None]
    food32 = food_rate.astype(np.float32)
    meat32 = meat.astype(np.float32)

    def kernel(c: Chunk) -> F64:
        s = slice(c.lo, c.hi)
        r = c.region
        herd = hh.animals[:, s]
        g = runner.rng(year, STEP_HERD, c.index)
        n = herd.astype(np.float32)
        u = g.random(n.shape, dtype=np.float32)
        births = n * birth32
        births += u
        np.floor(births, out=births)
        cap = births + n
        g.random(dtype=np.float32, out=u)
        pending = hh.pending[s]
        hunger = np.maximum(np.float32(0), np.float32(1) - hh.fodder_sufficiency[s])
        join = pending == 1
        gone = pending == 2
        # Cumulative rates per head in the order death, fodder, procurement, slaughter,
        # neglect, confiscation; None where a flow is zero for the whole chunk.
        cum: list[F32 | None] = [death32]
        cum.append(death32 + fl32 * hunger if hunger.any() else None)
        last: F32 = death32 if cum[1] is None else cum[1]
        q = np.float32(procurement[r])
        cum.append(last + (taken[:, None] * q).astype(np.float32) if q > 0 else None)
        last = last if cum[2] is None else cum[2]
        if join.any():
            jf = join.astype(np.float32)
            killed = last + s_rate[:, r : r + 1].astype(np.float32) * jf
            last = killed + n_rate[:, r : r + 1].astype(np.float32) * jf
            cum += [killed, last]
        else:
            cum += [None, None]
        if gone.any():
            last = last + c_rate[:, r : r + 1].astype(np.float32) * gone
            cum.append(last)
        else:
            cum.append(None)
        # When the rates add up to more than the herd and its births, cut them in proportion.
        x = n
        total = last * n
        over = total > cap
        if over.any():
            x = n * np.where(over, cap / np.where(over, total, np.float32(1)), np.float32(1))
        sums = np.zeros((7, 4))
        sums[0] = births.sum(axis=1, dtype=np.float64)
        prev_sum = np.zeros(4)
        prev: F32 | None = None
        slaughtered: F32 | None = None
        for k, rate in enumerate(cum):
            if rate is None:
                sums[k + 1] = prev_sum
                continue
            t = x * rate
            t += u
            np.floor(t, out=t)
            np.minimum(t, cap, out=t)
            prev_sum = t.sum(axis=1, dtype=np.float64)
            sums[k + 1] = prev_sum
            if k == 3:
                slaughtered = t if prev is None else t - prev
            prev = t
        end = cap - (prev if prev is not None else np.float32(0))
        herd[...] = end
        mine = _dot4(food32, end)
        if slaughtered is not None:
            mine += _dot4(meat32, slaughtered)
        member = hh.status[s] == STATUS_MEMBER
        np.copyto(
            animal_food[s],
            np.where(member, _repeat(k_pp, villages, c) * hh.members[s], mine),
        )
        return sums

    totals = np.zeros((7, 4, regions))
    for c, x in zip(chunks, runner.map(kernel, chunks), strict=True):
        totals[:, :, c.region] += x
    # Cumulative sums to flows, in the order births, death, fodder, procurement, slaughter,
    # neglect, confiscation.
    hh_flows = [totals[0]] + [totals[k] - (totals[k - 1] if k > 1 else 0) for k in range(1, 7)]
    flows = [np.rint(a).astype(np.int64) for a in hh_flows]
    k_flows = [villages.by_region(a) for a in k_totals]
    b, d, fo, pr, sl, ne, co = (flows[k] + k_flows[k] for k in range(7))
    return HerdFlows(b, d, sl, fo, ne, co, pr)


def _flows64(
    herd: I64,
    cum_parts: list[NDArray[np.float64] | None],
    birth: F64,
    rng: np.random.Generator,
) -> tuple[I64, list[I64]]:
    """Births and the cumulative outflows of the kolkhoz herds (4, V), whole head.

    ``cum_parts`` are the rates per head of each flow (not cumulated; None = zero);
    returns the cumulative whole-head outflows after each, capped by herd plus births.
    """
    n = herd.astype(np.float64)
    births = np.floor(n * birth[:, None] + rng.random(n.shape)).astype(np.int64)
    cap = herd + births
    u = rng.random(n.shape)
    rates = [np.zeros(n.shape) if r is None else np.broadcast_to(r, n.shape) for r in cum_parts]
    total = n * sum(rates, np.zeros(n.shape))
    scale = np.where(total > cap, cap / np.where(total > 0, total, 1.0), 1.0)
    cum = np.zeros(n.shape)
    out: list[I64] = []
    for r in rates:
        cum = cum + n * r * scale
        out.append(np.minimum(np.floor(cum + u).astype(np.int64), cap))
    return births, out

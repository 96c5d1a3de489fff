"""The baseline: the household model written with one Python object per household.

The way agent-based models are usually written (Mesa style): a ``Household`` class with
attributes and a ``step()``, a ``Kolkhoz`` class, and a scheduler that loops over the agents
once per year. It implements the same mechanisms as ``gosplan.sim.households`` with the same
parameters (joining with the campaign's probability, slaughter before joining, deportation
of kulaks, the harvest with village draught, the levy with the kolkhoz's higher reach, the
residual principle, the herd's flows, births and deaths from food per member), drawing from
one ``random.Random`` seeded explicitly. It starts from the vectorised layer's own 1928
households (so both run the same population) and is driven by the aggregate run's regional
quantities of each year (quota, pace, sown area, migration), which the vectorised layer
computes the same way: the comparison times the per-household work, which is what differs.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import numpy as np

from gosplan.sim.households.engine import HouseholdLayer
from gosplan.sim.spec import SPECIES, SimSpec

SUBSTEPS = 6


@dataclass
class Kolkhoz:
    """One kolkhoz: its members and its collective herd."""

    members: list[Household] = field(default_factory=list)
    animals: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    procured: float = 0.171
    fodder: float = 1.0
    recent: int = 0


@dataclass
class Household:
    """One peasant household."""

    region: int
    village: int
    members: int
    land: float
    animals: list[int]
    kulak: bool
    member: bool = False
    deported: bool = False
    pending: int = 0
    food: float = 0.3
    procured: float = 0.171
    fodder: float = 1.0
    grain_food: float = 0.0
    seed_need: float = 0.0
    fodder_need: float = 0.0

    def decide(self, model: Model, join_p: float, deport_p: float) -> None:
        u = model.rng.random()
        if self.deported or self.member:
            return
        if self.kulak:
            self.pending = 2 if u < deport_p else 0
        else:
            self.pending = 1 if u < join_p else 0

    def campaign(self, model: Model) -> None:
        k = model.kolkhozes[self.village]
        if self.pending == 2:
            self.deported = True
            model.deported_persons[self.region] += self.members
            self.members = 0
            for s in range(4):
                k.animals[s] += self.animals[s]
            self.animals = [0, 0, 0, 0]
        elif self.pending == 1:
            self.member = True
            k.members.append(self)
            k.recent += 1
            for s in range(4):
                k.animals[s] += self.animals[s]
            self.animals = [0, 0, 0, 0]
        self.pending = 0

    def harvest(self, model: Model, draught: float, ha: float) -> float:
        p = model.p
        if self.deported or self.members == 0:
            return 0.0
        pressure = max(0.0, self.procured - p["procurement_share_nep"])
        crop = self.land * ha * model.factor[self.region] * draught
        crop *= max(0.0, 1 - p["procurement_disincentive"] * pressure)
        return crop * (1 - p["kolkhoz_output_loss"]) if self.member else crop

    def levy(self, model: Model, crop: float, ratio: float, seed_need: float) -> None:
        taken = min(0.95, model.p["extraction_base"]) * crop * ratio
        self.seed_need = seed_need
        self.fodder_need = sum(model.fodder_rate[s] * self.animals[s] for s in range(4))
        self.grain_food = crop - taken  # grain left, divided by the region's rule below
        self.procured = taken / crop if crop > 0 else self.procured
        model.add_producer(self.region, taken, self.grain_food, seed_need, self.fodder_need)
        model.persons[self.region] += self.members

    def herd(self, model: Model) -> float:
        meat = 0.0
        for s in range(4):
            n = self.animals[s]
            if n == 0:
                continue
            births = math.floor(n * model.birth[s] + model.rng.random())
            rates = [model.death[s], 0.0, 0.0, 0.0, 0.0, model.taken[s] * model.q[self.region]]
            if self.pending == 1:
                rates[1] = model.slaughter[s]
                rates[3] = model.neglect
            rates[2] = model.fodder_loss[s] * max(0.0, 1 - self.fodder)
            if self.pending == 2:
                rates[4] = model.p["confiscation_loss"]
            total = sum(rates) * n
            cap = n + births
            scale = cap / total if total > cap else 1.0
            u = model.rng.random()
            cum, prev, out = 0.0, 0, 0
            for k, r in enumerate(rates):
                cum += n * r * scale
                here = min(math.floor(cum + u), cap)
                if k == 1:
                    meat += model.meat[s] * (here - prev)
                out += here - prev
                prev = here
            self.animals[s] = cap - out
        return meat + sum(model.animal_food[s] * self.animals[s] for s in range(4))

    def live(self, model: Model, animal_food: float) -> None:
        p = model.p
        if self.members == 0:
            return
        gap = max(0.0, 1 - self.food / p["famine_threshold"])
        n = self.members
        births = math.floor(
            n * p["birth_rate_rural"] * (1 - p["famine_birth_drop"] * gap) + model.rng.random()
        )
        rates = [
            p["famine_max_rate"] * gap ** p["famine_exponent"],
            p["death_rate_rural"],
            p["famine_flight"] * gap,
            model.migration[self.region],
        ]
        u = model.rng.random()
        cum, prev = 0.0, 0
        for r in rates:
            cum += n * r
            prev = min(math.floor(cum + u), n)
        self.members = n + births - prev
        if self.members > 0:
            self.food = (self.grain_food + animal_food) / self.members

    def step(self, model: Model) -> None:
        """The household's own rest of the year: its herd, then its people."""
        self.live(model, self.herd(model))


class Model:
    """Scheduler and regional glue of the object baseline."""

    def __init__(self, spec: SimSpec, layer: HouseholdLayer, seed: int) -> None:
        hh, v = layer.households, layer.villages
        self.p = spec.params
        self.spec = spec
        self.rng = random.Random(seed)
        region = np.repeat(np.arange(3), np.diff(np.append(hh.region_start, hh.n)))
        self.households = [
            Household(
                int(region[i]),
                int(hh.village[i]),
                int(hh.members[i]),
                float(hh.land[i]),
                [int(x) for x in hh.animals[:, i]],
                bool(hh.kulak[i]),
            )
            for i in range(hh.n)
        ]
        self.kolkhozes = [Kolkhoz() for _ in range(v.n)]
        self.villages: list[list[Household]] = [[] for _ in range(v.n)]
        for h in self.households:
            self.villages[h.village].append(h)
        p = self.p
        per = [lambda n: np.array([p[f"{n}_{s}"] for s in SPECIES])][0]
        self.birth, self.death = per("birth_rate"), per("death_rate")
        self.slaughter = p["slaughter_scale"] * per("slaughter")
        self.fodder_loss = p["fodder_loss_scale"] * per("fodder_loss")
        self.taken, self.fodder_rate = per("procured"), per("fodder")
        self.animal_food, self.meat = per("animal_food"), per("meat")
        self.neglect = p["kolkhoz_neglect"]
        self.factor = p["yield_base"] * np.array(
            [p["yield_factor_ukraine"], p["yield_factor_kazakhstan"], 1.0]
        )
        self.q = np.zeros(3)
        self.migration = np.full(3, p["migration_base"])
        self.procured = np.zeros(3)
        self.totals = np.zeros((4, 3))  # procured, left, seed need, fodder need
        self.persons = np.zeros(3)
        self.deported_persons = np.zeros(3, dtype=np.int64)
        self.weight = hh.weight

    def add_producer(
        self, region: int, taken: float, left: float, seed_need: float, fodder_need: float
    ) -> None:
        """Add a producer's deliveries and what it keeps to its region's totals."""
        self.procured[region] += taken
        t = self.totals[:, region]
        t[0] += taken
        t[1] += left
        t[2] += seed_need
        t[3] += fodder_need

    def year(
        self,
        year: int,
        state_share: np.ndarray,
        quota: np.ndarray,
        sown: np.ndarray,
        deport: np.ndarray,
    ) -> None:
        p, pol = self.p, self.spec.policy
        self.q = np.array(
            [pol.at(f"livestock_procurement_{r}", year) for r in ("ukraine", "kazakhstan", "rest")]
        )
        # Campaign: probabilities from the regional pace, then each household decides.
        counts = np.zeros(3)
        members = np.zeros(3)
        kulaks = np.zeros(3)
        for h in self.households:
            if not h.deported:
                counts[h.region] += 1
                members[h.region] += h.member
                kulaks[h.region] += h.kulak and not h.member
        join_p = np.clip((state_share * counts - members) / np.maximum(counts - members, 1), 0, 1)
        deport_p = np.clip(deport * 1e6 / self.weight / np.maximum(kulaks, 1), 0, 1)
        for h in self.households:
            h.decide(self, join_p[h.region], deport_p[h.region])
        for h in self.households:
            h.campaign(self)
        # Harvest and levy, village by village.
        land = np.zeros(3)
        for h in self.households:
            if not h.deported:
                land[h.region] += h.land
        ha = sown * 1e6 / self.weight / np.maximum(land, 1e-9)
        reach = np.zeros(3)
        tau_k = min(0.95, p["extraction_base"] + p["extraction_kolkhoz"])
        for vi, people in enumerate(self.villages):
            horses = self.kolkhozes[vi].animals[0] + sum(h.animals[0] for h in people)
            area = sum(h.land * ha[h.region] for h in people if not h.deported)
            need = p["draught_need_hp_per_ha"] * area
            draught = min(1.0, p["horse_hp"] * horses / need) if need > 0 else 1.0
            draught **= p["draught_elasticity"]
            for h in people:
                c = h.harvest(self, draught, ha[h.region])
                h.grain_food = c
                tau = tau_k if h.member else min(0.95, p["extraction_base"])
                reach[h.region] += tau * c
        ratio = np.minimum(1.0, quota * 1e6 / self.weight / np.maximum(reach, 1e-9))
        self.procured[:] = 0
        self.totals[:] = 0
        self.persons[:] = 0
        for h in self.households:
            if not h.member:
                h.levy(self, h.grain_food, ratio[h.region], p["seed_rate"] * h.land * ha[h.region])
        kept = []
        for k in self.kolkhozes:
            if not k.members:
                continue
            r = k.members[0].region
            crop = sum(h.grain_food for h in k.members)
            taken = tau_k * crop * ratio[r]
            seed_need = sum(p["seed_rate"] * h.land * ha[r] for h in k.members)
            need = sum(self.fodder_rate[s] * k.animals[s] for s in range(4))
            k.procured = taken / crop if crop > 0 else k.procured
            self.add_producer(r, taken, crop - taken, seed_need, need)
            self.persons[r] += sum(h.members for h in k.members)
            kept.append((k, r, crop - taken, seed_need, need))
        # The aggregate rule on each region's totals; seed and fodder laid on the
        # producers by sown area and animals; food shared by non-negative residuals.
        left, seed_need_r, need_r = self.totals[1], self.totals[2], self.totals[3]
        seed = np.minimum(seed_need_r, left)
        floor = p["rural_food_floor"] * self.persons
        fodder = np.minimum(need_r, np.maximum(0.0, left - seed - floor))
        food = left - seed - fodder
        s_share = np.where(seed_need_r > 0, seed / np.maximum(seed_need_r, 1e-300), 0.0)
        fed = np.where(need_r > 0, fodder / np.maximum(need_r, 1e-300), 1.0)
        claims = np.zeros(3)
        residual: list[tuple[object, int, float]] = []
        for h in self.households:
            if not h.member and not h.deported and h.members > 0:
                raw = h.grain_food - s_share[h.region] * h.seed_need - fed[h.region] * h.fodder_need
                h.fodder = float(fed[h.region])
                residual.append((h, h.region, max(0.0, raw)))
                claims[h.region] += max(0.0, raw)
        for k, r, kl, ks, kn in kept:
            k.fodder = float(fed[r])
            raw = max(0.0, kl - s_share[r] * ks - fed[r] * kn)
            residual.append((k, r, raw))
            claims[r] += raw
        q = np.where(claims > 0, food / np.maximum(claims, 1e-300), 0.0)
        for who, r, raw in residual:
            if isinstance(who, Household):
                who.grain_food = raw * q[r]
            elif isinstance(who, Kolkhoz):
                persons = sum(h.members for h in who.members)
                for h in who.members:
                    h.grain_food = raw * q[r] * h.members / max(persons, 1)
                    h.procured = who.procured
        # Herds and people.
        for h in self.households:
            h.step(self)
        for k in self.kolkhozes:
            fresh = k.recent / max(len(k.members), 1)
            k.recent = 0
            for s in range(4):
                n = k.animals[s]
                births = math.floor(n * self.birth[s] + self.rng.random())
                rate = (
                    self.death[s]
                    + self.fodder_loss[s] * max(0.0, 1 - k.fodder)
                    + self.neglect * fresh
                    + self.taken[s] * self.q[k.members[0].region if k.members else 2]
                )
                lost = math.floor(n * rate + self.rng.random())
                k.animals[s] = n + births - min(lost, n + births)


def run_baseline(
    spec: SimSpec, layer: HouseholdLayer, plan: dict[int, dict[str, np.ndarray]], seed: int
) -> tuple[int, int]:
    """Run the object model over the years of ``plan``; return (households, years)."""
    model = Model(spec, layer, seed)
    for year, inputs in sorted(plan.items()):
        model.year(year, inputs["share"], inputs["quota"], inputs["sown"], inputs["deport"])
    return len(model.households), len(plan)

"""The household layer's hooks into the aggregate engine (``gosplan.sim.engine.simulate``).

``simulate(spec, farms=HouseholdLayer(scale=N, rng=...))`` replaces the aggregate farm
steps (the campaign, the harvest, the village's part of the grain balance, the herds and
the villages' population) with the same mechanisms over households and kolkhozes; each
hook returns the aggregate record the engine expects (``Campaign``, the regional harvest,
``GrainYear``, ``HerdYear``, ``PopulationYear``), built from the households' sums times
the sample weight, so industry, the towns, the state's grain and trade run unchanged.

Stocks of people and animals are whole numbers; the layer keeps exact integer ledgers
(start + births - outflows = end, per region and species) and checks them every year.
"""

from __future__ import annotations

import hashlib

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.agriculture import (
    Campaign,
    HerdYear,
    campaign,
    entry_slaughter_factor,
    livestock_procurement,
    wave_slaughter,
)
from gosplan.sim.grain import GrainYear, grain_fodder_share
from gosplan.sim.grain import relief_total as grain_relief
from gosplan.sim.households.chunks import (
    Chunk,
    Runner,
    default_threads,
    int_sum,
    int_sums,
    make_chunks,
    village_rows,
    village_sums,
    workspace,
)
from gosplan.sim.households.farming import Fields, harvest, levy
from gosplan.sim.households.herds import herd_year
from gosplan.sim.households.kolkhozes import (
    Villages,
    make_villages,
    village_counts,
)
from gosplan.sim.households.people import expected_famine_deaths, people_year
from gosplan.sim.households.population import (
    STATUS_DEPORTED,
    STATUS_MEMBER,
    Households,
    synthesize,
)
from gosplan.sim.households.steps import (
    Decision,
    apply_decision,
    decide,
    exodus,
)
from gosplan.sim.population import PopulationYear, birth_boost, flight_ban, use_stocks
from gosplan.sim.spec import REGIONS, SPECIES, SimSpec
from gosplan.sim.state import State

__all__ = ["MAX_SCALE", "HouseholdLayer"]

#: The coarsest sample allowed: 1 household in 10^6 (about 25 rows).
MAX_SCALE = 1_000_000

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


#: Sub-step keys of the campaign's random streams (decisions take two keys each).
STEP_BEGIN = 0
STEP_MAKE_UP = 2
STEP_AUTUMN = 4


class HouseholdLayer:
    """Peasant households and kolkhozes, simulated one by one (vectorised).

    Parameters
    ----------
    scale
        Simulate every ``scale``-th household, each standing for ``scale`` households.
    rng
        The only source of randomness of the layer: it synthesizes the households and
        seeds the per-chunk streams of every later draw.
    threads
        Threads to run the chunks on (default: the machine's cores, at most 8). The
        result is the same bytes for any number.
    """

    def __init__(self, scale: int, rng: np.random.Generator, threads: int | None = None) -> None:
        if not 1 <= scale <= MAX_SCALE:
            raise ValueError(f"scale must be in [1, {MAX_SCALE}]; got {scale}")
        self.scale = scale
        self.rng = rng
        self.runner = Runner(
            default_threads() if threads is None else threads, int(rng.integers(2**63))
        )
        self._hh: Households | None = None
        self._villages: Villages | None = None
        self._chunks: tuple[Chunk, ...] = ()
        self._ledger: dict[str, float] = {}
        self._start_people = np.zeros(len(REGIONS), dtype=np.int64)
        self._start_animals = np.zeros((4, len(REGIONS)), dtype=np.int64)
        self._deported_persons = np.zeros(len(REGIONS), dtype=np.int64)
        self._crop = np.zeros(0, dtype=np.float32)
        self._grain_food = np.zeros(0, dtype=np.float32)
        self._animal_food = np.zeros(0, dtype=np.float32)
        self._food_mean = np.zeros(len(REGIONS))
        self._stocks = np.zeros(len(REGIONS))
        self._migration = np.zeros(len(REGIONS))
        self._year = 0
        self._fields: Fields | None = None
        # Member households and persons by village as the harvest counted them, for the
        # herds' year (no one joins or leaves in between).
        self._members: tuple[I64, I64] | None = None
        self._grain_done = False
        self._herds_done = False
        # The tally after the herds' year, its persons redone after the people's: the
        # state the next campaign begins from (nothing else changes what it counts).
        self._tally_after: I64 | None = None
        self.kolkhozes: list[int] = []
        """Working kolkhozes (with members) after each year's campaign, sample rows."""

    # --- the structure of arrays -------------------------------------------------------
    @property
    def households(self) -> Households:
        """The households (after ``begin``)."""
        if self._hh is None:
            raise RuntimeError("the household layer has not begun")
        return self._hh

    @property
    def villages(self) -> Villages:
        """The villages and their kolkhozes (after ``begin``)."""
        if self._villages is None:
            raise RuntimeError("the household layer has not begun")
        return self._villages

    def _mn(self, count: NDArray[np.generic]) -> F64:
        """Sample counts to millions of the whole population."""
        return np.asarray(count, dtype=np.float64) * (self.scale / 1e6)

    def _tally(self, statuses_only: bool = False) -> I64:
        """Totals by region, in one chunked pass, shape (8, 3).

        Persons, the households' own head of the four species, member households, deported
        households and all rows (with ``statuses_only``, the last three alone; the others
        are left zero).
        """
        hh = self.households

        def kernel(c: Chunk) -> I64:
            s = slice(c.lo, c.hi)
            status = hh.status[s]
            out = np.zeros(8, dtype=np.int64)
            if not statuses_only:
                out[0] = int_sum(hh.members[s])
                out[1:5] = int_sums(hh.animals[:4, s])
            out[5] = np.count_nonzero(status == STATUS_MEMBER)
            out[6] = np.count_nonzero(status == STATUS_DEPORTED)
            out[7] = c.hi - c.lo
            return out

        sums = np.zeros((8, len(REGIONS)), dtype=np.int64)
        for c, part in zip(self._chunks, self.runner.map(kernel, self._chunks), strict=True):
            sums[:, c.region] += part
        return sums

    def _people(self) -> I64:
        """Persons by region (one chunked pass over the members alone)."""
        members, chunks = self.households.members, self._chunks
        parts = self.runner.map(lambda c: int_sum(members[c.lo : c.hi]), chunks)
        out = np.zeros(len(REGIONS), dtype=np.int64)
        np.add.at(out, [c.region for c in chunks], parts)
        return out

    def _animals(self, tally: I64) -> I64:
        v = self.villages
        return np.asarray(tally[1:5] + v.by_region(v.animals), dtype=np.int64)

    def _present(self, tally: I64) -> I64:
        return np.asarray(tally[7] - tally[6], dtype=np.int64)

    def _share(self, tally: I64) -> F64:
        return np.asarray(tally[5] / np.maximum(tally[7] - tally[6], 1), dtype=np.float64)

    def _kolkhozes(self) -> int:
        """Working kolkhozes: villages whose member households hold any person."""
        hh, v = self.households, self.villages

        def kernel(c: Chunk) -> int:
            s = slice(c.lo, c.hi)
            ws = workspace()
            member = ws.get("k_member", c.hi - c.lo, np.bool_)
            np.equal(hh.status[s], STATUS_MEMBER, out=member)
            rows = village_rows(ws, 1, c.hi - c.lo)
            np.multiply(hh.members[s], member, out=rows[0])
            offs = np.asarray(v.start[c.v0 : c.v1] - c.lo, dtype=np.int64)
            return int(np.count_nonzero(village_sums(rows, offs)))

        return sum(self.runner.map(kernel, self._chunks))

    def _take_pending(self) -> Decision:
        """The decision taken in the autumn (``pending``), which is cleared."""
        hh = self.households
        join = np.empty(hh.n, dtype=np.bool_)
        deport = np.empty(hh.n, dtype=np.bool_)

        def kernel(c: Chunk) -> None:
            s = slice(c.lo, c.hi)
            pending = hh.pending[s]
            np.equal(pending, 1, out=join[s])
            np.equal(pending, 2, out=deport[s])
            pending[:] = 0

        self.runner.map(kernel, self._chunks)
        return Decision(join, deport)

    def _set_pending(self, decision: Decision | None) -> None:
        """``pending``: 1 where ``decision`` joins, 2 where it deports, else 0."""
        hh = self.households

        def kernel(c: Chunk) -> None:
            s = slice(c.lo, c.hi)
            pending = hh.pending[s]
            if decision is None:
                pending[:] = 0
                return
            np.add(decision.join[s], np.int8(0), out=pending, dtype=np.int8)
            pending += decision.deport[s].view(np.int8) * np.int8(2)

        self.runner.map(kernel, self._chunks)

    def digest(self) -> str:
        """SHA-256 of every state array: same seed, same bytes."""
        h = hashlib.sha256()
        for name, arr in {**self.households.arrays(), **self.villages.arrays()}.items():
            h.update(name.encode())
            h.update(np.ascontiguousarray(arr).tobytes())
        return h.hexdigest()

    def ledgers(self) -> dict[str, float]:
        """Residuals, this year, of the layer's own ledgers (exactly zero for integers)."""
        return dict(self._ledger)

    # --- hooks -------------------------------------------------------------------------
    def begin(self, spec: SimSpec, state: State) -> State:
        """Synthesize the households (first call) and return the state they imply."""
        if self._hh is None:
            p = spec.params
            counts = np.array(
                [max(1, round(h * 1e6 / self.scale)) for h in spec.initial.households],
                dtype=np.int64,
            )
            villages = village_counts(counts, self.scale)
            food = float(state.food_per_head.mean())
            self._hh = synthesize(
                spec.initial,
                p,
                self.scale,
                villages,
                food,
                p["procurement_share_nep"],
                self.rng,
                self.runner,
            )
            self._villages = make_villages(self._hh, villages, p["procurement_share_nep"], self.rng)
            hh, v = self._hh, self._villages
            self._chunks = make_chunks(hh.region_start, hh.n, v.start, v.region_start)
            self._crop = np.zeros(hh.n, dtype=np.float32)
            self._grain_food = np.zeros(hh.n, dtype=np.float32)
            self._animal_food = np.zeros(hh.n, dtype=np.float32)
            self._food_mean = np.full(len(REGIONS), food)
            self._stocks = np.array(state.village_stocks, dtype=np.float64)
            # The kolkhozes already there (the record's 0.8 % of mid-1927).
            before = self._decide(
                state.year - 1, STEP_BEGIN, state.kolkhoz_share, np.zeros(3), census=False
            )
            apply_decision(hh, v, self._chunks, self.runner, before)
            self._set_pending(None)
            v.recent[:] = 0
        elif self._ledger and state.year != self._year + 1:
            raise ValueError("the household layer continues only from the year after its last")
        tally = self._tally()
        self._tally_after = tally.copy()
        return state.evolve(
            rural=self._mn(tally[0]),
            households=self._mn(self._present(tally)),
            herds=self._mn(self._animals(tally)),
            kolkhoz_share=self._share(tally),
        )

    def _decide(
        self, year: int, step: int, peak: F64, deport: F64, census: bool = True
    ) -> Decision:
        hh, v = self.households, self.villages
        return decide(hh, v, self._chunks, self.runner, year, step, peak, deport, census)

    def campaign(self, spec: SimSpec, state: State, year: int) -> Campaign:
        """The winter campaign: decided households go, then the plan's pace is made up."""
        hh, v = self.households, self.villages
        chunks, runner = self._chunks, self.runner
        self._year = year
        tally = self._tally() if self._tally_after is None else self._tally_after
        self._tally_after = None
        self._members = None
        self._start_people = np.asarray(tally[0], dtype=np.int64)
        self._start_animals = self._animals(tally)
        target = campaign(spec, state, year)
        peak = state.kolkhoz_share + target.entries * (1 - state.kolkhoz_share)
        v.recent[:] = 0
        pending = self._take_pending()
        joined, deported, persons, before = apply_decision(hh, v, chunks, runner, pending)
        # Make up the pace where the decision of the autumn fell short (the first year, a
        # new plan's targets), with no slaughter ahead of it.
        need = np.maximum(0.0, target.deported_households * 1e6 / self.scale - deported)
        more = self._decide(year, STEP_MAKE_UP, peak, need, census=False)
        j2, d2, p2, _ = apply_decision(hh, v, chunks, runner, more)
        joined, deported, persons = joined + j2, deported + d2, persons + p2
        tally = self._tally(statuses_only=True)
        recent = np.asarray(v.by_region(v.recent), dtype=np.int64)
        left = exodus(
            hh, v, chunks, runner, year, target.share, tally[5], self._present(tally), recent
        )
        self._set_pending(None)
        self._deported_persons = persons
        self.kolkhozes.append(self._kolkhozes())
        if left.any():
            tally[5] -= left
        return Campaign(
            share=self._share(tally),
            entries=np.asarray(joined / np.maximum(before, 1), dtype=np.float64),
            deported_households=self._mn(deported),
            deported_persons=self._mn(persons),
        )

    def harvest(self, spec: SimSpec, state: State, camp: Campaign, weather: F64) -> F64:
        """The harvest, producer by producer; returns regional totals, mt."""
        p = spec.params
        yields = p["yield_base"] * np.array(
            [p["yield_factor_ukraine"], p["yield_factor_kazakhstan"], 1.0]
        )
        factor = (
            yields
            * weather
            * (1 - p["kulak_skill_loss"] * state.deported_share)
        )
        market = spec.policy.at("kolkhoz_market", state.year)
        self._fields, totals = harvest(
            self.households,
            self.villages,
            self._chunks,
            self.runner,
            p,
            state.sown_area,
            factor,
            state.tractors,
            market,
            self._crop,
            spec.policy.at("deliveries_by_area", state.year),
        )
        return self._mn(totals)

    def distribute(
        self,
        spec: SimSpec,
        year: int,
        harvest: F64,
        quota: F64,
        kolkhoz_share: F64,
        next_area: F64,
        rural: F64,
        urban: float,
        herds: F64,
        reserve: float,
        export_plan: float,
    ) -> GrainYear:
        """The grain balance: the village's part per producer, the state's as in ``grain``."""
        del herds, harvest
        p, pol = spec.params, spec.policy
        hh, v = self.households, self.villages
        seed_rule = pol.at("seed_before_deliveries", year) > 0.5
        if self._fields is None:
            raise RuntimeError("distribute() needs this year's harvest")
        g = levy(
            hh,
            v,
            self._chunks,
            self.runner,
            self._fields,
            p,
            self._crop,
            quota,
            next_area,
            seed_rule,
            self._grain_food,
            grain_fodder_share(spec, year, kolkhoz_share),
        )
        self._members = (self._fields.member_households, self._fields.persons)
        self._fields = None
        procurement = self._mn(g.procurement)
        stock = float(procurement.sum()) + reserve
        exports = min(export_plan, max(0.0, stock - p["urban_ration_min"] * urban))
        norm = p["urban_ration_norm"] * (
            1 + p["unrationed_extra"] * (1 - pol.at("rationing", year))
        )
        urban_supply = min(norm * urban, stock - exports)
        remaining = stock - exports - urban_supply
        # Relief as in the aggregate model: a share of the state's stock, to each region in
        # proportion to how far its food falls short of the famine threshold; within the
        # region, to households in proportion to their own shortfall.
        region_short = np.maximum(0.0, p["famine_threshold"] * g.persons - g.food)
        short = float(self._mn(region_short).sum())
        relief = np.zeros(len(REGIONS))
        if short > 0:
            relief_total = grain_relief(spec, year, remaining, short)
            # Households' shortfalls add up to at least the region's (so the ratio is at
            # most 1); where none is short (rounding), the region gets none.
            hh_short = self._mn(g.shortfall)
            relief = np.where(hh_short > 0, relief_total * self._mn(region_short) / short, 0.0)
            ratio = np.minimum(1.0, relief / np.where(hh_short > 0, hh_short, 1.0))
            relief = ratio * hh_short
            remaining -= float(relief.sum())
            if np.any(ratio > 0):
                self._relieve(p["famine_threshold"], ratio)
        new_reserve = min(remaining, p["state_reserve_target"])
        revenue = (
            exports * pol.at("world_grain_price", year) + pol.at("other_exports", year)
        ) + pol.at("foreign_credit", year)
        self._grain_done = True
        return GrainYear(
            harvest=self._mn(g.harvest),
            procurement=procurement,
            seed=self._mn(g.seed),
            fodder=self._mn(g.fodder),
            fodder_need=self._mn(g.fodder_need),
            food=self._mn(g.food) + relief,
            relief=relief,
            exports=exports,
            urban_supply=urban_supply,
            state_other=remaining - new_reserve,
            reserve=new_reserve,
            export_revenue=revenue - pol.at("foreign_credit", year),
            machinery_imports=p["machinery_import_share"]
            * revenue
            / pol.at("import_price_index", year),
        )

    def _relieve(self, threshold: float, ratio: F64) -> None:
        """Add relief to each household's grain food: ``ratio[r]`` of its shortfall."""
        hh, food = self.households, self._grain_food
        t32 = np.float32(threshold)

        def kernel(c: Chunk) -> None:
            r32 = np.float32(ratio[c.region])
            if r32 <= 0:
                return
            s = slice(c.lo, c.hi)
            short = np.maximum(np.float32(0), t32 * hh.members[s] - food[s])
            food[s] += r32 * short

        self.runner.map(kernel, self._chunks)

    def herd_step(self, spec: SimSpec, state: State, year: int) -> HerdYear:
        """The herds' year, through the coming winter's campaign (decided now)."""
        p, pol = spec.params, spec.policy
        hh, v = self.households, self.villages
        nxt = campaign(spec, state, year + 1)
        peak = state.kolkhoz_share + nxt.entries * (1 - state.kolkhoz_share)
        decision = self._decide(year, STEP_AUTUMN, peak, nxt.deported_households * 1e6 / self.scale)
        self._set_pending(decision)
        if decision.census is None:
            raise RuntimeError("a decision carries its census")
        rates = livestock_procurement(spec, state, year)
        # Later waves of entrants slaughter less than the storm's, and once cows and small
        # stock stay with the household, less of them (as the aggregate's step).
        kept = entry_slaughter_factor(spec, year)
        wave = p.replace(
            slaughter_scale=p["slaughter_scale"] * wave_slaughter(spec, year),
            **{f"slaughter_{s}": p[f"slaughter_{s}"] * float(kept[k])
               for k, s in enumerate(SPECIES)},
        )
        flows = herd_year(
            hh,
            v,
            self._chunks,
            self.runner,
            year,
            wave,
            pol.at("private_plots", year),
            rates,
            decision.census,
            np.asarray(state.fodder_sufficiency, dtype=np.float64),
            self._animal_food,
            self._members,
        )
        self._members = None
        self._herds_done = True
        tally = self._tally()
        self._tally_after = tally
        end = self._animals(tally)
        outflows = (
            flows.deaths
            + flows.slaughter
            + flows.fodder_losses
            + flows.neglect
            + flows.confiscated
            + flows.procured
        )
        self._ledger["households_animals"] = float(
            np.abs(end - self._start_animals - flows.births + outflows).max()
        )
        mn = self._mn
        return HerdYear(
            herds=mn(end),
            births=mn(flows.births),
            deaths=mn(flows.deaths),
            slaughter=mn(flows.slaughter),
            fodder_losses=mn(flows.fodder_losses),
            neglect=mn(flows.neglect),
            confiscated=mn(flows.confiscated),
            procured=mn(flows.procured),
        )

    def _migration_rate(self, spec: SimSpec, rural: F64, entries: F64, new_jobs: float) -> F64:
        """Share of each region's villagers leaving for jobs (``population.live``'s pull)."""
        p = spec.params
        pull = p["migration_per_job"] * max(0.0, new_jobs) + p["migration_base"] * rural.sum()
        pull += p["migration_campaign_push"] * float(entries @ rural)
        moved = np.minimum(pull * rural / rural.sum(), p["migration_cap"] * rural)
        return np.asarray(np.where(rural > 0, moved / np.maximum(rural, 1e-12), 0.0))

    def live(
        self,
        spec: SimSpec,
        state: State,
        deported: F64,
        entries: F64,
        new_jobs: float,
        urban_food: float,
    ) -> PopulationYear:
        """The villages' year household by household; the towns' as in ``population``."""
        del deported
        p, year = spec.params, state.year
        hh = self.households
        if not (self._grain_done and self._herds_done):
            raise RuntimeError("live() needs this year's grain and herds")
        self._grain_done = self._herds_done = False
        ban = flight_ban(spec, year)
        rural_now = self._mn(self._start_people)
        self._migration = self._migration_rate(spec, rural_now, entries, new_jobs)
        plot = p["plot_food"] * spec.policy.at("private_plots", year)
        flows = people_year(
            hh,
            self.villages,
            self._chunks,
            self.runner,
            year,
            p,
            ban,
            self._migration,
            self._food_mean,
            self._grain_food,
            self._animal_food,
            plot,
            birth_boost(spec, year),
        )
        # The villages' stocks carry food from good years to bad, as in the aggregate model.
        self._food_mean, self._stocks = use_stocks(spec, flows.food, self._stocks)
        end = self._people()
        if self._tally_after is not None:
            self._tally_after[0] = end
        self._ledger["households_people"] = float(
            np.abs(
                self._start_people
                + flows.births
                - flows.deaths
                - flows.excess
                - flows.flight
                - flows.migration
                - self._deported_persons
                - end
            ).max()
        )
        U = state.urban
        urban_gap = max(0.0, 1.0 - urban_food / p["urban_famine_threshold"])
        excess_urban = p["famine_max_rate"] * urban_gap ** p["famine_exponent"] * U
        moved = self._mn(flows.flight + flows.migration)
        boost = birth_boost(spec, year)
        urban_births = boost * p["birth_rate_urban"] * U
        urban = U + urban_births - p["death_rate_urban"] * U - excess_urban + moved
        settler_deaths = p["settler_mortality"] * state.special_settlers
        persons = self._mn(self._deported_persons)
        return PopulationYear(
            rural=self._mn(end),
            urban=urban,
            special_settlers=state.special_settlers + float(persons.sum()) - settler_deaths,
            births=self._mn(flows.births) + urban_births,
            deaths=self._mn(flows.deaths) + p["death_rate_urban"] * U,
            excess_deaths=self._mn(flows.excess) + excess_urban,
            settler_deaths=settler_deaths,
            migration=self._mn(flows.migration),
            flight=self._mn(flows.flight),
            deported=persons,
        )

    def committed(self, spec: SimSpec, state: State, urban_food: float) -> F64:
        """Famine deaths the last harvest commits the following year to (expected)."""
        p = spec.params
        ban = flight_ban(spec, state.year)
        rural = self._mn(self._people())
        rate = self._migration_rate(spec, rural, np.zeros(len(REGIONS)), 0.0)
        rural_excess = self._mn(
            expected_famine_deaths(self.households, p, ban, rate, self._food_mean)
        )
        urban_gap = max(0.0, 1.0 - urban_food / p["urban_famine_threshold"])
        return np.asarray(
            rural_excess + p["famine_max_rate"] * urban_gap ** p["famine_exponent"] * state.urban
        )

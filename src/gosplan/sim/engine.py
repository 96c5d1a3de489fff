"""The yearly cycle of DESIGN.md §4: plan, produce, farm, procure and distribute, live, record.

``simulate(spec)`` runs it; every mechanism lives in its own module and is a function of the
state at the start of the year. Randomness (weather, when asked for) comes only from the
``numpy.random.Generator`` passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.agriculture import january_count
from gosplan.sim.catalogue import CATALOGUE, INDUSTRY_SERIES
from gosplan.sim.farms import AggregateFarms, FarmLayer
from gosplan.sim.grain import fodder_sufficiency, grain_fodder_share
from gosplan.sim.industry import labour_values, produce
from gosplan.sim.materials import materials
from gosplan.sim.planner import make_plan
from gosplan.sim.population import escape, use_stocks
from gosplan.sim.spec import INDUSTRY, REGIONS, SPECIES, SimSpec
from gosplan.sim.state import State
from gosplan.sim.tallies import big_cities, cows_january, primary_energy, town_flows
from gosplan.sim.trade import trade_totals

__all__ = ["FarmLayer", "SimResult", "famine_totals", "initial_state", "simulate"]

FloatArray = NDArray[np.float64]
_HERD_SERIES = ("horses_summer", "cattle_summer", "pigs_summer", "sheep_and_goats_summer")
_JANUARY_SERIES = ("horses_jan", "cattle_jan", "pigs_jan", "sheep_and_goats_jan")


@dataclass(frozen=True, slots=True, eq=False)
class SimResult:
    """Simulated series by year, the plan's quotas, and the ledgers that prove conservation."""

    name: str
    years: tuple[int, ...]
    series: dict[str, FloatArray]
    """Simulated series by name, one value per year."""
    plan: dict[str, FloatArray]
    """The planner's annual quotas and expectations, by series name."""
    units: dict[str, str]
    totals: dict[str, tuple[int, float]] = field(default_factory=dict)
    """Famine tolls as the record stores them: name -> (year stored under, mn deaths)."""
    ledgers: dict[str, FloatArray] = field(default_factory=dict)
    """Conservation residuals per year (grain, people, animals): zero up to rounding."""
    states: tuple[State, ...] = ()
    """The state at the start of each year, and after the last."""
    committed: FloatArray | None = None
    """Excess deaths by region in the year after the last, committed by the last harvest."""


def initial_state(spec: SimSpec) -> State:
    """The state at the start of the first year, from the scenario's initial values."""
    ini, p = spec.initial, spec.params
    return State(
        year=spec.years[0],
        rural=ini.rural,
        urban=ini.urban,
        special_settlers=ini.special_settlers,
        households=ini.households,
        kolkhoz_share=np.full(
            len(REGIONS), spec.policy.at("collectivization_before", spec.years[0])
        ),
        deported_share=np.zeros(len(REGIONS)),
        sown_area=ini.sown_area,
        herds=ini.herds,
        tractors=ini.tractors,
        capacity=ini.capacity,
        unfinished=ini.unfinished,
        grain_reserve=ini.grain_reserve,
        food_per_head=np.full(len(REGIONS), p["initial_food_per_head"]),
        fodder_sufficiency=np.ones(len(REGIONS)),
        procured_share=np.full(len(REGIONS), p["procurement_share_nep"]),
        employment=ini.employment,
        machinery_imports=p["initial_machinery_imports"],
        recent_entries=np.zeros(len(REGIONS)),
        village_stocks=np.full(len(REGIONS), p["village_stock_max"]),
    )


def simulate(
    spec: SimSpec,
    rng: np.random.Generator | None = None,
    state: State | None = None,
    farms: FarmLayer | None = None,
) -> SimResult:
    """Run the simulation over ``spec.years`` (from ``state`` if given, else the initial one).

    ``rng`` draws the weather when the ``weather_sd`` parameter is positive; without it the
    scenario's weather index is used as it stands, and the run is deterministic. ``farms``
    (e.g. a ``households.HouseholdLayer``) replaces the aggregate farm steps; without it
    the aggregate model runs.
    """
    p, pol = spec.params, spec.policy
    v = labour_values(spec)
    # The scenario's tractor park is the record's end of its first year, deliveries of that
    # year included; a run carried on from another starts from that run's end instead.
    tractors_given = state is None
    state = state or initial_state(spec)
    # One path: the aggregate farms and the household layer implement the same steps.
    farms = farms if farms is not None else AggregateFarms()
    state = farms.begin(spec, state)
    rec: dict[str, list[float]] = {}
    planned: dict[str, list[float]] = {}
    ledgers: dict[str, list[float]] = {
        "grain": [],
        "people": [],
        "animals": [],
        "construction": [],
    }
    states = [state]
    other_jobs_share = 0.0  # set from the first year so that its total is the record
    cumulative_families = 0.0

    def put(store: dict[str, list[float]], name: str, value: float) -> None:
        store.setdefault(name, []).append(float(value))

    for year in spec.years:
        camp = farms.campaign(spec, state, year)
        plan = make_plan(spec, state)
        ind = produce(spec, state, plan, v)
        # Soft budgets hired for the quota, but nobody dismissed half a workforce when a
        # quota fell (the wage-fund discipline of 1933 stopped hiring: MODEL-NOTES M17):
        # industrial jobs shrink at most by the separation rate a year.
        industry_jobs = ind.employment_industry
        if state.employment_industry > 0:
            industry_jobs = max(
                industry_jobs, (1 - p["job_separation"]) * state.employment_industry
            )
        households = state.households - camp.deported_households
        deported_share = state.deported_share + camp.deported_households / state.households
        joined = camp.entries * (1 - state.kolkhoz_share)
        farm_state = state.evolve(
            kolkhoz_share=camp.share,
            households=households,
            deported_share=deported_share,
            recent_entries=joined,
        )
        weather = np.array([pol.at(f"weather_{r}", year) for r in REGIONS])
        if rng is not None and p["weather_sd"] > 0:
            weather = weather * np.exp(rng.normal(0.0, p["weather_sd"], len(REGIONS)))
        crop = farms.harvest(spec, farm_state, camp, weather)
        base_area = spec.initial.sown_area
        next_area = pol.at("sown_area_plan", year + 1) * base_area / base_area.sum()
        grain = farms.distribute(
            spec,
            year,
            crop,
            plan.procurement_quota,
            camp.share,
            next_area,
            state.rural,
            float(state.urban.sum()),
            state.herds,
            state.grain_reserve,
            plan.export_plan,
        )
        # Grain feeds its share of the herds' norm, pasture and hay the rest (Kazakhstan).
        sufficiency = fodder_sufficiency(
            grain_fodder_share(spec, year, camp.share), grain.fodder, grain.fodder_need
        )
        herd = farms.herd_step(spec, farm_state.evolve(fodder_sufficiency=sufficiency), year)

        employment = (
            other_jobs_share * float(state.urban.sum())
            + industry_jobs
            + ind.employment_construction
        )
        if year == spec.years[0]:
            # The first year defines the level: other jobs make up 1928's total.
            other_jobs_share = (
                state.employment - industry_jobs - ind.employment_construction
            ) / float(state.urban.sum())
            employment = state.employment
        urban_food = grain.urban_supply / float(state.urban.sum())
        pop = farms.live(
            spec,
            state,
            camp.deported_persons,
            camp.entries,
            employment - state.employment,
            urban_food,
        )
        # Some settlers fled the settlements for the towns (either farm layer's people).
        pop = escape(spec, state, pop)

        animal_food = (
            np.array([p[f"animal_food_{s}"] for s in SPECIES]) @ herd.herds
            + np.array([p[f"meat_{s}"] for s in SPECIES]) @ herd.slaughter
        )
        # Household plots (legal from the 1930 Model Statute) add potatoes and vegetables.
        plot_food = p["plot_food"] * pol.at("private_plots", year)
        food_per_head, village_stocks = use_stocks(
            spec, (grain.food + animal_food) / pop.rural + plot_food, state.village_stocks
        )
        seed_area = np.minimum(next_area, grain.seed / p["seed_rate"])
        imported_tractors = p["tractor_import_share"] * state.machinery_imports / p["tractor_price"]
        tractors = (
            state.tractors * (1 - p["tractor_wreck_rate"]) + ind.tractors_new + imported_tractors
        )
        if tractors_given and year == spec.years[0]:
            tractors = state.tractors

        # Record, under the record's names.
        for k, pid in enumerate(INDUSTRY):
            put(rec, INDUSTRY_SERIES[pid], ind.output[k])
            put(planned, INDUSTRY_SERIES[pid], plan.quotas[k])
        # The same coal in energy units, judged against an independent compilation.
        coal = float(ind.output[INDUSTRY.index("coal")])
        put(rec, "coal_output_energy", coal * p["coal_energy"])
        put(
            rec,
            "primary_energy_consumption",
            primary_energy(p, coal, float(ind.output[INDUSTRY.index("oil")])),
        )
        put(rec, "grain_harvest", crop.sum())
        # Reports exaggerated the crop: individual farms as in 1928, collective farms by the
        # policy's bias (barn-yield claims, from 1933 the biological yield).
        c = state.kolkhoz_share
        bias = p["report_bias_individual"] * (1 - c) + pol.at("harvest_report_bias", year) * c
        official = float(crop @ bias)
        put(rec, "grain_harvest_official_1930s", official)
        put(rec, "grain_yield_official", 10 * official / float(state.sown_area.sum()))
        put(planned, "grain_harvest", plan.harvest_plan)
        put(planned, "grain_procurement", plan.procurement_quota.sum())
        put(planned, "grain_exports", plan.export_plan)
        put(rec, "grain_procurement", grain.procurement.sum())
        put(rec, "grain_exports", grain.exports)
        put(rec, "grain_sown_area", state.sown_area.sum())
        retained = (grain.food + grain.fodder) / pop.rural * 1000
        put(
            rec,
            "grain_retained_per_rural_head",
            float((grain.food + grain.fodder).sum() / pop.rural.sum() * 1000),
        )
        put(rec, "grain_retained_per_rural_head_ukraine", retained[0])
        put(rec, "grain_retained_per_rural_head_kazakhstan", retained[1])
        put(
            rec,
            "food_per_rural_head",
            float(state.food_per_head @ state.rural / state.rural.sum() * 1000),
        )
        share = float(camp.share @ households / households.sum())
        put(rec, "collectivization_pct", 100 * share)
        put(rec, "households_in_kolkhozes", float(camp.share @ households))
        # The January count lies between two summers: the animals not to be wintered are
        # slaughtered in the autumn, the young are born in the spring. January of the next
        # year is this summer's herd less the share of the herd year's losses that fall before
        # the New Year, plus the young born in the autumn (pigs farrow twice a year); a run's
        # first January, with no herd year before it, uses its own.
        january_next = january_count(state.herds, herd, p["losses_before_january"])
        january = state.january_herds if state.january_herds.any() else january_next
        for k, name in enumerate(_HERD_SERIES):
            put(rec, name, state.herds[k].sum())
            put(rec, _JANUARY_SERIES[k], january[k])
        put(rec, "cows_jan", cows_january(p, january[SPECIES.index("cattle")]))
        put(rec, "kazakhstan_cattle", state.herds[SPECIES.index("cattle"), 1])
        put(rec, "kazakhstan_sheep", state.herds[SPECIES.index("sheep"), 1])
        put(rec, "tractors_in_agriculture", tractors)
        total_start = float(state.rural.sum() + state.urban.sum()) + state.special_settlers
        total_end = float(pop.rural.sum() + pop.urban.sum()) + pop.special_settlers
        put(rec, "population_total", 0.5 * (total_start + total_end))
        put(rec, "population_total_january", total_start)
        net_migration = float((pop.migration + pop.flight).sum())
        put(rec, "urban_net_in_migration", net_migration)
        arrivals, departures = town_flows(p, float(state.urban.sum()), net_migration)
        put(rec, "urban_arrivals", arrivals)
        put(rec, "urban_departures", departures)
        put(rec, "population_in_cities_over_100k", big_cities(p, float(state.urban.sum())))
        put(rec, "population_urban", state.urban.sum())
        put(rec, "population_rural", state.rural.sum())
        put(rec, "employed_national_economy", employment)
        m_cloth = INDUSTRY.index("cotton_fabric")
        per_worker = (grain.urban_supply / employment, ind.final_use[m_cloth] / employment)
        wage_base = state.wage_base if state.wage_base[0] > 0 else per_worker
        w = p["real_wage_food_weight"]
        real_wage = (per_worker[0] / wage_base[0]) ** w * (per_worker[1] / wage_base[1]) ** (1 - w)
        put(rec, "real_wage_index_1928_100", 100 * real_wage)
        # Kornai's shortage: money wages grow by decree, goods per worker do not; the gap is
        # the money chasing goods that are not there (queues, rationing, the black market).
        put(rec, "nominal_wage_index_1928_100", 100 * state.nominal_wage)
        put(rec, "shortage_index", state.nominal_wage / real_wage)
        excess = pop.excess_deaths
        put(
            rec,
            "excess_deaths_ussr",
            excess.sum()
            + pop.settler_deaths
            - p["settler_mortality_normal"] * state.special_settlers,
        )
        put(rec, "excess_deaths_ukraine", excess[0])
        put(rec, "excess_deaths_kazakhstan", excess[1])
        put(rec, "special_settlers_count", state.special_settlers * 1e6)
        put(rec, "special_settler_escapes", pop.settler_escapes * 1e6)
        put(
            rec,
            "special_settler_deaths",
            p["settler_mortality"] * state.special_settlers * 1e6,
        )
        cumulative_families += float(camp.deported_households.sum())
        put(rec, "kulak_families_deported_special_settlement", cumulative_families * 1e6)
        put(rec, "export_revenue", grain.export_revenue)
        put(
            rec,
            "grain_share_of_export_earnings",
            100
            * grain.exports
            * pol.at("world_grain_price", year)
            / max(grain.export_revenue, 1e-9),
        )
        put(rec, "machinery_imports", state.machinery_imports)
        # --- Industry: products outside the input–output table, under the record's names.
        steel = float(ind.output[INDUSTRY.index("steel")])
        sheep = float(state.herds[SPECIES.index("sheep")].sum())
        made = materials(spec, year, steel, ind.tractors_new, sheep, state.capacity, v)
        for name, value in made.items():
            put(rec, name, value)
        put(rec, "employed_industry", industry_jobs)
        for name, value in trade_totals(spec, year, grain.export_revenue).items():
            put(rec, name, value)
        put(rec, "investment", ind.investment)
        put(
            rec,
            "unfinished_construction_ratio",
            float(v @ state.unfinished) / float(v @ state.capacity),
        )

        ledgers["grain"].append(
            float(
                np.abs(
                    crop + grain.relief - grain.procurement - grain.seed - grain.fodder - grain.food
                ).max()
                + abs(
                    grain.procurement.sum()
                    + state.grain_reserve
                    - grain.exports
                    - grain.urban_supply
                    - grain.state_other
                    - grain.relief.sum()
                    - grain.reserve
                )
            )
        )
        births, dead = float(pop.births.sum()), float(pop.deaths.sum() + excess.sum())
        ledgers["people"].append(abs(total_end - total_start - births + dead + pop.settler_deaths))
        ledgers["animals"].append(
            float(np.abs(herd.herds - state.herds - herd.births + herd.outflows).max())
        )
        # Construction: what is under way changes by starts less completions, and capacity
        # by completions less wear.
        delta = np.asarray(spec.economy.depreciation)[[spec.economy.index(pid) for pid in INDUSTRY]]
        ledgers["construction"].append(
            float(
                np.abs(ind.unfinished - state.unfinished - ind.started + ind.completed).max()
                + np.abs(ind.capacity - (1 - delta) * state.capacity - ind.completed).max()
            )
        )
        for name, residual in farms.ledgers().items():
            ledgers.setdefault(name, []).append(residual)

        state = State(
            year=year + 1,
            rural=pop.rural,
            urban=pop.urban,
            special_settlers=pop.special_settlers,
            households=households,
            kolkhoz_share=camp.share,
            deported_share=deported_share,
            sown_area=seed_area,
            herds=herd.herds,
            tractors=tractors,
            capacity=ind.capacity,
            unfinished=ind.unfinished,
            grain_reserve=grain.reserve,
            food_per_head=food_per_head,
            fodder_sufficiency=sufficiency,
            procured_share=grain.procurement / np.maximum(crop, 1e-9),
            employment=employment,
            employment_industry=industry_jobs,
            tractor_works=ind.tractor_works,
            machinery_imports=grain.machinery_imports,
            recent_entries=joined,
            wage_base=wage_base,
            nominal_wage=state.nominal_wage * (1 + p["nominal_wage_growth"]),
            village_stocks=village_stocks,
            january_herds=january_next,
        )
        states.append(state)

    as_arrays = {k: np.asarray(vals) for k, vals in rec.items()}
    # The hunger a harvest causes falls in the following year: a run that ends with a
    # harvest still reckons the deaths it has committed (with next year's policies).
    last_food = grain.urban_supply / float(state.urban.sum())
    committed_deaths = farms.committed(spec, state, last_food)
    return SimResult(
        name=spec.name,
        years=spec.years,
        series=as_arrays,
        totals=famine_totals(as_arrays, spec.years, committed_deaths),
        committed=committed_deaths,
        plan={k: np.asarray(vals) for k, vals in planned.items()},
        units={name: e.unit for name, e in CATALOGUE.items()},
        ledgers={k: np.asarray(v_) for k, v_ in ledgers.items()},
        states=tuple(states),
    )


def famine_totals(
    series: dict[str, FloatArray], years: tuple[int, ...], committed: FloatArray
) -> dict[str, tuple[int, float]]:
    """The famine tolls as the record stores them: 1932–33 (1930–33 in Kazakhstan) under 1933."""
    windows = {
        "ussr": (1932, 1933, None),
        "ukraine": (1932, 1933, 0),
        "kazakhstan": (1930, 1933, 1),
    }
    totals = {}
    for region, (first, last, k) in windows.items():
        by_year = dict(zip(years, series[f"excess_deaths_{region}"].tolist(), strict=True))
        after = years[-1] + 1
        by_year[after] = float(committed.sum() if k is None else committed[k])
        if first in by_year and last in by_year:
            toll = sum(v for y, v in by_year.items() if first <= y <= last)
            totals[f"famine_excess_deaths_{region}"] = (last, toll)
    return totals

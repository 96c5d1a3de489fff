"""The declared catalogue of what the simulator records: one entry per series, read everywhere.

Each :class:`Entry` says what a series is: its name (the record's own wherever it has one),
unit, a label for a visitor, the record series it is judged against, and its *kind*:

``input``
    Set by the scenario's policies from the record or from decisions, not produced by the
    model's mechanisms: grain exports (the Politburo's export plan), the share collectivized
    (the official mid-year series and the March 1930 peak), deportations, the tractor
    programme, the sown area, and what follows from them alone (the official harvest is the
    physical one times the record's own ratio of the two). Its distance from the record
    says nothing about the model, so it is never scored.
``target``
    Simulated, but a calibration target: the famine tolls are fitted into their published
    ranges, and procurement is matched year by year through the policy's procurement
    shares. A target is in the calibration loss and shown as *calibrated to*, never as a
    success.
``simulated``
    Produced by the model's mechanisms from the state of the year before. Only these,
    in the years after the first, are scored (:data:`FIT_YEARS`).
``initial``
    The value of every series in a run's first year is an initial condition (the scenario's
    starting values, or parameters set to reproduce them), whatever the series' own kind:
    :func:`kind_in` says so. No series is ``initial`` as a whole.

Everything that names, labels or scores a series reads this module: the engine's units, the
fit and the calibration, the run table, the report and (for the exhibit) :func:`entry`,
:func:`label`, :func:`unit`, :func:`short_unit`, :func:`display`, :func:`kind_in`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from gosplan.errors import GosplanError

__all__ = [
    "CATALOGUE",
    "FIRST_YEAR",
    "FIT_YEARS",
    "INDUSTRY_SERIES",
    "KINDS",
    "Entry",
    "Kind",
    "UnknownSeriesError",
    "comparator",
    "display",
    "entry",
    "kind",
    "kind_in",
    "label",
    "names",
    "short_unit",
    "unit",
]

Kind = Literal["initial", "input", "target", "simulated"]
#: The kinds a series (or one year of it) may have.
KINDS: tuple[Kind, ...] = ("initial", "input", "target", "simulated")

#: The first year of the historical run: its values are initial conditions, never scored.
FIRST_YEAR = 1928
#: The years the fit scores and the calibration fits: after the first, up to 1932. Outcomes
#: from 1933 on are withheld (judged out of sample), so they are never fitted.
FIT_YEARS = range(FIRST_YEAR + 1, 1933)


class UnknownSeriesError(GosplanError, KeyError):
    """A series name the catalogue does not declare."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One series the simulator records."""

    name: str
    """The simulated name (the record's own where it has the series under that name)."""
    unit: str
    """Unit as the engine records it (and as the record states it, where it has it)."""
    label: str
    """Plain English for a visitor, e.g. ``"Grain harvest"``."""
    kind: Kind
    """``input``, ``target`` or ``simulated`` (module notes)."""
    why: str
    """What sets the series: the mechanism, or the policy or target that pins it."""
    comparator: str | None = None
    """The record series it is judged against; ``None`` where the record has none."""
    short_unit: str = ""
    """The unit in a narrow table column or an axis title (the unit itself if empty)."""
    scale: float = 1.0
    """Multiplier for display in :attr:`display_unit` (1 if the unit is shown as is)."""
    display_unit: str = ""
    """The unit values are shown in after :attr:`scale` (the short unit if empty)."""
    initial_years: tuple[int, ...] = ()
    """Years of the record the scenario's starting values were taken from: there the
    series echoes its initial condition and is ``initial``, not scored."""


def _e(
    name: str,
    unit: str,
    label: str,
    kind: Kind,
    why: str,
    *,
    record: str | None = "",
    short: str = "",
    scale: float = 1.0,
    shown_in: str = "",
    initial_years: tuple[int, ...] = (),
) -> Entry:
    # ``record=""`` means the record has the series under the same name.
    comparator = name if record == "" else record
    return Entry(name, unit, label, kind, why, comparator, short, scale, shown_in, initial_years)


_IND = "produced by the industry model from capacity, inputs and the planner's quotas"
_HERD = "births, deaths, slaughter, fodder and neglect of the livestock model"
_DEATHS = "excess deaths of the population model; their famine sums are calibration targets"
_TOLL = "fitted into the published range by the calibration (a target, not an outcome)"
_JANUARY = (
    "the summer herd less the share of the herd year's losses that fall before the New Year "
    "(parameter losses_before_january): the count the statistical office took each 1 January"
)

_ENTRIES = (
    _e("pig_iron_output", "mt", "Pig iron", "simulated", _IND),
    _e("steel_output", "mt", "Steel", "simulated", _IND),
    _e("coal_output", "mt", "Coal", "simulated", _IND),
    _e("oil_output", "mt", "Oil", "simulated", _IND),
    _e("electricity_output", "bn kWh", "Electricity", "simulated", _IND),
    _e("machinery_output_1926_27_prices", "mn 1926/27 rubles", "Machinery", "simulated", _IND),
    _e("cotton_fabric_output", "bn m", "Cotton fabric", "simulated", _IND),
    _e(
        "grain_harvest",
        "mt",
        "Grain harvest",
        "simulated",
        "sown area, yield, draught power, weather and the disruptions of collectivization; "
        "the physical crop, judged against Wheatcroft and Davies",
        record="grain_harvest_wheatcroft_davies",
    ),
    _e(
        "grain_harvest_official_1930s",
        "mt",
        "Grain harvest, official",
        "simulated",
        "the simulated harvest as reported: individual farms exaggerate it as in 1928, "
        "collective farms by the policy harvest_report_bias (barn-yield claims 20-30% high)",
    ),
    _e(
        "grain_yield_official",
        "centners per ha",
        "Grain yield, official",
        "simulated",
        "the official harvest over the area sown, centners a hectare",
        record="grain_yield",
    ),
    _e(
        "grain_procurement",
        "mt",
        "Grain procurement",
        "simulated",
        "the smaller of the plan's quota (its share of the harvest it expects, after decreed "
        "revisions) and what the state can reach, which rises with collectivization",
    ),
    _e(
        "grain_exports",
        "mt",
        "Grain exports",
        "input",
        "the policy grain_export_plan (the record's exports), cut only where procurement "
        "cannot feed the towns' minimum",
    ),
    _e(
        "grain_sown_area",
        "mn ha",
        "Grain sown area",
        "input",
        "the policy sown_area_plan (record 1928 and 1932, interpolated), cut only where "
        "seed runs short",
    ),
    _e(
        "grain_retained_per_rural_head",
        "kg",
        "Grain retained per rural head",
        "simulated",
        "grain left to the villages after procurement, for food and fodder",
        record=None,
    ),
    _e(
        "grain_retained_per_rural_head_ukraine",
        "kg",
        "Grain retained, Ukraine",
        "simulated",
        "as grain_retained_per_rural_head, for Ukraine",
        record=None,
    ),
    _e(
        "grain_retained_per_rural_head_kazakhstan",
        "kg",
        "Grain retained, Kazakhstan",
        "simulated",
        "as grain_retained_per_rural_head, for Kazakhstan",
        record=None,
    ),
    _e(
        "food_per_rural_head",
        "kg grain-equivalent",
        "Food per rural head",
        "simulated",
        "grain, animal food and plot food per rural person",
        record=None,
        short="kg",
    ),
    _e(
        "collectivization_pct",
        "% of peasant households",
        "Collectivized",
        "input",
        "the policy collectivization: the record's official mid-year series",
        record="collectivization_pct_official_midyear",
        short="% households",
    ),
    _e(
        "households_in_kolkhozes",
        "mn",
        "Households in kolkhozes",
        "input",
        "the policy's share collectivized times the households left after deportation",
    ),
    _e("horses_summer", "mn head", "Horses", "simulated", _HERD),
    _e("cattle_summer", "mn head", "Cattle", "simulated", _HERD),
    _e("pigs_summer", "mn head", "Pigs", "simulated", _HERD),
    _e("sheep_and_goats_summer", "mn head", "Sheep and goats", "simulated", _HERD),
    _e(
        "urban_net_in_migration",
        "mn persons",
        "Net migration to towns",
        "simulated",
        "villagers drawn to the towns by new jobs and the campaign's push, and those fleeing "
        "hunger where they may (population model)",
    ),
    _e(
        "population_total_january",
        "mn persons",
        "Population, 1 January",
        "simulated",
        "towns, villages and special settlements at the start of the year",
        record="population_total_official",
    ),
    _e(
        "coal_output_energy",
        "TWh",
        "Coal, energy content",
        "simulated",
        "simulated coal output times its energy content in 1928 (parameter coal_energy)",
        record="coal_output_energy_etemad",
    ),
    _e(
        "urban_arrivals",
        "mn persons",
        "Arrivals in towns",
        "simulated",
        "net migration to towns plus the departures below: the registered gross arrivals "
        "(module tallies)",
    ),
    _e(
        "urban_departures",
        "mn persons",
        "Departures from towns",
        "simulated",
        "the towns' population at the start of the year times 1928's departure rate "
        "(parameter urban_departure_rate)",
    ),
    _e(
        "special_settler_escapes",
        "persons",
        "Escapes of special settlers",
        "target",
        "the settlers and the newly deported times the escape rate, which is taken from the "
        "record's 1932 escapes (parameter settler_escape_rate), so they judge nothing",
        scale=1e-3,
        shown_in="thousand persons",
    ),
    _e(
        "special_settler_deaths",
        "persons",
        "Deaths of special settlers",
        "target",
        "the settlers at the start of the year times the mortality, which is taken from the "
        "record's 1932 deaths (parameter settler_mortality), so they judge nothing",
        scale=1e-3,
        shown_in="thousand persons",
    ),
    _e(
        "population_in_cities_over_100k",
        "mn persons",
        "Cities over 100,000",
        "simulated",
        "their 1928 share of the simulated towns plus a calibrated share of the towns' growth "
        "(parameter big_city_growth_share)",
    ),
    _e(
        "primary_energy_consumption",
        "mt coal-equivalent",
        "Primary energy",
        "simulated",
        "simulated coal and oil output in coal equivalent, other fuels at their 1928 "
        "proportion to coal (parameters coal_equivalent_coal, coal_equivalent_oil)",
        short="mt c.e.",
    ),
    _e(
        "cows_jan",
        "mn head",
        "Cows, 1 January",
        "simulated",
        "the simulated January cattle times the cows' share of the pre-war herd "
        "(parameter cow_share_of_cattle)",
    ),
    _e("horses_jan", "mn head", "Horses, 1 January", "simulated", _JANUARY),
    _e("cattle_jan", "mn head", "Cattle, 1 January", "simulated", _JANUARY),
    _e("pigs_jan", "mn head", "Pigs, 1 January", "simulated", _JANUARY),
    _e("sheep_and_goats_jan", "mn head", "Sheep and goats, 1 January", "simulated", _JANUARY),
    _e(
        "kazakhstan_cattle",
        "mn head",
        "Cattle, Kazakhstan",
        "simulated",
        _HERD + "; the starting herd is the record's 1929 count",
        initial_years=(1929,),
    ),
    _e(
        "kazakhstan_sheep",
        "mn head",
        "Sheep, Kazakhstan",
        "simulated",
        _HERD + "; the starting flock is the record's 1929 count",
        initial_years=(1929,),
    ),
    _e(
        "tractors_in_agriculture",
        "thousand physical units",
        "Tractors in agriculture",
        "simulated",
        "the stock accumulates the tractor works' output (design capacities ramping up, "
        "short when machinery misses its quota) and imports, less wrecks",
        short="thousand",
    ),
    _e(
        "population_total",
        "mn persons",
        "Population",
        "simulated",
        "births, deaths, excess deaths and deportations of the population model",
    ),
    _e(
        "population_urban",
        "mn persons",
        "Urban population",
        "simulated",
        "migration to the new jobs, births and deaths; the starting value is the record's "
        "1 January 1929 taken back a year",
        record="population_urban_official",
        initial_years=(1929,),
    ),
    _e(
        "population_rural",
        "mn persons",
        "Rural population",
        "simulated",
        "births, deaths, excess deaths, migration and deportation; the starting value is "
        "the record's 1 January 1929 taken back a year",
        record="population_rural_official",
        initial_years=(1929,),
    ),
    _e(
        "employed_national_economy",
        "mn persons",
        "Employed",
        "simulated",
        "jobs in industry and construction from the industry model, other jobs in step "
        "with the towns",
    ),
    _e(
        "real_wage_index_1928_100",
        "index 1928=100",
        "Real wage",
        "simulated",
        "bread and cloth per worker against 1928",
        short="1928=100",
    ),
    _e(
        "nominal_wage_index_1928_100",
        "index 1928=100",
        "Money wage",
        "input",
        "money wages grow by decree at the parameter nominal_wage_growth",
        record=None,
        short="1928=100",
    ),
    _e(
        "shortage_index",
        "money wages over goods per worker, 1928 = 1",
        "Shortage",
        "simulated",
        "money wages over the real wage (Kornai's shortage)",
        record=None,
        short="1928 = 1",
    ),
    _e("excess_deaths_ussr", "mn deaths", "Excess deaths", "target", _DEATHS, record=None),
    _e(
        "excess_deaths_ukraine",
        "mn deaths",
        "Excess deaths, Ukraine",
        "simulated",
        "excess deaths of the population model in the calendar year they happened; the "
        "record's deaths by year (Kulchytsky) judge their timing: 1932 small next to 1933",
        record="famine_excess_deaths_ukraine_by_year",
    ),
    _e(
        "excess_deaths_kazakhstan",
        "mn deaths",
        "Excess deaths, Kazakhstan",
        "target",
        _DEATHS,
        record=None,
    ),
    _e("famine_excess_deaths_ussr", "mn deaths", "Famine 1932–33, USSR", "target", _TOLL),
    _e("famine_excess_deaths_ukraine", "mn deaths", "Famine 1932–33, Ukraine", "target", _TOLL),
    _e(
        "famine_excess_deaths_kazakhstan",
        "mn deaths",
        "Famine 1930–33, Kazakhstan",
        "target",
        _TOLL,
    ),
    _e(
        "special_settlers_count",
        "persons",
        "Special settlers",
        "simulated",
        "the deported (an input) less the deaths and escapes of the settler model",
        scale=1e-6,
        shown_in="mn persons",
    ),
    _e(
        "kulak_families_deported_special_settlement",
        "families",
        "Kulak families deported",
        "input",
        "the policies dekulakization and kulak_families, summed over the years",
        scale=1e-3,
        shown_in="thousand families",
    ),
    _e(
        "export_revenue",
        "mn rubles",
        "Export revenue",
        "input",
        "exports (an input) at the policy's world price, plus the policy's other exports",
        record=None,
    ),
    _e(
        "grain_share_of_export_earnings",
        "%",
        "Grain in export earnings",
        "input",
        "exports at the world price over export revenue, all from the policies",
        record=None,
    ),
    _e(
        "machinery_imports",
        "mn 1926/27 rubles",
        "Machinery imports",
        "input",
        "a fixed share of last year's export revenue and credit, at the policy's import prices",
        record=None,
    ),
    _e(
        "investment",
        "mn person-years (labour value)",
        "Investment",
        "simulated",
        "what the industry model puts into construction",
        record=None,
    ),
    _e(
        "unfinished_construction_ratio",
        "unfinished / capacity (labour value)",
        "Unfinished construction",
        "simulated",
        "construction started and not yet completed, over capacity",
        record=None,
    ),
    # Products outside the input-output table (sim/materials.py), each tied to its input.
    _e(
        "cement_output",
        "mt",
        "Cement",
        "simulated",
        "cement per ton of simulated steel (the 1928 ratio)",
    ),
    _e(
        "sugar_output",
        "kt",
        "Sugar",
        "simulated",
        "the 1913 extraction rate times the sugar-beet harvest (a policy input)",
    ),
    _e(
        "tractor_output",
        "thousand units",
        "Tractors made",
        "simulated",
        "the tractor programme (policy) times machinery's simulated plan fulfilment",
    ),
    _e(
        "wool_fabric_output",
        "mn m",
        "Wool fabric",
        "simulated",
        "the mills' capacity, or less where the simulated sheep give too little wool",
    ),
    _e(
        "superphosphate_output",
        "mt",
        "Superphosphate",
        "simulated",
        "1928 output grown with heavy industry's simulated capacity",
    ),
    _e(
        "paper_output",
        "kt",
        "Paper",
        "simulated",
        "1928 output grown with light industry's simulated capacity",
    ),
    _e(
        "leather_footwear_output",
        "mn pairs",
        "Leather footwear",
        "simulated",
        "1928 output grown with light industry's simulated capacity",
    ),
    _e(
        "employed_industry",
        "mn persons",
        "Employed in industry",
        "simulated",
        "labour for the quota, with the hoarding of soft budgets",
    ),
    _e(
        "exports_total",
        "mn rubles (pre-1936 rubles)",
        "Exports, all goods",
        "input",
        "the scenario's export revenue (policy) converted to pre-1936 rubles",
    ),
    _e(
        "imports_total",
        "mn rubles (pre-1936 rubles)",
        "Imports, all goods",
        "input",
        "the scenario's export revenue and credit (policy) converted to pre-1936 rubles",
    ),
)

#: Every series the simulator records (and the famine tolls it sums), by name. Read-only.
CATALOGUE: Mapping[str, Entry] = MappingProxyType({e.name: e for e in _ENTRIES})

#: Simulated output of each industrial product (a product id of the economy), by series.
INDUSTRY_SERIES: Mapping[str, str] = MappingProxyType(
    {
        "coal": "coal_output",
        "oil": "oil_output",
        "electricity": "electricity_output",
        "pig_iron": "pig_iron_output",
        "steel": "steel_output",
        "machinery": "machinery_output_1926_27_prices",
        "cotton_fabric": "cotton_fabric_output",
    }
)


def entry(name: str) -> Entry:
    """The catalogue's entry of ``name``; :class:`UnknownSeriesError` if it has none."""
    try:
        return CATALOGUE[name]
    except KeyError:
        raise UnknownSeriesError(
            f"series {name!r}: not in the simulator's catalogue (gosplan.sim.catalogue)"
        ) from None


def unit(name: str) -> str:
    """The unit of ``name`` as recorded (empty for a series the catalogue does not know)."""
    found = CATALOGUE.get(name)
    return found.unit if found else ""


def short_unit(name: str) -> str:
    """The unit of ``name`` for a narrow column or an axis title."""
    found = CATALOGUE.get(name)
    return (found.short_unit or found.unit) if found else ""


def display(name: str) -> tuple[float, str]:
    """``(scale, unit)``: multiply values by ``scale`` to show them in ``unit``."""
    found = CATALOGUE.get(name)
    if found is None:
        return 1.0, ""
    return found.scale, found.display_unit or found.short_unit or found.unit


def label(name: str) -> str:
    """Plain-English name of ``name`` (the name with spaces where the catalogue has none)."""
    found = CATALOGUE.get(name)
    return found.label if found else name.replace("_", " ").capitalize()


def kind(name: str) -> Kind:
    """The kind of series ``name`` (``input``, ``target`` or ``simulated``)."""
    return entry(name).kind


def kind_in(name: str, year: int, first_year: int = FIRST_YEAR) -> Kind:
    """The kind of ``name`` in ``year`` of a run that starts in ``first_year``.

    ``initial`` in the first year (a starting value) and in the record years its starting
    value was taken from (:attr:`Entry.initial_years`), else the series' own kind.
    """
    found = entry(name)
    if year == first_year or (first_year == FIRST_YEAR and year in found.initial_years):
        return "initial"
    return found.kind


def comparator(name: str) -> str | None:
    """The record series ``name`` is judged against, or ``None`` where the record has none."""
    found = CATALOGUE.get(name)
    return found.comparator if found else name


def names(*kinds: Kind) -> tuple[str, ...]:
    """The catalogue's series of the given kinds (all of them if none given), in order."""
    return tuple(e.name for e in _ENTRIES if not kinds or e.kind in kinds)

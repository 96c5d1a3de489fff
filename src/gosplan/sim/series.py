"""Names and units of what the simulator records: the record's own names wherever it has them."""

from __future__ import annotations

__all__ = ["COMPARATOR", "INDUSTRY_SERIES", "UNITS"]

#: Simulated output of each industrial product, under the record's series name.
INDUSTRY_SERIES = {
    "coal": "coal_output",
    "oil": "oil_output",
    "electricity": "electricity_output",
    "pig_iron": "pig_iron_output",
    "steel": "steel_output",
    "machinery": "machinery_output_1926_27_prices",
    "cotton_fabric": "cotton_fabric_output",
}

UNITS = {
    "coal_output": "mt",
    "oil_output": "mt",
    "electricity_output": "bn kWh",
    "pig_iron_output": "mt",
    "steel_output": "mt",
    "machinery_output_1926_27_prices": "mn 1926/27 rubles",
    "cotton_fabric_output": "bn m",
    "grain_harvest": "mt",
    "grain_harvest_official_1930s": "mt",
    "grain_procurement": "mt",
    "grain_exports": "mt",
    "grain_sown_area": "mn ha",
    "grain_retained_per_rural_head": "kg",
    "grain_retained_per_rural_head_ukraine": "kg",
    "grain_retained_per_rural_head_kazakhstan": "kg",
    "food_per_rural_head": "kg grain-equivalent",
    "collectivization_pct": "% of peasant households",
    "households_in_kolkhozes": "mn",
    "horses_summer": "mn head",
    "cattle_summer": "mn head",
    "pigs_summer": "mn head",
    "sheep_and_goats_summer": "mn head",
    "kazakhstan_cattle": "mn head",
    "kazakhstan_sheep": "mn head",
    "tractors_in_agriculture": "thousand physical units",
    "population_total": "mn persons",
    "population_urban": "mn persons",
    "population_rural": "mn persons",
    "employed_national_economy": "mn persons",
    "real_wage_index_1928_100": "index 1928=100",
    "nominal_wage_index_1928_100": "index 1928=100",
    "shortage_index": "money wages over goods per worker, 1928 = 1",
    "excess_deaths_ussr": "mn deaths",
    "excess_deaths_ukraine": "mn deaths",
    "excess_deaths_kazakhstan": "mn deaths",
    "famine_excess_deaths_ussr": "mn deaths",
    "famine_excess_deaths_ukraine": "mn deaths",
    "famine_excess_deaths_kazakhstan": "mn deaths",
    "special_settlers_count": "persons",
    "kulak_families_deported_special_settlement": "families",
    "export_revenue": "mn rubles",
    "grain_share_of_export_earnings": "%",
    "machinery_imports": "mn 1926/27 rubles",
    "investment": "mn person-years (labour value)",
    "unfinished_construction_ratio": "unfinished / capacity (labour value)",
}

#: The record series a simulated series is judged against, where the names differ. The
#: simulated harvest is the physical crop, best estimated by Wheatcroft and Davies; the
#: official series (barn yield) is simulated separately as what the statistics reported.
#: The simulated share collectivized is the mid-year one, not the record's dated points.
COMPARATOR = {
    "grain_harvest": "grain_harvest_wheatcroft_davies",
    "collectivization_pct": "collectivization_pct_official_midyear",
    "population_urban": "population_urban_official",
    "population_rural": "population_rural_official",
}

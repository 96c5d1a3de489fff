"""The names the simulator reads: its parameters, and its policy levers with their ranges.

The scenario loader checks files against these lists, so a misspelt key is an error, not a
silently ignored number.
"""

from __future__ import annotations

from gosplan.sim.spec import SPECIES

__all__ = ["DEFAULTS", "LEVERS", "PARAMETERS"]

_PER_SPECIES = (
    "birth_rate",
    "death_rate",
    "slaughter",
    "fodder_loss",
    "procured",
    "fodder",
    "animal_food",
    "meat",
)

#: Every parameter the model uses.
PARAMETERS: frozenset[str] = frozenset(
    [
        "planner_realism",
        "procurement_weight_ukraine",
        "utilisation_max",
        "steel_to_construction",
        "capital_output_ratio",
        "completion_rate",
        "spread_penalty",
        "labour_hoarding",
        "construction_labour",
        "collectivization_factor_ukraine",
        "collectivization_factor_kazakhstan",
        "persons_per_kulak_family",
        "horse_hp",
        "tractor_hp",
        "horse_unfit_from_hunger",
        "draught_need_hp_per_ha",
        "draught_elasticity",
        "yield_base",
        "yield_factor_ukraine",
        "yield_factor_kazakhstan",
        "procurement_share_nep",
        "campaign_disruption",
        "kolkhoz_output_loss",
        "procurement_disincentive",
        "kulak_skill_loss",
        "weather_sd",
        "slaughter_scale",
        "fodder_loss_scale",
        "kolkhoz_neglect",
        "confiscation_loss",
        "kulak_herd_multiple",
        "extraction_base",
        "extraction_kolkhoz",
        "seed_rate",
        "rural_food_floor",
        "state_reserve_target",
        "urban_ration_min",
        "urban_ration_norm",
        "machinery_import_share",
        "initial_machinery_imports",
        "famine_threshold",
        "famine_max_rate",
        "famine_exponent",
        "flight_ban_mortality",
        "flight_ban_reach_rest",
        "urban_famine_threshold",
        "birth_rate_rural",
        "birth_rate_urban",
        "death_rate_rural",
        "death_rate_urban",
        "famine_birth_drop",
        "abortion_ban_births",
        "village_stock_max",
        "village_stock_saving",
        "famine_flight",
        "migration_per_job",
        "migration_base",
        "migration_campaign_push",
        "migration_cap",
        "settler_mortality",
        "settler_mortality_normal",
        "initial_food_per_head",
        "initial_official_harvest",
        "tractor_wreck_rate",
        "tractor_import_share",
        "tractor_price",
        "market_incentive",
        "plot_birth_boost",
        "plot_care",
        "plot_food",
        "nominal_wage_growth",
        "unrationed_extra",
        "real_wage_food_weight",
    ]
    + [f"{name}_{s}" for name in _PER_SPECIES for s in SPECIES]
)

#: Policy levers: name -> (lowest, highest, what it is).
LEVERS: dict[str, tuple[float, float, str]] = {
    "plan_raised": (0, 1, "1 = the raised targets of 1929-30 are in force"),
    "plan_ambition": (0.3, 3.0, "multiplier on the plan's targets"),
    "heavy_priority": (0, 1, "1 = scarce inputs go to heavy industry first"),
    "heavy_share": (0.0, 1.0, "share of industrial investment to producer goods"),
    "tractor_programme": (0.0, 500.0, "tractors a year, thousand"),
    "procurement_share": (0.0, 0.8, "procurement quota over the expected harvest"),
    "procurement_per_ha": (0.0, 1.0, "compulsory deliveries, t per ha sown"),
    "deliveries_by_area": (0, 1, "1 = quotas by sown area instead of by expected harvest"),
    "grain_export_plan": (0.0, 15.0, "grain exports planned, mt"),
    "collectivization": (0.0, 1.0, "share of households in kolkhozes, mid-year"),
    "collectivization_peak": (0.0, 1.0, "highest kolkhoz share of the winter campaign"),
    "collectivization_before": (0.0, 1.0, "kolkhoz share the year before the first"),
    "dekulakization": (0, 1, "1 = kulak families are deported"),
    "kulak_families": (0.0, 2.0, "families deported a year, mn"),
    "livestock_procurement_ukraine": (0.0, 0.6, "share of herds procured a year"),
    "livestock_procurement_kazakhstan": (0.0, 0.6, "share of herds procured a year"),
    "livestock_procurement_rest": (0.0, 0.6, "share of herds procured a year"),
    "seed_before_deliveries": (0, 1, "1 = seed is set aside before deliveries"),
    "flight_ban": (0, 1, "1 = peasants may not leave the village"),
    "famine_relief": (0.0, 1.0, "share of the state's grain stock returned to hungry villages"),
    "sown_area_plan": (50.0, 150.0, "grain area to sow, mn ha"),
    "harvest_report_bias": (0.8, 2.0, "reported over physical harvest"),
    "weather_ukraine": (0.3, 1.5, "weather index"),
    "weather_kazakhstan": (0.3, 1.5, "weather index"),
    "weather_rest": (0.3, 1.5, "weather index"),
    "world_grain_price": (0.0, 500.0, "rubles per t exported"),
    "other_exports": (0.0, 20000.0, "other exports, mn rubles"),
    "foreign_credit": (-5000.0, 5000.0, "imports paid by credit, mn rubles"),
    "import_price_index": (0.2, 3.0, "import prices over 1928"),
    "private_plots": (0, 1, "1 = kolkhoz households may keep a cow and a plot"),
    "kolkhoz_market": (0, 1, "1 = kolkhozes and members may sell surplus at market prices"),
    "rationing": (0, 1, "1 = bread and food are rationed in the towns"),
    "abortion_ban": (0, 1, "1 = abortion is banned (share of the year in force)"),
}

#: Levers a scenario may leave out: they are off (the policies of the second plan).
DEFAULTS: dict[str, float] = {
    "procurement_per_ha": 0.0,
    "deliveries_by_area": 0.0,
    "private_plots": 0.0,
    "kolkhoz_market": 0.0,
    "abortion_ban": 0.0,
}

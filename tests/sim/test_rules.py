"""The documented rules against hand-computed values: procurement, reports, January herds,
tractor works, industrial jobs, construction times; and the two farm resolutions as one path."""

from __future__ import annotations

import numpy as np
import pytest

from gosplan.analysis.fit import PHYSICAL_UNITS, physical_points
from gosplan.scenarios.record import load_record
from gosplan.sim.engine import SimResult, initial_state, simulate
from gosplan.sim.farms import AggregateFarms
from gosplan.sim.planner import make_plan
from gosplan.sim.spec import INDUSTRY, SimSpec


def test_procurement_quota_is_the_plans_share_of_its_planned_harvest(
    spec: SimSpec, run: SimResult
) -> None:
    # 1931: 0.272 of the harvest the plan calls for, cut by the decreed 22.7 / 26.6.
    state = run.states[3]
    assert state.year == 1931
    plan = make_plan(spec, state)
    assert spec.policy.at("procurement_share", 1931) == pytest.approx(0.272)
    assert spec.policy.at("procurement_revision", 1931) == pytest.approx(0.853)
    assert plan.procurement_quota.sum() == pytest.approx(0.272 * 0.853 * plan.harvest_plan)
    # 1930 keeps its plan: no revision in the record.
    plan30 = make_plan(spec, run.states[2])
    assert plan30.procurement_quota.sum() == pytest.approx(0.272 * plan30.harvest_plan)


def test_procurement_is_the_quota_or_the_states_reach_whichever_is_smaller(
    spec: SimSpec, run: SimResult
) -> None:
    p = spec.params
    for k, year in enumerate(run.years):
        quota = make_plan(spec, run.states[k]).procurement_quota.sum()
        share = run.series["collectivization_pct"][k] / 100
        procured = run.series["grain_procurement"][k]
        harvest = run.series["grain_harvest"][k]
        assert procured <= quota + 1e-9, year
        # The reach rises with the kolkhoz share; Ukraine's is the highest of the regions.
        top = min(0.95, p["extraction_base"] + p["extraction_kolkhoz"] * min(1.0, 1.6 * share))
        assert procured <= top * harvest + 1e-9, year


def test_official_harvest_is_the_crop_as_each_kind_of_farm_reported_it(
    spec: SimSpec, run: SimResult
) -> None:
    # Individual farms report 1.163 x the crop, kolkhozes the policy's 1.25; with the
    # national shares the ratio lies between, rising with collectivization.
    ratio = run.series["grain_harvest_official_1930s"] / run.series["grain_harvest"]
    share = run.series["collectivization_pct"] / 100
    assert np.all(ratio >= 1.163 - 1e-9)
    assert np.all(ratio <= 1.25 + 1e-9)
    assert ratio[-1] > ratio[0]
    # Nearly all individual in 1928 (1.7% collective): within a hair of 1.163.
    assert ratio[0] == pytest.approx(1.163 * (1 - share[0]) + 1.25 * share[0], rel=5e-3)
    yields = run.series["grain_yield_official"]
    np.testing.assert_allclose(
        yields, 10 * run.series["grain_harvest_official_1930s"] / run.series["grain_sown_area"]
    )


def test_january_count_by_hand() -> None:
    from gosplan.sim.agriculture import HerdYear, january_count

    summer = np.full((4, 3), 10.0)
    flows = {name: np.zeros((4, 3)) for name in HerdYear.__dataclass_fields__}
    flows["herds"] = summer
    flows["slaughter"] = np.full((4, 3), 2.0)
    flows["births"] = np.full((4, 3), 4.0)
    year = HerdYear(**flows)
    # 3 regions x (10 - 0.6 x 2) = 26.4; pigs add half the 4 born a region: 26.4 + 6 = 32.4.
    np.testing.assert_allclose(january_count(summer, year, 0.6), [26.4, 26.4, 32.4, 26.4])


def test_january_counts_carry_into_the_next_year(run: SimResult) -> None:
    # The count of 1 January of a year is made from the herd year before it.
    for k in range(1, len(run.years)):
        state = run.states[k]
        assert run.series["cattle_jan"][k] == pytest.approx(state.january_herds[1])


def test_tractor_works_close_45_percent_of_the_gap_to_design(spec: SimSpec) -> None:
    from gosplan.sim.industry import labour_values, produce

    state = initial_state(spec).evolve(year=1931, tractor_works=1.3)
    plan = make_plan(spec, state)
    ind = produce(spec, state, plan, labour_values(spec))
    # 1931: design 41.3 in force; 1.3 + 0.45 x 40 = 19.3.
    assert ind.tractor_works == pytest.approx(1.3 + 0.45 * (41.3 - 1.3))
    assert ind.tractors_new <= ind.tractor_works + 1e-12


def test_industrial_jobs_fall_at_most_by_the_separation_rate() -> None:
    from gosplan.analysis.run import run_scenario

    run = run_scenario("ussr-1928", years=(1928, 1937))
    jobs = run.result.series["employed_industry"]
    falls = jobs[1:] / jobs[:-1]
    assert falls.min() >= 0.9 - 1e-9


def test_branches_build_at_their_own_speed(spec: SimSpec) -> None:
    years = np.array([spec.params[f"construction_years_{pid}"] for pid in INDUSTRY])
    assert years[INDUSTRY.index("oil")] < years[INDUSTRY.index("pig_iron")]


def test_the_aggregate_farms_are_the_engines_default_path(spec: SimSpec) -> None:
    # One path: simulate without a layer and with the aggregate layer give the same bits.
    plain = simulate(spec)
    explicit = simulate(spec, farms=AggregateFarms())
    for name, values in plain.series.items():
        np.testing.assert_array_equal(values, explicit.series[name], err_msg=name)


def test_coverage_counts_every_physical_point_of_the_record(run: SimResult) -> None:
    points = physical_points(range(1929, 1933), frozenset(run.series))
    rows = load_record().rows
    physical = rows[
        (rows["kind"] == "actual")
        & rows["year"].between(1929, 1932)
        & (rows["weight"] > 0)
        & rows["unit"].isin(PHYSICAL_UNITS)
    ].drop_duplicates(["series", "year"])
    assert len(points) == len(physical)
    assert set(points["kind"]) <= {"simulated", "input", "target", "initial", "not simulated"}
    # Money, shares, indices and flags are never points.
    assert (
        not rows[rows["unit"].str.contains("rubles|%|index|flag")]["unit"]
        .isin(PHYSICAL_UNITS)
        .any()
    )
    # Series the model does not simulate count against it.
    assert (points["kind"] == "not simulated").sum() > 0

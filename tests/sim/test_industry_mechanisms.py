"""Industry's mechanisms against hand-computed values: construction, lint, cement, sugar."""

from __future__ import annotations

import numpy as np
import pytest

from gosplan.errors import GosplanError
from gosplan.scenarios.simfiles import load_scenario
from gosplan.sim.engine import initial_state, simulate
from gosplan.sim.industry import cloth_fibre_limit, construction, labour_values, produce
from gosplan.sim.materials import group_index, materials
from gosplan.sim.planner import make_plan
from gosplan.sim.spec import INDUSTRY, SimSpec
from gosplan.sim.trade import trade_totals
from tests.sim.specs import with_levers


def test_construction_splits_investment_between_starts_and_completions() -> None:
    # rate = 0.9 / (1 + 2 x 0.5) = 0.45; half the funded capacity starts, half finishes.
    starts, completed = construction(
        np.array([10.0, 4.0]), np.array([2.0, 6.0]), 0.5, 0.9, 2.0, 0.5
    )
    np.testing.assert_allclose(starts, [1.0, 3.0])
    # 0.45 x 10 + 1 = 5.5; 0.45 x 4 + 3 = 4.8 exceeds the 4 under way, so 4.
    np.testing.assert_allclose(completed, [5.5, 4.0])


def test_construction_with_all_investment_to_new_starts_is_the_pipeline_alone() -> None:
    starts, completed = construction(np.array([10.0]), np.array([2.0]), 0.25, 0.8, 4.0, 1.0)
    np.testing.assert_allclose(starts, [2.0])
    np.testing.assert_allclose(completed, [0.8 / 2.0 * 10.0])


def test_cloth_fibre_limit_is_lint_over_lint_per_metre(spec: SimSpec) -> None:
    # 1930: (0.32 x 1.11 mt raw cotton + 0.10 mt imported lint) / 0.15 kg/m = 3.0347 bn m.
    assert cloth_fibre_limit(spec, 1930) == pytest.approx((0.32 * 1.11 + 0.10) / 0.15)


def test_materials_follow_steel_beet_tractor_works_and_sheep(spec: SimSpec) -> None:
    v = labour_values(spec)
    cap = spec.initial.capacity
    made = materials(spec, 1930, steel=5.0, tractors_made=9.1, sheep=100.0, capacity=cap, v=v)
    assert made["cement_output"] == pytest.approx(0.435 * 5.0)
    assert made["sugar_output"] == pytest.approx(1000 * 0.118 * 14.02)
    assert made["tractor_output"] == 9.1
    # 0.65 x 1.24 kg x 100 mn head / 0.45 kg/m = 179 mn m: the mills' 97 bind.
    assert made["wool_fabric_output"] == pytest.approx(97.0)
    # At 1928's capacity the group products are their bases.
    assert made["superphosphate_output"] == pytest.approx(0.15)
    assert made["paper_output"] == pytest.approx(316.0)
    assert made["leather_footwear_output"] == pytest.approx(23.2)


def test_wool_fabric_falls_with_the_clip_when_sheep_are_few(spec: SimSpec) -> None:
    v = labour_values(spec)
    made = materials(spec, 1932, 5.0, 0.0, sheep=40.0, capacity=spec.initial.capacity, v=v)
    # 0.65 x 1.24 x 40 / 0.45 = 71.64 mn m, under the mills' 97.
    assert made["wool_fabric_output"] == pytest.approx(0.65 * 1.24 * 40.0 / 0.45)


def test_group_products_grow_with_their_groups_capacity(spec: SimSpec) -> None:
    v = labour_values(spec)
    cap = spec.initial.capacity.copy()
    cloth = INDUSTRY.index("cotton_fabric")
    cap[cloth] *= 1.5  # consumer-goods capacity half as large again; heavy unchanged
    assert group_index(spec, cap, v, "light") == pytest.approx(1.5)
    assert group_index(spec, cap, v, "heavy") == pytest.approx(1.0)
    made = materials(spec, 1932, 5.0, 0.0, 100.0, cap, v)
    assert made["paper_output"] == pytest.approx(1.5 * 316.0)
    assert made["superphosphate_output"] == pytest.approx(0.15)


def test_cotton_fabric_never_exceeds_its_lint(spec: SimSpec) -> None:
    scarce = with_levers(spec, raw_cotton_harvest=0.5)
    state = initial_state(scarce)
    year = produce(scarce, state, make_plan(scarce, state), labour_values(scarce))
    cloth = year.output[INDUSTRY.index("cotton_fabric")]
    assert year.fibre_limit == pytest.approx((0.32 * 0.5 + 0.15) / 0.15)
    assert cloth == pytest.approx(year.fibre_limit)


def test_fewer_new_starts_finish_more_and_start_less(spec: SimSpec) -> None:
    state = initial_state(spec)
    v = labour_values(spec)
    plan = make_plan(spec, state)
    drive = produce(spec, state, plan, v)
    plenum = produce(with_levers(spec, new_starts=0.5), state, plan, v)
    assert (plenum.started <= drive.started + 1e-12).all()
    assert (plenum.completed >= drive.completed - 1e-12).all()
    assert plenum.completed.sum() > drive.completed.sum()


@pytest.mark.slow
def test_construction_ledger_is_exact_and_new_series_are_recorded(spec: SimSpec) -> None:
    result = simulate(spec)
    assert np.abs(result.ledgers["construction"]).max() < 1e-9
    for name in (
        "cement_output",
        "sugar_output",
        "tractor_output",
        "wool_fabric_output",
        "superphosphate_output",
        "paper_output",
        "leather_footwear_output",
        "employed_industry",
        "exports_total",
        "imports_total",
    ):
        assert len(result.series[name]) == len(result.years)
        assert name in result.units


def test_new_starts_outside_zero_one_is_refused() -> None:
    with pytest.raises(GosplanError, match=r"policy\.new_starts must be in \[0, 1\].*got 1\.5"):
        load_scenario("ussr-1928", ["policy.new_starts=1.5"])


def test_negative_cotton_harvest_is_refused() -> None:
    with pytest.raises(ValueError, match=r"policy\.raw_cotton_harvest must be in \[0, 10\]"):
        load_scenario("ussr-1928", ["policy.raw_cotton_harvest=-1"])


def test_trade_totals_are_in_pre_1936_rubles(spec: SimSpec) -> None:
    # 1928: revenue 3,424 valuta rubles and 717 of credit, at 4.38 to the old ruble.
    totals = trade_totals(spec, 1928, 3424.0)
    assert totals["exports_total"] == pytest.approx(3424.0 / 4.38)
    assert totals["imports_total"] == pytest.approx((3424.0 + 717.0) / 4.38)

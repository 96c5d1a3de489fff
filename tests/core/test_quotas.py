"""Enterprise quotas: the two rules by hand, exact totals, taut plans, and errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gosplan import EconomyError, TargetsError
from gosplan.core.quotas import Enterprises, quotas


@pytest.fixture
def steel() -> Enterprises:
    """Three steel works and a coal mine; costs make Kuznetsk cheapest."""
    return Enterprises(
        ids=["Magnitka", "Kuznetsk", "Zaporozhstal", "Donbass-1"],
        product=["steel", "steel", "steel", "coal"],
        capacity=[6.0, 3.0, 1.0, 80.0],
        unit_cost=[2.0, 1.0, 3.0, 0.5],
        products=["coal", "steel"],
    )


def test_capacity_rule_shares_in_proportion_to_capacity(steel: Enterprises) -> None:
    q = quotas({"steel": 5.0, "coal": 40.0}, steel)
    assert q.quota.tolist() == [[3.0, 1.5, 0.5, 40.0]]
    assert q.years == 1
    assert q.rule == "capacity"
    assert not q.over_capacity.any()
    assert q.ids.tolist() == ["Magnitka", "Kuznetsk", "Zaporozhstal", "Donbass-1"]


def test_least_cost_rule_fills_the_cheapest_first(steel: Enterprises) -> None:
    q = quotas([40.0, 5.0], steel, rule="least_cost")
    assert q.quota.tolist() == [[2.0, 3.0, 0.0, 40.0]]
    q = quotas([40.0, 9.5], steel, rule="least_cost")
    assert q.quota.tolist() == [[6.0, 3.0, 0.5, 40.0]]


def test_least_cost_ties_go_by_enterprise_order() -> None:
    e = Enterprises(ids=["a", "b", "c"], product=[0, 0, 0], capacity=[2.0, 2.0, 2.0],
                    unit_cost=[1.0, 1.0, 1.0], products=["bricks"])
    assert quotas([3.0], e, rule="least_cost").quota.tolist() == [[2.0, 1.0, 0.0]]


def test_several_years_at_once(steel: Enterprises) -> None:
    plan = np.array([[40.0, 5.0], [60.0, 8.0], [0.0, 0.0]])
    q = quotas(plan, steel)
    assert q.quota.shape == (3, 4)
    assert q.years == 3
    assert q.quota[2].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert np.array_equal(q.totals_by_product(), plan)


@pytest.mark.parametrize("rule", ["capacity", "least_cost"])
def test_totals_are_exact_in_every_summation_order(rule: str) -> None:
    # Thirds and tenths do not add up exactly in floating point unless made to.
    rng = np.random.default_rng(3)
    m, n = 3000, 7
    e = Enterprises(ids=[f"e{i}" for i in range(m)], product=rng.integers(0, n, m),
                    capacity=rng.random(m) / 3, unit_cost=rng.integers(0, 4, m).astype(float),
                    products=[f"p{i}" for i in range(n)])
    plan = e.capacity_by_product() * np.array([0.1, 1 / 3, 0.7, 0.999, 1.0, 0.0, 1.3])
    q = quotas(plan, e, rule=rule)  # type: ignore[arg-type]
    for p in range(n):
        mine = q.quota[0][e.product == p]
        assert math.fsum(mine) == plan[p]
        assert float(np.sum(mine)) == plan[p]
        assert sum(mine.tolist()) == plan[p]  # a running total, left to right
        assert sum(reversed(mine.tolist())) == plan[p]
    assert np.array_equal(q.totals_by_product()[0], plan)
    assert (q.quota >= 0).all()


def test_taut_plans_stretch_everyone_alike_and_are_flagged(steel: Enterprises) -> None:
    for rule in ("capacity", "least_cost"):
        q = quotas([40.0, 12.0], steel, rule=rule)
        np.testing.assert_allclose(q.quota[0], [7.2, 3.6, 1.2, 40.0], rtol=1e-15)
        assert q.over_capacity.tolist() == [[True, True, True, False]]
        assert q.quota[0][:3].sum() == 12.0
    with pytest.raises(EconomyError, match=r"'steel' has planned output 12, above its "
                                           r"enterprises' capacity 10"):
        quotas([40.0, 12.0], steel, excess="raise")


def test_enterprises_without_capacity_share_equally() -> None:
    e = Enterprises(ids=["a", "b"], product=[0, 0], capacity=[0.0, 0.0], products=["salt"])
    q = quotas([1.0], e)
    assert q.quota.tolist() == [[0.5, 0.5]]
    assert q.over_capacity.all()


def test_tiny_and_huge_capacities_side_by_side() -> None:
    e = Enterprises(ids=["giant", "dwarf"], product=[0, 0], capacity=[1e12, 1e-9],
                    unit_cost=[1.0, 0.0], products=["oil"])
    # Quotas are whole multiples of ulp(plan) = 6.1e-5: the dwarf's 5e-10 rounds to nothing.
    for rule in ("capacity", "least_cost"):
        q = quotas([5e11], e, rule=rule)
        assert q.quota[0].sum() == 5e11
        assert 0.0 <= q.quota[0][1] <= math.ulp(5e11)
        assert not q.over_capacity.any()


def test_many_enterprises_at_once() -> None:
    rng = np.random.default_rng(0)
    m, n = 200_000, 20_000
    product = rng.integers(0, n, m)
    e = Enterprises(ids=np.char.add("e", np.arange(m).astype(str)), product=product,
                    capacity=rng.random(m), unit_cost=rng.random(m),
                    products=np.char.add("p", np.arange(n).astype(str)))
    plan = e.capacity_by_product() * 0.6
    q = quotas(plan, e, rule="least_cost")
    assert np.array_equal(q.totals_by_product()[0], plan)


def test_results_are_read_only(steel: Enterprises) -> None:
    q = quotas([40.0, 5.0], steel)
    with pytest.raises(ValueError, match="read-only"):
        q.quota[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        steel.capacity[0] = 1.0


# --- errors ---------------------------------------------------------------------------------


def test_a_product_with_output_but_no_enterprise(steel: Enterprises) -> None:
    e = Enterprises(ids=["Donbass-1"], product=[0], capacity=[80.0], products=["coal", "steel"])
    with pytest.raises(EconomyError, match=r"^enterprises: product 'steel' has planned output "
                                           r"10.4 but no enterprise$"):
        quotas([1.0, 10.4], e)
    with pytest.raises(EconomyError, match=r"'steel' has planned output 10\.4 in year 1 but no"):
        quotas([[1.0, 0.0], [1.0, 10.4]], e)
    assert quotas([1.0, 0.0], e).quota.tolist() == [[1.0]]  # no output, no enterprise needed


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"capacity": [6.0, -3.0]}, "capacity of enterprise 'Kuznetsk' must be a finite number "
                                ">= 0; got -3.0"),
    ({"capacity": [6.0, np.inf]}, "capacity of enterprise 'Kuznetsk' must be a finite"),
    ({"unit_cost": [np.nan, 1.0]}, "unit_cost of enterprise 'Magnitka' must be a finite"),
    ({"ids": ["Magnitka", "Magnitka"]}, "ids must be unique; got 'Magnitka' more than once"),
    ({"ids": ["Magnitka", ""]}, "ids must be non-empty"),
    ({"product": ["steel", "gold"]}, "enterprise 'Kuznetsk' makes 'gold', which is not a product"),
    ({"product": [0, 2]}, r"product of enterprise 'Kuznetsk' must be a position in \[0, 2\)"),
    ({"capacity": [1.0]}, "capacity must have 2 entries"),
])
def test_enterprise_validation(kwargs: dict[str, object], message: str) -> None:
    spec: dict[str, object] = {"ids": ["Magnitka", "Kuznetsk"], "product": [1, 1],
                               "capacity": [6.0, 3.0], "unit_cost": [1.0, 2.0],
                               "products": ["coal", "steel"]}
    spec.update(kwargs)
    with pytest.raises(EconomyError, match=message):
        Enterprises(**spec)


def test_plan_validation(steel: Enterprises) -> None:
    with pytest.raises(TargetsError, match="quantity of 'steel' must be a finite number >= 0"):
        quotas([1.0, -2.0], steel)
    with pytest.raises(TargetsError, match=r"must have shape \(2,\) or \(years, 2\); got \(3,\)"):
        quotas([1.0, 2.0, 3.0], steel)
    with pytest.raises(TargetsError, match="'iron' is not among the enterprises' products"):
        quotas({"iron": 1.0}, steel)
    no_costs = Enterprises(ids=["a"], product=[0], capacity=[1.0], products=["coal"])
    with pytest.raises(EconomyError, match="least_cost' needs unit_cost"):
        quotas([1.0], no_costs, rule="least_cost")
    with pytest.raises(ValueError, match="rule must be one of capacity, least_cost"):
        quotas([1.0, 1.0], steel, rule="fair")  # type: ignore[arg-type]

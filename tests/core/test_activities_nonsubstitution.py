"""The non-substitution fast path: cheapest techniques by policy iteration equal the LP's."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gosplan.core.activities import ActivityEconomy
from gosplan.core.activity_plan import activity_plan
from gosplan.core.nonsubstitution import cheapest_techniques, nonsubstitution_plan
from gosplan.core.plan_result import PlanStatus
from gosplan.errors import EconomyError, TargetsError

PROPERTY = settings(max_examples=40, deadline=None, derandomize=True, database=None)


def coal_steel(labour_available: float = 12.0) -> ActivityEconomy:
    """Steel by a labour-light technique that burns coal, or a labour-heavy one without."""
    return ActivityEconomy(
        products=["coal", "steel"], activities=["mine", "steel A", "steel B"],
        make=[[1.0, 0.0, 0.0], [0.0, 1.0, 2.0]], use=[[0.0, 1.0, 0.0], [0.0, 0.0, 0.0]],
        labour=[1.0, 0.5, 2.4], labour_available=labour_available,
    )


def test_policy_iteration_by_hand() -> None:
    # Start: least direct labour per unit of steel is A (0.5 < 2.4 / 2 = 1.2), but A needs
    # a unit of coal worth 1: 1.5 > 1.2, so the second round switches to B and stops.
    found = cheapest_techniques(coal_steel())
    assert found.chosen.tolist() == [0, 2]
    assert found.labour_values.tolist() == pytest.approx([1.0, 1.2])
    assert found.unit_costs.tolist() == pytest.approx([1.0, 1.5, 1.2])
    assert found.iterations == 2
    plan = nonsubstitution_plan(coal_steel(), {"steel": 1.0})
    lp = activity_plan(coal_steel(), {"steel": 1.0}).raise_for_status()
    assert plan.fulfilment == pytest.approx(10.0) == lp.fulfilment
    assert plan.levels.tolist() == pytest.approx(lp.levels.tolist())
    assert plan.levels.tolist() == pytest.approx([0.0, 0.0, 5.0])
    assert plan.valuations.tolist() == pytest.approx(lp.valuations.tolist())
    assert plan.labour_valuation == pytest.approx(lp.labour_valuation)
    assert plan.reduced_costs.tolist() == pytest.approx(lp.reduced_costs.tolist(), abs=1e-12)


def test_unlimited_labour_is_unbounded_as_in_the_lp() -> None:
    plan = nonsubstitution_plan(coal_steel(math.inf), {"steel": 1.0})
    assert plan.status is PlanStatus.UNBOUNDED
    assert activity_plan(coal_steel(math.inf), {"steel": 1.0}).status is PlanStatus.UNBOUNDED


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"make": [[1.0, 0.1, 0.0], [0.0, 1.0, 2.0]]},
         r"^cheapest_techniques: activity 'steel A' makes 2 products; the non-substitution "
         r"theorem needs exactly one per activity \(no joint production\): use activity_plan$"),
        ({"capacity": [1.0, math.inf, math.inf]}, r"limited resources or capacities"),
        ({"resources": ["ore"], "resource_use": [[0.0, 1.0, 0.0]], "available": [3.0]},
         r"needs labour as the only primary factor"),
        ({"make": [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]},
         r"^cheapest_techniques: no activity makes product 'steel'$"),
        ({"use": [[2.0, 1.0, 0.0], [0.0, 0.0, 0.0]]}, r"productive economy: use activity_plan"),
    ],
)
def test_outside_the_theorem_is_refused(changes: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "products": ["coal", "steel"], "activities": ["mine", "steel A", "steel B"],
        "make": [[1.0, 0.0, 0.0], [0.0, 1.0, 2.0]], "use": [[0.0, 1.0, 0.0], [0.0, 0.0, 0.0]],
        "labour": [1.0, 0.5, 2.4], "labour_available": 12.0, **changes,
    }
    with pytest.raises(EconomyError, match=message):
        cheapest_techniques(ActivityEconomy(**fields))  # type: ignore[arg-type]


def test_targets_are_checked() -> None:
    with pytest.raises(TargetsError, match="assortment must ask for some product"):
        nonsubstitution_plan(coal_steel(), {"steel": 0.0})


@st.composite
def economies(draw: st.DrawFn) -> tuple[ActivityEconomy, np.ndarray]:
    """One product per activity, several techniques per product, every choice productive."""
    n = draw(st.integers(1, 6))
    per = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    makes = np.concatenate([np.arange(n), rng.integers(0, n, n * (per - 1))])
    m = makes.shape[0]
    b = rng.uniform(0.5, 2.0, m)
    make = np.zeros((n, m))
    make[makes, np.arange(m)] = b
    use = rng.random((n, m)) * (rng.random((n, m)) < 0.6)
    use *= rng.uniform(0.0, 0.9, m) * b / np.maximum(use.sum(axis=0), 1e-12)  # per unit < 1
    e = ActivityEconomy(products=[f"p{i}" for i in range(n)],
                        activities=[f"a{j}" for j in range(m)], make=make, use=use,
                        labour=rng.uniform(0.05, 1.0, m), labour_available=100.0)
    return e, rng.uniform(0.1, 3.0, n)


@pytest.mark.slow
@PROPERTY
@given(economies())
def test_fast_path_equals_the_lp(case: tuple[ActivityEconomy, np.ndarray]) -> None:
    e, y = case
    fast = nonsubstitution_plan(e, y).raise_for_status()
    lp = activity_plan(e, y).raise_for_status()
    assert fast.fulfilment == pytest.approx(lp.fulfilment, rel=1e-9)
    # every product is needed (y > 0), so the LP runs exactly the cheapest techniques
    assert np.flatnonzero(lp.levels > 1e-9).tolist() == np.flatnonzero(fast.levels).tolist()
    assert fast.levels == pytest.approx(lp.levels, rel=1e-7, abs=1e-9)
    assert fast.valuations == pytest.approx(lp.valuations, rel=1e-7)
    assert fast.labour_valuation == pytest.approx(lp.labour_valuation, rel=1e-9)
    assert (fast.reduced_costs >= -1e-12).all()


@pytest.mark.slow
def test_large_economy_solved_by_gmres_equals_the_lp() -> None:
    # Beyond the balance's direct limit (200 products) the solves are GMRES, warm-started.
    rng = np.random.default_rng(7)
    n, per = 400, 2
    m = n * per
    b = rng.uniform(0.5, 2.0, m)
    make = np.zeros((n, m))
    make[np.tile(np.arange(n), per), np.arange(m)] = b
    use = rng.random((n, m)) * (rng.random((n, m)) < 0.01)
    use *= rng.uniform(0.1, 0.9, m) * b / np.maximum(use.sum(axis=0), 1e-12)
    e = ActivityEconomy(products=[f"p{i}" for i in range(n)],
                        activities=[f"a{j}" for j in range(m)], make=make, use=use,
                        labour=rng.uniform(0.05, 1.0, m), labour_available=100.0)
    y = rng.uniform(0.1, 1.0, n)
    fast = nonsubstitution_plan(e, y).raise_for_status()
    lp = activity_plan(e, y).raise_for_status()
    assert fast.iterations > 1
    assert fast.fulfilment == pytest.approx(lp.fulfilment, rel=1e-9)
    assert fast.levels == pytest.approx(lp.levels, rel=1e-7, abs=1e-9)
    assert fast.valuations == pytest.approx(lp.valuations, rel=1e-7)

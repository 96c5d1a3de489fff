"""Properties every set of quotas must have, on random enterprises and plans."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gosplan.core.quotas import Enterprises, quotas

amounts = st.one_of(st.just(0.0), st.floats(1e-9, 1e9, allow_nan=False, allow_infinity=False))


@st.composite
def cases(draw: st.DrawFn) -> tuple[Enterprises, np.ndarray]:
    n = draw(st.integers(1, 5))
    m = draw(st.integers(1, 25))
    product = np.array(draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)))
    capacity = np.array(draw(st.lists(amounts, min_size=m, max_size=m)))
    # Few distinct costs: ties are common, as they are between similar works.
    cost = np.array(draw(st.lists(st.sampled_from([0.0, 1.0, 1.5, 2.0]), min_size=m,
                                  max_size=m)))
    e = Enterprises(ids=[f"e{i}" for i in range(m)], product=product, capacity=capacity,
                    unit_cost=cost, products=[f"p{i}" for i in range(n)])
    total = e.capacity_by_product()
    ratio = np.array(draw(st.lists(st.sampled_from([0.0, 0.1, 1 / 3, 0.5, 0.999, 1.0, 1.7]),
                                   min_size=n, max_size=n)))
    plan = total * ratio
    # Products without enterprises may only have a zero plan.
    plan[np.bincount(product, minlength=n) == 0] = 0.0
    return e, plan


@settings(max_examples=60, deadline=None)
@given(cases(), st.sampled_from(["capacity", "least_cost"]))
def test_totals_exact_and_quotas_non_negative(case: tuple[Enterprises, np.ndarray],
                                              rule: str) -> None:
    e, plan = case
    q = quotas(plan, e, rule=rule)  # type: ignore[arg-type]
    assert (q.quota >= 0).all()
    assert np.array_equal(q.totals_by_product()[0], plan)
    for p in range(e.n):
        mine = q.quota[0][e.product == p]
        assert math.fsum(mine) == plan[p]
        assert float(np.sum(mine)) == plan[p]
        assert sum(mine.tolist()) == plan[p]


@settings(max_examples=60, deadline=None)
@given(cases())
def test_capacity_rule_is_proportional(case: tuple[Enterprises, np.ndarray]) -> None:
    e, plan = case
    q = quotas(plan, e).quota[0]
    total = e.capacity_by_product()
    for p in range(e.n):
        mine = e.product == p
        if not mine.any() or plan[p] == 0:
            continue
        share = (e.capacity[mine] / total[p] if total[p] > 0
                 else np.full(int(mine.sum()), 1 / mine.sum()))
        # Off the exact share by at most a few quanta ulp(plan): the price of exact totals.
        np.testing.assert_allclose(q[mine], plan[p] * share, rtol=0,
                                   atol=4 * math.ulp(plan[p]) * max(1, int(mine.sum())))


@settings(max_examples=60, deadline=None)
@given(cases())
def test_least_cost_fills_cheapest_first(case: tuple[Enterprises, np.ndarray]) -> None:
    e, plan = case
    q = quotas(plan, e, rule="least_cost")
    quota = q.quota[0]
    total = e.capacity_by_product()
    assert e.unit_cost is not None
    for p in range(e.n):
        mine = np.flatnonzero(e.product == p)
        if mine.size == 0 or plan[p] == 0 or plan[p] > total[p] * (1 - 1e-9):
            continue  # taut plans are shared by capacity (tested above)
        assert not q.over_capacity[0][mine].any()
        order = mine[np.lexsort((mine, e.unit_cost[mine]))]
        quantum = math.ulp(plan[p])
        # Along the merit order: full, full, ..., one partly used, nothing after it.
        started_partial = False
        for k in order:
            if started_partial:
                assert quota[k] == 0.0
            elif quota[k] < e.capacity[k] - quantum:
                started_partial = True
            assert quota[k] <= e.capacity[k]


@settings(max_examples=40, deadline=None)
@given(cases(), st.sampled_from(["capacity", "least_cost"]))
def test_over_capacity_flags_only_taut_products(case: tuple[Enterprises, np.ndarray],
                                                rule: str) -> None:
    e, plan = case
    q = quotas(plan, e, rule=rule)  # type: ignore[arg-type]
    total = e.capacity_by_product()
    feasible = plan <= total
    assert not q.over_capacity[0][feasible[e.product]].any()

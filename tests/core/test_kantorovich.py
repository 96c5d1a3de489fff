"""Kantorovich's machine shop (after his 1939 first example) by every method, checked by hand.

The numbers are those of his first table as recalled (docs/activities.md says why they
are not read from the text); the answer is derived by hand in
``tests/core/test_activities_plan.py`` and here in exact fractions: 86 2/3 sets a day,
the turret lathes on part 1, the automatic on part 2, the milling machines split 8/3 to
1/3; part valuations 2/3 and 1/3 of a set; machine-days worth 20/3, 40/3 and 80/3.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from gosplan.core.activities import ActivityEconomy
from gosplan.core.activity_plan import activity_plan
from gosplan.core.activity_prices import coordinated_plan
from tests.core.test_activities_plan import MACHINES, SETS


def machine_shop(machines: dict[str, tuple[int, int, int]] = MACHINES) -> ActivityEconomy:
    """Each machine kind on each part, one machine-day per unit of level, and assembly."""
    products = ["part1", "part2", "set"]
    activities = [f"{k}:part{i}" for k in machines for i in (1, 2)] + ["assemble"]
    m = len(activities)
    make, use, resource_use = np.zeros((3, m)), np.zeros((3, m)), np.zeros((len(machines), m))
    for r, (_, first, second) in enumerate(machines.values()):
        make[0, 2 * r], make[1, 2 * r + 1] = first, second
        resource_use[r, 2 * r] = resource_use[r, 2 * r + 1] = 1.0
    make[2, m - 1] = use[0, m - 1] = use[1, m - 1] = 1.0
    return ActivityEconomy(
        products=products, activities=activities, make=make, use=use,
        resources=list(machines), resource_use=resource_use,
        available=[float(v[0]) for v in machines.values()],
    )


def by_hand(machines: dict[str, tuple[int, int, int]]) -> tuple[Fraction, dict[str, Fraction]]:
    """Sets per day and each machine-day's worth, by comparative output, for two parts.

    Order the machines by part 2 per part 1 forgone; those best at part 1 make part 1
    until the parts balance; the one machine kind that splits sets the ratio of the
    parts' valuations, and a machine-day is worth the best it makes at those valuations.
    """
    order = sorted(machines, key=lambda k: Fraction(machines[k][2], machines[k][1]))
    for split in order:
        first = sum(Fraction(machines[k][0] * machines[k][1]) for k in order[:order.index(split)])
        second = sum(Fraction(machines[k][0] * machines[k][2])
                     for k in order[order.index(split) + 1:])
        n, a, b = (Fraction(v) for v in machines[split])
        # t machine-days on part 1: first + a t = second + b (n - t).
        t = (second + b * n - first) / (a + b)
        if 0 <= t <= n:
            sets = first + a * t
            # Valuations p1 + p2 = 1 with a p1 = b p2 on the splitting machine.
            p1, p2 = b / (a + b), a / (a + b)
            worth = {k: max(machines[k][1] * p1, machines[k][2] * p2) for k in machines}
            return sets, worth
    raise AssertionError("no machine splits")


def test_by_hand_rule_gives_86_and_two_thirds() -> None:
    sets, worth = by_hand(MACHINES)
    assert sets == SETS == Fraction(260, 3)
    assert worth == {"milling": Fraction(20, 3), "turret": Fraction(40, 3),
                     "automatic": Fraction(80, 3)}
    # Strong duality in exact arithmetic: the machines' worth is the shop's output.
    assert sum(MACHINES[k][0] * worth[k] for k in MACHINES) == sets


@pytest.mark.parametrize("lp_method", ["simplex", "ipm", "prices"])
def test_every_method_finds_the_hand_optimum(lp_method: str) -> None:
    e = machine_shop()
    plan = activity_plan(e, {"set": 1.0}, lp_method=lp_method).raise_for_status()  # type: ignore[arg-type]
    sets, worth = by_hand(MACHINES)
    assert plan.fulfilment == pytest.approx(float(sets), rel=1e-9)
    levels = dict(zip(e.activities.tolist(), plan.levels.tolist(), strict=True))
    assert levels["milling:part1"] == pytest.approx(8 / 3, abs=1e-7)
    assert levels["turret:part1"] == pytest.approx(3.0, abs=1e-7)
    assert levels["automatic:part2"] == pytest.approx(1.0, abs=1e-7)
    assert levels["turret:part2"] == pytest.approx(0.0, abs=1e-7)
    assert levels["automatic:part1"] == pytest.approx(0.0, abs=1e-7)
    assert plan.resource_valuations == pytest.approx([float(worth[k]) for k in MACHINES],
                                                     rel=1e-7)


def test_prices_certify_the_optimum() -> None:
    plan = coordinated_plan(machine_shop(), {"set": 1.0}).raise_for_status()
    assert plan.lp_method == "price_coordination"
    assert plan.gap is not None
    assert 0.0 <= plan.gap <= 1e-9
    assert plan.dual_bound == pytest.approx(float(SETS), rel=1e-12)


def test_resolving_multipliers_are_valuations_up_to_scale() -> None:
    # Kantorovich's multipliers fix another unit; only ratios carry meaning. Asking for
    # k sets per assortment scales λ by 1/k and the valuations of the limits by 1/k too,
    # but leaves every ratio between them, and the choice of techniques, as it is.
    e = machine_shop()
    one = activity_plan(e, {"set": 1.0}).raise_for_status()
    ten = activity_plan(e, {"set": 10.0}).raise_for_status()
    assert ten.fulfilment == pytest.approx(one.fulfilment / 10, rel=1e-12)
    assert ten.resource_valuations == pytest.approx(one.resource_valuations / 10, rel=1e-9)
    ratio = one.resource_valuations / one.resource_valuations[0]
    assert ratio == pytest.approx([1.0, 2.0, 4.0], rel=1e-9)
    assert np.allclose(ten.levels, one.levels, atol=1e-9)


def test_a_second_automatic_lathe_changes_the_split() -> None:
    # Two automatics instead of one: 160 of part 2 a day from them alone, so the milling
    # machines turn wholly to part 1 and the automatics split their days (7/11 of one on
    # part 1): 1200/11 sets. The rule and the LP agree on it and on the valuations.
    machines = {**MACHINES, "automatic": (2, 30, 80)}
    sets, worth = by_hand(machines)
    assert sets == Fraction(1200, 11)
    plan = activity_plan(machine_shop(machines), {"set": 1.0}).raise_for_status()
    assert plan.fulfilment == pytest.approx(float(sets), rel=1e-9)
    assert plan.resource_valuations == pytest.approx([float(worth[k]) for k in machines],
                                                     rel=1e-9)

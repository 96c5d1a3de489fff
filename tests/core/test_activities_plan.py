"""Optimal plans over activities: Kantorovich's machine shop by hand, the square case, errors."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from gosplan import Economy
from gosplan.core.activities import ActivityEconomy
from gosplan.core.activity_diagnosis import explain_activity_plan
from gosplan.core.activity_plan import activity_plan
from gosplan.core.optimal import optimal_plan
from gosplan.core.plan_errors import InfeasiblePlanError, UnboundedPlanError
from gosplan.core.plan_result import PlanStatus
from gosplan.errors import ParameterError, ParameterTypeError, TargetsError

# Kantorovich (1939), first example: three kinds of machine tools make two parts of an
# article, which is assembled from one of each; how should the machines be shared out to
# make the most complete articles? Machines and daily output per machine:
#
#     machine            number   part 1 / day   part 2 / day
#     milling               3          10             20
#     turret lathe          3          20             30
#     automatic lathe       1          30             80
#
# As activities: "<machine>:<part>" runs one machine-day on one part; "assemble" makes a
# set from one of each part. The LP, with t the machine-days of each activity::
#
#     max λ  s.t.  10 t_m1 + 20 t_t1 + 30 t_a1 - s >= 0          (part 1)
#                  20 t_m2 + 30 t_t2 + 80 t_a2 - s >= 0          (part 2)
#                  s - λ >= 0                                    (sets)
#                  t_m1 + t_m2 <= 3,  t_t1 + t_t2 <= 3,  t_a1 + t_a2 <= 1
#
# By hand: part 2 over part 1 is 2 on milling machines, 1.5 on turret lathes, 8/3 on the
# automatic; so the automatic makes part 2 only (80), the turret lathes part 1 only (60),
# and the milling machines split their 3 days, a on part 1, to even the parts out:
# 60 + 10 a = 80 + 20 (3 - a)  ->  a = 8/3, and 60 + 80/3 = 86 2/3 sets.
# Valuations: a set is worth 1 (p · y = 1); assembly breaks even, p1 + p2 = 1; milling
# makes both parts, so 10 p1 = 20 p2: p1 = 2/3, p2 = 1/3; each machine-day is worth what
# it makes at those prices: milling 20/3, turret 20 · 2/3 = 40/3, automatic 80 · 1/3 = 80/3;
# and 3 · 20/3 + 3 · 40/3 + 1 · 80/3 = 260/3 = 86 2/3 (strong duality). The idle ones lose:
# turret on part 2: 40/3 - 30/3 = 10/3; automatic on part 1: 80/3 - 30 · 2/3 = 20/3.
MACHINES = {"milling": (3, 10, 20), "turret": (3, 20, 30), "automatic": (1, 30, 80)}
SETS = Fraction(260, 3)


def machine_shop() -> ActivityEconomy:
    activities, make, resource_use = [], [], []
    for k, (machine, (_, part1, part2)) in enumerate(MACHINES.items()):
        for part, rate in (("part1", part1), ("part2", part2)):
            activities.append(f"{machine}:{part}")
            make.append({part: rate})
            resource_use.append(k)
    activities.append("assemble")
    products = ["part1", "part2", "set"]
    m = len(activities)
    B = np.zeros((3, m))
    U = np.zeros((3, m))
    R = np.zeros((3, m))
    for j, made in enumerate(make):
        for part, rate in made.items():
            B[products.index(part), j] = rate
        R[resource_use[j], j] = 1.0
    B[2, m - 1] = 1.0
    U[0, m - 1] = U[1, m - 1] = 1.0
    return ActivityEconomy(
        products=products, activities=activities, make=B, use=U,
        resources=list(MACHINES), resource_use=R,
        available=[float(v[0]) for v in MACHINES.values()],
        resource_units=("machine-days",) * 3, activity_units=("machine-days",) * 6 + ("sets",),
    )


def test_kantorovich_machine_shop_by_hand() -> None:
    e = machine_shop()
    plan = activity_plan(e, {"set": 1.0}).raise_for_status()
    assert plan.fulfilment == pytest.approx(float(SETS), rel=1e-12)
    levels = dict(zip(e.activities.tolist(), plan.levels.tolist(), strict=True))
    expected = {"milling:part1": 8 / 3, "milling:part2": 1 / 3, "turret:part1": 3.0,
                "turret:part2": 0.0, "automatic:part1": 0.0, "automatic:part2": 1.0,
                "assemble": float(SETS)}
    assert levels == pytest.approx(expected, abs=1e-9)
    assert plan.valuations == pytest.approx([2 / 3, 1 / 3, 1.0], abs=1e-12)
    assert plan.resource_valuations == pytest.approx([20 / 3, 40 / 3, 80 / 3], abs=1e-9)
    assert plan.labour_valuation == 0.0
    loss = dict(zip(e.activities.tolist(), plan.reduced_costs.tolist(), strict=True))
    assert loss["turret:part2"] == pytest.approx(10 / 3, abs=1e-9)
    assert loss["automatic:part1"] == pytest.approx(20 / 3, abs=1e-9)
    used = [a for a in e.activities.tolist() if levels[a] > 0]
    assert [loss[a] for a in used] == pytest.approx([0.0] * len(used), abs=1e-9)
    assert float(plan.resource_valuations @ e.available) == pytest.approx(float(SETS))


def test_kantorovich_diagnosis_in_words() -> None:
    e = machine_shop()
    lines = explain_activity_plan(e, activity_plan(e, {"set": 1.0}))
    assert lines[0] == "The plan delivers 86.6667 times the target assortment."
    assert ("Resource 'automatic' binds: all 1 machine-days are used; one more unit is worth "
            "26.6667.") in lines
    assert "Chosen: 'turret:part1' at level 3 machine-days." in lines
    assert ("Idle: 'automatic:part1' would lose 6.66667 per unit: at the valuations it costs "
            "26.6667 (inputs 0, labour 0, resources 26.6667) and earns 20.") in lines


def coal_steel() -> Economy:
    return Economy(products=["coal", "steel"], A=[[0.1, 0.5], [0.0, 0.1]], labour=[0.2, 1.0],
                   capacity=[100.0, math.inf], labour_available=40.0)


@pytest.mark.parametrize("targets", [{"coal": 10.0, "steel": 5.0}, {"steel": 1.0},
                                     {"coal": 50.0, "steel": 1.0}])
def test_square_economy_as_activities_gives_the_same_optimum(targets: dict[str, float]) -> None:
    square = coal_steel()
    e = ActivityEconomy.from_economy(square)
    ours = activity_plan(e, targets).raise_for_status()
    theirs = optimal_plan(square, targets).raise_for_status()
    assert ours.fulfilment == pytest.approx(theirs.fulfilment, rel=1e-9)
    assert ours.levels == pytest.approx(theirs.gross_output, rel=1e-9)
    assert ours.valuations == pytest.approx(theirs.valuations, abs=1e-12)
    assert ours.labour_valuation == pytest.approx(theirs.labour_valuation, abs=1e-12)
    assert ours.capacity_valuations == pytest.approx(theirs.capacity_valuations, abs=1e-12)


def test_square_weighted_plan_agrees() -> None:
    square = coal_steel()
    e = ActivityEconomy.from_economy(square)
    weights = {"coal": 1.0, "steel": 3.0}
    ours = activity_plan(e, None, objective="weighted", weights=weights).raise_for_status()
    theirs = optimal_plan(square, None, objective="weighted", weights=weights)
    assert ours.objective_value == pytest.approx(theirs.objective_value, rel=1e-9)
    assert ours.valuations == pytest.approx(theirs.valuations, abs=1e-12)


def test_choice_of_technique_and_joint_production() -> None:
    # Refining crude (a primary resource) makes petrol and fuel oil together; fuel oil
    # can also be cracked to petrol.
    e = ActivityEconomy(
        products=["petrol", "fuel oil"],
        activities=["refine", "crack"],
        make=[[0.4, 0.7], [0.6, 0]],
        use=[[0, 0], [0, 1]],
        resources=["crude oil"], resource_use=[[1, 0]], available=[100.0],
        labour=[0.1, 0.2], labour_available=1e9,
    )
    # Targets want petrol only: crack every drop of fuel oil.
    plan = activity_plan(e, {"petrol": 1.0}).raise_for_status()
    assert e.joint
    assert plan.levels == pytest.approx([100.0, 60.0])
    assert plan.fulfilment == pytest.approx(40.0 + 42.0)
    # Weighted: fuel oil is worth more as itself than as 0.7 petrol, so nothing is cracked.
    weighted = activity_plan(e, None, objective="weighted",
                             weights={"petrol": 1.0, "fuel oil": 0.9}).raise_for_status()
    assert weighted.levels == pytest.approx([100.0, 0.0])
    assert weighted.reduced_costs[1] == pytest.approx(0.9 - 0.7, abs=1e-9)


def test_statuses_unbounded_and_infeasible() -> None:
    free = ActivityEconomy(products=["a"], activities=["make a"], make=[[1.0]], use=[[0.0]])
    plan = activity_plan(free, {"a": 1.0})
    assert plan.status is PlanStatus.UNBOUNDED
    with pytest.raises(UnboundedPlanError, match=r"activity plan \(assortment, simplex\): the "):
        plan.raise_for_status()
    assert explain_activity_plan(free, plan)[0].startswith("No optimal plan to explain")
    capped = ActivityEconomy(products=["a"], activities=["make a"], make=[[1.0]],
                             use=[[0.0]], capacity=[1.0])
    plan = activity_plan(capped, {"a": 1.0}, objective="weighted", weights=[1.0],
                         min_fulfilment=2.0)
    assert plan.status is PlanStatus.INFEASIBLE
    with pytest.raises(InfeasiblePlanError, match="no plan satisfies the constraints"):
        plan.raise_for_status()


def test_capacity_binds_and_is_valued() -> None:
    e = ActivityEconomy(products=["a"], activities=["old", "new"], make=[[1.0, 1.0]],
                        use=[[0.0, 0.0]], labour=[1.0, 2.0], capacity=[5.0, math.inf],
                        labour_available=25.0)
    plan = activity_plan(e, {"a": 1.0}).raise_for_status()
    assert plan.levels == pytest.approx([5.0, 10.0])
    assert plan.labour_valuation == pytest.approx(0.5)
    assert plan.capacity_valuations == pytest.approx([0.5, 0.0])
    assert plan.reduced_costs == pytest.approx([-0.5, 0.0])
    assert "Chosen: 'old' at level 5, at its capacity (worth 0.5 per unit more)." in (
        explain_activity_plan(e, plan))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"targets": {"steel": 1.0}}, TargetsError,
         r"^targets: 'steel' is not a product of the economy$"),
        ({"targets": {"set": -1.0}}, TargetsError,
         r"^targets\['set'\]: must be a finite number >= 0; got -1.0$"),
        ({"targets": {"set": "1"}}, TargetsError, r"^targets\['set'\]: must be a number; got str"),
        ({"targets": [1.0, 2.0]}, TargetsError, r"^targets: must have 3 entries"),
        ({"targets": {"set": 0.0}}, TargetsError, r"^targets: the assortment must ask"),
        ({"targets": "set"}, ParameterTypeError, r"^targets: must be a mapping"),
        ({"targets": {"set": 1.0}, "objective": "max"}, ParameterError,
         r"^activity_plan: objective must be one of assortment, weighted; got 'max'$"),
        ({"targets": {"set": 1.0}, "lp_method": "closed_form"}, ParameterError,
         r"^activity_plan: lp_method must be one of simplex, ipm, pdlp, prices; "
         r"got 'closed_form'$"),
        ({"targets": {"set": 1.0}, "weights": [1, 1, 1]}, ParameterError,
         r"weights and min_fulfilment apply only"),
        ({"targets": None, "objective": "weighted"}, TargetsError, r"^weights: objective="),
        ({"targets": {"set": 1.0}, "time_limit": -1}, ParameterError, r"time_limit"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        activity_plan(machine_shop(), **kwargs)  # type: ignore[arg-type]


def test_economy_must_be_an_activity_economy() -> None:
    with pytest.raises(ParameterTypeError, match=r"^activity_plan: economy must be an "
                                                 r"ActivityEconomy; got Economy"):
        activity_plan(coal_steel(), {"coal": 1.0})  # type: ignore[arg-type]


def test_interior_point_agrees_with_simplex() -> None:
    e = machine_shop()
    ipm = activity_plan(e, {"set": 1.0}, lp_method="ipm").raise_for_status()
    assert ipm.fulfilment == pytest.approx(float(SETS), rel=1e-9)
    assert ipm.resource_valuations == pytest.approx([20 / 3, 40 / 3, 80 / 3], rel=1e-7)


def test_optimal_plan_dispatches_activity_economies() -> None:
    e = machine_shop()
    plan = optimal_plan(e, {"set": 1.0})
    assert plan.fulfilment == pytest.approx(float(SETS), rel=1e-12)
    assert plan.resource_valuations == pytest.approx([20 / 3, 40 / 3, 80 / 3], rel=1e-9)
    assert plan.valuations == pytest.approx([2 / 3, 1 / 3, 1.0], rel=1e-9)
    weighted = optimal_plan(e, None, objective="weighted", weights={"set": 2.0},
                            lp_method="ipm")
    assert weighted.objective_value == pytest.approx(2 * float(SETS), rel=1e-9)
    with pytest.raises(ParameterError, match="resources= applies to square economies"):
        optimal_plan(e, {"set": 1.0}, resources={"land": ([1.0] * 3, 1.0)})
    with pytest.raises(ParameterError, match="closed_form' solves square economies only"):
        optimal_plan(e, {"set": 1.0}, lp_method="closed_form")


def test_method_is_a_deprecated_name_of_lp_method() -> None:
    with pytest.warns(DeprecationWarning, match="use lp_method"):
        plan = activity_plan(machine_shop(), {"set": 1.0}, method="ipm")
    assert plan.lp_method == "ipm"
    # The plan's old field names read the new ones, with a warning naming them.
    with pytest.warns(DeprecationWarning, match=r"ActivityPlan.method is deprecated"):
        assert plan.method == "ipm"
    with pytest.warns(DeprecationWarning, match="use .final_demand"):
        np.testing.assert_array_equal(plan.net_output, plan.final_demand)
    with pytest.warns(DeprecationWarning, match="use .valuations"):
        np.testing.assert_array_equal(plan.product_valuations, plan.valuations)


def test_dakota_furniture_published_answer() -> None:
    # Winston, Operations Research (4th ed., 2004), §6.3 and §6.8, the Dakota Furniture
    # Company: desks, tables and chairs sell for 60, 30 and 20 and use lumber (48 board
    # feet), finishing (20 hours) and carpentry (8 hours); at most 5 tables sell. The
    # published answer: revenue 280 from 2 desks and 8 chairs, no tables; shadow prices
    # 0 (lumber), 10 (finishing), 10 (carpentry); tables' reduced cost 5.
    e = ActivityEconomy(
        products=["desk", "table", "chair"], activities=["desks", "tables", "chairs"],
        make=np.eye(3), use=np.zeros((3, 3)),
        resources=["lumber", "finishing", "carpentry"],
        resource_use=[[8.0, 6.0, 1.0], [4.0, 2.0, 1.5], [2.0, 1.5, 0.5]],
        available=[48.0, 20.0, 8.0], capacity=[math.inf, 5.0, math.inf],
    )
    plan = optimal_plan(e, None, objective="weighted",
                        weights={"desk": 60.0, "table": 30.0, "chair": 20.0})
    plan.raise_for_status()
    assert plan.objective_value == pytest.approx(280.0, rel=1e-12)
    assert plan.levels == pytest.approx([2.0, 0.0, 8.0], abs=1e-9)
    assert plan.resource_valuations == pytest.approx([0.0, 10.0, 10.0], abs=1e-9)
    assert plan.reduced_costs[1] == pytest.approx(5.0, abs=1e-9)
    lines = explain_activity_plan(e, plan)
    assert ("Idle: 'tables' would lose 5 per unit: at the valuations it costs 35 (inputs 0, "
            "labour 0, resources 35) and earns 30.") in lines
    assert "Resource 'lumber' is not scarce: 24 of 48 used; valued at 0." in lines


def test_diagnosis_can_stop_after_some_activities() -> None:
    e = machine_shop()
    lines = explain_activity_plan(e, activity_plan(e, {"set": 1.0}), most=2)
    assert lines[-3:] == ("Chosen: 'milling:part1' at level 2.66667 machine-days.",
                          "Chosen: 'milling:part2' at level 0.333333 machine-days.",
                          "… and 5 more activities (all of them with --json).")
    with pytest.raises(ParameterError, match="most"):
        explain_activity_plan(e, activity_plan(e, {"set": 1.0}), most=-1)

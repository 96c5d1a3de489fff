"""Diagnosis of targets: the fraction met, bottlenecks, shortfalls, and the words for them."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gosplan import Economy
from gosplan.core.diagnose import Diagnosis, _fmt, _pct, diagnose
from gosplan.core.optimal import optimal_plan
from gosplan.core.plan_result import PlanStatus
from gosplan.errors import TargetsError

INF = math.inf
TARGETS = {"coal": 20.0, "steel": 40.0}


def coal_steel(**kwargs: object) -> Economy:
    fields: dict[str, object] = {
        "products": ["coal", "steel"],
        "A": [[0.1, 0.5], [0.0, 0.1]],
        "names": ("Coal", "Steel"),
        "units": ("Mt", "Mt"),
        "labour_unit": "million person-years",
    }
    fields.update(kwargs)
    return Economy(**fields)  # type: ignore[arg-type]


def test_one_capacity_binding_by_hand() -> None:
    # x* = (3800/81, 400/9) (see test_optimal); coal capacity 40 gives λ = 81/95 = 85%,
    # coal must grow by 3800/81 - 40 = 560/81 = 6.91 Mt, valuation 81/3800 per Mt.
    d = diagnose(coal_steel(capacity=[40.0, INF]), TARGETS)
    assert isinstance(d, Diagnosis)
    assert not d.feasible
    assert d.fulfilment == pytest.approx(81 / 95)
    np.testing.assert_allclose(d.required_output, [3800 / 81, 400 / 9])
    (b,) = d.bottlenecks
    assert (b.constraint, b.kind, b.product, b.label, b.unit) == (
        "capacity:coal",
        "capacity",
        "coal",
        "Coal capacity",
        "Mt",
    )
    assert b.binding
    assert b.shortfall == pytest.approx(560 / 81)
    assert b.valuation == pytest.approx(81 / 3800)
    np.testing.assert_allclose(d.achievable, [81 / 95 * 20, 81 / 95 * 40])
    assert d.sentences() == [
        "Targets cannot be met: at most 85% of the assortment.",
        "Binding: Coal capacity (needs +6.91 Mt).",
        "Valuations (points of the assortment per extra unit): Coal capacity 2.13 per Mt.",
        "At 85% the plan delivers: Coal 17.1 of 20 Mt, Steel 34.1 of 40 Mt.",
    ]
    assert d.summary() == " ".join(d.sentences())


def test_binding_and_latent_bottlenecks_are_ranked() -> None:
    # Steel capacity 30 (ratio 30 / 44.4 = 0.675), labour 100 of 135.8 needed (0.736),
    # coal 40 of 46.9 (0.853). Only steel binds at the optimum; labour and coal are short
    # of the full targets too, and are listed after it, by shortfall.
    e = coal_steel(capacity=[40.0, 30.0], labour=[1.0, 2.0], labour_available=100.0)
    d = diagnose(e, TARGETS)
    assert d.fulfilment == pytest.approx(30 / (400 / 9))
    assert [b.constraint for b in d.bottlenecks] == ["capacity:steel", "labour", "capacity:coal"]
    assert [b.binding for b in d.bottlenecks] == [True, False, False]
    assert [b.shortfall for b in d.bottlenecks] == pytest.approx(
        [400 / 9 - 30, 11000 / 81 - 100, 560 / 81]
    )
    words = d.summary()
    assert "Binding: Steel capacity (needs +14.4 Mt)." in words
    assert (
        "Also short of the full targets: labour (+35.8 million person-years), "
        "Coal capacity (+6.91 Mt)."
    ) in words


def test_shortfalls_are_sufficient_and_each_necessary(miller_blair: Economy) -> None:
    rng = np.random.default_rng(11)
    n = 8
    A = rng.random((n, n)) * (rng.random((n, n)) < 0.5)
    A *= 0.8 / A.sum(axis=0).max()
    labour = rng.uniform(0.1, 1.0, n)
    y = rng.uniform(1.0, 10.0, n)

    def economy(capacity: np.ndarray, labour_available: float) -> Economy:
        return Economy(
            products=[f"p{i}" for i in range(n)],
            A=A,
            labour=labour,
            capacity=capacity,
            labour_available=labour_available,
        )

    capacity, available = rng.uniform(5.0, 40.0, n), 60.0
    d = diagnose(economy(capacity, available), y)
    assert not d.feasible
    assert d.bottlenecks
    grown_cap, grown_labour = capacity.copy(), available
    for b in d.bottlenecks:
        if b.kind == "capacity":
            grown_cap[int(b.product[1:])] += b.shortfall  # type: ignore[index]
        else:
            grown_labour += b.shortfall
    assert diagnose(economy(grown_cap, grown_labour), y).fulfilment == pytest.approx(1.0)
    for b in d.bottlenecks:  # hold any one back by 1% of its shortfall: targets are missed
        cap, lab = grown_cap.copy(), grown_labour
        if b.kind == "capacity":
            cap[int(b.product[1:])] -= 0.01 * b.shortfall  # type: ignore[index]
        else:
            lab -= 0.01 * b.shortfall
        assert diagnose(economy(cap, lab), y).fulfilment < 1.0 - 1e-9


def test_feasible_targets_say_what_is_spare(miller_blair: Economy) -> None:
    # Half of Miller & Blair's targets: λ = 0.9 / 0.5 = 1.8, agriculture binds beyond.
    d = diagnose(miller_blair, [175.0, 850.0])
    assert d.feasible
    assert d.fulfilment == pytest.approx(1.8)
    assert all(b.shortfall == 0 for b in d.bottlenecks)
    assert d.sentences() == [
        "Targets can be met: up to 180% of the assortment (80% to spare).",
        "First to bind beyond them: agriculture capacity (the targets use 56% of it).",
    ]


def test_exactly_feasible_has_nothing_to_spare(miller_blair: Economy) -> None:
    d = diagnose(miller_blair, [350.0 * 0.9, 1700.0 * 0.9])
    assert d.feasible
    assert d.sentences()[0] == "Targets can be met, with nothing to spare."


def test_unbounded_economy_can_meet_any_targets() -> None:
    d = diagnose(coal_steel(), TARGETS)
    assert d.status is PlanStatus.UNBOUNDED
    assert d.feasible
    assert d.fulfilment == INF
    assert d.bottlenecks == ()
    assert d.summary() == (
        "Targets can be met at any scale: no capacity, labour or resource limits the assortment."
    )
    data = d.to_dict()
    assert data["fulfilment"] is None
    assert data["achievable"] == {"coal": None, "steel": None}
    json.dumps(data, allow_nan=False)


def test_resource_bottleneck_with_its_unit() -> None:
    resources = {"land": ([0.0, 1.0], 10.0, "ha")}
    d = diagnose(coal_steel(), TARGETS, resources=resources)
    (b,) = d.bottlenecks
    assert (b.constraint, b.kind, b.label, b.unit) == ("resource:land", "resource", "land", "ha")
    assert b.shortfall == pytest.approx(400 / 9 - 10)
    assert b.valuation == pytest.approx(0.0225)
    assert "Binding: land (needs +34.4 ha)." in d.summary()


def test_to_dict_is_plain_json(miller_blair: Economy) -> None:
    d = diagnose(miller_blair, [350.0, 1700.0])
    data = d.to_dict()
    assert data["fulfilment"] == pytest.approx(0.9)
    assert data["status"] == "optimal"
    assert data["feasible"] is False
    assert data["bottlenecks"] == [
        {
            "constraint": "capacity:agriculture",
            "kind": "capacity",
            "product": "agriculture",
            "label": "agriculture capacity",
            "valuation": pytest.approx(1e-3),
            "shortfall": pytest.approx(100.0),
            "limit": 900.0,
            "required": pytest.approx(1000.0),
            "unit": "$",
        }
    ]
    assert data["achievable"] == {
        "agriculture": pytest.approx(315.0),
        "manufacturing": pytest.approx(1530.0),
    }
    json.dumps(data, allow_nan=False)


def test_a_given_plan_is_used_and_checked(miller_blair: Economy) -> None:
    plan = optimal_plan(miller_blair, [350.0, 1700.0])
    d = diagnose(miller_blair, [350.0, 1700.0], plan)
    assert d.plan is plan
    np.testing.assert_array_equal(d.final_demand, plan.final_demand)
    with pytest.raises(ValueError, match="assortment plan"):
        diagnose(miller_blair, [350.0, 1000.0], plan)
    weighted = optimal_plan(miller_blair, None, objective="weighted", weights=[1.0, 1.0])
    with pytest.raises(ValueError, match="assortment plan"):
        diagnose(miller_blair, [350.0, 1700.0], weighted)


def test_a_time_limited_plan_is_still_diagnosed_without_valuations() -> None:
    rng = np.random.default_rng(0)
    n = 300
    A = (rng.random((n, n)) < 5 / n) * rng.random((n, n))
    A *= 0.8 / np.maximum(A.sum(axis=0), 1.0)  # column sums <= 0.8: productive
    e = Economy(
        products=[f"p{i}" for i in range(n)], A=A, capacity=rng.uniform(50, 150, n), check=False
    )
    y = rng.uniform(50, 100, n)
    # A limit of zero is spent on the closed form behind the simplex's warm start, before
    # the simplex starts: a time-limited plan on any machine, however fast or loaded.
    d = diagnose(e, y, time_limit=0.0)
    assert d.status is PlanStatus.TIME_LIMIT
    assert d.sentences()[0].startswith("The solver stopped at its time limit")
    assert d.sentences()[1].startswith("Targets cannot be met: at most")
    assert d.bottlenecks
    assert not any(b.binding for b in d.bottlenecks)
    # The closed form gives the same fraction the LP finds given time.
    assert d.fulfilment == pytest.approx(diagnose(e, y).fulfilment, rel=1e-9)


@pytest.mark.parametrize("targets", [{"iron": 1.0}, {"coal": -1.0}, [float("nan"), 1.0]])
def test_bad_targets_raise_targets_error(targets: object) -> None:
    with pytest.raises(TargetsError):
        diagnose(coal_steel(capacity=[40.0, INF]), targets)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (4.1, "4.1"),
        (12.0, "12"),
        (12345.0, "12,300"),
        (0.0123, "0.0123"),
        (999.7, "1,000"),
        (0.0, "0"),
        (1.2e10, "1.2e+10"),
        (-3.21, "-3.21"),
        (INF, "unlimited"),
    ],
)
def test_number_words(value: float, text: str) -> None:
    assert _fmt(value) == text


@pytest.mark.parametrize(
    ("fraction", "text"),
    [
        (0.63, "63%"),
        (0.9996, "99.96%"),
        (1.00004, "100.004%"),
        (1.0, "100%"),
        (0.05, "5%"),
        (0.001234, "0.123%"),
        (2.5, "250%"),
    ],
)
def test_percent_words(fraction: float, text: str) -> None:
    assert _pct(fraction) == text

"""Every bad call of the public Python API raises a GosplanError that is also the builtin.

Table-driven: each row is a bad call, the builtin the error must also be (``TypeError``
for a wrong type, ``ValueError`` for a value out of range or unknown), and a word the
one-line message must contain: the parameter's name. No bare ``ValueError``,
``TypeError``, ``OverflowError`` or ``AttributeError`` may escape.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import gosplan
from gosplan import (
    Economy,
    Enterprises,
    GosplanError,
    balance,
    diagnose,
    generate_economy,
    harmony_plan,
    multiyear_plan,
    optimal_plan,
    quotas,
)
from gosplan.core.harmony import max_fulfilment
from gosplan.errors import ParameterError, ParameterTypeError

PRODUCTS = ["agriculture", "manufacturing"]
HUGE = 10**400
NAN, INF = float("nan"), float("inf")


def economy() -> Economy:
    return Economy(products=PRODUCTS, A=[[0.15, 0.25], [0.20, 0.05]], labour=[0.3, 0.2],
                   capacity=[900.0, 5000.0], labour_available=1000.0,
                   capital=[[0.5, 0.0], [0.2, 0.3]])


Y = {"agriculture": 350.0, "manufacturing": 1700.0}
E = economy()


def firms(**kw: Any) -> Enterprises:
    fields: dict[str, Any] = {"ids": ["a", "b"], "product": [0, 1], "capacity": [1.0, 2.0],
                              "products": PRODUCTS}
    fields.update(kw)
    return Enterprises(**fields)


Call = Callable[[], object]
CASES: list[tuple[str, Call, type[Exception], str]] = [
    # balance
    ("balance economy None", lambda: balance(None, Y), TypeError, "economy"),  # type: ignore[arg-type]
    ("balance economy dict", lambda: balance({"a": 1}, Y), TypeError, "economy"),  # type: ignore[arg-type]
    ("balance targets None", lambda: balance(E, None), TypeError, "final_demand"),  # type: ignore[arg-type]
    ("balance targets str", lambda: balance(E, "steel"), TypeError, "final_demand"),
    ("balance targets number", lambda: balance(E, 5.0), TypeError, "final_demand"),
    ("balance targets huge", lambda: balance(E, {"agriculture": HUGE}), ValueError,
     "final_demand"),
    ("balance targets huge list", lambda: balance(E, [HUGE, 1.0]), ValueError, "final_demand"),
    ("balance targets str value", lambda: balance(E, {"agriculture": "lots"}), ValueError,
     "final_demand"),
    ("balance targets int key", lambda: balance(E, {0: 1.0}), ValueError, "final_demand"),  # type: ignore[dict-item]
    ("balance targets nan", lambda: balance(E, [NAN, 1.0]), ValueError, "final_demand"),
    ("balance targets shape", lambda: balance(E, [[1.0, 2.0, 3.0]]), ValueError,
     "final_demand"),
    ("balance Series by position", lambda: balance(E, pd.Series([350.0, 1700.0])), ValueError,
     "final_demand"),
    ("balance Series unknown", lambda: balance(E, pd.Series({"steel": 1.0})), ValueError,
     "final_demand"),
    ("balance Series text", lambda: balance(E, pd.Series({"agriculture": "x"})), ValueError,
     "final_demand"),
    ("balance Series repeated", lambda: balance(
        E, pd.Series([1.0, 2.0], index=["agriculture", "agriculture"])), ValueError,
     "final_demand"),
    ("balance solver", lambda: balance(E, Y, solver="lu"), ValueError, "solver"),  # type: ignore[arg-type]
    ("balance solver type", lambda: balance(E, Y, solver=3), TypeError, "solver"),  # type: ignore[arg-type]
    ("balance tol 0", lambda: balance(E, Y, tol=0.0), ValueError, "tol"),
    ("balance tol nan", lambda: balance(E, Y, tol=NAN), ValueError, "tol"),
    ("balance tol str", lambda: balance(E, Y, tol="1e-9"), TypeError, "tol"),  # type: ignore[arg-type]
    ("balance maxiter huge", lambda: balance(E, Y, maxiter=HUGE), ValueError, "maxiter"),
    ("balance maxiter float", lambda: balance(E, Y, maxiter=10.0), TypeError, "maxiter"),  # type: ignore[arg-type]
    ("balance maxiter bool", lambda: balance(E, Y, maxiter=True), TypeError, "maxiter"),
    ("balance maxiter 0", lambda: balance(E, Y, maxiter=0), ValueError, "maxiter"),
    ("balance x0", lambda: balance(E, Y, x0=[1.0]), ValueError, "x0"),
    ("balance valuations", lambda: balance(E, Y, valuations="yes"), TypeError,  # type: ignore[arg-type]
     "valuations"),
    # optimal_plan
    ("optimal economy", lambda: optimal_plan("economy", Y), TypeError, "economy"),  # type: ignore[arg-type]
    ("optimal objective", lambda: optimal_plan(E, Y, objective="profit"), ValueError,  # type: ignore[arg-type]
     "objective"),
    ("optimal lp_method", lambda: optimal_plan(E, Y, lp_method="barrier"), ValueError, "lp_method"),  # type: ignore[arg-type]
    ("optimal lp_method None", lambda: optimal_plan(E, Y, lp_method=None), TypeError, "lp_method"),  # type: ignore[arg-type]
    ("optimal time_limit -1", lambda: optimal_plan(E, Y, time_limit=-1.0), ValueError,
     "time_limit"),
    ("optimal time_limit nan", lambda: optimal_plan(E, Y, time_limit=NAN), ValueError,
     "time_limit"),
    ("optimal time_limit str", lambda: optimal_plan(E, Y, time_limit="1"), TypeError,  # type: ignore[arg-type]
     "time_limit"),
    ("optimal time_limit huge", lambda: optimal_plan(E, Y, time_limit=HUGE), ValueError,
     "time_limit"),
    ("optimal min_fulfilment", lambda: optimal_plan(
        E, Y, objective="weighted", weights=Y, min_fulfilment=-1.0), ValueError,
     "min_fulfilment"),
    ("optimal min_fulfilment str", lambda: optimal_plan(
        E, Y, objective="weighted", weights=Y, min_fulfilment="0"), TypeError,  # type: ignore[arg-type]
     "min_fulfilment"),
    ("optimal weights Series by position", lambda: optimal_plan(
        E, Y, objective="weighted", weights=pd.Series([1.0, 2.0])), ValueError, "weights"),
    ("optimal weights str", lambda: optimal_plan(E, Y, objective="weighted", weights="w"),
     TypeError, "weights"),
    ("optimal targets Series by position", lambda: optimal_plan(
        E, pd.Series([1.0, 2.0])), ValueError, "targets"),
    ("optimal resources list", lambda: optimal_plan(E, Y, resources=[1, 2]), TypeError,  # type: ignore[arg-type]
     "resources"),
    ("optimal resources huge", lambda: optimal_plan(
        E, Y, resources={"land": ([1.0, 1.0], HUGE)}), ValueError, "resources"),
    ("optimal resources spec", lambda: optimal_plan(E, Y, resources={"land": 5.0}),  # type: ignore[dict-item]
     ValueError, "resources"),
    ("optimal resources Series unknown", lambda: optimal_plan(
        E, Y, resources={"land": (pd.Series({"steel": 1.0}), 5.0)}), ValueError, "resources"),
    ("optimal closed_form weighted", lambda: optimal_plan(
        E, Y, objective="weighted", weights=Y, lp_method="closed_form"), ValueError, "lp_method"),
    # harmony_plan, max_fulfilment
    ("harmony economy", lambda: harmony_plan(None, Y), TypeError, "economy"),  # type: ignore[arg-type]
    ("harmony floor 1", lambda: harmony_plan(E, Y, floor=1.0), ValueError, "floor"),
    ("harmony floor str", lambda: harmony_plan(E, Y, floor="0.5"), TypeError, "floor"),  # type: ignore[arg-type]
    ("harmony iterations huge", lambda: harmony_plan(E, Y, iterations=HUGE), ValueError,
     "iterations"),
    ("harmony iterations float", lambda: harmony_plan(E, Y, iterations=5.5), TypeError,  # type: ignore[arg-type]
     "iterations"),
    ("harmony iterations -1", lambda: harmony_plan(E, Y, iterations=-1), ValueError,
     "iterations"),
    ("harmony tol", lambda: harmony_plan(E, Y, tol=-1.0), ValueError, "tol"),
    ("harmony time_limit", lambda: harmony_plan(E, Y, time_limit=-1.0), ValueError,
     "time_limit"),
    ("harmony start", lambda: harmony_plan(E, Y, start="last year"), TypeError, "start"),  # type: ignore[arg-type]
    ("harmony Series by position", lambda: harmony_plan(E, pd.Series([1.0, 2.0])),
     ValueError, "targets"),
    ("max_fulfilment economy", lambda: max_fulfilment(3, Y), TypeError, "economy"),  # type: ignore[arg-type]
    ("max_fulfilment Series by position", lambda: max_fulfilment(E, pd.Series([1.0, 2.0])),
     ValueError, "targets"),
    # diagnose
    ("diagnose economy", lambda: diagnose([], Y), TypeError, "economy"),  # type: ignore[arg-type]
    ("diagnose plan", lambda: diagnose(E, Y, plan="plan"), TypeError, "plan"),  # type: ignore[arg-type]
    ("diagnose lp_method", lambda: diagnose(E, Y, lp_method="magic"), ValueError, "lp_method"),  # type: ignore[arg-type]
    ("diagnose tol", lambda: diagnose(E, Y, tol=2.0), ValueError, "tol"),
    ("diagnose time_limit", lambda: diagnose(E, Y, time_limit=-5), ValueError, "time_limit"),
    ("diagnose Series by position", lambda: diagnose(E, pd.Series([1.0, 2.0])), ValueError,
     "targets"),
    # multiyear_plan
    ("multiyear economy", lambda: multiyear_plan(None, Y, years=2), TypeError, "economy"),  # type: ignore[arg-type]
    ("multiyear years huge", lambda: multiyear_plan(E, Y, years=HUGE), ValueError, "years"),
    ("multiyear years big", lambda: multiyear_plan(E, Y, years=10**6), ValueError, "years"),
    ("multiyear years float", lambda: multiyear_plan(E, Y, years=2.0), TypeError, "years"),  # type: ignore[arg-type]
    ("multiyear years bool", lambda: multiyear_plan(E, Y, years=True), TypeError, "years"),
    ("multiyear years None", lambda: multiyear_plan(E, Y), ValueError, "years"),
    ("multiyear too many rows", lambda: multiyear_plan(E, np.ones((201, 2))), ValueError,
     "years"),
    ("multiyear lag", lambda: multiyear_plan(E, Y, years=2, lag=0), ValueError, "lag"),
    ("multiyear lag huge", lambda: multiyear_plan(E, Y, years=2, lag=HUGE), ValueError, "lag"),
    ("multiyear lag str", lambda: multiyear_plan(E, Y, years=2, lag="1"), TypeError, "lag"),  # type: ignore[arg-type]
    ("multiyear objective", lambda: multiyear_plan(E, Y, years=2, objective="max"),  # type: ignore[arg-type]
     ValueError, "objective"),
    ("multiyear method", lambda: multiyear_plan(E, Y, years=2, lp_method="closed_form"),  # type: ignore[arg-type]
     ValueError, "lp_method"),
    ("multiyear labour_growth", lambda: multiyear_plan(E, Y, years=2, labour_growth=-1.0),
     ValueError, "labour_growth"),
    ("multiyear labour_growth inf", lambda: multiyear_plan(E, Y, years=2, labour_growth=INF),
     ValueError, "labour_growth"),
    ("multiyear min_fulfilment", lambda: multiyear_plan(E, Y, years=2, min_fulfilment=NAN),
     ValueError, "min_fulfilment"),
    ("multiyear time_limit", lambda: multiyear_plan(E, Y, years=2, time_limit="5"),  # type: ignore[arg-type]
     TypeError, "time_limit"),
    ("multiyear revise", lambda: multiyear_plan(E, Y, years=2, revise="yes"), TypeError,  # type: ignore[arg-type]
     "revise"),
    ("multiyear shock without revise", lambda: multiyear_plan(
        E, Y, years=2, shock=lambda t, x: x), ValueError, "shock"),
    ("multiyear shock not callable", lambda: multiyear_plan(
        E, Y, years=2, revise=True, shock=5), TypeError, "shock"),  # type: ignore[arg-type]
    ("multiyear at_capacity str", lambda: multiyear_plan(
        E, Y, years=2, at_capacity="agriculture"), TypeError, "at_capacity"),
    ("multiyear investment_shares list", lambda: multiyear_plan(
        E, Y, years=2, investment_shares=[0.5]), TypeError, "investment_shares"),  # type: ignore[arg-type]
    ("multiyear investment_good int", lambda: multiyear_plan(
        E, Y, years=2, investment_good=0), TypeError, "investment_good"),  # type: ignore[arg-type]
    ("multiyear targets str", lambda: multiyear_plan(E, "steel", years=2), TypeError,
     "targets"),
    ("multiyear targets None", lambda: multiyear_plan(E, None, years=2), TypeError,  # type: ignore[arg-type]
     "targets"),
    ("multiyear frame transposed", lambda: multiyear_plan(
        E, pd.DataFrame({1932: Y, 1933: Y})), ValueError, "targets"),
    ("multiyear frame by position", lambda: multiyear_plan(
        E, pd.DataFrame([[1.0, 2.0], [1.0, 2.0]])), ValueError, "targets"),
    ("multiyear list of Series by position", lambda: multiyear_plan(
        E, [pd.Series([1.0, 2.0]), pd.Series([1.0, 2.0])]), ValueError, "targets"),
    ("multiyear weights Series without frame", lambda: multiyear_plan(
        E, [Y, Y], objective="weighted", weights=pd.Series([1.0, 1.0])), ValueError, "weights"),
    ("multiyear weights huge", lambda: multiyear_plan(
        E, [Y, Y], objective="weighted", weights=[HUGE, 1]), ValueError, "weights"),
    ("multiyear weights str", lambda: multiyear_plan(
        E, [Y, Y], objective="weighted", weights="ab"), TypeError, "weights"),  # type: ignore[arg-type]
    ("multiyear pipeline huge", lambda: multiyear_plan(
        E, Y, years=2, lag=2, pipeline=[[HUGE, 0]]), ValueError, "pipeline"),
    ("multiyear pipeline frame unknown", lambda: multiyear_plan(
        E, Y, years=2, lag=2, pipeline=pd.DataFrame({"steel": [1.0]})), ValueError, "pipeline"),
    ("multiyear capital", lambda: multiyear_plan(E, Y, years=2, capital="B"), TypeError,
     "capital"),
    # quotas, Enterprises
    ("quotas enterprises", lambda: quotas([1.0, 1.0], None), TypeError, "enterprises"),  # type: ignore[arg-type]
    ("quotas rule", lambda: quotas([1.0, 1.0], firms(), rule="fair"), ValueError, "rule"),  # type: ignore[arg-type]
    ("quotas excess", lambda: quotas([1.0, 1.0], firms(), excess=1), TypeError, "excess"),  # type: ignore[arg-type]
    ("quotas plan None", lambda: quotas(None, firms()), TypeError, "plan output"),  # type: ignore[arg-type]
    ("quotas plan huge", lambda: quotas({"agriculture": HUGE}, firms()), ValueError,
     "plan output"),
    ("quotas plan Series by position", lambda: quotas(pd.Series([1.0, 1.0]), firms()),
     ValueError, "plan output"),
    ("quotas plan frame unknown", lambda: quotas(pd.DataFrame({"steel": [1.0]}), firms()),
     ValueError, "plan output"),
    ("enterprises ids None", lambda: firms(ids=None), TypeError, "ids"),
    ("enterprises capacity str", lambda: firms(capacity="big"), TypeError, "capacity"),
    ("enterprises capacity huge", lambda: firms(capacity=[HUGE, 1.0]), ValueError, "capacity"),
    ("enterprises capacity Series unknown", lambda: firms(
        capacity=pd.Series({"a": 1.0, "z": 2.0})), ValueError, "capacity"),
    ("enterprises product float", lambda: firms(product=[0.5, 1.0]), ValueError, "product"),
    # Economy
    ("economy products None", lambda: Economy(products=None, A=[[0.1]]), TypeError,  # type: ignore[arg-type]
     "products"),
    ("economy products str", lambda: Economy(products="ab", A=[[0.1]]), TypeError, "products"),
    ("economy A None", lambda: Economy(products=["a"], A=None), TypeError, "A"),
    ("economy A text", lambda: Economy(products=["a"], A=[["x"]]), ValueError, "A"),
    ("economy A huge", lambda: Economy(products=["a"], A=[[HUGE]]), ValueError, "A"),
    ("economy A frame by position", lambda: Economy(
        products=["a", "b"], A=pd.DataFrame(np.zeros((2, 2)))), ValueError, "A"),
    ("economy A frame text column", lambda: Economy(
        products=["a", "b"], A=pd.DataFrame({"a": [0.1, "x"], "b": [0.1, 0.1]},
                                            index=["a", "b"])), ValueError, "column 'a'"),
    ("multiyear frame text column", lambda: multiyear_plan(
        E, pd.DataFrame({"agriculture": ["x"], "manufacturing": [1.0]})), ValueError,
     "column 'agriculture'"),
    ("economy A frame missing", lambda: Economy(
        products=["a", "b"], A=pd.DataFrame([[0.1]], index=["a"], columns=["a"])), ValueError,
     "A"),
    ("economy labour str", lambda: Economy(products=["a"], A=[[0.1]], labour="l"), TypeError,
     "labour"),
    ("economy labour huge", lambda: Economy(products=["a"], A=[[0.1]], labour=[HUGE]),
     ValueError, "labour"),
    ("economy labour Series by position", lambda: Economy(
        products=["a", "b"], A=np.zeros((2, 2)), labour=pd.Series([1.0, 2.0])), ValueError,
     "labour"),
    ("economy capacity Series missing", lambda: Economy(
        products=["a", "b"], A=np.zeros((2, 2)), capacity=pd.Series({"a": 1.0})), ValueError,
     "capacity"),
    ("economy labour_available str", lambda: Economy(
        products=["a"], A=[[0.1]], labour_available="1"), TypeError, "labour_available"),  # type: ignore[arg-type]
    ("economy labour_available None", lambda: Economy(
        products=["a"], A=[[0.1]], labour_available=None), TypeError, "labour_available"),  # type: ignore[arg-type]
    ("economy labour_available huge", lambda: Economy(
        products=["a"], A=[[0.1]], labour_available=HUGE), ValueError, "labour_available"),
    ("economy labour_available 0", lambda: Economy(
        products=["a"], A=[[0.1]], labour_available=0), ValueError, "labour_available"),
    ("economy names None", lambda: Economy(products=["a"], A=[[0.1]], names=None), TypeError,  # type: ignore[arg-type]
     "names"),
    ("economy names numbers", lambda: Economy(products=["a"], A=[[0.1]], names=[1]), ValueError,
     "names"),
    ("economy units str", lambda: Economy(products=["a"], A=[[0.1]], units="t"), TypeError,  # type: ignore[arg-type]
     "units"),
    ("economy name", lambda: Economy(products=["a"], A=[[0.1]], name=5), TypeError, "name"),  # type: ignore[arg-type]
    ("economy metadata", lambda: Economy(products=["a"], A=[[0.1]], metadata=[1]), TypeError,  # type: ignore[arg-type]
     "metadata"),
    ("economy check", lambda: Economy(products=["a"], A=[[0.1]], check="no"), TypeError,  # type: ignore[arg-type]
     "check"),
    ("from_dataframes A array", lambda: Economy.from_dataframes(np.zeros((2, 2))), TypeError,
     "A"),
    ("from_dataframes A text column", lambda: Economy.from_dataframes(pd.DataFrame(
        {"a": ["x", "y"], "b": [0.1, 0.1]}, index=["a", "b"])), ValueError, "A"),
    ("from_dataframes labour unknown", lambda: Economy.from_dataframes(
        pd.DataFrame(np.zeros((1, 1)), index=["a"], columns=["a"]),
        labour=pd.Series({"a": 1.0, "z": 1.0})), ValueError, "labour"),
    ("from_dataframes capital unknown", lambda: Economy.from_dataframes(
        pd.DataFrame(np.zeros((1, 1)), index=["a"], columns=["a"]),
        capital=pd.DataFrame({"z": [1.0]}, index=["a"])), ValueError, "capital"),
    ("from_dataframes capital array", lambda: Economy.from_dataframes(
        pd.DataFrame(np.zeros((1, 1)), index=["a"], columns=["a"]), capital=np.ones((1, 1))),
     TypeError, "capital"),
    ("from_pymrio not a system", lambda: Economy.from_pymrio({"A": 1}), TypeError, "io"),
    # generate_economy
    ("generate n huge", lambda: generate_economy(HUGE), ValueError, "n_products"),
    ("generate n float", lambda: generate_economy(10.0), TypeError, "n_products"),  # type: ignore[arg-type]
    ("generate n str", lambda: generate_economy("10"), TypeError, "n_products"),  # type: ignore[arg-type]
    ("generate n 0", lambda: generate_economy(0), ValueError, "n_products"),
    ("generate inputs huge", lambda: generate_economy(10, inputs=10**9), ValueError, "inputs"),
    ("generate inputs bool", lambda: generate_economy(10, inputs=True), TypeError, "inputs"),
    ("generate seed negative", lambda: generate_economy(10, seed=-1), ValueError, "seed"),
    ("generate seed float", lambda: generate_economy(10, seed=1.5), TypeError, "seed"),  # type: ignore[arg-type]
    ("generate capital", lambda: generate_economy(10, capital="yes"), TypeError, "capital"),  # type: ignore[arg-type]
    ("generate size", lambda: generate_economy(10**8, inputs=1000), ValueError, "n_products"),
    # simulate: the types, checked before the run (which checks what the values mean)
    ("simulate scenario None", lambda: gosplan.simulate(None), TypeError, "scenario"),  # type: ignore[arg-type]
    ("simulate years int", lambda: gosplan.simulate(years=5), TypeError, "years"),  # type: ignore[arg-type]
    ("simulate years text", lambda: gosplan.simulate(years=("a", "b")), TypeError, "years"),  # type: ignore[arg-type]
    ("simulate years huge", lambda: gosplan.simulate(years=(HUGE, 1)), ValueError, "years"),
    ("simulate years reversed", lambda: gosplan.simulate(years=(1937, 1928)), ValueError,
     "years"),
    ("simulate sets str", lambda: gosplan.simulate(sets="a=1"), TypeError, "sets"),
    ("simulate sets int", lambda: gosplan.simulate(sets=[5]), TypeError, "sets"),  # type: ignore[list-item]
    ("simulate seed negative", lambda: gosplan.simulate(seed=-1), ValueError, "seed"),
    ("simulate seed float", lambda: gosplan.simulate(seed=1.5), TypeError, "seed"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("call", "builtin", "name"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_calls_raise_one_line_gosplan_errors(
    call: Call, builtin: type[Exception], name: str
) -> None:
    with pytest.raises(GosplanError) as raised:
        call()
    error = raised.value
    assert isinstance(error, builtin), f"{type(error).__name__} is not a {builtin.__name__}"
    message = str(error)
    assert "\n" not in message
    assert len(message) < 400
    assert name in message


def test_every_public_error_class_is_also_a_builtin() -> None:
    from gosplan import errors

    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, GosplanError)
        if cls is not GosplanError:
            assert any(issubclass(cls, b) for b in (ValueError, TypeError, OSError, ImportError,
                                                    ArithmeticError, ConnectionError)), name


# --- pandas inputs are matched by label, never read by position --------------------------------


def test_a_series_in_another_order_gives_the_plan_of_the_dict() -> None:
    reversed_series = pd.Series(Y).iloc[::-1]
    assert reversed_series.index.tolist() == ["manufacturing", "agriculture"]
    by_dict = balance(E, Y).gross_output
    np.testing.assert_array_equal(balance(E, reversed_series).gross_output, by_dict)
    np.testing.assert_array_equal(balance(E, pd.Series(Y)).gross_output, by_dict)
    # A Series leaving out a product gives it zero, as a dict does.
    np.testing.assert_array_equal(balance(E, pd.Series({"manufacturing": 1.0})).gross_output,
                                  balance(E, {"manufacturing": 1.0}).gross_output)


@pytest.mark.parametrize("name", ["optimal_plan", "harmony_plan", "diagnose",
                                  "max_fulfilment"])
def test_every_planner_reads_a_series_by_label(name: str) -> None:
    planner: Callable[..., Any] = {
        "optimal_plan": optimal_plan, "harmony_plan": harmony_plan, "diagnose": diagnose,
        "max_fulfilment": max_fulfilment}[name]
    targets = {"agriculture": 100.0, "manufacturing": 2000.0}  # asymmetric: order matters
    by_dict = planner(E, targets)
    by_series = planner(E, pd.Series(targets).iloc[::-1])
    if name == "max_fulfilment":
        assert by_series == by_dict
        return
    for field in ("fulfilment", "gross_output", "targets"):
        a, b = getattr(by_series, field, None), getattr(by_dict, field, None)
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_weighted_plans_read_weights_and_resources_by_label() -> None:
    weights = {"agriculture": 1.0, "manufacturing": 3.0}
    land = {"agriculture": 2.0, "manufacturing": 0.5}
    by_dict = optimal_plan(E, None, objective="weighted", weights=weights,
                           resources={"land": ([2.0, 0.5], 100.0)})
    by_series = optimal_plan(E, None, objective="weighted",
                             weights=pd.Series(weights).iloc[::-1],
                             resources={"land": (pd.Series(land).iloc[::-1], 100.0)})
    np.testing.assert_array_equal(by_series.final_demand, by_dict.final_demand)
    assert by_series.objective_value == by_dict.objective_value


def test_multiyear_targets_by_label_in_every_form() -> None:
    years = [Y, {"agriculture": 400.0, "manufacturing": 1800.0}]
    by_dicts = multiyear_plan(E, years)
    frame = pd.DataFrame(years, index=[1932, 1933])[["manufacturing", "agriculture"]]
    series = [pd.Series(t).iloc[::-1] for t in years]
    for targets in (frame, series):
        plan = multiyear_plan(E, targets)
        np.testing.assert_array_equal(plan.targets, by_dicts.targets)
        np.testing.assert_array_equal(plan.gross_output, by_dicts.gross_output)
    # Investment shares as a Series, by branch id.
    shares = {"agriculture": 0.2}
    by_dict = multiyear_plan(E, years, investment_shares=shares, investment_good="agriculture")
    by_series = multiyear_plan(E, years, investment_shares=pd.Series(shares),
                               investment_good="agriculture")
    np.testing.assert_array_equal(by_series.investment, by_dict.investment)
    # One Series for every year, in another order.
    same = multiyear_plan(E, pd.Series(Y).iloc[::-1], years=2)
    np.testing.assert_array_equal(same.targets, multiyear_plan(E, Y, years=2).targets)
    # Year weights as a Series match the frame's rows by label.
    w = pd.Series({1933: 1.0, 1932: 3.0})
    weighted = multiyear_plan(E, frame, objective="weighted", weights=w)
    listed = multiyear_plan(E, years, objective="weighted", weights=[3.0, 1.0])
    np.testing.assert_array_equal(weighted.gross_output, listed.gross_output)


def test_quotas_and_enterprises_by_label() -> None:
    e = firms(capacity=pd.Series({"b": 2.0, "a": 1.0}),
              product=pd.Series({"b": "manufacturing", "a": "agriculture"}))
    assert e.capacity.tolist() == [1.0, 2.0]
    assert e.product.tolist() == [0, 1]
    by_array = quotas([0.5, 1.5], e).quota
    np.testing.assert_array_equal(
        quotas(pd.Series({"manufacturing": 1.5, "agriculture": 0.5}), e).quota, by_array)
    frame = pd.DataFrame([{"manufacturing": 1.5, "agriculture": 0.5}])
    np.testing.assert_array_equal(quotas(frame, e).quota, by_array)


def test_economy_fields_by_label() -> None:
    a = [[0.15, 0.25], [0.20, 0.05]]
    plain = Economy(products=PRODUCTS, A=a, labour=[0.3, 0.2], capacity=[900.0, 5000.0],
                    units=("t", "m"), capital=[[0.5, 0.0], [0.2, 0.3]])
    flipped = PRODUCTS[::-1]
    frame = pd.DataFrame(a, index=PRODUCTS, columns=PRODUCTS).loc[flipped, flipped]
    labelled = Economy(
        products=PRODUCTS, A=frame, labour=pd.Series({"manufacturing": 0.2, "agriculture": 0.3}),
        capacity=pd.Series({"manufacturing": 5000.0, "agriculture": 900.0}),
        units=pd.Series({"manufacturing": "m", "agriculture": "t"}),
        capital=pd.DataFrame({"manufacturing": [0.3]}, index=["manufacturing"]).join(
            pd.DataFrame({"agriculture": [0.2]}, index=["manufacturing"])).reindex(
            flipped).fillna({"agriculture": 0.5, "manufacturing": 0.0}))
    np.testing.assert_array_equal(labelled.A.toarray(), plain.A.toarray())
    np.testing.assert_array_equal(labelled.labour, plain.labour)
    np.testing.assert_array_equal(labelled.capacity, plain.capacity)
    np.testing.assert_array_equal(labelled.capital.toarray(), plain.capital.toarray())
    assert labelled.units == plain.units


def test_public_errors_are_in_the_package() -> None:
    assert issubclass(gosplan.errors.ParameterError, ValueError)
    assert issubclass(gosplan.errors.ParameterTypeError, TypeError)


# --- ensembles and sensitivity: checked before any cluster starts or any file is written ---

ENSEMBLE_CALLS = [
    ({"runs": "5"}, ParameterTypeError, "runs"),
    ({"runs": None}, ParameterTypeError, "runs"),
    ({"runs": 0}, ParameterError, "runs"),
    ({"years": 5}, ParameterTypeError, "years"),
    ({"vary": 5}, ParameterTypeError, "vary"),
    ({"scenario": None}, ParameterTypeError, "scenario"),
    ({"out": None}, ParameterTypeError, "out"),
    ({"sets": [5]}, ParameterTypeError, "sets"),
    ({"timeout": -1}, ParameterError, "timeout"),
    ({"timeout": "x"}, ParameterTypeError, "timeout"),
    ({"workers": 0}, ParameterError, "workers"),
    ({"seed": -1}, ParameterError, "seed"),
    ({"sets": ["policy.collectivization.1935=0.5"]}, GosplanError, "1935"),
]


@pytest.mark.parametrize(("bad", "error", "named"), ENSEMBLE_CALLS)
def test_bad_ensemble_calls_are_one_line(
    tmp_path: Path, bad: dict[str, object], error: type[Exception], named: str
) -> None:
    from gosplan.analysis.ensemble import run_ensemble

    kwargs: dict[str, Any] = {"scenario": "ussr-1928", "runs": 2, "out": tmp_path / "ens",
                              "years": (1928, 1930)}
    kwargs.update(bad)
    with pytest.raises(error) as info:
        run_ensemble(**kwargs)
    message = str(info.value)
    assert "\n" not in message
    assert named in message
    assert not (tmp_path / "ens").exists()


@pytest.mark.parametrize(
    ("bad", "named"),
    [({"method": "fast"}, "method"), ({"n": "20"}, "n"), ({"method": "sobol", "n": 100}, "n"),
     ({"seed": 1.5}, "seed"), ({"batch": 0}, "batch")],
)
def test_bad_sensitivity_calls_are_one_line(bad: dict[str, object], named: str) -> None:
    from gosplan.analysis.sensitivity import sensitivity

    with pytest.raises(GosplanError) as info:
        sensitivity("ussr-1928", **bad)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError | TypeError)
    assert named in str(info.value)
    assert "\n" not in str(info.value)

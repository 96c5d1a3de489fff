"""Old names of the planning engine keep working for one release, with a DeprecationWarning."""

from __future__ import annotations

import numpy as np
import pytest

from gosplan.core.balance import balance
from gosplan.core.diagnose import diagnose
from gosplan.core.economy import Economy
from gosplan.core.harmony import harmony_plan
from gosplan.core.optimal import optimal_plan
from gosplan.errors import ParameterError


@pytest.fixture
def economy() -> Economy:
    return Economy(products=["coal", "steel"], A=[[0.1, 0.5], [0.0, 0.1]], labour=[2.0, 3.0],
                   capacity=[40.0, float("inf")], labour_available=500.0)


Y = {"coal": 20.0, "steel": 40.0}


def test_balance_result_old_fields(economy: Economy) -> None:
    r = balance(economy, Y)
    with pytest.warns(DeprecationWarning, match=r"BalanceResult.method is deprecated; use "
                                                r"\.solver"):
        assert r.method == r.solver == "direct"
    with pytest.warns(DeprecationWarning, match=r"BalanceResult.labour_values is deprecated; "
                                                r"use \.valuations"):
        assert r.labour_values is r.valuations


def test_balance_old_keywords(economy: Economy) -> None:
    new = balance(economy, Y, solver="gmres", valuations=False)
    with pytest.warns(DeprecationWarning, match=r"balance: method= is deprecated; use solver="):
        old = balance(economy, Y, method="gmres")
    assert old.solver == "gmres"
    assert old.gross_output.tobytes() == new.gross_output.tobytes()
    with pytest.warns(DeprecationWarning, match=r"balance: labour_values= is deprecated; use "
                                                r"valuations="):
        assert balance(economy, Y, labour_values=False).valuations is None


def test_the_warning_points_at_the_caller(economy: Economy) -> None:
    with pytest.warns(DeprecationWarning, match="method= is deprecated") as caught:
        balance(economy, Y, method="direct")
    assert caught[0].filename == __file__
    with pytest.warns(DeprecationWarning, match="labour_values is deprecated") as caught:
        _ = balance(economy, Y).labour_values
    assert caught[0].filename == __file__


def test_old_and_new_keyword_together_are_refused(economy: Economy) -> None:
    with pytest.warns(DeprecationWarning, match="method= is deprecated"), pytest.raises(
            ParameterError, match=r"^balance: give solver or its old name method, not both$"):
        balance(economy, Y, solver="gmres", method="direct")


def test_optimal_plan_old_names(economy: Economy) -> None:
    with pytest.warns(DeprecationWarning, match=r"optimal_plan: method= is deprecated; use "
                                                r"lp_method="):
        plan = optimal_plan(economy, Y, method="closed_form")
    assert plan.lp_method == "closed_form"
    with pytest.warns(DeprecationWarning, match=r"OptimalPlan.method is deprecated"):
        assert plan.method == "closed_form"
    with pytest.warns(DeprecationWarning, match=r"OptimalPlan.final_use is deprecated; use "
                                                r"\.final_demand"):
        np.testing.assert_array_equal(plan.final_use, plan.final_demand)
    with pytest.warns(DeprecationWarning, match=r"OptimalPlan.product_prices is deprecated; use "
                                                r"\.valuations"):
        np.testing.assert_array_equal(plan.product_prices, plan.valuations)


def test_harmony_plan_old_names(economy: Economy) -> None:
    plan = harmony_plan(economy, Y)
    with pytest.warns(DeprecationWarning, match=r"HarmonyPlan.final_use is deprecated"):
        np.testing.assert_array_equal(plan.final_use, plan.final_demand)
    with pytest.warns(DeprecationWarning, match=r"HarmonyPlan.product_prices is deprecated"):
        np.testing.assert_array_equal(plan.product_prices, plan.valuations)


def test_diagnose_old_names(economy: Economy) -> None:
    with pytest.warns(DeprecationWarning, match=r"diagnose: method= is deprecated; use "
                                                r"lp_method="):
        d = diagnose(economy, Y, method="closed_form")
    assert d.plan.lp_method == "closed_form"
    with pytest.warns(DeprecationWarning, match=r"Diagnosis.delivered is deprecated; use "
                                                r"\.final_demand"):
        np.testing.assert_array_equal(d.delivered, d.final_demand)


def test_new_names_raise_no_warning(economy: Economy) -> None:
    # filterwarnings = error turns any warning into a failure here.
    r = balance(economy, Y, solver="direct", valuations=True)
    plan = optimal_plan(economy, Y, lp_method="simplex")
    d = diagnose(economy, Y, plan)
    assert r.valuations is not None
    assert plan.valuations is not None
    assert d.final_demand is not None

"""Capital held by good and branch (Cockshott's model), sum of fulfilments, calendar years."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from gosplan import Economy
from gosplan.core.activities import ActivityEconomy
from gosplan.core.multiyear import multiyear_plan
from gosplan.core.plan_result import PlanStatus
from gosplan.errors import EconomyError, ParameterError, ParameterTypeError, TargetsError

INF = math.inf


def single_good_capital(seed: int, n: int = 6) -> Economy:
    """A random productive economy whose every finite branch holds one capital good."""
    rng = np.random.default_rng(seed)
    A = rng.uniform(0, 0.12, (n, n)) * (rng.random((n, n)) < 0.5)
    capacity = rng.uniform(40, 80, n)
    capacity[-1] = INF  # one unlimited branch: no capital
    B = np.zeros((n, n))
    for j in range(n - 1):
        B[rng.integers(0, n - 1), j] = rng.uniform(0.5, 2.0)
    return Economy(products=[f"p{k}" for k in range(n)], A=A, capacity=capacity,
                   depreciation=rng.uniform(0, 0.1, n), capital=B,
                   labour=rng.uniform(0.1, 1.0, n), labour_available=float(n * 40))


def proportional_stock(e: Economy) -> np.ndarray:
    B = np.asarray(e.capital.toarray())
    cap = np.where(np.isfinite(e.capacity), e.capacity, 0.0)
    return B * cap[None, :]


def growing(e: Economy, years: int, seed: int) -> np.ndarray:
    base = np.random.default_rng(seed).uniform(1, 10, e.n)
    return base[None, :] * 1.06 ** np.arange(years)[:, None]


# --- Today's model is the special case ---------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("objective", "lag"), [("min", 1), ("sum", 1), ("final", 2),
                                                ("min", 3)])
def test_one_stock_per_branch_gives_todays_plan(seed: int, objective: str, lag: int) -> None:
    # Each branch's capital is one good: its stock K[i, j] = B[i, j] capacity_j with the
    # branch's depreciation is exactly today's capacity, and so is every plan.
    e = single_good_capital(seed)
    y = growing(e, 5, seed)
    floor = 0.2 if objective == "final" else 0.0
    today = multiyear_plan(e, y, lag=lag, objective=objective,  # type: ignore[arg-type]
                           min_fulfilment=floor).raise_for_status()
    by_good = multiyear_plan(e, y, lag=lag, objective=objective,  # type: ignore[arg-type]
                             min_fulfilment=floor,
                             capital_stock=proportional_stock(e)).raise_for_status()
    assert by_good.objective_value == pytest.approx(today.objective_value, rel=1e-9)
    np.testing.assert_allclose(by_good.fulfilment, today.fulfilment, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(by_good.capacity, today.capacity, rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(by_good.labour_valuations, today.labour_valuations, atol=1e-7)
    # Investment in goods is today's capacity started times its capital coefficient.
    B = np.asarray(e.capital.toarray())
    goods = [e.index(g) for g in by_good.capital_goods]
    branches = [e.index(b) for b in by_good.capital_branches]
    np.testing.assert_allclose(by_good.capital_investment,
                               today.investment[:, branches] * B[goods, branches],
                               rtol=1e-6, atol=1e-6)


def test_goods_bought_apart_never_do_worse_than_goods_bought_together() -> None:
    # With several goods per branch, investing good by good relaxes today's model (each
    # good may be bought in the year it is cheapest): never a worse plan.
    rng = np.random.default_rng(7)
    n = 5
    B = rng.uniform(0.2, 1.5, (n, n)) * (rng.random((n, n)) < 0.6)
    B[:, -1] = 0.0
    e = Economy(products=list("abcde"), A=rng.uniform(0, 0.1, (n, n)),
                capacity=[50.0, 60.0, 40.0, 70.0, INF], depreciation=[0.05] * n, capital=B)
    y = growing(e, 5, 7)
    today = multiyear_plan(e, y, objective="sum").raise_for_status()
    by_good = multiyear_plan(e, y, objective="sum",
                             capital_stock=proportional_stock(e)).raise_for_status()
    assert by_good.objective_value >= today.objective_value * (1 - 1e-9)


# --- By hand -----------------------------------------------------------------------------


def test_two_goods_with_their_own_depreciation_by_hand() -> None:
    # Branch "cloth" needs 1 machine and 2 buildings a unit of output; it holds 10
    # machines (lost 50 % a year) and 40 buildings (none lost). Machines and buildings
    # are made without capital, by an hour of labour each; 5 hours a year. The targets
    # ask for 10 cloth a year for 2 years:
    #   year 1: cloth <= min(10 / 1, 40 / 2) = 10, so λ_1 <= 1
    #   year 2: cloth <= min(5 + w, (40 + v) / 2) with w machines and v buildings made in
    #           year 1, w + v <= 5; so λ_2 <= 1, reached only with w = 5, v = 0.
    e = Economy(products=["cloth", "machine", "building"], A=np.zeros((3, 3)),
                capacity=[INF, INF, INF], capital=[[0, 0, 0], [1, 0, 0], [2, 0, 0]],
                labour=[0.0, 1.0, 1.0], labour_available=5.0)
    stock = np.zeros((3, 3))
    stock[1, 0], stock[2, 0] = 10.0, 40.0
    delta = np.zeros((3, 3))
    delta[1, 0] = 0.5
    plan = multiyear_plan(e, [[10.0, 0, 0], [10.0, 0, 0]], objective="sum",
                          capital_stock=stock, capital_depreciation=delta,
                          first_year=1928).raise_for_status()
    assert plan.capital_goods.tolist() == ["machine", "building"]
    assert plan.capital_branches.tolist() == ["cloth", "cloth"]
    np.testing.assert_allclose(plan.fulfilment, [1.0, 1.0], atol=1e-9)
    np.testing.assert_allclose(plan.capital_stock[:, 0], [10.0, 10.0, 5.0], atol=1e-9)
    np.testing.assert_allclose(plan.capital_investment, [[5.0, 0.0], [0.0, 0.0]], atol=1e-9)
    np.testing.assert_allclose(plan.capacity[:2, 0], [10.0, 10.0], atol=1e-9)
    assert plan.investment is None
    # Depreciation by good alone (the building's 0, the machine's 0.5) is the same plan.
    again = multiyear_plan(e, [[10.0, 0, 0], [10.0, 0, 0]], objective="sum",
                           capital_stock=stock, capital_depreciation=[0.0, 0.5, 0.0])
    np.testing.assert_allclose(again.capital_stock, plan.capital_stock, atol=1e-9)


def test_capital_stock_as_a_dataframe_by_product_id() -> None:
    e = Economy(products=["cloth", "machine"], A=np.zeros((2, 2)), capacity=[INF, INF],
                capital=[[0, 0], [1, 0]])
    frame = pd.DataFrame({"cloth": [8.0]}, index=["machine"])
    plan = multiyear_plan(e, [[10.0, 0.0]], capital_stock=frame).raise_for_status()
    assert plan.fulfilment[0] == pytest.approx(0.8)


# --- Sum of fulfilments, labour path, calendar years ---------------------------------------


def test_sum_of_fulfilments_is_weighted_with_ones() -> None:
    e = single_good_capital(3)
    y = growing(e, 4, 3)
    total = multiyear_plan(e, y, objective="sum").raise_for_status()
    ones = multiyear_plan(e, y, objective="weighted", weights=[1.0] * 4).raise_for_status()
    assert total.objective == "sum"
    assert total.objective_value == pytest.approx(ones.objective_value, rel=1e-9)
    assert total.objective_value == pytest.approx(total.fulfilment.sum(), rel=1e-7)
    worst = multiyear_plan(e, y).raise_for_status()
    assert total.fulfilment.sum() >= worst.fulfilment.sum() - 1e-9


def test_labour_path_limits_each_year() -> None:
    e = Economy(products=["g"], A=[[0.0]], capacity=[INF], labour=[1.0],
                labour_available=100.0, capital=[[0.0]])
    path = pd.Series([50.0, 80.0, 20.0], index=[1930, 1929, 1928])
    plan = multiyear_plan(e, [[10.0]] * 3, objective="sum", labour_path=path,
                          first_year=1928).raise_for_status()
    np.testing.assert_allclose(plan.fulfilment, [2.0, 8.0, 5.0])
    np.testing.assert_allclose(plan.labour_available, [20.0, 80.0, 50.0])


def test_calendar_years_from_the_targets_and_the_economy() -> None:
    e = Economy(products=["g"], A=[[0.0]], capacity=[100.0], capital=[[2.0]],
                metadata={"year": "1928"})
    plan = multiyear_plan(e, [[90.0], [100.0]])
    assert plan.first_year == 1928
    assert plan.calendar_years == [1928, 1929]
    frame = pd.DataFrame({"g": [90.0, 100.0]}, index=[1933, 1934])
    assert multiyear_plan(e, frame).first_year == 1933
    assert multiyear_plan(e, frame, first_year=1).calendar_years == [1, 2]
    plain = Economy(products=["g"], A=[[0.0]], capacity=[100.0], capital=[[2.0]])
    assert multiyear_plan(plain, [[1.0]]).first_year == 1
    assert plan.to_dict()["calendar_years"] == [1928, 1929]
    assert [r["year"] for r in plan.frame_rows()] == [1928, 1929]


def test_tables_and_reprs() -> None:
    e = Economy(products=["g", "h"], A=np.zeros((2, 2)), capacity=[100.0, INF],
                capital=[[2.0, 0.0], [0.0, 0.0]], units=["t", "m"], labour=[1.0, 1.0],
                labour_available=500.0, labour_unit="hours")
    plan = multiyear_plan(e, [[90.0, 1.0], [100.0, 1.0]], first_year=1928)
    frame = plan.to_frame()
    assert list(frame.columns) == ["year", "product", "quantity", "value", "unit"]
    row = frame[
        (frame.year == 1929) & (frame["product"] == "g") & (frame.quantity == "gross_output")
    ]
    assert row.value.item() == pytest.approx(plan.gross_output[1, 0])
    assert row.unit.item() == "t"
    labour = frame[(frame.quantity == "labour_available")]
    assert labour.unit.tolist() == ["hours", "hours"]
    assert labour["product"].isna().all()
    ds = plan.to_xarray()
    assert ds.gross_output.dims == ("year", "product")
    assert ds.year.values.tolist() == [1928, 1929]
    value = float(ds.gross_output.sel(year=1929, product="g"))
    assert value == pytest.approx(plan.gross_output[1, 0])
    assert ds.fulfilment.attrs["units"] == "share of the targets"
    assert repr(plan).startswith("MultiYearPlan(optimal, 1928–1929, 2 products")
    assert "<td>1929</td>" in plan._repr_html_()


def test_stock_tables_name_the_good() -> None:
    e = Economy(products=["cloth", "machine"], A=np.zeros((2, 2)), capacity=[INF, INF],
                capital=[[0, 0], [1, 0]], units=["m", "pieces"], labour=[0.0, 1.0],
                labour_available=3.0)
    plan = multiyear_plan(e, [[10.0, 0.0], [12.0, 0.0]], capital_stock=[[0, 0], [8, 0]])
    frame = plan.to_frame()
    stock = frame[frame.quantity == "capital_stock"]
    assert stock[["product", "good", "unit"]].values.tolist() == [
        ["cloth", "machine", "pieces"]] * 2
    assert plan.to_dict()["capital_goods"] == ["machine"]


# --- Errors ---------------------------------------------------------------------------


def stock_economy() -> Economy:
    return Economy(products=["cloth", "machine"], A=np.zeros((2, 2)), capacity=[INF, INF],
                   capital=[[0, 0], [1, 0]])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"capital_stock": [[0, 0], [-1, 0]]}, EconomyError,
         r"capital_stock\['machine', 'cloth'\]: must be a finite number >= 0; got -1.0"),
        ({"capital_stock": [[0, 0], [1, 5]]}, EconomyError,
         r"capital_stock\['machine', 'machine'\]: branch 'machine' needs none of good "
         r"'machine' \(its capital coefficient B is 0\); got 5.0"),
        ({"capital_stock": [[1, 2]]}, EconomyError, r"must have shape \(2, 2\).*got \(1, 2\)"),
        ({"capital_stock": "a"}, ParameterTypeError, "capital_stock: must be numbers"),
        ({"capital_stock": [[0, 0], [1, 0]], "capital_depreciation": [0.1, 2.0]},
         EconomyError, r"capital_depreciation\['machine'\]: must be a number in \[0, 1\]"),
        ({"capital_stock": [[0, 0], [1, 0]], "capital_depreciation": [[0, 0], [-0.5, 0]]},
         EconomyError, r"capital_depreciation\['machine', 'cloth'\]: .*got -0.5"),
        ({"capital_depreciation": [0.1, 0.1]}, ParameterError,
         "capital_depreciation applies only with capital_stock"),
        ({"capital_stock": [[0, 0], [1, 0]], "revise": True}, ParameterError,
         "revise applies only to capital held by branch"),
        ({"capital_stock": [[0, 0], [1, 0]], "lag": 2, "pipeline": [[0, 0]]}, ParameterError,
         "pipeline applies only to capital held by branch"),
        ({"labour_path": [1.0]}, TargetsError, r"labour_path: must give 2 years .*got 1"),
        ({"labour_path": [1.0, -1.0]}, TargetsError,
         r"labour_path\[1929\]: must be a finite number >= 0; got -1.0"),
        ({"labour_path": [1.0, 1.0], "labour_growth": 0.1}, ParameterError,
         "labour_path or labour_growth, not both"),
        ({"labour_path": pd.Series([1.0, 1.0], index=[1, 2])}, TargetsError,
         r"labour_path: labels must be the plan's years 1928...1929"),
        ({"first_year": 1928.0}, ParameterTypeError, "first_year must be an integer"),
        ({"first_year": 10**6}, ParameterError, "first_year must be an integer in"),
        ({"objective": "total"}, ParameterError, "objective"),
    ],
)
def test_bad_capital_and_years_are_one_clear_error(kwargs: dict[str, object],
                                                   error: type[Exception], match: str) -> None:
    kwargs.setdefault("first_year", 1928)
    with pytest.raises(error, match=match):
        multiyear_plan(stock_economy(), [[1.0, 0.0], [1.0, 0.0]], **kwargs)  # type: ignore[arg-type]


def test_no_stock_and_no_capital_means_no_output() -> None:
    plan = multiyear_plan(stock_economy(), [[1.0, 0.0]], capital_stock=np.zeros((2, 2)))
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.fulfilment[0] == 0.0


# --- Activities as the technology of each year ----------------------------------------------


def test_a_square_economy_as_activities_gives_the_same_plan() -> None:
    # One activity per product, make = I, use = A (ActivityEconomy.from_economy, less the
    # capacities, which activities keep fixed: here capital alone limits them). Its
    # multi-year plan, with the same capital by good and activity, is the economy's.
    e = single_good_capital(4)
    y = growing(e, 4, 4)
    stock = proportional_stock(e)
    delta = np.repeat(np.asarray(e.depreciation)[None, :], e.n, axis=0)
    square = multiyear_plan(e, y, objective="sum", capital_stock=stock,
                            capital_depreciation=delta).raise_for_status()
    acts = ActivityEconomy(products=e.products, activities=e.products,
                           make=np.eye(e.n), use=e.A, labour=e.labour,
                           labour_available=e.labour_available)
    as_acts = multiyear_plan(acts, y, objective="sum", capital=e.capital, capital_stock=stock,
                             capital_depreciation=delta).raise_for_status()
    assert as_acts.objective_value == pytest.approx(square.objective_value, rel=1e-9)
    np.testing.assert_allclose(as_acts.fulfilment, square.fulfilment, atol=1e-8)
    # make = I: the products made are the activity levels.
    np.testing.assert_allclose(as_acts.gross_output, as_acts.activity_levels, atol=1e-12)
    assert as_acts.activities.tolist() == e.products.tolist()


def tractors() -> ActivityEconomy:
    """Grain by hand (2 hours) or on a tractor farm (0.5 hours and a tenth of a tractor)."""
    return ActivityEconomy(products=["grain", "tractor"],
                           activities=["hand", "farm", "works"],
                           make=[[1, 1, 0], [0, 0, 1]], use=[[0.1, 0.1, 0], [0, 0, 0]],
                           labour=[2.0, 0.5, 3.0], labour_available=100.0,
                           resources=["land"], resource_use=[[1.0, 1.0, 0.0]],
                           available=[150.0])


def test_activities_choose_technique_and_investment_as_an_lp_written_out_does() -> None:
    # The LP by hand, year t = 0, 1, 2: levels h, f, k (hand, farm, tractor works),
    # tractors w_t bought for farms, stock K_0 = 2, K_t+1 = K_t + w_t (no depreciation):
    #   0.9 (h + f) >= 60 λ_t;  k >= w_t;  2h + 0.5f + 3k <= 100;  h + f <= 150 (land);
    #   f <= 10 K_t.  Maximise Σ λ_t.
    T = 3
    nv = 5 * T  # per year: h, f, k, w, λ
    c = np.zeros(nv)
    c[4::5] = -1.0
    A_ub, b_ub = [], []
    for t in range(T):
        h, f, k, w, lam = (5 * t + i for i in range(5))
        rows = [({lam: 60.0, h: -0.9, f: -0.9}, 0.0), ({w: 1.0, k: -1.0}, 0.0),
                ({h: 2.0, f: 0.5, k: 3.0}, 100.0), ({h: 1.0, f: 1.0}, 150.0),
                ({f: 1.0, **{5 * s + 3: -10.0 for s in range(t)}}, 20.0)]
        for coef, b in rows:
            row = np.zeros(nv)
            for i, a in coef.items():
                row[i] = a
            A_ub.append(row)
            b_ub.append(b)
    bounds = [(0, None)] * nv
    bounds[5 * (T - 1) + 3] = (0, 0)  # a tractor bought in the last year serves no year
    ref = linprog(c, A_ub=np.array(A_ub), b_ub=b_ub, bounds=bounds, method="highs")
    cap = np.zeros((2, 3))
    cap[1, 1] = 0.1
    stock = np.zeros((2, 3))
    stock[1, 1] = 2.0
    plan = multiyear_plan(tractors(), [[60.0, 0.0]] * T, objective="sum", capital=cap,
                          capital_stock=stock, first_year=1929).raise_for_status()
    assert plan.objective_value == pytest.approx(-ref.fun, rel=1e-9)
    levels = plan.activity_levels
    assert (levels[:, :2].sum(axis=1) <= 150 + 1e-9).all()  # the land
    assert (levels @ [2.0, 0.5, 3.0] <= 100 + 1e-9).all()  # the labour
    np.testing.assert_allclose(plan.capacity[:T, 1], 10 * plan.capital_stock[:T, 0])
    frame = plan.to_frame()
    assert set(frame.loc[frame.quantity == "activity_levels", "activity"]) == {
        "hand", "farm", "works"}
    assert plan.to_xarray().activity_levels.dims == ("year", "activity")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"capital_stock": np.zeros((2, 3))}, "capital: a multi-year plan of an activity "
                                              "economy needs capital"),
        ({"capital": np.zeros((2, 3))}, "capital_stock: a multi-year plan of an activity"),
        ({"capital": np.zeros((3, 3)), "capital_stock": np.zeros((2, 3))},
         r"capital: must have shape \(2, 3\)"),
        ({"capital": [[0, -1, 0], [0, 0, 0]], "capital_stock": np.zeros((2, 3))},
         r"capital\['grain', 'farm'\]: must be a finite number >= 0; got -1.0"),
        ({"capital": [[0, 0, 0], [0, 1, 0]], "capital_stock": [[0, 0, 0], [0, 0, 2]]},
         r"capital_stock\['tractor', 'works'\]: branch 'works' needs none of good"),
    ],
)
def test_bad_activity_capital_is_one_clear_error(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(EconomyError, match=match):
        multiyear_plan(tractors(), [[60.0, 0.0]], **kwargs)  # type: ignore[arg-type]


def test_to_xarray_without_xarray_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from gosplan.errors import GosplanError

    plan = multiyear_plan(Economy(products=["g"], A=[[0.0]], capacity=[100.0],
                                  capital=[[2.0]]), [[90.0]])
    monkeypatch.setitem(sys.modules, "xarray", None)  # import xarray now fails
    with pytest.raises(ImportError, match="to_xarray needs xarray, which is not installed") as info:
        plan.to_xarray()
    assert isinstance(info.value, GosplanError)
    assert len(plan.to_frame()) > 0  # pandas alone serves the tidy table


def test_no_capital_anywhere_leaves_labour_the_only_limit() -> None:
    e = Economy(products=["a", "b"], A=np.zeros((2, 2)), capacity=[10.0, 5.0],
                capital=np.zeros((2, 2)), labour=[1.0, 1.0], labour_available=20.0)
    plan = multiyear_plan(e, [[1.0, 1.0], [1.0, 2.0]], capital_stock=np.zeros((2, 2)))
    assert plan.capital_stock.shape == (3, 0)
    np.testing.assert_allclose(plan.fulfilment, [10.0, 20.0 / 3.0])
    assert np.isinf(plan.capacity).all()  # capacity.csv is not used with stocks


def test_old_name_method_still_works_with_a_warning() -> None:
    e = Economy(products=["g"], A=[[0.0]], capacity=[100.0], capital=[[2.0]])
    with pytest.warns(DeprecationWarning, match="method= is deprecated; use lp_method="):
        plan = multiyear_plan(e, [[90.0]], method="ipm")
    assert plan.lp_method == "ipm"
    with pytest.warns(DeprecationWarning, match=r"MultiYearPlan.method is deprecated"):
        assert plan.method == "ipm"
    with pytest.raises(ParameterError, match="give lp_method or its old name method"), \
            pytest.warns(DeprecationWarning, match="method= is deprecated"):
        multiyear_plan(e, [[90.0]], method="ipm", lp_method="pdlp")

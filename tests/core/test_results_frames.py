"""Results as tables: tidy frames with ids and units, xarray Datasets, short reprs, HTML."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from gosplan.core import frames
from gosplan.core.balance import balance
from gosplan.core.diagnose import diagnose
from gosplan.core.economy import Economy
from gosplan.core.harmony import harmony_plan
from gosplan.core.optimal import optimal_plan
from gosplan.core.quotas import Enterprises, quotas
from gosplan.errors import GosplanError, MissingDependencyError

INF = float("inf")


@pytest.fixture
def coal_steel() -> Economy:
    # Coal: 0.1 coal per coal, 0.5 coal per steel; capacity 40 Mt of coal binds.
    return Economy(products=["coal", "steel"], A=[[0.1, 0.5], [0.0, 0.1]],
                   labour=[2.0, 3.0], capacity=[40.0, INF], units=("Mt", "Mt <b>"),
                   labour_unit="person-years")


TARGETS = {"coal": 20.0, "steel": 40.0}


def _value(frame: pd.DataFrame, product: str, quantity: str) -> float:
    row = frame[(frame["product"] == product) & (frame["quantity"] == quantity)]
    assert len(row) == 1, (product, quantity)
    return float(row["value"].iloc[0])


def test_tidy_schema_rows_and_units() -> None:
    f = frames.tidy(["a", "b"], [("gross_output", [1.0, 2.0], ["t", "kWh"]),
                                 ("valuations", [0.5, 0.25], "hours per unit"),
                                 ("missing", None, "t")])
    assert list(f.columns) == ["product", "quantity", "value", "unit"]
    assert f["value"].dtype == np.float64
    assert f.to_dict("records") == [
        {"product": "a", "quantity": "gross_output", "value": 1.0, "unit": "t"},
        {"product": "b", "quantity": "gross_output", "value": 2.0, "unit": "kWh"},
        {"product": "a", "quantity": "valuations", "value": 0.5, "unit": "hours per unit"},
        {"product": "b", "quantity": "valuations", "value": 0.25, "unit": "hours per unit"},
    ]


def test_tidy_over_years_and_enterprises() -> None:
    f = frames.tidy(["steel", "steel"], [("quota", [[1.0, 2.0], [3.0, 4.0]], "")],
                    years=[1928, 1929], enterprises=["Magnitka", "Kuznetsk"])
    assert list(f.columns) == ["year", "enterprise", "product", "quantity", "value", "unit"]
    assert f["year"].tolist() == [1928, 1928, 1929, 1929]
    assert f["enterprise"].tolist() == ["Magnitka", "Kuznetsk"] * 2
    assert f["value"].tolist() == [1.0, 2.0, 3.0, 4.0]


def test_tidy_without_quantities_has_the_columns() -> None:
    f = frames.tidy(["a"], [("gross_output", None, "t")])
    assert list(f.columns) == ["product", "quantity", "value", "unit"]
    assert f.empty


def test_balance_frame_has_ids_units_and_labour_valuations(coal_steel: Economy) -> None:
    r = balance(coal_steel, TARGETS)
    f = r.to_frame()
    assert list(f.columns) == ["product", "quantity", "value", "unit"]
    assert set(f["quantity"]) == {"final_demand", "gross_output", "capacity", "valuations"}
    assert _value(f, "steel", "final_demand") == 40.0
    x = r.gross_output
    assert _value(f, "coal", "gross_output") == pytest.approx(x[0], rel=1e-15)
    assert _value(f, "steel", "capacity") == INF
    assert _value(f, "coal", "valuations") == pytest.approx(r.valuations[0])  # type: ignore[index]
    units = dict(zip(f["quantity"] + "/" + f["product"], f["unit"], strict=True))
    assert units["gross_output/steel"] == "Mt <b>"
    assert units["valuations/coal"] == "person-years per unit"


def test_balance_frame_says_hours_without_a_labour_unit() -> None:
    e = Economy(products=["grain"], A=[[0.2]], labour=[1.0])
    f = balance(e, [8.0]).to_frame()
    assert f.loc[f["quantity"] == "valuations", "unit"].tolist() == ["hours per unit"]
    assert f.loc[f["quantity"] == "gross_output", "unit"].tolist() == [""]


def test_balance_without_valuations_leaves_them_out(coal_steel: Economy) -> None:
    f = balance(coal_steel, TARGETS, valuations=False).to_frame()
    assert "valuations" not in set(f["quantity"])


def test_over_capacity_gives_product_ids(coal_steel: Economy) -> None:
    r = balance(coal_steel, TARGETS)  # coal needs 42.2 Mt of 40
    assert r.over_capacity.tolist() == ["coal"]
    assert not r.feasible
    assert balance(coal_steel, {"coal": 1.0}).over_capacity.tolist() == []


def test_balance_xarray(coal_steel: Economy) -> None:
    r = balance(coal_steel, TARGETS)
    ds = r.to_xarray()
    assert ds["gross_output"].dims == ("product",)
    assert ds["product"].values.tolist() == ["coal", "steel"]
    np.testing.assert_array_equal(ds["gross_output"].values, r.gross_output)
    assert ds["gross_output"].attrs["units"] == frames.PRODUCT_UNITS
    assert ds["unit"].values.tolist() == ["Mt", "Mt <b>"]
    assert ds["valuations"].attrs["units"] == "person-years per unit"
    assert ds.attrs["status"] == "solved"
    assert ds.attrs["solver"] == "direct"


def test_balance_repr_and_html(coal_steel: Economy) -> None:
    r = balance(coal_steel, TARGETS)
    text = repr(r)
    assert text.startswith("BalanceResult(status=solved, solver=direct, products=2, ")
    assert "\n" not in text
    assert "over_capacity=1" in text
    html = r._repr_html_()
    assert html.startswith("<table><caption>Balanced plan</caption>")
    assert "<th style=\"text-align:left\">labour_required</th>" in html


def test_optimal_plan_frame_and_xarray(coal_steel: Economy) -> None:
    plan = optimal_plan(coal_steel, TARGETS)
    f = plan.to_frame()
    assert set(f["quantity"]) == {"targets", "gross_output", "final_demand", "valuations",
                                  "capacity_valuations"}
    # Hand solution: λ = 81/95 of the targets; p = (9/380, 1/76) per Mt.
    assert _value(f, "steel", "final_demand") == pytest.approx(81 / 95 * 40, rel=1e-9)
    assert _value(f, "coal", "valuations") == pytest.approx(9 / 380, rel=1e-6)
    assert f.loc[f["quantity"] == "valuations", "unit"].unique().tolist() == [
        "fulfilment per unit"]
    assert f.loc[f["quantity"] == "targets", "unit"].tolist() == ["Mt", "Mt <b>"]
    ds = plan.to_xarray()
    assert ds.attrs["lp_method"] == "simplex"
    assert ds.attrs["fulfilment"] == pytest.approx(81 / 95)
    np.testing.assert_array_equal(ds["capacity_valuations"].values, plan.capacity_valuations)
    assert repr(plan).startswith("OptimalPlan(status=optimal, objective=assortment, "
                                 "lp_method=simplex, products=2, fulfilment=0.852632")


def test_a_plan_without_a_solution_has_only_its_targets() -> None:
    e = Economy(products=["a"], A=[[0.0]], labour=[1.0])  # nothing caps it: unbounded
    plan = optimal_plan(e, {"a": 1.0}, lp_method="closed_form")
    assert plan.status.value == "unbounded"
    f = plan.to_frame()
    assert f["quantity"].tolist() == ["targets"]
    assert "fulfilment" not in plan.to_xarray().attrs
    assert "fulfilment=" not in repr(plan)


def test_harmony_plan_frame_and_repr() -> None:
    e = Economy(products=["bread", "cloth"], A=[[0.0, 0.0], [0.0, 0.0]], labour=[1.0, 1.0],
                labour_available=10.0, units=("kg", "m"))
    plan = harmony_plan(e, {"bread": 4.0, "cloth": 4.0})
    f = plan.to_frame()
    assert _value(f, "bread", "final_demand") == pytest.approx(5.0, rel=1e-4)
    assert f.loc[f["quantity"] == "final_demand", "unit"].tolist() == ["kg", "m"]
    assert f.loc[f["quantity"] == "valuations", "unit"].unique().tolist() == ["harmony per unit"]
    assert plan.to_xarray()["gross_output"].dims == ("product",)
    assert repr(plan).startswith("HarmonyPlan(status=converged, products=2, fulfilment=1.25")
    assert "<caption>Harmony plan</caption>" in plan._repr_html_()


def test_diagnosis_frames(coal_steel: Economy) -> None:
    d = diagnose(coal_steel, TARGETS)
    f = d.to_frame()
    assert set(f["quantity"]) == {"targets", "required_output", "achievable", "final_demand"}
    assert _value(f, "coal", "required_output") == pytest.approx(d.required_output[0])
    b = d.bottlenecks_frame()
    assert b["constraint"].tolist()[0] == "capacity:coal"
    assert b["product"].tolist()[0] == "coal"
    assert bool(b["binding"].iloc[0])
    ds = d.to_xarray()
    assert ds["achievable"].dims == ("product",)
    assert ds.attrs["feasible"] == 0  # a flag as a number: netCDF keeps no booleans
    assert ds.to_netcdf()[:3] == b"CDF"  # the Dataset can be saved as it is
    assert repr(d).startswith("Diagnosis(status=optimal, feasible=False, products=2, ")
    html = d._repr_html_()
    assert "coal capacity" in html


def test_html_escapes_names() -> None:
    html = frames.html_table("<script>x</script>", [("a & b", "<i>"), ("n", 1.5), ("m", None)])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "a &amp; b" in html
    assert "&lt;i&gt;" in html
    assert "<td style=\"text-align:right\">1.5</td>" in html


def test_diagnosis_html_escapes_resource_names(coal_steel: Economy) -> None:
    d = diagnose(coal_steel, TARGETS, resources={"<land>": ([1.0, 1.0], 10.0)})
    html = d._repr_html_()
    assert "<land>" not in html
    assert "&lt;land&gt;" in html


def test_quotas_frame_xarray_and_repr() -> None:
    e = Enterprises(ids=["Magnitka", "Kuznetsk", "Donbass"], product=["steel", "steel", "coal"],
                    capacity=[6.0, 4.0, 80.0], products=["coal", "steel"])
    q = quotas([[50.0, 5.0], [60.0, 12.0]], e, first_year=1928)
    f = q.to_frame()
    assert list(f.columns) == ["year", "enterprise", "product", "quantity", "value", "unit"]
    rows = f[(f["year"] == 1929) & (f["quantity"] == "quota")]
    assert rows["enterprise"].tolist() == ["Magnitka", "Kuznetsk", "Donbass"]
    assert rows["product"].tolist() == ["steel", "steel", "coal"]
    assert rows["value"].tolist() == q.quota[1].tolist()  # bit for bit what the quotas hold
    assert rows["value"].tolist() == pytest.approx([7.2, 4.8, 60.0], rel=1e-15)
    ds = q.to_xarray()
    assert ds["quota"].dims == ("year", "enterprise")
    assert ds["year"].values.tolist() == [1928, 1929]
    assert ds["product"].values.tolist() == ["steel", "steel", "coal"]
    assert ds["over_capacity"].values.tolist() == [[False, False, False], [True, True, False]]
    assert q.over_capacity_ids.tolist() == ["Magnitka", "Kuznetsk"]
    assert repr(q) == "Quotas(rule=capacity, years=2, enterprises=3, products=2, over_capacity=2)"


def test_quotas_first_year_must_be_an_integer() -> None:
    e = Enterprises(ids=["A"], product=[0], capacity=[1.0], products=["steel"])
    with pytest.raises(TypeError, match=r"quotas: first_year must be an integer"):
        quotas([1.0], e, first_year=1928.5)  # type: ignore[arg-type]


def test_to_xarray_without_xarray_names_the_extra(monkeypatch: pytest.MonkeyPatch,
                                                   coal_steel: Economy) -> None:
    r = balance(coal_steel, TARGETS)
    monkeypatch.setitem(sys.modules, "xarray", None)  # import xarray now raises ImportError
    with pytest.raises(MissingDependencyError, match=r"pip install gosplan\[xarray\]") as err:
        r.to_xarray()
    assert isinstance(err.value, ImportError)
    assert isinstance(err.value, GosplanError)
    assert len(r.to_frame()) == 8  # the frame needs only pandas

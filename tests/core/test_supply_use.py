"""Supply and use tables: conversions worked by hand, negatives, activities with trade."""

from __future__ import annotations

import numpy as np
import pytest

from gosplan.core.activity_plan import activity_plan
from gosplan.core.balance import balance
from gosplan.core.supply_use import (
    FOREIGN_EXCHANGE,
    SupplyUse,
    activity_economy,
    convert,
    transfer_negatives,
)
from gosplan.errors import EconomyError, GosplanError, ParameterError

# A two-commodity, two-industry table in Miller & Blair's notation (ch. 5), worked by
# hand below: industry 1 makes 90 of c1 and 10 of c2 (a secondary product), industry 2
# makes 100 of c2. g = (100, 100), q = (90, 110), value added (50, 50).
V = [[90.0, 10.0], [0.0, 100.0]]
U = [[20.0, 10.0], [30.0, 40.0]]


def _table(**kw: object) -> SupplyUse:
    args: dict[str, object] = {"commodities": ["c1", "c2"], "industries": ["i1", "i2"],
                               "make": V, "use": U}
    args.update(kw)
    return SupplyUse(**args)  # type: ignore[arg-type]


def test_totals() -> None:
    t = _table()
    assert t.industry_output.tolist() == [100.0, 100.0]
    assert t.commodity_output.tolist() == [90.0, 110.0]
    assert t.value_added.tolist() == [50.0, 50.0]  # output less intermediate use
    assert "value added" in t.labour_unit


def test_industry_technology_commodity_by_commodity_by_hand() -> None:
    # B = U/g = [[.2, .1], [.3, .4]]; D = V/q = [[1, 1/11], [0, 10/11]]; A = B D.
    c = convert(_table())
    assert pytest.approx(np.array([[0.2, 1.2 / 11], [0.3, 4.3 / 11]])) == c.A
    # w = (.5, .5); w D = (.5, .5/11 + 5/11) = (.5, .5).
    assert c.labour == pytest.approx([0.5, 0.5])
    assert c.negative_count == 0
    assert c.largest_negative is None


def test_industry_technology_industry_by_industry_by_hand() -> None:
    c = convert(_table(), by="industry")
    assert c.products.tolist() == ["i1", "i2"]
    assert pytest.approx(np.array([[2.5 / 11, 1.5 / 11], [3 / 11, 4 / 11]])) == c.A
    assert c.labour == pytest.approx([0.5, 0.5])


def test_product_technology_by_hand() -> None:
    # C = V'/g = [[.9, 0], [.1, 1]], C^-1 = [[10/9, 0], [-1/9, 1]]; A = B C^-1.
    c = convert(_table(), technology="product")
    assert pytest.approx(np.array([[1.9 / 9, 0.1], [2.6 / 9, 0.4]])) == c.A
    assert c.labour == pytest.approx([0.5, 0.5])
    ii = convert(_table(), technology="product", by="industry")
    assert pytest.approx(np.array([[2 / 9, 1 / 9], [2.5 / 9, 3.5 / 9]])) == ii.A


@pytest.mark.parametrize("technology", ["industry", "product"])
@pytest.mark.parametrize("by", ["commodity", "industry"])
def test_base_year_is_reproduced(technology: str, by: str) -> None:
    # The final demand the table leaves, q - U 1, needs exactly the table's outputs.
    t = _table()
    c = convert(t, technology=technology, by=by)
    plan = balance(c.economy(), c.final_demand(t.commodity_output - t.use.sum(axis=1)))
    expected = t.commodity_output if by == "commodity" else t.industry_output
    assert plan.gross_output == pytest.approx(expected)


def test_product_technology_negative_is_reported_and_refused() -> None:
    # Industry 1 makes half c1, half c2; c2's recipe (industry 2's) needs .3 of c1 a unit,
    # so 50 of c2 would take 15 of c1, but industry 1 used only 5: A[c1, c1] = -10/50.
    t = _table(make=[[50.0, 50.0], [0.0, 100.0]], use=[[5.0, 30.0], [20.0, 10.0]])
    c = convert(t, technology="product")
    assert pytest.approx(np.array([[-0.2, 0.3], [0.3, 0.1]])) == c.A
    assert c.negative_count == 1
    assert c.negatives == (("c1", "c1", pytest.approx(-0.2)),)
    with pytest.raises(EconomyError) as info:
        c.economy()
    assert str(info.value) == (
        "supply-use table: product technology gives 1 negative coefficient (largest "
        "A[input 'c1', output 'c1'] = -0.2); an economy needs them >= 0: use "
        "technology='industry'")
    assert isinstance(info.value, ValueError)
    assert (convert(t).A >= 0).all()  # industry technology: never negative


def test_product_technology_needs_a_square_table() -> None:
    t = SupplyUse(commodities=["a", "b", "c"], industries=["x", "y"],
                  make=[[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]], use=np.zeros((3, 2)))
    with pytest.raises(EconomyError, match="needs as many commodities as industries; got 3 "
                       "commodities and 2 industries: use technology='industry'"):
        convert(t, technology="product")


def test_product_technology_singular_mix() -> None:
    t = _table(make=[[50.0, 50.0], [50.0, 50.0]])
    with pytest.raises(EconomyError, match="singular"):
        convert(t, technology="product")


def test_bad_choices() -> None:
    with pytest.raises(ParameterError, match="technology"):
        convert(_table(), technology="commodity")
    with pytest.raises(ParameterError, match="by"):
        convert(_table(), by="product")


def test_negative_make_is_refused() -> None:
    with pytest.raises(EconomyError, match=r"make\['i1', 'c2'\] must be a finite number "
                       r">= 0; got -10.0"):
        _table(make=[[90.0, -10.0], [0.0, 100.0]])


def test_commodity_made_by_no_industry() -> None:
    with pytest.raises(EconomyError, match="commodity 'c2' is made by no industry"):
        _table(make=[[90.0, 0.0], [10.0, 0.0]])


def test_shape_and_residual_errors() -> None:
    with pytest.raises(EconomyError, match=r"use must have shape \(2, 2\); got \(2, 3\)"):
        _table(use=np.zeros((2, 3)))
    with pytest.raises(EconomyError, match="industry 'i1' uses more than it makes"):
        _table(use=[[80.0, 0.0], [30.0, 0.0]])
    with pytest.raises(GosplanError, match="unique"):
        _table(commodities=["c", "c"])


def test_transfer_negatives_keeps_industry_accounts() -> None:
    make = np.array([[90.0, 10.0], [-5.0, 100.0]])
    use = np.array([[20.0, 10.0], [-3.0, 40.0]])
    v, u, moved = transfer_negatives(make, use)
    assert moved == 2
    assert v.tolist() == [[90.0, 13.0], [0.0, 100.0]]
    assert u.tolist() == [[20.0, 15.0], [0.0, 40.0]]
    # output less input per industry is unchanged
    assert (v.sum(1) - u.sum(0)).tolist() == (make.sum(1) - use.sum(0)).tolist()


def test_activity_economy_is_the_table_per_unit_of_output() -> None:
    t = _table(compensation=[30.0, 40.0], final_demand=[40.0, 60.0])
    e = activity_economy(t)
    assert e.products.tolist() == ["c1", "c2"]
    assert e.activities.tolist() == ["i1", "i2"]
    assert e.make.toarray() == pytest.approx(np.array(V).T / 100.0)
    assert e.use.toarray() == pytest.approx(np.array(U) / 100.0)
    assert e.labour.tolist() == [0.3, 0.4]  # compensation, when given, is the labour
    assert e.labour_available == 70.0
    assert t.activity_targets == {"c1": 40.0, "c2": 60.0}


def test_trade_becomes_activities_with_a_balance() -> None:
    t = _table(final_demand=[30.0, 40.0], exports=[0.0, 20.0], imports=[25.0, 0.0])
    e = activity_economy(t)
    assert e.products.tolist() == ["c1", "c2", FOREIGN_EXCHANGE]
    assert e.activities.tolist() == ["i1", "i2", "import:c1", "export:c2", "borrow"]
    assert e.capacity.tolist()[2:] == [np.inf, 20.0, np.inf]  # exports as the world bought
    assert e.resources.tolist() == ["foreign-credit"]
    assert e.available.tolist() == [5.0]  # the trade deficit
    net = e.net.toarray()
    assert net[:, 2].tolist() == [1.0, 0.0, -1.0]
    assert net[:, 3].tolist() == [0.0, -1.0, 1.0]
    assert t.activity_targets == {"c1": 30.0, "c2": 40.0}  # exports are activities now
    plan = activity_plan(e, t.activity_targets).raise_for_status()
    assert plan.levels is not None
    imported, exported, borrowed = plan.levels[2:]
    assert imported <= exported + borrowed + 1e-9
    assert borrowed <= 5.0 + 1e-9
    assert exported <= 20.0 + 1e-9


def test_default_final_demand_of_the_square_economy_includes_exports() -> None:
    t = _table(final_demand=[30.0, 40.0], exports=[0.0, 20.0], imports=[25.0, 0.0])
    assert convert(t).final_demand().tolist() == [30.0, 60.0]
    assert convert(t, by="industry").final_demand() == pytest.approx(
        [30.0 + 60.0 / 11, 600.0 / 11])


def test_reserved_foreign_exchange_id() -> None:
    t = SupplyUse(commodities=["c1", FOREIGN_EXCHANGE], industries=["i1", "i2"], make=V,
                  use=U, exports=[1.0, 0.0], imports=[0.0, 1.0])
    with pytest.raises(EconomyError, match="reserved"):
        activity_economy(t)


def test_wrong_types_are_type_errors() -> None:
    from gosplan.errors import ParameterTypeError

    with pytest.raises(ParameterTypeError, match="commodities must be a sequence of ids; "
                       "got str 'ab'"):
        _table(commodities="ab")
    with pytest.raises(ParameterTypeError, match="make must be numbers"):
        _table(make="90,10")
    with pytest.raises(ParameterTypeError):
        convert("table")  # type: ignore[arg-type]


def test_transfer_negatives_needs_numbers() -> None:
    with pytest.raises(EconomyError, match="transfer_negatives: make and use must be numeric"):
        transfer_negatives([["a"]], [[1.0]])
    with pytest.raises(EconomyError, match="transposed shape"):
        transfer_negatives([[1.0, 2.0]], [[1.0, 2.0]])

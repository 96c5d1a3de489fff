"""ActivityEconomy: validation on construction, read-only arrays, the square special case."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
import scipy.sparse as sp

from gosplan import Economy
from gosplan.core.activities import ActivityEconomy
from gosplan.core.activity_diagnosis import explain_activity_plan
from gosplan.core.activity_plan import activity_plan
from gosplan.errors import EconomyError, GosplanError, ParameterTypeError


def fields(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "products": ["grain", "flour"],
        "activities": ["farm", "mill"],
        "make": [[1.0, 0.0], [0.0, 0.8]],
        "use": [[0.1, 1.0], [0.0, 0.0]],
        "labour": [2.0, 0.5],
        "resources": ["land"],
        "resource_use": [[1.0, 0.0]],
        "available": [10.0],
    }
    base.update(changes)
    return base


def test_valid_economy_is_frozen_and_read_only() -> None:
    e = ActivityEconomy(**fields())  # type: ignore[arg-type]
    assert (e.n, e.m) == (2, 2)
    assert e.names == ("grain", "flour")
    assert e.activity_names == ("farm", "mill")
    assert e.units == ("", "")
    assert not e.joint
    assert e.capacity.tolist() == [math.inf, math.inf]
    assert e.net.toarray().tolist() == [[0.9, -1.0], [0.0, 0.8]]
    for array in (e.labour, e.available, e.capacity, e.make.data, e.use.data,
                  e.resource_use.data, e.products):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1
    with pytest.raises(AttributeError):
        e.labour = np.zeros(2)  # type: ignore[misc]


def test_no_resources_by_default() -> None:
    e = ActivityEconomy(products=["a"], activities=["x"], make=[[1.0]], use=[[0.0]])
    assert e.resources.shape == (0,)
    assert e.resource_use.shape == (0, 1)
    assert e.labour.tolist() == [0.0]


def test_sparse_inputs_are_copied_not_shared() -> None:
    make = sp.csr_array(np.array([[1.0, 0.0], [0.0, 0.8]]))
    e = ActivityEconomy(**fields(make=make))  # type: ignore[arg-type]
    make.data[0] = 5.0
    assert e.make.toarray()[0, 0] == 1.0


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"products": ["grain", "grain"]}, EconomyError,
         r"^activity economy: products ids must be unique; got 'grain' more than once$"),
        ({"activities": ["farm", ""]}, EconomyError,
         r"^activity economy: activities ids must be non-empty; #1 is empty$"),
        ({"activities": []}, EconomyError, r"activities must list at least one id; got none"),
        ({"products": "grain"}, ParameterTypeError, r"products must be a sequence of ids"),
        ({"make": [[1.0, 0.0]]}, EconomyError, r"make must have shape \(2, 2\); got \(1, 2\)"),
        ({"use": [[0.1, -1.0], [0.0, 0.0]]}, EconomyError,
         r"^activity economy: use\[product 'grain', activity 'mill'\] must be a finite "
         r"number >= 0; got -1.0$"),
        ({"make": [[1.0, 0.0], [0.0, math.nan]]}, EconomyError,
         r"make\[product 'flour', activity 'mill'\] must be a finite number >= 0; got nan"),
        ({"resource_use": [[math.inf, 0.0]]}, EconomyError,
         r"resource_use\[resource 'land', activity 'farm'\]"),
        ({"labour": [1.0]}, EconomyError, r"labour must have 2 entries; got 1"),
        ({"labour": [1.0, -2.0]}, EconomyError,
         r"^activity economy: labour\['mill'\] must be a finite number >= 0; got -2.0$"),
        ({"available": [-1.0]}, EconomyError,
         r"available\['land'\] must be a number >= 0; got -1.0"),
        ({"capacity": [1.0, math.nan]}, EconomyError, r"capacity\['mill'\]"),
        ({"labour_available": 0.0}, EconomyError, r"labour_available must be > 0; got 0.0"),
        ({"labour_available": "many"}, ParameterTypeError, r"labour_available must be"),
        ({"units": ("t",)}, EconomyError, r"units must have 2 entries; got 1"),
        ({"activity_units": ("ha", 3)}, EconomyError, r"activity_units must be strings"),
        ({"make": None}, ParameterTypeError, r"make must be a numeric"),
        ({"make": "1 0; 0 1"}, ParameterTypeError, r"make must be a numeric"),
        ({"make": [["a", "b"], ["c", "d"]]}, EconomyError, r"make must be a numeric"),
    ],
)
def test_bad_fields_are_one_line_errors(changes: dict[str, object], error: type[Exception],
                                        message: str) -> None:
    with pytest.raises(error, match=message) as info:
        ActivityEconomy(**fields(**changes))  # type: ignore[arg-type]
    assert isinstance(info.value, GosplanError)
    assert "\n" not in str(info.value)


def test_from_economy_is_one_activity_per_product() -> None:
    square = Economy(products=["coal", "steel"], A=[[0.1, 0.5], [0.0, 0.1]],
                     labour=[0.2, 1.0], capacity=[100.0, math.inf], labour_available=40.0,
                     units=("Mt", "Mt"), labour_unit="person-years", name="two")
    e = ActivityEconomy.from_economy(square)
    assert e.activities.tolist() == e.products.tolist() == ["coal", "steel"]
    assert e.make.toarray().tolist() == np.eye(2).tolist()
    assert e.use.toarray().tolist() == square.A.toarray().tolist()
    assert e.capacity.tolist() == [100.0, math.inf]
    assert e.labour_available == 40.0
    assert (e.units, e.labour_unit, e.name) == (("Mt", "Mt"), "person-years", "two")
    with pytest.raises(ParameterTypeError, match="economy must be an Economy; got dict"):
        ActivityEconomy.from_economy({})  # type: ignore[arg-type]


def test_joint_production_is_recognised() -> None:
    e = ActivityEconomy(**fields(make=[[1.0, 0.0], [0.5, 0.8]]))  # type: ignore[arg-type]
    assert e.joint


HUGE = 10**400


def shop() -> ActivityEconomy:
    return ActivityEconomy(**fields())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "builtin", "word"),
    [
        (lambda: ActivityEconomy(**fields(labour=[HUGE, 1.0])), ValueError, "labour"),
        (lambda: ActivityEconomy(**fields(make=[[HUGE, 0.0], [0.0, 1.0]])), ValueError, "make"),
        (lambda: ActivityEconomy(**fields(make=[[1.0, 0.0, 0.0, 0.8]])), ValueError,
         "make must have shape (2, 2); got (1, 4)"),
        (lambda: ActivityEconomy(**fields(use=[1.0, 0.0, 0.0, 0.8])), ValueError, "use"),
        (lambda: ActivityEconomy(**fields(resource_use=sp.csr_array((2, 2)))), ValueError,
         "resource_use must have shape (1, 2); got (2, 2)"),
        (lambda: ActivityEconomy(**fields(labour_available=HUGE)), ValueError,
         "labour_available"),
        (lambda: ActivityEconomy(**fields(metadata=[1])), TypeError, "metadata"),
        (lambda: ActivityEconomy(**fields(names=5)), TypeError, "names"),
        (lambda: ActivityEconomy(**fields(available={"land": 1.0})), TypeError, "available"),
        (lambda: activity_plan(shop(), {"flour": HUGE}), ValueError, "targets"),
        (lambda: activity_plan(shop(), [HUGE, 1.0]), ValueError, "targets"),
        (lambda: activity_plan(shop(), {"flour": math.nan}), ValueError, "targets"),
        (lambda: activity_plan(shop(), {"flour": 1.0}, time_limit=math.nan), ValueError,
         "time_limit"),
        (lambda: activity_plan(shop(), {"flour": 1.0}, lp_method=None), TypeError, "lp_method"),
        (lambda: activity_plan(shop(), None, objective="weighted", weights=[1.0, math.inf]),
         ValueError, "weights"),
        (lambda: activity_plan(shop(), None, objective="weighted", weights=[1.0, 1.0],
                               min_fulfilment=HUGE), ValueError, "min_fulfilment"),
        (lambda: activity_plan(shop(), pd_series_by_position()), ValueError, "targets"),
        (lambda: explain_activity_plan(shop(), None), TypeError, "plan"),
        (lambda: explain_activity_plan(
            ActivityEconomy(products=["a"], activities=["x"], make=[[1.0]], use=[[0.0]]),
            activity_plan(shop(), {"flour": 1.0})), ValueError, "plan must be a plan of"),
    ],
)
def test_garbage_raises_gosplan_errors_that_are_the_builtin(
        call: Callable[[], object], builtin: type[Exception], word: str) -> None:
    with pytest.raises(GosplanError) as info:
        call()
    assert isinstance(info.value, builtin)
    assert word in str(info.value)
    assert "\n" not in str(info.value)


def pd_series_by_position() -> object:
    import pandas as pd

    return pd.Series([1.0, 2.0])

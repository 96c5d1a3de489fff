from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from gosplan import Economy, EconomyError, NotProductiveError


def test_arrays_are_read_only(miller_blair: Economy) -> None:
    for arr in (
        miller_blair.labour,
        miller_blair.capacity,
        miller_blair.A.data,
        miller_blair.products,
    ):
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 1
    with pytest.raises(AttributeError):
        miller_blair.name = "x"  # type: ignore[misc]


def test_defaults_fill_names_units_capacity() -> None:
    e = Economy(products=["a", "b"], A=sp.csr_array((2, 2)))
    assert e.names == ("a", "b")
    assert e.units == ("", "")
    assert np.isinf(e.capacity).all()
    assert (e.labour == 0).all()
    assert e.index("b") == 1
    assert e.has("a")
    assert not e.has("zzz")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"products": ["a", "a"]}, "unique; got 'a'"),
        ({"products": ["a", ""]}, "non-empty"),
        (
            {"A": [[0.1, -0.2], [0.0, 0.1]]},
            r"A\[input 'a', output 'b'\] must be a finite number >= 0; got -0.2",
        ),
        ({"A": [[0.1, np.nan], [0.0, 0.1]]}, "finite number >= 0; got nan"),
        ({"A": [[0.1, 0.2, 0.3]]}, r"must have shape \(2, 2\)"),
        ({"labour": [1.0, -1.0]}, r"labour\['b'\] must be a finite number >= 0; got -1.0"),
        ({"labour": [1.0]}, "labour must have 2 entries; got 1"),
        ({"capacity": [np.nan, 1.0]}, r"capacity\['a'\] must be a number >= 0; got nan"),
        ({"depreciation": [0.5, 1.5]}, r"depreciation\['b'\] must be a finite number in \[0, 1\]"),
        ({"labour_available": 0.0}, "labour_available must be > 0"),
        ({"units": ("t",)}, "units must have 2 entries"),
    ],
)
def test_invalid_economies_are_refused(kwargs: dict[str, object], message: str) -> None:
    base: dict[str, object] = {"products": ["a", "b"], "A": [[0.1, 0.2], [0.0, 0.1]]}
    with pytest.raises(EconomyError, match=message):
        Economy(**{**base, **kwargs})  # type: ignore[arg-type]


def test_non_productive_economy_reports_radius() -> None:
    with pytest.raises(NotProductiveError, match=r"spectral radius of A is 1.2") as info:
        Economy(products=["a", "b"], A=[[0.6, 0.6], [0.6, 0.6]])
    assert info.value.radius == pytest.approx(1.2)


def test_capacity_may_be_unlimited() -> None:
    e = Economy(products=["a"], A=[[0.5]], capacity=[np.inf])
    assert np.isinf(e.capacity[0])


def test_default_names_are_a_view_on_the_ids() -> None:
    import dataclasses

    from gosplan.core.economy import IdNames

    e = Economy(products=["a", "b", "c"], A=sp.csr_array((3, 3)))
    # No n new strings at scale: the ids are read through, not copied into a tuple.
    assert isinstance(e.names, IdNames)
    assert e.names == ("a", "b", "c")
    assert e.names[1] == "b"
    assert e.names[1:] == ("b", "c")
    moved = dataclasses.replace(e, products=["c", "b", "a"])
    assert moved.names == ("c", "b", "a")  # the view follows the new ids
    named = Economy(products=["a", "b", "c"], A=sp.csr_array((3, 3)), names=["x", "y", "z"])
    assert named.names == ("x", "y", "z")

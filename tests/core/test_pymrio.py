"""pymrio as the outside truth: its test system, solved by pymrio's own calc_all()."""

from __future__ import annotations

import numpy as np
import pytest

from gosplan import Economy, balance
from gosplan.scenarios.io_tables import pymrio_final_demand

pymrio = pytest.importorskip("pymrio")


@pytest.fixture(scope="module")
def test_system():  # type: ignore[no-untyped-def]
    io = pymrio.load_test()
    reference = pymrio.load_test()
    reference.calc_all()
    return io, reference


@pytest.mark.parametrize("method", ["direct", "gmres"])
def test_gross_output_and_value_added_multipliers(test_system, method: str) -> None:  # type: ignore[no-untyped-def]
    io, reference = test_system
    economy = Economy.from_pymrio(io, labour="Value Added")
    assert economy.n == 48
    assert economy.products[0] == "reg1/food"
    assert economy.units[0] == "Mill USD"
    # The iterative solve is asked for a smaller residual: outputs span four orders of
    # magnitude, and 1e-9 relative on each needs more than 1e-9 on the whole.
    tol = 1e-9 if method == "direct" else 1e-14
    result = balance(economy, pymrio_final_demand(io), solver=method, tol=tol)
    x = reference.x.iloc[:, 0].to_numpy()
    np.testing.assert_allclose(result.gross_output, x, rtol=1e-9)
    M = reference.factor_inputs.M.loc["Value Added"].to_numpy()
    np.testing.assert_allclose(result.valuations, M, rtol=1e-9)


def test_from_dataframes_matches(test_system) -> None:  # type: ignore[no-untyped-def]
    _io, reference = test_system
    economy = Economy.from_dataframes(reference.A)
    result = balance(economy, reference.Y.sum(axis=1).to_numpy())
    np.testing.assert_allclose(result.gross_output, reference.x.iloc[:, 0].to_numpy(), rtol=1e-9)


def test_unknown_stressor(test_system) -> None:  # type: ignore[no-untyped-def]
    io, _ = test_system
    with pytest.raises(ValueError, match="no stressor 'Hours worked'"):
        Economy.from_pymrio(io, labour="Hours worked")

from __future__ import annotations

import numpy as np
import pytest

from gosplan import ConvergenceError, Economy, Status, TargetsError, balance

# Miller & Blair (2009), Input-Output Analysis, 2nd ed., section 2.3.
MB_X = [1000.0, 2000.0]
MB_L = np.array([[1.25413, 0.33003], [0.26403, 1.12211]])


@pytest.mark.parametrize("method", ["direct", "gmres", "neumann"])
def test_miller_blair_gross_output(miller_blair: Economy, method: str) -> None:
    r = balance(miller_blair, [350.0, 1700.0], solver=method, tol=1e-13)  # type: ignore[arg-type]
    assert r.status is Status.SOLVED
    np.testing.assert_allclose(r.gross_output, MB_X, rtol=1e-9)
    assert r.residual <= 1e-13


def test_miller_blair_leontief_inverse_columns(miller_blair: Economy) -> None:
    # Column j of L is the gross output that one unit of final demand for j needs.
    for j in range(2):
        r = balance(miller_blair, np.eye(2)[j])
        np.testing.assert_allclose(r.gross_output, MB_L[:, j], atol=5e-6)


def test_labour_values_are_labour_times_leontief_inverse(miller_blair: Economy) -> None:
    r = balance(miller_blair, [350.0, 1700.0])
    L = np.linalg.inv(np.eye(2) - miller_blair.A.toarray())
    np.testing.assert_allclose(r.valuations, miller_blair.labour @ L, rtol=1e-12)
    assert r.labour_required == pytest.approx(0.3 * 1000 + 0.2 * 2000)


def test_feasibility_against_capacity_and_labour(miller_blair: Economy) -> None:
    r = balance(miller_blair, [350.0, 1700.0])
    assert r.over_capacity.tolist() == ["agriculture"]  # needs 1000 of 900: an id, not a position
    assert not r.feasible
    assert r.labour_shortfall == 0.0
    small = balance(miller_blair, [35.0, 170.0])
    assert small.feasible


def test_mapping_targets(miller_blair: Economy) -> None:
    r = balance(miller_blair, {"manufacturing": 1700.0, "agriculture": 350.0})
    np.testing.assert_allclose(r.gross_output, MB_X, rtol=1e-9)


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        ({"steel": 1.0}, "product 'steel' is not in the economy"),
        ({"agriculture": -1.0}, "must be a finite number >= 0; got -1.0"),
        ({"agriculture": float("nan")}, "got nan"),
        ([1.0, 2.0, 3.0], "must have 2 quantities"),
        ([1.0, float("inf")], "'manufacturing' must be a finite number >= 0; got inf"),
    ],
)
def test_bad_targets(miller_blair: Economy, targets: object, message: str) -> None:
    with pytest.raises(TargetsError, match=message):
        balance(miller_blair, targets)  # type: ignore[arg-type]


def test_non_convergence_is_a_status_then_an_error(miller_blair: Economy) -> None:
    r = balance(miller_blair, [350.0, 1700.0], solver="neumann", maxiter=3, valuations=False)
    assert r.status is Status.NOT_CONVERGED
    with pytest.raises(ConvergenceError, match=r"residual .* after 3 iterations") as info:
        r.raise_for_status()
    assert info.value.iterations == 3
    assert info.value.residual > 1e-9


def test_warm_start_saves_iterations(miller_blair: Economy) -> None:
    cold = balance(miller_blair, [350.0, 1700.0], solver="neumann", valuations=False)
    warm = balance(
        miller_blair, [350.0, 1700.0], solver="neumann", valuations=False, x0=[999.0, 1999.0]
    )
    assert warm.iterations < cold.iterations


def test_zero_demand_gives_zero_output(miller_blair: Economy) -> None:
    for method in ("direct", "gmres", "neumann"):
        r = balance(miller_blair, [0.0, 0.0], solver=method)  # type: ignore[arg-type]
        assert r.status is Status.SOLVED
        assert not r.gross_output.any()

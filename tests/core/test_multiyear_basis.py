"""The crash basis of five-year plans: same optimum as a cold start, far fewer iterations."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import gosplan.core.multiyear_lp as internals
from gosplan import Economy
from gosplan.core.generate import generate_economy
from gosplan.core.multiyear import multiyear_plan
from gosplan.core.multiyear_basis import crash_basis
from gosplan.core.plan_result import PlanStatus
from gosplan.core.solvers.highs import BasisStatus


def growing(n: int, inputs: int, years: int = 5) -> tuple[Economy, np.ndarray]:
    g = generate_economy(n, inputs, seed=3, capital=True)
    return g.economy, g.targets[None, :] * 1.05 ** np.arange(years)[:, None]


def cold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(internals, "crash_basis", lambda *args, **kwargs: None)


@pytest.mark.parametrize("objective", ["min", "weighted", "final"])
def test_warm_and_cold_starts_reach_the_same_optimum(
    objective: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    e, y = growing(300, 2)
    kw: dict[str, object] = {"objective": objective, "lag": 1}
    if objective == "weighted":
        kw["weights"] = [1.0, 1.0, 2.0, 2.0, 3.0]
    if objective == "final":
        kw["min_fulfilment"] = 0.3
    warm = multiyear_plan(e, y, **kw).raise_for_status()  # type: ignore[arg-type]
    with monkeypatch.context() as patch:
        cold(patch)
        slow = multiyear_plan(e, y, **kw).raise_for_status()  # type: ignore[arg-type]
    assert warm.objective_value == pytest.approx(slow.objective_value, rel=1e-8)
    assert warm.iterations < slow.iterations / 2
    assert warm.fulfilment is not None
    assert slow.fulfilment is not None
    if objective == "min":
        assert warm.fulfilment.min() == pytest.approx(slow.fulfilment.min(), rel=1e-8)


@pytest.mark.slow
def test_a_two_year_lag_and_projects_under_way(monkeypatch: pytest.MonkeyPatch) -> None:
    e, y = growing(200, 3)
    pipeline = 0.001 * np.asarray(e.capacity)[None, :]
    warm = multiyear_plan(e, y, lag=2, pipeline=pipeline).raise_for_status()
    with monkeypatch.context() as patch:
        cold(patch)
        slow = multiyear_plan(e, y, lag=2, pipeline=pipeline).raise_for_status()
    assert warm.objective_value == pytest.approx(slow.objective_value, rel=1e-8)


def test_the_basis_binds_the_bottleneck_and_makes_every_output_basic() -> None:
    e, y = growing(50, 4, years=3)
    problem = internals.Problem.of(e, 1, None, None, False)
    m = problem.F.shape[0]
    K0 = np.asarray(e.capacity)[problem.F]
    q = np.zeros((0, m))
    labour = np.full(3, e.labour_available)
    idle = problem._capacity(K0, np.zeros((3, m)), q)[:3]
    model = problem._model(y, labour, idle, internals._schedule(3, 1),
                           internals.committed(q, 3), "min", np.zeros(3), 0.0)
    basis = crash_basis(e, problem.C, y, idle,
                        worst_year=True, labour_rows=True, shared=problem.shared,
                        shape=model[1].shape)
    assert basis is not None
    assert basis.basic == model[1].shape[0]
    n = e.n
    assert (basis.col_status[:3 * n] == BasisStatus.BASIC).all()
    capacity_rows = basis.row_status[3 * n:3 * (n + m)]
    assert int((capacity_rows != BasisStatus.BASIC).sum()) == 1
    # A layout that does not match gets no basis rather than a wrong one.
    assert crash_basis(e, problem.C, y, idle, worst_year=False, labour_rows=True,
                       shared=problem.shared, shape=model[1].shape) is None


def test_no_finite_capacity_means_a_cold_start() -> None:
    e, y = growing(30, 3, years=2)
    C = sp.csr_array((0, 30))
    assert crash_basis(e, C, y, np.zeros((2, 0)), worst_year=True, labour_rows=True,
                       shared=np.zeros(0, dtype=np.intp), shape=(2 * 30 + 4, 2 * 30 + 3)) is None


def test_under_a_time_limit_large_economies_start_cold(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = internals.crash_basis

    def spy(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(internals, "crash_basis", spy)
    monkeypatch.setattr(internals, "WARM_START_LIMIT", 100)
    e, y = growing(150, 2, years=2)
    assert multiyear_plan(e, y, time_limit=60.0).status is PlanStatus.OPTIMAL
    assert calls == []
    assert multiyear_plan(e, y).status is PlanStatus.OPTIMAL
    assert calls == [1]

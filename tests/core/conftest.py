"""Fixtures of the engine's tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gosplan.core.solvers import highs

#: HiGHS's option that caps the iterations of each of our methods.
_ITERATION_OPTION = {
    "simplex": "simplex_iteration_limit",
    "ipm": "ipm_iteration_limit",
    "pdlp": "pdlp_iteration_limit",
}


@pytest.fixture
def iteration_limit(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, int], None]:
    """Stop every HiGHS solve of a method after so many iterations.

    A limit on iterations stops a solve at the same point on any machine, loaded or not,
    where a time limit stops it wherever the clock says; HiGHS reports both alike (our
    status ``time_limit``), so the tests of what a solve cut short gives use this one.
    """

    def limit(method: str, iterations: int) -> None:
        options = {**highs._SOLVER_OPTIONS[method], _ITERATION_OPTION[method]: iterations}
        monkeypatch.setitem(highs._SOLVER_OPTIONS, method, options)

    return limit

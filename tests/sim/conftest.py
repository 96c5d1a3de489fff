"""The default scenario and its run, shared by the simulator's rule tests (one per module)."""

from __future__ import annotations

import pytest

from gosplan.scenarios.simfiles import load_scenario
from gosplan.sim.engine import SimResult, simulate
from gosplan.sim.spec import SimSpec


@pytest.fixture(scope="module")
def spec() -> SimSpec:
    return load_scenario("ussr-1928").spec


@pytest.fixture(scope="module")
def run(spec: SimSpec) -> SimResult:
    return simulate(spec)

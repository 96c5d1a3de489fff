"""Famine flight by region: Kazakhstan's herders fled at their own rate (M12)."""

from __future__ import annotations

import numpy as np
import pytest

from gosplan.sim.population import flight_rates
from gosplan.sim.spec import SimSpec


def test_flight_rates_by_region_and_ban() -> None:
    p = {"famine_flight": 0.05, "famine_flight_kazakhstan": 0.1}
    np.testing.assert_allclose(flight_rates(p, np.zeros(3)), [0.05, 0.1, 0.05])
    # The ban on flight (Ukraine, and the share of the rest it reached) closes the way out.
    np.testing.assert_allclose(flight_rates(p, np.array([1.0, 0.0, 0.12])), [0.0, 0.1, 0.044])


def test_kazakh_herders_flee_more_than_settled_peasants(spec: SimSpec) -> None:
    p = spec.params
    assert p["famine_flight_kazakhstan"] > p["famine_flight"]
    assert p["famine_flight_kazakhstan"] == pytest.approx(2 * p["famine_flight"])

"""Special settlers flee the settlements for the towns: the escape rule by hand."""

from __future__ import annotations

import numpy as np
import pytest

from gosplan.sim.engine import SimResult
from gosplan.sim.spec import SimSpec


def test_escapes_are_the_rate_times_the_settlers_and_the_newly_deported(
    spec: SimSpec, run: SimResult
) -> None:
    r = run
    rate = spec.params["settler_escape_rate"]
    assert rate == pytest.approx(207_010 / 1_317_022, abs=1e-3)
    settlers = r.series["special_settlers_count"]  # 1 January, persons
    escapes = r.series["special_settler_escapes"]
    deported = np.array([float(p.sum()) for p in _deported(r)]) * 1e6
    np.testing.assert_allclose(escapes, rate * (settlers + deported), rtol=1e-9)
    # The fugitives go to the towns: people are conserved every year.
    assert np.max(np.abs(r.ledgers["people"])) < 1e-9
    # Deaths are the settlers at the start of the year times the mortality.
    np.testing.assert_allclose(
        r.series["special_settler_deaths"], spec.params["settler_mortality"] * settlers
    )


def _deported(r: SimResult) -> list[np.ndarray]:
    # Persons deported in each year: the settler stock's change plus its deaths and escapes.
    s = r.series
    out = []
    years = len(s["special_settlers_count"])
    states = r.states
    for k in range(years):
        before, after = states[k].special_settlers, states[k + 1].special_settlers
        died = s["special_settler_deaths"][k] / 1e6
        fled = s["special_settler_escapes"][k] / 1e6
        # after = before + deported - died - fled, with fled = rate (before + deported)
        out.append(np.array([after - before + died + fled]))
    return out

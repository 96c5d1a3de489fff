"""A scenario with some policy levers held at one value in every year."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from gosplan.sim.spec import Policy, SimSpec


def with_levers(spec: SimSpec, **values: float) -> SimSpec:
    """``spec`` with each named lever at ``value`` in every year."""
    levers = dict(spec.policy.levers)
    for name, value in values.items():
        levers[name] = np.full(len(spec.policy.years), value)
    return replace(spec, policy=Policy(spec.policy.years, levers))

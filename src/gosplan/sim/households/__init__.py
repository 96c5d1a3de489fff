"""Household resolution: the farm mechanisms over individual households and kolkhozes.

``HouseholdLayer`` plugs into ``gosplan.sim.engine.simulate(spec, farms=...)``; see
``docs/households.md``.
"""

from __future__ import annotations

from gosplan.sim.households.engine import MAX_SCALE, HouseholdLayer

__all__ = ["MAX_SCALE", "HouseholdLayer"]

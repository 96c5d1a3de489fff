"""Views of :mod:`gosplan.sim.catalogue` under their former names, for existing importers.

The catalogue is the one declaration of the simulator's series; these mappings are derived
from it and hold nothing of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from gosplan.sim.catalogue import CATALOGUE, INDUSTRY_SERIES

__all__ = ["COMPARATOR", "INDUSTRY_SERIES", "UNITS"]

#: Unit of each series, as the engine records it.
UNITS: Mapping[str, str] = MappingProxyType({n: e.unit for n, e in CATALOGUE.items()})
#: The record series a simulated series is judged against, where the names differ.
COMPARATOR: Mapping[str, str] = MappingProxyType(
    {
        n: e.comparator
        for n, e in CATALOGUE.items()
        if e.comparator is not None and e.comparator != n
    }
)

"""What a simulation is made of: regions, parameters, policies, the initial state, targets.

The scenario files (``gosplan.scenarios``) build these objects; the simulator only reads
them. Parameters and policies are held by name so that calibration, ``--set`` and the
exhibit's sliders can address them uniformly; the simulator declares the names it needs and
the scenario loader refuses files that lack one or add an unknown one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from gosplan.core.economy import Economy

__all__ = [
    "INDUSTRY",
    "REGIONS",
    "SPECIES",
    "YEARS",
    "Initial",
    "Params",
    "Policy",
    "SimSpec",
]

#: Regions of the simulation: the record allows Ukraine and Kazakhstan to be told apart.
REGIONS = ("ukraine", "kazakhstan", "rest")
#: Livestock species, in the record's summer-count series.
SPECIES = ("horses", "cattle", "pigs", "sheep")
#: Industrial products the plan sets quotas for (ids in the built-in example economy).
INDUSTRY = ("coal", "oil", "electricity", "pig_iron", "steel", "machinery", "cotton_fabric")

#: The years a simulation may cover, first and last. Every year a user gives (a scenario's
#: first and last year, its plan's target year, a policy's year, ``--years``, ``--set``) is
#: checked against them before any work starts: generous around the USSR's 1928-1937, but
#: bounded, so that a mistyped year cannot ask for arrays and runs without end.
YEARS = (1900, 2000)

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Params(Mapping[str, float]):
    """Model parameters by name (sourced, assumed or calibrated; see parameters.toml)."""

    table: Mapping[str, float]

    def __getitem__(self, key: str) -> float:
        return self.table[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.table)

    def __len__(self) -> int:
        return len(self.table)

    def replace(self, **changes: float) -> Params:
        """A copy with some values changed (names must exist)."""
        unknown = set(changes) - set(self.table)
        if unknown:
            raise KeyError(f"parameters: unknown {sorted(unknown)[0]!r}")
        return Params({**self.table, **changes})


@dataclass(frozen=True, slots=True)
class Policy:
    """Policy levers by name, each a value per simulated year.

    ``levers[name][k]`` is the lever's value in year ``years[k]``.
    """

    years: tuple[int, ...]
    levers: Mapping[str, FloatArray]

    def at(self, name: str, year: int) -> float:
        """Value of lever ``name`` in ``year`` (held at its nearest year outside the range)."""
        k = min(max(year - self.years[0], 0), len(self.years) - 1)
        return float(self.levers[name][k])


@dataclass(frozen=True, slots=True)
class Initial:
    """The state of the economy at the start of the first simulated year."""

    rural: FloatArray
    """Rural population by region, mn persons, shape (3,)."""
    urban: FloatArray
    """Urban population by region, mn persons, shape (3,)."""
    households: FloatArray
    """Peasant households by region, mn, shape (3,)."""
    sown_area: FloatArray
    """Grain sown area by region, mn ha, shape (3,)."""
    herds: FloatArray
    """Livestock, mn head, shape (4 species, 3 regions)."""
    tractors: float
    """Tractors in agriculture, thousand."""
    capacity: FloatArray
    """Industrial capacity, in each product's unit per year, shape (len(INDUSTRY),)."""
    unfinished: FloatArray
    """Capacity under construction (started, not completed), shape (len(INDUSTRY),)."""
    grain_reserve: float
    """State grain reserve, mt."""
    special_settlers: float
    """Persons in special settlements, mn."""
    employment: float
    """Workers and employees in the national economy, mn."""


@dataclass(frozen=True, slots=True)
class SimSpec:
    """Everything one simulation run needs."""

    name: str
    economy: Economy
    """The input–output economy of industry (and grain), with 1928 capacities."""
    years: tuple[int, ...]
    initial: Initial
    params: Params
    policy: Policy
    targets: Mapping[int, FloatArray]
    """Final-demand targets by target year, shape (economy.n,), as the planner knows them."""
    base_final_demand: FloatArray
    """Final demand of the base year, shape (economy.n,), from which the plan interpolates."""
    base_year: int | None = None
    """Year of ``base_final_demand`` (the year before ``years[0]`` when a run is chained)."""
    raised_targets: Mapping[int, FloatArray] = field(default_factory=dict)
    """Targets of the raised variant, used in years where the ``plan_raised`` lever is on."""

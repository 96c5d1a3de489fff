"""The farm steps of the yearly cycle, as one interface with two implementations.

:class:`AggregateFarms` runs them on regional aggregates (the functions of
:mod:`~gosplan.sim.agriculture`, :mod:`~gosplan.sim.grain` and :mod:`~gosplan.sim.population`);
``households.HouseholdLayer`` runs the same steps over individual peasant households and
returns the same aggregate records. The engine calls whichever it is given, with no branch
of its own: the two resolutions are one path.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.agriculture import Campaign, HerdYear, campaign, harvest, herd_step
from gosplan.sim.grain import GrainYear, distribute
from gosplan.sim.population import PopulationYear, live
from gosplan.sim.spec import REGIONS, SimSpec
from gosplan.sim.state import State

__all__ = ["AggregateFarms", "FarmLayer"]

FloatArray = NDArray[np.float64]


class FarmLayer(Protocol):
    """A finer resolution of the farm steps (e.g. ``gosplan.sim.households``).

    Each hook takes the arguments of the aggregate step it replaces and returns the same
    aggregate record, so the rest of the year (industry, towns, the state's grain, trade,
    the record) runs unchanged.
    """

    def begin(self, spec: SimSpec, state: State) -> State:
        """Set up (on first call) and return the start state the layer implies."""
        ...

    def campaign(self, spec: SimSpec, state: State, year: int) -> Campaign:
        """Replaces ``agriculture.campaign`` for the year's own campaign."""
        ...

    def harvest(
        self, spec: SimSpec, state: State, camp: Campaign, weather: FloatArray
    ) -> FloatArray:
        """Replaces ``agriculture.harvest``."""
        ...

    def distribute(
        self,
        spec: SimSpec,
        year: int,
        harvest: FloatArray,
        quota: FloatArray,
        kolkhoz_share: FloatArray,
        next_area: FloatArray,
        rural: FloatArray,
        urban: float,
        herds: FloatArray,
        reserve: float,
        export_plan: float,
    ) -> GrainYear:
        """Replaces ``grain.distribute``."""
        ...

    def herd_step(self, spec: SimSpec, state: State, year: int) -> HerdYear:
        """Replaces ``agriculture.herd_step`` (the layer decides the next campaign itself)."""
        ...

    def live(
        self,
        spec: SimSpec,
        state: State,
        deported: FloatArray,
        entries: FloatArray,
        new_jobs: float,
        urban_food: float,
    ) -> PopulationYear:
        """Replaces ``population.live``."""
        ...

    def committed(self, spec: SimSpec, state: State, urban_food: float) -> FloatArray:
        """Excess deaths by region committed by the last harvest (``live`` without drawing)."""
        ...

    def ledgers(self) -> dict[str, float]:
        """The layer's own conservation residuals for the year just simulated."""
        ...


class AggregateFarms:
    """The farm steps on regional aggregates: the simulator's default resolution."""

    def begin(self, spec: SimSpec, state: State) -> State:
        """The aggregate model needs no set-up: the start state as given."""
        return state

    def campaign(self, spec: SimSpec, state: State, year: int) -> Campaign:
        """The year's collectivization and dekulakization campaign."""
        return campaign(spec, state, year)

    def harvest(
        self, spec: SimSpec, state: State, camp: Campaign, weather: FloatArray
    ) -> FloatArray:
        """The physical harvest by region."""
        return harvest(spec, state, camp, weather)

    def distribute(
        self,
        spec: SimSpec,
        year: int,
        harvest: FloatArray,
        quota: FloatArray,
        kolkhoz_share: FloatArray,
        next_area: FloatArray,
        rural: FloatArray,
        urban: float,
        herds: FloatArray,
        reserve: float,
        export_plan: float,
    ) -> GrainYear:
        """The grain balance: deliveries, seed, fodder, food, and the state's side."""
        return distribute(
            spec, year, harvest, quota, kolkhoz_share, next_area, rural, urban, herds, reserve,
            export_plan,
        )  # fmt: skip

    def herd_step(self, spec: SimSpec, state: State, year: int) -> HerdYear:
        """Livestock from this summer to the next, with next year's campaign's slaughter."""
        return herd_step(spec, state, campaign(spec, state, year + 1), year)

    def live(
        self,
        spec: SimSpec,
        state: State,
        deported: FloatArray,
        entries: FloatArray,
        new_jobs: float,
        urban_food: float,
    ) -> PopulationYear:
        """Births, deaths, famine, flight, migration and deportation."""
        return live(spec, state, deported, entries, new_jobs, urban_food)

    def committed(self, spec: SimSpec, state: State, urban_food: float) -> FloatArray:
        """Excess deaths the last harvest commits for the year after the run."""
        zeros = np.zeros(len(REGIONS))
        return live(spec, state, zeros, zeros, 0.0, urban_food).excess_deaths

    def ledgers(self) -> dict[str, float]:
        """No ledgers of its own: the engine's grain, people and animal ledgers cover it."""
        return {}

"""The state of the simulated economy at the start of a year (immutable)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

__all__ = ["State"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class State:
    """The economy at the start of ``year``. Regional arrays follow ``spec.REGIONS``.

    Livestock are the summer counts of ``year`` (the record's ``*_summer`` series), so a
    step carries herds from one summer to the next: the winter's slaughter and fodder
    losses and the spring's births.
    """

    year: int
    rural: FloatArray
    """Rural population, mn, shape (3,)."""
    urban: FloatArray
    """Urban population, mn, shape (3,)."""
    special_settlers: float
    """Deported persons in special settlements, mn."""
    households: FloatArray
    """Peasant households, mn, shape (3,)."""
    kolkhoz_share: FloatArray
    """Share of peasant households in kolkhozes (mid-year), shape (3,)."""
    deported_share: FloatArray
    """Cumulative share of peasant households deported as kulaks, shape (3,)."""
    sown_area: FloatArray
    """Grain area sown for this year's harvest, mn ha, shape (3,)."""
    herds: FloatArray
    """Livestock (summer count), mn head, shape (4, 3)."""
    tractors: float
    """Tractors in agriculture, thousand."""
    capacity: FloatArray
    """Industrial capacity per year, shape (len(INDUSTRY),)."""
    unfinished: FloatArray
    """Capacity under construction, shape (len(INDUSTRY),)."""
    grain_reserve: float
    """State grain reserve, mt."""
    food_per_head: FloatArray
    """Food retained per rural head from last harvest, t grain-equivalent, shape (3,)."""
    fodder_sufficiency: FloatArray
    """Grain fodder available over fodder need, from last harvest, shape (3,)."""
    procured_share: FloatArray
    """Share of last harvest procured by the state, shape (3,)."""
    employment: float
    """Workers and employees in the national economy, mn."""
    machinery_imports: float
    """Machinery imported for this year's investment, in the machinery unit."""
    recent_entries: FloatArray
    """Share of households that joined kolkhozes in the last two campaigns, shape (3,)."""
    tractor_works: float = 0.0
    """Tractors a year the tractor works could make last year, thousand (0 before the first)."""
    employment_industry: float = 0.0
    """Workers and employees in industry last year, mn (0 before the first year)."""
    nominal_wage: float = 1.0
    """Money wage per worker over the first simulated year's."""
    wage_base: tuple[float, float] = (0.0, 0.0)
    """Urban food and cloth per worker in the first simulated year (the real wage's base)."""
    village_stocks: FloatArray = field(default_factory=lambda: np.zeros(3))
    """Grain villagers carry over from earlier harvests, t a head, shape (3,)."""
    january_herds: FloatArray = field(default_factory=lambda: np.zeros(4))
    """Livestock on 1 January of this year, mn head by species, shape (4,) (zeros: unknown)."""
    """Grain villagers carry over from earlier harvests, t a head, shape (3,)."""

    def evolve(self, **changes: object) -> State:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

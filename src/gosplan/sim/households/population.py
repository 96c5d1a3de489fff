"""The peasant households as a structure of arrays, and their synthesis from the 1928 aggregates.

One row per simulated household; with a sample scale ``1:N`` every row stands for ``N``
households. Rows are sorted by region (``spec.REGIONS``) and, within a region, by village,
so that regional and village totals are contiguous sums (``numpy.add.reduceat``), not
scatters. Each village holds one kolkhoz slot (``kolkhozes.py``).

The distributions, and where each number comes from (docs/households.md §2):

* households, rural persons, grain sown area and herds by region and species: the scenario's
  initial values (``Initial``), rounded to whole households, persons and head at the scale;
* kulak households: 3.9 % of households (assumed: the statistical office's estimate for
  1927 as quoted in the general literature; unverified); the dekulakization policy deports
  1.6 % over 1930-31, so the pool never runs dry;
* household size ``1 + Poisson(m - 1)``, kulak households with mean
  ``persons_per_kulak_family`` (4.73, SHVALNER via the parameters), the others with the
  mean that makes the region's persons exact (assumed shape: one person at least, a
  right tail as in the 1926 census' peasant household sizes);
* sown area in proportion to household size (land was repartitioned by "eaters" under the
  1922 Land Code) times a log-normal factor with sigma 0.5 (assumed spread), times the
  parameter ``kulak_herd_multiple`` for kulaks (assumed: kulak status was assessed on sown
  area and animals alike);
* animals per species ``Poisson(mu_i G_i)`` with ``G_i ~ Gamma(a_s, 1/a_s)``: kulak
  households' mean is ``kulak_herd_multiple`` times the average household's; the shapes
  ``a_s`` (horses 4, cattle 2, pigs 1, sheep and goats 0.5) are assumed so that about a
  third of households have no horse (the horseless of the late NEP village, general
  knowledge) and sheep are concentrated in few hands (nomad herds); totals are then made
  exact by adding or removing single head at random.

The arrays are mutable: they are the agents' state, which the mechanisms in ``steps.py``
update in place once a year. Every draw comes from the ``numpy.random.Generator`` passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.spec import REGIONS, SPECIES, Initial, Params

__all__ = [
    "HERD_SHAPE",
    "KULAK_SHARE",
    "LAND_SIGMA",
    "STATUS_DEPORTED",
    "STATUS_INDIVIDUAL",
    "STATUS_MEMBER",
    "Households",
    "exact_total",
    "synthesize",
]

#: Share of peasant households classed as kulaks in 1928 (assumed; see the module docstring).
KULAK_SHARE = 0.039
#: Spread (log-normal sigma) of sown area per person between households (assumed).
LAND_SIGMA = 0.5
#: Gamma shape of each species' household herd, in ``SPECIES`` order (assumed).
HERD_SHAPE = (4.0, 2.0, 1.0, 0.5)

STATUS_INDIVIDUAL = 0
STATUS_MEMBER = 1
STATUS_DEPORTED = 2

I64 = NDArray[np.int64]


@dataclass(slots=True, eq=False)
class Households:
    """Simulated peasant households, one row each (structure of arrays)."""

    weight: int
    """Households each row stands for (the ``N`` of a ``1:N`` sample)."""
    region_start: I64
    """First row of each region, shape (3,); rows of region r are ``[start[r], start[r+1])``."""
    village: NDArray[np.int32]
    """Village (and kolkhoz slot) of each household, shape (H,)."""
    members: NDArray[np.int16]
    """Persons living in the household, shape (H,)."""
    land: NDArray[np.float32]
    """Sown-area weight, ha in 1928, shape (H,); sown area follows the region's total."""
    animals: NDArray[np.int16]
    """Animals the household owns, shape (4 species, H)."""
    kulak: NDArray[np.bool_]
    """Classed as a kulak (never admitted to a kolkhoz), shape (H,)."""
    status: NDArray[np.int8]
    """0 individual, 1 kolkhoz member, 2 deported, shape (H,)."""
    pending: NDArray[np.int8]
    """Decided for the coming winter: 0 nothing, 1 joins its kolkhoz, 2 deported, shape (H,)."""
    food: NDArray[np.float32]
    """Food retained per member from the last harvest, t grain-equivalent, shape (H,)."""
    procured: NDArray[np.float32]
    """Share of the producer's last harvest the state took, shape (H,)."""

    @property
    def n(self) -> int:
        """Rows (simulated households)."""
        return int(self.members.shape[0])

    def region_slice(self, r: int) -> slice:
        """Rows of region ``r``."""
        stop = self.n if r + 1 == len(REGIONS) else int(self.region_start[r + 1])
        return slice(int(self.region_start[r]), stop)

    def by_region(self, values: NDArray[Any]) -> NDArray[Any]:
        """Sum of ``values`` (last axis = households) over each region's rows."""
        return np.asarray(np.add.reduceat(values, self.region_start, axis=-1))

    def arrays(self) -> dict[str, NDArray[np.generic]]:
        """Every state array by name (for hashes and tests)."""
        return {
            "village": self.village,
            "members": self.members,
            "land": self.land,
            "animals": self.animals,
            "kulak": self.kulak,
            "status": self.status,
            "pending": self.pending,
            "food": self.food,
            "procured": self.procured,
        }


def exact_total(
    counts: NDArray[np.integer], target: int, rng: np.random.Generator, minimum: int = 0
) -> None:
    """Add or remove single units at random rows so that ``counts`` sums to ``target``.

    Rows are changed by one each (without replacement), and none falls below ``minimum``.
    """
    diff = int(target) - int(counts.sum(dtype=np.int64))
    if diff > 0:
        rows = rng.choice(counts.shape[0], size=diff, replace=diff > counts.shape[0])
        np.add.at(counts, rows, 1)
    elif diff < 0:
        able = np.flatnonzero(counts > minimum)
        if able.shape[0] < -diff:
            raise ValueError(f"cannot remove {-diff} units from {able.shape[0]} rows")
        rows = rng.choice(able, size=-diff, replace=False)
        counts[rows] -= 1


def _scaled(value_mn: float, weight: int) -> int:
    """A stock in millions as a whole number of units at the sample scale."""
    return round(value_mn * 1e6 / weight)


def synthesize(
    initial: Initial,
    params: Params,
    weight: int,
    villages: NDArray[np.int64],
    food_per_head: float,
    procured_share: float,
    rng: np.random.Generator,
) -> Households:
    """Draw the households of 1928 (see the module docstring for the distributions).

    ``villages[r]`` is the number of villages of region r; households are dealt to them in
    equal contiguous blocks.
    """
    counts = [_scaled(h, weight) for h in initial.households]
    if min(counts) < 1:
        raise ValueError(f"scale 1:{weight} leaves a region without households")
    total = sum(counts)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    members = np.zeros(total, dtype=np.int16)
    land = np.zeros(total, dtype=np.float32)
    animals = np.zeros((len(SPECIES), total), dtype=np.int16)
    kulak = np.zeros(total, dtype=np.bool_)
    village = np.zeros(total, dtype=np.int32)
    multiple = params["kulak_herd_multiple"]
    kulak_size = params["persons_per_kulak_family"]
    first_village = 0
    for r, h in enumerate(counts):
        rows = slice(int(start[r]), int(start[r]) + h)
        v = int(villages[r])
        village[rows] = first_village + (np.arange(h, dtype=np.int64) * v // h)
        first_village += v
        k = round(KULAK_SHARE * h)
        is_kulak = np.zeros(h, dtype=np.bool_)
        is_kulak[rng.choice(h, size=k, replace=False)] = True
        kulak[rows] = is_kulak
        persons = _scaled(float(initial.rural[r]), weight)
        other_mean = (persons - k * kulak_size) / max(h - k, 1)
        mean = np.where(is_kulak, kulak_size, other_mean)
        size = 1 + rng.poisson(np.maximum(mean - 1.0, 0.0))
        exact_total(size, persons, rng, minimum=1)
        if size.max() > np.iinfo(np.int16).max:
            raise ValueError("household size overflows int16")
        members[rows] = size
        # Kulak weight relative to the others so that their mean is `multiple` x the mean.
        ratio = multiple * (1 - KULAK_SHARE) / (1 - multiple * KULAK_SHARE)
        w = np.where(is_kulak, ratio, 1.0)
        area = size * rng.lognormal(0.0, LAND_SIGMA, h) * w
        land[rows] = area * (float(initial.sown_area[r]) * 1e6 / weight / area.sum())
        for s, shape in enumerate(HERD_SHAPE):
            target = _scaled(float(initial.herds[s, r]), weight)
            mu = w * rng.gamma(shape, 1.0 / shape, h)
            herd = rng.poisson(mu * (target / mu.sum()))
            exact_total(herd, target, rng)
            if herd.max() > np.iinfo(np.int16).max:
                raise ValueError("herd overflows int16")
            animals[s, rows] = herd
    return Households(
        weight=weight,
        region_start=start,
        village=village,
        members=members,
        land=land,
        animals=animals,
        kulak=kulak,
        status=np.full(total, STATUS_INDIVIDUAL, dtype=np.int8),
        pending=np.zeros(total, dtype=np.int8),
        food=np.full(total, food_per_head, dtype=np.float32),
        procured=np.full(total, procured_share, dtype=np.float32),
    )

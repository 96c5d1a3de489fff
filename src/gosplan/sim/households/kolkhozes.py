"""Villages and their kolkhozes, as a structure of arrays.

Every village has one kolkhoz slot; the kolkhoz exists while it has members. About 250,000
villages (the number of kolkhozes the collectivized village settled at; 211.7 thousand at
the end of 1932 in the record, NARKHOZ1960_KOLKHOZ) of about 98 households each
(24.5 mn households / 250,000, derived). A household that joins brings its land and its
animals (socialised: the artel statute of 1930 pooled draught animals and most cattle);
a kulak household deported from the village leaves its land and the animals not lost to
the kolkhoz (their property went to the kolkhozes' indivisible funds).

The campaign reaches villages in an order: each village draws a rank ``q_v ~ U(0, 1)``
(assumed), and with a regional target share ``c`` the village's own target share is the
ramp ``s_v = clip((t - q_v) / α + 1/2, 0, 1)``, with ``t`` solved so that the mean over the
region's households is ``c``. ``α = 0.25`` (assumed, judged against the record's kolkhoz
count: about 33 thousand kolkhozes for 1.7 % of households in 1928, 212 thousand for 62 % in
1932): small ``α`` collectivizes village by village, large ``α`` everyone alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.households.population import STATUS_MEMBER, Households, village_starts
from gosplan.sim.spec import SPECIES

__all__ = [
    "KOLKHOZES",
    "RAMP_WIDTH",
    "Villages",
    "make_villages",
    "members_by_village",
    "village_counts",
    "village_targets",
]

#: Kolkhozes (villages) in the whole USSR at full scale (about 250,000: see the docstring).
KOLKHOZES = 250_000
#: Width ``α`` of the ramp over villages' campaign order (assumed; see the docstring).
RAMP_WIDTH = 0.25

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]


@dataclass(slots=True, eq=False)
class Villages:
    """Villages, one row each, with the kolkhoz of each (structure of arrays)."""

    start: I64
    """First household row of each village, shape (V,)."""
    size: I64
    """Households dealt to the village in 1928, shape (V,)."""
    region: NDArray[np.int8]
    """Region of each village, shape (V,)."""
    region_start: I64
    """First village of each region, shape (3,)."""
    rank: NDArray[np.float64]
    """Order in which the campaign reaches the village, U(0, 1), shape (V,)."""
    animals: NDArray[np.int64]
    """The kolkhoz's collective herd, shape (4 species, V)."""
    extra_land: F64
    """Land of deported kulaks farmed by the kolkhoz, ha (1928 weights), shape (V,)."""
    recent: I64
    """Households that joined in this year's campaign, shape (V,); those who left in the
    spring exodus stay counted (the aggregate's ``recent_entries`` counts them too)."""
    procured: NDArray[np.float32]
    """Share of the kolkhoz's last harvest the state took, shape (V,)."""
    fodder_sufficiency: NDArray[np.float32]
    """Fodder fed over fodder needed for the kolkhoz herd, last harvest, shape (V,)."""
    village_fodder: NDArray[np.float32]
    """Fodder sufficiency of the whole village (horses' fitness for work), shape (V,)."""

    @property
    def n(self) -> int:
        """Villages."""
        return int(self.start.shape[0])

    def total(self, values: NDArray[Any]) -> NDArray[Any]:
        """Sum of a per-household array (last axis) over each village's rows."""
        return np.asarray(np.add.reduceat(values, self.start, axis=-1))

    def by_region(self, values: NDArray[Any]) -> NDArray[Any]:
        """Sum of a per-village array over each region's villages."""
        return np.asarray(np.add.reduceat(values, self.region_start, axis=-1))

    def arrays(self) -> dict[str, NDArray[np.generic]]:
        """Every state array by name (for hashes and tests)."""
        return {
            "k_animals": self.animals,
            "k_extra_land": self.extra_land,
            "k_recent": self.recent,
            "k_procured": self.procured,
            "k_fodder_sufficiency": self.fodder_sufficiency,
            "k_village_fodder": self.village_fodder,
        }


def village_counts(households: NDArray[np.int64], weight: int) -> NDArray[np.int64]:
    """Villages per region at the sample scale: ``KOLKHOZES / weight`` split by households."""
    total = max(len(households), round(KOLKHOZES / weight))
    share = households / households.sum()
    counts = np.maximum(1, np.floor(share * total).astype(np.int64))
    counts[np.argmax(households)] += total - int(counts.sum())
    return np.asarray(np.minimum(counts, households), dtype=np.int64)


def make_villages(
    hh: Households, counts: I64, procured: float, rng: np.random.Generator
) -> Villages:
    """The villages of ``hh`` (``counts[r]`` in region r), none with a kolkhoz yet."""
    v = int(counts.sum())
    rows = np.diff(np.append(hh.region_start, hh.n)).astype(np.int64)
    if np.any(counts > rows) or np.any(counts < 1):
        raise ValueError("every village must hold at least one household")
    # The villages are dealt as in ``synthesize``: equal contiguous blocks per region.
    start = village_starts(rows, counts)
    size = np.diff(np.append(start, hh.n)).astype(np.int64)
    region = np.repeat(np.arange(len(counts), dtype=np.int8), counts)
    return Villages(
        start=start,
        size=size,
        region=region,
        region_start=np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64),
        rank=rng.random(v),
        animals=np.zeros((len(SPECIES), v), dtype=np.int64),
        extra_land=np.zeros(v),
        recent=np.zeros(v, dtype=np.int64),
        procured=np.full(v, procured, dtype=np.float32),
        fodder_sufficiency=np.ones(v, dtype=np.float32),
        village_fodder=np.ones(v, dtype=np.float32),
    )


def village_targets(rank: F64, weights: F64, share: float) -> F64:
    """Each village's target kolkhoz share, the ramp whose weighted mean is ``share``.

    The weighted mean of the ramps, ``F(t)``, is continuous and increasing in ``t``; with
    the villages sorted by rank it is evaluated from prefix sums in ``O(log V)``, and ``t``
    is found by bisection to machine precision.
    """
    if share <= 0:
        return np.zeros_like(rank)
    if share >= 1:
        return np.ones_like(rank)
    order = np.argsort(rank, kind="stable")
    q = rank[order]
    w = weights[order].astype(np.float64)
    total = float(w.sum())
    if total <= 0:
        return np.zeros_like(rank)
    prefix_w = np.concatenate([[0.0], np.cumsum(w)])
    prefix_wq = np.concatenate([[0.0], np.cumsum(w * q)])
    half = RAMP_WIDTH / 2

    def mean(t: float) -> float:
        lo = int(np.searchsorted(q, t - half, side="right"))
        hi = int(np.searchsorted(q, t + half, side="right"))
        full = prefix_w[lo]
        mid_w = prefix_w[hi] - prefix_w[lo]
        mid_wq = prefix_wq[hi] - prefix_wq[lo]
        # Ramps in progress: (t - q) / α + 1/2 each.
        return float(full + (t * mid_w - mid_wq) / RAMP_WIDTH + 0.5 * mid_w) / total

    lo_t, hi_t = -1.0, 2.0
    for _ in range(60):
        mid = 0.5 * (lo_t + hi_t)
        lo_t, hi_t = (mid, hi_t) if mean(mid) < share else (lo_t, mid)
    ramp = np.clip((0.5 * (lo_t + hi_t) - rank) / RAMP_WIDTH + 0.5, 0.0, 1.0)
    return np.asarray(ramp, dtype=np.float64)


def members_by_village(hh: Households, villages: Villages) -> tuple[I64, I64]:
    """Member households and member persons of each kolkhoz."""
    member = hh.status == STATUS_MEMBER
    households = np.add.reduceat(member.astype(np.int64), villages.start)
    persons = np.add.reduceat(np.where(member, hh.members, 0).astype(np.int64), villages.start)
    return np.asarray(households, dtype=np.int64), np.asarray(persons, dtype=np.int64)

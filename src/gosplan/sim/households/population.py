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
update in place once a year. Every draw comes from the ``numpy.random.Generator`` passed in
and the per-chunk streams it seeds (``chunks.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.households.chunks import Chunk, Runner, make_chunks, workspace
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
    "poisson",
    "synthesize",
    "village_starts",
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


#: Means up to which ``poisson`` inverts the distribution function (past them NumPy's
#: sampler: the walk would take about as many steps as the mean).
POISSON_INVERSION_MAX = 20.0
#: Steps after which an inversion stops (the mass left beyond is below 1e-25).
_POISSON_STEPS = 100


def poisson(rng: np.random.Generator, lam: NDArray[np.float64]) -> I64:
    """Poisson draws of means ``lam`` (finite, non-negative), one uniform each.

    Inversion: the draw is the first ``k`` whose distribution function reaches its
    uniform, walked one step at a time for all draws together (in the thread's scratch
    arrays) and, once few are left, for those alone. NumPy's sampler multiplies one
    fresh uniform per unit of the result, element by element. Means above
    ``POISSON_INVERSION_MAX`` go to NumPy's sampler, after the uniforms.
    """
    ws = workspace()
    n = lam.shape[0]
    u = ws.get("pois_u", n, np.float64)
    rng.random(out=u)
    big = lam > POISSON_INVERSION_MAX
    nbig = int(np.count_nonzero(big))
    walk = lam
    if nbig:
        walk = ws.get("pois_walk", n, np.float64)
        np.copyto(walk, lam)
        walk[big] = 0.0
    mass = ws.get("pois_mass", n, np.float64)
    np.negative(walk, out=mass)
    np.exp(mass, out=mass)
    cdf = ws.get("pois_cdf", n, np.float64)
    np.copyto(cdf, mass)
    more = ws.get("pois_more", n, np.bool_)
    steps = ws.get("pois_steps", n, np.int8)  # at most _POISSON_STEPS < 128
    steps.fill(0)
    out = np.empty(n, dtype=np.int64)
    x: I64 | None = None  # the draws left once compacted, and their rows
    rows = np.zeros(0, dtype=np.int64)
    k = 0
    while k < _POISSON_STEPS:
        np.less(cdf, u, out=more)
        m = int(np.count_nonzero(more))
        if m == 0:
            break
        if x is None:
            steps += more.view(np.int8)
        else:
            x += more
        k += 1
        if 4 * m < more.shape[0]:
            keep = np.flatnonzero(more)
            if x is None:
                np.copyto(out, steps)
                x, rows = out[keep], keep
            else:
                out[rows] = x
                x, rows = x[keep], rows[keep]
            u, mass, cdf, walk = u[keep], mass[keep], cdf[keep], walk[keep]
            more = np.empty(m, dtype=np.bool_)
        mass *= walk
        mass *= 1.0 / k
        cdf += mass
    if x is None:
        np.copyto(out, steps)
    else:
        out[rows] = x
    if nbig:
        at = np.flatnonzero(big)
        out[at] = rng.poisson(lam[at])
    return out


def _scaled(value_mn: float, weight: int) -> int:
    """A stock in millions as a whole number of units at the sample scale."""
    return round(value_mn * 1e6 / weight)


def village_starts(households: NDArray[np.int64], villages: NDArray[np.int64]) -> I64:
    """First row of every village, shape (sum of ``villages``,).

    Region r's ``households[r]`` rows are dealt to its ``villages[r]`` villages in equal
    contiguous blocks: row ``i`` of the region goes to its village ``i * v // h``, so
    village ``j`` begins at ``ceil(j h / v)``.
    """
    parts = []
    first = 0
    for h, v in zip(households.tolist(), villages.tolist(), strict=True):
        j = np.arange(v, dtype=np.int64)
        parts.append(first + (j * h + v - 1) // v)
        first += h
    return np.asarray(np.concatenate(parts), dtype=np.int64)


def _split(
    rng: np.random.Generator, diff: int, rows: NDArray[np.int64], able: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Single units each chunk adds (``diff > 0``) or removes (``diff < 0``).

    Split so that ``exact_total`` on the chunks is ``exact_total`` on their union: units
    added to distinct rows (with replacement only where there are more units than rows),
    removed from distinct rows above the minimum (``able`` per chunk).
    """
    if diff == 0:
        return np.zeros(rows.shape[0], dtype=np.int64)
    if diff > 0:
        total = int(rows.sum())
        if diff > total:
            return np.asarray(rng.multinomial(diff, rows / total), dtype=np.int64)
        return np.asarray(rng.multivariate_hypergeometric(rows, diff), dtype=np.int64)
    if int(able.sum()) < -diff:
        raise ValueError(f"cannot remove {-diff} units from {int(able.sum())} rows")
    return -np.asarray(rng.multivariate_hypergeometric(able, -diff), dtype=np.int64)


#: Sub-step keys of the synthesis' per-chunk streams (year key 0).
_SYNTH_YEAR = 0


def synthesize(
    initial: Initial,
    params: Params,
    weight: int,
    villages: NDArray[np.int64],
    food_per_head: float,
    procured_share: float,
    rng: np.random.Generator,
    runner: Runner | None = None,
) -> Households:
    """Draw the households of 1928 (see the module docstring for the distributions).

    ``villages[r]`` is the number of villages of region r; households are dealt to them in
    equal contiguous blocks. The draws run chunk by chunk (``chunks.py``) on ``runner``'s
    threads from per-chunk streams; ``rng`` (serial) only splits each region's kulaks and
    the single units that make its totals exact between the chunks, so the households are
    the same bytes for any number of threads.
    """
    counts = [_scaled(h, weight) for h in initial.households]
    if min(counts) < 1:
        raise ValueError(f"scale 1:{weight} leaves a region without households")
    if runner is None:
        runner = Runner(1, int(rng.integers(2**63)))
    regions = len(counts)
    h_r = np.asarray(counts, dtype=np.int64)
    v_r = np.asarray(villages, dtype=np.int64)
    total = int(h_r.sum())
    start = np.concatenate([[0], np.cumsum(h_r)[:-1]]).astype(np.int64)
    v_start = village_starts(h_r, v_r)
    v_region = np.concatenate([[0], np.cumsum(v_r)[:-1]]).astype(np.int64)
    chunks = make_chunks(start, total, v_start, v_region)
    rows_c = np.array([c.hi - c.lo for c in chunks], dtype=np.int64)
    of_region = [np.array([c.index for c in chunks if c.region == r]) for r in range(regions)]

    members = np.empty(total, dtype=np.int16)
    land = np.empty(total, dtype=np.float32)
    animals = np.empty((len(SPECIES), total), dtype=np.int16)
    kulak = np.zeros(total, dtype=np.bool_)
    village = np.empty(total, dtype=np.int32)
    status = np.empty(total, dtype=np.int8)
    pending = np.empty(total, dtype=np.int8)
    food = np.empty(total, dtype=np.float32)
    procured = np.empty(total, dtype=np.float32)
    mu = np.empty(total, dtype=np.float32)
    multiple = params["kulak_herd_multiple"]
    kulak_size = params["persons_per_kulak_family"]
    # Kulak weight relative to the others so that their mean is `multiple` x the mean.
    ratio = multiple * (1 - KULAK_SHARE) / (1 - multiple * KULAK_SHARE)
    k_r = [round(KULAK_SHARE * h) for h in counts]
    persons_r = [_scaled(float(initial.rural[r]), weight) for r in range(regions)]
    other_mean = [
        (persons_r[r] - k_r[r] * kulak_size) / max(counts[r] - k_r[r], 1) for r in range(regions)
    ]
    k_c = np.zeros(len(chunks), dtype=np.int64)
    for r in range(regions):
        k_c[of_region[r]] = _split(rng, k_r[r], rows_c[of_region[r]], rows_c[of_region[r]])

    def chunk_rng(step: int, c: Chunk) -> np.random.Generator:
        return runner.rng(_SYNTH_YEAR, step, c.index)

    def weights(c: Chunk) -> NDArray[np.float64]:
        return np.where(kulak[c.lo : c.hi], ratio, 1.0)

    def draw_gamma(c: Chunk, s: int, g: np.random.Generator) -> float:
        shape = HERD_SHAPE[s]
        m = weights(c) * g.gamma(shape, 1.0 / shape, c.hi - c.lo)
        mu[c.lo : c.hi] = m
        return float(mu[c.lo : c.hi].sum(dtype=np.float64))

    def first(c: Chunk) -> tuple[int, int]:
        g = chunk_rng(0, c)
        s = slice(c.lo, c.hi)
        n = c.hi - c.lo
        r = c.region
        v = int(v_r[r])
        h = counts[r]
        local = np.arange(c.lo - int(start[r]), c.hi - int(start[r]), dtype=np.int64)
        village[s] = int(v_region[r]) + local * v // h
        is_kulak = kulak[s]
        is_kulak[g.choice(n, size=int(k_c[c.index]), replace=False)] = True
        mean = np.where(is_kulak, kulak_size, other_mean[r])
        size = 1 + poisson(g, np.maximum(mean - 1.0, 0.0))
        if size.max() > np.iinfo(np.int16).max:
            raise ValueError("household size overflows int16")
        members[s] = size
        status[s] = STATUS_INDIVIDUAL
        pending[s] = 0
        food[s] = food_per_head
        procured[s] = procured_share
        return int(size.sum()), int(np.count_nonzero(size > 1))

    def region_splits(parts: list[tuple[int, int]], targets: list[int]) -> NDArray[np.int64]:
        sums = np.array([p[0] for p in parts], dtype=np.int64)
        able = np.array([p[1] for p in parts], dtype=np.int64)
        out = np.zeros(len(chunks), dtype=np.int64)
        for r in range(regions):
            ix = of_region[r]
            diff = int(targets[r]) - int(sums[ix].sum())
            out[ix] = sums[ix] + _split(rng, diff, rows_c[ix], able[ix])
        return out

    size_c = region_splits(runner.map(first, chunks), persons_r)

    def second(c: Chunk) -> tuple[float, float]:
        g = chunk_rng(1, c)
        s = slice(c.lo, c.hi)
        size = members[s]
        exact_total(size, int(size_c[c.index]), g, minimum=1)
        area = size * g.lognormal(0.0, LAND_SIGMA, c.hi - c.lo) * weights(c)
        land[s] = area
        return float(area.sum()), draw_gamma(c, 0, g)

    parts2 = runner.map(second, chunks)
    land_f = np.array(
        [float(initial.sown_area[r]) * 1e6 / weight for r in range(regions)]
    ) / np.array([sum(parts2[i][0] for i in of_region[r]) for r in range(regions)])
    mu_r = np.array([sum(parts2[i][1] for i in of_region[r]) for r in range(regions)])
    for sp in range(len(HERD_SHAPE)):
        targets = [_scaled(float(initial.herds[sp, r]), weight) for r in range(regions)]
        scale_r = np.asarray(targets, dtype=np.float64) / mu_r

        def third(
            c: Chunk, sp: int = sp, scale_r: NDArray[np.float64] = scale_r
        ) -> tuple[int, int]:
            g = chunk_rng(2 + 2 * sp, c)
            s = slice(c.lo, c.hi)
            if sp == 0:
                land[s] *= np.float32(land_f[c.region])
            herd = poisson(g, mu[s] * scale_r[c.region])
            if herd.max(initial=0) > np.iinfo(np.int16).max:
                raise ValueError("herd overflows int16")
            animals[sp, s] = herd
            return int(herd.sum()), int(np.count_nonzero(herd))

        herd_c = region_splits(runner.map(third, chunks), targets)

        def fourth(c: Chunk, sp: int = sp, herd_c: NDArray[np.int64] = herd_c) -> float:
            g = chunk_rng(3 + 2 * sp, c)
            herd = animals[sp, c.lo : c.hi]
            exact_total(herd, int(herd_c[c.index]), g)
            return draw_gamma(c, sp + 1, g) if sp + 1 < len(HERD_SHAPE) else 0.0

        parts4 = runner.map(fourth, chunks)
        mu_r = np.array([sum(parts4[i] for i in of_region[r]) for r in range(regions)])
    return Households(
        weight=weight,
        region_start=start,
        village=village,
        members=members,
        land=land,
        animals=animals,
        kulak=kulak,
        status=status,
        pending=pending,
        food=food,
        procured=procured,
    )

"""The campaign, vectorised over households: who joins, who is deported, who leaves.

Every rate is the aggregate model's (``docs/model.md``), applied to the household's own
numbers instead of the region's. The flows of people and animals (``herds.py``,
``people.py``) are whole numbers drawn by unbiased stochastic rounding: a household
with ``n`` head and a rate ``p`` loses ``floor(n p + u)`` head, ``u ~ U(0, 1)``, whose
expectation is exactly ``n p`` (systematic sampling; its variance, at most 1/4 per
household, is below the binomial's for rates over ``1/n``). Several outflows of one stock
share one ``u`` through their cumulative sums (``floor(cum_k + u) - floor(cum_{k-1} + u)``),
so each is non-negative, each has the right expectation, and together they never exceed
the stock: integers in, integers out, and the ledgers close exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.households.chunks import (
    Chunk,
    Runner,
    Workspace,
    int_sums,
    village_rows,
    village_sums,
    workspace,
)
from gosplan.sim.households.herds import Census
from gosplan.sim.households.kolkhozes import Villages, village_targets
from gosplan.sim.households.population import (
    STATUS_DEPORTED,
    STATUS_INDIVIDUAL,
    STATUS_MEMBER,
    Households,
)

__all__ = [
    "JOINED_NOW",
    "STEP_EXODUS",
    "Decision",
    "apply_decision",
    "decide",
    "exodus",
    "split_counts",
]

#: Mark in ``Households.pending`` of a household that joined in the campaign under way.
JOINED_NOW = 3
#: Sub-step key of the exodus' random stream (``decide`` takes its own ``step``).
STEP_EXODUS = 30

F32 = NDArray[np.float32]
I64 = NDArray[np.int64]


def split_counts(
    parts: Sequence[F32 | None], cap: NDArray[np.integer], u: F32
) -> list[NDArray[np.int32] | None]:
    """Whole-number outflows from expected outflows ``parts`` (same shape as ``cap``).

    The flows share the uniform ``u``; when the expected flows add up to more than ``cap``
    they are cut in proportion first (as in the aggregate model), so the total never
    exceeds ``cap``. ``None`` parts (a rate that is zero everywhere) stay ``None``.
    """
    present = [p for p in parts if p is not None]
    out: list[NDArray[np.int32] | None] = []
    if not present:
        return [None for _ in parts]
    capf = cap.astype(np.float32)
    total = np.sum(present, axis=0, dtype=np.float32) if len(present) > 1 else present[0]
    over = total > capf
    scale = None
    if over.any():
        scale = np.where(over, capf / np.where(over, total, 1.0), 1.0).astype(np.float32)
    cum = np.zeros(cap.shape, dtype=np.float32)
    prev = np.zeros(cap.shape, dtype=np.int32)
    cap32 = cap.astype(np.int32)
    for p in parts:
        if p is None:
            out.append(None)
            continue
        cum += p if scale is None else p * scale
        here = np.minimum(np.floor(cum + u).astype(np.int32), cap32)
        out.append(here - prev)
        prev = here
    return out


class Decision:
    """Households chosen for the coming campaign (boolean masks over rows)."""

    __slots__ = ("census", "deport", "join")

    def __init__(
        self, join: NDArray[np.bool_], deport: NDArray[np.bool_], census: Census | None = None
    ) -> None:
        self.join = join
        self.deport = deport
        self.census = census


def _assign(values: NDArray[np.int8], value: int, mask: NDArray[np.bool_], ws: Workspace) -> None:
    """``values[mask] = value`` as ``values += (value - values) · mask`` (exact, branch-free)."""
    step = ws.get("a_step", values.shape[0], np.int8)
    np.subtract(np.int8(value), values, out=step)
    step *= mask
    values += step


def _herds_of(
    animals: NDArray[np.int16], mask: NDArray[np.bool_], count: int, ws: Workspace
) -> I64:
    """Head by species of the ``count`` households in ``mask`` (of a chunk's herds)."""
    if 8 * count < mask.shape[0]:
        return np.asarray(
            np.take(animals, np.flatnonzero(mask), axis=1).sum(axis=1, dtype=np.int64)
        )
    k, size = animals.shape
    head = ws.get("d_head", k * size, np.int16).reshape(k, size)
    np.multiply(animals, mask, out=head)
    return int_sums(head)


def _offsets(villages: Villages, c: Chunk) -> I64:
    return np.asarray(villages.start[c.v0 : c.v1] - c.lo, dtype=np.int64)


def decide(
    hh: Households,
    villages: Villages,
    chunks: tuple[Chunk, ...],
    runner: Runner,
    year: int,
    step: int,
    peak: NDArray[np.float64],
    deport_households: NDArray[np.float64],
    census: bool = True,
) -> Decision:
    """Who is deported and who joins in a campaign whose regional peak share is ``peak``.

    Deportation: each remaining individual kulak household of region r goes with the
    probability that makes the expected number ``deport_households[r]`` (in simulated
    rows). Joining: each village's target share comes from the campaign order
    (``village_targets``); each eligible household (individual, not a kulak, not being
    deported) joins with the probability that makes the village's expected membership
    its target. Draws come from the streams ``(year, step, chunk)`` and ``(year, step + 1,
    chunk)``. The decision carries a census of the households and herds it concerns (unless
    ``census`` is false: the herds' year needs only the autumn's).
    """
    regions = len(peak)
    V = villages.n
    present_v = np.zeros(V, dtype=np.int64)
    members_v = np.zeros(V, dtype=np.int64)
    eligible_v = np.zeros(V, dtype=np.int64)

    def count(c: Chunk) -> int:
        s = slice(c.lo, c.hi)
        vs = slice(c.v0, c.v1)
        size = c.hi - c.lo
        ws = workspace()
        offs = _offsets(villages, c)
        status = hh.status[s]
        kulak = hh.kulak[s]
        mask = ws.get("d_mask", size, np.bool_)
        individual = ws.get("d_individual", size, np.bool_)
        rows = village_rows(ws, 3, size)
        np.not_equal(status, STATUS_DEPORTED, out=mask)
        np.copyto(rows[0], mask)
        np.equal(status, STATUS_MEMBER, out=mask)
        np.copyto(rows[1], mask)
        np.equal(status, STATUS_INDIVIDUAL, out=individual)
        np.greater(individual, kulak, out=mask)  # individual and not a kulak
        np.copyto(rows[2], mask)
        v = village_sums(rows, offs)
        present_v[vs] = v[0]
        members_v[vs] = v[1]
        eligible_v[vs] = v[2]
        np.logical_and(individual, kulak, out=mask)
        return int(np.count_nonzero(mask))

    pool = np.zeros(regions, dtype=np.int64)
    for c, x in zip(chunks, runner.map(count, chunks), strict=True):
        pool[c.region] += x
    deport = np.zeros(hh.n, dtype=np.bool_)
    join = np.zeros(hh.n, dtype=np.bool_)
    prob_d = np.where(
        (deport_households > 0) & (pool > 0),
        np.minimum(1.0, deport_households / np.maximum(pool, 1)),
        0.0,
    )
    if np.any(prob_d > 0):

        def expel(c: Chunk) -> None:
            if prob_d[c.region] <= 0:
                return
            s = slice(c.lo, c.hi)
            u = runner.rng(year, step, c.index).random(c.hi - c.lo, dtype=np.float32)
            go = (hh.status[s] == STATUS_INDIVIDUAL) & hh.kulak[s]
            go &= u < np.float32(prob_d[c.region])
            deport[s] = go
            present_v[c.v0 : c.v1] -= np.add.reduceat(go, _offsets(villages, c), dtype=np.int64)

        runner.map(expel, chunks)
    prob_v = np.zeros(V, dtype=np.float32)
    households_v = present_v.astype(np.float64)
    for r in range(regions):
        vs = slice(
            int(villages.region_start[r]),
            V if r + 1 == regions else int(villages.region_start[r + 1]),
        )
        target = village_targets(villages.rank[vs], households_v[vs], float(peak[r]))
        need = np.maximum(0.0, target * households_v[vs] - members_v[vs])
        prob = np.where(eligible_v[vs] > 0, need / np.maximum(eligible_v[vs], 1), 0.0)
        prob_v[vs] = np.minimum(prob, 1.0)

    def enrol(c: Chunk) -> I64:
        s = slice(c.lo, c.hi)
        size = c.hi - c.lo
        ws = workspace()
        threshold = ws.get("d_prob", size, np.float32)
        np.copyto(threshold, np.repeat(prob_v[c.v0 : c.v1], villages.size[c.v0 : c.v1]))
        yes = join[s]
        np.equal(hh.status[s], STATUS_INDIVIDUAL, out=yes)
        np.greater(yes, hh.kulak[s], out=yes)  # and not a kulak
        mask = ws.get("d_mask", size, np.bool_)
        np.greater(threshold, np.float32(0), out=mask)
        yes &= mask
        # One uniform per household that may join, compared with its village's
        # probability; where few may (after collectivization, or villages at their
        # target), drawn for those alone.
        m = int(np.count_nonzero(yes))
        if m:
            g = runner.rng(year, step + 1, c.index)
            if 4 * m < size:
                at = np.flatnonzero(yes)
                u = g.random(m, dtype=np.float32)
                yes[at] = u < threshold[at]
            else:
                u = ws.get("d_u", size, np.float32)
                g.random(dtype=np.float32, out=u)
                np.less(u, threshold, out=mask)
                yes &= mask
        out = np.zeros((3, 5), dtype=np.int64)
        if not census:
            return out
        animals = hh.animals[:, s]
        out[0, :4] = int_sums(animals)
        out[1, 4] = np.count_nonzero(yes)
        gone = deport[s]
        out[2, 4] = np.count_nonzero(gone)
        for k, mask in ((1, yes), (2, gone)):
            if out[k, 4]:
                out[k, :4] = _herds_of(animals, mask, int(out[k, 4]), ws)
        return out

    sums = np.zeros((3, 5, regions), dtype=np.int64)
    for c, part in zip(chunks, runner.map(enrol, chunks), strict=True):
        sums[:, :, c.region] += part
    if not census:
        return Decision(join, deport)
    counted = Census(
        present=np.asarray(villages.by_region(present_v), dtype=np.int64),
        herds=sums[0, :4] + villages.by_region(villages.animals),
        joining=sums[1, 4],
        joining_herds=sums[1, :4],
        deported=sums[2, 4],
        deported_herds=sums[2, :4],
        members=np.asarray(villages.by_region(members_v), dtype=np.int64),
        recent=np.asarray(villages.by_region(villages.recent), dtype=np.int64),
    )
    return Decision(join, deport, counted)


def apply_decision(
    hh: Households,
    villages: Villages,
    chunks: tuple[Chunk, ...],
    runner: Runner,
    decision: Decision,
) -> tuple[I64, I64, I64, I64]:
    """Carry out a campaign's decision.

    Returns joined households, deported households, deported persons and the individual
    households before it, by region (in rows and persons of the sample).

    Joiners become members and their animals join the kolkhoz herd. Deported households
    leave with their members; their land and their remaining animals go to the kolkhoz.
    """
    join_all, deport_all = decision.join, decision.deport

    def _carry_few(
        c: Chunk,
        moving: NDArray[np.bool_],
        join: NDArray[np.bool_],
        deport: NDArray[np.bool_],
        out: I64,
    ) -> None:
        """``carry`` where few move: on their rows alone (the same numbers)."""
        vs = slice(c.v0, c.v1)
        nv = c.v1 - c.v0
        rows = np.flatnonzero(moving) + c.lo
        where = hh.village[rows] - c.v0
        for sp in range(hh.animals.shape[0]):
            # Whole head, summed exactly in float64 (``bincount`` runs alongside the
            # other threads; ``np.add.at`` with a cast does not).
            got = np.bincount(where, weights=hh.animals[sp, rows], minlength=nv)
            villages.animals[sp, vs] += got.astype(np.int64)
            hh.animals[sp, rows] = 0
        if out[1]:
            gone = deport[rows - c.lo]
            at = rows[gone]
            villages.extra_land[vs] += np.bincount(where[gone], weights=hh.land[at], minlength=nv)
            hh.land[at] = 0
            out[2] = int(hh.members[at].sum(dtype=np.int64))
            hh.members[at] = 0
            hh.status[at] = STATUS_DEPORTED
        if out[0]:
            came = join[rows - c.lo]
            at = rows[came]
            hh.status[at] = STATUS_MEMBER
            hh.pending[at] = JOINED_NOW
            villages.recent[vs] += np.bincount(where[came], minlength=nv)

    def carry(c: Chunk) -> I64:
        s = slice(c.lo, c.hi)
        vs = slice(c.v0, c.v1)
        size = c.hi - c.lo
        status = hh.status[s]
        out = np.zeros(4, dtype=np.int64)
        individual = workspace().get("a_individual", size, np.bool_)
        np.equal(status, STATUS_INDIVIDUAL, out=individual)
        out[3] = np.count_nonzero(individual)
        join, deport = join_all[s], deport_all[s]
        out[0] = np.count_nonzero(join)
        out[1] = np.count_nonzero(deport)
        if not (out[0] or out[1]):
            return out
        ws = workspace()
        moving = ws.get("a_moving", size, np.bool_)
        np.logical_or(join, deport, out=moving)
        animals = hh.animals[:, s]
        if 8 * (out[0] + out[1]) < size:
            _carry_few(c, moving, join, deport, out)
            return out
        offs = _offsets(villages, c)
        staying = ws.get("a_staying", size, np.bool_)
        np.logical_not(moving, out=staying)
        head = ws.get("a_head", size, np.int16)
        carried = village_rows(ws, animals.shape[0], size)
        for sp in range(animals.shape[0]):
            np.multiply(animals[sp], moving, out=carried[sp])
            animals[sp] *= staying
        villages.animals[:, vs] += village_sums(carried, offs).astype(np.int64)
        if out[1]:
            np.logical_not(deport, out=staying)
            land = hh.land[s]
            gone = ws.get("a_land", size, np.float32)
            np.multiply(land, deport, out=gone)
            villages.extra_land[vs] += np.add.reduceat(gone, offs, dtype=np.float64)
            land *= staying
            members = hh.members[s]
            np.multiply(members, deport, out=head)
            out[2] = int(head.sum(dtype=np.int64))
            members *= staying
            _assign(status, STATUS_DEPORTED, deport, ws)
        if out[0]:
            _assign(status, STATUS_MEMBER, join, ws)
            _assign(hh.pending[s], JOINED_NOW, join, ws)
            villages.recent[vs] += np.add.reduceat(join, offs, dtype=np.int64)
        return out

    sums = np.zeros((4, len(hh.region_start)), dtype=np.int64)
    for c, part in zip(chunks, runner.map(carry, chunks), strict=True):
        sums[:, c.region] += part
    return sums[0], sums[1], sums[2], sums[3]


def exodus(
    hh: Households,
    villages: Villages,
    chunks: tuple[Chunk, ...],
    runner: Runner,
    year: int,
    share: NDArray[np.float64],
    members: I64,
    present: I64,
    recent: I64,
) -> I64:
    """Members leave until each region's expected kolkhoz share is ``share`` (spring 1930).

    Only those who joined in this campaign (``pending == JOINED_NOW``) leave: the exodus
    after "Dizzy with success" was of the newly herded. Leavers keep their land and take
    back their share of the collective herd. ``members``, ``present`` and ``recent`` are
    member, present and newly joined households by region. Returns leavers by region.
    Chunk by chunk, from the streams ``(year, STEP_EXODUS, chunk)``.
    """
    excess = members - share * present
    regions = len(share)
    if not np.any((excess > 0) & (recent > 0)):
        return np.zeros(regions, dtype=np.int64)
    prob = np.where(
        (excess > 0) & (recent > 0), np.minimum(1.0, excess / np.maximum(recent, 1)), 0.0
    )

    def leave(c: Chunk) -> int:
        p = np.float32(prob[c.region])
        if p <= 0:
            return 0
        s = slice(c.lo, c.hi)
        g = runner.rng(year, STEP_EXODUS, c.index)
        status = hh.status[s]
        go = g.random(c.hi - c.lo, dtype=np.float32) < p
        go &= hh.pending[s] == JOINED_NOW
        gone = np.flatnonzero(go)
        if gone.shape[0] == 0:
            return 0
        # Leavers take back their share of the collective herd (the resolution of April
        # 1930 promised them their animals): each village returns the leavers' pro-rata
        # share, in whole head, dealt out evenly among them.
        offs = _offsets(villages, c)
        leavers = np.add.reduceat(go, offs, dtype=np.int64)
        members_v = np.add.reduceat(status == STATUS_MEMBER, offs, dtype=np.int64)
        frac = leavers / np.maximum(members_v, 1)
        where = hh.village[s][gone] - c.v0
        rank = np.arange(gone.shape[0]) - np.searchsorted(where, where)
        herd_v = villages.animals[:, c.v0 : c.v1]
        rows = gone + c.lo
        for sp in range(herd_v.shape[0]):
            u = g.random(c.v1 - c.v0)
            back = np.minimum(np.floor(herd_v[sp] * frac + u).astype(np.int64), herd_v[sp])
            per = back // np.maximum(leavers, 1)
            rest = back - per * leavers
            hh.animals[sp, rows] = (per[where] + (rank < rest[where])).astype(np.int16)
            herd_v[sp] -= back
        status[gone] = STATUS_INDIVIDUAL
        return int(gone.shape[0])

    out = np.zeros(regions, dtype=np.int64)
    for c, n in zip(chunks, runner.map(leave, chunks), strict=True):
        out[c.region] += n
    return out

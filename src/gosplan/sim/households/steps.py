"""The campaign, vectorised over households: who joins, who is deported, who leaves.

Every rate is the aggregate model's (``docs/model.md``), applied to the household's own
numbers instead of the region's. The flows of people and animals (``farming.py``,
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

from gosplan.sim.households.kolkhozes import Villages, members_by_village, village_targets
from gosplan.sim.households.population import (
    STATUS_DEPORTED,
    STATUS_INDIVIDUAL,
    STATUS_MEMBER,
    Households,
)

__all__ = [
    "JOINED_NOW",
    "Decision",
    "apply_decision",
    "decide",
    "exodus",
    "split_counts",
]

#: Mark in ``Households.pending`` of a household that joined in the campaign under way.
JOINED_NOW = 3

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

    __slots__ = ("deport", "join")

    def __init__(self, join: NDArray[np.bool_], deport: NDArray[np.bool_]) -> None:
        self.join = join
        self.deport = deport


def decide(
    hh: Households,
    villages: Villages,
    peak: NDArray[np.float64],
    deport_households: NDArray[np.float64],
    rng: np.random.Generator,
    exclude: NDArray[np.bool_] | None = None,
) -> Decision:
    """Who is deported and who joins in a campaign whose regional peak share is ``peak``.

    Deportation: each remaining individual kulak household of region r goes with the
    probability that makes the expected number ``deport_households[r]`` (in simulated
    rows). Joining: each village's target share comes from the campaign order
    (``village_targets``); each eligible household (individual, not a kulak, not being
    deported) joins with the probability that makes the village's expected membership
    its target. ``exclude`` marks rows already decided.
    """
    u = rng.random(hh.n)
    individual = hh.status == STATUS_INDIVIDUAL
    if exclude is not None:
        individual &= ~exclude
    deport = np.zeros(hh.n, dtype=np.bool_)
    join = np.zeros(hh.n, dtype=np.bool_)
    candidates = individual & hh.kulak
    pool = hh.by_region(candidates.astype(np.int64))
    for r in range(len(peak)):
        rows = hh.region_slice(r)
        if deport_households[r] > 0 and pool[r] > 0:
            prob = min(1.0, deport_households[r] / pool[r])
            deport[rows] = candidates[rows] & (u[rows] < prob)
    present = hh.status != STATUS_DEPORTED
    present &= ~deport
    eligible = individual & ~hh.kulak & ~deport
    households_v = villages.total(present.astype(np.int64)).astype(np.float64)
    members_v, _ = members_by_village(hh, villages)
    eligible_v = villages.total(eligible.astype(np.int64)).astype(np.float64)
    prob_v = np.zeros(villages.n)
    for r in range(len(peak)):
        vs = slice(
            int(villages.region_start[r]),
            villages.n if r + 1 == len(peak) else int(villages.region_start[r + 1]),
        )
        target = village_targets(villages.rank[vs], households_v[vs], float(peak[r]))
        need = np.maximum(0.0, target * households_v[vs] - members_v[vs])
        prob_v[vs] = np.where(eligible_v[vs] > 0, need / np.maximum(eligible_v[vs], 1.0), 0.0)
    prob = np.repeat(np.minimum(prob_v, 1.0), villages.size)
    # A fresh uniform for joining (the deportation draw used `u` among kulaks only).
    join = eligible & (rng.random(hh.n) < prob)
    return Decision(join, deport)


def apply_decision(
    hh: Households, villages: Villages, decision: Decision
) -> tuple[I64, I64, I64, I64]:
    """Carry out a campaign's decision.

    Returns joined households, deported households, deported persons and the individual
    households before it, by region (in rows and persons of the sample).

    Joiners become members and their animals join the kolkhoz herd. Deported households
    leave with their members; their land and their remaining animals go to the kolkhoz.
    """
    before = hh.by_region((hh.status == STATUS_INDIVIDUAL).astype(np.int64))
    join, deport = decision.join, decision.deport
    joined = hh.by_region(join.astype(np.int64))
    deported = hh.by_region(deport.astype(np.int64))
    persons = hh.by_region(np.where(deport, hh.members, 0).astype(np.int64))
    moving = np.flatnonzero(join | deport)
    where = hh.village[moving]
    for s in range(hh.animals.shape[0]):
        villages.animals[s] += np.bincount(
            where, weights=hh.animals[s, moving], minlength=villages.n
        ).astype(np.int64)
    hh.animals[:, moving] = 0
    gone = np.flatnonzero(deport)
    villages.extra_land += np.bincount(
        hh.village[gone], weights=hh.land[gone].astype(np.float64), minlength=villages.n
    )
    hh.land[gone] = 0.0
    hh.members[gone] = 0
    hh.status[gone] = STATUS_DEPORTED
    new = np.flatnonzero(join)
    hh.status[new] = STATUS_MEMBER
    villages.recent += np.bincount(hh.village[new], minlength=villages.n).astype(np.int64)
    hh.pending[new] = JOINED_NOW
    return joined, deported, persons, before


def exodus(
    hh: Households, villages: Villages, share: NDArray[np.float64], rng: np.random.Generator
) -> I64:
    """Members leave until each region's expected kolkhoz share is ``share`` (spring 1930).

    Only those who joined in this campaign (``pending == JOINED_NOW``) leave: the exodus
    after "Dizzy with success" was of the newly herded. Leavers keep their land and take
    back their share of the collective herd. Returns leavers by region, in rows.
    """
    member = hh.status == STATUS_MEMBER
    present = hh.status != STATUS_DEPORTED
    members = hh.by_region(member.astype(np.int64))
    total = hh.by_region(present.astype(np.int64))
    fresh = hh.pending == JOINED_NOW
    recent = hh.by_region(fresh.astype(np.int64))
    leave = np.zeros(hh.n, dtype=np.bool_)
    excess = members - share * total
    if not np.any((excess > 0) & (recent > 0)):
        return np.zeros(len(share), dtype=np.int64)
    u = rng.random(hh.n)
    for r in range(len(share)):
        if excess[r] > 0 and recent[r] > 0:
            rows = hh.region_slice(r)
            leave[rows] = fresh[rows] & (u[rows] < min(1.0, excess[r] / recent[r]))
    gone = np.flatnonzero(leave)
    # Leavers take back their share of the collective herd (the resolution of April 1930
    # promised them their animals): each village returns the leavers' pro-rata share, in
    # whole head, dealt out evenly among them.
    where = hh.village[gone]
    leavers = np.bincount(where, minlength=villages.n)
    members_v = villages.total(member.astype(np.int64))
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(members_v > 0, leavers / members_v, 0.0)
    first = np.searchsorted(where, where)
    rank = np.arange(gone.shape[0]) - first
    for s in range(villages.animals.shape[0]):
        back = np.floor(villages.animals[s] * frac + rng.random(villages.n)).astype(np.int64)
        back = np.minimum(back, villages.animals[s])
        per = np.where(leavers > 0, back // np.maximum(leavers, 1), 0)
        rest = back - per * leavers
        hh.animals[s, gone] = (per[where] + (rank < rest[where])).astype(np.int16)
        villages.animals[s] -= back
    hh.status[gone] = STATUS_INDIVIDUAL
    villages.recent -= leavers.astype(np.int64)
    return hh.by_region(leave.astype(np.int64))

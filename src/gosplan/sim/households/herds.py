"""The herds' year over households and kolkhozes (``docs/model.md`` §4, ``agriculture.py``).

The herds' flows are the aggregate rates on each household's and kolkhoz's own head,
drawn as whole numbers (stochastic rounding, ``steps.py``); the campaign's flows
(slaughter before joining, neglect, confiscation) are the aggregate's per household of
the region, drawn from the herds of the households (and kolkhozes) they concern (see
``herd_year``); what the joining herds cannot give, the region's other private herds
slaughter (``_spill``). Fodder is the region's (``farming.levy``), so every herd of a region has
the same fodder sufficiency.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.households.chunks import (
    Chunk,
    Runner,
    Workspace,
    village_rows,
    village_sums,
    whole_sum,
    whole_sums,
    workspace,
)
from gosplan.sim.households.farming import offsets, per_species
from gosplan.sim.households.kolkhozes import Villages
from gosplan.sim.households.population import STATUS_MEMBER, Households
from gosplan.sim.spec import Params

__all__ = ["STEP_HERD", "STEP_KOLKHOZ_HERD", "Census", "HerdFlows", "herd_year"]

F32 = NDArray[np.float32]
F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

#: Households run together in ``_herd_block``: about 1.5 MB of scratch arrays a block,
#: within the cores' shared cache (in 1929-30 a whole chunk runs through it; blocks of
#: 2,048 and 4,096 were slower, by the calls per block, and so were whole chunks).
_BLOCK = 8192

#: Sub-step keys of the random streams drawn here (see ``chunks.Runner.rng``).
STEP_HERD = 20
STEP_KOLKHOZ_HERD = 21


@dataclass(slots=True, eq=False)
class Census:
    """Households and head of the campaign's households by region (sample units)."""

    present: I64
    """Households not deported, (3,)."""
    herds: I64
    """Head by species, households' and kolkhozes', (4, 3)."""
    joining: I64
    """Households decided to join, (3,)."""
    joining_herds: I64
    """Their head by species, (4, 3)."""
    deported: I64
    """Households decided to be deported, (3,)."""
    deported_herds: I64
    """Their head by species, (4, 3)."""
    members: I64
    """Member households, (3,)."""
    recent: I64
    """Households that joined in this year's campaign, (3,)."""


@dataclass(slots=True, eq=False)
class HerdFlows:
    """Animal flows of one year by species and region, whole head (sample units)."""

    births: I64
    deaths: I64
    slaughter: I64
    fodder_losses: I64
    neglect: I64
    confiscated: I64
    procured: I64
    """Each shape (4, 3)."""


def _per_head(flow_per_household: F64, herd: I64, households: I64) -> F64:
    """Rate per head of a flow of ``flow_per_household`` head per household concerned."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = herd / np.maximum(households, 1)
        return np.where(mean > 0, flow_per_household / np.where(mean > 0, mean, 1.0), 0.0)


def _count_members(
    hh: Households, villages: Villages, chunks: tuple[Chunk, ...], runner: Runner
) -> tuple[I64, I64]:
    """Member households and their persons, by village."""
    members_v = np.zeros(villages.n, dtype=np.int64)
    persons_v = np.zeros(villages.n, dtype=np.int64)

    def count(c: Chunk) -> None:
        s = slice(c.lo, c.hi)
        size = c.hi - c.lo
        ws = workspace()
        offs = offsets(villages, c)
        member = ws.get("member", size, np.bool_)
        np.equal(hh.status[s], STATUS_MEMBER, out=member)
        rows = village_rows(ws, 2, size)
        np.copyto(rows[0], member)
        np.multiply(hh.members[s], member, out=rows[1])
        v = village_sums(rows, offs)
        members_v[c.v0 : c.v1] = v[0]
        persons_v[c.v0 : c.v1] = v[1]

    runner.map(count, chunks)
    return members_v, persons_v


def herd_year(
    hh: Households,
    villages: Villages,
    chunks: tuple[Chunk, ...],
    runner: Runner,
    year: int,
    p: Params,
    plots: float,
    procurement: F64,
    census: Census,
    fed: F64,
    animal_food: F32,
    members: tuple[I64, I64] | None = None,
) -> HerdFlows:
    """One year of every herd, households' (with their pending campaign) and kolkhozes'.

    ``procurement[r]`` is the region's livestock procurement rate. Births, deaths, fodder
    losses and procurement are the aggregate rates on each herd. The campaign's flows are
    the aggregate's per household of the region: a joining household slaughters
    ``slaughter_s × N_r / H_r`` head (the parameters are defined on the share of households
    entering times the whole herd, ``docs/model.md``), and loses ``neglect × N_r / H_r`` to
    the first winter's neglect, a deported one ``confiscation × kulak multiple × N_r / H_r``,
    each drawn from the household's own head (its rate per head is that flow over the mean
    herd of the households concerned); a kolkhoz's herd loses ``neglect × N_r / H_r`` per
    household that joined it this year, at the rate per head of its region's kolkhoz herd
    per member. Writes each household's animal food (t, sample) into ``animal_food``.
    ``members``, if given, is each village's member households and their persons (as the
    harvest counted them: nothing between changes who is a member); else they are counted.
    """
    birth = per_species(p, "birth_rate") * (1 + p["plot_birth_boost"] * plots)
    death = per_species(p, "death_rate")
    neglect = p["kolkhoz_neglect"] * (1 - p["plot_care"] * plots)
    slaughter = p["slaughter_scale"] * per_species(p, "slaughter")
    fodder_loss = p["fodder_loss_scale"] * per_species(p, "fodder_loss")
    taken = per_species(p, "procured")
    food_rate = per_species(p, "animal_food")
    meat = per_species(p, "meat")
    regions = len(hh.region_start)
    per_household = census.herds / np.maximum(census.present, 1)  # (4, 3)
    s_rate = _per_head(slaughter[:, None] * per_household, census.joining_herds, census.joining)
    n_rate = _per_head(neglect * per_household, census.joining_herds, census.joining)
    c_rate = _per_head(
        p["confiscation_loss"] * p["kulak_herd_multiple"] * per_household,
        census.deported_herds,
        census.deported,
    )
    k_herds = villages.by_region(villages.animals)  # (4, 3)
    k_n_rate = _per_head(neglect * per_household, k_herds, census.members)
    hunger = np.maximum(0.0, 1.0 - fed)
    common = death[:, None] + fodder_loss[:, None] * hunger[None, :]
    common = common + taken[:, None] * procurement[None, :]
    s_rate, n_rate, spill = _spill(s_rate, n_rate, birth, common, census, k_herds)

    # Kolkhoz herds first (their food goes to the members' households below).
    rng = runner.rng(year, STEP_KOLKHOZ_HERD, 0)
    if members is None:
        members_v, persons_v = _count_members(hh, villages, chunks, runner)
    else:
        members_v, persons_v = members

    with np.errstate(divide="ignore", invalid="ignore"):
        fresh = np.where(members_v > 0, villages.recent / np.maximum(members_v, 1), 0.0)
    region = villages.region
    k_hunger = np.maximum(0.0, 1 - fed)[region]
    k_cum = [
        np.broadcast_to(death[:, None], villages.animals.shape),
        fodder_loss[:, None] * k_hunger,
        (taken[:, None] * procurement[None, :])[:, region],
        None,
        k_n_rate[:, region] * fresh,
        None,
    ]
    k_births, k_f = _flows64(villages.animals, k_cum, birth, rng)
    k_end = villages.animals + k_births - k_f[-1]
    k_totals = [k_births, *(k_f[k] - (k_f[k - 1] if k else 0) for k in range(len(k_f)))]
    with np.errstate(divide="ignore", invalid="ignore"):
        k_food = food_rate @ k_end.astype(np.float64)
        k_per_person = np.where(persons_v > 0, k_food / persons_v, 0.0)
    k_pp = k_per_person.astype(np.float32)
    villages.animals[...] = k_end

    birth32 = birth.astype(np.float32)
    food32 = food_rate.astype(np.float32)
    meat32 = meat.astype(np.float32)
    # Cumulative rates per head of the flows every herd has (death, fodder, procurement),
    # by species and region: the region's fodder sufficiency is every herd's (``levy``).
    base = np.cumsum(
        np.stack(
            [
                np.broadcast_to(death[:, None], (4, regions)),
                fodder_loss[:, None] * hunger[None, :],
                taken[:, None] * procurement[None, :],
            ]
        ),
        axis=0,
    ).astype(np.float32)  # (3, 4, regions)
    spill32 = spill.astype(np.float32)

    s_r32, n_r32, c_r32 = (x.astype(np.float32) for x in (s_rate, n_rate, c_rate))

    def _members_food(c: Chunk, ws: Workspace, mine: F32) -> None:
        """Members' animal food: their share of the kolkhoz herd's (their own is nil)."""
        s = slice(c.lo, c.hi)
        size = c.hi - c.lo
        member = ws.get("h_member", size, np.bool_)
        np.equal(hh.status[s], STATUS_MEMBER, out=member)
        if member.any():
            kf = ws.get("h_kf", size, np.float32)
            np.copyto(kf, np.repeat(k_pp[c.v0 : c.v1], villages.size[c.v0 : c.v1]))
            kf *= hh.members[s]
            kf *= member
            np.logical_not(member, out=member)
            mine *= member  # members' own herds are the kolkhoz's: exact blend
            mine += kf

    def kernel(c: Chunk) -> F64:
        """The herds of one chunk: the campaign's households, then species by species.

        The households the coming campaign concerns (``pending``, few but for the great
        turn's winters) are taken out first and run for all species at once
        (``_herd_block``; where they are most of the chunk, every row is). The others
        species by species, over all rows where at least half the households own the
        species (an empty herd's flows are zero whatever its uniforms) and over the
        gathered non-zero herds elsewhere (after collectivization members' animals are
        the kolkhoz's). The full-length intermediates are scratch arrays of the thread's
        ``Workspace``.
        """
        s = slice(c.lo, c.hi)
        size = c.hi - c.lo
        r = c.region
        g = runner.rng(year, STEP_HERD, c.index)
        ws = workspace()
        herds = hh.animals[:, s]
        mine = animal_food[s]
        sums = np.zeros((7, 4))
        pending = hh.pending[s]
        rates_m = _Rates(
            base[:, :, r],
            s_r32[:, r],
            n_r32[:, r],
            c_r32[:, r],
            spill32[:, r],
            birth32,
            food32,
            meat32,
        )
        moving = None
        if pending.any():
            mv = ws.get("h_mv", size, np.bool_)
            np.not_equal(pending, 0, out=mv)
            moving = np.flatnonzero(mv)
            if 2 * moving.shape[0] >= size:
                # Most households move (1929-30): every row in blocks, in place (a
                # household that stays has no campaign flows), no gather or scatter.
                for i in range(0, size, _BLOCK):
                    b = slice(i, i + _BLOCK)
                    _herd_block(herds[:, b], pending[b], rates_m, g, sums, ws, mine[b])
                _members_food(c, ws, mine)
                return sums
            got = np.take(herds, moving, axis=1)
            # Their herds leave the common pass (zero herds have zero flows there).
            herds[:, moving] = 0
            food_m = np.empty(moving.shape[0], dtype=np.float32)
            at_m = pending[moving]
            for i in range(0, moving.shape[0], _BLOCK):
                b = slice(i, i + _BLOCK)
                _herd_block(got[:, b], at_m[b], rates_m, g, sums, ws, food_m[b])
        nz = ws.get("h_nz", size, np.bool_)
        meat_rows = ws.get("h_meat", size, np.float32)
        meat_rows.fill(0)
        for sp in range(4):
            row = herds[sp]
            np.not_equal(row, 0, out=nz)
            m = int(np.count_nonzero(nz))
            if m == 0:
                continue
            full = 2 * m >= size
            k = size if full else m
            n = ws.get("h_n", k, np.float32)
            u = ws.get("h_u", k, np.float32)
            births = ws.get("h_births", k, np.float32)
            cap = ws.get("h_cap", k, np.float32)
            t = ws.get("h_t", k, np.float32)
            whole = ws.get("h_row", k, np.int16)
            if full:
                at = None
                np.copyto(n, row)
            else:
                at = np.flatnonzero(nz)
                np.take(row, at, out=whole, mode="clip")
                np.copyto(n, whole)
            # One uniform per herd for the births, one for the outflows; in the full pass
            # every row draws (cheaper than drawing m and scattering them to their rows).
            g.random(dtype=np.float32, out=u)
            np.multiply(n, birth32[sp], out=births)
            births += u
            np.floor(births, out=births)
            np.add(births, n, out=cap)
            sums[0, sp] += whole_sum(births)
            g.random(dtype=np.float32, out=u)
            rates = [float(base[k_, sp, r]) for k_ in range(3)]
            rates.append(rates[2] + float(spill32[sp, r]))
            # The three common flows and the campaign's spilled slaughter, cumulated;
            # whole head, shared uniform, capped (cut in proportion where the rates add up
            # to more than the herd and its births).
            x = n
            if rates[3] > 1.0:
                x = ws.get("h_x", k, np.float32)
                np.multiply(n, np.float32(rates[3]), out=x)
                with np.errstate(divide="ignore", invalid="ignore"):
                    np.divide(cap, x, out=x)
                np.fmin(x, np.float32(1), out=x)  # 0/0 on empty herds: 1, and 0 head
                np.multiply(n, x, out=x)
            done = 0.0
            for k_, rate in enumerate(rates):
                if not (k_ and rate == rates[k_ - 1]):
                    if k_ == 3:
                        # The spilled slaughter's meat is the herd's owner's food.
                        prev = ws.get("h_prev", k, np.float32)
                        np.copyto(prev, t)
                    np.multiply(x, np.float32(rate), out=t)
                    t += u
                    np.floor(t, out=t)
                    np.minimum(t, cap, out=t)
                    done = whole_sum(t)
                    if k_ == 3:
                        np.subtract(t, prev, out=prev)
                        prev *= meat32[sp]
                        if at is None:
                            meat_rows += prev
                        else:
                            meat_rows[at] += prev
                sums[k_ + 1, sp] += done
            for k_ in range(5, 7):
                sums[k_, sp] += done
            end = cap
            np.subtract(cap, t, out=end)  # ``t`` is the last cumulative flow
            if at is None:
                np.copyto(row, end, casting="unsafe")
            else:
                np.copyto(whole, end, casting="unsafe")
                row[at] = whole
        if moving is not None:
            herds[:, moving] = got
        # The herds' food from the herds at the end, in one pass over the chunk (cheaper
        # than adding each gathered species' food back to its rows).
        head = ws.get("h_n", size, np.float32)
        np.multiply(herds[0], food32[0], out=mine)
        for sp in range(1, 4):
            np.multiply(herds[sp], food32[sp], out=head)
            mine += head
        mine += meat_rows
        if moving is not None:
            mine[moving] = food_m  # with the meat of what they slaughtered
        _members_food(c, ws, mine)
        return sums

    totals = np.zeros((7, 4, regions))
    for c, x in zip(chunks, runner.map(kernel, chunks), strict=True):
        totals[:, :, c.region] += x
    # Cumulative sums to flows, in the order births, death, fodder, procurement, slaughter,
    # neglect, confiscation.
    hh_flows = [totals[0]] + [totals[k] - (totals[k - 1] if k > 1 else 0) for k in range(1, 7)]
    flows = [np.rint(a).astype(np.int64) for a in hh_flows]
    k_flows = [villages.by_region(a) for a in k_totals]
    b, d, fo, pr, sl, ne, co = (flows[k] + k_flows[k] for k in range(7))
    return HerdFlows(b, d, sl, fo, ne, co, pr)


@dataclass(slots=True, frozen=True)
class _Rates:
    """Rates of one region for ``_herd_block``, float32, by species (4,)."""

    base: F32
    """Cumulative common rates per head (death, fodder, procurement), (3, 4)."""
    slaughter: F32
    neglect: F32
    confiscation: F32
    spill: F32
    """Slaughter per head of the herds no campaign concerns (``_spill``)."""
    birth: F32
    food: F32
    meat: F32


def _herd_block(
    herds: NDArray[np.int16],
    pending: NDArray[np.int8],
    rates: _Rates,
    g: np.random.Generator,
    sums: F64,
    ws: Workspace,
    food: F32,
) -> None:
    """The year of the herds (4, M) of M households, all species at once.

    Births, then the cumulative outflows sharing one uniform per herd: the three common
    ones and, where a coming campaign concerns any of the households, slaughter and
    neglect (``pending == 1``, joining) and confiscation (``pending == 2``, deported),
    cut in proportion where they add up to more than the herd and its births. Writes the
    herds at the end into ``herds`` and each household's animal food (its herd's, and
    the meat it slaughtered) into ``food``; adds the cumulative flows to ``sums``.
    """
    k, m = herds.shape
    campaign = bool(pending.any())
    flows = 6 if campaign else 4
    top = rates.base[2] + rates.spill  # the common rates and the spilled slaughter

    def scratch(name: str, rows: int = k) -> F32:
        return ws.get(name, rows * m, np.float32).reshape(rows, m)

    n = scratch("m_n")
    np.copyto(n, herds)
    u = scratch("m_u")
    g.random(dtype=np.float32, out=u)
    births = scratch("m_births")
    np.multiply(n, rates.birth[:, None], out=births)
    births += u
    np.floor(births, out=births)
    cap = scratch("m_cap")
    np.add(n, births, out=cap)
    g.random(dtype=np.float32, out=u)
    acc = ws.get("m_acc", flows * k * m, np.float32).reshape(flows, k, m)
    x = scratch("m_x")
    if campaign:
        join, deport = scratch("m_join", 1)[0], scratch("m_deport", 1)[0]
        stay = scratch("m_stay", 1)[0]
        np.equal(pending, 1, out=join)
        np.equal(pending, 2, out=deport)
        np.equal(pending, 0, out=stay)
        np.copyto(acc[:3], rates.base[:, :, None])
        # Slaughter: the joining household's own, or the spill where none concerns it.
        np.multiply(join, rates.slaughter[:, None], out=acc[3])
        np.multiply(stay, rates.spill[:, None], out=x)
        acc[3] += x
        acc[3] += acc[2]
        for j, (rate, who) in enumerate(((rates.neglect, join), (rates.confiscation, deport)), 4):
            np.multiply(who, rate[:, None], out=acc[j])
            acc[j] += acc[j - 1]
        total = acc[5]
    else:
        for j in range(3):
            np.multiply(n, rates.base[j][:, None], out=acc[j])
        np.multiply(n, top[:, None], out=acc[3])
        total = None
    if campaign or top.max() > 1:
        # The cut herd: n · min(1, cap / (n · total rate)); fmin passes over 0/0. (With
        # the common rates alone and their sum at most 1 it is n: cap >= n.)
        if total is None:
            np.multiply(n, top[:, None], out=x)
        else:
            np.multiply(n, total, out=x)
        with np.errstate(divide="ignore", invalid="ignore"):
            np.divide(cap, x, out=x)
        np.fmin(x, np.float32(1), out=x)
        x *= n
        if total is None:
            for j in range(3):
                np.multiply(x, rates.base[j][:, None], out=acc[j])
            np.multiply(x, top[:, None], out=acc[3])
        else:
            acc *= x
    acc += u
    np.floor(acc, out=acc)
    np.minimum(acc, cap, out=acc)
    sums[0] += whole_sums(births)
    cum = whole_sums(acc)
    sums[1 : flows + 1] += cum
    if not campaign:
        sums[5:] += cum[3]  # no campaign flows: the cumulated flows stay at the fourth
    end = cap
    end -= acc[flows - 1]
    np.copyto(herds, end, casting="unsafe")
    end *= rates.food[:, None]
    np.subtract(acc[3], acc[2], out=x)  # the slaughter, whose meat is eaten
    x *= rates.meat[:, None]
    end += x
    np.sum(end, axis=0, out=food)


def _spill(
    s_rate: F64, n_rate: F64, birth: F64, common: F64, census: Census, k_herds: I64
) -> tuple[F64, F64, F64]:
    """The campaign's rates per head within the joining herds' reach, and the spill.

    The aggregate's slaughter and neglect are ``rate × N_r / H_r`` head per joining
    household (it lends them the region's mean herd). Where the joining households own
    fewer head than that (in 1930-31 the households still outside had already
    slaughtered, or were poorer), drawing the flows from their own head would cut them
    at the herd and its births, and the region would slaughter less than the aggregate
    in expectation. So the joining herds give at most what their births leave beyond
    the common flows, ``J × (1 + b − common)``, and the rest is slaughtered by the other
    private herds of the region (those no campaign concerns) at one rate per head: the
    region's campaign flows are the aggregate's in expectation.
    """
    joining = census.joining_herds.astype(np.float64)
    room = joining * np.maximum(0.0, 1.0 + birth[:, None] - common)
    want = (s_rate + n_rate) * joining
    with np.errstate(divide="ignore", invalid="ignore"):
        cut = np.where(want > room, room / np.where(want > 0, want, 1.0), 1.0)
        excess = want - np.minimum(want, room)
        others = census.herds - k_herds - census.joining_herds - census.deported_herds
        spill = np.where(others > 0, excess / np.maximum(others, 1), 0.0)
    return s_rate * cut, n_rate * cut, spill


def _flows64(
    herd: I64,
    cum_parts: list[NDArray[np.float64] | None],
    birth: F64,
    rng: np.random.Generator,
) -> tuple[I64, list[I64]]:
    """Births and the cumulative outflows of the kolkhoz herds (4, V), whole head.

    ``cum_parts`` are the rates per head of each flow (not cumulated; None = zero);
    returns the cumulative whole-head outflows after each, capped by herd plus births.
    """
    n = herd.astype(np.float64)
    births = np.floor(n * birth[:, None] + rng.random(n.shape)).astype(np.int64)
    cap = herd + births
    u = rng.random(n.shape)
    rates = [np.zeros(n.shape) if r is None else np.broadcast_to(r, n.shape) for r in cum_parts]
    total = n * sum(rates, np.zeros(n.shape))
    scale = np.where(total > cap, cap / np.where(total > 0, total, 1.0), 1.0)
    cum = np.zeros(n.shape)
    out: list[I64] = []
    for r in rates:
        cum = cum + n * r * scale
        out.append(np.minimum(np.floor(cum + u).astype(np.int64), cap))
    return births, out

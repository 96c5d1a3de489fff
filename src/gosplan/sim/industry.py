"""Enterprises under quotas: output, inputs allotted by priority, investment, construction.

Equations (docs/model.md §2):

* output is the least of quota, stretched capacity and what allotted inputs allow:
  ``Y_j = min(Q_j, u·K_j, min_i a_ij⁻¹ · allot_ij)``; each input's supply goes to its users
  in priority order (heavy industry first, as in the real system) or, with the priority
  lever off, to all users in the same proportion;
* investment resources, valued at labour values ``v`` from the engine:
  ``R = v_m · (FU_m + M_imp) + s_st · v_st · FU_st``; a share ``e`` (the heavy-industry
  lever) goes to group A branches, the rest to consumer goods, each branch receiving in
  proportion to the capacity it still lacks for the plan's final year;
* construction: of the investment ``R_i / (κ v_i)`` a share ``s`` (the new-starts lever)
  starts new projects, ``ΔU_i = s R_i / (κ v_i)``; the rest finishes projects already
  under way (the January 1933 plenum's turn to completing what was started).
  Completions ``C_i = min(U_i, c·U_i + (1 - s) R_i / (κ v_i))`` with
  ``c = c₀ / (1 + φ · vU / vK)`` (starting too much spreads investment thin);
  ``K' = (1 - δ) K + C`` and ``U' = U - C + ΔU``;
* raw materials of light industry: cotton fabric needs lint, from the year's raw-cotton
  harvest ``R_c`` ginned at out-turn ``g`` plus imported lint ``M_c``:
  ``Y_cloth <= (g R_c + M_c) / f`` with ``f`` kg of lint per metre;
* employment under soft budgets: enterprises hire for the quota, not for the output,
  ``N_ind = h · l·Q``; construction employs ``N_con = c_l · R``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.planner import AnnualPlan
from gosplan.sim.spec import INDUSTRY, SimSpec
from gosplan.sim.state import State

__all__ = [
    "HEAVY",
    "PRIORITY",
    "IndustryYear",
    "cloth_fibre_limit",
    "construction",
    "labour_values",
    "produce",
]

FloatArray = NDArray[np.float64]

#: Group A (producer goods): the branches the heavy-industry share of investment goes to.
HEAVY = ("coal", "oil", "electricity", "pig_iron", "steel", "machinery")
#: Order in which scarce inputs are allotted: heavy industry first, consumer goods last.
PRIORITY = ("electricity", "coal", "oil", "pig_iron", "steel", "machinery", "cotton_fabric")


@dataclass(frozen=True, slots=True)
class IndustryYear:
    """What industry did in one year."""

    output: FloatArray
    final_use: FloatArray
    capacity: FloatArray
    """Capacity at the start of next year."""
    unfinished: FloatArray
    """Construction in progress at the start of next year."""
    investment: float
    """Investment resources used, labour-value units (mn person-years)."""
    completed: FloatArray
    started: FloatArray
    """Capacity started this year (new projects)."""
    fibre_limit: float
    """Cotton fabric the year's lint allows, bn m."""
    employment_industry: float
    employment_construction: float
    tractors_new: float
    """Tractors delivered to agriculture, thousand."""


def labour_values(spec: SimSpec) -> FloatArray:
    """Labour values of the INDUSTRY products, from the engine (``v = l (I - A)⁻¹``)."""
    from gosplan.core.balance import balance

    e = spec.economy
    v = balance(e, spec.base_final_demand).valuations
    assert v is not None
    return np.asarray(v[[e.index(pid) for pid in INDUSTRY]])


def _allot(
    A: FloatArray, cap: FloatArray, supply_extra: FloatArray, by_priority: bool
) -> FloatArray:
    """Outputs after scarce inputs are allotted; ``A`` restricted to INDUSTRY, shape (m, m)."""
    order = [INDUSTRY.index(pid) for pid in PRIORITY]
    y = cap.copy()
    for _ in range(4 * len(INDUSTRY)):
        supply = y + supply_extra
        limit = cap.copy()
        for i in range(len(INDUSTRY)):
            need = A[i] * y
            if need.sum() <= supply[i]:
                continue
            if by_priority:
                left = supply[i]
                for j in order:
                    give = min(need[j], left)
                    left -= give
                    if need[j] > 0:
                        limit[j] = min(limit[j], y[j] * give / need[j])
            else:
                frac = supply[i] / need.sum()
                limit = np.minimum(limit, np.where(need > 0, y * frac, limit))
        if np.array_equal(limit, y):
            break
        y = limit
    return y


def cloth_fibre_limit(spec: SimSpec, year: int) -> float:
    """Cotton fabric, bn m, that the year's lint allows: ``(g R_c + M_c) / f``.

    Raw cotton (mt of seed cotton) is ginned at out-turn ``g``; imported lint (mt) adds to
    it; ``f`` is kg of lint per metre of cloth, so mt over kg/m gives bn m.
    """
    p, pol = spec.params, spec.policy
    lint = p["lint_out_turn"] * pol.at("raw_cotton_harvest", year) + pol.at("cotton_imports", year)
    return lint / p["lint_per_metre"]


def construction(
    unfinished: FloatArray,
    funded: FloatArray,
    load: float,
    completion_rate: float,
    spread_penalty: float,
    new_starts: float,
) -> tuple[FloatArray, FloatArray]:
    """New starts and completions of one year, in capacity units.

    ``funded`` is the capacity the year's investment pays for; a share ``new_starts`` of it
    begins new projects and the rest goes to finishing those under way, on top of the
    completions the pipeline delivers at rate ``c₀ / (1 + φ · load)``. Completions never
    exceed what is under way, so ``U' = U - C + ΔU`` stays non-negative.
    """
    starts = new_starts * funded
    rate = completion_rate / (1.0 + spread_penalty * load)
    completed = np.minimum(unfinished, rate * unfinished + (1.0 - new_starts) * funded)
    return starts, completed


def produce(spec: SimSpec, state: State, plan: AnnualPlan, v: FloatArray) -> IndustryYear:
    """Run industry for ``state.year`` under ``plan``."""
    p, pol, year = spec.params, spec.policy, state.year
    e = spec.economy
    idx = [e.index(pid) for pid in INDUSTRY]
    A = e.A.toarray()[np.ix_(idx, idx)]
    m = INDUSTRY.index("machinery")
    extra = np.zeros(len(INDUSTRY))
    extra[m] = state.machinery_imports
    cap = np.minimum(plan.quotas, p["utilisation_max"] * state.capacity)
    fibre = cloth_fibre_limit(spec, year)
    cloth = INDUSTRY.index("cotton_fabric")
    cap[cloth] = min(cap[cloth], fibre)
    y = _allot(A, cap, extra, pol.at("heavy_priority", year) > 0.5)
    final_use = y + extra - A @ y

    st = INDUSTRY.index("steel")
    resources = v[m] * final_use[m] + p["steel_to_construction"] * v[st] * final_use[st]
    delta = np.asarray(e.depreciation)[idx]
    lacking = np.maximum(0.0, plan.horizon_quotas - (1 - delta) * state.capacity - state.unfinished)
    wanted = p["capital_output_ratio"] * v * lacking
    heavy = np.array([pid in HEAVY for pid in INDUSTRY])
    e_share = pol.at("heavy_share", year)
    alloc = np.zeros(len(INDUSTRY))
    for group, share in ((heavy, e_share), (~heavy, 1.0 - e_share)):
        total = wanted[group].sum()
        if total > 0:
            alloc[group] = np.minimum(wanted[group], share * resources * wanted[group] / total)
    funded = alloc / (p["capital_output_ratio"] * v)
    starts, completed = construction(
        state.unfinished,
        funded,
        float(v @ state.unfinished) / float(v @ state.capacity),
        p["completion_rate"],
        p["spread_penalty"],
        pol.at("new_starts", year),
    )
    labour = np.asarray(e.labour)[idx]
    tractor_scale = min(1.0, y[m] / plan.quotas[m]) if plan.quotas[m] > 0 else 1.0
    return IndustryYear(
        output=y,
        final_use=final_use,
        capacity=(1 - delta) * state.capacity + completed,
        unfinished=state.unfinished - completed + starts,
        investment=float(alloc.sum()),
        completed=completed,
        started=starts,
        fibre_limit=fibre,
        employment_industry=p["labour_hoarding"] * float(labour @ plan.quotas),
        employment_construction=p["construction_labour"] * float(alloc.sum()),
        tractors_new=pol.at("tractor_programme", year) * tractor_scale,
    )

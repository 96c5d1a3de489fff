"""Farms and kolkhozes: collectivization, dekulakization, the harvest, and livestock.

Equations (docs/model.md §3). For region r in year t, with ``c`` the share of households in
kolkhozes (mid-year), ``ĉ`` its winter peak and ``e = (ĉ_t - c_{t-1})⁺ / (1 - c_{t-1})`` the
share of individual households herded into kolkhozes during the winter campaign:

* draught sufficiency ``D = min(1, (h_hp · f · horses + t_hp · tractors) / (k · S))``,
  with ``f`` the share of horses fit for work (falls when fodder is short);
* harvest ``H = S · ȳ · W · D^β · (1 - κ e) · (1 - ω c) · (1 - ψ (π_{t-1} - π₀)⁺) · (1 - σ d)``:
  weather ``W``, the disruption of the campaign ``κ``, the lower output of collective farms
  ``ω``, the disincentive of procurement ``ψ`` above the NEP share ``π₀`` (nil when deliveries
  are fixed per hectare, ``a = 1``: the take at the margin is then nothing, M8), and the
  skills lost with the deported share of households ``d``;
* livestock from one summer count to the next, per species s:
  ``N' = N + b_s N - m_s N - s_s e (1 - c) N - λ_s (1 - φ)⁺ N - ν_s c' N - χ N - q N``:
  births, deaths, slaughter by peasants before joining kolkhozes, losses from lack of
  grain fodder (``φ`` = fodder given over fodder needed), neglect in collective herds in
  their first two winters (``j`` = share of households that joined in the last two campaigns),
  animals confiscated with deported kulaks and lost, and state livestock procurement;
* from 1932-35 the kolkhoz market relieves a share ``μ_m`` of the procurement disincentive
  and household plots (a cow and a pig per household) raise births by ``ρ_b`` and cut
  neglect by ``ρ_c``;
* once cows and small stock stayed with a joining household (resolution of 26 March 1932,
  lever ``stock_kept_on_entry``), the slaughter before joining of cattle, pigs and sheep falls
  by the share ``k`` (:func:`entry_slaughter_factor`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.spec import REGIONS, SPECIES, SimSpec
from gosplan.sim.state import State

__all__ = [
    "AUTUMN_BIRTHS",
    "KEPT_ON_ENTRY",
    "Campaign",
    "HerdYear",
    "campaign",
    "entry_slaughter_factor",
    "harvest",
    "herd_step",
    "january_count",
    "livestock_procurement",
    "regional_shares",
    "regional_yield_factors",
    "wave_slaughter",
]

FloatArray = NDArray[np.float64]


def _species_param(spec: SimSpec, name: str) -> FloatArray:
    return np.array([spec.params[f"{name}_{s}"] for s in SPECIES])[:, None]


def regional_shares(spec: SimSpec, national: float, households: FloatArray) -> FloatArray:
    """Regional kolkhoz shares whose household-weighted mean is the national share."""
    p = spec.params
    fixed = (
        np.array([p["collectivization_factor_ukraine"], p["collectivization_factor_kazakhstan"]])
        * national
    )
    shares = np.zeros(len(REGIONS))
    shares[:2] = np.minimum(fixed, 0.97)
    rest = (national * households.sum() - shares[:2] @ households[:2]) / households[2]
    shares[2] = min(max(rest, 0.0), 0.97)
    return shares


@dataclass(frozen=True, slots=True)
class Campaign:
    """Collectivization and dekulakization in the winter before ``year``'s harvest."""

    share: FloatArray
    """Kolkhoz share, mid-year, by region."""
    entries: FloatArray
    """Share of individual households herded in during the campaign, by region."""
    deported_households: FloatArray
    """Households deported as kulaks, mn, by region."""
    deported_persons: FloatArray
    """Persons deported, mn, by region."""


def campaign(spec: SimSpec, state: State, year: int) -> Campaign:
    """The campaign of the winter and spring before ``year``'s harvest."""
    pol, p = spec.policy, spec.params
    share = regional_shares(spec, pol.at("collectivization", year), state.households)
    peak = regional_shares(
        spec,
        max(pol.at("collectivization_peak", year), pol.at("collectivization", year)),
        state.households,
    )
    entries = np.maximum(0.0, peak - state.kolkhoz_share) / np.maximum(
        1e-9, 1 - state.kolkhoz_share
    )
    families = pol.at("dekulakization", year) * pol.at("kulak_families", year)
    by_region = families * state.households / state.households.sum()
    by_region = np.minimum(by_region, 0.1 * state.households)
    return Campaign(share, entries, by_region, by_region * p["persons_per_kulak_family"])


def draught_power(spec: SimSpec, state: State) -> FloatArray:
    """Working draught power by region, mn horsepower."""
    p = spec.params
    fit = 1.0 - p["horse_unfit_from_hunger"] * np.maximum(0.0, 1.0 - state.fodder_sufficiency)
    horses = state.herds[SPECIES.index("horses")]
    tractor_hp = p["tractor_hp"] * state.tractors / 1000.0
    share = state.sown_area / state.sown_area.sum()
    return np.asarray(p["horse_hp"] * fit * horses + tractor_hp * share, dtype=np.float64)


def harvest(spec: SimSpec, state: State, camp: Campaign, weather: FloatArray) -> FloatArray:
    """The grain harvest of ``state.year`` by region, mt."""
    p = spec.params
    S = state.sown_area
    D = np.minimum(1.0, draught_power(spec, state) / (p["draught_need_hp_per_ha"] * S))
    yield_base = p["yield_base"] * regional_yield_factors(p)
    pressure = np.maximum(0.0, state.procured_share - p["procurement_share_nep"])
    # A legal market for what is left after deliveries restores part of the incentive.
    pressure = pressure * (1 - p["market_incentive"] * spec.policy.at("kolkhoz_market", state.year))
    # Deliveries fixed per hectare of planned sowing (decree of 19 January 1933) take nothing
    # more from a larger crop: the disincentive works at the margin, and there it is nil.
    pressure = pressure * (1 - spec.policy.at("deliveries_by_area", state.year))
    return (
        S
        * yield_base
        * weather
        * D ** p["draught_elasticity"]
        * (1 - p["kolkhoz_output_loss"] * camp.share)
        * np.maximum(0.0, 1 - p["procurement_disincentive"] * pressure)
        * (1 - p["kulak_skill_loss"] * state.deported_share)
    )


@dataclass(frozen=True, slots=True)
class HerdYear:
    """Livestock flows from one summer count to the next, mn head, each shape (4, 3)."""

    herds: FloatArray
    births: FloatArray
    deaths: FloatArray
    slaughter: FloatArray
    fodder_losses: FloatArray
    neglect: FloatArray
    confiscated: FloatArray
    procured: FloatArray

    @property
    def outflows(self) -> FloatArray:
        """Every way a head leaves the herd."""
        return (
            self.deaths
            + self.slaughter
            + self.fodder_losses
            + self.neglect
            + self.confiscated
            + self.procured
        )


def regional_yield_factors(p: Mapping[str, float]) -> FloatArray:
    """Each region's normal yield over the Union's base, in ``REGIONS`` order."""
    return np.array([p["yield_factor_ukraine"], p["yield_factor_kazakhstan"], 1.0])


def wave_slaughter(spec: SimSpec, year: int) -> float:
    """How much an entering household slaughters, relative to the storm of 1929-30.

    The winter campaign of 1929-30 (policy ``storm_campaign`` = 1) drove households into
    the kolkhozes overnight, and they killed their animals first. Those who joined later
    were poorer, came under tax pressure rather than in a storm, and had seen the
    slaughter punished (MODEL-NOTES M11): they slaughter a share ``w`` (parameter
    ``later_wave_slaughter``, identified by the herd losses of 1931-32 against 1930's) of
    what the storm's entrants did. ``1`` in a storm year, ``w`` after it.
    """
    storm = spec.policy.at("storm_campaign", year)
    return storm + (1.0 - storm) * spec.params["later_wave_slaughter"]


def livestock_procurement(spec: SimSpec, state: State, year: int) -> FloatArray:
    """Share of each region's herds the state takes in the herd year, shape (3,).

    The meat plans of each region (policy), plus in Kazakhstan the seizure that came with
    the forced socialization of the nomads' herds: a share ``k · c_K`` rising with the share
    collectivized, until the decree of 17 September 1932 (lever ``kazakh_decree``) stopped
    forced socialization and cut the meat quotas (MODEL-NOTES M12).
    """
    pol = spec.policy
    rate = np.array([pol.at(f"livestock_procurement_{r}", year) for r in REGIONS])
    forced = 1.0 - pol.at("kazakh_decree", year)
    rate[REGIONS.index("kazakhstan")] += (
        spec.params["kazakh_herd_seizure"] * state.kolkhoz_share[REGIONS.index("kazakhstan")]
    ) * forced
    return rate


#: Species a joining household kept once cows and small stock were no longer socialized
#: (resolution of 26 March 1932); horses and oxen still went to the kolkhoz.
KEPT_ON_ENTRY = np.array([0.0, 1.0, 1.0, 1.0])


def entry_slaughter_factor(spec: SimSpec, year: int) -> FloatArray:
    """Share of the first campaigns' slaughter per joining household that remains, by species.

    ``1 - k · K_s · E_t``: once joining no longer took a household's cow and small stock
    (lever ``stock_kept_on_entry``, the resolution of 26 March 1932, MODEL-NOTES M10/M11),
    there was less reason to kill them before joining; ``K_s`` (:data:`KEPT_ON_ENTRY`) is 1
    for cattle, pigs and sheep and 0 for horses, which were still socialized, and ``k``
    (``entry_slaughter_kept``) the share of that slaughter which stopped.
    """
    kept = spec.params["entry_slaughter_kept"] * spec.policy.at("stock_kept_on_entry", year)
    factor: FloatArray = 1.0 - kept * KEPT_ON_ENTRY
    return factor


#: Share of a herd year's births that fall between the summer count and 1 January, by
#: species: foals, calves and lambs are born in the spring; sows farrow twice a year.
AUTUMN_BIRTHS = np.array([0.0, 0.0, 0.5, 0.0])


def january_count(summer: FloatArray, year: HerdYear, losses_before: float) -> FloatArray:
    """Livestock on the next 1 January by species, mn head, shape (4,).

    ``N_jan = N_summer - λ O + α B``: this summer's herd, less the share ``λ`` of the herd
    year's outflows that fall before the New Year (autumn slaughter of what cannot be
    wintered), plus the young born in the autumn (``α``, :data:`AUTUMN_BIRTHS`).
    """
    counts: FloatArray = (
        summer - losses_before * year.outflows + AUTUMN_BIRTHS[:, None] * year.births
    ).sum(axis=1)
    return counts


def herd_step(spec: SimSpec, state: State, nxt: Campaign, year: int) -> HerdYear:
    """Herds from the summer of ``year`` to the next, through the winter campaign ``nxt``."""
    p, pol = spec.params, spec.policy
    N = state.herds
    plots = pol.at("private_plots", year)
    births = _species_param(spec, "birth_rate") * N * (1 + p["plot_birth_boost"] * plots)
    deaths = _species_param(spec, "death_rate") * N
    slaughter = (
        p["slaughter_scale"]
        * wave_slaughter(spec, year)
        * _species_param(spec, "slaughter")
        * entry_slaughter_factor(spec, year)[:, None]
        * nxt.entries
        * (1 - state.kolkhoz_share)
        * N
    )
    hunger = np.maximum(0.0, 1.0 - state.fodder_sufficiency)
    fodder = p["fodder_loss_scale"] * _species_param(spec, "fodder_loss") * hunger * N
    # Collective herds suffered most in the disorder of their first two winters.
    joined = nxt.entries * (1 - state.kolkhoz_share) + state.recent_entries
    neglect = p["kolkhoz_neglect"] * (1 - p["plot_care"] * plots) * joined * N
    kulak_share = nxt.deported_households / state.households
    confiscated = p["confiscation_loss"] * p["kulak_herd_multiple"] * kulak_share * N
    rate = livestock_procurement(spec, state, year)
    procured = _species_param(spec, "procured") * rate * N
    out = deaths + slaughter + fodder + neglect + confiscated + procured
    # Flows are rates on the starting herd; when they add up to more than there is, every
    # flow is cut in proportion so that the herd ends at zero, never below.
    scale = np.where(out > N + births, (N + births) / np.where(out > 0, out, 1.0), 1.0)
    flows = [f * scale for f in (deaths, slaughter, fodder, neglect, confiscated, procured)]
    herds = N + births - sum(flows[1:], flows[0])
    return HerdYear(np.maximum(herds, 0.0), births, *flows)

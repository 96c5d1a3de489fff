"""Products the record counts that the input–output economy does not hold (docs/model.md §2).

Each is tied to what drives it in the simulation, with one documented coefficient:

* cement, mt, is poured with construction steel and its capacity was built by the same
  group A investment: ``Y_cement = k_c · Y_steel`` (``k_c`` from 1928's outputs);
* sugar, kt, is made from the year's sugar-beet harvest at extraction rate ``x``:
  ``Y_sugar = 1000 · x · B`` (``B`` in mt; ``x`` from 1913, before the period judged);
* tractors made, thousand, are the tractor works' deliveries to agriculture, the tractor
  programme scaled by how far machinery met its quota (``IndustryYear.tractors_new``).
"""

from __future__ import annotations

from gosplan.sim.spec import SimSpec

__all__ = ["materials"]


def materials(spec: SimSpec, year: int, steel: float, tractors_made: float) -> dict[str, float]:
    """Outputs of the products above in ``year``, by record series name.

    ``steel`` is the year's steel output (mt), ``tractors_made`` the tractors delivered
    (thousand).
    """
    p, pol = spec.params, spec.policy
    return {
        "cement_output": p["cement_per_steel"] * steel,
        "sugar_output": 1000.0 * p["sugar_extraction"] * pol.at("sugar_beet_harvest", year),
        "tractor_output": tractors_made,
    }

"""Products the record counts that the input–output economy does not hold (docs/model.md §2).

Each is tied to what drives it in the simulation, with documented coefficients:

* cement, mt, is poured with construction steel and its capacity was built by the same
  group A investment: ``Y_cement = k_c · Y_steel`` (``k_c`` from 1928's outputs);
* sugar, kt, is made from the year's sugar-beet harvest at extraction rate ``x``:
  ``Y_sugar = 1000 · x · B`` (``B`` in mt; ``x`` from 1913, before the period judged);
* tractors made, thousand, are the tractor works' deliveries to agriculture, the tractor
  programme scaled by how far machinery met its quota (``IndustryYear.tractors_new``);
* wool fabric, mn m, is the least of the mills' capacity ``W`` and what the state's share
  ``μ`` of the year's clip allows: ``Y_wool = min(W, μ · ω · S / w)``, with ``S`` the
  simulated sheep and goats (mn), ``ω`` kg of wool per head and ``w`` kg per metre;
* superphosphate (mt), paper (kt) and leather footwear (mn pairs) grow with the capacity
  of their group, valued at labour values, over 1928's: ``Y = Y₀ · (v_G · K) / (v_G · K₀)``
  (group A, the heavy branches, for superphosphate; the consumer-goods branch for paper and
  footwear), ``Y₀`` the output of 1928's capacity.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from gosplan.sim.spec import INDUSTRY, SimSpec

__all__ = ["group_index", "materials"]

FloatArray = NDArray[np.float64]

#: Branches of the input–output table whose capacity carries each group's products.
_GROUPS = {
    "heavy": ("coal", "oil", "electricity", "pig_iron", "steel", "machinery"),
    "light": ("cotton_fabric",),
}
#: Products that grow with their group's capacity: (record series, parameter of Y₀, group).
_BY_GROUP = (
    ("superphosphate_output", "superphosphate_base", "heavy"),
    ("paper_output", "paper_base", "light"),
    ("leather_footwear_output", "footwear_base", "light"),
)


def group_index(spec: SimSpec, capacity: FloatArray, v: FloatArray, group: str) -> float:
    """Capacity of ``group`` at labour values ``v``, over the first simulated year's."""
    mask = np.array([pid in _GROUPS[group] for pid in INDUSTRY])
    return float(v[mask] @ capacity[mask]) / float(v[mask] @ spec.initial.capacity[mask])


def materials(
    spec: SimSpec,
    year: int,
    steel: float,
    tractors_made: float,
    sheep: float,
    capacity: FloatArray,
    v: FloatArray,
) -> dict[str, float]:
    """Outputs of the products above in ``year``, by record series name.

    ``steel`` is the year's steel output (mt), ``tractors_made`` the tractors delivered
    (thousand), ``sheep`` the summer count of sheep and goats (mn), ``capacity`` industry's
    capacity in the year (``INDUSTRY`` order) and ``v`` its labour values.
    """
    p, pol = spec.params, spec.policy
    clip = p["wool_per_head"] * sheep  # kt, since mn head x kg per head
    out = {
        "cement_output": p["cement_per_steel"] * steel,
        "sugar_output": 1000.0 * p["sugar_extraction"] * pol.at("sugar_beet_harvest", year),
        "tractor_output": tractors_made,
        "wool_fabric_output": min(
            p["wool_mill_capacity"], p["wool_mill_share"] * clip / p["wool_per_metre"]
        ),
    }
    for series, base, group in _BY_GROUP:
        out[series] = p[base] * group_index(spec, capacity, v, group)
    return out

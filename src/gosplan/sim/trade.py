"""Foreign trade in the record's units (docs/model.md §2; MODEL-NOTES M4).

The scenario's trade figures (exports, credit, the grain price) are in the valuta rubles of
1936–50, in which the statistical handbooks restated the trade of earlier years; the
record's totals are in the pre-1936 gold-parity rubles of the League of Nations' series.
The 1936 revaluation set one old ruble at ``k = 4.38`` new ones, so

* exports ``X = R / k`` with ``R`` the export revenue the grain balance reckons;
* imports ``M = (R + C) / k``: the year's earnings and credit are all spent abroad.
"""

from __future__ import annotations

from gosplan.sim.spec import SimSpec

__all__ = ["trade_totals"]


def trade_totals(spec: SimSpec, year: int, export_revenue: float) -> dict[str, float]:
    """Exports and imports of ``year`` in mn pre-1936 rubles, by record series name."""
    k = spec.params["valuta_rubles_per_old_ruble"]
    credit = spec.policy.at("foreign_credit", year)
    return {
        "exports_total": export_revenue / k,
        "imports_total": (export_revenue + credit) / k,
    }

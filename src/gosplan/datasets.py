"""Real economies that ship with gosplan, by name (docs/supply-use.md).

>>> from gosplan import datasets
>>> sorted(datasets.ECONOMIES)
['au-114', 'us-2021-15', 'us-2021-71', 'ussr-1928']
>>> economy, final_demand = datasets.builtin_economy("au-114")
>>> economy.n
114
"""

from __future__ import annotations

from gosplan.scenarios.economies import (
    ECONOMIES,
    BuiltinEconomy,
    builtin_activity_economy,
    builtin_economy,
    builtin_supply_use,
)

__all__ = [
    "ECONOMIES",
    "BuiltinEconomy",
    "builtin_activity_economy",
    "builtin_economy",
    "builtin_supply_use",
]

"""Real economies out of the box: published tables that ship with gosplan, and the 1928 one.

Each name gives a square economy with its own final demand (:func:`builtin_economy`) and
an activity economy with its own targets (:func:`builtin_activity_economy`). The
supply and use tables come from the ``quantecon-book-networks`` package (MIT licence),
which took them from the BEA and the ABS; each folder under ``data/economies`` holds the
files as that package ships them, a ``supply_use.toml`` that says how to read them and a
``PROVENANCE.md`` (docs/supply-use.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from gosplan.core.activities import ActivityEconomy
from gosplan.core.economy import Economy
from gosplan.core.supply_use import SupplyUse, activity_economy, convert
from gosplan.errors import ParameterError, ParameterTypeError
from gosplan.scenarios.builtin import builtin_path
from gosplan.scenarios.loader import read_economy, read_targets
from gosplan.scenarios.supply_use import read_supply_use

__all__ = [
    "ECONOMIES",
    "BuiltinEconomy",
    "builtin_activity_economy",
    "builtin_economy",
    "builtin_supply_use",
    "check_economy_name",
    "economy_folder",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class BuiltinEconomy:
    """What a built-in economy is and where its numbers come from."""

    title: str
    """One line: country, year, size."""
    description: str
    """What the tables hold and what gosplan makes of them."""
    provenance: str
    """Original publisher and tables, and the package that redistributes them."""
    licence: str
    """The licence the files ship under."""
    folder: str
    """Folder under ``gosplan/scenarios/data``."""
    supply_use: bool
    """Whether the folder holds supply and use tables (else a square economy folder)."""


_QBN = "quantecon-book-networks 1.6 (QuantEcon), MIT licence; see LICENSE-quantecon-book-networks"
ECONOMIES: Mapping[str, BuiltinEconomy] = MappingProxyType({
    "ussr-1928": BuiltinEconomy(
        title="USSR 1927/28: heavy industry, fuel and grain (8 products, physical units)",
        description="The base year of the First Five-Year Plan; final demand is the plan's "
                    "targets for 1932/33 (the example economy of gosplan plan).",
        provenance="gosplan's own compilation; every number's source in SOURCES.md",
        licence="as gosplan",
        folder="example",
        supply_use=False,
    ),
    "us-2021-15": BuiltinEconomy(
        title="United States 2021, 15 industries, 17 commodities (millions of dollars)",
        description="BEA summary supply and use tables; imports and exports become "
                    "activities with a trade balance.",
        provenance=f"U.S. Bureau of Economic Analysis, Supply and Use Tables 2021; via {_QBN}",
        licence="MIT (quantecon-book-networks); BEA data are public domain",
        folder="economies/us-2021-15",
        supply_use=True,
    ),
    "us-2021-71": BuiltinEconomy(
        title="United States 2021, 71 industries, 73 commodities (millions of dollars)",
        description="BEA summary supply and use tables; imports (total supply less home "
                    "output) and exports become activities with a trade balance.",
        provenance=f"U.S. Bureau of Economic Analysis, Supply and Use Tables 2021; via {_QBN}",
        licence="MIT (quantecon-book-networks); BEA data are public domain",
        folder="economies/us-2021-71",
        supply_use=True,
    ),
    "au-114": BuiltinEconomy(
        title="Australia 2020-21, 114 industries and products (millions of dollars)",
        description="ABS input-output tables (supply and intermediate use); final demand "
                    "and value added are what output leaves after intermediate use.",
        provenance="Australian Bureau of Statistics, Australian National Accounts: "
                   f"Input-Output Tables 2020-21; via {_QBN}",
        licence="MIT (quantecon-book-networks); ABS data CC BY 4.0",
        folder="economies/au-114",
        supply_use=True,
    ),
})
"""Name -> what it is and where it comes from."""


def check_economy_name(name: object, what: str = "name") -> str:
    """``name`` if it is a built-in economy, else one line listing the names.

    ``what`` names the argument in the message (the CLI passes ``"--economy"``).
    """
    if not isinstance(name, str):
        raise ParameterTypeError(f"{what}: must be the name of a built-in economy; got "
                                 f"{type(name).__name__} {name!r}")
    if name not in ECONOMIES:
        raise ParameterError(f"{what}: {name!r} is not a built-in economy; choose one of "
                             f"{', '.join(ECONOMIES)}")
    return name


def economy_folder(name: str) -> Path:
    """The folder of a built-in economy, inside the installed package."""
    folder = ECONOMIES[check_economy_name(name)].folder
    return Path(str(files("gosplan.scenarios") / "data" / folder)) if "/" in folder \
        else builtin_path(folder)


def builtin_supply_use(name: str) -> SupplyUse:
    """The supply and use table of a built-in economy that has one.

    Raises
    ------
    ParameterError
        An unknown name, or ``"ussr-1928"`` (a square economy, not a supply-use table).
    """
    if not ECONOMIES[check_economy_name(name)].supply_use:
        raise ParameterError(f"name: {name!r} is a square economy, not a supply and use "
                             "table; use builtin_economy")
    return read_supply_use(economy_folder(name))


def builtin_economy(name: str) -> tuple[Economy, FloatArray]:
    """A built-in economy, square, and its own final demand (in product order).

    Supply and use tables are made square with industry technology, commodity by
    commodity (:func:`gosplan.core.supply_use.convert`); their final demand is the
    table's, exports included.

    Examples
    --------
    >>> economy, final_demand = builtin_economy("us-2021-15")
    >>> economy.n, bool(final_demand.sum() > 0)
    (17, True)
    """
    folder = economy_folder(name)
    if not ECONOMIES[name].supply_use:
        economy = read_economy(folder)
        return economy, read_targets(folder / "targets.csv", economy)
    conversion = convert(read_supply_use(folder))
    return conversion.economy(), conversion.final_demand()


def builtin_activity_economy(name: str) -> tuple[ActivityEconomy, dict[str, float]]:
    """A built-in economy as activities, and its own targets by product id.

    Supply and use tables: one activity per industry, plus imports, exports and credit
    where the table has trade (:func:`gosplan.core.supply_use.activity_economy`); labour
    available is the table's total. The 1928 economy: one activity per product.
    """
    folder = economy_folder(name)
    if not ECONOMIES[name].supply_use:
        economy = read_economy(folder)
        y = read_targets(folder / "targets.csv", economy)
        return (ActivityEconomy.from_economy(economy),
                dict(zip(economy.products.tolist(), y.tolist(), strict=True)))
    table = read_supply_use(folder)
    return activity_economy(table), table.activity_targets

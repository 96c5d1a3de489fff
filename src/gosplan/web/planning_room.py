"""The Planning Room: the engine on the built-in economy or a generated one, targets by the visitor.

The balanced plan ``(I - A) x = y`` says what every branch must produce; the optimal plan
(Kantorovich) says how much of the assortment the economy can deliver, and the diagnosis
says in words what binds: the same sentences ``gosplan plan --method optimal`` prints.
The optimum is computed in closed form (``--lp-method closed_form``): the work a request may ask
for is then two sparse solves of at most :data:`MAX_PRODUCTS` products.
Generated economies are built in memory (:func:`gosplan.generate_economy`), at most
:data:`MAX_PRODUCTS` products, and kept in a small cache.
"""

from __future__ import annotations

import math
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlencode

import numpy as np
from numpy.typing import NDArray

from gosplan.core.balance import balance
from gosplan.core.diagnose import diagnose
from gosplan.core.economy import Economy
from gosplan.core.generate import generate_economy
from gosplan.core.optimal import optimal_plan
from gosplan.scenarios.builtin import builtin_path
from gosplan.scenarios.loader import read_economy, read_targets
from gosplan.scenarios.memo import Memo
from gosplan.web import svg
from gosplan.web.state import StateError, number, parse_count, parse_number

__all__ = ["MAX_PRODUCTS", "PlanningState", "builtin_economy", "plan_view"]

#: The largest generated economy a request may ask for.
MAX_PRODUCTS = 2000
_GENERATED = {  # key: (low, high, default)
    "n": (2, MAX_PRODUCTS, 300),
    "inputs": (1, 20, 5),
    "seed": (0, 9999, 1),
}
_SCALE = (0.0, 3.0)
_SHOWN = 12  # rows of a generated economy's table


@cache
def builtin_economy() -> tuple[Economy, NDArray[np.float64]]:
    """The built-in example economy (the USSR in 1928) and its First Plan targets."""
    path = builtin_path()
    economy = read_economy(path)
    return economy, read_targets(path / "targets.csv", economy)


@dataclass(frozen=True, slots=True)
class PlanningState:
    """Which economy, and the targets, validated; only what differs from the default."""

    economy: str = "builtin"
    scales: tuple[tuple[str, float], ...] = ()
    """Built-in economy: each product's target as a multiple of the plan's."""
    generated: tuple[tuple[str, int], ...] = ()
    scale: float = 1.2
    """Generated economy: targets as a multiple of those it can just meet."""

    @classmethod
    def parse(cls, items: Iterable[tuple[str, str]]) -> PlanningState:
        """Validate query items (unknown keys and out-of-range values are errors)."""
        pairs = list(items)
        values = dict(pairs)
        if len(values) != len(pairs):
            raise StateError("query", "a key is given more than once")
        kind = values.pop("economy", "builtin")
        if kind not in ("builtin", "generated"):
            raise StateError("economy", f"{kind!r} is neither 'builtin' nor 'generated'")
        economy, _ = builtin_economy()
        scales: dict[str, float] = {}
        generated: dict[str, int] = {}
        scale = 1.2
        for key, raw in values.items():
            if key.startswith("t.") and economy.has(key[2:]) and kind == "builtin":
                value = parse_number(key, raw, *_SCALE)
                if value != 1.0:
                    scales[key[2:]] = value
            elif key in _GENERATED and kind == "generated":
                low, high, default = _GENERATED[key]
                count = parse_count(key, raw, low, high)
                if count != default:
                    generated[key] = count
            elif key == "scale" and kind == "generated":
                scale = parse_number(key, raw, 0.1, 3.0)
            else:
                raise StateError(key, f"is not a setting of the {kind} economy")
        if kind == "builtin":
            _, base = builtin_economy()
            factors = np.array([scales.get(p, 1.0) for p in economy.products.tolist()])
            if not (base * factors > 0).any():
                raise StateError("targets", "every target is 0: the plan asks for nothing "
                                            "(set at least one above 0)")
        order = economy.products.tolist()
        return cls(
            economy=kind,
            scales=tuple((p, scales[p]) for p in order if p in scales),
            generated=tuple((k, generated[k]) for k in _GENERATED if k in generated),
            scale=scale,
        )

    def setting(self, key: str) -> float:
        """A slider's value (its default when unchanged)."""
        if key.startswith("t."):
            return dict(self.scales).get(key[2:], 1.0)
        if key == "scale":
            return self.scale
        return float(dict(self.generated).get(key, _GENERATED[key][2]))

    def query(self) -> str:
        """The canonical query string."""
        pairs: list[tuple[str, str]] = []
        if self.economy == "generated":
            pairs.append(("economy", "generated"))
            pairs += [(k, str(v)) for k, v in self.generated]
            if self.scale != 1.2:
                pairs.append(("scale", number(str(self.scale))))
        pairs += [(f"t.{p}", number(str(v))) for p, v in self.scales]
        return urlencode(pairs)

    def problem(self) -> tuple[Economy, NDArray[np.float64]]:
        """The economy and the targets this state asks to plan."""
        if self.economy == "builtin":
            economy, base = builtin_economy()
            factors = np.array([self.setting(f"t.{p}") for p in economy.products.tolist()])
            return economy, base * factors
        n, k, seed = (int(self.setting(key)) for key in _GENERATED)
        made = _ECONOMIES.get((n, k, seed), lambda: generate_economy(n, k, seed=seed))
        return made.economy, np.asarray(made.targets) * self.scale


_ECONOMIES: Memo[tuple[int, int, int], Any] = Memo(8)
_VIEWS: Memo[str, dict[str, Any]] = Memo(32)


def plan_view(state: PlanningState) -> dict[str, Any]:
    """Balanced and optimal plans of the state's economy and targets, and the diagnosis."""
    return _VIEWS.get(state.economy + "?" + state.query(), lambda: _plan_view(state))


def _plan_view(state: PlanningState) -> dict[str, Any]:
    economy, y = state.problem()
    balanced = balance(economy, y)
    balanced.raise_for_status()
    # The closed form is the optimum of the same LP (two linear solves, exact and
    # deterministic): 0.03 s at the largest economy allowed, where the simplex took 6-8 s.
    plan = optimal_plan(economy, y, lp_method="closed_form")
    plan.raise_for_status()
    diagnosis = diagnose(economy, y, plan)
    x, cap = balanced.gross_output, economy.capacity
    with np.errstate(divide="ignore", invalid="ignore"):
        use = np.where(cap > 0, x / cap, np.inf)
    names = [readable_name(str(n)) for n in economy.names]
    units = list(economy.units)
    if state.economy == "builtin":
        rows = list(range(economy.n))
    else:
        rows = np.argsort(-use, kind="stable")[:_SHOWN].tolist()
    final = np.asarray(plan.final_demand)
    prices = None if plan.valuations is None else np.asarray(plan.valuations)
    table: list[dict[str, Any]] = [
        {
            "product": str(economy.products[i]),
            "name": names[i],
            "unit": units[i],
            "target": float(y[i]),
            "gross": float(x[i]),
            "capacity": float(cap[i]),
            "use": float(use[i]),
            "delivered": float(final[i]),
            "valuation": None if prices is None else float(prices[i]),
            "valuation_text": None if prices is None else valuation_words(
                float(prices[i]), units[i]),
        }
        for i in rows
    ]
    bars = [svg.Bar(r["name"], 100 * r["use"], 100.0) for r in table if math.isfinite(r["use"])]
    chart = svg.bar_chart(
        ident="chart-planning-capacity",
        title="Output the targets need, % of capacity",
        desc="For each branch, the gross output of the balanced plan as a share of its "
        "capacity; a bar past the line means the targets cannot be met there.",
        bars=bars,
        value_label="needed, % of capacity",
        reference_label="capacity",
    )
    fulfilment = float(diagnosis.fulfilment)
    return {
        "economy": economy.name,
        "products": economy.n,
        "nonzeros": int(economy.A.nnz),
        "fulfilment": fulfilment if math.isfinite(fulfilment) else None,
        "feasible": bool(diagnosis.feasible),
        "over_capacity": int(balanced.over_capacity.size),
        "labour_required": float(balanced.labour_required),
        "labour_available": float(balanced.labour_available),
        "labour_unit": economy.labour_unit or "labour units",
        "residual": float(balanced.residual),
        "sentences": diagnosis.sentences(),
        "table": table,
        "shown": len(rows),
        "chart": chart,
        "commands": _commands(state, economy, y),
    }


def _commands(state: PlanningState, economy: Economy, y: NDArray[np.float64]) -> list[str]:
    """Shell commands that compute the same plans with the command line."""
    if state.economy == "builtin":
        import tomli_w

        # The file written by a TOML library, then escaped for printf's format string.
        text = tomli_w.dumps(
            {"targets": {p: float(v) for p, v in zip(economy.products.tolist(), y, strict=True)}}
        )
        body = text.replace("\\", "\\\\").replace("%", "%%").replace("\n", "\\n")
        write = f"printf {shlex.quote(body)} > targets.toml"
        return [
            write,
            "gosplan plan --targets targets.toml",
            "gosplan plan --targets targets.toml --method optimal --lp-method closed_form",
        ]
    n, k, seed = (int(state.setting(key)) for key in _GENERATED)
    scaled = (
        "awk -F, -v OFS=, -v CONVFMT=%.17g 'NR==1{print;next}"
        f"{{$2=$2*{number(str(state.scale))};print}}' economy/targets.csv > targets.csv"
    )
    return [
        f"gosplan generate --products {n} --inputs {k} --seed {seed} --format csv "
        "--out economy",
        scaled,
        "gosplan plan economy --targets targets.csv",
        "gosplan plan economy --targets targets.csv --method optimal --lp-method closed_form",
    ]


_GENERATED_NAME = re.compile(r"p0*([0-9]+)")


def readable_name(name: str) -> str:
    """A product's name as a visitor reads it.

    ``p0000217`` (a generated economy's code) becomes ``product 217``; the built-in
    economy's names are kept.
    """
    match = _GENERATED_NAME.fullmatch(name)
    return f"product {match.group(1)}" if match else name


def valuation_words(price: float, unit: str) -> str:
    """A shadow price in words: the share of the whole plan a round quantity is worth.

    Valuations are fractions of the target assortment per unit (the whole assortment is
    worth one), so ``1.3e-05`` a tonne reads "1.3 % of the plan per 1,000 t".
    """
    if not math.isfinite(price) or price <= 0:
        return "0: not scarce"
    percent = price * 100
    quantity = 1.0
    while percent * quantity < 0.1:
        quantity *= 10
    unit = unit or "units"
    share = percent * quantity
    return f"{share:.2g} % of the plan per {quantity:,.0f} {unit}"

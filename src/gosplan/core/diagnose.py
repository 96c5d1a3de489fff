"""Why targets cannot be met, in a planner's words: how far, what binds, how much to grow.

The optimal assortment plan (:func:`gosplan.core.optimal.optimal_plan`) gives the largest
fraction λ of the targets ``y`` the economy can deliver and the valuation of each limit.
How much each limit must grow comes from the balanced plan for the full targets::

    x* = (I - A)^{-1} y          (solved, never inverted)

Because ``(I - A)^{-1} >= 0`` for a productive economy, every plan meeting the targets
produces at least ``x*`` of everything, and ``x*`` itself meets them. So the shortfalls::

    capacity_j:  max(0, x*_j - capacity_j)
    labour:      max(0, l · x* - L)
    resource k:  max(0, r_k · x* - R_k)

are each necessary (no plan meets the targets with less) and, together, sufficient
(grow every limit by its shortfall and the targets can be met). For the same reason the
optimum has a closed form, ``λ = min(capacity_j / x*_j, L / l·x*, R_k / r_k·x*)``: the
limits that bind are those with the smallest ratio, and only they carry a valuation.

Bottlenecks are ranked by valuation, then by shortfall. Valuations are per unit of their
own limit (a tonne of steel capacity, a person-year of labour), so compare them within
a kind; across kinds the shortfall says more.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gosplan.core import frames
from gosplan.core.arguments import choice, economy_of, flag, instance, number, seconds
from gosplan.core.balance import balance, demand_vector
from gosplan.core.economy import Economy
from gosplan.core.optimal import Method, Resources, optimal_plan, resource_limits
from gosplan.core.plan_result import OptimalPlan, PlanStatus
from gosplan.core.result import deprecated_alias, renamed_keyword
from gosplan.errors import ParameterError

if TYPE_CHECKING:
    from gosplan.core.frames import DataFrame, Dataset

__all__ = ["Bottleneck", "Diagnosis", "diagnose"]

FloatArray = NDArray[np.float64]
Kind = Literal["capacity", "labour", "resource"]
T = TypeVar("T")

#: How many bottlenecks and targets the sentences name before saying "and N more".
SHOWN = 5


@dataclass(frozen=True, slots=True)
class Bottleneck:
    """A limit that binds the plan, or that the full targets would exceed."""

    constraint: str
    """Stable key: ``"capacity:<product id>"``, ``"labour"`` or ``"resource:<name>"``."""
    kind: Kind
    """``"capacity"``, ``"labour"`` or ``"resource"``."""
    product: str | None
    """Product id of a capacity (``None`` for labour and resources)."""
    label: str
    """Words for it: ``"steel capacity"``, ``"labour"``, the resource's name."""
    valuation: float
    """Gain in fulfilment λ per extra unit of the limit (0 when it does not bind)."""
    shortfall: float
    """Growth the limit needs for the full targets, ``max(0, required - limit)``."""
    limit: float
    """The limit now."""
    required: float
    """What the full targets need of it (from ``x* = (I - A)^{-1} y``)."""
    unit: str
    """Unit of the limit (may be empty)."""

    @property
    def binding(self) -> bool:
        """Whether the limit carries a valuation: relaxing it raises the fulfilment."""
        return self.valuation > 0


@dataclass(frozen=True, slots=True, eq=False)
class Diagnosis:
    """Whether targets can be met, what stops them, and what it would take."""

    status: PlanStatus
    """Status of the optimal assortment plan behind the diagnosis."""
    fulfilment: float
    """Largest fraction λ of the targets deliverable (``inf``: no limit binds at all). From
    the LP; from the closed form of the module docstring when the LP hit its time limit."""
    feasible: bool
    """Whether the full targets can be met (``λ >= 1``, to the tolerance)."""
    bottlenecks: tuple[Bottleneck, ...]
    """Binding limits and limits the targets exceed, ranked by valuation then shortfall."""
    products: NDArray[np.str_]
    """Product ids, shape ``(n,)``."""
    names: Sequence[str]
    """Product names, in product order."""
    units: tuple[str, ...]
    """Product units, in product order."""
    targets: FloatArray
    """Targets ``y``, shape ``(n,)``."""
    required_output: FloatArray
    """Gross output the full targets need, ``x* = (I - A)^{-1} y``, shape ``(n,)``."""
    achievable: FloatArray
    """What can be delivered of each target in full assortment, ``λ y``, shape ``(n,)``."""
    final_demand: FloatArray | None
    """Final demand the optimal plan meets, shape ``(n,)`` (``None`` without a plan)."""
    plan: OptimalPlan
    """The optimal plan diagnosed."""

    delivered = deprecated_alias("delivered", "final_demand")

    def sentences(self) -> list[str]:
        """The diagnosis in a few plain sentences, largest facts first."""
        if self.status is PlanStatus.UNBOUNDED:
            return [
                "Targets can be met at any scale: no capacity, labour or resource limits "
                "the assortment."
            ]
        out = []
        if self.status is PlanStatus.TIME_LIMIT:
            out.append(
                "The solver stopped at its time limit: the figures below come from the "
                "balance of the full targets, and the valuations are unknown."
            )
        binding = [b for b in self.bottlenecks if b.binding]
        if self.feasible:
            spare = self.fulfilment - 1.0
            out.append(
                f"Targets can be met: up to {_pct(self.fulfilment)} of the assortment "
                f"({_pct(spare)} to spare)."
                if spare > 5e-4
                else "Targets can be met, with nothing to spare."
            )
            if binding:
                out.append(f"First to bind beyond them: {_list(binding, _use)}.")
            return out
        out.append(f"Targets cannot be met: at most {_pct(self.fulfilment)} of the assortment.")
        if binding:
            needs = _list(binding, lambda b: _growth(b, needs=b is binding[0]))
            out.append(f"Binding: {needs}.")
        later = [b for b in self.bottlenecks if not b.binding and b.shortfall > 0]
        if later:
            also = "Also short" if binding else "Short"
            out.append(f"{also} of the full targets: {_list(later, _growth)}.")
        if binding:
            out.append(
                "Valuations (points of the assortment per extra unit): "
                f"{_list(binding, _valuation)}."
            )
        wanted = np.flatnonzero(self.targets > 0).tolist()
        if wanted:

            def delivered(i: int) -> str:
                target = _qty(self.targets[i], self.units[i])
                return f"{self.names[i]} {_fmt(self.achievable[i])} of {target}"

            out.append(f"At {_pct(self.fulfilment)} the plan delivers: {_list(wanted, delivered)}.")
        return out

    def summary(self) -> str:
        """The sentences as one paragraph."""
        return " ".join(self.sentences())

    def _quantities(self) -> list[frames.Quantity]:
        return [("targets", self.targets, self.units),
                ("required_output", self.required_output, self.units),
                ("achievable", self.achievable, self.units),
                ("final_demand", self.final_demand, self.units)]

    def _facts(self) -> dict[str, object]:
        return {"status": self.status.value, "feasible": self.feasible,
                "products": int(self.products.shape[0]), "fulfilment": self.fulfilment,
                "bottlenecks": len(self.bottlenecks),
                "binding": sum(b.binding for b in self.bottlenecks)}

    def to_frame(self) -> DataFrame:
        """Tidy table: one row per product and quantity (see :mod:`gosplan.core.frames`).

        Quantities, each in its product's unit: ``targets``, ``required_output`` (what the
        full targets need), ``achievable`` (λ times the targets) and ``final_demand`` (what
        the optimal plan meets). The bottlenecks are in :meth:`bottlenecks_frame`.
        """
        return frames.tidy(self.products, self._quantities())

    def bottlenecks_frame(self) -> DataFrame:
        """One row per bottleneck, ranked: the fields of :class:`Bottleneck`, ``binding``."""
        return frames.records(
            [{"constraint": b.constraint, "kind": b.kind, "product": b.product,
              "label": b.label, "valuation": b.valuation, "shortfall": b.shortfall,
              "limit": b.limit, "required": b.required, "unit": b.unit,
              "binding": b.binding} for b in self.bottlenecks],
            ("constraint", "kind", "product", "label", "valuation", "shortfall", "limit",
             "required", "unit", "binding"))

    def to_xarray(self) -> Dataset:
        """The per-product quantities as an xarray Dataset over ``product``."""
        return frames.dataset(self.products, self._quantities(), attrs=self._facts())

    def __repr__(self) -> str:
        return frames.short_repr("Diagnosis", self._facts())

    def _repr_html_(self) -> str:
        rows: list[tuple[str, object]] = list(self._facts().items())
        rows += [(b.label, f"short {b.shortfall:.6g} {b.unit}".rstrip()
                  + (f", valuation {b.valuation:.6g}" if b.binding else ""))
                 for b in self.bottlenecks[:SHOWN]]
        return frames.html_table("Diagnosis", rows)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready: an unlimited fulfilment or level is ``None``)."""
        return {
            "status": self.status.value,
            "feasible": self.feasible,
            "fulfilment": _finite(self.fulfilment),
            "bottlenecks": [
                {
                    "constraint": x.constraint,
                    "kind": x.kind,
                    "product": x.product,
                    "label": x.label,
                    "valuation": x.valuation,
                    "shortfall": x.shortfall,
                    "limit": _finite(x.limit),
                    "required": x.required,
                    "unit": x.unit,
                }
                for x in self.bottlenecks
            ],
            "achievable": {
                str(self.products[i]): _finite(float(self.achievable[i]))
                for i in np.flatnonzero(self.targets > 0)
            },
        }


def diagnose(
    economy: Economy,
    targets: ArrayLike | Mapping[str, float],
    plan: OptimalPlan | None = None,
    *,
    resources: Resources | None = None,
    lp_method: Method = "simplex",
    time_limit: float | None = None,
    tol: float = 1e-9,
    verbose: bool = False,
    method: Method | None = None,
) -> Diagnosis:
    """Diagnose whether ``targets`` can be met, and if not, why and what it would take.

    Parameters
    ----------
    economy
        A productive economy with ``n`` products.
    targets : mapping or Series of product id to quantity, or array of shape (n,)
        Target final use ``y`` (a mapping or Series is read by product id).
    plan
        An optimal assortment plan for these targets, if already solved (else one is).
    resources, lp_method, time_limit, verbose
        As for :func:`~gosplan.core.optimal.optimal_plan` (``resources`` must be the
        same as the ``plan`` was solved with).
    tol
        Relative tolerance: a shortfall below ``tol * max(1, required)`` is none, and
        ``λ >= 1 - tol`` counts as meeting the targets.
    method
        Deprecated name of ``lp_method``.

    Returns
    -------
    Diagnosis

    Raises
    ------
    TargetsError
        Bad targets.
    ValueError
        ``plan`` is not an assortment plan for these targets.
    SolverError
        The solver failed. (At a time limit the fraction and shortfalls are still exact,
        from the closed form; only the valuations are missing.)

    Examples
    --------
    >>> e = Economy(products=["coal", "steel"], A=[[0.1, 0.5], [0.0, 0.1]],
    ...             capacity=[40.0, float("inf")], units=("Mt", "Mt"))
    >>> d = diagnose(e, {"coal": 20.0, "steel": 40.0})
    >>> for sentence in d.sentences():
    ...     print(sentence)
    Targets cannot be met: at most 85% of the assortment.
    Binding: coal capacity (needs +6.91 Mt).
    Valuations (points of the assortment per extra unit): coal capacity 2.13 per Mt.
    At 85% the plan delivers: coal 17.1 of 20 Mt, steel 34.1 of 40 Mt.
    """
    economy_of(economy, "diagnose")
    instance(plan, OptimalPlan, "plan", "diagnose", optional=True)
    lp_method = renamed_keyword("diagnose", "method", "lp_method", method, lp_method, "simplex")
    choice(lp_method, "lp_method", "diagnose", ("simplex", "ipm", "pdlp", "closed_form"))
    verbose = flag(verbose, "verbose", "diagnose")
    time_limit = seconds(time_limit, "diagnose")
    tol = number(tol, "tol", "diagnose", low=0.0, high=1.0, high_open=True)
    y = demand_vector(economy, targets)
    limits = resource_limits(economy, resources)
    if plan is None:
        plan = optimal_plan(economy, y, resources=resources, lp_method=lp_method,
                            time_limit=time_limit, verbose=verbose)
    elif plan.objective != "assortment" or not np.array_equal(plan.targets, y):
        raise ParameterError("diagnose: plan must be the optimal assortment plan for these "
                             "targets")
    if plan.status not in (PlanStatus.OPTIMAL, PlanStatus.UNBOUNDED, PlanStatus.TIME_LIMIT):
        plan.raise_for_status()
    x_star = balance(economy, y, valuations=False).raise_for_status().gross_output
    bottlenecks = _bottlenecks(economy, plan, limits, x_star, tol)
    if plan.status is PlanStatus.OPTIMAL and plan.fulfilment is not None:
        fulfilment = plan.fulfilment
    elif plan.status is PlanStatus.UNBOUNDED:
        fulfilment = math.inf
    else:  # time limit: the closed form still gives the optimum, only valuations are lost
        fulfilment = _closed_form(economy, limits, x_star)
    feasible = fulfilment >= 1.0 - tol
    return Diagnosis(
        status=plan.status,
        fulfilment=fulfilment,
        feasible=feasible,
        bottlenecks=bottlenecks,
        products=economy.products,
        names=economy.names,
        units=economy.units,
        targets=y,
        required_output=x_star,
        achievable=fulfilment * y if math.isfinite(fulfilment) else np.where(y > 0, np.inf, 0.0),
        final_demand=plan.final_demand,
        plan=plan,
    )


def _bottlenecks(
    economy: Economy,
    plan: OptimalPlan,
    limits: Mapping[str, tuple[FloatArray, float, str]],
    x_star: FloatArray,
    tol: float,
) -> tuple[Bottleneck, ...]:
    """Limits that bind or that the full targets exceed, ranked; vectorised over capacities."""
    found: list[Bottleneck] = []
    n = economy.n
    cap = economy.capacity
    cap_values = plan.capacity_valuations if plan.capacity_valuations is not None else np.zeros(n)
    short = np.where(np.isfinite(cap), x_star - cap, 0.0)
    short = np.where(short > tol * np.maximum(1.0, x_star), short, 0.0)
    for j in np.flatnonzero((cap_values > 0) | (short > 0)).tolist():
        found.append(
            Bottleneck(
                constraint=f"capacity:{economy.products[j]}",
                kind="capacity",
                product=str(economy.products[j]),
                label=f"{economy.names[j]} capacity",
                valuation=float(cap_values[j]),
                shortfall=float(short[j]),
                limit=float(cap[j]),
                required=float(x_star[j]),
                unit=economy.units[j],
            )
        )
    others: list[tuple[str, Kind, str, float, float, float, str]] = [
        (
            "labour",
            "labour",
            "labour",
            plan.labour_valuation or 0.0,
            economy.labour_available,
            float(economy.labour @ x_star),
            economy.labour_unit,
        )
    ]
    values = plan.resource_valuations or {}
    for name, (r, available, unit) in limits.items():
        others.append(
            (
                f"resource:{name}",
                "resource",
                name,
                values.get(name, 0.0),
                available,
                float(r @ x_star),
                unit,
            )
        )
    for constraint, kind, label, valuation, limit, required, unit in others:
        gap = required - limit if math.isfinite(limit) else 0.0
        gap = gap if gap > tol * max(1.0, required) else 0.0
        if valuation > 0 or gap > 0:
            found.append(
                Bottleneck(
                    constraint=constraint,
                    kind=kind,
                    product=None,
                    label=label,
                    valuation=valuation,
                    shortfall=gap,
                    limit=limit,
                    required=required,
                    unit=unit,
                )
            )
    found.sort(key=lambda b: (-b.valuation, -b.shortfall, b.constraint))
    return tuple(found)


def _closed_form(
    economy: Economy, limits: Mapping[str, tuple[FloatArray, float, str]], x_star: FloatArray
) -> float:
    """Return ``λ = min(limit / need)`` over the limits, the need of each taken at ``x*``."""
    limit = np.concatenate(
        [
            economy.capacity,
            [economy.labour_available],
            [available for _, available, _ in limits.values()],
        ]
    )
    need = np.concatenate(
        [x_star, [economy.labour @ x_star], [r @ x_star for r, _, _ in limits.values()]]
    )
    finite = np.isfinite(limit) & (need > 0)
    return float(np.min(limit[finite] / need[finite])) if finite.any() else math.inf


def _list(items: Sequence[T], say: Callable[[T], str]) -> str:
    """Name the first :data:`SHOWN` items and count the rest (only those are formatted)."""
    shown = ", ".join(say(item) for item in items[:SHOWN])
    return shown + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")


def _growth(b: Bottleneck, *, needs: bool = False) -> str:
    return f"{b.label} ({'needs ' if needs else ''}+{_qty(b.shortfall, b.unit)})"


def _use(b: Bottleneck) -> str:
    share = _pct(b.required / b.limit) if b.limit > 0 else "all"
    return f"{b.label} (the targets use {share} of it)"


def _valuation(b: Bottleneck) -> str:
    return f"{b.label} {_fmt(100.0 * b.valuation)} per {b.unit or 'unit'}"


def _qty(value: float, unit: str) -> str:
    return f"{_fmt(value)} {unit}" if unit else _fmt(value)


def _fmt(value: float) -> str:
    """Three significant figures, thousands separated: 4.1, 12, 12,300, 0.0123, 1.2e+10."""
    if not math.isfinite(value):
        return "unlimited" if value > 0 else "-unlimited"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e9 or magnitude < 1e-3:
        return f"{value:.3g}"
    decimals = 2 - math.floor(math.log10(magnitude))
    text = f"{round(value, decimals):,.{max(0, decimals)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _pct(fraction: float) -> str:
    """A fraction as a percentage: whole percents, more digits only where rounding would lie."""
    if not math.isfinite(fraction):
        return "unlimited"
    percent = 100.0 * fraction
    if abs(percent) < 10:
        return f"{_fmt(percent)}%"
    text, decimals = f"{percent:.0f}", 0
    while float(text) == 100.0 and percent != 100.0 and decimals < 6:
        decimals += 1  # 99.7 must not read as 100, nor 100.3 as 100
        text = f"{percent:.{decimals}f}"
    return f"{text}%"


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None

"""The uncertain parameters of a scenario: which parameters vary, over what span, and why.

A scenario's ``uncertainty.toml`` sits beside the parameters file it reads. Each table names
a parameter and gives its ``range`` (inside the parameter's own range, around its value), an
optional ``distribution`` (``uniform`` or ``triangular``, peaked at the parameter's value) and
the reasoning (``why``). Ensembles and sensitivity analysis map points of the unit cube onto
these spans with :meth:`Uncertainty.from_unit`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gosplan.errors import InputFileError
from gosplan.scenarios.keys import did_you_mean
from gosplan.scenarios.loader import read_checked, read_toml
from gosplan.scenarios.references import MAX_CHAIN
from gosplan.scenarios.schema import DISTRIBUTIONS, UncertaintyFile
from gosplan.scenarios.simfiles import Scenario, load_scenario

__all__ = ["DISTRIBUTIONS", "UNCERTAINTY_FILE", "Uncertain", "Uncertainty", "load_uncertainty"]

UNCERTAINTY_FILE = "uncertainty.toml"

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Uncertain:
    """One uncertain parameter."""

    name: str
    """The parameter's name in parameters.toml."""
    low: float
    high: float
    value: float
    """The parameter's value in parameters.toml (the mode of a triangular distribution)."""
    distribution: str
    """``uniform`` or ``triangular``."""
    why: str
    """The reasoning for the span."""


@dataclass(frozen=True, slots=True, eq=False)
class Uncertainty:
    """The uncertain parameters of a scenario, sorted by name."""

    path: Path
    parameters: tuple[Uncertain, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The parameters' names, in the order of :meth:`from_unit`'s columns."""
        return tuple(p.name for p in self.parameters)

    def from_unit(self, u: FloatArray) -> FloatArray:
        """Map points of the unit cube onto the parameters' spans (inverse distribution).

        Parameters
        ----------
        u : array of shape (m, d) or (d,)
            Points in [0, 1]; column ``j`` is parameter ``names[j]``.

        Returns
        -------
        array of the same shape
            Parameter values: ``low + u (high - low)`` for a uniform parameter, the inverse
            of the triangular distribution on [low, high] with its mode at the value for a
            triangular one.

        >>> import numpy as np
        >>> from pathlib import Path
        >>> unc = Uncertainty(Path("u.toml"), (Uncertain("a", 1.0, 3.0, 2.0, "uniform", ""),))
        >>> unc.from_unit(np.array([0.0, 0.5, 1.0])[:, None]).ravel().tolist()
        [1.0, 2.0, 3.0]
        """
        points = np.asarray(u, dtype=np.float64)
        if points.shape[-1] != len(self.parameters):
            raise ValueError(f"points have {points.shape[-1]} columns; {len(self.parameters)}")
        out = np.empty_like(points)
        for j, p in enumerate(self.parameters):
            col = np.clip(points[..., j], 0.0, 1.0)
            span = p.high - p.low
            if p.distribution == "uniform":
                out[..., j] = p.low + col * span
            else:
                c = (p.value - p.low) / span
                left = p.low + np.sqrt(col * span * (p.value - p.low))
                right = p.high - np.sqrt((1.0 - col) * span * (p.high - p.value))
                out[..., j] = np.where(col < c, left, right)
        return out

    def describe(self) -> list[dict[str, Any]]:
        """Plain data: one dict per parameter (for manifests and reports)."""
        return [
            {
                "name": p.name,
                "low": p.low,
                "high": p.high,
                "value": p.value,
                "distribution": p.distribution,
                "why": p.why,
            }
            for p in self.parameters
        ]


def _parameters_file(scenario: Scenario) -> Path:
    """The parameters file a scenario reads (a counterfactual reads its base's)."""
    if scenario.parameters_path is not None:
        return scenario.parameters_path
    root = scenario
    for _ in range(MAX_CHAIN):
        if root.base is None:
            break
        root = load_scenario(root.base)
    meta = read_toml(root.path).get("scenario") or {}
    name = meta.get("parameters", "parameters.toml") if isinstance(meta, dict) else ""
    return (root.path.parent / str(name)).resolve()


def _entry(
    name: str, table: Mapping[str, Any], declared: Mapping[str, Any], where: str
) -> Uncertain:
    """One uncertain parameter, its span checked against the parameter's own range."""
    low, high = (float(x) for x in table["range"])
    lo, hi = (float(x) for x in declared["range"])
    if low < lo or high > hi:
        raise InputFileError(
            f"{where} range [{low:g}, {high:g}] must lie inside the parameter's range "
            f"[{lo:g}, {hi:g}]"
        )
    value = float(declared["value"])
    if not low <= value <= high:
        raise InputFileError(
            f"{where} range [{low:g}, {high:g}] must contain the parameter's value {value:g}"
        )
    distribution = str(table.get("distribution", "uniform"))
    return Uncertain(name, low, high, value, distribution, str(table["why"]).strip())


def load_uncertainty(scenario: str | Scenario, path: str | Path | None = None) -> Uncertainty:
    """Read a scenario's uncertain parameters (by default the file beside its parameters).

    Every name must be a parameter of the scenario; every span must lie inside the
    parameter's declared range and contain its value. Errors name file and key.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    file = Path(path) if path is not None else _parameters_file(sc).parent / UNCERTAINTY_FILE
    if not file.is_file():
        raise InputFileError(
            f"{file}: file not found (scenario {sc.spec.name} declares no uncertain parameters)"
        )
    doc = read_toml(file)
    if not doc:
        raise InputFileError(f"{file}: declares no uncertain parameter")
    read_checked(file, UncertaintyFile)
    entries = []
    for name in sorted(doc):
        where = f"{file}: [{name}]"
        if name not in sc.parameters:
            raise InputFileError(
                f"{where} is not a parameter of scenario {sc.spec.name}"
                f"{did_you_mean(name, sc.parameters)}"
            )
        entries.append(_entry(name, doc[name], sc.parameters[name], where))
    return Uncertainty(file, tuple(entries))

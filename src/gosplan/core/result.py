"""Results of the engine: each carries a status, and raises only when asked to."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from gosplan.core import frames
from gosplan.errors import ConvergenceError, ParameterError

if TYPE_CHECKING:
    from gosplan.core.frames import DataFrame, Dataset

__all__ = ["BalanceResult", "Status", "deprecated_alias", "renamed_keyword"]

T = TypeVar("T")


def deprecated_alias(old: str, new: str) -> Any:
    """A read-only property ``old`` that warns and returns the field renamed ``new``.

    Old names keep working for one release; the warning names the new one.
    """

    def get(self: object) -> Any:
        warnings.warn(f"{type(self).__name__}.{old} is deprecated; use .{new}",
                      DeprecationWarning, stacklevel=2)
        return getattr(self, new)

    return property(get, doc=f"Deprecated alias of ``{new}`` (to be removed).")


def renamed_keyword(where: str, old: str, new: str, old_value: T | None, value: T,
                    default: T) -> T:
    """The value of keyword ``new``, read from its deprecated name ``old`` where given.

    Raises
    ------
    ParameterError
        Both names given.
    """
    if old_value is None:
        return value
    warnings.warn(f"{where}: {old}= is deprecated; use {new}=", DeprecationWarning,
                  stacklevel=3)
    if value is not default and value != default:
        raise ParameterError(f"{where}: give {new} or its old name {old}, not both")
    return old_value


class Status(StrEnum):
    """Outcome of a solve, in gosplan's own words (solver enums never leave their adapter)."""

    SOLVED = "solved"
    """The system was solved to the required residual."""
    NOT_CONVERGED = "not_converged"
    """An iterative solver stopped at its iteration limit above the required residual."""


@dataclass(frozen=True, slots=True, eq=False)
class BalanceResult:
    """A balanced plan: the gross output that meets final demand, and what it costs.

    All arrays are in the economy's product order.
    """

    status: Status
    """Whether the solve reached the required residual."""
    solver: str
    """Linear solver used: ``"direct"`` (sparse LU) or an iterative solver's name."""
    products: NDArray[np.str_]
    """Product ids, shape ``(n,)``."""
    final_demand: NDArray[np.float64]
    """Final demand ``y`` the plan must deliver, shape ``(n,)``."""
    gross_output: NDArray[np.float64]
    """Gross output ``x`` solving ``(I - A) x = y``, shape ``(n,)``."""
    residual: float
    """Relative residual ``‖(I - A) x - y‖₂ / ‖y‖₂`` actually reached."""
    tolerance: float
    """Residual required."""
    iterations: int
    """Iterations used (matrix passes of the iterative solver; 0 for a direct solve)."""
    valuations: NDArray[np.float64] | None
    """Labour values ``v = l (I - A)^{-1}``, total labour embodied per unit, shape ``(n,)``."""
    labour_required: float
    """Labour the plan needs, ``l · x``."""
    labour_available: float
    """Labour the economy has (``inf`` when unlimited)."""
    capacity: NDArray[np.float64]
    """Capacity of each branch, shape ``(n,)`` (``inf`` when unlimited)."""
    units: tuple[str, ...] = ()
    """Unit of each product, in product order (empty when unknown)."""
    labour_unit: str = ""
    """Unit of labour (``"hours"`` is assumed where empty)."""

    method = deprecated_alias("method", "solver")
    labour_values = deprecated_alias("labour_values", "valuations")

    @property
    def over_capacity(self) -> NDArray[np.str_]:
        """Ids of the products whose required gross output exceeds their capacity."""
        return self.products[self.gross_output > self.capacity * (1 + 1e-12)]

    @property
    def labour_shortfall(self) -> float:
        """Labour the plan needs beyond what is available (0 when it fits)."""
        return max(0.0, self.labour_required - self.labour_available)

    @property
    def feasible(self) -> bool:
        """Whether the plan fits every capacity and the labour available."""
        return self.over_capacity.size == 0 and self.labour_shortfall == 0.0

    def raise_for_status(self) -> BalanceResult:
        """Return ``self`` if solved, else raise :class:`~gosplan.errors.ConvergenceError`."""
        if self.status is not Status.SOLVED:
            raise ConvergenceError(
                self.iterations,
                self.residual,
                f"balance: {self.solver} did not converge: residual {self.residual:.3g} after "
                f"{self.iterations} iterations (required {self.tolerance:.3g})",
            )
        return self

    def _quantities(self) -> list[frames.Quantity]:
        labour = frames.unit_of(self.labour_unit, "hours")
        units = self.units or ("",) * self.products.shape[0]
        return [("final_demand", self.final_demand, units),
                ("gross_output", self.gross_output, units),
                ("capacity", self.capacity, units),
                ("valuations", self.valuations, f"{labour} per unit")]

    def _facts(self) -> dict[str, object]:
        return {"status": self.status.value, "solver": self.solver,
                "products": int(self.products.shape[0]), "residual": self.residual,
                "labour_required": self.labour_required,
                "labour_available": self.labour_available,
                "over_capacity": int(self.over_capacity.size)}

    def to_frame(self) -> DataFrame:
        """Tidy table: one row per product and quantity (see :mod:`gosplan.core.frames`).

        Quantities: ``final_demand``, ``gross_output``, ``capacity`` (in each product's
        unit) and ``valuations`` (labour per unit).
        """
        return frames.tidy(self.products, self._quantities())

    def to_xarray(self) -> Dataset:
        """The same quantities as an xarray Dataset over ``product``; totals in ``attrs``."""
        return frames.dataset(self.products, self._quantities(), attrs=self._facts())

    def __repr__(self) -> str:
        facts = self._facts()
        del facts["labour_available"], facts["residual"]
        return frames.short_repr("BalanceResult", facts)

    def _repr_html_(self) -> str:
        return frames.html_table("Balanced plan", self._facts().items())

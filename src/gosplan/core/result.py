"""Results of the engine: each carries a status, and raises only when asked to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from gosplan.errors import ConvergenceError

__all__ = ["BalanceResult", "Status"]


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
    method: str
    """Solver used: ``"direct"`` (sparse LU) or an iterative method's name."""
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
    labour_values: NDArray[np.float64] | None
    """Labour values ``v = l (I - A)^{-1}``, total labour embodied per unit, shape ``(n,)``."""
    labour_required: float
    """Labour the plan needs, ``l · x``."""
    labour_available: float
    """Labour the economy has (``inf`` when unlimited)."""
    capacity: NDArray[np.float64]
    """Capacity of each branch, shape ``(n,)`` (``inf`` when unlimited)."""

    @property
    def over_capacity(self) -> NDArray[np.intp]:
        """Positions of the products whose required gross output exceeds their capacity."""
        return np.flatnonzero(self.gross_output > self.capacity * (1 + 1e-12))

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
                f"balance: {self.method} did not converge: residual {self.residual:.3g} after "
                f"{self.iterations} iterations (required {self.tolerance:.3g})",
            )
        return self

"""Adapters to outside solvers; each turns the solver's own types into gosplan's."""

from gosplan.core.solvers.highs import LPMethod, LPSolution, LPStatus, solve_lp

__all__ = ["LPMethod", "LPSolution", "LPStatus", "solve_lp"]

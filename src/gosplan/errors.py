"""The one tree of gosplan's exceptions.

Every error subclasses :class:`GosplanError` and the builtin it most resembles, so callers
may catch either. Messages are one line that name where (file and field), what was
expected and what was got; the CLI prints them as they are and exits with code 2.
"""

from __future__ import annotations

__all__ = [
    "ConvergenceError",
    "EconomyError",
    "GosplanError",
    "InputFileError",
    "MissingDependencyError",
    "NotProductiveError",
    "OutputError",
    "ParameterError",
    "ParameterTypeError",
    "ResolutionError",
    "SchedulerError",
    "TargetsError",
]


class GosplanError(Exception):
    """Root of every error gosplan raises on purpose."""


class EconomyError(GosplanError, ValueError):
    """An economy's data are inconsistent: shapes, signs, finiteness, duplicate products."""


class NotProductiveError(EconomyError):
    """The technology cannot produce a net surplus: the spectral radius of A is not below 1.

    Parameters
    ----------
    radius
        The spectral radius measured (or a lower bound for it).
    message
        The one-line explanation.
    """

    def __init__(self, radius: float, message: str) -> None:
        super().__init__(message)
        self.radius = radius


class TargetsError(GosplanError, ValueError):
    """Targets (final demand) that do not fit the economy: unknown products, bad values."""


class ConvergenceError(GosplanError, ArithmeticError):
    """An iterative solve stopped before it reached the required residual.

    Parameters
    ----------
    iterations
        Iterations performed.
    residual
        Relative residual reached.
    message
        The one-line explanation.
    """

    def __init__(self, iterations: int, residual: float, message: str) -> None:
        super().__init__(message)
        self.iterations = iterations
        self.residual = residual


class InputFileError(GosplanError, ValueError):
    """A user file is missing, unreadable or malformed; the message names file and field."""


class MissingDependencyError(GosplanError, ImportError):
    """An optional package a function needs is not installed; the message says how to add it."""


class OutputError(GosplanError, OSError):
    """An output path cannot be written."""


class ResolutionError(GosplanError, ValueError):
    """A simulation resolution or sample scale that is not allowed (``--scale 1:N``)."""


class SchedulerError(GosplanError, ConnectionError):
    """A Dask scheduler that cannot be reached (``--scheduler ADDRESS``)."""


class ParameterError(GosplanError, ValueError):
    """A Python argument out of its range, or not one of its choices; the message names it."""


class ParameterTypeError(GosplanError, TypeError):
    """A Python argument of the wrong type: a string where a number belongs, a bool for an int."""

"""Checks of the arguments of the public functions, and labelled (pandas) inputs.

Every public function checks its own arguments here before any work, so that a bad call
raises a :class:`~gosplan.errors.GosplanError` that is also the builtin Python would
raise (``TypeError`` for a wrong type, ``ValueError`` for a value out of range), with one
line that names the function, the parameter, what was expected and what was got.

Labelled inputs. A pandas ``Series`` (or ``DataFrame``) carries its own labels, and a
label says which product a number belongs to: such inputs are aligned by label, never
read by position. The core does not import pandas; anything with an ``index`` and a
``to_numpy`` method counts as labelled. Every label must be a product id; a Series with
a default ``RangeIndex`` (labels 0, 1, 2 ...) is refused, with a hint to index it by
product id, because reading it by position is exactly the silent error labels prevent.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gosplan.errors import GosplanError, ParameterError, ParameterTypeError

__all__ = [
    "aligned",
    "choice",
    "economy_of",
    "flag",
    "instance",
    "integer",
    "is_frame",
    "is_labelled",
    "label_problem",
    "labels_of",
    "nonnegative",
    "number",
    "positions",
    "seconds",
    "shown",
    "values_of",
]

FloatArray = NDArray[np.float64]
_SHOWN = 60  # characters of a value a message quotes


def shown(value: object) -> str:
    """A value for a one-line message: its repr, on one line, cut to a few dozen characters."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**18:
        return f"an integer of {len(str(abs(value)))} digits"
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _kind(value: object) -> str:
    return type(value).__name__


def integer(value: object, name: str, where: str, *, low: int, high: int) -> int:
    """``value`` as an ``int`` in ``[low, high]``; bools and floats are refused."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        raise ParameterTypeError(f"{where}: {name} must be an integer in [{low}, {high}]; "
                                 f"got {_kind(value)} {shown(value)}")
    v = int(value)
    if not low <= v <= high:
        raise ParameterError(f"{where}: {name} must be an integer in [{low}, {high}]; "
                             f"got {shown(v)}")
    return v


def number(
    value: object,
    name: str,
    where: str,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = True,
    expected: str | None = None,
) -> float:
    """``value`` as a ``float`` within the bounds; NaN always refused, inf unless allowed."""
    lo, hi = ("(" if low_open else "["), (")" if high_open else "]")
    if high < math.inf:
        bounds = f" in {lo}{low:g}, {high:g}{hi}"
    elif low > -math.inf:
        bounds = f" {'>' if low_open else '>='} {low:g}"
    else:
        bounds = ""
    span = expected or ("a finite number" if finite else "a number") + bounds
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        raise ParameterTypeError(f"{where}: {name} must be {span}; "
                                 f"got {_kind(value)} {shown(value)}")
    try:
        v = float(value)
    except OverflowError:
        raise ParameterError(f"{where}: {name} must be {span}; got {shown(value)}") from None
    ok = not math.isnan(v) and (math.isfinite(v) or not finite)
    ok = ok and (v > low if low_open else v >= low) and (v < high if high_open else v <= high)
    if not ok:
        raise ParameterError(f"{where}: {name} must be {span}; got {shown(value)}")
    return v


def seconds(time_limit: object, where: str) -> float | None:
    """A time limit: ``None`` (no limit) or seconds ``>= 0`` (``inf`` is no limit too)."""
    if time_limit is None:
        return None
    return number(time_limit, "time_limit", where, low=0.0, finite=False,
                  expected="None or a number of seconds >= 0")


def choice(value: object, name: str, where: str, options: Collection[str]) -> str:
    """``value`` if it is one of the ``options`` (strings)."""
    listed = ", ".join(options)
    if not isinstance(value, str):
        raise ParameterTypeError(f"{where}: {name} must be one of {listed}; "
                                 f"got {_kind(value)} {shown(value)}")
    if value not in options:
        raise ParameterError(f"{where}: {name} must be one of {listed}; got {value!r}")
    return value


def flag(value: object, name: str, where: str) -> bool:
    """``value`` if it is a bool (``True``/``False``, numpy's too)."""
    if not isinstance(value, bool | np.bool_):
        raise ParameterTypeError(f"{where}: {name} must be True or False; "
                                 f"got {_kind(value)} {shown(value)}")
    return bool(value)


def instance(value: object, cls: type, name: str, where: str, *, optional: bool = False) -> Any:
    """``value`` if it is a ``cls`` (or ``None`` when ``optional``)."""
    if value is None and optional:
        return None
    if not isinstance(value, cls):
        article = "an" if cls.__name__[0] in "AEIOU" else "a"
        expected = f"{article} {cls.__name__}" + (" or None" if optional else "")
        raise ParameterTypeError(f"{where}: {name} must be {expected}; "
                                 f"got {_kind(value)} {shown(value)}")
    return value


def economy_of(value: object, where: str) -> Any:
    """``value`` if it is an :class:`~gosplan.core.economy.Economy`."""
    from gosplan.core.economy import Economy  # the economy module itself uses this one

    return instance(value, Economy, "economy", where)


# --- labelled (pandas) inputs ----------------------------------------------------------------


def is_labelled(value: object) -> bool:
    """Whether ``value`` carries labels (a pandas Series or DataFrame, or alike)."""
    return (not isinstance(value, Mapping | np.ndarray) and hasattr(value, "index")
            and hasattr(value, "to_numpy") and not callable(value.index))


def is_frame(value: object) -> bool:
    """Whether ``value`` is labelled both ways (a pandas DataFrame, or alike)."""
    return is_labelled(value) and hasattr(value, "columns")


def labels_of(index: Any) -> list[Any]:
    """The labels of a pandas Index (or any iterable), as Python objects."""
    return list(index.tolist() if hasattr(index, "tolist") else index)


def label_problem(labels: list[Any], what: str, axis: str) -> str | None:
    """The message for the first label that is no string (so no product id), if any."""
    bad = next((label for label in labels if not isinstance(label, str)), None)
    if bad is None:
        return None
    hint = (" (labels 0, 1, 2 ... are positions: label it by product id, for example "
            "pd.Series(values, index=economy.products), or pass a dict)"
            if isinstance(bad, int | np.integer) else "")
    return f"{what}: {axis}label {shown(bad)} is not a product id{hint}"


def positions(
    products: NDArray[np.str_],
    labels: list[Any],
    what: str,
    error: type[GosplanError],
    *,
    axis: str = "",
    complete: bool = False,
    noun: str = "product",
    among: str = "a product of the economy",
) -> NDArray[np.intp]:
    """Where each label sits in ``products``.

    Unknown, repeated or (if ``complete``) missing products are errors of class ``error``
    naming the label.
    """
    axis = f"{axis} " if axis else ""
    problem = label_problem(labels, what, axis)
    if problem is not None:
        raise error(problem.replace("product id", f"{noun} id"))
    n = products.shape[0]
    if not labels:
        pos = np.zeros(0, dtype=np.intp)
    else:
        wanted = np.asarray(labels, dtype=np.str_)
        order = np.argsort(products, kind="stable")
        ordered = products[order]
        at = np.minimum(np.searchsorted(ordered, wanted), n - 1)
        known = ordered[at] == wanted
        if not known.all():
            label = labels[int(np.flatnonzero(~known)[0])]
            raise error(f"{what}: {axis}label {label!r} is not {among}")
        pos = order[at].astype(np.intp)
    seen = np.zeros(n, dtype=np.intp)
    np.add.at(seen, pos, 1)
    if (seen > 1).any():
        raise error(f"{what}: {axis}label {str(products[int(np.flatnonzero(seen > 1)[0])])!r} "
                    "appears more than once")
    if complete and (seen == 0).any():
        missing = str(products[int(np.flatnonzero(seen == 0)[0])])
        raise error(f"{what}: no value for {noun} {missing!r} (the {axis}labels must list "
                    f"every {noun})")
    return pos


def values_of(data: Any, labels: list[Any], what: str, error: type[GosplanError]) -> FloatArray:
    """The numbers of a labelled input as floats, naming the first label that is no number."""
    raw = np.asarray(data.to_numpy() if hasattr(data, "to_numpy") else data)
    try:
        return np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        pass
    if is_frame(data):  # name the column that holds something else than numbers
        for column in labels_of(data.columns):
            try:
                np.asarray(data[column].to_numpy(), dtype=np.float64)
            except (TypeError, ValueError, OverflowError):
                raise error(f"{what}: column {shown(column)} must hold numbers; got dtype "
                            f"{data[column].dtype}") from None
    flat = raw.reshape(-1) if raw.ndim else raw.reshape(1)
    for k, v in enumerate(flat.tolist()):
        try:
            float(v)
        except (TypeError, ValueError, OverflowError):
            where = f"[{labels[k]!r}]" if raw.ndim == 1 and k < len(labels) else ""
            raise error(f"{what}{where}: must be a number; got {_kind(v)} {shown(v)}") from None
    raise error(f"{what}: must be numbers; got {shown(data)}")  # pragma: no cover


def nonnegative(
    values: Any,
    n: int,
    name: str,
    entry: Callable[[int], str],
    error: type[GosplanError],
    *,
    per: str = "",
    allow_inf: bool = False,
) -> FloatArray:
    """``n`` numbers, each finite (or ``inf`` where allowed) and ``>= 0``, as floats.

    ``name`` starts the messages about the whole (``"targets:"``), ``entry(k)`` names entry
    ``k`` (``"targets['steel']:"``) and ``per`` says what an entry stands for
    (``" (one per product)"``); ``error`` is the class raised.
    """
    try:
        v = np.array(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError, OverflowError):
        raise error(f"{name} must be numbers; got {shown(values)}") from None
    if v.shape != (n,):
        raise error(f"{name} must have {n} entries{per}; got {v.shape[0]}")
    ok = (v >= 0) & (np.isfinite(v) | (allow_inf & (v == np.inf)))
    if not ok.all():
        k = int(np.flatnonzero(~ok)[0])
        kind = "a number >= 0" if allow_inf else "a finite number >= 0"
        raise error(f"{entry(k)} must be {kind}; got {float(v[k])!r}")
    return v


def aligned(
    products: NDArray[np.str_],
    series: Any,
    what: str,
    error: type[GosplanError],
    *,
    complete: bool = False,
) -> FloatArray:
    """A labelled vector (a Series indexed by product id) in product order.

    Products it leaves out get 0 unless ``complete``, when they are an error; unknown or
    repeated labels and labels that are no product id (positions) are always errors.
    """
    if is_frame(series):
        columns = labels_of(series.columns)
        if len(columns) != 1:
            raise error(f"{what}: must be a Series indexed by product id (or a one-column "
                        f"DataFrame); got a DataFrame of {len(columns)} columns")
    labels = labels_of(series.index)
    pos = positions(products, labels, what, error, complete=complete)
    values = values_of(series, labels, what, error).reshape(-1)
    out = np.zeros(products.shape[0])
    out[pos] = values
    return out

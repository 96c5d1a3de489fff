"""Economy folders and target files -> validated :class:`~gosplan.core.economy.Economy`.

The only module that reads user files. The format is described in docs/file-format.md.
"""

from __future__ import annotations

import tomllib
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import NDArray

from gosplan.core.economy import Economy
from gosplan.errors import EconomyError, InputFileError, NotProductiveError
from gosplan.scenarios.keys import MAX_DEPTH, MAX_TOML_BYTES, check_doc, check_keys, did_you_mean
from gosplan.scenarios.memo import Memo, copy_doc, stamp
from gosplan.scenarios.schema import EconomyFile, EconomyTable, ProductEntry
from gosplan.scenarios.tables import Table as Columns
from gosplan.scenarios.tables import (
    check_positions,
    check_values,
    ids_to_positions,
    read_table,
)
from gosplan.scenarios.validation import Table, validate

__all__ = [
    "ECONOMY_META_KEYS",
    "check_unique",
    "read_checked",
    "read_economy",
    "read_enterprises",
    "read_products",
    "read_targets",
    "read_toml",
    "toml_table",
]

ECONOMY_FILE = "economy.toml"
_PAIR = [[("input", "id"), ("output", "id")], [("input_index", "index"), ("output_index", "index")]]
_PRODUCT = [[("product", "id")], [("product_index", "index")]]


#: The keys [economy] may hold (others belong in [economy.metadata]).
ECONOMY_META_KEYS = frozenset(EconomyTable.model_fields) - {"metadata"}

_TOML: Memo[Hashable, dict[str, Any]] = Memo(64)
_ECONOMIES: Memo[Hashable, Economy] = Memo(8)
_CHECKED: Memo[Hashable, None] = Memo(64)


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into a one-line InputFileError.

    The caller owns the result (a fresh copy: callers may change it).
    """
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    size = path.stat().st_size
    if size > MAX_TOML_BYTES:
        raise InputFileError(
            f"{path}: {size:,} bytes is more than a TOML file may hold "
            f"({MAX_TOML_BYTES:,}; put large data in a table)"
        )
    doc: dict[str, Any] = copy_doc(_TOML.get(stamp([path]), lambda: _parse_toml(path)))
    return doc


def read_checked(path: Path, model: type[Table]) -> dict[str, Any]:
    """:func:`read_toml`, then the file checked against its schema ``model`` (one line if bad).

    A file that passed once is not checked again until it changes (the exhibit rereads its
    scenario for every new slider position).
    """
    doc = read_toml(path)
    key = stamp([path])
    _CHECKED.get(None if key is None else (key, model.__name__), lambda: validate(doc, model, path))
    return doc


def _parse_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except RecursionError:
        raise InputFileError(f"{path}: nested more than {MAX_DEPTH} deep") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(f"{path}: not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot be read ({exc})") from None
    check_doc(doc, path)
    return doc


def read_economy(path: str | Path) -> Economy:
    """Read an economy folder (or its ``economy.toml``) into an :class:`Economy`.

    Raises
    ------
    InputFileError
        A file is missing or malformed; the message names file, field and value.
    EconomyError
        The data are well-formed but inconsistent (for example not productive).
    """
    path = Path(path)
    folder = path.parent if path.suffix == ".toml" else path
    # An Economy is immutable, so a small folder read before is shared as it is.
    key = stamp(sorted(folder.iterdir())) if folder.is_dir() else None
    return _ECONOMIES.get(None if key is None else (str(path), key), lambda: _read_economy(path))


def _read_economy(path: Path) -> Economy:
    folder, toml_path = (
        (path.parent, path) if path.suffix == ".toml" else (path, path / ECONOMY_FILE)
    )
    if not folder.is_dir():
        raise InputFileError(f"{folder}: economy folder not found")
    if (folder / "activities.csv").is_file():  # activities have a reader of their own
        raise InputFileError(
            f"{folder}: holds activities.csv, an activity economy: read it with "
            "gosplan.scenarios.activity_files.read_activity_economy"
        )
    doc = read_checked(toml_path, EconomyFile)
    meta = doc["economy"]
    extra = meta.get("metadata") or {}
    ids, names, units = read_products(doc, meta, folder, toml_path, validated=True)
    n = ids.shape[0]
    index = pd.Index(ids)
    what = str(toml_path)

    def table_path(key: str, default: str | None) -> Path | None:
        value = meta.get(key, default)
        return None if value is None else folder / value

    technology = table_path("technology", "technology.csv")
    assert technology is not None
    A = _matrix(technology, n, index, what)
    capital_path = table_path("capital", None)
    capital = None if capital_path is None else _matrix(capital_path, n, index, what)
    labour = np.zeros(n)
    labour_path = table_path("labour", None)
    if labour_path is not None:
        pos, cols = _vector(labour_path, "coefficient", n, index, what)
        labour[pos] = cols["coefficient"]
    capacity = np.full(n, np.inf)
    depreciation = np.zeros(n)
    capacity_path = table_path("capacity", None)
    if capacity_path is not None:
        pos, cols = _vector(
            capacity_path,
            "capacity",
            n,
            index,
            what,
            allow_inf=True,
            optional=[("depreciation", "number")],
        )
        capacity[pos] = cols["capacity"]
        if "depreciation" in cols:
            depreciation[pos] = check_values(
                cols["depreciation"], label=str(capacity_path), column="depreciation", upper=1.0
            )
    labour_meta = doc.get("labour") or {}
    available = labour_meta.get("available", float("inf"))
    try:
        return Economy(
            products=ids,
            A=A,
            labour=labour,
            names=names,
            units=units,
            capacity=capacity,
            depreciation=depreciation,
            capital=capital,
            labour_available=float(available),
            labour_unit=str(labour_meta.get("unit", "")),
            name=str(meta.get("name", folder.name)),
            metadata={
                k: str(v) for k, v in {**meta, **extra}.items() if not isinstance(v, dict | list)
            },
        )
    except NotProductiveError as exc:
        raise NotProductiveError(exc.radius, f"{technology}: {exc}") from None
    except EconomyError as exc:
        raise EconomyError(f"{folder}: {exc}") from None


def read_targets(path: str | Path, economy: Economy) -> NDArray[np.float64]:
    """Read final-demand targets (CSV/Parquet ``product,quantity`` or TOML ``[targets]``).

    Products the file leaves out get zero. Returns a vector in the economy's product order.
    """
    path = Path(path)
    label = str(path)
    y = np.zeros(economy.n)
    if path.suffix.lower() == ".toml":
        doc = read_toml(path)
        check_keys(doc, ("targets",), label, what="table")
        table = toml_table(doc, "targets", path)
        for product, quantity in table.items():
            if not economy.has(product):
                hint = did_you_mean(product, economy.products.tolist())
                raise InputFileError(
                    f"{label}: [targets] {product!r} is not a product of the economy{hint}"
                )
            if isinstance(quantity, bool) or not isinstance(quantity, int | float):
                raise InputFileError(
                    f"{label}: [targets] {product} must be a number; got {quantity!r}"
                )
            if not (np.isfinite(quantity) and quantity >= 0):
                raise InputFileError(
                    f"{label}: [targets] {product} must be a finite number >= 0; got {quantity!r}"
                )
            y[economy.index(product)] = float(quantity)
        return y
    index = pd.Index(economy.products)
    pos, cols = _vector(path, "quantity", economy.n, index, "the economy")
    y[pos] = cols["quantity"]
    return y


def toml_table(
    doc: Mapping[str, Any],
    key: str,
    path: Path,
    *,
    required: bool = True,
    name: str | None = None,
) -> dict[str, Any]:
    """The table ``[key]`` of a parsed TOML ``doc`` read from ``path`` (``{}`` if optional)."""
    value = doc.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        got = "nothing" if value is None else repr(value)
        raise InputFileError(f"{path}: [{name or key}] must be a table; got {got}")
    return value


class _Products(Table):
    """The ``[[products]]`` of a file read without the whole of :class:`EconomyFile`."""

    what: ClassVar[str] = "table"
    products: list[ProductEntry] | None = None


def read_products(
    doc: Mapping[str, Any],
    meta: Mapping[str, Any],
    folder: Path,
    toml_path: Path,
    *,
    validated: bool = False,
) -> tuple[NDArray[np.str_], tuple[str, ...], tuple[str, ...]]:
    """Product ids, names and units, from ``[[products]]`` or the products table.

    ``validated`` says ``doc`` has passed the schema already (economy.toml's readers do).
    """
    if not validated:
        validate({"products": doc.get("products")} if "products" in doc else {}, _Products,
                 toml_path)
    listed = doc.get("products")
    table_name = meta.get("products_table")
    if table_name is not None:
        table_path = folder / str(table_name)
        cols = read_table(table_path, [("id", "id")], optional=[("name", "text"), ("unit", "text")])
        ids = cols["id"]
        names = tuple(cols["name"].tolist()) if "name" in cols else ()
        units = tuple(cols["unit"].tolist()) if "unit" in cols else ()
        check_unique(ids, str(table_path), "id")
        return ids.astype(np.str_), names, units
    if not isinstance(listed, list) or not listed:
        raise InputFileError(
            f"{toml_path}: [[products]] must list at least one product "
            "(or set [economy] products_table)"
        )
    ids_l, names_l, units_l = [], [], []
    for entry in listed:  # checked by the schema: tables, each with a non-empty id
        pid = entry["id"]
        ids_l.append(pid.strip())
        names_l.append(str(entry.get("name", pid)))
        units_l.append(str(entry.get("unit", "")))
    ids = np.asarray(ids_l, dtype=np.str_)
    check_unique(ids, str(toml_path), "[[products]] id")
    return ids, tuple(names_l), tuple(units_l)


def check_unique(ids: NDArray[Any], label: str, field: str) -> None:
    """Refuse a repeated id, naming the file (``label``), the field and the id."""
    seen: set[str] = set()
    if ids.size > 100_000:
        uniq, counts = np.unique(ids, return_counts=True)
        if uniq.size != ids.size:
            raise InputFileError(f"{label}: {field} {str(uniq[counts > 1][0])!r} appears twice")
        return
    for pid in ids.tolist():
        if pid in seen:
            raise InputFileError(f"{label}: {field} {pid!r} appears twice")
        seen.add(pid)


def _matrix(path: Path, n: int, index: pd.Index, what: str) -> sp.csr_array:
    label = str(path)
    cols = read_table(path, [_PAIR, ("coefficient", "number")])
    if "input" in cols:
        rows = ids_to_positions(cols["input"], index, label=label, column="input", what=what)
        outs = ids_to_positions(cols["output"], index, label=label, column="output", what=what)
    else:
        rows = check_positions(cols["input_index"], n, label=label, column="input_index")
        outs = check_positions(cols["output_index"], n, label=label, column="output_index")
    values = check_values(cols["coefficient"], label=label, column="coefficient")
    _no_repeats(rows * n + outs, label, "input,output pair")
    return sp.csr_array((values, (rows, outs)), shape=(n, n))


def _vector(
    path: Path,
    column: str,
    n: int,
    index: pd.Index,
    what: str,
    *,
    allow_inf: bool = False,
    optional: list[tuple[str, str]] | None = None,
) -> tuple[NDArray[np.int64], Columns]:
    label = str(path)
    cols = read_table(path, [_PRODUCT, (column, "number")], optional=optional or [])
    if "product" in cols:
        pos = ids_to_positions(cols["product"], index, label=label, column="product", what=what)
    else:
        pos = check_positions(cols["product_index"], n, label=label, column="product_index")
    _no_repeats(pos, label, "product")
    check_values(cols[column], label=label, column=column, allow_inf=allow_inf)
    return pos, cols


def _no_repeats(keys: NDArray[np.int64], label: str, field: str) -> None:
    order = np.argsort(keys, kind="stable")
    dup = np.flatnonzero(np.diff(keys[order]) == 0)
    if dup.size:
        row = int(order[dup[0] + 1]) + 1
        raise InputFileError(f"{label}: row {row}, {field} repeats an earlier row")


def read_enterprises(path: str | Path, economy: Economy) -> Any:
    """Read an enterprises table: ``enterprise,product,capacity[,unit_cost]`` (CSV or Parquet).

    Returns a :class:`~gosplan.core.quotas.Enterprises` in the economy's product order.
    """
    from gosplan.core.quotas import Enterprises

    path = Path(path)
    label = str(path)
    cols = read_table(
        path,
        [("enterprise", "id"), ("product", "id"), ("capacity", "number")],
        optional=[("unit_cost", "number")],
    )
    check_unique(cols["enterprise"], label, "enterprise")
    index = pd.Index(economy.products)
    product = ids_to_positions(
        cols["product"], index, label=label, column="product", what="the economy"
    )
    capacity = check_values(cols["capacity"], label=label, column="capacity")
    cost = cols.get("unit_cost")
    if cost is not None:
        cost = check_values(cost, label=label, column="unit_cost")
    return Enterprises(
        ids=cols["enterprise"].astype(np.str_),
        product=product,
        capacity=capacity,
        products=economy.products,
        unit_cost=cost,
    )

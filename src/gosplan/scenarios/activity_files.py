"""Activity-economy folders and DataFrames -> validated :class:`ActivityEconomy`.

A folder holds ``economy.toml`` (products as for a square economy, ``[labour]``, and the
amounts of the other primary resources under ``[resources]``) and long-form CSV tables::

    activities.csv   activity[,name][,unit][,capacity]
    outputs.csv      activity,product,quantity     (the make matrix B)
    inputs.csv       activity,product,quantity     (the use matrix U; optional)
    resources.csv    activity,resource,quantity    (the matrix R; optional)
    labour.csv       activity,coefficient          (labour per unit of level; optional)

See docs/activities.md. Every problem is one :class:`~gosplan.errors.InputFileError`
naming the file, the row or key, and the value.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import NDArray

from gosplan.core.activities import ActivityEconomy
from gosplan.core.economy import Economy
from gosplan.errors import EconomyError, InputFileError
from gosplan.scenarios.keys import check_keys, did_you_mean
from gosplan.scenarios.loader import (
    check_unique,
    read_economy,
    read_products,
    read_toml,
    toml_table,
)
from gosplan.scenarios.tables import Table, check_values, read_column, read_table

__all__ = [
    "ACTIVITIES_FILE",
    "activity_economy_from_dataframes",
    "is_activity_folder",
    "read_activity_economy",
    "read_activity_targets",
    "read_any_economy",
]

ACTIVITIES_FILE = "activities.csv"
_KEYS = {
    "": ("economy", "labour", "products", "resources"),
    "economy": ("name", "description", "year", "products_table", "sources", "source", "note",
                "metadata"),
    "labour": ("unit", "available", "source", "note"),
    "resource": ("available", "unit", "source", "note"),
}
_ACTIVITY_COLUMNS = [("name", "text"), ("unit", "text"), ("capacity", "number")]
_FLOW = [("activity", "id"), ("product", "id"), ("quantity", "number")]
_RESOURCE = [("activity", "id"), ("resource", "id"), ("quantity", "number")]
_LABOUR = [("activity", "id"), ("coefficient", "number")]


def is_activity_folder(path: str | Path) -> bool:
    """Whether ``path`` (a folder or its ``economy.toml``) holds an ``activities.csv``."""
    path = Path(path)
    folder = path.parent if path.suffix == ".toml" else path
    return (folder / ACTIVITIES_FILE).is_file()


def read_any_economy(path: str | Path) -> Economy | ActivityEconomy:
    """Read a square economy folder, or an activity one where it holds ``activities.csv``."""
    return read_activity_economy(path) if is_activity_folder(path) else read_economy(path)


def read_activity_economy(path: str | Path) -> ActivityEconomy:
    """Read an activity-economy folder (or its ``economy.toml``).

    Raises
    ------
    InputFileError
        A file is missing or malformed; the message names file, field and value.
    EconomyError
        The data are well-formed but inconsistent.
    """
    path = Path(path)
    folder, toml_path = (path.parent, path) if path.suffix == ".toml" else (
        path, path / "economy.toml")
    if not folder.is_dir():
        raise InputFileError(f"{folder}: economy folder not found")
    doc = read_toml(toml_path)
    check_keys(doc, _KEYS[""], str(toml_path), what="table")
    meta = toml_table(doc, "economy", toml_path, required=False)
    check_keys(meta, _KEYS["economy"], f"{toml_path}: [economy]",
               otherwise="; other facts go in [economy.metadata]")
    extra = toml_table(meta, "metadata", toml_path, required=False, name="economy.metadata")
    products, names, units = read_products(doc, meta, folder, toml_path)
    labour_meta = toml_table(doc, "labour", toml_path, required=False)
    check_keys(labour_meta, _KEYS["labour"], f"{toml_path}: [labour]")
    labour_available = _amount(labour_meta.get("available", float("inf")),
                               f"{toml_path}: [labour] available", positive=True)
    resources, available, resource_units = _resources(doc, toml_path)
    tables = {"activities": read_table(folder / ACTIVITIES_FILE, [("activity", "id")],
                                       optional=_ACTIVITY_COLUMNS),
              "outputs": read_table(folder / "outputs.csv", _FLOW)}
    for name, columns in (("inputs", _FLOW), ("resources", _RESOURCE), ("labour", _LABOUR)):
        file = folder / f"{name}.csv"
        if file.is_file():
            tables[name] = read_table(file, columns)
    labels = {name: str(folder / f"{name}.csv") for name in tables}
    built = _build(tables, labels, products, resources)
    try:
        return ActivityEconomy(
            products=products, names=names, units=units, resources=resources,
            available=available, resource_units=resource_units,
            labour_available=labour_available, labour_unit=str(labour_meta.get("unit", "")),
            name=str(meta.get("name", folder.name)),
            metadata={k: str(v) for k, v in {**meta, **extra}.items()
                      if not isinstance(v, dict | list)},
            **built,
        )
    except EconomyError as exc:
        raise EconomyError(f"{folder}: {exc}") from None


def activity_economy_from_dataframes(
    activities: Any,
    outputs: Any,
    *,
    inputs: Any = None,
    resource_use: Any = None,
    labour: Any = None,
    available: Mapping[str, float] | None = None,
    products: Any = None,
    labour_available: float = float("inf"),
    **fields: Any,
) -> ActivityEconomy:
    """An activity economy from long-form DataFrames with the columns of the folder's tables.

    ``activities``: ``activity[,name][,unit][,capacity]``; ``outputs`` and ``inputs``:
    ``activity,product,quantity``; ``resource_use``: ``activity,resource,quantity``;
    ``labour``: ``activity,coefficient``; ``available``: ``{resource: amount}`` (every
    resource used must be listed). ``products`` defaults to the products of ``outputs``
    then ``inputs``, in order of first appearance. Other keyword arguments (``name``,
    ``labour_unit``, ``units`` ...) go to :class:`ActivityEconomy`.

    Raises
    ------
    InputFileError
        A frame lacks a column or holds a bad value; the message names frame, row, column.
    """
    frames = {"activities": activities, "outputs": outputs, "inputs": inputs,
              "resources": resource_use, "labour": labour}
    specs = {"activities": [("activity", "id")], "outputs": _FLOW, "inputs": _FLOW,
             "resources": _RESOURCE, "labour": _LABOUR}
    tables: dict[str, Table] = {}
    for name, frame in frames.items():
        if frame is None:
            continue
        if not isinstance(frame, pd.DataFrame):
            raise InputFileError(f"{name}: must be a pandas DataFrame; got {type(frame).__name__}")
        label = f"{name} DataFrame"
        table: Table = {}
        optional = _ACTIVITY_COLUMNS if name == "activities" else []
        for column, kind in specs[name]:
            if column not in frame.columns:
                raise InputFileError(f"{label}: missing column {column}; got columns "
                                     f"{','.join(map(str, frame.columns))}")
            table[column] = read_column(frame[column].reset_index(drop=True), column, kind, label)
        for column, kind in optional:
            if column in frame.columns:
                table[column] = read_column(frame[column].reset_index(drop=True), column, kind,
                                        label)
        tables[name] = table
    if products is None:
        seen = [tables[t]["product"] for t in ("outputs", "inputs") if t in tables]
        products = pd.unique(pd.Index(np.concatenate(seen))).astype(str)
    product_ids = np.asarray(list(products), dtype=np.str_)
    amounts = dict(available or {})
    resource_ids = np.asarray(list(amounts), dtype=np.str_)
    labels = {name: f"{name} DataFrame" for name in tables}
    built = _build(tables, labels, product_ids, resource_ids)
    return ActivityEconomy(products=product_ids, resources=resource_ids,
                           available=[float(a) for a in amounts.values()],
                           labour_available=labour_available, **built, **fields)


def _amount(value: Any, where: str, *, positive: bool = False) -> float:
    ok = not isinstance(value, bool) and isinstance(value, int | float)
    ok = ok and (value > 0 if positive else value >= 0)
    if not ok:
        raise InputFileError(f"{where} must be a number {'> 0' if positive else '>= 0'}; "
                             f"got {value!r}")
    return float(value)


def _resources(doc: Mapping[str, Any], toml_path: Path
               ) -> tuple[NDArray[np.str_], list[float], list[str]]:
    """``[resources]``: ``name = amount`` or ``name = {available = amount, unit = "..."}``."""
    table = toml_table(doc, "resources", toml_path, required=False)
    ids, amounts, units = [], [], []
    for name, spec in table.items():
        where = f"{toml_path}: [resources] {name}"
        if isinstance(spec, dict):
            check_keys(spec, _KEYS["resource"], where)
            if "available" not in spec:
                raise InputFileError(f"{where}: missing key 'available' (the amount there is)")
            amounts.append(_amount(spec["available"], f"{where} available"))
            units.append(str(spec.get("unit", "")))
        else:
            amounts.append(_amount(spec, where))
            units.append("")
        ids.append(name)
    return np.asarray(ids, dtype=np.str_), amounts, units


def _positions(ids: NDArray[Any], known: NDArray[np.str_], *, label: str, column: str,
               noun: str) -> NDArray[np.int64]:
    """Positions of ``ids`` among ``known``, or a message naming the first unknown one."""
    pos = pd.Index(known).get_indexer(pd.Index(ids))
    unknown = pos < 0
    if unknown.any():
        row = int(np.flatnonzero(unknown)[0])
        hint = did_you_mean(str(ids[row]), known.tolist())
        raise InputFileError(f"{label}: row {row + 1}, {column} {str(ids[row])!r} is not "
                             f"{noun}{hint}")
    return np.asarray(pos, dtype=np.int64)


def _no_repeats(keys: NDArray[np.int64], label: str, field: str) -> None:
    order = np.argsort(keys, kind="stable")
    dup = np.flatnonzero(np.diff(keys[order]) == 0)
    if dup.size:
        row = int(order[dup[0] + 1]) + 1
        raise InputFileError(f"{label}: row {row}, {field} repeats an earlier row")


def _build(tables: Mapping[str, Table], labels: Mapping[str, str],
           products: NDArray[np.str_], resources: NDArray[np.str_]) -> dict[str, Any]:
    """The matrices and vectors of :class:`ActivityEconomy` from checked long-form tables."""
    acts = tables["activities"]
    activities = acts["activity"].astype(np.str_)
    check_unique(activities, labels["activities"], "activity")
    n, m, k = products.shape[0], activities.shape[0], resources.shape[0]
    out: dict[str, Any] = {"activities": activities}
    if "name" in acts:
        out["activity_names"] = tuple(w or a for w, a in zip(acts["name"].tolist(),
                                                              activities.tolist(), strict=True))
    if "unit" in acts:
        out["activity_units"] = tuple(acts["unit"].tolist())
    if "capacity" in acts:
        out["capacity"] = check_values(acts["capacity"], label=labels["activities"],
                                       column="capacity", allow_inf=True)
    where_products = "a product of the economy"
    where_activities = f"an activity of {labels['activities']}"
    for name, key, rows_of, noun, size in (
        ("outputs", "make", products, where_products, n),
        ("inputs", "use", products, where_products, n),
        ("resources", "resource_use", resources, "a resource of [resources] in economy.toml",
         k),
    ):
        table = tables.get(name)
        if table is None:
            out[key] = sp.csr_array((size, m))
            continue
        label = labels[name]
        column = "resource" if name == "resources" else "product"
        rows = _positions(table[column], rows_of, label=label, column=column, noun=noun)
        cols = _positions(table["activity"], activities, label=label, column="activity",
                          noun=where_activities)
        values = check_values(table["quantity"], label=label, column="quantity")
        _no_repeats(rows * m + cols, label, f"activity,{column} pair")
        out[key] = sp.csr_array((values, (rows, cols)), shape=(size, m))
    if "labour" in tables:
        table, label = tables["labour"], labels["labour"]
        cols = _positions(table["activity"], activities, label=label, column="activity",
                          noun=where_activities)
        _no_repeats(cols, label, "activity")
        labour = np.zeros(m)
        labour[cols] = check_values(table["coefficient"], label=label, column="coefficient")
        out["labour"] = labour
    return out


def read_activity_targets(path: str | Path, economy: ActivityEconomy) -> NDArray[np.float64]:
    """Targets for an activity economy: CSV/Parquet ``product,quantity`` or TOML ``[targets]``.

    Products the file leaves out get zero. Returns a vector in the economy's product order.
    """
    path = Path(path)
    label = str(path)
    y = np.zeros(economy.n)
    index = pd.Index(economy.products)
    if path.suffix.lower() == ".toml":
        doc = read_toml(path)
        check_keys(doc, ("targets",), label, what="table")
        for product, quantity in toml_table(doc, "targets", path).items():
            at = int(index.get_indexer(pd.Index([product]))[0])
            if at < 0:
                hint = did_you_mean(product, economy.products.tolist())
                raise InputFileError(f"{label}: [targets] {product!r} is not a product of "
                                     f"the economy{hint}")
            y[at] = _amount(quantity, f"{label}: [targets] {product}")
            if not np.isfinite(y[at]):
                raise InputFileError(f"{label}: [targets] {product} must be a finite number "
                                     f">= 0; got {quantity!r}")
        return y
    cols = read_table(path, [("product", "id"), ("quantity", "number")])
    pos = _positions(cols["product"], economy.products, label=label, column="product",
                     noun="a product of the economy")
    _no_repeats(pos, label, "product")
    y[pos] = check_values(cols["quantity"], label=label, column="quantity")
    return y

"""Economies -> economy folders (the format of docs/file-format.md), written atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import scipy.sparse as sp
import tomli_w
from numpy.typing import NDArray

from gosplan.core.economy import Economy
from gosplan.scenarios.atomic import atomic_folder
from gosplan.scenarios.loader import ECONOMY_FILE, ECONOMY_META_KEYS

__all__ = ["PARQUET_FROM", "write_economy"]

#: ``fmt="auto"`` writes Parquet (with integer positions) from this many products up.
PARQUET_FROM = 100_000
_ROW_GROUP = 8_000_000


def write_economy(
    economy: Economy,
    folder: str | Path,
    *,
    targets: NDArray[np.float64] | None = None,
    fmt: Literal["auto", "csv", "parquet"] = "auto",
    description: str = "",
) -> Path:
    """Write ``economy`` (and optionally final-demand ``targets``) as an economy folder.

    Small economies get CSV tables keyed by product id; large ones Parquet tables keyed by
    integer positions (``input_index,output_index``), which read back in seconds at 10^7
    products. The folder appears whole or not at all.
    """
    parquet = fmt == "parquet" or (fmt == "auto" and economy.n >= PARQUET_FROM)
    ext = "parquet" if parquet else "csv"
    with atomic_folder(folder, marker=ECONOMY_FILE) as tmp:
        meta: dict[str, Any] = {"name": economy.name or Path(folder).name}
        if description:
            meta["description"] = description
        meta.update(
            {
                k: v
                for k, v in economy.metadata.items()
                if k not in meta
                and k
                not in ("technology", "labour", "capacity", "capital", "products_table", "name")
            }
        )
        meta.update(
            technology=f"technology.{ext}", labour=f"labour.{ext}", capacity=f"capacity.{ext}"
        )
        if economy.capital is not None:
            meta["capital"] = f"capital.{ext}"
        # Keys the reader does not know are free-form metadata, kept in their own table.
        table: dict[str, Any] = {k: v for k, v in meta.items() if k in ECONOMY_META_KEYS}
        extra = {k: v for k, v in meta.items() if k not in ECONOMY_META_KEYS}
        # A long [[products]] list would make economy.toml too large to read back
        # (keys.MAX_TOML_BYTES): large economies list their products in a table.
        listed = not parquet and economy.n < PARQUET_FROM
        if not parquet and not listed:
            table["products_table"] = "products.csv"
            pd.DataFrame(
                {"id": economy.products, "name": list(economy.names), "unit": list(economy.units)}
            ).to_csv(tmp / "products.csv", index=False)
        if parquet:
            table["products_table"] = "products.parquet"
            _parquet(
                tmp / "products.parquet",
                {
                    "id": pa.array(economy.products.tolist(), pa.string()),
                    "name": pa.array(list(economy.names), pa.string()),
                    "unit": pa.array(list(economy.units), pa.string()),
                },
            )
        if extra:
            table["metadata"] = extra
        labour: dict[str, Any] = {"unit": economy.labour_unit}
        if np.isfinite(economy.labour_available):
            labour["available"] = float(economy.labour_available)
        doc: dict[str, Any] = {"economy": table, "labour": labour}
        if listed:
            doc["products"] = [
                {"id": pid, "name": name, "unit": unit}
                for pid, name, unit in zip(
                    economy.products.tolist(), economy.names, economy.units, strict=True
                )
            ]
        # A library writes the TOML: any name (quotes, backslashes, control characters)
        # reads back as it was.
        (tmp / ECONOMY_FILE).write_text(tomli_w.dumps(doc), encoding="utf-8")
        _matrix(tmp / f"technology.{ext}", economy.A, economy.products, parquet)
        if economy.capital is not None:
            _matrix(tmp / f"capital.{ext}", economy.capital, economy.products, parquet)
        _vectors(tmp / f"labour.{ext}", economy.products, parquet, {"coefficient": economy.labour})
        _vectors(
            tmp / f"capacity.{ext}",
            economy.products,
            parquet,
            {"capacity": economy.capacity, "depreciation": economy.depreciation},
        )
        if targets is not None:
            _vectors(tmp / f"targets.{ext}", economy.products, parquet, {"quantity": targets})
    return Path(folder)


def _parquet(path: Path, columns: dict[str, pa.Array]) -> None:
    pq.write_table(pa.table(columns), path, row_group_size=_ROW_GROUP, compression="zstd")


def _matrix(path: Path, M: sp.csr_array, products: NDArray[np.str_], parquet: bool) -> None:
    counts = np.diff(M.indptr)
    if parquet:
        rows = np.repeat(np.arange(M.shape[0], dtype=np.int32), counts)
        _parquet(
            path,
            {
                "input_index": pa.array(rows),
                "output_index": pa.array(M.indices.astype(np.int32, copy=False)),
                "coefficient": pa.array(M.data),
            },
        )
        return
    frame = pd.DataFrame(
        {"input": np.repeat(products, counts), "output": products[M.indices], "coefficient": M.data}
    )
    frame.to_csv(path, index=False)


def _vectors(
    path: Path, products: NDArray[np.str_], parquet: bool, columns: dict[str, NDArray[np.float64]]
) -> None:
    if parquet:
        data = {"product_index": pa.array(np.arange(products.shape[0], dtype=np.int32))}
        data.update({k: pa.array(v) for k, v in columns.items()})
        _parquet(path, data)
        return
    pd.DataFrame({"product": products, **columns}).to_csv(path, index=False)

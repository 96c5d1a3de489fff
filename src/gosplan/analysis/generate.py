"""Synthetic economies to files: ``gosplan generate``."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from gosplan.analysis.limits import MAX_INPUTS, MAX_PRODUCTS, MAX_SEED
from gosplan.core.generate import CHUNK_COLUMNS, generate_economy
from gosplan.errors import InputFileError
from gosplan.scenarios.atomic import check_writable
from gosplan.scenarios.loader import ECONOMY_FILE
from gosplan.scenarios.writer import PARQUET_FROM, write_economy

__all__ = ["check_generate", "generate_files", "memory_needed"]

# Peak memory per coefficient (products times mean inputs) of generating and writing,
# measured: 33-41 bytes with Parquet (10^5 to 10^6 products, 20 to 100 inputs; 82 when the
# inputs are a fortieth of the products, where the total is small), 215-245 with CSV (the
# text of every row is held). Taken with a margin: better to refuse than to swap for an hour.
_BYTES_PER_COEFFICIENT = {"parquet": 60, "csv": 300}
# Per product: the vectors (labour, capacity, targets ...) and the product ids.
_BYTES_PER_PRODUCT = 200
# The interpreter and the libraries loaded.
_BASE = 2**29


def _format(products: int, fmt: str) -> str:
    return "parquet" if fmt == "parquet" or (fmt == "auto" and products >= PARQUET_FROM) else "csv"


def memory_needed(products: int, inputs: int, fmt: str = "auto") -> int:
    """Bytes of memory that generating and writing an economy of this size needs at peak."""
    per = _BYTES_PER_COEFFICIENT[_format(products, fmt)]
    return products * min(inputs, products) * per + products * _BYTES_PER_PRODUCT + _BASE


def _physical_memory() -> int | None:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_generate(products: int, inputs: int, seed: int = 0, fmt: str = "auto") -> None:
    """Refuse, before any work, sizes beyond the bounds or beyond this computer's memory.

    Raises
    ------
    InputFileError
        Naming the option, the bound and the value.
    """
    if not 2 <= products <= MAX_PRODUCTS:
        raise InputFileError(
            f"generate: --products must be an integer in 2..{MAX_PRODUCTS:,}; got {products}"
        )
    if not 1 <= inputs <= MAX_INPUTS:
        raise InputFileError(
            f"generate: --inputs must be an integer in 1..{MAX_INPUTS:,}; got {inputs}"
        )
    if not 0 <= seed <= MAX_SEED:
        raise InputFileError(f"generate: --seed must be an integer in 0..{MAX_SEED}; got {seed}")
    if fmt not in ("auto", "csv", "parquet"):
        raise InputFileError(f"generate: --format must be auto, csv or parquet; got {fmt!r}")
    need, have = memory_needed(products, inputs, fmt), _physical_memory()
    if have is not None and need > have:
        raise InputFileError(
            f"generate: --products {products:,} with --inputs {inputs:,} needs about "
            f"{need / 2**30:,.1f} GiB of memory as {_format(products, fmt)}; this computer has "
            f"{have / 2**30:,.1f} GiB (fewer products or inputs"
            + (", or --format parquet)" if _format(products, fmt) == "csv" else ")")
        )


def generate_files(
    products: int,
    inputs: int,
    *,
    seed: int,
    out: str | Path,
    fmt: Literal["auto", "csv", "parquet"] | str = "auto",
    capital: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Generate an economy of ``products`` products and write it, with its targets, to ``out``.

    The sizes (:func:`check_generate`: bounds and memory) and ``out`` are checked first.
    """
    check_generate(products, inputs, seed, fmt)
    check_writable(out, marker=ECONOMY_FILE)
    # One step more than the generator's: writing the files.
    report = progress if progress is not None else (lambda done, total: None)
    generated = generate_economy(
        products, inputs, seed=seed, capital=capital,
        progress=lambda done, total: report(done, total + 1),
    )
    description = (
        f"Synthetic economy: {products} products, about {inputs} inputs each, "
        f"seed {seed}; see docs/generator.md for the model."
    )
    folder = write_economy(
        generated.economy,
        out,
        targets=generated.targets,
        fmt=fmt,  # type: ignore[arg-type]
        description=description,
    )
    steps = -(-products // CHUNK_COLUMNS) + 2
    report(steps, steps)
    return folder

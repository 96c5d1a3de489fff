"""Synthetic economies to files: ``gosplan generate``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from gosplan.core.generate import generate_economy
from gosplan.scenarios.writer import write_economy

__all__ = ["generate_files"]


def generate_files(
    products: int,
    inputs: int,
    *,
    seed: int,
    out: str | Path,
    fmt: Literal["auto", "csv", "parquet"] | str = "auto",
    capital: bool = False,
) -> Path:
    """Generate an economy of ``products`` products and write it, with its targets, to ``out``."""
    generated = generate_economy(products, inputs, seed=seed, capital=capital)
    description = (
        f"Synthetic economy: {products} products, about {inputs} inputs each, "
        f"seed {seed}; see docs/generator.md for the model."
    )
    return write_economy(
        generated.economy,
        out,
        targets=generated.targets,
        fmt=fmt,  # type: ignore[arg-type]
        description=description,
    )

#!/usr/bin/env python
"""Rewrite the JSON Schemas of gosplan's TOML files (docs/KIND.schema.json).

    python scripts/regenerate-schema.py [FOLDER]

Writes docs/scenario.schema.json, counterfactual, parameters, uncertainty and economy
beside it, from the models of src/gosplan/scenarios/schema.py (``gosplan schema KIND``
prints the same text). Run it after a change to the models, to the policy levers or to the
parameters of the model; a test fails while the committed files differ from the models.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The checkout's own code, whatever copy of gosplan is installed.
sys.path.insert(0, str(ROOT / "src"))

from gosplan.scenarios.schema import FILES, json_schema_text  # noqa: E402


def main(argv: list[str]) -> int:
    """Write one schema file per kind of file into ``argv[0]`` (default docs/) and name it."""
    if len(argv) > 1:
        print("usage: regenerate-schema.py [FOLDER]", file=sys.stderr)
        return 2
    folder = Path(argv[0]) if argv else ROOT / "docs"
    for kind in FILES:
        path = folder / f"{kind}.schema.json"
        path.write_text(json_schema_text(kind), encoding="utf-8")
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

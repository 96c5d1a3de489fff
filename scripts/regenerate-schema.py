#!/usr/bin/env python
"""Rewrite the JSON Schemas of gosplan's TOML files (docs/KIND.schema.json).

    python scripts/regenerate-schema.py [FOLDER]

Writes docs/scenario.schema.json, counterfactual, parameters, uncertainty and economy
beside it, from the models of src/gosplan/scenarios/schema.py (``gosplan schema KIND``
prints the same text), and the table of policy levers in FOLDER/scenario-format.md. Run it
after a change to the models, to the policy levers or to the parameters of the model; tests
fail while the committed files differ from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The checkout's own code, whatever copy of gosplan is installed.
sys.path.insert(0, str(ROOT / "src"))

from gosplan.scenarios.schema import FILES, json_schema_text  # noqa: E402
from gosplan.sim.levers import DEFAULTS, LEVERS  # noqa: E402

LEVER_TABLE = (
    "<!-- The lever table is written by scripts/regenerate-schema.py. -->\n",
    "<!-- End of the lever table. -->\n",
)


def lever_table() -> str:
    """The Markdown table of the policy levers: bounds, default and meaning."""
    rows = ["| lever | bounds | default | meaning |", "|---|---|---|---|"]
    for name, (lo, hi, what) in sorted(LEVERS.items()):
        default = f"{DEFAULTS[name]:g}" if name in DEFAULTS else "required"
        rows.append(f"| `{name}` | [{lo:g}, {hi:g}] | {default} | {what} |")
    return "\n".join(rows) + "\n"


def write_lever_table(path: Path) -> None:
    """Replace the text between the lever table's markers in ``path``."""
    text = path.read_text(encoding="utf-8")
    start, end = (text.index(marker) for marker in LEVER_TABLE)
    head = text[: start + len(LEVER_TABLE[0])]
    path.write_text(head + lever_table() + text[end:], encoding="utf-8")


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
    doc = folder / "scenario-format.md"
    if doc.is_file():
        write_lever_table(doc)
        print(doc)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

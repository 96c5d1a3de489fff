#!/usr/bin/env python
"""Rewrite the exhibit's default uncertainty bands (src/gosplan/web/data/bands.csv).

    python scripts/regenerate-bands.py [OUT]

Runs a seeded ensemble of ussr-1928 over the exhibit's years (weather and parameters
varied, one member after another: seconds, no cluster) and writes each series' 5-95 %
range by year. Run it after a change to the model that is meant to move its numbers, and
read the diff before committing it. The same model and seed give the same bytes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The checkout's own code, whatever copy of gosplan is installed: the bands must come
# from the model they ship with.
sys.path.insert(0, str(ROOT / "src"))

from gosplan.web.bands import DEFAULT_BANDS, RUNS, write_default_bands  # noqa: E402


def main(argv: list[str]) -> int:
    """Write the bands file (to ``argv[0]`` if given) and name it."""
    if len(argv) > 1:
        print("usage: regenerate-bands.py [OUT]", file=sys.stderr)
        return 2
    path = write_default_bands(Path(argv[0]) if argv else DEFAULT_BANDS)
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"wrote {shown} ({RUNS} members)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

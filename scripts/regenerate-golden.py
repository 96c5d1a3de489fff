#!/usr/bin/env python
"""Rewrite the golden files of the default runs (tests/golden/) from the model as it is now.

    python scripts/regenerate-golden.py

Run it from anywhere after a change to the model that is meant to move its numbers, then
read the diff of tests/golden/ before committing it: every changed number is a claim.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The checkout's own code, whatever copy of gosplan is installed: the golden files must
# come from the model they sit beside.
sys.path.insert(0, str(ROOT / "src"))

from gosplan.analysis.golden import write_golden  # noqa: E402

FOLDER = ROOT / "tests" / "golden"


def main() -> int:
    """Write the golden files and name them."""
    for path in write_golden(FOLDER):
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The most work one call may ask for, declared once: the workflows check them, the CLI shows them.

Every count a user gives is bounded before any work starts, so a typo (``--runs 10000000``)
is an error in a second rather than a machine busy for a week or out of memory. The bounds
are generous for real use:

- ``MAX_PRODUCTS`` 10^7: the size of economy the planner is built for (README).
- ``MAX_INPUTS`` 1,000 inputs per product on average: detailed input-output tables have a
  few dozen; the generator's cost grows with products times inputs, checked separately
  against memory (:func:`gosplan.analysis.generate.generate_files`).
- ``MAX_RUNS`` 100,000 ensemble members; ``MAX_SAMPLES`` 100,000 Morris trajectories or
  Sobol base samples.
- ``MAX_WORKERS`` 256 local worker processes (a larger cluster is reached with
  ``--scheduler``); ``MAX_BATCH`` 10,000 members per Dask task.
- ``MAX_EVALUATIONS`` 10,000 least-squares iterations of the calibration.
- ``MAX_SEED`` 2^63 - 1: seeds are stored in 64-bit integer columns.
- ``MAX_TIMEOUT`` one day, in seconds, to wait for a scheduler.

This module imports nothing, so the command line can read it without loading the workflows.
"""

from __future__ import annotations

__all__ = [
    "MAX_BATCH",
    "MAX_EVALUATIONS",
    "MAX_INPUTS",
    "MAX_PRODUCTS",
    "MAX_RUNS",
    "MAX_SAMPLES",
    "MAX_SEED",
    "MAX_TIMEOUT",
    "MAX_WORKERS",
]

MAX_PRODUCTS = 10_000_000
MAX_INPUTS = 1_000
MAX_RUNS = 100_000
MAX_SAMPLES = 100_000
MAX_WORKERS = 256
MAX_BATCH = 10_000
MAX_EVALUATIONS = 10_000
MAX_SEED = 2**63 - 1
MAX_TIMEOUT = 86_400.0

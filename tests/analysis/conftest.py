"""A real Dask cluster for the ensemble tests: two worker processes, one thread each."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def cluster2() -> Iterator[Any]:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=":0",  # any free port: never clash with 8787
            silence_logs=logging.CRITICAL,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@pytest.fixture
def cluster1() -> Iterator[Any]:
    # Function-scoped: two clients alive in one process confuse the futures of a task that
    # is rescheduled after a worker dies (its state is bound to the other event loop).
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=1,
            processes=True,
            threads_per_worker=1,
            dashboard_address=":0",  # any free port: never clash with 8787
            silence_logs=logging.CRITICAL,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client

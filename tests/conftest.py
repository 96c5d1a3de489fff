from __future__ import annotations

from pathlib import Path

import pytest

from gosplan import Economy
from gosplan.scenarios.writer import write_economy

MILLER_BLAIR_A = [[0.15, 0.25], [0.20, 0.05]]


@pytest.fixture
def miller_blair() -> Economy:
    """Miller & Blair (2009), Input-Output Analysis, section 2.3: the two-sector example."""
    return Economy(
        products=["agriculture", "manufacturing"],
        A=MILLER_BLAIR_A,
        labour=[0.3, 0.2],
        capacity=[900.0, 5000.0],
        units=("$", "$"),
        labour_available=1000.0,
        labour_unit="person-years",
        name="Miller-Blair",
    )


@pytest.fixture
def mb_folder(tmp_path: Path, miller_blair: Economy) -> Path:
    """The Miller & Blair economy written as an economy folder, with its targets."""
    return write_economy(miller_blair, tmp_path / "mb", targets=[350.0, 1700.0])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark by what a test uses, so the markers cannot drift from the tests.

    Everything under ``tests/browser`` drives Chromium; a test that takes a Dask cluster
    fixture starts one. ``slow`` is marked on each test by hand, where it is measured.
    """
    for item in items:
        if "browser" in Path(str(item.fspath)).parts:
            item.add_marker(pytest.mark.browser)
        if {"cluster1", "cluster2"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.cluster)

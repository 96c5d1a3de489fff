"""The exhibit shows an ensemble's bands behind the historical run, and only there."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

from gosplan.cli import main
from gosplan.errors import InputFileError
from gosplan.web.app import create_app, ensemble_bands
from tests.web.conftest import BASE

# Each test here runs the simulator (module fixtures): the whole module is slow.
pytestmark = [pytest.mark.slow, pytest.mark.cluster]


@pytest.fixture(scope="module")
def ensemble(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ensemble") / "ens"
    code = main(["ensemble", "--runs", "4", "--workers", "1", "--years", "1928:1932",
                 "--vary", "weather", "--out", str(out)])
    assert code == 0
    return out


def test_bands_behind_history_only(ensemble: Path) -> None:
    bands = ensemble_bands(ensemble)
    low = {year: lo for year, lo, _ in bands["grain_harvest"]}
    high = {year: hi for year, _, hi in bands["grain_harvest"]}
    assert sorted(low) == [1928.0, 1929.0, 1930.0, 1931.0, 1932.0]
    assert all(low[y] < high[y] for y in (1929.0, 1931.0))  # the weather differs
    with TestClient(create_app(ensemble), base_url=BASE) as client:
        page = client.get("/showcase/famine").text
        assert "ensemble, 5–95 %" in page
        assert page.count("<polygon") >= 2
        changed = client.get("/showcase/famine", params={"exports": "0"})
        assert changed.status_code == 200
        assert "ensemble, 5–95 %" not in changed.text
        svg = client.get("/showcase/famine/chart/procurement.svg").text
        assert "<polygon" in svg
    # Without an ensemble folder: the packaged bands under their own label, or none at all.
    with TestClient(create_app(), base_url=BASE) as client:
        page = client.get("/showcase/famine").text
        assert "model ensemble, 5–95 %" not in page
        assert "model uncertainty (100 runs), 5–95 %" in page
    with TestClient(create_app(bands=False), base_url=BASE) as client:
        assert "5–95 %" not in client.get("/showcase/famine").text


def test_a_folder_without_an_ensemble_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(InputFileError):
        ensemble_bands(tmp_path)
    assert main(["exhibit", "--ensemble", str(tmp_path / "none"), "--port", "8765"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gosplan: error: ")
    assert err.count("\n") == 1

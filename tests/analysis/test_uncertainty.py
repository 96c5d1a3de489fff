"""The declared uncertain parameters: every span sourced in reasoning, inside the declared range."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gosplan.errors import InputFileError
from gosplan.scenarios.simfiles import load_scenario
from gosplan.scenarios.uncertainty import load_uncertainty


def test_builtin_spans_lie_in_the_parameters_ranges() -> None:
    sc = load_scenario("ussr-1928")
    unc = load_uncertainty(sc)
    assert len(unc.parameters) >= 10
    for p in unc.parameters:
        lo, hi = sc.parameters[p.name]["range"]
        assert lo <= p.low <= p.value <= p.high <= hi
        assert p.why
    # The 1933 scenario and counterfactuals read the same parameters, and the same spans.
    assert load_uncertainty("ussr-1933").names == unc.names
    assert load_uncertainty("gradual-collectivization").names == unc.names


def test_from_unit_maps_the_cube_onto_the_spans() -> None:
    unc = load_uncertainty("ussr-1928")
    d = len(unc.parameters)
    low, mid, high = (unc.from_unit(np.full(d, u)) for u in (0.0, 0.5, 1.0))
    assert np.array_equal(low, [p.low for p in unc.parameters])
    assert np.array_equal(high, [p.high for p in unc.parameters])
    assert (low <= mid).all()
    assert (mid <= high).all()
    tri = [k for k, p in enumerate(unc.parameters) if p.distribution == "triangular"]
    assert tri
    for k in tri:
        p = unc.parameters[k]
        c = (p.value - p.low) / (p.high - p.low)
        assert unc.from_unit(np.full(d, c))[k] == pytest.approx(p.value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[nothing]\nrange = [0, 1]\nwhy = "x"\n', "[nothing] is not a parameter"),
        ('[famine_threshold]\nrange = [0.1, 0.3]\nwhy = "x"\n', "must lie inside"),
        ('[famine_threshold]\nrange = [0.26, 0.3]\nwhy = "x"\n', "must contain the parameter"),
        ('[famine_threshold]\nrange = [0.24, 0.27]\n', "why must give the reasoning"),
        ('[famine_threshold]\nrange = [0.24, 0.27]\nwhy = "x"\ndistribution = "normal"\n',
         "distribution must be one of"),
    ],
)
def test_bad_files_name_file_and_key(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "uncertainty.toml"
    path.write_text(text)
    with pytest.raises(InputFileError) as info:
        load_uncertainty("ussr-1928", path)
    assert fragment in str(info.value)
    assert str(path) in str(info.value)

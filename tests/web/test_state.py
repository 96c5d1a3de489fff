from __future__ import annotations

import math
import shlex

import pytest

from gosplan.scenarios.simfiles import load_scenario
from gosplan.web.state import SCENARIO, SLIDERS, State, StateError, cli_command


def test_default_state_is_history_with_no_sets() -> None:
    state = State.parse([])
    assert state.is_default
    assert state.sets() == ()
    assert state.query() == ""
    assert cli_command(state) == "gosplan run ussr-1928 --years 1928:1937"


def test_values_at_their_default_are_dropped_and_order_is_canonical() -> None:
    state = State.parse([("procurement", "0.2"), ("ambition", "1.0"), ("exports", "0")])
    assert state.levers == (("procurement", 0.2), ("exports", 0.0))
    assert state.query() == "procurement=0.2&exports=0"
    assert State.parse([("exports", "0"), ("procurement", "0.20")]) == state


def test_value_lever_sets_every_year_it_names() -> None:
    state = State.parse([("procurement", "0.31")])
    assert state.sets() == (
        "policy.procurement_share.1930=0.31",
        "policy.procurement_share.1931=0.31",
        "policy.procurement_share.1932=0.31",
    )


def test_scale_lever_multiplies_the_scenarios_own_history() -> None:
    spec = load_scenario(SCENARIO).spec
    years = list(spec.policy.years)
    history = spec.policy.levers["collectivization"]
    sets = State.parse([("collectivization", "0.5")]).sets()
    got = {s.split("=")[0]: float(s.split("=")[1]) for s in sets}
    for year in (1929, 1930, 1931, 1932):
        expected = history[years.index(year)] * 0.5
        assert got[f"policy.collectivization.{year}"] == pytest.approx(expected, rel=1e-5)
    assert "policy.collectivization_peak.1930" in got


@pytest.mark.parametrize("key", sorted(SLIDERS))
def test_every_slider_at_both_ends_gives_sets_the_simulator_accepts(key: str) -> None:
    s = SLIDERS[key]
    for value in (s.low, s.high):
        state = State.parse([(key, repr(value))])
        scenario = load_scenario(SCENARIO, state.sets())  # raises if any set is invalid
        for lever in s.policies:
            values = scenario.spec.policy.levers[lever]
            assert all(math.isfinite(v) for v in values.tolist())
        load_scenario("ussr-1933", state.sets())


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([("collectivization", "1.7")], "collectivization: 1.7 is outside 0–1.6"),
        ([("procurement", "abc")],
         "procurement: 'abc' is not a number written with the digits 0-9"),
        ([("procurement", "nan")],
         "procurement: 'nan' is not a number written with the digits 0-9"),
        # Python's float() reads other scripts' digits, "_" and spaces; the exhibit does not.
        ([("exports", "٣")], "exports: '٣' is not a number written with the digits 0-9"),
        ([("exports", "１")], "exports: '１' is not a number written with the digits 0-9"),
        ([("exports", "①")], "exports: '①' is not a number written with the digits 0-9"),
        ([("exports", "1_0")], "exports: '1_0' is not a number written with the digits 0-9"),
        ([("exports", " 1")], "exports: ' 1' is not a number written with the digits 0-9"),
        ([("exports", "1e400")], "exports: '1e400' is not a finite number"),
        ([("exports", "1" * 10_000)],
         "exports: a number of at most 32 characters is expected; got 10000 characters"),
        ([("x" * 100, "1")], "x" * 39 + "…: is not a lever of the exhibit"),
        ([("dekulakization", "0.5")], "dekulakization: 0.5 is neither 0 (off) nor 1 (on)"),
        ([("steel", "1")], "steel: is not a lever of the exhibit"),
        ([("p.famine_threshold", "0.9")], "p.famine_threshold: 0.9 is outside 0.15–0.35"),
        ([("p.yield_base", "1")], "p.yield_base: is not a lever of the exhibit"),
        ([("exports", "1"), ("exports", "0")], "exports: given more than once"),
    ],
)
def test_invalid_values_name_the_field_and_the_range(
    items: list[tuple[str, str]], message: str
) -> None:
    with pytest.raises(StateError) as info:
        State.parse(items)
    assert str(info.value) == message


def test_overlong_query_is_refused() -> None:
    with pytest.raises(StateError, match="longer than"):
        State.from_query([("x" * 5000, "1")])


def test_parameters_become_param_sets_and_command_quotes_them() -> None:
    state = State.parse([("p.famine_threshold", "0.2"), ("relief", "0.5")])
    assert state.sets()[-1] == "param.famine_threshold=0.2"
    words = shlex.split(cli_command(state))
    assert words[:5] == ["gosplan", "run", "ussr-1928", "--years", "1928:1937"]
    assert [w for w in words[5:] if w != "--set"] == list(state.sets())

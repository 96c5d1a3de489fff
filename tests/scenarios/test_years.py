"""A value given for year Y holds from Y until the next year given, never before.

The rule of docs/scenario-format.md, checked where values come from: a scenario file, a
counterfactual on top of it, a counterfactual carried into the scenario that continues it,
and ``--set``.
"""

from __future__ import annotations

from pathlib import Path

from gosplan.scenarios.simfiles import Scenario, load_scenario

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "counterfactual" / "late-and-slow.toml"


def _path(sc: Scenario, lever: str, years: range) -> list[float]:
    return [sc.spec.policy.at(lever, y) for y in years]


def test_scenario_values_hold_until_the_next_year_given() -> None:
    sc = load_scenario("ussr-1928")
    # plan_raised = { 1928 = 0, 1930 = 1 }: 1929 keeps 1928's value, 1931-32 keep 1930's.
    assert _path(sc, "plan_raised", range(1928, 1933)) == [0, 0, 1, 1, 1]
    # foreign_credit = { 1928 = 717, 1930 = 640, 1932 = 566 }
    assert _path(sc, "foreign_credit", range(1928, 1933)) == [717, 717, 640, 640, 566]


def test_counterfactual_rules_from_its_first_year_only(tmp_path: Path) -> None:
    path = tmp_path / "cf.toml"
    path.write_text(
        'base = "ussr-1928"\n[policy.foreign_credit]\nunit = "mn rubles"\n'
        'values = { 1929 = 100.0, 1931 = 200.0 }\nsource = "assumed"\nwhy = "a test"\n'
    )
    sc = load_scenario(path)
    # 1928 is the base's; from 1929 the counterfactual's, none of the base's later years.
    assert _path(sc, "foreign_credit", range(1928, 1933)) == [717, 100, 100, 200, 200]


def test_set_for_one_year_holds_until_the_files_next_year() -> None:
    sc = load_scenario("ussr-1928", ["policy.foreign_credit.1929=100"])
    assert _path(sc, "foreign_credit", range(1928, 1933)) == [717, 100, 640, 640, 566]
    sc = load_scenario("ussr-1928", ["policy.heavy_share.1930=0.5"])
    assert _path(sc, "heavy_share", range(1928, 1933)) == [0.8, 0.8, 0.5, 0.5, 0.5]


def test_set_without_a_year_holds_for_every_year() -> None:
    sc = load_scenario("ussr-1928", ["policy.foreign_credit=100"])
    assert _path(sc, "foreign_credit", range(1928, 1933)) == [100] * 5


def test_set_on_a_counterfactual_keeps_its_earlier_years() -> None:
    sc = load_scenario("no-dekulakization", ["policy.dekulakization.1931=1"])
    assert _path(sc, "dekulakization", range(1928, 1933)) == [0, 0, 0, 1, 1]


def test_carried_value_is_the_last_one_given_before_the_continuation() -> None:
    """A counterfactual's table carried into 1933 holds its value of 1930, not of 1928."""
    carried = {
        "foreign_credit": {
            "unit": "mn rubles",
            "values": {"1928": 717.0, "1930": 100.0},
            "source": "assumed",
            "why": "a test",
        }
    }
    sc = load_scenario("ussr-1933", carried=carried)
    assert _path(sc, "foreign_credit", range(1933, 1938)) == [100] * 5


def test_worked_example_counterfactual() -> None:
    """The example of docs/scenario-format.md loads, and its years read as the text says."""
    sc = load_scenario(EXAMPLE)
    base = load_scenario("ussr-1928")
    assert sc.base == "ussr-1928"
    assert sc.title == "Collectivization late and slow"
    years = range(1928, 1933)
    # Until 1929 the base's values; from 1930 the example's, each until its next year.
    assert _path(sc, "collectivization", years)[:2] == _path(base, "collectivization", years)[:2]
    assert _path(sc, "collectivization", years)[2:] == [0.05, 0.05, 0.15]
    assert _path(sc, "collectivization_peak", years)[2:] == [0.05, 0.05, 0.15]
    assert _path(sc, "grain_export_plan", years) == [0.089, 0.178, 2.0, 2.0, 0.0]
    # Levers the file leaves alone are the base's.
    assert _path(sc, "heavy_share", years) == _path(base, "heavy_share", years)


def test_docs_show_the_example_and_every_lever() -> None:
    """docs/scenario-format.md quotes the example file whole and lists every lever."""
    from gosplan.sim.levers import DEFAULTS, LEVERS

    text = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    assert f"```toml\n{EXAMPLE.read_text(encoding='utf-8')}```" in text
    # The table scripts/regenerate-schema.py writes: every lever, its bounds and default.
    for name, (lo, hi, what) in LEVERS.items():
        default = f"{DEFAULTS[name]:g}" if name in DEFAULTS else "required"
        assert f"| `{name}` | [{lo:g}, {hi:g}] | {default} | {what} |" in text, name

"""``gosplan plan --verbose`` shows the solver's log on stderr; the old --lp flag still works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_plan_cli import assert_one_line_error, run


def test_optimal_verbose_shows_the_highs_log(capsys: pytest.CaptureFixture[str],
                                             mb_folder: Path) -> None:
    code, out, err = run(capsys, "plan", str(mb_folder), "--method", "optimal", "--json",
                         "--verbose")
    assert code == 0
    assert "Model status" in err  # HiGHS's own words
    assert "Objective value" in err
    json.loads(out)  # the log stays off stdout


def test_optimal_is_silent_without_verbose(capsys: pytest.CaptureFixture[str],
                                           mb_folder: Path) -> None:
    code, _, err = run(capsys, "plan", str(mb_folder), "--method", "optimal", "--json")
    assert code == 0
    assert err == ""


@pytest.mark.parametrize(("solver", "line"), [
    ("direct", "direct (sparse LU): relative residual"),
    ("gmres", "gmres: done after"),
    ("neumann", "neumann: iteration"),
])
def test_balance_verbose_shows_the_solves(capsys: pytest.CaptureFixture[str], mb_folder: Path,
                                          solver: str, line: str) -> None:
    code, out, err = run(capsys, "plan", str(mb_folder), "--solver", solver, "--json",
                         "--verbose")
    assert code == 0
    assert line in err
    assert json.loads(out)["solver"] == solver
    code, _, err = run(capsys, "plan", str(mb_folder), "--solver", solver, "--json")
    assert err == ""


def test_harmony_verbose_shows_the_price_search(capsys: pytest.CaptureFixture[str],
                                                mb_folder: Path) -> None:
    code, _, err = run(capsys, "plan", str(mb_folder), "--method", "harmony", "--json",
                       "--verbose")
    assert code == 0
    assert "harmony: iteration 0, fulfilment" in err
    assert "Model status" in err  # the diagnosis's LP


def test_old_lp_flag_warns_and_works(capsys: pytest.CaptureFixture[str], mb_folder: Path) -> None:
    code, out, err = run(capsys, "plan", str(mb_folder), "--method", "optimal", "--json",
                         "--lp", "closed_form")
    assert code == 0
    assert err == "warning: --lp is deprecated; use --lp-method\n"
    assert json.loads(out)["lp_method"] == "closed_form"


def test_old_and_new_lp_flags_together_are_refused(capsys: pytest.CaptureFixture[str],
                                                   mb_folder: Path) -> None:
    code, _, err = run(capsys, "plan", str(mb_folder), "--method", "optimal",
                       "--lp", "ipm", "--lp-method", "pdlp")
    assert_one_line_error(code, err, "--lp: give --lp-method or its old name --lp, not both")


def test_old_flag_is_hidden_from_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "--help")
    assert code == 0
    assert "--lp-method" in out
    assert "--verbose" in out
    assert "--lp " not in out


def test_five_year_verbose_shows_the_highs_log(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", "--years", "2", "--json", "--verbose")
    assert code == 0
    assert "Model status" in err
    json.loads(out)
    code, _, err = run(capsys, "plan", "--years", "2", "--json")
    assert (code, err) == (0, "")


def test_activity_verbose_shows_the_highs_log(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    from tests.scenarios.test_activity_files import write

    shop = write(tmp_path / "shop", **{"targets.csv": "product,quantity\nset,1\n"})
    code, out, err = run(capsys, "plan", str(shop), "--method", "optimal", "--json",
                         "--verbose")
    assert code == 0
    assert "Model status" in err
    json.loads(out)
    code, _, err = run(capsys, "plan", str(shop), "--method", "optimal", "--json")
    assert (code, err) == (0, "")


def test_solver_log_reaches_solves_deep_in_other_modules() -> None:
    # The context the CLI opens around five-year and activity plans; Python callers get
    # the same through verbose= on multiyear_plan and activity_plan.
    from gosplan.core.solvers.highs import solver_log, solver_log_on

    assert not solver_log_on()
    with solver_log(False):
        assert not solver_log_on()
        with solver_log():
            assert solver_log_on()
        assert not solver_log_on()

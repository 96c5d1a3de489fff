"""Cockshott's CSV format: read as it is, and planned as his own LP would plan it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import linprog

from gosplan.core.multiyear import multiyear_plan
from gosplan.errors import InputFileError
from gosplan.scenarios.cockshott import read_cockshott

# A small economy in his exact format: a "headings" corner, the product rows in the
# header's order, "labour" and "output" rows in the flows, a "labour" column after the
# products in the targets, rows year1, year2 ..., blank lines (one holding a space),
# a trailing space after a number and Windows line ends in one file.
FILES = {
    "flows.csv": "headings,steel,coal,grain,bread\n"
                 "steel,0.5,0.2,0.1,0\n"
                 "coal,3,0.4,0,0.5\n"
                 "grain,0,0,0.8,6\n"
                 "bread,0,0,0,0\n"
                 "labour,2,3,4,1\n"
                 "output,8,12,20,5\n",
    "cap.csv": "headings,steel,coal,grain,bread\r\n"
               "steel,16,10,4,2\r\n"
               "coal,0,0,0,0\r\n"
               "grain,0,0,3,0\r\n"
               "bread,0,0,0,0\r\n"
               " \r\n",
    "dep.csv": "headings,steel,coal,grain,bread\n"
               "steel,0.05,0.05,0.08,0.1\n"
               "coal,0,0,0,0\n"
               "grain,0,0,0.5,0\n"
               "bread,0,0,0,0\n",
    "labtarg.csv": "headings,steel,coal,grain,bread,labour\n"
                   "year1,0.5,4,2,4.0,40\n"
                   "year2,0.5,4,2,4.2,41\n"
                   "year3,0.6,4.2,2,4.4,42 \n",
}


def write(folder: Path, **changes: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (FILES | changes).items():
        (folder / name).write_bytes(text.encode())
    return folder


def his_lp(folder: Path) -> float:
    """Cockshott's n-year LP built as his planner writes it, variable by variable.

    Per year: output x_j, flows f_ji, labour lab_j, stocks K_ji, depreciation D_ji,
    accumulation acc_ji, totals, final consumption c_i, fulfilment λ, labour of the year.
    Every variable >= 0 (lp_solve's default); the objective is Σ λ.
    """
    def table(name: str) -> np.ndarray:
        lines = [ln.split(",") for ln in (folder / name).read_text().splitlines()
                 if ln.strip()]
        return np.array([[float(c) for c in ln[1:]] for ln in lines[1:]])

    flows, cap, dep, lt = (table(f) for f in ("flows.csv", "cap.csv", "dep.csv",
                                              "labtarg.csv"))
    n, T = cap.shape[0], lt.shape[0]
    out, lab = flows[n + 1], flows[n]
    names: dict[tuple[object, ...], int] = {}

    def v(*key: object) -> int:
        return names.setdefault(key, len(names))

    ub: list[tuple[dict[int, float], float]] = []
    eq: list[tuple[dict[int, float], float]] = []
    for t in range(T):
        for i in range(n):
            if lt[t, i] > 0:
                ub.append(({v("lam", t): 1.0, v("c", i, t): -1.0 / lt[t, i]}, 0.0))
        ub.append(({**{v("lab", j, t): 1.0 for j in range(n)}, v("L", t): -1.0}, 0.0))
        ub.append(({v("L", t): 1.0}, lt[t, n]))
        for j in range(n):
            for i in range(n):
                if cap[i, j]:
                    ub.append(({v("x", j, t): 1.0, v("K", j, i, t): -out[j] / cap[i, j]}, 0))
                if flows[i, j]:
                    ub.append(({v("x", j, t): 1.0, v("f", j, i, t): -out[j] / flows[i, j]}, 0))
                eq.append(({v("D", j, i, t): 1.0, v("K", j, i, t): -dep[i, j]}, 0.0))
                if t:
                    ub.append(({v("K", j, i, t): 1.0, v("K", j, i, t - 1): -1.0,
                                v("acc", j, i, t - 1): -1.0, v("D", j, i, t - 1): 1.0}, 0.0))
                else:
                    ub.append(({v("K", j, i, t): 1.0}, cap[i, j]))
            ub.append(({v("x", j, t): 1.0, v("lab", j, t): -out[j] / lab[j]}, 0.0))
            ub.append(({**{v("acc", i, j, t): 1.0 for i in range(n)}, v("A", j, t): -1.0}, 0))
            ub.append(({**{v("f", i, j, t): 1.0 for i in range(n)}, v("P", j, t): -1.0}, 0))
            ub.append(({v("c", j, t): 1.0, v("x", j, t): -1.0, v("A", j, t): 1.0,
                        v("P", j, t): 1.0}, 0.0))
    N = len(names)

    def dense(rows: list[tuple[dict[int, float], float]]) -> tuple[np.ndarray, np.ndarray]:
        M = np.zeros((len(rows), N))
        for r, (coef, _) in enumerate(rows):
            for k, a in coef.items():
                M[r, k] += a
        return M, np.array([b for _, b in rows], dtype=float)

    c = np.zeros(N)
    for t in range(T):
        c[names[("lam", t)]] = -1.0
    A_ub, b_ub = dense(ub)
    A_eq, b_eq = dense(eq)
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, method="highs")
    assert res.status == 0
    return float(-res.fun)


def plan_of(folder: Path) -> object:
    got = read_cockshott(folder)
    return multiyear_plan(got.economy, got.targets, objective="sum",
                          labour_path=got.labour_path, capital_stock=got.capital_stock,
                          capital_depreciation=got.capital_depreciation,
                          first_year=got.first_year)


def test_his_files_are_read_as_his_planner_reads_them(tmp_path: Path) -> None:
    got = read_cockshott(write(tmp_path / "e"))
    e = got.economy
    assert e.products.tolist() == ["steel", "coal", "grain", "bread"]
    assert e.A.toarray()[1, 0] == pytest.approx(3 / 8)  # flows / output
    assert e.labour[2] == pytest.approx(4 / 20)
    assert e.capital.toarray()[0, 1] == pytest.approx(10 / 12)  # cap / output
    assert got.capital_stock.toarray()[2, 2] == 3.0
    assert got.capital_depreciation.toarray()[2, 2] == 0.5
    np.testing.assert_allclose(got.labour_path, [40, 41, 42])
    np.testing.assert_allclose(got.targets[2], [0.6, 4.2, 2, 4.4])
    assert got.first_year == 1


def test_the_plan_is_his_lps_optimum(tmp_path: Path) -> None:
    folder = write(tmp_path / "e")
    plan = plan_of(folder).raise_for_status()  # type: ignore[attr-defined]
    assert plan.objective_value == pytest.approx(his_lp(folder), rel=1e-8)
    assert plan.calendar_years == [1, 2, 3]


def test_four_files_by_name_and_calendar_years(tmp_path: Path) -> None:
    folder = write(tmp_path / "e", **{"labtarg.csv": FILES["labtarg.csv"].replace(
        "year1,", "year1928,").replace("year2,", "year1929,").replace("year3,", "year1930,")})
    got = read_cockshott(*(folder / n for n in ("flows.csv", "cap.csv", "dep.csv",
                                                "labtarg.csv")))
    assert got.first_year == 1928


@pytest.mark.parametrize(
    ("file", "text", "match"),
    [
        ("flows.csv", FILES["flows.csv"].replace("output,8", "output,0"),
         r"flows.csv: row output, column 'steel' must be > 0 .*got 0.0"),
        ("flows.csv", FILES["flows.csv"].replace("labour,2,3,4,1\n", ""),
         r"flows.csv: must have one row 'labour'; got 0"),
        ("flows.csv", FILES["flows.csv"].replace("coal,3", "coal,x3"),
         r"flows.csv: row 'coal', column 2 must be a number; got 'x3'"),
        ("cap.csv", FILES["cap.csv"].replace("grain,0,0,3", "grain,0,0,-3"),
         r"cap.csv: row 'grain', column 4 must be a finite number >= 0; got '-3'"),
        ("cap.csv", FILES["cap.csv"].replace("headings,steel,coal", "headings,coal,steel"),
         r"cap.csv: header column 2 must be 'steel' .*got 'coal'"),
        ("dep.csv", FILES["dep.csv"].replace("grain,0,0,0.5", "grain,0,0,1.5"),
         r"dep.csv: row 'grain', column 'grain' must be a share in \[0, 1\]; got 1.5"),
        ("dep.csv", FILES["dep.csv"].replace("bread,0,0,0,0\n", ""),
         r"dep.csv: row 5 must be product 'bread' .*got the end of the file"),
        ("labtarg.csv", FILES["labtarg.csv"].replace("year2", "yr2"),
         r"labtarg.csv: row 3 must be named year1, year2 .*got 'yr2'"),
        ("labtarg.csv", FILES["labtarg.csv"].replace("year3", "year4"),
         r"labtarg.csv: years must follow one another from year1; row 4 is 'year4'"),
        ("labtarg.csv", FILES["labtarg.csv"].replace(",labour", ",hours"),
         r"labtarg.csv: no column 'labour'"),
        ("labtarg.csv", FILES["labtarg.csv"].replace("4.2,41", "4.2,lots"),
         r"labtarg.csv: row 'year2', column 6 must be a number; got 'lots'"),
    ],
)
def test_bad_files_are_one_line_naming_file_row_and_value(tmp_path: Path, file: str,
                                                          text: str, match: str) -> None:
    folder = write(tmp_path / "e", **{file: text})
    with pytest.raises(InputFileError, match=match):
        read_cockshott(folder)


def test_a_missing_file_or_a_partial_list_is_an_error(tmp_path: Path) -> None:
    folder = write(tmp_path / "e")
    (folder / "dep.csv").unlink()
    with pytest.raises(InputFileError, match=r"dep.csv: file not found"):
        read_cockshott(folder)
    with pytest.raises(InputFileError, match="needs four files"):
        read_cockshott(folder / "flows.csv", folder / "cap.csv")


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import gosplan.scenarios.cockshott as cockshott

    monkeypatch.setattr(cockshott, "MAX_COCKSHOTT_BYTES", 100)
    with pytest.raises(InputFileError, match=r"flows.csv: 131 bytes is more than a table "
                                             r"may hold \(100\)"):
        read_cockshott(write(tmp_path / "e"))

"""The command line's error contract: one line for every failure, and an exit code that says why.

2: a bad command line or input; 1: a bug (``--debug`` shows the traceback); 130: Ctrl+C.
"""

from __future__ import annotations

import errno
import json
import tomllib
from pathlib import Path

import pytest

from gosplan.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# --- Usage errors: one line naming the command, the option, what it takes and the value ------

USAGE = [
    (["plan", "--years", "99"], "gosplan plan: --years must be an integer in 1..50; got 99."),
    (["plan", "--years", "x"], "gosplan plan: --years must be an integer in 1..50; got x."),
    (["plan", "--lag", "0"], "gosplan plan: --lag must be an integer in 1..10; got 0."),
    (["plan", "--tol", "nan"], "gosplan plan: --tol must be a number in 0..1; got nan."),
    (["plan", "--time-limit", "-1"], "gosplan plan: --time-limit must be a number >= 0; got -1."),
    (
        ["plan", "--method", "best"],
        "gosplan plan: --method must be one of balance, optimal, harmony; got best.",
    ),
    (["plan", "--bogus"], "gosplan plan: no such option --bogus"),
    (["plan", "--ot", "x"], "gosplan plan: no such option --ot (did you mean"),
    (["plan", "--years"], "gosplan plan: option '--years' requires an argument."),
    (["plan", "a", "b"], "gosplan plan: got unexpected extra argument(s) (b)."),
    (["compare"], "gosplan compare: missing argument SCENARIOS."),
    (["nonsense"], "gosplan: no such command 'nonsense'."),
    (
        ["generate", "--products", "10000001"],
        "gosplan generate: --products must be an integer in 2..10,000,000; got 10000001.",
    ),
    (
        ["generate", "--inputs", "1001"],
        "gosplan generate: --inputs must be an integer in 1..1,000; got 1001.",
    ),
    (["generate", "--products", "1"], "--products must be an integer in 2..10,000,000; got 1."),
    (["generate", "--seed", "-3"], "--seed must be an integer in 0..9223372036854775807; got -3."),
    (["generate", "--format", "xlsx"], "--format must be one of auto, csv, parquet; got xlsx."),
    (["run", "--seed", "1e3"], "gosplan run: --seed must be an integer in"),
    (
        ["calibrate", "--max-evaluations", "0"],
        "gosplan calibrate: --max-evaluations must be an integer in 1..10,000; got 0.",
    ),
    (["ensemble", "--runs", "0"], "gosplan ensemble: --runs must be an integer in 1..100,000"),
    (["ensemble", "--timeout", "-1"], "gosplan ensemble: --timeout must be a number in 0..86400"),
    (["sensitivity", "--workers", "257"], "--workers must be an integer in 1..256; got 257."),
    (["exhibit", "--port", "70000"], "gosplan exhibit: --port must be an integer in 1..65,535"),
    (["plan", "--out", "a\nb", "--years", "0"], "--years must be an integer in 1..50; got 0."),
    (["plan", "--years", "1\n2"], r"got '1\n2'."),
]


@pytest.mark.parametrize(("args", "expected"), USAGE)
def test_usage_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    line = one_line(err)
    assert expected in line
    assert line.endswith("--help'.")
    assert out == ""


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "plan", "--help")[0] == 0
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.startswith("gosplan ")


# --- Failures inside a command ---------------------------------------------------------------


def _raise(exc: BaseException):  # type: ignore[no-untyped-def]
    def fail(*_: object, **__: object) -> None:
        raise exc

    return fail


def test_a_bug_is_one_line_exit_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, mb_folder: Path
) -> None:
    import gosplan.analysis.plan

    monkeypatch.setattr(gosplan.analysis.plan, "balanced_plan", _raise(ZeroDivisionError("x/0")))
    code, _, err = run(capsys, "plan", str(mb_folder))
    assert code == 1
    assert one_line(err) == (
        "gosplan: internal error (a bug, please report it): ZeroDivisionError: x/0; "
        "run with --debug for the traceback"
    )


def test_debug_shows_the_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, mb_folder: Path
) -> None:
    import gosplan.analysis.plan

    monkeypatch.setattr(gosplan.analysis.plan, "balanced_plan", _raise(ZeroDivisionError("x/0")))
    code, _, err = run(capsys, "--debug", "plan", str(mb_folder))
    assert code == 1
    assert "Traceback (most recent call last)" in err
    assert "ZeroDivisionError: x/0" in err
    assert err.strip().splitlines()[-1].startswith("gosplan: internal error")


def test_debug_shows_the_traceback_of_an_input_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "--debug", "plan", str(tmp_path / "nowhere"))
    assert code == 2
    assert "Traceback" in err
    assert err.strip().splitlines()[-1].startswith("gosplan: error: ")


INPUT_ERRORS = [
    (
        FileNotFoundError(errno.ENOENT, "No such file or directory", "/x/parameters.toml"),
        "gosplan: error: /x/parameters.toml: No such file or directory",
    ),
    (PermissionError(errno.EACCES, "Permission denied", "t.csv"), "t.csv: Permission denied"),
    (
        UnicodeDecodeError("utf-8", b"ab\xff", 2, 3, "invalid start byte"),
        "a file is not UTF-8 text: byte b'\\xff' at position 2",
    ),
    (tomllib.TOMLDecodeError("Expected '=' (at line 1, column 3)"), "is not valid TOML: Expected"),
    (json.JSONDecodeError("Expecting value", "{", 1), "is not valid JSON"),
    (RecursionError("maximum recursion depth exceeded"), "nested too deeply"),
    (OverflowError("int too large to convert to float"), "a number is too large: int too large"),
    (MemoryError(), "not enough memory for this input"),
]


@pytest.mark.parametrize(("exc", "expected"), INPUT_ERRORS)
def test_builtin_errors_of_bad_input_are_exit_2(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    mb_folder: Path,
    exc: BaseException,
    expected: str,
) -> None:
    import gosplan.analysis.plan

    monkeypatch.setattr(gosplan.analysis.plan, "balanced_plan", _raise(exc))
    code, _, err = run(capsys, "plan", str(mb_folder))
    assert code == 2
    line = one_line(err)
    assert line.startswith("gosplan: error: ")
    assert expected in line


def test_a_multiline_message_stays_on_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, mb_folder: Path
) -> None:
    import gosplan.analysis.plan
    from gosplan.errors import InputFileError

    bad = InputFileError("t.csv: product 'a\nb\u2028c' is unknown")
    monkeypatch.setattr(gosplan.analysis.plan, "balanced_plan", _raise(bad))
    code, _, err = run(capsys, "plan", str(mb_folder))
    assert code == 2
    assert one_line(err) == r"gosplan: error: t.csv: product 'a\nb\u2028c' is unknown"


def test_ctrl_c_is_one_line_exit_130_and_writes_nothing(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    mb_folder: Path,
    tmp_path: Path,
) -> None:
    import gosplan.report.plan

    def interrupted(_run: object, path: Path) -> None:
        # Interrupted in the middle of writing: the staging file exists, the target not yet.
        from gosplan.scenarios.atomic import atomic_file

        with atomic_file(path) as tmp:
            tmp.write_text("half")
            raise KeyboardInterrupt

    monkeypatch.setattr(gosplan.report.plan, "write_plan", interrupted)
    out = tmp_path / "plan.csv"
    code, _, err = run(capsys, "plan", str(mb_folder), "--out", str(out))
    assert code == 130
    assert one_line(err).startswith("gosplan: interrupted")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mb"]


# --- Outputs are checked before any work -----------------------------------------------------


def _no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every workflow fail loudly (exit 1) if it is reached."""
    import gosplan.analysis.calibrate
    import gosplan.analysis.compare
    import gosplan.analysis.generate
    import gosplan.analysis.plan
    import gosplan.analysis.run
    import gosplan.analysis.sensitivity

    started = RuntimeError("work started before the output was checked")
    for module, name in [
        (gosplan.analysis.plan, "balanced_plan"),
        (gosplan.analysis.plan, "optimal_or_harmony"),
        (gosplan.analysis.plan, "five_year_plan"),
        (gosplan.analysis.plan, "enterprise_quotas"),
        (gosplan.analysis.run, "run_scenario"),
        (gosplan.analysis.compare, "compare"),
        (gosplan.analysis.calibrate, "calibrate"),
        (gosplan.analysis.sensitivity, "sensitivity"),
        (gosplan.analysis.generate, "generate_economy"),
    ]:
        monkeypatch.setattr(module, name, _raise(started))


OUT_COMMANDS = [
    ["plan", "--out", "{missing}/plan.csv"],
    ["plan", "--years", "2", "--out", "{missing}/plan.json"],
    ["plan", "--method", "optimal", "--out", "{missing}/plan.csv"],
    ["plan", "--out", "{tmp}/plan.xlsx"],
    ["quotas", "--out", "{missing}/q.csv"],
    ["run", "--out", "{missing}/report"],
    ["run", "--out", "{file}"],
    ["compare", "ussr-1928", "nep-continued", "--out", "{missing}/c.csv"],
    ["calibrate", "--out", "{missing}/p.toml"],
    ["calibrate", "--out", "{tmp}"],
    ["generate", "--products", "50", "--out", "{missing}/e"],
    ["generate", "--products", "50", "--out", "{file}"],
    ["ensemble", "--runs", "2", "--out", "{missing}/e"],
    ["ensemble", "--runs", "2", "--out", "{file}"],
    ["sensitivity", "--out", "{missing}/s"],
    ["sensitivity", "--out", "{file}"],
]


@pytest.mark.parametrize("args", OUT_COMMANDS, ids=lambda a: " ".join(a))
def test_an_unwritable_out_is_refused_before_any_work(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    args: list[str],
) -> None:
    _no_work(monkeypatch)
    file = tmp_path / "a-file.txt"
    file.write_text("mine")
    paths = {"missing": str(tmp_path / "no-such"), "tmp": str(tmp_path), "file": str(file)}
    argv = [a.format(**paths) for a in args]
    code, _, err = run(capsys, *argv)
    assert code == 2, err
    line = one_line(err)
    assert line.startswith("gosplan: error: ")
    assert any(
        words in line
        for words in ("does not exist", "not a folder", "is a folder", "--out must end in")
    ), line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file.txt"]


@pytest.mark.skipif(
    __import__("os").geteuid() == 0, reason="root may write into a read-only folder"
)
def test_a_read_only_folder_is_refused_before_any_work(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _no_work(monkeypatch)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, _, err = run(capsys, "plan", "--out", str(locked / "p.csv"))
    finally:
        locked.chmod(0o700)
    assert code == 2
    assert "is not writable" in one_line(err)


# --- Bounded work ----------------------------------------------------------------------------


def test_generate_refuses_what_memory_cannot_hold_before_allocating(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import gosplan.analysis.generate as gen

    _no_work(monkeypatch)
    monkeypatch.setattr(gen, "_physical_memory", lambda: 8 * 2**30)
    out = tmp_path / "big"
    code, _, err = run(
        capsys, "generate", "--products", "10000000", "--inputs", "20", "--out", str(out)
    )
    assert code == 2
    assert one_line(err) == (
        "gosplan: error: generate: --products 10,000,000 with --inputs 20 needs about 13.5 GiB "
        "of memory as parquet; this computer has 8.0 GiB (fewer products or inputs)"
    )
    assert not out.exists()


def test_generate_memory_estimate_counts_csv_dearer() -> None:
    from gosplan.analysis.generate import memory_needed

    base = memory_needed(2, 1, "parquet") - 2 * 60 - 2 * 200
    assert memory_needed(10**7, 20) == 10**7 * 20 * 60 + 10**7 * 200 + base
    assert memory_needed(1000, 20, "csv") == 1000 * 20 * 300 + 1000 * 200 + base
    assert memory_needed(10**6, 20, "csv") > 3 * memory_needed(10**6, 20, "parquet")
    # A product cannot use more inputs than there are products.
    assert memory_needed(10, 1000) == memory_needed(10, 10)


# --- The exhibit's address -------------------------------------------------------------------


def test_exhibit_on_a_port_in_use_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    import gosplan.web.app

    monkeypatch.setattr(gosplan.web.app, "serve", _raise(RuntimeError("served")))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out, err = run(capsys, "exhibit", "--port", str(port))
    assert code == 2
    assert one_line(err) == (
        f"gosplan: error: --port {port}: cannot listen on 127.0.0.1:{port} (Address already in "
        "use); choose another --port or --host"
    )
    assert out == ""


@pytest.mark.parametrize(
    ("host", "fragment"),
    [
        ("no such host", "--host 'no such host': cannot be resolved ("),
        ("192.0.2.1", "--host 192.0.2.1: not an address of this computer ("),
    ],
)
def test_exhibit_on_a_bad_host_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, host: str, fragment: str
) -> None:
    import gosplan.web.app

    monkeypatch.setattr(gosplan.web.app, "serve", _raise(RuntimeError("served")))
    if " " in host:  # no name server asked: the answer of one that does not know the name
        import socket

        unknown = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        monkeypatch.setattr(socket, "getaddrinfo", _raise(unknown))
    code, _, err = run(capsys, "exhibit", "--host", host, "--port", "8765")
    assert code == 2
    assert fragment in one_line(err)


def test_generate_as_csv_beyond_memory_suggests_parquet(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import gosplan.analysis.generate as gen

    _no_work(monkeypatch)
    monkeypatch.setattr(gen, "_physical_memory", lambda: 2**30)
    code, _, err = run(capsys, "generate", "-n", "1000000", "--format", "csv",
                       "--out", str(tmp_path / "e"))
    assert code == 2
    assert one_line(err).endswith(
        "as csv; this computer has 1.0 GiB (fewer products or inputs, or --format parquet)"
    )


def test_a_real_process_prints_the_usage_error_on_one_line() -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "gosplan", "plan", "--years", "99"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr == (
        "gosplan plan: --years must be an integer in 1..50; got 99. "
        "Try 'gosplan plan --help'.\n"
    )
    assert proc.stdout == ""

"""Outputs: the staging a killed run leaves is cleaned, files get the umask's permissions,
and an error while making an output blames the right file."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gosplan.cli import main
from gosplan.errors import OutputError
from gosplan.scenarios import atomic
from gosplan.scenarios.atomic import atomic_file, atomic_folder, clean_stale_staging, write_text


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def dead_pid() -> int:
    """The id of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def staging(folder: Path, name: str, pid: int, host: str | None = None, tmp: bool = True) -> Path:
    tag = atomic._host() if host is None else host
    return folder / f".{name}.gosplan-{tag}-{pid}.abc123{'.tmp' if tmp else ''}"


def test_staging_names_the_host_and_process(tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    with atomic_file(target) as tmp:
        assert tmp.parent == tmp_path
        assert tmp.name.startswith(f".plan.csv.gosplan-{atomic._host()}-{os.getpid()}.")
        assert tmp.name.endswith(".tmp")
        tmp.write_text("x")
    assert target.read_text() == "x"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


def test_stale_staging_of_dead_processes_is_removed_and_nothing_else(tmp_path: Path) -> None:
    gone = dead_pid()
    stale_file = staging(tmp_path, "plan.csv", gone)
    stale_file.write_text("half")
    stale_dir = staging(tmp_path, "plan.csv", gone, tmp=False)
    (stale_dir / "sub").mkdir(parents=True)
    (stale_dir / "sub" / "t.csv").write_text("half")
    live = staging(tmp_path, "plan.csv", os.getpid())
    live.write_text("being written")
    other_host = staging(tmp_path, "plan.csv", gone, host="000000")
    other_host.write_text("another machine's")
    other_target = staging(tmp_path, "plan.json", gone)
    other_target.write_text("another output's, as dead")
    old_style = tmp_path / ".plan.csv.k3j2l1.tmp"
    old_style.write_text("unknown owner")
    mine = tmp_path / "plan.csv.bak"
    mine.write_text("the user's")

    write_text(tmp_path / "plan.csv", "new")

    left = {p.name for p in tmp_path.iterdir()}
    assert left == {"plan.csv", live.name, other_host.name, old_style.name, mine.name}


def test_a_folder_is_cleaned_once_per_process(tmp_path: Path) -> None:
    write_text(tmp_path / "a.csv", "1")
    # Staging that appears later (a process that died meanwhile) waits for the next process.
    late = staging(tmp_path, "b.csv", dead_pid())
    late.write_text("half")
    write_text(tmp_path / "b.csv", "2")
    assert late.exists()


def test_clean_stale_staging_returns_what_it_removed(tmp_path: Path) -> None:
    stale = staging(tmp_path, "report", dead_pid(), tmp=False)
    stale.mkdir()
    assert clean_stale_staging(tmp_path / "report") == [stale]
    assert clean_stale_staging(tmp_path / "report") == []
    assert clean_stale_staging(tmp_path / "no-such-folder" / "report") == []


@pytest.mark.slow
def test_a_killed_run_leaves_staging_that_the_next_run_removes(
    tmp_path: Path, mb_folder: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "plan.csv"
    killed = (
        "import os, sys\n"
        "from gosplan.scenarios.atomic import atomic_file\n"
        "with atomic_file(sys.argv[1]) as tmp:\n"
        "    tmp.write_text('half a plan')\n"
        "    os._exit(9)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(atomic.__file__).parents[2])}
    subprocess.run([sys.executable, "-c", killed, str(out)], check=False, env=env)
    left = [p.name for p in folder.iterdir()]
    assert len(left) == 1
    assert left[0].startswith(".plan.csv.gosplan-")
    assert main(["plan", str(mb_folder), "--out", str(out)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["plan.csv"]


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize(("mask", "file_mode", "folder_mode"), [
    (0o022, 0o644, 0o755),
    (0o002, 0o664, 0o775),
    (0o077, 0o600, 0o700),
])
def test_outputs_get_the_permissions_of_the_umask(
    tmp_path: Path, mask: int, file_mode: int, folder_mode: int
) -> None:
    os.umask(mask)
    write_text(tmp_path / "a.txt", "x")
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == file_mode
    with atomic_folder(tmp_path / "report", marker="index.html") as tmp:
        write_text(tmp / "index.html", "<p>")
        (tmp / "plain.csv").write_text("a\n")
    assert (tmp_path / "report").stat().st_mode & 0o777 == folder_mode
    assert (tmp_path / "report" / "index.html").stat().st_mode & 0o777 == file_mode
    assert (tmp_path / "report" / "plain.csv").stat().st_mode & 0o777 == file_mode


@pytest.mark.usefixtures("umask")
def test_cli_outputs_are_readable_by_others_under_umask_022(
    tmp_path: Path, mb_folder: Path
) -> None:
    out = tmp_path / "plan.json"
    assert main(["plan", str(mb_folder), "--out", str(out), "--json"]) == 0
    assert out.stat().st_mode & 0o777 == 0o644
    economy = tmp_path / "economy"
    assert main(["generate", "--products", "20", "--inputs", "3", "--out", str(economy)]) == 0
    assert economy.stat().st_mode & 0o777 == 0o755
    assert (economy / "economy.toml").stat().st_mode & 0o777 == 0o644


def test_a_missing_source_file_is_blamed_not_the_output(tmp_path: Path) -> None:
    # Making an output may read other files: their errors pass as they are.
    target = tmp_path / "params.toml"
    source = tmp_path / "no-such" / "parameters.toml"
    with pytest.raises(FileNotFoundError) as caught, atomic_file(target) as tmp:
        tmp.write_text(source.read_text())
    assert not isinstance(caught.value, OutputError)
    assert caught.value.filename == str(source)
    assert list(tmp_path.iterdir()) == []


def test_cli_names_the_missing_source_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gosplan.analysis.calibrate as calibrate

    source = tmp_path / "parameters.toml"

    def write_calibrated(_scenario: object, _result: object, out: Path) -> Path:
        with atomic_file(out) as tmp:
            tmp.write_text(source.read_text())
        return out

    monkeypatch.setattr(calibrate, "calibrate", lambda *_, **__: None)
    monkeypatch.setattr(calibrate, "write_calibrated", write_calibrated)
    out = tmp_path / "fitted.toml"
    assert main(["calibrate", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"gosplan: error: {source}: No such file or directory"
    assert not out.exists()


def test_an_error_writing_the_staging_file_blames_the_output(tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    full = r"plan.csv: cannot write \(No space left on device\)"
    with pytest.raises(OutputError, match=full), atomic_file(target) as tmp:
        raise OSError(28, "No space left on device", str(tmp))
    quota = r"plan.csv: cannot write \(Disk quota exceeded\)"
    with pytest.raises(OutputError, match=quota), atomic_file(target):
        raise OSError(122, "Disk quota exceeded")
    assert list(tmp_path.iterdir()) == []

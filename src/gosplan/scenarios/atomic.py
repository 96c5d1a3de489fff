"""Write files and folders so that an interrupted or failed run leaves nothing half-written.

Each file is written to a temporary name beside its target and renamed over it (atomic on
POSIX); a folder is assembled under a temporary name and swapped in whole.

The temporary (staging) names are ``.NAME.gosplan-HOST-PID.RANDOM`` (``.tmp`` added for a
file): the host and the process that owns them. A run that is killed cannot remove its
staging; the next write into the same folder removes the staging left there by processes
of this host that no longer exist, and nothing else (never a name of another pattern, never
one of a live process or of another host). Each folder is looked at once per process.

Files and folders are created with the permissions the user's umask allows, as ``open``
and ``mkdir`` would make them (the temporary-file functions make them private).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from gosplan.errors import OutputError

__all__ = ["atomic_file", "atomic_folder", "check_writable", "clean_stale_staging", "write_text"]

_STAGING = re.compile(
    r"\.(?P<name>.+)\.gosplan-(?P<host>[0-9a-f]{6})-(?P<pid>[0-9]+)\.[^./]+(\.tmp)?"
)


def _host() -> str:
    # A short tag of this machine: on a shared file system a process id means nothing
    # about another host's processes, so only this host's staging is ever removed.
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]


def _prefix(target: Path) -> str:
    return f".{target.name}.gosplan-{_host()}-{os.getpid()}."


def _umask() -> int:
    # /proc gives the umask without changing it; os.umask's read-and-restore briefly
    # changes it for every thread of the process.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # it exists (another user's), or the number is not a process id at all
    return True


# Folders this process has cleaned: one look per folder, not one per file written (an
# ensemble writes 10^5 member files into one folder).
_cleaned: set[Path] = set()


def _clean_once(target: Path) -> None:
    parent = target.parent.absolute()
    if parent not in _cleaned:
        clean_stale_staging(target)
        _cleaned.add(parent)


def clean_stale_staging(target: str | Path) -> list[Path]:
    """Remove the staging left beside ``target`` by processes of this host that are gone.

    Returns the paths removed. Only names of this module's staging pattern are considered
    (for any target in the same folder); an entry that cannot be removed is left (it is
    harmless).
    """
    path = Path(target)
    removed: list[Path] = []
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return removed
    host = _host()
    for entry in entries:
        match = _STAGING.fullmatch(entry.name)
        if match is None or match["host"] != host:
            continue
        if _alive(int(match["pid"])):
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except OSError:
            continue
        removed.append(entry)
    return removed


def check_writable(path: str | Path, *, marker: str | None = None) -> None:
    """Refuse, before any work, an output that the writers below would refuse at the end.

    ``marker`` None: ``path`` is a file (:func:`atomic_file`); otherwise a folder
    (:func:`atomic_folder` with that marker). Raises :class:`~gosplan.errors.OutputError`.
    """
    target = Path(path)
    if marker is None:
        if target.is_dir():
            raise OutputError(f"{target}: cannot write: is a folder, expected a file")
    elif target.exists():
        if not target.is_dir():
            raise OutputError(f"{target}: cannot write: exists and is not a folder")
        if any(target.iterdir()) and not (target / marker).exists():
            raise OutputError(f"{target}: cannot write: folder is not empty and holds no {marker}")
    parent = target.parent
    if not parent.is_dir():
        what = "does not exist" if not parent.exists() else "is not a folder"
        raise OutputError(f"{target}: cannot write: folder {str(parent)!r} {what}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{target}: cannot write: folder {str(parent)!r} is not writable")


def _ours(exc: OSError, staging: Path) -> bool:
    """Whether ``exc`` is about the staging path (or names no file): the target's fault."""
    names = [n for n in (exc.filename, exc.filename2) if n is not None]
    if not names:
        return True
    for name in names:
        try:
            p = Path(os.fsdecode(name))
        except TypeError:
            return True
        if p == staging or staging in p.parents:
            return True
    return False


@contextmanager
def atomic_file(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it is renamed to ``path``.

    An error writing the temporary file blames ``path`` (:class:`OutputError`); an
    ``OSError`` about another file (one read to make the output) passes unchanged.
    """
    target = Path(path)
    check_writable(target)
    _clean_once(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=_prefix(target), suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({_reason(exc)})") from None
    tmp_path = Path(tmp)
    try:
        try:
            yield tmp_path
        except OSError as exc:
            if not _ours(exc, tmp_path):
                raise
            raise OutputError(f"{target}: cannot write ({_reason(exc)})") from None
        try:
            # The body may have replaced the file; set the mode on what will be renamed.
            tmp_path.chmod(0o666 & ~_umask())
            os.replace(tmp_path, target)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write ({_reason(exc)})") from None
    finally:
        tmp_path.unlink(missing_ok=True)


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    with atomic_file(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


@contextmanager
def atomic_folder(path: str | Path, *, marker: str) -> Iterator[Path]:
    """Yield a temporary folder to fill; on success it replaces ``path`` whole.

    An existing ``path`` is replaced only when it is empty or holds ``marker`` (a file
    this tool writes), so a mistyped ``--out`` cannot wipe an unrelated folder.
    """
    target = Path(path)
    check_writable(target, marker=marker)
    _clean_once(target)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=_prefix(target), dir=target.parent))
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({_reason(exc)})") from None
    try:
        try:
            # mkdtemp makes the folder private; a report or economy is meant to be shared.
            tmp.chmod(0o777 & ~_umask())
            yield tmp
        except OSError as exc:
            if not _ours(exc, tmp):
                raise
            raise OutputError(f"{target}: cannot write ({_reason(exc)})") from None
        try:
            _swap(tmp, target)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write ({_reason(exc)})") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _swap(new: Path, target: Path, rmtree: Callable[[Path], None] = shutil.rmtree) -> None:
    if not target.exists():
        os.replace(new, target)
        return
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        rmtree(old)
    os.replace(target, old)
    os.replace(new, target)
    rmtree(old)

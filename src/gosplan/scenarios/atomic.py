"""Write files and folders so that an interrupted or failed run leaves nothing half-written.

Each file is written to a temporary name beside its target and renamed over it (atomic on
POSIX); a folder is assembled under a temporary name and swapped in whole.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from gosplan.errors import OutputError

__all__ = ["atomic_file", "atomic_folder", "write_text"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


@contextmanager
def atomic_file(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it is renamed to ``path``."""
    target = Path(path)
    parent = target.parent
    if not parent.is_dir():
        raise OutputError(f"{target}: cannot write: folder {str(parent)!r} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({_reason(exc)})") from None
    tmp_path = Path(tmp)
    try:
        yield tmp_path
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
    if target.exists():
        if not target.is_dir():
            raise OutputError(f"{target}: cannot write: exists and is not a folder")
        if any(target.iterdir()) and not (target / marker).exists():
            raise OutputError(f"{target}: cannot write: folder is not empty and holds no {marker}")
    parent = target.parent
    if not parent.is_dir():
        raise OutputError(f"{target}: cannot write: folder {str(parent)!r} does not exist")
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({_reason(exc)})") from None
    try:
        # mkdtemp makes the folder private; a report or economy is meant to be shared.
        tmp.chmod(0o777 & ~_umask())
        yield tmp
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

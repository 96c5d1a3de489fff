"""Parsed small files, remembered while they are unchanged on disk.

The exhibit reruns the built-in scenario for every new slider position; parsing its TOML
and CSV files again each time took three quarters of a run. A file is known by its path,
modification time and size, so an edited file is read afresh; large files are never kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["SMALL_BYTES", "Memo", "copy_doc", "stamp"]

T = TypeVar("T")

#: Files (together) larger than this are read every time, never kept in memory.
SMALL_BYTES = 8 << 20


def stamp(paths: Iterable[Path]) -> tuple[tuple[str, int, int], ...] | None:
    """Path, modification time and size of each file.

    ``None`` if a file is missing, or the files together are too large to keep.
    """
    out = []
    total = 0
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            return None
        total += st.st_size
        out.append((str(path.resolve()), st.st_mtime_ns, st.st_size))
    return tuple(out) if total <= SMALL_BYTES else None


class Memo:
    """A bounded, thread-safe map from keys to parsed results (least recently used out)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable | None, make: Callable[[], T]) -> T:
        """The result remembered for ``key``, or ``make()`` (remembered unless key is None).

        Failures are not remembered: a bad file raises its error every time it is read.
        """
        if key is None:
            return make()
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                hit: T = self._items[key]  # type: ignore[assignment]
                return hit
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


def copy_doc(doc: Any) -> Any:
    """A copy of a parsed TOML document: new tables and arrays, shared (immutable) values.

    Several times faster than ``copy.deepcopy``, which a TOML document does not need.
    """
    if isinstance(doc, dict):
        return {key: copy_doc(value) for key, value in doc.items()}
    if isinstance(doc, list):
        return [copy_doc(value) for value in doc]
    return doc

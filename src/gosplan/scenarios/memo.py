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
from typing import Any, Generic, TypeVar

__all__ = ["SMALL_BYTES", "Memo", "copy_doc", "stamp"]

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
V = TypeVar("V")

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


class Memo(Generic[K, V]):
    """A bounded, thread-safe map from keys to results (least recently used out).

    A miss computes outside the lock, so one slow computation does not hold up the others.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K | None, make: Callable[[], V]) -> V:
        """The result remembered for ``key``, or ``make()`` (remembered unless key is None).

        Failures are not remembered: a bad file raises its error every time it is read.
        """
        if key is None:
            return make()
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything remembered."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def copy_doc(doc: Any) -> Any:
    """A copy of a parsed TOML document: new tables and arrays, shared (immutable) values.

    Several times faster than ``copy.deepcopy``, which a TOML document does not need.
    """
    if isinstance(doc, dict):
        return {key: copy_doc(value) for key, value in doc.items()}
    if isinstance(doc, list):
        return [copy_doc(value) for value in doc]
    return doc

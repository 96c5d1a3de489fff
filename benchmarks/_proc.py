"""Resident memory of a benchmark's worker process (Linux ``/proc``; 0 elsewhere)."""

from __future__ import annotations


def status_bytes(field: str) -> int:
    """A field of /proc/self/status (``VmHWM``, ``VmRSS``) in bytes, 0 where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def peak_bytes() -> int:
    """Peak resident memory of this process (VmHWM), 0 where /proc is missing."""
    return status_bytes("VmHWM")


def reset_peak() -> bool:
    """Start the peak-memory mark afresh (Linux: 5 to clear_refs); False where unsupported."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        return False
    return True

"""Peak resident memory of a benchmark's worker process (Linux ``/proc``; 0 elsewhere)."""

from __future__ import annotations


def peak_bytes() -> int:
    """Peak resident memory of this process (VmHWM), 0 where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def reset_peak() -> None:
    """Start the peak-memory mark afresh (Linux: 5 to clear_refs); a no-op elsewhere."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        pass

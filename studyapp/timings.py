"""Start-up milestones on stderr (``--timings`` or ``STUDYAPP_TIMINGS=1``), in ms since the process began, so
benchmarks and outside checks read first paint from the app itself.

Each milestone is printed once per opening: ``studyapp-timing: 812 ms first paint``.
"""

from __future__ import annotations

import os
import sys
import threading
import time

PREFIX = "studyapp-timing:"
_seen: set[str] = set()
_lock = threading.Lock()  # the opening job marks from its thread while the window marks from its own


def enabled() -> bool:
    return os.environ.get("STUDYAPP_TIMINGS", "") not in ("", "0")


def enable() -> None:
    os.environ["STUDYAPP_TIMINGS"] = "1"


def _process_start() -> float:
    """When this process began, on the ``time.time()`` clock: from /proc where there is one (so interpreter
    start-up and imports count too), else when this module was first imported."""
    try:
        with open("/proc/self/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        started_ticks = int(fields[19])
        with open("/proc/uptime", "rb") as handle:
            uptime = float(handle.read().split()[0])
        return time.time() - uptime + started_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return time.time()


_STARTED = _process_start()


def since_start_ms() -> float:
    return (time.time() - _STARTED) * 1000


def mark(milestone: str) -> None:
    """Print a milestone the first time it is reached since the last ``reset``."""
    if not enabled():
        return
    with _lock:  # one whole line each: print() writes the text and its newline apart, so two threads interleave
        if milestone in _seen:
            return
        _seen.add(milestone)
        sys.stderr.write(f"{PREFIX} {since_start_ms():.0f} ms {milestone}\n")
        sys.stderr.flush()


def reset(milestones: tuple[str, ...]) -> None:
    """A new document is being opened: its milestones may be printed again."""
    with _lock:
        _seen.difference_update(milestones)

"""Files a running studyapp reads that another studyapp may clean up: each reader holds a shared lock on the file
while it uses it, and a cleanup removes only files nobody holds.

Why: a new version's first start builds its own dictionary index and removed the older ones (a cache, never read
again by it). An older studyapp still running (the window left open over an upgrade, another checkout's tests or
benchmarks) then could not open the index it was using: its next thread's connection, and the analysis workers it
started, failed with "unable to open database file". The locks are advisory (``flock``: separate from SQLite's own
locks on the same file) and go when the process ends, however it ends. On Windows a file that is open cannot be
removed at all, so no lock is needed there; the removal just fails and is left for later.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import BinaryIO


def claim(path: Path) -> BinaryIO | None:
    """Hold a shared lock on ``path`` while the returned handle stays open (None: the file is gone, or locks are
    not needed here). Several readers hold it together; only a removal is kept out."""
    if sys.platform == "win32":
        return None
    import fcntl

    try:
        handle = open(path, "rb")  # noqa: SIM115 - held open on purpose: the lock lives as long as the handle
    except OSError:
        return None
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:  # being removed right now, or a file system without locks: nothing to hold
        handle.close()
        return None
    return handle


def remove_unless_in_use(path: Path) -> bool:
    """Remove ``path`` unless a running studyapp holds it (``claim``); whether it is gone."""
    if sys.platform == "win32":
        with contextlib.suppress(OSError):  # open somewhere: Windows refuses, and a later cleanup tries again
            path.unlink(missing_ok=True)
        return not path.exists()
    import fcntl

    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after the removal, which the lock guards
    except FileNotFoundError:
        return True
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a reader holds it
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    return True

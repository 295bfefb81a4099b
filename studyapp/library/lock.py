"""The library's file lock: one window at a time, and commands that write wait for each other."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..errors import LibraryError

#: How long a command waits for another studyapp command holding the library (an import of a novel takes seconds)
#: before it gives up; a window holding it is said at once, since a window stays open.
LOCK_PATIENCE = 30.0
#: How long a command waits before it says it is waiting.
LOCK_QUIET = 1.0
WINDOW, COMMAND = "window", "command"


def hold(path: Path, held_by: str, on_wait: Callable[[], None] | None, patience: float) -> FileLock:
    """The library's lock for a window, or for a command (``held_by`` says what it does). Another command holding
    it is waited for, up to ``patience`` seconds (``on_wait`` is called once, after a moment); a window holding
    it refuses at once."""
    lock = FileLock(path.with_name(path.name + ".lock"), COMMAND if held_by else WINDOW)
    started = time.monotonic()
    told = False
    while not lock.acquire():
        window_holds = lock.holder() == WINDOW
        if window_holds and held_by:
            raise LibraryError(f"The library {path} is open in a studyapp window. Close the window to {held_by} "
                               "from the command line, or do it in the window.")
        if window_holds:
            raise LibraryError(f"The library {path} is open in another studyapp window. Close it there, or open "
                               "another library.")
        waited = time.monotonic() - started
        if waited > patience:
            raise LibraryError(f"The library {path} is still in use by another studyapp command after "
                               f"{patience:.0f} seconds. Nothing was changed; try again when it is done.")
        if on_wait and not told and waited > LOCK_QUIET:
            on_wait()
            told = True
        time.sleep(0.05)
    return lock


class FileLock:
    """An advisory lock that the operating system drops when the process dies, so a crash never leaves the
    library locked. Its holder writes its role in the file (``window`` or ``command``, and its process id), so
    one that finds it held can tell a window, which stays open, from a command, which ends soon."""

    #: Where Windows locks a byte: past the record, which a locked byte would make unreadable to others.
    _WINDOWS_LOCK_OFFSET = 1 << 20

    def __init__(self, path: Path, role: str) -> None:
        self.path = path
        self.role = role
        self._handle: BinaryIO | None = None

    def acquire(self) -> bool:
        try:
            handle = os.fdopen(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644), "r+b")
        except OSError:
            return True  # cannot make a lock file (read-only folder): the open itself will say what is wrong
        try:
            if sys.platform == "win32":
                import msvcrt

                handle.seek(self._WINDOWS_LOCK_OFFSET)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._handle = handle
        self._write_record(f"{self.role} {os.getpid()}\n")
        return True

    def holder(self) -> str:
        """The role the holder wrote (``window`` or ``command``); "" while it has not written it yet, or when
        the lock was taken by a studyapp from before roles were written."""
        try:
            with open(self.path, "rb") as handle:
                words = handle.read(200).split()
        except OSError:
            return ""
        return words[0].decode("ascii", "replace") if words else ""

    def release(self) -> None:
        if self._handle:
            self._write_record("")  # the next holder is not taken for this one while it writes its own
            with contextlib.suppress(OSError):  # a full disk fails the record's flush; the lock is gone all the same
                self._handle.close()
            self._handle = None

    def _write_record(self, record: str) -> None:
        if self._handle is None:
            return
        with contextlib.suppress(OSError):  # the record only sharpens a message; the lock holds without it
            self._handle.seek(0)
            self._handle.truncate()
            self._handle.write(record.encode("ascii"))
            self._handle.flush()

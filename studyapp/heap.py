"""The process's memory kept down where Python alone cannot: glibc's malloc arenas and the source-line cache.

The window's jobs (opening, analysis, the deck) each run on a pool thread; glibc gives every thread that
allocates at once an arena of its own (up to 8 per core) and keeps what was freed in each, so a novel's analysis
on two threads leaves its peak behind twice. PySide6 reads the source of every module imported after it (to see
whether the module uses its ``__feature__`` switches), and ``linecache`` keeps all of it: about 10 MB of lines
nobody shows at start-up, and 5.6 MB more for the modules a novel's analysis imports (numpy's, the deck's...).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import linecache
import sys

M_ARENA_MAX = -8  # glibc's mallopt parameter number
ARENAS = 1  # the novel open and analysed: 380 MB with glibc's default, 372 MB with 2, 363 MB with 1; and after
#             closing it, 78.6 MB kept with the default, 61 MB with 1 (the memory test). One arena makes every
#             allocating thread take the same lock, but Python's threads take turns on the GIL anyway


def limit_arenas(arenas: int = ARENAS) -> bool:
    """At start-up, before the worker threads exist: at most ``arenas`` malloc arenas. False where the C library
    is not glibc (nothing to do there)."""
    libc = _libc()
    try:
        return libc is not None and bool(libc.mallopt(M_ARENA_MAX, arenas))
    except AttributeError:  # musl and others have no mallopt
        return False


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library, found once: ``find_library`` runs ``ldconfig`` in a child process, and each trim after a
    closed text did, its fork holding the interpreter lock while the window opened the next one. glibc's own
    name first: found without a child at all (3-4 ms of every start). None off Linux."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (musl): whatever the system calls its C library
        pass
    try:
        return ctypes.CDLL(ctypes.util.find_library("c"))
    except OSError:
        return None


def forget_source_lines() -> None:
    """Drop the source lines cached while starting; a traceback reads again the few it needs."""
    linecache.clearcache()


class _UnreadableLinesOnly(dict):
    """``linecache.cache`` keeping only lines that cannot be read again: a file's, read from disk (its time
    known), is not kept, so PySide6's look at each module imported later costs nothing that stays; what was put
    there otherwise (a loader's source, code made at run time, a traceback's lazy entry) is. Nothing is ever
    removed here (another thread may be between ``in`` and ``[]`` in ``linecache.getlines``): ``updatecache``
    returns a file's lines without reading them back from the cache."""

    def __setitem__(self, filename: str, entry: tuple) -> None:
        if len(entry) != 4 or entry[1] is None:
            super().__setitem__(filename, entry)


def keep_no_source_lines() -> None:
    """From now on, source lines read from files are not kept (tracebacks and ``inspect`` read them again when
    asked). At start-up, before other threads exist: the cache is replaced, once."""
    if not isinstance(linecache.cache, _UnreadableLinesOnly):
        linecache.cache = _UnreadableLinesOnly(linecache.cache)


def trim() -> bool:
    """Hand the heap's free pages back to the system (glibc keeps them): after a long job whose temporaries are
    gone, so what it built next does not sit on top of them. False where the C library is not glibc."""
    libc = _libc()
    try:
        return libc is not None and bool(libc.malloc_trim(0))
    except AttributeError:  # a C library other than glibc
        return False

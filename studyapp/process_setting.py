"""A process-wide setting (Python's collection thresholds, BLAS's thread count) held while any job needs it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class WhileAnyRuns:
    """The first job to start applies the setting, the last to finish restores it: two jobs side by side (the
    reader's rows and the background analysis) do not undo each other's, and one ending cannot leave it for good.

    ``apply`` makes the change and returns how to undo it."""

    def __init__(self, apply: Callable[[], Callable[[], None]]) -> None:
        self._apply = apply
        self._lock = threading.Lock()
        self._running = 0
        self._restore: Callable[[], None] | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._lock:
            if self._running == 0:
                self._restore = self._apply()
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                if self._running == 0 and self._restore is not None:
                    restore, self._restore = self._restore, None
                    restore()

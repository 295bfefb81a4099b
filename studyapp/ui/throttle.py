"""One timing rule for work that follows a burst of events (keys, status changes, scrolling): a throttle.

A debounce (a single-shot timer restarted on every event) waits for a pause, so a steady typist is never saved
and a steady scroll never shows its totals. A throttle runs the work at most every ``interval_ms``: the first
event of a burst starts the wait, later events join it and never push it back, so the work runs within
``interval_ms`` of any event however steadily they keep coming.
"""

from __future__ import annotations

from collections.abc import Callable

from .qt import QObject, QTimer


class Throttle(QObject):
    """Runs ``action`` once, ``interval_ms`` after the first of any number of ``schedule()`` calls."""

    def __init__(self, interval_ms: int, action: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._action = action
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._run)

    def schedule(self, *_signal_arguments: object) -> None:
        """An event happened: run the action when the wait already under way ends, or after a new one. Takes
        and ignores any signal's arguments, so it can be connected to any signal."""
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Run a scheduled action now (focus out, closing) instead of when the wait ends."""
        if self._timer.isActive():
            self._run()

    def cancel(self) -> None:
        """Drop a scheduled action: the caller has just done the work itself."""
        self._timer.stop()

    def pending(self) -> bool:
        return self._timer.isActive()

    def _run(self) -> None:
        self._timer.stop()
        self._action()

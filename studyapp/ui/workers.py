"""Run a long job off the GUI thread and get its result back on it (Anki's QueryOp, in small).

The job never touches a widget: it gets ``report(done, total)`` and ``cancelled()`` and returns a value; the
``success``/``failure`` callbacks run on the GUI thread.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ..errors import StudyAppError


class _Signals(QObject):
    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)


class Job(QRunnable):
    def __init__(self, work: Callable[..., Any]) -> None:
        super().__init__()
        self.signals = _Signals()
        self._work = work
        self._cancel = threading.Event()
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _report(self, done: int, total: int) -> None:
        if not self.cancelled():
            self._emit(self.signals.progress, done, total)

    def _emit(self, signal, *values) -> None:
        try:
            signal.emit(*values)
        except RuntimeError:  # the window went away while the job ran: nobody is listening any more
            self._cancel.set()

    def run(self) -> None:
        try:
            result = self._work(self._report, self.cancelled)
        except StudyAppError as error:
            self._emit(self.signals.failed, str(error))
        except Exception:  # noqa: BLE001 - a bug in a job must reach the user as a message, not kill the app
            self._emit(self.signals.failed, "Unexpected error:\n" + traceback.format_exc(limit=3))
        else:
            if not self.cancelled():
                self._emit(self.signals.succeeded, result)


_running: set[Job] = set()


def run_job(work: Callable[..., Any], success: Callable[[Any], None] | None = None,
            failure: Callable[[str], None] | None = None,
            progress: Callable[[int, int], None] | None = None) -> Job:
    """Start ``work(report, cancelled)`` on the thread pool; callbacks arrive on the GUI thread."""
    job = Job(work)
    _running.add(job)
    if progress:
        job.signals.progress.connect(progress)
    if success:
        job.signals.succeeded.connect(success)
    if failure:
        job.signals.failed.connect(failure)
    job.signals.succeeded.connect(lambda _result: _running.discard(job))
    job.signals.failed.connect(lambda _message: _running.discard(job))
    QThreadPool.globalInstance().start(job)
    return job


def cancel_all(wait_ms: int = 3000) -> None:
    """On quit: ask every job to stop and give them a moment, so none reports to a deleted window."""
    for job in list(_running):
        job.cancel()
    QThreadPool.globalInstance().waitForDone(wait_ms)

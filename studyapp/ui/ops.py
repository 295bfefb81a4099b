"""The one way to run a job: off the GUI thread, its result back on it (Anki's QueryOp/CollectionOp, in small).

``run_job(work, success, failure, progress)`` starts ``work(report, cancelled)`` on the thread pool and returns
the op (a ``Job``: ``cancel()`` drops whatever it still reports). The work never touches a widget and gets plain
data and core objects only, never a window's method; it opens its own library connection when it needs one.
``success``/``failure``/``progress`` run on the GUI thread. Nothing here waits for a job in a local event loop:
a caller goes on from its callback, so no action can start inside another.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from .. import heap
from ..errors import JobCancelled, StudyAppError
from .qt import QCoreApplication, QEvent, QObject, QRunnable, Qt, QThreadPool, Signal, Slot, isValid

log = logging.getLogger(__name__)


heap.limit_arenas()  # before the first job's thread allocates (a window built without app.py's start-up)


class _Signals(QObject):
    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)


class Job(QRunnable):
    def __init__(self, work: Callable[..., Any], name: str = "") -> None:
        super().__init__()
        self.signals = _Signals()
        self.name = name or getattr(work, "__name__", "job")
        self._work = work
        self._cancel = threading.Event()
        self.delivery: QObject | None = None  # set by run_job
        self.setAutoDelete(False)

    def cancel(self) -> None:
        """Stop asking for this job's result: it leaves the running set now, and whatever it still reports
        (progress, a result already queued to the GUI thread) is dropped on arrival."""
        self._cancel.set()
        _running.discard(self)
        if self.delivery is not None:
            self.delivery.release()

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
        work, self._work = self._work, None  # the job's closure holds its whole input (a novel): let it go after
        try:
            result = work(self._report, self.cancelled)
        except JobCancelled:
            return
        except StudyAppError as error:
            self._emit(self.signals.failed, str(error))
        except Exception:  # noqa: BLE001 - a bug in a job must reach the user as a message, not kill the app
            log.exception("job %s failed", self.name)
            self._emit(self.signals.failed, "Unexpected error:\n" + traceback.format_exc(limit=3))
        else:
            if not self.cancelled():
                self._emit(self.signals.succeeded, result)


_running: set[Job] = set()


def running_jobs() -> list[Job]:
    return list(_running)


class _Delivery(QObject):
    """Lives on the GUI thread, so the job's signals reach it queued; drops whatever arrives after
    ``job.cancel()`` (a stale analysis must not land on the next document)."""

    def __init__(self, job: Job, success, failure, progress) -> None:
        super().__init__()
        self.job, self._success, self._failure, self._progress = job, success, failure, progress

    @Slot(int, int)
    def progressed(self, done: int, total: int) -> None:
        if self._progress and not self.job.cancelled():
            self._progress(done, total)

    @Slot(object)
    def succeeded(self, result) -> None:
        self._finish(self._success, result)

    @Slot(str)
    def failed(self, message: str) -> None:
        self._finish(self._failure, message)

    def _finish(self, callback, value) -> None:
        if self.job.cancelled():
            return
        _running.discard(self.job)
        self.release()
        if callback is not None and _receiver_alive(callback):
            callback(value)

    def release(self) -> None:
        """Drop the callbacks: their closures refer back to the job, a cycle through Qt wrappers that Python's
        collector does not break, which kept every closed document's text alive."""
        self._success = self._failure = self._progress = None


def _receiver_alive(callback: Callable[[Any], None]) -> bool:
    """False when the callback is a method of a widget Qt has already deleted (its window closed while the job
    ran): calling it would raise from inside the event loop."""
    receiver = getattr(callback, "__self__", None)
    return not isinstance(receiver, QObject) or isValid(receiver)


_writer: QThreadPool | None = None


def _pool(writes: bool) -> QThreadPool:
    """Jobs that write the library take one lane: a pool of one thread, so they run one at a time in the order
    they were started (an opening, then the regrouping asked for after it), never two writers racing for the
    file. Jobs that only read or compute share Qt's global pool."""
    global _writer
    if not writes:
        return QThreadPool.globalInstance()
    if _writer is None:
        _writer = QThreadPool()
        _writer.setMaxThreadCount(1)  # its thread ends when idle, as the global pool's do, and its memory with it
    return _writer


def run_job(work: Callable[..., Any], success: Callable[[Any], None] | None = None,
            failure: Callable[[str], None] | None = None,
            progress: Callable[[int, int], None] | None = None, name: str = "", writes: bool = False) -> Job:
    """Start ``work(report, cancelled)`` on the thread pool (``writes``: on the library's one writer lane, after
    every write job started before it); callbacks arrive on the GUI thread, and never after ``job.cancel()``."""
    job = Job(work, name)
    job.delivery = _Delivery(job, success, failure, progress)
    queued = Qt.ConnectionType.QueuedConnection
    job.signals.progress.connect(job.delivery.progressed, queued)
    job.signals.succeeded.connect(job.delivery.succeeded, queued)
    job.signals.failed.connect(job.delivery.failed, queued)
    _running.add(job)
    _pool(writes).start(job)
    return job


def cancel_all(wait_ms: int = 3000) -> None:
    """On quit: ask every job to stop and give them a moment, so none reports to a deleted window."""
    for job in list(_running):
        job.cancel()
    QThreadPool.globalInstance().waitForDone(wait_ms)
    if _writer is not None:
        _writer.waitForDone(wait_ms)


class _InputBlocker(QObject):
    """Swallows keyboard and mouse input to every widget (painting goes on)."""

    BLOCKED = frozenset({QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride,
                         QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
                         QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel, QEvent.Type.Shortcut})

    def eventFilter(self, _watched, event) -> bool:
        return event.type() in self.BLOCKED


class InputHold:
    """While a job rewrites what the user could act on (a novel's segments regrouped), their keyboard and mouse
    input is held off without freezing the window: painting goes on, and the job's callback releases the hold.
    Nothing waits for the job in a loop of its own, so no other action can run in the middle of this one."""

    def __init__(self) -> None:
        self._blocker: _InputBlocker | None = _InputBlocker()
        QCoreApplication.instance().installEventFilter(self._blocker)

    def release(self) -> None:
        if self._blocker is not None:
            QCoreApplication.instance().removeEventFilter(self._blocker)
            self._blocker = None

"""Work that waits for a widget's next paint: what a new document's first page does not need runs after it."""

from __future__ import annotations

from collections.abc import Callable

from .qt import QEvent, QObject, QTimer, QWidget

#: How long work waits for a paint that may never come (a minimised window paints nothing).
LONGEST_WAIT_MS = 1000


class AfterPaint(QObject):
    """``after_paint(work)``: ``work`` runs in the event loop's turn after the widget's next paint, so the page is
    on screen first; at once when the widget is hidden (nothing is painted then)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self._widget = widget
        self._waiting: list[Callable[[], None]] = []
        widget.installEventFilter(self)

    def __call__(self, work: Callable[[], None]) -> None:
        if not self._widget.isVisible():
            QTimer.singleShot(0, work)
            return
        self._waiting.append(work)
        self._widget.update()  # a paint may have happened already, while the work was being set up
        QTimer.singleShot(LONGEST_WAIT_MS, self._release)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint and self._waiting:
            QTimer.singleShot(0, self._release)  # queued: runs once this paint is over
        return False

    def _release(self) -> None:
        waiting, self._waiting = self._waiting, []
        for work in waiting:
            work()

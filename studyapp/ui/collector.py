"""Short full garbage collections while a long document is open: what survives one is frozen out of the next.

A full collection stops every thread and walks every object not frozen. The session freezes an analysed
document's heap, but what is made after it (the reader's analysed clauses, a regrouping's segments, a job's
results) is walked again by every full collection until the document closes: 100-300 ms on the GUI thread with
the novel open, and seconds on a busy machine. So, while a long document is open, whatever survives a full
collection is frozen too (``gc.freeze``): the next one walks only what was made since, as an incremental
collector would. Closing the document leaves the frozen heap frozen (its objects die by their reference
counts); only if most of what it froze lingers is everything thawed and collected (``DocumentSession``).
"""

from __future__ import annotations

import gc

from .document_session import LARGE_DOCUMENT_ROWS, DocumentSession
from .qt import QObject


class Collector(QObject):
    """Freezes the survivors of each full collection while the session's document is long."""

    def __init__(self, session: DocumentSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        # the hook holds this plain flag, not the window: Python's collector keeps its hooks for the app's life
        self.tenure = tenure = {"long": False}

        def collected(phase: str, info: dict) -> None:
            if phase == "stop" and info.get("generation") == 2 and tenure["long"]:
                gc.freeze()

        gc.callbacks.append(collected)
        self.destroyed.connect(lambda: gc.callbacks.remove(collected))
        session.opened.connect(self._opened)
        session.analysisFinished.connect(self._analysed)

    def _opened(self) -> None:
        self.tenure["long"] = False

    def _analysed(self, _clauses: int) -> None:
        model = self.session.model
        self.tenure["long"] = model is not None and model.rowCount() > LARGE_DOCUMENT_ROWS

"""The open document's life: opening it into the library, its row model, its analysis in the background, its
reading position, and closing it so that its memory comes back.

The window talks to it through signals; it owns no widget. One unit of analysis (the clause) and one cache
(``ClauseCache``, bounded, dropped when the document closes) serve the view, the translation help and the totals.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import sys
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from .. import timings
from ..analysis import Analyzer, Token
from ..document import OpenedDocument
from ..errors import StudyAppError
from ..store import DocumentInfo, Library
from ..text import Document, load
from ..text import split as split_text
from .segment_model import SegmentModel
from .workers import Job, run_job

log = logging.getLogger(__name__)

#: Clauses kept analysed for painting: a few thousand screens' worth. A novel's 111,000 clauses are analysed in
#: the background for their word counts, not kept, so an open novel costs what its visible part costs.
CLAUSE_CACHE_SIZE = 20_000
DOCUMENT_MILESTONES = ("document decoded and split", "stored", "first paint", "page analysed", "all analysed")


def load_and_split(path: Path) -> Document:
    return split_text(load(path))


def release_memory() -> None:
    """Collect, then hand freed heap back to the system (glibc keeps it otherwise, and the process would stay
    as large as the largest text it ever opened)."""
    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass


class ClauseCache:
    """Tokens of the document's clauses, analysed on first use, least recently used dropped first.
    GUI thread only (the background job counts words without touching it)."""

    def __init__(self, document: Document, analyzer: Analyzer, size: int = CLAUSE_CACHE_SIZE) -> None:
        self.document, self.analyzer, self.size = document, analyzer, size
        self._tokens: OrderedDict[int, tuple[Token, ...]] = OrderedDict()
        self.misses = 0

    def __call__(self, index: int) -> tuple[Token, ...]:
        tokens = self._tokens.get(index)
        if tokens is not None:
            self._tokens.move_to_end(index)
            return tokens
        self.misses += 1
        tokens = self._tokens[index] = self.analyzer.analyze(self.document.clause_text(index))
        if len(self._tokens) > self.size:
            self._tokens.popitem(last=False)
        return tokens

    def __len__(self) -> int:
        return len(self._tokens)


def count_words(document: Document, analyzer: Analyzer, report, cancelled) -> list[int]:
    """Words (tokens that are not punctuation) per clause: the background job's result. Analysing every clause
    here also fills the parser's reading cache, so painting later finds every word's reading ready."""
    total = len(document.clauses)
    counts = []
    for index in range(total):
        if index % 500 == 0:
            if cancelled():
                return counts
            report(index, total)
        counts.append(sum(1 for token in analyzer.analyze(document.clause_text(index)) if token.kind != "punct"))
    report(total, total)
    return counts


class DocumentSession(QObject):
    opened = Signal()  # a new document (and model) is in place
    analysisProgress = Signal(int, int)
    analysisFinished = Signal(int)  # clauses analysed
    progressChanged = Signal()  # translated totals changed
    failed = Signal(str)

    def __init__(self, library: Library, analyzer: Analyzer, parent=None) -> None:
        super().__init__(parent)
        self.library = library
        self.analyzer = analyzer
        self.document: Document | None = None
        self.document_id: str | None = None
        self.path: Path | None = None
        self.model: SegmentModel | None = None
        self.clauses: ClauseCache | None = None
        self._analysis_job: Job | None = None
        self._progress_timer = QTimer(self)  # typing changes totals on every key: tell the window 4 times a second
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(250)
        self._progress_timer.timeout.connect(self.progressChanged)

    # --- opening --------------------------------------------------------------------------------------------
    def open_path(self, path: str | Path | None) -> bool:
        """Open a text (the bundled sample for None) into the library; on bad input say why, keep what is open."""
        from ..paths import default_text

        target = Path(path) if path else default_text()
        timings.reset(DOCUMENT_MILESTONES)
        try:
            document = load_and_split(target)
            timings.mark("document decoded and split")
            identifier = self.library.add_document(document, target.stem, str(target.resolve()))
            opened = OpenedDocument(identifier, document, self.library.segments(identifier))
        except StudyAppError as error:
            self.failed.emit(str(error))
            return False
        timings.mark("stored")
        self._set_document(opened, target)
        return True

    def open_from_library(self, identifier: str) -> None:
        raw, encoding = self.library.document_text(identifier)
        document = split_text(raw, encoding)
        info = self.library.document_info(identifier)
        self.library.add_document(document, info.title, None)  # marks it opened now
        source = Path(info.source_path) if info.source_path else Path(info.title)
        self._set_document(OpenedDocument(identifier, document, self.library.segments(identifier)), source)

    def _set_document(self, opened: OpenedDocument, path: Path) -> None:
        old_model = self.close()
        self.document, self.document_id, self.path = opened.document, opened.id, path
        self.clauses = ClauseCache(opened.document, self.analyzer)
        self.model = SegmentModel(self.library, opened, self.clauses, self)
        self.model.progressChanged.connect(self._progress_timer.start)
        self.opened.emit()
        if old_model is not None:
            old_model.deleteLater()
        self._start_analysis()

    def info(self) -> DocumentInfo | None:
        return self.library.document_info(self.document_id) if self.document_id else None

    # --- closing --------------------------------------------------------------------------------------------
    def close(self) -> SegmentModel | None:
        """Save, stop the analysis, and let go of everything this document held; returns the old model for the
        caller to delete once the view no longer shows it."""
        if self._analysis_job is not None:
            self._analysis_job.cancel()
            self._analysis_job = None
        self.save()
        old = self.model
        if old is not None:
            old.progressChanged.disconnect(self._progress_timer.start)
        self.model = None
        self.clauses = None
        self.document = None
        self.document_id = None
        if old is not None:
            self.analyzer.forget()
            release_memory()
        return old

    def save(self) -> None:
        if self.model is None:
            return
        try:
            self.model.flush()
        except Exception as error:  # noqa: BLE001 - sqlite3 and OS errors alike must reach the user
            log.exception("saving on close failed")
            self.failed.emit(f"Your translation could not be saved: {error}")

    def save_position(self, row: int) -> None:
        if self.document_id and row >= 0:
            try:
                self.library.set_position(self.document_id, row)
            except Exception:  # noqa: BLE001 - the reading position is a convenience, never worth an error box
                log.warning("the reading position could not be saved", exc_info=True)

    # --- analysis -------------------------------------------------------------------------------------------
    def _start_analysis(self) -> None:
        document, analyzer = self.document, self.analyzer

        def work(report, cancelled):
            return count_words(document, analyzer, report, cancelled)

        job: Job | None = None

        def done(clause_words: list[int]) -> None:
            if job is not self._analysis_job:  # belongs to a document closed since
                return
            self._analysis_job = None
            self.model.set_clause_words(clause_words)
            timings.mark("all analysed")
            self.analysisFinished.emit(len(clause_words))

        def failed(message: str) -> None:
            if job is self._analysis_job:
                self._analysis_job = None
                self.failed.emit(message)

        job = self._analysis_job = run_job(work, success=done, failure=failed,
                                           progress=self.analysisProgress.emit, name="analysis")

    def analysis_running(self) -> bool:
        return self._analysis_job is not None

"""The open document's life: opening it into the library, its row model, its analysis in the background, its
reading position, and closing it so that its memory comes back.

The window talks to it through signals; it owns no widget. One unit of analysis (the clause) and one cache
(``ClauseCache``, bounded, dropped when the document closes) serve the view, the translation help and the totals.

Opening, in order: the rows on screen are read by a first pass (the dictionary's readings and the grammar rules, no
context model) and painted; then (``after_paint``) a job reads them in context and the rows change where the model
reads a polyphone otherwise, and the background analysis starts. At start-up the context model itself (numpy and
g2pM's weights, 0.2-0.3 s) loads then too (``load_context_later``). The analysis starts at once, and waits for the
model only to read clauses in this process (its figures hold the readings in context): a deck stored in the library,
or gathered by worker processes with their own model, does not wait.
"""

from __future__ import annotations

import gc
import itertools
import logging
import threading
import weakref
from array import array
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import heap, timings
from ..document import OpenedDocument, Pins, cut_again, open_loaded, reopen_in_library
from ..errors import JobCancelled, LibraryError, PasswordNeeded
from ..library import DocumentInfo, Library, Unstored, split_ahead
from ..library.connection import PendingStore
from ..reading.analysis import ANALYSIS_BATCH, Analyzer, Leftovers, Token, context_reader
from ..study import stored_deck
from ..study.deck import DocumentWords, Ranks, Term, search_index, term_ranks, terms, unknown_per_clause
from ..study.stored_deck import Deck
from ..text import Document
from ..text.loading import load
from ..translation.memory import TranslationMemory
from ..translation.segments import SegmentTable, as_table, paragraph_starts
from .ops import Job, run_job
from .qt import QObject, QTimer, Signal
from .segment_model import Estimated, RowEstimator, RowsById, SegmentModel, estimated_rows
from .throttle import Throttle

log = logging.getLogger(__name__)

Finished = Callable[[bool], None]  # told whether an opening put its document in place

#: Clauses kept analysed for painting: a few thousand screens' worth. A novel's 111,000 clauses are analysed in
#: the background for their word counts, not kept, so an open novel costs what its visible part costs.
CLAUSE_CACHE_SIZE = 20_000
LARGE_DOCUMENT_ROWS = 5000
#: The longest a new text's store waits for its first paint (a window that never paints still stores it).
STORE_WAIT_S = 2.0
DOCUMENT_MILESTONES = ("document decoded and split", "first paint", "page analysed", "stored", "all analysed")


def release_memory() -> None:
    """Collect, then hand freed heap back to the system (glibc keeps it otherwise, and the process would stay
    as large as the largest text it ever opened). The frozen heap (the dictionary, frozen at start) stays frozen:
    walking it cost 70-180 ms on the GUI thread, and a closed document's frozen objects are freed by their
    reference counts (in runs on the novel, none of them was left to a collection)."""
    gc.collect()
    heap.trim()


def _free(leftovers: Leftovers) -> None:
    """A closed document's word caches freed, and the heap's free pages handed back (``release_memory`` may have
    trimmed it before they were freed)."""
    leftovers.free()
    heap.trim()


class ClauseCache:
    """Tokens of the document's clauses, analysed on first use, least recently used dropped first.
    GUI thread only (the background job counts words without touching it).

    While ``first_pass`` is set (from opening until the rows first shown have their readings in context), a clause
    is read by it alone, cheaply and without the context model, and listed in ``pending``; ``fill`` puts in the
    readings a job found for those in context."""

    def __init__(self, document: Document, analyzer: Analyzer, size: int = CLAUSE_CACHE_SIZE,
                 pins: Pins | None = None, first_pass: Analyzer | None = None) -> None:
        self.document, self.analyzer, self.size = document, analyzer, size
        self.pins = pins or Pins()  # readings the reader pinned, laid over the analysis
        self._tokens: OrderedDict[int, tuple[Token, ...]] = OrderedDict()
        self.misses = 0
        self.first_pass = first_pass
        self.pending: dict[int, None] = {}  # clauses read by the first pass only, in the order they were asked for
        self._asked: set[int] = set()  # those a job is reading in context now

    def __call__(self, index: int) -> tuple[Token, ...]:
        tokens = self._tokens.get(index)
        if tokens is not None:
            self._tokens.move_to_end(index)
            return tokens
        self.misses += 1
        analyzer = self.first_pass or self.analyzer
        if self.first_pass is not None:
            self.pending[index] = None
        tokens = self._tokens[index] = self.pins.apply(
            self.document, index, analyzer.analyze(self.document.clause_text(index)))
        if len(self._tokens) > self.size:
            self._tokens.popitem(last=False)
        return tokens

    def many(self, indexes: range) -> None:
        """Analyse the clauses of ``indexes`` not analysed yet in one batch, as the reader does for the page it is
        about to paint: the context model reads a page's clauses together for a third of what one call per clause
        cost (12 clauses of the novel: 2.8 ms against 6.6 ms)."""
        missing = [index for index in indexes if index not in self._tokens]
        if not missing:
            return
        self.misses += len(missing)
        analyzer = self.first_pass or self.analyzer
        read = analyzer.analyze_many([self.document.clause_text(index) for index in missing])
        for index, tokens in zip(missing, read, strict=True):
            if self.first_pass is not None:
                self.pending[index] = None
            self._tokens[index] = self.pins.apply(self.document, index, tokens)
        while len(self._tokens) > self.size:
            self._tokens.popitem(last=False)

    def __len__(self) -> int:
        return len(self._tokens)

    def clear(self) -> None:
        self._tokens.clear()
        self.pending.clear()
        self._asked.clear()

    def take_pending(self, most: int) -> list[int]:
        """Up to ``most`` clauses read by the first pass only, now being read in context by a job."""
        taken = list(itertools.islice(self.pending, most))
        for index in taken:
            del self.pending[index]
        self._asked.update(taken)
        return taken

    def fill(self, read: dict[int, tuple[Token, ...]]) -> list[int]:
        """Put in the clauses a job read in context (unless a pin changed one meanwhile: it is read again); the
        clauses whose words now read otherwise come back."""
        changed = []
        for index, tokens in read.items():
            if index not in self._asked:
                continue
            self._asked.discard(index)
            tokens = self.pins.apply(self.document, index, tokens)
            if self._tokens.get(index, tokens) != tokens:
                changed.append(index)
            if index in self._tokens:
                self._tokens[index] = tokens
        return changed

    def pin(self, start: int, word: str, reading: tuple[str, ...] | None) -> int:
        """Lay a pinned reading over the word at ``start`` (None takes it off); the clause it is in comes back."""
        self.pins.set(start, word, reading)
        index = bisect_right(self.document.clause_starts, start) - 1
        self._tokens.pop(index, None)
        self.pending.pop(index, None)
        self._asked.discard(index)
        return index


@dataclass(frozen=True)
class Joined:
    """The learner's data the analysis job read with the terms: the statuses it listed them with, each clause's
    words not yet known under those (the heat strip's), the words on the study list."""

    statuses: dict[str, int]
    unknown: array  # how many of each clause's words are not yet known
    studying: set[str]


@dataclass
class Opening:
    """Everything an opening job prepares off the GUI thread."""

    opened: OpenedDocument
    path: Path
    info: DocumentInfo
    memory: TranslationMemory
    shape: tuple[list[int], list[bool]]  # row lengths and paragraph starts, for the view's first estimate
    pins: Pins  # the readings the reader pinned in this text
    rows_by_id: RowsById  # each segment id's row (its check of the ids walks all of a novel's: 5 ms)
    estimated: Estimated | None = None  # the rows' heights as the view estimated rows when the opening began


def _opening(library: Library, opened: OpenedDocument, path: Path, cancelled) -> Opening:
    """What the window needs beside the opened document, read in the same job (a text not stored yet has no
    row, pins or work in the library to read)."""
    if cancelled():
        raise JobCancelled("A newer opening took over.")
    memory = TranslationMemory(library.translated_pairs())
    starts = opened.paragraph_starts
    shape = (opened.segments.lengths(), paragraph_starts(opened.document, opened.segments) if starts is None
             else starts)
    opened.segments = as_table(opened.segments)  # the table the model shows, and its ids' rows, made here
    rows = RowsById(opened.segments.ids)
    if opened.unstored is not None:
        return Opening(opened, path, opened.unstored.info(), memory, shape, Pins(), rows)
    info = (library.opened_info(opened.id, opened.segments) if isinstance(opened.segments, SegmentTable)
            else library.document_info(opened.id))
    return Opening(opened, path, info, memory, shape, Pins(library.pinned_readings(opened.id)), rows)


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
        self._open_job: Job | None = None
        self.memory = TranslationMemory([])
        self._info: DocumentInfo | None = None
        self.words: DocumentWords | None = None  # the deck's figures for this document, once analysed
        self.terms: list[Term] = []
        self.term_index: list = []  # search keys of the terms, built with them off the GUI thread
        self.term_ranks: dict[str, Ranks] | None = None  # the panel's sort ranks, built there too
        self.joined: Joined | None = None  # what the learner's data made of the terms, as read with them
        # typing changes totals on every key: tell the window 4 times a second
        self._progress_timer = Throttle(250, self.progressChanged.emit, self)
        self._position = -1
        #: Why the last opening stopped for a password (a PDF protected by one); None when it did not.
        self.password_needed: PasswordNeeded | None = None
        # the reading position is saved at most once a second while the reader moves, and on leaving
        self._position_timer = Throttle(1000, lambda: self.save_position(self._position), self)
        #: how a new document waits for its first page to be painted; the window sets one that watches the reader
        self.after_paint: Callable[[Callable[[], None]], None] = lambda work: QTimer.singleShot(0, work)
        #: how the view estimates rows now (None: not known); the window sets it, and an opening's job estimates
        #: the new text's rows so, sparing the GUI thread a walk over every row as they arrive
        self.row_estimate: Callable[[], RowEstimator | None] = lambda: None
        self._before_paint = False  # a document is in place, its first page not painted yet
        self._first_pass: Analyzer | None = None  # the analyzer without the context model, made when first asked
        self._fill_job: Job | None = None
        self._context_wanted = False  # the context model is to be loaded after the first paint
        self._context_job: Job | None = None
        self._context_arrived = threading.Event()  # the loading context model is in place, or failed to load
        self._analysis_waiting = False  # the analysis waits for the context model to start loading
        self._pending_store: PendingStore | None = None  # a new document's store, waiting for its first paint
        self._store_job: Job | None = None  # a new document being written to the library after its first paint

    # --- opening --------------------------------------------------------------------------------------------
    def open_path(self, path: str | Path | None, password: str | None = None, then: Finished | None = None) -> Job:
        """Open a text (the bundled sample for None) into the library; on bad input say why, keep what is open.
        A PDF protected by a password it was not given (or not the right one) says nothing and sets
        :attr:`password_needed`, for the window to ask.

        Decoding, splitting, storing and reading back run as a job (see ``_open``): this returns at once, the
        window paints and answers meanwhile, and ``then(opened)`` tells how it went."""
        from ..paths import default_text

        target = Path(path) if path else default_text()
        timings.reset(DOCUMENT_MILESTONES)
        library_path = self.library.path

        def work(_report, cancelled) -> Opening | PasswordNeeded:
            if path:  # a long text is split by a child on another core while this job waits, not in this process,
                # where splitting 水浒传 was 0.3-0.4 s of Python beside the GUI thread, taking turns on its lock
                split_ahead.start(target, library_path)
            try:
                loaded = load(target, password)
            except PasswordNeeded as needed:
                return needed
            with Library.connect(library_path) as library:
                return _opening(library, open_loaded(library, loaded, target, later=True), target, cancelled)

        return self._open(work, then)

    def open_text(self, pasted: str, then: Finished | None = None) -> Job:
        """A document made of pasted text, titled by its first line and kept in the library like any other."""
        from ..text import LoadedText, decode

        library_path = self.library.path
        first_line = next((line.strip() for line in pasted.splitlines() if line.strip()), "")
        title = (first_line[:40] + ("…" if len(first_line) > 40 else "")) or "Pasted text"

        def work(_report, cancelled) -> Opening:
            loaded = decode(pasted.encode("utf-8"), "The clipboard")  # the checks a file gets
            loaded = LoadedText(loaded.text, "pasted")
            with Library.connect(library_path) as library:
                return _opening(library, open_loaded(library, loaded, None, title, later=True), Path(title),
                                cancelled)

        return self._open(work, then)

    def open_from_library(self, identifier: str, then: Finished | None = None) -> Job:
        library_path = self.library.path

        def work(_report, cancelled) -> Opening:
            with Library.connect(library_path) as library:
                info = library.document_info(identifier)  # once: it counts the document's segments
                if info is None:
                    raise LibraryError("That document is no longer in the library.")
                opened = reopen_in_library(library, identifier, info)
                source = Path(info.source_path) if info.source_path else Path(info.title)
                return _opening(library, opened, source, cancelled)

        return self._open(work, then)

    def set_join_lines(self, join: bool, then: Finished | None = None) -> Job | None:
        """Cut the open document again with the lines of each paragraph joined or not: the reader's choice for
        this text, kept in the library; its segments are fitted to the new clauses there, translations kept."""
        identifier, path = self.document_id, self.path
        if identifier is None or path is None:
            return None
        self.save()
        library_path = self.library.path

        def work(_report, cancelled) -> Opening:
            with Library.connect(library_path) as library:
                return _opening(library, cut_again(library, identifier, join), path, cancelled)

        return self._open(work, then)

    def _open(self, work, then: Finished | None) -> Job:
        """Start an opening job and return at once; the document is put in place when it is done, then
        ``then(opened)`` follows (False: it failed, said so through ``failed``, or needs a password). A newer
        opening, or closing the window, cancels this one: its result is dropped and ``then`` never runs."""
        self.cancel_opening()
        self.password_needed = None
        job: Job | None = None
        estimate = self.row_estimate()

        def opening(report, cancelled) -> Opening | PasswordNeeded:
            result = work(report, cancelled)
            if estimate is not None and isinstance(result, Opening):
                result.estimated = estimated_rows(estimate, *result.shape)
            return result

        def done(result: Opening | PasswordNeeded) -> None:
            if self._open_job is job:
                self._open_job = None
            opened = not isinstance(result, PasswordNeeded)
            if opened:
                self._set_document(result)
            else:
                self.password_needed = result
            if then is not None:
                then(opened)

        def failed(message: str) -> None:
            if self._open_job is job:
                self._open_job = None
            self.failed.emit(message)
            if then is not None:
                then(False)

        job = self._open_job = run_job(opening, done, failed, name="open", writes=True)
        return job

    def cancel_opening(self) -> None:
        self._store_now()  # a new text waiting for its paint is stored now: another takes its place
        if self._open_job is not None:
            self._open_job.cancel()
            self._open_job = None

    def opening(self) -> bool:
        return self._open_job is not None

    def _set_document(self, opening: Opening) -> None:
        old_model = self.close()
        opened = opening.opened
        self.document, self.document_id, self.path = opened.document, opened.id, opening.path
        self.memory = opening.memory
        self.clauses = ClauseCache(opened.document, self.analyzer, pins=opening.pins, first_pass=self._cheap())
        model = self.model = SegmentModel(self.library, opened, self.clauses, self, opening.rows_by_id)
        self.model.set_shape(*opening.shape, opening.estimated)
        self.model.progressChanged.connect(self._progress_timer.schedule)
        self._info = opening.info
        self._before_paint = True
        if opened.unstored is not None:
            self._store_after_paint(opened.unstored)
        self.after_paint(lambda: self._painted(model))  # before the signal: the view may paint while it is sent
        self.opened.emit()
        if old_model is not None:
            old_model.deleteLater()
        if self.model.rowCount() > LARGE_DOCUMENT_ROWS:
            # a novel's rows and clauses stay as long as it is open: keep the collections the analysis job's
            # allocations set off (each one stops the GUI thread too) from walking them; freed on closing
            gc.freeze()

    def _store_after_paint(self, unstored: Unstored) -> None:
        """A new text is stored once its first page is painted (or its window moved on), in one transaction on
        the writer lane. Queued now, so the window's writes to it on that lane come after; the job waits there
        for the paint rather than take the interpreter from it, and a write from elsewhere meanwhile (a
        translation typed at once) waits for the store (``PendingStore``)."""
        pending = self._pending_store = PendingStore(self.library.path)
        library_path = self.library.path
        job: Job | None = None

        def work(_report, _cancelled) -> None:
            try:
                pending.wait_to_store(STORE_WAIT_S)
                with Library.connect(library_path) as library:
                    library.store_opened(unstored)
                timings.mark("stored")
            except Exception as error:
                pending.error = str(error)
                raise
            finally:
                pending.finish()

        def done(_result: None) -> None:
            if self._store_job is job:
                self._store_job = None

        def failed(message: str) -> None:
            done(None)
            self.failed.emit(message)

        job = self._store_job = run_job(work, done, failed, name="store document", writes=True)

    def store_error(self) -> str | None:
        """Why the last new text could not be stored (a full disk), once its store is over; None if it was."""
        return self._pending_store.error if self._pending_store is not None else None

    def _store_now(self) -> None:
        if self._pending_store is not None:
            self._pending_store.go.set()

    def finish_storing(self, longest_s: float = 60.0) -> None:
        """Wait until a new text is stored (a novel's takes a second or two): the window closing right after
        opening one keeps it in the library."""
        if self._pending_store is not None:
            self._pending_store.wait(longest_s)

    def stored(self) -> bool:
        """Whether the open document is in the library (a new one is written just after its first paint)."""
        return self._store_job is None and self.document_id is not None

    def _cheap(self) -> Analyzer | None:
        """The first pass: the analyzer's own parser and grammar rules without the context model; None when there
        is no model to wait for (then the first pass would be the whole reading)."""
        if self.analyzer.context is None and not self._context_wanted:
            return None
        if self._first_pass is None or self._first_pass.parser is not self.analyzer.parser:
            self._first_pass = Analyzer(self.analyzer.dictionary, self.analyzer.parser, context=False)
        return self._first_pass

    def _painted(self, model: SegmentModel) -> None:
        """The new document's first page is on screen: now its rows' readings in context, and its analysis."""
        if model is not self.model:  # another document took its place meanwhile
            return
        self._store_now()
        self._before_paint = False
        if self._context_wanted:
            self._load_context()
        self._fill()
        self._start_analysis()

    def load_context_later(self) -> None:
        """The analyzer came without its context model (numpy and g2pM's weights: 0.2-0.3 s before the first
        paint otherwise): it loads in a job once the first document has painted, the analysis waiting for it."""
        if self.analyzer.context is None:
            self._context_wanted = True

    def _load_context(self) -> None:
        if self._context_job is not None:
            return
        dictionary, parser = self.analyzer.dictionary, self.analyzer.parser
        arrived = self._context_arrived = threading.Event()

        def work(_report, _cancelled):
            return context_reader(dictionary, parser)  # None when the model cannot load (the log says why)

        def failed(message: str) -> None:
            log.warning("readings in context are off: %s", message)
            done(None)

        def done(context) -> None:
            self._context_job = None
            self._context_wanted = False
            self.analyzer.context = context
            arrived.set()  # an analysis job waiting for it goes on
            if context is not None:
                timings.mark("context model loaded")
            self._fill()
            if self._analysis_waiting and self.document is not None:
                self._start_analysis()

        self._context_job = run_job(work, done, failed, name="context model")

    def _fill(self) -> None:
        """Read in context, in a job, the clauses the first pass read (a batch at a time), and paint again the rows
        whose words now read otherwise. Once none is left, a clause shown later is read whole at once."""
        cache, document, model = self.clauses, self.document, self.model
        if cache is None or document is None or model is None or self._fill_job is not None or self._context_wanted:
            return
        indexes = cache.take_pending(ANALYSIS_BATCH) if self.analyzer.context is not None else []
        if not indexes:
            cache.first_pass = None
            cache.pending.clear()
            return
        analyzer = self.analyzer
        texts = [document.clause_text(index) for index in indexes]
        job: Job | None = None

        def done(read: list[tuple[Token, ...]]) -> None:
            if job is not self._fill_job:  # its document was closed
                return
            self._fill_job = None
            for row in sorted({model.row_at_offset(document.clauses[index].start)
                               for index in cache.fill(dict(zip(indexes, read, strict=True)))}):
                model.row_changed(row)
            self._fill()

        def failed(message: str) -> None:
            if job is self._fill_job:
                self._fill_job = None
                cache.first_pass = None
                self.failed.emit(message)

        job = self._fill_job = run_job(lambda _report, _cancelled: analyzer.analyze_many(texts), done, failed,
                                       name="readings in context")

    def pin_reading(self, row: int, token: Token, reading: tuple[str, ...] | None) -> Token | None:
        """Pin (or unpin, with None) the reading of one occurrence of a word, shown in row ``row``: stored in the
        library at once, shown in the ruby and the popup; the token as now read comes back."""
        if self.model is None or self.document is None:
            return None
        segment = self.model.segments[row]
        start = self.document.source_offset(segment.start, segment.end, token.start)
        self.library.pin_reading(self.document_id, start, token.text, reading)
        self.clauses.pin(start, token.text, reading)
        self.model.row_changed(row)
        return next((t for t in self.model.tokens(row) if t.start == token.start), None)

    def info(self) -> DocumentInfo | None:
        """The document's row in the library as it is now (title, target language, grouping); a new text's, as
        it will be stored, until it is."""
        if not self.document_id:
            return None
        return self.library.document_info(self.document_id) or self._info

    @property
    def opened_info(self) -> DocumentInfo | None:
        """The same, as read while opening (off the GUI thread)."""
        return self._info

    # --- closing --------------------------------------------------------------------------------------------
    def close(self) -> SegmentModel | None:
        """Save, stop the analysis, and let go of everything this document held; returns the old model for the
        caller to delete once the view no longer shows it."""
        if self._analysis_job is not None:
            self._analysis_job.cancel()
            self._analysis_job = None
        self._stop_first_reading()
        self.save()
        old = self.model
        if old is not None:
            old.progressChanged.disconnect(self._progress_timer.schedule)
        self.model = None
        self.words, self.terms, self.term_index, self.joined, self.term_ranks = None, [], [], None, None
        cache, self.clauses = self.clauses, None
        self.document = None
        self.document_id = None
        if old is not None:
            # empty caches at once; the old ones (the novel's words, 45 MB) are freed in a job, a slice at a time:
            # freed here, they held the GUI thread 65-140 ms
            leftovers = self.analyzer.forget()
            run_job(lambda _report, _cancelled: _free(leftovers), name="free the closed text's words")
            if old.rowCount() > LARGE_DOCUMENT_ROWS:  # a short text leaves nothing worth a collection
                self._release_after(old, weakref.ref(cache) if cache is not None else None)
            del cache
        return old

    def _stop_first_reading(self) -> None:
        """What waited for the closed document's first paint, or read its first rows in context, is let go."""
        if self._fill_job is not None:
            self._fill_job.cancel()
            self._fill_job = None
        self._before_paint = self._analysis_waiting = False
        self._store_now()  # a new text is stored now all the same

    def _release_after(self, old: SegmentModel, cache: weakref.ref[ClauseCache] | None = None) -> None:
        """Release memory once the closed document's model is deleted (its data goes with it), in a turn of the
        event loop of its own. Only if its clause cache outlives the model then (a cycle holds the document, which
        the collector cannot see frozen) is the frozen heap thawed and walked: that one walk is the price of
        getting the novel's memory back. (The frozen heap was counted before and after instead: each count walks
        it all, 5-8 ms on the GUI thread, three times an opening.)"""

        def release() -> None:
            if cache is not None and cache() is not None:
                gc.unfreeze()
            release_memory()

        old.destroyed.connect(lambda: QTimer.singleShot(0, release))

    def save(self) -> None:
        if self.model is None:
            return
        try:
            self.model.flush()
        except Exception as error:  # noqa: BLE001 - sqlite3 and OS errors alike must reach the user
            log.exception("saving on close failed")
            self.failed.emit(f"Your translation could not be saved: {error}")

    def position_changed(self, row: int) -> None:
        self._position = row
        self._position_timer.schedule()

    def save_position(self, row: int) -> None:
        """Kept on the writer lane, in order with the other writes: on the GUI thread's connection it waited for
        whatever write held the library (40-200 ms while typing, as an analysis was stored)."""
        self._position_timer.cancel()
        if self.document_id and row >= 0:
            document_id, library_path = self.document_id, self.library.path

            def work(_report, _cancelled) -> None:
                with Library.connect(library_path) as library:
                    library.set_position(document_id, row)

            # the reading position is a convenience, never worth an error box
            run_job(work, failure=lambda message: log.warning("the reading position could not be saved: %s",
                                                              message), name="reading position", writes=True)

    # --- analysis -------------------------------------------------------------------------------------------
    def _start_analysis(self) -> None:
        """The deck's figures in the background: the words per clause for the translation totals, the counts and
        the terms listed. A document analysed before is read back from the library (``stored_deck``); else one
        pass over every clause gathers them (it also fills the parser's reading cache, so painting later finds
        every word's reading ready) and a job on the writer lane keeps them for next time. While the context model
        is loading, the job waits for it only to read clauses in this process (``stored_deck.deck``): the figures
        hold each word's reading in context."""
        if self._context_wanted and self._context_job is None:  # not loading yet (no page painted)
            self._analysis_waiting = True
            return
        self._analysis_waiting = False
        arrived = self._context_arrived if self._context_job is not None else None
        document, analyzer, document_id, library_path = self.document, self.analyzer, self.document_id, \
            self.library.path
        pins = Pins(dict(self.clauses.pins.pinned))  # the cache's own may change on the GUI thread meanwhile

        def work(report, cancelled) -> tuple[Deck, list[Term], list, Joined, dict[str, Ranks]]:
            def until_context() -> None:
                while not arrived.wait(0.05):  # type: ignore[union-attr]
                    if cancelled():
                        raise JobCancelled("The document was closed.")

            with Library.connect(library_path) as library:
                made = stored_deck.deck(library, document_id, document, analyzer, pins, report, cancelled,
                                        until_context if arrived is not None else None)
                statuses = library.term_statuses()
                found = terms(document, made.words, analyzer, statuses,
                              stored_deck.library_counts(library, document_id, made.words),
                              library.own_definitions(), library.chosen_senses(), made.senses)
                joined = Joined(statuses, unknown_per_clause(made.words, statuses), library.study_words())
            # the panel's search keys, sort ranks, study ticks and heat, ready: the GUI thread only puts them in place
            index = [search_index(term, made.keys.get(term.word)) for term in found]
            return made, found, index, joined, term_ranks(found, index)

        job: Job | None = None

        def done(result: tuple[Deck, list[Term], list, Joined, dict[str, Ranks]]) -> None:
            if job is not self._analysis_job:  # belongs to a document closed since
                return
            self._analysis_job = None
            made, self.terms, self.term_index, self.joined, self.term_ranks = result
            self.words = made.words
            self.model.set_clause_words(self.words.clause_words)
            if made.packed is not None:  # analysed anew, or its pins changed: kept for the next opening
                self._store_deck(made)
            # a novel's deck (46,000 terms, their search keys, the readings) lives as long as the document: keep
            # the collector from walking it at every allocation burst; it is still freed when the document closes
            gc.freeze()
            timings.mark("all analysed")
            self.analysisFinished.emit(len(self.words.clause_words))

        def failed(message: str) -> None:
            if job is self._analysis_job:
                self._analysis_job = None
                self.failed.emit(message)

        job = self._analysis_job = run_job(work, success=done, failure=failed,
                                           progress=self.analysisProgress.emit, name="analysis")

    def _store_deck(self, made: Deck) -> None:
        """Keep the deck for the next opening, on the writer lane; a failure costs only that (said in the log)."""
        document_id, library_path = self.document_id, self.library.path

        def work(_report, _cancelled) -> None:
            with Library.connect(library_path) as library:
                stored_deck.store(library, document_id, made)

        run_job(work, failure=lambda message: log.warning("the analysis could not be stored: %s", message),
                name="store analysis", writes=True)

    def reanalyse(self) -> None:
        """The parser changed (a segmentation fix): every clause is read again, the deck gathered again."""
        if self.document is None:
            return
        if self._analysis_job is not None:
            self._analysis_job.cancel()
            self._analysis_job = None
        self.clauses.clear()
        self._start_analysis()

    def analysis_running(self) -> bool:
        """Whether the open document's readings or figures are still to come, or a new one is not stored yet:
        its first page not yet painted, the context model loading, its first rows read in context, its
        analysis, or its store."""
        return (self._analysis_job is not None or self._before_paint or self._analysis_waiting
                or self._context_job is not None or self._fill_job is not None or self._store_job is not None)

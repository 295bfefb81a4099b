"""The Vocabulary panel and what a learner does with words in the reader: statuses by key, a page marked known,
words tinted by status, pinyin only over words not yet known, coverage in the status bar.

The table is its own model with its own sorting and filtering over plain Python lists: a QSortFilterProxyModel
would call ``data`` a million times to sort a novel's 46,000 words.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

from ..library import Library, StudyEntry
from ..reading.analysis import Leftovers, Token
from ..study.deck import (
    SORT_KEYS,
    UNDERSTOOD,
    DocumentWords,
    Ranks,
    SearchIndex,
    Term,
    TermStatus,
    coverage,
    definition,
    most_frequent_new,
    new_words,
    new_words_up_to_hsk,
    query_test,
    search_index,
    study_entry,
    term_ranks,
)
from ..wording import counted
from .document_session import DocumentSession
from .heat_strip import HeatStrip, first_clauses_of
from .qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QColor,
    QComboBox,
    QDockWidget,
    QEvent,
    QFont,
    QHBoxLayout,
    QHeaderView,
    QItemSelectionModel,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QModelIndex,
    QObject,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from .reader import ReaderView, WordStyle
from .throttle import Throttle

if TYPE_CHECKING:
    from ..study.export_process import TermsToExport

STATUS_NAMES = {TermStatus.NEW: "New", TermStatus.LEARNING: "Learning", TermStatus.KNOWN: "Known",
                TermStatus.IGNORED: "Ignored"}
#: Unknown words stand out (as in Lute); words being learned are marked; known and ignored ones are plain.
STATUS_TINTS = {TermStatus.NEW: WordStyle(background=QColor(100, 181, 246, 70)),
                TermStatus.LEARNING: WordStyle(background=QColor(255, 183, 77, 110))}
#: Keys that set the status of the hovered (or pinned) word.
STATUS_KEYS = {Qt.Key.Key_1: TermStatus.LEARNING, Qt.Key.Key_K: TermStatus.KNOWN, Qt.Key.Key_I: TermStatus.IGNORED,
               Qt.Key.Key_N: TermStatus.NEW}
COLUMNS = ("Word", "Pinyin", "Definition", "HSK", "Count", "Library", "Status", "First", "Study")
#: The deck's sort key of each column (``study.deck.SORT_KEYS``); None: read live when sorted (status, study).
SORT_FIELDS = ("word", "pinyin", "definition", "hsk", "count", "library_count", None, "first_clause", None)


class TermTableModel(QAbstractTableModel):
    """Terms of the open document, filtered and sorted in Python; statuses read live from the shared dict."""

    def __init__(self, statuses: dict[str, int], cjk_font: QFont, parent=None) -> None:
        super().__init__(parent)
        self.statuses = statuses
        self.studying: set[str] = set()  # words on the study list
        self.cjk_font = cjk_font
        self.terms: list[Term] = []
        self._search: list[SearchIndex] = []
        self._ranks: dict[str, Ranks] = {}  # none before the first term list (and numpy not at start-up)
        self.visible: list[int] = []
        self._row_of: dict[int, int] | None = None  # the row each shown term is in (``visible`` inverted)
        self._shown = None  # ``visible`` as the numpy array the last sort made
        self._position: dict[str, int] = {}
        self._words: list[str] = []
        self.query, self.status_filter, self.max_hsk = "", None, None
        self._sort = (4, Qt.SortOrder.DescendingOrder)

    def set_terms(self, terms: list[Term], index: list[SearchIndex] | None = None,
                  ranks: dict[str, Ranks] | None = None) -> None:
        """``index`` and ``ranks``: the terms' search keys and sort ranks when built already (off the GUI thread,
        with the terms)."""
        self.terms = terms
        self._search = index if index is not None and len(index) == len(terms) else [search_index(t) for t in terms]
        self._ranks = ranks if ranks is not None else term_ranks(terms, self._search) if terms else {}
        self._words = [term.word for term in terms]  # each term's word, for sorting by map
        self._position = dict(zip(self._words, range(len(terms)), strict=True))
        self.refilter()

    def let_go(self) -> Leftovers:
        """Empty the table; what it held (a novel's terms, their search keys and positions) comes back for a job
        to free a slice at a time: dropped here at once, they held the GUI thread 11 ms as the next text opened.
        The terms go as a copy of their list, which an export job may still be reading."""
        held = Leftovers([list(self.terms), self._search, self._words, self._position, self._ranks])
        self.set_terms([])
        return held

    def status(self, term: Term) -> TermStatus:
        return TermStatus(self.statuses.get(term.word, TermStatus.NEW))

    # --- Qt model -----------------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        term = self.terms[self.visible[index.row()]]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:  # one column's text, no row's tuple made at each of the many calls
            return _DISPLAY[column](self, term)
        if role == Qt.ItemDataRole.FontRole and column == 0:
            return self.cjk_font
        if role == Qt.ItemDataRole.ToolTipRole and column == 2:
            return term.definition
        if role == Qt.ItemDataRole.BackgroundRole and column == 6:
            tint = STATUS_TINTS.get(self.status(term))
            return tint.background if tint else None
        return None

    def term_at(self, row: int) -> Term:
        return self.terms[self.visible[row]]

    def term_of(self, word: str) -> Term | None:
        position = self._position.get(word)
        return self.terms[position] if position is not None else None

    def set_definition(self, word: str, meaning: str) -> None:
        """A word's definition changed (a sense chosen, one typed): its row and its English search follow."""
        position = self._position.get(word)
        if position is None:
            return
        term = self.terms[position] = dataclasses.replace(self.terms[position], definition=meaning)
        self._search[position] = search_index(term)
        self._ranks["definition"].set(position, SORT_KEYS["definition"](term, self._search[position]))
        row = self._rows().get(position)  # not two scans of the shown rows per word: a list of names made 5,000
        if row is not None:
            self.dataChanged.emit(self.index(row, 2), self.index(row, 2))

    def _rows(self) -> dict[int, int]:
        """The row each shown term is in, built once per order and filter, when first asked."""
        if self._row_of is None:
            self._row_of = dict(zip(self.visible, range(len(self.visible)), strict=True))
        return self._row_of

    # --- sorting and filtering ----------------------------------------------------------------------------
    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """A stable sort of the shown rows by the column's ranks (ties keep their order, as a Python sort would)."""
        self._sort = (column, order)
        if not self.visible:  # nothing to order (the panel as the window is built): numpy not before the first paint
            return
        import numpy  # as deck.py does: not at start-up

        visible = numpy.asarray(self.visible, numpy.int64)
        field = SORT_FIELDS[column]
        if field is not None:
            keys = self._ranks[field].ranks[visible]
        else:  # status and study ticks change live: read for the shown rows only, as plain ints, by map
            words = map(self._words.__getitem__, self.visible)
            keys = numpy.fromiter(map(self.statuses.get, words, repeat(0)) if column == 6
                                  else map(self.studying.__contains__, words), numpy.int64, len(visible))
            if column == 8:
                keys = 1 - keys  # not studied first, as ``word not in studying`` sorted
        if order == Qt.SortOrder.DescendingOrder:
            keys = -keys
        self.layoutAboutToBeChanged.emit()
        self._shown = visible[numpy.argsort(keys, kind="stable")]
        self.visible, self._row_of = self._shown.tolist(), None
        self.layoutChanged.emit()

    def set_filter(self, query: str | None = None, status: TermStatus | None | str = "",
                   max_hsk: int | None | str = "") -> None:
        """Change any of the three filters (an empty string leaves that one as it is)."""
        if query is not None:
            self.query = query
        if status != "":
            self.status_filter = status
        if max_hsk != "":
            self.max_hsk = max_hsk
        self.refilter()

    def refilter(self) -> None:
        test, wanted, max_hsk = query_test(self.query), self.status_filter, self.max_hsk
        statuses, search = self.statuses, self._search  # statuses compared as the ints they are stored as
        wanted = None if wanted is None else int(wanted)
        self.beginResetModel()
        self._row_of = None
        self.visible = [i for i, term in enumerate(self.terms)
                        if (wanted is None or statuses.get(term.word, 0) == wanted)
                        and (max_hsk is None or (term.hsk is not None and term.hsk <= max_hsk))
                        and (test is None or test(term, search[i]))]
        self.endResetModel()
        self.sort(*self._sort)

    def statuses_changed(self, words: list[str] | None = None) -> None:
        """The status (and study) columns of ``words`` changed (None: of any word): one signal over the rows they
        are shown in, not over the novel's every row."""
        if not self.visible:
            return
        if words is None:
            self.dataChanged.emit(self.index(0, 6), self.index(len(self.visible) - 1, 8))
            return
        # looked up by map, not a loop in Python: a list of 5,000 words marked known took 10-15 ms here
        if self._row_of is None and self._shown is not None and len(self._shown) == len(self.visible):
            # first change since a sort or filter: found in the sort's array at C speed, not by a map of every
            # shown row made for it (a novel's 46,000: 6-10 ms, after each sort of the panel, issue 22)
            import numpy

            positions = numpy.fromiter(map(self._position.get, words, repeat(-1)), numpy.int64, len(words))
            found = numpy.flatnonzero(numpy.isin(self._shown, positions))
            rows = [int(found[0]), int(found[-1])] if found.size else []
        else:
            rows = [row for row in map(self._rows().get, map(self._position.get, words, repeat(-1)))
                    if row is not None]
        if rows:
            self.dataChanged.emit(self.index(min(rows), 6), self.index(max(rows), 8))


class CoverageTotals:
    """The document's running words understood and distinct words not new, counted once (by the deck's rules)
    and then moved by the words whose status changed: a status change costs its words, not the novel's 46,000."""

    def __init__(self, words: DocumentWords, statuses: dict[str, int]) -> None:
        self.words = words
        self.running_words = words.running_words  # a sum over every word: once, not at each status change
        self.understood = round(coverage(words, statuses) * self.running_words)
        self.not_new = len(words.counts) - new_words(words, statuses)

    def changed(self, before: dict[str, int], after: int) -> None:
        """The words of ``before`` (each with the status it had) now have ``after``: one pass over plain pairs,
        not a method call per word (5,000 words of a list: 14 ms on the GUI thread)."""
        counts = self.words.counts
        olds = set(before.values())
        for old in olds:  # one or two statuses a list had: each group summed by map, not word by word
            words = list(before) if len(olds) == 1 else [word for word, was in before.items() if was == old]
            occurrences = sum(map(counts.get, words, repeat(0)))
            here = sum(map(counts.__contains__, words))
            self.understood += occurrences * ((after in UNDERSTOOD) - (old in UNDERSTOOD))
            self.not_new += here * ((after != TermStatus.NEW) - (old != TermStatus.NEW))

    def coverage(self) -> float:
        total = self.running_words
        return self.understood / total if total else 1.0

    def new_words(self) -> int:
        return len(self.words.counts) - self.not_new


def _hsk_text(level: int | None) -> str:
    return "" if level is None else ("7-9" if level == 7 else str(level))


#: Each column's text of a term (``COLUMNS``' order).
_DISPLAY: tuple[Callable[[TermTableModel, Term], object], ...] = (
    lambda _model, term: term.word,
    lambda _model, term: term.pinyin_text,
    lambda _model, term: term.definition,
    lambda _model, term: _hsk_text(term.hsk),
    lambda _model, term: term.count,
    lambda _model, term: term.library_count,
    lambda model, term: model.tr(STATUS_NAMES[model.status(term)]),
    lambda _model, term: term.first_clause + 1,
    lambda model, term: "✓" if term.word in model.studying else "",
)


class VocabularyPanel(QWidget):
    """Search, status and HSK filters over the table."""

    def __init__(self, model: TermTableModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search: 中国, zhongguo, zhong1guo2, zhōngguó or English"))
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox(self)
        self.status.addItem(self.tr("Any status"), None)
        for status, name in STATUS_NAMES.items():
            self.status.addItem(self.tr(name), status)
        self.hsk = QComboBox(self)
        self.hsk.addItem(self.tr("Any level"), None)
        for level in range(1, 8):
            self.hsk.addItem(self.tr("HSK ≤ {0}").format(_hsk_text(level)), level)
        self.summary = QLabel(self)
        self.table = QTableView(self)
        self.table.setModel(model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # The headers get a selection of their own, always empty: on the table's, each repaint asked whether every
        # column was wholly selected, walking each selected row through the model (1,000 words selected to
        # study: 7,500 calls into Python a paint). Rows are selected here, never whole columns.
        header.setSelectionModel(QItemSelectionModel(model, header))
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for column, width in enumerate((70, 110, 220, 40, 55, 60, 70, 55, 45)):
            self.table.setColumnWidth(column, width)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.status)
        filters.addWidget(self.hsk)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        # filter a novel's words at most every 150 ms while typing, not on every key
        self._typing = Throttle(150, lambda: model.set_filter(query=self.search.text()), self)
        self.search.textChanged.connect(self._typing.schedule)
        self.status.currentIndexChanged.connect(lambda: model.set_filter(status=self.status.currentData()))
        self.hsk.currentIndexChanged.connect(lambda: model.set_filter(max_hsk=self.hsk.currentData()))


class VocabularyController(QObject):
    """Owns the deck's view of the open document and the statuses every document shares."""

    message = Signal(str)
    coverageChanged = Signal(str)
    definitionChanged = Signal(str)  # a word whose sense the learner chose (or definition typed) here
    translationsChanged = Signal(dict)  # the glossary: word -> chosen translation

    def __init__(self, window: QMainWindow, session: DocumentSession, view: ReaderView, library: Library,
                 cjk_font: QFont, heat_strip: HeatStrip) -> None:
        super().__init__(window)
        self.heat_strip = heat_strip
        heat_strip.clauseClicked.connect(self._go_to_clause)
        # translations change per keystroke: re-mark the strip now and then
        self._translated_timer = Throttle(500, self._mark_translated, self)
        self.session, self.view, self.library = session, view, library
        self.settings = view.clause_delegate.settings
        self.statuses: dict[str, int] = library.term_statuses()
        self._saving, self._reload_when_saved = 0, False  # status writes on the writer lane not yet done
        self._totals: CoverageTotals | None = None  # coverage of the open document, kept by each status change
        table_font = QFont(cjk_font)
        table_font.setPointSizeF(12)  # the reader's hanzi size would overflow the table's rows
        self.model = TermTableModel(self.statuses, table_font, self)
        self.panel = VocabularyPanel(self.model, window)
        self.dock = QDockWidget(self.tr("Vocabulary"), window)
        self.dock.setObjectName("vocabularyDock")
        self.dock.setWidget(self.panel)
        self.dock.setMinimumWidth(420)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        session.opened.connect(self._on_opened)
        session.analysisFinished.connect(self._on_analysed)
        self.panel.table.doubleClicked.connect(lambda index: self.go_to_first(self.model.term_at(index.row())))
        self.panel.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.panel.table.customContextMenuRequested.connect(self._show_sense_menu)
        view.installEventFilter(self)
        view.clause_delegate.set_word_style(self.word_style)
        view.clause_delegate.show_pinyin = self.pinyin_wanted

    # --- the document -------------------------------------------------------------------------------------
    def _on_opened(self) -> None:
        from .ops import run_job

        held = self.model.let_go()
        run_job(lambda _report, _cancelled: held.free(), name="free the closed text's terms")
        self.panel.summary.setText(self.tr("Analysing…"))
        self.heat_strip.set_words(None, self.statuses)
        self.session.model.progressChanged.connect(self._translated_timer.schedule)

    def _on_analysed(self, _clauses: int) -> None:
        self._totals = None  # the new document's, counted once
        joined = self.session.joined  # read with the terms, off the GUI thread
        self.model.studying = set(joined.studying)
        self.model.set_terms(self.session.terms, self.session.term_index, self.session.term_ranks)
        self.update_coverage()
        # the job's heat counts hold unless a status changed while it ran (then they are counted again)
        self.heat_strip.set_words(self.session.words, self.statuses,
                                  joined.unknown if joined.statuses == self.statuses else None)
        self._mark_translated()

    def _mark_translated(self) -> None:
        model = self.session.model
        if model is None:
            return
        starts = [model.segments.starts[row] for row in model.segments.translated_rows()]
        self.heat_strip.set_translated(first_clauses_of(starts, model.clause_starts))

    def _go_to_clause(self, clause: int) -> None:
        model = self.session.model
        if model is not None:
            self.view.go_to(model.row_at_offset(model.clause_starts[clause]), center=True)

    def coverage_text(self) -> str:
        words = self.session.words
        if words is None:
            return ""
        totals = self._totals
        if totals is None or totals.words is not words:  # a document analysed, or statuses read again
            totals = self._totals = CoverageTotals(words, self.statuses)
        return self.tr("Known {0:.1%} · {1:,} new words").format(totals.coverage(), totals.new_words())

    def update_coverage(self) -> None:
        text = self.coverage_text()
        self.panel.summary.setText(self.tr("{0:,} words · {1}").format(len(self.model.terms), text) if text else "")
        self.coverageChanged.emit(text)

    # --- statuses -----------------------------------------------------------------------------------------
    def set_status(self, words: list[str], status: TermStatus) -> None:
        """Every view of the words (reader tint, pinyin, table, coverage) follows at once; the library is written
        in one transaction on the writer lane (``_save_statuses``), so a word list of thousands costs the GUI
        thread dict updates, not a transaction waiting for the disk."""
        wanted = dict.fromkeys(words)
        before = {word: old for word, old in zip(wanted, map(self.statuses.get, wanted, repeat(0)), strict=True)
                  if old != status}
        if not before:
            return
        self._save_statuses(list(before), status)
        self._show_statuses(before, status)
        shown = next(iter(before)) if len(before) == 1 else self.tr("{0} words").format(len(before))
        self.message.emit(self.tr("{0}: {1}").format(shown, self.tr(STATUS_NAMES[status])))

    def _show_statuses(self, before: dict[str, int], status: TermStatus) -> None:
        """The words of ``before`` (each with the status it had) now have ``status``: the statuses, coverage, table,
        reader and heat strip follow, at the cost of those words."""
        words, ignored = list(before), int(TermStatus.IGNORED)
        # plain ints, as the library gives them: held as enum members, each later hash (a set of the statuses a
        # list had, UNDERSTOOD) and each TermStatus.IGNORED read ran Python (5,000 words: 15-20 ms of the GUI thread)
        named = words if status == ignored else [word for word, old in before.items() if old == ignored]
        if self._totals is not None:
            self._totals.changed(before, status)
        if status == TermStatus.NEW:
            for word in words:
                del self.statuses[word]
        else:
            self.statuses.update(dict.fromkeys(words, int(status)))
        if named:  # a name's senses come first in the deck, or no longer do
            self.definitions_changed(named)
        self.model.statuses_changed(words)
        self.view.viewport().update()
        self.update_coverage()
        self.heat_strip.statuses_changed()

    def _save_statuses(self, words: list[str], status: TermStatus) -> None:
        """Write the statuses on the library's writer lane, after every write started before (a review's cards
        job, queued there too, reads them as set here)."""
        from .ops import run_job

        library_path = self.library.path
        self._saving += 1

        def work(_report, _cancelled) -> None:
            with Library.connect(library_path) as library:
                library.set_term_status(words, status)

        def failed(error: str) -> None:
            self._saved()
            self.message.emit(self.tr("The statuses could not be saved: {0}").format(error))
            self.reload_statuses()  # show what the library holds

        run_job(work, lambda _none: self._saved(), failed, name="statuses", writes=True)

    def _saved(self) -> None:
        self._saving -= 1
        if not self._saving and self._reload_when_saved:
            self._reload_when_saved = False
            self.reload_statuses()

    def saving(self) -> bool:
        """Statuses set here (or words put on the study list) are still being written to the library."""
        return self._saving > 0

    def reload_statuses(self) -> None:
        """Statuses changed outside the reader (a card became mature in review): read them again (once the
        statuses set here are written: read before, the library would not hold them yet)."""
        if self._saving:
            self._reload_when_saved = True
            return
        stored = self.library.term_statuses()
        # only the words whose status differs (at C speed): after a review's rating, usually none; a full recount of
        # the coverage, table and heat strip for each card rated held the window 40-50 ms on the novel
        changed = dict(stored.items() ^ self.statuses.items())
        by_status: dict[int, dict[str, int]] = {}
        for word in changed:
            by_status.setdefault(stored.get(word, TermStatus.NEW), {})[word] = self.statuses.get(word, TermStatus.NEW)
        for status, before in by_status.items():
            self._show_statuses(before, TermStatus(status))

    def mark_page_known(self) -> None:
        """Lute's end of page: every still-new word on screen becomes known."""
        model = self.session.model
        if model is None:
            return
        words = []
        for row in self.view.visible_rows():
            words += [token.text for token in model.tokens(row)
                      if token.kind == "word" and self.statuses.get(token.text, 0) == TermStatus.NEW]
        if words:
            self.set_status(words, TermStatus.KNOWN)
        else:
            self.message.emit(self.tr("No new words on this page."))

    def eventFilter(self, watched, event) -> bool:
        """1, K, I and N set the status of the word under the pointer (else of the pinned word); without a word,
        the keys keep their reader meaning (K: previous clause)."""
        if watched is self.view and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            status = STATUS_KEYS.get(Qt.Key(event.key()))
            word = self._word_for_keys()
            if status is not None and word is not None:
                self.set_status([word], status)
                return True
        return super().eventFilter(watched, event)

    # --- the study list ---------------------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        """The panel's selected rows, in the order ``selectedRows`` gives them, read from the selection's ranges:
        ``selectedRows`` asks the model's ``rowCount`` and ``columnCount`` for every cell of every selected row
        (1,000 rows selected: 21,000 calls into Python, 90 ms)."""
        selection = self.panel.table.selectionModel()
        if selection is None:
            return []
        rows = {}  # ordered, without repeats
        for part in selection.selection():
            rows.update(dict.fromkeys(range(part.top(), part.bottom() + 1)))
        return list(rows)

    def selected_terms(self) -> list[Term]:
        return [self.model.term_at(row) for row in self.selected_rows()]

    def _study(self, entries: Callable[[], list[StudyEntry]]) -> None:
        """Make the ``entries`` (each word's first clause and its translation: 1,000 words took 45 ms) and write
        them on the library's writer lane; the panel's ticks, the statuses and the message follow when written."""
        from .ops import run_job

        library_path = self.library.path
        self._saving += 1

        def work(_report, _cancelled) -> tuple[list[StudyEntry], int]:
            made = entries()
            with Library.connect(library_path) as library:
                return made, library.add_to_study(made)

        def done(result: tuple[list[StudyEntry], int]) -> None:
            self._studied(*result)  # its statuses' writes start before this one counts as done
            self._saved()

        def failed(error: str) -> None:
            self._saved()
            self.message.emit(self.tr("The words could not be added to the study list: {0}").format(error))

        run_job(work, done, failed, name="study list", writes=True)

    def _studied(self, entries: list[StudyEntry], added: int) -> None:
        self.model.studying |= {entry.word for entry in entries}  # each is on the list now, added or there before
        before = {entry.word: TermStatus(self.statuses.get(entry.word, 0)) for entry in entries}
        relearned = self._relearn(list(before))
        self.model.statuses_changed(list(before))
        said = counted(added, self.tr("{0} word added to the study list."),
                       self.tr("{0} words added to the study list.")) if added \
            else self.tr("Already on the study list.")
        if len(relearned) == 1:
            said += " " + self.tr("{0} was marked {1}; it is now learning, so its cards are shown.").format(
                relearned[0], self.tr(STATUS_NAMES[before[relearned[0]]]).lower())
        elif relearned:
            said += " " + self.tr("{0} of them were marked known or ignored; they are now learning, so their cards "
                                  "are shown.").format(len(relearned))
        self.message.emit(said)

    def _relearn(self, words: list[str]) -> list[str]:
        """Words marked known or ignored get no new cards (review leaves them out): a learner who puts one on
        the study list wants to learn it, so it becomes learning, as in Lute and Anki. Returns those words."""
        relearned = [word for word in dict.fromkeys(words) if self.statuses.get(word, 0) in UNDERSTOOD]
        if relearned:
            self.set_status(relearned, TermStatus.LEARNING)
        return relearned

    def add_to_study(self) -> None:
        """The word under the pointer with the clause it stands in here; else the words selected in the panel."""
        session, hovered = self.session, self.view.clause_delegate.hovered
        if session.model is None:
            return
        if hovered is not None and hovered[1].kind == "word":
            row, token = hovered
            entry = StudyEntry(token.text, token.pinyin_text or "", session.model.source_text(row).strip(),
                               session.model.target(row), session.document_id, session.model.segments[row].start)
            self._study(lambda: [entry])
            return
        terms = self.selected_terms()
        if not terms:
            self.message.emit(self.tr("Point at a word, or select words in the Vocabulary panel first."))
            return
        self._study_terms(terms)

    def remove_from_study(self) -> None:
        """The words selected in the panel (else the one under the pointer) leave the study list, and their cards
        and review history with them, as deleting a note does in Anki."""
        words = [term.word for term in self.selected_terms()]
        if not words:
            target = self.view.word_for_action()
            words = [target[1].text] if target is not None else []
        studying = [word for word in words if word in self.model.studying]
        if not studying:
            self.message.emit(self.tr("None of these words is on the study list."))
            return
        self.library.remove_from_study(studying)
        self.model.studying -= set(studying)
        self.model.statuses_changed(studying)
        self.message.emit(counted(len(studying), self.tr("{0} word removed from the study list."),
                                  self.tr("{0} words removed from the study list.")))

    def add_new_up_to_hsk(self) -> None:
        from .qt import QInputDialog

        level, ok = QInputDialog.getInt(self.panel.window(), self.tr("Study HSK words"),
                                        self.tr("Add every new word of this text up to HSK level:"), 3, 1, 7)
        if ok:
            self._study_terms(new_words_up_to_hsk(self.session.terms, self.statuses, level))

    def add_most_frequent_new(self) -> None:
        from .qt import QInputDialog

        count, ok = QInputDialog.getInt(self.panel.window(), self.tr("Study frequent words"),
                                        self.tr("Add this many of the text's most frequent new words:"), 20, 1, 1000)
        if ok:
            self._study_terms(most_frequent_new(self.session.terms, self.statuses, count))

    def _study_terms(self, terms: list[Term]) -> None:
        session = self.session
        if session.model is None or not terms:
            self.message.emit(self.tr("No such words in this text."))
            return
        document, segments, document_id = session.document, session.model.segments.copy(), session.document_id
        self._study(lambda: [study_entry(term, document, segments, document_id) for term in terms])

    # --- export -------------------------------------------------------------------------------------------
    EXPORT_FILTERS = {"apkg": "Anki package (*.apkg)", "pleco": "Pleco flashcards (*.txt)", "csv": "CSV (*.csv)",
                      "tbx": "TBX glossary of chosen translations (*.tbx)"}

    def export_scope(self, with_sound: bool = False) -> Callable[[Library], tuple[str, int, list | TermsToExport,
                                                                                 list[str]]]:
        """What an export takes: the words selected in the panel (two or more), else the study list, else every
        word of the text not yet known. Returns the builder the export job runs with a library connection of its
        own, from plain data taken here: which scope it was, how many words, what to export, and a line for each
        recording that could not give the cards its clips. A study list's cards are made there (they need the
        dictionary; a study list is short); a text's words go to the export process as terms, whose cards
        (a novel's 46,000) it makes itself (``study.export_process``).
        ``with_sound``: each card carries its clause's recorded clip, as the command line's export does."""
        from ..document import ClauseSounds
        from ..study.deck_export import study_cards
        from ..study.export_process import TermsToExport

        session = self.session
        document, segments, terms, analyzer = session.document, session.model.segments.copy(), session.terms, \
            session.analyzer
        document_id = session.document_id
        selected, statuses = self.selected_terms(), dict(self.statuses)

        def build(library: Library) -> tuple[str, int, list | TermsToExport, list[str]]:
            if len(selected) > 1:
                return "selected", len(selected), TermsToExport(document_id, document, segments, selected,
                                                                with_sound), []
            entries = library.study_list()
            if entries:
                sounds = ClauseSounds(library)
                return "study", len(entries), study_cards(entries, library.own_definitions(), analyzer,
                                                          library.chosen_translations(), library.chosen_senses(),
                                                          sounds.at if with_sound else None), sounds.problems
            learning = [term for term in terms if statuses.get(term.word, 0) not in UNDERSTOOD]
            return "learning", len(learning), TermsToExport(document_id, document, segments, learning,
                                                            with_sound), []

        return build

    def _scope_text(self, scope: str, count: int) -> str:
        return {"selected": self.tr("{0} selected words"), "study": self.tr("the study list ({0} words)"),
                "learning": self.tr("{0} words not yet known")}[scope].format(count)

    def export_vocabulary(self) -> None:
        from pathlib import Path

        from .qt import QFileDialog


        if self.session.model is None or not self.session.terms:
            self.message.emit(self.tr("The text is still being analysed."))
            return
        title = self.session.path.stem if self.session.path else "studyapp"
        out, chosen_filter = QFileDialog.getSaveFileName(
            self.panel.window(), self.tr("Export vocabulary"), str(Path.home() / f"{title}.apkg"),
            ";;".join(self.EXPORT_FILTERS.values()))
        if not out:
            return
        fmt = next((name for name, label in self.EXPORT_FILTERS.items() if label == chosen_filter), "apkg")
        self.export_to(Path(out), fmt)

    def export_to(self, out, fmt: str):
        from ..study.export_process import export_deck_in_a_process
        from ..study.review import load_settings
        from .ops import run_job

        build = self.export_scope(with_sound=fmt == "apkg")  # only an Anki package carries sound
        title = self.session.path.stem if self.session.path else "studyapp"
        kinds = load_settings(self.library).kinds  # the kinds of card the learner reviews
        library_path = self.library.path

        def work(_report, _cancelled) -> tuple[str, int, Path, list[str]]:
            with Library.connect(library_path) as library:
                scope, count, made, problems = build(library)
            problems = problems + export_deck_in_a_process(library_path, made, fmt, Path(out), title, kinds)
            return scope, count, out, problems

        def done(result: tuple[str, int, Path, list[str]]) -> None:
            scope, count, written, problems = result
            said = self.tr("Exported {0} to {1}").format(self._scope_text(scope, count), written)
            if problems:  # the recording moved or unreadable: the cards are there, without their clips
                said += " " + self.tr("(without sound: {0})").format(problems[0])
            self.message.emit(said)

        return run_job(work, done, lambda error: self.message.emit(
            self.tr("The vocabulary could not be exported: {0}").format(error)), name="vocabulary export")

    def current_word(self) -> str | None:
        """The word an action is about: under the pointer, else pinned, else selected in the panel."""
        word = self._word_for_keys()
        if word is None:
            rows = self.selected_rows()
            word = self.model.term_at(rows[0]).word if rows else None
        return word

    def choose_translation(self) -> None:
        """A translator fixes how a word is translated: shown first in the help, checked for consistency,
        exported as the TBX glossary."""
        from .qt import QInputDialog

        word = self.current_word()
        if word is None:
            self.message.emit(self.tr("Point at a word, click one, or select one in the Vocabulary panel first."))
            return
        chosen = self.library.chosen_translations()
        text, ok = QInputDialog.getText(self.panel.window(), self.tr("Chosen translation"),
                                        self.tr("Translate {0} as:").format(word), text=chosen.get(word, ""))
        if ok:
            self.library.set_translation(word, text)
            self.translationsChanged.emit(self.library.chosen_translations())
            self.message.emit(self.tr("{0} → {1}").format(word, text.strip()) if text.strip()
                              else self.tr("{0}: no chosen translation").format(word))

    def edit_definition(self, word: str | None = None) -> None:
        """The learner types the word's definition (by default the word an action is about)."""
        from .qt import QInputDialog

        word = word or self.current_word()
        if word is None:
            self.message.emit(self.tr("Point at a word, click one, or select one in the Vocabulary panel first."))
            return
        term = next((term for term in self.model.terms if term.word == word), None)
        text, ok = QInputDialog.getText(self.panel.window(), self.tr("Definition"), self.tr("{0} means:").format(word),
                                        text=term.definition if term else "")
        if ok:
            self.library.set_definition(word, text.strip() or None)
            self._definition_set(word)
            self.message.emit(self.tr("Definition of {0} saved; it goes into exported cards.").format(word))

    # --- the sense a card shows -------------------------------------------------------------------------
    def sense_menu(self, term: Term) -> QMenu:
        """The word's senses under each reading, as the Dictionary panel lists them, the chosen one ticked: one
        click puts a sense first on the word's cards, in the deck and in exports."""
        from ..reading.wordinfo import describe

        menu = QMenu(self.panel.table)
        own = self.library.own_definitions().get(term.word)
        chosen = self.library.chosen_senses().get(term.word)
        if own:
            typed = menu.addAction(self.tr("Your definition: {0}").format(own.replace("&", "&&")))
            typed.setCheckable(True)
            typed.setChecked(True)
        for entry in describe(term.word, self.session.analyzer, term.pinyin or None).entries:
            menu.addAction(entry.pinyin).setEnabled(False)
            for sense in entry.definitions:
                action = menu.addAction(sense.replace("&", "&&"))
                action.setCheckable(True)
                action.setChecked(sense == chosen and not own)
                action.triggered.connect(lambda _checked=False, s=sense: self.choose_sense(term.word, s))
        menu.addSeparator()
        back = menu.addAction(self.tr("The Dictionary's Senses"),
                              lambda: self.choose_sense(term.word, None))
        back.setEnabled(bool(own or chosen))
        menu.addAction(self.tr("Type a Definition…"), lambda: self.edit_definition(term.word))
        return menu

    def _show_sense_menu(self, position) -> None:
        table = self.panel.table
        index = table.indexAt(position)
        if not index.isValid() or self.session.analyzer is None:
            return
        table.selectRow(index.row())
        self.sense_menu(self.model.term_at(index.row())).popup(table.viewport().mapToGlobal(position))

    def choose_sense(self, word: str, sense: str | None) -> None:
        """The sense the word's cards show first (it replaces a definition typed before); None: the dictionary's
        senses."""
        self.library.choose_sense(word, sense)
        self._definition_set(word)
        self.message.emit(self.tr("{0}: “{1}” first on its cards").format(word, sense) if sense
                          else self.tr("{0}: the dictionary's senses").format(word))

    def _definition_set(self, word: str) -> None:
        self.definition_changed(word)
        self.definitionChanged.emit(word)

    def definition_changed(self, word: str) -> None:
        """The word's definition changed (here, in the Dictionary panel, or its status made it a name): the row
        shows what its cards will."""
        self.definitions_changed([word])

    def definitions_changed(self, words: list[str]) -> None:
        """``definition_changed`` for many words (a list of names marked ignored), the learner's own definitions
        and chosen senses read once, not once per word."""
        if self.session.analyzer is None:
            return
        own, chosen, dictionary = self.library.own_definitions(), self.library.chosen_senses(), \
            self.session.analyzer.dictionary
        for word in words:
            term = self.model.term_of(word)
            if term is not None:
                self.model.set_definition(word, definition(dictionary, word, term.pinyin, own.get(word),
                                                           self.statuses.get(word) == TermStatus.IGNORED,
                                                           chosen.get(word)))

    def _word_for_keys(self) -> str | None:
        target = self.view.word_for_action()
        return target[1].text if target is not None else None

    # --- the reader -------------------------------------------------------------------------------------
    def word_style(self, _row: int, token: Token) -> WordStyle | None:
        if token.kind != "word" or not self.settings.status_tint:
            return None
        return STATUS_TINTS.get(self.statuses.get(token.text, TermStatus.NEW))

    def pinyin_wanted(self, token: Token) -> bool:
        return not self.settings.pinyin_unknown_only or self.statuses.get(token.text, 0) not in UNDERSTOOD

    def go_to_first(self, term: Term) -> None:
        model = self.session.model
        if model is None:
            return
        self.view.go_to(model.row_at_offset(term.first_start), center=True)

    def next_occurrence(self) -> None:
        """The next clause holding the selected word (after the current row), wrapping at the end."""
        rows = self.selected_rows()
        model = self.session.model
        if not rows or model is None:
            return
        word = self.model.term_at(rows[0]).word
        document = self.session.document  # its find reads across the line breaks of a hard-wrapped book
        current = model.segments[max(0, self.view.currentIndex().row())]
        found = document.find(word, current.end)
        found = found if found >= 0 else document.find(word)
        while found >= 0:
            row = model.row_at_offset(found)
            if any(token.text == word for token in model.tokens(row)):
                self.view.go_to(row, center=True)
                return
            found = document.find(word, found + 1)

"""Rows of the reader: one per segment (a clause, or clauses merged), with its translation and status.

Edits live here in memory at once and reach the library through ``flush`` (the translation controller calls it
within a second of typing, on leaving a segment and on quit), each in one short transaction. Totals (segments
and words translated) are kept up to date per edit, never recounted over a novel's rows while the user types.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate, islice
from operator import lt
from typing import Protocol

from ..document import OpenedDocument
from ..library import Library
from ..reading.analysis import Token
from ..text import Document
from ..translation.restructure_process import Recipe, restructure_in_a_process
from ..translation.segments import (
    Compute,
    Segment,
    SegmentTable,
    Status,
    apply_change,
    as_table,
    merging,
    paragraph_starts,
    regrouping,
    restoring,
    splitting,
)
from .qt import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal


class RowEstimator(Protocol):
    """How the view estimates its rows' heights (``reader.RowEstimate``): compared, and run in a job."""

    def heights(self, lengths: list[int], starts: list[bool]) -> list[int]: ...


Estimated = tuple[RowEstimator, list[int], list[int]]  # the estimate, its heights of the rows, where each row starts


def estimated_rows(estimate: RowEstimator, lengths: list[int], starts: list[bool]) -> Estimated:
    """Every row's estimated height and top, made in a job (opening, restructuring) so the view need not walk
    every row on the GUI thread when the rows arrive (a novel's 111,000: 15-25 ms)."""
    heights = estimate.heights(lengths, starts)
    return estimate, heights, [0, *accumulate(heights)]


#: a restructuring job's result: the segments, their lengths and paragraph starts, their rows by id, and their
#: estimated heights and tops (with the estimate that made them) when the view had estimated rows before
Restructured = tuple[SegmentTable, tuple[list[int], list[bool]], "RowsById", Estimated | None]

#: Restructurings of this many segments (a novel's regrouping, its undo) run in a process of their own
#: (``restructure_process``); shorter ones in the job's thread (or here: ``run_here``), where they are short
PROCESS_ROWS = 20_000

STATUS_ROLE = Qt.ItemDataRole.UserRole + 10
TARGET_ROLE = Qt.ItemDataRole.UserRole + 11


class RowsById:
    """Each segment id's row, without a dict of them (12 MB for a novel's 111,000 rows; every translation typed
    asks, as an undo step): the ids rise with the rows in a text as stored, merged or grouped, so a bisection
    finds them. Once a split gave a segment a new id they do not: then in the ids sorted once (``sorted``, which
    a restructuring's job runs off the GUI thread; else at the first ask)."""

    def __init__(self, ids: array) -> None:
        self._ids = ids
        self._rising = all(map(lt, ids, islice(ids, 1, None)))
        self._order: array | None = None  # rows in the order of their ids, when these do not rise
        self._sorted_ids = array("q")

    def sorted(self) -> RowsById:
        if not self._rising and self._order is None:
            ids = self._ids
            self._order = array("I", sorted(range(len(ids)), key=ids.__getitem__))
            self._sorted_ids = array("q", map(ids.__getitem__, self._order))
        return self

    def row(self, segment_id: int) -> int:
        """The row of the segment, or -1 when there is none (merging removed it)."""
        if self._rising:
            row = bisect_left(self._ids, segment_id)
            return row if row < len(self._ids) and self._ids[row] == segment_id else -1
        order = self.sorted()._order
        assert order is not None
        position = bisect_left(self._sorted_ids, segment_id)
        found = position < len(self._sorted_ids) and self._sorted_ids[position] == segment_id
        return order[position] if found else -1


class SegmentModel(QAbstractListModel):
    progressChanged = Signal()

    def __init__(self, library: Library, opened: OpenedDocument,
                 clause_tokens: Callable[[int], tuple[Token, ...]], parent=None,
                 rows_by_id: RowsById | None = None) -> None:
        """``rows_by_id``: the segments' ``RowsById``, when the opening job made it (it reads every id)."""
        super().__init__(parent)
        self.library = library
        self.document_id = opened.id
        self.document: Document = opened.document
        self._clause_tokens = clause_tokens
        self.segments = as_table(opened.segments)
        self._dirty: dict[int, Segment] = {}
        self.clause_starts = self.document.clause_starts
        self._word_prefix: array | None = None  # running sum of words per clause, once analysed
        self._shape: tuple[list[int], list[bool]] | None = None
        self.estimate: RowEstimator | None = None  # how the view estimates rows: a restructuring's job does it too
        self._estimated: Estimated | None = None  # its heights and tops
        self.runner = self.run_here  # how restructurings run; the translation controller sets a job runner
        self._index_rows(rows_by_id)

    # --- Qt model -------------------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.segments)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.source_text(index.row())
        if role == TARGET_ROLE:
            return self.segments[index.row()].target
        if role == STATUS_ROLE:
            return int(self.segments[index.row()].status)
        return None

    # --- what the view reads --------------------------------------------------------------------------------
    def row_of(self, segment_id: int) -> int:
        """The row showing a segment, or -1 when merging removed it."""
        return self._rows_by_id.row(segment_id)

    def row_at_offset(self, offset: int) -> int:
        """The row whose segment holds a text offset (for find)."""
        return max(0, bisect_right(self._starts, offset) - 1)

    def source_text(self, row: int) -> str:
        segment = self.segments[row]
        return self.document.span_text(segment.start, segment.end)

    def target(self, row: int) -> str:
        return self.segments[row].target

    def status(self, row: int) -> int:
        return self.segments[row].status

    def clause_range(self, row: int) -> range:
        segment = self.segments[row]
        return range(bisect_left(self.clause_starts, segment.start), bisect_left(self.clause_starts, segment.end))

    def tokens(self, row: int) -> tuple[Token, ...]:
        """A segment's tokens are its clauses' tokens (one unit of analysis and one cache, whatever the grouping),
        with offsets made relative to the segment. Read directly by the delegate: a tuple of Python objects does
        not survive a trip through QVariant."""
        start = self.segments[row].start
        clauses = self.clause_range(row)
        if len(clauses) == 1 and self.document.clauses[clauses[0]].start == start:
            return self._clause_tokens(clauses[0])
        tokens: list[Token] = []
        for index in clauses:
            # as shown: the segment's text up to the clause, joined lines taken out
            shift = len(self.document.span_text(start, self.document.clauses[index].start))
            tokens += [t._replace(start=t.start + shift, end=t.end + shift) for t in self._clause_tokens(index)]
        return tuple(tokens)

    def prepare(self, rows: range) -> None:
        """Analyse the clauses of ``rows`` together, before they are painted (one batch, not one call per clause);
        a no-op when the clauses come from a plain function."""
        many = getattr(self._clause_tokens, "many", None)
        if many is None or not rows:
            return
        starts = self.clause_starts
        many(range(bisect_left(starts, self.segments[rows.start].start),
                   bisect_left(starts, self.segments[rows[-1]].end)))

    def lengths(self) -> list[int]:
        if self._shape is not None:
            return self._shape[0]
        return self.segments.lengths()

    def paragraph_starts(self) -> list[bool]:
        """For every row at once, whether it begins a paragraph."""
        if self._shape is not None:
            return self._shape[1]
        return paragraph_starts(self.document, self.segments)

    def estimated(self, estimate: RowEstimator) -> tuple[list[int], list[int]] | None:
        """The rows' estimated heights and tops, made by the job that restructured them with ``estimate``;
        handed over once (the view measures into the heights)."""
        ready, self._estimated = self._estimated, None
        return ready[1:] if ready is not None and ready[0] == estimate else None

    def set_shape(self, lengths: list[int], starts: list[bool], estimated: Estimated | None = None) -> None:
        """Row lengths and paragraph starts computed off the GUI thread for these very segments, and the rows'
        estimated heights when the opening job made them; dropped at the next restructuring."""
        self._shape = (lengths, starts)
        self._estimated = estimated

    def paragraph_of(self, row: int) -> int:
        position = bisect_right(self.clause_starts, self.segments[row].start) - 1
        return self.document.clauses[max(0, position)].paragraph

    def starts_paragraph(self, row: int) -> bool:
        return row == 0 or self.paragraph_of(row - 1) != self.paragraph_of(row)

    # --- edits ----------------------------------------------------------------------------------------------
    def set_target(self, row: int, target: str) -> None:
        self._replace(row, self.segments[row].with_target(target))

    def set_status(self, row: int, status: int) -> None:
        self._replace(row, self.segments[row].with_status(status))

    def _replace(self, row: int, segment: Segment) -> None:
        old = self.segments[row]
        if segment == old:
            return
        self.segments[row] = segment
        self._dirty[segment.id] = segment
        if old.translated != segment.translated:
            sign = 1 if segment.translated else -1
            self._translated += sign
            self._words_done += sign * self._words_in(segment)
        index = self.index(row, 0)
        self.dataChanged.emit(index, index, [TARGET_ROLE, STATUS_ROLE])
        self.progressChanged.emit()

    def row_changed(self, row: int) -> None:
        """The words of a row changed (a reading pinned): the view lays it out again."""
        index = self.index(row, 0)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])

    def has_unsaved(self) -> bool:
        return bool(self._dirty)

    def flush(self) -> int:
        """Write every unsaved edit; returns how many segments were written."""
        if not self._dirty:
            return 0
        pending, self._dirty = self._dirty, {}
        try:
            self.library.save_segments(pending.values())
        except Exception:
            pending.update(self._dirty)
            self._dirty = pending  # keep them for the next try; the window reports the failure
            raise
        return len(pending)

    # --- structure ------------------------------------------------------------------------------------------
    def restructure(self, compute: Compute, then: Callable[[bool], None] | None = None,
                    recipe: Recipe | None = None) -> None:
        """Merge, split, regroup or restore: ``segments.apply_change`` computes the change, writes it and reads
        the segments back through a connection of its own, run by ``self.runner`` (on a novel a background job,
        so the window keeps painting). ``then(changed)`` follows once the rows are in place (at once when the
        runner ran the work here); ``changed`` is False when there was nothing to change. ``recipe``: the same
        change as plain data, which a process of its own applies for a text of ``PROCESS_ROWS`` segments."""
        segments = self.snapshot()
        document, document_id, library_path = self.document, self.document_id, self.library.path
        estimate = self.estimate

        def work(_report, _cancelled) -> Restructured | None:
            if recipe is not None and len(segments) >= PROCESS_ROWS:
                fresh = restructure_in_a_process(library_path, document_id, document, segments, recipe)
            else:
                with Library.connect(library_path) as library:
                    fresh = apply_change(library, document_id, segments, compute)
            if fresh is None:
                return None
            lengths, starts = fresh.lengths(), paragraph_starts(document, fresh)
            estimated = estimated_rows(estimate, lengths, starts) if estimate is not None else None
            return fresh, (lengths, starts), RowsById(fresh.ids).sorted(), estimated

        def applied(result: Restructured | None) -> None:
            if result is not None:
                self.beginResetModel()
                self.segments = result[0]
                self._index_rows(result[2])
                self._shape, self._estimated = result[1], result[3]
                self.endResetModel()
                self.progressChanged.emit()
            if then is not None:
                then(result is not None)

        self.runner(work, len(segments), applied)

    @staticmethod
    def run_here(work, _rows: int, deliver) -> None:
        """The default runner: on the calling thread (tests, and the window for short texts)."""
        deliver(work(lambda *_: None, lambda: False))

    def reload(self) -> None:
        self.beginResetModel()
        self.segments = self.library.segments(self.document_id)
        self._index_rows()
        self.endResetModel()
        self.progressChanged.emit()

    def _index_rows(self, rows_by_id: RowsById | None = None) -> None:
        self._shape = self._estimated = None
        self._rows_by_id = rows_by_id or RowsById(self.segments.ids)
        self._starts = self.segments.starts
        self._recount()

    def snapshot(self) -> SegmentTable:
        self.flush()
        return self.segments.copy()

    def restore(self, segments: list[Segment], then: Callable[[bool], None] | None = None) -> None:
        """Put back an earlier set of segments exactly, ids included (undo of merge, split, regroup)."""
        self.restructure(restoring(segments), then, ("restore", segments))

    def edited_merges(self, rows: range | None = None) -> int:
        """How many merged segments (of ``rows``, else all) had their translation edited after merging: a split
        would have to put each on its first clause."""
        from ..translation.segments import edited_merges

        segments = self.segments if rows is None else [self.segments[row] for row in rows]
        return len(edited_merges(self.document, segments, self.library.merge_memos(self.document_id)))

    def merge_with_next(self, row: int, then: Callable[[bool], None] | None = None) -> None:
        self.restructure(merging(row), then)

    def split_segment(self, row: int, then: Callable[[bool], None] | None = None) -> None:
        self.restructure(splitting(self.document, row), then)

    def regroup(self, by_sentence: bool, then: Callable[[bool], None] | None = None) -> None:
        self.restructure(regrouping(self.document, by_sentence), then, ("regroup", by_sentence))

    # --- progress -------------------------------------------------------------------------------------------
    def set_clause_words(self, clause_words: Sequence[int]) -> None:
        """Words per clause, from the background analysis: word totals can be shown from now on."""
        self._word_prefix = array("I", accumulate(clause_words, initial=0))  # not a list: 4 MB of ints
        self._recount()
        self.progressChanged.emit()

    def _words_in(self, segment: Segment) -> int:
        if self._word_prefix is None:
            return 0
        starts, prefix = self.clause_starts, self._word_prefix
        return prefix[bisect_left(starts, segment.end)] - prefix[bisect_left(starts, segment.start)]

    def _recount(self) -> None:
        rows = self.segments.translated_rows()
        self._translated = len(rows)
        self._words_done = sum(self._words_in(self.segments[row]) for row in rows)

    def progress(self) -> tuple[int, int]:
        return self._translated, len(self.segments)

    def word_progress(self) -> tuple[int, int] | None:
        """Words in translated segments and in the whole text, once the text is analysed."""
        if self._word_prefix is None:
            return None
        return self._words_done, self._word_prefix[-1]

    def is_done(self, row: int) -> bool:
        return self.segments[row].status == Status.DONE

"""Rows of the reader: one per segment (a clause, or clauses merged), with its translation and status.

Edits live here in memory at once and reach the library through ``flush`` (the window calls it within a
second of typing, on leaving a segment and on quit), each in one short transaction.
"""

from __future__ import annotations

from bisect import bisect_right

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ..analysis import Analyzer, Token
from ..store import DONE, DRAFT, UNTRANSLATED, Library, Segment
from ..text import Document
from ..translation import OpenedDocument, merge, regroup_by_clause, regroup_by_sentence, split

STATUS_ROLE = Qt.ItemDataRole.UserRole + 10
TARGET_ROLE = Qt.ItemDataRole.UserRole + 11


class SegmentModel(QAbstractListModel):
    progressChanged = Signal()

    def __init__(self, library: Library, opened: OpenedDocument, analyzer: Analyzer, parent=None) -> None:
        super().__init__(parent)
        self.library = library
        self.document_id = opened.id
        self.document: Document = opened.document
        self.analyzer = analyzer
        self.segments: list[Segment] = opened.segments
        self._dirty: dict[int, Segment] = {}
        self.clause_starts = [clause.start for clause in self.document.clauses]
        self._rows_by_id = {segment.id: row for row, segment in enumerate(self.segments)}

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
            return self.segments[index.row()].status
        return None

    # --- what the view reads --------------------------------------------------------------------------------
    def row_of(self, segment_id: int) -> int:
        """The row showing a segment, or -1 when merging removed it."""
        return self._rows_by_id.get(segment_id, -1)

    def source_text(self, row: int) -> str:
        segment = self.segments[row]
        return self.document.text[segment.start:segment.end]

    def target(self, row: int) -> str:
        return self.segments[row].target

    def status(self, row: int) -> int:
        return self.segments[row].status

    def tokens(self, row: int) -> tuple[Token, ...]:
        """Read directly by the delegate: a tuple of Python objects does not survive a trip through QVariant."""
        return self.analyzer.analyze(self.source_text(row))

    def lengths(self) -> list[int]:
        return [segment.end - segment.start for segment in self.segments]

    def paragraph_starts(self) -> list[bool]:
        """For every row at once, whether it begins a paragraph (one walk, not a search per row)."""
        clauses = self.document.clauses
        flags = []
        position = 0
        previous = None
        for segment in self.segments:
            while position + 1 < len(clauses) and clauses[position + 1].start <= segment.start:
                position += 1
            paragraph = clauses[position].paragraph
            flags.append(paragraph != previous)
            previous = paragraph
        return flags

    def paragraph_of(self, row: int) -> int:
        position = bisect_right(self.clause_starts, self.segments[row].start) - 1
        return self.document.clauses[max(0, position)].paragraph

    def starts_paragraph(self, row: int) -> bool:
        return row == 0 or self.paragraph_of(row - 1) != self.paragraph_of(row)

    # --- edits ----------------------------------------------------------------------------------------------
    def set_target(self, row: int, target: str) -> None:
        segment = self.segments[row]
        if segment.target == target:
            return
        status = segment.status
        if not target:
            status = UNTRANSLATED
        elif status == UNTRANSLATED:
            status = DRAFT
        self._replace(row, Segment(segment.id, segment.start, segment.end, target, status))

    def set_status(self, row: int, status: int) -> None:
        segment = self.segments[row]
        if segment.status != status:
            self._replace(row, Segment(segment.id, segment.start, segment.end, segment.target, status))

    def _replace(self, row: int, segment: Segment) -> None:
        self.segments[row] = segment
        self._dirty[segment.id] = segment
        index = self.index(row, 0)
        self.dataChanged.emit(index, index, [TARGET_ROLE, STATUS_ROLE])
        self.progressChanged.emit()

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
    def _restructure(self, keep: list[Segment], removed: list[int]) -> None:
        self.flush()
        self.library.replace_segments(self.document_id, keep, removed)
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.segments = self.library.segments(self.document_id)
        self._rows_by_id = {segment.id: row for row, segment in enumerate(self.segments)}
        self.endResetModel()
        self.progressChanged.emit()

    def snapshot(self) -> list[Segment]:
        self.flush()
        return list(self.segments)

    def restore(self, segments: list[Segment]) -> None:
        """Put back an earlier set of segments exactly, ids included (undo of merge, split, regroup)."""
        self.flush()
        self.library.restore_segments(self.document_id, segments)
        self.reload()

    def merge_with_next(self, row: int) -> bool:
        keep, removed = merge(self.snapshot(), row)
        if not keep:
            return False
        self._restructure(keep, removed)
        return True

    def split_segment(self, row: int) -> bool:
        parts = split(self.document, self.snapshot()[row])
        if len(parts) < 2:
            return False
        self._restructure(parts, [])
        return True

    def regroup(self, by_sentence: bool) -> None:
        segments = self.snapshot()
        if by_sentence:
            keep, removed = regroup_by_sentence(self.document, segments)
            self._restructure(keep, removed)
        else:
            self._restructure(regroup_by_clause(self.document, segments), [])

    # --- progress -------------------------------------------------------------------------------------------
    def progress(self) -> tuple[int, int]:
        done = sum(1 for segment in self.segments if segment.target.strip())
        return done, len(self.segments)

    def is_done(self, row: int) -> bool:
        return self.segments[row].status == DONE

"""A document's segments (its clauses or sentences, each with its translation and status) and what merged
segments were made of, so splitting one back restores each part.

Segments are kept as offsets into the document's text, so their ids survive merges and splits and do not depend
on how a later version splits clauses.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from operator import gt

from ..text import Document
from ..translation.segments import Memos, MergeMemo, Segment, SegmentTable, join_run, paragraph_starts
from .connection import Connection, PendingStore, json_rows, now


class Segments(Connection):
    """The segments and merge_memos tables."""

    def laid_out(self, identifier: str, document: Document) -> tuple[SegmentTable, list[bool]]:
        """A document's segments, and whether each begins a paragraph, for opening it: from the copy kept with
        the document (a few ms for a novel's 111,000) unless a merge, a split or a new cut has changed them
        since; else read from their rows (0.1-0.3 s) and the copy kept again. Translations and statuses are read
        from the rows that have them."""
        row = self._connection.execute("SELECT layout FROM documents WHERE id = ?", (identifier,)).fetchone()
        kept = _unpack_layout(row[0]) if row and row[0] else None
        if kept is not None:
            self._fill_work(identifier, kept[0])
            return kept
        with self.transaction() as db:  # read and kept in one write: no change can slip between
            table = self.segments(identifier)
            starts = paragraph_starts(document, table)
            if table:
                db.execute("UPDATE documents SET layout = ? WHERE id = ?", (pack_layout(table, starts), identifier))
        return table, starts

    def segments(self, identifier: str) -> SegmentTable:
        """A document's segments in text order. Their numbers come as three comma-joined strings, parsed at C
        speed, not as 111,000 row tuples; translations and statuses only for the rows that have them."""
        PendingStore.settle(self.path)
        ids, starts, ends = self._connection.execute(
            "SELECT group_concat(id), group_concat(start), group_concat(end) FROM"
            " (SELECT id, start, end FROM segments WHERE document_id = ? ORDER BY start)", (identifier,)).fetchone()
        if not ids:
            return SegmentTable(array("q"), array("I"), array("I"))
        table = SegmentTable(array("q", map(int, ids.split(","))), array("I", map(int, starts.split(","))),
                             array("I", map(int, ends.split(","))))
        if any(map(gt, table.starts, table.starts[1:])):  # group_concat kept no order: read them in order
            rows = self._query("SELECT id, start, end, target, status FROM segments WHERE document_id = ?"
                               " ORDER BY start", (identifier,))
            return SegmentTable.of(map(Segment._make, rows))
        self._fill_work(identifier, table)
        return table

    def _fill_work(self, identifier: str, table: SegmentTable) -> None:
        """Put in the translations and statuses of the rows that have any (read through their own index)."""
        for start, target, status in self._connection.execute(
                "SELECT start, target, status FROM segments WHERE document_id = ? AND (target != '' OR status != 0)",
                (identifier,)):
            row = bisect_left(table.starts, start)
            if target:
                table.targets[row] = target
            if status:
                table.statuses[row] = status

    def save_translation(self, segment_id: int, target: str, status: int | None = None) -> None:
        """One edit, one short transaction; without a status, ``Segment.with_target`` decides it."""
        with self.transaction() as db:
            row = db.execute("SELECT id, start, end, target, status FROM segments WHERE id = ?",
                             (segment_id,)).fetchone()
            if row is None:
                return
            segment = Segment(*row).with_target(target)
            if status is not None:
                segment = segment.with_status(status)
            db.execute("UPDATE segments SET target = ?, status = ?, updated_at = ? WHERE id = ?",
                       (segment.target, int(segment.status), now(), segment_id))

    def save_segments(self, segments: Iterable[Segment]) -> None:
        """Several edited translations and statuses in one transaction (the window's autosave)."""
        with self.transaction() as db:
            db.executemany("UPDATE segments SET target = ?, status = ?, updated_at = ? WHERE id = ?",
                           [(s.target, int(s.status), now(), s.id) for s in segments])

    def fill_segments(self, filled: Iterable[Segment], before: dict[int, str]) -> int:
        """An import's segments, each written only if its translation is still what the import saw, so work
        typed meanwhile (in the window, or another process) is never overwritten. Returns how many were written."""
        stamp = now()
        with self.transaction() as db:
            cursor = db.executemany(
                "UPDATE segments SET target = ?, status = ?, updated_at = ? WHERE id = ? AND target = ?",
                [(s.target, int(s.status), stamp, s.id, before.get(s.id, "")) for s in filled])
            return cursor.rowcount

    def join_segments(self, identifier: str, runs: Iterable[Sequence[Segment]]) -> dict[int, str]:
        """Runs of consecutive segments joined into one each, as Group by Sentence joins them (an import's
        sentence units over clauses), each only if its segments are still as the import saw them. Returns each
        joined segment's id with the translation it has now (its parts' joined)."""
        joined_targets: dict[int, str] = {}
        runs = list(runs)
        if not runs:
            return joined_targets
        with self.transaction() as db:
            earlier = self.merge_memos(identifier)
            memos = dict(earlier)
            for run in runs:
                ids = [segment.id for segment in run]
                rows = db.execute(f"SELECT id, start, end, target, status FROM segments WHERE id IN"
                                  f" ({','.join('?' * len(ids))}) ORDER BY start", ids).fetchall()
                if list(map(Segment._make, rows)) != list(run):
                    continue  # changed since the import was planned: left alone, and not filled
                joined, removed = join_run(run, memos, earlier)
                self._replace_segments(db, identifier, [joined], removed)
                joined_targets[joined.id] = joined.target
            self.save_merge_memos({key: memo for key, memo in memos.items() if earlier.get(key) != memo})
        return joined_targets

    def restore_segments(self, identifier: str, segments: list[Segment]) -> None:
        """Put back an earlier set of segments exactly, ids included (undo of a merge, split or regrouping).

        Only rows that differ are written: undoing a regrouping of a novel touches the merged rows, not all."""
        wanted = {segment.id: segment for segment in segments}
        with self.transaction() as db:
            current = {row[0]: Segment(*row) for row in db.execute(
                "SELECT id, start, end, target, status FROM segments WHERE document_id = ?", (identifier,))}
            gone = [(i,) for i in current.keys() - wanted.keys()]
            db.executemany("DELETE FROM segments WHERE id = ?", gone)
            changed = [s for s in segments if current.get(s.id) != s]
            forget_layout(db, identifier)
            db.executemany(
                "INSERT INTO segments (id, document_id, start, end, target, status) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET start = excluded.start, end = excluded.end,"
                " target = excluded.target, status = excluded.status",
                [(s.id, identifier, s.start, s.end, s.target, int(s.status)) for s in changed])

    def set_status(self, segment_id: int, status: int) -> None:
        with self.transaction() as db:
            db.execute("UPDATE segments SET status = ?, updated_at = ? WHERE id = ?", (status, now(), segment_id))

    def replace_segments(self, identifier: str, keep: list[Segment], removed: list[int]) -> None:
        """Apply a merge, split or regrouping computed by ``segments``: rows in ``keep`` with id 0 are new."""
        with self.transaction() as db:
            self._replace_segments(db, identifier, keep, removed)

    @staticmethod
    def _replace_segments(db: sqlite3.Connection, identifier: str, keep: list[Segment], removed: list[int]) -> None:
        stamp = now()
        forget_layout(db, identifier)
        db.executemany("DELETE FROM segments WHERE id = ?", [(segment_id,) for segment_id in removed])
        db.executemany("UPDATE segments SET start = ?, end = ?, target = ?, status = ?, updated_at = ?"
                       " WHERE id = ?",
                       [(s.start, s.end, s.target, int(s.status), stamp, s.id) for s in keep if s.id])
        db.executemany("INSERT INTO segments (document_id, start, end, target, status) VALUES (?, ?, ?, ?, ?)",
                       [(identifier, s.start, s.end, s.target, int(s.status)) for s in keep if not s.id])

    def merge_memos(self, identifier: str) -> Memos:
        rows = self._query("SELECT m.segment_id, m.merged_target, m.parts FROM merge_memos m JOIN segments s"
                           " ON s.id = m.segment_id WHERE s.document_id = ?", (identifier,))
        return {segment_id: MergeMemo(target, tuple(tuple(part) for part in json.loads(parts)))
                for segment_id, target, parts in rows}

    def save_merge_memos(self, memos: Memos) -> None:
        with self.transaction() as db:
            db.executemany("INSERT INTO merge_memos (segment_id, merged_target, parts) VALUES (?, ?, ?)"
                           " ON CONFLICT(segment_id) DO UPDATE SET merged_target = excluded.merged_target,"
                           " parts = excluded.parts",
                           [(i, memo.merged_target, json.dumps(memo.parts, ensure_ascii=False))
                            for i, memo in memos.items()])


def insert_clauses(db: sqlite3.Connection, identifier: str, first_id: int, starts: Sequence[int],
                   ends: Sequence[int]) -> None:
    """A new text's segments, one per clause, with the ids from ``first_id`` on (inside the caller's write), in
    one statement (``json_rows`` says why)."""
    pairs = json_rows(zip(starts, ends, strict=True))
    db.execute("INSERT INTO segments (id, document_id, start, end) SELECT ? + key, ?, json_extract(value, '$[0]'),"
               " json_extract(value, '$[1]') FROM json_each(?)", (first_id, identifier, pairs))


def forget_layout(db: sqlite3.Connection, identifier: str) -> None:
    """Every write that adds, removes or moves a document's segments, or cuts its text anew, drops the copy of
    their layout kept with it (``laid_out`` reads them from their rows next time, and keeps it again)."""
    db.execute("UPDATE documents SET layout = NULL WHERE id = ? AND layout IS NOT NULL", (identifier,))


def pack_layout(table: SegmentTable, paragraph_starts: Sequence[bool]) -> bytes:
    """A document's segment ids, starts and ends and their paragraph starts as one blob: a count, then the
    arrays little-endian, then one byte a row."""
    ids, starts, ends = array("q", [len(table)]) + table.ids, array("I", table.starts), array("I", table.ends)
    if sys.byteorder == "big":
        for numbers in (ids, starts, ends):
            numbers.byteswap()
    return ids.tobytes() + starts.tobytes() + ends.tobytes() + bytes(paragraph_starts)


def _unpack_layout(blob: bytes) -> tuple[SegmentTable, list[bool]] | None:
    """What ``pack_layout`` kept; None when the blob does not hold what its count says."""
    count = array("q", blob[:8])
    if sys.byteorder == "big":
        count.byteswap()
    rows = count[0] if count else -1
    if rows < 0 or len(blob) != 8 + rows * 17:
        return None
    ids, starts, ends = array("q", blob[8:8 + 8 * rows]), array("I"), array("I")
    starts.frombytes(blob[8 + 8 * rows:8 + 12 * rows])
    ends.frombytes(blob[8 + 12 * rows:8 + 16 * rows])
    if sys.byteorder == "big":
        for numbers in (ids, starts, ends):
            numbers.byteswap()
    return SegmentTable(ids, starts, ends), list(map(bool, blob[8 + 16 * rows:]))

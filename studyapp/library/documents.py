"""Documents in the library: their text (so the library opens without the original file), how it was cut into
clauses, the reader's place and choices in it, and the readings pinned to one occurrence of a word."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
from array import array
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import LibraryError
from ..text import SPLITTER_VERSION, Document, pack_offsets, split, unpack_offsets
from ..translation.segments import SegmentTable, paragraph_starts, realign
from ..wording import displayable
from .connection import PendingStore, now
from .segments import Segments, forget_layout, insert_clauses, pack_layout


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    id: str
    title: str
    source_path: str | None
    encoding: str
    target_lang: str
    position: int
    opened_at: str
    grouping: str
    segments: int
    translated: int

    @property
    def progress(self) -> float:
        return self.translated / self.segments if self.segments else 0.0


@dataclass(frozen=True)
class Unstored:
    """A new text shown before it is stored (``Documents.open_document_later``): what ``store_opened`` writes,
    and ``first_id``, where the ids set aside for its segments (one per clause, in order) begin."""

    id: str
    document: Document
    title: str
    source_path: str | bytes | None
    opened_at: str
    first_id: int

    def info(self) -> DocumentInfo:
        """Its row as the library will hold it once stored (the schema's defaults: English, the first row,
        clause by clause, nothing translated)."""
        return DocumentInfo(self.id, self.title, _read_path(self.source_path), self.document.encoding, "en", 0,
                            self.opened_at, "clause", len(self.document.clauses), 0)


def document_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Documents(Segments):
    """The documents table and what hangs on a document (its segments come from ``Segments``)."""

    def add_document(self, document: Document, title: str, source_path: str | None) -> str:
        """The document's id; a text seen before (from any path) comes back with all its work."""
        return self.open_document(document, title, source_path)[0]

    def open_document(self, document: Document, title: str,
                      source_path: str | None) -> tuple[str, SegmentTable | None]:
        """Like ``add_document``, and for a text stored just now its segments too (one per clause, the ids
        SQLite gave them in order), so a first opening need not read 111,000 rows straight back. A known text
        cut differently this time (a newer splitter, lines joined or not) has its segments fitted to the new
        clauses, translations kept (``segments.realign``)."""
        identifier, table, unstored = self.open_document_later(document, title, source_path)
        if unstored is not None:
            self.store_opened(unstored)
        return identifier, table

    def open_document_later(self, document: Document, title: str,
                            source_path: str | None) -> tuple[str, SegmentTable | None, Unstored | None]:
        """``open_document`` for a window that shows a new text before it is stored: a known text is opened as
        there; a new one is not written yet (its text and 111,000 segments took 0.5 s before a novel's first
        paint) but comes back as ``Unstored``, its segments' ids set aside now, for ``store_opened`` to write
        in one transaction after the paint. A kill before that leaves the library without it, never half of it."""
        identifier = document_id(document.text)
        stamp = now()
        title, stored_path = displayable(title), _stored_path(source_path)
        with self.transaction() as db:
            known = db.execute("SELECT clauses IS NOT NULL AND splitter = ? AND joined = ? FROM documents"
                               " WHERE id = ?", (SPLITTER_VERSION, document.joined, identifier)).fetchone()
            if known:
                db.execute("UPDATE documents SET opened_at = ?, source_path = COALESCE(?, source_path) WHERE id = ?",
                           (stamp, stored_path, identifier))
                extras = _extras(document)
                if extras:
                    db.execute("UPDATE documents SET extras = ? WHERE id = ?", (extras, identifier))
                if not known[0]:  # stored before offsets were kept, by an older splitter, or joined otherwise
                    self._store_split(db, identifier, document)
                return identifier, None, None
            first = _reserve_segment_ids(db, len(document.clauses))
        clauses = document.clauses
        table = SegmentTable(array("q", range(first, first + len(clauses))), array("I", clauses.starts),
                             array("I", clauses.ends))
        return identifier, table, Unstored(identifier, document, title, stored_path, stamp, first)

    def store_opened(self, unstored: Unstored) -> bool:
        """Write a text ``open_document_later`` showed before storing it: its row and its segments, with the ids
        set aside for them, all in one transaction. False (nothing written) when the library holds it already."""
        document, identifier = unstored.document, unstored.id
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM documents WHERE id = ?", (identifier,)).fetchone():
                return False
            clauses = document.clauses
            table = SegmentTable(array("q", range(unstored.first_id, unstored.first_id + len(clauses))),
                                 array("I", clauses.starts), array("I", clauses.ends))
            db.execute(
                "INSERT INTO documents (id, title, source_path, encoding, text, created_at, opened_at, clauses,"
                " splitter, joined, extras, layout) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (identifier, unstored.title, unstored.source_path, document.encoding, document.text,
                 unstored.opened_at, unstored.opened_at, pack_offsets(document), SPLITTER_VERSION, document.joined,
                 _extras(document), pack_layout(table, paragraph_starts(document, table))))
            insert_clauses(db, identifier, unstored.first_id, clauses.starts, clauses.ends)
        return True

    def _store_split(self, db: sqlite3.Connection, identifier: str, document: Document) -> None:
        """New clause offsets for a stored text, and its segments fitted to them (inside the caller's write)."""
        db.execute("UPDATE documents SET clauses = ?, splitter = ?, joined = ? WHERE id = ?",
                   (pack_offsets(document), SPLITTER_VERSION, document.joined, identifier))
        forget_layout(db, identifier)  # the paragraphs may fall otherwise, though no segment moved
        changed, removed = realign(self.segments(identifier), document.clauses)
        if changed or removed:
            db.execute("DELETE FROM merge_memos WHERE segment_id IN (SELECT id FROM segments WHERE document_id = ?)",
                       (identifier,))
            self._replace_segments(db, identifier, changed, removed)

    def split_document(self, text: str, encoding: str,
                       ahead: Callable[[str, str, str], Document | None] | None = None) -> Document:
        """The text split into clauses: as stored when this splitter last split it (the reader's choice of
        joined lines honoured), else as ``ahead(id, text, encoding)`` has it split already (``split_ahead.take``),
        else split now."""
        identifier = document_id(text)
        row = self._connection.execute("SELECT clauses, splitter, joined, join_lines, extras FROM documents"
                                       " WHERE id = ?", (identifier,)).fetchone()
        if row is None:
            return (ahead and ahead(identifier, text, encoding)) or split(text, encoding)
        clauses, splitter, joined, join_lines, extras = row
        document = None
        if clauses and splitter == SPLITTER_VERSION and (join_lines is None or bool(join_lines) == bool(joined)):
            document = unpack_offsets(text, encoding, clauses, bool(joined))
        if document is None:
            document = split(text, encoding, None if join_lines is None else bool(join_lines))
        return _with_extras(document, extras)

    def set_join_lines(self, identifier: str, join: bool) -> Document:
        """The reader's choice for one document: cut it again with its lines joined or not, segments fitted to
        the new clauses in the same transaction (no translation is lost); the new document comes back."""
        raw, encoding = self.document_text(identifier)
        extras = self._connection.execute("SELECT extras FROM documents WHERE id = ?", (identifier,)).fetchone()
        document = _with_extras(split(raw, encoding, join), extras[0] if extras else None)
        with self.transaction() as db:
            db.execute("UPDATE documents SET join_lines = ? WHERE id = ?", (int(join), identifier))
            self._store_split(db, identifier, document)
        return document

    def join_choice(self, identifier: str) -> bool | None:
        """The reader's choice of joined lines for a document; None when it was left to detection."""
        row = self._connection.execute("SELECT join_lines FROM documents WHERE id = ?", (identifier,)).fetchone()
        return None if row is None or row[0] is None else bool(row[0])

    def documents(self, identifier: str | None = None) -> list[DocumentInfo]:
        """Every document (or just one) with its progress, most recently opened first."""
        PendingStore.settle(self.path)
        where, parameters = ("WHERE d.id = ?", (identifier,)) if identifier else ("", ())
        rows = self._query(
            "SELECT d.id, d.title, d.source_path, d.encoding, d.target_lang, d.position, d.opened_at, d.grouping,"
            " COUNT(s.id), COALESCE(SUM(s.target != ''), 0)"
            f" FROM documents d LEFT JOIN segments s ON s.document_id = d.id {where}"
            " GROUP BY d.id ORDER BY d.opened_at DESC", parameters)
        return [DocumentInfo(row[0], row[1], _read_path(row[2]), *row[3:]) for row in rows]

    def opened_info(self, identifier: str, segments: SegmentTable) -> DocumentInfo | None:
        """``document_info`` for a document being opened, its segments read just now: their counts are taken
        from them, not counted again over every row (0.03-0.09 s for a novel)."""
        row = self._connection.execute(
            "SELECT id, title, source_path, encoding, target_lang, position, opened_at, grouping FROM documents"
            " WHERE id = ?", (identifier,)).fetchone()
        if row is None:
            return None
        identifier, title, source_path, encoding, target_lang, position, opened_at, grouping = row
        return DocumentInfo(identifier, title, _read_path(source_path), encoding, target_lang, position, opened_at,
                            grouping, len(segments), len(segments.targets))

    def document_info(self, identifier: str) -> DocumentInfo | None:
        found = self.documents(identifier)
        return found[0] if found else None

    def document_text(self, identifier: str) -> tuple[str, str]:
        row = self._connection.execute("SELECT text, encoding FROM documents WHERE id = ?", (identifier,)).fetchone()
        if row is None:
            raise LibraryError("That document is no longer in the library.")
        return row[0], row[1]

    def rename(self, identifier: str, title: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE documents SET title = ? WHERE id = ?", (title.strip() or "Untitled", identifier))

    def delete(self, identifier: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM documents WHERE id = ?", (identifier,))

    def set_position(self, identifier: str, position: int) -> None:
        with self.transaction() as db:
            db.execute("UPDATE documents SET position = ? WHERE id = ?", (position, identifier))

    def set_grouping(self, identifier: str, grouping: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE documents SET grouping = ? WHERE id = ?", (grouping, identifier))

    def set_target_lang(self, identifier: str, language: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE documents SET target_lang = ? WHERE id = ?", (language, identifier))

    def pinned_readings(self, identifier: str) -> dict[int, tuple[str, tuple[str, ...]]]:
        """start -> (word, syllables) of every reading the reader pinned in a document."""
        return {start: (word, tuple(reading.split())) for start, word, reading in self._query(
            "SELECT start, word, reading FROM pinned_readings WHERE document_id = ?", (identifier,))}

    def pin_reading(self, identifier: str, start: int, word: str, reading: tuple[str, ...] | None) -> None:
        """Pin (or with None, unpin) the reading of the word at ``start``."""
        with self.transaction() as db:
            if reading is None:
                db.execute("DELETE FROM pinned_readings WHERE document_id = ? AND start = ?", (identifier, start))
            else:
                db.execute("INSERT INTO pinned_readings (document_id, start, word, reading) VALUES (?, ?, ?, ?)"
                           " ON CONFLICT(document_id, start) DO UPDATE SET word = excluded.word,"
                           " reading = excluded.reading", (identifier, start, word, " ".join(reading)))

    def translated_pairs(self) -> list[tuple[int, str, str]]:
        """(segment id, source, target) of every translated segment in the library, for fuzzy matches: the
        memory holds one entry per segment, replaced as the translator changes it.

        Sources are sliced here from each text, read once: SQLite's substr() walks a long text from its start
        for every row (6.6 s for 10,000 segments of a novel, against milliseconds)."""
        rows = self._query("SELECT document_id, id, start, end, target FROM segments INDEXED BY segments_worked"
                           " WHERE (target != '' OR status != 0) AND target != '' ORDER BY document_id, start")
        joined = {identifier for (identifier,) in self._query("SELECT id FROM documents WHERE joined")}
        texts: dict[str, tuple[str, str]] = {}
        shown: dict[str, Document] = {}  # joined documents, cut as stored: which breaks the reader takes out
        pairs = []
        for identifier, segment_id, start, end, target in rows:
            if identifier not in texts:
                texts[identifier] = self.document_text(identifier)
            source = texts[identifier][0][start:end]
            if identifier in joined and "\n" in source:  # as the reader shows it: the wrapped lines joined
                if identifier not in shown:
                    shown[identifier] = self.split_document(*texts[identifier])
                source = shown[identifier].span_text(start, end)
            pairs.append((segment_id, source, target))
        return pairs



def _reserve_segment_ids(db: sqlite3.Connection, rows: int) -> int:
    """Set aside ``rows`` consecutive segment ids (inside the caller's write) and return the first: AUTOINCREMENT
    gives every later segment an id above them, so a text stored after other writes still gets the ids its
    window shows. A kill before it is stored leaves only a gap in the ids."""
    highest = db.execute("SELECT max(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'segments'), 0),"
                         " COALESCE((SELECT max(id) FROM segments), 0))").fetchone()[0]
    if db.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'segments'", (highest + rows,)).rowcount == 0:
        db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('segments', ?)", (highest + rows,))
    return highest + 1


def _stored_path(path: str | None) -> str | bytes | None:
    """A file's path as the library keeps it: text, or where the name's bytes are not UTF-8 (which SQLite text
    cannot hold) the bytes the operating system gave, as a blob."""
    if path is None:
        return None
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path)
    return path


def _read_path(stored: str | bytes | None) -> str | None:
    """The path ``_stored_path`` kept, as Python names that file again (bytes that are not UTF-8 as surrogates)."""
    return os.fsdecode(stored) if isinstance(stored, bytes) else stored


def _extras(document: Document) -> str | None:
    if not (document.sections or document.cues):
        return None
    return json.dumps({"sections": document.sections, "cues": document.cues}, ensure_ascii=False)


def _with_extras(document: Document, extras: str | None) -> Document:
    """A document with the chapters and cue timings stored with it (kept when the library is read back)."""
    if not extras:
        return document
    try:
        loaded = json.loads(extras)
        sections = tuple((str(title), int(offset)) for title, offset in loaded.get("sections", ()))
        cues = tuple((int(offset), str(start), str(end)) for offset, start, end in loaded.get("cues", ()))
    except (ValueError, TypeError, AttributeError):
        return document
    return dataclasses.replace(document, sections=sections, cues=cues)


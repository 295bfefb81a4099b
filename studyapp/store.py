"""The user's library in SQLite: documents (their text too), segments and translations.

One file per user (platformdirs, or ``--library`` / ``STUDYAPP_LIBRARY``), WAL, foreign keys on, the schema
version in ``PRAGMA user_version`` with migrations applied in order, each in a transaction, ``APPLICATION_ID`` in
``PRAGMA application_id``. A file that is another program's database, corrupt, read-only, from a newer studyapp
or in use by another window is refused with a message and never written to. Segments are kept as offsets into
the document's text, so their ids survive merges and splits and do not depend on how a later version splits
clauses.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
import os
import sqlite3
import stat
import tempfile
import threading
import time
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import gt
from pathlib import Path

import platformdirs

from .errors import LibraryError
from .paths import APP_NAME
from .segments import Memos, MergeMemo, Segment, SegmentTable, join_run, realign
from .text import SPLITTER_VERSION, Document, pack_offsets, split, unpack_offsets
from .wording import displayable

log = logging.getLogger(__name__)
SQLITE_HEADER = b"SQLite format 3\x00"
#: ``PRAGMA application_id`` of a studyapp library ("STDY"): another program's SQLite file is never taken for ours.
APPLICATION_ID = int.from_bytes(b"STDY", "big")
BACKUPS_KEPT = 7
#: How long a command waits for another studyapp command holding the library (an import of a novel takes seconds)
#: before it gives up; a window holding it is said at once, since a window stays open.
LOCK_PATIENCE = 30.0
#: How long a command waits before it says it is waiting.
LOCK_QUIET = 1.0
WINDOW, COMMAND = "window", "command"

MIGRATIONS: list[str] = [
    # 1: documents, their segments and translations
    """
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,               -- sha256 of the decoded text: the same text is the same document
        title TEXT NOT NULL,
        source_path TEXT,
        encoding TEXT NOT NULL,
        text TEXT NOT NULL,
        target_lang TEXT NOT NULL DEFAULT 'en',
        position INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        opened_at TEXT NOT NULL
    );
    CREATE TABLE segments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        target TEXT NOT NULL DEFAULT '',
        status INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT,
        UNIQUE (document_id, start)
    );
    CREATE INDEX segments_by_document ON segments (document_id, start);
    """,
    # 2: how the translator grouped the document, so the window shows the same mode on reopening
    """
    ALTER TABLE documents ADD COLUMN grouping TEXT NOT NULL DEFAULT 'clause';
    """,
    # 3: the UNIQUE (document_id, start) constraint's own index already serves every segment query; the second,
    # identical index only slowed each insert (a novel's first opening stores 111,000 segments)
    """
    DROP INDEX IF EXISTS segments_by_document;
    """,
    # 4: clause offsets as ``split`` found them (text.pack_offsets) and the splitter's version, so reopening a
    # novel skips splitting it again
    """
    ALTER TABLE documents ADD COLUMN clauses BLOB;
    ALTER TABLE documents ADD COLUMN splitter INTEGER NOT NULL DEFAULT 0;
    """,
    # 5: the vocabulary deck: what the learner knows of each word (shared by every document), their own
    # definitions and chosen translations, and how often each word occurs in each document
    """
    CREATE TABLE terms (
        word TEXT PRIMARY KEY,
        status INTEGER NOT NULL DEFAULT 0,  -- deck.TermStatus: new, learning, known, ignored
        definition TEXT,                    -- the learner's own; NULL: the dictionary's
        translation TEXT,                   -- a translator's chosen translation
        updated_at TEXT
    );
    CREATE TABLE document_words (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        word TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (document_id, word)
    ) WITHOUT ROWID;
    CREATE INDEX document_words_by_word ON document_words (word);
    """,
    # 6: the learner's segmentation fixes: wherever ``text`` occurs it is cut into ``parts`` (space-separated;
    # one part joins characters jieba split, several split a word it joined), in every document
    """
    CREATE TABLE segmentation_fixes (
        text TEXT PRIMARY KEY,
        parts TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    # 7: the study list: words the learner chose to study, each with the clause it came from, that clause's
    # translation and the word's reading there (flashcard review builds its cards on these)
    """
    CREATE TABLE study_list (
        word TEXT PRIMARY KEY,
        reading TEXT NOT NULL,
        context TEXT NOT NULL,
        context_translation TEXT NOT NULL DEFAULT '',
        document_id TEXT REFERENCES documents(id) ON DELETE SET NULL,
        added_at TEXT NOT NULL
    );
    """,
    # 8: flashcards (one per word and kind, scheduled by FSRS; the card's FSRS state as JSON, its due time
    # apart for the queue) and the review log (every rating, with the card before and after, times in UTC)
    """
    CREATE TABLE cards (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        word TEXT NOT NULL REFERENCES study_list(word) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        fsrs TEXT NOT NULL,
        due TEXT NOT NULL,
        reps INTEGER NOT NULL DEFAULT 0,
        lapses INTEGER NOT NULL DEFAULT 0,
        suspended INTEGER NOT NULL DEFAULT 0,
        leech INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        UNIQUE (word, kind)
    );
    CREATE INDEX cards_by_due ON cards (suspended, due);
    CREATE TABLE review_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        card_id INTEGER NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
        reviewed_at TEXT NOT NULL,
        rating INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL DEFAULT 0,
        state_before TEXT NOT NULL,
        state_after TEXT NOT NULL
    );
    CREATE INDEX review_log_by_time ON review_log (reviewed_at);
    """,
    # 9: values the schedule depends on that belong with the log (FSRS parameters optimised from it)
    """
    CREATE TABLE review_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 10: what each merged segment was made of (segments.MergeMemo), so splitting it back restores each part's
    # own translation and status
    """
    CREATE TABLE merge_memos (
        segment_id INTEGER PRIMARY KEY REFERENCES segments(id) ON DELETE CASCADE,
        merged_target TEXT NOT NULL,
        parts TEXT NOT NULL
    );
    """,
    # 11: hard-wrapped books: whether the stored clause offsets were cut with each paragraph's lines joined,
    # and the reader's own choice for the document (NULL: decided by text.looks_hard_wrapped)
    """
    ALTER TABLE documents ADD COLUMN joined INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE documents ADD COLUMN join_lines INTEGER;
    """,
    # 12: readings the reader chose for one occurrence of a word (the hover popup's other readings), kept by the
    # word's first character in the text, so they survive reopening and re-analysis
    """
    CREATE TABLE pinned_readings (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        word TEXT NOT NULL,
        reading TEXT NOT NULL,
        PRIMARY KEY (document_id, start)
    ) WITHOUT ROWID;
    """,
    # 13: what a book or subtitle file knew besides its text: chapters (the table of contents) and cue timings,
    # as JSON {"sections": [[heading, offset]], "cues": [[offset, start, end]]}
    """
    ALTER TABLE documents ADD COLUMN extras TEXT;
    """,
    # 14: where a study-list word's clause starts in its document's text, so cards and exports show the clause's
    # translation as it is now (typed after the word was added too); found for entries made before where their
    # clause occurs as kept (instr counts characters from 1), else left NULL (the kept translation is shown)
    """
    ALTER TABLE study_list ADD COLUMN position INTEGER;
    UPDATE study_list SET position = (SELECT NULLIF(instr(d.text, study_list.context), 0) - 1 FROM documents d
                                      WHERE d.id = study_list.document_id)
     WHERE document_id IS NOT NULL AND context != '';
    """,
    # 15: the dictionary sense the learner chose for a word (one of its CC-CEDICT senses, as written there): the
    # card, the deck and exports show it first; a definition the learner typed (terms.definition) still wins
    """
    ALTER TABLE terms ADD COLUMN sense TEXT;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True, slots=True)
class StudyEntry:
    """A word on the study list, with where the learner met it."""

    word: str
    reading: str  # tone-marked syllables, space-separated, as read in that clause
    context: str  # the clause
    context_translation: str  # what the learner wrote for it, if anything (as it is now, read from the library)
    document_id: str | None = None
    position: int | None = None  # where the clause starts in the document's text


#: The translation of a study-list entry's (``s``) clause as it is now: the segment holding the clause's start.
#: An entry whose clause cannot be placed keeps the translation it was added with.
CURRENT_TRANSLATION = ("COALESCE((SELECT g.target FROM segments g WHERE g.document_id = s.document_id"
                       " AND g.start <= s.position ORDER BY g.start DESC LIMIT 1), s.context_translation)")


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


def default_library_path() -> Path:
    configured = os.environ.get("STUDYAPP_LIBRARY")
    if configured:
        return Path(configured)
    return Path(platformdirs.user_data_dir(APP_NAME)) / "library.sqlite"


def document_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Library:
    """An open library file. Methods are short transactions; use one Library per thread."""

    def __init__(self, path: Path, connection: sqlite3.Connection, lock: _FileLock | None) -> None:
        self.path = path
        self._connection = connection
        self._lock = lock
        self._write_lock = threading.RLock()
        self._depth = 0  # transactions open on this connection (nested ones join the outer)

    # --- opening --------------------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path | None = None, exclusive: bool = False, held_by: str = "",
             backup: bool = True, on_wait: Callable[[], None] | None = None,
             patience: float = LOCK_PATIENCE) -> Library:
        """Open (creating it if absent) and migrate; refuse without touching the file when it is unusable.

        ``exclusive``: the window holds the library against a second window, and commands that write a
        document's segments (``held_by`` names what they do) hold it against a window; either waits up to
        ``patience`` seconds for a command holding it (``on_wait`` is told once, after a moment), as two
        commands started together must both succeed. ``backup``: make the day's backup (not for a command
        that only reads: it writes nothing)."""
        path = Path(path) if path else default_library_path()
        lock = None
        if path.exists():
            _check_existing(path)
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise LibraryError(f"The library folder {path.parent} cannot be created: {error.strerror}.") from None
        if exclusive:
            lock = _hold(path, held_by, on_wait, patience)
        try:
            connection = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA foreign_keys = ON")
            _claim(connection, path)  # before WAL, so a new file carries our id from its first page
            _set_wal(connection)
            connection.execute("PRAGMA synchronous = NORMAL")
            _migrate(connection)
        except sqlite3.Error as error:
            if lock:
                lock.release()
            raise LibraryError(f"The library {path} could not be opened: {error}.") from None
        except LibraryError:
            if lock:
                lock.release()
            raise
        library = cls(path, connection, lock)
        if backup:
            library.backup_if_due()
        return library

    @classmethod
    def open_or_empty(cls, path: str | Path | None = None, backup: bool = False) -> Library:
        """The library at ``path``; where there is none yet, an empty one in memory, so a command that reads
        shows what an empty library holds and leaves no library, folder or backup behind."""
        path = Path(path) if path else default_library_path()
        if path.exists():
            return cls.open(path, backup=backup)
        connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA foreign_keys = ON")
        _migrate(connection)
        return cls(path, connection, None)

    @classmethod
    def connect(cls, path: Path) -> Library:
        """A second connection to a library this process already opened and checked, for a background job
        (SQLite connections are one per thread); WAL lets it write while the window reads."""
        try:
            connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as error:
            raise LibraryError(f"The library {path} could not be opened: {error}.") from None
        return cls(path, connection, None)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            self._connection.close()
        if self._lock:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, all or nothing. Nested ones join the outer one, so a command can make several
        changes (add a document, then import into it) that a failure or a kill leaves all undone. SQLite's
        errors inside (a full disk, a lock held too long) come out as one line, with nothing changed."""
        with self._write_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._connection
                finally:
                    self._depth -= 1
                return
            try:
                self._connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                # another program holds the file (past the busy timeout): say so, do not print a traceback
                raise LibraryError(f"The library {self.path} is busy: another program has been writing to it for "
                                   f"several seconds ({error}). Nothing was changed; try again when it is done.") \
                    from None
            self._depth = 1
            try:
                yield self._connection
                self._connection.execute("COMMIT")
            except sqlite3.Error as error:
                self._roll_back()
                raise LibraryError(f"The library {self.path} could not be written ({error}). Nothing of this "
                                   "change was saved; what was saved before is intact.") from None
            except BaseException:
                self._roll_back()
                raise
            finally:
                self._depth = 0

    def _roll_back(self) -> None:
        if self._connection.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._connection.execute("ROLLBACK")

    def _query(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        return self._connection.execute(sql, parameters).fetchall()

    # --- backups --------------------------------------------------------------------------------------------
    def backup_folder(self) -> Path:
        return self.path.with_name(self.path.stem + "-backups")

    def backup_if_due(self, today: dt.date | None = None) -> Path | None:
        """One copy per day of use (SQLite's backup API, consistent while open), keeping the last seven."""
        today = today or dt.date.today()
        folder = self.backup_folder()
        target = folder / f"{self.path.stem}-{today.isoformat()}.sqlite"
        if target.exists():
            return None
        try:
            folder.mkdir(exist_ok=True)
            # a partial file of this process's own: two commands started together each back up, and the
            # second must not write into the first one's copy
            handle, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".partial", dir=folder)
            os.close(handle)
            partial = Path(name)
            try:
                with contextlib.closing(sqlite3.connect(partial)) as copy:
                    self._connection.backup(copy)
                os.replace(partial, target)
            finally:
                with contextlib.suppress(OSError):
                    partial.unlink()
            for old in sorted(folder.glob(f"{self.path.stem}-*.sqlite"))[:-BACKUPS_KEPT]:
                with contextlib.suppress(FileNotFoundError):  # another process pruned it first
                    old.unlink()
        except (OSError, sqlite3.Error):
            # a backup that cannot be written must not stop the user working; the log says why
            log.warning("the daily backup %s could not be written", target, exc_info=True)
            return None
        return target

    # --- documents ------------------------------------------------------------------------------------------
    def add_document(self, document: Document, title: str, source_path: str | None) -> str:
        """The document's id; a text seen before (from any path) comes back with all its work."""
        return self.open_document(document, title, source_path)[0]

    def open_document(self, document: Document, title: str,
                      source_path: str | None) -> tuple[str, SegmentTable | None]:
        """Like ``add_document``, and for a text stored just now its segments too (one per clause, the ids
        SQLite gave them in order), so a first opening need not read 111,000 rows straight back. A known text
        cut differently this time (a newer splitter, lines joined or not) has its segments fitted to the new
        clauses, translations kept (``segments.realign``)."""
        identifier = document_id(document.text)
        now = _now()
        title, source_path = displayable(title), _stored_path(source_path)
        with self.transaction() as db:
            known = db.execute("SELECT clauses IS NOT NULL AND splitter = ? AND joined = ? FROM documents"
                               " WHERE id = ?", (SPLITTER_VERSION, document.joined, identifier)).fetchone()
            if known:
                db.execute("UPDATE documents SET opened_at = ?, source_path = COALESCE(?, source_path) WHERE id = ?",
                           (now, source_path, identifier))
                extras = _extras(document)
                if extras:
                    db.execute("UPDATE documents SET extras = ? WHERE id = ?", (extras, identifier))
                if not known[0]:  # stored before offsets were kept, by an older splitter, or joined otherwise
                    self._store_split(db, identifier, document)
            else:
                db.execute(
                    "INSERT INTO documents (id, title, source_path, encoding, text, created_at, opened_at, clauses,"
                    " splitter, joined, extras) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (identifier, title, source_path, document.encoding, document.text, now, now,
                     pack_offsets(document), SPLITTER_VERSION, document.joined, _extras(document)))
                before = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'segments'").fetchone()
                clauses = document.clauses
                db.executemany("INSERT INTO segments (document_id, start, end) VALUES (?, ?, ?)",
                               zip(repeat(identifier), clauses.starts, clauses.ends))
                # AUTOINCREMENT inside one write transaction: consecutive ids after the highest ever used
                first = (before[0] if before else 0) + 1
                return identifier, SegmentTable(array("q", range(first, first + len(clauses))),
                                                array("I", clauses.starts), array("I", clauses.ends))
        return identifier, None

    def _store_split(self, db: sqlite3.Connection, identifier: str, document: Document) -> None:
        """New clause offsets for a stored text, and its segments fitted to them (inside the caller's write)."""
        db.execute("UPDATE documents SET clauses = ?, splitter = ?, joined = ? WHERE id = ?",
                   (pack_offsets(document), SPLITTER_VERSION, document.joined, identifier))
        changed, removed = realign(self.segments(identifier), document.clauses)
        if changed or removed:
            db.execute("DELETE FROM merge_memos WHERE segment_id IN (SELECT id FROM segments WHERE document_id = ?)",
                       (identifier,))
            self._replace_segments(db, identifier, changed, removed)

    def split_document(self, text: str, encoding: str) -> Document:
        """The text split into clauses: as stored when this splitter last split it (the reader's choice of
        joined lines honoured), else split now."""
        row = self._connection.execute("SELECT clauses, splitter, joined, join_lines, extras FROM documents"
                                       " WHERE id = ?", (document_id(text),)).fetchone()
        if row is None:
            return split(text, encoding)
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
        where, parameters = ("WHERE d.id = ?", (identifier,)) if identifier else ("", ())
        rows = self._query(
            "SELECT d.id, d.title, d.source_path, d.encoding, d.target_lang, d.position, d.opened_at, d.grouping,"
            " COUNT(s.id), COALESCE(SUM(s.target != ''), 0)"
            f" FROM documents d LEFT JOIN segments s ON s.document_id = d.id {where}"
            " GROUP BY d.id ORDER BY d.opened_at DESC", parameters)
        return [DocumentInfo(row[0], row[1], _read_path(row[2]), *row[3:]) for row in rows]

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

    # --- segments -------------------------------------------------------------------------------------------
    def segments(self, identifier: str) -> SegmentTable:
        """A document's segments in text order. Their numbers come as three comma-joined strings, parsed at C
        speed, not as 111,000 row tuples; translations and statuses only for the rows that have them."""
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
        for start, target, status in self._connection.execute(
                "SELECT start, target, status FROM segments WHERE document_id = ? AND (target != '' OR status != 0)",
                (identifier,)):
            row = bisect_left(table.starts, start)
            if target:
                table.targets[row] = target
            if status:
                table.statuses[row] = status
        return table

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
                       (segment.target, int(segment.status), _now(), segment_id))

    def save_segments(self, segments: Iterable[Segment]) -> None:
        """Several edited translations and statuses in one transaction (the window's autosave)."""
        with self.transaction() as db:
            db.executemany("UPDATE segments SET target = ?, status = ?, updated_at = ? WHERE id = ?",
                           [(s.target, int(s.status), _now(), s.id) for s in segments])

    def fill_segments(self, filled: Iterable[Segment], before: dict[int, str]) -> int:
        """An import's segments, each written only if its translation is still what the import saw, so work
        typed meanwhile (in the window, or another process) is never overwritten. Returns how many were written."""
        now = _now()
        with self.transaction() as db:
            cursor = db.executemany(
                "UPDATE segments SET target = ?, status = ?, updated_at = ? WHERE id = ? AND target = ?",
                [(s.target, int(s.status), now, s.id, before.get(s.id, "")) for s in filled])
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
            db.executemany(
                "INSERT INTO segments (id, document_id, start, end, target, status) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET start = excluded.start, end = excluded.end,"
                " target = excluded.target, status = excluded.status",
                [(s.id, identifier, s.start, s.end, s.target, int(s.status)) for s in changed])

    def set_status(self, segment_id: int, status: int) -> None:
        with self.transaction() as db:
            db.execute("UPDATE segments SET status = ?, updated_at = ? WHERE id = ?", (status, _now(), segment_id))

    def replace_segments(self, identifier: str, keep: list[Segment], removed: list[int]) -> None:
        """Apply a merge, split or regrouping computed by ``segments``: rows in ``keep`` with id 0 are new."""
        with self.transaction() as db:
            self._replace_segments(db, identifier, keep, removed)

    @staticmethod
    def _replace_segments(db: sqlite3.Connection, identifier: str, keep: list[Segment], removed: list[int]) -> None:
        now = _now()
        db.executemany("DELETE FROM segments WHERE id = ?", [(segment_id,) for segment_id in removed])
        db.executemany("UPDATE segments SET start = ?, end = ?, target = ?, status = ?, updated_at = ?"
                       " WHERE id = ?",
                       [(s.start, s.end, s.target, int(s.status), now, s.id) for s in keep if s.id])
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

    # --- the vocabulary deck --------------------------------------------------------------------------------
    def term_statuses(self) -> dict[str, int]:
        """Every word whose status is not new, with its status (deck.TermStatus numbers)."""
        return dict(self._query("SELECT word, status FROM terms WHERE status != 0"))

    def set_term_status(self, words: Iterable[str], status: int) -> int:
        """One status for many words in one transaction (a page marked known, a list imported)."""
        now = _now()
        rows = [(word, int(status), now) for word in dict.fromkeys(words)]
        with self.transaction() as db:
            db.executemany("INSERT INTO terms (word, status, updated_at) VALUES (?, ?, ?) ON CONFLICT(word)"
                           " DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at", rows)
        return len(rows)

    def own_definitions(self) -> dict[str, str]:
        return dict(self._query("SELECT word, definition FROM terms WHERE definition IS NOT NULL"))

    def set_definition(self, word: str, definition: str | None) -> None:
        """Store a definition the learner typed, made one line (``definitions.typed_definition``); None clears it."""
        from .definitions import typed_definition

        definition = typed_definition(definition)
        with self.transaction() as db:
            db.execute("INSERT INTO terms (word, definition, updated_at) VALUES (?, ?, ?) ON CONFLICT(word)"
                       " DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at",
                       (word, definition or None, _now()))

    def chosen_senses(self) -> dict[str, str]:
        """The dictionary sense the learner chose per word (deck.definition puts it first)."""
        return dict(self._query("SELECT word, sense FROM terms WHERE sense IS NOT NULL"))

    def choose_sense(self, word: str, sense: str | None) -> None:
        """Choose the sense a word's cards show first. The latest choice stands: it replaces a definition the
        learner typed; None gives the word back to the dictionary's senses (and drops a typed one too)."""
        with self.transaction() as db:
            db.execute("INSERT INTO terms (word, sense, updated_at) VALUES (?, ?, ?) ON CONFLICT(word)"
                       " DO UPDATE SET sense = excluded.sense, definition = NULL, updated_at = excluded.updated_at",
                       (word, sense or None, _now()))

    def add_to_study(self, entries: Iterable[StudyEntry]) -> int:
        """Words onto the study list (one already there keeps its first context); returns how many were new."""
        now = _now()
        with self.transaction() as db:
            before = db.execute("SELECT COUNT(*) FROM study_list").fetchone()[0]
            db.executemany("INSERT OR IGNORE INTO study_list (word, reading, context, context_translation,"
                           " document_id, position, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [(e.word, e.reading, e.context, e.context_translation, e.document_id, e.position, now)
                            for e in entries])
            return db.execute("SELECT COUNT(*) FROM study_list").fetchone()[0] - before

    def study_list(self) -> list[StudyEntry]:
        """The study list, each entry with its clause's translation as it is now."""
        return [StudyEntry(*row) for row in self._query(
            f"SELECT s.word, s.reading, s.context, {CURRENT_TRANSLATION}, s.document_id, s.position"
            " FROM study_list s ORDER BY s.added_at, s.word")]

    def remove_from_study(self, words: Iterable[str]) -> None:
        with self.transaction() as db:
            db.executemany("DELETE FROM study_list WHERE word = ?", [(word,) for word in words])

    def segmentation_fixes(self) -> dict[str, tuple[str, ...]]:
        return {text: tuple(parts.split(" ")) for text, parts in self._query(
            "SELECT text, parts FROM segmentation_fixes")}

    def set_segmentation_fix(self, text: str, parts: tuple[str, ...] | None) -> None:
        """Store (or, with None, remove) how ``text`` is to be cut."""
        with self.transaction() as db:
            if parts is None:
                db.execute("DELETE FROM segmentation_fixes WHERE text = ?", (text,))
            else:
                db.execute("INSERT INTO segmentation_fixes (text, parts, created_at) VALUES (?, ?, ?)"
                           " ON CONFLICT(text) DO UPDATE SET parts = excluded.parts", (text, " ".join(parts), _now()))

    def chosen_translations(self) -> dict[str, str]:
        """A translator's fixed translation per word (the glossary)."""
        return dict(self._query("SELECT word, translation FROM terms WHERE translation IS NOT NULL"
                                " AND translation != ''"))

    def set_translation(self, word: str, translation: str | None) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO terms (word, translation, updated_at) VALUES (?, ?, ?) ON CONFLICT(word)"
                       " DO UPDATE SET translation = excluded.translation, updated_at = excluded.updated_at",
                       (word, (translation or "").strip() or None, _now()))

    def save_document_words(self, identifier: str, counts: dict[str, int]) -> None:
        """How often each word occurs in a document (written after its analysis), for counts across the library."""
        with self.transaction() as db:
            db.execute("DELETE FROM document_words WHERE document_id = ?", (identifier,))
            db.executemany("INSERT INTO document_words (document_id, word, count) VALUES (?, ?, ?)",
                           zip(repeat(identifier), counts.keys(), counts.values()))

    def library_counts(self) -> dict[str, int]:
        """Every word's count summed over the library's documents."""
        return dict(self._query("SELECT word, SUM(count) FROM document_words GROUP BY word"))

    def known_in_library(self, words: Iterable[str]) -> int:
        """How many of ``words`` occur in some document of the library."""
        present = {row[0] for row in self._query("SELECT DISTINCT word FROM document_words")}
        return sum(1 for word in set(words) if word in present)

    def translated_pairs(self) -> list[tuple[int, str, str]]:
        """(segment id, source, target) of every translated segment in the library, for fuzzy matches: the
        memory holds one entry per segment, replaced as the translator changes it.

        Sources are sliced here from each text, read once: SQLite's substr() walks a long text from its start
        for every row (6.6 s for 10,000 segments of a novel, against milliseconds)."""
        rows = self._query("SELECT document_id, id, start, end, target FROM segments WHERE target != ''"
                           " ORDER BY document_id, start")
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


def _check_existing(path: Path) -> None:
    """Everything that makes a file unusable, found without writing a byte to it or creating one beside it."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise LibraryError(f"The library {path} cannot be read: {error.strerror}.") from None
    if not stat.S_ISREG(mode):  # a FIFO would block the read below forever, a device never end
        raise LibraryError(f"The library {path} is not a regular file; give the path of a library file.")
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as error:
        raise LibraryError(f"The library {path} cannot be read: {error.strerror}.") from None
    stored_version = int.from_bytes(header[60:64], "big") if len(header) >= 64 else 0  # SQLite's user_version
    header = header[:len(SQLITE_HEADER)]
    if header and header != SQLITE_HEADER:
        raise LibraryError(f"The library {path} is damaged (it is not a studyapp library file). It was left as it is.")
    if (header and not _writable(path)) or not os.access(path.parent, os.W_OK):
        raise LibraryError(f"The library {path} is read-only; studyapp needs to save your work in it.")
    if not header:
        return  # an empty file: SQLite makes a fresh database of it
    if stored_version > SCHEMA_VERSION:
        raise LibraryError(
            f"The library {path} was written by a newer studyapp (format {stored_version}; this version reads up "
            f"to {SCHEMA_VERSION}). Update studyapp to open it; it was left as it is.")
    try:
        # immutable: no locks and no -wal/-shm files made beside a file that may be refused
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, timeout=5)
        try:
            version = probe.execute("PRAGMA user_version").fetchone()[0]
            check = probe.execute("PRAGMA quick_check").fetchone()[0]
            owner = probe.execute("PRAGMA application_id").fetchone()[0]
            tables = _tables(probe)
        finally:
            probe.close()
    except sqlite3.DatabaseError as error:
        raise LibraryError(f"The library {path} is damaged ({error}). It was left as it is.") from None
    if version > SCHEMA_VERSION:
        raise LibraryError(
            f"The library {path} was written by a newer studyapp (format {version}; this version reads up to "
            f"{SCHEMA_VERSION}). Update studyapp to open it; it was left as it is.")
    if check != "ok":
        raise LibraryError(f"The library {path} is damaged ({check}). It was left as it is.")
    _refuse_if_not_ours(path, owner, tables)


def _refuse_if_not_ours(path: Path, owner: int, tables: set[str]) -> None:
    """A file is ours when it carries our application id, or, made before the id existed, holds tables and only
    tables of ours (it is stamped on opening); with tables we did not make it is never ours, since taking over
    another program's database would write ours into it."""
    foreign = sorted(tables - _our_tables())
    if not foreign and (owner == APPLICATION_ID or (owner == 0 and tables)):
        return
    named = f" (it holds tables studyapp never makes: {', '.join(foreign[:3])})" if foreign else ""
    raise LibraryError(f"The library {path} is another program's database, not a studyapp library{named}. "
                       "Give the path of a studyapp library or of a new file; it was left as it is.")


def _tables(connection: sqlite3.Connection) -> set[str]:
    """The tables and views a database holds, without SQLite's own (``sqlite_sequence``, ``sqlite_stat1``)."""
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
                              " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    return {name for (name,) in rows}


@functools.cache
def _our_tables() -> frozenset[str]:
    """Every table any version of the schema has made (a library made by an old version may hold one that a
    later migration drops), found by running the migrations on an empty database."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        made: set[str] = set()
        for script in MIGRATIONS:
            for statement in _statements(script):
                connection.execute(statement)
            made |= _tables(connection)
        return frozenset(made)
    finally:
        connection.close()


def _claim(connection: sqlite3.Connection, path: Path) -> None:
    """Our application id on a new file, and on a library made before the id existed, in one write transaction
    that reads the file again (``_check_existing`` refused every other file before it was opened)."""
    if connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID:
        return
    with _immediate(connection):
        owner = connection.execute("PRAGMA application_id").fetchone()[0]
        if owner != APPLICATION_ID:
            tables = _tables(connection)
            if owner or tables:  # not the empty file SQLite makes a new database of
                _refuse_if_not_ours(path, owner, tables)
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")


@contextlib.contextmanager
def _immediate(connection: sqlite3.Connection) -> Iterator[None]:
    """A write transaction on a bare connection, while a library is being opened (before ``Library.transaction``
    exists): the re-checks inside it see no other process's half-done work."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _writable(path: Path) -> bool:
    """Permission bits too, since for root os.access says yes to a file marked read-only."""
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)


def _set_wal(connection: sqlite3.Connection, patience: float = 10.0) -> None:
    """WAL mode, waiting while another process sets it up: changing the journal mode of a new file does not wait
    on SQLite's busy timeout, so two commands started at once got "database is locked"."""
    deadline = time.monotonic() + patience
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _migrate(connection: sqlite3.Connection) -> None:
    """Each migration whole, in one write transaction that first reads the version again: two commands started
    at once on a new library both see version 0, and the second must find the first one's work done, not
    create the same tables again."""
    while True:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version >= len(MIGRATIONS):
            return
        with _immediate(connection):
            if connection.execute("PRAGMA user_version").fetchone()[0] == version:
                for statement in _statements(MIGRATIONS[version]):
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {version + 1}")


def _statements(script: str) -> list[str]:
    """A script's statements, cut where SQLite itself says one is complete (a ``;`` inside a string or a
    trigger body does not end one)."""
    statements, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                statements.append(pending.strip())
            pending = ""
    if pending.strip(" \n;"):
        statements.append(pending.strip())
    return statements


def _hold(path: Path, held_by: str, on_wait: Callable[[], None] | None, patience: float) -> _FileLock:
    """The library's lock for a window, or for a command (``held_by`` says what it does). Another command holding
    it is waited for, up to ``patience`` seconds (``on_wait`` is called once, after a moment); a window holding
    it refuses at once."""
    lock = _FileLock(path.with_name(path.name + ".lock"), COMMAND if held_by else WINDOW)
    started = time.monotonic()
    told = False
    while not lock.acquire():
        window_holds = lock.holder() == WINDOW
        if window_holds and held_by:
            raise LibraryError(f"The library {path} is open in a studyapp window. Close the window to {held_by} "
                               "from the command line, or do it in the window.")
        if window_holds:
            raise LibraryError(f"The library {path} is open in another studyapp window. Close it there, or open "
                               "another library.")
        waited = time.monotonic() - started
        if waited > patience:
            raise LibraryError(f"The library {path} is still in use by another studyapp command after "
                               f"{patience:.0f} seconds. Nothing was changed; try again when it is done.")
        if on_wait and not told and waited > LOCK_QUIET:
            on_wait()
            told = True
        time.sleep(0.05)
    return lock


class _FileLock:
    """An advisory lock that the operating system drops when the process dies, so a crash never leaves the
    library locked. Its holder writes its role in the file (``window`` or ``command``, and its process id), so
    one that finds it held can tell a window, which stays open, from a command, which ends soon."""

    #: Where Windows locks a byte: past the record, which a locked byte would make unreadable to others.
    _WINDOWS_LOCK_OFFSET = 1 << 20

    def __init__(self, path: Path, role: str) -> None:
        self.path = path
        self.role = role
        self._handle = None

    def acquire(self) -> bool:
        try:
            handle = os.fdopen(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644), "r+b")
        except OSError:
            return True  # cannot make a lock file (read-only folder): the open itself will say what is wrong
        try:
            if os.name == "nt":
                import msvcrt

                handle.seek(self._WINDOWS_LOCK_OFFSET)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._handle = handle
        self._write_record(f"{self.role} {os.getpid()}\n")
        return True

    def holder(self) -> str:
        """The role the holder wrote (``window`` or ``command``); "" while it has not written it yet, or when
        the lock was taken by a studyapp from before roles were written."""
        try:
            with open(self.path, "rb") as handle:
                words = handle.read(200).split()
        except OSError:
            return ""
        return words[0].decode("ascii", "replace") if words else ""

    def release(self) -> None:
        if self._handle:
            self._write_record("")  # the next holder is not taken for this one while it writes its own
            with contextlib.suppress(OSError):  # a full disk fails the record's flush; the lock is gone all the same
                self._handle.close()
            self._handle = None

    def _write_record(self, record: str) -> None:
        with contextlib.suppress(OSError):  # the record only sharpens a message; the lock holds without it
            self._handle.seek(0)
            self._handle.truncate()
            self._handle.write(record.encode("ascii"))
            self._handle.flush()

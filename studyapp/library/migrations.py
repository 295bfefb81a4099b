"""The library's schema: every migration in order, the version each leaves in ``PRAGMA user_version``.

Only ever append: a library made by any earlier version is brought up to date by running the ones it lacks.
"""

from __future__ import annotations

import functools
import sqlite3

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
    # 16: a document's analysis as its last full pass found it (the words per clause, counts, first readings,
    # dictionary senses), packed in one blob, so reopening a novel lists its words without analysing it again;
    # usable only while ``key`` (the analyser's, splitter's and dictionary's versions, the segmentation fixes)
    # still matches, and redone for the clauses whose pinned readings differ from ``pins``
    """
    CREATE TABLE document_analyses (
        document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        pins TEXT NOT NULL,
        data BLOB NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    # 17: today's reviews for the queue before each card, from indexes alone: their cards (the words seen today) and
    # how many were of new cards (Anki's new-card limit), instead of reading every review done today from the
    # log's rows and parsing their JSON (8x the wait between cards on a busy day)
    """
    CREATE INDEX review_log_cards_by_time ON review_log (reviewed_at, card_id);
    CREATE INDEX review_log_new_by_time ON review_log (reviewed_at)
     WHERE IFNULL(json_extract(state_before, '$.reps'), 0) = 0;
    """,
    # 18: recordings: the audio file that goes with a document (its absolute path, where the learner keeps it: not a
    # copy) and the learner's bookmarks in it ("the text from this offset is heard from this second", Lute's model)
    """
    CREATE TABLE recordings (
        document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        attached_at TEXT NOT NULL
    );
    CREATE TABLE bookmarks (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        offset INTEGER NOT NULL,
        seconds REAL NOT NULL,
        PRIMARY KEY (document_id, offset)
    ) WITHOUT ROWID;
    """,
    # 19: a document opens without reading its rows: its segments' layout (ids, starts, ends, paragraph starts)
    # kept as one blob, dropped by every write that moves a segment (``segments.forget_layout``); and the rows
    # with a translation or status indexed, so reading those is not a walk over a novel's 111,000
    """
    ALTER TABLE documents ADD COLUMN layout BLOB;
    CREATE INDEX segments_worked ON segments (document_id) WHERE target != '' OR status != 0;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def statements(script: str) -> list[str]:
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



def tables(connection: sqlite3.Connection) -> set[str]:
    """The tables and views a database holds, without SQLite's own (``sqlite_sequence``, ``sqlite_stat1``)."""
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
                              " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    return {name for (name,) in rows}


@functools.cache
def our_tables() -> frozenset[str]:
    """Every table any version of the schema has made (a library made by an old version may hold one that a
    later migration drops), found by running the migrations on an empty database."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        made: set[str] = set()
        for script in MIGRATIONS:
            for statement in statements(script):
                connection.execute(statement)
            made |= tables(connection)
        return frozenset(made)
    finally:
        connection.close()

"""What the learner keeps of words, shared by every document: their status, own definitions and chosen senses,
a translator's glossary, segmentation fixes, how often each word occurs in each document, and the study list."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

from .connection import Connection, json_rows, now


class TermStatus(IntEnum):
    """What the learner knows of a word; stored as its number, shared by every document."""

    NEW = 0
    LEARNING = 1
    KNOWN = 2
    IGNORED = 3  # proper names and the like: neither studied nor counted against coverage


#: Statuses that count as understood: for coverage, and a word's new cards are not shown.
UNDERSTOOD = frozenset({TermStatus.KNOWN, TermStatus.IGNORED})


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


class Words(Connection):
    """The terms, segmentation_fixes, document_words and study_list tables."""

    def term_statuses(self) -> dict[str, int]:
        """Every word whose status is not new, with its status (``TermStatus`` numbers)."""
        return dict(self._query("SELECT word, status FROM terms WHERE status != ?", (TermStatus.NEW,)))

    def set_term_status(self, words: Iterable[str], status: int) -> int:
        """One status for many words in one transaction (a page marked known, a list imported)."""
        stamp = now()
        rows = [(word, int(status), stamp) for word in dict.fromkeys(words)]
        with self.transaction() as db:
            db.executemany("INSERT INTO terms (word, status, updated_at) VALUES (?, ?, ?) ON CONFLICT(word)"
                           " DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at", rows)
        return len(rows)

    def promote_term(self, word: str, status: int, replacing: Iterable[int], when: str) -> None:
        """Give ``word`` ``status`` where it has none yet or one of ``replacing``; any other status the learner
        chose stands (a review making a word known leaves one marked ignored alone)."""
        with self.transaction() as db:
            db.execute("INSERT INTO terms (word, status, updated_at) VALUES (?, ?, ?) ON CONFLICT(word)"
                       " DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at"
                       " WHERE status IN (SELECT value FROM json_each(?))",
                       (word, int(status), when, json.dumps([int(old) for old in replacing])))

    def own_definitions(self) -> dict[str, str]:
        return dict(self._query("SELECT word, definition FROM terms WHERE definition IS NOT NULL"))

    def set_definition(self, word: str, definition: str | None) -> None:
        """Store a definition the learner typed, made one line (``definitions.typed_definition``); None clears it."""
        from ..study.definitions import typed_definition

        definition = typed_definition(definition)
        with self.transaction() as db:
            db.execute("INSERT INTO terms (word, definition, updated_at) VALUES (?, ?, ?) ON CONFLICT(word)"
                       " DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at",
                       (word, definition or None, now()))

    def chosen_senses(self) -> dict[str, str]:
        """The dictionary sense the learner chose per word (deck.definition puts it first)."""
        return dict(self._query("SELECT word, sense FROM terms WHERE sense IS NOT NULL"))

    def choose_sense(self, word: str, sense: str | None) -> None:
        """Choose the sense a word's cards show first. The latest choice stands: it replaces a definition the
        learner typed; None gives the word back to the dictionary's senses (and drops a typed one too)."""
        with self.transaction() as db:
            db.execute("INSERT INTO terms (word, sense, updated_at) VALUES (?, ?, ?) ON CONFLICT(word)"
                       " DO UPDATE SET sense = excluded.sense, definition = NULL, updated_at = excluded.updated_at",
                       (word, sense or None, now()))

    def add_to_study(self, entries: Iterable[StudyEntry]) -> int:
        """Words onto the study list (one already there keeps its first context); returns how many were new."""
        stamp = now()
        with self.transaction() as db:
            before = db.execute("SELECT COUNT(*) FROM study_list").fetchone()[0]
            db.executemany("INSERT OR IGNORE INTO study_list (word, reading, context, context_translation,"
                           " document_id, position, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [(e.word, e.reading, e.context, e.context_translation, e.document_id, e.position, stamp)
                            for e in entries])
            return db.execute("SELECT COUNT(*) FROM study_list").fetchone()[0] - before

    def study_list(self) -> list[StudyEntry]:
        """The study list, each entry with its clause's translation as it is now."""
        return [StudyEntry(*row) for row in self._query(
            f"SELECT s.word, s.reading, s.context, {CURRENT_TRANSLATION}, s.document_id, s.position"
            " FROM study_list s ORDER BY s.added_at, s.word")]

    def study_words(self) -> set[str]:
        """The words on the study list, and nothing else of theirs (the Vocabulary panel's tick: a study list of
        thousands of words read as entries took a second)."""
        return {word for (word,) in self._query("SELECT word FROM study_list")}

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
                           " ON CONFLICT(text) DO UPDATE SET parts = excluded.parts", (text, " ".join(parts), now()))

    def chosen_translations(self) -> dict[str, str]:
        """A translator's fixed translation per word (the glossary)."""
        return dict(self._query("SELECT word, translation FROM terms WHERE translation IS NOT NULL"
                                " AND translation != ''"))

    def set_translation(self, word: str, translation: str | None) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO terms (word, translation, updated_at) VALUES (?, ?, ?) ON CONFLICT(word)"
                       " DO UPDATE SET translation = excluded.translation, updated_at = excluded.updated_at",
                       (word, (translation or "").strip() or None, now()))

    def save_document_words(self, identifier: str, counts: dict[str, int]) -> None:
        """How often each word occurs in a document (written after its analysis), for counts across the library."""
        with self.transaction() as db:
            db.execute("DELETE FROM document_words WHERE document_id = ?", (identifier,))
            db.execute("INSERT INTO document_words (document_id, word, count) SELECT ?, json_extract(value, '$[0]'),"
                       " json_extract(value, '$[1]') FROM json_each(?)", (identifier, json_rows(counts.items())))

    def library_counts(self, excluding: str | None = None) -> dict[str, int]:
        """Every word's count summed over the library's documents (but the one ``excluding`` names: its counts
        are being gathered anew)."""
        return dict(self._query("SELECT word, SUM(count) FROM document_words WHERE document_id IS NOT ?"
                                " GROUP BY word", (excluding,)))

    def known_in_library(self, words: Iterable[str]) -> int:
        """How many of ``words`` occur in some document of the library."""
        present = {row[0] for row in self._query("SELECT DISTINCT word FROM document_words")}
        return sum(1 for word in set(words) if word in present)

"""Flashcards, the review log and the review options, as ``review`` schedules them.

The library keeps each card's FSRS state as the JSON ``review`` wrote and hands it back as text: reading it (and
saying which card is damaged) is the scheduler's job, so the library needs no FSRS.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from .connection import Connection
from .words import CURRENT_TRANSLATION


class CardRow(NamedTuple):
    """A card with its study-list entry (the clause's translation as it is now)."""

    id: int
    word: str
    kind: str
    reading: str
    context: str
    context_translation: str
    fsrs: str  # the card's FSRS state, as JSON
    reps: int
    lapses: int
    suspended: bool
    leech: bool
    document_id: str | None
    position: int | None


class CardSchedule(NamedTuple):
    """A card's schedule alone (what the statistics count), without its study-list entry."""

    id: int
    word: str
    kind: str
    due: str
    reps: int
    suspended: int  # 1 when suspended (as stored: 20,000 rows are read for the statistics)
    fsrs: str


class LoggedReview(NamedTuple):
    """One rating in the review log, with the card's state before it (JSON)."""

    id: int
    card_id: int
    reviewed_at: str
    rating: int
    duration_ms: int
    state_before: str


class ReviewedSince(NamedTuple):
    """The words reviewed since a time, and how many of those reviews were of new cards and of the others."""

    words: set[str]
    new: int
    reviews: int


#: A review of a card never reviewed before: word for word the condition of the partial index
#: ``review_log_new_by_time`` (migrations), so that SQLite counts them from that index without reading any JSON.
NEW_CARD_REVIEW = "IFNULL(json_extract(state_before, '$.reps'), 0) = 0"

_CARD_ROWS = (f"SELECT c.id, c.word, c.kind, s.reading, s.context, {CURRENT_TRANSLATION}, c.fsrs, c.reps, c.lapses,"
              " c.suspended, c.leech, s.document_id, s.position FROM cards c JOIN study_list s ON s.word = c.word ")


class Cards(Connection):
    """The cards, review_log and review_settings tables."""

    # --- options ------------------------------------------------------------------------------------------
    def review_options(self, keys: Iterable[str]) -> dict[str, str]:
        """The stored values (JSON) of those of ``keys`` the library holds."""
        keys = tuple(keys)
        return dict(self._query(f"SELECT key, value FROM review_settings WHERE key IN ({_marks(keys)})", keys))

    def set_review_options(self, values: dict[str, str]) -> None:
        """Keep each value (JSON) under its key, in one transaction."""
        with self.transaction() as db:
            db.executemany("INSERT INTO review_settings (key, value) VALUES (?, ?) ON CONFLICT(key)"
                           " DO UPDATE SET value = excluded.value", values.items())

    def adopt_review_options(self, values: dict[str, str], among: Iterable[str]) -> bool:
        """Keep ``values`` only where the library holds none of ``among`` yet (options carried over once from an
        older version); whether they were kept."""
        among = tuple(among)
        if not values:
            return False
        with self.transaction() as db:
            if db.execute(f"SELECT 1 FROM review_settings WHERE key IN ({_marks(among)})", among).fetchone():
                return False
            db.executemany("INSERT INTO review_settings (key, value) VALUES (?, ?)", values.items())
        return True

    # --- cards --------------------------------------------------------------------------------------------
    def missing_cards(self, kinds: Sequence[str]) -> list[tuple[str, str]]:
        """(word, kind) of ``kinds`` that a word on the study list has no card of yet, in the order the words
        were added. Every card's word is on the study list (cards go with it), so two counts tell at once when
        none is missing, as after ``add_cards``."""
        chosen = json.dumps(list(kinds))
        words = self._query("SELECT COUNT(*) FROM study_list")[0][0]
        cards = self._query("SELECT COUNT(*) FROM cards WHERE kind IN (SELECT value FROM json_each(?))",
                            (chosen,))[0][0]
        if cards >= words * len(kinds):
            return []
        made = set(self._query("SELECT word, kind FROM cards"))
        return [(word, kind) for (word,) in self._query("SELECT word FROM study_list ORDER BY rowid")
                for kind in kinds if (word, kind) not in made]

    def add_cards(self, cards: Iterable[tuple[str, str, str, str]], created_at: str) -> None:
        """New cards as (word, kind, FSRS state, due); a word's card of a kind it already has is left as it is."""
        with self.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO cards (word, kind, fsrs, due, created_at) VALUES (?, ?, ?, ?, ?)",
                           [(word, kind, fsrs, due, created_at) for word, kind, fsrs, due in cards])

    def card_row(self, card_id: int) -> CardRow | None:
        found = self._card_rows("WHERE c.id = ?", (card_id,))
        return found[0] if found else None

    def due_card_rows(self, before: str, kinds: Sequence[str], hide_new_of: Iterable[int], new: bool | None = None,
                      limit: int = -1, offset: int = 0) -> list[CardRow]:
        """Unsuspended cards of ``kinds`` due before ``before``, oldest due first; new cards of words whose
        status is one of ``hide_new_of`` are left out. ``new``: only new cards (True) or only the others (False);
        ``limit`` and ``offset``: one page of them (a study list of 1,000 words has 3,000 new cards, of which a
        day takes 20)."""
        hidden = json.dumps([int(status) for status in hide_new_of])
        which = {None: "", True: " AND c.reps = 0", False: " AND c.reps > 0"}[new]
        return self._card_rows(
            "WHERE c.suspended = 0 AND c.due < ? AND c.kind IN (SELECT value FROM json_each(?)) AND NOT (c.reps = 0"
            f" AND c.word IN (SELECT word FROM terms WHERE status IN (SELECT value FROM json_each(?)))){which}"
            " ORDER BY c.due, c.id LIMIT ? OFFSET ?", (before, json.dumps(list(kinds)), hidden, limit, offset))

    def suspended_card_rows(self) -> list[CardRow]:
        return self._card_rows("WHERE c.suspended = 1 ORDER BY c.word")

    def _card_rows(self, where: str, parameters: tuple = ()) -> list[CardRow]:
        return [CardRow._make((*row[:9], bool(row[9]), bool(row[10]), *row[11:]))
                for row in self._query(_CARD_ROWS + where, parameters)]

    def card_schedules(self) -> list[CardSchedule]:
        rows = self._query("SELECT id, word, kind, due, reps, suspended, fsrs FROM cards")
        return list(map(CardSchedule._make, rows))

    def save_card(self, card_id: int, fsrs: str, due: str, reps: int, lapses: int, suspended: bool,
                  leech: bool) -> None:
        """A card's schedule (after a rating, or as it was before one, for an undo)."""
        with self.transaction() as db:
            db.execute("UPDATE cards SET fsrs = ?, due = ?, reps = ?, lapses = ?, suspended = ?, leech = ?"
                       " WHERE id = ?", (fsrs, due, reps, lapses, int(suspended), int(leech), card_id))

    def unsuspend_cards(self, card_ids: Iterable[int]) -> None:
        with self.transaction() as db:
            db.executemany("UPDATE cards SET suspended = 0 WHERE id = ?", [(i,) for i in card_ids])

    # --- the log ------------------------------------------------------------------------------------------
    def log_review(self, card_id: int, reviewed_at: str, rating: int, duration_ms: int, state_before: str,
                   state_after: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO review_log (card_id, reviewed_at, rating, duration_ms, state_before, state_after)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
                       (card_id, reviewed_at, rating, duration_ms, state_before, state_after))

    def last_review(self) -> LoggedReview | None:
        found = self._reviews("ORDER BY id DESC LIMIT 1")
        return found[0] if found else None

    def forget_review(self, log_id: int) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM review_log WHERE id = ?", (log_id,))

    def reviews(self, since: str | None = None) -> list[LoggedReview]:
        """The review log in the order it was written; or its part from ``since`` (a UTC time) on, in no set
        order (ordering it would walk the whole log instead of the index by time: 95 ms a card with 200,000 rows)."""
        if since is None:
            return self._reviews("ORDER BY id")
        return self._reviews("WHERE reviewed_at >= ?", (since,))

    def reviewed_since(self, since: str) -> ReviewedSince:
        """What was reviewed from ``since`` (a UTC time) on, from the indexes by time alone: no review's JSON is
        read, so the queue costs the same before each card on a day of 1,000 reviews as on a fresh one."""
        words = {word for (word,) in self._query(
            "SELECT DISTINCT c.word FROM review_log l JOIN cards c ON c.id = l.card_id WHERE l.reviewed_at >= ?",
            (since,))}
        reviews, new = self._query(
            f"SELECT (SELECT COUNT(*) FROM review_log WHERE reviewed_at >= ?1),"
            f" (SELECT COUNT(*) FROM review_log WHERE reviewed_at >= ?1 AND {NEW_CARD_REVIEW})", (since,))[0]
        return ReviewedSince(words, new, reviews - new)

    def reviews_counted_since(self, since: str) -> int:
        """How many reviews were logged from ``since`` on (a count over the index by time)."""
        return self._query("SELECT COUNT(*) FROM review_log WHERE reviewed_at >= ?", (since,))[0][0]

    def last_review_id(self) -> int:
        return self._query("SELECT IFNULL(MAX(id), 0) FROM review_log")[0][0]

    def reviewed_after(self, log_id: int, since: str) -> list[tuple[int, str, bool]]:
        """The reviews logged after the one with id ``log_id`` and from ``since`` on: each one's id, its card's
        word and whether the card was new then (what ``reviewed_since`` counts, for the few reviews since)."""
        return [(row_id, word, bool(new)) for row_id, word, new in self._query(
            f"SELECT l.id, c.word, {NEW_CARD_REVIEW} FROM review_log l JOIN cards c ON c.id = l.card_id"
            " WHERE l.id > ? AND l.reviewed_at >= ?", (log_id, since))]

    def _reviews(self, where: str, parameters: tuple = ()) -> list[LoggedReview]:
        return list(map(LoggedReview._make, self._query(
            "SELECT id, card_id, reviewed_at, rating, duration_ms, state_before FROM review_log " + where,
            parameters)))

    def review_count(self) -> int:
        return self._query("SELECT COUNT(*) FROM review_log")[0][0]


def _marks(values: Sequence[object]) -> str:
    """One ``?`` per value, for ``IN (...)``."""
    return ", ".join("?" * len(values))

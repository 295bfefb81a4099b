"""A document's stored analysis: one packed blob per document, what its last full pass over the clauses found,
so that reopening it needs no second pass. What the blob holds is the deck's business (``study.stored_deck``);
here it is only kept, found by its key, and dropped."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .connection import Connection, now

Pinned = dict[int, tuple[str, tuple[str, ...]]]  # as Documents.pinned_readings gives them


@dataclass(frozen=True, slots=True)
class StoredAnalysis:
    key: str  # what it was made with; a caller uses it only while its own key is the same
    pins: Pinned  # the pinned readings laid over it when it was made
    data: bytes


class Analyses(Connection):
    """The document_analyses table."""

    def stored_analysis(self, identifier: str, key: str) -> StoredAnalysis | None:
        """The document's stored analysis if it was made with ``key`` (else None: it is to be made again)."""
        rows = self._query("SELECT key, pins, data FROM document_analyses WHERE document_id = ? AND key = ?",
                           (identifier, key))
        if not rows:
            return None
        stored_key, pins, data = rows[0]
        try:
            pinned = {int(start): (word, tuple(reading)) for start, (word, reading) in json.loads(pins).items()}
        except (ValueError, TypeError, AttributeError):
            return None  # a damaged row is as good as none: the analysis runs again and replaces it
        return StoredAnalysis(stored_key, pinned, bytes(data))

    def save_analysis(self, identifier: str, key: str, pins: Pinned, data: bytes) -> None:
        """Keep the document's analysis, replacing any older one; a document no longer in the library keeps
        nothing (it was removed while it was being analysed)."""
        text = json.dumps({str(start): [word, list(reading)] for start, (word, reading) in pins.items()},
                          ensure_ascii=False)
        with self.transaction() as db:
            db.execute("INSERT INTO document_analyses (document_id, key, pins, data, created_at)"
                       " SELECT id, ?, ?, ?, ? FROM documents WHERE id = ? ON CONFLICT(document_id) DO UPDATE SET"
                       " key = excluded.key, pins = excluded.pins, data = excluded.data,"
                       " created_at = excluded.created_at", (key, text, data, now(), identifier))

    def forget_analysis(self, identifier: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM document_analyses WHERE document_id = ?", (identifier,))

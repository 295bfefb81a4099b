"""The user's library in SQLite, the only place with SQL: one part per feature, each owning its tables.

- ``connection``: opening (the checks, the lock, migrations), the one connection and transaction, backups;
- ``migrations``: the schema, in order;
- ``documents`` and ``segments``: texts, their segments and translations, merge memos, pinned readings;
- ``words``: term statuses, definitions, senses, the glossary, segmentation fixes, word counts, the study list;
- ``cards``: flashcards, the review log and the review options;
- ``analyses``: each document's last analysis, packed, so reopening it needs no second pass;
- ``recordings``: the recording attached to a document and the learner's bookmarks in it.

``Library`` is all of them over one connection, so callers keep one object and one transaction spans parts
(``with library.transaction(): ...`` joins every write inside it).
"""

from __future__ import annotations

from .analyses import Analyses, StoredAnalysis
from .cards import CardRow, Cards, CardSchedule, LoggedReview
from .connection import default_library_path
from .documents import DocumentInfo, Documents, Unstored, document_id
from .recordings import Bookmark, Recordings
from .words import UNDERSTOOD, StudyEntry, TermStatus, Words


class Library(Documents, Words, Cards, Analyses, Recordings):
    """An open library file. Methods are short transactions; use one Library per thread."""


__all__ = ["UNDERSTOOD", "Bookmark", "CardRow", "CardSchedule", "DocumentInfo", "Library", "LoggedReview",
           "StoredAnalysis", "StudyEntry", "TermStatus", "Unstored", "default_library_path", "document_id"]

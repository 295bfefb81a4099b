"""Text: bytes decoded (``decoding``), cut into paragraphs and clauses as offsets into one string (``clauses``),
by the rules of what a hanzi is and where a sentence ends (``characters``); files of other kinds converted first
(``sources``) and opened by ``loading.load``. The names most modules want are here, so ``text.split`` reads as
one thing."""

from __future__ import annotations

from .characters import (
    CLAUSE_TRAILERS,
    CLOSERS,
    ELLIPSES,
    FULL_WIDTH_ENDERS,
    HALF_WIDTH_ENDERS,
    HANZI,
    HANZI_CHARACTER,
    SENTENCE_ENDERS,
    SPACES,
    WHITESPACE,
    ends_sentence,
    is_cjk,
)
from .clauses import (
    MAX_CLAUSE,
    SPLITTER_VERSION,
    STRUCTURED_KINDS,
    Clause,
    ClauseTable,
    Document,
    Span,
    join_wrapped,
    line_joint,
    looks_hard_wrapped,
    pack_offsets,
    split,
    unpack_offsets,
    wrapped_runs,
)
from .decoding import CHINESE_ENCODINGS, LoadedText, decode, normalise_newlines

__all__ = [
    "FULL_WIDTH_ENDERS",
    "ELLIPSES",
    "HALF_WIDTH_ENDERS",
    "SENTENCE_ENDERS",
    "CLOSERS",
    "WHITESPACE",
    "SPACES",
    "CLAUSE_TRAILERS",
    "ends_sentence",
    "HANZI",
    "HANZI_CHARACTER",
    "is_cjk",
    "CHINESE_ENCODINGS",
    "LoadedText",
    "decode",
    "normalise_newlines",
    "Span",
    "Clause",
    "ClauseTable",
    "Document",
    "line_joint",
    "join_wrapped",
    "SPLITTER_VERSION",
    "STRUCTURED_KINDS",
    "pack_offsets",
    "unpack_offsets",
    "split",
    "looks_hard_wrapped",
    "wrapped_runs",
    "MAX_CLAUSE",
]

"""Everything a hover popup shows for a word, as plain data (the UI only formats it)."""

from __future__ import annotations

from dataclasses import dataclass

from ..study.deck import unlisted_gloss
from .analysis import Analyzer
from .dictionary import Entry, hsk_level, learner_order


@dataclass(frozen=True, slots=True)
class WordInfo:
    word: str
    pinyin: str  # as read in this context, syllables separated by spaces
    entries: tuple[Entry, ...]  # every CC-CEDICT entry for the word, as dictionary.learner_order puts them
    hsk: int | None
    parts: tuple[tuple[str, tuple[Entry, ...]], ...]  # characters (or, for unknown words, longest sub-words)
    gloss: str = ""  # for a word the dictionary lacks: what the deck and the cards say (a number, a name)

    @property
    def found(self) -> bool:
        return bool(self.entries)


def describe(word: str, analyzer: Analyzer, context_pinyin: tuple[str, ...] | None = None) -> WordInfo:
    """Entries for ``word``; a word CC-CEDICT lacks gets its longest dictionary sub-words instead."""
    dictionary = analyzer.dictionary
    reading = context_pinyin or analyzer.reading(word)
    entries = dictionary.lookup(word)
    ordered = tuple(learner_order(entries, reading))
    pieces = (list(word) if len(word) > 1 else []) if entries else dictionary.longest_subwords(word)
    parts = tuple((piece, tuple(dictionary.lookup(piece))) for piece in pieces)
    gloss = "" if entries else unlisted_gloss(dictionary, word)
    return WordInfo(word, " ".join(reading), ordered, hsk_level(word), parts, gloss)

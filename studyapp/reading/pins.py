"""Readings the reader pinned for one occurrence of a word, laid over what the analysis read there: the rule both
the window's clauses and the deck's gathering apply, so a pinned reading shows everywhere it should."""

from __future__ import annotations

from bisect import bisect_left

from ..text import Document
from .analysis import Token


class Pins:
    """Readings the reader pinned in one document, by the offset of the word's first character in the text."""

    def __init__(self, pinned: dict[int, tuple[str, tuple[str, ...]]] | None = None) -> None:
        self.pinned = dict(pinned or {})
        self._starts = sorted(self.pinned)

    def set(self, start: int, word: str, reading: tuple[str, ...] | None) -> None:
        if reading is None:
            self.pinned.pop(start, None)
        else:
            self.pinned[start] = (word, tuple(reading))
        self._starts = sorted(self.pinned)

    def apply(self, document: Document, index: int, tokens: tuple[Token, ...]) -> tuple[Token, ...]:
        """The clause's tokens with their pinned readings (a pin whose word is no longer cut there is ignored)."""
        if not self._starts:
            return tokens
        start, end = document.clauses.starts[index], document.clauses.ends[index]
        first = bisect_left(self._starts, start)
        if first == len(self._starts) or self._starts[first] >= end:
            return tokens
        changed = list(tokens)
        for number, token in enumerate(tokens):
            offset = document.source_offset(start, end, token.start)
            pin = self.pinned.get(offset)
            if pin is not None and pin[0] == token.text and len(pin[1]) == len(token.text):
                changed[number] = token._replace(pinyin=pin[1], source="pinned")
        return tuple(changed)

"""Help while translating: fuzzy matches from everything translated before, and the terms seen in them."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FuzzyMatch:
    source: str
    target: str
    similarity: int  # percent


def differences(current: str, earlier: str) -> list[tuple[str, bool]]:
    """The earlier source cut into runs, each marked True where it differs from the current one."""
    matcher = difflib.SequenceMatcher(None, current, earlier, autojunk=False)
    runs = []
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if j2 > j1:
            runs.append((earlier[j1:j2], tag != "equal"))
    return runs


class TranslationMemory:
    """Earlier translations (every document), one per segment, searched by shared characters first, then by
    edit similarity. A segment's entry is replaced when its translation changes, so the drafts typed on the way
    to a sentence ("On the ", "On the basis of ") never come back as matches.

    The index from characters to segments only grows: a segment translated again keeps its postings (its source
    is the same), and a lookup checks each candidate's entry as it is now. Taking postings out would need a set
    per character, which made building a large library's memory 1.5 times as slow."""

    def __init__(self, entries: Iterable[tuple[int, str, str]]) -> None:
        """``entries``: (segment id, source, translation), as ``Library.translated_pairs`` gives them."""
        self._entries: dict[int, tuple[str, str]] = {}  # a cleared translation stays as "": its source is indexed
        self._by_character: dict[str, list[int]] = {}
        for segment_id, source, target in entries:
            self.learn(segment_id, source, target)

    def learn(self, segment_id: int, source: str, target: str) -> None:
        """The segment's translation as it stands now replaces what was held for it; an empty one is offered no
        more."""
        earlier = self._entries.get(segment_id)
        if earlier is None and not target.strip():
            return  # left untranslated: nothing to offer, nothing to index
        self._entries[segment_id] = (source, target if target.strip() else "")
        if earlier is not None and earlier[0] == source:
            return
        # new, or merged or split since: index the characters it did not have
        characters = set(source) if earlier is None else set(source).difference(earlier[0])
        for character in characters:
            if not character.isspace():
                self._by_character.setdefault(character, []).append(segment_id)

    def pairs_with(self, character: str) -> list[tuple[str, str]]:
        """The translated segments whose source holds ``character``, earliest indexed first."""
        found = []
        for segment_id in self._by_character.get(character, ()):
            source, target = self._entries[segment_id]
            if target and character in source:
                found.append((source, target))
        return found

    def matches(self, source: str, threshold: int = 60, limit: int = 3) -> list[FuzzyMatch]:
        shared: Counter[int] = Counter()
        for character in set(source):
            for segment_id in self._by_character.get(character, ()):
                shared[segment_id] += 1
        found = []
        for segment_id, _count in shared.most_common(60):
            earlier_source, earlier_target = self._entries[segment_id]
            if not earlier_target:
                continue
            ratio = difflib.SequenceMatcher(None, source, earlier_source, autojunk=False).ratio()
            similarity = round(ratio * 100)
            if similarity >= threshold:
                found.append(FuzzyMatch(earlier_source, earlier_target, similarity))
        unique = {(m.source, m.target): m for m in sorted(found, key=lambda m: m.similarity)}
        return sorted(unique.values(), key=lambda m: -m.similarity)[:limit]


def glossary_hints(words: Iterable[str], memory: TranslationMemory, limit: int = 6) -> list[tuple[str, str]]:
    """Words of this segment (two characters or more) seen in earlier translated segments, with one of them."""
    hints = []
    for word in dict.fromkeys(words):
        if len(word) < 2:
            continue
        for source, target in memory.pairs_with(word[0]):
            if word in source:
                hints.append((word, target))
                break
        if len(hints) >= limit:
            break
    return hints


def glossary_terms(words: Iterable[str], chosen: dict[str, str]) -> list[tuple[str, str]]:
    """The chosen translations of a segment's words, in the order the words occur, each once."""
    return [(word, chosen[word]) for word in dict.fromkeys(words) if word in chosen]


@dataclass(frozen=True, slots=True)
class Miss:
    row: int
    word: str
    translation: str


def consistency_misses(sources: Iterable[str], targets: Iterable[str], chosen: dict[str, str]) -> list[Miss]:
    """Translated segments whose source holds a word with a chosen translation that their translation lacks
    (compared without case); untranslated segments are not misses yet."""
    misses = []
    by_first: dict[str, list[str]] = {}
    for word in chosen:
        by_first.setdefault(word[0], []).append(word)
    for row, (source, target) in enumerate(zip(sources, targets, strict=True)):
        if not target.strip():
            continue
        lowered = target.lower()
        for character in dict.fromkeys(source):
            for word in by_first.get(character, ()):
                if word in source and chosen[word].lower() not in lowered:
                    misses.append(Miss(row, word, chosen[word]))
    return misses

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
    """Earlier translations (every document), searched by shared characters first, then by edit similarity."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs: list[tuple[str, str]] = []
        self._by_character: dict[str, list[int]] = {}
        for source, target in pairs:
            self.add(source, target)

    def add(self, source: str, target: str) -> None:
        if not target.strip():
            return
        number = len(self.pairs)
        self.pairs.append((source, target))
        for character in set(source):
            if not character.isspace():
                self._by_character.setdefault(character, []).append(number)

    def pairs_with(self, character: str) -> list[tuple[str, str]]:
        return [self.pairs[number] for number in self._by_character.get(character, ())]

    def matches(self, source: str, threshold: int = 60, limit: int = 3) -> list[FuzzyMatch]:
        shared: Counter[int] = Counter()
        for character in set(source):
            for number in self._by_character.get(character, ()):
                shared[number] += 1
        found = []
        for number, _count in shared.most_common(60):
            earlier_source, earlier_target = self.pairs[number]
            if earlier_source == source and not earlier_target:
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
    by_first = {}
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

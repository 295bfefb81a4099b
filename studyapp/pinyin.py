"""Pinyin spelling: CC-CEDICT's numbered syllables to tone marks, and a syllable's tone for colouring."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_MARKS = {"a": "āáǎà", "e": "ēéěè", "i": "īíǐì", "o": "ōóǒò", "u": "ūúǔù", "ü": "ǖǘǚǜ"}
_TONE_OF_MARK = {mark: tone + 1 for marks in _MARKS.values() for tone, mark in enumerate(marks)}
for _base, _marks in list(_MARKS.items()):
    for _tone, _mark in enumerate(_marks):
        _TONE_OF_MARK[_mark.upper()] = _tone + 1


@lru_cache(maxsize=8192)  # a few thousand distinct syllables; read a million times in a novel
def syllable_to_marks(syllable: str) -> str:
    """``lu:4`` -> ``lǜ``, ``Zhong1`` -> ``Zhōng``, ``r5`` -> ``r``; anything else is returned as it is."""
    if not syllable or not syllable[-1].isdigit():
        return syllable.replace("u:", "ü").replace("U:", "Ü")
    tone = int(syllable[-1])
    body = syllable[:-1].replace("u:", "ü").replace("U:", "Ü").replace("v", "ü").replace("V", "Ü")
    if tone not in (1, 2, 3, 4) or not body:
        return body
    lower = body.lower()
    if "a" in lower:
        index = lower.index("a")
    elif "e" in lower:
        index = lower.index("e")
    elif "ou" in lower:
        index = lower.index("o")
    else:
        index = max((i for i, ch in enumerate(lower) if ch in "iouü"), default=-1)
        if index < 0:
            return body
    vowel = body[index]
    marked = _MARKS[vowel.lower()][tone - 1]
    if vowel.isupper():
        marked = marked.upper()
    return body[:index] + marked + body[index + 1:]


def numbered_to_marks(reading: str) -> str:
    """A whole CC-CEDICT reading, syllables separated by spaces."""
    return " ".join(syllable_to_marks(part) for part in reading.split())


def tone_of(syllable: str) -> int:
    """1-4 for a tone-marked syllable, 5 for a neutral one (no mark), 0 for something that is not pinyin."""
    for ch in syllable:
        tone = _TONE_OF_MARK.get(ch)
        if tone:
            return tone
    return 5 if syllable.isalpha() else 0


def strip_tones(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn" or ch == "\u0308")
    return unicodedata.normalize("NFC", kept)


def join_word(syllables: tuple[str, ...] | list[str]) -> str:
    """Syllables of one word written as one, with an apostrophe before a/e/o: ``xī'ān``, ``zhōngguó``."""
    written = ""
    for index, syllable in enumerate(syllables):
        if index and strip_tones(syllable[:1]).lower() in ("a", "e", "o"):
            written += "'"
        written += syllable
    return written

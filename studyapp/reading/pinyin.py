"""Pinyin spelling: CC-CEDICT's numbered syllables to tone marks, and a syllable's tone for colouring."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from .numerals import NUMERAL

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
    """The syllable without its tone mark; ü keeps its dots, which are a letter's, not a tone's."""
    decomposed = unicodedata.normalize("NFD", syllable)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not _is_tone_mark(ch)))


def has_tone_mark(text: str) -> bool:
    """Whether pinyin carries a tone mark (``hǎo``, ``ǘ``), not just ü's dots."""
    return any(map(_is_tone_mark, unicodedata.normalize("NFD", text)))


def _is_tone_mark(ch: str) -> bool:
    return unicodedata.category(ch) == "Mn" and ch != "\u0308"


# Memoized per syllable: a novel's deck makes the search keys of its 18,000-46,000 words (``deck.pinyin_keys``) in
# the window's process, from a few thousand distinct syllables; worked out per word, that was ~0.2 s of Python
# holding the interpreter lock the GUI thread waits for, now ~0.05 s.
@lru_cache(maxsize=8192)
def toneless(syllable: str) -> str:
    """A syllable lower-cased without its tone mark, ü written v as pinyin input methods and Pleco take it:
    ``Zhōng`` -> ``zhong``, ``lǜ`` -> ``lv``."""
    return strip_tones(syllable).lower().replace("ü", "v").replace("u:", "v")


@lru_cache(maxsize=8192)
def _numbered(syllable: str) -> str:
    return f"{toneless(syllable)}{tone_of(syllable) or 5}"


def numbered(syllables: Sequence[str]) -> str:
    """Tone-marked syllables as one numbered word, as Pleco's flashcards and a deck search take them: ``zhōng guó``
    -> ``zhong1guo2``, ``lǜ sè`` -> ``lv4se4``; a neutral syllable takes 5 (``ma5``)."""
    return "".join(map(_numbered, syllables))


def join_word(syllables: tuple[str, ...] | list[str]) -> str:
    """Syllables of one word written as one, with an apostrophe before a/e/o: ``xī'ān``, ``zhōngguó``."""
    written = ""
    for index, syllable in enumerate(syllables):
        if index and strip_tones(syllable[:1]).lower() in ("a", "e", "o"):
            written += "'"
        written += syllable
    return written


_PLAIN = {mark: base for base, marks in _MARKS.items() for mark in marks}
_PLAIN.update({mark.upper(): base.upper() for base, marks in _MARKS.items() for mark in marks})
_NUMERALS = frozenset(NUMERAL + "第")  # and the ordinal's 第


def with_tone(syllable: str, tone: int) -> str:
    """The same syllable with another tone: ``hǎo``, 2 -> ``háo``."""
    plain = "".join(_PLAIN.get(ch, ch) for ch in syllable).replace("ü", "u:").replace("Ü", "U:")
    return syllable_to_marks(f"{plain}{tone}")


def as_spoken(words: list[tuple[str, tuple[str, ...] | None]]) -> list[tuple[str, ...] | None]:
    """The syllables of a clause's words as they are said, for learners who read aloud (dictionaries print the
    written tones): 一 is yí before a fourth tone and yì before the others (一个 yí gè, 一天 yì tiān) but stays yī
    in numbers and ordinals (第一, 十一); 不 is bú before a fourth tone (不是 bú shì); a third tone before another
    third tone is said as a second (你好 ní hǎo, 很好 hén hǎo), across the words of a run of hanzi.

    ``words`` are (text, syllables) in order; None syllables (punctuation, Latin) end a run."""
    flat: list[tuple[int, int, str, str]] = []  # (word, syllable, character, written syllable)
    runs: list[list[int]] = [[]]
    for word_number, (text, syllables) in enumerate(words):
        if not syllables or len(syllables) != len(text):
            runs.append([])
            continue
        for position, (character, syllable) in enumerate(zip(text, syllables, strict=True)):
            runs[-1].append(len(flat))
            flat.append((word_number, position, character, syllable))
    spoken = [list(syllables or ()) for _text, syllables in words]  # [] where a word has none
    for run in runs:
        for place, index in enumerate(run):
            word_number, position, character, syllable = flat[index]
            following = flat[run[place + 1]] if place + 1 < len(run) else None
            if following is None:
                continue
            next_tone = tone_of(following[3])
            before = flat[run[place - 1]][2] if place else ""
            if character == "一" and syllable == "yī" and next_tone in (1, 2, 3, 4):
                if before in _NUMERALS or following[2] in _NUMERALS:
                    continue
                spoken[word_number][position] = "yí" if next_tone == 4 else "yì"
            elif character == "不" and syllable == "bù" and next_tone == 4:
                spoken[word_number][position] = "bú"
            elif tone_of(syllable) == 3 and next_tone == 3:
                spoken[word_number][position] = with_tone(syllable, 2)
    return [tuple(syllables) if syllables else None for syllables in spoken]

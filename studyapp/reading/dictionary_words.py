"""jieba's words that CC-CEDICT lacks: which a reader keeps whole, how the rest are cut into dictionary words, and
what a kept one means. A reader's words should be dictionary words (as Pleco's reader cuts by its dictionary): a
word the dictionary lacks would become a deck entry, a flashcard and an Anki note with no definition.

Worked examples (jieba's cut on the left)::

    致力于 -> 致力 于        中俄愿 -> 中俄 愿        坐在 -> 坐 在        一个 -> 一 个
        cut into dictionary words by jieba's own model (the likeliest route by jieba's word frequencies), over
        CC-CEDICT's words only: 白头发 -> 白 头发 (not 白头 发), 这时候 -> 这 时候.
    数千万, 二十三, 一九二二 | 年 (jieba: 一九二 | 二年)
        a number stays whole, across jieba's cuts, and is glossed with its value: "(number) 1922".
    未庄, 单四, 邹七嫂
        a name jieba recognises (tagged nr, ns, nt, nz ...) stays whole when it reads character by character, with
        no dictionary word of two or more characters inside it (中俄愿, tagged ns, is 中俄 愿; 信息安全, tagged nz,
        is 信息 安全), and no particle (关了门): "(name) 未 not yet · 庄 farmstead".
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from functools import lru_cache

import rjieba

from ..bounded_cache import BoundedCache
from .dictionary import Dictionary
from .numerals import DIGITS, GROUPS, NUMERAL, UNITS

#: jieba's tags for names of people (nr, and nrfg, nrt for its family and transliterated names) and other proper
#: nouns (nz), which must start with a surname or 阿, 老, 小 (阿五, 老栓); of places (ns), which must end in a place
#: word (未庄, 鲁镇); and of organisations (nt). jieba tags many a phrase so (二人, 北风, 河里, 普惠).
PERSON_TAGS = frozenset(("nr", "nrfg", "nrt", "nz"))
NAME_PREFIXES = frozenset("阿老小")
PLACE_TAGS = frozenset(("ns",))
PLACE_ENDINGS = frozenset("庄镇村城县州省山河江湖桥港岛寺街巷路门口亭府乡屯堡铺店楼园湾洲")
NAME_TAGS = PERSON_TAGS | PLACE_TAGS | {"nt"}
#: Words that carry grammar, not meaning: the parser never merges through one (的 人, 了 解 ...).
PARTICLES = frozenset("的了着过地得是在和与及或把被之其也都就")
#: Characters that carry grammar: a "name" holding one is a phrase jieba tagged wrongly (关了门, 春和秋, 伊便).
NOT_IN_NAMES = PARTICLES | frozenset("从为便乎这那")
_NUMERAL_CHARACTERS = frozenset(NUMERAL)  #: a text without one holds no ``NUMBER``
#: The sum of jieba's word frequencies (its dict.txt): each word of a route costs log(frequency / total).
JIEBA_TOTAL = 60_101_967
#: Particles jieba glues onto the word before them when it guesses a new word (高高地, 天冷得, 问过): cut off first,
#: so the rest is not re-cut across them (高 高地 "highland") and the grammar sees the particle alone.
TRAILING_PARTICLES = PARTICLES & frozenset("的地得着了过")

#: 两 is "two" first, or after 千 万 亿 (两千, 三万两千); after a digit it is the weight liang (四两).
_DIGITS_ON = f"(?:[{NUMERAL.replace('两', '')}]|(?<=[千万亿])两)*"
#: A number written in hanzi: 二十三, 一九二二, 第十二 (an ordinal), 数千万 and 几十 (several), 三十多 (30-odd).
NUMBER = re.compile(f"第[{NUMERAL}]{_DIGITS_ON}|[数几](?=[{NUMERAL}]*[十百千万亿])[{NUMERAL}]{_DIGITS_ON}"
                    f"|[{NUMERAL}]{_DIGITS_ON}(?:(?<=[十百千万亿])[多余几来])?")


def number_value(number: str) -> str | None:
    """A hanzi number in figures, or None when it is not one: 二十三 "23", 一九二二 "1922" (read digit by digit),
    三四 "3 or 4", 十一二 "11 or 12", 第十二 "12th", 数千万 "several × 10,000,000", 三十多 "30-odd"."""
    match = NUMBER.fullmatch(number)
    if not match or len(number) < 2:
        return None
    prefix = number[0] if number[0] in "第数几" else ""
    suffix = number[-1] if number[-1] in "多余几来" and len(number) > 1 and number[-2] in "十百千万亿" else ""
    figures = _figures(number[len(prefix):len(number) - len(suffix)])
    if figures is None:
        return None
    if prefix == "第":
        return _ordinal(figures)
    if prefix:
        return f"several × {figures}"
    if suffix == "来":
        return f"about {figures}"
    return f"{figures}-odd" if suffix else figures


def _figures(numeral: str) -> str | None:
    """二十三 -> "23", 一九二二 -> "1922", 三四 and 三四十 -> "3 or 4", "30 or 40"."""
    values = [DIGITS.get(character) for character in numeral]
    for position in range(len(numeral) - 1):  # two digits side by side in a counted number: one or the other
        first, second = values[position], values[position + 1]
        if first is not None and second is not None and second == first + 1 and (
                len(numeral) == 2 or any(character not in DIGITS for character in numeral)):
            one = _figures(numeral[:position + 1] + numeral[position + 2:])
            other = _figures(numeral[:position] + numeral[position + 1:])
            return f"{one} or {other}" if one and other else None
    if all(value is not None for value in values):
        return "".join(str(value) for value in values) if len(numeral) > 1 else str(values[0])
    value = _counted(numeral)
    return None if value is None else f"{value:,}"


def _counted(numeral: str) -> int | None:
    """The value of a number written with units (三千五百万零八 35,000,008), or None when it is not well formed."""
    total = section = 0
    digit: int | None = None
    for character in numeral:
        if character in DIGITS:
            if digit is not None and digit != 0:
                return None
            digit = DIGITS[character]
        elif character in UNITS:
            section += (1 if digit is None else digit) * UNITS[character]
            digit = None
        else:
            total = (total + section + (digit or 0)) * GROUPS[character]
            section, digit = 0, None
    return total + section + (digit or 0)


def _ordinal(figures: str) -> str:
    if not figures.replace(",", "").isdigit():
        return f"number {figures}"
    last_two = int(figures.replace(",", "")) % 100
    ending = "th" if 10 <= last_two <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(last_two % 10, "th")
    return f"{figures}{ending}"


class DictionaryWords:
    """The cutting and glossing of words the dictionary lacks, worked out once per distinct word."""

    def __init__(self, dictionary: Dictionary) -> None:
        self.dictionary = dictionary
        self._headwords = dictionary.readings()
        self._routes: BoundedCache[str, tuple[str, ...]] = BoundedCache(self._likeliest_route)
        self._names: BoundedCache[str, bool] = BoundedCache(self._looks_like_a_name)
        self._log_probability: BoundedCache[str, float] = BoundedCache(_log_frequency)
        self._traditional: BoundedCache[str, bool] = BoundedCache(self._is_traditional_headword)
        self._stays_whole: BoundedCache[str, bool] = BoundedCache(
            lambda word: self.is_headword(word) or self.is_name(word))

    def word_memos(self) -> list[dict]:
        """The per-word memos, live, in a fixed order (``Analyzer.word_memos``)."""
        return [memo.entries for memo in (self._routes, self._names, self._traditional, self._stays_whole)]

    def forget(self) -> list[dict]:
        """Drop the cuts worked out for the texts read so far (new dicts: a job still finishing may write); returns
        the old ones, for the caller to free a slice at a time."""
        return [cache.forget() for cache in (self._routes, self._names, self._traditional, self._stays_whole)]

    def is_headword(self, word: str) -> bool:
        """A CC-CEDICT word, simplified or traditional (the index holds the traditional in SQLite only: asked
        once per word, and only for a word with a character no simplified headword has)."""
        if word in self._headwords:
            return True
        return not all(map(self._headwords.__contains__, word)) and self._traditional(word)

    def _is_traditional_headword(self, word: str) -> bool:
        return bool(self.dictionary.entries(word))

    def cut(self, words: Iterable[str], kept: frozenset[str] = frozenset()) -> list[str]:
        """jieba's words (of one run of hanzi) with those the dictionary lacks cut into dictionary words, but for
        numbers, names and the ``kept`` words (the learner's own); a number jieba cut in two (一九二 | 二年) is
        joined again."""
        words = list(words)
        headwords = self._headwords
        if all(map(headwords.__contains__, words)):
            return words
        result: list[str] = []
        group: list[str] = []  # consecutive words the dictionary lacks
        for word in words:
            if self.cut_together(word, kept):
                group.append(word)
            else:
                result.extend(self._cut_group(group))
                group = []
                result.append(word)
        result.extend(self._cut_group(group))
        return result

    def cut_run(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """What ``cut`` makes of a run of words it cuts together (each ``cut_together``), for a caller that has
        told those apart already (``JiebaParser._grouped``) and need not ask again per word."""
        return self._cut_words(words)

    def cut_together(self, word: str, kept: frozenset[str] = frozenset()) -> bool:
        """Whether ``cut`` cuts this word together with its neighbours that are cut so too (a run of words the
        dictionary lacks is cut as one text), rather than keeping it whole: a digit of its own always is (it joins
        a number beside it: 一九二 | 〇); a dictionary word, a ``kept`` one, a number or a name never."""
        if len(word) == 1 and word in NUMERAL:
            return True
        return not (word in self._headwords or word in kept or self._stays_whole(word))

    def _cut_group(self, group: list[str]) -> tuple[str, ...]:
        """(Not cached here: the parser keeps each run of words' tokens, ``JiebaParser._expand``.)"""
        return self._cut_words(tuple(group)) if group else ()

    def _cut_words(self, group: tuple[str, ...]) -> tuple[str, ...]:
        """Numbers whole (found across the words' edges), everything else cut where jieba cut it and then into
        dictionary words."""
        headwords = self._headwords
        if all(map(headwords.__contains__, group)):
            return group
        text = "".join(group)
        if _NUMERAL_CHARACTERS.isdisjoint(text):  # most runs: no number, so each word is cut where jieba cut it
            pieces: list[str] = []
            for word in group:
                if word in headwords or self.is_headword(word):
                    pieces.append(word)
                else:
                    pieces.extend(self.route(word))
            return tuple(pieces)
        if len(group) == 1 and number_value(group[0]):
            return group
        cuts = {0, len(text)}
        position = 0
        for word in group:
            position += len(word)
            cuts.add(position)
        numbers = [match.span() for match in NUMBER.finditer(text) if number_value(match.group())]
        for start, end in numbers:
            cuts.difference_update(range(start + 1, end))
            cuts.update((start, end))
        ordered = sorted(cuts)
        pieces = []
        for start, end in zip(ordered, ordered[1:], strict=False):
            piece = text[start:end]
            whole = (start, end) in numbers or self.is_headword(piece)
            pieces.extend((piece,) if whole else self.route(piece))
        return tuple(pieces)

    def route(self, word: str) -> tuple[str, ...]:
        """The word cut into dictionary words as jieba would cut it if CC-CEDICT were its dictionary: the likeliest
        route by jieba's word frequencies (a character of its own always being a step)."""
        return self._routes(word)

    def _likeliest_route(self, word: str) -> tuple[str, ...]:
        if len(word) > 1 and word[-1] in TRAILING_PARTICLES:
            return (*self.route(word[:-1]), word[-1])
        headwords, probability, longest = self._headwords, self._log_probability, self.dictionary.max_word_length
        best: list[tuple[float, tuple[str, ...]]] = [(0.0, ())] * (len(word) + 1)
        for start in range(len(word) - 1, -1, -1):
            found = None  # the greatest option, the first of equals (as ``max`` of them all would choose)
            for end in range(start + 1, min(len(word), start + longest) + 1):
                piece = word[start:end]
                if end - start == 1 or piece in headwords or self.is_headword(piece):
                    score, rest = best[end]
                    option = (score + probability(piece), (piece, *rest))
                    if found is None or option > found:
                        found = option
            best[start] = found  # type: ignore[assignment]  # a character of its own is always an option
        return best[0][1]

    def is_name(self, word: str) -> bool:
        """A name jieba recognises, read character by character (see the module docstring)."""
        return self._names(word)

    def _looks_like_a_name(self, word: str) -> bool:
        if len(word) < 2 or word in self._headwords or NOT_IN_NAMES.intersection(word):
            return False
        if word[0] in NUMERAL:  # 三文, 二人: a number and what it counts
            return False
        tagged = rjieba.tag(word)
        tag = tagged[0][1] if len(tagged) == 1 else ""
        if tag not in NAME_TAGS:
            return False
        if tag in PERSON_TAGS and word[0] not in NAME_PREFIXES and not self._surname(word[0]):
            return False
        if tag in PLACE_TAGS and word[-1] not in PLACE_ENDINGS:
            return False
        return not any(self.is_headword(word[start:end]) for start in range(len(word))
                       for end in range(start + 2, len(word) + 1) if end - start < len(word))

    def _surname(self, character: str) -> str | None:
        """The character's "surname Wang" sense, if it has one."""
        return next((sense for entry in self.dictionary.lookup(character) for sense in entry.definitions
                     if sense.startswith("surname ")), None)

    def gloss(self, word: str, sense_of: Callable[[str], str]) -> str:
        """What a word the dictionary lacks means: a number's value, else its parts' senses (``sense_of`` gives a
        dictionary word's), a name marked as one. One place, so the popup, the deck and the cards agree."""
        value = number_value(word)
        if value is not None:
            return f"(number) {value}"
        name = self.is_name(word)
        senses = []
        for number, part in enumerate(self.route(word)):
            surname = self._surname(part) if name and number == 0 else None
            senses.append(f"{part} {surname or sense_of(part)}" if self.is_headword(part) else part)
        if name:
            return f"(name) {' · '.join(senses)}"
        return " · ".join(senses) if any(map(self.is_headword, word)) else "(not in the dictionary)"


def _log_frequency(piece: str) -> float:
    """How likely jieba finds a piece a word: log(frequency / total), an unknown one counted once."""
    return math.log(max(rjieba.suggest_freq(piece), 1) / JIEBA_TOTAL)


@lru_cache(maxsize=4)
def for_dictionary(dictionary: Dictionary) -> DictionaryWords:
    """One per dictionary (its caches shared by the parser and the glosses)."""
    return DictionaryWords(dictionary)

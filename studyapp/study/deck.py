"""The vocabulary deck: the words of a text with how often and where they occur, what the learner knows of them
(a status per word shared by every document), coverage, search by hanzi, English or pinyin, and known-word lists.

Worked example, for the clauses ``中国和俄罗斯，`` ``中国人民。``::

    words (tokens of kind "word"; punctuation, numbers and Latin are not vocabulary):
        中国 x2 (first in clause 0, read zhōng guó there), 和 x1, 俄罗斯 x1, 人民 x1
    running words: 5; with 中国 known and 和 ignored, coverage = (2 + 1) / 5 = 0.6
    pinyin search keys: 中国 -> "zhongguo" (toneless), "zhong1guo2" (toned);
        "zhongguo", "zhong guo", "zhōngguó" and "zhong1guo2" all find it, "zhong4" does not.
"""

from __future__ import annotations

import csv
import io
import itertools
import operator
import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import JobCancelled, StudyAppError
from ..library import Library
from ..library.words import UNDERSTOOD, TermStatus  # the terms table's statuses, defined where it is kept
from ..reading.analysis import Analyzer, ClauseWords, Token, batches, words_of
from ..reading.dictionary import Dictionary, Entry, hsk_level, learner_order
from ..reading.dictionary_words import for_dictionary
from ..reading.pinyin import has_tone_mark, numbered, toneless
from ..text import HANZI_CHARACTER, Document
from .definitions import SENSE_SEPARATOR

if TYPE_CHECKING:
    from ..reading.pins import Pins


@dataclass
class DocumentWords:
    """Per-word figures of one document, gathered in one pass over its clauses (the background analysis)."""

    counts: dict[str, int] = field(default_factory=dict)
    first_clause: dict[str, int] = field(default_factory=dict)
    #: as first read in this text (in a worker's share: of the words its worker had not met in its earlier ones)
    readings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    clause_words: array = field(default_factory=lambda: array("I"))  # running words per clause (not 111,000 ints)
    # which words each clause holds, for the heat strip: word numbers, clause by clause, as flat arrays
    numbers: dict[str, int] = field(default_factory=dict)
    word_numbers: array = field(default_factory=lambda: array("I"))
    clause_offsets: array = field(default_factory=lambda: array("I", [0]))

    def add_clause(self, index: int, tokens) -> None:
        """One clause's tokens, read in context (``add_words`` of one clause)."""
        numbers, first = self.numbers, dict[str, Token]()
        for token in tokens:
            if token.kind == "word" and token.text not in numbers:
                first.setdefault(token.text, token)
        self.add_words(index, words_of([tokens]), {0: first.values()})

    def add_words(self, index: int, found: ClauseWords, first: Mapping[int, Iterable[Token]]) -> None:
        """The words of the clauses from ``index`` on; ``first``: by clause number among them, the tokens of the
        words read in context there, where this share first has them (``Analyzer.first_readings``): their
        readings are kept. Counted for the whole batch at once, not a Python step per word."""
        words, ends = found.words, found.ends
        numbers, counts, first_clause = self.numbers, self.counts, self.first_clause
        new = list(itertools.filterfalse(numbers.__contains__, dict.fromkeys(words)))  # in order of first occurrence
        if new:
            at = dict(zip(reversed(words), range(len(words) - 1, -1, -1), strict=True))  # where each is first
            for word in new:
                numbers[word] = len(numbers)
                counts[word] = 0
                first_clause[word] = index + bisect_right(ends, at[word])
        here = Counter(words)
        counts.update(zip(here, map(operator.add, map(counts.__getitem__, here), here.values()), strict=True))
        base = len(self.word_numbers)
        self.word_numbers.extend(map(numbers.__getitem__, words))
        self.clause_words.extend(found.running)
        self.clause_offsets.extend(map(base.__add__, ends))
        readings = self.readings
        for tokens in first.values():
            for token in tokens:
                readings[token.text] = token.pinyin or ()  # a word's: it has its syllables

    def extend(self, later: DocumentWords) -> None:
        """Add the figures of the clauses that come right after these, gathered apart (by a worker process): the
        result is what one pass over both would have gathered. A word first met there is numbered after ours."""
        counts, numbers, their_counts = self.counts, self.numbers, later.counts
        renumbered = array("I")
        number_of, add = numbers.get, renumbered.append
        for word in later.numbers:  # in their numbers' order
            number = number_of(word)
            if number is None:
                number = numbers[word] = len(numbers)
                counts[word] = their_counts[word]
                self.first_clause[word] = later.first_clause[word]
                self.readings[word] = later.readings[word]
            else:
                counts[word] += their_counts[word]
            add(number)
        # per running word, in numpy: a Python step per word had been most of the window's merge (0.18 s of
        # 水浒传's 0.28 s), holding the interpreter lock the GUI thread waits for
        import numpy

        base = len(self.word_numbers)
        table = numpy.frombuffer(renumbered, numpy.uint32)
        self.word_numbers.frombytes(table[numpy.frombuffer(later.word_numbers, numpy.uint32)].tobytes())
        self.clause_words.extend(later.clause_words)
        offsets = numpy.frombuffer(later.clause_offsets, numpy.uint32)[1:] + numpy.uint32(base)
        self.clause_offsets.frombytes(offsets.astype(numpy.uint32).tobytes())

    @property
    def running_words(self) -> int:
        return sum(self.counts.values())


def gather(document: Document, analyzer: Analyzer, report: Callable[[int, int], None] | None = None,
           cancelled: Callable[[], bool] | None = None, pins: Pins | None = None,
           only: Iterable[range] | None = None, met: set[str] | None = None) -> DocumentWords:
    """Analyse every clause once, in this process, and gather the deck's figures; readings the reader pinned count
    as read there, as the reader shows them. Each word is read in context only where first met, the reading the
    deck keeps (``Analyzer.first_readings``). ``only``: some of the document's ``batches`` (a worker's share);
    ``met``: the words met before them, earlier in the text (a worker's earlier chunks), whose readings are not
    kept; it gains the share's. (The window's analysis: ``gather_processes.gather_deck``.)"""
    gathered = DocumentWords()
    met = set() if met is None else met
    total = len(document.clauses)
    for indexes in batches(document) if only is None else only:
        if cancelled and cancelled():
            raise JobCancelled("The document was closed.")
        found, first = analyzer.first_readings([document.clause_text(index) for index in indexes], met)
        start = indexes[0]
        if pins:
            first = {number: pins.apply(document, start + number, tokens) for number, tokens in first.items()}
        gathered.add_words(start, found, first)
        if report:
            report(indexes[-1] + 1, total)
    return gathered


@dataclass(frozen=True, slots=True)
class Term:
    word: str
    pinyin: tuple[str, ...]  # as read where it first occurs in this text
    definition: str  # the learner's own, else the senses of the reading here (deck.definition)
    hsk: int | None
    count: int  # in this text
    library_count: int  # in every document of the library
    status: TermStatus
    first_clause: int
    first_start: int  # the first clause's offsets in the text
    first_end: int

    @property
    def pinyin_text(self) -> str:
        return " ".join(self.pinyin)


def terms(document: Document, gathered: DocumentWords, analyzer: Analyzer, statuses: dict[str, int],
          library_counts: dict[str, int], own_definitions: dict[str, str] | None = None,
          chosen_senses: dict[str, str] | None = None, senses: dict[str, str] | None = None) -> list[Term]:
    """Every distinct word of the text, most frequent first. ``senses``: each word's dictionary definition as
    read here (:func:`dictionary_senses`, stored with the analysis), used where the learner changed nothing."""
    own_definitions, chosen_senses, senses = own_definitions or {}, chosen_senses or {}, senses or {}
    found = []
    starts, ends, counts = document.clauses.starts, document.clauses.ends, gathered.counts
    status_of = {int(status): status for status in TermStatus}  # an enum call per word costs more than the rest
    ordered = sorted(counts)  # by word, then (the sort is stable) by count, most frequent first: no key tuples
    ordered.sort(key=counts.__getitem__, reverse=True)
    for word in ordered:
        count, first = counts[word], gathered.first_clause[word]
        reading = gathered.readings.get(word) or ()
        status = status_of[statuses.get(word, 0)]
        own, chosen, name = own_definitions.get(word), chosen_senses.get(word), status == TermStatus.IGNORED
        meaning = senses.get(word) if not (own or chosen or name) else None
        if meaning is None:
            meaning = definition(analyzer.dictionary, word, reading, own, name, chosen)
        found.append(Term(word, reading, meaning, hsk_level(word), count, library_counts.get(word, count),
                          status, first, starts[first], ends[first]))
    return found


def dictionary_senses(gathered: DocumentWords, dictionary: Dictionary, words=None) -> dict[str, str]:
    """Each word's definition (of ``words``, by default all) as the dictionary gives it for its reading here,
    before anything the learner chose: what ``terms`` spends its time on, kept with a stored analysis."""
    return senses_of(dictionary, read_as(gathered, words or gathered.counts))


def read_as(gathered: DocumentWords, words) -> list[tuple[str, tuple[str, ...]]]:
    """Each word with its reading where first met (none for a word read without one): what its senses follow."""
    readings = gathered.readings
    return [(word, readings.get(word) or ()) for word in words]


def senses_of(dictionary: Dictionary, words: list[tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    """Each (word, reading)'s ``definition``, the entries looked up many words to a query."""
    entries = dictionary.entries_of([word for word, _reading in words])
    return {word: definition(dictionary, word, reading, entries=entries.get(word, [])) for word, reading in words}


_POINTER_SENSE = re.compile(r"^((old |archaic |ancient |erhua |japanese )?(variant of|see |used in |abbr\. for)"
                            r"|surname \w+$)", re.IGNORECASE)
#: When no entry has the reading shown, the first senses that give a learner the likely one in use.
FIRST_SENSES = 3
#: The senses of the reading shown stop here, so a card stays readable (对 duì has twelve).
MOST_SENSES = 8


def card_senses(entries: list[Entry], reading: tuple[str, ...], name: bool = False) -> list[str]:
    """Enough senses to reach the one the text uses: those of the reading shown, an everyday word's entry
    before a proper noun's (whose entry is left out unless the word is a ``name`` here or has nothing else);
    without such an entry, the first three. Senses that only point elsewhere ("old variant of 和[he2]",
    "surname He") give way to ones with a meaning of their own."""
    reading = tuple(reading)
    here = [entry for entry in entries if entry.syllables == reading]  # one pass: a novel has 46,000 words
    if here:
        kept = learner_order(here, None, name) if name else [entry for entry in here if not entry.is_name] or here
        return _meaningful([sense for entry in kept for sense in entry.definitions])[:MOST_SENSES]
    ordered = learner_order(entries, None, name)
    return _meaningful([sense for entry in ordered for sense in entry.definitions])[:FIRST_SENSES]


def _meaningful(senses: list[str]) -> list[str]:
    return [sense for sense in senses if not _POINTER_SENSE.match(sense)] or senses


def definition(dictionary: Dictionary, word: str, reading: tuple[str, ...], own: str | None = None,
               name: bool = False, sense: str | None = None, entries: list[Entry] | None = None) -> str:
    """What the deck, a card and every export show for a word: a definition the learner typed, as typed; else
    the senses of the reading shown, the ``sense`` the learner chose first. ``entries``: the word's, when looked
    up already (``senses_of``)."""
    if own:
        return own
    if entries is None:
        entries = dictionary.entries(word)
    if not entries:
        return unlisted_gloss(dictionary, word)
    senses = card_senses(entries, tuple(reading), name)
    if sense:
        senses = [sense] + [other for other in senses if other != sense]
    return SENSE_SEPARATOR.join(senses[:MOST_SENSES])


def unlisted_gloss(dictionary: Dictionary, word: str) -> str:
    """A word the dictionary lacks (a number, a name, a word the learner joined), glossed from its value or its
    parts, each part by its first sense for a learner."""
    return for_dictionary(dictionary).gloss(word, lambda part: (card_senses(dictionary.entries(part), ()) or [""])[0])


def coverage(gathered: DocumentWords, statuses: dict[str, int]) -> float:
    """The share of the text's running words (hanzi words) the learner knows or ignores."""
    total = gathered.running_words
    if not total:
        return 1.0
    counts = gathered.counts  # statuses hold only words not new: walk whichever of the two is smaller
    if len(statuses) < len(counts):
        understood = sum(counts.get(word, 0) for word, status in statuses.items() if status in UNDERSTOOD)
    else:
        understood = sum(count for word, count in counts.items() if statuses.get(word, 0) in UNDERSTOOD)
    return understood / total


def new_words(gathered: DocumentWords, statuses: dict[str, int]) -> int:
    """How many of the text's distinct words are new to the learner."""
    counts = gathered.counts
    if len(statuses) < len(counts):
        return len(counts) - sum(1 for word, status in statuses.items() if status != TermStatus.NEW and word in counts)
    return sum(1 for word in counts if statuses.get(word, 0) == TermStatus.NEW)


def unknown_per_clause(gathered: DocumentWords, statuses: dict[str, int]) -> array:
    """How many of each clause's words are neither known nor ignored (the heat strip's measure)."""
    from itertools import repeat

    import numpy

    # each word's status read by map, not a Python loop: the job recounting after every status change held the
    # interpreter for 20-40 ms of a novel's words, and the GUI thread waited for it (a review's queries, a paint)
    numbers = gathered.numbers
    status = numpy.fromiter(map(statuses.get, numbers, repeat(0)), numpy.int64, len(numbers))
    unknown = numpy.zeros(len(numbers), numpy.uint32)
    unknown[numpy.fromiter(numbers.values(), numpy.int64, len(numbers))] = ~numpy.isin(status, list(UNDERSTOOD))
    # running totals of unknown words, differenced at the clause offsets: a novel's 111,000 clauses in ms
    running = numpy.zeros(len(gathered.word_numbers) + 1, numpy.uint32)
    numpy.cumsum(unknown[numpy.frombuffer(gathered.word_numbers, numpy.uint32)], out=running[1:])
    offsets = numpy.frombuffer(gathered.clause_offsets, numpy.uint32)
    return array("I", (running[offsets[1:]] - running[offsets[:-1]]).tobytes())


def heat_bins(gathered: DocumentWords, unknown: array, bins: int) -> list[float | None]:
    """The share of unknown words in each of ``bins`` equal runs of clauses (None where a run has no words).
    Summed at C speed (running totals differenced at each run's ends): the strip's every pixel row worked out in
    Python took 5 ms of the GUI thread at each status change."""
    import numpy

    clauses = len(gathered.clause_offsets) - 1
    if clauses <= 0 or bins <= 0:
        return []
    number = numpy.arange(bins, dtype=numpy.int64)
    first = number * clauses // bins
    last = numpy.minimum(numpy.maximum(first + 1, (number + 1) * clauses // bins), clauses)
    running = numpy.zeros(clauses + 1, numpy.int64)
    numpy.cumsum(numpy.frombuffer(unknown, numpy.uint32), out=running[1:])
    offsets = numpy.frombuffer(gathered.clause_offsets, numpy.uint32).astype(numpy.int64)
    words = offsets[last] - offsets[first]
    shares = (running[last] - running[first]) / numpy.maximum(words, 1)
    return [share if count else None for share, count in zip(shares.tolist(), words.tolist(), strict=True)]


# --- search ---------------------------------------------------------------------------------------------------

_TONE_DIGITS = re.compile(r"[1-5]")


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """What a query is compared with, per term (built once per deck)."""

    toneless: str  # zhongguo
    toned: str  # zhong1guo2
    marked: str  # zhōngguó
    english: str


PinyinKeys = tuple[str, str, str]  # a reading's toneless, toned and marked search keys


def pinyin_keys(syllables: tuple[str, ...]) -> PinyinKeys:
    """What a pinyin query is compared with, for one reading (the costly part of a search index: a stored
    analysis keeps them)."""
    return "".join(map(toneless, syllables)), numbered(syllables), \
        unicodedata.normalize("NFC", _lower("".join(syllables)))


def search_index(term: Term, keys: PinyinKeys | None = None) -> SearchIndex:
    """``keys``: the term's :func:`pinyin_keys`, when made already."""
    return SearchIndex(*(keys or pinyin_keys(term.pinyin or ())), _lower(term.definition))


def _lower(text: str) -> str:
    """``text`` lower-cased, the very string when it is already: ``str.lower`` always makes a new one, and a
    novel's index held 18,000 copies of definitions already in lower case (1.4 MB) and of one-syllable readings."""
    lowered = text.lower()
    return text if lowered == text else lowered


QueryTest = Callable[[Term, SearchIndex], bool]


def query_test(query: str) -> QueryTest | None:
    """The test a search applies to each word, the query read once: hanzi anywhere in the word; pinyin from the
    start of the reading, with or without tones (tones given, as marks or digits, must agree); English anywhere in
    the definition. Read once, not once per row: a novel's 18,000-46,000 rows cost 150-450 ms a keystroke when
    each row normalised the query again. None: an empty query, every word matches."""
    query = query.strip().lower()
    if not query:
        return None
    if HANZI_CHARACTER.search(query):
        return lambda term, _index: query in term.word
    compact = unicodedata.normalize("NFC", re.sub(r"[\s'’]+", "", query))
    if any(has_tone_mark(ch) for ch in compact):
        return lambda _term, index: _marked_prefix(index.marked, compact)
    compact = compact.replace("ü", "v").replace("u:", "v")
    if _TONE_DIGITS.search(compact):
        return lambda _term, index: _toned_prefix(index.toned, compact)
    return lambda _term, index: index.toneless.startswith(compact) or query in index.english


def matches(term: Term, index: SearchIndex, query: str) -> bool:
    """Whether one word matches a search (:func:`query_test`)."""
    test = query_test(query)
    return test is None or test(term, index)


def _marked_prefix(marked: str, query: str) -> bool:
    """``zhōngguó`` and ``zhōngguo`` both start ``zhōngguó``: a marked letter must match, a bare one takes any."""
    if len(query) > len(marked):
        return False
    for typed, written in zip(query, marked, strict=False):
        if typed != written and (has_tone_mark(typed) or toneless(written) != toneless(typed)):
            return False
    return True


def _toned_prefix(toned: str, query: str) -> bool:
    """``zhong1guo2`` and ``zhong1guo`` start ``zhong1guo2``; a syllable typed without its digit takes any tone."""
    pattern = ""
    for letters, tone in re.findall(r"([a-zv]+)([1-5]?)", query):
        pattern += re.escape(letters) + (tone or "[1-5]?")
    return re.match(pattern, toned) is not None


# --- known-word lists -----------------------------------------------------------------------------------------

class Ranks:
    """Each term's place in one column's order, equal keys sharing it, built once per term list (off the GUI
    thread): sorting a novel's 46,000 rows is then a numpy argsort of these, not a Python key per row."""

    def __init__(self, keys: list) -> None:
        import numpy

        self._distinct: list = []  # the column's distinct keys, sorted
        # the rank of each (a key put in later goes between its neighbours), as machine floats: a list of Python
        # floats cost 32 bytes a distinct key in each of the seven columns
        self._levels = array("d")
        self.ranks = numpy.empty(len(keys), numpy.float64)
        for position in sorted(range(len(keys)), key=keys.__getitem__):
            key = keys[position]
            if not self._distinct or self._distinct[-1] != key:
                self._distinct.append(key)
                self._levels.append(float(len(self._levels)))
            self.ranks[position] = len(self._levels) - 1

    def set(self, position: int, key) -> None:
        """The term at ``position`` has a new key (its definition changed): its rank follows, the others stay."""
        distinct, levels = self._distinct, self._levels
        place = bisect_left(distinct, key)
        if place < len(distinct) and distinct[place] == key:
            self.ranks[position] = levels[place]
            return
        below = levels[place - 1] if place else (levels[0] if levels else 0.0) - 1.0
        above = levels[place] if place < len(levels) else below + 2.0
        distinct.insert(place, key)
        levels.insert(place, (below + above) / 2)
        self.ranks[position] = levels[place]


#: What each sortable field of a term is ordered by; status and study ticks change live and are read when sorted.
SORT_KEYS: dict[str, Callable[[Term, SearchIndex], object]] = {
    "word": lambda term, _index: term.word,
    "pinyin": lambda _term, index: index.toneless,
    "definition": lambda _term, index: index.english,  # the definition lower-cased, shared, not made again
    "hsk": lambda term, _index: term.hsk or 99,
    "count": lambda term, _index: term.count,
    "library_count": lambda term, _index: term.library_count,
    "first_clause": lambda term, _index: term.first_clause,
}


def term_ranks(found: list[Term], index: list[SearchIndex]) -> dict[str, Ranks]:
    """The ranks of every sortable field (:data:`SORT_KEYS`), for the job that lists the terms to build."""
    return {name: Ranks([key(term, keys) for term, keys in zip(found, index, strict=True)])
            for name, key in SORT_KEYS.items()}


def read_word_list(path: Path) -> list[str]:
    """Words from a known-word list: one word per line, a CSV or TSV whose first column is the word, a Pleco
    flashcard export (``中国[中國]<TAB>zhong1guo2<TAB>…``) or an Anki notes export, read by its ``#`` header lines
    as Anki reads them (:func:`_anki_layout`). Only fields holding hanzi count; the order is kept and repeats
    dropped."""
    from ..text.loading import load

    lines = load(path).text.splitlines()
    layout = _anki_layout(lines)
    # a "#" line is a comment, as for Anki (which quotes a field starting with "#": a guid may)
    body = "\n".join(line for line in lines[layout.header_lines:] if not line.startswith("#"))
    separator = layout.separator or ("\t" if "\t" in body else ",")
    words: dict[str, None] = {}
    for row in csv.reader(io.StringIO(body), delimiter=separator):
        fields = [value for number, value in enumerate(row, start=1) if number not in layout.meta_columns]
        if not fields:
            continue
        word = _plain_field(fields[0], layout.html)
        word = word.split("[", 1)[0].strip()  # Pleco: simplified[traditional]
        if HANZI_CHARACTER.search(word) and not re.search(r"\s", word):
            words.setdefault(word, None)
    if not words:
        raise StudyAppError(f"{path} holds no Chinese words (one word per line, or the word in the first column).")
    return list(words)


@dataclass(frozen=True, slots=True)
class _ListLayout:
    """What an Anki notes export's header lines say about the rows below them."""

    header_lines: int = 0
    separator: str | None = None  # None: guessed, a tab if the body has one, else a comma
    html: bool | None = None  # None: not said; tags are taken out all the same
    meta_columns: frozenset[int] = frozenset()  # 1-based: the guid, notetype, deck and tags columns


#: Anki's names for the separators it reads (``#separator:Tab``); the character itself names one too.
_ANKI_SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|", "colon": ":"}
_ANKI_META_COLUMNS = ("guid column", "notetype column", "deck column", "tags column")


def _anki_layout(lines: list[str]) -> _ListLayout:
    """The ``#key:value`` lines heading an Anki notes export (File > Export > Notes in Plain Text), read as
    Anki's importer reads them: keys in any case, the separator by name or as the character itself, column
    numbers from 1, and a legacy ``tags:`` first line. The word is then the first field that is not a guid,
    notetype, deck or tags column."""
    header_lines, separator, html, meta_columns = 0, None, None, set()
    for number, line in enumerate(lines):
        if number == 0 and line.startswith("tags:"):  # tags for every note, in exports before Anki 2.1.55
            header_lines += 1
            continue
        if not line.startswith("#"):
            break
        header_lines += 1
        key, _colon, value = line[1:].partition(":")
        key, said = key.strip().lower(), value.strip().lower()
        if key == "separator":
            named = _ANKI_SEPARATORS.get(said) or (value if value in _ANKI_SEPARATORS.values() else None)
            separator = named or separator
        elif key == "html" and said in ("true", "false"):
            html = said == "true"
        elif key in _ANKI_META_COLUMNS and said.isdigit():
            meta_columns.add(int(said))
    return _ListLayout(header_lines, separator, html, frozenset(meta_columns))


def _plain_field(field_text: str, html: bool | None) -> str:
    """A field's text: tags taken out unless the header said the fields are not HTML, and character references
    read where it said they are (``中国&nbsp;``)."""
    import html as markup

    if html is False:
        return field_text.strip()
    plain = re.sub(r"<[^>]+>", "", field_text)
    return (markup.unescape(plain) if html else plain).strip()


# --- a document's deck, as the command line and the window build it -------------------------------------------

def build(library: Library, document_id: str, document: Document, analyzer: Analyzer,
          report: Callable[[int, int], None] | None = None,
          cancelled: Callable[[], bool] | None = None) -> tuple[DocumentWords, list[Term]]:
    """Gather the document's words, record their counts in the library, and list its terms."""
    gathered = gather(document, analyzer, report, cancelled)
    library.save_document_words(document_id, gathered.counts)
    found = terms(document, gathered, analyzer, library.term_statuses(), library.library_counts(),
                  library.own_definitions(), library.chosen_senses())
    return gathered, found


def to_json(found: list[Term], gathered: DocumentWords, statuses: dict[str, int]) -> dict:
    """The ``studyapp deck PATH --json`` object."""
    return {
        "words": [{
            "word": term.word,
            "pinyin": term.pinyin_text,
            "definition": term.definition,
            "hsk": term.hsk,
            "count": term.count,
            "library_count": term.library_count,
            "status": term.status.name.lower(),
            "first_clause": {"start": term.first_start, "end": term.first_end},
        } for term in found],
        "coverage": coverage(gathered, statuses),
    }


# --- the study list -------------------------------------------------------------------------------------------

def study_entry(term: Term, document: Document, segments, document_id: str | None = None):
    """A term onto the study list, with its first clause, that clause's translation and the reading there."""
    from bisect import bisect_right

    from ..library import StudyEntry

    starts = segments.starts if hasattr(segments, "starts") else [segment.start for segment in segments]
    row = bisect_right(starts, term.first_start) - 1
    translation = segments[row].target if 0 <= row < len(segments) else ""
    return StudyEntry(term.word, term.pinyin_text, document.span_text(term.first_start, term.first_end).strip(),
                      translation, document_id, term.first_start)


def new_words_up_to_hsk(found: list[Term], statuses: dict[str, int], level: int) -> list[Term]:
    """Every still-new word of HSK level ``level`` or below, most frequent first."""
    return [term for term in found if term.hsk is not None and term.hsk <= level
            and statuses.get(term.word, 0) == TermStatus.NEW]


def most_frequent_new(found: list[Term], statuses: dict[str, int], count: int) -> list[Term]:
    new = [term for term in found if statuses.get(term.word, 0) == TermStatus.NEW]
    return sorted(new, key=lambda term: (-term.count, term.word))[:count]

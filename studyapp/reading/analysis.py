"""Clause -> tokens: jieba words (through rjieba), merged into longer dictionary words, with pinyin in context.

Worked example, for the clause ``反对“长臂 管辖”和数千万人，2030年``::

    CJK runs go to jieba, the rest to a small tokenizer:
        反对 | “ | 长臂 管辖 | ” | 和 数千万 人 | ， | 2030 | 年
    merging: adjacent hanzi tokens whose concatenation is a CC-CEDICT headword become one token
        (中 俄 -> 中俄, 可 持续 -> 可持续), never across punctuation or grammatical particles.
    kinds: word (hanzi), number (2030, 3.5, 75%), latin (COVID, U.S.), punct (“ ， ”).
    pinyin, one syllable per hanzi, citation tones (and 为 read wéi in 以…为…, where alone it is wèi):
        a headword with one CC-CEDICT reading takes it (重申 chóng shēn, 一致 yī zhì);
        several readings: pypinyin's phrase choice when it is one of them (银行 yín háng, 行动 xíng dòng);
        no entry: longest pieces the dictionary settles, a piece being a headword with one reading or the
        start of headwords that all read it alike (长臂管辖: 长臂 as in 长臂猿 cháng bì, 管辖 guǎn xiá),
        pypinyin for what is left (数千万 shù qiān wàn), where 一 and 不 keep their citation tones yī and bù;
        the dictionary's own neutral tones stay (差不多 chà bu duō, 对不起 duì bu qǐ).
    polyphones the dictionary leaves open (还 alone, 东西 in 买东西) are chosen from the clause by the context
        model (``ContextReader``, g2pM's bi-LSTM), then by the grammar where it settles them
        (``grammar_readings``: 跑得快 de, 慢慢地走 de, 一只鸟 zhī, 借书要还 huán).
"""

from __future__ import annotations

import bisect
import functools
import gc
import itertools
import logging
import operator
import re
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar, cast

import rjieba

from ..bounded_cache import DEFAULT_LIMIT
from ..process_setting import WhileAnyRuns
from ..text import HANZI, Document
from .dictionary import Dictionary, is_name_reading, learner_order
from .dictionary import marked_readings as _marked_readings
from .dictionary import pypinyin_reading as _pypinyin
from .dictionary_words import PARTICLES, for_dictionary
from .grammar_readings import GrammarReader
from .pinyin import numbered_to_marks

if TYPE_CHECKING:
    from .context_readings import Guess

ANALYSIS_VERSION = 3  #: bumped when any clause would be read otherwise: analyses stored by an older one are redone
_MAX_MERGED_TOKENS = 4
_CITATION = {"一": "yī", "不": "bù"}
_NON_CJK_TOKEN = re.compile(
    r"(?P<number>[0-9０-９]+(?:[.,:：．][0-9０-９]+)*[%％]?|[\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf])"
    r"|(?P<latin>[^\W\d_](?:[\w]|[-.'’](?=\w))*\.?(?<![-.]\.))"
    r"|(?P<space>\s+)"
    r"|(?P<punct>(.)\5*)",
    re.UNICODE,
)


class Token(NamedTuple):
    """A token of a clause; offsets are relative to the clause text it came from. A named tuple: a novel has a
    million tokens, and a frozen dataclass's ``__init__`` cost a quarter of analysing it."""

    start: int
    end: int
    text: str
    kind: str  # "word" | "number" | "latin" | "punct"
    pinyin: tuple[str, ...] | None  # one tone-marked syllable per hanzi, for words
    #: where the reading came from: "dictionary" (the word's only reading), "context 0.93" (the context model
    #: chose it, that sure), "grammar" (a rule of ``grammar_readings`` set it: 跑得快 de), "pinned" (the reader chose
    #: it here), "" (the dictionary's first or pypinyin's guess)
    source: str = ""

    @property
    def pinyin_text(self) -> str | None:
        return " ".join(self.pinyin) if self.pinyin else None


_make_token = functools.partial(tuple.__new__, Token)  # a Token from a tuple of its fields, with no Python call
_FIRST = operator.itemgetter(0)


class Parser(Protocol):
    """The seam a better segmenter or reading model plugs into (Lute's parser interface, in small): tokens of a
    clause with their readings in context, and the reading of a word alone. Implementations are pure and may be
    called from any thread."""

    def tokens(self, clause: str) -> tuple[Token, ...]: ...

    def reading(self, word: str) -> tuple[str, ...]: ...

    def forget(self) -> Iterable[object] | None:
        """Drop what was cached for the texts read so far (a document closed), at once: new empty caches; returns
        the old ones (dicts, lists, sets), for the caller to free a slice at a time (``Leftovers``)."""


class ClauseWords(NamedTuple):
    """The words of a batch of clauses, as the deck counts them (``JiebaParser.words_many``, ``words_of``)."""

    words: list[str]  # every word's text, clause after clause
    ends: list[int]  # where each clause's words end in ``words``
    running: list[int]  # each clause's running words: its words, numbers and Latin, as translation totals count


#: Kinds of a parser's records that are not running words (``ClauseWords.running``); white space is no token.
_NOT_RUNNING = frozenset(("punct", "space"))


def words_of(tokens: Iterable[tuple[Token, ...]]) -> ClauseWords:
    """The ``ClauseWords`` of clauses' tokens (of a parser without ``words_many``)."""
    words: list[str] = []
    ends: list[int] = []
    running: list[int] = []
    for clause_tokens in tokens:
        words.extend(token.text for token in clause_tokens if token.kind == "word")
        ends.append(len(words))
        running.append(sum(token.kind not in _NOT_RUNNING for token in clause_tokens))
    return ClauseWords(words, ends, running)


class Analyzer:
    """What the rest of the app asks of analysis: a parser's tokens and readings, and the dictionary's senses.

    Nothing here caches clauses but short refrains (bounded): the open document keeps a bounded cache of the
    clauses it shows, and drops it when it closes, so memory comes back (a cache here grew with every text ever
    opened)."""

    def __init__(self, dictionary: Dictionary, parser: Parser | None = None, context: bool = True) -> None:
        self.dictionary = dictionary
        self.parser: Parser = parser or JiebaParser(dictionary)
        self.context = context_reader(dictionary, self.parser) if context else None
        self.grammar = GrammarReader(dictionary.readings(), getattr(
            self.parser, "open_positions", lambda word: frozenset(range(len(word)))))
        #: short clauses' tokens (``REFRAIN_LENGTH``), up to ``REFRAINS`` of them: a text's refrains read once
        self._refrains: dict[str, tuple[Token, ...]] = {}

    def analyze(self, clause: str) -> tuple[Token, ...]:
        return self.analyze_many([clause])[0]

    def analyze_many(self, clauses: list[str]) -> list[tuple[Token, ...]]:
        """Tokens of many clauses, their polyphones read in context in one batch (far cheaper than one by one);
        a clause met before in the batch, or a short one read before (``REFRAIN_LENGTH``), is not read again."""
        with _COLLECTIONS.held():
            refrains = self._refrains
            known: dict[str, tuple[Token, ...]] = {}  # taken now: a forget() in another thread may empty the store
            new: list[str] = []
            for clause in dict.fromkeys(clauses):
                tokens = refrains.get(clause)
                if tokens is None:
                    new.append(clause)
                else:
                    known[clause] = tokens
            found = dict(zip(new, self._analyze_many(new), strict=True)) if new else {}
            found.update(known)
            read = list(map(found.__getitem__, clauses))
            short = [clause for clause in new if len(clause) <= REFRAIN_LENGTH]
            if len(refrains) + len(short) > REFRAINS:  # start again
                refrains = self._refrains = {}
            refrains.update(zip(short, map(found.__getitem__, short), strict=True))
            return read

    def first_readings(self, clauses: list[str], met: set[str]) -> tuple[ClauseWords, dict[int, tuple[Token, ...]]]:
        """What the deck keeps of the clauses: their words (``ClauseWords``), and the token of each word where it
        is first met (not in ``met``, nor earlier in these clauses), read in context, by clause number, in order;
        ``met`` gains every word.

        Why: the deck keeps a word's reading where the text first has it, and reading every occurrence in
        context had been a third of a novel's analysis (水浒传: the model asked 90,000 times, 2,000 of them about
        a word first met there; the grammar 26,000 clauses, 3,900), making a token of each only to count it
        another 0.4-0.5 s of 7. Here the words come without tokens (``words_many``), and only the clauses with
        a word met first (one in seven) are read, the model asked only about those words. A clause's grammar
        rules read that clause alone, and a request's answer depends on its clause alone (the model's states of a
        text read up to the character asked, each text's row apart from the batch's others), so a first
        occurrence reads exactly as ``analyze_many`` reads it. Nothing read here is kept as a refrain: the other
        tokens of those clauses are not read in context."""
        with _COLLECTIONS.held():
            words_many = getattr(self.parser, "words_many", None)
            found = words_many(clauses) if words_many else words_of(self._parse(clauses))
            words, ends = found.words, found.ends
            new: dict[int, list[str]] = {}  # clause number -> the words first met there, in order
            for at in itertools.compress(itertools.count(), map(operator.not_, map(met.__contains__, words))):
                word = words[at]
                if word not in met:  # nor earlier in these clauses
                    met.add(word)
                    new.setdefault(bisect.bisect_right(ends, at), []).append(word)
            if not new:
                return found, {}
            texts = [clauses[number] for number in new]
            wanted = [frozenset(first_met) for first_met in new.values()]
            first: dict[int, tuple[Token, ...]] = {}
            for number, tokens, first_met in zip(new, self._read(texts, self._parse(texts), wanted), new.values(),
                                                 strict=True):
                at_first = {token.text: token for token in reversed(tokens) if token.kind == "word"}
                first[number] = tuple(map(at_first.__getitem__, first_met))
            return found, first

    def _analyze_many(self, clauses: list[str]) -> list[tuple[Token, ...]]:
        return self._read(clauses, self._parse(clauses))

    def _parse(self, clauses: list[str]) -> list[tuple[Token, ...]]:
        """The parser's tokens of the clauses, before the context model and the grammar."""
        tokens_many = getattr(self.parser, "tokens_many", None)
        return tokens_many(clauses) if tokens_many else [self.parser.tokens(clause) for clause in clauses]

    def _read(self, clauses: list[str], tokens: list[tuple[Token, ...]],
              wanted: Sequence[Collection[str]] | None = None) -> list[tuple[Token, ...]]:
        """The parser's tokens read in context: the grammar, and the model where a choice is left (``wanted``: per
        clause, the words it may be asked about; by default every word)."""
        settled = self.grammar.settled_many(clauses, tokens)
        if self.context is not None:
            tokens = self.context.read(clauses, tokens, settled, wanted)
        return self.grammar.apply_many(clauses, tokens, settled)

    def reading(self, word: str) -> tuple[str, ...]:
        return self.parser.reading(word)

    def forget(self) -> Leftovers:
        """Start again with empty caches, at once; the old ones are returned, to be freed where it costs no one a
        stall (``Leftovers.free``, in a job): freeing a novel's (45 MB, 300,000 entries) took 65-140 ms."""
        refrains, self._refrains = self._refrains, {}
        return Leftovers(itertools.chain((refrains,), self.parser.forget() or (), self.grammar.forget(),
                                         self.context.forget() if self.context is not None else ()))

    def word_memos(self) -> list[dict]:
        """The memos of what was worked out per word so far (how it is cut, read, tagged), live, in an order fixed
        by the code. An entry reads alike in any text, so a worker process may take another's
        (``study.cache_sharing``) instead of working it out again. The memos per clause are left out, the refrains
        too: their entries seldom meet a second time (水浒传 in two workers: 3% of the refrains sent were met by the
        other, 12-18% of the per-word entries), and they were 40% of the bytes sent."""
        return [*getattr(self.parser, "word_memos", list)(), *self.grammar.word_memos(),
                *(self.context.word_memos() if self.context is not None else ())]

    def set_fixes(self, fixes: dict[str, tuple[str, ...]], own_words: Iterable[str] = ()) -> None:
        """The learner's segmentation fixes and the words they defined themselves, for parsers that take them."""
        if hasattr(self.parser, "set_fixes"):
            self.parser.set_fixes(fixes, own_words)
            self._refrains = {}  # read before the fixes

    def recipe(self, context: bool | None = None) -> Recipe | None:
        """How another process makes an analyzer that reads as this one does (``context``: with the context
        model or not, whether or not this one has it yet); None when it cannot (a parser of another kind, or a
        dictionary whose index is still being written on a first start)."""
        parser = self.parser
        if type(parser) is not JiebaParser or not self.dictionary.indexed.is_set():
            return None
        return Recipe(self.dictionary.path, self.context is not None if context is None else context,
                      dict(parser.fixes), sorted(parser.own_words))


    def readings_of(self, word: str) -> list[tuple[str, ...]]:
        """Every reading a word can have (the dictionary's, and for one character those the context model
        knows), tone-marked: what the popup offers to pin."""
        found = _marked_readings(self.dictionary.readings().get(word, ()), len(word))
        if len(word) == 1 and self.context is not None:
            for numbered in self.context.model.readings.get(word, ()):
                syllables = (numbered_to_marks(numbered),)
                if syllables not in found:
                    found.append(syllables)
        return found

    def definitions(self, token: Token) -> list[str]:
        """What the word means here: the senses of its entries read as in this context (an everyday word's
        before a proper noun's: 中 zhōng "within; among; in" before "China"), else all of them."""
        if token.kind != "word":
            return []
        entries = learner_order(self.dictionary.lookup(token.text), token.pinyin)
        here = [entry for entry in entries if entry.syllables == token.pinyin]
        return [sense for entry in (here or entries) for sense in entry.definitions]


#: Clauses this short are kept once read, up to ``REFRAINS`` of them: a story's refrains (宋江道, 众人道, 笑道) are
#: read once, not each time (水浒传 meets 13,000 of its 112,000 clauses again, nearly all of them this short).
REFRAIN_LENGTH = 6
REFRAINS = 20_000


class Recipe(NamedTuple):
    """What an analyzer is made of, sent to a worker process (plain data: it is pickled)."""

    dictionary: Path
    context: bool
    fixes: dict[str, tuple[str, ...]]
    own_words: list[str]

    def make(self) -> Analyzer:
        analyzer = Analyzer(Dictionary(self.dictionary), context=self.context)
        analyzer.set_fixes(self.fixes, self.own_words)
        return analyzer


#: Net new objects between two young collections while a text is analysed, instead of Python's 700: a batch holds
#: its 5,000 tokens and the lists of their fields until it is done, and with 700 young collections walked each of
#: them several times, and the middle generation again (the novel, cold: 1,969 young, 179 middle and 16 full
#: collections, 1.2-1.8 s of CPU; with this, 65, 5 and none, 0.3 s). A young collection still runs, and walks at
#: most about this many objects (~4 ms), whichever thread's allocation sets it off, the GUI thread's included;
#: turning collections off instead would leave the first one after the analysis to walk all it made, on any thread.
YOUNG_COLLECTION_EVERY = 20_000


def _fewer_collections() -> Callable[[], None]:
    """Raise the young generation's threshold (unless collections are off already); say how to put it back."""
    saved = gc.get_threshold()
    if saved[0] and saved[0] < YOUNG_COLLECTION_EVERY:
        gc.set_threshold(YOUNG_COLLECTION_EVERY, *saved[1:])
    return lambda: gc.set_threshold(*saved)


#: Python's collection thresholds are one setting for the whole process: held while any analysis runs
_COLLECTIONS = WhileAnyRuns(_fewer_collections)


class Leftovers:
    """Caches an analyzer let go of, freed a slice at a time by ``free``. A dict freed at once is one C call that
    holds the GIL until its last entry is gone: the novel's word caches, freed on the GUI thread as it closed,
    stalled it 65-140 ms. Popped a few hundred entries at a time, in a job, the GUI thread gets the GIL between
    slices (Python hands it over every few milliseconds)."""

    SLICE = 500  #: entries freed in one go

    def __init__(self, caches: Iterable[object]) -> None:
        self._caches: list[Any] = [cache for cache in caches if cache]

    def __len__(self) -> int:
        """Entries not yet freed."""
        return sum(map(len, self._caches))

    def free(self) -> None:
        """Free every entry, slice by slice (from any thread; not two at once)."""
        while self._caches:
            cache = self._caches[-1]
            pop = cache.popitem if isinstance(cache, dict) else cache.pop
            for _ in range(min(self.SLICE, len(cache))):
                pop()
            if not cache:
                self._caches.pop()


#: Clauses analysed together (progress is reported after each batch). The context model's recurrence takes one
#: step per character of a batch's longest clause, whatever the number of clauses: 2,000 at a time rather than 500
#: read the novel in 4,900 steps instead of 11,700 (its model time 2.3 -> 1.7 s), for 3-5 MB more at the peak.
ANALYSIS_BATCH = 2000
#: ...and at most this many characters: what analysis builds for a batch (tokens, the context model's requests)
#: grows with its characters, and 2,000 clauses of a text without punctuation are 2,000,000 (a novel's, 16,000).
ANALYSIS_BATCH_CHARACTERS = 20_000


def analyze_all(document: Document, analyzer: Analyzer,
                progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None,
                only: Iterable[range] | None = None) -> Iterator[tuple[int, tuple[Token, ...]]]:
    """Analyse every clause in order, reporting progress now and then; stops early when cancelled. ``only``: some
    of the document's ``batches`` (a worker process's share), read exactly as they are read in the whole."""
    total = len(document.clauses)
    with _COLLECTIONS.held():  # between batches too: the batch just yielded dies young, unwalked
        for indexes in batches(document) if only is None else only:  # the context model reads many at once
            if cancelled and cancelled():
                return
            # the batch's tokens are not held while the next batch is analysed: a caller that keeps none lets them
            # go young, before the collector moves them to the generation only a full collection walks
            yield from zip(indexes, analyzer.analyze_many([document.clause_text(index) for index in indexes]),
                           strict=True)
            if progress:
                progress(indexes[-1] + 1, total)


def batches(document: Document) -> Iterator[range]:
    """Runs of clauses of at most ``ANALYSIS_BATCH`` clauses and ``ANALYSIS_BATCH_CHARACTERS`` characters (a
    clause longer than that alone), from the clause table's arrays without making a clause object each."""
    starts, ends, total = document.clauses.starts, document.clauses.ends, len(document.clauses)
    first = 0
    while first < total:
        last, room = first, ANALYSIS_BATCH_CHARACTERS
        while last < total and last - first < ANALYSIS_BATCH and (last == first or ends[last] - starts[last] <= room):
            room -= ends[last] - starts[last]
            last += 1
        yield range(first, last)
        first = last


#: How sure the context model must be to read a character of a proper name against the name's only dictionary
#: reading (勃艮第 Bó gěn dì in CC-CEDICT, gèn in the texts). Other words' one reading always stands: the model
#: would read 为此 and 为人民服务 with wéi. Tuned on the CPP dev split.
OVERRULE_DICTIONARY = 0.999
_NOTHING_OPEN: tuple[bool, tuple[tuple[int, tuple[str, ...]], ...]] = (False, ())  # a plan: nothing to read


class ContextReader:
    """Where the dictionary does not settle a character's reading (a word with several readings, or none, and a
    character with several), the context model chooses among the readings the word or character can have.

    Worked example: 他还没还书 -> jieba 他 | 还 | 没 | 还 | 书; 还 has readings hái, huán: the model reads the
    first hái (context 0.99), the second huán. 银行 has one reading per CC-CEDICT headword set ... yín háng:
    settled, the model is not asked. 东西 (dōng xī "east and west", dōng xi "thing"): only the second syllable is
    open, and 买东西 reads it xi."""

    def __init__(self, dictionary: Dictionary, parser: Parser) -> None:
        from .context_readings import context_model

        self.model = context_model()
        self._headwords = dictionary.readings()
        self._open = getattr(parser, "open_positions", lambda word: frozenset(range(len(word))))
        self._plans: dict[str, tuple[bool, tuple[tuple[int, tuple[str, ...]], ...]]] = {}
        self._open_plans: dict[str, tuple[bool, tuple[tuple[int, tuple[str, ...]], ...]]] = {}  # those with a place
        #: the model's guess per (clause, index, candidates): a clause read again (the reader's rows, then the
        #: background job; a refrain, 宋江道) costs a look-up
        self._guesses: dict[tuple[str, int, tuple[str, ...]], Guess | None] = {}
        self._marks: dict[str, str] = {}

    def read(self, clauses: list[str], tokens: list[tuple[Token, ...]],
             settled: list[Mapping[tuple[int, int], str | None]] | None = None,
             wanted: Sequence[Collection[str]] | None = None) -> list[tuple[Token, ...]]:
        """The clauses' tokens with the model's readings; a clause it changed nothing in keeps its very tuple.
        ``wanted``: per clause, the words whose tokens it reads (the deck's: ``Analyzer.first_readings``); by default
        every token.

        The model is asked only where a choice is left: not for a character the grammar rules settle (``settled``,
        per clause: ``GrammarReader.settled``, whose reading replaces the model's), nor in a piece of a word the
        dictionary lacks that keeps the whole word's reading (source "part of 长臂": the model, asked about 长
        alone, would read it zhǎng). Which of a word's characters are open is planned once per distinct word
        (``_make_plan``); the batch's tokens are looked up all at once, and only those with an open character
        are visited."""
        flat = list(itertools.chain.from_iterable(tokens))
        texts = list(map(operator.itemgetter(2), flat))
        plans, open_plans = self._plans, self._open_plans
        missing = set(texts).difference(plans)
        if missing:
            if len(plans) + len(missing) > READING_CACHE_LIMIT:  # a huge text of made-up words: start again
                plans, open_plans = self._plans, self._open_plans = {}, {}
                missing = set(texts)
            for text in missing:  # a word's text is hanzi; punctuation, numbers and latin have nothing to choose
                plan = plans[text] = self._make_plan(text) if _HANZI.match(text) else _NOTHING_OPEN
                if plan[1]:
                    open_plans[text] = plan
        # the few tokens with a character to read, found in one pass in C (a novel: 100,000 of its 660,000)
        visited = list(itertools.compress(itertools.count(), map(open_plans.__contains__, texts)))
        ends = list(itertools.accumulate(map(len, tokens)))  # where each clause's tokens end in ``flat``
        requests: list[tuple[str, int, tuple[str, ...]]] = []
        # where each request's answer goes: clause, token in it, syllable in that, and whether the word has one
        # dictionary reading (lists of numbers side by side rather than a tuple each: 100,000 fewer objects)
        numbers: list[int] = []
        indexes: list[int] = []
        positions: list[int] = []
        only: list[bool] = []
        for at, number in zip(visited, map(bisect.bisect_right, itertools.repeat(ends), visited), strict=True):
            token = flat[at]
            if token.source.startswith("part of") or (wanted is not None and token.text not in wanted[number]):
                continue
            index = at - ends[number - 1] if number else at
            ruled = settled[number] if settled else None
            one_reading, open_places = open_plans[token.text]
            for position, candidates in open_places:
                if ruled and ruled.get((index, position)) is not None:
                    continue
                requests.append((clauses[number], token.start + position, candidates))
                numbers.append(number)
                indexes.append(index)
                positions.append(position)
                only.append(one_reading)
        if not requests:
            return tokens  # a word's only dictionary reading came marked so from the parser
        changed: dict[int, list[Token]] = {}
        marks = self._marks
        for number, index, position, one_reading, guess in zip(numbers, indexes, positions, only,
                                                                self._guess(requests), strict=True):
            if guess is None:
                continue
            row = changed.get(number)
            token = tokens[number][index] if row is None else row[index]
            marked = marks.get(guess.reading) or marks.setdefault(guess.reading, numbered_to_marks(guess.reading))
            written = token.pinyin or ()  # a word's: it has its syllables
            if one_reading and (guess.confidence < OVERRULE_DICTIONARY or marked == written[position]):
                continue
            syllables = list(written)
            syllables[position] = marked
            confidence = min(float(token.source.split()[1]), guess.confidence) if token.source.startswith(
                "context") else guess.confidence
            if row is None:
                row = changed[number] = list(tokens[number])
            row[index] = _make_token((*token[:4], tuple(syllables), _context_source(confidence)))
        return [tuple(changed[number]) if number in changed else clause_tokens
                for number, clause_tokens in enumerate(tokens)]

    def _guess(self, requests: list[tuple[str, int, tuple[str, ...]]]) -> list[Guess | None]:
        """The model's guesses, asked only for the requests it has not answered before."""
        known = self._guesses
        asked = [request for request in dict.fromkeys(requests) if request not in known]
        if asked:
            if len(known) + len(asked) > GUESS_CACHE_LIMIT:  # start again, with this batch's answers kept
                known = self._guesses = {request: known[request] for request in requests if request in known}
            known.update(zip(asked, self.model.guess(asked), strict=True))
        return [known[request] for request in requests]

    def _make_plan(self, word: str) -> tuple[bool, tuple[tuple[int, tuple[str, ...]], ...]]:
        readings = self._readings(word)
        one_reading = len(readings) == 1
        if one_reading and not self._is_name(word):
            return True, ()  # the dictionary's one reading stands; only names are checked against the text
        unsettled = self._open(word) if not readings else None
        common = self._common_words_in_name(word, readings[0]) if one_reading else frozenset()
        places = []
        for position, character in enumerate(word):
            if not self.model.is_polyphone(character):
                continue
            if unsettled is not None and position not in unsettled:
                continue  # a known piece of an unknown word settles it
            if position in common:
                continue
            if len(readings) > 1:
                candidates = tuple(dict.fromkeys(reading[position] for reading in readings))
            else:  # no entry, or a name's one reading the model may overrule when all but certain
                candidates = tuple(self.model.readings[character])
            if len(candidates) > 1:
                places.append((position, candidates))
        return one_reading, tuple(places)

    def word_memos(self) -> list[dict]:
        """The per-word plans (and which of them leave a place open: one memo, kept in two dicts), live
        (``Analyzer.word_memos``); not the guesses, which are per clause."""
        return [self._plans, self._open_plans]

    def forget(self) -> list[dict]:
        """New empty caches; returns the old ones (``Parser.forget``)."""
        old: list[dict] = [self._plans, self._open_plans, self._guesses]
        self._plans, self._open_plans, self._guesses = {}, {}, {}
        return old

    def _is_name(self, word: str) -> bool:
        """A proper name in CC-CEDICT (its reading capitalised: Bo2 gen3 di4): transliterations and place names,
        whose dictionary readings disagree with how texts read them far more often than other words'."""
        return any(map(is_name_reading, self._headwords.get(word, ())))

    def _common_words_in_name(self, name: str, reading: tuple[str, ...]) -> frozenset[int]:
        """The places of a name covered by an everyday word read there as one of its own readings (纳粹分子: 分子
        fèn zǐ, members): the name's reading stands there, for the model would read the word alone (fēn, molecules).
        A transliteration's odd syllable (勃艮第's gěn) is in no such word and stays open."""
        covered: set[int] = set()
        for start in range(len(name)):
            for end in range(start + 2, len(name) + 1):
                if end - start == len(name):
                    continue
                if tuple(reading[start:end]) in self._readings(name[start:end], names=False):
                    covered.update(range(start, end))
        return frozenset(covered)

    def _readings(self, word: str, names: bool = True) -> list[tuple[str, ...]]:
        """The word's distinct readings, numbered and lower-cased, one syllable per character (without a proper
        name's, unless ``names``)."""
        readings = []
        for reading in self._headwords.get(word, ()):
            if not names and is_name_reading(reading):
                continue
            syllables = tuple(reading.lower().split())
            if len(syllables) == len(word) and syllables not in readings:
                readings.append(syllables)
        return readings


def _context_source(confidence: float) -> str:
    """A token's source for a reading the model chose this sure of (``Token.source``): "context 0.93". Most of a
    novel's (82,000 of 90,000) say "context 1.00", given without formatting a number: a confidence (at most 1)
    above the float nearest 0.995 (just below it) rounds up."""
    return "context 1.00" if confidence > 0.995 else f"context {confidence:.2f}"


def context_reader(dictionary: Dictionary, parser: Parser) -> ContextReader | None:
    """The context model, or None when its package cannot be loaded (a broken install): the app still reads,
    with the dictionary's readings, and the log says why."""
    try:
        return ContextReader(dictionary, parser)
    except Exception:  # noqa: BLE001 - numpy's, pickle's and the file system's errors alike
        logging.getLogger(__name__).warning("readings in context are off: the g2pM model did not load",
                                            exc_info=True)
        return None


#: Distinct words whose readings are kept: a novel has ~40,000; a 49 MB file of anything stays bounded.
READING_CACHE_LIMIT = DEFAULT_LIMIT
#: The model's answers kept (about 250 bytes each): enough for the rows on screen and the batches around them,
#: not a novel's 100,000, whose every clause the background job reads once.
GUESS_CACHE_LIMIT = 20_000


class JiebaParser:
    """jieba's words (through rjieba) merged into CC-CEDICT headwords, and those CC-CEDICT lacks cut into its words
    (``dictionary_words``), read as the module docstring describes. Word readings are cached (one entry per
    distinct word, bounded by the vocabulary)."""

    def __init__(self, dictionary: Dictionary) -> None:
        self.dictionary = dictionary
        self._headwords = dictionary.readings()
        self._words = for_dictionary(dictionary)
        self._own_words: frozenset[str] = frozenset()  # the learner's: never cut
        self.fixes: dict[str, tuple[str, ...]] = {}  # the learner's segmentation fixes and own words, as given
        self.own_words: frozenset[str] = frozenset()
        self._reading_cache: dict[str, tuple[tuple[str, ...], str]] = {}
        self._open_cache: dict[str, frozenset[int]] = {}
        self._settled_cache: dict[str, tuple[str, ...] | None] = {}
        self._fixes: dict[str, list[tuple[str, tuple[str, ...]]]] = {}  # first character -> (text, parts)
        self._pypinyin_choices: Mapping[str, tuple[str, ...]] | None = None  # read at the first word that asks
        #: per distinct unit (a word, words cut together, other characters): its tokens' records (``_expand``)
        self._expanded: dict[str | tuple[str, ...], tuple[str | tuple[str, ...] | None, ...]] = {}
        #: per distinct word: whether ``DictionaryWords.cut`` cuts it together with its neighbours of that kind
        self._grouped_alone: dict[str, bool] = {}
        #: first character -> the dictionary's ``headword_prefixes`` (its own sets, held here for a dict look-up)
        self._prefix_sets: dict[str, frozenset[str]] = {"\n": frozenset()}
        #: first character -> the dictionary's ``headword_joins`` (``_merge``)
        self._join_sets: dict[str, frozenset[str]] = {"\n": frozenset()}

    def set_fixes(self, fixes: dict[str, tuple[str, ...]], own_words: Iterable[str] = ()) -> None:
        """The learner's segmentation fixes: each text is cut into its parts wherever it occurs (a join has one
        part, a split several). Longer texts win where fixes overlap. The parts, and the words the learner
        defined themselves, stay whole where the dictionary lacks them."""
        by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for text, parts in sorted(fixes.items(), key=lambda item: -len(item[0])):
            if text and "".join(parts) == text:
                by_first.setdefault(text[0], []).append((text, tuple(parts)))
        self._fixes = by_first
        self.fixes = dict(fixes)  # as given: ``Analyzer.recipe``
        self.own_words = frozenset(own_words)
        self._own_words = self.own_words.union(*(parts for parts in fixes.values()))
        self._expanded = {}  # both depend on the learner's words
        self._grouped_alone = {}

    def tokens(self, clause: str) -> tuple[Token, ...]:
        return self.tokens_many([clause])[0]

    def tokens_many(self, clauses: list[str]) -> list[tuple[Token, ...]]:
        """The tokens of many clauses, worked out per distinct word rather than per token.

        Worked example, clauses 宋江道：“兄弟！” and 那妇人道::

            parts       宋江道 | ：“ | 兄弟 | ！”        那妇人道
            jieba       宋江 道 \\n 兄弟 \\n 那 妇人 道    (every run of hanzi of the batch cut in one call: rjieba cuts
                                                       text between line breaks exactly as it cuts each piece alone)
            units       ""  宋江  道  "：“"  兄弟  "！”"  |  ""  那  妇人  道
            records     each unit's pieces with kind, pinyin and source (``_expand``), worked out once per distinct
                        unit: 宋江 -> (宋江, word, (Sòng, Jiāng), ...); "：“" -> (：, punct) (“, punct)
            offsets     the records of a batch cover its clauses end to end, so each start is the sum of the
                        lengths before it, less its clause's start

        A unit is a word (after ``_merge``), a run of words the dictionary lacks that are cut together
        (``DictionaryWords.cut``: 一九二 | 二年 -> 一九二二 年), or a run of other characters. Tokens are made in
        bulk (``map`` over ``zip``): a named tuple's own ``__new__`` is a Python call, a million per novel."""
        fields, ends, last = self._records(clauses)
        clause_ends = list(itertools.accumulate(map(len, clauses)))
        firsts = [0, *last[:-1]]
        bases = list(itertools.chain.from_iterable(map(itertools.repeat, [0, *clause_ends[:-1]],
                                                       map(operator.sub, last, firsts))))
        starts = map(operator.sub, itertools.chain((0,), ends), bases)  # ``bases``, one per record, ends it
        records = iter(fields)
        made = list(map(_make_token, map(operator.add, zip(starts, map(operator.sub, ends, bases), strict=True),
                                         zip(records, records, records, records, strict=True))))
        found = list(map(tuple, map(made.__getitem__, map(slice, firsts, last))))
        kinds = fields[1::4]
        if "space" in kinds:  # white space separates tokens but is none: left out of the few clauses that hold it
            for number in {bisect.bisect_right(last, at) for at in itertools.compress(
                    itertools.count(), map("space".__eq__, kinds))}:
                found[number] = tuple(token for token in found[number] if token.kind != "space")
        return found

    def words_many(self, clauses: list[str]) -> ClauseWords:
        """What the deck counts of many clauses, from the records ``tokens_many`` makes its tokens of, without a
        token: a novel's million tokens had been made only to read their text and kind."""
        fields, _ends, last = self._records(clauses)
        kinds = fields[1::4]
        is_word = list(map("word".__eq__, kinds))
        words = list(itertools.compress(fields[::4], is_word))
        word_ends = list(map(list(itertools.accumulate(is_word, initial=0)).__getitem__, last))
        others = list(itertools.accumulate(map(_NOT_RUNNING.__contains__, kinds), initial=0))  # punct, space
        firsts = [0, *last[:-1]]
        running = list(map(operator.sub, map(operator.sub, last, firsts),
                           map(operator.sub, map(others.__getitem__, last), map(others.__getitem__, firsts))))
        return ClauseWords(words, word_ends, running)

    def _records(self, clauses: list[str]) -> tuple[list[Any], list[int], list[int]]:
        """The clauses' records (``tokens_many``): text, kind, pinyin and source of each, 4 fields a record, one
        flat list for the batch; where each record ends in the clauses' joined text; where each clause's records
        end (white space is a record, of kind "space")."""
        parts = [_split_runs(clause) for clause in clauses]  # other characters and hanzi alternate, others first
        runs = [run for clause_parts in parts for run in itertools.islice(clause_parts, 1, None, 2)]
        words = rjieba.cut("\n".join(runs)) if runs else []
        words = self._merge(words)
        if self._fixes and runs:
            words = self._apply_fixes_to_runs(runs, words)
        units_of_runs = iter(_split_at_line_breaks(self._grouped(words)) if runs else ())
        units: list[str | tuple[str, ...]] = []
        add, extend = units.append, units.extend
        for clause_parts in parts:
            add(clause_parts[0])
            for other in itertools.islice(clause_parts, 2, None, 2):
                extend(next(units_of_runs))
                add(other)
        expanded = self._expanded
        found_units = list(map(expanded.get, units))
        if None in found_units:  # units seen for the first time
            missing = {unit for unit, found in zip(units, found_units, strict=True) if found is None}
            if len(expanded) + len(missing) > READING_CACHE_LIMIT:  # a huge text of made-up words: start again
                expanded = self._expanded = {}
                missing = set(units)
            for unit in missing:
                expanded[unit] = self._expand(unit)
            found_units = list(map(expanded.__getitem__, units))
        fields: list[Any] = list(itertools.chain.from_iterable(  # 4 per token; every unit is expanded now
            cast("list[tuple[str | tuple[str, ...] | None, ...]]", found_units)))
        ends = list(itertools.accumulate(map(len, fields[::4])))
        last = [bisect.bisect_right(ends, end) for end in itertools.accumulate(map(len, clauses))]
        return fields, ends, last

    def word_memos(self) -> list[dict]:
        """The per-word memos, live, in a fixed order (``Analyzer.word_memos``); not the prefix and join sets,
        which are the dictionary's, cheaper to work out again than to send."""
        return [self._reading_cache, self._open_cache, self._settled_cache, self._expanded, self._grouped_alone,
                *self._words.word_memos()]

    def forget(self) -> list[dict]:
        """New empty caches (new dicts, not clear(): a job still finishing may be writing to the old ones); returns
        the old ones (``Parser.forget``)."""
        old: list[dict] = [self._reading_cache, self._open_cache, self._settled_cache, self._expanded,
                           self._grouped_alone, self._prefix_sets, self._join_sets]
        self._reading_cache = {}
        self._open_cache = {}
        self._settled_cache = {}
        self._expanded = {}
        self._grouped_alone = {}
        self._prefix_sets = {"\n": frozenset()}
        self._join_sets = {"\n": frozenset()}
        return [*old, *self._words.forget()]

    def _expand(self, unit: str | tuple[str, ...]) -> tuple[str | tuple[str, ...] | None, ...]:
        """A unit's records, end to end in one flat tuple (one object per unit, not one per token): text, kind,
        pinyin and source of each token it makes, in order; white space too, as kind "space", so that a batch's
        records cover its text end to end."""
        first = unit[0] if unit else ""
        if isinstance(unit, str) and not _HANZI.match(first):
            return tuple(itertools.chain.from_iterable(
                (match.group(), match.lastgroup or "", None, "")  # one named group always matched
                for match in _NON_CJK_TOKEN.finditer(unit)))
        if isinstance(unit, str) and unit in self._headwords:  # most units: a dictionary word, its own one token
            return (unit, "word", *self._reading_and_source(unit))
        if isinstance(unit, str):  # a word the dictionary lacks: cut unless it stays whole (a name, a number...)
            flag = self._grouped_alone.get(unit)
            if flag is None:  # its flag was let go (a full cache starts again)
                flag = self._words.cut_together(unit, self._own_words)
            words = [unit]
            pieces = self._words.cut_run((unit,)) if flag else words
        else:  # words ``_grouped`` found are cut together
            words = list(unit)
            pieces = self._words.cut_run(unit)
        records: list[str | tuple[str, ...] | None] = []
        for piece, reading in zip(pieces, self._readings_of_pieces(words, pieces), strict=True):
            records += (piece, "word", *reading)
        return tuple(records)

    def _grouped(self, words: list[str]) -> list[str | tuple[str, ...]]:
        """The words with each run of two or more that ``DictionaryWords.cut`` cuts together as one tuple (words
        the dictionary lacks, and digits: 一九二 | 二年); a line break, between runs of hanzi, is never in one."""
        alone = self._grouped_alone
        flags = list(map(alone.get, words))
        if None in flags:
            cut_together = self._words.cut_together
            for index in [index for index, flag in enumerate(flags) if flag is None]:
                word = words[index]
                flag = alone.get(word)
                if flag is None:
                    if len(alone) >= READING_CACHE_LIMIT:
                        alone = self._grouped_alone = {}
                    flag = alone[word] = word != "\n" and cut_together(word, self._own_words)
                flags[index] = flag
        together = list(itertools.compress(itertools.count(), map(operator.and_, flags, flags[1:])))
        if not together:
            return words  # type: ignore[return-value]  # words are units
        units: list[str | tuple[str, ...]] = []
        done = 0
        for index in together:
            if index < done:
                continue
            end = index + 2
            while end < len(words) and flags[end]:
                end += 1
            units.extend(words[done:index])
            units.append(tuple(words[index:end]))
            done = end
        units.extend(words[done:])
        return units

    def _apply_fixes_to_runs(self, runs: list[str], words: list[str]) -> list[str]:
        """``_apply_fixes`` on each run of hanzi of a batch (its words separated by line breaks)."""
        fixed = [self._apply_fixes(run, run_words)
                 for run, run_words in zip(runs, _split_at_line_breaks(words), strict=True)]
        joined: list[str] = []
        for number, run_words in enumerate(fixed):
            if number:
                joined.append("\n")
            joined.extend(run_words)
        return joined

    def _readings_of_pieces(self, words: list[str], pieces: Sequence[str]) -> list[tuple[tuple[str, ...], str]]:
        """The readings of a run's words after those the dictionary lacks were cut: a piece the dictionary leaves
        open keeps what it settled for the whole (长臂 -> 长 臂: 长 is cháng as in 长臂猿, source "part of 长臂")."""
        ends = list(itertools.accumulate(map(len, words)))
        start = 0
        known = self._reading_cache
        found = []
        for piece in pieces:
            reading = known.get(piece) or self._reading_and_source(piece)
            if reading[1] != "dictionary":  # a piece's only dictionary reading stands: no need to find its whole
                index = bisect.bisect_right(ends, start)
                whole = words[index] if index < len(words) else piece
                offset = start - (ends[index] - len(whole)) if index < len(words) else 0
                if whole != piece and offset + len(piece) <= len(whole):
                    places = range(offset, offset + len(piece))
                    if whole not in self._headwords and not self.open_positions(whole).intersection(places):
                        reading = tuple(self.reading(whole)[offset:offset + len(piece)]), f"part of {whole}"
            found.append(reading)
            start += len(piece)
        return found

    def _apply_fixes(self, run: str, words: list[str]) -> list[str]:
        """Re-cut a run of hanzi where a fix's text occurs: its outer edges and the edges between its parts become
        word boundaries, and no boundary is left inside a part.

        Worked example: run 宋江自在郓城县, jieba's words 宋江自 | 在 | 郓城县, fix 宋江自 -> 宋江 自:
        boundaries {0, 3, 4, 7} + {0, 2, 3} -> 宋江 | 自 | 在 | 郓城县. A join 在郓城 -> 在郓城 would give
        boundaries {0, 3, 4, 7} minus 5 and 6 (inside the part) plus 3 and 6 -> 宋江自 | 在郓城 | 县."""
        cuts: set[int] = set()
        position = 0
        for word in words:
            cuts.add(position)
            position += len(word)
        cuts.add(position)
        changed = False
        for character in dict.fromkeys(run):
            for text, parts in self._fixes.get(character, ()):
                start = run.find(text)
                while start >= 0:
                    edge = start
                    for part in parts:
                        cuts.difference_update(range(edge + 1, edge + len(part)))
                        cuts.update((edge, edge + len(part)))
                        edge += len(part)
                    changed = True
                    start = run.find(text, start + len(text))
        if not changed:
            return words
        ordered = sorted(cuts)
        return [run[a:b] for a, b in zip(ordered, ordered[1:], strict=False) if b > a]

    def _merge(self, words: list[str]) -> list[str]:
        """Adjacent words joined where they make a headword (中 俄 -> 中俄), at most ``_MAX_MERGED_TOKENS``, the
        longest first; a join stops growing as soon as it starts no headword. Most words start no headword with
        their neighbour: that test runs over the whole batch at once (a line break, between runs of hanzi, joins
        nothing), and only the few that do are grown."""
        headwords = self._headwords
        pairs = map(operator.add, words, itertools.islice(words, 1, None))
        every = self.dictionary.every_join
        if every is None:  # a few hundred first characters so far: a set each
            joins = self._join_sets
            firsts = list(map(_FIRST, words))
            for first in set(firsts).difference(joins):
                joins[first] = self.dictionary.headword_joins(first)
            joinable = map(operator.contains, map(joins.__getitem__, firsts), pairs)
        else:  # a long text: one set for every first character, one look-up per pair (a novel: 0.4 s less)
            joinable = map(every.__contains__, pairs)
        joining = list(itertools.compress(itertools.count(), joinable))
        if not joining:
            return words
        merged: list[str] = []
        done = 0
        total = len(words)
        limit = self.dictionary.max_word_length
        for index in joining:
            if index < done:
                continue  # joined to the word before it
            merged.extend(words[done:index])
            word = candidate = words[index]
            best = 1
            prefixes = self._prefixes(word[0])
            for count in range(2, min(_MAX_MERGED_TOKENS, total - index) + 1):
                candidate += words[index + count - 1]
                if len(candidate) > limit:
                    break
                if candidate in headwords and not any(part in PARTICLES for part in words[index:index + count]):
                    best = count
                if candidate not in prefixes:
                    break
            merged.append(word if best == 1 else "".join(words[index:index + best]))
            done = index + best
        merged.extend(words[done:])
        return merged

    def _prefixes(self, first: str) -> frozenset[str]:
        """The dictionary's ``headword_prefixes``, held here per first character: past its first few hundred
        characters the dictionary answers each call from one set behind its lock, and the pieces of a novel's
        unknown words asked 30,000 times (0.3 s of its analysis)."""
        found = self._prefix_sets.get(first)
        if found is None:
            found = self._prefix_sets[first] = self.dictionary.headword_prefixes(first)
        return found

    def reading(self, word: str) -> tuple[str, ...]:
        """Tone-marked syllables for a hanzi word as read in it (see the module docstring for the order)."""
        return self._reading_and_source(word)[0]

    def _reading_and_source(self, word: str) -> tuple[tuple[str, ...], str]:
        """The reading, and "dictionary" when it is the word's only one (``Token.source``), cached together."""
        cached = self._reading_cache.get(word)
        if cached is None:
            if len(self._reading_cache) >= READING_CACHE_LIMIT:  # a huge text of made-up words: start again
                self._reading_cache = {}
            syllables, source = self._read(word)
            # the novel's 19,000 words' syllables are 1,300 strings: one copy each (3 MB less)
            cached = self._reading_cache[word] = tuple(map(sys.intern, syllables)), source
        return cached

    def _read(self, word: str) -> tuple[tuple[str, ...], str]:
        readings = _marked_readings(self._headwords.get(word, ()), len(word))
        if len(readings) == 1:
            return tuple(readings[0]), "dictionary"
        if readings:
            guess = self._choices().get(word) or _pypinyin(word)
            return tuple(guess if guess in readings else readings[0]), ""
        return tuple(self._read_unknown(word)), ""

    def _choices(self) -> Mapping[str, tuple[str, ...]]:
        """pypinyin's choices the index stored; none while it is being written (pypinyin is asked instead)."""
        if self._pypinyin_choices is None:
            self._pypinyin_choices = self.dictionary.pypinyin_choices()
            if self._pypinyin_choices is None:
                return {}
        return self._pypinyin_choices

    def _read_unknown(self, word: str) -> tuple[str, ...]:
        """Longest pieces whose reading the dictionary settles, left to right; pypinyin for the rest (which
        characters those were is kept for ``open_positions``, so the context model need not work it out again)."""
        syllables, unsettled = self._unknown_reading(word)
        if len(self._open_cache) >= READING_CACHE_LIMIT:
            self._open_cache = {}
        self._open_cache[word] = _shared(unsettled)
        return syllables

    def open_positions(self, word: str) -> frozenset[int]:
        """The characters of a word the dictionary leaves open: all of a word with several readings, and in a
        word it does not know, those no known piece settles (长臂: none, as 长臂猿 settles 长臂 cháng bì)."""
        if word in self._headwords:
            return frozenset(range(len(word)))
        cached = self._open_cache.get(word)
        if cached is None:
            if len(self._open_cache) >= READING_CACHE_LIMIT:
                self._open_cache = {}
            cached = self._open_cache[word] = _shared(frozenset(self._settled_pieces(word)[1]))
        return cached

    def _unknown_reading(self, word: str) -> tuple[tuple[str, ...], frozenset[int]]:
        syllables, unsettled = self._settled_pieces(word)
        # a character the dictionary gives several readings takes pypinyin's stored choice for it alone (the
        # context model reads it in its clause anyway); pypinyin is imported only for characters it lacks
        choices = self._choices()
        if any(word[position] not in _CITATION and word[position] not in choices for position in unsettled):
            guess = _pypinyin(word)
            for position in unsettled:
                syllables[position] = guess[position]
        else:
            for position in unsettled:
                syllables[position] = choices.get(word[position], ("",))[0]
        # pypinyin reads 一 and 不 as spoken before the next syllable (一个 yí); we show citation tones
        for position in unsettled:
            syllables[position] = _CITATION.get(word[position], syllables[position])
        return tuple(syllables), frozenset(unsettled)

    def _settled_pieces(self, word: str) -> tuple[list[str], list[int]]:
        """Syllables of the longest pieces of a word whose reading the dictionary settles, left to right ("" for
        the characters no piece settles), and where those characters are."""
        syllables: list[str] = []
        unsettled: list[int] = []
        position = 0
        while position < len(word):
            for end in range(len(word), position + 1, -1):
                settled = self._settled_reading(word[position:end])
                if settled:
                    syllables.extend(settled)
                    position = end
                    break
            else:
                syllables.append("")
                unsettled.append(position)
                position += 1
        return syllables, unsettled

    def _settled_reading(self, piece: str) -> tuple[str, ...] | None:
        """The one reading of a headword, or the reading every headword starting with ``piece`` gives it."""
        readings = _marked_readings(self._headwords.get(piece, ()), len(piece))
        if readings:
            return readings[0] if len(readings) == 1 else None
        if piece not in self._prefixes(piece[0]):  # most pieces of an unknown word: no query
            return None
        if piece in self._settled_cache:
            return self._settled_cache[piece]
        found = {entry.syllables[:len(piece)] for entry in self.dictionary.words_starting_with(piece)}
        only = found.pop() if len(found) == 1 else None
        settled = only if only and len(only) == len(piece) else None
        if len(self._settled_cache) >= READING_CACHE_LIMIT:
            self._settled_cache = {}
        self._settled_cache[piece] = settled
        return settled


_Unit = TypeVar("_Unit", str, "str | tuple[str, ...]")


def _split_at_line_breaks(words: list[_Unit]) -> list[list[_Unit]]:
    """jieba's words of pieces of text it cut joined by line breaks: the words of each piece."""
    pieces, start = [], 0
    while True:
        try:
            end = words.index("\n", start)
        except ValueError:
            pieces.append(words[start:])
            return pieces
        pieces.append(words[start:end])
        start = end + 1


#: One copy of each set of open positions (a frozenset is 216 bytes; the novel's 15,000 unknown words have a few
#: dozen distinct sets), up to this many sets.
_POSITION_SETS = 4096
_positions: dict[frozenset[int], frozenset[int]] = {}


def _shared(positions: frozenset[int]) -> frozenset[int]:
    """The one copy of this set of positions (or itself, once ``_POSITION_SETS`` sets are kept)."""
    found = _positions.get(positions)
    if found is None:
        if len(_positions) >= _POSITION_SETS:
            return positions
        found = _positions.setdefault(positions, positions)
    return found


_HANZI = re.compile(f"[{HANZI}]")
#: A clause's runs of other characters and of hanzi, alternating, others first (the first and last may be empty).
_split_runs = re.compile(f"([{HANZI}]+)").split

"""A document's deck figures kept in the library, so a reopened novel lists its words without a second pass.

What is kept is what ``gather`` finds and what ``terms`` and the panel's search need that no status changes: per
word (numbered in order of first occurrence) its count, first clause, reading there, dictionary senses and
pinyin search keys; per clause its running words and the numbers of the words it holds. Packed as little-endian
32-bit arrays and NUL-separated text, the whole compressed: 水浒传 (111,779 clauses, 18,461 words) is one blob
of 2 MB, not a row per clause.

It is used only under the key it was made with (:func:`analysis_key`: the analyser's, splitter's and
dictionary's versions, the segmentation fixes and the learner's own words, the clauses themselves). Pinned
readings are laid over it: a clause whose pins changed since is read again alone, and the words first met
there take its readings. A blob that cannot be read is as good as none: the analysis runs again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .. import heap
from ..library import Library, StoredAnalysis
from ..reading.analysis import ANALYSIS_VERSION, Analyzer
from ..reading.pins import Pins
from ..text import SPLITTER_VERSION, Document
from .deck import DocumentWords, PinyinKeys, dictionary_senses, pinyin_keys
from .gather_processes import gather_deck

log = logging.getLogger(__name__)

MAGIC = b"SDK1"
_TEXTS = 6  # per word: itself, its reading, senses, and its reading's three search keys
_HEADER = 3 + _TEXTS  # words, clauses, running word numbers, and the byte lengths of the text parts


@dataclass
class Deck:
    """A document's gathered words with each word's dictionary senses; ``packed`` is what to store (None when
    the library already holds it as it is)."""

    words: DocumentWords
    senses: dict[str, str]
    keys: dict[str, PinyinKeys]  # each word's reading's search keys
    key: str  # what it was made with (:func:`analysis_key`)
    packed: bytes | None
    pins: dict[int, tuple[str, tuple[str, ...]]]
    stored: bool  # read from the library, not analysed again


def analysis_key(document: Document, analyzer: Analyzer, fixes: dict[str, tuple[str, ...]],
                 own_words: Iterable[str], context: bool | None = None) -> str:
    """What a stored analysis must have been made with to be used now (``context``: read in context or not,
    when the analyzer's model is still loading; else whether the analyzer has it)."""
    clauses = hashlib.sha256()
    for table in (document.clauses.starts, document.clauses.ends):
        clauses.update(_little_endian(table).tobytes())
    made_with = [ANALYSIS_VERSION, SPLITTER_VERSION, analyzer.dictionary.path.name,
                 type(analyzer.parser).__name__, analyzer.context is not None if context is None else context,
                 bool(document.joined),
                 sorted((text, list(parts)) for text, parts in fixes.items()), sorted(own_words),
                 clauses.hexdigest()]
    return hashlib.sha256(json.dumps(made_with, ensure_ascii=False).encode()).hexdigest()


def _little_endian(numbers: array) -> array:
    if sys.byteorder == "little":
        return numbers
    swapped = array(numbers.typecode, numbers)
    swapped.byteswap()
    return swapped


def search_keys(words: DocumentWords, which: Iterable[str] | None = None) -> dict[str, PinyinKeys]:
    readings = words.readings
    return {word: pinyin_keys(readings.get(word) or ()) for word in (words.counts if which is None else which)}


def pack(words: DocumentWords, senses: dict[str, str], keys: dict[str, PinyinKeys]) -> bytes:
    """The deck as one compressed blob, fed to the compressor part by part: the whole uncompressed body, and a
    copy of each array, were 18 MB made and dropped at the end of a novel's analysis, on top of its peak."""
    order = list(words.numbers)  # word numbers are given in order of first occurrence
    columns = (order, [" ".join(words.readings.get(word) or ()) for word in order],
               [senses.get(word, "") for word in order], *([keys[word][part] for word in order] for part in range(3)))
    encoded = [_encoded(column) for column in columns]
    header = array("I", [len(order), len(words.clause_words), len(words.word_numbers), *map(len, encoded)])
    parts = [header, array("I", (words.counts[word] for word in order)),
             array("I", (words.first_clause[word] for word in order)), array("I", words.clause_words),
             words.clause_offsets, words.word_numbers]
    compressor = zlib.compressobj(1)
    chunks = [MAGIC, *(compressor.compress(_little_endian(part)) for part in parts),
              *(compressor.compress(data) for data in encoded), compressor.flush()]
    return b"".join(chunks)


def _encoded(texts: list[str]) -> bytes:
    """The texts NUL-separated, in UTF-8 (the joined string let go before the next column's is made)."""
    return "\0".join(texts).encode()


class _Reader:
    """The parts of a packed deck, decompressed one at a time: never the whole body at once."""

    def __init__(self, data: bytes) -> None:
        self._decompressor = zlib.decompressobj()
        self._pending = memoryview(data)[len(MAGIC):]

    def read(self, size: int) -> bytes:
        """The next ``size`` bytes of the body; ValueError when it ends before."""
        chunks, wanted = [], size
        while wanted:
            try:
                chunk = self._decompressor.decompress(self._pending, wanted)
            except zlib.error as error:
                raise ValueError(str(error)) from None
            self._pending = memoryview(self._decompressor.unconsumed_tail)
            if not chunk:
                raise ValueError("stored deck cut short")
            chunks.append(chunk)
            wanted -= len(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def numbers(self, count: int) -> array:
        part = array("I")
        part.frombytes(self.read(4 * count))
        return _little_endian(part)

    def at_end(self) -> bool:
        try:
            rest = self._decompressor.decompress(self._pending, 1) + self._decompressor.flush()
        except zlib.error:
            return False
        return not rest and self._decompressor.eof


def unpack(data: bytes, clauses: int) -> tuple[DocumentWords, dict[str, str], dict[str, PinyinKeys]]:
    """The gathered words, senses and search keys in ``data``; ValueError when it is not a whole deck of
    ``clauses``. Read part by part, each column of texts split and let go before the next is read, and each
    reading's syllables held once (a novel's 18,000 words read some 1,300 syllables)."""
    if not data.startswith(MAGIC):
        raise ValueError("not a stored deck")
    reader = _Reader(data)
    total, clause_count, running, *text_lengths = reader.numbers(_HEADER)
    if clause_count != clauses:
        raise ValueError("stored deck of other clauses")
    counts, first, clause_words = reader.numbers(total), reader.numbers(total), reader.numbers(clause_count)
    offsets, word_numbers = reader.numbers(clause_count + 1), reader.numbers(running)
    columns = []
    for length in text_lengths:
        column = reader.read(length).decode().split("\0") if total else []
        if len(column) != total:
            raise ValueError("stored deck does not add up")
        columns.append(column)
    if not reader.at_end():
        raise ValueError("stored deck of another length")
    order, readings, senses, toneless, toned, marked = columns
    if offsets[-1] != running or not _adds_up(word_numbers, counts, total, running):
        raise ValueError("stored deck does not add up")
    syllables: dict[str, str] = {}
    shared = syllables.setdefault
    words = DocumentWords(counts=dict(zip(order, counts, strict=True)),
                          first_clause=dict(zip(order, first, strict=True)),
                          readings={word: tuple(map(shared, parts, parts))
                                    for word, parts in zip(order, map(str.split, readings), strict=True)},
                          clause_words=clause_words, numbers={word: n for n, word in enumerate(order)},
                          word_numbers=word_numbers, clause_offsets=offsets)
    return words, dict(zip(order, senses, strict=True)), dict(zip(order, zip(toneless, toned, marked,
                                                                              strict=True), strict=True))


def _adds_up(word_numbers: array, counts: array, total: int, running: int) -> bool:
    """Every word number names a word, and the counts add up to the running words (numpy: a plain loop over
    half a million numbers holds the interpreter, and the window, for tens of ms)."""
    import numpy

    numbers = numpy.frombuffer(word_numbers, numpy.uint32)
    return (not running or int(numbers.max()) < total) and int(numpy.frombuffer(counts, numpy.uint32)
                                                                 .sum(dtype=numpy.uint64)) == running


def _repinned(words: DocumentWords, senses: dict[str, str], keys: dict[str, PinyinKeys], document: Document,
              analyzer: Analyzer, before: dict[int, tuple[str, tuple[str, ...]]], pins: Pins) -> None:
    """Read again the clauses whose pins changed since the deck was stored; a word first met in one of them
    takes the reading it has there now (its count cannot change: a pin changes a reading, not a cut)."""
    now = pins.pinned
    changed = {start for start in before.keys() | now.keys() if before.get(start) != now.get(start)}
    starts = document.clauses.starts
    for index in sorted({bisect_right(starts, start) - 1 for start in changed} - {-1}):
        tokens = pins.apply(document, index, analyzer.analyze(document.clause_text(index)))
        seen: set[str] = set()
        for token in tokens:
            word = token.text
            if token.kind == "word" and word not in seen and words.first_clause.get(word) == index:
                seen.add(word)
                if token.pinyin is not None and words.readings.get(word) != token.pinyin:
                    words.readings[word] = token.pinyin
                    senses.update(dictionary_senses(words, analyzer.dictionary, [word]))
                    keys.update(search_keys(words, [word]))


def deck(library: Library, document_id: str, document: Document, analyzer: Analyzer, pins: Pins,
         report: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] | None = None,
         until_context: Callable[[], None] | None = None) -> Deck:
    """The document's deck: from the library when it holds one made as the analyser would make it now (only
    the clauses whose pins changed read again), else gathered by analysing every clause.

    ``until_context``: the analyzer's context model is still loading (the window loads it after the first
    paint); this waits for it. Called only before a clause is read in this process: a stored deck, or one that
    worker processes gather (each loads its own model), does not wait. A window reopening a novel had waited
    0.25-0.6 s for a model it did not use."""
    fixes, own_words = library.segmentation_fixes(), library.own_definitions()
    key = analysis_key(document, analyzer, fixes, own_words, context=True if until_context else None)
    stored: StoredAnalysis | None = library.stored_analysis(document_id, key)
    if stored is not None:
        try:
            words, senses, keys = unpack(stored.data, len(document.clauses))
        except (ValueError, UnicodeDecodeError) as error:
            log.warning("the stored analysis of %s is damaged (%s); it is made again", document_id, error)
        else:
            if stored.pins == pins.pinned:
                return Deck(words, senses, keys, key, None, stored.pins, True)
            if until_context:
                until_context()
            _repinned(words, senses, keys, document, analyzer, stored.pins, pins)
            return Deck(words, senses, keys, key, pack(words, senses, keys), dict(pins.pinned), True)
    waited: list[bool] = []

    def wait_for_context() -> None:
        until_context()  # type: ignore[misc]
        waited.append(True)

    words, senses = gather_deck(document, analyzer, report, cancelled, pins,
                                until_context=wait_for_context if until_context else None)
    if waited:  # read here, with the model it came to: none, had it failed to load
        key = analysis_key(document, analyzer, fixes, own_words)
    keys = search_keys(words)
    return Deck(words, senses, keys, key, pack(words, senses, keys), dict(pins.pinned), False)


def store(library: Library, document_id: str, made: Deck) -> None:
    """Keep the deck's counts (for counts across the library) and the deck itself, in one transaction."""
    with library.transaction():
        if not made.stored:  # a stored deck's counts were kept with it
            library.save_document_words(document_id, made.words.counts)
        if made.packed is not None:
            library.save_analysis(document_id, made.key, made.pins, made.packed)
    # the last step of an analysis: what it made and dropped (the packing, the terms' and ranks' temporaries) is
    # free now, 13 MB of pages for 水浒传 that would otherwise stay with the process while the novel is open
    heap.trim()


def library_counts(library: Library, document_id: str, words: DocumentWords) -> dict[str, int]:
    """The count over the library of each of this document's words, this document's as just gathered (its
    stored counts may be older, or not written yet: they are written after, on the writer lane)."""
    get = library.library_counts(excluding=document_id).get
    return {word: get(word, 0) + count for word, count in words.counts.items()}

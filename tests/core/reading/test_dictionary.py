"""The CC-CEDICT index: parsed in one pass, usable before it is written, never used half-built."""

import gzip
import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Mapping

import pytest

from studyapp.reading import dictionary
from studyapp.reading.dictionary import Dictionary, parse_line


def _run(script: str, cache) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "STUDYAPP_CACHE_DIR": str(cache)})


def test_the_one_pass_parse_splits_every_line_as_parse_line_does():
    with open(dictionary.cedict_source(), "rb") as raw:
        text = gzip.decompress(raw.read()).decode("utf-8")
    by_line = [parsed for parsed in map(parse_line, text.split("\n")) if parsed]
    rows = dictionary.parse_source()
    assert [(s, t, r, tuple(senses.split("\x1f"))) for s, t, r, senses in rows] == by_line


def test_senses_parse_as_parse_line_parses_them_even_around_empty_ones():
    line = "行 行 [hang2] /row//line/ \r"
    assert [(s, t, r, tuple(d.split("\x1f"))) for s, t, r, d in dictionary._rows(line)] == [parse_line(line)]


def test_a_first_start_answers_from_the_parsed_entries_before_the_index_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(tmp_path))
    target = dictionary._cache_path()
    early = Dictionary.parsed(target)
    assert not target.exists() and not early.indexed.is_set()
    words = ["行", "長", "银行", "长臂管辖"]
    before = ([early.lookup(word) for word in words], [early.entries(word) for word in words],
              early.words_starting_with("银", 10), early.readings()["行"], early.max_word_length)
    assert [entry.pinyin for entry in before[0][0]][:2] == ["háng", "xíng"]
    assert early.pypinyin_choices() is None  # not stored yet: analysis asks pypinyin word by word
    early.write_index()
    assert early.indexed.is_set() and Dictionary.is_built()
    indexed = Dictionary(target)
    assert "行" in indexed.pypinyin_choices()  # stored by the build: never worked out in the app's process
    after = ([indexed.lookup(word) for word in words], [indexed.entries(word) for word in words],
             indexed.words_starting_with("银", 10), indexed.readings()["行"], indexed.max_word_length)
    assert after == before
    assert early.words_starting_with("银", 10) == before[2]  # now from the index
    assert indexed.readings() == early.readings()


def test_the_readings_stored_whole_are_those_of_the_entries(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(tmp_path))
    built = Dictionary.open()
    stored = Dictionary(built.path).readings()
    monkeypatch.setattr(dictionary, "_READINGS_BLOBS", ("none", "of", "these"))
    assert Dictionary(built.path).readings() == stored  # grouped from the entries instead


def test_the_compact_readings_answer_every_headword_as_the_entries_group_them():
    """The headwords' readings are one string cut at offsets, not a tuple per headword (25 -> 15 MB): each of
    CC-CEDICT's 118,000 headwords still reads as the file lists its readings, in order; a word it lacks is not in
    it, as in the dict it replaced."""
    expected: dict[str, tuple[str, ...]] = {}
    for simplified, _traditional, reading, _senses in dictionary.parse_source():
        expected[simplified] = expected.get(simplified, ()) + (reading,)
    readings = Dictionary(Dictionary.open().path).readings()
    assert isinstance(readings, Mapping) and len(readings) == len(expected) > 100_000
    assert all(readings.get(word) == found for word, found in expected.items())
    assert all(word in readings and readings[word] == found for word, found in expected.items())
    assert readings["行"] == expected["行"] and len(readings["行"]) > 1  # several readings, in the file's order
    assert readings.get("亚当·斯密") == ("Ya4 dang1 · Si1 mi4",)  # a reading that is not ASCII
    unknown = "不是一个词语"
    assert unknown not in readings and readings.get(unknown) is None and readings.get(unknown, ()) == ()
    with pytest.raises(KeyError):
        readings[unknown]
    assert readings == expected and dict(readings.items()) == expected and set(readings) == expected.keys()
    assert list(readings.values()) == [expected[word] for word in readings]
    assert readings != {**expected, "行": ("xing2",)}


def test_an_index_whose_readings_are_damaged_groups_them_from_the_entries(tmp_path, monkeypatch):
    """The stored table is checked as it loads (sorted headwords, one end each, the last at the text's end): a
    table that does not add up is not used half-right, the readings are grouped from the entries instead."""
    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(tmp_path))
    built = Dictionary.open()
    expected = Dictionary(built.path).readings()
    connection = sqlite3.connect(built.path)
    words = connection.execute("SELECT data FROM blobs WHERE name = 'headwords'").fetchone()[0].split(b"\0")
    words[10], words[11] = words[11], words[10]
    connection.execute("UPDATE blobs SET data = ? WHERE name = 'headwords'", (b"\0".join(words),))
    connection.commit()
    connection.close()
    with pytest.raises(ValueError):
        dictionary.HeadwordReadings.from_parts(*(
            sqlite3.connect(built.path).execute("SELECT data FROM blobs WHERE name = ?", (name,)).fetchone()[0]
            for name in dictionary._READINGS_BLOBS))
    grouped = Dictionary(built.path)
    assert grouped.readings() == expected and grouped.max_word_length == max(map(len, expected)) > 10


def test_a_build_killed_half_way_is_rebuilt_not_used(tmp_path):
    killed = _run("""
        import os, signal
        from studyapp.reading import dictionary
        def report(done, total):
            if done == 2:  # the entries are written, the indexes not yet
                os.kill(os.getpid(), signal.SIGKILL)
        dictionary.build_index(dictionary._cache_path(), report)
    """, tmp_path)
    killed.communicate(timeout=120)
    assert killed.returncode == -9
    assert [path.name for path in tmp_path.iterdir() if ".tmp" in path.name]  # what the killed build left
    os.environ["STUDYAPP_CACHE_DIR"] = str(tmp_path)
    try:
        assert not Dictionary.is_built()
        rebuilt = Dictionary.open()
    finally:
        del os.environ["STUDYAPP_CACHE_DIR"]
    assert len(rebuilt.lookup("行")) >= 2
    assert [path.name for path in tmp_path.iterdir()] == [rebuilt.path.name]  # the leftover removed


def test_two_first_starts_at_once_both_end_with_a_good_index(tmp_path):
    script = """
        from studyapp.reading.dictionary import Dictionary
        dictionary = Dictionary.open(background=True)
        dictionary.indexed.wait()
        print(len(Dictionary(dictionary.path).lookup("行")) >= 2, Dictionary.is_built())
    """
    starts = [_run(script, tmp_path) for _ in range(2)]
    for start in starts:
        out, err = start.communicate(timeout=120)
        assert (start.returncode, out.split()) == (0, ["True", "True"]), err
    assert len(list(tmp_path.iterdir())) == 1


def test_the_index_stores_pypinyin_s_choice_among_a_headword_s_readings():
    """The stored choices are what pypinyin says, for exactly the headwords with several readings (行, not 银行)."""
    stored = Dictionary.open().pypinyin_choices()
    assert stored == dictionary.pypinyin_choices(Dictionary.open().readings())
    assert stored["行"] == ("xíng",) and stored["东西"] == ("dōng", "xī") and "银行" not in stored


def test_headword_prefixes_are_read_per_first_character_alike_from_the_index_and_the_parsed_entries(tmp_path,
                                                                                                    monkeypatch):
    """No start builds the 67,000 prefixes of every headword: a character's are read at its first use, and they
    are what the whole set held (中华人民共和国 -> 中华, 中华人民…), while the index is written and after."""
    indexed = Dictionary.open()
    whole = frozenset(word[:length] for word in indexed.readings() if len(word) > 2 for length in range(2, len(word)))
    firsts = "中长银行美天一𠀀"
    assert not indexed._prefixes.keys() & set(firsts)
    for first in firsts:
        assert indexed.headword_prefixes(first) == {prefix for prefix in whole if prefix[0] == first}
    assert {"中华", "中华人民共和"} <= indexed.headword_prefixes("中") and not indexed.headword_prefixes("𠀀")
    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(tmp_path))
    early = Dictionary.parsed(dictionary._cache_path())
    # while the index is written, one set holds every character's (asked only about strings starting with ``first``)
    assert all({prefix for prefix in early.headword_prefixes(first) if prefix[0] == first}
               == indexed.headword_prefixes(first) for first in firsts)
    assert early.headword_prefixes("中") == whole


def test_a_whole_text_s_headword_prefixes_are_built_at_once_not_queried_thousands_of_times(monkeypatch):
    monkeypatch.setattr(dictionary, "PREFIX_QUERIES", 2)
    indexed = Dictionary(Dictionary.open().path)
    queried = [indexed.headword_prefixes(first) for first in "中长"]
    assert "银行" in indexed.headword_prefixes("银") and len(indexed._prefixes) == 2  # built whole, not queried
    assert queried == [{prefix for prefix in indexed._all_prefixes() if prefix[0] == first} for first in "中长"]


def test_headword_joins_are_a_first_character_s_headwords_and_prefixes_in_one_set_per_character_then_one_for_all(
        monkeypatch):
    """What a join of words starting with a character must be to make or grow into a headword (the parser's one
    look-up per pair of neighbouring words): per character for a page's few hundred, then every character's in one
    set, which holds a join exactly when the join's first character's set does."""
    monkeypatch.setattr(dictionary, "PREFIX_QUERIES", 3)
    indexed = Dictionary(Dictionary.open().path)
    readings = indexed.readings()
    firsts = "中银𠀀"
    per_character = [indexed.headword_joins(first) for first in firsts]
    assert indexed.every_join is None  # three characters asked: no set of all yet
    for first, joins in zip(firsts, per_character, strict=True):
        headwords = {word for word in readings if word[0] == first and len(word) > 1}
        assert readings.starting_with(first) == sorted(headwords)
        assert joins == headwords | indexed.headword_prefixes(first)
    assert {"中国", "中华", "中华人民共和"} <= per_character[0] and "中" not in per_character[0]
    assert "银行" in per_character[1] and not per_character[2]
    every = indexed.headword_joins("长")  # the fourth character: one set for all
    assert indexed.every_join is every and "长城" in every
    assert all({join for join in every if join[0] == first} == joins
               for first, joins in zip(firsts, per_character, strict=True))


def test_the_index_stores_pypinyin_s_reading_of_every_character_it_knows():
    """A character's stored reading is what pypinyin reads for it alone; asked for by the one character, never
    for a word (pypinyin reads a word's characters in its phrase)."""
    indexed = Dictionary.open()
    stored = dict(indexed._connection().execute("SELECT character, pypinyin FROM characters"))
    assert len(stored) > 40_000
    assert {character: (reading,) for character, reading in stored.items()} == {
        character: dictionary.pypinyin_reading(character) for character in stored}
    choices = indexed.pypinyin_choices()
    assert choices["师"] == ("shī",) and choices["洪"] == ("hóng",) and choices["行"] == ("xíng",)
    assert "师父" not in choices and "\U0010ffff" not in choices and len(choices) == len(dict(choices))


def test_an_index_of_an_older_schema_is_built_again(tmp_path, monkeypatch):
    """A schema change (here: the characters' readings, added in version 4) must reach every user: an index
    whose version differs is not used but rebuilt, and its file is replaced."""
    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(tmp_path))
    target = dictionary._cache_path()
    connection = sqlite3.connect(target)
    connection.execute("CREATE TABLE entries (id INTEGER PRIMARY KEY)")
    connection.execute(f"PRAGMA user_version = {dictionary.SCHEMA_VERSION - 1}")
    connection.commit()
    connection.close()
    assert not Dictionary.is_built()
    rebuilt = Dictionary.open()
    assert rebuilt.path == target and Dictionary.is_built()
    assert rebuilt.pypinyin_choices()["洪"] == ("hóng",)


NO_PYPINYIN = """
    import sys
    from pathlib import Path
    from studyapp.reading.analysis import Analyzer, analyze_all
    from studyapp.reading.dictionary import Dictionary
    from studyapp.text import split
    analyzer = Analyzer(Dictionary.open())
    document = split(Path(sys.argv[1]).read_text(encoding="utf-8")[:int(sys.argv[2])])
    words = sum(1 for _index, tokens in analyze_all(document, analyzer) for token in tokens if token.pinyin)
    print(words, "pypinyin" in sys.modules)
"""


def test_a_novel_s_analysis_does_not_import_pypinyin():
    """pypinyin's tables are about 50 MB of Python objects: a novel's names and rare words the dictionary lacks
    (张天师, 洪太尉) take their characters' readings from the index instead, so opening it never loads them."""
    import pytest

    from tests.conftest import CORPUS

    novel = CORPUS / "水浒传.txt"
    if not novel.exists():
        pytest.skip("needs the corpus")
    Dictionary.open()  # built in this session's cache before the subprocess asks
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(NO_PYPINYIN), str(novel), "150000"],
                          capture_output=True, text=True, timeout=600, env=os.environ.copy())
    assert done.returncode == 0, done.stderr
    words, imported = done.stdout.split()
    assert int(words) > 50_000 and imported == "False"


def test_entries_of_many_words_are_each_words_entries(monkeypatch):
    """Batched look-ups (the deck's senses) find what one look-up per word finds: simplified first, else
    traditional, in the dictionary's order; words without an entry are left out; more words than one query
    takes."""
    monkeypatch.setattr(dictionary, "_BATCH", 7)
    opened = Dictionary.open()
    words = ["中国", "銀行", "还", "着", "不存在的词", "长臂", "中国", "東西", "东西", "了", "行", "乾隆", "为人民服务",
             "张天师", "重", "宋江"]
    found = opened.entries_of(words)
    assert found == {word: opened.entries(word) for word in words if opened.entries(word)}
    assert "不存在的词" not in found and found["銀行"][0].traditional == "銀行"


def test_another_version_s_start_leaves_the_index_a_running_studyapp_reads(tmp_path):
    """A new version's first start cleans up the indexes it does not use; one an older studyapp still running
    reads must stay, or that studyapp's next connection (a new thread, an analysis worker) cannot open it."""
    older = tmp_path / "cedict-1-1-v4.sqlite"
    older.write_bytes(Dictionary.open().path.read_bytes())
    running = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, threading
        from pathlib import Path
        from studyapp.reading.dictionary import Dictionary
        dictionary = Dictionary(Path({str(older)!r}))
        print(len(dictionary.lookup("行")) >= 2, flush=True)
        sys.stdin.readline()  # meanwhile another version starts
        found = []
        reader = threading.Thread(target=lambda: found.append(len(dictionary.lookup("还")) >= 2))
        reader.start()
        reader.join()
        print(found[0], flush=True)
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert running.stdout.readline().split() == ["True"]
    dictionary._remove_leftovers(tmp_path / f"cedict-2-2-v{dictionary.SCHEMA_VERSION}.sqlite")
    assert older.exists()
    out, err = running.communicate("go\n", timeout=60)
    assert (running.returncode, out.split()) == (0, ["True"]), err
    dictionary._remove_leftovers(tmp_path / f"cedict-2-2-v{dictionary.SCHEMA_VERSION}.sqlite")
    assert not older.exists()  # nobody reads it now: removed

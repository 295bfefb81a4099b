"""A definition for every word: the reader's words are dictionary words, as Pleco's reader cuts by its dictionary;
numbers, names and the learner's own words stay whole, glossed alike in the deck, the cards, the popup and
``analyze --json``."""

import json
import tempfile
from pathlib import Path

import pytest

from studyapp import text
from studyapp.cli import main
from studyapp.library import Library
from studyapp.reading.analysis import Analyzer
from studyapp.reading.dictionary import Dictionary
from studyapp.reading.wordinfo import describe
from studyapp.study import deck
from studyapp.study.deck_export import cards, export_deck
from studyapp.text import loading

from ...conftest import CORPUS, DEFAULT_TEXT


def words(analyzer, clause: str) -> list[str]:
    return [token.text for token in analyzer.analyze(clause) if token.kind == "word"]


def deck_of(analyzer, source) -> dict[str, deck.Term]:
    """The deck of a text (a string or a file), built in a throwaway library."""
    with tempfile.TemporaryDirectory() as folder, Library.open(Path(folder) / "library.sqlite") as library:
        loaded = loading.load(source) if isinstance(source, Path) else None
        document = library.split_document(loaded.text, loaded.encoding) if loaded else text.split(source)
        identifier = library.add_document(document, "t", None)
        _gathered, found = deck.build(library, identifier, document, analyzer)
        return {term.word: term for term in found}


@pytest.mark.parametrize(("clause", "expected"), [
    ("中俄致力于推动建立新型国际关系，", ["致力", "于"]),
    ("中俄愿同国际社会一道，", ["中俄", "愿"]),
    ("他坐在门槛上", ["坐", "在"]),
    ("这是一个好办法", ["这", "是", "一", "个"]),
    ("维护信息安全", ["信息", "安全"]),
    ("他一头白头发", ["白", "头发"]),  # jieba's likeliest route over dictionary words, not the longest first word
])
def test_a_word_the_dictionary_lacks_is_cut_into_dictionary_words(analyzer, clause, expected):
    found = words(analyzer, clause)
    assert " ".join(expected) in " ".join(found), found


def test_no_deck_word_of_the_default_text_lacks_a_definition(capsys, tmp_path):
    assert main(["deck", str(DEFAULT_TEXT), "--json", "--library", str(tmp_path / "library.sqlite")]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [word["word"] for word in result["words"] if not word["definition"]] == []
    found = {word["word"]: word for word in result["words"]}
    assert "致力于" not in found and found["致力"]["count"] >= 2
    assert found["数千万"]["definition"] == "(number) several × 10,000,000"


@pytest.mark.skipif(not (CORPUS / "呐喊.txt").exists(), reason="needs ../shared/corpus")
def test_no_deck_word_of_nahan_lacks_a_definition():
    terms = deck_of(Analyzer(Dictionary.open(), context=False), CORPUS / "呐喊.txt")  # readings do not cut words
    assert [word for word, term in terms.items() if not term.definition] == []
    assert {"一个", "两个", "这是", "坐在", "不敢", "脸上"}.isdisjoint(terms)
    assert terms["未庄"].definition.startswith("(name) 未 ")  # the village, one word
    assert terms["一九二二"].definition == "(number) 1922"


@pytest.mark.parametrize(("clause", "number", "gloss"), [
    ("鲁迅于一九二二年七月译出", "一九二二", "(number) 1922"),  # jieba: 一九二二年
    ("这是一九二〇年的事", "一九二〇", "(number) 1920"),  # jieba: 一九二 | 〇 | 年
    ("他七十九岁了", "七十九", "(number) 79"),
    ("有二十三个人", "二十三", "(number) 23"),
    ("二战夺走了数千万人的生命。", "数千万", "(number) several × 10,000,000"),
    ("来了三十多个人", "三十多", "(number) 30-odd"),
    ("过了三四天", "三四", "(number) 3 or 4"),
])
def test_a_number_stays_whole_and_is_glossed_with_its_value(analyzer, clause, number, gloss):
    assert number in words(analyzer, clause)
    assert deck_of(analyzer, clause)[number].definition == gloss


def test_a_name_jieba_recognises_stays_whole_and_is_glossed_as_a_name_everywhere(analyzer, tmp_path, capsys):
    clause = "他回到未庄，王胡坐在墙根下。"
    found = words(analyzer, clause)
    assert "未庄" in found and "王胡" in found and "坐" in found
    terms = deck_of(analyzer, clause)
    assert terms["未庄"].definition == "(name) 未 not yet · 庄 farmstead"
    assert terms["王胡"].definition.startswith("(name) 王 surname Wang · 胡 ")
    # the popup, the card and analyze --json say the same
    assert describe("未庄", analyzer).gloss == terms["未庄"].definition
    document = text.split(clause)
    made = cards(document, [], [terms["未庄"]])
    assert terms["未庄"].definition in export_deck(made, "csv").decode("utf-8")
    path = tmp_path / "text.txt"
    path.write_text(clause, encoding="utf-8")
    assert main(["analyze", str(path), "--json"]) == 0
    tokens = [token for c in json.loads(capsys.readouterr().out)["clauses"] for token in c["tokens"]]
    assert [token["definitions"] for token in tokens if token["text"] == "未庄"] == [[terms["未庄"].definition]]


def test_a_phrase_jieba_tags_as_a_name_is_cut(analyzer):
    assert "普惠" not in words(analyzer, "各国携手打造普惠的发展环境")  # tagged nr: no surname starts it
    assert "二人" not in words(analyzer, "二人便走了")  # tagged nr: a number and what it counts
    assert "中俄愿" not in words(analyzer, "中俄愿同国际社会一道，")  # tagged ns: 中俄 is a dictionary word


def test_a_learners_join_stays_whole_and_is_glossed_from_its_parts():
    analyzer = Analyzer(Dictionary.open(), context=False)
    assert "七斤" not in words(analyzer, "七斤嫂还没有画完八卦")
    analyzer.set_fixes({"七斤": ("七斤",)})
    assert "七斤" in words(analyzer, "七斤嫂还没有画完八卦")
    assert deck_of(analyzer, "七斤回来了。")["七斤"].definition.startswith("七 seven · 斤 ")


def test_a_word_the_learner_defined_stays_whole_in_the_deck(tmp_path, capsys):
    library_path = tmp_path / "library.sqlite"
    with Library.open(library_path) as library:
        library.set_definition("坐在", "sitting at")
    path = tmp_path / "text.txt"
    path.write_text("他坐在门槛上，脸上很红。", encoding="utf-8")
    assert main(["deck", str(path), "--json", "--library", str(library_path)]) == 0
    found = {word["word"]: word["definition"] for word in json.loads(capsys.readouterr().out)["words"]}
    assert found["坐在"] == "sitting at"
    assert "脸上" not in found and all(found.values())  # the words the learner left alone are cut

"""The sense the text uses: the deck, the cards and every export give a learner the everyday senses of the reading
shown (not CC-CEDICT's first entry, often a proper noun), and the sense the learner chose, first."""

import csv
import io
import json

from studyapp import text
from studyapp.cli import main
from studyapp.library import Library, StudyEntry
from studyapp.study import deck
from studyapp.study.deck_export import export_deck, study_cards
from studyapp.text import loading

from ...conftest import DEFAULT_TEXT
from ..study.test_deck_export import anki_notes

CLAUSE = "坚定支持世界卫生组织在全球抗疫合作中发挥协调作用，"
AT = "(of sb or sth) to be (located) at"
EXIST = "to exist; to be alive"


def default_deck(library, analyzer) -> dict[str, deck.Term]:
    document = text.split(loading.load(DEFAULT_TEXT))
    identifier = library.add_document(document, "t", None)
    _gathered, found = deck.build(library, identifier, document, analyzer)
    return {term.word: term for term in found}


def senses(definition: str) -> list[str]:
    return definition.split(deck.SENSE_SEPARATOR)


def test_the_deck_shows_everyday_senses_of_zhong_zai_and_quanqiu(library, analyzer):
    terms = default_deck(library, analyzer)
    zhong = terms["中"]
    source = DEFAULT_TEXT.read_text(encoding="utf-8")
    assert zhong.pinyin == ("zhōng",) and "在全球抗疫合作中" in source[zhong.first_start:zhong.first_end]
    assert senses(zhong.definition)[0] == "within; among; in"  # not "China", the proper noun's entry
    assert "China" not in zhong.definition
    assert senses(terms["在"].definition)[:2] == ["to exist; to be alive", AT]  # reaches "to be at"
    assert senses(terms["全球"].definition)[:3] == ["entire", "total", "global"]
    assert senses(terms["本着"].definition)[0] == "based on..."
    assert senses(terms["双方"].definition) == ["bilateral", "both sides", "both parties involved"]


def test_a_word_with_only_a_proper_noun_entry_keeps_it(library, analyzer):
    terms = default_deck(library, analyzer)
    assert terms["中国"].definition == "China" and terms["俄罗斯"].definition == "Russia"


def test_a_word_the_learner_calls_a_name_shows_the_name_first(library, analyzer):
    library.set_term_status(["中"], deck.TermStatus.IGNORED)  # I: "a name, not to study" in this text
    terms = default_deck(library, analyzer)
    assert senses(terms["中"].definition)[:2] == ["China", "Chinese"]
    assert "surname Zhong" not in terms["中"].definition


def test_deck_json_and_a_study_card_show_the_same_senses(library, analyzer, capsys):
    assert main(["deck", str(DEFAULT_TEXT), "--json"]) == 0
    words = {entry["word"]: entry for entry in json.loads(capsys.readouterr().out)["words"]}
    assert senses(words["中"]["definition"])[0] == "within; among; in"
    assert AT in senses(words["在"]["definition"])
    entries = [StudyEntry("中", "zhōng", CLAUSE, ""), StudyEntry("在", "zài", CLAUSE, ""),
               StudyEntry("全球", "quán qiú", CLAUSE, "")]
    made = {card.word: card.definition for card in study_cards(entries, {}, analyzer)}
    assert made == {"中": words["中"]["definition"], "在": words["在"]["definition"],
                    "全球": words["全球"]["definition"]}
    assert "global" in senses(made["全球"])


def test_a_chosen_sense_comes_first_on_the_card_in_the_apkg_and_the_csv(library, analyzer, tmp_path):
    library.choose_sense("在", AT)  # what one click in the Dictionary panel or the deck does
    library.add_to_study([StudyEntry("在", "zài", CLAUSE, "")])
    [card] = study_cards(library.study_list(), library.own_definitions(), analyzer, senses=library.chosen_senses())
    assert senses(card.definition) == [AT, "to exist; to be alive",
                                       "(used before a verb to indicate an action in progress)"]
    package = tmp_path / "deck.apkg"
    package.write_bytes(export_deck([card], "apkg"))
    notes = anki_notes(package, tmp_path / "collection.anki2")
    assert senses(notes["在"]["Definition"])[0] == AT
    [row] = list(csv.DictReader(io.StringIO(export_deck([card], "csv").decode("utf-8"))))
    assert senses(row["definition"])[0] == AT
    assert export_deck([card], "pleco").decode("utf-8").startswith(f"在\tzai4\t{AT}")
    terms = default_deck(library, analyzer)  # the deck's definition column, deck --json and its exports
    assert senses(terms["在"].definition)[0] == AT


def card_definition(library, analyzer) -> str:
    [card] = study_cards([StudyEntry("在", "zài", CLAUSE, "")], library.own_definitions(), analyzer,
                         senses=library.chosen_senses())
    return card.definition


def test_a_definition_the_learner_typed_stands_alone_and_the_latest_of_the_two_wins(library, analyzer):
    library.choose_sense("在", AT)
    library.set_definition("在", "at, in (before a place)")  # E in review, after the choice: it stands
    assert card_definition(library, analyzer) == "at, in (before a place)"
    assert default_deck(library, analyzer)["在"].definition == "at, in (before a place)"
    library.set_definition("在", None)  # emptied: the chosen sense is back
    assert senses(card_definition(library, analyzer))[0] == AT
    library.set_definition("在", "at")
    library.choose_sense("在", EXIST)  # a sense chosen after typing replaces the typed one
    assert senses(card_definition(library, analyzer))[0] == EXIST and "at" not in library.own_definitions()
    library.choose_sense("在", None)  # the dictionary's senses again
    assert senses(card_definition(library, analyzer))[:2] == [EXIST, AT]
    library.set_definition("双方", "both sides")  # typed, though CC-CEDICT has the same words as a sense
    assert default_deck(library, analyzer)["双方"].definition == "both sides"


def test_a_library_from_before_chosen_senses_opens_with_its_definitions(tmp_path, analyzer):
    import sqlite3

    from studyapp.library import migrations

    path = tmp_path / "old.sqlite"
    connection = sqlite3.connect(path)
    for migration in migrations.MIGRATIONS[:13]:
        connection.executescript(migration)
    connection.execute("PRAGMA user_version = 13")
    connection.execute("INSERT INTO terms (word, status, definition) VALUES ('在', 1, 'at')")
    connection.commit()
    connection.close()
    with Library.open(path) as library:
        assert library.own_definitions() == {"在": "at"} and library.chosen_senses() == {}
        library.choose_sense("在", AT)
        assert library.chosen_senses() == {"在": AT} and library.term_statuses() == {"在": 1}


def test_analyze_json_lists_an_everyday_sense_before_a_proper_nouns(tmp_path, capsys):
    source = tmp_path / "clause.txt"
    source.write_text(CLAUSE + "\n", encoding="utf-8")
    assert main(["analyze", str(source), "--json"]) == 0
    tokens = [token for clause in json.loads(capsys.readouterr().out)["clauses"] for token in clause["tokens"]]
    zhong = next(token for token in tokens if token["text"] == "中")
    assert zhong["definitions"][0] == "within; among; in" and "China" in zhong["definitions"]

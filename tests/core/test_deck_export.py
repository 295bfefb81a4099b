"""The deck leaves the app in files other programs read: Anki's own library reads our package back."""

import time

from lxml import etree

from studyapp import deck, text
from studyapp.cli import main
from studyapp.deck_export import cards, export_deck
from studyapp.document import open_in_library
from studyapp.store import Library

from ..conftest import DEFAULT_TEXT


def anki_notes(package, collection_path):
    """Import ``package`` into the Anki collection at ``collection_path`` and return its notes by hanzi."""
    from anki.collection import Collection, ImportAnkiPackageRequest

    collection = Collection(str(collection_path))
    try:
        collection.import_anki_package(ImportAnkiPackageRequest(package_path=str(package)))
        notes = [collection.get_note(note_id) for note_id in collection.find_notes("")]
        return {note["Hanzi"]: dict(note.items()) for note in notes}
    finally:
        collection.close()


def test_anki_reads_the_package_and_a_re_export_updates_the_edited_note(tmp_path, capsys):
    first = tmp_path / "first.apkg"
    assert main(["deck", str(DEFAULT_TEXT), "--export", "apkg", "--out", str(first)]) == 0
    collection = tmp_path / "collection.anki2"
    notes = anki_notes(first, collection)
    assert len(notes) == 576
    note = notes["双方"]
    assert note["Pinyin"] == "shuāng fāng" and note["Definition"] == "bilateral / both sides / both parties involved"
    assert "<b>双方</b>" in note["Context"] and note["HSK"]
    with Library.open() as library:
        library.set_definition("双方", "both sides")
        opened = open_in_library(library, DEFAULT_TEXT)
        library.save_translation(opened.segments[0].id, "In the spirit of partnership,")
    time.sleep(1.1)  # Anki updates a note when the package's copy is newer, to the second
    second = tmp_path / "second.apkg"
    assert main(["deck", str(DEFAULT_TEXT), "--export", "apkg", "--out", str(second)]) == 0
    again = anki_notes(second, collection)
    assert len(again) == 576  # updated, not added
    assert again["双方"]["Definition"] == "both sides"
    assert again["双方"]["ContextTranslation"] == "In the spirit of partnership,"


def test_pleco_csv_and_tbx_exports(tmp_path, analyzer):
    with Library.open(tmp_path / "library.sqlite") as library:
        document = text.split("中国和俄罗斯是邻国。")
        identifier = library.add_document(document, "t", None)
        _gathered, found = deck.build(library, identifier, document, analyzer)
        library.set_translation("邻国", "neighbouring country")
        made = cards(document, library.segments(identifier), found, library.chosen_translations())
    pleco = export_deck(made, "pleco").decode("utf-8").splitlines()
    assert "中国\tzhong1guo2\tChina" in pleco
    rows = export_deck(made, "csv").decode("utf-8").splitlines()
    assert rows[0].startswith("word,pinyin,definition") and any(row.startswith("邻国,lín guó") for row in rows)
    tbx = etree.fromstring(export_deck(made, "tbx"))
    terms = [element.text for element in tbx.iter("term")]
    assert terms == ["邻国", "neighbouring country"]  # only words with a chosen translation


def test_an_unknown_status_for_export_gets_one_line(tmp_path, capsys):
    assert main(["deck", str(DEFAULT_TEXT), "--export", "csv", "--out", str(tmp_path / "x.csv"),
                 "--status", "fluent"]) == 2
    assert "Unknown status fluent" in capsys.readouterr().err


def test_the_package_carries_the_kinds_the_learner_reviews_and_a_re_export_adds_no_card(tmp_path):
    from anki.collection import Collection, ImportAnkiPackageRequest

    from studyapp.review import Kind, ReviewSettings, save_settings

    with Library.open() as library:
        save_settings(library, ReviewSettings(kinds=(Kind.RECOGNITION, Kind.CLOZE)))
        opened = open_in_library(library, DEFAULT_TEXT)
    collection = Collection(str(tmp_path / "collection.anki2"))
    try:
        for translation in ("", "In the spirit of partnership,"):
            with Library.open() as library:
                library.save_translation(opened.segments[0].id, translation)
            package = tmp_path / f"export{len(translation)}.apkg"
            assert main(["deck", str(DEFAULT_TEXT), "--export", "apkg", "--out", str(package)]) == 0
            collection.import_anki_package(ImportAnkiPackageRequest(package_path=str(package)))
            assert len(collection.find_notes("")) == 576  # updated, not added
            assert len(collection.find_cards("")) == 2 * 576  # a recognition and a cloze card per word
            time.sleep(1.1)  # Anki updates a note when the package's copy is newer, to the second
        [card_id] = collection.find_cards("Hanzi:本着 card:Cloze")
        question = collection.get_card(card_id).question()
        assert "［＿＿］" in question and "本着" not in question
        assert "In the spirit of partnership," in question  # the clause's translation as it is now
        assert collection.find_cards("card:Recall") == []
    finally:
        collection.close()

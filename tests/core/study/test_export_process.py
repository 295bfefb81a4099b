"""The vocabulary export written by a process of its own: the same file as the export in the window's process."""

import pytest

from studyapp import text
from studyapp.library import Library
from studyapp.study import deck, export_process
from studyapp.study.deck_export import cards, export_deck
from studyapp.study.export_process import DeckExportProcessError, TermsToExport, export_deck_in_a_process

from ...conftest import DEFAULT_TEXT


@pytest.fixture
def opened(tmp_path, analyzer):
    """The default text in a library, with a chosen translation, and its terms."""
    path = tmp_path / "library.sqlite"
    with Library.open(path) as library:
        document = text.split(DEFAULT_TEXT.read_text("utf-8"))
        identifier = library.add_document(document, "t", None)
        _gathered, found = deck.build(library, identifier, document, analyzer)
        library.set_translation("双方", "both sides")
        segments = library.segments(identifier)
        made = cards(document, segments, found, library.chosen_translations())
    return path, identifier, document, segments, found, made


@pytest.mark.parametrize("fmt", ["pleco", "csv", "tbx"])
def test_the_process_writes_the_bytes_the_window_wrote(opened, tmp_path, monkeypatch, fmt):
    """From the terms (their cards made by the child, in slices smaller than the word list) or from cards made
    already (a study list's), the file is byte for byte the one ``export_deck`` made in the window's process."""
    path, identifier, document, segments, found, made = opened
    monkeypatch.setattr(export_process, "SLICE", 100)  # several slices: 576 terms
    assert len(found) > 3 * export_process.SLICE
    expected = export_deck(made, fmt, "t")
    from_terms, from_cards = tmp_path / f"terms.{fmt}", tmp_path / f"cards.{fmt}"
    assert export_deck_in_a_process(path, TermsToExport(identifier, document, segments, found), fmt, from_terms,
                                    "t", ()) == []
    assert export_deck_in_a_process(path, made, fmt, from_cards, "t", ()) == []
    assert from_terms.read_bytes() == expected and from_cards.read_bytes() == expected


def test_the_processs_own_error_comes_back_with_its_message(opened, tmp_path):
    """A file that cannot be written: the export says why, as it did in the window's process."""
    path, _identifier, _document, _segments, _found, made = opened
    folder = tmp_path / "a folder"
    folder.mkdir()
    with pytest.raises(DeckExportProcessError, match="choose a file name"):
        export_deck_in_a_process(path, made, "csv", folder, "t", ())

"""A new text shown before it is stored: its segment ids are set aside at once, and it is written later in one
transaction, with those very ids, whatever was written meanwhile."""

from studyapp import text
from studyapp.library import Library
from studyapp.text import loading

from ...conftest import DEFAULT_TEXT


def test_a_text_opened_later_is_absent_until_stored_then_whole_with_the_ids_it_was_shown_with(tmp_path):
    document = text.split(loading.load(DEFAULT_TEXT))
    with Library.open(tmp_path / "library.sqlite") as library:
        identifier, shown, unstored = library.open_document_later(document, "statement", "/a/statement.txt")
        assert unstored is not None and library.document_info(identifier) is None
        assert library.store_opened(unstored)
        assert list(library.segments(identifier)) == list(shown)
        info = library.document_info(identifier)
        assert unstored.info() == info  # what the window showed before the library held it
        assert library.open_document_later(document, "statement", None)[2] is None  # known now: opened as it is


def test_segments_written_between_showing_and_storing_take_other_ids(tmp_path):
    statement = text.split(loading.load(DEFAULT_TEXT))
    other = text.split("第一句。第二句。\n\n第三句。", "utf-8")
    with Library.open(tmp_path / "library.sqlite") as library:
        identifier, shown, unstored = library.open_document_later(statement, "statement", None)
        other_id = library.add_document(other, "other", None)  # stored first, though opened second
        assert not set(library.segments(other_id).ids) & set(shown.ids)
        library.store_opened(unstored)
        assert list(library.segments(identifier)) == list(shown)


def test_storing_a_text_the_library_holds_already_writes_nothing(tmp_path):
    document = text.split(loading.load(DEFAULT_TEXT))
    with Library.open(tmp_path / "library.sqlite") as library:
        _identifier, _shown, first = library.open_document_later(document, "statement", None)
        _identifier, _shown, second = library.open_document_later(document, "statement", None)
        assert library.store_opened(first) and not library.store_opened(second)

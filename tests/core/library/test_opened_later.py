"""A new text shown before it is stored: its segment ids are set aside at once, and it is written later in one
transaction, with those very ids, whatever was written meanwhile. A text reopened: its rows from the layout kept
with it, as its segments are after any merge, split or new cut."""

from studyapp import text
from studyapp.library import Library
from studyapp.text import loading
from studyapp.translation.segments import paragraph_starts

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


def test_a_new_texts_segments_are_stored_in_one_statement_that_lets_the_interpreter_go(tmp_path):
    """A row at a time (``executemany``), the storing job took the interpreter lock back after each of a novel's
    111,000 rows, and the window waited 100-400 ms for it; one statement steps once, without the lock."""
    document = text.split(loading.load(DEFAULT_TEXT))
    assert len(document.clauses) > 50
    with Library.open(tmp_path / "library.sqlite") as library:
        identifier, shown, unstored = library.open_document_later(document, "statement", None)
        statements: list[str] = []
        library._connection.set_trace_callback(statements.append)
        library.store_opened(unstored)
        library._connection.set_trace_callback(None)
        assert sum(statement.startswith("INSERT INTO segments") for statement in statements) == 1
        assert list(library.segments(identifier)) == list(shown)


def test_storing_a_text_the_library_holds_already_writes_nothing(tmp_path):
    document = text.split(loading.load(DEFAULT_TEXT))
    with Library.open(tmp_path / "library.sqlite") as library:
        _identifier, _shown, first = library.open_document_later(document, "statement", None)
        _identifier, _shown, second = library.open_document_later(document, "statement", None)
        assert library.store_opened(first) and not library.store_opened(second)


def _layout_is_kept(library, identifier) -> bool:
    return library._connection.execute("SELECT layout IS NOT NULL FROM documents WHERE id = ?",
                                       (identifier,)).fetchone()[0] == 1


def test_a_reopened_text_has_its_rows_and_paragraphs_as_its_segments_are_after_every_kind_of_change(tmp_path):
    document = text.split(loading.load(DEFAULT_TEXT))
    with Library.open(tmp_path / "library.sqlite") as library:
        identifier = library.add_document(document, "statement", None)

        def as_read_from_rows(cut=document):
            table = library.segments(identifier)
            return list(table), paragraph_starts(cut, table)

        def reopened(cut=document):
            table, starts = library.laid_out(identifier, cut)
            return list(table), starts

        assert _layout_is_kept(library, identifier) and reopened() == as_read_from_rows()
        first, second, third = library.segments(identifier)[:3]
        library.save_translation(second.id, "Second.")  # no row moves: the layout stays kept
        assert _layout_is_kept(library, identifier) and reopened() == as_read_from_rows()
        before = list(library.segments(identifier))
        library.replace_segments(identifier, [first._replace(end=second.end)], [second.id])  # a merge
        assert not _layout_is_kept(library, identifier)
        assert reopened() == as_read_from_rows() and _layout_is_kept(library, identifier)
        library.restore_segments(identifier, before)  # its undo
        assert reopened() == as_read_from_rows() and reopened()[0] == before
        library.replace_segments(identifier, [third._replace(end=third.start + 2),
                                              third._replace(id=0, start=third.start + 2)], [])  # a split
        assert reopened() == as_read_from_rows()
        joined = library.set_join_lines(identifier, not document.joined)  # cut anew: the paragraphs fall otherwise
        assert reopened(joined) == as_read_from_rows(joined)


def test_a_reopened_texts_counts_are_its_rows(tmp_path):
    document = text.split(loading.load(DEFAULT_TEXT))
    with Library.open(tmp_path / "library.sqlite") as library:
        identifier = library.add_document(document, "statement", None)
        rows = library.segments(identifier)
        library.save_translation(rows[3].id, "Fourth.")
        library.set_status(rows[5].id, 2)  # a status without a translation
        table, _starts = library.laid_out(identifier, document)
        assert library.opened_info(identifier, table) == library.document_info(identifier)
        assert library.document_info(identifier).translated == 1
        assert library.translated_pairs() == [(rows[3].id, document.text[rows[3].start:rows[3].end], "Fourth.")]


def test_a_segment_per_clause_starts_the_paragraphs_its_clauses_start():
    """A new text's segments are its clauses: their paragraph starts are read off the clause table at once, as
    the walk over any segments finds them."""
    from array import array

    from studyapp.translation.segments import Segment, SegmentTable

    document = text.split("第一段，两个分句。\n第二段。\n\n第三段，又有，三个。")
    clauses = document.clauses
    table = SegmentTable(array("q", range(len(clauses))), array("I", clauses.starts), array("I", clauses.ends))
    listed = [Segment(row, start, end, "", 0)
              for row, (start, end) in enumerate(zip(clauses.starts, clauses.ends, strict=True))]
    assert paragraph_starts(document, table) == paragraph_starts(document, listed) == [
        True, False, True, True, False, False]

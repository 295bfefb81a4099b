"""The reader's rows: a segment found by its id (what undo steps ask) and the words translated, as the text is
merged and split, without a Python object per row."""

from studyapp.document import open_loaded
from studyapp.library import Library
from studyapp.text.decoding import LoadedText
from studyapp.ui.segment_model import SegmentModel

from ..conftest import DEFAULT_TEXT


def _model(tmp_path) -> tuple[Library, SegmentModel]:
    library = Library.open(tmp_path / "library.sqlite")
    opened = open_loaded(library, LoadedText(DEFAULT_TEXT.read_text("utf-8"), "utf-8"), None, "Statement")
    return library, SegmentModel(library, opened, lambda _index: ())


def _every_row_found(model: SegmentModel) -> bool:
    return all(model.row_of(model.segments[row].id) == row for row in range(model.rowCount()))


def test_every_segment_is_found_by_its_id_after_merges_and_splits(tmp_path):
    library, model = _model(tmp_path)
    try:
        assert model.rowCount() > 100 and _every_row_found(model)
        merged_away = model.segments[4].id
        model.merge_with_next(3)
        assert model.row_of(merged_away) == -1 and _every_row_found(model)
        assert model.row_of(max(model.segments.ids) + 1) == -1 and model.row_of(-1) == -1
        model.split_segment(3)  # the second clause gets a new id, the highest: the ids no longer rise with the rows
        assert list(model.segments.ids) != sorted(model.segments.ids)
        assert _every_row_found(model) and model.row_of(merged_away) == -1
        model.split_segment(0)  # split again once found: the new rows are found too
        assert model.row_of(model.segments[1].id) == 1 and _every_row_found(model)
        model.reload()  # as the library reads them back
        assert _every_row_found(model)
    finally:
        library.close()


def test_words_translated_count_the_clauses_of_translated_segments(tmp_path):
    library, model = _model(tmp_path)
    try:
        words = list(range(1, len(model.document.clauses) + 1))  # clause i holds i + 1 words
        model.set_clause_words(words)
        assert model.word_progress() == (0, sum(words))
        model.set_target(2, "three")
        model.merge_with_next(5)  # rows 5 and 6: clauses 5 and 6
        model.set_target(5, "six and seven")
        assert model.word_progress() == (words[2] + words[5] + words[6], sum(words))
        model.set_target(2, "")
        assert model.word_progress() == (words[5] + words[6], sum(words))
    finally:
        library.close()

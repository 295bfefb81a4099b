"""Workflows the command line and the window share: opening a text into the library, and restructuring its
segments (merge, split, regroup, undo), each one core function."""

import pytest

from studyapp import document as documents
from studyapp.errors import LibraryError
from studyapp.text import LoadedText
from studyapp.translation.segments import apply_change, merging, regrouping, restoring, splitting

from ..conftest import DEFAULT_TEXT


@pytest.fixture
def opened(library):
    return documents.open_in_library(library, DEFAULT_TEXT)


def test_a_file_a_pasted_copy_and_the_library_open_the_same_document(library, opened):
    pasted = documents.open_loaded(library, LoadedText(DEFAULT_TEXT.read_text("utf-8"), "pasted"), None, "Pasted")
    again = documents.reopen_in_library(library, opened.id)
    assert pasted.id == again.id == opened.id
    assert list(pasted.segments) == list(again.segments) == list(opened.segments)
    assert library.document_info(opened.id).title != "Pasted"  # a text seen before keeps its title


def test_a_merge_then_a_split_give_each_part_its_own_translation_back(library, opened):
    first, second = opened.segments[0], opened.segments[1]
    library.save_translation(first.id, "One")
    library.save_translation(second.id, "two")
    merged = apply_change(library, opened.id, library.segments(opened.id), merging(0))
    assert merged[0].target == "One two" and len(merged) == len(opened.segments) - 1
    split = apply_change(library, opened.id, merged, splitting(opened.document, 0))
    assert [s.target for s in split[:2]] == ["One", "two"]
    assert apply_change(library, opened.id, split, splitting(opened.document, 0)) is None  # one clause: no change


def test_a_regrouping_is_undone_exactly(library, opened):
    before = library.segments(opened.id)
    sentences = apply_change(library, opened.id, before, regrouping(opened.document, True))
    assert len(sentences) < len(before)
    back = apply_change(library, opened.id, sentences, restoring(list(before)))
    assert list(back) == list(before)


def test_a_merge_whose_memo_cannot_be_written_changes_nothing(library, opened, monkeypatch):
    """The segments and what the merge was made of are one transaction: a failure half-way leaves neither."""
    library.save_translation(opened.segments[0].id, "One")
    before = list(library.segments(opened.id))

    def failing(_memos):
        raise LibraryError("The disk is full.")

    monkeypatch.setattr(library, "save_merge_memos", failing)
    with pytest.raises(LibraryError):
        apply_change(library, opened.id, before, merging(0))
    assert list(library.segments(opened.id)) == before

"""A long text's restructuring applied by a process of its own: the same segments stored as in this process."""

import shutil

import pytest

from studyapp import document as documents
from studyapp.library import Library
from studyapp.translation.restructure_process import (
    RestructureProcessError,
    edited_in_a_process,
    restructure_in_a_process,
)
from studyapp.translation.segments import apply_change, edited_merges, regrouping, restoring

from ...conftest import DEFAULT_TEXT


@pytest.fixture
def translated(tmp_path):
    """A library with the default text, its first clauses translated, and a copy of it to compare with."""
    path = tmp_path / "library.sqlite"
    with Library.open(path) as library:
        opened = documents.open_in_library(library, DEFAULT_TEXT)
        for number, segment in enumerate(opened.segments[:12]):
            library.save_translation(segment.id, f"Clause {number},")
        segments = library.segments(opened.id)
    shutil.copy(path, tmp_path / "here.sqlite")
    return path, tmp_path / "here.sqlite", opened.document, opened.id, segments


def test_grouping_ungrouping_and_undo_store_what_this_process_stores(translated):
    path, here_path, document, document_id, clauses = translated
    with Library.open(here_path) as here:
        grouped_here = apply_change(here, document_id, clauses, regrouping(document, True))
        grouped = restructure_in_a_process(path, document_id, document, clauses, ("regroup", True))
        assert list(grouped) == list(grouped_here) and len(grouped) < len(clauses)
        with Library.open(path) as there:
            assert list(there.segments(document_id)) == list(grouped)  # written, in one transaction
            assert there.merge_memos(document_id) == here.merge_memos(document_id)  # what a split gives back
        # ungrouped: each clause its own translation back, from the memos the process stored
        ungrouped = restructure_in_a_process(path, document_id, document, grouped, ("regroup", False))
        assert list(ungrouped) == list(apply_change(here, document_id, grouped_here, regrouping(document, False)))
        assert [segment.target for segment in ungrouped[:13]] == [f"Clause {n}," for n in range(12)] + [""]
        # undo: the earlier segments exactly, ids included
        restored = restructure_in_a_process(path, document_id, document, ungrouped, ("restore", grouped))
        assert list(restored) == list(grouped)
        assert list(restored) == list(apply_change(here, document_id, here.segments(document_id),
                                                   restoring(grouped_here)))


def test_a_failure_says_the_childs_last_word_and_changes_nothing(translated, tmp_path):
    path, _here, document, document_id, clauses = translated
    with pytest.raises(RestructureProcessError, match="could not be opened|unable to open|no such"):
        restructure_in_a_process(tmp_path / "missing" / "library.sqlite", document_id, document, clauses,
                                 ("regroup", True))
    with Library.open(path) as library:
        assert list(library.segments(document_id)) == list(clauses)  # untouched


def test_the_edited_merges_counted_by_the_process_are_this_process_count(translated):
    path, _here, document, document_id, clauses = translated
    grouped = restructure_in_a_process(path, document_id, document, clauses, ("regroup", True))
    assert edited_in_a_process(path, document_id, document, grouped) == 0
    edited = [segment._replace(target=segment.target + " edited") if segment.target else segment
              for segment in grouped]
    with Library.open(path) as library:
        expected = len(edited_merges(document, edited, library.merge_memos(document_id)))
    assert expected > 0 and edited_in_a_process(path, document_id, document, edited) == expected

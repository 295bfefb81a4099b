"""A long text's regrouping and its undo, applied by a process of their own (issue 22): in the window's process,
the novel's 1.5-2 s of Python held the interpreter lock the window waited for, 50-130 ms at a time."""

import sys

from studyapp.library import Library
from studyapp.translation import restructure_process
from studyapp.ui import segment_model, translation_pane
from studyapp.ui.ops import running_jobs

from .conftest import grouped_with_an_edited_sentence


def _as_a_novel(monkeypatch) -> list[str]:
    """The default text's 128 rows count as a novel's; returns where this process restructured (none expected)."""
    monkeypatch.setattr(translation_pane, "BACKGROUND_ROWS", 10)
    monkeypatch.setattr(segment_model, "PROCESS_ROWS", 10)
    here: list[str] = []
    apply_here = segment_model.apply_change
    monkeypatch.setattr(segment_model, "apply_change", lambda *args: here.append("applied") or apply_here(*args))
    return here


def test_grouping_undo_redo_and_ungrouping_are_applied_by_another_process(window, qtbot, monkeypatch):
    here = _as_a_novel(monkeypatch)
    model, action, undo = window.session.model, window.sentence_action, window.translator.undo_stack

    def stored() -> int:
        qtbot.waitUntil(lambda: not running_jobs(), timeout=20000)
        with Library.open(window.library.path) as other:
            return len(other.segments(window.session.document_id))

    action.setChecked(True)
    qtbot.waitUntil(lambda: model.rowCount() < 128, timeout=20000)
    sentences = model.rowCount()
    assert model.source_text(0).endswith("。") and stored() == sentences
    undo.undo()
    qtbot.waitUntil(lambda: model.rowCount() == 128, timeout=20000)
    assert not action.isChecked() and stored() == 128  # the menu's tick follows the rows
    undo.redo()
    qtbot.waitUntil(lambda: model.rowCount() == sentences, timeout=20000)
    assert action.isChecked() and stored() == sentences
    action.setChecked(False)
    qtbot.waitUntil(lambda: model.rowCount() == 128, timeout=20000)
    assert stored() == 128 and here == []  # none of it in the window's process


def test_a_process_that_fails_leaves_the_rows_and_says_why(window, qtbot, monkeypatch):
    _as_a_novel(monkeypatch)
    monkeypatch.setattr(restructure_process, "module_command",
                        lambda _module: [sys.executable, "-c", "import sys; sys.exit('the disk is full')"])
    said = []
    window.translator.saveFailed.connect(said.append)
    window.sentence_action.setChecked(True)
    qtbot.waitUntil(lambda: bool(said) and not running_jobs(), timeout=20000)
    assert "could not be rearranged" in said[0] and "the disk is full" in said[0]
    assert window.session.model.rowCount() == 128 and window.translator.undo_stack.count() == 0
    assert not window.sentence_action.isChecked()  # the tick as the rows are
    with Library.open(window.library.path) as other:
        assert other.document_info(window.session.document_id).grouping == "clause"  # and as it reopens


def test_ungrouping_an_edited_sentence_still_asks_though_another_process_found_it(window, qtbot, monkeypatch):
    from studyapp.ui.qt import QMessageBox

    _as_a_novel(monkeypatch)
    sentences = grouped_with_an_edited_sentence(window, qtbot)
    read_here = []
    read = Library.merge_memos
    monkeypatch.setattr(Library, "merge_memos", lambda self, identifier: read_here.append(1) or read(self, identifier))
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    window.sentence_action.setChecked(False)
    qtbot.waitUntil(lambda: bool(asked), timeout=20000)
    assert "1 merged segment had its translation edited" in asked[0] and read_here == []
    assert window.sentence_action.isChecked() and window.session.model.rowCount() == sentences

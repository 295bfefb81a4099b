"""Opening a text while another is open: what the GUI thread does between the job's result and the first paint
stays a few milliseconds' worth, whatever the length of either text (no walk over every row or object)."""

import gc

import studyapp.ui.document_session as document_session
from studyapp.ui.ops import running_jobs
from studyapp.ui.qt import QCoreApplication, QEvent

from .conftest import opened, wait_for

SHORT = "第一句，第二句。\n\n第三句。"


def _paste(window, text: str) -> None:
    outcome: list[bool] = []
    window.session.open_text(text, outcome.append)
    wait_for(lambda: bool(outcome) and not window.analysis_running())


def _closed_and_released(window, released: list[bool]) -> None:
    """Open the sample text over the one open, then let the old model go as the event loop does."""
    released.clear()  # the text opened before was released too
    assert opened(window, None)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    wait_for(lambda: bool(released), timeout_ms=5000)


def test_closing_a_long_text_never_counts_the_frozen_heap(window, monkeypatch):
    """``gc.get_freeze_count`` walks every frozen object (the dictionary's and the novel's: 5-8 ms each time),
    and an opening over the novel counted three times on the GUI thread. The closed text is let go all the same:
    the frozen heap stays frozen when nothing holds the text."""
    monkeypatch.setattr(document_session, "LARGE_DOCUMENT_ROWS", 0)  # the short text counts as long
    counted, thawed, released = [], [], []
    freeze_count, unfreeze, release = gc.get_freeze_count, gc.unfreeze, document_session.release_memory
    monkeypatch.setattr(gc, "get_freeze_count", lambda: counted.append(True) or freeze_count())
    monkeypatch.setattr(gc, "unfreeze", lambda: thawed.append(True) or unfreeze())
    monkeypatch.setattr(document_session, "release_memory", lambda: released.append(True) or release())
    _paste(window, SHORT)
    _closed_and_released(window, released)
    assert counted == [] and thawed == []


def test_a_closed_text_something_still_holds_thaws_the_frozen_heap(window, monkeypatch):
    """A cycle the collector cannot see (its objects frozen) holding the closed text: the heap is thawed, so the
    collection frees it."""
    monkeypatch.setattr(document_session, "LARGE_DOCUMENT_ROWS", 0)
    thawed, released = [], []
    unfreeze, release = gc.unfreeze, document_session.release_memory
    monkeypatch.setattr(gc, "unfreeze", lambda: thawed.append(True) or unfreeze())
    monkeypatch.setattr(document_session, "release_memory", lambda: released.append(True) or release())
    _paste(window, SHORT)
    holder = [window.session.clauses]
    holder.append(holder)  # a cycle
    _closed_and_released(window, released)
    assert thawed == [True]
    holder.clear()


def test_an_opening_reads_its_segment_ids_off_the_gui_thread(window, monkeypatch):
    """Which row each segment id is in: its check of the ids walked a novel's 111,000 on the GUI thread (5 ms of
    the opening's turn); the opening job makes it now."""
    import threading

    from studyapp.ui import segment_model

    made_on: list[bool] = []
    original = segment_model.RowsById.__init__

    def noting(self, ids) -> None:
        made_on.append(threading.current_thread() is threading.main_thread())
        original(self, ids)

    monkeypatch.setattr(segment_model.RowsById, "__init__", noting)
    _paste(window, SHORT)
    assert made_on and not any(made_on)
    assert window.session.model.row_of(window.session.model.segments[1].id) == 1


def test_a_new_text_frees_the_vocabulary_panels_old_terms_off_the_gui_thread(window):
    """The novel's terms and their search keys, dropped by the Vocabulary panel as the next text opened, were
    freed on the GUI thread (11 ms of that turn); a job frees them now, and an export still reading them keeps
    its list whole."""
    import threading

    freed_on: list[bool] = []

    class Term:
        def __del__(self) -> None:
            freed_on.append(threading.current_thread() is threading.main_thread())

    window.vocabulary.model.terms.append(Term())
    _paste(window, SHORT)
    wait_for(lambda: bool(freed_on), timeout_ms=5000)
    assert freed_on == [False]

    exporting = window.vocabulary.model.terms  # the pasted text's terms, as an export job holds them
    held = list(exporting)
    assert held
    _paste(window, SHORT + "又一句。")
    wait_for(lambda: not running_jobs(), timeout_ms=5000)
    assert exporting == held


def test_an_opening_estimates_its_rows_heights_off_the_gui_thread(window, monkeypatch):
    """Every row's estimated height and where it starts: the view walked all of a novel's 111,000 rows on the
    GUI thread as they arrived (15-25 ms of reopening it); the opening job estimates them as the view does now,
    and the view takes them as they are."""
    import threading

    from studyapp.ui.reader import RowEstimate

    estimated_on: list[bool] = []
    original = RowEstimate.heights

    def noting(self, lengths, starts):
        estimated_on.append(threading.current_thread() is threading.main_thread())
        return original(self, lengths, starts)

    monkeypatch.setattr(RowEstimate, "heights", noting)
    text = "\n\n".join(f"第{n}段的第一句，还有第二句。" for n in range(40))
    _paste(window, text)
    assert estimated_on == [False]
    view, model = window.view, window.session.model
    expected = view.clause_delegate.estimator(view.viewport().width()).heights(model.lengths(),
                                                                              model.paragraph_starts())
    unmeasured = [row for row in range(model.rowCount()) if not view.rows.measured[row]]
    assert unmeasured and [view.rows.heights[row] for row in unmeasured] == [expected[row] for row in unmeasured]
    assert view.rows.top(1) == view.rows.heights[0]


def test_a_document_opened_from_the_library_reads_its_row_once(window, qtbot, monkeypatch):
    """The row counts the document's segments (30-100 ms for a novel): the opening had read it twice."""
    from studyapp.library import Library

    read = []
    document_info = Library.document_info

    def counting(library, identifier):
        read.append(identifier)
        return document_info(library, identifier)

    monkeypatch.setattr(Library, "document_info", counting)
    identifier, rows = window.session.document_id, window.session.model.rowCount()
    done = []
    window.session.open_from_library(identifier, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=20000)
    assert done == [True] and window.session.document_id == identifier
    assert window.session.model.rowCount() == rows
    assert read == [identifier]


def test_a_document_gone_from_the_library_says_so_and_keeps_the_open_text(window, qtbot):
    identifier = window.session.document_id
    done = []
    window.session.open_from_library("no-such-document", done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=20000)
    assert done == [False] and window.session.document_id == identifier
    assert "no longer in the library" in window.last_error

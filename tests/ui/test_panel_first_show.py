"""The Vocabulary panel shown beside a long text: the reader narrows, and its rows are estimated again off the GUI
thread (a novel's 111,000 held it 15-40 ms), while the page under the reader's eyes stays put."""

import threading

from studyapp.ui import reader
from studyapp.ui.ops import running_jobs

from .conftest import wait_for


def test_showing_the_panel_estimates_a_long_texts_rows_off_the_gui_thread(window, monkeypatch):
    monkeypatch.setattr(reader, "ESTIMATE_IN_JOB_ROWS", 10, raising=False)  # the pasted text counts as long
    outcome: list[bool] = []
    window.session.open_text("\n\n".join(f"第{n}段的第一句，还有第二句。" for n in range(60)), outcome.append)
    wait_for(lambda: bool(outcome) and not window.analysis_running() and not running_jobs())
    view, model = window.view, window.session.model
    view.go_to(30, center=True)
    estimated_on: list[bool] = []
    original = reader.RowEstimate.heights

    def noting(self, lengths, starts):
        estimated_on.append(threading.current_thread() is threading.main_thread())
        return original(self, lengths, starts)

    monkeypatch.setattr(reader.RowEstimate, "heights", noting)
    width = view.viewport().width()
    window.vocabulary.dock.show()
    wait_for(lambda: view.viewport().width() != width and bool(estimated_on) and not running_jobs())
    assert estimated_on and not any(estimated_on)
    expected = view.clause_delegate.estimator(view.viewport().width()).heights(model.lengths(),
                                                                              model.paragraph_starts())
    unmeasured = [row for row in range(model.rowCount()) if not view.rows.measured[row]]
    assert unmeasured and [view.rows.heights[row] for row in unmeasured] == [expected[row] for row in unmeasured]
    assert view.rows.top(1) == view.rows.heights[0]
    top, bottom = view.rows.top(30), view.rows.top(31)
    scroll = view.verticalScrollBar().value()
    assert scroll <= top and bottom <= scroll + view.viewport().height()  # the current clause still in view

"""Jobs whose window went away while they ran."""

import threading

from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from studyapp.ui.ops import run_job, running_jobs


class _Counter(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[int] = []

    def counted(self, value: int) -> None:
        self.results.append(value)
        self.update()  # raises "already deleted" on a widget Qt has deleted


def test_a_result_for_a_deleted_widget_is_dropped_without_an_error(qtbot):
    release = threading.Event()
    widget = _Counter()
    job = run_job(lambda _report, _cancelled: release.wait(5) and 7, widget.counted, name="slow count")
    widget.deleteLater()
    qtbot.waitUntil(lambda: not isValid(widget))
    release.set()
    qtbot.waitUntil(lambda: job not in running_jobs())
    qtbot.wait(50)  # pytest-qt fails the test on any exception raised in the event loop meanwhile


def test_a_result_reaches_a_widget_that_is_still_there(qtbot):
    widget = _Counter()
    run_job(lambda _report, _cancelled: 7, widget.counted, name="count")
    qtbot.waitUntil(lambda: widget.results == [7])



def test_optimising_the_schedule_runs_nothing_of_the_window_on_the_jobs_thread(window, qtbot, monkeypatch):
    """A job gets plain data and makes its own core objects: a window's method called on a pool thread would
    touch widgets (and the window's own library connection) from the wrong thread."""
    from studyapp.ui import review_options

    threads = []
    made = type(window).reviewer

    def reviewer(self, library=None):
        threads.append(threading.current_thread())
        return made(self, library)

    monkeypatch.setattr(type(window), "reviewer", reviewer)
    told = []
    monkeypatch.setattr(review_options.QMessageBox, "information", lambda *arguments: told.append(arguments))
    window.optimise_scheduling()
    qtbot.waitUntil(lambda: bool(told), timeout=30000)
    assert all(thread is threading.main_thread() for thread in threads)


def test_the_vocabulary_export_builds_its_cards_in_its_job(window, qtbot, monkeypatch, tmp_path):
    """A novel's 46,000 cards took 1.2 s on the GUI thread before the export's job even started: the GUI thread
    now hands the job plain data, and every card is made on the job's thread."""
    from studyapp import deck_export

    threads = []
    made = deck_export.cards

    def cards(*arguments, **keywords):
        threads.append(threading.current_thread())
        return made(*arguments, **keywords)

    monkeypatch.setattr(deck_export, "cards", cards)
    out = tmp_path / "words.csv"
    with qtbot.waitSignal(window.vocabulary.message, timeout=30000) as said:
        window.vocabulary.export_to(out, "csv")
    assert said.args[0].startswith("Exported") and "words not yet known" in said.args[0]
    assert threads and threading.main_thread() not in threads
    assert out.read_text("utf-8").count("\n") > 100

"""Jobs whose window went away while they ran."""

import threading

from studyapp.ui.ops import run_job, running_jobs
from studyapp.ui.qt import QWidget, isValid


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
    later: list[int] = []
    run_job(lambda _report, _cancelled: 1, later.append, name="later")
    # delivered after whatever the first job queued: by then its result was handled, and pytest-qt fails the
    # test on any exception raised in the event loop meanwhile
    qtbot.waitUntil(lambda: later == [1])


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
    window.study.optimise_scheduling()
    qtbot.waitUntil(lambda: bool(told), timeout=30000)
    assert all(thread is threading.main_thread() for thread in threads)


def test_the_vocabulary_export_makes_its_cards_outside_the_windows_process(window, qtbot, monkeypatch, tmp_path):
    """A novel's 46,000 cards took 1.2 s on the GUI thread before the export's job even started; made on the job's
    thread, their 0.4-1.9 s of Python still shared the window's interpreter lock (stalls of 40-190 ms, issue 22):
    the window hands the export process the terms, and no card is made in the window's process."""
    from studyapp.study import deck_export

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
    assert threads == []
    assert out.read_text("utf-8").count("\n") > 100


def test_an_opening_started_while_one_runs_never_runs_inside_it(window, qtbot, tmp_path, monkeypatch):
    """open_path waited for its job in a local event loop, so an opening started meanwhile (a dropped file, a
    recent file, a card's clause) ran inside the first one, which then went on with a window the second had
    changed. Now open_path returns at once, and the newer opening takes over."""
    from studyapp.ui.qt import QTimer

    depth, deepest = [0], [0]
    open_path = type(window).open_path

    def counted(self, *arguments, **keywords):
        depth[0] += 1
        deepest[0] = max(deepest[0], depth[0])
        try:
            return open_path(self, *arguments, **keywords)
        finally:
            depth[0] -= 1

    monkeypatch.setattr(type(window), "open_path", counted)
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("第一篇文字。\n它很短。", encoding="utf-8")
    second.write_text("第二篇文字。\n它也很短。", encoding="utf-8")
    QTimer.singleShot(0, lambda: window.open_path(second))  # arrives while the first opening runs
    window.open_path(first)
    assert window.session.opening()  # returned at once: the text opens as a job
    qtbot.waitUntil(lambda: window.session.path == second and not window.session.opening(), timeout=20000)
    assert deepest[0] == 1
    assert window.session.model.source_text(0) == "第二篇文字。"


def test_jobs_that_write_the_library_run_one_at_a_time_in_the_order_they_were_started(qtbot):
    """The writer lane: a regrouping asked for while an opening is still writing waits for it, and never writes
    beside it, however many threads the pool has. The first job holds the lane for half a second, and stops
    holding it as soon as another starts beside it."""
    beside = threading.Event()
    running, order, finished = [], [], []
    lock = threading.Lock()

    def writer(name: str, first: bool):
        def work(_report, _cancelled):
            with lock:
                running.append(name)
                overlapping = len(running) > 1
            if overlapping:
                beside.set()
            if first:
                beside.wait(0.5)
            with lock:
                running.remove(name)
                order.append(name)
            return overlapping
        return work

    for number in range(4):
        run_job(writer(f"write {number}", number == 0), finished.append, name=f"write {number}", writes=True)
    qtbot.waitUntil(lambda: len(finished) == 4, timeout=10000)
    assert order == ["write 0", "write 1", "write 2", "write 3"] and finished == [False] * 4


def test_the_translation_export_reads_the_documents_row_in_its_job(window, qtbot, monkeypatch, tmp_path):
    """The export's title and language come with the document's row, whose segment counts took 30-100 ms on the
    GUI thread for a novel before the job started: the job reads the row on its own connection."""
    from studyapp.library import Library

    threads = []
    read = Library.document_info

    def document_info(self, identifier):
        threads.append(threading.current_thread())
        return read(self, identifier)

    monkeypatch.setattr(Library, "document_info", document_info)
    window.library.set_target_lang(window.session.document_id, "fr")
    window.session.model.set_target(0, "Une déclaration commune.")
    out = tmp_path / "statement.tmx"
    assert window.exchange.export("tmx", out) is not None
    qtbot.waitUntil(lambda: not window.exchange.busy(), timeout=20000)
    assert threads and threading.main_thread() not in threads
    assert 'xml:lang="fr"' in out.read_text("utf-8")


def test_the_translation_export_is_written_by_another_process(window, qtbot, monkeypatch, tmp_path):
    """Issue 22: in a job's thread, a novel's export shared the interpreter lock with the window (DOCX 20-30 s,
    stalls of 80-280 ms on a busy machine): no thread of the app's process makes the file now."""
    import dataclasses

    from studyapp.translation import exchange

    made_here = []
    row = exchange.FORMATS["docx"]
    monkeypatch.setitem(exchange.FORMATS, "docx", dataclasses.replace(
        row, write=lambda export: made_here.append(export) or row.write(export)))
    window.session.model.set_target(0, "A joint statement.")
    out = tmp_path / "statement.docx"
    assert window.exchange.export("docx", out) is not None
    qtbot.waitUntil(lambda: not window.exchange.busy(), timeout=30000)
    assert made_here == []
    assert exchange.read_pairs(out)[0] == (window.session.model.source_text(0), "A joint statement.")


def test_the_documents_grouping_is_kept_on_the_writer_lane(window, qtbot, monkeypatch):
    """Kept from the GUI thread, the grouping waited for the regrouping's own transaction (the novel's 111,000
    rows): it is written on the writer lane, after them."""
    from studyapp.library import Library
    from studyapp.ui.ops import running_jobs

    threads = []
    write = Library.set_grouping

    def set_grouping(self, identifier, grouping):
        threads.append(threading.current_thread())
        return write(self, identifier, grouping)

    monkeypatch.setattr(Library, "set_grouping", set_grouping)
    window.sentence_action.setChecked(True)
    qtbot.waitUntil(lambda: bool(threads) and not running_jobs(), timeout=20000)
    assert threading.main_thread() not in threads
    with Library.open(window.library.path) as other:
        assert other.document_info(window.session.document_id).grouping == "sentence"

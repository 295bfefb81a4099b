"""A main window on the default text, built as the app builds it, for tests that act like a user."""

import time

import pytest

from studyapp.ui.app import build_window
from studyapp.ui.qt import QApplication, QMouseEvent, QPoint, QPointF, Qt


@pytest.fixture
def window(qtbot):
    _app, main_window = build_window(None)
    qtbot.addWidget(main_window)
    opened(main_window, None)
    main_window.show()
    qtbot.waitExposed(main_window)
    qtbot.waitUntil(lambda: not main_window.analysis_running(), timeout=20000)
    yield main_window
    main_window.hover.popup.hide()
    main_window.translator.save_now()
    main_window.library.close()


def hover(view, point: QPoint) -> None:
    """Move the mouse over the reader as a real pointer would (QTest.mouseMove sends no move event offscreen)."""
    viewport = view.viewport()
    event = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(point), QPointF(viewport.mapToGlobal(point)),
                        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, event)


def word_point(window, word: str) -> tuple[int, QPoint]:
    """Scroll the first clause holding ``word`` into view and return the centre of that word on screen."""
    document = window.session.document
    for row in range(len(document.clauses)):
        for token in window.session.model.tokens(row):
            if token.text == word:
                window.view.go_to(row)
                QApplication.processEvents()
                index = window.session.model.index(row, 0)
                rect = window.view.visualRect(index)
                layout = window.delegate.layout_for(index, rect.width())
                return row, layout.rect_of(token).center().toPoint() + rect.topLeft()
    raise AssertionError(f"{word} not found in the text")


def type_text(widget, text: str) -> None:
    """Type hanzi as an input method delivers them (QTest.keyClicks only knows ASCII)."""
    from studyapp.ui.qt import QKeyEvent

    for character in text:
        for kind in (QKeyEvent.Type.KeyPress, QKeyEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, character))


def keep_typing(widget, text: str, every_ms: int = 100):
    """Type ``text`` one key every ``every_ms`` as a steady typist does, never pausing, while the test goes on
    waiting: a timer that only fires after a pause never fires meanwhile. Returns the timer (stop it when done)."""
    from studyapp.ui.qt import QTest, QTimer

    keys = iter(text)
    timer = QTimer(widget)

    def type_one_key() -> None:
        key = next(keys, None)
        if key is None:
            timer.stop()
        else:
            QTest.keyClicks(widget, key)

    timer.timeout.connect(type_one_key)
    timer.start(every_ms)
    return timer


def wait_for(condition, timeout_ms: int = 30000) -> None:
    """Let the event loop run until ``condition()`` holds, as ``qtbot.waitUntil`` does, for helpers without a
    qtbot at hand."""
    from studyapp.ui.qt import QTest

    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        assert time.monotonic() < deadline, f"still waiting after {timeout_ms} ms"
        QTest.qWait(10)


def saved(window) -> None:
    """Wait until the statuses and study-list entries set in the window are written to the library (on its
    writer lane, after the window already shows them)."""
    wait_for(lambda: not window.vocabulary.saving(), 10000)


def shown_review(window, qtbot):
    """Open the review window as F5 does and wait until its cards are made (in a job: "Preparing cards…")."""
    window.show_review()
    qtbot.waitUntil(window.review_window.ready, timeout=10000)
    qtbot.addWidget(window.review_window)
    return window.review_window


def opened(window, path=None, password=None) -> bool:
    """Open a text as File > Open does (it returns at once; the text opens as a job) and wait until it is in
    place or refused: whether it opened."""
    outcome: list[bool] = []
    window.open_path(path, password, outcome.append)
    wait_for(lambda: bool(outcome))
    return outcome[0]


def grouped_with_an_edited_sentence(window, qtbot) -> int:
    """Group by Sentence checked, and the first sentence's translation edited since: ungrouping it then asks
    first. How many rows (sentences) the text has now."""
    from studyapp.ui.ops import running_jobs

    window.sentence_action.setChecked(True)
    qtbot.waitUntil(lambda: window.session.model.rowCount() < 128 and not running_jobs(), timeout=20000)
    window.translator.edit(0)
    window.translator.editor.setPlainText("Edited after grouping")
    window.translator.close_editor()
    return window.session.model.rowCount()

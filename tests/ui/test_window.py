"""The window as a whole: where its panels sit and stay, its menus, the library's list of documents."""

import re

import pytest

from studyapp.ui.app import build_window
from studyapp.ui.qt import QApplication, QCursor, QDateTime, QLineEdit, QLocale, QMenu, QPoint, QRect, Qt

from .conftest import hover, opened, word_point


def _mnemonic(text: str) -> str | None:
    """The letter after a single & (&& is a literal ampersand)."""
    found = re.search(r"(?<!&)&([^&])", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def _menus(menu: QMenu):
    yield menu
    for action in menu.actions():
        if action.menu() is not None:
            yield from _menus(action.menu())


def test_no_two_items_of_a_menu_share_a_mnemonic(window):
    bar = window.menuBar()
    top = [_mnemonic(action.text()) for action in bar.actions()]
    assert len(top) == len(set(top)) and None not in top, top
    for action in bar.actions():
        for menu in _menus(action.menu()):
            letters = [(_mnemonic(a.text()), a.text()) for a in menu.actions()
                       if not a.isSeparator() and a.isEnabled() and _mnemonic(a.text())]
            seen: dict[str, str] = {}
            for letter, text in letters:
                assert letter not in seen, f"{menu.title()}: {seen.get(letter)!r} and {text!r} share &{letter}"
                seen[letter] = text


@pytest.fixture
def pointer():
    """The real pointer, put back where it was after the test (later tests paint the reader under it)."""
    before = QCursor.pos()
    yield
    QCursor.setPos(before)


def _point_at(window, qtbot, word: str) -> QPoint:
    """Put the pointer on ``word`` (scrolled into view) as a learner's hand does, and wait for its popup."""
    _row, point = word_point(window, word)
    QCursor.setPos(window.view.viewport().mapToGlobal(point))
    hover(window.view, point)
    qtbot.waitUntil(lambda: window.hover.popup.isVisible() and window.hover.popup.word == word, timeout=2000)
    return point


def _popup_word(window) -> str | None:
    QApplication.processEvents()
    return window.hover.popup.word if window.hover.popup.isVisible() else None


def test_after_joining_two_words_the_popup_shows_the_joined_word(window, qtbot, tmp_path, pointer):
    note = tmp_path / "note.txt"
    note.write_text("反对长臂管辖。\n双方不应干涉别国内政。\n", encoding="utf-8")
    assert opened(window, note)
    qtbot.waitUntil(lambda: not window.analysis_running(), timeout=20000)
    _point_at(window, qtbot, "长")  # 长臂 is not a dictionary word: 长 | 臂 | 管辖
    window.segmentation.join_with_next()  # Ctrl+Shift+J, the pointer still on 长
    assert _popup_word(window) == "长臂"
    assert window.hover.popup.plain_text().startswith("长臂")
    window.translator.undo_stack.undo()
    assert _popup_word(window) == "长"


def _click_word(window, qtbot, word: str) -> None:
    _row, point = word_point(window, word)
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    window.hover.popup.hide()
    QApplication.processEvents()


def _in_window(widget, rect: QRect) -> QRect:
    """A rectangle of ``widget`` in the main window's coordinates."""
    return QRect(widget.mapTo(widget.window(), rect.topLeft()), rect.size())


def test_the_dictionary_opens_beside_the_reader_not_over_its_translations(window, qtbot):
    _click_word(window, qtbot, "干涉")
    dock = window.hover.dock
    assert dock.isVisible() and not dock.isFloating()
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
    row = window.view.currentIndex().row()
    cell = _in_window(window.view.viewport(), window.view.target_rect(row))
    assert not cell.isEmpty()
    assert not QRect(dock.mapTo(window, dock.rect().topLeft()), dock.size()).intersects(cell)


def test_a_second_word_keeps_the_readers_width(window, qtbot):
    _click_word(window, qtbot, "干涉")
    width = window.view.viewport().width()
    _click_word(window, qtbot, "双方")
    assert window.view.viewport().width() == width
    assert "shuāng fāng" in window.hover.entry_panel.toPlainText()


def test_the_vocabulary_and_dictionary_share_their_place_as_tabs(window, qtbot):
    window.vocabulary.dock.toggleViewAction().trigger()
    QApplication.processEvents()
    _click_word(window, qtbot, "干涉")
    assert window.vocabulary.dock in window.tabifiedDockWidgets(window.hover.dock)  # one place, two tabs
    assert not window.hover.dock.visibleRegion().isEmpty()  # the tab in front
    window.vocabulary.dock.toggleViewAction().trigger()  # hidden
    window.vocabulary.dock.toggleViewAction().trigger()  # shown again: in front
    QApplication.processEvents()
    assert not window.vocabulary.dock.visibleRegion().isEmpty()


def test_the_window_keeps_its_layout_and_the_word_in_the_dictionary(window, qtbot):
    from studyapp.ui.qt import QDockWidget

    names = [dock.objectName() for dock in window.findChildren(QDockWidget)]
    assert all(names) and len(set(names)) == len(names)  # saveState finds each dock by its name
    _click_word(window, qtbot, "干涉")
    window.resize(760, 560)  # within the offscreen screen
    QApplication.processEvents()
    dock_width = window.hover.dock.width()
    window.close()
    window.library.close()
    _app, again = build_window(None)
    qtbot.addWidget(again)
    opened(again, None)
    again.show()
    qtbot.waitExposed(again)
    try:
        dock = again.hover.dock
        assert dock.isVisible() and not dock.isFloating()
        assert again.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
        assert again.size().width() == 760 and abs(dock.width() - dock_width) <= 2
        assert "gān shè" in again.hover.entry_panel.toPlainText()  # not an empty panel
    finally:
        qtbot.waitUntil(lambda: not again.analysis_running(), timeout=20000)
        again.close()
        again.library.close()


def test_a_dictionary_floated_by_an_earlier_version_comes_back_beside_the_reader(window, qtbot):
    from studyapp import settings as settings_store

    window.hover.dock.setFloating(True)
    window.hover.dock.show()
    saved = window.saveState()  # as the version that floated it wrote it (no version number)
    window.settings.window_state = bytes(saved.toBase64()).decode("ascii")
    settings_store.save(window.settings)
    window.library.close()
    _app, again = build_window(None)
    qtbot.addWidget(again)
    try:
        assert not again.hover.dock.isFloating()
    finally:
        again.library.close()


def test_an_empty_dictionary_panel_says_what_it_is_for(window):
    window.hover.dock.show()
    assert "Click a word" in window.hover.entry_panel.toPlainText()


def _opened_cell(window, qtbot):
    from studyapp.ui.library_dialog import LibraryDialog

    dialog = LibraryDialog(window.library, window.session.document_id, window)
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    return dialog, dialog.table.item(0, 3)


def test_the_library_shows_when_a_text_was_opened_as_the_locale_writes_dates(window, qtbot):
    try:
        QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
        _dialog, cell = _opened_cell(window, qtbot)
        assert re.fullmatch(r"\d\d\.\d\d\.\d\d \d\d:\d\d", cell.text()), cell.text()
        QLocale.setDefault(QLocale.c())  # no locale set (LANG=C): ISO 8601, not "1 12 2026 01:52"
        dialog, cell = _opened_cell(window, qtbot)
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", cell.text()), cell.text()
        assert cell.text()[:10] == QDateTime.currentDateTime().toString("yyyy-MM-dd")  # opened just now
        table = dialog.table
        assert not table.wordWrap()
        needed = table.fontMetrics().horizontalAdvance(cell.text())
        assert table.columnWidth(3) > needed  # on one line, whole
    finally:
        QLocale.setDefault(QLocale.system())


def test_a_text_renamed_in_the_library_keeps_its_name_and_the_window_says_it(window, qtbot):
    from studyapp.ui.qt import QTimer

    def rename_with_f2() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            table = dialog.table
            table.setCurrentCell(0, 0)
            qtbot.keyClick(table, Qt.Key.Key_F2)  # edits the title in place
            editors = table.viewport().findChildren(QLineEdit)
            assert table.state() == table.State.EditingState and len(editors) == 1
            editors[0].selectAll()
            qtbot.keyClicks(editors[0], "Joint statement")
            qtbot.keyClick(editors[0], Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: table.state() != table.State.EditingState, timeout=2000)  # committed
        finally:
            dialog.reject()

    QTimer.singleShot(0, rename_with_f2)
    window.documents.show_library()  # File > Library
    assert window.library.document_info(window.session.document_id).title == "Joint statement"
    assert window.windowTitle().startswith("Joint statement")
    assert opened(window, None)  # opened again from its file: the name stays
    assert window.library.document_info(window.session.document_id).title == "Joint statement"

"""The window as a whole: where its panels sit and stay, its menus, the library's list of documents."""

import re

from PySide6.QtCore import QPoint
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QMenu

from .conftest import hover, word_point


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


def test_after_joining_two_words_the_popup_shows_the_joined_word(window, qtbot, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("反对长臂管辖。\n双方不应干涉别国内政。\n", encoding="utf-8")
    assert window.open_path(note)
    qtbot.waitUntil(lambda: not window.analysis_running(), timeout=20000)
    _point_at(window, qtbot, "长")  # 长臂 is not a dictionary word: 长 | 臂 | 管辖
    window.segmentation.join_with_next()  # Ctrl+Shift+J, the pointer still on 长
    assert _popup_word(window) == "长臂"
    assert window.hover.popup.plain_text().startswith("长臂")
    window.translator.undo_stack.undo()
    assert _popup_word(window) == "长"

"""The sense the text uses, chosen by the learner with one click in the Dictionary panel or in the deck, and
carried to the card and the exports."""

import csv
from html import escape

from studyapp.library import StudyEntry
from studyapp.study.deck import SENSE_SEPARATOR
from studyapp.ui.qt import QApplication, QInputDialog, Qt, QTextCursor

from .conftest import hover, shown_review, word_point

AT = "(of sb or sth) to be (located) at"
EXIST = "to exist; to be alive"


def click_link(qtbot, browser, href: str) -> None:
    """Click the link ``href`` in a QTextBrowser where it is drawn, as a pointer would."""
    document = browser.document()
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.charFormat().anchorHref() == href:
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position() + 1)
                browser.ensureCursorVisible()
                browser.setTextCursor(cursor)
                browser.ensureCursorVisible()
                point = browser.cursorRect(cursor).center()
                point.setX(point.x() - 2)  # on the link's last character, not past it
                qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)
                return
            iterator += 1
        block = block.next()
    raise AssertionError(f"no link {href} in the panel")


def sense_link(browser, sense: str) -> str:
    """The href of the number in front of ``sense`` in the Dictionary panel."""
    html = browser.toHtml()
    before = html[:html.index(escape(sense))]
    return before[before.rindex('href="') + 6:].split('"', 1)[0]


def review_back(window, qtbot) -> str:
    window.settings.card_kinds = ["recognition"]
    review = shown_review(window, qtbot)
    review.start()
    review.reveal()
    return review.back.text()


def deck_definition(window, word: str) -> str:
    return window.vocabulary.model.term_of(word).definition


def test_the_popup_lists_zhongs_everyday_sense_before_china(window, qtbot):
    _row, point = word_point(window, "中")
    hover(window.view, point)
    qtbot.waitUntil(window.hover.popup.isVisible, timeout=2000)
    shown = window.hover.popup.plain_text()
    assert shown.index("within; among; in") < shown.index("China")


def test_one_click_in_the_dictionary_panel_puts_a_sense_first_on_the_card(window, qtbot):
    row, point = word_point(window, "在")
    clause = window.session.model.source_text(row).strip()
    window.library.add_to_study([StudyEntry("在", "zài", clause, "", window.session.document_id)])
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    panel = window.hover.entry_panel
    assert window.hover.dock.isVisible() and "Click a sense's number" in panel.toPlainText()
    assert deck_definition(window, "在").startswith(EXIST)
    click_link(qtbot, panel, sense_link(panel, AT))
    assert "✓ " + AT in panel.toPlainText() and "dictionary's order" in panel.toPlainText()
    assert deck_definition(window, "在").split(SENSE_SEPARATOR)[:2] == [AT, EXIST]  # the deck follows at once
    back = review_back(window, qtbot)
    assert AT in back and back.index(AT) < back.index(EXIST)
    window.review_window.close()
    click_link(qtbot, panel, "sense:")  # back to the dictionary's order
    assert deck_definition(window, "在").startswith(EXIST)


def test_one_click_in_the_deck_chooses_a_sense_for_the_export(window, qtbot, tmp_path, monkeypatch):
    window.vocabulary.dock.show()
    table, model = window.vocabulary.panel.table, window.vocabulary.model
    row = next(row for row in range(model.rowCount()) if model.term_at(row).word == "在")
    index = model.index(row, 2)
    table.scrollTo(index)
    QApplication.processEvents()
    assert model.data(index).startswith(EXIST)
    table.customContextMenuRequested.emit(table.visualRect(index).center())  # a right click on the definition
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=2000)
    menu = QApplication.activePopupWidget()
    action = next(action for action in menu.actions() if action.text() == AT)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    assert model.data(index).split(SENSE_SEPARATOR)[:2] == [AT, EXIST]
    out = tmp_path / "deck.csv"
    window.vocabulary.export_to(out, "csv")
    qtbot.waitUntil(lambda: out.exists() and out.stat().st_size > 0, timeout=10000)
    with out.open(encoding="utf-8") as exported:
        rows = {line["word"]: line for line in csv.DictReader(exported)}
    assert rows["在"]["definition"].startswith(AT + SENSE_SEPARATOR + EXIST)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("at (a place)", True))
    table.customContextMenuRequested.emit(table.visualRect(index).center())
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=2000)
    menu = QApplication.activePopupWidget()
    action = next(action for action in menu.actions() if action.text() == "Type a Definition…")
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    assert model.data(index) == "at (a place)"


def test_a_definition_typed_in_review_wins_and_the_panel_says_so(window, qtbot, monkeypatch):
    row, point = word_point(window, "在")
    clause = window.session.model.source_text(row).strip()
    window.library.add_to_study([StudyEntry("在", "zài", clause, "", window.session.document_id)])
    review_back(window, qtbot)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("at (a place)", True))
    qtbot.keyClick(window.review_window, Qt.Key.Key_E)
    assert "at (a place)" in window.review_window.back.text() and EXIST not in window.review_window.back.text()
    window.review_window.close()
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    panel = window.hover.entry_panel
    assert "Your definition: at (a place)" in panel.toPlainText()  # it stands; a sense chosen replaces it
    click_link(qtbot, panel, sense_link(panel, AT))
    assert "Your definition" not in panel.toPlainText()
    back = review_back(window, qtbot)
    assert back.index(AT) < back.index(EXIST)


def test_a_word_marked_as_a_name_shows_its_proper_noun_sense_first_in_the_deck(window, qtbot):
    _row, point = word_point(window, "中")
    hover(window.view, point)
    assert deck_definition(window, "中").startswith("within; among; in")
    qtbot.keyClick(window.view, Qt.Key.Key_I)  # ignore: a name here
    assert deck_definition(window, "中").startswith("China" + SENSE_SEPARATOR + "Chinese")
    qtbot.keyClick(window.view, Qt.Key.Key_N)
    assert deck_definition(window, "中").startswith("within; among; in")

"""Speech in the window, without a sound card: the requests are captured (what would be said), not the sound."""

import miniaudio
import pytest

from studyapp.library import StudyEntry
from studyapp.listening.speech import spoken_reading
from studyapp.study.review import Kind, ReviewSettings, save_settings
from studyapp.ui.qt import QApplication, QPoint, Qt, QTextDocumentFragment
from studyapp.ui.speech_player import Player

from .conftest import hover, shown_review, word_point


@pytest.fixture
def window(window):
    """The window, its speech played into miniaudio's null device: real synthesis and playback, no sound card."""
    window.speech.player = Player(backends=[miniaudio.Backend.NULL])
    yield window
    window.speech.player.stop()


def test_p_over_a_word_asks_for_it_with_its_reading_in_context(window, qtbot):
    row, point = word_point(window, "重申")  # chóng shēn, where 重 alone is most often zhòng
    hover(window.view, point)
    with qtbot.waitSignal(window.speech.requested) as asked:
        qtbot.keyClick(window.view, Qt.Key.Key_P)
    assert asked.args[0].text == "重申"
    assert asked.args[0].reading == "chong2shen1"
    qtbot.waitUntil(lambda: window.speech.player.playing, timeout=5000)  # synthesised and playing, off the GUI


def test_a_pinned_reading_is_what_is_said(window, qtbot):
    row, point = word_point(window, "重申")
    token = next(t for t in window.session.model.tokens(row) if t.text == "重申")
    window.session.pin_reading(row, token, ("zhòng", "shēn"))
    hover(window.view, point)
    with qtbot.waitSignal(window.speech.requested) as asked:
        qtbot.keyClick(window.view, Qt.Key.Key_P)
    assert asked.args[0].reading == "zhong4shen1"


def test_p_with_no_word_under_the_pointer_says_nothing(window, qtbot):
    window.view.pinned = None
    hover(window.view, QPoint(2, 2))  # the margin
    with qtbot.assertNotEmitted(window.speech.requested):
        qtbot.keyClick(window.view, Qt.Key.Key_P)


def test_shift_p_says_the_current_clause_as_the_reader_reads_it(window, qtbot):
    row, _point = word_point(window, "重申")
    window.view.go_to(row)
    with qtbot.waitSignal(window.speech.requested) as asked:
        qtbot.keyClick(window.view, Qt.Key.Key_P, Qt.KeyboardModifier.ShiftModifier)
    model = window.session.model
    assert asked.args[0].text == model.source_text(row)
    assert asked.args[0].reading == spoken_reading(model.tokens(row))
    assert "chong2shen1" in asked.args[0].reading


def test_the_dictionary_panels_speak_link_says_the_word(window, qtbot):
    window.hover.look_up("银行")
    assert "speak:" in window.hover.entry_panel.toHtml()
    from studyapp.ui.qt import QUrl

    with qtbot.waitSignal(window.speech.requested) as asked:
        window.hover._follow(QUrl("speak:"))
    assert (asked.args[0].text, asked.args[0].reading) == ("银行", "yin2hang2")


def test_the_popup_says_how_to_hear_the_word(window, qtbot):
    _row, point = word_point(window, "重申")
    hover(window.view, point)
    assert "P speaks it" in window.hover.popup.plain_text()


def test_what_the_popup_and_the_panel_say_of_speech_is_drawn_by_the_fonts_a_fresh_machine_has(window, qtbot):
    """A fresh machine has no emoji font: the 🔊 before "P speaks it" and "Speak" showed as an empty box."""
    from studyapp.ui.qt import QFont, QFontMetrics

    _row, point = word_point(window, "重申")
    hover(window.view, point)
    window.hover.look_up("银行")
    metrics = QFontMetrics(QFont(window.delegate.cjk_family))  # the CJK font the app loads, with its symbols
    said = window.speech.popup_note() + window.hover.entry_panel.toPlainText()
    assert [ch for ch in said if ord(ch) > 0x2000 and not metrics.inFontUcs4(ord(ch))] == []


def test_the_popup_says_when_the_voice_reads_by_itself(window, qtbot):
    """A system voice takes the hanzi, not the reading shown: the popup says so (here only eSpeak NG, which
    follows the reading, is installed, so the test sets what a system voice would)."""
    qtbot.waitUntil(lambda: bool(window.speech.voices), timeout=10000)  # the voices found, the engine known
    window.speech.takes_reading = False
    _row, point = word_point(window, "重申")
    hover(window.view, point)
    assert "reads the hanzi by itself" in window.hover.popup.plain_text()


def test_a_voice_chosen_in_the_menu_is_kept(window, qtbot):
    qtbot.waitUntil(lambda: bool(window.speech.voices), timeout=10000)
    menu = window.speech.voice_menu
    menu.aboutToShow.emit()
    female = next(action for action in menu.actions() if action.text() == "eSpeak NG Mandarin, female")
    female.trigger()
    assert window.settings.speech_voice == "espeak:cmn+f2"
    menu.aboutToShow.emit()
    assert [action.text() for action in menu.actions() if action.isChecked()] == ["eSpeak NG Mandarin, female"]


def _review_with_a_card(window, qtbot, kinds=(Kind.RECOGNITION,)):
    window.library.add_to_study([StudyEntry("双方", "shuāng fāng", "双方声明如下：", "", window.session.document_id)])
    save_settings(window.library, ReviewSettings(kinds=kinds))
    review = shown_review(window, qtbot)
    review.start()
    return review


def test_review_speaks_the_word_on_reveal_only_when_asked(window, qtbot):
    window.settings.speak_on_reveal = False
    review = _review_with_a_card(window, qtbot)
    with qtbot.assertNotEmitted(window.speech.requested):
        qtbot.keyClick(review, Qt.Key.Key_Space)
    with qtbot.waitSignal(window.speech.requested) as asked:  # R says it any time
        qtbot.keyClick(review, Qt.Key.Key_R)
    assert (asked.args[0].text, asked.args[0].reading) == ("双方", "shuang1fang1")


def test_review_speaks_the_word_on_reveal_when_the_option_is_on(window, qtbot):
    window.settings.speak_on_reveal = True
    review = _review_with_a_card(window, qtbot)
    with qtbot.waitSignal(window.speech.requested) as asked:
        qtbot.keyClick(review, Qt.Key.Key_Space)
    assert asked.args[0].text == "双方"


def test_review_speaks_the_cards_clause_on_shift_r_in_the_apps_reading(window, qtbot):
    review = _review_with_a_card(window, qtbot)
    qtbot.keyClick(review, Qt.Key.Key_Space)
    with qtbot.waitSignal(window.speech.requested) as asked:
        qtbot.keyClick(review, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    said = asked.args[0]
    assert said.text == review.card.context and "shuang1fang1" in said.reading.replace(" ", "")


def test_a_cloze_cards_clause_is_not_said_before_it_is_revealed(window, qtbot):
    """The clause holds the answer of a cloze card."""
    review = _review_with_a_card(window, qtbot, kinds=(Kind.CLOZE,))
    with qtbot.assertNotEmitted(window.speech.requested):
        qtbot.keyClick(review, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(review, Qt.Key.Key_Space)
    with qtbot.waitSignal(window.speech.requested) as asked:
        qtbot.keyClick(review, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    assert asked.args[0].text == "双方声明如下："


def test_the_listen_menu_sets_the_speed(window):
    menu = next(action.menu() for action in window.menuBar().actions() if action.text() == "&Listen")
    speed = next(action.menu() for action in menu.actions() if action.text() == "S&peed")
    next(action for action in speed.actions() if action.text() == "0.75×").trigger()
    assert window.settings.speech_rate == 0.75


def test_a_sound_asked_for_before_a_newer_request_is_never_started():
    """A new request stops the one still playing, and one still being prepared is dropped: its turn is stale,
    so it returns without opening a sound device (there is none here, which would raise)."""
    player = Player()
    stale = player.next_turn()
    player.next_turn()
    player.play(b"not even a WAV", stale)


def test_a_new_request_stops_the_sound_still_playing(qtbot):
    """Played for real through miniaudio's null device (no sound card here): a sound plays until its end, and
    a newer request stops it at once."""
    import miniaudio

    from studyapp.listening.speech import ESpeakEngine
    from studyapp.listening.voices import Utterance

    engine = ESpeakEngine()
    word, clause = (engine.synthesize(Utterance(text, "")) for text in ("你好", "我们先去银行取钱，然后回家吃饭。"))
    player = Player(backends=[miniaudio.Backend.NULL])
    player.play(clause, player.next_turn())
    assert player.playing
    player.play(word, player.next_turn())  # the clause (about 3 s) is cut off
    assert player.playing
    qtbot.waitUntil(lambda: not player.playing, timeout=3000)  # the word (about 0.6 s) ends by itself
    player.play(clause, player.next_turn())
    player.stop()
    assert not player.playing


def _speaker_point(window, row):
    """The centre of a row's ▶ in the margin, in the viewport's coordinates."""
    index = window.session.model.index(row, 0)
    rect = window.view.visualRect(index)
    layout = window.delegate.layout_for(index, rect.width())
    return window.delegate.speaker_rect(rect, layout).center().toPoint()


def test_a_rows_speak_control_says_that_rows_clause(window, qtbot):
    """The ▶ in a row's margin (drawn on the row under the pointer and the current one) says its clause, even
    when another row is current."""
    row, _point = word_point(window, "重申")
    window.view.go_to(row + 1)
    point = _speaker_point(window, row)
    hover(window.view, point)
    assert window.delegate.pointer_row == row
    with qtbot.waitSignal(window.speech.requested) as asked:
        qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert asked.args[0].text == window.session.model.source_text(row)
    assert "chong2shen1" in asked.args[0].reading


def test_the_speak_control_is_drawn_in_the_margin_beside_the_number(window, qtbot):
    """Painted on the row under the pointer only, and it leaves the clause number whole."""
    from studyapp.ui.qt import QApplication, QFontMetrics

    row, _point = word_point(window, "重申")
    window.view.go_to(row + 1)
    QApplication.processEvents()
    index = window.session.model.index(row, 0)
    rect = window.view.visualRect(index)
    speaker = window.delegate.speaker_rect(rect, window.delegate.layout_for(index, rect.width())).toAlignedRect()

    def inked() -> int:
        image = window.view.viewport().grab().toImage()
        background = image.pixelColor(speaker.right() + 1, speaker.top())
        return sum(image.pixelColor(x, y) != background for x in range(speaker.left(), speaker.right())
                   for y in range(speaker.top(), speaker.bottom()))

    hover(window.view, QPoint(rect.right() - 2, rect.bottom() + 40))  # another row
    assert inked() == 0
    hover(window.view, rect.center())
    assert inked() > 10
    number_width = QFontMetrics(window.delegate.number_font).horizontalAdvance(str(window.session.model.rowCount()))
    assert speaker.right() < window.delegate.margin - 10 - number_width


def test_review_speaks_the_words_selected_in_the_context_line(window, qtbot):
    """Shift+R with part of the clause selected says that part; with a selection elsewhere (the definition),
    the whole clause."""
    review = _review_with_a_card(window, qtbot)
    qtbot.keyClick(review, Qt.Key.Key_Space)
    shown = review.back.text()
    plain = QTextDocumentFragment.fromHtml(shown).toPlainText()
    review.back.setSelection(plain.index("声明如下"), len("声明"))
    with qtbot.waitSignal(window.speech.requested) as asked:
        qtbot.keyClick(review, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    assert asked.args[0].text == "声明"
    review.back.setSelection(plain.index("shuāng fāng"), len("shuāng"))
    with qtbot.waitSignal(window.speech.requested) as asked:
        qtbot.keyClick(review, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    assert asked.args[0].text == "双方声明如下："


def test_the_popups_speak_link_says_the_word(window, qtbot):
    _row, point = word_point(window, "重申")
    hover(window.view, point)
    assert "speak:" in window.hover.popup.text() and "▶ Speak — P speaks it" in window.hover.popup.plain_text()
    with qtbot.waitSignal(window.speech.requested) as asked:
        window.hover.popup.label.linkActivated.emit("speak:")
    assert (asked.args[0].text, asked.args[0].reading) == ("重申", "chong2shen1")


def test_the_popup_stays_while_the_pointer_crosses_to_it_and_goes_when_it_leaves(window, qtbot):
    """To click the popup's Speak link the pointer leaves the word: over the gap and the popup it stays open."""
    from studyapp.ui.qt import QCursor, QEvent

    _row, point = word_point(window, "重申")
    hover(window.view, point)
    popup = window.hover.popup
    assert popup.isVisible()
    QCursor.setPos(popup.geometry().topLeft() + QPoint(20, -3))  # in the gap just above it
    if not popup.geometry().adjusted(0, -12, 0, 0).contains(QCursor.pos()):
        pytest.skip("this platform cannot place the pointer")
    window.view.forget_hovered()  # the reader says no word is under the pointer any more
    assert popup.isVisible()
    QCursor.setPos(popup.geometry().center())
    window.view.forget_hovered()
    assert popup.isVisible()
    QApplication.sendEvent(popup, QEvent(QEvent.Type.Leave))
    assert not popup.isVisible()
    hover(window.view, point)
    QCursor.setPos(popup.geometry().bottomRight() + QPoint(200, 200))  # away from both
    window.view.forget_hovered()
    assert not popup.isVisible()

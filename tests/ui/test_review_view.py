"""A short review session in the window, driven by the keys."""


from studyapp.library import Library, StudyEntry
from studyapp.study.review import Kind, ReviewSettings, load_settings, save_settings
from studyapp.ui.qt import Qt

from .conftest import opened, shown_review


def test_a_short_session_with_the_keys(window, qtbot):
    window.library.add_to_study([StudyEntry("双方", "shuāng fāng", "双方声明如下：", "Both sides state:",
                                            window.session.document_id),
                                 StudyEntry("声明", "shēng míng", "双方声明如下：", "", window.session.document_id)])
    save_settings(window.library, ReviewSettings(kinds=(Kind.RECOGNITION, Kind.CLOZE)))
    review = shown_review(window, qtbot)
    assert "2 new" in review.counts_label.text()
    qtbot.keyClick(review, Qt.Key.Key_Space)  # start
    first = review.card
    assert first is not None and review.front.text() and not review.revealed and not review.back.text()
    qtbot.keyClick(review, Qt.Key.Key_Space)  # show the answer
    assert review.revealed and first.word in review.back.text()
    buttons = [button.text() for button in review.rating_buttons.values()]
    assert buttons[0].startswith("Again\n1 min") and buttons[2].startswith("Good\n10 min")  # Anki's steps
    qtbot.keyClick(review, Qt.Key.Key_1)  # Again
    second = review.card
    assert second.word != first.word  # the sibling of the first word waits; the other word comes
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_4)  # Easy
    qtbot.keyClick(review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the Easy
    assert review.card.id == second.id and not review.revealed
    with Library.open(window.library.path) as other:
        assert other._query("SELECT COUNT(*) FROM review_log") == [(1,)]
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_3)
    with Library.open(window.library.path) as other:
        assert other._query("SELECT rating FROM review_log ORDER BY id") == [(1,), (3,)]


def test_the_cloze_card_blanks_the_word_and_shows_the_translation(window, qtbot):
    window.library.add_to_study([StudyEntry("双方", "shuāng fāng", "双方声明如下：", "Both sides state:",
                                            window.session.document_id)])
    save_settings(window.library, ReviewSettings(kinds=(Kind.CLOZE,)))
    review = shown_review(window, qtbot)
    review.start()
    assert "双方" not in review.front.text() and "＿＿" in review.front.text()
    assert "Both sides state:" in review.front.text()
    review.reveal()
    assert "<b>双方</b>" in review.back.text()
    window.view.go_to(100)
    review._link("clause")
    assert "双方声明如下" in window.session.model.source_text(window.view.currentIndex().row())


def test_the_statistics_window_draws_its_charts(window, qtbot):
    from studyapp.ui.qt import QImage

    window.library.add_to_study([StudyEntry("双方", "shuāng fāng", "双方声明如下：", "", None)])
    shown_review(window, qtbot)
    window.review_window.start()
    window.review_window.reveal()
    window.review_window.rate(__import__("fsrs").Rating.Good)
    window.show_statistics()
    stats = window.statistics_window
    qtbot.addWidget(stats)
    assert stats.stats.reviews_per_day[-1] == 1
    image = QImage(stats.reviews_chart.size(), QImage.Format.Format_RGB32)
    stats.reviews_chart.render(image)
    blue = sum(1 for x in range(image.width()) for y in range(image.height())
               if image.pixelColor(x, y).name() == "#1e88e5")
    assert blue > 50  # today's bar is drawn


def test_review_options_are_saved_in_the_library_and_used(window, qtbot, capsys):
    import json

    from studyapp.cli import main
    from studyapp.ui.review_options import ReviewOptionsDialog

    dialog = ReviewOptionsDialog(window.library, window)
    qtbot.addWidget(dialog)
    dialog.new_per_day.setValue(1)
    dialog.kinds[Kind.RECALL].setChecked(False)
    dialog.kinds[Kind.CLOZE].setChecked(False)
    dialog.accept()
    reviewer = window.reviewer()
    assert reviewer.settings.new_per_day == 1 and reviewer.settings.kinds == (Kind.RECOGNITION,)
    window.library.add_to_study([StudyEntry("双方", "shuāng fāng", "双方声明如下：", "", None),
                                 StudyEntry("声明", "shēng míng", "双方声明如下：", "", None)])
    assert main(["review", "--json", "--library", str(window.library.path)]) == 0  # the command reads them too
    assert json.loads(capsys.readouterr().out) == {"due": 0, "new": 1, "learning": 0}
    reviewer.sync_cards()
    assert {card.kind for card in reviewer.suspended() + reviewer.queue()} == {Kind.RECOGNITION}


def test_options_an_earlier_version_kept_in_settings_json_move_into_the_library(qtbot):
    import json

    from studyapp import settings as settings_store
    from studyapp.ui.app import build_window

    settings_store.settings_path().write_text(json.dumps({"new_cards_per_day": 5, "card_kinds": ["recognition"]}),
                                              encoding="utf-8")
    _app, window = build_window(None)
    qtbot.addWidget(window)
    try:
        window.open_path(None)  # carried over once the first text has painted: the review module waits till then
        qtbot.waitUntil(lambda: load_settings(window.library) == ReviewSettings(new_per_day=5,
                                                                                kinds=(Kind.RECOGNITION,)),
                        timeout=20000)
        qtbot.waitUntil(lambda: not window.analysis_running(), timeout=20000)
    finally:
        window.library.close()


def test_suspended_cards_can_be_brought_back(window, qtbot):
    from studyapp.ui.review_options import SuspendedDialog

    window.library.add_to_study([StudyEntry("双方", "shuāng fāng", "双方声明如下：", "", None)])
    reviewer = window.reviewer()
    reviewer.sync_cards()
    card = reviewer.queue()[0]
    with window.library.transaction() as db:
        db.execute("UPDATE cards SET suspended = 1, leech = 1 WHERE id = ?", (card.id,))
    dialog = SuspendedDialog(reviewer, window)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1 and "leech" in dialog.list.item(0).text()
    dialog.list.selectAll()
    dialog.unsuspend_selected()
    assert reviewer.suspended() == [] and dialog.list.count() == 0


def test_a_translation_typed_after_the_word_was_added_shows_on_its_cloze_card(window, qtbot):
    from .conftest import hover, word_point
    from .test_translation import click_target

    row, point = word_point(window, "本着")
    hover(window.view, point)
    window.vocabulary.add_to_study()  # before the clause is translated
    click_target(window, qtbot, row)
    qtbot.keyClicks(window.translator.editor, "In the spirit of partnership")
    window.translator.close_editor()
    save_settings(window.library, ReviewSettings(kinds=(Kind.CLOZE,)))
    review = shown_review(window, qtbot)
    review.start()
    assert review.card.word == "本着" and "In the spirit of partnership" in review.front.text()


def test_the_word_popup_goes_when_review_opens(window, qtbot):
    """Adding the hovered word with Ctrl+Shift+A, then F5: the popup stayed over the review's cards."""
    from .conftest import hover, word_point

    _row, point = word_point(window, "联合国")
    hover(window.view, point)
    assert window.hover.popup.isVisible()
    shown_review(window, qtbot)
    assert not window.hover.popup.isVisible()


def test_undo_puts_the_counts_in_the_header_back(window, qtbot, monkeypatch):
    """At noon: a Good at 03:55 sends the card's next step past the study day's 04:00 start, and it counts as
    tomorrow's, as in Anki (the test failed when the suite ran just before four)."""
    from datetime import UTC, datetime

    from studyapp.study.review import Reviewer

    noon = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(window, "reviewer", lambda library=None: Reviewer(library or window.library, zone=UTC,
                                                                           clock=lambda: noon))
    window.library.add_to_study([StudyEntry("双方", "shuāng fāng", "双方声明如下：", "", None),
                                 StudyEntry("声明", "shēng míng", "双方声明如下：", "", None)])
    save_settings(window.library, ReviewSettings(kinds=(Kind.RECOGNITION,)))
    review = shown_review(window, qtbot)
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert review.progress.text() == "0 due · 2 new · 0 learning"
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_3)  # Good: the card goes on to its next learning step
    assert review.progress.text() == "0 due · 1 new · 1 learning"
    qtbot.keyClick(review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert review.progress.text() == "0 due · 2 new · 0 learning"
    settle(window, qtbot)


def settle(window, qtbot) -> None:
    """Let the heat strip's recount (started by the ratings' status reload) finish before the window goes: a
    job that lands after it would fail the next test's setup."""
    from studyapp.ui.ops import running_jobs

    strip = window.vocabulary.heat_strip
    qtbot.waitUntil(lambda: not strip._throttle.pending() and not running_jobs(), timeout=10000)


def test_the_cards_link_opens_its_clause_in_a_hard_wrapped_book(window, qtbot, tmp_path):
    from .conftest import hover, word_point
    from .test_reader import _hard_wrapped_book

    assert opened(window, _hard_wrapped_book(tmp_path))
    qtbot.waitUntil(lambda: not window.analysis_running(), timeout=20000)
    row, point = word_point(window, "缅甸")
    hover(window.view, point)
    window.vocabulary.add_to_study()
    review = shown_review(window, qtbot)
    review.start()
    review.reveal()
    window.view.go_to(0)
    review._link("clause")
    assert window.view.currentIndex().row() == row


def test_the_cards_link_opens_its_clause_in_the_document_it_came_from(window, qtbot, tmp_path):
    """A word studied in one text, reviewed while another is open: the card's link opens the first text again, at
    the word's clause."""
    from .conftest import hover, word_point

    studied_in = window.session.document_id
    row, point = word_point(window, "联合国")
    hover(window.view, point)
    window.vocabulary.add_to_study()
    other = tmp_path / "other.txt"
    other.write_text("这是另一篇很短的文字。\n它只有两句话。", encoding="utf-8")
    assert opened(window, other)
    assert window.session.document_id != studied_in
    review = shown_review(window, qtbot)
    review.start()
    review.reveal()
    assert review.card.word == "联合国" and "open in the reader" in review.back.text()
    review.back.linkActivated.emit("clause")  # what QLabel sends when the link is clicked
    qtbot.waitUntil(lambda: window.session.document_id == studied_in and window.view.currentIndex().row() == row,
                    timeout=10000)
    assert "联合国" in window.session.model.source_text(row)
    settle(window, qtbot)


def test_a_session_shows_only_the_kinds_of_card_chosen_in_the_options(window, qtbot):
    """Cloze and recall cards exist from before (made first, so due first); the learner now keeps only Recognition
    in Study > Review Options: the session shows one recognition card per word, then says nothing more is due."""
    from studyapp.ui.review_options import ReviewOptionsDialog

    window.library.add_to_study([StudyEntry("双方", "shuāng fāng", "双方声明如下：", "", window.session.document_id),
                                 StudyEntry("声明", "shēng míng", "双方声明如下：", "", window.session.document_id)])
    save_settings(window.library, ReviewSettings(kinds=(Kind.CLOZE, Kind.RECALL)))
    window.reviewer().sync_cards()
    dialog = ReviewOptionsDialog(window.library, window)
    qtbot.addWidget(dialog)
    dialog.kinds[Kind.RECOGNITION].setChecked(True)
    dialog.kinds[Kind.RECALL].setChecked(False)
    dialog.kinds[Kind.CLOZE].setChecked(False)
    dialog.accept()
    review = shown_review(window, qtbot)
    assert ">2 new<" in review.counts_label.text()
    qtbot.keyClick(review, Qt.Key.Key_Space)  # start
    shown = []
    while review.card is not None:
        shown.append((review.card.word, review.card.kind))
        qtbot.keyClick(review, Qt.Key.Key_Space)  # show the answer
        qtbot.keyClick(review, Qt.Key.Key_4)  # Easy: not again today
    assert sorted(shown) == [("双方", Kind.RECOGNITION), ("声明", Kind.RECOGNITION)]
    assert "nothing more is due today" in review.message.text()
    settle(window, qtbot)
def test_a_damaged_card_is_named_in_the_window_and_the_rest_still_reviews(window, qtbot):
    """``review --json`` names a card whose stored schedule is invalid JSON; the window said nothing of it."""
    document_id = window.session.document_id
    window.library.add_to_study([StudyEntry("双方", "shuāng fāng", "双方声明如下：", "", document_id),
                                 StudyEntry("声明", "shēng míng", "双方声明如下：", "", document_id)])
    save_settings(window.library, ReviewSettings(kinds=(Kind.RECOGNITION,)))
    review = shown_review(window, qtbot)
    with window.library.transaction() as db:  # as a hand edit, or a damaged page, leaves it
        db.execute("UPDATE cards SET fsrs = '{\"card_id\": 1, \"state\"' WHERE word = '声明'")
    review.refresh_counts()
    qtbot.waitUntil(review.ready, timeout=10000)
    assert review.damaged.isVisibleTo(review)
    assert "声明" in review.damaged.text() and "damaged" in review.damaged.text()
    assert len(review.damaged.text().splitlines()) == 1
    assert "1 new" in review.counts_label.text()
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert review.card is not None and review.card.word == "双方"
    qtbot.keyClick(review, Qt.Key.Key_Space)
    qtbot.keyClick(review, Qt.Key.Key_3)
    assert review.damaged.isVisibleTo(review) and "声明" in review.damaged.text()  # still named after a rating


def test_the_cards_are_made_in_a_job_while_the_window_says_so(window, qtbot, monkeypatch):
    """Making a long study list's cards on the GUI thread stalled the window a second under load (issue 22)."""
    import threading

    from studyapp.study.review import Reviewer

    window.library.add_to_study([StudyEntry("双方", "shuāng fāng", "双方声明如下：", "", window.session.document_id)])
    save_settings(window.library, ReviewSettings(kinds=(Kind.RECOGNITION,)))
    threads = []
    sync_cards = Reviewer.sync_cards
    monkeypatch.setattr(Reviewer, "sync_cards",
                        lambda self: threads.append(threading.current_thread()) or sync_cards(self))
    window.show_review()
    review = window.review_window
    qtbot.addWidget(review)
    assert "Preparing cards" in review.counts_label.text() and not review.start_button.isEnabled()
    qtbot.keyClick(review, Qt.Key.Key_Space)  # too early: nothing starts on cards not made yet
    assert review.card is None
    qtbot.waitUntil(review.ready, timeout=10000)
    assert threads and threading.main_thread() not in threads
    assert "1 new" in review.counts_label.text() and review.start_button.isEnabled()
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert review.card is not None and review.card.word == "双方"

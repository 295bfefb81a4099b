"""The reading window, driven as a learner drives it."""

import sys

from studyapp import settings as settings_store
from studyapp.cli import main
from studyapp.ui.ops import run_job
from studyapp.ui.qt import QAction, QApplication, QImage, QPoint, Qt

from .conftest import hover, opened, type_text, wait_for, word_point


def test_hovering_changbi_shows_a_popup_reading_chang(window, qtbot):
    _row, point = word_point(window, "长")  # 长臂管辖: 长臂 is not a dictionary word, so 长 | 臂 | 管辖
    hover(window.view, point)
    qtbot.waitUntil(window.hover.popup.isVisible, timeout=2000)
    assert window.hover.popup.word == "长"
    shown = window.hover.popup.plain_text()
    assert shown.split()[:2] == ["长", "cháng"]  # the reading here comes first, as the heading
    assert "as the dictionary reads it in 长臂" in shown  # as in 长臂猿, where the model alone would say zhǎng
    assert "zhǎng" in shown  # and its other reading is listed


def test_hover_popup_lists_every_reading_hsk_and_characters(window, qtbot):
    _row, point = word_point(window, "重申")
    hover(window.view, point)
    qtbot.waitUntil(window.hover.popup.isVisible, timeout=2000)
    shown = window.hover.popup.text()
    assert "chóng" in shown and "shēn" in shown
    assert "HSK" in shown
    assert "Characters" in shown and "重" in shown and "zhòng" in shown  # the character's other reading


def test_moving_off_words_hides_the_popup_and_escape_closes_it(window, qtbot):
    _row, point = word_point(window, "重申")
    hover(window.view, point)
    qtbot.waitUntil(window.hover.popup.isVisible, timeout=2000)
    hover(window.view, QPoint(5, 5))  # the clause-number margin: no word there
    qtbot.waitUntil(lambda: not window.hover.popup.isVisible(), timeout=2000)
    hover(window.view, point)
    qtbot.waitUntil(window.hover.popup.isVisible, timeout=2000)
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert not window.hover.popup.isVisible()


def test_clicking_a_word_pins_its_entry_and_escape_closes_it(window, qtbot):
    _row, point = word_point(window, "干涉")
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.hover.dock.isVisible()
    assert "gān shè" in window.hover.entry_panel.toPlainText()
    window.hover.popup.hide()
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert not window.hover.dock.isVisible()


def test_word_missing_from_the_dictionary_shows_its_parts(window, qtbot):
    from studyapp.reading.analysis import Token

    html = window.hover.word_html(Token(0, 4, "长臂管辖", "word", ("cháng", "bì", "guǎn", "xiá")))
    assert "Not in CC-CEDICT" in html and "管辖" in html and "guǎn" in html


def test_a_name_the_dictionary_lacks_is_glossed_in_the_popup_as_in_the_deck(window, qtbot):
    from studyapp.reading.analysis import Token

    html = window.hover.word_html(Token(0, 2, "未庄", "word", ("wèi", "zhuāng")))
    assert "(name) 未 not yet · 庄 farmstead" in html


def test_keyboard_moves_between_clauses(window, qtbot):
    view = window.view
    view.setFocus()
    view.go_to(0)
    qtbot.keyClick(view, Qt.Key.Key_J)
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert view.currentIndex().row() == 2
    qtbot.keyClick(view, Qt.Key.Key_K)
    assert view.currentIndex().row() == 1
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 2
    assert "Segment 3 of 128" in window.status.position_label.text()


def test_find_jumps_to_the_clause_with_the_text(window, qtbot):
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible()
    type_text(window.find_bar.field, "联合国宪章")
    row = window.view.currentIndex().row()
    assert "联合国宪章" in window.session.document.clause_text(row)
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Return)
    following = window.view.currentIndex().row()
    assert following > row and "联合国宪章" in window.session.document.clause_text(following)
    assert "match" in window.find_bar.count.text()
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()


def test_zoom_and_options_are_remembered(window, qtbot):
    size = window.settings.font_size
    index = window.session.model.index(0, 0)
    before = window.view.visualRect(index).height()
    qtbot.keyClick(window.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.view.visualRect(index).height() > before, timeout=2000)
    assert window.settings.font_size == size + 2
    window.ruby_action.setChecked(False)
    window.dark_action.setChecked(True)
    saved = settings_store.load()
    assert saved.font_size == size + 2 and saved.ruby is False and saved.theme == "dark"


def test_ruby_off_makes_rows_shorter(window, qtbot):
    index = window.session.model.index(0, 0)
    with_ruby = window.view.visualRect(index).height()
    window.ruby_action.setChecked(False)
    qtbot.waitUntil(lambda: window.view.visualRect(index).height() < with_ruby, timeout=2000)


def test_opening_a_bad_file_says_why_and_keeps_the_text(window, qtbot, tmp_path):
    bad = tmp_path / "binary.txt"
    bad.write_bytes(bytes(range(256)) * 4)
    before = window.session.document
    assert opened(window, bad) is False
    assert "not a text file" in window.last_error
    assert window.session.document is before


def test_opening_another_text_is_remembered_in_recent_files(window, qtbot, tmp_path):
    other = tmp_path / "note.txt"
    other.write_bytes("　　你好，世界。\n第二段。".encode("gb18030"))
    assert opened(window, other)
    assert window.session.model.rowCount() == 3
    assert str(other.resolve()) == settings_store.load().recent_files[0]
    assert window.recent_menu.actions()[0].text() == str(other.resolve())
    assert window.windowTitle().startswith("note ")


def test_screenshot_writes_a_picture_of_the_text(tmp_path, monkeypatch):
    out = tmp_path / "shot.png"
    assert main(["--screenshot", str(out)]) == 0
    image = QImage(str(out))
    assert not image.isNull() and image.width() > 400 and image.height() > 300
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 20  # text and pinyin were painted, not a blank window


def test_signals_from_worker_threads_do_not_corrupt_reference_counts(qtbot):
    """PySide6 6.12.0 lost a reference on every queued signal from a pool thread, then crashed; it showed on None,
    whose count cannot change from Python 3.12 on (None is immortal). So the jobs here return objects of their
    own: each must come back holding exactly the references the test holds, and be freed once those go."""
    import gc
    import weakref

    from studyapp.ui.qt import QThreadPool

    class Result:
        pass

    sent = [Result() for _ in range(60)]
    received: list[Result] = []

    def job_returning(result: Result):
        def work(report, _cancelled):
            for number in range(50):
                report(number, 50)
            return result
        return work

    for result in sent:
        run_job(job_returning(result), success=received.append, progress=lambda done, total: None)
    del result
    qtbot.waitUntil(lambda: len(received) == len(sent), timeout=10000)
    assert QThreadPool.globalInstance().waitForDone(5000)  # the jobs' own references are gone too
    gc.collect()
    assert sorted(map(id, received)) == sorted(map(id, sent))
    # each is held by ``sent`` and ``received`` only, as a control is by two lists: one fewer is a lost reference,
    # one more a leak
    control = [Result()]
    held_twice = (control, list(control))
    assert {sys.getrefcount(result) for result in sent} == {sys.getrefcount(result) for result in held_twice[0]}
    alive = [weakref.ref(result) for result in sent]
    sent.clear()
    received.clear()
    gc.collect()
    assert not any(ref() for ref in alive)


def test_hover_works_at_once_in_a_long_text_still_being_laid_out(window, qtbot, tmp_path):
    long_text = tmp_path / "long.txt"
    long_text.write_text("　　话说大宋仁宗天子在位，嘉佑三年三月三日五更三点，天子驾坐紫宸殿。\n" * 8000, encoding="utf-8")
    assert opened(window, long_text)
    row, point = word_point(window, "天子")
    assert row < 5
    hover(window.view, point)
    qtbot.waitUntil(window.hover.popup.isVisible, timeout=2000)
    assert window.hover.popup.word == "天子"


def test_dropping_a_file_opens_it(window, qtbot, tmp_path):
    from studyapp.ui.qt import QDropEvent, QMimeData, QPointF, QUrl

    dropped = tmp_path / "dropped.txt"
    dropped.write_text("我们走吧。", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(dropped))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)  # Qt delivers a drop only inside a real drag; the handler is what we test
    qtbot.waitUntil(lambda: window.windowTitle().startswith("dropped "), timeout=2000)
    assert window.session.document.text == "我们走吧。"


def test_a_long_text_paints_its_first_page_at_once(window, qtbot, tmp_path):
    """QListView in batched layout painted nothing until it had measured all rows (blank for 20 s)."""
    long_text = tmp_path / "long.txt"
    long_text.write_text("　　话说大宋仁宗天子在位，嘉佑三年三月三日五更三点，天子驾坐紫宸殿。\n" * 8000, encoding="utf-8")
    assert opened(window, long_text)
    image = window.view.viewport().grab().toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 5) for y in range(0, min(300, image.height()), 5)}
    assert len(colours) > 10
    assert window.view.indexAt(QPoint(100, 30)).row() == 0


def test_scrolling_to_the_end_of_a_long_text_keeps_rows_in_order(window, qtbot, tmp_path):
    long_text = tmp_path / "long.txt"
    long_text.write_text("　　话说大宋仁宗天子在位，嘉佑三年三月三日五更三点，天子驾坐紫宸殿。\n" * 3000, encoding="utf-8")
    assert opened(window, long_text)
    qtbot.keyClick(window.view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    last = window.session.model.rowCount() - 1
    assert window.view.currentIndex().row() == last
    rect = window.view.visualRect(window.session.model.index(last, 0))
    assert 0 <= rect.top() and rect.bottom() <= window.view.viewport().height() + 1
    assert window.view.indexAt(rect.center()).row() == last


def test_find_in_a_long_text_brings_the_match_to_the_middle(window, qtbot, tmp_path):
    long_text = tmp_path / "long.txt"
    lines = [f"第{n}行的文字，写得很长很长很长，足够换行。" for n in range(3000)]
    lines[1800] = "这里藏着宋江的名字。"
    long_text.write_text("\n".join(lines), encoding="utf-8")
    assert opened(window, long_text)
    window.view.go_to(1790)  # the match is just below the screen
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    window.find_bar.field.setText("宋江")
    row = window.view.currentIndex().row()
    assert window.session.model.source_text(row).startswith("这里藏着宋江")
    window.view.viewport().repaint()
    rect, page = window.view.visualRect(window.session.model.index(row, 0)), window.view.viewport().rect()
    assert page.contains(rect)
    assert page.height() / 4 < rect.center().y() < page.height() * 3 / 4


def test_ctrl_minus_and_ctrl_plus_zoom(window, qtbot):
    size = window.settings.font_size
    qtbot.keyClick(window.view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.settings.font_size == size - 2
    qtbot.keyClick(window.view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.settings.font_size == size
    for action in window.findChildren(QAction):
        keys = [key.toString() for key in action.shortcuts()]
        assert len(keys) == len(set(keys)), action.text()


def test_the_hover_popup_closes_when_the_text_zooms(window, qtbot):
    _row, point = word_point(window, "重申")
    hover(window.view, point)
    qtbot.waitUntil(window.hover.popup.isVisible, timeout=2000)
    qtbot.keyClick(window.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert not window.hover.popup.isVisible()


def test_ctrl_f_after_ctrl_h_searches_the_text_again(window, qtbot):
    qtbot.keyClick(window.view, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.in_translation()
    window.find_bar.close_bar()
    qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert not window.find_bar.in_translation()
    window.find_bar.field.setText("际形")
    assert "match" in window.find_bar.count.text() and "no match" not in window.find_bar.count.text()


def test_a_match_highlights_only_its_characters(window, qtbot):
    from studyapp.ui.qt import QImage

    def render():
        image = QImage(window.view.viewport().size(), QImage.Format.Format_RGB32)
        window.view.viewport().render(image)
        return image

    def highlighted_columns(term):
        window.find_bar.field.setText("")
        window.view.go_to(1)
        plain = render()
        window.find_bar.field.setText(term)
        window.view.go_to(1)
        marked = render()
        return {x for x in range(plain.width()) for y in range(0, plain.height(), 2)
                if marked.pixelColor(x, y) != plain.pixelColor(x, y)}

    window.find_bar.open_bar()
    whole = len(highlighted_columns("国际形势"))
    part = len(highlighted_columns("际形"))
    assert 0 < part < whole * 0.7  # two characters of the four, not the whole word


def test_cedict_notation_is_shown_as_pinyin_and_references_are_links(window, qtbot):
    from studyapp.ui.entry_html import sense_html
    from studyapp.ui.qt import QUrl

    assert sense_html("also pr. [di4]") == "also pr. dì"
    assert sense_html("slightly [lu:e4]") == "slightly lüè"
    assert sense_html("abbr. for 俄羅斯|俄罗斯[E2 luo2 si1]") == 'abbr. for <a href="lookup:俄罗斯">俄罗斯</a> É luó sī'
    _row, point = word_point(window, "双方")
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    window.hover.entry_panel.anchorClicked.emit(QUrl("lookup:俄罗斯"))
    shown = window.hover.entry_panel.toPlainText()
    assert shown.startswith("俄罗斯") and "Russia" in shown and "[" not in shown.split("\n")[0]


def contrast(first, second) -> float:
    """WCAG 2 contrast ratio of two colours."""
    def luminance(color):
        channels = [value / 255 for value in (color.red(), color.green(), color.blue())]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_tone_colours_reach_wcag_aa_on_both_themes():
    """The fourth-tone purple was 2.5:1 on the dark page."""
    from studyapp.ui.qt import QColor, QPalette
    from studyapp.ui.reader import tone_colors
    from studyapp.ui.theme import _DARK, _LIGHT

    for theme, palette in (("light", _LIGHT), ("dark", _DARK)):
        for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
            page = QColor(palette[role])
            for tone, color in tone_colors(theme).items():
                assert contrast(color, page) >= 4.5, (theme, tone, color.name())


def test_six_digit_clause_numbers_fit_the_margin(window, qtbot):
    from studyapp.ui.qt import QFontMetricsF

    delegate = window.delegate
    delegate.rows = 111_876
    delegate.apply_settings()
    needed = QFontMetricsF(delegate.number_font).horizontalAdvance("111876")
    assert delegate.margin - 10 >= needed  # the number's box is the margin less 10 px
    delegate.rows = 128
    delegate.apply_settings()
    assert delegate.margin == 56


def _hard_wrapped_book(tmp_path, width: int = 20):
    """A book cut at a fixed width as plain-text books from the web are; 缅甸 falls across a line break."""
    paragraph = ("我在年青时候也曾经做过许多梦，后来大半忘却了，但自己也并不以为可惜。所谓回忆者，虽说可以使人欢欣，"
                 "有时也不免使人寂寞，他到过缅甸，使精神的丝缕还牵着己逝的寂寞的时光，又有什么意味呢。")
    while (paragraph.index("缅") + 2) % width != width - 1:  # 缅 last on its line (the indent counts two)
        paragraph = paragraph.replace("缅甸", "很缅甸")
    lines = []
    for _ in range(12):
        lines.append("　　" + paragraph[:width - 2])
        lines.extend(paragraph[i:i + width] for i in range(width - 2, len(paragraph), width))
        lines.append("")
    path = tmp_path / "wrapped.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_a_hard_wrapped_book_opens_with_its_lines_joined_and_can_be_turned_back(window, qtbot, tmp_path):
    path = _hard_wrapped_book(tmp_path)
    assert "缅\n甸" in path.read_text(encoding="utf-8")
    assert opened(window, path)
    session = window.session
    assert session.document.joined and window.join_action.isChecked()
    assert window.status.joined_label.isVisible()
    rows = session.model.rowCount()
    burma = next(row for row in range(rows) if "缅甸" in session.model.source_text(row))
    assert any(token.text == "缅甸" for token in session.model.tokens(burma))  # hover finds the word, not 缅
    window.find_bar.open_bar()
    window.find_bar.field.setText("缅甸")
    assert window.view.currentIndex().row() == burma
    assert "12 matches" in window.find_bar.count.text()
    window.find_bar.close_bar()
    window.view.go_to(burma)
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=window.view.target_rect(burma).center())
    qtbot.keyClicks(window.translator.editor, "he had been to Burma")
    window.translator.close_editor()
    window.translator.save_now()

    window.join_action.trigger()  # View > Join Wrapped Lines off: a line break ends a clause again
    qtbot.waitUntil(lambda: not session.document.joined, timeout=10000)
    assert not window.join_action.isChecked() and not window.status.joined_label.isVisible()
    assert session.model.rowCount() > rows
    translated = [row for row in range(session.model.rowCount()) if session.model.target(row)]
    assert [session.model.target(row) for row in translated] == ["he had been to Burma"]
    assert "缅" in session.model.source_text(translated[0]) and "甸" in session.model.source_text(translated[0])
    assert abs(window.view.currentIndex().row() - translated[0]) <= 2  # the reader stayed where it was

    window.join_action.trigger()
    qtbot.waitUntil(lambda: session.document.joined, timeout=10000)
    assert session.model.rowCount() == rows
    assert session.model.target(burma) == "he had been to Burma"


def test_the_sample_text_is_not_joined(window):
    assert not window.session.document.joined and not window.join_action.isChecked()
    assert not window.status.joined_label.isVisible()


def test_tones_as_spoken_change_the_ruby_not_the_popup(window, qtbot):
    analyzer = window.session.analyzer
    tokens = list(analyzer.analyze("你好，这是一个苹果"))
    assert [t.pinyin for t in window.delegate.shown_tokens(tokens) if t.text == "你好"] == [("nǐ", "hǎo")]
    window.spoken_action.trigger()  # View > Tones > As Spoken
    assert window.settings.spoken_tones
    shown = {t.text: t.pinyin for t in window.delegate.shown_tokens(tokens)}
    assert shown["你好"] == ("ní", "hǎo") and shown["一"] == ("yí",)
    _row, point = word_point(window, "重申")
    hover(window.view, point)
    qtbot.waitUntil(window.hover.popup.isVisible, timeout=2000)
    assert "chóng" in window.hover.popup.plain_text()  # the popup keeps the written tones


def test_a_reading_pinned_in_the_popup_survives_reopening(window, qtbot, tmp_path, capsys):
    from studyapp.ui.qt import QUrl

    source = tmp_path / "huan.txt"
    source.write_text("他还没回来。\n", encoding="utf-8")
    assert opened(window, source)
    qtbot.waitUntil(lambda: not window.analysis_running(), timeout=20000)  # its readings in context are in
    row, point = word_point(window, "还")
    hover(window.view, point)
    qtbot.waitUntil(window.hover.popup.isVisible, timeout=2000)
    popup = window.hover.popup.plain_text()
    assert "chosen from the sentence" in popup and "huán" in popup  # where hái came from, and the other reading
    token = next(t for t in window.session.model.tokens(row) if t.text == "还")
    assert token.pinyin == ("hái",)
    window.hover.on_clicked(row, token, window.view.viewport().rect())
    assert 'href="pin:huán"' in window.hover.entry_panel.toHtml()
    window.hover._follow(QUrl("pin:huán"))  # the link in the Dictionary panel, as clicked
    pinned = next(t for t in window.session.model.tokens(row) if t.text == "还")
    assert pinned.pinyin == ("huán",) and pinned.source == "pinned"
    assert "pinned by you" in window.hover.entry_panel.toPlainText()
    window.session.reanalyse()  # as after a segmentation fix: every clause read again
    assert next(t for t in window.session.model.tokens(row) if t.text == "还").pinyin == ("huán",)

    assert opened(window, None) and opened(window, source)  # reopened: still pinned
    again = next(t for t in window.session.model.tokens(row) if t.text == "还")
    assert again.pinyin == ("huán",) and again.source == "pinned"
    window.translator.save_now()
    capsys.readouterr()
    assert main(["analyze", str(source), "--json", "--library", str(window.library.path)]) == 0
    import json

    tokens = [t for c in json.loads(capsys.readouterr().out)["clauses"] for t in c["tokens"] if t["text"] == "还"]
    assert tokens[0]["pinyin"] == "huán" and tokens[0]["pinned"] is True


def test_a_book_shows_its_table_of_contents_and_jumps_to_a_chapter(window, qtbot, tmp_path):
    from ..core.text.test_sources import make_epub

    assert opened(window, make_epub(tmp_path / "book.epub"))
    assert window.windowTitle().startswith("呐喊 鲁迅")
    contents = window.contents
    assert contents.dock.isVisible() and contents.list.count() == 2
    qtbot.mouseClick(contents.list.viewport(), Qt.MouseButton.LeftButton,
                     pos=contents.list.visualItemRect(contents.list.item(1)).center())
    row = window.view.currentIndex().row()
    assert window.session.model.source_text(row) == "狂人日记"
    assert row in window.delegate.headings and 0 in window.delegate.headings  # chapter titles read as headings
    assert opened(window, None) and not contents.dock.isVisible()  # the sample text has no chapters


def test_subtitles_show_each_cues_start_in_the_margin(window, tmp_path):
    from ..core.text.test_sources import SUBTITLES

    path = tmp_path / "drama.srt"
    path.write_text(SUBTITLES, encoding="utf-8")
    assert opened(window, path)
    notes = [window.delegate.margin_note(row) for row in range(window.session.model.rowCount())]
    assert notes[0] == "00:00:01" and "00:00:04" in notes and "00:00:07" in notes
    assert notes[1] is None  # the second clause of the first cue


def test_new_from_clipboard_makes_a_document_titled_by_its_first_line(window):
    from studyapp.ui.qt import QApplication

    QApplication.clipboard().setText("今天的新闻\n他还没回来，我们等着他。")
    done: list[bool] = []
    assert window.documents.new_from_clipboard(done.append)
    wait_for(lambda: done == [True])
    assert window.windowTitle().startswith("今天的新闻")
    assert window.session.model.source_text(0) == "今天的新闻"
    titles = [info.title for info in window.library.documents()]
    assert "今天的新闻" in titles
    QApplication.clipboard().setText("   ")
    assert not window.documents.new_from_clipboard()


def _read_ahead_done(view) -> None:
    """Let the window be idle until the reader has read ahead (its timer has fired)."""
    timer = getattr(view, "_reading_ahead", None)
    QApplication.processEvents()
    wait_for(lambda: timer is None or not timer.isActive())


def test_page_down_paints_a_page_read_ahead_while_the_window_was_idle(window, qtbot):
    view, clauses = window.view, window.session.clauses
    view.setFocus()
    view.go_to(0)
    view.viewport().repaint()
    _read_ahead_done(view)
    shown = view.visible_rows()
    while view.visible_rows()[0] < shown[-1]:  # Page Down until a page below the first one is shown
        misses = clauses.misses
        qtbot.keyClick(view, Qt.Key.Key_PageDown)
        view.viewport().repaint()
        assert clauses.misses == misses  # the rows it shows were analysed before they were asked for
        _read_ahead_done(view)


def test_a_jump_analyses_the_page_it_shows_in_one_batch(window, qtbot):
    view, analyzer = window.view, window.analyzer
    batches = []
    analyze_many = analyzer.analyze_many

    def spied(clauses):
        batches.append(len(clauses))
        return analyze_many(clauses)

    analyzer.analyze_many = spied
    try:
        view.go_to(window.session.model.rowCount() - 1)
        view.viewport().repaint()
    finally:
        analyzer.analyze_many = analyze_many
    assert len(view.visible_rows()) > 5
    # the row gone to is measured first (by itself), then the rest of its page together: not one call per row
    assert len(batches) <= 3 and max(batches) >= len(view.visible_rows()) - 2, batches

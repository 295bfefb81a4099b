"""The translation workspace, driven as a translator drives it."""

import os
import signal
import subprocess
import sys
import textwrap
import time

from studyapp.library import Library
from studyapp.translation.segments import Status
from studyapp.ui.qt import Qt

from ..conftest import REPO
from .conftest import keep_typing, opened

DONE = Status.DONE


def click_target(window, qtbot, row):
    window.view.go_to(row)
    rect = window.view.target_rect(row)
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.translator.editing_row() == row


def stored_targets(window):
    """What a second connection to the library file sees: only what was really saved."""
    with Library.open(window.library.path) as other:
        return [segment.target for segment in other.segments(window.session.document_id)]


def test_typing_in_a_cell_is_saved_within_a_second(window, qtbot):
    click_target(window, qtbot, 0)
    sentence = "In the spirit of the comprehensive strategic partnership,"
    keys = keep_typing(window.translator.editor, sentence)  # a key every 0.1 s, never a pause
    qtbot.waitUntil(lambda: stored_targets(window)[0].startswith("In"), timeout=1200)
    qtbot.waitUntil(lambda: "1/128" in window.status.translated_bar.format(), timeout=1200)
    assert keys.isActive() and len(window.session.model.target(0)) < len(sentence)  # saved while still typing
    qtbot.waitUntil(lambda: not keys.isActive(), timeout=10000)
    window.translator.close_editor()
    assert stored_targets(window)[0] == sentence


def test_tab_and_ctrl_arrows_move_between_segments(window, qtbot):
    click_target(window, qtbot, 3)
    qtbot.keyClicks(window.translator.editor, "four")
    qtbot.keyClick(window.translator.editor, Qt.Key.Key_Tab)
    assert window.translator.editing_row() == 4
    qtbot.keyClick(window.translator.editor, Qt.Key.Key_Backtab)
    assert window.translator.editing_row() == 3
    assert window.translator.editor.toPlainText() == "four"
    qtbot.keyClick(window.translator.editor, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert window.translator.editing_row() == 4
    qtbot.keyClick(window.translator.editor, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert window.translator.editing_row() == 3
    assert stored_targets(window)[3] == "four"  # leaving a segment saves at once


def test_ctrl_enter_marks_done_and_moves_on(window, qtbot):
    click_target(window, qtbot, 0)
    qtbot.keyClicks(window.translator.editor, "Done one")
    qtbot.keyClick(window.translator.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.session.model.status(0) == DONE
    assert window.translator.editing_row() == 1


def test_undo_and_redo_cover_typing_across_segments(window, qtbot):
    click_target(window, qtbot, 0)
    qtbot.keyClicks(window.translator.editor, "first")
    qtbot.keyClick(window.translator.editor, Qt.Key.Key_Tab)
    qtbot.keyClicks(window.translator.editor, "second")
    qtbot.keyClick(window.translator.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.model.target(1) == "" and window.session.model.target(0) == "first"
    qtbot.keyClick(window.translator.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.model.target(0) == ""
    qtbot.keyClick(window.translator.editor, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.session.model.target(0) == "first"
    window.translator.save_now()
    assert stored_targets(window)[:2] == ["first", ""]


def test_merge_split_and_undo_keep_every_character(window, qtbot):
    for row, words in enumerate(["One,", "two,", "three,"]):
        click_target(window, qtbot, row)
        qtbot.keyClicks(window.translator.editor, words)
    window.translator.close_editor()
    window.view.go_to(0)
    qtbot.keyClick(window.view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert window.session.model.rowCount() == 126
    assert window.session.model.target(0) == "One, two, three,"
    assert window.session.model.source_text(0).count("，") == 3
    qtbot.keyClick(window.view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.session.model.rowCount() == 128
    # the merged translation was not edited: each clause gets its own back (it all went on the first before)
    assert [window.session.model.target(row) for row in range(3)] == ["One,", "two,", "three,"]
    assert [window.session.model.status(row) for row in range(3)] == [1, 1, 1]
    window.translator.undo_stack.undo()  # the split
    window.translator.undo_stack.undo()  # the second merge
    assert window.session.model.rowCount() == 127 and window.session.model.target(0) == "One, two,"
    assert window.session.model.target(1) == "three,"
    assert stored_targets(window)[:2] == ["One, two,", "three,"]


def test_grouping_and_ungrouping_gives_each_clause_its_own_translation_back(window, qtbot):
    """Translate clauses 1 and 2, group, ungroup: clause 1 held both translations and clause 2 none before."""
    from studyapp.translation.segments import Status

    for row, words in enumerate(["In the spirit,", "based on a shared view,"]):
        click_target(window, qtbot, row)
        qtbot.keyClicks(window.translator.editor, words)
    window.translator.close_editor()
    window.translator.set_status(0, Status.DONE)
    window.translator.set_status(1, Status.DONE)
    window.sentence_action.setChecked(True)
    assert window.session.model.target(0).startswith("In the spirit, based on a shared view,")
    window.sentence_action.setChecked(False)
    model = window.session.model
    assert [model.target(0), model.target(1), model.target(2)] == ["In the spirit,", "based on a shared view,", ""]
    assert [model.status(0), model.status(1)] == [Status.DONE, Status.DONE]
    assert stored_targets(window)[:3] == ["In the spirit,", "based on a shared view,", ""]


def test_ungrouping_an_edited_sentence_asks_first(window, qtbot, monkeypatch):
    from studyapp.ui.qt import QMessageBox

    for row, words in enumerate(["One,", "two,"]):
        click_target(window, qtbot, row)
        qtbot.keyClicks(window.translator.editor, words)
    window.translator.close_editor()
    window.sentence_action.setChecked(True)
    click_target(window, qtbot, 0)
    qtbot.keyClicks(window.translator.editor, " and more")  # edited after grouping
    window.translator.close_editor()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    window.sentence_action.setChecked(False)
    assert asked and "edited" in asked[0]
    assert window.sentence_action.isChecked() and window.session.model.target(0).endswith(" and more")


def test_sentence_mode_groups_and_ungroups(window, qtbot):
    window.sentence_action.setChecked(True)
    sentences = window.session.model.rowCount()
    assert sentences < 128 and window.session.model.source_text(0).endswith("。")
    window.sentence_action.setChecked(False)
    assert window.session.model.rowCount() == 128


def test_find_and_replace_in_translations(window, qtbot):
    for row, words in enumerate(["China and Russia", "Russia and China"]):
        click_target(window, qtbot, row)
        qtbot.keyClicks(window.translator.editor, words)
    window.translator.close_editor()
    qtbot.keyClick(window.view, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.in_translation() and window.find_bar.replacement.isVisible()
    window.find_bar.field.setText("Russia")
    window.find_bar.replacement.setText("the Russian Federation")
    window.find_bar.replace_all_button.click()
    assert window.session.model.target(0) == "China and the Russian Federation"
    assert window.session.model.target(1) == "the Russian Federation and China"
    window.translator.undo_stack.undo()
    assert window.session.model.target(0) == "China and Russia" and window.session.model.target(1) == "Russia and China"


def test_fuzzy_match_from_another_segment_is_offered_and_inserted(window, qtbot, tmp_path):
    click_target(window, qtbot, 0)
    qtbot.keyClicks(window.translator.editor, "In the spirit of the comprehensive strategic partnership,")
    window.translator.close_editor()
    note = tmp_path / "similar.txt"
    note.write_text("中俄双方本着两国全面战略协作伙伴精神，继续合作。", encoding="utf-8")
    assert opened(window, note)
    click_target(window, qtbot, 0)
    assert "%" in window.help_label.text() and "comprehensive strategic" in window.help_label.text()
    qtbot.keyClick(window.translator.editor, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.session.model.target(0) == "In the spirit of the comprehensive strategic partnership,"


def twice_said(tmp_path):
    """A text saying one sentence twice: what the memory learns from the first is offered on the second."""
    text = tmp_path / "twice.txt"
    text.write_text("双方同意加强合作。\n双方同意加强合作。\n", encoding="utf-8")
    return text


def test_memory_offers_the_whole_sentence_not_the_drafts_typed_on_the_way(window, qtbot, tmp_path):
    assert opened(window, twice_said(tmp_path))
    click_target(window, qtbot, 0)
    for draft in ("Both sides ", "Both sides agree to strengthen ", "Both sides agree to strengthen cooperation."):
        qtbot.keyClicks(window.translator.editor, draft.removeprefix(window.translator.editor.toPlainText()))
        qtbot.waitUntil(lambda draft=draft: stored_targets(window)[0] == draft, timeout=2000)  # each draft autosaved
    qtbot.keyClick(window.translator.editor, Qt.Key.Key_Tab)  # on to the same sentence again
    offered = window.help_label.text()
    assert offered.count("100%") == 1 and "Both sides agree to strengthen cooperation." in offered
    qtbot.keyClick(window.translator.editor, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.session.model.target(1) == "Both sides agree to strengthen cooperation."


def test_a_segment_translated_again_replaces_its_entry_in_the_memory(window, qtbot, tmp_path):
    assert opened(window, twice_said(tmp_path))
    click_target(window, qtbot, 0)
    qtbot.keyClicks(window.translator.editor, "The two parties consent.")
    qtbot.keyClick(window.translator.editor, Qt.Key.Key_Tab)
    assert "The two parties consent." in window.help_label.text()
    click_target(window, qtbot, 0)
    window.translator.editor.selectAll()
    qtbot.keyClicks(window.translator.editor, "Both sides agree to strengthen cooperation.")
    qtbot.keyClick(window.translator.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # done, next
    assert window.translator.editing_row() == 1
    offered = window.help_label.text()
    assert "Both sides agree to strengthen cooperation." in offered
    assert "The two parties" not in offered and offered.count("100%") == 1


def test_reopening_a_document_restores_translations_and_place(window, qtbot, tmp_path):
    click_target(window, qtbot, 40)
    qtbot.keyClicks(window.translator.editor, "forty")
    window.translator.close_editor()
    window.view.go_to(40)
    other = tmp_path / "other.txt"
    other.write_text("别的文本。", encoding="utf-8")
    opened(window, other)
    opened(window, None)
    assert window.session.model.target(40) == "forty"
    assert window.view.currentIndex().row() == 40


def test_library_dialog_lists_renames_and_deletes(window, qtbot, monkeypatch):
    from studyapp.ui.library_dialog import LibraryDialog
    from studyapp.ui.qt import QInputDialog, QMessageBox

    dialog = LibraryDialog(window.library, window.session.document_id, window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 1).text() == "0%"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Joint statement 2020", True))
    dialog.rename_selected()
    assert dialog.table.item(0, 0).text() == "Joint statement 2020"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.delete_selected()
    assert dialog.table.rowCount() == 0


def start_typing(script: str, library) -> subprocess.Popen:
    """Run the app in its own process on ``library`` and return once the script says it has typed."""
    environment = {**os.environ, "STUDYAPP_LIBRARY": str(library), "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=environment)
    line = process.stdout.readline()
    if line.strip() != "TYPED":
        process.kill()
        raise AssertionError(process.stderr.read())
    return process


STEADY_SCRIPT = textwrap.dedent("""
    import os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from studyapp.ui.qt import Qt, QTest, QTimer
    from studyapp.ui.app import build_window
    app, window = build_window(None)
    window.open_path(None)
    while window.analysis_running():  # the text opens as a job
        app.processEvents()
    window.show()
    app.processEvents()
    window.view.go_to(2)
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=window.view.target_rect(2).center())
    print("TYPED", flush=True)
    text = iter("Calling on the international community to act together " * 3)
    def type_one_key():
        QTest.keyClicks(window.translator.editor, next(text))
        print(time.monotonic(), len(window.translator.editor.toPlainText()), flush=True)
    keys = QTimer()
    keys.timeout.connect(type_one_key)
    keys.start(KEY_EVERY_MS)
    app.exec()
""")
KEY_EVERY_MS = 300


def test_sigkill_during_steady_typing_loses_at_most_the_last_second(tmp_path):
    """A key every 0.3 s for ten seconds, never a pause, then SIGKILL: what was typed more than a second
    before the kill is in the library (a debounce saved nothing at all)."""
    library = tmp_path / "library.sqlite"
    process = start_typing(STEADY_SCRIPT.replace("KEY_EVERY_MS", str(KEY_EVERY_MS)), library)
    typed: list[tuple[float, int]] = []  # (when, characters in the cell), as the process reports each key
    try:
        while not typed or typed[-1][0] - typed[0][0] < 10:
            line = process.stdout.readline()
            assert line, process.stderr.read()
            when, count = line.split()
            typed.append((float(when), int(count)))
        os.kill(process.pid, signal.SIGKILL)
        killed = time.monotonic()
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    with Library.open(library) as reopened:
        document = reopened.documents()[0]
        kept = len(reopened.segments(document.id)[2].target)
    due = max((count for when, count in typed if when <= killed - 1.0), default=0)
    lost = typed[-1][1] - kept
    assert kept >= due, (f"{lost} of {typed[-1][1]} characters lost ({lost * KEY_EVERY_MS / 1000:.1f} s of "
                         f"typing); {due} were typed more than a second before the kill")


def test_a_corrupt_library_gets_a_message_and_a_fresh_one_is_offered(qtbot, tmp_path, monkeypatch):
    import pytest

    from studyapp.errors import LibraryError
    from studyapp.ui import app as app_module

    broken = tmp_path / "library.sqlite"
    broken.write_bytes(b"not sqlite" * 100)
    monkeypatch.setenv("STUDYAPP_LIBRARY", str(broken))
    with pytest.raises(LibraryError, match="damaged"):
        app_module.build_window(None, interactive=False)
    offered = []
    monkeypatch.setattr(app_module, "offer_fresh_library", lambda message: offered.append(message) or True)
    _app, window = app_module.build_window(None)
    qtbot.addWidget(window)
    assert offered and "damaged" in offered[0]
    assert window.library.path != broken and window.library.path.name.startswith("library-fresh-")
    assert opened(window, None)
    window.library.close()
    assert broken.read_bytes() == b"not sqlite" * 100


def test_screenshot_with_a_newer_library_exits_2_with_one_line(tmp_path):
    import sqlite3

    newer = tmp_path / "library.sqlite"
    connection = sqlite3.connect(newer)
    connection.execute("PRAGMA user_version = 99")
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    before = newer.read_bytes()
    completed = subprocess.run([sys.executable, "-m", "studyapp", "--screenshot", str(tmp_path / "s.png"),
                                "--library", str(newer)], capture_output=True, text=True, timeout=120,
                               env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert completed.returncode == 2
    assert "newer studyapp" in completed.stderr and "Traceback" not in completed.stderr
    assert newer.read_bytes() == before


def test_sentence_grouping_is_remembered_when_reopened(window, qtbot, tmp_path):
    window.sentence_action.setChecked(True)
    sentences = window.session.model.rowCount()
    other = tmp_path / "other.txt"
    other.write_text("别的文本。", encoding="utf-8")
    opened(window, other)
    assert not window.sentence_action.isChecked()
    opened(window, None)
    assert window.sentence_action.isChecked() and window.session.model.rowCount() == sentences


TERM_SCRIPT = textwrap.dedent("""
    import os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from studyapp.ui.qt import Qt, QTest, QTimer
    from studyapp.ui import app as app_module

    def typed_then_wait(window):
        window.view.go_to(1)
        rect = window.view.target_rect(1)
        QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        QTest.keyClicks(window.translator.editor, "typed just before the end")
        print("TYPED", flush=True)

    from studyapp.ui import main_window
    show = main_window.MainWindow.show
    def show_and_type(self):
        show(self)  # the text opens as a job: type once it is in place
        self.session.opened.connect(lambda: QTimer.singleShot(300, lambda: typed_then_wait(self)))
    main_window.MainWindow.show = show_and_type
    sys.exit(app_module.run(None))
""")


def test_sigterm_right_after_typing_still_saves(tmp_path):
    library = tmp_path / "library.sqlite"
    process = start_typing(TERM_SCRIPT, library)
    try:
        process.send_signal(signal.SIGTERM)  # well inside the autosave delay
        assert process.wait(timeout=20) == 0, process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
    with Library.open(library) as reopened:
        document = reopened.documents()[0]
        assert reopened.segments(document.id)[1].target == "typed just before the end"


def test_ctrl_u_goes_to_the_next_untranslated_segment(window, qtbot):
    for row in (0, 1, 3):
        click_target(window, qtbot, row)
        qtbot.keyClicks(window.translator.editor, "x")
    click_target(window, qtbot, 0)
    qtbot.keyClick(window.translator.editor, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert window.translator.editing_row() == 2
    qtbot.keyClick(window.translator.editor, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert window.translator.editing_row() == 4


def test_the_library_shows_local_times_and_a_title_from_the_first_line(window, qtbot, tmp_path):
    from studyapp.ui.library_dialog import LibraryDialog

    book = tmp_path / "shuihu-zhuan-utf8.txt"
    book.write_text("《水浒传》 施耐庵\n\n话说大宋仁宗天子在位，嘉祐三年三月三日五更三点。\n", encoding="utf-8")
    assert opened(window, book)
    dialog = LibraryDialog(window.library, window.session.document_id, window)
    qtbot.addWidget(dialog)
    titles = {dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())}
    assert "《水浒传》 施耐庵" in titles  # not the file's slug
    assert "china-russia-joint-statement-2020-09-11" in titles  # a first line that is a sentence is no title
    when = dialog.table.item(0, 3).text()
    assert "T" not in when and "+00:00" not in when and any(ch.isdigit() for ch in when)


def test_grouping_and_its_undo_keep_the_reader_on_the_same_text(window, qtbot):
    """Grouping from segment 111 of 128 jumped to "Segment 45 of 45"; after Ctrl+Z the bar still said so."""
    window.view.go_to(110)
    text_here = window.session.model.source_text(110)
    window.sentence_action.setChecked(True)
    row = window.view.currentIndex().row()
    count = window.session.model.rowCount()
    assert text_here in window.session.model.source_text(row) and row < count - 1
    assert window.status.position_label.text().startswith(f"Segment {row + 1} of {count}")
    window.translator.undo_stack.undo()
    row = window.view.currentIndex().row()
    assert window.session.model.source_text(row) == text_here and row == 110
    assert window.status.position_label.text().startswith("Segment 111 of 128")


def test_find_in_translations_marks_the_matched_characters_in_the_cell(window, qtbot):
    from studyapp.ui.qt import QImage

    click_target(window, qtbot, 0)
    qtbot.keyClicks(window.translator.editor, "China and Russia stand together")
    window.translator.close_editor()
    window.view.go_to(0)

    def marked_pixels(term: str) -> set[tuple[int, int]]:
        """Pixels of the first translation cell that the search term changes (the yellow marks)."""
        window.find_bar.field.setText("")
        cell = window.view.target_rect(0)
        plain = QImage(window.view.viewport().size(), QImage.Format.Format_RGB32)
        window.view.viewport().render(plain)
        window.find_bar.field.setText(term)
        window.view.go_to(0)
        marked = QImage(window.view.viewport().size(), QImage.Format.Format_RGB32)
        window.view.viewport().render(marked)
        return {(x, y) for x in range(cell.left(), cell.right()) for y in range(cell.top(), cell.bottom(), 2)
                if marked.pixelColor(x, y) != plain.pixelColor(x, y)}

    qtbot.keyClick(window.view, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    whole = marked_pixels("China and Russia stand together")
    word = marked_pixels("Russia")
    assert word and whole and len(word) < len(whole) * 0.5  # one word of five is marked, not the cell
    columns = sorted(x for x, _y in word)
    assert window.view.target_rect(0).left() + 20 < columns[0]  # "Russia" is not at the start of the cell
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Escape)
    assert not window.delegate.target_search_term


def test_another_programs_database_as_the_library_gets_the_windows_message(qtbot, tmp_path, monkeypatch):
    import sqlite3

    import pytest

    from studyapp.errors import LibraryError
    from studyapp.ui import app as app_module

    places = tmp_path / "places.sqlite"
    connection = sqlite3.connect(places)
    connection.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    connection.commit()
    connection.close()
    before = places.read_bytes()
    monkeypatch.setenv("STUDYAPP_LIBRARY", str(places))
    with pytest.raises(LibraryError, match="another program's database"):
        app_module.build_window(None, interactive=False)
    offered = []
    monkeypatch.setattr(app_module, "offer_fresh_library", lambda message: offered.append(message) or True)
    _app, window = app_module.build_window(None)
    qtbot.addWidget(window)
    assert offered and "another program's database" in offered[0] and "\n" not in offered[0]
    assert window.library.path != places
    window.library.close()
    assert places.read_bytes() == before


def _mount_small_disk(folder, size="3m") -> bool:
    """A real file system of ``size`` at ``folder`` (tmpfs; root only), so a full disk is a full disk."""
    import shutil

    folder.mkdir()
    mount = shutil.which("mount")
    return bool(mount) and subprocess.run([mount, "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                                          capture_output=True).returncode == 0


def _fill(folder, leave_kb: int) -> None:
    with open(folder / "filler", "wb") as handle:
        free = os.statvfs(folder)
        handle.write(b"\0" * max(0, free.f_bavail * free.f_frsize - leave_kb * 1024))


def test_screenshot_on_a_full_disk_says_why_in_one_line(tmp_path):
    import pytest

    disk = tmp_path / "disk"
    if not _mount_small_disk(disk):
        pytest.skip("mounting a small tmpfs needs root")
    try:
        environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        library = disk / "library.sqlite"
        Library.open(library, backup=False).close()
        _fill(disk, leave_kb=150)  # the library opens, but a novel no longer fits in it
        novel = tmp_path / "novel.txt"
        novel.write_text("话说天下大势，分久必合，合久必分。\n" * 6000, encoding="utf-8")
        completed = subprocess.run([sys.executable, "-m", "studyapp", "--screenshot", str(tmp_path / "s.png"),
                                    "--library", str(library), str(novel)], capture_output=True, text=True,
                                   timeout=120, env=environment)
        said = [line for line in completed.stderr.splitlines() if line.startswith("studyapp: ")]
        assert completed.returncode == 2 and len(said) == 1 and "disk is full" in said[0]
        assert "Logging error" not in completed.stderr and "Traceback" not in completed.stderr
        _fill(disk, leave_kb=0)
        completed = subprocess.run([sys.executable, "-m", "studyapp", "--screenshot", str(disk / "s.png"),
                                    "--library", str(tmp_path / "elsewhere.sqlite")], capture_output=True,
                                   text=True, timeout=120, env=environment)
        said = [line for line in completed.stderr.splitlines() if line.startswith("studyapp: ")]
        assert completed.returncode == 2 and len(said) == 1 and "No space left on device" in said[0]
        assert not (disk / "s.png").exists()  # no empty picture left behind
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


def test_a_file_whose_name_is_not_utf8_opens_in_the_window(window, qtbot, tmp_path):
    named = os.fsdecode(os.fsencode(str(tmp_path)) + b"/\xff\xfe.txt")
    with open(named, "w", encoding="utf-8") as handle:
        handle.write("中俄双方本着伙伴精神，声明如下。")
    assert opened(window, named)
    qtbot.waitUntil(lambda: not window.analysis_running(), timeout=20000)
    assert window.session.model.rowCount() == 2 and not getattr(window, "last_error", "")
    assert [info.title for info in window.library.documents() if info.source_path == named] == ["\ufffd\ufffd"]
    assert "\ufffd\ufffd" in window.windowTitle()
    assert window.recent_menu.actions()[0].text().endswith("/\ufffd\ufffd.txt")

"""The main window: reader and translation cells in the middle, dictionary and translation help docked, find below."""

from __future__ import annotations

import gc
from pathlib import Path

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .. import settings as settings_store
from .. import text
from ..analysis import Analyzer, Token
from ..dictionary import ATTRIBUTION
from ..document import analyze_all
from ..errors import StudyAppError
from ..settings import Settings
from ..store import Library
from ..translation import open_in_library
from ..wordinfo import describe
from .entry_html import word_html
from .find_bar import FindBar
from .popup import WordPopup
from .reader import ClauseDelegate, ReaderView
from .segment_model import SegmentModel
from .theme import apply_theme
from .translation_pane import TranslationController
from .workers import Job, cancel_all, run_job


class MainWindow(QMainWindow):
    def __init__(self, analyzer: Analyzer, settings: Settings, cjk_family: str, library: Library) -> None:
        super().__init__()
        self.analyzer = analyzer
        self.settings = settings
        self.library = library
        self.document: text.Document | None = None
        self.document_id: str | None = None
        self.path: Path | None = None
        self.model: SegmentModel | None = None
        self._clause_words: list[int] | None = None
        self._analysis_job: Job | None = None
        self._html_cache: dict[tuple[str, tuple[str, ...] | None, bool, bool], str] = {}

        self.delegate = ClauseDelegate(settings, cjk_family)
        self.view = ReaderView(self.delegate, self)
        self.delegate.setParent(self.view)
        self.find_bar = FindBar(self)
        self.find_bar.hide()
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.find_bar)
        self.setCentralWidget(central)

        self.popup = WordPopup(self)
        self.entry_panel = QTextBrowser(self)
        self.entry_panel.setOpenExternalLinks(True)
        self.dock = QDockWidget(self.tr("Dictionary"), self)
        self.dock.setObjectName("dictionaryDock")
        self.dock.setWidget(self.entry_panel)
        self.dock.setMinimumWidth(300)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()

        self.help_label = QLabel(self)
        self.help_label.setWordWrap(True)
        self.help_label.setTextFormat(Qt.TextFormat.RichText)
        self.help_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.help_label.setContentsMargins(8, 4, 8, 4)
        self.help_dock = QDockWidget(self.tr("Translation help"), self)
        self.help_dock.setObjectName("translationHelpDock")
        self.help_dock.setWidget(self.help_label)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.help_dock)
        self.help_dock.setVisible(settings.translation_pane)
        self.translator = TranslationController(self.view, self.help_label, self)
        self.translator.saveFailed.connect(self.show_error)
        self._progress_timer = QTimer(self)  # typing changes progress on every key: recount at most 4 times a second
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(250)
        self._progress_timer.timeout.connect(self._update_progress)
        self.translator.currentChanged.connect(lambda _row: self._update_position())
        self._position_timer = QTimer(self)
        self._position_timer.setSingleShot(True)
        self._position_timer.setInterval(1000)
        self._position_timer.timeout.connect(self._save_position)

        self.position_label = QLabel(self)
        self.translated_bar = QProgressBar(self)
        self.translated_bar.setMinimumWidth(300)
        self.translated_bar.setTextVisible(True)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.setFormat(self.tr("Analysing %p%"))
        self.progress.hide()
        self.statusBar().addWidget(self.position_label, 1)
        self.statusBar().addPermanentWidget(self.translated_bar)
        self.statusBar().addPermanentWidget(self.progress)

        self._build_menus()
        self.view.wordHovered.connect(self._on_word_hovered)
        self.view.wordClicked.connect(self._on_word_clicked)
        self.view.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.find_bar.searchChanged.connect(self._on_search_changed)
        self.find_bar.findNext.connect(self.find_next)
        self.find_bar.replaceOne.connect(self.replace_current)
        self.find_bar.replaceAll.connect(self.replace_all)
        self.find_bar.closed.connect(self._on_find_closed)
        self.setAcceptDrops(True)
        self._fit_to_screen()

    def _fit_to_screen(self) -> None:
        screen = QApplication.primaryScreen()
        area = screen.availableGeometry() if screen else QRect(0, 0, 1280, 860)
        self.resize(min(1200, area.width() - 40), min(860, area.height() - 40))

    # --- menus --------------------------------------------------------------------------------------------
    def _action(self, menu, label: str, slot, shortcut=None, checked: bool | None = None) -> QAction:
        action = QAction(label, self)
        if shortcut is not None:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [shortcut])
        if checked is not None:
            action.setCheckable(True)
            action.setChecked(checked)
            action.toggled.connect(slot)
        else:
            action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self._action(file_menu, self.tr("&Open…"), self.choose_file, QKeySequence.StandardKey.Open)
        self.recent_menu = file_menu.addMenu(self.tr("Open &Recent"))
        self._action(file_menu, self.tr("Open the &Sample Text"), lambda: self.open_path(None))
        self._action(file_menu, self.tr("&Library…"), self.show_library, QKeySequence("Ctrl+L"))
        file_menu.addSeparator()
        self._action(file_menu, self.tr("&Import Translation…"), self.import_translation)
        export_menu = file_menu.addMenu(self.tr("&Export Translation"))
        for fmt, label in (("tmx", "TMX 1.4 (translation memory)…"), ("tsv", "TSV (segment pairs)…"),
                           ("txt", "Plain text (translation only)…"), ("html", "Bilingual HTML (side by side)…"),
                           ("docx", "Bilingual Word document (side by side)…")):
            self._action(export_menu, self.tr(label), lambda _checked=False, f=fmt: self.export_translation(f))
        file_menu.addSeparator()
        self._action(file_menu, self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        self._refresh_recent_menu()

        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        undo = self.translator.undo_stack.createUndoAction(self, self.tr("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.translator.undo_stack.createRedoAction(self, self.tr("&Redo"))
        redo.setShortcuts([QKeySequence.StandardKey.Redo, QKeySequence("Ctrl+Y")])
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        edit_menu.addSeparator()
        self._action(edit_menu, self.tr("&Find…"), self.find_bar.open_bar, QKeySequence.StandardKey.Find)
        self._action(edit_menu, self.tr("Find and &Replace in Translation…"), self.find_bar.open_replace,
                     QKeySequence("Ctrl+H"))

        segment_menu = self.menuBar().addMenu(self.tr("&Segment"))
        self._action(segment_menu, self.tr("&Translate This Segment (Enter)"), self._edit_current,
                     QKeySequence(Qt.Key.Key_F2))
        self.view.editRequested.connect(self._edit_current)  # Enter on the reader
        self._action(segment_menu, self.tr("&Next Segment"), lambda: self.translator.move(1), QKeySequence("Ctrl+Down"))
        self._action(segment_menu, self.tr("&Previous Segment"), lambda: self.translator.move(-1),
                     QKeySequence("Ctrl+Up"))
        self._action(segment_menu, self.tr("Next &Untranslated"), self.translator.next_untranslated,
                     QKeySequence("Ctrl+U"))
        self._action(segment_menu, self.tr("Mark as &Done / Draft"), self.translator.toggle_done,
                     QKeySequence("Ctrl+Shift+D"))
        segment_menu.addSeparator()
        self._action(segment_menu, self.tr("&Merge with Next"), self.merge_segment, QKeySequence("Ctrl+M"))
        self._action(segment_menu, self.tr("&Split into Clauses"), self.split_segment, QKeySequence("Ctrl+Shift+M"))
        self.sentence_action = self._action(segment_menu, self.tr("Group by &Sentence"), self.group_by_sentence,
                                            None, False)
        self._action(segment_menu, self.tr("Target &Language…"), self.choose_target_language)
        segment_menu.addSeparator()
        for number in (1, 2, 3):
            self._action(segment_menu, self.tr("Insert Fuzzy Match {0}").format(number),
                         lambda _checked=False, n=number: self.translator.insert_match(n),
                         QKeySequence(f"Ctrl+{number}"))

        view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.pane_action = self._action(view_menu, self.tr("T&ranslation Pane"), self.set_translation_pane,
                                        QKeySequence("Ctrl+Shift+T"), self.settings.translation_pane)
        self.ruby_action = self._action(view_menu, self.tr("&Pinyin Above Words"), self.set_ruby,
                                        QKeySequence("Ctrl+P"), self.settings.ruby)
        self.tone_action = self._action(view_menu, self.tr("&Tone Colours"), self.set_tone_colors,
                                        QKeySequence("Ctrl+T"), self.settings.tone_colors)
        self.dark_action = self._action(view_menu, self.tr("&Dark Theme"), self.set_dark,
                                        QKeySequence("Ctrl+D"), self.settings.theme == "dark")
        view_menu.addSeparator()
        self._action(view_menu, self.tr("Zoom &In"), lambda: self.zoom(1),
                     [QKeySequence("Ctrl+="), QKeySequence("Ctrl++"), QKeySequence.StandardKey.ZoomIn])
        self._action(view_menu, self.tr("Zoom &Out"), lambda: self.zoom(-1),
                     [QKeySequence("Ctrl+-"), QKeySequence.StandardKey.ZoomOut])
        view_menu.addSeparator()
        self._action(view_menu, self.tr("&Next Clause"), lambda: self.view.move_current(1))
        self._action(view_menu, self.tr("&Previous Clause"), lambda: self.view.move_current(-1))
        self.dock_action = self.dock.toggleViewAction()
        view_menu.addAction(self.dock_action)
        view_menu.addAction(self.help_dock.toggleViewAction())
        escape = QAction(self)
        escape.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        escape.triggered.connect(self.dismiss)
        self.addAction(escape)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self._action(help_menu, self.tr("&About studyapp"), self.show_about)

    def _refresh_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_files:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        self.recent_menu.setEnabled(bool(self.settings.recent_files))

    # --- documents ----------------------------------------------------------------------------------------
    def choose_file(self) -> None:
        start = str(self.path.parent) if self.path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a Chinese text"), start,
                                              self.tr("Text files (*.txt *.text *.md);;All files (*)"))
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path | None) -> bool:
        """Open a text (the bundled sample for None) into the library; on bad input say why, keep what is open."""
        from ..paths import default_text

        target = Path(path) if path else default_text()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            opened = open_in_library(self.library, target)
        except StudyAppError as error:
            QApplication.restoreOverrideCursor()
            self.show_error(str(error))
            return False
        QApplication.restoreOverrideCursor()
        self.set_document(opened, target)
        if path:
            self.settings.remember(str(target))
            settings_store.save(self.settings)
            self._refresh_recent_menu()
        return True

    def open_from_library(self, identifier: str) -> None:
        from ..translation import OpenedDocument

        raw, encoding = self.library.document_text(identifier)
        document = text.split(raw, encoding)
        info = self.library.document_info(identifier)
        self.library.add_document(document, info.title, None)  # marks it opened now
        source = Path(info.source_path) if info.source_path else Path(info.title)
        self.set_document(OpenedDocument(identifier, document, self.library.segments(identifier)), source)

    def set_document(self, opened, path: Path) -> None:
        if self._analysis_job:
            self._analysis_job.cancel()
        self.translator.save_now()
        self._save_position()
        self.popup.hide()
        self.document, self.document_id, self.path = opened.document, opened.id, path
        self._clause_words = None
        old_model = self.model
        self.model = SegmentModel(self.library, opened, self.analyzer, self)
        self.model.progressChanged.connect(self._progress_timer.start)
        self.delegate.apply_settings()
        self.view.setModel(self.model)
        self.translator.set_model(self.model, self.library.translated_pairs())
        if old_model is not None:
            old_model.deleteLater()
        self.view.selectionModel().currentChanged.connect(self._on_current_changed)
        info = self.library.document_info(opened.id)
        self.sentence_action.blockSignals(True)
        self.sentence_action.setChecked(bool(info) and info.grouping == "sentence")
        self.sentence_action.blockSignals(False)
        self.view.go_to(min(info.position if info else 0, self.model.rowCount() - 1), center=True)
        self.setWindowTitle(f"{info.title if info else path.name} — studyapp")
        self._update_position()
        self._update_progress()
        self._start_analysis()

    def _start_analysis(self) -> None:
        document = self.document
        analyzer = self.analyzer

        def work(report, cancelled):
            return [sum(1 for token in tokens if token.kind != "punct")
                    for _index, tokens in analyze_all(document, analyzer, report, cancelled)]

        self.progress.setRange(0, max(1, len(document.clauses)))
        self.progress.setValue(0)
        self.progress.show()
        self._analysis_job = run_job(work, success=self._analysis_done, failure=self.show_error,
                                     progress=self._analysis_progress)

    def _analysis_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    def _analysis_done(self, clause_words: list[int]) -> None:
        self.progress.hide()
        self._analysis_job = None
        self._clause_words = clause_words
        # Hundreds of thousands of cached tokens live as long as the app: keep the garbage collector from
        # walking them again at every later allocation burst (it cost 0.7 s when reopening a novel).
        gc.freeze()
        self._update_progress()
        self.statusBar().showMessage(self.tr("Analysed %n clause(s).", "", len(clause_words)), 4000)

    def analysis_running(self) -> bool:
        return self._analysis_job is not None

    def _on_current_changed(self, *_args) -> None:
        self._update_position()
        self._position_timer.start()

    def _save_position(self) -> None:
        if self.model is not None and self.document_id and self.view.currentIndex().isValid():
            try:
                self.library.set_position(self.document_id, self.view.currentIndex().row())
            except Exception:  # noqa: BLE001 - the reading position is a convenience, never worth an error box
                pass

    def _update_position(self, *_args) -> None:
        if not self.document or self.model is None:
            return
        row = max(0, self.view.currentIndex().row())
        paragraph = self.model.paragraph_of(row) + 1 if self.model.rowCount() else 0
        self.position_label.setText(self.tr("Segment {0} of {1} · paragraph {2} of {3} · {4}").format(
            row + 1, self.model.rowCount(), paragraph, len(self.document.paragraphs), self.document.encoding))

    def _update_progress(self) -> None:
        if self.model is None:
            return
        done, total = self.model.progress()
        self.translated_bar.setRange(0, max(1, total))
        self.translated_bar.setValue(done)
        label = self.tr("Translated {0}/{1} segments").format(done, total)
        if self._clause_words is not None:
            words_done, words_total = self._word_progress()
            label += self.tr(" · {0}/{1} words").format(words_done, words_total)
        self.translated_bar.setFormat(label)
        self.translated_bar.setToolTip(label)

    def _word_progress(self) -> tuple[int, int]:
        from bisect import bisect_left

        starts = self.model.clause_starts
        done = total = 0
        for segment in self.model.segments:
            first, last = bisect_left(starts, segment.start), bisect_left(starts, segment.end)
            words = sum(self._clause_words[first:last])
            total += words
            done += words if segment.target.strip() else 0
        return done, total

    # --- words --------------------------------------------------------------------------------------------
    def word_html(self, token: Token, full: bool = False) -> str:
        key = (token.text, token.pinyin, self.settings.tone_colors, full)
        html = self._html_cache.get(key)
        if html is None:
            info = describe(token.text, self.analyzer, token.pinyin)
            html = self._html_cache[key] = word_html(info, self.settings.tone_colors, full)
            if len(self._html_cache) > 2000:
                self._html_cache.pop(next(iter(self._html_cache)))
        return html

    def _on_word_hovered(self, row: int, token: Token | None, box: QRect) -> None:
        if token is None or token.kind not in ("word",):
            self.popup.hide()
            return
        self.popup.show_word(token.text, self.word_html(token), box)

    def _on_word_clicked(self, row: int, token: Token, box: QRect) -> None:
        if token.kind != "word":
            return
        self.popup.hide()
        self.entry_panel.setHtml(self.word_html(token, full=True))
        self.dock.show()

    def _on_scrolled(self) -> None:
        self.popup.hide()
        self.delegate.hovered = None

    def dismiss(self) -> None:
        """Escape: close the popup, then the editor, then the find bar, then the pinned entry."""
        if self.translator.editing_row() >= 0:
            self.translator.close_editor()
        elif self.popup.isVisible():
            self.popup.hide()
        elif self.find_bar.isVisible():
            self.find_bar.close_bar()
        elif self.dock.isVisible():
            self.dock.hide()

    # --- find ---------------------------------------------------------------------------------------------
    def _row_text(self, row: int) -> str:
        return self.model.target(row) if self.find_bar.in_translation() else self.model.source_text(row)

    def _on_search_changed(self, term: str) -> None:
        in_translation = self.find_bar.in_translation()
        self.delegate.search_term = "" if in_translation else term
        self.view.viewport().update()
        if not term or self.model is None:
            self.find_bar.count.setText("")
            return
        total = sum(self._row_text(row).count(term) for row in range(self.model.rowCount())) if in_translation \
            else self.document.text.count(term)
        self.find_bar.count.setText(self.tr("%n match(es)", "", total) if total else self.tr("no match"))
        if total:
            self.find_next(0)

    def find_next(self, direction: int) -> None:
        """Go to the next segment holding the search term (direction 0: the current one counts)."""
        term = self.find_bar.field.text()
        if not term or self.model is None:
            return
        count = self.model.rowCount()
        current = max(0, self.view.currentIndex().row())
        step = -1 if direction < 0 else 1
        start = current if direction == 0 else current + step
        for offset in range(count):
            row = (start + step * offset) % count
            if term in self._row_text(row):
                self.view.go_to(row, center=True)
                return

    def replace_current(self) -> None:
        """Replace the term in the current segment's translation, then go to the next one holding it."""
        term, replacement = self.find_bar.field.text(), self.find_bar.replacement.text()
        row = self.view.currentIndex().row()
        if term and row >= 0 and term in self.model.target(row):
            self._replace_in(row, term, replacement)
        self.find_next(1)

    def replace_all(self) -> None:
        term, replacement = self.find_bar.field.text(), self.find_bar.replacement.text()
        if not term or self.model is None:
            return
        rows = [row for row in range(self.model.rowCount()) if term in self.model.target(row)]
        stack = self.translator.undo_stack
        stack.beginMacro(self.tr("Replace all"))
        for row in rows:
            self._replace_in(row, term, replacement)
        stack.endMacro()
        self.translator.save_now()
        self.find_bar.count.setText(self.tr("replaced %n", "", len(rows)))

    def _replace_in(self, row: int, term: str, replacement: str) -> None:
        from .translation_pane import EditTarget

        segment = self.model.segments[row]
        stack = self.translator.undo_stack
        stack.push(EditTarget(self.translator, segment.id, segment.target, segment.target.replace(term, replacement),
                              mergeable=False))
        self.translator.save_now()

    def _on_find_closed(self) -> None:
        self.delegate.search_term = ""
        self.view.viewport().update()
        self.view.setFocus()

    # --- options ------------------------------------------------------------------------------------------
    def _settings_changed(self, relayout: bool) -> None:
        settings_store.save(self.settings)
        self._html_cache.clear()
        if relayout:
            self.view.relayout()
        else:
            self.view.viewport().update()

    def set_ruby(self, on: bool) -> None:
        self.settings.ruby = on
        self._settings_changed(relayout=True)

    def set_translation_pane(self, on: bool) -> None:
        self.settings.translation_pane = on
        self.translator.close_editor()
        self.help_dock.setVisible(on)
        self._settings_changed(relayout=True)

    def set_tone_colors(self, on: bool) -> None:
        self.settings.tone_colors = on
        self._settings_changed(relayout=False)

    def set_dark(self, on: bool) -> None:
        self.settings.theme = "dark" if on else "light"
        apply_theme(QApplication.instance(), self.settings.theme)
        self._settings_changed(relayout=False)

    def zoom(self, steps: int) -> None:
        self.settings.zoom(steps)
        self.statusBar().showMessage(self.tr("Font size {0} pt").format(self.settings.font_size), 2000)
        self._settings_changed(relayout=True)

    # --- segments -----------------------------------------------------------------------------------------
    def _edit_current(self) -> None:
        if self.settings.translation_pane and self.view.currentIndex().isValid():
            self.translator.edit(self.view.currentIndex().row())

    def merge_segment(self) -> None:
        row = self.view.currentIndex().row()
        if row >= 0 and not self.translator.restructure(self.tr("Merge"), lambda: self.model.merge_with_next(row)):
            self.statusBar().showMessage(self.tr("The last segment has nothing after it to merge with."), 3000)

    def split_segment(self) -> None:
        row = self.view.currentIndex().row()
        if row >= 0 and not self.translator.restructure(self.tr("Split"), lambda: self.model.split_segment(row)):
            self.statusBar().showMessage(self.tr("This segment is a single clause."), 3000)

    def group_by_sentence(self, on: bool) -> None:
        label = self.tr("Group by sentence") if on else self.tr("Group by clause")
        self.translator.restructure(label, lambda: self.model.regroup(on) or True)
        self.library.set_grouping(self.document_id, "sentence" if on else "clause")

    def choose_target_language(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        info = self.library.document_info(self.document_id)
        language, ok = QInputDialog.getText(
            self, self.tr("Target language"),
            self.tr("Language of the translation, as a code (en, en-GB, fr, de, ru…), used in TMX exports:"),
            text=info.target_lang)
        if ok and language.strip():
            self.library.set_target_lang(self.document_id, language.strip())
            self.statusBar().showMessage(self.tr("Target language: {0}").format(language.strip()), 3000)

    # --- library and exchange -------------------------------------------------------------------------------
    def show_library(self) -> None:
        from .library_dialog import LibraryDialog

        self.translator.save_now()
        dialog = LibraryDialog(self.library, self.document_id, self)
        if dialog.exec() and dialog.chosen:
            self.open_from_library(dialog.chosen)
        elif self.document_id and self.library.document_info(self.document_id) is None:
            self.open_path(None)  # the open document was deleted

    def export_translation(self, fmt: str) -> None:
        from ..translation import export_text

        if self.model is None:
            return
        self.translator.save_now()
        info = self.library.document_info(self.document_id)
        suggested = str((self.path.parent if self.path and self.path.parent.exists() else Path.home())
                        / f"{info.title}.{fmt}")
        out, _ = QFileDialog.getSaveFileName(self, self.tr("Export translation"), suggested, f"*.{fmt}")
        if not out:
            return
        try:
            Path(out).write_bytes(export_text(self.document, self.model.segments, fmt, info.target_lang, info.title))
        except (OSError, StudyAppError) as error:
            self.show_error(self.tr("The translation could not be exported: {0}").format(error))
            return
        self.statusBar().showMessage(self.tr("Exported to {0}").format(out), 5000)

    def import_translation(self) -> None:
        from ..translation import OpenedDocument, apply_import, fill_from_pairs, read_pairs

        if self.model is None:
            return
        file, _ = QFileDialog.getOpenFileName(self, self.tr("Import a translation"), str(Path.home()),
                                              self.tr("Translations (*.tmx *.tsv *.txt *.html *.docx);;All files (*)"))
        if not file:
            return
        self.translator.save_now()
        opened = OpenedDocument(self.document_id, self.document, self.model.segments)
        overwrite = False
        try:
            if Path(file).suffix.lower() != ".txt":
                preview = fill_from_pairs(self.document, self.model.segments, read_pairs(Path(file)))
                if preview.skipped_existing:
                    overwrite = QMessageBox.question(
                        self, self.tr("Import"),
                        self.tr("{0} segments already have a different translation. Replace them?").format(
                            preview.skipped_existing)) == QMessageBox.StandardButton.Yes
            result = apply_import(self.library, opened, Path(file), overwrite)
        except StudyAppError as error:
            self.show_error(str(error))
            return
        self.translator.undo_stack.clear()  # the steps before the import no longer apply to what is stored
        self.model.reload()
        self.statusBar().showMessage(self.tr("Filled {0} segments from {1}").format(len(result.filled), file), 6000)

    # --- misc ---------------------------------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("studyapp"), message, QMessageBox.StandardButton.Ok,
                          self)
        box.setModal(True)
        box.open()
        self.last_error = message

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About studyapp"), self.tr(
            "<h3>studyapp</h3><p>Read, study and translate Chinese text clause by clause.</p>"
            "<p>{0}</p><p>Word segmentation: jieba (MIT) through rjieba. Readings: pypinyin (MIT). "
            "Font: Noto Sans CJK (SIL Open Font License).</p>").format(ATTRIBUTION))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.open_path(files[0]))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.translator.save_now()
        self._save_position()
        cancel_all()
        self.popup.hide()
        settings_store.save(self.settings)
        super().closeEvent(event)


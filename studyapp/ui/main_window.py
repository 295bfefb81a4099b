"""The main window: the reader in the middle, a pinned dictionary entry at the side, find bar and status below."""

from __future__ import annotations

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
from ..wordinfo import describe
from .entry_html import word_html
from .find_bar import FindBar
from .popup import WordPopup
from .reader import ClauseDelegate, ClauseModel, ReaderView
from .theme import apply_theme
from .workers import Job, cancel_all, run_job


class MainWindow(QMainWindow):
    def __init__(self, analyzer: Analyzer, settings: Settings, cjk_family: str) -> None:
        super().__init__()
        self.analyzer = analyzer
        self.settings = settings
        self.document: text.Document | None = None
        self.path: Path | None = None
        self.model: ClauseModel | None = None
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

        self.position_label = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.setFormat(self.tr("Analysing %p%"))
        self.progress.hide()
        self.statusBar().addWidget(self.position_label, 1)
        self.statusBar().addPermanentWidget(self.progress)

        self._build_menus()
        self.view.wordHovered.connect(self._on_word_hovered)
        self.view.wordClicked.connect(self._on_word_clicked)
        self.view.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.find_bar.searchChanged.connect(self._on_search_changed)
        self.find_bar.findNext.connect(self.find_next)
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
        file_menu.addSeparator()
        self._action(file_menu, self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        self._refresh_recent_menu()

        view_menu = self.menuBar().addMenu(self.tr("&View"))
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
        self._action(view_menu, self.tr("&Find…"), self.find_bar.open_bar, QKeySequence.StandardKey.Find)
        self._action(view_menu, self.tr("&Next Clause"), lambda: self.view.move_current(1))
        self._action(view_menu, self.tr("&Previous Clause"), lambda: self.view.move_current(-1))
        self.dock_action = self.dock.toggleViewAction()
        view_menu.addAction(self.dock_action)
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
        """Open a text (the bundled sample for None); on bad input say why and keep what is open."""
        from ..paths import default_text

        target = Path(path) if path else default_text()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            document = text.split(text.load(target))
        except StudyAppError as error:
            QApplication.restoreOverrideCursor()
            self.show_error(str(error))
            return False
        QApplication.restoreOverrideCursor()
        self.set_document(document, target)
        if path:
            self.settings.remember(str(target))
            settings_store.save(self.settings)
            self._refresh_recent_menu()
        return True

    def set_document(self, document: text.Document, path: Path) -> None:
        if self._analysis_job:
            self._analysis_job.cancel()
        self.popup.hide()
        self.document, self.path = document, path
        old_model = self.model
        self.model = ClauseModel(document, self.analyzer, self)
        self.delegate.apply_settings()
        self.view.setModel(self.model)
        if old_model is not None:
            old_model.deleteLater()
        self.view.selectionModel().currentChanged.connect(self._update_position)
        self.view.go_to(0)
        self.setWindowTitle(f"{path.name} — studyapp")
        self._update_position()
        self._start_analysis()

    def _start_analysis(self) -> None:
        document = self.document
        analyzer = self.analyzer

        def work(report, cancelled):
            for _ in analyze_all(document, analyzer, report, cancelled):
                pass
            return len(document.clauses)

        self.progress.setRange(0, max(1, len(document.clauses)))
        self.progress.setValue(0)
        self.progress.show()
        self._analysis_job = run_job(work, success=self._analysis_done, failure=self.show_error,
                                     progress=self._analysis_progress)

    def _analysis_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    def _analysis_done(self, clauses: int) -> None:
        self.progress.hide()
        self._analysis_job = None
        self.statusBar().showMessage(self.tr("Analysed %n clause(s).", "", clauses), 4000)

    def analysis_running(self) -> bool:
        return self._analysis_job is not None

    def _update_position(self, *_args) -> None:
        if not self.document:
            return
        row = max(0, self.view.currentIndex().row())
        clause = self.document.clauses[row] if self.document.clauses else None
        paragraph = clause.paragraph + 1 if clause else 0
        self.position_label.setText(self.tr("Clause {0} of {1} · paragraph {2} of {3} · {4}").format(
            row + 1, len(self.document.clauses), paragraph, len(self.document.paragraphs), self.document.encoding))

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
        """Escape: close the popup, then the find bar, then the pinned entry."""
        if self.popup.isVisible():
            self.popup.hide()
        elif self.find_bar.isVisible():
            self.find_bar.close_bar()
        elif self.dock.isVisible():
            self.dock.hide()

    # --- find ---------------------------------------------------------------------------------------------
    def _on_search_changed(self, term: str) -> None:
        self.delegate.search_term = term
        self.view.viewport().update()
        if not term or not self.document:
            self.find_bar.count.setText("")
            return
        total = self.document.text.count(term)
        self.find_bar.count.setText(self.tr("%n match(es)", "", total) if total else self.tr("no match"))
        if total:
            self.find_next(0)

    def find_next(self, direction: int) -> None:
        """Go to the next clause holding the search term (direction 0: the current clause counts)."""
        term = self.delegate.search_term
        if not term or not self.document:
            return
        count = len(self.document.clauses)
        current = max(0, self.view.currentIndex().row())
        step = -1 if direction < 0 else 1
        start = current if direction == 0 else current + step
        for offset in range(count):
            row = (start + step * offset) % count
            if term in self.document.clause_text(row):
                self.view.go_to(row, center=True)
                return

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
        cancel_all()
        self.popup.hide()
        settings_store.save(self.settings)
        super().closeEvent(event)

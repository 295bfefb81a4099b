"""The main window: menus and layout. The document's life, words under the pointer, find and replace,
translating and exchange each live in their own object; this class wires their signals to widgets."""

from __future__ import annotations

import logging
from bisect import bisect_right
from pathlib import Path

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QCursor,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QMouseEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from .. import settings as settings_store
from .. import timings
from ..analysis import Analyzer
from ..dictionary import ATTRIBUTION
from ..exchange import FORMATS
from ..settings import Settings
from ..store import Library
from ..wording import displayable
from .contents import ContentsPanel
from .document_session import DocumentSession
from .exchange_actions import ExchangeActions
from .find import FindController
from .find_bar import FindBar
from .heat_strip import HeatStrip
from .qt_helpers import set_checked_quietly
from .reader import ClauseDelegate, ReaderView
from .segment_actions import SegmentActions
from .segmentation import SegmentationFixer
from .speech_actions import SpeechActions
from .status_bar import DocumentStatus
from .translation_pane import TranslationController, help_dock
from .view_options import ViewOptions
from .vocabulary import VocabularyController
from .word_hover import WordHover
from .workers import cancel_all

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(self, analyzer: Analyzer, settings: Settings, cjk_family: str, library: Library) -> None:
        super().__init__()
        self.analyzer = analyzer
        self.settings = settings
        self.library = library
        self.session = DocumentSession(library, analyzer, self)
        self.options = ViewOptions(settings, self)

        self.delegate = ClauseDelegate(settings, cjk_family)
        self.view = ReaderView(self.delegate, self)
        self.delegate.setParent(self.view)
        self.find_bar = FindBar(self)
        self.find_bar.hide()
        self.heat_strip = HeatStrip(self)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        reading = QHBoxLayout()
        reading.setSpacing(0)
        reading.addWidget(self.view, 1)
        reading.addWidget(self.heat_strip)
        layout.addLayout(reading, 1)
        layout.addWidget(self.find_bar)
        self.setCentralWidget(central)

        self.hover = WordHover(self, analyzer, settings, library)
        self.contents = ContentsPanel(self, self.view)
        self.hover.pin_reading = lambda row, token, reading: self.session.pin_reading(row, token, reading)
        self.help_dock, self.help_label = help_dock(self)
        self.help_dock.setVisible(settings.translation_pane)
        self.translator = TranslationController(self.view, self.help_label, self)
        self.finder = FindController(self.find_bar, self.view, self.delegate, self.translator, self)
        self.exchange = ExchangeActions(self.session, self.translator.save_now, self, settings)

        self.status = DocumentStatus(self.statusBar(), self.session, self.view)
        self.vocabulary = VocabularyController(self, self.session, self.view, library, self.delegate.hanzi_font,
                                               self.heat_strip)
        self.segment_actions = SegmentActions(self.session, self.view, self.translator, self)
        self.segmentation = SegmentationFixer(self.session, self.view, analyzer, library, self.translator.undo_stack,
                                              self)
        self.speech = SpeechActions(self, settings, self.view, self.session)

        # the Dictionary and the Vocabulary share one place beside the reader, as tabs
        self.tabifyDockWidget(self.vocabulary.dock, self.hover.dock)

        self._build_menus()
        self._connect()
        self.setAcceptDrops(True)
        self.options.restore_window(self)
        if settings.dictionary_word:  # the panel shows what it showed when the window closed
            word, *reading = settings.dictionary_word
            self.hover.look_up(word, tuple(reading) or None)
        if not self.settings.translation_pane:
            self.help_dock.hide()

    def _connect(self) -> None:
        session = self.session
        session.opened.connect(self._on_opened)
        session.failed.connect(self.show_error)
        self.translator.saveFailed.connect(self.show_error)
        self.translator.currentChanged.connect(self.status.update_position)
        self.options.changed.connect(self._on_options_changed)
        self.options.paneToggled.connect(self.help_dock.setVisible)
        self.options.paneToggled.connect(lambda _on: self.translator.close_editor())
        self.vocabulary.coverageChanged.connect(self.status.coverage_label.setText)
        self.vocabulary.translationsChanged.connect(self._on_glossary_changed)
        self.translator.chosen = self.library.chosen_translations()
        self.hover.speech_note = self.speech.popup_note
        self.hover.speakRequested.connect(self.speech.say_word)
        for messenger in (self.exchange, self.segment_actions, self.options, self.vocabulary, self.segmentation,
                          self.speech):
            messenger.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.exchange.failed.connect(self.show_error)
        self.exchange.imported.connect(self._on_imported)
        self.view.wordHovered.connect(self.hover.on_hovered)
        self.view.wordClicked.connect(self.hover.on_clicked)
        self.hover.definitionChanged.connect(self.vocabulary.definition_changed)
        self.vocabulary.definitionChanged.connect(self.hover.definition_changed)
        self.view.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        # a join or split, a merge, and their undo change the words under a pointer that has not moved
        self.translator.undo_stack.indexChanged.connect(self._on_words_moved)
        self.view.editRequested.connect(self._edit_current)  # Enter on the reader

    def analysis_running(self) -> bool:
        return self.session.analysis_running()

    # --- menus --------------------------------------------------------------------------------------------
    def _action(self, menu, label: str, slot, shortcut=None, checked: bool | None = None) -> QAction:
        action = QAction(label, self)
        if shortcut is not None:
            keys = [QKeySequence(key) for key in (shortcut if isinstance(shortcut, list) else [shortcut])]
            # the same key listed twice (Ctrl+- and the platform's ZoomOut) makes Qt ignore it as ambiguous
            unique = {key.toString(): key for key in keys if not key.isEmpty()}
            action.setShortcuts(list(unique.values()))
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
        self._action(file_menu, self.tr("New from &Clipboard"), self.new_from_clipboard, QKeySequence("Ctrl+Shift+V"))
        self._action(file_menu, self.tr("&Library…"), self.show_library, QKeySequence("Ctrl+L"))
        file_menu.addSeparator()
        self._action(file_menu, self.tr("&Import Translation…"), self.exchange.choose_import)
        export_menu = file_menu.addMenu(self.tr("&Export Translation"))
        for fmt in FORMATS.values():
            self._action(export_menu, self.tr(fmt.label) + "…",
                         lambda _checked=False, name=fmt.name: self.exchange.choose_export(name))
        self._action(export_menu, self.tr("TMX 1.4 by sentence (for OmegaT and Trados)…"),
                     lambda: self.exchange.choose_export("tmx", "sentence"))
        file_menu.addSeparator()
        self._action(file_menu, self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        self._refresh_recent_menu()

        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        undo = self.translator.undo_stack.createUndoAction(self, self.tr("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.translator.undo_stack.createRedoAction(self, self.tr("&Redo"))
        redo_keys = [*QKeySequence.keyBindings(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Shift+Z"),
                     QKeySequence("Ctrl+Y")]
        redo.setShortcuts(list({key.toString(): key for key in redo_keys}.values()))
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        edit_menu.addSeparator()
        self._action(edit_menu, self.tr("&Find…"), lambda: self.find_bar.open_bar(), QKeySequence.StandardKey.Find)
        self._action(edit_menu, self.tr("Find and Repla&ce in Translation…"), self.find_bar.open_replace,
                     QKeySequence("Ctrl+H"))

        segment_menu = self.menuBar().addMenu(self.tr("&Segment"))
        self._action(segment_menu, self.tr("&Translate This Segment (Enter)"), self._edit_current,
                     QKeySequence(Qt.Key.Key_F2))
        self._action(segment_menu, self.tr("&Next Segment"), lambda: self.translator.move(1), QKeySequence("Ctrl+Down"))
        self._action(segment_menu, self.tr("&Previous Segment"), lambda: self.translator.move(-1),
                     QKeySequence("Ctrl+Up"))
        self._action(segment_menu, self.tr("Next &Untranslated"), self.translator.next_untranslated,
                     QKeySequence("Ctrl+U"))
        self._action(segment_menu, self.tr("Mark as &Done / Draft"), self.translator.toggle_done,
                     QKeySequence("Ctrl+Shift+D"))
        segment_menu.addSeparator()
        actions = self.segment_actions
        self._action(segment_menu, self.tr("&Merge with Next"), actions.merge, QKeySequence("Ctrl+M"))
        self._action(segment_menu, self.tr("&Split into Clauses"), actions.split, QKeySequence("Ctrl+Shift+M"))
        self.sentence_action = self._action(segment_menu, self.tr("Group by Sent&ence"), actions.group_by_sentence,
                                            None, False)
        actions.sentence_action = self.sentence_action
        self._action(segment_menu, self.tr("Target &Language…"), actions.choose_target_language)
        self._action(segment_menu, self.tr("Check &Consistency with Chosen Translations…"), self.check_consistency)
        segment_menu.addSeparator()
        for number in (1, 2, 3):
            self._action(segment_menu, self.tr("Insert Chosen Translation {0}").format(number),
                         lambda _checked=False, n=number: self.translator.insert_term(n),
                         QKeySequence(f"Alt+{number}"))
        for number in (1, 2, 3):
            self._action(segment_menu, self.tr("Insert Fuzzy Match {0}").format(number),
                         lambda _checked=False, n=number: self.translator.insert_match(n),
                         QKeySequence(f"Ctrl+{number}"))

        words_menu = self.menuBar().addMenu(self.tr("&Words"))
        words_menu.addAction(self.vocabulary.dock.toggleViewAction())
        self.vocabulary.dock.toggleViewAction().setShortcut(QKeySequence("Ctrl+Shift+W"))
        self._bring_to_front_when_shown(self.vocabulary.dock)
        self._action(words_menu, self.tr("Mark Every New Word on This Page &Known"), self.vocabulary.mark_page_known,
                     QKeySequence("Ctrl+Shift+K"))
        self._action(words_menu, self.tr("&Next Occurrence of the Selected Word"), self.vocabulary.next_occurrence,
                     QKeySequence(Qt.Key.Key_F3))
        self._action(words_menu, self.tr("&Choose a Translation for the Word…"), self.vocabulary.choose_translation,
                     QKeySequence("Ctrl+Shift+G"))
        self._action(words_menu, self.tr("Edit the Word's &Definition…"), self.vocabulary.edit_definition,
                     QKeySequence("Ctrl+Shift+E"))
        self._action(words_menu, self.tr("&Join with the Next Word"), self.segmentation.join_with_next,
                     QKeySequence("Ctrl+Shift+J"))
        self._action(words_menu, self.tr("S&plit the Word…"), self.segmentation.split_word,
                     QKeySequence("Ctrl+Shift+S"))
        self._action(words_menu, self.tr("&Import Known Words…"), self.import_known_words)
        words_menu.addSeparator()
        self._action(words_menu, self.tr("&Add to the Study List"), self.vocabulary.add_to_study,
                     QKeySequence("Ctrl+Shift+A"))
        self._action(words_menu, self.tr("Re&move from the Study List"), self.vocabulary.remove_from_study)
        self._action(words_menu, self.tr("Study Every New Word up to &HSK…"), self.vocabulary.add_new_up_to_hsk)
        self._action(words_menu, self.tr("Study the Most &Frequent New Words…"), self.vocabulary.add_most_frequent_new)
        self._action(words_menu, self.tr("&Export Vocabulary (Anki, Pleco, CSV, TBX)…"),
                     self.vocabulary.export_vocabulary)
        words_menu.addSeparator()
        hint = words_menu.addAction(self.tr("On a word under the pointer: 1 learning · K known · I ignore · N new"))
        hint.setEnabled(False)

        study_menu = self.menuBar().addMenu(self.tr("S&tudy"))
        self._action(study_menu, self.tr("&Review Flashcards…"), self.show_review, QKeySequence(Qt.Key.Key_F5))
        self._action(study_menu, self.tr("&Statistics…"), self.show_statistics)
        study_menu.addSeparator()
        self._action(study_menu, self.tr("Review &Options…"), self.show_review_options)
        self._action(study_menu, self.tr("S&uspended Cards…"), self.show_suspended)
        self._action(study_menu, self.tr("O&ptimise Scheduling from My Reviews"), self.optimise_scheduling)

        self.speech.build_menu(self.menuBar().addMenu(self.tr("&Listen")))
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.pane_action = self._action(view_menu, self.tr("T&ranslation Pane"), self.options.set_translation_pane,
                                        QKeySequence("Ctrl+Shift+T"), self.settings.translation_pane)
        self.ruby_action = self._action(view_menu, self.tr("&Pinyin Above Words"), self.options.set_ruby,
                                        QKeySequence("Ctrl+P"), self.settings.ruby)
        self.unknown_pinyin_action = self._action(
            view_menu, self.tr("Pinyin Only Over Words &Not Yet Known"), self.options.set_pinyin_unknown_only,
            QKeySequence("Ctrl+Shift+P"), self.settings.pinyin_unknown_only)
        self.tint_action = self._action(view_menu, self.tr("Tint Words by &Status"), self.options.set_status_tint,
                                        None, self.settings.status_tint)
        self.tone_action = self._action(view_menu, self.tr("&Tone Colours"), self.options.set_tone_colors,
                                        QKeySequence("Ctrl+T"), self.settings.tone_colors)
        tones_menu = view_menu.addMenu(self.tr("Ton&es"))
        written = tones_menu.addAction(self.tr("As in the &Dictionary"))
        self.spoken_action = tones_menu.addAction(self.tr("As &Spoken (一个 yí gè, 你好 ní hǎo)"))
        tones = QActionGroup(self)
        for action, spoken in ((written, False), (self.spoken_action, True)):
            action.setCheckable(True)
            action.setChecked(self.settings.spoken_tones == spoken)
            tones.addAction(action)
        self.spoken_action.toggled.connect(self.options.set_spoken_tones)
        self.spoken_action.setStatusTip(self.tr("Show 一 and 不 and third tones as they are said; the popup keeps "
                                                "the written tones"))
        self.dark_action = self._action(view_menu, self.tr("&Dark Theme"), self.options.set_dark,
                                        QKeySequence("Ctrl+D"), self.settings.theme == "dark")
        self.join_action = self._action(view_menu, self.tr("&Join Wrapped Lines"), self.set_join_lines, None, False)
        self.join_action.setStatusTip(self.tr("Read a hard-wrapped book's lines as the paragraphs they were cut "
                                              "from, for this document"))
        view_menu.addSeparator()
        self._action(view_menu, self.tr("Zoom &In"), lambda: self.options.zoom(1),
                     [QKeySequence("Ctrl+="), QKeySequence("Ctrl++"), QKeySequence.StandardKey.ZoomIn])
        self._action(view_menu, self.tr("Zoom &Out"), lambda: self.options.zoom(-1),
                     [QKeySequence("Ctrl+-"), QKeySequence.StandardKey.ZoomOut])
        view_menu.addSeparator()
        self._action(view_menu, self.tr("Ne&xt Clause"), lambda: self.view.move_current(1))
        self._action(view_menu, self.tr("Pre&vious Clause"), lambda: self.view.move_current(-1))
        view_menu.addAction(self.hover.dock.toggleViewAction())
        self._bring_to_front_when_shown(self.hover.dock)
        contents_action = self.contents.dock.toggleViewAction()
        contents_action.setText(self.tr("Table of &Contents"))
        contents_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        view_menu.addAction(contents_action)
        view_menu.addAction(self.help_dock.toggleViewAction())
        escape = QAction(self)
        escape.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        escape.triggered.connect(self.dismiss)
        self.addAction(escape)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self._action(help_menu, self.tr("&About studyapp"), self.show_about)

    @staticmethod
    def _bring_to_front_when_shown(dock: QDockWidget) -> None:
        """A panel turned on from a menu comes to the front of the tabs it shares its place with."""
        dock.toggleViewAction().triggered.connect(lambda shown: dock.raise_() if shown else None)

    def _refresh_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_files:
            action = self.recent_menu.addAction(displayable(path))  # Qt would drop a non-UTF-8 name's bytes
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        self.recent_menu.setEnabled(bool(self.settings.recent_files))

    # --- documents ----------------------------------------------------------------------------------------
    def choose_file(self) -> None:
        start = str(self.session.path.parent) if self.session.path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a Chinese text"), start,
                                              self.tr("Text files (*.txt *.text *.md);;All files (*)"))
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path | None, password: str | None = None) -> bool:
        """Open a text (the bundled sample for None); on bad input say why and keep what is open. A PDF protected
        by a password asks for it, again when it was wrong, until it opens or the reader cancels."""
        self._leave_document()
        self.statusBar().showMessage(self.tr("Opening {0}…").format(Path(path).name if path else self.tr("the sample")))
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            opened = self.session.open_path(path, password)
        finally:
            QApplication.restoreOverrideCursor()
            self.statusBar().clearMessage()
        needed = self.session.password_needed
        if needed is not None and path:
            password = self._ask_password(Path(path), needed.wrong)
            if password is not None:
                return self.open_path(path, password)
            self.show_error(needed.message)
            return False
        if opened and path:
            self.settings.remember(str(Path(path)))
            settings_store.save(self.settings)
            self._refresh_recent_menu()
        return opened

    def _ask_password(self, path: Path, wrong: bool) -> str | None:
        """The password of a protected PDF, as the reader types it (shown as dots); None when they cancel."""
        question = (self.tr("That is not the password of {0}. Try again:") if wrong
                    else self.tr("{0} is protected by a password. Password:")).format(path.name)
        password, ok = QInputDialog.getText(self, self.tr("Password"), question, QLineEdit.EchoMode.Password)
        return password if ok else None

    def _cue_start(self, row: int) -> str | None:
        """A subtitle cue's start time, shown in the margin by the first row of its cue."""
        model, cues = self.session.model, self.session.document.cues
        if model is None or not model.starts_paragraph(row):
            return None
        start = model.segments[row].start
        number = bisect_right(self._cue_offsets, start) - 1
        return cues[number][1].split(",")[0] if number >= 0 else None

    def new_from_clipboard(self) -> bool:
        """File > New from Clipboard: the text copied from an article becomes a document of the library."""
        pasted = QApplication.clipboard().text()
        if not pasted.strip():
            self.statusBar().showMessage(self.tr("The clipboard holds no text to open."), 6000)
            return False
        self._leave_document()
        return self.session.open_text(pasted)

    def open_from_library(self, identifier: str) -> None:
        self._leave_document()
        self.session.open_from_library(identifier)

    def _leave_document(self) -> None:
        self.translator.save_now()
        self.session.save_position(self.view.currentIndex().row())
        self.hover.hide()

    def _on_opened(self) -> None:
        model = self.session.model
        self._cue_offsets = [offset for offset, _start, _end in self.session.document.cues]
        self.delegate.margin_note = self._cue_start if self.session.document.cues else None
        self.delegate.apply_settings()
        self.view.setModel(model)
        self.translator.set_model(model, self.session.memory)
        self.view.selectionModel().currentChanged.connect(self._on_current_changed)
        info = self.session.opened_info
        set_checked_quietly(self.sentence_action, bool(info) and info.grouping == "sentence")
        self.view.go_to(min(info.position if info else 0, model.rowCount() - 1), center=True)
        self._show_title(info.title if info else self.session.path.name)
        set_checked_quietly(self.join_action, self.session.document.joined)
        self.contents.show_sections(self.session.document.sections)
        self.delegate.headings = {model.row_at_offset(offset) for _title, offset in self.session.document.sections}
        self.status.document_opened()

    def _show_title(self, title: str) -> None:
        self.setWindowTitle(f"{title} — studyapp")

    def set_join_lines(self, join: bool) -> None:
        """View > Join Wrapped Lines: the same text cut again, the reader kept at the same place in it."""
        model = self.session.model
        if model is None or self.session.document.joined == join:
            return
        row = max(0, self.view.currentIndex().row())
        offset = model.segments.starts[row] if model.rowCount() else 0
        self._leave_document()
        if self.session.set_join_lines(join):
            self.view.go_to(self.session.model.row_at_offset(offset), center=True)
            self.statusBar().showMessage(
                self.tr("Lines joined within paragraphs: a clause runs on where a line was only full.") if join
                else self.tr("Every line break ends a clause again."), 8000)
        elif self.session.document is not None:  # nothing changed: the tick shows what is in place
            set_checked_quietly(self.join_action, self.session.document.joined)

    def _on_imported(self, before) -> None:
        self.translator.set_memory(self.library.translated_pairs())
        self.translator.record_import(self.tr("Import"), before)

    def _on_current_changed(self, *_args) -> None:
        self.status.update_position()
        self.session.position_changed(self.view.currentIndex().row())

    # --- words and keys -----------------------------------------------------------------------------------
    def _on_scrolled(self) -> None:
        self.hover.hide()
        self.delegate.hovered = None

    def _on_words_moved(self) -> None:
        """The text under the pointer changed while the pointer stood still: the popup shows the word now there
        (after a join, the joined word), as if the pointer had just moved, or goes."""
        viewport = self.view.viewport()
        pointer = QCursor.pos()
        if QApplication.widgetAt(pointer) is not viewport:
            self._on_scrolled()
            return
        position = viewport.mapFromGlobal(pointer)
        QApplication.sendEvent(viewport, QMouseEvent(
            QMouseEvent.Type.MouseMove, QPointF(position), QPointF(pointer), Qt.MouseButton.NoButton,
            QApplication.mouseButtons(), QApplication.keyboardModifiers()))

    def dismiss(self) -> None:
        """Escape: close the popup, then the editor, then the find bar, then the pinned entry."""
        if self.translator.editing_row() >= 0:
            self.translator.close_editor()
        elif self.hover.popup.isVisible():
            self.hover.popup.hide()
        elif self.find_bar.isVisible():
            self.find_bar.close_bar()
        elif self.hover.dock.isVisible():
            self.hover.dock.hide()

    def _on_options_changed(self, relayout: bool) -> None:
        self.hover.clear_cache()
        self.hover.hide()  # the word under it moves when the text zooms or re-wraps
        if relayout:
            self.view.relayout()
        else:
            self.view.viewport().update()

    # --- segments -----------------------------------------------------------------------------------------
    def _edit_current(self) -> None:
        if self.settings.translation_pane and self.view.currentIndex().isValid():
            self.translator.edit(self.view.currentIndex().row())

    def _on_glossary_changed(self, chosen: dict) -> None:
        self.translator.chosen = chosen
        row = self.translator.editing_row()
        if row >= 0:
            self.translator.show_help(row)

    def check_consistency(self) -> None:
        from .consistency import ConsistencyDialog

        self.translator.save_now()
        self.consistency = ConsistencyDialog(self.session, self.view, self.library.chosen_translations(), self)
        self.consistency.show()

    def reviewer(self, library=None):
        """A reviewer with the learner's review options, which the library keeps."""
        from ..review import Reviewer

        return Reviewer(library or self.library)

    def show_review(self) -> None:
        from .review_view import ReviewWindow

        self.translator.save_now()  # cards show the clauses' translations as just typed
        self.review_window = ReviewWindow(self.reviewer(), self.delegate.cjk_family, self.analyzer, self)
        self.review_window.studied.connect(self.vocabulary.reload_statuses)
        self.review_window.openClause.connect(self.show_clause)
        self.speech.attach_review(self.review_window)
        self.review_window.show()
        self.review_window.raise_()
        self.review_window.activateWindow()  # its keys (Space, 1-4) must reach it at once

    def show_review_options(self) -> None:
        from .review_options import ReviewOptionsDialog

        ReviewOptionsDialog(self.library, self).exec()

    def show_suspended(self) -> None:
        from .review_options import SuspendedDialog

        SuspendedDialog(self.reviewer(), self).exec()

    def optimise_scheduling(self) -> None:
        from .review_options import optimise_in_background

        optimise_in_background(self.library.path, self.reviewer, self)

    def show_statistics(self) -> None:
        from .stats_view import StatisticsWindow

        self.statistics_window = StatisticsWindow(self.reviewer(), self)
        self.statistics_window.show()

    def show_clause(self, document_id: str, clause: str, position: int = -1) -> None:
        """From a card to its clause in the reader (opening its document if another one is open), found by the
        document's own find, which reads across the line breaks of a hard-wrapped book; from ``position`` on
        when the card knows where its clause starts, since a clause may occur more than once."""
        if document_id != self.session.document_id:
            self.open_from_library(document_id)
        document = self.session.document
        found = document.find(clause, max(position, 0)) if document else -1
        if found < 0 and position > 0:
            found = document.find(clause)
        if found >= 0:
            self.view.go_to(self.session.model.row_at_offset(found), center=True)
            self.raise_()
            self.activateWindow()

    def import_known_words(self) -> None:
        from ..deck import TermStatus, read_word_list
        from ..errors import StudyAppError

        file, _ = QFileDialog.getOpenFileName(self, self.tr("Import known words"), str(Path.home()), self.tr(
            "Word lists (*.txt *.csv *.tsv);;All files (*)"))
        if not file:
            return
        try:
            words = read_word_list(Path(file))
        except StudyAppError as error:
            self.show_error(str(error))
            return
        self.vocabulary.set_status(words, TermStatus.KNOWN)
        self.statusBar().showMessage(self.tr("Marked {0} words known; {1} of them occur in your library's texts.")
                                     .format(len(words), self.library.known_in_library(words)), 8000)

    def show_library(self) -> None:
        from .library_dialog import LibraryDialog

        self.translator.save_now()
        dialog = LibraryDialog(self.library, self.session.document_id, self)
        if dialog.exec() and dialog.chosen:
            self.open_from_library(dialog.chosen)
        elif self.session.document_id:
            info = self.library.document_info(self.session.document_id)
            if info is None:
                self.open_path(None)  # the open document was deleted
            else:
                self._show_title(info.title)  # it may have been renamed

    # --- misc ---------------------------------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        log.warning("shown to the user: %s", message)
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

    def showEvent(self, event) -> None:
        super().showEvent(event)
        timings.mark("window shown")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.session.cancel_opening()
        self.translator.save_now()
        self.session.save_position(self.view.currentIndex().row())
        cancel_all()
        self.session.close()
        self.hover.hide()
        shown = self.hover.shown
        self.settings.dictionary_word = [shown.text, *(shown.pinyin or ())] if shown is not None else []
        self.options.remember_window(self)
        super().closeEvent(event)

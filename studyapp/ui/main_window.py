"""The main window: menus (declared as a table) and layout. The document's life, words under the pointer, find
and replace, translating, exchange and study each live in their own object; this class lays out their widgets,
declares the menus that reach them and wires their signals."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import timings
from ..library import Library
from ..reading.analysis import Analyzer
from ..reading.dictionary import ATTRIBUTION
from ..settings import Settings
from ..translation.exchange import FORMATS
from .contents import ContentsPanel
from .document_actions import DocumentActions
from .document_session import DocumentSession
from .exchange_actions import ExchangeActions
from .find import FindController
from .find_bar import FindBar
from .heat_strip import HeatStrip
from .menus import SEPARATOR, Existing, Item, Menu, build_menus, make_action
from .qt import QCloseEvent, QHBoxLayout, QKeySequence, QMainWindow, QMessageBox, Qt, QVBoxLayout, QWidget
from .reader import ClauseDelegate, ReaderView
from .segment_actions import SegmentActions
from .segmentation import SegmentationFixer
from .speech_actions import SpeechActions
from .status_bar import DocumentStatus
from .study_actions import StudyActions
from .translation_pane import TranslationController, help_dock
from .view_options import ViewOptions
from .vocabulary import VocabularyController
from .word_hover import WordHover

if TYPE_CHECKING:
    from ..study.review import Reviewer

log = logging.getLogger(__name__)
Std = QKeySequence.StandardKey


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
        self.documents = DocumentActions(self)
        self.study = StudyActions(self)
        self.speech = SpeechActions(self, settings, self.view, self.session)

        # the Dictionary and the Vocabulary share one place beside the reader, as tabs; one turned on from a menu
        # comes to the front
        self.tabifyDockWidget(self.vocabulary.dock, self.hover.dock)
        for dock in (self.vocabulary.dock, self.hover.dock):
            dock.toggleViewAction().triggered.connect(lambda shown, dock=dock: dock.raise_() if shown else None)

        self.undo_action = self.translator.undo_stack.createUndoAction(self, self.tr("&Undo"))
        self.redo_action = self.translator.undo_stack.createRedoAction(self, self.tr("&Redo"))
        build_menus(self, self._menus())
        self.speech.build_menu(self.listen_menu)
        self.addAction(make_action(self, Item("", "dismiss", (Qt.Key.Key_Escape,))))
        self.segment_actions.sentence_action = self.sentence_action
        self.documents.refresh_recent_menu()
        self._connect()
        self.options.restore_window(self)
        if settings.dictionary_word:  # the panel shows what it showed when the window closed
            word, *reading = settings.dictionary_word
            self.hover.look_up(word, tuple(reading) or None)
        if not self.settings.translation_pane:
            self.help_dock.hide()

    def _menus(self) -> list[Menu]:
        """Every menu item: label, handler (a path from this window), keys, and for a tick its starting state."""
        s = self.settings
        redo = (*QKeySequence.keyBindings(Std.Redo), "Ctrl+Shift+Z", "Ctrl+Y")
        return [
            Menu("&File", [
                Item("&Open…", "documents.choose_file", (Std.Open,)),
                Menu("Open &Recent", [], name="recent_menu"),
                Item("Open the &Sample Text", "documents.open_path", args=(None,)),
                Item("New from &Clipboard", "documents.new_from_clipboard", ("Ctrl+Shift+V",)),
                Item("&Library…", "documents.show_library", ("Ctrl+L",)),
                Item("Attach &Recording…", "speech.recordings.choose_file"),
                SEPARATOR,
                Item("&Import Translation…", "exchange.choose_import"),
                Menu("&Export Translation", [
                    *(Item(f"{fmt.label}…", "exchange.choose_export", args=(fmt.name,)) for fmt in FORMATS.values()),
                    Item("TMX 1.4 by sentence (for OmegaT and Trados)…", "exchange.choose_export",
                         args=("tmx", "sentence"))]),
                SEPARATOR,
                Item("&Quit", "close", (Std.Quit,))]),
            Menu("&Edit", [
                Existing("undo_action", keys=(Std.Undo,)),
                Existing("redo_action", keys=redo),
                SEPARATOR,
                Item("&Find…", "find_bar.open_bar", (Std.Find,)),
                Item("Find and Repla&ce in Translation…", "find_bar.open_replace", ("Ctrl+H",))]),
            Menu("&Segment", [
                Item("&Translate This Segment (Enter)", "translator.edit_current", (Qt.Key.Key_F2,)),
                Item("&Next Segment", "translator.move", ("Ctrl+Down",), args=(1,)),
                Item("&Previous Segment", "translator.move", ("Ctrl+Up",), args=(-1,)),
                Item("Next &Untranslated", "translator.next_untranslated", ("Ctrl+U",)),
                Item("Mark as &Done / Draft", "translator.toggle_done", ("Ctrl+Shift+D",)),
                SEPARATOR,
                Item("&Merge with Next", "segment_actions.merge", ("Ctrl+M",)),
                Item("&Split into Clauses", "segment_actions.split", ("Ctrl+Shift+M",)),
                Item("Group by Sent&ence", "segment_actions.group_by_sentence", checked=False, name="sentence_action"),
                Item("Target &Language…", "segment_actions.choose_target_language"),
                Item("Check &Consistency with Chosen Translations…", "segment_actions.check_consistency"),
                SEPARATOR,
                *(Item("Insert Chosen Translation {0}", "translator.insert_term", (f"Alt+{n}",), (n,))
                  for n in (1, 2, 3)),
                *(Item("Insert Fuzzy Match {0}", "translator.insert_match", (f"Ctrl+{n}",), (n,)) for n in (1, 2, 3))]),
            Menu("&Words", [
                Existing("vocabulary.dock.toggleViewAction", keys=("Ctrl+Shift+W",)),
                Item("Mark Every New Word on This Page &Known", "vocabulary.mark_page_known", ("Ctrl+Shift+K",)),
                Item("&Next Occurrence of the Selected Word", "vocabulary.next_occurrence", (Qt.Key.Key_F3,)),
                Item("&Choose a Translation for the Word…", "vocabulary.choose_translation", ("Ctrl+Shift+G",)),
                Item("Edit the Word's &Definition…", "vocabulary.edit_definition", ("Ctrl+Shift+E",)),
                Item("&Join with the Next Word", "segmentation.join_with_next", ("Ctrl+Shift+J",)),
                Item("S&plit the Word…", "segmentation.split_word", ("Ctrl+Shift+S",)),
                Item("&Import Known Words…", "study.import_known_words"),
                SEPARATOR,
                Item("&Add to the Study List", "vocabulary.add_to_study", ("Ctrl+Shift+A",)),
                Item("Re&move from the Study List", "vocabulary.remove_from_study"),
                Item("Study Every New Word up to &HSK…", "vocabulary.add_new_up_to_hsk"),
                Item("Study the Most &Frequent New Words…", "vocabulary.add_most_frequent_new"),
                Item("&Export Vocabulary (Anki, Pleco, CSV, TBX)…", "vocabulary.export_vocabulary"),
                SEPARATOR,
                Item("On a word under the pointer: 1 learning · K known · I ignore · N new", enabled=False)]),
            Menu("S&tudy", [
                Item("&Review Flashcards…", "show_review", (Qt.Key.Key_F5,)),
                Item("&Statistics…", "show_statistics"),
                SEPARATOR,
                Item("Review &Options…", "study.show_review_options"),
                Item("S&uspended Cards…", "study.show_suspended"),
                Item("O&ptimise Scheduling from My Reviews", "study.optimise_scheduling")]),
            Menu("&Listen", [], name="listen_menu"),  # filled by the speech actions: voices are found at run time
            Menu("&View", [
                Item("T&ranslation Pane", "options.set_translation_pane", ("Ctrl+Shift+T",), checked=s.translation_pane,
                     name="pane_action"),
                Item("&Pinyin Above Words", "options.set_ruby", ("Ctrl+P",), checked=s.ruby, name="ruby_action"),
                Item("Pinyin Only Over Words &Not Yet Known", "options.set_pinyin_unknown_only", ("Ctrl+Shift+P",),
                     checked=s.pinyin_unknown_only, name="unknown_pinyin_action"),
                Item("Tint Words by &Status", "options.set_status_tint", checked=s.status_tint, name="tint_action"),
                Item("&Tone Colours", "options.set_tone_colors", ("Ctrl+T",), checked=s.tone_colors,
                     name="tone_action"),
                Menu("Ton&es", [
                    Item("As in the &Dictionary", checked=not s.spoken_tones, group="tones"),
                    Item("As &Spoken (一个 yí gè, 你好 ní hǎo)", "options.set_spoken_tones", checked=s.spoken_tones,
                         group="tones", name="spoken_action",
                         tip="Show 一 and 不 and third tones as they are said; the popup keeps the written tones")]),
                Item("&Dark Theme", "options.set_dark", ("Ctrl+D",), checked=s.theme == "dark", name="dark_action"),
                Item("&Join Wrapped Lines", "documents.set_join_lines", checked=False, name="join_action",
                     tip="Read a hard-wrapped book's lines as the paragraphs they were cut from, for this document"),
                SEPARATOR,
                Item("Zoom &In", "options.zoom", ("Ctrl+=", "Ctrl++", Std.ZoomIn), (1,)),
                Item("Zoom &Out", "options.zoom", ("Ctrl+-", Std.ZoomOut), (-1,)),
                SEPARATOR,
                Item("Ne&xt Clause", "view.move_current", args=(1,)),
                Item("Pre&vious Clause", "view.move_current", args=(-1,)),
                Existing("hover.dock.toggleViewAction"),
                Existing("contents.dock.toggleViewAction", "Table of &Contents", ("Ctrl+Shift+O",)),
                Existing("help_dock.toggleViewAction")]),
            Menu("&Help", [Item("&About studyapp", "show_about")]),
        ]

    def _connect(self) -> None:
        self.session.failed.connect(self.show_error)
        self.translator.saveFailed.connect(self.show_error)
        self.translator.currentChanged.connect(self.status.update_position)
        self.options.changed.connect(self.hover.options_changed)
        self.options.changed.connect(self.view.options_changed)
        self.options.paneToggled.connect(self.help_dock.setVisible)
        self.options.paneToggled.connect(lambda _on: self.translator.close_editor())
        self.vocabulary.coverageChanged.connect(self.status.coverage_label.setText)
        self.vocabulary.translationsChanged.connect(self.translator.set_chosen)
        self.translator.chosen = self.library.chosen_translations()
        for messenger in (self.exchange, self.segment_actions, self.options, self.vocabulary, self.segmentation,
                          self.speech):
            messenger.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.exchange.failed.connect(self.show_error)
        self.exchange.imported.connect(self._on_imported)
        self.view.wordHovered.connect(self.hover.on_hovered)
        self.view.wordClicked.connect(self.hover.on_clicked)
        self.hover.definitionChanged.connect(self.vocabulary.definition_changed)
        self.vocabulary.definitionChanged.connect(self.hover.definition_changed)
        self.view.verticalScrollBar().valueChanged.connect(self.view.forget_hovered)
        # a join or split, a merge, and their undo change the words under a pointer that has not moved
        self.translator.undo_stack.indexChanged.connect(self.view.follow_still_pointer)
        self.view.editRequested.connect(self.translator.edit_current)  # Enter on the reader

    def analysis_running(self) -> bool:
        """Whether a text is still opening or being analysed (a screenshot waits for both)."""
        return self.session.opening() or self.session.analysis_running()

    def open_path(self, path: str | Path | None = None, password: str | None = None,
                  then: Callable[[bool], None] | None = None) -> None:
        """Open a text (the bundled sample for None), as File > Open does; ``then(opened)`` follows the job."""
        self.documents.open_path(path, password, then)

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

    def _on_imported(self, before) -> None:
        self.translator.set_memory(self.library.translated_pairs())
        self.translator.record_import(self.tr("Import"), before)

    def reviewer(self, library: Library | None = None) -> Reviewer:
        """A reviewer with the learner's review options, which the library keeps."""
        from ..study.review import Reviewer

        return Reviewer(library or self.library)

    def show_review(self) -> None:
        self.review_window = self.study.show_review()

    def show_statistics(self) -> None:
        self.statistics_window = self.study.show_statistics()

    def show_error(self, message: str) -> None:
        log.warning("shown to the user: %s", message)
        self.statusBar().showMessage(message, 10000)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("studyapp"), message, QMessageBox.StandardButton.Ok, self)
        box.setModal(True)
        box.open()
        self.last_error = message

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About studyapp"), self.tr(
            "<h3>studyapp</h3><p>Read, study and translate Chinese text clause by clause.</p>"
            "<p>{0}</p><p>Word segmentation: jieba (MIT) through rjieba. Readings: pypinyin (MIT). "
            "Font: Noto Sans CJK (SIL Open Font License).</p>").format(ATTRIBUTION))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        timings.mark("window shown")

    def dragEnterEvent(self, event) -> None:
        self.documents.drag_entered(event)

    def dropEvent(self, event) -> None:
        self.documents.dropped(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.documents.close()
        self.session.finish_storing()  # a text opened just now is kept, though its store began after its paint
        shown = self.hover.shown
        self.settings.dictionary_word = [shown.text, *(shown.pinyin or ())] if shown is not None else []
        self.options.remember_window(self)
        super().closeEvent(event)

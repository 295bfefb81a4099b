"""Words under the pointer: the hover popup, and the entry pinned in the Dictionary dock by a click."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from html import escape

from ..library import Library
from ..reading.analysis import Analyzer, Token
from ..reading.wordinfo import describe
from ..settings import Settings
from .entry_html import reading_html, word_html
from .popup import WordPopup
from .qt import QDockWidget, QMainWindow, QObject, QRect, Qt, QTextBrowser, Signal

HTML_CACHE_SIZE = 2000


class WordHover(QObject):
    """Listens to the reader's ``wordHovered``/``wordClicked``; owns the popup and the Dictionary dock."""

    definitionChanged = Signal(str)  # a word whose sense the learner chose in the panel
    speakRequested = Signal(object)  # a Token: the panel's Speak link

    def __init__(self, window: QMainWindow, analyzer: Analyzer, settings: Settings,
                 library: Library | None = None) -> None:
        super().__init__(window)
        self.analyzer = analyzer
        self.settings = settings
        self.library = library  # where a chosen sense is kept (with the learner's own definitions)
        self.popup = WordPopup(window)
        self.popup.linkClicked.connect(self._follow_popup)
        self.popup_token: Token | None = None  # the word the popup shows
        self.entry_panel = QTextBrowser(window)
        self.entry_panel.setOpenLinks(False)  # lookup: links are ours; others go to the browser
        self.entry_panel.anchorClicked.connect(self._follow)
        self.dock = QDockWidget(self.tr("Dictionary"), window)
        self.dock.setObjectName("dictionaryDock")
        self.dock.setWidget(self.entry_panel)
        self.dock.setMinimumWidth(300)
        # beside the reader, never over it: floating, it covered the translations and the Vocabulary table
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self.entry_panel.setHtml(self.tr("<p>Click a word in the text to see its dictionary entry here.</p>"))
        self._html: OrderedDict[tuple, str] = OrderedDict()
        self.clicked: tuple[int, Token] | None = None
        self.shown: Token | None = None  # the word in the panel (clicked, or looked up from a reference)
        #: set by the window: (row, token, reading or None) -> the token as now read
        self.pin_reading: Callable[[int, Token, tuple[str, ...] | None], Token | None] | None = None
        #: set by the window: the popup's last line, on speech (the key, and whether the voice follows the reading)
        self.speech_note: Callable[[], str] | None = None

    def word_html(self, token: Token, full: bool = False) -> str:
        own, sense = self._learners_definition(token.text) if full else (None, None)
        key = (token.text, token.pinyin, token.source, self.settings.tone_colors, full, own, sense)
        html = self._html.get(key)
        if html is None:
            info = describe(token.text, self.analyzer, token.pinyin)
            others = [r for r in self.analyzer.readings_of(token.text) if r != token.pinyin] if token.pinyin else []
            html = self._html[key] = word_html(info, self.settings.tone_colors, full, own, sense) + \
                reading_html(token, others, full)
            if len(self._html) > HTML_CACHE_SIZE:
                self._html.popitem(last=False)
        return html

    def clear_cache(self) -> None:
        self._html.clear()

    def _learners_definition(self, word: str) -> tuple[str | None, str | None]:
        """The definition the learner typed for the word, and the sense they chose."""
        if self.library is None:
            return None, None
        return self.library.own_definitions().get(word), self.library.chosen_senses().get(word)

    def _show(self, token: Token) -> None:
        self.shown = token
        speak = f"<p><a href='speak:'>▶ {escape(self.tr('Speak'))}</a></p>" if self.speech_note else ""
        self.entry_panel.setHtml(self.word_html(token, full=True) + speak)

    def choose_sense(self, index: int | None) -> None:
        """The sense numbered ``index`` among the panel word's (as ``describe`` orders them) goes first on its
        cards, in the deck and in exports; None gives the word back to the dictionary's order. It replaces a
        definition typed before (one typed later, with E in review, stands over it)."""
        token = self.shown
        if token is None or self.library is None:
            return
        info = describe(token.text, self.analyzer, token.pinyin)
        senses = [sense for entry in info.entries for sense in entry.definitions]
        if index is not None and not 0 <= index < len(senses):
            return
        self.library.choose_sense(token.text, senses[index] if index is not None else None)
        self._show(token)
        self.definitionChanged.emit(token.text)

    def definition_changed(self, word: str) -> None:
        """A definition changed elsewhere (the deck): the panel, if it shows the word, says so."""
        if self.shown is not None and self.shown.text == word:
            self._show(self.shown)

    def on_hovered(self, _row: int, token: Token | None, box: QRect) -> None:
        if token is None or token.kind != "word":
            if not self.popup.holds_pointer():  # on its way to the popup's Speak link, the pointer leaves the word
                self.popup.hide()
            return
        note = ""
        if self.speech_note:
            note = (f"<p style='color:gray'><a href='speak:'>▶ {escape(self.tr('Speak'))}</a> — "
                    f"{escape(self.speech_note())}</p>")
        self.popup_token = token
        self.popup.show_word(token.text, self.word_html(token) + note, box)

    def _follow_popup(self, link: str) -> None:
        if link == "speak:" and self.popup_token is not None:
            self.speakRequested.emit(self.popup_token)

    def on_clicked(self, row: int, token: Token, _box: QRect) -> None:
        if token.kind != "word":
            return
        self.popup.hide()
        self.clicked = (row, token)  # the occurrence a reading chosen in the panel is pinned to
        self._show(token)
        self.dock.show()
        self.dock.raise_()  # the tab in front where it shares its place with another panel

    def look_up(self, word: str, reading: tuple[str, ...] | None = None) -> None:
        """Show a word's entry in the panel, not tied to a place in the text (a reference, the last session's)."""
        self._show(Token(0, len(word), word, "word", reading or self.analyzer.reading(word)))

    def _follow(self, url) -> None:
        """A word a definition refers to (see 自个儿 …): its entry replaces the one shown. A reading (pin:) is
        pinned to the occurrence clicked; unpin: gives it back to the analysis. sense:N chooses a sense."""
        if url.scheme() in ("pin", "unpin") and self.clicked is not None:
            row, token = self.clicked
            reading = tuple(url.path().split("_")) if url.scheme() == "pin" else None
            now = self.pin_reading(row, token, reading) if self.pin_reading is not None else None
            if now is not None:
                self.clicked = (row, now)
                self._show(now)
        elif url.scheme() == "speak" and self.shown is not None:
            self.speakRequested.emit(self.shown)
        elif url.scheme() == "sense":
            self.choose_sense(int(url.path()) if url.path().isdigit() else None)
        elif url.scheme() == "lookup":
            self.look_up(url.path())
        else:
            from .qt import QDesktopServices

            QDesktopServices.openUrl(url)

    def hide(self) -> None:
        self.popup.hide()

    def options_changed(self, _relayout: bool) -> None:
        """Entries are written in the tone colours of the options; the word under the popup moves when the text
        zooms or re-wraps."""
        self.clear_cache()
        self.hide()

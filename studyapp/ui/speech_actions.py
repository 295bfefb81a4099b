"""Speech in the window: P says the word under the pointer, Shift+P the current clause, a row's ▶ (in its margin)
that row's clause, the Dictionary panel's Speak link its word, R (in review) the card's word, and the Listen menu
sets the speed, the voice and speaking words on reveal.

Every request is said as the reader reads it (``speech.utterance`` of the tokens on screen, pins included).
Synthesis and opening the sound device run in a job; a new request stops the sound still playing.
"""

from __future__ import annotations

import threading

from .. import settings as settings_store
from ..listening.speech import choose, engines, utterance, utterance_of
from ..listening.voices import Engine, NoMandarinVoice, Utterance, Voice
from ..reading.analysis import Token
from ..settings import Settings
from .ops import Job, run_job
from .qt import QAction, QActionGroup, QEvent, QKeyEvent, QMenu, QObject, Qt, Signal
from .recording_actions import RecordingActions
from .recording_review import ReviewClips
from .speech_player import Player

RATES = (0.5, 0.75, 1.0, 1.25, 1.5)


class SpeechActions(QObject):
    requested = Signal(object)  # every Utterance asked for, as it is asked (before any sound)
    message = Signal(str)  # a line for the status bar: no voice, no sound device
    voicesFound = Signal()

    def __init__(self, window, settings: Settings, view, session) -> None:
        super().__init__(window)
        self.settings, self.view, self.session = settings, view, session
        self.player = Player()
        self._found = FoundEngines()
        self.voices: list[Voice] = []
        self.takes_reading: bool | None = None  # does the voice in use say the app's reading? None: not known yet
        self._job: Job | None = None
        view.installEventFilter(self)
        view.clause_delegate.speaker = True
        view.speakClicked.connect(self.say_row)
        window.hover.speech_note = self.popup_note
        window.hover.speakRequested.connect(self.say_word)
        self.recordings = RecordingActions(window, self)  # one sound at a time: the recording plays through ours
        self.review_clips = ReviewClips(window, self, self.recordings)
        # looked for once the first text is on screen: eSpeak's wheel and library (or a system's list, a program
        # run) took 20-30 ms of the interpreter from the opening job and the first paint
        session.opened.connect(self._find_voices_after_paint)

    def _find_voices_after_paint(self) -> None:
        self.session.opened.disconnect(self._find_voices_after_paint)
        found = self._found  # jobs get plain objects, never this controller's methods
        self.session.after_paint(lambda: run_job(lambda _report, _cancelled: found(), self._on_found,
                                                 name="find voices"))

    def _on_found(self, found: list[Engine]) -> None:
        self.voices = [voice for engine in found for voice in engine.voices()]
        try:
            engine, _voice = choose(self.settings.speech_voice, found)
            self.takes_reading = engine.takes_reading
        except NoMandarinVoice:
            self.takes_reading = None
        self.voicesFound.emit()

    # --- requests -------------------------------------------------------------------------------------------
    def say(self, said: Utterance) -> None:
        """Say ``said`` (stopping whatever is playing), off the GUI thread."""
        self.requested.emit(said)
        if self._job is not None:
            self._job.cancel()
        turn = self.player.next_turn()
        rate, voice = self.settings.speech_rate, self.settings.speech_voice or None
        found, player = self._found, self.player
        self._job = run_job(lambda _report, _cancelled: _speak(found, player, said, rate, voice, turn),
                            failure=self.message.emit, name="speech")

    def stop(self) -> None:
        if self._job is not None:
            self._job.cancel()
        self.player.stop()
        found = self._found.known()
        if any(not engine.writes_wav for engine in found):
            run_job(lambda _report, _cancelled: [e.stop() for e in found if not e.writes_wav], name="stop speech")

    def say_word(self, token: Token) -> None:
        self.say(utterance(token.text, [token]))

    def say_hovered_word(self) -> bool:
        """The word under the pointer (else the one last clicked); False when there is none."""
        found = self.view.word_for_action()
        if found is None:
            return False
        self.say_word(found[1])
        return True

    def say_clause(self) -> None:
        """The current clause (segment) of the reader, as its row reads."""
        index = self.view.currentIndex()
        if self.session.model is None or not index.isValid():
            self.message.emit(self.tr("Choose a clause first (click it, or J and K)."))
            return
        self.say_row(index.row())

    def say_row(self, row: int) -> None:
        """One row's clause, as the row reads (its ▶ in the margin, or Shift+P on the current row)."""
        model = self.session.model
        self.say(utterance(model.source_text(row), model.tokens(row)))

    def say_card(self, word: str, reading: str) -> None:
        self.say(utterance(word, [Token(0, len(word), word, "word", tuple(reading.split()) or None)]))

    def eventFilter(self, watched, event) -> bool:
        """On the reader: P says the word under the pointer, Shift+P the current clause (not menu shortcuts:
        they would take a capital P from the translation editor)."""
        if watched is self.view and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_P:
            if event.modifiers() == Qt.KeyboardModifier.ShiftModifier:
                self.say_clause()
                return True
            if event.modifiers() == Qt.KeyboardModifier.NoModifier and self.say_hovered_word():
                return True
        return super().eventFilter(watched, event)

    # --- review ---------------------------------------------------------------------------------------------
    def attach_review(self, review) -> None:
        """The review window says its card's word on reveal (when the option is on) and on R, and its clause on
        Shift+R."""
        review.speak_on_reveal = self.settings.speak_on_reveal
        review.speakRequested.connect(self.say_card)
        review.speakClauseRequested.connect(self.say_text)
        self.review_clips.attach_review(review)

    def say_text(self, text: str) -> None:
        """Any text (a card's clause), read as the reader reads it: one clause's analysis, a few ms."""
        self.say(utterance_of(text, self.parent().analyzer))

    # --- the Listen menu ------------------------------------------------------------------------------------
    def build_menu(self, menu: QMenu) -> None:
        word = menu.addAction(self.tr("Speak the &Word Under the Pointer (P)"))
        word.triggered.connect(self.say_hovered_word)
        clause = menu.addAction(self.tr("Speak the Current &Clause (Shift+P)"))
        clause.triggered.connect(self.say_clause)
        menu.addAction(self.tr("&Stop Speaking")).triggered.connect(self.stop)
        menu.addSeparator()
        speed = menu.addMenu(self.tr("S&peed"))
        group = QActionGroup(speed)
        for rate in RATES:
            action = speed.addAction(f"{rate:g}×")
            action.setCheckable(True)
            action.setChecked(abs(rate - self.settings.speech_rate) < 0.01)
            action.triggered.connect(lambda _on, rate=rate: self._set("speech_rate", rate))
            group.addAction(action)
        self.voice_menu = menu.addMenu(self.tr("&Voice"))
        self.voice_menu.aboutToShow.connect(self._fill_voice_menu)
        reveal = menu.addAction(self.tr("Speak Words on &Reveal in Review"))
        reveal.setCheckable(True)
        reveal.setChecked(self.settings.speak_on_reveal)
        reveal.toggled.connect(lambda on: self._set("speak_on_reveal", on))
        self.recordings.build_menu(menu)
        self.review_clips.build_menu(menu)

    def _set(self, option: str, value) -> None:
        setattr(self.settings, option, value)
        settings_store.save(self.settings)

    def _fill_voice_menu(self) -> None:
        menu = self.voice_menu
        menu.clear()
        if not self.voices:
            menu.addAction(self.tr("No Mandarin voice found yet")).setEnabled(False)
            return
        group = QActionGroup(menu)
        current = self.settings.speech_voice or self.voices[0].id
        for voice in self.voices:
            action = QAction(voice.name, menu)
            action.setCheckable(True)
            action.setChecked(voice.id == current)
            action.triggered.connect(lambda _on, voice=voice: self.choose_voice(voice.id))
            group.addAction(action)
            menu.addAction(action)

    def choose_voice(self, voice_id: str) -> None:
        self._set("speech_voice", voice_id)
        if self._found.known():
            self._on_found(self._found.known())

    def popup_note(self) -> str:
        """The line the hover popup ends with (after its Speak link): the key, and whether the voice follows the
        reading shown."""
        if self.takes_reading is False:
            return self.tr("P speaks it; this voice reads the hanzi by itself, not the pinyin shown.")
        return self.tr("P speaks it, as read here.")


class FoundEngines:
    """The engines that can speak here, found once off the GUI thread (a system's list runs a program), shared by
    the jobs that speak."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engines: list[Engine] | None = None

    def __call__(self) -> list[Engine]:
        with self._lock:
            if self._engines is None:
                self._engines = engines()
                for engine in self._engines:
                    engine.voices()
            return self._engines

    def known(self) -> list[Engine]:
        """What was found so far, without looking (an empty list before the first look ends)."""
        return self._engines or []


def _speak(found: FoundEngines, player: Player, said: Utterance, rate: float, voice: str | None, turn: int) -> None:
    engine, chosen = choose(voice, found())
    wav = engine.synthesize(said, rate, chosen)
    if wav is not None:  # None: the engine played it itself (speech-dispatcher)
        player.play(wav, turn)

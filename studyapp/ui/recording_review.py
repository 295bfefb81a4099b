"""Review plays a card's clause as its text's recording has it: on reveal (Listen > Play the Clause's Recording on
Reveal in Review) and on A. The span is the core's (``ClauseSounds``): the clip the card's .apkg carries."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from .. import settings as settings_store
from ..document import ClauseSounds
from ..library import Library
from ..listening.recordings import Recorded, clip, clips, wav_bytes
from .ops import run_job
from .qt import QMenu, QObject, Signal

if TYPE_CHECKING:
    from .main_window import MainWindow
    from .recording_actions import RecordingActions


class ReviewClips(QObject):
    message = Signal(str)  # one line for the status bar: a recording gone, no sound device
    clipPlayed = Signal(bytes)  # a card's clip (WAV), as review starts it
    clipFound = Signal(object)  # the lookup's end: the card's clip (WAV bytes), or None when its clause has none

    def __init__(self, window: MainWindow, speech, recordings: RecordingActions) -> None:
        super().__init__(window)
        self.window, self._speech, self._recordings = window, speech, recordings
        self._card_sounds: CardSounds | None = None  # where review's cards are heard, read once per review window
        self.message.connect(recordings.message)

    def build_menu(self, menu: QMenu) -> None:
        menu.addSeparator()
        reveal = menu.addAction(self.tr("Play the Clause's Recording on Reveal in Review"))
        reveal.setCheckable(True)
        reveal.setChecked(self.window.settings.play_clip_on_reveal)
        reveal.toggled.connect(self._set_on_reveal)

    def _set_on_reveal(self, on: bool) -> None:
        self.window.settings.play_clip_on_reveal = on
        settings_store.save(self.window.settings)

    def attach_review(self, review) -> None:
        """The review plays a card's clause as recorded on reveal (when the option is on) and on A."""
        review.play_clip_on_reveal = self.window.settings.play_clip_on_reveal
        review.clipRequested.connect(self.play_card_clip)
        self._drop_card_sounds()  # read again for this review: bookmarks may have changed since the last one
        review.finished.connect(lambda _result: self._drop_card_sounds())

    def _drop_card_sounds(self) -> None:
        old, self._card_sounds = self._card_sounds, None
        if old is not None:
            run_job(lambda _report, _cancelled: old.close(), name="close card sounds")

    def play_card_clip(self, card) -> None:
        """The recorded span of a card's clause, found, cut and played in jobs; nothing when the clause has none.
        It stops whatever sounds (speech, the reader's recording), as any new sound does."""
        if card.document_id is None or card.position is None:
            return
        session, player = self.window.session, self._speech.player
        document = session.document if session.document_id == card.document_id else None
        audio = self._recordings.audio if document is not None else None  # the open text's, decoded already
        if self._card_sounds is None:
            self._card_sounds = CardSounds(self.window.library.path)
        sounds = self._card_sounds

        def work(_report, _cancelled) -> bytes | None:
            recorded = sounds.at(card.document_id, card.position, document)
            if recorded is None:
                return None
            sound = clip(audio, recorded.span) if audio is not None else clips(recorded.recording, [recorded.span])[0]
            return wav_bytes(sound) if sound.frames else None  # a cue past the recording's end: nothing to hear

        def found(wav: bytes | None) -> None:
            self.clipFound.emit(wav)
            if wav is not None:
                turn = player.next_turn()
                run_job(lambda _report, _cancelled: player.play(wav, turn), failure=self.message.emit,
                        name="play card clip")
                self.clipPlayed.emit(wav)

        run_job(work, found, self.message.emit, name="find card clip")


class CardSounds:
    """Where cards' clauses are heard, for review: one ``ClauseSounds`` (each document's recording and spans read
    once: 0.66 s for the novel's first card, microseconds after) on a library connection of its own, used by one job
    at a time; the GUI thread only makes and drops it."""

    def __init__(self, library_path: Path) -> None:
        self._path = library_path
        self._lock = threading.Lock()
        self._library: Library | None = None
        self._sounds: ClauseSounds | None = None

    def at(self, document_id: str, offset: int, document=None) -> Recorded | None:
        with self._lock:
            if self._sounds is None:
                self._library = Library.connect(self._path)
                self._sounds = ClauseSounds(self._library)
            return self._sounds.at(document_id, offset, document)

    def close(self) -> None:
        with self._lock:
            if self._library is not None:
                self._library.close()
            self._library = self._sounds = None

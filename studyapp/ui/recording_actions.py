"""A document's recording in the window: File > Attach Recording (or the one found beside the text as it opens),
decoded in a job; the player bar and the Listen menu's rows; the reader following the playing span (a subtitle
cue, or the stretch from one of the learner's bookmarks to the next); a click on a row's margin playing its span.

The spans are the core's (``document.recording_spans``): the same rule the deck's clips follow. A missing or
unreadable recording gets one line in the status bar, and the text stays as usable as without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..document import recording_spans
from ..errors import RecordingError
from ..listening.recordings import (
    AUDIO_SUFFIXES,
    Audio,
    Span,
    clip,
    decode,
    find_beside,
    slowed,
    span_at_offset,
    span_at_time,
)
from .ops import Job, run_job
from .qt import QAction, QFileDialog, QMenu, QObject, QTimer, Signal
from .recording_bar import RecordingBar, clock
from .recording_player import Playback, Track
from .speech_player import Player

if TYPE_CHECKING:
    from .main_window import MainWindow

FOLLOW_MS = 100  # how often the reader catches up with the sound
SLOW = 0.75


class RecordingActions(QObject):
    message = Signal(str)  # one line for the status bar
    loaded = Signal()  # a recording is decoded and ready to play

    def __init__(self, window: MainWindow, speech) -> None:
        super().__init__(window)
        self.window, self._speech = window, speech
        self.audio: Audio | None = None
        self.spans: list[Span] = []  # in time order
        self._by_offset: list[Span] = []  # the same, in text order
        self.playback: Playback | None = None
        self.playing_span: Span | None = None  # the span the reader last followed to
        self._wanted = False  # the learner asked for sound (a span's natural end in slow mode plays the next one)
        self._slowing = False  # a span's slowed clip is being made
        self._job: Job | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(FOLLOW_MS)
        self._timer.timeout.connect(self.follow)
        self.play_action = self._action("&Play Recording", "▶ Play", self.play_pause, "F8")
        self.repeat_action = self._action("&Repeat the Clause's Span", "Repeat", self.repeat, "F9")
        self.loop_action = self._action("&Loop the Span", "Loop", self.set_loop, "Ctrl+Shift+L", checkable=True)
        self.slow_action = self._action(f"S&low ({SLOW:g}×)", f"{SLOW:g}×", self.set_slow, "F7", checkable=True)
        self.bookmark_action = self._action("&Bookmark Here", "Bookmark", self.bookmark_here, "Ctrl+B")
        self.stop_action = self._action("S&top Recording", "Stop", self.stop, "Shift+F8")
        self.bookmarks_menu = QMenu(self.tr("Boo&kmarks"), window)
        self.bookmarks_menu.aboutToShow.connect(self._fill_bookmarks)
        self.bar = RecordingBar(window, [self.play_action, self.repeat_action, self.loop_action, self.slow_action,
                                         None, self.bookmark_action, self.stop_action])
        self._set_enabled()
        self.message.connect(lambda text: window.statusBar().showMessage(text, 8000))
        self._pending_line = ""  # said once the analysis is over: its "Analysed N clauses" would hide it
        window.session.opened.connect(self._on_opened)
        window.session.analysisFinished.connect(self._say_pending)
        window.view.marginClicked.connect(self.play_row)

    @property
    def player(self) -> Player:
        """The one sound player, the speech's: one sound at a time."""
        return self._speech.player

    def _action(self, label: str, short: str, handler, key: str, checkable: bool = False) -> QAction:
        """One control, in the Listen menu as ``label`` and on the bar as ``short`` (its key in its tip)."""
        action = QAction(self.tr(label), self.window)
        action.setIconText(self.tr(short))
        action.setToolTip(f"{self.tr(label).replace('&', '')} ({key})")
        action.setShortcut(key)
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(lambda *_a: handler())
        return action

    def build_menu(self, menu: QMenu) -> None:
        """The Listen menu's recording rows."""
        menu.addSeparator()
        for action in (self.play_action, self.repeat_action, self.loop_action, self.slow_action, self.stop_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.bookmark_action)
        menu.addMenu(self.bookmarks_menu)
        menu.addAction(self.tr("&Detach the Recording")).triggered.connect(self.detach)

    # --- attaching and loading ------------------------------------------------------------------------------
    def choose_file(self) -> None:
        """File > Attach Recording…"""
        session = self.window.session
        if session.document_id is None:
            return
        start = str(session.path.parent) if session.path else ""
        patterns = " ".join(f"*{suffix}" for suffix in AUDIO_SUFFIXES)
        path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Attach a recording"), start,
                                              self.tr("Recordings ({0})").format(patterns))
        if path:
            self.attach(Path(path))

    def attach(self, path: Path, found_beside: Path | None = None) -> None:
        """Keep ``path`` as the open document's recording and load it."""
        try:
            kept = self.window.library.attach_recording(self.window.session.document_id, path)
        except RecordingError as error:
            self.message.emit(str(error))
            return
        said = self.tr("Attached {0} (found beside {1})").format(kept.name, found_beside.name) if found_beside \
            else self.tr("Attached {0}").format(kept.name)
        self.load(kept, said)

    def load(self, path: Path, said: str = "") -> None:
        """Decode the recording in a job; once it is in, the bar shows (and ``said`` with its keys)."""
        self._forget()
        document_id = self.window.session.document_id

        def decoded(audio: Audio) -> None:
            session = self.window.session
            if session.document_id != document_id:
                return
            self.audio = audio
            self.playback = Playback(audio, self.player)
            self._read_spans()
            self.bar.show_recording(path.name, audio.duration)
            self._set_enabled()
            if said:
                self._say(self.tr("{0}: F8 plays it.").format(said))
            self.loaded.emit()

        self.message.emit(self.tr("Reading the recording {0}…").format(path.name))  # an hour's mp3 takes seconds
        self._job = run_job(lambda _report, _cancelled: decode(path), decoded, self._failed, name="decode recording")

    def _failed(self, line: str) -> None:
        self._say(line)

    def _say(self, line: str) -> None:
        """A line on the recording as a text opens: shown after the analysis's own line, not hidden by it."""
        if self.window.session.analysis_running():
            self._pending_line = line
        else:
            self.message.emit(line)

    def _say_pending(self, *_args) -> None:
        line, self._pending_line = self._pending_line, ""
        if line:
            self.message.emit(line)

    def _on_opened(self) -> None:
        session = self.window.session
        self._forget()
        kept = self.window.library.recording(session.document_id)
        if kept is not None:
            self.load(kept)
            return
        if session.path is None or self.window.library.recording_detached(session.document_id):
            return
        beside = find_beside(session.path)
        if beside is not None:
            self.attach(beside, found_beside=session.path)

    def _read_spans(self) -> None:
        session = self.window.session
        self.spans = recording_spans(self.window.library, session.document_id, session.document,
                                     self.audio.duration) if self.audio is not None else []
        self.spans.sort(key=lambda span: span.start)  # span_at_time's order
        self._by_offset = sorted(self.spans, key=lambda span: span.offset)  # span_at_offset's, made once here

    def _forget(self) -> None:
        """Another document (or none): stop the sound and let the decoded one go."""
        if self._job is not None:
            self._job.cancel()
            self._job = None
        if self.playback is not None:
            self.playback.pause()
        self._wanted = False
        self._timer.stop()
        self.audio, self.playback, self.spans, self._by_offset, self.playing_span = None, None, [], [], None
        self.bar.hide()
        self._set_enabled()

    def detach(self) -> None:
        document_id = self.window.session.document_id
        if document_id is not None:
            self.window.library.detach_recording(document_id)
            self._forget()
            self.message.emit(self.tr("The recording is no longer attached to this text."))

    def _set_enabled(self) -> None:
        ready = self.playback is not None
        for action in (self.play_action, self.repeat_action, self.loop_action, self.slow_action, self.stop_action):
            action.setEnabled(ready)
        document = self.window.session.document
        bookmarks = document is not None and not document.cues  # subtitles' cues carry their own timings
        self.bookmark_action.setEnabled(ready and bookmarks)
        self.bookmark_action.setVisible(bookmarks)
        self.bookmarks_menu.menuAction().setVisible(bookmarks)
        self.play_action.setText(self.tr("&Pause Recording") if self._wanted else self.tr("&Play Recording"))
        self.play_action.setIconText(self.tr("Pause") if self._wanted else self.tr("▶ Play"))

    # --- playing --------------------------------------------------------------------------------------------
    def current_span(self) -> Span | None:
        """The span of the reader's current clause, else the one playing."""
        model, view = self.window.session.model, self.window.view
        if model is not None and view.currentIndex().isValid():
            span = span_at_offset(self._by_offset, model.segments[view.currentIndex().row()].start)
            if span is not None:
                return span
        return span_at_time(self.spans, self.playback.seconds) if self.playback is not None else None

    def play_pause(self) -> None:
        playback = self.playback
        if playback is None:
            return
        if self._wanted:
            self._wanted = False
            playback.pause()
            self._set_enabled()
            return
        span = self.current_span()
        if span is not None and span_at_time(self.spans, playback.seconds) != span:
            playback.seek(span.start)  # the learner moved to another clause since: play from there
        if self.slow_action.isChecked() and span is not None:
            self._play_slowed(span)
        else:
            self._play(span if self.loop_action.isChecked() else None)

    def repeat(self) -> None:
        """The current clause's span again, from its start (looping when Loop is on)."""
        span = self.current_span()
        if self.playback is None or span is None:
            return
        if self.slow_action.isChecked():
            self._play_slowed(span)
            return
        self.playback.use(Track(self.playback.recording))
        self.playback.seek(span.start)
        self._play(span, stop_at_end=True)

    def play_row(self, row: int) -> None:
        """A click on a row's margin (a subtitle cue's time): its span plays from its start."""
        model = self.window.session.model
        if self.playback is None or model is None:
            return
        span = span_at_offset(self._by_offset, model.segments[row].start)
        if span is None:
            return
        self.playback.use(Track(self.playback.recording))
        self.playback.seek(span.start)
        self.playing_span = span
        self._play(span if self.loop_action.isChecked() else None)

    def _play(self, span: Span | None, stop_at_end: bool = False) -> None:
        """Sound from where the playback is: within ``span`` (looping if Loop is on, else stopping at its end
        when ``stop_at_end``), or on to the recording's end."""
        playback = self.playback
        loop = self.loop_action.isChecked()
        playback.keep_to(span if (loop or stop_at_end) else None, loop)
        work = playback.opener()
        self._wanted = True
        run_job(lambda _report, _cancelled: work(), failure=self._sound_failed, name="play recording")
        self._timer.start()
        self._set_enabled()

    def _play_slowed(self, span: Span) -> None:
        """``span`` at 0.75× with its pitch kept: its clip is slowed in a job (about 0.2 s per 5 s of sound)."""
        playback = self.playback
        playback.pause()
        audio = playback.recording
        self._slowing = self._wanted = True
        self._timer.start()

        def ready(track: Track) -> None:
            self._slowing = False
            if self.playback is playback and self._wanted:
                playback.use(track)
                self._play(span, stop_at_end=True)

        def failed(line: str) -> None:
            self._slowing = False
            self._sound_failed(line)

        run_job(lambda _report, _cancelled: Track(slowed(clip(audio, span), SLOW), span.start, SLOW), ready, failed,
                name="slow recording")

    def _sound_failed(self, line: str) -> None:
        self._wanted = False
        self._set_enabled()
        self.message.emit(line)

    def stop(self) -> None:
        if self.playback is not None:
            self._wanted = False
            self.playback.pause()
            self.playback.use(Track(self.playback.recording))
            self._set_enabled()
            self.follow()

    def set_loop(self) -> None:
        """Loop on: the span playing goes round until Loop is off (then it plays on)."""
        playback = self.playback
        if playback is not None:
            span = span_at_time(self.spans, playback.seconds) or self.current_span()
            loop = self.loop_action.isChecked()
            playback.keep_to(span if loop or playback.track.factor != 1 else None, loop)

    def set_slow(self) -> None:
        """Slow on while playing: the span playing goes on slowed; off: the recording plays on from there."""
        playback = self.playback
        if playback is None or not self._wanted:
            return
        if self.slow_action.isChecked():
            span = span_at_time(self.spans, playback.seconds) or self.current_span()
            if span is not None:
                self._play_slowed(span)
        else:
            playback.pause()
            playback.use(Track(playback.recording))
            self._play(None)

    # --- following ------------------------------------------------------------------------------------------
    def follow(self) -> None:
        """The timer's tick while sound is wanted: the time in the bar, and the reader's current row to the first
        clause of the span playing when that span changes (only that row: nothing is walked)."""
        playback, session = self.playback, self.window.session
        if playback is None or session.model is None:  # no recording, or its text is being let go
            self._timer.stop()
            return
        seconds = playback.seconds
        self.bar.show_time(seconds)
        span = span_at_time(self.spans, seconds)
        if span is not None and span != self.playing_span:
            self.playing_span = span
            view, model = self.window.view, session.model
            current = view.currentIndex().row() if view.currentIndex().isValid() else -1
            first = model.row_at_offset(span.offset)
            if current < 0 or span_at_offset(self._by_offset, model.segments[current].start) != span:
                view.go_to(first)
        if not playback.playing:
            self._ended(playback)

    def _ended(self, playback: Playback) -> None:
        """No sound: paused, stopped by speech, or at the end of what was asked (in slow mode: the next span)."""
        ours = self.player.turn == playback.turn
        if self._slowing or (ours and playback.starting):
            return  # sound is on its way
        if self._wanted and ours and self.slow_action.isChecked() and not self.loop_action.isChecked():
            spans = self.spans
            # the span the clip was made of (it starts at its start), not the one the last tick saw: on a loaded
            # machine a short clip can end before the follow timer ticks once in it
            played = span_at_time(spans, playback.track.origin) if playback.track.factor != 1 else self.playing_span
            index = spans.index(played) + 1 if played in spans else len(spans)
            if index < len(spans):
                self._play_slowed(spans[index])
                return
        self._wanted = False
        self._timer.stop()
        self._set_enabled()

    # --- bookmarks ------------------------------------------------------------------------------------------
    def bookmark_here(self) -> None:
        """The current clause is heard from now on: a bookmark, kept in the library (not for subtitles: their
        cues carry the timings)."""
        session, view = self.window.session, self.window.view
        if self.playback is None or session.document is None or session.document.cues:
            return
        if not view.currentIndex().isValid():
            self.message.emit(self.tr("Choose a clause first (click it, or J and K)."))
            return
        row = view.currentIndex().row()
        seconds = self.playback.seconds
        self.window.library.add_bookmark(session.document_id, session.model.segments[row].start, seconds)
        self._read_spans()
        self.playing_span = span_at_time(self.spans, seconds)
        self.message.emit(self.tr("Bookmark: clause {0} is heard from {1}.").format(row + 1, clock(seconds)))

    def _fill_bookmarks(self) -> None:
        menu, session = self.bookmarks_menu, self.window.session
        menu.clear()
        marks = self.window.library.bookmarks(session.document_id) if session.document_id else []
        if not marks:
            menu.addAction(self.tr("No bookmarks: Bookmark Here (Ctrl+B) while the recording plays")).setEnabled(False)
            return
        model = session.model
        for mark in marks:
            row = model.row_at_offset(mark.offset)
            go = menu.addAction(self.tr("Clause {0} at {1}").format(row + 1, clock(mark.seconds)))
            go.triggered.connect(lambda _on=False, row=row: (self.window.view.go_to(row, center=True),
                                                             self.play_row(row)))
        menu.addSeparator()
        remove = menu.addMenu(self.tr("&Remove"))
        for mark in marks:
            row = model.row_at_offset(mark.offset)
            action = remove.addAction(self.tr("Clause {0} at {1}").format(row + 1, clock(mark.seconds)))
            action.triggered.connect(lambda _on=False, offset=mark.offset: self.remove_bookmark(offset))

    def remove_bookmark(self, offset: int) -> None:
        self.window.library.remove_bookmark(self.window.session.document_id, offset)
        self._read_spans()
        self.playing_span = None


"""Plays a document's recording through the one sound player speech uses (so speech stops the recording and the
recording stops speech): from a place, within a span it loops in or stops at, or a slowed clip of one span.

The audio thread pulls samples and moves a frame counter under a small lock; the GUI thread reads the counter (a
timer, to follow the text) and sets it (a seek): neither waits on the other. Opening the sound device takes tens of
milliseconds, so ``opener()`` gives a job the work to do and the GUI thread never opens it itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from ..listening.recordings import Audio, Span
from .speech_player import Player


@dataclass(frozen=True)
class Track:
    """What the device plays: the recording itself, or a slowed clip of a stretch of it that starts ``origin``
    seconds in and sounds at ``factor`` of its speed (0.75: 4/3 as long as what it covers)."""

    audio: Audio
    origin: float = 0.0
    factor: float = 1.0

    def seconds(self, frame: int) -> float:
        """Where in the recording the track's ``frame`` is."""
        return self.origin + frame / self.audio.rate * self.factor

    def frame(self, seconds: float) -> int:
        """The track's frame that plays the recording's ``seconds`` (clamped to the track)."""
        return max(0, min(self.audio.frames, round((seconds - self.origin) / self.factor * self.audio.rate)))


class Playback:
    """One recording's playback: where it is, the stretch it keeps to, and whether it sounds."""

    def __init__(self, recording: Audio, player: Player) -> None:
        self.recording = recording
        self.player = player
        self._lock = threading.Lock()
        self.track = Track(recording)
        self._frame = 0
        self._loop = False
        self._bounds: tuple[int, int] | None = None  # frames of the track played (looped, or stopped at)
        self._turn = -1
        self.starting = False  # the device is being opened (in a job): no sound yet, but it is coming

    # --- read by the GUI's timer ----------------------------------------------------------------------------
    @property
    def seconds(self) -> float:
        """Where the recording is (in its own seconds, whatever the speed)."""
        with self._lock:
            return self.track.seconds(self._frame)

    @property
    def playing(self) -> bool:
        return self.player.playing and self.player.turn == self._turn

    @property
    def turn(self) -> int:
        """The player's turn this playback last took: another (speech) means it was stopped for that."""
        return self._turn

    # --- set by the GUI -------------------------------------------------------------------------------------
    def seek(self, seconds: float) -> None:
        """Go to ``seconds`` of the recording (playing on from there when playing)."""
        with self._lock:
            self._frame = self.track.frame(seconds)

    def keep_to(self, span: Span | None, loop: bool) -> None:
        """Play within ``span`` (its end stops the sound, or with ``loop`` goes back to its start); None: the
        whole track, to its end."""
        with self._lock:
            self._loop = loop
            self._bounds = None if span is None else (self.track.frame(span.start), self.track.frame(span.end))

    def use(self, track: Track) -> None:
        """Play ``track`` from its start (a slowed clip), or the recording again from where the clip was."""
        with self._lock:
            at = self.track.seconds(self._frame)
            self.track, self._frame, self._bounds = track, track.frame(max(at, track.origin)), None

    def pause(self) -> None:
        """Silence it where it is (a device still being opened for it never starts)."""
        if self.player.turn == self._turn:
            self.player.stop()

    def opener(self) -> Callable[[], None]:
        """Stop whatever sounds (speech included) and return the work that opens the device and starts this
        recording where it is: a job runs it."""
        turn = self._turn = self.player.next_turn()
        track = self.track
        self.starting = True

        def start() -> None:
            try:
                self.player.start(self._feed, track.audio.channels, track.audio.rate, turn)
            finally:
                self.starting = False

        return start

    # --- the audio thread -----------------------------------------------------------------------------------
    def _feed(self, ended: threading.Event):
        """miniaudio's pull generator: each ``send(frames)`` gets up to that many frames from the counter on,
        the counter moving with them; silence once the stretch is over (or ``ended`` is set from outside)."""
        frames = yield b""
        track = self.track
        samples, channels = track.audio.samples, track.audio.channels
        while not ended.is_set():
            with self._lock:
                if self.track is not track:  # another track was chosen: this stream is over
                    break
                first, last = self._bounds or (0, track.audio.frames)
                if self._loop and self._bounds and self._frame >= last:
                    self._frame = first
                at = self._frame
                count = min(frames, last - at)
                if count <= 0:
                    break
                self._frame = at + count
            frames = yield samples[at * channels:(at + count) * channels]
        ended.set()
        while True:
            frames = yield b"\0\0" * frames * channels

"""Plays speech and recordings through miniaudio (PySide6-Essentials has no QtMultimedia), one sound at a time:
WAV bytes (``play``), or any pull stream of 16-bit samples (``start``, the recording player's).

Opening a sound device takes tens of milliseconds, so ``play`` runs in the synthesis job, off the GUI thread;
``next_turn`` (on the GUI thread) makes every sound asked for before it stale: it stops the one playing, and one
still being prepared is dropped instead of started.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Sequence

from ..errors import StudyAppError


class NoSoundDevice(StudyAppError):
    """The system has no sound output that miniaudio can open."""


class Player:
    """``backends``: miniaudio's, in order of preference (None: the system's; ``[Backend.NULL]`` plays into
    nothing at the real pace, for tests without a sound card)."""

    def __init__(self, backends: Sequence | None = None) -> None:
        self.backends = list(backends) if backends else None
        self._lock = threading.Lock()
        self._device = None
        self._ended = threading.Event()
        self._turn = 0

    @property
    def playing(self) -> bool:
        with self._lock:
            return self._device is not None and not self._ended.is_set()

    @property
    def turn(self) -> int:
        """The latest request's turn: the sound of an older one is stopped or never starts."""
        return self._turn

    def next_turn(self) -> int:
        """A new request: whatever plays falls silent at once; returns the turn the new sound must bring to
        ``play``. Closing a device waits for its audio thread (150 ms on some backends), so that happens on a
        thread of its own, never the GUI's."""
        with self._lock:
            self._turn += 1
            device, self._device = self._device, None
            self._ended.set()  # the stream yields silence from its next period on
        if device is not None:
            threading.Thread(target=_close, args=(device,), name="close sound device", daemon=True).start()
        return self._turn

    def stop(self) -> None:
        self.next_turn()

    def play(self, wav: bytes, turn: int) -> None:
        """Start ``wav`` (from any thread) unless a later request came meanwhile; returns once it has started."""
        import miniaudio

        if turn != self._turn:  # a newer request came while this one was being synthesised
            return
        try:
            sound = miniaudio.decode(wav, output_format=miniaudio.SampleFormat.SIGNED16)
        except miniaudio.MiniaudioError as error:
            raise NoSoundDevice("No sound device could be opened to play the speech.") from error
        self.start(lambda ended: _stream(sound.samples, sound.nchannels, ended), sound.nchannels, sound.sample_rate,
                   turn)

    def start(self, stream: Callable[[threading.Event], Generator], channels: int, rate: int, turn: int) -> None:
        """Play ``stream(ended)`` (a miniaudio pull generator of 16-bit samples that falls silent once ``ended`` is
        set) from any thread, unless a later request came meanwhile; returns once it has started."""
        import miniaudio

        if turn != self._turn:
            return
        try:
            device = miniaudio.PlaybackDevice(output_format=miniaudio.SampleFormat.SIGNED16, nchannels=channels,
                                              sample_rate=rate, backends=self.backends)
        except miniaudio.MiniaudioError as error:
            raise NoSoundDevice("No sound device could be opened to play the sound.") from error
        ended = threading.Event()
        with self._lock:
            current = turn == self._turn
            if current:
                self._device, self._ended = device, ended
        if not current:
            _close(device)
            return
        generator = stream(ended)
        next(generator)  # miniaudio wants the generator started
        device.start(generator)


def _close(device) -> None:
    """``device.close()``, made safe to repeat: when stopping fails inside it (a device the system already took
    away), miniaudio leaves ``running`` set and its ``__del__`` then fails on the closed device."""
    try:
        device.close()
    finally:
        device.running = False


def _stream(samples, channels: int, ended: threading.Event):
    """miniaudio's pull generator over decoded samples: each ``send(frames)`` gets that many frames; silence
    once they are all played or ``ended`` is set from outside, until the device is closed."""
    frames = yield b""
    position = 0
    while position < len(samples) and not ended.is_set():
        chunk = samples[position:position + frames * channels]
        position += frames * channels
        frames = yield chunk
    ended.set()
    while True:
        frames = yield b"\0\0" * frames * channels

"""Plays speech: WAV bytes through miniaudio (PySide6-Essentials has no QtMultimedia), one sound at a time.

Opening a sound device takes tens of milliseconds, so ``play`` runs in the synthesis job, off the GUI thread;
``next_turn`` (on the GUI thread) makes every sound asked for before it stale: it stops the one playing, and one
still being prepared is closed instead of started.
"""

from __future__ import annotations

import threading

from ..errors import StudyAppError


class NoSoundDevice(StudyAppError):
    """The system has no sound output that miniaudio can open."""


class Player:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._device = None
        self._turn = 0

    def next_turn(self) -> int:
        """A new request: whatever plays stops; returns the turn the new sound must bring to ``play``."""
        with self._lock:
            self._turn += 1
            device, self._device = self._device, None
        if device is not None:
            device.close()
        return self._turn

    def stop(self) -> None:
        self.next_turn()

    def play(self, wav: bytes, turn: int) -> None:
        """Start ``wav`` (from any thread) unless a later request came meanwhile; returns once it has started."""
        import miniaudio

        if turn != self._turn:  # a newer request came while this one was being synthesised
            return
        try:
            info = miniaudio.decode(wav, output_format=miniaudio.SampleFormat.SIGNED16)
            device = miniaudio.PlaybackDevice(output_format=miniaudio.SampleFormat.SIGNED16,
                                              nchannels=info.nchannels, sample_rate=info.sample_rate)
        except miniaudio.MiniaudioError as error:
            raise NoSoundDevice(f"No sound device to play speech on ({error}).") from error
        with self._lock:
            current = turn == self._turn
            if current:
                self._device = device
        if not current:
            device.close()
            return
        stream = _stream(info.samples, info.nchannels)
        next(stream)  # miniaudio wants the generator started
        device.start(stream)


def _stream(samples, channels: int):
    """miniaudio's pull generator over decoded samples: each ``send(frames)`` gets that many frames."""
    frames = yield b""
    position = 0
    while position < len(samples):
        chunk = samples[position:position + frames * channels]
        position += frames * channels
        frames = yield chunk

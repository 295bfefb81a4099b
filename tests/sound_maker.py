"""Recordings the tests make: a subtitle file and a WAV in which each cue is its own tone (silence between), so a
clip's pitch says which cue it came from; and other formats converted by ffmpeg where it is installed."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import wave
from array import array
from pathlib import Path

import pytest

RATE = 22_050

#: Three cues with gaps between them; each sounds at its own frequency in ``cue_wav``.
CUES = [("00:00:00,500", "00:00:01,700", "你好，我是小王。", 440.0),
        ("00:00:02,000", "00:00:03,250", "我们去银行吧。", 660.0),
        ("00:00:03,600", "00:00:04,400", "好的。", 880.0)]
LENGTH = 5.0


def srt_text(cues=CUES) -> str:
    return "".join(f"{number}\n{start} --> {end}\n{text}\n\n"
                   for number, (start, end, text, _hz) in enumerate(cues, start=1))


def _seconds(stamp: str) -> float:
    hours, minutes, rest = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest.replace(",", "."))


def tone_samples(parts: list[tuple[float, float, float]], length: float, rate: int = RATE) -> array:
    """16-bit mono: a sine of ``hz`` from ``start`` to ``end`` seconds for each part, silence elsewhere."""
    samples = array("h", bytes(2 * int(length * rate)))
    for start, end, hz in parts:
        for i in range(int(start * rate), min(len(samples), int(end * rate))):
            samples[i] = int(12_000 * math.sin(2 * math.pi * hz * i / rate))
    return samples


def write_wav(path: Path, samples: array, rate: int = RATE, channels: int = 1) -> Path:
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return path


def cue_wav(path: Path, cues=CUES, length: float = LENGTH) -> Path:
    """The recording that goes with ``srt_text(cues)``: each cue its own tone."""
    parts = [(_seconds(start), _seconds(end), hz) for start, end, _text, hz in cues]
    return write_wav(path, tone_samples(parts, length))


def subtitles_with_recording(folder: Path, name: str = "lesson") -> tuple[Path, Path]:
    """``name.srt`` and ``name.wav`` side by side."""
    srt = folder / f"{name}.srt"
    srt.write_text(srt_text(), encoding="utf-8")
    return srt, cue_wav(folder / f"{name}.wav")


def converted(source: Path, suffix: str, *codec: str) -> Path:
    """``source`` converted by ffmpeg (skips the test where ffmpeg is not installed)."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        pytest.skip("ffmpeg is not installed")
    out = source.with_suffix(suffix)
    subprocess.run([ffmpeg, "-nostdin", "-v", "error", "-y", "-i", str(source), *codec, str(out)], check=True)
    return out


def dominant_hz(samples: array, rate: int) -> float:
    """The strongest frequency in the sound (numpy FFT)."""
    import numpy as np

    values = np.frombuffer(samples, dtype=np.int16).astype(np.float64)
    spectrum = np.abs(np.fft.rfft(values * np.hanning(len(values))))
    return float(np.fft.rfftfreq(len(values), 1 / rate)[int(np.argmax(spectrum))])

"""Recordings that go with a text: found beside it, decoded to bounded mono samples, cut into spans (a subtitle
cue's, or the learner's bookmarks') and clips of those spans, slowed with the pitch kept, written as WAV.

Decoding: miniaudio (already here for speech) reads mp3, flac, Ogg Vorbis and wav; m4a (AAC), Opus and the rest go
through ``ffmpeg`` when it is on PATH. Either way the sound comes out as 16-bit mono at 22,050 Hz: enough for
speech, and a two-hour recording is then 317 MB, the most this module takes (``MAX_SECONDS``); a longer one is
refused with one line rather than filling the machine's memory.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import wave
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..errors import RecordingError
from ..text import Document

if TYPE_CHECKING:
    import numpy

__all__ = ["AUDIO_SUFFIXES", "MAX_CLIP_SECONDS", "MAX_SECONDS", "RATE", "Audio", "Bookmarked", "Recorded",
           "RecordingError", "Span",
           "bookmark_spans", "clip", "clips", "cue_spans", "decode", "duration_of", "faded", "find_beside",
           "seconds",
           "slowed", "span_at_offset", "span_at_time", "wav_bytes"]

AUDIO_SUFFIXES = (".mp3", ".m4a", ".ogg", ".flac", ".wav")
#: What miniaudio decodes itself (by content: an .ogg holding Opus still falls through to ffmpeg).
_MINIAUDIO_SUFFIXES = frozenset({".mp3", ".ogg", ".flac", ".wav"})
#: Every recording is decoded to mono at this rate: speech needs no more, and it bounds memory.
RATE = 22_050
#: The longest recording decoded: two hours at 16-bit mono 22,050 Hz is 317 MB of samples.
MAX_SECONDS = 2 * 60 * 60
_CHUNK_FRAMES = 1 << 16


@dataclass(frozen=True)
class Audio:
    """Decoded sound: 16-bit samples (``array('h')``), channels interleaved."""

    samples: array
    channels: int
    rate: int

    @property
    def frames(self) -> int:
        return len(self.samples) // self.channels

    @property
    def duration(self) -> float:
        """Seconds."""
        return self.frames / self.rate


@dataclass(frozen=True)
class Span:
    """A stretch of a recording (``start``-``end``, seconds) and the text it covers (``offset``-``end_offset``,
    document text offsets, half-open)."""

    start: float
    end: float
    offset: int
    end_offset: int

    @property
    def duration(self) -> float:
        return self.end - self.start


#: The longest span a card carries as its clause's sound: a bookmark's span can run for minutes, and that is a
#: passage, not a clause.
MAX_CLIP_SECONDS = 30.0


@dataclass(frozen=True)
class Recorded:
    """Where a piece of text is heard: a span of a recording file (a card's clause, for its clip)."""

    recording: Path
    span: Span


class Bookmarked(Protocol):
    """A bookmark as ``bookmark_spans`` reads it (``library.recordings.Bookmark``)."""

    @property
    def offset(self) -> int: ...

    @property
    def seconds(self) -> float: ...


def find_beside(source: Path) -> Path | None:
    """The recording beside a text or subtitle file under the same name (``lesson.srt`` -> ``lesson.mp3``), also
    without a language tag (``episode.zh.srt`` -> ``episode.m4a``), the suffix in either case; None if none."""
    source = Path(source)
    stems = [source.stem]
    if "." in source.stem:
        stems.append(source.stem.rsplit(".", 1)[0])
    for stem in stems:
        for suffix in AUDIO_SUFFIXES:
            for spelled in (suffix, suffix.upper()):
                candidate = source.with_name(stem + spelled)
                if candidate.is_file():
                    return candidate
    return None


def _check_file(path: Path) -> None:
    if not path.exists():
        raise RecordingError(f"There is no recording at {path} (moved, renamed or deleted?).")
    if not path.is_file():
        raise RecordingError(f"The recording {path} is not a file.")


def decode(path: Path, max_seconds: float = MAX_SECONDS) -> Audio:
    """The recording as 16-bit mono at ``RATE`` Hz. A missing or unreadable file, a format this machine cannot
    decode, or one longer than ``max_seconds`` raise RecordingError with one line for the user. An hour takes
    13-26 s on this machine (mp3, m4a) and 159 MB: decode in a worker, or take ``clips`` of what is needed."""
    path = Path(path)
    limit = int(max_seconds * RATE)
    samples = array("h")
    for chunk in _chunks(path, limit):
        samples.extend(chunk)
        if len(samples) > limit:
            raise _too_long(path, limit)
    return Audio(samples, 1, RATE)


def clips(path: Path, spans: Sequence[Span]) -> list[Audio]:
    """The sound of each span (``clip`` of each), read in one pass through the recording that keeps only the
    spans' own samples: a deck's hundred clips from a two-hour recording take a few MB, not the recording's
    317 MB. The pass starts at the first span (a seek: one cue 55 minutes into an hour's mp3 takes 3 s, not the
    12 s of decoding up to it; in an m4a 0.2 s). RecordingError's line when the recording cannot be read."""
    if not spans:
        return []
    order = sorted(range(len(spans)), key=lambda number: spans[number].start)
    made: list[Audio | None] = [None] * len(spans)
    bounds = [(max(0, round(span.start * RATE)), max(0, round(span.end * RATE))) for span in spans]
    kept_from = bounds[order[0]][0]
    kept, waiting = array("h"), 0  # samples from frame ``kept_from`` on; spans done in ``order``
    for chunk in _chunks(Path(path), None, kept_from):
        kept.extend(chunk)
        while waiting < len(order) and bounds[order[waiting]][1] <= kept_from + len(kept):
            first, last = bounds[order[waiting]]
            made[order[waiting]] = Audio(kept[first - kept_from:max(first, last) - kept_from], 1, RATE)
            waiting += 1
        if waiting == len(order):
            break
        drop = min(bounds[order[waiting]][0] - kept_from, len(kept))
        if drop > 0:
            del kept[:drop]
            kept_from += drop
    for number in order[waiting:]:  # spans past the recording's end: cut short there
        first, last = bounds[number]
        made[number] = Audio(kept[max(0, first - kept_from):max(0, last - kept_from)], 1, RATE)
    return [audio if audio is not None else Audio(array("h"), 1, RATE) for audio in made]


def _chunks(path: Path, limit: int | None, start: int = 0) -> Iterator[array]:
    """The recording as mono ``RATE`` Hz samples from frame ``start``, a chunk at a time: miniaudio where it knows
    the file, else ffmpeg. A recording miniaudio says is longer than ``limit`` frames is refused before decoding."""
    _check_file(path)
    if path.suffix.lower() in _MINIAUDIO_SUFFIXES:
        import miniaudio

        try:
            info = miniaudio.get_file_info(str(path))
        except miniaudio.DecodeError:
            pass  # an .ogg holding Opus, a .mp3 that is really AAC: ffmpeg may know it
        except (miniaudio.MiniaudioError, OSError) as error:
            raise RecordingError(f"The recording {path.name} could not be read ({error}).") from None
        else:
            if limit is not None and info.duration * RATE > limit:
                raise _too_long(path, limit)
            if start < info.duration * RATE:  # (miniaudio cannot seek past the end: there is nothing there)
                yield from _miniaudio(path, start)
            return
    yield from _ffmpeg(path, start)


def _too_long(path: Path, limit: int) -> RecordingError:
    bound = f"{limit // RATE // 60} minutes" if limit >= 60 * RATE else f"{limit / RATE:g} seconds"
    return RecordingError(f"The recording {path.name} is longer than {bound}, the most this app plays: cut it "
                          "into parts (ffmpeg -i IN -f segment -segment_time 3600 OUT%d.mp3).")


def _miniaudio(path: Path, start: int) -> Iterator[array]:
    import miniaudio

    try:
        yield from miniaudio.stream_file(str(path), output_format=miniaudio.SampleFormat.SIGNED16, nchannels=1,
                                         sample_rate=RATE, frames_to_read=_CHUNK_FRAMES, seek_frame=start)
    except (miniaudio.MiniaudioError, OSError) as error:
        raise RecordingError(f"The recording {path.name} could not be read ({error}).") from None


def _ffmpeg(path: Path, start: int = 0) -> Iterator[array]:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RecordingError(f"{path.name} cannot be decoded here: this app reads mp3, flac, Ogg Vorbis and wav "
                             "itself; install ffmpeg (and have it on PATH) to play m4a, Opus and other formats.")
    seek = ["-ss", f"{start / RATE:.6f}"] if start else []  # before -i: a seek, then exact to the sample
    command = [ffmpeg, "-nostdin", "-v", "error", *seek, "-i", str(path), "-map", "0:a:0", "-vn", "-f", "s16le",
               "-acodec", "pcm_s16le", "-ac", "1", "-ar", str(RATE), "-"]
    swap = sys.byteorder == "big"  # s16le into a big-endian machine's array
    with tempfile.TemporaryFile() as errors, \
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors) as process:
        assert process.stdout is not None
        try:
            pending, heard = b"", False
            while data := process.stdout.read(_CHUNK_FRAMES * 2):
                pending += data
                whole = len(pending) - len(pending) % 2
                chunk = array("h", pending[:whole])
                pending = pending[whole:]
                if swap:
                    chunk.byteswap()
                heard = heard or bool(chunk)
                yield chunk
            process.wait()
        finally:
            if process.poll() is None:  # the reader stopped early (a clip's end, a bound)
                process.kill()
        if process.returncode != 0 or not (heard or start):  # (a seek past the end hears nothing, rightly)
            errors.seek(0)
            lines = errors.read().decode("utf-8", "replace").strip().splitlines()
            reason = lines[-1] if lines else "no sound in it"
            raise RecordingError(f"{path.name} is not a recording this app can read ({reason[:120]}).")


def duration_of(path: Path) -> float:
    """A recording's length in seconds without decoding it all (miniaudio's header reading, else ``ffprobe``);
    RecordingError's line when it cannot be read."""
    path = Path(path)
    _check_file(path)
    found = _header_seconds(path)
    if found is None:
        return decode(path).duration  # says what is missing, or decodes what it can
    return found


def _header_seconds(path: Path) -> float | None:
    """The length the file says it has (miniaudio where it knows the format, else ``ffprobe``), None when neither
    can tell; RecordingError when ffprobe finds no sound in it."""
    if path.suffix.lower() in _MINIAUDIO_SUFFIXES:
        import miniaudio

        try:
            return float(miniaudio.get_file_info(str(path)).duration)
        except (miniaudio.MiniaudioError, OSError):
            pass
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        return None
    done = subprocess.run([ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                           str(path)], capture_output=True, text=True, check=False)
    try:
        return float(done.stdout.strip())
    except ValueError:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no sound in it"
        raise RecordingError(f"{path.name} is not a recording this app can read ({reason[:120]}).") from None


def seconds(stamp: str) -> float:
    """An SRT time (``00:01:02,500``), as the subtitle reader writes cue timings, in seconds."""
    import srt

    return srt.srt_timestamp_to_timedelta(stamp).total_seconds()


def cue_spans(document: Document) -> list[Span]:
    """A subtitle document's cues as spans: each cue's timing and its line of text (a cue is one paragraph)."""
    text = document.text
    spans = []
    for offset, start, end in document.cues:
        line_end = text.find("\n", offset)
        spans.append(Span(seconds(start), seconds(end), offset, len(text) if line_end < 0 else line_end))
    return spans


def bookmark_spans(bookmarks: Sequence[Bookmarked], text_length: int, duration: float) -> list[Span]:
    """Lute's model: a bookmark says "the text from this offset is heard from this second"; each span runs to the
    next bookmark (the last to the end of text and recording). Read in text order, a bookmark not later in the
    recording than the one kept before it (or past the recording's end) is set out of order and is passed over,
    so the spans run forward in both text and time; the text before the first bookmark has none."""
    kept: list[Bookmarked] = []
    for bookmark in sorted(bookmarks, key=lambda bookmark: bookmark.offset):
        if bookmark.seconds < duration and bookmark.offset < text_length and \
                (not kept or bookmark.seconds > kept[-1].seconds):
            kept.append(bookmark)
    if not kept:
        return []
    ends = [(following.seconds, following.offset) for following in kept[1:]] + [(duration, text_length)]
    return [Span(float(bookmark.seconds), float(end), bookmark.offset, end_offset)
            for bookmark, (end, end_offset) in zip(kept, ends, strict=True)]


def span_at_time(spans: Sequence[Span], at: float) -> Span | None:
    """The span playing at second ``at`` (spans in time order), None between spans or outside them all."""
    index = bisect_right(spans, at, key=lambda span: span.start) - 1
    return spans[index] if index >= 0 and at < spans[index].end else None


def span_at_offset(spans: Sequence[Span], offset: int) -> Span | None:
    """The span whose text holds ``offset`` (spans in text order), None for text no span covers."""
    index = bisect_right(spans, offset, key=lambda span: span.offset) - 1
    return spans[index] if index >= 0 and offset < spans[index].end_offset else None


def clip(audio: Audio, span: Span) -> Audio:
    """The sound of ``span``, cut at whole frames (a span past the recording's end is cut short there)."""
    first = max(0, min(audio.frames, round(span.start * audio.rate)))
    last = max(first, min(audio.frames, round(span.end * audio.rate)))
    return Audio(audio.samples[first * audio.channels:last * audio.channels], audio.channels, audio.rate)


def faded(audio: Audio, seconds: float = 0.005) -> Audio:
    """The sound with its first and last ``seconds`` faded in and out: a clip cut from running speech starts and
    ends mid-wave, and without this each play of it begins and ends with a click."""
    ramp = min(int(seconds * audio.rate), audio.frames // 2)
    if ramp < 1:
        return audio
    samples = array("h", audio.samples)
    channels = audio.channels
    for step in range(ramp):
        gain = step / ramp
        for channel in range(channels):
            head = step * channels + channel
            tail = (audio.frames - 1 - step) * channels + channel
            samples[head] = int(samples[head] * gain)
            samples[tail] = int(samples[tail] * gain)
    return Audio(samples, channels, audio.rate)


def wav_bytes(audio: Audio) -> bytes:
    """The sound as a WAV file (16-bit PCM)."""
    samples = audio.samples
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(audio.channels)
        out.setsampwidth(2)
        out.setframerate(audio.rate)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


def slowed(audio: Audio, factor: float) -> Audio:
    """The sound played at ``factor`` of its speed (0.75: a quarter slower, 4/3 as long) with its pitch kept, by
    WSOLA (waveform-similarity overlap-add, Verhelst & Roelands 1993) in numpy: 40 ms Hann frames laid down every
    20 ms, each taken from near where the slower clock says, shifted by up to 10 ms to the place whose waveform
    best continues the one before, so no phase jumps are heard. Made for clips: on this machine 5 s of sound take
    0.2 s, a minute 2 s (slow a cue's span, not the whole recording)."""
    import numpy as np

    if not 0.25 <= factor <= 4:
        raise ValueError(f"speed factor {factor} is outside 0.25-4")
    if factor == 1 or audio.frames == 0:
        return audio
    frames = np.frombuffer(audio.samples, dtype=np.int16).reshape(-1, audio.channels).astype(np.float32)
    mono = frames.mean(axis=1)
    size = max(64, int(audio.rate * 0.04) // 2 * 2)
    out_hop = size // 2
    in_hop = out_hop * factor
    tolerance = size // 4
    out_frames = int(round(audio.frames / factor))
    count = max(1, -(-out_frames // out_hop) + 1)
    padded = np.pad(frames, ((tolerance, size + tolerance + int(in_hop) + out_hop), (0, 0)))
    mono_padded = np.pad(mono, (tolerance, size + tolerance + int(in_hop) + out_hop))
    window = np.hanning(size).astype(np.float32)
    output = np.zeros((count * out_hop + size, audio.channels), dtype=np.float32)
    weights = np.zeros(count * out_hop + size, dtype=np.float32)
    previous = 0  # where the last frame was taken from (in the padded input)
    for k in range(count):
        nominal = int(round(k * in_hop)) + tolerance
        if k == 0:
            chosen = nominal
        else:
            natural = mono_padded[previous + out_hop:previous + out_hop + size]
            chosen = nominal - tolerance + _best_shift(mono_padded[nominal - tolerance:nominal + tolerance + size],
                                                       natural)
        output[k * out_hop:k * out_hop + size] += padded[chosen:chosen + size] * window[:, None]
        weights[k * out_hop:k * out_hop + size] += window
        previous = chosen
    level = output[:out_frames] / np.maximum(weights[:out_frames], 1e-3)[:, None]
    samples = array("h", np.clip(np.round(level), -32768, 32767).astype(np.int16).reshape(-1).tobytes())
    return Audio(samples, audio.channels, audio.rate)


def _best_shift(region: numpy.ndarray, template: numpy.ndarray) -> int:
    """Where in ``region`` the ``template`` fits best (cross-correlation, by FFT)."""
    import numpy as np

    length = len(region) + len(template)
    size = 1 << (length - 1).bit_length()
    spectrum = np.fft.rfft(region, size) * np.conj(np.fft.rfft(template, size))
    correlation = np.fft.irfft(spectrum, size)[:len(region) - len(template) + 1]
    return int(np.argmax(correlation)) if len(correlation) else 0

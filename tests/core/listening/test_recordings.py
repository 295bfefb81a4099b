"""Recordings in the core: found beside their text, decoded from each format (or refused with one line), cut into
the spans of subtitle cues or bookmarks, clipped, slowed with the pitch kept, written as WAV."""

import io
import shutil
import wave

import pytest

from studyapp.cli import main
from studyapp.document import open_in_library, recording_spans
from studyapp.library import Bookmark
from studyapp.listening.recordings import (
    RATE,
    Audio,
    RecordingError,
    Span,
    bookmark_spans,
    clip,
    clips,
    cue_spans,
    decode,
    duration_of,
    find_beside,
    seconds,
    slowed,
    span_at_offset,
    span_at_time,
    wav_bytes,
)
from studyapp.text import split
from studyapp.text.loading import load

from ...sound_maker import CUES, LENGTH, converted, dominant_hz, subtitles_with_recording, tone_samples, write_wav


def test_each_cue_of_an_srt_is_its_own_span_and_its_clip_is_as_long_as_the_cue(tmp_path):
    srt, recording = subtitles_with_recording(tmp_path)
    document = split(load(srt))
    audio = decode(recording)
    spans = cue_spans(document)
    assert [document.text[s.offset:s.end_offset] for s in spans] == [text for _s, _e, text, _hz in CUES]
    for span, (start, end, _text, hz) in zip(spans, CUES, strict=True):
        assert (span.start, span.end) == (seconds(start), seconds(end))
        heard = clip(audio, span)
        assert heard.duration == pytest.approx(seconds(end) - seconds(start), abs=1 / RATE)
        assert dominant_hz(heard.samples, heard.rate) == pytest.approx(hz, abs=5)  # the cue's own sound


def test_the_span_playing_and_the_span_of_a_character_are_found_by_time_and_by_offset(tmp_path):
    srt, _recording = subtitles_with_recording(tmp_path)
    document = split(load(srt))
    spans = cue_spans(document)
    assert span_at_time(spans, 0.2) is None  # before the first cue
    assert span_at_time(spans, 0.5) == spans[0]
    assert span_at_time(spans, 1.85) is None  # between cues
    assert span_at_time(spans, 2.0) == spans[1]
    assert span_at_time(spans, 4.4) is None  # a cue ends where it says
    second = document.text.index("银行")
    assert span_at_offset(spans, second) == spans[1]
    assert span_at_offset(spans, spans[0].end_offset) is None  # the newline between cues
    assert span_at_offset(spans, len(document.text) + 5) is None


def test_bookmarks_run_each_to_the_next_and_the_last_to_the_end():
    marks = [Bookmark(20, 6.5), Bookmark(0, 1.0), Bookmark(9, 3.25)]
    assert bookmark_spans(marks, 30, 10.0) == [Span(1.0, 3.25, 0, 9), Span(3.25, 6.5, 9, 20), Span(6.5, 10.0, 20, 30)]
    assert bookmark_spans([], 30, 10.0) == []
    # bookmarks set out of order (earlier in the recording than one before them in the text) or past its end are
    # passed over: the spans run forward in text and time, as span_at_time's bisection needs
    out_of_order = [Bookmark(0, 5.0), Bookmark(5, 9.0), Bookmark(9, 2.0), Bookmark(12, 3.0), Bookmark(20, 12.0)]
    spans = bookmark_spans(out_of_order, 30, 10.0)
    assert spans == [Span(5.0, 9.0, 0, 5), Span(9.0, 10.0, 5, 30)]
    assert [span_at_time(spans, t) for t in (4.0, 5.0, 9.5)] == [None, spans[0], spans[1]]


def test_a_document_with_cues_uses_them_and_one_without_uses_its_bookmarks(library, tmp_path):
    srt, _recording = subtitles_with_recording(tmp_path)
    subtitled = open_in_library(library, srt)
    assert recording_spans(library, subtitled.id, subtitled.document, LENGTH) == cue_spans(subtitled.document)
    plain = tmp_path / "plain.txt"
    plain.write_text("第一句话。第二句话。\n", encoding="utf-8")
    opened = open_in_library(library, plain)
    assert recording_spans(library, opened.id, opened.document, 8.0) == []
    library.add_bookmark(opened.id, 5, 4.0)
    library.add_bookmark(opened.id, 0, 0.5)
    assert recording_spans(library, opened.id, opened.document, 8.0) == [Span(0.5, 4.0, 0, 5),
                                                                         Span(4.0, 8.0, 5, len(opened.document.text))]


@pytest.mark.parametrize("name", ["lesson.srt", "lesson.txt", "episode.zh.srt"])
def test_the_recording_beside_a_text_under_the_same_name_is_found(tmp_path, name):
    source = tmp_path / name
    source.write_text("你好。\n", encoding="utf-8")
    assert find_beside(source) is None
    (tmp_path / "other.mp3").write_bytes(b"")
    assert find_beside(source) is None
    stem = name.split(".")[0]
    (tmp_path / f"{stem}.M4A").write_bytes(b"")
    assert find_beside(source) == tmp_path / f"{stem}.M4A"


def _tone(tmp_path, hz=440.0, length=1.5):
    return write_wav(tmp_path / "tone.wav", tone_samples([(0, length, hz)], length))


@pytest.mark.parametrize("suffix, codec", [(".mp3", ()), (".flac", ()), (".ogg", ("-c:a", "libvorbis")),
                                           (".m4a", ("-c:a", "aac")), (".ogg", ("-c:a", "libopus"))],
                         ids=["mp3", "flac", "vorbis", "m4a", "opus-in-ogg"])
def test_each_format_decodes_to_the_same_sound(tmp_path, suffix, codec):
    recording = converted(_tone(tmp_path), suffix, *codec)
    audio = decode(recording)
    assert (audio.channels, audio.rate) == (1, RATE)
    assert audio.duration == pytest.approx(1.5, abs=0.08)  # encoders pad a little
    assert dominant_hz(audio.samples, audio.rate) == pytest.approx(440, abs=5)
    assert duration_of(recording) == pytest.approx(1.5, abs=0.08)


def test_a_stereo_wav_at_another_rate_comes_out_mono_at_the_one_rate(tmp_path):
    mono = tone_samples([(0, 1.0, 440.0)], 1.0, rate=44_100)
    stereo = type(mono)("h", (value for sample in mono for value in (sample, sample)))
    audio = decode(write_wav(tmp_path / "stereo.wav", stereo, rate=44_100, channels=2))
    assert (audio.channels, audio.rate) == (1, RATE)
    assert audio.duration == pytest.approx(1.0, abs=0.01)
    assert dominant_hz(audio.samples, audio.rate) == pytest.approx(440, abs=5)


def test_a_missing_file_and_a_file_that_is_no_sound_get_one_line(tmp_path):
    with pytest.raises(RecordingError, match="no recording at") as missing:
        decode(tmp_path / "gone.mp3")
    fake = tmp_path / "fake.mp3"
    fake.write_text("这不是录音。" * 200, encoding="utf-8")
    with pytest.raises(RecordingError, match="fake.mp3") as unreadable:
        decode(fake)
    for error in (missing, unreadable):
        assert "\n" not in str(error.value) and "Traceback" not in str(error.value)
    with pytest.raises(RecordingError, match="fake.mp3"):
        duration_of(fake)


def test_without_ffmpeg_an_m4a_is_refused_naming_ffmpeg(tmp_path, monkeypatch):
    recording = converted(_tone(tmp_path), ".m4a", "-c:a", "aac")
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(RecordingError, match="ffmpeg"):
        decode(recording)


def test_a_recording_longer_than_the_bound_is_refused(tmp_path):
    recording = _tone(tmp_path, length=3.0)
    with pytest.raises(RecordingError, match="longer than 2.5 seconds"):
        decode(recording, max_seconds=2.5)
    assert decode(recording, max_seconds=4).duration == pytest.approx(3.0, abs=0.01)


def test_slowed_to_three_quarters_is_four_thirds_as_long_at_the_same_pitch(tmp_path):
    audio = decode(_tone(tmp_path, hz=330.0, length=2.0))
    slow = slowed(audio, 0.75)
    assert slow.duration == pytest.approx(audio.duration * 4 / 3, abs=0.01)
    assert dominant_hz(slow.samples, slow.rate) == pytest.approx(330, abs=3)
    assert slowed(audio, 1.0) == audio


def test_a_clip_written_as_wav_reads_back_the_same():
    audio = Audio(tone_samples([(0, 0.5, 440.0)], 0.5), 1, RATE)
    data = wav_bytes(clip(audio, Span(0.1, 0.3, 0, 1)))
    with wave.open(io.BytesIO(data)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, RATE)
        assert reader.getnframes() == round(0.2 * RATE)
    past_the_end = clip(audio, Span(0.4, 9.0, 0, 1))
    assert past_the_end.duration == pytest.approx(0.1, abs=1 / RATE)


def test_clips_read_in_one_pass_are_the_clips_of_the_whole_decoded_recording(tmp_path):
    _srt, recording = subtitles_with_recording(tmp_path)
    audio = decode(recording)
    spans = [Span(3.6, 4.4, 0, 1), Span(0.5, 1.7, 0, 1), Span(0.5, 1.0, 0, 1), Span(4.0, 9.0, 0, 1),
             Span(6.0, 7.0, 0, 1)]  # out of order, overlapping, past the end, wholly after it
    assert clips(recording, spans) == [clip(audio, span) for span in spans]
    assert clips(recording, []) == []


@pytest.mark.parametrize("suffix", [".wav", ".mp3", ".m4a"])
def test_clips_seek_to_their_first_span_and_hear_what_decoding_it_all_hears(tmp_path, suffix):
    import numpy as np

    mono = tone_samples([(0, 20.0, 500.0)], 20.0, rate=44_100)
    stereo = type(mono)("h", (value for sample in mono for value in (sample, -sample // 2)))
    recording = write_wav(tmp_path / "long.wav", stereo, rate=44_100, channels=2)
    if suffix != ".wav":
        recording = converted(recording, suffix)
    whole = decode(recording)
    spans = [Span(12.3, 13.1, 0, 1), Span(25.0, 26.0, 0, 1)]  # the second is past the end
    sought, beyond = clips(recording, spans)
    expected = clip(whole, spans[0])
    assert sought.frames == expected.frames and beyond.frames == 0
    assert clips(recording, [spans[1]])[0].frames == 0  # a seek past the end hears nothing, and is no error
    heard, decoded = (np.frombuffer(audio.samples, dtype=np.int16).astype(float) for audio in (sought, expected))
    assert np.corrcoef(heard, decoded)[0, 1] > 0.999  # the same samples (the resampler's start differs a little)


# --- the command line -------------------------------------------------------------------------------------------

def _wav_seconds(path):
    with wave.open(str(path)) as reader:
        return reader.getnframes() / reader.getframerate()


def test_the_command_line_attaches_the_recording_beside_lists_its_spans_and_writes_a_clause_clip(tmp_path, capsys):
    srt, recording = subtitles_with_recording(tmp_path)
    library = tmp_path / "library.sqlite"
    assert main(["recording", "show", str(srt), "--library", str(library)]) == 0  # beside it, not attached
    assert not library.exists()  # reading writes nothing
    shown = capsys.readouterr()
    assert shown.out.splitlines()[1] == "2\t2.000\t3.250\t我们去银行吧。" and "not attached" in shown.err
    assert main(["recording", "attach", str(srt), "--library", str(library)]) == 0
    assert str(recording) in capsys.readouterr().err
    other = tmp_path / "elsewhere"
    other.mkdir()
    srt.rename(other / srt.name)  # the attached recording is found from the library, not beside the text
    moved = other / srt.name
    assert main(["recording", "show", str(moved), "--library", str(library)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    out = tmp_path / "clip.wav"
    assert main(["clip", str(moved), "--clause", "3", "--out", str(out), "--library", str(library)]) == 0
    assert _wav_seconds(out) == pytest.approx(1.25, abs=0.01)  # clause 3 (我们去银行吧。) is the second cue's
    assert main(["clip", str(moved), "--clause", "3", "--speed", "0.75", "--out", str(out),
                 "--library", str(library)]) == 0
    assert _wav_seconds(out) == pytest.approx(1.25 * 4 / 3, abs=0.01)


def test_the_command_line_says_one_line_and_exits_2_for_audio_it_cannot_use(tmp_path, capsys):
    srt, recording = subtitles_with_recording(tmp_path)
    library = str(tmp_path / "library.sqlite")
    fake = tmp_path / "notes.ogg"
    fake.write_text("这不是录音。" * 100, encoding="utf-8")
    lonely = tmp_path / "lonely.srt"
    lonely.write_text(srt.read_text(encoding="utf-8"), encoding="utf-8")
    for argv in (["recording", "attach", str(srt), str(tmp_path / "gone.mp3")],
                 ["recording", "attach", str(srt), str(fake)],
                 ["recording", "show", str(lonely)],
                 ["clip", str(srt), "--clause", "99", "--out", str(tmp_path / "x.wav")]):
        assert main([*argv, "--library", library]) == 2
        err = capsys.readouterr().err.strip().splitlines()  # (a note may come before: "Using X, beside the text")
        assert err[-1].startswith("studyapp: ") and sum(line.startswith("studyapp") for line in err) == 1, argv
    assert main(["recording", "attach", str(srt), str(recording), "--library", library]) == 0
    recording.unlink()
    capsys.readouterr()
    assert main(["clip", str(srt), "--clause", "1", "--out", str(tmp_path / "x.wav"), "--library", library]) == 2
    assert "no recording at" in capsys.readouterr().err
    assert not (tmp_path / "x.wav").exists()


def test_faded_ramps_each_channel_in_and_out_and_leaves_the_middle():
    from array import array

    from studyapp.listening.recordings import faded

    steady = Audio(array("h", [10_000, -10_000] * 1000), 2, 20_000)  # 1000 stereo frames, 5 ms = 100 frames
    ramped = faded(steady)
    assert ramped.frames == steady.frames and ramped.samples[:2] == array("h", [0, 0])
    assert ramped.samples[-2:] == array("h", [0, 0])
    assert ramped.samples[100] == 5_000 and ramped.samples[101] == -5_000  # halfway up, each channel
    assert ramped.samples[1000:1002] == steady.samples[1000:1002]
    assert faded(Audio(array("h", [7]), 1, 20_000)) == Audio(array("h", [7]), 1, 20_000)

"""A document's recording in the window, without a sound card: played for real into miniaudio's null device, and
the playing position driven by the test (a seek) where a user would wait for the sound to get there."""

import json
import threading
from array import array

import miniaudio
import pytest

from studyapp.library import Library
from studyapp.listening.recordings import Audio, Span
from studyapp.ui.qt import QPoint, Qt
from studyapp.ui.recording_player import Playback
from studyapp.ui.speech_player import Player

from ..sound_maker import CUES, cue_wav, dominant_hz, subtitles_with_recording
from .conftest import opened, shown_review, wait_for


@pytest.fixture
def window(window):
    window.speech.player = Player(backends=[miniaudio.Backend.NULL])
    yield window
    window.speech.recordings.stop()
    window.speech.player.stop()


def _open_with_recording(window, qtbot, path):
    recordings = window.speech.recordings
    with qtbot.waitSignal(recordings.loaded, timeout=20000):
        assert opened(window, path)
    return recordings


def _row_of_cue(window, number: int) -> int:
    return window.session.model.row_at_offset(window.session.document.cues[number][0])


def test_a_recording_beside_a_subtitle_file_is_attached_as_it_opens(window, qtbot, tmp_path):
    srt, wav = subtitles_with_recording(tmp_path)
    recordings = _open_with_recording(window, qtbot, srt)
    assert window.library.recording(window.session.document_id) == wav
    # one line, after the analysis's own (which would otherwise hide it)
    qtbot.waitUntil(lambda: "Attached lesson.wav (found beside lesson.srt): F8 plays it" in
                    window.statusBar().currentMessage(), timeout=10000)
    assert recordings.bar.isVisible() and "lesson.wav" in recordings.bar.time_label.text()
    assert [(span.start, span.end) for span in recordings.spans] == [(0.5, 1.7), (2.0, 3.25), (3.6, 4.4)]


def test_the_reader_follows_the_playing_cue(window, qtbot, tmp_path):
    srt, _wav = subtitles_with_recording(tmp_path)
    recordings = _open_with_recording(window, qtbot, srt)
    window.view.go_to(0)
    qtbot.keyClick(window.view, Qt.Key.Key_F8)  # play
    wait_for(lambda: recordings.playback.playing, 5000)
    for number in (1, 2, 0):
        recordings.playback.seek(float(CUES[number][0][6:].replace(",", ".")) + 0.1)
        qtbot.waitUntil(lambda number=number: window.view.currentIndex().row() == _row_of_cue(window, number),
                        timeout=3000)
    assert "0:00 / 0:05" in recordings.bar.time_label.text()
    qtbot.keyClick(window.view, Qt.Key.Key_F8)  # pause
    qtbot.waitUntil(lambda: not recordings.playback.playing, timeout=3000)
    assert recordings.play_action.text() == "&Play Recording"


def test_a_click_on_a_cues_time_plays_that_cue(window, qtbot, tmp_path):
    srt, _wav = subtitles_with_recording(tmp_path)
    recordings = _open_with_recording(window, qtbot, srt)
    row = _row_of_cue(window, 2)
    window.view.go_to(row)
    index = window.session.model.index(row, 0)
    rect = window.view.visualRect(index)
    assert window.delegate.margin_note(row) == "00:00:03"
    time = window.delegate.note_rect(rect, window.delegate.layout_for(index, rect.width())).toAlignedRect()
    assert rect.contains(time)  # written inside its row (it hung below a one-line row, over the next row's margin)
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=time.topRight() + QPoint(-8, 4))
    wait_for(lambda: recordings.playback.playing, 5000)
    assert 3.6 <= recordings.playback.seconds < 4.4


def test_loop_goes_round_the_span(window, qtbot, tmp_path):
    srt, _wav = subtitles_with_recording(tmp_path)
    recordings = _open_with_recording(window, qtbot, srt)
    window.view.go_to(_row_of_cue(window, 2))  # 3.6-4.4 s
    recordings.loop_action.trigger()
    recordings.repeat_action.trigger()
    wait_for(lambda: recordings.playback.playing, 5000)
    seen: list[float] = []
    qtbot.waitUntil(lambda: seen.append(recordings.playback.seconds) or (len(seen) > 1 and seen[-1] < seen[-2]),
                    timeout=3000)  # back at the start: it went round
    assert all(3.6 <= at <= 4.4 for at in seen)
    assert recordings.playback.playing


def test_loop_in_the_stream_itself():
    """What the audio thread gets: the frames of the span, then its start again, never what lies past it."""
    audio = Audio(array("h", range(1000)), 1, 100)  # 10 s at 100 frames a second
    playback = Playback(audio, Player())
    playback.keep_to(Span(2.0, 3.0, 0, 1), loop=True)
    playback.seek(2.5)
    feed = playback._feed(threading.Event())
    next(feed)
    pulled = [feed.send(30) for _ in range(4)]
    assert [list(chunk) for chunk in pulled] == [list(range(250, 280)), list(range(280, 300)), list(range(200, 230)),
                                                 list(range(230, 260))]
    playback.keep_to(Span(2.0, 3.0, 0, 1), loop=False)
    assert list(feed.send(100)) == list(range(260, 300))
    assert feed.send(10) == b"\0\0" * 10  # the span is over: silence


def test_repeat_plays_the_current_clauses_cue_and_stops_at_its_end(window, qtbot, tmp_path):
    srt, _wav = subtitles_with_recording(tmp_path)
    recordings = _open_with_recording(window, qtbot, srt)
    window.view.go_to(_row_of_cue(window, 0))
    qtbot.keyClick(window.view, Qt.Key.Key_F9)
    wait_for(lambda: recordings.playback.playing, 5000)
    assert 0.5 <= recordings.playback.seconds < 1.7  # the cue from its start
    recordings.playback.seek(1.6)
    qtbot.waitUntil(lambda: not recordings.playback.playing, timeout=3000)
    assert recordings.playback.seconds == pytest.approx(1.7, abs=0.01)
    assert window.view.currentIndex().row() == _row_of_cue(window, 0)


def test_slow_plays_the_span_at_three_quarters_with_the_time_in_the_recordings_seconds(window, qtbot, tmp_path):
    srt, _wav = subtitles_with_recording(tmp_path)
    recordings = _open_with_recording(window, qtbot, srt)
    window.view.go_to(_row_of_cue(window, 1))  # 2.0-3.25 s
    recordings.slow_action.trigger()
    recordings.repeat_action.trigger()
    wait_for(lambda: recordings.playback.playing, 5000)
    track = recordings.playback.track
    assert track.factor == 0.75 and track.audio.duration == pytest.approx(1.25 / 0.75, abs=0.01)
    assert 2.0 <= recordings.playback.seconds < 3.25


def test_speech_stops_the_recording_and_the_recording_stops_speech(window, qtbot, tmp_path):
    srt, _wav = subtitles_with_recording(tmp_path)
    recordings = _open_with_recording(window, qtbot, srt)
    window.view.go_to(0)
    recordings.play_action.trigger()
    wait_for(lambda: recordings.playback.playing, 5000)
    window.speech.say_row(0)
    qtbot.waitUntil(lambda: window.speech.player.playing and not recordings.playback.playing, timeout=10000)
    qtbot.waitUntil(lambda: recordings.play_action.text() == "&Play Recording", timeout=3000)
    recordings.play_action.trigger()
    wait_for(lambda: recordings.playback.playing, 5000)  # the speech's turn is over: only the recording sounds


def test_a_bookmark_made_while_playing_is_kept_and_followed(window, qtbot, tmp_path):
    text = tmp_path / "story.txt"
    text.write_text("第一句话。\n第二句话。\n第三句话。\n", encoding="utf-8")
    cue_wav(tmp_path / "story.wav")
    recordings = _open_with_recording(window, qtbot, text)
    assert recordings.spans == []  # no bookmarks yet: nothing to follow
    window.view.go_to(0)
    recordings.play_action.trigger()
    wait_for(lambda: recordings.playback.playing, 5000)
    recordings.playback.seek(1.0)
    recordings.bookmark_action.trigger()
    window.view.go_to(2)
    recordings.playback.seek(3.0)
    qtbot.keyClick(window.view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert "clause 3 is heard from 0:03" in window.statusBar().currentMessage()
    document_id = window.session.document_id
    marks = window.library.bookmarks(document_id)
    assert [(mark.offset, round(mark.seconds)) for mark in marks] == [(0, 1), (12, 3)]

    with Library.open(window.library.path) as reopened:  # a new connection to the same file: they are kept
        assert reopened.bookmarks(document_id) == marks
    recordings = _open_with_recording(window, qtbot, text)  # open it again: the reader follows between them
    recordings.play_action.trigger()
    wait_for(lambda: recordings.playback.playing, 5000)
    recordings.playback.seek(3.5)
    qtbot.waitUntil(lambda: window.view.currentIndex().row() == 2, timeout=3000)
    recordings.playback.seek(1.5)
    qtbot.waitUntil(lambda: window.view.currentIndex().row() == 0, timeout=3000)
    menu = recordings.bookmarks_menu
    menu.aboutToShow.emit()
    assert [action.text() for action in menu.actions() if action.text()][:2] == ["Clause 1 at 0:01", "Clause 3 at 0:03"]
    remove = next(action.menu() for action in menu.actions() if action.text() == "&Remove")
    next(action for action in remove.actions() if action.text() == "Clause 3 at 0:03").trigger()
    assert window.library.bookmarks(document_id) == marks[:1]
    assert [(span.offset, span.end_offset) for span in recordings.spans] == [(0, len(window.session.document.text))]


def test_a_missing_recording_gets_one_line_and_the_text_stays_usable(window, qtbot, tmp_path):
    srt, wav = subtitles_with_recording(tmp_path)
    _open_with_recording(window, qtbot, srt)
    opened(window, None)
    wav.unlink()
    assert opened(window, srt)
    qtbot.waitUntil(lambda: "lesson.wav" in window.statusBar().currentMessage(), timeout=10000)
    line = window.statusBar().currentMessage()
    assert "\n" not in line and ("missing" in line or "no recording" in line.lower())
    recordings = window.speech.recordings
    assert not recordings.bar.isVisible() and not recordings.play_action.isEnabled()
    window.view.go_to(2)  # the text reads as ever
    assert window.view.currentIndex().row() == 2 and window.session.model.rowCount() == 4


def test_file_attach_recording_attaches_the_chosen_file(window, qtbot, tmp_path, monkeypatch):
    from studyapp.ui.qt import QFileDialog

    wav = cue_wav(tmp_path / "reading.wav")
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *args: asked.append(args[-1]) or (str(wav), ""))
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    attach = next(a for a in file_menu.actions() if a.text() == "Attach &Recording…")
    with qtbot.waitSignal(window.speech.recordings.loaded, timeout=20000):
        attach.trigger()
    assert "*.mp3 *.m4a *.ogg *.flac *.wav" in asked[0]
    assert window.library.recording(window.session.document_id) == wav
    assert window.speech.recordings.bar.isVisible()


def _review_card_from_cue(window, qtbot, number: int):
    from studyapp.library import StudyEntry
    from studyapp.study.review import Kind, ReviewSettings, save_settings

    offset = window.session.document.cues[number][0]
    window.library.add_to_study([StudyEntry("银行", "yín háng", CUES[number][2], "", window.session.document_id,
                                            offset)])
    save_settings(window.library, ReviewSettings(kinds=(Kind.RECOGNITION,)))
    review = shown_review(window, qtbot)
    review.start()
    return review


def test_review_plays_the_cards_recorded_clause_on_reveal(window, qtbot, tmp_path):
    """The clip is the cue's span of the recording (its tone, its length), as the .apkg carries it."""
    from studyapp.listening.recordings import decode

    srt, _wav = subtitles_with_recording(tmp_path)
    _open_with_recording(window, qtbot, srt)
    window.settings.speak_on_reveal = False
    review = _review_card_from_cue(window, qtbot, 1)  # 2.0-3.25 s, 660 Hz
    assert review.play_clip_on_reveal
    with qtbot.waitSignal(window.speech.review_clips.clipPlayed, timeout=10000) as played:
        qtbot.keyClick(review, Qt.Key.Key_Space)
    clip_file = tmp_path / "clip.wav"
    clip_file.write_bytes(played.args[0])
    sound = decode(clip_file)
    assert sound.duration == pytest.approx(1.25, abs=0.01)
    assert dominant_hz(sound.samples, sound.rate) == pytest.approx(660, abs=5)
    qtbot.waitUntil(lambda: window.speech.player.playing, timeout=5000)
    assert opened(window, None)  # another text in the reader: the clip is read from the card's recording file
    with qtbot.waitSignal(window.speech.review_clips.clipPlayed, timeout=10000) as again:  # A plays it again
        qtbot.keyClick(review, Qt.Key.Key_A)
    assert again.args[0] == played.args[0]


def test_review_plays_no_clip_on_reveal_when_the_option_is_off(window, qtbot, tmp_path):
    srt, _wav = subtitles_with_recording(tmp_path)
    _open_with_recording(window, qtbot, srt)
    window.settings.play_clip_on_reveal = False
    review = _review_card_from_cue(window, qtbot, 0)
    assert not review.play_clip_on_reveal
    with qtbot.assertNotEmitted(review.clipRequested):
        qtbot.keyClick(review, Qt.Key.Key_Space)


def test_slow_goes_on_to_the_next_span_when_one_ends(window, qtbot, tmp_path):
    """Played slowed, one span's clip at a time: at a clip's end the next span's follows, and the reader with it."""
    srt, _wav = subtitles_with_recording(tmp_path)
    recordings = _open_with_recording(window, qtbot, srt)
    window.view.go_to(_row_of_cue(window, 0))
    recordings.slow_action.trigger()
    qtbot.keyClick(window.view, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: recordings.playback.playing and recordings.playback.track.factor == 0.75, timeout=5000)
    assert recordings.playback.track.origin == 0.5
    recordings.playback.seek(1.65)  # near the end of the first cue's clip
    qtbot.waitUntil(lambda: recordings.playback.track.origin == 2.0 and recordings.playback.playing, timeout=5000)
    qtbot.waitUntil(lambda: window.view.currentIndex().row() == _row_of_cue(window, 1), timeout=3000)
    recordings.slow_action.trigger()  # off: the recording plays on at its own speed from where it is
    qtbot.waitUntil(lambda: recordings.playback.track.factor == 1 and recordings.playback.playing, timeout=5000)
    assert 2.0 <= recordings.playback.seconds < 3.25


def test_slow_goes_on_to_the_next_span_though_no_tick_came_while_a_clip_played(window, qtbot, tmp_path):
    """On a loaded machine the reader's follow timer may first tick after a short clip has ended (CI, once): the
    next span still follows, as the clip says which span it was, not the last tick."""
    srt, _wav = subtitles_with_recording(tmp_path)
    recordings = _open_with_recording(window, qtbot, srt)
    window.view.go_to(_row_of_cue(window, 0))
    recordings._timer.setInterval(1000)  # no tick between the clip's start and its end
    recordings.slow_action.trigger()
    qtbot.keyClick(window.view, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: recordings.playback.playing and recordings.playback.track.factor == 0.75, timeout=5000)
    recordings.playback.seek(1.65)  # the clip ends in a twentieth of a second
    qtbot.waitUntil(lambda: recordings.playback.track.origin == 2.0 and recordings.playback.playing, timeout=5000)


def test_an_unreadable_recording_gets_one_line_and_can_be_detached(window, qtbot, tmp_path):
    srt, wav = subtitles_with_recording(tmp_path)
    wav.write_bytes(b"this is no sound at all" * 100)
    assert opened(window, srt)
    qtbot.waitUntil(lambda: "lesson.wav" in window.statusBar().currentMessage()
                    and "Attached" not in window.statusBar().currentMessage(), timeout=10000)
    assert "\n" not in window.statusBar().currentMessage()
    recordings = window.speech.recordings
    assert recordings.playback is None and not recordings.bar.isVisible()
    listen = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Listen")
    next(a for a in listen.actions() if a.text() == "&Detach the Recording").trigger()
    assert window.library.recording(window.session.document_id) is None


def test_review_plays_nothing_for_a_cue_past_the_recordings_end(window, qtbot, tmp_path):
    """A recording shorter than its subtitles: the last cues have no sound (an empty clip was handed to the player,
    which said no sound device could be opened)."""
    srt, wav = subtitles_with_recording(tmp_path)
    cue_wav(wav, length=1.9)  # the second and third cues (2.0 s on) are past its end
    _open_with_recording(window, qtbot, srt)
    window.settings.speak_on_reveal = False
    review = _review_card_from_cue(window, qtbot, 1)
    clips = window.speech.review_clips
    with qtbot.waitSignal(clips.clipFound, timeout=10000) as found:
        qtbot.keyClick(review, Qt.Key.Key_Space)
    assert found.args[0] is None


def test_the_windows_anki_export_carries_each_cards_recorded_clip(window, qtbot, tmp_path):
    """File > Export Vocabulary as the command line's deck export: a card whose clause is heard in the recording
    carries that clip (the window's export had cards without sound)."""
    import re
    import zipfile

    srt, _wav = subtitles_with_recording(tmp_path)
    _open_with_recording(window, qtbot, srt)
    qtbot.waitUntil(lambda: bool(window.session.terms), timeout=30000)
    out = tmp_path / "lesson.apkg"
    window.vocabulary.export_to(out, "apkg")
    qtbot.waitUntil(lambda: out.exists() and out.stat().st_size > 0, timeout=20000)
    with zipfile.ZipFile(out) as package:
        media = json.loads(package.read("media"))
        sounds = [name for name in media.values() if re.fullmatch(r"studyapp-[0-9a-f]{16}\.wav", name)]
    assert len(sounds) == len(CUES)  # each cue's clip, once


def test_a_detached_recording_beside_its_text_is_not_attached_again_on_reopening(window, qtbot, tmp_path):
    """Detach means detach: the file beside the subtitles stayed there, and every opening attached it again."""
    srt, wav = subtitles_with_recording(tmp_path)
    recordings = _open_with_recording(window, qtbot, srt)
    document_id = window.session.document_id
    recordings.detach()
    assert window.library.recording(document_id) is None
    assert opened(window, srt)
    qtbot.waitUntil(lambda: not window.session.analysis_running(), timeout=30000)
    assert window.library.recording(document_id) is None and recordings.playback is None
    assert not recordings.bar.isVisible()
    with qtbot.waitSignal(recordings.loaded, timeout=20000):
        recordings.attach(wav)  # File > Attach Recording still attaches it when asked
    assert window.library.recording(document_id) == wav

"""A card whose clause is heard in its document's recording carries that clip, and the Anki package holds it as
media that Anki's own library imports and the note refers to."""

import io
import json
import re
import wave
import zipfile
from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.document import ClauseSounds, open_in_library
from studyapp.listening.recordings import Recorded, seconds
from studyapp.study import deck
from studyapp.study.deck_export import cards, export_deck, study_cards

from ...sound_maker import CUES, dominant_hz, subtitles_with_recording
from .test_deck_export import anki_notes, package_clock  # noqa: F401  (a fixture)

SOUND = re.compile(r"\[sound:(studyapp-[0-9a-f]{16}\.wav)\]")


def _wav(data: bytes):
    with wave.open(io.BytesIO(data)) as reader:
        return reader.getnframes() / reader.getframerate(), reader.readframes(reader.getnframes()), \
            reader.getframerate()


def _anki_media(collection_path: Path) -> Path:
    return collection_path.with_name(collection_path.stem + ".media")


def test_the_package_carries_each_cues_clip_and_anki_plays_it_from_the_note(tmp_path, package_clock):  # noqa: F811
    from array import array

    srt, _recording = subtitles_with_recording(tmp_path)
    assert main(["recording", "attach", str(srt)]) == 0  # found beside the subtitles
    package = tmp_path / "lesson.apkg"
    assert main(["deck", str(srt), "--export", "apkg", "--out", str(package)]) == 0
    collection = tmp_path / "collection.anki2"
    notes = anki_notes(package, collection)
    for word, cue in (("银行", 1), ("小王", 0), ("好", 2)):
        context = notes[word]["Context"]
        assert f"<b>{word}</b>" in context
        name = SOUND.search(context).group(1)
        media = _anki_media(collection) / name
        assert media.is_file(), f"{name} is not in Anki's media folder"
        length, frames, rate = _wav(media.read_bytes())
        start, end, _text, hz = CUES[cue]
        assert length == pytest.approx(seconds(end) - seconds(start), abs=0.01)  # the cue's own span
        assert dominant_hz(array("h", frames), rate) == pytest.approx(hz, abs=5)  # and its own sound
        samples = array("h", frames)
        assert abs(samples[0]) < 100 and abs(samples[-1]) < 100 < max(samples)  # faded in and out: no click
    # a word of the same cue shares the one file
    assert SOUND.search(notes["我们"]["Context"]).group(1) == SOUND.search(notes["银行"]["Context"]).group(1)


def test_a_deck_without_a_recording_has_no_media_and_a_later_one_with_sound_updates_its_notes(tmp_path,
                                                                                           package_clock):  # noqa: F811
    srt, recording = subtitles_with_recording(tmp_path)
    silent = tmp_path / "silent.apkg"
    assert main(["deck", str(srt), "--export", "apkg", "--out", str(silent)]) == 0
    with zipfile.ZipFile(silent) as archive:
        assert json.loads(archive.read("media")) == {} and sorted(archive.namelist()) == ["collection.anki2", "media"]
    collection = tmp_path / "collection.anki2"
    before = anki_notes(silent, collection)
    assert not SOUND.search(before["银行"]["Context"])
    assert main(["recording", "attach", str(srt), str(recording)]) == 0
    heard = tmp_path / "heard.apkg"
    assert main(["deck", str(srt), "--export", "apkg", "--out", str(heard)]) == 0
    after = anki_notes(heard, collection)
    assert len(after) == len(before)  # the same notes, updated: the note type did not change
    assert SOUND.search(after["银行"]["Context"])


def test_a_missing_recording_exports_the_deck_without_sound_and_says_so(tmp_path, capsys):
    srt, recording = subtitles_with_recording(tmp_path)
    assert main(["recording", "attach", str(srt), str(recording)]) == 0
    recording.unlink()
    package = tmp_path / "lesson.apkg"
    assert main(["deck", str(srt), "--export", "apkg", "--out", str(package)]) == 0
    assert "no recording at" in capsys.readouterr().err
    assert package.stat().st_size > 0


def test_study_list_cards_carry_the_clip_of_the_clause_they_were_added_from(library, analyzer, tmp_path):
    srt, recording = subtitles_with_recording(tmp_path)
    opened = open_in_library(library, srt)
    library.attach_recording(opened.id, recording)
    _gathered, found = deck.build(library, opened.id, opened.document, analyzer)
    bank = next(term for term in found if term.word == "银行")
    library.add_to_study([deck.study_entry(bank, opened.document, opened.segments, opened.id)])
    sounds = ClauseSounds(library)
    [card] = study_cards(library.study_list(), {}, analyzer, sound_at=sounds.at)
    start, end = seconds(CUES[1][0]), seconds(CUES[1][1])
    assert card.sound == Recorded(recording, card.sound.span) and (card.sound.span.start, card.sound.span.end) == (start, end)
    # the same clause through the document's own cards
    [same] = cards(opened.document, opened.segments, [bank], sound_at=sounds.for_document(opened.id, opened.document))
    assert same.sound == card.sound
    with zipfile.ZipFile(io.BytesIO(export_deck([card], "apkg"))) as archive:
        [(number, name)] = json.loads(archive.read("media")).items()
        assert _wav(archive.read(number))[0] == pytest.approx(end - start, abs=0.01)
    assert sounds.problems == []


def test_a_bookmark_span_longer_than_a_clause_gives_no_clip(library, tmp_path):
    from studyapp.text import split

    from ...sound_maker import tone_samples, write_wav

    identifier = library.add_document(split("第一句话。第二句话。\n"), "t", None)
    recording = write_wav(tmp_path / "long.wav", tone_samples([(0, 40.0, 440.0)], 40.0))
    library.attach_recording(identifier, recording)
    library.add_bookmark(identifier, 0, 0.0)
    library.add_bookmark(identifier, 5, 5.0)  # the second clause runs to the end: 35 s, a passage
    sounds = ClauseSounds(library)
    assert sounds.at(identifier, 2).span.end == 5.0
    assert sounds.at(identifier, 6) is None

"""A document's recording and bookmarks in the library: kept through reopening, one bookmark per offset, the
path absolute and never a copy, a missing file refused with one line."""

import pytest

from studyapp.library import Bookmark, Library
from studyapp.listening.recordings import RecordingError, decode
from studyapp.text import split


def _document(library):
    return library.add_document(split("第一句话。第二句话。第三句话。\n"), "t", None)


def test_a_recording_and_its_bookmarks_are_kept_through_reopening(tmp_path, monkeypatch):
    path = tmp_path / "library.sqlite"
    recording = tmp_path / "audio" / "lesson.mp3"
    recording.parent.mkdir()
    recording.write_bytes(b"ID3")
    monkeypatch.chdir(tmp_path)
    with Library.open(path) as library:
        identifier = _document(library)
        assert library.recording(identifier) is None and library.bookmarks(identifier) == []
        assert library.attach_recording(identifier, recording.relative_to(tmp_path)) == recording  # absolute
        library.add_bookmark(identifier, 10, 7.5)
        library.add_bookmark(identifier, 0, 0.25)
        library.add_bookmark(identifier, 5, 3.0)
        library.add_bookmark(identifier, 5, 3.5)  # the same offset again: replaces
    with Library.open(path) as library:
        assert library.recording(identifier) == recording
        assert library.bookmarks(identifier) == [Bookmark(0, 0.25), Bookmark(5, 3.5), Bookmark(10, 7.5)]
        library.remove_bookmark(identifier, 5)
        assert library.bookmarks(identifier) == [Bookmark(0, 0.25), Bookmark(10, 7.5)]
        library.detach_recording(identifier)
        assert library.recording(identifier) is None and library.bookmarks(identifier) == []
    assert recording.read_bytes() == b"ID3"  # the learner's file, untouched


def test_attaching_a_missing_file_is_refused_and_a_moved_one_gets_one_line(library, tmp_path):
    identifier = _document(library)
    with pytest.raises(RecordingError, match="no recording at"):
        library.attach_recording(identifier, tmp_path / "nowhere.mp3")
    assert library.recording(identifier) is None
    recording = tmp_path / "lesson.wav"
    recording.write_bytes(b"RIFF")
    library.attach_recording(identifier, recording)
    recording.unlink()  # moved away after attaching
    with pytest.raises(RecordingError, match="no recording at") as error:
        decode(library.recording(identifier))
    assert str(library.recording(identifier)) in str(error.value) and "\n" not in str(error.value)


def test_removing_a_document_removes_its_recording_and_bookmarks(library, tmp_path):
    identifier = _document(library)
    recording = tmp_path / "lesson.wav"
    recording.write_bytes(b"RIFF")
    library.attach_recording(identifier, recording)
    library.add_bookmark(identifier, 0, 1.0)
    library.delete(identifier)
    assert library.recording(identifier) is None and library.bookmarks(identifier) == []

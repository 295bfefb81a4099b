"""A large text named at start-up is split in a child process; the opening takes that split only when it is the
very text's and ready, and splits the text itself otherwise."""

import pytest

from studyapp.document import open_loaded
from studyapp.library import document_id, documents, split_ahead
from studyapp.text import split
from studyapp.text.loading import load

PARAGRAPH = "　　宋江道：“兄弟，你且听我说。”那妇人道：“我不信！”武松……他笑了。\n"


@pytest.fixture
def big_text(tmp_path, monkeypatch):
    monkeypatch.setattr(split_ahead, "AHEAD_BYTES", 1000)  # the child's rule, on a text the test splits fast
    path = tmp_path / "novel.txt"
    path.write_text(PARAGRAPH * 40, encoding="utf-8")
    yield path
    while split_ahead._children:
        split_ahead._children.pop().stop()


def _finished() -> None:
    split_ahead._children[0].reader.join()  # what the child printed is read once it has exited


def _no_split_here(monkeypatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("split in the window's process")

    monkeypatch.setattr(documents, "split", refuse)


def test_the_opening_takes_the_split_the_child_made(big_text, library, monkeypatch):
    split_ahead.start(big_text, library.path)
    _finished()
    loaded = load(big_text)
    expected = split(loaded.text, loaded.encoding)
    _no_split_here(monkeypatch)
    opened = open_loaded(library, loaded, big_text, later=True)
    assert opened.document == expected
    assert not split_ahead._children  # taken once


def test_the_opening_waits_for_a_child_still_at_work(big_text, library, monkeypatch):
    split_ahead.start(big_text, library.path)  # and at once, as on a machine busy with other work
    loaded = load(big_text)
    _no_split_here(monkeypatch)
    assert open_loaded(library, loaded, big_text, later=True).document == split(loaded.text, loaded.encoding)


def test_a_child_that_takes_too_long_is_stopped_and_the_text_split_here(big_text, library, monkeypatch):
    split_ahead.start(big_text, library.path)
    child = split_ahead._children[0]
    monkeypatch.setattr(split_ahead, "LONGEST_WAIT_S", 0.0)
    monkeypatch.setattr(child.reader, "is_alive", lambda: True)  # as if it were stuck
    loaded = load(big_text)
    assert split_ahead.take(document_id(loaded.text), loaded.text, loaded.encoding) is None
    assert child.process.poll() is not None


def test_a_file_changed_since_is_split_here(big_text, library):
    split_ahead.start(big_text, library.path)
    _finished()
    big_text.write_text(PARAGRAPH * 41, encoding="utf-8")
    loaded = load(big_text)
    assert split_ahead.take(document_id(loaded.text), loaded.text, loaded.encoding) is None
    assert open_loaded(library, loaded, big_text, later=True).document == split(loaded.text, loaded.encoding)


def test_an_opening_of_another_text_stops_the_child_without_waiting_for_its_split(big_text, library):
    big_text.write_text(PARAGRAPH * 40_000, encoding="utf-8")  # 3 MB: its split takes the child a second
    split_ahead.start(big_text, library.path)
    child = split_ahead._children[0]
    other = split(PARAGRAPH)
    assert split_ahead.take(document_id(other.text), other.text, other.encoding) is None
    assert child.process.returncode not in (None, 0)  # stopped while it split


def test_a_file_opened_before_starts_no_child(big_text, library):
    library.add_document(split(load(big_text).text), "novel", str(big_text.resolve()))
    split_ahead.start(big_text, library.path)
    assert not split_ahead._children


def test_a_text_the_library_holds_from_another_file_is_not_split_by_the_child(big_text, library):
    library.add_document(split(load(big_text).text), "novel", str(big_text.resolve()))
    copy = big_text.with_name("copy.txt")
    copy.write_bytes(big_text.read_bytes())
    split_ahead.start(copy, library.path)
    _finished()
    assert split_ahead._children[0].output == b""


def test_a_bundled_app_starts_no_child(big_text, library, monkeypatch):
    monkeypatch.setattr(split_ahead.sys, "frozen", True, raising=False)  # its executable is the app, not Python
    split_ahead.start(big_text, library.path)
    assert not split_ahead._children


def test_a_small_text_starts_no_child(tmp_path, library):
    small = tmp_path / "short.txt"
    small.write_text(PARAGRAPH, encoding="utf-8")
    split_ahead.start(small, library.path)
    split_ahead.start(tmp_path / "missing.txt", library.path)
    assert not split_ahead._children

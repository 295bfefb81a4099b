"""A long text opened from the window (File > Open) is split into clauses by a child process, as one named at
start-up is: the window's process only waits for the split, and the GUI thread keeps the interpreter lock."""

from studyapp.library import documents, split_ahead
from studyapp.text import split
from studyapp.text.loading import load

from .conftest import opened

PARAGRAPH = "　　宋江道：“兄弟，你且听我说。”那妇人道：“我不信！”武松……他笑了。\n"


def test_a_long_text_opened_in_the_window_is_split_in_a_child_process(window, tmp_path, monkeypatch):
    monkeypatch.setattr(split_ahead, "AHEAD_BYTES", 1000)  # the child's rule, on a text the test splits fast
    path = tmp_path / "novel.txt"
    path.write_text(PARAGRAPH * 40, encoding="utf-8")
    loaded = load(path)
    expected = split(loaded.text, loaded.encoding)

    def refuse(*_args, **_kwargs):
        raise AssertionError("split in the window's process")

    monkeypatch.setattr(documents, "split", refuse)
    try:
        assert opened(window, path)
    finally:
        while split_ahead._children:
            split_ahead._children.pop().stop()
    document = window.session.document
    assert document.text == loaded.text
    assert list(document.clauses.starts) == list(expected.clauses.starts)
    assert list(document.clauses.ends) == list(expected.clauses.ends)

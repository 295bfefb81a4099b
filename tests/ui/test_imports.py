"""Importing a translation in the window: one step that undo takes back, clauses grouped by it included, and a
summary that counts in words."""

from studyapp.library import Library
from studyapp.translation.segments import regroup_by_sentence


def test_an_import_that_groups_clauses_is_one_step_undo_takes_back(window, qtbot, tmp_path):
    model = window.session.model
    document = window.session.document
    joined, _removed = regroup_by_sentence(document, model.segments)
    sentence = document.span_text(joined[0].start, joined[0].end)  # six clauses
    memory = tmp_path / "project_save.tmx"
    memory.write_text(
        '<tmx version="1.1"><header srclang="zh-CN"/><body>'
        f'<tu><tuv lang="zh-CN"><seg>{sentence}</seg></tuv><tuv lang="en"><seg>The first sentence.</seg></tuv></tu>'
        '</body></tmx>', encoding="utf-8")
    messages = []
    window.exchange.message.connect(messages.append)
    window.exchange.import_file(memory)
    qtbot.waitUntil(lambda: model.target(0) == "The first sentence.", timeout=20000)
    assert model.rowCount() == 123 and model.source_text(0) == sentence
    assert messages and "Filled 1 segment (1 by grouping its clauses into a sentence)." in messages[-1]
    window.translator.undo_stack.undo()
    assert model.rowCount() == 128 and not model.target(0)
    with Library.open(window.library.path) as other:
        assert [s.target for s in other.segments(window.session.document_id)] == [""] * 128
    window.translator.undo_stack.redo()
    assert model.rowCount() == 123 and model.target(0) == "The first sentence."


def test_the_window_asks_and_tells_with_counts_in_words(window, qtbot, tmp_path, monkeypatch):
    from studyapp.ui.qt import QMessageBox

    model = window.session.model
    model.set_target(0, "Mine")
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text(f"{model.source_text(0)}\tTheirs\n{model.source_text(1)}\tSecond\n", encoding="utf-8")
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _parent, _title, text: asked.append(text) or QMessageBox.StandardButton.No)
    messages = []
    window.exchange.message.connect(messages.append)
    window.exchange.import_file(tsv)
    qtbot.waitUntil(lambda: model.target(1) == "Second", timeout=20000)
    assert asked == ["1 segment already has a different translation. Replace it?"]
    assert "Filled 1 segment. Kept 1 already written." in messages[-1] and model.target(0) == "Mine"

"""The window's analysis does not wait for the context model it does not use: a reopened text's Vocabulary panel
fills from the library, and a long text's worker processes read it in context with their own model, while the
window's model is still loading (0.25-0.6 s after the first paint at start-up)."""

import threading

import pytest

from studyapp.study import deck
from studyapp.ui import document_session

from ..conftest import CORPUS
from .conftest import opened, wait_for


@pytest.fixture
def story(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text((CORPUS / "朝花夕拾.txt").read_text(encoding="utf-8")[:40_000], encoding="utf-8")
    return path


def hold_the_model_loading(window, monkeypatch) -> threading.Event:
    """The window's context model as at start-up: not loaded, loading after the next first paint, and held
    loading until the returned gate is set."""
    gate = threading.Event()
    load = document_session.context_reader
    monkeypatch.setattr(document_session, "context_reader", lambda *arguments: (gate.wait(60), load(*arguments))[1])
    window.analyzer.context = None
    window.session.load_context_later()
    return gate


def panel_full(window) -> bool:
    return window.session.words is not None and window.vocabulary.model.rowCount() > 0


def test_a_reopened_texts_panel_fills_while_the_context_model_loads(window, story, monkeypatch):
    assert opened(window, story)
    wait_for(lambda: not window.analysis_running(), 60_000)  # analysed, and the analysis stored
    analysed = window.session.words
    assert opened(window, None)
    wait_for(lambda: not window.analysis_running(), 60_000)

    gate = hold_the_model_loading(window, monkeypatch)
    try:
        assert opened(window, story)
        wait_for(lambda: panel_full(window), 20_000)
        assert not gate.is_set() and window.analyzer.context is None  # the model is still loading
        assert window.session.words == analysed
    finally:
        gate.set()
    wait_for(lambda: not window.analysis_running(), 60_000)
    assert window.analyzer.context is not None


def test_workers_read_a_long_text_in_context_while_the_windows_model_loads(window, story, workers_for_short_texts,
                                                                           monkeypatch):
    gate = hold_the_model_loading(window, monkeypatch)
    try:
        assert opened(window, story)
        wait_for(lambda: panel_full(window), 60_000)
        assert not gate.is_set() and window.analyzer.context is None  # the model is still loading here
        assert workers_for_short_texts, "the analysis ran in worker processes"
    finally:
        gate.set()
    wait_for(lambda: not window.analysis_running(), 60_000)
    assert window.analyzer.context is not None
    assert window.session.words == deck.gather(window.session.document, window.analyzer)  # read in context

"""The window's analysis of a long text runs in worker processes (its interpreter lock left to the window), gives
the deck one pass would, and closing the text stops the workers at once."""


import pytest

from studyapp.study import deck, gather_processes

from ..conftest import CORPUS
from .conftest import opened, wait_for


@pytest.fixture
def story(tmp_path):
    """朝花夕拾's first 40,000 characters, read by workers in chunks of a few thousand."""
    path = tmp_path / "story.txt"
    path.write_text((CORPUS / "朝花夕拾.txt").read_text(encoding="utf-8")[:40_000], encoding="utf-8")
    return path


def test_the_window_reads_a_long_text_with_workers_and_lists_the_words_one_pass_finds(
        window, story, workers_for_short_texts, monkeypatch):
    assert opened(window, story)
    wait_for(lambda: window.session.words is not None and not window.analysis_running(), 60_000)
    assert workers_for_short_texts, "the analysis ran in worker processes"
    alone = deck.gather(window.session.document, window.analyzer)
    assert window.session.words == alone
    listed = {term.word: term for term in window.session.terms}
    assert set(listed) == set(alone.counts)
    word = max(alone.counts, key=alone.counts.get)
    assert listed[word].count == alone.counts[word] and listed[word].pinyin == alone.readings[word]
    assert listed[word].definition  # its senses, looked up by a worker


def test_closing_a_text_stops_its_workers_at_once(window, story, workers_for_short_texts, monkeypatch):
    monkeypatch.setattr(gather_processes, "CHUNK_CHARACTERS", 1_000)
    assert opened(window, story)
    wait_for(lambda: bool(workers_for_short_texts) and bool(gather_processes.worker_ids()), 60_000)
    assert opened(window, None)  # the sample text in its place
    wait_for(lambda: not gather_processes.worker_ids(), 2_000)
    wait_for(lambda: not window.analysis_running(), 60_000)
    assert window.session.words is not None and len(window.session.words.clause_words) == len(
        window.session.document.clauses)

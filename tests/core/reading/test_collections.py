"""Analysing a long text does not spend its time in Python's garbage collector, and leaves the collector's settings
(one for the whole process, the GUI thread's too) as it found them."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from studyapp import text
from studyapp.reading import analysis
from studyapp.reading.analysis import Analyzer, analyze_all
from studyapp.reading.dictionary import Dictionary
from studyapp.text import loading

from ...conftest import DEFAULT_TEXT


@contextmanager
def young_collections() -> Iterator[list[int]]:
    """The generations of the collections that ran in the block, in order."""
    found: list[int] = []

    def collected(phase: str, info: dict) -> None:
        if phase == "stop":
            found.append(info["generation"])

    gc.callbacks.append(collected)
    try:
        yield found
    finally:
        gc.callbacks.remove(collected)


def _document(copies: int = 12) -> text.Document:
    return text.split("\n".join([loading.load(DEFAULT_TEXT).text] * copies))


def test_a_long_text_is_analysed_with_few_collections():
    """A batch's thousands of tokens live until it is done: with Python's threshold (700 new objects), young
    collections walked each of them several times (a sixth of a novel's analysis)."""
    document = _document()
    analyzer = Analyzer(Dictionary.open(), context=False)
    list(analyze_all(document, analyzer))  # words worked out once: what follows is the steady state
    with young_collections() as found:
        tokens = sum(len(tokens) for _index, tokens in analyze_all(document, analyzer))
    assert tokens > 10_000
    assert len(found) <= tokens // 5_000, f"{len(found)} collections for {tokens} tokens"


def test_the_threshold_comes_back_however_the_analysis_ends():
    before = gc.get_threshold()
    document = _document(1)
    analyzer = Analyzer(Dictionary.open(), context=False)
    analysing = analyze_all(document, analyzer)
    next(analysing)
    assert gc.get_threshold()[0] == analysis.YOUNG_COLLECTION_EVERY  # between batches too
    analysing.close()  # a caller that stops reading
    assert gc.get_threshold() == before
    list(analyze_all(document, analyzer, cancelled=lambda: True))
    assert gc.get_threshold() == before

    class Broken:
        def tokens_many(self, clauses):
            raise RuntimeError("a parser that fails")

        def forget(self):
            pass

    with pytest.raises(RuntimeError):
        Analyzer(Dictionary.open(), parser=Broken(), context=False).analyze_many(["一"])
    assert gc.get_threshold() == before


def test_analyses_side_by_side_keep_the_threshold_raised_until_the_last_ends():
    """Two jobs analyse at once (the first page's and the whole text's): the one that ends first does not put the
    threshold back under the other."""
    before = gc.get_threshold()
    document = _document(1)
    analyzer = Analyzer(Dictionary.open(), context=False)
    first = analyze_all(document, analyzer)
    next(first)
    second_done = threading.Event()

    def second() -> None:
        list(analyze_all(document, analyzer))
        second_done.set()

    worker = threading.Thread(target=second)
    worker.start()
    worker.join()
    assert second_done.is_set()
    assert gc.get_threshold()[0] == analysis.YOUNG_COLLECTION_EVERY
    first.close()
    assert gc.get_threshold() == before

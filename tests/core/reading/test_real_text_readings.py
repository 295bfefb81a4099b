"""Polyphones in real text: clauses from the corpus books, each polyphone's reading labelled by hand, must come
out right (the data and its scorer: tests/data/readings_in_real_text.tsv, benchmarks/real_text_readings.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from studyapp.reading.analysis import Analyzer
from studyapp.reading.dictionary import Dictionary

SCORER = Path(__file__).resolve().parents[3] / "benchmarks" / "real_text_readings.py"


def _scorer():
    spec = importlib.util.spec_from_file_location("real_text_readings", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scored():
    return _scorer().score(Analyzer(Dictionary.open()))


def test_real_text_polyphones_read_right(scored):
    cases = [case for split in scored.values() for case in split]
    wrong = [f"{clause} {character}: {shown} for {labelled}" for _book, clause, character, shown, labelled, right
             in cases if not right]
    assert len(cases) > 250
    assert 1 - len(wrong) / len(cases) >= 0.95, wrong

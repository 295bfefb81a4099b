"""Fixtures the core tests share: one analyzer per module (the dictionary and model load once), and a new library
per test."""

import pytest

from studyapp.library import Library
from studyapp.reading.analysis import Analyzer
from studyapp.reading.dictionary import Dictionary


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer(Dictionary.open())


@pytest.fixture
def library(tmp_path):
    with Library.open(tmp_path / "library.sqlite") as opened:
        yield opened

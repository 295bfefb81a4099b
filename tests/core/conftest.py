"""Fixtures the core tests share: one analyzer per module (the dictionary and model load once), and a new library
per test."""

import pytest

from studyapp.analysis import Analyzer
from studyapp.dictionary import Dictionary
from studyapp.library import Library


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer(Dictionary.open())


@pytest.fixture
def library(tmp_path):
    with Library.open(tmp_path / "library.sqlite") as opened:
        yield opened

"""The tests keep the user's own folders untouched: even an analyzer made once per module (before any one test's
folders are set) keeps its dictionary index in the session's own cache."""

import os
from pathlib import Path


def test_a_modules_analyzer_keeps_its_dictionary_in_the_sessions_cache(analyzer):
    assert Path(os.environ["STUDYAPP_CACHE_DIR"]) in analyzer.dictionary.path.parents

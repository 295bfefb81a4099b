"""Shared fixtures: Qt offscreen, and user data (cache, config, library) kept inside the test's tmp dir."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
DEFAULT_TEXT = REPO / "studyapp" / "resources" / "china-russia-joint-statement-2020-09-11.txt"
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(scope="session", autouse=True)
def session_cache_dir(tmp_path_factory):
    """The dictionary cache of the session, set before any fixture of a wider scope than a test is made (a
    module's analyzer): else those opened the dictionary in the user's own cache, where another checkout's tests
    or app, with its own copy of the CC-CEDICT file, replace the index and delete this one under its workers."""
    patch = pytest.MonkeyPatch()
    patch.setenv("STUDYAPP_CACHE_DIR", str(_session_cache(tmp_path_factory)))
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Config and library per test; the dictionary cache is shared by the session (it is slow to build)."""
    config = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("STUDYAPP_CONFIG_DIR", str(config))
    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(_session_cache(tmp_path_factory)))
    monkeypatch.setenv("STUDYAPP_LIBRARY", str(config / "library.sqlite"))
    monkeypatch.setenv("STUDYAPP_STATE_DIR", str(config / "state"))
    yield


_CACHE: list[Path] = []


def _session_cache(factory) -> Path:
    if not _CACHE:
        _CACHE.append(factory.mktemp("cache"))
    return _CACHE[0]


@pytest.fixture
def workers_for_short_texts(monkeypatch):
    """Analysis workers for a text of any length, in batches of 300 clauses and chunks of about 4,000 characters
    (the workers read the batches they are given); returns the worker count of each deck read by workers, to
    tell it from a reading in this process."""
    from studyapp.reading import analysis
    from studyapp.study import gather_processes

    monkeypatch.setattr(analysis, "ANALYSIS_BATCH", 300)
    monkeypatch.setattr(gather_processes, "LEAST_CHARACTERS", 1)
    monkeypatch.setattr(gather_processes, "CHUNK_CHARACTERS", 4_000)
    runs = []
    real = gather_processes.gather_in_workers

    def spy(*args, **kwargs):
        runs.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(gather_processes, "gather_in_workers", spy)
    return runs

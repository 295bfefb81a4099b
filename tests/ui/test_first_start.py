"""A new user's first start: the window paints the text with its readings, and the index is there after."""

import os
import subprocess
import sys

from studyapp.reading.dictionary import Dictionary
from studyapp.timings import PREFIX


def test_a_first_start_paints_the_text_and_leaves_a_whole_index(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(cache))
    shot = tmp_path / "shot.png"
    started = subprocess.run(
        [sys.executable, "-m", "studyapp", "--timings", "--screenshot", str(shot)], capture_output=True, text=True,
        timeout=180, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert started.returncode == 0, started.stderr
    marks = [line.split(" ms ", 1)[1] for line in started.stderr.splitlines() if line.startswith(PREFIX)]
    assert "first paint" in marks and "dictionary indexed" in marks  # the index was written by the time it quit
    assert shot.stat().st_size > 0
    assert Dictionary.is_built()
    assert [path.name for path in cache.iterdir()] == [Dictionary.open().path.name]


def test_the_started_window_keeps_no_source_lines_pyside_read(qtbot):
    import linecache

    from studyapp.ui import vocabulary
    from studyapp.ui.app import build_window

    linecache.getlines(vocabulary.__file__)  # as PySide6 reads every module imported after it
    _app, window = build_window(None)
    qtbot.addWidget(window)
    assert linecache.getlines(vocabulary.__file__)  # read again when asked (a traceback)...
    assert not [name for name, entry in linecache.cache.items() if len(entry) > 1]  # ...but kept neither time


def test_malloc_arenas_are_limited_where_glibc_runs_the_process():
    import platform

    from studyapp import heap

    assert heap.limit_arenas() == (platform.libc_ver()[0] == "glibc")

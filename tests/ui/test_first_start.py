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

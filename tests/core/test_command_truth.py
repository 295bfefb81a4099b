"""Commands that tell the truth: commands wait for each other instead of blaming a window."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from studyapp.errors import LibraryError
from studyapp.store import Library

from ..conftest import DEFAULT_TEXT, REPO

FIRST_CLAUSE = "中俄双方本着两国新时代全面战略协作伙伴精神，"


def start_cli(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "studyapp", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO,
                            env={**(env or os.environ), "PYTHONPATH": str(REPO)})


def finish(process: subprocess.Popen, timeout: float = 90) -> tuple[int, str]:
    _out, err = process.communicate(timeout=timeout)
    return process.returncode, err


def pairs_file(tmp_path, translation: str = "In the spirit,"):
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text(f"{FIRST_CLAUSE}\t{translation}\n", encoding="utf-8")
    return tsv


# --- commands wait for each other; only a window is called a window ---------------------------------------------

def test_two_imports_started_together_on_a_new_library_both_succeed(tmp_path):
    tsv = pairs_file(tmp_path)
    for trial in range(3):
        library = tmp_path / f"new-{trial}" / "library.sqlite"
        both = [start_cli("import", str(DEFAULT_TEXT), str(tsv), "--library", str(library)) for _ in range(2)]
        results = [finish(process) for process in both]
        for code, err in results:
            assert "window" not in err
            assert code == 0, err
        with Library.open(library) as opened:
            document = opened.documents()[0]
            assert document.translated == 1


def test_an_import_waits_for_another_command_and_says_so(tmp_path):
    """The other command holds the library for three seconds: the import waits, says why, then fills."""
    library = tmp_path / "library.sqlite"
    holder = Library.open(library, exclusive=True, held_by="import a translation")
    threading.Timer(3.0, holder.close).start()
    code, err = finish(start_cli("import", str(DEFAULT_TEXT), str(pairs_file(tmp_path)), "--library", str(library)))
    assert code == 0, err
    assert "Waiting for another studyapp command" in err and "window" not in err
    with Library.open(library) as opened:
        assert opened.documents()[0].translated == 1


def test_a_command_that_holds_on_past_the_patience_is_named_a_command(tmp_path):
    library = tmp_path / "library.sqlite"
    with Library.open(library, exclusive=True, held_by="import a translation"):
        started = time.monotonic()
        with pytest.raises(LibraryError, match="still in use by another studyapp command"):
            Library.open(library, exclusive=True, held_by="import a translation", patience=0.5)
        assert time.monotonic() - started < 5


def test_a_window_holding_the_library_still_refuses_an_import_at_once(tmp_path):
    from studyapp.ui.app import open_library

    library = tmp_path / "library.sqlite"
    with open_library(library, interactive=False):  # as the window opens its library
        started = time.monotonic()
        code, err = finish(start_cli("import", str(DEFAULT_TEXT), str(pairs_file(tmp_path)),
                                     "--library", str(library)))
        assert time.monotonic() - started < 20  # said at once, not after waiting out the patience
        assert code == 2 and "is open in a studyapp window" in err
        with pytest.raises(LibraryError, match="open in another studyapp window"):
            open_library(library, interactive=False)
    with Library.open(library) as opened:
        assert all(info.translated == 0 for info in opened.documents())


def test_a_window_opening_while_a_command_holds_the_library_waits_for_it(tmp_path):
    from studyapp.ui.app import open_library

    library = tmp_path / "library.sqlite"
    holder = Library.open(library, exclusive=True, held_by="import a translation")
    threading.Timer(1.0, holder.close).start()
    with open_library(library, interactive=False) as opened:
        assert opened.documents() == []

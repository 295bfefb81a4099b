"""Commands that tell the truth: commands wait for each other instead of blaming a window, a mistyped command
is not opened as a file, reading creates nothing, and every count is the count of what was done."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from lxml import etree

from studyapp.cli import main
from studyapp.errors import LibraryError
from studyapp.library import Library

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
    """Another command holds the library until the import says it is waiting; then the import fills."""
    library = tmp_path / "library.sqlite"
    holder = Library.open(library, exclusive=True, held_by="import a translation")
    try:
        process = start_cli("import", str(DEFAULT_TEXT), str(pairs_file(tmp_path)), "--library", str(library))
        first_line = process.stderr.readline()  # blocks until the import says something
    finally:
        holder.close()
    code, err = finish(process)
    assert first_line.startswith("Waiting for another studyapp command"), first_line + err
    assert code == 0 and "window" not in err, err
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


# --- an unknown command is not a file -------------------------------------------------------------------------

def _without_display() -> dict:
    """The window, if it were started, stops at once with "No display was found" instead of running."""
    return {key: value for key, value in os.environ.items()
            if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}


def test_an_unknown_command_gets_the_usage_and_exit_2(tmp_path):
    code, err = finish(start_cli("frobnicate", env=_without_display()), timeout=60)
    assert code == 2
    assert err.startswith("usage: studyapp") and "'frobnicate' is neither a command" in err
    assert "analyze" in err and "No display" not in err


def test_a_file_named_like_a_command_still_opens_and_a_missing_txt_is_no_command(tmp_path):
    notes = tmp_path / "notes"
    notes.write_text("第一段。\n", encoding="utf-8")
    for argument in (str(notes), str(tmp_path / "foo.txt")):
        process = subprocess.run([sys.executable, "-m", "studyapp", argument], capture_output=True, text=True,
                                 timeout=60, cwd=tmp_path, env={**_without_display(), "PYTHONPATH": str(REPO)})
        assert "usage:" not in process.stderr and "No display was found" in process.stderr  # went to the window
    assert main(["--screenshot", str(tmp_path / "shot.png"), str(tmp_path / "foo.txt")]) == 2


# --- reading creates nothing ----------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [
    ["review", "--json"], ["review"], ["deck", str(DEFAULT_TEXT), "--json"], ["deck", str(DEFAULT_TEXT)],
    ["lookup", "中国"], ["analyze", str(DEFAULT_TEXT), "--json"],
], ids=["review-json", "review", "deck-json", "deck", "lookup", "analyze"])
def test_a_command_that_reads_creates_no_library_nor_its_folder(tmp_path, capsys, command):
    folder = tmp_path / "not-yet"
    assert main([*command, "--library", str(folder / "library.sqlite")]) == 0
    assert not folder.exists()
    out = capsys.readouterr().out
    if command == ["review", "--json"]:
        assert json.loads(out) == {"due": 0, "new": 0, "learning": 0}
    if command[0] == "deck" and "--json" in command:
        assert {word["status"] for word in json.loads(out)["words"]} == {"new"}  # nothing known yet


def test_exporting_the_review_log_of_no_library_writes_the_log_only(tmp_path, capsys):
    folder = tmp_path / "not-yet"
    log = tmp_path / "log.csv"
    assert main(["review", "--export-log", str(log), "--library", str(folder / "library.sqlite")]) == 0
    assert not folder.exists()
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1  # the header: no reviews
    err = capsys.readouterr().err
    assert "There is no library" in err and "0 reviews" in err


# --- counts are of what was done, said properly ----------------------------------------------------------------

def test_a_tbx_glossary_counts_the_words_it_holds_and_refuses_to_be_empty(tmp_path, capsys):
    library, out = tmp_path / "library.sqlite", tmp_path / "gloss.tbx"
    assert main(["deck", str(DEFAULT_TEXT), "--export", "tbx", "--out", str(out), "--library", str(library)]) == 2
    assert "None of the 576 words has a chosen translation" in capsys.readouterr().err
    assert not out.exists()
    with Library.open(library) as opened:
        opened.set_translation("双方", "both sides")
    assert main(["deck", str(DEFAULT_TEXT), "--export", "tbx", "--out", str(out), "--library", str(library)]) == 0
    assert f"Wrote {out}: 1 word." in capsys.readouterr().err
    assert [term.text for term in etree.parse(str(out)).iter("term")] == ["双方", "both sides"]


def test_marking_one_word_known_says_one_word(tmp_path, capsys):
    words = tmp_path / "known.txt"
    words.write_text("双方\n", encoding="utf-8")
    library = str(tmp_path / "library.sqlite")
    assert main(["export", str(DEFAULT_TEXT), "--format", "tsv", "--out", str(tmp_path / "t.tsv"),
                 "--library", library]) == 0
    assert main(["deck", str(DEFAULT_TEXT), "--json", "--library", library]) == 0  # its words are counted there
    assert main(["known", str(words), "--library", library]) == 0
    assert "Marked 1 word known; 1 occurs in your library's texts." in capsys.readouterr().err


def test_a_command_whose_cache_folder_cannot_be_made_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    """As for another user whose home cannot be written: the dictionary index has nowhere to go."""
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(blocked / "cache"))
    source = tmp_path / "short.txt"
    source.write_text("你好。", encoding="utf-8")
    assert main(["analyze", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("studyapp: ") and err.count("\n") == 1 and str(blocked / "cache") in err
    assert "not a directory" in err


def _as_nobody() -> list[str] | None:
    """A command that runs this Python (or the system's of the same version) as the user nobody, where the
    tests run as root and ``runuser`` is there; None elsewhere."""
    import shutil
    import site

    runuser = shutil.which("runuser")
    if not runuser or os.geteuid() != 0:
        return None
    path = os.pathsep.join([str(REPO), *site.getsitepackages()])
    for python in (sys.executable, f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"):
        command = [runuser, "-u", "nobody", "--", "env", "-u", "STUDYAPP_CACHE_DIR", "-u", "STUDYAPP_CONFIG_DIR",
                   "-u", "STUDYAPP_STATE_DIR", f"PYTHONPATH={path}", python]
        if subprocess.run([*command, "-c", "import studyapp.cli, fsrs, lxml"], capture_output=True).returncode == 0:
            return command
    return None


def test_another_user_gets_one_line_for_a_file_they_cannot_read_and_for_a_home_they_cannot_write():
    import shutil
    import tempfile

    command = _as_nobody()
    if command is None:
        pytest.skip("runuser as root is needed to run studyapp as another user")
    folder = Path(tempfile.mkdtemp())  # beside pytest's own folders, which only root may enter
    try:
        folder.chmod(0o755)
        locked = folder / "locked.txt"
        locked.write_text("你好。", encoding="utf-8")
        locked.chmod(0o000)
        readable = folder / "open.txt"
        readable.write_text("你好。", encoding="utf-8")
        readable.chmod(0o644)
        environment = ["HOME=/nonexistent", f"STUDYAPP_LIBRARY={folder / 'none.sqlite'}"]
        for path, said in ((locked, "permission denied"), (readable, "/nonexistent")):
            completed = subprocess.run([*command[:-1], *environment, command[-1], "-m", "studyapp", "analyze",
                                        str(path)], capture_output=True, text=True, timeout=120)
            assert completed.returncode == 2 and completed.stderr.startswith("studyapp: ")
            assert completed.stderr.count("\n") == 1 and said in completed.stderr
    finally:
        shutil.rmtree(folder)

"""What the process keeps that Python alone would not let go: source lines read for nobody."""

import importlib
import inspect
import linecache
import sys
import traceback

import pytest

from studyapp import heap


def test_source_lines_read_from_files_are_not_kept_yet_tracebacks_still_show_them(tmp_path, monkeypatch):
    """PySide6 reads the source of every module imported after it; kept, a novel's analysis left 5.6 MB of lines
    in ``linecache`` that no one shows. Lines that cannot be read again (made at run time) stay."""
    monkeypatch.setattr(linecache, "cache", {})
    heap.keep_no_source_lines()
    heap.keep_no_source_lines()  # once is enough; again changes nothing
    source = tmp_path / "studyapp_heap_probe.py"
    source.write_text("def fail():\n    raise ValueError('probe')  # the line a traceback shows\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    probe = importlib.import_module("studyapp_heap_probe")
    try:
        assert "raise ValueError" in inspect.getsource(probe)
        try:
            probe.fail()
        except ValueError:
            shown = traceback.format_exc()
        assert "the line a traceback shows" in shown
        # no lines kept: at most a traceback's lazy entry (the loader to ask), a few hundred bytes
        assert all(len(entry) == 1 for name, entry in linecache.cache.items() if "heap_probe" in name)
        made = ["x = 1\n"]
        linecache.cache["<made at run time>"] = (len(made[0]), None, made, "<made at run time>")
        assert linecache.getlines("<made at run time>") == made
    finally:
        sys.modules.pop("studyapp_heap_probe", None)


def test_trimming_the_heap_starts_no_process(monkeypatch):
    """Each trim looked the C library up again (``ctypes.util.find_library`` runs ``ldconfig``): a child process
    per closed text, its fork holding the interpreter lock while the window opened the next one."""
    import subprocess

    heap.trim()  # the C library may be found once
    started = []

    def refuse(*args, **_kwargs):
        started.append(args)
        raise OSError("no process expected")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    heap.trim()
    heap.trim()
    assert started == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's arenas: Linux only")
def test_finding_glibc_at_start_up_starts_no_process(monkeypatch):
    """Every start limits malloc's arenas: finding the C library must not run ``ldconfig`` (a child process)."""
    import subprocess

    heap._libc.cache_clear()
    started = []

    def refuse(*args, **_kwargs):
        started.append(args)
        raise OSError("no process expected")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    try:
        heap.limit_arenas()
    finally:
        heap._libc.cache_clear()
    assert started == []

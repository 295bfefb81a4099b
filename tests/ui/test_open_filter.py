"""File > Open offers every kind of file the core reads (it listed only *.txt *.text *.md), from the core's table."""

from __future__ import annotations

import io
import re
import zipfile
from fnmatch import fnmatch

from studyapp.text import sources
from studyapp.ui.qt import QFileDialog


def _epub() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


#: A file of each kind, by its usual name, with content that ``kind_of`` recognises.
SAMPLES = {
    "notes.txt": "你好。".encode(), "book.epub": _epub(), "paper.pdf": b"%PDF-1.7\n",
    "film.srt": b"1\n00:00:01,000 --> 00:00:02,000\n\xe4\xbd\xa0\xe5\xa5\xbd\n",
    "film.vtt": b"WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n", "film.ass": b"[Script Info]\nTitle: x\n",
    "page.html": b"<!DOCTYPE html><html><body><p>hi</p></body></html>",
}


def test_the_open_dialog_offers_every_kind_the_core_reads(window, monkeypatch):
    offered: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (offered.append(args[3]), ("", ""))[1])
    window.documents.choose_file()
    filters = offered[0].split(";;")
    patterns = [pattern for entry in filters for pattern in re.search(r"\(([^)]*)\)", entry).group(1).split()]
    assert filters[-1] == "All files (*)"
    kinds = {kind for kind, _label, _patterns in sources.READABLE_KINDS}
    for name, data in SAMPLES.items():
        assert sources.kind_of(data, name) in kinds, name
        assert any(fnmatch(name, pattern) for pattern in patterns[:-1] if pattern != "*"), (name, filters)
    every = re.search(r"\(([^)]*)\)", filters[0]).group(1).split()
    assert all(any(fnmatch(name, pattern) for pattern in every) for name in SAMPLES)

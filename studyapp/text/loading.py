"""Opening a file as the one decoded text: above ``text`` (decoding plain text) and ``sources`` (converting EPUB
books, PDFs, subtitles and web pages), so that neither of those imports the other."""

from __future__ import annotations

from pathlib import Path

from ..errors import TextLoadError
from ..files import MAX_FILE_BYTES, read_limited
from . import sources
from .decoding import LoadedText, decode, normalise_newlines


def load(path: str | Path, password: str | None = None) -> LoadedText:
    """Read a file and decode it, refusing anything that is not text with a message a user understands. EPUB
    books, subtitles, web pages and PDFs are recognised by their content and converted (``sources``);
    ``password`` opens a PDF protected by one."""
    return load_bytes(read_limited(path, TextLoadError, MAX_FILE_BYTES), str(path), password)


def load_bytes(data: bytes, name: str, password: str | None = None) -> LoadedText:
    """As :func:`load`, for bytes already read (standard input); ``name`` is what messages call them."""
    kind = sources.kind_of(data, name)
    if kind == "text":
        return decode(data, name)
    converted = sources.convert(data, name, kind, password)
    return LoadedText(normalise_newlines(converted.text), kind, converted.title, converted.sections, converted.cues)

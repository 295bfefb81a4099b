"""A whole text: opened into the library, and analysed clause by clause (the command line, the window and the
benchmarks share these)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import timings
from .errors import RecordingError
from .library import split_ahead
from .listening.recordings import (
    MAX_CLIP_SECONDS,
    Recorded,
    Span,
    bookmark_spans,
    cue_spans,
    duration_of,
    span_at_offset,
)
from .reading.analysis import Analyzer, Token, analyze_all
from .reading.dictionary import hsk_level
from .reading.pins import Pins
from .text import Document
from .translation.segments import Segment

if TYPE_CHECKING:
    from .library import DocumentInfo, Library, Unstored


@dataclass
class OpenedDocument:
    """A text as the library knows it: its id, the document split into clauses, and its segments."""

    id: str
    document: Document
    segments: Sequence[Segment]
    #: a new text opened to be shown first: the library holds it only once ``Library.store_opened`` wrote this
    unstored: Unstored | None = None
    #: whether each segment begins a paragraph, when the library kept it (``Library.laid_out``)
    paragraph_starts: list[bool] | None = None


def title_for(document: Document, file_name: str) -> str:
    """The title a plain text gives itself on a title page, its first line in book-title marks (《水浒传》施耐庵),
    else its file's name, as Pleco's reader and calibre name a file. Any other first line is no title: in a
    collection it is the first story's (呐喊 opens with 鸭的喜剧)."""
    if document.paragraphs:
        first = document.paragraphs[0]
        line = document.text[first.start:first.end].split("\n", 1)[0].strip()
        if 0 < len(line) <= 40 and line.startswith("《") and "》" in line:
            return line
    return file_name


def split_for(library: Library, loaded) -> Document:
    """A loaded file cut as the library has it (the reader's choice of joined lines), with what the file knew
    besides its text (an EPUB's chapters, subtitle timings)."""
    document = library.split_document(loaded.text, loaded.encoding, split_ahead.take)
    if (loaded.sections or loaded.cues) and not (document.sections or document.cues):
        document = replace(document, sections=loaded.sections, cues=loaded.cues)
    return document


def open_in_library(library: Library, path: Path, password: str | None = None) -> OpenedDocument:
    """Load a file and add it to the library (a known text brings its work back, from any path); ``password``
    opens a PDF protected by one. The command line and the window both open a file through here."""
    from .text.loading import load

    return open_loaded(library, load(path, password), Path(path))


def open_loaded(library: Library, loaded, source: Path | None, title: str | None = None,
                later: bool = False) -> OpenedDocument:
    """A text already loaded (a file, or pasted: ``source`` None) added to the library and read back as it is
    stored there: cut as the reader chose, titled by the file (``loaded.title``, else ``title``, else its title
    page or file name), its segments with their work. ``later``: a new text is not stored yet but comes back
    ``unstored``, for the window to paint it first (``Library.open_document_later``)."""
    document = split_for(library, loaded)
    timings.mark("document decoded and split")
    title = loaded.title or title or title_for(document, source.stem if source else "")
    path = str(source.resolve()) if source else None
    unstored = None
    if later:
        identifier, stored, unstored = library.open_document_later(document, title, path)
    else:
        identifier, stored = library.open_document(document, title, path)
        timings.mark("stored")
    if stored is not None:
        return OpenedDocument(identifier, document, stored, unstored)
    segments, starts = library.laid_out(identifier, document)
    return OpenedDocument(identifier, document, segments, paragraph_starts=starts)


def reopen_in_library(library: Library, identifier: str, info: DocumentInfo | None = None) -> OpenedDocument:
    """A document of the library opened from the text stored there (no file needed), marked opened now.
    ``info``: its row, when the caller read it already (reading it counts the document's segments: 30-100 ms for a
    novel's 111,000)."""
    raw, encoding = library.document_text(identifier)
    document = library.split_document(raw, encoding)
    info = info or library.document_info(identifier)
    _same, stored = library.open_document(document, info.title if info else "", None)
    if stored is not None:
        return OpenedDocument(identifier, document, stored)
    segments, starts = library.laid_out(identifier, document)
    return OpenedDocument(identifier, document, segments, paragraph_starts=starts)


def cut_again(library: Library, identifier: str, join: bool) -> OpenedDocument:
    """The document cut again with its lines joined or not (the reader's choice, kept), segments fitted."""
    document = library.set_join_lines(identifier, join)
    return OpenedDocument(identifier, document, library.segments(identifier))


def recording_spans(library: Library, document_id: str, document: Document, audio_duration: float) -> list[Span]:
    """Which stretch of the document's recording each part of its text is: a subtitle file's cues if it has them,
    else the learner's bookmarks (each running to the next). The one rule the window and the deck both use."""
    if document.cues:
        return cue_spans(document)
    return bookmark_spans(library.bookmarks(document_id), len(document.text), audio_duration)


class ClauseSounds:
    """Where a clause of the library's documents is heard (``at``), for cards to carry its clip: each document's
    recording and spans read once. A recording that is gone or unreadable gives its clauses no sound and leaves
    its one line in ``problems``, for the export to say."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._found: dict[str, tuple[Path, list[Span]] | None] = {}
        self.problems: list[str] = []

    def at(self, document_id: str | None, offset: int | None, document: Document | None = None) -> Recorded | None:
        """The recorded span holding ``offset`` of the document's text, if it is a clause's length (at most
        ``MAX_CLIP_SECONDS``); ``document``, when the caller has it split already, saves splitting it again."""
        if document_id is None or offset is None:
            return None
        if document_id not in self._found:
            self._found[document_id] = self._read(document_id, document)
        found = self._found[document_id]
        if found is None:
            return None
        span = span_at_offset(found[1], offset)
        return Recorded(found[0], span) if span is not None and span.duration <= MAX_CLIP_SECONDS else None

    def for_document(self, document_id: str, document: Document) -> Callable[[int], Recorded | None]:
        """``at`` for one document's offsets (``deck_export.cards``), its recording read now: the library may
        be closed by the time the cards are made."""
        self.at(document_id, 0, document)
        return partial(self.at, document_id)

    def _read(self, document_id: str, document: Document | None) -> tuple[Path, list[Span]] | None:
        path = self._library.recording(document_id)
        if path is None:
            return None
        if document is None:
            document = self._library.split_document(*self._library.document_text(document_id))
        try:
            duration = duration_of(path)  # the bookmarks' last span runs to its end; a file gone or unreadable stops
        except RecordingError as error:
            self.problems.append(str(error))
            return None
        return path, recording_spans(self._library, document_id, document, duration)


def write_json(document: Document, analyzer: Analyzer, out: TextIO, pins: Pins | None = None) -> None:
    """The ``studyapp analyze --json`` object, written clause by clause as it is analysed: a 49 MB text's whole
    result built first took 11 GB. Offsets are code points into ``text``."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    out.write(f'{{"encoding": {dumps(document.encoding)}, "text": {dumps(document.text)}, "paragraphs": [')
    for number, paragraph in enumerate(document.paragraphs):
        out.write(f'{", " if number else ""}{{"start": {paragraph.start}, "end": {paragraph.end}}}')
    out.write('], "clauses": [')
    for index, tokens in analyze_all(document, analyzer):
        clause = document.clauses[index]
        if pins is not None:
            tokens = pins.apply(document, index, tokens)
        out.write((", " if index else "") + dumps({
            "start": clause.start,
            "end": clause.end,
            "paragraph": clause.paragraph,
            "tokens": [{
                "start": document.source_offset(clause.start, clause.end, token.start),
                "end": document.source_offset(clause.start, clause.end, token.end - 1) + 1,
                "text": token.text,
                "kind": token.kind,
                "pinyin": token.pinyin_text,
                "hsk": hsk_level(token.text) if token.kind == "word" else None,
                "definitions": analyzer.definitions(token) or _gloss(analyzer, token),
                **({"pinned": True} if token.source == "pinned" else {}),
            } for token in tokens],
        }))
    out.write("]}\n")


def _gloss(analyzer: Analyzer, token: Token) -> list[str]:
    """A word the dictionary lacks (a number, a name) glossed as the deck and the cards gloss it."""
    from .study.deck import unlisted_gloss

    return [unlisted_gloss(analyzer.dictionary, token.text)] if token.kind == "word" else []


def to_json(document: Document, analyzer: Analyzer, pins: Pins | None = None) -> dict:
    """The same object in memory, for a short text."""
    buffer = io.StringIO()
    write_json(document, analyzer, buffer, pins)
    return json.loads(buffer.getvalue())


def lookup_json(word: str, analyzer: Analyzer) -> dict:
    entries = analyzer.dictionary.lookup(word)
    return {
        "word": word,
        "entries": [{"simplified": e.simplified, "traditional": e.traditional, "pinyin": e.pinyin,
                     "definitions": list(e.definitions)} for e in entries],
        "hsk": hsk_level(word),
    }

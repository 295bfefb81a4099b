"""A vocabulary export (Anki, Pleco, CSV, TBX) made and written by a process of its own, so the window never waits
for its interpreter lock.

In a thread of the window's process, a novel's export of its 18,000-46,000 words not yet known ran 0.4-1.9 s of
Python (the cards made: 0.35-0.55 s; genanki's notes, their HTML checked, its SQLite: 1.1 s more) beside the
window, 4-15 s on a busy machine; its long calls (a regular expression over every note, a collection of the
objects it made) held the lock, and the window stalled 40-190 ms though its own work was 1-11 ms (issue 22).

The job hands the child, as ``translation.export_process`` does, the document (its text and packed offsets), the
segments and what to write; the cards either made already (a study list's: its cards need the dictionary) or as
the terms to make them of, with their clauses' sounds read by the child from the library. The pickles go in
slices of ``SLICE`` objects: one ``pickle.dumps`` of 18,000 terms held the interpreter lock 100-130 ms.
"""

from __future__ import annotations

import itertools
import pickle
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..child_python import ChildStopped, run_module, tell_outcome
from ..errors import StudyAppError
from ..text import Document, packed, unpacked
from ..translation.segments import Segment, SegmentTable, as_table
from .deck import Term
from .deck_export import Card
from .review import Kind

#: objects per pickle sent to the child: each ``pickle.dumps`` a few milliseconds, not one call of 100 ms and more
SLICE = 1000


class DeckExportProcessError(StudyAppError):
    pass


@dataclass(frozen=True)
class TermsToExport:
    """Terms of a document whose cards the export process makes (``deck_export.cards``), each with its first
    clause's recorded clip when ``with_sound`` (``ClauseSounds.for_document``, read there from the library)."""

    document_id: str | None
    document: Document
    segments: Sequence[Segment]
    terms: Sequence[Term]
    with_sound: bool = False


def export_deck_in_a_process(library_path: Path, made: Sequence[Card] | TermsToExport, fmt: str, out: Path,
                             title: str, kinds: Iterable[Kind]) -> list[str]:
    """``deck_export.export_deck`` of ``made`` (cards, or terms to make them of) written to ``out`` (all or
    nothing) by a child process; returns a line for each recording that could not give the cards its clips.
    Raises the export's own error (a file that cannot be written) with its message."""
    document: object = None
    if isinstance(made, TermsToExport):
        segments = made.segments if isinstance(made.segments, SegmentTable) else as_table(made.segments)
        document = (made.document_id, packed(made.document), segments, made.with_sound)
    objects = list(made.terms) if isinstance(made, TermsToExport) else list(made)
    header = (str(library_path), document, fmt, str(out), title, tuple(kinds), -(-len(objects) // SLICE))
    slices = (objects[start:start + SLICE] for start in range(0, len(objects), SLICE))
    try:
        ended, result = run_module(__name__, itertools.chain([header], slices))
    except ChildStopped as stopped:
        raise DeckExportProcessError(f"The export stopped ({stopped}).") from None
    if ended == "error":
        raise DeckExportProcessError(str(result))
    return [str(problem) for problem in result] if isinstance(result, list) else []


def _run() -> int:
    """The process's side: read the job's payload, make the cards if asked, write the file, say how it went."""
    from ..document import ClauseSounds
    from ..files import write_atomically
    from ..library import Library
    from .deck_export import cards, export_deck

    source = sys.stdin.buffer
    path, of_document, fmt, out, title, kinds, slices = pickle.load(source)
    objects: list = []
    for _ in range(slices):
        objects += pickle.load(source)
    problems: list[str] = []
    try:
        if of_document is not None:  # terms: their cards made here
            document_id, sent, segments, with_sound = of_document
            document = unpacked(sent)
            with Library.connect(Path(path)) as library:
                sounds = ClauseSounds(library)
                here = sounds.for_document(document_id, document) if with_sound and document_id else None
                objects = cards(document, segments, objects, library.chosen_translations(), here)
                problems = sounds.problems
        write_atomically(Path(out), export_deck(objects, fmt, title, kinds))
    except StudyAppError as error:
        tell_outcome("error", str(error))
        return 0
    tell_outcome("done", problems)
    return 0


if __name__ == "__main__":
    sys.exit(_run())

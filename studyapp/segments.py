"""Segments: ranges of a text a translator works in, their status, and merging, splitting and regrouping them.

Segments are ranges of the text. A merge joins a segment with the next and joins their translations with a
space; a split cuts a merged segment back into its clauses and keeps the translation on the first part, so no
translated character is ever lost. Ids stay: the first part keeps the merged segment's id.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from enum import IntEnum
from typing import NamedTuple

from .text import Document

SENTENCE_END = re.compile(r"[。！？!?…⋯][”’」』）)\]》]*$")


class Status(IntEnum):
    """Stored as its number; the order matters (an import never lowers a status)."""

    UNTRANSLATED = 0
    DRAFT = 1
    DONE = 2


class Segment(NamedTuple):
    """A range of the text and its translation. A named tuple, not a frozen dataclass: a novel's 111,000 are
    built from database rows on every opening, and a frozen dataclass's ``__init__`` took 0.3 s of that."""

    id: int
    start: int
    end: int
    target: str
    status: int

    def with_target(self, target: str) -> Segment:
        """The one rule for typing: typing makes an untranslated segment a draft, clearing makes it untranslated
        again, and a done segment stays done while it is edited."""
        if target == self.target:
            return self
        if not target:
            status = Status.UNTRANSLATED
        elif self.status == Status.UNTRANSLATED:
            status = Status.DRAFT
        else:
            status = Status(self.status)
        return Segment(self.id, self.start, self.end, target, status)

    def with_status(self, status: int) -> Segment:
        return self if status == self.status else Segment(self.id, self.start, self.end, self.target, Status(status))

    @property
    def translated(self) -> bool:
        return bool(self.target.strip())


def join_targets(first: str, second: str) -> str:
    if not first:
        return second
    if not second:
        return first
    return first + " " + second


def _merged_status(a: Segment, b: Segment) -> Status:
    if not (a.target or b.target):
        return Status.UNTRANSLATED
    return Status.DONE if a.status == Status.DONE and b.status == Status.DONE else Status.DRAFT


def merge(segments: list[Segment], index: int) -> tuple[list[Segment], list[int]]:
    """Merge segment ``index`` with the next one: (segments to keep or update, ids removed)."""
    if index < 0 or index + 1 >= len(segments):
        return [], []
    first, second = segments[index], segments[index + 1]
    merged = Segment(first.id, first.start, second.end, join_targets(first.target, second.target),
                     _merged_status(first, second))
    return [merged], [second.id]


def clauses_in(document: Document, start: int, end: int) -> range:
    """Indexes of the clauses inside ``[start, end)``, found by bisection (a linear scan per segment made
    regrouping a novel quadratic)."""
    starts = document.clause_starts
    return range(bisect_left(starts, start), bisect_left(starts, end))


def split(document: Document, segment: Segment) -> list[Segment]:
    """Cut a segment back into its clauses; the first keeps the id and the whole translation."""
    inside = clauses_in(document, segment.start, segment.end)
    if len(inside) < 2:
        return [segment]
    clauses = document.clauses
    parts = [segment._replace(end=clauses[inside[0]].end)]
    parts += [Segment(0, clauses[i].start, clauses[i].end, "", Status.UNTRANSLATED) for i in inside[1:]]
    return parts


def regroup_by_sentence(document: Document, segments: list[Segment]) -> tuple[list[Segment], list[int]]:
    """Merge every run of segments up to a sentence end (within a paragraph) into one."""
    keep: list[Segment] = []
    removed: list[int] = []
    paragraph_of = {clause.start: clause.paragraph for clause in document.clauses}
    current: Segment | None = None
    for segment in segments:
        same_paragraph = current is not None and paragraph_of.get(segment.start) == paragraph_of.get(current.start)
        if current is not None and same_paragraph and not SENTENCE_END.search(document.text[current.start:current.end]):
            current = Segment(current.id, current.start, segment.end, join_targets(current.target, segment.target),
                              _merged_status(current, segment))
            removed.append(segment.id)
            continue
        if current is not None:
            keep.append(current)
        current = segment
    if current is not None:
        keep.append(current)
    return keep, removed


def regroup_by_clause(document: Document, segments: list[Segment]) -> list[Segment]:
    """Every segment split back into clauses (translations stay on each segment's first clause)."""
    return [part for segment in segments for part in split(document, segment)]


def paragraph_starts(document: Document, segments: list[Segment]) -> list[bool]:
    """For every segment at once, whether it begins a paragraph (one walk, not a search per segment)."""
    clauses = document.clauses
    flags = []
    position = 0
    previous = None
    for segment in segments:
        while position + 1 < len(clauses) and clauses[position + 1].start <= segment.start:
            position += 1
        paragraph = clauses[position].paragraph
        flags.append(paragraph != previous)
        previous = paragraph
    return flags

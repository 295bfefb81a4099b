"""Segments: ranges of a text a translator works in, their status, and merging, splitting and regrouping them.

Segments are ranges of the text. A merge joins a segment with the next and joins their translations with a
space; a split cuts a merged segment back into its clauses and keeps the translation on the first part, so no
translated character is ever lost. Ids stay: the first part keeps the merged segment's id.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from itertools import chain
from operator import ne, sub
from typing import NamedTuple

from ..text import Document, ends_sentence


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


class SegmentTable(Sequence):
    """A document's segments as arrays (ids, starts, ends) and sparse translations and statuses, read as
    ``Segment`` tuples. A novel's 111,000 segments come from the library in one query and need no Python
    object each until a row is looked at; most are untranslated and cost only their three numbers."""

    __slots__ = ("ids", "starts", "ends", "targets", "statuses")

    def __init__(self, ids: array, starts: array, ends: array, targets: dict[int, str] | None = None,
                 statuses: dict[int, int] | None = None) -> None:
        self.ids, self.starts, self.ends = ids, starts, ends
        self.targets = targets or {}  # row -> translation, for rows that have one
        self.statuses = statuses or {}  # row -> status, for rows not untranslated

    @classmethod
    def of(cls, segments: Iterable[Segment]) -> SegmentTable:
        table = cls(array("q"), array("I"), array("I"))
        for row, segment in enumerate(segments):
            table.ids.append(segment.id)
            table.starts.append(segment.start)
            table.ends.append(segment.end)
            table._set_text(row, segment)
        return table

    def copy(self) -> SegmentTable:
        return SegmentTable(array("q", self.ids), array("I", self.starts), array("I", self.ends),
                            dict(self.targets), dict(self.statuses))

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self.ids)
        return Segment(self.ids[index], self.starts[index], self.ends[index], self.targets.get(index, ""),
                       self.statuses.get(index, Status.UNTRANSLATED))

    def __setitem__(self, index: int, segment: Segment) -> None:
        if index < 0:
            index += len(self.ids)
        self.ids[index], self.starts[index], self.ends[index] = segment.id, segment.start, segment.end
        self._set_text(index, segment)

    def _set_text(self, row: int, segment: Segment) -> None:
        if segment.target:
            self.targets[row] = segment.target
        else:
            self.targets.pop(row, None)
        if segment.status:
            self.statuses[row] = segment.status
        else:
            self.statuses.pop(row, None)

    def __iter__(self) -> Iterator[Segment]:
        targets, statuses = self.targets, self.statuses
        for row, (identifier, start, end) in enumerate(zip(self.ids, self.starts, self.ends, strict=True)):
            yield Segment(identifier, start, end, targets.get(row, ""), statuses.get(row, Status.UNTRANSLATED))

    def translated_rows(self) -> list[int]:
        """Rows whose translation is more than white space, in order."""
        return sorted(row for row, target in self.targets.items() if target.strip())

    def lengths(self) -> array:
        return array("I", map(sub, self.ends, self.starts))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and len(self) == len(other) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"SegmentTable({len(self)} segments, {len(self.targets)} translated)"


def as_table(segments: Sequence[Segment]) -> SegmentTable:
    return segments if isinstance(segments, SegmentTable) else SegmentTable.of(segments)


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


@dataclass(frozen=True, slots=True)
class MergeMemo:
    """What a merged segment was made of, so splitting it back gives each part its own translation and status
    again, as long as the merged translation was not edited since (``merged_target`` tells)."""

    merged_target: str
    parts: tuple[tuple[int, int, str, int], ...]  # (start, end, target, status) of each part, in order


Memos = dict[int, MergeMemo]  # by the merged segment's id


def _pieces(segment: Segment, memos: Memos | None) -> list[tuple[int, int, str, int]]:
    memo = memos.get(segment.id) if memos else None
    if memo is not None and memo.merged_target == segment.target:
        return list(memo.parts)
    return [(segment.start, segment.end, segment.target, int(segment.status))]


def _remember(memos: Memos | None, merged: Segment, parts: list[Segment], earlier: Memos | None = None) -> None:
    if memos is not None:
        memos[merged.id] = MergeMemo(merged.target, tuple(p for part in parts for p in _pieces(part, earlier)))


def merge(segments: Sequence[Segment], index: int, memos: Memos | None = None) -> tuple[list[Segment], list[int]]:
    """Merge segment ``index`` with the next one: (segments to keep or update, ids removed). With ``memos``, what
    the merged segment was made of is remembered there for a later split."""
    if index < 0 or index + 1 >= len(segments):
        return [], []
    first, second = segments[index], segments[index + 1]
    merged = Segment(first.id, first.start, second.end, join_targets(first.target, second.target),
                     _merged_status(first, second))
    _remember(memos, merged, [first, second], dict(memos) if memos is not None else None)
    return [merged], [second.id]


def clauses_in(document: Document, start: int, end: int) -> range:
    """Indexes of the clauses inside ``[start, end)``, found by bisection (a linear scan per segment made
    regrouping a novel quadratic)."""
    starts = document.clause_starts
    return range(bisect_left(starts, start), bisect_left(starts, end))


def split(document: Document, segment: Segment, memo: MergeMemo | None = None) -> list[Segment]:
    """Cut a segment back into its clauses. When it was merged and its translation not edited since (``memo``),
    each part gets its own translation and status back; otherwise the first keeps the whole translation. The
    first part keeps the id."""
    inside = clauses_in(document, segment.start, segment.end)
    if len(inside) < 2:
        return [segment]
    clauses = document.clauses
    restored = {part[0]: part for part in memo.parts} if memo is not None and memo.merged_target == segment.target \
        else None
    parts = []
    for number, index in enumerate(inside):
        clause = clauses[index]
        if restored is not None:
            own = restored.get(clause.start)
            target, status = (own[2], own[3]) if own else ("", Status.UNTRANSLATED)
        else:
            target, status = (segment.target, segment.status) if number == 0 else ("", Status.UNTRANSLATED)
        parts.append(Segment(segment.id if number == 0 else 0, clause.start, clause.end, target, Status(status)))
    return parts


def edited_merges(document: Document, segments, memos: Memos) -> list[int]:
    """Merged segments whose translation was edited after merging: splitting them cannot give each part its own
    translation back (the window asks before it puts the whole on the first part)."""
    return [segment.id for segment in segments
            if segment.id in memos and segment.target and memos[segment.id].merged_target != segment.target
            and len(clauses_in(document, segment.start, segment.end)) > 1]


def join_run(run: Sequence[Segment], memos: Memos | None = None,
             earlier: Memos | None = None) -> tuple[Segment, list[int]]:
    """Consecutive segments as one, as Group by Sentence joins a sentence: the first's id, the translations
    joined, and (with ``memos``) the parts remembered for a later split. ``earlier``: the memos before any
    joining, when many runs are joined at once. Returns the joined segment and the ids it replaces."""
    joined = run[0]
    for part in run[1:]:
        joined = Segment(joined.id, joined.start, part.end, join_targets(joined.target, part.target),
                         _merged_status(joined, part))
    if len(run) > 1:
        _remember(memos, joined, list(run), earlier if earlier is not None else dict(memos or {}))
    return joined, [part.id for part in run[1:]]


def regroup_by_sentence(document: Document, segments: Sequence[Segment],
                        memos: Memos | None = None) -> tuple[list[Segment], list[int]]:
    """Merge every run of segments up to a sentence end (within a paragraph) into one."""
    keep: list[Segment] = []
    removed: list[int] = []
    earlier = dict(memos) if memos is not None else None
    paragraph_of = {clause.start: clause.paragraph for clause in document.clauses}
    run: list[Segment] = []

    def close() -> None:
        if run:
            joined, gone = join_run(run, memos, earlier)
            keep.append(joined)
            removed.extend(gone)

    for segment in segments:
        if run and paragraph_of.get(segment.start) == paragraph_of.get(run[0].start) \
                and not ends_sentence(document.text[run[-1].start:run[-1].end]):
            run.append(segment)
            continue
        close()
        run = [segment]
    close()
    return keep, removed


def regroup_by_clause(document: Document, segments: Sequence[Segment], memos: Memos | None = None) -> list[Segment]:
    """Every segment split back into clauses (each part's own translation back where the merge is remembered)."""
    memos = memos or {}
    return [part for segment in segments for part in split(document, segment, memos.get(segment.id))]


def paragraph_starts(document: Document, segments: Sequence[Segment]) -> list[bool]:
    """For every segment at once, whether it begins a paragraph (one walk, not a search per segment)."""
    clause_starts, clause_paragraphs = document.clauses.starts, document.clauses.paragraphs
    last = len(clause_starts) - 1
    starts = segments.starts if isinstance(segments, SegmentTable) else [segment.start for segment in segments]
    if isinstance(starts, array) and starts == clause_starts:  # a segment per clause (a new text): at C speed
        return list(map(ne, clause_paragraphs, chain((None,), clause_paragraphs)))
    flags = []
    position = 0
    previous = None
    for start in starts:
        while position < last and clause_starts[position + 1] <= start:
            position += 1
        paragraph = clause_paragraphs[position]
        flags.append(paragraph != previous)
        previous = paragraph
    return flags


def realign(segments: Sequence[Segment], clauses: Sequence) -> tuple[list[Segment], list[int]]:
    """Fit stored segments to clauses cut anew (lines joined or unjoined, a newer splitter): (segments changed
    or new, ids removed). Segments and clauses that overlap form one group that becomes one segment: the first
    segment's id, the group's translations joined, so no translated character is lost. A segment that now
    spans several clauses stays one (a merged segment the translator can split); an untouched one is not
    returned, so a novel whose clauses did not move writes nothing."""
    segments = as_table(segments)
    changed: list[Segment] = []
    removed: list[int] = []
    starts, ends = segments.starts, segments.ends
    count, total = len(segments), len(clauses)
    row = index = 0
    orphans: list[Segment] = []  # segments no clause overlaps (text the splitter now leaves out)
    last: Segment | None = None  # the segment the previous group became
    while row < count or index < total:
        group_rows: list[int] = []
        first_clause = index
        if index < total and (row >= count or clauses[index].start <= starts[row]):
            end = clauses[index].end
            index += 1
        else:
            end = ends[row]
            group_rows.append(row)
            row += 1
        while True:
            if index < total and clauses[index].start < end:
                end = max(end, clauses[index].end)
                index += 1
            elif row < count and starts[row] < end:
                end = max(end, ends[row])
                group_rows.append(row)
                row += 1
            else:
                break
        members = orphans + [segments[r] for r in group_rows]
        if index == first_clause:  # segments only: carried on to the next group, or the last one
            orphans = members
            continue
        orphans = []
        span_start, span_end = clauses[first_clause].start, clauses[index - 1].end
        if not members:
            last = Segment(0, span_start, span_end, "", Status.UNTRANSLATED)
            changed.append(last)
            continue
        last = _gathered(members, removed)._replace(start=span_start, end=span_end)
        if index - first_clause > 1 and not last.target and last.status == Status.UNTRANSLATED:
            # nothing typed here: a segment per clause, as a text opened for the first time has
            changed.append(last._replace(end=clauses[first_clause].end))
            changed.extend(Segment(0, clauses[i].start, clauses[i].end, "", Status.UNTRANSLATED)
                           for i in range(first_clause + 1, index))
            last = changed[-1]
        elif len(members) > 1 or (last.start, last.end) != (members[0].start, members[0].end):
            changed.append(last)
    if orphans and last is not None:
        gathered = _gathered([last, *orphans], removed)
        if changed and changed[-1] is last:
            changed[-1] = gathered
        else:
            changed.append(gathered)
    return changed, removed


def _gathered(members: list[Segment], removed: list[int]) -> Segment:
    """The first member with every member's translation; the others' ids go to ``removed``."""
    merged = members[0]
    for member in members[1:]:
        merged = merged._replace(target=join_targets(merged.target, member.target),
                                 status=_merged_status(merged, member))
        removed.append(member.id)
    return merged


# --- restructuring: the one workflow the window and any script share --------------------------------------------
@dataclass(frozen=True, slots=True)
class Change:
    """What a restructuring writes: segments to keep or add (id 0) and ids removed, or a whole earlier set to put
    back, and the merge memos it made or changed."""

    keep: list[Segment] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    restore: list[Segment] | None = None
    memos: Memos = field(default_factory=dict)


#: Turns a document's segments and its merge memos into a change, or None when there is nothing to change.
Compute = Callable[[Sequence[Segment], Memos], "Change | None"]


def _made(after: Memos, before: Memos) -> Memos:
    return {key: memo for key, memo in after.items() if before.get(key) != memo}


def merging(row: int) -> Compute:
    """Merge the segment in ``row`` with the next one (Segment > Merge with Next)."""
    def compute(segments: Sequence[Segment], memos: Memos) -> Change | None:
        made = dict(memos)
        keep, removed = merge(segments, row, made)
        return Change(keep, removed, memos=_made(made, memos)) if keep else None
    return compute


def splitting(document: Document, row: int) -> Compute:
    """Cut the segment in ``row`` back into its clauses (Segment > Split into Clauses)."""
    def compute(segments: Sequence[Segment], memos: Memos) -> Change | None:
        segment = segments[row]
        parts = split(document, segment, memos.get(segment.id))
        return Change(parts) if len(parts) > 1 else None
    return compute


def regrouping(document: Document, by_sentence: bool) -> Compute:
    """Every segment grouped into sentences, or split back into clauses (Segment > Group by Sentence)."""
    def compute(segments: Sequence[Segment], memos: Memos) -> Change:
        if by_sentence:
            made = dict(memos)
            keep, removed = regroup_by_sentence(document, segments, made)
            return Change(keep, removed, memos=_made(made, memos))
        return Change(regroup_by_clause(document, segments, memos))
    return compute


def restoring(earlier: list[Segment]) -> Compute:
    """An earlier set of segments put back exactly, ids included (undo of a merge, split or regrouping)."""
    return lambda _segments, _memos: Change(restore=earlier)


def apply_change(library, document_id: str, segments: Sequence[Segment], compute: Compute) -> SegmentTable | None:
    """Compute a restructuring of ``segments`` against the stored merge memos, write it with its memos in one
    transaction, and read the document's segments back as stored (new ones with their ids); None when there was
    nothing to change. The window runs this in a job, a script calls it directly."""
    with library.transaction():
        memos = library.merge_memos(document_id)
        change = compute(segments, memos)
        if change is None:
            return None
        if change.restore is not None:
            library.restore_segments(document_id, change.restore)
        else:
            library.replace_segments(document_id, change.keep, change.removed)
        if change.memos:
            library.save_merge_memos(change.memos)
    return library.segments(document_id)

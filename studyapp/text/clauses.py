"""Turn bytes into text and text into paragraphs and clauses, as offsets into one string.

Every later stage (analysis, the reader, translations) works with ``(start, end)`` offsets into the string
that :func:`decode` returns, so nothing downstream re-slices the text its own way and joining the clauses
with the whitespace between them gives back the original exactly.

Worked example of :func:`split`::

    text = "　　一、双方重申，支持《联合国宪章》。”他说。\\n下一段"
    clauses: "一、双方重申，"        the heading mark 、 does not end a clause; ， does
             "支持《联合国宪章》。”"  the closing quote stays with the 。 before it
             "他说。"
             "下一段"               a line break ends a clause...
    paragraphs: the first line (it starts with an indent) and "下一段".

...except in a hard-wrapped book (呐喊 as published on the web: lines cut at one width, paragraphs marked by
indents or blank lines), where a line break inside a paragraph is only where the line was full. There the lines
of a paragraph are joined: a clause may span a line break, its offsets still point into the one decoded text,
and ``Document.span_text`` gives its text with those breaks taken out (between hanzi nothing, between Latin words
a space), which is what analysis, the reader, Find and every export read. Joining is decided per stretch of lines
(:func:`wrapped_runs`): a collection may wrap each story at its own width, and the verse or dialogue between
them keeps its lines (``Document.joined_runs``).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import chain, repeat
from operator import itemgetter
from typing import NamedTuple

from .characters import (
    CLAUSE_TRAILERS,
    ELLIPSES,
    FULL_WIDTH_ENDERS,
    HALF_WIDTH_ENDERS,
    HANZI,
    SPACES,
    WHITESPACE,
    LazyPattern,
    is_cjk,
)
from .decoding import LoadedText


class Span(NamedTuple):
    """A half-open range ``[start, end)`` of code points in the decoded text. Spans and clauses are named
    tuples: a novel has 111,000 clauses, and a frozen dataclass's ``__init__`` was half of splitting it."""

    start: int
    end: int


class Clause(NamedTuple):
    start: int
    end: int
    paragraph: int


_make_clause = partial(tuple.__new__, Clause)


class ClauseTable(Sequence):
    """A document's clauses as three arrays (starts, ends, paragraph numbers), read as ``Clause`` tuples.

    A novel has 111,000 clauses: as arrays they are built, stored and read back without a Python object
    each (reading them back from the library went from 0.13 s to a few ms), and ``starts`` serves bisection."""

    __slots__ = ("starts", "ends", "paragraphs")

    def __init__(self, starts: array | None = None, ends: array | None = None,
                 paragraphs: array | None = None) -> None:
        self.starts = starts if starts is not None else array("I")
        self.ends = ends if ends is not None else array("I")
        self.paragraphs = paragraphs if paragraphs is not None else array("I")

    def append(self, start: int, end: int, paragraph: int) -> None:
        self.starts.append(start)
        self.ends.append(end)
        self.paragraphs.append(paragraph)

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return _make_clause((self.starts[index], self.ends[index], self.paragraphs[index]))

    def __iter__(self) -> Iterator[Clause]:
        return map(_make_clause, zip(self.starts, self.ends, self.paragraphs, strict=True))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ClauseTable):
            return (self.starts, self.ends, self.paragraphs) == (other.starts, other.ends, other.paragraphs)
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ClauseTable({len(self)} clauses)"


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded text with its paragraphs and clauses."""

    text: str
    encoding: str
    paragraphs: tuple[Span, ...]
    clauses: ClauseTable
    joined: bool = False  # the lines of each paragraph were joined (a hard-wrapped text)
    sections: tuple[tuple[str, int], ...] = ()  # (heading, offset): chapters, for the table of contents
    cues: tuple[tuple[int, str, str], ...] = ()  # (offset, start, end): subtitle timings, one per paragraph
    #: Where lines were joined, from a run's first line to its last (:func:`wrapped_runs`): a collection's
    #: stories, each wrapped at its width, and not the verse between them. Empty with ``joined``: everywhere.
    joined_runs: tuple[Span, ...] = ()
    #: The joined breaks of the whole text (:class:`_JoinedBreaks`), made on the first ``source_offset``.
    _breaks: list[_JoinedBreaks] = field(default_factory=list, init=False, repr=False, compare=False)

    @property
    def clause_starts(self) -> array:
        """Every clause's start, in order, for bisection."""
        return self.clauses.starts

    def clause_text(self, index: int) -> str:
        return self.span_text(self.clauses.starts[index], self.clauses.ends[index])

    def span_text(self, start: int, end: int) -> str:
        """The text of ``[start, end)`` as the reader shows it: with joined lines, without their breaks."""
        piece = self.text[start:end]
        if not self.joined or "\n" not in piece:
            return piece
        if self._joined_throughout(start, end):
            return join_wrapped(piece)
        shown, position = [], start
        for match in self._joined_breaks(start, end):
            shown += [self.text[position:match.start()], " " if _joins_words(self.text, match) else ""]
            position = match.end()
        return "".join(shown) + self.text[position:end]

    def _joined_throughout(self, start: int, end: int) -> bool:
        """Every line break in ``[start, end)`` was joined: the whole text's lines were, or one run holds it."""
        if not self.joined_runs:
            return self.joined
        runs = self.joined_runs
        index = bisect_right(runs, (start, len(self.text))) - 1
        return index >= 0 and end <= runs[index].end

    def _joined_breaks(self, start: int, end: int) -> Iterator[re.Match]:
        """The line breaks in ``[start, end)`` that the reader does not show."""
        breaks = _WRAP_BREAK.finditer(self.text, start, end)
        if self._joined_throughout(start, end):
            return breaks
        return (match for match in breaks if self._joined_throughout(match.start(), match.end()))

    def source_offset(self, start: int, end: int, offset: int) -> int:
        """The offset in ``text`` of character ``offset`` of ``span_text(start, end)``: joining took out line
        breaks, so later characters sit further on in the decoded text. By bisection over every joined break of
        the text, found once: walking a span's breaks on each call was quadratic in a long span's."""
        if not self.joined:
            return start + offset
        if not self._breaks:
            self._breaks.append(_JoinedBreaks(self))
        return self._breaks[0].source_offset(start, end, offset)

    # --- search that reads across joined line breaks, at C speed -------------------------------------------
    def _pattern(self, term: str) -> re.Pattern:
        return re.compile(_BREAK_GAP.join(map(re.escape, term)))

    def _matches(self, term: str, start: int = 0, end: int | None = None) -> Iterator[re.Match]:
        """Matches of ``term`` in ``[start, end)`` as the reader shows the text: across joined breaks only."""
        pattern, end = self._pattern(term), len(self.text) if end is None else end
        if not self.joined_runs:
            yield from pattern.finditer(self.text, start, end)
            return
        while (match := pattern.search(self.text, start, end)) is not None:
            if "\n" not in match.group() or self._joined_throughout(match.start(), match.end()):
                yield match
                start = max(match.end(), match.start() + 1)
            else:  # across a line break that was kept (verse between wrapped stories)
                start = match.start() + 1

    def count(self, term: str) -> int:
        if not self.joined:
            return self.text.count(term)
        return sum(1 for _ in self._matches(term))

    def find(self, term: str, start: int = 0) -> int:
        """The offset of the first match at or after ``start``, -1 for none (``str.find``, across joins)."""
        if not self.joined:
            return self.text.find(term, start)
        match = next(self._matches(term, start), None)
        return match.start() if match else -1

    def rfind(self, term: str, end: int | None = None) -> int:
        """The offset of the last match that starts before ``end`` (``str.rfind`` up to ``end``, across joins)."""
        if not self.joined:
            return self.text.rfind(term, 0, len(self.text) if end is None else end)
        last = -1
        for match in self._matches(term, 0, end):
            last = match.start()
        return last


class _JoinedBreaks:
    """Every line break of a document that joining took out, in order: where each starts and ends, whether it
    shows as a space, and ``keys``, its start less what the breaks before it took out (where it falls in the
    text as shown, plus a constant). ``keys`` rises strictly (characters stand between breaks), so the break
    before a shown offset is found by bisection."""

    __slots__ = ("starts", "ends", "spaces", "hidden", "keys")

    def __init__(self, document: Document) -> None:
        self.starts, self.ends, self.spaces = array("q"), array("q"), array("b")
        self.hidden, self.keys = array("q"), array("q")  # hidden: characters taken out up to and with each break
        hidden = 0
        for match in document._joined_breaks(0, len(document.text)):
            space = _joins_words(document.text, match)
            self.keys.append(match.start() - hidden)
            hidden += match.end() - match.start() - space
            self.starts.append(match.start())
            self.ends.append(match.end())
            self.spaces.append(space)
            self.hidden.append(hidden)

    def source_offset(self, start: int, end: int, offset: int) -> int:
        """As ``Document.source_offset``: the breaks inside ``[start, end)`` are those a search of the span finds
        (one starting at or after ``start`` and followed by a character before ``end``)."""
        first = bisect_left(self.starts, start)
        last = max(first, bisect_left(self.ends, end))
        base = start - (self.hidden[first - 1] if first else 0)  # keys[i] - base: where break i shows in the span
        before = bisect_right(self.keys, offset + base, first, last) - 1  # the last break shown before the offset
        if before < first:
            return start + offset
        shown_at, space = self.keys[before] - base, self.spaces[before]
        if space and shown_at == offset:  # the space the break shows as
            return self.starts[before]
        return self.ends[before] + offset - shown_at - space


#: A line break between two non-space characters (spaces left at the end of the first line go with it): taken
#: out when lines are joined between hanzi, read as a space between Latin words.
_WRAP_BREAK = re.compile(r"(?<=\S)[ \t\u3000]*\n(?=\S)")
_BREAK_GAP = r"(?:[ \t\u3000]*\n)?"


#: Marks set in Chinese type that sit between hanzi with no space: quotes, the ellipsis and dash, the middle dot.
_CHINESE_MARKS = frozenset("\u201c\u201d\u2018\u2019\u2026\u2014\u00b7")


def _sits_in_chinese(ch: str) -> bool:
    """A hanzi, or a mark Chinese type sets without spaces (CJK punctuation, full-width forms, quotes)."""
    return is_cjk(ch) or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or ch in _CHINESE_MARKS


def line_joint(before: str, after: str) -> str:
    """What stands where two lines of one paragraph are joined (a hard-wrapped text's, a PDF's, a subtitle cue's,
    a line break inside an HTML paragraph), given the characters either side: nothing beside Chinese, a space
    between words of other scripts ("Hello," + "world")."""
    return "" if _sits_in_chinese(before) or _sits_in_chinese(after) else " "


def _joins_words(text: str, match: re.Match) -> bool:
    return line_joint(text[match.start() - 1], text[match.end()]) == " "


def join_wrapped(piece: str) -> str:
    """A hard-wrapped piece of one paragraph as one line: hanzi run on, Latin words keep a space."""
    return _WRAP_BREAK.sub(lambda match: " " if _joins_words(piece, match) else "", piece)


_NUMBERED_HEAD = re.compile(
    r"[一二三四五六七八九十百零〇]+、|[（(][一二三四五六七八九十]+[）)]|\d+[、.．]\s*\D")


#: Bumped whenever ``split`` would cut any text differently, so clause offsets cached in the library are redone.
#: 6: texts converted from markup are never taken for hard-wrapped (a book of poems had its lines joined).
#: 7: no clause is longer than ``MAX_CLAUSE`` (a line without punctuation was one clause of megabytes).
SPLITTER_VERSION = 7
#: Kinds of converted file (``LoadedText.encoding``) whose lines are paragraphs and line breaks of their markup
#: (an EPUB's, a web page's, a subtitle cue's): structure, never lines wrapped at a width. A PDF's lines are
#: joined where it is converted (``sources``).
STRUCTURED_KINDS = frozenset({"epub", "html", "srt"})


def pack_offsets(document: Document) -> bytes:
    """Clause starts, ends and paragraph numbers, then paragraph (start, end) pairs, then the joined runs' (start,
    end) pairs, as little-endian 32-bit integers after a count of clauses. The last clause's paragraph number
    tells how many paragraphs there are."""
    numbers = array("I", [len(document.clauses)])
    table = document.clauses
    numbers.extend(table.starts)
    numbers.extend(table.ends)
    numbers.extend(table.paragraphs)
    numbers.extend(chain.from_iterable(document.paragraphs))
    numbers.extend(chain.from_iterable(document.joined_runs))
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers.tobytes()


#: A document as plain data for another process (``packed``): its text, encoding, ``pack_offsets``, joined, sections
#: and cues; a few MB for a novel, pickled in milliseconds where the clause table's objects would take far longer.
PackedDocument = tuple[str, str, bytes, bool, tuple, tuple]


def packed(document: Document) -> PackedDocument:
    """The document as plain data a child process rebuilds with ``unpacked`` (the export, the regrouping)."""
    return (document.text, document.encoding, pack_offsets(document), document.joined, document.sections,
            document.cues)


def unpacked(sent: PackedDocument) -> Document:
    """The document ``packed`` sent; ValueError when its offsets do not fit its text."""
    text, encoding, offsets, joined, sections, cues = sent
    document = unpack_offsets(text, encoding, offsets, joined)
    if document is None:
        raise ValueError("the document's offsets do not fit its text")
    return replace(document, sections=sections, cues=cues) if sections or cues else document


def unpack_offsets(text: str, encoding: str, packed: bytes, joined: bool = False) -> Document | None:
    """The document ``split`` gave earlier, from ``pack_offsets``; None when the bytes do not fit the text."""
    numbers = array("I")
    try:
        numbers.frombytes(packed)
    except ValueError:
        return None
    if sys.byteorder == "big":
        numbers.byteswap()
    count = numbers[0] if numbers else -1
    first_pair = 1 + 3 * count
    paragraphs_count = numbers[first_pair - 1] + 1 if count > 0 and len(numbers) >= first_pair else 0
    runs_at = first_pair + 2 * paragraphs_count
    if count < 0 or len(numbers) < runs_at or (len(numbers) - runs_at) % 2:
        return None
    table = ClauseTable(numbers[1:1 + count], numbers[1 + count:1 + 2 * count], numbers[1 + 2 * count:first_pair])
    if count and table.ends[-1] > len(text):
        return None
    return Document(text, encoding, _spans(numbers[first_pair:runs_at]), table, joined,
                    joined_runs=_spans(numbers[runs_at:]))


def _spans(numbers: array) -> tuple[Span, ...]:
    pairs = iter(numbers)
    return tuple(map(Span._make, zip(pairs, pairs, strict=True)))


def split(loaded: LoadedText | str, encoding: str = "utf-8", join_lines: bool | None = None) -> Document:
    """Split text into paragraphs and clauses (see the module docstring for a worked example). ``join_lines``:
    None joins the lines of each stretch wrapped at a width (:func:`wrapped_runs`), except in a text converted from
    markup (:data:`STRUCTURED_KINDS`); True does that too, or, where no stretch is found, joins the lines of every
    paragraph (the reader says the text is wrapped); False joins none."""
    if isinstance(loaded, LoadedText):
        document = split(loaded.text, loaded.encoding, join_lines)
        if loaded.sections or loaded.cues:
            document = replace(document, sections=loaded.sections, cues=loaded.cues)
        return document
    text = loaded
    lines = _lines(text)
    if join_lines is None and encoding in STRUCTURED_KINDS:
        join_lines = False  # their lines are the markup's paragraphs and line breaks, never a width's
    runs: list[Span] | None = [] if join_lines is False else wrapped_runs(text)
    if join_lines and not runs:
        runs = None
    return _split_lines(text, encoding, lines, runs)


def _split_lines(text: str, encoding: str, lines: list[tuple[int, int]], runs: list[Span] | None) -> Document:
    """Paragraphs and clauses, a line at a time. Inside a run (``runs``; None: everywhere) the lines of a
    paragraph are one block, cut into clauses as a whole, so a clause runs on across the breaks where a line was
    merely full; a paragraph starts after a blank line, at an indented line or a numbered heading. Outside, each
    line is cut on its own, and an unindented line starts a paragraph unless the text marks paragraphs by indent."""
    indented_layout = runs is not None and _uses_indents(text, lines)
    blocks: list[tuple[int, int, bool]] = []  # (start, end, starts a paragraph): the spans cut into clauses
    previous_blank = True
    run_index, previous_run = 0, -1  # the run holding the line (-1: none), and the one holding the line before
    for line_start, line_end in lines:
        line = text[line_start:line_end]
        stripped = line.strip(SPACES)
        if not stripped:
            previous_blank, previous_run = True, -1
            continue
        if runs is None:
            line_run = 0
        else:
            while run_index < len(runs) and runs[run_index].end < line_start:
                run_index += 1
            line_run = run_index if run_index < len(runs) and runs[run_index].start <= line_start else -1
        marked = previous_blank or line[0] in WHITESPACE or bool(_NUMBERED_HEAD.match(stripped)) or not blocks
        if not marked and line_run >= 0 and line_run == previous_run:
            blocks[-1] = (blocks[-1][0], line_end, blocks[-1][2])
        else:
            blocks.append((line_start, line_end, marked or not (line_run >= 0 or indented_layout)))
        previous_blank, previous_run = False, line_run
    paragraphs: list[Span] = []
    clauses = ClauseTable()
    starts, ends, numbers = clauses.starts, clauses.ends, clauses.paragraphs
    paragraph_start = 0  # the first clause of the paragraph being filled
    for block_start, block_end, starts_paragraph in blocks:
        pieces = _clauses_of_line(text, block_start, block_end)
        if not pieces:
            continue
        if starts_paragraph and len(clauses) > paragraph_start:
            paragraphs.append(Span(clauses.starts[paragraph_start], clauses.ends[-1]))
            paragraph_start = len(clauses)
        # a whole block's clauses at once, at C speed: a novel has 111,000 (an append each was a fifth of its split)
        starts.extend(map(_first, pieces))
        ends.extend(map(_second, pieces))
        numbers.extend(repeat(len(paragraphs), len(pieces)))
    if clauses:
        paragraphs.append(Span(clauses.starts[paragraph_start], clauses.ends[-1]))
    joined = runs is None or bool(runs)
    return Document(text, encoding, tuple(paragraphs), clauses, joined, joined_runs=tuple(runs or ()))


def looks_hard_wrapped(text: str) -> bool:
    """Some stretch of the text is wrapped at a width (:func:`wrapped_runs`): 呐喊 and 朝花夕拾 are; 水浒传 (a
    line per paragraph) and the sample text are not."""
    return bool(wrapped_runs(text))


#: The break before a line that is not blank nor indented, which may continue the line before: in a wrapped
#: text, one that was full. Found at C speed: a text with a line per paragraph (水浒传) has none.
_RUN_ON_BREAK = re.compile(f"\n(?=[^\n{SPACES}])")
#: A full line is at least this wide, in columns (a hanzi takes two): shorter lines are verse, lists, dialogue.
_MIN_WRAP_COLUMNS = 32
#: Full lines a run needs: fewer could be lines of one length by chance (the whole-file test asked as many).
_MIN_WRAPPED_LINES = 8
#: Run-on lines of another width in a row that end a run (more than this many); fewer are strays inside it.
_MAX_STRAYS_IN_A_ROW = 2


class _Line(NamedTuple):
    start: int
    next_start: int
    characters: int
    columns: int
    lettered: bool  # it ends in a letter or a hanzi: cut mid-word, as a full line is (a list's ends in digits)


class _Candidate:
    """A stretch of run-on lines cut at the width of its first full line (``anchor``), being read."""

    __slots__ = ("anchor", "first_start", "last", "hits", "strays", "lettered")

    def __init__(self, anchor: _Line, lines: list[_Line]) -> None:
        self.anchor, self.first_start, self.last = anchor, -1, anchor
        self.hits = self.strays = self.lettered = 0
        for line in lines:
            if self.fits(line):
                self.add(line)
            elif self.hits:
                self.strays += 1

    def fits(self, line: _Line) -> bool:
        """As wide as the anchor: in characters, or in columns (a wide character that did not fit leaves one)."""
        return (line.characters == self.anchor.characters
                or self.anchor.columns - 1 <= line.columns <= self.anchor.columns)

    def add(self, line: _Line) -> None:
        if self.first_start < 0:
            self.first_start = line.start
        self.last = line
        self.hits += 1
        self.lettered += line.lettered

    def run(self, text: str) -> Span | None:
        """From its first full line to the line after its last: the lines that were cut at one width."""
        if (self.hits < _MIN_WRAPPED_LINES or self.strays * 4 > self.hits or self.lettered * 2 < self.hits
                or self.anchor.columns < _MIN_WRAP_COLUMNS):
            return None
        end = text.find("\n", self.last.next_start)
        return Span(self.first_start, len(text) if end < 0 else end)


def wrapped_runs(text: str) -> list[Span]:
    """The stretches of lines wrapped at one width each, from the first line cut at it to the line after the last.

    A book wrapped for a fixed-width screen cuts every line of a paragraph but the last at one width, and a
    collection may cut each story at its own (30, 35, 37, 40 characters: no width is common across the file).
    So the run-on lines are read in order, and a run goes on while they are as wide as its first (an odd one or
    two are strays: a Latin word, a wider indent); three of another width in a row end it and may start the
    next. A run needs eight lines at its width, at least 16 hanzi wide, most of them cut mid-word. Linear, and
    only run-on lines are looked at (水浒传, a line per paragraph, has none)."""
    runs: list[Span] = []
    candidate: _Candidate | None = None
    pending: list[_Line] = []  # run-on lines of another width since the candidate's last
    for match in _RUN_ON_BREAK.finditer(text):
        start, next_start = text.rfind("\n", 0, match.start()) + 1, match.end()
        body = text[start:match.start()].rstrip(SPACES)
        if not body or (_NUMBERED_HEAD.match(text, next_start)
                        and _NUMBERED_HEAD.match(text, next_start, _line_end(text, next_start))):
            continue  # a blank line, or one before a heading: it ends no paragraph's line
        line = _Line(start, next_start, len(body), _columns(body), body[-1].isalpha())
        if candidate is not None and candidate.fits(line):
            candidate.add(line)
            candidate.strays += len(pending)
            pending.clear()
            continue
        pending.append(line)
        if candidate is not None and len(pending) <= _MAX_STRAYS_IN_A_ROW:
            continue
        _add_run(runs, candidate, text)
        anchor = next((wide for wide in reversed(pending) if wide.columns >= _MIN_WRAP_COLUMNS), None)
        candidate = _Candidate(anchor, pending) if anchor is not None else None
        pending = []
    _add_run(runs, candidate, text)
    return runs


def _columns(line: str) -> int:
    """The columns a line takes on a fixed-width screen: two for a hanzi or full-width mark, one for ASCII. From
    its UTF-8 length (3 bytes for the one, 1 for the other), at C speed."""
    return (len(line.encode("utf-8", "surrogatepass")) + len(line)) // 2


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def _add_run(runs: list[Span], candidate: _Candidate | None, text: str) -> None:
    """Keep a finished candidate that is a run; one that starts on the last line of the one before merges with it
    (a story's last full line and the next one's first can be the same line's neighbours)."""
    run = candidate.run(text) if candidate is not None else None
    if run is None:
        return
    if runs and run.start <= runs[-1].end:
        runs[-1] = Span(runs[-1].start, max(run.end, runs[-1].end))
    else:
        runs.append(run)


def _lines(text: str) -> list[tuple[int, int]]:
    lines = []
    start = 0
    for match in re.finditer("\n", text):
        lines.append((start, match.start()))
        start = match.end()
    lines.append((start, len(text)))
    return lines


def _uses_indents(text: str, lines: list[tuple[int, int]]) -> bool:
    """Hard-wrapped texts mark paragraphs by indenting their first line; there a bare line continues one."""
    indented = bare = 0
    for start, end in lines:
        if start == end or not text[start:end].strip():
            continue
        if text[start] in WHITESPACE:
            indented += 1
        else:
            bare += 1
    return indented > 0 and bare > indented // 4 and bare > 0 and indented >= 2


#: A line break inside a block of joined lines with a closing mark after it, which belongs before the break.
_BREAK_BEFORE_MARK = re.compile("[ \t\u3000]*\n(?=[" + re.escape("".join(sorted(CLAUSE_TRAILERS))) + "])")
_BREAK_START = frozenset(" \t\u3000\n")
#: The marks worth a look when cutting clauses: every ender, the half-width comma and full stop (their context
#: decides), and the book-title marks, inside which nothing ends a clause.
_CANDIDATES = re.compile(
    "[《》,." + re.escape("".join(sorted(FULL_WIDTH_ENDERS | ELLIPSES | HALF_WIDTH_ENDERS))) + "]")


#: Marks that end a clause wherever they stand (the others' context decides: ``_ends_clause``).
_ALWAYS_ENDS = frozenset(FULL_WIDTH_ENDERS | ELLIPSES)
#: A letter, a digit or a hanzi: what ``str.isalnum`` says yes to (``\w`` is that or the underscore).
_ALNUM = re.compile(r"[^\W_]")
_first, _second = itemgetter(0), itemgetter(1)


def _clauses_of_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause boundaries within one line, whitespace trimmed from each clause.

    Only the marks that can matter are visited (a regex finds them), which keeps a novel's 900,000
    characters from passing one by one through Python."""
    pieces = []
    clause_start = start
    book_title_depth = 0
    trailers, always = CLAUSE_TRAILERS, _ALWAYS_ENDS
    for match in _CANDIDATES.finditer(text, start, end):
        i = match.start()
        if i < clause_start:
            continue  # inside a run already taken into the previous clause (……, ？！, closing quotes)
        ch = text[i]
        if ch == "《":
            book_title_depth += 1
            continue
        if ch == "》":
            book_title_depth = max(0, book_title_depth - 1)
            continue
        if book_title_depth or not (ch in always or _ends_clause(text, i, end)):
            continue
        boundary = i + 1
        # every mark that follows stays with the clause (钱，……” is one clause): no row of punctuation alone,
        # also past a joined line break (！ / ” where a wrapped line was full after the ！)
        while boundary < end:
            if text[boundary] in trailers:
                boundary += 1
            elif text[boundary] in _BREAK_START and (gap := _BREAK_BEFORE_MARK.match(text, boundary, end)):
                boundary = gap.end()
            else:
                break
        pieces.append((clause_start, boundary))
        clause_start = boundary
    pieces.append((clause_start, end))
    trimmed: list[tuple[int, int]] = []
    too_long = False
    for piece_start, piece_end in pieces:
        while piece_start < piece_end and text[piece_start].isspace():
            piece_start += 1
        while piece_end > piece_start and text[piece_end - 1].isspace():
            piece_end -= 1
        if piece_start < piece_end:
            # a clause mostly starts with a letter or hanzi: then no walk over its characters is needed
            if trimmed and not (text[piece_start].isalnum() or _ALNUM.search(text, piece_start, piece_end)):
                trimmed[-1] = (trimmed[-1][0], piece_end)  # marks alone (a stray “ after 。) join the clause before
            else:
                trimmed.append((piece_start, piece_end))
            too_long = too_long or piece_end - trimmed[-1][0] > MAX_CLAUSE
    if too_long:
        return [bounded for piece in trimmed for bounded in _bounded(text, *piece)]
    return trimmed


#: The most characters a clause holds. A line without punctuation (OCR output, a paste) was one clause of
#: megabytes, and what is built per clause downstream (tokens, the context model's batch, a reader row) grew
#: with it: a 5 MB line took 2.5 GB. The corpus's longest clause is 346 (水浒传); English sentences fit too.
MAX_CLAUSE = 1000
#: Where a long clause is cut, latest first: after whitespace; else where a word ends (hanzi meet Latin letters
#: or figures, letters meet marks) in the last few characters; else between two characters that are not one
#: grapheme (an accent, a variation selector, a skin tone, the joiner of an emoji sequence, a surrogate pair, a
#: flag's two letters stay together).
_LAST_SPACE = re.compile(r"(?s:.*)\s")
_WORD_REACH = 64
#: Characters that stay with the one before them (besides combining marks, found by their category).
_EXTENDING = LazyPattern("[\u200c\u200d\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f\udc00-\udfff]")
_REGIONAL = LazyPattern("[\U0001f1e6-\U0001f1ff]")


def _joins(before: str, after: str) -> bool:
    """Two neighbours that belong to one grapheme, so no clause is cut between them."""
    return (_EXTENDING.match(after) is not None or unicodedata.category(after)[0] == "M"
            or before == "\u200d" or "\ud800" <= before <= "\udbff"
            or (_REGIONAL.match(before) is not None and _REGIONAL.match(after) is not None))


#: The last place where a word ends, hanzi meeting other letters or figures, or letters meeting marks.
_LAST_WORD_END = LazyPattern(f"(?s:.*)(?:(?<=[{HANZI}])(?=[^{HANZI}])|(?<=[^{HANZI}])(?=[{HANZI}])"
                             r"|(?<=\w)(?=\W)|(?<=\W)(?=\w))")


def _last_boundary(text: str, low: int, high: int) -> int:
    """The cut in ``(low, high]`` when there is no whitespace: the last word's end near ``high``, else the last
    place between graphemes; a run of graphemes longer than the window (a stack of combining marks past Unicode's
    stream-safe limit of 30) is cut at ``high``."""
    floor, end = max(low, high - _WORD_REACH), high + 1
    while (word_end := _LAST_WORD_END.match(text, floor, end)) is not None and word_end.end() > low:
        cut = word_end.end()
        if not _joins(text[cut - 1], text[cut]):
            return cut
        end = cut  # an accent after a letter: look further back
    return next((cut for cut in range(high, low, -1) if not _joins(text[cut - 1], text[cut])), high)


def _bounded(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``[start, end)`` (trimmed, as a clause) in pieces of at most :data:`MAX_CLAUSE` characters, each trimmed
    of whitespace. Each cut is sought in the second half of the next ``MAX_CLAUSE`` characters, so the pieces
    are at least half that long and the whole is read a bounded number of times: linear in the clause."""
    while end - start > MAX_CLAUSE:
        low, high = start + MAX_CLAUSE // 2, start + MAX_CLAUSE
        space = _LAST_SPACE.match(text, low, high)
        cut = resume = space.end() - 1 if space is not None else _last_boundary(text, low, high)
        while text[resume].isspace():
            resume += 1
        while text[cut - 1].isspace():
            cut -= 1
        yield start, cut
        start = resume
    yield start, end


def _ends_clause(text: str, i: int, line_end: int) -> bool:
    ch = text[i]
    if ch in FULL_WIDTH_ENDERS or ch in ELLIPSES:
        return True
    following = text[i + 1] if i + 1 < line_end else ""
    if ch in HALF_WIDTH_ENDERS:
        # "?x=1" in a URL or "!=" in code is not the end of a sentence.
        return not (following.isascii() and (following.isalnum() or following in "=&_%/#"))
    if ch == ",":
        return bool(following) and is_cjk(following)
    if ch == ".":
        return not following or following.isspace()
    return False

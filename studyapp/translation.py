"""Segments (merge, split, regroup by sentence), fuzzy matches, glossary hints, and exchange formats.

Segments are ranges of the text. A merge joins a segment with the next and joins their translations with a
space; a split cuts a merged segment back into its clauses and keeps the translation on the first part, so no
translated character is ever lost. Ids stay: the first part keeps the merged segment's id.
"""

from __future__ import annotations

import csv
import difflib
import html
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

from .errors import StudyAppError
from .store import DONE, DRAFT, UNTRANSLATED, Segment
from .text import Document

SENTENCE_END = re.compile(r"[。！？!?…⋯][”’」』）)\]》]*$")
FORMATS = ("tmx", "tsv", "txt", "html", "docx")


class ExchangeError(StudyAppError):
    """A translation file could not be read or written."""


def join_targets(first: str, second: str) -> str:
    if not first:
        return second
    if not second:
        return first
    return first + " " + second


def _merged_status(a: Segment, b: Segment) -> int:
    if not (a.target or b.target):
        return UNTRANSLATED
    return DONE if a.status == DONE and b.status == DONE else DRAFT


def merge(segments: list[Segment], index: int) -> tuple[list[Segment], list[int]]:
    """Merge segment ``index`` with the next one: (segments to keep or update, ids removed)."""
    if index < 0 or index + 1 >= len(segments):
        return [], []
    first, second = segments[index], segments[index + 1]
    merged = Segment(first.id, first.start, second.end, join_targets(first.target, second.target),
                     _merged_status(first, second))
    return [merged], [second.id]


def split(document: Document, segment: Segment) -> list[Segment]:
    """Cut a segment back into its clauses; the first keeps the id and the whole translation."""
    clauses = [c for c in document.clauses if segment.start <= c.start and c.end <= segment.end]
    if len(clauses) < 2:
        return [segment]
    parts = [replace(segment, end=clauses[0].end)]
    parts += [Segment(0, clause.start, clause.end, "", UNTRANSLATED) for clause in clauses[1:]]
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


# --- help while translating -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FuzzyMatch:
    source: str
    target: str
    similarity: int  # percent


def differences(current: str, earlier: str) -> list[tuple[str, bool]]:
    """The earlier source cut into runs, each marked True where it differs from the current one."""
    matcher = difflib.SequenceMatcher(None, current, earlier, autojunk=False)
    runs = []
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if j2 > j1:
            runs.append((earlier[j1:j2], tag != "equal"))
    return runs


class TranslationMemory:
    """Earlier translations (every document), searched by shared characters first, then by edit similarity."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs: list[tuple[str, str]] = []
        self._by_character: dict[str, list[int]] = {}
        for source, target in pairs:
            self.add(source, target)

    def add(self, source: str, target: str) -> None:
        if not target.strip():
            return
        number = len(self.pairs)
        self.pairs.append((source, target))
        for character in set(source):
            if not character.isspace():
                self._by_character.setdefault(character, []).append(number)

    def pairs_with(self, character: str) -> list[tuple[str, str]]:
        return [self.pairs[number] for number in self._by_character.get(character, ())]

    def matches(self, source: str, threshold: int = 60, limit: int = 3) -> list[FuzzyMatch]:
        shared: Counter[int] = Counter()
        for character in set(source):
            for number in self._by_character.get(character, ()):
                shared[number] += 1
        found = []
        for number, _count in shared.most_common(60):
            earlier_source, earlier_target = self.pairs[number]
            if earlier_source == source and not earlier_target:
                continue
            ratio = difflib.SequenceMatcher(None, source, earlier_source, autojunk=False).ratio()
            similarity = round(ratio * 100)
            if similarity >= threshold:
                found.append(FuzzyMatch(earlier_source, earlier_target, similarity))
        unique = {(m.source, m.target): m for m in sorted(found, key=lambda m: m.similarity)}
        return sorted(unique.values(), key=lambda m: -m.similarity)[:limit]


# --- exchange ---------------------------------------------------------------------------------------------

def pairs_of(document: Document, segments: list[Segment]) -> list[tuple[str, str]]:
    return [(document.text[s.start:s.end], s.target) for s in segments]


def export_text(document: Document, segments: list[Segment], fmt: str, language: str = "en",
                title: str = "") -> bytes:
    """The document's translation in one of ``FORMATS``."""
    pairs = pairs_of(document, segments)
    if fmt == "tmx":
        return _tmx(pairs, language)
    if fmt == "tsv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(["source", "target"])
        writer.writerows(pairs)
        return out.getvalue().encode("utf-8")
    if fmt == "txt":
        return _target_text(document, segments).encode("utf-8")
    if fmt == "html":
        return _bilingual_html(document, segments, language, title).encode("utf-8")
    if fmt == "docx":
        return _bilingual_docx(document, segments, title)
    raise ExchangeError(f"Unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}.")


def _tmx(pairs: list[tuple[str, str]], language: str) -> bytes:
    from translate.storage import tmx

    store = tmx.tmxfile(sourcelanguage="zh-CN", targetlanguage=language)
    for source, target in pairs:
        if target:
            store.addtranslation(source, "zh-CN", target, language)
    return bytes(store)


def _paragraph_groups(document: Document, segments: list[Segment]) -> list[list[Segment]]:
    paragraph_of = {clause.start: clause.paragraph for clause in document.clauses}
    groups: list[list[Segment]] = []
    last = None
    for segment in segments:
        paragraph = paragraph_of.get(segment.start, last)
        if paragraph != last or not groups:
            groups.append([])
            last = paragraph
        groups[-1].append(segment)
    return groups


def _target_text(document: Document, segments: list[Segment]) -> str:
    paragraphs = []
    for group in _paragraph_groups(document, segments):
        paragraphs.append(" ".join(s.target.strip() for s in group if s.target.strip()))
    return "\n".join(paragraphs) + "\n"


def _bilingual_html(document: Document, segments: list[Segment], language: str, title: str) -> str:
    rows = []
    for group in _paragraph_groups(document, segments):
        for number, segment in enumerate(group):
            css = ' class="first"' if number == 0 else ""
            rows.append(f"<tr{css}><td lang=\"zh-CN\">{html.escape(document.text[segment.start:segment.end])}</td>"
                        f"<td lang=\"{html.escape(language)}\">{html.escape(segment.target)}</td></tr>")
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title or 'Translation')}</title><style>"
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
        "td{vertical-align:top;padding:.3em .6em;width:50%;border-bottom:1px solid #eee}"
        "tr.first td{border-top:2px solid #999}</style></head><body>"
        f"<h1>{html.escape(title or 'Translation')}</h1><table>" + "\n".join(rows) + "</table></body></html>\n")


def _bilingual_docx(document: Document, segments: list[Segment], title: str) -> bytes:
    """A two-column Word table, the layout reviewers of bilingual files expect (Trados, memoQ)."""
    import docx
    from docx.shared import Pt

    out = docx.Document()
    out.add_heading(title or "Translation", level=1)
    table = out.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for segment in segments:
        source_cell, target_cell = table.add_row().cells
        source_cell.text = document.text[segment.start:segment.end]
        target_cell.text = segment.target
        for run in source_cell.paragraphs[0].runs:
            run.font.size = Pt(11)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


class _TableReader(HTMLParser):
    """The two cells of every table row of our bilingual HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """Source/target pairs from TMX, TSV, or our bilingual HTML and DOCX (by extension, else by content)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ExchangeError(f"{path} cannot be read: {error.strerror}.") from None
    suffix = path.suffix.lower()
    if suffix == ".docx":
        import docx

        try:
            tables = docx.Document(io.BytesIO(data)).tables
        except Exception as error:  # noqa: BLE001 - python-docx raises zipfile's, lxml's and its own errors
            raise ExchangeError(f"{path} is not a readable DOCX file: {error}") from None
        return [(row.cells[0].text, row.cells[1].text) for table in tables for row in table.rows
                if len(row.cells) >= 2]
    if suffix in (".html", ".htm"):
        reader = _TableReader()
        reader.feed(data.decode("utf-8", errors="replace"))
        return [(row[0], row[1]) for row in reader.rows if len(row) >= 2]
    if path.suffix.lower() == ".tmx" or data.lstrip()[:200].find(b"<tmx") >= 0:
        from translate.storage import tmx

        try:
            store = tmx.tmxfile.parsestring(data)
        except Exception as error:  # noqa: BLE001 - the toolkit raises lxml's and its own errors
            raise ExchangeError(f"{path} is not a readable TMX file: {error}") from None
        return [(unit.source or "", unit.target or "") for unit in store.units]
    text = data.decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    if rows and [cell.lower() for cell in rows[0][:2]] == ["source", "target"]:
        rows = rows[1:]
    return [(row[0], row[1]) for row in rows if len(row) >= 2]


@dataclass(frozen=True, slots=True)
class ImportResult:
    filled: list[Segment]
    skipped_existing: int
    unmatched: int


def fill_from_pairs(document: Document, segments: list[Segment], pairs: list[tuple[str, str]],
                    overwrite: bool = False) -> ImportResult:
    """Segments whose source matches a pair get its target; written ones only with ``overwrite``."""
    lookup = {source.strip(): target for source, target in pairs if target.strip()}
    filled, skipped, used = [], 0, set()
    for segment in segments:
        source = document.text[segment.start:segment.end].strip()
        target = lookup.get(source)
        if target is None:
            continue
        used.add(source)
        if segment.target and not overwrite:
            skipped += 1 if segment.target != target else 0
            continue
        filled.append(replace(segment, target=target, status=max(segment.status, DRAFT)))
    return ImportResult(filled, skipped, len(set(lookup) - used))


def fill_from_plain_text(document: Document, segments: list[Segment], translation: str,
                         overwrite: bool = False) -> ImportResult:
    """A translation whose paragraphs match the source's: each paragraph goes on its first segment."""
    paragraphs = [line.strip() for line in translation.splitlines() if line.strip()]
    groups = _paragraph_groups(document, segments)
    if len(paragraphs) != len(groups):
        raise ExchangeError(
            f"The translation has {len(paragraphs)} paragraphs and the text has {len(groups)}; they must match.")
    filled, skipped = [], 0
    for group, paragraph in zip(groups, paragraphs, strict=True):
        first = group[0]
        if any(s.target for s in group) and not overwrite:
            skipped += 1
            continue
        filled.append(replace(first, target=paragraph, status=max(first.status, DRAFT)))
        filled += [replace(s, target="", status=UNTRANSLATED) for s in group[1:] if s.target]
    return ImportResult(filled, skipped, 0)


def glossary_hints(words: Iterable[str], memory: TranslationMemory, limit: int = 6) -> list[tuple[str, str]]:
    """Words of this segment (two characters or more) seen in earlier translated segments, with one of them."""
    hints = []
    for word in dict.fromkeys(words):
        if len(word) < 2:
            continue
        for source, target in memory.pairs_with(word[0]):
            if word in source:
                hints.append((word, target))
                break
        if len(hints) >= limit:
            break
    return hints


@dataclass
class OpenedDocument:
    """A text as the library knows it: its id, the document split into clauses, and its segments."""

    id: str
    document: Document
    segments: list[Segment]


def open_in_library(library, path: Path) -> OpenedDocument:
    """Load a file and add it to the library (a known text brings its work back, from any path)."""
    from . import text

    document = text.split(text.load(path))
    identifier = library.add_document(document, Path(path).stem, str(Path(path).resolve()))
    return OpenedDocument(identifier, document, library.segments(identifier))


def apply_import(library, opened: OpenedDocument, file: Path, overwrite: bool = False) -> ImportResult:
    """Fill segments from a TMX, TSV or plain-text translation and save them."""
    if file.suffix.lower() not in (".txt", ".text", ".md"):
        result = fill_from_pairs(opened.document, opened.segments, read_pairs(file), overwrite)
    else:
        from . import text

        translation = text.load(file).text
        result = fill_from_plain_text(opened.document, opened.segments, translation, overwrite)
    library.replace_segments(opened.id, result.filled, [])
    opened.segments = library.segments(opened.id)
    return result

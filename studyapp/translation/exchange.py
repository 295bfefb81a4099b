"""Translations in and out: one table of formats (``FORMATS``: TMX, TSV, TXT, HTML, DOCX, SRT), a row each with its
writer, its reader and what it cannot carry, that the menus, the dialogs, the command line and the importer read.

Every writer and reader is linear in the number of segments and reports progress, so the window runs them as
background jobs; ``cancelled()`` returning True stops them with ``JobCancelled``.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, cast

from ..errors import JobCancelled, StudyAppError
from ..files import check_unpacked, read_limited
from ..spreadsheet import guarded, unguarded
from ..text import Document, ends_sentence, normalise_newlines
from ..wording import counted
from .segments import Segment, Status, join_run, paragraph_starts

if TYPE_CHECKING:
    from ..library import Library

Progress = Callable[[int, int], None] | None
Cancelled = Callable[[], bool] | None
_REPORT_EVERY = 2000


class ExchangeError(StudyAppError):
    """A translation file could not be read or written."""


@dataclass(frozen=True, slots=True)
class Export:
    """What a format's writer is given: the document, its segments, and what the file says besides."""

    document: Document
    segments: Sequence[Segment]
    language: str  # the translation's language code
    title: str
    units: str  # "segment" or "sentence" (formats of source/target pairs)
    tick: Callable[[int], None]  # called with the units written so far: reports progress, raises when cancelled

    def pairs(self) -> list[tuple[str, str]]:
        """Source/target pairs by segment, or by sentence (``units``)."""
        if self.units == "sentence":
            return sentence_pairs(self.document, self.segments)
        return pairs_of(self.document, self.segments)


@dataclass(frozen=True, slots=True)
class Format:
    """One exchange format, whole: the menus, the file dialogs, the command line, the exporter and the importer
    read this row, so a new format is one more row of ``FORMATS``."""

    name: str  # as the command line takes it
    label: str  # as the File menu says it
    suffixes: tuple[str, ...]  # the first is what exports are named with
    write: Callable[[Export], bytes]
    read: Callable[[bytes, Path], Translation]  # the file's bytes (and its path, for messages)
    pairs: bool = True  # read as source/target pairs; else as the translation alone (by paragraph, by cue)
    xml: bool = False  # it cannot carry most control characters: the file leaves them out, and the export says so
    #: translations it cannot carry, and what the export says the file has instead
    cannot_carry: tuple[Callable[[str], bool], str] | None = None
    content_mark: bytes = b""  # found near the start of such a file, which tells it when its name does not


def format_of(path: Path, head: bytes = b"") -> Format:
    """The format of a translation file: by its extension, else by its content (``head``), else TSV."""
    suffix = path.suffix.lower()
    for candidate in FORMATS.values():
        if suffix in candidate.suffixes:
            return candidate
    for candidate in FORMATS.values():
        if candidate.content_mark and candidate.content_mark in head.lstrip()[:200]:
            return candidate
    return FORMATS["tsv"]


def import_filter() -> str:
    """The file dialog's filter for every importable extension."""
    patterns = " ".join(f"*{suffix}" for f in FORMATS.values() for suffix in f.suffixes)
    return f"Translations ({patterns});;All files (*)"


def export_filter(fmt: str) -> str:
    """The save dialog's filter for one format: its label and the name exports are given."""
    row = FORMATS[fmt]
    return f"{row.label} (*{row.suffixes[0]})"


def _ticker(progress: Progress, cancelled: Cancelled, total: int) -> Callable[[int], None]:
    def tick(done: int) -> None:
        if cancelled and cancelled():
            raise JobCancelled("Cancelled.")
        if progress and (done % _REPORT_EVERY == 0 or done == total):
            progress(done, total)
    return tick


# --- export -------------------------------------------------------------------------------------------------

def pairs_of(document: Document, segments: Sequence[Segment]) -> list[tuple[str, str]]:
    return [(document.span_text(s.start, s.end), s.target) for s in segments]


def sentence_pairs(document: Document, segments: Sequence[Segment]) -> list[tuple[str, str]]:
    """Translation units by sentence (the segments of each sentence joined, within a paragraph), for tools that
    segment by sentence (OmegaT, Trados): clause units rarely match there. A sentence is a unit only when every
    one of its segments is translated; a half-translated sentence would teach the memory a wrong pair."""
    pairs = []
    for group in paragraph_groups(document, segments):
        run: list[Segment] = []
        for segment in group:
            run.append(segment)
            if ends_sentence(document.span_text(segment.start, segment.end)) or segment is group[-1]:
                if all(part.target.strip() for part in run):
                    pairs.append((document.span_text(run[0].start, run[-1].end), _sentence_target(run)))
                run = []
    return pairs


def _sentence_target(run: list[Segment]) -> str:
    """The translations of a sentence's segments as one, each kept whole (its spaces and line breaks too), a
    space between two only where neither brings one."""
    target = run[0].target
    for part in run[1:]:
        gap = "" if target[-1:].isspace() or part.target[:1].isspace() else " "
        target += gap + part.target
    return target


UNITS = ("segment", "sentence")


def export_text(document: Document, segments: Sequence[Segment], fmt: str, language: str = "en", title: str = "",
                progress: Progress = None, cancelled: Cancelled = None, units: str = "segment") -> bytes:
    """The document's translation in one of ``FORMATS``; TMX and TSV by segment or by sentence (``units``)."""
    if fmt not in FORMATS:
        raise ExchangeError(f"Unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    if units not in UNITS:
        raise ExchangeError(f"Unknown units {units!r}; choose segment or sentence.")
    tick = _ticker(progress, cancelled, len(segments))
    return FORMATS[fmt].write(Export(document, segments, language, title, units, tick))


def export_warnings(document: Document, segments: Sequence[Segment], fmt: str) -> list[str]:
    """What an export cannot keep exactly, said with where, so a round trip changes nothing in silence: XML
    (TMX, DOCX) cannot hold most control characters, so those files leave them out; DOCX has no carriage return
    apart from a line break; plain text is a line per paragraph. Only rows holding such text are looked at
    closely."""
    warnings: list[str] = []
    row = FORMATS.get(fmt)
    if row is None:
        return warnings
    if row.xml:
        warnings += _control_character_warning(document, segments, fmt)
    if row.cannot_carry:
        cannot_carry, what = row.cannot_carry
        rows = [number for number, segment in enumerate(segments, start=1) if cannot_carry(segment.target)]
        if rows:
            warnings.append(f"Segment(s) {_rows_shown(rows)} hold {what}.")
    return warnings


def _rows_shown(rows: list[int]) -> str:
    return ", ".join(map(str, rows[:10])) + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")


def _control_character_warning(document: Document, segments: Sequence[Segment], fmt: str) -> list[str]:
    rows, found = [], set()
    for number, segment in enumerate(segments, start=1):
        for piece in (document.span_text(segment.start, segment.end), segment.target):
            hits = _NOT_XML.findall(piece)
            if hits:
                rows.append(number)
                found.update(hits)
                break
    if not rows:
        return []
    codes = ", ".join(f"U+{ord(ch):04X}" for ch in sorted(found))
    keeping = [row.name.upper() for row in FORMATS.values() if not row.xml]
    return [f"Segment(s) {_rows_shown(rows)} hold control characters ({codes}) that {fmt.upper()} cannot carry; "
            f"the file leaves them out. {', '.join(keeping[:-1])} and {keeping[-1]} keep them."]


def _one_line(target: str) -> str:
    """A translation as plain text carries it, a line per paragraph: its white space made single spaces."""
    return " ".join(target.split())


def _tmx(export: Export) -> bytes:
    from translate.storage import tmx

    language = export.language
    store = tmx.tmxfile(sourcelanguage="zh-CN", targetlanguage=language)
    for number, (source, target) in enumerate(export.pairs(), start=1):
        if target:
            store.addtranslation(source, "zh-CN", target, language)
        export.tick(number)
    data = bytes(store)
    store.units = []  # the units' wrappers hold every <tu>: dropped, each is freed as it leaves the body
    _let_go(store.body)
    return data


def _let_go(element) -> None:
    """Free an export's XML tree (a novel's: 111,000 rows) here in the job, child by child. Its owner (python-docx's
    package, translate-toolkit's store) is a reference cycle: left whole, the tree was freed by whichever thread's
    collection found the cycle, the GUI thread's as often as not, in one call holding the GIL: 100-570 ms."""
    for _child in range(len(element)):
        del element[0]  # the child's subtree is freed now: nothing else refers to it


def _tsv(export: Export) -> bytes:
    out = io.StringIO()
    # every field quoted, so the importer knows the file as quoted CSV and reads it back exactly
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["source", "target"])
    for number, pair in enumerate(export.pairs(), start=1):
        writer.writerow(map(guarded, pair))  # a spreadsheet opens it too: no cell runs as a formula
        export.tick(number)
    return out.getvalue().encode("utf-8")


def paragraph_groups(document: Document, segments: Sequence[Segment]) -> list[list[Segment]]:
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


def _subtitles(export: Export) -> bytes:
    """Each cue's timing with its translation (a cue not translated yet keeps its source line, so the file stays
    whole and plays)."""
    from ..text.sources import srt_with

    document, segments = export.document, export.segments
    if not document.cues:
        raise ExchangeError("Only a text opened from subtitles (.srt) exports as subtitles: it has the timings.")
    groups = paragraph_groups(document, segments)
    texts = [_paragraph_translation(group) or document.span_text(group[0].start, group[-1].end)
             for _cue, group in zip(document.cues, groups, strict=False)]
    return srt_with(document.cues[:len(texts)], texts)


def _plain_text(export: Export) -> bytes:
    return _target_text(export.document, export.segments).encode("utf-8")


def _target_text(document: Document, segments: Sequence[Segment]) -> str:
    """One line per paragraph of the source, an empty one where nothing is translated yet, so the file always
    has the source's paragraph count and imports back in place."""
    paragraphs = [_paragraph_translation(group) for group in paragraph_groups(document, segments)]
    return "\n".join(paragraphs) + "\n"


def _paragraph_translation(group: list[Segment]) -> str:
    """A paragraph's segments' translations on one line."""
    return " ".join(_one_line(s.target) for s in group if s.target.strip())


def _bilingual_html(export: Export) -> bytes:
    document, language, title, tick = export.document, export.language, export.title, export.tick
    rows = []
    for group in paragraph_groups(document, export.segments):
        for number, segment in enumerate(group):
            css = ' class="first"' if number == 0 else ""
            source = _html_text(document.span_text(segment.start, segment.end))
            rows.append(f"<tr{css}><td lang=\"zh-CN\">{source}</td>"
                        f"<td lang=\"{html.escape(language)}\">{_html_text(segment.target)}</td></tr>")
            tick(len(rows))
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title or 'Translation')}</title><style>"
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
        "td{vertical-align:top;padding:.3em .6em;width:50%;border-bottom:1px solid #eee}"
        "tr.first td{border-top:2px solid #999}</style></head><body>"
        f"<h1>{html.escape(title or 'Translation')}</h1><table>" + "\n".join(rows) + "</table></body></html>\n"
    ).encode("utf-8")


def _html_text(text: str) -> str:
    """Text in HTML as it is: a carriage return as a character reference, since an HTML parser reads a raw CR
    or CRLF as a line feed."""
    return html.escape(text).replace("\r", "&#13;")


#: Characters XML 1.0 cannot hold at all (Word refuses the file, lxml refuses the string).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _docx(export: Export) -> bytes:
    return _bilingual_docx(export.document, export.segments, export.title, export.tick, export.language)


def _bilingual_docx(document: Document, segments: Sequence[Segment], title: str, tick: Callable[[int], None],
                    language: str = "en") -> bytes:
    """A two-column Word table, the layout reviewers of bilingual files expect (Trados, memoQ).

    Rows are appended as XML: python-docx's ``add_row().cells`` walks the whole table for every row, which made
    the novel's 111,000 rows take 475 s (quadratic); this is linear."""
    import datetime as dt

    import docx
    from docx.oxml.ns import qn
    from lxml import etree

    out = docx.Document()
    _as_chinese_document(out)
    shown_title = _NOT_XML.sub("", title or "Translation")
    properties = out.core_properties  # python-docx's template says 2013, "python-docx" and no title
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    properties.title, properties.author, properties.last_modified_by = shown_title, "", ""
    properties.created = properties.modified = now
    properties.language, properties.comments = language, ""
    out.add_heading(shown_title, level=1)
    table = out.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    tbl = table._tbl
    widths = [str(column.w) if column.w is not None else None for column in tbl.tblGrid.gridCol_lst]
    w_tr, w_trPr, w_tblHeader, w_tc, w_tcPr, w_tcW, w_p, w_r, w_rPr, w_lang, w_b, w_t, w_br = (qn(tag) for tag in (
        "w:tr", "w:trPr", "w:tblHeader", "w:tc", "w:tcPr", "w:tcW", "w:p", "w:r", "w:rPr", "w:lang", "w:b", "w:t",
        "w:br"))
    w_w, w_type, preserve, w_val, w_east_asia = qn("w:w"), qn("w:type"), qn("xml:space"), qn("w:val"), \
        qn("w:eastAsia")
    # proofing languages: Word checks the Chinese column as Chinese and the other as the target language
    languages = ({w_val: "zh-CN", w_east_asia: "zh-CN"}, {w_val: language, w_east_asia: "zh-CN"})

    rows: list[bytes] = []  # each row's XML, made as it is added: the tree never holds the novel's 111,000 rows
    declared = f' xmlns:w="{tbl.nsmap["w"]}"'.encode()  # what a row says on its own, and the document says once

    def add_row(texts: tuple[str, str], header: bool = False) -> None:
        row = etree.SubElement(tbl, w_tr)
        if header:  # repeated at the top of every page, and skipped when the file is read back
            etree.SubElement(etree.SubElement(row, w_trPr), w_tblHeader)
        for width, text, lang in zip(widths, texts, languages, strict=True):
            cell = etree.SubElement(row, w_tc)
            if width is not None:
                cell_properties = etree.SubElement(cell, w_tcPr)
                etree.SubElement(cell_properties, w_tcW, {w_w: width, w_type: "dxa"})
            run = etree.SubElement(etree.SubElement(cell, w_p), w_r)
            run_properties = etree.SubElement(run, w_rPr)
            if header:
                etree.SubElement(run_properties, w_b)
            etree.SubElement(run_properties, w_lang, lang)
            for line_number, line in enumerate(_NOT_XML.sub("", normalise_newlines(text)).split("\n")):
                if line_number:
                    etree.SubElement(run, w_br)
                if line:
                    etree.SubElement(run, w_t, {preserve: "preserve"}).text = line
        tbl.remove(row)
        rows.append(etree.tostring(row).replace(declared, b"", 1))

    add_row(("Source (zh-CN)", f"Translation ({language})"), header=True)
    for number, segment in enumerate(segments, start=1):
        add_row((document.span_text(segment.start, segment.end), segment.target))
        tick(number)
    _write_rows_into(out.part, tbl, rows)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


_ROWS_MARK = b"<!--rows-->"


def _write_rows_into(part, table, rows: list[bytes]) -> None:
    """Make the document ``part`` write ``rows`` (serialised one by one as they were made) at the end of
    ``table``, one of its elements, when the package is saved: one ``tostring`` of the novel's whole tree held
    the GIL for 400 ms, stalling the window while the export job wrote the file (and the tree was left to a
    collection to free: python-docx's package is a reference cycle)."""
    from lxml import etree

    table.append(etree.Comment(_ROWS_MARK[4:-3].decode()))

    class RowsWritten(type(part)):  # type: ignore[misc]  # the part's own class, whichever python-docx made
        @property
        def blob(self) -> bytes:
            whole = super().blob  # the document without the rows: small
            at = whole.index(_ROWS_MARK)  # text and attributes are escaped: only the comment reads so
            return b"".join((whole[:at], *rows, whole[at + len(_ROWS_MARK):]))

    part.__class__ = RowsWritten


#: The East Asian font a bilingual DOCX names, as Word names it in a Chinese document: SimSun ships with every
#: Windows, and LibreOffice's replacement table knows it as a Simplified Chinese font (CJK_SC), so a machine
#: without it still draws Chinese glyph forms.
_CHINESE_FONT = "宋体"


def _as_chinese_document(out) -> None:
    """python-docx's template is a Japanese-locale Word document: its theme's East Asian language is ja-JP, its East
    Asian theme font ＭＳ 明朝, so LibreOffice (and Word) set the source column in a Japanese font, with Japanese
    glyph forms for Chinese characters. Make the East Asian language zh-CN with a Chinese font, name studyapp as
    the writing application and drop the template's thumbnail (a blank page shown as the file's preview)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    settings = out.settings.element.find(qn("w:themeFontLang"))
    if settings is not None:
        settings.set(qn("w:eastAsia"), "zh-CN")
    defaults = out.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if defaults is not None:
        fonts, lang = defaults.find(qn("w:rFonts")), defaults.find(qn("w:lang"))
        if fonts is not None:
            fonts.set(qn("w:eastAsia"), _CHINESE_FONT)
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")
    theme = out.part.part_related_by(RT.THEME)
    theme._blob = _theme_with_chinese_font(theme.blob)  # a plain part: python-docx keeps only its bytes
    package = out.part.package
    for rid, relationship in list(package.rels.items()):
        if relationship.reltype == RT.THUMBNAIL:
            del package.rels[rid]
        elif relationship.reltype == RT.EXTENDED_PROPERTIES:
            relationship.target_part._blob = _app_properties(relationship.target_part.blob)


def _theme_with_chinese_font(blob: bytes) -> bytes:
    """The theme's major and minor East Asian font, and its font for Simplified Chinese, made the Chinese one
    (the Japanese entry stays for Japanese: the document's East Asian language now picks the Chinese one)."""
    from lxml import etree

    drawing = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    theme = etree.fromstring(blob)
    for scheme in theme.iter(f"{drawing}majorFont", f"{drawing}minorFont"):
        for east_asian in scheme.iter(f"{drawing}ea"):
            east_asian.set("typeface", _CHINESE_FONT)
        for script in scheme.iter(f"{drawing}font"):
            if script.get("script") == "Hans":
                script.set("typeface", _CHINESE_FONT)
    return etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)


def _app_properties(blob: bytes) -> bytes:
    """docProps/app.xml naming studyapp, where the template says Microsoft Macintosh Word 14.0 and Normal.dotm."""
    from lxml import etree

    extended = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    properties = etree.fromstring(blob)
    for name in ("Template", "AppVersion"):  # AppVersion is Word's own version number, in Word's format
        for node in properties.findall(f"{extended}{name}"):
            properties.remove(node)
    application = properties.find(f"{extended}Application")
    if application is None:
        application = etree.SubElement(properties, f"{extended}Application")
    application.text = "studyapp"
    return etree.tostring(properties, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- import -------------------------------------------------------------------------------------------------

class _TableReader(HTMLParser):
    """The two cells of every table row of our bilingual HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._code = 0  # inside <script> or <style>: code, not text
        self.skipped = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self._code += 1
            self.skipped += self._cell is not None
        elif tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._code = max(0, self._code - 1)
        elif tag == "td" and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._code:
            self._cell.append(data)


def _docx_rows(data: bytes, path: Path) -> Pairs:
    """The first two cells of every table row, read from the XML in one pass (``row.cells`` walks the whole
    table for every row, and ``Paragraph.text`` builds an object per run)."""
    import docx
    from docx.oxml.ns import qn

    check_unpacked(data, str(path), ExchangeError)
    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as error:  # noqa: BLE001 - python-docx raises zipfile's, lxml's and its own errors
        raise ExchangeError(f"{path} is not a readable DOCX file: {error}") from None
    w_tc, w_p, w_t = qn("w:tc"), qn("w:p"), qn("w:t")
    breaks = {qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:tab"): "\t"}
    wanted = (w_t, *breaks)

    def cell_text(cell) -> str:
        return "\n".join("".join((node.text or "") if node.tag == w_t else breaks[node.tag]
                                  for node in paragraph.iter(*wanted))
                         for paragraph in cell.iterchildren(w_p))

    rows = []
    header = f"{qn('w:trPr')}/{qn('w:tblHeader')}"
    for tr in body.iter(qn("w:tr")):
        if tr.find(header) is not None:
            continue  # our column titles, not a pair
        cells = tr.findall(w_tc)
        if len(cells) >= 2:
            rows.append((cell_text(cells[0]), cell_text(cells[1])))
    for table in list(body.iter(qn("w:tbl"))):
        _let_go(table)
    return Pairs(rows)


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _tmx_pairs(data: bytes, path: Path) -> Pairs:
    """Source/target pairs of any TMX: 1.4 with ``xml:lang`` (ours, Trados) and 1.1 with ``lang`` (OmegaT's
    project memory). The source is the variant in the header's ``srclang``, else the Chinese one. Entities the
    file declares itself (``<!ENTITY co "ACME">``) are expanded, within libxml2's bound on how far entities may
    multiply the text ("billion laughs" is refused); nothing is fetched, so an entity naming another file or a
    URL refuses the file, which reads nothing else."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities="internal", no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ExchangeError(f"{path} is not a readable TMX file: {_entity_problem(error)}") from None
    header = root.find("header")
    source_language = (header.get("srclang", "") if header is not None else "").lower()

    def language(tuv) -> str:
        return (tuv.get(_XML_LANG) or tuv.get("lang") or "").lower()

    def is_source(lang: str) -> bool:
        if source_language and source_language != "*all*":
            return lang == source_language or lang.split("-")[0] == source_language.split("-")[0]
        return lang.startswith("zh")

    def text_of(tuv) -> str:
        seg = tuv.find("seg")
        if seg is None:
            return ""
        parts = [seg.text or ""]  # inline codes (bpt, ept, ph, it) are markup, not text; their tails are text
        parts += [child.tail or "" for child in seg]
        return "".join(parts)

    pairs = []
    for unit in root.iter("tu"):
        variants = unit.findall("tuv")
        source = next((tuv for tuv in variants if is_source(language(tuv))), None)
        if source is None:
            continue
        target = next((tuv for tuv in variants if tuv is not source), None)
        pairs.append((text_of(source), text_of(target) if target is not None else ""))
    if not pairs and any(True for _unit in root.iter("tu")):
        raise ExchangeError(f"{path} holds no units in the source language ({source_language or 'Chinese'}).")
    body = root.find("body")
    if body is not None:
        _let_go(body)
    return Pairs(pairs)


def _entity_problem(error) -> str:
    """libxml2's error said as the user's problem where it is about entities, else as libxml2 says it."""
    said = str(error)
    if "amplification" in said:
        return ("its entities expand far past the file's own size (an entity \"billion laughs\"); "
                "studyapp does not expand them.")
    if "Entity '" in said and "not defined" in said:
        return (f"it uses an entity it does not declare itself, and studyapp reads no other file or URL to "
                f"find one: {said}")
    return said


class Pairs(list):
    """Source/target pairs read from a file, with what the reader should be told about how it was read."""

    def __init__(self, pairs=(), notes: tuple[str, ...] = ()) -> None:
        super().__init__(pairs)
        self.notes = notes


def read_pairs(path: Path) -> Pairs:
    """Source/target pairs from TMX, TSV, or our bilingual HTML and DOCX (by extension, else by content); a
    file of a format without pairs is read as TSV."""
    data = read_limited(path, ExchangeError)
    fmt = format_of(path, data[:400])
    return cast(Pairs, (fmt.read if fmt.pairs else _tsv_pairs)(data, path))  # a pairs format reads Pairs


def _html_pairs(data: bytes, path: Path) -> Pairs:
    """The first two cells of every row of our bilingual HTML's table."""
    reader = _TableReader()
    decoded, notes = _decoded(data, path)
    reader.feed(normalise_newlines(decoded))  # as HTML reads its line ends; a CR written &#13; stays a CR
    reader.close()
    if reader.skipped:
        notes += (f"{path.name}: the text of {reader.skipped} script or style element(s) inside the table was "
                  "left out; it is code, not translation.",)
    rows = [row for row in reader.rows if len(row) >= 2]
    return Pairs([(row[0], row[1]) for row in rows], notes)


def _decoded(data: bytes, path: Path) -> tuple[str, tuple[str, ...]]:
    """A translation file's text in whatever encoding it is in (never U+FFFD in silence): UTF-8 or a BOM, else
    what ``text.decode`` finds, which is then said. UTF-8 (what our exports write) comes with its line ends as
    they are, so a carriage return inside a quoted field stays; the caller reads the line ends."""
    from .. import text
    from ..errors import TextLoadError

    if not data.strip():
        return "", ()
    try:
        loaded = text.decode(data, str(path))
    except TextLoadError as error:
        raise ExchangeError(str(error)) from None
    encoding = loaded.encoding.replace("_", "-").lower()
    if encoding in ("utf-8", "utf-8-sig", "ascii"):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("utf-8-sig"), ()
    if encoding in ("utf-8", "utf-8-sig", "ascii", "utf-16", "utf-32"):
        return loaded.text, ()
    return loaded.text, (f"{path.name} is not UTF-8; it was read as {loaded.encoding}.",)


csv.field_size_limit(2**31 - 1)  # a long clause is one cell; the 50 MB file limit bounds it already


def _tsv_pairs(data: bytes, path: Path) -> Pairs:
    """Tab-separated source and target, one pair per line, read literally (a quote is a quote) unless the whole
    file is quoted CSV, as our own export writes it; which of the two was used is said."""
    decoded, notes = _decoded(data, path)
    quoted = _quoted_throughout(decoded)  # our own export: a CR inside a field is the translation's
    decoded = normalise_newlines(decoded)
    if quoted is None:
        quoted = _quoted_throughout(decoded)  # the same with its line ends changed (CRLF by a Windows editor)
    if quoted is not None:  # our own export's form: its cells were guarded against spreadsheets' formulas
        rows, how = [[unguarded(cell) for cell in row] for row in quoted], "quoted CSV fields (tab-separated)"
    else:
        rows, how = [line.split("\t") for line in decoded.split("\n")], "plain tab-separated lines, quotes as text"
    if rows and [cell.strip().lower() for cell in rows[0][:2]] == ["source", "target"]:
        rows = rows[1:]
    pairs = [(row[0], row[1]) for row in rows if len(row) >= 2]
    single = sum(1 for row in rows if len(row) == 1 and row[0].strip())
    notes += (f"{path.name} was read as {how}.",)
    if single:
        notes += (f"{single} line(s) of {path.name} have no tab and were left out.",)
    return Pairs(pairs, notes)


def _quoted_throughout(decoded: str) -> list[list[str]] | None:
    """The rows of a file where every field is quoted (CSV with tabs), else None: it is that only when writing
    the rows back with every field quoted gives the file again."""
    if not decoded.startswith('"'):
        return None
    try:
        rows = list(csv.reader(io.StringIO(decoded, newline=""), delimiter="\t", strict=True))
    except csv.Error:
        return None
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    return rows if out.getvalue().rstrip("\n") == decoded.rstrip("\n") else None


@dataclass(frozen=True, slots=True)
class ImportResult:
    filled: list[Segment]  # the segments as they will be stored
    skipped_existing: int
    unmatched: int
    before: dict[int, str] | None = None  # each filled segment's translation when the import was planned
    notes: tuple[str, ...] = ()  # how the file was read, when the reader should know (encoding, quoting)
    grouped: tuple[tuple[Segment, ...], ...] = ()  # runs of segments joined into one to take a unit
    across_paragraphs: int = 0  # units that are a run of segments over a paragraph break (not joined)


def _key(text: str) -> str:
    """A unit's or a segment's source as the two are matched: without the characters TMX and DOCX cannot carry
    (those files leave them out, so a clause holding one came back as another text) and without white space
    at its ends."""
    return _NOT_XML.sub("", text).strip()


def _bare(text: str) -> str:
    """A text as ``_key`` makes it, without any white space, as units and segments are compared when a unit
    spans segments."""
    return "".join(_key(text).split())


def _is_source_copy(target: str, source: str) -> bool:
    """A "translation" that is its Chinese source again is no translation: our subtitle export keeps an
    untranslated cue's line, and OmegaT's target files and Trados's copy-source-to-target keep the source too.
    Only a Chinese one: a number or a name may rightly be written the same in the translation."""
    from ..text import HANZI_CHARACTER

    bare = _bare(target)
    return bare == _bare(source) and HANZI_CHARACTER.search(bare) is not None


def fill_from_pairs(document: Document, segments: list[Segment], pairs: list[tuple[str, str]],
                    overwrite: bool = False) -> ImportResult:
    """Segments whose source matches a pair get its target; written ones only with ``overwrite``. A pair whose
    source is a run of consecutive segments of one paragraph, white space aside (a sentence unit of OmegaT or
    Trados over a text grouped by clause), joins that run into one segment, as Group by Sentence does for
    that sentence, and fills it. A target that is its own Chinese source is no translation."""
    lookup: dict[str, str] = {}
    copies = 0
    for source, target in pairs:
        if target.strip():
            if _is_source_copy(target, source):
                copies += 1
            else:
                lookup[_key(source)] = target
    sources = [_key(document.span_text(s.start, s.end)) for s in segments]
    exact = lookup.keys() & set(sources)
    # runs first, the longest first: a short sentence unit ("但见：", "不分胜败。") must not take its clauses where
    # they are part of a longer sentence
    runs, across = _runs_of_segments(document, segments, sources,
                                     sorted((key for key in lookup if key not in exact), key=len, reverse=True))
    taken = {row for _key, rows in runs for row in rows}
    runs += [(source, range(row, row + 1)) for row, source in enumerate(sources)
             if source in exact and row not in taken]
    filled: list[Segment] = []
    grouped: list[tuple[Segment, ...]] = []
    skipped = 0
    for key, rows in runs:
        run = [segments[row] for row in rows]
        joined, _removed = join_run(run)
        if joined.target and not overwrite:
            skipped += 1 if joined.target != lookup[key] else 0
            continue
        if len(run) > 1:
            grouped.append(tuple(run))
        filled.append(joined._replace(target=lookup[key], status=max(joined.status, Status.DRAFT)))
    used = {key for key, _rows in runs}
    return ImportResult(filled, skipped, len(set(lookup) - used), {s.id: s.target for s in segments},
                        _copies_note(copies), tuple(grouped), across)


def _copies_note(copies: int) -> tuple[str, ...]:
    if not copies:
        return ()
    return (counted(copies, "{0} unit carries its Chinese source as its translation (not translated yet); its "
                            "segment was left as it was.",
                    "{0} units carry their Chinese source as their translation (not translated yet); their "
                    "segments were left as they were."),)


def _runs_of_segments(document: Document, segments: Sequence[Segment], segment_sources: list[str],
                      sources: list[str]) -> tuple[list[tuple[str, range]], int]:
    """Where each of ``sources`` is a run of consecutive segments (white space aside), each segment in one run
    at most: (source, rows) for every run within one paragraph, and how many sources are found only as runs
    over a paragraph break (what OmegaT's text filter makes by default: it ends paragraphs at empty lines
    only). A run starts at a segment that begins the source, found by looking up each of its beginnings."""
    if not sources:
        return [], 0
    texts = [_bare(source) for source in segment_sources]
    taken: set[int] = set()
    paragraph, paragraphs = -1, []
    for starts in paragraph_starts(document, segments):
        paragraph += starts
        paragraphs.append(paragraph)
    beginning: dict[str, list[int]] = {}
    for row, text in enumerate(texts):
        if text:
            beginning.setdefault(text, []).append(row)
    longest = max(map(len, beginning), default=0)
    runs: list[tuple[str, range]] = []
    across = 0
    for source in sources:
        bare = _bare(source)
        found = over_a_break = False
        for length in range(1, min(longest, len(bare)) + 1):
            for first in beginning.get(bare[:length], ()):
                rows = _run_from(texts, first, bare)
                if rows is None or taken.intersection(rows):
                    continue
                if paragraphs[rows[0]] != paragraphs[rows[-1]]:
                    over_a_break = True
                    continue
                runs.append((source, rows))
                taken.update(rows)
                found = True
        across += over_a_break and not found
    return runs, across


def _run_from(texts: list[str], first: int, bare: str) -> range | None:
    """The rows from ``first`` whose texts, one after another, make ``bare`` exactly; None when they do not."""
    position, row = len(texts[first]), first
    while position < len(bare):
        row += 1
        if row >= len(texts) or not texts[row] or not bare.startswith(texts[row], position):
            return None
        position += len(texts[row])
    return range(first, row + 1)


def fill_from_plain_text(document: Document, segments: list[Segment], translation: str,
                         overwrite: bool = False) -> ImportResult:
    """A translation whose paragraphs match the source's: each paragraph goes on its first segment. Lines are
    paragraphs, an empty line one not translated (as our export writes them); a file without those empty
    lines is taken when its non-empty lines alone match the paragraphs."""
    groups = paragraph_groups(document, segments)
    lines = [line.strip() for line in translation.split("\n")]
    while len(lines) > len(groups) and not lines[-1]:
        lines.pop()  # the final newline, and any an editor added
    written = [line for line in lines if line]
    if len(lines) == len(groups):
        paragraphs = lines
    elif len(written) == len(groups):
        paragraphs = written
    else:
        raise ExchangeError(
            f"The translation has {len(written)} paragraphs and the text has {len(groups)}; they must match "
            "(one line per paragraph, an empty line for one not translated).")
    filled: list[Segment] = []
    translated = [(group, paragraph) for group, paragraph in zip(groups, paragraphs, strict=True) if paragraph]
    kept = [(group, paragraph) for group, paragraph in translated
            if not _is_source_copy(paragraph, _source_of(document, group))]
    skipped = sum(_fill_paragraph(group, paragraph, overwrite, filled) for group, paragraph in kept)
    return ImportResult(filled, skipped, 0, {s.id: s.target for s in segments},
                        _copies_note(len(translated) - len(kept)))


def _source_of(document: Document, group: list[Segment]) -> str:
    return document.span_text(group[0].start, group[-1].end)


def _fill_paragraph(group: list[Segment], target: str, overwrite: bool, filled: list[Segment]) -> bool:
    """A paragraph's translation onto its first segment (the others emptied); True when it was skipped because
    the paragraph holds a translation already and ``overwrite`` is off."""
    if any(s.target for s in group) and not overwrite:
        return True
    first = group[0]
    filled.append(first._replace(target=target, status=max(first.status, Status.DRAFT)))
    filled += [s._replace(target="", status=Status.UNTRANSLATED) for s in group[1:] if s.target]
    return False


class Cues(dict):
    """A translated subtitle file: (start, end) timing -> the cue's text."""


Translation = list[tuple[str, str]] | str | Cues  # pairs, a plain-text translation by paragraph, or subtitles


def fill_from_cues(document: Document, segments: list[Segment], cues: Cues, overwrite: bool = False) -> ImportResult:
    """A translated subtitle file: each cue's text goes on the paragraph with the same timing."""
    if not document.cues:
        raise ExchangeError("Subtitles import only into a text opened from subtitles (the cue timings must match).")
    filled: list[Segment] = []
    skipped, used, copies = 0, set(), 0
    for (_offset, start, end), group in zip(document.cues, paragraph_groups(document, segments), strict=False):
        target = cues.get((start, end), "").strip()
        if target:
            used.add((start, end))
            if _is_source_copy(target, _source_of(document, group)):
                copies += 1
                continue
            skipped += _fill_paragraph(group, target, overwrite, filled)
    return ImportResult(filled, skipped, len(set(cues) - used), {s.id: s.target for s in segments},
                        _copies_note(copies))


def read_translation(file: Path) -> Translation:
    """A translation file read and parsed, before anything is planned or written: its errors come first."""
    data = read_limited(file, ExchangeError)
    return format_of(file, data[:400]).read(data, file)


def _paragraphs(data: bytes, path: Path) -> str:
    """A plain-text translation, a line per paragraph of the source."""
    from ..text.loading import load_bytes

    return load_bytes(data, str(path)).text


def _cues(data: bytes, path: Path) -> Cues:
    """A translated subtitle file's cues by their timing."""
    from ..text.loading import load_bytes

    loaded = load_bytes(data, str(path))
    lines = loaded.text.split("\n")
    return Cues({(start, end): lines[number] for number, (_offset, start, end) in enumerate(loaded.cues)})


#: Every exchange format, one row each, in the File menu's order (see ``Format``).
FORMATS: dict[str, Format] = {row.name: row for row in (
    Format("tmx", "TMX 1.4 (translation memory)", (".tmx",), _tmx, _tmx_pairs, xml=True, content_mark=b"<tmx"),
    Format("tsv", "TSV (segment pairs)", (".tsv", ".tab", ".csv"), _tsv, _tsv_pairs),
    Format("txt", "Plain text (translation only)", (".txt", ".text", ".md"), _plain_text, _paragraphs, pairs=False,
           cannot_carry=(lambda target: _one_line(target) != target,
                         "line breaks, tabs, or spaces at an end or in a row, which plain text (a line per paragraph) "
                         "cannot carry; the file has single spaces in their place")),
    Format("html", "Bilingual HTML (side by side)", (".html", ".htm"), _bilingual_html, _html_pairs),
    Format("docx", "Bilingual Word document (side by side)", (".docx",), _docx, _docx_rows, xml=True,
           cannot_carry=(lambda target: "\r" in target,
                         "a carriage return (CR) that DOCX cannot carry; the file has a line break in its place")),
    Format("srt", "Subtitles with the translation (SRT, same timings)", (".srt",), _subtitles, _cues, pairs=False),
)}


def plan_import(document: Document, segments: list[Segment], file: Path | Translation,
                overwrite: bool = False) -> ImportResult:
    """What importing ``file`` (or a translation already read from it) would fill, without writing anything."""
    translation = read_translation(file) if isinstance(file, Path) else file
    if isinstance(translation, Cues):
        return fill_from_cues(document, segments, translation, overwrite)
    if isinstance(translation, str):
        return fill_from_plain_text(document, segments, translation, overwrite)
    result = fill_from_pairs(document, segments, translation, overwrite)
    return replace(result, notes=getattr(translation, "notes", ()) + result.notes)


def apply_import(library: Library, opened, file: Path | Translation, overwrite: bool = False) -> ImportResult:
    """Fill segments from a translation file and save them (only where nobody changed them since)."""
    result = plan_import(opened.document, opened.segments, file, overwrite)
    write_import(library, opened.id, result)
    opened.segments = library.segments(opened.id)
    return result


def write_import(library: Library, document_id: str, result: ImportResult) -> None:
    """An import planned by ``plan_import``, in one transaction: first the runs of segments it joins (each only
    if its segments are as planned), then the translations (each only where nobody changed it since)."""
    with library.transaction():
        joined = library.join_segments(document_id, result.grouped)
        not_joined = {run[0].id for run in result.grouped} - joined.keys()
        library.fill_segments([s for s in result.filled if s.id not in not_joined], {**(result.before or {}), **joined})


def import_summary(result: ImportResult) -> str:
    """What an import did, for the command line and the window alike."""
    told = counted(len(result.filled), "Filled {0} segment", "Filled {0} segments")
    if result.grouped:
        told += counted(len(result.grouped), " ({0} by grouping its clauses into a sentence)",
                        " ({0} by grouping their clauses into a sentence)")
    told += "."
    if result.skipped_existing:
        told += counted(result.skipped_existing, " Kept {0} already written.", " Kept {0} already written.")
    if result.unmatched:
        told += counted(result.unmatched, " {0} unit matched no segment.", " {0} units matched no segment.")
    if result.across_paragraphs:
        told += counted(result.across_paragraphs, " {0} of them runs over a paragraph break",
                        " {0} of them run over a paragraph break") + \
            (": in OmegaT, set the Text file filter's option “Segment source text into paragraphs on” to "
             "“Line breaks” (Options > File Filters > Text Files > Options).")
    return told

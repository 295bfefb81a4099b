"""Files that are not plain text (EPUB books, subtitles, saved web pages, PDFs), turned into the one decoded text
the rest of the app reads, with what the format knew besides: a title, sections (chapters) and cue timings.

Each kind is recognised by its content, not its name: an EPUB is a zip whose ``mimetype`` says so, a PDF starts
with ``%PDF-``, subtitles start with a cue number and a timing line, a web page with an HTML tag. The text they
become has one paragraph per line (a chapter's heading, a subtitle cue, an article's paragraph) and a blank line
between chapters, so clauses, segments, translations, the deck and review work on them unchanged. The same size
limits hold as for text files, counted on the bytes unpacked too; a damaged file gets one line, not a traceback.

Libraries: srt (subtitles; webvtt-py for WebVTT, pysubs2 for ASS), readability-lxml (the article of a web page: small,
built on lxml which the app has anyway, where trafilatura would bring a dozen packages for crawling we do not
do), pypdf (text layers, pure Python). EPUB is read with zipfile and lxml as its specification lays it out
(container, package document, spine): ebooklib is AGPL-3.0 and this app MIT, so it only writes test books.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache, partial

from ..errors import PasswordNeeded, TextLoadError
from ..files import check_unpacked
from .characters import ends_sentence
from .clauses import line_joint
from .decoding import decode


@dataclass(frozen=True, slots=True)
class Converted:
    """A non-text file as text, and what its format told about it."""

    text: str
    kind: str  # "epub" | "srt" | "html" | "pdf"
    title: str = ""
    sections: tuple[tuple[str, int], ...] = ()  # (heading, offset of its line in ``text``)
    cues: tuple[tuple[int, str, str], ...] = field(default=())  # (offset of the cue's line, start, end) for SRT


_SRT_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->")
_HTML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                         re.IGNORECASE | re.DOTALL)


#: An EPUB's ``mimetype`` member is these bytes and nothing else; no more than this much of it is read.
_EPUB_MIMETYPE = b"application/epub+zip"


#: Every kind of file ``kind_of`` tells and ``text.load`` reads, with the names such files usually have: the
#: Open dialog's filter is made from it (:func:`open_filter`), so a kind added here is offered there.
READABLE_KINDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("text", "Plain text", ("*.txt", "*.text", "*.md")),
    ("epub", "EPUB books", ("*.epub",)),
    ("pdf", "PDF documents", ("*.pdf",)),
    ("srt", "SubRip subtitles", ("*.srt",)),
    ("subtitles", "WebVTT and ASS subtitles", ("*.vtt", "*.ass", "*.ssa")),
    ("html", "Web pages", ("*.html", "*.htm", "*.xhtml")),
)


def open_filter() -> str:
    """A file dialog's filter: every kind read, then each kind alone, then all files (the content decides)."""
    every = " ".join(pattern for _kind, _label, patterns in READABLE_KINDS for pattern in patterns)
    return ";;".join([f"Texts, books, subtitles and web pages ({every})",
                      *(f"{label} ({' '.join(patterns)})" for _kind, label, patterns in READABLE_KINDS),
                      "All files (*)"])


def kind_of(data: bytes, name: str = "the file") -> str:
    """"epub", "pdf", "srt", "html", or "text", from the content. A zip's unpacked size is checked from its
    directory before any member is read (:func:`files.check_unpacked`): a 3 MB zip whose ``mimetype`` inflated to
    3 GB took 4.3 GB here."""
    if data.startswith(b"PK\x03\x04"):
        if b"mimetype" + _EPUB_MIMETYPE in data[:200]:  # stored first, as the specification asks: no unpacking
            return "epub"  # (its other members are checked before any is read: ``_epub``)
        check_unpacked(data, name, TextLoadError)
        if _zip_says_epub(data):
            return "epub"
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if _SRT_START.match(data[:300]):
        return "srt"
    head = data[:200].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"WEBVTT") or head.startswith(b"[Script Info]"):
        return "subtitles"  # WebVTT, or ASS/SSA
    if _HTML_START.match(data[:2000]):
        return "html"
    return "text"


def _zip_says_epub(data: bytes) -> bool:
    """The zip's ``mimetype`` member says EPUB, read no further than the few bytes that can say it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("mimetype") as member:
            return member.read(len(_EPUB_MIMETYPE) + 8).strip() == _EPUB_MIMETYPE
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False


def convert(data: bytes, name: str, kind: str, password: str | None = None) -> Converted:
    """The file as text; ``password`` opens a PDF protected by one (other kinds have none)."""
    converters: dict[str, Callable[[bytes, str], Converted]] = {
        "epub": _epub, "pdf": partial(_pdf, password=password), "srt": _srt, "subtitles": _other_subtitles,
        "html": _html}
    try:
        converted = converters[kind](data, name)
    except TextLoadError:
        raise
    except Exception as error:  # noqa: BLE001 - each library raises its own errors on a damaged file
        label = {"epub": "EPUB book", "pdf": "PDF", "srt": "subtitle file", "subtitles": "subtitle file",
                 "html": "web page"}[kind]
        raise TextLoadError(f"{name} is a damaged {label} and cannot be read ({type(error).__name__}: "
                            f"{str(error)[:160]}).") from None
    if not converted.text.strip():
        raise TextLoadError(f"{name} holds no text to show.")
    return converted


# --- HTML (EPUB chapters and web pages) ----------------------------------------------------------------------

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dd", "dt",
           "section", "article", "header", "footer", "figcaption", "tr", "br", "hr", "table", "ul", "ol"}
_HEADINGS = {"h1", "h2", "h3"}
_DROPPED = {"script", "style", "rt", "rp", "head", "noscript", "svg", "math", "template", "nav", "img"}


def _paragraphs(root) -> list[tuple[str, bool]]:
    """(text, is heading) of every block of an HTML tree, in order; ruby annotations (<rt>) and code left out."""
    return _paragraphs_and_anchors(root, frozenset())[0]


def _paragraphs_and_anchors(root, wanted: frozenset[str]) -> tuple[list[tuple[str, bool]], dict[str, int]]:
    """The tree's paragraphs (as :func:`_paragraphs`), and for each ``wanted`` id (or ``<a name>``) the number of
    the paragraph it stands in or just before: where a table of contents entry ``file#id`` lands."""
    out: list[tuple[str, bool]] = []
    anchors: dict[str, int] = {}
    pending: list[str] = []
    heading = [False]

    def flush() -> None:
        text = _collapsed("".join(pending))
        pending.clear()
        if text:
            out.append((text, heading[0]))
        heading[0] = False

    from lxml import etree

    dropped: set = set()
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walker:  # not recursive: a page may nest its elements thousands deep
        if event in ("comment", "pi"):  # not text; what follows one is
            if element.tail:
                pending.append(element.tail)
            continue
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.rsplit("}", 1)[-1].lower()
        block = tag in _BLOCKS
        if event == "end":
            if block and element not in dropped:
                flush()
            if element.tail:
                pending.append(element.tail)
            continue
        if block:
            flush()
        if wanted:
            for name in (element.get("id"), element.get("name")):
                if name in wanted:
                    anchors.setdefault(name, len(out))
        if tag in _DROPPED:
            dropped.add(element)
            walker.skip_subtree()
            continue
        if block:
            heading[0] = tag in _HEADINGS
        if element.text:
            pending.append(element.text)
    flush()
    return out, anchors


def _collapsed(html_text: str) -> str:
    """An HTML block's text with its white space collapsed, as a browser shows it: a run of spaces is one space,
    and a line break in the source between hanzi is no space at all (我的<newline>心 is 我的心), as where the lines of
    a PDF or a subtitle cue join."""
    def space(match: re.Match) -> str:
        if "\n" not in match.group() or not match.start() or match.end() == len(html_text):
            return " "
        return line_joint(html_text[match.start() - 1], html_text[match.end()])

    return re.sub(r"\s+", space, html_text).strip()


#: How deep libxml2 nests elements with its limit lifted (``huge_tree``; 256 without): past it, it stops reading.
_HTML_DEPTH_LIMIT = 2048


def _html_parser():
    """lxml's HTML parser with libxml2's depth limit lifted: at its default of 256, a page nested 300 deep opened
    without its paragraphs, and silently. A new one each time: a parser is not shared between threads."""
    import lxml.html

    return lxml.html.HTMLParser(huge_tree=True)


def _html_tree(data: bytes | str, name: str = "the page", whole: bool = False):
    """The HTML parsed (``whole``: as a document, else as lxml.html.fromstring reads a fragment or a document);
    one line when libxml2 stopped reading at its depth limit, rather than the text past it lost unsaid."""
    import lxml.html

    parser = _html_parser()
    data = data or b"<html></html>"  # lxml refuses an empty document
    tree = lxml.html.document_fromstring(data, parser=parser) if whole else lxml.html.fromstring(data, parser=parser)
    if any("Excessive depth" in error.message for error in parser.error_log):
        raise TextLoadError(f"{name} nests its elements more than {_HTML_DEPTH_LIMIT:,} deep; studyapp cannot "
                            "read a page nested so deep.")
    return tree


def _summary(page) -> str:
    """readability's article, or our own line when our parsing refused the page (readability wraps it)."""
    from readability.readability import Unparseable

    try:
        return page.summary(html_partial=True)
    except Unparseable as failure:
        if isinstance(failure.__context__, TextLoadError):
            raise failure.__context__ from None
        raise


def _readable(decoded: str, name: str):
    """readability's Document over a tree parsed by :func:`_html_tree` (its own parser keeps libxml2's depth
    limit). It parses again on its second, gentler pass: each parse starts from the page's text."""
    from readability import Document

    class Readable(Document):
        def _parse(self, page):  # readability's hook for its parsing (it takes a parsed tree as it is)
            return super()._parse(_html_tree(page, name, whole=True))

    return Readable(decoded)


def _assemble(chapters: list[list[tuple[str, bool]]]) -> tuple[str, tuple[tuple[str, int], ...]]:
    """Chapters' paragraphs as text (:func:`_lay_out`); each chapter is a section, named by its first heading
    (else its first line) and starting at that line."""
    body, starts = _lay_out(chapters)
    return body, _heading_sections(chapters, starts)


def _lay_out(chapters: list[list[tuple[str, bool]]]) -> tuple[str, list[list[int]]]:
    """Chapters' paragraphs as text, one per line, a blank line between chapters; and the offset of each
    chapter's every line."""
    lines: list[str] = []
    starts: list[list[int]] = []
    offset = 0
    for chapter in chapters:
        starts.append([])
        if not chapter:
            continue
        if lines:
            lines.append("")
            offset += 1
        for text, _heading in chapter:
            starts[-1].append(offset)
            lines.append(text)
            offset += len(text) + 1
    return "\n".join(lines) + "\n", starts


def _heading_sections(chapters: list[list[tuple[str, bool]]], starts: list[list[int]]) -> tuple[tuple[str, int], ...]:
    """A section per chapter, at its first heading (else its first line), named by it."""
    sections = []
    for chapter, offsets in zip(chapters, starts, strict=True):
        if chapter:
            first = next((number for number, (_text, heading) in enumerate(chapter) if heading), 0)
            sections.append((chapter[first][0][:80], offsets[first]))
    return tuple(sections)


def _html(data: bytes, name: str) -> Converted:
    decoded = decode(data, name).text
    page = _readable(decoded, name)
    article = _html_tree(_summary(page), name)
    _drop_page_furniture(article)
    paragraphs = _paragraphs(article)
    short_title = (page.short_title() or "").strip()
    title = _article_heading(paragraphs, page.title() if short_title else "")
    if not title:
        title = short_title
        if title and (not paragraphs or paragraphs[0][0] != title):
            paragraphs.insert(0, (title, True))
    body, sections = _assemble([paragraphs])
    return Converted(body, "html", title, sections)


def _article_heading(paragraphs: list[tuple[str, bool]], page_title: str) -> str:
    """The article's first heading when the page's ``<title>`` holds it (``故乡重访：绍兴的鲁迅足迹_文化_某某新闻网``
    for the heading 故乡重访：绍兴的鲁迅足迹): it is the title, and the page's title would only repeat it with
    the site's name; "" when the article has no such heading."""
    heading = next((text for text, is_heading in paragraphs if is_heading), "")
    compact = "".join(heading.split())
    return heading if compact and compact in "".join(page_title.split()) else ""


#: What a page's own markup names as its frame rather than its article: navigation, footers, copyright and
#: sharing bars. Readability scores containers; a footer or a row of links inside the container it picks stays.
_FURNITURE_TAGS = {"nav", "footer", "aside", "form", "button"}
_FURNITURE_ROLES = {"navigation", "contentinfo", "banner", "complementary", "search"}
_FURNITURE_NAMES = re.compile(r"(?:^|[-_\s])(?:foot(?:er)?|copyright|breadcrumbs?|crumbs?|nav(?:bar)?|menu|"
                              r"share|sharing|social|related|recommend|comments?)(?:$|[-_\s])", re.IGNORECASE)
#: A copyright or licence line (a site's footer), and China's ICP record number every site there shows.
_COPYRIGHT_LINE = re.compile(r"©|版权所有|copyright|all rights reserved|ICP备|ICP证|公网安备", re.IGNORECASE)


def _drop_page_furniture(article) -> None:
    """Take out of the article what frames it on the page: navigation, footers and the like (by tag, ARIA role
    or class/id name), and blocks of the article's last level that are rows of links (a menu: mostly link text)
    or short copyright lines."""
    for element in list(article.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        names = f"{element.get('class', '')} {element.get('id', '')}"
        if (element.tag in _FURNITURE_TAGS or element.get("role") in _FURNITURE_ROLES
                or _FURNITURE_NAMES.search(names)
                or (_is_innermost_block(element) and (_is_link_row(element) or _is_copyright_line(element)))):
            element.drop_tree()  # keeps the element's tail text


def _is_innermost_block(element) -> bool:
    return element.tag in _BLOCKS and not any(inner.tag in _BLOCKS and inner.tag not in ("br", "hr")
                                              for inner in element.iterdescendants())


def _is_link_row(element) -> bool:
    shown = "".join(element.text_content().split())
    linked = "".join("".join(link.text_content().split()) for link in element.iter("a"))
    return bool(shown) and len(linked) >= 0.5 * len(shown) and len(shown) < 200


def _is_copyright_line(element) -> bool:
    shown = element.text_content().strip()
    return len(shown) < 120 and _COPYRIGHT_LINE.search(shown) is not None


# --- EPUB ------------------------------------------------------------------------------------------------------

_FONT_OBFUSCATION = (b"http://www.idpf.org/2008/embedding", b"http://ns.adobe.com/pdf/enc#RC")


_CONTAINER_NS = {"c": "urn:oasis:names:tc:opendocument:xmlns:container"}
_OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
_OPS_TYPE = "{http://www.idpf.org/2007/ops}type"


@dataclass(frozen=True, slots=True)
class _TocEntry:
    """One entry of a book's own table of contents: its label and where it points (a file in the zip, and an id
    in it or "")."""

    label: str
    path: str
    anchor: str


def _epub(data: bytes, name: str) -> Converted:
    """An EPUB 2 or 3 read as its specification lays it out: META-INF/container.xml names the package document,
    whose metadata gives title and authors, and whose spine lists the chapters in reading order (the EPUB 3
    navigation document and non-linear items such as notes pages left out). The sections are the book's own
    table of contents (the EPUB 3 navigation document, else the NCX), each at the paragraph its entry points to;
    a book without one gets a section per chapter file."""
    from lxml import etree

    check_unpacked(data, name, TextLoadError)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "META-INF/encryption.xml" in names:
            methods = re.findall(rb'Algorithm="([^"]+)"', archive.read("META-INF/encryption.xml"))
            if any(method not in _FONT_OBFUSCATION for method in methods):
                raise TextLoadError(f"{name} is protected by DRM; studyapp can only open books without it.")
        container = etree.fromstring(archive.read("META-INF/container.xml"), parser)
        package_path = container.find(".//c:rootfile", _CONTAINER_NS).get("full-path")
        package = etree.fromstring(archive.read(package_path), parser)
        folder = package_path.rsplit("/", 1)[0] + "/" if "/" in package_path else ""
        title = " ".join((node.text or "").strip() for node in package.findall(".//dc:title", _OPF_NS)).strip()
        authors = "、".join((node.text or "").strip() for node in package.findall(".//dc:creator", _OPF_NS)
                           if (node.text or "").strip())
        manifest = {item.get("id"): item for item in package.findall(".//opf:manifest/opf:item", _OPF_NS)}
        contents = _table_of_contents(archive, package, manifest, folder, parser)
        wanted: dict[str, set[str]] = {}
        for entry in contents:
            wanted.setdefault(entry.path, set()).add(entry.anchor)
        paths, chapters, anchors = [], [], []
        for reference in package.findall(".//opf:spine/opf:itemref", _OPF_NS):
            item = manifest.get(reference.get("idref"))
            if item is None or reference.get("linear") == "no" or "nav" in (item.get("properties") or "").split():
                continue
            if item.get("media-type") not in ("application/xhtml+xml", "text/html"):
                continue
            path = _joined_path(folder, item.get("href", ""))
            if path not in names:
                continue
            content = archive.read(path)
            if content.strip():
                paragraphs, found = _paragraphs_and_anchors(_html_tree(content, f"{name} ({path})"),
                                                            frozenset(wanted.get(path, ())) - {""})
                paths.append(path)
                chapters.append(paragraphs)
                anchors.append(found)
    body, starts = _lay_out(chapters)
    sections = _toc_sections(contents, paths, starts, anchors) or _heading_sections(chapters, starts)
    shown = f"{title} {authors}".strip() if authors and authors not in title else title
    return Converted(body, "epub", shown, sections)


def _toc_sections(contents: list[_TocEntry], paths: list[str], starts: list[list[int]],
                  anchors: list[dict[str, int]]) -> tuple[tuple[str, int], ...]:
    """The table of contents' entries that point into the text, each at its anchor's paragraph (an anchor not
    found: the file's first line)."""
    chapter_of = {path: number for number, path in enumerate(paths)}
    sections = []
    for entry in contents:
        chapter = chapter_of.get(entry.path)
        if chapter is None or not starts[chapter] or not entry.label:
            continue
        line = min(anchors[chapter].get(entry.anchor, 0), len(starts[chapter]) - 1)
        sections.append((entry.label[:80], starts[chapter][line]))
    return tuple(sections)


def _table_of_contents(archive: zipfile.ZipFile, package, manifest: dict, folder: str, parser) -> list[_TocEntry]:
    """The book's own table of contents, in its order and all levels: the EPUB 3 navigation document's toc,
    else the EPUB 2 NCX (which EPUB 3 books often carry too); empty when the book has neither."""
    from lxml import etree

    items = list(manifest.values())
    navigation = [item for item in items if "nav" in (item.get("properties") or "").split()]
    spine = package.find(".//opf:spine", _OPF_NS)
    ncx = [manifest[spine.get("toc")]] if spine is not None and spine.get("toc") in manifest else []
    ncx += [item for item in items if item.get("media-type") == "application/x-dtbncx+xml"]
    for item, read in [(item, _nav_entries) for item in navigation] + [(item, _ncx_entries) for item in ncx]:
        path = _joined_path(folder, item.get("href", ""))
        try:
            tree = etree.fromstring(archive.read(path), parser)
        except (KeyError, etree.XMLSyntaxError):
            continue
        if tree is None:
            continue
        base = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        entries = [_TocEntry(_collapsed(label), _joined_path(base, href), _anchor(href))
                   for label, href in read(tree) if href]
        if entries:
            return entries
    return []


def _nav_entries(tree) -> list[tuple[str, str]]:
    """(label, href) of the links of an EPUB 3 navigation document's ``<nav epub:type="toc">``."""
    for nav in tree.iter("{*}nav"):
        if "toc" in (nav.get(_OPS_TYPE) or nav.get("epub:type") or "").split():
            return [("".join(link.itertext()), link.get("href", "")) for link in nav.iter("{*}a")]
    return []


def _ncx_entries(tree) -> list[tuple[str, str]]:
    """(label, src) of an NCX's navigation points, in document order (a part before its chapters)."""
    entries = []
    for point in tree.iter("{*}navPoint"):
        label, content = point.find("{*}navLabel/{*}text"), point.find("{*}content")
        entries.append(("".join(label.itertext()) if label is not None else "",
                        content.get("src", "") if content is not None else ""))
    return entries


def _anchor(href: str) -> str:
    """The id an href points at (``c1.xhtml#ch2`` → ``ch2``), or ""."""
    from urllib.parse import unquote

    return unquote(href.split("#", 1)[1]) if "#" in href else ""


def _joined_path(folder: str, href: str) -> str:
    """A manifest href (relative to the package document, percent-encoded) as a path inside the zip."""
    from posixpath import normpath
    from urllib.parse import unquote

    return normpath(folder + unquote(href.split("#", 1)[0])).lstrip("/")


# --- subtitles -------------------------------------------------------------------------------------------------

_SUBTITLE_TAGS = re.compile(r"<[^>]+>|\{\\[^}]*\}")


def _srt(data: bytes, name: str) -> Converted:
    import srt

    decoded = decode(data, name).text
    try:
        subtitles = list(srt.parse(decoded, ignore_errors=False))
    except srt.SRTParseError as error:
        raise TextLoadError(f"{name} is a subtitle file with broken cues or timings ({str(error)[:120]}).") from None
    return _cue_text([(srt.timedelta_to_srt_timestamp(s.start), srt.timedelta_to_srt_timestamp(s.end), s.content)
                      for s in subtitles], "srt")


def _other_subtitles(data: bytes, name: str) -> Converted:
    """WebVTT (webvtt-py) and ASS/SSA (pysubs2), kept as SRT timings: they export back as SRT."""
    decoded = decode(data, name).text
    if decoded.lstrip("\ufeff").lstrip().startswith("WEBVTT"):
        return _webvtt(decoded, name)
    return _ass(decoded, name)


def _webvtt(decoded: str, name: str) -> Converted:
    """WebVTT read by a reader that knows its blocks: a cue's identifier line (``intro-2``) is not text of the cue
    before it, as pysubs2 took it, and NOTE, STYLE and REGION blocks are not cues."""
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    try:
        captions = webvtt.from_string(decoded, strict=True).captions
    except (MalformedCaptionError, MalformedFileError, ValueError) as error:
        raise TextLoadError(f"{name} is a subtitle file with broken cues or timings ({str(error)[:120]}).") from None
    return _cue_text([(caption.start.replace(".", ","), caption.end.replace(".", ","), caption.raw_text)
                      for caption in captions], "srt")


def _ass(decoded: str, name: str) -> Converted:
    import pysubs2
    import srt

    try:
        events = [event for event in pysubs2.SSAFile.from_string(decoded, format_="ass").events
                  if not event.is_comment]
    except (pysubs2.Pysubs2Error, ValueError) as error:
        raise TextLoadError(f"{name} is a subtitle file with broken cues or timings ({str(error)[:120]}).") from None

    def stamp(milliseconds: int) -> str:
        return srt.timedelta_to_srt_timestamp(timedelta(milliseconds=milliseconds))

    return _cue_text([(stamp(event.start), stamp(event.end), event.plaintext) for event in events], "srt")


def _cue_text(subtitles: list[tuple[str, str, str]], kind: str) -> Converted:
    """A paragraph per cue (tags and empty cues dropped, character references read: &amp; is &), each cue's
    timing kept by its line's offset."""
    import html

    lines, cues, offset = [], [], 0
    for start, end, content in subtitles:
        shown = html.unescape(_SUBTITLE_TAGS.sub("", content))
        parts = [part.strip() for part in shown.split("\n") if part.strip()]
        if not parts:
            continue
        line = parts[0]
        for part in parts[1:]:  # a cue's lines are one utterance
            line += line_joint(line[-1], part[0]) + part
        cues.append((offset, start, end))
        lines.append(line)
        offset += len(line) + 1
    return Converted("\n".join(lines) + "\n", kind, "", (), tuple(cues))


def srt_with(cues: tuple[tuple[int, str, str], ...], texts: list[str]) -> bytes:
    """Subtitles again: each cue's timing with the given text (its translation)."""
    import srt

    subtitles = []
    for number, ((_offset, start, end), content) in enumerate(zip(cues, texts, strict=True), start=1):
        subtitles.append(srt.Subtitle(number, srt.srt_timestamp_to_timedelta(start),
                                      srt.srt_timestamp_to_timedelta(end), content))
    return srt.compose(subtitles, reindex=False).encode("utf-8")


# --- PDF -------------------------------------------------------------------------------------------------------

#: Besides a sentence end (``text.ends_sentence``), the colon before a quotation or a list ends a PDF's paragraph.
_COLONS = ("：", ":")

#: CJK Radicals Supplement code points (U+2E80–U+2EFF) and the unified ideograph each stands for, in pairs: ⻓
#: is 长. Fonts that draw a radical and the ideograph with one glyph let a PDF's text layer name the radical, so
#: a page read 然⽽ and ⻓江. From Unicode's EquivalentUnifiedIdeograph.txt (Unicode 15.0.0, "© 2022 Unicode,
#: Inc.", Unicode License v3, https://www.unicode.org/license.txt), the supplement's lines; ⺀ has none. The
#: Kangxi Radicals block (U+2F00–U+2FDF, ⽽ for 而) is the same file's other part and what NFKC gives, so it
#: comes from ``unicodedata``. One code point for one: the offsets the reader shows are those of the text kept.
_SUPPLEMENT_RADICALS = (
    "⺁厂⺂乛⺃乚⺄乙⺅亻⺆冂⺇𠘨⺈刀⺉刂⺊卜⺋㔾⺌小⺍小⺎兀⺏尣⺐尢⺑𡯂⺒巳⺓幺⺔彑⺕\U0002b739⺖忄⺗心⺘扌⺙攵⺛旡⺜日⺝月⺞歺⺟母"
    "⺠民⺡氵⺢氺⺣灬⺤爫⺥爫⺦丬⺧牛⺨犭⺩王⺪𤴔⺫目⺬示⺭礻⺮𥫗⺯糹⺰纟⺱罓⺲罒⺳㓁⺴冗⺵𦉫⺶羊⺷𦍌⺸𦍋⺹耂⺺肀⺻聿⺼肉⺽𦥑"
    "⺾艹⺿艹⻀艹⻁虎⻂衤⻃覀⻄西⻅见⻆角⻇𧢲⻈讠⻉贝⻊𧾷⻋车⻌辶⻍辶⻎辶⻏邑⻐钅⻑長⻒镸⻓长⻔门⻕𨸏⻖阝⻗雨⻘青⻙韦⻚页⻛风"
    "⻜飞⻝食⻞𩙿⻟飠⻠饣⻡𩠐⻢马⻣骨⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻫斉⻬齐⻭歯⻮齿⻯竜⻰龙⻱龜⻲亀⻳龟")


@lru_cache(maxsize=1)
def _radical_table() -> dict[int, str]:
    table = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0x2F00, 0x2FE0)}
    table = {code: ideograph for code, ideograph in table.items() if ideograph != chr(code)}
    pairs = iter(_SUPPLEMENT_RADICALS)
    table.update((ord(radical), ideograph) for radical, ideograph in zip(pairs, pairs, strict=True))
    return table


def as_ideographs(page: str) -> str:
    """A PDF's text with radical code points read as the ideographs they were drawn for (⽽ as 而, ⻓ as 长)."""
    return page.translate(_radical_table())


def _unlocked(reader, name: str, password: str | None) -> None:
    """Decrypt an encrypted PDF: with the empty user password first (an owner-restricted file, which every reader
    opens without asking), else with ``password``; one line when none is given or it is wrong."""
    if not reader.is_encrypted or reader.decrypt(""):
        return
    if password is None:
        raise PasswordNeeded(f"{name} is a PDF protected by a password; give the password to open it "
                             "(on the command line: --password).")
    if not reader.decrypt(password):
        raise PasswordNeeded(f"{name}: the password given is not this PDF's password.", wrong=True)


def _pdf(data: bytes, name: str, password: str | None = None) -> Converted:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    _unlocked(reader, name, password)
    if len(reader.pages) > 5000:
        raise TextLoadError(f"{name} has {len(reader.pages):,} pages; studyapp opens PDFs of up to 5,000.")
    pages = [[line.strip() for line in as_ideographs(page.extract_text() or "").splitlines() if line.strip()]
             for page in reader.pages]
    if not any(pages):
        raise TextLoadError(f"{name} has no text layer (it is likely scanned images); studyapp does not "
                            "recognise text in images.")
    pages = _without_running_heads(pages)
    lines = [line for page in pages for line in page]
    widths = sorted(len(line) for line in lines)
    full = widths[int(len(widths) * 0.8)] if widths else 0
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        current += line_joint(current[-1], line[0]) + line if current else line
        # a line well short of the page's width, or one that ends a sentence short of it, ends a paragraph
        if len(line) < full * 0.8 or ((ends_sentence(line) or line.endswith(_COLONS)) and len(line) < full):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    title = ""
    metadata = reader.metadata
    if metadata is not None and metadata.title:
        title = str(metadata.title).strip()
    return Converted("\n".join(paragraphs) + "\n", "pdf", title)


def _without_running_heads(pages: list[list[str]]) -> list[list[str]]:
    """Drop the first and last lines that repeat on most pages (a running head, a page number)."""
    if len(pages) < 3:
        return pages

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line)

    counted: dict[str, int] = {}
    for page in pages:
        for line in {key(line) for line in page[:2] + page[-2:]}:
            counted[line] = counted.get(line, 0) + 1
    running = {line for line, count in counted.items() if count >= len(pages) * 0.6}
    cleaned = []
    for page in pages:
        page = list(page)
        while page and key(page[0]) in running:
            page.pop(0)
        while page and key(page[-1]) in running:
            page.pop()
        cleaned.append(page)
    return cleaned

"""Segments, translation memory and exchange formats, as a translator relies on them."""

import io
import shutil
import subprocess
import sys
import time

import pytest
from lxml import etree

from studyapp import document as documents
from studyapp import text
from studyapp.cli import main
from studyapp.library import Library
from studyapp.text import loading
from studyapp.translation import exchange, segments
from studyapp.translation import memory as memories
from studyapp.translation.exchange import export_text, fill_from_pairs, read_pairs
from studyapp.translation.memory import TranslationMemory
from studyapp.translation.segments import Segment, Status, merge, split

from ...conftest import DEFAULT_TEXT, REPO

DONE = Status.DONE

DTD = REPO / "tests" / "data" / "tmx14.dtd"


@pytest.fixture
def opened(tmp_path):
    library = Library.open(tmp_path / "library.sqlite")
    document = documents.open_in_library(library, DEFAULT_TEXT)
    yield library, document
    library.close()


def translate_first(library, opened, count):
    for number, segment in enumerate(opened.segments[:count]):
        library.save_translation(segment.id, f"Translation {number} “quoted” & <b>")
    opened.segments = library.segments(opened.id)


def test_merge_then_split_keeps_every_translated_character(opened):
    library, doc = opened
    translate_first(library, doc, 3)
    before = "".join(s.target for s in doc.segments).replace(" ", "")
    ids = [s.id for s in doc.segments]
    keep, removed = merge(doc.segments, 0)
    library.replace_segments(doc.id, keep, removed)
    keep, removed = merge(library.segments(doc.id), 0)
    library.replace_segments(doc.id, keep, removed)
    merged = library.segments(doc.id)
    assert merged[0].id == ids[0] and merged[1].id == ids[3]
    assert doc.document.text[merged[0].start:merged[0].end].count("，") == 3
    assert merged[0].target == "Translation 0 “quoted” & <b> Translation 1 “quoted” & <b> Translation 2 “quoted” & <b>"
    parts = split(doc.document, merged[0])
    library.replace_segments(doc.id, parts, [])
    after = library.segments(doc.id)
    assert after[0].id == ids[0] and after[0].target == merged[0].target
    assert len(after) == len(ids)
    assert "".join(s.target for s in after).replace(" ", "") == before


def test_sentence_mode_round_trip(opened):
    library, doc = opened
    translate_first(library, doc, 7)
    keep, removed = segments.regroup_by_sentence(doc.document, doc.segments)
    library.replace_segments(doc.id, keep, removed)
    sentences = library.segments(doc.id)
    first = doc.document.text[sentences[0].start:sentences[0].end]
    assert first.endswith("。") and first.count("，") == 5
    assert len(sentences) < len(doc.segments)
    library.replace_segments(doc.id, segments.regroup_by_clause(doc.document, sentences), [])
    clauses = library.segments(doc.id)
    assert [(s.start, s.end) for s in clauses] == [(s.start, s.end) for s in doc.segments]
    assert sum(len(s.target) for s in clauses) >= sum(len(s.target) for s in doc.segments)


def test_fuzzy_match_finds_a_similar_segment_from_any_document():
    memory = TranslationMemory([(1, "中俄双方重申，", "China and Russia reaffirm,"), (2, "今天天气很好。", "Nice day.")])
    found = memory.matches("中俄两国重申，")
    assert found and found[0].target == "China and Russia reaffirm," and 60 <= found[0].similarity < 100
    assert memory.matches("完全无关的句子") == []


def test_the_memory_holds_one_entry_per_segment_replaced_as_it_changes():
    source = "在此基础上，双方同意加强合作。"
    memory = TranslationMemory([(7, source, "On the ")])
    memory.learn(7, source, "On the basis of ")
    memory.learn(7, source, "On this basis, both sides agree to strengthen cooperation.")
    memory.learn(8, "今天天气很好。", "Nice day.")
    assert [m.target for m in memory.matches(source)] == ["On this basis, both sides agree to strengthen cooperation."]
    memory.learn(7, source, "")  # the translation cleared: nothing left to offer
    assert memory.matches(source) == [] and memory.matches("今天天气很好。")[0].target == "Nice day."


def test_glossary_hints_from_translated_segments():
    memory = TranslationMemory([(1, "双方重申支持多边主义，", "Both sides reaffirm support for multilateralism,")])
    hints = memories.glossary_hints(["双方", "多边主义", "的"], memory)
    assert [word for word, _ in hints] == ["双方", "多边主义"]


@pytest.mark.parametrize("fmt", ["tmx", "tsv", "html", "docx"])
def test_each_export_reimports_to_the_same_pairs(opened, tmp_path, fmt):
    library, doc = opened
    translate_first(library, doc, 5)
    data = export_text(doc.document, doc.segments, fmt, "en")
    out = tmp_path / f"out.{fmt}"
    out.write_bytes(data)
    exported = [(source, target) for source, target in exchange.pairs_of(doc.document, doc.segments) if target]
    reread = [(s, t) for s, t in read_pairs(out) if t]
    assert reread == exported
    cleared = [Segment(s.id, s.start, s.end, "", 0) for s in doc.segments]
    result = fill_from_pairs(doc.document, cleared, read_pairs(out))
    assert [(s.id, s.target) for s in result.filled] == [(s.id, s.target) for s in doc.segments if s.target]


@pytest.mark.parametrize("fmt", ["tmx", "docx"])
def test_an_exports_xml_tree_is_freed_in_the_export_not_left_to_a_collection(opened, fmt, tmp_path):
    """python-docx's package and translate-toolkit's store are reference cycles: the novel's whole XML tree was
    left for a later collection to free, in one call holding the GIL, on the GUI thread as often as not (100-570 ms
    stalls in the reader after an export). Reading the file back (an import) lets go of its tree too."""
    import gc

    library, doc = opened
    translate_first(library, doc, 5)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        out = tmp_path / f"out.{fmt}"
        out.write_bytes(export_text(doc.document, doc.segments, fmt, "en"))
        assert read_pairs(out)
        gc.collect()
        trees = [thing for thing in gc.garbage if isinstance(thing, etree._Element)]
        left = sum(1 for tree in trees for element in tree.iter("{*}tu", "{*}tr"))
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == 0


def test_tmx_is_valid_against_the_tmx_14_dtd(opened):
    library, doc = opened
    translate_first(library, doc, 4)
    data = export_text(doc.document, doc.segments, "tmx", "en")
    parsed = etree.fromstring(data)
    dtd = etree.DTD(str(DTD))
    assert dtd.validate(parsed), dtd.error_log.filter_from_errors()
    assert parsed.find("header").get("srclang") == "zh-CN"
    langs = {tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in parsed.iter("tuv")}
    assert langs == {"zh-CN", "en"}


def test_plain_text_export_keeps_paragraphs_and_reimports(opened, tmp_path):
    library, doc = opened
    for segment in doc.segments:
        library.save_translation(segment.id, "w")
    doc.segments = library.segments(doc.id)
    plain = export_text(doc.document, doc.segments, "txt").decode()
    assert len(plain.strip().split("\n")) == len(doc.document.paragraphs)
    file = tmp_path / "translation.txt"
    file.write_text(plain.replace("w", "v"), encoding="utf-8")
    result = exchange.apply_import(library, doc, file)
    assert not result.filled and result.skipped_existing == len(doc.document.paragraphs)
    result = exchange.apply_import(library, doc, file, overwrite=True)
    assert len(result.filled) >= len(doc.document.paragraphs)
    assert library.segments(doc.id)[0].target.startswith("v")


def test_html_export_is_side_by_side(opened):
    library, doc = opened
    translate_first(library, doc, 1)
    page = export_text(doc.document, doc.segments, "html", "en", "Statement").decode()
    assert page.count("<tr") == len(doc.segments)
    assert "Translation 0 “quoted” &amp; &lt;b&gt;" in page and "中俄双方" in page


def test_import_never_overwrites_without_being_told(opened, tmp_path):
    library, doc = opened
    library.save_translation(doc.segments[0].id, "Mine", DONE)
    doc.segments = library.segments(doc.id)
    source = doc.document.text[doc.segments[0].start:doc.segments[0].end]
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text(f"source\ttarget\n{source}\tTheirs\n", encoding="utf-8")
    result = exchange.apply_import(library, doc, tsv)
    assert result.skipped_existing == 1
    assert library.segments(doc.id)[0].target == "Mine"


def test_command_line_export_and_import_use_one_library(tmp_path, capsys):
    library_path = tmp_path / "lib.sqlite"
    tsv = tmp_path / "in.tsv"
    statement = text.split(loading.load(DEFAULT_TEXT))
    first = statement.clause_text(0)
    tsv.write_text(f"{first}\tIn the spirit of partnership,\n", encoding="utf-8")
    assert main(["import", str(DEFAULT_TEXT), str(tsv), "--library", str(library_path)]) == 0
    out = tmp_path / "out.tmx"
    assert main(["export", str(DEFAULT_TEXT), "--format", "tmx", "--out", str(out), "--lang", "en-GB",
                 "--library", str(library_path)]) == 0
    assert "In the spirit of partnership," in out.read_text(encoding="utf-8")
    assert 'xml:lang="en-GB"' in out.read_text(encoding="utf-8")
    completed = subprocess.run([sys.executable, "-m", "studyapp", "export", str(DEFAULT_TEXT), "--format", "txt",
                                "--out", str(tmp_path / "t.txt")], capture_output=True, text=True, timeout=60,
                               env={**__import__("os").environ, "STUDYAPP_LIBRARY": str(library_path)})
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "t.txt").read_text(encoding="utf-8").startswith("In the spirit of partnership,")


def test_command_line_refuses_a_corrupt_library_with_one_line(tmp_path):
    library_path = tmp_path / "lib.sqlite"
    library_path.write_bytes(b"garbage" * 50)
    completed = subprocess.run([sys.executable, "-m", "studyapp", "export", str(DEFAULT_TEXT), "--format", "tsv",
                                "--out", str(tmp_path / "x.tsv"), "--library", str(library_path)],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 2
    assert "damaged" in completed.stderr and len(completed.stderr.strip().splitlines()) == 1
    assert library_path.read_bytes() == b"garbage" * 50


def test_differences_mark_what_changed_in_the_earlier_source():
    runs = memories.differences("中俄两国重申，", "中俄双方重申，")
    assert "".join(run for run, _ in runs) == "中俄双方重申，"
    assert [run for run, changed in runs if changed] == ["双方"]


def test_a_partly_translated_txt_export_imports_back_in_place(opened, tmp_path):
    """Failed before: "The translation has 1 paragraphs and the text has 19"."""
    library, doc = opened
    groups = exchange.paragraph_groups(doc.document, doc.segments)
    library.save_translation(groups[2][0].id, "Third paragraph")
    doc.segments = library.segments(doc.id)
    out = tmp_path / "translation.txt"
    out.write_bytes(export_text(doc.document, doc.segments, "txt"))
    assert out.read_text(encoding="utf-8").split("\n")[:4] == ["", "", "Third paragraph", ""]
    library.save_translation(groups[2][0].id, "")
    doc.segments = library.segments(doc.id)
    result = exchange.apply_import(library, doc, out)
    assert [s.id for s in result.filled] == [groups[2][0].id]
    assert library.segments(doc.id)[doc.segments.ids.index(groups[2][0].id)].target == "Third paragraph"


def test_the_docx_is_written_row_by_row_never_as_one_tree(opened, tmp_path, monkeypatch):
    """One ``tostring`` of the novel's whole document held the GIL for 400 ms: the window stalled while the export
    job wrote the file. Each row is serialised as it is made; the file reads the same."""
    import docx.opc.part
    from docx.oxml.ns import qn

    library, doc = opened
    translate_first(library, doc, 5)
    serialised = []
    whole = docx.opc.part.serialize_part_xml
    monkeypatch.setattr(docx.opc.part, "serialize_part_xml", lambda element: (
        serialised.append(sum(1 for _row in element.iter(qn("w:tr")))), whole(element))[1])
    out = tmp_path / "rows.docx"
    out.write_bytes(export_text(doc.document, doc.segments, "docx", "en"))
    assert serialised and max(serialised) == 0
    import zipfile

    with zipfile.ZipFile(out) as archive:
        document_xml = archive.read("word/document.xml")
    assert document_xml.count(b"<w:tr>") == len(doc.segments) + 1 and document_xml.count(b"xmlns:w=") == 1
    exported = [(source, target) for source, target in exchange.pairs_of(doc.document, doc.segments) if target]
    assert [(s, t) for s, t in read_pairs(out) if t] == exported


def test_the_docx_says_what_it_is_and_tags_each_column_with_its_language(opened, tmp_path):
    import docx

    library, doc = opened
    out = tmp_path / "bilingual.docx"
    out.write_bytes(export_text(doc.document, doc.segments, "docx", "fr", "Déclaration conjointe"))
    written = docx.Document(str(out))
    properties = written.core_properties
    assert properties.title == "Déclaration conjointe" and properties.author == ""
    assert properties.created.year >= 2026 and properties.modified.year >= 2026  # not python-docx's 2013
    header = written.tables[0].rows[0]
    assert [cell.text for cell in header.cells] == ["Source (zh-CN)", "Translation (fr)"]
    body = written.tables[0].rows[1]._tr.xml
    assert 'w:eastAsia="zh-CN"' in body and 'w:val="fr"' in body
    assert len(read_pairs(out)) == len(doc.segments)  # the header row is not read back as a pair


def _docx_part(path, name: str):
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name)) if name in archive.namelist() else None


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
JAPANESE_FONTS = ("ＭＳ", "MS Mincho", "MS Gothic", "Mincho", "Gothic", "IPA", "CJK JP", "CJKjp", "JP-")


def test_the_docx_sets_chinese_in_a_chinese_font_and_names_studyapp(opened, tmp_path):
    """python-docx's template is a Japanese Word document: East Asian theme language ja-JP, font ＭＳ 明朝."""
    library, doc = opened
    out = tmp_path / "bilingual.docx"
    out.write_bytes(export_text(doc.document, doc.segments, "docx", "en", "联合声明"))
    assert _docx_part(out, "word/settings.xml").find(f"{W}themeFontLang").get(f"{W}eastAsia") == "zh-CN"
    defaults = _docx_part(out, "word/styles.xml").find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"
    assert defaults.find(f"{W}rFonts").get(f"{W}eastAsia") == "宋体"
    drawing = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    theme = _docx_part(out, "word/theme/theme1.xml")
    assert [font.get("typeface") for font in theme.iter(f"{drawing}ea")] == ["宋体", "宋体"]
    extended = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    assert _docx_part(out, "docProps/app.xml").find(f"{extended}Application").text == "studyapp"
    assert _docx_part(out, "docProps/thumbnail.jpeg") is None
    assert "thumbnail" not in etree.tostring(_docx_part(out, "_rels/.rels")).decode()
    assert len(read_pairs(out)) == len(doc.segments)


def _libreoffice(path, fmt: str, profile) -> bytes:
    """``path`` converted by LibreOffice headless (its own profile, so a running office is left alone)."""
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
                    "--outdir", str(path.parent), str(path)], check=True, capture_output=True, timeout=120)
    return path.with_suffix("." + fmt).read_bytes()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_sets_the_docx_source_column_in_a_chinese_font(opened, tmp_path):
    """Before: LibreOffice gave the text ＭＳ 明朝 (the theme's font for ja-JP) and, where Noto CJK is installed,
    embedded Noto Serif CJK JP, Japanese glyph forms for Chinese."""
    from pypdf import PdfReader

    library, doc = opened
    out = tmp_path / "bilingual.docx"
    out.write_bytes(export_text(doc.document, doc.segments[:20], "docx", "en", "联合声明"))
    office = etree.fromstring(_libreoffice(out, "fodt", tmp_path / "profile"))
    style = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
    asian = {node.get(f"{{{style}}}font-name-asian") for node in office.iter(f"{{{style}}}text-properties")}
    assert "宋体" in asian and not any(japanese in font for font in asian - {None} for japanese in JAPANESE_FONTS)
    pdf = PdfReader(io.BytesIO(_libreoffice(out, "pdf", tmp_path / "profile")))
    embedded = {str(font.get_object()["/BaseFont"]) for page in pdf.pages
                for font in page["/Resources"]["/Font"].values()}
    assert embedded and not any(japanese in font for font in embedded for japanese in JAPANESE_FONTS), embedded


OMEGAT_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.1">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext"
          creationtoolversion="3.6.0_11" segtype="sentence" srclang="zh-CN"/>
  <body>
    <tu>
      <tuv lang="zh-CN"><seg>{first}</seg></tuv>
      <tuv lang="en-GB" changeid="me"><seg>In the spirit of <bpt i="1">&lt;b&gt;</bpt>partnership<ept i="1">&lt;/b&gt;</ept>,</seg></tuv>
    </tu>
    <tu>
      <tuv lang="zh-CN"><seg>{second}</seg></tuv>
      <tuv lang="en-GB"><seg>on the basis of a shared view,</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def test_omegats_own_project_memory_imports(opened, tmp_path):
    """OmegaT writes TMX 1.1 with lang, not xml:lang: it gave "Filled 0 segments" before."""
    library, doc = opened
    sources = [doc.document.text[s.start:s.end] for s in doc.segments[:2]]
    memory = tmp_path / "project_save.tmx"
    memory.write_text(OMEGAT_TMX.format(first=sources[0], second=sources[1]), encoding="utf-8")
    assert read_pairs(memory) == [(sources[0], "In the spirit of partnership,"),
                                  (sources[1], "on the basis of a shared view,")]
    result = exchange.apply_import(library, doc, memory)
    assert len(result.filled) == 2 and result.unmatched == 0


def test_a_tmx_without_the_source_language_says_so(tmp_path):
    other = tmp_path / "fr-de.tmx"
    other.write_text('<tmx version="1.4"><header srclang="fr"/><body><tu><tuv xml:lang="de"><seg>x</seg></tuv>'
                     '</tu></body></tmx>', encoding="utf-8")
    with pytest.raises(exchange.ExchangeError, match="no units in the source language"):
        read_pairs(other)


def test_a_crafted_tmx_reads_no_other_file_and_is_refused_in_one_line(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    crafted = tmp_path / "crafted.tmx"
    crafted.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<tmx version="1.4"><header srclang="zh-CN"/><body><tu><tuv xml:lang="zh-CN"><seg>你好&xxe;</seg></tuv>
<tuv xml:lang="en"><seg>&c;&c;&c;</seg></tuv></tu></body></tmx>""", encoding="utf-8")
    with pytest.raises(exchange.ExchangeError) as refused:
        read_pairs(crafted)
    assert "TOP SECRET" not in str(refused.value) and "\n" not in str(refused.value)


def _laughs(levels: int) -> str:
    """A TMX whose one entity expands to 3 x 10**levels characters ("billion laughs" at 9)."""
    declared = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, levels + 1))
    return (f'<?xml version="1.0"?><!DOCTYPE tmx [{declared}]><tmx version="1.4"><header srclang="zh-CN"/><body>'
            f'<tu><tuv xml:lang="zh-CN"><seg>你好</seg></tuv><tuv xml:lang="en"><seg>&l{levels};</seg></tuv></tu>'
            "</body></tmx>")


def test_a_billion_laughs_tmx_is_refused_in_one_line_at_once(tmp_path):
    crafted = tmp_path / "laughs.tmx"
    crafted.write_text(_laughs(9), encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(exchange.ExchangeError, match="expand") as refused:
        read_pairs(crafted)
    assert "\n" not in str(refused.value) and time.perf_counter() - started < 5


def test_a_tmx_with_an_internal_entity_keeps_its_text(tmp_path):
    """" Ltd signed it" was stored: the entity vanished without a word."""
    declared = tmp_path / "declared.tmx"
    declared.write_text("""<?xml version="1.0"?>
<!DOCTYPE tmx [<!ENTITY co "ACME &amp; Co."><!ENTITY zhong "&#20013;">]>
<tmx version="1.4"><header srclang="zh-CN"/><body><tu><tuv xml:lang="zh-CN"><seg>&zhong;国公司签了。</seg></tuv>
<tuv xml:lang="en"><seg>&co; Ltd signed it</seg></tuv></tu></body></tmx>""", encoding="utf-8")
    assert list(read_pairs(declared)) == [("中国公司签了。", "ACME & Co. Ltd signed it")]
    small = tmp_path / "small.tmx"
    small.write_text(_laughs(2), encoding="utf-8")  # nested, but 300 characters: a text, not an attack
    assert list(read_pairs(small)) == [("你好", "lol" * 100)]


def test_tmx_by_sentence_joins_the_clauses_of_each_fully_translated_sentence(opened, tmp_path):
    """OmegaT segments by sentence: of 12 clause units it used 1-2; sentence units matched 4 of 4."""
    library, doc = opened
    sentence_end = next(n for n, s in enumerate(doc.segments) if doc.document.text[s.start:s.end].endswith("。"))
    for number, segment in enumerate(doc.segments[:sentence_end + 1]):
        library.save_translation(segment.id, f"part {number}")
    library.save_translation(doc.segments[sentence_end + 2].id, "half a sentence")  # first clause of a sentence
    doc.segments = library.segments(doc.id)
    pairs = exchange.sentence_pairs(doc.document, doc.segments)
    source = doc.document.text[doc.segments[0].start:doc.segments[sentence_end].end]
    assert pairs == [(source, " ".join(f"part {n}" for n in range(sentence_end + 1)))]
    out = tmp_path / "sentences.tmx"
    assert main(["export", str(DEFAULT_TEXT), "--format", "tmx", "--units", "sentence", "--out", str(out),
                 "--library", str(library.path)]) == 0
    assert read_pairs(out) == pairs

"""EPUB books, subtitles, saved web pages and PDFs open into the same pipeline as text files."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from studyapp import text
from studyapp.document import split_for
from studyapp.errors import TextLoadError
from studyapp.text import loading
from studyapp.text.sources import srt_with
from studyapp.translation import exchange

from ...conftest import REPO
from ...pdf_maker import encrypted, make_pdf


def make_epub(path, drm: bool = False):
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("test-book")
    book.set_title("呐喊")
    book.set_language("zh")
    book.add_author("鲁迅")
    first = epub.EpubHtml(title="自序", file_name="c1.xhtml", lang="zh")
    first.content = ("<html><body><h1>自序</h1><p>我在年青时候也曾经做过许多梦，后来大半忘却了。</p>"
                     "<p>他是<ruby>鲁<rt>lǔ</rt>迅<rt>xùn</rt></ruby>的朋友。</p>"
                     "<script>alert('x')</script><img src='a.png'/></body></html>")
    second = epub.EpubHtml(title="狂人日记", file_name="c2.xhtml", lang="zh")
    second.content = "<html><body><h2>狂人日记</h2><p>今天晚上，很好的月光。</p></body></html>"
    for chapter in (first, second):
        book.add_item(chapter)
    book.toc = (first, second)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", first, second]
    epub.write_epub(str(path), book)
    if drm:
        data = io.BytesIO(path.read_bytes())
        with zipfile.ZipFile(data, "a") as archive:
            archive.writestr("META-INF/encryption.xml",
                             '<encryption><EncryptedData><EncryptionMethod Algorithm="http://www.w3.org/2001/04/'
                             'xmlenc#aes128-cbc"/><CipherData><CipherReference URI="OEBPS/c1.xhtml"/></CipherData>'
                             '</EncryptedData></encryption>')
        path.write_bytes(data.getvalue())
    return path


def test_an_epub_opens_with_its_title_chapters_and_no_ruby_pinyin(tmp_path):
    loaded = loading.load(make_epub(tmp_path / "book.epub"))
    assert loaded.encoding == "epub" and loaded.title == "呐喊 鲁迅"
    lines = loaded.text.split("\n")
    assert "自序" in lines and "狂人日记" in lines
    assert "他是鲁迅的朋友。" in lines  # the <rt> pinyin did not leak into the text
    assert "alert" not in loaded.text and "lǔ" not in loaded.text
    assert [title for title, _offset in loaded.sections] == ["自序", "狂人日记"]
    for title, offset in loaded.sections:
        assert loaded.text[offset:offset + len(title)] == title
    document = text.split(loaded)
    assert document.sections == loaded.sections and len(document.paragraphs) == 5


def test_an_epub_by_content_not_by_name(tmp_path):
    renamed = make_epub(tmp_path / "book.epub").rename(tmp_path / "book.dat")
    assert loading.load(renamed).encoding == "epub"


def test_damaged_and_protected_epubs_get_one_line(tmp_path):
    whole = make_epub(tmp_path / "book.epub").read_bytes()
    truncated = tmp_path / "truncated.epub"
    truncated.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(TextLoadError, match="damaged"):
        loading.load(truncated)
    with pytest.raises(TextLoadError, match="DRM"):
        loading.load(make_epub(tmp_path / "drm.epub", drm=True))
    bomb = io.BytesIO(whole)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OEBPS/padding.bin", b"\0" * (60 * 1024 * 1024))
    (tmp_path / "bomb.epub").write_bytes(bomb.getvalue())
    with pytest.raises(TextLoadError, match="unpacks to"):
        loading.load(tmp_path / "bomb.epub")


def zipped_epub(path, files: dict[str, str], spine: list[str], toc: str = "", nav: str = ""):
    """An EPUB written with zipfile, laid out as calibre lays one out: OEBPS/content.opf, chapter files in text/,
    an NCX (``toc``) and an EPUB 3 navigation document (``nav``) when given."""
    manifest = [f'<item id="{name.split("/")[-1].split(".")[0]}" href="{name}" media-type="application/xhtml+xml"/>'
                for name in files]
    if toc:
        manifest.append('<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>')
    if nav:
        manifest.append('<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>')
    toc_attribute = ' toc="ncx"' if toc else ""
    itemrefs = "".join(f'<itemref idref="{name.split("/")[-1].split(".")[0]}"/>' for name in spine)
    opf = (f'<?xml version="1.0" encoding="utf-8"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
           f'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>三国演义'
           f'</dc:title><dc:creator>罗贯中</dc:creator><dc:identifier id="id">sgyy</dc:identifier><dc:language>zh'
           f'</dc:language></metadata><manifest>{"".join(manifest)}</manifest>'
           f'<spine{toc_attribute}>{itemrefs}</spine></package>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml",
                         '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:'
                         'container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/'
                         'oebps-package+xml"/></rootfiles></container>')
        archive.writestr("OEBPS/content.opf", opf)
        for name, body in files.items():
            archive.writestr(f"OEBPS/{name}", '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/'
                             f'1999/xhtml"><head><title>三国演义</title></head><body>{body}</body></html>')
        if toc:
            archive.writestr("OEBPS/toc.ncx", toc)
        if nav:
            archive.writestr("OEBPS/nav.xhtml", nav)
    return path


def chinese_number(number: int) -> str:
    digits = "零一二三四五六七八九"
    hundreds, tens, ones = number // 100, number // 10 % 10, number % 10
    out = f"{digits[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    return out + (digits[ones] if ones else "")


def test_an_epubs_contents_are_its_own_table_of_contents_at_each_chapters_anchor(tmp_path):
    """calibre's 三国演义: 120 NCX entries (第一回 …) pointing at anchors in a few files; we showed the files."""
    files: dict[str, list[str]] = {f"text/part{number:04d}.html": [] for number in range(3)}
    for chapter in range(1, 121):
        name = f"text/part{(chapter - 1) // 40:04d}.html"
        heading = f"第{chinese_number(chapter)}回"
        # calibre keeps a converted book's anchors as empty <a id> before the heading, or on the heading itself
        marker = (f'<p class="calibre1"><a id="filepos{chapter * 1000}"></a></p><h2 class="calibre2">{heading}</h2>'
                  if chapter % 2 else f'<h2 class="calibre2" id="ch{chapter}">{heading}</h2>')
        files[name].append(f"{marker}<p>话说天下大势，分久必合，合久必分。此为{heading}。</p><p>周末七国分争，并入于秦。</p>")
    points = "".join(
        f'<navPoint id="p{chapter}" playOrder="{chapter}"><navLabel><text>第{chinese_number(chapter)}回</text>'
        f'</navLabel><content src="text/part{(chapter - 1) // 40:04d}.html#'
        f'{f"filepos{chapter * 1000}" if chapter % 2 else f"ch{chapter}"}"/></navPoint>' for chapter in range(1, 121))
    ncx = ('<?xml version="1.0" encoding="utf-8"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
           f'<head/><docTitle><text>三国演义</text></docTitle><navMap>{points}</navMap></ncx>')
    book = zipped_epub(tmp_path / "sgyy.epub", {name: "".join(parts) for name, parts in files.items()},
                       list(files), toc=ncx)
    loaded = loading.load(book)
    assert loaded.title == "三国演义 罗贯中"
    assert len(loaded.sections) == 120
    assert [title for title, _offset in loaded.sections[:3]] == ["第一回", "第二回", "第三回"]
    assert loaded.sections[-1][0] == "第一百二十回"
    for title, offset in loaded.sections:  # each entry opens its own chapter's heading, not its file's start
        assert loaded.text[offset:].split("\n", 1)[0] == title


NAV = """<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"
xmlns:epub="http://www.idpf.org/2007/ops"><head><title>目录</title></head><body>
<nav epub:type="landmarks"><ol><li><a href="text/c1.xhtml">开始阅读</a></li></ol></nav>
<nav epub:type="toc"><h1>目录</h1><ol>
  <li><a href="text/c1.xhtml">第一卷　呐喊</a><ol>
    <li><a href="text/c1.xhtml#s1">自序</a></li>
    <li><a href="text/c1.xhtml#s2">狂人
        日记</a></li></ol></li>
  <li><a href="text/c2.xhtml">第二卷　彷徨</a></li>
</ol></nav></body></html>"""


def test_an_epub3_navigation_document_gives_the_contents_before_the_ncx(tmp_path):
    files = {"text/c1.xhtml": '<h1>呐喊</h1><section id="s1"><h2>自序</h2><p>我在年青时候也曾经做过许多梦。</p></section>'
                              '<section><h2 id="s2">狂人日记</h2><p>今天晚上，很好的月光。</p></section>',
             "text/c2.xhtml": "<h1>彷徨</h1><p>旧历的年底毕竟最像年底。</p>"}
    stale_ncx = ('<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"><navMap><navPoint><navLabel><text>Start</text>'
                 '</navLabel><content src="text/c1.xhtml"/></navPoint></navMap></ncx>')
    loaded = loading.load(zipped_epub(tmp_path / "book.epub", files, list(files), toc=stale_ncx, nav=NAV))
    assert [title for title, _offset in loaded.sections] == ["第一卷 呐喊", "自序", "狂人日记", "第二卷 彷徨"]
    lines = [loaded.text[offset:].split("\n", 1)[0] for _title, offset in loaded.sections]
    assert lines == ["呐喊", "自序", "狂人日记", "彷徨"]


def test_an_epub_without_a_table_of_contents_gets_a_section_per_chapter_file(tmp_path):
    files = {"text/c1.xhtml": "<p>序</p><h2>自序</h2><p>我在年青时候也曾经做过许多梦。</p>",
             "text/c2.xhtml": "<h2>狂人日记</h2><p>今天晚上，很好的月光。</p>"}
    loaded = loading.load(zipped_epub(tmp_path / "book.epub", files, list(files)))
    assert [title for title, _offset in loaded.sections] == ["自序", "狂人日记"]


def test_a_line_break_inside_an_epub_paragraph_joins_hanzi_without_a_space(tmp_path):
    files = {"text/c1.xhtml": "<p>我的\n      心禁不住悲凉起来了。</p><p>他说“Hello,\n  world”，就走了。</p>"
                              "<p>一　　二</p>"}
    lines = loading.load(zipped_epub(tmp_path / "book.epub", files, list(files))).text.split("\n")
    assert lines[:3] == ["我的心禁不住悲凉起来了。", "他说“Hello, world”，就走了。", "一 二"]


SUBTITLES = """1
00:00:01,000 --> 00:00:03,500
<i>你好，</i>
世界！

2
00:00:04,000 --> 00:00:06,000
{\\an8}我们走吧。

3
00:00:07,250 --> 00:00:09,000
Hello
there.
"""


def test_subtitles_open_a_cue_per_paragraph_with_timings_kept(tmp_path):
    path = tmp_path / "drama.srt"
    path.write_text(SUBTITLES, encoding="utf-8")
    loaded = loading.load(path)
    assert loaded.encoding == "srt"
    assert loaded.text.split("\n")[:3] == ["你好，世界！", "我们走吧。", "Hello there."]
    assert [(start, end) for _offset, start, end in loaded.cues] == [
        ("00:00:01,000", "00:00:03,500"), ("00:00:04,000", "00:00:06,000"), ("00:00:07,250", "00:00:09,000")]
    document = text.split(loaded)
    assert len(document.paragraphs) == 3 and document.cues == loaded.cues


def test_subtitles_with_broken_timings_get_one_line(tmp_path):
    path = tmp_path / "broken.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:0x,000\n你好\n\n2\n00:00:02,000 --> \n再见\n", encoding="utf-8")
    with pytest.raises(TextLoadError):
        loading.load(path)


def test_a_translated_subtitle_file_exports_with_the_same_timings(tmp_path):
    path = tmp_path / "drama.srt"
    path.write_text(SUBTITLES, encoding="utf-8")
    loaded = loading.load(path)
    written = srt_with(loaded.cues, ["Hello, world!", "Let's go.", "Hello there."])
    back = tmp_path / "back.srt"
    back.write_bytes(written)
    again = loading.load(back)
    assert [c[1:] for c in again.cues] == [c[1:] for c in loaded.cues]
    assert again.text.split("\n")[0] == "Hello, world!"


PAGE = """<!DOCTYPE html><html><head><title>中俄外长联合声明 - 新闻网</title></head><body>
<nav><ul><li><a href="/">首页</a></li><li><a href="/news">新闻</a></li><li><a href="/about">关于我们</a></li></ul></nav>
<div class="sidebar"><h3>热门文章</h3><ul><li><a href="/1">别的文章一</a></li><li><a href="/2">别的文章二</a></li></ul></div>
<article><h1>中俄外长联合声明</h1>
<p>中俄双方本着两国新时代全面战略协作伙伴精神，基于对当前国际形势和重大问题的一致看法，声明如下。</p>
<p>今年是第二次世界大战结束75周年。作为人类历史上最惨痛的悲剧，二战夺走了数千万人的生命。</p>
<p>双方呼吁国际社会加强协作，凝聚共识，合力应对当前的威胁和挑战，促进全球政治稳定和经济复苏。</p>
</article>
<footer><p>版权所有 © 新闻网</p><script>var tracking = 1;</script></footer>
</body></html>"""


def test_a_saved_web_page_opens_as_its_article(tmp_path):
    path = tmp_path / "page.htm"
    path.write_text(PAGE, encoding="utf-8")
    loaded = loading.load(path)
    assert loaded.encoding == "html" and "中俄外长联合声明" in loaded.title
    assert "中俄双方本着两国新时代全面战略协作伙伴精神" in loaded.text
    assert "首页" not in loaded.text and "版权所有" not in loaded.text and "tracking" not in loaded.text
    assert len([line for line in loaded.text.split("\n") if line]) >= 3


NEWS_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>故乡重访：绍兴的鲁迅足迹_文化_某某新闻网</title>
<link rel="stylesheet" href="./故乡重访_files/main.css"><script src="./故乡重访_files/stat.js"></script>
</head><body>
<div id="wrap">
  <div class="top">
    <a href="https://news.example.cn/"><img src="./故乡重访_files/logo.png" alt="某某新闻网"></a>
    <a href="/">首页</a> | <a href="/china/">国内</a> | <a href="/world/">国际</a> | <a href="/culture/">文化</a>
  </div>
  <div class="crumb"><a href="/">首页</a> &gt; <a href="/culture/">文化</a> &gt; 正文</div>
  <h1>故乡重访：绍兴的鲁迅足迹</h1>
  <div class="info">2024-05-20 09:30　来源：某某新闻网</div>
  <p>我冒了严寒，回到相隔二千余里，别了二十余年的故乡去。这是鲁迅在《故乡》开头写下的句子。</p>
  <p>如今的绍兴，鲁迅故里已经成为游客必到之处。百草园里的菜畦和皂荚树依然还在，三味书屋的课桌上还刻着那个“早”字。</p>
  <p>当地文化部门负责人表示，今年将继续推进鲁迅故里的保护工作，并举办系列纪念活动。</p>
  <div class="bottom">
    <p><a href="/about/">关于我们</a> | <a href="/contact/">联系我们</a> | <a href="/privacy/">隐私政策</a></p>
    <p>版权所有 © 2024 某某新闻网 | 联系我们 | 隐私政策</p>
    <p>京ICP备12345678号</p>
  </div>
</div>
<script>var _hmt = _hmt || [];</script>
</body></html>"""


def test_a_saved_news_page_keeps_its_headline_once_and_drops_the_sites_menu_and_footer(tmp_path):
    """Before: the <title> with the site's name came first (two segments: 故乡重访： / 绍兴的鲁迅足迹_文化_某某新闻网),
    then the breadcrumb, the headline again, and the footer's links, copyright line and ICP number last."""
    path = tmp_path / "故乡重访.html"
    path.write_text(NEWS_PAGE, encoding="utf-8")
    loaded = loading.load(path)
    assert loaded.title == "故乡重访：绍兴的鲁迅足迹"
    lines = [line for line in loaded.text.split("\n") if line]
    assert lines[0] == "故乡重访：绍兴的鲁迅足迹" and loaded.text.count("故乡重访") == 1
    assert lines[-1] == "当地文化部门负责人表示，今年将继续推进鲁迅故里的保护工作，并举办系列纪念活动。"
    assert not any(word in loaded.text for word in ("版权所有", "ICP", "隐私政策", "首页", "国际"))
    assert "这是鲁迅在《故乡》开头写下的句子。" in loaded.text


def test_a_pdf_opens_with_lines_joined_and_running_heads_dropped(tmp_path):
    pages = [["鲁迅全集　第一卷", "我在年青时候也曾经做过许多梦，后来大半忘却了，但自己也并", "不以为可惜。", "1"],
             ["鲁迅全集　第一卷", "所谓回忆者，虽说可以使人欢欣，有时也不免使人寂寞，使精神", "的丝缕还牵着己逝的寂寞的时光。", "2"],
             ["鲁迅全集　第一卷", "而我偏苦于不能全忘却，这不能全忘却的一部分，到现在便成了", "《呐喊》的来由。", "3"]]
    path = tmp_path / "book.pdf"
    path.write_bytes(make_pdf(pages, title="呐喊"))
    loaded = loading.load(path)
    assert loaded.encoding == "pdf" and loaded.title == "呐喊"
    paragraphs = [line for line in loaded.text.split("\n") if line]
    assert paragraphs[0] == "我在年青时候也曾经做过许多梦，后来大半忘却了，但自己也并不以为可惜。"
    assert "鲁迅全集" not in loaded.text and len(paragraphs) == 3


def test_a_pdf_without_a_text_layer_says_so(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([[], []]))
    with pytest.raises(TextLoadError, match="no text layer"):
        loading.load(path)
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(make_pdf([["你好"]])[:200])
    with pytest.raises(TextLoadError):
        loading.load(damaged)


@pytest.mark.parametrize("kind", ["epub", "srt", "html", "pdf", "stdin"])
def test_analyze_json_works_on_every_kind(tmp_path, kind):
    files = {"epub": lambda: make_epub(tmp_path / "b.epub"),
             "srt": lambda: (tmp_path / "s.srt").write_text(SUBTITLES, encoding="utf-8") and tmp_path / "s.srt",
             "html": lambda: (tmp_path / "p.html").write_text(PAGE, encoding="utf-8") and tmp_path / "p.html",
             "pdf": lambda: (tmp_path / "d.pdf").write_bytes(make_pdf([["你好，世界。"]])) and tmp_path / "d.pdf"}
    if kind == "stdin":
        command, given = ["analyze", "-", "--json"], "他还没回来。".encode()
    else:
        command, given = ["analyze", str(files[kind]()), "--json"], None
    result = subprocess.run([sys.executable, "-m", "studyapp", *command, "--library", str(tmp_path / "l.sqlite")],
                            input=given, capture_output=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    parsed = json.loads(result.stdout)
    assert parsed["clauses"] and all(token["text"] for clause in parsed["clauses"] for token in clause["tokens"])


def test_a_subtitle_translation_exports_as_srt_and_imports_back(tmp_path):
    from studyapp.translation.segments import Segment, Status

    path = tmp_path / "drama.srt"
    path.write_text(SUBTITLES, encoding="utf-8")
    document = text.split(loading.load(path))
    segments = [Segment(i + 1, c.start, c.end, "", Status.UNTRANSLATED) for i, c in enumerate(document.clauses)]
    segments[0] = segments[0]._replace(target="Hello,", status=Status.DRAFT)
    segments[1] = segments[1]._replace(target="world!", status=Status.DRAFT)
    out = tmp_path / "translated.srt"
    out.write_bytes(exchange.export_text(document, segments, "srt"))
    written = loading.load(out)
    assert [(start, end) for _o, start, end in written.cues] == [(start, end) for _o, start, end in document.cues]
    assert written.text.split("\n")[:2] == ["Hello, world!", "我们走吧。"]  # untranslated cues keep their line
    fresh = [s._replace(target="", status=Status.UNTRANSLATED) for s in segments]
    result = exchange.plan_import(document, fresh, out)
    assert result.filled[0].target == "Hello, world!"
    with pytest.raises(exchange.ExchangeError, match="subtitles"):
        exchange.export_text(text.split("没有时间的文本。"), [], "srt")


@pytest.mark.parametrize(("name", "content"), [
    ("drama.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:03.500\n<i>你好，</i>\n世界！\n\n"
                  "00:00:04.000 --> 00:00:06.000\n我们走吧。\n"),
    ("drama.ass", "[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, "
                  "MarginR, MarginV, Effect, Text\nDialogue: 0,0:00:01.00,0:00:03.50,Default,,0,0,0,,{\\an8}你好，\\N世界！\n"
                  "Comment: 0,0:00:02.00,0:00:03.00,Default,,0,0,0,,a note\n"
                  "Dialogue: 0,0:00:04.00,0:00:06.00,Default,,0,0,0,,我们走吧。\n"),
])
def test_webvtt_and_ass_subtitles_open_as_cues_too(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    loaded = loading.load(path)
    assert loaded.text.split("\n")[:2] == ["你好，世界！", "我们走吧。"]
    assert [(start, end) for _offset, start, end in loaded.cues] == [("00:00:01,000", "00:00:03,500"),
                                                                     ("00:00:04,000", "00:00:06,000")]


WEBVTT_WITH_IDENTIFIERS = """\ufeffWEBVTT - 故乡
Kind: captions
Language: zh-CN

NOTE 译者说明：
开头两句是片名

intro-1
00:00:01.000 --> 00:00:03.500 align:start line:90%
片名：故乡

intro-2
00:00:04.000 --> 00:00:06.000
<v 闰土>我们走吧，</v>
&lt;迅哥儿&gt;！

3
00:01:07.250 --> 00:01:09.000
我冒了严寒，回到相隔二千余里，
别了二十余年的故乡去。

00:01:10.000 --> 00:01:12.000
R&amp;D
"""


def test_webvtt_cue_identifiers_and_notes_stay_out_of_the_text(tmp_path):
    """pysubs2 read the identifier line "intro-2" as text of the cue before it: 片名：故乡intro-2."""
    path = tmp_path / "guxiang.vtt"
    styled = WEBVTT_WITH_IDENTIFIERS.replace("\nNOTE", "\nSTYLE\n::cue { color: white }\n\nNOTE")
    path.write_text(styled, encoding="utf-8")
    loaded = loading.load(path)
    assert loaded.text.split("\n")[:4] == ["片名：故乡", "我们走吧，<迅哥儿>！",
                                           "我冒了严寒，回到相隔二千余里，别了二十余年的故乡去。", "R&D"]
    assert [(start, end) for _offset, start, end in loaded.cues] == [
        ("00:00:01,000", "00:00:03,500"), ("00:00:04,000", "00:00:06,000"), ("00:01:07,250", "00:01:09,000"),
        ("00:01:10,000", "00:01:12,000")]


def test_webvtt_with_a_broken_timing_gets_one_line(tmp_path):
    path = tmp_path / "broken.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n你好\n\n00:00:0x.000 --> 00:00:03.000\n再见\n",
                    encoding="utf-8")
    with pytest.raises(TextLoadError, match="broken cues or timings"):
        loading.load(path)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_ffmpeg_reads_the_same_cues_from_a_webvtt_with_identifiers(tmp_path):
    """ffmpeg (5.1) as a second reader of the same file; it reads no cue past a STYLE block, so this one has none."""
    import srt

    path = tmp_path / "guxiang.vtt"
    path.write_text(WEBVTT_WITH_IDENTIFIERS, encoding="utf-8")
    converted = tmp_path / "guxiang.srt"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(path), str(converted)], check=True,
                   timeout=60)
    theirs = list(srt.parse(converted.read_text(encoding="utf-8")))
    ours = loading.load(path)
    assert [(srt.timedelta_to_srt_timestamp(cue.start), srt.timedelta_to_srt_timestamp(cue.end)) for cue in theirs] \
        == [(start, end) for _offset, start, end in ours.cues]
    assert [cue.content.replace("\n", "") for cue in theirs] == ours.text.split("\n")[:len(theirs)]
    assert "intro" not in ours.text


def test_a_pdf_set_in_a_font_with_radical_code_points_reads_as_the_ideographs(tmp_path):
    """Common CJK fonts map 而 and 长 to the Kangxi radical ⽽ (U+2F7D) and the supplement's ⻓ (U+2ED3): pinyin
    and words were lost (然⽽ became 然 and an unread ⽽). NFKC alone maps the first but not the second."""
    from studyapp.document import to_json
    from studyapp.reading.analysis import Analyzer
    from studyapp.reading.dictionary import Dictionary

    path = tmp_path / "radicals.pdf"
    path.write_bytes(make_pdf([["然⽽他说，⻓江⾥的⽔很⻓。"]]))
    loaded = loading.load(path)
    assert loaded.text.strip() == "然而他说，长江里的水很长。"
    result = to_json(text.split(loaded), Analyzer(Dictionary.open()))
    tokens = [token for clause in result["clauses"] for token in clause["tokens"]]
    words = {token["text"]: token for token in tokens}
    assert words["然而"]["pinyin"] == "rán ér" and words["然而"]["definitions"]
    assert "长江" in words and words["长江"]["definitions"]
    assert all(result["text"][token["start"]:token["end"]] == token["text"] for token in tokens)  # offsets hold


def test_a_zip_whose_mimetype_inflates_to_hundreds_of_megabytes_is_refused_without_unpacking_it(tmp_path):
    import tracemalloc

    bomb = tmp_path / "bomb.epub"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as member:
            member.write(b"application/epub+zip")
            for _ in range(200):
                member.write(bytes(1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(TextLoadError, match=r"bomb\.epub unpacks to 200 MB"):
            loading.load(bomb)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


def test_an_aes_encrypted_pdf_with_an_empty_user_password_opens_as_every_reader_opens_it(tmp_path):
    path = tmp_path / "restricted.pdf"
    path.write_bytes(encrypted(make_pdf([["今天晚上，很好的月光。"]]), user_password=""))
    loaded = loading.load(path)
    assert loaded.encoding == "pdf" and loaded.text == "今天晚上，很好的月光。\n"


def test_a_pdf_with_a_password_asks_for_it_in_one_line_and_opens_with_it(tmp_path, capsys):
    from studyapp import cli

    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted(make_pdf([["今天晚上，很好的月光。"]]), user_password="secret"))
    library = str(tmp_path / "library.sqlite")
    assert cli.main(["analyze", str(path), "--library", library]) == 2
    said = capsys.readouterr().err
    assert said.count("\n") == 1 and "protected by a password" in said and "--password" in said
    assert cli.main(["analyze", str(path), "--password", "guess", "--library", library]) == 2
    said = capsys.readouterr().err
    assert said == f"studyapp: {path}: the password given is not this PDF's password.\n"
    out = tmp_path / "out.tsv"
    assert cli.main(["export", str(path), "--password", "secret", "--format", "tsv", "--out", str(out),
                     "--library", library]) == 0
    assert "很好的月光。" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("cut", ["header only", "truncated"])
def test_a_damaged_pdf_puts_one_line_of_ours_on_the_terminal_and_pypdfs_words_in_the_log(tmp_path, cut):
    whole = make_pdf([["今天晚上，很好的月光。"]])
    path = tmp_path / "damaged.pdf"
    path.write_bytes(b"%PDF-1.7\n" if cut == "header only" else whole[:300])
    state = tmp_path / "state"
    result = subprocess.run([sys.executable, "-m", "studyapp", "analyze", str(path), "--library",
                             str(tmp_path / "l.sqlite")], capture_output=True, cwd=REPO, timeout=120,
                            env={**os.environ, "STUDYAPP_STATE_DIR": str(state)})
    said = result.stderr.decode()
    assert result.returncode == 2
    assert said.startswith(f"studyapp: {path} is a damaged PDF") and said.count("\n") == 1, said
    assert "EOF marker not found" in (state / "studyapp.log").read_text(encoding="utf-8")


def nested_page(depth: int) -> str:
    """A page whose article sits ``depth`` elements deep, as generated pages (and attacks) nest them."""
    article = ("<p>我在年青时候也曾经做过许多梦，后来大半忘却了，但自己也并不以为可惜。</p>"
               "<p>所谓回忆者，虽说可以使人欢欣，有时也不免使人寂寞。</p>")
    return f"<html><body>{'<div>' * depth}{article}{'</div>' * depth}</body></html>"


def test_a_web_page_nested_300_deep_keeps_its_paragraphs(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text(nested_page(300), encoding="utf-8")
    lines = loading.load(path).text.split("\n")
    assert "我在年青时候也曾经做过许多梦，后来大半忘却了，但自己也并不以为可惜。" in lines
    assert "所谓回忆者，虽说可以使人欢欣，有时也不免使人寂寞。" in lines


@pytest.mark.parametrize("depth", [2000, 5000])
def test_a_web_page_nested_thousands_deep_is_read_or_named_as_too_deep(tmp_path, depth):
    path = tmp_path / "deeper.html"
    path.write_text(nested_page(depth), encoding="utf-8")
    try:
        loaded = loading.load(path)
    except TextLoadError as error:
        assert str(error) == f"{path} nests its elements more than 2,048 deep; studyapp cannot read a page nested so deep."
    else:
        assert "所谓回忆者，虽说可以使人欢欣，有时也不免使人寂寞。" in loaded.text.split("\n")


def test_an_epub_chapter_nested_300_deep_keeps_its_paragraphs(tmp_path):
    body = nested_page(300).removeprefix("<html><body>").removesuffix("</body></html>")
    loaded = loading.load(zipped_epub(tmp_path / "deep.epub", {"text/c1.xhtml": body}, ["text/c1.xhtml"]))
    assert "所谓回忆者，虽说可以使人欢欣，有时也不免使人寂寞。" in loaded.text.split("\n")


def test_a_comment_inside_an_epub_paragraph_is_not_text(tmp_path):
    files = {"text/c1.xhtml": "<p>今天晚上，<!-- 校对：此处原文有误 -->很好的月光。</p>"}
    lines = loading.load(zipped_epub(tmp_path / "book.epub", files, list(files))).text.split("\n")
    assert lines[0] == "今天晚上，很好的月光。"


#: Verse in a regular metre: eight lines of eighteen hanzi, as wide as a hard-wrapped book's full lines.
METRED_VERSE = ["我从遥远的北方来到这座南方的小城里面", "看见春天的雨水落在青石板铺成的路上边",
                "老人坐在门前的竹椅上慢慢地摇着蒲扇子", "孩子们在巷子的深处追逐着一只小花猫咪",
                "卖花的姑娘挑着担子走过了长长的石拱桥", "河水静静地流淌着带走了昨天所有的故事",
                "我在窗前坐了一整个下午听着风吹过屋檐", "直到黄昏的钟声从远处的山寺里传了过来"]
POEM = ["七言绝句", "早发白帝城", "朝辞白帝彩云间，", "千里江陵一日还。", "两岸猿声啼不住，", "轻舟已过万重山。"]


def test_the_lines_of_a_book_of_poems_stay_lines_and_are_never_joined_as_hard_wrapped(tmp_path):
    from studyapp.library import Library

    body = "".join(f"<p>{line}</p>" for line in METRED_VERSE) + f"<h2>{POEM[0]}</h2>" + "".join(
        f"<p>{line}</p>" for line in POEM[1:3]) + f"<p>{POEM[3]}<br/>{POEM[4]}<br/>{POEM[5]}</p>"
    loaded = loading.load(zipped_epub(tmp_path / "poems.epub", {"text/c1.xhtml": body}, ["text/c1.xhtml"]))
    with Library.open(tmp_path / "library.sqlite") as library:
        document = split_for(library, loaded)
    clauses = [document.clause_text(index) for index in range(len(document.clauses))]
    assert clauses == METRED_VERSE + POEM
    assert len(document.paragraphs) == len(METRED_VERSE) + len(POEM) and not document.joined


def test_a_web_page_of_poems_keeps_its_lines_too(tmp_path):
    page = ("<html><head><title>诗选</title></head><body><article>"
            + "".join(f"<p>{line}</p>" for line in METRED_VERSE + POEM) + "</article></body></html>")
    path = tmp_path / "poems.html"
    path.write_text(page, encoding="utf-8")
    document = text.split(loading.load(path))
    clauses = [document.clause_text(index) for index in range(len(document.clauses))]
    assert clauses[-len(POEM):] == POEM and METRED_VERSE[0] in clauses

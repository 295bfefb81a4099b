"""Decoding and clause splitting, as a reader of the text would notice them."""

import codecs

import pytest

from studyapp import text
from studyapp.errors import TextLoadError
from studyapp.files import MAX_FILE_BYTES
from studyapp.text import loading

from ...conftest import CORPUS, DEFAULT_TEXT

SAMPLE = "中俄双方本着两国新时代全面战略协作伙伴精神，基于对当前国际形势和重大问题的一致看法。\n双方声明如下：\n"
TRADITIONAL = "中俄雙方本著兩國新時代全面戰略協作夥伴精神，基於對當前國際形勢和重大問題的一致看法。\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8"),
        (SAMPLE.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16"),
        (SAMPLE.encode("gb18030"), "gb18030"),
        (SAMPLE.encode("gbk"), "gb18030"),
        (SAMPLE.encode("gb2312"), "gb18030"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "gb18030", "gbk", "gb2312"],
)
def test_decodes_simplified_text_in_every_common_encoding(tmp_path, data, encoding):
    path = tmp_path / "t.txt"
    path.write_bytes(data)
    loaded = loading.load(path)
    assert loaded.text == SAMPLE
    assert loaded.encoding == encoding


def test_decodes_big5(tmp_path):
    path = tmp_path / "big5.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    loaded = loading.load(path)
    assert loaded.text == TRADITIONAL
    assert loaded.encoding == "big5"


def test_line_endings_become_newlines_and_nothing_else_changes(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("　　第一行，\r\n\t第二行。\r第三行  \n".encode())
    assert loading.load(path).text == "　　第一行，\n\t第二行。\n第三行  \n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"  \n\n\t ", "is empty"),
        (bytes(range(256)) * 20, "not a text file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "not a text file"),
    ],
    ids=["empty", "whitespace", "binary", "png"],
)
def test_bad_input_gets_a_one_line_message(tmp_path, data, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(TextLoadError) as caught:
        loading.load(path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_file_over_50_mb_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(TextLoadError, match="up to 50 MB"):
        loading.load(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(TextLoadError, match="no such file"):
        loading.load(tmp_path / "nope.txt")
    with pytest.raises(TextLoadError, match="folder"):
        loading.load(tmp_path)


def clause_texts(source: str) -> list[str]:
    document = text.split(source)
    return [source[c.start:c.end] for c in document.clauses]


def assert_round_trip(source: str) -> None:
    """Joining the clauses with the text between them gives back the original, which is only whitespace."""
    document = text.split(source)
    position = 0
    rebuilt = []
    for clause in document.clauses:
        gap = source[position:clause.start]
        assert gap.strip() == "", f"text lost between clauses: {gap!r}"
        rebuilt.append(gap + source[clause.start:clause.end])
        position = clause.end
    assert source[position:].strip() == ""
    rebuilt.append(source[position:])
    assert "".join(rebuilt) == source
    for clause in document.clauses:
        body = source[clause.start:clause.end]
        assert body == body.strip()
        # a clause spans a line break only where the lines of a paragraph were joined, never a paragraph break
        assert "\n" not in body if not document.joined else "\n\n" not in body and "\n　" not in body


def test_default_text_round_trips_and_starts_paragraphs_at_numbered_heads():
    source = loading.load(DEFAULT_TEXT).text
    assert_round_trip(source)
    document = text.split(source)
    assert len(document.paragraphs) == 19
    heads = [source[p.start:p.start + 2] for p in document.paragraphs]
    for numeral in "一二三四五六七八九":
        assert numeral + "、" in heads
    first = [source[c.start:c.end] for c in document.clauses[:3]]
    assert first == ["中俄双方本着两国新时代全面战略协作伙伴精神，", "基于对当前国际形势和重大问题的一致看法，", "呼吁国际社会加强协作，"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("他说：“好。”然后走了。", ["他说：", "“好。”", "然后走了。"]),
        ("真的吗？！」她问。", ["真的吗？！」", "她问。"]),
        ("结束（见上文。）下一句", ["结束（见上文。）", "下一句"]),
        ("苹果、香蕉和梨。", ["苹果、香蕉和梨。"]),
        ("读《你好，世界。》一书，很好。", ["读《你好，世界。》一书，", "很好。"]),
        ("他想了想……然后说", ["他想了想……", "然后说"]),
        ("Really?! 对", ["Really?!", "对"]),
        ("增长3.5%,达到U.S.标准", ["增长3.5%,", "达到U.S.标准"]),
        ("one, two,三", ["one, two,", "三"]),
        ("see COVID-19 at https://who.int/a.b?x=1 now. 好", ["see COVID-19 at https://who.int/a.b?x=1 now.", "好"]),
        ("第一行\n第二行", ["第一行", "第二行"]),
        ("　　缩进，  \n\n  \t末尾。　", ["缩进，", "末尾。"]),
    ],
)
def test_tricky_clauses(source, expected):
    assert clause_texts(source) == expected
    assert_round_trip(source)


def test_hard_wrapped_text_keeps_paragraphs_by_indent():
    source = "　　我在年青时候也曾经做过许多梦，后来大半忘却了，\n但自己也并不以为可惜。\n　　所谓回忆者，虽说可以使人欢欣。\n"
    document = text.split(source)
    assert len(document.paragraphs) == 2
    assert [c.paragraph for c in document.clauses] == [0, 0, 0, 1, 1]


@pytest.mark.parametrize(("name", "wrapped"), [("呐喊.txt", True), ("朝花夕拾.txt", True), ("水浒传.txt", False),
                                              ("三国演义.txt", False)])
def test_hard_wrapped_books_are_joined_and_others_are_not(name, wrapped):
    path = CORPUS / name
    if not path.exists():
        pytest.skip("../shared/corpus is not beside the project")
    document = text.split(loading.load(path))
    assert document.joined is wrapped
    if wrapped:  # no clause holds a line break, and marks alone are a row only as a whole paragraph (“……”)
        for index, clause in enumerate(document.clauses):
            shown = document.clause_text(index)
            assert "\n" not in shown
            if not any(ch.isalnum() for ch in shown):
                assert index == 0 or document.clauses[index - 1].paragraph != clause.paragraph, shown


def test_a_hard_wrapped_book_reads_across_its_line_breaks():
    """呐喊 cut 缅 / 甸 and 久而不闻 / 其香 into clauses of their own; Find could not match 缅甸."""
    path = CORPUS / "呐喊.txt"
    if not path.exists():
        pytest.skip("../shared/corpus is not beside the project")
    loaded = loading.load(path)
    document = text.split(loaded)
    line_by_line = text.split(loaded, join_lines=False)
    texts = [document.clause_text(i) for i in range(len(document.clauses))]
    assert any("缅甸" in clause for clause in texts)
    assert any(clause.startswith("久而不闻其香") for clause in texts)
    assert "昆虫吟叫" in "".join(texts)
    assert "缅" in [line_by_line.clause_text(i)[-1:] for i in range(len(line_by_line.clauses))]  # the bug
    found = document.find("缅甸")
    assert found >= 0 and loaded.text[found] == "缅" and loaded.text[found + 1] == "\n"
    assert document.count("缅甸") == line_by_line.count("缅甸") + 1
    assert document.rfind("缅甸") == found or document.rfind("缅甸") > found
    assert len(document.paragraphs) == len(line_by_line.paragraphs)  # paragraphs were already right


def test_joining_takes_the_break_out_between_hanzi_and_keeps_a_space_between_words():
    source = "　　我在年青时候也曾经做过许多梦，后来大半忘却了，但自己也并不以为可惜。所谓回忆\n" \
             "者，虽说可以使人欢欣，有时也不免使人寂寞，使精神的丝缕还牵着己逝的寂寞的时\n" \
             "光，又有什么意味呢，而我偏苦于不能全忘却，这不能全忘却的，这便成了《呐喊》\n" \
             "的来由。He wrote in English\nsometimes too.\n" \
             "　　第二段。\n"
    document = text.split(source, join_lines=True)
    texts = [document.clause_text(i) for i in range(len(document.clauses))]
    assert "所谓回忆者，" in texts and "使精神的丝缕还牵着己逝的寂寞的时光，" in texts
    assert "这便成了《呐喊》的来由。" in texts
    assert "He wrote in English sometimes too." in texts
    assert [c.paragraph for c in document.clauses][-1] == 1
    memory = texts.index("所谓回忆者，")
    clause = document.clauses[memory]
    assert document.source_offset(clause.start, clause.end, 4) == source.index("者")  # past the break
    english = document.clauses[texts.index("He wrote in English sometimes too.")]
    shown = document.clause_text(texts.index("He wrote in English sometimes too."))
    for offset, ch in enumerate(shown):
        assert source[document.source_offset(english.start, english.end, offset)] == (ch if ch != " " or offset != 19 else "\n")
    assert_round_trip(source)


def test_the_default_text_is_not_joined_and_no_clause_moves():
    source = loading.load(DEFAULT_TEXT).text
    assert not text.looks_hard_wrapped(source)
    assert text.split(source).clauses == text.split(source, join_lines=False).clauses


@pytest.mark.parametrize("name", ["水浒传.txt", "呐喊.txt", "朝花夕拾.txt"])
def test_corpus_round_trips(name):
    path = CORPUS / name
    if not path.exists():
        pytest.skip("../shared/corpus is not beside the project")
    source = loading.load(path).text
    assert_round_trip(source)


@pytest.mark.parametrize(
    ("sample", "encoding", "expected"),
    [
        ("　　你好，世界。\n第二段。", "gb18030", "gb18030"),
        ("你好", "gbk", "gb18030"),
        ("你好", "big5", "big5"),
        ("他說：「好。」", "big5", "big5"),
        ("我們是學生。", "big5", "big5"),
    ],
)
def test_short_texts_are_not_mistaken_for_another_chinese_encoding(sample, encoding, expected):
    loaded = text.decode(sample.encode(encoding))
    assert loaded.text == sample
    assert loaded.encoding == expected


def test_marks_after_a_clause_end_stay_with_it():
    """钱，……” and 哩！……” were a clause plus a row of ……” alone; a stray “ after 。 was a row too."""
    source = "他说：“钱，……”然后走了。她笑道：“哩！……”好了。无怨。谁敢先去？“\n下一行"
    clauses = clause_texts(source)
    assert clauses == ["他说：", "“钱，……”", "然后走了。", "她笑道：", "“哩！……”", "好了。", "无怨。", "谁敢先去？“",
                       "下一行"]


def test_the_full_width_full_stop_ends_clauses_and_sentences():
    assert clause_texts("好．再见．") == ["好．", "再见．"]
    assert text.ends_sentence("再见．") and text.ends_sentence("“哩！……”")


def test_the_default_text_keeps_its_128_clauses():
    document = text.split(loading.load(DEFAULT_TEXT))
    assert len(document.clauses) == 128
    assert document.clause_text(0).endswith("精神，")


def test_a_hard_wrapped_text_and_a_web_page_join_their_lines_by_one_rule(tmp_path):
    """One rule joins lines wherever they come from: before, a hard-wrapped 'Hello,⏎world' lost its space, and a
    web page's '”⏎“' gained one between two quotations."""
    lines = ["他说“Hello,", "world”，又说“……”", "“走吧。”她笑了，说了一句很长很长很长很长很长很长很长很长很长的话，",
             "然后就走了，没有回头看我们一眼，也没有说再见或者别的什么话，一直走到了很远很远的地方去。"]
    wrapped = "\n".join(lines) + "\n"
    page = tmp_path / "page.html"
    page.write_text(f"<html><body><article><p>{wrapped}</p></article></body></html>", encoding="utf-8")
    from_page = loading.load(page).text.split("\n")[0]
    document = text.split(wrapped * 8, join_lines=True)
    from_wrap = "".join(document.clause_text(i) for i in range(len(document.clauses)) if document.clauses[i].paragraph == 0)
    assert "他说“Hello, world”，又说“……”“走吧。”" in from_page
    assert from_wrap.startswith("他说“Hello, world”，又说“……”“走吧。”")


def test_a_text_is_binary_past_one_control_character_in_a_hundred_not_counting_breaks_and_tabs():
    from studyapp.text.decoding import _looks_binary

    assert not _looks_binary("字" * 297 + "\x00\x01\x1f")  # three in 300: not more than max(2, 1%)
    assert _looks_binary("字" * 296 + "\x00\x01\x1f\r")
    assert not _looks_binary("字" * 200 + "\n\t\f\v" * 100)

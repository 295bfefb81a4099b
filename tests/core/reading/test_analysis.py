"""Words and their readings as a learner sees them: the right pinyin for a polyphone in its word."""

import jieba
import pytest
import rjieba

from studyapp.reading.analysis import Analyzer
from studyapp.reading.dictionary import Dictionary, hsk_level, parse_line
from studyapp.text import loading

from ...conftest import DEFAULT_TEXT


def reading_of(analyzer, clause: str, word: str) -> str:
    for token in analyzer.analyze(clause):
        if token.text == word:
            return token.pinyin_text
    raise AssertionError(f"{word} is not a token of {clause}: {[t.text for t in analyzer.analyze(clause)]}")


@pytest.mark.parametrize(
    ("clause", "word", "expected"),
    [
        ("反对没有国际法依据的单边制裁和“长臂管辖”。", "长", "cháng"),  # 长臂 (not a word) as in 长臂猿
        ("反对没有国际法依据的单边制裁和“长臂管辖”。", "管辖", "guǎn xiá"),
        ("双方重申，", "重申", "chóng shēn"),
        ("合力应对当前的威胁和挑战，", "应对", "yìng duì"),
        ("为此，", "为此", "wèi cǐ"),
        ("不应干涉别国内政，", "干涉", "gān shè"),
        ("二战夺走了数千万人的生命。", "数千万", "shù qiān wàn"),
        ("他去银行取钱。", "银行", "yín háng"),
        ("他们的行动很快。", "行动", "xíng dòng"),
        ("基于对当前国际形势和重大问题的一致看法，", "一致", "yī zhì"),
        ("你不要走。", "不要", "bù yào"),
        ("绿色女孩", "绿色", "lǜ sè"),
        ("以联合国为核心的国际体系", "为", "wéi"),
        ("各国发布新闻和言论应以事实为基础，", "为", "wéi"),
        ("那些为维护自由独立、", "为", "wèi"),
        # for someone, a verb of what is done for them later in the clause: the model read wéi, "be"
        ("中俄在二战中结下坚强的同志般友谊为两国新时代全面战略协作伙伴关系发展提供了强大动力。", "为", "wèi"),
        ("双方支持联合国为规范信息空间中各国负责任行为制定规则、准则及原则，", "为", "wèi"),
        ("共同为信息技术的开发和应用塑造开放、公平、公正、非歧视的环境。", "为", "wèi"),
        ("各国发布新闻和言论应以事实为基础，", "应", "yīng"),  # should: the model read yìng, "answer"
        ("不应干涉别国内政，", "应", "yīng"),
        ("主张应防止因非法使用信息通信技术导致国家间冲突，", "应", "yīng"),
        ("宋江应道：", "应", "yìng"),
        ("美化纳粹分子和军国主义分子及其帮凶", "分子", "fèn zǐ"),  # members, not molecules
        # a name's common word (分子 fèn zǐ, one of its own readings) keeps the name's reading: the model read fēn
        ("美化纳粹分子和军国主义分子及其帮凶", "纳粹分子", "nà cuì fèn zǐ"),
        ("犯罪分子被抓了。", "分子", "fèn zǐ"),
        ("一个水分子有三个原子。", "分子", "fēn zǐ"),  # answered
        ("那妇人应了一声。", "应", "yìng"),
    ],
)
def test_polyphones_read_as_in_their_word(analyzer, clause, word, expected):
    assert reading_of(analyzer, clause, word) == expected


def test_tokens_cover_the_clause_and_have_kinds(analyzer):
    clause = "2030年COVID-19疫情增长3.5%，中俄“长臂管辖”"
    tokens = analyzer.analyze(clause)
    for token in tokens:
        assert clause[token.start:token.end] == token.text
    kinds = {token.text: token.kind for token in tokens}
    assert kinds["2030"] == "number" and kinds["年"] == "word"
    assert kinds["COVID-19"] == "latin"
    assert kinds["3.5%"] == "number"
    assert kinds["，"] == "punct" and kinds["“"] == "punct"
    assert kinds["中俄"] == "word"
    for token in tokens:
        if token.kind == "word":
            assert len(token.pinyin) == len(token.text)
        else:
            assert token.pinyin is None


def test_adjacent_tokens_merge_into_a_dictionary_word_but_not_through_particles(analyzer):
    words = [t.text for t in analyzer.analyze("个别国家传播不实信息，他国的人")]
    assert "不实" in words  # jieba splits 不 实; CC-CEDICT has 不实
    assert "他国" in words
    assert "的" in words


def test_words_merge_alike_whether_a_text_has_asked_about_a_few_first_characters_or_many(monkeypatch):
    """A page's few hundred first characters are asked about one set each, a long text's about one set for all
    (``Dictionary.headword_joins``): the same joins either way."""
    from studyapp.reading import dictionary as dictionary_module

    clauses = ["个别国家传播不实信息，他国的人", "中俄在二战中结下坚强的同志般友谊", "宋江道：“兄弟！那妇人道”", "可持续发展"]
    per_character = Analyzer(Dictionary(Dictionary.open().path), context=False).analyze_many(clauses)
    monkeypatch.setattr(dictionary_module, "PREFIX_QUERIES", 0)
    every = Dictionary(Dictionary.open().path)
    assert Analyzer(every, context=False).analyze_many(clauses) == per_character
    assert every.every_join is not None
    assert {"不实", "他国", "中俄"} <= {token.text for tokens in per_character for token in tokens}


def test_lookup_keeps_every_reading():
    dictionary = Dictionary.open()
    readings = [entry.pinyin for entry in dictionary.lookup("行")]
    assert "háng" in readings and "xíng" in readings
    assert dictionary.lookup("長")[0].simplified == "长"  # traditional look-up


def test_word_missing_from_dictionary_falls_back_to_sub_words():
    dictionary = Dictionary.open()
    assert dictionary.lookup("长臂管辖") == []
    assert dictionary.longest_subwords("长臂管辖") == ["长", "臂", "管辖"]


def test_hsk_levels():
    assert hsk_level("银行") in range(1, 8)
    assert hsk_level("长臂") is None


def test_cedict_line_parsing():
    assert parse_line("行 行 [hang2] /row/line/") == ("行", "行", "hang2", ("row", "line"))
    assert parse_line("# comment") is None
    assert parse_line("garbage") is None


def test_rjieba_agrees_with_jieba_on_the_default_text():
    source = loading.load(DEFAULT_TEXT).text
    jieba.setLogLevel(60)
    assert rjieba.cut(source) == jieba.lcut(source)


def test_damaged_dictionary_cache_is_rebuilt_with_progress(tmp_path, monkeypatch):
    from studyapp.reading import dictionary

    monkeypatch.setenv("STUDYAPP_CACHE_DIR", str(tmp_path))
    reports = []
    first = Dictionary.open(lambda done, total: reports.append((done, total)))
    assert reports and reports[-1][0] == reports[-1][1]
    assert len(first.lookup("行")) >= 2
    dictionary._cache_path().write_bytes(b"not a database at all")
    assert not Dictionary.is_built()
    again = Dictionary.open()
    assert len(again.lookup("行")) >= 2


def test_an_enclosed_numeral_is_a_number_of_its_own(analyzer):
    tokens = analyzer.analyze("⑵君带了一个人")
    assert (tokens[0].text, tokens[0].kind) == ("⑵", "number")
    assert analyzer.analyze("①今天")[0].kind == "number"


def test_the_default_text_s_first_page_is_read_without_importing_pypinyin():
    """pypinyin's phrase data costs 0.2 s of every start: its choices among a headword's readings come from the
    index instead, and the default text's first page (its first 40 clauses) has no word that needs pypinyin."""
    import os
    import subprocess
    import sys
    import textwrap

    Dictionary.open()  # the index built here, so the process below only reads it
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from studyapp.reading.analysis import Analyzer
        from studyapp.reading.dictionary import Dictionary
        from studyapp.text import split
        document = split(Path({str(DEFAULT_TEXT)!r}).read_text(encoding="utf-8"))
        analyzer = Analyzer(Dictionary.open())
        tokens = [analyzer.analyze(document.clause_text(index)) for index in range(40)]
        print(sum(len(clause) for clause in tokens), "pypinyin" in sys.modules)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ), check=True)
    count, imported = done.stdout.split()
    assert int(count) > 300 and imported == "False"


def test_the_words_the_deck_counts_are_those_of_the_tokens(analyzer):
    """``words_many`` gives the deck each clause's words and running words from the parser's records, without
    making a token: the same as the tokens say (white space, Latin, numbers and punctuation around hanzi, a clause
    without hanzi, one with a word the dictionary lacks cut into pieces)."""
    from studyapp import text
    from studyapp.reading.analysis import words_of

    document = text.split(loading.load(DEFAULT_TEXT))
    clauses = [document.clause_text(index) for index in range(len(document.clauses))]
    clauses += ["他说 COVID-19 还在，", "...", "2030年3.5%的人", "长臂管辖和数千万人", "一九二〇年", "  空  白  ", "宋江道"]
    assert analyzer.parser.words_many(clauses) == words_of(analyzer.parser.tokens_many(clauses))
    assert analyzer.parser.words_many(clauses[-3:]).running == [2, 2, 2]  # 一九二〇 年, 空 白 (no space), 宋江 道

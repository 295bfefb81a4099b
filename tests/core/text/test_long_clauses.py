"""A clause of 100,000 characters (OCR output, text pasted without punctuation) is read in bounded memory, with the
same readings as its pieces would have alone."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from studyapp import text

#: 100,000 characters of an OCR scan without punctuation: Latin words and figures, with a Chinese sentence every
#: thousand characters or so whose polyphones the context model must read.
LONG_CLAUSE_SCRIPT = textwrap.dedent("""
    import json, resource, sys
    # a guard for the machine: before windows, this batch asked numpy for 13 GB; now it needs a few hundred MB
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    from studyapp.reading.analysis import Analyzer
    from studyapp.reading.dictionary import Dictionary

    filler = " ".join(f"scan {n} page" for n in range(70))
    long_clause = (" 他跑得很快我还没还你钱 " + filler) * 120
    long_clause = long_clause[:100_000]
    assert len(long_clause) == 100_000
    ordinary = [f"第{n}回他还没回来" for n in range(255)]  # one batch of the model, padded to its longest clause
    tokens = Analyzer(Dictionary.open()).analyze_many([*ordinary, long_clause])[-1]
    readings = sorted({(t.text, t.pinyin) for t in tokens if t.text in ("得", "还")})
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(json.dumps({"peak_mb": peak / 1024, "readings": readings}, ensure_ascii=False))
""")


def test_a_100k_character_clause_is_read_in_bounded_memory():
    completed = subprocess.run([sys.executable, "-c", LONG_CLAUSE_SCRIPT], capture_output=True, text=True,
                               check=False)
    assert completed.returncode == 0, completed.stderr[-2000:]
    result = json.loads(completed.stdout)
    assert result["peak_mb"] < 1000, result
    assert result["readings"] == [["得", ["de"]], ["还", ["huán"]], ["还", ["hái"]]]


def test_a_polyphone_deep_in_a_long_clause_reads_as_in_a_short_one(analyzer):
    inside = "他还没回来我还没还你钱"
    alone = [(token.text, token.pinyin) for token in analyzer.analyze(inside)]
    long_clause = "x " * 20_000 + inside + " y" * 20_000
    tokens = analyzer.analyze(long_clause)
    start = long_clause.index(inside)
    deep = [(token.text, token.pinyin) for token in tokens if start <= token.start < start + len(inside)]
    assert deep == alone


def _unpunctuated(length: int) -> str:
    """OCR-like text without punctuation: stretches of hanzi (some longer than a clause may be), Latin words
    and figures between spaces, words run into hanzi."""
    pieces, size, n = [], 0, 0
    while size < length:
        n += 1
        pieces.append("他还没回来我还没还你钱" * (1 + n % 7) + (" " if n % 3 else "") + f"scan{n} page " * (n % 4)
                      + ("缅甸见过大海" * 300 if n % 50 == 0 else ""))
        size += len(pieces[-1])
    return "".join(pieces)[:length]


def _assert_clauses_tile(source: str, document: text.Document) -> None:
    """Clauses in order, trimmed, and only whitespace between them: joined with it they give back the text."""
    position = 0
    for clause in document.clauses:
        assert clause.start >= position and source[position:clause.start].strip() == ""
        body = source[clause.start:clause.end]
        assert body and body == body.strip()
        position = clause.end
    assert source[position:].strip() == ""


def test_no_clause_of_an_unpunctuated_megabyte_line_is_longer_than_the_bound():
    source = _unpunctuated(1_000_000)
    document = text.split(source)
    assert max(clause.end - clause.start for clause in document.clauses) <= text.MAX_CLAUSE
    assert len(document.clauses) <= 2 * len(source) // text.MAX_CLAUSE + 1  # cut no finer than half the bound
    _assert_clauses_tile(source, document)
    for before, after in zip(document.clauses, document.clauses[1:], strict=False):
        if before.end == after.start:  # cut without whitespace: never inside a Latin word or figure
            assert not (source[before.end - 1].isascii() and source[after.start].isascii()), \
                source[before.end - 10:after.start + 10]


def test_a_long_clause_is_cut_at_whitespace_before_anywhere_else():
    words = [f"word{n}" for n in range(1000)]
    source = " ".join(words)
    document = text.split(source)
    assert len(document.clauses) > 1
    assert [w for i in range(len(document.clauses)) for w in document.clause_text(i).split()] == words


@pytest.mark.parametrize("grapheme", ["e\u0301", "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\U0001f1e8\U0001f1f3",
                                      "\U0001f44d\U0001f3fd", "\u845b\U000e0100", "\ud83d\ude00"],
                         ids=["accent", "family", "flag", "skin-tone", "variation", "surrogate-pair"])
def test_a_long_clause_is_never_cut_inside_a_grapheme(grapheme):
    source = grapheme * (3 * text.MAX_CLAUSE // len(grapheme) + 7)
    document = text.split(source)
    assert len(document.clauses) > 1
    assert max(clause.end - clause.start for clause in document.clauses) <= text.MAX_CLAUSE
    _assert_clauses_tile(source, document)
    assert all(clause.start % len(grapheme) == 0 for clause in document.clauses), grapheme


def test_a_line_of_marks_alone_is_cut_too():
    source = "！" * 200_000
    document = text.split(source)
    assert max(clause.end - clause.start for clause in document.clauses) <= text.MAX_CLAUSE
    _assert_clauses_tile(source, document)


def test_analysis_batches_hold_a_bounded_number_of_characters(analyzer, monkeypatch):
    """What analysis builds for a batch grows with its characters: 500 clauses of a text without punctuation are
    500,000 of them (a 5 MB line peaked at 697 MB so, 497 MB with batches bounded), a novel's 500 about 8,000."""
    from studyapp.reading.analysis import analyze_all

    source = " ".join(f"scan{n} page" for n in range(12_000))  # 170,000 characters, no clause end
    document = text.split(source)
    batches: list[int] = []
    real = analyzer.analyze_many
    monkeypatch.setattr(analyzer, "analyze_many", lambda clauses: batches.append(sum(map(len, clauses))) or real(clauses))
    analysed = [index for index, _tokens in analyze_all(document, analyzer)]
    assert analysed == list(range(len(document.clauses)))
    assert max(batches) <= 20_000 and len(batches) > 1, batches

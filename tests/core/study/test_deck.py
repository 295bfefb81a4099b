"""The vocabulary deck, as a learner relies on it: counts, first places, statuses shared by documents, search."""

import json
from collections import Counter

import pytest

from studyapp import text
from studyapp.cli import main
from studyapp.library import Library
from studyapp.study import deck
from studyapp.text import loading

from ...conftest import DEFAULT_TEXT


def build(library, analyzer, source):
    document = text.split(source) if isinstance(source, str) else text.split(loading.load(source))
    identifier = library.add_document(document, "t", None)
    gathered, found = deck.build(library, identifier, document, analyzer)
    return document, gathered, {term.word: term for term in found}


def test_counts_and_first_clauses_agree_with_a_recount_from_analyze(library, analyzer):
    document, _gathered, terms = build(library, analyzer, DEFAULT_TEXT)
    counts, first = Counter(), {}
    for index in range(len(document.clauses)):
        for token in analyzer.analyze(document.clause_text(index)):
            if token.kind == "word":
                counts[token.text] += 1
                first.setdefault(token.text, index)
    assert {word: term.count for word, term in terms.items()} == dict(counts)
    assert {word: term.first_clause for word, term in terms.items()} == first
    term = terms["双方"]
    assert document.text[term.first_start:term.first_end] == document.clause_text(first["双方"])
    assert term.pinyin == ("shuāng", "fāng") and term.hsk is not None and term.definition


def test_a_status_set_in_one_document_shows_in_another(library, analyzer):
    build(library, analyzer, DEFAULT_TEXT)
    library.set_term_status(["双方", "声明"], deck.TermStatus.KNOWN)
    library.set_term_status(["俄罗斯"], deck.TermStatus.IGNORED)
    _document, gathered, terms = build(library, analyzer, "双方发表声明。俄罗斯和中国是邻国。")
    assert terms["双方"].status == deck.TermStatus.KNOWN and terms["俄罗斯"].status == deck.TermStatus.IGNORED
    assert terms["中国"].status == deck.TermStatus.NEW
    assert terms["双方"].library_count == 18 + 1  # counted across both documents
    understood = sum(gathered.counts.get(word, 0) for word in ("双方", "声明", "俄罗斯"))
    assert deck.coverage(gathered, library.term_statuses()) == pytest.approx(understood / gathered.running_words)


@pytest.mark.parametrize("query", ["zhongguo", "zhong1guo2", "zhōngguó", "zhong guo", "Zhong Guo", "zhong1guo",
                                   "zhōngguo", "中国", "中", "china"])
def test_pinyin_search_finds_zhongguo_from_every_form(library, analyzer, query):
    _document, _gathered, terms = build(library, analyzer, "中国和俄罗斯是邻国。")
    term = terms["中国"]
    assert deck.matches(term, deck.search_index(term), query)


@pytest.mark.parametrize("query", ["zhong4", "zhòngguó", "guo", "russia", "中俄"])
def test_pinyin_search_refuses_other_words_and_other_tones(library, analyzer, query):
    _document, _gathered, terms = build(library, analyzer, "中国和俄罗斯是邻国。")
    term = terms["中国"]
    assert not deck.matches(term, deck.search_index(term), query)


def test_a_pointer_entry_does_not_stand_as_the_definition(library, analyzer):
    _document, _gathered, terms = build(library, analyzer, "中国和俄罗斯。")
    assert "variant" not in terms["和"].definition and "and" in terms["和"].definition


@pytest.mark.parametrize("content", [
    "中国\n双方\n\n中国\n",
    "word,pinyin\n中国,zhong1guo2\n双方,shuang1fang1\n",
    "中国[中國]\tzhong1guo2\tChina\n双方[雙方]\tshuang1fang1\tbilateral\n",
    "#separator:tab\n#html:true\n<b>中国</b>\tzhōngguó\tChina\n双方\tshuāngfāng\tbilateral\n",
])
def test_a_known_word_list_in_any_usual_form_marks_its_words_known(tmp_path, content, capsys):
    listing = tmp_path / "known.txt"
    listing.write_text(content, encoding="utf-8")
    assert deck.read_word_list(listing) == ["中国", "双方"]
    assert main(["known", str(listing)]) == 0
    assert "Marked 2 words known" in capsys.readouterr().err
    with Library.open() as library:
        assert library.term_statuses() == {"中国": deck.TermStatus.KNOWN, "双方": deck.TermStatus.KNOWN}


def test_an_anki_notes_export_with_its_header_lines_marks_its_words_known(tmp_path, capsys):
    """Anki's File > Export > Notes in Plain Text, written by Anki's own code with every column it offers: the
    guid comes first, so the list was refused ("holds no Chinese words")."""
    from anki.collection import Collection, DeckIdLimit

    collection = Collection(str(tmp_path / "collection.anki2"))
    deck_id = collection.decks.id("中文::HSK 1")
    for front, back in (("中国", "zhōngguó<br>China"), ("<b>双方</b>&nbsp;", 'shuāngfāng, "both sides"'),
                        ("声明", "shēngmíng")):
        note = collection.new_note(collection.models.by_name("Basic"))
        note["Front"], note["Back"], note.tags = front, back, ["HSK1", "名词"]
        collection.add_note(note, deck_id)
    export = tmp_path / "Chinese.txt"
    collection.export_note_csv(out_path=str(export), limit=DeckIdLimit(deck_id), with_html=True, with_tags=True,
                               with_deck=True, with_notetype=True, with_guid=True)
    collection.close()
    assert export.read_text(encoding="utf-8").startswith("#separator:tab\n#html:true\n#guid column:1\n")
    assert deck.read_word_list(export) == ["中国", "双方", "声明"]
    assert main(["known", str(export)]) == 0
    assert "Marked 3 words known" in capsys.readouterr().err


@pytest.mark.parametrize("content", [
    "#separator:Semicolon\n#html:false\n#notetype column:1\n#deck column:2\nBasic;中文;中国;China\nBasic;中文;双方;both\n",
    '#separator:|\n#guid column:1\n#tags column:3\n"#kq1"|中国|HSK1\n# a comment\nLp2|双方|HSK1\n',
])
def test_anki_header_lines_name_the_separator_and_the_columns_that_are_not_the_word(tmp_path, content):
    listing = tmp_path / "notes.txt"
    listing.write_text(content, encoding="utf-8")
    assert deck.read_word_list(listing) == ["中国", "双方"]


def test_a_list_without_chinese_words_gets_one_line(tmp_path, capsys):
    listing = tmp_path / "known.txt"
    listing.write_text("hello\nworld\n", encoding="utf-8")
    assert main(["known", str(listing)]) == 2
    assert "holds no Chinese words" in capsys.readouterr().err


def test_deck_json_lists_words_with_their_first_clause_and_coverage(capsys):
    assert main(["deck", str(DEFAULT_TEXT), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    words = {entry["word"]: entry for entry in result["words"]}
    assert set(words["双方"]) >= {"word", "pinyin", "definition", "hsk", "count", "status", "first_clause"}
    assert words["双方"]["status"] == "new" and words["双方"]["count"] == 18
    assert result["coverage"] == 0.0
    source = DEFAULT_TEXT.read_text(encoding="utf-8")
    span = words["双方"]["first_clause"]
    assert "双方" in source[span["start"]:span["end"]]


def test_a_join_and_a_split_apply_to_every_document_and_survive_reopening(tmp_path, analyzer):
    clause = "这宋江自在郓城县做押司，"
    with Library.open(tmp_path / "library.sqlite") as library:
        assert "郓城县" in [t.text for t in analyzer.analyze(clause)]
        library.set_segmentation_fix("郓城县", ("郓城", "县"))
        library.set_segmentation_fix("做押司", ("做", "押司"))
    with Library.open(tmp_path / "library.sqlite") as reopened:
        analyzer.set_fixes(reopened.segmentation_fixes())
    try:
        words = [t.text for t in analyzer.analyze(clause)]
        assert words[:6] == ["这", "宋江", "自", "在", "郓城", "县"] and "押司" in words
        other = [t.text for t in analyzer.analyze("郓城县的人。")]
        assert other[:2] == ["郓城", "县"]  # another text holding the string
        analyzer.set_fixes({"宋江自在": ("宋江自在",)})  # a join across jieba's words
        assert [t.text for t in analyzer.analyze(clause)][1] == "宋江自在"
    finally:
        analyzer.set_fixes({})


def test_the_heat_strip_counts_each_clauses_words_not_yet_known(library, analyzer):
    _document, gathered, _terms = build(library, analyzer, "双方发表声明。2030！俄罗斯和中国是邻国。中国！")
    statuses = {"双方": deck.TermStatus.KNOWN, "俄罗斯": deck.TermStatus.IGNORED, "中国": deck.TermStatus.LEARNING}
    words = list(gathered.numbers)
    offsets = gathered.clause_offsets
    expected = [sum(1 for number in gathered.word_numbers[offsets[i]:offsets[i + 1]]
                    if statuses.get(words[number], 0) not in deck.UNDERSTOOD) for i in range(len(offsets) - 1)]
    assert list(deck.unknown_per_clause(gathered, statuses)) == expected
    assert 0 in expected and max(expected) > 1  # a clause without words, and one with several unknown


def test_the_heat_strip_s_recount_reads_the_statuses_without_a_python_step_per_word(library, analyzer):
    """Issue 22: the recount after each status change ran a Python loop over the text's every word (20-40 ms for
    a novel's, holding the interpreter the GUI thread waited for during a review)."""
    import sys

    from studyapp.paths import default_text

    _document, gathered, _terms = build(library, analyzer, default_text().read_text(encoding="utf-8")[:3000])
    assert len(gathered.numbers) > 100
    lines = []

    def trace(frame, event, _arg):
        if frame.f_code is deck.unknown_per_clause.__code__:
            return lambda frame, event, _arg: lines.append(event) if event == "line" else None
        return None

    sys.settrace(trace)
    try:
        deck.unknown_per_clause(gathered, {"双方": deck.TermStatus.KNOWN})
    finally:
        sys.settrace(None)
    assert 0 < len(lines) < 30


def test_the_heat_strip_s_bins_are_each_run_of_clauses_share_of_unknown_words(library, analyzer):
    """Each bin: the unknown words of its run of clauses over the words there (None without words); more bins
    than clauses repeat a clause. Worked out per bin here, as the strip once did in a Python loop per pixel row."""
    from array import array

    _document, gathered, _terms = build(library, analyzer, "双方发表声明。2030！俄罗斯和中国是邻国。中国！")
    clauses = len(gathered.clause_offsets) - 1
    unknown = array("I", [n % 3 for n in range(clauses)])
    offsets = gathered.clause_offsets
    for bins in (1, 2, clauses, clauses + 3, 3 * clauses):
        expected = []
        for number in range(bins):
            first = number * clauses // bins
            last = min(clauses, max(first + 1, (number + 1) * clauses // bins))
            words = offsets[last] - offsets[first]
            expected.append(sum(unknown[first:last]) / words if words else None)
        assert deck.heat_bins(gathered, unknown, bins) == expected
    assert deck.heat_bins(gathered, unknown, 0) == []


def test_ranks_order_equal_keys_alike_and_follow_a_changed_key():
    ranks = deck.Ranks(["b", "a", "c", "a"])
    assert list(ranks.ranks) == [1, 0, 2, 0]
    ranks.set(2, "ab")  # between a and b; the other terms keep their places
    assert ranks.ranks[1] < ranks.ranks[2] < ranks.ranks[0]
    ranks.set(0, "a")  # an existing key: tied with it
    assert ranks.ranks[0] == ranks.ranks[1]
    ranks.set(3, "z")
    assert ranks.ranks[3] > ranks.ranks[2]


def test_the_decks_senses_looked_up_in_batches_are_each_words_own(analyzer):
    """``senses_of`` (many words a query) gives every word of the default text the definition ``definition``
    gives it alone, for its reading there: dictionary words, names, numbers and words the dictionary lacks."""
    document = text.split(loading.load(DEFAULT_TEXT))
    gathered = deck.gather(document, analyzer)
    pairs = [(word, gathered.readings.get(word) or ()) for word in gathered.counts]
    assert deck.senses_of(analyzer.dictionary, pairs) == {
        word: deck.definition(analyzer.dictionary, word, reading) for word, reading in pairs}

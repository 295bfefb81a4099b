"""The deck's analysis reads a word in context only where the deck keeps its reading (where the text first has it),
and still gathers exactly the deck of the full analysis, which reads every occurrence in context."""

import pytest

from studyapp import text
from studyapp.reading.analysis import Analyzer, analyze_all
from studyapp.reading.dictionary import Dictionary
from studyapp.study import deck
from studyapp.text import loading

from ...conftest import DEFAULT_TEXT


def full_deck(document, analyzer, pins=None) -> deck.DocumentWords:
    """The deck of every clause read as the reader reads it (``analyze_all``, each occurrence in context)."""
    found = deck.DocumentWords()
    for index, tokens in analyze_all(document, analyzer):
        found.add_clause(index, pins.apply(document, index, tokens) if pins else tokens)
    return found


@pytest.fixture(scope="module")
def statement():
    return text.split(loading.load(DEFAULT_TEXT))


def test_the_deck_and_its_senses_are_the_full_analysis(statement, analyzer):
    gathered = deck.gather(statement, analyzer)
    full = full_deck(statement, analyzer)
    assert gathered == full  # counts, first clauses, readings, numbers, word numbers, running words per clause
    assert list(gathered.numbers) == list(full.numbers)
    assert deck.dictionary_senses(gathered, analyzer.dictionary) == deck.dictionary_senses(full, analyzer.dictionary)


def test_the_deck_asks_the_model_and_the_grammar_only_where_a_word_is_first_met(statement, monkeypatch):
    """A novel's words are first met in a tenth of its clauses: the model's 90,000 requests of 水浒传 fell to 2,000."""
    analyzer = Analyzer(Dictionary.open())  # nothing answered before
    asked: list[tuple[str, int, tuple[str, ...]]] = []
    ruled: list[str] = []
    guess, settled = analyzer.context.model.guess, analyzer.grammar.settled
    monkeypatch.setattr(analyzer.context.model, "guess", lambda requests: asked.extend(requests) or guess(requests))
    monkeypatch.setattr(analyzer.grammar, "settled", lambda clause, tokens: ruled.append(clause) or
                        settled(clause, tokens))
    gathered = deck.gather(statement, analyzer)
    monkeypatch.undo()
    first_met = {statement.clause_text(index) for index in gathered.first_clause.values()}
    assert asked and ruled and set(ruled) <= first_met
    for clause, at, _candidates in asked:  # each request is about a word first met in its clause
        word = next(token.text for token in analyzer.analyze(clause) if token.start <= at < token.end)
        assert statement.clause_text(gathered.first_clause[word]) == clause
    full_requests = []
    monkeypatch.setattr(analyzer.context.model, "guess", lambda requests: full_requests.extend(requests) or
                        guess(requests))
    analyzer.forget()
    full_deck(statement, analyzer)
    assert len(asked) * 2 < len(full_requests)


def test_after_the_decks_analysis_the_reader_reads_every_occurrence_in_context():
    """The deck's analysis leaves the second 还 and 了 as the parser reads them (hái, and 了 without the model), but
    keeps nothing of that: the reader's analysis of the clause reads them in context (借书要还 huán)."""
    document = text.split("他还没来，他去银行了。借书要还，长大了。")
    analyzer = Analyzer(Dictionary.open())
    gathered = deck.gather(document, analyzer)
    assert gathered.readings["还"] == ("hái",)
    read = analyzer.analyze_many(["借书要还", "长大了"])
    assert read == Analyzer(Dictionary.open()).analyze_many(["借书要还", "长大了"])
    assert [(t.pinyin, t.source) for t in read[0] if t.text == "还"] == [(("huán",), "grammar")]
    assert [t.source for t in read[1] if t.text == "了"] == ["context 1.00"]


def test_a_pinned_reading_where_a_word_is_first_met_is_the_decks(statement, analyzer):
    """A pin on a word's first occurrence gives the deck its reading; one on a later occurrence changes nothing."""
    from studyapp.reading.pins import Pins

    full = full_deck(statement, analyzer)
    word = "双方"
    later = [index for index in range(len(statement.clauses)) if word in statement.clause_text(index)]
    pins = Pins({statement.clauses.starts[index] + statement.clause_text(index).index(word): (word, reading)
                 for index, reading in ((later[0], ("shuàng", "fàng")), (later[1], ("shuǎng", "fǎng")))})
    gathered = deck.gather(statement, analyzer, pins=pins)
    assert gathered.readings[word] == ("shuàng", "fàng") != full.readings[word]
    assert gathered == full_deck(statement, analyzer, pins)


def test_a_parser_with_tokens_alone_gathers_the_same_deck(statement, analyzer):
    """A parser without the batch calls (``Parser``'s seam: tokens of a clause, a word's reading) still gathers."""

    class TokensAlone:
        def __init__(self, parser):
            self.tokens, self.reading, self.forget = parser.tokens, parser.reading, parser.forget

    alone = Analyzer(analyzer.dictionary, TokensAlone(analyzer.parser))
    assert not hasattr(alone.parser, "words_many")
    assert deck.gather(statement, alone) == full_deck(statement, analyzer)

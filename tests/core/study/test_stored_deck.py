"""A document's analysis kept in the library: reopening reads it back, and only while it is still what analysing
again would give."""

import zlib

import pytest

from studyapp import text
from studyapp.document import Pins
from studyapp.study import deck, stored_deck
from studyapp.text import loading

from ...conftest import DEFAULT_TEXT


@pytest.fixture
def counted(analyzer, monkeypatch):
    """The analyser, with the clauses it is asked to read counted (by the reader, or for the deck)."""
    calls = []
    analyze_many, first_readings = analyzer.analyze_many, analyzer.first_readings

    def counting(clauses):
        calls.extend(clauses)
        return analyze_many(clauses)

    def counting_first(clauses, met):
        calls.extend(clauses)
        return first_readings(clauses, met)

    monkeypatch.setattr(analyzer, "analyze_many", counting)
    monkeypatch.setattr(analyzer, "first_readings", counting_first)
    return calls


@pytest.fixture
def document(library):
    document = text.split(loading.load(DEFAULT_TEXT))
    return library.add_document(document, "t", None), document


def opened(library, analyzer, document, pins=None) -> stored_deck.Deck:
    """What reopening the document does: the deck, kept in the library as the window keeps it."""
    identifier, split = document
    made = stored_deck.deck(library, identifier, split, analyzer, pins or Pins())
    stored_deck.store(library, identifier, made)
    return made


def listed(library, analyzer, document, made):
    identifier, split = document
    found = deck.terms(split, made.words, analyzer, library.term_statuses(),
                       stored_deck.library_counts(library, identifier, made.words), library.own_definitions(),
                       library.chosen_senses(), made.senses)
    return [(t.word, t.pinyin, t.definition, t.count, t.library_count, t.first_clause) for t in found]


def same_words(one, other) -> bool:
    return (one.counts, one.first_clause, one.readings, one.clause_words, one.numbers, one.word_numbers,
            one.clause_offsets) == (other.counts, other.first_clause, other.readings, other.clause_words,
                                    other.numbers, other.word_numbers, other.clause_offsets)


def test_a_reopened_document_is_not_analysed_again_and_lists_the_same_terms(library, analyzer, document, counted):
    first = opened(library, analyzer, document)
    assert not first.stored and len(counted) == len(document[1].clauses)
    counted.clear()
    again = opened(library, analyzer, document)
    assert again.stored and counted == []  # the analyser did not run
    assert same_words(again.words, first.words) and again.keys == first.keys == stored_deck.search_keys(first.words)
    assert listed(library, analyzer, document, again) == listed(library, analyzer, document, first)
    fresh = deck.terms(document[1], deck.gather(document[1], analyzer), analyzer, {}, library.library_counts())
    assert [(t.word, t.definition, t.count, t.library_count) for t in fresh] == \
        [(word, meaning, count, library_count) for word, _p, meaning, count, library_count, _f
         in listed(library, analyzer, document, again)]


def test_a_segmentation_fix_made_since_leaves_the_stored_analysis_unused(library, analyzer, document, counted):
    opened(library, analyzer, document)
    library.set_segmentation_fix("双方", ("双", "方"))
    counted.clear()
    again = opened(library, analyzer, document)
    assert not again.stored and len(counted) == len(document[1].clauses)
    library.set_segmentation_fix("双方", None)  # taken back: the analysis stored under the fix is not used either
    counted.clear()
    assert not opened(library, analyzer, document).stored and counted


def test_a_pinned_reading_reads_its_own_clause_again_and_no_other(library, analyzer, document, counted):
    identifier, split = document
    opened(library, analyzer, document)
    word = "双方"
    clause = next(index for index in range(len(split.clauses))
                  if any(t.text == word for t in analyzer.analyze(split.clause_text(index))))
    start = split.clauses.starts[clause] + split.clause_text(clause).index(word)
    pins = Pins({start: (word, ("shuàng", "fàng"))})
    counted.clear()
    again = opened(library, analyzer, document, pins)
    assert again.stored and counted == [split.clause_text(clause)]
    assert again.words.readings[word] == ("shuàng", "fàng")
    assert same_words(again.words, deck.gather(split, analyzer, pins=pins))  # as a full pass with the pin finds
    counted.clear()
    assert opened(library, analyzer, document, pins).stored and counted == []  # kept with the pin since


def test_a_newer_analyser_ignores_an_older_stored_analysis(library, analyzer, document, counted, monkeypatch):
    opened(library, analyzer, document)
    monkeypatch.setattr(stored_deck, "ANALYSIS_VERSION", stored_deck.ANALYSIS_VERSION + 1)
    counted.clear()
    assert not opened(library, analyzer, document).stored and counted


@pytest.mark.parametrize("damage", ["data", "pins", "cut"])
def test_a_damaged_stored_analysis_is_made_again_without_an_error(library, analyzer, document, counted, damage):
    first = opened(library, analyzer, document)
    with library.transaction() as db:
        if damage == "data":
            db.execute("UPDATE document_analyses SET data = ?", (stored_deck.MAGIC + b"\x78\x01garbage",))
        elif damage == "pins":
            db.execute("UPDATE document_analyses SET pins = '{'")
        else:
            db.execute("UPDATE document_analyses SET data = substr(data, 1, length(data) / 2)")
    counted.clear()
    again = opened(library, analyzer, document)
    assert not again.stored and counted and same_words(again.words, first.words)
    counted.clear()
    assert opened(library, analyzer, document).stored and counted == []  # and stored whole again


def test_a_packed_deck_reads_back_whole_and_refuses_other_clauses(library, analyzer, document):
    made = opened(library, analyzer, document)
    words, senses, keys = stored_deck.unpack(made.packed, len(document[1].clauses))
    assert same_words(words, made.words) and senses == made.senses and keys == made.keys
    with pytest.raises(ValueError):
        stored_deck.unpack(made.packed, len(document[1].clauses) + 1)


def test_a_deck_stored_in_one_piece_by_an_earlier_version_reads_back_alike(library, analyzer, document):
    """pack feeds the compressor part by part and unpack reads part by part (a novel's whole body is never held):
    the blob is the same format, so what an earlier version stored (compressed whole) is still used."""
    made = opened(library, analyzer, document)
    body = zlib.decompress(made.packed[len(stored_deck.MAGIC):])
    whole = stored_deck.MAGIC + zlib.compress(body, 1)
    words, senses, keys = stored_deck.unpack(whole, len(document[1].clauses))
    assert same_words(words, made.words) and senses == made.senses and keys == made.keys
    assert all(words.readings[word] == made.words.readings[word] for word in made.words.counts)


@pytest.mark.parametrize("change", ["longer", "shorter"])
def test_a_deck_of_another_length_is_refused(library, analyzer, document, change):
    made = opened(library, analyzer, document)
    body = zlib.decompress(made.packed[len(stored_deck.MAGIC):])
    data = {"longer": stored_deck.MAGIC + zlib.compress(body + b"\0", 1),
            "shorter": stored_deck.MAGIC + zlib.compress(body[:-1], 1)}[change]
    with pytest.raises(ValueError):
        stored_deck.unpack(data, len(document[1].clauses))


def test_reading_here_waits_for_the_context_model_still_loading(library, analyzer, document, counted, monkeypatch):
    """The window starts the analysis while its context model loads: a deck read in this process waits for the
    model before its first clause (its readings are in context), and is kept as made with it."""
    identifier, split = document
    model = analyzer.context
    monkeypatch.setattr(analyzer, "context", None)
    read_before_it_came: list[int] = []

    def until_context() -> None:
        read_before_it_came.append(len(counted))
        analyzer.context = model  # arrived

    made = stored_deck.deck(library, identifier, split, analyzer, Pins(), until_context=until_context)
    assert read_before_it_came and read_before_it_came[0] == 0
    assert made.words == deck.gather(split, analyzer)  # in context
    assert made.key == stored_deck.analysis_key(split, analyzer, {}, [])
    stored_deck.store(library, identifier, made)
    counted.clear()
    assert stored_deck.deck(library, identifier, split, analyzer, Pins(), until_context=until_context).stored
    assert not counted


def test_a_deck_read_after_the_model_failed_is_kept_as_read_without_it(library, analyzer, document, monkeypatch):
    identifier, split = document
    monkeypatch.setattr(analyzer, "context", None)
    made = stored_deck.deck(library, identifier, split, analyzer, Pins(), until_context=lambda: None)
    assert made.key == stored_deck.analysis_key(split, analyzer, {}, [], context=False)
    assert made.key != stored_deck.analysis_key(split, analyzer, {}, [], context=True)

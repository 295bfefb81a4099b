"""Rules the app states once and every module imports: where a sentence ends, what a hanzi is, numbered pinyin,
and a core whose modules import one another without a circle."""

import pytest

from studyapp import text
from studyapp.segments import Segment, regroup_by_sentence


def sentences_of(source: str) -> list[str]:
    """Group by Sentence on a text whose every clause is one segment, as the window groups them."""
    document = text.split(source)
    clauses = [Segment(number, clause.start, clause.end, "", 0) for number, clause in enumerate(document.clauses)]
    joined, _removed = regroup_by_sentence(document, clauses)
    return [document.span_text(segment.start, segment.end) for segment in joined]


@pytest.mark.parametrize("closed", ['走吧。"', "走吧。」", "走吧！”", "走吧？）", "走吧。』", "走吧……’", "走吧!'",
                                    "走吧。】", "走吧。〉"])
def test_group_by_sentence_ends_a_sentence_after_the_closing_mark_of_its_full_stop(closed):
    assert sentences_of(f"他说：{closed}我们就走，没有回头。") == [f"他说：{closed}", "我们就走，没有回头。"]


def test_group_by_sentence_runs_on_across_commas_and_colons_only():
    assert sentences_of("他说：好，走吧；明天见。下一句。") == ["他说：好，走吧；明天见。", "下一句。"]


def test_a_tmx_by_sentence_cuts_its_units_where_group_by_sentence_does():
    from studyapp.exchange import sentence_pairs

    document = text.split('他说："走吧。"我们就走，没有回头。')
    translated = [Segment(number, clause.start, clause.end, f"t{number}", 1)
                  for number, clause in enumerate(document.clauses)]
    assert [source for source, _target in sentence_pairs(document, translated)] == \
        ['他说："走吧。"', "我们就走，没有回头。"]


def test_pleco_cards_and_the_deck_search_number_lü_as_lv(library, analyzer):
    """绿色 went to Pleco as lu4se4 (路色) and 女儿 as nu3er2: ǜ lost its dots with its tone mark."""
    from studyapp import deck
    from studyapp.deck_export import cards, export_deck

    document = text.split("她女儿穿绿色的衣服。")
    identifier = library.add_document(document, "t", None)
    _gathered, found = deck.build(library, identifier, document, analyzer)
    pleco = export_deck(cards(document, library.segments(identifier), found), "pleco").decode("utf-8").splitlines()
    assert any(line.startswith("绿色\tlv4se4\t") for line in pleco)
    assert any(line.startswith("女儿\tnv3er2\t") for line in pleco)
    green = next(term for term in found if term.word == "绿色")
    assert deck.matches(green, deck.search_index(green), "lv4se4")
    assert deck.matches(green, deck.search_index(green), "lvse")
    assert not deck.matches(green, deck.search_index(green), "lu4se4")

"""The parser works per distinct word, not per token: what it works out once is reused, bounded, dropped when a
document closes, and redone when the learner's words change."""

from __future__ import annotations

import random
import weakref

from studyapp.reading import analysis, grammar_readings
from studyapp.reading.analysis import Analyzer
from studyapp.reading.dictionary import Dictionary


def words(analyzer: Analyzer, clause: str) -> list[str]:
    return [token.text for token in analyzer.analyze(clause)]


def test_a_word_the_learner_defines_after_it_was_read_stays_whole_from_then_on():
    """坐在 (jieba's word, not CC-CEDICT's) was read and cut into 坐 在; once the learner defines it, it is whole,
    here and in every clause read after."""
    analyzer = Analyzer(Dictionary.open(), context=False)
    assert words(analyzer, "他坐在门槛上") == ["他", "坐", "在", "门槛", "上"]
    analyzer.set_fixes({}, own_words=["坐在"])
    assert words(analyzer, "他坐在门槛上") == ["他", "坐在", "门槛", "上"]
    assert analyzer.analyze_many(["我坐在这里。", "他坐在门槛上"])[1] == analyzer.analyze("他坐在门槛上")
    analyzer.set_fixes({})
    assert words(analyzer, "他坐在门槛上") == ["他", "坐", "在", "门槛", "上"]


def test_fixes_apply_to_every_run_of_hanzi_of_a_batch():
    """Many clauses are cut in one call; a fix applies in each run of hanzi, as when each clause is read alone."""
    analyzer = Analyzer(Dictionary.open(), context=False)
    analyzer.set_fixes({"郓城县": ("郓城", "县"), "宋江自在": ("宋江自在",)})
    clauses = ["这宋江自在郓城县做押司，", "郓城县的人。", "“宋江自在！”郓城县，宋江自在", "", "2030年"]
    together = analyzer.analyze_many(clauses)
    assert together == [analyzer.analyze(clause) for clause in clauses]
    assert [t.text for t in together[2] if t.kind == "word"] == ["宋江自在", "郓城", "县", "宋江自在"]


def test_forget_drops_what_was_worked_out_per_word():
    """Closing a document drops its words' cuts, readings, plans for the model and the grammar's jieba cuts and
    tags: memory comes back."""
    analyzer = Analyzer(Dictionary.open())
    analyzer.analyze_many(["宋江道：“兄弟！”", "他还没还书", "一九二二年", "他跑得很快"])
    parser, context = analyzer.parser, analyzer.context
    assert parser._expanded and parser._grouped_alone and context._plans
    assert len(grammar_readings._jieba_cut) and len(grammar_readings._tag)
    analyzer.forget()
    assert not parser._expanded and not parser._grouped_alone and not context._plans
    assert not len(grammar_readings._jieba_cut) and not len(grammar_readings._tag)


class Kept:
    """A value the caches hold, whose end can be seen (a weak reference to it dies)."""


def test_forget_empties_the_caches_at_once_and_leaves_the_freeing_to_the_caller():
    """Closing a novel on the GUI thread freed its 300,000 cached entries there (65-140 ms): forget() only swaps
    in empty caches; the old entries live until ``free`` (a job's), which frees them all."""
    analyzer = Analyzer(Dictionary.open())
    read = analyzer.analyze_many(["宋江道：“兄弟！”", "他还没还书", "一九二二年", "他跑得很快"])
    parser = analyzer.parser
    kept = Kept()
    parser._expanded["哨兵"] = (kept,)
    grammar_readings._tag._values["哨兵"] = kept  # type: ignore[assignment]
    alive = weakref.ref(kept)
    del kept
    leftovers = analyzer.forget()
    assert not parser._expanded and not parser._reading_cache and not analyzer.context._guesses
    assert not len(grammar_readings._tag) and not len(grammar_readings._jieba_cut)
    assert alive() is not None and len(leftovers) > 10
    leftovers.free()
    assert alive() is None and len(leftovers) == 0
    assert analyzer.analyze("他跑得很快") == read[-1]  # the empty caches fill again


def test_a_huge_text_of_made_up_words_keeps_what_is_worked_out_per_word_bounded(monkeypatch):
    """Made-up words never repeat: past the limit, the per-word caches start again, and the tokens come out as
    an analyzer with room for every word reads them."""
    clauses = _made_up_clauses(400)
    unbounded = Analyzer(Dictionary.open()).analyze_many(clauses)
    monkeypatch.setattr(analysis, "READING_CACHE_LIMIT", 150)
    analyzer = Analyzer(Dictionary.open())
    read = []
    for first in range(0, len(clauses), 20):
        read.extend(analyzer.analyze_many(clauses[first:first + 20]))
        assert len(analyzer.parser._expanded) <= 150
        assert len(analyzer.parser._grouped_alone) <= 150
        assert len(analyzer.context._plans) <= 150
    assert read == unbounded


def _made_up_clauses(count: int) -> list[str]:
    """Clauses of hanzi drawn at random (the same each run), with punctuation between."""
    chosen = random.Random(22)
    common = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后"
    return ["".join(chosen.choice(common) if chosen.random() < 0.3 else chr(chosen.randrange(0x4E00, 0x9FA5))
                    for _ in range(chosen.randrange(3, 12))) + chosen.choice("，。！：“")
            for _ in range(count)]


def test_the_cached_readings_share_their_syllables():
    """A novel's 19,000 distinct words have 1,300 distinct syllables and a few dozen sets of open positions: the
    caches keep one copy of each (6 MB of the novel's caches were copies)."""
    parser = Analyzer(Dictionary.open(), context=False).parser
    assert parser.reading("中国")[1] is parser.reading("国家")[0]
    assert parser.open_positions("长臂管") is parser.open_positions("宋江还")  # {2}: the last character


def test_a_refrain_is_read_once_and_reads_as_the_first_time(monkeypatch):
    """宋江道： comes back hundreds of times in a novel: a short clause met again, in the batch or after, is not
    analysed again, and its tokens are those it had."""
    analyzer = Analyzer(Dictionary.open())
    fresh = Analyzer(Dictionary.open()).analyze_many(["宋江道：", "他还没还书", "他跑得很快，我也跑得很快。"])
    asked: list[str] = []
    tokens_many = analyzer.parser.tokens_many
    monkeypatch.setattr(analyzer.parser, "tokens_many",
                        lambda clauses: asked.extend(clauses) or tokens_many(clauses))
    assert analyzer.analyze_many(["宋江道：", "他还没还书", "宋江道：", "他跑得很快，我也跑得很快。"]) == [
        fresh[0], fresh[1], fresh[0], fresh[2]]
    assert asked == ["宋江道：", "他还没还书", "他跑得很快，我也跑得很快。"]
    assert analyzer.analyze_many(["宋江道：", "他还没还书", "他跑得很快，我也跑得很快。"]) == fresh
    assert asked[3:] == ["他跑得很快，我也跑得很快。"]  # longer than a refrain: read again


def test_refrains_kept_are_bounded_and_dropped_with_the_document(monkeypatch):
    """Past ``REFRAINS`` short clauses the store starts again, reading as before; forget() empties it."""
    clauses = [clause[:analysis.REFRAIN_LENGTH] for clause in _made_up_clauses(60)]
    unbounded = Analyzer(Dictionary.open()).analyze_many(clauses)
    monkeypatch.setattr(analysis, "REFRAINS", 7)
    analyzer = Analyzer(Dictionary.open())
    read = []
    for first in range(0, len(clauses), 5):
        read.extend(analyzer.analyze_many(clauses[first:first + 5] + clauses[:2]))
        read[-2:] = []
        assert len(analyzer._refrains) <= 7
    assert read == unbounded
    analyzer.forget()
    assert not analyzer._refrains

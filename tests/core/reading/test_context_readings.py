"""Readings you can trust: polyphones read from their sentence, the dictionary's neutral tones kept."""

from __future__ import annotations

import pytest

from studyapp.reading.analysis import Analyzer
from studyapp.reading.context_readings import context_model
from studyapp.reading.dictionary import Dictionary


def reading_in(analyzer, clause: str, character: str, occurrence: int = 0) -> str:
    """The syllable shown over the ``occurrence``-th ``character`` of the clause."""
    seen = 0
    for token in analyzer.analyze(clause):
        for position, ch in enumerate(token.text):
            if ch == character:
                if seen == occurrence:
                    return token.pinyin[position]
                seen += 1
    raise AssertionError(f"{character} not in {clause}")


@pytest.mark.parametrize(("clause", "character", "expected"), [
    ("他还没回来", "还", "hái"), ("请把书还给我", "还", "huán"),
    ("这条河很长", "长", "cháng"), ("孩子长得很快", "长", "zhǎng"),
    ("他得了第一名", "得", "dé"), ("跑得很快", "得", "de"), ("我得走了", "得", "děi"),
    ("他看着我", "着", "zhe"), ("我睡不着", "着", "zháo"), ("他着手准备", "着", "zhuó"),
    ("你走路行吗", "行", "xíng"), ("他在银行工作", "行", "háng"),
    ("这个箱子很重", "重", "zhòng"), ("他重写了一遍", "重", "chóng"),
    ("我为你高兴", "为", "wèi"), ("以事实为基础", "为", "wéi"), ("他被选为班长", "为", "wéi"),
    ("成都是四川的省会", "都", "dū"), ("我们都来了", "都", "dōu"),
])
def test_a_polyphone_reads_as_its_sentence_says(analyzer, clause, character, expected):
    assert reading_in(analyzer, clause, character) == expected


def test_the_same_character_reads_two_ways_in_one_clause(analyzer):
    assert reading_in(analyzer, "他还没还书", "还", 0) == "hái"
    assert reading_in(analyzer, "他还没还书", "还", 1) == "huán"


@pytest.mark.parametrize(("word", "expected"), [("差不多", "chà bu duō"), ("对不起", "duì bu qǐ"),
                                                ("了不起", "liǎo bu qǐ")])
def test_the_dictionarys_neutral_tones_stay(analyzer, word, expected):
    assert [t.pinyin_text for t in analyzer.analyze(f"真是{word}") if t.text.endswith(word)] == [expected]


def test_buying_things_reads_dongxi_with_a_neutral_tone(analyzer):
    assert reading_in(analyzer, "我去买东西", "西") == "xi"
    assert reading_in(analyzer, "东西南北", "西") == "xī"


def test_a_reading_says_where_it_came_from(analyzer):
    tokens = {t.text: t for t in analyzer.analyze("他还没还书")}
    assert tokens["还书"].source == "dictionary"  # the word's only reading
    first = next(t for t in analyzer.analyze("他还没回来") if t.text == "还")
    assert first.source.startswith("context ") and 0.5 < float(first.source.split()[1]) <= 1.0


def test_batched_readings_match_one_sentence_at_a_time():
    """The batched, table-driven recurrence gives g2pM's own answers (its G2pM reads one sentence at a time)."""
    from g2pM import G2pM

    model, reference = context_model(), G2pM()
    sentences = ["他还没还书", "银行行长说行", "我们都去首都了", "睡着了的人笑着说", "长大后头发很长"]
    requests = [(s, i, model.readings[ch]) for s in sentences for i, ch in enumerate(s) if model.is_polyphone(ch)]
    guesses = model.guess(requests)
    for (sentence, index, _candidates), guess in zip(requests, guesses, strict=True):
        theirs = reference(sentence, char_split=True)[index]
        if theirs in model.readings[sentence[index]]:
            assert guess.reading == theirs, (sentence, index)


@pytest.mark.parametrize(("words", "expected"), [
    ([("一个", ("yī", "gè"))], [("yí", "gè")]),
    ([("不是", ("bù", "shì"))], [("bú", "shì")]),
    ([("你好", ("nǐ", "hǎo"))], [("ní", "hǎo")]),
    ([("很", ("hěn",)), ("好", ("hǎo",))], [("hén",), ("hǎo",)]),
    ([("一", ("yī",)), ("天", ("tiān",))], [("yì",), ("tiān",)]),
    ([("第一", ("dì", "yī")), ("天", ("tiān",))], [("dì", "yī"), ("tiān",)]),  # an ordinal keeps yī
    ([("好", ("hǎo",)), ("，", None), ("好", ("hǎo",))], [("hǎo",), None, ("hǎo",)]),  # punctuation ends a run
])
def test_tones_as_spoken(words, expected):
    from studyapp.reading.pinyin import as_spoken

    assert as_spoken(words) == expected


def test_without_the_context_model_the_dictionary_still_reads(monkeypatch):
    """A broken install of the model's package must not stop the app from reading."""
    from studyapp.reading import context_readings

    def broken():
        raise OSError("np_ckpt.pkl: no such file")

    monkeypatch.setattr(context_readings, "context_model", broken)
    analyzer = Analyzer(Dictionary.open())
    assert analyzer.context is None
    assert [t.pinyin_text for t in analyzer.analyze("还书") if t.text == "还书"] == ["huán shū"]


@pytest.mark.parametrize(("clause", "character", "occurrence", "expected"), [
    ("他跑得很快", "得", 0, "de"), ("她写得不错", "得", 0, "de"), ("天冷得厉害", "得", 0, "de"),
    ("收拾得干干净净", "得", 0, "de"), ("你得好好想想", "得", 0, "děi"),
    ("慢慢地走", "地", 0, "de"), ("高兴地笑了", "地", 0, "de"), ("认真地听", "地", 0, "de"),
    ("借书要还", "还", 0, "huán"), ("我还没还你钱", "还", 0, "hái"), ("我还没还你钱", "还", 1, "huán"),
    ("一只鸟", "只", 0, "zhī"), ("孩子长高了", "长", 0, "zhǎng"), ("他为大家做饭", "为", 0, "wèi"),
    ("种菜", "种", 0, "zhòng"), ("教我写字", "教", 0, "jiāo"), ("背着行李", "背", 0, "bēi"),
    ("把东西都搬走了", "东", 0, "dōng"), ("把东西都搬走了", "西", 0, "xi"), ("把东西都搬走了", "都", 0, "dōu"),
])
def test_everyday_words_read_as_their_grammar_says(analyzer, clause, character, occurrence, expected):
    """Issue 18's sentences: the particles 得 and 地 after what they follow, 还 "give back", 只 as a measure word,
    and verbs before their objects (长高, 为大家, 种菜, 教我写字, 背着行李), 东西 "thing"."""
    assert reading_in(analyzer, clause, character, occurrence) == expected


@pytest.mark.parametrize(("clause", "character", "expected"), [
    ("瑜得五万兵", "得", "dé"), ("辞退不得", "得", "dé"), ("蛮兵得了蜀寨", "得", "dé"),  # obtain, can
    ("在地上", "地", "dì"), ("入地八尺", "地", "dì"),  # the ground
    ("这只是一个梦", "只", "zhǐ"), ("这种菜", "种", "zhǒng"), ("以事实为基础", "为", "wéi"),
    ("为我所不愿追怀", "为", "wéi"), ("东西两路火光大起", "西", "xī"), ("很长的路", "长", "cháng"),
])
def test_the_grammar_rules_leave_other_readings_alone(analyzer, clause, character, expected):
    assert reading_in(analyzer, clause, character) == expected


def test_cheap_reads_pianyi_with_a_neutral_tone(analyzer):
    """便宜 "cheap" is pián yi; biàn yí ("as one sees fit") was shown for it."""
    assert [t.pinyin_text for t in analyzer.analyze("你便宜点儿吧") if t.text == "便宜"] == ["pián yi"]


@pytest.mark.parametrize(("clause", "character", "expected"), [
    ("工人将我高高地抱起", "地", "de"),  # jieba's 高高地 was cut into 高 高地 "highland"
    ("曾经这样地问过她", "地", "de"),  # 问过 cut into 问 过, and 问 alone is tagged a noun
    ("他曾在山脚下遇见一只饿狼", "只", "zhī"),  # 饿狼 cut into 饿 狼, and 饿 alone is a verb
])
def test_the_grammar_reads_jiebas_words_around_a_particle_not_their_dictionary_pieces(analyzer, clause, character,
                                                                                       expected):
    """Words the dictionary lacks are cut into dictionary words for the reader; the grammar still sees the words
    jieba found around a particle, and a particle jieba glued onto a word is cut off before the rest is re-cut."""
    assert reading_in(analyzer, clause, character) == expected


def test_the_model_runs_on_one_blas_thread_whatever_the_machine_has(monkeypatch):
    """OpenBLAS starts one thread per core by default; beside the app's other jobs, on a busy machine, that made
    a novel's readings several times slower. During a guess, threadpoolctl sees one BLAS thread."""
    from threadpoolctl import threadpool_info

    model = context_model()
    seen: list[int] = []
    recur = model._recur

    def watched(*args):
        seen.extend(info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas")
        return recur(*args)

    monkeypatch.setattr(model, "_recur", watched)
    model.guess([("他还没还书", 1, ("hai2", "huan2")), ("请把书还给我", 3, ("hai2", "huan2"))])
    assert seen and set(seen) == {1}


def test_many_clauses_at_once_read_as_each_alone(analyzer):
    """analyze_many cuts all the clauses' runs of hanzi in one call and reads their polyphones in one batch; each
    clause must come out as it does alone (runs beside latin, numbers, punctuation, a clause with no hanzi)."""
    clauses = ["他还没还书", "2030年COVID-19还在", "银行行长说：“行！”", "...", "长臂管辖和数千万人", "我们都去首都了",
               "张顺闻言，泪如雨下", "一九二〇年", "他跑得很快"]
    alone = [analyzer.analyze(clause) for clause in clauses]
    assert analyzer.analyze_many(clauses) == alone
    assert analyzer.analyze_many(clauses[::-1]) == alone[::-1]


def test_a_clause_read_again_does_not_run_the_model_again(monkeypatch):
    """The reader's rows are analysed, then the background job analyses the whole document: the model answers each
    (clause, character, candidates) once per document."""
    analyzer = Analyzer(Dictionary.open())
    asked: list[list] = []
    guess = analyzer.context.model.guess
    monkeypatch.setattr(analyzer.context.model, "guess", lambda requests: asked.append(requests) or guess(requests))
    first = analyzer.analyze_many(["他还没还书", "我们都去首都了", "他还没还书"])
    assert len(asked) == 1 and {request[0] for request in asked[0]} == {"他还没还书", "我们都去首都了"}
    assert len(set(asked[0])) == len(asked[0])  # the repeated clause was asked once
    assert analyzer.analyze_many(["我们都去首都了", "他还没还书"]) == first[1:]
    assert len(asked) == 1
    analyzer.forget()
    analyzer.analyze("他还没还书")
    assert len(asked) == 2


def test_the_models_answers_start_again_when_too_many_are_kept(monkeypatch):
    """A batch with some clauses answered before and some new, past the limit of answers kept, still reads them
    all (the reset dropped the answers the batch was about to use: KeyError on the novel)."""
    from studyapp.reading import analysis

    monkeypatch.setattr(analysis, "GUESS_CACHE_LIMIT", 3)
    analyzer = Analyzer(Dictionary.open())
    seen = analyzer.analyze_many(["他还没还书"])
    assert analyzer.analyze_many(["我们都去首都了", "他还没还书", "请把书还给我"])[1] == seen[0]
    assert reading_in(analyzer, "请把书还给我", "还") == "huán"


def test_a_guess_of_nothing_is_nothing():
    """The model reads each direction only as far as the characters asked about: with none, nothing at all."""
    assert context_model().guess([]) == []


def _asked_of_model(analyzer, monkeypatch) -> list[tuple[str, int, tuple[str, ...]]]:
    """Every request the context model answers from now on (the real model, its calls recorded)."""
    asked: list[tuple[str, int, tuple[str, ...]]] = []
    guess = analyzer.context.model.guess
    monkeypatch.setattr(analyzer.context.model, "guess", lambda requests: asked.extend(requests) or guess(requests))
    return asked


@pytest.mark.parametrize("clause", ["她写得不错", "天冷得厉害", "你得好好想想", "慢慢地走", "白鹤一只", "种菜",
                                    "长臂管辖"])
def test_the_model_is_not_run_on_a_clause_with_no_choice_left(monkeypatch, clause):
    """Issue 22: every polyphone here is settled by a grammar rule (得 after a verb, 地 after an adverbial, 只
    after a number, 种 before a crop) or by the word it is a piece of (长 of 长臂, as in 长臂猿): the model would
    only be overruled, so it is not asked."""
    analyzer = Analyzer(Dictionary.open())
    asked = _asked_of_model(analyzer, monkeypatch)
    analyzer.analyze(clause)
    assert asked == []


def test_the_model_is_asked_only_where_the_grammar_leaves_a_choice(monkeypatch):
    """他还没还你钱: the second 还 (before 你) is the grammar's huán; the first, hái, is the model's to choose."""
    analyzer = Analyzer(Dictionary.open())
    asked = _asked_of_model(analyzer, monkeypatch)
    assert [t.pinyin_text for t in analyzer.analyze("他还没还你钱") if t.text == "还"] == ["hái", "huán"]
    assert [(at, set(candidates)) for _clause, at, candidates in asked] == [(1, {"hai2", "huan2"})]


def test_readings_where_the_model_is_skipped_are_the_full_models():
    """On the default text, the readings with the model asked only where a choice is left are those of the model
    asked about every open polyphone, its answers then overruled by the grammar (as before issue 22)."""
    from studyapp import text
    from studyapp.paths import default_text
    from studyapp.text.loading import load

    analyzer = Analyzer(Dictionary.open())
    document = text.split(load(default_text()))
    clauses = [document.clause_text(index) for index in range(len(document.clauses))]
    parsed = analyzer.parser.tokens_many(clauses)
    settled = [analyzer.grammar.settled(clause, tokens) for clause, tokens in zip(clauses, parsed, strict=True)]
    assert sum(reading is not None for found in settled for reading in found.values()) > 5  # the model is skipped
    full = [analyzer.grammar.read(clause, read)
            for clause, read in zip(clauses, analyzer.context.read(clauses, parsed), strict=True)]
    analyzer.forget()
    skipped = analyzer.analyze_many(clauses)
    assert [[(t.text, t.pinyin) for t in tokens] for tokens in skipped] == \
        [[(t.text, t.pinyin) for t in tokens] for tokens in full]

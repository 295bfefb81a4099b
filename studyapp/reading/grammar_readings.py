"""Readings the grammar settles, applied after the context model: the way a teacher explains function words and
common verbs from their neighbours.

The context model (g2pM) was trained on encyclopaedia text, where 得 mostly means "obtain", 为 "be" and 还 "still";
in a story the particle 得 after a verb, 地 after an adverbial, 只 as a measure word are far more common. Each rule
below reads one character from the words around it, and only where the dictionary leaves the character open (a
word with one reading, 觉得 or 地方, is never touched) and only to a reading the word can have.

Worked example, clause 他跑得很快 (jieba: 他 | 跑 | 得 | 很快): 得 comes after 跑, a verb, and before 很快, its
complement: de. In 你得好好想想 it follows a pronoun and comes before what must be done: děi. In 瑜得五万兵 it
follows a name and comes before a number: dé. The rules work on words, so 跑得 or 天冷得 as one token read the same.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import NamedTuple

import rjieba

from ..bounded_cache import BoundedCache
from .pinyin import numbered_to_marks

_VERB_TAGS = frozenset(("v", "vd", "vi", "vn", "i", "l"))  # jieba's tags for verbs and verb-like idioms
_NOUN_TAGS = frozenset(("n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "ng", "r", "m", "t", "s", "f", "q", "mq"))
_DEGREE = ("很", "太", "非常", "更", "最", "挺", "比较", "十分", "特别", "有点", "越来越", "这么", "那么", "多么",
           "越", "极", "甚", "好", "过", "颇", "愈", "较")
#: A polyphonic adjective after a degree adverb takes its adjective reading: 很长 cháng, 太重 zhòng.
_ADJECTIVE_READINGS = {"长": "cháng", "重": "zhòng", "好": "hǎo", "难": "nán", "少": "shǎo", "薄": "báo",
                       "干": "gān", "空": "kōng", "乐": "lè", "累": "lèi", "强": "qiáng", "远": "yuǎn"}
_ADJECTIVE_CHARACTERS = frozenset(_ADJECTIVE_READINGS)
#: Verbs that take another verb: before 重 it is "again" (能重来), not a result (打重).
_MODALS = frozenset(("能", "会", "要", "可", "可以", "想", "肯", "敢", "应", "应该", "须", "得", "必须", "愿"))
_NUMERALS = frozenset("一二两三四五六七八九十百千万几数半")
_DEMONSTRATIVES = frozenset("这那哪每某各此该")
_PERSONAL_PRONOUNS = frozenset(("你", "我", "他", "她", "它", "您", "咱", "你们", "我们", "他们", "她们", "咱们",
                                "汝", "尔"))
#: Before 得 these make it "obtain, get to" (dé): 不得, 可得, 方得, 难得, 终得.
_DE2_BEFORE = frozenset("不可能以难方才始未何所若欲乃遂既岂安焉终竟亦皆复已莫休便获求取赢争幸恰而")
#: Before 得 these carry no verb for it to follow: adverbs, prepositions, conjunctions, particles.
_NOT_BEFORE_DE5 = frozenset(("d", "p", "c", "ul", "uj", "ud", "uz", "uv", "ug", "y", "e", "o", "zg"))
#: Modern adverbs after which 得 before a verb is "must" (děi): 就得走, 也得去, 还得想.
_DEI3_BEFORE = frozenset(("就", "也", "还", "都", "总", "倒", "还是", "可能", "只好", "非"))
#: Verbs whose 着 is a result, "reach, get" (zháo): 睡着, 找着, 撞着, 猜着.
_ZHAO2_AFTER = frozenset("睡找撞猜寻捉逮够")
#: A result or aspect after 长 makes it "grow" (zhǎng): 长高, 长大, 长出, 长得, 长着.
_GROW_RESULTS = frozenset("高大出满成得着胖齐全")
#: What one learns, after 教 + person: teach, jiāo (教我写字); other verbs make 教 "have someone do", jiào.
_LEARNED = frozenset("写读念认学说讲唱画算弹拉游骑织缝煮烧炒背")
#: Crops, the objects of 种 "plant" (zhòng): 种菜, 种树, 种地.
_CROPS = frozenset("菜树花地田麻瓜豆苗稻麦谷粮竹草果桑")
#: After 东西 these make it "east and west" (dōng xī): 东西两路, 东西南北, 东西各.
_DIRECTION_AFTER = frozenset("两二各相南北方向边面侧首路川门厢廊街城岸")
_PLACE_ENDINGS = frozenset("城州县郡关寨营庄村山江河湖")
#: Characters of the clause a rule sees on each side (``Place.left``, ``Place.right``): rules look a word or two
#: away, never more.
_NEAR = 64


class Place(NamedTuple):
    """A character in its clause: the word before and after it (the rest of its own token, else the neighbouring
    token; "" at a clause's edge or punctuation), the word after that, and the clause's hanzi around it."""

    word: str  # the token it stands in
    previous: str  # the token before that one
    before: str
    after: str
    after_next: str
    left: str  # the clause before the character
    right: str  # the clause after the character
    after_yi: bool  # a word 以 came earlier in the clause (以…为…)
    in_word: bool  # it stands in a word of the dictionary (教学, 引种): its neighbours there are no object


def _reduplicated(word: str) -> bool:
    """慢慢, 远远, 干干净净, 静悄悄: a reduplicated adverbial."""
    return (len(word) >= 2 and word[-1] == word[-2]) or (len(word) == 4 and word[0] == word[1])


def _is_noun_like(word: str) -> bool:
    return _tag(word) in _NOUN_TAGS


def _is_verb(word: str) -> bool:
    return _tag(word) in _VERB_TAGS


def _follows_a_verb(before: str) -> bool:
    """Whether 得 after this word is the particle: after a verb or an adjective, also one jieba tags as a place
    (上得山来, 中得我意), and not after a noun, a pronoun, an adverb or a particle."""
    tag = _tag(before)
    return (tag == "f" or tag not in _NOUN_TAGS) and tag not in _NOT_BEFORE_DE5 and before[-1] not in "了的"


def _de(place: Place) -> str | None:
    """得: de between a verb or adjective and its complement (跑得很快, 写得分明, 听得刺耳); děi "must" after a
    person or a modern adverb and before a verb (你得好好想想, 就得走); dé "obtain" after a name and before a
    thing (瑜得五万兵), after 不, 可, 方... (不得, 可得也) and before 了 (得了第一)."""
    before, after = place.before, place.after
    if after.startswith("了") and not before.endswith("不"):
        return "dé"
    if before and before[-1] in _DE2_BEFORE and before not in _DEI3_BEFORE:
        return "dé"
    if after and (before in _PERSONAL_PRONOUNS or before in _DEI3_BEFORE) and (
            _is_verb(after) or _tag(after) in ("d", "ad")) and after[0] not in _NUMERALS:
        return "děi"
    if before and _follows_a_verb(before):
        return "de"
    if before and after and (_is_noun_like(after) or after[0] in _NUMERALS):
        return "dé"
    return None


def _di(place: Place) -> str | None:
    """地: de after an adverbial and before what it describes (慢慢地走, 高兴地笑了, 认真地听, 这样地问); dì,
    "ground, place", after a place word or a one-character verb (在地上, 倒地, 入地八尺)."""
    before, after = place.before, place.after
    if not before:
        return None
    if _reduplicated(before) or (place.left[:-len(before)].endswith(before) and len(before) > 1):
        return "de"  # 慢慢地, 一排一排地
    if not after or _is_noun_like(after) or after[0] in "上下里中":
        return None
    tag = _tag(before)
    adverbial = tag in ("a", "ad", "d", "z", "i", "l", "b", "ag", "an") or (
        tag == "r" and before[-1] in "样么般") or (len(before) >= 2 and tag in _VERB_TAGS) or (
        place.left[:-len(before)].endswith(_DEGREE))  # 较急地喘着气
    return "de" if adverbial else None


def _huan(place: Place) -> str | None:
    """还: huán "give back" at a clause's end (借书要还), before the one it goes back to (还你钱, 还汝活羊) and
    before 给 or 了; after a verb, "back" (交付还东吴). Everywhere else the model's hái stands."""
    before, after = place.before, place.after
    if not after:
        return "huán" if before else None
    if after[0] in "给了清" and after not in ("了解",):
        return "huán"
    if after in _PERSONAL_PRONOUNS and not (place.after_next and (
            _is_verb(place.after_next) or place.after_next[0] in "是也都还就在")):
        return "huán"
    if before and len(before) >= 2 and _is_verb(before) and _tag(after) in ("ns", "nr"):
        return "huán"
    return None


def _zhe(place: Place) -> str | None:
    """着: zháo "reach" after 不 or 得 and after verbs of finding and hitting (睡不着, 找着); zhuó, a verb itself
    ("wear, send"), after a person or at a clause's start and before a noun (着短衣, 宋江着人); zhe after any
    other verb or adjective (歪着头, 光着身子)."""
    before = place.before
    if before and (before[-1] in "不得没" or before[-1] in _ZHAO2_AFTER):
        return "zháo" if not place.after.startswith(("急", "火", "凉", "迷")) else None
    if (not before or _tag(before) in ("nr", "nrt", "r")) and _tag(place.after) == "n":
        return "zhuó"  # a verb itself, "wear, send": 着短衣, 宋江着人
    if before and _tag(before) not in ("r", "nr", "ns", "nt", "nz"):
        return "zhe"
    return None


def _chang(place: Place) -> str | None:
    """长: zhǎng "grow" before a result (长高, 长出, 长得快) or after 至 (自幼至长); cháng after a degree adverb
    (很长, 越长) or a length (一尺来长, 三丈长), and before a verb it lasts through (长守)."""
    before, after = place.before, place.after
    if before.endswith(_DEGREE) or before[-1:] in "尺丈寸里米" or (
            before[-1:] in "来多余许" and len(place.left) >= 2 and place.left[-2] in "尺丈寸里米"):
        return "cháng"
    if after[:1] in _GROW_RESULTS or before.endswith("至"):
        return "zhǎng"
    if after and _is_verb(after) and _tag(before) in ("", "c", "d", "p"):
        return "cháng"  # 长守, 长存
    return None


def _zhong_heavy(place: Place) -> str | None:
    """重: zhòng "heavy" after a degree adverb, a verb it results from (打重, 加重) or a weight (五十斤重), and at a
    clause's end; chóng "again" is the dictionary's (重新, 重建) or the model's."""
    before = place.before
    if before.endswith(_DEGREE) or before[-1:] in "斤两吨" or (
            before and _is_verb(before) and before not in _MODALS):
        return "zhòng"
    if before and (not place.after or place.after.startswith(("了", "的"))):
        return "zhòng"
    return None


def _zhi(place: Place) -> str | None:
    """只: zhī, the measure word, after a number or a demonstrative and before what it counts (一只鸟, 两只脚,
    白鹤一只); zhǐ "only" before a verb (这只是, 只有)."""
    before, after = place.before, place.after
    if not before or not (before[-1] in _NUMERALS or before[-1] in _DEMONSTRATIVES):
        return None
    if after and (_tag(after) in ("v", "vd", "vi", "d", "c", "p", "ad") or after[0] in "是有要能会好得不怕见管顾在"):
        return None
    return "zhī"


#: What one does for someone, later in a clause with 为 (为两国发展提供动力, 为规范行为制定规则): 为 is "for", wèi.
_DONE_FOR = ("提供", "奠定", "创造", "作出", "做出", "带来", "开辟", "注入", "贡献", "服务", "制定", "塑造",
             "营造", "打下", "铺平", "争取", "着想")


def _wei(place: Place) -> str | None:
    """为: wéi in 以…为… (以事实为基础) and in the passive 为…所… (为我所不愿); wèi "for" before a verb, a person or
    a thing someone acts for (为维护自由, 我为你高兴, 他为大家做饭)."""
    after, after_next = place.after, place.after_next
    if place.after_yi or "所" in place.right[:6] or (
            len(place.before) == 1 and _is_verb(place.before) and place.before not in _MODALS):
        return "wéi"  # 以…为…, 为…所…, and after a verb: 召为, 选为
    if any(verb in place.right for verb in _DONE_FOR):
        return "wèi"  # for someone: 友谊为两国发展提供了动力, 为信息技术的开发塑造环境
    if not after:
        return None
    if _is_verb(after) or _tag(after) == "r":
        return "wèi"
    if _tag(after) in ("n", "nr", "r") and after_next and _is_verb(after_next):
        return "wèi"
    return None


#: After 应 these make it "answer, respond" (yìng): 宋江应道, 应了一声, 应声而出, 应着.
_ANSWERED = frozenset("道声了着过诺")
#: Before 应 these leave it "should" (yīng): 不应, 理应, 本应, 亦应, 均应, 都应.
_BEFORE_SHOULD = frozenset("不理本亦也均都则自似皆更仍还早")


def _ying(place: Place) -> str | None:
    """应 alone (in a word, 应对 or 答应, the dictionary reads it): yìng "answer" before 道, 声, 了 (宋江应道,
    应了一声); yīng "should" before what should be done: a verb, a preposition, an adverb (应以事实为基础, 不应干涉)."""
    after = place.after
    if not after:
        return None
    if after[0] in _ANSWERED:
        return "yìng"
    if (place.before and place.before[-1] in _BEFORE_SHOULD) or _is_verb(after) or _tag(after) in ("p", "d", "c"):
        return "yīng"
    return None


#: Kinds of people whose 分子 is "member" (fènzǐ), not "molecule" (fēnzǐ): 纳粹分子, 恐怖分子, 犯罪分子.
_MEMBERS_OF = frozenset(("纳粹", "恐怖", "犯罪", "极端", "激进", "反动", "不法", "腐败", "积极", "落后", "进步",
                         "敌对", "危险", "动乱", "黑恶", "暴力", "分裂", "右派", "左派", "骨干", "坏"))


def _fen(place: Place) -> str | None:
    """分 of 分子: fèn "member" after a kind of people or an -ism (纳粹分子, 军国主义分子); else the dictionary's
    and the model's choice stands (分子 "molecule", 水分子)."""
    if not place.right.startswith("子"):
        return None
    if place.before.endswith("主义") or place.before in _MEMBERS_OF:
        return "fèn"
    return None


def _mei(place: Place) -> str | None:
    """没: mò "sink" before 于, 入 or 在 (没于西, 没在昏暗里); méi "have not" before anything else (没决断, 没做);
    at a clause's end, the model's."""
    if not place.after:
        return None
    return "mò" if place.after[:1] in ("于", "入", "在") else "méi"


def _zhong_plant(place: Place) -> str | None:
    """种: zhǒng, a kind, after a number or a demonstrative (一种, 这种, 各种); zhòng "plant" before a crop
    (种菜, 不种青苗) or after an adverb or a modal and before its object (重种大大祸胎, 要种)."""
    before, after = place.before, place.after
    if before and (before[-1] in _NUMERALS or before[-1] in _DEMONSTRATIVES or before[-1] == "种"):
        return "zhǒng"
    if not after or after[0] in "的子类族种" or place.in_word:
        return None
    if after[0] in _CROPS or (after[0] == "青" and after[1:2] in _CROPS) or (
            before and _tag(before) in ("d", "v") and len(before) == 1 and before not in "是有为成"):
        return "zhòng"
    return None


def _shu(place: Place) -> str | None:
    """数: shǔ "count" before an aspect or result (数着, 数过, 数一数, 数不清) or after a modal (要数); shù
    "number, several" is the model's and the dictionary's (数十, 分数)."""
    after = place.after
    if after[:1] in ("着", "过", "了", "不", "起", "完", "清", "到") or place.right[:2] == "一数":
        return "shǔ"
    if not place.in_word and place.before in ("要", "会", "能", "再", "先", "慢慢", "亲自", "自己", "正在") and \
            after and after[0] not in _NUMERALS and _tag(after) not in ("q", "m"):
        return "shǔ"
    return None


def _jiao(place: Place) -> str | None:
    """教: jiāo "teach" before 给, before what is taught (教汉文), before a person and a skill (教我写字), and with
    nothing after (先教的); jiào "have someone do" before a person and another verb (教他们来) is the model's."""
    after = place.after
    if place.in_word:
        return None
    if not after or after[0] in "给的":
        return "jiāo"
    if after in _PERSONAL_PRONOUNS or _tag(after) == "nr":
        return "jiāo" if place.after_next[:1] in _LEARNED else None
    if _tag(after) in ("n", "nz") and not place.after_next:
        return "jiāo"  # 只教汉文、算学
    return None


def _bei(place: Place) -> str | None:
    """背: bēi "carry on the back" before an aspect or a direction and its load (背着行李, 背了一件东西, 背到这里,
    背上包裹); bèi "back" is the dictionary's (背后, 背地里), and 背着手 or 背着人 (behind one's back)."""
    after = place.after
    if after[:1] in ("着", "了", "起", "到", "走", "回", "在"):
        load = place.after_next if len(after) == 1 else after[1:]
        if after[0] != "着":
            return "bēi"
        if load and (_is_noun_like(load) or load[0] in _NUMERALS) and load not in ("手", "脸", "身", "人") \
                and load not in _PERSONAL_PRONOUNS:
            return "bēi"
        return None
    if after == "上" and place.after_next[:1] not in ("", "的") and not _is_noun_like(place.before) and \
            place.before[-1:] != "的":
        return "bēi"  # 背上包裹, but 他的背上插着
    return None


def _jiao_sleep(place: Place) -> str | None:
    """觉: jiào, a sleep, after 睡 (睡了觉, 睡一觉) or before it (没有觉睡)."""
    if "睡" in place.left[-3:] or place.right[:1] == "睡":
        return "jiào"
    return None


def _hang(place: Place) -> str | None:
    """行: háng, a row, after a number other than 一 (两行武士, 三行字); 一行 is also "a party" (一行人)."""
    if place.before[-1:] in _NUMERALS and place.before[-1:] != "一":
        return "háng"
    return None


def _dou(place: Place) -> str | None:
    """都: dōu "all" as an adverb before a verb or an adverb (把东西都搬走了); dū "capital" is the dictionary's
    (首都, 都督), a name's (龚都) or the model's."""
    if _tag(place.before) == "nr" and len(place.before) == 1:
        return None
    after = place.after
    return "dōu" if after and (_is_verb(after) or _tag(after) in ("d", "ad", "p", "c", "a")) else None


def _xi(place: Place) -> str | None:
    """西 in 东西: dōng xī "east and west" before 两, 南北, 各, a side or a road (东西两路, 东西南北) or after a
    place (卤城东西); dōng xi "thing" everywhere else (买东西, 他的东西, 什么东西)."""
    if "东西" not in place.word or not place.left.endswith("东"):
        return None
    if place.after[:1] in _DIRECTION_AFTER or place.previous[-1:] in _PLACE_ENDINGS or _tag(place.previous) == "ns":
        return "xī"
    return "xi"


def _pianyi(place: Place) -> str | None:
    """便宜: pián yi "cheap, an advantage" (买得便宜, 得便宜), the reading a learner meets; biàn yí "as one sees
    fit" only before what one may do so (便宜从事, 便宜行事)."""
    if "便宜" not in place.word:
        return None
    doing = place.after_next if place.after == "宜" else place.after
    if doing[:1] in ("从", "行", "施", "之", "计"):
        return None
    return "pián" if place.after == "宜" else "yi"


_RULES: dict[str, Callable[[Place], str | None]] = {
    "得": _de, "地": _di, "还": _huan, "着": _zhe, "长": _chang, "重": _zhong_heavy, "只": _zhi, "为": _wei,
    "没": _mei, "种": _zhong_plant, "数": _shu, "教": _jiao, "背": _bei, "觉": _jiao_sleep, "行": _hang,
    "都": _dou, "西": _xi, "便": _pianyi, "宜": _pianyi, "应": _ying, "分": _fen,
}
RULE_CHARACTERS = frozenset(_RULES)
_READ_CHARACTERS = RULE_CHARACTERS | _ADJECTIVE_CHARACTERS  #: a clause with none of these reads as it is
_NOTHING_SETTLED: Mapping[tuple[int, int], str | None] = MappingProxyType({})


class GrammarReader:
    """Applies the rules above to a clause's tokens, where the dictionary leaves a character open."""

    def __init__(self, headwords: Mapping[str, tuple[str, ...]],
                 open_positions: Callable[[str], frozenset[int]]) -> None:
        self._headwords = headwords
        self._open = open_positions
        self._candidates: dict[tuple[str, int], frozenset[str]] = {}

    def read(self, clause: str, tokens: tuple) -> tuple:
        return self.apply(clause, tokens, {})

    def forget(self) -> list[dict]:
        """Drop what was worked out for the texts read so far: the candidates, and jieba's cuts and tags of their
        words and clauses (kept per process, up to 65,536 each); returns the old caches, for the caller to free a
        slice at a time."""
        old, self._candidates = self._candidates, {}
        return [old, *(cache.forget() for cache in (_jieba_cut, _words, _tag))]

    def word_memos(self) -> list[dict]:
        """The per-word memos, live, in a fixed order (``Analyzer.word_memos``): the candidates, jieba's cut and
        tag of a word; not its cuts of whole clauses."""
        return [self._candidates, _words.entries, _tag.entries]

    def settled_many(self, clauses: list[str], tokens: list[tuple]) -> list[Mapping[tuple[int, int], str | None]]:
        """``settled`` of many clauses; those with no rule's character (most) share one empty answer, found in one
        pass in C instead of a call each."""
        return [_NOTHING_SETTLED if quiet else self.settled(clause, clause_tokens) for clause, clause_tokens, quiet
                in zip(clauses, tokens, map(RULE_CHARACTERS.isdisjoint, clauses), strict=True)]

    def apply_many(self, clauses: list[str], tokens: list[tuple],
                   settled: list[Mapping[tuple[int, int], str | None]]) -> list[tuple]:
        """``apply`` to many clauses; one with no character a rule or ``_degree_adjectives`` reads keeps its
        tokens without a call."""
        return [clause_tokens if quiet else self.apply(clause, clause_tokens, clause_settled)
                for clause, clause_tokens, clause_settled, quiet
                in zip(clauses, tokens, settled, map(_READ_CHARACTERS.isdisjoint, clauses), strict=True)]

    def settled(self, clause: str, tokens: tuple) -> dict[tuple[int, int], str | None]:
        """What the rules read at each (token, character) of the clause they apply to (None: no rule settles it),
        worked out from the words alone, so before the context model: a character they settle needs no model
        (their reading would replace its)."""
        found: dict[tuple[int, int], str | None] = {}
        if RULE_CHARACTERS.isdisjoint(clause):  # most clauses: one set operation instead of a look at each token
            return found
        first_yi = -1
        for index, token in enumerate(tokens):
            if token.kind != "word" or token.source == "dictionary" or RULE_CHARACTERS.isdisjoint(token.text):
                continue
            if first_yi < 0:
                first_yi = _first_yi(clause, tokens)
            for position, character in enumerate(token.text):
                rule = _RULES.get(character)
                if rule is not None:
                    found[index, position] = self._reading(clause, tokens, index, position, rule, first_yi)
        return found

    def apply(self, clause: str, tokens: tuple, settled: Mapping[tuple[int, int], str | None]) -> tuple:
        """The clause's tokens with the rules' readings: those in ``settled`` (from ``settled``, on the same
        words) as they are, the rest worked out here. A reading a rule agrees with, where it was only the first
        guess (no source), says "grammar" too: the model, which the rule made unnecessary, was not asked."""
        if not settled and RULE_CHARACTERS.isdisjoint(clause):
            return _degree_adjectives(clause, tokens)
        changed = None
        first_yi = -1
        for index, token in enumerate(tokens):
            if token.kind != "word" or token.source == "dictionary" or RULE_CHARACTERS.isdisjoint(token.text):
                continue
            for position, character in enumerate(token.text):
                rule = _RULES.get(character)
                if rule is None:
                    continue
                if (index, position) in settled:
                    reading = settled[index, position]
                else:
                    if first_yi < 0:
                        first_yi = _first_yi(clause, tokens)
                    reading = self._reading(clause, tokens, index, position, rule, first_yi)
                current = tokens[index] if changed is None else changed[index]
                if reading is None or (reading == current.pinyin[position] and current.source):
                    continue
                if changed is None:
                    changed = list(tokens)
                syllables = (*current.pinyin[:position], reading, *current.pinyin[position + 1:])
                changed[index] = current._replace(pinyin=syllables, source="grammar")
        return _degree_adjectives(clause, tuple(changed) if changed is not None else tokens)

    def _reading(self, clause: str, tokens: tuple, index: int, position: int, rule: Callable[[Place], str | None],
                 first_yi: int) -> str | None:
        """The rule's reading of a character, if it is one the word can have there."""
        text = tokens[index].text
        in_word = len(text) > 1 and text in self._headwords
        reading = rule(_place(clause, tokens, index, position, in_word, first_yi))
        return reading if reading is not None and reading in self._candidates_at(text, position) else None

    def _candidates_at(self, word: str, position: int) -> frozenset[str]:
        """The tone-marked readings the character can have in this word ("" where the dictionary settles it)."""
        key = (word, position)
        found = self._candidates.get(key)
        if found is None:
            readings = [r.lower().split() for r in self._headwords.get(word, ())]
            readings = [r for r in readings if len(r) == len(word)]
            if readings:
                found = frozenset(numbered_to_marks(r[position]) for r in readings) if len(readings) > 1 \
                    else frozenset()
            elif position in self._open(word):
                found = frozenset(numbered_to_marks(r.lower()) for r in self._headwords.get(word[position], ()))
            else:
                found = frozenset()
            if len(self._candidates) > 200_000:
                self._candidates = {}
            self._candidates[key] = found
        return found


def _first_yi(clause: str, tokens: tuple) -> int:
    """Where the clause's first word 以 starts (its length when there is none)."""
    if "以" not in clause:  # most clauses: one look at the text rather than at each token
        return len(clause)
    return next((token.start for token in tokens if token.text == "以"), len(clause))


def _place(clause: str, tokens: tuple, index: int, position: int, in_word: bool, first_yi: int) -> Place:
    """The character's neighbours as words: in a dictionary word (东西, 背着) the rest of that word, else jieba's
    dictionary words of the rest of its token (天冷得: 冷); a token around it as jieba tags it (问过, or 等 of
    等一会儿, which it tags as several words). The clause around it is cut to ``_NEAR`` characters each side, so a
    clause of 100,000 characters is not copied for each of its thousands of 得 and 还; ``first_yi`` is where the
    clause's first word 以 starts (its length when there is none)."""
    token = tokens[index]
    before, after = token.text[:position], token.text[position + 1:]
    following: tuple[str, ...] = (after,) if after else ()
    if not in_word:
        before = _words(before)[-1] if before else ""
        following = _words(after) if after else ()
    if not before:
        before = _preceding_word(clause, tokens, index)
    if len(following) < 2:
        following = (*following, *_following_words(clause, tokens, index))
    at = token.start + position
    return Place(token.text, _neighbour(tokens, index, -1), before, following[0] if following else "",
                 following[1] if len(following) > 1 else "", clause[max(0, at - _NEAR):at],
                 clause[at + 1:at + 1 + _NEAR], first_yi < token.start, in_word)


def _following_words(clause: str, tokens: tuple, index: int) -> tuple[str, ...]:
    """Up to two words after a token, before punctuation, as jieba cut the clause (饿狼, 问过): the reader's tokens
    there may be dictionary pieces of jieba's words (饿 狼), which no longer tell a noun from a verb. Where the
    token ends inside one of jieba's words, the rest of that word counts by jieba's dictionary (长守贵: 守)."""
    at = tokens[index].end
    found: list[str] = []
    cut = _jieba_cut(clause)
    for start, end, word in itertools.islice(cut.spans, bisect.bisect_right(cut.ends, at), None):
        if not word.isalpha():
            break
        found.extend(_words(clause[at:end]) if start < at else _as_words(word))
        if len(found) >= 2:
            break
    return tuple(found[:2])


def _preceding_word(clause: str, tokens: tuple, index: int) -> str:
    """The word before a token, as jieba cut the clause (不省得: 省得's 得 follows 不省), "" after punctuation;
    where the token starts inside one of jieba's words, the last dictionary word before it there."""
    if not _neighbour(tokens, index, -1):
        return ""
    at = tokens[index].start
    cut = _jieba_cut(clause)
    last = bisect.bisect_left(cut.starts, at) - 1  # the last of jieba's words starting before the token
    if last < 0:
        return ""
    start, end, word = cut.spans[last]
    if not word.isalpha():
        return ""
    return _words(clause[start:at])[-1] if end > at else _as_words(word)[-1]


class _Cut(NamedTuple):
    """jieba's words of a clause with their offsets, and the offsets alone for bisection (a long clause has
    tens of thousands of words, and each rule looks up the one or two beside its character)."""

    spans: tuple[tuple[int, int, str], ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]


def _cut_clause(clause: str) -> _Cut:
    """jieba's words of a clause with their offsets, new words guessed as in the reader's first cut."""
    words = rjieba.cut(clause)
    ends = tuple(itertools.accumulate(map(len, words)))
    starts = (0, *ends[:-1]) if ends else ()
    return _Cut(tuple(zip(starts, ends, words, strict=True)), starts, ends)


#: Caches of what jieba makes of the clauses and words the rules look at, per process (a refrain, 宋江道, is cut
#: once), dropped by ``GrammarReader.forget``; bounded, a novel's clauses being more than enough to keep.
_jieba_cut: BoundedCache[str, _Cut] = BoundedCache(_cut_clause, 4_096)


def _neighbour(tokens: tuple, index: int, step: int) -> str:
    """The word token next to tokens[index] on one side, "" past a clause's edge or punctuation."""
    other = index + step
    if 0 <= other < len(tokens) and tokens[other].kind == "word":
        return tokens[other].text
    return ""


def _degree_adjectives(clause: str, tokens: tuple) -> tuple:
    """After a degree adverb an adjective reads as one: 很长 cháng, 太重 zhòng, in one token or two."""
    if _ADJECTIVE_CHARACTERS.isdisjoint(clause):
        return tokens
    changed = None
    for index, token in enumerate(tokens):
        if token.kind != "word" or token.text[-1] not in _ADJECTIVE_READINGS or not token.pinyin:
            continue
        head = token.text[:-1]
        before = tokens[index - 1].text if index and tokens[index - 1].kind == "word" else ""
        if head in _DEGREE or (not head and before in _DEGREE):
            if changed is None:
                changed = list(tokens)
            syllables = (*token.pinyin[:-1], _ADJECTIVE_READINGS[token.text[-1]])
            changed[index] = token._replace(pinyin=syllables, source="grammar")
    return tuple(changed) if changed is not None else tokens


def _as_words(token: str) -> tuple[str, ...]:
    """A neighbouring token as words: itself where jieba tags it as one word (问过), else its words (等一会儿)."""
    return (token,) if _tag(token) else _words(token)


def _dictionary_words(text: str) -> tuple[str, ...]:
    """jieba's dictionary words of a piece of a token (no guessing of new words, which made the token)."""
    return tuple(rjieba.cut(text, False))


def _part_of_speech(word: str) -> str:
    """jieba's part of speech for a word alone ("" for none, or when it cuts it in more than one)."""
    if not word:
        return ""
    tagged = rjieba.tag(word)
    return tagged[0][1] if len(tagged) == 1 else ""


_words: BoundedCache[str, tuple[str, ...]] = BoundedCache(_dictionary_words, 65_536)
_tag: BoundedCache[str, str] = BoundedCache(_part_of_speech, 65_536)

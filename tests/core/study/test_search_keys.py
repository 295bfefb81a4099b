"""A deck's pinyin search keys: made in the window's process once a text is analysed, one per word of the text."""

from __future__ import annotations

from studyapp.reading import pinyin
from studyapp.study.deck import DocumentWords, pinyin_keys
from studyapp.study.stored_deck import search_keys


def test_a_readings_keys_are_toneless_numbered_and_marked() -> None:
    assert pinyin_keys(("Zhōng", "guó")) == ("zhongguo", "zhong1guo2", "zhōngguó")
    assert pinyin_keys(("lǜ", "de")) == ("lvde", "lv4de5", "lǜde")
    assert pinyin_keys(()) == ("", "", "")


def test_each_syllable_is_worked_out_once_however_many_words_hold_it(monkeypatch) -> None:
    """A novel's 18,000-46,000 words hold a few thousand distinct syllables: the deck's keys (made in the window's
    process, holding the interpreter lock the window waits for) take each syllable's apart once, not per word."""
    stripped: list[str] = []
    strip = pinyin.strip_tones

    def counted(syllable: str) -> str:
        stripped.append(syllable)
        return strip(syllable)

    monkeypatch.setattr(pinyin, "strip_tones", counted)
    getattr(pinyin.toneless, "cache_clear", lambda: None)()
    words = DocumentWords()
    syllables = ("zhuǎi", "qióng", "lüè")
    for number in range(600):
        word = f"词{number}"
        words.counts[word] = 1
        words.readings[word] = (syllables[number % 3], syllables[(number // 3) % 3])
    keys = search_keys(words)
    assert keys["词5"] == ("lveqiong", "lve4qiong2", "lüèqióng")
    assert sorted(set(stripped)) == sorted(syllables) and len(stripped) == len(syllables)

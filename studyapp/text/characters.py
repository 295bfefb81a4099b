"""What a hanzi is and where a clause or a sentence ends: the rules every module reads, written once."""

from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    """A regex compiled at its first use rather than at import: Python's compiler takes 5-20 ms over a class of
    hanzi or of emoji, and the window's start imports many patterns its first page never asks. Each method asked
    for is kept on the instance, so later calls cost what a compiled pattern's do."""

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source, self._flags = source, flags

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        found = getattr(re.compile(self._source, self._flags), name)  # re keeps the compiled pattern
        setattr(self, name, found)
        return found


_FULL_WIDTH_SENTENCE_ENDERS = "。！？．"  # ． the full-width full stop of older typesetting
FULL_WIDTH_ENDERS = set("，；：" + _FULL_WIDTH_SENTENCE_ENDERS)
ELLIPSES = set("…⋯")
HALF_WIDTH_ENDERS = set("!?")
#: The marks that end a sentence, not only a clause (， ； ： end a clause only): Group by Sentence joins clauses
#: up to one, and a TMX by sentence makes a unit of each.
SENTENCE_ENDERS = frozenset(_FULL_WIDTH_SENTENCE_ENDERS) | ELLIPSES | HALF_WIDTH_ENDERS
#: Closing quotes and brackets that stay with the mark before them: 。” ！」 ？） …
CLOSERS = frozenset("”’」』）》〉】〕〗］｝)]}\"'")
WHITESPACE = set(" \t\u3000\u00a0\f\v")
SPACES = "".join(WHITESPACE)
CLAUSE_TRAILERS = FULL_WIDTH_ENDERS | ELLIPSES | HALF_WIDTH_ENDERS | CLOSERS
_ENDERS_CLASS = re.escape("".join(sorted(SENTENCE_ENDERS)))
#: A sentence end, then more of them or a comma (好！，), then closing marks, a joined line's break among them.
_SENTENCE_END = LazyPattern(f"[{_ENDERS_CLASS}][{_ENDERS_CLASS}，]*[{re.escape(''.join(sorted(CLOSERS)))}\\s]*\\Z")


def ends_sentence(clause: str) -> bool:
    """Whether a clause (or a run of them) ends a sentence: 走吧。 and 走吧。” and 走吧。" do, 走吧， does not."""
    return _SENTENCE_END.search(clause) is not None


#: What a hanzi is, for every module, as the body of a regex character class: the unified ideographs, extension A,
#: extensions B-G, the compatibility ideographs and 〇 (the ideographic zero of 一九〇五).
HANZI = "\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\u3007\U00020000-\U0003134f"
HANZI_CHARACTER = re.compile(f"[{HANZI}]")


def is_cjk(ch: str) -> bool:
    return HANZI_CHARACTER.match(ch) is not None

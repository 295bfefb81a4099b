"""How a word's definition is written on one line, for the deck, its cards, every export and the library alike.

Below both the deck and the library: the library stores a typed definition as this makes it, and the deck joins
the dictionary's senses the same way."""

from __future__ import annotations

import re

#: How a card, the deck and the exports join senses: CC-CEDICT's own senses hold "; " (在 "to exist; to be alive").
SENSE_SEPARATOR = " / "
#: Every character that ends a line somewhere (Python's ``splitlines``, Qt, the usual editors).
LINE_BREAKS = re.compile("[\r\n\v\f\x85\u2028\u2029]+")
_TABS = re.compile(r"[ ]*\t[\t ]*")


def typed_definition(typed: str | None) -> str | None:
    """A definition the learner typed or pasted, as one line: every export writes a word per line (Pleco's
    flashcards a tab between fields), so its lines become senses joined as the dictionary's are and a tab a
    space. None when nothing is left."""
    lines = (_TABS.sub(" ", line).strip() for line in LINE_BREAKS.split(typed or ""))
    return SENSE_SEPARATOR.join(line for line in lines if line) or None

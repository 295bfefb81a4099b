"""Counts in words, for the command line and the window alike. Qt's ``tr("%n match(es)", "", n)`` shows
"12 match(es)" until a translation file supplies the plural forms,
and the app ships none for English: the two English forms are chosen here instead."""

from __future__ import annotations


def counted(number: int, one: str, many: str) -> str:
    """``one`` or ``many`` (each holding ``{0}``) with the number put in."""
    return (one if number == 1 else many).format(f"{number:,}")

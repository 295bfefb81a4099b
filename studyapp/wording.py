"""Counts in words, for the command line and the window alike. Qt's ``tr("%n match(es)", "", n)`` shows
"12 match(es)" until a translation file supplies the plural forms,
and the app ships none for English: the two English forms are chosen here instead."""

from __future__ import annotations


def counted(number: int, one: str, many: str) -> str:
    """``one`` or ``many`` (each holding ``{0}``) with the number put in."""
    return (one if number == 1 else many).format(f"{number:,}")


def displayable(text: str) -> str:
    """``text`` as it can be shown and stored as UTF-8: a file name's bytes that are not UTF-8 (which Python
    holds as lone surrogates) become replacement characters, as a file manager shows them."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate no file system gave
        return text.encode("utf-8", "replace").decode("utf-8")

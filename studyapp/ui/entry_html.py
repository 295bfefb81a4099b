"""A word's dictionary entry as rich text, shared by the hover popup and the pinned side panel."""

from __future__ import annotations

from html import escape

from ..reading.dictionary import Entry
from ..reading.pinyin import numbered_to_marks, tone_of
from ..reading.wordinfo import WordInfo
from ..text import HANZI
from ..text.characters import LazyPattern
from .reader import tone_colors

MAX_SENSES = 8


def _pinyin_html(reading: str, colored: bool) -> str:
    if not colored:
        return escape(reading)
    from .qt import QGuiApplication, QPalette

    dark = QGuiApplication.palette().color(QPalette.ColorRole.ToolTipBase).lightness() < 128
    colors = tone_colors("dark" if dark else "light")
    return " ".join(f'<span style="color:{colors.get(tone_of(s), colors[5]).name()}">{escape(s)}</span>'
                    for s in reading.split())


#: CC-CEDICT's cross-references: 自個兒|自个儿[zi4 ge3 r5], 俄羅斯[E2 luo2 si1], also pr. [di4], [lu:e4]
_REFERENCE = LazyPattern(r"(?:(?P<trad>[^\s|\[\];,()]+)\|)?(?P<word>[" + HANZI + r"]+)?"
                         r"\[(?P<reading>[A-Za-z:üÜ]+[1-5]?(?: [A-Za-z:üÜ]+[1-5]?)*)\]")


def sense_html(sense: str) -> str:
    """A sense with CC-CEDICT's notation made readable: numbered pinyin in brackets as tone marks, and the word a
    reference names as a link that looks it up (in the side panel)."""
    parts, position = [], 0
    for match in _REFERENCE.finditer(sense):
        parts.append(escape(sense[position:match.start()]))
        word = match.group("word")
        reading = numbered_to_marks(match.group("reading"))
        if word:
            parts.append(f'<a href="lookup:{escape(word)}">{escape(word)}</a> {escape(reading)}')
        else:
            parts.append(escape(reading))
        position = match.end()
    parts.append(escape(sense[position:]))
    return "".join(parts)


def _entry_html(entry: Entry, tone_colors: bool, max_senses: int, show_head: bool = False,
                choose_from: int | None = None, chosen: str | None = None) -> str:
    """``choose_from``: the number of this entry's first sense among the word's, to make each sense a link that
    chooses it (the side panel)."""
    head = ""
    if show_head:
        head = f"<b>{escape(entry.simplified)}</b> "
    if entry.traditional != entry.simplified:
        head += f'<span style="color:gray">({escape(entry.traditional)})</span> '
    senses = list(entry.definitions)
    if choose_from is None:
        shown = "; ".join(sense_html(s) for s in senses[:max_senses])
    else:
        shown = " ".join(_choosable_sense(sense, choose_from + number, number + 1, sense == chosen)
                         for number, sense in enumerate(senses[:max_senses]))
    if len(senses) > max_senses:
        shown += f" <i>(+{len(senses) - max_senses} more)</i>"
    return f"<div>{head}<b>{_pinyin_html(entry.pinyin, tone_colors)}</b> {shown}</div>"


def _choosable_sense(sense: str, index: int, number: int, chosen: bool) -> str:
    """A sense behind its number; the number is the link that chooses it (a sense may hold links of its own)."""
    if chosen:
        return f"<b>✓&nbsp;{sense_html(sense)}</b>"
    return f'<a href="sense:{index}" style="text-decoration:none">{number}.</a>&nbsp;{sense_html(sense)}'


def choice_html(info: WordInfo, own: str | None, sense: str | None) -> str:
    """Under the senses in the side panel: how to choose one, the definition the learner typed, and the way back
    to the dictionary's order."""
    if not info.entries:
        return ""
    if own:
        return (f"<div>Your definition: <b>{escape(own)}</b> — your cards show it; choosing a sense replaces it."
                "</div>")
    if sense:
        return ('<div style="color:gray">Your cards show the sense ticked first. '
                '<a href="sense:">Show the dictionary\'s order instead</a></div>')
    return '<div style="color:gray">Click a sense\'s number to show it first on your cards.</div>'


def word_html(info: WordInfo, tone_colors: bool = True, full: bool = False, own: str | None = None,
              sense: str | None = None) -> str:
    """``full`` (the side panel) lists every sense, each one a link that chooses it, the ``sense`` the learner
    chose ticked, and the definition they typed (``own``); the popup is kept short."""
    size = "22pt" if full else "18pt"
    parts = [
        f'<div><span style="font-size:{size}">{escape(info.word)}</span>&nbsp;&nbsp;'
        f'<span style="font-size:13pt">{_pinyin_html(info.pinyin, tone_colors)}</span>'
    ]
    if info.hsk:
        level = "7–9" if info.hsk == 7 else str(info.hsk)
        parts.append(f'&nbsp;&nbsp;<span style="background:#546e7a;color:white">&nbsp;HSK {level}&nbsp;</span>')
    parts.append("</div>")
    senses = 10_000 if full else MAX_SENSES
    if info.entries and full:
        chosen, first = None if own else sense, 0
        for entry in info.entries:
            parts.append(_entry_html(entry, tone_colors, senses, choose_from=first, chosen=chosen))
            first += len(entry.definitions)
        parts.append(choice_html(info, own, sense))
    elif info.entries:
        parts.extend(_entry_html(entry, tone_colors, senses) for entry in info.entries)
    else:
        parts.append(f"<div>{escape(info.gloss)}</div>" if info.gloss else "")
        parts.append('<div style="color:gray"><i>Not in CC-CEDICT as one word; its parts:</i></div>')
    if info.parts and info.entries:
        parts.append('<hr><div style="color:gray">Characters</div>')
    for piece, entries in info.parts:
        if entries:
            parts.extend(_entry_html(entry, tone_colors, senses, show_head=True) for entry in entries)
        else:
            parts.append(f"<div><b>{escape(piece)}</b> <i>no entry</i></div>")
    return "".join(parts)


def reading_source(source: str) -> str:
    """Where a token's reading came from, in words."""
    if source == "dictionary":
        return "the word's only reading in the dictionary"
    if source.startswith("context"):
        sure = float(source.split()[1]) if len(source.split()) > 1 else 0.0
        return f"chosen from the sentence ({sure:.0%} sure)"
    if source == "grammar":
        return "set by the grammar around it"
    if source.startswith("part of "):
        return f"as the dictionary reads it in {source.removeprefix('part of ')}"
    if source == "pinned":
        return "pinned by you for this place in the text"
    return "the dictionary's usual reading"


def reading_html(token, others: list[tuple[str, ...]], full: bool) -> str:
    """The reading's source and the other readings: in the side panel, links that pin one to this occurrence."""
    if not token.pinyin:
        return ""
    parts = [f'<hr><div style="color:gray">Read here: {escape(" ".join(token.pinyin))}, '
             f"{escape(reading_source(token.source))}.</div>"]
    if others:
        if full:
            links = " · ".join(f'<a href="pin:{escape("_".join(reading))}">{escape(" ".join(reading))}</a>'
                               for reading in others)
            parts.append(f"<div>Read it here as: {links}</div>")
        else:
            shown = ", ".join(escape(" ".join(reading)) for reading in others)
            parts.append(f'<div style="color:gray">Other readings: {shown} (click the word to choose one)</div>')
    if full and token.source == "pinned":
        parts.append('<div><a href="unpin:">Read it as the analysis does</a></div>')
    return "".join(parts)

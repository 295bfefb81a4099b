"""The deck out of the app: an Anki package (genanki), Pleco's flashcard text, CSV, and the translator's glossary
as TBX (translate-toolkit), which OmegaT and Trados read.

Each card carries the word's first clause in the text, the word highlighted, and the translation the user wrote
for that clause, so the learner's own translation work becomes the card's context. Anki ids are derived from the
word, so importing a re-export updates the notes instead of adding them again.

A clause heard in its document's recording (a subtitle cue's span, or a bookmark's) gives its card that clip: the
Anki package holds it as a WAV and the Context field ends with ``[sound:studyapp-<hash>.wav]``, so Anki plays it
when the answer shows. It goes into Context and not a field of its own: a new field changes the note type, and
Anki (25.x, measured) then updates none of the notes imported before, counting them conflicting and making a
copy of the note type ("studyapp vocabulary+"); with the same fields, a re-export updates them and adds the sound.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import itertools
import json
import os
import tempfile
import time
import zipfile
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import RecordingError, StudyAppError
from ..listening.recordings import Audio, Recorded, clips, faded, wav_bytes
from ..reading.pinyin import numbered
from ..spreadsheet import guarded
from ..text import Document
from ..translation.segments import Segment
from .deck import Term
from .definitions import LINE_BREAKS
from .review import Kind, blanked

DECK_FORMATS = ("apkg", "pleco", "csv", "tbx")


@dataclass(frozen=True, slots=True)
class Card:
    word: str
    pinyin: str  # tone marks, syllables apart: "zhōng guó"
    numbered: str  # digits, as Pleco takes them: "zhong1guo2"
    definition: str
    hsk: int | None
    context: str  # the clause the word first occurs in
    context_html: str  # the same with the word in bold
    context_translation: str  # what the user wrote for the segment holding that clause
    translation: str  # the translator's chosen translation of the word, if any
    sound: Recorded | None = None  # where the clause is heard in its document's recording, if it is


def cards(document: Document, segments: Sequence[Segment], found: Sequence[Term],
          chosen: dict[str, str] | None = None, sound_at: Callable[[int], Recorded | None] | None = None) -> list[Card]:
    """A card per term, with its first clause; ``sound_at`` (``ClauseSounds.at`` for the document) gives the
    clause's recorded span by its offset, for the card to carry."""
    chosen = chosen or {}
    starts = [segment.start for segment in segments]
    made = []
    for term in found:
        context = document.span_text(term.first_start, term.first_end).strip()
        row = bisect_right(starts, term.first_start) - 1
        context_translation = segments[row].target if 0 <= row < len(segments) else ""
        made.append(Card(term.word, term.pinyin_text, numbered(term.pinyin), term.definition, term.hsk, context,
                         _highlighted(context, term.word), context_translation, chosen.get(term.word, ""),
                         sound_at(term.first_start) if sound_at else None))
    return made


def _highlighted(context: str, word: str) -> str:
    return html.escape(context).replace(html.escape(word), f"<b>{html.escape(word)}</b>")


def study_cards(entries, definitions: dict[str, str], analyzer=None,
                chosen: dict[str, str] | None = None, senses: dict[str, str] | None = None,
                sound_at: Callable[[str | None, int | None], Recorded | None] | None = None) -> list[Card]:
    """Cards of study-list entries: each keeps the clause and reading it was added with and shows the clause's
    translation as ``Library.study_list`` reads it now; its definition is the learner's own or the senses of that
    reading, the one in ``senses`` first (deck.definition). ``sound_at`` (``ClauseSounds.at``) gives the clause's
    recorded span by its document and offset."""
    from ..reading.dictionary import hsk_level
    from .deck import definition as meaning

    made = []
    for entry in entries:
        syllables = tuple(entry.reading.split())
        own = definitions.get(entry.word)
        definition = meaning(analyzer.dictionary, entry.word, syllables, own,
                             sense=(senses or {}).get(entry.word)) if analyzer else own or ""
        made.append(Card(entry.word, entry.reading, numbered(syllables), definition, hsk_level(entry.word),
                         entry.context, _highlighted(entry.context, entry.word), entry.context_translation,
                         (chosen or {}).get(entry.word, ""),
                         sound_at(entry.document_id, entry.position) if sound_at else None))
    return made


def export_deck(made: Sequence[Card], fmt: str, title: str = "studyapp",
                kinds: Iterable[Kind] = tuple(Kind)) -> bytes:
    """The cards in a format; an Anki package carries a card of each of ``kinds`` (the review options') per
    word."""
    if fmt == "apkg":
        return _apkg(made, title, tuple(kinds))
    if fmt == "pleco":
        lines = [f"{card.word}\t{card.numbered}\t{_pleco_field(card.definition)}" for card in made]
        return ("\n".join(lines) + "\n").encode("utf-8")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["word", "pinyin", "definition", "hsk", "context", "context_translation", "translation"])
        writer.writerows([guarded(str(cell)) for cell in (card.word, card.pinyin, card.definition, card.hsk or "",
                                                           card.context, card.context_translation, card.translation)]
                         for card in made)
        return out.getvalue().encode("utf-8")
    if fmt == "tbx":
        return _tbx(made)
    raise StudyAppError(f"Unknown deck format {fmt!r}; choose one of {', '.join(DECK_FORMATS)}.")


#: Pleco's own line break inside a definition (a private-use character its flashcard files use for one).
_PLECO_NEW_LINE = "\ueab1"


def _pleco_field(text: str) -> str:
    """A field of Pleco's one-card-per-line, tab-separated file: its line breaks as Pleco's own, a tab a space
    (a definition stored before definitions were kept to one line may hold either)."""
    return LINE_BREAKS.sub(_PLECO_NEW_LINE, text).replace("\t", " ")


def exported_count(made: Sequence[Card], fmt: str) -> int:
    """How many words an export of ``made`` in ``fmt`` holds: the TBX glossary only those with a chosen
    translation, every other format all of them."""
    return sum(1 for card in _glossary_cards(made)) if fmt == "tbx" else len(made)


def _glossary_cards(made: Sequence[Card]) -> Iterator[Card]:
    """The cards a glossary holds: words the translator chose a translation for."""
    return (card for card in made if card.translation)


def _stable_id(name: str) -> int:
    """An id Anki keeps across exports: from the name, in the range genanki asks for."""
    digest = int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:12], 16)
    return (1 << 30) + digest % (1 << 30)


_CSS = (".card{font-family:sans-serif;font-size:20px;text-align:center}"
        ".hanzi{font-size:48px}.pinyin{color:#1e88e5}.context{font-size:22px;margin-top:1em}"
        ".context-translation{color:#757575;font-size:16px}")

_NOTE_FIELDS = ("Hanzi", "Pinyin", "Definition", "Context", "ContextTranslation", "HSK", "Translation", "Blanked")
#: A field per kind of card: Anki makes a card of a template only when its front is not empty, so the note's
#: gate fields choose the kinds, as Anki's own "Basic (optional reversed card)" does, and the note type stays
#: the same whatever the learner chooses (a re-export updates the notes).
_GATES = {Kind.RECOGNITION: "RecognitionCard", Kind.RECALL: "RecallCard", Kind.CLOZE: "ClozeCard"}
_CONTEXT_BACK = ("<div class=context>{{Context}}</div>"
                 "{{#ContextTranslation}}<div class=context-translation>{{ContextTranslation}}</div>"
                 "{{/ContextTranslation}}")
_TEMPLATES = {
    Kind.RECOGNITION: ("<div class=hanzi>{{Hanzi}}</div>",
                       "<div class=pinyin>{{Pinyin}}</div><div>{{Definition}}</div>"
                       "{{#Translation}}<div><i>{{Translation}}</i></div>{{/Translation}}" + _CONTEXT_BACK
                       + "{{#HSK}}<div>HSK {{HSK}}</div>{{/HSK}}"),
    Kind.RECALL: ("<div>{{Definition}}</div><div class=pinyin>{{Pinyin}}</div>",
                  "<div class=hanzi>{{Hanzi}}</div>" + _CONTEXT_BACK),
    Kind.CLOZE: ("<div class=context>{{Blanked}}</div>{{#ContextTranslation}}<div class=context-translation>"
                 "{{ContextTranslation}}</div>{{/ContextTranslation}}",
                 "<div class=hanzi>{{Hanzi}}</div><div class=pinyin>{{Pinyin}}</div><div>{{Definition}}</div>"
                 "<div class=context>{{Context}}</div>"),
}


def _note_type():
    import genanki

    return genanki.Model(
        _stable_id("studyapp vocabulary note type 1"), "studyapp vocabulary",
        fields=[{"name": name} for name in _NOTE_FIELDS + tuple(_GATES.values())],
        templates=[{"name": kind.value.capitalize(),
                    "qfmt": f"{{{{#{_GATES[kind]}}}}}{front}{{{{/{_GATES[kind]}}}}}",
                    "afmt": "{{FrontSide}}<hr id=answer>" + back} for kind, (front, back) in _TEMPLATES.items()],
        css=_CSS)


def _apkg(made: Sequence[Card], title: str, kinds: tuple[Kind, ...]) -> bytes:
    import genanki

    note_type = _note_type()
    deck = genanki.Deck(_stable_id(f"studyapp deck {title}"), title)
    gates = ["y" if kind in kinds else "" for kind in _GATES]
    names, media = _sounds(made)
    for card in made:
        context = card.context_html
        if card.sound in names:
            context += f" [sound:{names[card.sound]}]"
        fields = [html.escape(card.word), html.escape(card.pinyin), html.escape(card.definition), context,
                  html.escape(card.context_translation), "" if card.hsk is None else str(card.hsk),
                  html.escape(card.translation), html.escape(blanked(card.context, card.word))]
        deck.add_note(genanki.Note(model=note_type, fields=fields + gates,
                                   guid=genanki.guid_for("studyapp", card.word)))
    return _package_bytes(genanki.Package(deck), media=media)


def _sounds(made: Sequence[Card]) -> tuple[dict[Recorded, str], Iterator[tuple[str, bytes]]]:
    """The media name of each card's clip, and the clips as WAV by name, made as the package is written: each
    recording read once, keeping only its clips. A recording that cannot be read leaves its cards without
    sound (``ClauseSounds`` said so when it looked for them)."""
    wanted: dict[Path, dict[Recorded, str]] = {}
    for card in made:
        if card.sound is not None:
            key = f"{card.sound.recording}\0{card.sound.span.start!r}\0{card.sound.span.end!r}"
            name = f"studyapp-{hashlib.sha1(key.encode('utf-8', 'surrogateescape')).hexdigest()[:16]}.wav"
            wanted.setdefault(card.sound.recording, {})[card.sound] = name
    heard: list[tuple[str, Audio]] = []
    for recording, named in wanted.items():
        try:
            audios = clips(recording, [sound.span for sound in named])
        except RecordingError:
            continue
        heard += [(name, audio) for name, audio in zip(named.values(), audios, strict=True) if audio.frames]
    kept = {name for name, _audio in heard}
    names = {sound: name for named in wanted.values() for sound, name in named.items() if name in kept}

    heard.reverse()

    def media() -> Iterator[tuple[str, bytes]]:
        while heard:
            name, audio = heard.pop()  # each clip let go once it is in the package
            yield name, wav_bytes(faded(audio))

    return names, media()


_APKG_PREFIX = "studyapp-apkg-"


def _sweep_killed_exports() -> None:
    """Remove the folders of exports whose process was killed mid-way (its pid is in the folder's name)."""
    import shutil

    for folder in Path(tempfile.gettempdir()).glob(f"{_APKG_PREFIX}*-*"):
        try:
            pid = int(folder.name[len(_APKG_PREFIX):].split("-", 1)[0])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (ValueError, OSError):  # not ours by name, or a live process of another user
            continue


def _package_bytes(package, timestamp: float | None = None, media: Iterable[tuple[str, bytes]] = ()) -> bytes:
    """The .apkg as genanki's ``write_to_file`` lays it out, built inside a folder of our own that is removed
    in every case: ``write_to_file`` leaves its SQLite copy of the deck (0.2-2.5 MB) in the temp folder on every
    export, and a kill during it leaves the same. ``media``: (name, content) of each file the notes refer to,
    stored as Anki's legacy package holds them (numbered entries, and a "media" map of number to name)."""
    import sqlite3

    stamp = time.time() if timestamp is None else timestamp
    _sweep_killed_exports()
    with tempfile.TemporaryDirectory(prefix=f"{_APKG_PREFIX}{os.getpid()}-") as folder:
        database = os.path.join(folder, "collection.anki2")
        connection = sqlite3.connect(database)
        try:
            package.write_to_db(connection.cursor(), stamp, itertools.count(int(stamp * 1000)))
            connection.commit()
        finally:
            connection.close()
        written = io.BytesIO()
        with zipfile.ZipFile(written, "w") as archive:
            archive.write(database, "collection.anki2")
            names = {}
            for number, (name, content) in enumerate(media):
                archive.writestr(str(number), content)
                names[str(number)] = name
            archive.writestr("media", json.dumps(names))
        return written.getvalue()


def _tbx(made: Sequence[Card], target_language: str = "en") -> bytes:
    """The glossary: every word with a chosen translation."""
    from translate.storage import tbx

    store = tbx.tbxfile(sourcelanguage="zh-CN", targetlanguage=target_language)
    for card in _glossary_cards(made):
        unit = store.addsourceunit(card.word)
        unit.settarget(card.translation, target_language)
    return bytes(store)

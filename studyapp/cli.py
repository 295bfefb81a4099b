"""One entry point: the window by default, ``analyze`` and ``lookup`` for scripts; same core as the window."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__, logs, timings
from .errors import StudyAppError
from .files import write_atomically
from .translation.exchange import FORMATS
from .wording import counted, displayable

log = logging.getLogger(__name__)


def _command_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studyapp", description="Read, study and translate Chinese text.")
    parser.add_argument("--version", action="version", version=f"studyapp {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    analyze = commands.add_parser("analyze", help="print a text's clauses and tokens")
    analyze.add_argument("path", help="a Chinese text file (or an EPUB, subtitles, a web page, a PDF); - reads "
                                      "standard input")
    analyze.add_argument("--json", action="store_true",
                         help="print one JSON object (without it: each clause, then its words with pinyin)")
    lookup = commands.add_parser("lookup", help="print every CC-CEDICT entry for a word")
    lookup.add_argument("word", help="a word in hanzi, simplified or traditional (exit 1 when it is not found)")
    lookup.add_argument("--json", action="store_true", help="print JSON instead of text")
    named = ", ".join(fmt.name.upper() for fmt in FORMATS.values())
    export = commands.add_parser("export", help=f"write a text's translation as one of {named}")
    export.add_argument("path", help="the source text (it is added to the library if it is not there yet)")
    export.add_argument("--format", choices=tuple(FORMATS), required=True,
                        help="; ".join(f"{fmt.name}: {fmt.label}" for fmt in FORMATS.values()))
    export.add_argument("--out", required=True, metavar="FILE")
    export.add_argument("--lang", default=None, help="target language code (default: the document's, else en)")
    export.add_argument("--units", choices=("segment", "sentence"), default="segment",
                        help="TMX/TSV units: segment (as translated here) or sentence (the segments of a sentence "
                             "joined: give these to OmegaT and Trados, which segment by sentence)")
    importer = commands.add_parser("import", help=f"fill a text's translation from one of {named}")
    importer.add_argument("path", help="the source text")
    importer.add_argument("file", help="translation file, known by its name (else a TMX by its content, else TSV): "
                                       + ", ".join("/".join(fmt.suffixes) for fmt in FORMATS.values()))
    importer.add_argument("--overwrite", action="store_true", help="replace translations already written")
    deck = commands.add_parser("deck", help="list a text's words with counts, readings and what you know of them")
    deck.add_argument("path")
    deck.add_argument("--json", action="store_true", help="print one JSON object")
    deck.add_argument("--export", choices=("apkg", "pleco", "csv", "tbx"),
                      help="write the deck as an Anki package, Pleco flashcards, CSV, or the glossary as TBX")
    deck.add_argument("--out", metavar="FILE", help="where --export writes")
    deck.add_argument("--status", default="new,learning,known",
                      help="which words --export takes, by status (default: new,learning,known)")
    known = commands.add_parser("known", help="mark the words of a list known (text, CSV, Pleco or Anki export)")
    known.add_argument("file")
    review = commands.add_parser("review", help="today's flashcards: how many are due, new and learning")
    review.add_argument("--json", action="store_true", help="print {due, new, learning} as JSON")
    review.add_argument("--export-log", metavar="FILE.csv", help="write the review log as FSRS's optimiser reads it")
    speak = commands.add_parser("speak", help="write what the app would say for a text as a WAV file")
    speak.add_argument("text", help="the Chinese text to say (read as the window reads it: readings in context)")
    speak.add_argument("--out", required=True, metavar="FILE.wav")
    speak.add_argument("--rate", type=float, default=1.0, help="speed, 0.5 to 1.5 (default 1)")
    speak.add_argument("--voice", help="a voice id (default: the system's Mandarin voice, else eSpeak NG); "
                                       "an unknown one lists those there are")
    recording = commands.add_parser("recording", help="attach a recording to a text, or list its spans")
    recordings = recording.add_subparsers(dest="action", required=True)
    attach = recordings.add_parser("attach", help="keep an audio file (mp3, m4a, ogg, flac, wav) with a text")
    attach.add_argument("path", help="the text or subtitle file (it is added to the library if it is not there)")
    attach.add_argument("audio", nargs="?", help="the recording (default: the one beside the text, same name)")
    show = recordings.add_parser("show", help="print each span of the text's recording: number, start and end "
                                              "(seconds), the text heard")
    show.add_argument("path")
    detach = recordings.add_parser("detach", help="forget a text's recording and its bookmarks (the file stays)")
    detach.add_argument("path")
    clip = commands.add_parser("clip", help="write the recorded sound of one clause as a WAV file")
    clip.add_argument("path", help="the text or subtitle file")
    clip.add_argument("--clause", type=int, required=True, metavar="N", help="the clause, numbered as analyze does")
    clip.add_argument("--out", required=True, metavar="FILE.wav")
    clip.add_argument("--speed", type=float, default=1.0, help="0.5 to 1 (default 1); the pitch is kept")
    for command in (analyze, export, importer, deck, attach, show, detach, clip):
        command.add_argument("--password", help="the password of a PDF protected by one")
    for command in (analyze, lookup, export, importer, deck, known, review, attach, show, detach, clip):
        command.add_argument("--library", metavar="PATH", help="the library file (default: STUDYAPP_LIBRARY or the "
                                                               "user data folder)")
    return parser


def _window_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studyapp", description="Read, study and translate Chinese text.",
        epilog="Sub-commands (studyapp COMMAND --help for each): analyze PATH, lookup WORD, export PATH, "
               "import PATH FILE, deck PATH, known FILE, review, speak TEXT --out FILE.wav, "
               "recording attach|show|detach PATH, clip PATH --clause N --out FILE.wav.")
    parser.add_argument("--version", action="version", version=f"studyapp {__version__}")
    parser.add_argument("path", nargs="?", help="a Chinese text file (default: the bundled joint statement)")
    parser.add_argument("--password", help="the password of a PDF protected by one (else the window asks)")
    parser.add_argument("--screenshot", metavar="OUT.png", help="render the window offscreen to a PNG and exit")
    parser.add_argument("--library", metavar="PATH", help="the library file (default: STUDYAPP_LIBRARY or the "
                                                          "user data folder)")
    parser.add_argument("--timings", action="store_true",
                        help="print start-up milestones to stderr, in ms since the process began")
    return parser


def _analyzer():
    from .reading.analysis import Analyzer
    from .reading.dictionary import Dictionary

    def report(done: int, total: int) -> None:
        print(f"\rBuilding the dictionary index (first run only): {100 * done // max(total, 1)}%",
              end="" if done < total else "\n", file=sys.stderr)

    return Analyzer(Dictionary.open(None if Dictionary.is_built() else report))


def _from_library(analyzer, library_path: str | None, loaded):
    """What the library knows of a text, when there is a library (never creating one): the learner's
    segmentation fixes, the text cut as the reader chose (joined lines), and the readings they pinned in it."""
    from . import text
    from .document import Pins
    from .library import Library, default_library_path, document_id

    path = library_path or default_library_path()
    if not Path(path).exists():
        return text.split(loaded), None
    with Library.open(path) as library:
        analyzer.set_fixes(library.segmentation_fixes(), library.own_definitions())
        document = library.split_document(loaded.text, loaded.encoding)
        return document, Pins(library.pinned_readings(document_id(loaded.text)))


def _read_input(path: str, password: str | None = None):
    """A file, or with ``-`` standard input (as much as a file may hold, and one byte more to tell)."""
    from .errors import TextLoadError
    from .files import MAX_FILE_BYTES
    from .text import loading

    if path != "-":
        return loading.load(path, password)
    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise TextLoadError("Standard input holds more than 50 MB; studyapp reads texts of up to 50 MB.")
    return loading.load_bytes(data, "standard input", password)


def _analyze(args: argparse.Namespace) -> int:
    from .document import write_json

    loaded = _read_input(args.path, args.password)
    analyzer = _analyzer()
    document, pins = _from_library(analyzer, args.library, loaded)
    if args.json:
        write_json(document, analyzer, sys.stdout, pins)
        return 0
    from .reading.analysis import analyze_all

    for index, tokens in analyze_all(document, analyzer):
        tokens = pins.apply(document, index, tokens) if pins is not None else tokens
        words = "  ".join(f"{token.text} {token.pinyin_text}" if token.pinyin else token.text
                          for token in tokens if token.kind != "punct")
        print(f"{index + 1}\t{document.clause_text(index)}\n\t{words}")
    return 0


def _lookup(args: argparse.Namespace) -> int:
    from .document import lookup_json

    result = lookup_json(args.word, _analyzer())
    found = 0 if result["entries"] else 1  # as grep: 1 when nothing was found
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return found
    if not result["entries"]:
        print(f"{args.word}: not in CC-CEDICT")
        return found
    for entry in result["entries"]:
        head = entry["simplified"] if entry["simplified"] == entry["traditional"] else \
            f"{entry['simplified']} ({entry['traditional']})"
        print(f"{head} [{entry['pinyin']}] {'; '.join(entry['definitions'])}")
    if result["hsk"]:
        print(f"HSK {'7-9' if result['hsk'] == 7 else result['hsk']}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .document import open_in_library
    from .library import Library
    from .translation.exchange import export_text, export_warnings

    with Library.open(args.library) as library:
        opened = open_in_library(library, Path(args.path), args.password)
        info = library.document_info(opened.id)
        language = args.lang or (info.target_lang if info else "en")
        if args.lang and info and args.lang != info.target_lang:
            library.set_target_lang(opened.id, args.lang)
        data = export_text(opened.document, opened.segments, args.format, language, info.title if info else "",
                           units=args.units)
    write_atomically(Path(args.out), data)
    for warning in export_warnings(opened.document, opened.segments, args.format):
        print(warning, file=sys.stderr)
    done = sum(1 for s in opened.segments if s.target)
    total = counted(len(opened.segments), "{0} segment", "{0} segments")
    print(f"Wrote {args.out}: {done:,} of {total} translated.", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .document import open_in_library
    from .library import Library
    from .text.loading import load
    from .translation.exchange import apply_import, import_summary, read_translation

    # Both files are read and checked before the library is touched; the document's opening and the import
    # are one transaction, so a bad file, a mismatch or a kill leaves the library as it was.
    load(args.path, args.password)
    translation = read_translation(Path(args.file))
    # A window holding the library keeps its own copy of the segments: writing under it would be overwritten
    # or shown stale, so importing waits until the window is closed (reading and exporting go on).
    with Library.open(args.library, exclusive=True, held_by="import a translation",
                      on_wait=_say_waiting) as library, library.transaction():
        opened = open_in_library(library, Path(args.path), args.password)
        result = apply_import(library, opened, translation, args.overwrite)
    for note in result.notes:
        print(note, file=sys.stderr)
    message = import_summary(result)
    if result.skipped_existing:
        message += " Use --overwrite to replace what was kept."
    print(message, file=sys.stderr)
    return 0


def _say_waiting() -> None:
    print("Waiting for another studyapp command to finish with the library…", file=sys.stderr)


def _library_to_read(library_path: str | None, backup: bool = False):
    """The library for a command that reads: where there is none yet it says so and reads an empty one,
    creating no library, folder or backup (``Library.open_or_empty``)."""
    from .library import Library, default_library_path

    path = Path(library_path) if library_path else default_library_path()
    if not path.exists():
        print(f"There is no library at {path} yet: it reads as empty, and none is created.", file=sys.stderr)
    return Library.open_or_empty(path, backup)


def _deck(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .document import ClauseSounds, open_in_library
    from .study import deck
    from .study.review import load_settings

    if args.export and not args.out:
        raise StudyAppError("--export needs --out FILE.")
    analyzer = _analyzer()
    with _library_to_read(args.library, backup=True) as library:  # the text's word counts are recorded there
        analyzer.set_fixes(library.segmentation_fixes(), library.own_definitions())
        opened = open_in_library(library, Path(args.path), args.password)
        gathered, found = deck.build(library, opened.id, opened.document, analyzer)
        statuses = library.term_statuses()
        chosen = library.chosen_translations()
        kinds = load_settings(library).kinds  # an Anki package carries the kinds of card the learner reviews
        sounds = ClauseSounds(library)
        sound_at = sounds.for_document(opened.id, opened.document) if args.export == "apkg" else None
    for problem in sounds.problems:
        print(f"studyapp: {problem} The cards have no sound.", file=sys.stderr)
    if args.export:
        return _export_deck(args, opened, found, chosen, kinds, sound_at)
    result = deck.to_json(found, gathered, statuses)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    for word in result["words"]:
        print(f"{word['word']}\t{word['pinyin']}\t{word['count']}\t{word['status']}\t{word['definition']}")
    new = sum(1 for word in result["words"] if word["status"] == "new")
    words = counted(len(result["words"]), "{0} word", "{0} words")
    print(f"{words}, {new:,} new; {result['coverage']:.1%} of the running words known or ignored.", file=sys.stderr)
    return 0


def _export_deck(args: argparse.Namespace, opened, found, chosen: dict[str, str], kinds, sound_at=None) -> int:
    from pathlib import Path

    from .study.deck import TermStatus
    from .study.deck_export import cards, export_deck, exported_count

    wanted = {name.strip().upper() for name in args.status.split(",") if name.strip()}
    unknown = wanted - set(TermStatus.__members__)
    if unknown:
        raise StudyAppError(f"Unknown status {', '.join(sorted(unknown)).lower()}; use new, learning, known, ignored.")
    chosen_terms = [term for term in found if term.status.name in wanted]
    made = cards(opened.document, opened.segments, chosen_terms, chosen, sound_at)
    written = exported_count(made, args.export)
    if args.export == "tbx" and not written:
        raise StudyAppError(f"None of the {counted(len(made), '{0} word', '{0} words')} has a chosen translation, so "
                            "the TBX glossary would be empty; nothing was written. Choose a word's translation in "
                            "the window first (Words > Choose a Translation for the Word…).")
    write_atomically(Path(args.out), export_deck(made, args.export, Path(args.path).stem, kinds))
    print(f"Wrote {args.out}: {counted(written, '{0} word', '{0} words')}.", file=sys.stderr)
    return 0


def _known(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .library import Library
    from .study.deck import TermStatus, read_word_list

    words = read_word_list(Path(args.file))
    with Library.open(args.library) as library:
        library.set_term_status(words, TermStatus.KNOWN)
        present = library.known_in_library(words)
    marked = counted(len(words), "Marked {0} word known", "Marked {0} words known")
    print(f"{marked}; {counted(present, '{0} occurs', '{0} occur')} in your library's texts.", file=sys.stderr)
    return 0


def _review(args: argparse.Namespace) -> int:
    from .study.review import Reviewer, export_log_file

    with _library_to_read(args.library) as library:
        reviewer = Reviewer(library)  # the learner's own options, read from the library; nothing is written
        if args.export_log:
            rows = export_log_file(reviewer, Path(args.export_log))
            print(f"Wrote {args.export_log}: {counted(rows, '{0} review', '{0} reviews')}.", file=sys.stderr)
            return 0
        counts = reviewer.counts()
    for line in reviewer.damaged.values():
        print(f"studyapp: {line}", file=sys.stderr)
    if args.json:
        print(json.dumps({"due": counts.due, "new": counts.new, "learning": counts.learning}))
    else:
        print(f"Today: {counts.due} due, {counts.new} new, {counts.learning} learning.")
    return 0


def _speak(args: argparse.Namespace) -> int:
    """The text said as the window would say it, into a WAV; exit 2 with one line when no voice speaks Mandarin
    (or the voice asked for is not here)."""
    from .listening.speech import choose, engines, utterance_of
    from .listening.voices import RATE_RANGE, NoMandarinVoice

    if not args.text.strip():
        raise StudyAppError("Nothing to say: the text is empty.")
    if not RATE_RANGE[0] <= args.rate <= RATE_RANGE[1]:
        raise StudyAppError(f"--rate is a speed from {RATE_RANGE[0]} to {RATE_RANGE[1]}, not {args.rate}.")
    found = [engine for engine in engines() if engine.writes_wav]
    engine, voice = choose(args.voice, found)  # NoMandarinVoice is a StudyAppError: one line, exit 2
    if args.voice and voice != args.voice:
        known = ", ".join(v.id for e in found for v in e.voices())
        raise NoMandarinVoice(f"no voice {args.voice!r} here; there are: {known}")
    said = engine.synthesize(utterance_of(args.text, _analyzer()), args.rate, voice)
    if said is None:  # only engines that write a WAV were chosen; one that played instead wrote nothing
        raise NoMandarinVoice("the voice chosen plays aloud and writes no sound file")
    write_atomically(Path(args.out), said)
    return 0


def _recording(args: argparse.Namespace) -> int:
    """Attach (or detach) a text's recording, or list its spans; a missing or unreadable file: exit 2, one line."""
    from .document import open_in_library
    from .library import Library
    from .listening.recordings import duration_of, find_beside

    if args.action == "show":
        spans, audio, document = _recorded_spans(args)
        for number, span in enumerate(spans, start=1):
            heard = " ".join(document.span_text(span.offset, span.end_offset).split())
            print(f"{number}\t{span.start:.3f}\t{span.end:.3f}\t{heard[:80]}")
        kind = "cue" if document.cues else "bookmark"
        print(f"{counted(len(spans), f'{{0}} {kind} span', f'{{0}} {kind} spans')} of {audio}.", file=sys.stderr)
        return 0
    with Library.open(args.library) as library:
        opened = open_in_library(library, Path(args.path), args.password)
        if args.action == "detach":
            library.detach_recording(opened.id)
            print(f"{args.path} has no recording now.", file=sys.stderr)
            return 0
        audio = Path(args.audio) if args.audio else find_beside(Path(args.path))
        if audio is None:
            raise StudyAppError(f"There is no recording beside {args.path} under its name: give the audio file.")
        length = duration_of(audio)  # a missing, unreadable or undecodable file stops here with its line
        kept = library.attach_recording(opened.id, audio)
        held = (counted(len(opened.document.cues), "{0} cue", "{0} cues") if opened.document.cues else
                counted(len(library.bookmarks(opened.id)), "{0} bookmark", "{0} bookmarks"))
    print(f"Attached {kept} ({_minutes(length)}) to {args.path}: {held}.", file=sys.stderr)
    return 0


def _recorded_spans(args: argparse.Namespace):
    """The spans of a text's recording, the recording and the text, read without writing: the one attached in the
    library, else the one beside the text (said so on stderr)."""
    from .document import recording_spans, split_for
    from .library import document_id
    from .listening.recordings import duration_of, find_beside

    loaded = _read_input(args.path, args.password)
    with _library_to_read(args.library) as library:
        document = split_for(library, loaded)
        identifier = document_id(loaded.text)
        audio = library.recording(identifier)
        if audio is None:
            beside = args.path != "-" and not library.recording_detached(identifier)
            audio = find_beside(Path(args.path)) if beside else None
            if audio is None:
                raise StudyAppError(f"{args.path} has no recording: attach one with "
                                    f"studyapp recording attach {args.path} AUDIO.")
            print(f"Using {audio}, beside the text (not attached).", file=sys.stderr)
        spans = recording_spans(library, identifier, document, duration_of(audio))
    return spans, audio, document


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def _clip(args: argparse.Namespace) -> int:
    """One clause's recorded sound as a WAV (slowed with ``--speed``); reads, writes nothing in the library."""
    from .listening.recordings import clips, slowed, span_at_offset, wav_bytes

    if not 0.5 <= args.speed <= 1:
        raise StudyAppError(f"--speed is from 0.5 to 1, not {args.speed}.")
    spans, audio, document = _recorded_spans(args)
    if not 1 <= args.clause <= len(document.clauses):
        raise StudyAppError(f"{args.path} has clauses 1 to {len(document.clauses):,}, not {args.clause}.")
    clause = document.clauses[args.clause - 1]
    span = span_at_offset(spans, clause.start)
    if span is None:
        raise StudyAppError(f"Clause {args.clause} is in no span of {audio.name}"
                            + ("." if document.cues else ": set a bookmark at it or before it in the window."))
    heard = clips(audio, [span])[0]
    if not heard.frames:
        raise StudyAppError(f"{audio.name} ends before clause {args.clause} ({span.start:.1f} s).")
    write_atomically(Path(args.out), wav_bytes(slowed(heard, args.speed)))
    print(f"Wrote {args.out}: {span.start:.2f}-{span.end:.2f} s of {audio.name}.", file=sys.stderr)
    return 0


COMMANDS = {"analyze": _analyze, "lookup": _lookup, "export": _export, "import": _import, "deck": _deck,
            "known": _known, "review": _review, "speak": _speak, "recording": _recording, "clip": _clip}


def _unknown_command(path: str) -> bool:
    """A word that reads like a command (lower-case letters, no dot, no folder) and names no file: a mistyped
    command, not a text to open."""
    return re.fullmatch(r"[a-z][a-z-]*", path) is not None and not Path(path).exists()


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    logs.setup()
    try:
        if argv and argv[0] in COMMANDS:
            args = _command_parser().parse_args(argv)
            return COMMANDS[args.command](args)
        window = _window_parser()
        args = window.parse_args(argv)
        if args.path and _unknown_command(args.path):
            window.error(f"{args.path!r} is neither a command ({', '.join(COMMANDS)}) nor a file.")
        if args.timings:
            timings.enable()
        if args.path:
            from .library import default_library_path
            from .library.split_ahead import start

            start(args.path, args.library or default_library_path())  # on the other core while the window starts
        if args.path and args.screenshot:
            from .text.loading import load
            load(args.path, args.password)  # scripted: a bad path fails here, exit 2, before anything is drawn
        from .ui.app import run
        return run(args.path, screenshot=args.screenshot, library=args.library, password=args.password)
    except StudyAppError as error:
        print(f"studyapp: {displayable(str(error))}", file=sys.stderr)  # non-UTF-8 names shown as in a file manager
        return 2
    except sqlite3.Error as error:  # a read after the library was opened (a disk failing, a file swapped)
        print(f"studyapp: the library could not be read ({error}). Nothing was changed.", file=sys.stderr)
        return 2
    except MemoryError:
        print("studyapp: not enough memory for this file.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `studyapp analyze … | head` closed the pipe: not an error of ours
        sys.stderr.close()
        return 0
    except OSError as error:  # a folder of ours that cannot be made (another user's home), a disk that fails
        log.info("an operating-system error ended the command", exc_info=True)  # in the log, never on stderr
        print(f"studyapp: {os_error_line(error)}", file=sys.stderr)
        return 2


def os_error_line(error: OSError) -> str:
    """What the operating system refused, in one line: the file it concerns and why."""
    reason = (error.strerror or str(error) or type(error).__name__).rstrip(".")
    named = displayable(os.fsdecode(error.filename)) if error.filename else ""
    return f"{named}: {reason[:1].lower()}{reason[1:]}." if named else f"{reason}."


if __name__ == "__main__":
    sys.exit(main())

"""Speech: a Mandarin voice per platform behind one small interface, fed the app's own reading of the text.

An engine lists its voices and says an ``Utterance`` at a rate (0.5-1.5x) as WAV bytes. The system's own Mandarin
voice comes first where there is one (``system_voices``: SAPI, macOS ``say``, speech-dispatcher); eSpeak NG from
the ``espeakng-loader`` wheel is always there after it (``espeak``). An utterance carries both the text as written
and its reading as the app reads it (pinned readings, polyphones in context, tone sandhi as spoken): eSpeak NG
takes the reading, so 银行 is yín háng and 还有 hái yǒu because the app says so; system voices take the text and
read it by themselves (``Engine.takes_reading`` says which, for the popup).
"""

from __future__ import annotations

import io
import wave
from collections.abc import Sequence

from ..reading.analysis import Analyzer, Token
from ..reading.pinyin import as_spoken, strip_tones, tone_of
from ..reading.pinyin import numbered as numbered_pinyin
from .voices import Engine, NoMandarinVoice, Utterance, Voice, clamp_rate

#: Chinese punctuation as the pause eSpeak makes for its ASCII twin; quotes and brackets are no pause.
_PAUSES = {"。": ". ", "．": ". ", "，": ", ", "、": ", ", "；": "; ", "：": ": ", "？": "? ", "！": "! ", "…": ". ",
           ".": ". ", ",": ", ", ";": "; ", ":": ": ", "?": "? ", "!": "! "}


def numbered(syllable: str) -> str:
    """A tone-marked syllable as eSpeak's cmn voice reads pinyin, by the app's one numbered-pinyin rule
    (``pinyin.numbered``: ``lǜ`` -> ``lv4``, ``de`` -> ``de5``), with the erhua ``r`` said ``er5``; what is not
    pinyin stays as written."""
    if strip_tones(syllable).lower() == "r":  # erhua (哪儿 nǎr): eSpeak has none, and reads a lone r as English
        return "er5"
    return numbered_pinyin([syllable.lower()]) if tone_of(syllable) else strip_tones(syllable).lower()


def spoken_reading(tokens: Sequence[Token]) -> str:
    """A clause's tokens as the numbered pinyin said aloud: the readings the app shows (pinned, in context), with
    the tone changes of speech (一个 yí gè, 你好 ní hǎo); punctuation as pauses; numbers and Latin as written;
    a word without a reading as its hanzi, for the engine to read by itself."""
    spoken = as_spoken([(token.text, token.pinyin if token.kind == "word" else None) for token in tokens])
    parts: list[str] = []
    for token, syllables in zip(tokens, spoken, strict=True):
        if token.kind == "word" and syllables:
            parts.append("".join(numbered(s) for s in syllables))  # one word: said without a break
        elif token.kind == "punct":
            pause = _PAUSES.get(token.text[:1])
            if pause:
                parts.append(pause.strip())
        elif token.text.strip():
            parts.append(token.text.strip())
    return " ".join(parts).replace(" ,", ",").replace(" .", ".").replace(" ?", "?").replace(" !", "!") \
        .replace(" ;", ";").replace(" :", ":")


def utterance(text: str, tokens: Sequence[Token]) -> Utterance:
    return Utterance(text, spoken_reading(tokens))


def utterance_of(text: str, analyzer: Analyzer) -> Utterance:
    """Any text, read as the window reads it: clause by clause through the analyzer."""
    from ..text import split

    document = split(text)
    tokens: list[Token] = []
    for clause in document.clauses:
        tokens += analyzer.analyze(text[clause.start:clause.end])
    return utterance(text, tokens)


#: eSpeak's voice variants worth offering for Mandarin (its data has a hundred, most of them jokes)
_ESPEAK_VARIANTS = {"f2": "female", "f4": "female, higher", "m3": "male, lower"}


class ESpeakEngine:
    """eSpeak NG's Mandarin voice, from the wheel; it takes the app's reading."""

    name = "eSpeak NG"
    takes_reading = True
    writes_wav = True

    def __init__(self) -> None:
        from .espeak import MANDARIN, bundled

        engine = bundled()
        if engine is None:
            raise NoMandarinVoice("eSpeak NG (the espeakng-loader package) is not installed.")
        self._espeak, self._mandarin = engine, MANDARIN

    def voices(self) -> list[Voice]:
        return [Voice("espeak:" + self._mandarin, "eSpeak NG Mandarin")] + [
            Voice(f"espeak:{self._mandarin}+{variant}", f"eSpeak NG Mandarin, {label}")
            for variant, label in _ESPEAK_VARIANTS.items() if variant in self._espeak.variants]

    def synthesize(self, utterance: Utterance, rate: float = 1.0, voice: str | None = None) -> bytes:
        name = voice.split(":", 1)[1] if voice and voice.startswith("espeak:") else self._mandarin
        return self._espeak.synthesize(utterance.reading or utterance.text, name, clamp_rate(rate))

    def phonemes(self, utterance: Utterance) -> str:
        return self._espeak.phonemes(utterance.reading or utterance.text, self._mandarin)

    def stop(self) -> None:
        """Synthesis is short and the player stops the sound; nothing to stop here."""


def engines() -> list[Engine]:
    """Every engine here that can speak Mandarin, the system's first."""
    from .system_voices import system_engines

    found: list[Engine] = list(system_engines())
    try:
        found.append(ESpeakEngine())
    except NoMandarinVoice:
        pass
    return found


def choose(voice: str | None = None, found: Sequence[Engine] | None = None, wav: bool = False) -> tuple[Engine, str]:
    """The engine and voice id to speak with: ``voice`` when an engine has it, else the first engine's first
    voice; with ``wav``, only engines that write WAV. Raises ``NoMandarinVoice`` when there is none."""
    candidates = [engine for engine in (engines() if found is None else found) if engine.writes_wav or not wav]
    listed = [(engine, v) for engine in candidates for v in engine.voices()]
    for engine, option in listed:
        if option.id == voice:
            return engine, option.id
    if not listed:
        raise NoMandarinVoice("No voice here can speak Mandarin: install the espeakng-loader package.")
    engine, option = listed[0]
    return engine, option.id


def wav_duration(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as reader:
        return reader.getnframes() / reader.getframerate()

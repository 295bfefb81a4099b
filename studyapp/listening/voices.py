"""What a voice is to the app: an engine lists its voices and says an ``Utterance`` (the text, and its reading as
the app reads it) at a rate, as WAV bytes. The engines (``espeak``, ``system_voices``) and the choice among them
(``speech``) build on this."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..errors import StudyAppError

RATE_RANGE = (0.5, 1.5)


class NoMandarinVoice(StudyAppError):
    """No engine here can speak Mandarin."""


@dataclass(frozen=True)
class Voice:
    id: str  # "engine:name", kept in the settings
    name: str  # shown in the voice menu


@dataclass(frozen=True)
class Utterance:
    """What to say: ``text`` as written, and ``reading``, the same in numbered pinyin as the app says it."""

    text: str
    reading: str


class Engine(Protocol):
    name: str
    takes_reading: bool  # says ``Utterance.reading`` (the app's reading), not ``text`` read by itself
    writes_wav: bool  # False: it plays through its own audio server, and ``synthesize`` returns None

    def voices(self) -> list[Voice]: ...

    def synthesize(self, utterance: Utterance, rate: float = 1.0, voice: str | None = None) -> bytes | None: ...

    def stop(self) -> None: ...


def clamp_rate(rate: float) -> float:
    return max(RATE_RANGE[0], min(RATE_RANGE[1], rate))

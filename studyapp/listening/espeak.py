"""eSpeak NG through ctypes: the Mandarin voice that ships in the ``espeakng-loader`` wheel, so that a plain
``pip install`` speaks on any platform, with no system package.

Why ctypes and not a binding package: the five functions used here (initialise, pick a voice, set the rate, hand
over a callback, synthesise) are a stable C API since eSpeak 1.x; a binding would add a package to keep alive
for forty lines. The wheel itself brings the library and its data (``cmn_dict``, ``lang/sit/cmn``).

The ``cmn`` voice reads numbered pinyin as well as hanzi (``yin2 hang2``; ü written ``v``, the neutral tone 5):
that is how the app's own reading reaches it. Its tones are the ones it is given: it does no tone sandhi.
"""

from __future__ import annotations

import ctypes
import io
import threading
import wave
from functools import cache
from pathlib import Path

from ..errors import StudyAppError

_SYNCHRONOUS = 2  # AUDIO_OUTPUT_SYNCHRONOUS: espeak_Synth returns when the callback has had every sample
_CHARS_UTF8, _ENDPAUSE = 0x1, 0x1000
_RATE = 1  # espeakRATE, in words per minute
_NORMAL_WPM, _MIN_WPM, _MAX_WPM = 175, 80, 450
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
MANDARIN = "cmn"


class ESpeak:
    """One process-wide eSpeak NG; calls are serialised (the library keeps its state in globals)."""

    def __init__(self, library: Path, data: Path) -> None:
        self._lock = threading.Lock()
        self._lib = lib = ctypes.CDLL(str(library))
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                                     ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
        self.sample_rate = lib.espeak_Initialize(_SYNCHRONOUS, 0, str(data).encode(), 0)
        if self.sample_rate <= 0:
            raise StudyAppError(f"eSpeak NG could not start with its data at {data}.")
        self._chunks: list[bytes] = []
        self._callback = _CALLBACK(self._collect)  # kept: the library holds only the C pointer
        lib.espeak_SetSynthCallback(self._callback)
        self.variants = tuple(sorted(p.name for p in (data / "voices" / "!v").iterdir() if p.is_file()))

    def _collect(self, samples, count: int, _events) -> int:
        if count > 0:
            self._chunks.append(ctypes.string_at(samples, count * 2))
        return 0

    def _set(self, voice: str, rate: float) -> None:
        if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise StudyAppError(f"eSpeak NG has no voice {voice!r}.")
        wpm = max(_MIN_WPM, min(_MAX_WPM, round(_NORMAL_WPM * rate)))
        self._lib.espeak_SetParameter(_RATE, wpm, 0)

    def synthesize(self, text: str, voice: str = MANDARIN, rate: float = 1.0) -> bytes:
        """``text`` (hanzi, or numbered pinyin) said by ``voice`` at ``rate`` times the normal speed, as a
        16-bit mono WAV."""
        data = text.encode("utf-8")
        with self._lock:
            self._set(voice, rate)
            self._chunks = []
            error = self._lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, _CHARS_UTF8 | _ENDPAUSE, None, None)
            pcm, self._chunks = b"".join(self._chunks), []
        if error != 0:
            raise StudyAppError(f"eSpeak NG could not say {text[:40]!r} (error {error}).")
        return wav_bytes(pcm, self.sample_rate)

    def phonemes(self, text: str, voice: str = MANDARIN) -> str:
        """eSpeak's own phoneme mnemonics for ``text`` (``X'A35N`` for hang2): what it will say, for checks."""
        with self._lock:
            self._set(voice, 1.0)
            pointer = ctypes.c_char_p(text.encode("utf-8"))
            said = []
            while pointer.value:
                out = self._lib.espeak_TextToPhonemes(ctypes.byref(pointer), _CHARS_UTF8, 0)
                said.append(out.decode("utf-8") if out else "")
        return " ".join(said)


def wav_bytes(pcm: bytes, sample_rate: int) -> bytes:
    """Raw 16-bit mono samples as a WAV file's bytes."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(sample_rate)
        writer.writeframes(pcm)
    return out.getvalue()


@cache
def bundled() -> ESpeak | None:
    """The eSpeak NG of the ``espeakng-loader`` wheel, or None when the wheel or its Mandarin data is missing."""
    try:
        import espeakng_loader
    except ImportError:
        return None
    library, data = Path(espeakng_loader.get_library_path()), Path(espeakng_loader.get_data_path())
    if not library.exists() or not (data / "cmn_dict").exists():
        return None
    try:
        return ESpeak(library, data)
    except (OSError, StudyAppError):
        return None

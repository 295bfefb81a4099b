"""Speech: how long eSpeak NG takes to say a word and a clause, and the time from the key to the first sound in
the window (P on a word, Shift+P on its clause), played into miniaudio's null device (no sound card needed).

    python benchmarks/speech.py

Synthesis: the median of 20 calls, with the seconds of speech made. Key to sound: the median of 10 presses, from
the key event to the player starting the sound, and how long the key handler held the GUI thread.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TEMP = tempfile.mkdtemp(prefix="studyapp-speech-bench-")
for _name in ("CONFIG", "STATE", "CACHE"):
    os.environ.setdefault(f"STUDYAPP_{_name}_DIR", _TEMP)
os.environ.setdefault("STUDYAPP_LIBRARY", str(Path(_TEMP) / "library.sqlite"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CLAUSE = "他还没来，我们先去银行取钱吧。"


def synthesis() -> None:
    from studyapp.listening.speech import ESpeakEngine, utterance_of, wav_duration
    from studyapp.reading.analysis import Analyzer
    from studyapp.reading.dictionary import Dictionary

    started = time.perf_counter()
    engine = ESpeakEngine()
    print(f"eSpeak NG loaded in {(time.perf_counter() - started) * 1000:.0f} ms")
    analyzer = Analyzer(Dictionary.open())
    for name, text in (("word 银行", "银行"), (f"clause {CLAUSE}", CLAUSE)):
        said = utterance_of(text, analyzer)
        engine.synthesize(said)
        times = []
        for _ in range(20):
            start = time.perf_counter()
            wav = engine.synthesize(said)
            times.append(time.perf_counter() - start)
        print(f"{name}: {statistics.median(times) * 1000:.1f} ms for {wav_duration(wav):.2f} s of speech")


def key_to_sound() -> None:
    import miniaudio

    from studyapp.ui.app import build_window
    from studyapp.ui.qt import QApplication, QEvent, QKeyEvent, Qt
    from studyapp.ui.speech_player import Player
    from tests.ui.conftest import hover, word_point

    app, window = build_window(None)
    window.open_path(None)
    window.show()
    while window.analysis_running() or not window.speech.voices:
        app.processEvents()
    window.speech.player = Player(backends=[miniaudio.Backend.NULL])
    row, point = word_point(window, "重申")
    hover(window.view, point)
    window.view.go_to(row)
    for name, modifier in (("word (P)", Qt.KeyboardModifier.NoModifier),
                           ("clause (Shift+P)", Qt.KeyboardModifier.ShiftModifier)):
        to_sound, held = [], []
        for _ in range(10):
            start = time.perf_counter()
            QApplication.sendEvent(window.view, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_P, modifier))
            held.append(time.perf_counter() - start)
            while not window.speech.player.playing:
                app.processEvents()
            to_sound.append(time.perf_counter() - start)
            window.speech.stop()
        print(f"{name}: key to first sound {statistics.median(to_sound) * 1000:.1f} ms; "
              f"the GUI thread held {statistics.median(held) * 1000:.1f} ms")
    window.library.close()


if __name__ == "__main__":
    synthesis()
    key_to_sound()

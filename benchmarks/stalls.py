"""The longest GUI-thread stall while a user opens, scrolls, types in, regroups and exports the novel.

    python benchmarks/stalls.py [PATH]

A watchdog timer on the GUI thread ticks every 5 ms; the longest gap between two ticks during a phase is the
longest time the window could not paint or answer input in that phase. Every action is started from the event
loop (as a menu or key would start it), and a phase lasts until its work is really over, background jobs and
pause-time timers (autosave, progress) included. Runs Qt offscreen on a throw-away library; uses
../shared/corpus/水浒传.txt by default.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_folder = tempfile.mkdtemp(prefix="studyapp-stalls-")
os.environ["STUDYAPP_LIBRARY"] = os.path.join(_folder, "library.sqlite")

from studyapp.ui.app import build_window  # noqa: E402
from studyapp.ui.qt import (
    QApplication,
    QCoreApplication,
    QEvent,
    QEventLoop,
    QKeyEvent,
    Qt,
    QTimer,
    qInstallMessageHandler,
)

REPO = Path(__file__).resolve().parent.parent
NOVEL = REPO.parent / "shared" / "corpus" / "水浒传.txt"
TICK_MS = 5


class Watchdog:
    """Measures the longest gap between ticks of a timer on the GUI thread, and the longest garbage
    collection (any thread's: it stops every thread holding the GIL)."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.reset()
        self.timer.start()
        self._collecting = 0.0
        gc.callbacks.append(self._on_collection)

    def reset(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0
        self.longest_collection = 0.0

    def _on_collection(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._collecting = time.perf_counter()
        elif self._collecting:
            self.longest_collection = max(self.longest_collection, time.perf_counter() - self._collecting)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now


def run_phase(app, watchdog: Watchdog, name: str, action, done,
              timeout: float = float(os.environ.get("STALLS_TIMEOUT", 600))) -> None:
    """Start ``action`` from the event loop, run the loop until ``done()`` (and 1.2 s more, for pause-time
    work), and print the phase's longest stall and duration."""
    started = time.perf_counter()
    watchdog.reset()
    QTimer.singleShot(0, action)
    while time.perf_counter() - started < timeout:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        if done():
            break
        time.sleep(0.001)
    finished = time.perf_counter()
    if not done():
        name += " (timed out)"
    while time.perf_counter() - finished < 1.2:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.001)
    print(f"{name:<44} longest stall {watchdog.longest * 1000:5.0f} ms   (phase {finished - started:6.2f} s; "
          f"longest garbage collection {watchdog.longest_collection * 1000:.0f} ms)", flush=True)


def repeat(count: int, interval_ms: int, step) -> tuple:
    """An action that runs ``step(n)`` ``count`` times, each from its own timer event (key repeat, typing)."""
    state = {"n": 0}
    timer = QTimer()
    timer.setInterval(interval_ms)

    def fire() -> None:
        step(state["n"])
        state["n"] += 1
        if state["n"] >= count:
            timer.stop()

    timer.timeout.connect(fire)
    return timer.start, lambda: state["n"] >= count, timer


def key(widget, code, text: str = "", modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    for kind in (QKeyEvent.Type.KeyPress, QKeyEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, code, modifiers, text))


def main(path: Path) -> None:
    qInstallMessageHandler(lambda *_args: None)
    app, window = build_window(None)
    window.show()
    window.open_path(None)
    while window.analysis_running():  # the sample opens and is analysed as jobs
        app.processEvents()
    watchdog = Watchdog()
    print(f"== {path.name}: longest GUI-thread stall per phase (watchdog tick {TICK_MS} ms)")

    def analysed() -> bool:
        model = window.session.model
        return model is not None and model.rowCount() > 1000 and not window.analysis_running()

    run_phase(app, watchdog, "open (first time: stored) and analyse", lambda: window.open_path(path), analysed)
    run_phase(app, watchdog, "open the sample text", lambda: window.open_path(None),
              lambda: window.session.model.rowCount() < 1000 and not window.analysis_running())
    run_phase(app, watchdog, "reopen and analyse", lambda: window.open_path(path), analysed)

    view = window.view
    start, done, _timer = repeat(150, 15, lambda _n: key(view, Qt.Key.Key_PageDown))
    run_phase(app, watchdog, "scroll: 150 Page Down", start, done)
    bar = view.verticalScrollBar()
    start, done, _timer = repeat(60, 30, lambda n: bar.setValue(bar.maximum() * ((n * 37) % 60) // 60))
    run_phase(app, watchdog, "scroll: 60 jumps of the scroll bar", start, done)

    view.go_to(5, center=True)
    window.translator.edit(5)
    editor = window.translator.editor
    words = "typing a translation of this clause, word by word "
    start, done, _timer = repeat(len(words), 40, lambda n: key(editor, 0, words[n]))
    run_phase(app, watchdog, f"typing {len(words)} keys (autosave, totals)", start, done)
    window.translator.close_editor()

    run_phase(app, watchdog, "group by sentence", lambda: window.sentence_action.setChecked(True),
              lambda: window.sentence_action.isChecked())
    run_phase(app, watchdog, "undo the grouping", window.translator.undo_stack.undo,
              lambda: not window.translator.undo_stack.canUndo() or window.session.model.rowCount() > 111_000)

    out = Path(_folder) / "novel.docx"
    if not os.environ.get("STALLS_SKIP_EXPORT"):
        run_phase(app, watchdog, "export the bilingual DOCX", lambda: window.exchange.export("docx", out),
                  lambda: out.exists() and not window.exchange.busy())
    window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else NOVEL)

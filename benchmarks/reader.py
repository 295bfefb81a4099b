"""Reader figures for the default text and the largest corpus file: first paint, analysis, memory, hover, typing.

    python benchmarks/reader.py [PATH ...]

Prints one block per text. First paint comes from the app's own ``--timings`` milestones, read from a fresh
process (cold: nothing of the text cached; the dictionary index is built already). Everything else runs in this
process, Qt offscreen, on a throw-away library. Uses ../shared/corpus/水浒传.txt when it is there. For the
longest GUI-thread stalls see ``benchmarks/stalls.py``.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_FOLDER = tempfile.mkdtemp(prefix="studyapp-bench-")
os.environ["STUDYAPP_LIBRARY"] = os.path.join(_FOLDER, "library.sqlite")

from studyapp import text  # noqa: E402
from studyapp.paths import default_text  # noqa: E402
from studyapp.reading.analysis import Analyzer  # noqa: E402
from studyapp.study.deck import gather  # noqa: E402
from studyapp.text import loading
from studyapp.timings import PREFIX  # noqa: E402
from studyapp.ui.app import build_window  # noqa: E402
from studyapp.ui.qt import (
    QApplication,
    QCoreApplication,
    QEvent,
    QKeyEvent,
    QMouseEvent,
    QPoint,
    QPointF,
    Qt,
    qInstallMessageHandler,
)

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_mb()


def milestones(path: Path, library: Path) -> dict[str, float]:
    """Start ``studyapp --timings --screenshot`` on ``path`` in a fresh process and read its milestones."""
    completed = subprocess.run(
        [sys.executable, "-m", "studyapp", "--timings", "--screenshot", os.path.join(_FOLDER, "shot.png"),
         "--library", str(library), str(path)],
        capture_output=True, text=True, timeout=600, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    found = {}
    for line in completed.stderr.splitlines():
        if line.startswith(PREFIX):
            milliseconds, name = line[len(PREFIX):].strip().split(" ms ", 1)
            found.setdefault(name, float(milliseconds))
    if "first paint" not in found:
        print(f"   (no first paint from {path.name}: exit {completed.returncode} {completed.stderr[-300:]!r})")
    return found


def median_marks(runs: list[dict[str, float]]) -> dict[str, float]:
    names = [name for name in runs[0] if all(name in run for run in runs)]
    return {name: statistics.median(run[name] for run in runs) for name in names}


def settle(window) -> None:
    """Run the event loop until the analysis is done, deleting what was let go as the real loop does
    (``processEvents`` alone leaves ``deleteLater`` objects, and a closed document's model, alive)."""
    app = QApplication.instance()
    while window.analysis_running():
        app.processEvents()
        time.sleep(0.002)
    app.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def word_points(window, rows: list[int]):
    """(row, point on screen) of the first word of each row, scrolling each into view first."""
    view, model = window.view, window.session.model
    for row in rows:
        view.go_to(row, center=True)
        view.viewport().repaint()
        index = model.index(row, 0)
        rect = view.visualRect(index)
        layout = window.delegate.layout_for(index, rect.width())
        for placed in layout.tokens:
            if placed.token.kind == "word":
                yield row, placed.token, placed.rect.center().toPoint() + rect.topLeft()
                break


def hover_latencies(window, samples: int = 200) -> list[float]:
    """From a mouse move onto a word never hovered before until the popup shows its entry, with the
    dictionary look-up cache, the popup's HTML cache and the word's reading all cold: the first word of
    ``samples`` rows spread over the text."""
    model = window.session.model
    rng = random.Random(7)
    rows = sorted(rng.sample(range(model.rowCount()), min(samples * 3, model.rowCount())))
    viewport = window.view.viewport()
    seen: set[str] = set()
    timings = []
    for _row, token, point in word_points(window, rows):
        if token.text in seen or len(timings) >= samples:
            continue
        seen.add(token.text)
        window.hover.clear_cache()
        window.analyzer.dictionary._lookup.cache_clear()
        window.analyzer.forget()
        for target in (QPoint(3, 3), point):
            event = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(target), QPointF(viewport.mapToGlobal(target)),
                                Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
            started = time.perf_counter()
            QApplication.sendEvent(viewport, event)
        if window.hover.popup.isVisible():
            timings.append(time.perf_counter() - started)
    return timings


def keystroke_latencies(window, keys: str = "typing a translation, key by key") -> tuple[list[float], float]:
    """Per key: the key reaching the editor, the model and the undo stack, and the row repainted on screen.
    Then the pause-time work the keys caused (autosave to SQLite, totals in the status bar), timed alone."""
    translator = window.translator
    translator.edit(min(3, window.session.model.rowCount() - 1))
    viewport = window.view.viewport()
    timings = []
    for key in keys:
        started = time.perf_counter()
        for kind in (QKeyEvent.Type.KeyPress, QKeyEvent.Type.KeyRelease):
            QApplication.sendEvent(translator.editor, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, key))
        viewport.repaint()
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    translator.save_now()
    window.session.progressChanged.emit()
    pause = time.perf_counter() - started
    translator.undo_stack.undo()
    translator.close_editor()
    return timings, pause


def page_analysis_ms(window, jumps: int = 30) -> float:
    """The GUI thread's share of analysis: clauses of a page analysed (cache misses) when jumping to places
    never shown, after the background analysis is done. Median ms a jump."""
    view, clauses = window.view, window.session.clauses
    rng = random.Random(3)
    costs = []
    for _ in range(jumps):
        row = rng.randrange(window.session.model.rowCount())
        started = time.perf_counter()
        misses = clauses.misses
        view.go_to(row, center=True)
        view.viewport().repaint()
        if clauses.misses > misses:
            costs.append(time.perf_counter() - started)
    return statistics.median(costs) * 1000 if costs else 0.0


def analyse_all_seconds(path: Path, analyzer: Analyzer) -> tuple[float, int]:
    """The core alone, with cold word readings, as the background job runs it."""
    document = text.split(loading.load(path))
    analyzer.forget()
    started = time.perf_counter()
    gather(document, analyzer)
    return time.perf_counter() - started, len(document.clauses)


def main(paths: list[Path]) -> None:
    qInstallMessageHandler(lambda *_args: None)  # the offscreen platform warns on every popup shown
    first_paints: dict[str, tuple[float, float]] = {}
    runs = int(os.environ.get("BENCH_RUNS", 5))
    for path in paths:
        colds, agains = [], []
        for run in range(runs):
            library = Path(_FOLDER) / f"paint-{path.stem}-{run}.sqlite"
            colds.append(milestones(path, library))
            agains.append(milestones(path, library))
        cold, again = median_marks(colds), median_marks(agains)
        first_paints[path.name] = (cold.get("first paint", 0), again.get("first paint", 0))
        print(f"== {path.name}: milestones in ms since the process began (median of {runs} fresh processes)")
        print("   first opening: " + ", ".join(f"{name} {ms:.0f}" for name, ms in cold.items()))
        print("   reopened:      " + ", ".join(f"{name} {ms:.0f}" for name, ms in again.items()))

    started = time.perf_counter()
    app, window = build_window(None)
    window.show()
    app.processEvents()
    print(f"\nstart-up in this process (Qt, fonts, dictionary load): {time.perf_counter() - started:.2f} s")
    for path in paths:
        print(f"\n== {path.name} ({path.stat().st_size / 1e6:.2f} MB)")
        before = rss_mb()
        opened = time.perf_counter()
        window.open_path(path)
        settle(window)
        print(f"open and analyse in the window:   {time.perf_counter() - opened:.2f} s  "
              f"({len(window.session.document.clauses):,} clauses; analysis in the background)")
        print(f"page analysis on the GUI thread:  median {page_analysis_ms(window):.1f} ms a jump to an unseen place")
        timings = hover_latencies(window)
        print(f"hover popup, cold caches:         median {statistics.median(timings) * 1000:.1f} ms, "
              f"p95 {statistics.quantiles(timings, n=20)[-1] * 1000:.1f} ms ({len(timings)} different words)")
        typing, pause = keystroke_latencies(window)
        print(f"typing, key to repainted row:     median {statistics.median(typing) * 1000:.2f} ms, "
              f"worst {max(typing) * 1000:.2f} ms; pause-time work (autosave, totals) {pause * 1000:.1f} ms")
        print(f"memory: {before:.0f} MB before opening, {rss_mb():.0f} MB open (peak so far {peak_mb():.0f} MB)")
        window.open_path(default_text())
        settle(window)
        print(f"memory after closing it:          {rss_mb():.0f} MB")
        seconds, clauses = analyse_all_seconds(path, window.analyzer)
        print(f"analyse everything, core alone:   {seconds:.2f} s  ({clauses / seconds:,.0f} clauses/s, cold readings)")
    default = first_paints.get(default_text().name)
    if default and default[0]:
        for name, (cold, again) in first_paints.items():
            print(f"\nfirst paint {name}: first opening {cold:.0f} ms ({cold / default[0]:.2f}x the default text's), "
                  f"reopened {again:.0f} ms ({again / default[1]:.2f}x); warm in the reopening process: nothing "
                  "but the OS file cache and the library (text and segments stored)")
    window.close()


if __name__ == "__main__":
    chosen = [Path(arg) for arg in sys.argv[1:]] or [default_text()] + (
        [CORPUS / "水浒传.txt"] if (CORPUS / "水浒传.txt").exists() else [])
    main(chosen)

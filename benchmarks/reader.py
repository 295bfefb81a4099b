"""Reader figures for the default text and the largest corpus file: first paint, full analysis, memory, hover.

    python benchmarks/reader.py [PATH ...]

Prints one block per text. Runs Qt offscreen; uses ../shared/corpus/水浒传.txt when it is there.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile  # noqa: E402
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["STUDYAPP_LIBRARY"] = os.path.join(tempfile.mkdtemp(prefix="studyapp-bench-"), "library.sqlite")

from PySide6.QtCore import QPoint, QPointF, Qt, qInstallMessageHandler  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from studyapp import text  # noqa: E402
from studyapp.analysis import Analyzer  # noqa: E402
from studyapp.document import analyze_all  # noqa: E402
from studyapp.paths import default_text  # noqa: E402
from studyapp.ui.app import build_window  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def first_paint(window, path: Path) -> float:
    """Open the file and paint the window until the first page is on screen."""
    app = QApplication.instance()
    started = time.perf_counter()
    window.open_path(path)
    window.view.viewport().repaint()
    app.processEvents()
    return time.perf_counter() - started


def hover_latencies(window, samples: int = 200) -> list[float]:
    """Time from a mouse move onto a new word to the popup being shown with its entry."""
    view, model = window.view, window.model
    viewport = view.viewport()
    points = []
    for row in range(min(model.rowCount(), 12)):
        index = model.index(row, 0)
        rect = view.visualRect(index)
        if rect.bottom() > viewport.height():
            break
        layout = window.delegate.layout_for(index, rect.width())
        points += [placed.rect.center().toPoint() + rect.topLeft() for placed in layout.tokens
                   if placed.token.kind == "word"]
    timings = []
    away = QPoint(3, 3)
    for number in range(samples):
        point = points[number % len(points)]
        window._html_cache.clear()  # measure look-up and formatting too, not a cached popup
        for target in (away, point):
            event = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(target), QPointF(viewport.mapToGlobal(target)),
                                Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
            started = time.perf_counter()
            QApplication.sendEvent(viewport, event)
        if window.popup.isVisible():
            timings.append(time.perf_counter() - started)
    return timings


def keystroke_latencies(window, keys: str = "typing a translation") -> list[float]:
    """Time for one key typed into a translation cell to reach the model and repaint its row."""
    from PySide6.QtTest import QTest

    window.translator.edit(min(3, window.model.rowCount() - 1))
    timings = []
    for key in keys:
        started = time.perf_counter()
        QTest.keyClick(window.translator.editor, key)
        timings.append(time.perf_counter() - started)
    window.translator.undo_stack.undo()
    window.translator.close_editor()
    return timings


def analyse_all_seconds(path: Path, analyzer: Analyzer) -> tuple[float, int]:
    """The core alone, with an empty cache, as on first opening."""
    document = text.split(text.load(path))
    fresh = Analyzer(analyzer.dictionary)
    started = time.perf_counter()
    for _ in analyze_all(document, fresh):
        pass
    return time.perf_counter() - started, len(document.clauses)


def background_analysis_seconds(window, started: float) -> float:
    """The window's own background analysis, from opening until its progress bar goes away."""
    app = QApplication.instance()
    while window.analysis_running():
        app.processEvents()
        time.sleep(0.005)
    return time.perf_counter() - started


def main(paths: list[Path]) -> None:
    qInstallMessageHandler(lambda *_args: None)  # the offscreen platform warns on every popup shown
    started = time.perf_counter()
    app, window = build_window(None)
    window.show()
    app.processEvents()
    print(f"start-up (Qt, fonts, dictionary load): {time.perf_counter() - started:.2f} s")
    for path in paths:
        print(f"\n== {path.name} ({path.stat().st_size / 1e6:.2f} MB)")
        window.analyzer = Analyzer(window.analyzer.dictionary)  # no cache from an earlier text
        opened = time.perf_counter()
        paint = first_paint(window, path)
        print(f"time to first paint:        {paint:.3f} s  ({len(window.document.clauses):,} clauses, first opening:"
              " the library stores the text and its segments)")
        background = background_analysis_seconds(window, opened)
        print(f"background analysis in the window: {background:.2f} s after opening")
        seconds, clauses = analyse_all_seconds(path, window.analyzer)
        print(f"time to analyse everything: {seconds:.2f} s  ({clauses / seconds:,.0f} clauses/s, core alone)")
        timings = hover_latencies(window)
        print(f"hover popup latency:        median {statistics.median(timings) * 1000:.1f} ms, "
              f"p95 {statistics.quantiles(timings, n=20)[-1] * 1000:.1f} ms ({len(timings)} hovers)")
        typing = keystroke_latencies(window)
        print(f"typing in a translation:    median {statistics.median(typing) * 1000:.2f} ms a key, "
              f"worst {max(typing) * 1000:.2f} ms")
        print(f"peak memory so far:         {peak_mb():.0f} MB")
        window.open_path(default_text() if path != default_text() else paths[-1])
        again = first_paint(window, path)
        print(f"first paint when reopened:  {again:.3f} s")
    window.close()


if __name__ == "__main__":
    chosen = [Path(arg) for arg in sys.argv[1:]] or [default_text()] + (
        [CORPUS / "水浒传.txt"] if (CORPUS / "水浒传.txt").exists() else [])
    main(chosen)

"""Deck figures for the largest corpus file: gathering its words, listing its terms, storing its counts.

    python benchmarks/deck.py [PATH]

Core only (no window); cold word readings. Uses ../shared/corpus/水浒传.txt by default.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from studyapp import text
from studyapp.library import Library
from studyapp.reading.analysis import Analyzer
from studyapp.reading.dictionary import Dictionary
from studyapp.study import deck
from studyapp.text import loading

REPO = Path(__file__).resolve().parent.parent
NOVEL = REPO.parent / "shared" / "corpus" / "水浒传.txt"


def main(path: Path) -> None:
    analyzer = Analyzer(Dictionary.open())
    analyzer.dictionary.readings()
    document = text.split(loading.load(path))
    with Library.open(Path(tempfile.mkdtemp(prefix="studyapp-deck-")) / "library.sqlite") as library:
        identifier = library.add_document(document, path.stem, None)
        started = time.perf_counter()
        gathered = deck.gather(document, analyzer)
        gathering = time.perf_counter() - started
        started = time.perf_counter()
        library.save_document_words(identifier, gathered.counts)
        storing = time.perf_counter() - started
        started = time.perf_counter()
        found = deck.terms(document, gathered, analyzer, library.term_statuses(), library.library_counts(),
                           library.own_definitions())
        listing = time.perf_counter() - started
        started = time.perf_counter()
        library.set_term_status([term.word for term in found[:2000]], deck.TermStatus.KNOWN)
        statuses = library.term_statuses()
        share = deck.coverage(gathered, statuses)
        marking = time.perf_counter() - started
    print(f"== {path.name}: {len(document.clauses):,} clauses, {gathered.running_words:,} running words, "
          f"{len(found):,} distinct")
    print(f"gather words (analysis, cold readings): {gathering:.2f} s")
    print(f"store counts in the library:            {storing * 1000:.0f} ms")
    print(f"list terms (definitions, HSK, library): {listing:.2f} s")
    print(f"mark 2,000 words known + coverage:      {marking * 1000:.0f} ms (coverage now {share:.1%})")
    print(f"peak memory:                            {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def window_figures(path: Path) -> None:
    """In the window: the panel over the whole deck, a status change re-tinting the page, first paint and peak
    memory with the panel open."""
    os.environ["STUDYAPP_LIBRARY"] = str(Path(tempfile.mkdtemp(prefix="studyapp-deck-")) / "library.sqlite")
    from studyapp import timings
    from studyapp.ui.app import build_window
    from studyapp.ui.qt import QApplication, QCoreApplication, QEvent, qInstallMessageHandler

    qInstallMessageHandler(lambda *_args: None)
    app, window = build_window(None)
    window.show()
    window.vocabulary.dock.show()
    app.processEvents()
    painted: list[float] = []
    original = timings.mark
    timings.mark = lambda name: painted.append(time.perf_counter()) if name == "first paint" else None
    started = time.perf_counter()
    window.open_path(path)
    while window.session.opening():  # the text opens as a job
        app.processEvents()
        time.sleep(0.002)
    window.view.viewport().repaint()
    app.processEvents()
    timings.mark = original
    first_paint = (painted[0] if painted else time.perf_counter()) - started
    while window.analysis_running():
        app.processEvents()
        time.sleep(0.002)
    analysed = time.perf_counter() - started
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
    table = window.vocabulary.panel.table
    started = time.perf_counter()
    table.viewport().repaint()
    panel_paint = time.perf_counter() - started
    model = window.vocabulary.model
    started = time.perf_counter()
    model.sort(0)
    sorting = time.perf_counter() - started
    started = time.perf_counter()
    model.set_filter(query="song")
    searching = time.perf_counter() - started
    model.set_filter(query="")
    changes = []
    for row in range(5, 25):
        window.view.go_to(row * 97, center=True)
        window.view.viewport().repaint()
        words = [t.text for t in window.session.model.tokens(row * 97) if t.kind == "word"]
        if not words:
            continue
        started = time.perf_counter()
        window.vocabulary.set_status(words[:1], deck.TermStatus.KNOWN)  # re-tint, table, coverage
        window.view.viewport().repaint()
        QApplication.processEvents()
        changes.append(time.perf_counter() - started)
    print(f"\n== in the window, Vocabulary panel open ({model.rowCount():,} words)")
    print(f"first paint after opening:             {first_paint * 1000:.0f} ms (analysis done after {analysed:.1f} s)")
    print(f"panel repaint / sort by word / search: {panel_paint * 1000:.0f} / {sorting * 1000:.0f} / "
          f"{searching * 1000:.0f} ms")
    print(f"status change to re-tinted page and coverage: median {sorted(changes)[len(changes) // 2] * 1000:.1f} ms, "
          f"worst {max(changes) * 1000:.1f} ms")
    print(f"peak memory:                           {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    window.close()


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    chosen = Path(sys.argv[1]) if len(sys.argv) > 1 else NOVEL
    main(chosen)
    window_figures(chosen)

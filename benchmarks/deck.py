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

from studyapp import deck, text
from studyapp.analysis import Analyzer
from studyapp.dictionary import Dictionary
from studyapp.store import Library

REPO = Path(__file__).resolve().parent.parent
NOVEL = REPO.parent / "shared" / "corpus" / "水浒传.txt"


def main(path: Path) -> None:
    analyzer = Analyzer(Dictionary.open())
    analyzer.dictionary.readings()
    document = text.split(text.load(path))
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


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else NOVEL)

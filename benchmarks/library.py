"""Library figures: saving one edit with 10,000 translated segments stored, opening the library, fuzzy matching.

    python benchmarks/library.py

Builds a throw-away library in a temporary folder from the default text (and 水浒传 when ../shared/corpus is
there) until it holds at least 10,000 translated segments.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from studyapp import text
from studyapp.library import Library
from studyapp.paths import default_text
from studyapp.text import loading
from studyapp.translation.memory import TranslationMemory

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def fill(library: Library, path: Path, wanted: int) -> int:
    document = text.split(loading.load(path))
    identifier = library.add_document(document, path.stem, str(path))
    segments = library.segments(identifier)[:wanted]
    library.save_segments([s.with_target(f"Translation of segment {s.id}, with some words in it.") for s in segments])
    return len(segments)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "library.sqlite"
        with Library.open(path) as library:
            translated = fill(library, default_text(), 10_000)
            novel = CORPUS / "水浒传.txt"
            source = novel if novel.exists() else default_text()
            if translated < 10_000 and novel.exists():
                translated += fill(library, source, 10_000 - translated)
            total = sum(info.segments for info in library.documents())
            print(f"library: {translated:,} translated segments of {total:,}, {path.stat().st_size / 1e6:.1f} MB")
            document_id = library.documents()[0].id
            segment = library.segments(document_id)[5]
            timings = []
            for number in range(200):
                started = time.perf_counter()
                library.save_translation(segment.id, f"edit {number}")
                timings.append(time.perf_counter() - started)
            print(f"save one edit:   median {statistics.median(timings) * 1000:.2f} ms, "
                  f"p95 {statistics.quantiles(timings, n=20)[-1] * 1000:.2f} ms (200 edits, one transaction each)")
        opens = []
        for _ in range(5):
            started = time.perf_counter()
            library = Library.open(path, exclusive=True)
            documents = library.documents()
            opens.append(time.perf_counter() - started)
            library.close()
        print(f"open library and list {len(documents)} documents: median {statistics.median(opens) * 1000:.1f} ms")
        with Library.open(path) as library:
            started = time.perf_counter()
            pairs = library.translated_pairs()
            memory = TranslationMemory(pairs)
            built = time.perf_counter() - started
            queries = [s for _d, s, _t in pairs[:: max(1, len(pairs) // 100)]]
            started = time.perf_counter()
            for query in queries:
                memory.matches(query)
            per_query = (time.perf_counter() - started) / len(queries)
        print(f"translation memory of {len(pairs):,} pairs: built in {built * 1000:.0f} ms, "
              f"fuzzy match {per_query * 1000:.1f} ms per segment")


if __name__ == "__main__":
    main()

"""How much reading polyphones in context costs, on the largest corpus file, in one run:

    python benchmarks/readings.py [PATH]

Prints two baselines over the whole text, `rjieba.cut` (what the app segments with) and python-jieba's
`jieba.lcut` (what other readers use, about twenty times slower), then the full analysis (tokens, readings)
without the context model and with it, each as a ratio to both baselines, and the process's peak memory.

Each analysis runs cold, on a fresh `Dictionary` and a fresh `Analyzer`, so the second path does not run on the
word readings the first one looked up; the dictionary index itself is built already (it is cached on disk), as
it is when the app opens a document. The context path is then run once more on its warm caches, to show what
those caches save. Uses ../shared/corpus/水浒传.txt.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from studyapp import text
from studyapp.reading.analysis import Analyzer, analyze_all
from studyapp.reading.dictionary import Dictionary
from studyapp.text import loading

REPO = Path(__file__).resolve().parent.parent
NOVEL = REPO.parent / "shared" / "corpus" / "水浒传.txt"


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def fresh_analyzer(context: bool) -> Analyzer:
    """A new Dictionary (index loaded from its disk cache, readings table built) and Analyzer: nothing looked up."""
    dictionary = Dictionary.open()
    dictionary.readings()
    return Analyzer(dictionary, context=context)


def main(path: Path) -> None:
    import jieba
    import rjieba

    jieba.setLogLevel(60)
    jieba.initialize()
    loaded = loading.load(path)
    document = text.split(loaded)
    rcut = timed(lambda: rjieba.cut(loaded.text))
    lcut = timed(lambda: jieba.lcut(loaded.text))

    def analyse(analyzer: Analyzer) -> None:
        for _index, _tokens in analyze_all(document, analyzer):
            pass

    plain_analyzer = fresh_analyzer(False)
    plain = timed(lambda: analyse(plain_analyzer))
    context_analyzer = fresh_analyzer(True)
    contextual = timed(lambda: analyse(context_analyzer))
    warm = timed(lambda: analyse(context_analyzer))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def row(label: str, seconds: float) -> str:
        return f"  {label:<42}{seconds:6.2f} s  {seconds / rcut:6.1f}x rjieba  {seconds / lcut:5.2f}x jieba.lcut"

    print(f"{path.name}: {len(loaded.text):,} characters, {len(document.clauses):,} clauses")
    print(row("rjieba.cut (the app's segmenter)", rcut))
    print(row("jieba.lcut (python-jieba)", lcut))
    print(row("analysis without context, cold", plain))
    print(row("analysis with context readings, cold", contextual))
    print(row("analysis with context readings, warm", warm))
    print(f"  peak memory {peak:.0f} MB; cold = fresh Dictionary and Analyzer, warm = the same Analyzer again")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else NOVEL)

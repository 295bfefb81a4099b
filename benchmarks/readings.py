"""How much reading polyphones in context costs, on the largest corpus file, in one run:

    python benchmarks/readings.py [PATH]

Prints the time of `jieba.lcut` over the whole text, the full analysis (tokens, readings) without the context
model and with it, each as a ratio to `jieba.lcut`, and the process's peak memory. Each analysis starts with
cold word readings (a fresh Analyzer); the dictionary index is built already. Uses ../shared/corpus/水浒传.txt.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from studyapp import loading, text
from studyapp.analysis import Analyzer, analyze_all
from studyapp.dictionary import Dictionary

REPO = Path(__file__).resolve().parent.parent
NOVEL = REPO.parent / "shared" / "corpus" / "水浒传.txt"


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main(path: Path) -> None:
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    loaded = loading.load(path)
    document = text.split(loaded)
    dictionary = Dictionary.open()
    dictionary.readings()
    lcut = timed(lambda: jieba.lcut(loaded.text))

    def analyse(context: bool) -> None:
        analyzer = Analyzer(dictionary, context=context)
        for _index, _tokens in analyze_all(document, analyzer):
            pass

    plain = timed(lambda: analyse(False))
    contextual = timed(lambda: analyse(True))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{path.name}: {len(loaded.text):,} characters, {len(document.clauses):,} clauses")
    print(f"  jieba.lcut                     {lcut:6.2f} s")
    print(f"  analysis without context       {plain:6.2f} s  ({plain / lcut:.2f}x jieba.lcut)")
    print(f"  analysis with context readings {contextual:6.2f} s  ({contextual / lcut:.2f}x jieba.lcut)")
    print(f"  peak memory                    {peak:6.0f} MB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else NOVEL)

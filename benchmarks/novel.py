"""A whole novel's readings in context, against the segmenters, as ratios measured in one run, idle and busy:

    python benchmarks/novel.py [--busy] [--repeat N] [--compare DIR] [--skip-plain] [PATH]
    python benchmarks/novel.py --same-tokens DIR [PATH]

Each measurement is a fresh process that times, one after the other on the same text: `jieba.lcut`, `rjieba.cut`,
the app's analysis job (``gather_processes.gather_deck``: the deck's words with their readings in context and
their dictionary senses, by worker processes, one per core, for a text this long; in this process for a checkout
without them), the same analysis
with the context model in this process alone (one thread: ``analyze_all``), and then without the model (a fresh
Analyzer each, with every word cache it shares emptied first: cold, as the app's analysis of a text just opened;
the dictionary index is built already). The workers' peak memory is printed apart from this process's.
The figures are the ratios of the analyses to `jieba.lcut` and to `rjieba.cut`, medians over ``--repeat``
processes (3 by default); seconds are printed for scale only, since this machine is shared and its speed varies
from minute to minute.

``--same-tokens DIR`` checks that this checkout reads the novel exactly as another does (every token's offsets,
text, kind, pinyin and source, clause by clause), e.g. before a change meant to be faster only.

``--busy`` measures again with a CPU-bound process beside (a busy loop in another process, as a learner's laptop
runs other programs). ``--compare DIR`` measures another checkout too (e.g. a `git worktree` of the previous
commit), alternating with this one, so "before" and "after" meet the same conditions.
Uses ../shared/corpus/水浒传.txt.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from busy import CONDITIONS, beside

REPO = Path(__file__).resolve().parent.parent
NOVEL = REPO.parent / "shared" / "corpus" / "水浒传.txt"
#: in this order; "gather" is what the window's analysis job runs (the deck and its senses: gather_deck, worker
#: processes for a novel),
#: "context" the same reading in this process alone, one thread (analyze_all), "plain" that without the model
FIGURES = (("gather", "the app's analysis job (deck+senses)"), ("context", "analysis with context, 1 thread"),
           ("plain", "analysis without context"))


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def measure(path: Path, figures: tuple[tuple[str, str], ...] = FIGURES) -> dict:
    """Seconds of each step in this process, and the code that ran (the package's folder)."""
    import jieba
    import rjieba

    import studyapp
    from studyapp import text

    try:  # this checkout's rooms
        from studyapp.reading.analysis import Analyzer, analyze_all
        from studyapp.reading.dictionary import Dictionary
        from studyapp.text.loading import load
    except ImportError:  # an older checkout's (--compare): flat modules, analyze_all in document, text.load
        from studyapp.analysis import Analyzer  # type: ignore[no-redef]
        from studyapp.dictionary import Dictionary  # type: ignore[no-redef]

        from studyapp.document import analyze_all  # type: ignore[no-redef]
        from studyapp.text import load  # type: ignore[no-redef]

    jieba.setLogLevel(60)
    jieba.initialize()
    loaded = load(path)
    document = text.split(loaded)
    dictionary = Dictionary.open()
    dictionary.readings()

    def analyse(name: str) -> None:
        analyzer = Analyzer(dictionary, context=name != "plain")
        analyzer.forget()  # what the analysis before kept in caches an analyzer shares (per dictionary, process)
        if name == "gather":
            try:  # the window's analysis job
                from studyapp.study.gather_processes import gather_deck
            except ImportError:  # a checkout before it: the deck gathered in the job's thread, then its senses
                from studyapp.study.deck import dictionary_senses, gather

                def gather_deck(document, analyzer):  # type: ignore[misc]
                    return dictionary_senses(gather(document, analyzer), analyzer.dictionary)
            with WorkerMemory() as memory:
                gather_deck(document, analyzer)
            found["worker peak MB"] = memory.peak_mb
            return
        for _index, _tokens in analyze_all(document, analyzer):
            pass

    found: dict = {"code": str(Path(studyapp.__file__).parent.parent), "characters": len(loaded.text),
                   "clauses": len(document.clauses), "lcut": timed(lambda: jieba.lcut(loaded.text)),
                   "rjieba": timed(lambda: rjieba.cut(loaded.text))}
    for name, _label in figures:
        found[name] = timed(lambda name=name: analyse(name))
    found["peak MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return found


class WorkerMemory:
    """The highest peak memory of this process's children (the analysis workers) while in the ``with``, read from
    each one's /proc VmHWM every 20 ms: ``RUSAGE_CHILDREN`` would count the parent's pages a child had between its
    fork and its exec."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> WorkerMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _watch(self) -> None:
        try:
            from studyapp.study.gather_processes import worker_ids
        except ImportError:  # a checkout without workers
            return
        while not self._done.wait(0.02):
            for pid in worker_ids():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_mb = max(self.peak_mb, int(line.split()[1]) / 1024)


def dump(path: Path, target: Path) -> None:
    """Every clause's tokens, one line each, as this process's checkout reads the text."""
    from studyapp import text
    from studyapp.reading.analysis import Analyzer, analyze_all
    from studyapp.reading.dictionary import Dictionary
    from studyapp.text.loading import load

    document = text.split(load(path))
    with target.open("w", encoding="utf-8") as out:
        for index, tokens in analyze_all(document, Analyzer(Dictionary.open())):
            out.write(f"{index}\t{tokens!r}\n")


def same_tokens(path: Path, other: Path) -> bool:
    """Whether this checkout and ``other`` read every clause of the text alike; prints the first differences."""
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for name, code in (("this", None), ("other", other)):
            target = Path(folder) / name
            env = dict(os.environ)
            if code is not None:
                env["PYTHONPATH"] = str(code)
            subprocess.run([sys.executable, __file__, "--dump", str(target), str(path)], env=env, check=True)
            files.append(target)
        with files[0].open(encoding="utf-8") as mine, files[1].open(encoding="utf-8") as theirs:
            differing = [(a, b) for a, b in itertools.zip_longest(mine, theirs) if a != b]
    for a, b in differing[:3]:
        print(f"this checkout: {a}other:         {b}")
    print(f"{path.name}: {len(differing)} clauses read otherwise than by {other}")
    return not differing


def run(path: Path, code: Path | None, skip_plain: bool) -> dict:
    """One measurement in a fresh process, of this checkout or of ``code``'s."""
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
        # its own dictionary index: checkouts of different index schemas sharing one would each remove the
        # other's and build their own, every round
        folder = f"studyapp-novel-{code.resolve().name}-{os.stat(code).st_ino}"
        env["STUDYAPP_CACHE_DIR"] = str(Path(tempfile.gettempdir()) / folder)
    command = [sys.executable, __file__, "--measure", str(path), *(["--skip-plain"] * skip_plain)]
    done = subprocess.run(command, env=env, check=False, capture_output=True, text=True)
    if done.returncode:  # say why the measuring process failed, not only that it did
        raise SystemExit(f"a measurement failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def report(condition: str, name: str, runs: list[dict]) -> None:
    def median(key: str, base: str | None = None) -> float:
        return statistics.median(run[key] / run[base] if base else run[key] for run in runs)

    print(f"{condition}, {name} ({runs[0]['code']}), median of {len(runs)}:")
    print(f"  jieba.lcut                      {median('lcut'):6.2f} s")
    print(f"  rjieba.cut                      {median('rjieba'):6.2f} s   ({median('lcut', 'rjieba'):.1f}x faster)")
    for key, label in FIGURES:
        if key not in runs[0]:
            continue
        print(f"  {label:31s} {median(key):6.2f} s   {median(key, 'lcut'):5.2f}x jieba.lcut"
              f"   {median(key, 'rjieba'):5.1f}x rjieba.cut")
    print(f"  peak memory                     {median('peak MB'):6.0f} MB"
          + (f", a worker's {median('worker peak MB'):.0f} MB" if runs[0].get("worker peak MB") else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=NOVEL)
    parser.add_argument("--busy", action="store_true", help="measure again beside a CPU-bound process")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", type=Path, help="another checkout to measure alternately, e.g. the last one")
    parser.add_argument("--skip-plain", action="store_true", help="leave out the analysis without context")
    parser.add_argument("--same-tokens", type=Path, help="check that another checkout reads every token alike")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        print(json.dumps(measure(options.path, FIGURES[:2] if options.skip_plain else FIGURES)))
        return
    if options.dump:
        dump(options.path, options.dump)
        return
    if options.same_tokens:
        raise SystemExit(0 if same_tokens(options.path, options.same_tokens.resolve()) else 1)
    codes: list[tuple[str, Path | None]] = [("this checkout", None)]
    if options.compare:
        codes.insert(0, ("compared", options.compare.resolve()))
    for condition in CONDITIONS if options.busy else CONDITIONS[:1]:
        with beside(condition):
            found: dict[str, list[dict]] = {name: [] for name, _code in codes}
            for _round in range(options.repeat):
                for name, code in codes:
                    found[name].append(run(options.path, code, options.skip_plain))
        for name, _code in codes:
            report(condition, name, found[name])
    print(f"{options.path.name}: {found[codes[0][0]][0]['characters']:,} characters, "
          f"{found[codes[0][0]][0]['clauses']:,} clauses; load average now {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()

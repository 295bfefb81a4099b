"""Where the memory of the novel open goes, step by step, in fresh processes (issue 22: within 300 MB):

    python benchmarks/memory.py [--compare DIR] [--repeat N] [--top N]

The scenario is first_paint.py's ``--measure-memory`` one (the window, 水浒传 opened and analysed), cut into steps:
Qt up, dictionary loaded, window shown, novel opened, analysed (and its deck stored), Vocabulary panel filled,
closed. After each step: the peak RSS so far and the RSS now. At the step where the RSS is highest: the RSS of
the code mapped into the process (``/proc/self/smaps``, summed by file: Qt, numpy/OpenBLAS, ...) against the
anonymous memory (the heaps). A second process of the same checkout runs the scenario under ``tracemalloc`` (it
is slower and its own bookkeeping counts in its RSS, so its RSS is not reported) and prints the Python objects
alive at each step, summed by the file that allocated them: studyapp's modules in one table, step by step (the
parser's caches under reading/, the deck under study/, the rows under ui/).

``--compare DIR`` measures another checkout too (e.g. a clone of the previous commit), alternating with this one;
RSS figures are medians over ``--repeat`` rounds (1 by default: a round takes a minute or two). The dictionary
index is built before the first round, in a cache per checkout shared by its rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOVEL = REPO.parent / "shared" / "corpus" / "水浒传.txt"
STEPS = ("Qt up", "dictionary loaded", "window shown", "novel opened", "analysed", "Vocabulary panel filled",
         "closed")


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS"))


def mapped_mb() -> dict[str, float]:
    """RSS by mapped file (shared libraries, the dictionary's sqlite pages), and "[anonymous]" for the rest."""
    found: dict[str, float] = defaultdict(float)
    name = "[anonymous]"
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            first = line.split(None, 1)[0]
            if not first.endswith(":"):  # a mapping's header: address perms offset dev inode [path]
                parts = line.split(None, 5)
                name = parts[5].strip() if len(parts) == 6 else "[anonymous]"
                if name.startswith("[") and name not in ("[heap]", "[stack]"):
                    name = "[anonymous]"
            elif first == "Rss:":
                found[name] += int(line.split()[1]) / 1024
    return dict(found)


def library_group(path: str) -> str:
    """A mapped file named by what it belongs to: site-packages' package, or the file itself."""
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0]
    return path


def _module_name(path: str) -> str:
    """studyapp/reading/analysis.py -> reading/analysis.py"""
    return path.rsplit("/studyapp/", 1)[1]


def measure(traced: bool, top: int) -> None:
    """In this process: the scenario, one JSON line per step."""
    if traced:
        import tracemalloc

        tracemalloc.start()

    def step(name: str, **extra) -> None:
        record = {"step": name, "peak MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "now MB": rss_mb(), **extra}
        if traced:
            import tracemalloc

            statistics_ = tracemalloc.take_snapshot().statistics("filename")
            record["python MB"] = sum(stat.size for stat in statistics_) / 2**20
            record["python by file"] = [(stat.traceback[0].filename, stat.size / 2**20) for stat in statistics_[:top]]
            record["studyapp files"] = {_module_name(stat.traceback[0].filename): stat.size / 2**20
                                        for stat in statistics_ if "/studyapp/" in stat.traceback[0].filename}
            by_line = tracemalloc.take_snapshot().statistics("lineno")[:top]
            record["python by line"] = [(f"{stat.traceback[0].filename}:{stat.traceback[0].lineno}",
                                         stat.size / 2**20) for stat in by_line]
        else:
            record["mapped"] = mapped_mb()
        print(json.dumps(record), flush=True)

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from studyapp.ui import app as app_module

    application = app_module._application(offscreen=True)
    step("Qt up")
    from studyapp.reading.dictionary import Dictionary

    dictionary = Dictionary.open()
    dictionary.readings()
    step("dictionary loaded")
    from studyapp.ui.qt import QCoreApplication, QEvent

    application, window = app_module.build_window(None, dictionary=dictionary)
    window.show()
    application.processEvents()
    step("window shown")

    def settle(until) -> None:
        while not until():
            application.processEvents()
            time.sleep(0.005)
        application.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        application.processEvents()  # what a deletion scheduled (closing: the memory released once the model goes)

    window.open_path(NOVEL)
    settle(lambda: window.session.document is not None and not window.session.opening())
    step("novel opened", clauses=len(window.session.document.clauses))
    from studyapp.ui.ops import running_jobs

    settle(lambda: not window.analysis_running() and not running_jobs())
    step("analysed")
    window.vocabulary.dock.show()
    window.vocabulary.dock.raise_()
    settle(lambda: True)
    step("Vocabulary panel filled", terms=window.vocabulary.model.rowCount())
    window.open_path(None)
    settle(lambda: not window.analysis_running() and not running_jobs())
    step("closed")
    window.close()
    application.processEvents()


def one_process(code: Path | None, folder: Path, cache: Path, traced: bool, top: int) -> list[dict]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "STUDYAPP_CACHE_DIR": str(cache),
           "STUDYAPP_CONFIG_DIR": str(folder / "config"), "STUDYAPP_LIBRARY": str(folder / "memory.sqlite")}
    if code is not None:
        env["PYTHONPATH"] = str(code)
    (folder / "memory.sqlite").unlink(missing_ok=True)
    done = subprocess.run([sys.executable, __file__, "--measure", *(["--traced"] if traced else []),
                           "--top", str(top)], env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(f"the measuring process failed: {done.stderr[-2000:]}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def build_index(code: Path | None, cache: Path) -> None:
    env = {**os.environ, "STUDYAPP_CACHE_DIR": str(cache)}
    if code is not None:
        env["PYTHONPATH"] = str(code)
    # run from the checkout: ``-c`` puts the working directory first on the path, before PYTHONPATH
    subprocess.run([sys.executable, "-c", "from studyapp.reading.dictionary import Dictionary; Dictionary.open()"],
                   env=env, check=True, cwd=code or REPO)


def report(name: str, rounds: list[list[dict]], traced: list[dict], top: int) -> None:
    print(f"\n{name}: RSS after each step, median of {len(rounds)} round(s)")
    print(f"  {'step':26} {'peak MB':>8} {'now MB':>8} {'python MB':>10}")
    python = {record["step"]: record.get("python MB") for record in traced}
    for index, step_name in enumerate(STEPS):
        peak = statistics.median(one[index]["peak MB"] for one in rounds)
        now = statistics.median(one[index]["now MB"] for one in rounds)
        extra = "".join(f" {key}={value}" for key, value in rounds[0][index].items()
                        if key in ("clauses", "terms"))
        shown = python.get(step_name)
        print(f"  {step_name:26} {peak:8.0f} {now:8.0f} {shown if shown is None else f'{shown:10.1f}'}{extra}")
    highest = max(rounds[0], key=lambda record: record["now MB"])
    grouped: dict[str, float] = defaultdict(float)
    for path, mb in highest["mapped"].items():
        grouped[library_group(path)] += mb
    code = sum(mb for path, mb in grouped.items() if not path.startswith("["))
    print(f"  mapped at '{highest['step']}' (the highest RSS, {highest['now MB']:.0f} MB): "
          f"{code:.0f} MB of files, {grouped.get('[heap]', 0) + grouped.get('[anonymous]', 0):.0f} MB anonymous")
    for path, mb in sorted(grouped.items(), key=lambda item: -item[1])[:top]:
        print(f"    {mb:7.1f} MB  {path}")
    modules = sorted({name for record in traced for name, mb in record.get("studyapp files", {}).items() if mb >= 0.5},
                     key=lambda name: -max(record.get("studyapp files", {}).get(name, 0) for record in traced))
    if modules:  # the parser's caches (reading/), the deck's figures (study/), the rows (ui/) step by step
        print("  Python objects of studyapp's modules (MB, tracemalloc) at each step:")
        print(f"    {'module':34}" + "".join(f"{step_name[:9]:>10}" for step_name in STEPS))
        for name in modules:
            sizes = {record["step"]: record.get("studyapp files", {}).get(name, 0.0) for record in traced}
            print(f"    {name:34}" + "".join(f"{sizes.get(step_name, 0.0):10.1f}" for step_name in STEPS))
    for record in traced:
        if record["step"] in ("dictionary loaded", "analysed", "Vocabulary panel filled", "closed"):
            print(f"  Python objects at '{record['step']}' (tracemalloc, {record['python MB']:.1f} MB), by file:")
            for path, mb in record["python by file"]:
                print(f"    {mb:7.1f} MB  {path}")
            print("    by line:")
            for path, mb in record["python by line"]:
                print(f"    {mb:7.1f} MB  {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--compare", type=Path, help="another checkout to measure alternately, e.g. the last one")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--top", type=int, default=12, help="how many files to list")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        measure(options.traced, options.top)
        return
    codes: list[tuple[str, Path | None]] = [("this checkout", None)]
    if options.compare:
        codes.insert(0, (f"compared ({options.compare})", options.compare.resolve()))
    folder = Path(tempfile.mkdtemp(prefix="studyapp-memory-"))
    try:
        # a cache per checkout: an index of another schema version is a leftover each removes from the other's
        caches = {name: folder / f"cache-{number}" for number, (name, _code) in enumerate(codes)}
        for name, code in codes:
            build_index(code, caches[name])
        rounds: dict[str, list[list[dict]]] = {name: [] for name, _code in codes}
        for _round in range(options.repeat):
            for name, code in codes:
                rounds[name].append(one_process(code, folder, caches[name], traced=False, top=options.top))
        traced = {name: one_process(code, folder, caches[name], traced=True, top=options.top)
                  for name, code in codes}
        for name, _code in codes:
            report(name, rounds[name], traced[name], options.top)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\nload average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()

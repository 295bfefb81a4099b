"""Start-up as a learner meets it, in fresh processes, as ratios measured in one run, idle and busy:

    python benchmarks/first_paint.py [--busy] [--repeat N] [--compare DIR]

Each round, one after the other in fresh processes (`studyapp --timings --screenshot`, Qt offscreen):
- the default text's first paint (the dictionary index built already, a new library), and opened again;
- 水浒传's first paint on its first opening (a new library), and reopened (the library holds it);
- a new user's first start: an empty cache (the CC-CEDICT index built), the default text's first paint and
  when the index was written;
- a bare Qt process (import PySide6, make a QApplication, quit): this machine's floor, for scale;
- in the first idle round only (it takes minutes), the novel open until its analysis is done, in a window built in
  that process: its peak RSS.
The figures are medians over ``--repeat`` rounds (3 by default); milliseconds are printed for scale only, since
this machine is shared and its speed varies from minute to minute: the ratios are what to compare.
Bytecode is compiled first, as an installed app has it (this environment may set PYTHONDONTWRITEBYTECODE).

``--busy`` measures again beside a CPU-bound process (a busy loop in another process). ``--compare DIR`` measures
another checkout too (e.g. a clone of the previous commit), alternating with this one, so "before" and "after"
meet the same conditions.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from busy import CONDITIONS, beside

REPO = Path(__file__).resolve().parent.parent
NOVEL = REPO.parent / "shared" / "corpus" / "水浒传.txt"
PREFIX = "studyapp-timing:"


def milestones(folder: Path, code: Path | None, cache: Path, library: Path, *path: Path) -> dict[str, float]:
    """``studyapp --timings --screenshot`` in a fresh process: its milestones in ms since it began."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "STUDYAPP_CACHE_DIR": str(cache),
           "STUDYAPP_CONFIG_DIR": str(folder / "config"), "STUDYAPP_LIBRARY": str(library)}
    if code is not None:  # run from the folder: ``-m`` puts the working directory first on the path
        env["PYTHONPATH"] = str(code)
    done = subprocess.run([sys.executable, "-m", "studyapp", "--timings", "--screenshot", str(folder / "shot.png"),
                           *map(str, path)], capture_output=True, text=True, timeout=600, env=env, cwd=folder)
    found: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if line.startswith(PREFIX):
            milliseconds, name = line[len(PREFIX):].strip().split(" ms ", 1)
            found.setdefault(name, float(milliseconds))
    if "first paint" not in found:
        raise SystemExit(f"no first paint from {[p.name for p in path]}: exit {done.returncode} {done.stderr[-500:]}")
    return found


def bare_qt_ms() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from PySide6.QtWidgets import QApplication; QApplication([])"],
                   check=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    return (time.perf_counter() - started) * 1000


def novel_memory(code: Path | None, folder: Path, cache: Path) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "STUDYAPP_CACHE_DIR": str(cache),
           "STUDYAPP_CONFIG_DIR": str(folder / "config"), "STUDYAPP_LIBRARY": str(folder / "memory.sqlite")}
    if code is not None:
        env["PYTHONPATH"] = str(code)
    done = subprocess.run([sys.executable, __file__, "--measure-memory"], env=env, check=True, capture_output=True,
                          text=True, timeout=900)
    return json.loads(done.stdout.splitlines()[-1])


def measure_memory() -> None:
    """In this process: the window, the novel opened and analysed; the peak and current RSS after."""
    from studyapp.ui.app import build_window
    from studyapp.ui.qt import QApplication, QCoreApplication, QEvent

    app, window = build_window(None)
    window.show()
    app.processEvents()
    window.open_path(NOVEL)
    while window.analysis_running() or window.session.document is None or window.session.opening():
        app.processEvents()
        time.sleep(0.005)
    app.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    with open("/proc/self/status") as status:
        rss = next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS"))
    print(json.dumps({"peak MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "open MB": rss,
                      "clauses": len(window.session.document.clauses)}))
    window.close()
    QApplication.instance().processEvents()


def one_round(code: Path | None, memory: bool) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="studyapp-first-paint-"))
    try:
        built = folder / "cache"
        marks = {"bare Qt": bare_qt_ms()}
        milestones(folder, code, built, folder / "warmup.sqlite")  # builds the index this round's starts use
        default = milestones(folder, code, built, folder / "default.sqlite")
        again = milestones(folder, code, built, folder / "default.sqlite")
        novel = milestones(folder, code, built, folder / "novel.sqlite", NOVEL)
        reopened = milestones(folder, code, built, folder / "novel.sqlite", NOVEL)
        first = milestones(folder, code, folder / "empty-cache", folder / "first.sqlite")
        marks.update({"default": default["first paint"], "default again": again["first paint"],
                      "novel": novel["first paint"], "novel reopened": reopened["first paint"],
                      "first start": first["first paint"]})
        if "dictionary indexed" in first:
            marks["first start indexed"] = first["dictionary indexed"]
        if memory:
            marks.update(novel_memory(code, folder, built))
        return marks
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def report(condition: str, name: str, rounds: list[dict[str, float]]) -> None:
    def median(key: str, base: str | None = None) -> float:
        return statistics.median(one[key] / one[base] if base else one[key] for one in rounds if key in one)

    print(f"{condition}, {name}, median of {len(rounds)} rounds (ms since the process began):")
    print(f"  bare Qt process (floor)           {median('bare Qt'):6.0f} ms")
    print(f"  default text, first paint         {median('default'):6.0f} ms   "
          f"{median('default', 'bare Qt'):.2f}x bare Qt (goal 0.8 s)")
    print(f"  novel, first opening              {median('novel'):6.0f} ms   "
          f"{median('novel', 'default'):.2f}x the default text's (goal 1.5x)")
    print(f"  novel, reopened                   {median('novel reopened'):6.0f} ms   "
          f"{median('novel reopened', 'default again'):.2f}x the default text's reopened (goal 1.1x)")
    print(f"  new user's first start            {median('first start'):6.0f} ms   "
          f"{median('first start', 'default'):.2f}x a later start (goal 3 s)"
          + (f"; index written at {median('first start indexed'):.0f} ms" if "first start indexed" in rounds[0]
             else ""))
    if "peak MB" in rounds[0]:
        print(f"  novel open and analysed           {median('peak MB'):6.0f} MB peak RSS, {median('open MB'):.0f} MB "
              f"after (goal 300 MB; one process, the first idle round's)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--busy", action="store_true", help="measure again beside a CPU-bound process")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", type=Path, help="another checkout to measure alternately, e.g. the last one")
    parser.add_argument("--no-memory", action="store_true", help="skip the novel's memory round (minutes)")
    parser.add_argument("--measure-memory", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure_memory:
        measure_memory()
        return
    codes: list[tuple[str, Path | None]] = [("this checkout", None)]
    if options.compare:
        codes.insert(0, (f"compared ({options.compare})", options.compare.resolve()))
    for _name, code in codes:
        compileall.compile_dir(str((code or REPO) / "studyapp"), quiet=1)
    for condition in CONDITIONS if options.busy else CONDITIONS[:1]:
        with beside(condition):
            found: dict[str, list[dict]] = {name: [] for name, _code in codes}
            for round_number in range(options.repeat):
                for name, code in codes:
                    found[name].append(one_round(code, memory=round_number == 0 and condition == "idle"
                                                 and not options.no_memory))
        for name, _code in codes:
            report(condition, name, found[name])
    print(f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()

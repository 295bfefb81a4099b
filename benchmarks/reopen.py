"""The novel's first opening against its reopening (its analysis then read back from the library): time to first
paint and to a full Vocabulary panel (terms listed, coverage shown, heat strip counted), and the longest GUI
stall in each, as ratios measured in one run.

    python benchmarks/reopen.py [PATH] [--busy]

Each opening runs in a fresh process on the same throw-away library (the first stores the analysis, the second
reads it), Qt offscreen. ``--busy`` runs it twice: idle, then with a CPU-bound process beside it (a busy loop),
as on a learner's laptop. Uses ../shared/corpus/水浒传.txt by default.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from busy import beside

REPO = Path(__file__).resolve().parent.parent
NOVEL = REPO.parent / "shared" / "corpus" / "水浒传.txt"

CHILD = r"""
import json, os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from studyapp import timings
from studyapp.ui import ops
from studyapp.ui.app import build_window
from studyapp.ui.qt import QTimer

marks = {}
timings.enable()
real_mark = timings.mark
def mark(milestone):
    marks.setdefault(milestone, time.perf_counter())
    real_mark(milestone)
timings.mark = mark

app, window = build_window(None)
window.show()
app.processEvents()
gaps, last = [], [time.perf_counter()]
def tick():
    now = time.perf_counter()
    gaps.append((now, now - last[0]))
    last[0] = now
timer = QTimer()
timer.setInterval(5)
timer.timeout.connect(tick)
timer.start()
vocabulary = window.vocabulary

def full():
    return (vocabulary.model.rowCount() > 0 and vocabulary.heat_strip.unknown is not None
            and bool(window.status.coverage_label.text()))

started = time.perf_counter()
last[0] = started
window.open_path(Path(sys.argv[1]))
while not full():
    app.processEvents()
    time.sleep(0.001)
finished = time.perf_counter()
painted = marks.get("first paint", finished)
while ops.running_jobs():  # the analysis stored (first opening) before the process ends
    app.processEvents()
    time.sleep(0.01)
def longest(first, last):  # a stall counts in the phase it began in
    return max((gap for moment, gap in gaps if first <= moment - gap < last), default=0.0)
print(json.dumps({"paint": painted - started, "full": finished - started,
                  "stall_open": longest(started, painted), "stall_panel": longest(painted, finished),
                  "words": vocabulary.model.rowCount()}))
"""


def opening(path: Path, library: Path) -> dict:
    completed = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True,
                               timeout=900, env={**os.environ, "STUDYAPP_LIBRARY": str(library),
                                                 "PYTHONPATH": str(REPO)})
    if completed.returncode != 0:
        raise SystemExit(completed.stderr[-2000:])
    return json.loads(completed.stdout.strip().splitlines()[-1])


def run(path: Path, label: str) -> None:
    library = Path(tempfile.mkdtemp(prefix="studyapp-reopen-")) / "library.sqlite"
    first, again = opening(path, library), opening(path, library)
    print(f"== {path.name}, {label}: {again['words']:,} words in the panel")
    print(f"{'':34}{'first opening':>15}{'reopened':>12}{'ratio':>8}")
    for key, name in (("paint", "first paint"), ("full", "full Vocabulary panel")):
        print(f"{name:34}{first[key]:14.2f}s{again[key]:11.2f}s{again[key] / first[key]:8.2f}")
    before, after = first["full"] - first["paint"], again["full"] - again["paint"]
    print(f"{'full panel after the first paint':34}{before:14.2f}s{after:11.2f}s{after / before:8.2f}")
    for key, name in (("stall_open", "longest stall until first paint"),
                      ("stall_panel", "longest stall after it, to full")):
        print(f"{name:34}{first[key] * 1000:13.0f}ms{again[key] * 1000:10.0f}ms")


def main() -> None:
    arguments = [argument for argument in sys.argv[1:] if not argument.startswith("--")]
    path = Path(arguments[0]) if arguments else NOVEL
    run(path, "idle")
    if "--busy" in sys.argv:
        with beside("busy"):
            run(path, "a busy loop beside it")


if __name__ == "__main__":
    main()

"""The longest GUI-thread stall in each phase of a user's work on the novel: opening and reopening it, scrolling,
the Vocabulary panel (shown, sorted, filtered), statuses set on many words, every export, words added to study,
a review of a few cards, typing translations, regrouping.

    python benchmarks/stalls.py [PATH] [--busy] [--why] [--opening [--panel]] [--compare DIR [--repeat N]]

``--busy``: a CPU-bound process (a busy loop) runs beside the app, as another program does on a learner's laptop.
``--compare DIR``: the phases run on DIR's code (an earlier checkout) and on this one, alternately in fresh
processes, ``--repeat`` times each, and printed side by side as medians. ``--opening``: only the three opening
phases (first opening, the sample text, reopening), and with ``--panel`` the Vocabulary panel shown after them.
``--why``: under each phase, where the
GUI thread stood while it stalled, and each job's C calls over 20 ms (a profile hook in every job: a C call that
keeps the GIL stalls the GUI thread however short its own work is).

A watchdog timer on the GUI thread ticks every 5 ms; the longest gap between two ticks during a phase is the
longest time the window could not paint or answer input in that phase; beside it, how much of that gap the GUI
thread itself spent on the CPU (the rest it waited: for the GIL a job or a collection held, or for the machine).
Then the phase's longest own work: the most CPU the GUI thread spent between two ticks, the part of a stall a
loaded machine stretches but does not make (with other programs running, the longest gap is mostly waiting). Last,
the CPU the window's other threads took in the phase (its jobs' Python, not child processes'): the interpreter
lock the GUI thread shared, a figure the machine's load hardly moves; and how long, over the phase, the GUI thread
waited for a core (runnable, not running: Linux's schedstat): with the machine loaded (other programs, or the
analysis workers on every core) this is most of a long stall, which then no change to the GIL's sharing removes.
Every action is started from the event loop (as a menu or key would start it), and a phase lasts until its work
is really over, background jobs and pause-time timers (autosave, progress) included. Runs Qt offscreen on a
throw-away library; uses ../shared/corpus/水浒传.txt by default.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from pathlib import Path

from busy import beside

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_folder = tempfile.mkdtemp(prefix="studyapp-stalls-")
os.environ["STUDYAPP_LIBRARY"] = os.path.join(_folder, "library.sqlite")

from studyapp.study.deck import TermStatus  # noqa: E402
from studyapp.translation.exchange import FORMATS  # noqa: E402
from studyapp.ui.app import build_window  # noqa: E402
from studyapp.ui.ops import running_jobs  # noqa: E402
from studyapp.ui.qt import (
    QApplication,
    QCoreApplication,
    QEvent,
    QEventLoop,
    QItemSelection,
    QKeyEvent,
    Qt,
    QTimer,
    qInstallMessageHandler,
)

REPO = Path(__file__).resolve().parent.parent
NOVEL = REPO.parent / "shared" / "corpus" / "水浒传.txt"
TICK_MS = 5
#: (phase, longest stall in seconds) of every phase run, for the summary
LONGEST: list[tuple[str, float]] = []


def core_wait() -> float:
    """The time this thread has waited, runnable, for a core so far (Linux's schedstat; 0 elsewhere): a stall the
    GUI thread spent waiting for a core is the machine's load (or the app's own worker processes), not the
    interpreter lock, which it waits for asleep."""
    try:
        with open("/proc/thread-self/schedstat") as stats:
            return int(stats.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


class Watchdog:
    """Measures the longest gap between ticks of a timer on the GUI thread, and the longest garbage
    collection (any thread's: it stops every thread holding the GIL)."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.reset()
        self.timer.start()
        self._collecting = 0.0
        gc.callbacks.append(self._on_collection)

    def reset(self) -> None:
        self.last, self.last_cpu, self.last_jobs = time.perf_counter(), time.thread_time(), self._jobs()
        # the CPU the window's other threads (jobs) took in the phase: Python run beside the GUI thread, whose
        # interpreter lock it waited for; unlike a stall, the load of the machine hardly changes it
        self.started_cpu = (time.process_time(), self.last_cpu)
        self.longest = 0.0
        self.longest_cpu = 0.0  # the GUI thread's own CPU time in the longest gap: the rest it waited (GIL, OS)
        self.longest_own = 0.0  # the most CPU the GUI thread spent between two ticks: its own longest work, which
        # a loaded machine stretches but does not make up (the longest gap may be another gap, mostly waiting)
        self.longest_collection = 0.0
        self.collected = 0.0  # every collection's time so far, to tell how much of the longest gap was one
        self.last_collected = 0.0
        self.longest_why = ""  # the longest gap's collections, and the jobs running at its start or end

    @staticmethod
    def _jobs() -> set[str]:
        return {job.name for job in running_jobs()}

    def _on_collection(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._collecting = time.perf_counter()
        elif self._collecting:
            took = time.perf_counter() - self._collecting
            self.longest_collection = max(self.longest_collection, took)
            self.collected += took

    def _tick(self) -> None:
        now, cpu, jobs = time.perf_counter(), time.thread_time(), self._jobs()
        self.longest_own = max(self.longest_own, cpu - self.last_cpu)
        if now - self.last > self.longest:
            self.longest, self.longest_cpu = now - self.last, cpu - self.last_cpu
            self.longest_why = f"collections {(self.collected - self.last_collected) * 1000:.0f} ms; jobs: " + \
                (", ".join(sorted(jobs | self.last_jobs)) or "none")
        self.last, self.last_cpu, self.last_jobs, self.last_collected = now, cpu, jobs, self.collected


class StallSampler:
    """``--why``: a thread that looks at the GUI thread's stack every 5 ms while the watchdog has not ticked for
    over 50 ms, and counts where it stood (the innermost frame of the project's own code), to print per phase."""

    def __init__(self, watchdog: Watchdog) -> None:
        import collections
        import threading

        self.watchdog, self.seen = watchdog, collections.Counter()
        self._gui = threading.main_thread().ident
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            time.sleep(0.005)
            if time.perf_counter() - self.watchdog.last > 0.05:
                frame = sys._current_frames().get(self._gui)
                where = []
                while frame is not None and len(where) < 3:
                    if "studyapp" in frame.f_code.co_filename:
                        where.append(f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno} {frame.f_code.co_name}")
                    frame = frame.f_back
                self.seen[" < ".join(where) or "(outside studyapp)"] += 1

    def report(self) -> None:
        for where, count in self.seen.most_common(4):
            print(f"    {count * 5:5d} ms in {where}")
        self.seen.clear()


class LongCalls:
    """``--why``: a profile hook in every job's thread records each C call (sqlite, lxml, zlib, str.join, …) that
    took over 20 ms without running Python code inside, with the job's line that made it. Python code lets the GIL
    go every 5 ms (the switch interval); one C call does not, unless it releases the GIL itself (sqlite's steps, file
    writes, zlib on big buffers): the thread's CPU time in the call, beside its wall time, and the stalls it
    overlapped tell which."""

    LONG = 0.02

    def __init__(self, watchdog: Watchdog) -> None:
        import threading

        from studyapp.ui import ops

        self.watchdog, self.calls, self._lock = watchdog, [], threading.Lock()
        self.stalls: list[tuple[float, float]] = []  # (start, end) of every watchdog gap over 40 ms
        watchdog.timer.timeout.connect(self._tick)
        self._last = time.perf_counter()
        run = ops.Job.run
        hook = self._hook

        def profiled(job) -> None:
            starts: list[tuple[float, float]] = []
            sys.setprofile(lambda frame, event, arg: hook(job.name, starts, frame, event, arg))
            try:
                run(job)
            finally:
                sys.setprofile(None)

        ops.Job.run = profiled

    def _tick(self) -> None:
        now = time.perf_counter()
        if now - self._last > 0.04:
            self.stalls.append((self._last, now))
        self._last = now

    def _hook(self, job: str, starts: list, frame, event: str, arg) -> None:
        if event == "call":  # Python code inside a C call (a key function, a generator) lets the GIL go
            if starts:
                starts[-1][2] = True
        elif event == "c_call":
            starts.append([time.perf_counter(), time.thread_time(), False])
        elif event in ("c_return", "c_exception") and starts:
            began, cpu, called_python = starts.pop()
            took = time.perf_counter() - began
            if called_python and starts:
                starts[-1][2] = True
            if took > self.LONG and not called_python:
                name = getattr(arg, "__qualname__", None) or getattr(arg, "__name__", repr(arg))
                where = f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno} {frame.f_code.co_name}"
                with self._lock:
                    self.calls.append((job, name, where, began, began + took, time.thread_time() - cpu))

    def report(self) -> None:
        import collections

        with self._lock:
            calls, self.calls = self.calls, []
        stalls, self.stalls = self.stalls, []
        grouped: dict[tuple, list] = collections.defaultdict(list)
        for job, name, where, began, ended, cpu in calls:
            overlapped = max((min(ended, end) - max(began, start) for start, end in stalls), default=0.0)
            grouped[(job, name, where)].append((ended - began, cpu, overlapped))
        worst = sorted(grouped.items(), key=lambda item: -max(call[0] for call in item[1]))
        for (job, name, where), found in worst[:5]:
            print(f"    {len(found):4d} x {name} in {where} ({job}): longest {max(c[0] for c in found) * 1000:.0f} ms "
                  f"(its CPU {max(c[1] for c in found) * 1000:.0f} ms), overlapping a stall up to "
                  f"{max(c[2] for c in found) * 1000:.0f} ms")


SAMPLER: StallSampler | None = None
LONG_CALLS: LongCalls | None = None


def run_phase(app, watchdog: Watchdog, name: str, action, done,
              timeout: float = float(os.environ.get("STALLS_TIMEOUT", 600))) -> None:
    """Start ``action`` from the event loop, run the loop until ``done()`` (and 1.2 s more, for pause-time
    work), and print the phase's longest stall and duration."""
    started, waited = time.perf_counter(), core_wait()
    watchdog.reset()
    QTimer.singleShot(0, action)
    while time.perf_counter() - started < timeout:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        if done():
            break
        time.sleep(0.001)
    finished, waited = time.perf_counter(), core_wait() - waited
    others = (time.process_time() - watchdog.started_cpu[0]) - (time.thread_time() - watchdog.started_cpu[1])
    if not done():
        name += " (timed out)"
    while time.perf_counter() - finished < 1.2:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.001)
    LONGEST.append((name, watchdog.longest))
    print(f"{name:<44} longest stall {watchdog.longest * 1000:5.0f} ms "
          f"(GUI thread busy {watchdog.longest_cpu * 1000:4.0f} ms of it)   (phase {finished - started:6.2f} s; "
          f"longest garbage collection {watchdog.longest_collection * 1000:.0f} ms; "
          f"longest own work {watchdog.longest_own * 1000:.0f} ms; other threads' CPU {others * 1000:.0f} ms; "
          f"GUI thread waited for a core {waited * 1000:.0f} ms)",
          flush=True)
    if SAMPLER is not None:
        print(f"    in the longest stall: {watchdog.longest_why}")
        SAMPLER.report()
    if LONG_CALLS is not None:
        LONG_CALLS.report()


def repeat(count: int, interval_ms: int, step) -> tuple:
    """An action that runs ``step(n)`` ``count`` times, each from its own timer event (key repeat, typing)."""
    state = {"n": 0}
    timer = QTimer()
    timer.setInterval(interval_ms)

    def fire() -> None:
        step(state["n"])
        state["n"] += 1
        if state["n"] >= count:
            timer.stop()

    timer.timeout.connect(fire)
    return timer.start, lambda: state["n"] >= count, timer


def settled(action) -> tuple:
    """An action that is over once it has run and every job it started has delivered (exports, studying)."""
    state = {"ran": False}

    def start() -> None:
        action()
        state["ran"] = True

    return start, lambda: state["ran"] and not running_jobs()


def key(widget, code, text: str = "", modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    for kind in (QKeyEvent.Type.KeyPress, QKeyEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, code, modifiers, text))


def main(path: Path) -> None:
    qInstallMessageHandler(lambda *_args: None)
    app, window = build_window(None)
    window.show()
    window.open_path(None)
    while window.analysis_running():  # the sample opens and is analysed as jobs
        app.processEvents()
    watchdog = Watchdog()
    if "--why" in sys.argv:
        global SAMPLER, LONG_CALLS
        SAMPLER = StallSampler(watchdog)
        LONG_CALLS = LongCalls(watchdog)
    print(f"== {path.name}: longest GUI-thread stall per phase (watchdog tick {TICK_MS} ms)")

    def analysed() -> bool:
        model = window.session.model
        return model is not None and model.rowCount() > 1000 and not window.analysis_running()

    run_phase(app, watchdog, "open (first time: stored) and analyse", lambda: window.open_path(path), analysed)
    run_phase(app, watchdog, "open the sample text", lambda: window.open_path(None),
              lambda: window.session.model.rowCount() < 1000 and not window.analysis_running())
    run_phase(app, watchdog, "reopen and analyse", lambda: window.open_path(path), analysed)
    if "--opening" in sys.argv:
        if "--panel" in sys.argv:
            panel_shown(app, watchdog, window)
        window.close()
        return

    view = window.view
    start, done, _timer = repeat(150, 15, lambda _n: key(view, Qt.Key.Key_PageDown))
    run_phase(app, watchdog, "scroll: 150 Page Down", start, done)
    bar = view.verticalScrollBar()
    start, done, _timer = repeat(60, 30, lambda n: bar.setValue(bar.maximum() * ((n * 37) % 60) // 60))
    run_phase(app, watchdog, "scroll: 60 jumps of the scroll bar", start, done)

    view.go_to(5, center=True)
    window.translator.edit(5)
    editor = window.translator.editor
    words = "typing a translation of this clause, word by word "
    start, done, _timer = repeat(len(words), 40, lambda n: key(editor, 0, words[n]))
    run_phase(app, watchdog, f"typing {len(words)} keys (autosave, totals)", start, done)
    window.translator.close_editor()

    run_phase(app, watchdog, "group by sentence", lambda: window.sentence_action.setChecked(True),
              lambda: window.sentence_action.isChecked() and not running_jobs())
    run_phase(app, watchdog, "undo the grouping", window.translator.undo_stack.undo,
              lambda: window.session.model.rowCount() > 111_000 and not running_jobs())
    window.sentence_action.blockSignals(True)  # undo leaves the menu's tick as it was: the rows are clauses again
    window.sentence_action.setChecked(False)
    window.sentence_action.blockSignals(False)
    run_phase(app, watchdog, "group by sentence again", lambda: window.sentence_action.setChecked(True),
              lambda: window.session.model.rowCount() < 111_000 and not running_jobs())
    run_phase(app, watchdog, "ungroup (Group by Sentence unchecked)", lambda: window.sentence_action.setChecked(False),
              lambda: window.session.model.rowCount() > 111_000 and not running_jobs())

    if not os.environ.get("STALLS_SKIP_EXPORT"):
        for fmt in (fmt for fmt in FORMATS if fmt != "srt"):  # subtitles only for a text with cue timings
            out = Path(_folder) / f"novel.{fmt}"
            run_phase(app, watchdog, f"export the translation: {fmt}", lambda out=out, fmt=fmt:
                      window.exchange.export(fmt, out), lambda out=out: out.exists() and not window.exchange.busy())
    vocabulary_phases(app, watchdog, window)
    review_phase(app, watchdog, window)
    window.close()
    longest = max(LONGEST, key=lambda phase: phase[1])
    print(f"longest stall of all: {longest[1] * 1000:.0f} ms ({longest[0]})")


def panel_shown(app, watchdog: Watchdog, window) -> None:
    """View > Vocabulary: the panel's first show (the reader narrows beside it)."""
    start, done = settled(window.vocabulary.dock.show)
    run_phase(app, watchdog, f"the Vocabulary panel shown ({len(window.vocabulary.model.terms):,} words)", start,
              done)


def vocabulary_phases(app, watchdog: Watchdog, window) -> None:
    """The Vocabulary panel shown, sorted by each column and filtered; statuses set on many words; each
    vocabulary export (of every word not yet known: the largest); words added to study."""
    vocabulary = window.vocabulary
    panel, model = vocabulary.panel, vocabulary.model
    panel_shown(app, watchdog, window)
    orders = [(column, order) for column in range(model.columnCount())
              for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder)]
    start, done, _timer = repeat(len(orders), 30, lambda n: panel.table.sortByColumn(*orders[n]))
    run_phase(app, watchdog, f"the panel sorted {len(orders)} ways", start, done)
    query = "zhong"
    start, done, _timer = repeat(len(query) + 1, 60, lambda n: panel.search.setText(query[:n + 1] if n < len(query)
                                                                                  else ""))
    run_phase(app, watchdog, "the panel filtered: typing a search, cleared", start, done)
    start, done, _timer = repeat(panel.status.count() + panel.hsk.count(), 60, lambda n: (
        panel.status.setCurrentIndex(n) if n < panel.status.count() else
        panel.hsk.setCurrentIndex(n - panel.status.count())))
    run_phase(app, watchdog, "the panel filtered by status, then HSK level", start, done)
    panel.status.setCurrentIndex(0)
    panel.hsk.setCurrentIndex(0)
    app.processEvents()

    start, done, _timer = repeat(20, 60, lambda _n: (key(window.view, Qt.Key.Key_PageDown),
                                                   vocabulary.mark_page_known()))
    run_phase(app, watchdog, "20 pages marked known (Ctrl+Shift+K)", start, done)
    words = [term.word for term in model.terms[:5000]]
    start, done = settled(lambda: vocabulary.set_status(words, TermStatus.KNOWN))
    run_phase(app, watchdog, "5,000 words marked known (a word list)", start, done)
    start, done = settled(lambda: vocabulary.set_status(words, TermStatus.NEW))
    run_phase(app, watchdog, "the same 5,000 words new again", start, done)

    for fmt in vocabulary.EXPORT_FILTERS:
        out = Path(_folder) / f"vocabulary.{fmt}"
        start, done = settled(lambda out=out, fmt=fmt: vocabulary.export_to(out, fmt))
        run_phase(app, watchdog, f"export the vocabulary: {fmt}", start, done)

    def select_and_study() -> None:
        panel.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        selection = panel.table.selectionModel()
        last = model.index(min(model.rowCount(), 1000) - 1, 0)
        flags = type(selection).SelectionFlag
        selection.select(QItemSelection(model.index(0, 0), last), flags.ClearAndSelect | flags.Rows)
        vocabulary.add_to_study()

    window.view.clause_delegate.hovered = None
    start, done = settled(select_and_study)
    run_phase(app, watchdog, "1,000 words added to study (Ctrl+Shift+A)", start, done)
    out = Path(_folder) / "study.apkg"
    start, done = settled(lambda: vocabulary.export_to(out, "apkg"))
    run_phase(app, watchdog, "export the study list (1,000 words): apkg", start, done)


def review_phase(app, watchdog: Watchdog, window) -> None:
    """F5, then each of 10 cards revealed (Space) and rated Good (3), then the window closed."""
    start, done = settled(window.show_review)
    run_phase(app, watchdog, "review opened (F5)", start, done)
    review = window.review_window
    keys = [Qt.Key.Key_Space, Qt.Key.Key_3] * 10
    start, done, _timer = repeat(len(keys), 80, lambda n: key(review, keys[n]))
    run_phase(app, watchdog, "review: 10 cards revealed and rated", start, done)
    review.close()


def compare(other: Path, rounds: int, arguments: list[str]) -> None:
    """``--compare DIR``: this script run in fresh processes on DIR's code and on this checkout's, alternately,
    ``rounds`` times each; then each phase's median longest stall (and the GUI thread's own CPU in it) side by
    side, with the load average seen. Each checkout keeps a cache of its own (its dictionary index)."""
    import hashlib
    import re
    import statistics
    import subprocess

    line = re.compile(r"^(.+?)\s+longest stall\s+(\d+) ms \(GUI thread busy\s+(\d+) ms"
                      r".*?(?:longest own work (\d+) ms)?(?:; other threads' CPU (\d+) ms)?"
                      r"(?:; GUI thread waited for a core (\d+) ms)?\)$")
    codes = {f"compared ({other.name})": other.resolve(), "this checkout": REPO}
    found: dict[str, dict[str, list[tuple[int, int, int, int, int]]]] = {name: {} for name in codes}
    phases: list[str] = []
    loads = []
    for round_number in range(rounds):
        for name, code in codes.items():
            named = hashlib.sha1(str(code).encode()).hexdigest()[:10]
            cache = Path(tempfile.gettempdir()) / f"studyapp-stalls-cache-{named}"
            env = {**os.environ, "PYTHONPATH": str(code), "STUDYAPP_CACHE_DIR": str(cache)}
            loads.append(os.getloadavg()[0])
            done = subprocess.run([sys.executable, __file__, *arguments], env=env, capture_output=True, text=True)
            print(f"round {round_number + 1}, {name}: exit {done.returncode}", flush=True)
            for text in done.stdout.splitlines():
                match = line.match(text)
                if match:
                    phase = match.group(1).strip()
                    if phase not in phases:
                        phases.append(phase)
                    found[name].setdefault(phase, []).append((int(match.group(2)), int(match.group(3)),
                                                              int(match.group(4) or 0), int(match.group(5) or 0),
                                                              int(match.group(6) or 0)))
    names = list(codes)
    print(f"\nlongest stall per phase, ms: median of {rounds} (the GUI thread's own CPU in it) [its longest own work "
          f"between two ticks] {{the other threads' CPU in the phase}} <the GUI thread's wait for a core in the phase> "
          f"each run's; goal 50 ms")
    print(f"{'phase':<44} " + " ".join(f"{name:<42}" for name in names))
    for phase in phases:
        cells = []
        for name in names:
            seen = found[name].get(phase)
            if not seen:
                cells.append("-")
                continue
            stall, cpu, own, others, waited = (statistics.median(figures[k] for figures in seen) for k in range(5))
            cells.append(f"{stall:6.0f} ({cpu:3.0f}) [{own:3.0f}] {{{others:5.0f}}} <{waited:4.0f}> "
                         + "/".join(str(figures[0]) for figures in seen))
        print(f"{phase:<44} " + " ".join(f"{cell:<42}" for cell in cells))
    print(f"load average while running: {min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    arguments = [argument for argument in sys.argv[1:] if not argument.startswith("--")]
    if "--compare" in sys.argv:
        at = sys.argv.index("--compare")
        other = Path(sys.argv[at + 1])
        rounds = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 1
        passed = [argument for argument in sys.argv[1:] if argument not in (str(other), str(rounds))
                  and argument not in ("--compare", "--repeat")]
        compare(other, rounds, passed)
        sys.exit(0)
    with beside("busy" if "--busy" in sys.argv else "idle"):
        if "--busy" in sys.argv:
            print("with a busy loop in another process")
        main(Path(arguments[0]) if arguments else NOVEL)

"""The window's analysis: a text's deck (``deck.gather``) and its words' senses, gathered by worker processes,
one per core (at most ``MOST_WORKERS``), for a long text, else in this process (``gather_deck``).

Why processes: analysing 水浒传 is ~8 s of pure-Python work that holds the interpreter lock. In a thread of the
window's process it competes with the GUI thread for that lock (the window stalls) and uses one core of the
learner's several. In workers it uses them all, and the window's process only merges their results.

How: the clauses are cut into chunks of whole analysis batches (``analysis.batches``, so every clause is read in
exactly the batch it is read in by ``deck.gather``: the same tokens and readings, to the last confidence). Each
worker is a fresh interpreter (``python -m`` this module: never a fork of a process running Qt's threads) that
makes the analyzer from its ``Recipe``, then takes chunks one at a time, the next going to whichever worker is
free (a busy core takes fewer), and sends back each chunk's ``DocumentWords``. Those are merged in clause order
(``DocumentWords.extend``), so the result equals one pass over the whole text. With each chunk a worker also sends
what it worked out per word that it had not before, which the others take with their next chunk
(``cache_sharing``): a word is worked out by one worker, not by each. Once every word's reading is
known, the workers look up the words' dictionary senses for those readings, a share each.

Worked example, 3 chunks on 2 workers: w1 takes c0, w2 takes c1; w2 finishes first and takes c2, c1 waits;
w1 sends c0 -> merged c0, c1 (waiting); w2 sends c2 -> merged c2. Progress counts merged clauses.

A worker that cannot start or dies (no process may be started, out of memory, killed) costs time, not the result:
the caller reads the whole text here instead (``WorkersFailed``), and the log says why.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import queue
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .. import heap
from ..errors import JobCancelled
from ..reading.analysis import Recipe, analyze_all, batches
from ..text import Document
from .cache_sharing import CacheSharing
from .deck import DocumentWords, dictionary_senses, gather, read_as, senses_of

if TYPE_CHECKING:
    from ..reading.analysis import Analyzer
    from ..reading.pins import Pins

log = logging.getLogger(__name__)

#: Texts shorter than this are read in the caller's process: a worker's start (an interpreter, the dictionary,
#: the context model: ~0.6 s of CPU) would cost more than it saves, and a short text stalls no one.
LEAST_CHARACTERS = 150_000
#: Workers at most, whatever the cores: each holds its own dictionary, model and word caches (~150-250 MB at the
#: peak of a novel), and past a few the merge and the starts eat the gain.
MOST_WORKERS = 4
#: Characters per chunk: small enough that a free worker takes the next (a busy core takes fewer), large enough
#: that each chunk's word list, sent back and merged, is a small part of its work.
CHUNK_CHARACTERS = 32_000
#: How often the caller looks whether it was cancelled while waiting for workers (seconds).
POLL_S = 0.1


_live: set[subprocess.Popen] = set()  # every worker started and not yet ended, whatever job started it


def worker_ids() -> list[int]:
    """The process ids of the analysis workers running now (none once every analysis has ended or stopped)."""
    return [process.pid for process in list(_live)]


class WorkersFailed(RuntimeError):
    """The workers could not do the work (the message says why); the caller does it itself."""


def gather_deck(document: Document, analyzer: Analyzer, report: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None, pins: Pins | None = None,
                senses: bool = True, until_context: Callable[[], None] | None = None,
                ) -> tuple[DocumentWords, dict[str, str]]:
    """``deck.gather`` and each word's ``deck.dictionary_senses`` (none unless ``senses``): by workers for a long
    text (all cores, and the window's interpreter lock left to the window), else in this process, as also when
    the workers fail (the log says why). ``until_context``: the analyzer's context model is still loading, and
    this waits for it; the workers load their own, so only reading here waits (``stored_deck.deck``)."""
    workers = worker_count(document)
    recipe = (analyzer.recipe(context=True) if until_context else analyzer.recipe()) if workers else None
    if recipe is not None:
        try:
            return gather_in_workers(document, recipe, workers, pins, report, cancelled, senses)
        except WorkersFailed as error:
            log.warning("the analysis is read in this process instead: %s", error)
    if until_context:
        until_context()
    gathered = gather(document, analyzer, report, cancelled, pins)
    if not senses:
        return gathered, {}
    heap.trim()  # a novel's tokens are gone: give their pages back before the senses are made
    return gathered, dictionary_senses(gathered, analyzer.dictionary)


def worker_count(document: Document) -> int:
    """How many workers to read ``document`` with; 0: read it in this process."""
    if len(document.text) < LEAST_CHARACTERS:
        return 0
    if not sys.executable or getattr(sys, "frozen", False):  # a bundled app: its executable is the app itself
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, MOST_WORKERS))


def chunks(document: Document) -> list[list[range]]:
    """The document's analysis batches, in runs of about ``CHUNK_CHARACTERS`` characters."""
    starts, ends = document.clauses.starts, document.clauses.ends
    found: list[list[range]] = []
    current: list[range] = []
    size = 0
    for batch in batches(document):
        current.append(batch)
        size += ends[batch[-1]] - starts[batch[0]]
        if size >= CHUNK_CHARACTERS:
            found.append(current)
            current, size = [], 0
    if current:
        found.append(current)
    return found


def gather_in_workers(document: Document, recipe: Recipe, workers: int, pins: Pins | None = None,
                      report: Callable[[int, int], None] | None = None,
                      cancelled: Callable[[], bool] | None = None,
                      senses: bool = True) -> tuple[DocumentWords, dict[str, str]]:
    """The deck's figures of every clause, as ``deck.gather`` finds them, and each word's dictionary senses for its
    reading (``deck.dictionary_senses``; none unless ``senses``), all worked out by ``workers`` processes: first
    the chunks of clauses, merged in order as they come; then the senses of the words, a share each. Raises
    JobCancelled when cancelled (the workers are stopped at once), WorkersFailed when they fail."""
    work = chunks(document)
    parts: dict[int, DocumentWords] = {}
    merged = DocumentWords()
    found_senses: dict[str, str] = {}
    tasks: list[tuple[str, int, Any]] = [("words", number, runs) for number, runs in enumerate(work)]
    tasks.reverse()  # popped from the end: in order
    shares = 0  # of the words' senses, once every chunk is merged
    merged_chunks = senses_done = 0
    with _Workers(min(workers, len(work)), (document, recipe, dict(pins.pinned) if pins else {})) as team:
        idle = list(range(len(team)))
        news: list[list[bytes]] = [[] for _worker in idle]  # per worker: the others' since its last chunk, unopened
        while merged_chunks < len(work) or senses_done < shares:
            while idle and tasks:
                worker = idle.pop()
                kind, number, given = tasks.pop()
                if kind == "words":
                    given, news[worker] = (given, news[worker]), []
                team.send(worker, (kind, number, given))
            if cancelled and cancelled():
                raise JobCancelled("The document was closed.")
            for worker, kind, number, found in team.results(POLL_S):
                idle.append(worker)
                if kind == "senses":
                    found_senses.update(found)
                    senses_done += 1
                    continue
                found, worked_out = found
                if worked_out is not None:
                    for other, waiting in enumerate(news):
                        if other != worker:
                            waiting.append(worked_out)
                parts[number] = found
                while merged_chunks in parts:  # in clause order
                    merged.extend(parts.pop(merged_chunks))
                    merged_chunks += 1
                if report:
                    report(len(merged.clause_words), len(document.clauses))
                if merged_chunks == len(work) and senses:  # every word's reading is known now: their senses, shared out
                    words = read_as(merged, merged.numbers)
                    shares = min(len(words), 2 * len(team))  # two each: one worker on a busy core takes fewer
                    tasks = [("senses", share, words[share::shares]) for share in range(shares)]
    return merged, found_senses


class _Workers:
    """Worker processes, each ``python -m`` this module with pickles on its standard input and output (a thread
    per worker reads what it sends into one queue); stopped (killed if need be) on leaving the ``with``.

    Plain processes rather than ``multiprocessing``'s: a "spawn" child imports the parent's main script again,
    which runs a script without a ``__main__`` guard (a user's, a benchmark's) once more in every worker."""

    def __init__(self, count: int, setup: tuple[Document, Recipe, dict]) -> None:
        self._count, self._setup = count, setup
        self._processes: list[subprocess.Popen] = []
        self._readers: list[threading.Thread] = []
        self._answers: queue.Queue[tuple[int, tuple]] = queue.Queue()

    def __enter__(self) -> _Workers:
        try:
            for worker in range(self._count):
                process = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE)
                self._processes.append(process)
                _live.add(process)
                reader = threading.Thread(target=self._read, args=(worker, process), daemon=True,
                                          name="analysis worker's answers")
                reader.start()
                self._readers.append(reader)
            for worker in range(self._count):  # after every start: a write waits until its worker reads it
                self._write(worker, self._setup)
        except (OSError, WorkersFailed) as error:  # no process may be started here, or one ended at once
            self.__exit__(None, None, None)
            raise WorkersFailed(f"no worker process could start: {error}") from error
        return self

    def __len__(self) -> int:
        return len(self._processes)

    def send(self, worker: int, task: tuple[str, int, Any]) -> None:
        """Give a worker its next task: ("words", number, (runs of clauses, the others' ``news``)) or
        ("senses", number, words)."""
        self._write(worker, task)

    def _write(self, worker: int, message: object) -> None:
        stream = self._processes[worker].stdin
        try:
            pickle.dump(message, stream, pickle.HIGHEST_PROTOCOL)  # type: ignore[arg-type]
            stream.flush()  # type: ignore[union-attr]
        except OSError as error:  # it ended: say why, if it said
            self._readers[worker].join(timeout=5)
            said = [answer for number, answer in list(self._answers.queue) if number == worker]
            failed = [answer[1] for answer in said if answer[0] == "failed"]
            raise WorkersFailed(f"a worker process failed:\n{failed[0]}" if failed else
                                f"a worker process stopped: {error}") from error

    def _read(self, worker: int, process: subprocess.Popen) -> None:
        """Every message the worker sends, into the queue; then that it ended."""
        try:
            while True:
                self._answers.put((worker, pickle.load(process.stdout)))  # type: ignore[arg-type]
        except (EOFError, OSError, pickle.UnpicklingError):
            self._answers.put((worker, ("ended",)))

    def results(self, timeout: float) -> Iterator[tuple[int, str, int, Any]]:
        """(worker, kind, number, what it found) for each task finished within ``timeout``."""
        try:
            answers = [self._answers.get(timeout=timeout)]
        except queue.Empty:
            return
        while not self._answers.empty():
            answers.append(self._answers.get())
        for worker, message in answers:
            if message[0] == "ended":
                code = self._processes[worker].poll()
                raise WorkersFailed(f"a worker process ended (exit code {code})")
            if message[0] == "failed":
                raise WorkersFailed(f"a worker process failed:\n{message[1]}")
            kind, number, found = message
            yield worker, kind, number, found

    def __exit__(self, *_exc: object) -> None:
        for process in self._processes:
            if process.poll() is None:
                process.kill()  # nothing of the user's is in a worker: only a share of the analysis
        for process in self._processes:
            process.wait()
            _live.discard(process)
        for reader in self._readers:  # each reads to the end of its worker's output, then ends
            reader.join()
        for process in self._processes:
            for stream in (process.stdin, process.stdout):
                with contextlib.suppress(OSError):
                    stream.close()  # type: ignore[union-attr]


def _serve() -> None:
    """A worker process: do the tasks the caller sends on standard input, each as ``deck.gather`` and
    ``deck.dictionary_senses`` would, answering on standard output, until the caller closes it."""
    from ..reading.pins import Pins

    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything else printed goes to standard error, not into the answers
    tasks = sys.stdin.buffer

    def answer(message: tuple) -> None:
        pickle.dump(message, answers, pickle.HIGHEST_PROTOCOL)
        answers.flush()

    # No cyclic garbage collection here: analysis makes next to no cycles (the novel: ~500 objects in 160
    # collections), and walking what it keeps alive cost ~15% of a worker's time. A worker lives one job.
    gc.disable()
    try:
        document, recipe, pinned = pickle.load(tasks)
        analyzer = recipe.make()
        pins = Pins(pinned)
        sharing = CacheSharing(analyzer.word_memos)
        while True:
            kind, number, given = pickle.load(tasks)
            if kind == "words":
                runs, others = given
                for worked_out in others:
                    sharing.take(worked_out)
                words = DocumentWords()
                for index, tokens in analyze_all(document, analyzer, only=runs):
                    words.add_clause(index, pins.apply(document, index, tokens))
                answer(("words", number, (words, sharing.news())))
            else:
                answer(("senses", number, senses_of(analyzer.dictionary, given)))
    except (EOFError, BrokenPipeError):  # the caller is done, or went away (cancelled, or it ended)
        return
    except BaseException:  # noqa: BLE001 - said to the caller, which reads the text itself instead
        with contextlib.suppress(OSError):
            answer(("failed", traceback.format_exc(limit=8)))


if __name__ == "__main__":
    _serve()

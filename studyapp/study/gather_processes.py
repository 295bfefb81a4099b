"""The window's analysis: a text's deck (``deck.gather``) and its words' senses, gathered by worker processes,
one per core that other programs leave free (``free_cores``; at most ``MOST_WORKERS``), for a long text, else
in this process (``gather_deck``).

Why processes: analysing 水浒传 is ~8 s of pure-Python work that holds the interpreter lock. In a thread of the
window's process it competes with the GUI thread for that lock (the window stalls) and uses one core of the
learner's several. In workers it uses them all, and the window's process only merges their results.

How: the clauses are cut into chunks of whole analysis batches (``analysis.batches``, so every clause is read in
exactly the batch it is read in by ``deck.gather``: the same tokens and readings, to the last confidence). Each
worker is a fresh interpreter (``python -P -m`` this module, ``child_python``: never a fork of a process running
Qt's threads, and always this code, whatever folder the app started in) that makes the analyzer from its ``Recipe``,
then reads chunks in the order it gets them, holding the next while it reads one once it has answered its first
(``AHEAD``: it does not wait for the caller), the next going to whichever worker has room (a busy core takes fewer),
and sends back each chunk's ``DocumentWords``; the chunks get smaller towards the end, so the workers end about
together. Those are merged in clause order (``DocumentWords.extend``), so the result equals one pass over the whole
text. With each chunk of the text's start (``SHARED_CHARACTERS``) a worker also sends what it worked out per word
that it had not before, which the others take with their next chunk (``cache_sharing``): a word common to the text's
parts is worked out by one worker, not by each. With each chunk, too, the dictionary senses of the words it met
first: a worker's chunks come in text order, so the chunk where a word first occurs in the text is one where its
worker meets it first, read there as the deck reads it (``deck.read_as``); the merge takes each word's senses from
that chunk. (The senses had been looked up once every chunk was in, a phase of their own.)

Worked example, 5 chunks on 2 workers: w1 gets c0, w2 gets c1; w2 finishes c1 first and gets c2 and c3 (it reads
c2, holding c3), c1 waits; w1 sends c0 -> merged c0, c1 (waiting), and w1 gets c4 (with w2's news of c1); w2 sends
c2 -> merged c2; w2 sends c3 -> merged c3; w1 sends c4 -> merged c4. Progress counts merged clauses.

A worker that cannot start or dies (no process may be started, out of memory, killed) costs time, not the result:
the caller reads the whole text here instead (``WorkersFailed``), and the log says why. A worker whose caller
went away (the app quit or crashed) ends at its next read or answer.

Why the workers start with the job, not ahead of it, nor stay between jobs: a worker's start is ~0.45 s of imports
(rjieba's own dictionary 0.16-0.23 s, numpy for the context model 0.12-0.18 s, the library's modules that ``deck``
imports 55-70 ms) and ~0.1-0.2 s making the analyzer. The window starts the analysis once the first page is
painted; started before, two workers would take both cores of a 2-core laptop from that first paint. Kept between
jobs, each would hold its dictionary, model and memos (~150-250 MB after a novel) for a second analysis that a
reopened text does not need (its deck is stored).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import os
import pickle
import queue
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from .. import free_cores, heap
from ..child_python import module_command, module_environment
from ..errors import JobCancelled
from ..reading.analysis import Recipe, batches
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
#: Near the end the chunks get smaller, down to ``CHUNK_CHARACTERS // TAIL_PARTS``: a worker that took the last big
#: chunk had kept the others idle while it read it (0.3-0.5 s of 水浒传's wall time).
TAIL_PARTS = 8
#: Chunks a worker holds at once: the one it reads and the next, there when it is done (it had waited 10-45 ms
#: a chunk for the caller to merge its answer and send it another). Not before it answered its first: its second
#: chunk then comes with what the others worked out in theirs (``cache_sharing``), the news that saves the most;
#: sent ahead, the second chunks had cost 0.53 s of CPU each instead of 0.38-0.43. Nor while others' news waits
#: for it (``SHARED_CHARACTERS``): a chunk with news (up to a MB) sent to a worker still reading another would
#: fill the pipe and hold the caller (and cancelling) until that worker was done.
AHEAD = 2
#: A worker sends what it worked out per word (``cache_sharing``) with the chunks that start within this many
#: characters of the text's start, and no later: the words two parts of a text share are mostly met early, and a
#: later chunk's new words are mostly its own. On 水浒传 the entries the other worker went on to meet fell from
#: 18 per KB sent (the first chunk) to 7 (the ninth) and 1-2 (past the 15th), while every KB costs ~0.1 ms to
#: pickle, relay and take; sending all had cost more CPU than it saved.
SHARED_CHARACTERS = 8 * CHUNK_CHARACTERS
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
    # the cores other programs leave free, not the cores there are: a worker beside a busy core only takes turns
    # with it, and pays its start and its cold work again (``free_cores``); half a free core counts
    return max(1, min(int(free_cores.free_cores() + 0.5), MOST_WORKERS))


def chunks(document: Document, workers: int = 1) -> list[list[range]]:
    """The document's analysis batches, in runs of about ``CHUNK_CHARACTERS`` characters, and towards the end, once
    the ``workers`` share less than twice that each, of a share's half (guided self-scheduling), so that the
    workers end about together."""
    starts, ends = document.clauses.starts, document.clauses.ends
    end = ends[-1] if len(ends) else 0
    least = max(1, CHUNK_CHARACTERS // TAIL_PARTS)
    found: list[list[range]] = []
    current: list[range] = []
    size = target = 0
    for batch in batches(document):
        if not current:
            target = max(least, min(CHUNK_CHARACTERS, (end - starts[batch[0]]) // (2 * workers)))
        current.append(batch)
        size += ends[batch[-1]] - starts[batch[0]]
        if size >= target:
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
    reading (``deck.dictionary_senses``; none unless ``senses``), all worked out by ``workers`` processes, a chunk
    of clauses at a time, merged in order as they come. Raises JobCancelled when cancelled (the workers are
    stopped at once), WorkersFailed when they fail."""
    work = chunks(document, workers)
    parts: dict[int, tuple[DocumentWords, dict[str, str]]] = {}
    merged = DocumentWords()
    found_senses: dict[str, str] = {}
    tasks = list(enumerate(work))
    tasks.reverse()  # popped from the end: in order
    merged_chunks = 0
    with _Workers(min(workers, len(work)), (document, recipe, dict(pins.pinned) if pins else {}, senses)) as team:
        held = [0] * len(team)  # per worker: the chunks sent to it and not answered yet
        most = [1] * len(team)  # per worker: chunks it may hold (one until it answered its first)
        news: list[list[bytes]] = [[] for _worker in held]  # per worker: the others' since its last chunk, unopened
        while merged_chunks < len(work):
            while tasks:  # news goes only to a worker that holds nothing: waiting to read, it takes it at once
                room = [(1 if news[worker] else most[worker]) - held[worker] for worker in range(len(held))]
                worker = room.index(max(room))
                if room[worker] <= 0:
                    break
                held[worker] += 1
                number, runs = tasks.pop()
                share = document.clauses.starts[runs[0][0]] < SHARED_CHARACTERS
                team.send(worker, (number, runs, news[worker], share))
                news[worker] = []
            if cancelled and cancelled():
                raise JobCancelled("The document was closed.")
            for worker, number, found, met_first, worked_out in team.results(POLL_S):
                held[worker] -= 1
                most[worker] = AHEAD
                if worked_out is not None:
                    for other, waiting in enumerate(news):
                        if other != worker:
                            waiting.append(worked_out)
                parts[number] = found, met_first
                while merged_chunks in parts:  # in clause order
                    found, met_first = parts.pop(merged_chunks)
                    merged.extend(found)
                    for word, senses_here in met_first.items():  # the first chunk that has a word says its senses
                        found_senses.setdefault(word, senses_here)
                    merged_chunks += 1
                if report:
                    report(len(merged.clause_words), len(document.clauses))
    return merged, found_senses


class _Workers:
    """Worker processes, each ``python -m`` this module with pickles on its standard input and output (a thread
    per worker reads what it sends into one queue); stopped (killed if need be) on leaving the ``with``.

    Plain processes rather than ``multiprocessing``'s: a "spawn" child imports the parent's main script again,
    which runs a script without a ``__main__`` guard (a user's, a benchmark's) once more in every worker."""

    def __init__(self, count: int, setup: tuple[Document, Recipe, dict, bool]) -> None:
        self._count, self._setup = count, setup
        self._processes: list[subprocess.Popen] = []
        self._readers: list[threading.Thread] = []
        self._answers: queue.Queue[tuple[int, tuple]] = queue.Queue()

    def __enter__(self) -> _Workers:
        try:
            for worker in range(self._count):
                process = subprocess.Popen(module_command(__name__), stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE, env=module_environment())
                self._processes.append(process)
                _live.add(process)
                reader = threading.Thread(target=self._read, args=(worker, process), daemon=True,
                                          name="analysis worker's answers")
                reader.start()
                self._readers.append(reader)
            # pickled once (the novel's text and clause table: 4 MB, 18 ms holding the interpreter lock), then
            # written to each, a write that lets the lock go while it waits for its worker to read
            setup = pickle.dumps(self._setup, pickle.HIGHEST_PROTOCOL)
            for worker in range(self._count):  # after every start: a write waits until its worker reads it
                self._write(worker, setup)
        except (OSError, WorkersFailed) as error:  # no process may be started here, or one ended at once
            self.__exit__(None, None, None)
            raise WorkersFailed(f"no worker process could start: {error}") from error
        return self

    def __len__(self) -> int:
        return len(self._processes)

    def send(self, worker: int, task: tuple[int, list[range], list[bytes], bool]) -> None:
        """Give a worker its next chunk: its number, its runs of clauses, the others' ``news`` since its last, and
        whether to send its own with the answer."""
        self._write(worker, pickle.dumps(task, pickle.HIGHEST_PROTOCOL))

    def _write(self, worker: int, pickled: bytes) -> None:
        stream = self._processes[worker].stdin
        try:
            stream.write(pickled)  # type: ignore[union-attr]
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

    def results(self, timeout: float) -> Iterator[tuple[int, int, DocumentWords, dict[str, str], bytes | None]]:
        """(worker, chunk number, its words, the senses of the words its worker met first there, its ``news``)
        for each chunk finished within ``timeout``."""
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
            yield worker, *message

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
    """A worker process: read the chunks the caller sends on standard input, each as ``deck.gather`` would, with
    the ``deck.dictionary_senses`` of the words met first there, answering on standard output, until the caller
    closes it."""
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
        document, recipe, pinned, with_senses = pickle.load(tasks)
        analyzer = recipe.make()
        pins = Pins(pinned)
        senses: dict[tuple[str, tuple[str, ...]], str] = {}  # per word and reading, shared like the word memos
        # The words of the chunks read before: this worker's, and those the others told of with its tasks (the
        # news a task brings is of chunks answered before it was sent, so of chunks earlier in the text). A word
        # met there is not first met in this chunk, and is read in context only where the text first has it
        # (``deck.gather``'s ``met``). ``told``: the same words, as a memo shared with the others'.
        met: set[str] = set()
        told: dict[str, None] = {}
        sharing = CacheSharing(lambda: [*analyzer.word_memos(), senses, told])
        while True:
            number, runs, others, share = pickle.load(tasks)
            known = len(told)
            for worked_out in others:
                sharing.take(worked_out)
            met.update(itertools.islice(told, known, None))
            words = gather(document, analyzer, pins=pins, only=runs, met=met)
            told.update(dict.fromkeys(words.numbers))
            met_first: dict[str, str] = {}
            if with_senses:  # of the words read here, where this worker met them first
                first = read_as(words, words.readings)
                pending = [pair for pair in first if pair not in senses]
                looked_up = senses_of(analyzer.dictionary, pending)
                senses.update(((word, reading), looked_up[word]) for word, reading in pending)
                met_first = {word: senses[word, reading] for word, reading in first}
            answer((number, words, met_first, sharing.news() if share else None))
    except (EOFError, BrokenPipeError):  # the caller is done, or went away (cancelled, or it ended)
        return
    except BaseException:  # noqa: BLE001 - said to the caller, which reads the text itself instead
        with contextlib.suppress(OSError):
            answer(("failed", traceback.format_exc(limit=8)))


if __name__ == "__main__":
    _serve()

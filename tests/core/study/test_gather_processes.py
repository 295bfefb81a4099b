"""A long text's deck read by worker processes: the same deck as one pass in this process, pins and all; stopped at
once when cancelled; read here instead when the workers cannot do it."""

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp import text
from studyapp.errors import JobCancelled
from studyapp.reading.analysis import Recipe, Token, analyze_all
from studyapp.reading.pins import Pins
from studyapp.study import deck, gather_processes
from studyapp.text.loading import load, load_bytes
from tests.conftest import CORPUS

from .test_deck_reading import full_deck


@pytest.fixture(scope="module")
def story():
    """朝花夕拾's first 40,000 characters: several chunks of a few thousand, read by two workers."""
    return text.split(load_bytes(load(CORPUS / "朝花夕拾.txt").text[:40_000].encode(), "story.txt"))


def in_this_process(document, analyzer, pins=None):
    return deck.gather(document, analyzer, pins=pins)


def test_workers_gather_the_very_deck_one_pass_gathers(story, analyzer, monkeypatch, workers_for_short_texts):
    monkeypatch.setattr(gather_processes, "worker_count", lambda _document: 2)
    assert len(gather_processes.chunks(story)) >= 4
    progress = []
    by_workers, senses = gather_processes.gather_deck(story, analyzer,
                                                 report=lambda done, total: progress.append((done, total)))
    assert workers_for_short_texts == [2]
    alone = in_this_process(story, analyzer)
    assert by_workers == alone  # counts, first clauses, readings in context, numbering, clause by clause
    assert senses == deck.dictionary_senses(alone, analyzer.dictionary)  # each word's, for its reading here
    full = full_deck(story, analyzer)  # every occurrence read in context, as the reader reads it
    assert by_workers == full and senses == deck.dictionary_senses(full, analyzer.dictionary)
    assert list(by_workers.numbers) == list(alone.numbers)  # numbered in order of first occurrence
    assert progress[-1] == (len(story.clauses), len(story.clauses))
    assert [done for done, _total in progress] == sorted(done for done, _total in progress)
    assert not gather_processes.worker_ids()  # every worker has ended


def test_a_pinned_reading_counts_in_a_workers_share(story, analyzer, monkeypatch, workers_for_short_texts):
    """A word first met late in the text (read by a worker, not the first chunk) takes the reading pinned there."""
    monkeypatch.setattr(gather_processes, "worker_count", lambda _document: 2)
    alone = in_this_process(story, analyzer)
    late = len(story.clauses) * 3 // 4
    word = next(w for w, first in alone.first_clause.items() if first > late and len(w) == 2 and
                alone.readings[w])
    clause = alone.first_clause[word]
    token = next(t for _i, tokens in analyze_all(story, analyzer, only=[range(clause, clause + 1)])
                 for t in tokens if t.text == word)
    start = story.source_offset(story.clauses.starts[clause], story.clauses.ends[clause], token.start)
    pins = Pins({start: (word, ("wǒ", "wǒ"))})
    by_workers, _senses = gather_processes.gather_deck(story, analyzer, pins=pins)
    assert workers_for_short_texts == [2]
    assert by_workers.readings[word] == ("wǒ", "wǒ")
    assert by_workers == in_this_process(story, analyzer, pins=pins)


def test_workers_send_what_they_worked_out_only_with_the_texts_early_chunks(story, analyzer, workers_for_short_texts,
                                                                             monkeypatch):
    """Later chunks' new words are mostly their own: sending them to the other workers cost more than it saved."""
    monkeypatch.setattr(gather_processes, "SHARED_CHARACTERS", 12_000)
    answered = []
    results = gather_processes._Workers.results

    def noting(team, timeout):
        for answer in results(team, timeout):
            answered.append((answer[1], answer[4] is not None))  # chunk number, whether it came with news
            yield answer

    monkeypatch.setattr(gather_processes._Workers, "results", noting)
    by_workers, _senses = gather_processes.gather_in_workers(story, analyzer.recipe(), 2)
    starts = story.clauses.starts
    expected = [(number, starts[runs[0][0]] < 12_000) for number, runs in enumerate(gather_processes.chunks(story, 2))]
    assert sorted(answered) == expected
    assert any(shared for _number, shared in expected) and not all(shared for _number, shared in expected)
    assert by_workers == in_this_process(story, analyzer)


def test_chunks_are_whole_batches_in_order_smaller_towards_the_end(story, workers_for_short_texts, monkeypatch):
    """The last chunks are small, so that no worker reads a big one while the others have nothing left."""
    from studyapp.reading import analysis

    monkeypatch.setattr(analysis, "ANALYSIS_BATCH", 20)
    starts, ends = story.clauses.starts, story.clauses.ends
    batch_most = max(ends[batch[-1]] - starts[batch[0]] for batch in analysis.batches(story))
    for workers in (1, 2, 4):
        work = gather_processes.chunks(story, workers)
        assert [batch for runs in work for batch in runs] == list(analysis.batches(story))
        sizes = [ends[runs[-1][-1]] - starts[runs[0][0]] for runs in work]
        assert max(sizes) < gather_processes.CHUNK_CHARACTERS + batch_most  # it ends at the batch that fills it
        assert sizes[0] >= gather_processes.CHUNK_CHARACTERS
        assert max(sizes[-2:]) < gather_processes.CHUNK_CHARACTERS / 2  # the last ones: none a big one
    assert len(gather_processes.chunks(story, 4)) > len(gather_processes.chunks(story, 1))


def test_each_worker_holds_its_next_chunk_once_it_answered_its_first(analyzer, workers_for_short_texts,
                                                                      monkeypatch):
    """A worker that answered a chunk reads the next at once: it had waited for the caller to merge and send. Its
    second chunk is sent once its first is answered, with what the others worked out in theirs; a chunk with news
    only to a worker that holds none (waiting to read it: a big write to a busy one held the caller).

    三国演义's first 120,000 characters, ~30 chunks: on a loaded machine one worker started late had found the
    40,000 of ``story`` all read by the other (the deck reads a chunk in tens of milliseconds), so no chunk was
    left to bring news."""
    story = text.split(load_bytes(load(CORPUS / "三国演义.txt").text[:120_000].encode(), "story.txt"))
    monkeypatch.setattr(gather_processes, "SHARED_CHARACTERS", 12_000)  # news with the first few chunks only
    events = []
    send, results = gather_processes._Workers.send, gather_processes._Workers.results

    def noting_send(team, worker, task):
        events.append(("sent with news" if task[2] else "sent", worker))
        send(team, worker, task)

    def noting_results(team, timeout):
        for answer in results(team, timeout):
            events.append(("answered", answer[0]))
            yield answer

    monkeypatch.setattr(gather_processes._Workers, "send", noting_send)
    monkeypatch.setattr(gather_processes._Workers, "results", noting_results)
    by_workers, _senses = gather_processes.gather_in_workers(story, analyzer.recipe(), 2)
    # the first chunk sent once both workers answered their first (each a chunk of the text's start) brings news:
    # whichever worker takes it holds the other's
    both_answered = max(events.index(("answered", worker)) for worker in (0, 1))
    sent_later = [event for event, _worker in events[both_answered + 1:] if event.startswith("sent")]
    assert sent_later and sent_later[0] == "sent with news"
    for worker in (0, 1):
        seen = [event for event, who in events if who == worker]
        assert seen[0] == "sent" and seen[1] == "answered" and seen[2].startswith("sent")
        held, most = 0, 0
        for event in seen:
            assert event != "sent with news" or held == 0
            held += 1 if event.startswith("sent") else -1
            assert 0 <= held <= 2
            most = max(most, held)
        assert held == 0 and most == 2
    assert by_workers == in_this_process(story, analyzer)


def test_cancelling_stops_the_workers_at_once(story, analyzer, workers_for_short_texts):
    asked = []

    def cancelled() -> bool:
        asked.append(True)
        return len(asked) > 1  # after the workers have started

    with pytest.raises(JobCancelled):
        gather_processes.gather_in_workers(story, analyzer.recipe(), 2, cancelled=cancelled)
    assert not gather_processes.worker_ids()


def test_workers_that_fail_leave_the_reading_to_this_process(story, analyzer, workers_for_short_texts, monkeypatch, caplog,
                                                             tmp_path):
    broken = Recipe(tmp_path / "no dictionary here.sqlite", True, {}, [])
    monkeypatch.setattr(analyzer, "recipe", lambda: broken)
    monkeypatch.setattr(gather_processes, "worker_count", lambda _document: 2)
    with caplog.at_level(logging.WARNING):
        gathered, senses = gather_processes.gather_deck(story, analyzer)
    assert "read in this process instead" in caplog.text and "worker process failed" in caplog.text
    assert gathered == in_this_process(story, analyzer)
    assert senses == deck.dictionary_senses(gathered, analyzer.dictionary)


def test_a_short_text_is_read_in_this_process(analyzer):
    short = text.split(load_bytes("中国和俄罗斯，中国人民。".encode(), "short.txt"))
    assert gather_processes.worker_count(short) == 0


def test_a_bundled_app_starts_no_worker(story, monkeypatch):
    """Its executable is the app itself: a worker would start a second window."""
    monkeypatch.setattr(gather_processes, "LEAST_CHARACTERS", 1)
    assert gather_processes.worker_count(story) >= 1
    monkeypatch.setattr(gather_processes.sys, "frozen", True, raising=False)
    assert gather_processes.worker_count(story) == 0


def test_an_analyzer_of_a_parser_without_a_recipe_is_read_in_this_process(analyzer):
    from studyapp.reading.analysis import Analyzer

    class OwnParser:
        def tokens(self, clause):
            return ()

        def reading(self, word):
            return ()

        def forget(self):
            return None

    assert Analyzer(analyzer.dictionary, OwnParser(), context=False).recipe() is None


WORDS = st.sampled_from(["中国", "人民", "和", "俄罗斯", "朋友", "好"])
CLAUSES = st.lists(st.lists(st.tuples(WORDS, st.sampled_from(["word", "punct", "number"])), max_size=6),
                   min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(clauses=CLAUSES, cut=st.integers(min_value=0, max_value=12))
def test_extending_by_a_later_share_equals_one_pass(clauses, cut):
    """``DocumentWords.extend`` merges the share of the clauses after a cut into the share before it."""
    cut = min(cut, len(clauses))

    def tokens(index):
        return tuple(Token(0, len(word), word, kind, (f"r{index}",) * len(word)) for word, kind in clauses[index])

    whole, before, after = deck.DocumentWords(), deck.DocumentWords(), deck.DocumentWords()
    for index in range(len(clauses)):
        whole.add_clause(index, tokens(index))
        (before if index < cut else after).add_clause(index, tokens(index))
    before.extend(after)
    assert before == whole
    assert list(before.numbers) == list(whole.numbers)


UNGUARDED_SCRIPT = """
print("THE SCRIPT RAN", flush=True)
from studyapp import text
from studyapp.reading.analysis import Analyzer
from studyapp.reading.dictionary import Dictionary
from studyapp.study import gather_processes
from studyapp.text.loading import load_bytes

gather_processes.LEAST_CHARACTERS = 1
in_workers = gather_processes.gather_in_workers
gather_processes.gather_in_workers = lambda *given: print("IN WORKERS") or in_workers(*given)
document = text.split(load_bytes("中国和俄罗斯，中国人民。他还没还书。".encode() * 200, "short.txt"))
words, _senses = gather_processes.gather_deck(document, Analyzer(Dictionary.open()))
print("WORDS", sorted(words.counts))
"""


def test_a_script_without_a_main_guard_runs_once_not_again_in_each_worker(tmp_path):
    """A user's script (or a benchmark) that gathers a deck at its top level: the workers never run it again."""
    import subprocess
    import sys

    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED_SCRIPT, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (done.stdout + done.stderr).count("THE SCRIPT RAN") == 1
    assert "IN WORKERS" in done.stdout and "process instead" not in done.stderr
    assert "'俄罗斯'" in done.stdout


def test_the_text_is_pickled_once_for_every_worker(story, analyzer, workers_for_short_texts, monkeypatch):
    """Pickling the novel holds the interpreter lock 18 ms (the window waits): once, whatever the workers."""
    import pickle
    import types

    texts_pickled = []

    def dumps(message, protocol=None):
        if isinstance(message, tuple) and any(part is story for part in message):
            texts_pickled.append(message)
        return pickle.dumps(message, protocol)

    monkeypatch.setattr(gather_processes, "pickle", types.SimpleNamespace(
        dumps=dumps, load=pickle.load, dump=pickle.dump, HIGHEST_PROTOCOL=pickle.HIGHEST_PROTOCOL,
        UnpicklingError=pickle.UnpicklingError))
    by_workers, _senses = gather_processes.gather_in_workers(story, analyzer.recipe(), 2)
    assert len(texts_pickled) == 1
    assert by_workers == in_this_process(story, analyzer)


def test_workers_run_this_code_whatever_folder_the_app_started_in(story, analyzer, workers_for_short_texts,
                                                                   tmp_path, monkeypatch):
    """``python -m`` looks in the working folder first: started from a folder holding another ``studyapp`` (a
    source checkout), the workers ran that code and failed, and the text was read in one thread."""
    other = tmp_path / "studyapp"
    other.mkdir()
    (other / "__init__.py").write_text('raise ImportError("another checkout\'s studyapp")\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    by_workers, _senses = gather_processes.gather_in_workers(story, analyzer.recipe(), 2)
    assert by_workers == in_this_process(story, analyzer)


DYING_SCRIPT = """
import os
from studyapp import text
from studyapp.reading import analysis
from studyapp.reading.dictionary import Dictionary
from studyapp.study import gather_processes
from studyapp.text.loading import load_bytes

analysis.ANALYSIS_BATCH = 300
gather_processes.LEAST_CHARACTERS = 1
gather_processes.CHUNK_CHARACTERS = 2_000
document = text.split(load_bytes("中国和俄罗斯，中国人民。他还没还书。".encode() * 3_000, "long.txt"))


def report(_done, _total):  # the first chunk is in: the app crashes, its workers mid-way through theirs
    print("WORKERS", *gather_processes.worker_ids(), flush=True)
    os.kill(os.getpid(), 9)


gather_processes.gather_deck(document, analysis.Analyzer(Dictionary.open(), context=False), report=report)
"""


def ended(pid: int) -> bool:
    """The process is gone, or a zombie that only waits for whoever adopted it to reap it."""
    from pathlib import Path

    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in "ZX"
    except (FileNotFoundError, ProcessLookupError):
        return True


@pytest.mark.skipif(not __import__("pathlib").Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_end_when_the_app_that_started_them_crashes(tmp_path):
    """Killed mid-analysis, the app leaves no worker behind: each ends at its next read or answer (its input
    closed, its answers' pipe broken), having finished at most the chunks it held."""
    import subprocess
    import sys
    import time

    script = tmp_path / "dying.py"
    script.write_text(DYING_SCRIPT, encoding="utf-8")
    with (tmp_path / "stderr.txt").open("w+", encoding="utf-8") as errors:  # the workers' standard error too
        app = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=errors, text=True)
        said, _nothing = app.communicate(timeout=300)
        errors.seek(0)
        assert app.returncode == -9, errors.read()
    workers = [int(pid) for pid in said.split("WORKERS", 1)[1].split()]
    assert workers
    deadline = time.monotonic() + 60
    while not all(map(ended, workers)):  # each finishes what it holds (a second or so), then ends
        assert time.monotonic() < deadline, f"workers left behind: {[w for w in workers if not ended(w)]}"
        time.sleep(0.05)

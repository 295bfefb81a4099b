"""Readings of polyphonic characters chosen from the sentence they stand in: g2pM's bi-LSTM, run batched.

g2pM (Park & Lee, Interspeech 2020; Apache-2.0) ships its weights inside its wheel: a 64-wide character
embedding, one bidirectional LSTM layer of 32 units each way, and two dense layers over 876 tone-marked
syllables. Its own ``G2pM()`` reads one sentence at a time and picks the best of all 876 syllables; here:

- the embedding and the LSTM's input weights are multiplied out once into a table (one row per character), so a
  step of the recurrence is a table look-up and one 32×128 product;
- many clauses go through at once, grouped by length, so a novel's 100,000 clauses are a few hundred batches;
- the choice is made among the readings the character (or the word around it) can have, and comes with the
  model's confidence in it (softmax over those candidates), for the popup to say how sure it is;
- the characters' ids are looked up with numpy, not a Python loop per character;
- the matrix work runs with ``BLAS_THREADS`` threads (threadpoolctl), never OpenBLAS's default of one per core:
  the app runs its jobs side by side, and on a busy machine one thread per core behind its back made a novel's
  readings 2-6 times slower. threadpoolctl rather than ``OPENBLAS_NUM_THREADS`` at start: that works only if set
  before anything imports numpy, and would bind every other numpy user in the process too.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
from threadpoolctl import ThreadpoolController

_BOS, _EOS, _UNK = "시", "끝", "<UNK>"  # g2pM's own begin/end/unknown symbols
_BATCH = 256
#: BLAS threads for the model's matrix work: one, as each job the app runs is one thread; the products are small
#: (a batch's 32-wide hidden states), so more threads would mostly wait on each other.
BLAS_THREADS = 1
#: Characters of context the model sees on each side of the one it reads. A clause longer than three times this
#: (OCR output, text pasted without punctuation: 33,000 characters and more) is read in overlapping windows, so
#: memory stays bounded by the batch, not by the longest clause; shorter clauses are read whole, as before.
CONTEXT = 128
_WHOLE = 3 * CONTEXT


class Guess(NamedTuple):
    """The model's reading of one character: numbered pinyin (``hang2``) and how sure it is (0-1). A named tuple:
    a novel makes 100,000 of them."""

    reading: str
    confidence: float


class _BlasThreads:
    """OpenBLAS's thread count is one setting for the whole process: the first guess to start limits it, the last
    to finish puts it back, so guesses running side by side in two jobs do not undo each other's limit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._controller: ThreadpoolController | None = None
        self._limiter: Any = None  # threadpoolctl's limiter, whose class it does not export

    @contextmanager
    def limited(self, threads: int) -> Iterator[None]:
        with self._lock:
            if self._running == 0:
                if self._controller is None:  # finds the loaded BLAS libraries once (a few milliseconds)
                    self._controller = ThreadpoolController()
                self._limiter = self._controller.limit(limits=threads, user_api="blas")
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                if self._running == 0 and self._limiter is not None:
                    self._limiter.restore_original_limits()
                    self._limiter = None


_BLAS = _BlasThreads()


class ContextModel:
    def __init__(self, threads: int = BLAS_THREADS) -> None:
        import g2pM

        folder = os.path.dirname(g2pM.__file__)

        def load(name: str):
            with open(os.path.join(folder, name), "rb") as handle:  # the package's own files, not user input
                return pickle.load(handle)  # noqa: S301

        self.threads = threads
        weights = load("np_ckpt.pkl")
        self.char_ids: dict[str, int] = load("char2idx.pkl")
        classes: dict[str, int] = load("class2idx.pkl")
        #: every reading CC-CEDICT gives a character, as g2pM digested it (numbered pinyin)
        self.readings: dict[str, list[str]] = load("digest_cedict.pkl")
        self.class_of = classes
        embedding = weights["embedding.weight"].astype(np.float32)
        size = weights["lstm.weight_hh_l0"].shape[1]
        # PyTorch orders the gates input, forget, cell, output; put the cell candidate last, so the three sigmoid
        # gates are one slice. sigmoid(x) = (tanh(x / 2) + 1) / 2: with the sigmoid gates' weights halved in
        # advance, one tanh over all four gates serves each step.
        order = np.r_[0:2 * size, 3 * size:4 * size, 2 * size:3 * size]
        scale = np.full(4 * size, 0.5, dtype=np.float32)
        scale[3 * size:] = 1.0  # the cell candidate is a tanh already

        def direction(suffix: str) -> tuple[np.ndarray, np.ndarray]:
            bias = weights[f"lstm.bias_ih_l0{suffix}"] + weights[f"lstm.bias_hh_l0{suffix}"]
            inputs = (embedding @ weights[f"lstm.weight_ih_l0{suffix}"].T + bias)[:, order] * scale
            return inputs.astype(np.float32), (weights[f"lstm.weight_hh_l0{suffix}"].T[:, order] * scale).astype(
                np.float32)

        input_fw, hidden_fw = direction("")
        input_bw, hidden_bw = direction("_reverse")
        #: one table for both directions: the backward direction's ids are offset by the vocabulary's size
        self._inputs = np.concatenate([input_fw, input_bw])
        self._offset = input_fw.shape[0]
        self._recurrent = np.stack([hidden_fw, hidden_bw])  # [2, h, 4h]
        self._dense0 = (weights["logit_layer.0.weight"].T.astype(np.float32), weights["logit_layer.0.bias"])
        self._dense1 = (weights["logit_layer.2.weight"].T.astype(np.float32), weights["logit_layer.2.bias"])
        self._size = size
        self._unknown = self.char_ids[_UNK]
        singles = sorted((ord(ch), index) for ch, index in self.char_ids.items() if len(ch) == 1)
        self._codes = np.array([code for code, _index in singles], dtype=np.uint32)
        self._code_ids = np.array([index for _code, index in singles], dtype=np.int64)

    def is_polyphone(self, character: str) -> bool:
        return len(self.readings.get(character, ())) > 1

    def guess(self, requests: Sequence[tuple[str, int, Sequence[str]]]) -> list[Guess | None]:
        """For each (sentence, index of a character in it, candidate readings in numbered pinyin), the model's
        choice among the candidates it knows; None where it knows none of them."""
        with _BLAS.limited(self.threads):
            return self._guess(requests)

    def _guess(self, requests: Sequence[tuple[str, int, Sequence[str]]]) -> list[Guess | None]:
        results: list[Guess | None] = [None] * len(requests)
        by_sentence: dict[str, list[tuple[int, int]]] = {}  # the text the model reads -> (request, index in it)
        for number, (sentence, index, _candidates) in enumerate(requests):
            text, at = window(sentence, index)
            by_sentence.setdefault(text, []).append((number, at))
        sentences = sorted(by_sentence, key=len)
        for first in range(0, len(sentences), _BATCH):
            batch = sentences[first:first + _BATCH]
            rows, positions, numbers = [], [], []
            for row, sentence in enumerate(batch):
                for number, at in by_sentence[sentence]:
                    rows.append(row)
                    positions.append(at + 1)  # after the begin symbol
                    numbers.append(number)
            rows_array, positions_array = np.array(rows), np.array(positions)
            forward, backward = self._run(batch, rows_array, positions_array)
            features = np.concatenate([forward, backward], axis=1)
            hidden = np.maximum(features @ self._dense0[0] + self._dense0[1], 0)
            logits = hidden @ self._dense1[0] + self._dense1[1]
            self._choose_all(logits, [requests[number][2] for number in numbers], numbers, results)
        return results

    def _choose_all(self, logits: np.ndarray, candidate_lists: list[Sequence[str]], numbers: list[int],
                    results: list[Guess | None]) -> None:
        """The best candidate of every line, a softmax over each line's candidates, for all lines at once: each
        line's candidates' classes padded to the widest set, the padding scored minus infinity."""
        sets: dict[tuple[str, ...], int] = {}
        known_sets: list[tuple[tuple[str, int], ...]] = []
        set_of_line = []
        for candidates in candidate_lists:
            key = tuple(candidates)
            number = sets.get(key)
            if number is None:
                number = sets[key] = len(known_sets)
                known_sets.append(self._known(key))
            set_of_line.append(number)
        width = max(map(len, known_sets))
        if width == 0:
            return
        classes = np.zeros((len(known_sets), width), dtype=np.int64)
        padding = np.ones((len(known_sets), width), dtype=bool)
        for number, known in enumerate(known_sets):
            classes[number, :len(known)] = [index for _reading, index in known]
            padding[number, :len(known)] = False
        padding[:, 0] = False  # a set the model knows none of scores its one padding column: no NaN, no answer
        line_sets = np.array(set_of_line)
        scores = np.where(padding[line_sets], -np.inf, logits[np.arange(len(line_sets))[:, None], classes[line_sets]])
        scores -= scores.max(axis=1, keepdims=True)
        chances = np.exp(scores)
        best = chances.argmax(axis=1).tolist()
        confidence = (1.0 / chances.sum(axis=1)).tolist()  # the best one's own chance is exp(0) = 1
        for line, (number, choice, sure) in enumerate(zip(set_of_line, best, confidence, strict=True)):
            known = known_sets[number]
            if known:
                results[numbers[line]] = Guess(known[choice][0], sure)

    @lru_cache(maxsize=4096)  # noqa: B019 - one model per process, and candidate sets are few
    def _known(self, candidates: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
        return tuple((reading, self.class_of[reading]) for reading in dict.fromkeys(candidates)
                     if reading in self.class_of)

    def _ids(self, sentences: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The batch's character ids, [2, b, t]: each sentence between the begin and end symbols, forward in the
        first plane and reversed (offset into the backward half of the input table) in the second; and the
        lengths with those symbols."""
        codes = np.frombuffer("".join(sentences).encode("utf-32-le"), dtype=np.uint32)
        found = np.minimum(np.searchsorted(self._codes, codes), len(self._codes) - 1)
        flat = np.where(self._codes[found] == codes, self._code_ids[found], self._unknown)
        lengths = np.array([len(sentence) + 2 for sentence in sentences])
        ids = np.zeros((2, len(sentences), int(lengths.max())), dtype=np.int64)
        begin, end = self.char_ids[_BOS], self.char_ids[_EOS]
        start = 0
        for row, length in enumerate(lengths.tolist()):
            forward = ids[0, row]
            forward[0], forward[length - 1] = begin, end
            forward[1:length - 1] = flat[start:start + length - 2]
            ids[1, row, :length] = forward[length - 1::-1]
            start += length - 2
        ids[1] += self._offset
        return ids, lengths

    def _run(self, sentences: list[str], rows: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Hidden states of both directions at the given (row, position) places of a batch, positions counted
        over the sentence with its begin and end symbols."""
        ids, lengths = self._ids(sentences)
        states = self._recur(ids)
        return states[0, rows, positions], states[1, rows, lengths[rows] - 1 - positions]

    def _recur(self, ids: np.ndarray) -> np.ndarray:
        """The LSTM over [2, b, t] ids, each direction with its own weights: states [2, b, t, h]. (Both
        directions stacked in one [2, b, 4h] step measured slower: the strided slices cost more than the calls.)"""
        size = self._size
        _two, batch, width = ids.shape
        states = np.empty((2, batch, width, size), dtype=np.float32)
        inputs = self._inputs
        for direction, recurrent in enumerate(self._recurrent):
            direction_ids, direction_states = ids[direction], states[direction]
            hidden = np.zeros((batch, size), dtype=np.float32)
            cell = np.zeros((batch, size), dtype=np.float32)
            for step in range(width):  # the input half of each step looked up as it comes: [b, 4h], not [b, t, 4h]
                gates = np.tanh(inputs[direction_ids[:, step]] + hidden @ recurrent)  # weights pre-scaled: __init__
                sigmoids = gates[:, :3 * size] * 0.5 + 0.5
                cell = sigmoids[:, size:2 * size] * cell + sigmoids[:, :size] * gates[:, 3 * size:]
                hidden = sigmoids[:, 2 * size:] * np.tanh(cell)
                direction_states[:, step] = hidden
        return states


def window(sentence: str, index: int) -> tuple[str, int]:
    """The text the model reads for the character at ``index``, and its index there: the whole sentence when it is
    short, else the window of the sentence's windows (each ``3 * CONTEXT`` long, one every ``CONTEXT``
    characters) that holds at least ``CONTEXT`` characters on each side of it, or the sentence's edge. Requests
    near each other share a window, so a long clause costs about three times its length, not its square."""
    if len(sentence) <= _WHOLE:
        return sentence, index
    start = max(0, (index // CONTEXT - 1) * CONTEXT)
    return sentence[start:start + _WHOLE], index - start


@lru_cache(maxsize=1)
def context_model() -> ContextModel:
    """One model per process (1.7 MB of weights, loaded in ~50 ms)."""
    return ContextModel()

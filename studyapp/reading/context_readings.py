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
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from operator import itemgetter
from typing import NamedTuple

import numpy as np
from threadpoolctl import ThreadpoolController

from ..process_setting import WhileAnyRuns

_BOS, _EOS, _UNK = "시", "끝", "<UNK>"  # g2pM's own begin/end/unknown symbols
#: Steps × texts the recurrence runs at once: its states are this many [h] rows (8 MB), however long the texts.
_CELLS = 65_536
#: Requests scored at once by the dense layers: their logits are this many rows of 876 syllables.
_LINES = 4_096
#: BLAS threads for the model's matrix work: one, as each job the app runs is one thread; the products are small
#: (a batch's 32-wide hidden states), so more threads would mostly wait on each other.
BLAS_THREADS = 1
#: Characters of context the model sees on each side of the one it reads. A clause longer than three times this
#: (OCR output, text pasted without punctuation: 33,000 characters and more) is read in overlapping windows, so
#: memory stays bounded by the batch, not by the longest clause; shorter clauses are read whole, as before.
CONTEXT = 128
_WHOLE = 3 * CONTEXT
_FIRST, _SECOND, _THIRD = itemgetter(0), itemgetter(1), itemgetter(2)


class Guess(NamedTuple):
    """The model's reading of one character: numbered pinyin (``hang2``) and how sure it is (0-1). A named tuple:
    a novel makes 100,000 of them."""

    reading: str
    confidence: float


_make_guess = partial(tuple.__new__, Guess)  # a Guess from a (reading, confidence) pair, with no Python call
_CONTROLLER: list[ThreadpoolController] = []  # the loaded BLAS libraries, found once (a few milliseconds)


def _limit_blas() -> Callable[[], None]:
    """OpenBLAS's thread count is one setting for the whole process: limit it, and say how to put it back."""
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=BLAS_THREADS, user_api="blas").restore_original_limits


_BLAS = WhileAnyRuns(_limit_blas)  # guesses in two jobs side by side do not undo each other's limit


class ContextModel:
    def __init__(self) -> None:
        import g2pM

        folder = os.path.dirname(g2pM.__file__)

        def load(name: str):
            with open(os.path.join(folder, name), "rb") as handle:  # the package's own files, not user input
                return pickle.load(handle)  # noqa: S301

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
        self._inputs = np.ascontiguousarray(np.concatenate([input_fw, input_bw]))  # rows are looked up: C order
        self._offset = input_fw.shape[0]
        self._recurrent = np.stack([hidden_fw, hidden_bw])  # [2, h, 4h]
        self._dense0 = (weights["logit_layer.0.weight"].T.astype(np.float32), weights["logit_layer.0.bias"])
        #: the last layer, one row of weights per syllable: a line's candidates' rows are all it needs
        self._logit_weights = np.ascontiguousarray(weights["logit_layer.2.weight"], dtype=np.float32)
        self._logit_bias = weights["logit_layer.2.bias"].astype(np.float32)
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
        with _BLAS.held():
            return self._guess(requests)

    def _guess(self, requests: Sequence[tuple[str, int, Sequence[str]]]) -> list[Guess | None]:
        if not requests:
            return []
        places = [(sentence, index) if len(sentence) <= _WHOLE else window(sentence, index)  # most: short
                  for sentence, index, _candidates in requests]
        # the text the model reads -> the first and last index asked about (a clause's requests come in order)
        spans: dict[str, list[int]] = {}
        for text, at in places:
            span = spans.get(text)
            if span is None:
                spans[text] = [at, at]
            elif at > span[1]:
                span[1] = at
            elif at < span[0]:
                span[0] = at
        # A state depends only on what its direction has read: forward, the begin symbol and the text up to the
        # last character asked about; backward, the end symbol and the text from its end back to the first one.
        # So each direction reads only that much (about half the steps), and texts sharing it share its row;
        # each distinct text's two rows are found once, not once per request.
        ahead: dict[str, int] = {}
        behind: dict[str, int] = {}
        text_rows: dict[str, int] = {}  # the text -> its number in ``forward_rows``, ``backward_rows``, ``lengths``
        forward_rows, backward_rows, lengths = [], [], []
        for text, (first, last) in spans.items():
            text_rows[text] = len(text_rows)
            forward_rows.append(ahead.setdefault(text[:last + 1], len(ahead)))
            backward_rows.append(behind.setdefault(text[first:][::-1], len(behind)))
            lengths.append(len(text))
        of_text = np.array(list(map(text_rows.__getitem__, map(_FIRST, places))))
        asked_at = np.array(list(map(_SECOND, places)))
        features = np.concatenate([self._states(0, list(ahead), np.array(forward_rows)[of_text], asked_at + 1),
                                   self._states(1, list(behind), np.array(backward_rows)[of_text],
                                                np.array(lengths)[of_text] - asked_at)], axis=1)
        hidden = np.maximum(features @ self._dense0[0] + self._dense0[1], 0)
        candidate_lists = list(map(_THIRD, requests))
        return [guess for first in range(0, len(requests), _LINES)
                for guess in self._choose_all(hidden[first:first + _LINES], candidate_lists[first:first + _LINES])]

    def _choose_all(self, hidden: np.ndarray, candidate_lists: list[Sequence[str]]) -> list[Guess | None]:
        """The best candidate of every line, a softmax over each line's candidates, for all lines at once: each
        line's candidates' classes padded to the widest set, the padding scored minus infinity. Only the
        candidates' logits are worked out from the last hidden layer, not all 876 syllables'."""
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
        widths = np.array(list(map(len, known_sets)))
        width = int(widths.max())
        if width == 0:
            return [None] * len(candidate_lists)
        padding = np.arange(width) >= widths[:, None]
        classes = np.zeros((len(known_sets), width), dtype=np.int64)
        classes[~padding] = [index for known in known_sets for _reading, index in known]
        padding[:, 0] = False  # a set the model knows none of scores its one padding column: no NaN, no answer
        line_sets = np.array(set_of_line)
        line_classes = classes[line_sets]
        logits = np.einsum("lh,lch->lc", hidden, self._logit_weights[line_classes]) + self._logit_bias[line_classes]
        scores = np.where(padding[line_sets], -np.inf, logits)
        scores -= scores.max(axis=1, keepdims=True)
        chances = np.exp(scores)
        best = chances.argmax(axis=1).tolist()
        confidence = (1.0 / chances.sum(axis=1)).tolist()  # the best one's own chance is exp(0) = 1
        readings = [tuple(map(_FIRST, known)) for known in known_sets]
        return [_make_guess((readings[number][choice], sure)) if readings[number] else None
                for number, choice, sure in zip(set_of_line, best, confidence, strict=True)]

    @lru_cache(maxsize=4096)  # noqa: B019 - one model per process, and candidate sets are few
    def _known(self, candidates: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
        return tuple((reading, self.class_of[reading]) for reading in dict.fromkeys(candidates)
                     if reading in self.class_of)

    def _states(self, direction: int, texts: list[str], rows: np.ndarray, steps: np.ndarray) -> np.ndarray:
        """One direction's hidden states [len(rows), h] at each wanted (text ``rows[i]``, step ``steps[i]``): the
        texts read longest first, in chunks of at most ``_CELLS`` steps × texts, so a chunk's states stay a few
        MB."""
        lengths = np.array([len(text) + 1 for text in texts])  # with the begin or end symbol
        order = np.argsort(-lengths, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        rows = rank[rows]
        found = np.empty((len(rows), self._size), dtype=np.float32)
        first = 0
        while first < len(order):
            count = max(1, _CELLS // int(lengths[order[first]]))
            chunk = order[first:first + count]
            steps_of = lengths[chunk]  # longest first
            going = len(chunk) - np.searchsorted(steps_of[::-1], np.arange(int(steps_of[0])), side="right")
            states = self._recur(direction, self._ids(direction, [texts[row] for row in chunk.tolist()]), going)
            inside = (rows >= first) & (rows < first + len(chunk))
            found[inside] = states[steps[inside], rows[inside] - first]
            first += len(chunk)
        return found

    def _ids(self, direction: int, texts: list[str]) -> np.ndarray:
        """The ids of texts (longest first) after their begin symbol (forward) or end symbol (backward, the texts
        already reversed), step by step: [t, b], padded with the symbol; backward ids offset into the table's
        backward half."""
        codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
        found = np.minimum(np.searchsorted(self._codes, codes), len(self._codes) - 1)
        flat = np.where(self._codes[found] == codes, self._code_ids[found], self._unknown)
        lengths = np.array([len(text) for text in texts])
        symbol = self.char_ids[_EOS if direction else _BOS]
        ids = np.full((int(lengths[0]) + 1, len(texts)), symbol, dtype=np.int64)
        starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
        ids[np.arange(len(flat)) - starts + 1, np.repeat(np.arange(len(texts)), lengths)] = flat
        return ids + self._offset if direction else ids

    def _recur(self, direction: int, ids: np.ndarray, going: np.ndarray) -> np.ndarray:
        """The LSTM of one direction over [t, b] ids whose texts come longest first: states [t, b, h]. Step t runs
        only the ``going[t]`` texts still going (a prefix of the batch), so no step is spent on padding; a state
        past its text's end is left unset. (Both directions stacked in one [2, b, 4h] step measured slower: the strided
        slices cost more than the calls.)"""
        size = self._size
        width, batch = ids.shape
        states = np.empty((width, batch, size), dtype=np.float32)
        inputs, recurrent = self._inputs, self._recurrent[direction]
        hidden = np.zeros((batch, size), dtype=np.float32)
        cell = np.zeros((batch, size), dtype=np.float32)
        gates_of_all = np.empty((batch, 4 * size), dtype=np.float32)
        # each step in place, in buffers made once (a step's arrays are small: making them cost more than their
        # arithmetic); rows past ``active`` are never read again, as ``going`` only shrinks
        for step, active in enumerate(going.tolist()):  # the input half of each step looked up as it comes
            gates = gates_of_all[:active]
            np.matmul(hidden[:active], recurrent, out=gates)
            gates += inputs.take(ids[step, :active], axis=0)  # take: a third faster than fancy indexing
            np.tanh(gates, out=gates)  # weights pre-scaled: __init__
            sigmoids = gates[:, :3 * size]
            sigmoids *= 0.5
            sigmoids += 0.5
            kept = cell[:active]
            kept *= sigmoids[:, size:2 * size]
            kept += sigmoids[:, :size] * gates[:, 3 * size:]
            now = hidden[:active]
            np.tanh(kept, out=now)
            now *= sigmoids[:, 2 * size:]
            states[step, :active] = now
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

"""Readings of polyphonic characters chosen from the sentence they stand in: g2pM's bi-LSTM, run batched.

g2pM (Park & Lee, Interspeech 2020; Apache-2.0) ships its weights inside its wheel: a 64-wide character
embedding, one bidirectional LSTM layer of 32 units each way, and two dense layers over 876 tone-marked
syllables. Its own ``G2pM()`` reads one sentence at a time and picks the best of all 876 syllables; here:

- the embedding and the LSTM's input weights are multiplied out once into a table (one row per character), so a
  step of the recurrence is a table look-up and one 32×128 product;
- many clauses go through at once, grouped by length, so a novel's 100,000 clauses are a few hundred batches;
- the choice is made among the readings the character (or the word around it) can have, and comes with the
  model's confidence in it (softmax over those candidates), for the popup to say how sure it is.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

_BOS, _EOS, _UNK = "시", "끝", "<UNK>"  # g2pM's own begin/end/unknown symbols
_BATCH = 256
#: Characters of context the model sees on each side of the one it reads. A clause longer than three times this
#: (OCR output, text pasted without punctuation: 33,000 characters and more) is read in overlapping windows, so
#: memory stays bounded by the batch, not by the longest clause; shorter clauses are read whole, as before.
CONTEXT = 128
_WHOLE = 3 * CONTEXT


@dataclass(frozen=True, slots=True)
class Guess:
    """The model's reading of one character: numbered pinyin (``hang2``) and how sure it is (0-1)."""

    reading: str
    confidence: float


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
        bias_fw = weights["lstm.bias_ih_l0"] + weights["lstm.bias_hh_l0"]
        bias_bw = weights["lstm.bias_ih_l0_reverse"] + weights["lstm.bias_hh_l0_reverse"]
        # sigmoid(x) = (tanh(x / 2) + 1) / 2: with the input, forget and output gates' weights halved in
        # advance, one tanh over all four gates serves each step
        size = weights["lstm.weight_hh_l0"].shape[1]
        scale = np.full(4 * size, 0.5, dtype=np.float32)
        scale[2 * size:3 * size] = 1.0  # the cell candidate is a tanh already
        self._input_fw = ((embedding @ weights["lstm.weight_ih_l0"].T + bias_fw) * scale).astype(np.float32)
        self._input_bw = ((embedding @ weights["lstm.weight_ih_l0_reverse"].T + bias_bw) * scale).astype(np.float32)
        self._hidden_fw = (weights["lstm.weight_hh_l0"].T * scale).astype(np.float32)
        self._hidden_bw = (weights["lstm.weight_hh_l0_reverse"].T * scale).astype(np.float32)
        self._dense0 = (weights["logit_layer.0.weight"].T.astype(np.float32), weights["logit_layer.0.bias"])
        self._dense1 = (weights["logit_layer.2.weight"].T.astype(np.float32), weights["logit_layer.2.bias"])
        self._size = self._hidden_fw.shape[0]
        self._unknown = self.char_ids[_UNK]

    def is_polyphone(self, character: str) -> bool:
        return len(self.readings.get(character, ())) > 1

    def guess(self, requests: Sequence[tuple[str, int, Sequence[str]]]) -> list[Guess | None]:
        """For each (sentence, index of a character in it, candidate readings in numbered pinyin), the model's
        choice among the candidates it knows; None where it knows none of them."""
        results: list[Guess | None] = [None] * len(requests)
        by_sentence: dict[str, list[tuple[int, int]]] = {}  # the text the model reads -> (request, index in it)
        for number, (sentence, index, _candidates) in enumerate(requests):
            text, at = window(sentence, index)
            by_sentence.setdefault(text, []).append((number, at))
        sentences = sorted(by_sentence, key=len)
        for first in range(0, len(sentences), _BATCH):
            batch = sentences[first:first + _BATCH]
            forward, backward, lengths = self._run(batch)
            rows, positions, numbers = [], [], []
            for row, sentence in enumerate(batch):
                for number, at in by_sentence[sentence]:
                    rows.append(row)
                    positions.append(at + 1)  # after the begin symbol
                    numbers.append(number)
            rows_array, positions_array = np.array(rows), np.array(positions)
            features = np.concatenate([forward[rows_array, positions_array],
                                       backward[rows_array, lengths[rows_array] - 1 - positions_array]], axis=1)
            hidden = np.maximum(features @ self._dense0[0] + self._dense0[1], 0)
            logits = hidden @ self._dense1[0] + self._dense1[1]
            self._choose_all(logits, [requests[number][2] for number in numbers], numbers, results)
        return results

    def _choose_all(self, logits: np.ndarray, candidate_lists: list[Sequence[str]], numbers: list[int],
                    results: list[Guess | None]) -> None:
        """The best candidate of every line, a softmax over each line's candidates, done per candidate set at
        once (a novel asks 100,000 times, over a few hundred distinct sets)."""
        lines_of: dict[tuple[str, ...], list[int]] = {}
        for line, candidates in enumerate(candidate_lists):
            lines_of.setdefault(tuple(candidates), []).append(line)
        for candidates, lines in lines_of.items():
            known = self._known(candidates)
            if not known:
                continue
            scores = logits[np.array(lines)[:, None], np.array([index for _reading, index in known])[None, :]]
            scores = scores - scores.max(axis=1, keepdims=True)
            chances = np.exp(scores)
            best = chances.argmax(axis=1)
            confidence = 1.0 / chances.sum(axis=1)  # the best one's own chance is exp(0) = 1
            for line, choice, sure in zip(lines, best.tolist(), confidence.tolist(), strict=True):
                results[numbers[line]] = Guess(known[choice][0], sure)

    @lru_cache(maxsize=4096)  # noqa: B019 - one model per process, and candidate sets are few
    def _known(self, candidates: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
        return tuple((reading, self.class_of[reading]) for reading in dict.fromkeys(candidates)
                     if reading in self.class_of)

    def _run(self, sentences: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Hidden states of both directions for a batch: forward[b, t] over the sentence with its begin and end
        symbols, backward[b, t] over the same reversed (t counts from the end)."""
        ids = [[self.char_ids[_BOS], *(self.char_ids.get(ch, self._unknown) for ch in sentence),
                self.char_ids[_EOS]] for sentence in sentences]
        lengths = np.array([len(row) for row in ids])
        width = int(lengths.max())
        forward_ids = np.zeros((len(ids), width), dtype=np.int64)
        backward_ids = np.zeros((len(ids), width), dtype=np.int64)
        for row, sequence in enumerate(ids):
            forward_ids[row, :len(sequence)] = sequence
            backward_ids[row, :len(sequence)] = sequence[::-1]
        forward = self._recur(forward_ids, self._input_fw, self._hidden_fw)
        backward = self._recur(backward_ids, self._input_bw, self._hidden_bw)
        return forward, backward, lengths

    def _recur(self, ids: np.ndarray, inputs: np.ndarray, recurrent: np.ndarray) -> np.ndarray:
        size = self._size
        batch, width = ids.shape
        states = np.empty((batch, width, size), dtype=np.float32)
        hidden = np.zeros((batch, size), dtype=np.float32)
        cell = np.zeros((batch, size), dtype=np.float32)
        for step in range(width):  # the input half of each step looked up as it comes: [b, 4h], not [b, t, 4h]
            gates = np.tanh(inputs[ids[:, step]] + hidden @ recurrent)  # weights pre-scaled: see __init__
            sigmoids = gates * 0.5 + 0.5
            cell = sigmoids[:, size:2 * size] * cell + sigmoids[:, :size] * gates[:, 2 * size:3 * size]
            hidden = sigmoids[:, 3 * size:] * np.tanh(cell)
            states[:, step] = hidden
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

"""Analysis workers share what each worked out per word, so that no two work out the same word.

Why: a novel's analysis in two worker processes (``gather_processes``) had each worker fill its own per-word
memos (how a word is cut, read, tagged: ``Analyzer.word_memos``) for the words of its chunks. Most words occur in
both halves of a novel, so that cold work, ~2 s of CPU of 水浒传's ~7 s, was done twice: on a busy machine, where
the workers share one core and a bit, that is the time the learner waits for.

How: after each chunk, a worker sends the entries it added since it last sent (``news``), pickled once; the
caller passes them on, unopened, with the next task of every other worker, which adds them to its memos
(``take``) before reading its chunk. An entry holds whatever text it is read in (the memos are per word, not per
clause), so taking one changes no token; sharing is only ever a saving, and a memo started afresh (a bounded one
that filled) simply sends nothing until its next chunk.

Which entries are new: the memos are dicts, which keep their insertion order, so those past the length a memo
had when it last sent or took. A memo that is a new dict since (started again) counts from its start.
"""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Callable


class CacheSharing:
    """One worker's side: what its memos gained since it last said, and what others said added to them."""

    def __init__(self, memos: Callable[[], list[dict]]) -> None:
        self._memos = memos
        self._seen = self._marks()  # (id, length) of each memo when it last sent or took

    def news(self) -> bytes | None:
        """The entries added since the last ``news`` or ``take``, pickled (None: nothing new)."""
        found: list[dict] = []
        for memo, (identity, length) in zip(self._memos(), self._seen, strict=True):
            start = length if id(memo) == identity and len(memo) >= length else 0
            found.append(dict(itertools.islice(memo.items(), start, None)))
        self._seen = self._marks()
        return pickle.dumps(found, pickle.HIGHEST_PROTOCOL) if any(found) else None

    def take(self, news: bytes) -> None:
        """Add another worker's ``news`` to these memos (an entry already here is the same value: kept)."""
        for memo, entries in zip(self._memos(), pickle.loads(news), strict=True):
            setdefault = memo.setdefault
            for key, value in entries.items():
                setdefault(key, value)
        self._seen = self._marks()

    def _marks(self) -> list[tuple[int, int]]:
        return [(id(memo), len(memo)) for memo in self._memos()]

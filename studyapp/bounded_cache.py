"""A memo of values worked out per distinct key (a word, a group of words), bounded so that a huge text of made-up
words cannot grow it without end: when full it starts again, which costs only recomputation."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")

#: Distinct keys kept: a novel has ~40,000 distinct words; a 49 MB file of anything stays bounded.
DEFAULT_LIMIT = 200_000


class BoundedCache(Generic[Key, Value]):
    def __init__(self, make: Callable[[Key], Value], limit: int = DEFAULT_LIMIT) -> None:
        self._make = make
        self._limit = limit
        self._values: dict[Key, Value] = {}

    def __call__(self, key: Key) -> Value:
        values = self._values
        try:
            return values[key]
        except KeyError:
            pass
        if len(values) >= self._limit:
            values = self._values = {}
        value = values[key] = self._make(key)
        return value

    def __len__(self) -> int:
        return len(self._values)

    @property
    def entries(self) -> dict[Key, Value]:
        """The memo itself, live (a worker process adds another's entries to it: ``study.cache_sharing``)."""
        return self._values

    def forget(self) -> dict[Key, Value]:
        """Start again, with a new dict rather than clear(): a job still finishing may be writing to the old one.
        Returns the old one, for the caller to free a slice at a time (``analysis.Leftovers``)."""
        old, self._values = self._values, {}
        return old

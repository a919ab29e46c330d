"""A bounded, least-recently-used cache for what a serving process computes per published warehouse.

The engine and the warehouse reader keep results for every view anyone asked for, until the next publish. A
server running for weeks between publishes would otherwise grow with every new filter combination; past
`max_entries` the least recently used entries go (they are recomputed if asked again). Not thread-safe by
itself: callers hold their own lock.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator
from typing import Any

MISSING = object()


class LruCache:
    def __init__(self, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, default: Any = MISSING) -> Any:
        """The value (now the most recently used), or `default`."""
        try:
            self._entries.move_to_end(key)
        except KeyError:
            return default
        return self._entries[key]

    def put(self, key: Hashable, value: Any) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Hashable]:
        return iter(list(self._entries))

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries
